// SPDX-License-Identifier: GPL-2.0-only
/*
 * BPF program tests: the bridge port and guard programs run through
 * BPF_PROG_TEST_RUN with crafted frames; each case checks the verdict, the
 * output bytes and the drop counter. Runs in a private netns (unshare) so
 * the "port" is that netns' loopback; no map is pinned. The fixture
 * (tests/bpf/fixture.h) resets the tables to its default world before each
 * case: A (10.240.0.2) bound to the port, B (10.240.0.3) on port 4242.
 */
#include "fixture.h"

#define PORT_A FX_PORT

static const uint8_t MAC_A[6] = {0x0a, 0x58, 10, 240, 0, 2};
static const uint8_t MAC_B[6] = {0x0a, 0x58, 10, 240, 0, 3};
static const uint8_t MAC_GW[6] = {0x0a, 0x58, 10, 240, 0, 1};
static const uint8_t BCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

/* ---- frame builders ---- */

static size_t eth(uint8_t *b, const uint8_t *dst, const uint8_t *src, uint16_t proto)
{
	return fx_eth(b, dst, src, proto);
}

static size_t arp(uint8_t *b, uint16_t op, const uint8_t *sha, uint32_t spa, uint32_t tpa)
{
	return fx_arp(b, sha, op, sha, spa, tpa);
}

static size_t udp4(uint8_t *b, const uint8_t *dst, const uint8_t *src, uint32_t saddr,
		   uint32_t daddr)
{
	size_t n = eth(b, dst, src, 0x0800);
	uint8_t *ip = b + n;
	uint32_t s = htonl(saddr), d = htonl(daddr);

	memset(ip, 0, 20 + 8 + 16);
	ip[0] = 0x45;
	ip[3] = 20 + 8 + 16;
	ip[5] = 0x11;
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, &s, 4);
	memcpy(ip + 16, &d, 4);
	ip[21] = 0x35; /* sport 53 */
	ip[23] = 0x50; /* dport 80 */
	ip[25] = 24;
	memcpy(ip + 28, "hyperion payload", 16);
	return n + 20 + 8 + 16;
}

/* out holds 256 bytes in these tests */
static int run(int prog_fd, uint8_t *in, size_t len, uint8_t *out, uint32_t *out_len)
{
	return fx_run_prog(prog_fd, in, len, out, 256, out_len);
}

static uint64_t drops(struct fixture *f, uint32_t reason)
{
	return fx_drops(f, reason);
}

static int port_fd(struct fixture *f)
{
	return fx_port_fd(f);
}

/* ---- bridge port ---- */

static void test_arp_gateway_answered(void **state)
{
	struct fixture *f = *state;
	uint8_t in[128], out[256];
	uint32_t n, gw = htonl(IP_GW), a = htonl(IP_A);
	size_t len = arp(in, 1, MAC_A, IP_A, IP_GW);

	stamp_apply(KEY_A, in, len);
	assert_int_equal(run(port_fd(f), in, len, out, &n), TC_ACT_REDIRECT);
	assert_memory_equal(out, MAC_A, 6); /* back to the asker */
	assert_memory_equal(out + 6, MAC_GW, 6);
	assert_int_equal(out[14 + 7], 2);	      /* reply */
	assert_memory_equal(out + 14 + 8, MAC_GW, 6); /* sha */
	assert_memory_equal(out + 14 + 14, &gw, 4);   /* spa */
	assert_memory_equal(out + 14 + 18, MAC_A, 6); /* tha */
	assert_memory_equal(out + 14 + 24, &a, 4);    /* tpa */
}

static void test_arp_endpoint_answered(void **state)
{
	struct fixture *f = *state;
	uint8_t in[128], out[256];
	uint32_t n, b = htonl(IP_B);
	size_t len = arp(in, 1, MAC_A, IP_A, IP_B);

	stamp_apply(KEY_A, in, len);
	assert_int_equal(run(port_fd(f), in, len, out, &n), TC_ACT_REDIRECT);
	assert_memory_equal(out + 6, MAC_B, 6);
	assert_memory_equal(out + 14 + 8, MAC_B, 6);
	assert_memory_equal(out + 14 + 14, &b, 4);
}

static void test_arp_unknown_target_dropped(void **state)
{
	struct fixture *f = *state;
	uint8_t in[128], out[256];
	size_t len = arp(in, 1, MAC_A, IP_A, IP_X);
	uint64_t before = drops(f, HYP_DROP_ARP_UNKNOWN_TARGET);

	stamp_apply(KEY_A, in, len);
	assert_int_equal(run(port_fd(f), in, len, out, NULL), TC_ACT_SHOT);
	assert_int_equal(drops(f, HYP_DROP_ARP_UNKNOWN_TARGET), before + 1);
}

