// SPDX-License-Identifier: GPL-2.0-only
/*
 * NetworkPolicy documents (YAML or JSON, several per input) through the
 * daemon's parser, the store's canonical JSON round trip and the
 * compiler. Invariants: the canonical form is a fixed point (what the
 * store reads back prints the same), every compiled program evaluates
 * without fault, and a rejected input sets an error message.
 */
#include <errno.h>

#include "fuzz.h"
#include "lib/errmsg.h"
#include "lib/labels.h"
#include "policy/policy.h"

#define N_EPS 4

static const char *const ep_labels[N_EPS][2] = {
    {"app", "web"}, {"app", "db"}, {"namespace", "prod"}, {"role", "x"}};

static char *canon(const struct pol_doc *d)
{
	json_object *j = pol_doc_json(d);
	char *s;

	if (!j)
		fz_fail("pol_doc_json returned NULL");
	s = strdup(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN));
	json_object_put(j);
	return s;
}

/* The store keeps canonical JSON and compiles what it reads back. */
static struct pol_doc *round_trip(const struct pol_doc *d)
{
	struct errmsg em = {};
	struct pol_doc *back = NULL;
	char *a = canon(d), *b;
	json_object *o = json_tokener_parse(a);
	int err = o ? pol_doc_from_json(o, &back, &em) : -EBADMSG;

	if (err)
		fz_fail("canonical JSON not read back (%d: %s): %s", err, em.msg, a);
	b = canon(back);
	if (strcmp(a, b))
		fz_fail("canonical form not a fixed point:\n%s\n%s", a, b);
	json_object_put(o);
	free(a);
	free(b);
	return back;
}

static void compile_and_eval(struct pol_doc **docs, size_t n)
{
	struct pol_endpoint eps[N_EPS];
	struct labels ls[N_EPS];
	struct pol_program prog = {};
	struct errmsg em = {};
	static const uint8_t protos[] = {1, 6, 17, 132};

	for (int i = 0; i < N_EPS; i++) {
		memset(&ls[i], 0, sizeof(ls[i]));
		labels__set(&ls[i], ep_labels[i][0], ep_labels[i][1]);
		eps[i] = (struct pol_endpoint){.name = "ep", .identity = 256 + (uint32_t)i,
					       .ip = 0x0af00002u + (uint32_t)i, .labels = &ls[i]};
	}
	if (pol_compile(docs, n, eps, N_EPS, NULL, 0, 4096, &prog, &em)) {
		if (!em.msg[0])
			fz_fail("pol_compile failed without a message");
		return;
	}
	for (int s = 0; s < N_EPS; s++)
		for (int d = 0; d < N_EPS; d++)
			for (size_t p = 0; p < sizeof(protos); p++) {
				struct pol_verdict v;

				pol_eval(&prog, &eps[s], &eps[d], protos[p], 80, &v);
				if (!v.allowed && !v.drop_reason)
					fz_fail("denied without a drop reason");
			}
	pol_program_free(&prog);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pol_doc **docs = NULL, **back;
	struct errmsg em = {};
	size_t n = 0;
	char *text;
	int err;

	fz_quiet();
	text = fz_str(data, size);
	err = pol_parse(text, size, &docs, &n, &em);
	if (err) {
		if (!em.msg[0])
			fz_fail("rejected (%d) without a message", err);
		free(text);
		return 0;
	}
	back = calloc(n + 1, sizeof(*back));
	for (size_t i = 0; i < n; i++)
		back[i] = round_trip(docs[i]);
	compile_and_eval(back, n);
	pol_docs_free(back, n);
	pol_docs_free(docs, n);
	free(text);
	return 0;
}
