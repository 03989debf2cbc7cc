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
#include <linux/bpf.h> /* struct bpf_spin_lock */
#endif

#define HYP_ABI_VERSION 1

/*
 * Table sizes: the match-action table capacities of the (emulated) NIC.
 * 16 384 endpoints per node (docs/policy.md, "Capacity"); the drop and
 * stat counters are keyed by (port, reason): four per endpoint. Pinned maps
 * of another size are refused at start (emu_pincheck.c): teardown first.
 */
#define HYP_MAX_ENDPOINTS 16384
#define HYP_MAX_DROP_KEYS (4 * HYP_MAX_ENDPOINTS)
#define HYP_MAX_GUARDS	  16384

/* Drop reasons. Stable codes: append only. */
enum hyp_drop_reason {
	HYP_DROP_NONE = 0,
	HYP_DROP_MALFORMED = 1,		 /* truncated or bad header */
	HYP_DROP_UNKNOWN_DST = 2,	 /* IPv4 destination not an endpoint */
	HYP_DROP_SPOOFED_SRC_MAC = 3,	 /* source MAC is not the port's */
	HYP_DROP_SPOOFED_SRC_IP = 4,	 /* source IPv4 is not the port's */
	HYP_DROP_ARP_SPOOF = 5,		 /* ARP sender MAC/IP is not the port's */
	HYP_DROP_ARP_UNSUPPORTED = 6,	 /* ARP that is not an IPv4 request */
	HYP_DROP_ARP_UNKNOWN_TARGET = 7, /* ARP for an address nobody owns */
	HYP_DROP_VLAN = 8,		 /* 802.1Q / 802.1ad tagged frame */
	HYP_DROP_IPV6 = 9,		 /* IPv6 (not supported yet) */
	HYP_DROP_LLDP = 10,		 /* LLDP and other link-local control */
	HYP_DROP_ETHERTYPE = 11,	 /* any other ethertype */
	HYP_DROP_STAMP_MISSING = 12,	 /* unstamped frame (guard bypassed) */
	HYP_DROP_STAMP_BAD = 13,	 /* stamp does not verify */
	HYP_DROP_DST_BCAST_MCAST = 14,	 /* IPv4 broadcast / multicast dst */
	HYP_DROP_NO_PORT = 15,		 /* frame on a port with no binding */
	HYP_DROP_HAIRPIN = 16,		 /* destination is the sending port */
	HYP_DROP_IP_OPTIONS = 17,	 /* IPv4 header with options / bad ihl */
	HYP_DROP_REDIRECT_FAILED = 18,	 /* redirect helper refused */
	HYP_DROP_TO_GATEWAY = 19,	 /* IPv4 to the gateway (no host stack) */
	HYP_DROP_POLICY_EGRESS = 20,	 /* source's egress policy denies */
	HYP_DROP_POLICY_INGRESS = 21,	 /* destination's ingress policy denies */
	HYP_DROP_CT_INVALID = 22,	 /* not a flow start and no conntrack entry */
	HYP_DROP_CT_FULL = 23,		 /* conntrack table full: new flow refused */
	HYP_DROP_FRAGMENT = 24,		 /* IPv4 fragment (not carried) */
	HYP_DROP_POLICY_REVOKED = 25,	 /* established flow a policy change now denies */
	HYP_DROP_INSPECT_MATCH = 26,	 /* payload matched a drop pattern */
	HYP_DROP_INSPECT_BLOCKED = 27,	 /* later packet of a flow blocked by inspection */
	HYP_DROP_INSPECT_OOO = 28,	 /* out-of-order segment of an inspected flow */
	/* inspected flows: what the receiver would not take as stream bytes */
	HYP_DROP_INSPECT_IP_CSUM = 29,	/* IPv4 header checksum wrong */
	HYP_DROP_INSPECT_IP_LEN = 30,	/* IPv4 total length is not the frame's */
	HYP_DROP_INSPECT_NO_ACK = 31,	/* TCP data without ACK */
	HYP_DROP_INSPECT_SYN_DATA = 32, /* TCP payload on a SYN (no Fast Open) */
	HYP_DROP_INSPECT_URG = 33,	/* TCP urgent pointer set */
	HYP_DROP_INSPECT_OVERLAP = 34,	/* bytes walked, not yet acknowledged, sent again */
	HYP_DROP_INSPECT_WINDOW = 35,	/* TCP data past the receiver's window */
	HYP_DROP_INSPECT_PROTO = 36,	/* payload of a protocol its patterns do not cover */
	HYP_DROP_INSPECT_NO_STATE = 37, /* inspected flow without its inspection state */
	HYP_DROP_INSPECT_BUSY = 38,	/* payload while another CPU walks the same direction */
	HYP_DROP_CT_QUOTA = 39,		/* the sender holds its quota of conntrack entries */
	HYP_DROP_ICMP_UNRELATED = 40,	/* ICMP error about no tracked flow of its two ends */
	/* north-south (41..55) */
	HYP_DROP_UPLINK_TO_BRIDGE = 41, /* outside -> the uplink address: not published, no reply */
	HYP_DROP_UPLINK_ARP = 42,	/* ARP on the uplink not about the uplink address */
	HYP_DROP_UPLINK_NOT_OURS = 43,	/* outside IPv4 not addressed to the uplink address */
	HYP_DROP_UPLINK_SPOOF = 44,	/* outside frame with a pool or uplink source address */
	HYP_DROP_NO_UPLINK = 45,	/* to outside the pool, and the bridge has no uplink */
	HYP_DROP_NAT_NO_PORT = 46,	/* no free SNAT port for the flow */
	HYP_DROP_UPLINK_FIB = 47,	/* no route or neighbour towards the outside */
	HYP_DROP_UPLINK_MTU = 48,    /* bigger than the uplink MTU (IPv6: PTB sent back; IPv4: frag needed if DF) */
	HYP_DROP_UPLINK_PROTO = 49,  /* a protocol SNAT cannot translate (not TCP/UDP/ICMP echo) */
	HYP_DROP_HOST_TO_OTHER = 50, /* host port frame not addressed by/to the host endpoint */
	HYP_DROP_TTL_EXCEEDED = 51,  /* IPv4 TTL would reach 0 through the uplink */
	HYP_DROP_HOP_LIMIT = 54,     /* IPv6 hop limit would reach 0 through the uplink */
	/* 56..70: the cluster overlay (docs/cluster.md), checked in this order */
	HYP_DROP_OVL_MALFORMED = 56,	/* overlay header truncated, wrong version or flags */
	HYP_DROP_OVL_UNKNOWN_NODE = 57, /* source node not a live peer */
	HYP_DROP_OVL_NODE_ADDR = 58,	/* outer source is not that node's address */
	HYP_DROP_OVL_AUTH = 59,		/* authenticator does not verify: forged or modified */
	HYP_DROP_OVL_REPLAY = 60,	/* sequence number already seen */
	HYP_DROP_OVL_OLD = 61,		/* sequence number behind the replay window */
	HYP_DROP_OVL_NO_INTEGRITY = 62, /* payload not covered, and this node requires it */
	HYP_DROP_OVL_SRC_BLOCK = 63,	/* inner source outside the sending node's block */
	HYP_DROP_OVL_NO_PEER = 64,	/* to a remote block whose node has no key here */
	HYP_DROP_OVL_ENCAP = 65,	/* encapsulation failed (no room, no uplink, GSO) */
	HYP_DROP_OVL_TOO_BIG = 66,	/* wrapped, it would exceed the uplink's MTU */
	/* 71..85, 91..95: IPv6 (docs/ipv6.md, include/hyperion/abi_ip6.h) */
	HYP_DROP_IP6_NO_BINDING = 71,	   /* IPv6 on a port (or bridge) with no IPv6 binding */
	HYP_DROP_IP6_SPOOFED_SRC = 72,	   /* source neither the port's address nor its link-local */
	HYP_DROP_IP6_EXTHDR = 73,	   /* extension header unknown, repeated, too long, too many */
	HYP_DROP_IP6_ROUTING_HDR = 74,	   /* routing header (type 0 and every other type) */
	HYP_DROP_IP6_FRAGMENT = 75,	   /* IPv6 fragment header (not carried, as IPv4's) */
	HYP_DROP_ND_SPOOF = 76,		   /* NS whose source, target or link-layer option is not the port's */
	HYP_DROP_ND_NA = 77,		   /* neighbour advertisement from a container */
	HYP_DROP_ND_RA = 78,		   /* router advertisement from a container */
	HYP_DROP_ND_REDIRECT = 79,	   /* redirect from a container */
	HYP_DROP_ND_UNKNOWN_TARGET = 80,   /* NS for an address nobody else owns */
	HYP_DROP_ND_DAD = 81,		   /* DAD NS for the port's own address: absorbed, unanswered */
	HYP_DROP_ND_INVALID = 82,	   /* ND message: hop limit not 255, bad code, length, options */
	HYP_DROP_MLD = 83,		   /* MLD report / query / done: not forwarded */
	HYP_DROP_IP6_MCAST = 84,	   /* IPv6 multicast destination (other than ND to the bridge) */
	HYP_DROP_IP6_OUTSIDE = 85,	   /* IPv6 to outside the pool or another node: no IPv6 uplink / overlay */
	HYP_DROP_UPLINK_ND = 86,	   /* ND on the uplink not about its addresses, or an NA not to it */
	HYP_DROP_UPLINK_RA = 87,	   /* RA, redirect, RS or MLD from the outside: never taken */
	HYP_DROP_OVL_SRC6 = 88,		   /* overlay inner IPv6 source outside the sending node's /64 */
	HYP_DROP_IP6_NOT_INSPECTED = 91,   /* unused now: IPv6 payloads are inspected */
	HYP_DROP_ICMP6_TYPE = 92,	   /* ICMPv6 type not carried (node info, renumbering, ...) */
	HYP_DROP_IP6_LINKLOCAL = 93,	   /* link-local dst (not gateway's), or src off its link */
	HYP_DROP_ND_RS = 94,		   /* unused: an RS gets the bridge's RA (ra.h) or nd-invalid */
	__HYP_DROP_MAX = 96, /* one past the highest code any range (up to 95) may use */
};

