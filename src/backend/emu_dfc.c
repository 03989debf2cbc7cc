// SPDX-License-Identifier: GPL-2.0-only
/*
 * emu backend: the compact copy of the automata (hyp_dfc, abi.h) that the
 * fast walk reads. Each automaton of hyp_dfa gets one, in the same state
 * numbering, when it fits: its bytes grouped in classes (bytes whose
 * columns are equal in every state), rows of stride = the next power of
 * two >= its classes (at least 64) 16-bit entries, placed first-fit in one
 * of the HYP_DFC_TABLES values. A value is read, the new automaton written
 * into its free space and the value written back whole: the bytes of the
 * automata in use are written with what they hold, so no walk ever sees
 * them change. One that fits nowhere has none: its walks are exact ones
 * (slower, as exact).
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

/* Byte b's column of the automaton's rows (state-local entries). */
static bool same_column(const struct insp_dfa *dfa, int a, int b)
{
	for (uint32_t s = 0; s < dfa->states; s++)
		if (dfa->rows[(size_t)s * 256 + a] != dfa->rows[(size_t)s * 256 + b])
			return false;
	return true;
}

/* cls[b] = b's class (classes numbered in order of their first byte); how many. */
int emu_dfc_classes(const struct insp_dfa *dfa, uint8_t cls[256])
{
	uint64_t h[256];
	int rep[256], n = 0;

	for (int b = 0; b < 256; b++)
		h[b] = 0xcbf29ce484222325ULL;
	for (uint32_t s = 0; s < dfa->states; s++)
		for (int b = 0; b < 256; b++)
			h[b] = (h[b] ^ dfa->rows[(size_t)s * 256 + b]) * 0x100000001b3ULL;
	for (int b = 0; b < 256; b++) {
		int c = 0;

		while (c < n && !(h[rep[c]] == h[b] && same_column(dfa, rep[c], b)))
			c++;
		if (c == n)
			rep[n++] = b;
		cls[b] = (uint8_t)c;
	}
	return n;
}

/* log2(stride) - 6 for n classes. */
static uint8_t stride_shift(int n)
{
	return n <= 64 ? 0 : n <= 128 ? 1 : 2;
}

/* Bytes of the automaton's compact copy (class map and rows, 1 KiB aligned). */
static uint64_t dfc_len(uint32_t states, uint8_t shift)
{
	uint64_t len = HYP_DFC_CLS + ((uint64_t)states << (shift + 7));

	return (len + HYP_DFC_CLS - 1) / HYP_DFC_CLS * HYP_DFC_CLS;
}

void emu_dfc_from_val(struct emu_dfa *d, const struct hyp_inspect_val *v)
{
	d->dfc_tbl = v->dfc_tbl <= HYP_DFC_TABLES ? v->dfc_tbl : 0;
	d->dfc_off = v->dfc_off;
	d->dfc_shift = v->dfc_shift;
	d->dfc_len = d->dfc_tbl ? (uint32_t)dfc_len(v->rows, v->dfc_shift) : 0;
}

/* First fit of len bytes in value t among the automata in use; -E2BIG when none. */
static int fit_in(const struct emu_dfa *used, size_t n, uint32_t t, uint32_t len, uint32_t *off)
{
	uint32_t at = 0;
	bool moved = true;

	/* the lowest offset past every range it overlaps (few automata: quadratic) */
	while (moved) {
		moved = false;
		for (size_t i = 0; i < n; i++) {
			if (used[i].dfc_tbl != t + 1 || used[i].dfc_off >= at + (uint64_t)len ||
			    used[i].dfc_off + used[i].dfc_len <= at)
				continue;
			at = used[i].dfc_off + used[i].dfc_len;
			moved = true;
		}
		if ((uint64_t)at + len > HYP_DFC_BYTES)
			return -E2BIG;
	}
	*off = at;
	return 0;
}

int emu_dfc_fit(const struct emu_dfa *used, size_t n, const struct insp_dfa *dfa, struct emu_dfa *d)
{
	uint8_t cls[256];
	uint8_t shift = stride_shift(emu_dfc_classes(dfa, cls));
	uint64_t len = dfc_len(dfa->states, shift);

	d->dfc_tbl = 0;
	if (len > HYP_DFC_BYTES)
		return -E2BIG;
	for (uint32_t t = 0; t < HYP_DFC_TABLES; t++) {
		if (fit_in(used, n, t, (uint32_t)len, &d->dfc_off))
			continue;
		d->dfc_tbl = t + 1;
		d->dfc_shift = shift;
		d->dfc_len = (uint32_t)len;
		return 0;
	}
	return -E2BIG;
}

void emu_dfc_fill(uint8_t *buf, const struct insp_dfa *dfa, const struct emu_dfa *d)
{
	uint32_t rows = d->dfc_off + HYP_DFC_CLS, stride = 64u << d->dfc_shift;
	uint32_t *cmap = (uint32_t *)(buf + d->dfc_off);
	uint16_t *cell = (uint16_t *)(buf + rows);
	uint8_t cls[256];

	emu_dfc_classes(dfa, cls);
	for (int b = 0; b < 256; b++)
		cmap[b] = rows + cls[b] * 2u;
	memset(cell, 0, (size_t)dfa->states * stride * 2);
	for (uint32_t s = 0; s < dfa->states; s++) {
		for (int b = 0; b < 256; b++) {
			uint32_t t = dfa->rows[(size_t)s * 256 + b];

			cell[(size_t)s * stride + cls[b]] =
			    (uint16_t)((t >> 1) << d->dfc_shift | ((t & 1) ? HYP_DFC_HIT : 0));
		}
	}
}

int emu_dfc_write(int fd, const struct insp_dfa *dfa, const struct emu_dfa *d)
{
	__u32 key = d->dfc_tbl - 1;
	uint8_t *buf;
	int err = 0;

	if (!d->dfc_tbl)
		return 0;
	buf = malloc(HYP_DFC_BYTES);
	if (!buf)
		return -ENOMEM;
	if (bpf_map_lookup_elem(fd, &key, buf) == 0) {
		emu_dfc_fill(buf, dfa, d);
		if (bpf_map_update_elem(fd, &key, buf, BPF_ANY))
			err = -errno;
	} else {
		err = -errno;
	}
	free(buf);
	return err;
}
