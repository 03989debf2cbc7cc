// SPDX-License-Identifier: GPL-2.0-only
/*
 * The IPv6 datapath (bpf/lib/ingress6.h, guard6.h), run with crafted
 * frames: the guard and the bridge's source validation (global and
 * link-local binding), the stamp over IPv6, the extension-header walk,
 * destinations, forwarding, conntrack with the shared quota, policy by
 * identity and by IPv6 ipBlock, related ICMPv6 errors. Each attack next to
 * its allowed twin. Frames are stamped by the guard program itself.
 */
#include "ip6_fixture.h"
#include "ct_helpers.h"

/* A's UDP to B: stamped by A's guard, forwarded to B, B's MAC over the stamp;
 * counted as received on the port once, as an IPv4 frame is (status "rx"). */
static void test6_udp_forwarded(void **state)
{
	struct fixture *f = *state;
	struct a6 b = fx6_ep(f, EP_B);
	uint8_t in[FX_FRAME_MAX];
	size_t len = fx6_udp(f, in, EP_A, &b, 5353, 53);
	uint64_t rx = fx_stat(f, HYP_STAT_RX);

	fx6_stamp(f, EP_A, in, len);
	fx_expect_to(f, EP_A, in, len, EP_B);
	assert_int_equal(fx_stat(f, HYP_STAT_RX), rx + 1);
}

/* The guard lets out A's global and link-local sources, nothing else. */
static void test6_guard_source(void **state)
{
	struct fixture *f = *state;
	struct a6 b = fx6_ep(f, EP_B), c = fx6_ep(f, EP_C), ll = fx6_ll(f->eps[EP_A].mac);
	struct a6 ll_c = fx6_ll(f->eps[EP_C].mac);
	uint8_t in[FX_FRAME_MAX];
	size_t len = fx6_udp(f, in, EP_A, &b, 5353, 53);
	uint64_t n = fx6_guard_drops(f, EP_A, HYP_DROP_IP6_SPOOFED_SRC);

	assert_int_equal(fx6_guard(f, EP_A, in, len), TC_ACT_OK);
	memcpy(in + 22, ll.b, 16);
	assert_int_equal(fx6_guard(f, EP_A, in, len), TC_ACT_OK);
	memcpy(in + 22, c.b, 16);
	assert_int_equal(fx6_guard(f, EP_A, in, len), TC_ACT_SHOT);
	memcpy(in + 22, ll_c.b, 16);
	assert_int_equal(fx6_guard(f, EP_A, in, len), TC_ACT_SHOT);
	assert_int_equal(fx6_guard_drops(f, EP_A, HYP_DROP_IP6_SPOOFED_SRC), n + 2);
	/* no IPv6 binding for the SNIC: no IPv6 leaves */
	len = fx6_udp(f, in, EP_A, &b, 5353, 53);
	fx6_guard_bind(f, EP_A);
	{
		struct hyp_guard_key gk = {.netns_cookie = f->cookie, .ifindex = FX_PORT};
		uint8_t out[FX_FRAME_MAX];

		assert_int_equal(
		    bpf_map_delete_elem(bpf_map__fd(f->guard->maps.hyp_guards6), &gk), 0);
		assert_int_equal(fx_run_prog(fx_guard_fd(f), in, len, out, sizeof(out), NULL),
				 TC_ACT_SHOT);
		assert_int_equal(fx6_guard_drops(f, EP_A, HYP_DROP_IP6_NO_BINDING), 1);
	}
}