/* Endpoint table: destination IPv4 -> where and who. */
struct hyp_ep_key {
	__u32 ip;
};

struct hyp_endpoint {
	__u32 port_ifindex; /* bridge-side port (in the bridge netns) */
	__u32 identity;	    /* numeric identity of the label set */
	__u8 mac[6];	    /* the SNIC's MAC (container side) */
	__u16 flags;
	__u32 snic_id;
};
_Static_assert(sizeof(struct hyp_endpoint) == 20, "hyp_endpoint abi");

#define HYP_PORT_F_GUARD  0x1 /* frames must carry a valid stamp */
#define HYP_PORT_F_ROUTED 0x2 /* routed mode: to the outside with its own address (no SNAT) */

#define HYP_EP_F_ROUTED                                                                            \
	0x1 /* routed mode: to and from the outside with its own address (no SNAT) */

/* Reserved identities (label identities start at 256). */
#define HYP_ID_HOST  1 /* the host endpoint (hyperctl host enable) */
#define HYP_ID_WORLD 2 /* any address outside the pool, through the uplink */

/* Port table: bridge-side port ifindex -> source binding + stamp key. */
struct hyp_port {
	__u32 ip;    /* bound source IPv4 */
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
	__u32 net;	/* pool network */
	__u32 mask;	/* pool netmask */
	__u32 ct_quota; /* conntrack entries one endpoint's flows may hold (0: the default) */
	/* the active rule set and the revision it was published under: one
	 * aligned 8-byte word, which the datapath reads in one load (so no
	 * packet pairs one rule set with another's revision) and the loader
	 * writes in one update */
	union {
		__u64 policy;
		struct {
			__u32 policy_gen; /* active rule set generation (0/1) */
			__u32 policy_rev; /* bumped on every policy change */
		};
	};
};
_Static_assert(sizeof(struct hyp_config) == 32, "hyp_config abi");
_Static_assert(__builtin_offsetof(struct hyp_config, policy) % 8 == 0, "hyp_config policy word");

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
	HYP_STAT_RX = 0,	/* frames received from the SNIC */
	HYP_STAT_FWD = 1,	/* frames forwarded to another port */
	HYP_STAT_ARP_REPLY = 2, /* ARP requests answered by the bridge */
	HYP_STAT_DROP = 3,	/* frames dropped (any reason) */
	HYP_STAT_RELATED = 4,	/* ICMP errors passed to the endpoint of their flow */
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
	__u32 ip;    /* the SNIC's IPv4 */
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

