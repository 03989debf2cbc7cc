/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared fixture of the BPF program tests. Each tests/bpf/test_X.c is built
 * on its own into build/tests/test_X (linked with build/libhyp.a), so
 * everything here is static.
 *
 * The bridge port and guard programs are loaded unpinned in a private
 * netns and run through BPF_PROG_TEST_RUN with crafted frames. Only lo
 * exists there and test_run needs a real ifindex, so every frame enters on
 * ifindex 1 (FX_PORT): fx_bind() programs that port with the sending
 * endpoint's binding (MAC, IPv4, identity, stamp key) and points the
 * sender's endpoint entry at it, the others at their own (absent) ports,
 * as the daemon programs them. Drop and traffic counters are keyed by
 * FX_PORT.
 *
 * Policy and inspection tables are filled by the daemon's own code:
 * pol_parse, the store's canonical-JSON round trip (pol_doc_json,
 * pol_doc_from_json), pol_compile, and the emu backend's loaders
 * (emu_policy_load, emu_inspect_load) called on a struct emu that holds
 * the test's skeleton.
 */
#ifndef HYP_TESTS_BPF_FIXTURE_H
#define HYP_TESTS_BPF_FIXTURE_H

#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <cmocka.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <json-c/json.h>

#include "hyperion/abi.h"
#include "lib/stamp.h"
#include "lib/labels.h"
#include "policy/policy.h"
#include "lib/yaml.h"
#include "inspect/inspect.h"
#include "backend/backend.h"
#include "backend/emu.h"
#include "bpf/bridge_port.skel.h"
#include "bpf/snic_guard.skel.h"

#define TC_ACT_OK	0
#define TC_ACT_SHOT	2
#define TC_ACT_REDIRECT 7

#define FX_PORT	     1 /* lo of the test netns */
#define FX_MAX_EPS   32
#define FX_FRAME_MAX 1600
#define FX_NS	     1000000000ULL

#define FX_NET	0x0af00000u /* 10.240.0.0/16, host order */
#define FX_MASK 0xffff0000u
#define FX_GW	0x0af00001u

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10

#define IPPROTO_ICMP_ 1
#define IPPROTO_TCP_  6
#define IPPROTO_UDP_  17
#define IPPROTO_SCTP_ 132

static const uint8_t FX_MAC_GW[6] = {0x0a, 0x58, 10, 240, 0, 1};
static const uint8_t FX_BCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

struct fx_ep {
	char name[16];
	uint32_t ip; /* host order */
	uint32_t identity;
	uint8_t mac[6];
	uint64_t key[2];
	uint32_t own_port; /* its bridge port when it is not the sender */
	struct labels labels;
};

struct fixture {
	struct bridge_port_bpf *port;
	struct snic_guard_bpf *guard;
	struct emu emu; /* the backend's view of this skeleton */
	uint64_t cookie;
	struct fx_ep eps[FX_MAX_EPS];
	size_t n_eps;
	int sender;    /* endpoint bound to FX_PORT, -1: none */
	bool guard_on; /* the port requires a stamp */
};

/* The default world. A and B keep the addresses, identities and A's stamp
 * key of the original test_datapath.c fixture. */
enum { EP_A, EP_B, EP_C, EP_D, EP_E, FX_N_DEFAULT };

static const struct {
	const char *name;
	uint32_t ip;
	uint32_t identity;
	const char *labels;
} fx_default_world[FX_N_DEFAULT] = {
    [EP_A] = {"a", 0x0af00002u, 256, "app=web"},
    [EP_B] = {"b", 0x0af00003u, 257, "app=db"},
    [EP_C] = {"c", 0x0af00004u, 258, "app=api"},
    [EP_D] = {"d", 0x0af00105u, 259, "app=web,namespace=prod"},
    [EP_E] = {"e", 0x0af00006u, 256, "app=web"}, /* A's labels: A's identity */
};

#define IP_A  0x0af00002u
#define IP_B  0x0af00003u
#define IP_C  0x0af00004u
#define IP_D  0x0af00105u
#define IP_E  0x0af00006u
#define IP_GW FX_GW
#define IP_X  0x0af00063u /* in the pool, nobody's */

static const uint64_t KEY_A[2] = {0x0123456789abcdefULL, 0xfedcba9876543210ULL};

