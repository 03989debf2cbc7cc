/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * ICMP errors from the outside about a translated flow (a router's
 * fragmentation needed, a host's port unreachable): the error quotes the
 * packet as it left, from the uplink address and the translated port. It
 * is translated back, outer destination and quoted source (address, port
 * or echo id, the quoted IPv4 checksum, the ICMP checksum over all of
 * them), and goes to the SNIC of that flow when the flow is tracked and
 * live; any other error is dropped (icmp-unrelated). Path MTU discovery
 * through the uplink works this way. The quoted L4 checksum is left as
 * it is (no stack checks it).
 */
#ifndef HYP_BPF_NAT_ICMP_H
#define HYP_BPF_NAT_ICMP_H

#include "pipeline.h"
#include "conntrack.h"
#include "nat.h"
#include "publish.h"

#define ICMP_CSUM     (NAT_L4_OFF + 2)
#define ICMP_INNER_IP (NAT_L4_OFF + 8)
#define ICMP_INNER_L4 (ICMP_INNER_IP + 20)

/* Where the quoted packet's flow lives: the SNIC's address and port (to),
 * the quoted source port (from) and the flow's conntrack key; 0 or a reason. */
static __always_inline int nat_icmp_lookup(const struct iphdr *in, const __u8 *l4, __be32 uip,
					   struct hyp_nat_val *to, __u16 *from,
					   struct hyp_ct_key *ck)
{
	struct flow q = {};

	if (in->ihl != 5 || in->saddr != uip || (in->frag_off & bpf_htons(IP_OFFSET)))
		return HYP_DROP_ICMP_UNRELATED;
	q.key.proto = in->protocol;
	q.key.saddr = in->daddr; /* as a reply would carry it */
	if (in->protocol == IPPROTO_ICMP) {
		if (l4[0] != ICMP_ECHO)
			return HYP_DROP_ICMP_UNRELATED;
		q.key.sport = q.key.dport = (__u16)(l4[4] << 8 | l4[5]);
	} else {
		q.key.sport = (__u16)(l4[2] << 8 | l4[3]);
		q.key.dport = (__u16)(l4[0] << 8 | l4[1]);
	}
	*from = q.key.dport;
	__builtin_memset(ck, 0, sizeof(*ck));
	ck->proto = in->protocol;
	if (snat_back_lookup(&q, to)) { /* the SNIC opened it */
		ck->saddr = to->addr;
		ck->daddr = in->daddr;
		ck->sport = to->port;
		ck->dport = in->protocol == IPPROTO_ICMP ? to->port : q.key.sport;
		return 0;
	}
	if (publish_lookup(&q, to)) { /* the outside peer opened it */
		ck->saddr = in->daddr;
		ck->daddr = to->addr;
		ck->sport = q.key.sport;
		ck->dport = to->port;
		return 0;
	}
	return HYP_DROP_ICMP_UNRELATED;
}

/* Rewrites the error for the SNIC; 0 or -1. */
static __always_inline int nat_icmp_rewrite(struct __sk_buff *skb, __be32 uip, __be32 to,
					    __u8 proto, __u16 from, __u16 to_port)
{
	__u32 poff = ICMP_INNER_L4 + (proto == IPPROTO_ICMP ? ICMP_ECHO_ID : 0);
	__be16 op = bpf_htons(from), np = bpf_htons(to_port), oc, nc;

	if (bpf_l3_csum_replace(skb, NAT_IP_CSUM, uip, to, 4) ||
	    bpf_skb_store_bytes(skb, NAT_IP_DADDR, &to, 4, 0))
		return -1;
	if (bpf_skb_load_bytes(skb, ICMP_INNER_IP + 10, &oc, 2) ||
	    bpf_l3_csum_replace(skb, ICMP_INNER_IP + 10, uip, to, 4) ||
	    bpf_skb_load_bytes(skb, ICMP_INNER_IP + 10, &nc, 2) ||
	    bpf_skb_store_bytes(skb, ICMP_INNER_IP + 12, &to, 4, 0))
		return -1;
	if (bpf_l4_csum_replace(skb, ICMP_CSUM, uip, to, 4) ||
	    bpf_l4_csum_replace(skb, ICMP_CSUM, oc, nc, 2))
		return -1;
	if (bpf_skb_store_bytes(skb, poff, &np, 2, 0) ||
	    bpf_l4_csum_replace(skb, ICMP_CSUM, op, np, 2))
		return -1;
	return 0;
}

/*
 * 0: the error is translated, *snic is the address of its SNIC; else the
 * drop reason. A function of its own (only ICMP errors get here): its
 * buffers stay off the packet path's stack.
 */
static __noinline int nat_icmp_back(struct __sk_buff *skb, __be32 uip, __be32 *snic)
{
	struct iphdr in;
	__u8 l4[8];
	struct hyp_nat_val to;
	struct hyp_ct_key ck;
	struct hyp_ct_val *v;
	__u64 now = bpf_ktime_get_ns();
	__u16 from;
	int err;

	if (!snic || bpf_skb_load_bytes(skb, ICMP_INNER_IP, &in, sizeof(in)) ||
	    bpf_skb_load_bytes(skb, ICMP_INNER_L4, l4, sizeof(l4)))
		return HYP_DROP_MALFORMED;
	err = nat_icmp_lookup(&in, l4, uip, &to, &from, &ck);
	if (err)
		return err;
	v = bpf_map_lookup_elem(&hyp_ct, &ck);
	if (!v || (now > v->last_seen && now - v->last_seen > ct_timeout(v, ck.proto)))
		return HYP_DROP_ICMP_UNRELATED;
	if (nat_icmp_rewrite(skb, uip, to.addr, in.protocol, from, to.port))
		return HYP_DROP_MALFORMED;
	*snic = to.addr;
	return 0;
}

/* The error, translated, for its SNIC (uplink_deliver_to next); 0 or a reason. */
static __always_inline int nat_icmp_stage(struct pkt_ctx *ctx, const struct hyp_uplink *u)
{
	__be32 snic = 0;
	int err = nat_icmp_back(ctx->skb, u->ip, &snic);

	if (err)
		return err;
	ctx->flow.key.daddr = snic;
	return 0;
}

#endif /* HYP_BPF_NAT_ICMP_H */
