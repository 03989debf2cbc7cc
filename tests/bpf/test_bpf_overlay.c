// SPDX-License-Identifier: GPL-2.0-only
/*
 * The cluster overlay (bpf/overlay.bpf.c, bpf/lib/overlay_*.h) through
 * BPF_PROG_TEST_RUN: a frame signed with the pair key is delivered with
 * its identity; every forgery a host on the fabric can try is dropped
 * with its own reason (changed identity, addresses, sequence, ports,
 * payload or flags; a guessed key; an unknown or spoofed node; a replay;
 * a sequence behind the window; a block the node does not own), each
 * next to the accepted twin it was made from. The send side's output is
 * checked byte for byte against the userspace twin (ovl_frame.c) and is
 * accepted by a receiver holding the same pair key.
 */
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <endian.h>
#include <cmocka.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "hyperion/abi.h"
#include "cluster/ovl_frame.h"
#include "bpf/overlay.skel.h"

#define TC_ACT_OK	0
#define TC_ACT_SHOT	2
#define TC_ACT_REDIRECT 7
#define PORT		1 /* lo of the private netns: every frame enters here */
#define EP_PORT		42

static struct overlay_bpf *skel;
static const uint64_t K12[2] = {0x1111222233334444ULL, 0x5555666677778888ULL};
static const uint64_t K_NEW[2] = {0x9999aaaabbbbccccULL, 0xddddeeeeffff0000ULL};
static const uint64_t K_GUESS[2] = {0x1111222233334444ULL, 0x5555666677778889ULL};
static const uint8_t EP_MAC[6] = {0x02, 0, 0, 0, 0, 0x05};
static const uint8_t GW_MAC[6] = {0x0a, 0x58, 0, 0, 0, 1};

static uint32_t ip4(const char *s)
{
	return inet_addr(s);
}

static int fd(struct bpf_map *m)
{
	return bpf_map__fd(m);
}

static void clear_map(struct bpf_map *m)
{
	uint8_t key[64], next[64];

	while (!bpf_map_get_next_key(fd(m), NULL, next)) {
		memcpy(key, next, sizeof(key));
		assert_int_equal(bpf_map_delete_elem(fd(m), key), 0);
	}
}

/* This node: number self, address addr; flags HYP_OVL_SELF_F_*. */
static void set_self(uint32_t self, const char *addr, uint32_t flags)
{
	struct hyp_ovl_self s = {.node = self, .flags = flags, .addr = ip4(addr), .uplink_ifindex = PORT};
	uint32_t zero = 0;

	assert_int_equal(bpf_map_update_elem(fd(skel->maps.hyp_ovl_self), &zero, &s, 0), 0);
}

static void set_peer(uint32_t node, const char *addr, const char *net, uint32_t mask,
		     const uint64_t key[2], const uint64_t *prev)
{
	struct hyp_ovl_peer p = {.addr = ip4(addr), .net = ntohl(ip4(net)), .mask = mask};
	struct hyp_ovl_rx rx = {};
	struct hyp_ovl_route_key rk = {.prefixlen = 32 - __builtin_ctz(mask), .addr = ip4(net)};
	uint64_t zero = 0;

	memcpy(p.key, key, 16);
	if (prev) {
		memcpy(p.prev_key, prev, 16);
		p.flags = HYP_OVL_PEER_F_PREV;
	}
	assert_int_equal(bpf_map_update_elem(fd(skel->maps.hyp_ovl_peers), &node, &p, 0), 0);
	bpf_map_update_elem(fd(skel->maps.hyp_ovl_rx), &node, &rx, BPF_NOEXIST);
	bpf_map_update_elem(fd(skel->maps.hyp_ovl_tx), &node, &zero, BPF_NOEXIST);
	assert_int_equal(bpf_map_update_elem(fd(skel->maps.hyp_ovl_routes), &rk, &node, 0), 0);
}

