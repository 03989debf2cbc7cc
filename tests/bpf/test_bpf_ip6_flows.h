/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The flow half of test_bpf_ip6.c (included by it): conntrack, the quota
 * both families share, policy over IPv6 flows, related ICMPv6 errors.
 */

/* A stamped frame of src to endpoint dst carrying l4 (proto nh). */
static size_t flow6_frame(struct fixture *f, uint8_t *b, int src, int dst, uint8_t nh,
			  const uint8_t *l4, size_t n)
{
	struct a6 s = fx6_ep(f, src), d = fx6_ep(f, dst);
	size_t len = fx6_frame(b, f->eps[dst].mac, f->eps[src].mac, &s, &d, nh, 64, l4, n);

	fx6_bind(f, src);
	fx6_stamp(f, src, b, len);
	return len;
}

static size_t tcp6(struct fixture *f, uint8_t *b, int src, int dst, uint16_t sp, uint16_t dp,
		   uint8_t flags)
{
	uint8_t t[64];

	return flow6_frame(f, b, src, dst, NH_TCP, t,
			   fx_l4_tcp(t, sp, dp, flags, 1000, flags & TCP_ACK ? 1 : 0, NULL, 0));
}

static size_t udp6(struct fixture *f, uint8_t *b, int src, int dst, uint16_t sp, uint16_t dp)
{
	uint8_t u[32];

	return flow6_frame(f, b, src, dst, NH_UDP, u, fx_l4_udp(u, sp, dp, "dns?", 4));
}

static size_t echo6(struct fixture *f, uint8_t *b, int src, int dst, uint8_t type, uint16_t id)
{
	uint8_t e[16] = {type, 0, 0, 0, (uint8_t)(id >> 8), (uint8_t)id, 0, 1, 'p', 'i', 'n', 'g'};

	return flow6_frame(f, b, src, dst, NH_ICMP6, e, sizeof(e));
}

static void test6_tcp_conntrack(void **state)
{
	struct fixture *f = *state;
	struct a6 a = fx6_ep(f, EP_A), b = fx6_ep(f, EP_B);
	struct hyp_ct_val v;
	uint8_t in[FX_FRAME_MAX];
	size_t len;

	len = tcp6(f, in, EP_A, EP_C, 40001, 80, TCP_ACK); /* a bare ACK opens nothing */
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_CT_INVALID);
	len = tcp6(f, in, EP_A, EP_B, 40000, 80, TCP_SYN);
	fx_expect_to(f, EP_A, in, len, EP_B);
	assert_int_equal(fx6_ct_get(f, &a, &b, NH_TCP, 40000, 80, &v), 0);
	assert_int_equal(v.state, HYP_CT_SYN_SENT);
	assert_int_equal(v.owner, EP_A + 1);
	len = tcp6(f, in, EP_B, EP_A, 80, 40000, TCP_SYN | TCP_ACK);
	fx_expect_to(f, EP_B, in, len, EP_A);
	len = tcp6(f, in, EP_A, EP_B, 40000, 80, TCP_ACK);
	fx_expect_to(f, EP_A, in, len, EP_B);
	assert_int_equal(fx6_ct_get(f, &a, &b, NH_TCP, 40000, 80, &v), 0);
	assert_int_equal(v.state, HYP_CT_ESTABLISHED);
	/* a SYN from the responder inside the flow */
	len = tcp6(f, in, EP_B, EP_A, 80, 40000, TCP_SYN);
	fx_expect_drop(f, EP_B, in, len, HYP_DROP_CT_INVALID);
	len = tcp6(f, in, EP_B, EP_A, 80, 40000, TCP_RST | TCP_ACK);
	fx_expect_to(f, EP_B, in, len, EP_A);
	assert_int_not_equal(fx6_ct_get(f, &a, &b, NH_TCP, 40000, 80, &v), 0);
}

/* A packet of a tracked IPv6 flow refreshes its entry (ct6.h writes it only
 * when the coarse clock moved, not at every packet); a refused one does not. */
