/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Frame stage (parse): the Ethernet header, then the ARP or IPv4 header.
 * Everything else (VLAN tags, IPv6, LLDP, other ethertypes, IPv4 options)
 * is not carried and is dropped with its reason.
 */
#ifndef HYP_BPF_FRAME_H
#define HYP_BPF_FRAME_H

#include "pipeline.h"
#include "parse.h"

static __always_inline int frame_stage(struct pkt_ctx *ctx)
{
	struct __sk_buff *skb = ctx->skb;
	struct cursor c = {.pos = (void *)(long)skb->data, .end = (void *)(long)skb->data_end};
	int proto, err;

	proto = parse_eth(&c, &ctx->eth);
	if (proto < 0)
		return HYP_DROP_MALFORMED;
	ctx->frame = classify(skb, proto);
	ctx->end = c.end;
	switch (ctx->frame) {
	case FRAME_IPV4:
		err = parse_ipv4(&c, &ctx->ip);
		if (err == -1)
			return HYP_DROP_MALFORMED;
		if (err == -2)
			return HYP_DROP_IP_OPTIONS;
		return 0;
	case FRAME_ARP:
		err = parse_arp(&c, &ctx->arp);
		if (err == -1)
			return HYP_DROP_MALFORMED;
		if (err)
			return HYP_DROP_ARP_UNSUPPORTED;
		return 0;
	case FRAME_VLAN:
		return HYP_DROP_VLAN;
	case FRAME_IPV6:
		return HYP_DROP_IPV6;
	case FRAME_LLDP:
		return HYP_DROP_LLDP;
	default:
		return HYP_DROP_ETHERTYPE;
	}
}

#endif /* HYP_BPF_FRAME_H */
