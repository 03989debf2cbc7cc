/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hardware boundary. Everything a real NIC would do (create a secure
 * NIC, place it in a container netns, program the match-action tables,
 * read its counters) goes through these ops. `emu` implements them with a
 * dedicated netns, veth pairs and eBPF; an SR-IOV/switchdev or DPU backend
 * implements the same ops with VFs and representors (docs/backends.md maps
 * each op to both). Core, the store and the CNI plugin know nothing of a
 * backend but these ops and types.
 */
#ifndef HYP_BACKEND_H
#define HYP_BACKEND_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "hyperion/abi.h"
#include "lib/addr.h"
#include "lib/errmsg.h"

/*
 * The domain of an instance: everything the backend makes for it. The
 * backend derives the names of what it makes (emu: its netns, its pins)
 * from the instance name; nothing outside the backend knows them.
 */
struct hyp_domain_cfg {
	char instance[32];
	struct cidr4 pool;
	uint32_t gw; /* host order */
	uint8_t gw_mac[6];
	uint32_t ct_quota; /* conntrack entries one endpoint may hold; 0: the default */
	uint32_t big_tcp;  /* GSO/GRO max size on both ends of every SNIC; 0: the kernel's */
	bool overlay;	   /* cluster: SNICs send no GSO packets (one authenticator per wire packet) */
	/* IPv6 (abi_ip6.h): the pool and the gateway's global address, network
	 * order; pool6_prefix 0: no IPv6 (every IPv6 frame dropped). The
	 * gateway's link-local is the EUI-64 of gw_mac. */
	uint32_t pool6[4];
	uint8_t pool6_prefix;
	uint32_t gw6[4];
};

/* What the control plane asks for. */
struct hyp_snic_spec {
	int64_t id;
	const char *name;
	int netns_fd; /* -1 when the container netns is gone */
	const char *ifname;
	uint32_t ip; /* host order */
	uint8_t prefix;
	uint8_t mac[6];
	uint32_t identity;
	uint8_t key[16]; /* source stamp key */
	bool guard;	 /* container-side guard + stamp */
	bool routed;	 /* routed mode: to and from the outside with its own address */
	bool host;	 /* the host endpoint: a route to the pool only, no default route */
	/* IPv6 (abi_ip6.h): the global address, network order, and its prefix
	 * length; prefix6 0: no IPv6. ip 0 with prefix6 set: IPv6 only. The
	 * link-local binding is the EUI-64 of mac (hyp_ip6_ll_from_mac): the
	 * container side must use that one (addr_gen_mode eui64). snic_create
	 * programs it, snic_check verifies and repairs it, snic_destroy and
	 * sweep remove it, with the IPv4 entries. */
	uint32_t ip6[4];
	uint8_t prefix6;
};

/*
 * What the backend made for a SNIC, as a string that only the backend
 * writes (snic_create, snic_check with repair) and reads. The control
 * plane stores it as it is and never looks inside ("" before the first
 * snic_create, or from a store that predates it).
 */
#define HYP_SNIC_HW_MAX 256
struct hyp_snic_hw {
	char state[HYP_SNIC_HW_MAX];
};

/* How a SNIC shows, for its JSON view and to name its port counters. */
struct hyp_snic_info {
	char port[32];	       /* its port on the NIC, as the backend names it */
	uint32_t port_ifindex; /* key of its HYP_CNT_PORT_* counters */
	uint32_t ifindex;      /* its interface inside the container netns */
};

/* What a backend can hold, for the compilers that fill its tables. */
struct hyp_backend_limits {
	uint32_t inspect_states; /* DFA states of one automaton */
	uint32_t inspect_rows;	 /* DFA states of all automata together */
};

/* What the inspection tables hold now. */
struct hyp_inspect_usage {
	uint32_t tables;     /* inspected endpoint directions */
	uint32_t automata;   /* distinct automata (shared by equal compiled sets) */
	uint32_t rows;	     /* DFA rows they take */
	uint32_t rows_total; /* of the table */
};

enum hyp_counter_kind { HYP_CNT_PORT_DROP, HYP_CNT_GUARD_DROP, HYP_CNT_PORT_STAT };

/* key: port ifindex (port counters) or snic id (guard counters). */
typedef int (*hyp_counter_cb)(enum hyp_counter_kind kind, uint32_t key, uint32_t code,
			      uint64_t packets, uint64_t bytes, void *ctx);

/* One named attribute of a domain, for status (emu: its netns, its pins). */
typedef int (*hyp_attr_cb)(const char *key, const char *val, void *ctx);