static void test_arp_spoofed_sender_dropped(void **state)
{
	struct fixture *f = *state;
	uint8_t in[128], out[256];
	size_t len = arp(in, 2, MAC_A, IP_B, IP_GW); /* claims B's address */
	uint64_t before = drops(f, HYP_DROP_ARP_SPOOF);

	stamp_apply(KEY_A, in, len);
	assert_int_equal(run(port_fd(f), in, len, out, NULL), TC_ACT_SHOT);
	assert_int_equal(drops(f, HYP_DROP_ARP_SPOOF), before + 1);
}

static void test_ipv4_known_redirects(void **state)
{
	struct fixture *f = *state;
	uint8_t in[128], out[256];
	uint32_t n;
	size_t len = udp4(in, MAC_B, MAC_A, IP_A, IP_B);

	stamp_apply(KEY_A, in, len);
	assert_int_equal(run(port_fd(f), in, len, out, &n), TC_ACT_REDIRECT);
	assert_int_equal(n, len);
	assert_memory_equal(out, MAC_B, 6); /* stamp replaced by the real MAC */
	assert_memory_equal(out + 6, MAC_A, 6);
	assert_memory_equal(out + 12, in + 12, len - 12); /* rest untouched */
}

static void test_ipv4_unknown_dst_dropped(void **state)
{
	struct fixture *f = *state;
	uint8_t in[128], out[256];
	size_t len = udp4(in, MAC_B, MAC_A, IP_A, IP_X);
	uint64_t before = drops(f, HYP_DROP_UNKNOWN_DST);

	stamp_apply(KEY_A, in, len);
	assert_int_equal(run(port_fd(f), in, len, out, NULL), TC_ACT_SHOT);
	assert_int_equal(drops(f, HYP_DROP_UNKNOWN_DST), before + 1);
}

static void expect_drop(struct fixture *f, uint8_t *in, size_t len, uint32_t reason)
{
	fx_expect_drop(f, -1, in, len, reason);
}

static void test_spoofed_src_ip_dropped(void **state)
{
	uint8_t in[128];
	size_t len = udp4(in, MAC_B, MAC_A, IP_X, IP_B);

	stamp_apply(KEY_A, in, len);
	expect_drop(*state, in, len, HYP_DROP_SPOOFED_SRC_IP);
}

static void test_spoofed_src_mac_dropped(void **state)
{
	uint8_t in[128];
	size_t len = udp4(in, MAC_B, MAC_B, IP_A, IP_B);

	stamp_apply(KEY_A, in, len);
	expect_drop(*state, in, len, HYP_DROP_SPOOFED_SRC_MAC);
}

static void test_missing_stamp_dropped(void **state)
{
	uint8_t in[128];
	size_t len = udp4(in, MAC_B, MAC_A, IP_A, IP_B); /* real dst MAC: no guard */

	expect_drop(*state, in, len, HYP_DROP_STAMP_MISSING);
}

static void test_forged_stamp_dropped(void **state)
{
	static const uint64_t other[2] = {1, 2};
	uint8_t in[128];
	size_t len = udp4(in, MAC_B, MAC_A, IP_A, IP_B);

	stamp_apply(other, in, len);
	expect_drop(*state, in, len, HYP_DROP_STAMP_BAD);
}

static void test_replayed_stamp_dropped(void **state)
{
	uint8_t in[128], stamp[6];
	size_t len = udp4(in, MAC_B, MAC_A, IP_A, IP_B);

	/* a valid stamp lifted from one frame, put on a changed payload header */
	stamp_apply(KEY_A, in, len);
	memcpy(stamp, in, 6);
	in[14 + 4] ^= 0x55; /* other IP id */
	memcpy(in, stamp, 6);
	expect_drop(*state, in, len, HYP_DROP_STAMP_BAD);
}

static void test_vlan_dropped(void **state)
{
	uint8_t in[128];
	size_t len = udp4(in, MAC_B, MAC_A, IP_A, IP_B);

	in[12] = 0x81;
	in[13] = 0x00;
	expect_drop(*state, in, len, HYP_DROP_VLAN);
}

static void test_ipv6_dropped(void **state)
{
	uint8_t in[128];
	size_t len = udp4(in, MAC_B, MAC_A, IP_A, IP_B);

	in[12] = 0x86;
	in[13] = 0xdd;
	/* the IPv6 pipeline (test_bpf_ip6.c): this port has no IPv6 binding */
	expect_drop(*state, in, len, HYP_DROP_IP6_NO_BINDING);
}

