// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of pol_compile and pol_eval: the Kubernetes NetworkPolicy
 * semantics table, checked with the datapath's evaluation over a small
 * world of endpoints in three namespaces (prod, dev, default), every
 * denied case next to its allowed twin.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <hyperion/abi.h>

#include "policy/policy.h"

#define TCP  6
#define UDP  17
#define SCTP 132
#define ICMP 1

enum { WEB, WEB2, API, DB, DWEB, DAPI, TOOL, MISC, N_EPS };

enum { NS_PROD, NS_DEV, NS_DEFAULT, N_NS };

struct world {
	struct labels ls[N_EPS];
	struct pol_endpoint eps[N_EPS];
	/* namespace labels, as the administrator sets them */
	struct labels nsl[N_NS];
	struct pol_namespace nss[N_NS];
};

static const struct {
	const char *name;
	const char *labels;
} ns_def[N_NS] = {
    [NS_PROD] = {"prod", "env=production,team=shop"},
    [NS_DEV] = {"dev", "env=dev"},
    [NS_DEFAULT] = {"default", ""},
};

static const struct {
	const char *name;
	uint32_t identity;
	uint32_t ip;
	const char *labels;
} world_def[N_EPS] = {
    /* prod: env=production, team=shop */
    [WEB] = {"web", 300, 0x0a00000a, "app=web,role=frontend"},
    [WEB2] = {"web2", 300, 0x0a00000b, "app=web,role=frontend"},
    [API] = {"api", 301, 0x0a000014, "app=api"},
    [DB] = {"db", 302, 0x0a00001e, "app=db"},
    /* dev: env=dev */
    [DWEB] = {"dweb", 400, 0x0a00010a, "app=web,role=frontend"},
    [DAPI] = {"dapi", 402, 0x0a000114, "app=api"},
    [TOOL] = {"tool", 401, 0x0a000115, "app=tool"},
    /* default namespace, no namespace labels */
    [MISC] = {"misc", 500, 0x0a00020a, "app=misc"},
};

static void world_init(struct world *w)
{
	memset(w, 0, sizeof(*w));
	for (int i = 0; i < N_EPS; i++) {
		char buf[256];

		if (i <= DB)
			snprintf(buf, sizeof(buf), "%s,namespace=prod", world_def[i].labels);
		else if (i <= TOOL)
			snprintf(buf, sizeof(buf), "%s,namespace=dev", world_def[i].labels);
		else
			snprintf(buf, sizeof(buf), "%s", world_def[i].labels);
		assert_int_equal(labels__parse_canonical(&w->ls[i], buf), 0);
		w->eps[i] = (struct pol_endpoint){
		    .name = world_def[i].name,
		    .identity = world_def[i].identity,
		    .ip = world_def[i].ip,
		    .labels = &w->ls[i],
		};
	}
	for (int i = 0; i < N_NS; i++) {
		assert_int_equal(labels__parse_canonical(&w->nsl[i], ns_def[i].labels), 0);
		w->nss[i] = (struct pol_namespace){.name = ns_def[i].name, .labels = &w->nsl[i]};
	}
}

static int compile_max(struct world *w, const char *yaml, size_t max, struct pol_program *p,
		       struct errmsg *em)
{
	struct pol_doc **docs = NULL;
	size_t n = 0;
	int err;

	memset(em, 0, sizeof(*em));
	err = yaml ? pol_parse(yaml, strlen(yaml), &docs, &n, em) : 0;
	if (err)
		fail_msg("pol_parse: %s\n%s", em->msg, yaml);
	err = pol_compile(docs, n, w->eps, N_EPS, w->nss, N_NS, max, p, em);
	pol_docs_free(docs, n);
	return err;
}

static void compile(struct world *w, const char *yaml, struct pol_program *p)
{
	struct errmsg em;
	int err = compile_max(w, yaml, 100000, p, &em);

	if (err)
		fail_msg("pol_compile (%d): %s", err, em.msg);
}

static struct pol_verdict eval(const struct pol_program *p, const struct world *w, int src, int dst,
			       uint8_t proto, uint16_t port)
{
	struct pol_verdict v;

	pol_eval(p, &w->eps[src], &w->eps[dst], proto, port, &v);
	return v;
}

