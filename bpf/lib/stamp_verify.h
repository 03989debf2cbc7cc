/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Stamp stage: on a guarded port, the frame's destination MAC must be the
 * stamp its guard computed (stamp.h, docs/source-stamp.md); the bridge
 * writes the real destination over it when it forwards. A missing stamp
 * is told apart from a forged one by what the destination MAC looks like.
 */
#ifndef HYP_BPF_STAMP_VERIFY_H
#define HYP_BPF_STAMP_VERIFY_H

#include "pipeline.h"
#include "parse.h"
#include "stamp.h"

/*
 * A frame whose destination MAC still looks like a real destination
 * (broadcast, multicast, universally administered, the gateway's or the
 * target endpoint's MAC) was never stamped: the guard is gone.
 */
static __always_inline int stamp_missing(const __u8 *dst, const struct hyp_config *cfg,
					 const __u8 *ep_mac)
{
	if ((dst[0] & 0x01) || !(dst[0] & 0x02))
		return 1;
	if (mac_eq(dst, cfg->gw_mac))
		return 1;
	return ep_mac && mac_eq(dst, ep_mac);
}

/* The target endpoint is the one dest_lookup found (IPv4), none for ARP. */
static __always_inline int stamp_stage(struct pkt_ctx *ctx)
{
	const struct hyp_port *port = ctx->port;
	struct ethhdr *eth = ctx->eth;
	int arp = ctx->frame == FRAME_ARP;
	void *l3 = arp ? (void *)ctx->arp : (void *)ctx->ip;
	__u8 want[ETH_ALEN];
	__u64 h;

	if (!(port->flags & HYP_PORT_F_GUARD))
		return 0;
	h = stamp_compute(ctx->skb, port->key, eth, arp ? ETH_P_ARP : ETH_P_IP, l3, ctx->end);
	stamp_to_mac(h, want);
	if (mac_eq(eth->h_dest, want))
		return 0;
	if (stamp_missing(eth->h_dest, ctx->cfg, ctx->ep ? ctx->ep->mac : NULL))
		return HYP_DROP_STAMP_MISSING;
	return HYP_DROP_STAMP_BAD;
}

#endif /* HYP_BPF_STAMP_VERIFY_H */
