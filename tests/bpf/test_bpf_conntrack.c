// SPDX-License-Identifier: GPL-2.0-only
/*
 * Bridge port, conntrack stage on its own (bpf/lib/conntrack.h): which
 * packets start a flow, the TCP state machine, replies passing by their
 * entry, unsolicited packets dropped (ct-invalid), the ICMP echo type
 * check, expiry, the fresh SYN on a finished flow, and policy re-checks at
 * a flow's next packet after a change. Quotas, unanswered flows, a full
 * table and ICMP errors: test_bpf_ct_fair.c.
 *
 * Ages are set by writing last_seen in the past into the entry (the
 * datapath reads CLOCK_MONOTONIC through bpf_ktime_get_ns()): the test
 * controls how old a flow is. The 24 h timeout of an established TCP flow
 * can only be crossed that way on a machine up for more than a day; below
 * that, the test shows an established flow outliving the 30 s timeouts and
 * says that the 24 h expiry itself was not reached.
 *
 * Policies are loaded with the daemon's path (fixture.h: fx_policy).
 */
#include "fixture.h"

#define TCP  IPPROTO_TCP_
#define UDP  IPPROTO_UDP_
#define ICMP IPPROTO_ICMP_
#define INV  HYP_DROP_CT_INVALID
#define ING  HYP_DROP_POLICY_INGRESS

#define ICMP_ECHO_REPLY 0
#define ICMP_ECHO	8

/* web (a and e) takes no new flow: replies to its own flows only */
static const char *web_ingress_deny = "apiVersion: networking.k8s.io/v1\n"
				      "kind: NetworkPolicy\n"
				      "metadata: {name: web-deny}\n"
				      "spec:\n"
				      "  podSelector: {matchLabels: {app: web}}\n"
				      "  policyTypes: [Ingress]\n";

/* db (b) takes no new flow */
static const char *db_ingress_deny = "apiVersion: networking.k8s.io/v1\n"
				     "kind: NetworkPolicy\n"
				     "metadata: {name: db-deny}\n"
				     "spec:\n"
				     "  podSelector: {matchLabels: {app: db}}\n"
				     "  policyTypes: [Ingress]\n";

/* db takes TCP 80 from web */
static const char *db_allow_web_80 = "apiVersion: networking.k8s.io/v1\n"
				     "kind: NetworkPolicy\n"
				     "metadata: {name: db-80}\n"
				     "spec:\n"
				     "  podSelector: {matchLabels: {app: db}}\n"
				     "  ingress:\n"
				     "  - from: [{podSelector: {matchLabels: {app: web}}}]\n"
				     "    ports: [{protocol: TCP, port: 80}]\n";

static void expect(struct fixture *f, int src, const uint8_t *in, size_t len, int dst, int want)
{
	if (want)
		fx_expect_drop(f, src, in, len, (uint32_t)want);
	else
		fx_expect_to(f, src, in, len, dst);
}

static void tcp(struct fixture *f, int src, int dst, uint16_t sport, uint16_t dport, uint8_t flags,
		uint32_t seq, int want)
{
	uint8_t in[FX_FRAME_MAX];
	size_t len = fx_tcp(f, in, src, f->eps[dst].ip, sport, dport, flags, seq,
			    flags & TCP_ACK ? 1 : 0, NULL);

	print_message("# tcp %s:%u -> %s:%u flags 0x%02x: want %d\n", f->eps[src].name, sport,
		      f->eps[dst].name, dport, flags, want);
	expect(f, src, in, len, dst, want);
}

static void udp(struct fixture *f, int src, int dst, uint16_t sport, uint16_t dport, int want)
{
	uint8_t in[FX_FRAME_MAX];
	size_t len = fx_udp(f, in, src, f->eps[dst].ip, sport, dport, "datagram");

	expect(f, src, in, len, dst, want);
}