enum hyp_check_result {
	HYP_CHECK_OK = 0,
	HYP_CHECK_REPAIRED = 1,
	HYP_CHECK_GONE = 2, /* the SNIC's port no longer exists */
};

struct pol_program;
struct insp_dfa;

/* One inspected endpoint and direction, for inspect_load. */
struct hyp_inspect_entry {
	uint32_t identity;
	uint8_t dir;		   /* HYP_DIR_INGRESS / HYP_DIR_EGRESS */
	uint8_t action;		   /* HYP_INSPECT_DROP / HYP_INSPECT_ALERT */
	uint8_t proto;		   /* 0: TCP and UDP */
	uint16_t port_lo, port_hi; /* 0, 0: every port */
	/* dfa->out maps an accepting state to the pattern id the alert reports */
	const struct insp_dfa *dfa;
	const char *name; /* who the table is for, in messages (NULL: its identity) */
};

/* A pattern found by the inspection stage, decoded by the backend. */
struct hyp_inspect_alert {
	uint64_t ts; /* ns, CLOCK_MONOTONIC */
	uint32_t identity;
	uint8_t dir;	/* HYP_DIR_INGRESS / HYP_DIR_EGRESS of identity */
	uint8_t action; /* HYP_INSPECT_DROP: the flow is dropped */
	uint8_t proto;
	uint32_t saddr, daddr; /* host order */
	uint16_t sport, dport;
	/* the id dfa->out gave the pattern in the load it was found in, 0: not
	 * in the tables loaded now (found before the last inspect_load) */
	uint32_t pattern;
	uint32_t offset; /* payload offset just past the match, in its packet */
	bool v6;			/* an IPv6 flow: saddr6, daddr6 (saddr, daddr 0) */
	uint8_t saddr6[16], daddr6[16]; /* network order */
};

typedef int (*hyp_alert_cb)(const struct hyp_inspect_alert *a, void *ctx);

/* A flow event of the datapath (new flow or drop), decoded. */
struct hyp_flow_rec {
	uint64_t ts;  /* ns, CLOCK_MONOTONIC */
	uint8_t type; /* HYP_EV_FLOW / HYP_EV_DROP */
	uint8_t proto;
	uint8_t tcp_flags;
	uint32_t port_ifindex; /* the port it came in on: hyp_snic_info.port_ifindex */
	uint32_t saddr, daddr; /* host order, 0: none */
	uint16_t sport, dport;
	uint32_t src_id, dst_id;	    /* identities, 0: unknown */
	uint32_t reason;		    /* HYP_EV_DROP */
	uint32_t rule_egress, rule_ingress; /* HYP_EV_FLOW: pol_program rule ids, 0: none */
	uint32_t rev, len;
	uint8_t stage;	  /* HYP_EV_STAGE_* */
	uint32_t snic_id; /* HYP_EV_STAGE_GUARD: the SNIC whose guard dropped it */
	uint32_t nat_addr; /* HYP_EV_NAT: host order */
	uint16_t nat_port;
	bool v6;			/* an IPv6 packet: saddr6, daddr6 (saddr, daddr 0) */
	uint8_t saddr6[16], daddr6[16]; /* network order */
};

typedef int (*hyp_flow_cb)(const struct hyp_flow_rec *r, void *ctx);

/* What the datapath tells (hyperiond --events, --event-rate). */
struct hyp_event_settings {
	bool flows, drops;
	uint32_t rate, burst; /* per port: events per second, burst */
};

struct hyp_event_stats {
	uint64_t sent, ring_full, limited;
};

/* The events a port's budget refused so far. */
typedef int (*hyp_limited_cb)(uint32_t port_ifindex, uint64_t limited, void *ctx);
/* The conntrack entries a SNIC's flows hold. */
typedef int (*hyp_owner_cb)(uint32_t snic_id, uint32_t entries, void *ctx);

/* The uplink: the NIC's port to the outside (docs/northsouth.md). */
struct hyp_uplink_spec {
	const char *ifname; /* in the host netns when it is handed over */
	uint32_t ip;	    /* host order: the uplink address */
	uint8_t prefix;
	uint32_t gw; /* host order: next hop off the subnet, 0: none */
	/* routed IPv6 (prefix6 0: none): network order */
	uint8_t ip6[16];
	uint8_t prefix6;
	uint8_t gw6[16]; /* :: none (on-link peers only) */
};

