/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * To the outside (bridge ports): a packet for an address outside the pool
 * goes to the world (identity HYP_ID_WORLD, its address for ipBlock rules)
 * through the uplink, after conntrack, policy and inspection as any flow;
 * then translated (nat.h, publish.h; not for a routed-mode SNIC) and sent
 * with bpf_redirect_neigh: the bridge netns's FIB picks the next hop (the
 * peer on the uplink's subnet or the uplink's gateway) and its neighbour
 * table the MAC. Nothing else of the bridge netns's stack is involved.
 * A packet the uplink cannot take is counted and answered as a router
 * answers it (icmp4_err.h): its TTL would reach 0, time exceeded; bigger
 * than the uplink's MTU with DF set, fragmentation needed; both quote it
 * as the SNIC sent it (checked before the hop and the translation).
 */
#ifndef HYP_BPF_UPLINK_OUT_H
#define HYP_BPF_UPLINK_OUT_H

#include "pipeline.h"
#include "maps_uplink.h"
#include "maps_bridge.h"
#include "maps_ct.h"
#include "conntrack.h"
#include "nat.h"
#include "publish.h"
#include "stats.h"
#include "uplink_ttl.h"
#include "icmp4_err.h"

/* dest_stage for an address with no endpoint: outside the pool, an uplink. */
static __always_inline int dest_outside(struct pkt_ctx *ctx)
{
	const struct hyp_config *cfg = ctx->cfg;
	struct iphdr *ip = ctx->ip;
	const struct hyp_uplink *u;

	if ((ip->daddr & cfg->mask) == cfg->net)
		return HYP_DROP_UNKNOWN_DST;
	u = uplink_get();
	if (!u)
		return HYP_DROP_NO_UPLINK;
	/* the uplink address is the bridge's own: published ports are for the
	 * outside (neighbours reach each other by pool address) */
	if (ip->daddr == u->ip)
		return HYP_DROP_UPLINK_TO_BRIDGE;
	ctx->src.identity = ctx->port->identity;
	ctx->src.ip = ip->saddr;
	ctx->dst.identity = HYP_ID_WORLD;
	ctx->dst.ip = ip->daddr;
	return 0;
}

#define OUT_REPLY  0x1 /* the packet goes responder -> initiator */
#define OUT_ROUTED 0x2 /* the sender is a routed-mode SNIC */

/* What may leave translated: TCP, UDP, ICMP echo (errors stay in). */
static __always_inline int nat_proto_ok(__u8 proto, __u8 icmp_type)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	       (proto == IPPROTO_ICMP && (icmp_type == ICMP_ECHO || icmp_type == ICMP_ECHO_REPLY));
}

/*
 * The source as the outside sees it (the uplink's: SNAT, or a published
 * port's reply; in routed mode the SNIC's own), then out of the uplink:
 * the redirect's verdict, or -reason. A function of its own: its keys and
 * buffers stay off the pipeline's stack, on which the inspection walk runs.
 */
static __noinline int to_outside(struct __sk_buff *skb, __u32 ifindex)
{
	const struct hyp_uplink *u = uplink_get();
	const struct hyp_port *port;
	struct hyp_ct_key k = {};
	__u32 mtu = 0, how = 0;
	__u8 h[12];
	int err;

	if (!u)
		return -HYP_DROP_NO_UPLINK;
	/* a frame bigger than the uplink takes (GSO packets are segmented to
	 * fit) is dropped, answered if DF is set (icmp4_err.h), as the SNIC
	 * sent it: checked first. SNICs get the uplink's MTU, so this is an
	 * SNIC whose MTU was raised by hand, or an uplink whose MTU was lowered */
	if (bpf_check_mtu(skb, u->ifindex, &mtu, 0, 0))
		return -HYP_DROP_UPLINK_MTU;
	err = ttl_forward(skb); /* a router's hop (uplink_ttl.h), quoted untranslated if it fails */
	if (err)
		return -err;
	/* the flow key again from the packet (flow_stage checked it): cheaper
	 * than carrying it here on the pipeline's stack */
	if (bpf_skb_load_bytes(skb, NAT_IP_OFF + 9, h, 1) ||
	    bpf_skb_load_bytes(skb, NAT_IP_SADDR, &k.saddr, 8) ||
	    bpf_skb_load_bytes(skb, NAT_L4_OFF, h + 4, 8))
		return -HYP_DROP_MALFORMED;
	k.proto = h[0];
	if (k.proto == IPPROTO_ICMP) {
		k.sport = k.dport = (__u16)(h[8] << 8 | h[9]);
	} else {
		k.sport = (__u16)(h[4] << 8 | h[5]);
		k.dport = (__u16)(h[6] << 8 | h[7]);
	}
	how = (__u32)h[4] << 8; /* ICMP: the type */
	port = bpf_map_lookup_elem(&hyp_ports, &ifindex);
	if (port && port->flags & HYP_PORT_F_ROUTED)
		how |= OUT_ROUTED;
	/* conntrack has the flow (ct_commit_stage): keyed this way, the SNIC
	 * opened it; else the outside did (a published port's reply) */
	if (!bpf_map_lookup_elem(&hyp_ct, &k))
		how |= OUT_REPLY;
	if (!(how & OUT_ROUTED)) {
		if (!nat_proto_ok(k.proto, (__u8)(how >> 8)))
			return -HYP_DROP_UPLINK_PROTO;
		err = how & OUT_REPLY ? publish_reply_stage(skb, &k, u) : snat_stage(skb, &k, u);
		if (err)
			return -err;
	}
	stat_add(ifindex, HYP_STAT_FWD, skb->len);
	return bpf_redirect_neigh(u->ifindex, NULL, 0, 0);
}

/* Translated and out: the verdict, or -reason. */
static __always_inline int outside_stage(struct pkt_ctx *ctx)
{
	return to_outside(ctx->skb, ctx->ifindex);
}

#endif /* HYP_BPF_UPLINK_OUT_H */
