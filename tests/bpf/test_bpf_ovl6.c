// SPDX-License-Identifier: GPL-2.0-only
/*
 * IPv6 to another cluster node, the sending side (bpf/lib/flow6.h
 * dest6_remote, overlay6_out.h) with BPF_PROG_TEST_RUN on the bridge
 * port's IPv6 pipeline: a SNIC's packet to a remote endpoint's IPv6
 * address (hyp_ovl_eps6, as the control plane fills it) passes policy6
 * with the remote identity and leaves for the uplink marked for that node
 * (HYP_OVL_MARK: node, sender identity); any other address of that node's
 * /64 is unknown-dst (nothing sent on a guess, never routed out in the
 * clear, even with an IPv6 uplink), while the outside and the next /64
 * still leave routed; a label policy denies a remote identity it does not
 * allow (its allowed twin passes); a packet too big for the overlay's 52
 * bytes is answered with an ICMPv6 packet too big carrying the room left.
 */
#include <net/if.h>
#include <sys/ioctl.h>

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

/* fd00:5:6:S::N: S 7 is node 3's /64 */
static struct a6 node6(uint8_t s, uint8_t n)
{
	struct a6 a = {{0xfd, 0, 0, 5, 0, 6, 0, s}};

	a.b[15] = n;
	return a;
}

#define NODE 3

/* This node (1) in a cluster whose node 3 owns fd00:5:6:7::/64 and runs
 * endpoint fd00:5:6:7::9 with identity; the uplink (lo here) has IPv6. */
static void cluster(struct fixture *f, uint32_t identity)
{
	struct hyp_ovl_self self = {
	    .node = 1, .addr = htonl(0xc0000201u), .uplink_ifindex = FX_PORT};
	struct hyp_ovl_route6_key rk = {.prefixlen = 64};
	struct hyp_ovl_ep ep = {.identity = identity, .node = NODE};
	struct hyp_ep6_key k;
	struct a6 r = node6(7, 9);
	uint32_t zero = 0, node = NODE;

	memcpy(rk.addr, r.b, 8);
	memcpy(k.ip, r.b, 16);
	assert_int_equal(bpf_map_update_elem(FX_FD(f, hyp_ovl_self), &zero, &self, BPF_ANY), 0);
	assert_int_equal(bpf_map_update_elem(FX_FD(f, hyp_ovl_routes6), &rk, &node, BPF_ANY), 0);
	assert_int_equal(bpf_map_update_elem(FX_FD(f, hyp_ovl_eps6), &k, &ep, BPF_ANY), 0);
}

static void uncluster(struct fixture *f)
{
	struct hyp_ovl_self self = {};
	struct hyp_ovl_route6_key rk = {.prefixlen = 64};
	struct hyp_ep6_key k;
	struct a6 r = node6(7, 9);
	uint32_t zero = 0;

	memcpy(rk.addr, r.b, 8);
	memcpy(k.ip, r.b, 16);
	bpf_map_update_elem(FX_FD(f, hyp_ovl_self), &zero, &self, BPF_ANY);
	bpf_map_delete_elem(FX_FD(f, hyp_ovl_routes6), &rk);
	bpf_map_delete_elem(FX_FD(f, hyp_ovl_eps6), &k);
}

static int setup(void **state)
{
	struct fixture *f = *state;
	struct hyp_uplink u = {.ifindex = FX_PORT, .mtu = 1500};
	struct hyp_uplink6 u6 = {.prefixlen = 64, .mtu = 1500};
	struct a6 a = doc6(2), gw = doc6(1), ll = fx6_ll(UP_MAC);
	uint32_t zero = 0;

	fx6_setup(state);
	uncluster(f);
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

/* One run of the port program: verdict, the output and the mark it set. */
static int run(struct fixture *f, const uint8_t *in, size_t len, uint8_t *out, uint32_t *out_len,
	       uint32_t *mark)
{
	struct __sk_buff ctx = {.ifindex = FX_PORT};
	uint8_t sink[FX_FRAME_MAX];
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in, .data_size_in = (uint32_t)len,
		    .data_out = out ? out : sink, .data_size_out = FX_FRAME_MAX, .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .ctx_out = &ctx, .ctx_size_out = sizeof(ctx),
		    .repeat = 1);

	assert_int_equal(bpf_prog_test_run_opts(fx_port_fd(f), &o), 0);
	if (out_len)
		*out_len = o.data_size_out;
	if (mark)
		*mark = ctx.mark;
	return (int)o.retval;
}

