// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of pol_compile and pol_eval, peers: podSelector (the
 * policy's namespace only), namespaceSelector (by the administrator's
 * namespace labels and by name), both in one peer (AND) or as two peers
 * (OR), ipBlock with except, matchExpressions operators; every denied
 * case next to its allowed twin.
 */
#include "policy_world_fixture.h"

/* A podSelector peer alone: pods of the policy's namespace only. */
static void test_allow_by_pod_labels(void **state)
{
	struct pol_program p;
	struct world w;
	struct pol_verdict v;

	world_init(&w);
	compile(&w,
		NP("prod", "allow-db") "  podSelector: {matchLabels: {app: db}}\n"
				       "  ingress:\n"
				       "  - from:\n"
				       "    - podSelector: {matchLabels: {app: api}}\n",
		&p);
	v = eval(&p, &w, API, DB, TCP, 5432);
	assert_true(v.allowed);
	assert_true(v.ingress_enforced);
	assert_int_equal(v.ingress_rule, 1);
	assert_int_equal(p.n_rules, 2);
	assert_string_equal(p.rules[1].policy, "prod/allow-db");
	assert_int_equal(p.rules[1].dir, HYP_DIR_INGRESS);
	assert_int_equal(p.rules[1].rule, 0);
	ALLOW(&p, &w, API, DB, UDP, 9);
	DENY(&p, &w, WEB, DB, TCP, 5432);
	DENY(&p, &w, DAPI, DB, TCP, 5432); /* app=api, but in dev */
	DENY(&p, &w, MISC, DB, TCP, 5432);
	/* one entry: db's identity, peer api's identity, any protocol */
	assert_int_equal(p.n_entries, 1);
	assert_int_equal(p.entries[0].dir, HYP_DIR_INGRESS);
	assert_int_equal(p.entries[0].kind, HYP_PEER_IDENTITY);
	assert_int_equal(p.entries[0].local_id, 302);
	assert_int_equal(p.entries[0].peer, 301);
	assert_int_equal(p.entries[0].proto, 0);
	assert_int_equal(p.entries[0].port_bits, 0);
	assert_int_equal(p.entries[0].rule_id, 1);
	pol_program_free(&p);
}

/* namespaceSelector alone: every pod of the matching namespaces. */
static void test_allow_by_namespace(void **state)
{
	struct pol_program p;
	struct world w;

	world_init(&w);
	compile(&w,
		NP("prod", "from-dev") "  podSelector: {matchLabels: {app: db}}\n"
				       "  ingress:\n"
				       "  - from:\n"
				       "    - namespaceSelector: {matchLabels: {env: dev}}\n",
		&p);
	ALLOW(&p, &w, DWEB, DB, TCP, 5432);
	ALLOW(&p, &w, TOOL, DB, TCP, 5432);
	DENY(&p, &w, API, DB, TCP, 5432); /* its own namespace is not env=dev */
	DENY(&p, &w, MISC, DB, TCP, 5432);
	pol_program_free(&p);

	/* by name, through kubernetes.io/metadata.name */
	compile(&w,
		NP("prod",
		   "from-default") "  podSelector: {}\n"
				   "  ingress:\n"
				   "  - from:\n"
				   "    - namespaceSelector:\n"
				   "        matchLabels: {kubernetes.io/metadata.name: default}\n",
		&p);
	ALLOW(&p, &w, MISC, WEB, TCP, 80);
	DENY(&p, &w, TOOL, WEB, TCP, 80);
	DENY(&p, &w, API, WEB, TCP, 80);
	pol_program_free(&p);

	/* {} selects every namespace; a label of one namespace selects that one */
	compile(&w,
		NP("dev", "all-ns") "  podSelector: {}\n"
				    "  ingress:\n"
				    "  - from: [{namespaceSelector: {}}]\n"
				    "---\n" NP("default", "shop") "  podSelector: {}\n"
								  "  ingress:\n"
								  "  - from: [{namespaceSelector: "
								  "{matchLabels: {team: shop}}}]\n",
		&p);
	ALLOW(&p, &w, WEB, TOOL, TCP, 80);
	ALLOW(&p, &w, MISC, TOOL, TCP, 80);
	ALLOW(&p, &w, WEB2, MISC, TCP, 80);
	DENY(&p, &w, DWEB, MISC, TCP, 80);
	pol_program_free(&p);
}