/*
 * Policy. Each selected identity has an enforcement entry; each allow rule
 * compiles to LPM-trie entries. The datapath does at most three lookups
 * per direction for a new flow, whatever the number of rules:
 * (peer identity), (any peer), (peer IPv4, from ipBlock).
 *
 * Key bytes, in prefix order: gen, dir, kind, pad, local identity, peer,
 * protocol, port. The first 96 bits are always exact; a rule for any
 * protocol stops there, a protocol with any port at 104 bits, a port range
 * adds the bits of its prefix. Multi-byte fields are big-endian so that a
 * port range decomposes into prefixes.
 *
 * A peer of the world (identity HYP_ID_WORLD, outside the pool) that no
 * entry above admits takes two more: (HYP_PEER_WORLD_NET, its address),
 * whose prefix ends in the peer field (64 + the network's bits; the value's
 * rule_id is then a set of ipBlock rules, the longest outside network of
 * the local identity's ipBlocks and excepts that holds the address), then
 * (HYP_PEER_WORLD_SET, that set) with protocol and port as above.
 */
#define HYP_POLICY_MAX_ENTRIES	  524288 /* both generations */
#define HYP_POLICY_KEY_FIXED_BITS 96

enum hyp_policy_dir { HYP_DIR_INGRESS = 0, HYP_DIR_EGRESS = 1 };
enum hyp_peer_kind {
	HYP_PEER_IDENTITY = 0,
	HYP_PEER_IPV4 = 1,
	HYP_PEER_IPV6 = 2,
	HYP_PEER_WORLD_NET = 3, /* peer: an outside network; value: its set of rules */
	HYP_PEER_WORLD_SET = 4, /* peer: the set */
	/* the same for an IPv6 peer of the world, in hyp_policy6 (abi_ip6.h) */
	HYP_PEER_WORLD6_NET = 5, /* peer: an outside IPv6 network (64 + its bits) */
	HYP_PEER_WORLD6_SET = 6, /* peer[0]: the set (big-endian), then 0 */
};
#define HYP_POLICY_WORLD_NET_BITS 64 /* bits before the peer field */
#define HYP_PEER_ANY 0 /* identities start at 256 */

struct hyp_policy_key {
	__u32 prefixlen; /* LPM: bits of what follows */
	__u8 gen;	 /* rule set generation: 0 or 1 */
	__u8 dir;	 /* hyp_policy_dir */
	__u8 kind;	 /* hyp_peer_kind */
	__u8 pad;
	__u32 local_id; /* big-endian: the selected endpoint's identity */
	__u32 peer;	/* big-endian: identity, HYP_PEER_ANY or IPv4 */
	__u8 proto;	/* 0 never matches a packet: "any" rules stop before it */
	__u8 port_hi;	/* port, big-endian, as bytes so the key has no padding */
	__u8 port_lo;
	__u8 pad2;
};
_Static_assert(sizeof(struct hyp_policy_key) == 20, "hyp_policy_key abi");

struct hyp_policy_val {
	__u32 rule_id; /* the control plane's reference, for trace */
};

#define HYP_ENFORCE_INGRESS 0x1
#define HYP_ENFORCE_EGRESS  0x2

struct hyp_enforce_key {
	__u32 gen;
	__u32 identity;
};

/* Conntrack. Key in the direction of the first packet; replies match it reversed. */
struct hyp_ct_key {
	__u32 saddr;
	__u32 daddr;
	__u16 sport; /* ICMP echo: the echo id in both ports */
	__u16 dport;
	__u8 proto;
	__u8 pad[3];
};
_Static_assert(sizeof(struct hyp_ct_key) == 16, "hyp_ct_key abi");

