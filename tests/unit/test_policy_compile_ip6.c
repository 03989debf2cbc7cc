// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the policy compiler with dual-stack endpoints: an IPv6
 * ipBlock (with except) becomes one HYP_PEER_IPV6 entry per endpoint IPv6
 * address in it; IPv4 and IPv6 blocks in one policy each select by their
 * own family; identity rules hold for both; pol_eval (policy trace) judges
 * an IPv6 flow by the IPv6 entries only. Other nodes' endpoints (the cluster
 * hands them over IPv6-only or dual stack, with their identity) are selected
 * by labels and by an ipBlock of the pool6 like local ones. Each denial next
 * to its allowed twin.
 */
#include "policy_world_fixture.h"
#include "lib/addr6.h"

/* Every endpoint of the world gets fd00:0:N::X, N its namespace, X its IPv4's last byte. */
static void world6(struct world *w)
{
	world_init(w);
	for (int i = 0; i < N_EPS; i++) {
		uint8_t a[16] = {0xfd, 0x00, 0, 0, 0, (uint8_t)(i <= DB ? 1 : i <= TOOL ? 2 : 3)};

		a[15] = (uint8_t)w->eps[i].ip;
		memcpy(w->eps[i].ip6, a, 16);
		w->eps[i].has_ip6 = true;
	}
}

static bool ok6(const struct pol_program *p, struct world *w, int s, int d, uint8_t proto,
		uint16_t port)
{
	struct pol_endpoint src = w->eps[s], dst = w->eps[d];
	struct pol_verdict v;

	src.v6 = dst.v6 = true;
	pol_eval(p, &src, &dst, proto, port, &v);
	return v.allowed;
}

#define ALLOW6(p, w, s, d, pr, po)                                                                 \
	do {                                                                                       \
		if (!ok6(p, w, s, d, pr, po))                                                      \
			fail_msg("IPv6 %s -> %s proto %d port %d denied, should pass", #s, #d, pr, \
				 po);                                                              \
	} while (0)
#define DENY6(p, w, s, d, pr, po)                                                                  \
	do {                                                                                       \
		if (ok6(p, w, s, d, pr, po))                                                       \
			fail_msg("IPv6 %s -> %s proto %d port %d allowed, should drop", #s, #d,    \
				 pr, po);                                                          \
	} while (0)

static size_t count_kind(const struct pol_program *p, uint8_t kind)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n_entries; i++)
		n += p->entries[i].kind == kind;
	return n;
}

/* fd00:0:2::/48 except fd00:0:2::15/128: dev's endpoints but tool (.21 = 0x15). */
static void test_block6_except(void **state)
{
	struct pol_program p;
	struct world w;

	world6(&w);
	compile(&w,
		NP("prod", "db6") "  podSelector: {matchLabels: {app: db}}\n"
				  "  ingress:\n"
				  "  - from: [{ipBlock: {cidr: \"fd00:0:2::/48\", "
				  "except: [\"fd00:0:2::15/128\"]}}]\n"
				  "    ports: [{port: 5432}]\n",
		&p);
	/* dweb (.0a), dapi (.14): the two in the block and not excepted */
	assert_int_equal(count_kind(&p, HYP_PEER_IPV6), 2);
	assert_int_equal(count_kind(&p, HYP_PEER_IPV4), 0);
	for (size_t i = 0; i < p.n_entries; i++) {
		const uint8_t *a = (const uint8_t *)p.entries[i].peer6;

		if (p.entries[i].kind != HYP_PEER_IPV6)
			continue; /* the world's (test_policy_world6.c) */

		assert_int_equal(p.entries[i].peer, 0);
		assert_int_equal(a[0], 0xfd);
		assert_true(a[15] == 0x0a || a[15] == 0x14);
	}
	ALLOW6(&p, &w, DWEB, DB, TCP, 5432);
	ALLOW6(&p, &w, DAPI, DB, TCP, 5432);
	DENY6(&p, &w, TOOL, DB, TCP, 5432); /* excepted */
	DENY6(&p, &w, WEB, DB, TCP, 5432);  /* prod: outside the block */
	DENY6(&p, &w, DWEB, DB, TCP, 5433); /* the port */
	/* the IPv6 block says nothing about their IPv4 flows */
	DENY(&p, &w, DWEB, DB, TCP, 5432);
	pol_program_free(&p);
}

/* One policy, both families: each block selects by its own family. */
static void test_both_families(void **state)
{
	struct pol_program p;
	struct world w;

	world6(&w);
	compile(&w,
		NP("prod", "dual") "  podSelector: {matchLabels: {app: db}}\n"
				   "  ingress:\n"
				   "  - from:\n"
				   "    - ipBlock: {cidr: 10.0.1.0/24}\n"  /* dev by IPv4 */
				   "    - ipBlock: {cidr: \"fd00:0:3::/48\"}\n" /* default by IPv6 */
				   "    - podSelector: {matchLabels: {app: api}}\n",
		&p);
	ALLOW(&p, &w, DWEB, DB, TCP, 80);
	DENY6(&p, &w, DWEB, DB, TCP, 80);
	ALLOW6(&p, &w, MISC, DB, TCP, 80);
	DENY(&p, &w, MISC, DB, TCP, 80);
	/* identity rules hold for both families */
	ALLOW(&p, &w, API, DB, UDP, 53);
	ALLOW6(&p, &w, API, DB, UDP, 53);
	DENY(&p, &w, WEB, DB, TCP, 80);
	DENY6(&p, &w, WEB, DB, TCP, 80);
	pol_program_free(&p);
}

