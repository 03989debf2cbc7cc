/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fixture of the NetworkPolicy parser's unit tests (test_policy_parse*.c):
 * a policy header, parsing helpers that check what came back, warnings
 * expected in order, and the refusal check.
 */
#ifndef HYP_TESTS_POLICY_PARSE_FIXTURE_H
#define HYP_TESTS_POLICY_PARSE_FIXTURE_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "policy/policy.h"
#include "lib/yaml.h"

#define HDR                                                                                        \
	"apiVersion: networking.k8s.io/v1\n"                                                       \
	"kind: NetworkPolicy\n"                                                                    \
	"metadata:\n"                                                                              \
	"  name: p\n"

/* HDR plus a spec whose podSelector is {} (lines 5 and 6). */
#define SPEC HDR "spec:\n  podSelector: {}\n"

static inline int parse(const char *text, struct pol_doc ***docs, size_t *n, struct errmsg *em)
{
	memset(em, 0, sizeof(*em));
	return pol_parse(text, strlen(text), docs, n, em);
}

/* The text parses into exactly one document; its canonical JSON, as a string. */
static inline const char *parse_one(const char *text, char *buf, size_t len)
{
	struct pol_doc **docs = NULL;
	struct errmsg em;
	size_t n = 0;
	json_object *o;
	int err = parse(text, &docs, &n, &em);

	if (err)
		fail_msg("pol_parse failed (%d): %s\n%s", err, em.msg, text);
	assert_int_equal(n, 1);
	o = pol_doc_json(docs[0]);
	assert_non_null(o);
	snprintf(buf, len, "%s",
		 json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	pol_docs_free(docs, n);
	return buf;
}

/* The text parses into one document with no warning; its canonical JSON. */
static inline const char *parse_quiet(const char *text, char *buf, size_t len)
{
	struct pol_doc **docs = NULL;
	struct errmsg em;
	size_t n = 0;

	assert_int_equal(parse(text, &docs, &n, &em), 0);
	assert_int_equal(n, 1);
	if (pol_doc_n_warnings(docs[0]))
		fail_msg("unexpected warning \"%s\":\n%s", pol_doc_warning(docs[0], 0), text);
	pol_docs_free(docs, n);
	return parse_one(text, buf, len);
}

/*
 * The text is accepted as one document whose warnings are exactly the
 * NULL-terminated want (each a substring of one warning, in order); its
 * canonical JSON.
 */
static inline const char *parse_warn(const char *text, char *buf, size_t len,
				     const char *const *want)
{
	struct pol_doc **docs = NULL;
	struct errmsg em;
	size_t n = 0, k = 0;

	if (parse(text, &docs, &n, &em))
		fail_msg("refused: %s\n%s", em.msg, text);
	assert_int_equal(n, 1);
	for (; want[k]; k++) {
		const char *w = pol_doc_warning(docs[0], k);

		if (!w)
			fail_msg("no warning \"%s\" (only %zu):\n%s", want[k], k, text);
		if (!strstr(w, want[k]))
			fail_msg("warning \"%s\" lacks \"%s\"", w, want[k]);
	}
	if (pol_doc_n_warnings(docs[0]) != k)
		fail_msg("extra warning \"%s\":\n%s", pol_doc_warning(docs[0], k), text);
	assert_null(pol_doc_warning(docs[0], k));
	pol_docs_free(docs, n);
	return parse_one(text, buf, len);
}

#define WARN(...) ((const char *const[]){__VA_ARGS__, NULL})

/* The text is rejected, nothing is returned, and the message contains want. */
static inline void expect_error(const char *text, const char *want)
{
	struct pol_doc **docs = (struct pol_doc **)&docs;
	struct errmsg em;
	size_t n = 99;
	int err = parse(text, &docs, &n, &em);

	if (err != -EINVAL)
		fail_msg("accepted (%d), wanted error \"%s\":\n%s", err, want, text);
	assert_null(docs);
	assert_int_equal(n, 0);
	if (!strstr(em.msg, want))
		fail_msg("message \"%s\" lacks \"%s\"", em.msg, want);
}

#endif
