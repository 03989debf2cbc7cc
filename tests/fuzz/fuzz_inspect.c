// SPDX-License-Identifier: GPL-2.0-only
/*
 * InspectionPolicy documents (YAML or JSON) through the daemon's parser,
 * the store's canonical JSON round trip and the DFA compiler. Invariants:
 * the canonical form is a fixed point; every pattern the document accepts
 * is found by the compiled DFA in a buffer holding just that pattern
 * (case folded as the pattern says); a rejection carries a message.
 */
#include <ctype.h>
#include <errno.h>

#include "fuzz.h"
#include "inspect/doc.h"
#include "inspect/inspect.h"
#include "lib/errmsg.h"
#include "lib/yaml.h"

static char *canon(const struct insp_doc *d)
{
	json_object *j = insp_doc_json(d);
	char *s;

	if (!j)
		fz_fail("insp_doc_json returned NULL");
	s = strdup(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN));
	json_object_put(j);
	return s;
}

static void round_trip(const struct insp_doc *d)
{
	struct errmsg em = {};
	struct insp_doc *back = NULL;
	char *a = canon(d), *b;
	json_object *o = json_tokener_parse(a);
	int err = o ? insp_doc_from_json(o, &back, &em) : -EBADMSG;

	if (err)
		fz_fail("canonical JSON not read back (%d: %s): %s", err, em.msg, a);
	b = canon(back);
	if (strcmp(a, b))
		fz_fail("canonical form not a fixed point:\n%s\n%s", a, b);
	insp_doc_free(back);
	json_object_put(o);
	free(a);
	free(b);
}

/* Every pattern is found in a buffer holding it alone. */
static void dfa_finds(const struct insp_doc *d)
{
	struct insp_pattern *pats = NULL;
	struct insp_dfa dfa = {};
	struct errmsg em = {};
	size_t n = 0;

	if (insp_doc_patterns(d, 1, &pats, &n))
		fz_fail("insp_doc_patterns failed on a parsed document");
	if (insp_dfa_build(pats, n, 1u << 14, &dfa, &em)) {
		if (!em.msg[0])
			fz_fail("insp_dfa_build failed without a message");
		free(pats);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		uint8_t buf[INSPECT_PATTERN_MAX];
		uint32_t state = 0;
		size_t at = 0;

		memcpy(buf, pats[i].bytes, pats[i].len);
		if (pats[i].nocase)
			for (size_t k = 0; k < pats[i].len; k++)
				buf[k] = (uint8_t)toupper(buf[k]);
		if (!insp_dfa_walk(&dfa, &state, buf, pats[i].len, &at))
			fz_fail("pattern %zu (%zu bytes) not found by its own DFA", i,
				pats[i].len);
	}
	insp_dfa_free(&dfa);
	free(pats);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_object **roots = NULL;
	struct errmsg em = {};
	size_t n = 0;
	char *text;

	fz_quiet();
	text = fz_str(data, size);
	if (yj_parse(text, size, &roots, &n, &em)) {
		if (!em.msg[0])
			fz_fail("YAML rejected without a message");
		free(text);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		struct insp_doc *d = NULL;
		struct errmsg dem = {};

		if (!roots[i])
			continue;
		if (insp_doc_parse(roots[i], i + 1, &d, &dem)) {
			if (!dem.msg[0])
				fz_fail("document rejected without a message");
			continue;
		}
		round_trip(d);
		dfa_finds(d);
		insp_doc_free(d);
	}
	yj_docs_free(roots, n);
	free(text);
	return 0;
}
