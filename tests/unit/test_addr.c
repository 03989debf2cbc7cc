// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of src/lib/addr.c: IPv4, CIDR, MAC, names, hex. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/addr.h"
#include "lib/addr6.h"

#define IP(a, b, c, d)                                                                             \
	(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))

static void test_ipv4_parse_valid(void **state)
{
	static const struct {
		const char *s;
		uint32_t want;
	} cases[] = {
	    {"0.0.0.0", 0},
	    {"255.255.255.255", 0xffffffffu},
	    {"10.0.0.1", IP(10, 0, 0, 1)},
	    {"192.168.1.254", IP(192, 168, 1, 254)},
	    {"1.2.3.4", 0x01020304u},
	    {"172.16.200.9", IP(172, 16, 200, 9)},
	    /* up to three digits per octet, read as decimal (not octal) */
	    {"010.0.0.1", IP(10, 0, 0, 1)},
	    {"001.002.003.004", IP(1, 2, 3, 4)},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t a = 0xdeadbeef;

		assert_int_equal(ipv4_parse(cases[i].s, &a), 0);
		assert_int_equal(a, cases[i].want);
	}
}

static void test_ipv4_parse_rejects(void **state)
{
	static const char *const bad[] = {
	    "1.2.3",	  "1.2.3.4.5",	"256.1.1.1",  "1.256.1.1", "1.1.1.256",
	    " 1.2.3.4",	  "1.2.3.4 ",	"",	      "a.b.c.d",   "1..2.3",
	    "0001.2.3.4", "1.2.3.0004", "1.2.3.",     ".1.2.3",	   "1.2.3.4.",
	    "-1.2.3.4",	  "+1.2.3.4",	"1.2.3.4/24", "1.2.3.4\n", "0x1.2.3.4",
	    "1,2,3,4",	  "999.1.1.1",	"1.2.3.4a",   "1.2. 3.4",  "1000.1.1.1",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint32_t a = 0x5a5a5a5a;

		if (ipv4_parse(bad[i], &a) != -EINVAL)
			fail_msg("ipv4_parse accepted \"%s\"", bad[i]);
		/* a failed parse leaves the output alone */
		assert_int_equal(a, 0x5a5a5a5a);
	}
}

static void test_ipv4_format(void **state)
{
	char buf[16];
	uint32_t back;

	ipv4_format(IP(10, 1, 2, 3), buf, sizeof(buf));
	assert_string_equal(buf, "10.1.2.3");
	ipv4_format(0xffffffffu, buf, sizeof(buf));
	assert_string_equal(buf, "255.255.255.255");
	ipv4_format(0, buf, sizeof(buf));
	assert_string_equal(buf, "0.0.0.0");

	ipv4_format(IP(192, 168, 100, 7), buf, sizeof(buf));
	assert_int_equal(ipv4_parse(buf, &back), 0);
	assert_int_equal(back, IP(192, 168, 100, 7));
}

static void test_cidr4_parse_valid(void **state)
{
	struct cidr4 c;

	assert_int_equal(cidr4_parse("10.0.0.0/8", &c), 0);
	assert_int_equal(c.addr, IP(10, 0, 0, 0));
	assert_int_equal(c.prefix, 8);

	assert_int_equal(cidr4_parse("192.168.1.0/24", &c), 0);
	assert_int_equal(c.addr, IP(192, 168, 1, 0));
	assert_int_equal(c.prefix, 24);

	assert_int_equal(cidr4_parse("0.0.0.0/0", &c), 0);
	assert_int_equal(c.addr, 0);
	assert_int_equal(c.prefix, 0);

	assert_int_equal(cidr4_parse("1.2.3.4/32", &c), 0);
	assert_int_equal(c.addr, IP(1, 2, 3, 4));
	assert_int_equal(c.prefix, 32);

	assert_int_equal(cidr4_parse("172.16.5.9/12", &c), 0);
	assert_int_equal(c.addr, IP(172, 16, 5, 9));
	assert_int_equal(c.prefix, 12);
}