enum hyp_ct_state {
	HYP_CT_NEW = 0, /* UDP/ICMP/other: seen one way */
	HYP_CT_SYN_SENT = 1,
	HYP_CT_SYN_RECV = 2,
	HYP_CT_ESTABLISHED = 3,
	HYP_CT_FIN_WAIT = 4,
	HYP_CT_CLOSING = 5,
	HYP_CT_REPLIED = 6, /* UDP/ICMP: reply seen */
};

struct hyp_ct_val {
	__u64 last_seen; /* ns, CLOCK_MONOTONIC, coarse (bpf_ktime_get_coarse_ns) */
	/* 1, the flow's first packet: not counted per packet since the entry's
	 * cache line moved between the CPUs of the two ends at every packet */
	__u64 packets;
	__u32 rev;  /* policy revision the flow was last checked against */
	__u8 state; /* hyp_ct_state */
	__u8 flags; /* HYP_CT_F_* */
	__u8 insp;  /* HYP_CT_I_*: inspection this flow pays for */
	__u8 pad;
	/* payload inspection, per packet direction (orig, reply) and slot
	 * (receiver's ingress patterns, sender's egress patterns) */
	__u32 dfa[4];	  /* [reply * 2 + slot]: global DFA row + 1 (0: the start state) */
	__u32 seq[2];	  /* next expected TCP sequence number per direction */
	__u32 dfa_gen[4]; /* the automaton (hyp_inspect_val.gen) each dfa[] is a row of */
	/* TCP, inspected flows: what the receiver of each direction said in
	 * the other direction's packets, its highest ACK and the right edge
	 * of its window (docs/inspection.md, "What the receiver sees") */
	__u32 ack[2];
	__u32 wend[2];
	__u64 walking; /* HYP_CT_W_*: a walk of that direction runs (64-bit atomics) */
	__u8 wscale;   /* shift each side's SYN offered: orig low nibble, reply high; 15 none */
	__u8 iflags;   /* HYP_CT_IF_* */
	__u16 pad2;
	__u32 owner; /* SNIC id of the endpoint that started the flow: its quota holds it */
};
_Static_assert(sizeof(struct hyp_ct_val) == 96, "hyp_ct_val abi");

#define HYP_CT_F_FIN_ORIG  0x1
#define HYP_CT_F_FIN_REPLY 0x2
#define HYP_CT_F_BLOCKED   0x4	/* a drop pattern matched: the flow is dead */
#define HYP_CT_F_SEQ_ORIG  0x8	/* seq[0] is known */
#define HYP_CT_F_SEQ_REPLY 0x10 /* seq[1] is known */
#define HYP_CT_F_ALERTED   0x20 /* unused since alerts are per pattern (kept: stable bits) */

#define HYP_CT_IF_ACK_ORIG  0x1 /* ack[0], wend[0] known */
#define HYP_CT_IF_ACK_REPLY 0x2 /* ack[1], wend[1] known */
#define HYP_CT_IF_SYN_ORIG  0x4 /* the initiator's SYN seen: its wscale nibble is set */
#define HYP_CT_IF_SYN_REPLY 0x8 /* the responder's SYN-ACK seen: its wscale nibble is set */

#define HYP_CT_W_ORIG  0x1 /* one CPU walks the orig direction: another waits its turn */
#define HYP_CT_W_REPLY 0x2
#define HYP_CT_W_GAP_ORIG  0x4 /* a CPU waits for the bytes before its orig segment (one at a time) */
#define HYP_CT_W_GAP_REPLY 0x8

#define HYP_CT_I_ORIG_ING  0x1 /* orig packets: responder's ingress patterns */
#define HYP_CT_I_ORIG_EGR  0x2 /* orig packets: initiator's egress patterns */
#define HYP_CT_I_REPLY_ING 0x4 /* reply packets: initiator's ingress patterns */
#define HYP_CT_I_REPLY_EGR 0x8 /* reply packets: responder's egress patterns */

#define HYP_CT_MAX 65536
/* Conntrack entries one endpoint may hold by default (hyperiond --ct-quota) */
#define HYP_CT_QUOTA_DEFAULT (HYP_CT_MAX / 8)
/* Recent new flows the datapath samples to find an unreplied entry to evict
 * when the table is full (a power of two), and how many it tries. */
#define HYP_CT_RECENT	   64
#define HYP_CT_EVICT_TRIES 8
/* Timeouts, seconds: a TCP handshake, an established TCP flow, a closing
 * TCP flow, UDP and ICMP echo after a reply, and any flow but TCP before
 * its first reply (unanswered flows go first). */
#define HYP_CT_TIMEOUT_SYN	 10
#define HYP_CT_TIMEOUT_TCP	 86400
#define HYP_CT_TIMEOUT_FIN	 30
#define HYP_CT_TIMEOUT_UDP	 60
#define HYP_CT_TIMEOUT_ICMP	 30
#define HYP_CT_TIMEOUT_UNREPLIED 10

/* The timeout of an entry of protocol proto (IPPROTO_*) in state (hyp_ct_state), in seconds. */
static inline __u32 hyp_ct_timeout(__u8 proto, __u8 state)
{
	if (proto == 6 /* IPPROTO_TCP */) {
		if (state == HYP_CT_ESTABLISHED)
			return HYP_CT_TIMEOUT_TCP;
		if (state >= HYP_CT_FIN_WAIT && state <= HYP_CT_CLOSING)
			return HYP_CT_TIMEOUT_FIN;
		return HYP_CT_TIMEOUT_SYN;
	}
	if (state != HYP_CT_REPLIED)
		return HYP_CT_TIMEOUT_UNREPLIED;
	return proto == 1 /* IPPROTO_ICMP */ ? HYP_CT_TIMEOUT_ICMP : HYP_CT_TIMEOUT_UDP;
}

