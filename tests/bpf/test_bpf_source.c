// SPDX-License-Identifier: GPL-2.0-only
/*
 * Bridge port, source validation stage on its own: a frame must carry the
 * port's bound source MAC and IPv4 (ARP: sender MAC and IPv4 too). Each
 * spoofed frame is built from a correctly sourced twin that is forwarded
 * with the same setup; the drop is checked by verdict and by its named
 * counter (and no other). Frames are stamped with the sender's valid key,
 * so only the source fields differ.
 */
#include "fixture.h"

#define SPORT 40000

/* An IPv4 frame from A whose source fields are replaced, restamped with A's key. */
static size_t spoof_ipv4(struct fixture *f, uint8_t *b, size_t len, const uint8_t *smac,
			 uint32_t saddr)
{
	if (smac)
		memcpy(b + 6, smac, 6);
	if (saddr) {
		fx_put32(b + 14 + 12, saddr);
		b[14 + 10] = b[14 + 11] = 0;
		fx_put16(b + 14 + 10, fx_csum(b + 14, 20));
	}
	stamp_apply(f->eps[EP_A].key, b, len);
	return len;
}

static void test_src_udp_correct_forwarded(void **state)
{
	struct fixture *f = *state;
	uint8_t in[FX_FRAME_MAX];
	size_t len = fx_udp(f, in, EP_A, IP_B, 5353, 53, "query");

	fx_expect_to(f, EP_A, in, len, EP_B);
}

/* Another endpoint's address, and a pool address nobody owns. */
static void test_src_ip_spoofed_dropped(void **state)
{
	struct fixture *f = *state;
	uint8_t in[FX_FRAME_MAX];
	size_t len = fx_udp(f, in, EP_A, IP_B, 5353, 53, "query");

	fx_expect_to(f, EP_A, in, len, EP_B);
	spoof_ipv4(f, in, len, NULL, IP_C);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_SPOOFED_SRC_IP);
	spoof_ipv4(f, in, len, NULL, IP_X);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_SPOOFED_SRC_IP);
	/* the destination's own address as source */
	spoof_ipv4(f, in, len, NULL, IP_B);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_SPOOFED_SRC_IP);
}

/* Every L4 protocol goes through the same check. */
static void test_src_ip_spoofed_tcp_icmp_dropped(void **state)
{
	struct fixture *f = *state;
	uint8_t in[FX_FRAME_MAX];
	size_t len;

	len = fx_tcp(f, in, EP_A, IP_B, SPORT, 80, TCP_SYN, 1, 0, NULL);
	fx_expect_to(f, EP_A, in, len, EP_B);
	len = fx_tcp(f, in, EP_A, IP_B, SPORT + 1, 80, TCP_SYN, 1, 0, NULL);
	spoof_ipv4(f, in, len, NULL, IP_C);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_SPOOFED_SRC_IP);

	len = fx_icmp(f, in, EP_A, IP_B, 8, 77, 1);
	fx_expect_to(f, EP_A, in, len, EP_B);
	len = fx_icmp(f, in, EP_A, IP_B, 8, 78, 1);
	spoof_ipv4(f, in, len, NULL, IP_C);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_SPOOFED_SRC_IP);
}

static void test_src_mac_spoofed_dropped(void **state)
{
	static const uint8_t other[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
	struct fixture *f = *state;
	uint8_t in[FX_FRAME_MAX];
	size_t len = fx_udp(f, in, EP_A, IP_B, 5353, 53, "query");

	fx_expect_to(f, EP_A, in, len, EP_B);
	spoof_ipv4(f, in, len, f->eps[EP_C].mac, 0);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_SPOOFED_SRC_MAC);
	spoof_ipv4(f, in, len, other, 0);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_SPOOFED_SRC_MAC);
	/* full impersonation of C (its MAC and its address): the MAC is checked first */
	spoof_ipv4(f, in, len, f->eps[EP_C].mac, IP_C);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_SPOOFED_SRC_MAC);
}

/* Source checks come before the stamp: a spoofed frame with a forged stamp
 * is counted as spoofed, so the counters name the first broken rule. */
static void test_src_checked_before_stamp(void **state)
{
	static const uint64_t forged[2] = {1, 2};
	struct fixture *f = *state;
	uint8_t in[FX_FRAME_MAX];
	size_t len = fx_udp(f, in, EP_A, IP_B, 5353, 53, "query");

	stamp_apply(forged, in, len);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_STAMP_BAD);
	spoof_ipv4(f, in, len, NULL, IP_C);
	stamp_apply(forged, in, len);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_SPOOFED_SRC_IP);
}

/* Without the guard (no stamp required) the source binding still holds. */
static void test_src_checked_without_guard(void **state)
{
	struct fixture *f = *state;
	uint8_t in[FX_FRAME_MAX];
	size_t len = fx_udp(f, in, EP_A, IP_B, 5353, 53, "query");

	f->guard_on = false;
	fx_bind(f, EP_A);
	memcpy(in, f->eps[EP_B].mac, 6); /* no stamp: the real destination MAC */
	fx_expect_to(f, EP_A, in, len, EP_B);
	fx_put32(in + 14 + 12, IP_C);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_SPOOFED_SRC_IP);
	fx_put32(in + 14 + 12, IP_A);
	memcpy(in + 6, f->eps[EP_C].mac, 6);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_SPOOFED_SRC_MAC);
}

