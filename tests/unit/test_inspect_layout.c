// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the Aho-Corasick DFA of src/inspect, layout and size:
 * states in BFS order, one state per trie node when every pattern has the
 * same case sensitivity, and the state limit (exact count, or "more than"
 * when counting stops).
 */
#include "inspect_fixture.h"

/* States in BFS order (bytes in increasing order), start 0, depth non-decreasing. */
static void check_layout(const struct insp_dfa *dfa)
{
	uint32_t *order = malloc(dfa->states * sizeof(*order));
	uint32_t *depth = malloc(dfa->states * sizeof(*depth));
	uint32_t *queue = malloc(dfa->states * sizeof(*queue));
	uint32_t head = 0, tail = 0;

	assert_non_null(order);
	assert_non_null(depth);
	assert_non_null(queue);
	memset(order, 0xff, dfa->states * sizeof(*order));
	order[0] = 0;
	depth[0] = 0;
	queue[tail++] = 0;
	assert_int_equal(dfa->out[0], 0);
	while (head < tail) {
		uint32_t s = queue[head++];

		for (int c = 0; c < 256; c++) {
			uint32_t e = dfa->rows[(size_t)s * 256 + c], next = e >> 1;

			assert_true(next < dfa->states);
			assert_int_equal(e & 1, dfa->out[next] != 0);
			if (order[next] != UINT32_MAX)
				continue;
			order[next] = tail;
			depth[next] = depth[s] + 1;
			queue[tail++] = next;
		}
	}
	assert_int_equal(tail, dfa->states); /* every state reachable */
	for (uint32_t s = 0; s < dfa->states; s++) {
		if (order[s] != s)
			fail_msg("state %u is BFS number %u", s, order[s]);
		if (s && depth[s] < depth[s - 1])
			fail_msg("state %u has depth %u < %u", s, depth[s], depth[s - 1]);
	}
	free(order);
	free(depth);
	free(queue);
}

static int cmp_prefix(const void *a, const void *b)
{
	const uint8_t *x = *(const uint8_t *const *)a, *y = *(const uint8_t *const *)b;
	int c = memcmp(x + 1, y + 1, x[0] < y[0] ? x[0] : y[0]);

	return c ? c : x[0] - y[0];
}

/* Distinct prefixes of the patterns, the empty one included: trie nodes. */
static uint32_t count_prefixes(const struct insp_pattern *p, size_t n)
{
	size_t total = 0, k = 0;
	uint8_t **v, *buf;
	uint32_t count = 1;

	for (size_t i = 0; i < n; i++)
		total += p[i].len;
	v = calloc(total, sizeof(*v));
	buf = calloc(total, 1 + INSPECT_PATTERN_MAX);
	assert_non_null(v);
	assert_non_null(buf);
	for (size_t i = 0; i < n; i++) {
		for (size_t l = 1; l <= p[i].len; l++, k++) {
			v[k] = buf + k * (1 + INSPECT_PATTERN_MAX);
			v[k][0] = (uint8_t)l;
			memcpy(v[k] + 1, p[i].bytes, l);
			for (size_t j = 1; p[i].nocase && j <= l; j++)
				v[k][j] = fold(v[k][j]);
		}
	}
	qsort(v, total, sizeof(*v), cmp_prefix);
	for (size_t i = 0; i < total; i++)
		count += !i || cmp_prefix(&v[i - 1], &v[i]);
	free(v);
	free(buf);
	return count;
}

