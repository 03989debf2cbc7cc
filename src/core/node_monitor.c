// SPDX-License-Identifier: GPL-2.0-only
/*
 * Flow events in the daemon (docs/observability.md): the datapath's
 * (backend flow_events), the inspection alerts (node_inspect.c) and the
 * SNIC lifecycle, each named when it arrives (SNIC, namespace, identity,
 * the rules that allowed a flow) and kept in a ring of MON_HISTORY
 * events. Names come from a cache of the SNICs, refreshed when a SNIC
 * comes or goes, and at most once a second when an address is unknown.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hyperion/abi.h"
#include "core/node_priv.h"
#include "core/node_monitor.h"
#include "lib/identity.h"
#include "lib/labels.h"
#include "lib/log.h"
#include "policy/policy.h"

#define REFRESH_MIN_MS 1000

static int64_t clock_ms(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* CLOCK_MONOTONIC ns (the datapath's) as CLOCK_REALTIME ns. */
static int64_t realtime_of(uint64_t mono_ns)
{
	struct timespec rt, mo;

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mo);
	return (int64_t)rt.tv_sec * 1000000000 + rt.tv_nsec -
	       ((int64_t)mo.tv_sec * 1000000000 + mo.tv_nsec) + (int64_t)mono_ns;
}

static void eps_free(struct mon_state *m)
{
	for (size_t i = 0; i < m->n_eps; i++)
		free(m->eps[i].labels);
	free(m->eps);
	m->eps = NULL;
	m->n_eps = 0;
	m->cap_eps = 0;
}

struct refresh {
	struct node *n;
	struct mon_ep *v;
	size_t len, cap;
};

static int refresh_cb(const struct snic_rec *r, void *ctx)
{
	struct refresh *f = ctx;
	struct hyp_snic_hw hw = {};
	struct hyp_snic_info info = {};
	struct labels ls = {};
	struct mon_ep *e;
	const char *ns;

	if (f->len == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 64;
		struct mon_ep *v = realloc(f->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		f->v = v;
		f->cap = cap;
	}
	snprintf(hw.state, sizeof(hw.state), "%s", r->hw);
	f->n->be->snic_info(f->n->bep, &hw, &info);
	e = &f->v[f->len];
	memset(e, 0, sizeof(*e));
	e->id = r->id;
	e->ip = r->ip;
	if (r->prefix6)
		memcpy(e->ip6, r->ip6, 16);
	e->identity = r->identity;
	e->port_ifindex = info.port_ifindex;
	snprintf(e->name, sizeof(e->name), "%s", r->name);
	ns = labels__parse_canonical(&ls, r->labels) ? NULL : labels__get(&ls, IDENT_NS_KEY);
	snprintf(e->ns, sizeof(e->ns), "%s", ns ? ns : "default"); /* absent: default */
	e->labels = strdup(r->labels);
	if (!e->labels)
		return -ENOMEM;
	f->len++;
	return 0;
}

static void eps_refresh(struct node *n)
{
	struct mon_state *m = n->mon;
	struct refresh f = {.n = n};

	if (store__snic_foreach(n->st, refresh_cb, &f)) {
		for (size_t i = 0; i < f.len; i++)
			free(f.v[i].labels);
		free(f.v);
		return;
	}
	eps_free(m);
	m->eps = f.v;
	m->n_eps = f.len;
	m->cap_eps = f.cap;
	m->dirty = false;
	m->refreshed_ms = clock_ms(CLOCK_MONOTONIC);
}

/* One new SNIC into a current cache: O(1), not a walk of the store per add. */
static int eps_append(struct node *n, const struct snic_rec *r)
{
	struct mon_state *m = n->mon;
	struct refresh f = {.n = n, .v = m->eps, .len = m->n_eps, .cap = m->cap_eps};
	int err = refresh_cb(r, &f);

	m->eps = f.v;
	m->n_eps = f.len;
	m->cap_eps = f.cap;
	return err;
}

static bool may_refresh(const struct mon_state *m)
{
	return m->dirty || clock_ms(CLOCK_MONOTONIC) - m->refreshed_ms >= REFRESH_MIN_MS;
}

static const struct mon_ep *ep_find(struct node *n, uint32_t ip, uint32_t port, int64_t id)
{
	struct mon_state *m = n->mon;

	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < m->n_eps; i++) {
			const struct mon_ep *e = &m->eps[i];

			if ((ip && e->ip == ip) || (port && e->port_ifindex == port) ||
			    (id && e->id == id))
				return e;
		}
		if (pass || !may_refresh(m))
			break;
		eps_refresh(n);
	}
	return NULL;
}

