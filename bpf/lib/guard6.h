/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The guard's IPv6 check (snic_guard.bpf.c): an IPv6 frame leaves the
 * container only from the SNIC's MAC and one of its two bound addresses
 * (global, link-local), or from :: as a DAD neighbour solicitation or a
 * router solicitation (RFC 4861 6.3.7: before it has an address), and
 * is stamped (stamp6.h) for the bridge to verify.
 */
#ifndef HYP_BPF_GUARD6_H
#define HYP_BPF_GUARD6_H

#include "ip6.h"
#include "stamp6.h"

#define ICMP6_RS 133
#define ICMP6_NS 135

/* A neighbour or router solicitation right after the fixed header (DAD's
 * form, an RS before the host has an address). */
static __always_inline int ip6_is_sol(struct __sk_buff *skb, const struct ip6_hdr *h)
{
	__u8 type = 0;

	return h->nexthdr == NH_ICMPV6 && !bpf_skb_load_bytes(skb, IP6_OFF + IP6_HLEN, &type, 1) &&
	       (type == ICMP6_NS || type == ICMP6_RS);
}

/* 0 when the frame may leave (then it is stamped), else a drop reason. */
static __always_inline int guard6_check(struct __sk_buff *skb, const struct hyp_guard *g,
					const struct hyp_guard6 *g6, struct ethhdr *eth, void *l3,
					void *end)
{
	struct ip6_hdr *h;

	if (!g6)
		return HYP_DROP_IP6_NO_BINDING;
	if (!mac_eq(eth->h_source, g->mac))
		return HYP_DROP_SPOOFED_SRC_MAC;
	if (ip6_parse(skb, l3, end, &h))
		return HYP_DROP_MALFORMED;
	if (!ip6_eq(h->saddr, g6->ip) && !ip6_eq(h->saddr, g6->ll) &&
	    !(ip6_is_zero(h->saddr) && ip6_is_sol(skb, h)))
		return HYP_DROP_IP6_SPOOFED_SRC;
	stamp_to_mac(stamp6_compute(skb, g->key, eth, h), eth->h_dest);
	return 0;
}

#endif /* HYP_BPF_GUARD6_H */
