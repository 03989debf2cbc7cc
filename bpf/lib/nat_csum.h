/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Rewriting an IPv4 packet's source or destination (address and port, or
 * ICMP echo id) with incremental checksum updates: the IPv4 header's, and
 * the TCP/UDP one's including its pseudo header (which keeps a checksum the
 * sender's stack left to offload, CHECKSUM_PARTIAL, correct too); a UDP
 * checksum of 0 (none) stays 0. The frame has no IPv4 options (frame_stage
 * drops them), so every offset is fixed. The helpers move the packet:
 * whoever reads it after reloads its pointers.
 */
#ifndef HYP_BPF_NAT_CSUM_H
#define HYP_BPF_NAT_CSUM_H

#include "common.h"

#define NAT_IP_OFF	      14 /* sizeof(struct ethhdr) */
#define NAT_L4_OFF	      (NAT_IP_OFF + 20)
#define NAT_IP_CSUM	      (NAT_IP_OFF + 10)
#define NAT_IP_SADDR	      (NAT_IP_OFF + 12)
#define NAT_IP_DADDR	      (NAT_IP_OFF + 16)
#define ICMP_ECHO_ID	      4 /* offset of the echo id in the ICMP header */
#define BPF_F_PSEUDO_HDR_     (1ULL << 4)
#define BPF_F_MARK_MANGLED_0_ (1ULL << 5)

static __always_inline __u32 l4_csum_off(__u8 proto)
{
	if (proto == IPPROTO_TCP)
		return NAT_L4_OFF + 16;
	if (proto == IPPROTO_UDP)
		return NAT_L4_OFF + 6;
	return NAT_L4_OFF + 2; /* ICMP */
}

/*
 * Source (src) or destination address and port of the packet from old to
 * new (addresses network order, ports host order; ICMP: the echo id, the
 * same field both ways). 0, or -1 when a helper refused.
 */
static __always_inline int nat_rewrite(struct __sk_buff *skb, int src, __u8 proto, __be32 old_a,
				       __be32 new_a, __u16 old_p, __u16 new_p)
{
	__u64 l4f = proto == IPPROTO_UDP ? BPF_F_MARK_MANGLED_0_ : 0;
	__u32 coff = l4_csum_off(proto), poff;
	__be16 op = bpf_htons(old_p), np = bpf_htons(new_p);

	if (proto == IPPROTO_ICMP)
		poff = NAT_L4_OFF + ICMP_ECHO_ID;
	else
		poff = NAT_L4_OFF + (src ? 0 : 2);
	if (old_a != new_a) {
		if (proto != IPPROTO_ICMP &&
		    bpf_l4_csum_replace(skb, coff, old_a, new_a, l4f | BPF_F_PSEUDO_HDR_ | 4))
			return -1;
		if (bpf_l3_csum_replace(skb, NAT_IP_CSUM, old_a, new_a, 4))
			return -1;
		if (bpf_skb_store_bytes(skb, src ? NAT_IP_SADDR : NAT_IP_DADDR, &new_a, 4, 0))
			return -1;
	}
	if (op != np) {
		if (bpf_l4_csum_replace(skb, coff, op, np, l4f | 2))
			return -1;
		if (bpf_skb_store_bytes(skb, poff, &np, 2, 0))
			return -1;
	}
	return 0;
}

/* Reloads the Ethernet and IPv4 header pointers after a rewrite; -1 if short. */
static __always_inline int nat_reload(struct __sk_buff *skb, struct ethhdr **eth, struct iphdr **ip)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;

	if (data + NAT_L4_OFF > end)
		return -1;
	*eth = data;
	*ip = data + NAT_IP_OFF;
	return 0;
}

#endif /* HYP_BPF_NAT_CSUM_H */