/* Egress to an IPv6 block; ::/0 selects every endpoint with IPv6, and an
 * endpoint without one is never selected by it. */
static void test_egress6_any(void **state)
{
	struct pol_program p;
	struct world w;

	world6(&w);
	w.eps[MISC].has_ip6 = false;
	compile(&w,
		NP("dev", "out6") "  podSelector: {matchLabels: {app: tool}}\n"
				  "  egress:\n"
				  "  - to: [{ipBlock: {cidr: \"::/0\"}}]\n",
		&p);
	assert_int_equal(count_kind(&p, HYP_PEER_IPV6), N_EPS - 1);
	ALLOW6(&p, &w, TOOL, WEB, TCP, 22);
	ALLOW6(&p, &w, TOOL, DB, UDP, 9);
	DENY(&p, &w, TOOL, WEB, TCP, 22); /* IPv4: no rule */
	DENY6(&p, &w, TOOL, MISC, TCP, 22);
	pol_program_free(&p);
}

/* Two blocks naming the same address keep one entry (the eset keys on peer6). */
static void test_dedup6(void **state)
{
	struct pol_program p;
	struct world w;

	world6(&w);
	compile(&w,
		NP("prod", "dup") "  podSelector: {matchLabels: {app: db}}\n"
				  "  ingress:\n"
				  "  - from: [{ipBlock: {cidr: \"fd00::/16\"}}, "
				  "{ipBlock: {cidr: \"fd00:0:1::/48\"}}]\n",
		&p);
	assert_int_equal(count_kind(&p, HYP_PEER_IPV6), N_EPS);
	ALLOW6(&p, &w, WEB, DB, TCP, 1);
	pol_program_free(&p);
}

/* Another node's endpoints as the cluster hands them (cluster_sync.c remote_one): IPv6
 * only (ip 0), in that node's /64 fd00:0:9:1::/64 of the pool6, with their identity. */
static void test_remote6(void **state)
{
	static const uint8_t r_dweb[16] = {0xfd, 0, 0, 0, 0, 9, 0, 1, [15] = 0x0a};
	static const uint8_t r_tool[16] = {0xfd, 0, 0, 0, 0, 9, 0, 1, [15] = 0x15};
	struct pol_program p;
	struct world w;
	size_t n6 = 0;

	world6(&w);
	memcpy(w.eps[DWEB].ip6, r_dweb, 16);
	memcpy(w.eps[TOOL].ip6, r_tool, 16);
	w.eps[DWEB].ip = w.eps[TOOL].ip = 0;
	compile(&w,
		NP("prod", "remote6") "  podSelector: {matchLabels: {app: db}}\n"
				      "  ingress:\n"
				      "  - from: [{namespaceSelector: {matchLabels: {env: dev}}, "
				      "podSelector: {matchLabels: {app: web}}}]\n"
				      "  - from: [{ipBlock: {cidr: \"fd00:0:9:1::/64\"}}]\n"
				      "    ports: [{port: 9000}]\n"
				      "  - from: [{ipBlock: {cidr: 0.0.0.0/0}}]\n"
				      "    ports: [{port: 7000}]\n",
		&p);
	/* the label rule: the remote dweb by its identity, not the remote tool */
	ALLOW6(&p, &w, DWEB, DB, TCP, 80);
	DENY6(&p, &w, TOOL, DB, TCP, 80);
	/* the other node's /64 is not the world: one entry per remote address in it */
	for (size_t i = 0; i < p.n_entries; i++) {
		const uint8_t *a = (const uint8_t *)p.entries[i].peer6;

		if (p.entries[i].kind != HYP_PEER_IPV6)
			continue;
		assert_true(!memcmp(a, r_dweb, 16) || !memcmp(a, r_tool, 16));
		n6++;
	}
	assert_int_equal(n6, 2);
	ALLOW6(&p, &w, TOOL, DB, TCP, 9000);
	DENY6(&p, &w, WEB, DB, TCP, 9000); /* a local one outside that /64 */
	/* an IPv6-only endpoint is not IPv4 0.0.0.0: no IPv4 entry for it */
	assert_int_equal(count_kind(&p, HYP_PEER_IPV4), N_EPS - 2);
	for (size_t i = 0; i < p.n_entries; i++)
		if (p.entries[i].kind == HYP_PEER_IPV4)
			assert_int_not_equal(p.entries[i].peer, 0);
	ALLOW(&p, &w, WEB, DB, TCP, 7000);
	pol_program_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_block6_except),
	    cmocka_unit_test(test_both_families),
	    cmocka_unit_test(test_egress6_any),
	    cmocka_unit_test(test_dedup6),
	    cmocka_unit_test(test_remote6),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
