// SPDX-License-Identifier: GPL-2.0-only
/*
 * North-south translation through BPF_PROG_TEST_RUN: the bridge port
 * program translates what a SNIC sends to the outside (bpf/lib/nat.h,
 * publish.h, uplink_out.h) and the uplink program what comes back
 * (uplink.h, nat_icmp.h). Every frame goes in with correct checksums, and
 * every translated frame that comes out is checked byte by byte: its
 * addresses and ports, and its IPv4, TCP, UDP and ICMP checksums
 * recomputed here from scratch (a quoted packet's IPv4 header too).
 * Next to each translation, the frame that must not pass: a forged reply,
 * no uplink, the uplink address from inside, an error about no flow.
 * The bridge routes: the TTL is decremented both ways, and TTL 1 from a
 * SNIC is answered with the gateway's time exceeded (uplink_ttl.h); a
 * packet bigger than the uplink's MTU with DF set with its fragmentation
 * needed (icmp4_err.h), checked byte by byte.
 */
#include <net/if.h>
#include <sys/ioctl.h>
#include "uplink_fixture.h"

#define UP_IP	 0xc6336402u /* 198.51.100.2, the uplink address */
#define OUT_IP	 0xc6336407u /* 198.51.100.7, an outside server */
#define OTHER_IP 0xc6336408u /* another outside host */

static const uint8_t UP_MAC[6] = {0x02, 0xaa, 0, 0, 0, 2};
static const uint8_t OUT_MAC[6] = {0x02, 0xbb, 0, 0, 0, 7};

static struct uplink_bpf *up;

static void set_uplink(struct fixture *f, bool on)
{
	struct hyp_uplink u = {};
	uint32_t zero = 0;

	if (on) {
		u.ifindex = FX_PORT; /* test runs enter on lo: the uplink is lo here */
		u.ip = htonl(UP_IP);
		u.mask = htonl(0xffffff00u);
		u.net = u.ip & u.mask;
		u.mtu = 1500;
		memcpy(u.mac, UP_MAC, 6);
	}
	assert_int_equal(bpf_map_update_elem(FX_FD(f, hyp_uplink), &zero, &u, BPF_ANY), 0);
}

static int setup(void **state)
{
	struct fixture *f;

	fx_test_setup(state);
	f = *state;
	if (!up && fx_uplink_open(f, &up))
		fail_msg("cannot load the uplink program");
	fx_map_flush(FX_FD(f, hyp_nat), sizeof(struct hyp_ct_key));
	fx_map_flush(FX_FD(f, hyp_nat_rev), sizeof(struct hyp_nat_rev_key));
	fx_map_flush(FX_FD(f, hyp_publish), sizeof(struct hyp_pub_key));
	fx_map_flush(FX_FD(f, hyp_pub_rev), sizeof(struct hyp_pub_rev_key));
	set_uplink(f, true);
	return 0;
}

/* ---- checksums, computed from scratch ---- */

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* The L4 checksum of the IPv4 packet at ip (its field as it is zeroed first). */
static uint16_t l4_csum(const uint8_t *ip)
{
	size_t len = (size_t)(ip[2] << 8 | ip[3]) - 20;
	uint8_t l4[FX_FRAME_MAX];
	size_t off = ip[9] == IPPROTO_TCP_ ? 16 : ip[9] == IPPROTO_UDP_ ? 6 : 2;
	uint32_t s = 0;

	memcpy(l4, ip + 20, len);
	l4[off] = l4[off + 1] = 0;
	if (ip[9] != IPPROTO_ICMP_)
		s = sum16(ip + 12, 8, (uint32_t)ip[9] + (uint32_t)len);
	return fold(sum16(l4, len, s));
}

static void set_l4_csum(uint8_t *ip)
{
	size_t off = ip[9] == IPPROTO_TCP_ ? 16 : ip[9] == IPPROTO_UDP_ ? 6 : 2;

	fx_put16(ip + 20 + off, l4_csum(ip));
}