static inline uint64_t fx_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts); /* the clock of bpf_ktime_get_ns() */
	return (uint64_t)ts.tv_sec * FX_NS + (uint64_t)ts.tv_nsec;
}

/* The clock of bpf_ktime_get_coarse_ns() (conntrack's last_seen): the last
 * tick, never ahead of fx_now_ns(). */
static inline uint64_t fx_now_coarse_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec * FX_NS + (uint64_t)ts.tv_nsec;
}

/* Conntrack ages are written as last_seen in the past, so the monotonic
 * clock must be past them: waits (only just after boot) until it is. */
static inline void fx_wait_uptime(uint64_t sec)
{
	uint64_t now = fx_now_ns();

	if (now < sec * FX_NS) {
		fprintf(stderr, "# waiting %llu s for the monotonic clock to pass %llu s\n",
			(unsigned long long)((sec * FX_NS - now) / FX_NS + 1),
			(unsigned long long)sec);
		usleep((useconds_t)((sec * FX_NS - now) / 1000 + 1000));
	}
}

static inline int fx_port_fd(struct fixture *f)
{
	return bpf_program__fd(f->port->progs.hyp_port_ingress);
}

static inline int fx_guard_fd(struct fixture *f)
{
	return bpf_program__fd(f->guard->progs.hyp_guard_egress);
}

#define FX_FD(f, name) bpf_map__fd((f)->port->maps.name)

static inline void fx_map_flush(int fd, size_t key_sz)
{
	uint8_t k[64];

	assert_true(key_sz <= sizeof(k));
	/* deleting the first key each time: a walk would lose its place */
	while (!bpf_map_get_next_key(fd, NULL, k))
		assert_int_equal(bpf_map_delete_elem(fd, k), 0);
}

/* ---- world ---- */

static inline void fx_mac_of(uint32_t ip, uint8_t mac[6])
{
	mac[0] = 0x0a;
	mac[1] = 0x58;
	mac[2] = (uint8_t)(ip >> 24);
	mac[3] = (uint8_t)(ip >> 16);
	mac[4] = (uint8_t)(ip >> 8);
	mac[5] = (uint8_t)ip;
}

static inline void fx_write_ep(struct fixture *f, size_t i)
{
	struct fx_ep *e = &f->eps[i];
	struct hyp_ep_key k = {htonl(e->ip)};
	struct hyp_endpoint v = {};

	v.port_ifindex = (int)i == f->sender ? FX_PORT : e->own_port;
	v.identity = e->identity;
	memcpy(v.mac, e->mac, 6);
	v.snic_id = (uint32_t)i + 1;
	assert_int_equal(bpf_map_update_elem(FX_FD(f, hyp_endpoints), &k, &v, BPF_ANY), 0);
}

/* Adds an endpoint (labels in canonical "k=v,k=v" form); returns its index. */
static inline int fx_add_ep(struct fixture *f, const char *name, uint32_t ip, uint32_t identity,
			    const char *labels)
{
	struct fx_ep *e;
	size_t i = f->n_eps;

	assert_true(i < FX_MAX_EPS);
	e = &f->eps[i];
	memset(e, 0, sizeof(*e));
	snprintf(e->name, sizeof(e->name), "%s", name);
	e->ip = ip;
	e->identity = identity;
	fx_mac_of(ip, e->mac);
	e->key[0] = 0x9e3779b97f4a7c15ULL * (ip | 1);
	e->key[1] = 0xc2b2ae3d27d4eb4fULL ^ ip;
	e->own_port = 1000 + (uint32_t)i;
	assert_int_equal(labels__parse_canonical(&e->labels, labels), 0);
	f->n_eps++;
	fx_write_ep(f, i);
	return (int)i;
}

/* Programs FX_PORT with endpoint i's binding and makes i the sender. */
static inline void fx_bind(struct fixture *f, int i)
{
	struct fx_ep *e = &f->eps[i];
	struct hyp_port p = {};
	uint32_t port = FX_PORT;
	int prev = f->sender;

	p.ip = htonl(e->ip);
	memcpy(p.mac, e->mac, 6);
	p.flags = f->guard_on ? HYP_PORT_F_GUARD : 0;
	p.identity = e->identity;
	p.snic_id = (uint32_t)i + 1;
	memcpy(p.key, e->key, 16);
	assert_int_equal(bpf_map_update_elem(FX_FD(f, hyp_ports), &port, &p, BPF_ANY), 0);
	if (prev == i)
		return;
	f->sender = i;
	if (prev >= 0)
		fx_write_ep(f, (size_t)prev);
	fx_write_ep(f, (size_t)i);
}

