// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the compact copy of the automata (src/backend/emu_dfc.c,
 * the layout of abi.h's hyp_dfc) that the fast walk reads: byte classes
 * (a byte no pattern uses shares the class of every other such byte, case
 * folding of caseInsensitive patterns), the three row strides, a walk of
 * the compact table step by step against the DFA's own rows (state and
 * "a pattern ends here" flag), automata side by side in one value without
 * cross-talk, and placement: first fit, 1 KiB aligned, never overlapping,
 * -E2BIG (and no place) when the tables are full or one value is too small.
 */
#include "inspect_fixture.h"
#include "backend/emu.h"

static void dfc_build(const char *const *pats, size_t n, bool nocase, struct insp_dfa *dfa)
{
	struct insp_pattern *p = calloc(n, sizeof(*p));
	struct errmsg em = {};

	assert_non_null(p);
	for (size_t i = 0; i < n; i++) {
		p[i].len = strlen(pats[i]);
		memcpy(p[i].bytes, pats[i], p[i].len);
		p[i].nocase = nocase;
		p[i].drop = true;
		p[i].id = (uint32_t)i + 1;
	}
	assert_int_equal(insp_dfa_build(p, n, BIG_LIMIT, dfa, &em), 0);
	free(p);
}

static void test_dfc_classes(void **state)
{
	static const char *const pats[] = {"abc", "b\xff" "d"};
	static const char *const folded[] = {"Xy"};
	struct insp_dfa dfa;
	uint8_t cls[256];

	dfc_build(pats, 2, false, &dfa);
	/* a b c d \xff and the rest */
	assert_int_equal(emu_dfc_classes(&dfa, cls), 6);
	assert_int_equal(cls[0], cls['.']);
	assert_int_equal(cls[0], cls['z']);
	assert_int_equal(cls[0], cls['A']); /* case-sensitive: 'A' is not 'a' */
	assert_int_not_equal(cls['a'], cls['b']);
	assert_int_not_equal(cls['a'], cls[0]);
	assert_int_not_equal(cls[0xff], cls[0]);
	assert_int_not_equal(cls['d'], cls['c']);
	insp_dfa_free(&dfa);
	dfc_build(folded, 1, true, &dfa);
	assert_int_equal(emu_dfc_classes(&dfa, cls), 3);
	assert_int_equal(cls['x'], cls['X']);
	assert_int_equal(cls['y'], cls['Y']);
	assert_int_not_equal(cls['x'], cls['y']);
	assert_int_not_equal(cls['x'], cls['z']);
	insp_dfa_free(&dfa);
	(void)state;
}

/* n random patterns of 3-12 bytes over the first nb bytes of an alphabet. */
static char **dfc_patterns(size_t n, int nb, unsigned *seed)
{
	char **p = calloc(n, sizeof(*p));

	assert_non_null(p);
	for (size_t i = 0; i < n; i++) {
		int l = 3 + (int)(rand_r(seed) % 10);

		p[i] = calloc(1, (size_t)l + 1);
		assert_non_null(p[i]);
		for (int j = 0; j < l; j++)
			p[i][j] = (char)(1 + rand_r(seed) % (unsigned)nb);
	}
	return p;
}

/* Walks len random bytes (the patterns' and others) through the compact
 * copy in buf and the DFA's rows at once: the same state and flag at
 * every byte. Returns how many steps ended a pattern. */
static unsigned walk_both(const uint8_t *buf, const struct emu_dfa *d, const struct insp_dfa *dfa,
			  int nb, unsigned seed, size_t len)
{
	const uint32_t *cls = (const uint32_t *)(buf + d->dfc_off);
	uint32_t s = 0, e = 0;
	unsigned hits = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned r = (unsigned)rand_r(&seed);
		uint8_t b = (uint8_t)(r % 8 ? 1 + r / 8 % (unsigned)nb : r / 8 % 256);
		uint32_t t = dfa->rows[(size_t)s * 256 + b];

		e = *(const uint16_t *)(buf + (((e << 7) + cls[b]) & (HYP_DFC_BYTES - 2)));
		s = t >> 1;
		assert_int_equal((e & (HYP_DFC_HIT - 1)) >> d->dfc_shift, s);
		assert_int_equal(!!(e & HYP_DFC_HIT), t & 1);
		hits += t & 1;
	}
	return hits;
}

