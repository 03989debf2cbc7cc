// SPDX-License-Identifier: GPL-2.0-only
/*
 * IPv6 BIG TCP frames (hyperiond --big-tcp) through the guard and the
 * bridge port: a GSO TCP frame over 64 KiB carries IPv6 payload length 0
 * with TCP right after the fixed header, and the receiver's stack
 * (ipv6_payload_len) takes the frame's length for it. Before this was
 * handled, the guard dropped every such frame as malformed and an IPv6
 * stream between two SNICs of a --big-tcp instance stalled (the bench's
 * hyperion-ipv6-bigtcp row: bench/results/session7/ipv6-bigtcp.md).
 * Linux 6.18 sends them with the RFC 2675 jumbo payload option in a
 * hop-by-hop header (ip6_xmit); kernels after it send TCP right after the
 * fixed header; both are taken. Length 0 anywhere else stays a bad length:
 * not GSO, not TCP, another option, a jumbo length that is not the frame's.
 * Policy and the stamp decide on such frames as on any.
 *
 * BPF_PROG_TEST_RUN cannot build a 64 KiB frame; a small frame with the
 * GSO segment size set in the context is the same case for the programs
 * (they read skb->gso_size and skb->len, never a 64 KiB boundary), as in
 * test_bpf_bigtcp.c for IPv4.
 */
#include "ip6_fixture.h"

static const char *const db_from_web_80 = "apiVersion: networking.k8s.io/v1\n"
					  "kind: NetworkPolicy\n"
					  "metadata: {name: db-in}\n"
					  "spec:\n"
					  "  podSelector: {matchLabels: {app: db}}\n"
					  "  ingress:\n"
					  "  - from: [{podSelector: {matchLabels: {app: web}}}]\n"
					  "    ports: [{protocol: TCP, port: 80}]\n";

enum { NORMAL, BARE, JUMBO };

/* An IPv6 frame of src to dst carrying l4 (next header nh): NORMAL, or
 * BIG with payload length 0, TCP right after the fixed header (BARE) or
 * behind the 8-byte hop-by-hop header of a jumbo payload option saying the
 * frame's payload length (JUMBO, as Linux's ip6_xmit makes it); not stamped. */
static size_t frame6(struct fixture *f, uint8_t *b, int src, int dst, uint8_t nh, const uint8_t *l4,
		     size_t n, int big)
{
	struct a6 s = fx6_ep(f, src), d = fx6_ep(f, dst);
	uint8_t pl[512] = {nh, 0, 0xc2, 4};
	size_t len;

	assert_true(n + 8 <= sizeof(pl));
	if (big == JUMBO) {
		fx_put32(pl + 4, (uint32_t)(n + 8));
		memcpy(pl + 8, l4, n);
		len = fx6_frame(b, f->eps[dst].mac, f->eps[src].mac, &s, &d, NH_HOP, 64, pl, n + 8);
	} else {
		len = fx6_frame(b, f->eps[dst].mac, f->eps[src].mac, &s, &d, nh, 64, l4, n);
	}
	if (big)
		fx_put16(b + 14 + 4, 0);
	return len;
}

static size_t tcp6(struct fixture *f, uint8_t *b, int src, int dst, uint16_t sp, uint16_t dp,
		   uint8_t flags, uint32_t seq, uint32_t ack, const char *data, int big)
{
	uint8_t t[256];
	size_t n = fx_l4_tcp(t, sp, dp, flags, seq, ack, data, data ? strlen(data) : 0);

	return frame6(f, b, src, dst, NH_TCP, t, n, big);
}

/* A guard-stamped frame, bound as src. */
static void stamped(struct fixture *f, int src, uint8_t *b, size_t len)
{
	fx6_bind(f, src);
	fx6_stamp(f, src, b, len);
}

/* A flow a -> b port 80 opened with normal frames, then BIG data segments
 * both ways: the guard stamps them, the bridge forwards them, conntrack
 * keeps the flow; c (app=api, not allowed to b) is dropped by policy,
 * BIG or not. */
static void test6_bigtcp_flow(void **state)
{
	struct fixture *f = *state;
	uint8_t in[FX_FRAME_MAX];
	size_t len;

	fx_gso_size = 0;
	fx_policy(f, db_from_web_80);
	len = tcp6(f, in, EP_A, EP_B, 40000, 80, TCP_SYN, 1000, 0, NULL, NORMAL);
	stamped(f, EP_A, in, len);
	fx_expect_to(f, EP_A, in, len, EP_B);
	len = tcp6(f, in, EP_B, EP_A, 80, 40000, TCP_SYN | TCP_ACK, 5000, 1001, NULL, NORMAL);
	stamped(f, EP_B, in, len);
	fx_expect_to(f, EP_B, in, len, EP_A);
	len = tcp6(f, in, EP_A, EP_B, 40000, 80, TCP_ACK, 1001, 5001, NULL, NORMAL);
	stamped(f, EP_A, in, len);
	fx_expect_to(f, EP_A, in, len, EP_B);

	fx_gso_size = 1400;
	len = tcp6(f, in, EP_A, EP_B, 40000, 80, TCP_ACK | TCP_PSH, 1001, 5001,
		   "GET / HTTP/1.1\r\n\r\n", JUMBO);
	stamped(f, EP_A, in, len);
	fx_expect_to(f, EP_A, in, len, EP_B);
	len = tcp6(f, in, EP_B, EP_A, 80, 40000, TCP_ACK | TCP_PSH, 5001, 1019,
		   "HTTP/1.1 200 OK\r\n\r\n", BARE);
	stamped(f, EP_B, in, len);
	fx_expect_to(f, EP_B, in, len, EP_A);

	len = tcp6(f, in, EP_C, EP_B, 40001, 80, TCP_SYN, 1, 0, NULL, JUMBO);
	stamped(f, EP_C, in, len);
	fx_expect_drop(f, EP_C, in, len, HYP_DROP_POLICY_INGRESS);
	fx_gso_size = 0;
}

