// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of src/lib/pool.c: the IPv4 address pool of an instance. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/pool.h"

#define IP(a, b, c, d)                                                                             \
	(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))

static struct pool *mkpool(uint32_t addr, uint8_t prefix)
{
	struct cidr4 net = {.addr = addr, .prefix = prefix};
	struct pool *p = NULL;

	assert_int_equal(pool__new(&net, &p), 0);
	assert_non_null(p);
	return p;
}

static void test_new_prefix_bounds(void **state)
{
	static const uint8_t bad[] = {0, 1, 7, 30, 31, 32};
	static const uint8_t good[] = {8, 16, 24, 29};

	for (size_t i = 0; i < sizeof(bad); i++) {
		struct cidr4 net = {.addr = IP(10, 0, 0, 0), .prefix = bad[i]};
		struct pool *p = NULL;

		if (pool__new(&net, &p) != -EINVAL)
			fail_msg("pool__new accepted /%u", bad[i]);
		assert_null(p);
	}
	for (size_t i = 0; i < sizeof(good); i++) {
		struct pool *p = mkpool(IP(10, 0, 0, 0), good[i]);

		assert_int_equal(pool__capacity(p), (1u << (32 - good[i])) - 3);
		assert_int_equal(pool__used(p), 0);
		pool__free(p);
	}
	pool__free(NULL);
}

static void test_gateway_and_net(void **state)
{
	/* host bits of the given address are masked off */
	struct pool *p = mkpool(IP(10, 20, 30, 77), 24);
	const struct cidr4 *n = pool__net(p);

	assert_int_equal(n->addr, IP(10, 20, 30, 0));
	assert_int_equal(n->prefix, 24);
	assert_int_equal(pool__gateway(p), IP(10, 20, 30, 1));
	pool__free(p);

	p = mkpool(IP(192, 168, 7, 13), 29);
	assert_int_equal(pool__net(p)->addr, IP(192, 168, 7, 8));
	assert_int_equal(pool__gateway(p), IP(192, 168, 7, 9));
	assert_int_equal(pool__capacity(p), 5);
	pool__free(p);
}

static void test_check(void **state)
{
	struct pool *p = mkpool(IP(10, 0, 0, 0), 24);

	assert_int_equal(pool__check(p, IP(10, 0, 1, 5)), -ERANGE);
	assert_int_equal(pool__check(p, IP(9, 255, 255, 255)), -ERANGE);
	assert_int_equal(pool__check(p, IP(10, 0, 1, 0)), -ERANGE);
	assert_int_equal(pool__check(p, 0), -ERANGE);
	assert_int_equal(pool__check(p, 0xffffffffu), -ERANGE);

	assert_int_equal(pool__check(p, IP(10, 0, 0, 0)), -EADDRNOTAVAIL);
	assert_int_equal(pool__check(p, IP(10, 0, 0, 1)), -EADDRNOTAVAIL);
	assert_int_equal(pool__check(p, IP(10, 0, 0, 255)), -EADDRNOTAVAIL);

	assert_int_equal(pool__check(p, IP(10, 0, 0, 2)), 0);
	assert_int_equal(pool__check(p, IP(10, 0, 0, 100)), 0);
	assert_int_equal(pool__check(p, IP(10, 0, 0, 254)), 0);

	/* check does not take anything */
	assert_int_equal(pool__used(p), 0);
	assert_int_equal(pool__in_use(p, IP(10, 0, 0, 2)), 0);
	pool__free(p);
}

static void test_reserve(void **state)
{
	struct pool *p = mkpool(IP(10, 0, 0, 0), 24);

	assert_int_equal(pool__reserve(p, IP(10, 0, 0, 50)), 0);
	assert_int_equal(pool__used(p), 1);
	assert_true(pool__in_use(p, IP(10, 0, 0, 50)));
	assert_false(pool__in_use(p, IP(10, 0, 0, 51)));
	assert_false(pool__in_use(p, IP(10, 0, 1, 50)));

	assert_int_equal(pool__reserve(p, IP(10, 0, 0, 50)), -EADDRINUSE);
	assert_int_equal(pool__used(p), 1);

	/* reserved and foreign addresses are refused and not counted */
	assert_int_equal(pool__reserve(p, IP(10, 0, 0, 0)), -EADDRNOTAVAIL);
	assert_int_equal(pool__reserve(p, IP(10, 0, 0, 1)), -EADDRNOTAVAIL);
	assert_int_equal(pool__reserve(p, IP(10, 0, 0, 255)), -EADDRNOTAVAIL);
	assert_int_equal(pool__reserve(p, IP(10, 0, 1, 2)), -ERANGE);
	assert_int_equal(pool__used(p), 1);
	assert_false(pool__in_use(p, IP(10, 0, 0, 1)));
	pool__free(p);
}

/* Allocates the whole pool: every host address exactly once, then -ENOSPC. */
static void exhaust(uint32_t net, uint8_t prefix)
{
	struct pool *p = mkpool(net, prefix);
	uint32_t size = 1u << (32 - prefix);
	uint8_t *seen = calloc(size, 1);
	uint32_t a;

	assert_non_null(seen);
	assert_int_equal(pool__capacity(p), size - 3);
	for (uint32_t i = 0; i < size - 3; i++) {
		assert_int_equal(pool__alloc(p, &a), 0);
		assert_int_equal(pool__check(p, a), 0);
		assert_true(pool__in_use(p, a));
		if (seen[a - net]++)
			fail_msg("address offset %u handed out twice", a - net);
		assert_int_equal(pool__used(p), i + 1);
	}
	for (uint32_t off = 2; off < size - 1; off++)
		assert_int_equal(seen[off], 1);
	assert_int_equal(seen[0], 0);
	assert_int_equal(seen[1], 0);
	assert_int_equal(seen[size - 1], 0);

	assert_int_equal(pool__alloc(p, &a), -ENOSPC);
	assert_int_equal(pool__alloc(p, &a), -ENOSPC);
	assert_int_equal(pool__used(p), size - 3);
	free(seen);
	pool__free(p);
}

