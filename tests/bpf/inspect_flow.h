/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared by the inspection evasion and state tests: TCP segments as a raw
 * sender could make them (flags, window, urgent pointer, window scale,
 * bytes past the IPv4 total length, a wrong header checksum), flows of a
 * to b on port 80, and the documents they load. Endpoint b (identity 257,
 * app=db) has the ingress patterns.
 */
#ifndef HYP_TESTS_BPF_INSPECT_FLOW_H
#define HYP_TESTS_BPF_INSPECT_FLOW_H

#include "fixture.h"

#define SPORT 41000

#define DOC_HEAD                                                                                   \
	"apiVersion: hyperion.io/v1\n"                                                             \
	"kind: InspectionPolicy\n"                                                                 \
	"spec:\n"                                                                                  \
	"  podSelector: {matchLabels: {app: db}}\n"                                                \
	"  direction: ingress\n"

static const char *const db_drop = "metadata: {name: db-drop}\n" DOC_HEAD "  action: drop\n"
				   "  patterns: [{pattern: attack-string}]\n";
static const char *const db_tcp80 =
    "metadata: {name: db-tcp80}\n" DOC_HEAD "  ports: [{protocol: TCP, port: 80}]\n"
    "  action: drop\n"
    "  patterns: [{pattern: attack-string}]\n";
static const char *const db_tcp_udp80 =
    "metadata: {name: db-tcpudp80}\n" DOC_HEAD
    "  ports: [{protocol: TCP, port: 80}, {protocol: UDP, port: 80}]\n"
    "  action: drop\n"
    "  patterns: [{pattern: attack-string}]\n";
static const char *const db_alert_and_drop =
    "metadata: {name: db-alert}\n" DOC_HEAD "  action: alert\n"
    "  patterns: [{pattern: alert-one}, {pattern: alert-two}]\n"
    "---\n"
    "metadata: {name: db-drop}\n" DOC_HEAD "  action: drop\n"
    "  patterns: [{pattern: attack-string}]\n";

/* One TCP segment as a raw sender could make it. */
struct seg {
	uint8_t flags;	 /* 0: ACK|PSH */
	uint16_t win;	 /* 0: 0xffff */
	uint16_t urg;	 /* urgent pointer */
	uint8_t wscale;	 /* 0: no window scale option, else shift + 1 */
	size_t trailing; /* bytes after the IP packet, in the frame */
	bool bad_csum;	 /* IPv4 header checksum wrong */
	size_t long_len; /* tot_len claims this many bytes more than the frame has */
};

struct tflow {
	int a, b;
	uint16_t sport;
	uint32_t seq[2]; /* next sequence number from a, from b */
};

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Ethernet + IPv4 + TCP from endpoint src to endpoint dst, stamped. */
static inline size_t build(struct fixture *f, uint8_t *b, int src, int dst, uint16_t sport,
			   uint16_t dport, uint32_t seq, uint32_t ack, const char *payload,
			   const struct seg *o)
{
	static const char trail[] = "attack-string, hidden past tot_len...";
	const struct fx_ep *e = &f->eps[src];
	size_t plen = strlen(payload), hl = o->wscale ? 24 : 20, n;
	uint8_t l4[FX_FRAME_MAX], *ip = b + 14;

	fx_l4_tcp(l4, sport, dport, o->flags ? o->flags : TCP_ACK | TCP_PSH, seq, ack, NULL, 0);
	l4[12] = (uint8_t)(hl / 4) << 4;
	put16(l4 + 14, o->win ? o->win : 0xffff);
	put16(l4 + 18, o->urg);
	if (o->wscale) { /* window scale (kind 3, len 3), then a NOP */
		l4[20] = 3;
		l4[21] = 3;
		l4[22] = (uint8_t)(o->wscale - 1);
		l4[23] = 1;
	}
	memcpy(l4 + hl, payload, plen);
	assert_true(o->trailing < sizeof(trail));
	memcpy(l4 + hl + plen, trail, o->trailing);
	n = fx_ipv4(b, fx_dmac(f, f->eps[dst].ip), e->mac, e->ip, f->eps[dst].ip, IPPROTO_TCP_, l4,
		    hl + plen + o->trailing);
	if (o->trailing || o->long_len) {
		put16(ip + 2, (uint16_t)(20 + hl + plen + o->long_len));
		put16(ip + 10, 0);
		put16(ip + 10, fx_csum(ip, 20));
	}
	if (o->bad_csum)
		ip[10] ^= 0x5a;
	stamp_apply(e->key, b, n);
	return n;
}

/* A segment of the flow (rev 1: from b), at the flow's next number; the
 * flow's number moves on by the payload when want is 0. */
static inline void send_seg(struct fixture *f, struct tflow *t, int rev, const char *data,
			    const struct seg *o, uint32_t want)
{
	static const struct seg none;
	uint8_t in[FX_FRAME_MAX];
	int src = rev ? t->b : t->a, dst = rev ? t->a : t->b;
	size_t len = build(f, in, src, dst, rev ? 80 : t->sport, rev ? t->sport : 80, t->seq[rev],
			   t->seq[!rev], data, o ? o : &none);

	print_message("# %s \"%.24s\": want %u\n", rev ? "b->a" : "a->b", data, want);
	if (want) {
		fx_expect_drop(f, src, in, len, want);
		return;
	}
	fx_expect_to(f, src, in, len, dst);
	t->seq[rev] += (uint32_t)strlen(data);
}

/* The handshake of a to dst; syn and synack may carry window and scale options. */
static inline void open_flow_to(struct fixture *f, struct tflow *t, int dst, uint16_t sport,
				const struct seg *syn, const struct seg *synack)
{
	struct seg s = syn ? *syn : (struct seg){0}, sa = synack ? *synack : (struct seg){0};

	*t = (struct tflow){.a = EP_A, .b = dst, .sport = sport, .seq = {1000, 9000}};
	s.flags = TCP_SYN;
	sa.flags = TCP_SYN | TCP_ACK;
	send_seg(f, t, 0, "", &s, 0);
	t->seq[0]++;
	send_seg(f, t, 1, "", &sa, 0);
	t->seq[1]++;
	send_seg(f, t, 0, "", NULL, 0);
}

static inline void open_flow(struct fixture *f, struct tflow *t, uint16_t sport,
			     const struct seg *syn, const struct seg *synack)
{
	open_flow_to(f, t, EP_B, sport, syn, synack);
}

/* An ACK from b of everything a sent so far, with window win. */
static inline void ack_from_b(struct fixture *f, struct tflow *t, uint16_t win)
{
	struct seg o = {.flags = TCP_ACK, .win = win};

	send_seg(f, t, 1, "", &o, 0);
}

/* The segment completes a drop pattern: inspect-match, turned into resets. */
static inline void send_blocked(struct fixture *f, struct tflow *t, const char *data)
{
	static const struct seg none;
	uint8_t in[FX_FRAME_MAX], out[FX_FRAME_MAX];
	uint64_t match = fx_drops(f, HYP_DROP_INSPECT_MATCH);
	size_t len = build(f, in, t->a, t->b, t->sport, 80, t->seq[0], t->seq[1], data, &none);
	uint32_t n;

	print_message("# a->b \"%.24s\": want blocked\n", data);
	assert_int_equal(fx_send(f, t->a, in, len, out, &n), TC_ACT_REDIRECT);
	assert_int_equal(fx_drops(f, HYP_DROP_INSPECT_MATCH), match + 1);
	assert_int_equal(out[14 + 20 + 13], TCP_RST | TCP_ACK);
}

#endif /* HYP_TESTS_BPF_INSPECT_FLOW_H */
