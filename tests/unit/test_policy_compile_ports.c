// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of pol_compile and pol_eval, ports: a port, a protocol
 * without a port, port..endPort as the fewest prefixes covering the range
 * (every port checked), and null ports entries and ports.
 */
#include "policy_world_fixture.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ports),
	    cmocka_unit_test(test_port_range),
	    cmocka_unit_test(test_null_ports),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
