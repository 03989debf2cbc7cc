// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the Aho-Corasick DFA of src/inspect, behaviour: matches,
 * overlapping patterns, state carried across walks (the segments of a
 * flow), case folding, case-insensitive and case-sensitive patterns
 * together, binary patterns, bad input, the drop flag of each state.
 */
#include "inspect_fixture.h"

static void test_single(void **state)
{
	struct insp_pattern p = spat("/etc/passwd", false, 5);
	struct insp_dfa dfa;
	size_t at;

	build(&p, 1, &dfa);
	assert_int_equal(dfa.states, 12);
	assert_int_equal(find(&dfa, "GET /etc/passwd HTTP/1.0", &at), 5);
	assert_int_equal(at, 15);
	assert_int_equal(find(&dfa, "GET /etc/passw", &at), 0);
	assert_int_equal(at, 14);
	assert_int_equal(find(&dfa, "/etc//etc/passwd", &at), 5);
	assert_int_equal(at, 16);
	assert_int_equal(find(&dfa, "/ETC/PASSWD", &at), 0);
	assert_int_equal(find(&dfa, "", &at), 0);
	assert_int_equal(at, 0);
	insp_dfa_free(&dfa);
}

static void test_multiple(void **state)
{
	struct insp_pattern p[] = {spat("cmd.exe", false, 1), spat("/bin/sh", false, 2),
				   spat("passwd", false, 3)};
	struct insp_dfa dfa;
	uint32_t s = 0;
	size_t at;
	const char *text = "x=/bin/sh&y=passwd&z=cmd.exe";

	build(p, 3, &dfa);
	/* every match, in order, by walking on from each one */
	assert_int_equal(insp_dfa_walk(&dfa, &s, (const uint8_t *)text, strlen(text), &at), 2);
	assert_int_equal(at, 9);
	text += at;
	assert_int_equal(insp_dfa_walk(&dfa, &s, (const uint8_t *)text, strlen(text), &at), 3);
	assert_int_equal(at, 9);
	text += at;
	assert_int_equal(insp_dfa_walk(&dfa, &s, (const uint8_t *)text, strlen(text), &at), 1);
	assert_int_equal(at, 10);
	text += at;
	assert_int_equal(insp_dfa_walk(&dfa, &s, (const uint8_t *)text, strlen(text), &at), 0);
	insp_dfa_free(&dfa);
}

/* The classic example: he, she, his, hers in "ushers". */
static void test_overlapping(void **state)
{
	struct insp_pattern p[] = {spat("he", false, 1), spat("she", false, 2),
				   spat("his", false, 3), spat("hers", false, 4)};
	const uint8_t *text = (const uint8_t *)"ushers";
	struct insp_dfa dfa;
	uint32_t s = 0;
	size_t at;

	build(p, 4, &dfa);
	/* trie: root h he her hers hi his s sh she */
	assert_int_equal(dfa.states, 10);
	/* "she" and "he" end at 4: out[] names the longer */
	assert_int_equal(insp_dfa_walk(&dfa, &s, text, 6, &at), 2);
	assert_int_equal(at, 4);
	assert_int_equal(insp_dfa_walk(&dfa, &s, text + 4, 2, &at), 4);
	assert_int_equal(at, 2);
	assert_int_equal(insp_dfa_walk(&dfa, &s, text + 6, 0, &at), 0);
	/* "he" alone, and through a failure link ("hhe") */
	assert_int_equal(find(&dfa, "the", &at), 1);
	assert_int_equal(find(&dfa, "hhe", &at), 1);
	assert_int_equal(at, 3);
	assert_int_equal(find(&dfa, "this", &at), 3);
	insp_dfa_free(&dfa);
}

