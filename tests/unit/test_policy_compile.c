// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of pol_compile and pol_eval: the Kubernetes NetworkPolicy
 * semantics table, checked with the datapath's evaluation over a small
 * world of endpoints in three namespaces (prod, dev, default), every
 * denied case next to its allowed twin. Here: default deny and which
 * endpoints a policy isolates in which direction, policies that add up,
 * the program's entries (deduplicated, bounded) and the world's errors.
 * Peers are in test_policy_compile_peers.c, ports in
 * test_policy_compile_ports.c, Kubernetes' readings of empty and null
 * fields in test_policy_compile_conformance.c.
 */
#include "policy_world_fixture.h"

/* Without any policy everything passes and nothing is enforced. */
static void test_no_policy(void **state)
{
	struct pol_program p;
	struct world w;
	struct pol_verdict v;

	world_init(&w);
	compile(&w, NULL, &p);
	assert_int_equal(p.n_entries, 0);
	assert_int_equal(p.n_enforce, 0);
	for (int s = 0; s < N_EPS; s++)
		for (int d = 0; d < N_EPS; d++)
			ALLOW(&p, &w, s, d, TCP, 80);
	v = eval(&p, &w, WEB, DB, UDP, 53);
	assert_true(v.allowed);
	assert_false(v.egress_enforced);
	assert_false(v.ingress_enforced);
	assert_int_equal(v.drop_reason, 0);
	pol_program_free(&p);
}

/* Default deny ingress for the namespace prod; egress and other namespaces untouched. */
static void test_default_deny_ingress(void **state)
{
	struct pol_program p;
	struct world w;
	struct pol_verdict v;

	world_init(&w);
	compile(&w, NP("prod", "deny-in") "  podSelector: {}\n  policyTypes: [Ingress]\n", &p);
	assert_int_equal(p.n_entries, 0);
	assert_int_equal(p.n_enforce, 3); /* web (and web2), api, db */
	v = eval(&p, &w, DWEB, DB, TCP, 5432);
	assert_false(v.allowed);
	assert_true(v.ingress_enforced);
	assert_false(v.egress_enforced);
	assert_int_equal(v.drop_reason, HYP_DROP_POLICY_INGRESS);
	DENY(&p, &w, API, DB, TCP, 5432); /* same namespace too */
	DENY(&p, &w, MISC, WEB2, UDP, 53);
	ALLOW(&p, &w, DB, DWEB, TCP, 80); /* prod's egress is not restricted */
	ALLOW(&p, &w, DB, MISC, TCP, 80);
	ALLOW(&p, &w, DWEB, TOOL, TCP, 80);
	ALLOW(&p, &w, TOOL, MISC, ICMP, 0);
	pol_program_free(&p);
}

static void test_default_deny_egress(void **state)
{
	struct pol_program p;
	struct world w;
	struct pol_verdict v;

	world_init(&w);
	compile(&w, NP("prod", "deny-out") "  podSelector: {}\n  policyTypes: [Egress]\n", &p);
	v = eval(&p, &w, WEB, DWEB, TCP, 80);
	assert_false(v.allowed);
	assert_true(v.egress_enforced);
	assert_int_equal(v.drop_reason, HYP_DROP_POLICY_EGRESS);
	DENY(&p, &w, WEB, API, TCP, 80);
	DENY(&p, &w, DB, MISC, UDP, 53);
	ALLOW(&p, &w, DWEB, WEB, TCP, 80); /* ingress to prod is not restricted */
	ALLOW(&p, &w, MISC, DB, TCP, 5432);
	ALLOW(&p, &w, TOOL, DAPI, TCP, 80);
	assert_int_equal(p.n_enforce, 3);
	for (size_t i = 0; i < p.n_enforce; i++)
		assert_int_equal(p.enforce[i].flags, HYP_ENFORCE_EGRESS);
	pol_program_free(&p);
}

/* An endpoint no policy selects for a direction is allowed everything that way. */
static void test_not_selected_allows_all(void **state)
{
	struct pol_program p;
	struct world w;

	world_init(&w);
	compile(&w, NP("prod", "db") "  podSelector: {matchLabels: {app: db}}\n", &p);
	DENY(&p, &w, WEB, DB, TCP, 5432);
	ALLOW(&p, &w, WEB, API, TCP, 80);
	ALLOW(&p, &w, DB, WEB, TCP, 80);
	ALLOW(&p, &w, API, MISC, UDP, 53);
	/* the same labels in another namespace are not selected */
	ALLOW(&p, &w, WEB, DWEB, TCP, 80);
	assert_int_equal(p.n_enforce, 1);
	assert_int_equal(p.enforce[0].identity, 302);
	assert_int_equal(p.enforce[0].flags, HYP_ENFORCE_INGRESS);
	pol_program_free(&p);
}

