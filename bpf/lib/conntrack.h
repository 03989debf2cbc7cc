/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Connection tracking: TCP (a state machine a bare ACK or RST cannot
 * open), UDP and ICMP echo. A flow starts only with a packet that may
 * start one (TCP SYN, ICMP echo request, any UDP); replies pass by their
 * entry. Two stages: ct_lookup_stage finds the packet's flow and says
 * whether policy must decide (a new flow, or an entry checked against an
 * older policy revision: policy.h); after policy and the inspection plan,
 * ct_commit_stage records the packet: a new entry, or the existing one's
 * TCP state, revision and inspections. Entries are created in the
 * direction of the flow's first packet, charged to the endpoint that sent
 * it (ct_quota.h).
 */
#ifndef HYP_BPF_CONNTRACK_H
#define HYP_BPF_CONNTRACK_H

#include "pipeline.h"
#include "maps_ct.h"
#include "ct_quota.h"
#include "events.h"

#define ICMP_ECHO_REPLY 0
#define ICMP_ECHO	8
#define NS		1000000000ULL

static __always_inline void ct_reverse(const struct hyp_ct_key *k, struct hyp_ct_key *r)
{
	__builtin_memset(r, 0, sizeof(*r));
	r->saddr = k->daddr;
	r->daddr = k->saddr;
	r->sport = k->dport;
	r->dport = k->sport;
	r->proto = k->proto;
}

static __always_inline __u64 ct_timeout(const struct hyp_ct_val *v, __u8 proto)
{
	return hyp_ct_timeout(proto, v->state) * NS;
}

/* TCP state update; returns 0, or a drop reason for an invalid packet. */
static __always_inline int ct_tcp(struct hyp_ct_val *v, __u8 flags, int reply)
{
	if (flags & TCP_RST)
		return 0; /* the caller deletes the entry after passing the RST */
	switch (v->state) {
	case HYP_CT_SYN_SENT:
		if (!reply)
			return (flags & TCP_SYN) && !(flags & TCP_ACK) ? 0 : HYP_DROP_CT_INVALID;
		if ((flags & (TCP_SYN | TCP_ACK)) != (TCP_SYN | TCP_ACK))
			return HYP_DROP_CT_INVALID;
		v->state = HYP_CT_SYN_RECV;
		return 0;
	case HYP_CT_SYN_RECV:
		if (!reply && (flags & TCP_ACK) && !(flags & TCP_SYN))
			v->state = HYP_CT_ESTABLISHED;
		return 0;
	default:
		if (flags & TCP_SYN)
			return HYP_DROP_CT_INVALID; /* no new handshake inside a flow */
		break;
	}
	if (flags & TCP_FIN) {
		v->flags |= reply ? HYP_CT_F_FIN_REPLY : HYP_CT_F_FIN_ORIG;
		v->state = (v->flags & (HYP_CT_F_FIN_ORIG | HYP_CT_F_FIN_REPLY)) ==
				   (HYP_CT_F_FIN_ORIG | HYP_CT_F_FIN_REPLY)
			       ? HYP_CT_CLOSING
			       : HYP_CT_FIN_WAIT;
	}
	return 0;
}

/* May this packet start a flow at all? */
static __always_inline int ct_may_start(const struct flow *f)
{
	if (f->key.proto == IPPROTO_TCP)
		return (f->tcp_flags & (TCP_SYN | TCP_ACK | TCP_RST | TCP_FIN)) == TCP_SYN;
	if (f->key.proto == IPPROTO_ICMP)
		return f->icmp_type == ICMP_ECHO;
	return 1;
}

/* The key of the packet's flow entry: the flow's first direction. */
static __always_inline void ct_key_of(const struct pkt_ctx *ctx, struct hyp_ct_key *k)
{
	if (ctx->reply)
		ct_reverse(&ctx->flow.key, k);
	else
		*k = ctx->flow.key;
}

/* Removes the packet's flow entry (ctx->ct). */
static __always_inline void ct_forget(const struct pkt_ctx *ctx)
{
	struct hyp_ct_key k;

	ct_key_of(ctx, &k);
	ct_delete(&k, ctx->ct ? ctx->ct->owner : 0);
}

/*
 * Leaves in ctx the packet's entry (ct, NULL for a new flow), the packet's
 * direction (reply) and whether policy decides (check). Drops a packet
 * that cannot belong to its flow or start one (ct-invalid).
 */