/* The bridge alone (no guard on the port): the same source rule. */
static void test6_bridge_source(void **state)
{
	struct fixture *f = *state;
	struct a6 b = fx6_ep(f, EP_B), c = fx6_ep(f, EP_C), ll = fx6_ll(f->eps[EP_A].mac);
	struct a6 ll_c = fx6_ll(f->eps[EP_C].mac), zero = {};
	uint8_t in[FX_FRAME_MAX];
	size_t len = fx6_udp(f, in, EP_A, &b, 5353, 53);

	f->guard_on = false;
	fx6_bind(f, EP_A);
	memcpy(in, f->eps[EP_B].mac, 6);
	fx_expect_to(f, EP_A, in, len, EP_B);
	memcpy(in + 22, ll.b, 16); /* its own link-local: past the source check, */
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_IP6_LINKLOCAL); /* but not off its link */
	memcpy(in + 22, c.b, 16);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_IP6_SPOOFED_SRC);
	memcpy(in + 22, ll_c.b, 16);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_IP6_SPOOFED_SRC);
	memcpy(in + 22, b.b, 16);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_IP6_SPOOFED_SRC);
	memcpy(in + 22, zero.b, 16); /* :: only for a DAD solicitation */
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_IP6_SPOOFED_SRC);
	memcpy(in + 22, ll.b, 16);
	memcpy(in + 6, f->eps[EP_C].mac, 6);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_SPOOFED_SRC_MAC);
}

/* A frame past the guard cannot be changed, and one without it is told apart. */
static void test6_stamp(void **state)
{
	struct fixture *f = *state;
	struct a6 b = fx6_ep(f, EP_B), c = fx6_ep(f, EP_C);
	uint8_t in[FX_FRAME_MAX], s[FX_FRAME_MAX];
	size_t len = fx6_udp(f, in, EP_A, &b, 5353, 53);

	memcpy(in, f->eps[EP_B].mac, 6);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_STAMP_MISSING);
	memcpy(s, in, len);
	fx6_stamp(f, EP_A, s, len);
	fx_expect_to(f, EP_A, s, len, EP_B);
	s[5] ^= 1; /* forged */
	fx_expect_drop(f, EP_A, s, len, HYP_DROP_STAMP_BAD);
	s[5] ^= 1;
	memcpy(s + 38, c.b, 16); /* another destination under the same stamp */
	fx_expect_drop(f, EP_A, s, len, HYP_DROP_STAMP_BAD);
	memcpy(s + 38, b.b, 16);
	s[14 + 40 + 2] ^= 0x40; /* another port */
	fx_expect_drop(f, EP_A, s, len, HYP_DROP_STAMP_BAD);
}

/* Extension headers: options walked, routing and fragments dropped, a bound. */
static size_t ext_frame(struct fixture *f, uint8_t *b, const uint8_t *nhs, size_t n, uint8_t len8)
{
	struct a6 s = fx6_ep(f, EP_A), d = fx6_ep(f, EP_B);
	uint8_t pl[1024] = {}, *p = pl;

	for (size_t i = 0; i < n; i++) {
		p[0] = i + 1 < n ? nhs[i + 1] : NH_UDP;
		p[1] = len8;
		if (nhs[i] == NH_ROUTE)
			p[2] = 0, p[3] = 1; /* type 0, one segment left */
		if (nhs[i] == NH_FRAG)
			p[1] = 0, p[3] = 1; /* offset 0, more fragments */
		p += nhs[i] == NH_FRAG ? 8 : (len8 + 1) * 8;
	}
	p += fx_l4_udp(p, 5353, 53, "ext!", 4);
	return fx6_frame(b, f->eps[EP_B].mac, f->eps[EP_A].mac, &s, &d, nhs[0], 64, pl,
			 (size_t)(p - pl));
}

