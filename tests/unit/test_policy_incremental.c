// SPDX-License-Identifier: GPL-2.0-only
/*
 * The incremental compiler (src/policy/compile_inc*.c) against the full
 * one: seeded random sequences of policy adds, changes and deletes, SNIC
 * adds and deletes, label and named-port changes and namespace label
 * changes; after every step pol_inc_compile and pol_compile must return
 * the same program (entries with their rule ids, enforced identities,
 * rules) or the same error. The run must also reuse documents, or it
 * would show nothing about the incremental path. HYP_INC_SEED=N runs
 * another seed; a failure prints the seed and the step.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <arpa/inet.h>

#include <hyperion/abi.h>

#include "lib/errmsg.h"
#include "policy/policy.h"

#define MAX_EPS	 24
#define MAX_DOCS 10
#define ROUNDS	 60
#define STEPS	 50

static uint64_t rng;

static uint32_t rnd(uint32_t n)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return n ? (uint32_t)((z ^ (z >> 31)) % n) : 0;
}

static const char *const nsn[] = {"default", "prod", "dev"};
static const char *const apps[] = {"web", "api", "db", "cache"};
static const char *const tiers[] = {"front", "back"};

struct ep {
	bool live;
	char name[16];
	struct labels ls;
	struct named_port ports[3];
	size_t n_ports;
	uint32_t ip;
	uint32_t ip6[4];
	bool has_ip6;
	uint32_t identity;
};

struct state {
	struct ep eps[MAX_EPS];
	struct pol_doc *docs[MAX_DOCS]; /* by name p0..p9, NULL: none */
	struct labels nsl[3];
	struct pol_namespace nss[3];
	char ident_keys[64][512]; /* label set -> identity 100 + index */
	int n_idents;
};

static uint32_t identity_of(struct state *s, const struct labels *ls)
{
	char buf[512];

	assert_true(labels__canonical(ls, buf, sizeof(buf)) >= 0);
	for (int i = 0; i < s->n_idents; i++)
		if (!strcmp(s->ident_keys[i], buf))
			return 100 + (uint32_t)i;
	assert_true(s->n_idents < 64);
	snprintf(s->ident_keys[s->n_idents], sizeof(s->ident_keys[0]), "%s", buf);
	return 100 + (uint32_t)s->n_idents++;
}

static void ep_labels(struct state *s, struct ep *e)
{
	int t = (int)rnd(3);

	memset(&e->ls, 0, sizeof(e->ls));
	assert_int_equal(labels__set(&e->ls, "namespace", nsn[rnd(3)]), 0);
	assert_int_equal(labels__set(&e->ls, "app", apps[rnd(4)]), 0);
	if (t < 2)
		assert_int_equal(labels__set(&e->ls, "tier", tiers[t]), 0);
	e->identity = identity_of(s, &e->ls);
}

static void ep_ports(struct ep *e)
{
	static const struct named_port pool[] = {
	    {"http", 6, 80}, {"http", 6, 8080}, {"dns", 17, 53}, {"metrics", 6, 9090}};

	e->n_ports = 0;
	for (size_t i = 0; i < 4 && e->n_ports < 3; i++) {
		if (rnd(3))
			continue;
		if (i == 1 && e->n_ports && !strcmp(e->ports[e->n_ports - 1].name, "http"))
			continue; /* one http per endpoint */
		e->ports[e->n_ports++] = pool[i];
	}
}

static void ep_new(struct state *s, int i)
{
	struct ep *e = &s->eps[i];

	memset(e, 0, sizeof(*e));
	e->live = true;
	snprintf(e->name, sizeof(e->name), "s%d", i);
	ep_labels(s, e);
	ep_ports(e);
	e->ip = 0x0a010000u | (uint32_t)(rnd(3) << 8) | (uint32_t)(2 + i);
	e->has_ip6 = rnd(2);
	e->ip6[0] = htonl(0xfd000000u);
	e->ip6[3] = htonl((uint32_t)(2 + i));
}

static const char *sel(void)
{
	static const char *const v[] = {
	    "{}",
	    "{\"matchLabels\":{\"app\":\"web\"}}",
	    "{\"matchLabels\":{\"app\":\"api\"}}",
	    "{\"matchLabels\":{\"app\":\"db\"}}",
	    "{\"matchExpressions\":[{\"key\":\"tier\",\"operator\":\"In\",\"values\":[\"front\"]}]"
	    "}",
	    "{\"matchExpressions\":[{\"key\":\"tier\",\"operator\":\"DoesNotExist\"}]}",
	};
	return v[rnd(6)];
}

