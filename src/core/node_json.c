// SPDX-License-Identifier: GPL-2.0-only
/* JSON views of the node: SNICs, status, counters. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hyperion/abi.h"
#include "core/node_priv.h"
#include "lib/keys.h"
#include "lib/reasons.h"

/* How the backend shows what it made for r. */
static void snic_info(const struct node *n, const struct snic_rec *r, struct hyp_snic_info *info)
{
	struct hyp_snic_hw hw;

	snprintf(hw.state, sizeof(hw.state), "%s", r->hw);
	if (n->be->snic_info(n->bep, &hw, info))
		memset(info, 0, sizeof(*info));
}

json_object *node__snic_json(const struct node *n, const struct snic_rec *r)
{
	json_object *o = json_object_new_object();
	json_object *labels = json_object_new_object();
	struct hyp_snic_info info;
	struct labels ls;
	char buf[64], ip[16];

	ipv4_format(r->ip, ip, sizeof(ip));
	snprintf(buf, sizeof(buf), "%s/%u", ip, r->prefix);
	json_object_object_add(o, KEY_NAME, json_object_new_string(r->name));
	json_object_object_add(o, KEY_NETNS, json_object_new_string(r->netns));
	json_object_object_add(o, KEY_IFNAME, json_object_new_string(r->ifname));
	if (r->ip) { /* none: IPv6-only */
		json_object_object_add(o, KEY_IP, json_object_new_string(buf));
		ipv4_format(pool__gateway(n->pool), ip, sizeof(ip));
		json_object_object_add(o, KEY_GATEWAY, json_object_new_string(ip));
	}
	node_ip6_json(n, r, o);
	mac_format(r->mac, buf, sizeof(buf));
	json_object_object_add(o, KEY_MAC, json_object_new_string(buf));
	snic_info(n, r, &info);
	json_object_object_add(o, KEY_PORT, json_object_new_string(info.port));
	json_object_object_add(o, KEY_PORT_IFINDEX, json_object_new_int64(info.port_ifindex));
	json_object_object_add(o, KEY_IFINDEX, json_object_new_int64(info.ifindex));
	json_object_object_add(o, KEY_IDENTITY, json_object_new_int64(r->identity));
	if (!labels__parse_canonical(&ls, r->labels))
		for (size_t i = 0; i < ls.n; i++)
			json_object_object_add(labels, ls.l[i].key,
					       json_object_new_string(ls.l[i].val));
	json_object_object_add(o, KEY_LABELS, labels);
	json_object_object_add(o, KEY_NAMED_PORTS, json_object_new_string(r->ports));
	json_object_object_add(o, KEY_GUARD,
			       json_object_new_boolean(!(r->flags & SNIC_F_NO_GUARD)));
	json_object_object_add(o, KEY_ROUTED, json_object_new_boolean(r->flags & SNIC_F_ROUTED));
	if (r->owner[0])
		json_object_object_add(o, KEY_OWNER, json_object_new_string(r->owner));
	json_object_object_add(o, KEY_CREATED, json_object_new_int64(r->created));
	return o;
}

struct list_ctx {
	const struct node *n;
	json_object *arr;
};

static int list_cb(const struct snic_rec *r, void *ctx)
{
	struct list_ctx *l = ctx;

	json_object_array_add(l->arr, node__snic_json(l->n, r));
	return 0;
}

json_object *node__snic_list_json(struct node *n)
{
	struct list_ctx l = {.n = n, .arr = json_object_new_array()};

	if (store__snic_foreach(n->st, list_cb, &l)) {
		json_object_put(l.arr);
		return NULL;
	}
	return l.arr;
}

/* ports: { "<port ifindex>": {snic, counters..., drops{}} }, guards by snic id */
struct counters_ctx {
	struct node *n;
	json_object *ports;  /* keyed by ifindex */
	json_object *guards; /* keyed by snic id */
	json_object *totals; /* drops by reason, bridge + guard */
};

static json_object *entry(json_object *parent, uint32_t key)
{
	char k[16];
	json_object *o;

	snprintf(k, sizeof(k), "%u", key);
	if (json_object_object_get_ex(parent, k, &o))
		return o;
	o = json_object_new_object();
	json_object_object_add(parent, k, o);
	return o;
}

static void add_total(json_object *totals, const char *name, uint64_t packets)
{
	json_object *v;
	int64_t have = 0;

	if (json_object_object_get_ex(totals, name, &v))
		have = json_object_get_int64(v);
	json_object_object_add(totals, name, json_object_new_int64(have + (int64_t)packets));
}

static int counter_cb(enum hyp_counter_kind kind, uint32_t key, uint32_t code, uint64_t packets,
		      uint64_t bytes, void *ctx)
{
	struct counters_ctx *c = ctx;
	json_object *o, *drops;

	(void)bytes;
	o = entry(kind == HYP_CNT_GUARD_DROP ? c->guards : c->ports, key);
	if (kind == HYP_CNT_PORT_STAT) {
		json_object_object_add(o, port_stat_name(code),
				       json_object_new_int64((int64_t)packets));
		return 0;
	}
	if (!json_object_object_get_ex(o, KEY_DROPS, &drops)) {
		drops = json_object_new_object();
		json_object_object_add(o, KEY_DROPS, drops);
	}
	json_object_object_add(drops, drop_reason_name(code),
			       json_object_new_int64((int64_t)packets));
	add_total(c->totals, drop_reason_name(code), packets);
	return 0;
}

