// SPDX-License-Identifier: GPL-2.0-only
/*
 * The page's graph (hyperiond --web): every SNIC, and the flows between
 * endpoints the kept events show, one edge per source and destination
 * with its count of each verdict. Built from the history on each request
 * (bounded by MON_HISTORY), so an edge fades out as its events age out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hyperion/abi.h"
#include "core/node_priv.h"
#include "lib/keys.h"

#define GRAPH_EDGES_MAX 1024

struct edge {
	char src[MON_NAME_MAX], dst[MON_NAME_MAX];
	uint64_t n[__MON_V_MAX];
	int64_t last;
	uint8_t proto;
	uint16_t port;
};

/* The SNIC name, or the address when no SNIC has it. */
static void end_name(const struct mon_end *e, char *buf, size_t len)
{
	if (e->snic[0])
		snprintf(buf, len, "%s", e->snic);
	else if (e->v6)
		ipv6_format(e->ip6, buf, len);
	else
		ipv4_format(e->ip, buf, len);
}

static bool in_ns(const struct mon_event *e, const char *ns)
{
	return !ns || !*ns || !strcmp(e->src.ns, ns) || !strcmp(e->dst.ns, ns);
}

static size_t edges_collect(const struct mon_state *m, const char *ns, struct edge *v)
{
	uint64_t first = m->seq > MON_HISTORY ? m->seq - MON_HISTORY + 1 : 1;
	size_t n = 0, i;

	for (uint64_t s = first; m->seq && s <= m->seq; s++) {
		const struct mon_event *e = &m->ring[s % MON_HISTORY];
		char src[MON_NAME_MAX], dst[MON_NAME_MAX];

		if (e->type != HYP_EV_FLOW && e->type != HYP_EV_DROP && e->type != HYP_EV_ALERT &&
		    e->type != HYP_EV_BLOCK)
			continue;
		if (!e->dst.ip || !in_ns(e, ns))
			continue;
		end_name(&e->src, src, sizeof(src));
		end_name(&e->dst, dst, sizeof(dst));
		for (i = 0; i < n; i++)
			if (!strcmp(v[i].src, src) && !strcmp(v[i].dst, dst))
				break;
		if (i == n) {
			if (n == GRAPH_EDGES_MAX)
				continue;
			memset(&v[n], 0, sizeof(v[n]));
			memcpy(v[n].src, src, sizeof(src));
			memcpy(v[n].dst, dst, sizeof(dst));
			n++;
		}
		v[i].n[e->verdict]++;
		v[i].last = e->time_ns;
		v[i].proto = e->proto;
		v[i].port = e->dst.port;
	}
	return n;
}

static json_object *edge_json(const struct edge *e)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, KEY_SRC, json_object_new_string(e->src));
	json_object_object_add(o, KEY_DST, json_object_new_string(e->dst));
	for (int v = MON_V_ALLOWED; v < __MON_V_MAX; v++)
		json_object_object_add(o, mon_verdict_name((uint8_t)v),
				       json_object_new_int64((int64_t)e->n[v]));
	json_object_object_add(o, KEY_MON_TIME, json_object_new_int64(e->last));
	json_object_object_add(o, KEY_PROTO, json_object_new_int(e->proto));
	json_object_object_add(o, KEY_PORT, json_object_new_int(e->port));
	return o;
}

static json_object *ep_json(const struct mon_ep *e)
{
	json_object *o = json_object_new_object();
	char ip[16];

	ipv4_format(e->ip, ip, sizeof(ip));
	json_object_object_add(o, KEY_NAME, json_object_new_string(e->name));
	json_object_object_add(o, KEY_MON_NAMESPACE, json_object_new_string(e->ns));
	json_object_object_add(o, KEY_IP, json_object_new_string(ip));
	json_object_object_add(o, KEY_IDENTITY, json_object_new_int64(e->identity));
	json_object_object_add(o, KEY_LABELS, json_object_new_string(e->labels ? e->labels : ""));
	return o;
}

json_object *node__monitor_graph_json(struct node *n, const char *ns)
{
	struct mon_state *m = n->mon;
	json_object *o = json_object_new_object(), *eps = json_object_new_array(),
		    *edges = json_object_new_array();
	struct edge *v = calloc(GRAPH_EDGES_MAX, sizeof(*v));
	size_t ne = 0;

	node__monitor_poll(n);
	node_monitor_ep_by_id(n, -1); /* refreshes the SNICs if due */
	if (v)
		ne = edges_collect(m, ns, v);
	for (size_t i = 0; i < m->n_eps; i++)
		if (!ns || !*ns || !strcmp(m->eps[i].ns, ns))
			json_object_array_add(eps, ep_json(&m->eps[i]));
	for (size_t i = 0; i < ne; i++)
		json_object_array_add(edges, edge_json(&v[i]));
	free(v);
	json_object_object_add(o, KEY_MON_NODE, json_object_new_string(m->node));
	json_object_object_add(o, "endpoints", eps);
	json_object_object_add(o, "edges", edges);
	json_object_object_add(o, KEY_MON_SEQ, json_object_new_int64((int64_t)m->seq));
	return o;
}