static void icmp(struct fixture *f, int src, int dst, uint8_t type, uint16_t id, int want)
{
	uint8_t in[FX_FRAME_MAX];
	size_t len = fx_icmp(f, in, src, f->eps[dst].ip, type, id, 1);

	print_message("# icmp %s -> %s type %u id %u: want %d\n", f->eps[src].name,
		      f->eps[dst].name, type, id, want);
	expect(f, src, in, len, dst, want);
}

static struct hyp_ct_val ct_of(struct fixture *f, int src, int dst, uint8_t proto, uint16_t sport,
			       uint16_t dport)
{
	struct hyp_ct_key k = fx_ct_key(f->eps[src].ip, f->eps[dst].ip, proto, sport, dport);
	struct hyp_ct_val v;

	if (fx_ct_get(f, &k, &v))
		fail_msg("no conntrack entry %s:%u -> %s:%u proto %u", f->eps[src].name, sport,
			 f->eps[dst].name, dport, proto);
	return v;
}

static bool ct_exists(struct fixture *f, int src, int dst, uint8_t proto, uint16_t sport,
		      uint16_t dport)
{
	struct hyp_ct_key k = fx_ct_key(f->eps[src].ip, f->eps[dst].ip, proto, sport, dport);
	struct hyp_ct_val v;

	return fx_ct_get(f, &k, &v) == 0;
}

/* Writes an entry src -> dst in state, last seen age_s seconds ago, checked
 * against the current policy revision. */
static void ct_plant(struct fixture *f, int src, int dst, uint8_t proto, uint16_t sport,
		     uint16_t dport, uint8_t state, uint8_t flags, uint64_t age_s)
{
	struct hyp_ct_key k = fx_ct_key(f->eps[src].ip, f->eps[dst].ip, proto, sport, dport);
	struct hyp_ct_val v = {};
	uint64_t now = fx_now_ns();

	assert_true(now > age_s * FX_NS);
	v.last_seen = now - age_s * FX_NS;
	v.packets = 5;
	v.rev = fx_config(f).policy_rev;
	v.state = state;
	v.flags = flags;
	fx_ct_put(f, &k, &v);
}

static void test_ct_new_flow_creates_entry(void **state)
{
	struct fixture *f = *state;
	struct hyp_ct_val v;
	uint64_t t0, t1;

	fx_policy(f, NULL);
	t0 = fx_now_coarse_ns(); /* the datapath stamps entries with the coarse clock */
	tcp(f, EP_A, EP_B, 40000, 80, TCP_SYN, 100, 0);
	t1 = fx_now_ns();
	v = ct_of(f, EP_A, EP_B, TCP, 40000, 80);
	assert_int_equal(v.state, HYP_CT_SYN_SENT);
	assert_int_equal(v.packets, 1);
	assert_int_equal(v.rev, fx_config(f).policy_rev);
	assert_true(v.last_seen >= t0 && v.last_seen <= t1);
	/* keyed in the direction of the first packet only */
	assert_false(ct_exists(f, EP_B, EP_A, TCP, 80, 40000));

	udp(f, EP_A, EP_C, 5353, 53, 0);
	assert_int_equal(ct_of(f, EP_A, EP_C, UDP, 5353, 53).state, HYP_CT_NEW);
	icmp(f, EP_A, EP_C, ICMP_ECHO, 77, 0);
	assert_int_equal(ct_of(f, EP_A, EP_C, ICMP, 77, 77).state, HYP_CT_NEW);
}

/* The handshake, with web's ingress closed: b's SYN-ACK and data pass as
 * replies; a new flow from b to a does not. */