/* One published port, for publish_load. */
struct hyp_publish_entry {
	uint16_t port; /* on the uplink address */
	uint8_t proto; /* IPPROTO_TCP / IPPROTO_UDP */
	uint32_t ip;   /* host order: the SNIC's */
	uint16_t snic_port;
	uint32_t snic_id;
};

struct hyp_uplink_info {
	char ifname[16];
	uint32_t ifindex; /* the port on the NIC (emu: in the bridge netns) */
	uint8_t mac[6];
	uint32_t mtu;
	uint32_t ip, gw; /* host order */
	uint8_t prefix;
	bool gw_resolved; /* the next hop's MAC is known: gw_mac */
	uint8_t gw_mac[6];
	uint8_t ip6[16], gw6[16], ll6[16]; /* network order; prefix6 0: no IPv6 */
	uint8_t prefix6;
};

struct hyp_backend_ops {
	const char *name;
	/* create: make the domain if it does not exist, else adopt it */
	int (*open)(const struct hyp_domain_cfg *cfg, bool create, void **priv, struct errmsg *em);
	/* Leaves the datapath running. */
	void (*close)(void *priv);
	/* Removes the whole domain: ports, tables, pins, the NIC netns. */
	int (*destroy)(void *priv);
	/* What the tables hold (the DFA states one inspect_load can take). */
	void (*limits)(void *priv, struct hyp_backend_limits *out);
	/* Calls cb for each attribute that locates the domain on the host. */
	int (*domain_info)(void *priv, hyp_attr_cb cb, void *ctx);
	/* Fills hw. */
	int (*snic_create)(void *priv, const struct hyp_snic_spec *s, struct hyp_snic_hw *hw,
			   struct errmsg *em);
	/* Idempotent: whatever is already gone is skipped. */
	int (*snic_destroy)(void *priv, const struct hyp_snic_spec *s,
			    const struct hyp_snic_hw *hw);
	/*
	 * Verifies (and with repair, restores) the port, links and table
	 * entries. With repair, hw may be rewritten; the caller stores it.
	 */
	int (*snic_check)(void *priv, const struct hyp_snic_spec *s, struct hyp_snic_hw *hw,
			  bool repair, struct errmsg *em);
	/*
	 * Verifies what snic_create left inside the container netns (s->netns_fd
	 * open): the interface, its address, a default route. Changes nothing.
	 */
	int (*container_check)(void *priv, const struct hyp_snic_spec *s,
			       const struct hyp_snic_hw *hw, struct errmsg *em);
	/* How what hw records shows (zeroes for ""). */
	int (*snic_info)(void *priv, const struct hyp_snic_hw *hw, struct hyp_snic_info *out);
	/* Removes table entries, links and ports of SNIC ids not in keep. */
	int (*sweep)(void *priv, const int64_t *keep, size_t n);
	int (*counters)(void *priv, hyp_counter_cb cb, void *ctx);
	/*
	 * Loads a compiled rule set into the inactive generation of the policy
	 * tables, then switches to it in one write: a packet sees the old set
	 * or the new one, never a mix. Established flows are re-checked at
	 * their next packet.
	 */
	int (*policy_load)(void *priv, const struct pol_program *prog, struct errmsg *em);
	/* Removes expired conntrack entries; returns how many, and the live count. */
	int (*ct_gc)(void *priv, uint32_t *live);
	/*
	 * Makes the listed endpoint directions the inspected ones. An entry
	 * whose automaton the tables already hold keeps it, and flows keep
	 * walking in it; a new automaton is written into free rows before the
	 * entries switch to it; equal automata are stored once. Endpoints not
	 * listed stop being inspected. -E2BIG, naming the entry, when the rows
	 * of a new automaton do not fit; nothing is switched then.
	 */
	int (*inspect_load)(void *priv, const struct hyp_inspect_entry *entries, size_t n,
			    struct errmsg *em);
	int (*inspect_usage)(void *priv, struct hyp_inspect_usage *out);
	/* Calls cb for each pending alert; returns how many. */
	int (*inspect_events)(void *priv, hyp_alert_cb cb, void *ctx);
	/* A file descriptor that polls readable when events are pending (-1: none). */
	int (*inspect_event_fd)(void *priv);
	/* Flow events (docs/observability.md): what the datapath emits. */
	int (*events_set)(void *priv, const struct hyp_event_settings *s, struct errmsg *em);
	/* Calls cb for each pending flow event; returns how many. */
	int (*flow_events)(void *priv, hyp_flow_cb cb, void *ctx);
	int (*flow_event_fd)(void *priv);
	/* Totals, and (cb not NULL) each port's refused count. */
	int (*event_stats)(void *priv, struct hyp_event_stats *out, hyp_limited_cb cb, void *ctx);
	int (*ct_owners)(void *priv, hyp_owner_cb cb, void *ctx);
	/*
	 * Makes the interface the NIC's uplink: taken from the host netns
	 * (after recording how it was: name, MTU, admin state, addresses,
	 * routes through it), given the address and next hop, its datapath
	 * attached. When it is already the uplink with this spec (a restart),
	 * adopts it and restores what is missing. -ENODEV: no such interface;
	 * -EBUSY: in use (a port of a bridge or bond, loopback, or another
	 * uplink is set). On failure nothing is changed.
	 */
	int (*uplink_attach)(void *priv, const struct hyp_uplink_spec *u, struct errmsg *em);
	/* Gives the interface back to the host netns as it was found. Idempotent. */
	int (*uplink_detach)(void *priv, struct errmsg *em);
	/* -ENOENT when there is no uplink. */
	int (*uplink_info)(void *priv, struct hyp_uplink_info *out);
	/* Makes the published ports the given set (written first, then strays removed). */
	int (*publish_load)(void *priv, const struct hyp_publish_entry *e, size_t n,
			    struct errmsg *em);
	/*
	 * The cluster overlay (docs/cluster.md). ovl_enable loads its datapath
	 * (once, from the control plane's thread, before the others are used);
	 * ovl_self places it on the uplink (when there is one) as node number
	 * node. The table ops may be called from any one thread.
	 */
	int (*ovl_enable)(void *priv, struct errmsg *em);
	int (*ovl_self)(void *priv, uint32_t node, uint32_t flags);
	int (*ovl_peer_set)(void *priv, uint32_t node, const struct hyp_ovl_peer *p);
	int (*ovl_peer_del)(void *priv, uint32_t node);
	/* a peer's IPv6 /64 (kept when the peer goes, as its IPv4 block) */
	int (*ovl_route6_set)(void *priv, uint32_t node, const uint8_t net[16], uint8_t prefix);
	/* every remote endpoint (network-order address, identity, node): the table becomes this */
	int (*ovl_eps_replace)(void *priv, const uint32_t *ip, const struct hyp_ovl_ep *v, size_t n);
	int (*ovl_ep_set)(void *priv, uint32_t ip, const struct hyp_ovl_ep *v);
	int (*ovl_ep_del)(void *priv, uint32_t ip);
	/* the same for remote endpoints' IPv6 addresses (hyp_ovl_eps6) */
	int (*ovl_eps6_replace)(void *priv, const struct hyp_ep6_key *ip,
				const struct hyp_ovl_ep *v, size_t n);
	int (*ovl_ep6_set)(void *priv, const struct hyp_ep6_key *ip, const struct hyp_ovl_ep *v);
	int (*ovl_ep6_del)(void *priv, const struct hyp_ep6_key *ip);
	/*
	 * Sequence numbers: floor (when not 0) is where the counter of a peer
	 * seen from now on starts (a peer already counting keeps its own);
	 * *max is the highest number sent to any peer so far (0: none).
	 */
	int (*ovl_seq)(void *priv, uint64_t floor, uint64_t *max);
};

