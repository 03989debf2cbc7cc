/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers of the conntrack fairness and ICMP error tests
 * (test_bpf_ct_fair.c, test_bpf_ct_related.c): frames of the default
 * world, entries, ages, per-endpoint counts, the quota, the collector.
 */
#ifndef HYP_TESTS_BPF_CT_HELPERS_H
#define HYP_TESTS_BPF_CT_HELPERS_H

#include "fixture.h"

#define TCP   IPPROTO_TCP_
#define UDP   IPPROTO_UDP_
#define ICMP  IPPROTO_ICMP_
#define ING   HYP_DROP_POLICY_INGRESS
#define UNREL HYP_DROP_ICMP_UNRELATED

#define ICMP_ECHO_REPLY	   0
#define ICMP_DEST_UNREACH  3
#define ICMP_REDIRECT	   5
#define ICMP_ECHO	   8
#define ICMP_TIME_EXCEEDED 11

static inline void expect(struct fixture *f, int src, const uint8_t *in, size_t len, int dst,
			  int want)
{
	if (want)
		fx_expect_drop(f, src, in, len, (uint32_t)want);
	else
		fx_expect_to(f, src, in, len, dst);
}

static inline size_t tcp_frame(struct fixture *f, uint8_t *in, int src, int dst, uint16_t sport,
			       uint16_t dport, uint8_t flags)
{
	return fx_tcp(f, in, src, f->eps[dst].ip, sport, dport, flags, 1000,
		      flags & TCP_ACK ? 1 : 0, NULL);
}

static inline void tcp(struct fixture *f, int src, int dst, uint16_t sport, uint16_t dport,
		       uint8_t flags, int want)
{
	uint8_t in[FX_FRAME_MAX];
	size_t len = tcp_frame(f, in, src, dst, sport, dport, flags);

	expect(f, src, in, len, dst, want);
}

static inline void udp(struct fixture *f, int src, int dst, uint16_t sport, uint16_t dport,
		       int want)
{
	uint8_t in[FX_FRAME_MAX];
	size_t len = fx_udp(f, in, src, f->eps[dst].ip, sport, dport, "datagram");

	expect(f, src, in, len, dst, want);
}

static inline void icmp(struct fixture *f, int src, int dst, uint8_t type, uint16_t id, int want)
{
	uint8_t in[FX_FRAME_MAX];
	size_t len = fx_icmp(f, in, src, f->eps[dst].ip, type, id, 1);

	expect(f, src, in, len, dst, want);
}

static inline struct hyp_ct_key key_of(struct fixture *f, int src, int dst, uint8_t proto,
				       uint16_t sport, uint16_t dport)
{
	return fx_ct_key(f->eps[src].ip, f->eps[dst].ip, proto, sport, dport);
}

static inline bool ct_exists(struct fixture *f, int src, int dst, uint8_t proto, uint16_t sport,
			     uint16_t dport)
{
	struct hyp_ct_key k = key_of(f, src, dst, proto, sport, dport);
	struct hyp_ct_val v;

	return fx_ct_get(f, &k, &v) == 0;
}

static inline struct hyp_ct_val ct_of(struct fixture *f, int src, int dst, uint8_t proto,
				      uint16_t sport, uint16_t dport)
{
	struct hyp_ct_key k = key_of(f, src, dst, proto, sport, dport);
	struct hyp_ct_val v;

	if (fx_ct_get(f, &k, &v))
		fail_msg("no conntrack entry %s:%u -> %s:%u proto %u", f->eps[src].name, sport,
			 f->eps[dst].name, dport, proto);
	return v;
}

/* Sets the age of an existing entry (last seen age_s seconds ago). */
static inline void ct_age(struct fixture *f, int src, int dst, uint8_t proto, uint16_t sport,
			  uint16_t dport, uint64_t age_s)
{
	struct hyp_ct_key k = key_of(f, src, dst, proto, sport, dport);
	struct hyp_ct_val v = ct_of(f, src, dst, proto, sport, dport);

	assert_true(fx_now_ns() > age_s * FX_NS);
	v.last_seen = fx_now_ns() - age_s * FX_NS;
	fx_ct_put(f, &k, &v);
}

/* Entries endpoint i holds (its SNIC id is i + 1 in the fixture). */
static inline uint32_t held(struct fixture *f, int i)
{
	uint32_t id = (uint32_t)i + 1, n = 0;

	bpf_map_lookup_elem(FX_FD(f, hyp_ct_owners), &id, &n);
	return n;
}

static inline void set_held(struct fixture *f, int i, uint32_t n)
{
	uint32_t id = (uint32_t)i + 1;

	assert_int_equal(bpf_map_update_elem(FX_FD(f, hyp_ct_owners), &id, &n, BPF_ANY), 0);
}

static inline void set_quota(struct fixture *f, uint32_t quota)
{
	struct hyp_config cfg = fx_config(f);
	uint32_t zero = 0;

	cfg.ct_quota = quota;
	assert_int_equal(bpf_map_update_elem(FX_FD(f, hyp_config), &zero, &cfg, BPF_ANY), 0);
}

/* Every endpoint bound to a port of its own too (the sender's is FX_PORT),
 * as the daemon binds them: the collector sees them all live. */
static inline void bind_all(struct fixture *f)
{
	for (size_t i = 0; i < f->n_eps; i++) {
		struct hyp_port p = {};
		uint32_t port = f->eps[i].own_port;

		p.ip = htonl(f->eps[i].ip);
		memcpy(p.mac, f->eps[i].mac, 6);
		p.identity = f->eps[i].identity;
		p.snic_id = (uint32_t)i + 1;
		assert_int_equal(bpf_map_update_elem(FX_FD(f, hyp_ports), &port, &p, BPF_ANY), 0);
	}
}

static inline uint32_t gc(struct fixture *f)
{
	uint32_t live = 0;

	assert_true(emu_ct_gc(&f->emu, &live) >= 0);
	return live;
}

#endif /* HYP_TESTS_BPF_CT_HELPERS_H */