/* A stamped UDP frame of endpoint src (bound to the port) to d, with n payload bytes. */
static size_t udp_to(struct fixture *f, uint8_t *b, int src, const struct a6 *d, uint16_t sport,
		     uint16_t dport, size_t n)
{
	static uint8_t pl[FX_FRAME_MAX];
	uint8_t u[FX_FRAME_MAX];
	struct a6 s = fx6_ep(f, src);
	size_t len;

	memset(pl, 'x', n);
	fx_l4_udp(u, sport, dport, pl, n);
	fx6_bind(f, src);
	len = fx6_frame(b, FX_MAC_GW, f->eps[src].mac, &s, d, NH_UDP, 64, u, 8 + n);
	fx6_stamp(f, src, b, len);
	return len;
}

static int out_to(struct fixture *f, const struct a6 *d, uint16_t sport)
{
	uint8_t in[FX_FRAME_MAX];
	size_t len = udp_to(f, in, EP_A, d, sport, 53, 8);

	return run(f, in, len, NULL, NULL, NULL);
}

/* A remote endpoint: through the overlay, marked for its node with A's identity. */
static void test6_remote_endpoint_marked(void **state)
{
	struct fixture *f = *state;
	struct a6 r = node6(7, 9), a = fx6_ep(f, EP_A);
	struct hyp_ct_val v;
	uint8_t in[FX_FRAME_MAX], out[FX_FRAME_MAX];
	uint32_t n = 0, mark = 0;
	uint64_t fwd = fx_stat(f, HYP_STAT_FWD);
	size_t len;

	cluster(f, f->eps[EP_B].identity);
	len = udp_to(f, in, EP_A, &r, 41000, 53, 8);
	assert_int_equal(run(f, in, len, out, &n, &mark), TC_ACT_REDIRECT);
	assert_int_equal(mark, HYP_OVL_MARK(NODE, f->eps[EP_A].identity));
	assert_int_equal(n, len);
	assert_memory_equal(out + 14, in + 14, len - 14); /* the IPv6 packet as sent */
	assert_int_equal(fx_stat(f, HYP_STAT_FWD), fwd + 1);
	assert_int_equal(fx6_ct_get(f, &a, &r, NH_UDP, 41000, 53, &v), 0); /* tracked here */
}

/* Another address of node 3's /64: unknown-dst, never routed out in the
 * clear; with no route for it (not a cluster address), the outside and the
 * next /64 leave routed. */
static void test6_remote_unknown_dst(void **state)
{
	struct fixture *f = *state;
	struct a6 o = doc6(7), r = node6(7, 10), past = node6(8, 9);
	uint64_t d = fx_drops(f, HYP_DROP_UNKNOWN_DST), out6 = fx_drops(f, HYP_DROP_IP6_OUTSIDE);

	/* no route yet: the address is the world's, routed out */
	assert_int_equal(out_to(f, &r, 41000), TC_ACT_REDIRECT);
	cluster(f, f->eps[EP_B].identity);
	assert_int_equal(out_to(f, &r, 41001), TC_ACT_SHOT);
	assert_int_equal(fx_drops(f, HYP_DROP_UNKNOWN_DST), d + 1);
	/* the twins: the outside and the next /64 leave routed */
	assert_int_equal(out_to(f, &o, 41002), TC_ACT_REDIRECT);
	assert_int_equal(out_to(f, &past, 41003), TC_ACT_REDIRECT);
	assert_int_equal(fx_drops(f, HYP_DROP_UNKNOWN_DST), d + 1);
	assert_int_equal(fx_drops(f, HYP_DROP_IP6_OUTSIDE), out6);
}

/* The remote endpoint has B's labels (app=db): db accepts web on UDP 53.
 * A (web) gets through to it on 53, not on 54; C (api) not at all. */
