// SPDX-License-Identifier: GPL-2.0-only
/*
 * The uplink's IPv6 side (routed, docs/northsouth.md): its address and
 * next hop, checked, kept in the store under meta "uplink6" ("ADDR/P [GW]",
 * "" when none) next to meta "uplink", shown in uplink show.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/node.h"
#include "core/node_priv.h"
#include "lib/keys.h"

static bool v6_special(const uint8_t a[16])
{
	static const uint8_t zero[16];

	return a[0] == 0xff || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) || !memcmp(a, zero, 16);
}

/* Either contains the other. */
static bool v6_overlap(const struct cidr6 *a, const struct cidr6 *b)
{
	return cidr6_contains(a, b->addr) || cidr6_contains(b, a->addr);
}

static int gw6_parse(const struct uplink_req *req, const struct cidr6 *c, uint8_t gw[16],
		     struct errmsg *em)
{
	if (ipv6_parse(req->gateway6, gw) || gw[0] == 0xff || !memcmp(gw, c->addr, 16))
		return em_set(em, -EINVAL, "uplink %s: invalid IPv6 gateway '%s'", req->ifname,
			      req->gateway6);
	/* a router's link-local (what RAs announce) or an address of the subnet */
	if ((gw[0] == 0xfe && (gw[1] & 0xc0) == 0x80) || (c->prefix < 128 && cidr6_contains(c, gw)))
		return 0;
	return em_set(em, -EINVAL, "uplink %s: IPv6 gateway %s is neither link-local nor in %s",
		      req->ifname, req->gateway6, req->addr6);
}

/* addr6 (and gateway6) into s; nothing asked: prefix6 0. */
int node_uplink6_parse(const struct node *n, const struct uplink_req *req,
		       struct hyp_uplink_spec *s, struct errmsg *em)
{
	struct cidr6 c, host;

	if (!req->addr6 || !*req->addr6) {
		if (req->gateway6 && *req->gateway6)
			return em_set(em, -EINVAL, "uplink %s: an IPv6 gateway needs --addr6",
				      req->ifname);
		return 0;
	}
	if (!n->pool6)
		return em_set(em, -EINVAL, "uplink %s: instance %s has no IPv6 pool", req->ifname,
			      n->dom.instance);
	if (cidr6_parse(req->addr6, &c) || c.prefix < 1 || v6_special(c.addr))
		return em_set(em, -EINVAL, "uplink %s: invalid IPv6 address '%s' (want ADDR/P)",
			      req->ifname, req->addr6);
	host = c;
	ipv6_mask(host.addr, c.prefix);
	if (c.prefix < 127 && !memcmp(host.addr, c.addr, 16))
		return em_set(em, -EINVAL, "uplink %s: %s is not a host address of its subnet",
			      req->ifname, req->addr6);
	if (v6_overlap(&c, pool6__net(n->pool6)))
		return em_set(em, -EINVAL, "uplink %s: IPv6 address %s overlaps the pool6",
			      req->ifname, req->addr6);
	if (req->gateway6 && *req->gateway6 && gw6_parse(req, &c, s->gw6, em))
		return -EINVAL;
	memcpy(s->ip6, c.addr, 16);
	s->prefix6 = c.prefix;
	return 0;
}

/* "ADDR/P [GW]", "" without IPv6. */
void node_uplink6_format(const struct hyp_uplink_spec *s, char *buf, size_t len)
{
	static const uint8_t zero[16];
	struct cidr6 c = {.prefix = s->prefix6};
	char a[64], g[IP6_STRLEN] = "";

	buf[0] = 0;
	if (!s->prefix6)
		return;
	memcpy(c.addr, s->ip6, 16);
	cidr6_format(&c, a, sizeof(a));
	if (memcmp(s->gw6, zero, 16))
		ipv6_format(s->gw6, g, sizeof(g));
	snprintf(buf, len, "%s%s%s", a, g[0] ? " " : "", g);
}

void node_uplink6_json(const struct hyp_uplink_info *u, json_object *o)
{
	static const uint8_t zero[16];
	struct cidr6 c = {.prefix = u->prefix6};
	char a[64];

	if (!u->prefix6)
		return;
	memcpy(c.addr, u->ip6, 16);
	cidr6_format(&c, a, sizeof(a));
	json_object_object_add(o, KEY_ADDRESS6, json_object_new_string(a));
	if (memcmp(u->gw6, zero, 16)) {
		ipv6_format(u->gw6, a, sizeof(a));
		json_object_object_add(o, KEY_GATEWAY6, json_object_new_string(a));
	}
	ipv6_format(u->ll6, a, sizeof(a));
	json_object_object_add(o, KEY_LINK_LOCAL, json_object_new_string(a));
}