static void set_endpoint(const char *ip, uint32_t identity)
{
	struct hyp_ep_key k = {.ip = ip4(ip)};
	struct hyp_endpoint e = {.port_ifindex = EP_PORT, .identity = identity};
	struct hyp_config c = {.gw_ip = ip4("10.210.0.1")};
	uint32_t zero = 0;

	struct hyp_port port = {.ip = k.ip, .identity = identity, .snic_id = 9};
	uint32_t pi = EP_PORT;

	memcpy(e.mac, EP_MAC, 6);
	memcpy(c.gw_mac, GW_MAC, 6);
	assert_int_equal(bpf_map_update_elem(fd(skel->maps.hyp_endpoints), &k, &e, 0), 0);
	assert_int_equal(bpf_map_update_elem(fd(skel->maps.hyp_ports), &pi, &port, 0), 0);
	assert_int_equal(bpf_map_update_elem(fd(skel->maps.hyp_config), &zero, &c, 0), 0);
}

/* The receiving world: node 1 (192.0.2.1, block 10.210.0.0/24) with endpoint
 * 10.210.0.5; peer node 2 at 192.0.2.2 owns 10.210.1.0/24. */
static int reset(void **state)
{
	clear_map(skel->maps.hyp_ovl_peers);
	clear_map(skel->maps.hyp_ovl_rx);
	clear_map(skel->maps.hyp_ovl_tx);
	clear_map(skel->maps.hyp_ovl_routes);
	clear_map(skel->maps.hyp_endpoints);
	clear_map(skel->maps.hyp_ports);
	clear_map(skel->maps.hyp_ct);
	clear_map(skel->maps.hyp_drops);
	set_self(1, "192.0.2.1", 0);
	set_peer(2, "192.0.2.2", "10.210.1.0", 0xffffff00, K12, NULL);
	set_endpoint("10.210.0.5", 300);
	return 0;
}

static struct ovl_spec spec(uint64_t seq)
{
	static const uint8_t payload[] = "GET / HTTP/1.0\r\n\r\n";
	struct ovl_spec s = {
	    .dst_mac = {0x02, 0, 0, 0, 0, 1},
	    .src_mac = {0x02, 0, 0, 0, 0, 2},
	    .outer_src = ip4("192.0.2.2"),
	    .outer_dst = ip4("192.0.2.1"),
	    .sport = 1234,
	    .src_node = 2,
	    .identity = 777,
	    .seq = seq,
	    .inner_src = ip4("10.210.1.7"),
	    .inner_dst = ip4("10.210.0.5"),
	    .proto = 6,
	    .l4_sport = 40000,
	    .l4_dport = 80,
	    .tcp_seq = 1000,
	    .tcp_flags = 0x02, /* a SYN: every accepted twin may start its flow */
	    .payload = payload,
	    .payload_len = sizeof(payload) - 1,
	};
	return s;
}

static int build(const struct ovl_spec *s, const uint64_t key[2], uint8_t *f)
{
	int len = ovl_frame_build(f, 2048, s);

	assert_true(len > 0);
	ovl_frame_sign(key, f, (size_t)len);
	return len;
}

static int run(int prog, const uint8_t *in, size_t len, uint8_t *out, uint32_t *out_len,
	       uint32_t *mark)
{
	struct __sk_buff ctx = {.ifindex = PORT, .mark = mark ? *mark : 0};
	uint8_t sink[2048];
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in, .data_size_in = (uint32_t)len,
		    .data_out = out ? out : sink, .data_size_out = 2048, .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .ctx_out = &ctx, .ctx_size_out = sizeof(ctx),
		    .repeat = 1);

	assert_int_equal(bpf_prog_test_run_opts(prog, &o), 0);
	if (out_len)
		*out_len = o.data_size_out;
	if (mark)
		*mark = ctx.mark;
	return (int)o.retval;
}

static int rx(const uint8_t *f, size_t len)
{
	return run(bpf_program__fd(skel->progs.hyp_ovl_receive), f, len, NULL, NULL, NULL);
}

static uint64_t drops(uint32_t reason)
{
	struct hyp_drop_key k = {.ifindex = PORT, .reason = reason};
	int ncpu = libbpf_num_possible_cpus();
	struct hyp_counter v[ncpu];
	uint64_t sum = 0;

	if (bpf_map_lookup_elem(fd(skel->maps.hyp_drops), &k, v))
		return 0;
	for (int i = 0; i < ncpu; i++)
		sum += v[i].packets;
	return sum;
}