static void test6_ct_refresh(void **state)
{
	struct fixture *f = *state;
	struct a6 a = fx6_ep(f, EP_A), b = fx6_ep(f, EP_B);
	struct hyp_ct6_key k = {.sport = 5100, .dport = 53, .proto = NH_UDP};
	struct hyp_ct_val v;
	uint8_t in[FX_FRAME_MAX];
	uint64_t old;
	size_t len;

	fx_wait_uptime(10);
	len = udp6(f, in, EP_A, EP_B, 5100, 53);
	fx_expect_to(f, EP_A, in, len, EP_B);
	memcpy(k.saddr, a.b, 16);
	memcpy(k.daddr, b.b, 16);
	assert_int_equal(bpf_map_lookup_elem(FX_FD(f, hyp_ct6), &k, &v), 0);
	assert_int_equal(v.packets, 1);
	old = fx_now_ns() - 5 * FX_NS;
	v.last_seen = old;
	assert_int_equal(bpf_map_update_elem(FX_FD(f, hyp_ct6), &k, &v, BPF_EXIST), 0);
	len = tcp6(f, in, EP_B, EP_A, 53, 5100, TCP_ACK); /* not of the flow: refused */
	fx_expect_drop(f, EP_B, in, len, HYP_DROP_CT_INVALID);
	assert_int_equal(bpf_map_lookup_elem(FX_FD(f, hyp_ct6), &k, &v), 0);
	assert_true(v.last_seen == old);
	len = udp6(f, in, EP_B, EP_A, 53, 5100); /* the reply */
	fx_expect_to(f, EP_B, in, len, EP_A);
	assert_int_equal(bpf_map_lookup_elem(FX_FD(f, hyp_ct6), &k, &v), 0);
	assert_true(v.last_seen > fx_now_ns() - FX_NS);
	assert_int_equal(v.state, HYP_CT_REPLIED);
}

static void test6_echo_conntrack(void **state)
{
	struct fixture *f = *state;
	struct a6 a = fx6_ep(f, EP_A), b = fx6_ep(f, EP_B);
	struct hyp_ct_val v;
	uint8_t in[FX_FRAME_MAX];
	size_t len;

	len = echo6(f, in, EP_A, EP_B, 129, 7); /* a reply nobody asked for */
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_CT_INVALID);
	len = echo6(f, in, EP_A, EP_B, 128, 7);
	fx_expect_to(f, EP_A, in, len, EP_B);
	len = echo6(f, in, EP_B, EP_A, 129, 7);
	fx_expect_to(f, EP_B, in, len, EP_A);
	assert_int_equal(fx6_ct_get(f, &a, &b, NH_ICMP6, 7, 7, &v), 0);
	assert_int_equal(v.state, HYP_CT_REPLIED);
	len = echo6(f, in, EP_B, EP_A, 128, 7); /* the responder asks inside A's flow */
	fx_expect_drop(f, EP_B, in, len, HYP_DROP_CT_INVALID);
	len = echo6(f, in, EP_A, EP_B, 139, 7); /* node information: not carried */
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_ICMP6_TYPE);
}

/* One quota for both families: an endpoint's IPv4 flows count against its IPv6 ones. */
static void test6_quota_shared(void **state)
{
	struct fixture *f = *state;
	struct hyp_config c = fx_config(f);
	uint8_t in[FX_FRAME_MAX];
	uint32_t zero = 0, owner = EP_A + 1, held;
	size_t len;

	c.ct_quota = 2;
	assert_int_equal(bpf_map_update_elem(FX_FD(f, hyp_config), &zero, &c, BPF_ANY), 0);
	len = fx_udp(f, in, EP_A, IP_B, 1000, 53, "q");
	fx_expect_to(f, EP_A, in, len, EP_B);
	len = udp6(f, in, EP_A, EP_B, 1001, 53);
	fx_expect_to(f, EP_A, in, len, EP_B);
	len = udp6(f, in, EP_A, EP_C, 1002, 53);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_CT_QUOTA);
	len = fx_udp(f, in, EP_A, IP_C, 1003, 53, "q");
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_CT_QUOTA);
	assert_int_equal(bpf_map_lookup_elem(FX_FD(f, hyp_ct_owners), &owner, &held), 0);
	assert_int_equal(held, 2);
	/* another endpoint still opens its flows */
	len = udp6(f, in, EP_C, EP_B, 1004, 53);
	fx_expect_to(f, EP_C, in, len, EP_B);
}

