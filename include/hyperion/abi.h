/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Hyperion ABI: everything the datapath (BPF) and the control plane
 * (userspace) both see. Map keys and values, drop reasons, counters.
 *
 * Rules: fixed-width types only, explicit padding, a size assertion per
 * struct. Drop reason values are stable: never renumber, only append.
 * All IPv4 addresses are in network byte order.
 */
#ifndef HYPERION_ABI_H
#define HYPERION_ABI_H

#ifdef __BPF__
/* vmlinux.h already provides the __uN types */
#else
#include <linux/types.h>
#endif

#define HYP_ABI_VERSION 1

/* Table sizes: the match-action table capacities of the (emulated) NIC. */
#define HYP_MAX_ENDPOINTS 4096
#define HYP_MAX_DROP_KEYS 16384
#define HYP_MAX_GUARDS 4096

/* Drop reasons. Stable codes: append only. */
enum hyp_drop_reason {
	HYP_DROP_NONE = 0,
	HYP_DROP_MALFORMED = 1, /* truncated or bad header */
	HYP_DROP_UNKNOWN_DST = 2, /* IPv4 destination not an endpoint */
	HYP_DROP_SPOOFED_SRC_MAC = 3, /* source MAC is not the port's */
	HYP_DROP_SPOOFED_SRC_IP = 4, /* source IPv4 is not the port's */
	HYP_DROP_ARP_SPOOF = 5, /* ARP sender MAC/IP is not the port's */
	HYP_DROP_ARP_UNSUPPORTED = 6, /* ARP that is not an IPv4 request */
	HYP_DROP_ARP_UNKNOWN_TARGET = 7, /* ARP for an address nobody owns */
	HYP_DROP_VLAN = 8, /* 802.1Q / 802.1ad tagged frame */
	HYP_DROP_IPV6 = 9, /* IPv6 (not supported yet) */
	HYP_DROP_LLDP = 10, /* LLDP and other link-local control */
	HYP_DROP_ETHERTYPE = 11, /* any other ethertype */
	HYP_DROP_STAMP_MISSING = 12, /* unstamped frame (guard bypassed) */
	HYP_DROP_STAMP_BAD = 13, /* stamp does not verify */
	HYP_DROP_DST_BCAST_MCAST = 14, /* IPv4 broadcast / multicast dst */
	HYP_DROP_NO_PORT = 15, /* frame on a port with no binding */
	HYP_DROP_HAIRPIN = 16, /* destination is the sending port */
	HYP_DROP_IP_OPTIONS = 17, /* IPv4 header with options / bad ihl */
	HYP_DROP_REDIRECT_FAILED = 18, /* redirect helper refused */
	HYP_DROP_TO_GATEWAY = 19, /* IPv4 to the gateway (no host stack) */
	__HYP_DROP_MAX,
};

/* Endpoint table: destination IPv4 -> where and who. */
struct hyp_ep_key {
	__u32 ip;
};

struct hyp_endpoint {
	__u32 port_ifindex; /* bridge-side port (in the bridge netns) */
	__u32 identity; /* numeric identity of the label set */
	__u8 mac[6]; /* the SNIC's MAC (container side) */
	__u16 flags;
	__u32 snic_id;
};
_Static_assert(sizeof(struct hyp_endpoint) == 20, "hyp_endpoint abi");

#define HYP_PORT_F_GUARD 0x1 /* frames must carry a valid stamp */

/* Port table: bridge-side port ifindex -> source binding + stamp key. */
struct hyp_port {
	__u32 ip; /* bound source IPv4 */
	__u8 mac[6]; /* bound source MAC */
	__u16 flags; /* HYP_PORT_F_* */
	__u32 identity;
	__u32 snic_id;
	__u64 key[2]; /* SipHash key of the SNIC's source stamp */
};
_Static_assert(sizeof(struct hyp_port) == 40, "hyp_port abi");

/* Bridge-wide configuration, one entry. */
struct hyp_config {
	__u32 gw_ip; /* gateway address answered by the bridge */
	__u8 gw_mac[6];
	__u16 flags;
	__u32 net; /* pool network */
	__u32 mask; /* pool netmask */
};
_Static_assert(sizeof(struct hyp_config) == 20, "hyp_config abi");

/* Drop counters: per port and reason (per-CPU values). */
struct hyp_drop_key {
	__u32 ifindex; /* bridge port, or snic_id for the guard table */
	__u32 reason;
};
_Static_assert(sizeof(struct hyp_drop_key) == 8, "hyp_drop_key abi");

struct hyp_counter {
	__u64 packets;
	__u64 bytes;
};
_Static_assert(sizeof(struct hyp_counter) == 16, "hyp_counter abi");

/* Per-port traffic counters (per-CPU values). */
enum hyp_port_stat {
	HYP_STAT_RX = 0, /* frames received from the SNIC */
	HYP_STAT_FWD = 1, /* frames forwarded to another port */
	HYP_STAT_ARP_REPLY = 2, /* ARP requests answered by the bridge */
	HYP_STAT_DROP = 3, /* frames dropped (any reason) */
	__HYP_STAT_MAX,
};

struct hyp_stat_key {
	__u32 ifindex;
	__u32 stat;
};
_Static_assert(sizeof(struct hyp_stat_key) == 8, "hyp_stat_key abi");

/*
 * Guard table (container side). The guard program is shared by all SNICs
 * of an instance and runs in each container netns; a SNIC is identified by
 * the netns cookie and the ifindex inside that netns.
 */
struct hyp_guard_key {
	__u64 netns_cookie;
	__u32 ifindex;
	__u32 pad;
};
_Static_assert(sizeof(struct hyp_guard_key) == 16, "hyp_guard_key abi");

struct hyp_guard {
	__u32 ip; /* the SNIC's IPv4 */
	__u8 mac[6]; /* the SNIC's MAC */
	__u16 flags;
	__u32 snic_id;
	__u32 pad;
	__u64 key[2]; /* SipHash key of the source stamp */
};
_Static_assert(sizeof(struct hyp_guard) == 40, "hyp_guard abi");

/*
 * Source stamp. The container-side guard writes a keyed MAC of the frame's
 * header fields into the destination MAC field (46 bits: the I/G bit is
 * kept 0 = unicast, the U/L bit is 1 = locally administered). The bridge
 * answers all ARP itself and routes by destination IPv4, so the original
 * destination MAC carries no information it needs; it verifies the stamp
 * and writes the real destination MAC back before forwarding.
 */
#define HYP_STAMP_MAC_BITS 46

/* Names of pinned objects under the instance's pin root. */
#define HYP_PIN_ENDPOINTS "hyp_endpoints"
#define HYP_PIN_PORTS "hyp_ports"
#define HYP_PIN_CONFIG "hyp_config"
#define HYP_PIN_DROPS "hyp_drops"
#define HYP_PIN_STATS "hyp_stats"
#define HYP_PIN_GUARD_DROPS "hyp_guard_drops"
#define HYP_PIN_GUARDS "hyp_guards"

#endif /* HYPERION_ABI_H */
