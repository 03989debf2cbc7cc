/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * IPv6 additions to the BPF tests' fixture (fixture.h): the default world
 * gets IPv6 (pool fd00:1::/64, gateway fd00:1::1, endpoint N at
 * fd00:1::<last byte of its IPv4>), the port and guard IPv6 bindings as the
 * emu backend writes them, frame builders, and stamping by the guard
 * program itself (the SNIC's guard entry set to the sender's binding).
 */
#ifndef HYP_TESTS_BPF_IP6_FIXTURE_H
#define HYP_TESTS_BPF_IP6_FIXTURE_H

#include "fixture.h"

#define NH_TCP	  6
#define NH_UDP	  17
#define NH_ICMP6  58
#define NH_HOP	  0
#define NH_ROUTE  43
#define NH_FRAG	  44
#define NH_DSTOPT 60
#define NH_AH	  51

struct a6 {
	uint8_t b[16];
};

static inline struct a6 fx6_addr(uint32_t ip4)
{
	struct a6 a = {{0xfd, 0x00, 0x00, 0x01}};

	a.b[15] = (uint8_t)ip4;
	return a;
}

static inline struct a6 fx6_ll(const uint8_t mac[6])
{
	struct a6 a;

	hyp_ip6_ll_from_mac(mac, (__u32 *)a.b);
	return a;
}

static inline struct a6 fx6_ep(struct fixture *f, int i)
{
	return fx6_addr(f->eps[i].ip);
}

static inline void fx6_write_ep(struct fixture *f, int i, uint32_t port)
{
	struct hyp_ep6_key k;
	struct hyp_endpoint v = {};
	struct a6 a = fx6_ep(f, i);

	memcpy(k.ip, a.b, 16);
	v.port_ifindex = port;
	v.identity = f->eps[i].identity;
	memcpy(v.mac, f->eps[i].mac, 6);
	v.snic_id = (uint32_t)i + 1;
	assert_int_equal(bpf_map_update_elem(FX_FD(f, hyp_endpoints6), &k, &v, BPF_ANY), 0);
}

/* FX_PORT bound to endpoint i for both families; the others on their ports. */
static inline void fx6_bind(struct fixture *f, int i)
{
	struct hyp_port6 p = {};
	struct a6 a = fx6_ep(f, i), ll = fx6_ll(f->eps[i].mac);
	uint32_t port = FX_PORT;

	fx_bind(f, i);
	memcpy(p.ip, a.b, 16);
	memcpy(p.ll, ll.b, 16);
	assert_int_equal(bpf_map_update_elem(FX_FD(f, hyp_ports6), &port, &p, BPF_ANY), 0);
	for (size_t j = 0; j < f->n_eps; j++)
		fx6_write_ep(f, (int)j, (int)j == i ? FX_PORT : f->eps[j].own_port);
}

static inline void fx6_config(struct fixture *f, uint8_t prefixlen)
{
	struct hyp_config6 c = {};
	struct a6 gw = fx6_addr(FX_GW), net = fx6_addr(0), ll = fx6_ll(FX_MAC_GW);
	uint32_t zero = 0;

	memcpy(c.gw_ip, gw.b, 16);
	memcpy(c.gw_ll, ll.b, 16);
	memcpy(c.net, net.b, 16);
	c.prefixlen = prefixlen;
	assert_int_equal(bpf_map_update_elem(FX_FD(f, hyp_config6), &zero, &c, BPF_ANY), 0);
}

/* The default world with IPv6, A on the port, guard on. */
static inline int fx6_setup(void **state)
{
	struct fixture *f = *state;

	fx_reset(f);
	fx_map_flush(FX_FD(f, hyp_ct6), sizeof(struct hyp_ct6_key));
	fx_map_flush(FX_FD(f, hyp_policy6), sizeof(struct hyp_policy6_key));
	fx_map_flush(FX_FD(f, hyp_endpoints6), sizeof(struct hyp_ep6_key));
	fx_map_flush(FX_FD(f, hyp_ports6), sizeof(__u32));
	fx6_config(f, 64);
	fx6_bind(f, EP_A);
	return 0;
}

#define FX6_TEST(fn) cmocka_unit_test_setup(fn, fx6_setup)

