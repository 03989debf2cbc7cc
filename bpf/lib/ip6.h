/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * IPv6 parsing, shared by the guard and the bridge's IPv6 pipeline: the
 * fixed header, a bounded walk of the extension headers to the upper
 * layer (abi_ip6.h: at most HYP_IP6_EXT_MAX headers, HYP_IP6_EXT_BYTES
 * bytes), address comparisons. Nothing here is on the IPv4 path.
 */
#ifndef HYP_BPF_IP6_H
#define HYP_BPF_IP6_H

#include "common.h"

#define IP6_HLEN       40
#define IP6_OFF	       14 /* the IPv6 header, after Ethernet */
#define NH_HOPOPTS     0
#define NH_ROUTING     43
#define NH_FRAGMENT    44
#define NH_ESP	       50
#define NH_AH	       51
#define NH_ICMPV6      58
#define NH_NONE	       59
#define NH_DSTOPTS     60
#define NH_MOBILITY    135
#define NH_HIP	       139
#define NH_SHIM6       140
#define NH_EXPERIMENT1 253
#define NH_EXPERIMENT2 254
#define IP6_OPT_JUMBO  0xc2 /* RFC 2675 jumbo payload option */

struct ip6_hdr {
	__be32 vtcfl; /* version, traffic class, flow label */
	__be16 plen;
	__u8 nexthdr;
	__u8 hlim;
	__u32 saddr[4];
	__u32 daddr[4];
} __attribute__((packed));

/* The upper layer: its protocol and offset in the frame. */
struct ip6_l4 {
	__u32 off;
	__u8 proto;
};

static __always_inline int ip6_eq(const __u32 *a, const __u32 *b)
{
	return a[0] == b[0] && a[1] == b[1] && a[2] == b[2] && a[3] == b[3];
}

static __always_inline int ip6_is_zero(const __u32 *a)
{
	return !(a[0] | a[1] | a[2] | a[3]);
}

static __always_inline void ip6_copy(__u32 *d, const __u32 *s)
{
	d[0] = s[0];
	d[1] = s[1];
	d[2] = s[2];
	d[3] = s[3];
}

static __always_inline int ip6_is_mcast(const __u32 *a)
{
	return ((const __u8 *)a)[0] == 0xff;
}

static __always_inline int ip6_is_linklocal(const __u32 *a)
{
	const __u8 *b = (const __u8 *)a;

	return b[0] == 0xfe && (b[1] & 0xc0) == 0x80;
}

/* The payload length a receiver takes for a BIG TCP frame (a GSO TCP frame
 * over 64 KiB, hyperiond --big-tcp), whose payload length field is 0:
 * the frame's, when TCP follows the fixed header (kernels that send BIG TCP
 * without a jumbo option) or when an 8-byte hop-by-hop header holding only
 * the RFC 2675 jumbo payload option, as ip6_xmit inserts it, says that
 * same length and is followed by TCP. Else 0: a bad length. */
static __always_inline __u32 ip6_big_tcp_len(struct __sk_buff *skb, const struct ip6_hdr *h,
					     void *end)
{
	__u32 len = skb->len - IP6_OFF - IP6_HLEN, jumbo;
	const __u8 *o = (const __u8 *)(h + 1);

	if (!skb->gso_size)
		return 0;
	if (h->nexthdr == IPPROTO_TCP)
		return len;
	if (h->nexthdr != NH_HOPOPTS || (void *)(o + 8) > end)
		return 0;
	if (o[0] != IPPROTO_TCP || o[1] != 0 || o[2] != IP6_OPT_JUMBO || o[3] != 4)
		return 0;
	jumbo = (__u32)o[4] << 24 | (__u32)o[5] << 16 | (__u32)o[6] << 8 | o[7];
	return jumbo == len ? len : 0;
}

