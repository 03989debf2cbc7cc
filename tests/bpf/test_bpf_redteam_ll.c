// SPDX-License-Identifier: GPL-2.0-only
/*
 * Red team: IPv6 link-local sources off their link. The bridge is a router
 * (it decrements the hop limit, its NA says router), and a router forwards
 * no packet with a link-local source to another link (RFC 4291 2.5.6). A
 * container may send from its link-local (the guard lets it out, for ND
 * and RS with the gateway), but nothing from it may reach another SNIC,
 * the fabric or another node. A host on the fabric, whose link-local is
 * real on the uplink's link, may not make a SNIC's container see it as a
 * neighbour on the SNIC's own link (nor pose as the gateway's link-local).
 * Each attack next to its twin from a global address, which passes.
 */
#include "uplink6_fixture.h"


/* A's UDP from its link-local to B's global address: not forwarded to
 * B's link (B could not even answer it: nobody answers B's NS for A's
 * link-local). The twin from A's global address reaches B. */
static void test_ll_src_to_endpoint(void **state)
{
	struct fixture *f = *state;
	struct a6 b = fx6_ep(f, EP_B), ll = fx6_ll(f->eps[EP_A].mac);
	uint8_t in[FX_FRAME_MAX];
	size_t len = fx6_udp(f, in, EP_A, &b, 5353, 53);
	uint64_t d = fx_drops(f, HYP_DROP_IP6_LINKLOCAL);

	fx6_stamp(f, EP_A, in, len);
	fx_expect_to(f, EP_A, in, len, EP_B);
	len = fx6_udp(f, in, EP_A, &b, 5353, 53);
	memcpy(in + 22, ll.b, 16);
	fx6_stamp(f, EP_A, in, len); /* the guard lets A's link-local out */
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_IP6_LINKLOCAL);
	assert_int_equal(fx_drops(f, HYP_DROP_IP6_LINKLOCAL), d + 1);
}

/* A's UDP from its link-local to the outside: it never leaves the uplink
 * (the fabric would see a link-local from the node's MAC); from its
 * global address it does. */
static void test_ll_src_to_world(void **state)
{
	struct fixture *f = *state;
	struct a6 o = doc6(7), ll = fx6_ll(f->eps[EP_A].mac);
	uint8_t in[FX_FRAME_MAX], out[FX_FRAME_MAX];
	size_t len = fx6_udp(f, in, EP_A, &o, 40000, 53);
	uint64_t d = fx_drops(f, HYP_DROP_IP6_LINKLOCAL);

	fx6_stamp(f, EP_A, in, len);
	assert_int_equal(run(PORT, in, len, out), TC_ACT_REDIRECT);
	len = fx6_udp(f, in, EP_A, &o, 40001, 53);
	memcpy(in + 22, ll.b, 16);
	fx6_stamp(f, EP_A, in, len);
	assert_int_equal(run(PORT, in, len, out), TC_ACT_SHOT);
	assert_int_equal(fx_drops(f, HYP_DROP_IP6_LINKLOCAL), d + 1);
}

/* A host on the fabric to a routed SNIC, from its own link-local and
 * from the SNIC-side gateway's link-local: dropped at the uplink, not
 * delivered as if from a neighbour on the SNIC's link; from its global
 * address: delivered. The uplink's own ND from the fabric's link-locals
 * is unchanged (test_bpf_uplink6). */
static void test_fabric_ll_src_to_snic(void **state)
{
	struct fixture *f = *state;
	struct a6 a = fx6_ep(f, EP_A), o = doc6(7), fab_ll = fx6_ll(OUT_MAC);
	struct a6 gw_ll = fx6_ll(FX_MAC_GW);
	uint8_t in[FX_FRAME_MAX], out[FX_FRAME_MAX], u[16];
	uint64_t d = fx_drops(f, HYP_DROP_IP6_LINKLOCAL);
	struct hyp_ep6_key k;
	struct hyp_endpoint ep;
	size_t len;

	memcpy(k.ip, a.b, 16);
	assert_int_equal(bpf_map_lookup_elem(FX_FD(f, hyp_endpoints6), &k, &ep), 0);
	ep.flags |= HYP_EP_F_ROUTED;
	assert_int_equal(bpf_map_update_elem(FX_FD(f, hyp_endpoints6), &k, &ep, BPF_ANY), 0);
	fx_l4_udp(u, 40000, 53, "inject!!", 8);
	len = fx6_frame(in, UP_MAC, OUT_MAC, &fab_ll, &a, NH_UDP, 60, u, 16);
	assert_int_equal(run(UPLINK, in, len, out), TC_ACT_SHOT);
	len = fx6_frame(in, UP_MAC, OUT_MAC, &gw_ll, &a, NH_UDP, 60, u, 16);
	assert_int_equal(run(UPLINK, in, len, out), TC_ACT_SHOT);
	assert_int_equal(fx_drops(f, HYP_DROP_IP6_LINKLOCAL), d + 2);
	len = fx6_frame(in, UP_MAC, OUT_MAC, &o, &a, NH_UDP, 60, u, 16);
	assert_int_equal(run(UPLINK, in, len, out), TC_ACT_REDIRECT);
	assert_memory_equal(out, f->eps[EP_A].mac, 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_ll_src_to_endpoint, up6_setup),
	    cmocka_unit_test_setup(test_ll_src_to_world, up6_setup),
	    cmocka_unit_test_setup(test_fabric_ll_src_to_snic, up6_setup),
	};

	return fx6_main("bpf_redteam_ll", tests, sizeof(tests) / sizeof(tests[0]));
}