static void test6_exthdr(void **state)
{
	static const uint8_t hop[] = {NH_HOP}, dst[] = {NH_HOP, NH_DSTOPT}, rt[] = {NH_ROUTE},
			     fr[] = {NH_DSTOPT, NH_FRAG}, many[] = {NH_DSTOPT, NH_DSTOPT, NH_DSTOPT,
								   NH_DSTOPT, NH_DSTOPT},
			     hop2[] = {NH_DSTOPT, NH_HOP}, ah[] = {NH_AH};
	struct fixture *f = *state;
	uint8_t in[FX_FRAME_MAX];
	size_t len;

	f->guard_on = false;
	fx6_bind(f, EP_A);
	len = ext_frame(f, in, hop, 1, 0);
	fx_expect_to(f, EP_A, in, len, EP_B);
	len = ext_frame(f, in, dst, 2, 1);
	fx_expect_to(f, EP_A, in, len, EP_B);
	len = ext_frame(f, in, rt, 1, 2);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_IP6_ROUTING_HDR);
	len = ext_frame(f, in, fr, 2, 0);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_IP6_FRAGMENT);
	len = ext_frame(f, in, many, 4, 0); /* four: the most walked */
	fx_expect_to(f, EP_A, in, len, EP_B);
	len = ext_frame(f, in, many, 5, 0);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_IP6_EXTHDR);
	len = ext_frame(f, in, hop2, 2, 0);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_IP6_EXTHDR);
	len = ext_frame(f, in, ah, 1, 0);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_IP6_EXTHDR);
	len = ext_frame(f, in, dst, 2, 20); /* 2 x 168 bytes: past the 256-byte bound */
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_IP6_EXTHDR);
	/* the payload length past the frame */
	len = ext_frame(f, in, hop, 1, 0);
	in[18] = 0x7f;
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_MALFORMED);
}

static void test6_destinations(void **state)
{
	struct fixture *f = *state;
	struct a6 gw = fx6_addr(FX_GW), x = fx6_addr(IP_X), a = fx6_ep(f, EP_A),
		  mc = {{0xff, 0x02, [15] = 1}}, ll = fx6_ll(f->eps[EP_B].mac),
		  out = {{0x20, 0x01, 0x0d, 0xb8, [15] = 1}};
	const struct a6 *to[] = {&gw, &x, &a, &mc, &ll, &out};
	const uint32_t why[] = {HYP_DROP_TO_GATEWAY,   HYP_DROP_UNKNOWN_DST, HYP_DROP_HAIRPIN,
				HYP_DROP_IP6_MCAST,    HYP_DROP_IP6_LINKLOCAL,
				HYP_DROP_IP6_OUTSIDE};
	uint8_t in[FX_FRAME_MAX];

	for (size_t i = 0; i < sizeof(why) / sizeof(why[0]); i++) {
		size_t len = fx6_udp(f, in, EP_A, to[i], 5353, 53);

		fx6_stamp(f, EP_A, in, len);
		fx_expect_drop(f, EP_A, in, len, why[i]);
	}
}

/* No IPv6 binding on the port, or no IPv6 pool on the bridge: nothing IPv6 passes. */
static void test6_no_binding(void **state)
{
	struct fixture *f = *state;
	struct a6 b = fx6_ep(f, EP_B);
	uint8_t in[FX_FRAME_MAX];
	size_t len = fx6_udp(f, in, EP_A, &b, 5353, 53);
	uint32_t port = FX_PORT;

	fx6_stamp(f, EP_A, in, len);
	fx6_config(f, 0);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_IP6_NO_BINDING);
	fx6_config(f, 64);
	fx_expect_to(f, EP_A, in, len, EP_B);
	assert_int_equal(bpf_map_delete_elem(FX_FD(f, hyp_ports6), &port), 0);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_IP6_NO_BINDING);
}

/* An IPv6-only SNIC (IPv4 0 in its binding) sends no IPv4 from 0.0.0.0. */
static void test6_ipv6_only_no_ipv4(void **state)
{
	struct fixture *f = *state;
	uint8_t in[FX_FRAME_MAX];
	size_t len;

	f->guard_on = false;
	f->eps[EP_A].ip = 0;
	fx_bind(f, EP_A);
	f->eps[EP_A].ip = IP_A;
	len = fx_udp(f, in, EP_A, IP_B, 5353, 53, "q");
	fx_put32(in + 26, 0);
	fx_expect_drop(f, -1, in, len, HYP_DROP_SPOOFED_SRC_IP);
}

