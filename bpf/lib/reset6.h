/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * TCP resets for an IPv6 flow payload inspection blocks, as reset.h does
 * for IPv4: the offending segment is cut to Ethernet + IPv6 + TCP (its
 * extension headers go) and turned into a RST|ACK for the receiver (cloned
 * out of its port), then into one back to the sender. The TCP checksum
 * covers the IPv6 pseudo header (RFC 8200 8.1). reset6_both is the IPv6
 * pipeline's exit for such a segment.
 */
#ifndef HYP_BPF_RESET6_H
#define HYP_BPF_RESET6_H

#include "pipeline6.h"
#include "reset.h"

#define RST6_L4_OFF (sizeof(struct ethhdr) + sizeof(struct ip6_hdr))
#define RST6_LEN    (RST6_L4_OFF + 20)

struct reset6_info {
	struct reset_info r; /* ports, MACs; seq, ack, seq_next filled from the segment */
	__u32 l4_off;	     /* the offending segment's TCP header */
	__u32 plen;	     /* its payload, SYN and FIN counted */
};

/* Ethernet, IPv6 and TCP headers of a bare RST|ACK, its TCP checksum. */
static __always_inline int write_rst6(struct __sk_buff *skb, const __u8 *dmac, const __u8 *smac,
				      const __u32 *saddr, const __u32 *daddr, __be16 sport,
				      __be16 dport, __u32 seq, __u32 ack)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct ip6_hdr *ip = data + sizeof(struct ethhdr);
	struct tcphdr *th = data + RST6_L4_OFF;
	struct {
		__u32 saddr[4], daddr[4];
		__be32 len;
		__u8 zero[3], nh;
	} ph = {};
	__s64 sum;

	if ((void *)(th + 1) > end)
		return -1;
	mac_copy(eth->h_dest, dmac);
	mac_copy(eth->h_source, smac);
	eth->h_proto = bpf_htons(ETH_P_IPV6);
	ip->vtcfl = bpf_htonl(6u << 28);
	ip->plen = bpf_htons(sizeof(struct tcphdr));
	ip->nexthdr = IPPROTO_TCP;
	ip->hlim = 64;
	__builtin_memcpy(ip->saddr, saddr, 16);
	__builtin_memcpy(ip->daddr, daddr, 16);
	__builtin_memset(th, 0, sizeof(*th));
	th->source = sport;
	th->dest = dport;
	th->seq = bpf_htonl(seq);
	th->ack_seq = bpf_htonl(ack);
	th->doff = 5;
	th->rst = 1;
	th->ack = 1;
	__builtin_memcpy(ph.saddr, saddr, 16);
	__builtin_memcpy(ph.daddr, daddr, 16);
	ph.len = bpf_htonl(sizeof(struct tcphdr));
	ph.nh = IPPROTO_TCP;
	sum = bpf_csum_diff(NULL, 0, (__be32 *)&ph, sizeof(ph), 0);
	if (sum < 0)
		return -1;
	sum = bpf_csum_diff(NULL, 0, (__be32 *)th, sizeof(*th), (__u32)sum);
	if (sum < 0)
		return -1;
	th->check = csum_fold32((__u32)sum);
	return 0;
}

/*
 * Global: verified on its own. The TC verdict: a redirect of the sender's
 * RST, or TC_ACT_SHOT when the packet cannot be read or reshaped.
 */
__noinline int tcp_reset6_both(struct __sk_buff *skb, struct reset6_info *ri)
{
	__u32 addr[8]; /* source, destination */
	__u8 h[12];    /* ports, seq, ack */
	__be16 sport, dport;

	if (!skb || !ri ||
	    bpf_skb_load_bytes(skb, sizeof(struct ethhdr) + 8, addr, sizeof(addr)) ||
	    bpf_skb_load_bytes(skb, ri->l4_off & 0xffff, h, sizeof(h)))
		return TC_ACT_SHOT;
	__builtin_memcpy(&sport, h, 2);
	__builtin_memcpy(&dport, h + 2, 2);
	ri->r.seq = (__u32)h[4] << 24 | (__u32)h[5] << 16 | (__u32)h[6] << 8 | h[7];
	ri->r.ack = (__u32)h[8] << 24 | (__u32)h[9] << 16 | (__u32)h[10] << 8 | h[11];
	ri->r.seq_next = ri->r.seq + ri->plen;
	if (bpf_skb_change_tail(skb, RST6_LEN, 0))
		return TC_ACT_SHOT;
	/* to the receiver: as if the sender reset, in its window */
	if (write_rst6(skb, ri->r.recv_mac, ri->r.sender_mac, addr, addr + 4, sport, dport,
		       ri->r.seq, ri->r.ack))
		return TC_ACT_SHOT;
	bpf_clone_redirect(skb, ri->r.recv_port, 0);
	/* back to the sender: as if the receiver reset */
	if (write_rst6(skb, ri->r.sender_mac, ri->r.recv_mac, addr + 4, addr, dport, sport,
		       ri->r.ack, ri->r.seq_next))
		return TC_ACT_SHOT;
	return bpf_redirect(skb->ifindex, 0);
}

/* The segment counts as dropped (inspect-match), then both ends get a RST. */
static __always_inline int reset6_both(struct pkt6 *c)
{
	struct __sk_buff *skb = c->skb;
	struct reset6_info ri = {};
	__u8 off;

	drop6(skb, c->ifindex, HYP_DROP_INSPECT_MATCH, c->port ? c->port->identity : 0);
	if (!c->ep || !c->port || bpf_skb_load_bytes(skb, c->l4.off + 12, &off, 1))
		return TC_ACT_SHOT;
	ri.r.recv_port = c->ep->port_ifindex;
	mac_copy(ri.r.sender_mac, c->port->mac);
	mac_copy(ri.r.recv_mac, c->ep->mac);
	ri.l4_off = c->l4.off;
	ri.plen = skb->len - c->l4.off - (off >> 4) * 4;
	ri.plen += (c->tcp_flags & (TCP_SYN | TCP_FIN)) ? 1 : 0;
	return tcp_reset6_both(skb, &ri);
}

#endif /* HYP_BPF_RESET6_H */
