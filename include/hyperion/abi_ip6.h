/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Hyperion ABI, IPv6 part (included by abi.h, never on its own: abi.h stays
 * the one header). Same rules: fixed-width types, explicit padding, a size
 * assertion per struct. IPv6 addresses are four __u32 in network byte
 * order (the 16 bytes as on the wire); :: is all zero. The IPv6 drop
 * reasons (71..85, 91..95) are in enum hyp_drop_reason in abi.h.
 *
 * An IPv6 frame a SNIC sends is checked by the guard (hyp_guards6) and
 * the bridge port (hyp_ports6) against the SNIC's IPv6 binding: its
 * global address and its link-local address (fe80::/64, EUI-64 of its
 * MAC: hyp_ip6_ll_from_mac). The bridge answers neighbour solicitations
 * for the gateway (hyp_config6) and for every endpoint (hyp_endpoints6),
 * tracks flows in hyp_ct6 (values, timeouts and the per-owner quota
 * shared with IPv4: hyp_ct_val, hyp_ct_owners) and decides new flows with
 * the policy tables: identity rules in hyp_policy (as IPv4), ipBlock rules
 * on IPv6 addresses in hyp_policy6. docs: /work/notes/issue17-abi.md.
 */
#ifndef HYPERION_ABI_IP6_H
#define HYPERION_ABI_IP6_H

#ifndef HYPERION_ABI_H
#error "include hyperion/abi.h"
#endif

/* Extension headers the datapath walks before the upper-layer header, and
 * their bytes together: a longer or longer-reaching chain is dropped
 * (HYP_DROP_IP6_EXTHDR). Only hop-by-hop (first only) and destination
 * options are walked; routing and fragment headers are dropped with their
 * reasons, any other extension header (AH, ESP, mobility, HIP, shim6,
 * experimental) as ip6-exthdr. */
#define HYP_IP6_EXT_MAX	  4
#define HYP_IP6_EXT_BYTES 256

/* Endpoint table, IPv6: the SNIC's global address -> struct hyp_endpoint
 * (the same value as its IPv4 entry). Link-local addresses are not in it:
 * link-local destinations are not forwarded. */
struct hyp_ep6_key {
	__u32 ip[4];
};
_Static_assert(sizeof(struct hyp_ep6_key) == 16, "hyp_ep6_key abi");

/* Port table, IPv6 (key: bridge-side port ifindex, as hyp_ports): the
 * port's IPv6 source binding. The MAC, identity, SNIC id and stamp key are
 * its hyp_ports entry's; a port without an entry here takes no IPv6
 * (ip6-no-binding). A SNIC without IPv4 has ip 0 in hyp_ports / hyp_guards:
 * its IPv4 and ARP frames are dropped as spoofed. */
struct hyp_port6 {
	__u32 ip[4]; /* bound global source address */
	__u32 ll[4]; /* bound link-local source address */
	__u32 flags; /* none yet: 0 */
	__u32 pad;
};
_Static_assert(sizeof(struct hyp_port6) == 40, "hyp_port6 abi");

/* Guard table, IPv6 (key: struct hyp_guard_key, as hyp_guards): what the
 * container-side guard lets out as an IPv6 source. MAC, SNIC id and stamp
 * key are the hyp_guards entry's; no entry here: no IPv6 leaves. */
struct hyp_guard6 {
	__u32 ip[4];
	__u32 ll[4];
};
_Static_assert(sizeof(struct hyp_guard6) == 32, "hyp_guard6 abi");

/* Bridge-wide IPv6 configuration, one entry (key 0). prefixlen 0: the
 * instance has no IPv6 pool and every IPv6 frame is dropped. The gateway's
 * MAC is hyp_config.gw_mac. */
struct hyp_config6 {
	__u32 gw_ip[4]; /* the gateway's global address (answered in ND) */
	__u32 gw_ll[4]; /* the gateway's link-local (EUI-64 of gw_mac) */
	__u32 net[4];	/* the pool, host bits zero */
	__u8 prefixlen; /* of the pool (<= 128); 0: no IPv6 */
	__u8 pad[3];
	__u32 mtu; /* 0: not announced */
};
_Static_assert(sizeof(struct hyp_config6) == 56, "hyp_config6 abi");

/* Conntrack, IPv6: its own table (Cilium-style), the value, states,
 * timeouts and owner charge of IPv4's (struct hyp_ct_val, hyp_ct_timeout
 * with IPPROTO_ICMPV6 timed as ICMP, hyp_ct_owners: one quota for both
 * families). ICMPv6 echo: the echo id in both ports. */
#define HYP_CT6_MAX HYP_CT_MAX

struct hyp_ct6_key {
	__u32 saddr[4];
	__u32 daddr[4];
	__u16 sport;
	__u16 dport;
	__u8 proto;
	__u8 pad[3];
};
_Static_assert(sizeof(struct hyp_ct6_key) == 40, "hyp_ct6_key abi");

/*
 * Policy, IPv6 peers: ipBlock rules on IPv6 addresses, an LPM trie of its
 * own (identity rules stay in hyp_policy, for both families). Same layout
 * as hyp_policy_key with a 128-bit peer: gen, dir, kind (HYP_PEER_IPV6),
 * pad, local identity (big-endian), peer address, then protocol and port
 * (big-endian bytes). The first 192 bits are always exact (the compiler
 * expands an ipBlock to the addresses of the endpoints in it, as for
 * IPv4); any protocol stops there, a protocol with any port at 200 bits,
 * a port range adds the bits of its prefix. Value: struct hyp_policy_val.
 * A peer of the world (an outside IPv6 address) no entry admits takes two
 * more, as IPv4's (abi.h): (HYP_PEER_WORLD6_NET, its address), prefix 64 +
 * the network's bits, value: a set; then (HYP_PEER_WORLD6_SET, peer[0] the
 * set big-endian, the rest 0) with protocol and port as above.
 */
