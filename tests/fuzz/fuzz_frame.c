// SPDX-License-Identifier: GPL-2.0-only
/*
 * Random and mutated frames through the real BPF programs with
 * BPF_PROG_TEST_RUN (root, a private netns, the tables filled by the
 * daemon's own code as in tests/bpf/fixture.h). Endpoint A sends; the
 * policy lets A reach B on TCP 80 and UDP 53 only (egress of A) and B be
 * reached from app=web on TCP 80 only (ingress of B).
 * Input: byte 0 chooses the path, the rest is the frame:
 *   bit 0 clear: through A's guard first (what a container's stack sends),
 *                then the bridge port with what the guard let out;
 *   bit 0 set:   straight to the bridge port (an attacker past its guard),
 *                stamped with A's key unless bit 1 is set.
 * Conntrack starts empty for every frame. Invariants: the verdict is
 * drop, pass or redirect; an IPv4 frame the port lets out carries A's
 * source address and is a flow the policy allows (no reply can exist);
 * a dropped frame leaves no conntrack entry and no charge; the charges
 * equal the entries; the endpoint, port and policy tables keep their
 * entry counts. The guard lets out IPv4 only with A's source address.
 */
#include "fixture.h"
#include "fuzz.h"

static struct fixture *f;

/*
 * The BPF programs carry no coverage instrumentation: libFuzzer is told
 * what they did through extra counters, one per (guard verdict, port
 * verdict, drop reason, stat) seen, so an input reaching a new stage is kept.
 */
#define FB_REASONS 128
__attribute__((used, section("__libfuzzer_extra_counters"))) static uint8_t
    bpf_feedback[2][3][FB_REASONS + 64];

static void feedback(int guard_path, int verdict)
{
	struct hyp_drop_key dk;
	struct hyp_stat_key sk;
	int v = verdict == TC_ACT_SHOT ? 0 : verdict == TC_ACT_OK ? 1 : 2;

	while (!bpf_map_get_next_key(FX_FD(f, hyp_drops), NULL, &dk)) {
		bpf_feedback[guard_path][v][dk.reason % FB_REASONS]++;
		bpf_map_delete_elem(FX_FD(f, hyp_drops), &dk);
	}
	while (!bpf_map_get_next_key(FX_FD(f, hyp_stats), NULL, &sk)) {
		bpf_feedback[guard_path][v][FB_REASONS + sk.stat % 64]++;
		bpf_map_delete_elem(FX_FD(f, hyp_stats), &sk);
	}
}
static struct pol_program prog;
static struct pol_endpoint peps[FX_MAX_EPS];
static size_t base_counts[4];

static const char policy[] =
    "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
    "metadata: {name: a-out}\nspec:\n  podSelector: {matchLabels: {app: web}}\n"
    "  policyTypes: [Egress]\n  egress:\n  - to: [{podSelector: {matchLabels: {app: db}}}]\n"
    "    ports: [{protocol: TCP, port: 80}, {protocol: UDP, port: 53}]\n"
    "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
    "metadata: {name: b-in}\nspec:\n  podSelector: {matchLabels: {app: db}}\n"
    "  policyTypes: [Ingress]\n  ingress:\n  - from: [{podSelector: {matchLabels: {app: web}}}]\n"
    "    ports: [{protocol: TCP, port: 80}]\n";

static size_t map_count(int fd)
{
	uint8_t k[64], next[64];
	size_t n = 0;
	void *prev = NULL;

	while (!bpf_map_get_next_key(fd, prev, next)) {
		memcpy(k, next, sizeof(k));
		prev = k;
		n++;
	}
	return n;
}

static void static_counts(size_t c[4])
{
	c[0] = map_count(FX_FD(f, hyp_endpoints));
	c[1] = map_count(FX_FD(f, hyp_ports));
	c[2] = map_count(FX_FD(f, hyp_policy));
	c[3] = map_count(FX_FD(f, hyp_enforce));
}

static uint64_t charges(void)
{
	uint32_t k, *prev = NULL, v;
	uint64_t sum = 0;

	while (!bpf_map_get_next_key(FX_FD(f, hyp_ct_owners), prev, &k)) {
		if (!bpf_map_lookup_elem(FX_FD(f, hyp_ct_owners), &k, &v))
			sum += v;
		prev = &k;
	}
	return sum;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct errmsg em = {};

	fz_quiet();
	if (unshare(CLONE_NEWNET) || fx_open(&f))
		fz_fail("cannot load the programs in a private netns (root?)");
	fx_reset(f);
	if (fx_policy_prog(f, policy, &prog, &em))
		fz_fail("policy: %s", em.msg);
	for (size_t i = 0; i < f->n_eps; i++)
		peps[i] = (struct pol_endpoint){.name = f->eps[i].name,
						.identity = f->eps[i].identity,
						.ip = f->eps[i].ip,
						.labels = &f->eps[i].labels};
	static_counts(base_counts);
	return 0;
}

