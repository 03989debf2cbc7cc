/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Payload inspection, in two steps of the pipeline. inspect_plan, when
 * policy decides a flow (new, or re-checked after a change), works out
 * which of the four walks the flow pays for (receiver's ingress and
 * sender's egress patterns, each way); conntrack records that with the
 * flow. inspect_stage walks the payload of a flow that pays for any: the
 * payload goes through the endpoint's DFA in 64-byte blocks (bpf_loop, so
 * any length and non-linear GSO skbs work), the DFA state is kept per
 * flow direction in conntrack so a pattern split across segments is still
 * found. TCP payload is walked in sequence order: a retransmitted part is
 * skipped, a segment past a gap is dropped (the sender retransmits in
 * order). Flows whose endpoints have no patterns skip the stage.
 */
#ifndef HYP_BPF_INSPECT_H
#define HYP_BPF_INSPECT_H

#include "pipeline.h"
#include "maps_inspect.h"

static __always_inline int has_inspect(__u32 identity, __u32 dir)
{
	struct hyp_inspect_key k = {.identity = identity, .dir = dir};

	return bpf_map_lookup_elem(&hyp_inspect, &k) != NULL;
}

/* Which inspections the flow initiator -> responder pays for. */
static __always_inline __u8 inspect_flags(const struct endpoint_ref *init,
					  const struct endpoint_ref *resp)
{
	__u8 f = 0;

	if (has_inspect(resp->identity, HYP_DIR_INGRESS))
		f |= HYP_CT_I_ORIG_ING;
	if (has_inspect(init->identity, HYP_DIR_EGRESS))
		f |= HYP_CT_I_ORIG_EGR;
	if (has_inspect(init->identity, HYP_DIR_INGRESS))
		f |= HYP_CT_I_REPLY_ING;
	if (has_inspect(resp->identity, HYP_DIR_EGRESS))
		f |= HYP_CT_I_REPLY_EGR;
	return f;
}

/* Decided with policy, for the flow policy just allowed; a flow policy
 * did not look at keeps what its entry says. */
static __always_inline void inspect_plan(struct pkt_ctx *ctx)
{
	if (ctx->check)
		ctx->insp = inspect_flags(flow_initiator(ctx), flow_responder(ctx));
}

struct walk {
	struct __sk_buff *skb;
	__u32 base;    /* first byte to walk, skb offset */
	__u32 tail;    /* skb offset of the bytes after the full blocks */
	__u32 state;   /* global DFA row */
	__u32 hit_off; /* bytes walked when a pattern ended */
	__u32 hit_row;
	__u32 hit;
};

/*
 * One step of the DFA. Offsets are derived from the loop index, never
 * carried in the context, so the verifier sees every iteration alike.
 */
static __always_inline int dfa_step(struct walk *w, __u8 byte, __u32 walked)
{
	__u32 st = w->state & (HYP_DFA_ROWS - 1), next;
	struct hyp_dfa_row *row = bpf_map_lookup_elem(&hyp_dfa, &st);

	if (!row)
		return 1;
	next = row->next[byte];
	w->state = next >> 2;
	if (next & 3) {
		w->hit = next & 3; /* 1: a pattern ended, 2: a drop pattern did */
		w->hit_row = w->state;
		w->hit_off = walked;
		return 1;
	}
	return 0;
}

static long walk_block(__u32 i, void *data)
{
	struct walk *w = data;
	__u8 buf[HYP_DFA_BLOCK];
	__u32 j;

	if (bpf_skb_load_bytes(w->skb, w->base + i * HYP_DFA_BLOCK, buf, HYP_DFA_BLOCK))
		return 1;
	for (j = 0; j < HYP_DFA_BLOCK; j++)
		if (dfa_step(w, buf[j], i * HYP_DFA_BLOCK + j + 1))
			return 1;
	return 0;
}

static long walk_byte(__u32 i, void *data)
{
	struct walk *w = data;
	__u8 b;

	if (bpf_skb_load_bytes(w->skb, w->tail + i, &b, 1))
		return 1;
	return dfa_step(w, b, w->tail - w->base + i + 1);
}

static __always_inline void inspect_event(const struct flow *f, __u32 identity, __u32 dir,
					  const struct hyp_inspect_val *iv, const struct walk *w)
{
	struct hyp_inspect_event *e = bpf_ringbuf_reserve(&hyp_events, sizeof(*e), 0);

	if (!e)
		return;
	e->ts = bpf_ktime_get_ns();
	e->identity = identity;
	e->dir = dir;
	e->saddr = f->key.saddr;
	e->daddr = f->key.daddr;
	e->sport = f->key.sport;
	e->dport = f->key.dport;
	e->proto = f->key.proto;
	e->action = (w->hit & 2) ? HYP_INSPECT_DROP : HYP_INSPECT_ALERT;
	e->pad = 0;
	e->row = w->hit_row;
	e->offset = w->hit_off;
	bpf_ringbuf_submit(e, 0);
}

static __always_inline int port_in(const struct hyp_inspect_val *iv, const struct flow *f)
{
	if (iv->proto && iv->proto != f->key.proto)
		return 0;
	if (!iv->port_lo && !iv->port_hi)
		return 1;
	return (f->key.dport >= iv->port_lo && f->key.dport <= iv->port_hi) ||
	       (f->key.sport >= iv->port_lo && f->key.sport <= iv->port_hi);
}

