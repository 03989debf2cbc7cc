/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The differential test's check of the daemon's parsed-document cache
 * (src/core/node_policy_cache.c): one cache lives across all rounds; each
 * round's documents, as the store keeps them (canonical JSON), go through
 * it twice (a miss, then a hit for every document) and each time compile
 * to exactly the program the fresh parse compiled to. Documents of older
 * rounds are swept on the way.
 */
#ifndef HYP_TEST_POLICY_DIFF_CACHE_H
#define HYP_TEST_POLICY_DIFF_CACHE_H

#include "core/node_priv.h"

static struct node diff_cache_node; /* only its pcache is used */

static int prog_equal(const struct pol_program *a, const struct pol_program *b)
{
	if (a->n_entries != b->n_entries || a->n_enforce != b->n_enforce ||
	    a->n_rules != b->n_rules)
		return 0;
	for (size_t i = 0; i < a->n_entries; i++) {
		const struct pol_entry *x = &a->entries[i], *y = &b->entries[i];

		if (x->dir != y->dir || x->kind != y->kind || x->proto != y->proto ||
		    x->port_bits != y->port_bits || x->local_id != y->local_id ||
		    x->peer != y->peer || x->port != y->port || x->rule_id != y->rule_id ||
		    memcmp(x->peer6, y->peer6, sizeof(x->peer6)))
			return 0;
	}
	for (size_t i = 0; i < a->n_enforce; i++)
		if (a->enforce[i].identity != b->enforce[i].identity ||
		    a->enforce[i].flags != b->enforce[i].flags)
			return 0;
	for (size_t i = 1; i < a->n_rules; i++)
		if (strcmp(a->rules[i].policy, b->rules[i].policy) ||
		    a->rules[i].dir != b->rules[i].dir || a->rules[i].rule != b->rules[i].rule)
			return 0;
	return 1;
}

/* One load of the round's stored texts through the cache, compiled. */
static int cache_compile(struct fixture *f, char **texts, size_t n, struct pol_program *out,
			 struct errmsg *em)
{
	struct pol_endpoint eps[FX_MAX_EPS];
	struct pol_doc **docs = calloc(n + 1, sizeof(*docs));
	struct pol_namespace nss[2];
	struct labels nsl[2];
	int err = docs ? node_pol_cache_begin(&diff_cache_node) : -ENOMEM;

	for (size_t i = 0; !err && i < n; i++)
		err = node_pol_cache_get(&diff_cache_node, texts[i], &docs[i], em);
	if (!err)
		err = node_pol_cache_end(&diff_cache_node);
	fx_namespaces(nsl, nss);
	for (size_t i = 0; i < f->n_eps; i++)
		eps[i] = (struct pol_endpoint){.name = f->eps[i].name,
					       .identity = f->eps[i].identity,
					       .ip = f->eps[i].ip,
					       .labels = &f->eps[i].labels,
					       /* as fx_policy_prog: fd00:1::<last IPv4 byte> */
					       .ip6 = {htonl(0xfd000001), 0, 0,
						       htonl(f->eps[i].ip & 0xff)},
					       .has_ip6 = true};
	memset(out, 0, sizeof(*out));
	if (!err)
		err = pol_compile(docs, n, eps, f->n_eps, nss, 2, HYP_POLICY_MAX_ENTRIES / 2, out,
				  em);
	free(docs); /* borrowed documents: the cache keeps them */
	return err;
}

/* 0: both passes through the cache compile to prog. */
static int check_cache(struct fixture *f, const char *text, const struct pol_program *prog)
{
	struct pol_doc **docs = NULL;
	struct errmsg em = {};
	char **texts = NULL;
	size_t n = 0;
	int err = text ? pol_parse(text, strlen(text), &docs, &n, &em) : 0;

	texts = calloc(n + 1, sizeof(*texts));
	err = err ? err : texts ? 0 : -ENOMEM;
	for (size_t i = 0; !err && i < n; i++) {
		json_object *j = pol_doc_json(docs[i]);

		texts[i] = strdup(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN));
		json_object_put(j);
	}
	for (int pass = 0; !err && pass < 2; pass++) {
		struct pol_program p;

		err = cache_compile(f, texts, n, &p, &em);
		if (!err && !prog_equal(&p, prog))
			err = -EBADMSG;
		pol_program_free(&p);
	}
	for (size_t i = 0; texts && i < n; i++)
		free(texts[i]);
	free(texts);
	pol_docs_free(docs, n);
	return err;
}

#endif /* HYP_TEST_POLICY_DIFF_CACHE_H */