/* The stamp covers the payload length as sent: a frame stamped with its
 * length, then set to 0, is refused; stamped at 0, it passes. */
static void test6_bigtcp_stamp(void **state)
{
	struct fixture *f = *state;
	uint8_t in[FX_FRAME_MAX];
	size_t len;

	fx_gso_size = 1400;
	len = tcp6(f, in, EP_A, EP_B, 40002, 80, TCP_SYN, 1, 0, NULL, NORMAL);
	stamped(f, EP_A, in, len);
	fx_put16(in + 14 + 4, 0);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_STAMP_BAD);
	stamped(f, EP_A, in, len);
	fx_expect_to(f, EP_A, in, len, EP_B);
	fx_gso_size = 0;
}

/* Runs the guard and, bypassing it, the bridge on a frame the receiver
 * would not take at the frame's length: both drop it as malformed. */
static void expect_malformed(struct fixture *f, uint8_t *in, size_t len)
{
	uint64_t g = fx6_guard_drops(f, EP_A, HYP_DROP_MALFORMED);

	assert_int_equal(fx6_guard(f, EP_A, in, len), TC_ACT_SHOT);
	assert_int_equal(fx6_guard_drops(f, EP_A, HYP_DROP_MALFORMED), g + 1);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_MALFORMED);
}

/* Length 0 where the receiver would not take the frame's length: not a
 * GSO frame, a GSO UDP frame (bare or behind a jumbo option), a hop-by-hop
 * header with another option, a jumbo option with another length. Each
 * twin with its real length passes. */
static void test6_zero_len_not_bigtcp(void **state)
{
	struct fixture *f = *state;
	uint8_t in[FX_FRAME_MAX], t[64], hop[8 + 64];
	size_t len, n;

	fx_gso_size = 0;
	len = tcp6(f, in, EP_A, EP_B, 40003, 80, TCP_SYN, 1, 0, NULL, BARE);
	expect_malformed(f, in, len);
	len = tcp6(f, in, EP_A, EP_B, 40003, 80, TCP_SYN, 1, 0, NULL, JUMBO);
	expect_malformed(f, in, len);
	len = tcp6(f, in, EP_A, EP_B, 40003, 80, TCP_SYN, 1, 0, NULL, NORMAL);
	stamped(f, EP_A, in, len);
	fx_expect_to(f, EP_A, in, len, EP_B);

	fx_gso_size = 1400;
	n = fx_l4_udp(t, 40004, 80, "udp payload", 11);
	len = frame6(f, in, EP_A, EP_B, NH_UDP, t, n, BARE);
	expect_malformed(f, in, len);
	len = frame6(f, in, EP_A, EP_B, NH_UDP, t, n, JUMBO);
	expect_malformed(f, in, len);
	len = frame6(f, in, EP_A, EP_B, NH_UDP, t, n, NORMAL);
	stamped(f, EP_A, in, len);
	fx_expect_to(f, EP_A, in, len, EP_B);

	/* TCP behind hop-by-hop with an option that is not the jumbo payload,
	 * though its 4 bytes say the length */
	memset(hop, 0, sizeof(hop));
	n = fx_l4_tcp(hop + 8, 40005, 80, TCP_SYN, 1, 0, NULL, 0);
	hop[0] = NH_TCP;
	hop[2] = 0x1e; /* RFC 4727 experiment, skippable */
	hop[3] = 4;
	fx_put32(hop + 4, (uint32_t)(8 + n));
	len = frame6(f, in, EP_A, EP_B, NH_HOP, hop, 8 + n, BARE);
	expect_malformed(f, in, len);
	len = frame6(f, in, EP_A, EP_B, NH_HOP, hop, 8 + n, NORMAL);
	stamped(f, EP_A, in, len);
	fx_expect_to(f, EP_A, in, len, EP_B);
	/* the jumbo option with a length that is not the frame's */
	hop[2] = 0xc2;
	fx_put32(hop + 4, (uint32_t)(8 + n + 1));
	len = frame6(f, in, EP_A, EP_B, NH_HOP, hop, 8 + n, BARE);
	expect_malformed(f, in, len);
	fx_gso_size = 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    FX6_TEST(test6_bigtcp_flow),
	    FX6_TEST(test6_bigtcp_stamp),
	    FX6_TEST(test6_zero_len_not_bigtcp),
	};

	return fx6_main("bpf_bigtcp6", tests, sizeof(tests) / sizeof(tests[0]));
}