static void test_alloc_exhaust_29(void **state)
{
	exhaust(IP(10, 9, 8, 16), 29);
}

static void test_alloc_exhaust_24(void **state)
{
	exhaust(IP(172, 16, 3, 0), 24);
}

static void test_alloc_skips_reserved(void **state)
{
	struct pool *p = mkpool(IP(10, 0, 0, 0), 29); /* hosts .2 .. .6 */
	uint32_t a, got[3];

	assert_int_equal(pool__reserve(p, IP(10, 0, 0, 2)), 0);
	assert_int_equal(pool__reserve(p, IP(10, 0, 0, 5)), 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(pool__alloc(p, &got[i]), 0);
		assert_int_not_equal(got[i], IP(10, 0, 0, 2));
		assert_int_not_equal(got[i], IP(10, 0, 0, 5));
	}
	assert_int_not_equal(got[0], got[1]);
	assert_int_not_equal(got[0], got[2]);
	assert_int_not_equal(got[1], got[2]);
	assert_int_equal(pool__alloc(p, &a), -ENOSPC);
	assert_int_equal(pool__used(p), 5);

	/* an allocated address cannot be reserved again */
	assert_int_equal(pool__reserve(p, got[0]), -EADDRINUSE);
	pool__free(p);
}

static void test_release_reuse(void **state)
{
	struct pool *p = mkpool(IP(10, 0, 0, 0), 29);
	uint32_t a, b;

	for (int i = 0; i < 5; i++)
		assert_int_equal(pool__alloc(p, &a), 0);
	assert_int_equal(pool__alloc(p, &a), -ENOSPC);

	assert_int_equal(pool__release(p, IP(10, 0, 0, 4)), 0);
	assert_int_equal(pool__used(p), 4);
	assert_false(pool__in_use(p, IP(10, 0, 0, 4)));
	assert_int_equal(pool__alloc(p, &b), 0);
	assert_int_equal(b, IP(10, 0, 0, 4));
	assert_int_equal(pool__used(p), 5);
	assert_int_equal(pool__alloc(p, &a), -ENOSPC);

	/* release twice: the second one knows nothing of it */
	assert_int_equal(pool__release(p, IP(10, 0, 0, 6)), 0);
	assert_int_equal(pool__release(p, IP(10, 0, 0, 6)), -ENOENT);
	assert_int_equal(pool__used(p), 4);

	/* a released reservation can be reserved again */
	assert_int_equal(pool__reserve(p, IP(10, 0, 0, 6)), 0);
	assert_int_equal(pool__used(p), 5);
	pool__free(p);
}

static void test_release_unknown(void **state)
{
	struct pool *p = mkpool(IP(10, 0, 0, 0), 24);
	uint32_t a;

	assert_int_equal(pool__release(p, IP(10, 0, 0, 7)), -ENOENT);
	assert_int_equal(pool__release(p, IP(10, 0, 1, 7)), -ENOENT);
	assert_int_equal(pool__release(p, IP(10, 0, 0, 0)), -ENOENT);
	assert_int_equal(pool__release(p, IP(10, 0, 0, 1)), -ENOENT);
	assert_int_equal(pool__release(p, IP(10, 0, 0, 255)), -ENOENT);
	assert_int_equal(pool__used(p), 0);

	assert_int_equal(pool__alloc(p, &a), 0);
	assert_int_equal(pool__release(p, a + 1), -ENOENT);
	assert_int_equal(pool__used(p), 1);
	assert_int_equal(pool__release(p, a), 0);
	assert_int_equal(pool__used(p), 0);
	pool__free(p);
}

static void test_used_capacity(void **state)
{
	struct pool *p = mkpool(IP(10, 0, 0, 0), 16);
	uint32_t a[10];

	assert_int_equal(pool__capacity(p), 65533);
	for (int i = 0; i < 10; i++)
		assert_int_equal(pool__alloc(p, &a[i]), 0);
	assert_int_equal(pool__used(p), 10);
	assert_int_equal(pool__reserve(p, IP(10, 0, 200, 200)), 0);
	assert_int_equal(pool__used(p), 11);
	for (int i = 0; i < 10; i += 2)
		assert_int_equal(pool__release(p, a[i]), 0);
	assert_int_equal(pool__used(p), 6);
	/* capacity never changes */
	assert_int_equal(pool__capacity(p), 65533);
	pool__free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_new_prefix_bounds),
	    cmocka_unit_test(test_gateway_and_net),
	    cmocka_unit_test(test_check),
	    cmocka_unit_test(test_reserve),
	    cmocka_unit_test(test_alloc_exhaust_29),
	    cmocka_unit_test(test_alloc_exhaust_24),
	    cmocka_unit_test(test_alloc_skips_reserved),
	    cmocka_unit_test(test_release_reuse),
	    cmocka_unit_test(test_release_unknown),
	    cmocka_unit_test(test_used_capacity),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
