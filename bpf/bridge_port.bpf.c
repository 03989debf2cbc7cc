// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Secure bridge port: tcx ingress of every bridge-side port, i.e. every
 * frame a container sends. Validates the source against the port binding,
 * verifies and strips the source stamp, answers ARP locally and forwards
 * IPv4 to known endpoints with bpf_redirect_peer. Everything else is
 * dropped through drop(), which counts it per port and reason.
 */
#include "lib/common.h"
#include "lib/parse.h"
#include "lib/maps.h"
#include "lib/counters.h"
#include "lib/stamp.h"
#include "lib/conntrack.h"
#include "lib/inspect.h"
#include "lib/reset.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

static __always_inline void stat_add(__u32 ifindex, __u32 stat, __u64 bytes)
{
	struct hyp_stat_key k = {.ifindex = ifindex, .stat = stat};

	counter_add(&hyp_stats, &k, bytes);
}

/* The one drop exit. */
static __always_inline int drop(struct __sk_buff *skb, __u32 reason)
{
	struct hyp_drop_key k = {.ifindex = skb->ifindex, .reason = reason};

	counter_add(&hyp_drops, &k, skb->len);
	stat_add(skb->ifindex, HYP_STAT_DROP, skb->len);
	return TC_ACT_SHOT;
}

static __always_inline struct hyp_config *bridge_config(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&hyp_config, &zero);
}

/*
 * A frame whose destination MAC still looks like a real destination
 * (broadcast, multicast, universally administered, the gateway's or the
 * target endpoint's MAC) was never stamped: the guard is gone.
 */
static __always_inline int stamp_missing(const __u8 *dst, const struct hyp_config *cfg,
					 const __u8 *ep_mac)
{
	if ((dst[0] & 0x01) || !(dst[0] & 0x02))
		return 1;
	if (mac_eq(dst, cfg->gw_mac))
		return 1;
	return ep_mac && mac_eq(dst, ep_mac);
}

/* Returns 0 when the stamp verifies, else the drop reason. */
static __always_inline int stamp_check(struct __sk_buff *skb, const struct hyp_port *port,
				       const struct hyp_config *cfg, struct ethhdr *eth, int proto,
				       void *l3, void *end, const __u8 *ep_mac)
{
	__u8 want[ETH_ALEN];
	__u64 h;

	if (!(port->flags & HYP_PORT_F_GUARD))
		return 0;
	h = stamp_compute(skb, port->key, eth, proto, l3, end);
	stamp_to_mac(h, want);
	if (mac_eq(eth->h_dest, want))
		return 0;
	if (stamp_missing(eth->h_dest, cfg, ep_mac))
		return HYP_DROP_STAMP_MISSING;
	return HYP_DROP_STAMP_BAD;
}

static __always_inline int arp_answer(struct __sk_buff *skb, const struct hyp_config *cfg,
				      struct ethhdr *eth, struct arp_ipv4 *arp)
{
	const __u8 *answer;
	struct hyp_ep_key k = {.ip = arp->tpa};
	struct hyp_endpoint *ep;
	__be32 tpa = arp->tpa;

	if (arp->tpa == cfg->gw_ip) {
		answer = cfg->gw_mac;
	} else {
		ep = bpf_map_lookup_elem(&hyp_endpoints, &k);
		if (!ep || ep->port_ifindex == skb->ifindex)
			return drop(skb, HYP_DROP_ARP_UNKNOWN_TARGET);
		answer = ep->mac;
	}
	/* Turn the request around in place. */
	mac_copy(eth->h_dest, arp->sha);
	mac_copy(eth->h_source, answer);
	arp->op = bpf_htons(ARPOP_REPLY);
	mac_copy(arp->tha, arp->sha);
	arp->tpa = arp->spa;
	mac_copy(arp->sha, answer);
	arp->spa = tpa;
	stat_add(skb->ifindex, HYP_STAT_ARP_REPLY, skb->len);
	return bpf_redirect(skb->ifindex, 0);
}

static __always_inline int handle_arp(struct __sk_buff *skb, const struct hyp_port *port,
				      const struct hyp_config *cfg, struct cursor *c,
				      struct ethhdr *eth)
{
	struct arp_ipv4 *arp;
	void *l3 = c->pos;
	int err;

	err = parse_arp(c, &arp);
	if (err == -1)
		return drop(skb, HYP_DROP_MALFORMED);
	if (err)
		return drop(skb, HYP_DROP_ARP_UNSUPPORTED);
	if (!mac_eq(eth->h_source, port->mac))
		return drop(skb, HYP_DROP_SPOOFED_SRC_MAC);
	if (!mac_eq(arp->sha, port->mac) || arp->spa != port->ip)
		return drop(skb, HYP_DROP_ARP_SPOOF);
	err = stamp_check(skb, port, cfg, eth, ETH_P_ARP, l3, c->end, NULL);
	if (err)
		return drop(skb, err);
	/* The bridge never asks, so replies and gratuitous ARP go nowhere. */
	if (arp->op != bpf_htons(ARPOP_REQUEST) || arp->tpa == arp->spa)
		return drop(skb, HYP_DROP_ARP_UNSUPPORTED);
	return arp_answer(skb, cfg, eth, arp);
}

