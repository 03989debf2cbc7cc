/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * IPv4 through the uplink is routed by the bridge, which is a router: a
 * packet leaves (uplink_out.h) or comes in (uplink.h) with its TTL
 * decremented and its header checksum updated (RFC 1812 5.3.1). A SNIC's
 * packet whose TTL would reach 0 is answered with the gateway's ICMP time
 * exceeded (RFC 792: its IPv4 header and the first 8 bytes after it,
 * quoted), so traceroute through the node works; one from the outside is
 * dropped. Both are counted ttl-exceeded. The reply is icmp4_err_reply
 * (icmp4_err.h). IPv6's twin: hop6_forward and icmp6_err_reply
 * (uplink6_out.h).
 */
#ifndef HYP_BPF_UPLINK_TTL_H
#define HYP_BPF_UPLINK_TTL_H

#include "pipeline.h"
#include "maps_bridge.h"
#include "nat_csum.h"


/* The TTL of the packet decremented, its checksum with it; 0: done, else
 * the reason (it would reach 0, or the header is unreadable). */
static __always_inline int ttl_forward(struct __sk_buff *skb)
{
	__be16 old, new;
	__u8 *ttl = (__u8 *)&new;

	if (bpf_skb_load_bytes(skb, NAT_IP_OFF + 8, &old, 2)) /* TTL, protocol */
		return HYP_DROP_MALFORMED;
	new = old;
	if (*ttl <= 1)
		return HYP_DROP_TTL_EXCEEDED;
	(*ttl)--;
	if (bpf_l3_csum_replace(skb, NAT_IP_CSUM, old, new, 2) ||
	    bpf_skb_store_bytes(skb, NAT_IP_OFF + 8, &new, 2, 0))
		return HYP_DROP_MALFORMED;
	return 0;
}

#endif /* HYP_BPF_UPLINK_TTL_H */