#define HYP_POLICY6_MAX_ENTRIES	   65536 /* both generations */
#define HYP_POLICY6_KEY_FIXED_BITS 192

struct hyp_policy6_key {
	__u32 prefixlen;
	__u8 gen;
	__u8 dir;
	__u8 kind; /* HYP_PEER_IPV6, HYP_PEER_WORLD6_NET or _SET */
	__u8 pad;
	__u32 local_id; /* big-endian */
	__u32 peer[4];	/* the peer's IPv6 address */
	__u8 proto;
	__u8 port_hi;
	__u8 port_lo;
	__u8 pad2;
};
_Static_assert(sizeof(struct hyp_policy6_key) == 32, "hyp_policy6_key abi");

/* The link-local address of a MAC: fe80::/64 with the modified EUI-64
 * interface id (RFC 4291 appendix A), as the kernel derives it
 * (addr_gen_mode eui64, the default). */
static inline void hyp_ip6_ll_from_mac(const __u8 mac[6], __u32 out[4])
{
	__u8 *b = (__u8 *)out;

	for (int i = 0; i < 16; i++)
		b[i] = 0;
	b[0] = 0xfe;
	b[1] = 0x80;
	b[8] = mac[0] ^ 0x02;
	b[9] = mac[1];
	b[10] = mac[2];
	b[11] = 0xff;
	b[12] = 0xfe;
	b[13] = mac[3];
	b[14] = mac[4];
	b[15] = mac[5];
}

/*
 * The uplink's IPv6 side (one entry, key 0; the interface is hyp_uplink's):
 * routed IPv6, no translation. The pool6 is a prefix the outside routes to
 * ip; a SNIC's packet to an address outside the pool leaves with its own
 * source through the uplink (bpf_redirect_neigh: the bridge netns's FIB and
 * ND), and what comes back is a reply of a tracked flow, a related ICMPv6
 * error, or a new flow to a routed-mode SNIC. ND about ip (or the uplink's
 * link-local) goes to the bridge netns's kernel; nothing else of the
 * outside's ND, and no RA. prefixlen 0: no IPv6 on the uplink.
 */
struct hyp_uplink6 {
	__u32 ip[4]; /* the uplink's IPv6 address */
	__u32 ll[4]; /* its link-local (EUI-64 of its MAC) */
	__u32 gw[4]; /* the next hop (:: none, only on-link) */
	__u8 prefixlen;
	__u8 pad[3];
	__u32 mtu; /* the uplink's (as hyp_uplink.mtu) */
};
_Static_assert(sizeof(struct hyp_uplink6) == 56, "hyp_uplink6 abi");

#define HYP_PIN_UPLINK6	   "hyp_uplink6"
#define HYP_PIN_ENDPOINTS6 "hyp_endpoints6"
#define HYP_PIN_PORTS6	   "hyp_ports6"
#define HYP_PIN_GUARDS6	   "hyp_guards6"
#define HYP_PIN_CONFIG6	   "hyp_config6"
#define HYP_PIN_CT6	   "hyp_ct6"
#define HYP_PIN_POLICY6	   "hyp_policy6"
#define HYP_PIN_CT6_RECENT "hyp_ct6_recent" /* a sample of new IPv6 flows (early drop) */

/*
 * IPv6 in the event records (docs/observability.md). A flow or drop event
 * of an IPv6 packet is a struct hyp_flow_event6 on hyp_flow_events: the
 * IPv4 record with version HYP_EVENT_VERSION6 (an IPv4-only reader skips
 * it: it wants HYP_EVENT_VERSION) and its saddr/daddr 0, followed by the
 * two IPv6 addresses. An inspection event of an IPv6 flow is a struct
 * hyp_inspect_event6 on hyp_events: the IPv4 record with family
 * HYP_INSPECT_EV_V6 in its pad and saddr/daddr 0 (an IPv4-only reader
 * sees no addresses, never wrong ones), followed by the addresses.
 */
#define HYP_EVENT_VERSION6 2
#define HYP_INSPECT_EV_V6  6

struct hyp_flow_event6 {
	struct hyp_flow_event e;
	__u32 saddr6[4], daddr6[4];
};
_Static_assert(sizeof(struct hyp_flow_event6) == 96, "hyp_flow_event6 abi");

struct hyp_inspect_event6 {
	struct hyp_inspect_event e;
	__u32 saddr6[4], daddr6[4];
};
_Static_assert(sizeof(struct hyp_inspect_event6) == 72, "hyp_inspect_event6 abi");

/* The IPv6 addresses of the packet being inspected, per CPU, for its
 * events (the walk's flow key holds IPv4-sized ones). */
struct hyp_walk6 {
	__u32 saddr[4], daddr[4];
};

/* The alert rate limit of an IPv6 flow (HYP_ALERT_INTERVAL_NS, abi.h), by
 * its full addresses: hyp_alert_key's flow holds only their fold. */
struct hyp_alert6_key {
	__u32 saddr[4], daddr[4];
	__u16 sport, dport; /* as the packet carries them */
	__u8 proto;
	__u8 pad[3];
	__u32 identity;
	__u32 dir;
	__u32 row;
};
_Static_assert(sizeof(struct hyp_alert6_key) == 52, "hyp_alert6_key abi");

#endif /* HYPERION_ABI_IP6_H */
