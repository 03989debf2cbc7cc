// SPDX-License-Identifier: GPL-2.0-only
/*
 * Router solicitations answered by the bridge (bpf/lib/ra.h), with crafted
 * frames: a valid RS (from the port's link-local with its MAC as source
 * link-layer option, from :: without one, to all-routers or the gateway)
 * comes back out of its port as a router advertisement, checked byte by
 * byte against one built here from RFC 4861 4.2 / 4.6 (gateway link-local
 * and MAC, router lifetime, the pool on-link with A = 0, the port's MTU,
 * a checksum that verifies). Malformed solicitations (hop limit, code,
 * option of length 0, truncated or too many options, an option from ::,
 * a wrong destination) are dropped nd-invalid, a foreign link-layer
 * option nd-spoof, a forged source ip6-spoofed-src; nothing is answered.
 */
#include <net/if.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "ip6_fixture.h"

#define ND_RS 133
#define ND_RA 134

static const struct a6 all_routers = {{0xff, 0x02, [15] = 2}};
static const struct a6 all_nodes = {{0xff, 0x02, [15] = 1}};

/* An RS from s to d with opts (n bytes) after its 4 reserved bytes. */
static size_t rs_frame(struct fixture *f, uint8_t *b, const struct a6 *s, const struct a6 *d,
		       const uint8_t *opts, size_t n)
{
	uint8_t m[64] = {ND_RS};

	if (n)
		memcpy(m + 8, opts, n);
	return fx6_frame(b, FX_BCAST, f->eps[EP_A].mac, s, d, NH_ICMP6, 255, m, 8 + n);
}

static size_t rs_slla(struct fixture *f, uint8_t *b, const struct a6 *s, const uint8_t *mac)
{
	uint8_t o[8] = {1, 1};

	memcpy(o + 2, mac, 6);
	return rs_frame(f, b, s, &all_routers, o, 8);
}

static uint16_t icmp6_csum(const uint8_t *ip6, size_t len)
{
	uint8_t p[FX_FRAME_MAX] = {0};

	memcpy(p, ip6 + 8, 32);
	fx_put32(p + 32, (uint32_t)len);
	p[39] = NH_ICMP6;
	memcpy(p + 40, ip6 + 40, len);
	return fx_csum(p, 40 + len);
}

static int lo_mtu(int set)
{
	struct ifreq r = {.ifr_name = "lo"};
	int fd = socket(AF_INET, SOCK_DGRAM, 0), err;

	assert_true(fd >= 0);
	r.ifr_mtu = set;
	err = ioctl(fd, set ? SIOCSIFMTU : SIOCGIFMTU, &r);
	close(fd);
	assert_int_equal(err, 0);
	return r.ifr_mtu;
}

/* The RA the bridge must send to A for an RS from s (RFC 4861 4.2, 4.6.1-4.6.4). */
static size_t ra_expected(struct fixture *f, uint8_t *e, const struct a6 *s, uint32_t mtu)
{
	struct a6 gwll = fx6_ll(FX_MAC_GW), net = fx6_addr(0), zero = {};
	const struct a6 *d = memcmp(s, &zero, 16) ? s : &all_nodes;
	uint8_t m[64] = {ND_RA, 0, 0, 0, 0, 0, 9000 >> 8, 9000 & 0xff}, *ip6 = e + 14;
	size_t len;

	/* reachable time, retrans timer 0; source link-layer address */
	m[16] = 1;
	m[17] = 1;
	memcpy(m + 18, FX_MAC_GW, 6);
	m[24] = 3; /* prefix information: /64, L, not A, infinite lifetimes */
	m[25] = 4;
	m[26] = 64;
	m[27] = 0x80;
	memset(m + 28, 0xff, 8);
	memcpy(m + 40, net.b, 16);
	m[56] = 5; /* MTU */
	m[57] = 1;
	fx_put32(m + 60, mtu);
	len = fx6_frame(e, f->eps[EP_A].mac, FX_MAC_GW, &gwll, d, NH_ICMP6, 255, m, 64);
	fx_put16(e + 54 + 2, icmp6_csum(ip6, 64));
	return len;
}

/* The solicitation comes back as exactly the expected RA, out of its port. */
static void expect_ra(struct fixture *f, uint8_t *in, size_t len, const struct a6 *s)
{
	uint64_t replies = fx_stat(f, HYP_STAT_ARP_REPLY), drops = fx_stat(f, HYP_STAT_DROP);
	uint8_t out[FX_FRAME_MAX], want[FX_FRAME_MAX];
	size_t wlen = ra_expected(f, want, s, (uint32_t)lo_mtu(0));
	uint32_t n = 0;

	fx6_stamp(f, EP_A, in, len);
	assert_int_equal(fx_send(f, -1, in, len, out, &n), TC_ACT_REDIRECT);
	assert_int_equal(n, 118);
	assert_int_equal(wlen, 118);
	assert_memory_equal(out, want, wlen);
	assert_int_equal(icmp6_csum(out + 14, 64), 0); /* a valid checksum sums to 0 */
	assert_int_equal(fx_stat(f, HYP_STAT_ARP_REPLY), replies + 1);
	assert_int_equal(fx_stat(f, HYP_STAT_DROP), drops);
}

