// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of named ports: the SNIC's declaration (lib/named_ports.h),
 * and pol_compile resolving a rule's named port against the selected
 * endpoint's ports (ingress) or the peer's (egress), with the protocol;
 * a name no endpoint declares matches nothing. Each denial has its
 * allowed twin in the same world.
 */
#include "policy_world_fixture.h"
#include "lib/named_ports.h"

static struct named_ports decl[N_EPS];

static void declare(struct world *w, int ep, const char *text)
{
	assert_int_equal(named_ports__parse(&decl[ep], text), 0);
	w->eps[ep].ports = decl[ep].p;
	w->eps[ep].n_ports = decl[ep].n;
}

static void test_declaration(void **state)
{
	struct named_ports np = {};
	char buf[256];

	assert_int_equal(named_ports__add(&np, "http=8080"), 0);
	assert_int_equal(named_ports__add(&np, "dns=53/udp"), 0);
	assert_int_equal(named_ports__add(&np, "a-1=1/sctp"), 0);
	assert_int_equal(named_ports__format(&np, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "http=8080/tcp,dns=53/udp,a-1=1/sctp");
	assert_int_equal(named_ports__add(&np, "http=81"), -EEXIST);
	assert_int_equal(named_ports__add(&np, "HTTP=81"), -EINVAL);
	assert_int_equal(named_ports__add(&np, "123=81"), -EINVAL);
	assert_int_equal(named_ports__add(&np, "-x=81"), -EINVAL);
	assert_int_equal(named_ports__add(&np, "x-=81"), -EINVAL);
	assert_int_equal(named_ports__add(&np, "x--y=81"), -EINVAL);
	assert_int_equal(named_ports__add(&np, "abcdefghijklmnop=81"), -EINVAL);
	assert_int_equal(named_ports__add(&np, "abcdefghijklmno=81"), 0); /* 15 */
	assert_int_equal(named_ports__add(&np, "y=0"), -EINVAL);
	assert_int_equal(named_ports__add(&np, "y=65536"), -EINVAL);
	assert_int_equal(named_ports__add(&np, "y=80/icmp"), -EINVAL);
	assert_int_equal(named_ports__add(&np, "y=80x"), -EINVAL);
	assert_int_equal(named_ports__add(&np, "y"), -EINVAL);
	assert_int_equal(named_ports__parse(&np, buf), 0);
	assert_int_equal(np.n, 3);
	assert_int_equal(named_ports__find(np.p, np.n, "dns", UDP), 53);
	assert_int_equal(named_ports__find(np.p, np.n, "dns", TCP), 0);
}

/* ingress: the selected endpoint's declared number, that protocol only */
static void test_ingress_resolves(void **state)
{
	struct pol_program p;
	struct world w;

	world_init(&w);
	declare(&w, DB, "http=8080/tcp");
	compile(&w, PORT_POLICY("[{port: http}]"), &p);
	ALLOW(&p, &w, API, DB, TCP, 8080);
	DENY(&p, &w, API, DB, TCP, 80);
	DENY(&p, &w, API, DB, UDP, 8080); /* declared for TCP */
	assert_int_equal(p.n_entries, 1);
	assert_int_equal(p.entries[0].port, 8080);
	assert_int_equal(p.entries[0].port_bits, 16);
	pol_program_free(&p);
}

/* a name the selected endpoint does not declare matches nothing */
static void test_undeclared(void **state)
{
	struct pol_program p;
	struct world w;

	world_init(&w);
	compile(&w, PORT_POLICY("[{port: http}]"), &p);
	DENY(&p, &w, API, DB, TCP, 8080);
	assert_int_equal(p.n_entries, 0);
	assert_true(eval(&p, &w, API, DB, TCP, 8080).ingress_enforced);
	pol_program_free(&p);

	declare(&w, DB, "metrics=8080/tcp");
	compile(&w, PORT_POLICY("[{port: http}]"), &p);
	DENY(&p, &w, API, DB, TCP, 8080);
	pol_program_free(&p);
	/* twin: the name it does declare */
	compile(&w, PORT_POLICY("[{port: metrics}]"), &p);
	ALLOW(&p, &w, API, DB, TCP, 8080);
	pol_program_free(&p);
}

/* the rule's protocol must be the declared one */
static void test_protocol_mismatch(void **state)
{
	struct pol_program p;
	struct world w;

	world_init(&w);
	declare(&w, DB, "dns=53/tcp");
	compile(&w, PORT_POLICY("[{protocol: UDP, port: dns}]"), &p);
	DENY(&p, &w, API, DB, UDP, 53);
	DENY(&p, &w, API, DB, TCP, 53);
	pol_program_free(&p);
	/* twin: declared for UDP */
	declare(&w, DB, "dns=53/udp");
	compile(&w, PORT_POLICY("[{protocol: UDP, port: dns}]"), &p);
	ALLOW(&p, &w, API, DB, UDP, 53);
	DENY(&p, &w, API, DB, TCP, 53);
	pol_program_free(&p);
}

#define EGRESS_POLICY(to)                                                                          \
	NP("prod", "eg")                                                                           \
	"  podSelector: {matchLabels: {app: api}}\n"                                               \
	"  policyTypes: [Egress]\n"                                                                \
	"  egress:\n"                                                                              \
	"  - " to "ports: [{port: http}]\n"

/* egress: the peer's declared number, per peer */
static void test_egress_resolves(void **state)
{
	struct pol_program p;
	struct world w;

	world_init(&w);
	declare(&w, DB, "http=8080");
	declare(&w, MISC, "http=9090");
	compile(&w, EGRESS_POLICY("to: [{podSelector: {matchLabels: {app: db}}}]\n    "), &p);
	ALLOW(&p, &w, API, DB, TCP, 8080);
	DENY(&p, &w, API, DB, TCP, 9090);
	DENY(&p, &w, API, MISC, TCP, 9090); /* not a peer */
	pol_program_free(&p);

	/* no peers: each destination's own number; one declaring none gets nothing */
	compile(&w, EGRESS_POLICY(""), &p);
	ALLOW(&p, &w, API, DB, TCP, 8080);
	DENY(&p, &w, API, DB, TCP, 9090);
	ALLOW(&p, &w, API, MISC, TCP, 9090);
	DENY(&p, &w, API, MISC, TCP, 8080);
	DENY(&p, &w, API, TOOL, TCP, 8080);
	pol_program_free(&p);

	/* an ipBlock peer: the endpoint at that address */
	compile(&w, EGRESS_POLICY("to: [{ipBlock: {cidr: 10.0.0.0/16}}]\n    "), &p);
	ALLOW(&p, &w, API, DB, TCP, 8080);
	DENY(&p, &w, API, DB, TCP, 9090);
	ALLOW(&p, &w, API, MISC, TCP, 9090);
	DENY(&p, &w, API, TOOL, TCP, 8080);
	pol_program_free(&p);
}

#define WEB_POLICY                                                                                 \
	NP("prod", "web")                                                                          \
	"  podSelector: {matchLabels: {app: web}}\n"                                               \
	"  ingress: [{ports: [{port: http}]}]\n"

/* endpoints of one identity: only a number they all declare */
static void test_shared_identity(void **state)
{
	struct pol_program p;
	struct world w;

	world_init(&w);
	declare(&w, WEB, "http=8080");
	declare(&w, WEB2, "http=8080");
	compile(&w, WEB_POLICY, &p);
	ALLOW(&p, &w, API, WEB, TCP, 8080);
	ALLOW(&p, &w, API, WEB2, TCP, 8080);
	pol_program_free(&p);

	declare(&w, WEB2, "http=8081");
	compile(&w, WEB_POLICY, &p);
	DENY(&p, &w, API, WEB, TCP, 8080);
	DENY(&p, &w, API, WEB2, TCP, 8081);
	pol_program_free(&p);

	w.eps[WEB2].n_ports = 0;
	compile(&w, WEB_POLICY, &p);
	DENY(&p, &w, API, WEB, TCP, 8080);
	pol_program_free(&p);
}

/* a named port is kept by name in the canonical JSON */
static void test_json(void **state)
{
	static const char text[] = PORT_POLICY("[{port: http}]");
	struct pol_doc **docs = NULL;
	struct errmsg em = {};
	size_t n = 0;
	json_object *o;

	assert_int_equal(pol_parse(text, strlen(text), &docs, &n, &em), 0);
	o = pol_doc_json(docs[0]);
	assert_non_null(
	    strstr(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN), "\"port\":\"http\""));
	json_object_put(o);
	pol_docs_free(docs, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_declaration),
	    cmocka_unit_test(test_ingress_resolves),
	    cmocka_unit_test(test_undeclared),
	    cmocka_unit_test(test_protocol_mismatch),
	    cmocka_unit_test(test_egress_resolves),
	    cmocka_unit_test(test_shared_identity),
	    cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