const struct hyp_backend_ops *backend_find(const char *name);
extern const struct hyp_backend_ops emu_backend_ops;

/*
 * Removes a domain from its configuration alone (the instance name),
 * without opening it: nothing is loaded, adopted or checked. For a
 * teardown without the daemon and for a domain that cannot be opened; as
 * the store that names the backend is not read either, every backend
 * removes what it would have made. Outside the ops so that a caller links
 * none of the datapath (purge.c). Whatever is already gone is skipped.
 */
int backend_purge(const struct hyp_domain_cfg *cfg);

/*
 * True when some backend's domain of the instance is there (emu: its
 * netns and its pins). Reads names only, opens nothing: the CNI plugin
 * calls it (present.c, in the client library).
 */
bool backend_present(const struct hyp_domain_cfg *cfg);

/*
 * True when any part of some backend's domain of the instance is left
 * (emu: its netns or its pins), whole or not: what a teardown without the
 * daemon removes even when the instance's state is gone. Names only.
 */
bool backend_remnant(const struct hyp_domain_cfg *cfg);

/*
 * True when NETNS_RUN_DIR/name is the netns of some backend's domain that
 * is there (emu: hyp-I of an instance I with its pins): the emulated NIC,
 * where no container interface may go. Names only, opens nothing.
 */
bool backend_netns_is_domain(const char *name);

#endif