/* The binding is the port's: bound to C, C's frames pass and A's do not. */
static void test_src_binding_follows_port(void **state)
{
	struct fixture *f = *state;
	uint8_t in[FX_FRAME_MAX];
	size_t len;

	len = fx_udp(f, in, EP_C, IP_B, 5353, 53, "from c");
	fx_expect_to(f, EP_C, in, len, EP_B);
	len = fx_udp(f, in, EP_A, IP_B, 5353, 53, "from a");
	fx_expect_drop(f, -1, in, len, HYP_DROP_SPOOFED_SRC_MAC); /* port still bound to C */
}

static void test_src_arp_correct_answered(void **state)
{
	struct fixture *f = *state;
	uint8_t in[128], out[FX_FRAME_MAX];
	uint32_t n;
	size_t len = fx_arp(in, f->eps[EP_A].mac, 1, f->eps[EP_A].mac, IP_A, IP_B);
	uint64_t replies = fx_stat(f, HYP_STAT_ARP_REPLY);

	stamp_apply(f->eps[EP_A].key, in, len);
	assert_int_equal(fx_send(f, EP_A, in, len, out, &n), TC_ACT_REDIRECT);
	assert_int_equal(n, len);
	assert_memory_equal(out, f->eps[EP_A].mac, 6);
	assert_memory_equal(out + 6, f->eps[EP_B].mac, 6);
	assert_int_equal(out[14 + 7], 2);
	assert_memory_equal(out + 14 + 8, f->eps[EP_B].mac, 6);
	assert_int_equal(fx_stat(f, HYP_STAT_ARP_REPLY), replies + 1);
}

static void test_src_arp_sender_mac_spoofed_dropped(void **state)
{
	struct fixture *f = *state;
	uint8_t in[128];
	size_t len;

	/* correct Ethernet source, sender hardware address of C */
	len = fx_arp(in, f->eps[EP_A].mac, 1, f->eps[EP_C].mac, IP_A, IP_B);
	stamp_apply(f->eps[EP_A].key, in, len);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_ARP_SPOOF);
	/* twin */
	len = fx_arp(in, f->eps[EP_A].mac, 1, f->eps[EP_A].mac, IP_A, IP_B);
	stamp_apply(f->eps[EP_A].key, in, len);
	assert_int_equal(fx_send(f, EP_A, in, len, NULL, NULL), TC_ACT_REDIRECT);
}

static void test_src_arp_sender_ip_spoofed_dropped(void **state)
{
	struct fixture *f = *state;
	uint8_t in[128];
	size_t len;

	/* a request claiming C's address: it would poison B's cache if answered */
	len = fx_arp(in, f->eps[EP_A].mac, 1, f->eps[EP_A].mac, IP_C, IP_B);
	stamp_apply(f->eps[EP_A].key, in, len);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_ARP_SPOOF);
	len = fx_arp(in, f->eps[EP_A].mac, 1, f->eps[EP_A].mac, IP_X, IP_B);
	stamp_apply(f->eps[EP_A].key, in, len);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_ARP_SPOOF);
	len = fx_arp(in, f->eps[EP_A].mac, 1, f->eps[EP_A].mac, IP_A, IP_B);
	stamp_apply(f->eps[EP_A].key, in, len);
	assert_int_equal(fx_send(f, EP_A, in, len, NULL, NULL), TC_ACT_REDIRECT);
}

static void test_src_arp_eth_src_spoofed_dropped(void **state)
{
	struct fixture *f = *state;
	uint8_t in[128];
	size_t len;

	/* C's MAC in both the Ethernet header and the ARP sender */
	len = fx_arp(in, f->eps[EP_C].mac, 1, f->eps[EP_C].mac, IP_C, IP_B);
	stamp_apply(f->eps[EP_A].key, in, len);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_SPOOFED_SRC_MAC);
	/* the same request from C's own port is answered */
	stamp_apply(f->eps[EP_C].key, in, len);
	assert_int_equal(fx_send(f, EP_C, in, len, NULL, NULL), TC_ACT_REDIRECT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    FX_TEST(test_src_udp_correct_forwarded),
	    FX_TEST(test_src_ip_spoofed_dropped),
	    FX_TEST(test_src_ip_spoofed_tcp_icmp_dropped),
	    FX_TEST(test_src_mac_spoofed_dropped),
	    FX_TEST(test_src_checked_before_stamp),
	    FX_TEST(test_src_checked_without_guard),
	    FX_TEST(test_src_binding_follows_port),
	    FX_TEST(test_src_arp_correct_answered),
	    FX_TEST(test_src_arp_sender_mac_spoofed_dropped),
	    FX_TEST(test_src_arp_sender_ip_spoofed_dropped),
	    FX_TEST(test_src_arp_eth_src_spoofed_dropped),
	};

	return fx_main("bpf_source", tests, sizeof(tests) / sizeof(tests[0]));
}
