// SPDX-License-Identifier: GPL-2.0-only
/*
 * Bridge port, policy stage on its own: NetworkPolicy documents go through
 * the daemon's path (pol_parse, the store's JSON round trip, pol_compile,
 * emu_policy_load into the inactive generation and the switch), then new
 * flows (TCP SYN, UDP, SCTP, ICMP echo) are sent through the program. Each
 * denied flow sits next to an allowed twin with the same setup, differing
 * in one thing (peer, port, protocol, address); denials are checked by
 * their named counter (policy-egress / policy-ingress) and nothing else.
 *
 * World (fixture.h): a 10.240.0.2 app=web (identity 256), b 10.240.0.3
 * app=db, c 10.240.0.4 app=api, e 10.240.0.6 app=web (a's identity), all
 * in namespace default; d 10.240.1.5 app=web in namespace prod (env=prod).
 */
#include "fixture.h"

static uint16_t next_sport = 20000;

/* A new flow src -> dst; want 0: forwarded, else the drop reason. */
static void flow(struct fixture *f, int src, int dst, uint8_t proto, uint16_t dport, int want)
{
	uint8_t in[FX_FRAME_MAX];
	uint32_t daddr = f->eps[dst].ip;
	uint16_t sport = next_sport++;
	size_t len;

	switch (proto) {
	case IPPROTO_TCP_:
		len = fx_tcp(f, in, src, daddr, sport, dport, TCP_SYN, 1, 0, NULL);
		break;
	case IPPROTO_UDP_:
		len = fx_udp(f, in, src, daddr, sport, dport, "datagram");
		break;
	case IPPROTO_SCTP_:
		len = fx_sctp(f, in, src, daddr, sport, dport);
		break;
	default:
		len = fx_icmp(f, in, src, daddr, 8, dport, 1);
		break;
	}
	print_message("# %s -> %s proto %u port %u: %s %d\n", f->eps[src].name, f->eps[dst].name,
		      proto, dport, want ? "dropped" : "forwarded", want);
	if (want)
		fx_expect_drop(f, src, in, len, (uint32_t)want);
	else
		fx_expect_to(f, src, in, len, dst);
}

#define TCP  IPPROTO_TCP_
#define UDP  IPPROTO_UDP_
#define SCTP IPPROTO_SCTP_
#define ICMP IPPROTO_ICMP_
#define ING  HYP_DROP_POLICY_INGRESS
#define EGR  HYP_DROP_POLICY_EGRESS

static void test_policy_none_allows_all(void **state)
{
	struct fixture *f = *state;

	fx_policy(f, NULL);
	flow(f, EP_A, EP_B, TCP, 5432, 0);
	flow(f, EP_B, EP_A, UDP, 53, 0);
	flow(f, EP_D, EP_C, ICMP, 7, 0);
}

static const char *db_from_web_5432 = "apiVersion: networking.k8s.io/v1\n"
				      "kind: NetworkPolicy\n"
				      "metadata: {name: db-in}\n"
				      "spec:\n"
				      "  podSelector: {matchLabels: {app: db}}\n"
				      "  ingress:\n"
				      "  - from:\n"
				      "    - podSelector: {matchLabels: {app: web}}\n"
				      "    ports:\n"
				      "    - {protocol: TCP, port: 5432}\n";

static void test_policy_ingress_single_port(void **state)
{
	struct fixture *f = *state;

	fx_policy(f, db_from_web_5432);
	flow(f, EP_A, EP_B, TCP, 5432, 0);
	flow(f, EP_C, EP_B, TCP, 5432, ING); /* other peer */
	flow(f, EP_A, EP_B, TCP, 5433, ING); /* other port */
	flow(f, EP_A, EP_B, TCP, 5431, ING);
	flow(f, EP_A, EP_B, UDP, 5432, ING); /* other protocol */
	flow(f, EP_A, EP_B, ICMP, 5432, ING);
	flow(f, EP_E, EP_B, TCP, 5432, 0);   /* a's identity */
	flow(f, EP_D, EP_B, TCP, 5432, ING); /* app=web in another namespace */
	/* only b is selected, only for ingress */
	flow(f, EP_B, EP_A, TCP, 80, 0);
	flow(f, EP_C, EP_A, TCP, 5433, 0);
}

