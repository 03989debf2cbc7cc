// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Secure bridge port: tcx ingress of every bridge-side port, i.e. every
 * frame a container sends. The pipeline below reads top to bottom; each
 * stage is a function of a header of its own (bpf/lib/) that works on the
 * per-packet context (pipeline.h) and returns 0 or a drop reason. Every
 * frame that is neither forwarded nor answered leaves through drop()
 * (drop.h), the one drop exit, which counts it per port and reason; a TCP
 * segment inspection blocks leaves through reset_both() (reset.h), which
 * counts it there too before it turns it into resets. A packet for the
 * outside (dest_outside) goes the same way up to inspection, then is
 * translated and leaves through the uplink (uplink_out.h).
 */
#include "lib/pipeline.h"
#include "lib/drop.h"
#include "lib/port.h"
#include "lib/frame.h"
#include "lib/source.h"
#include "lib/dest.h"
#include "lib/stamp_verify.h"
#include "lib/arp.h"
#include "lib/flow.h"
#include "lib/conntrack.h"
#include "lib/policy.h"
#include "lib/related.h"
#include "lib/inspect.h"
#include "lib/reset.h"
#include "lib/forward.h"
#include "lib/ingress6.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

static __noinline int port_pipeline(struct __sk_buff *skb)
{
	struct pkt_ctx ctx = {.skb = skb};
	int err;

	err = port_stage(&ctx); /* the port's binding, the bridge config */
	if (err)
		return drop(&ctx, err);
	err = frame_stage(&ctx); /* parse: Ethernet, then ARP or IPv4 */
	if (err)
		return drop(&ctx, err);
	err = source_stage(&ctx); /* the source is the port's binding */
	if (err)
		return drop(&ctx, err);
	dest_lookup(&ctx);	 /* the endpoint an IPv4 packet is for, if any */
	err = stamp_stage(&ctx); /* the guard's per-frame stamp */
	if (err)
		return drop(&ctx, err);
	if (ctx.frame == FRAME_ARP) {
		err = arp_stage(&ctx); /* a request for the gateway or an endpoint */
		if (err)
			return drop(&ctx, err);
		return arp_reply(&ctx);
	}
	err = dest_stage(&ctx); /* unicast to an endpoint on another port */
	if (err)
		return drop(&ctx, err);
	err = flow_stage(&ctx); /* ports, flags; no fragments */
	if (err)
		return drop(&ctx, err);
	if (icmp_is_error(&ctx)) {
		if (to_world(&ctx)) /* errors about flows with the outside stay in */
			return drop(&ctx, HYP_DROP_UPLINK_PROTO);
		err = related_stage(&ctx); /* about a tracked flow of its two ends */
		if (err)
			return drop(&ctx, err);
		return forward(&ctx);
	}
	err = ct_lookup_stage(&ctx); /* the flow, if it exists; may it be or start one */
	if (err)
		return drop(&ctx, err);
	err = policy_stage(&ctx); /* a new flow, or one the policy changed under */
	if (err)
		return drop(&ctx, err);
	inspect_plan(&ctx);	     /* which inspections that flow pays for */
	err = ct_commit_stage(&ctx); /* the entry: created, or its state advanced */
	if (err)
		return drop(&ctx, err);
	err = inspect_stage(&ctx); /* the payload against the endpoints' patterns */
	if (err == HYP_DROP_INSPECT_MATCH && ctx.flow.key.proto == IPPROTO_TCP && !to_world(&ctx) &&
	    !ctx.ovl_node)
		return reset_both(&ctx);
	if (!err && !to_world(&ctx))
		return forward(&ctx);
	if (!err) {
		/* to the outside: translated, to the next hop through the uplink
		 * (one drop exit below for both: each inlined drop costs stack) */
		err = outside_stage(&ctx);
		if (err >= 0)
			return err;
		err = -err;
	}
	drop(&ctx, err);
	/* counted; the uplink's refusals answered as a router does (icmp4_err.h) */
	return uplink_err_answer(skb, ctx.ifindex, err);
}

/* IPv6 frames go to their own pipeline (ingress6.h), with its own stack;
 * when it is not there, the IPv4 one drops them (ipv6). */
SEC("tc")
int hyp_port_ingress(struct __sk_buff *skb)
{
	if (skb->protocol == bpf_htons(ETH_P_IPV6))
		ingress6_go(skb);
	return port_pipeline(skb);
}

/*
 * Not on the packet path: the daemon's conntrack collector runs this
 * (BPF_PROG_TEST_RUN) to give back the charges of the entries of one owner
 * it removed, with the same atomic operation the datapath uses, so the
 * count of entries per endpoint stays exact (ct_quota.h).
 */
SEC("syscall")
int hyp_ct_release(struct hyp_ct_release *a)
{
	__u32 owner = a->owner, n = a->n;
	__u32 *c = bpf_map_lookup_elem(&hyp_ct_owners, &owner);

	if (c)
		__sync_fetch_and_sub(c, n);
	return 0;
}
