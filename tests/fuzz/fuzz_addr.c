// SPDX-License-Identifier: GPL-2.0-only
/*
 * Addresses as users and CNI configs give them: snic add --ip (IPv4 and,
 * with a pool6, IPv6 ADDR/N), --pool, --pool6, ipBlock CIDRs. One line
 * of input each: ipv4_parse, cidr4_parse, ipv6_parse, cidr6_parse, and an
 * IPv6 address reserved, checked and released in a pool6 (the SNIC add
 * path: node_pick_ip6).
 * Invariants: an accepted IPv6 address is what inet_pton reads; an
 * accepted address or CIDR prints and parses back to the same value; a
 * prefix is in range; a pool6 reservation succeeds only inside the pool
 * and is released exactly once (the count of used addresses comes back).
 */
#include <arpa/inet.h>
#include <errno.h>

#include "fuzz.h"
#include "lib/addr.h"
#include "lib/addr6.h"
#include "lib/pool6.h"

static struct pool6 *pool;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct cidr6 net;

	fz_quiet();
	if (cidr6_parse("fd00:a:b::/112", &net) || pool6__new(&net, &pool))
		abort();
	return 0;
}

static void check_v4(const char *s)
{
	struct cidr4 c, c2;
	uint32_t a, b;
	char buf[64];

	if (!ipv4_parse(s, &a)) {
		ipv4_format(a, buf, sizeof(buf));
		if (ipv4_parse(buf, &b) || a != b)
			fz_fail("IPv4 %s -> %s does not read back", s, buf);
	}
	if (!cidr4_parse(s, &c)) {
		if (c.prefix > 32)
			fz_fail("IPv4 CIDR %s: prefix %u", s, c.prefix);
		ipv4_format(c.addr, buf, sizeof(buf));
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "/%u", c.prefix);
		if (cidr4_parse(buf, &c2) || c2.addr != c.addr || c2.prefix != c.prefix)
			fz_fail("IPv4 CIDR %s -> %s does not read back", s, buf);
	}
}

static void check_pool6(const uint8_t addr[16])
{
	uint64_t used = pool6__used(pool);
	int err = pool6__reserve(pool, addr);

	if (cidr6_contains(pool6__net(pool), addr) ? err && err != -EADDRNOTAVAIL : !err)
		fz_fail("pool6 reserve %d for an address %s the pool", err,
			cidr6_contains(pool6__net(pool), addr) ? "inside" : "outside");
	if (err)
		return;
	if (pool6__used(pool) != used + 1 || !pool6__in_use(pool, addr))
		fz_fail("pool6: a reservation is not counted");
	if (pool6__reserve(pool, addr) != -EADDRINUSE)
		fz_fail("pool6: the same address reserved twice");
	if (pool6__release(pool, addr) || pool6__used(pool) != used)
		fz_fail("pool6: release does not give the address back");
}

static void check_v6(const char *s)
{
	uint8_t a[16], b[16];
	struct in6_addr ref;
	struct cidr6 c, c2;
	char buf[80];

	if (!ipv6_parse(s, a)) {
		if (inet_pton(AF_INET6, s, &ref) != 1 || memcmp(&ref, a, 16))
			fz_fail("IPv6 %s accepted, not as inet_pton reads it", s);
		ipv6_format(a, buf, sizeof(buf));
		if (ipv6_parse(buf, b) || memcmp(a, b, 16))
			fz_fail("IPv6 %s -> %s does not read back", s, buf);
		if (!ip_is_v6(s))
			fz_fail("IPv6 %s not taken as IPv6", s);
	}
	if (!cidr6_parse(s, &c)) {
		if (c.prefix > 128)
			fz_fail("IPv6 CIDR %s: prefix %u", s, c.prefix);
		cidr6_format(&c, buf, sizeof(buf));
		if (cidr6_parse(buf, &c2) || memcmp(&c, &c2, sizeof(c)))
			fz_fail("IPv6 CIDR %s -> %s does not read back", s, buf);
		check_pool6(c.addr);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fz_str(data, size);

	check_v4(s);
	check_v6(s);
	free(s);
	return 0;
}
