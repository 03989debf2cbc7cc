/* SPDX-License-Identifier: GPL-2.0-only */
/* Internals of the emulated NIC backend (netns + veth + eBPF). */
#ifndef HYP_EMU_H
#define HYP_EMU_H

#include <stdbool.h>

#include "hyperion/abi.h"
#include "backend/backend.h"
#include "lib/nl.h"

#define EMU_NAME	 "emu"
#define EMU_PORT_PREFIX	 "hp"			/* bridge port of SNIC id N: hpN */
#define EMU_NETNS_PREFIX "hyp-"			/* the bridge netns of instance I: hyp-I */
#define EMU_PIN_BASE	 "/sys/fs/bpf/hyperion" /* pins of instance I: EMU_PIN_BASE/I */
/* how the uplink of instance I was found, to give it back: EMU_REC_DIR/I.uplink */
#define EMU_REC_DIR "/run/hyperion-emu"

struct bridge_port_bpf;
struct snic_guard_bpf;
struct overlay_bpf;
struct uplink_bpf;

/* emu_names.c: the names of an instance's domain; links nothing. */
struct emu_names {
	char netns[64];	      /* the emulated NIC */
	char pin_root[256];   /* bpffs root of the instance */
	char uplink_rec[128]; /* how its uplink was found (a JSON file) */
};

int emu_names(const char *instance, struct emu_names *out);
bool emu_present(const struct hyp_domain_cfg *cfg);
bool emu_remnant(const struct hyp_domain_cfg *cfg);
bool emu_netns_is_domain(const char *name);

/* What emu made for a SNIC; hyp_snic_hw.state holds it as JSON (emu_snic.c). */
struct emu_snic {
	uint32_t port_ifindex; /* bridge end, in the bridge netns */
	char port_name[16];
	uint32_t if_index; /* container end, in the container netns */
	uint64_t netns_cookie;
};

int emu_snic_encode(const struct emu_snic *es, struct hyp_snic_hw *hw);
/* An empty or unreadable state decodes to the port name alone (hpID). */
void emu_snic_decode(const struct hyp_snic_hw *hw, int64_t id, struct emu_snic *es);
int emu_snic_info(void *priv, const struct hyp_snic_hw *hw, struct hyp_snic_info *out);
/* Address, up, default route via gw: what a SNIC needs inside the container. */
int emu_container_setup(struct nl *cnl, const struct hyp_snic_spec *s,
			const struct hyp_domain_cfg *cfg, uint32_t ifindex, struct errmsg *em);
/* emu_container6.c: the IPv6 side (nothing but disable_ipv6 when s->prefix6 is 0) */
int emu_container_setup6(struct nl *cnl, const struct hyp_snic_spec *s, uint32_t ifindex,
			 struct errmsg *em);
int emu_container_route6(struct nl *cnl, const struct hyp_snic_spec *s, const uint8_t gw6[16],
			 uint32_t ifindex, struct errmsg *em);
int emu_container_check6(struct nl *cnl, const struct hyp_snic_spec *s, const uint8_t gw6[16],
			 uint32_t ifindex, struct errmsg *em);
int emu_container_check(void *priv, const struct hyp_snic_spec *s, const struct hyp_snic_hw *hw,
			struct errmsg *em);

/* One loaded endpoint direction: its automaton's rows, its accepting states' pattern ids. */
struct emu_insp_live {
	uint32_t identity, dir;
	uint32_t base, states; /* global row of state 0, and how many */
	uint32_t *out;	       /* state -> pattern id */
};

/* One automaton in the DFA row table (emu_dfa.c), shared by every entry
 * whose compiled set has its content. */
struct emu_dfa {
	uint32_t start, rows, gen;
	uint64_t digest[2]; /* of the rows' content, start-relative */
	/* its compact copy (emu_dfc.c): hyp_dfc value + 1 (0: none), where, how long */
	uint32_t dfc_tbl, dfc_off, dfc_len;
	uint8_t dfc_shift;
};

/* What one generation of the policy tables holds, as this process wrote it
 * (sorted by key): the next load into it writes only the difference. */
struct pol_entry;

struct emu_polgen {
	bool known; /* false: unknown (another process wrote it): cleared and rewritten */
	struct hyp_policy_key *keys;
	struct hyp_policy_val *vals;
	size_t n;
	struct hyp_enforce_key *ekeys;
	__u32 *eflags;
	size_t n_e;
};

struct emu {
	struct hyp_domain_cfg cfg;
	struct emu_polgen polgen[2];
	struct emu_names names;
	int bridge_fd;	/* the NIC netns */
	struct nl *bnl; /* rtnetlink inside the NIC netns */
	struct bridge_port_bpf *port;
	struct snic_guard_bpf *guard;
	struct uplink_bpf *uplink;
	struct overlay_bpf *ovl; /* the cluster overlay, when enabled (emu_ovl.c) */
	uint64_t ovl_seq_floor;	 /* first sequence number for a new peer (0: clock) */
	struct emu_insp_live *insp; /* in the order of the last inspect_load */
	size_t n_insp;
	struct emu_dfa *dfas; /* the automata the entries of the last load use */
	size_t n_dfas;
	struct emu_flow_rb *flow_rb; /* the flow event reader (emu_events.c) */
};