static void test_ct_tcp_handshake_replies_pass(void **state)
{
	struct fixture *f = *state;
	struct hyp_ct_val v;

	fx_policy(f, web_ingress_deny);
	tcp(f, EP_A, EP_B, 40001, 80, TCP_SYN, 100, 0);
	tcp(f, EP_B, EP_A, 80, 40001, TCP_SYN | TCP_ACK, 500, 0);
	assert_int_equal(ct_of(f, EP_A, EP_B, TCP, 40001, 80).state, HYP_CT_SYN_RECV);
	tcp(f, EP_A, EP_B, 40001, 80, TCP_ACK, 101, 0);
	assert_int_equal(ct_of(f, EP_A, EP_B, TCP, 40001, 80).state, HYP_CT_ESTABLISHED);
	tcp(f, EP_B, EP_A, 80, 40001, TCP_ACK | TCP_PSH, 501, 0);
	tcp(f, EP_A, EP_B, 40001, 80, TCP_ACK | TCP_PSH, 101, 0);
	v = ct_of(f, EP_A, EP_B, TCP, 40001, 80);
	assert_int_equal(v.state, HYP_CT_ESTABLISHED);
	assert_int_equal(v.packets, 1); /* the first packet; not counted per packet */
	/* twin: b opening its own flow to a is a new flow, denied */
	tcp(f, EP_B, EP_A, 80, 40002, TCP_SYN, 500, ING);
}

/* An initiator with the lower port (its packets are looked up as replies
 * first, conntrack.h): its flow is found both ways all the same, and a
 * packet that is not of it is not. */
static void test_ct_low_port_initiator(void **state)
{
	struct fixture *f = *state;

	fx_policy(f, web_ingress_deny);
	tcp(f, EP_A, EP_B, 80, 40100, TCP_SYN, 100, 0);
	assert_false(ct_exists(f, EP_B, EP_A, TCP, 40100, 80));
	tcp(f, EP_B, EP_A, 40100, 80, TCP_SYN | TCP_ACK, 500, 0);
	assert_int_equal(ct_of(f, EP_A, EP_B, TCP, 80, 40100).state, HYP_CT_SYN_RECV);
	tcp(f, EP_A, EP_B, 80, 40100, TCP_ACK, 101, 0);
	assert_int_equal(ct_of(f, EP_A, EP_B, TCP, 80, 40100).state, HYP_CT_ESTABLISHED);
	tcp(f, EP_B, EP_A, 40100, 80, TCP_ACK | TCP_PSH, 501, 0);
	/* twin: b's SYN from that port is no flow start inside a's flow */
	tcp(f, EP_B, EP_A, 40100, 80, TCP_SYN, 500, INV);
	udp(f, EP_A, EP_B, 53, 40101, 0);
	udp(f, EP_B, EP_A, 40101, 53, 0);
	assert_int_equal(ct_of(f, EP_A, EP_B, UDP, 53, 40101).state, HYP_CT_REPLIED);
}

/* No entry: nothing but a flow start passes, whatever the policy (none here). */
static void test_ct_unsolicited_dropped(void **state)
{
	static const uint8_t bad[] = {
	    TCP_SYN | TCP_ACK, TCP_ACK,		  TCP_RST,
	    TCP_RST | TCP_ACK, TCP_FIN | TCP_ACK, TCP_SYN | TCP_FIN,
	    TCP_SYN | TCP_RST, TCP_ACK | TCP_PSH, 0,
	};
	struct fixture *f = *state;

	fx_policy(f, NULL);
	for (size_t i = 0; i < sizeof(bad); i++) {
		tcp(f, EP_B, EP_A, 80, 41000, bad[i], 1, INV);
		assert_false(ct_exists(f, EP_B, EP_A, TCP, 80, 41000));
	}
	icmp(f, EP_B, EP_A, ICMP_ECHO_REPLY, 5, INV);
	icmp(f, EP_B, EP_A, 13, 5, INV); /* timestamp request */
	/* twins: a SYN and an echo request start flows */
	tcp(f, EP_B, EP_A, 80, 41000, TCP_SYN, 1, 0);
	icmp(f, EP_B, EP_A, ICMP_ECHO, 5, 0);
}