static const char *db_from_web = "apiVersion: networking.k8s.io/v1\n"
				 "kind: NetworkPolicy\n"
				 "metadata: {name: db-in}\n"
				 "spec:\n"
				 "  podSelector: {matchLabels: {app: db}}\n"
				 "  ingress:\n"
				 "  - from:\n"
				 "    - podSelector: {matchLabels: {app: web}}\n"
				 "    ports:\n"
				 "    - {protocol: UDP, port: 53}\n";

/* A label policy holds for IPv6 flows: identity comes from the port. */
static void test6_policy_identity(void **state)
{
	struct fixture *f = *state;
	uint8_t in[FX_FRAME_MAX];
	size_t len;

	fx_policy(f, db_from_web);
	len = udp6(f, in, EP_A, EP_B, 2000, 53);
	fx_expect_to(f, EP_A, in, len, EP_B);
	len = udp6(f, in, EP_C, EP_B, 2001, 53);
	fx_expect_drop(f, EP_C, in, len, HYP_DROP_POLICY_INGRESS);
	len = udp6(f, in, EP_A, EP_B, 2002, 54);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_POLICY_INGRESS);
	/* the reply of the allowed flow */
	len = udp6(f, in, EP_B, EP_A, 53, 2000);
	fx_expect_to(f, EP_B, in, len, EP_A);
}

/* An ipBlock entry on C's IPv6 address (as the compiler writes one) lets C in. */
static void test6_policy_ipblock(void **state)
{
	struct fixture *f = *state;
	struct hyp_policy6_key k = {};
	struct hyp_policy_val v = {.rule_id = 1};
	struct a6 c = fx6_ep(f, EP_C);
	uint8_t in[FX_FRAME_MAX];
	size_t len;

	fx_policy(f, db_from_web);
	len = udp6(f, in, EP_C, EP_B, 3000, 53);
	fx_expect_drop(f, EP_C, in, len, HYP_DROP_POLICY_INGRESS);
	k.prefixlen = HYP_POLICY6_KEY_FIXED_BITS + 8 + 16;
	k.gen = (uint8_t)fx_config(f).policy_gen;
	k.dir = HYP_DIR_INGRESS;
	k.kind = HYP_PEER_IPV6;
	k.local_id = htonl(f->eps[EP_B].identity);
	memcpy(k.peer, c.b, 16);
	k.proto = NH_UDP;
	k.port_lo = 53;
	assert_int_equal(bpf_map_update_elem(FX_FD(f, hyp_policy6), &k, &v, BPF_ANY), 0);
	len = udp6(f, in, EP_C, EP_B, 3001, 53);
	fx_expect_to(f, EP_C, in, len, EP_B);
	len = udp6(f, in, EP_C, EP_B, 3002, 54); /* another port: the entry is for 53 */
	fx_expect_drop(f, EP_C, in, len, HYP_DROP_POLICY_INGRESS);
	c.b[15] ^= 1; /* the entry of another address lets nobody else in */
	memcpy(k.peer, c.b, 16);
	k.port_lo = 54;
	assert_int_equal(bpf_map_update_elem(FX_FD(f, hyp_policy6), &k, &v, BPF_ANY), 0);
	len = udp6(f, in, EP_C, EP_B, 3003, 54);
	fx_expect_drop(f, EP_C, in, len, HYP_DROP_POLICY_INGRESS);
}

/* B's unreachable about A's flow reaches A; one about another flow does not. */
static void test6_icmp_errors(void **state)
{
	struct fixture *f = *state;
	uint8_t in[FX_FRAME_MAX], q[FX_FRAME_MAX], e[FX_FRAME_MAX];
	size_t len, qlen;

	len = udp6(f, in, EP_A, EP_B, 4000, 53);
	fx_expect_to(f, EP_A, in, len, EP_B);
	qlen = len - 14;
	memset(e, 0, 8);
	e[0] = 1; /* destination unreachable, port */
	e[1] = 4;
	memcpy(q, in + 14, qlen);
	memcpy(e + 8, q, qlen);
	len = flow6_frame(f, in, EP_B, EP_A, NH_ICMP6, e, 8 + qlen);
	fx_expect_to(f, EP_B, in, len, EP_A);
	/* about a flow that never was */
	fx_put16(e + 8 + 40, 4001);
	len = flow6_frame(f, in, EP_B, EP_A, NH_ICMP6, e, 8 + qlen);
	fx_expect_drop(f, EP_B, in, len, HYP_DROP_ICMP_UNRELATED);
	/* about A's flow, sent by C (not one of its ends) */
	fx_put16(e + 8 + 40, 4000);
	len = flow6_frame(f, in, EP_C, EP_A, NH_ICMP6, e, 8 + qlen);
	fx_expect_drop(f, EP_C, in, len, HYP_DROP_ICMP_UNRELATED);
}