static void test_broadcast_dst_dropped(void **state)
{
	uint8_t in[128];
	size_t len = udp4(in, BCAST, MAC_A, IP_A, 0xffffffffu);

	stamp_apply(KEY_A, in, len);
	expect_drop(*state, in, len, HYP_DROP_DST_BCAST_MCAST);
}

/* ---- guard ---- */

static void test_guard_stamps_valid_frame(void **state)
{
	struct fixture *f = *state;
	uint8_t in[128], out[256], want[6];
	uint32_t n;
	size_t len = udp4(in, MAC_B, MAC_A, IP_A, IP_B);

	assert_int_equal(run(bpf_program__fd(f->guard->progs.hyp_guard_egress), in, len, out, &n),
			 TC_ACT_OK);
	stamp_mac(stamp_frame(KEY_A, in, len), want);
	assert_memory_equal(out, want, 6); /* BPF and userspace stamps agree */
	assert_memory_equal(out + 6, in + 6, len - 6);
	/* and the bridge accepts what the guard produced */
	assert_int_equal(run(port_fd(f), out, len, in, &n), TC_ACT_REDIRECT);
}

static void test_guard_drops_spoofed_ip(void **state)
{
	struct fixture *f = *state;
	uint8_t in[128], out[256];
	size_t len = udp4(in, MAC_B, MAC_A, IP_B, IP_A);

	assert_int_equal(run(bpf_program__fd(f->guard->progs.hyp_guard_egress), in, len, out, NULL),
			 TC_ACT_SHOT);
}

static void test_guard_drops_spoofed_arp(void **state)
{
	struct fixture *f = *state;
	uint8_t in[128], out[256];
	size_t len = arp(in, 2, MAC_A, IP_B, IP_GW);

	assert_int_equal(run(bpf_program__fd(f->guard->progs.hyp_guard_egress), in, len, out, NULL),
			 TC_ACT_SHOT);
}

/* ---- payload inspection: DFA walk with state in conntrack ---- */

#define SPORT 40000

static size_t tcp4(uint8_t *b, uint32_t seq, const char *payload)
{
	size_t n = eth(b, MAC_B, MAC_A, 0x0800), plen = strlen(payload);
	uint8_t *ip = b + n, *t = ip + 20;
	uint32_t sa = htonl(IP_A), da = htonl(IP_B), sq = htonl(seq);

	memset(ip, 0, 40);
	ip[0] = 0x45;
	ip[2] = (uint8_t)((40 + plen) >> 8);
	ip[3] = (uint8_t)(40 + plen);
	ip[6] = 0x40;
	ip[8] = 64;
	ip[9] = 6;
	memcpy(ip + 12, &sa, 4);
	memcpy(ip + 16, &da, 4);
	t[0] = SPORT >> 8;
	t[1] = SPORT & 0xff;
	t[3] = 80;
	memcpy(t + 4, &sq, 4);
	t[11] = 1;
	t[12] = 5 << 4;
	t[13] = 0x18; /* PSH|ACK */
	t[14] = 0xff;
	memcpy(t + 20, payload, plen);
	fx_put16(ip + 10, fx_csum(ip, 20));
	n += 40 + plen;
	stamp_apply(KEY_A, b, n);
	return n;
}

/* Loads the DFA of "abab" for endpoint B's ingress and an established A -> B flow. */
static void inspect_setup(struct fixture *f)
{
	struct insp_pattern p = {.len = 4, .id = 1};
	struct insp_dfa dfa;
	struct errmsg em = {};
	struct hyp_inspect_key ik = {.identity = 257, .dir = HYP_DIR_INGRESS};
	struct hyp_inspect_val iv = {.start = 0, .gen = 0, .action = HYP_INSPECT_DROP};
	struct hyp_ct_key ck = {
	    .saddr = htonl(IP_A), .daddr = htonl(IP_B), .sport = SPORT, .dport = 80, .proto = 6};
	struct hyp_ct_val cv = {.state = HYP_CT_ESTABLISHED, .insp = HYP_CT_I_ORIG_ING};
	struct timespec ts;

	memcpy(p.bytes, "abab", 4);
	assert_int_equal(insp_dfa_build(&p, 1, 1024, &dfa, &em), 0);
	for (uint32_t st = 0; st < dfa.states; st++) {
		struct hyp_dfa_row row;

		for (int b = 0; b < 256; b++) {
			uint32_t t = dfa.rows[st * 256 + (uint32_t)b];

			row.next[b] = ((t >> 1) << 2) | ((t & 1) ? 3 : 0);
		}
		assert_int_equal(
		    bpf_map_update_elem(bpf_map__fd(f->port->maps.hyp_dfa), &st, &row, 0), 0);
	}
	insp_dfa_free(&dfa);
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(f->port->maps.hyp_inspect), &ik, &iv, 0),
			 0);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	cv.last_seen = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(f->port->maps.hyp_ct), &ck, &cv, 0), 0);
}