struct name_ctx {
	const struct node *n;
	json_object *ports, *guards, *out_ports, *out_guards;
};

static int name_cb(const struct snic_rec *r, void *ctx)
{
	struct name_ctx *nc = ctx;
	struct hyp_snic_info info;
	json_object *o;
	char k[24];

	snic_info(nc->n, r, &info);
	snprintf(k, sizeof(k), "%u", info.port_ifindex);
	if (json_object_object_get_ex(nc->ports, k, &o)) {
		json_object_object_add(o, KEY_PORT, json_object_new_string(info.port));
		json_object_object_add(nc->out_ports, r->name, json_object_get(o));
	}
	snprintf(k, sizeof(k), "%lld", (long long)r->id);
	if (json_object_object_get_ex(nc->guards, k, &o))
		json_object_object_add(nc->out_guards, r->name, json_object_get(o));
	return 0;
}

static int attr_cb(const char *key, const char *val, void *ctx)
{
	json_object_object_add(ctx, key, json_object_new_string(val));
	return 0;
}

/* The uplink with its port counters, under "uplink" ({} when none). */
static void uplink_status(struct node *n, json_object *o, json_object *ports)
{
	json_object *u = node__uplink_json(n), *ifx, *cnt;
	char k[24];

	if (json_object_object_get_ex(u, KEY_IFINDEX, &ifx)) {
		snprintf(k, sizeof(k), "%lld", (long long)json_object_get_int64(ifx));
		if (json_object_object_get_ex(ports, k, &cnt))
			json_object_object_add(u, KEY_COUNTERS, json_object_get(cnt));
	}
	json_object_object_add(o, KEY_UPLINK, u);
}

json_object *node__status_json(struct node *n)
{
	struct counters_ctx c = {.n = n};
	struct name_ctx nc;
	json_object *o = json_object_new_object();
	char buf[32], ip[16];

	json_object_object_add(o, KEY_INSTANCE, json_object_new_string(n->dom.instance));
	json_object_object_add(o, KEY_BACKEND, json_object_new_string(n->be->name));
	json_object_object_add(o, KEY_MON_EVENTS, node_monitor_status_json(n));
	n->be->domain_info(n->bep, attr_cb, o);
	json_object_object_add(o, KEY_SOCKET, json_object_new_string(n->paths.socket));
	ipv4_format(n->net.addr, ip, sizeof(ip));
	snprintf(buf, sizeof(buf), "%s/%u", ip, n->net.prefix);
	json_object_object_add(o, KEY_POOL, json_object_new_string(n->pool ? buf : "none"));
	if (n->pool) { /* none: IPv6-only (--pool none) */
		ipv4_format(pool__gateway(n->pool), ip, sizeof(ip));
		json_object_object_add(o, KEY_GATEWAY, json_object_new_string(ip));
	}
	json_object_object_add(o, KEY_ADDRESSES_USED,
			       json_object_new_int64(n->pool ? pool__used(n->pool) : 0));
	json_object_object_add(o, KEY_ADDRESSES_TOTAL,
			       json_object_new_int64(n->pool ? pool__capacity(n->pool) : 0));
	node_pool6_status_json(n, o);
	json_object_object_add(o, KEY_SNICS, json_object_new_int(store__snic_count(n->st)));
	json_object_object_add(o, KEY_IDENTITIES,
			       json_object_new_int(store__identity_count(n->st)));
	json_object_object_add(o, KEY_GUARD, json_object_new_boolean(n->guard));
	json_object_object_add(o, KEY_BIG_TCP, json_object_new_int64(n->dom.big_tcp));
	json_object_object_add(o, KEY_CONNTRACK_ENTRIES, json_object_new_int64(n->ct_live));
	json_object_object_add(
	    o, KEY_CONNTRACK_QUOTA,
	    json_object_new_int64(n->dom.ct_quota ? n->dom.ct_quota : HYP_CT_QUOTA_DEFAULT));

	c.ports = json_object_new_object();
	c.guards = json_object_new_object();
	c.totals = json_object_new_object();
	n->be->counters(n->bep, counter_cb, &c);
	nc.n = n;
	nc.ports = c.ports;
	nc.guards = c.guards;
	nc.out_ports = json_object_new_object();
	nc.out_guards = json_object_new_object();
	store__snic_foreach(n->st, name_cb, &nc);
	uplink_status(n, o, c.ports);
	json_object_put(c.ports);
	json_object_put(c.guards);
	json_object_object_add(o, KEY_PORTS, nc.out_ports);
	json_object_object_add(o, KEY_GUARDS, nc.out_guards);
	json_object_object_add(o, KEY_DROPS, c.totals);
	json_object_object_add(o, KEY_INSPECTION, node_inspect_usage_json(n));
	return o;
}
