/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The one builder of the ICMPv6 frames the bridge sends itself: the
 * neighbour advertisement (nd.h), the router advertisement (ra.h) and the
 * gateway's errors, packet too big and time exceeded (uplink6_out.h).
 * Each frame is a struct on the stack that begins with icmp6_head (two
 * bytes of padding, so that the addresses are aligned: the verifier
 * refuses unaligned stack access; Ethernet, IPv6, the ICMPv6 type, code
 * and checksum) and goes on with its message. icmp6_head_init fills the
 * head; icmp6_send computes the checksum (RFC 4443 2.3: the pseudo header,
 * then the message; folded by csum_fold.h) and sends the frame back out of
 * the port.
 */
#ifndef HYP_BPF_ICMP6_TX_H
#define HYP_BPF_ICMP6_TX_H

#include "pipeline6.h"
#include "csum_fold.h"

struct icmp6_head {
	__u8 pad[2];
	__u8 dmac[6], smac[6];
	__be16 proto;
	struct ip6_hdr ip6; /* at 16 */
	__u8 type, code;    /* at 56 */
	__u16 csum;
};
#define ICMP6_HEAD_OFF 54 /* where the message begins in the frame */

/* The head of a frame of len bytes (without the padding): from smac and
 * saddr to dmac and daddr, hop limit 255, ICMPv6 of type. */
static __always_inline void icmp6_head_init(struct icmp6_head *h, __u32 len, const __u8 *dmac,
					    const __u8 *smac, const __u32 *saddr,
					    const __u32 *daddr, __u8 type)
{
	__builtin_memcpy(h->dmac, dmac, ETH_ALEN);
	__builtin_memcpy(h->smac, smac, ETH_ALEN);
	h->proto = bpf_htons(ETH_P_IPV6);
	h->ip6.vtcfl = bpf_htonl(6u << 28);
	h->ip6.plen = bpf_htons(len - ICMP6_HEAD_OFF);
	h->ip6.nexthdr = NH_ICMPV6;
	h->ip6.hlim = 255;
	ip6_copy(h->ip6.saddr, saddr);
	ip6_copy(h->ip6.daddr, daddr);
	h->type = type;
}

/*
 * The frame (its head first, len bytes without the padding, a constant
 * multiple of 4 past the Ethernet header) checksummed and written over
 * the packet, sent back out of ifindex: the verdict.
 */
static __always_inline int icmp6_send(struct __sk_buff *skb, struct icmp6_head *h, __u32 len,
				      __u32 ifindex)
{
	__u32 plen = len - ICMP6_HEAD_OFF;
	__be32 tail[2] = {bpf_htonl(plen), bpf_htonl(NH_ICMPV6)};
	__s64 s;

	h->csum = 0;
	s = bpf_csum_diff(NULL, 0, (__be32 *)h->ip6.saddr, 32, 0);
	s = bpf_csum_diff(NULL, 0, tail, sizeof(tail), (__u32)s);
	s = bpf_csum_diff(NULL, 0, (__be32 *)&h->type, plen, (__u32)s);
	h->csum = csum_fold_diff(s);
	if (bpf_skb_change_tail(skb, len, 0) || bpf_skb_store_bytes(skb, 0, h->dmac, len, 0))
		return TC_ACT_SHOT;
	return bpf_redirect(ifindex, 0);
}

#endif /* HYP_BPF_ICMP6_TX_H */