static inline void fx_write_config(struct fixture *f, uint32_t gen, uint32_t rev)
{
	struct hyp_config cfg = {};
	uint32_t zero = 0;

	cfg.gw_ip = htonl(FX_GW);
	memcpy(cfg.gw_mac, FX_MAC_GW, 6);
	cfg.net = htonl(FX_NET);
	cfg.mask = htonl(FX_MASK);
	cfg.policy_gen = gen;
	cfg.policy_rev = rev;
	assert_int_equal(bpf_map_update_elem(FX_FD(f, hyp_config), &zero, &cfg, BPF_ANY), 0);
}

static inline struct hyp_config fx_config(struct fixture *f)
{
	struct hyp_config cfg;
	uint32_t zero = 0;

	assert_int_equal(bpf_map_lookup_elem(FX_FD(f, hyp_config), &zero, &cfg), 0);
	return cfg;
}

/* Empty tables, no endpoint, no flow, no inspection; no policy unless
 * keep_policy: then the policy tables keep what the backend wrote, and
 * the next load writes only its difference (emu_policy_load). */
static inline void fx_clear_tables(struct fixture *f, bool keep_policy)
{
	struct hyp_config c = fx_config(f);

	fx_map_flush(FX_FD(f, hyp_ct), sizeof(struct hyp_ct_key));
	fx_map_flush(FX_FD(f, hyp_ct_owners), sizeof(__u32));
	if (!keep_policy) {
		fx_map_flush(FX_FD(f, hyp_policy), sizeof(struct hyp_policy_key));
	emu_policy_free(&f->emu); /* its copy of the tables flushed here */
		fx_map_flush(FX_FD(f, hyp_enforce), sizeof(struct hyp_enforce_key));
		/* flushed behind the backend's back: it forgets what the generations hold */
		emu_policy_free(&f->emu);
	}
	fx_map_flush(FX_FD(f, hyp_inspect), sizeof(struct hyp_inspect_key));
	fx_map_flush(FX_FD(f, hyp_endpoints), sizeof(struct hyp_ep_key));
	fx_map_flush(FX_FD(f, hyp_ports), sizeof(__u32));
	fx_write_config(f, keep_policy ? c.policy_gen : 0, keep_policy ? c.policy_rev : 0);
	f->n_eps = 0;
	f->sender = -1;
	f->guard_on = true;
}

static inline void fx_clear(struct fixture *f)
{
	fx_clear_tables(f, false);
}

/* The default world, A bound to the port, guard on. */
static inline void fx_reset(struct fixture *f)
{
	fx_clear(f);
	for (int i = 0; i < FX_N_DEFAULT; i++)
		fx_add_ep(f, fx_default_world[i].name, fx_default_world[i].ip,
			  fx_default_world[i].identity, fx_default_world[i].labels);
	memcpy(f->eps[EP_A].key, KEY_A, 16);
	f->eps[EP_B].own_port = 4242;
	fx_write_ep(f, EP_B);
	fx_bind(f, EP_A);
}

static inline void fx_no_pins(struct bpf_object *obj)
{
	struct bpf_map *m;

	bpf_object__for_each_map(m, obj) bpf_map__set_pin_path(m, NULL);
}

static inline int fx_open(struct fixture **out)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct hyp_guard g = {};
	struct hyp_guard_key gk = {};
	socklen_t len = sizeof(f->cookie);
	int sk;

	if (!f)
		return -1;
	f->port = bridge_port_bpf__open();
	f->guard = snic_guard_bpf__open();
	if (!f->port || !f->guard)
		return -1;
	fx_no_pins(f->port->obj);
	fx_no_pins(f->guard->obj);
	if (bridge_port_bpf__load(f->port) || snic_guard_bpf__load(f->guard))
		return -1;
	f->emu.port = f->port;
	f->emu.guard = f->guard;

	/* the guard of A, for the guard program tests */
	sk = socket(AF_INET, SOCK_DGRAM, 0);
	if (sk < 0 || getsockopt(sk, SOL_SOCKET, 71 /* SO_NETNS_COOKIE */, &f->cookie, &len))
		return -1;
	close(sk);
	gk.netns_cookie = f->cookie;
	gk.ifindex = FX_PORT;
	g.ip = htonl(IP_A);
	fx_mac_of(IP_A, g.mac);
	g.snic_id = 1;
	memcpy(g.key, KEY_A, 16);
	if (bpf_map_update_elem(bpf_map__fd(f->guard->maps.hyp_guards), &gk, &g, 0))
		return -1;
	f->sender = -1;
	*out = f;
	return 0;
}