/* emu_bpf.c: the datapath objects */
int emu_bpf_load(struct emu *e, struct errmsg *em);
void emu_bpf_unload(struct emu *e);
struct bpf_object;
/* emu_pincheck.c: the instance's pinned maps have this build's shapes (-EEXIST, em). */
int emu_pin_check(const struct emu *e, const struct bpf_object *obj, struct errmsg *em);
int emu_bpf_write_config(struct emu *e, bool create, struct errmsg *em);
/* emu_link.c: pinned tcx links */
int emu_link_pin_path(const struct emu *e, const char *kind, int64_t id, char *buf, size_t len);
/* Creates a tcx link in netns_fd and pins it. */
int emu_link_attach(struct emu *e, int netns_fd, int prog_fd, uint32_t ifindex, int attach_type,
		    const char *pin);
/* The same with bpf_link_create flags (BPF_F_BEFORE: ahead of the others). */
int emu_link_attach_flags(int netns_fd, int prog_fd, uint32_t ifindex, int attach_type,
			  uint32_t flags, const char *pin);
/* 1: pinned link exists and is attached, 0: missing or defunct. */
int emu_link_ok(const char *pin, uint32_t ifindex);
int emu_link_update(const char *pin, int prog_fd);
void emu_link_remove(const char *pin);
/* emu_bpf.c: table entries, counters */
int emu_tables_program(struct emu *e, const struct hyp_snic_spec *s, const struct emu_snic *es);
/* 1 when every table entry of the SNIC is present and right. */
int emu_tables_verify(struct emu *e, const struct hyp_snic_spec *s, const struct emu_snic *es);
void emu_tables_remove(struct emu *e, const struct hyp_snic_spec *s, const struct emu_snic *es);
/* The SNIC's counters and event budgets (emu_tables_remove does it too). */
void emu_tables_forget(struct emu *e, const struct hyp_snic_spec *s, const struct emu_snic *es);
int emu_bpf_counters(struct emu *e, hyp_counter_cb cb, void *ctx);
int emu_bpf_sweep(struct emu *e, const int64_t *keep, size_t n);
/* emu_snic6.c: a SNIC's IPv6 entries (abi_ip6.h); no-ops without IPv6 */
int emu_snic6_program(struct emu *e, const struct hyp_snic_spec *s, const struct emu_snic *es);
int emu_snic6_verify(struct emu *e, const struct hyp_snic_spec *s, const struct emu_snic *es);
void emu_snic6_remove(struct emu *e, const struct hyp_snic_spec *s, const struct emu_snic *es);
int emu_snic6_sweep(struct emu *e);
int emu_snic6_write_config(struct emu *e, struct errmsg *em);

/* emu_nat.c */
int emu_publish_load(void *priv, const struct hyp_publish_entry *e, size_t n, struct errmsg *em);
/* Removes SNAT entries whose flow has no conntrack entry; how many. */
int emu_nat_gc(struct emu *e);

/* emu_uplink.c */
int emu_uplink_attach(void *priv, const struct hyp_uplink_spec *u, struct errmsg *em);
int emu_uplink_detach(void *priv, struct errmsg *em);
int emu_uplink_info(void *priv, struct hyp_uplink_info *out);
/* emu_uplink6.c: its IPv6 side (routed) in the bridge netns and hyp_uplink6 */
int emu_uplink6_configure(struct emu *e, const struct hyp_uplink_spec *u, const struct nl_link *l,
			  struct errmsg *em);
void emu_uplink6_clear(struct emu *e);
void emu_uplink6_info(struct emu *e, struct hyp_uplink_info *out);
int emu_uplink_snic_mtu(struct emu *e, struct nl *cnl, const char *name, const struct emu_snic *es,
			struct errmsg *em);
/* emu_ovl.c: the cluster overlay */
int emu_ovl_enable(void *priv, struct errmsg *em);
int emu_ovl_self(void *priv, uint32_t node, uint32_t flags);
int emu_ovl_peer_set(void *priv, uint32_t node, const struct hyp_ovl_peer *p);
int emu_ovl_peer_del(void *priv, uint32_t node);
int emu_ovl_route6_set(void *priv, uint32_t node, const uint8_t net[16], uint8_t prefix);
int emu_ovl_eps_replace(void *priv, const uint32_t *ip, const struct hyp_ovl_ep *v, size_t n);
int emu_ovl_ep_set(void *priv, uint32_t ip, const struct hyp_ovl_ep *v);
int emu_ovl_ep_del(void *priv, uint32_t ip);