static void test_ct_syn_sent_wants_syn_ack(void **state)
{
	struct fixture *f = *state;
	struct hyp_ct_val v;

	fx_policy(f, NULL);
	tcp(f, EP_A, EP_B, 40010, 80, TCP_SYN, 100, 0);
	/* the responder must answer SYN-ACK */
	tcp(f, EP_B, EP_A, 80, 40010, TCP_ACK, 500, INV);
	tcp(f, EP_B, EP_A, 80, 40010, TCP_SYN, 500, INV);
	tcp(f, EP_B, EP_A, 80, 40010, TCP_ACK | TCP_PSH, 500, INV);
	/* the initiator may only repeat its SYN */
	tcp(f, EP_A, EP_B, 40010, 80, TCP_ACK, 101, INV);
	v = ct_of(f, EP_A, EP_B, TCP, 40010, 80);
	assert_int_equal(v.state, HYP_CT_SYN_SENT);
	tcp(f, EP_A, EP_B, 40010, 80, TCP_SYN, 100, 0); /* retransmitted SYN */
	v = ct_of(f, EP_A, EP_B, TCP, 40010, 80);
	assert_int_equal(v.state, HYP_CT_SYN_SENT);
	assert_int_equal(v.packets, 1);
	tcp(f, EP_B, EP_A, 80, 40010, TCP_SYN | TCP_ACK, 500, 0);
	assert_int_equal(ct_of(f, EP_A, EP_B, TCP, 40010, 80).state, HYP_CT_SYN_RECV);
}

static void test_ct_fin_and_rst(void **state)
{
	struct fixture *f = *state;

	fx_policy(f, NULL);
	ct_plant(f, EP_A, EP_B, TCP, 40020, 80, HYP_CT_ESTABLISHED, 0, 0);
	tcp(f, EP_A, EP_B, 40020, 80, TCP_FIN | TCP_ACK, 100, 0);
	assert_int_equal(ct_of(f, EP_A, EP_B, TCP, 40020, 80).state, HYP_CT_FIN_WAIT);
	tcp(f, EP_B, EP_A, 80, 40020, TCP_FIN | TCP_ACK, 500, 0);
	assert_int_equal(ct_of(f, EP_A, EP_B, TCP, 40020, 80).state, HYP_CT_CLOSING);
	tcp(f, EP_A, EP_B, 40020, 80, TCP_ACK, 101, 0);
	/* a RST passes and removes the entry; what follows is unsolicited */
	tcp(f, EP_B, EP_A, 80, 40020, TCP_RST, 501, 0);
	assert_false(ct_exists(f, EP_A, EP_B, TCP, 40020, 80));
	tcp(f, EP_A, EP_B, 40020, 80, TCP_ACK, 101, INV);
}

/* UDP: a reply passes by its entry although web's ingress is closed; the
 * same datagram on another port pair is a new flow. */
static void test_ct_udp_reply(void **state)
{
	struct fixture *f = *state;

	fx_policy(f, web_ingress_deny);
	udp(f, EP_A, EP_B, 5353, 53, 0);
	udp(f, EP_B, EP_A, 53, 5353, 0);
	assert_int_equal(ct_of(f, EP_A, EP_B, UDP, 5353, 53).state, HYP_CT_REPLIED);
	udp(f, EP_B, EP_A, 53, 5354, ING);
	udp(f, EP_B, EP_A, 54, 5353, ING);
}

/*
 * An ICMP echo flow carries echo requests from the initiator and echo
 * replies from the responder, nothing else: another type either way is
 * ct-invalid, and the entry stays.
 */