static void assert_csums(const uint8_t *frame)
{
	const uint8_t *ip = frame + 14;
	size_t off = ip[9] == IPPROTO_TCP_ ? 16 : ip[9] == IPPROTO_UDP_ ? 6 : 2;
	uint16_t have = (uint16_t)(ip[20 + off] << 8 | ip[21 + off]);

	assert_int_equal(fold(sum16(ip, 20, 0)), 0); /* IPv4 header, its field included */
	if (ip[9] == IPPROTO_UDP_ && !have)
		return; /* no UDP checksum: none to check */
	assert_int_equal(have, l4_csum(ip));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* ---- frames ---- */

/* From SNIC src: checksummed, then stamped by its guard. */
static size_t snic_frame(struct fixture *f, uint8_t *b, int src, uint32_t daddr, uint8_t proto,
			 const uint8_t *l4, size_t l4len)
{
	const struct fx_ep *e = &f->eps[src];
	size_t n = fx_ipv4(b, FX_MAC_GW, e->mac, e->ip, daddr, proto, l4, l4len);

	set_l4_csum(b + 14);
	stamp_apply(e->key, b, n);
	return n;
}

/* From the outside, to the uplink's MAC. */
static size_t out_frame(uint8_t *b, uint32_t saddr, uint32_t daddr, uint8_t proto,
			const uint8_t *l4, size_t l4len)
{
	size_t n = fx_ipv4(b, UP_MAC, OUT_MAC, saddr, daddr, proto, l4, l4len);

	set_l4_csum(b + 14);
	return n;
}

static int run_port_n(struct fixture *f, const uint8_t *in, size_t len, uint8_t *out,
		      uint32_t *olen)
{
	return fx_run_prog(fx_port_fd(f), in, len, out, FX_FRAME_MAX, olen);
}

static int run_port(struct fixture *f, const uint8_t *in, size_t len, uint8_t *out)
{
	uint32_t olen = 0;

	return run_port_n(f, in, len, out, &olen);
}

static int run_uplink(const uint8_t *in, size_t len, uint8_t *out)
{
	uint32_t olen = 0;

	return fx_run_prog(bpf_program__fd(up->progs.hyp_uplink_ingress), in, len, out,
			   FX_FRAME_MAX, &olen);
}

/* A TCP SYN of A to the outside: translated; returns the port it got. */
static uint16_t snat_syn(struct fixture *f, uint16_t sport)
{
	uint8_t l4[64], in[FX_FRAME_MAX], out[FX_FRAME_MAX];
	size_t n = snic_frame(f, in, EP_A, OUT_IP, IPPROTO_TCP_, l4,
			      fx_l4_tcp(l4, sport, 80, TCP_SYN, 1000, 0, NULL, 0));
	uint16_t nport;

	assert_int_equal(run_port(f, in, n, out), TC_ACT_REDIRECT);
	assert_int_equal(get32(out + 14 + 12), UP_IP);
	assert_int_equal(get32(out + 14 + 16), OUT_IP);
	nport = get16(out + 34);
	assert_true(nport >= HYP_NAT_PORT_MIN && nport <= HYP_NAT_PORT_MAX);
	assert_int_equal(get16(out + 36), 80);
	assert_csums(out);
	return nport;
}

static void test_tcp_snat_and_reply(void **state)
{
	struct fixture *f = *state;
	uint8_t l4[64], in[FX_FRAME_MAX], out[FX_FRAME_MAX];
	uint16_t nport = snat_syn(f, 40000);
	size_t n;

	/* the server's SYN-ACK comes back to the SNIC's address and port */
	n = out_frame(in, OUT_IP, UP_IP, IPPROTO_TCP_, l4,
		      fx_l4_tcp(l4, 80, nport, TCP_SYN | TCP_ACK, 5000, 1001, NULL, 0));
	assert_int_equal(run_uplink(in, n, out), TC_ACT_REDIRECT);
	assert_int_equal(get32(out + 14 + 12), OUT_IP);
	assert_int_equal(get32(out + 14 + 16), IP_A);
	assert_int_equal(get16(out + 34), 80);
	assert_int_equal(get16(out + 36), 40000);
	assert_memory_equal(out, f->eps[EP_A].mac, 6);
	assert_csums(out);
	/* the flow's next packet leaves from the same port */
	n = snic_frame(f, in, EP_A, OUT_IP, IPPROTO_TCP_, l4,
		       fx_l4_tcp(l4, 40000, 80, TCP_ACK, 1001, 5001, NULL, 0));
	assert_int_equal(run_port(f, in, n, out), TC_ACT_REDIRECT);
	assert_int_equal(get16(out + 34), nport);
	assert_csums(out);
}

static void test_forged_reply_dropped(void **state)
{
	struct fixture *f = *state;
	uint8_t l4[64], in[FX_FRAME_MAX], out[FX_FRAME_MAX];
	uint16_t nport = snat_syn(f, 40001);
	uint64_t d = fx_drops(f, HYP_DROP_UPLINK_TO_BRIDGE);
	size_t n;

	/* another host, and the right host from another port: not the peer */
	n = out_frame(in, OTHER_IP, UP_IP, IPPROTO_TCP_, l4,
		      fx_l4_tcp(l4, 80, nport, TCP_SYN | TCP_ACK, 5000, 1001, NULL, 0));
	assert_int_equal(run_uplink(in, n, out), TC_ACT_SHOT);
	n = out_frame(in, OUT_IP, UP_IP, IPPROTO_TCP_, l4,
		      fx_l4_tcp(l4, 81, nport, TCP_SYN | TCP_ACK, 5000, 1001, NULL, 0));
	assert_int_equal(run_uplink(in, n, out), TC_ACT_SHOT);
	assert_int_equal(fx_drops(f, HYP_DROP_UPLINK_TO_BRIDGE), d + 2);
}

static void test_udp_snat_csum_and_zero(void **state)
{
	struct fixture *f = *state;
	uint8_t l4[64], in[FX_FRAME_MAX], out[FX_FRAME_MAX];
	size_t n =
	    snic_frame(f, in, EP_A, OUT_IP, IPPROTO_UDP_, l4, fx_l4_udp(l4, 5353, 53, "query", 5));
	uint16_t nport;

	assert_int_equal(run_port(f, in, n, out), TC_ACT_REDIRECT);
	nport = get16(out + 34);
	assert_int_equal(get32(out + 26), UP_IP);
	assert_csums(out);
	assert_true(get16(out + 40) != 0);
	/* the answer comes back */
	n = out_frame(in, OUT_IP, UP_IP, IPPROTO_UDP_, l4, fx_l4_udp(l4, 53, nport, "answer", 6));
	assert_int_equal(run_uplink(in, n, out), TC_ACT_REDIRECT);
	assert_int_equal(get32(out + 30), IP_A);
	assert_int_equal(get16(out + 36), 5353);
	assert_csums(out);
	/* a UDP datagram without a checksum keeps none */
	n = snic_frame(f, in, EP_A, OUT_IP, IPPROTO_UDP_, l4, fx_l4_udp(l4, 5354, 53, "q", 1));
	in[14 + 20 + 6] = in[14 + 20 + 7] = 0;
	stamp_apply(f->eps[EP_A].key, in, n);
	assert_int_equal(run_port(f, in, n, out), TC_ACT_REDIRECT);
	assert_int_equal(get16(out + 40), 0);
	assert_int_equal(fold(sum16(out + 14, 20, 0)), 0);
}

static void test_icmp_echo_id(void **state)
{
	struct fixture *f = *state;
	uint8_t l4[64], in[FX_FRAME_MAX], out[FX_FRAME_MAX];
	size_t n = snic_frame(f, in, EP_A, OUT_IP, IPPROTO_ICMP_, l4,
			      fx_l4_icmp(l4, 8, 0, 0x4242, 1, "ping", 4));
	uint16_t id;

	assert_int_equal(run_port(f, in, n, out), TC_ACT_REDIRECT);
	id = get16(out + 38);
	assert_true(id >= HYP_NAT_PORT_MIN && id <= HYP_NAT_PORT_MAX);
	assert_int_equal(get32(out + 26), UP_IP);
	assert_csums(out);
	n = out_frame(in, OUT_IP, UP_IP, IPPROTO_ICMP_, l4, fx_l4_icmp(l4, 0, 0, id, 1, "ping", 4));
	assert_int_equal(run_uplink(in, n, out), TC_ACT_REDIRECT);
	assert_int_equal(get32(out + 30), IP_A);
	assert_int_equal(get16(out + 38), 0x4242);
	assert_csums(out);
}

/* A fragmentation needed from a router on the way, quoting the translated SYN. */
static void test_icmp_error_translated_back(void **state)
{
	struct fixture *f = *state;
	uint8_t l4[128], q[FX_FRAME_MAX], in[FX_FRAME_MAX], out[FX_FRAME_MAX];
	uint8_t tl4[64];
	uint16_t nport = snat_syn(f, 40002);
	uint64_t related = fx_stat(f, HYP_STAT_RELATED);
	size_t n;

	/* the SYN as it left: from the uplink address and the translated port */
	fx_ipv4(q, OUT_MAC, UP_MAC, UP_IP, OUT_IP, IPPROTO_TCP_, tl4,
		fx_l4_tcp(tl4, nport, 80, TCP_SYN, 1000, 0, NULL, 0));
	set_l4_csum(q + 14);
	n = fx_l4_icmp(l4, 3, 4, 0, 1280, q + 14, 28);
	n = out_frame(in, OTHER_IP, UP_IP, IPPROTO_ICMP_, l4, n);
	assert_int_equal(run_uplink(in, n, out), TC_ACT_REDIRECT);
	assert_int_equal(fx_stat(f, HYP_STAT_RELATED), related + 1);
	assert_int_equal(get32(out + 30), IP_A);	       /* outer destination */
	assert_int_equal(get32(out + 34 + 8 + 12), IP_A);      /* quoted source */
	assert_int_equal(get16(out + 34 + 8 + 20), 40002);     /* quoted source port */
	assert_int_equal(fold(sum16(out + 14, 20, 0)), 0);     /* outer IPv4 */
	assert_int_equal(fold(sum16(out + 42, 20, 0)), 0);     /* quoted IPv4 */
	assert_int_equal(fold(sum16(out + 34, n - 34, 0)), 0); /* ICMP, over all of it */
	/* the same error about a flow that does not exist */
	fx_ipv4(q, OUT_MAC, UP_MAC, UP_IP, OUT_IP, IPPROTO_TCP_, tl4,
		fx_l4_tcp(tl4, (uint16_t)(nport ^ 1), 80, TCP_SYN, 1000, 0, NULL, 0));
	n = fx_l4_icmp(l4, 3, 4, 0, 1280, q + 14, 28);
	n = out_frame(in, OTHER_IP, UP_IP, IPPROTO_ICMP_, l4, n);
	assert_int_equal(run_uplink(in, n, out), TC_ACT_SHOT);
}

static void test_published_port(void **state)
{
	struct fixture *f = *state;
	struct hyp_publish_entry e = {
	    .port = 8080, .proto = IPPROTO_TCP_, .ip = IP_A, .snic_port = 80, .snic_id = EP_A + 1};
	uint8_t l4[64], in[FX_FRAME_MAX], out[FX_FRAME_MAX];
	struct errmsg em = {};
	size_t n;

	assert_int_equal(emu_publish_load(&f->emu, &e, 1, &em), 0);
	n = out_frame(in, OUT_IP, UP_IP, IPPROTO_TCP_, l4,
		      fx_l4_tcp(l4, 33000, 8080, TCP_SYN, 77, 0, NULL, 0));
	assert_int_equal(run_uplink(in, n, out), TC_ACT_REDIRECT);
	assert_int_equal(get32(out + 26), OUT_IP); /* the client's address kept */
	assert_int_equal(get32(out + 30), IP_A);
	assert_int_equal(get16(out + 36), 80);
	assert_csums(out);
	/* A's SYN-ACK leaves from the published port */
	n = snic_frame(f, in, EP_A, OUT_IP, IPPROTO_TCP_, l4,
		       fx_l4_tcp(l4, 80, 33000, TCP_SYN | TCP_ACK, 9000, 78, NULL, 0));
	assert_int_equal(run_port(f, in, n, out), TC_ACT_REDIRECT);
	assert_int_equal(get32(out + 26), UP_IP);
	assert_int_equal(get16(out + 34), 8080);
	assert_csums(out);
	/* unpublished: the port is the bridge's */
	assert_int_equal(emu_publish_load(&f->emu, NULL, 0, &em), 0);
	n = out_frame(in, OUT_IP, UP_IP, IPPROTO_TCP_, l4,
		      fx_l4_tcp(l4, 33001, 8080, TCP_SYN, 77, 0, NULL, 0));
	assert_int_equal(run_uplink(in, n, out), TC_ACT_SHOT);
}

static void test_inside_refusals(void **state)
{
	struct fixture *f = *state;
	uint8_t l4[64], in[FX_FRAME_MAX], out[FX_FRAME_MAX];
	uint64_t d1 = fx_drops(f, HYP_DROP_UPLINK_TO_BRIDGE), d2 = fx_drops(f, HYP_DROP_NO_UPLINK);
	uint64_t d3 = fx_drops(f, HYP_DROP_UPLINK_SPOOF);
	size_t n;

	/* the uplink address from inside */
	n = snic_frame(f, in, EP_A, UP_IP, IPPROTO_TCP_, l4,
		       fx_l4_tcp(l4, 40010, 8080, TCP_SYN, 1, 0, NULL, 0));
	assert_int_equal(run_port(f, in, n, out), TC_ACT_SHOT);
	assert_int_equal(fx_drops(f, HYP_DROP_UPLINK_TO_BRIDGE), d1 + 1);
	/* no uplink: nothing leaves the pool */
	set_uplink(f, false);
	n = snic_frame(f, in, EP_A, OUT_IP, IPPROTO_TCP_, l4,
		       fx_l4_tcp(l4, 40011, 80, TCP_SYN, 1, 0, NULL, 0));
	assert_int_equal(run_port(f, in, n, out), TC_ACT_SHOT);
	assert_int_equal(fx_drops(f, HYP_DROP_NO_UPLINK), d2 + 1);
	/* outside frames with a pool source */
	set_uplink(f, true);
	n = out_frame(in, IP_B, UP_IP, IPPROTO_TCP_, l4,
		      fx_l4_tcp(l4, 33000, 8080, TCP_SYN, 77, 0, NULL, 0));
	assert_int_equal(run_uplink(in, n, out), TC_ACT_SHOT);
	assert_int_equal(fx_drops(f, HYP_DROP_UPLINK_SPOOF), d3 + 1);
}

/* The frame's IPv4 TTL set, its header checksum with it. */
static void set_ttl(uint8_t *frame, uint8_t ttl)
{
	uint8_t *ip = frame + 14;

	ip[8] = ttl;
	ip[10] = ip[11] = 0;
	fx_put16(ip + 10, fold(sum16(ip, 20, 0)));
}

/* A's UDP probe with TTL ttl to the outside (as traceroute sends it). */
static size_t probe(struct fixture *f, uint8_t *in, uint8_t ttl, uint16_t sport)
{
	uint8_t l4[64];
	size_t n = snic_frame(f, in, EP_A, OUT_IP, IPPROTO_UDP_, l4,
			      fx_l4_udp(l4, sport, 33434, "probe", 5));

	set_ttl(in, ttl);
	stamp_apply(f->eps[EP_A].key, in, n);
	return n;
}

/* The bridge is a router: A's packet leaves with its TTL less one, the
 * answer reaches A with its own less one, checksums right. */
static void test_ttl_decremented(void **state)
{
	struct fixture *f = *state;
	uint8_t l4[64], in[FX_FRAME_MAX], out[FX_FRAME_MAX];
	size_t n = probe(f, in, 2, 40100);
	uint16_t nport;

	assert_int_equal(run_port(f, in, n, out), TC_ACT_REDIRECT);
	assert_int_equal(out[14 + 8], 1);
	assert_csums(out);
	nport = get16(out + 34);
	n = out_frame(in, OUT_IP, UP_IP, IPPROTO_UDP_, l4, fx_l4_udp(l4, 33434, nport, "ans", 3));
	assert_int_equal(run_uplink(in, n, out), TC_ACT_REDIRECT);
	assert_int_equal(get32(out + 30), IP_A);
	assert_int_equal(out[14 + 8], 63);
	assert_csums(out);
}

/* TTL 1 out: counted (ttl-exceeded) and answered with the gateway's time
 * exceeded to A, quoting the probe as A sent it; TTL 1 in: counted, dropped. */
static void test_ttl_exceeded(void **state)
{
	struct fixture *f = *state;
	uint8_t l4[64], in[FX_FRAME_MAX], out[FX_FRAME_MAX];
	uint64_t d = fx_drops(f, HYP_DROP_TTL_EXCEEDED);
	size_t n = probe(f, in, 1, 40101);
	uint32_t olen = 0;
	uint16_t nport;

	assert_int_equal(run_port_n(f, in, n, out, &olen), TC_ACT_REDIRECT);
	assert_int_equal(fx_drops(f, HYP_DROP_TTL_EXCEEDED), d + 1);
	assert_int_equal(olen, 14 + 20 + 8 + 28);
	assert_memory_equal(out, f->eps[EP_A].mac, 6);
	assert_memory_equal(out + 6, FX_MAC_GW, 6);
	assert_int_equal(get16(out + 12), 0x0800);
	assert_int_equal(fold(sum16(out + 14, 20, 0)), 0);
	assert_int_equal(get16(out + 16), 20 + 8 + 28);
	assert_int_equal(out[14 + 9], IPPROTO_ICMP_);
	assert_int_equal(get32(out + 26), IP_GW);
	assert_int_equal(get32(out + 30), IP_A);
	assert_int_equal(out[34], 11); /* time exceeded */
	assert_int_equal(out[35], 0);  /* in transit */
	assert_int_equal(fold(sum16(out + 34, 8 + 28, 0)), 0);
	assert_memory_equal(out + 42, in + 14, 28); /* untranslated, TTL 1 */
	/* TTL 2 still leaves (the positive twin), with 1 */
	n = probe(f, in, 2, 40102);
	assert_int_equal(run_port(f, in, n, out), TC_ACT_REDIRECT);
	nport = get16(out + 34);
	/* its answer at TTL 1 stays out */
	n = out_frame(in, OUT_IP, UP_IP, IPPROTO_UDP_, l4, fx_l4_udp(l4, 33434, nport, "ans", 3));
	set_ttl(in, 1);
	assert_int_equal(run_uplink(in, n, out), TC_ACT_SHOT);
	assert_int_equal(fx_drops(f, HYP_DROP_TTL_EXCEEDED), d + 2);
}

/* ---- fragmentation needed (icmp4_err.h) ---- */

#define SMALL_MTU 1280

/* The uplink (lo of the test netns) given mtu. */
static void set_lo_mtu(int mtu)
{
	struct ifreq r = {.ifr_mtu = mtu};
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	assert_true(s >= 0);
	strcpy(r.ifr_name, "lo");
	assert_int_equal(ioctl(s, SIOCSIFMTU, &r), 0);
	close(s);
}

static int small_mtu_setup(void **state)
{
	setup(state);
	set_lo_mtu(SMALL_MTU);
	return 0;
}

static int small_mtu_teardown(void **state)
{
	set_lo_mtu(65536);
	return 0;
}

/* A's DF (fx_ipv4's default) packet of proto with an L4 of l4len bytes to
 * the outside; df 0: DF cleared. */
static size_t big_frame(struct fixture *f, uint8_t *in, uint8_t proto, uint8_t type, size_t l4len,
			bool df)
{
	static uint8_t pay[FX_FRAME_MAX];
	uint8_t l4[FX_FRAME_MAX];
	size_t n;

	memset(pay, 'x', sizeof(pay));
	if (proto == IPPROTO_ICMP_)
		n = fx_l4_icmp(l4, type, 0, 0x4343, 1, pay, l4len - 8);
	else
		n = fx_l4_udp(l4, 40200, 9000, pay, l4len - 8);
	n = snic_frame(f, in, EP_A, OUT_IP, proto, l4, n);
	if (!df) {
		in[14 + 6] = 0;
		set_ttl(in, in[14 + 8]); /* the header checksum again */
		stamp_apply(f->eps[EP_A].key, in, n);
	}
	return n;
}

/* Bigger than the uplink's MTU with DF: counted (uplink-too-big) and
 * answered with the gateway's fragmentation needed to A, next-hop MTU the
 * uplink's, quoting the packet as A sent it; one that fits leaves. */
static void test_frag_needed(void **state)
{
	struct fixture *f = *state;
	uint8_t in[FX_FRAME_MAX], out[FX_FRAME_MAX];
	uint64_t d = fx_drops(f, HYP_DROP_UPLINK_MTU);
	size_t n = big_frame(f, in, IPPROTO_UDP_, 0, SMALL_MTU - 20 + 1, true);
	uint32_t olen = 0;

	assert_int_equal(n, 14 + SMALL_MTU + 1);
	assert_int_equal(run_port_n(f, in, n, out, &olen), TC_ACT_REDIRECT);
	assert_int_equal(fx_drops(f, HYP_DROP_UPLINK_MTU), d + 1);
	assert_int_equal(olen, 14 + 20 + 8 + 28);
	assert_memory_equal(out, f->eps[EP_A].mac, 6);
	assert_memory_equal(out + 6, FX_MAC_GW, 6);
	assert_int_equal(get16(out + 12), 0x0800);
	assert_int_equal(out[14], 0x45);
	assert_int_equal(get16(out + 16), 20 + 8 + 28);
	assert_int_equal(out[14 + 8], 64);
	assert_int_equal(out[14 + 9], IPPROTO_ICMP_);
	assert_int_equal(fold(sum16(out + 14, 20, 0)), 0); /* IPv4 header checksum */
	assert_int_equal(get32(out + 26), IP_GW);
	assert_int_equal(get32(out + 30), IP_A);
	assert_int_equal(out[34], 3);			       /* destination unreachable */
	assert_int_equal(out[35], 4);			       /* fragmentation needed */
	assert_int_equal(fold(sum16(out + 34, 8 + 28, 0)), 0); /* ICMP checksum */
	assert_int_equal(get16(out + 38), 0);		       /* unused */
	assert_int_equal(get16(out + 40), SMALL_MTU);	       /* the next hop's MTU */
	assert_memory_equal(out + 42, in + 14, 28);	       /* untranslated, TTL as sent */
	/* the positive twin: one that fits leaves, translated */
	n = big_frame(f, in, IPPROTO_UDP_, 0, SMALL_MTU - 20, true);
	assert_int_equal(run_port(f, in, n, out), TC_ACT_REDIRECT);
	assert_int_equal(get32(out + 26), UP_IP);
	assert_int_equal(fx_drops(f, HYP_DROP_UPLINK_MTU), d + 1);
}

/* Without DF: counted, dropped, not answered (the bridge does not fragment). */
static void test_too_big_no_df(void **state)
{
	struct fixture *f = *state;
	uint8_t in[FX_FRAME_MAX], out[FX_FRAME_MAX];
	uint64_t d = fx_drops(f, HYP_DROP_UPLINK_MTU);
	size_t n = big_frame(f, in, IPPROTO_UDP_, 0, SMALL_MTU - 20 + 1, false);

	assert_int_equal(run_port(f, in, n, out), TC_ACT_SHOT);
	assert_int_equal(fx_drops(f, HYP_DROP_UPLINK_MTU), d + 1);
}

/* Never an error about an error (RFC 1122 3.2.2): A's oversized ICMP
 * errors to the outside are dropped unanswered before the uplink (an
 * unreachable: uplink-proto; a redirect: it starts no flow, ct-invalid);
 * an oversized echo is answered (the positive twin). A spoofed source
 * never gets that far (source_stage). */
static void test_error_not_answered(void **state)
{
	struct fixture *f = *state;
	uint8_t in[FX_FRAME_MAX], out[FX_FRAME_MAX];
	uint64_t d = fx_drops(f, HYP_DROP_UPLINK_MTU), p = fx_drops(f, HYP_DROP_UPLINK_PROTO);
	uint64_t s = fx_drops(f, HYP_DROP_SPOOFED_SRC_IP), c = fx_drops(f, HYP_DROP_CT_INVALID);
	size_t n = big_frame(f, in, IPPROTO_ICMP_, 3, SMALL_MTU, true);

	assert_int_equal(run_port(f, in, n, out), TC_ACT_SHOT);
	assert_int_equal(fx_drops(f, HYP_DROP_UPLINK_PROTO), p + 1);
	n = big_frame(f, in, IPPROTO_ICMP_, 5, SMALL_MTU, true);
	assert_int_equal(run_port(f, in, n, out), TC_ACT_SHOT);
	assert_int_equal(fx_drops(f, HYP_DROP_CT_INVALID), c + 1);
	n = big_frame(f, in, IPPROTO_ICMP_, 8, SMALL_MTU, true);
	assert_int_equal(run_port(f, in, n, out), TC_ACT_REDIRECT);
	assert_int_equal(out[34], 3);
	assert_memory_equal(out + 42, in + 14, 28);
	assert_int_equal(fx_drops(f, HYP_DROP_UPLINK_MTU), d + 1);
	/* A's oversized packet with B's source: dropped there, no answer to B */
	n = big_frame(f, in, IPPROTO_UDP_, 0, SMALL_MTU, true);
	fx_put32(in + 26, IP_B);
	set_ttl(in, in[14 + 8]);
	stamp_apply(f->eps[EP_A].key, in, n);
	assert_int_equal(run_port(f, in, n, out), TC_ACT_SHOT);
	assert_int_equal(fx_drops(f, HYP_DROP_SPOOFED_SRC_IP), s + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_tcp_snat_and_reply, setup),
	    cmocka_unit_test_setup(test_forged_reply_dropped, setup),
	    cmocka_unit_test_setup(test_udp_snat_csum_and_zero, setup),
	    cmocka_unit_test_setup(test_icmp_echo_id, setup),
	    cmocka_unit_test_setup(test_icmp_error_translated_back, setup),
	    cmocka_unit_test_setup(test_published_port, setup),
	    cmocka_unit_test_setup(test_inside_refusals, setup),
	    cmocka_unit_test_setup(test_ttl_decremented, setup),
	    cmocka_unit_test_setup(test_ttl_exceeded, setup),
	    cmocka_unit_test_setup_teardown(test_frag_needed, small_mtu_setup, small_mtu_teardown),
	    cmocka_unit_test_setup_teardown(test_too_big_no_df, small_mtu_setup,
					    small_mtu_teardown),
	    cmocka_unit_test_setup_teardown(test_error_not_answered, small_mtu_setup,
					    small_mtu_teardown),
	};

	return fx_main("bpf_nat", tests, sizeof(tests) / sizeof(tests[0]));
}