static void test_inspect_stream(void **state)
{
	struct fixture *f = *state;
	uint8_t in[256], out[256];
	uint32_t n;
	size_t len;
	uint64_t ooo, match, blocked, overlap;

	inspect_setup(f);
	overlap = drops(f, HYP_DROP_INSPECT_OVERLAP);
	ooo = drops(f, HYP_DROP_INSPECT_OOO);
	match = drops(f, HYP_DROP_INSPECT_MATCH);
	blocked = drops(f, HYP_DROP_INSPECT_BLOCKED);

	len = tcp4(in, 1000, "ab");
	assert_int_equal(run(port_fd(f), in, len, out, &n), TC_ACT_REDIRECT);
	/* walked bytes the receiver has not acknowledged, sent again: dropped
	 * whatever they hold, and not walked twice (else "ab"+"ab" would match) */
	len = tcp4(in, 1000, "ab");
	assert_int_equal(run(port_fd(f), in, len, out, &n), TC_ACT_SHOT);
	assert_int_equal(drops(f, HYP_DROP_INSPECT_OVERLAP), overlap + 1);
	/* a segment past a gap is dropped: the sender retransmits in order */
	len = tcp4(in, 1010, "zz");
	assert_int_equal(run(port_fd(f), in, len, out, &n), TC_ACT_SHOT);
	assert_int_equal(drops(f, HYP_DROP_INSPECT_OOO), ooo + 1);
	/* the pattern completes across segments: blocked, the sender gets a RST */
	len = tcp4(in, 1002, "ab");
	assert_int_equal(run(port_fd(f), in, len, out, &n), TC_ACT_REDIRECT);
	assert_int_equal(drops(f, HYP_DROP_INSPECT_MATCH), match + 1);
	assert_int_equal(n, 54);
	assert_memory_equal(out, MAC_A, 6);	   /* back to the sender */
	assert_int_equal(out[14 + 20 + 13], 0x14); /* RST|ACK */
	/* and the flow stays blocked */
	len = tcp4(in, 1004, "zz");
	assert_int_equal(run(port_fd(f), in, len, out, &n), TC_ACT_SHOT);
	assert_int_equal(drops(f, HYP_DROP_INSPECT_BLOCKED), blocked + 1);
}

/* An entry another CPU stamped after this packet read the clock is live. */
static void test_ct_last_seen_ahead_is_live(void **state)
{
	struct fixture *f = *state;
	struct hyp_ct_key ck = {
	    .saddr = htonl(IP_A), .daddr = htonl(IP_B), .sport = SPORT, .dport = 80, .proto = 6};
	struct hyp_ct_val cv = {.state = HYP_CT_ESTABLISHED};
	uint8_t in[256], out[256];
	struct timespec ts;
	uint32_t n;
	size_t len;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	cv.last_seen = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec +
		       5000000000ULL; /* "in the future" for this packet */
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(f->port->maps.hyp_ct), &ck, &cv, 0), 0);
	len = tcp4(in, 5000, "hello");
	assert_int_equal(run(port_fd(f), in, len, out, &n), TC_ACT_REDIRECT);
	assert_int_equal(bpf_map_lookup_elem(bpf_map__fd(f->port->maps.hyp_ct), &ck, &cv), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    FX_TEST(test_arp_gateway_answered),
	    FX_TEST(test_arp_endpoint_answered),
	    FX_TEST(test_arp_unknown_target_dropped),
	    FX_TEST(test_arp_spoofed_sender_dropped),
	    FX_TEST(test_ipv4_known_redirects),
	    FX_TEST(test_ipv4_unknown_dst_dropped),
	    FX_TEST(test_spoofed_src_ip_dropped),
	    FX_TEST(test_spoofed_src_mac_dropped),
	    FX_TEST(test_missing_stamp_dropped),
	    FX_TEST(test_forged_stamp_dropped),
	    FX_TEST(test_replayed_stamp_dropped),
	    FX_TEST(test_vlan_dropped),
	    FX_TEST(test_ipv6_dropped),
	    FX_TEST(test_broadcast_dst_dropped),
	    FX_TEST(test_guard_stamps_valid_frame),
	    FX_TEST(test_guard_drops_spoofed_ip),
	    FX_TEST(test_guard_drops_spoofed_arp),
	    FX_TEST(test_inspect_stream),
	    FX_TEST(test_ct_last_seen_ahead_is_live),
	};

	return fx_main("bpf_datapath", tests, sizeof(tests) / sizeof(tests[0]));
}