static void test_ct_icmp_type_check(void **state)
{
	struct fixture *f = *state;

	fx_policy(f, NULL);
	icmp(f, EP_A, EP_B, ICMP_ECHO, 7, 0);
	icmp(f, EP_B, EP_A, ICMP_ECHO_REPLY, 7, 0);
	assert_int_equal(ct_of(f, EP_A, EP_B, ICMP, 7, 7).state, HYP_CT_REPLIED);
	/* original direction: only echo requests */
	icmp(f, EP_A, EP_B, ICMP_ECHO_REPLY, 7, INV);
	icmp(f, EP_A, EP_B, 13, 7, INV);
	icmp(f, EP_A, EP_B, ICMP_ECHO, 7, 0);
	/* reply direction: only echo replies */
	icmp(f, EP_B, EP_A, ICMP_ECHO, 7, INV);
	icmp(f, EP_B, EP_A, 14, 7, INV);
	icmp(f, EP_B, EP_A, ICMP_ECHO_REPLY, 7, 0);
	assert_int_equal(ct_of(f, EP_A, EP_B, ICMP, 7, 7).packets, 1);
	/* before any reply, too */
	icmp(f, EP_A, EP_C, ICMP_ECHO, 8, 0);
	icmp(f, EP_C, EP_A, ICMP_ECHO, 8, INV);
	icmp(f, EP_A, EP_C, ICMP_ECHO_REPLY, 8, INV);
	icmp(f, EP_C, EP_A, ICMP_ECHO_REPLY, 8, 0);
}

/* TCP states with a short timeout (handshake, closing): aged past it, the
 * next non-SYN packet finds no flow; a fresh one still does. */
static void test_ct_expiry_tcp(void **state)
{
	static const uint8_t states[] = {HYP_CT_SYN_RECV, HYP_CT_FIN_WAIT, HYP_CT_CLOSING};
	struct fixture *f = *state;
	uint16_t sport = 42000;

	fx_wait_uptime(HYP_CT_TIMEOUT_FIN + 10);
	fx_policy(f, NULL);
	for (size_t i = 0; i < sizeof(states); i++, sport++) {
		uint32_t t = hyp_ct_timeout(TCP, states[i]);

		print_message("# state %u aged %u s (timeout %u s)\n", states[i], t + 5, t);
		ct_plant(f, EP_A, EP_B, TCP, sport, 80, states[i], 0, t + 5);
		tcp(f, EP_A, EP_B, sport, 80, TCP_ACK, 100, INV);
		assert_false(ct_exists(f, EP_A, EP_B, TCP, sport, 80));
		/* the reply direction too */
		ct_plant(f, EP_A, EP_B, TCP, sport, 80, states[i], 0, t + 5);
		tcp(f, EP_B, EP_A, 80, sport, TCP_ACK, 100, INV);
		assert_false(ct_exists(f, EP_A, EP_B, TCP, sport, 80));
		/* twin: within the timeout */
		ct_plant(f, EP_A, EP_B, TCP, sport, 80, states[i], 0, t - 5);
		tcp(f, EP_A, EP_B, sport, 80, TCP_ACK, 100, 0);
		assert_true(ct_of(f, EP_A, EP_B, TCP, sport, 80).last_seen > fx_now_ns() - FX_NS);
	}
	/* SYN_SENT aged out: the responder's SYN-ACK is unsolicited */
	ct_plant(f, EP_A, EP_B, TCP, sport, 80, HYP_CT_SYN_SENT, 0, HYP_CT_TIMEOUT_SYN + 5);
	tcp(f, EP_B, EP_A, 80, sport, TCP_SYN | TCP_ACK, 100, INV);
	ct_plant(f, EP_A, EP_B, TCP, sport, 80, HYP_CT_SYN_SENT, 0, HYP_CT_TIMEOUT_SYN - 5);
	tcp(f, EP_B, EP_A, 80, sport, TCP_SYN | TCP_ACK, 100, 0);
}