/* podSelector and namespaceSelector in one peer (AND) vs as two peers (OR). */
static void test_and_vs_or(void **state)
{
	struct pol_program p;
	struct world w;

	world_init(&w);
	compile(&w,
		NP("prod", "and") "  podSelector: {matchLabels: {app: db}}\n"
				  "  ingress:\n"
				  "  - from:\n"
				  "    - namespaceSelector: {matchLabels: {env: dev}}\n"
				  "      podSelector: {matchLabels: {app: web}}\n",
		&p);
	ALLOW(&p, &w, DWEB, DB, TCP, 5432); /* app=web in dev */
	DENY(&p, &w, TOOL, DB, TCP, 5432);  /* dev, not app=web */
	DENY(&p, &w, WEB, DB, TCP, 5432);   /* app=web, not dev */
	DENY(&p, &w, API, DB, TCP, 5432);
	pol_program_free(&p);

	compile(&w,
		NP("prod", "or") "  podSelector: {matchLabels: {app: db}}\n"
				 "  ingress:\n"
				 "  - from:\n"
				 "    - namespaceSelector: {matchLabels: {env: dev}}\n"
				 "    - podSelector: {matchLabels: {app: web}}\n",
		&p);
	ALLOW(&p, &w, DWEB, DB, TCP, 5432);
	ALLOW(&p, &w, TOOL, DB, TCP, 5432); /* any pod of dev */
	ALLOW(&p, &w, WEB, DB, TCP, 5432);  /* app=web of prod (the policy's namespace) */
	ALLOW(&p, &w, WEB2, DB, TCP, 5432);
	DENY(&p, &w, API, DB, TCP, 5432);
	DENY(&p, &w, MISC, DB, TCP, 5432);
	pol_program_free(&p);
}

static void test_ipblock_except(void **state)
{
	struct pol_program p;
	struct world w;
	size_t n_ip = 0;

	world_init(&w);
	compile(&w,
		NP("dev", "cidr") "  podSelector: {matchLabels: {app: tool}}\n"
				  "  ingress:\n"
				  "  - from:\n"
				  "    - ipBlock:\n"
				  "        cidr: 10.0.0.0/16\n"
				  "        except: [10.0.1.0/24, 10.0.0.11/32]\n",
		&p);
	ALLOW(&p, &w, WEB, TOOL, TCP, 22); /* 10.0.0.10 */
	DENY(&p, &w, WEB2, TOOL, TCP, 22); /* 10.0.0.11: excepted, same identity as web */
	ALLOW(&p, &w, DB, TOOL, TCP, 22);
	ALLOW(&p, &w, MISC, TOOL, TCP, 22); /* 10.0.2.10 */
	DENY(&p, &w, DWEB, TOOL, TCP, 22);  /* 10.0.1.x excepted */
	DENY(&p, &w, DAPI, TOOL, TCP, 22);
	for (size_t i = 0; i < p.n_entries; i++) {
		if (p.entries[i].kind == HYP_PEER_WORLD_NET || p.entries[i].kind == HYP_PEER_WORLD_SET)
			continue; /* the same block for outside peers: test_policy_world */
		assert_int_equal(p.entries[i].kind, HYP_PEER_IPV4);
		assert_int_equal(p.entries[i].local_id, 401);
		assert_true((p.entries[i].peer & 0xffffff00) != 0x0a000100);
		n_ip++;
	}
	assert_int_equal(n_ip, 4); /* web, api, db, misc */
	pol_program_free(&p);

	/* egress to an ipBlock */
	compile(&w,
		NP("prod", "to-db") "  podSelector: {matchLabels: {app: web}}\n"
				    "  egress:\n"
				    "  - to: [{ipBlock: {cidr: 10.0.0.30/32}}]\n",
		&p);
	ALLOW(&p, &w, WEB, DB, TCP, 5432);
	ALLOW(&p, &w, WEB2, DB, UDP, 1);
	DENY(&p, &w, WEB, API, TCP, 80);
	assert_int_equal(eval(&p, &w, WEB, API, TCP, 80).drop_reason, HYP_DROP_POLICY_EGRESS);
	/* default policyTypes: Ingress too, so web's ingress is now default-deny */
	DENY(&p, &w, MISC, WEB, TCP, 80);
	assert_int_equal(eval(&p, &w, MISC, WEB, TCP, 80).drop_reason, HYP_DROP_POLICY_INGRESS);
	pol_program_free(&p);
}

