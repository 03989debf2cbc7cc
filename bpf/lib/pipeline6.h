/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The bridge port's IPv6 pipeline (ingress6.h), its per-packet context
 * and its first stages: the port's IPv6 binding, the headers, the source,
 * the stamp. A program of its own, tail-called from the IPv4 one on the
 * ethertype, so IPv4 frames pay nothing for IPv6 and each program has its
 * own stack. Its one drop exit is drop6().
 */
#ifndef HYP_BPF_PIPELINE6_H
#define HYP_BPF_PIPELINE6_H

#include "pipeline.h"
#include "ip6.h"
#include "stamp6.h"
#include "stamp_verify.h"
#include "maps_bridge.h"
#include "maps_ip6.h"
#include "counters.h"
#include "maps_counters.h"
#include "stats.h"
#include "events6.h"

struct pkt6 {
	struct __sk_buff *skb;
	__u32 ifindex;
	const struct hyp_port *port;
	const struct hyp_port6 *port6;
	const struct hyp_config *cfg;
	const struct hyp_config6 *cfg6;
	__u32 gen, rev;
	struct ethhdr *eth;
	struct ip6_hdr *ip6;
	struct ip6_l4 l4;
	__u8 icmp_type, icmp_code;
	__u8 tcp_flags;
	__u8 reply, check;
	__u8 insp; /* HYP_CT_I_*: the inspections a checked flow pays for (inspect6.h) */
	__u8 out;  /* to the outside, through the uplink (uplink6_out.h) */
	__u16 ovl_node; /* another node's endpoint: that node (flow6.h dest6_remote) */
	const struct hyp_endpoint *ep; /* the destination endpoint */
	__u32 src_id, dst_id;
	struct hyp_ct6_key key; /* this packet's flow, as it goes */
	struct hyp_ct_val *ct;
	__u64 now;
};

/* The one drop exit of the IPv6 pipeline: counted per port and reason, in
 * the port's drop total, and a drop event with the frame's IPv6 header's
 * addresses (events6.h). */
static __noinline int drop6(struct __sk_buff *skb, __u32 ifindex, __u32 reason, __u32 src_id)
{
	struct hyp_drop_key k = {.ifindex = ifindex, .reason = reason};
	struct hyp_flow_event6 *e;

	if (!skb)
		return TC_ACT_SHOT;
	counter_add(&hyp_drops, &k, skb->len);
	stat_add(ifindex, HYP_STAT_DROP, skb->len);
	e = ev6_reserve(ifindex, HYP_EV_DROP, HYP_EVCFG_DROPS);
	if (e) {
		ev6_headers(e, skb);
		e->e.ifindex = ifindex;
		e->e.len = skb->len;
		e->e.src_id = src_id;
		e->e.reason = reason;
		ev6_submit(e);
	}
	return TC_ACT_SHOT;
}

static __always_inline int port6_stage(struct pkt6 *c)
{
	__u32 ifindex = c->skb->ifindex, zero = 0;
	union {
		__u64 word;
		struct {
			__u32 gen, rev;
		};
	} policy;

	c->ifindex = ifindex;
	stat_add(ifindex, HYP_STAT_RX, c->skb->len); /* received, as port_stage counts IPv4 */
	c->port = bpf_map_lookup_elem(&hyp_ports, &ifindex);
	c->cfg = bpf_map_lookup_elem(&hyp_config, &zero);
	if (!c->port || !c->cfg)
		return HYP_DROP_NO_PORT;
	c->port6 = bpf_map_lookup_elem(&hyp_ports6, &ifindex);
	c->cfg6 = bpf_map_lookup_elem(&hyp_config6, &zero);
	if (!c->port6 || !c->cfg6 || !c->cfg6->prefixlen)
		return HYP_DROP_IP6_NO_BINDING;
	policy.word = *(volatile const __u64 *)&c->cfg->policy;
	c->gen = policy.gen & 1;
	c->rev = policy.rev;
	return 0;
}

/* Ethernet, the IPv6 header, the extension headers; the ICMPv6 type. */
static __always_inline int parse6_stage(struct pkt6 *c)
{
	struct __sk_buff *skb = c->skb;
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	__u8 t[2];
	int err;

	c->eth = data;
	if ((void *)(c->eth + 1) > end)
		return HYP_DROP_MALFORMED;
	/* dispatched on skb->protocol: the frame must say so too, untagged */
	if (skb->vlan_present)
		return HYP_DROP_VLAN;
	if (c->eth->h_proto != bpf_htons(ETH_P_IPV6))
		return HYP_DROP_ETHERTYPE;
	if (ip6_parse(skb, c->eth + 1, end, &c->ip6))
		return HYP_DROP_MALFORMED;
	err = ip6_walk(skb, c->ip6, &c->l4);
	if (err)
		return err;
	if (c->l4.proto == NH_ICMPV6) {
		if (ip6_l4_bytes(skb, c->l4.off, t, 2))
			return HYP_DROP_MALFORMED;
		c->icmp_type = t[0];
		c->icmp_code = t[1];
	}
	return 0;
}

/* The port's MAC, and one of its two addresses (:: for DAD only). */
static __always_inline int source6_stage(struct pkt6 *c)
{
	const struct hyp_port6 *p6 = c->port6;
	const __u32 *s = c->ip6->saddr;

	if (!mac_eq(c->eth->h_source, c->port->mac))
		return HYP_DROP_SPOOFED_SRC_MAC;
	if (ip6_eq(s, p6->ip) || ip6_eq(s, p6->ll))
		return 0;
	if (ip6_is_zero(s) && c->l4.proto == NH_ICMPV6 &&
	    (c->icmp_type == 135 || c->icmp_type == 133))
		return 0; /* DAD, or an RS from ::: nd_stage / rs_stage decide */
	return HYP_DROP_IP6_SPOOFED_SRC;
}

/* A function of its own: the hash's state stays off the pipeline's stack. */
static __noinline int stamp6_stage(const struct pkt6 *c)
{
	const struct hyp_port *port = c->port;
	__u8 want[ETH_ALEN];

	if (!c || !(port->flags & HYP_PORT_F_GUARD))
		return 0;
	stamp_to_mac(stamp6_compute(c->skb, port->key, c->eth, c->ip6), want);
	if (mac_eq(c->eth->h_dest, want))
		return 0;
	if (stamp_missing(c->eth->h_dest, c->cfg, c->ep ? c->ep->mac : NULL))
		return HYP_DROP_STAMP_MISSING;
	return HYP_DROP_STAMP_BAD;
}

#endif /* HYP_BPF_PIPELINE6_H */
