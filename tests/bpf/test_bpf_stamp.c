// SPDX-License-Identifier: GPL-2.0-only
/*
 * Bridge port, source stamp stage on its own: on a guarded port every frame
 * carries in its destination MAC a SipHash of its header fields under the
 * SNIC's key (bpf/lib/stamp.h). A valid stamp passes and is replaced by the
 * destination's real MAC; a missing stamp (a real destination MAC), a
 * forged one, or a valid stamp moved onto a frame whose covered header
 * fields differ is dropped with its reason. Every drop has a twin, the same
 * frame validly stamped, forwarded with the same setup.
 */
#include "fixture.h"

/* A header field the stamp covers: one byte of it and a change of it. */
struct field {
	const char *name;
	size_t off; /* from the start of the frame */
	uint8_t xor ;
};

static void restamp_twin(struct fixture *f, uint8_t *b, size_t len, int dst)
{
	stamp_apply(f->eps[EP_A].key, b, len);
	fx_expect_to(f, EP_A, b, len, dst);
}

/* For each field: the old stamp on the changed frame is dropped as bad,
 * the changed frame restamped is forwarded. */
static void check_fields(struct fixture *f, const uint8_t *base, size_t len, const struct field *fl,
			 size_t n, int dst)
{
	uint8_t b[FX_FRAME_MAX];

	for (size_t i = 0; i < n; i++) {
		memcpy(b, base, len);
		b[fl[i].off] ^= fl[i].xor ;
		print_message("# stamp over a changed %s\n", fl[i].name);
		fx_expect_drop(f, EP_A, b, len, HYP_DROP_STAMP_BAD);
		restamp_twin(f, b, len, dst);
	}
}

#define ETH 14
#define IP4 (ETH + 20)

static void test_stamp_valid_passes_and_is_stripped(void **state)
{
	struct fixture *f = *state;
	uint8_t in[FX_FRAME_MAX], out[FX_FRAME_MAX];
	uint32_t n;
	size_t len;

	/* fx_expect_to checks: dst MAC is B's (the stamp is gone), the rest as sent */
	len = fx_udp(f, in, EP_A, IP_B, 5353, 53, "query");
	assert_memory_not_equal(in, f->eps[EP_B].mac, 6);
	fx_expect_to(f, EP_A, in, len, EP_B);
	len = fx_tcp(f, in, EP_A, IP_B, 40000, 80, TCP_SYN, 1000, 0, NULL);
	fx_expect_to(f, EP_A, in, len, EP_B);
	len = fx_icmp(f, in, EP_A, IP_C, 8, 9, 1);
	fx_expect_to(f, EP_A, in, len, EP_C);
	len = fx_sctp(f, in, EP_A, IP_B, 3868, 3868);
	fx_expect_to(f, EP_A, in, len, EP_B);
	/* ARP: answered by the bridge */
	len = fx_arp(in, f->eps[EP_A].mac, 1, f->eps[EP_A].mac, IP_A, IP_GW);
	stamp_apply(f->eps[EP_A].key, in, len);
	assert_int_equal(fx_send(f, EP_A, in, len, out, &n), TC_ACT_REDIRECT);
	assert_memory_equal(out + 6, FX_MAC_GW, 6);
}

/* Destination MACs a guard-less sender would use are "missing", not "bad". */
static void test_stamp_missing_dropped(void **state)
{
	static const uint8_t mcast[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};
	static const uint8_t universal[6] = {0x00, 0x1b, 0x21, 0x0a, 0x0b, 0x0c};
	struct fixture *f = *state;
	const uint8_t *dsts[] = {f->eps[EP_B].mac, FX_MAC_GW, FX_BCAST, mcast, universal};
	uint8_t in[FX_FRAME_MAX];
	size_t len = fx_udp(f, in, EP_A, IP_B, 5353, 53, "query");

	for (size_t i = 0; i < sizeof(dsts) / sizeof(dsts[0]); i++) {
		memcpy(in, dsts[i], 6);
		fx_expect_drop(f, EP_A, in, len, HYP_DROP_STAMP_MISSING);
	}
	restamp_twin(f, in, len, EP_B);
	/* ARP to the broadcast address, unstamped */
	len = fx_arp(in, f->eps[EP_A].mac, 1, f->eps[EP_A].mac, IP_A, IP_B);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_STAMP_MISSING);
	stamp_apply(f->eps[EP_A].key, in, len);
	assert_int_equal(fx_send(f, EP_A, in, len, NULL, NULL), TC_ACT_REDIRECT);
}

