/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Uplink stages: what the outside may send to the bridge. The uplink
 * address answers ARP (the bridge netns's kernel does, and learns the next
 * hop's MAC from the replies); an IPv4 packet must be a reply of a
 * translated flow (nat.h), for a published port (publish.h) or for a
 * routed-mode SNIC; it then goes to its SNIC as a packet from the world
 * (identity HYP_ID_WORLD) through conntrack, policy and inspection. Any
 * other frame is dropped here and never reaches the bridge netns's stack.
 */
#ifndef HYP_BPF_UPLINK_H
#define HYP_BPF_UPLINK_H

#include "pipeline.h"
#include "maps_bridge.h"
#include "maps_uplink.h"
#include "nat.h"
#include "publish.h"
#include "stats.h"
#include "uplink_ttl.h"

/* The uplink's entry, the bridge config and the policy word (as port_stage). */
static __always_inline int uplink_port_stage(struct pkt_ctx *ctx, const struct hyp_uplink **up)
{
	struct __sk_buff *skb = ctx->skb;
	const struct hyp_uplink *u = uplink_get();
	__u32 zero = 0;
	union {
		__u64 word;
		struct {
			__u32 gen, rev;
		};
	} policy;

	ctx->ifindex = skb->ifindex;
	stat_add(ctx->ifindex, HYP_STAT_RX, skb->len);
	ctx->cfg = bpf_map_lookup_elem(&hyp_config, &zero);
	if (!u || u->ifindex != skb->ifindex || !ctx->cfg)
		return HYP_DROP_NO_PORT;
	policy.word = *(volatile const __u64 *)&ctx->cfg->policy;
	ctx->gen = policy.gen & 1;
	ctx->rev = policy.rev;
	*up = u;
	return 0;
}

/* ARP about the uplink address (a request for it, a reply to its own
 * request) goes to the kernel; any other ARP stays out. */
static __always_inline int uplink_arp_stage(struct pkt_ctx *ctx, const struct hyp_uplink *u)
{
	struct arp_ipv4 *a = ctx->arp;

	if (!u->ip || a->tpa != u->ip) /* ip 0: an IPv6-only uplink takes no ARP */
		return HYP_DROP_UPLINK_ARP;
	if (a->spa == u->ip)
		return HYP_DROP_UPLINK_SPOOF;
	return 0;
}

/* An outside IPv4 packet never comes from an address of ours. */
static __always_inline int uplink_ipv4_stage(struct pkt_ctx *ctx, const struct hyp_uplink *u)
{
	const struct hyp_config *cfg = ctx->cfg;
	struct iphdr *ip = ctx->ip;

	if (!u->ip) /* an IPv6-only uplink (--pool none): no IPv4 reaches the bridge */
		return HYP_DROP_UPLINK_NOT_OURS;
	if (ip->saddr == u->ip || (ip->saddr & cfg->mask) == cfg->net)
		return HYP_DROP_UPLINK_SPOOF;
	if (ipv4_is_bcast_mcast(ip->daddr))
		return HYP_DROP_DST_BCAST_MCAST;
	return 0;
}

/* The packet's SNIC (ep, its port for the conntrack charge) and its ends. */
static __always_inline int uplink_deliver_to(struct pkt_ctx *ctx, __be32 to)
{
	struct hyp_ep_key k = {.ip = to};
	const struct hyp_endpoint *ep = bpf_map_lookup_elem(&hyp_endpoints, &k);
	__u32 pidx;

	if (!ep)
		return HYP_DROP_UNKNOWN_DST;
	pidx = ep->port_ifindex;
	ctx->port = bpf_map_lookup_elem(&hyp_ports, &pidx);
	if (!ctx->port)
		return HYP_DROP_NO_PORT;
	ctx->ep = ep;
	ctx->src.identity = HYP_ID_WORLD;
	ctx->src.ip = ctx->flow.key.saddr;
	ctx->dst.identity = ep->identity;
	ctx->dst.ip = to;
	return 0;
}

/*
 * Where an outside packet goes: a translated flow's SNIC, a published
 * port's SNIC (the destination rewritten, and the flow key with it), or a
 * routed-mode SNIC addressed directly. Anything else was for the bridge.
 */
static __always_inline int uplink_in_stage(struct pkt_ctx *ctx, const struct hyp_uplink *u)
{
	struct flow *f = &ctx->flow;
	struct hyp_nat_val to;
	struct hyp_ep_key k;
	const struct hyp_endpoint *ep;

	if (f->key.daddr != u->ip) {
		k.ip = f->key.daddr;
		ep = bpf_map_lookup_elem(&hyp_endpoints, &k);
		if (!ep || !(ep->flags & HYP_EP_F_ROUTED))
			return HYP_DROP_UPLINK_NOT_OURS;
		return uplink_deliver_to(ctx, f->key.daddr);
	}
	if (!snat_back_lookup(f, &to) && !publish_lookup(f, &to))
		return HYP_DROP_UPLINK_TO_BRIDGE;
	if (nat_rewrite(ctx->skb, 0, f->key.proto, u->ip, to.addr, f->key.dport, to.port) ||
	    nat_reload(ctx->skb, &ctx->eth, &ctx->ip))
		return HYP_DROP_MALFORMED;
	ctx->end = (void *)(long)ctx->skb->data_end;
	f->key.daddr = to.addr;
	f->key.dport = to.port;
	if (f->key.proto == IPPROTO_ICMP)
		f->key.sport = to.port;
	return uplink_deliver_to(ctx, to.addr);
}

/* Into the SNIC's container, as from the gateway. */
static __always_inline int uplink_to_snic(struct pkt_ctx *ctx, __u32 stat)
{
	struct __sk_buff *skb = ctx->skb;
	const struct hyp_endpoint *ep = ctx->ep;
	struct ethhdr *eth;
	struct iphdr *ip;
	int err;

	if (!ep)
		return -HYP_DROP_MALFORMED;
	err = ttl_forward(skb); /* a router's hop (uplink_ttl.h): TTL 1 stays out */
	if (err)
		return -err;
	if (nat_reload(skb, &eth, &ip))
		return -HYP_DROP_MALFORMED;
	mac_copy(eth->h_dest, ep->mac);
	mac_copy(eth->h_source, ctx->cfg->gw_mac);
	stat_add(ctx->ifindex, stat, skb->len);
	return bpf_redirect_peer(ep->port_ifindex, 0);
}

#endif /* HYP_BPF_UPLINK_H */