static bool ok(const struct pol_program *p, const struct world *w, int src, int dst, uint8_t proto,
	       uint16_t port)
{
	return eval(p, w, src, dst, proto, port).allowed;
}

#define ALLOW(p, w, s, d, pr, po)                                                                  \
	do {                                                                                       \
		if (!ok(p, w, s, d, pr, po))                                                       \
			fail_msg("%s -> %s proto %d port %d denied, should pass", #s, #d, pr, po); \
	} while (0)
#define DENY(p, w, s, d, pr, po)                                                                   \
	do {                                                                                       \
		if (ok(p, w, s, d, pr, po))                                                        \
			fail_msg("%s -> %s proto %d port %d allowed, should drop", #s, #d, pr,     \
				 po);                                                              \
	} while (0)

#define NP(ns, name)                                                                               \
	"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: " name            \
	", namespace: " ns "}\nspec:\n"
#define SEP "---\n"

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

#define PORT_POLICY(ports)                                                                         \
	NP("prod", "ports")                                                                        \
	"  podSelector: {matchLabels: {app: db}}\n"                                                \
	"  ingress:\n"                                                                             \
	"  - ports: " ports "\n"

static void test_ports(void **state)
{
	struct pol_program p;
	struct world w;

	world_init(&w);
	compile(&w, PORT_POLICY("[{port: 80}]"), &p);
	DENY(&p, &w, API, DB, TCP, 79);
	ALLOW(&p, &w, API, DB, TCP, 80);
	DENY(&p, &w, API, DB, TCP, 81);
	DENY(&p, &w, API, DB, UDP, 80);
	DENY(&p, &w, API, DB, ICMP, 0);
	ALLOW(&p, &w, MISC, DB, TCP, 80); /* no from: any peer */
	assert_int_equal(p.n_entries, 1);
	assert_int_equal(p.entries[0].peer, HYP_PEER_ANY);
	assert_int_equal(p.entries[0].proto, TCP);
	assert_int_equal(p.entries[0].port, 80);
	assert_int_equal(p.entries[0].port_bits, 16);
	pol_program_free(&p);

	/* a protocol without a port: that protocol, every port */
	compile(&w, PORT_POLICY("[{protocol: UDP}]"), &p);
	ALLOW(&p, &w, API, DB, UDP, 1);
	ALLOW(&p, &w, API, DB, UDP, 65535);
	DENY(&p, &w, API, DB, TCP, 53);
	DENY(&p, &w, API, DB, SCTP, 53);
	assert_int_equal(p.n_entries, 1);
	assert_int_equal(p.entries[0].proto, UDP);
	assert_int_equal(p.entries[0].port_bits, 0);
	pol_program_free(&p);

	compile(&w, PORT_POLICY("[{protocol: SCTP, port: 9}]"), &p);
	ALLOW(&p, &w, API, DB, SCTP, 9);
	DENY(&p, &w, API, DB, TCP, 9);
	pol_program_free(&p);
}

/* port..endPort: boundaries, and the fewest prefixes covering the range. */
static void test_port_range(void **state)
{
	static const struct {
		uint16_t port;
		uint8_t bits;
	} want[] = {{1000, 13}, {1008, 12}, {1024, 7},	{1536, 8},
		    {1792, 9},	{1920, 10}, {1984, 12}, {2000, 16}};
	struct pol_program p;
	struct world w;

	world_init(&w);
	compile(&w, PORT_POLICY("[{port: 1000, endPort: 2000}]"), &p);
	DENY(&p, &w, API, DB, TCP, 999);
	ALLOW(&p, &w, API, DB, TCP, 1000);
	ALLOW(&p, &w, API, DB, TCP, 1500);
	ALLOW(&p, &w, API, DB, TCP, 2000);
	DENY(&p, &w, API, DB, TCP, 2001);
	DENY(&p, &w, API, DB, UDP, 1500);
	assert_int_equal(p.n_entries, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < p.n_entries; i++) {
		assert_int_equal(p.entries[i].port, want[i].port);
		assert_int_equal(p.entries[i].port_bits, want[i].bits);
		assert_int_equal(p.entries[i].port & (0xffff >> want[i].bits), 0);
	}
	/* every port: exactly the range */
	for (uint32_t port = 0; port <= 65535; port++)
		if (ok(&p, &w, API, DB, TCP, (uint16_t)port) != (port >= 1000 && port <= 2000))
			fail_msg("port %u", port);
	pol_program_free(&p);

	compile(&w,
		PORT_POLICY("[{port: 1, endPort: 65535}, {protocol: UDP, port: 53, endPort: 53}]"),
		&p);
	assert_int_equal(p.n_entries, 16 + 1);
	DENY(&p, &w, API, DB, TCP, 0);
	ALLOW(&p, &w, API, DB, TCP, 1);
	ALLOW(&p, &w, API, DB, TCP, 65535);
	ALLOW(&p, &w, API, DB, UDP, 53);
	DENY(&p, &w, API, DB, UDP, 54);
	pol_program_free(&p);

	compile(&w, PORT_POLICY("[{port: 8080, endPort: 8090}]"), &p);
	for (uint32_t port = 8000; port <= 8100; port++)
		if (ok(&p, &w, API, DB, TCP, (uint16_t)port) != (port >= 8080 && port <= 8090))
			fail_msg("port %u", port);
	assert_int_equal(p.n_entries, 3);
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
	/* web and web2 share identity 300: one identity entry, two IPv4 entries */
	assert_int_equal(p.n_entries, 3);
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

/* A null ports entry is {} (TCP, every port), a null port every port of its protocol. */
static void test_null_ports(void **state)
{
	struct pol_program p;
	struct world w;

	world_init(&w);
	compile(&w, PORT_POLICY("[~]"), &p);
	ALLOW(&p, &w, API, DB, TCP, 1);
	ALLOW(&p, &w, API, DB, TCP, 65535);
	DENY(&p, &w, API, DB, UDP, 53);
	pol_program_free(&p);
	compile(&w, PORT_POLICY("[{protocol: UDP, port: }]"), &p);
	ALLOW(&p, &w, API, DB, UDP, 53);
	ALLOW(&p, &w, API, DB, UDP, 9999);
	DENY(&p, &w, API, DB, TCP, 53);
	pol_program_free(&p);
	/* the twin: a port given */
	compile(&w, PORT_POLICY("[{protocol: UDP, port: 53, endPort: }]"), &p);
	ALLOW(&p, &w, API, DB, UDP, 53);
	DENY(&p, &w, API, DB, UDP, 9999);
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
 * An IPv6 ipBlock matches no endpoint (IPv4 only here): a rule whose only
 * peer it is allows nobody; it never becomes "every peer".
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
	assert_int_equal(p.n_entries, 0);
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
	    cmocka_unit_test(test_no_policy),
	    cmocka_unit_test(test_default_deny_ingress),
	    cmocka_unit_test(test_default_deny_egress),
	    cmocka_unit_test(test_not_selected_allows_all),
	    cmocka_unit_test(test_allow_by_pod_labels),
	    cmocka_unit_test(test_allow_by_namespace),
	    cmocka_unit_test(test_and_vs_or),
	    cmocka_unit_test(test_ipblock_except),
	    cmocka_unit_test(test_ports),
	    cmocka_unit_test(test_port_range),
	    cmocka_unit_test(test_policies_add_up),
	    cmocka_unit_test(test_ingress_only_keeps_egress),
	    cmocka_unit_test(test_empty_rule_and_expressions),
	    cmocka_unit_test(test_dedup),
	    cmocka_unit_test(test_too_big),
	    cmocka_unit_test(test_world_errors),
	    cmocka_unit_test(test_namespace_scope),
	    cmocka_unit_test(test_namespace_labels_admin_only),
	    cmocka_unit_test(test_types_gate_rules),
	    cmocka_unit_test(test_empty_egress_default_types),
	    cmocka_unit_test(test_empty_lists_mean_all),
	    cmocka_unit_test(test_null_ports),
	    cmocka_unit_test(test_null_selectors),
	    cmocka_unit_test(test_ipv6_block_matches_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
