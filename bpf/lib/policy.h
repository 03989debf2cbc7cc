/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Policy stage: decides every new flow, and re-checks an established one
 * at its first packet after a policy change (its conntrack entry was
 * checked against an older revision). A constant number of LPM lookups per
 * decision, whatever the number of rules. The active generation is read
 * once per packet (port_stage), so a packet sees one complete rule set,
 * never a mix.
 */
#ifndef HYP_BPF_POLICY_H
#define HYP_BPF_POLICY_H

#include "pipeline.h"
#include "maps_policy.h"
#include "conntrack.h"

/* The id of the rule that allows the flow (from 1), 0: none does. */
static __always_inline __u32 policy_match(__u32 gen, __u8 dir, __u32 local,
					  const struct endpoint_ref *peer, __u8 proto, __u16 dport)
{
	struct hyp_policy_key k = {
	    .prefixlen = HYP_POLICY_KEY_FIXED_BITS + 8 + 16,
	    .gen = (__u8)gen,
	    .dir = dir,
	    .kind = HYP_PEER_IDENTITY,
	    .local_id = bpf_htonl(local),
	    .peer = bpf_htonl(peer->identity),
	    .proto = proto,
	    .port_hi = (__u8)(dport >> 8),
	    .port_lo = (__u8)dport,
	};
	const struct hyp_policy_val *v = bpf_map_lookup_elem(&hyp_policy, &k);

	if (v)
		return v->rule_id | !v->rule_id; /* a match is never 0 */
	k.peer = bpf_htonl(HYP_PEER_ANY);
	v = bpf_map_lookup_elem(&hyp_policy, &k);
	if (v)
		return v->rule_id | !v->rule_id;
	k.kind = HYP_PEER_IPV4;
	k.peer = peer->ip;
	v = bpf_map_lookup_elem(&hyp_policy, &k);
	if (v || peer->identity != HYP_ID_WORLD)
		return v ? v->rule_id | !v->rule_id : 0;
	/* the world: the ipBlock rules of the longest outside network holding it */
	k.kind = HYP_PEER_WORLD_NET;
	v = bpf_map_lookup_elem(&hyp_policy, &k);
	if (!v)
		return 0;
	k.kind = HYP_PEER_WORLD_SET;
	k.peer = bpf_htonl(v->rule_id);
	v = bpf_map_lookup_elem(&hyp_policy, &k);
	return v ? v->rule_id | !v->rule_id : 0;
}

static __always_inline __u32 enforced(__u32 gen, __u32 identity)
{
	struct hyp_enforce_key k = {.gen = gen, .identity = identity};
	__u32 *flags = bpf_map_lookup_elem(&hyp_enforce, &k);

	return flags ? *flags : 0;
}

/* 0 when src may open a flow to dst, else the drop reason; the rules
 * that allow it in ctx (for its flow event). */
static __always_inline int policy_check(struct pkt_ctx *ctx, const struct endpoint_ref *src,
					const struct endpoint_ref *dst, __u8 proto, __u16 dport)
{
	__u32 gen = ctx->gen;

	ctx->rule_egress = ctx->rule_ingress = 0;
	if (enforced(gen, src->identity) & HYP_ENFORCE_EGRESS) {
		ctx->rule_egress = policy_match(gen, HYP_DIR_EGRESS, src->identity, dst, proto, dport);
		if (!ctx->rule_egress)
			return HYP_DROP_POLICY_EGRESS;
	}
	if (enforced(gen, dst->identity) & HYP_ENFORCE_INGRESS) {
		ctx->rule_ingress =
		    policy_match(gen, HYP_DIR_INGRESS, dst->identity, src, proto, dport);
		if (!ctx->rule_ingress)
			return HYP_DROP_POLICY_INGRESS;
	}
	return 0;
}

/*
 * A flow is checked as it started: initiator to responder, its original
 * destination port. A flow that was allowed and no longer is loses its
 * conntrack entry, and the packet is dropped (policy-revoked): the flow is
 * cut at its next packet.
 */
static __always_inline int policy_stage(struct pkt_ctx *ctx)
{
	int reason;

	if (!ctx->check)
		return 0;
	reason = policy_check(ctx, flow_initiator(ctx), flow_responder(ctx),
			      ctx->flow.key.proto, flow_dport(ctx));
	if (!reason || !ctx->ct)
		return reason;
	ct_forget(ctx);
	return HYP_DROP_POLICY_REVOKED;
}

#endif /* HYP_BPF_POLICY_H */
