// SPDX-License-Identifier: GPL-2.0-only
/*
 * The node's metrics in the Prometheus text exposition format (hyperiond
 * --web, /metrics; docs/observability.md). Names: hyperion_ prefix,
 * counters end in _total, base units (bytes, seconds). Cardinality is
 * bounded: drop reasons are the fixed codes of abi.h, inspection matches
 * at most MON_MATCH_POLICIES policies (the rest under policy="other"),
 * and per-endpoint series only when asked (--metrics-endpoints), one set
 * per SNIC.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hyperion/abi.h"
#include "core/node_priv.h"
#include "lib/reasons.h"

#define MAX_PORTS HYP_MAX_ENDPOINTS

struct port_acc {
	uint32_t ifindex;
	struct hyp_counter stat[__HYP_STAT_MAX];
	uint64_t limited;
	uint32_t ct;
};

struct acc {
	struct hyp_counter drops[2][__HYP_DROP_MAX + 1]; /* [guard][reason], last: unknown */
	struct hyp_counter stat[__HYP_STAT_MAX];
	struct port_acc *ports;
	size_t n_ports;
};

static struct port_acc *port_of(struct acc *a, uint32_t ifindex)
{
	for (size_t i = 0; i < a->n_ports; i++)
		if (a->ports[i].ifindex == ifindex)
			return &a->ports[i];
	if (!a->ports || a->n_ports == MAX_PORTS)
		return NULL;
	memset(&a->ports[a->n_ports], 0, sizeof(a->ports[0]));
	a->ports[a->n_ports].ifindex = ifindex;
	return &a->ports[a->n_ports++];
}

static int counter_cb(enum hyp_counter_kind kind, uint32_t key, uint32_t code, uint64_t packets,
		      uint64_t bytes, void *ctx)
{
	struct acc *a = ctx;
	struct hyp_counter *c;
	struct port_acc *p;

	if (kind == HYP_CNT_PORT_STAT) {
		if (code >= __HYP_STAT_MAX)
			return 0;
		a->stat[code].packets += packets;
		a->stat[code].bytes += bytes;
		p = port_of(a, key);
		if (p) {
			p->stat[code].packets += packets;
			p->stat[code].bytes += bytes;
		}
		return 0;
	}
	c = &a->drops[kind == HYP_CNT_GUARD_DROP][code < __HYP_DROP_MAX ? code : __HYP_DROP_MAX];
	c->packets += packets;
	c->bytes += bytes;
	return 0;
}

static int limited_cb(uint32_t ifindex, uint64_t limited, void *ctx)
{
	struct port_acc *p = port_of(ctx, ifindex);

	if (p)
		p->limited = limited;
	return 0;
}

/* A label value, escaped as the format wants (\\, \", \n). */
static void label_val(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', f);
		if (*s == '\n') {
			fputs("\\n", f);
			continue;
		}
		fputc(*s, f);
	}
}

static void family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void drops_out(FILE *f, const struct acc *a, bool bytes)
{
	const char *name =
	    bytes ? "hyperion_dropped_bytes_total" : "hyperion_dropped_packets_total";

	family(f, name, "counter",
	       bytes
		   ? "Bytes of dropped frames, by reason and stage (bridge port or "
		     "container-side guard)."
		   : "Dropped frames, by reason and stage (bridge port or container-side guard).");
	for (int g = 0; g < 2; g++)
		for (uint32_t r = 1; r <= __HYP_DROP_MAX; r++) {
			const struct hyp_counter *c = &a->drops[g][r];

			if (!c->packets)
				continue;
			fprintf(f, "%s{reason=\"%s\",stage=\"%s\"} %llu\n", name,
				r < __HYP_DROP_MAX ? drop_reason_name(r) : "unknown",
				g ? "guard" : "bridge",
				(unsigned long long)(bytes ? c->bytes : c->packets));
		}
}

