// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of src/core/node_policy_cache.c: the parsed NetworkPolicies
 * of a node, keyed by their stored text.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/node_priv.h"
#include "lib/errmsg.h"
#include "policy/policy.h"

/* The stored text of policy NAME allowing TCP port PORT (as the store keeps it). */
static char *stored(const char *name, int port)
{
	char yaml[512];
	struct pol_doc **docs = NULL;
	struct errmsg em = {0};
	json_object *o;
	size_t n = 0;
	char *text;

	snprintf(yaml, sizeof(yaml),
		 "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
		 "metadata: {name: %s}\nspec:\n  podSelector: {matchLabels: {app: a}}\n"
		 "  ingress: [{ports: [{protocol: TCP, port: %d}]}]\n",
		 name, port);
	assert_int_equal(pol_parse(yaml, strlen(yaml), &docs, &n, &em), 0);
	assert_int_equal(n, 1);
	o = pol_doc_json(docs[0]);
	text = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	pol_docs_free(docs, n);
	assert_non_null(text);
	return text;
}

static struct pol_doc *get(struct node *n, const char *text)
{
	struct errmsg em = {0};
	struct pol_doc *d = NULL;

	assert_int_equal(node_pol_cache_get(n, text, &d, &em), 0);
	assert_non_null(d);
	return d;
}

/* The same text is parsed once; another text is another document; the
 * documents of the last two loads stay, older ones go. */
static void test_hit_miss_sweep(void **state)
{
	char *a = stored("p", 80), *b = stored("p", 81), *c = stored("q", 80);
	struct node n = {0};
	struct pol_doc *da, *db;

	assert_int_equal(node_pol_cache_begin(&n), 0);
	da = get(&n, a);
	assert_ptr_equal(get(&n, a), da);
	db = get(&n, b);
	assert_ptr_not_equal(da, db);
	assert_string_equal(pol_doc_name(db), "p");
	assert_int_equal(node_pol_cache_end(&n), 0);
	assert_int_equal(node_pol_cache_size(&n), 2);
	/* load 2: b only; a stays (used by the load before) */
	assert_int_equal(node_pol_cache_begin(&n), 0);
	assert_ptr_equal(get(&n, b), db);
	assert_int_equal(node_pol_cache_end(&n), 0);
	assert_int_equal(node_pol_cache_size(&n), 2);
	/* load 3: b and c; a was used by neither load 2 nor 3: dropped */
	assert_int_equal(node_pol_cache_begin(&n), 0);
	assert_ptr_equal(get(&n, b), db);
	assert_string_equal(pol_doc_name(get(&n, c)), "q");
	assert_int_equal(node_pol_cache_end(&n), 0);
	assert_int_equal(node_pol_cache_size(&n), 2);
	assert_ptr_equal(get(&n, b), db);
	node_pol_cache_free(&n);
	assert_null(n.pcache);
	free(a);
	free(b);
	free(c);
}

/* A text that is no document: an error, nothing kept. */
static void test_bad_text(void **state)
{
	struct errmsg em = {0};
	struct pol_doc *d = NULL;
	struct node n = {0};

	assert_int_equal(node_pol_cache_begin(&n), 0);
	assert_int_equal(node_pol_cache_get(&n, "{not json", &d, &em), -EINVAL);
	assert_int_not_equal(node_pol_cache_get(&n, "{\"kind\":\"x\"}", &d, &em), 0);
	assert_int_equal(node_pol_cache_size(&n), 0);
	node_pol_cache_free(&n);
}

/* Many documents (the table grows and rehashes): each text finds its own. */
static void test_many(void **state)
{
	enum { N = 700 };
	static char *text[N];
	static struct pol_doc *doc[N];
	struct node n = {0};
	char name[32];

	assert_int_equal(node_pol_cache_begin(&n), 0);
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "p%d", i);
		text[i] = stored(name, 1000 + i);
		doc[i] = get(&n, text[i]);
	}
	assert_int_equal(node_pol_cache_size(&n), N);
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "p%d", i);
		assert_ptr_equal(get(&n, text[i]), doc[i]);
		assert_string_equal(pol_doc_name(doc[i]), name);
	}
	assert_int_equal(node_pol_cache_end(&n), 0);
	node_pol_cache_free(&n);
	for (int i = 0; i < N; i++)
		free(text[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hit_miss_sweep),
	    cmocka_unit_test(test_bad_text),
	    cmocka_unit_test(test_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
