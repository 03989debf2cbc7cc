// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of pol_compile and pol_eval: ipBlock peers selecting the
 * outside world (identity world, addresses outside the pool), on ingress
 * and egress: a cidr with excepts, nested and overlapping blocks of
 * several rules and policies (the longest network decides which blocks
 * hold an address), ports; every denied address next to an allowed one,
 * and the pool's endpoints as before.
 */
#include "policy_world_fixture.h"

static struct pol_endpoint outside(uint32_t ip)
{
	return (struct pol_endpoint){.name = "world", .identity = HYP_ID_WORLD, .ip = ip};
}

/* outside address ip -> endpoint dst (ingress), or src -> ip (egress) */
static bool w_in(const struct pol_program *p, const struct world *w, uint32_t ip, int dst,
		 uint8_t proto, uint16_t port)
{
	struct pol_endpoint o = outside(ip);
	struct pol_verdict v;

	pol_eval(p, &o, &w->eps[dst], proto, port, &v);
	return v.allowed;
}

static bool w_out(const struct pol_program *p, const struct world *w, int src, uint32_t ip,
		  uint8_t proto, uint16_t port)
{
	struct pol_endpoint o = outside(ip);
	struct pol_verdict v;

	pol_eval(p, &w->eps[src], &o, proto, port, &v);
	return v.allowed;
}

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

static void test_world_ingress_except(void **state)
{
	struct pol_program p;
	struct world w;
	size_t nets = 0;

	world_init(&w);
	compile(&w,
		NP("prod", "from-partner") "  podSelector: {matchLabels: {app: web}}\n"
					   "  ingress:\n"
					   "  - from:\n"
					   "    - ipBlock:\n"
					   "        cidr: 198.51.100.0/24\n"
					   "        except: [198.51.100.128/25]\n"
					   "    ports: [{port: 443}]\n",
		&p);
	assert_true(w_in(&p, &w, IP(198, 51, 100, 7), WEB, TCP, 443));
	assert_false(w_in(&p, &w, IP(198, 51, 100, 7), WEB, TCP, 80));	   /* its port only */
	assert_false(w_in(&p, &w, IP(198, 51, 100, 200), WEB, TCP, 443)); /* excepted */
	assert_false(w_in(&p, &w, IP(203, 0, 113, 5), WEB, TCP, 443));	   /* outside the cidr */
	assert_true(w_in(&p, &w, IP(203, 0, 113, 5), DB, TCP, 80)); /* db is not selected */
	/* the pool: no endpoint is in the block */
	DENY(&p, &w, API, WEB, TCP, 443);
	for (size_t i = 0; i < p.n_entries; i++)
		nets += p.entries[i].kind == HYP_PEER_WORLD_NET;
	assert_int_equal(nets, 2); /* the cidr and its except */
	pol_program_free(&p);
}

/* Blocks of several rules add up; the longest network decides. */
static void test_world_nested_blocks(void **state)
{
	struct pol_program p;
	struct world w;

	world_init(&w);
	compile(&w,
		NP("prod", "wide") "  podSelector: {matchLabels: {app: web}}\n"
				   "  ingress:\n"
				   "  - from: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}]\n"
				   "    ports: [{port: 80}]\n"
				   "  - from: [{ipBlock: {cidr: 203.0.113.0/24, except: "
				   "[203.0.113.0/28]}}]\n"
				   "    ports: [{port: 22}]\n"
				   "---\n" NP("prod", "narrow") "  podSelector: {matchLabels: {app: web}}\n"
								"  ingress:\n"
								"  - from: [{ipBlock: {cidr: 203.0.113.8/29}}]\n"
								"    ports: [{port: 5432}]\n",
		&p);
	assert_true(w_in(&p, &w, IP(192, 0, 2, 1), WEB, TCP, 80));	  /* 0/0 */
	assert_false(w_in(&p, &w, IP(192, 0, 2, 1), WEB, TCP, 22));
	assert_false(w_in(&p, &w, IP(10, 99, 0, 1), WEB, TCP, 80));	  /* excepted from 0/0 */
	assert_true(w_in(&p, &w, IP(203, 0, 113, 99), WEB, TCP, 80));	  /* 0/0 still holds it */
	assert_true(w_in(&p, &w, IP(203, 0, 113, 99), WEB, TCP, 22));	  /* and the /24 */
	assert_false(w_in(&p, &w, IP(203, 0, 113, 3), WEB, TCP, 22));  /* the /24's except */
	assert_true(w_in(&p, &w, IP(203, 0, 113, 3), WEB, TCP, 80));	  /* 0/0 holds it */
	assert_true(w_in(&p, &w, IP(203, 0, 113, 9), WEB, TCP, 5432)); /* the /29 of another policy */
	assert_false(w_in(&p, &w, IP(203, 0, 113, 9), WEB, TCP, 22));  /* in the /24's except */
	assert_false(w_in(&p, &w, IP(203, 0, 113, 99), WEB, TCP, 5432));
	pol_program_free(&p);
}

static void test_world_egress(void **state)
{
	struct pol_program p;
	struct world w;

	world_init(&w);
	compile(&w,
		NP("prod", "to-dns") "  podSelector: {matchLabels: {app: api}}\n"
				     "  policyTypes: [Egress]\n"
				     "  egress:\n"
				     "  - to: [{ipBlock: {cidr: 192.0.2.53/32}}]\n"
				     "    ports: [{port: 53, protocol: UDP}]\n"
				     "  - to: [{podSelector: {}}]\n",
		&p);
	assert_true(w_out(&p, &w, API, IP(192, 0, 2, 53), UDP, 53));
	assert_false(w_out(&p, &w, API, IP(192, 0, 2, 53), TCP, 53));
	assert_false(w_out(&p, &w, API, IP(192, 0, 2, 54), UDP, 53));
	assert_true(w_out(&p, &w, WEB, IP(192, 0, 2, 54), UDP, 53)); /* web is not selected */
	ALLOW(&p, &w, API, DB, TCP, 5432); /* pods: the second rule */
	pol_program_free(&p);
}

/* A rule without peers admits the world as before; pod selectors do not. */
static void test_world_peerless_and_pods(void **state)
{
	struct pol_program p;
	struct world w;

	world_init(&w);
	compile(&w,
		NP("prod", "pods-only") "  podSelector: {matchLabels: {app: db}}\n"
					"  ingress: [{from: [{podSelector: {}}]}]\n",
		&p);
	assert_false(w_in(&p, &w, IP(192, 0, 2, 1), DB, TCP, 5432));
	ALLOW(&p, &w, API, DB, TCP, 5432);
	pol_program_free(&p);
	compile(&w,
		NP("prod", "any") "  podSelector: {matchLabels: {app: db}}\n"
				  "  ingress: [{ports: [{port: 5432}]}]\n",
		&p);
	assert_true(w_in(&p, &w, IP(192, 0, 2, 1), DB, TCP, 5432));
	assert_false(w_in(&p, &w, IP(192, 0, 2, 1), DB, TCP, 5433));
	pol_program_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_world_ingress_except),
	    cmocka_unit_test(test_world_nested_blocks),
	    cmocka_unit_test(test_world_egress),
	    cmocka_unit_test(test_world_peerless_and_pods),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
