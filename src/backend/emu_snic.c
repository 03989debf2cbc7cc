// SPDX-License-Identifier: GPL-2.0-only
/*
 * emu backend: what it records of a SNIC (the veth pair's indexes, the
 * container netns cookie) as the JSON string the control plane stores
 * unread, and the container side of a SNIC: set up and checked.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>

#include "backend/emu.h"
#include "lib/keys.h"
#include "lib/netns.h"

#define ES_NETNS_COOKIE "netns_cookie"

int emu_snic_encode(const struct emu_snic *es, struct hyp_snic_hw *hw)
{
	int n = snprintf(hw->state, sizeof(hw->state),
			 "{\"" KEY_PORT "\":\"%s\",\"" KEY_PORT_IFINDEX "\":%" PRIu32
			 ",\"" KEY_IFINDEX "\":%" PRIu32 ",\"" ES_NETNS_COOKIE "\":%" PRIu64 "}",
			 es->port_name, es->port_ifindex, es->if_index, es->netns_cookie);

	return n < 0 || (size_t)n >= sizeof(hw->state) ? -ENOSPC : 0;
}

static uint64_t get_u64(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
		return 0;
	return json_object_get_uint64(v);
}

void emu_snic_decode(const struct hyp_snic_hw *hw, int64_t id, struct emu_snic *es)
{
	json_object *o = hw->state[0] ? json_tokener_parse(hw->state) : NULL, *v;

	memset(es, 0, sizeof(*es));
	snprintf(es->port_name, sizeof(es->port_name), EMU_PORT_PREFIX "%lld", (long long)id);
	if (!o)
		return;
	if (json_object_object_get_ex(o, KEY_PORT, &v) && json_object_is_type(v, json_type_string))
		snprintf(es->port_name, sizeof(es->port_name), "%s", json_object_get_string(v));
	es->port_ifindex = (uint32_t)get_u64(o, KEY_PORT_IFINDEX);
	es->if_index = (uint32_t)get_u64(o, KEY_IFINDEX);
	es->netns_cookie = get_u64(o, ES_NETNS_COOKIE);
	json_object_put(o);
}

int emu_snic_info(void *priv, const struct hyp_snic_hw *hw, struct hyp_snic_info *out)
{
	struct emu_snic es;

	(void)priv;
	memset(out, 0, sizeof(*out));
	if (!hw->state[0]) /* not made yet */
		return 0;
	emu_snic_decode(hw, 0, &es);
	snprintf(out->port, sizeof(out->port), "%s", es.port_name);
	out->port_ifindex = es.port_ifindex;
	out->ifindex = es.if_index;
	return 0;
}

/* Inside the container: IPv6 (or none), address, up, routes. */
int emu_container_setup(struct nl *cnl, const struct hyp_snic_spec *s,
			const struct hyp_domain_cfg *cfg, uint32_t ifindex, struct errmsg *em)
{
	int err = emu_container_setup6(cnl, s, ifindex, em);

	if (err)
		return err;
	err = s->ip ? nl__addr_add(cnl, ifindex, s->ip, s->prefix) : 0; /* 0: IPv6-only */
	if (err)
		return em_set(em, err, "snic %s: cannot add address: %s", s->name, strerror(-err));
	err = nl__link_up(cnl, ifindex);
	if (err)
		return em_set(em, err, "snic %s: cannot set %s up: %s", s->name, s->ifname,
			      strerror(-err));
	if (s->host) /* the host endpoint: the pool's connected route only */
		return 0;
	err = s->ip ? nl__route_default_add(cnl, ifindex, cfg->gw) : 0;
	if (err == -EEXIST) /* another attachment in this netns has it: keep it */
		err = 0;
	if (err)
		return em_set(em, err, "snic %s: cannot add default route: %s", s->name,
			      strerror(-err));
	return emu_container_route6(cnl, s, (const uint8_t *)cfg->gw6, ifindex, em);
}

int emu_container_check(void *priv, const struct hyp_snic_spec *s, const struct hyp_snic_hw *hw,
			struct errmsg *em)
{
	struct emu *e = priv;
	struct emu_snic es;
	struct nl *cnl = NULL;
	struct nl_link l;
	int err;

	emu_snic_decode(hw, s->id, &es);
	err = nl__open(s->netns_fd, &cnl);
	if (err)
		return em_set(em, err, "snic %s: netlink in container netns", s->name);
	if (nl__link_get(cnl, s->ifname, &l) || l.ifindex != es.if_index) {
		err = em_set(em, -ENODEV, "snic %s: interface %s missing in the netns", s->name,
			     s->ifname);
		goto out;
	}
	if (s->ip && nl__addr_has(cnl, l.ifindex, s->ip, s->prefix) != 1) {
		err = em_set(em, -EADDRNOTAVAIL, "snic %s: address missing on %s", s->name,
			     s->ifname);
		goto out;
	}
	/* ours, or another attachment's when several share the netns */
	if (s->host)
		err = 0; /* no default route on the host endpoint */
	else if (s->ip && nl__route_default_has(cnl, l.ifindex, e->cfg.gw) != 1 &&
		 nl__route_default_has(cnl, 0, 0) != 1)
		err = em_set(em, -ENETUNREACH, "snic %s: default route missing", s->name);
	else
		err = emu_container_check6(cnl, s, (const uint8_t *)e->cfg.gw6, l.ifindex, em);
out:
	nl__close(cnl);
	return err;
}