/* Context of the datapath's hyp_ct_release program: the daemon's collector
 * gives back n entries of owner it removed. */
struct hyp_ct_release {
	__u32 owner;
	__u32 n;
};
_Static_assert(sizeof(struct hyp_ct_release) == 8, "hyp_ct_release abi");

/*
 * Payload inspection. The daemon compiles each inspected endpoint's
 * patterns (per direction) into an Aho-Corasick DFA whose rows live in one
 * shared array map: row r = 256 u32 transitions, entry = next_row << 2 |
 * drop << 1 | hit (hit: a pattern ends in next_row; drop: one of them is
 * a drop pattern). Each distinct automaton has its own rows (one automaton
 * per distinct compiled set, shared by every endpoint direction that
 * compiles to it) and its own number, gen, never given to another
 * automaton: an automaton is written into free rows, then the entries
 * that use it are switched in one update each, and its rows are freed
 * when no entry uses it any more (docs/inspection.md). A flow keeps the
 * gen of the automaton each of its walks is in; an automaton that did not
 * change keeps its rows and its gen across loads, so walks go on.
 * Endpoints without patterns have no entry and skip the stage.
 */
#define HYP_DFA_ROWS	   65536	      /* 64 MiB of 1 KiB rows */
#define HYP_DFA_MAX_STATES (HYP_DFA_ROWS / 2) /* one automaton: it can always be replaced */
#define HYP_DFA_BLOCK	   64		      /* payload bytes walked per bpf_loop step */

enum hyp_inspect_action { HYP_INSPECT_DROP = 0, HYP_INSPECT_ALERT = 1 };

struct hyp_dfa_row {
	__u32 next[256];
};

struct hyp_inspect_key {
	__u32 identity;
	__u32 dir; /* hyp_policy_dir: traffic into / out of the endpoint */
};

struct hyp_inspect_val {
	__u32 start;  /* global row of the automaton's start state */
	__u32 gen;    /* the automaton's number, unique among all automata ever written:
		       * a flow's walk saved under another gen restarts */
	__u32 rows;   /* the automaton's rows: start .. start + rows - 1 */
	__u16 action; /* hyp_inspect_action */
	__u8 proto;   /* IPPROTO_TCP or IPPROTO_UDP, 0: both */
	__u8 split;   /* the longest pattern (1-255): the walk may cut the payload in
		       * segments overlapping by split - 1 bytes; 0: never cut */
	__u16 port_lo, port_hi; /* 0,0: every port (and every other protocol: refused) */
	__u32 dfc_off;	 /* the compact automaton: its byte offset in its hyp_dfc value */
	__u8 dfc_tbl;	 /* which value + 1; 0: none (the walk never splits) */
	__u8 dfc_shift;	 /* log2(row stride) - 6: an entry's unit >> shift = its state */
	__u16 dfc_pad;
};
_Static_assert(sizeof(struct hyp_inspect_val) == 28, "hyp_inspect_val abi");

/*
 * The compact table of the fast walk (bpf/lib/inspect_walk.h), the same
 * automata as hyp_dfa in the same state numbering: bytes no pattern tells
 * apart share a class, a row has stride = the next power of two >= the
 * classes (at least 64) 16-bit entries, all in one flat value looked up
 * once per step of bpf_loop and indexed with masked offsets. An
 * automaton at byte offset off of a value: its class map (256 __u32:
 * off + HYP_DFC_CLS + class * 2, its row 0 column of that byte's class),
 * then its rows. Entry = next state's row offset / HYP_DFC_UNIT (state
 * << dfc_shift), | HYP_DFC_HIT when a pattern ends in it. A step reads
 * tbl[(entry << 7) + cls[byte]] masked to the value: the mask drops the
 * flag (1 << 22). An automaton that does not fit has none (dfc_tbl 0).
 */
#define HYP_DFC_BYTES  (4u << 20) /* one value (KMALLOC_MAX_SIZE) */
#define HYP_DFC_TABLES 4
#define HYP_DFC_UNIT   128  /* 64 entries */
#define HYP_DFC_CLS    1024 /* bytes of a class map; automata are aligned to it */
#define HYP_DFC_HIT    0x8000
_Static_assert(HYP_DFC_HIT * HYP_DFC_UNIT == HYP_DFC_BYTES, "the mask drops the flag");

struct hyp_dfc {
	__u8 b[HYP_DFC_BYTES];
};

/* Alerts: one event per pattern (its end row) per flow and endpoint
 * direction, then at most one per HYP_ALERT_INTERVAL_NS. */
#define HYP_ALERT_KEYS	      8192
#define HYP_ALERT_INTERVAL_NS 1000000000ULL

struct hyp_alert_key {
	struct hyp_ct_key flow; /* as the packet carries it */
	__u32 identity;
	__u32 dir;
	__u32 row; /* where the pattern ended */
};
_Static_assert(sizeof(struct hyp_alert_key) == 28, "hyp_alert_key abi");

/* Alert event, on the ring buffer. */
struct hyp_inspect_event {
	__u64 ts;
	__u32 identity;
	__u32 dir;
	__u32 saddr, daddr;
	__u16 sport, dport;
	__u8 proto;
	__u8 action;
	__u16 pad;
	__u32 row;    /* global row where the pattern ended: maps to the pattern */
	__u32 offset; /* payload offset just past the match, in this packet */
};
_Static_assert(sizeof(struct hyp_inspect_event) == 40, "hyp_inspect_event abi");