/* An established flow has the long timeout: it outlives the 30 s ones. */
static void test_ct_expiry_established(void **state)
{
	struct fixture *f = *state;
	uint64_t up;

	fx_wait_uptime(HYP_CT_TIMEOUT_FIN + 10);
	up = fx_now_ns() / FX_NS;
	fx_policy(f, NULL);
	ct_plant(f, EP_A, EP_B, TCP, 43000, 80, HYP_CT_ESTABLISHED, 0, HYP_CT_TIMEOUT_FIN + 5);
	tcp(f, EP_A, EP_B, 43000, 80, TCP_ACK, 100, 0);
	ct_plant(f, EP_A, EP_B, TCP, 43001, 80, HYP_CT_ESTABLISHED, 0, up - 1);
	tcp(f, EP_B, EP_A, 80, 43001, TCP_ACK, 100, up - 1 > HYP_CT_TIMEOUT_TCP ? INV : 0);
	if (up > HYP_CT_TIMEOUT_TCP + 10) {
		ct_plant(f, EP_A, EP_B, TCP, 43002, 80, HYP_CT_ESTABLISHED, 0,
			 HYP_CT_TIMEOUT_TCP + 5);
		tcp(f, EP_A, EP_B, 43002, 80, TCP_ACK, 100, INV);
		ct_plant(f, EP_A, EP_B, TCP, 43002, 80, HYP_CT_ESTABLISHED, 0,
			 HYP_CT_TIMEOUT_TCP - 5);
		tcp(f, EP_A, EP_B, 43002, 80, TCP_ACK, 100, 0);
	} else {
		print_message("# uptime %llu s: the 24 h established timeout cannot be crossed "
			      "(last_seen would be before boot); not exercised\n",
			      (unsigned long long)up);
	}
}

/* UDP and ICMP: expired, a reply is no longer one. With web's ingress
 * closed, b's UDP "reply" is a new flow and denied; an echo reply is not a
 * flow start at all. A new datagram from a starts a fresh entry. */
static void test_ct_expiry_udp_icmp(void **state)
{
	struct fixture *f = *state;
	struct hyp_ct_val v;

	fx_wait_uptime(HYP_CT_TIMEOUT_UDP + 10);
	fx_policy(f, web_ingress_deny);
	ct_plant(f, EP_A, EP_B, UDP, 5000, 53, HYP_CT_REPLIED, 0, HYP_CT_TIMEOUT_UDP + 5);
	udp(f, EP_B, EP_A, 53, 5000, ING);
	assert_false(ct_exists(f, EP_A, EP_B, UDP, 5000, 53));
	ct_plant(f, EP_A, EP_B, UDP, 5000, 53, HYP_CT_REPLIED, 0, HYP_CT_TIMEOUT_UDP - 5);
	udp(f, EP_B, EP_A, 53, 5000, 0);
	/* from the initiator, after expiry: a new flow */
	ct_plant(f, EP_A, EP_B, UDP, 5001, 53, HYP_CT_REPLIED, 0, HYP_CT_TIMEOUT_UDP + 5);
	udp(f, EP_A, EP_B, 5001, 53, 0);
	v = ct_of(f, EP_A, EP_B, UDP, 5001, 53);
	assert_int_equal(v.packets, 1);
	assert_int_equal(v.state, HYP_CT_NEW);
	/* ICMP echo, answered before (unanswered flows: test_bpf_ct_fair) */
	ct_plant(f, EP_A, EP_B, ICMP, 9, 9, HYP_CT_REPLIED, 0, HYP_CT_TIMEOUT_ICMP + 5);
	icmp(f, EP_B, EP_A, ICMP_ECHO_REPLY, 9, INV);
	ct_plant(f, EP_A, EP_B, ICMP, 9, 9, HYP_CT_REPLIED, 0, HYP_CT_TIMEOUT_ICMP - 5);
	icmp(f, EP_B, EP_A, ICMP_ECHO_REPLY, 9, 0);
}

/*
 * A fresh SYN on the tuple of a flow past its handshake starts a new flow:
 * the policy is checked again as for any new flow (denied now: the drop is
 * policy-ingress and the old entry is gone), and when allowed the entry
 * starts over in SYN_SENT.
 */
