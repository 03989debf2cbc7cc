// SPDX-License-Identifier: GPL-2.0-only
/*
 * Dual stack: the instance's IPv6 pool (hyperiond --pool6, kept in the
 * state), a SNIC's IPv6 address picked or checked, released, shown.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/node_priv.h"
#include "lib/keys.h"
#include "lib/log.h"

#define META_POOL6 "pool6"

/* A prefix a pool may be: unicast, not link-local, loopback or IPv4-mapped. */
static bool pool6_kind_ok(const struct cidr6 *c)
{
	static const uint8_t mapped[12] = {[10] = 0xff, [11] = 0xff};

	if (c->addr[0] == 0xff || (c->addr[0] == 0xfe && (c->addr[1] & 0xc0) == 0x80))
		return false;
	if (!memcmp(c->addr, mapped, 12) || (c->addr[0] == 0 && c->prefix < 96))
		return false;
	return true;
}

/* What the options ask a fresh instance (or one made before dual stack) for. */
static int pool6_wanted(const struct node_opts *o, struct cidr6 *c, struct errmsg *em)
{
	memset(c, 0, sizeof(*c));
	if (o->pool6 && !strcmp(o->pool6, "none"))
		return 0;
	if (!o->pool6) {
		int err = ula_generate(c);

		return err ? em_set(em, err, "no randomness for the IPv6 pool") : 0;
	}
	if (cidr6_parse(o->pool6, c))
		return em_set(em, -EINVAL, "invalid --pool6 '%s' (want an IPv6 CIDR or none)",
			      o->pool6);
	if (!pool6_kind_ok(c))
		return em_set(em, -EINVAL,
			      "invalid --pool6 %s: a unicast prefix (not link-local, multicast, "
			      "loopback or IPv4-mapped)",
			      o->pool6);
	if (c->prefix < POOL6_PREFIX_MIN || c->prefix > POOL6_PREFIX_MAX)
		return em_set(em, -EINVAL, "invalid --pool6 prefix /%u (%d-%d)", c->prefix,
			      POOL6_PREFIX_MIN, POOL6_PREFIX_MAX);
	ipv6_mask(c->addr, c->prefix);
	return 0;
}

/* The pool kept in the state; written on the first start. */
static int pool6_settle(struct node *n, const struct node_opts *o, struct cidr6 *c,
			struct errmsg *em)
{
	char buf[64], want[64] = "none";
	struct cidr6 asked;
	int err;

	if (store__meta_get(n->st, META_POOL6, buf, sizeof(buf))) {
		err = pool6_wanted(o, c, em);
		if (err)
			return err;
		if (c->prefix)
			cidr6_format(c, want, sizeof(want));
		err = store__meta_set(n->st, META_POOL6, want);
		return err ? em_set(em, err, "cannot write settings") : 0;
	}
	memset(c, 0, sizeof(*c));
	if (strcmp(buf, "none") && cidr6_parse(buf, c))
		return em_set(em, -EIO, "state of %s has no valid pool6 ('%s')", o->instance, buf);
	if (!o->pool6)
		return 0;
	err = pool6_wanted(o, &asked, em);
	if (err)
		return err;
	if (asked.prefix != c->prefix || memcmp(asked.addr, c->addr, 16))
		return em_set(em, -EEXIST, "instance %s uses pool6 %s; teardown to change it",
			      o->instance, buf);
	return 0;
}

static int pool6_fill_cb(const struct snic_rec *r, void *ctx)
{
	struct pool6 *p = ctx;
	int err;

	if (!r->prefix6)
		return 0;
	err = pool6__reserve(p, r->ip6);
	if (err)
		pr_warn("snic %s: stored IPv6 address is not valid in pool6: %s\n", r->name,
			strerror(-err));
	return 0;
}

int node_pool6_open(struct node *n, const struct node_opts *o, struct errmsg *em)
{
	struct cidr6 c;
	int err = pool6_settle(n, o, &c, em);

	if (err || !c.prefix)
		return err;
	err = pool6__new(&c, &n->pool6);
	if (err)
		return em_set(em, err, "invalid pool6 %s", "prefix");
	err = store__snic_foreach(n->st, pool6_fill_cb, n->pool6);
	if (err)
		return em_set(em, err, "cannot read the SNICs");
	memcpy(n->dom.pool6, pool6__net(n->pool6)->addr, 16);
	n->dom.pool6_prefix = pool6__net(n->pool6)->prefix;
	pool6__gateway(n->pool6, (uint8_t *)n->dom.gw6);
	return 0;
}

