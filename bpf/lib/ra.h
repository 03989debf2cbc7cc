/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Router advertisements, from the bridge only (RFC 4861 6.1.1, 6.2.6): a
 * valid router solicitation from a SNIC (its own source, or :: without a
 * link-layer option; hop limit 255, code 0, to the all-routers group or
 * the gateway, options well formed, a source link-layer option only with
 * the port's MAC) is answered with an RA sent back out of its port alone:
 * from the gateway's link-local and MAC, to the solicitation's source (::
 * -> all-nodes), router lifetime HYP_RA_LIFETIME, the pool as an on-link
 * prefix with A = 0 (addresses are static: an address a container made
 * from the prefix would be dropped as spoofed, so none is offered), the
 * gateway's link-layer address and the link's MTU (the port's, which the
 * control plane sets per SNIC; hyp_config6.mtu, when set, instead). No
 * unsolicited RA is sent; a container's RA stays dropped (nd-ra).
 */
#ifndef HYP_BPF_RA_H
#define HYP_BPF_RA_H

#include "nd.h"

#define ND_OPT_PREFIX	3
#define ND_OPT_MTU	5
#define RA_PIO_L	0x80 /* on-link */
#define HYP_RA_LIFETIME 9000 /* s: the longest RFC 4861 allows (no unsolicited RAs) */
#define HYP_RS_OPTS	4    /* options walked in a solicitation; more: nd-invalid */

/* 0 when the solicitation is answered, else the drop reason. */
static __always_inline int rs_check(const struct pkt6 *c)
{
	const struct hyp_config6 *g = c->cfg6;
	const __u32 *d = c->ip6->daddr;
	__u32 plen = bpf_ntohs(c->ip6->plen), off = 8, zero = ip6_is_zero(c->ip6->saddr);
	__u8 opt[8];

	if (c->ip6->hlim != 255 || c->icmp_code || plen < 8 || c->l4.off != IP6_OFF + IP6_HLEN)
		return HYP_DROP_ND_INVALID;
	if (!(d[0] == bpf_htonl(0xff020000) && !d[1] && !d[2] && d[3] == bpf_htonl(2)) &&
	    !ip6_eq(d, g->gw_ll) && !ip6_eq(d, g->gw_ip))
		return HYP_DROP_ND_INVALID;
	for (int i = 0; i < HYP_RS_OPTS && off < plen; i++) {
		if (bpf_skb_load_bytes(c->skb, c->l4.off + off, opt, 2))
			return HYP_DROP_ND_INVALID;
		if (!opt[1])
			return HYP_DROP_ND_INVALID;
		if (opt[0] == ND_OPT_SLLA) {
			if (opt[1] != 1 || zero)
				return HYP_DROP_ND_INVALID;
			if (bpf_skb_load_bytes(c->skb, c->l4.off + off, opt, 8))
				return HYP_DROP_ND_INVALID;
#pragma unroll
			for (int j = 0; j < ETH_ALEN; j++)
				if (opt[2 + j] != c->port->mac[j])
					return HYP_DROP_ND_SPOOF;
		}
		off += (__u32)opt[1] * 8;
	}
	return off == plen ? 0 : HYP_DROP_ND_INVALID;
}

/* The advertisement, whole (icmp6_tx.h): the head, then the RA. */
struct ra_frame {
	struct icmp6_head h;
	__u8 hop_limit, flags;
	__be16 lifetime;
	__be32 reachable, retrans;
	__u8 sl_type, sl_len, sl_mac[6]; /* source link-layer address */
	__u8 pi_type, pi_len, pi_plen, pi_flags;
	__be32 pi_valid, pi_preferred, pi_res;
	__u32 pi_prefix[4];
	__u8 mtu_type, mtu_len;
	__be16 mtu_res;
	__be32 mtu;
};
#define RA_LEN	   (sizeof(struct ra_frame) - 2)

/* The port's MTU (the link's: set per SNIC), or hyp_config6.mtu when set. */
static __always_inline __u32 ra_mtu(const struct pkt6 *c)
{
	__u32 mtu = 0;

	if (c->cfg6->mtu)
		return c->cfg6->mtu;
	bpf_check_mtu(c->skb, 0, &mtu, 0, 0);
	return mtu;
}

/* Answers the solicitation: the frame becomes the RA, back out of its port. */
static __noinline int ra_reply(const struct pkt6 *c)
{
	struct ra_frame f = {};
	__u32 all_nodes[4] = {bpf_htonl(0xff020000), 0, 0, bpf_htonl(1)};
	const __u8 *gw_mac = c->cfg->gw_mac;
	int verdict;

	if (!c->cfg6 || !c->port)
		return TC_ACT_SHOT;
	icmp6_head_init(&f.h, RA_LEN, c->port->mac, gw_mac, c->cfg6->gw_ll,
			ip6_is_zero(c->ip6->saddr) ? all_nodes : c->ip6->saddr, ICMP6_RA);
	f.lifetime = bpf_htons(HYP_RA_LIFETIME);
	f.sl_type = ND_OPT_SLLA;
	f.sl_len = 1;
	__builtin_memcpy(f.sl_mac, gw_mac, ETH_ALEN);
	f.pi_type = ND_OPT_PREFIX;
	f.pi_len = 4;
	f.pi_plen = c->cfg6->prefixlen;
	f.pi_flags = RA_PIO_L;	 /* A = 0: no SLAAC */
	f.pi_valid = 0xffffffff; /* the pool lives as long as the instance */
	f.pi_preferred = 0xffffffff;
	ip6_copy(f.pi_prefix, c->cfg6->net);
	f.mtu_type = ND_OPT_MTU;
	f.mtu_len = 1;
	f.mtu = bpf_htonl(ra_mtu(c));
	verdict = icmp6_send(c->skb, &f.h, RA_LEN, c->ifindex);
	if (verdict != TC_ACT_SHOT)
		stat_add(c->ifindex, HYP_STAT_ARP_REPLY, RA_LEN);
	return verdict;
}

/* A solicitation: -1 when answered (*verdict), else the drop reason. */
static __always_inline int rs_stage(const struct pkt6 *c, int *verdict)
{
	int err = rs_check(c);

	if (err)
		return err;
	*verdict = ra_reply(c);
	return *verdict == TC_ACT_SHOT ? HYP_DROP_MALFORMED : -1;
}

#endif /* HYP_BPF_RA_H */