static inline void fx_close(struct fixture *f)
{
	emu_inspect_free(&f->emu);
	emu_policy_free(&f->emu); /* the backend's copy of the loaded rule sets */
	bridge_port_bpf__destroy(f->port);
	snic_guard_bpf__destroy(f->guard);
	free(f);
}

/* cmocka group and per-test hooks */
static inline int fx_group_setup(void **state)
{
	struct fixture *f;

	if (fx_open(&f))
		return -1;
	*state = f;
	return 0;
}

static inline int fx_group_teardown(void **state)
{
	fx_close(*state);
	return 0;
}

static inline int fx_test_setup(void **state)
{
	fx_reset(*state);
	return 0;
}

/* unshare into a private netns, then run the group */
static inline int fx_main(const char *name, const struct CMUnitTest *tests, size_t n)
{
	if (unshare(CLONE_NEWNET)) {
		fprintf(stderr, "unshare(CLONE_NEWNET): %s (run as root)\n", strerror(errno));
		return 1;
	}
	return _cmocka_run_group_tests(name, tests, n, fx_group_setup, fx_group_teardown);
}

#define FX_TEST(fn) cmocka_unit_test_setup(fn, fx_test_setup)

/* ---- frame builders (host-order arguments) ---- */

static inline void fx_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void fx_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline size_t fx_eth(uint8_t *b, const uint8_t *dst, const uint8_t *src, uint16_t proto)
{
	memcpy(b, dst, 6);
	memcpy(b + 6, src, 6);
	fx_put16(b + 12, proto);
	return 14;
}

static inline size_t fx_arp(uint8_t *b, const uint8_t *eth_src, uint16_t op, const uint8_t *sha,
			    uint32_t spa, uint32_t tpa)
{
	size_t n = fx_eth(b, FX_BCAST, eth_src, 0x0806);
	uint8_t *a = b + n;

	memset(a, 0, 28 + 18);
	a[1] = 1;    /* ethernet */
	a[2] = 0x08; /* IPv4 */
	a[4] = 6;
	a[5] = 4;
	a[7] = (uint8_t)op;
	memcpy(a + 8, sha, 6);
	fx_put32(a + 14, spa);
	fx_put32(a + 24, tpa);
	return n + 28 + 18; /* padded to the 60-byte minimum */
}

static inline uint16_t fx_csum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Ethernet + IPv4 (no options, DF) + l4 bytes. */
static inline size_t fx_ipv4(uint8_t *b, const uint8_t *dmac, const uint8_t *smac, uint32_t saddr,
			     uint32_t daddr, uint8_t proto, const uint8_t *l4, size_t l4len)
{
	size_t n = fx_eth(b, dmac, smac, 0x0800);
	uint8_t *ip = b + n;

	assert_true(n + 20 + l4len <= FX_FRAME_MAX);
	memset(ip, 0, 20);
	ip[0] = 0x45;
	fx_put16(ip + 2, (uint16_t)(20 + l4len));
	fx_put16(ip + 4, 0x1234);
	ip[6] = 0x40;
	ip[8] = 64;
	ip[9] = proto;
	fx_put32(ip + 12, saddr);
	fx_put32(ip + 16, daddr);
	fx_put16(ip + 10, fx_csum(ip, 20));
	memcpy(ip + 20, l4, l4len);
	return n + 20 + l4len;
}

static inline size_t fx_l4_tcp(uint8_t *t, uint16_t sport, uint16_t dport, uint8_t flags,
			       uint32_t seq, uint32_t ack, const void *payload, size_t plen)
{
	memset(t, 0, 20);
	fx_put16(t, sport);
	fx_put16(t + 2, dport);
	fx_put32(t + 4, seq);
	fx_put32(t + 8, ack);
	t[12] = 5 << 4;
	t[13] = flags;
	fx_put16(t + 14, 0xffff);
	if (plen)
		memcpy(t + 20, payload, plen);
	return 20 + plen;
}

