// SPDX-License-Identifier: GPL-2.0-only
/*
 * Bridge port, BIG TCP frames (hyperiond --big-tcp): a GSO TCP frame over
 * 64 KiB carries IPv4 total length 0, and the receiver's stack takes the
 * frame's length for it (iph_totlen). Every stage must handle such frames
 * as the receiver will: the stamp covers the 0 as sent, policy and
 * conntrack decide on the addresses and ports as for any frame, and the
 * inspection normaliser takes the frame's length, so the walk sees the
 * bytes the receiver takes. A total length of 0 on a frame that is not
 * GSO TCP stays what it was, a bad length (the receiver drops it too).
 *
 * BPF_PROG_TEST_RUN cannot build a 64 KiB frame; a small frame with the
 * GSO segment size set in the context is the same case for the programs
 * (they read skb->gso_size and skb->len, never a 64 KiB boundary).
 */
#include "inspect_flow.h"

static const char *const db_from_web_80 = "apiVersion: networking.k8s.io/v1\n"
					  "kind: NetworkPolicy\n"
					  "metadata: {name: db-in}\n"
					  "spec:\n"
					  "  podSelector: {matchLabels: {app: db}}\n"
					  "  ingress:\n"
					  "  - from: [{podSelector: {matchLabels: {app: web}}}]\n"
					  "    ports: [{protocol: TCP, port: 80}]\n";

/* As the BIG TCP sender makes it: total length 0, checksum over that,
 * stamped by the sender's guard (the stamp covers the total length). */
static void to_big(struct fixture *f, int src, uint8_t *b, size_t len)
{
	uint8_t *ip = b + 14;

	put16(ip + 2, 0);
	put16(ip + 10, 0);
	put16(ip + 10, fx_csum(ip, 20));
	stamp_apply(f->eps[src].key, b, len);
}

/* A data segment of the flow from a (rev 0) or b (rev 1), made BIG. */
static size_t big_seg(struct fixture *f, struct tflow *t, int rev, const char *data, uint8_t *in)
{
	static const struct seg none;
	int src = rev ? t->b : t->a, dst = rev ? t->a : t->b;
	size_t len = build(f, in, src, dst, rev ? 80 : t->sport, rev ? t->sport : 80, t->seq[rev],
			   t->seq[!rev], data, &none);

	to_big(f, src, in, len);
	return len;
}

/* Policy and conntrack: BIG frames of an allowed flow pass both ways; a
 * BIG frame of a flow policy denies is dropped by policy, as its twin of
 * normal length is. */
static void test_bigtcp_policy_conntrack(void **state)
{
	struct fixture *f = *state;
	uint8_t in[FX_FRAME_MAX];
	struct tflow t;
	size_t len;

	fx_gso_size = 0;
	fx_policy(f, db_from_web_80);
	open_flow(f, &t, SPORT, NULL, NULL);
	fx_gso_size = 1400;
	len = big_seg(f, &t, 0, "GET / HTTP/1.1\r\n\r\n", in);
	fx_expect_to(f, EP_A, in, len, EP_B);
	len = big_seg(f, &t, 1, "HTTP/1.1 200 OK\r\n\r\n", in);
	fx_expect_to(f, EP_B, in, len, EP_A);
	/* c (app=api) is not allowed to b: BIG or not, policy drops it */
	len = fx_tcp(f, in, EP_C, IP_B, SPORT + 1, 80, TCP_SYN, 1, 0, NULL);
	to_big(f, EP_C, in, len);
	fx_expect_drop(f, EP_C, in, len, HYP_DROP_POLICY_INGRESS);
	fx_gso_size = 0;
	len = fx_tcp(f, in, EP_C, IP_B, SPORT + 1, 80, TCP_SYN, 1, 0, NULL);
	fx_expect_drop(f, EP_C, in, len, HYP_DROP_POLICY_INGRESS);
}

/* Stamp: the stamp covers the total length; a stamp made over the old
 * length on a frame whose length became 0 is bad, the restamped twin
 * passes. */
static void test_bigtcp_stamp(void **state)
{
	struct fixture *f = *state;
	uint8_t in[FX_FRAME_MAX];
	size_t len;

	fx_gso_size = 1400;
	len = fx_tcp(f, in, EP_A, IP_B, SPORT, 80, TCP_SYN, 1, 0, NULL);
	put16(in + 14 + 2, 0); /* length 0 under the old stamp */
	put16(in + 14 + 10, 0);
	put16(in + 14 + 10, fx_csum(in + 14, 20));
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_STAMP_BAD);
	stamp_apply(f->eps[EP_A].key, in, len);
	fx_expect_to(f, EP_A, in, len, EP_B);
	fx_gso_size = 0;
}

/* Inspection: a BIG segment is walked over the frame's bytes: a benign one
 * passes, one completing a pattern is blocked, a pattern split across a
 * normal and a BIG segment is found. */
static void test_bigtcp_inspected(void **state)
{
	struct fixture *f = *state;
	uint8_t in[FX_FRAME_MAX], out[FX_FRAME_MAX];
	uint64_t match;
	struct tflow t;
	uint32_t n;
	size_t len;

	fx_gso_size = 0;
	fx_inspect(f, db_drop, NULL, NULL);
	open_flow(f, &t, SPORT, NULL, NULL);
	fx_gso_size = 1400;
	len = big_seg(f, &t, 0, "hello, nothing to see", in);
	fx_expect_to(f, EP_A, in, len, EP_B);
	t.seq[0] += (uint32_t)strlen("hello, nothing to see");
	fx_gso_size = 0;
	send_seg(f, &t, 0, "xxattack-", NULL, 0);
	fx_gso_size = 1400;
	match = fx_drops(f, HYP_DROP_INSPECT_MATCH);
	len = big_seg(f, &t, 0, "string", in);
	assert_int_equal(fx_send(f, EP_A, in, len, out, &n), TC_ACT_REDIRECT);
	assert_int_equal(fx_drops(f, HYP_DROP_INSPECT_MATCH), match + 1);
	assert_int_equal(out[14 + 20 + 13], TCP_RST | TCP_ACK);
	fx_gso_size = 0;
}

/* Length 0 where the receiver would not take the frame's length: not a
 * GSO frame, or a GSO frame that is not TCP. Dropped as a bad length; the
 * twin with its real length passes. */
static void test_bigtcp_zero_len_not_gso(void **state)
{
	struct fixture *f = *state;
	uint8_t in[FX_FRAME_MAX];
	struct tflow t;
	size_t len;

	fx_gso_size = 0;
	fx_inspect(f, db_tcp_udp80, NULL, NULL);
	open_flow(f, &t, SPORT, NULL, NULL);
	len = big_seg(f, &t, 0, "attack-str", in);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_INSPECT_IP_LEN);
	fx_gso_size = 1400;
	len = fx_udp(f, in, EP_A, IP_B, SPORT, 80, "udp payload");
	to_big(f, EP_A, in, len);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_INSPECT_IP_LEN);
	fx_gso_size = 0;
	send_seg(f, &t, 0, "hello", NULL, 0);
	len = fx_udp(f, in, EP_A, IP_B, SPORT, 80, "udp payload");
	fx_expect_to(f, EP_A, in, len, EP_B);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    FX_TEST(test_bigtcp_policy_conntrack),
	    FX_TEST(test_bigtcp_stamp),
	    FX_TEST(test_bigtcp_inspected),
	    FX_TEST(test_bigtcp_zero_len_not_gso),
	};

	return fx_main("bpf_bigtcp", tests, sizeof(tests) / sizeof(tests[0]));
}
