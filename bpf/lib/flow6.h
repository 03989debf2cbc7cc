/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Destination and flow of an IPv6 packet (dest.h, flow.h, related.h for
 * the IPv4 model): a known endpoint on another port, unicast; the flow's
 * ports or ICMPv6 echo id; an ICMPv6 error passes only about a tracked
 * flow of its two ends. Multicast, link-local and gateway destinations,
 * unknown pool addresses and the sender's own port are dropped; an
 * address outside the pool goes to the world through the uplink when it
 * has IPv6 (uplink6_out.h: routed), else it is dropped (ip6-outside): no
 * NAT66. Another cluster node's endpoint goes through the overlay
 * (dest6_remote, overlay6_out.h); the rest of its /64 is unknown-dst.
 */
#ifndef HYP_BPF_FLOW6_H
#define HYP_BPF_FLOW6_H

#include "pipeline6.h"
#include "ct6.h"
#include "uplink6_out.h"
#include "maps_overlay.h"

/* Before the stamp stage (it tells a missing stamp by the endpoint's MAC). */
static __always_inline void dest6_lookup(struct pkt6 *c)
{
	struct hyp_ep6_key k;

	ip6_copy(k.ip, c->ip6->daddr);
	c->ep = bpf_map_lookup_elem(&hyp_endpoints6, &k);
}

/* daddr in the pool (prefixlen <= 128) */
static __always_inline int ip6_in_pool(const struct hyp_config6 *g, const __u32 *a)
{
	__u32 plen = g->prefixlen;

#pragma unroll
	for (int i = 0; i < 4; i++) {
		__u32 bits = plen > 32 ? 32 : plen, mask;

		if (!bits)
			return 1;
		mask = bits == 32 ? 0xffffffffu : ~(0xffffffffu >> bits);
		if ((bpf_ntohl(a[i]) & mask) != (bpf_ntohl(g->net[i]) & mask))
			return 0;
		plen -= bits;
	}
	return 1;
}

/* Outside the pool: another node's endpoint, as etcd published it
 * (hyp_ovl_eps6), is reached through the overlay; any other address of
 * another node's /64 is unknown-dst (nothing sent on a guess, never
 * routed out in the clear); the rest is the world. */
static __always_inline int dest6_remote(struct pkt6 *c)
{
	const struct hyp_ovl_ep *r;
	struct hyp_ep6_key k;

	ip6_copy(k.ip, c->ip6->daddr);
	r = bpf_map_lookup_elem(&hyp_ovl_eps6, &k);
	if (r && r->node) {
		c->ovl_node = (__u16)r->node;
		c->src_id = c->port->identity;
		c->dst_id = r->identity;
		return 0;
	}
	if (ovl_route6(c->ip6->daddr))
		return HYP_DROP_UNKNOWN_DST;
	return dest6_outside(c);
}

static __always_inline int dest6_stage(struct pkt6 *c)
{
	const __u32 *d = c->ip6->daddr;

	if (ip6_is_mcast(d))
		return HYP_DROP_IP6_MCAST;
	if (ip6_eq(d, c->cfg6->gw_ip) || ip6_eq(d, c->cfg6->gw_ll))
		return HYP_DROP_TO_GATEWAY;
	if (ip6_is_linklocal(d))
		return HYP_DROP_IP6_LINKLOCAL;
	/* a router forwards no link-local source off its link (RFC 4291
	 * 2.5.6): the port's link-local is for ND and RS with the gateway */
	if (ip6_is_linklocal(c->ip6->saddr))
		return HYP_DROP_IP6_LINKLOCAL;
	if (!c->ep)
		return ip6_in_pool(c->cfg6, d) ? HYP_DROP_UNKNOWN_DST : dest6_remote(c);
	if (c->ep->port_ifindex == c->ifindex)
		return HYP_DROP_HAIRPIN;
	c->src_id = c->port->identity;
	c->dst_id = c->ep->identity;
	return 0;
}