static void test_policy_egress_single_port(void **state)
{
	struct fixture *f = *state;

	fx_policy(f, "apiVersion: networking.k8s.io/v1\n"
		     "kind: NetworkPolicy\n"
		     "metadata: {name: web-out}\n"
		     "spec:\n"
		     "  podSelector: {matchLabels: {app: web}}\n"
		     "  policyTypes: [Egress]\n"
		     "  egress:\n"
		     "  - to:\n"
		     "    - podSelector: {matchLabels: {app: db}}\n"
		     "    ports:\n"
		     "    - {protocol: UDP, port: 53}\n");
	flow(f, EP_A, EP_B, UDP, 53, 0);
	flow(f, EP_A, EP_C, UDP, 53, EGR); /* other peer */
	flow(f, EP_A, EP_B, UDP, 54, EGR); /* other port */
	flow(f, EP_A, EP_B, TCP, 53, EGR); /* other protocol */
	flow(f, EP_E, EP_C, UDP, 53, EGR);
	flow(f, EP_E, EP_B, UDP, 53, 0);
	/* d is app=web in prod: the policy (namespace default) does not select it */
	flow(f, EP_D, EP_C, UDP, 53, 0);
	/* ingress is not enforced anywhere: replies aside, b may open flows to a */
	flow(f, EP_B, EP_A, TCP, 22, 0);
}

/* Both sides deny: egress is checked first and names the drop. */
static void test_policy_egress_named_before_ingress(void **state)
{
	struct fixture *f = *state;

	fx_policy(f, "apiVersion: networking.k8s.io/v1\n"
		     "kind: NetworkPolicy\n"
		     "metadata: {name: deny-all}\n"
		     "spec:\n"
		     "  podSelector: {}\n"
		     "  policyTypes: [Ingress, Egress]\n"
		     "---\n"
		     "apiVersion: networking.k8s.io/v1\n"
		     "kind: NetworkPolicy\n"
		     "metadata: {name: a-out}\n"
		     "spec:\n"
		     "  podSelector: {matchLabels: {app: web}}\n"
		     "  policyTypes: [Egress]\n"
		     "  egress:\n"
		     "  - ports: [{protocol: TCP, port: 80}]\n");
	flow(f, EP_A, EP_B, TCP, 81, EGR);
	flow(f, EP_A, EP_B, TCP, 80, ING);
	flow(f, EP_C, EP_B, TCP, 80, EGR);
}

static void test_policy_port_ranges(void **state)
{
	struct fixture *f = *state;
	static const struct {
		uint8_t proto;
		uint16_t port;
		int want;
	} cases[] = {
	    {TCP, 7999, ING},  {TCP, 8000, 0},	 {TCP, 8001, 0},    {TCP, 8007, 0},
	    {TCP, 8008, 0},    {TCP, 8010, 0},	 {TCP, 8011, ING},  {UDP, 999, ING},
	    {UDP, 1000, 0},    {UDP, 1023, 0},	 {UDP, 1024, 0},    {UDP, 1536, 0},
	    {UDP, 1999, 0},    {UDP, 2000, ING}, {TCP, 1000, ING},  {TCP, 1999, ING},
	    {UDP, 8005, ING},  {SCTP, 1, 0},	 {SCTP, 2, 0},	    {SCTP, 3, ING},
	    {TCP, 65534, ING}, {TCP, 65535, 0},	 {UDP, 65535, ING},
	};

	fx_policy(f, "apiVersion: networking.k8s.io/v1\n"
		     "kind: NetworkPolicy\n"
		     "metadata: {name: db-ranges}\n"
		     "spec:\n"
		     "  podSelector: {matchLabels: {app: db}}\n"
		     "  ingress:\n"
		     "  - ports:\n"
		     "    - {protocol: TCP, port: 8000, endPort: 8010}\n"
		     "    - {protocol: UDP, port: 1000, endPort: 1999}\n"
		     "    - {protocol: SCTP, port: 1, endPort: 2}\n"
		     "    - {protocol: TCP, port: 65535, endPort: 65535}\n");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		flow(f, EP_A, EP_B, cases[i].proto, cases[i].port, cases[i].want);
}