/* r->ip6/prefix6: req->ip6, or the pool's next free one (none without a pool6). */
int node_pick_ip6(struct node *n, const struct snic_req *req, struct snic_rec *r,
		  struct errmsg *em)
{
	char pool[64], addr[IP6_STRLEN];
	struct snic_rec other;
	struct cidr6 c;
	int err;

	if (!n->pool6) {
		if (req->ip6)
			return em_set(em, -EINVAL, "snic %s: %s: the instance has no IPv6 pool "
				      "(hyperiond --pool6)", req->name, req->ip6);
		return 0;
	}
	cidr6_format(pool6__net(n->pool6), pool, sizeof(pool));
	if (!req->ip6) {
		err = pool6__alloc(n->pool6, r->ip6);
		if (err)
			return em_set(em, err, "snic %s: IPv6 pool %s exhausted", req->name, pool);
		r->prefix6 = pool6__net(n->pool6)->prefix;
		return 0;
	}
	if (cidr6_parse(req->ip6, &c))
		return em_set(em, -EINVAL, "snic %s: bad IPv6 CIDR '%s' (want ADDR/N)", req->name,
			      req->ip6);
	if (c.prefix != pool6__net(n->pool6)->prefix)
		return em_set(em, -EINVAL, "snic %s: prefix /%u of %s does not match pool6 %s",
			      req->name, c.prefix, req->ip6, pool);
	err = pool6__reserve(n->pool6, c.addr);
	ipv6_format(c.addr, addr, sizeof(addr));
	if (err == -ERANGE)
		return em_set(em, err, "snic %s: %s is outside the pool6 %s", req->name, addr,
			      pool);
	if (err == -EADDRNOTAVAIL)
		return em_set(em, err, "snic %s: %s is reserved (network, gateway or anycast)",
			      req->name, addr);
	if (err == -EADDRINUSE && !store__snic_by_ip6(n->st, c.addr, &other))
		return em_set(em, err, "snic %s: IP %s already used by %s", req->name, addr,
			      other.name);
	if (err)
		return em_set(em, err, "snic %s: IP %s: %s", req->name, addr, strerror(-err));
	memcpy(r->ip6, c.addr, 16);
	r->prefix6 = c.prefix;
	return 0;
}

void node_release_ip6(struct node *n, const struct snic_rec *r)
{
	if (n->pool6 && r->prefix6)
		pool6__release(n->pool6, r->ip6);
}

/* ip6, gateway6, link_local of a SNIC with IPv6 */
void node_ip6_json(const struct node *n, const struct snic_rec *r, json_object *o)
{
	char buf[IP6_STRLEN + 8];
	struct cidr6 c = {.prefix = r->prefix6};
	uint8_t ll[16];

	if (!r->prefix6 || !n->pool6)
		return;
	memcpy(c.addr, r->ip6, 16);
	cidr6_format(&c, buf, sizeof(buf));
	json_object_object_add(o, KEY_IP6, json_object_new_string(buf));
	ipv6_format((const uint8_t *)n->dom.gw6, buf, sizeof(buf));
	json_object_object_add(o, KEY_GATEWAY6, json_object_new_string(buf));
	ipv6_ll_from_mac(r->mac, ll);
	ipv6_format(ll, buf, sizeof(buf));
	json_object_object_add(o, KEY_LINK_LOCAL, json_object_new_string(buf));
}

uint32_t node_addresses6_free(const struct node *n)
{
	unsigned int bits;
	uint64_t cap;

	if (!n->pool6)
		return 0;
	bits = 128 - pool6__net(n->pool6)->prefix;
	cap = bits >= 33 ? UINT32_MAX + 2ull : (1ull << bits); /* 2: network, gateway */
	cap = cap - 2 > pool6__used(n->pool6) ? cap - 2 - pool6__used(n->pool6) : 0;
	return cap > UINT32_MAX ? UINT32_MAX : (uint32_t)cap;
}

/* pool6 ("none") and its use, for status */
void node_pool6_status_json(const struct node *n, json_object *o)
{
	char buf[64] = "none";

	if (n->pool6)
		cidr6_format(pool6__net(n->pool6), buf, sizeof(buf));
	json_object_object_add(o, KEY_POOL6, json_object_new_string(buf));
	if (n->pool6) {
		ipv6_format((const uint8_t *)n->dom.gw6, buf, sizeof(buf));
		json_object_object_add(o, KEY_GATEWAY6, json_object_new_string(buf));
		json_object_object_add(o, KEY_ADDRESSES6_USED,
				       json_object_new_int64((int64_t)pool6__used(n->pool6)));
	}
}