/* emu_ovl6.c: the overlay's IPv6 tables */
int emu_ovl_eps6_replace(void *priv, const struct hyp_ep6_key *ip, const struct hyp_ovl_ep *v,
			 size_t n);
int emu_ovl_ep6_set(void *priv, const struct hyp_ep6_key *ip, const struct hyp_ovl_ep *v);
int emu_ovl_ep6_del(void *priv, const struct hyp_ep6_key *ip);
int emu_ovl_seq(void *priv, uint64_t floor, uint64_t *max);
void emu_ovl_unload(struct emu *e);
int emu_ovl_snic_links(struct emu *e, struct nl *cnl, const char *name, const struct emu_snic *es,
		       struct errmsg *em);
/* emu_giveback.c: the uplink back to the caller's netns as its record says; links no
 * BPF (emu_purge uses it). 0 also when there is no record. */
int emu_uplink_giveback(const struct emu_names *nm, struct errmsg *em);

/* emu_purge.c: backend_purge of emu; links no BPF. */
int emu_purge(const struct hyp_domain_cfg *cfg);

struct pol_program;
int emu_policy_load(void *priv, const struct pol_program *prog, struct errmsg *em);
void emu_policy_free(struct emu *e);
/* emu_policy6.c: generation gen of the IPv6 ipBlock table becomes prog's
 * entries of the IPv6 table's kinds (emu_policy6_kind) */
int emu_policy6_load(struct emu *e, const struct pol_program *prog, __u32 gen);
void emu_policy6_key(const struct pol_entry *en, __u32 gen, struct hyp_policy6_key *k);
/* An entry of this kind lives in hyp_policy6 (IPv6 ipBlock, IPv6 world). */
bool emu_policy6_kind(__u8 kind);
/* The table key of a compiled entry in generation gen. */
void emu_policy_key(const struct pol_entry *en, __u32 gen, struct hyp_policy_key *k);
/* emu_ct.c: conntrack upkeep */
int emu_ct_gc(void *priv, uint32_t *live);
/* Removes every entry of ip (host order) and the entry count of snic_id. */
int emu_ct_flush(struct emu *e, uint32_t ip, uint32_t snic_id);
/* emu_ct6.c: the same for hyp_ct6 (the owner counts are shared) */
int emu_ct6_gc(struct emu *e, uint32_t *live);
int emu_ct6_flush(struct emu *e, const uint32_t ip6[4]);
int emu_inspect_load(void *priv, const struct hyp_inspect_entry *entries, size_t n,
		     struct errmsg *em);
int emu_inspect_events(void *priv, hyp_alert_cb cb, void *ctx);
int emu_inspect_event_fd(void *priv);
int emu_inspect_usage(void *priv, struct hyp_inspect_usage *out);
/* emu_events.c: flow events */
int emu_events_set(void *priv, const struct hyp_event_settings *s, struct errmsg *em);
int emu_flow_events(void *priv, hyp_flow_cb cb, void *ctx);
int emu_flow_event_fd(void *priv);
int emu_event_stats(void *priv, struct hyp_event_stats *out, hyp_limited_cb cb, void *ctx);
int emu_ct_owners(void *priv, hyp_owner_cb cb, void *ctx);
void emu_events_free(struct emu *e);
void emu_inspect_free(struct emu *e);

/* emu_dfa.c: the DFA row table, one range of rows per distinct automaton. */
void emu_dfa_digest(const struct hyp_inspect_entry *en, uint64_t d[2]);
/* The automata the table's live entries use: from the cache, else read back. */
int emu_dfa_scan(struct emu *e, struct emu_dfa **out, size_t *n);
/* First fit of rows among the automata in use; -E2BIG when none. */
int emu_dfa_fit(const struct emu_dfa *used, size_t n, uint32_t rows, uint32_t *start);
int emu_dfa_write(int dfd, const struct hyp_inspect_entry *en, uint32_t start);
/* emu_dfc.c: the compact copies. cls[b] = b's class; returns how many. */
int emu_dfc_classes(const struct insp_dfa *dfa, uint8_t cls[256]);
/* A place for dfa's copy among the automata in use (d->dfc_*); -E2BIG: none (dfc_tbl 0). */
int emu_dfc_fit(const struct emu_dfa *used, size_t n, const struct insp_dfa *dfa,
		struct emu_dfa *d);
/* The automaton's class map and rows, at d's offset of a value's bytes in buf. */
void emu_dfc_fill(uint8_t *buf, const struct insp_dfa *dfa, const struct emu_dfa *d);
int emu_dfc_write(int fd, const struct insp_dfa *dfa, const struct emu_dfa *d);
void emu_dfc_from_val(struct emu_dfa *d, const struct hyp_inspect_val *v);

#define BPF_TCX_INGRESS_ 46
#define BPF_TCX_EGRESS_	 47

#endif
