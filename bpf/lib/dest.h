/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Destination of an IPv4 packet: a known endpoint on another port,
 * unicast, or an address outside the pool (uplink_out.h). Broadcast and
 * multicast, the gateway, unknown pool addresses and the sender's own port
 * are dropped.
 */
#ifndef HYP_BPF_DEST_H
#define HYP_BPF_DEST_H

#include "pipeline.h"
#include "parse.h"
#include "maps_bridge.h"
#include "uplink_out.h"
#include "maps_overlay.h"
#include "maps_overlay.h"

/* The endpoint an IPv4 packet is for, if any: the stamp stage needs it to
 * tell a missing stamp, so this runs before it and never drops. */
static __always_inline void dest_lookup(struct pkt_ctx *ctx)
{
	struct hyp_ep_key k;

	if (ctx->frame != FRAME_IPV4)
		return;
	k.ip = ctx->ip->daddr;
	ctx->ep = bpf_map_lookup_elem(&hyp_endpoints, &k);
}

/* Fills the packet's sender and receiver (ctx->src, ctx->dst). */
static __always_inline int dest_stage(struct pkt_ctx *ctx)
{
	const struct hyp_config *cfg = ctx->cfg;
	const struct hyp_endpoint *ep = ctx->ep;
	struct iphdr *ip = ctx->ip;

	if (ipv4_is_bcast_mcast(ip->daddr) || ip->daddr == (cfg->net | ~cfg->mask))
		return HYP_DROP_DST_BCAST_MCAST;
	if (ip->daddr == cfg->gw_ip)
		return HYP_DROP_TO_GATEWAY;
	if (!ep) {
		/* another node's endpoint, as etcd published it (cluster) */
		__u32 k = ip->daddr;
		const struct hyp_ovl_ep *r = bpf_map_lookup_elem(&hyp_ovl_eps, &k);

		if (!r) /* outside the pool: through the uplink (not another node's block) */
			return ovl_route(ip->daddr) ? HYP_DROP_UNKNOWN_DST : dest_outside(ctx);
		ctx->ovl_node = (__u16)r->node;
		ctx->src.identity = ctx->port->identity;
		ctx->src.ip = ip->saddr;
		ctx->dst.identity = r->identity;
		ctx->dst.ip = ip->daddr;
		return 0;
	}
	if (ep->port_ifindex == ctx->ifindex)
		return HYP_DROP_HAIRPIN;
	ctx->src.identity = ctx->port->identity;
	ctx->src.ip = ip->saddr;
	ctx->dst.identity = ep->identity;
	ctx->dst.ip = ip->daddr;
	return 0;
}

#endif /* HYP_BPF_DEST_H */
