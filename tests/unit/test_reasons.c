// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of src/lib/reasons.c: names of drop reasons and port counters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <string.h>
#include <cmocka.h>

#include "hyperion/abi.h"
#include "lib/reasons.h"

/* Values of a range reserved for an area that has not assigned them yet
 * (abi.h: 41..55 north-south, 56..70 cluster, 71..85 and 91..95 IPv6,
 * 86..90 performance): no name, and
 * "unknown" on the CLI, until that area appends its reason. */
static bool reserved_gap(uint32_t r)
{
	return r >= 41 && r <= 95 && !strcmp(drop_reason_name(r), "unknown");
}

static void test_every_reason_named(void **state)
{
	for (uint32_t r = 0; r < __HYP_DROP_MAX; r++) {
		const char *name = drop_reason_name(r);

		if (reserved_gap(r))
			continue;
		assert_non_null(name);
		if (!*name || !strcmp(name, "unknown"))
			fail_msg("drop reason %u has no name", r);
		/* names are CLI/JSON tokens: lower case, digits and '-' */
		for (const char *p = name; *p; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
				fail_msg("drop reason %u name \"%s\" has '%c'", r, name, *p);
	}
}

static void test_names_distinct(void **state)
{
	for (uint32_t a = 0; a < __HYP_DROP_MAX; a++)
		for (uint32_t b = a + 1; b < __HYP_DROP_MAX; b++)
			if (!reserved_gap(a) && !strcmp(drop_reason_name(a), drop_reason_name(b)))
				fail_msg("drop reasons %u and %u share the name \"%s\"", a, b,
					 drop_reason_name(a));
}

static void test_round_trip(void **state)
{
	for (uint32_t r = 0; r < __HYP_DROP_MAX; r++)
		if (!reserved_gap(r))
			assert_int_equal(drop_reason_from_name(drop_reason_name(r)), r);
}

static void test_stable_names(void **state)
{
	/* a few names the CLI and scripts rely on */
	assert_string_equal(drop_reason_name(HYP_DROP_NONE), "none");
	assert_string_equal(drop_reason_name(HYP_DROP_SPOOFED_SRC_IP), "spoofed-src-ip");
	assert_string_equal(drop_reason_name(HYP_DROP_SPOOFED_SRC_MAC), "spoofed-src-mac");
	assert_string_equal(drop_reason_name(HYP_DROP_STAMP_BAD), "stamp-bad");
	assert_string_equal(drop_reason_name(HYP_DROP_TO_GATEWAY), "to-gateway");
	assert_int_equal(drop_reason_from_name("arp-spoof"), HYP_DROP_ARP_SPOOF);
	assert_int_equal(drop_reason_from_name("unknown-dst"), HYP_DROP_UNKNOWN_DST);
}

static void test_unknown(void **state)
{
	assert_string_equal(drop_reason_name(__HYP_DROP_MAX), "unknown");
	assert_string_equal(drop_reason_name(__HYP_DROP_MAX + 1), "unknown");
	assert_string_equal(drop_reason_name(1000), "unknown");
	assert_string_equal(drop_reason_name(UINT32_MAX), "unknown");

	assert_int_equal(drop_reason_from_name("unknown"), -1);
	assert_int_equal(drop_reason_from_name(""), -1);
	assert_int_equal(drop_reason_from_name("Malformed"), -1);
	assert_int_equal(drop_reason_from_name("malformed "), -1);
	assert_int_equal(drop_reason_from_name("spoofed"), -1);
	assert_int_equal(drop_reason_from_name("no-port-x"), -1);
}

static void test_port_stat_names(void **state)
{
	assert_string_equal(port_stat_name(HYP_STAT_RX), "rx");
	assert_string_equal(port_stat_name(HYP_STAT_FWD), "forwarded");
	assert_string_equal(port_stat_name(HYP_STAT_ARP_REPLY), "arp_replies");
	assert_string_equal(port_stat_name(HYP_STAT_DROP), "dropped");
	for (uint32_t a = 0; a < __HYP_STAT_MAX; a++) {
		assert_non_null(port_stat_name(a));
		assert_string_not_equal(port_stat_name(a), "unknown");
		for (uint32_t b = a + 1; b < __HYP_STAT_MAX; b++)
			assert_string_not_equal(port_stat_name(a), port_stat_name(b));
	}
	assert_string_equal(port_stat_name(__HYP_STAT_MAX), "unknown");
	assert_string_equal(port_stat_name(UINT32_MAX), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_reason_named),
	    cmocka_unit_test(test_names_distinct),
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_stable_names),
	    cmocka_unit_test(test_unknown),
	    cmocka_unit_test(test_port_stat_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