/* Three automata (strides 64, 128, 256) placed one after the other in one
 * value, each walked after all are written. */
static void test_dfc_walk_matches_rows(void **state)
{
	static const int nbs[] = {20, 100, 200};
	static const uint8_t shifts[] = {0, 1, 2};
	struct insp_dfa dfa[3];
	struct emu_dfa d[3] = {};
	uint8_t *buf = calloc(1, HYP_DFC_BYTES);
	unsigned seed = 1603;

	assert_non_null(buf);
	for (int k = 0; k < 3; k++) {
		char **p = dfc_patterns(300, nbs[k], &seed);

		dfc_build((const char *const *)p, 300, false, &dfa[k]);
		for (int i = 0; i < 300; i++)
			free(p[i]);
		free(p);
		assert_int_equal(emu_dfc_fit(d, (size_t)k, &dfa[k], &d[k]), 0);
		assert_int_equal(d[k].dfc_tbl, 1);
		assert_int_equal(d[k].dfc_shift, shifts[k]);
		assert_int_equal(d[k].dfc_off % HYP_DFC_CLS, 0);
		if (k)
			assert_int_equal(d[k].dfc_off, d[k - 1].dfc_off + d[k - 1].dfc_len);
		emu_dfc_fill(buf, &dfa[k], &d[k]);
	}
	for (int k = 0; k < 3; k++) {
		unsigned hits = walk_both(buf, &d[k], &dfa[k], nbs[k], 16 + (unsigned)k, 200000);

		print_message("# stride %d: %u states, %u hits in 200000 bytes\n",
			      64 << shifts[k], dfa[k].states, hits);
		assert_true(hits > 0);
		insp_dfa_free(&dfa[k]);
	}
	free(buf);
	(void)state;
}

static void test_dfc_fit_full(void **state)
{
	static const char *const pats[] = {"attack-string"};
	struct emu_dfa used[HYP_DFC_TABLES + 1] = {}, d = {};
	struct insp_dfa dfa;

	dfc_build(pats, 1, false, &dfa);
	/* a hole of 10 KiB between two automata of value 1: it goes there */
	used[0] = (struct emu_dfa){.dfc_tbl = 1, .dfc_off = 0, .dfc_len = 4 * HYP_DFC_CLS};
	used[1] = (struct emu_dfa){.dfc_tbl = 1, .dfc_off = 14 * HYP_DFC_CLS,
				   .dfc_len = HYP_DFC_BYTES - 14 * HYP_DFC_CLS};
	assert_int_equal(emu_dfc_fit(used, 2, &dfa, &d), 0);
	assert_int_equal(d.dfc_tbl, 1);
	assert_int_equal(d.dfc_off, 4 * HYP_DFC_CLS);
	/* every value full: no place, and none claimed */
	for (uint32_t t = 0; t < HYP_DFC_TABLES; t++)
		used[t] = (struct emu_dfa){.dfc_tbl = t + 1, .dfc_off = 0, .dfc_len = HYP_DFC_BYTES};
	assert_int_equal(emu_dfc_fit(used, HYP_DFC_TABLES, &dfa, &d), -E2BIG);
	assert_int_equal(d.dfc_tbl, 0);
	/* the last value has 1 KiB left: too small for class map and rows */
	used[HYP_DFC_TABLES - 1].dfc_len = HYP_DFC_BYTES - HYP_DFC_CLS;
	assert_int_equal(emu_dfc_fit(used, HYP_DFC_TABLES, &dfa, &d), -E2BIG);
	assert_int_equal(d.dfc_tbl, 0);
	insp_dfa_free(&dfa);
	/* more states than one value holds: none, even in an empty table */
	dfa = (struct insp_dfa){.states = HYP_DFC_BYTES / HYP_DFC_UNIT};
	dfa.rows = calloc((size_t)dfa.states * 256, sizeof(*dfa.rows));
	assert_non_null(dfa.rows);
	assert_int_equal(emu_dfc_fit(NULL, 0, &dfa, &d), -E2BIG);
	assert_int_equal(d.dfc_tbl, 0);
	free(dfa.rows);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dfc_classes),
	    cmocka_unit_test(test_dfc_walk_matches_rows),
	    cmocka_unit_test(test_dfc_fit_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
