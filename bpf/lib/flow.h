/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Flow stage: the IPv4 packet's flow (addresses, protocol, ports or ICMP
 * echo id, TCP flags and sequence number). Fragments are dropped: a
 * flow's later pieces would carry no ports and pass the L4 checks.
 */
#ifndef HYP_BPF_FLOW_H
#define HYP_BPF_FLOW_H

#include "pipeline.h"

/* The first n (<= 14) bytes of the transport header: read in place when
 * they are in the linear data (nearly always: no helper call), else
 * copied out of the paged data; 0, or -1 when the packet is shorter. */
static __always_inline int l4_bytes(struct __sk_buff *skb, const struct iphdr *ip, __u8 *l4,
				    __u32 n)
{
	const __u8 *p = (const void *)(ip + 1), *end = (void *)(long)skb->data_end;

	if (p + 14 <= end) {
		__builtin_memcpy(l4, p, 14);
		return 0;
	}
	return bpf_skb_load_bytes(skb, sizeof(struct ethhdr) + sizeof(struct iphdr), l4, n) ? -1
											   : 0;
}

/* Fills the flow of an IPv4 packet (first fragments only). */
static __always_inline int flow_parse(struct __sk_buff *skb, struct iphdr *ip, struct flow *f)
{
	__u8 l4[14] = {};

	__builtin_memset(f, 0, sizeof(*f));
	f->key.saddr = ip->saddr;
	f->key.daddr = ip->daddr;
	f->key.proto = ip->protocol;
	switch (ip->protocol) {
	case IPPROTO_TCP:
		if (l4_bytes(skb, ip, l4, 14))
			return -1;
		f->tcp_flags = l4[13];
		f->seq = (__u32)l4[4] << 24 | (__u32)l4[5] << 16 | (__u32)l4[6] << 8 | l4[7];
		f->l4_len = (__u16)((l4[12] >> 4) * 4);
		/* fall through */
	case IPPROTO_UDP:
	case IPPROTO_SCTP:
		if (ip->protocol != IPPROTO_TCP && l4_bytes(skb, ip, l4, 4))
			return -1;
		f->key.sport = (__u16)(l4[0] << 8 | l4[1]);
		f->key.dport = (__u16)(l4[2] << 8 | l4[3]);
		if (ip->protocol == IPPROTO_UDP)
			f->l4_len = 8;
		return 0;
	case IPPROTO_ICMP:
		if (l4_bytes(skb, ip, l4, 8))
			return -1;
		f->icmp_type = l4[0];
		f->key.sport = f->key.dport = (__u16)(l4[4] << 8 | l4[5]);
		return 0;
	default:
		return 0;
	}
}

static __always_inline int flow_stage(struct pkt_ctx *ctx)
{
	struct iphdr *ip = ctx->ip;

	if (ip->frag_off & bpf_htons(IP_MF | IP_OFFSET))
		return HYP_DROP_FRAGMENT;
	if (flow_parse(ctx->skb, ip, &ctx->flow))
		return HYP_DROP_MALFORMED;
	return 0;
}

#endif /* HYP_BPF_FLOW_H */
