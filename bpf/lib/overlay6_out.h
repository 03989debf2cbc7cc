/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * IPv6 to another node's endpoint (the bridge port's IPv6 pipeline; the
 * IPv4 twin is forward.h's forward_overlay): past policy, conntrack and
 * inspection, the packet leaves for the uplink's egress with the node and
 * the sender's identity in the mark (HYP_OVL_MARK), where hyp_ovl_egress
 * wraps it (overlay_tx.h). IPv6 routers never fragment: a packet that
 * would not fit the uplink's MTU with the overlay's 52 bytes is answered
 * with an ICMPv6 packet too big carrying the room left (the caller sends
 * it: icmp6_err_reply) and counted (overlay-too-big).
 */
#ifndef HYP_BPF_OVERLAY6_OUT_H
#define HYP_BPF_OVERLAY6_OUT_H

#include "pipeline6.h"
#include "maps_overlay.h"
#include "uplink6_out.h"

/* The verdict, or -reason; -HYP_DROP_OVL_TOO_BIG with *mtu the MTU the
 * overlay leaves, for the packet too big. */
static __always_inline int to_overlay6(struct pkt6 *c, __u32 *mtu)
{
	struct __sk_buff *skb = c->skb;
	__u32 zero = 0, dev_mtu = 0;
	const struct hyp_ovl_self *self = bpf_map_lookup_elem(&hyp_ovl_self, &zero);

	if (!self || !self->node || !self->uplink_ifindex)
		return -HYP_DROP_OVL_NO_PEER;
	if (c->src_id > HYP_OVL_MARK_ID_MAX)
		return -HYP_DROP_OVL_ENCAP;
	if (bpf_check_mtu(skb, self->uplink_ifindex, &dev_mtu, HYP_OVL_OVERHEAD, 0) ==
	    BPF_MTU_CHK_RET_FRAG_NEEDED) {
		*mtu = dev_mtu > HYP_OVL_OVERHEAD + PTB_MIN_MTU ? dev_mtu - HYP_OVL_OVERHEAD
								: PTB_MIN_MTU;
		return -HYP_DROP_OVL_TOO_BIG;
	}
	skb->mark = HYP_OVL_MARK(c->ovl_node, c->src_id);
	stat_add(c->ifindex, HYP_STAT_FWD, skb->len);
	return bpf_redirect(self->uplink_ifindex, 0);
}

#endif /* HYP_BPF_OVERLAY6_OUT_H */
