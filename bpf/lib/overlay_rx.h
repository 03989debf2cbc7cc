/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Overlay receive (uplink ingress): a frame from another node. Nothing in
 * it is believed before its authenticator verifies: the header is parsed,
 * the sending node looked up, the outer source checked against that
 * node's address, the authenticator recomputed with the pair key (the
 * previous one too, after a rotation), then the replay window; only then
 * is the identity it carries used, and the inner source must lie in the
 * sending node's block. The caller then decapsulates (ovl_decap) and
 * runs policy with that identity.
 */
#ifndef HYP_BPF_OVERLAY_RX_H
#define HYP_BPF_OVERLAY_RX_H

#include "pipeline.h"
#include "maps_overlay.h"
#include "ovl_auth.h"

#define OVL_IP_OFF	(sizeof(struct ethhdr))
#define OVL_HDR_OFF	(OVL_IP_OFF + sizeof(struct iphdr) + sizeof(struct udphdr))
#define OVL_INNER_OFF	(OVL_HDR_OFF + sizeof(struct hyp_ovl_hdr))

/* What the receive checks established. */
struct ovl_rx {
	__u32 node;	/* the authenticated sending node */
	__u32 identity; /* the authenticated source identity */
};

/* Is this outer IPv4 packet overlay (UDP to HYP_OVL_PORT)? */
static __always_inline int ovl_is_overlay(struct pkt_ctx *ctx)
{
	struct udphdr *udp = (void *)(ctx->ip + 1);

	if (ctx->ip->protocol != IPPROTO_UDP || (void *)(udp + 1) > ctx->end)
		return 0;
	return udp->dest == bpf_htons(HYP_OVL_PORT);
}

/* Window check and update, under the peer's lock: 0 or a drop reason. */
static __always_inline int ovl_replay(__u32 node, __u64 seq)
{
	struct hyp_ovl_rx *r = bpf_map_lookup_elem(&hyp_ovl_rx, &node);
	int reason = 0;

	if (!r)
		return HYP_DROP_OVL_UNKNOWN_NODE;
	bpf_spin_lock(&r->lock);
	if (seq > r->top) {
		__u64 shift = seq - r->top;

		r->bitmap = shift >= 64 ? 1 : (r->bitmap << shift) | 1;
		r->top = seq;
	} else if (r->top - seq >= HYP_OVL_WINDOW) {
		reason = HYP_DROP_OVL_OLD;
	} else if (r->bitmap & (1ULL << (r->top - seq))) {
		reason = HYP_DROP_OVL_REPLAY;
	} else {
		r->bitmap |= 1ULL << (r->top - seq);
	}
	bpf_spin_unlock(&r->lock);
	return reason;
}

/* The authenticator with the current key, then the previous one: 0 or overlay-auth-failed. */
static __always_inline int ovl_verify_auth(struct pkt_ctx *ctx, const struct hyp_ovl_peer *p,
					   const struct hyp_ovl_hdr *h, struct ovl_scratch *sc,
					   __u32 off, __u32 paylen, int v6)
{
	int payload = h->flags & HYP_OVL_F_PAYLOAD, ok;
	__u64 want = h->auth, a;

	a = ovl_auth(ctx->skb, p->key, sc, payload, off, paylen, &ok, v6);
	if (ok && a == want)
		return 0;
	if (!(p->flags & HYP_OVL_PEER_F_PREV))
		return HYP_DROP_OVL_AUTH;
	a = ovl_auth(ctx->skb, p->prev_key, sc, payload, off, paylen, &ok, v6);
	return ok && a == want ? 0 : HYP_DROP_OVL_AUTH;
}

/* The inner packet's words (m3..), length and covered bytes (*off): 0 or
 * overlay-malformed (the inner family must be the one the flags say). */
static __always_inline int ovl_inner_rx(struct pkt_ctx *ctx, struct ovl_words *w, int v6,
					__u32 *inner_len, __u32 *off)
{
	struct __sk_buff *skb = ctx->skb;
	struct iphdr *in = (void *)(long)skb->data + OVL_INNER_OFF;
	int err;

	if (v6) {
		*off = OVL_INNER_OFF + IP6_HLEN;
		err = ovl_inner6(skb, OVL_INNER_OFF, w, inner_len);
	} else {
		*off = OVL_INNER_OFF + sizeof(struct iphdr);
		if ((void *)(in + 1) > ctx->end || in->ihl != 5 || in->version != 4)
			return HYP_DROP_OVL_MALFORMED;
		*inner_len = bpf_ntohs(in->tot_len);
		ovl_inner_words(skb, in, OVL_INNER_OFF, w);
		err = 0;
	}
	if (!err && *inner_len != skb->len - OVL_INNER_OFF)
		err = HYP_DROP_OVL_MALFORMED;
	return err;
}

