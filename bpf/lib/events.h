/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Flow events: a new flow (ct_create) and every drop (drop.h) put one
 * struct hyp_flow_event on hyp_flow_events, within the budget of the port
 * the frame came in on. The budget is a GCRA token bucket per port
 * (hyp_ev_budget): a flooding endpoint spends its own budget, never
 * another's, and the ring is sized for every port's burst at once. Two
 * CPUs may race on one bucket; the sum moves atomically, so the race can
 * pass at most one event per CPU over the budget. Nothing here runs for a
 * packet of an established flow that is forwarded.
 */
#ifndef HYP_BPF_EVENTS_H
#define HYP_BPF_EVENTS_H

#include "pipeline.h"
#include "maps_events.h"

static __always_inline void ev_stat(__u32 stat)
{
	__u64 *c = bpf_map_lookup_elem(&hyp_ev_stats, &stat);

	if (c)
		*c += 1; /* per CPU */
}

/* 1 when the port may send one more event now (and it is charged). */
static __always_inline int ev_budget(__u32 ifindex, const struct hyp_event_cfg *cfg, __u64 now)
{
	struct hyp_event_budget *b = bpf_map_lookup_elem(&hyp_ev_budget, &ifindex);
	struct hyp_event_budget nb = {.tat = now + cfg->interval_ns};

	if (!b) {
		bpf_map_update_elem(&hyp_ev_budget, &ifindex, &nb, BPF_NOEXIST);
		return 1;
	}
	if (b->tat < now)
		b->tat = now;
	else if (b->tat - now > cfg->tolerance_ns) {
		__sync_fetch_and_add(&b->limited, 1);
		ev_stat(HYP_EVSTAT_LIMITED);
		return 0;
	}
	__sync_fetch_and_add(&b->tat, cfg->interval_ns);
	return 1;
}

/* Whether an event of kind flag is on and within budget key's (charged);
 * *now: its timestamp. Shared by the IPv4 and IPv6 records. */
static __always_inline int ev_admit(__u32 key, __u32 flag, __u64 *now)
{
	__u32 zero = 0;
	const struct hyp_event_cfg *cfg = bpf_map_lookup_elem(&hyp_ev_cfg, &zero);

	if (!cfg || !(cfg->flags & flag))
		return 0;
	*now = bpf_ktime_get_ns();
	return ev_budget(key, cfg, *now);
}

/* A zeroed event of type on the ring, charged to budget key, or NULL (off,
 * over budget, ring full). */