static inline size_t fx_l4_udp(uint8_t *u, uint16_t sport, uint16_t dport, const void *payload,
			       size_t plen)
{
	memset(u, 0, 8);
	fx_put16(u, sport);
	fx_put16(u + 2, dport);
	fx_put16(u + 4, (uint16_t)(8 + plen));
	if (plen)
		memcpy(u + 8, payload, plen);
	return 8 + plen;
}

static inline size_t fx_l4_sctp(uint8_t *s, uint16_t sport, uint16_t dport)
{
	memset(s, 0, 28);
	fx_put16(s, sport);
	fx_put16(s + 2, dport);
	fx_put32(s + 4, 0x5c7b0001); /* verification tag */
	s[12] = 1;		     /* INIT chunk */
	fx_put16(s + 14, 16);
	return 28;
}

static inline size_t fx_l4_icmp(uint8_t *c, uint8_t type, uint8_t code, uint16_t id, uint16_t seq,
				const void *payload, size_t plen)
{
	memset(c, 0, 8);
	c[0] = type;
	c[1] = code;
	fx_put16(c + 4, id);
	fx_put16(c + 6, seq);
	if (plen)
		memcpy(c + 8, payload, plen);
	fx_put16(c + 2, fx_csum(c, 8 + plen));
	return 8 + plen;
}

/* What a container's stack would put as destination MAC: the peer's MAC
 * (the bridge answered its ARP) for an endpoint, else the gateway's. */
static inline const uint8_t *fx_dmac(struct fixture *f, uint32_t daddr)
{
	for (size_t i = 0; i < f->n_eps; i++)
		if (f->eps[i].ip == daddr)
			return f->eps[i].mac;
	return FX_MAC_GW;
}

/* A frame of endpoint src to daddr, stamped by src's guard key. */
static inline size_t fx_frame(struct fixture *f, uint8_t *b, int src, uint32_t daddr, uint8_t proto,
			      const uint8_t *l4, size_t l4len)
{
	const struct fx_ep *e = &f->eps[src];
	size_t n = fx_ipv4(b, fx_dmac(f, daddr), e->mac, e->ip, daddr, proto, l4, l4len);

	stamp_apply(e->key, b, n);
	return n;
}

static inline size_t fx_tcp(struct fixture *f, uint8_t *b, int src, uint32_t daddr, uint16_t sport,
			    uint16_t dport, uint8_t flags, uint32_t seq, uint32_t ack,
			    const char *payload)
{
	uint8_t l4[FX_FRAME_MAX];
	size_t plen = payload ? strlen(payload) : 0;

	return fx_frame(f, b, src, daddr, IPPROTO_TCP_, l4,
			fx_l4_tcp(l4, sport, dport, flags, seq, ack, payload, plen));
}

static inline size_t fx_udp(struct fixture *f, uint8_t *b, int src, uint32_t daddr, uint16_t sport,
			    uint16_t dport, const char *payload)
{
	uint8_t l4[FX_FRAME_MAX];
	size_t plen = payload ? strlen(payload) : 0;

	return fx_frame(f, b, src, daddr, IPPROTO_UDP_, l4,
			fx_l4_udp(l4, sport, dport, payload, plen));
}

static inline size_t fx_sctp(struct fixture *f, uint8_t *b, int src, uint32_t daddr, uint16_t sport,
			     uint16_t dport)
{
	uint8_t l4[64];

	return fx_frame(f, b, src, daddr, IPPROTO_SCTP_, l4, fx_l4_sctp(l4, sport, dport));
}

static inline size_t fx_icmp(struct fixture *f, uint8_t *b, int src, uint32_t daddr, uint8_t type,
			     uint16_t id, uint16_t seq)
{
	uint8_t l4[64];

	return fx_frame(f, b, src, daddr, IPPROTO_ICMP_, l4,
			fx_l4_icmp(l4, type, 0, id, seq, "pingpingpingping", 16));
}

/* running, counting, conntrack, and the tables as the daemon loads them */
#include "fixture_run.h"

#endif /* HYP_TESTS_BPF_FIXTURE_H */