static void test_rs_answered(void **state)
{
	struct fixture *f = *state;
	struct a6 ll = fx6_ll(f->eps[EP_A].mac), a = fx6_ep(f, EP_A), zero = {},
		  gwll = fx6_ll(FX_MAC_GW);
	uint8_t in[FX_FRAME_MAX];
	size_t len;
	int mtu = lo_mtu(0);

	len = rs_slla(f, in, &ll, f->eps[EP_A].mac); /* as Linux sends it */
	expect_ra(f, in, len, &ll);
	len = rs_frame(f, in, &zero, &all_routers, NULL, 0); /* before any address */
	assert_int_equal(fx6_guard(f, EP_A, in, len), TC_ACT_OK); /* the guard lets it out */
	expect_ra(f, in, len, &zero);
	len = rs_frame(f, in, &a, &gwll, NULL, 0); /* its global address, to the gateway */
	expect_ra(f, in, len, &a);
	/* the MTU option follows the link's */
	lo_mtu(1400);
	len = rs_slla(f, in, &ll, f->eps[EP_A].mac);
	expect_ra(f, in, len, &ll);
	lo_mtu(mtu);
}

static void expect_rs_drop(struct fixture *f, uint8_t *in, size_t len, uint32_t why)
{
	uint64_t replies = fx_stat(f, HYP_STAT_ARP_REPLY);

	fx6_stamp(f, EP_A, in, len);
	fx_expect_drop(f, -1, in, len, why);
	assert_int_equal(fx_stat(f, HYP_STAT_ARP_REPLY), replies);
}

static void test_rs_malformed(void **state)
{
	static const uint8_t other[6] = {0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee};
	struct fixture *f = *state;
	struct a6 ll = fx6_ll(f->eps[EP_A].mac), zero = {}, b = fx6_ep(f, EP_B);
	uint8_t in[FX_FRAME_MAX], o[48] = {0};
	size_t len;

	len = rs_slla(f, in, &ll, f->eps[EP_A].mac);
	in[14 + 7] = 64; /* routed from elsewhere */
	expect_rs_drop(f, in, len, HYP_DROP_ND_INVALID);
	len = rs_slla(f, in, &ll, f->eps[EP_A].mac);
	in[14 + 41] = 1; /* code */
	expect_rs_drop(f, in, len, HYP_DROP_ND_INVALID);
	o[0] = 1; /* an option of length 0 */
	len = rs_frame(f, in, &ll, &all_routers, o, 8);
	expect_rs_drop(f, in, len, HYP_DROP_ND_INVALID);
	o[0] = 14; /* unknown, longer than the message */
	o[1] = 2;
	len = rs_frame(f, in, &ll, &all_routers, o, 8);
	expect_rs_drop(f, in, len, HYP_DROP_ND_INVALID);
	for (int i = 0; i < 5; i++) { /* five options: more than the bridge walks */
		o[i * 8] = 14;
		o[i * 8 + 1] = 1;
	}
	len = rs_frame(f, in, &ll, &all_routers, o, 40);
	expect_rs_drop(f, in, len, HYP_DROP_ND_INVALID);
	len = rs_frame(f, in, &ll, &all_routers, o, 32); /* four unknown ones: ignored */
	expect_ra(f, in, len, &ll);
	len = rs_slla(f, in, &zero, f->eps[EP_A].mac); /* :: with a link-layer option */
	expect_rs_drop(f, in, len, HYP_DROP_ND_INVALID);
	len = rs_frame(f, in, &ll, &b, NULL, 0); /* to a neighbour */
	expect_rs_drop(f, in, len, HYP_DROP_ND_INVALID);
	len = rs_slla(f, in, &ll, other); /* another MAC as its link-layer address */
	expect_rs_drop(f, in, len, HYP_DROP_ND_SPOOF);
}

/* A forged source: the guard stops it, and past the guard the bridge does. */
static void test_rs_forged_source(void **state)
{
	struct fixture *f = *state;
	struct a6 llb = fx6_ll(f->eps[EP_B].mac), b = fx6_ep(f, EP_B);
	uint8_t in[FX_FRAME_MAX];
	size_t len;

	len = rs_frame(f, in, &llb, &all_routers, NULL, 0);
	assert_int_equal(fx6_guard(f, EP_A, in, len), TC_ACT_SHOT);
	f->guard_on = false;
	fx6_bind(f, EP_A);
	fx_expect_drop(f, -1, in, len, HYP_DROP_IP6_SPOOFED_SRC);
	len = rs_frame(f, in, &b, &all_routers, NULL, 0);
	fx_expect_drop(f, -1, in, len, HYP_DROP_IP6_SPOOFED_SRC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    FX6_TEST(test_rs_answered),
	    FX6_TEST(test_rs_malformed),
	    FX6_TEST(test_rs_forged_source),
	};

	return fx6_main("bpf_ra", tests, sizeof(tests) / sizeof(tests[0]));
}