static void test_cidr4_parse_rejects(void **state)
{
	static const char *const bad[] = {
	    "10.0.0.0",
	    "10.0.0.0/33",
	    "10.0.0.0/64",
	    "10.0.0.0/100",
	    "/",
	    "10.0.0.0/",
	    "10.0.0.0/8x",
	    "10.0.0.0/-1",
	    "10.0.0.0/-0",
	    "10.0.0.0/+8",
	    "10.0.0.0/ 8",
	    "10.0.0.0/8 ",
	    "/24",
	    "10.0.0/8",
	    "256.0.0.0/8",
	    "10.0.0.0/8/8",
	    "10.0.0.0//8",
	    "10.0.0.0 /8",
	    "",
	    "a.b.c.d/8",
	    "10.0.0.0/99999999999999999999999",
	    "10.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0/8",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct cidr4 c;

		if (cidr4_parse(bad[i], &c) != -EINVAL)
			fail_msg("cidr4_parse accepted \"%s\"", bad[i]);
	}
}

static void test_cidr4_mask(void **state)
{
	assert_int_equal(cidr4_mask(0), 0);
	assert_int_equal(cidr4_mask(1), 0x80000000u);
	assert_int_equal(cidr4_mask(8), 0xff000000u);
	assert_int_equal(cidr4_mask(12), 0xfff00000u);
	assert_int_equal(cidr4_mask(16), 0xffff0000u);
	assert_int_equal(cidr4_mask(24), 0xffffff00u);
	assert_int_equal(cidr4_mask(29), 0xfffffff8u);
	assert_int_equal(cidr4_mask(31), 0xfffffffeu);
	assert_int_equal(cidr4_mask(32), 0xffffffffu);

	/* every prefix has exactly `prefix` leading ones and no other bits */
	for (unsigned int p = 0; p <= 32; p++) {
		uint32_t m = cidr4_mask((uint8_t)p);

		assert_int_equal(__builtin_popcount(m), p);
		if (p && p < 32)
			assert_int_equal(__builtin_clz(~m), p);
	}
}

static void test_cidr4_contains(void **state)
{
	struct cidr4 n24 = {.addr = IP(10, 1, 2, 0), .prefix = 24};
	struct cidr4 host_bits = {.addr = IP(10, 1, 2, 77), .prefix = 24};
	struct cidr4 n32 = {.addr = IP(10, 1, 2, 3), .prefix = 32};
	struct cidr4 all = {.addr = IP(1, 2, 3, 4), .prefix = 0};
	struct cidr4 n29 = {.addr = IP(192, 168, 0, 8), .prefix = 29};

	assert_true(cidr4_contains(&n24, IP(10, 1, 2, 0)));
	assert_true(cidr4_contains(&n24, IP(10, 1, 2, 1)));
	assert_true(cidr4_contains(&n24, IP(10, 1, 2, 255)));
	assert_false(cidr4_contains(&n24, IP(10, 1, 3, 0)));
	assert_false(cidr4_contains(&n24, IP(10, 1, 1, 255)));
	assert_false(cidr4_contains(&n24, IP(11, 1, 2, 1)));

	/* host bits in the network address do not matter */
	assert_true(cidr4_contains(&host_bits, IP(10, 1, 2, 1)));
	assert_false(cidr4_contains(&host_bits, IP(10, 1, 3, 77)));

	assert_true(cidr4_contains(&n32, IP(10, 1, 2, 3)));
	assert_false(cidr4_contains(&n32, IP(10, 1, 2, 4)));

	assert_true(cidr4_contains(&all, 0));
	assert_true(cidr4_contains(&all, 0xffffffffu));

	assert_false(cidr4_contains(&n29, IP(192, 168, 0, 7)));
	assert_true(cidr4_contains(&n29, IP(192, 168, 0, 8)));
	assert_true(cidr4_contains(&n29, IP(192, 168, 0, 15)));
	assert_false(cidr4_contains(&n29, IP(192, 168, 0, 16)));
}