/*
 * Flow events (docs/observability.md), on the hyp_flow_events ring: a new
 * flow (its conntrack entry was made: the policy allowed it, with the
 * rules that did), and every drop (from the one drop exit). Established
 * flows' packets make none. Each port has a token bucket of events
 * (hyp_ev_budget, GCRA: one event per interval_ns, bursts of
 * tolerance_ns / interval_ns), so a flooding endpoint cannot crowd the
 * others out of the ring; what a bucket refuses and what the full ring
 * refuses is counted (hyp_ev_stats, and per port in its bucket).
 * Inspection alerts keep their ring (hyp_events, above); the daemon
 * merges both, and adds the SNIC lifecycle, into one stream.
 */
#define HYP_EVENT_VERSION 1

enum hyp_event_type {
	HYP_EV_NONE = 0,
	HYP_EV_FLOW = 1,     /* new flow, allowed (datapath) */
	HYP_EV_DROP = 2,     /* frame dropped: reason (datapath) */
	HYP_EV_ALERT = 3,    /* inspection alert pattern (datapath, hyp_events) */
	HYP_EV_BLOCK = 4,    /* inspection drop pattern: flow blocked (hyp_events) */
	HYP_EV_NAT = 5,	     /* SNAT: a flow got its uplink address and port (datapath) */
	HYP_EV_SNIC_ADD = 6, /* SNIC created (daemon) */
	HYP_EV_SNIC_DEL = 7, /* SNIC removed (daemon) */
	__HYP_EV_MAX,
};

struct hyp_flow_event {
	__u64 ts; /* ns, CLOCK_MONOTONIC */
	__u8 version;
	__u8 type; /* hyp_event_type */
	__u8 proto;
	__u8 tcp_flags;
	__u32 ifindex;	    /* the bridge port the frame came in on */
	__u32 saddr, daddr; /* as the packet carries them (0: not IPv4) */
	__u16 sport, dport; /* host order; ICMP echo: the id */
	__u32 src_id, dst_id;
	__u32 reason; /* HYP_EV_DROP: hyp_drop_reason */
	union {
		struct {
			/* HYP_EV_FLOW: rule ids that allowed it, 0: not enforced */
			__u32 rule_egress, rule_ingress;
		};
		struct {
			__u32 nat_addr;	 /* HYP_EV_NAT: the address the flow leaves with */
			__u16 nat_port;	 /* and its port (host order) */
			__u16 nat_pad;
		};
	};
	__u32 rev;	  /* policy revision the decision was made under */
	__u32 len;	  /* frame bytes */
	__u32 snic_id;	  /* HYP_EV_STAGE_GUARD: the SNIC whose guard dropped it */
	__u8 stage;	  /* hyp_event_stage */
	__u8 pad[3];
};
_Static_assert(sizeof(struct hyp_flow_event) == 64, "hyp_flow_event abi");

/* Where a drop happened: the bridge port (ingress from the SNIC) or the
 * container-side guard (egress inside the container netns). */
enum hyp_event_stage { HYP_EV_STAGE_BRIDGE = 0, HYP_EV_STAGE_GUARD = 1 };
/* The budget of a SNIC's guard: its own key, apart from the bridge ports' */
#define HYP_EV_GUARD_KEY 0x80000000u

#define HYP_EVCFG_FLOWS 0x1 /* new-flow events on */
#define HYP_EVCFG_DROPS 0x2 /* drop events on */

/* One entry (key 0): what the datapath emits and each port's budget. */
struct hyp_event_cfg {
	__u32 flags; /* HYP_EVCFG_*; 0: no events */
	__u32 pad;
	__u64 interval_ns;  /* one event per interval per port, sustained */
	__u64 tolerance_ns; /* burst: tolerance / interval events */
};
_Static_assert(sizeof(struct hyp_event_cfg) == 24, "hyp_event_cfg abi");

#define HYP_EVENT_RATE_DEFAULT	100 /* events per second per port */
#define HYP_EVENT_BURST_DEFAULT 200

/* Per bridge port (key: ifindex): its bucket and what it refused. */
struct hyp_event_budget {
	__u64 tat;     /* GCRA theoretical arrival time, ns */
	__u64 limited; /* events refused: over the port's budget */
};
_Static_assert(sizeof(struct hyp_event_budget) == 16, "hyp_event_budget abi");

enum hyp_event_stat {
	HYP_EVSTAT_SENT = 0,	  /* events put on the ring */
	HYP_EVSTAT_RING_FULL = 1, /* lost: the ring was full */
	HYP_EVSTAT_LIMITED = 2,	  /* lost: over the port's budget */
	__HYP_EVSTAT_MAX,
};

#define HYP_FLOW_EVENTS_RING (512 * 1024)

