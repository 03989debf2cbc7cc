// SPDX-License-Identifier: GPL-2.0-only
/*
 * Neighbour discovery in the bridge (bpf/lib/nd.h), with crafted frames:
 * a solicitation for the gateway or an endpoint is answered with a valid
 * advertisement carrying the right MAC, back out of the asking port;
 * DAD for the port's own address is absorbed (never answered: DAD works,
 * and no neighbour can deny it); a container's NA (spoofing a neighbour
 * or the gateway), RA, redirect and MLD go nowhere, each with its
 * reason (an RS is answered: test_bpf_ra.c); solicitations with a forged source, link-layer option or hop
 * limit are dropped. RFC 4861 formats.
 */
#include "ip6_fixture.h"

#define ND_NS 135
#define ND_NA 136

/* An ND message of endpoint src (source s) to d; body: after type/code/csum. */
static size_t nd_frame(struct fixture *f, uint8_t *b, int src, const struct a6 *s,
		       const struct a6 *d, uint8_t type, const uint8_t *body, size_t n,
		       uint8_t hlim)
{
	uint8_t m[128] = {type};

	memcpy(m + 4, body, n);
	return fx6_frame(b, FX_BCAST, f->eps[src].mac, s, d, NH_ICMP6, hlim, m, 4 + n);
}

