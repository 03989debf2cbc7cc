// SPDX-License-Identifier: GPL-2.0-only
/*
 * Routed IPv6 through the uplink (bpf/lib/uplink6_out.h, uplink6.h) with
 * BPF_PROG_TEST_RUN: a SNIC's UDP and ping to the outside leave unchanged
 * (its own source) and their replies come back into it from the gateway's
 * MAC; a router's ICMPv6 error about a tracked flow comes back, one about
 * no flow is dropped; the outside's pool source, a new flow to a SNIC not
 * in routed mode (and the routed twin), neighbour discovery about other
 * addresses, an NA claiming ours, a router advertisement: each dropped
 * next to the frame that passes (an NS for the uplink's address goes to
 * the kernel). Without an IPv6 uplink address: ip6-outside as before.
 * An ipBlock with an outside IPv6 prefix (and except) selects the world's
 * addresses in it, on egress and on ingress from the uplink. Hop limits
 * are decremented both ways; 1 is answered (out) or dropped (in). An
 * IPv6-only instance's uplink (no IPv4 address) drops IPv4 and ARP.
 */
#include "uplink6_fixture.h"

/* A's UDP to the outside leaves as it is; the reply comes back to A. */
static void test6_udp_out_and_back(void **state)
{
	struct fixture *f = *state;
	struct a6 a = fx6_ep(f, EP_A), o = doc6(7);
	uint8_t in[FX_FRAME_MAX], out[FX_FRAME_MAX], u[16];
	size_t len = fx6_udp(f, in, EP_A, &o, 40000, 53);
	struct hyp_ct_val v;

	fx6_stamp(f, EP_A, in, len);
	assert_int_equal(run(PORT, in, len, out), TC_ACT_REDIRECT);
	assert_memory_equal(out + 22, a.b, 16); /* routed: its own source */
	assert_memory_equal(out + 38, o.b, 16);
	assert_int_equal(fx6_ct_get(f, &a, &o, NH_UDP, 40000, 53, &v), 0);
	assert_int_equal(v.owner, EP_A + 1);
	fx_l4_udp(u, 53, 40000, "answer!!", 8);
	len = out6(in, &o, &a, NH_UDP, 60, u, 16);
	assert_int_equal(run(UPLINK, in, len, out), TC_ACT_REDIRECT);
	assert_memory_equal(out, f->eps[EP_A].mac, 6);
	assert_memory_equal(out + 6, FX_MAC_GW, 6);
	assert_memory_equal(out + 22, o.b, 16);
}

/* Ping out and back; the outside's echo request to A (not routed): dropped;
 * to A in routed mode: delivered. */
static void test6_echo_and_routed(void **state)
{
	struct fixture *f = *state;
	struct a6 a = fx6_ep(f, EP_A), o = doc6(7);
	uint8_t in[FX_FRAME_MAX], out[FX_FRAME_MAX], l4[32];
	size_t n = fx_l4_icmp(l4, 128, 0, 0x77, 1, "ping6!!!", 8);
	size_t len = fx6_frame(in, FX_MAC_GW, f->eps[EP_A].mac, &a, &o, NH_ICMP6, 64, l4, n);
	uint64_t d = fx_drops(f, HYP_DROP_UPLINK_NOT_OURS);
	struct hyp_ep6_key k;
	struct hyp_endpoint ep;

	fx6_stamp(f, EP_A, in, len);
	assert_int_equal(run(PORT, in, len, out), TC_ACT_REDIRECT);
	l4[0] = 129;
	len = out6(in, &o, &a, NH_ICMP6, 60, l4, n);
	assert_int_equal(run(UPLINK, in, len, out), TC_ACT_REDIRECT);
	/* a new flow from the outside: only to a routed-mode SNIC */
	l4[0] = 128;
	fx_put16(l4 + 4, 0x99);
	len = out6(in, &o, &a, NH_ICMP6, 60, l4, n);
	assert_int_equal(run(UPLINK, in, len, out), TC_ACT_SHOT);
	assert_int_equal(fx_drops(f, HYP_DROP_UPLINK_NOT_OURS), d + 1);
	memcpy(k.ip, a.b, 16);
	assert_int_equal(bpf_map_lookup_elem(FX_FD(f, hyp_endpoints6), &k, &ep), 0);
	ep.flags |= HYP_EP_F_ROUTED;
	assert_int_equal(bpf_map_update_elem(FX_FD(f, hyp_endpoints6), &k, &ep, BPF_ANY), 0);
	assert_int_equal(run(UPLINK, in, len, out), TC_ACT_REDIRECT);
}

