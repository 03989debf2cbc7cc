/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Payload inspection of IPv6 packets: the IPv4 stage's plan and walk
 * (inspect.h) on the IPv6 pipeline's context. Which walks a flow pays for
 * is decided with policy (inspect6_plan) and kept in its hyp_ct6 entry
 * (the same struct hyp_ct_val as IPv4's: DFA states, TCP receiver
 * fields); inspect() then normalises and walks the payload after the
 * extension headers ip6_walk bounded, with the same rules and reasons as
 * IPv4 (docs/inspection.md). The flow key inspect() keeps for alerts has
 * IPv4-sized addresses: an IPv6 flow's are folded into them (its alerts
 * are rate-limited and its events carry the full addresses: inspect_ev6.h).
 */
#ifndef HYP_BPF_INSPECT6_H
#define HYP_BPF_INSPECT6_H

#include "pipeline6.h"
#include "inspect.h"

static __always_inline __u32 ip6_fold(const __u32 *a)
{
	return a[0] ^ a[1] ^ a[2] ^ a[3];
}

/* As inspect_plan: which walks the flow pays for, when policy decides it;
 * a direction whose walks change forgets what was tracked of it. */
static __always_inline void inspect6_plan(struct pkt6 *c)
{
	struct endpoint_ref s = {.identity = c->src_id}, d = {.identity = c->dst_id};
	__u8 was;

	if (!c->check)
		return;
	c->insp = c->reply ? inspect_flags(&d, &s) : inspect_flags(&s, &d);
	if (!c->ct || c->ct->insp == c->insp)
		return;
	was = c->ct->insp ^ c->insp;
	if (was & (HYP_CT_I_ORIG_ING | HYP_CT_I_ORIG_EGR))
		insp_forget(c->ct, 0);
	if (was & (HYP_CT_I_REPLY_ING | HYP_CT_I_REPLY_EGR))
		insp_forget(c->ct, 1);
}

/* The flow inspect() reads, from the IPv6 packet; 0 or a drop reason. */
static __always_inline int inspect6_flow(const struct pkt6 *c, struct flow *f)
{
	__u8 h[13];

	__builtin_memset(f, 0, sizeof(*f));
	f->key.saddr = ip6_fold(c->key.saddr);
	f->key.daddr = ip6_fold(c->key.daddr);
	f->key.sport = c->key.sport;
	f->key.dport = c->key.dport;
	f->key.proto = c->key.proto;
	f->key.pad[0] = HYP_INSPECT_EV_V6; /* its events: the addresses of hyp_walk6 */
	f->tcp_flags = c->tcp_flags;
	f->src_id = c->src_id;
	f->dst_id = c->dst_id;
	f->reply = c->reply;
	if (c->key.proto == IPPROTO_UDP)
		f->l4_len = 8;
	if (c->key.proto != IPPROTO_TCP)
		return 0;
	if (bpf_skb_load_bytes(c->skb, c->l4.off, h, sizeof(h)))
		return HYP_DROP_MALFORMED;
	f->seq = (__u32)h[4] << 24 | (__u32)h[5] << 16 | (__u32)h[6] << 8 | h[7];
	f->l4_len = (__u16)((h[12] >> 4) * 4);
	return 0;
}

/* As inspect_stage: a flow that pays for a walk (or was blocked) has its
 * payload walked; one that pays for a walk but has no entry is dropped. */
static __always_inline int inspect6_stage(const struct pkt6 *c)
{
	struct hyp_ct_val *ct = c->ct;
	struct walk_scratch *ws;
	struct hyp_walk6 *a;
	int err;

	if (!ct)
		return c->insp && !(c->tcp_flags & TCP_RST) ? HYP_DROP_INSPECT_NO_STATE : 0;
	if (!(ct->insp | (ct->flags & HYP_CT_F_BLOCKED)))
		return 0;
	ws = walk_scratch();
	a = walk6_slot();
	if (!ws || !a)
		return HYP_DROP_INSPECT_NO_STATE;
	ip6_copy(a->saddr, c->key.saddr);
	ip6_copy(a->daddr, c->key.daddr);
	err = inspect6_flow(c, &ws->f);
	if (err)
		return err;
	return inspect(c->skb, ws, ct, c->l4.off, 1);
}

#endif /* HYP_BPF_INSPECT6_H */
