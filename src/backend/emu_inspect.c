// SPDX-License-Identifier: GPL-2.0-only
/* emu backend: the DFA row table (two halves), inspected endpoints, alerts. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
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

static void live_free(struct emu_insp_live *live, size_t n)
{
	for (size_t i = 0; live && i < n; i++)
		free(live[i].out);
	free(live);
}

void emu_inspect_free(struct emu *e)
{
	live_free(e->insp, e->n_insp);
	e->insp = NULL;
	e->n_insp = 0;
}

/* Where each entry's DFA goes in half, and its pattern ids by state. */
static int live_plan(const struct hyp_inspect_entry *entries, size_t n, __u32 half,
		     struct emu_insp_live **out, struct errmsg *em)
{
	struct emu_insp_live *live = calloc(n + 1, sizeof(*live));
	__u32 used = 0;

	if (!live)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct insp_dfa *d = entries[i].dfa;

		live[i].identity = entries[i].identity;
		live[i].dir = entries[i].dir;
		live[i].base = half * HYP_DFA_HALF + used;
		live[i].states = d->states;
		live[i].out = malloc((d->states + 1) * sizeof(*live[i].out));
		if (!live[i].out) {
			live_free(live, n);
			return em_set(em, -ENOMEM, "no memory for the pattern table");
		}
		memcpy(live[i].out, d->out, d->states * sizeof(*live[i].out));
		used += d->states;
	}
	*out = live;
	return 0;
}

/*
 * Each endpoint switches to its complete new DFA in one update, under the
 * load's number: the revision this load publishes, with the half in bit
 * 0. The revision only grows (it lives in the pinned config), so no two
 * loads share a gen and a flow's saved walk state can never be taken for
 * a position in a later automaton in the same half.
 */
static int switch_entries(struct emu *e, const struct hyp_inspect_entry *entries,
			  const struct emu_insp_live *live, size_t n, __u32 half, struct errmsg *em)
{
	int ifd = bpf_map__fd(e->port->maps.hyp_inspect);
	int cfd = bpf_map__fd(e->port->maps.hyp_config);
	struct hyp_config cfg;
	__u32 zero = 0, gen;

	if (bpf_map_lookup_elem(cfd, &zero, &cfg))
		return em_set(em, -errno, "cannot read the bridge config");
	cfg.policy_rev++;
	gen = cfg.policy_rev << 1 | half;
	for (size_t i = 0; i < n; i++) {
		struct hyp_inspect_key k = {.identity = entries[i].identity, .dir = entries[i].dir};
		struct hyp_inspect_val v = {
		    .start = live[i].base,
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
	return 0;
}

int emu_inspect_load(void *priv, const struct hyp_inspect_entry *entries, size_t n,
		     struct errmsg *em)
{
	struct emu *e = priv;
	int dfd = bpf_map__fd(e->port->maps.hyp_dfa);
	__u32 half = live_half(bpf_map__fd(e->port->maps.hyp_inspect)) ^ 1, used = 0;
	struct emu_insp_live *live = NULL;
	int err;

	for (size_t i = 0; i < n; i++)
		used += entries[i].dfa->states;
	if (used > HYP_DFA_HALF)
		return em_set(
		    em, -E2BIG,
		    "inspection needs %u DFA states (%u KiB); the table holds %u per rule "
		    "set",
		    used, used, HYP_DFA_HALF);
	err = live_plan(entries, n, half, &live, em);
	if (err)
		return err;
	for (size_t i = 0; i < n; i++) {
		err = write_rows(dfd, &entries[i], live[i].base);
		if (err) {
			em_set(em, err, "cannot write the DFA rows");
			goto out;
		}
	}
	err = switch_entries(e, entries, live, n, half, em);
	if (err)
		goto out;
	emu_inspect_free(e);
	e->insp = live;
	e->n_insp = n;
	live = NULL;
	pr_debug("inspection: %zu tables, %u DFA rows in half %u\n", n, used, half);
out:
	live_free(live, n);
	return err;
}

struct ev_ctx {
	const struct emu *e;
	hyp_alert_cb cb;
	void *ctx;
	int n;
};

/* The id of the pattern that ends at row, from the DFAs loaded now. */
static __u32 row_pattern(const struct emu *e, __u32 row)
{
	for (size_t i = 0; i < e->n_insp; i++) {
		const struct emu_insp_live *l = &e->insp[i];

		if (row >= l->base && row < l->base + l->states)
			return l->out[row - l->base];
	}
	return 0;
}

static int on_event(void *ctx, void *data, size_t len)
{
	struct ev_ctx *c = ctx;
	const struct hyp_inspect_event *ev = data;
	struct hyp_inspect_alert a;

	if (len < sizeof(struct hyp_inspect_event))
		return 0;
	c->n++;
	a = (struct hyp_inspect_alert){
	    .ts = ev->ts,
	    .identity = ev->identity,
	    .dir = (uint8_t)ev->dir,
	    .action = ev->action,
	    .proto = ev->proto,
	    .saddr = ntohl(ev->saddr),
	    .daddr = ntohl(ev->daddr),
	    .sport = ev->sport,
	    .dport = ev->dport,
	    .pattern = row_pattern(c->e, ev->row),
	    .offset = ev->offset,
	};
	return c->cb(&a, c->ctx);
}

int emu_inspect_events(void *priv, hyp_alert_cb cb, void *ctx)
{
	struct emu *e = priv;
	struct ev_ctx c = {.e = e, .cb = cb, .ctx = ctx};
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