/* protocol left out means TCP; a port-less protocol means every port of it;
 * a rule without ports allows every protocol, ICMP included. */
static void test_policy_protocols(void **state)
{
	struct fixture *f = *state;

	fx_policy(f, "apiVersion: networking.k8s.io/v1\n"
		     "kind: NetworkPolicy\n"
		     "metadata: {name: db-protos}\n"
		     "spec:\n"
		     "  podSelector: {matchLabels: {app: db}}\n"
		     "  ingress:\n"
		     "  - from: [{podSelector: {matchLabels: {app: web}}}]\n"
		     "    ports:\n"
		     "    - {port: 443}\n"
		     "    - {protocol: SCTP, port: 3868}\n"
		     "    - {protocol: UDP}\n"
		     "  - from: [{podSelector: {matchLabels: {app: api}}}]\n");
	flow(f, EP_A, EP_B, TCP, 443, 0);
	flow(f, EP_A, EP_B, UDP, 443, 0); /* through the UDP any-port entry */
	flow(f, EP_A, EP_B, SCTP, 443, ING);
	flow(f, EP_A, EP_B, SCTP, 3868, 0);
	flow(f, EP_A, EP_B, TCP, 3868, ING);
	flow(f, EP_A, EP_B, UDP, 1, 0);
	flow(f, EP_A, EP_B, UDP, 65535, 0);
	flow(f, EP_A, EP_B, ICMP, 1, ING);
	/* c: every protocol and port */
	flow(f, EP_C, EP_B, ICMP, 1, 0);
	flow(f, EP_C, EP_B, SCTP, 9, 0);
	flow(f, EP_C, EP_B, TCP, 1, 0);
}

/* A port name that is not an IANA_SVC_NAME is refused whole and the
 * tables keep the rule set in force. */
static void test_policy_bad_port_name_refused(void **state)
{
	static const char *named = "apiVersion: networking.k8s.io/v1\n"
				   "kind: NetworkPolicy\n"
				   "metadata: {name: named}\n"
				   "spec:\n"
				   "  podSelector: {matchLabels: {app: db}}\n"
				   "  ingress:\n"
				   "  - ports: [{protocol: TCP, port: Postgres}]\n";
	struct fixture *f = *state;
	struct pol_program prog;
	struct errmsg em = {};
	struct hyp_config before;

	fx_policy(f, db_from_web_5432);
	before = fx_config(f);
	assert_int_not_equal(fx_policy_prog(f, named, &prog, &em), 0);
	assert_non_null(strstr(em.msg, "is not a port number or a port name"));
	assert_int_equal(fx_config(f).policy_rev, before.policy_rev);
	assert_int_equal(fx_config(f).policy_gen, before.policy_gen);
	flow(f, EP_A, EP_B, TCP, 5432, 0);
	flow(f, EP_C, EP_B, TCP, 5432, ING);
	/* the numeric twin loads and applies */
	fx_policy(f, "apiVersion: networking.k8s.io/v1\n"
		     "kind: NetworkPolicy\n"
		     "metadata: {name: numbered}\n"
		     "spec:\n"
		     "  podSelector: {matchLabels: {app: db}}\n"
		     "  ingress:\n"
		     "  - ports: [{protocol: TCP, port: 5433}]\n");
	flow(f, EP_C, EP_B, TCP, 5433, 0);
	flow(f, EP_C, EP_B, TCP, 5432, ING);
}