/*
 * Cluster overlay (docs/cluster.md). A frame to another node's block
 * leaves through the uplink as outer IPv4 | UDP (HYP_OVL_PORT) | hyp_ovl_hdr
 * | the inner IPv4 packet. The authenticator is SipHash-2-4 keyed with the
 * pair key of the two nodes (X25519 + BLAKE2b, never sent) over the words
 *   m0 = outer saddr << 32 | outer daddr
 *   m1 = identity << 32 | src_node << 16 | flags << 8 | version
 *   m2 = seq
 *   m3 = inner saddr << 32 | inner daddr
 *   m4 = inner tot_len << 48 | id << 32 | frag_off << 16 | ttl << 8 | protocol
 *   m5 = inner L4 ports << 32 | TCP sequence (as the source stamp's m3)
 * and, with HYP_OVL_F_PAYLOAD, the inner payload past the IPv4 header
 * (8-byte words, the last zero-padded), then SipHash's length word. The
 * receiver checks, in this order: header, node, outer source, the
 * authenticator (current key, then the previous one after a rotation),
 * the replay window, then policy with the authenticated identity.
 *
 * An inner IPv6 packet: the same outer IPv4 | UDP | hyp_ovl_hdr, with
 * HYP_OVL_F_IP6 in flags (so in m1: an IPv6 frame's words can never be
 * taken for an IPv4 frame's), and the inner version nibble must agree
 * (6 with the flag, 4 without; else overlay-malformed). Its words:
 *   m0..m2 as above
 *   m3, m4 = inner saddr, bytes 0..7 and 8..15 (big-endian words)
 *   m5, m6 = inner daddr, bytes 0..7 and 8..15
 *   m7 = version/class/flow label << 32 | payload length << 16 |
 *        next header << 8 | hop limit
 *   m8 = L4 ports << 32 | TCP sequence of the upper layer after the
 *        extension headers (TCP, UDP, ICMPv6: as m5 of IPv4; else 0)
 * and, with HYP_OVL_F_PAYLOAD, every byte after the fixed 40-byte header
 * (extension headers, L4 header, payload), then the length word. The
 * inner source must lie in the sending node's IPv6 /64 (hyp_ovl_routes6;
 * else overlay-src6).
 */
#define HYP_OVL_PORT	   7471
#define HYP_OVL_VERSION	   1
#define HYP_OVL_F_PAYLOAD  0x1 /* the authenticator covers the payload */
#define HYP_OVL_F_IP6	   0x2 /* the inner packet is IPv6 (its words: above) */
#define HYP_OVL_WINDOW	   64  /* replay window, sequence numbers */
#define HYP_OVL_MAX_PEERS  4096
#define HYP_OVL_MAX_ROUTES 4096
#define HYP_OVL_OVERHEAD   (20 + 8 + 24) /* outer IPv4 + UDP + hyp_ovl_hdr */

struct hyp_ovl_hdr {
	__u8 version;
	__u8 flags;	/* HYP_OVL_F_* */
	__u16 src_node; /* big-endian */
	__u32 identity; /* big-endian: the source endpoint's cluster-wide identity */
	__u64 seq;	/* big-endian: per sending node and receiving node */
	__u64 auth;	/* SipHash-2-4, as computed (host order bytes) */
};
_Static_assert(sizeof(struct hyp_ovl_hdr) == 24, "hyp_ovl_hdr abi");

/* Peer table: node number -> where it is and the pair keys. */
struct hyp_ovl_peer {
	__u32 addr;	   /* the node's uplink address */
	__u32 flags;	   /* HYP_OVL_PEER_F_* */
	__u64 key[2];	   /* pair key: current */
	__u64 prev_key[2]; /* the one before a rotation (either side's) */
	__u32 net, mask;   /* the node's address block */
};
_Static_assert(sizeof(struct hyp_ovl_peer) == 48, "hyp_ovl_peer abi");

#define HYP_OVL_PEER_F_PREV 0x1 /* prev_key is accepted */

/* Replay state per sending node (receive side). */
struct hyp_ovl_rx {
	struct bpf_spin_lock lock;
	__u32 pad;
	__u64 top;    /* highest sequence number accepted */
	__u64 bitmap; /* bit i: top - i was accepted */
};

/* Routes: a remote block -> its node (LPM). */
struct hyp_ovl_route_key {
	__u32 prefixlen;
	__u32 addr;
};

/* A remote node's IPv6 /64 -> its node (LPM): never routed out in the clear. */
struct hyp_ovl_route6_key {
	__u32 prefixlen;
	__u8 addr[16];
};
_Static_assert(sizeof(struct hyp_ovl_route6_key) == 20, "hyp_ovl_route6_key abi");

/* This node, one entry. */
struct hyp_ovl_self {
	__u32 node;  /* this node's number (0: not in a cluster) */
	__u32 flags; /* HYP_OVL_SELF_F_* */
	__u32 addr;  /* this node's uplink address */
	__u32 uplink_ifindex;
};
_Static_assert(sizeof(struct hyp_ovl_self) == 16, "hyp_ovl_self abi");

#define HYP_OVL_SELF_F_PAYLOAD 0x1 /* send with, and require, payload integrity */

/* Bridge port -> uplink egress (inside the bridge netns only): the node a
 * packet is for and its sender's identity, in skb->mark. */
#define HYP_OVL_MARK_ID_MAX   0xfffff
#define HYP_OVL_MARK(node, id) (((__u32)(node) << 20) | ((id) & HYP_OVL_MARK_ID_MAX))
#define HYP_OVL_MARK_NODE(m)  ((m) >> 20)
#define HYP_OVL_MARK_ID(m)    ((m) & HYP_OVL_MARK_ID_MAX)

/* Remote endpoints (from etcd): IPv4 -> its identity and node, for the
 * sending side's policy and the overlay route (a remote address without
 * an entry is unknown-dst: nothing is sent on a guess). The same value for
 * a remote endpoint's IPv6 address in hyp_ovl_eps6 (key struct hyp_ep6_key). */
struct hyp_ovl_ep {
	__u32 identity;
	__u32 node;
};
_Static_assert(sizeof(struct hyp_ovl_ep) == 8, "hyp_ovl_ep abi");