static void test_mac_format_parse(void **state)
{
	static const uint8_t macs[][6] = {
	    {0x00, 0x00, 0x00, 0x00, 0x00, 0x00}, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
	    {0x0a, 0x58, 0x0a, 0x00, 0x00, 0x02}, {0xde, 0xad, 0xbe, 0xef, 0x01, 0x23},
	    {0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc},
	};
	char buf[18];
	uint8_t back[6];

	mac_format(macs[3], buf, sizeof(buf));
	assert_string_equal(buf, "de:ad:be:ef:01:23");
	mac_format(macs[0], buf, sizeof(buf));
	assert_string_equal(buf, "00:00:00:00:00:00");

	for (size_t i = 0; i < sizeof(macs) / sizeof(macs[0]); i++) {
		mac_format(macs[i], buf, sizeof(buf));
		assert_int_equal(strlen(buf), 17);
		memset(back, 0x77, sizeof(back));
		assert_int_equal(mac_parse(buf, back), 0);
		assert_memory_equal(back, macs[i], 6);
	}

	/* upper case hex digits are accepted */
	assert_int_equal(mac_parse("DE:AD:BE:EF:01:23", back), 0);
	assert_memory_equal(back, macs[3], 6);
}

static void test_mac_parse_rejects(void **state)
{
	static const char *const bad[] = {
	    "",
	    "00:11:22:33:44",
	    "00:11:22:33:44:",
	    "00:11:22:33:44:55:66",
	    "00:11:22:33:44:55:",
	    "00:11:22:33:44:55 ",
	    "00:11:22:33:44:55\n",
	    "00:11:22:33:44:5g",
	    "gg:11:22:33:44:55",
	    "001:11:22:33:44:55",
	    "00-11-22-33-44-55",
	    "00112233445566",
	    "00:11:22:33:44:555",
	    "zz:zz:zz:zz:zz:zz",
	};
	uint8_t mac[6];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (mac_parse(bad[i], mac) != -EINVAL)
			fail_msg("mac_parse accepted \"%s\"", bad[i]);
}

static void test_mac_from_ipv4(void **state)
{
	static const uint8_t want[6] = {0x0a, 0x58, 0x0a, 0x01, 0x02, 0x03};
	uint8_t mac[6], other[6];
	char buf[18];

	mac_from_ipv4(IP(10, 1, 2, 3), mac);
	assert_memory_equal(mac, want, 6);
	mac_format(mac, buf, sizeof(buf));
	assert_string_equal(buf, "0a:58:0a:01:02:03");

	/* locally administered (bit 1), unicast (bit 0 clear) */
	assert_int_equal(mac[0] & 0x02, 0x02);
	assert_int_equal(mac[0] & 0x01, 0);

	/* distinct addresses give distinct MACs */
	mac_from_ipv4(IP(10, 1, 2, 4), other);
	assert_memory_not_equal(mac, other, 6);
	mac_from_ipv4(IP(192, 168, 255, 254), other);
	assert_int_equal(other[2], 192);
	assert_int_equal(other[3], 168);
	assert_int_equal(other[4], 255);
	assert_int_equal(other[5], 254);
}