static void peer(char *b, size_t len)
{
	switch (rnd(6)) {
	case 0:
		snprintf(b, len, "{\"podSelector\":%s}", sel());
		break;
	case 1:
		snprintf(b, len, "{\"namespaceSelector\":{\"matchLabels\":{\"env\":\"%s\"}}}",
			 rnd(2) ? "prod" : "dev");
		break;
	case 2:
		snprintf(b, len, "{\"namespaceSelector\":{},\"podSelector\":%s}", sel());
		break;
	case 3:
		snprintf(b, len, "{\"ipBlock\":{\"cidr\":\"10.1.%u.0/24\"}}", rnd(3));
		break;
	case 4:
		snprintf(b, len,
			 "{\"ipBlock\":{\"cidr\":\"10.0.0.0/8\",\"except\":[\"10.1.%u.0/24\"]}}",
			 rnd(3));
		break;
	default:
		snprintf(b, len, "{\"ipBlock\":{\"cidr\":\"fd00::/%s\"}}", rnd(2) ? "8" : "120");
	}
}

static const char *port(void)
{
	static const char *const v[] = {
	    "{\"protocol\":\"TCP\",\"port\":80}",
	    "{\"port\":\"http\"}",
	    "{\"protocol\":\"UDP\",\"port\":\"dns\"}",
	    "{\"port\":1000,\"endPort\":1100}",
	    "{\"protocol\":\"UDP\"}",
	    "{\"port\":\"metrics\"}",
	};
	return v[rnd(6)];
}

static void rules(char *b, size_t len, const char *dir)
{
	size_t off = 0;
	int n = (int)rnd(3);

	off += (size_t)snprintf(b + off, len - off, "[");
	for (int i = 0; i < n; i++) {
		char p1[160], p2[160];
		int np = (int)rnd(3), nq = (int)rnd(3);

		peer(p1, sizeof(p1));
		peer(p2, sizeof(p2));
		off += (size_t)snprintf(b + off, len - off, "%s{", i ? "," : "");
		if (np)
			off += (size_t)snprintf(b + off, len - off, "\"%s\":[%s%s%s]%s", dir, p1,
						np > 1 ? "," : "", np > 1 ? p2 : "", nq ? "," : "");
		if (nq)
			off += (size_t)snprintf(b + off, len - off, "\"ports\":[%s%s%s]", port(),
						nq > 1 ? "," : "", nq > 1 ? port() : "");
		off += (size_t)snprintf(b + off, len - off, "}");
	}
	snprintf(b + off, len - off, "]");
}

static struct pol_doc *doc_new(int slot)
{
	static const char *const types[] = {"[\"Ingress\"]", "[\"Egress\"]",
					    "[\"Ingress\",\"Egress\"]"};
	char text[4096], in[1500], out[1500];
	struct pol_doc **docs = NULL;
	struct errmsg em = {0};
	size_t n = 0;

	rules(in, sizeof(in), "from");
	rules(out, sizeof(out), "to");
	snprintf(
	    text, sizeof(text),
	    "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"NetworkPolicy\","
	    "\"metadata\":{\"name\":\"p%d\",\"namespace\":\"%s\"},\"spec\":{\"podSelector\":%s,"
	    "\"policyTypes\":%s,\"ingress\":%s,\"egress\":%s}}",
	    slot, nsn[rnd(3)], sel(), types[rnd(3)], in, out);
	if (pol_parse(text, strlen(text), &docs, &n, &em) || n != 1)
		fail_msg("generated policy does not parse: %s\n%s", em.msg, text);
	{
		struct pol_doc *d = docs[0];

		free(docs);
		return d;
	}
}

static void ns_labels(struct state *s, bool prod_default)
{
	for (int i = 0; i < 3; i++) {
		memset(&s->nsl[i], 0, sizeof(s->nsl[i]));
		if (i == 1 || (i == 0 && prod_default))
			assert_int_equal(labels__set(&s->nsl[i], "env", "prod"), 0);
		if (i == 2)
			assert_int_equal(labels__set(&s->nsl[i], "env", "dev"), 0);
		s->nss[i] = (struct pol_namespace){.name = nsn[i], .labels = &s->nsl[i]};
	}
}

static size_t collect(struct state *s, struct pol_endpoint *eps, struct pol_doc **docs,
		      size_t *ndocs)
{
	size_t n = 0;

	for (int i = 0; i < MAX_EPS; i++) {
		struct ep *e = &s->eps[i];

		if (!e->live)
			continue;
		eps[n] = (struct pol_endpoint){.name = e->name,
					       .identity = e->identity,
					       .ip = e->ip,
					       .has_ip6 = e->has_ip6,
					       .labels = &e->ls,
					       .ports = e->ports,
					       .n_ports = e->n_ports};
		memcpy(eps[n].ip6, e->ip6, sizeof(e->ip6));
		n++;
	}
	*ndocs = 0;
	for (int i = 0; i < MAX_DOCS; i++)
		if (s->docs[i])
			docs[(*ndocs)++] = s->docs[i];
	return n;
}

static bool entry_eq(const struct pol_entry *a, const struct pol_entry *b)
{
	return a->dir == b->dir && a->kind == b->kind && a->proto == b->proto &&
	       a->port_bits == b->port_bits && a->local_id == b->local_id && a->peer == b->peer &&
	       a->port == b->port && a->rule_id == b->rule_id &&
	       !memcmp(a->peer6, b->peer6, sizeof(a->peer6));
}