/* The same through the daemon's compiler and loader: an IPv6 ipBlock (C's
 * /128) in one policy with a label peer; it does not let C's IPv4 in. */
static void test6_policy_ipblock_compiled(void **state)
{
	struct fixture *f = *state;
	uint8_t in[FX_FRAME_MAX];
	size_t len;

	fx_policy(f, "apiVersion: networking.k8s.io/v1\n"
		     "kind: NetworkPolicy\n"
		     "metadata: {name: db-in6}\n"
		     "spec:\n"
		     "  podSelector: {matchLabels: {app: db}}\n"
		     "  ingress:\n"
		     "  - from:\n"
		     "    - podSelector: {matchLabels: {app: web}}\n"
		     "    - ipBlock: {cidr: 'fd00:1::4/128'}\n"
		     "    ports:\n"
		     "    - {protocol: UDP, port: 53}\n");
	len = udp6(f, in, EP_C, EP_B, 3100, 53);
	fx_expect_to(f, EP_C, in, len, EP_B);
	len = udp6(f, in, EP_A, EP_B, 3101, 53);
	fx_expect_to(f, EP_A, in, len, EP_B);
	len = udp6(f, in, EP_E, EP_B, 3102, 54);
	fx_expect_drop(f, EP_E, in, len, HYP_DROP_POLICY_INGRESS);
	len = fx_udp(f, in, EP_C, IP_B, 3103, 53, "q");
	fx_expect_drop(f, EP_C, in, len, HYP_DROP_POLICY_INGRESS);
	/* the rule set reloaded without the ipBlock: C's IPv6 entry goes */
	fx_policy(f, db_from_web);
	len = udp6(f, in, EP_C, EP_B, 3104, 53);
	fx_expect_drop(f, EP_C, in, len, HYP_DROP_POLICY_INGRESS);
}

/* The daemon's collector: an expired IPv6 entry goes and its owner's count
 * is given back; a live one stays; a SNIC's flush takes its entries. */
static void test6_ct_collect(void **state)
{
	struct fixture *f = *state;
	struct a6 a = fx6_ep(f, EP_A), b = fx6_ep(f, EP_B), c = fx6_ep(f, EP_C);
	struct hyp_ct6_key k = {};
	struct hyp_ct_val v;
	uint8_t in[FX_FRAME_MAX];
	uint32_t owner = EP_A + 1, held = 0, live = 0;
	size_t len;

	fx_wait_uptime(HYP_CT_TIMEOUT_UNREPLIED + 2);
	len = udp6(f, in, EP_A, EP_B, 5000, 53);
	fx_expect_to(f, EP_A, in, len, EP_B);
	len = udp6(f, in, EP_A, EP_C, 5001, 53);
	fx_expect_to(f, EP_A, in, len, EP_C);
	memcpy(k.saddr, a.b, 16);
	memcpy(k.daddr, b.b, 16);
	k.sport = 5000;
	k.dport = 53;
	k.proto = NH_UDP;
	assert_int_equal(bpf_map_lookup_elem(FX_FD(f, hyp_ct6), &k, &v), 0);
	v.last_seen = fx_now_ns() - (HYP_CT_TIMEOUT_UNREPLIED + 1) * FX_NS;
	assert_int_equal(bpf_map_update_elem(FX_FD(f, hyp_ct6), &k, &v, BPF_EXIST), 0);
	assert_true(emu_ct_gc(&f->emu, &live) >= 1);
	assert_int_not_equal(bpf_map_lookup_elem(FX_FD(f, hyp_ct6), &k, &v), 0);
	assert_int_equal(fx6_ct_get(f, &a, &c, NH_UDP, 5001, 53, &v), 0);
	assert_int_equal(bpf_map_lookup_elem(FX_FD(f, hyp_ct_owners), &owner, &held), 0);
	assert_int_equal(held, 1);
	assert_int_equal(emu_ct6_flush(&f->emu, (const uint32_t *)c.b), 0);
	assert_int_not_equal(fx6_ct_get(f, &a, &c, NH_UDP, 5001, 53, &v), 0);
	assert_int_equal(bpf_map_lookup_elem(FX_FD(f, hyp_ct_owners), &owner, &held), 0);
	assert_int_equal(held, 0);
}