static void test6_remote_policy(void **state)
{
	struct fixture *f = *state;
	struct a6 r = node6(7, 9);
	uint8_t in[FX_FRAME_MAX];
	uint32_t mark = 0;
	size_t len;

	fx_policy(f, "apiVersion: networking.k8s.io/v1\n"
		     "kind: NetworkPolicy\n"
		     "metadata: {name: db-in}\n"
		     "spec:\n"
		     "  podSelector: {matchLabels: {app: db}}\n"
		     "  ingress:\n"
		     "  - from:\n"
		     "    - podSelector: {matchLabels: {app: web}}\n"
		     "    ports:\n"
		     "    - {protocol: UDP, port: 53}\n");
	cluster(f, f->eps[EP_B].identity);
	len = udp_to(f, in, EP_A, &r, 42000, 53, 8);
	assert_int_equal(run(f, in, len, NULL, NULL, &mark), TC_ACT_REDIRECT);
	assert_int_equal(mark, HYP_OVL_MARK(NODE, f->eps[EP_A].identity));
	len = udp_to(f, in, EP_A, &r, 42001, 54, 8);
	fx_expect_drop(f, -1, in, len, HYP_DROP_POLICY_INGRESS);
	len = udp_to(f, in, EP_C, &r, 42002, 53, 8);
	fx_expect_drop(f, -1, in, len, HYP_DROP_POLICY_INGRESS);
	/* the same remote address with an identity the policy does not select: allowed */
	cluster(f, f->eps[EP_C].identity);
	len = udp_to(f, in, EP_A, &r, 42003, 54, 8);
	assert_int_equal(run(f, in, len, NULL, NULL, NULL), TC_ACT_REDIRECT);
	fx_policy(f, NULL);
}

static void set_lo_mtu(int mtu)
{
	struct ifreq ifr = {.ifr_mtu = mtu};
	int sk = socket(AF_INET, SOCK_DGRAM, 0);

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	assert_true(sk >= 0);
	assert_int_equal(ioctl(sk, SIOCSIFMTU, &ifr), 0);
	close(sk);
}

/* Too big for the uplink's 1500 with the overlay's 52 bytes: a packet too
 * big with 1448 back to A, counted; the largest that fits leaves. */
static void test6_remote_too_big(void **state)
{
	struct fixture *f = *state;
	struct a6 r = node6(7, 9), a = fx6_ep(f, EP_A);
	uint8_t in[FX_FRAME_MAX], out[FX_FRAME_MAX];
	uint64_t d = fx_drops(f, HYP_DROP_OVL_TOO_BIG);
	uint32_t n = 0, mtu;
	size_t len;

	cluster(f, f->eps[EP_B].identity);
	set_lo_mtu(1500);
	len = udp_to(f, in, EP_A, &r, 43000, 53, 1448 - 48); /* 1448 bytes of IPv6 */
	assert_int_equal(run(f, in, len, NULL, NULL, NULL), TC_ACT_REDIRECT);
	len = udp_to(f, in, EP_A, &r, 43001, 53, 1448 - 48 + 1);	   /* one more */
	assert_int_equal(run(f, in, len, out, &n, NULL), TC_ACT_REDIRECT); /* the answer, to A */
	set_lo_mtu(65536);
	assert_int_equal(fx_drops(f, HYP_DROP_OVL_TOO_BIG), d + 1);
	assert_memory_equal(out, f->eps[EP_A].mac, 6);
	assert_int_equal(out[14 + 6], NH_ICMP6);
	assert_memory_equal(out + 14 + 24, a.b, 16); /* to A */
	assert_int_equal(out[54], 2);		     /* packet too big */
	memcpy(&mtu, out + 58, 4);
	assert_int_equal(ntohl(mtu), 1448);
	assert_memory_equal(out + 62 + 24, r.b, 16); /* quoting the packet */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test6_remote_endpoint_marked, setup),
	    cmocka_unit_test_setup(test6_remote_unknown_dst, setup),
	    cmocka_unit_test_setup(test6_remote_policy, setup),
	    cmocka_unit_test_setup(test6_remote_too_big, setup),
	};

	return fx6_main("bpf_ovl6", tests, sizeof(tests) / sizeof(tests[0]));
}