/* A router's packet too big about A's flow reaches A; about no flow: dropped. */
static void test6_icmp_errors(void **state)
{
	struct fixture *f = *state;
	struct a6 a = fx6_ep(f, EP_A), o = doc6(7), r = doc6(0xfe), other = doc6(8);
	uint8_t in[FX_FRAME_MAX], out[FX_FRAME_MAX], err[FX_FRAME_MAX];
	size_t len = fx6_udp(f, in, EP_A, &o, 40001, 53), n;
	uint64_t d = fx_drops(f, HYP_DROP_ICMP_UNRELATED);

	fx6_stamp(f, EP_A, in, len);
	assert_int_equal(run(PORT, in, len, out), TC_ACT_REDIRECT);
	/* the error quotes the packet as it left (from its IPv6 header on) */
	memset(err, 0, 8);
	err[0] = 2;
	fx_put16(err + 6, 1280);
	memcpy(err + 8, out + 14, len - 14);
	n = 8 + len - 14;
	len = out6(in, &r, &a, NH_ICMP6, 60, err, n);
	assert_int_equal(run(UPLINK, in, len, out), TC_ACT_REDIRECT);
	/* the same error about a flow A never had (another destination) */
	memcpy(err + 8 + 24, other.b, 16);
	len = out6(in, &r, &a, NH_ICMP6, 60, err, n);
	assert_int_equal(run(UPLINK, in, len, out), TC_ACT_SHOT);
	assert_int_equal(fx_drops(f, HYP_DROP_ICMP_UNRELATED), d + 1);
}

/* A pool source, the uplink's own, from the outside: dropped; the twin passes. */
static void test6_outside_spoof(void **state)
{
	struct fixture *f = *state;
	struct a6 a = fx6_ep(f, EP_A), b = fx6_ep(f, EP_B), o = doc6(7), u6 = doc6(2);
	uint8_t in[FX_FRAME_MAX], out[FX_FRAME_MAX], u[16];
	size_t len = fx6_udp(f, in, EP_A, &o, 40002, 53);
	uint64_t d = fx_drops(f, HYP_DROP_UPLINK_SPOOF);

	fx6_stamp(f, EP_A, in, len);
	assert_int_equal(run(PORT, in, len, out), TC_ACT_REDIRECT);
	fx_l4_udp(u, 53, 40002, "answer!!", 8);
	len = out6(in, &b, &a, NH_UDP, 60, u, 16); /* posing as B */
	assert_int_equal(run(UPLINK, in, len, out), TC_ACT_SHOT);
	len = out6(in, &u6, &a, NH_UDP, 60, u, 16); /* posing as the uplink */
	assert_int_equal(run(UPLINK, in, len, out), TC_ACT_SHOT);
	assert_int_equal(fx_drops(f, HYP_DROP_UPLINK_SPOOF), d + 2);
	len = out6(in, &o, &a, NH_UDP, 60, u, 16);
	assert_int_equal(run(UPLINK, in, len, out), TC_ACT_REDIRECT);
}

/* ND from the outside: only about the uplink's addresses; no RA. */
static void test6_outside_nd(void **state)
{
	struct fixture *f = *state;
	struct a6 a = fx6_ep(f, EP_A), o = doc6(7), u6 = doc6(2), gw = doc6(1);
	struct a6 mc = {{0xff, 0x02, [15] = 1}};
	uint8_t in[FX_FRAME_MAX], out[FX_FRAME_MAX], nd[32] = {};
	uint64_t spoof = fx_drops(f, HYP_DROP_UPLINK_SPOOF),
		 other = fx_drops(f, HYP_DROP_UPLINK_ND);
	uint64_t ra = fx_drops(f, HYP_DROP_UPLINK_RA);
	size_t len;

	nd[0] = 135; /* NS for the uplink's address: to the kernel */
	memcpy(nd + 8, u6.b, 16);
	len = out6(in, &o, &u6, NH_ICMP6, 255, nd, 24);
	assert_int_equal(run(UPLINK, in, len, out), TC_ACT_OK);
	memcpy(nd + 8, a.b, 16); /* NS for a pool address */
	len = out6(in, &o, &u6, NH_ICMP6, 255, nd, 24);
	assert_int_equal(run(UPLINK, in, len, out), TC_ACT_SHOT);
	nd[0] = 136; /* NA to the uplink about its next hop: to the kernel */
	memcpy(nd + 8, gw.b, 16);
	len = out6(in, &gw, &u6, NH_ICMP6, 255, nd, 24);
	assert_int_equal(run(UPLINK, in, len, out), TC_ACT_OK);
	len = out6(in, &gw, &mc, NH_ICMP6, 255, nd, 24); /* unsolicited, to all nodes */
	assert_int_equal(run(UPLINK, in, len, out), TC_ACT_SHOT);
	assert_int_equal(fx_drops(f, HYP_DROP_UPLINK_ND), other + 2);
	memcpy(nd + 8, u6.b, 16); /* claiming the uplink's address */
	len = out6(in, &o, &u6, NH_ICMP6, 255, nd, 24);
	assert_int_equal(run(UPLINK, in, len, out), TC_ACT_SHOT);
	memcpy(nd + 8, a.b, 16); /* claiming a pool address */
	len = out6(in, &o, &u6, NH_ICMP6, 255, nd, 24);
	assert_int_equal(run(UPLINK, in, len, out), TC_ACT_SHOT);
	assert_int_equal(fx_drops(f, HYP_DROP_UPLINK_SPOOF), spoof + 2);
	memset(nd, 0, sizeof(nd)); /* a router advertisement */
	nd[0] = 134;
	nd[4] = 64;
	len = out6(in, &gw, &mc, NH_ICMP6, 255, nd, 16);
	assert_int_equal(run(UPLINK, in, len, out), TC_ACT_SHOT);
	assert_int_equal(fx_drops(f, HYP_DROP_UPLINK_RA), ra + 1);
}

