/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Bounds-checked header parsing for the Hyperion datapath. */
#ifndef HYP_BPF_PARSE_H
#define HYP_BPF_PARSE_H

#include "common.h"

struct cursor {
	void *pos;
	void *end;
};

struct arp_ipv4 {
	__be16 htype;
	__be16 ptype;
	__u8 hlen;
	__u8 plen;
	__be16 op;
	__u8 sha[ETH_ALEN];
	__be32 spa;
	__u8 tha[ETH_ALEN];
	__be32 tpa;
} __attribute__((packed));

/* Classification of a frame by its outer ethertype. */
enum frame_class {
	FRAME_IPV4 = 0,
	FRAME_ARP,
	FRAME_VLAN,
	FRAME_IPV6,
	FRAME_LLDP,
	FRAME_OTHER,
};

static __always_inline int parse_eth(struct cursor *c, struct ethhdr **eth)
{
	struct ethhdr *h = c->pos;

	if ((void *)(h + 1) > c->end)
		return -1;
	c->pos = h + 1;
	*eth = h;
	return bpf_ntohs(h->h_proto);
}

static __always_inline enum frame_class classify(struct __sk_buff *skb, int proto)
{
	if (skb->vlan_present)
		return FRAME_VLAN;
	switch (proto) {
	case ETH_P_IP:
		return FRAME_IPV4;
	case ETH_P_ARP:
		return FRAME_ARP;
	case ETH_P_8021Q:
	case ETH_P_8021AD:
	case ETH_P_QINQ1:
		return FRAME_VLAN;
	case ETH_P_IPV6:
		return FRAME_IPV6;
	case ETH_P_LLDP:
		return FRAME_LLDP;
	default:
		return FRAME_OTHER;
	}
}

static __always_inline int parse_arp(struct cursor *c, struct arp_ipv4 **arp)
{
	struct arp_ipv4 *a = c->pos;

	if ((void *)(a + 1) > c->end)
		return -1;
	if (a->htype != bpf_htons(ARPHRD_ETHER) || a->ptype != bpf_htons(ETH_P_IP) ||
	    a->hlen != ETH_ALEN || a->plen != 4)
		return -2;
	c->pos = a + 1;
	*arp = a;
	return 0;
}

/* Returns the IPv4 protocol, -1 when truncated/malformed, -2 on options. */
static __always_inline int parse_ipv4(struct cursor *c, struct iphdr **ip)
{
	struct iphdr *h = c->pos;

	if ((void *)(h + 1) > c->end)
		return -1;
	if (h->version != 4 || h->ihl < 5)
		return -1;
	if (h->ihl != 5)
		return -2;
	c->pos = h + 1;
	*ip = h;
	return h->protocol;
}

static __always_inline int mac_eq(const __u8 *a, const __u8 *b)
{
	return *(const __u32 *)a == *(const __u32 *)b &&
	       *(const __u16 *)(a + 4) == *(const __u16 *)(b + 4);
}

static __always_inline void mac_copy(__u8 *dst, const __u8 *src)
{
	*(__u32 *)dst = *(const __u32 *)src;
	*(__u16 *)(dst + 4) = *(const __u16 *)(src + 4);
}

static __always_inline int ipv4_is_bcast_mcast(__be32 addr)
{
	__u32 h = bpf_ntohl(addr);

	return h == 0xffffffff || (h & 0xf0000000) == 0xe0000000;
}

#endif /* HYP_BPF_PARSE_H */