static void test_stamp_forged_dropped(void **state)
{
	static const uint64_t guessed[2] = {1, 2};
	static const uint8_t random_la[6] = {0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc};
	struct fixture *f = *state;
	uint8_t in[FX_FRAME_MAX];
	size_t len = fx_udp(f, in, EP_A, IP_B, 5353, 53, "query");

	stamp_apply(guessed, in, len);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_STAMP_BAD);
	/* another SNIC's key: valid there, not on A's port */
	stamp_apply(f->eps[EP_C].key, in, len);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_STAMP_BAD);
	memcpy(in, random_la, 6);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_STAMP_BAD);
	/* one bit off */
	stamp_apply(f->eps[EP_A].key, in, len);
	in[5] ^= 0x01;
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_STAMP_BAD);
	restamp_twin(f, in, len, EP_B);
}

static void test_stamp_over_other_ip_udp_fields_dropped(void **state)
{
	static const struct field fl[] = {
	    {"destination address (B -> C)", ETH + 19, 0x07},
	    {"total length", ETH + 3, 0x01},
	    {"IP id", ETH + 4, 0x55},
	    {"fragment field (DF)", ETH + 6, 0x40},
	    {"TTL", ETH + 8, 0x01},
	    {"protocol (UDP -> SCTP)", ETH + 9, 17 ^ 132},
	    {"source port", IP4 + 1, 0x01},
	    {"destination port", IP4 + 3, 0x01},
	};
	struct fixture *f = *state;
	uint8_t in[FX_FRAME_MAX];
	size_t len = fx_udp(f, in, EP_A, IP_B, 5353, 53, "query");

	assert_int_equal(in[ETH + 19] ^ 0x07, IP_C & 0xff);
	check_fields(f, in, len, fl, 1, EP_C);
	check_fields(f, in, len, fl + 1, sizeof(fl) / sizeof(fl[0]) - 1, EP_B);
}

static void test_stamp_over_other_tcp_fields_dropped(void **state)
{
	static const struct field fl[] = {
	    {"TCP source port", IP4 + 1, 0x01},
	    {"TCP destination port", IP4 + 3, 0x02},
	    {"TCP sequence number", IP4 + 7, 0x10},
	};
	struct fixture *f = *state;
	uint8_t in[FX_FRAME_MAX];
	size_t len = fx_tcp(f, in, EP_A, IP_B, 40000, 80, TCP_SYN, 1000, 0, NULL);

	check_fields(f, in, len, fl, sizeof(fl) / sizeof(fl[0]), EP_B);
}

/*
 * ICMP: the stamp takes the first four bytes of the header (type, code,
 * checksum), as for UDP the ports; the echo id and sequence are covered
 * through the checksum only. (bpf/lib/stamp.h's comment lists
 * "echo id << 32 | echo seq << 16" in m3; the code hashes the checksum.)
 */
static void test_stamp_over_other_icmp_fields_dropped(void **state)
{
	/* echo requests only: each twin must start a flow */
	static const struct field fl[] = {
	    {"ICMP code", IP4 + 1, 0x01},
	    {"ICMP checksum", IP4 + 3, 0x01},
	};
	struct fixture *f = *state;
	uint8_t in[FX_FRAME_MAX];
	size_t len = fx_icmp(f, in, EP_A, IP_B, 8, 9, 1);

	check_fields(f, in, len, fl, sizeof(fl) / sizeof(fl[0]), EP_B);
	/* another echo id with its checksum recomputed, as a sender makes it */
	in[IP4 + 5] ^= 0x01;
	in[IP4 + 2] = in[IP4 + 3] = 0;
	fx_put16(in + IP4 + 2, fx_csum(in + IP4, len - IP4));
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_STAMP_BAD);
	restamp_twin(f, in, len, EP_B);
	/* the type: the echo request's stamp on a timestamp request */
	len = fx_icmp(f, in, EP_A, IP_B, 8, 10, 1);
	in[IP4] = 13;
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_STAMP_BAD);
	/* restamped it passes the stamp and conntrack refuses it (no flow start) */
	stamp_apply(f->eps[EP_A].key, in, len);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_CT_INVALID);
}