static void test_bfs_layout(void **state)
{
	static const uint8_t abc[] = {'a', 'b', 'c', 'A', 'B', '/', 0x00, 0xff};
	struct insp_pattern *p = calloc(300, sizeof(*p));
	struct insp_pattern q[] = {spat("he", false, 1), spat("she", false, 2),
				   spat("his", false, 3), spat("hers", false, 4)};
	struct rng r = {42};
	struct insp_dfa dfa;

	assert_non_null(p);
	build(q, 4, &dfa);
	check_layout(&dfa);
	/* depth-1 states come first, in byte order: 'h' then 's' */
	assert_int_equal(dfa.rows['h'] >> 1, 1);
	assert_int_equal(dfa.rows['s'] >> 1, 2);
	insp_dfa_free(&dfa);

	/* case-sensitive only: one state per trie node */
	random_patterns(&r, p, 300, abc, sizeof(abc), 1, 12, NULL, 0);
	for (size_t i = 0; i < 300; i++)
		p[i].nocase = false;
	build(p, 300, &dfa);
	check_layout(&dfa);
	assert_int_equal(dfa.states, count_prefixes(p, 300));
	insp_dfa_free(&dfa);

	/* case-insensitive only: one state per trie node of the folded patterns */
	for (size_t i = 0; i < 300; i++)
		p[i].nocase = true;
	build(p, 300, &dfa);
	check_layout(&dfa);
	assert_int_equal(dfa.states, count_prefixes(p, 300));
	insp_dfa_free(&dfa);

	/* mixed */
	for (size_t i = 0; i < 300; i++)
		p[i].nocase = rnd(&r) & 1;
	build(p, 300, &dfa);
	check_layout(&dfa);
	insp_dfa_free(&dfa);
	free(p);
}

static void test_state_limit(void **state)
{
	struct insp_pattern *p = calloc(100, sizeof(*p));
	struct insp_pattern m[] = {spat("xaz", true, 1), spat("ab", false, 2)};
	struct rng r = {7};
	struct errmsg em = {0};
	struct insp_dfa dfa;

	/* 100 patterns of 10 bytes, distinct first bytes: 1 + 1000 states */
	assert_non_null(p);
	for (size_t i = 0; i < 100; i++) {
		p[i].len = 10;
		p[i].id = (uint32_t)i + 1;
		p[i].bytes[0] = (uint8_t)i;
		for (size_t j = 1; j < 10; j++)
			p[i].bytes[j] = (uint8_t)rnd(&r);
	}
	assert_int_equal(insp_dfa_build(p, 100, 1000, &dfa, &em), -E2BIG);
	assert_string_equal(em.msg, "patterns need 1001 DFA states; the limit is 1000");
	assert_null(dfa.rows);
	assert_null(dfa.out);
	assert_int_equal(dfa.states, 0);
	memset(&em, 0, sizeof(em));
	assert_int_equal(insp_dfa_build(p, 100, 1001, &dfa, &em), 0);
	assert_int_equal(dfa.states, 1001);
	check_layout(&dfa);
	insp_dfa_free(&dfa);

	/* mixed case: counted by building, the exact number too */
	assert_int_equal(insp_dfa_build(m, 2, 6, &dfa, &em), -E2BIG);
	assert_string_equal(em.msg, "patterns need 7 DFA states; the limit is 6");
	assert_int_equal(insp_dfa_build(m, 2, 7, &dfa, &em), 0);
	insp_dfa_free(&dfa);

	/* mixed, far past the limit: counting stops, "more than" */
	for (size_t i = 0; i < 100; i++) {
		p[i].nocase = i & 1;
		for (size_t j = 0; j < 10; j++)
			p[i].bytes[j] = (uint8_t)('a' + rnd(&r) % 26);
	}
	memset(&em, 0, sizeof(em));
	assert_int_equal(insp_dfa_build(p, 100, 10, &dfa, &em), -E2BIG);
	assert_non_null(strstr(em.msg, "DFA states; the limit is 10"));
	free(p);
}

/* Mixed case far past the limit: counting stops, the message says "more than". */
static void test_state_limit_count_cap(void **state)
{
	enum { N = 3000 };
	struct insp_pattern *p = calloc(N, sizeof(*p));
	struct rng r = {11};
	struct errmsg em = {0};
	struct insp_dfa dfa;
	unsigned int more;

	assert_non_null(p);
	for (size_t i = 0; i < N; i++) {
		p[i].len = 20 + rnd(&r) % 11;
		p[i].nocase = i & 1;
		p[i].id = (uint32_t)i + 1;
		for (size_t j = 0; j < p[i].len; j++)
			p[i].bytes[j] = (uint8_t)(0x20 + rnd(&r) % 95);
	}
	assert_int_equal(insp_dfa_build(p, N, 16384, &dfa, &em), -E2BIG);
	assert_int_equal(
	    sscanf(em.msg, "patterns need more than %u DFA states; the limit is 16384", &more), 1);
	assert_true(more > 4 * 16384);
	assert_null(dfa.rows);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bfs_layout),
	    cmocka_unit_test(test_state_limit),
	    cmocka_unit_test(test_state_limit_count_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