static void test_mac_from_ipv6(void **state)
{
	uint8_t ip6[16], mac[6], other[6], v4[6];
	char buf[18];

	assert_int_equal(ipv6_parse("fd12:3456:789a::c0a8:0107", ip6), 0);
	mac_from_ipv6(ip6, mac);
	mac_format(mac, buf, sizeof(buf));
	assert_string_equal(buf, "0a:66:c0:a8:01:07");
	assert_int_equal(mac[0] & 0x02, 0x02); /* locally administered */
	assert_int_equal(mac[0] & 0x01, 0);    /* unicast */
	/* never an IPv4 SNIC's: same last bytes as 192.168.1.7 */
	mac_from_ipv4(IP(192, 168, 1, 7), v4);
	assert_memory_not_equal(mac, v4, 6);
	/* stable: the same address, the same MAC */
	mac_from_ipv6(ip6, other);
	assert_memory_equal(mac, other, 6);
	/* the next address, another MAC */
	ip6[15]++;
	mac_from_ipv6(ip6, other);
	assert_memory_not_equal(mac, other, 6);
	/* the upper bytes are not in it: a collision the control plane checks */
	ip6[15]--;
	ip6[8] ^= 0xff;
	mac_from_ipv6(ip6, other);
	assert_memory_equal(mac, other, 6);
}