/* One test run; -errno when the kernel refuses the input as a frame. */
static int run(int prog_fd, const uint8_t *in, uint32_t len, uint8_t *out, uint32_t cap,
	       uint32_t *out_len)
{
	struct __sk_buff ctx = {.ifindex = FX_PORT};
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in, .data_size_in = len, .data_out = out,
		    .data_size_out = cap, .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = 1);
	int err = bpf_prog_test_run_opts(prog_fd, &o);

	if (err)
		return err;
	*out_len = o.data_size_out;
	return (int)o.retval;
}

static int ep_of(uint32_t ip)
{
	for (size_t i = 0; i < f->n_eps; i++)
		if (f->eps[i].ip == ip)
			return (int)i;
	return -1;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* An IPv4 frame the port let out: from A, and a flow the policy allows. */
static void check_out_ipv4(const uint8_t *o, uint32_t len, int verdict)
{
	const uint8_t *ip = o + 14;
	size_t ihl = (size_t)(ip[0] & 0xf) * 4;
	uint8_t proto = ip[9];
	uint16_t dport = 0;
	struct pol_verdict v;
	int dst;

	if (get32(ip + 12) != IP_A)
		fz_fail("verdict %d let out an IPv4 frame from %08x, not A", verdict,
			get32(ip + 12));
	dst = ep_of(get32(ip + 16));
	if (dst < 0 || dst == EP_A)
		fz_fail("verdict %d let out a frame to %08x, no other endpoint", verdict,
			get32(ip + 16));
	if ((proto == 6 || proto == 17 || proto == 132) && len >= 14 + ihl + 4)
		dport = (uint16_t)(o[14 + ihl + 2] << 8 | o[14 + ihl + 3]);
	pol_eval(&prog, &peps[EP_A], &peps[dst], proto, dport, &v);
	if (!v.allowed)
		fz_fail("forwarded A -> %s proto %u port %u, which the policy denies",
			f->eps[dst].name, proto, dport);
}

static void check_tables(int verdict)
{
	size_t ct = map_count(FX_FD(f, hyp_ct)), c[4];
	uint64_t ch = charges();

	if (verdict == TC_ACT_SHOT && ct)
		fz_fail("a dropped frame left %zu conntrack entries", ct);
	if (ch != ct)
		fz_fail("%llu conntrack charges for %zu entries", (unsigned long long)ch, ct);
	static_counts(c);
	if (memcmp(c, base_counts, sizeof(c)))
		fz_fail("table entry counts changed: %zu %zu %zu %zu", c[0], c[1], c[2], c[3]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t in[FX_FRAME_MAX], out[FX_FRAME_MAX + 64], mid[FX_FRAME_MAX + 64];
	uint32_t len, olen = 0;
	int verdict;

	if (size < 1 + 14 || size > 1 + FX_FRAME_MAX)
		return 0;
	len = (uint32_t)size - 1;
	memcpy(in, data + 1, len);
	fx_map_flush(FX_FD(f, hyp_ct), sizeof(struct hyp_ct_key));
	fx_map_flush(FX_FD(f, hyp_ct_owners), sizeof(__u32));
	if (!(data[0] & 1)) {
		verdict = run(fx_guard_fd(f), in, len, mid, sizeof(mid), &len);
		if (verdict == -EINVAL)
			return 0; /* test_run takes no IPv4 frame shorter than its header */
		if (verdict < 0)
			fz_fail("guard test run: %s", strerror(-verdict));
		if (verdict == TC_ACT_SHOT)
			return 0;
		if (verdict != TC_ACT_OK)
			fz_fail("guard verdict %d", verdict);
		if (len >= 34 && mid[12] == 8 && mid[13] == 0 && get32(mid + 26) != IP_A)
			fz_fail("guard let out IPv4 from %08x, not A", get32(mid + 26));
		memcpy(in, mid, len);
	} else if (!(data[0] & 2)) {
		stamp_apply(KEY_A, in, len);
	}
	verdict = run(fx_port_fd(f), in, len, out, sizeof(out), &olen);
	if (verdict == -EINVAL)
		return 0;
	if (verdict < 0)
		fz_fail("port test run: %s", strerror(-verdict));
	if (verdict != TC_ACT_SHOT && verdict != TC_ACT_OK && verdict != TC_ACT_REDIRECT)
		fz_fail("port verdict %d", verdict);
	if (verdict != TC_ACT_SHOT && olen >= 34 && out[12] == 8 && out[13] == 0)
		check_out_ipv4(out, olen, verdict);
	check_tables(verdict);
	feedback(!(data[0] & 1), verdict);
	return 0;
}