/* A (app=web) may reach 2001:db8::/64 but ::8 on UDP 53 (egress ipBlock
 * outside the pool6), and takes TCP 80 from ::7 only (routed). */
static const char *world6_policy =
    "apiVersion: networking.k8s.io/v1\n"
    "kind: NetworkPolicy\n"
    "metadata: {name: web-out6}\n"
    "spec:\n"
    "  podSelector: {matchLabels: {app: web}}\n"
    "  policyTypes: [Egress, Ingress]\n"
    "  egress:\n"
    "  - to: [{ipBlock: {cidr: '2001:db8::/64', except: ['2001:db8::8/128']}}]\n"
    "    ports: [{protocol: UDP, port: 53}]\n"
    "  ingress:\n"
    "  - from: [{ipBlock: {cidr: '2001:db8::7/128'}}]\n"
    "    ports: [{protocol: TCP, port: 80}]\n";

/* The egress side: the outside host in the block passes, the excepted one,
 * the other port: policy-egress. */
static void test6_world_ipblock_egress(void **state)
{
	struct fixture *f = *state;
	struct a6 o = doc6(7), x = doc6(8);
	uint8_t in[FX_FRAME_MAX], out[FX_FRAME_MAX];
	uint64_t d = fx_drops(f, HYP_DROP_POLICY_EGRESS);
	size_t len;

	fx_policy(f, world6_policy);
	len = fx6_udp(f, in, EP_A, &o, 40010, 53);
	fx6_stamp(f, EP_A, in, len);
	assert_int_equal(run(PORT, in, len, out), TC_ACT_REDIRECT);
	len = fx6_udp(f, in, EP_A, &x, 40011, 53);
	fx6_stamp(f, EP_A, in, len);
	assert_int_equal(run(PORT, in, len, out), TC_ACT_SHOT);
	len = fx6_udp(f, in, EP_A, &o, 40012, 54);
	fx6_stamp(f, EP_A, in, len);
	assert_int_equal(run(PORT, in, len, out), TC_ACT_SHOT);
	assert_int_equal(fx_drops(f, HYP_DROP_POLICY_EGRESS), d + 2);
	fx_policy(f, NULL);
}

/* The ingress side, from the uplink6 to a routed A: ::7 passes, ::9 is
 * policy-ingress, and so is ::7 on another port. */
static void test6_world_ipblock_ingress(void **state)
{
	struct fixture *f = *state;
	struct a6 a = fx6_ep(f, EP_A), o = doc6(7), x = doc6(9);
	uint8_t in[FX_FRAME_MAX], out[FX_FRAME_MAX], t[20] = {};
	uint64_t d = fx_drops(f, HYP_DROP_POLICY_INGRESS);
	struct hyp_ep6_key k;
	struct hyp_endpoint ep;
	size_t len;

	fx_policy(f, world6_policy);
	memcpy(k.ip, a.b, 16);
	assert_int_equal(bpf_map_lookup_elem(FX_FD(f, hyp_endpoints6), &k, &ep), 0);
	ep.flags |= HYP_EP_F_ROUTED;
	assert_int_equal(bpf_map_update_elem(FX_FD(f, hyp_endpoints6), &k, &ep, BPF_ANY), 0);
	fx_put16(t, 41000);
	fx_put16(t + 2, 80);
	t[12] = 5 << 4;
	t[13] = 0x02; /* SYN */
	fx_put16(t + 14, 8192);
	len = out6(in, &o, &a, NH_TCP, 60, t, 20);
	assert_int_equal(run(UPLINK, in, len, out), TC_ACT_REDIRECT);
	assert_memory_equal(out, f->eps[EP_A].mac, 6);
	len = out6(in, &x, &a, NH_TCP, 60, t, 20);
	assert_int_equal(run(UPLINK, in, len, out), TC_ACT_SHOT);
	fx_put16(t, 41001);
	fx_put16(t + 2, 81);
	len = out6(in, &o, &a, NH_TCP, 60, t, 20);
	assert_int_equal(run(UPLINK, in, len, out), TC_ACT_SHOT);
	assert_int_equal(fx_drops(f, HYP_DROP_POLICY_INGRESS), d + 2);
	fx_policy(f, NULL);
}

