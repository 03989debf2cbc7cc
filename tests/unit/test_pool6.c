// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of src/lib/pool6.c and src/lib/addr6.c: IPv6 IPAM, parsing, ULA, link-local. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/pool6.h"

static struct pool6 *mkpool(const char *cidr)
{
	struct cidr6 net;
	struct pool6 *p = NULL;

	assert_int_equal(cidr6_parse(cidr, &net), 0);
	assert_int_equal(pool6__new(&net, &p), 0);
	assert_non_null(p);
	return p;
}

static void assert_addr(const uint8_t a[16], const char *want)
{
	char buf[IP6_STRLEN];

	ipv6_format(a, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

static void test_parse(void **state)
{
	static const char *const bad[] = {"",	     "fd00::1/", "fd00::1/129", "fd00::1/-1",
					  "10.0.0.1/8", "fd00::/64x", "fe80::1%eth0/64",
					  "fd00:::1/64", "fd00::1 /64", "fd00::1/ 64"};
	struct cidr6 c;
	uint8_t a[16];
	char buf[64];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (cidr6_parse(bad[i], &c) != -EINVAL)
			fail_msg("cidr6_parse accepted '%s'", bad[i]);
	assert_int_equal(ipv6_parse("10.0.0.1", a), -EINVAL);
	assert_int_equal(ipv6_parse("fd00::1 ", a), -EINVAL);
	assert_int_equal(cidr6_parse("FD00:0:0::0A/64", &c), 0);
	cidr6_format(&c, buf, sizeof(buf));
	assert_string_equal(buf, "fd00::a/64");
	assert_true(ip_is_v6("fd00::1/64"));
	assert_false(ip_is_v6("10.0.0.1/8"));
}

static void test_prefix_bounds(void **state)
{
	static const char *const bad[] = {"fd00::/0", "fd00::/47", "fd00::/121", "fd00::/128"};
	static const char *const good[] = {"fd00::/48", "fd00::/64", "fd00::/120"};
	struct cidr6 c;
	struct pool6 *p;

	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(cidr6_parse(bad[i], &c), 0);
		assert_int_equal(pool6__new(&c, &p), -EINVAL);
		assert_null(p);
	}
	for (size_t i = 0; i < 3; i++)
		pool6__free(mkpool(good[i]));
}

static void test_alloc_reserved(void **state)
{
	struct pool6 *p = mkpool("fd12:3456:789a::77/64"); /* host bits cleared */
	uint8_t a[16], gw[16];

	assert_addr(pool6__net(p)->addr, "fd12:3456:789a::");
	pool6__gateway(p, gw);
	assert_addr(gw, "fd12:3456:789a::1");
	assert_int_equal(pool6__alloc(p, a), 0);
	assert_addr(a, "fd12:3456:789a::2");
	assert_int_equal(pool6__alloc(p, a), 0);
	assert_addr(a, "fd12:3456:789a::3");
	assert_int_equal(pool6__used(p), 2);
	assert_int_equal(pool6__reserve(p, gw), -EADDRNOTAVAIL);
	assert_int_equal(ipv6_parse("fd12:3456:789a::", a), 0);
	assert_int_equal(pool6__reserve(p, a), -EADDRNOTAVAIL);
	assert_int_equal(ipv6_parse("fd12:3456:789a:0:fdff:ffff:ffff:ff80", a), 0);
	assert_int_equal(pool6__reserve(p, a), -EADDRNOTAVAIL); /* RFC 2526 */
	assert_int_equal(ipv6_parse("fd12:3456:789b::5", a), 0);
	assert_int_equal(pool6__reserve(p, a), -ERANGE);
	assert_int_equal(ipv6_parse("fd12:3456:789a::3", a), 0);
	assert_int_equal(pool6__reserve(p, a), -EADDRINUSE);
	assert_int_equal(pool6__used(p), 2); /* nothing changed by the refusals */
	/* an explicit address in the way of the cursor is skipped */
	assert_int_equal(ipv6_parse("fd12:3456:789a::4", a), 0);
	assert_int_equal(pool6__reserve(p, a), 0);
	assert_int_equal(pool6__alloc(p, a), 0);
	assert_addr(a, "fd12:3456:789a::5");
	pool6__free(p);
}

static void test_exhaust_release(void **state)
{
	struct pool6 *p = mkpool("fd00::100/120"); /* ::100 .. ::1ff, 254 usable */
	uint8_t a[16], b[16];

	for (int i = 0; i < 254; i++)
		assert_int_equal(pool6__alloc(p, a), 0);
	assert_addr(a, "fd00::1ff");
	assert_int_equal(pool6__alloc(p, a), -ENOSPC);
	assert_int_equal(pool6__used(p), 254);
	assert_int_equal(ipv6_parse("fd00::180", b), 0);
	assert_int_equal(pool6__release(p, b), 0);
	assert_int_equal(pool6__release(p, b), -ENOENT);
	assert_false(pool6__in_use(p, b));
	assert_int_equal(pool6__alloc(p, a), 0);
	assert_memory_equal(a, b, 16);
	assert_int_equal(pool6__alloc(p, a), -ENOSPC);
	/* no leak: everything released, the pool is empty */
	for (int i = 2; i < 256; i++) {
		b[15] = (uint8_t)i;
		assert_int_equal(pool6__release(p, b), 0);
	}
	assert_int_equal(pool6__used(p), 0);
	pool6__free(p);
}

static void test_ula_ll(void **state)
{
	static const uint8_t mac[6] = {0x0a, 0x58, 0x0a, 0xf0, 0x00, 0x02};
	struct cidr6 u1, u2;
	uint8_t ll[16];

	assert_int_equal(ula_generate(&u1), 0);
	assert_int_equal(ula_generate(&u2), 0);
	assert_int_equal(u1.prefix, 64);
	assert_int_equal(u1.addr[0], 0xfd);
	for (int i = 6; i < 16; i++) /* subnet 0, interface ID 0 */
		assert_int_equal(u1.addr[i], 0);
	/* 40 random bits: two draws equal would be a 2^-40 event */
	assert_memory_not_equal(u1.addr, u2.addr, 6);
	ipv6_ll_from_mac(mac, ll);
	assert_addr(ll, "fe80::858:aff:fef0:2");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse),	    cmocka_unit_test(test_prefix_bounds),
	    cmocka_unit_test(test_alloc_reserved), cmocka_unit_test(test_exhaust_release),
	    cmocka_unit_test(test_ula_ll),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