static void test_policy_ipblock_except(void **state)
{
	struct fixture *f = *state;

	fx_policy(f, "apiVersion: networking.k8s.io/v1\n"
		     "kind: NetworkPolicy\n"
		     "metadata: {name: db-cidr}\n"
		     "spec:\n"
		     "  podSelector: {matchLabels: {app: db}}\n"
		     "  ingress:\n"
		     "  - from:\n"
		     "    - ipBlock:\n"
		     "        cidr: 10.240.0.0/24\n"
		     "        except: [10.240.0.4/30]\n"
		     "    ports: [{protocol: TCP, port: 5432}]\n"
		     "---\n"
		     "apiVersion: networking.k8s.io/v1\n"
		     "kind: NetworkPolicy\n"
		     "metadata: {name: api-out}\n"
		     "spec:\n"
		     "  podSelector: {matchLabels: {app: api}}\n"
		     "  policyTypes: [Egress]\n"
		     "  egress:\n"
		     "  - to: [{ipBlock: {cidr: 10.240.0.2/31}}]\n");
	flow(f, EP_A, EP_B, TCP, 5432, 0);   /* .2: in the cidr */
	flow(f, EP_C, EP_B, TCP, 5432, ING); /* .4: excepted (c's egress to .3 is fine) */
	flow(f, EP_E, EP_B, TCP, 5432, ING); /* .6: excepted */
	flow(f, EP_D, EP_B, TCP, 5432, ING); /* 10.240.1.5: outside the cidr */
	flow(f, EP_A, EP_B, TCP, 5433, ING);
	/* c's egress: to 10.240.0.2-3 only */
	flow(f, EP_C, EP_A, TCP, 9, 0);
	flow(f, EP_C, EP_E, TCP, 9, EGR);
	flow(f, EP_C, EP_D, UDP, 9, EGR);
}

static void test_policy_default_deny_ingress(void **state)
{
	struct fixture *f = *state;

	fx_policy(f, "apiVersion: networking.k8s.io/v1\n"
		     "kind: NetworkPolicy\n"
		     "metadata: {name: db-deny}\n"
		     "spec:\n"
		     "  podSelector: {matchLabels: {app: db}}\n"
		     "  policyTypes: [Ingress]\n");
	flow(f, EP_A, EP_B, TCP, 5432, ING);
	flow(f, EP_C, EP_B, UDP, 53, ING);
	flow(f, EP_D, EP_B, ICMP, 1, ING);
	flow(f, EP_A, EP_C, TCP, 5432, 0); /* c is not selected */
	flow(f, EP_B, EP_A, TCP, 5432, 0); /* b's egress is not enforced */
}

/* An empty ingress list written as "ingress: []" is default deny too. */
static void test_policy_default_deny_empty_ingress(void **state)
{
	struct fixture *f = *state;

	fx_policy(f, "apiVersion: networking.k8s.io/v1\n"
		     "kind: NetworkPolicy\n"
		     "metadata: {name: ns-deny}\n"
		     "spec:\n"
		     "  podSelector: {}\n"
		     "  ingress: []\n");
	flow(f, EP_A, EP_B, TCP, 1, ING);
	flow(f, EP_B, EP_C, UDP, 2, ING);
	flow(f, EP_C, EP_A, ICMP, 3, ING);
	flow(f, EP_A, EP_D, TCP, 1, 0); /* d is in prod: not selected */
	flow(f, EP_D, EP_A, TCP, 1, ING);
}

static void test_policy_default_deny_egress(void **state)
{
	struct fixture *f = *state;

	fx_policy(f, "apiVersion: networking.k8s.io/v1\n"
		     "kind: NetworkPolicy\n"
		     "metadata: {name: out-deny}\n"
		     "spec:\n"
		     "  podSelector: {}\n"
		     "  policyTypes: [Egress]\n");
	flow(f, EP_A, EP_B, TCP, 80, EGR);
	flow(f, EP_B, EP_D, UDP, 53, EGR);
	flow(f, EP_D, EP_A, TCP, 80, 0); /* d (prod) is not selected; a's ingress free */
}

