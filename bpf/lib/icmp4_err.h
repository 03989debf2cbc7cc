/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The one builder of the IPv4 ICMP errors the bridge sends itself, as the
 * gateway, to a SNIC whose packet it could not route to the outside
 * (uplink_out.h): time exceeded in transit (its TTL would reach 0:
 * uplink_ttl.h) and fragmentation needed (bigger than the uplink's MTU with
 * DF set: RFC 1191, the next-hop MTU in the header's second half). The
 * frame is a struct on the stack (two bytes of padding align the headers:
 * the verifier refuses unaligned stack access), written over the packet
 * and sent back out of the SNIC's port. It quotes the packet's IPv4 header
 * (no options: parse.h) and the first 8 bytes after it (RFC 792), as the
 * packet was when it failed: untranslated. ICMP errors are never answered
 * (RFC 1122 3.2.2): none gets this far, as only TCP, UDP and ICMP echo
 * pass conntrack (ct_may_start) and the errors of a SNIC to the outside are
 * dropped before it (uplink-proto); test_bpf_nat tries both. IPv6's twin:
 * icmp6_tx.h.
 */
#ifndef HYP_BPF_ICMP4_ERR_H
#define HYP_BPF_ICMP4_ERR_H

#include "pipeline.h"
#include "maps_bridge.h"
#include "maps_uplink.h"
#include "related.h" /* the ICMP types */
#include "csum_fold.h"

#define ICMP_ERR_QUOTE	 28	/* the IPv4 header and 8 bytes */
#define ICMP_FRAG_NEEDED 4	/* code of ICMP_DEST_UNREACH */
#define ICMP_MIN_MTU	 68	/* RFC 791: every host takes it */
#define IP_DF		 0x4000 /* the frag_off field: do not fragment */

/* The error, whole. */
struct icmp4_err_frame {
	__u8 pad[2];
	__u8 dmac[6], smac[6];
	__be16 proto;
	struct iphdr ip; /* at 16 */
	__u8 type, code; /* at 36 */
	__u16 csum;
	__be16 unused;
	__be16 mtu; /* fragmentation needed: the next hop's MTU; else 0 */
	__u8 quote[ICMP_ERR_QUOTE];
};
#define ICMP_ERR_LEN  (sizeof(struct icmp4_err_frame) - 2)
#define ICMP_ERR_PLEN (8 + ICMP_ERR_QUOTE)

/*
 * The frame becomes the gateway's ICMP error (type, code; mtu for a
 * fragmentation needed) to its sender, sent back out of its port
 * (ifindex): the verdict. A function of its own: the frame it builds stays
 * off the pipeline's stack.
 */
static __noinline int icmp4_err_reply(struct __sk_buff *skb, __u32 ifindex, __u32 type, __u32 code,
				      __u32 mtu)
{
	const struct hyp_port *port = bpf_map_lookup_elem(&hyp_ports, &ifindex);
	const struct hyp_config *cfg;
	struct icmp4_err_frame f = {};
	__u32 zero = 0;

	cfg = bpf_map_lookup_elem(&hyp_config, &zero);
	if (!skb || !port || !cfg)
		return TC_ACT_SHOT;
	/* a shorter packet is quoted padded with zeros */
	if (skb->len < NAT_IP_OFF + ICMP_ERR_QUOTE &&
	    bpf_skb_change_tail(skb, NAT_IP_OFF + ICMP_ERR_QUOTE, 0))
		return TC_ACT_SHOT;
	if (bpf_skb_load_bytes(skb, NAT_IP_OFF, f.quote, ICMP_ERR_QUOTE))
		return TC_ACT_SHOT;
	__builtin_memcpy(f.dmac, port->mac, ETH_ALEN);
	__builtin_memcpy(f.smac, cfg->gw_mac, ETH_ALEN);
	f.proto = bpf_htons(ETH_P_IP);
	f.ip.version = 4;
	f.ip.ihl = 5;
	f.ip.tos = 0xc0; /* internetwork control, as routers send errors */
	f.ip.tot_len = bpf_htons(ICMP_ERR_LEN - NAT_IP_OFF);
	f.ip.ttl = 64;
	f.ip.protocol = IPPROTO_ICMP;
	f.ip.saddr = cfg->gw_ip;
	__builtin_memcpy(&f.ip.daddr, f.quote + 12, 4); /* the packet's source */
	f.ip.check = csum_fold_diff(bpf_csum_diff(NULL, 0, (__be32 *)&f.ip, 20, 0));
	f.type = (__u8)type;
	f.code = (__u8)code;
	f.mtu = bpf_htons((__u16)mtu);
	f.csum = csum_fold_diff(bpf_csum_diff(NULL, 0, (__be32 *)&f.type, ICMP_ERR_PLEN, 0));
	if (bpf_skb_change_tail(skb, ICMP_ERR_LEN, 0) ||
	    bpf_skb_store_bytes(skb, 0, f.dmac, ICMP_ERR_LEN, 0))
		return TC_ACT_SHOT;
	return bpf_redirect(ifindex, 0);
}

/*
 * A SNIC's packet the uplink refused with reason, counted already: answered
 * when a router would answer it, else dropped; the verdict. TTL would reach
 * 0: time exceeded. Bigger than the uplink's MTU with DF set: fragmentation
 * needed with the uplink's MTU as the kernel has it now; without DF it is
 * only dropped (the bridge does not fragment: parse.h refuses fragments).
 */
static __always_inline int uplink_err_answer(struct __sk_buff *skb, __u32 ifindex, int reason)
{
	const struct hyp_uplink *u;
	__be16 frag = 0;
	__u32 mtu = 0;

	if (reason == HYP_DROP_TTL_EXCEEDED)
		return icmp4_err_reply(skb, ifindex, ICMP_TIME_EXCEEDED, 0, 0);
	if (reason != HYP_DROP_UPLINK_MTU)
		return TC_ACT_SHOT;
	u = uplink_get();
	if (!u || bpf_skb_load_bytes(skb, NAT_IP_OFF + 6, &frag, 2) || !(frag & bpf_htons(IP_DF)))
		return TC_ACT_SHOT;
	bpf_check_mtu(skb, u->ifindex, &mtu, 0, 0); /* fails: it is too big; mtu set */
	if (mtu < ICMP_MIN_MTU || mtu > 0xffff)
		mtu = u->mtu;
	return icmp4_err_reply(skb, ifindex, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, mtu);
}

#endif /* HYP_BPF_ICMP4_ERR_H */
