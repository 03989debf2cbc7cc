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

static __always_inline int forward(struct pkt_ctx *ctx)
{
	struct __sk_buff *skb = ctx->skb;
	const struct hyp_endpoint *ep = ctx->ep;

	mac_copy(ctx->eth->h_dest, ep->mac);
	stat_add(ctx->ifindex, HYP_STAT_FWD, skb->len);
	return bpf_redirect_peer(ep->port_ifindex, 0);
}

#endif /* HYP_BPF_FORWARD_H */
