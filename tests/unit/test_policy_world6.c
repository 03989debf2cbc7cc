// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of pol_compile and pol_eval (policy trace): an ipBlock with an
 * IPv6 prefix outside the pool6 selects the outside world's addresses in
 * it (identity world, HYP_PEER_WORLD6_NET / _SET entries, the IPv6 table),
 * on ingress and egress, with except and ports, nested blocks (the longest
 * network decides); an IPv4 block never admits an IPv6 peer nor the
 * reverse. Each denied address next to an allowed one.
 */
#include "policy_world_fixture.h"
#include "lib/addr6.h"

static struct pol_endpoint outside6(const char *text)
{
	struct pol_endpoint o = {.name = "world", .identity = HYP_ID_WORLD, .has_ip6 = true,
				 .v6 = true};

	assert_int_equal(ipv6_parse(text, (uint8_t *)o.ip6), 0);
	return o;
}

static bool in6(const struct pol_program *p, const struct world *w, const char *ip, int dst,
		uint8_t proto, uint16_t port)
{
	struct pol_endpoint o = outside6(ip), d = w->eps[dst];
	struct pol_verdict v;

	d.v6 = d.has_ip6 = true;
	pol_eval(p, &o, &d, proto, port, &v);
	return v.allowed;
}

static bool out6(const struct pol_program *p, const struct world *w, int src, const char *ip,
		 uint8_t proto, uint16_t port)
{
	struct pol_endpoint o = outside6(ip), s = w->eps[src];
	struct pol_verdict v;

	s.v6 = s.has_ip6 = true;
	pol_eval(p, &s, &o, proto, port, &v);
	return v.allowed;
}

static size_t count_kind(const struct pol_program *p, uint8_t kind)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n_entries; i++)
		n += p->entries[i].kind == kind;
	return n;
}

static void test_world6_ingress_except(void **state)
{
	struct pol_program p;
	struct world w;

	world_init(&w);
	compile(&w,
		NP("prod", "from-partner6") "  podSelector: {matchLabels: {app: web}}\n"
					    "  ingress:\n"
					    "  - from:\n"
					    "    - ipBlock:\n"
					    "        cidr: \"2001:db8:1::/48\"\n"
					    "        except: [\"2001:db8:1:ff::/64\"]\n"
					    "    ports: [{port: 443}]\n",
		&p);
	assert_true(in6(&p, &w, "2001:db8:1::7", WEB, TCP, 443));
	assert_false(in6(&p, &w, "2001:db8:1::7", WEB, TCP, 80));	 /* its port only */
	assert_false(in6(&p, &w, "2001:db8:1:ff::9", WEB, TCP, 443)); /* excepted */
	assert_false(in6(&p, &w, "2001:db8:2::7", WEB, TCP, 443));	 /* outside the cidr */
	assert_true(in6(&p, &w, "2001:db8:2::7", DB, TCP, 80));	 /* db is not selected */
	assert_int_equal(count_kind(&p, HYP_PEER_WORLD6_NET), 2); /* the cidr and its except */
	assert_int_equal(count_kind(&p, HYP_PEER_WORLD_NET), 0);
	assert_int_equal(count_kind(&p, HYP_PEER_WORLD6_SET), 1);
	pol_program_free(&p);
}

/* Egress: nested blocks of two rules, the longest network decides; ::/0. */
static void test_world6_egress_nested(void **state)
{
	struct pol_program p;
	struct world w;

	world_init(&w);
	compile(&w,
		NP("prod", "out6") "  podSelector: {matchLabels: {app: web}}\n"
				   "  egress:\n"
				   "  - to: [{ipBlock: {cidr: \"::/0\", except: [\"2001:db8::/32\"]}}]\n"
				   "    ports: [{port: 80}]\n"
				   "  - to: [{ipBlock: {cidr: \"2001:db8:5::/48\"}}]\n"
				   "    ports: [{port: 22}]\n",
		&p);
	assert_true(out6(&p, &w, WEB, "2a00::1", TCP, 80));
	assert_false(out6(&p, &w, WEB, "2a00::1", TCP, 22));
	assert_false(out6(&p, &w, WEB, "2001:db8:4::1", TCP, 80)); /* excepted */
	assert_true(out6(&p, &w, WEB, "2001:db8:5::1", TCP, 22));
	assert_false(out6(&p, &w, WEB, "2001:db8:5::1", TCP, 80)); /* in the except of ::/0 */
	assert_false(out6(&p, &w, WEB, "2001:db8:6::1", TCP, 22));
	pol_program_free(&p);
}

/* The families do not mix: an IPv4 block admits no IPv6 peer, nor the reverse. */
static void test_world6_family(void **state)
{
	struct pol_program p;
	struct world w;
	struct pol_endpoint o = {.name = "world", .identity = HYP_ID_WORLD, .ip = 0xc6336407};
	struct pol_verdict v;

	world_init(&w);
	compile(&w,
		NP("prod", "dual") "  podSelector: {matchLabels: {app: web}}\n"
				   "  ingress:\n"
				   "  - from: [{ipBlock: {cidr: 198.51.100.0/24}}]\n"
				   "  - from: [{ipBlock: {cidr: \"2001:db8:1::/48\"}}]\n"
				   "    ports: [{port: 443}]\n",
		&p);
	pol_eval(&p, &o, &w.eps[WEB], TCP, 80, &v); /* 198.51.100.7 */
	assert_true(v.allowed);
	assert_false(in6(&p, &w, "2001:db8:1::7", WEB, TCP, 80));
	assert_true(in6(&p, &w, "2001:db8:1::7", WEB, TCP, 443));
	o.ip = 0xc6336507; /* 198.51.101.7 */
	pol_eval(&p, &o, &w.eps[WEB], TCP, 443, &v);
	assert_false(v.allowed);
	assert_int_equal(count_kind(&p, HYP_PEER_WORLD6_NET), 1);
	assert_int_equal(count_kind(&p, HYP_PEER_WORLD_NET), 1);
	pol_program_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_world6_ingress_except),
	    cmocka_unit_test(test_world6_egress_nested),
	    cmocka_unit_test(test_world6_family),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
