/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Source stamp: SipHash-2-4, keyed per SNIC, over the frame's source MAC,
 * ethertype and network/transport header fields, truncated to 46 bits and
 * carried in the destination MAC field. Shared by the guard (which writes
 * it) and the bridge port (which verifies it), so both build the message
 * the same way.
 */
#ifndef HYP_BPF_STAMP_H
#define HYP_BPF_STAMP_H

#include "parse.h"

#define ROTL64(x, b) (((x) << (b)) | ((x) >> (64 - (b))))

#define SIPROUND(v0, v1, v2, v3)                                                                   \
	do {                                                                                       \
		v0 += v1;                                                                          \
		v1 = ROTL64(v1, 13);                                                               \
		v1 ^= v0;                                                                          \
		v0 = ROTL64(v0, 32);                                                               \
		v2 += v3;                                                                          \
		v3 = ROTL64(v3, 16);                                                               \
		v3 ^= v2;                                                                          \
		v0 += v3;                                                                          \
		v3 = ROTL64(v3, 21);                                                               \
		v3 ^= v0;                                                                          \
		v2 += v1;                                                                          \
		v1 = ROTL64(v1, 17);                                                               \
		v1 ^= v2;                                                                          \
		v2 = ROTL64(v2, 32);                                                               \
	} while (0)

#define SIP_ABSORB(v0, v1, v2, v3, m)                                                              \
	do {                                                                                       \
		v3 ^= (m);                                                                         \
		SIPROUND(v0, v1, v2, v3);                                                          \
		SIPROUND(v0, v1, v2, v3);                                                          \
		v0 ^= (m);                                                                         \
	} while (0)

/* SipHash-2-4 of four 64-bit words (a 32-byte message). */
static __always_inline __u64 siphash_4w(const __u64 key[2], __u64 m0, __u64 m1, __u64 m2, __u64 m3)
{
	__u64 v0 = 0x736f6d6570736575ULL ^ key[0];
	__u64 v1 = 0x646f72616e646f6dULL ^ key[1];
	__u64 v2 = 0x6c7967656e657261ULL ^ key[0];
	__u64 v3 = 0x7465646279746573ULL ^ key[1];
	__u64 b = 32ULL << 56;

	SIP_ABSORB(v0, v1, v2, v3, m0);
	SIP_ABSORB(v0, v1, v2, v3, m1);
	SIP_ABSORB(v0, v1, v2, v3, m2);
	SIP_ABSORB(v0, v1, v2, v3, m3);
	SIP_ABSORB(v0, v1, v2, v3, b);
	v2 ^= 0xff;
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}

static __always_inline __u64 mac_to_u64(const __u8 *m)
{
	return ((__u64)m[0] << 40) | ((__u64)m[1] << 32) | ((__u64)m[2] << 24) |
	       ((__u64)m[3] << 16) | ((__u64)m[4] << 8) | (__u64)m[5];
}

/*
 * Message words:
 *  m0 = source MAC << 16 | ethertype
 *  m1 = IPv4 saddr << 32 | daddr           (ARP: spa << 32 | tpa)
 *  m2 = tot_len << 48 | id << 32 | frag_off << 16 | ttl << 8 | protocol
 *                                          (ARP: op << 48 | sha)
 *  m3 = sport << 48 | dport << 32 | TCP seq (first fragment of TCP/UDP)
 *       ICMP: type << 56 | code << 48 | echo id << 32 | echo seq << 16
 */
static __always_inline __u64 stamp_compute(struct __sk_buff *skb, const __u64 key[2],
					   struct ethhdr *eth, int proto, void *l3, void *end)
{
	__u64 m0, m1 = 0, m2 = 0, m3 = 0;

	m0 = (mac_to_u64(eth->h_source) << 16) | (__u16)proto;
	if (proto == ETH_P_IP) {
		struct iphdr *ip = l3;
		__u32 l4[2] = {};

		if ((void *)(ip + 1) > end)
			return 0;
		m1 = ((__u64)bpf_ntohl(ip->saddr) << 32) | bpf_ntohl(ip->daddr);
		m2 = ((__u64)bpf_ntohs(ip->tot_len) << 48) | ((__u64)bpf_ntohs(ip->id) << 32) |
		     ((__u64)bpf_ntohs(ip->frag_off) << 16) | ((__u64)ip->ttl << 8) | ip->protocol;
		if (!(ip->frag_off & bpf_htons(IP_OFFSET)) &&
		    (ip->protocol == IPPROTO_TCP || ip->protocol == IPPROTO_UDP ||
		     ip->protocol == IPPROTO_ICMP)) {
			__u32 off = sizeof(struct ethhdr) + sizeof(struct iphdr);
			__u32 *p = (void *)(ip + 1);

			/* in the linear data (nearly always): two loads, no helper call */
			if ((void *)(p + 2) <= end) {
				l4[0] = p[0];
				l4[1] = p[1];
			}
			if ((void *)(p + 2) <= end ||
			    bpf_skb_load_bytes(skb, off, l4, sizeof(l4)) == 0) {
				if (ip->protocol != IPPROTO_TCP)
					l4[1] = 0;
				m3 = ((__u64)bpf_ntohl(l4[0]) << 32) | bpf_ntohl(l4[1]);
			}
		}
	} else if (proto == ETH_P_ARP) {
		struct arp_ipv4 *a = l3;

		if ((void *)(a + 1) > end)
			return 0;
		m1 = ((__u64)bpf_ntohl(a->spa) << 32) | bpf_ntohl(a->tpa);
		m2 = ((__u64)bpf_ntohs(a->op) << 48) | mac_to_u64(a->sha);
	}
	return siphash_4w(key, m0, m1, m2, m3);
}

/* Lay the 46 stamp bits out as a unicast, locally administered MAC. */
static __always_inline void stamp_to_mac(__u64 h, __u8 *mac)
{
	mac[0] = (__u8)(((h >> 40) & 0xfc) | 0x02);
	mac[1] = (__u8)(h >> 32);
	mac[2] = (__u8)(h >> 24);
	mac[3] = (__u8)(h >> 16);
	mac[4] = (__u8)(h >> 8);
	mac[5] = (__u8)h;
}

#endif /* HYP_BPF_STAMP_H */