/* The fixed header: 0, or -1 when truncated, not version 6 or longer
 * than the frame says. A payload length of 0 is a bad length except on a
 * BIG TCP frame (ip6_big_tcp_len), which the receiver's stack takes at the
 * frame's length, as IPv4's total length 0 (inspect_norm.h takes the same
 * rule). */
static __always_inline int ip6_parse(struct __sk_buff *skb, void *pos, void *end,
				     struct ip6_hdr **out)
{
	struct ip6_hdr *h = pos;
	__u32 plen;

	if ((void *)(h + 1) > end)
		return -1;
	if ((bpf_ntohl(h->vtcfl) >> 28) != 6)
		return -1;
	plen = bpf_ntohs(h->plen);
	if (!plen)
		plen = ip6_big_tcp_len(skb, h, end);
	if (!plen || IP6_OFF + IP6_HLEN + plen > skb->len)
		return -1; /* a jumbogram (0) or a payload past the frame */
	*out = h;
	return 0;
}

/* One extension header: 1 to walk past it, 0 at the upper layer, else a
 * drop reason (negated). Hop-by-hop only first (RFC 8200 4.1). */
static __always_inline int ip6_ext_kind(__u8 nh, int i)
{
	switch (nh) {
	case NH_HOPOPTS:
		return i ? -HYP_DROP_IP6_EXTHDR : 1;
	case NH_DSTOPTS:
		return 1;
	case NH_ROUTING:
		return -HYP_DROP_IP6_ROUTING_HDR;
	case NH_FRAGMENT:
		return -HYP_DROP_IP6_FRAGMENT;
	case NH_AH:
	case NH_NONE:
	case NH_MOBILITY:
	case NH_HIP:
	case NH_SHIM6:
	case NH_EXPERIMENT1:
	case NH_EXPERIMENT2:
		return -HYP_DROP_IP6_EXTHDR;
	default:
		return 0;
	}
}

/* The first n bytes of the upper layer at off (ip6_walk): read in place
 * when it follows the fixed header in the linear data (nearly always: no
 * helper call), else copied out; 0, or -1 when the packet is shorter. */
static __always_inline int ip6_l4_bytes(struct __sk_buff *skb, __u32 off, __u8 *l4, __u32 n)
{
	const __u8 *p = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;

	p += IP6_OFF + IP6_HLEN;
	if (off == IP6_OFF + IP6_HLEN && p + n <= end) {
		__builtin_memcpy(l4, p, n);
		return 0;
	}
	return bpf_skb_load_bytes(skb, off, l4, n) ? -1 : 0;
}

/* Walks the extension headers that start at off with next header nh (an
 * IPv6 header at off - 40): 0 and the upper layer, or a drop reason. */
static __always_inline int ip6_walk_at(struct __sk_buff *skb, __u32 off, __u8 nh, struct ip6_l4 *l4)
{
	__u32 limit = off + HYP_IP6_EXT_BYTES;
	__u8 x[2];
	int k;

	for (int i = 0; i <= HYP_IP6_EXT_MAX; i++) {
		k = ip6_ext_kind(nh, i);
		if (k < 0)
			return -k;
		if (!k) {
			l4->off = off;
			l4->proto = nh;
			return 0;
		}
		if (i == HYP_IP6_EXT_MAX)
			break;
		if (bpf_skb_load_bytes(skb, off, x, 2))
			return HYP_DROP_MALFORMED;
		nh = x[0];
		off += ((__u32)x[1] + 1) * 8;
		if (off > limit)
			break;
	}
	return HYP_DROP_IP6_EXTHDR;
}

/* Walks the extension headers after h (the frame's): 0 and the upper layer, or a drop reason. */
static __always_inline int ip6_walk(struct __sk_buff *skb, const struct ip6_hdr *h,
				    struct ip6_l4 *l4)
{
	return ip6_walk_at(skb, IP6_OFF + IP6_HLEN, h->nexthdr, l4);
}

#endif /* HYP_BPF_IP6_H */