/* The SNIC with IPv6 address ip6 (ep_find's refresh rule). */
static const struct mon_ep *ep_find6(struct node *n, const uint8_t ip6[16])
{
	static const uint8_t zero[16];
	struct mon_state *m = n->mon;

	if (!memcmp(ip6, zero, 16))
		return NULL;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < m->n_eps; i++)
			if (!memcmp(m->eps[i].ip6, ip6, 16))
				return &m->eps[i];
		if (pass || !may_refresh(m))
			break;
		eps_refresh(n);
	}
	return NULL;
}

const struct mon_ep *node_monitor_ep_by_port(struct node *n, uint32_t port_ifindex)
{
	return port_ifindex ? ep_find(n, 0, port_ifindex, 0) : NULL;
}

const struct mon_ep *node_monitor_ep_by_id(struct node *n, int64_t snic_id)
{
	return snic_id ? ep_find(n, 0, 0, snic_id) : NULL;
}

const char *node_monitor_labels(uint32_t identity, void *ctx)
{
	struct node *n = ctx;

	for (size_t i = 0; n->mon && i < n->mon->n_eps; i++)
		if (n->mon->eps[i].identity == identity)
			return n->mon->eps[i].labels;
	return "";
}

static void end_fill(struct mon_end *end, const struct mon_ep *e, uint32_t ip, uint16_t port,
		     uint32_t identity)
{
	memset(end, 0, sizeof(*end));
	end->ip = ip;
	end->port = port;
	end->identity = identity;
	if (!e)
		return;
	snprintf(end->snic, sizeof(end->snic), "%s", e->name);
	snprintf(end->ns, sizeof(end->ns), "%s", e->ns);
	if (!end->identity)
		end->identity = e->identity;
	if (!end->ip && !end->v6)
		end->ip = e->ip;
}

/* An IPv6 end: its address, whatever the SNIC's IPv4 is. */
static void end_fill6(struct mon_end *end, const struct mon_ep *e, const uint8_t ip6[16],
		      uint16_t port, uint32_t identity)
{
	end_fill(end, NULL, 0, port, identity);
	end->v6 = true;
	memcpy(end->ip6, ip6, 16);
	if (!e)
		return;
	snprintf(end->snic, sizeof(end->snic), "%s", e->name);
	snprintf(end->ns, sizeof(end->ns), "%s", e->ns);
	if (!end->identity)
		end->identity = e->identity;
}

/* The next slot of the ring, zeroed, with its seq and the time. */
static struct mon_event *ev_next(struct mon_state *m, uint64_t mono_ns)
{
	struct mon_event *e = &m->ring[++m->seq % MON_HISTORY];

	memset(e, 0, sizeof(*e));
	e->seq = m->seq;
	e->time_ns = mono_ns ? realtime_of(mono_ns) : clock_ms(CLOCK_REALTIME) * 1000000;
	return e;
}

static void ev_count(struct mon_state *m, const struct mon_event *e)
{
	if (e->type < __HYP_EV_MAX)
		m->by_type[e->type]++;
	if (e->verdict < __MON_V_MAX)
		m->by_verdict[e->verdict]++;
}