/* The twin a forgery is made from is accepted: so each drop below is the forgery's. */
static void test_valid_delivered_with_identity(void **state)
{
	struct ovl_spec s = spec(5);
	uint8_t f[2048], out[2048];
	uint32_t out_len = 0, mark = 0;
	int len = build(&s, K12, f);

	assert_int_equal(run(bpf_program__fd(skel->progs.hyp_ovl_receive), f, (size_t)len, out,
			     &out_len, &mark),
			 TC_ACT_REDIRECT);
	assert_int_equal(mark, 777);
	assert_int_equal(out_len, (uint32_t)len - HYP_OVL_OVERHEAD);
	assert_memory_equal(out, EP_MAC, 6);
	assert_memory_equal(out + 6, GW_MAC, 6);
	assert_memory_equal(out + 14, f + OVL_F_INNER, out_len - 14); /* the inner packet, as sent */
}

/* One field changed after signing: dropped as a failed authenticator. */
static void tamper(size_t off, uint8_t x)
{
	struct ovl_spec s = spec(7);
	uint8_t f[2048];
	int len = build(&s, K12, f);

	f[off] ^= x;
	assert_int_equal(rx(f, (size_t)len), TC_ACT_SHOT);
	assert_int_equal(drops(HYP_DROP_OVL_AUTH), 1);
}

static void test_forged_identity(void **state) { tamper(OVL_F_HDR + 7, 0x01); }
static void test_forged_seq(void **state) { tamper(OVL_F_HDR + 15, 0x40); }
static void test_modified_inner_src(void **state) { tamper(OVL_F_INNER + 15, 0x08); }
static void test_modified_inner_dst(void **state) { tamper(OVL_F_INNER + 19, 0x01); }
static void test_modified_port(void **state) { tamper(OVL_F_INNER + 22, 0x01); }
static void test_modified_tcp_seq(void **state) { tamper(OVL_F_INNER + 27, 0x01); }
static void test_flag_flipped(void **state) { tamper(OVL_F_HDR + 1, HYP_OVL_F_PAYLOAD); }

static void test_guessed_key(void **state)
{
	struct ovl_spec s = spec(9);
	uint8_t f[2048];
	int len = build(&s, K_GUESS, f);

	assert_int_equal(rx(f, (size_t)len), TC_ACT_SHOT);
	assert_int_equal(drops(HYP_DROP_OVL_AUTH), 1);
}

static void test_unknown_and_own_node(void **state)
{
	struct ovl_spec s = spec(11);
	uint8_t f[2048];
	int len;

	s.src_node = 9;
	len = build(&s, K12, f);
	assert_int_equal(rx(f, (size_t)len), TC_ACT_SHOT);
	s.src_node = 1; /* this node's own number, from outside */
	len = build(&s, K12, f);
	assert_int_equal(rx(f, (size_t)len), TC_ACT_SHOT);
	assert_int_equal(drops(HYP_DROP_OVL_UNKNOWN_NODE), 2);
}

static void test_spoofed_node_address(void **state)
{
	struct ovl_spec s = spec(12);
	uint8_t f[2048];
	int len;

	s.outer_src = ip4("192.0.2.66"); /* the rogue host's own address, node 2's number */
	len = build(&s, K12, f);
	assert_int_equal(rx(f, (size_t)len), TC_ACT_SHOT);
	assert_int_equal(drops(HYP_DROP_OVL_NODE_ADDR), 1);
}

static void test_replay(void **state)
{
	struct ovl_spec s = spec(20);
	uint8_t f[2048];
	int len = build(&s, K12, f);

	assert_int_equal(rx(f, (size_t)len), TC_ACT_REDIRECT);
	assert_int_equal(rx(f, (size_t)len), TC_ACT_SHOT);
	assert_int_equal(drops(HYP_DROP_OVL_REPLAY), 1);
}

static void test_reorder_within_window(void **state)
{
	struct ovl_spec s = spec(100);
	uint8_t f[2048], g[2048];
	int len = build(&s, K12, f), glen;

	s.seq = 100 - HYP_OVL_WINDOW + 1; /* the oldest the window holds */
	glen = build(&s, K12, g);
	assert_int_equal(rx(f, (size_t)len), TC_ACT_REDIRECT);
	assert_int_equal(rx(g, (size_t)glen), TC_ACT_REDIRECT);
	assert_int_equal(rx(g, (size_t)glen), TC_ACT_SHOT);
	assert_int_equal(drops(HYP_DROP_OVL_REPLAY), 1);
}

