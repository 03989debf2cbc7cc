/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Uplink stages: what the outside may send to the bridge. The uplink
 * address answers ARP (the bridge netns's kernel does, and learns the next
 * hop's MAC from the replies); any other frame is for a translated flow or
 * a published port, or it is dropped here and never reaches the bridge
 * netns's own stack.
 */
#ifndef HYP_BPF_UPLINK_H
#define HYP_BPF_UPLINK_H

#include "pipeline.h"
#include "maps_uplink.h"
#include "stats.h"

/* The uplink's entry; a frame on an interface that is not the uplink takes nothing. */
static __always_inline int uplink_port_stage(struct pkt_ctx *ctx, const struct hyp_uplink **up)
{
	struct __sk_buff *skb = ctx->skb;
	const struct hyp_uplink *u = uplink_get();

	ctx->ifindex = skb->ifindex;
	stat_add(ctx->ifindex, HYP_STAT_RX, skb->len);
	if (!u || u->ifindex != skb->ifindex)
		return HYP_DROP_NO_PORT;
	*up = u;
	return 0;
}

/* ARP about the uplink address (a request for it, a reply to its own
 * request) goes to the kernel; any other ARP stays out. */
static __always_inline int uplink_arp_stage(struct pkt_ctx *ctx, const struct hyp_uplink *u)
{
	struct arp_ipv4 *a = ctx->arp;

	if (a->tpa != u->ip)
		return HYP_DROP_UPLINK_ARP;
	if (a->spa == u->ip)
		return HYP_DROP_UPLINK_SPOOF;
	return 0;
}

/* An outside IPv4 packet: for the uplink address, from no address of ours. */
static __always_inline int uplink_ipv4_stage(struct pkt_ctx *ctx, const struct hyp_uplink *u)
{
	const struct hyp_config *cfg = ctx->cfg;
	struct iphdr *ip = ctx->ip;

	if (ip->saddr == u->ip || (cfg && (ip->saddr & cfg->mask) == cfg->net))
		return HYP_DROP_UPLINK_SPOOF;
	if (ip->daddr != u->ip)
		return HYP_DROP_UPLINK_NOT_OURS;
	return 0;
}

#endif /* HYP_BPF_UPLINK_H */
