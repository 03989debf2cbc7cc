/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fixture of the inspection unit tests (test_inspect*.c): InspectionPolicy
 * documents parsed from YAML, patterns, building and walking a DFA, a
 * seeded xorshift generator, case folding and random pattern sets.
 */
#ifndef HYP_TESTS_INSPECT_FIXTURE_H
#define HYP_TESTS_INSPECT_FIXTURE_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <hyperion/abi.h>

#include "inspect/doc.h"
#include "inspect/inspect.h"
#include "lib/yaml.h"

#define BIG_LIMIT (1u << 22)

/* Parses every document of yaml into docs (at most max); first error wins. */
static inline int parse_all(const char *yaml, struct insp_doc **docs, size_t max, size_t *n,
			    struct errmsg *em)
{
	json_object **roots = NULL;
	size_t n_roots = 0;
	int err;

	*n = 0;
	memset(em, 0, sizeof(*em));
	err = yj_parse(yaml, strlen(yaml), &roots, &n_roots, em);
	for (size_t i = 0; !err && i < n_roots; i++) {
		if (!roots[i])
			continue;
		assert_true(*n < max);
		err = insp_doc_parse(roots[i], i + 1, &docs[*n], em);
		if (!err)
			(*n)++;
	}
	yj_docs_free(roots, n_roots);
	if (err) {
		for (size_t i = 0; i < *n; i++)
			insp_doc_free(docs[i]);
		*n = 0;
	}
	return err;
}

static inline int parse_one(const char *yaml, struct insp_doc **d, struct errmsg *em)
{
	size_t n;
	int err = parse_all(yaml, d, 1, &n, em);

	if (!err && n != 1)
		fail_msg("expected one document, got %zu", n);
	return err;
}

static inline struct insp_pattern pat(const void *bytes, size_t len, bool nocase, uint32_t id)
{
	struct insp_pattern p = {.len = len, .nocase = nocase, .id = id};

	assert_true(len <= INSPECT_PATTERN_MAX);
	memcpy(p.bytes, bytes, len);
	return p;
}

static inline struct insp_pattern spat(const char *s, bool nocase, uint32_t id)
{
	return pat(s, strlen(s), nocase, id);
}

static inline void build(const struct insp_pattern *pats, size_t n, struct insp_dfa *dfa)
{
	struct errmsg em = {0};
	int err = insp_dfa_build(pats, n, BIG_LIMIT, dfa, &em);

	if (err)
		fail_msg("insp_dfa_build: %d %s", err, em.msg);
}

/* First match of text from the start state: its id, end offset in *at. */
static inline uint32_t find(const struct insp_dfa *dfa, const char *text, size_t *at)
{
	uint32_t state = 0;

	return insp_dfa_walk(dfa, &state, (const uint8_t *)text, strlen(text), at);
}

struct rng {
	uint64_t s;
};

static inline uint32_t rnd(struct rng *r)
{
	r->s ^= r->s << 13;
	r->s ^= r->s >> 7;
	r->s ^= r->s << 17;
	return (uint32_t)(r->s >> 11);
}

static inline uint8_t fold(uint8_t c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z' ? c | 0x20 : c;
}

static inline void random_patterns(struct rng *r, struct insp_pattern *p, size_t n,
				   const uint8_t *abc, size_t nabc, size_t minlen, size_t maxlen,
				   const uint8_t *text, size_t tlen)
{
	for (size_t i = 0; i < n; i++) {
		p[i].len = minlen + rnd(r) % (maxlen - minlen + 1);
		p[i].nocase = rnd(r) % 10 < 3;
		p[i].id = (uint32_t)i + 1;
		if (text && rnd(r) % 4 == 0) {
			/* one in four taken from the text, so that it occurs */
			memcpy(p[i].bytes, text + rnd(r) % (tlen - p[i].len), p[i].len);
			continue;
		}
		for (size_t j = 0; j < p[i].len; j++)
			p[i].bytes[j] = abc ? abc[rnd(r) % nabc] : (uint8_t)rnd(r);
	}
}

#endif
