/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Overlay transmit: an IPv4 or IPv6 packet (policy already decided) to
 * another node's endpoint is wrapped in outer IPv4 + UDP + the overlay
 * header, with the next sequence number for that node and the
 * authenticator keyed with the pair key, and leaves through the uplink;
 * the kernel of the bridge netns resolves the next hop (bpf_redirect_neigh).
 * A GSO super-packet cannot carry one authenticator per wire segment, so
 * it is refused (cluster nodes run their SNICs without TSO/GSO).
 */
#ifndef HYP_BPF_OVERLAY_TX_H
#define HYP_BPF_OVERLAY_TX_H

#include "pipeline.h"
#include "maps_overlay.h"
#include "ovl_auth.h"

static __always_inline __u16 ovl_ip_csum(struct iphdr *ip)
{
	__u32 sum = 0;
	__u16 *p = (__u16 *)ip;

	for (int i = 0; i < 10; i++)
		sum += p[i];
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

static __always_inline void ovl_outer_fill(struct ovl_outer *o, const struct hyp_ovl_self *self,
					   const struct hyp_ovl_peer *p, __u32 inner_len,
					   __u16 sport)
{
	struct iphdr ip = {};
	struct udphdr udp = {};

	ip.version = 4;
	ip.ihl = 5;
	ip.tot_len = bpf_htons(inner_len + HYP_OVL_OVERHEAD);
	ip.frag_off = bpf_htons(0x4000); /* DF */
	ip.ttl = 64;
	ip.protocol = IPPROTO_UDP;
	ip.saddr = self->addr;
	ip.daddr = p->addr;
	ip.check = ovl_ip_csum(&ip);
	udp.source = bpf_htons(sport | 0xc000);
	udp.dest = bpf_htons(HYP_OVL_PORT);
	udp.len = bpf_htons(inner_len + sizeof(struct udphdr) + sizeof(struct hyp_ovl_hdr));
	__builtin_memcpy(&o->ip, &ip, sizeof(ip));
	__builtin_memcpy(&o->udp, &udp, sizeof(udp));
}

/* The inner packet's words (m3..), its length and the bytes the payload
 * authenticator covers (*off): 0 or a drop reason. */
static __always_inline int ovl_inner_tx(struct pkt_ctx *ctx, struct ovl_words *w, int v6,
					__u32 *inner_len, __u32 *off)
{
	struct __sk_buff *skb = ctx->skb;

	if (v6) {
		*off = sizeof(struct ethhdr) + IP6_HLEN;
		return ovl_inner6(skb, sizeof(struct ethhdr), w, inner_len);
	}
	*inner_len = bpf_ntohs(ctx->ip->tot_len);
	*off = sizeof(struct ethhdr) + sizeof(struct iphdr);
	if (*inner_len < sizeof(struct iphdr))
		return HYP_DROP_MALFORMED;
	ovl_inner_words(skb, ctx->ip, sizeof(struct ethhdr), w);
	return 0;
}

/* Wraps the packet in ctx (inner IPv6 when v6) for node; 0 with the packet
 * ready, or a drop reason. */
static __always_inline int ovl_encap(struct pkt_ctx *ctx, const struct hyp_ovl_self *self,
				     __u32 node, __u32 identity, int v6)
{
	struct __sk_buff *skb = ctx->skb;
	const struct hyp_ovl_peer *p = bpf_map_lookup_elem(&hyp_ovl_peers, &node);
	__u64 *next = bpf_map_lookup_elem(&hyp_ovl_tx, &node);
	struct ovl_scratch *sc = ovl_scratch();
	__u32 inner_len = 0, off = 0, mtu_len = 0;
	int payload = self->flags & HYP_OVL_SELF_F_PAYLOAD, ok, err;
	__u8 flags = (payload ? HYP_OVL_F_PAYLOAD : 0) | (v6 ? HYP_OVL_F_IP6 : 0);
	__be16 ip4 = bpf_htons(ETH_P_IP);
	__u64 seq;

	if (!p || !next || !self->uplink_ifindex || !p->addr)
		return HYP_DROP_OVL_NO_PEER;
	if (!sc || skb->gso_segs > 1)
		return HYP_DROP_OVL_ENCAP;
	/* the SNICs' MTU leaves room (uplink - 52), unless the uplink's was
	 * lowered since: counted here, not lost silently on the wire */
	if (bpf_check_mtu(skb, self->uplink_ifindex, &mtu_len, HYP_OVL_OVERHEAD, 0) ==
	    BPF_MTU_CHK_RET_FRAG_NEEDED)
		return HYP_DROP_OVL_TOO_BIG;
	err = ovl_inner_tx(ctx, &sc->w, v6, &inner_len, &off);
	if (err)
		return err;
	if (inner_len != skb->len - sizeof(struct ethhdr))
		return HYP_DROP_MALFORMED;
	__builtin_memset(&sc->o, 0, sizeof(sc->o));
	sc->o.h.version = HYP_OVL_VERSION;
	sc->o.h.flags = flags;
	sc->o.h.src_node = bpf_htons((__u16)self->node);
	sc->o.h.identity = bpf_htonl(identity);
	seq = __sync_fetch_and_add(next, 1) + 1;
	sc->o.h.seq = bpf_cpu_to_be64(seq);
	sc->w.m[0] = ((__u64)bpf_ntohl(self->addr) << 32) | bpf_ntohl(p->addr);
	sc->w.m[1] = ((__u64)identity << 32) | ((__u64)self->node << 16) | ((__u64)flags << 8) |
		     HYP_OVL_VERSION;
	sc->w.m[2] = seq;
	sc->o.h.auth = ovl_auth(skb, p->key, sc, payload, off,
				inner_len - (off - sizeof(struct ethhdr)), &ok, v6);
	if (!ok)
		return HYP_DROP_OVL_ENCAP;
	ovl_outer_fill(&sc->o, self, p, inner_len, (__u16)bpf_get_hash_recalc(skb));
	if (bpf_skb_adjust_room(skb, HYP_OVL_OVERHEAD, BPF_ADJ_ROOM_MAC,
				BPF_F_ADJ_ROOM_ENCAP_L3_IPV4 | BPF_F_ADJ_ROOM_ENCAP_L4_UDP))
		return HYP_DROP_OVL_ENCAP;
	if (bpf_skb_store_bytes(skb, sizeof(struct ethhdr), &sc->o, sizeof(sc->o), 0))
		return HYP_DROP_OVL_ENCAP;
	if (v6 && bpf_skb_store_bytes(skb, 12, &ip4, sizeof(ip4), 0)) /* the outer is IPv4 */
		return HYP_DROP_OVL_ENCAP;
	return 0;
}

#endif /* HYP_BPF_OVERLAY_TX_H */