/* The state carries a pattern across two walks (two segments of a flow). */
static void test_split(void **state)
{
	struct insp_pattern p[] = {spat("/etc/passwd", false, 1), spat("wd", false, 2)};
	struct insp_dfa dfa;
	uint32_t s = 0;
	size_t at;

	build(p, 1, &dfa);
	assert_int_equal(insp_dfa_walk(&dfa, &s, (const uint8_t *)"GET /etc/pa", 11, &at), 0);
	assert_int_not_equal(s, 0);
	assert_int_equal(insp_dfa_walk(&dfa, &s, (const uint8_t *)"sswd HTTP", 9, &at), 1);
	assert_int_equal(at, 4);
	/* a fresh walk of the second half finds nothing */
	assert_int_equal(find(&dfa, "sswd HTTP", &at), 0);
	/* split at every byte, and into single bytes */
	for (size_t cut = 0; cut < 11; cut++) {
		const uint8_t *t = (const uint8_t *)"/etc/passwd";

		s = 0;
		assert_int_equal(insp_dfa_walk(&dfa, &s, t, cut, &at), 0);
		assert_int_equal(insp_dfa_walk(&dfa, &s, t + cut, 11 - cut, &at), 1);
		assert_int_equal(at, 11 - cut);
	}
	insp_dfa_free(&dfa);

	/* an invalid carried state restarts from 0 */
	build(p, 2, &dfa);
	s = dfa.states + 7;
	assert_int_equal(insp_dfa_walk(&dfa, &s, (const uint8_t *)"sswd", 4, &at), 2);
	insp_dfa_free(&dfa);
}

static void test_nocase(void **state)
{
	struct insp_pattern p[] = {spat("UNION SELECT", true, 1), spat("x-Token:", true, 3),
				   spat("Secret", false, 2)};
	struct insp_dfa dfa;
	size_t at;

	/* both cases of a letter go forward to one state */
	build(p, 2, &dfa);
	assert_int_equal(dfa.states, 1 + 12 + 8);
	insp_dfa_free(&dfa);

	build(p, 3, &dfa);
	assert_int_equal(find(&dfa, "id=1 union select pw", &at), 1);
	assert_int_equal(find(&dfa, "id=1 UnIoN sElEcT pw", &at), 1);
	assert_int_equal(at, 17);
	assert_int_equal(find(&dfa, "id=1 UNION  SELECT", &at), 0);
	assert_int_equal(find(&dfa, "a secret", &at), 0);
	assert_int_equal(find(&dfa, "a SECRET", &at), 0);
	assert_int_equal(find(&dfa, "a Secret", &at), 2);
	assert_int_equal(find(&dfa, "X-TOKEN: 1", &at), 3);
	/* only ASCII letters fold: '@' vs '`', '[' vs '{' do not */
	insp_dfa_free(&dfa);

	p[0] = spat("a@[", true, 1);
	p[1] = pat("\xc1", 1, true, 2); /* 0xc1 | 0x20 == 0xe1: not a letter */
	build(p, 2, &dfa);
	assert_int_equal(find(&dfa, "A@[", &at), 1);
	assert_int_equal(find(&dfa, "a`{", &at), 0);
	assert_int_equal(find(&dfa, "\xe1", &at), 0);
	assert_int_equal(find(&dfa, "\xc1", &at), 2);
	insp_dfa_free(&dfa);
}

/*
 * Case-insensitive and case-sensitive patterns together: after "xA" the
 * node of case-insensitive "xaz" cannot have one failure link that is
 * right both for "xa" (case-sensitive "ab" may go on) and "xA" (it may
 * not). The DFA must tell them apart.
 */
static void test_mixed_case(void **state)
{
	struct insp_pattern p[] = {spat("xaz", true, 1), spat("ab", false, 2)};
	struct insp_dfa dfa;
	size_t at;

	build(p, 2, &dfa);
	assert_int_equal(find(&dfa, "xAb", &at), 0);
	assert_int_equal(find(&dfa, "xab", &at), 2);
	assert_int_equal(at, 3);
	assert_int_equal(find(&dfa, "XAZ", &at), 1);
	assert_int_equal(find(&dfa, "xAZ", &at), 1);
	/* more states than the 6 trie nodes: "xa" and "xA" are two states */
	assert_int_equal(dfa.states, 7);
	insp_dfa_free(&dfa);

	/* the same string both ways: the case-sensitive one is also found */
	p[0] = spat("Token", true, 1);
	p[1] = spat("Token", false, 2);
	build(p, 2, &dfa);
	assert_int_equal(find(&dfa, "TOKEN", &at), 1);
	assert_int_equal(find(&dfa, "Token", &at), 1); /* equal length: lowest id */
	insp_dfa_free(&dfa);
	p[0].id = 3;
	build(p, 2, &dfa);
	assert_int_equal(find(&dfa, "Token", &at), 2);
	assert_int_equal(find(&dfa, "token", &at), 3);
	insp_dfa_free(&dfa);
}