static void test_ct_fresh_syn_rechecks_policy(void **state)
{
	static const uint8_t done[] = {HYP_CT_ESTABLISHED, HYP_CT_FIN_WAIT, HYP_CT_CLOSING};
	struct fixture *f = *state;
	uint16_t sport = 44000;

	for (size_t i = 0; i < sizeof(done); i++, sport += 2) {
		struct hyp_ct_val v;

		print_message("# finished flow in state %u\n", done[i]);
		fx_policy(f, db_allow_web_80);
		ct_plant(f, EP_A, EP_B, TCP, sport, 80, done[i], HYP_CT_F_FIN_ORIG, 3);
		fx_policy(f, db_ingress_deny);
		tcp(f, EP_A, EP_B, sport, 80, TCP_SYN, 7000, ING);
		assert_false(ct_exists(f, EP_A, EP_B, TCP, sport, 80));

		/* allowed: the entry restarts */
		fx_policy(f, db_ingress_deny);
		ct_plant(f, EP_A, EP_B, TCP, sport + 1, 80, done[i],
			 HYP_CT_F_FIN_ORIG | HYP_CT_F_FIN_REPLY, 3);
		fx_policy(f, db_allow_web_80);
		tcp(f, EP_A, EP_B, sport + 1, 80, TCP_SYN, 7000, 0);
		v = ct_of(f, EP_A, EP_B, TCP, sport + 1, 80);
		assert_int_equal(v.state, HYP_CT_SYN_SENT);
		assert_int_equal(v.packets, 1);
		assert_int_equal(v.flags, 0);
		assert_int_equal(v.rev, fx_config(f).policy_rev);
		/* and proceeds as a new handshake */
		tcp(f, EP_B, EP_A, 80, sport + 1, TCP_SYN | TCP_ACK, 9000, 0);
		assert_int_equal(ct_of(f, EP_A, EP_B, TCP, sport + 1, 80).state, HYP_CT_SYN_RECV);
	}
}

/* Twins of the fresh SYN: what is not one. */
static void test_ct_not_a_fresh_syn(void **state)
{
	struct fixture *f = *state;
	struct hyp_ct_val v;

	/* a non-SYN packet of the finished flow after the change: revoked */
	fx_policy(f, db_allow_web_80);
	ct_plant(f, EP_A, EP_B, TCP, 45000, 80, HYP_CT_CLOSING, 0, 3);
	fx_policy(f, db_ingress_deny);
	tcp(f, EP_A, EP_B, 45000, 80, TCP_ACK, 1, HYP_DROP_POLICY_REVOKED);
	assert_false(ct_exists(f, EP_A, EP_B, TCP, 45000, 80));
	/* a SYN from the responder inside an established flow */
	fx_policy(f, NULL);
	ct_plant(f, EP_A, EP_B, TCP, 45001, 80, HYP_CT_ESTABLISHED, 0, 3);
	tcp(f, EP_B, EP_A, 80, 45001, TCP_SYN, 1, INV);
	/* a SYN-ACK from the initiator */
	tcp(f, EP_A, EP_B, 45001, 80, TCP_SYN | TCP_ACK, 1, INV);
	v = ct_of(f, EP_A, EP_B, TCP, 45001, 80);
	assert_int_equal(v.state, HYP_CT_ESTABLISHED);
	assert_int_equal(v.packets, 5);
	/* refused packets do not keep the entry alive: last_seen is as planted */
	assert_true(v.last_seen < fx_now_ns() - 2 * FX_NS);
	/* twin: a packet of the flow refreshes it */
	tcp(f, EP_B, EP_A, 80, 45001, TCP_ACK, 1, 0);
	assert_true(ct_of(f, EP_A, EP_B, TCP, 45001, 80).last_seen > fx_now_ns() - FX_NS);
}