/*
 * North-south: the uplink, the bridge's port to the outside (one entry).
 * The uplink address takes outside traffic only for published ports and
 * for replies of translated flows; ARP about it goes to the bridge netns's
 * kernel, which resolves the next hop's MAC (bpf_redirect_neigh).
 */
struct hyp_uplink {
	__u32 ifindex; /* in the bridge netns; 0: no uplink */
	__u32 ip;      /* the uplink address */
	__u32 net;     /* its subnet */
	__u32 mask;
	__u32 gw; /* next hop off the subnet (0: none, only on-link) */
	__u32 mtu;
	__u8 mac[6];
	__u16 flags;
	__u32 pad;
};
_Static_assert(sizeof(struct hyp_uplink) == 36, "hyp_uplink abi");

/*
 * SNAT: a flow a SNIC opens to the outside leaves with the uplink address
 * and a port of HYP_NAT_PORT_MIN..MAX (ICMP echo: an echo id of that
 * range). Keyed by the flow's conntrack key (the SNIC's view), and back by
 * what the outside's replies carry. Entries live as long as the flow's
 * conntrack entry (the daemon's collector removes both).
 */
#define HYP_NAT_PORT_MIN 32768
#define HYP_NAT_PORT_MAX 60999
#define HYP_NAT_TRIES	 16 /* ports tried per new flow */

struct hyp_nat_val {
	__u32 addr; /* translated: the uplink address / back: the SNIC's */
	__u16 port; /* host order: the translated port / back: the SNIC's */
	__u16 pad;
};
_Static_assert(sizeof(struct hyp_nat_val) == 8, "hyp_nat_val abi");

/* What a reply from the outside carries: its source, and the port it is for. */
struct hyp_nat_rev_key {
	__u32 raddr; /* the outside peer */
	__u16 rport; /* host order; ICMP echo: 0 */
	__u16 nport; /* host order: the translated port or echo id */
	__u8 proto;
	__u8 pad[3];
};
_Static_assert(sizeof(struct hyp_nat_rev_key) == 12, "hyp_nat_rev_key abi");

/* Published ports: uplink-addr:port/proto -> a SNIC's address and port. */
struct hyp_pub_key {
	__u16 port; /* host order */
	__u8 proto;
	__u8 pad;
};
_Static_assert(sizeof(struct hyp_pub_key) == 4, "hyp_pub_key abi");

struct hyp_pub_val {
	__u32 addr; /* the SNIC's */
	__u16 port; /* host order */
	__u16 pad;
	__u32 snic_id;
};
_Static_assert(sizeof(struct hyp_pub_val) == 12, "hyp_pub_val abi");

/* Back: the SNIC's address, port and protocol -> the published port. */
struct hyp_pub_rev_key {
	__u32 addr;
	__u16 port;
	__u8 proto;
	__u8 pad;
};
_Static_assert(sizeof(struct hyp_pub_rev_key) == 8, "hyp_pub_rev_key abi");

#define HYP_MAX_PUBLISH 4096

/* Names of pinned objects under the instance's pin root. */
#define HYP_PIN_ENDPOINTS   "hyp_endpoints"
#define HYP_PIN_PORTS	    "hyp_ports"
#define HYP_PIN_CONFIG	    "hyp_config"
#define HYP_PIN_DROPS	    "hyp_drops"
#define HYP_PIN_STATS	    "hyp_stats"
#define HYP_PIN_GUARD_DROPS "hyp_guard_drops"
#define HYP_PIN_GUARDS	    "hyp_guards"
#define HYP_PIN_POLICY	    "hyp_policy"
#define HYP_PIN_ENFORCE	    "hyp_enforce"
#define HYP_PIN_CT	    "hyp_ct"
#define HYP_PIN_CT_OWNERS   "hyp_ct_owners"
#define HYP_PIN_CT_RECENT   "hyp_ct_recent"
#define HYP_PIN_DFA	    "hyp_dfa"
#define HYP_PIN_INSPECT	    "hyp_inspect"
#define HYP_PIN_DFC	    "hyp_dfc"
#define HYP_PIN_EVENTS	    "hyp_events"
#define HYP_PIN_ALERTS	    "hyp_alerts"
#define HYP_PIN_FLOW_EVENTS "hyp_flow_events"
#define HYP_PIN_EV_CFG	    "hyp_ev_cfg"
#define HYP_PIN_EV_BUDGET   "hyp_ev_budget"
#define HYP_PIN_EV_STATS    "hyp_ev_stats"
#define HYP_PIN_OVL_PEERS   "hyp_ovl_peers"
#define HYP_PIN_OVL_RX	    "hyp_ovl_rx"
#define HYP_PIN_OVL_TX	    "hyp_ovl_tx"
#define HYP_PIN_OVL_ROUTES  "hyp_ovl_routes"
#define HYP_PIN_OVL_SELF    "hyp_ovl_self"
#define HYP_PIN_OVL_EPS	    "hyp_ovl_eps"
#define HYP_PIN_OVL_ROUTES6 "hyp_ovl_routes6"
#define HYP_PIN_OVL_EPS6    "hyp_ovl_eps6" /* key struct hyp_ep6_key (abi_ip6.h) */
#define HYP_PIN_UPLINK	    "hyp_uplink"
#define HYP_PIN_NAT	    "hyp_nat"
#define HYP_PIN_NAT_REV	    "hyp_nat_rev"
#define HYP_PIN_PUBLISH	    "hyp_publish"
#define HYP_PIN_PUB_REV	    "hyp_pub_rev"

#include "hyperion/abi_ip6.h"

#endif /* HYPERION_ABI_H */
