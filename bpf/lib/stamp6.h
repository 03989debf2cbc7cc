/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Source stamp of an IPv6 frame (stamp.h for the scheme): SipHash-2-4 of
 * eight words, the whole of both addresses among them, keyed per SNIC.
 *  m0 = source MAC << 16 | ethertype
 *  m1, m2 = saddr (bytes 0..7, 8..15, big-endian)
 *  m3, m4 = daddr
 *  m5 = the header's first 8 bytes (version, class, flow label, payload
 *       length, next header, hop limit)
 *  m6, m7 = the 16 bytes after the fixed header (the upper-layer header or
 *       the first extension header: ports and TCP sequence, ICMPv6 type,
 *       code and the start of an ND target), 0 where the frame is shorter
 */
#ifndef HYP_BPF_STAMP6_H
#define HYP_BPF_STAMP6_H

#include "stamp.h"
#include "ip6.h"

static __always_inline __u64 be64_of(const __u32 *w)
{
	return ((__u64)bpf_ntohl(w[0]) << 32) | bpf_ntohl(w[1]);
}

static __always_inline __u64 siphash_8w(const __u64 key[2], const __u64 m[8])
{
	__u64 v0 = 0x736f6d6570736575ULL ^ key[0];
	__u64 v1 = 0x646f72616e646f6dULL ^ key[1];
	__u64 v2 = 0x6c7967656e657261ULL ^ key[0];
	__u64 v3 = 0x7465646279746573ULL ^ key[1];
	__u64 b = 64ULL << 56;

#pragma unroll
	for (int i = 0; i < 8; i++)
		SIP_ABSORB(v0, v1, v2, v3, m[i]);
	SIP_ABSORB(v0, v1, v2, v3, b);
	v2 ^= 0xff;
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}

static __always_inline __u64 stamp6_compute(struct __sk_buff *skb, const __u64 key[2],
					    struct ethhdr *eth, const struct ip6_hdr *h)
{
	const __u8 *p = (const void *)(h + 1), *end = (void *)(long)skb->data_end;
	__u32 w[4] = {};
	__u64 m[8];

	m[0] = (mac_to_u64(eth->h_source) << 16) | ETH_P_IPV6;
	m[1] = be64_of(h->saddr);
	m[2] = be64_of(h->saddr + 2);
	m[3] = be64_of(h->daddr);
	m[4] = be64_of(h->daddr + 2);
	m[5] = ((__u64)bpf_ntohl(h->vtcfl) << 32) | ((__u32)bpf_ntohs(h->plen) << 16) |
	       ((__u32)h->nexthdr << 8) | h->hlim;
	if (p + 16 <= end) { /* in the linear data (nearly always): no helper call */
		__builtin_memcpy(w, p, 16);
	} else {
		if (bpf_skb_load_bytes(skb, IP6_OFF + IP6_HLEN, w, 8))
			w[0] = w[1] = 0;
		if (bpf_skb_load_bytes(skb, IP6_OFF + IP6_HLEN + 8, w + 2, 8))
			w[2] = w[3] = 0;
	}
	m[6] = be64_of(w);
	m[7] = be64_of(w + 2);
	return siphash_8w(key, m);
}

#endif /* HYP_BPF_STAMP6_H */
