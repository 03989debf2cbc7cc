// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The uplink: tcx ingress of the bridge's port to the outside (a NIC, a
 * VF, a macvlan child, in tests a veth into an "outside" namespace). Every
 * frame from the outside. Like the bridge ports' pipeline it reads top to
 * bottom, a stage a line; every frame that is not passed on leaves through
 * drop() (drop.h), counted on the uplink per reason.
 */
#include "lib/pipeline.h"
#include "lib/drop.h"
#include "lib/frame.h"
#include "lib/maps_bridge.h"
#include "lib/uplink.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("tc")
int hyp_uplink_ingress(struct __sk_buff *skb)
{
	struct pkt_ctx ctx = {.skb = skb};
	const struct hyp_uplink *u = NULL;
	__u32 zero = 0;
	int err;

	err = uplink_port_stage(&ctx, &u); /* the uplink's entry */
	if (err)
		return drop(&ctx, err);
	ctx.cfg = bpf_map_lookup_elem(&hyp_config, &zero);
	err = frame_stage(&ctx); /* parse: Ethernet, then ARP or IPv4 */
	if (err)
		return drop(&ctx, err);
	if (ctx.frame == FRAME_ARP) {
		err = uplink_arp_stage(&ctx, u); /* about the uplink address only */
		if (err)
			return drop(&ctx, err);
		return TC_ACT_OK; /* the bridge netns's kernel answers and learns */
	}
	err = uplink_ipv4_stage(&ctx, u); /* to the uplink address, from outside */
	if (err)
		return drop(&ctx, err);
	/* neither a published port nor a translated flow's reply */
	return drop(&ctx, HYP_DROP_UPLINK_TO_BRIDGE);
}