/* A solicitation for target, from s, with a source link-layer option of mac (NULL: none). */
static size_t ns_frame(struct fixture *f, uint8_t *b, const struct a6 *s, const struct a6 *t,
		       const uint8_t *mac)
{
	struct a6 snm = {{0xff, 0x02, [11] = 1, [12] = 0xff, [13] = t->b[13], [14] = t->b[14],
			  [15] = t->b[15]}};
	uint8_t body[28] = {0};

	memcpy(body + 4, t->b, 16);
	if (mac) {
		body[20] = 1;
		body[21] = 1;
		memcpy(body + 22, mac, 6);
	}
	return nd_frame(f, b, EP_A, s, &snm, ND_NS, body, mac ? 28 : 20, 255);
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

/* The solicitation comes back as an advertisement for target with mac. */
static void expect_na(struct fixture *f, uint8_t *in, size_t len, const struct a6 *t,
		      const uint8_t *mac, bool router)
{
	struct a6 a = fx6_ep(f, EP_A);
	uint64_t replies = fx_stat(f, HYP_STAT_ARP_REPLY), drops = fx_stat(f, HYP_STAT_DROP);
	uint8_t out[FX_FRAME_MAX], *ip6 = out + 14, *na = out + 54;
	uint32_t n = 0;

	fx6_stamp(f, EP_A, in, len);
	assert_int_equal(fx_send(f, -1, in, len, out, &n), TC_ACT_REDIRECT);
	assert_int_equal(n, 86);
	assert_memory_equal(out, f->eps[EP_A].mac, 6);
	assert_memory_equal(out + 6, mac, 6);
	assert_int_equal(ip6[0] >> 4, 6);
	assert_int_equal(ip6[4] << 8 | ip6[5], 32);
	assert_int_equal(ip6[6], NH_ICMP6);
	assert_int_equal(ip6[7], 255);
	assert_memory_equal(ip6 + 8, t->b, 16);
	assert_memory_equal(ip6 + 24, a.b, 16);
	assert_int_equal(na[0], ND_NA);
	assert_int_equal(na[1], 0);
	assert_int_equal(na[4], router ? 0xe0 : 0x60); /* R, S, O */
	assert_memory_equal(na + 8, t->b, 16);
	assert_int_equal(na[24], 2); /* target link-layer address */
	assert_int_equal(na[25], 1);
	assert_memory_equal(na + 26, mac, 6);
	assert_int_equal(icmp6_csum(ip6, 32), 0); /* a valid checksum sums to 0 */
	assert_int_equal(fx_stat(f, HYP_STAT_ARP_REPLY), replies + 1);
	assert_int_equal(fx_stat(f, HYP_STAT_DROP), drops);
}

static void test_nd_ns_gateway_answered(void **state)
{
	struct fixture *f = *state;
	struct a6 a = fx6_ep(f, EP_A), gw = fx6_addr(FX_GW), gwll = fx6_ll(FX_MAC_GW),
		  ll = fx6_ll(f->eps[EP_A].mac);
	uint8_t in[FX_FRAME_MAX];
	size_t len;

	len = ns_frame(f, in, &a, &gw, f->eps[EP_A].mac);
	expect_na(f, in, len, &gw, FX_MAC_GW, true);
	len = ns_frame(f, in, &a, &gwll, NULL); /* its link-local, no option */
	expect_na(f, in, len, &gwll, FX_MAC_GW, true);
	(void)ll;
}

static void test_nd_ns_endpoint_answered(void **state)
{
	struct fixture *f = *state;
	struct a6 a = fx6_ep(f, EP_A), b = fx6_ep(f, EP_B), c = fx6_ep(f, EP_C);
	uint8_t in[FX_FRAME_MAX];
	size_t len;

	len = ns_frame(f, in, &a, &b, f->eps[EP_A].mac);
	expect_na(f, in, len, &b, f->eps[EP_B].mac, false);
	len = ns_frame(f, in, &a, &c, f->eps[EP_A].mac);
	expect_na(f, in, len, &c, f->eps[EP_C].mac, false);
}

static void test_nd_ns_refused(void **state)
{
	static const uint8_t other[6] = {0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee};
	struct fixture *f = *state;
	struct a6 a = fx6_ep(f, EP_A), b = fx6_ep(f, EP_B), c = fx6_ep(f, EP_C),
		  x = fx6_addr(IP_X), lla = fx6_ll(f->eps[EP_A].mac);
	uint8_t in[FX_FRAME_MAX];
	size_t len;

	len = ns_frame(f, in, &a, &x, NULL); /* nobody's */
	fx6_stamp(f, EP_A, in, len);
	fx_expect_drop(f, -1, in, len, HYP_DROP_ND_UNKNOWN_TARGET);
	len = ns_frame(f, in, &a, &a, NULL); /* its own, not DAD */
	fx6_stamp(f, EP_A, in, len);
	fx_expect_drop(f, -1, in, len, HYP_DROP_ND_UNKNOWN_TARGET);
	len = ns_frame(f, in, &a, &lla, NULL);
	fx6_stamp(f, EP_A, in, len);
	fx_expect_drop(f, -1, in, len, HYP_DROP_ND_UNKNOWN_TARGET);
	len = ns_frame(f, in, &a, &b, other); /* a link-layer option not its own */
	fx6_stamp(f, EP_A, in, len);
	fx_expect_drop(f, -1, in, len, HYP_DROP_ND_SPOOF);
	/* from C's address: the bridge's source check (the guard would stop it first) */
	f->guard_on = false;
	fx6_bind(f, EP_A);
	len = ns_frame(f, in, &c, &b, NULL);
	fx_expect_drop(f, -1, in, len, HYP_DROP_IP6_SPOOFED_SRC);
	len = ns_frame(f, in, &a, &b, NULL);
	in[14 + 7] = 64; /* routed from elsewhere */
	fx_expect_drop(f, -1, in, len, HYP_DROP_ND_INVALID);
	in[14 + 7] = 255;
	in[14 + 41] = 1; /* code */
	fx_expect_drop(f, -1, in, len, HYP_DROP_ND_INVALID);
}

/* DAD: its own tentative address is never answered; another's is a spoof. */
static void test_nd_dad(void **state)
{
	struct fixture *f = *state;
	struct a6 zero = {}, a = fx6_ep(f, EP_A), b = fx6_ep(f, EP_B),
		  gw = fx6_addr(FX_GW), lla = fx6_ll(f->eps[EP_A].mac);
	uint64_t replies = fx_stat(f, HYP_STAT_ARP_REPLY);
	uint8_t in[FX_FRAME_MAX];
	size_t len;

	len = ns_frame(f, in, &zero, &a, NULL);
	assert_int_equal(fx6_guard(f, EP_A, in, len), TC_ACT_OK); /* the guard lets DAD out */
	fx_expect_drop(f, -1, in, len, HYP_DROP_ND_DAD);
	len = ns_frame(f, in, &zero, &lla, NULL);
	fx6_stamp(f, EP_A, in, len);
	fx_expect_drop(f, -1, in, len, HYP_DROP_ND_DAD);
	len = ns_frame(f, in, &zero, &b, NULL); /* B's address: no answer, no claim */
	fx6_stamp(f, EP_A, in, len);
	fx_expect_drop(f, -1, in, len, HYP_DROP_ND_SPOOF);
	len = ns_frame(f, in, &zero, &gw, NULL);
	fx6_stamp(f, EP_A, in, len);
	fx_expect_drop(f, -1, in, len, HYP_DROP_ND_SPOOF);
	assert_int_equal(fx_stat(f, HYP_STAT_ARP_REPLY), replies);
	/* only a solicitation may come from :: */
	len = fx6_udp(f, in, EP_A, &b, 1, 2);
	memset(in + 22, 0, 16);
	assert_int_equal(fx6_guard(f, EP_A, in, len), TC_ACT_SHOT);
}

/* A container's NA (spoofing B or the gateway), RA, redirect, MLD: dropped. */
static void test_nd_container_messages_dropped(void **state)
{
	struct fixture *f = *state;
	struct a6 a = fx6_ep(f, EP_A), b = fx6_ep(f, EP_B), gw = fx6_addr(FX_GW),
		  lla = fx6_ll(f->eps[EP_A].mac), all = {{0xff, 0x02, [15] = 1}},
		  mld = {{0xff, 0x02, [15] = 0x16}};
	uint8_t na[28] = {0x20}, ra[12] = {64}, rd[36] = {0}, in[FX_FRAME_MAX];
	const struct {
		const struct a6 *s, *d, *t;
		uint8_t type;
		uint32_t why;
	} m[] = {
	    {&a, &all, &b, ND_NA, HYP_DROP_ND_NA},  /* unsolicited, B's address */
	    {&a, &all, &gw, ND_NA, HYP_DROP_ND_NA}, /* the gateway's */
	    {&lla, &all, NULL, 134, HYP_DROP_ND_RA},
	    {&lla, &b, NULL, 137, HYP_DROP_ND_REDIRECT},
	    {&lla, &mld, NULL, 143, HYP_DROP_MLD},
	    {&lla, &all, NULL, 130, HYP_DROP_MLD},
	};
	size_t len;

	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		const uint8_t *body = m[i].type == ND_NA ? na : m[i].type == 137 ? rd : ra;
		size_t n = m[i].type == ND_NA ? 28 : m[i].type == 137 ? 36 : 12;

		if (m[i].t)
			memcpy(na + 4, m[i].t->b, 16);
		memcpy(na + 20, (uint8_t[]){2, 1}, 2);
		memcpy(na + 22, f->eps[EP_A].mac, 6);
		len = nd_frame(f, in, EP_A, m[i].s, m[i].d, m[i].type, body, n, 255);
		fx6_stamp(f, EP_A, in, len);
		fx_expect_drop(f, -1, in, len, m[i].why);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    FX6_TEST(test_nd_ns_gateway_answered),
	    FX6_TEST(test_nd_ns_endpoint_answered),
	    FX6_TEST(test_nd_ns_refused),
	    FX6_TEST(test_nd_dad),
	    FX6_TEST(test_nd_container_messages_dropped),
	};

	return fx6_main("bpf_nd", tests, sizeof(tests) / sizeof(tests[0]));
}
