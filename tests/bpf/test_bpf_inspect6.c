// SPDX-License-Identifier: GPL-2.0-only
/*
 * Payload inspection of IPv6 flows (bpf/lib/inspect6.h): the IPv4 stage's
 * normaliser and walk on the IPv6 pipeline. A drop pattern in one TCP
 * segment (both ends reset, reset6.h), split across two, behind hop-by-hop
 * and destination options;
 * the TCP order and overlap rules; a payload length past the frame; an
 * alert pattern, rate-limited per flow by its full addresses (two flows
 * whose addresses fold alike both alert); UDP. Each attack next to its
 * twin that passes. B (identity 257, app=db) has the ingress patterns
 * (inspect_flow.h).
 */
#include "ip6_fixture.h"
#include "inspect_flow.h"

#define PORT6 80

struct flow6 {
	uint16_t sport;
	uint32_t seq[2]; /* next number from a, from b */
	int ext;	 /* frames carry hop-by-hop + destination options */
	int big;	 /* BIG TCP: payload length 0, a jumbo payload option (set fx_gso_size) */
};

/* Ethernet + IPv6 [+ HBH + DSTOPT] + TCP from endpoint src to dst (guard off). */
static size_t tcp6_build(struct fixture *f, uint8_t *b, int src, int dst, const struct flow6 *t,
			 int rev, uint8_t flags, const char *data)
{
	struct a6 s = fx6_ep(f, src), d = fx6_ep(f, dst);
	uint8_t pl[FX_FRAME_MAX] = {}, *p = pl, nh = NH_TCP;
	size_t plen = strlen(data);

	if (t->ext) {
		nh = NH_HOP;
		p[0] = NH_DSTOPT; /* HBH, 8 bytes: PadN */
		p[2] = 1;
		p[3] = 4;
		p[8] = NH_TCP; /* DSTOPT, 16 bytes: PadN */
		p[9] = 1;
		p[10] = 1;
		p[11] = 12;
		p += 24;
	}
	if (t->big) { /* HBH, 8 bytes: the jumbo payload option, as Linux's ip6_xmit */
		nh = NH_HOP;
		p[0] = NH_TCP;
		p[2] = 0xc2;
		p[3] = 4;
		p += 8;
	}
	p += fx_l4_tcp(p, rev ? PORT6 : t->sport, rev ? t->sport : PORT6, flags, t->seq[rev],
		       t->seq[!rev], data, plen);
	if (t->big)
		fx_put32(pl + 4, (uint32_t)(p - pl));
	plen = fx6_frame(b, f->eps[dst].mac, f->eps[src].mac, &s, &d, nh, 64, pl, (size_t)(p - pl));
	if (t->big)
		fx_put16(b + 14 + 4, 0);
	return plen;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The one's complement sum of the RST's TCP header and IPv6 pseudo header. */
static uint16_t tcp6_sum(const uint8_t *ip, const uint8_t *th)
{
	uint32_t s = 20 + 6; /* upper-layer length, next header */

	for (int i = 8; i < 40; i += 2)
		s += (uint32_t)ip[i] << 8 | ip[i + 1];
	for (int i = 0; i < 20; i += 2)
		s += (uint32_t)th[i] << 8 | th[i + 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* The segment completes a drop pattern: counted as inspect-match, and the
 * frame the program returns is the RST|ACK back to the sender (the other
 * went to the receiver's port): Ethernet + IPv6 + TCP, from the receiver's
 * address and port, at the sender's ack, acking what it sent, its TCP
 * checksum right over the IPv6 pseudo header. */
static void seg6_reset(struct fixture *f, struct flow6 *t, int rev, const char *data, int src,
		       int dst, const uint8_t *in, size_t len)
{
	struct a6 s = fx6_ep(f, src), d = fx6_ep(f, dst);
	uint64_t match = fx_drops(f, HYP_DROP_INSPECT_MATCH);
	uint8_t out[FX_FRAME_MAX], *ip = out + 14, *th = out + 54;
	uint32_t n = 0;

	assert_int_equal(fx_send(f, src, in, len, out, &n), TC_ACT_REDIRECT);
	assert_int_equal(fx_drops(f, HYP_DROP_INSPECT_MATCH), match + 1);
	assert_int_equal(n, 74);
	assert_memory_equal(out, f->eps[src].mac, 6);
	assert_memory_equal(out + 6, f->eps[dst].mac, 6);
	assert_int_equal(out[12] << 8 | out[13], 0x86dd);
	assert_int_equal(ip[0] >> 4, 6);
	assert_int_equal(ip[4] << 8 | ip[5], 20);
	assert_int_equal(ip[6], NH_TCP);
	assert_memory_equal(ip + 8, d.b, 16);
	assert_memory_equal(ip + 24, s.b, 16);
	assert_int_equal(th[0] << 8 | th[1], rev ? t->sport : PORT6);
	assert_int_equal(th[2] << 8 | th[3], rev ? PORT6 : t->sport);
	assert_int_equal(get32(th + 4), t->seq[!rev]);
	assert_int_equal(get32(th + 8), t->seq[rev] + (uint32_t)strlen(data));
	assert_int_equal(th[13], TCP_RST | TCP_ACK);
	assert_int_equal(tcp6_sum(ip, th), 0xffff);
}

/* A segment at the flow's next number (rev 1: b -> a); want 0: forwarded
 * and the number moves on, else dropped with that reason. */
static void seg6(struct fixture *f, struct flow6 *t, int rev, uint8_t flags, const char *data,
		 uint32_t want)
{
	uint8_t in[FX_FRAME_MAX];
	int src = rev ? EP_B : EP_A, dst = rev ? EP_A : EP_B;
	size_t len = tcp6_build(f, in, src, dst, t, rev, flags, data);

	print_message("# %s \"%.24s\": want %u\n", rev ? "b->a" : "a->b", data, want);
	fx6_bind(f, src);
	if (want == HYP_DROP_INSPECT_MATCH) { /* both ends reset */
		seg6_reset(f, t, rev, data, src, dst, in, len);
		return;
	}
	if (want) {
		fx_expect_drop(f, src, in, len, want);
		return;
	}
	fx_expect_to(f, src, in, len, dst);
	t->seq[rev] += (uint32_t)strlen(data);
}

static void data6(struct fixture *f, struct flow6 *t, const char *data, uint32_t want)
{
	seg6(f, t, 0, TCP_ACK | TCP_PSH, data, want);
}

static void open6(struct fixture *f, struct flow6 *t, uint16_t sport, int ext)
{
	*t = (struct flow6){.sport = sport, .seq = {1000, 9000}, .ext = ext};
	seg6(f, t, 0, TCP_SYN, "", 0);
	t->seq[0]++;
	seg6(f, t, 1, TCP_SYN | TCP_ACK, "", 0);
	t->seq[1]++;
	seg6(f, t, 0, TCP_ACK, "", 0);
}

static int setup6(void **state)
{
	struct fixture *f = *state;

	fx6_setup(state);
	f->guard_on = false;
	fx6_bind(f, EP_A);
	return 0;
}

#define T6(fn) cmocka_unit_test_setup(fn, setup6)

/* The pattern in one segment: dropped, the flow blocked both ways; the
 * benign request before it passed. Another flow without it passes. */
static void test6_insp_one_segment(void **state)
{
	struct fixture *f = *state;
	struct flow6 t;

	fx_inspect(f, db_drop, NULL, NULL);
	open6(f, &t, 41000, 0);
	data6(f, &t, "GET /index.html", 0);
	data6(f, &t, "GET /attack-string", HYP_DROP_INSPECT_MATCH);
	data6(f, &t, "harmless", HYP_DROP_INSPECT_BLOCKED);
	seg6(f, &t, 1, TCP_ACK, "reply", HYP_DROP_INSPECT_BLOCKED);
	open6(f, &t, 41001, 0); /* twin */
	data6(f, &t, "GET /attack-strinG", 0);
}

/* Split across two segments, with and without extension headers in front
 * of TCP: the DFA state is kept in the hyp_ct6 entry. */
static void test6_insp_split(void **state)
{
	struct fixture *f = *state;
	struct flow6 t;

	fx_inspect(f, db_drop, NULL, NULL);
	for (int ext = 0; ext < 2; ext++) {
		open6(f, &t, (uint16_t)(41010 + ext * 2), ext);
		data6(f, &t, "xxxxattack-", 0);
		data6(f, &t, "string", HYP_DROP_INSPECT_MATCH);
		open6(f, &t, (uint16_t)(41011 + ext * 2), ext); /* twin: one byte off */
		data6(f, &t, "xxxxattack-", 0);
		data6(f, &t, "strinG", 0);
	}
}

/* BIG TCP segments (payload length 0 behind the jumbo payload option, the
 * frame's length taken): walked over the frame's bytes like any, a pattern
 * split across them is found and reset, its twin one byte off passes. */
static void test6_insp_bigtcp(void **state)
{
	struct fixture *f = *state;
	struct flow6 t;

	fx_inspect(f, db_drop, NULL, NULL);
	for (int i = 0; i < 2; i++) {
		open6(f, &t, (uint16_t)(41030 + i), 0);
		t.big = 1;
		fx_gso_size = 1400;
		data6(f, &t, "xxxxattack-", 0);
		data6(f, &t, i ? "strinG" : "string", i ? 0 : HYP_DROP_INSPECT_MATCH);
		fx_gso_size = 0;
	}
}

/* TCP order: a segment past a gap is dropped (ooo), bytes walked but not
 * acknowledged sent again with other content are dropped (overlap); the
 * in-order segment after them is walked and blocked. */
static void test6_insp_order(void **state)
{
	struct fixture *f = *state;
	struct flow6 t;

	fx_inspect(f, db_drop, NULL, NULL);
	open6(f, &t, 41020, 1);
	t.seq[0] += 7; /* "attack-" never sent */
	data6(f, &t, "string", HYP_DROP_INSPECT_OOO);
	t.seq[0] -= 7;
	data6(f, &t, "harmles", 0);
	t.seq[0] -= 7; /* the same numbers, new bytes: the receiver may hold either */
	data6(f, &t, "attack-", HYP_DROP_INSPECT_OVERLAP);
	t.seq[0] += 7;
	data6(f, &t, "attack-", 0);
	data6(f, &t, "string", HYP_DROP_INSPECT_MATCH);
}

/* Data on a SYN, without ACK, with URG: not stream bytes, as over IPv4. */
static void test6_insp_not_stream(void **state)
{
	struct fixture *f = *state;
	struct flow6 t;

	fx_inspect(f, db_drop, NULL, NULL);
	open6(f, &t, 41030, 0);
	seg6(f, &t, 0, TCP_PSH, "attack-string", HYP_DROP_INSPECT_NO_ACK);
	seg6(f, &t, 0, TCP_ACK | 0x20, "attack-string", HYP_DROP_INSPECT_URG);
	data6(f, &t, "fine", 0);
}

/* Bytes past the IPv6 payload length (the pattern hidden there), or a
 * payload length shorter than the frame: dropped; the exact frame passes. */
static void test6_insp_payload_length(void **state)
{
	struct fixture *f = *state;
	uint8_t in[FX_FRAME_MAX];
	struct flow6 t;
	size_t len;

	fx_inspect(f, db_drop, NULL, NULL);
	open6(f, &t, 41040, 0);
	len = tcp6_build(f, in, EP_A, EP_B, &t, 0, TCP_ACK, "hello attack-string");
	fx_put16(in + 18, (uint16_t)(len - 14 - 40 - 13)); /* "attack-string" past it */
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_INSPECT_IP_LEN);
	data6(f, &t, "hello", 0);
}

struct ev6 {
	int n;
	struct hyp_inspect_alert last;
};

static int on_ev6(const struct hyp_inspect_alert *a, void *ctx)
{
	struct ev6 *e = ctx;

	e->n++;
	e->last = *a;
	return 0;
}

/* An alert pattern is reported and passes; a drop pattern after it blocks. */
static void test6_insp_alert(void **state)
{
	struct fixture *f = *state;
	struct ev6 ev = {};
	struct flow6 t;

	fx_inspect(f, db_alert_and_drop, NULL, NULL);
	emu_inspect_events(&f->emu, on_ev6, &ev); /* drain */
	ev.n = 0;
	open6(f, &t, 41050, 0);
	data6(f, &t, "an alert-one here", 0);
	emu_inspect_events(&f->emu, on_ev6, &ev);
	assert_int_equal(ev.n, 1);
	assert_int_equal(ev.last.action, HYP_INSPECT_ALERT);
	assert_int_equal(ev.last.identity, 257);
	assert_int_equal(ev.last.dport, PORT6);
	/* the event names the IPv6 flow: its two addresses, no IPv4 ones */
	assert_true(ev.last.v6);
	assert_memory_equal(ev.last.saddr6, fx6_ep(f, EP_A).b, 16);
	assert_memory_equal(ev.last.daddr6, fx6_ep(f, EP_B).b, 16);
	assert_int_equal(ev.last.saddr, 0);
	data6(f, &t, "attack-string", HYP_DROP_INSPECT_MATCH);
	emu_inspect_events(&f->emu, on_ev6, &ev);
	assert_int_equal(ev.n, 2);
	assert_int_equal(ev.last.action, HYP_INSPECT_DROP);
	assert_true(ev.last.v6);
	assert_memory_equal(ev.last.daddr6, fx6_ep(f, EP_B).b, 16);
}

static uint32_t fold(const struct a6 *a)
{
	uint32_t w[4];

	memcpy(w, a->b, 16);
	return w[0] ^ w[1] ^ w[2] ^ w[3];
}

/* A UDP datagram from s (on A's port) to B's port 80 with data. */
static void udp_to_b(struct fixture *f, const struct a6 *s, uint16_t sport, const char *data)
{
	struct a6 d = fx6_ep(f, EP_B);
	uint8_t in[FX_FRAME_MAX], u[64];
	size_t len = fx6_frame(in, f->eps[EP_B].mac, f->eps[EP_A].mac, s, &d, NH_UDP, 64, u,
			       fx_l4_udp(u, sport, PORT6, data, strlen(data)));

	fx_expect_to(f, EP_A, in, len, EP_B);
}

/* Two IPv6 flows whose addresses fold to the same 32 bits (fd00:1::2 and
 * fd00:1::1:0:3), same ports: each alerts, the rate limit is per full
 * address; the same flow again within the interval does not. */
static void test6_alert_rate_full_address(void **state)
{
	struct fixture *f = *state;
	struct a6 a = fx6_ep(f, EP_A), x = a;
	struct hyp_port6 p = {};
	uint32_t port = FX_PORT;
	struct ev6 ev = {};

	x.b[11] = 1;
	x.b[15] ^= 1;
	assert_int_equal(fold(&a), fold(&x));
	fx_inspect(f, db_alert_and_drop, NULL, NULL);
	emu_inspect_events(&f->emu, on_ev6, &ev); /* drain */
	ev.n = 0;
	udp_to_b(f, &a, 5060, "an alert-one here");
	memcpy(p.ip, x.b, 16); /* A's port now holds x */
	memcpy(p.ll, fx6_ll(f->eps[EP_A].mac).b, 16);
	assert_int_equal(bpf_map_update_elem(FX_FD(f, hyp_ports6), &port, &p, BPF_ANY), 0);
	udp_to_b(f, &x, 5060, "an alert-one here");
	emu_inspect_events(&f->emu, on_ev6, &ev);
	assert_int_equal(ev.n, 2);
	assert_memory_equal(ev.last.saddr6, x.b, 16);
	udp_to_b(f, &x, 5060, "alert-one again"); /* twin: the same flow, rate-limited */
	emu_inspect_events(&f->emu, on_ev6, &ev);
	assert_int_equal(ev.n, 2);
}

struct recs {
	int n;
	struct hyp_flow_rec v[8];
};

static int on_rec(const struct hyp_flow_rec *r, void *ctx)
{
	struct recs *e = ctx;

	if (e->n < 8)
		e->v[e->n++] = *r;
	return 0;
}

/* Flow and drop events of IPv6 packets carry their IPv6 addresses (and
 * no IPv4 ones), decoded by the backend as the daemon reads them. */
static void test6_flow_drop_events(void **state)
{
	struct fixture *f = *state;
	struct hyp_event_cfg c = {.flags = HYP_EVCFG_FLOWS | HYP_EVCFG_DROPS,
				  .interval_ns = 1000000,
				  .tolerance_ns = 100000000};
	struct a6 a = fx6_ep(f, EP_A), b = fx6_ep(f, EP_B), x = fx6_addr(IP_X);
	uint8_t in[FX_FRAME_MAX];
	struct recs r = {};
	uint32_t zero = 0;
	size_t len;

	assert_int_equal(bpf_map_update_elem(FX_FD(f, hyp_ev_cfg), &zero, &c, BPF_ANY), 0);
	fx_map_flush(FX_FD(f, hyp_ev_budget), sizeof(__u32));
	emu_flow_events(&f->emu, NULL, NULL); /* drain */
	len = fx6_udp(f, in, EP_A, &b, 5353, 53);
	fx_expect_to(f, EP_A, in, len, EP_B);
	len = fx6_udp(f, in, EP_A, &x, 5354, 53);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_UNKNOWN_DST);
	emu_flow_events(&f->emu, on_rec, &r);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.v[0].type, HYP_EV_FLOW);
	assert_true(r.v[0].v6);
	assert_memory_equal(r.v[0].saddr6, a.b, 16);
	assert_memory_equal(r.v[0].daddr6, b.b, 16);
	assert_int_equal(r.v[0].saddr, 0);
	assert_int_equal(r.v[0].sport, 5353);
	assert_int_equal(r.v[0].dport, 53);
	assert_int_equal(r.v[0].proto, NH_UDP);
	assert_int_equal(r.v[0].src_id, 256);
	assert_int_equal(r.v[0].dst_id, 257);
	assert_int_equal(r.v[1].type, HYP_EV_DROP);
	assert_int_equal(r.v[1].reason, HYP_DROP_UNKNOWN_DST);
	assert_true(r.v[1].v6);
	assert_memory_equal(r.v[1].saddr6, a.b, 16);
	assert_memory_equal(r.v[1].daddr6, x.b, 16);
	assert_int_equal(r.v[1].sport, 5354);
	assert_int_equal(r.v[1].src_id, 256);
	emu_events_free(&f->emu); /* the fixture's emu does not own a reader */
}

/* UDP: each datagram walked, in the flow's state. */
static void test6_insp_udp(void **state)
{
	struct fixture *f = *state;
	struct a6 s = fx6_ep(f, EP_A), d = fx6_ep(f, EP_B);
	uint8_t in[FX_FRAME_MAX], u[64];
	size_t len;

	fx_inspect(f, db_drop, NULL, NULL);
	len = fx6_frame(in, f->eps[EP_B].mac, f->eps[EP_A].mac, &s, &d, NH_UDP, 64, u,
			fx_l4_udp(u, 5000, 53, "query attack-strinG", 19));
	fx_expect_to(f, EP_A, in, len, EP_B);
	len = fx6_frame(in, f->eps[EP_B].mac, f->eps[EP_A].mac, &s, &d, NH_UDP, 64, u,
			fx_l4_udp(u, 5001, 53, "query attack-string", 19));
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_INSPECT_MATCH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T6(test6_insp_one_segment),
	    T6(test6_insp_split),
	    T6(test6_insp_bigtcp),
	    T6(test6_insp_order),
	    T6(test6_insp_not_stream),
	    T6(test6_insp_payload_length),
	    T6(test6_insp_alert),
	    T6(test6_insp_udp),
	    T6(test6_flow_drop_events),
	    T6(test6_alert_rate_full_address),
	};

	return fx6_main("bpf_inspect6", tests, sizeof(tests) / sizeof(tests[0]));
}
