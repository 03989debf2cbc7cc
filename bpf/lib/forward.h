/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Forward: the destination endpoint's real MAC is written over the stamp
 * and the packet goes to its SNIC with bpf_redirect_peer (straight into
 * the container's netns, GSO kept).
 */
#ifndef HYP_BPF_FORWARD_H
#define HYP_BPF_FORWARD_H

#include "pipeline.h"
#include "parse.h"
#include "stats.h"
#include "maps_overlay.h"
#include "drop.h"

/*
 * To another node: the packet leaves for the uplink's egress, where
 * hyp_ovl_egress (overlay.bpf.c) wraps it for that node (overlay_tx.h)
 * with its own stack; the node and the sender's identity ride in the mark
 * (HYP_OVL_MARK), which nothing outside the bridge netns can set.
 */
static __always_inline int forward_overlay(struct pkt_ctx *ctx)
{
	struct __sk_buff *skb = ctx->skb;
	__u32 zero = 0;
	const struct hyp_ovl_self *self = bpf_map_lookup_elem(&hyp_ovl_self, &zero);

	if (!self || !self->node || !self->uplink_ifindex)
		return drop(ctx, HYP_DROP_OVL_NO_PEER);
	if (ctx->src.identity > HYP_OVL_MARK_ID_MAX)
		return drop(ctx, HYP_DROP_OVL_ENCAP);
	skb->mark = HYP_OVL_MARK(ctx->ovl_node, ctx->src.identity);
	stat_add(ctx->ifindex, HYP_STAT_FWD, skb->len);
	return bpf_redirect(self->uplink_ifindex, 0);
}

static __always_inline int forward(struct pkt_ctx *ctx)
{
	struct __sk_buff *skb = ctx->skb;
	const struct hyp_endpoint *ep = ctx->ep;

	if (ctx->ovl_node || !ep)
		return forward_overlay(ctx);
	mac_copy(ctx->eth->h_dest, ep->mac);
	stat_add(ctx->ifindex, HYP_STAT_FWD, skb->len);
	return bpf_redirect_peer(ep->port_ifindex, 0);
}

#endif /* HYP_BPF_FORWARD_H */
