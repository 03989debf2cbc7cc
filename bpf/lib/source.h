/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Source stage: a port is bound to its SNIC's MAC and IPv4. A frame from
 * any other source MAC, an ARP packet whose sender is not the binding, an
 * IPv4 packet from another address are dropped.
 */
#ifndef HYP_BPF_SOURCE_H
#define HYP_BPF_SOURCE_H

#include "pipeline.h"
#include "parse.h"

static __always_inline int source_stage(struct pkt_ctx *ctx)
{
	const struct hyp_port *port = ctx->port;

	if (!mac_eq(ctx->eth->h_source, port->mac))
		return HYP_DROP_SPOOFED_SRC_MAC;
	if (ctx->frame == FRAME_ARP) {
		if (!mac_eq(ctx->arp->sha, port->mac) || ctx->arp->spa != port->ip || !port->ip)
			return HYP_DROP_ARP_SPOOF;
		return 0;
	}
	if (ctx->ip->saddr != port->ip || !port->ip) /* ip 0: an IPv6-only SNIC */
		return HYP_DROP_SPOOFED_SRC_IP;
	return 0;
}

#endif /* HYP_BPF_SOURCE_H */
