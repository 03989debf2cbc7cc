/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Neighbour discovery, closed as ARP is (arp.h): the bridge answers every
 * neighbour solicitation for the gateway and for an endpoint on another
 * port itself, with a neighbour advertisement carrying the right MAC, and
 * floods nothing. A container's NA, RA, redirect and RS, and MLD, go
 * nowhere (there is nobody they could be for: the bridge knows every
 * binding). A DAD solicitation (source ::) for the port's own address is
 * absorbed: nobody answers it, so the container's DAD succeeds and no
 * neighbour can deny it the address. RFC 4861 4.3, 4.4, 7.1.
 */
#ifndef HYP_BPF_ND_H
#define HYP_BPF_ND_H

#include "pipeline6.h"
#include "icmp6_tx.h"

#define ICMP6_MLD_QUERY	 130
#define ICMP6_MLD_REPORT 131
#define ICMP6_MLD_DONE	 132
#define ICMP6_RS	 133
#define ICMP6_RA	 134
#define ICMP6_NS	 135
#define ICMP6_NA	 136
#define ICMP6_REDIRECT	 137
#define ICMP6_MLD2_REPORT 143
#define ND_OPT_SLLA	 1
#define ND_OPT_TLLA	 2
#define NA_F_ROUTER	 0x80000000u
#define NA_F_SOLICITED	 0x40000000u
#define NA_F_OVERRIDE	 0x20000000u

/* An ND or MLD message (handled here, never forwarded). */
static __always_inline int icmp6_is_nd(const struct pkt6 *c)
{
	__u8 t = c->icmp_type;

	return c->l4.proto == NH_ICMPV6 &&
	       ((t >= ICMP6_MLD_QUERY && t <= ICMP6_REDIRECT) || t == ICMP6_MLD2_REPORT);
}

/* The MAC the bridge answers for target, or NULL (c->ep: the endpoint). */
static __always_inline const __u8 *nd_answer(struct pkt6 *c, const __u32 *target)
{
	const struct hyp_config6 *g = c->cfg6;
	struct hyp_ep6_key k;

	c->ep = NULL;
	if (ip6_eq(target, g->gw_ip) || ip6_eq(target, g->gw_ll))
		return c->cfg->gw_mac;
	ip6_copy(k.ip, target);
	c->ep = bpf_map_lookup_elem(&hyp_endpoints6, &k);
	if (!c->ep || c->ep->port_ifindex == c->ifindex)
		return NULL;
	return c->ep->mac;
}

/* The solicitation's source link-layer option, if any, is the port's MAC. */
static __always_inline int nd_slla_ok(const struct pkt6 *c)
{
	__u8 opt[8];

	if (bpf_ntohs(c->ip6->plen) < 24 + 8)
		return 1;
	if (bpf_skb_load_bytes(c->skb, c->l4.off + 24, opt, 8))
		return 0;
	if (opt[0] != ND_OPT_SLLA)
		return 1;
	if (opt[1] != 1)
		return 0;
#pragma unroll
	for (int i = 0; i < ETH_ALEN; i++) /* byte by byte: opt + 2 is not aligned */
		if (opt[2 + i] != c->port->mac[i])
			return 0;
	return 1;
}

/* 0: an NS the bridge answers (target in *target); else the drop reason. */
static __always_inline int nd_stage(struct pkt6 *c, __u32 *target)
{
	const struct hyp_port6 *p6 = c->port6;

	switch (c->icmp_type) {
	case ICMP6_NA:
		return HYP_DROP_ND_NA;
	case ICMP6_RA:
		return HYP_DROP_ND_RA;
	case ICMP6_REDIRECT:
		return HYP_DROP_ND_REDIRECT;
	case ICMP6_RS:
		return HYP_DROP_ND_RS;
	case ICMP6_NS:
		break;
	default:
		return HYP_DROP_MLD;
	}
	/* RFC 4861 7.1.1: hop limit 255 (not forwarded), code 0, 24 bytes or more,
	 * right after the fixed header */
	if (c->ip6->hlim != 255 || c->icmp_code || bpf_ntohs(c->ip6->plen) < 24 ||
	    c->l4.off != IP6_OFF + IP6_HLEN)
		return HYP_DROP_ND_INVALID;
	if (bpf_skb_load_bytes(c->skb, c->l4.off + 8, target, 16))
		return HYP_DROP_MALFORMED;
	if (ip6_is_mcast(target))
		return HYP_DROP_ND_INVALID;
	if (ip6_is_zero(c->ip6->saddr)) /* DAD: only for its own address, never answered */
		return ip6_eq(target, p6->ip) || ip6_eq(target, p6->ll) ? HYP_DROP_ND_DAD
									: HYP_DROP_ND_SPOOF;
	if (!nd_slla_ok(c))
		return HYP_DROP_ND_SPOOF;
	return nd_answer(c, target) ? 0 : HYP_DROP_ND_UNKNOWN_TARGET;
}

/* The advertisement, whole (icmp6_tx.h): the head, then the NA with the
 * target's MAC. */
struct na_frame {
	struct icmp6_head h;
	__be32 flags;
	__u32 target[4];
	__u8 opt, optlen, mac[6];
};
#define NA_LEN (sizeof(struct na_frame) - 2)

/*
 * Answers the solicitation: the frame becomes the advertisement (its size
 * set to the NA's), sent back out of its port. A function of its own
 * (only solicitations get here): its frame stays off the pipeline's stack.
 */
static __noinline int na_reply(const struct pkt6 *c, const __u32 *target)
{
	struct na_frame f = {};
	const __u8 *mac = c->ep ? c->ep->mac : c->cfg->gw_mac;
	int verdict;

	icmp6_head_init(&f.h, NA_LEN, c->port->mac, mac, target, c->ip6->saddr, ICMP6_NA);
	f.flags = bpf_htonl(NA_F_SOLICITED | NA_F_OVERRIDE | (c->ep ? 0 : NA_F_ROUTER));
	ip6_copy(f.target, target);
	f.opt = ND_OPT_TLLA;
	f.optlen = 1;
	__builtin_memcpy(f.mac, mac, ETH_ALEN);
	verdict = icmp6_send(c->skb, &f.h, NA_LEN, c->ifindex);
	if (verdict != TC_ACT_SHOT)
		stat_add(c->ifindex, HYP_STAT_ARP_REPLY, NA_LEN);
	return verdict;
}

#endif /* HYP_BPF_ND_H */
