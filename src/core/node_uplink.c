// SPDX-License-Identifier: GPL-2.0-only
/*
 * The uplink of a node: the NIC's port to the outside. Its configuration
 * (interface, address, next hop) is kept in the store under meta
 * "uplink" ("IFNAME A.B.C.D/P [GW]"; "IFNAME" alone on an IPv6-only
 * instance, whose uplink carries IPv6 only; "" when none) and re-adopted at
 * every start; the backend moves the interface and gives it back.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/node.h"
#include "core/node_priv.h"
#include "lib/keys.h"
#include "lib/log.h"

#define META_UPLINK  "uplink"
#define META_UPLINK6 "uplink6" /* node_uplink6.c */

/* An IPv6-only instance's uplink: no IPv4 address or gateway, an IPv6 address. */
static int parse_req6_only(const struct node *n, const struct uplink_req *req,
			   struct hyp_uplink_spec *s, struct errmsg *em)
{
	if ((req->addr && *req->addr) || (req->gateway && *req->gateway))
		return em_set(em, -EINVAL,
			      "uplink %s: instance %s is IPv6-only (--pool none): no IPv4 "
			      "address or gateway; give --addr6",
			      req->ifname, n->dom.instance);
	if (!req->addr6 || !*req->addr6)
		return em_set(em, -EINVAL,
			      "uplink %s: instance %s is IPv6-only (--pool none): --addr6 is "
			      "required",
			      req->ifname, n->dom.instance);
	s->ifname = req->ifname;
	return node_uplink6_parse(n, req, s, em);
}

static int parse_req(const struct node *n, const struct uplink_req *req, struct hyp_uplink_spec *s,
		     struct cidr4 *c, struct errmsg *em)
{
	uint32_t mask;

	memset(s, 0, sizeof(*s));
	if (!req->ifname || validate_ifname(req->ifname))
		return em_set(em, -EINVAL, "uplink: invalid interface name '%s'",
			      req->ifname ? req->ifname : "");
	if (!n->pool) /* IPv6-only (--pool none): the uplink carries IPv6 only */
		return parse_req6_only(n, req, s, em);
	if (!req->addr || !*req->addr)
		return em_set(em, -EINVAL,
			      "uplink %s: an IPv4 address is required (--addr A.B.C.D/P): "
			      "instance %s has an IPv4 pool",
			      req->ifname, n->dom.instance);
	if (cidr4_parse(req->addr, c) || c->prefix < 1 || c->prefix > 32)
		return em_set(em, -EINVAL, "uplink %s: invalid address '%s' (want A.B.C.D/P)",
			      req->ifname, req->addr ? req->addr : "");
	mask = cidr4_mask(c->prefix);
	if (c->prefix < 31 && ((c->addr & ~mask) == 0 || (c->addr & ~mask) == ~mask))
		return em_set(em, -EINVAL, "uplink %s: %s is not a host address of its subnet",
			      req->ifname, req->addr);
	/* either contains the other: the pool's first addresses */
	if (cidr4_contains(&n->net, c->addr) ||
	    (c->addr & cidr4_mask(c->prefix < n->net.prefix ? c->prefix : n->net.prefix)) ==
		(n->net.addr & cidr4_mask(c->prefix < n->net.prefix ? c->prefix : n->net.prefix)))
		return em_set(em, -EINVAL, "uplink %s: address %s overlaps the pool", req->ifname,
			      req->addr);
	s->ifname = req->ifname;
	s->ip = c->addr;
	s->prefix = c->prefix;
	if (req->gateway && *req->gateway) {
		if (ipv4_parse(req->gateway, &s->gw))
			return em_set(em, -EINVAL, "uplink %s: invalid gateway '%s'", req->ifname,
				      req->gateway);
		if (s->gw == s->ip || (s->gw & mask) != (s->ip & mask))
			return em_set(em, -EINVAL,
				      "uplink %s: gateway %s is not another address of %s",
				      req->ifname, req->gateway, req->addr);
	}
	return node_uplink6_parse(n, req, s, em);
}

static void spec_format(const struct hyp_uplink_spec *s, char *buf, size_t len)
{
	char a[16], g[16] = "";

	if (!s->prefix) { /* IPv6-only: the interface alone (its IPv6 side in uplink6) */
		snprintf(buf, len, "%s", s->ifname);
		return;
	}
	ipv4_format(s->ip, a, sizeof(a));
	if (s->gw)
		ipv4_format(s->gw, g, sizeof(g));
	snprintf(buf, len, "%s %s/%u%s%s", s->ifname, a, s->prefix, s->gw ? " " : "", g);
}

