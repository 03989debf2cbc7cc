// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the Aho-Corasick DFA of src/inspect against a naive
 * search: random pattern sets, dense (a small alphabet, matches
 * everywhere) and sparse (random bytes), every match end and id checked.
 */
#include "inspect_fixture.h"

static bool eq_at(const uint8_t *t, const struct insp_pattern *p)
{
	for (size_t i = 0; i < p->len; i++)
		if (p->nocase ? fold(t[i]) != fold(p->bytes[i]) : t[i] != p->bytes[i])
			return false;
	return true;
}

/* First occurrence of p in t: memmem, or a plain scan when case-insensitive. */
static const uint8_t *naive_find(const uint8_t *t, size_t len, const struct insp_pattern *p)
{
	if (!p->nocase)
		return memmem(t, len, p->bytes, p->len);
	for (size_t i = 0; i + p->len <= len; i++)
		if (eq_at(t + i, p))
			return t + i;
	return NULL;
}

struct naive_end {
	uint16_t len; /* longest pattern ending here, 0: none */
	uint32_t id;  /* the lowest id among those */
};

static void naive_mark(const uint8_t *t, size_t len, const struct insp_pattern *p,
		       struct naive_end *ends)
{
	const uint8_t *at = t;

	while ((at = naive_find(at, len - (size_t)(at - t), p))) {
		struct naive_end *e = &ends[at - t + p->len - 1];

		if (p->len > e->len || (p->len == e->len && p->id < e->id))
			*e = (struct naive_end){(uint16_t)p->len, p->id};
		at++;
	}
}

/*
 * Walks text through dfa, resuming after each match, and checks every
 * match end and id against the naive search; the first match end must be
 * min over patterns of memmem() + len.
 */
static void check_against_naive(const struct insp_dfa *dfa, const struct insp_pattern *p, size_t n,
				const uint8_t *text, size_t tlen)
{
	struct naive_end *ends = calloc(tlen, sizeof(*ends));
	size_t first = SIZE_MAX, pos = 0, at, matches = 0;
	uint32_t s = 0, id;

	assert_non_null(ends);
	for (size_t i = 0; i < n; i++) {
		const uint8_t *f = naive_find(text, tlen, &p[i]);

		if (f && (size_t)(f - text) + p[i].len < first)
			first = (size_t)(f - text) + p[i].len;
		naive_mark(text, tlen, &p[i], ends);
	}
	id = insp_dfa_walk(dfa, &s, text, tlen, &at);
	assert_true(first != SIZE_MAX);
	assert_int_equal(at, first);
	for (s = 0; pos < tlen; pos += at) {
		id = insp_dfa_walk(dfa, &s, text + pos, tlen - pos, &at);
		for (size_t e = pos; e < pos + at - (id ? 1 : 0); e++)
			if (ends[e].len)
				fail_msg("missed a match ending at %zu (id %u)", e + 1, ends[e].id);
		if (!id)
			break;
		if (ends[pos + at - 1].id != id)
			fail_msg("match ending at %zu: id %u, want %u", pos + at, id,
				 ends[pos + at - 1].id);
		matches++;
	}
	assert_true(matches > 0);
	free(ends);
}

static void test_random_vs_naive(void **state)
{
	static const uint8_t abc[] = {'a', 'b', 'A', 'B', 0x00, 0xff};
	enum { N = 1000, TLEN = 1 << 16, BIG = 1 << 18 };
	struct insp_pattern *p = calloc(N, sizeof(*p));
	uint8_t *text = malloc(BIG);
	struct rng r = {0x9e3779b97f4a7c15ull};
	struct insp_dfa dfa;

	assert_non_null(p);
	assert_non_null(text);
	/* dense: a small alphabet, matches everywhere, many overlaps */
	for (int round = 0; round < 3; round++) {
		for (size_t i = 0; i < TLEN; i++)
			text[i] = abc[rnd(&r) % sizeof(abc)];
		random_patterns(&r, p, N, abc, sizeof(abc), 3 + round, 10 + round, NULL, 0);
		build(p, N, &dfa);
		check_against_naive(&dfa, p, N, text, TLEN);
		insp_dfa_free(&dfa);
	}
	/* sparse: random bytes, some patterns taken from the text */
	for (size_t i = 0; i < BIG; i++)
		text[i] = (uint8_t)rnd(&r);
	random_patterns(&r, p, N, NULL, 0, 4, 40, text, BIG);
	build(p, N, &dfa);
	check_against_naive(&dfa, p, N, text, BIG);
	insp_dfa_free(&dfa);
	free(text);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_random_vs_naive),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
