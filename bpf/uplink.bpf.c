// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The uplink: tcx ingress of the bridge's port to the outside (a NIC, a
 * VF, a macvlan child, in tests a veth into an "outside" namespace). Every
 * frame from the outside. Like the bridge ports' pipeline it reads top to
 * bottom, a stage a line; every frame that is not passed on leaves through
 * drop() (drop.h), counted on the uplink per reason. The bridge netns's
 * kernel sees ARP about the uplink address and nothing else.
 */
#include "lib/pipeline.h"
#include "lib/drop.h"
#include "lib/frame.h"
#include "lib/flow.h"
#include "lib/uplink.h"
#include "lib/nat_icmp.h"
#include "lib/related.h" /* icmp_is_error */
#include "lib/conntrack.h"
#include "lib/policy.h"
#include "lib/inspect.h"
/* the IPv6 headers are the bridge pipeline's: its own stages (the stamp,
 * NA replies, the way out) are not used here */
#pragma clang diagnostic ignored "-Wunused-function"
#include "lib/uplink6.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* IPv6 from the outside (uplink6.h), top to bottom as the IPv4 program. */
SEC("tc")
int hyp_uplink_ingress6(struct __sk_buff *skb)
{
	struct pkt6 c = {.skb = skb};
	const struct hyp_uplink6 *u6 = NULL;
	int err;

	err = uplink6_port_stage(&c, &u6); /* the uplink's tables; IPv6 on it */
	if (!err)
		err = parse6_stage(&c); /* Ethernet, IPv6, bounded extension headers */
	if (!err)
		err = uplink6_source_stage(&c, u6); /* never a source of ours */
	if (!err && icmp6_is_nd(&c)) {
		err = uplink6_nd_stage(&c, u6); /* about the uplink's addresses only */
		if (!err)
			return TC_ACT_OK; /* the bridge netns's kernel answers and learns */
	}
	if (!err)
		err = uplink6_dest_stage(&c, u6); /* an endpoint of the pool6 */
	if (!err && !uplink6_icmp_ok(&c))
		err = HYP_DROP_ICMP6_TYPE;
	if (!err)
		err = flow6_stage(&c); /* ports, echo id, TCP flags */
	if (!err && icmp6_is_error(&c)) {
		err = related6(skb, c.l4.off, &c.key, c.rev, 1); /* about a flow of the SNIC's */
		if (err)
			return drop6(skb, c.ifindex, err, HYP_ID_WORLD);
		return uplink6_to_snic(&c, HYP_STAT_RELATED);
	}
	if (!err)
		err = ct6_lookup_stage(&c); /* a reply, or a new flow */
	if (!err)
		err = uplink6_admit_stage(&c); /* new: routed-mode SNICs only */
	if (!err)
		err = policy6_stage(&c); /* from the world */
	if (!err) {
		inspect6_plan(&c);	    /* which inspections the flow pays for */
		err = ct6_commit_stage(&c); /* charged to the SNIC */
	}
	if (!err)
		err = inspect6_stage(&c); /* the payload against the SNIC's patterns */
	if (err)
		return drop6(skb, c.ifindex, err, HYP_ID_WORLD);
	return uplink6_to_snic(&c, HYP_STAT_FWD);
}

/* The tail-call table: its one slot is the IPv6 program (libbpf fills it
 * at load). Pinned, so it keeps its slot between daemon runs. */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(__u32));
	__uint(pinning, LIBBPF_PIN_BY_NAME);
	__array(values, int(void *));
} hyp_uplink_prog6 SEC(".maps") = {
    .values = {[0] = (void *)&hyp_uplink_ingress6},
};

SEC("tc")
int hyp_uplink_ingress(struct __sk_buff *skb)
{
	struct pkt_ctx ctx = {.skb = skb};
	const struct hyp_uplink *u = NULL;
	int err;

	if (skb->protocol == bpf_htons(ETH_P_IPV6))
		bpf_tail_call(skb, &hyp_uplink_prog6, 0); /* returns only when not there */
	err = uplink_port_stage(&ctx, &u); /* the uplink's entry, the bridge config */
	if (err)
		return drop(&ctx, err);
	err = frame_stage(&ctx); /* parse: Ethernet, then ARP or IPv4 */
	if (err)
		return drop(&ctx, err);
	if (ctx.frame == FRAME_ARP) {
		err = uplink_arp_stage(&ctx, u); /* about the uplink address only */
		if (err)
			return drop(&ctx, err);
		return TC_ACT_OK; /* the bridge netns's kernel answers and learns */
	}
	err = uplink_ipv4_stage(&ctx, u); /* never from an address of ours */
	if (err)
		return drop(&ctx, err);
	err = flow_stage(&ctx); /* ports, flags; no fragments */
	if (err)
		return drop(&ctx, err);
	if (icmp_is_error(&ctx)) {
		err = nat_icmp_stage(&ctx, u); /* about a translated flow: back to it */
		if (!err)
			err = uplink_deliver_to(&ctx, ctx.flow.key.daddr);
		if (err)
			return drop(&ctx, err);
		err = uplink_to_snic(&ctx, HYP_STAT_RELATED);
		return err < 0 ? drop(&ctx, -err) : err;
	}
	err = uplink_in_stage(&ctx, u); /* a translated flow, a published port, routed */
	if (err)
		return drop(&ctx, err);
	err = ct_lookup_stage(&ctx); /* the flow, if it exists; may it be or start one */
	if (err)
		return drop(&ctx, err);
	err = policy_stage(&ctx); /* a new flow (from the world), or re-checked */
	if (err)
		return drop(&ctx, err);
	inspect_plan(&ctx);	     /* which inspections that flow pays for */
	err = ct_commit_stage(&ctx); /* the entry: created (charged to the SNIC), or advanced */
	if (err)
		return drop(&ctx, err);
	err = inspect_stage(&ctx); /* the payload against the SNIC's patterns */
	if (err)
		return drop(&ctx, err);
	err = uplink_to_snic(&ctx, HYP_STAT_FWD); /* into the container */
	return err < 0 ? drop(&ctx, -err) : err;
}