/* Fills hyp_ct6 with entries of endpoint owner to B in state, all charged
 * to it; the sample of recent IPv6 flows names some of them. */
static void fill_table6(struct fixture *f, int owner, uint8_t state)
{
	struct hyp_ct6_key *keys = calloc(HYP_CT6_MAX, sizeof(*keys));
	struct hyp_ct_val *vals = calloc(HYP_CT6_MAX, sizeof(*vals));
	struct a6 s = fx6_ep(f, owner), d = fx6_ep(f, EP_B);
	uint32_t n = HYP_CT6_MAX;

	assert_non_null(keys);
	assert_non_null(vals);
	for (uint32_t i = 0; i < n; i++) {
		memcpy(keys[i].saddr, s.b, 16);
		memcpy(keys[i].daddr, d.b, 16);
		keys[i].sport = htons((uint16_t)(i & 0xffff));
		keys[i].dport = htons((uint16_t)(1 + i / 65536));
		keys[i].proto = NH_UDP;
		vals[i].last_seen = fx_now_ns();
		vals[i].state = state;
		vals[i].owner = (uint32_t)owner + 1;
		vals[i].rev = fx_config(f).policy_rev;
	}
	assert_int_equal(bpf_map_update_batch(FX_FD(f, hyp_ct6), keys, vals, &n, NULL), 0);
	assert_int_equal(n, HYP_CT6_MAX);
	set_held(f, owner, HYP_CT6_MAX);
	for (uint32_t i = 0; i < HYP_CT_RECENT; i++)
		assert_int_equal(
		    bpf_map_update_elem(FX_FD(f, hyp_ct6_recent), &i, &keys[i * 97], BPF_ANY), 0);
	free(keys);
	free(vals);
}

/*
 * As IPv4's test_full_table_early_drop, in hyp_ct6: a's new flow evicts one
 * unreplied entry of c, which holds more; twins: c holding no more than a
 * would, or c's entries answered, and a's flow is refused (ct-full, the
 * reason IPv4 gives), nothing evicted.
 */
static void test6_full_table_early_drop(void **state)
{
	struct fixture *f = *state;
	uint8_t in[FX_FRAME_MAX];
	size_t len;

	set_quota(f, HYP_CT6_MAX);
	fill_table6(f, EP_C, HYP_CT_NEW);
	len = udp6(f, in, EP_A, EP_B, 5000, 53);
	fx_expect_to(f, EP_A, in, len, EP_B);
	assert_int_equal(held(f, EP_A), 1);
	assert_int_equal(held(f, EP_C), HYP_CT6_MAX - 1);
	len = udp6(f, in, EP_A, EP_B, 5001, 53); /* and again */
	fx_expect_to(f, EP_A, in, len, EP_B);
	assert_int_equal(held(f, EP_C), HYP_CT6_MAX - 2);
	/* c holds no more than a would with one more flow: nothing evicted */
	set_held(f, EP_C, 3);
	len = udp6(f, in, EP_A, EP_B, 5002, 53);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_CT_FULL);
	assert_int_equal(held(f, EP_A), 2);
	assert_int_equal(held(f, EP_C), 3);
	/* c's entries answered: never evicted */
	fx_map_flush(FX_FD(f, hyp_ct6), sizeof(struct hyp_ct6_key));
	fill_table6(f, EP_C, HYP_CT_REPLIED);
	set_held(f, EP_A, 0);
	len = udp6(f, in, EP_A, EP_B, 5000, 53);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_CT_FULL);
	assert_int_equal(held(f, EP_A), 0);
	assert_int_equal(held(f, EP_C), HYP_CT6_MAX);
	fx_map_flush(FX_FD(f, hyp_ct6), sizeof(struct hyp_ct6_key));
}