/* The flow key and TCP flags (fragments never get here: ip6_walk). */
static __always_inline int flow6_stage(struct pkt6 *c)
{
	__u8 l4[14] = {};
	__u32 off = c->l4.off;

	ip6_copy(c->key.saddr, c->ip6->saddr);
	ip6_copy(c->key.daddr, c->ip6->daddr);
	c->key.proto = c->l4.proto;
	switch (c->l4.proto) {
	case IPPROTO_TCP:
		if (ip6_l4_bytes(c->skb, off, l4, 14))
			return HYP_DROP_MALFORMED;
		c->tcp_flags = l4[13];
		break;
	case IPPROTO_UDP:
	case IPPROTO_SCTP:
		if (ip6_l4_bytes(c->skb, off, l4, 4))
			return HYP_DROP_MALFORMED;
		break;
	case NH_ICMPV6:
		if (ip6_l4_bytes(c->skb, off, l4, 8))
			return HYP_DROP_MALFORMED;
		c->key.sport = c->key.dport = (__u16)(l4[4] << 8 | l4[5]);
		return 0;
	default:
		return 0;
	}
	c->key.sport = (__u16)(l4[0] << 8 | l4[1]);
	c->key.dport = (__u16)(l4[2] << 8 | l4[3]);
	return 0;
}

/* ICMPv6 errors: unreachable, packet too big, time exceeded, parameter problem. */
static __always_inline int icmp6_is_error(const struct pkt6 *c)
{
	return c->l4.proto == NH_ICMPV6 && c->icmp_type >= 1 && c->icmp_type <= 4;
}

/*
 * The flow the error quotes (its IPv6 header right after the ICMPv6 one,
 * no extension headers) went from the error's receiver to its sender (any
 * sender when on_path: a router on the way to the outside), and is
 * tracked, live and checked against the policy in force. A function of
 * its own: its buffers stay off the pipeline's stack.
 */
static __noinline int related6(struct __sk_buff *skb, __u32 off, const struct hyp_ct6_key *pkt,
			       __u32 rev, __u32 on_path)
{
	struct hyp_ct6_key k = {};
	struct hyp_ct_val *v;
	__u8 q[8], l4[8];
	__u64 now = bpf_ktime_get_ns();

	if (!skb || !pkt)
		return HYP_DROP_ICMP_UNRELATED;
	off += 8;
	if (bpf_skb_load_bytes(skb, off, q, sizeof(q)) ||
	    bpf_skb_load_bytes(skb, off + 8, k.saddr, 32) ||
	    bpf_skb_load_bytes(skb, off + IP6_HLEN, l4, sizeof(l4)))
		return HYP_DROP_MALFORMED;
	k.proto = q[6];
	if (q[0] >> 4 != 6 || !ip6_eq(k.saddr, pkt->daddr) ||
	    (!on_path && !ip6_eq(k.daddr, pkt->saddr)))
		return HYP_DROP_ICMP_UNRELATED;
	if (k.proto == IPPROTO_TCP || k.proto == IPPROTO_UDP || k.proto == IPPROTO_SCTP) {
		k.sport = (__u16)(l4[0] << 8 | l4[1]);
		k.dport = (__u16)(l4[2] << 8 | l4[3]);
	} else if (k.proto == NH_ICMPV6 && (l4[0] == ICMP6_ECHO || l4[0] == ICMP6_ECHO_REPLY)) {
		k.sport = k.dport = (__u16)(l4[4] << 8 | l4[5]);
	} else {
		return HYP_DROP_ICMP_UNRELATED; /* an extension header, an error about an error */
	}
	v = bpf_map_lookup_elem(&hyp_ct6, &k);
	if (!v) {
		struct hyp_ct6_key r;

		ct6_reverse(&k, &r);
		v = bpf_map_lookup_elem(&hyp_ct6, &r);
	}
	if (!v || (now > v->last_seen && now - v->last_seen > ct6_timeout(v, k.proto)) ||
	    v->rev != rev)
		return HYP_DROP_ICMP_UNRELATED;
	return 0;
}

#endif /* HYP_BPF_FLOW6_H */