static void test_binary(void **state)
{
	static const uint8_t sig[] = {0xde, 0xad, 0xbe, 0xef, 0x00, 0x01};
	static const uint8_t zff[] = {0x00, 0xff, 0x00};
	static const uint8_t pkt[] = {0x00, 0xff, 0xff, 0x00, 0xff, 0xde, 0xad,
				      0xbe, 0xef, 0x00, 0xff, 0x00, 0x01};
	struct insp_pattern p[] = {pat(sig, sizeof(sig), false, 1), pat(zff, sizeof(zff), true, 2),
				   pat("\xff", 1, false, 3)};
	struct insp_dfa dfa;
	uint32_t s = 0;
	size_t at;

	build(p, 2, &dfa);
	assert_int_equal(insp_dfa_walk(&dfa, &s, pkt, sizeof(pkt), &at), 2);
	assert_int_equal(at, 12);
	s = 0;
	assert_int_equal(insp_dfa_walk(&dfa, &s, pkt, 9, &at), 0);
	assert_int_equal(insp_dfa_walk(&dfa, &s, pkt + 9, 3, &at), 2); /* 00 ff 00 */
	s = 0;
	assert_int_equal(insp_dfa_walk(&dfa, &s, sig, sizeof(sig), &at), 1);
	assert_int_equal(at, 6);
	insp_dfa_free(&dfa);

	build(p, 3, &dfa);
	s = 0;
	assert_int_equal(insp_dfa_walk(&dfa, &s, pkt, sizeof(pkt), &at), 3);
	assert_int_equal(at, 2);
	insp_dfa_free(&dfa);
}

static void test_empty_and_bad_input(void **state)
{
	struct insp_pattern p = spat("abc", false, 1);
	struct errmsg em = {0};
	struct insp_dfa dfa;
	size_t at;

	/* no patterns: one state that never hits */
	assert_int_equal(insp_dfa_build(NULL, 0, 1, &dfa, &em), 0);
	assert_int_equal(dfa.states, 1);
	assert_int_equal(find(&dfa, "abc", &at), 0);
	for (int c = 0; c < 256; c++)
		assert_int_equal(dfa.rows[c], 0);
	insp_dfa_free(&dfa);

	assert_int_equal(insp_dfa_build(&p, 1, 0, &dfa, &em), -EINVAL);
	p.id = 0;
	memset(&em, 0, sizeof(em));
	assert_int_equal(insp_dfa_build(&p, 1, 100, &dfa, &em), -EINVAL);
	assert_string_equal(em.msg, "pattern 1 has id 0 (ids start at 1)");
	p.id = 1;
	p.len = 0;
	assert_int_equal(insp_dfa_build(&p, 1, 100, &dfa, &em), -EINVAL);
	assert_null(dfa.rows);
}

/* Each pattern keeps its action: drop[] marks states where a drop pattern ends. */
static void test_drop_flags(void **state)
{
	struct insp_pattern p[2] = {{.len = 3, .id = 1, .drop = true},
				    {.len = 3, .id = 2, .drop = false}};
	struct insp_dfa dfa;
	struct errmsg em = {0};
	uint32_t st = 0;
	size_t at;

	(void)state;
	memcpy(p[0].bytes, "bad", 3);
	memcpy(p[1].bytes, "odd", 3);
	assert_int_equal(insp_dfa_build(p, 2, 64, &dfa, &em), 0);
	assert_non_null(dfa.drop);
	assert_int_equal(insp_dfa_walk(&dfa, &st, (const uint8_t *)"xodd", 4, &at), 2);
	assert_false(dfa.drop[st]);
	st = 0;
	assert_int_equal(insp_dfa_walk(&dfa, &st, (const uint8_t *)"xbad", 4, &at), 1);
	assert_true(dfa.drop[st]);
	insp_dfa_free(&dfa);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_single),	cmocka_unit_test(test_multiple),
	    cmocka_unit_test(test_overlapping), cmocka_unit_test(test_split),
	    cmocka_unit_test(test_nocase),	cmocka_unit_test(test_mixed_case),
	    cmocka_unit_test(test_binary),	cmocka_unit_test(test_empty_and_bad_input),
	    cmocka_unit_test(test_drop_flags),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
