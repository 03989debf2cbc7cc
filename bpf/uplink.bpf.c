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

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("tc")
int hyp_uplink_ingress(struct __sk_buff *skb)
{
	struct pkt_ctx ctx = {.skb = skb};
	const struct hyp_uplink *u = NULL;
	int err;

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
