/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Payload inspection, in two steps of the pipeline. inspect_plan, when
 * policy decides a flow (new, or re-checked after a change), works out
 * which of the four walks the flow pays for (receiver's ingress and
 * sender's egress patterns, each way); conntrack records that with the
 * flow. inspect_stage walks the payload of a flow that pays for any:
 * what the receiver would not take as stream bytes is dropped first
 * (inspect_norm.h), then the new bytes go through each endpoint
 * direction's automaton (inspect_walk.h), with the DFA state kept per
 * flow direction and slot in conntrack, so a pattern split across
 * segments is still found. Flows whose endpoints have no patterns skip
 * the stage.
 */
#ifndef HYP_BPF_INSPECT_H
#define HYP_BPF_INSPECT_H

#include "pipeline.h"
#include "maps_inspect.h"
#include "inspect_walk.h"
#include "inspect_norm.h"

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

#define WALK_WAIT_MAX (1 << 20) /* steps of waiting for another CPU's walk (a few ms) */

#define SCOPE_OUT    0 /* the entry does not cover this packet */
#define SCOPE_WALK   1 /* its payload is walked */
#define SCOPE_REFUSE 2 /* covered, but not a protocol the walk reads: dropped */

/*
 * What an endpoint direction's entry makes of a packet: its ports (every
 * port, and every protocol, when it lists none); within them, TCP and UDP
 * payload of the entry's protocols is walked and any other payload is
 * refused, never passed uninspected.
 */
static __always_inline int slot_scope(const struct hyp_inspect_val *iv, const struct flow *f)
{
	__u8 p = f->key.proto;
	int ported = p == IPPROTO_TCP || p == IPPROTO_UDP || p == IPPROTO_SCTP;

	if (!iv)
		return SCOPE_OUT;
	if ((iv->port_lo || iv->port_hi) &&
	    !(ported && ((f->key.dport >= iv->port_lo && f->key.dport <= iv->port_hi) ||
			 (f->key.sport >= iv->port_lo && f->key.sport <= iv->port_hi))))
		return SCOPE_OUT;
	if ((p == IPPROTO_TCP || p == IPPROTO_UDP) && (!iv->proto || iv->proto == p))
		return SCOPE_WALK;
	return SCOPE_REFUSE;
}

/*
 * Walks one slot (0: the receiver's ingress patterns, 1: the sender's
 * egress patterns) over [from, end), from the state the flow saved for
 * it: that state is a row of the automaton whose gen it was saved under,
 * so it only goes on in the same automaton; another gen restarts the walk.
 */
static __always_inline int inspect_slot(struct __sk_buff *skb, const struct flow *f,
					struct hyp_ct_val *v, int reply, int slot,
					const struct hyp_inspect_val *iv, __u32 from, __u32 end)
{
	__u32 idx = (__u32)(reply * 2 + slot) & 3;
	struct walk_scratch *ws = walk_scratch();
	struct walk *w;

	if (!ws)
		return HYP_DROP_INSPECT_NO_STATE;
	w = &ws->w;
	__builtin_memset(w, 0, sizeof(*w));
	if (v->dfa_gen[idx] != iv->gen) {
		v->dfa[idx] = 0;
		v->dfa_gen[idx] = iv->gen;
	}
	w->who.k.flow = f->key;
	w->who.k.identity = slot ? f->src_id : f->dst_id;
	w->who.k.dir = slot ? HYP_DIR_EGRESS : HYP_DIR_INGRESS;
	w->state = v->dfa[idx] ? v->dfa[idx] - 1 : iv->start;
	w->root = iv->start;
	/* the fast walk reads the compact copy; without one, the exact walk */
	w->split = iv->dfc_tbl ? iv->split : 0;
	w->dfc_tbl = iv->dfc_tbl - 1;
	w->dfc_off = iv->dfc_off;
	w->dfc_shift = iv->dfc_shift;
	walk_run(skb, ws, from, end);
	v->dfa[idx] = w->state + 1;
	if (w->err)
		return HYP_DROP_INSPECT_NO_STATE; /* bytes not walked never pass */
	if (!w->drop)
		return 0;
	v->flags |= HYP_CT_F_BLOCKED;
	walk_event(&w->who, HYP_INSPECT_DROP, w->hit_row, w->hit_off);
	return HYP_DROP_INSPECT_MATCH;
}

static __always_inline const struct hyp_inspect_val *slot_entry(__u32 identity, __u32 dir)
{
	struct hyp_inspect_key k = {.identity = identity, .dir = dir};

	return bpf_map_lookup_elem(&hyp_inspect, &k);
}

/* Walks what is new in the packet through each slot in scope. */
static __always_inline int walks(struct __sk_buff *skb, struct flow *f, struct hyp_ct_val *v, int r,
				 const struct tcp_seg *t, const struct hyp_inspect_val *ing,
				 int s_ing, const struct hyp_inspect_val *egr, int s_egr)
{
	long from = t->base;
	int reason;

	if (f->key.proto == IPPROTO_TCP) {
		from = tcp_order(v, r, t);
		if (from < 0)
			return (int)-from;
	}
	if ((__u32)from >= t->end)
		return 0;
	if (s_ing == SCOPE_WALK && ing) {
		reason = inspect_slot(skb, f, v, r, 0, ing, (__u32)from, t->end);
		if (reason)
			return reason;
	}
	if (s_egr == SCOPE_WALK && egr)
		return inspect_slot(skb, f, v, r, 1, egr, (__u32)from, t->end);
	return 0;
}

/* Waiting for another CPU's walk of the same direction (bit: HYP_CT_W_ORIG
 * or _REPLY), or for the bytes before a segment (bit: HYP_CT_W_GAP_*). */
struct walk_wait {
	struct hyp_ct_val *v;
	__u64 bit;
	__u32 got;
	__u32 seq; /* gap: the segment's first sequence number */
};

static long walk_wait_step(__u32 i, void *data)
{
	struct walk_wait *ww = data;

	if (!ww->v || (*(volatile __u64 *)&ww->v->walking & ww->bit))
		return 0;
	if (__sync_fetch_and_or(&ww->v->walking, ww->bit) & ww->bit)
		return 0; /* another waiter was first */
	ww->got = 1;
	return 1;
}

#define GAP_WAIT_NS    (1000 * 1000ULL) /* the longest wait for the bytes before a segment */
#define GAP_CREDIT_MAX (8 * 1000 * 1000ULL)
#define GAP_SHARE      6 /* a CPU earns 1/64 of the time that passes as waiting time */

static long gap_wait_step(__u32 i, void *data)
{
	struct walk_wait *ww = data;
	struct walk_scratch *ws;
	__u32 r;
	__u8 fl;

	if (!ww->v)
		return 1;
	r = ww->bit == HYP_CT_W_GAP_REPLY ? 1 : 0;
	fl = *(volatile __u8 *)&ww->v->flags;
	if (!(fl & (r ? HYP_CT_F_SEQ_REPLY : HYP_CT_F_SEQ_ORIG)) || (fl & HYP_CT_F_BLOCKED) ||
	    (__s32)(ww->seq - *(volatile __u32 *)&ww->v->seq[r & 1]) <= 0) {
		ww->got = 1; /* filled (or the direction changed): tcp_order decides */
		return 1;
	}
	if (i & 31)
		return 0;
	ws = walk_scratch();
	return !ws || bpf_ktime_get_ns() >= ws->gap_until;
}

/*
 * A TCP segment that starts past the next byte to walk. The sender wrote
 * its segments in order, but two CPUs may hand them to this program out
 * of order: a veth queues what a CPU sends on that CPU's backlog, and the
 * sender's stack transmits from whichever CPU runs it (the process, or
 * the softirq of an ACK), so segment N+1 can arrive from one CPU while N
 * still waits in the other's backlog, a few microseconds behind. Walking
 * N+1 first is impossible (its bytes follow N's) and dropping it costs
 * the sender its whole window (every later segment is past the same gap,
 * and the receiver, seeing none of them, sends no duplicate ACK: a
 * retransmission timeout). So the segment waits, at most GAP_WAIT_NS, for
 * another CPU to walk the bytes before it (the flow's next number to
 * reach its first), then tcp_order decides as before: a gap that did not
 * fill is still dropped. Waiting is a bounded resource, never a way to
 * make a CPU spin: one waiter per flow direction (HYP_CT_W_GAP_*), and
 * each CPU waits at most what it earned, 1/64 of the time that passed
 * (at most GAP_CREDIT_MAX saved): past that, segments past a gap are
 * dropped at once, as they were before.
 */
static __always_inline void gap_wait(struct walk_wait *ww, int r, const struct tcp_seg *t)
{
	__u8 known = r ? HYP_CT_F_SEQ_REPLY : HYP_CT_F_SEQ_ORIG;
	struct hyp_ct_val *v = ww->v;
	struct walk_scratch *ws;
	__u64 now, spent;

	ww->seq = t->seq + ((t->flags & TCP_SYN) ? 1 : 0);
	if (!v || !(v->flags & known) || (__s32)(ww->seq - v->seq[r & 1]) <= 0)
		return; /* no gap */
	ws = walk_scratch();
	if (!ws)
		return;
	now = bpf_ktime_get_ns();
	ws->gap_credit += (now - ws->gap_at) >> GAP_SHARE;
	if (ws->gap_credit > GAP_CREDIT_MAX)
		ws->gap_credit = GAP_CREDIT_MAX;
	ws->gap_at = now;
	ww->bit = r ? HYP_CT_W_GAP_REPLY : HYP_CT_W_GAP_ORIG;
	if (ws->gap_credit < GAP_WAIT_NS || (__sync_fetch_and_or(&v->walking, ww->bit) & ww->bit))
		return; /* no credit left, or another CPU waits for this gap */
	ws->gap_until = now + GAP_WAIT_NS;
	bpf_loop(WALK_WAIT_MAX, gap_wait_step, ww, 0);
	__sync_fetch_and_and(&v->walking, ~ww->bit);
	spent = bpf_ktime_get_ns() - now;
	ws->gap_credit -= spent < ws->gap_credit ? spent : ws->gap_credit;
}

/*
 * One CPU at a time walks a direction: the walk reads the position and
 * DFA state the previous segment left and writes the next ones, and two
 * segments walked at once from the same state (or the second from a
 * state the first has not written yet) would miss a pattern split across
 * them. A segment that comes while another CPU walks the same direction
 * waits for that walk to end (a bounded spin: the walk runs to its end
 * without sleeping), then is walked from the state it left; if it does
 * not end in time, the segment is dropped and its sender sends it again.
 * A TCP segment past a gap first waits for it to fill (gap_wait).
 */
static __always_inline int inspect_walks(struct __sk_buff *skb, struct flow *f,
					 struct hyp_ct_val *v, int r, const struct tcp_seg *t,
					 const struct hyp_inspect_val *ing, int s_ing,
					 const struct hyp_inspect_val *egr, int s_egr)
{
	struct walk_wait ww = {.v = v};
	int reason;

	if (((s_ing | s_egr) & SCOPE_REFUSE) && t->end > t->base)
		return HYP_DROP_INSPECT_PROTO;
	if (t->end == t->base) /* nothing to walk: TCP order only (a FIN's number) */
		return f->key.proto == IPPROTO_TCP && tcp_order(v, r, t) < 0 ? HYP_DROP_INSPECT_OOO
									     : 0;
	if (f->key.proto == IPPROTO_TCP)
		gap_wait(&ww, r, t);
	ww.bit = r ? HYP_CT_W_REPLY : HYP_CT_W_ORIG;
	ww.got = 0;
	if (__sync_fetch_and_or(&v->walking, ww.bit) & ww.bit) {
		bpf_loop(WALK_WAIT_MAX, walk_wait_step, &ww, 0);
		if (!ww.got)
			return HYP_DROP_INSPECT_BUSY;
	}
	reason = walks(skb, f, v, r, t, ing, s_ing, egr, s_egr);
	__sync_fetch_and_and(&v->walking, ~ww.bit);
	return reason;
}

/* TCP: what the receiver would not take as stream bytes (inspect_norm.h). */
static __always_inline int tcp_refused(const struct tcp_seg *t)
{
	if (t->flags & TCP_URG)
		return HYP_DROP_INSPECT_URG;
	if (t->end == t->base)
		return 0;
	if (t->flags & TCP_SYN)
		return HYP_DROP_INSPECT_SYN_DATA;
	if (!(t->flags & TCP_ACK))
		return HYP_DROP_INSPECT_NO_ACK;
	return 0;
}

/*
 * A global (not inlined) function: the verifier checks it once, on its
 * own, instead of once per path through the bridge program. Runs for
 * every packet of a flow that pays for some walk (or is blocked). l4:
 * the skb offset of the L4 header; v6: an IPv6 packet (ingress6.h; its
 * ws->f.key holds the ports and protocol, the addresses folded).
 */
__noinline int inspect(struct __sk_buff *skb, struct walk_scratch *ws, struct hyp_ct_val *v,
		       __u32 l4, __u32 v6)
{
	const struct hyp_inspect_val *ing = NULL, *egr = NULL;
	int r, s_ing, s_egr, hdr, err;
	struct tcp_seg *t;
	struct flow *f;
	__u8 pays;

	if (!skb || !ws || !v)
		return 0;
	if (v->flags & HYP_CT_F_BLOCKED)
		return HYP_DROP_INSPECT_BLOCKED;
	f = &ws->f;
	t = &ws->t;
	__builtin_memset(t, 0, sizeof(*t));
	r = f->reply ? 1 : 0;
	hdr = f->key.proto == IPPROTO_TCP ? tcp_header(skb, f, t, l4) : 0;
	if (f->key.proto == IPPROTO_TCP && !hdr)
		tcp_learn(skb, v, r, t, l4);
	pays = v->insp & (r ? HYP_CT_I_REPLY_ING | HYP_CT_I_REPLY_EGR
			    : HYP_CT_I_ORIG_ING | HYP_CT_I_ORIG_EGR);
	if (pays & (HYP_CT_I_ORIG_ING | HYP_CT_I_REPLY_ING))
		ing = slot_entry(f->dst_id, HYP_DIR_INGRESS);
	if (pays & (HYP_CT_I_ORIG_EGR | HYP_CT_I_REPLY_EGR))
		egr = slot_entry(f->src_id, HYP_DIR_EGRESS);
	s_ing = slot_scope(ing, f);
	s_egr = slot_scope(egr, f);
	if (!(s_ing | s_egr)) {
		insp_forget(v, r);
		return 0;
	}
	err = hdr ? hdr : payload_bounds(skb, f, t, l4, v6);
	if (!err && f->key.proto == IPPROTO_TCP)
		err = tcp_refused(t);
	if (err)
		return err;
	return inspect_walks(skb, f, v, r, t, ing, s_ing, egr, s_egr);
}

/*
 * Which inspections the flow pays for, decided with policy (a new flow, or
 * one re-checked after a change); a flow policy did not look at keeps what
 * its entry says. A direction whose walks change forgets what was tracked
 * of it: its bytes were not all walked in between.
 */
static __always_inline void inspect_plan(struct pkt_ctx *ctx)
{
	__u8 was;

	if (!ctx->check)
		return;
	ctx->insp = inspect_flags(flow_initiator(ctx), flow_responder(ctx));
	if (!ctx->ct || ctx->ct->insp == ctx->insp)
		return;
	was = ctx->ct->insp ^ ctx->insp;
	if (was & (HYP_CT_I_ORIG_ING | HYP_CT_I_ORIG_EGR))
		insp_forget(ctx->ct, 0);
	if (was & (HYP_CT_I_REPLY_ING | HYP_CT_I_REPLY_EGR))
		insp_forget(ctx->ct, 1);
}

/*
 * A flow blocked earlier stays blocked, whatever it pays for now. A flow
 * that pays for inspection but has no entry to keep its walks in (it
 * could not be created, or went away under this packet) is dropped: its
 * state is lost (a RST, which removes the entry, passes).
 */
static __always_inline int inspect_stage(struct pkt_ctx *ctx)
{
	struct hyp_ct_val *ct = ctx->ct;
	struct walk_scratch *ws;

	if (!ct)
		return ctx->insp && !(ctx->flow.tcp_flags & TCP_RST) ? HYP_DROP_INSPECT_NO_STATE
								     : 0;
	if (!(ct->insp | (ct->flags & HYP_CT_F_BLOCKED)))
		return 0;
	ws = walk_scratch();
	if (!ws)
		return HYP_DROP_INSPECT_NO_STATE;
	ws->f = ctx->flow;
	ws->f.src_id = ctx->src.identity;
	ws->f.dst_id = ctx->dst.identity;
	ws->f.reply = (__u32)ctx->reply;
	return inspect(ctx->skb, ws, ct, INSP_L4, 0);
}

#endif /* HYP_BPF_INSPECT_H */
