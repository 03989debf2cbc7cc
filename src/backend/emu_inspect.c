// SPDX-License-Identifier: GPL-2.0-only
/* emu backend: the DFA row table (two halves), inspected endpoints, alerts. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "hyperion/abi.h"
#include "backend/emu.h"
#include "inspect/inspect.h"
#include "lib/log.h"
#include "bpf/bridge_port.skel.h"

/* The half the live entries use (0 when none). */
static __u32 live_half(int ifd)
{
	struct hyp_inspect_key k;
	struct hyp_inspect_val v;

	if (bpf_map_get_next_key(ifd, NULL, &k) || bpf_map_lookup_elem(ifd, &k, &v))
		return 1; /* nothing live: start with half 0 */
	return v.gen & 1;
}

/* Rows of one DFA at global row base; entries become (row << 2) | flags. */
static int write_rows(int dfd, const struct hyp_inspect_entry *e, __u32 base)
{
	struct hyp_dfa_row row;

	for (__u32 s = 0; s < e->dfa->states; s++) {
		__u32 key = base + s;

		for (int b = 0; b < 256; b++) {
			__u32 t = e->dfa->rows[(size_t)s * 256 + (size_t)b], next = t >> 1;
			__u32 drop =
			    e->dfa->drop ? e->dfa->drop[next] : e->action == HYP_INSPECT_DROP;

			row.next[b] = ((base + next) << 2) | ((t & 1) ? 1 | (drop ? 2 : 0) : 0);
		}
		if (bpf_map_update_elem(dfd, &key, &row, BPF_ANY))
			return -errno;
	}
	return 0;
}

static int drop_stale(int ifd, const struct hyp_inspect_entry *entries, size_t n)
{
	struct hyp_inspect_key k, next, *prev = NULL, stale[256];
	size_t ns = 0;

	while (!bpf_map_get_next_key(ifd, prev, &next)) {
		bool keep = false;

		k = next;
		prev = &k;
		for (size_t i = 0; i < n && !keep; i++)
			keep = entries[i].identity == k.identity && entries[i].dir == k.dir;
		if (!keep && ns < 256)
			stale[ns++] = k;
	}
	for (size_t i = 0; i < ns; i++)
		bpf_map_delete_elem(ifd, &stale[i]);
	return 0;
}

int emu_inspect_load(void *priv, struct hyp_inspect_entry *entries, size_t n, struct errmsg *em)
{
	struct emu *e = priv;
	int dfd = bpf_map__fd(e->port->maps.hyp_dfa);
	int ifd = bpf_map__fd(e->port->maps.hyp_inspect);
	int cfd = bpf_map__fd(e->port->maps.hyp_config);
	__u32 half = live_half(ifd) ^ 1, used = 0, zero = 0, gen;
	struct hyp_config cfg;
	int err;

	for (size_t i = 0; i < n; i++)
		used += entries[i].dfa->states;
	if (used > HYP_DFA_HALF)
		return em_set(
		    em, -E2BIG,
		    "inspection needs %u DFA states (%u KiB); the table holds %u per rule "
		    "set",
		    used, used, HYP_DFA_HALF);
	used = 0;
	for (size_t i = 0; i < n; i++) {
		entries[i].base = half * HYP_DFA_HALF + used;
		err = write_rows(dfd, &entries[i], entries[i].base);
		if (err)
			return em_set(em, err, "cannot write the DFA rows");
		used += entries[i].dfa->states;
	}
	/*
	 * The load's number: the revision this load publishes, with the half
	 * in bit 0. The revision only grows (it lives in the pinned config),
	 * so no two loads share a gen and a flow's saved walk state can never
	 * be taken for a position in a later automaton in the same half.
	 */
	if (bpf_map_lookup_elem(cfd, &zero, &cfg))
		return em_set(em, -errno, "cannot read the bridge config");
	cfg.policy_rev++;
	gen = cfg.policy_rev << 1 | half;
	/* each endpoint switches to its complete new DFA in one update */
	for (size_t i = 0; i < n; i++) {
		struct hyp_inspect_key k = {.identity = entries[i].identity, .dir = entries[i].dir};
		struct hyp_inspect_val v = {
		    .start = entries[i].base,
		    .gen = gen,
		    .action = entries[i].action,
		    .proto = entries[i].proto,
		    .port_lo = entries[i].port_lo,
		    .port_hi = entries[i].port_hi,
		};

		if (bpf_map_update_elem(ifd, &k, &v, BPF_ANY))
			return em_set(em, -errno, "cannot switch the inspection table");
	}
	drop_stale(ifd, entries, n);
	/* flows re-read which inspections they pay for at their next packet */
	if (bpf_map_update_elem(cfd, &zero, &cfg, BPF_ANY))
		return em_set(em, -errno, "cannot publish the inspection revision");
	pr_debug("inspection: %zu tables, %u DFA rows in half %u\n", n, used, half);
	return 0;
}

struct ev_ctx {
	int (*cb)(const void *ev, void *ctx);
	void *ctx;
	int n;
};

static int on_event(void *ctx, void *data, size_t len)
{
	struct ev_ctx *c = ctx;

	if (len < sizeof(struct hyp_inspect_event))
		return 0;
	c->n++;
	return c->cb(data, c->ctx);
}

int emu_inspect_events(void *priv, int (*cb)(const void *ev, void *ctx), void *ctx)
{
	struct emu *e = priv;
	struct ev_ctx c = {.cb = cb, .ctx = ctx};
	struct ring_buffer *rb;

	rb = ring_buffer__new(bpf_map__fd(e->port->maps.hyp_events), on_event, &c, NULL);
	if (!rb)
		return -errno;
	ring_buffer__consume(rb);
	ring_buffer__free(rb);
	return c.n;
}

int emu_inspect_event_fd(void *priv)
{
	struct emu *e = priv;

	return bpf_map__fd(e->port->maps.hyp_events);
}