int node__uplink_set(struct node *n, const struct uplink_req *req, struct errmsg *em)
{
	struct hyp_uplink_spec s;
	char have[128] = "", want[128], have6[128] = "", want6[128];
	struct cidr4 c;
	int err;

	err = parse_req(n, req, &s, &c, em);
	if (err)
		return err;
	spec_format(&s, want, sizeof(want));
	node_uplink6_format(&s, want6, sizeof(want6));
	store__meta_get(n->st, META_UPLINK, have, sizeof(have));
	store__meta_get(n->st, META_UPLINK6, have6, sizeof(have6));
	if (have[0] && (strcmp(have, want) || strcmp(have6, want6)))
		return em_set(em, -EBUSY, "instance %s has uplink %s%s%s; clear it first",
			      n->dom.instance, have, have6[0] ? " " : "", have6);
	err = n->be->uplink_attach(n->bep, &s, em);
	if (err)
		return err;
	err = store__meta_set(n->st, META_UPLINK6, want6);
	if (!err)
		err = store__meta_set(n->st, META_UPLINK, want);
	if (err) {
		struct errmsg em2 = {};

		n->be->uplink_detach(n->bep, &em2);
		return em_set(em, err, "uplink %s: cannot store it", req->ifname);
	}
	if (!have[0])
		pr_info("uplink %s set\n", want);
	return 0;
}

int node__uplink_clear(struct node *n, struct errmsg *em)
{
	char have[128] = "";
	int err;

	store__meta_get(n->st, META_UPLINK, have, sizeof(have));
	if (!have[0])
		return em_set(em, -ENOENT, "instance %s has no uplink", n->dom.instance);
	err = n->be->uplink_detach(n->bep, em);
	if (err)
		return err;
	err = store__meta_set(n->st, META_UPLINK, "");
	if (!err)
		err = store__meta_set(n->st, META_UPLINK6, "");
	if (err)
		return em_set(em, err, "uplink: cleared, but the store failed");
	pr_info("uplink %s cleared: given back to the host netns\n", have);
	return 0;
}

/* At start: the stored uplink, adopted again (or taken again after a reboot). */
static int uplink_adopt(struct node *n)
{
	char have[128] = "", ifname[16], addr[20], gw[16] = "";
	char have6[128] = "", addr6[64] = "", gw6[IP6_STRLEN] = "";
	struct uplink_req req = {
	    .ifname = ifname, .addr = addr, .gateway = gw, .addr6 = addr6, .gateway6 = gw6};
	struct errmsg em = {};
	struct hyp_uplink_spec s;
	struct cidr4 c;
	int err;

	store__meta_get(n->st, META_UPLINK, have, sizeof(have));
	if (!have[0])
		return 0;
	switch (sscanf(have, "%15s %19s %15s", ifname, addr, gw)) {
	case 1: /* IPv6-only: the interface alone */
		req.addr = NULL;
		break;
	case 2:
	case 3:
		break;
	default:
		return pr_warn("uplink: stored configuration '%s' unreadable\n", have), -EIO;
	}
	store__meta_get(n->st, META_UPLINK6, have6, sizeof(have6));
	if (have6[0] && sscanf(have6, "%63s %45s", addr6, gw6) < 1)
		return pr_warn("uplink: stored IPv6 configuration '%s' unreadable\n", have6), -EIO;
	err = parse_req(n, &req, &s, &c, &em);
	if (!err)
		err = n->be->uplink_attach(n->bep, &s, &em);
	if (err)
		pr_warn("uplink %s: not adopted: %s\n", have, em.msg);
	return err;
}

int node_uplink_start(struct node *n, const struct node_opts *o, bool fresh, struct errmsg *em)
{
	struct uplink_req req = {
	    .ifname = o->uplink,
	    .addr = o->uplink_addr,
	    .gateway = o->uplink_gw,
	    .addr6 = o->uplink_addr6,
	    .gateway6 = o->uplink_gw6,
	};
	int err;

	if (!o->uplink) {
		uplink_adopt(n);
		return 0;
	}
	err = node__uplink_set(n, &req, em);
	if (err && fresh)
		n->be->destroy(n->bep);
	return err;
}

json_object *node__uplink_json(struct node *n)
{
	struct hyp_uplink_info u;
	json_object *o;
	char a[24], m[18];

	if (n->be->uplink_info(n->bep, &u))
		return json_object_new_object();
	o = json_object_new_object();
	json_object_object_add(o, KEY_IFNAME, json_object_new_string(u.ifname));
	if (u.prefix) { /* none on an IPv6-only instance */
		ipv4_format(u.ip, a, sizeof(a));
		snprintf(a + strlen(a), sizeof(a) - strlen(a), "/%u", u.prefix);
		json_object_object_add(o, KEY_ADDRESS, json_object_new_string(a));
	}
	if (u.gw) {
		ipv4_format(u.gw, a, sizeof(a));
		json_object_object_add(o, KEY_GATEWAY, json_object_new_string(a));
	}
	json_object_object_add(o, KEY_IFINDEX, json_object_new_int64(u.ifindex));
	mac_format(u.mac, m, sizeof(m));
	json_object_object_add(o, KEY_MAC, json_object_new_string(m));
	json_object_object_add(o, KEY_MTU, json_object_new_int64(u.mtu));
	if (u.gw_resolved) {
		mac_format(u.gw_mac, m, sizeof(m));
		json_object_object_add(o, KEY_GATEWAY_MAC, json_object_new_string(m));
	}
	node_uplink6_json(&u, o);
	return o;
}