/* A blocked TCP flow: both ends get a RST; the segment counts as dropped. */
static __always_inline int inspect_reset(struct __sk_buff *skb, const struct flow *f,
					 const struct hyp_port *port, const struct hyp_endpoint *ep)
{
	struct reset_info ri = {};
	__u32 len = skb->len - (sizeof(struct ethhdr) + sizeof(struct iphdr) + f->l4_len);
	__u8 hdr[8];

	drop(skb, HYP_DROP_INSPECT_MATCH);
	if (bpf_skb_load_bytes(skb, sizeof(struct ethhdr) + sizeof(struct iphdr) + 4, hdr, 8))
		return TC_ACT_SHOT;
	ri.recv_port = ep->port_ifindex;
	mac_copy(ri.sender_mac, port->mac);
	mac_copy(ri.recv_mac, ep->mac);
	ri.seq = (__u32)hdr[0] << 24 | (__u32)hdr[1] << 16 | (__u32)hdr[2] << 8 | hdr[3];
	ri.ack = (__u32)hdr[4] << 24 | (__u32)hdr[5] << 16 | (__u32)hdr[6] << 8 | hdr[7];
	ri.seq_next = ri.seq + len + ((f->tcp_flags & (TCP_SYN | TCP_FIN)) ? 1 : 0);
	return tcp_reset_both(skb, &ri);
}

static __always_inline int handle_ipv4(struct __sk_buff *skb, const struct hyp_port *port,
				       const struct hyp_config *cfg, struct cursor *c,
				       struct ethhdr *eth)
{
	struct endpoint_ref src, dst;
	struct hyp_ct_val *ct = NULL;
	struct hyp_endpoint *ep;
	struct hyp_ep_key k;
	struct iphdr *ip;
	struct flow f;
	void *l3 = c->pos;
	int err, reply = 0;

	err = parse_ipv4(c, &ip);
	if (err == -1)
		return drop(skb, HYP_DROP_MALFORMED);
	if (err == -2)
		return drop(skb, HYP_DROP_IP_OPTIONS);
	if (!mac_eq(eth->h_source, port->mac))
		return drop(skb, HYP_DROP_SPOOFED_SRC_MAC);
	if (ip->saddr != port->ip)
		return drop(skb, HYP_DROP_SPOOFED_SRC_IP);
	k.ip = ip->daddr;
	ep = bpf_map_lookup_elem(&hyp_endpoints, &k);
	err = stamp_check(skb, port, cfg, eth, ETH_P_IP, l3, c->end, ep ? ep->mac : NULL);
	if (err)
		return drop(skb, err);
	if (ipv4_is_bcast_mcast(ip->daddr) || ip->daddr == (cfg->net | ~cfg->mask))
		return drop(skb, HYP_DROP_DST_BCAST_MCAST);
	if (ip->daddr == cfg->gw_ip)
		return drop(skb, HYP_DROP_TO_GATEWAY);
	if (!ep)
		return drop(skb, HYP_DROP_UNKNOWN_DST);
	if (ep->port_ifindex == skb->ifindex)
		return drop(skb, HYP_DROP_HAIRPIN);
	/* fragments would let a flow's later pieces past the L4 checks */
	if (ip->frag_off & bpf_htons(IP_MF | IP_OFFSET))
		return drop(skb, HYP_DROP_FRAGMENT);
	if (flow_parse(skb, ip, &f))
		return drop(skb, HYP_DROP_MALFORMED);
	src.identity = port->identity;
	src.ip = ip->saddr;
	dst.identity = ep->identity;
	dst.ip = ip->daddr;
	err = ct_process(skb, cfg, &f, &src, &dst, &ct, &reply);
	if (!err && ct && ct->insp | (ct->flags & HYP_CT_F_BLOCKED)) {
		f.src_id = src.identity;
		f.dst_id = dst.identity;
		f.reply = (__u32)reply;
		err = inspect(skb, &f, ct);
		if (err == HYP_DROP_INSPECT_MATCH && f.key.proto == IPPROTO_TCP)
			return inspect_reset(skb, &f, port, ep);
	}
	if (err)
		return drop(skb, err);
	mac_copy(eth->h_dest, ep->mac);
	stat_add(skb->ifindex, HYP_STAT_FWD, skb->len);
	return bpf_redirect_peer(ep->port_ifindex, 0);
}

SEC("tc")
int hyp_port_ingress(struct __sk_buff *skb)
{
	struct cursor c = {.pos = (void *)(long)skb->data, .end = (void *)(long)skb->data_end};
	struct hyp_config *cfg;
	struct hyp_port *port;
	struct ethhdr *eth;
	__u32 ifindex = skb->ifindex;
	int proto;

	stat_add(ifindex, HYP_STAT_RX, skb->len);
	port = bpf_map_lookup_elem(&hyp_ports, &ifindex);
	cfg = bridge_config();
	if (!port || !cfg)
		return drop(skb, HYP_DROP_NO_PORT);
	proto = parse_eth(&c, &eth);
	if (proto < 0)
		return drop(skb, HYP_DROP_MALFORMED);
	switch (classify(skb, proto)) {
	case FRAME_IPV4:
		return handle_ipv4(skb, port, cfg, &c, eth);
	case FRAME_ARP:
		return handle_arp(skb, port, cfg, &c, eth);
	case FRAME_VLAN:
		return drop(skb, HYP_DROP_VLAN);
	case FRAME_IPV6:
		return drop(skb, HYP_DROP_IPV6);
	case FRAME_LLDP:
		return drop(skb, HYP_DROP_LLDP);
	default:
		return drop(skb, HYP_DROP_ETHERTYPE);
	}
}
