// SPDX-License-Identifier: GPL-2.0-only
/*
 * Bridge port, ICMP errors (bpf/lib/related.h). An error (destination
 * unreachable, fragmentation needed, time exceeded) that quotes a packet
 * of a tracked, live flow, sent by the error's receiver to its sender,
 * goes to that receiver, counted as icmp-related, and leaves the entry as
 * it was; next to each, the twin that is not related is dropped
 * icmp-unrelated: no flow, another sender, another receiver, an expired
 * flow, an error about an error, a flow not checked since a policy
 * change, a later fragment. A redirect is never related.
 */
#include "fixture.h"
#include "ct_helpers.h"

#define FRAG_NEEDED  4 /* destination unreachable code */
#define PORT_UNREACH 3

/* An error of type/code from src to dst quoting the first 28 bytes of the
 * IPv4 packet of frame q (header and 8 bytes of L4); mtu for code 4. */
static size_t error_frame(struct fixture *f, uint8_t *b, int src, int dst, uint8_t type,
			  uint8_t code, const uint8_t *q, uint16_t mtu)
{
	uint8_t l4[64];
	size_t n = fx_l4_icmp(l4, type, code, 0, mtu, q + 14, 28);

	return fx_frame(f, b, src, f->eps[dst].ip, ICMP, l4, n);
}

/* Sends the error; want 0: it reaches dst, counted as related, else dropped with want. */
static void send_error(struct fixture *f, int src, int dst, uint8_t type, uint8_t code,
		       const uint8_t *q, int want)
{
	uint8_t in[FX_FRAME_MAX];
	size_t len = error_frame(f, in, src, dst, type, code, q, 1280);
	uint64_t related = fx_stat(f, HYP_STAT_RELATED);

	print_message("# icmp %u/%u %s -> %s: want %d\n", type, code, f->eps[src].name,
		      f->eps[dst].name, want);
	expect(f, src, in, len, dst, want);
	assert_int_equal(fx_stat(f, HYP_STAT_RELATED), related + (want ? 0 : 1));
}

/* A port unreachable and a fragmentation needed about a's UDP and TCP
 * flows reach a; the entries are unchanged. */
static void test_related_errors_reach_the_sender(void **state)
{
	struct fixture *f = *state;
	uint8_t q[FX_FRAME_MAX];
	struct hyp_ct_val before, after;

	fx_policy(f, NULL);
	udp(f, EP_A, EP_B, 5353, 53, 0);
	fx_udp(f, q, EP_A, IP_B, 5353, 53, "datagram");
	before = ct_of(f, EP_A, EP_B, UDP, 5353, 53);
	send_error(f, EP_B, EP_A, ICMP_DEST_UNREACH, PORT_UNREACH, q, 0);
	after = ct_of(f, EP_A, EP_B, UDP, 5353, 53);
	assert_int_equal(after.packets, before.packets);
	assert_int_equal(after.state, HYP_CT_NEW);
	assert_true(after.last_seen == before.last_seen);
	/* twin: the same error about a port pair with no flow */
	fx_udp(f, q, EP_A, IP_B, 5354, 53, "datagram");
	send_error(f, EP_B, EP_A, ICMP_DEST_UNREACH, PORT_UNREACH, q, UNREL);
	/* path MTU: a's TCP segment too big for the path */
	tcp(f, EP_A, EP_B, 40000, 80, TCP_SYN, 0);
	tcp(f, EP_B, EP_A, 80, 40000, TCP_SYN | TCP_ACK, 0);
	tcp(f, EP_A, EP_B, 40000, 80, TCP_ACK, 0);
	tcp_frame(f, q, EP_A, EP_B, 40000, 80, TCP_ACK);
	send_error(f, EP_B, EP_A, ICMP_DEST_UNREACH, FRAG_NEEDED, q, 0);
	send_error(f, EP_B, EP_A, ICMP_TIME_EXCEEDED, 0, q, 0);
	tcp_frame(f, q, EP_A, EP_B, 40001, 80, TCP_ACK);
	send_error(f, EP_B, EP_A, ICMP_DEST_UNREACH, FRAG_NEEDED, q, UNREL);
}

/* The error's sender started the flow: the quote is the receiver's reply
 * (b's flow to a; a's SYN-ACK quoted by b). An echo request quoted too. */
static void test_related_reply_and_echo(void **state)
{
	struct fixture *f = *state;
	uint8_t q[FX_FRAME_MAX];

	fx_policy(f, NULL);
	tcp(f, EP_B, EP_A, 40000, 80, TCP_SYN, 0);
	tcp(f, EP_A, EP_B, 80, 40000, TCP_SYN | TCP_ACK, 0);
	tcp_frame(f, q, EP_A, EP_B, 80, 40000, TCP_SYN | TCP_ACK);
	send_error(f, EP_B, EP_A, ICMP_DEST_UNREACH, FRAG_NEEDED, q, 0);
	/* a's echo request, quoted by c; another id is no flow */
	icmp(f, EP_A, EP_C, ICMP_ECHO, 77, 0);
	fx_icmp(f, q, EP_A, IP_C, ICMP_ECHO, 77, 1);
	send_error(f, EP_C, EP_A, ICMP_TIME_EXCEEDED, 0, q, 0);
	fx_icmp(f, q, EP_A, IP_C, ICMP_ECHO, 78, 1);
	send_error(f, EP_C, EP_A, ICMP_TIME_EXCEEDED, 0, q, UNREL);
}