/* Walks one slot: 0 = the receiver's ingress patterns, 1 = the sender's egress. */
static __always_inline int inspect_slot(struct __sk_buff *skb, const struct flow *f,
					struct hyp_ct_val *v, int reply, int slot, __u32 identity,
					__u32 from, __u32 end)
{
	struct hyp_inspect_key k = {.identity = identity,
				    .dir = slot ? HYP_DIR_EGRESS : HYP_DIR_INGRESS};
	struct hyp_inspect_val *iv = bpf_map_lookup_elem(&hyp_inspect, &k);
	struct walk w = {};
	__u32 idx = (__u32)(reply * 2 + slot) & 3;

	if (!iv || !port_in(iv, f))
		return 0;
	if (v->dfa_gen != iv->gen) {
		/* the tables were reloaded since this flow's last walk: its saved
		 * rows may now belong to another automaton, so every walk restarts */
		v->dfa[0] = v->dfa[1] = v->dfa[2] = v->dfa[3] = 0;
		v->dfa_gen = iv->gen;
	}
	w.skb = skb;
	w.base = from;
	w.tail = from + (end - from) / HYP_DFA_BLOCK * HYP_DFA_BLOCK;
	w.state = v->dfa[idx] ? v->dfa[idx] - 1 : iv->start;
	bpf_loop((end - from) / HYP_DFA_BLOCK, walk_block, &w, 0);
	if (!w.hit)
		bpf_loop((end - from) % HYP_DFA_BLOCK, walk_byte, &w, 0);
	v->dfa[idx] = w.state + 1;
	if (!w.hit)
		return 0;
	if (w.hit & 2) {
		v->flags |= HYP_CT_F_BLOCKED;
		inspect_event(f, identity, k.dir, iv, &w);
		return HYP_DROP_INSPECT_MATCH;
	}
	if (!(v->flags & HYP_CT_F_ALERTED)) {
		v->flags |= HYP_CT_F_ALERTED;
		inspect_event(f, identity, k.dir, iv, &w);
	}
	return 0;
}

/*
 * TCP ordering: returns the first payload byte not walked yet, end when
 * there is nothing new, or -1 for a segment past a gap.
 */
static __always_inline long tcp_fresh(const struct flow *f, struct hyp_ct_val *v, int reply,
				      __u32 base, __u32 end)
{
	__u8 known = reply ? HYP_CT_F_SEQ_REPLY : HYP_CT_F_SEQ_ORIG;
	__u32 len = end - base, syn = (f->tcp_flags & TCP_SYN) ? 1 : 0;
	__u32 fin = (f->tcp_flags & TCP_FIN) ? 1 : 0; /* SYN and FIN take a number each */
	__u32 *next = &v->seq[reply & 1];
	__s32 d;

	if (!(v->flags & known)) {
		v->flags |= known;
		*next = f->seq + syn + len + fin;
		return base;
	}
	d = (__s32)(f->seq + syn - *next);
	if (d > 0)
		return -1; /* a gap: bytes in between were not seen */
	if ((__u32)(-d) >= len) {
		if (fin && (__u32)(-d) == len)
			*next = f->seq + syn + len + fin;
		return end; /* nothing new: a retransmission or a bare ACK/FIN */
	}
	*next = f->seq + syn + len + fin;
	return base + (__u32)(-d);
}

/*
 * A global (not inlined) function: the verifier checks it once, on its
 * own, instead of once per path through the bridge program.
 */
__noinline int inspect(struct __sk_buff *skb, struct flow *f, struct hyp_ct_val *v)
{
	int reply;

	__u8 ing, egr;
	__u32 base, end;
	long from;
	int reason;

	if (!skb || !f || !v)
		return 0;
	reply = f->reply ? 1 : 0;
	ing = reply ? HYP_CT_I_REPLY_ING : HYP_CT_I_ORIG_ING;
	egr = reply ? HYP_CT_I_REPLY_EGR : HYP_CT_I_ORIG_EGR;
	end = skb->len;
	if (v->flags & HYP_CT_F_BLOCKED)
		return HYP_DROP_INSPECT_BLOCKED;
	if (!(v->insp & (ing | egr)) || !f->l4_len)
		return 0;
	base = sizeof(struct ethhdr) + sizeof(struct iphdr) + f->l4_len;
	if (base > end)
		return 0;
	from = base;
	if (f->key.proto == IPPROTO_TCP) {
		from = tcp_fresh(f, v, reply, base, end);
		if (from < 0)
			return HYP_DROP_INSPECT_OOO;
	}
	if ((__u32)from >= end)
		return 0;
	if (v->insp & ing) {
		reason = inspect_slot(skb, f, v, reply, 0, f->dst_id, (__u32)from, end);
		if (reason)
			return reason;
	}
	if (v->insp & egr)
		return inspect_slot(skb, f, v, reply, 1, f->src_id, (__u32)from, end);
	return 0;
}

/* A flow blocked earlier stays blocked, whatever it pays for now. */
static __always_inline int inspect_stage(struct pkt_ctx *ctx)
{
	struct hyp_ct_val *ct = ctx->ct;
	struct flow f;

	if (!ct || !(ct->insp | (ct->flags & HYP_CT_F_BLOCKED)))
		return 0;
	f = ctx->flow;
	f.src_id = ctx->src.identity;
	f.dst_id = ctx->dst.identity;
	f.reply = (__u32)ctx->reply;
	return inspect(ctx->skb, &f, ct);
}

#endif /* HYP_BPF_INSPECT_H */
