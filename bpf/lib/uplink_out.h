/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * To the outside (bridge ports): a packet for an address outside the pool
 * goes to the world (identity HYP_ID_WORLD, its address for ipBlock rules)
 * through the uplink, after conntrack, policy and inspection as any flow;
 * then translated (nat.h, publish.h; not for a routed-mode SNIC) and sent
 * with bpf_redirect_neigh: the bridge netns's FIB picks the next hop (the
 * peer on the uplink's subnet or the uplink's gateway) and its neighbour
 * table the MAC. Nothing else of the bridge netns's stack is involved.
 */
#ifndef HYP_BPF_UPLINK_OUT_H
#define HYP_BPF_UPLINK_OUT_H

#include "pipeline.h"
#include "maps_uplink.h"
#include "conntrack.h"
#include "nat.h"
#include "publish.h"
#include "stats.h"

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
	ctx->up = u;
	ctx->src.identity = ctx->port->identity;
	ctx->src.ip = ip->saddr;
	ctx->dst.identity = HYP_ID_WORLD;
	ctx->dst.ip = ip->daddr;
	return 0;
}

/* What may leave translated: TCP, UDP, ICMP echo (errors stay in). */
static __always_inline int nat_proto_ok(const struct flow *f)
{
	return f->key.proto == IPPROTO_TCP || f->key.proto == IPPROTO_UDP ||
	       (f->key.proto == IPPROTO_ICMP &&
		(f->icmp_type == ICMP_ECHO || f->icmp_type == ICMP_ECHO_REPLY));
}

/* The source as the outside sees it: the uplink's (SNAT, or a published
 * port's reply), or, in routed mode, the SNIC's own. */
static __always_inline int nat_out_stage(struct pkt_ctx *ctx)
{
	const struct hyp_uplink *u = ctx->up;

	if (ctx->port->flags & HYP_PORT_F_ROUTED)
		return 0;
	if (!nat_proto_ok(&ctx->flow))
		return HYP_DROP_UPLINK_PROTO;
	return ctx->reply ? publish_reply_stage(ctx, u) : snat_stage(ctx, u);
}

/* Out of the uplink: the redirect's verdict, or -reason when it does not fit. */
static __always_inline int uplink_xmit(struct pkt_ctx *ctx)
{
	struct __sk_buff *skb = ctx->skb;
	const struct hyp_uplink *u = ctx->up;
	__u32 mtu = 0;

	/* a frame bigger than the uplink takes (GSO packets are segmented to
	 * fit) is dropped; SNICs get the uplink's MTU, so this is an SNIC whose
	 * MTU was raised by hand */
	if (bpf_check_mtu(skb, u->ifindex, &mtu, 0, 0))
		return -HYP_DROP_UPLINK_MTU;
	stat_add(ctx->ifindex, HYP_STAT_FWD, skb->len);
	return bpf_redirect_neigh(u->ifindex, NULL, 0, 0);
}

#endif /* HYP_BPF_UPLINK_OUT_H */
