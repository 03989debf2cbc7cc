// SPDX-License-Identifier: GPL-2.0-only
/*
 * Bridge port, inspection evasions (bpf/lib/inspect_norm.h, inspect.h):
 * each test crafts the frames of one way to get bytes to the receiver
 * that the walk did not see, or saw otherwise, shows the evasion dropped
 * under its own reason (or the pattern found after it), and has its twin:
 * the same frames made valid get through.
 */
#include "inspect_flow.h"

/* ---- IPv4 ---- */

/*
 * A segment with a bad IPv4 checksum is discarded by the receiver: walked,
 * it would let the real bytes at the same numbers pass as "already seen".
 * Dropped unwalked; the real segment after it is walked and blocked.
 */
static void test_ev_ip_checksum(void **state)
{
	struct fixture *f = *state;
	struct seg bad = {.bad_csum = true};
	struct tflow t;

	fx_inspect(f, db_drop, NULL, NULL);
	open_flow(f, &t, SPORT, NULL, NULL);
	send_seg(f, &t, 0, "zzzzzzzzzzzzz", &bad, HYP_DROP_INSPECT_IP_CSUM);
	send_blocked(f, &t, "attack-string");
	/* twin: the same segment with its checksum right passes */
	open_flow(f, &t, SPORT + 1, NULL, NULL);
	send_seg(f, &t, 0, "zzzzzzzzzzzzz", NULL, 0);
}

/*
 * Bytes past the IPv4 total length are not the receiver's: a frame that
 * carries them (here the pattern itself) is dropped, and so is one whose
 * total length claims more than it has. The twin without them passes.
 */
static void test_ev_ip_length(void **state)
{
	struct fixture *f = *state;
	struct seg trailing = {.trailing = 20}, longer = {.long_len = 8};
	struct tflow t;

	fx_inspect(f, db_drop, NULL, NULL);
	open_flow(f, &t, SPORT, NULL, NULL);
	send_seg(f, &t, 0, "hello", &trailing, HYP_DROP_INSPECT_IP_LEN);
	send_seg(f, &t, 0, "hello", &longer, HYP_DROP_INSPECT_IP_LEN);
	send_seg(f, &t, 0, "hello", NULL, 0);
	send_blocked(f, &t, "attack-string");
}

/*
 * The receiver reads a datagram's UDP length of bytes: bytes past it are
 * not walked (walked, "attack-" + a hidden "zz" would hide the pattern
 * the next datagram completes), and a UDP length past the packet is
 * malformed. The twin: the same split missed by one byte passes.
 */
static void test_ev_udp_length(void **state)
{
	struct fixture *f = *state;
	uint8_t in[FX_FRAME_MAX], l4[64];
	size_t len;

	fx_inspect(f, db_drop, NULL, NULL);
	len = fx_l4_udp(l4, 5000, 53, "attack-zz", 9);
	put16(l4 + 4, 8 + 7); /* the receiver reads "attack-" */
	len = fx_frame(f, in, EP_A, IP_B, IPPROTO_UDP_, l4, len);
	fx_expect_to(f, EP_A, in, len, EP_B);
	len = fx_udp(f, in, EP_A, IP_B, 5000, 53, "string");
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_INSPECT_MATCH);
	len = fx_l4_udp(l4, 5001, 53, "attack-", 7);
	put16(l4 + 4, 8 + 20);
	len = fx_frame(f, in, EP_A, IP_B, IPPROTO_UDP_, l4, len);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_MALFORMED);
	len = fx_l4_udp(l4, 5002, 53, "attack-zz", 9);
	put16(l4 + 4, 8 + 7);
	len = fx_frame(f, in, EP_A, IP_B, IPPROTO_UDP_, l4, len);
	fx_expect_to(f, EP_A, in, len, EP_B);
	len = fx_udp(f, in, EP_A, IP_B, 5002, 53, "strinG");
	fx_expect_to(f, EP_A, in, len, EP_B);
}

/* ---- TCP: what the receiver takes as stream bytes ---- */

