// SPDX-License-Identifier: GPL-2.0-only
/*
 * emu backend: the flow events of the datapath (bpf/lib/events.h). One
 * ring buffer reader for the life of the backend, its settings in
 * hyp_ev_cfg, and what was sent and lost, totalled over the CPUs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "hyperion/abi.h"
#include "backend/emu.h"
#include "lib/log.h"
#include "bpf/bridge_port.skel.h"

struct emu_flow_rb {
	struct ring_buffer *rb;
	hyp_flow_cb cb;
	void *ctx;
	int n;
};

int emu_events_set(void *priv, const struct hyp_event_settings *s, struct errmsg *em)
{
	struct emu *e = priv;
	struct hyp_event_cfg c = {};
	__u32 zero = 0;

	if (s->flows)
		c.flags |= HYP_EVCFG_FLOWS;
	if (s->drops)
		c.flags |= HYP_EVCFG_DROPS;
	if (!s->rate || !s->burst)
		return em_set(em, -EINVAL, "event rate and burst must be at least 1");
	c.interval_ns = 1000000000ULL / s->rate;
	c.tolerance_ns = c.interval_ns * (s->burst - 1);
	if (bpf_map_update_elem(bpf_map__fd(e->port->maps.hyp_ev_cfg), &zero, &c, BPF_ANY))
		return em_set(em, -errno, "cannot write the event settings: %s", strerror(errno));
	return 0;
}

static int on_flow_event(void *ctx, void *data, size_t len)
{
	struct emu_flow_rb *r = ctx;
	const struct hyp_flow_event *ev = data;
	struct hyp_flow_rec rec;

	const struct hyp_flow_event6 *ev6 = data;
	bool v6 = ev->version == HYP_EVENT_VERSION6 && len >= sizeof(*ev6);

	if (len < sizeof(*ev) || (ev->version != HYP_EVENT_VERSION && !v6))
		return 0;
	r->n++;
	rec = (struct hyp_flow_rec){
	    .ts = ev->ts,
	    .type = ev->type,
	    .proto = ev->proto,
	    .tcp_flags = ev->tcp_flags,
	    .port_ifindex = ev->ifindex,
	    .saddr = ntohl(ev->saddr),
	    .daddr = ntohl(ev->daddr),
	    .sport = ev->sport,
	    .dport = ev->dport,
	    .src_id = ev->src_id,
	    .dst_id = ev->dst_id,
	    .reason = ev->reason,
	    .rule_egress = ev->rule_egress,
	    .rule_ingress = ev->rule_ingress,
	    .rev = ev->rev,
	    .len = ev->len,
	    .stage = ev->stage,
	    .snic_id = ev->snic_id,
	};
	if (v6) {
		rec.v6 = true;
		memcpy(rec.saddr6, ev6->saddr6, 16);
		memcpy(rec.daddr6, ev6->daddr6, 16);
	}
	if (ev->type == HYP_EV_NAT) {
		rec.rule_egress = rec.rule_ingress = 0;
		rec.nat_addr = ntohl(ev->nat_addr);
		rec.nat_port = ev->nat_port;
	}
	return r->cb ? r->cb(&rec, r->ctx) : 0;
}

int emu_flow_events(void *priv, hyp_flow_cb cb, void *ctx)
{
	struct emu *e = priv;
	struct emu_flow_rb *r = e->flow_rb;
	int err;

	if (!r) {
		r = calloc(1, sizeof(*r));
		if (!r)
			return -ENOMEM;
		r->rb = ring_buffer__new(bpf_map__fd(e->port->maps.hyp_flow_events), on_flow_event,
					 r, NULL);
		if (!r->rb) {
			err = -errno;
			free(r);
			return err;
		}
		e->flow_rb = r;
	}
	r->cb = cb;
	r->ctx = ctx;
	r->n = 0;
	err = ring_buffer__consume(r->rb);
	return err < 0 ? err : r->n;
}

int emu_flow_event_fd(void *priv)
{
	struct emu *e = priv;

	return bpf_map__fd(e->port->maps.hyp_flow_events);
}

void emu_events_free(struct emu *e)
{
	if (!e->flow_rb)
		return;
	ring_buffer__free(e->flow_rb->rb);
	free(e->flow_rb);
	e->flow_rb = NULL;
}

static int stats_total(struct emu *e, struct hyp_event_stats *out)
{
	int ncpu = libbpf_num_possible_cpus(), fd = bpf_map__fd(e->port->maps.hyp_ev_stats);
	uint64_t *v, sum[__HYP_EVSTAT_MAX] = {};

	if (ncpu <= 0)
		return -EINVAL;
	v = calloc((size_t)ncpu, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (__u32 k = 0; k < __HYP_EVSTAT_MAX; k++) {
		if (bpf_map_lookup_elem(fd, &k, v))
			continue;
		for (int c = 0; c < ncpu; c++)
			sum[k] += v[c];
	}
	free(v);
	out->sent = sum[HYP_EVSTAT_SENT];
	out->ring_full = sum[HYP_EVSTAT_RING_FULL];
	out->limited = sum[HYP_EVSTAT_LIMITED];
	return 0;
}

int emu_event_stats(void *priv, struct hyp_event_stats *out, hyp_limited_cb cb, void *ctx)
{
	struct emu *e = priv;
	int fd = bpf_map__fd(e->port->maps.hyp_ev_budget), err;
	struct hyp_event_budget b;
	__u32 k, *prev = NULL;

	err = stats_total(e, out);
	if (err || !cb)
		return err;
	while (!bpf_map_get_next_key(fd, prev, &k)) {
		prev = &k;
		if (!bpf_map_lookup_elem(fd, &k, &b) && b.limited && cb(k, b.limited, ctx))
			break;
	}
	return 0;
}

int emu_ct_owners(void *priv, hyp_owner_cb cb, void *ctx)
{
	struct emu *e = priv;
	int fd = bpf_map__fd(e->port->maps.hyp_ct_owners);
	__u32 k, v, *prev = NULL;

	while (!bpf_map_get_next_key(fd, prev, &k)) {
		prev = &k;
		if (!bpf_map_lookup_elem(fd, &k, &v) && v && cb(k, v, ctx))
			break;
	}
	return 0;
}