/* Ethernet + IPv6 + payload (extension headers and upper layer, as given). */
static inline size_t fx6_frame(uint8_t *b, const uint8_t *dmac, const uint8_t *smac,
			       const struct a6 *s, const struct a6 *d, uint8_t nh, uint8_t hlim,
			       const uint8_t *pl, size_t plen)
{
	size_t n = fx_eth(b, dmac, smac, 0x86dd);
	uint8_t *h = b + n;

	memset(h, 0, 40);
	h[0] = 0x60;
	fx_put16(h + 4, (uint16_t)plen);
	h[6] = nh;
	h[7] = hlim;
	memcpy(h + 8, s->b, 16);
	memcpy(h + 24, d->b, 16);
	memcpy(h + 40, pl, plen);
	return n + 40 + plen;
}

/* A UDP frame of endpoint src to d (unstamped: d's MAC as destination). */
static inline size_t fx6_udp(struct fixture *f, uint8_t *b, int src, const struct a6 *d,
			     uint16_t sport, uint16_t dport)
{
	struct a6 s = fx6_ep(f, src);
	uint8_t u[16];

	fx_l4_udp(u, sport, dport, "ping6!!!", 8);
	return fx6_frame(b, FX_MAC_GW, f->eps[src].mac, &s, d, NH_UDP, 64, u, 16);
}

/* The guard's entry for FX_PORT set to endpoint src's binding, both families. */
static inline void fx6_guard_bind(struct fixture *f, int src)
{
	struct hyp_guard_key gk = {.netns_cookie = f->cookie, .ifindex = FX_PORT};
	struct hyp_guard g = {};
	struct hyp_guard6 g6 = {};
	struct a6 a = fx6_ep(f, src), ll = fx6_ll(f->eps[src].mac);

	g.ip = htonl(f->eps[src].ip);
	memcpy(g.mac, f->eps[src].mac, 6);
	g.snic_id = (uint32_t)src + 1;
	memcpy(g.key, f->eps[src].key, 16);
	memcpy(g6.ip, a.b, 16);
	memcpy(g6.ll, ll.b, 16);
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(f->guard->maps.hyp_guards), &gk, &g, 0),
			 0);
	assert_int_equal(
	    bpf_map_update_elem(bpf_map__fd(f->guard->maps.hyp_guards6), &gk, &g6, 0), 0);
}

/* Runs the guard of src on the frame: its verdict; the frame stamped in place when it passes. */
static inline int fx6_guard(struct fixture *f, int src, uint8_t *b, size_t len)
{
	uint8_t out[FX_FRAME_MAX];
	uint32_t n = 0;
	int v;

	fx6_guard_bind(f, src);
	v = fx_run_prog(fx_guard_fd(f), b, len, out, sizeof(out), &n);
	if (v == TC_ACT_OK) {
		assert_int_equal(n, len);
		memcpy(b, out, len);
	}
	return v;
}

static inline void fx6_stamp(struct fixture *f, int src, uint8_t *b, size_t len)
{
	assert_int_equal(fx6_guard(f, src, b, len), TC_ACT_OK);
}

static inline uint64_t fx6_guard_drops(struct fixture *f, int src, uint32_t reason)
{
	struct hyp_drop_key k = {.ifindex = (uint32_t)src + 1, .reason = reason};

	return fx_percpu_packets(bpf_map__fd(f->guard->maps.hyp_guard_drops), &k);
}

/* The IPv6 flow entry of a packet (its first direction). */
static inline int fx6_ct_get(struct fixture *f, const struct a6 *s, const struct a6 *d,
			     uint8_t proto, uint16_t sport, uint16_t dport, struct hyp_ct_val *v)
{
	struct hyp_ct6_key k = {};

	memcpy(k.saddr, s->b, 16);
	memcpy(k.daddr, d->b, 16);
	k.sport = sport;
	k.dport = dport;
	k.proto = proto;
	return bpf_map_lookup_elem(FX_FD(f, hyp_ct6), &k, v);
}

/* fx_main with the IPv6 program there to tail-call. */
static inline int fx6_main(const char *name, const struct CMUnitTest *tests, size_t n)
{
	return fx_main(name, tests, n);
}

#endif /* HYP_TESTS_BPF_IP6_FIXTURE_H */
