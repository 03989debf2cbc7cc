// SPDX-License-Identifier: GPL-2.0-only
/*
 * IPv6 and the cluster overlay (bpf/lib/flow6.h dest6_remote) with
 * BPF_PROG_TEST_RUN: another node's IPv6 /64 (hyp_ovl_routes6, written
 * when the peer comes up) is not the world. The overlay does not carry
 * IPv6 yet, so a SNIC's packet to that /64 is dropped (ip6-outside) even
 * when the uplink has IPv6, never routed out in the clear; its twins, an
 * outside address and the address just past the /64, leave routed.
 */
#include "ip6_fixture.h"
#include "uplink_fixture.h"

static const uint8_t UP_MAC[6] = {0x02, 0xaa, 0, 0, 0, 2};
static struct uplink_bpf *up;

/* 2001:db8::N */
static struct a6 doc6(uint8_t n)
{
	struct a6 a = {{0x20, 0x01, 0x0d, 0xb8}};

	a.b[15] = n;
	return a;
}

/* fd00:5:6:S::N: S 7 is the other node's /64 */
static struct a6 node6(uint8_t s, uint8_t n)
{
	struct a6 a = {{0xfd, 0, 0, 5, 0, 6, 0, s}};

	a.b[15] = n;
	return a;
}

static int setup(void **state)
{
	struct fixture *f = *state;
	struct hyp_uplink u = {.ifindex = FX_PORT, .mtu = 1500};
	struct hyp_uplink6 u6 = {.prefixlen = 64, .mtu = 1500};
	struct a6 a = doc6(2), gw = doc6(1), ll = fx6_ll(UP_MAC);
	uint32_t zero = 0;

	fx6_setup(state);
	if (!up && fx_uplink_open(f, &up))
		fail_msg("cannot load the uplink program");
	u.ip = htonl(0xc6336402u);
	u.mask = htonl(0xffffff00u);
	u.net = u.ip & u.mask;
	memcpy(u.mac, UP_MAC, 6);
	memcpy(u6.ip, a.b, 16);
	memcpy(u6.ll, ll.b, 16);
	memcpy(u6.gw, gw.b, 16);
	assert_int_equal(bpf_map_update_elem(FX_FD(f, hyp_uplink6), &zero, &u6, BPF_ANY), 0);
	assert_int_equal(bpf_map_update_elem(FX_FD(f, hyp_uplink), &zero, &u, BPF_ANY), 0);
	return 0;
}

static int out_to(struct fixture *f, const struct a6 *d, uint16_t sport)
{
	uint8_t in[FX_FRAME_MAX], out[FX_FRAME_MAX];
	size_t len = fx6_udp(f, in, EP_A, d, sport, 53);

	fx6_stamp(f, EP_A, in, len);
	return fx_run_prog(fx_port_fd(f), in, len, out, FX_FRAME_MAX, NULL);
}

static void test6_remote_block_not_outside(void **state)
{
	struct fixture *f = *state;
	struct a6 o = doc6(7), r = node6(7, 9), past = node6(8, 9);
	struct hyp_ovl_route6_key rk = {.prefixlen = 64};
	uint64_t d = fx_drops(f, HYP_DROP_IP6_OUTSIDE);
	uint32_t node = 3;

	/* no route yet: the cluster address is the world, routed out */
	assert_int_equal(out_to(f, &r, 41000), TC_ACT_REDIRECT);
	memcpy(rk.addr, r.b, 8);
	assert_int_equal(bpf_map_update_elem(FX_FD(f, hyp_ovl_routes6), &rk, &node, BPF_ANY), 0);
	/* another node's /64: dropped, not routed out in the clear */
	assert_int_equal(out_to(f, &r, 41001), TC_ACT_SHOT);
	assert_int_equal(fx_drops(f, HYP_DROP_IP6_OUTSIDE), d + 1);
	/* the twins: the outside and the next /64 leave routed */
	assert_int_equal(out_to(f, &o, 41002), TC_ACT_REDIRECT);
	assert_int_equal(out_to(f, &past, 41003), TC_ACT_REDIRECT);
	assert_int_equal(fx_drops(f, HYP_DROP_IP6_OUTSIDE), d + 1);
	assert_int_equal(bpf_map_delete_elem(FX_FD(f, hyp_ovl_routes6), &rk), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test6_remote_block_not_outside, setup),
	};

	return fx6_main("bpf_ovl6", tests, sizeof(tests) / sizeof(tests[0]));
}