/* Data without ACK is discarded by the receiver: dropped, not walked. */
static void test_ev_data_without_ack(void **state)
{
	struct fixture *f = *state;
	struct seg noack = {.flags = TCP_PSH};
	struct tflow t;

	fx_inspect(f, db_drop, NULL, NULL);
	open_flow(f, &t, SPORT, NULL, NULL);
	send_seg(f, &t, 0, "zzzzzzzzzzzzz", &noack, HYP_DROP_INSPECT_NO_ACK);
	send_blocked(f, &t, "attack-string");
	open_flow(f, &t, SPORT + 1, NULL, NULL);
	send_seg(f, &t, 0, "zzzzzzzzzzzzz", NULL, 0);
}

/*
 * A SYN's payload is not delivered without Fast Open (the client sends it
 * again after the handshake): walked, it would shift the walk's numbers
 * so that the real bytes pass as a retransmission. The SYN is dropped;
 * the plain SYN (the twin) opens the flow, whose data is walked.
 */
static void test_ev_syn_payload(void **state)
{
	struct fixture *f = *state;
	struct seg syn = {.flags = TCP_SYN};
	struct tflow t = {.a = EP_A, .b = EP_B, .sport = SPORT, .seq = {1000, 9000}};

	fx_inspect(f, db_drop, NULL, NULL);
	send_seg(f, &t, 0, "zzzzzzzzzzzzz", &syn, HYP_DROP_INSPECT_SYN_DATA);
	open_flow(f, &t, SPORT, NULL, NULL);
	send_blocked(f, &t, "attack-string");
	open_flow(f, &t, SPORT + 1, NULL, NULL);
	send_seg(f, &t, 0, "attack-strin", NULL, 0);
}

/*
 * The urgent pointer takes a byte out of the stream the application reads
 * ("attack-Xstring" reads "attack-string"), even when set on a segment
 * before that byte: any segment with URG is dropped.
 */
static void test_ev_urgent(void **state)
{
	struct fixture *f = *state;
	struct seg urg = {.flags = TCP_ACK | TCP_PSH | 0x20, .urg = 8};
	struct seg urg_bare = {.flags = TCP_ACK | 0x20, .urg = 8};
	struct tflow t;

	fx_inspect(f, db_drop, NULL, NULL);
	open_flow(f, &t, SPORT, NULL, NULL);
	send_seg(f, &t, 0, "attack-Xstring", &urg, HYP_DROP_INSPECT_URG);
	send_seg(f, &t, 0, "", &urg_bare, HYP_DROP_INSPECT_URG);
	send_seg(f, &t, 0, "attack-Xstring", NULL, 0);
}

/*
 * Bytes walked but not yet acknowledged, sent again with other content:
 * the receiver may not hold the first copy (it may have discarded it), so
 * the second could be delivered unwalked. Dropped whatever it holds. Once
 * the receiver acknowledged them, a copy is a duplicate it discards:
 * passed, not walked (the twin).
 */
static void test_ev_overlap(void **state)
{
	struct fixture *f = *state;
	struct tflow t;
	uint32_t start;

	fx_inspect(f, db_drop, NULL, NULL);
	open_flow(f, &t, SPORT, NULL, NULL);
	start = t.seq[0];
	send_seg(f, &t, 0, "zzzzzzz", NULL, 0);
	t.seq[0] = start; /* the same numbers again, other bytes */
	send_seg(f, &t, 0, "attack-", NULL, HYP_DROP_INSPECT_OVERLAP);
	send_seg(f, &t, 0, "zzz", NULL, HYP_DROP_INSPECT_OVERLAP); /* a part of them */
	t.seq[0] = start + 7;
	send_seg(f, &t, 0, "string", NULL, 0); /* "zzzzzzz" + "string": nothing */
	ack_from_b(f, &t, 0);
	t.seq[0] = start; /* twin: acknowledged bytes again, passed, not walked */
	send_seg(f, &t, 0, "attack-", NULL, 0);
	t.seq[0] = start + 13;
	send_blocked(f, &t, "attack-string");
}

/*
 * Data past the right edge of the receiver's window is discarded by it:
 * dropped. The window comes from b's segments: its SYN-ACK offers 10
 * bytes (a SYN's window is never scaled), a later ACK 10 more. A bare ACK
 * is never held up, wherever its number is.
 */
