// SPDX-License-Identifier: GPL-2.0-only
/*
 * emu backend: the DFA row table (hyp_dfa). Each distinct automaton has a
 * range of rows of its own, found first-fit among the ranges in use;
 * automata are told apart by a 128-bit digest of their rows' content
 * (start-relative, drop bits included), so equal compiled sets share one
 * range. What the table holds is read from the live entries of
 * hyp_inspect (start, rows, gen), so a daemon that restarts adopts the
 * automata in use (their digests are read back once) and flows keep
 * walking in them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "hyperion/abi.h"
#include "backend/emu.h"
#include "inspect/inspect.h"
#include "bpf/bridge_port.skel.h"

static void digest_init(uint64_t h[2], uint32_t rows)
{
	h[0] = 0xcbf29ce484222325ULL;
	h[1] = 0x9e3779b97f4a7c15ULL ^ rows;
}

/* Two independent 64-bit lanes (FNV-1a and a splitmix-style mix). */
static void digest_add(uint64_t h[2], uint32_t w)
{
	h[0] = (h[0] ^ w) * 0x100000001b3ULL;
	h[1] = (h[1] + w + 0x9e3779b97f4a7c15ULL) * 0xbf58476d1ce4e5b9ULL;
	h[1] ^= h[1] >> 31;
}

/* Entry b of state s as the table holds it, minus the automaton's start row. */
static uint32_t entry_word(const struct hyp_inspect_entry *en, uint32_t s, int b)
{
	uint32_t t = en->dfa->rows[(size_t)s * 256 + (size_t)b], next = t >> 1;
	uint32_t drop = en->dfa->drop ? en->dfa->drop[next] : en->action == HYP_INSPECT_DROP;

	return next << 2 | ((t & 1) ? 1 | (drop ? 2 : 0) : 0);
}

void emu_dfa_digest(const struct hyp_inspect_entry *en, uint64_t d[2])
{
	digest_init(d, en->dfa->states);
	for (uint32_t s = 0; s < en->dfa->states; s++)
		for (int b = 0; b < 256; b++)
			digest_add(d, entry_word(en, s, b));
}

int emu_dfa_write(int dfd, const struct hyp_inspect_entry *en, uint32_t start)
{
	struct hyp_dfa_row row;

	for (uint32_t s = 0; s < en->dfa->states; s++) {
		__u32 key = start + s;

		for (int b = 0; b < 256; b++) {
			uint32_t w = entry_word(en, s, b);

			row.next[b] = ((start + (w >> 2)) << 2) | (w & 3);
		}
		if (bpf_map_update_elem(dfd, &key, &row, BPF_ANY))
			return -errno;
	}
	return 0;
}

/* The digest of rows read back from the table; 0 when they cannot be one
 * automaton (a row pointing outside it): nothing will share it then. */
static int read_back(int dfd, struct emu_dfa *d)
{
	struct hyp_dfa_row row;

	digest_init(d->digest, d->rows);
	for (uint32_t s = 0; s < d->rows; s++) {
		__u32 key = d->start + s;

		if (bpf_map_lookup_elem(dfd, &key, &row))
			return -errno;
		for (int b = 0; b < 256; b++) {
			uint32_t next = row.next[b] >> 2;

			if (next < d->start || next - d->start >= d->rows) {
				d->digest[0] = d->digest[1] = 0;
				return 0;
			}
			digest_add(d->digest, (next - d->start) << 2 | (row.next[b] & 3));
		}
	}
	return 0;
}

static const struct emu_dfa *cached(const struct emu *e, const struct hyp_inspect_val *v)
{
	for (size_t i = 0; i < e->n_dfas; i++)
		if (e->dfas[i].start == v->start && e->dfas[i].rows == v->rows &&
		    e->dfas[i].gen == v->gen)
			return &e->dfas[i];
	return NULL;
}

static bool listed(const struct emu_dfa *v, size_t n, const struct hyp_inspect_val *iv)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].start == iv->start && v[i].gen == iv->gen)
			return true;
	return false;
}

/* Adds the automaton of one live entry to *out (once). */
static int scan_one(struct emu *e, int dfd, const struct hyp_inspect_val *iv, struct emu_dfa **out,
		    size_t *n)
{
	const struct emu_dfa *c;
	struct emu_dfa d = {.start = iv->start, .rows = iv->rows, .gen = iv->gen}, *grown;
	int err = 0;

	if (listed(*out, *n, iv))
		return 0;
	if (!iv->rows || iv->start >= HYP_DFA_ROWS || iv->rows > HYP_DFA_ROWS - iv->start)
		d.rows = HYP_DFA_ROWS - (iv->start % HYP_DFA_ROWS); /* unknown: keep the rest */
	emu_dfc_from_val(&d, iv);
	c = cached(e, iv);
	if (c)
		d = *c;
	else
		err = read_back(dfd, &d);
	if (err)
		return err;
	grown = realloc(*out, (*n + 1) * sizeof(**out));
	if (!grown)
		return -ENOMEM;
	*out = grown;
	(*out)[(*n)++] = d;
	return 0;
}

int emu_dfa_scan(struct emu *e, struct emu_dfa **out, size_t *n)
{
	int ifd = bpf_map__fd(e->port->maps.hyp_inspect);
	int dfd = bpf_map__fd(e->port->maps.hyp_dfa);
	struct hyp_inspect_key k, next, *prev = NULL;
	struct hyp_inspect_val v;
	int err = 0;

	*out = NULL;
	*n = 0;
	while (!err && !bpf_map_get_next_key(ifd, prev, &next)) {
		k = next;
		prev = &k;
		if (!bpf_map_lookup_elem(ifd, &k, &v))
			err = scan_one(e, dfd, &v, out, n);
	}
	if (err) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return err;
}

static int by_start(const void *a, const void *b)
{
	const struct emu_dfa *x = a, *y = b;

	return (x->start > y->start) - (x->start < y->start);
}

int emu_dfa_fit(const struct emu_dfa *used, size_t n, uint32_t rows, uint32_t *start)
{
	struct emu_dfa *s = malloc((n + 1) * sizeof(*s));
	uint32_t at = 0;
	int err = -E2BIG;

	if (!s)
		return -ENOMEM;
	memcpy(s, used, n * sizeof(*s));
	qsort(s, n, sizeof(*s), by_start);
	for (size_t i = 0; i <= n; i++) {
		uint32_t end = i < n ? s[i].start : HYP_DFA_ROWS;

		if (end >= at && end - at >= rows) {
			*start = at;
			err = 0;
			break;
		}
		if (i < n && s[i].start + s[i].rows > at)
			at = s[i].start + s[i].rows;
	}
	free(s);
	return err;
}
