// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of pol_compile and pol_eval, Kubernetes' readings: rules of
 * a direction outside policyTypes are ignored, egress: [] does not add
 * Egress to the default policyTypes, empty and null from/to/ports and
 * rules allow all, null and missing selectors decode as Kubernetes
 * decodes them, an IPv6 ipBlock matches no endpoint without IPv6; each next to its twin.
 */
#include "policy_world_fixture.h"

/*
 * Rules of a direction outside policyTypes are ignored, as Kubernetes
 * ignores them: web's egress rules under policyTypes [Ingress] restrict
 * nothing; the same document with Egress listed enforces them.
 */
static void test_types_gate_rules(void **state)
{
#define WEB_POL(types)                                                                             \
	NP("prod", "web")                                                                          \
	"  podSelector: {matchLabels: {app: web}}\n"                                               \
	"  policyTypes: " types "\n"                                                               \
	"  ingress:\n"                                                                             \
	"  - from: [{podSelector: {matchLabels: {app: api}}}]\n"                                   \
	"  egress:\n"                                                                              \
	"  - to: [{podSelector: {matchLabels: {app: db}}}]\n"                                      \
	"    ports: [{port: 5432}]\n"
	struct pol_program p;
	struct world w;
	struct pol_verdict v;

	world_init(&w);
	compile(&w, WEB_POL("[Ingress]"), &p);
	v = eval(&p, &w, WEB, MISC, TCP, 80);
	assert_true(v.allowed);
	assert_false(v.egress_enforced);
	ALLOW(&p, &w, WEB, DB, UDP, 53);
	ALLOW(&p, &w, API, WEB, TCP, 80); /* the ingress rules do apply */
	DENY(&p, &w, DB, WEB, TCP, 80);
	assert_int_equal(p.n_rules, 2); /* only ingress[0] has a rule id */
	assert_int_equal(p.rules[1].dir, HYP_DIR_INGRESS);
	for (size_t i = 0; i < p.n_entries; i++)
		assert_int_equal(p.entries[i].dir, HYP_DIR_INGRESS);
	pol_program_free(&p);

	/* the twin: Egress listed, the same egress rules are enforced */
	compile(&w, WEB_POL("[Ingress, Egress]"), &p);
	v = eval(&p, &w, WEB, MISC, TCP, 80);
	assert_false(v.allowed);
	assert_int_equal(v.drop_reason, HYP_DROP_POLICY_EGRESS);
	DENY(&p, &w, WEB, DB, UDP, 53);
	ALLOW(&p, &w, WEB, DB, TCP, 5432);
	ALLOW(&p, &w, API, WEB, TCP, 80);
	pol_program_free(&p);

	/* policyTypes [Egress]: the ingress rules are ignored, web's ingress is open */
	compile(&w, WEB_POL("[Egress]"), &p);
	ALLOW(&p, &w, DB, WEB, TCP, 80);
	v = eval(&p, &w, DB, WEB, TCP, 80);
	assert_false(v.ingress_enforced);
	DENY(&p, &w, WEB, MISC, TCP, 80);
	ALLOW(&p, &w, WEB, DB, TCP, 5432);
	pol_program_free(&p);

	/* a type listed twice is listed once */
	compile(&w, WEB_POL("[Ingress, Ingress]"), &p);
	ALLOW(&p, &w, WEB, MISC, TCP, 80);
	DENY(&p, &w, DB, WEB, TCP, 80);
	pol_program_free(&p);
#undef WEB_POL
}

/* egress: [] alone does not add Egress to the default policyTypes. */
static void test_empty_egress_default_types(void **state)
{
	struct pol_program p;
	struct world w;

	world_init(&w);
	compile(&w, NP("prod", "e") "  podSelector: {matchLabels: {app: web}}\n  egress: []\n", &p);
	ALLOW(&p, &w, WEB, MISC, TCP, 80);
	DENY(&p, &w, MISC, WEB, TCP, 80); /* Ingress is a default: default deny */
	pol_program_free(&p);

	compile(&w,
		NP("prod", "e") "  podSelector: {matchLabels: {app: web}}\n  egress: []\n"
				"  policyTypes: [Ingress, Egress]\n",
		&p);
	DENY(&p, &w, WEB, MISC, TCP, 80);
	assert_int_equal(eval(&p, &w, WEB, MISC, TCP, 80).drop_reason, HYP_DROP_POLICY_EGRESS);
	pol_program_free(&p);
}