/* The inner source is the sending node's: in its IPv4 block, or its IPv6 /64. */
static __always_inline int ovl_src_check(struct pkt_ctx *ctx, const struct hyp_ovl_peer *p,
					 __u32 node, int v6)
{
	void *data = (void *)(long)ctx->skb->data;
	struct ip6_hdr *in6 = data + OVL_INNER_OFF;
	struct iphdr *in = data + OVL_INNER_OFF;

	if (v6) {
		if ((void *)(in6 + 1) > ctx->end)
			return HYP_DROP_OVL_MALFORMED;
		return ovl_route6(in6->saddr) == node ? 0 : HYP_DROP_OVL_SRC6;
	}
	if ((void *)(in + 1) > ctx->end)
		return HYP_DROP_OVL_MALFORMED;
	return (bpf_ntohl(in->saddr) & p->mask) == p->net ? 0 : HYP_DROP_OVL_SRC_BLOCK;
}

/* The frame's checks, in abi.h's order; its inner packet is IPv6 when v6. */
static __always_inline int ovl_rx_stage(struct pkt_ctx *ctx, const struct hyp_ovl_self *self,
					struct ovl_rx *out, int v6)
{
	struct __sk_buff *skb = ctx->skb;
	struct hyp_ovl_hdr *h = (void *)(long)skb->data + OVL_HDR_OFF;
	struct ovl_scratch *sc = ovl_scratch();
	const struct hyp_ovl_peer *p;
	__u32 node, inner_len = 0, off = 0;
	int err;

	if ((void *)(h + 1) > ctx->end || h->version != HYP_OVL_VERSION ||
	    (h->flags & ~(HYP_OVL_F_PAYLOAD | HYP_OVL_F_IP6)) ||
	    !(h->flags & HYP_OVL_F_IP6) != !v6 ||
	    bpf_ntohs(ctx->ip->tot_len) != skb->len - OVL_IP_OFF || !sc)
		return HYP_DROP_OVL_MALFORMED;
	err = ovl_inner_rx(ctx, &sc->w, v6, &inner_len, &off);
	if (err)
		return err;
	node = bpf_ntohs(h->src_node);
	p = bpf_map_lookup_elem(&hyp_ovl_peers, &node);
	if (!p || node == self->node)
		return HYP_DROP_OVL_UNKNOWN_NODE;
	if (ctx->ip->saddr != p->addr)
		return HYP_DROP_OVL_NODE_ADDR;
	sc->w.m[0] = ((__u64)bpf_ntohl(ctx->ip->saddr) << 32) | bpf_ntohl(ctx->ip->daddr);
	sc->w.m[1] = ((__u64)bpf_ntohl(h->identity) << 32) | ((__u64)node << 16) |
		     ((__u64)h->flags << 8) | h->version;
	sc->w.m[2] = bpf_be64_to_cpu(h->seq);
	err = ovl_verify_auth(ctx, p, h, sc, off, inner_len - (off - OVL_INNER_OFF), v6);
	if (err)
		return err;
	err = ovl_replay(node, sc->w.m[2]);
	if (err)
		return err;
	if ((self->flags & HYP_OVL_SELF_F_PAYLOAD) && !(h->flags & HYP_OVL_F_PAYLOAD))
		return HYP_DROP_OVL_NO_INTEGRITY;
	err = ovl_src_check(ctx, p, node, v6);
	if (err)
		return err;
	out->node = node;
	out->identity = bpf_ntohl(h->identity);
	return 0;
}

/* Is the overlay frame's inner packet IPv6 (by its header's flags)? The
 * checks that it is so, and authenticated, are ovl_rx_stage's. */
static __always_inline int ovl_is_ip6(struct pkt_ctx *ctx)
{
	struct hyp_ovl_hdr *h = (void *)(long)ctx->skb->data + OVL_HDR_OFF;

	return (void *)(h + 1) <= ctx->end && (h->flags & HYP_OVL_F_IP6);
}

/* Strips outer IPv4, UDP and the overlay header; the Ethernet header stays. */
static __always_inline int ovl_decap(struct pkt_ctx *ctx)
{
	struct __sk_buff *skb = ctx->skb;
	struct cursor c;

	if (bpf_skb_adjust_room(skb, -(__s32)HYP_OVL_OVERHEAD, BPF_ADJ_ROOM_MAC, 0))
		return HYP_DROP_OVL_MALFORMED;
	c.pos = (void *)(long)skb->data;
	c.end = (void *)(long)skb->data_end;
	if (parse_eth(&c, &ctx->eth) != ETH_P_IP || parse_ipv4(&c, &ctx->ip) < 0)
		return HYP_DROP_OVL_MALFORMED;
	ctx->end = c.end;
	ctx->frame = FRAME_IPV4;
	return 0;
}

/* The same for an inner IPv6 packet: the frame and skb->protocol say IPv6. */
static __always_inline int ovl_decap6(struct __sk_buff *skb)
{
	__be16 ip6 = bpf_htons(ETH_P_IPV6);

	if (bpf_skb_adjust_room(skb, -(__s32)HYP_OVL_OVERHEAD, BPF_ADJ_ROOM_MAC,
				BPF_F_ADJ_ROOM_DECAP_L3_IPV6) ||
	    bpf_skb_store_bytes(skb, 12, &ip6, sizeof(ip6), 0))
		return HYP_DROP_OVL_MALFORMED;
	return 0;
}

#endif /* HYP_BPF_OVERLAY_RX_H */