/* After a policy change a flow is checked again as it started at its next
 * packet, from either side: still allowed, it goes on (entry at the new
 * revision); now denied, it is cut (policy-revoked) and its entry removed. */
static void test_ct_policy_change_rechecks_flows(void **state)
{
	struct fixture *f = *state;
	struct hyp_ct_val v;

	fx_policy(f, db_allow_web_80);
	tcp(f, EP_A, EP_B, 46000, 80, TCP_SYN, 1, 0);
	tcp(f, EP_B, EP_A, 80, 46000, TCP_SYN | TCP_ACK, 1, 0);
	tcp(f, EP_A, EP_B, 46000, 80, TCP_ACK, 2, 0);
	tcp(f, EP_A, EP_B, 46001, 80, TCP_SYN, 1, 0);
	tcp(f, EP_B, EP_A, 80, 46001, TCP_SYN | TCP_ACK, 1, 0);
	tcp(f, EP_A, EP_B, 46001, 80, TCP_ACK, 2, 0);
	/* a change that still allows them */
	fx_policy(f, "apiVersion: networking.k8s.io/v1\n"
		     "kind: NetworkPolicy\n"
		     "metadata: {name: db-80-81}\n"
		     "spec:\n"
		     "  podSelector: {matchLabels: {app: db}}\n"
		     "  ingress:\n"
		     "  - ports: [{protocol: TCP, port: 80, endPort: 81}]\n");
	tcp(f, EP_B, EP_A, 80, 46000, TCP_ACK, 2, 0);
	v = ct_of(f, EP_A, EP_B, TCP, 46000, 80);
	assert_int_equal(v.rev, fx_config(f).policy_rev);
	/* a change that denies them: cut at the next packet, either side */
	fx_policy(f, db_ingress_deny);
	tcp(f, EP_A, EP_B, 46000, 80, TCP_ACK, 3, HYP_DROP_POLICY_REVOKED);
	assert_false(ct_exists(f, EP_A, EP_B, TCP, 46000, 80));
	tcp(f, EP_B, EP_A, 80, 46001, TCP_ACK, 3, HYP_DROP_POLICY_REVOKED);
	assert_false(ct_exists(f, EP_A, EP_B, TCP, 46001, 80));
	/* and what follows is unsolicited */
	tcp(f, EP_A, EP_B, 46000, 80, TCP_ACK, 3, INV);
}

/*
 * Regression (make fuzz, fuzz_api, "reconcile" on a new instance): the
 * collector on tables without any port or flow passed a NULL array to
 * qsort(), undefined behaviour that the sanitizer build (make
 * test-sanitize, CI) stops at. It must collect nothing and count nothing.
 */
static void test_ct_gc_empty_tables(void **state)
{
	struct fixture *f = *state;
	uint32_t live = 1;

	fx_clear(f);
	assert_int_equal(emu_ct_gc(&f->emu, &live), 0);
	assert_int_equal(live, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    FX_TEST(test_ct_new_flow_creates_entry),
	    FX_TEST(test_ct_tcp_handshake_replies_pass),
	    FX_TEST(test_ct_low_port_initiator),
	    FX_TEST(test_ct_unsolicited_dropped),
	    FX_TEST(test_ct_syn_sent_wants_syn_ack),
	    FX_TEST(test_ct_fin_and_rst),
	    FX_TEST(test_ct_udp_reply),
	    FX_TEST(test_ct_icmp_type_check),
	    FX_TEST(test_ct_expiry_tcp),
	    FX_TEST(test_ct_expiry_established),
	    FX_TEST(test_ct_expiry_udp_icmp),
	    FX_TEST(test_ct_fresh_syn_rechecks_policy),
	    FX_TEST(test_ct_not_a_fresh_syn),
	    FX_TEST(test_ct_policy_change_rechecks_flows),
	    FX_TEST(test_ct_gc_empty_tables),
	};

	return fx_main("bpf_conntrack", tests, sizeof(tests) / sizeof(tests[0]));
}