/* Rules of all policies selecting an endpoint add up; ids name the allowing rule. */
static void test_policies_add_up(void **state)
{
	struct pol_program p;
	struct world w;
	struct pol_verdict v;

	world_init(&w);
	compile(&w,
		NP("prod",
		   "pg") "  podSelector: {matchLabels: {app: db}}\n"
			 "  ingress:\n"
			 "  - from: [{podSelector: {matchLabels: {app: api}}}]\n"
			 "    ports: [{port: 5432}]\n" SEP NP(
			     "prod",
			     "redis") "  podSelector: {matchExpressions: [{key: app, operator: In, "
				      "values: [db, cache]}]}\n"
				      "  ingress:\n"
				      "  - from: [{podSelector: {matchLabels: {role: frontend}}}]\n"
				      "    ports: [{port: 6379}]\n"
				      "  - from: [{namespaceSelector: {matchLabels: {env: dev}}}]\n"
				      "    ports: [{port: 6379}]\n",
		&p);
	assert_int_equal(p.n_rules, 4);
	assert_string_equal(p.rules[2].policy, "prod/redis");
	assert_int_equal(p.rules[3].rule, 1);
	v = eval(&p, &w, API, DB, TCP, 5432);
	assert_true(v.allowed);
	assert_int_equal(v.ingress_rule, 1);
	v = eval(&p, &w, WEB, DB, TCP, 6379);
	assert_true(v.allowed);
	assert_int_equal(v.ingress_rule, 2);
	v = eval(&p, &w, TOOL, DB, TCP, 6379);
	assert_int_equal(v.ingress_rule, 3);
	DENY(&p, &w, API, DB, TCP, 6379);
	DENY(&p, &w, WEB, DB, TCP, 5432);
	DENY(&p, &w, TOOL, DB, TCP, 5432);
	pol_program_free(&p);
}

/* An Ingress-only policy does not restrict egress, and the reverse. */
static void test_ingress_only_keeps_egress(void **state)
{
	struct pol_program p;
	struct world w;
	struct pol_verdict v;

	world_init(&w);
	compile(&w, NP("prod", "web-in") "  podSelector: {matchLabels: {app: web}}\n", &p);
	v = eval(&p, &w, WEB, DB, TCP, 5432);
	assert_true(v.allowed);
	assert_false(v.egress_enforced);
	DENY(&p, &w, DB, WEB, TCP, 80);
	pol_program_free(&p);

	/* both sides enforced: egress of web, ingress of db */
	compile(
	    &w,
	    NP("prod", "web-out") "  podSelector: {matchLabels: {app: web}}\n"
				  "  egress:\n"
				  "  - to: [{podSelector: {matchLabels: {app: db}}}]\n"
				  "    ports: [{port: 5432}]\n" SEP NP(
				      "prod", "db-in") "  podSelector: {matchLabels: {app: db}}\n"
						       "  ingress:\n"
						       "  - from: [{podSelector: {matchLabels: "
						       "{role: frontend}}}]\n",
	    &p);
	v = eval(&p, &w, WEB, DB, TCP, 5432);
	assert_true(v.allowed && v.egress_enforced && v.ingress_enforced);
	assert_int_equal(v.egress_rule, 1);
	assert_int_equal(v.ingress_rule, 2);
	v = eval(&p, &w, WEB, DB, TCP, 80);
	assert_false(v.allowed);
	assert_int_equal(v.drop_reason, HYP_DROP_POLICY_EGRESS);
	v = eval(&p, &w, API, DB, TCP, 5432);
	assert_false(v.allowed);
	assert_int_equal(v.drop_reason, HYP_DROP_POLICY_INGRESS);
	assert_true(v.ingress_enforced);
	/* web-out's default policyTypes include Ingress: web is ingress-isolated too */
	DENY(&p, &w, API, WEB, TCP, 80);
	pol_program_free(&p);
}