static void traffic_out(FILE *f, const struct acc *a)
{
	static const struct {
		uint32_t stat;
		const char *name, *help;
	} t[] = {
	    {HYP_STAT_RX, "hyperion_received", "received by the bridge from endpoints"},
	    {HYP_STAT_FWD, "hyperion_forwarded", "forwarded by the bridge to another endpoint"},
	    {HYP_STAT_RELATED, "hyperion_related", "ICMP errors passed to their flow's endpoint"},
	};
	char name[96], help[160];

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(name, sizeof(name), "%s_packets_total", t[i].name);
		snprintf(help, sizeof(help), "Frames %s.", t[i].help);
		family(f, name, "counter", help);
		fprintf(f, "%s %llu\n", name, (unsigned long long)a->stat[t[i].stat].packets);
		snprintf(name, sizeof(name), "%s_bytes_total", t[i].name);
		snprintf(help, sizeof(help), "Bytes of frames %s.", t[i].help);
		family(f, name, "counter", help);
		fprintf(f, "%s %llu\n", name, (unsigned long long)a->stat[t[i].stat].bytes);
	}
	family(f, "hyperion_arp_replies_total", "counter", "ARP requests the bridge answered.");
	fprintf(f, "hyperion_arp_replies_total %llu\n",
		(unsigned long long)a->stat[HYP_STAT_ARP_REPLY].packets);
}

static void events_out(FILE *f, struct node *n, const struct hyp_event_stats *es)
{
	const struct mon_state *m = n->mon;

	family(f, "hyperion_events_total", "counter", "Flow events the daemon received, by type.");
	for (int t = 1; t < __HYP_EV_MAX; t++)
		fprintf(f, "hyperion_events_total{type=\"%s\"} %llu\n", mon_type_name((uint8_t)t),
			(unsigned long long)m->by_type[t]);
	family(f, "hyperion_events_lost_total", "counter",
	       "Flow events the datapath could not send: the ring was full, or the sending "
	       "endpoint was over its event budget.");
	fprintf(f, "hyperion_events_lost_total{reason=\"ring_full\"} %llu\n",
		(unsigned long long)es->ring_full);
	fprintf(f, "hyperion_events_lost_total{reason=\"rate_limited\"} %llu\n",
		(unsigned long long)es->limited);
	family(f, "hyperion_inspection_matches_total", "counter",
	       "Payload inspection matches reported, by inspection policy and action.");
	for (size_t i = 0; i < m->n_matches; i++) {
		fputs("hyperion_inspection_matches_total{policy=\"", f);
		label_val(f, m->matches[i].policy);
		fprintf(f, "\",action=\"%s\"} %llu\n",
			m->matches[i].action == HYP_INSPECT_DROP ? "drop" : "alert",
			(unsigned long long)m->matches[i].n);
	}
	if (m->matches_other)
		fprintf(f,
			"hyperion_inspection_matches_total{policy=\"other\",action=\"any\"} %llu\n",
			(unsigned long long)m->matches_other);
}

static void policy_out(FILE *f, struct node *n)
{
	const struct mon_state *m = n->mon;

	family(f, "hyperion_policy_syncs_total", "counter",
	       "Rule sets compiled and loaded into the datapath.");
	fprintf(f, "hyperion_policy_syncs_total %llu\n", (unsigned long long)m->policy_syncs);
	family(f, "hyperion_policy_compile_seconds_total", "counter",
	       "Time spent compiling policies into rule sets.");
	fprintf(f, "hyperion_policy_compile_seconds_total %.9f\n", m->compile_s);
	family(f, "hyperion_policy_load_seconds_total", "counter",
	       "Time spent loading compiled rule sets into the datapath.");
	fprintf(f, "hyperion_policy_load_seconds_total %.9f\n", m->load_s);
	family(f, "hyperion_conntrack_entries", "gauge",
	       "Conntrack entries live at the last sweep.");
	fprintf(f, "hyperion_conntrack_entries %u\n", n->ct_live);
	family(f, "hyperion_conntrack_capacity", "gauge", "Conntrack table size.");
	fprintf(f, "hyperion_conntrack_capacity %u\n", HYP_CT_MAX);
	family(f, "hyperion_conntrack_endpoint_quota", "gauge",
	       "Conntrack entries one endpoint's flows may hold (its fill: "
	       "hyperion_endpoint_conntrack_entries / this).");
	fprintf(f, "hyperion_conntrack_endpoint_quota %u\n",
		n->dom.ct_quota ? n->dom.ct_quota : HYP_CT_QUOTA_DEFAULT);
	family(f, "hyperion_endpoints", "gauge", "SNICs of the instance.");
	fprintf(f, "hyperion_endpoints %d\n", store__snic_count(n->st));
}