/*
 * An empty or null from/to/ports and a null rule allow all, as Kubernetes
 * reads them; a list with a peer or a port does not.
 */
static void test_empty_lists_mean_all(void **state)
{
	static const char *const all[] = {
	    "  - from: []\n",
	    "  - from:\n",
	    "  - ports: []\n",
	    "  - ports:\n",
	    "  - from: []\n    ports: []\n",
	    "  -\n",
	};
	struct pol_program p;
	struct world w;
	char yaml[512];

	world_init(&w);
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		snprintf(yaml, sizeof(yaml),
			 NP("prod", "db") "  podSelector: {matchLabels: {app: db}}\n  ingress:\n%s",
			 all[i]);
		compile(&w, yaml, &p);
		if (!ok(&p, &w, MISC, DB, UDP, 7) || !ok(&p, &w, DWEB, DB, TCP, 5432))
			fail_msg("not everything allowed by:\n%s", yaml);
		assert_true(eval(&p, &w, MISC, DB, UDP, 7).ingress_enforced);
		pol_program_free(&p);
	}
	/* the twins: a peer, a port, no rule at all */
	compile(&w,
		NP("prod", "db") "  podSelector: {matchLabels: {app: db}}\n  ingress:\n"
				 "  - from: [{podSelector: {matchLabels: {app: api}}}]\n",
		&p);
	DENY(&p, &w, MISC, DB, UDP, 7);
	ALLOW(&p, &w, API, DB, UDP, 7);
	pol_program_free(&p);
	compile(&w,
		NP("prod", "db") "  podSelector: {matchLabels: {app: db}}\n  ingress:\n"
				 "  - ports: [{protocol: UDP, port: 7}]\n",
		&p);
	ALLOW(&p, &w, MISC, DB, UDP, 7);
	DENY(&p, &w, DWEB, DB, TCP, 5432);
	pol_program_free(&p);
	compile(&w, NP("prod", "db") "  podSelector: {matchLabels: {app: db}}\n  ingress: []\n",
		&p);
	DENY(&p, &w, MISC, DB, UDP, 7);
	DENY(&p, &w, API, DB, TCP, 5432);
	pol_program_free(&p);

	/* to: [] on egress, and its twin */
	compile(&w,
		NP("prod", "web") "  podSelector: {matchLabels: {app: web}}\n"
				  "  policyTypes: [Egress]\n  egress:\n  - to: []\n",
		&p);
	ALLOW(&p, &w, WEB, MISC, TCP, 80);
	pol_program_free(&p);
	compile(&w,
		NP("prod", "web") "  podSelector: {matchLabels: {app: web}}\n"
				  "  policyTypes: [Egress]\n  egress:\n"
				  "  - to: [{podSelector: {}}]\n",
		&p);
	DENY(&p, &w, WEB, MISC, TCP, 80);
	ALLOW(&p, &w, WEB, DB, TCP, 80);
	pol_program_free(&p);
}

