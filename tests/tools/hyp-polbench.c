// SPDX-License-Identifier: GPL-2.0-only
/*
 * hyp-polbench ENDPOINTS [POLICIES [unique]]: the policy compiler alone, in
 * process, on the bench's apply-N world (bench/scenarios/policy-apply.sh:
 * endpoints labelled app=a0..a99, policy j selects app=a(j%100) and allows
 * TCP 10000+j from app=a(j+1 %100); "unique": each endpoint also has a
 * label of its own, so an identity of its own). Prints, in CPU ms of this
 * process (the machine's load does not count), the full compile
 * (pol_compile) and the incremental one (pol_inc_compile) for: all the
 * policies at once, one policy changed, one endpoint added; and checks
 * that both give the same number of entries. One line of JSON.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/errmsg.h"
#include "policy/policy.h"

static double cpu_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static struct pol_doc *doc(int j, int port)
{
	char text[1024];
	struct pol_doc **docs = NULL, *d;
	struct errmsg em = {0};
	size_t n = 0;

	snprintf(text, sizeof(text),
		 "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"NetworkPolicy\","
		 "\"metadata\":{\"name\":\"bench-apply-%d\"},\"spec\":{\"podSelector\":"
		 "{\"matchLabels\":{\"app\":\"a%d\"}},\"policyTypes\":[\"Ingress\"],\"ingress\":"
		 "[{\"from\":[{\"podSelector\":{\"matchLabels\":{\"app\":\"a%d\"}}}],"
		 "\"ports\":[{\"protocol\":\"TCP\",\"port\":%d}]}]}}",
		 j, j % 100, (j + 1) % 100, port);
	if (pol_parse(text, strlen(text), &docs, &n, &em) || n != 1) {
		fprintf(stderr, "hyp-polbench: %s\n", em.msg);
		exit(1);
	}
	d = docs[0];
	free(docs);
	return d;
}

struct run {
	struct pol_doc **docs;
	size_t ndocs;
	struct pol_endpoint *eps;
	size_t neps;
};

/* ms of one compile, full or incremental; its entry count in *entries */
static double once(struct pol_inc *inc, const struct run *r, size_t *entries)
{
	struct pol_program p;
	struct errmsg em = {0};
	double t0 = cpu_ms(), t;
	int err =
	    inc ? pol_inc_compile(inc, r->docs, r->ndocs, r->eps, r->neps, NULL, 0, 262144, &p, &em)
		: pol_compile(r->docs, r->ndocs, r->eps, r->neps, NULL, 0, 262144, &p, &em);

	t = cpu_ms() - t0;
	if (err) {
		fprintf(stderr, "hyp-polbench: compile: %s\n", em.msg);
		exit(1);
	}
	*entries = p.n_entries;
	pol_program_free(&p);
	return t;
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000;
	size_t np = argc > 2 ? strtoul(argv[2], NULL, 10) : 1000;
	bool uniq = argc > 3 && !strcmp(argv[3], "unique");
	struct labels *ls = calloc(n + 1, sizeof(*ls));
	struct run r = {.docs = calloc(np, sizeof(*r.docs)), .eps = calloc(n + 1, sizeof(*r.eps))};
	struct pol_inc *inc = pol_inc_new();
	double f_all, i_all, f_one, i_one, f_add, i_add;
	size_t e1, e2, one_compiled;

	if (!ls || !r.docs || !r.eps || !inc || n < 2)
		return 1;
	for (size_t i = 0; i <= n; i++) {
		char v[24];

		snprintf(v, sizeof(v), "a%zu", i % 100);
		labels__set(&ls[i], "app", v);
		snprintf(v, sizeof(v), "%zu", i);
		if (uniq)
			labels__set(&ls[i], "pod", v);
		r.eps[i] = (struct pol_endpoint){.name = "e",
						 .identity = 100 + (uint32_t)(uniq ? i : i % 100),
						 .ip = 0x0a000000u + (uint32_t)i + 2,
						 .labels = &ls[i]};
	}
	for (size_t j = 0; j < np; j++)
		r.docs[j] = doc((int)j, 10000 + (int)j);
	r.ndocs = np;
	r.neps = n;
	f_all = once(NULL, &r, &e1);
	i_all = once(inc, &r, &e2);
	if (e1 != e2)
		return 2;
	pol_doc_free(r.docs[0]);
	r.docs[0] = doc(0, 20001);
	f_one = once(NULL, &r, &e1);
	i_one = once(inc, &r, &e2);
	one_compiled = pol_inc_stats(inc)->docs_compiled;
	if (e1 != e2)
		return 2;
	r.neps = n + 1; /* one more endpoint, app=a(n%100) */
	f_add = once(NULL, &r, &e1);
	i_add = once(inc, &r, &e2);
	if (e1 != e2)
		return 2;
	printf("{\"endpoints\": %zu, \"identities\": %zu, \"policies\": %zu, \"entries\": %zu, "
	       "\"all_full_ms\": %.2f, \"all_inc_ms\": %.2f, \"one_full_ms\": %.2f, "
	       "\"one_inc_ms\": %.2f, \"one_inc_compiled\": %zu, \"add_full_ms\": %.2f, "
	       "\"add_inc_ms\": %.2f, \"add_inc_compiled\": %zu}\n",
	       n, uniq ? n + 1 : (n < 100 ? n : 100), np, e1, f_all, i_all, f_one, i_one,
	       one_compiled, f_add, i_add, pol_inc_stats(inc)->docs_compiled);
	for (size_t j = 0; j < np; j++)
		pol_doc_free(r.docs[j]);
	pol_inc_free(inc);
	free(r.docs);
	free(r.eps);
	free(ls);
	return 0;
}