static void test_behind_window(void **state)
{
	struct ovl_spec s = spec(1000);
	uint8_t f[2048], g[2048];
	int len = build(&s, K12, f), glen;

	s.seq = 1000 - HYP_OVL_WINDOW;
	glen = build(&s, K12, g);
	assert_int_equal(rx(f, (size_t)len), TC_ACT_REDIRECT);
	assert_int_equal(rx(g, (size_t)glen), TC_ACT_SHOT);
	assert_int_equal(drops(HYP_DROP_OVL_OLD), 1);
}

/* A forged packet must not move the window: the genuine one after it still passes. */
static void test_forgery_does_not_advance_window(void **state)
{
	struct ovl_spec s = spec(1u << 30);
	uint8_t f[2048], g[2048];
	int len = build(&s, K_GUESS, f), glen;

	s.seq = 50;
	glen = build(&s, K12, g);
	assert_int_equal(rx(f, (size_t)len), TC_ACT_SHOT);
	assert_int_equal(rx(g, (size_t)glen), TC_ACT_REDIRECT);
}

static void test_payload_integrity(void **state)
{
	struct ovl_spec s = spec(30);
	uint8_t f[2048];
	int len;

	s.flags = HYP_OVL_F_PAYLOAD;
	len = build(&s, K12, f);
	f[len - 3] ^= 0x20; /* one payload byte */
	assert_int_equal(rx(f, (size_t)len), TC_ACT_SHOT);
	assert_int_equal(drops(HYP_DROP_OVL_AUTH), 1);
	s.seq = 31; /* its twin, unmodified */
	len = build(&s, K12, f);
	assert_int_equal(rx(f, (size_t)len), TC_ACT_REDIRECT);
	/* without the flag the payload is not covered: a changed byte passes */
	s.flags = 0;
	s.seq = 32;
	len = build(&s, K12, f);
	f[len - 3] ^= 0x20;
	assert_int_equal(rx(f, (size_t)len), TC_ACT_REDIRECT);
}

static void test_payload_integrity_required(void **state)
{
	struct ovl_spec s = spec(40);
	uint8_t f[2048];
	int len = build(&s, K12, f);

	set_self(1, "192.0.2.1", HYP_OVL_SELF_F_PAYLOAD);
	assert_int_equal(rx(f, (size_t)len), TC_ACT_SHOT);
	assert_int_equal(drops(HYP_DROP_OVL_NO_INTEGRITY), 1);
	s.flags = HYP_OVL_F_PAYLOAD;
	s.seq = 41;
	len = build(&s, K12, f);
	assert_int_equal(rx(f, (size_t)len), TC_ACT_REDIRECT);
}

/* An authenticated node cannot speak for addresses of another node's block. */
static void test_source_outside_block(void **state)
{
	struct ovl_spec s = spec(50);
	uint8_t f[2048];
	int len;

	s.inner_src = ip4("10.210.2.9");
	len = build(&s, K12, f);
	assert_int_equal(rx(f, (size_t)len), TC_ACT_SHOT);
	assert_int_equal(drops(HYP_DROP_OVL_SRC_BLOCK), 1);
}

static void test_malformed(void **state)
{
	struct ovl_spec s = spec(60);
	uint8_t f[2048];
	int len = build(&s, K12, f);

	f[OVL_F_HDR] = 2; /* version */
	assert_int_equal(rx(f, (size_t)len), TC_ACT_SHOT);
	f[OVL_F_HDR] = HYP_OVL_VERSION;
	assert_int_equal(rx(f, (size_t)len - 1), TC_ACT_SHOT); /* truncated: lengths disagree */
	assert_int_equal(rx(f, OVL_F_HDR + 10), TC_ACT_SHOT);  /* header cut */
	assert_int_equal(drops(HYP_DROP_OVL_MALFORMED), 3);
	assert_int_equal(rx(f, (size_t)len), TC_ACT_REDIRECT);
}

/* The inner family is the header's (HYP_OVL_F_IP6, authenticated): an IPv6
 * inner packet in a frame without the flag, even signed with the pair key,
 * is refused before anything of it is believed; its IPv4 twin is
 * delivered (test_bpf_ovl6_rx.c: the carried IPv6). */