/* Null and missing selectors decode as Kubernetes decodes them. */
static void test_null_selectors(void **state)
{
	struct pol_program p;
	struct world w;

	world_init(&w);
	/* spec.podSelector missing: every pod of the namespace; spec missing: the same, deny in */
	compile(&w, NP("prod", "all") "  policyTypes: [Ingress]\n", &p);
	DENY(&p, &w, MISC, WEB, TCP, 80);
	DENY(&p, &w, MISC, API, TCP, 80);
	DENY(&p, &w, MISC, DB, TCP, 80);
	ALLOW(&p, &w, WEB, TOOL, TCP, 80); /* dev is another namespace */
	assert_int_equal(p.n_enforce, 3);
	pol_program_free(&p);
	compile(&w,
		"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
		"metadata: {name: nospec, namespace: dev}\n",
		&p);
	DENY(&p, &w, WEB, TOOL, TCP, 80);
	DENY(&p, &w, DWEB, DAPI, TCP, 80);
	ALLOW(&p, &w, TOOL, WEB, TCP, 80); /* egress untouched, prod untouched */
	pol_program_free(&p);

	/* a peer podSelector {matchLabels: null} is {}: every pod of the namespace */
	compile(&w,
		NP("prod", "db") "  podSelector: {matchLabels: {app: db}}\n  ingress:\n"
				 "  - from: [{podSelector: {matchLabels: }}]\n",
		&p);
	ALLOW(&p, &w, WEB, DB, TCP, 80);
	ALLOW(&p, &w, API, DB, TCP, 80);
	DENY(&p, &w, DWEB, DB, TCP, 80);
	pol_program_free(&p);
	/* its twin with a label */
	compile(&w,
		NP("prod", "db") "  podSelector: {matchLabels: {app: db}}\n  ingress:\n"
				 "  - from: [{podSelector: {matchLabels: {app: api}}}]\n",
		&p);
	DENY(&p, &w, WEB, DB, TCP, 80);
	ALLOW(&p, &w, API, DB, TCP, 80);
	pol_program_free(&p);

	/* namespaceSelector: null is left out (own namespace); {} is every namespace */
	compile(&w,
		NP("prod", "db") "  podSelector: {matchLabels: {app: db}}\n  ingress:\n"
				 "  - from: [{podSelector: {matchLabels: {app: web}}, "
				 "namespaceSelector: }]\n",
		&p);
	ALLOW(&p, &w, WEB, DB, TCP, 80);
	DENY(&p, &w, DWEB, DB, TCP, 80);
	pol_program_free(&p);
	compile(&w,
		NP("prod", "db") "  podSelector: {matchLabels: {app: db}}\n  ingress:\n"
				 "  - from: [{podSelector: {matchLabels: {app: web}}, "
				 "namespaceSelector: {}}]\n",
		&p);
	ALLOW(&p, &w, WEB, DB, TCP, 80);
	ALLOW(&p, &w, DWEB, DB, TCP, 80);
	DENY(&p, &w, TOOL, DB, TCP, 80);
	pol_program_free(&p);

	/* matchLabels {role: null} matches role="" only: nobody here */
	compile(&w,
		NP("prod", "db") "  podSelector: {matchLabels: {app: db}}\n  ingress:\n"
				 "  - from: [{podSelector: {matchLabels: {role: }}}]\n",
		&p);
	DENY(&p, &w, WEB, DB, TCP, 80);
	DENY(&p, &w, API, DB, TCP, 80);
	pol_program_free(&p);
}

/*
 * An IPv6 ipBlock matches no endpoint without an IPv6 address (none has one
 * in this world): a rule whose only peer it is allows nobody; it never
 * becomes "every peer" (test_policy_compile_ip6.c: endpoints with IPv6;
 * test_policy_world6.c: the outside addresses it selects).
 */
static void test_ipv6_block_matches_nothing(void **state)
{
	struct pol_program p;
	struct world w;

	world_init(&w);
	compile(
	    &w,
	    NP("dev", "v6") "  podSelector: {matchLabels: {app: tool}}\n"
			    "  ingress:\n"
			    "  - from: [{ipBlock: {cidr: \"::/0\"}}]\n"
			    "  egress:\n"
			    "  - to: [{ipBlock: {cidr: \"fd00::/8\", except: [\"fd00::/16\"]}}]\n",
	    &p);
	DENY(&p, &w, WEB, TOOL, TCP, 22);
	DENY(&p, &w, TOOL, WEB, TCP, 22);
	for (size_t i = 0; i < p.n_entries; i++) /* only the outside world's (world6) */
		assert_true(p.entries[i].kind == HYP_PEER_WORLD6_NET ||
			    p.entries[i].kind == HYP_PEER_WORLD6_SET);
	assert_int_equal(p.n_enforce, 1);
	pol_program_free(&p);
	/* the twin: the IPv4 block that holds them */
	compile(
	    &w,
	    NP("dev",
	       "v4") "  podSelector: {matchLabels: {app: tool}}\n"
		     "  ingress:\n"
		     "  - from: [{ipBlock: {cidr: \"0.0.0.0/0\"}}, {ipBlock: {cidr: \"::/0\"}}]\n",
	    &p);
	ALLOW(&p, &w, WEB, TOOL, TCP, 22);
	ALLOW(&p, &w, MISC, TOOL, TCP, 22);
	pol_program_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_types_gate_rules),
	    cmocka_unit_test(test_empty_egress_default_types),
	    cmocka_unit_test(test_empty_lists_mean_all),
	    cmocka_unit_test(test_null_selectors),
	    cmocka_unit_test(test_ipv6_block_matches_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
