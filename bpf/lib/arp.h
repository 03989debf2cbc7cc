/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * ARP: the bridge answers requests for the gateway and for every endpoint
 * on another port itself, by turning the request around; nothing is
 * flooded. It never asks, so replies and gratuitous ARP go nowhere.
 */
#ifndef HYP_BPF_ARP_H
#define HYP_BPF_ARP_H

#include "pipeline.h"
#include "parse.h"
#include "maps_bridge.h"
#include "stats.h"

static __always_inline int arp_stage(struct pkt_ctx *ctx)
{
	struct arp_ipv4 *arp = ctx->arp;
	struct hyp_ep_key k = {.ip = arp->tpa};
	const struct hyp_endpoint *ep;

	if (arp->op != bpf_htons(ARPOP_REQUEST) || arp->tpa == arp->spa)
		return HYP_DROP_ARP_UNSUPPORTED;
	if (arp->tpa == ctx->cfg->gw_ip)
		return 0; /* ctx->ep stays NULL: the gateway */
	ep = bpf_map_lookup_elem(&hyp_endpoints, &k);
	if (!ep || ep->port_ifindex == ctx->ifindex)
		return HYP_DROP_ARP_UNKNOWN_TARGET;
	ctx->ep = ep;
	return 0;
}

/* Turns the request around in place and sends it back out of its port. */
static __always_inline int arp_reply(struct pkt_ctx *ctx)
{
	struct __sk_buff *skb = ctx->skb;
	struct arp_ipv4 *arp = ctx->arp;
	struct ethhdr *eth = ctx->eth;
	const __u8 *answer = ctx->ep ? ctx->ep->mac : ctx->cfg->gw_mac;
	__be32 tpa = arp->tpa;

	mac_copy(eth->h_dest, arp->sha);
	mac_copy(eth->h_source, answer);
	arp->op = bpf_htons(ARPOP_REPLY);
	mac_copy(arp->tha, arp->sha);
	arp->tpa = arp->spa;
	mac_copy(arp->sha, answer);
	arp->spa = tpa;
	stat_add(ctx->ifindex, HYP_STAT_ARP_REPLY, skb->len);
	return bpf_redirect(ctx->ifindex, 0);
}

#endif /* HYP_BPF_ARP_H */