static void test_inner_ipv6_refused(void **state)
{
	static const uint8_t udp[16] = {0x9c, 0x40, 0, 53, 0, 16, 0, 0, 'q', 'u', 'e', 'r', 'y', '6'};
	struct ovl_spec s = spec(70);
	uint8_t f[2048], g[2048], *ip6 = g + OVL_F_INNER;
	int len = build(&s, K12, f);
	size_t n = OVL_F_INNER + 40 + sizeof(udp);

	memcpy(g, f, OVL_F_INNER);
	memset(ip6, 0, 40);
	ip6[0] = 0x60;
	ip6[5] = sizeof(udp); /* payload length */
	ip6[6] = 17;
	ip6[7] = 64;
	ip6[8] = 0xfd; /* fd00::5 -> fd00::6 */
	ip6[23] = 5;
	ip6[24] = 0xfd;
	ip6[39] = 6;
	memcpy(ip6 + 40, udp, sizeof(udp));
	g[14 + 2] = (uint8_t)((n - 14) >> 8); /* outer IPv4 total length */
	g[14 + 3] = (uint8_t)(n - 14);
	g[14 + 20 + 4] = (uint8_t)((n - 34) >> 8); /* UDP length */
	g[14 + 20 + 5] = (uint8_t)(n - 34);
	ovl_frame_sign(K12, g, n);
	assert_int_equal(rx(g, n), TC_ACT_SHOT);
	assert_int_equal(drops(HYP_DROP_OVL_MALFORMED), 1);
	assert_int_equal(rx(f, (size_t)len), TC_ACT_REDIRECT);
}

static void test_not_overlay_passes_on(void **state)
{
	struct ovl_spec s = spec(61);
	uint8_t f[2048];
	int len = build(&s, K12, f);

	f[14 + 20 + 3] ^= 1; /* another UDP port: the uplink's other stages decide */
	assert_int_equal(rx(f, (size_t)len), -1 /* TCX_NEXT */);
	f[14 + 20 + 3] ^= 1;
	f[14 + 19] ^= 1; /* to another address than this node's */
	assert_int_equal(rx(f, (size_t)len), -1);
}

static void test_rotation_previous_key(void **state)
{
	struct ovl_spec s = spec(70);
	uint8_t f[2048];
	int len = build(&s, K12, f);

	set_peer(2, "192.0.2.2", "10.210.1.0", 0xffffff00, K_NEW, K12);
	assert_int_equal(rx(f, (size_t)len), TC_ACT_REDIRECT); /* in flight under the old key */
	s.seq = 71;
	len = build(&s, K_NEW, f);
	assert_int_equal(rx(f, (size_t)len), TC_ACT_REDIRECT);
	set_peer(2, "192.0.2.2", "10.210.1.0", 0xffffff00, K_NEW, NULL); /* grace over */
	s.seq = 72;
	len = build(&s, K12, f);
	assert_int_equal(rx(f, (size_t)len), TC_ACT_SHOT);
	assert_int_equal(drops(HYP_DROP_OVL_AUTH), 1);
}

/* Send: node 1 to 10.210.1.7 (node 2's block): outer headers, sequence, and
 * the authenticator the userspace twin computes; then node 2 accepts it. */
