// SPDX-License-Identifier: GPL-2.0-only
#include <string.h>

#include "hyperion/abi.h"
#include "lib/keys.h"
#include "lib/reasons.h"

static const char *const reason_names[__HYP_DROP_MAX] = {
    [HYP_DROP_NONE] = "none",
    [HYP_DROP_MALFORMED] = "malformed",
    [HYP_DROP_UNKNOWN_DST] = "unknown-dst",
    [HYP_DROP_SPOOFED_SRC_MAC] = "spoofed-src-mac",
    [HYP_DROP_SPOOFED_SRC_IP] = "spoofed-src-ip",
    [HYP_DROP_ARP_SPOOF] = "arp-spoof",
    [HYP_DROP_ARP_UNSUPPORTED] = "arp-unsupported",
    [HYP_DROP_ARP_UNKNOWN_TARGET] = "arp-unknown-target",
    [HYP_DROP_VLAN] = "vlan-tagged",
    [HYP_DROP_IPV6] = "ipv6",
    [HYP_DROP_LLDP] = "lldp",
    [HYP_DROP_ETHERTYPE] = "ethertype",
    [HYP_DROP_STAMP_MISSING] = "stamp-missing",
    [HYP_DROP_STAMP_BAD] = "stamp-bad",
    [HYP_DROP_DST_BCAST_MCAST] = "dst-bcast-mcast",
    [HYP_DROP_NO_PORT] = "no-port",
    [HYP_DROP_HAIRPIN] = "hairpin",
    [HYP_DROP_IP_OPTIONS] = "ip-options",
    [HYP_DROP_REDIRECT_FAILED] = "redirect-failed",
    [HYP_DROP_TO_GATEWAY] = "to-gateway",
    [HYP_DROP_POLICY_EGRESS] = "policy-egress-denied",
    [HYP_DROP_POLICY_INGRESS] = "policy-ingress-denied",
    [HYP_DROP_CT_INVALID] = "ct-invalid",
    [HYP_DROP_CT_FULL] = "ct-full",
    [HYP_DROP_FRAGMENT] = "fragment",
    [HYP_DROP_POLICY_REVOKED] = "policy-revoked",
    [HYP_DROP_INSPECT_MATCH] = "inspect-match",
    [HYP_DROP_INSPECT_BLOCKED] = "inspect-blocked",
    [HYP_DROP_INSPECT_OOO] = "inspect-out-of-order",
    [HYP_DROP_INSPECT_IP_CSUM] = "inspect-ip-checksum",
    [HYP_DROP_INSPECT_IP_LEN] = "inspect-ip-length",
    [HYP_DROP_INSPECT_NO_ACK] = "inspect-data-no-ack",
    [HYP_DROP_INSPECT_SYN_DATA] = "inspect-syn-data",
    [HYP_DROP_INSPECT_URG] = "inspect-urgent",
    [HYP_DROP_INSPECT_OVERLAP] = "inspect-overlap",
    [HYP_DROP_INSPECT_WINDOW] = "inspect-out-of-window",
    [HYP_DROP_INSPECT_PROTO] = "inspect-protocol",
    [HYP_DROP_INSPECT_NO_STATE] = "inspect-no-state",
    [HYP_DROP_INSPECT_BUSY] = "inspect-concurrent",
    [HYP_DROP_CT_QUOTA] = "ct-quota",
    [HYP_DROP_ICMP_UNRELATED] = "icmp-unrelated",
    [HYP_DROP_UPLINK_TO_BRIDGE] = "uplink-to-bridge",
    [HYP_DROP_UPLINK_ARP] = "uplink-arp-other",
    [HYP_DROP_UPLINK_NOT_OURS] = "uplink-not-ours",
    [HYP_DROP_UPLINK_SPOOF] = "uplink-spoofed-src",
    [HYP_DROP_NO_UPLINK] = "no-uplink",
    [HYP_DROP_NAT_NO_PORT] = "nat-no-port",
    [HYP_DROP_UPLINK_FIB] = "uplink-no-route",
    [HYP_DROP_UPLINK_MTU] = "uplink-too-big",
    [HYP_DROP_HOP_LIMIT] = "hop-limit-exceeded",
    [HYP_DROP_TTL_EXCEEDED] = "ttl-exceeded",
    [HYP_DROP_UPLINK_PROTO] = "nat-protocol",
    [HYP_DROP_HOST_TO_OTHER] = "host-not-ours",
    [HYP_DROP_OVL_MALFORMED] = "overlay-malformed",
    [HYP_DROP_OVL_UNKNOWN_NODE] = "overlay-unknown-node",
    [HYP_DROP_OVL_NODE_ADDR] = "overlay-node-addr",
    [HYP_DROP_OVL_AUTH] = "overlay-auth-failed",
    [HYP_DROP_OVL_REPLAY] = "overlay-replay",
    [HYP_DROP_OVL_OLD] = "overlay-behind-window",
    [HYP_DROP_OVL_NO_INTEGRITY] = "overlay-no-integrity",
    [HYP_DROP_OVL_SRC_BLOCK] = "overlay-src-block",
    [HYP_DROP_OVL_NO_PEER] = "overlay-no-peer",
    [HYP_DROP_OVL_ENCAP] = "overlay-encap-failed",
    [HYP_DROP_OVL_TOO_BIG] = "overlay-too-big",
    [HYP_DROP_OVL_SRC6] = "overlay-src6",
    [HYP_DROP_IP6_NO_BINDING] = "ip6-no-binding",
    [HYP_DROP_IP6_SPOOFED_SRC] = "ip6-spoofed-src",
    [HYP_DROP_IP6_EXTHDR] = "ip6-exthdr",
    [HYP_DROP_IP6_ROUTING_HDR] = "ip6-routing-header",
    [HYP_DROP_IP6_FRAGMENT] = "ip6-fragment",
    [HYP_DROP_ND_SPOOF] = "nd-spoof",
    [HYP_DROP_ND_NA] = "nd-na",
    [HYP_DROP_ND_RA] = "nd-ra",
    [HYP_DROP_ND_REDIRECT] = "nd-redirect",
    [HYP_DROP_ND_UNKNOWN_TARGET] = "nd-unknown-target",
    [HYP_DROP_ND_DAD] = "nd-dad",
    [HYP_DROP_ND_INVALID] = "nd-invalid",
    [HYP_DROP_MLD] = "mld",
    [HYP_DROP_IP6_MCAST] = "ip6-multicast",
    [HYP_DROP_IP6_OUTSIDE] = "ip6-outside",
    [HYP_DROP_UPLINK_ND] = "uplink-nd-other",
    [HYP_DROP_UPLINK_RA] = "uplink-ra",
    [HYP_DROP_IP6_NOT_INSPECTED] = "ip6-not-inspected",
    [HYP_DROP_ICMP6_TYPE] = "icmp6-type",
    [HYP_DROP_IP6_LINKLOCAL] = "ip6-link-local",
    [HYP_DROP_ND_RS] = "nd-rs",
};

const char *drop_reason_name(uint32_t reason)
{
	if (reason >= __HYP_DROP_MAX || !reason_names[reason])
		return "unknown";
	return reason_names[reason];
}

int drop_reason_from_name(const char *name)
{
	for (int i = 0; i < __HYP_DROP_MAX; i++)
		if (reason_names[i] && !strcmp(reason_names[i], name))
			return i;
	return -1;
}

const char *port_stat_name(uint32_t stat)
{
	static const char *const names[__HYP_STAT_MAX] = {
	    [HYP_STAT_RX] = KEY_STAT_RX,
	    [HYP_STAT_FWD] = KEY_STAT_FORWARDED,
	    [HYP_STAT_ARP_REPLY] = KEY_STAT_ARP_REPLIES,
	    [HYP_STAT_DROP] = KEY_STAT_DROPPED,
	    [HYP_STAT_RELATED] = KEY_STAT_RELATED,
	};

	return stat < __HYP_STAT_MAX ? names[stat] : "unknown";
}