/* The bridge is a router: A's packet leaves with its hop limit less one,
 * the reply reaches A with its own less one; hop limit 1 out: counted
 * (hop-limit-exceeded) and answered with the gateway's time exceeded to A;
 * hop limit 1 in: counted, dropped. */
static void test6_hop_limit(void **state)
{
	struct fixture *f = *state;
	struct a6 a = fx6_ep(f, EP_A), o = doc6(7), gw = fx6_addr(FX_GW);
	uint8_t in[FX_FRAME_MAX], out[FX_FRAME_MAX], u[16];
	uint64_t d = fx_drops(f, HYP_DROP_HOP_LIMIT);
	size_t len;

	fx_l4_udp(u, 40020, 53, "question", 8);
	len = fx6_frame(in, FX_MAC_GW, f->eps[EP_A].mac, &a, &o, NH_UDP, 64, u, 16);
	fx6_stamp(f, EP_A, in, len);
	assert_int_equal(run(PORT, in, len, out), TC_ACT_REDIRECT);
	assert_int_equal(out[14 + 7], 63);
	len = fx6_frame(in, FX_MAC_GW, f->eps[EP_A].mac, &a, &o, NH_UDP, 1, u, 16);
	fx6_stamp(f, EP_A, in, len);
	assert_int_equal(run(PORT, in, len, out), TC_ACT_REDIRECT); /* the answer, to A */
	assert_int_equal(fx_drops(f, HYP_DROP_HOP_LIMIT), d + 1);
	assert_memory_equal(out, f->eps[EP_A].mac, 6);
	assert_int_equal(out[14 + 6], NH_ICMP6);
	assert_memory_equal(out + 22, gw.b, 16);
	assert_memory_equal(out + 38, a.b, 16);
	assert_int_equal(out[54], 3); /* time exceeded, in transit */
	assert_int_equal(out[55], 0);
	assert_memory_equal(out + 62 + 24, o.b, 16); /* it quotes the packet */
	fx_l4_udp(u, 53, 40020, "answer!!", 8);
	len = out6(in, &o, &a, NH_UDP, 60, u, 16);
	assert_int_equal(run(UPLINK, in, len, out), TC_ACT_REDIRECT);
	assert_int_equal(out[14 + 7], 59);
	len = out6(in, &o, &a, NH_UDP, 1, u, 16);
	assert_int_equal(run(UPLINK, in, len, out), TC_ACT_SHOT);
	assert_int_equal(fx_drops(f, HYP_DROP_HOP_LIMIT), d + 2);
}

/* No IPv6 on the uplink: outside the pool6 is ip6-outside, and the
 * uplink drops IPv6 (ipv6). */
static void test6_no_uplink6(void **state)
{
	struct fixture *f = *state;
	struct a6 a = fx6_ep(f, EP_A), o = doc6(7);
	uint8_t in[FX_FRAME_MAX], out[FX_FRAME_MAX], u[16];
	size_t len = fx6_udp(f, in, EP_A, &o, 40003, 53);
	uint64_t d = fx_drops(f, HYP_DROP_IPV6);

	set_uplink6(f, false);
	fx6_stamp(f, EP_A, in, len);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_IP6_OUTSIDE);
	fx_l4_udp(u, 53, 40003, "answer!!", 8);
	len = out6(in, &o, &a, NH_UDP, 60, u, 16);
	assert_int_equal(run(UPLINK, in, len, out), TC_ACT_SHOT);
	assert_int_equal(fx_drops(f, HYP_DROP_IPV6), d + 1);
}

/*
 * An IPv6-only instance's uplink (hyp_uplink.ip 0, --pool none): IPv6 out and
 * back as on a dual-stack one; IPv4 to a routed-mode SNIC's address is dropped
 * (uplink-not-ours) where the dual-stack uplink delivers it, and ARP, even for
 * 0.0.0.0 (the missing address), never reaches the kernel (uplink-arp).
 */
