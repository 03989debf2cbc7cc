/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The uplink's IPv6 (routed, abi_ip6.h struct hyp_uplink6): a program of
 * its own, tail-called by hyp_uplink_ingress on the ethertype. From the
 * outside: neighbour discovery about the uplink's own addresses goes to
 * the bridge netns's kernel (it answers for them and learns its next
 * hop), as ARP about the uplink address does; an NA claiming one of our
 * addresses, or not addressed to us, any other ND, RS, MLD, RA and
 * redirects stay out. A packet with a source of ours (the pool6, the
 * uplink's) is dropped. Anything else must be for an endpoint of the
 * pool6: a reply of a flow it opened, an ICMPv6 error about such a flow
 * (a router's packet too big lowers its path MTU), or a new flow to a
 * routed-mode SNIC; conntrack, policy (the source is the world) and
 * inspection as any packet, then into the SNIC from the gateway's MAC.
 */
#ifndef HYP_BPF_UPLINK6_H
#define HYP_BPF_UPLINK6_H

#include "pipeline6.h"
#include "maps_uplink.h"
#include "nd.h"
#include "flow6.h"
#include "ct6.h"
#include "policy6.h"
#include "inspect6.h"

/* The uplink's two tables, the bridge's IPv6 config and the policy word. */
static __always_inline int uplink6_port_stage(struct pkt6 *c, const struct hyp_uplink6 **up6)
{
	__u32 ifindex = c->skb->ifindex, zero = 0;
	const struct hyp_uplink *u = uplink_get();
	union {
		__u64 word;
		struct {
			__u32 gen, rev;
		};
	} policy;

	c->ifindex = ifindex;
	stat_add(ifindex, HYP_STAT_RX, c->skb->len);
	c->cfg = bpf_map_lookup_elem(&hyp_config, &zero);
	if (!u || u->ifindex != ifindex || !c->cfg)
		return HYP_DROP_NO_PORT;
	*up6 = uplink6_get();
	c->cfg6 = bpf_map_lookup_elem(&hyp_config6, &zero);
	if (!*up6 || !c->cfg6 || !c->cfg6->prefixlen)
		return HYP_DROP_IPV6; /* no IPv6 through this uplink */
	policy.word = *(volatile const __u64 *)&c->cfg->policy;
	c->gen = policy.gen & 1;
	c->rev = policy.rev;
	return 0;
}

static __always_inline int uplink6_ours(const struct hyp_uplink6 *u6, const __u32 *a)
{
	return ip6_eq(a, u6->ip) || ip6_eq(a, u6->ll);
}

/* Never from an address of ours, never from a multicast one. */
static __always_inline int uplink6_source_stage(const struct pkt6 *c, const struct hyp_uplink6 *u6)
{
	const __u32 *s = c->ip6->saddr;

	if (uplink6_ours(u6, s) || ip6_in_pool(c->cfg6, s) || ip6_is_mcast(s))
		return HYP_DROP_UPLINK_SPOOF;
	return 0;
}

/*
 * ND from the outside, checked as ARP is (uplink.h): an NS for one of the
 * uplink's addresses, or an NA to the uplink about another address (the
 * answer to its own NS: its next hop) goes to the kernel (0). An NA
 * claiming an address of ours is a spoof; RAs and redirects are never
 * taken; anything else is not about us.
 */
static __always_inline int uplink6_nd_stage(const struct pkt6 *c, const struct hyp_uplink6 *u6)
{
	__u32 target[4];
	__u8 t = c->icmp_type;

	if (t == ICMP6_RA || t == ICMP6_REDIRECT)
		return HYP_DROP_UPLINK_RA;
	if (t != ICMP6_NS && t != ICMP6_NA)
		return HYP_DROP_UPLINK_ND; /* RS, MLD: nothing for the outside here */
	if (c->ip6->hlim != 255 || c->icmp_code)
		return HYP_DROP_ND_INVALID;
	if (bpf_skb_load_bytes(c->skb, c->l4.off + 8, target, 16))
		return HYP_DROP_MALFORMED;
	if (t == ICMP6_NS)
		return uplink6_ours(u6, target) ? 0 : HYP_DROP_UPLINK_ND;
	if (uplink6_ours(u6, target) || ip6_in_pool(c->cfg6, target))
		return HYP_DROP_UPLINK_SPOOF;
	return uplink6_ours(u6, c->ip6->daddr) ? 0 : HYP_DROP_UPLINK_ND;
}

/* An endpoint of the pool6 (its port, for the conntrack charge); the
 * uplink's own addresses take nothing but ND. */
static __always_inline int uplink6_dest_stage(struct pkt6 *c, const struct hyp_uplink6 *u6)
{
	const __u32 *d = c->ip6->daddr;
	struct hyp_ep6_key k;
	__u32 pidx;

	if (uplink6_ours(u6, d))
		return HYP_DROP_UPLINK_TO_BRIDGE;
	/* the fabric's link-locals (ND, above) go no further (RFC 4291 2.5.6):
	 * one reaching a SNIC would pose as a neighbour on its link */
	if (ip6_is_linklocal(c->ip6->saddr))
		return HYP_DROP_IP6_LINKLOCAL;
	if (ip6_is_mcast(d))
		return HYP_DROP_IP6_MCAST;
	ip6_copy(k.ip, d);
	c->ep = bpf_map_lookup_elem(&hyp_endpoints6, &k);
	if (!c->ep)
		return ip6_in_pool(c->cfg6, d) ? HYP_DROP_UNKNOWN_DST : HYP_DROP_UPLINK_NOT_OURS;
	pidx = c->ep->port_ifindex;
	c->port = bpf_map_lookup_elem(&hyp_ports, &pidx);
	if (!c->port)
		return HYP_DROP_NO_PORT;
	c->src_id = HYP_ID_WORLD;
	c->dst_id = c->ep->identity;
	return 0;
}

/* ICMPv6 from the outside: echo, and errors (about a tracked flow). */
static __always_inline int uplink6_icmp_ok(const struct pkt6 *c)
{
	__u8 t = c->icmp_type;

	return c->l4.proto != NH_ICMPV6 || (t >= 1 && t <= 4) || t == ICMP6_ECHO ||
	       t == ICMP6_ECHO_REPLY;
}

/* A new flow from the outside is for a routed-mode SNIC only. */
static __always_inline int uplink6_admit_stage(const struct pkt6 *c)
{
	if (!c->ct && !(c->ep->flags & HYP_EP_F_ROUTED))
		return HYP_DROP_UPLINK_NOT_OURS;
	return 0;
}

/* Into the SNIC's container, as from the gateway. */
static __always_inline int uplink6_to_snic(const struct pkt6 *c, __u32 stat)
{
	int err;

	mac_copy(c->eth->h_dest, c->ep->mac);
	mac_copy(c->eth->h_source, c->cfg->gw_mac);
	err = hop6_forward(c->skb); /* a router's hop (uplink6_out.h); c->eth is stale after it */
	if (err)
		return drop6(c->skb, c->ifindex, err, HYP_ID_WORLD);
	stat_add(c->ifindex, stat, c->skb->len);
	return bpf_redirect_peer(c->ep->port_ifindex, 0);
}

#endif /* HYP_BPF_UPLINK6_H */