static void send_and_check(uint32_t self_flags)
{
	struct ovl_spec s = spec(0);
	uint8_t f[2048], in[2048], out[2048];
	uint32_t out_len = 0, mark = HYP_OVL_MARK(2, 256);
	int len, inlen;
	uint64_t auth, seq;

	s.inner_src = ip4("10.210.0.5");
	s.inner_dst = ip4("10.210.1.7");
	len = build(&s, K12, f);
	inlen = len - HYP_OVL_OVERHEAD;

	set_self(1, "192.0.2.1", self_flags);
	memcpy(in, f, 14);
	memcpy(in + 14, f + OVL_F_INNER, (size_t)inlen - 14);
	for (uint64_t want = 1; want <= 2; want++) {
		mark = HYP_OVL_MARK(2, 256);
		assert_int_equal(run(bpf_program__fd(skel->progs.hyp_ovl_egress), in, (size_t)inlen,
				     out, &out_len, &mark),
				 TC_ACT_REDIRECT);
		assert_int_equal(mark, 0); /* the mark does not leave the bridge netns */
		assert_int_equal(out_len, (uint32_t)len);
		assert_memory_equal(out + 14 + 12, &(uint32_t){ip4("192.0.2.1")}, 4);
		assert_memory_equal(out + 14 + 16, &(uint32_t){ip4("192.0.2.2")}, 4);
		assert_int_equal(out[14 + 20 + 2] << 8 | out[14 + 20 + 3], HYP_OVL_PORT);
		assert_int_equal(out[OVL_F_HDR + 1], self_flags ? HYP_OVL_F_PAYLOAD : 0);
		assert_int_equal(out[OVL_F_HDR + 3], 1);      /* source node */
		assert_int_equal(out[OVL_F_HDR + 6] << 8 | out[OVL_F_HDR + 7], 256);
		memcpy(&seq, out + OVL_F_HDR + 8, 8);
		assert_int_equal(be64toh(seq), want);
		memcpy(&auth, out + OVL_F_HDR + 16, 8);
		assert_true(auth == ovl_frame_auth(K12, out, out_len));
		assert_memory_equal(out + OVL_F_INNER, in + 14, (size_t)inlen - 14);
	}
	/* node 2's view: peer 1 at 192.0.2.1 owns 10.210.0.0/24; the frame is for 10.210.1.7 */
	set_self(2, "192.0.2.2", self_flags);
	set_peer(1, "192.0.2.1", "10.210.0.0", 0xffffff00, K12, NULL);
	set_endpoint("10.210.1.7", 500);
	mark = 0;
	assert_int_equal(run(bpf_program__fd(skel->progs.hyp_ovl_receive), out, out_len, NULL,
			     NULL, &mark),
			 TC_ACT_REDIRECT);
	assert_int_equal(mark, 256);
}

static void test_send_matches_twin_and_verifies(void **state)
{
	/* the source of the sent frame is in node 1's block */
	send_and_check(0);
}

static void test_send_with_payload_integrity(void **state)
{
	send_and_check(HYP_OVL_SELF_F_PAYLOAD);
}

static void test_send_to_unknown_node(void **state)
{
	struct ovl_spec s = spec(0);
	uint8_t f[2048], in[2048];
	int len = build(&s, K12, f), inlen = len - HYP_OVL_OVERHEAD;
	uint32_t mark = HYP_OVL_MARK(9, 256); /* no peer 9 */

	memcpy(in, f, 14);
	memcpy(in + 14, f + OVL_F_INNER, (size_t)inlen - 14);
	assert_int_equal(run(bpf_program__fd(skel->progs.hyp_ovl_egress), in, (size_t)inlen, NULL,
			     NULL, &mark),
			 TC_ACT_SHOT);
	assert_int_equal(drops(HYP_DROP_OVL_NO_PEER), 1);
	mark = 0; /* not marked: not for the overlay, passed on */
	assert_int_equal(run(bpf_program__fd(skel->progs.hyp_ovl_egress), in, (size_t)inlen, NULL,
			     NULL, &mark),
			 -1);
}

static int group_setup(void **state)
{
	struct bpf_map *m;

	if (unshare(CLONE_NEWNET))
		return -1;
	skel = overlay_bpf__open();
	if (!skel)
		return -1;
	bpf_object__for_each_map(m, skel->obj) bpf_map__set_pin_path(m, NULL);
	return overlay_bpf__load(skel) ? -1 : 0;
}

static int group_teardown(void **state)
{
	overlay_bpf__destroy(skel);
	return 0;
}

#define T(fn) cmocka_unit_test_setup(fn, reset)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_valid_delivered_with_identity),
	    T(test_forged_identity),
	    T(test_forged_seq),
	    T(test_modified_inner_src),
	    T(test_modified_inner_dst),
	    T(test_modified_port),
	    T(test_modified_tcp_seq),
	    T(test_flag_flipped),
	    T(test_guessed_key),
	    T(test_unknown_and_own_node),
	    T(test_spoofed_node_address),
	    T(test_replay),
	    T(test_reorder_within_window),
	    T(test_behind_window),
	    T(test_forgery_does_not_advance_window),
	    T(test_payload_integrity),
	    T(test_payload_integrity_required),
	    T(test_source_outside_block),
	    T(test_malformed),
	    T(test_inner_ipv6_refused),
	    T(test_not_overlay_passes_on),
	    T(test_rotation_previous_key),
	    T(test_send_matches_twin_and_verifies),
	    T(test_send_with_payload_integrity),
	    T(test_send_to_unknown_node),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
