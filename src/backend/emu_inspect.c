// SPDX-License-Identifier: GPL-2.0-only
/*
 * emu backend: inspection loads (which automaton each endpoint direction
 * uses; the rows themselves are emu_dfa.c's) and the events of the walk.
 */
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

/*
 * A load's plan: the automata in use (the live ones first, then the ones
 * this load writes), and for each entry the automaton it uses.
 */
struct plan {
	struct emu_dfa *dfas;
	size_t n_live, n;
	size_t *of;    /* entry -> index in dfas */
	uint32_t rev0; /* the revision before this load */
};

static void plan_free(struct plan *p)
{
	free(p->dfas);
	free(p->of);
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
	free(e->dfas);
	e->dfas = NULL;
	e->n_dfas = 0;
}

static void entry_name(const struct hyp_inspect_entry *en, char *buf, size_t len)
{
	if (en->name)
		snprintf(buf, len, "%s", en->name);
	else
		snprintf(buf, len, "identity %u %s", en->identity,
			 en->dir == HYP_DIR_INGRESS ? "ingress" : "egress");
}

static uint32_t rows_free(const struct plan *p)
{
	uint32_t used = 0;

	for (size_t i = 0; i < p->n; i++)
		used += p->dfas[i].rows;
	return used > HYP_DFA_ROWS ? 0 : HYP_DFA_ROWS - used;
}

/* The automaton of entry i: one in the table with its content, else new rows. */
static int plan_entry(struct plan *p, const struct hyp_inspect_entry *en, size_t i,
		      struct errmsg *em)
{
	struct emu_dfa d = {.rows = en->dfa->states};
	char name[256];
	int err;

	emu_dfa_digest(en, d.digest);
	for (size_t j = 0; j < p->n; j++) {
		if (p->dfas[j].rows == d.rows && !memcmp(p->dfas[j].digest, d.digest, 16)) {
			p->of[i] = j;
			return 0;
		}
	}
	if (!d.rows || d.rows > HYP_DFA_MAX_STATES)
		return em_set(em, -E2BIG, "patterns need %u DFA states; the limit is %u", d.rows,
			      HYP_DFA_MAX_STATES);
	err = emu_dfa_fit(p->dfas, p->n, d.rows, &d.start);
	if (err) {
		entry_name(en, name, sizeof(name));
		return em_set(em, err,
			      "inspection table full: %s needs %u DFA rows, %u of %u are free "
			      "(patterns of other endpoints hold the rest)",
			      name, d.rows, rows_free(p), HYP_DFA_ROWS);
	}
	/* its compact copy for the fast walk: none when it fits nowhere (exact walks) */
	if (emu_dfc_fit(p->dfas, p->n, en->dfa, &d)) {
		entry_name(en, name, sizeof(name));
		pr_warn("inspection: no room in the compact table for %s (%u states): its walks "
			"are exact ones\n",
			name, d.rows);
	}
	p->dfas[p->n] = d;
	p->of[i] = p->n++;
	return 0;
}

/* Where every entry's automaton is, from what the table holds now. */
static int plan_load(struct emu *e, const struct hyp_inspect_entry *entries, size_t n,
		     struct plan *p, struct errmsg *em)
{
	struct emu_dfa *grown;
	int err;

	memset(p, 0, sizeof(*p));
	err = emu_dfa_scan(e, &p->dfas, &p->n_live);
	if (err)
		return em_set(em, err, "cannot read the inspection table");
	p->n = p->n_live;
	grown = realloc(p->dfas, (p->n_live + n + 1) * sizeof(*grown));
	p->of = calloc(n + 1, sizeof(*p->of));
	if (!grown || !p->of) {
		free(grown ? grown : p->dfas);
		p->dfas = NULL;
		return em_set(em, -ENOMEM, "no memory for the inspection plan");
	}
	p->dfas = grown;
	for (size_t i = 0; !err && i < n; i++)
		err = plan_entry(p, &entries[i], i, em);
	return err;
}

/*
 * The new automata's rows, then their numbers: each takes a revision of
 * its own, published before any entry points at it, so no two automata
 * ever share a gen (the revision only grows; it lives in the pinned
 * config, across daemon restarts).
 */
