// SPDX-License-Identifier: GPL-2.0-only
/*
 * IPv6 inside the cluster overlay (bpf/overlay.bpf.c hyp_ovl_receive6,
 * bpf/lib/overlay_*.h, abi.h "Cluster overlay") through BPF_PROG_TEST_RUN:
 * the send side wraps an inner IPv6 packet (outer IPv4 | UDP 7471 | header
 * with HYP_OVL_F_IP6) whose authenticator the userspace twin
 * (ovl_frame.c) computes too, and a receiver with the pair key delivers it
 * to its endpoint with the identity; every forgery a host on the fabric can
 * try is dropped with its reason next to the accepted twin it was made
 * from: a changed address, hop limit, port or TCP sequence (also past an
 * extension header), payload, identity or family flag; a replay; an inner
 * source outside the sending node's /64 (an authenticated node speaking
 * for another node's addresses).
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

#define TC_ACT_SHOT	2
#define TC_ACT_REDIRECT 7
#define PORT		1 /* lo of the private netns: every frame enters here */
#define EP_PORT		42

static struct overlay_bpf *skel;
static const uint64_t K12[2] = {0x1111222233334444ULL, 0x5555666677778888ULL};
static const uint64_t K_GUESS[2] = {0x1111222233334444ULL, 0x5555666677778889ULL};
static const uint8_t EP_MAC[6] = {0x02, 0, 0, 0, 0, 0x05};
static const uint8_t GW_MAC[6] = {0x0a, 0x58, 0, 0, 0, 1};