static void test_stamp_over_other_arp_fields_dropped(void **state)
{
	struct fixture *f = *state;
	uint8_t in[128], st[6];
	size_t len = fx_arp(in, f->eps[EP_A].mac, 1, f->eps[EP_A].mac, IP_A, IP_B);

	stamp_apply(f->eps[EP_A].key, in, len);
	memcpy(st, in, 6);
	/* the target address: asks for C with a stamp made for B */
	fx_put32(in + ETH + 24, IP_C);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_STAMP_BAD);
	stamp_apply(f->eps[EP_A].key, in, len);
	assert_int_equal(fx_send(f, EP_A, in, len, NULL, NULL), TC_ACT_REDIRECT);
	/* the opcode */
	len = fx_arp(in, f->eps[EP_A].mac, 1, f->eps[EP_A].mac, IP_A, IP_B);
	memcpy(in, st, 6);
	assert_int_equal(fx_send(f, EP_A, in, len, NULL, NULL), TC_ACT_REDIRECT);
	in[ETH + 7] = 2;
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_STAMP_BAD);
	/* restamped, the reply passes the stamp; the bridge takes no replies */
	stamp_apply(f->eps[EP_A].key, in, len);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_ARP_UNSUPPORTED);
}

/* The stamp binds the header fields above, not the payload, the IP
 * checksum, the TCP acknowledgment and window, nor an ICMP echo id/seq
 * changed with the checksum left alone: changing those keeps it valid.
 * (The stamp proves which SNIC sent the headers, not the bytes' integrity.) */
static void test_stamp_uncovered_fields_keep_it_valid(void **state)
{
	struct fixture *f = *state;
	uint8_t in[FX_FRAME_MAX], st[6];
	size_t len = fx_tcp(f, in, EP_A, IP_B, 40000, 80, TCP_SYN, 1000, 0, "payload");

	memcpy(st, in, 6);
	in[IP4 + 20] ^= 0xff; /* payload */
	in[IP4 + 11] ^= 0x01; /* acknowledgment number */
	in[ETH + 10] ^= 0x01; /* IP checksum */
	in[IP4 + 14] ^= 0x01; /* window */
	memcpy(in, st, 6);
	fx_expect_to(f, EP_A, in, len, EP_B);

	len = fx_icmp(f, in, EP_A, IP_B, 8, 9, 1);
	in[IP4 + 5] ^= 0x01; /* echo id 9 -> 8, checksum as it was */
	in[IP4 + 7] ^= 0x01; /* echo seq */
	fx_expect_to(f, EP_A, in, len, EP_B);
}

/* A port without the guard flag takes unstamped frames; with it, not. */
static void test_stamp_required_only_with_guard(void **state)
{
	struct fixture *f = *state;
	uint8_t in[FX_FRAME_MAX];
	size_t len = fx_udp(f, in, EP_A, IP_B, 5353, 53, "query");

	memcpy(in, f->eps[EP_B].mac, 6);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_STAMP_MISSING);
	f->guard_on = false;
	fx_bind(f, EP_A);
	fx_expect_to(f, EP_A, in, len, EP_B);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    FX_TEST(test_stamp_valid_passes_and_is_stripped),
	    FX_TEST(test_stamp_missing_dropped),
	    FX_TEST(test_stamp_forged_dropped),
	    FX_TEST(test_stamp_over_other_ip_udp_fields_dropped),
	    FX_TEST(test_stamp_over_other_tcp_fields_dropped),
	    FX_TEST(test_stamp_over_other_icmp_fields_dropped),
	    FX_TEST(test_stamp_over_other_arp_fields_dropped),
	    FX_TEST(test_stamp_uncovered_fields_keep_it_valid),
	    FX_TEST(test_stamp_required_only_with_guard),
	};

	return fx_main("bpf_stamp", tests, sizeof(tests) / sizeof(tests[0]));
}