static int owner_cb(uint32_t snic_id, uint32_t entries, void *ctx)
{
	void **c = ctx;
	struct node *n = c[0];
	const struct mon_ep *e = node_monitor_ep_by_id(n, snic_id);
	struct port_acc *p = e ? port_of(c[1], e->port_ifindex) : NULL;

	if (p)
		p->ct = entries;
	return 0;
}

static void endpoint_line(FILE *f, const char *name, const struct mon_ep *e, uint64_t v)
{
	fprintf(f, "%s{endpoint=\"", name);
	label_val(f, e->name);
	fputs("\",namespace=\"", f);
	label_val(f, e->ns);
	fprintf(f, "\"} %llu\n", (unsigned long long)v);
}

static void endpoints_out(FILE *f, struct node *n, struct acc *a)
{
	static const char *const names[] = {
	    "hyperion_endpoint_sent_packets_total", "hyperion_endpoint_sent_bytes_total",
	    "hyperion_endpoint_dropped_packets_total", "hyperion_endpoint_conntrack_entries",
	    "hyperion_endpoint_events_lost_total"};
	static const char *const help[] = {"Frames the endpoint sent into the bridge.",
					   "Bytes the endpoint sent into the bridge.",
					   "Frames of the endpoint the bridge dropped.",
					   "Conntrack entries the endpoint's flows hold.",
					   "Flow events of the endpoint over its event budget."};
	void *ctx[2] = {n, a};
	const struct mon_state *m = n->mon;

	if (n->be->ct_owners)
		n->be->ct_owners(n->bep, owner_cb, ctx);
	for (int k = 0; k < 5; k++) {
		family(f, names[k], k == 3 ? "gauge" : "counter", help[k]);
		for (size_t i = 0; i < m->n_eps; i++) {
			const struct mon_ep *e = &m->eps[i];
			struct port_acc *p = port_of(a, e->port_ifindex);
			uint64_t v = 0;

			if (!p)
				continue;
			v = k == 0   ? p->stat[HYP_STAT_RX].packets
			    : k == 1 ? p->stat[HYP_STAT_RX].bytes
			    : k == 2 ? p->stat[HYP_STAT_DROP].packets
			    : k == 3 ? p->ct
				     : p->limited;
			endpoint_line(f, names[k], e, v);
		}
	}
}

char *node__metrics_text(struct node *n, bool endpoints, size_t *len)
{
	struct acc *a = calloc(1, sizeof(*a));
	struct hyp_event_stats es = {};
	char *buf = NULL;
	FILE *f;

	if (!a)
		return NULL;
	a->ports = calloc(MAX_PORTS, sizeof(*a->ports));
	f = open_memstream(&buf, len);
	if (!f || !a->ports)
		goto out;
	node__monitor_poll(n);
	node_monitor_ep_by_id(n, -1); /* refreshes the SNICs if due */
	n->be->counters(n->bep, counter_cb, a);
	if (n->be->event_stats)
		n->be->event_stats(n->bep, &es, limited_cb, a);
	traffic_out(f, a);
	drops_out(f, a, false);
	drops_out(f, a, true);
	policy_out(f, n);
	events_out(f, n, &es);
	if (endpoints)
		endpoints_out(f, n, a);
out:
	if (f)
		fclose(f);
	free(a->ports);
	free(a);
	return buf;
}
