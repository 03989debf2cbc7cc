/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * TCP resets for a flow payload inspection blocks: the offending segment
 * is cut to its headers and turned into a RST for the receiver (cloned
 * out of its port), then into a RST back to the sender. Both stacks close
 * the connection at once instead of retransmitting into a dead flow.
 * reset_both is the pipeline's exit for such a segment.
 */
#ifndef HYP_BPF_RESET_H
#define HYP_BPF_RESET_H

#include "pipeline.h"
#include "parse.h"
#include "drop.h"

#define L3_OFF	sizeof(struct ethhdr)
#define L4_OFF	(sizeof(struct ethhdr) + sizeof(struct iphdr))
#define RST_LEN (L4_OFF + 20)

struct reset_info {
	__u32 recv_port;    /* bridge port of the receiver */
	__u32 seq, ack;	    /* of the offending segment */
	__u32 seq_next;	    /* seq + payload + SYN/FIN: what the receiver expected next */
	__u8 sender_mac[6]; /* 4-byte aligned: mac_copy does word stores */
	__u8 pad[2];
	__u8 recv_mac[6];
	__u8 pad2[2];
};

static __always_inline __u16 csum_fold32(__u32 s)
{
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (__u16)~s;
}

/* Writes eth/IP/TCP headers of a bare RST|ACK and full checksums. */
static __always_inline int write_rst(struct __sk_buff *skb, const __u8 *dmac, const __u8 *smac,
				     __be32 saddr, __be32 daddr, __be16 sport, __be16 dport,
				     __u32 seq, __u32 ack)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + L3_OFF;
	struct tcphdr *th = data + L4_OFF;
	struct {
		__be32 saddr, daddr;
		__u8 zero, proto;
		__be16 len;
	} ph;
	__s64 sum;

	if ((void *)(th + 1) > end)
		return -1;
	mac_copy(eth->h_dest, dmac);
	mac_copy(eth->h_source, smac);
	ip->version = 4;
	ip->ihl = 5;
	ip->tos = 0;
	ip->tot_len = bpf_htons(sizeof(struct iphdr) + sizeof(struct tcphdr));
	ip->frag_off = bpf_htons(0x4000);
	ip->ttl = 64;
	ip->protocol = IPPROTO_TCP;
	ip->saddr = saddr;
	ip->daddr = daddr;
	ip->check = 0;
	sum = bpf_csum_diff(NULL, 0, (__be32 *)ip, sizeof(*ip), 0);
	if (sum < 0)
		return -1;
	ip->check = csum_fold32((__u32)sum);
	__builtin_memset(th, 0, sizeof(*th));
	th->source = sport;
	th->dest = dport;
	th->seq = bpf_htonl(seq);
	th->ack_seq = bpf_htonl(ack);
	th->doff = 5;
	th->rst = 1;
	th->ack = 1;
	ph.saddr = saddr;
	ph.daddr = daddr;
	ph.zero = 0;
	ph.proto = IPPROTO_TCP;
	ph.len = bpf_htons(sizeof(struct tcphdr));
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
 * Global: verified on its own. Returns the TC verdict: a redirect of the
 * sender's RST, or TC_ACT_SHOT when the packet cannot be reshaped.
 */
__noinline int tcp_reset_both(struct __sk_buff *skb, struct reset_info *ri)
{
	void *data, *end;
	struct iphdr *ip;
	struct tcphdr *th;
	__be32 saddr, daddr;
	__be16 sport, dport;

	if (!skb || !ri)
		return TC_ACT_SHOT;
	data = (void *)(long)skb->data;
	end = (void *)(long)skb->data_end;
	ip = data + L3_OFF;
	th = data + L4_OFF;
	if ((void *)(th + 1) > end)
		return TC_ACT_SHOT;
	saddr = ip->saddr;
	daddr = ip->daddr;
	sport = th->source;
	dport = th->dest;
	if (bpf_skb_change_tail(skb, RST_LEN, 0))
		return TC_ACT_SHOT;
	/* to the receiver: as if the sender reset, in its window */
	if (write_rst(skb, ri->recv_mac, ri->sender_mac, saddr, daddr, sport, dport, ri->seq,
		      ri->ack))
		return TC_ACT_SHOT;
	bpf_clone_redirect(skb, ri->recv_port, 0);
	/* back to the sender: as if the receiver reset */
	if (write_rst(skb, ri->sender_mac, ri->recv_mac, daddr, saddr, dport, sport, ri->ack,
		      ri->seq_next))
		return TC_ACT_SHOT;
	return bpf_redirect(skb->ifindex, 0);
}

/* The segment counts as dropped (inspect-match), then both ends get a RST. */
static __always_inline int reset_both(struct pkt_ctx *ctx)
{
	struct __sk_buff *skb = ctx->skb;
	const struct flow *f = &ctx->flow;
	const struct hyp_endpoint *ep = ctx->ep;
	struct reset_info ri = {};
	__u32 len = skb->len - (sizeof(struct ethhdr) + sizeof(struct iphdr) + f->l4_len);
	__u8 hdr[8];

	drop(ctx, HYP_DROP_INSPECT_MATCH);
	if (!ep || bpf_skb_load_bytes(skb, sizeof(struct ethhdr) + sizeof(struct iphdr) + 4, hdr, 8))
		return TC_ACT_SHOT; /* no ep: a remote receiver (cluster), only dropped */
	ri.recv_port = ep->port_ifindex;
	mac_copy(ri.sender_mac, ctx->port->mac);
	mac_copy(ri.recv_mac, ep->mac);
	ri.seq = (__u32)hdr[0] << 24 | (__u32)hdr[1] << 16 | (__u32)hdr[2] << 8 | hdr[3];
	ri.ack = (__u32)hdr[4] << 24 | (__u32)hdr[5] << 16 | (__u32)hdr[6] << 8 | hdr[7];
	ri.seq_next = ri.seq + len + ((f->tcp_flags & (TCP_SYN | TCP_FIN)) ? 1 : 0);
	return tcp_reset_both(skb, &ri);
}

#endif /* HYP_BPF_RESET_H */
