/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * IPv6 to the outside (bridge ports): routed, no translation. A packet
 * for an address outside the pool6 goes to the world (identity
 * HYP_ID_WORLD) through conntrack, policy and inspection as any flow, and
 * leaves the uplink with its own source (the pool6 is a prefix the outside
 * routes to the uplink's IPv6 address) by bpf_redirect_neigh: the bridge
 * netns's FIB (default route via the uplink's IPv6 gateway) and its ND.
 * A packet bigger than the uplink's MTU is answered with an ICMPv6 packet
 * too big from the gateway (RFC 4443 3.2; IPv6 routers never fragment),
 * and counted as dropped (uplink-too-big). The bridge is a router: a
 * packet leaves with its hop limit decremented, and one whose hop limit
 * would reach 0 is answered with time exceeded (RFC 4443 3.3) and counted
 * (hop-limit-exceeded); a packet from the outside to a SNIC the same,
 * dropped and counted there (uplink6.h).
 */
#ifndef HYP_BPF_UPLINK6_OUT_H
#define HYP_BPF_UPLINK6_OUT_H

#include "pipeline6.h"
#include "maps_uplink.h"
#include "icmp6_tx.h"

#define ICMP6_PTB   2
#define ICMP6_TIME_EXCEEDED 3
#define PTB_QUOTE   88 /* of the packet: its IPv6 header, 48 bytes of the rest */
#define PTB_MIN_MTU 1280

/* dest6_stage for an address outside the pool: the world, if there is an
 * IPv6 uplink; the uplink's own address is the bridge's, for nobody. */
static __always_inline int dest6_outside(struct pkt6 *c)
{
	const struct hyp_uplink6 *u6 = uplink6_get();

	if (!u6 || !uplink_get())
		return HYP_DROP_IP6_OUTSIDE;
	if (ip6_eq(c->ip6->daddr, u6->ip))
		return HYP_DROP_UPLINK_TO_BRIDGE;
	c->out = 1;
	c->src_id = c->port->identity;
	c->dst_id = HYP_ID_WORLD;
	return 0;
}

/* An ICMPv6 error (packet too big, time exceeded), as the frame is laid
 * out on the stack (icmp6_tx.h): the head, the MTU, the quote. */
struct ptb_frame {
	struct icmp6_head h;
	__be32 mtu; /* time exceeded: unused, 0 */
	__u8 quote[PTB_QUOTE];
};
#define PTB_LEN (sizeof(struct ptb_frame) - 2)

/*
 * The frame becomes the gateway's ICMPv6 error of type to its sender (a
 * packet too big with mtu, 0: the uplink's MTU; or a time exceeded), sent back out
 * of its port: the verdict. A function of its own: the frame it builds
 * stays off the pipeline's stack.
 */
static __noinline int icmp6_err_reply(struct __sk_buff *skb, __u32 ifindex, __u32 type, __u32 mtu)
{
	const struct hyp_port *port = bpf_map_lookup_elem(&hyp_ports, &ifindex);
	const struct hyp_uplink *u = uplink_get();
	const struct hyp_config6 *g;
	const struct hyp_config *cfg;
	struct ptb_frame f = {};
	__u32 zero = 0, src[4];

	cfg = bpf_map_lookup_elem(&hyp_config, &zero);
	g = bpf_map_lookup_elem(&hyp_config6, &zero);
	if (!skb || !port || !cfg || !g || (!mtu && !u))
		return TC_ACT_SHOT;
	if (!mtu)
		mtu = u->mtu;
	/* a shorter packet (a time exceeded's) is quoted padded with zeros */
	if (skb->len < IP6_OFF + PTB_QUOTE && bpf_skb_change_tail(skb, IP6_OFF + PTB_QUOTE, 0))
		return TC_ACT_SHOT;
	if (bpf_skb_load_bytes(skb, IP6_OFF, f.quote, PTB_QUOTE))
		return TC_ACT_SHOT;
	__builtin_memcpy(src, f.quote + 8, 16); /* the packet's source */
	icmp6_head_init(&f.h, PTB_LEN, port->mac, cfg->gw_mac, g->gw_ip, src, (__u8)type);
	if (type == ICMP6_PTB)
		f.mtu = bpf_htonl(mtu < PTB_MIN_MTU ? PTB_MIN_MTU : mtu);
	return icmp6_send(skb, &f.h, PTB_LEN, ifindex);
}

/* The hop limit of the packet decremented, as a router forwards it; 0:
 * done, else the reason (it would reach 0, or the header is unreadable). */
static __always_inline int hop6_forward(struct __sk_buff *skb)
{
	__u8 hlim;

	if (bpf_skb_load_bytes(skb, IP6_OFF + 7, &hlim, 1))
		return HYP_DROP_MALFORMED;
	if (hlim <= 1)
		return HYP_DROP_HOP_LIMIT;
	hlim--;
	return bpf_skb_store_bytes(skb, IP6_OFF + 7, &hlim, 1, 0) ? HYP_DROP_MALFORMED : 0;
}

/* Out of the uplink: the verdict, or -reason (-HYP_DROP_UPLINK_MTU,
 * -HYP_DROP_HOP_LIMIT: the caller counts it and answers with
 * icmp6_err_reply). */
static __always_inline int to_outside6(struct __sk_buff *skb, __u32 ifindex)
{
	const struct hyp_uplink *u = uplink_get();
	__u32 mtu = 0;
	int err;

	if (!u)
		return -HYP_DROP_NO_UPLINK;
	err = hop6_forward(skb);
	if (err)
		return -err;
	if (bpf_check_mtu(skb, u->ifindex, &mtu, 0, 0))
		return -HYP_DROP_UPLINK_MTU;
	stat_add(ifindex, HYP_STAT_FWD, skb->len);
	return bpf_redirect_neigh(u->ifindex, NULL, 0, 0);
}

#endif /* HYP_BPF_UPLINK6_OUT_H */
