/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Overlay delivery: a decapsulated packet from another node, whose
 * identity the authenticator proved, enters the same stages as a packet
 * from a local port (flow, conntrack, policy, inspection) with that
 * identity as its source; the destination must be an endpoint here. New
 * flows are charged to the receiving endpoint's quota.
 */
#ifndef HYP_BPF_OVERLAY_DELIVER_H
#define HYP_BPF_OVERLAY_DELIVER_H

#include "pipeline.h"
#include "maps_bridge.h"
#include "overlay_rx.h"

static __always_inline int ovl_deliver_stage(struct pkt_ctx *ctx, const struct ovl_rx *rx)
{
	__u32 zero = 0, port;
	struct hyp_ep_key k = {.ip = ctx->ip->daddr};
	const struct hyp_config *cfg = bpf_map_lookup_elem(&hyp_config, &zero);
	const struct hyp_endpoint *ep = bpf_map_lookup_elem(&hyp_endpoints, &k);
	union {
		__u64 word;
		struct {
			__u32 gen, rev;
		};
	} policy;

	if (!cfg || !ep || !ep->port_ifindex)
		return HYP_DROP_UNKNOWN_DST;
	port = ep->port_ifindex;
	ctx->port = bpf_map_lookup_elem(&hyp_ports, &port);
	if (!ctx->port)
		return HYP_DROP_UNKNOWN_DST;
	ctx->cfg = cfg;
	ctx->ep = ep;
	policy.word = *(volatile const __u64 *)&cfg->policy;
	ctx->gen = policy.gen & 1;
	ctx->rev = policy.rev;
	ctx->src.identity = rx->identity;
	ctx->src.ip = ctx->ip->saddr;
	ctx->dst.identity = ep->identity;
	ctx->dst.ip = ctx->ip->daddr;
	mac_copy(ctx->eth->h_source, cfg->gw_mac);
	return 0;
}

#endif /* HYP_BPF_OVERLAY_DELIVER_H */
