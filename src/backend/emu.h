/* SPDX-License-Identifier: GPL-2.0-only */
/* Internals of the emulated NIC backend (netns + veth + eBPF). */
#ifndef HYP_EMU_H
#define HYP_EMU_H

#include "backend/backend.h"
#include "lib/nl.h"

#define EMU_NAME	"emu"
#define EMU_PORT_PREFIX "hp" /* bridge port of SNIC id N: hpN */

struct bridge_port_bpf;
struct snic_guard_bpf;

struct emu {
	struct hyp_domain_cfg cfg;
	int bridge_fd;	/* the NIC netns */
	struct nl *bnl; /* rtnetlink inside the NIC netns */
	struct bridge_port_bpf *port;
	struct snic_guard_bpf *guard;
};

/* emu_bpf.c: the datapath objects */
int emu_bpf_load(struct emu *e, struct errmsg *em);
void emu_bpf_unload(struct emu *e);
int emu_bpf_write_config(struct emu *e, bool create, struct errmsg *em);
int emu_link_pin_path(const struct emu *e, const char *kind, int64_t id, char *buf, size_t len);
/* Creates a tcx link in netns_fd and pins it. */
int emu_link_attach(struct emu *e, int netns_fd, int prog_fd, uint32_t ifindex, int attach_type,
		    const char *pin);
/* 1: pinned link exists and is attached, 0: missing or defunct. */
int emu_link_ok(const char *pin, uint32_t ifindex);
int emu_link_update(const char *pin, int prog_fd);
void emu_link_remove(const char *pin);
int emu_tables_program(struct emu *e, const struct hyp_snic_spec *s, const struct hyp_snic_hw *hw);
/* 1 when every table entry of the SNIC is present and right. */
int emu_tables_verify(struct emu *e, const struct hyp_snic_spec *s, const struct hyp_snic_hw *hw);
void emu_tables_remove(struct emu *e, const struct hyp_snic_spec *s, const struct hyp_snic_hw *hw);
int emu_bpf_counters(struct emu *e, hyp_counter_cb cb, void *ctx);
int emu_bpf_sweep(struct emu *e, const int64_t *keep, size_t n);

/* emu_purge.c: backend_purge of emu; links no BPF. */
int emu_purge(const struct hyp_domain_cfg *cfg);

struct pol_program;
int emu_policy_load(void *priv, const struct pol_program *prog, struct errmsg *em);
int emu_ct_gc(void *priv, uint32_t *live);
int emu_inspect_load(void *priv, struct hyp_inspect_entry *entries, size_t n, struct errmsg *em);
int emu_inspect_events(void *priv, int (*cb)(const void *ev, void *ctx), void *ctx);
int emu_inspect_event_fd(void *priv);

#define BPF_TCX_INGRESS_ 46
#define BPF_TCX_EGRESS_	 47

#endif