static void test_validate_ifname(void **state)
{
	static const char *const good[] = {
	    "e", "eth0", "hyp-web-1", "veth_1.2", "123456789012345", "..a", "a.", "-",
	};
	static const char *const bad[] = {
	    "",	    "1234567890123456", ".",   "..",	"a/b",	 "/",
	    "a:b",  "eth0:1",		"a b", " eth0", "eth0 ", "a\tb",
	    "a\nb",
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (validate_ifname(good[i]))
			fail_msg("validate_ifname rejected \"%s\"", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (validate_ifname(bad[i]) != -EINVAL)
			fail_msg("validate_ifname accepted \"%s\"", bad[i]);
}

static void test_validate_object_name(void **state)
{
	char max[64], over[65];

	memset(max, 'a', 63);
	max[63] = '\0';
	memset(over, 'a', 64);
	over[64] = '\0';

	assert_int_equal(validate_object_name("a"), 0);
	assert_int_equal(validate_object_name("Web-1"), 0);
	assert_int_equal(validate_object_name("db_primary.v2"), 0);
	assert_int_equal(validate_object_name("0abc"), 0);
	assert_int_equal(validate_object_name("a-"), 0);
	assert_int_equal(validate_object_name(max), 0);

	assert_int_equal(validate_object_name(""), -EINVAL);
	assert_int_equal(validate_object_name(over), -EINVAL);
	assert_int_equal(validate_object_name("-a"), -EINVAL);
	assert_int_equal(validate_object_name("_a"), -EINVAL);
	assert_int_equal(validate_object_name(".a"), -EINVAL);
	assert_int_equal(validate_object_name("a/b"), -EINVAL);
	assert_int_equal(validate_object_name("a b"), -EINVAL);
	assert_int_equal(validate_object_name("a:b"), -EINVAL);
	assert_int_equal(validate_object_name("a,b"), -EINVAL);
	assert_int_equal(validate_object_name("a=b"), -EINVAL);
	assert_int_equal(validate_object_name("a\n"), -EINVAL);
	assert_int_equal(validate_object_name("caf\xc3\xa9"), -EINVAL);
}

static void test_validate_instance_name(void **state)
{
	char max[25], over[26];

	memset(max, 'z', 24);
	max[24] = '\0';
	memset(over, 'z', 25);
	over[25] = '\0';

	assert_int_equal(validate_instance_name("hyperion"), 0);
	assert_int_equal(validate_instance_name("a"), 0);
	assert_int_equal(validate_instance_name("0"), 0);
	assert_int_equal(validate_instance_name("test-1"), 0);
	assert_int_equal(validate_instance_name("9lives"), 0);
	assert_int_equal(validate_instance_name(max), 0);

	assert_int_equal(validate_instance_name(""), -EINVAL);
	assert_int_equal(validate_instance_name(over), -EINVAL);
	assert_int_equal(validate_instance_name("-a"), -EINVAL);
	assert_int_equal(validate_instance_name("Hyperion"), -EINVAL);
	assert_int_equal(validate_instance_name("hypA"), -EINVAL);
	assert_int_equal(validate_instance_name("a_b"), -EINVAL);
	assert_int_equal(validate_instance_name("a.b"), -EINVAL);
	assert_int_equal(validate_instance_name("a/b"), -EINVAL);
	assert_int_equal(validate_instance_name(".."), -EINVAL);
	assert_int_equal(validate_instance_name("a b"), -EINVAL);
}

static void test_hex_encode(void **state)
{
	static const uint8_t in[] = {0x00, 0x01, 0x7f, 0x80, 0xab, 0xff};
	char out[13];
	char small[12];

	memset(out, 'X', sizeof(out));
	assert_int_equal(hex_encode(in, sizeof(in), out, sizeof(out)), 0);
	assert_string_equal(out, "00017f80abff");

	/* needs room for the terminator too */
	assert_int_equal(hex_encode(in, sizeof(in), small, sizeof(small)), -ENOSPC);

	/*
	 * Empty input: accepted with room for the terminator. (The output is
	 * not NUL-terminated in that case; reported, not asserted here.)
	 */
	assert_int_equal(hex_encode(in, 0, out, 1), 0);
	assert_int_equal(hex_encode(in, 0, out, 0), -ENOSPC);
}

static void test_hex_decode(void **state)
{
	static const uint8_t want[] = {0xde, 0xad, 0xbe, 0xef, 0x00, 0x10};
	uint8_t in[16], out[16];
	char hex[33];

	assert_int_equal(hex_decode("deadbeef0010", out, 6), 0);
	assert_memory_equal(out, want, 6);
	assert_int_equal(hex_decode("DEADBEEF0010", out, 6), 0);
	assert_memory_equal(out, want, 6);

	/* wrong length */
	assert_int_equal(hex_decode("deadbeef001", out, 6), -EINVAL);
	assert_int_equal(hex_decode("deadbeef00100", out, 6), -EINVAL);
	assert_int_equal(hex_decode("", out, 6), -EINVAL);
	/* not hex, including what sscanf alone would let through */
	assert_int_equal(hex_decode("deadbeefzz10", out, 6), -EINVAL);
	assert_int_equal(hex_decode("0xadbeef0010", out, 6), -EINVAL);
	assert_int_equal(hex_decode(" dadbeef0010", out, 6), -EINVAL);
	assert_int_equal(hex_decode("-1adbeef0010", out, 6), -EINVAL);
	assert_int_equal(hex_decode("+1adbeef0010", out, 6), -EINVAL);
	assert_int_equal(hex_decode("deadbeef001 ", out, 6), -EINVAL);

	/* round trip of every byte value position */
	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 17 + 3);
	assert_int_equal(hex_encode(in, sizeof(in), hex, sizeof(hex)), 0);
	assert_int_equal(strlen(hex), 32);
	memset(out, 0, sizeof(out));
	assert_int_equal(hex_decode(hex, out, sizeof(out)), 0);
	assert_memory_equal(in, out, sizeof(in));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ipv4_parse_valid),
	    cmocka_unit_test(test_ipv4_parse_rejects),
	    cmocka_unit_test(test_ipv4_format),
	    cmocka_unit_test(test_cidr4_parse_valid),
	    cmocka_unit_test(test_cidr4_parse_rejects),
	    cmocka_unit_test(test_cidr4_mask),
	    cmocka_unit_test(test_cidr4_contains),
	    cmocka_unit_test(test_mac_format_parse),
	    cmocka_unit_test(test_mac_parse_rejects),
	    cmocka_unit_test(test_mac_from_ipv4),
	    cmocka_unit_test(test_mac_from_ipv6),
	    cmocka_unit_test(test_validate_ifname),
	    cmocka_unit_test(test_validate_object_name),
	    cmocka_unit_test(test_validate_instance_name),
	    cmocka_unit_test(test_hex_encode),
	    cmocka_unit_test(test_hex_decode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