/* Identical entries are kept once, with the first rule's id. */
static void test_dedup(void **state)
{
	struct pol_program p;
	struct world w;

	world_init(&w);
	compile(&w,
		NP("prod", "a") "  podSelector: {matchLabels: {app: db}}\n"
				"  ingress:\n"
				"  - from: [{podSelector: {matchLabels: {app: web}}}]\n"
				"    ports: [{port: 80}, {port: 80, endPort: 80}]\n"
				"  - from: [{podSelector: {matchLabels: {role: frontend}}}, "
				"{ipBlock: {cidr: 10.0.0.8/29}}, {ipBlock: {cidr: 10.0.0.0/28}}]\n"
				"    ports: [{port: 80}]\n",
		&p);
	/* web and web2 share identity 300: one identity entry, two IPv4 entries;
	 * then the world's: the two networks, and the /29's set once for port 80
	 * (both blocks hold it), the /28's once */
	assert_int_equal(p.n_entries, 7);
	assert_int_equal(p.entries[3].kind, HYP_PEER_WORLD_NET);
	assert_int_equal(p.entries[6].kind, HYP_PEER_WORLD_SET);
	assert_int_equal(p.entries[0].kind, HYP_PEER_IDENTITY);
	assert_int_equal(p.entries[0].rule_id, 1);
	assert_int_equal(p.entries[1].kind, HYP_PEER_IPV4);
	assert_int_equal(p.entries[1].peer, 0x0a00000a);
	assert_int_equal(p.entries[2].peer, 0x0a00000b);
	assert_int_equal(p.entries[1].rule_id, 2);
	assert_int_equal(p.n_enforce, 1);
	pol_program_free(&p);
}

static void test_too_big(void **state)
{
	struct pol_program p;
	struct errmsg em;
	struct world w;
	const char *yaml = NP("prod", "wide") "  podSelector: {}\n"
					      "  ingress:\n"
					      "  - ports: [{port: 1, endPort: 65535}]\n";

	world_init(&w);
	/* 3 identities x 16 prefixes = 48 entries */
	assert_int_equal(compile_max(&w, yaml, 48, &p, &em), 0);
	assert_int_equal(p.n_entries, 48);
	pol_program_free(&p);
	assert_int_equal(compile_max(&w, yaml, 47, &p, &em), -E2BIG);
	assert_null(p.entries);
	assert_int_equal(p.n_entries, 0);
	assert_non_null(strstr(em.msg, "policy prod/wide, ingress rule 0: more than 47 datapath "
				       "entries"));
	assert_int_equal(compile_max(&w, NULL, 0, &p, &em), 0);
	pol_program_free(&p);
}

static void test_world_errors(void **state)
{
	struct pol_program p;
	struct errmsg em;
	struct world w;

	world_init(&w);
	w.eps[MISC].identity = 300; /* web's, with other labels */
	assert_int_equal(compile_max(&w, NULL, 10, &p, &em), -EINVAL);
	assert_non_null(strstr(em.msg, "endpoints web and misc share identity 300"));

	world_init(&w);
	w.eps[MISC].identity = HYP_PEER_ANY;
	assert_int_equal(compile_max(&w, NULL, 10, &p, &em), -EINVAL);
	assert_non_null(strstr(em.msg, "identity 0 is reserved"));
}

/* A policy of one namespace never selects endpoints of another. */
static void test_namespace_scope(void **state)
{
	struct pol_program p;
	struct world w;

	world_init(&w);
	compile(&w,
		NP("dev", "web") "  podSelector: {matchLabels: {app: web}}\n" SEP NP(
		    "default", "none") "  podSelector: {}\n"
				       "  policyTypes: [Egress]\n",
		&p);
	DENY(&p, &w, TOOL, DWEB, TCP, 80);
	ALLOW(&p, &w, TOOL, WEB, TCP, 80);
	DENY(&p, &w, MISC, WEB, TCP, 80); /* misc's egress */
	assert_int_equal(eval(&p, &w, MISC, WEB, TCP, 80).drop_reason, HYP_DROP_POLICY_EGRESS);
	assert_int_equal(p.n_enforce, 2);
	assert_int_equal(p.enforce[0].identity, 400);
	assert_int_equal(p.enforce[1].identity, 500);
	pol_program_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_no_policy),
	    cmocka_unit_test(test_default_deny_ingress),
	    cmocka_unit_test(test_default_deny_egress),
	    cmocka_unit_test(test_not_selected_allows_all),
	    cmocka_unit_test(test_policies_add_up),
	    cmocka_unit_test(test_ingress_only_keeps_egress),
	    cmocka_unit_test(test_dedup),
	    cmocka_unit_test(test_too_big),
	    cmocka_unit_test(test_world_errors),
	    cmocka_unit_test(test_namespace_scope),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