/* fd00:5:6:S::N: node S's /64 */
static void addr6(uint8_t *a, uint8_t s, uint8_t n)
{
	memset(a, 0, 16);
	a[0] = 0xfd;
	a[3] = 5;
	a[5] = 6;
	a[7] = s;
	a[15] = n;
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

static void set_self(uint32_t self, const char *addr)
{
	struct hyp_ovl_self s = {.node = self, .addr = inet_addr(addr), .uplink_ifindex = PORT};
	uint32_t zero = 0;

	assert_int_equal(bpf_map_update_elem(fd(skel->maps.hyp_ovl_self), &zero, &s, 0), 0);
}

/* Peer node at addr owning fd00:5:6:node::/64 (and an IPv4 block). */
static void set_peer(uint32_t node, const char *addr)
{
	struct hyp_ovl_peer p = {
	    .addr = inet_addr(addr), .net = 0x0ad20000u | node << 8, .mask = 0xffffff00u};
	struct hyp_ovl_route6_key rk = {.prefixlen = 64};
	struct hyp_ovl_rx rx = {};
	uint64_t zero = 0;

	memcpy(p.key, K12, 16);
	addr6(rk.addr, (uint8_t)node, 0);
	assert_int_equal(bpf_map_update_elem(fd(skel->maps.hyp_ovl_peers), &node, &p, 0), 0);
	bpf_map_update_elem(fd(skel->maps.hyp_ovl_rx), &node, &rx, BPF_NOEXIST);
	bpf_map_update_elem(fd(skel->maps.hyp_ovl_tx), &node, &zero, BPF_NOEXIST);
	assert_int_equal(bpf_map_update_elem(fd(skel->maps.hyp_ovl_routes6), &rk, &node, 0), 0);
}

/* This node's endpoint fd00:5:6:self::5 with identity, on EP_PORT; the pool6 is its /64. */
static void set_endpoint(uint8_t self, uint32_t identity)
{
	struct hyp_ep6_key k;
	struct hyp_endpoint e = {.port_ifindex = EP_PORT, .identity = identity, .snic_id = 9};
	struct hyp_port port = {.identity = identity, .snic_id = 9};
	struct hyp_config c = {.gw_ip = inet_addr("10.210.0.1")};
	struct hyp_config6 c6 = {.prefixlen = 64};
	uint32_t zero = 0, pi = EP_PORT;

	addr6((uint8_t *)k.ip, self, 5);
	addr6((uint8_t *)c6.net, self, 0);
	addr6((uint8_t *)c6.gw_ip, self, 1);
	memcpy(e.mac, EP_MAC, 6);
	memcpy(c.gw_mac, GW_MAC, 6);
	assert_int_equal(bpf_map_update_elem(fd(skel->maps.hyp_endpoints6), &k, &e, 0), 0);
	assert_int_equal(bpf_map_update_elem(fd(skel->maps.hyp_ports), &pi, &port, 0), 0);
	assert_int_equal(bpf_map_update_elem(fd(skel->maps.hyp_config), &zero, &c, 0), 0);
	assert_int_equal(bpf_map_update_elem(fd(skel->maps.hyp_config6), &zero, &c6, 0), 0);
}

/* Node 1 (192.0.2.1) with endpoint fd00:5:6:1::5 (identity 300); peer node
 * 2 at 192.0.2.2 owns fd00:5:6:2::/64, peer 3 at 192.0.2.3 fd00:5:6:3::/64. */
static int reset(void **state)
{
	clear_map(skel->maps.hyp_ovl_peers);
	clear_map(skel->maps.hyp_ovl_rx);
	clear_map(skel->maps.hyp_ovl_tx);
	clear_map(skel->maps.hyp_ovl_routes6);
	clear_map(skel->maps.hyp_endpoints6);
	clear_map(skel->maps.hyp_ports);
	clear_map(skel->maps.hyp_ct6);
	clear_map(skel->maps.hyp_drops);
	set_self(1, "192.0.2.1");
	set_peer(2, "192.0.2.2");
	set_peer(3, "192.0.2.3");
	set_endpoint(1, 300);
	return 0;
}

static struct ovl_spec spec(uint64_t seq)
{
	static const uint8_t payload[] = "GET / HTTP/1.0\r\n\r\n";
	struct ovl_spec s = {
	    .dst_mac = {0x02, 0, 0, 0, 0, 1},
	    .src_mac = {0x02, 0, 0, 0, 0, 2},
	    .outer_src = inet_addr("192.0.2.2"),
	    .outer_dst = inet_addr("192.0.2.1"),
	    .sport = 1234,
	    .src_node = 2,
	    .identity = 777,
	    .seq = seq,
	    .flags = HYP_OVL_F_IP6,
	    .proto = 6,
	    .l4_sport = 40000,
	    .l4_dport = 80,
	    .tcp_seq = 1000,
	    .tcp_flags = 0x02,
	    .payload = payload,
	    .payload_len = sizeof(payload) - 1,
	};
	addr6(s.src6, 2, 7);
	addr6(s.dst6, 1, 5);
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

/* Delivered: to the endpoint's MAC from the gateway's, as an IPv6 frame,
 * the inner packet as sent, with the identity. */
static void expect_delivered(const uint8_t *f, size_t len, uint32_t identity)
{
	uint8_t out[2048];
	uint32_t out_len = 0, mark = 0;

	assert_int_equal(
	    run(bpf_program__fd(skel->progs.hyp_ovl_receive), f, len, out, &out_len, &mark),
	    TC_ACT_REDIRECT);
	assert_int_equal(mark, identity);
	assert_int_equal(out_len, (uint32_t)len - HYP_OVL_OVERHEAD);
	assert_memory_equal(out, EP_MAC, 6);
	assert_memory_equal(out + 6, GW_MAC, 6);
	assert_int_equal(out[12] << 8 | out[13], 0x86dd);
	assert_memory_equal(out + 14, f + OVL_F_INNER, out_len - 14);
}

static void test6_valid_delivered(void **state)
{
	struct ovl_spec s = spec(5);
	uint8_t f[2048];
	int len = build(&s, K12, f);

	expect_delivered(f, (size_t)len, 777);
}

/* An extension header (destination options) is walked with a port's bounds. */
static void test6_exthdr_delivered(void **state)
{
	struct ovl_spec s = spec(6);
	uint8_t f[2048];
	int len;

	s.ext_len = 16;
	len = build(&s, K12, f);
	expect_delivered(f, (size_t)len, 777);
}

/* One byte changed after signing: dropped as a failed authenticator. */
static void tamper(struct ovl_spec s, size_t off, uint8_t x, uint32_t reason)
{
	uint8_t f[2048];
	int len = build(&s, K12, f);

	f[off] ^= x;
	assert_int_equal(rx(f, (size_t)len), TC_ACT_SHOT);
	assert_int_equal(drops(reason), 1);
	f[off] ^= x; /* its twin, as signed */
	expect_delivered(f, (size_t)len, 777);
}

#define IN6 OVL_F_INNER
static void test6_forged_identity(void **state)
{
	tamper(spec(7), OVL_F_HDR + 7, 1, HYP_DROP_OVL_AUTH);
}
static void test6_modified_src_low(void **state)
{
	tamper(spec(8), IN6 + 8 + 15, 0x08, HYP_DROP_OVL_AUTH);
}
static void test6_modified_src_high(void **state)
{
	tamper(spec(9), IN6 + 8 + 2, 0x01, HYP_DROP_OVL_AUTH);
}
static void test6_modified_dst(void **state)
{
	tamper(spec(10), IN6 + 24 + 9, 0x40, HYP_DROP_OVL_AUTH);
}
static void test6_modified_plen_nh_hlim(void **state)
{
	tamper(spec(11), IN6 + 7, 0x01, HYP_DROP_OVL_AUTH);
}
static void test6_modified_flow_label(void **state)
{
	tamper(spec(12), IN6 + 3, 0x01, HYP_DROP_OVL_AUTH);
}
static void test6_modified_port(void **state)
{
	tamper(spec(13), IN6 + 40 + 3, 0x01, HYP_DROP_OVL_AUTH);
}
static void test6_modified_tcp_seq(void **state)
{
	tamper(spec(14), IN6 + 40 + 7, 0x01, HYP_DROP_OVL_AUTH);
}

/* Past an extension header the ports are still covered. */
static void test6_modified_port_past_exthdr(void **state)
{
	struct ovl_spec s = spec(15);

	s.ext_len = 8;
	tamper(s, IN6 + 40 + 8 + 2, 0x01, HYP_DROP_OVL_AUTH);
}

static void test6_payload_integrity(void **state)
{
	struct ovl_spec s = spec(16);
	uint8_t f[2048];
	int len;

	s.flags |= HYP_OVL_F_PAYLOAD;
	len = build(&s, K12, f);
	tamper(s, (size_t)len - 3, 0x20, HYP_DROP_OVL_AUTH);
}

/* The family flag is in the authenticated words and must match the inner
 * version: cleared, the IPv6 packet is refused before anything of it is
 * believed; an IPv4-looking inner with the flag likewise. */
static void test6_family_flag(void **state)
{
	struct ovl_spec s = spec(17);
	uint8_t f[2048];
	int len = build(&s, K12, f);

	f[OVL_F_HDR + 1] &= (uint8_t)~HYP_OVL_F_IP6;
	assert_int_equal(rx(f, (size_t)len), TC_ACT_SHOT);
	ovl_frame_sign(K12, f, (size_t)len); /* even signed so (as IPv4 words) */
	assert_int_equal(rx(f, (size_t)len), TC_ACT_SHOT);
	f[OVL_F_HDR + 1] |= HYP_OVL_F_IP6;
	f[IN6] = 0x45;
	ovl_frame_sign(K12, f, (size_t)len);
	assert_int_equal(rx(f, (size_t)len), TC_ACT_SHOT);
	assert_int_equal(drops(HYP_DROP_OVL_MALFORMED), 3);
	s.seq = 18;
	len = build(&s, K12, f);
	expect_delivered(f, (size_t)len, 777);
}

static void test6_guessed_key(void **state)
{
	struct ovl_spec s = spec(19);
	uint8_t f[2048];
	int len = build(&s, K_GUESS, f);

	assert_int_equal(rx(f, (size_t)len), TC_ACT_SHOT);
	assert_int_equal(drops(HYP_DROP_OVL_AUTH), 1);
}

static void test6_replay(void **state)
{
	struct ovl_spec s = spec(20);
	uint8_t f[2048];
	int len = build(&s, K12, f);

	expect_delivered(f, (size_t)len, 777);
	assert_int_equal(rx(f, (size_t)len), TC_ACT_SHOT);
	assert_int_equal(drops(HYP_DROP_OVL_REPLAY), 1);
}

/* Node 2, authenticated, speaks for an address of node 3's /64, or of no
 * node's: overlay-src6. Its twin from node 2's own /64 is delivered. */
static void test6_inner_source_outside_sender(void **state)
{
	struct ovl_spec s = spec(30);
	uint8_t f[2048];
	int len;

	addr6(s.src6, 3, 7);
	len = build(&s, K12, f);
	assert_int_equal(rx(f, (size_t)len), TC_ACT_SHOT);
	s.seq = 31;
	addr6(s.src6, 9, 7);
	len = build(&s, K12, f);
	assert_int_equal(rx(f, (size_t)len), TC_ACT_SHOT);
	assert_int_equal(drops(HYP_DROP_OVL_SRC6), 2);
	s.seq = 32;
	addr6(s.src6, 2, 7);
	len = build(&s, K12, f);
	expect_delivered(f, (size_t)len, 777);
}

/* To an address here that is no endpoint's: unknown-dst, after the checks. */
static void test6_unknown_local_dst(void **state)
{
	struct ovl_spec s = spec(40);
	uint8_t f[2048];
	int len;

	addr6(s.dst6, 1, 6);
	len = build(&s, K12, f);
	assert_int_equal(rx(f, (size_t)len), TC_ACT_SHOT);
	assert_int_equal(drops(HYP_DROP_UNKNOWN_DST), 1);
}

/* Endpoint 300 takes TCP 80 from identity 777 only: the authenticated
 * identity decides, a frame claiming 778 (signed by the same node, from
 * the same address) is dropped by policy. */
static void test6_policy_by_identity(void **state)
{
	struct hyp_enforce_key ek = {.gen = 0, .identity = 300};
	struct hyp_policy_key pk = {
	    .prefixlen = HYP_POLICY_KEY_FIXED_BITS + 8 + 16,
	    .dir = HYP_DIR_INGRESS,
	    .kind = HYP_PEER_IDENTITY,
	    .local_id = htonl(300),
	    .peer = htonl(777),
	    .proto = 6,
	    .port_lo = 80,
	};
	struct hyp_policy_val v = {.rule_id = 1};
	uint32_t flags = HYP_ENFORCE_INGRESS;
	struct ovl_spec s = spec(50);
	uint8_t f[2048];
	int len;

	assert_int_equal(bpf_map_update_elem(fd(skel->maps.hyp_enforce), &ek, &flags, 0), 0);
	assert_int_equal(bpf_map_update_elem(fd(skel->maps.hyp_policy), &pk, &v, 0), 0);
	s.identity = 778;
	len = build(&s, K12, f);
	assert_int_equal(rx(f, (size_t)len), TC_ACT_SHOT);
	assert_int_equal(drops(HYP_DROP_POLICY_INGRESS), 1);
	s.identity = 777;
	s.seq = 51;
	s.l4_sport = 40001;
	len = build(&s, K12, f);
	expect_delivered(f, (size_t)len, 777);
	assert_int_equal(bpf_map_delete_elem(fd(skel->maps.hyp_enforce), &ek), 0);
	assert_int_equal(bpf_map_delete_elem(fd(skel->maps.hyp_policy), &pk), 0);
}

/* Send: node 1 wraps endpoint fd00:5:6:1::5's packet for fd00:5:6:2::7 on
 * node 2: outer headers, the family flag, the sequence and the
 * authenticator the userspace twin computes; node 2 delivers it. */
static void send_and_check(uint8_t payload_flag)
{
	struct ovl_spec s = spec(0);
	uint8_t f[2048], in[2048], out[2048];
	uint32_t out_len = 0, mark;
	struct hyp_ovl_self self = {.node = 1,
				    .addr = inet_addr("192.0.2.1"),
				    .uplink_ifindex = PORT,
				    .flags = payload_flag ? HYP_OVL_SELF_F_PAYLOAD : 0};
	uint32_t zero = 0;
	uint64_t auth, seq;
	int len, inlen;

	s.src_node = 1;
	addr6(s.src6, 1, 5);
	addr6(s.dst6, 2, 7);
	len = build(&s, K12, f);
	inlen = len - HYP_OVL_OVERHEAD;
	memcpy(in, f, 12);
	in[12] = 0x86;
	in[13] = 0xdd;
	memcpy(in + 14, f + OVL_F_INNER, (size_t)inlen - 14);
	assert_int_equal(bpf_map_update_elem(fd(skel->maps.hyp_ovl_self), &zero, &self, 0), 0);
	mark = HYP_OVL_MARK(2, 256);
	assert_int_equal(run(bpf_program__fd(skel->progs.hyp_ovl_egress), in, (size_t)inlen, out,
			     &out_len, &mark),
			 TC_ACT_REDIRECT);
	assert_int_equal(mark, 0);
	assert_int_equal(out_len, (uint32_t)len);
	assert_int_equal(out[12] << 8 | out[13], 0x0800); /* the outer is IPv4 */
	assert_memory_equal(out + 14 + 12, &(uint32_t){inet_addr("192.0.2.1")}, 4);
	assert_memory_equal(out + 14 + 16, &(uint32_t){inet_addr("192.0.2.2")}, 4);
	assert_int_equal(out[14 + 20 + 2] << 8 | out[14 + 20 + 3], HYP_OVL_PORT);
	assert_int_equal(out[OVL_F_HDR + 1],
			 HYP_OVL_F_IP6 | (payload_flag ? HYP_OVL_F_PAYLOAD : 0));
	assert_int_equal(out[OVL_F_HDR + 6] << 8 | out[OVL_F_HDR + 7], 256);
	memcpy(&seq, out + OVL_F_HDR + 8, 8);
	assert_int_equal(be64toh(seq), 1);
	memcpy(&auth, out + OVL_F_HDR + 16, 8);
	assert_true(auth == ovl_frame_auth(K12, out, out_len));
	assert_memory_equal(out + OVL_F_INNER, in + 14, (size_t)inlen - 14);
	/* node 2's view: peer 1 at 192.0.2.1 owns fd00:5:6:1::/64 */
	reset(NULL);
	set_self(2, "192.0.2.2");
	clear_map(skel->maps.hyp_ovl_peers);
	set_peer(1, "192.0.2.1");
	clear_map(skel->maps.hyp_endpoints6);
	set_endpoint(2, 500);
	/* endpoint fd00:5:6:2::5 is the one set_endpoint makes: send to it */
	f[OVL_F_INNER + 24 + 15] = 5;
	out[OVL_F_INNER + 24 + 15] = 5;
	memcpy(&auth, out + OVL_F_HDR + 16, 8);
	assert_true(auth != ovl_frame_auth(K12, out, out_len)); /* the address is covered */
	assert_int_equal(rx(out, out_len), TC_ACT_SHOT);
	assert_int_equal(drops(HYP_DROP_OVL_AUTH), 1);
}

static void test6_send_matches_twin(void **state)
{
	send_and_check(0);
}
static void test6_send_with_payload_integrity(void **state)
{
	send_and_check(1);
}

/* The wrapped frame is accepted by a receiver with the pair key. */
static void test6_send_then_receive(void **state)
{
	struct ovl_spec s = spec(0);
	uint8_t f[2048], in[2048], out[2048];
	uint32_t out_len = 0, mark = HYP_OVL_MARK(2, 256);
	int len, inlen;

	addr6(s.src6, 1, 5);
	addr6(s.dst6, 2, 5);
	len = build(&s, K12, f);
	inlen = len - HYP_OVL_OVERHEAD;
	memcpy(in, f, 12);
	in[12] = 0x86;
	in[13] = 0xdd;
	memcpy(in + 14, f + OVL_F_INNER, (size_t)inlen - 14);
	assert_int_equal(run(bpf_program__fd(skel->progs.hyp_ovl_egress), in, (size_t)inlen, out,
			     &out_len, &mark),
			 TC_ACT_REDIRECT);
	set_self(2, "192.0.2.2");
	clear_map(skel->maps.hyp_ovl_peers);
	set_peer(1, "192.0.2.1");
	clear_map(skel->maps.hyp_endpoints6);
	set_endpoint(2, 500);
	expect_delivered(out, out_len, 256);
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
	    T(test6_valid_delivered),
	    T(test6_exthdr_delivered),
	    T(test6_forged_identity),
	    T(test6_modified_src_low),
	    T(test6_modified_src_high),
	    T(test6_modified_dst),
	    T(test6_modified_plen_nh_hlim),
	    T(test6_modified_flow_label),
	    T(test6_modified_port),
	    T(test6_modified_tcp_seq),
	    T(test6_modified_port_past_exthdr),
	    T(test6_payload_integrity),
	    T(test6_family_flag),
	    T(test6_guessed_key),
	    T(test6_replay),
	    T(test6_inner_source_outside_sender),
	    T(test6_unknown_local_dst),
	    T(test6_policy_by_identity),
	    T(test6_send_matches_twin),
	    T(test6_send_with_payload_integrity),
	    T(test6_send_then_receive),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