static void test_ev_window(void **state)
{
	struct fixture *f = *state;
	struct seg small = {.win = 10}, bare = {.flags = TCP_ACK};
	struct tflow t;

	fx_inspect(f, db_drop, NULL, NULL);
	open_flow(f, &t, SPORT, NULL, &small);
	send_seg(f, &t, 0, "attack-string", NULL, HYP_DROP_INSPECT_WINDOW);
	send_seg(f, &t, 0, "0123456789", NULL, 0);
	send_seg(f, &t, 0, "x", NULL, HYP_DROP_INSPECT_WINDOW);
	t.seq[0]++; /* a bare ACK from past the dropped byte: nothing to walk, passed */
	send_seg(f, &t, 0, "", &bare, 0);
	t.seq[0]--;
	ack_from_b(f, &t, 10);
	send_seg(f, &t, 0, "0123456789", NULL, 0);
}

/*
 * The window is scaled as the handshake says: both SYNs offer a shift of
 * 7, so b's window of 8 after it is 1024 bytes and a 600-byte segment
 * fits. When b's SYN-ACK offers no scale, scaling is off: 8 bytes, and
 * the same segment is past the window.
 */
static void test_ev_window_scale(void **state)
{
	struct fixture *f = *state;
	struct seg syn = {.wscale = 8}, synack = {.wscale = 8, .win = 8}, plain = {.win = 8};
	char big[601];
	struct tflow t;

	memset(big, 'x', 600);
	big[600] = 0;
	fx_inspect(f, db_drop, NULL, NULL);
	open_flow(f, &t, SPORT, &syn, &synack);
	ack_from_b(f, &t, 8);
	send_seg(f, &t, 0, big, NULL, 0);
	open_flow(f, &t, SPORT + 1, &syn, &plain);
	ack_from_b(f, &t, 8);
	send_seg(f, &t, 0, big, NULL, HYP_DROP_INSPECT_WINDOW);
}

/* ---- protocols ---- */

/*
 * b's patterns cover TCP port 80: UDP payload to port 80 is not walked by
 * them, and is dropped rather than passed uninspected; UDP to another port
 * is not theirs and passes. The twins: TCP to port 80 is walked (and a
 * benign segment passes); with UDP port 80 listed too, the datagram is
 * walked, and passes when benign.
 */
static void test_ev_protocol(void **state)
{
	struct fixture *f = *state;
	uint8_t in[FX_FRAME_MAX];
	struct tflow t;
	size_t len;

	fx_inspect(f, db_tcp80, NULL, NULL);
	len = fx_udp(f, in, EP_A, IP_B, 5000, 80, "harmless datagram");
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_INSPECT_PROTO);
	len = fx_udp(f, in, EP_A, IP_B, 5000, 81, "attack-string");
	fx_expect_to(f, EP_A, in, len, EP_B);
	open_flow(f, &t, SPORT, NULL, NULL);
	send_seg(f, &t, 0, "harmless segment", NULL, 0);
	send_blocked(f, &t, "attack-string");
	fx_inspect(f, db_tcp_udp80, NULL, NULL);
	len = fx_udp(f, in, EP_A, IP_B, 5001, 80, "harmless datagram");
	fx_expect_to(f, EP_A, in, len, EP_B);
	len = fx_udp(f, in, EP_A, IP_B, 5001, 80, "attack-string");
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_INSPECT_MATCH);
}

/*
 * Patterns that list no ports cover every port and protocol: ICMP echo
 * data to b is not walked, and is dropped. The twin: the same echo to c,
 * whose traffic no pattern covers, passes.
 */
static void test_ev_protocol_other(void **state)
{
	struct fixture *f = *state;
	uint8_t in[FX_FRAME_MAX];
	size_t len;

	fx_inspect(f, db_drop, NULL, NULL);
	len = fx_icmp(f, in, EP_A, IP_B, 8, 0x4242, 1);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_INSPECT_PROTO);
	len = fx_icmp(f, in, EP_A, IP_C, 8, 0x4242, 1);
	fx_expect_to(f, EP_A, in, len, EP_C);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    FX_TEST(test_ev_ip_checksum),    FX_TEST(test_ev_ip_length),
	    FX_TEST(test_ev_udp_length),     FX_TEST(test_ev_data_without_ack),
	    FX_TEST(test_ev_syn_payload),    FX_TEST(test_ev_urgent),
	    FX_TEST(test_ev_overlap),	     FX_TEST(test_ev_window),
	    FX_TEST(test_ev_window_scale),   FX_TEST(test_ev_protocol),
	    FX_TEST(test_ev_protocol_other),
	};

	return fx_main("bpf_inspect_evasion", tests, sizeof(tests) / sizeof(tests[0]));
}