/* Only the two ends of a flow: not a third endpoint, not about another
 * sender's packet, not about an expired flow. */
static void test_unrelated_ends(void **state)
{
	struct fixture *f = *state;
	uint8_t q[FX_FRAME_MAX];

	fx_wait_uptime(HYP_CT_TIMEOUT_UNREPLIED + 10);
	fx_policy(f, NULL);
	udp(f, EP_A, EP_B, 5353, 53, 0);
	udp(f, EP_C, EP_B, 5353, 53, 0);
	fx_udp(f, q, EP_A, IP_B, 5353, 53, "datagram");
	/* c is no end of a's flow to b */
	send_error(f, EP_C, EP_A, ICMP_DEST_UNREACH, PORT_UNREACH, q, UNREL);
	/* b about c's packet, sent to a */
	fx_udp(f, q, EP_C, IP_B, 5353, 53, "datagram");
	send_error(f, EP_B, EP_A, ICMP_DEST_UNREACH, PORT_UNREACH, q, UNREL);
	/* and to c, its sender: related */
	send_error(f, EP_B, EP_C, ICMP_DEST_UNREACH, PORT_UNREACH, q, 0);
	/* a's flow expired */
	ct_age(f, EP_A, EP_B, UDP, 5353, 53, HYP_CT_TIMEOUT_UNREPLIED + 5);
	fx_udp(f, q, EP_A, IP_B, 5353, 53, "datagram");
	send_error(f, EP_B, EP_A, ICMP_DEST_UNREACH, PORT_UNREACH, q, UNREL);
	ct_age(f, EP_A, EP_B, UDP, 5353, 53, HYP_CT_TIMEOUT_UNREPLIED - 5);
	send_error(f, EP_B, EP_A, ICMP_DEST_UNREACH, PORT_UNREACH, q, 0);
}

/* An error about an error names no flow; a later fragment quotes no
 * ports; a redirect is not an error the bridge relates; a truncated
 * quote is malformed. */
static void test_unrelated_shapes(void **state)
{
	struct fixture *f = *state;
	uint8_t q[FX_FRAME_MAX], e[FX_FRAME_MAX], in[FX_FRAME_MAX], l4[64];
	size_t len;

	fx_policy(f, NULL);
	udp(f, EP_A, EP_B, 5353, 53, 0);
	fx_udp(f, q, EP_A, IP_B, 5353, 53, "datagram");
	error_frame(f, e, EP_A, EP_B, ICMP_DEST_UNREACH, PORT_UNREACH, q, 0);
	send_error(f, EP_B, EP_A, ICMP_DEST_UNREACH, PORT_UNREACH, e, UNREL);
	q[14 + 6] = 0x20; /* MF, offset 8: a later fragment */
	q[14 + 7] = 0x01;
	send_error(f, EP_B, EP_A, ICMP_DEST_UNREACH, PORT_UNREACH, q, UNREL);
	q[14 + 6] = 0x40; /* DF again: the twin */
	q[14 + 7] = 0x00;
	send_error(f, EP_B, EP_A, ICMP_DEST_UNREACH, PORT_UNREACH, q, 0);
	send_error(f, EP_B, EP_A, ICMP_REDIRECT, 1, q, HYP_DROP_CT_INVALID);
	len = fx_frame(f, in, EP_B, IP_A, ICMP, l4,
		       fx_l4_icmp(l4, ICMP_DEST_UNREACH, PORT_UNREACH, 0, 0, q + 14, 20));
	fx_expect_drop(f, EP_B, in, len, HYP_DROP_MALFORMED);
}

/*
 * A flow not checked since the last policy change carries no error (it
 * may now be denied); its own next packet, checked and allowed, lets the
 * errors through again; one denied cuts it, and the errors stay out.
 */
static void test_related_after_policy_change(void **state)
{
	struct fixture *f = *state;
	uint8_t q[FX_FRAME_MAX];

	fx_policy(f, NULL);
	udp(f, EP_A, EP_B, 5353, 53, 0);
	udp(f, EP_A, EP_C, 5353, 53, 0);
	fx_policy(f, "apiVersion: networking.k8s.io/v1\n"
		     "kind: NetworkPolicy\n"
		     "metadata: {name: db-deny}\n"
		     "spec:\n"
		     "  podSelector: {matchLabels: {app: db}}\n"
		     "  policyTypes: [Ingress]\n");
	fx_udp(f, q, EP_A, IP_C, 5353, 53, "datagram");
	send_error(f, EP_C, EP_A, ICMP_DEST_UNREACH, PORT_UNREACH, q, UNREL);
	udp(f, EP_A, EP_C, 5353, 53, 0); /* checked again: still allowed */
	send_error(f, EP_C, EP_A, ICMP_DEST_UNREACH, PORT_UNREACH, q, 0);
	fx_udp(f, q, EP_A, IP_B, 5353, 53, "datagram");
	udp(f, EP_A, EP_B, 5353, 53, HYP_DROP_POLICY_REVOKED);
	send_error(f, EP_B, EP_A, ICMP_DEST_UNREACH, PORT_UNREACH, q, UNREL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    FX_TEST(test_related_errors_reach_the_sender),
	    FX_TEST(test_related_reply_and_echo),
	    FX_TEST(test_unrelated_ends),
	    FX_TEST(test_unrelated_shapes),
	    FX_TEST(test_related_after_policy_change),
	};

	return fx_main("bpf_ct_related", tests, sizeof(tests) / sizeof(tests[0]));
}