static int write_new(struct emu *e, const struct hyp_inspect_entry *entries, size_t n,
		     struct plan *p, struct errmsg *em)
{
	int dfd = bpf_map__fd(e->port->maps.hyp_dfa);
	int xfd = bpf_map__fd(e->port->maps.hyp_dfc);
	int cfd = bpf_map__fd(e->port->maps.hyp_config);
	struct hyp_config cfg;
	__u32 zero = 0;
	int err;

	for (size_t j = p->n_live; j < p->n; j++) {
		for (size_t i = 0; i < n; i++) {
			if (p->of[i] != j)
				continue;
			err = emu_dfa_write(dfd, &entries[i], p->dfas[j].start);
			if (!err)
				err = emu_dfc_write(xfd, entries[i].dfa, &p->dfas[j]);
			if (err)
				return em_set(em, err, "cannot write the DFA rows");
			break;
		}
	}
	if (bpf_map_lookup_elem(cfd, &zero, &cfg))
		return em_set(em, -errno, "cannot read the bridge config");
	p->rev0 = cfg.policy_rev;
	for (size_t j = p->n_live; j < p->n; j++)
		p->dfas[j].gen = ++cfg.policy_rev;
	if (p->n > p->n_live && bpf_map_update_elem(cfd, &zero, &cfg, BPF_ANY))
		return em_set(em, -errno, "cannot reserve the automata's numbers");
	return 0;
}

static bool in_entries(const struct hyp_inspect_entry *entries, size_t n,
		       const struct hyp_inspect_key *k)
{
	for (size_t i = 0; i < n; i++)
		if (entries[i].identity == k->identity && entries[i].dir == k->dir)
			return true;
	return false;
}

/* Removes the entries of endpoint directions no longer inspected; how many. */
static int drop_stale(int ifd, const struct hyp_inspect_entry *entries, size_t n)
{
	struct hyp_inspect_key k, next, *prev = NULL, *stale = NULL, *grown;
	size_t ns = 0;

	while (!bpf_map_get_next_key(ifd, prev, &next)) {
		k = next;
		prev = &k;
		if (in_entries(entries, n, &k))
			continue;
		grown = realloc(stale, (ns + 1) * sizeof(*stale));
		if (!grown)
			break;
		stale = grown;
		stale[ns++] = k;
	}
	for (size_t i = 0; i < ns; i++)
		bpf_map_delete_elem(ifd, &stale[i]);
	free(stale);
	return (int)ns;
}

/* The walk may cut a payload in segments overlapping by the longest
 * pattern - 1 (bpf/lib/inspect_walk.h); 0 (never cut) when unknown or
 * too long for the field. */
static uint8_t entry_split(const struct hyp_inspect_entry *en)
{
	uint32_t l = en->dfa ? en->dfa->longest : 0;

	return l <= 255 ? (uint8_t)l : 0;
}

/*
 * Each entry points at its automaton in one update (entries whose value
 * is already right are left alone: their flows walk on), the endpoint
 * directions no longer inspected lose theirs, and a new revision makes
 * flows re-read which inspections they pay for.
 */
static int switch_entries(struct emu *e, const struct hyp_inspect_entry *entries, size_t n,
			  const struct plan *p, struct errmsg *em)
{
	int ifd = bpf_map__fd(e->port->maps.hyp_inspect);
	int cfd = bpf_map__fd(e->port->maps.hyp_config);
	struct hyp_config cfg;
	__u32 zero = 0;
	bool changed = false;

	for (size_t i = 0; i < n; i++) {
		const struct emu_dfa *d = &p->dfas[p->of[i]];
		struct hyp_inspect_key k = {.identity = entries[i].identity, .dir = entries[i].dir};
		struct hyp_inspect_val v =
					   {
					       .start = d->start,
					       .gen = d->gen,
					       .rows = d->rows,
					       .action = entries[i].action,
					       .proto = entries[i].proto,
					       .split = entry_split(&entries[i]),
					       .port_lo = entries[i].port_lo,
					       .port_hi = entries[i].port_hi,
					       .dfc_off = d->dfc_off,
					       .dfc_tbl = (__u8)d->dfc_tbl,
					       .dfc_shift = d->dfc_shift,
					   },
				       old;

		if (!bpf_map_lookup_elem(ifd, &k, &old) && !memcmp(&old, &v, sizeof(v)))
			continue;
		changed = true;
		if (bpf_map_update_elem(ifd, &k, &v, BPF_ANY))
			return em_set(em, -errno, "cannot switch the inspection table");
	}
	changed |= drop_stale(ifd, entries, n) > 0;
	if (!changed)
		return 0;
	if (bpf_map_lookup_elem(cfd, &zero, &cfg))
		return em_set(em, -errno, "cannot read the bridge config");
	cfg.policy_rev++;
	if (bpf_map_update_elem(cfd, &zero, &cfg, BPF_ANY))
		return em_set(em, -errno, "cannot publish the inspection revision");
	return 0;
}