static void test6_ipv6_only_uplink(void **state)
{
	struct fixture *f = *state;
	struct a6 a = fx6_ep(f, EP_A), o = doc6(7);
	uint8_t in[FX_FRAME_MAX], out[FX_FRAME_MAX], u[16];
	size_t len = fx6_udp(f, in, EP_A, &o, 40004, 53);
	struct hyp_ep_key k = {.ip = htonl(IP_A)};
	struct hyp_uplink up4;
	struct hyp_endpoint ep;
	uint32_t zero = 0, outside = 0xc6336407u; /* 198.51.100.7 */
	uint64_t d;

	/* twins first, on the dual-stack uplink: IPv4 to routed A arrives, ARP for it passes */
	assert_int_equal(bpf_map_lookup_elem(FX_FD(f, hyp_endpoints), &k, &ep), 0);
	ep.flags |= HYP_EP_F_ROUTED;
	assert_int_equal(bpf_map_update_elem(FX_FD(f, hyp_endpoints), &k, &ep, BPF_ANY), 0);
	fx_l4_udp(u, 53, 40004, "outside!", 8);
	len = fx_ipv4(in, UP_MAC, OUT_MAC, outside, IP_A, 17, u, 16);
	assert_int_equal(run(UPLINK, in, len, out), TC_ACT_REDIRECT);
	len = fx_arp(in, OUT_MAC, 1, OUT_MAC, outside, 0xc6336402u);
	assert_int_equal(run(UPLINK, in, len, out), TC_ACT_OK);

	assert_int_equal(bpf_map_lookup_elem(FX_FD(f, hyp_uplink), &zero, &up4), 0);
	up4.ip = up4.mask = up4.net = 0;
	assert_int_equal(bpf_map_update_elem(FX_FD(f, hyp_uplink), &zero, &up4, BPF_ANY), 0);
	d = fx_drops(f, HYP_DROP_UPLINK_NOT_OURS);
	len = fx_ipv4(in, UP_MAC, OUT_MAC, outside, IP_A, 17, u, 16);
	assert_int_equal(run(UPLINK, in, len, out), TC_ACT_SHOT);
	assert_int_equal(fx_drops(f, HYP_DROP_UPLINK_NOT_OURS), d + 1);
	d = fx_drops(f, HYP_DROP_UPLINK_ARP);
	len = fx_arp(in, OUT_MAC, 1, OUT_MAC, outside, 0);
	assert_int_equal(run(UPLINK, in, len, out), TC_ACT_SHOT);
	len = fx_arp(in, OUT_MAC, 1, OUT_MAC, 0, 0);
	assert_int_equal(run(UPLINK, in, len, out), TC_ACT_SHOT);
	assert_int_equal(fx_drops(f, HYP_DROP_UPLINK_ARP), d + 2);

	/* IPv6 as before: out, and the reply back */
	len = fx6_udp(f, in, EP_A, &o, 40004, 53);
	fx6_stamp(f, EP_A, in, len);
	assert_int_equal(run(PORT, in, len, out), TC_ACT_REDIRECT);
	fx_l4_udp(u, 53, 40004, "answer!!", 8);
	len = out6(in, &o, &a, NH_UDP, 60, u, 16);
	assert_int_equal(run(UPLINK, in, len, out), TC_ACT_REDIRECT);
	assert_memory_equal(out, f->eps[EP_A].mac, 6);
	ep.flags &= ~HYP_EP_F_ROUTED;
	assert_int_equal(bpf_map_update_elem(FX_FD(f, hyp_endpoints), &k, &ep, BPF_ANY), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test6_udp_out_and_back, up6_setup),
	    cmocka_unit_test_setup(test6_echo_and_routed, up6_setup),
	    cmocka_unit_test_setup(test6_icmp_errors, up6_setup),
	    cmocka_unit_test_setup(test6_outside_spoof, up6_setup),
	    cmocka_unit_test_setup(test6_outside_nd, up6_setup),
	    cmocka_unit_test_setup(test6_no_uplink6, up6_setup),
	    cmocka_unit_test_setup(test6_world_ipblock_egress, up6_setup),
	    cmocka_unit_test_setup(test6_world_ipblock_ingress, up6_setup),
	    cmocka_unit_test_setup(test6_hop_limit, up6_setup),
	    cmocka_unit_test_setup(test6_ipv6_only_uplink, up6_setup),
	};

	return fx6_main("bpf_uplink6", tests, sizeof(tests) / sizeof(tests[0]));
}
