// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of src/cluster/ovl_frame.c, the tests' overlay frame forger:
 * the inner IPv6 packet it builds carries its upper layer's checksum
 * (mandatory in IPv6: RFC 8200 8.1), checked here as a receiver does, from
 * the frame alone: the pseudo header and the upper layer sum to 0xffff.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hyperion/abi.h"
#include "cluster/ovl_frame.h"

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* A frame with an inner IPv6 packet of proto, ext bytes of destination
 * options, payload; its length. */
static size_t build6(uint8_t *f, uint8_t proto, size_t ext, const char *payload)
{
	struct ovl_spec s = {.flags = HYP_OVL_F_IP6 | HYP_OVL_F_PAYLOAD,
			     .proto = proto,
			     .l4_sport = 40000,
			     .l4_dport = 53,
			     .tcp_seq = 7,
			     .tcp_flags = 0x02,
			     .payload = (const uint8_t *)payload,
			     .payload_len = strlen(payload),
			     .ext_len = ext,
			     .src6 = {0xfd, 0, 0, 0, 0, 0, 0, 1, [15] = 2},
			     .dst6 = {0xfd, 0, 0, 0, 0, 0, 0, 2, [15] = 9}};
	int n = ovl_frame_build(f, 2048, &s);

	assert_true(n > 0);
	return (size_t)n;
}

/* The inner packet's upper layer verifies; its checksum field's value. */
static uint16_t check6(const uint8_t *f, size_t len, uint8_t proto, size_t ext)
{
	const uint8_t *in = f + OVL_F_INNER, *l4 = in + 40 + ext;
	size_t ulen = len - OVL_F_INNER - 40 - ext;
	size_t off = proto == 6 ? 16 : proto == 17 ? 6 : 2;
	uint32_t s = sum16(in + 8, 32, (uint32_t)ulen + proto);

	assert_int_equal((size_t)(in[4] << 8 | in[5]), ext + ulen);
	assert_int_equal(fold(sum16(l4, ulen, s)), 0xffff);
	return (uint16_t)(l4[off] << 8 | l4[off + 1]);
}

static void test_udp6_checksum(void **state)
{
	uint8_t f[2048];
	size_t n = build6(f, 17, 0, "hello, overlay");

	assert_int_not_equal(check6(f, n, 17, 0), 0); /* 0: no checksum, refused in IPv6 */
	n = build6(f, 17, 8, "odd");
	assert_int_not_equal(check6(f, n, 17, 8), 0);
}

static void test_tcp_icmp6_checksum(void **state)
{
	uint8_t f[2048];
	size_t n = build6(f, 6, 0, "GET /");

	check6(f, n, 6, 0);
	n = build6(f, 58, 16, "ping");
	check6(f, n, 58, 16);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_udp6_checksum),
	    cmocka_unit_test(test_tcp_icmp6_checksum),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