static void test_policy_rules_add_up(void **state)
{
	struct fixture *f = *state;

	fx_policy(f, "apiVersion: networking.k8s.io/v1\n"
		     "kind: NetworkPolicy\n"
		     "metadata: {name: db-web}\n"
		     "spec:\n"
		     "  podSelector: {matchLabels: {app: db}}\n"
		     "  ingress:\n"
		     "  - from: [{podSelector: {matchLabels: {app: web}}}]\n"
		     "    ports: [{protocol: TCP, port: 5432}]\n"
		     "---\n"
		     "apiVersion: networking.k8s.io/v1\n"
		     "kind: NetworkPolicy\n"
		     "metadata: {name: db-api}\n"
		     "spec:\n"
		     "  podSelector:\n"
		     "    matchExpressions:\n"
		     "    - {key: app, operator: In, values: [db, cache]}\n"
		     "  ingress:\n"
		     "  - from: [{podSelector: {matchLabels: {app: api}}}]\n"
		     "    ports: [{protocol: TCP, port: 9000}]\n");
	flow(f, EP_A, EP_B, TCP, 5432, 0);
	flow(f, EP_A, EP_B, TCP, 9000, ING);
	flow(f, EP_C, EP_B, TCP, 9000, 0);
	flow(f, EP_C, EP_B, TCP, 5432, ING);
}

static void test_policy_namespace_selector(void **state)
{
	struct fixture *f = *state;

	fx_policy(f, "apiVersion: networking.k8s.io/v1\n"
		     "kind: NetworkPolicy\n"
		     "metadata: {name: db-from-prod}\n"
		     "spec:\n"
		     "  podSelector: {matchLabels: {app: db}}\n"
		     "  ingress:\n"
		     "  - from:\n"
		     "    - namespaceSelector: {matchLabels: {env: prod}}\n"
		     "      podSelector: {matchLabels: {app: web}}\n"
		     "  - from:\n"
		     "    - namespaceSelector:\n"
		     "        matchLabels: {kubernetes.io/metadata.name: default}\n"
		     "    ports: [{protocol: UDP, port: 53}]\n");
	flow(f, EP_D, EP_B, TCP, 5432, 0);   /* prod and app=web */
	flow(f, EP_A, EP_B, TCP, 5432, ING); /* app=web, default */
	flow(f, EP_A, EP_B, UDP, 53, 0);     /* default namespace, port 53 */
	flow(f, EP_C, EP_B, UDP, 53, 0);
	flow(f, EP_C, EP_B, UDP, 54, ING);
}

/* A change goes into the other generation, then one config write flips it. */
static void test_policy_generation_switch(void **state)
{
	struct fixture *f = *state;
	struct hyp_config c0, c1, c2;

	c0 = fx_config(f);
	fx_policy(f, db_from_web_5432);
	c1 = fx_config(f);
	assert_int_equal(c1.policy_gen, c0.policy_gen ^ 1);
	assert_int_equal(c1.policy_rev, c0.policy_rev + 1);
	flow(f, EP_C, EP_B, TCP, 5432, ING);
	fx_policy(f, NULL);
	c2 = fx_config(f);
	assert_int_equal(c2.policy_gen, c1.policy_gen ^ 1);
	assert_int_equal(c2.policy_rev, c1.policy_rev + 1);
	flow(f, EP_C, EP_B, TCP, 5432, 0);
	/* the previous generation's entries still sit in the table, inert */
	fx_write_config(f, c1.policy_gen, c2.policy_rev + 1);
	flow(f, EP_C, EP_B, TCP, 5432, ING);
	fx_write_config(f, c2.policy_gen, c2.policy_rev + 2);
	flow(f, EP_C, EP_B, TCP, 5432, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    FX_TEST(test_policy_none_allows_all),
	    FX_TEST(test_policy_ingress_single_port),
	    FX_TEST(test_policy_egress_single_port),
	    FX_TEST(test_policy_egress_named_before_ingress),
	    FX_TEST(test_policy_port_ranges),
	    FX_TEST(test_policy_protocols),
	    FX_TEST(test_policy_bad_port_name_refused),
	    FX_TEST(test_policy_ipblock_except),
	    FX_TEST(test_policy_default_deny_ingress),
	    FX_TEST(test_policy_default_deny_empty_ingress),
	    FX_TEST(test_policy_default_deny_egress),
	    FX_TEST(test_policy_rules_add_up),
	    FX_TEST(test_policy_namespace_selector),
	    FX_TEST(test_policy_generation_switch),
	};

	return fx_main("bpf_policy", tests, sizeof(tests) / sizeof(tests[0]));
}