/* An IPv6-only SNIC (IPv4 0) through its guard and, without a guard, the
 * bridge: IPv4 from 0.0.0.0 and from another address, an ARP probe (sender
 * 0.0.0.0) and an ARP request all dropped and counted; its IPv6 still leaves. */
static void test6_ipv6_only_guard_arp(void **state)
{
	struct fixture *f = *state;
	struct a6 b = fx6_ep(f, EP_B);
	uint8_t in[FX_FRAME_MAX], out[FX_FRAME_MAX];
	const uint8_t *mac = f->eps[EP_A].mac;
	uint64_t spoof, arp;
	size_t len;

	f->eps[EP_A].ip = 0;
	fx6_guard_bind(f, EP_A);
	len = fx6_udp(f, in, EP_A, &b, 5353, 53);
	assert_int_equal(fx_run_prog(fx_guard_fd(f), in, len, out, sizeof(out), NULL), TC_ACT_OK);
	spoof = fx6_guard_drops(f, EP_A, HYP_DROP_SPOOFED_SRC_IP);
	arp = fx6_guard_drops(f, EP_A, HYP_DROP_ARP_SPOOF);
	for (int i = 0; i < 2; i++) {
		len = fx_udp(f, in, EP_A, IP_B, 68, 67, "q");
		fx_put32(in + 26, i ? IP_C : 0);
		assert_int_equal(fx_run_prog(fx_guard_fd(f), in, len, out, sizeof(out), NULL),
				 TC_ACT_SHOT);
		len = fx_arp(in, mac, 1, mac, i ? IP_A : 0, IP_B);
		assert_int_equal(fx_run_prog(fx_guard_fd(f), in, len, out, sizeof(out), NULL),
				 TC_ACT_SHOT);
	}
	assert_int_equal(fx6_guard_drops(f, EP_A, HYP_DROP_SPOOFED_SRC_IP), spoof + 2);
	assert_int_equal(fx6_guard_drops(f, EP_A, HYP_DROP_ARP_SPOOF), arp + 2);
	/* the bridge alone: the same ARP, probe and request */
	f->guard_on = false;
	fx_bind(f, EP_A);
	len = fx_arp(in, mac, 1, mac, 0, IP_B);
	fx_expect_drop(f, -1, in, len, HYP_DROP_ARP_SPOOF);
	len = fx_arp(in, mac, 1, mac, IP_A, IP_B);
	fx_expect_drop(f, -1, in, len, HYP_DROP_ARP_SPOOF);
	f->eps[EP_A].ip = IP_A;
}

#include "test_bpf_ip6_flows.h"

int main(void)
{
	const struct CMUnitTest tests[] = {
	    FX6_TEST(test6_udp_forwarded),    FX6_TEST(test6_guard_source),
	    FX6_TEST(test6_bridge_source),    FX6_TEST(test6_stamp),
	    FX6_TEST(test6_exthdr),	      FX6_TEST(test6_destinations),
	    FX6_TEST(test6_no_binding),	      FX6_TEST(test6_ipv6_only_no_ipv4),
	    FX6_TEST(test6_ipv6_only_guard_arp),
	    FX6_TEST(test6_tcp_conntrack),    FX6_TEST(test6_echo_conntrack),
	    FX6_TEST(test6_ct_refresh),
	    FX6_TEST(test6_quota_shared),     FX6_TEST(test6_policy_identity),
	    FX6_TEST(test6_policy_ipblock),   FX6_TEST(test6_icmp_errors),
	    FX6_TEST(test6_policy_ipblock_compiled), FX6_TEST(test6_ct_collect),
	    FX6_TEST(test6_full_table_early_drop),
	};

	return fx6_main("bpf_ip6", tests, sizeof(tests) / sizeof(tests[0]));
}
