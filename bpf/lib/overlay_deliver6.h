/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Overlay delivery of an inner IPv6 packet (overlay_deliver.h for IPv4):
 * decapsulated, authenticated, its source in the sending node's /64, it
 * enters the bridge's IPv6 stages (headers and extension headers with a
 * port's bounds, conntrack, policy6, inspection) with the authenticated
 * identity as its source; the destination must be an IPv6 endpoint here.
 * New flows are charged to the receiving endpoint's quota.
 */
#ifndef HYP_BPF_OVERLAY_DELIVER6_H
#define HYP_BPF_OVERLAY_DELIVER6_H

#include "pipeline6.h"
#include "flow6.h"
#include "ct6.h"
#include "policy6.h"
#include "inspect6.h"

/* The context of the decapsulated frame: configs, headers, the endpoint
 * it is for and its port; 0 or a drop reason. */
static __always_inline int ovl_deliver6_stage(struct pkt6 *c, __u32 identity)
{
	__u32 zero = 0, port;
	struct hyp_ep6_key k;
	union {
		__u64 word;
		struct {
			__u32 gen, rev;
		};
	} policy;
	int err;

	c->ifindex = c->skb->ifindex;
	c->cfg = bpf_map_lookup_elem(&hyp_config, &zero);
	c->cfg6 = bpf_map_lookup_elem(&hyp_config6, &zero);
	if (!c->cfg || !c->cfg6 || !c->cfg6->prefixlen)
		return HYP_DROP_IP6_NO_BINDING;
	err = parse6_stage(c); /* Ethernet, IPv6, extension headers (a port's bounds) */
	if (err)
		return err;
	ip6_copy(k.ip, c->ip6->daddr);
	c->ep = bpf_map_lookup_elem(&hyp_endpoints6, &k);
	if (!c->ep || !c->ep->port_ifindex)
		return HYP_DROP_UNKNOWN_DST;
	port = c->ep->port_ifindex;
	c->port = bpf_map_lookup_elem(&hyp_ports, &port);
	if (!c->port)
		return HYP_DROP_UNKNOWN_DST;
	policy.word = *(volatile const __u64 *)&c->cfg->policy;
	c->gen = policy.gen & 1;
	c->rev = policy.rev;
	c->src_id = identity;
	c->dst_id = c->ep->identity;
	mac_copy(c->eth->h_source, c->cfg->gw_mac);
	return 0;
}

/* Past delivery: the ICMPv6 types carried, the flow, conntrack, policy6
 * and inspection, as a port's packet; 0 or a drop reason. */
static __always_inline int ovl_stages6(struct pkt6 *c)
{
	int err;

	if (c->l4.proto == NH_ICMPV6 &&
	    ((c->icmp_type < 128 && !icmp6_is_error(c)) || c->icmp_type > ICMP6_ECHO_REPLY))
		return HYP_DROP_ICMP6_TYPE;
	err = flow6_stage(c);
	if (err)
		return err;
	if (icmp6_is_error(c))
		return related6(c->skb, c->l4.off, &c->key, c->rev, 0);
	err = ct6_lookup_stage(c);
	if (!err)
		err = policy6_stage(c); /* with the authenticated identity */
	if (err)
		return err;
	inspect6_plan(c);
	err = ct6_commit_stage(c);
	if (!err)
		err = inspect6_stage(c);
	return err;
}

#endif /* HYP_BPF_OVERLAY_DELIVER6_H */