static __always_inline struct hyp_flow_event *ev_reserve_key(__u32 key, __u8 type, __u32 flag)
{
	struct hyp_flow_event *e;
	__u64 now;

	if (!ev_admit(key, flag, &now))
		return NULL;
	e = bpf_ringbuf_reserve(&hyp_flow_events, sizeof(*e), 0);
	if (!e) {
		ev_stat(HYP_EVSTAT_RING_FULL);
		return NULL;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->ts = now;
	e->version = HYP_EVENT_VERSION;
	e->type = type;
	return e;
}

/* The same for a frame of the bridge port pipeline: the port's budget. */
static __always_inline struct hyp_flow_event *ev_reserve(const struct pkt_ctx *ctx, __u8 type,
							 __u32 flag)
{
	struct hyp_flow_event *e = ev_reserve_key(ctx->ifindex, type, flag);

	if (e) {
		e->ifindex = ctx->ifindex;
		e->len = ctx->skb->len;
		e->rev = ctx->rev;
	}
	return e;
}

static __always_inline void ev_submit(struct hyp_flow_event *e)
{
	bpf_ringbuf_submit(e, 0);
	ev_stat(HYP_EVSTAT_SENT);
}

/* The packet's flow as flow_stage parsed it. */
static __always_inline void ev_flow_fill(struct hyp_flow_event *e, const struct pkt_ctx *ctx)
{
	e->saddr = ctx->flow.key.saddr;
	e->daddr = ctx->flow.key.daddr;
	e->sport = ctx->flow.key.sport;
	e->dport = ctx->flow.key.dport;
	e->proto = ctx->flow.key.proto;
	e->tcp_flags = ctx->flow.tcp_flags;
	e->src_id = ctx->src.identity;
	e->dst_id = ctx->dst.identity;
}

/* A new flow, allowed: its entry was just made. */
static __always_inline void event_flow(const struct pkt_ctx *ctx)
{
	struct hyp_flow_event *e = ev_reserve(ctx, HYP_EV_FLOW, HYP_EVCFG_FLOWS);

	if (!e)
		return;
	ev_flow_fill(e, ctx);
	e->rule_egress = ctx->rule_egress;
	e->rule_ingress = ctx->rule_ingress;
	ev_submit(e);
}

/* A drop before flow_stage: addresses, protocol, and the ports and TCP
 * flags of an option-less header, read from the frame into the event. */
static __always_inline void ev_headers(struct hyp_flow_event *e, struct __sk_buff *skb)
{
	__u32 ip = sizeof(struct ethhdr), l4 = ip + sizeof(struct iphdr);
	__u8 vihl = 0;

	if (bpf_skb_load_bytes(skb, ip + 12, &e->saddr, 8) ||
	    bpf_skb_load_bytes(skb, ip + 9, &e->proto, 1) || bpf_skb_load_bytes(skb, ip, &vihl, 1))
		return;
	if (vihl != 0x45 ||
	    (e->proto != IPPROTO_TCP && e->proto != IPPROTO_UDP && e->proto != IPPROTO_SCTP))
		return;
	if (bpf_skb_load_bytes(skb, l4, &e->sport, 4)) {
		e->sport = e->dport = 0;
		return;
	}
	e->sport = bpf_ntohs(e->sport);
	e->dport = bpf_ntohs(e->dport);
	if (e->proto == IPPROTO_TCP && bpf_skb_load_bytes(skb, l4 + 13, &e->tcp_flags, 1))
		e->tcp_flags = 0;
}

/*
 * A drop, at any stage: what the stages before it found. The flow when
 * flow_stage parsed it, else what the IPv4 header says; the sender's
 * identity from its port's binding until dest_stage names both.
 */
static __always_inline void event_drop(const struct pkt_ctx *ctx, __u32 reason)
{
	struct hyp_flow_event *e = ev_reserve(ctx, HYP_EV_DROP, HYP_EVCFG_DROPS);

	if (!e)
		return;
	if (ctx->flow.key.proto)
		ev_flow_fill(e, ctx);
	else if (ctx->eth && ctx->frame == FRAME_IPV4)
		ev_headers(e, ctx->skb);
	if (!e->src_id && ctx->port)
		e->src_id = ctx->port->identity;
	e->reason = reason;
	ev_submit(e);
}

/* A drop by the container-side guard of SNIC snic_id (its own budget). */
static __always_inline void event_guard_drop(struct __sk_buff *skb, __u32 snic_id, __u32 reason)
{
	struct hyp_flow_event *e =
	    ev_reserve_key(HYP_EV_GUARD_KEY | snic_id, HYP_EV_DROP, HYP_EVCFG_DROPS);
	__be16 proto = 0;

	if (!e)
		return;
	e->stage = HYP_EV_STAGE_GUARD;
	e->snic_id = snic_id;
	e->reason = reason;
	e->len = skb->len;
	if (!bpf_skb_load_bytes(skb, 12, &proto, 2) && proto == bpf_htons(ETH_P_IP))
		ev_headers(e, skb);
	ev_submit(e);
}

/* A new SNAT translation of flow k (as the SNIC sent it) to nv, charged to
 * the budget of the port the packet came in on. */
static __always_inline void event_nat(struct __sk_buff *skb, const struct hyp_ct_key *k,
				      const struct hyp_nat_val *nv)
{
	struct hyp_flow_event *e = ev_reserve_key(skb->ifindex, HYP_EV_NAT, HYP_EVCFG_FLOWS);

	if (!e)
		return;
	e->ifindex = skb->ifindex;
	e->len = skb->len;
	e->saddr = k->saddr;
	e->daddr = k->daddr;
	e->sport = k->sport;
	e->dport = k->dport;
	e->proto = k->proto;
	e->nat_addr = nv->addr;
	e->nat_port = nv->port;
	ev_submit(e);
}

#endif /* HYP_BPF_EVENTS_H */
