/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Policy for IPv6 flows (policy.h for the model): identity rules are the
 * same entries as IPv4's (hyp_policy: identity comes from the validated
 * port, so a label policy covers both families); ipBlock rules on IPv6
 * peers are in hyp_policy6. At most three lookups per direction, two
 * more for a peer of the world (an outside address: its IPv6 ipBlocks).
 */
#ifndef HYP_BPF_POLICY6_H
#define HYP_BPF_POLICY6_H

#include "pipeline6.h"
#include "policy.h"
#include "ct6.h"

static __always_inline __u32 rule_of(const struct hyp_policy_val *v)
{
	return v ? v->rule_id | !v->rule_id : 0; /* a match is never 0 */
}

/* An outside peer (k: its address, protocol, port): the ipBlock rules of
 * the longest outside IPv6 network holding it (abi_ip6.h), 0: none. */
static __always_inline __u32 policy6_world(struct hyp_policy6_key *k)
{
	const struct hyp_policy_val *v;

	k->kind = HYP_PEER_WORLD6_NET;
	v = bpf_map_lookup_elem(&hyp_policy6, k);
	if (!v)
		return 0;
	k->kind = HYP_PEER_WORLD6_SET;
	k->peer[0] = bpf_htonl(v->rule_id);
	k->peer[1] = k->peer[2] = k->peer[3] = 0;
	return rule_of(bpf_map_lookup_elem(&hyp_policy6, k));
}

/* The rule that lets local (dir) talk to peer (identity, address), 0: none. */
static __always_inline __u32 policy6_match(__u32 gen, __u8 dir, __u32 local, __u32 peer_id,
					   const __u32 *peer_ip, __u8 proto, __u16 dport)
{
	struct hyp_policy_key k = {
	    .prefixlen = HYP_POLICY_KEY_FIXED_BITS + 8 + 16,
	    .gen = (__u8)gen,
	    .dir = dir,
	    .kind = HYP_PEER_IDENTITY,
	    .local_id = bpf_htonl(local),
	    .peer = bpf_htonl(peer_id),
	    .proto = proto,
	    .port_hi = (__u8)(dport >> 8),
	    .port_lo = (__u8)dport,
	};
	struct hyp_policy6_key k6 = {
	    .prefixlen = HYP_POLICY6_KEY_FIXED_BITS + 8 + 16,
	    .gen = (__u8)gen,
	    .dir = dir,
	    .kind = HYP_PEER_IPV6,
	    .local_id = bpf_htonl(local),
	    .proto = proto,
	    .port_hi = (__u8)(dport >> 8),
	    .port_lo = (__u8)dport,
	};
	__u32 r = rule_of(bpf_map_lookup_elem(&hyp_policy, &k));

	if (r)
		return r;
	k.peer = bpf_htonl(HYP_PEER_ANY);
	r = rule_of(bpf_map_lookup_elem(&hyp_policy, &k));
	if (r)
		return r;
	ip6_copy(k6.peer, peer_ip);
	r = rule_of(bpf_map_lookup_elem(&hyp_policy6, &k6));
	if (r || peer_id != HYP_ID_WORLD)
		return r;
	return policy6_world(&k6);
}

/* The flow as it started: initiator -> responder, its first destination port. */
static __always_inline int policy6_check(struct pkt6 *c)
{
	__u32 init_id = c->reply ? c->dst_id : c->src_id;
	__u32 resp_id = c->reply ? c->src_id : c->dst_id;
	const __u32 *init_ip = c->reply ? c->key.daddr : c->key.saddr;
	const __u32 *resp_ip = c->reply ? c->key.saddr : c->key.daddr;
	__u16 dport = c->reply ? c->key.sport : c->key.dport;
	__u8 proto = c->key.proto;

	if ((enforced(c->gen, init_id) & HYP_ENFORCE_EGRESS) &&
	    !policy6_match(c->gen, HYP_DIR_EGRESS, init_id, resp_id, resp_ip, proto, dport))
		return HYP_DROP_POLICY_EGRESS;
	if ((enforced(c->gen, resp_id) & HYP_ENFORCE_INGRESS) &&
	    !policy6_match(c->gen, HYP_DIR_INGRESS, resp_id, init_id, init_ip, proto, dport))
		return HYP_DROP_POLICY_INGRESS;
	return 0;
}

/* A new flow, or one the policy changed under; a revoked one loses its entry. */
static __always_inline int policy6_stage(struct pkt6 *c)
{
	struct hyp_ct6_key k;
	int reason;

	if (!c->check)
		return 0;
	reason = policy6_check(c);
	if (!reason || !c->ct)
		return reason;
	if (c->reply)
		ct6_reverse(&c->key, &k);
	else
		k = c->key;
	ct6_delete(&k, c->ct->owner);
	return HYP_DROP_POLICY_REVOKED;
}

#endif /* HYP_BPF_POLICY6_H */