/* The pattern ids of every entry's states, and the automata in use, for events. */
static int keep_state(struct emu *e, const struct hyp_inspect_entry *entries, size_t n,
		      const struct plan *p)
{
	struct emu_insp_live *live = calloc(n + 1, sizeof(*live));
	struct emu_dfa *dfas = calloc(n + 1, sizeof(*dfas));
	size_t nd = 0;

	if (!live || !dfas) {
		free(live);
		free(dfas);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		const struct emu_dfa *d = &p->dfas[p->of[i]];
		const struct insp_dfa *c = entries[i].dfa;
		bool have = false;

		live[i] = (struct emu_insp_live){.identity = entries[i].identity,
						 .dir = entries[i].dir,
						 .base = d->start,
						 .states = c->states};
		live[i].out = malloc((c->states + 1) * sizeof(*live[i].out));
		if (!live[i].out) {
			live_free(live, n);
			free(dfas);
			return -ENOMEM;
		}
		memcpy(live[i].out, c->out, c->states * sizeof(*live[i].out));
		for (size_t j = 0; j < nd && !have; j++)
			have = dfas[j].start == d->start;
		if (!have)
			dfas[nd++] = *d;
	}
	emu_inspect_free(e);
	e->insp = live;
	e->n_insp = n;
	e->dfas = dfas;
	e->n_dfas = nd;
	return 0;
}

int emu_inspect_load(void *priv, const struct hyp_inspect_entry *entries, size_t n,
		     struct errmsg *em)
{
	struct emu *e = priv;
	struct plan p;
	int err;

	err = plan_load(e, entries, n, &p, em);
	if (!err)
		err = write_new(e, entries, n, &p, em);
	if (!err)
		err = switch_entries(e, entries, n, &p, em);
	if (!err)
		err = keep_state(e, entries, n, &p);
	if (!err)
		pr_debug("inspection: %zu tables, %zu automata (%zu new)\n", n, e->n_dfas,
			 p.n - p.n_live);
	plan_free(&p);
	return err;
}

int emu_inspect_usage(void *priv, struct hyp_inspect_usage *out)
{
	const struct emu *e = priv;

	memset(out, 0, sizeof(*out));
	out->tables = (uint32_t)e->n_insp;
	out->automata = (uint32_t)e->n_dfas;
	for (size_t i = 0; i < e->n_dfas; i++)
		out->rows += e->dfas[i].rows;
	out->rows_total = HYP_DFA_ROWS;
	return 0;
}

struct ev_ctx {
	const struct emu *e;
	hyp_alert_cb cb;
	void *ctx;
	int n;
};

/* The id of the pattern that ends at row, in the endpoint direction's DFA
 * loaded now (0: not there, found before the last load). */
static __u32 row_pattern(const struct emu *e, __u32 identity, __u32 dir, __u32 row)
{
	for (size_t i = 0; i < e->n_insp; i++) {
		const struct emu_insp_live *l = &e->insp[i];

		if (l->identity == identity && l->dir == dir && row >= l->base &&
		    row < l->base + l->states)
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
	    .pattern = row_pattern(c->e, ev->identity, ev->dir, ev->row),
	    .offset = ev->offset,
	};
	if (ev->pad == HYP_INSPECT_EV_V6 && len >= sizeof(struct hyp_inspect_event6)) {
		const struct hyp_inspect_event6 *ev6 = data;

		a.v6 = true;
		a.saddr = a.daddr = 0;
		memcpy(a.saddr6, ev6->saddr6, 16);
		memcpy(a.daddr6, ev6->daddr6, 16);
	}
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