static void same_program(const struct pol_program *a, const struct pol_program *b,
			 const char *where)
{
	if (a->n_entries != b->n_entries)
		fail_msg("%s: %zu entries incremental, %zu full", where, a->n_entries,
			 b->n_entries);
	for (size_t i = 0; i < a->n_entries; i++)
		if (!entry_eq(&a->entries[i], &b->entries[i]))
			fail_msg("%s: entry %zu differs (local %u peer %u rule %u vs local %u peer "
				 "%u rule %u)",
				 where, i, a->entries[i].local_id, a->entries[i].peer,
				 a->entries[i].rule_id, b->entries[i].local_id, b->entries[i].peer,
				 b->entries[i].rule_id);
	if (a->n_enforce != b->n_enforce)
		fail_msg("%s: %zu enforced incremental, %zu full", where, a->n_enforce,
			 b->n_enforce);
	for (size_t i = 0; i < a->n_enforce; i++)
		if (a->enforce[i].identity != b->enforce[i].identity ||
		    a->enforce[i].flags != b->enforce[i].flags)
			fail_msg("%s: enforced identity %zu differs", where, i);
	if (a->n_rules != b->n_rules)
		fail_msg("%s: %zu rules incremental, %zu full", where, a->n_rules, b->n_rules);
	for (size_t i = 1; i < a->n_rules; i++)
		if (strcmp(a->rules[i].policy, b->rules[i].policy) ||
		    a->rules[i].dir != b->rules[i].dir || a->rules[i].rule != b->rules[i].rule)
			fail_msg("%s: rule %zu differs", where, i);
}

/* One random change of the world. */
static const char *step(struct state *s)
{
	int i = (int)rnd(MAX_EPS), d = (int)rnd(MAX_DOCS);

	switch (rnd(9)) {
	case 0:
	case 1:
		pol_doc_free(s->docs[d]);
		s->docs[d] = doc_new(d);
		return "policy add/change";
	case 2:
		pol_doc_free(s->docs[d]);
		s->docs[d] = NULL;
		return "policy delete";
	case 3:
	case 4:
		ep_new(s, i);
		return "SNIC add";
	case 5:
		s->eps[i].live = false;
		return "SNIC delete";
	case 6:
		if (!s->eps[i].live)
			return "nothing";
		ep_labels(s, &s->eps[i]);
		return "label change";
	case 7:
		ep_ports(&s->eps[i]);
		return "named port change";
	default:
		ns_labels(s, rnd(2));
		return "namespace labels";
	}
}

static size_t run_round(uint64_t seed, int round)
{
	static struct state s;
	struct pol_endpoint eps[MAX_EPS];
	struct pol_doc *docs[MAX_DOCS];
	struct pol_inc *c = pol_inc_new();
	size_t reused = 0;

	assert_non_null(c);
	memset(&s, 0, sizeof(s));
	rng = seed * 1000003u + (uint64_t)round;
	ns_labels(&s, false);
	for (int i = 0; i < MAX_EPS / 2; i++)
		ep_new(&s, i);
	for (int i = 0; i < MAX_DOCS / 2; i++)
		s.docs[i] = doc_new(i);
	for (int t = 0; t < STEPS; t++) {
		const char *what = t ? step(&s) : "start";
		struct pol_program a, b;
		struct errmsg ea = {0}, eb = {0};
		char where[160];
		size_t nd, ne = collect(&s, eps, docs, &nd);
		int ra, rb;

		snprintf(where, sizeof(where), "seed %llu round %d step %d (%s)",
			 (unsigned long long)seed, round, t, what);
		ra = pol_inc_compile(c, docs, nd, eps, ne, s.nss, 3, 4096, &a, &ea);
		rb = pol_compile(docs, nd, eps, ne, s.nss, 3, 4096, &b, &eb);
		if (ra != rb || strcmp(ea.msg, eb.msg))
			fail_msg("%s: incremental %d (%s), full %d (%s)", where, ra, ea.msg, rb,
				 eb.msg);
		if (!ra)
			same_program(&a, &b, where);
		reused += pol_inc_stats(c)->docs_reused;
		pol_program_free(&a);
		pol_program_free(&b);
	}
	for (int i = 0; i < MAX_DOCS; i++)
		pol_doc_free(s.docs[i]);
	pol_inc_free(c);
	return reused;
}

static void test_incremental_equals_full(void **state)
{
	const char *env = getenv("HYP_INC_SEED");
	uint64_t seed = env ? strtoull(env, NULL, 10) : 16;
	size_t reused = 0;

	(void)state;
	for (int r = 0; r < ROUNDS; r++)
		reused += run_round(seed, r);
	/* the cache was used: the comparison covered the incremental path */
	assert_true(reused > (size_t)ROUNDS * STEPS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_incremental_equals_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