static __always_inline int ct_lookup_stage(struct pkt_ctx *ctx)
{
	const struct flow *f = &ctx->flow;
	struct hyp_ct_key fkey = f->key, rkey, *key = &fkey;
	/* the coarse monotonic clock (CLOCK_MONOTONIC_COARSE: the last tick):
	 * timeouts are seconds, and the fine clock costs ~15 ns per packet */
	__u64 now = bpf_ktime_get_coarse_ns();
	struct hyp_ct_val *v;
	int reply = 0;

	/* a packet from the lower port to the higher (a server's answer to a
	 * client's ephemeral port, nearly always) is looked up as a reply
	 * first: a flow's replies take one lookup, not a miss and a hit. Both
	 * orders find the same entry unless both directions have one (two flow
	 * starts that raced, each allowed by policy); a flow whose initiator
	 * has the lower port pays the second lookup both ways. fkey ends as
	 * the key of the entry found. */
	reply = f->key.sport < f->key.dport;
	if (reply)
		ct_reverse(&f->key, &fkey);
	v = bpf_map_lookup_elem(&hyp_ct, &fkey);
	if (!v) {
		ct_reverse(&fkey, &rkey);
		fkey = rkey;
		reply = !reply;
		v = bpf_map_lookup_elem(&hyp_ct, &fkey);
	}
	if (!v)
		reply = 0;
	/* another CPU may have stamped the entry after this one read the clock:
	 * only an entry last seen in the past can have expired */
	if (v && now > v->last_seen && now - v->last_seen > ct_timeout(v, f->key.proto)) {
		ct_delete(key, v->owner);
		v = NULL;
		reply = 0;
	}
	/* a fresh SYN on the tuple of a flow past its handshake (closed, closing,
	 * or abandoned): the port pair is reused, so it starts a new flow with
	 * its own policy check and inspection state */
	if (v && !reply && f->key.proto == IPPROTO_TCP &&
	    (f->tcp_flags & (TCP_SYN | TCP_ACK | TCP_RST | TCP_FIN)) == TCP_SYN &&
	    v->state >= HYP_CT_ESTABLISHED && v->state <= HYP_CT_CLOSING) {
		ct_delete(key, v->owner);
		v = NULL;
	}
	ctx->now = now;
	ctx->ct = v;
	ctx->reply = (__u8)reply;
	if (!v) {
		ctx->check = 1;
		return ct_may_start(f) ? 0 : HYP_DROP_CT_INVALID;
	}
	if (f->key.proto == IPPROTO_ICMP && f->icmp_type != (reply ? ICMP_ECHO_REPLY : ICMP_ECHO))
		return HYP_DROP_CT_INVALID;
	ctx->check = v->rev != ctx->rev;
	return 0;
}

/*
 * Inserts a new flow's entry, owned by owner; 0 or the map's error
 * (-E2BIG: the table is full, -EEXIST: another CPU made it first). A
 * global function: the value is built in a frame of its own, so the
 * pipeline's stack does not grow with it (the inspection walk runs on top
 * of the pipeline's stack).
 */
__noinline int ct_insert(const struct hyp_ct_key *key, __u64 now, __u32 rev, __u32 insp,
			 __u32 owner)
{
	struct hyp_ct_val nv;

	if (!key)
		return -1;
	__builtin_memset(&nv, 0, sizeof(nv));
	nv.last_seen = now;
	nv.packets = 1;
	nv.rev = rev;
	nv.state = key->proto == IPPROTO_TCP ? HYP_CT_SYN_SENT : HYP_CT_NEW;
	nv.insp = (__u8)insp;
	nv.owner = owner;
	return (int)bpf_map_update_elem(&hyp_ct, key, &nv, BPF_NOEXIST);
}

/*
 * A new flow's entry, with what policy and the inspection plan decided,
 * charged to the endpoint that sent the packet (ct_quota.h). Refused when
 * that endpoint holds its quota (ct-quota), or when the table is full and
 * no unreplied entry of a bigger holder can make room (ct-full).
 */
static __always_inline int ct_create(struct pkt_ctx *ctx)
{
	struct hyp_ct_key key = ctx->flow.key;
	__u32 owner = ctx->port->snic_id, *held = NULL;
	int err;

	err = ct_charge(ctx, owner, &held);
	if (err)
		return err;
	err = ct_insert(&key, ctx->now, ctx->rev, ctx->insp, owner);
	if (err == -E2BIG && ct_evict(owner, *held))
		err = ct_insert(&key, ctx->now, ctx->rev, ctx->insp, owner);
	if (err) /* not created by this packet (or not at all): not its charge */
		__sync_fetch_and_sub(held, 1);
	else
		ct_remember(&key);
	if (err == -E2BIG)
		return HYP_DROP_CT_FULL;
	if (!err)
		event_flow(ctx); /* made by this packet: the flow's one event */
	ctx->ct = bpf_map_lookup_elem(&hyp_ct, &key);
	return 0;
}

/*
 * Records the packet: a new flow gets its entry; an existing one the
 * revision it was re-checked against and what it now pays for, its TCP
 * state (a RST removes the entry; the packet passes without one) and the
 * time it was last seen. An established flow's packet writes nothing that
 * does not change (the coarse clock moves once a tick): the entry's cache
 * line then stays shared by the CPUs of the flow's two ends instead of
 * moving to the writer's at every packet (no per-packet count for that).
 */
static __always_inline int ct_commit_stage(struct pkt_ctx *ctx)
{
	const struct flow *f = &ctx->flow;
	struct hyp_ct_val *v = ctx->ct;
	int reason;

	if (!v)
		return ct_create(ctx);
	if (ctx->check) {
		v->rev = ctx->rev;
		v->insp = ctx->insp;
	}
	if (f->key.proto == IPPROTO_TCP) {
		reason = ct_tcp(v, f->tcp_flags, ctx->reply);
		if (reason)
			return reason;
		if (f->tcp_flags & TCP_RST) {
			ct_forget(ctx);
			ctx->ct = NULL;
			return 0;
		}
	} else if (ctx->reply && v->state != HYP_CT_REPLIED) {
		v->state = HYP_CT_REPLIED;
	}
	if (v->last_seen != ctx->now)
		v->last_seen = ctx->now;
	return 0;
}

#endif /* HYP_BPF_CONNTRACK_H */