/* Copies what fits of src (a name cut short still names it). */
static void copy_str(char *dst, size_t len, const char *src)
{
	size_t n = strnlen(src, len - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void rule_text(const struct mon_state *m, uint32_t id, char *buf, size_t len)
{
	const struct pol_rule_ref *r;
	size_t off = strlen(buf);

	if (!id || id >= m->n_rules || off >= len)
		return;
	r = &m->rules[id];
	if (snprintf(buf + off, len - off, "%s%s %s[%d]", off ? "; " : "", r->policy,
		     r->dir == HYP_DIR_INGRESS ? "ingress" : "egress", r->rule) < 0)
		buf[off] = '\0';
}

static int on_flow(const struct hyp_flow_rec *r, void *ctx)
{
	struct node *n = ctx;
	struct mon_state *m = n->mon;
	struct mon_event *e = ev_next(m, r->ts);

	e->type = r->type;
	e->proto = r->proto;
	e->tcp_flags = r->tcp_flags;
	e->reason = r->reason;
	e->len = r->len;
	e->verdict = r->type == HYP_EV_FLOW  ? MON_V_ALLOWED
		     : r->type == HYP_EV_NAT ? MON_V_NONE
					     : mon_drop_verdict(r->reason);
	e->nat_addr = r->nat_addr;
	e->nat_port = r->nat_port;
	e->stage = r->stage;
	/* the sender is the SNIC of the port the frame came in on (or whose
	 * guard dropped it), whatever source address it wrote */
	end_fill(&e->src,
		 r->stage == HYP_EV_STAGE_GUARD ? node_monitor_ep_by_id(n, r->snic_id)
						: node_monitor_ep_by_port(n, r->port_ifindex),
		 r->saddr, r->sport, r->src_id);
	end_fill(&e->dst, r->daddr ? ep_find(n, r->daddr, 0, 0) : NULL, r->daddr, r->dport,
		 r->dst_id);
	if (r->v6) {
		end_fill6(&e->src, node_monitor_ep_by_port(n, r->port_ifindex), r->saddr6, r->sport,
			  r->src_id);
		end_fill6(&e->dst, ep_find6(n, r->daddr6), r->daddr6, r->dport, r->dst_id);
	}
	if (r->type == HYP_EV_FLOW) {
		rule_text(m, r->rule_egress, e->policy, sizeof(e->policy));
		rule_text(m, r->rule_ingress, e->policy, sizeof(e->policy));
	}
	ev_count(m, e);
	return 0;
}

int node__monitor_poll(struct node *n)
{
	if (!n->mon || !n->be->flow_events)
		return 0;
	return n->be->flow_events(n->bep, on_flow, n);
}

int node__monitor_fd(struct node *n)
{
	return n->be->flow_event_fd ? n->be->flow_event_fd(n->bep) : -1;
}

static void match_count(struct mon_state *m, const char *policy, uint8_t action)
{
	for (size_t i = 0; i < m->n_matches; i++)
		if (m->matches[i].action == action && !strcmp(m->matches[i].policy, policy)) {
			m->matches[i].n++;
			return;
		}
	if (m->n_matches == MON_MATCH_POLICIES) {
		m->matches_other++;
		return;
	}
	copy_str(m->matches[m->n_matches].policy, sizeof(m->matches[0].policy), policy);
	m->matches[m->n_matches].action = action;
	m->matches[m->n_matches++].n = 1;
}

void node_monitor_alert(struct node *n, const struct hyp_inspect_alert *a, const char *policy,
			const char *pattern)
{
	struct mon_state *m = n->mon;
	struct mon_event *e;

	if (!m)
		return;
	e = ev_next(m, a->ts);
	e->type = a->action == HYP_INSPECT_DROP ? HYP_EV_BLOCK : HYP_EV_ALERT;
	e->verdict = a->action == HYP_INSPECT_DROP ? MON_V_BLOCKED : MON_V_ALERTED;
	e->proto = a->proto;
	end_fill(&e->src, ep_find(n, a->saddr, 0, 0), a->saddr, a->sport, 0);
	end_fill(&e->dst, ep_find(n, a->daddr, 0, 0), a->daddr, a->dport, 0);
	if (a->v6) {
		end_fill6(&e->src, ep_find6(n, a->saddr6), a->saddr6, a->sport, 0);
		end_fill6(&e->dst, ep_find6(n, a->daddr6), a->daddr6, a->dport, 0);
	}
	copy_str(e->policy, sizeof(e->policy), policy ? policy : "");
	copy_str(e->pattern, sizeof(e->pattern), pattern ? pattern : "");
	ev_count(m, e);
	match_count(m, e->policy, a->action);
}

void node_monitor_snic(struct node *n, const struct snic_rec *r, uint8_t type)
{
	struct mon_state *m = n->mon;
	struct mon_event *e;
	struct mon_ep ep = {.ip = r->ip, .identity = r->identity};
	struct labels ls = {};
	const char *ns;
	bool was_dirty;

	if (!m)
		return;
	was_dirty = m->dirty;
	m->dirty = true;
	snprintf(ep.name, sizeof(ep.name), "%s", r->name);
	ns = labels__parse_canonical(&ls, r->labels) ? NULL : labels__get(&ls, IDENT_NS_KEY);
	snprintf(ep.ns, sizeof(ep.ns), "%s", ns ? ns : "default");
	e = ev_next(m, 0);
	e->type = type;
	end_fill(&e->src, &ep, r->ip, 0, r->identity);
	ev_count(m, e);
	if (type != HYP_EV_SNIC_ADD)
		return;
	if (!was_dirty && !eps_append(n, r))
		m->dirty = false; /* the cache is current again */
	else
		eps_refresh(n);
}

void node_monitor_rules(struct node *n, const struct pol_rule_ref *rules, size_t n_rules,
			double compile_s, double load_s)
{
	struct mon_state *m = n->mon;
	struct pol_rule_ref *copy = NULL;

	if (!m)
		return;
	m->policy_syncs++;
	m->compile_s += compile_s;
	m->load_s += load_s;
	if (n_rules) {
		copy = malloc(n_rules * sizeof(*copy));
		if (!copy)
			return; /* the old names stay: a flow is named by an older set */
		memcpy(copy, rules, n_rules * sizeof(*copy));
	}
	free(m->rules);
	m->rules = copy;
	m->n_rules = n_rules;
}

int node_monitor_init(struct node *n)
{
	struct mon_state *m = calloc(1, sizeof(*m));

	if (!m)
		return -ENOMEM;
	m->ring = calloc(MON_HISTORY, sizeof(*m->ring));
	if (!m->ring) {
		free(m);
		return -ENOMEM;
	}
	if (gethostname(m->node, sizeof(m->node) - 1))
		snprintf(m->node, sizeof(m->node), "localhost");
	m->dirty = true;
	n->mon = m;
	return 0;
}

void node_monitor_free(struct node *n)
{
	if (!n->mon)
		return;
	eps_free(n->mon);
	free(n->mon->rules);
	free(n->mon->ring);
	free(n->mon);
	n->mon = NULL;
}

/* Events with seq > after that f lets through, the last `last` of them
 * (0: all), oldest first; *newest: the seq of the newest event kept. */
json_object *node__monitor_json(struct node *n, const struct mon_filter *f, uint64_t after,
				size_t last, uint64_t *newest)
{
	struct mon_state *m = n->mon;
	json_object *arr = json_object_new_array();
	uint64_t first, s, start;
	size_t taken = 0;

	if (newest)
		*newest = m ? m->seq : 0;
	if (!m || m->seq <= after)
		return arr;
	first = m->seq > MON_HISTORY ? m->seq - MON_HISTORY + 1 : 1;
	if (first <= after)
		first = after + 1;
	/* from the newest back, to find where the last `last` start */
	start = first;
	for (s = m->seq; last && s >= first; s--) {
		if (mon_filter_match(f, &m->ring[s % MON_HISTORY], node_monitor_labels, n) &&
		    ++taken == last) {
			start = s;
			break;
		}
	}
	for (s = start; s <= m->seq; s++) {
		const struct mon_event *e = &m->ring[s % MON_HISTORY];

		if (mon_filter_match(f, e, node_monitor_labels, n))
			json_object_array_add(arr,
					      mon_event_json(e, m->node, node_monitor_labels, n));
	}
	return arr;
}

const struct mon_state *node__monitor_state(struct node *n)
{
	return n->mon;
}

json_object *node_monitor_status_json(struct node *n)
{
	struct hyp_event_stats es = {};
	json_object *o = json_object_new_object();

	node__monitor_poll(n);
	if (n->be->event_stats)
		n->be->event_stats(n->bep, &es, NULL, NULL);
	json_object_object_add(o, "sent", json_object_new_int64((int64_t)es.sent));
	json_object_object_add(o, "lost_ring_full", json_object_new_int64((int64_t)es.ring_full));
	json_object_object_add(o, "lost_rate_limited", json_object_new_int64((int64_t)es.limited));
	json_object_object_add(o, "received",
			       json_object_new_int64(n->mon ? (int64_t)n->mon->seq : 0));
	return o;
}