/* An empty rule allows everything; expressions NotIn / DoesNotExist. */
static void test_empty_rule_and_expressions(void **state)
{
	struct pol_program p;
	struct world w;

	world_init(&w);
	compile(&w,
		NP("prod", "all") "  podSelector: {matchLabels: {app: db}}\n"
				  "  ingress: [{}]\n"
				  "  egress: [{}]\n",
		&p);
	ALLOW(&p, &w, MISC, DB, UDP, 7);
	ALLOW(&p, &w, DB, DWEB, TCP, 7);
	assert_int_equal(p.n_entries, 2);
	pol_program_free(&p);

	compile(&w,
		NP("prod", "expr") "  podSelector: {matchExpressions: [{key: app, operator: NotIn, "
				   "values: [db]}]}\n"
				   "  ingress:\n"
				   "  - from:\n"
				   "    - namespaceSelector: {}\n"
				   "      podSelector: {matchExpressions: [{key: role, operator: "
				   "DoesNotExist}]}\n",
		&p);
	ALLOW(&p, &w, WEB, DB, TCP, 1); /* db not selected */
	ALLOW(&p, &w, DB, WEB, TCP, 1); /* db has no role */
	ALLOW(&p, &w, TOOL, API, TCP, 1);
	DENY(&p, &w, DWEB, API, TCP, 1); /* role=frontend */
	DENY(&p, &w, WEB2, WEB, TCP, 1);
	pol_program_free(&p);

	/* NotIn also matches endpoints without the key; Exists only those with it */
	compile(&w,
		NP("prod",
		   "notin") "  podSelector: {matchExpressions: [{key: role, operator: "
			    "Exists}]}\n"
			    "  ingress:\n"
			    "  - from:\n"
			    "    - podSelector: {matchExpressions: [{key: role, operator: NotIn, "
			    "values: [frontend]}]}\n",
		&p);
	ALLOW(&p, &w, API, WEB, TCP, 1); /* no role label at all */
	ALLOW(&p, &w, DB, WEB2, TCP, 1);
	DENY(&p, &w, WEB2, WEB, TCP, 1);
	ALLOW(&p, &w, WEB, API, TCP, 1); /* api has no role: not selected */
	pol_program_free(&p);
}

/*
 * A namespace's labels are the administrator's alone: an endpoint's label
 * (namespace.hyperion.io/env, as namespace labels once were) gives its
 * namespace nothing, whoever attached first; kubernetes.io/metadata.name
 * stays the namespace's name whatever is given for it.
 */
static void test_namespace_labels_admin_only(void **state)
{
	static const char *const from_dev =
	    NP("prod", "from-dev") "  podSelector: {matchLabels: {app: db}}\n"
				   "  ingress:\n"
				   "  - from: [{namespaceSelector: {matchLabels: {env: dev}}}]\n";
	static const char *const by_name =
	    NP("prod", "by-name") "  podSelector: {matchLabels: {app: db}}\n"
				  "  ingress:\n"
				  "  - from:\n"
				  "    - namespaceSelector:\n"
				  "        matchLabels: {kubernetes.io/metadata.name: prod}\n";
	struct pol_program p;
	struct world w;

	world_init(&w);
	assert_int_equal(labels__set(&w.ls[MISC], "namespace.hyperion.io/env", "dev"), 0);
	compile(&w, from_dev, &p);
	ALLOW(&p, &w, TOOL, DB, TCP, 5432); /* dev, labelled env=dev by the administrator */
	DENY(&p, &w, MISC, DB, TCP, 5432);  /* default: its endpoint's claim counts for nothing */
	pol_program_free(&p);

	/* the administrator labels default env=dev: now it is */
	assert_int_equal(labels__set(&w.nsl[NS_DEFAULT], "env", "dev"), 0);
	compile(&w, from_dev, &p);
	ALLOW(&p, &w, MISC, DB, TCP, 5432);
	pol_program_free(&p);

	/* without the administrator's labels, no namespace is env=dev */
	w.nss[NS_DEV].labels = NULL;
	w.nss[NS_DEFAULT].labels = NULL;
	compile(&w, from_dev, &p);
	DENY(&p, &w, TOOL, DB, TCP, 5432);
	DENY(&p, &w, MISC, DB, TCP, 5432);
	pol_program_free(&p);

	/* the implicit name label cannot be given another value */
	world_init(&w);
	assert_int_equal(labels__set(&w.nsl[NS_DEV], "kubernetes.io/metadata.name", "prod"), 0);
	compile(&w, by_name, &p);
	ALLOW(&p, &w, API, DB, TCP, 5432); /* prod itself */
	DENY(&p, &w, TOOL, DB, TCP, 5432); /* dev stays dev */
	pol_program_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_allow_by_pod_labels),
	    cmocka_unit_test(test_allow_by_namespace),
	    cmocka_unit_test(test_and_vs_or),
	    cmocka_unit_test(test_ipblock_except),
	    cmocka_unit_test(test_empty_rule_and_expressions),
	    cmocka_unit_test(test_namespace_labels_admin_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
