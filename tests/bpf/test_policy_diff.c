// SPDX-License-Identifier: GPL-2.0-only
/*
 * Differential policy test. Seeded random worlds (endpoints with labels in
 * three namespaces) and random NetworkPolicy sets (pod and namespace
 * selectors with matchLabels and every matchExpressions operator,
 * ingress and egress, single ports, endPort ranges, TCP/UDP/SCTP and the
 * default protocol, port-less rules, ipBlock with except, default deny,
 * policyTypes given or not, given twice, or leaving out a direction that
 * has rules, which Kubernetes ignores; and the shapes Kubernetes decodes
 * with a meaning of their own: from/to/ports written as [] or null, null
 * rules and ports entries, null port/endPort/protocol, null selectors and
 * selector parts, a spec or podSelector left out or null, IPv6 ipBlocks,
 * which match no endpoint here) are loaded the daemon's way (fixture.h:
 * pol_parse, store JSON round trip, pol_compile, emu_policy_load). Random
 * new flows between random endpoints (ports at the edges of the policies'
 * ranges, ICMP echo too), to pool addresses nobody owns and to the sender
 * itself are then judged three ways:
 *
 *   - the bridge_port BPF program through BPF_PROG_TEST_RUN (verdict and
 *     the drop counter that moved: policy-egress or policy-ingress);
 *   - pol_eval (src/policy/eval.c, what `hyperctl policy trace` runs) on
 *     the same compiled program;
 *   - an independent model of Kubernetes' semantics written here from the
 *     generator's own description of the policies (no compiled entries),
 *     so a compiler bug that BPF and pol_eval share is caught too.
 *
 * All three must agree on allowed/denied and on the reason (egress is
 * checked first). Each case has fresh conntrack: its entry is deleted
 * after it. A pool address nobody owns must be dropped unknown-dst and a
 * flow to the sender itself hairpin, whatever the policy.
 *
 * HYP_DIFF_SEED (decimal or 0x hex) overrides the fixed seed;
 * HYP_DIFF_ROUND=N runs only round N of that seed (each round is seeded
 * from the seed and its number, so a failure is replayed alone).
 * HYP_DIFF_ROUNDS sets the number of rounds.
 *
 * Each round's documents also go through the daemon's parsed-document
 * cache (policy_diff_cache.h), which lives across the rounds: they must
 * compile to the same program, from a miss and from a hit.
 *
 * The generator is in policy_diff_gen.h, the policies as documents in
 * policy_diff_json.h, the independent model in policy_diff_model.h.
 */
#include "fixture.h"
#include "policy_diff_gen.h"
#include "policy_diff_json.h"
#include "policy_diff_model.h"
#include "policy_diff_cache.h"

#define DIFF_SEED_DEFAULT 0x4859504552494f4eULL /* "HYPERION" */
#define DIFF_ROUNDS	  3000
#define DIFF_CASES	  48
#define MAX_FAIL_PRINT	  5

/* ---- the run ---- */

struct diff {
	struct fixture *f;
	uint64_t seed;
	long cases, allowed, egress, ingress, unknown, hairpin, failures;
	uint64_t cnt_egr, cnt_ing, cnt_drop; /* counters as last read */
};

static void labels_of(const struct g_ep *e, char *buf, size_t len)
{
	int n = snprintf(buf, len, "app=%s", key_vals[K_APP][e->app]);

	if (e->tier >= 0)
		n += snprintf(buf + n, len - (size_t)n, ",tier=%s", key_vals[K_TIER][e->tier]);
	if (e->ns != NS_DEFAULT)
		/* its namespace is labelled env=NAME (fx_namespaces) */
		snprintf(buf + n, len - (size_t)n, ",namespace=%s", ns_names[e->ns]);
	else if (e->ns_label)
		snprintf(buf + n, len - (size_t)n, ",namespace=default");
}

/* Endpoints into the fixture; same label set, same identity (as the daemon). */
static void world_load(struct fixture *f, const struct round *r)
{
	char labels[MAX_EPS][160];

	/* the policy tables stay: every round's load is incremental, written as
	 * the difference to what the inactive generation held (two rounds ago) */
	fx_clear_tables(f, true);
	for (int i = 0; i < r->n_eps; i++) {
		uint32_t id = 256 + (uint32_t)i;
		char name[8];

		labels_of(&r->eps[i], labels[i], sizeof(labels[i]));
		for (int j = 0; j < i; j++)
			if (!strcmp(labels[i], labels[j])) {
				id = f->eps[j].identity;
				break;
			}
		snprintf(name, sizeof(name), "e%d", i);
		fx_add_ep(f, name, r->eps[i].ip, id, labels[i]);
	}
}

static void print_case(struct diff *d, const struct round *r, int round, int c, int src,
		       uint32_t daddr, int proto, int dport, const char *what, const char *verdicts)
{
	struct fixture *f = d->f;

	if (d->failures > MAX_FAIL_PRINT)
		return;
	print_message("DIFF FAILURE: %s\n  HYP_DIFF_SEED=0x%llx HYP_DIFF_ROUND=%d, case %d\n  "
		      "packet: %s (%u.%u.%u.%u) -> %u.%u.%u.%u proto %d dport %d\n",
		      what, (unsigned long long)d->seed, round, c, f->eps[src].name,
		      f->eps[src].ip >> 24, (f->eps[src].ip >> 16) & 0xff,
		      (f->eps[src].ip >> 8) & 0xff, f->eps[src].ip & 0xff, daddr >> 24,
		      (daddr >> 16) & 0xff, (daddr >> 8) & 0xff, daddr & 0xff, proto, dport);
	print_message("  %s\n", verdicts);
	for (size_t i = 0; i < f->n_eps; i++) {
		char lb[512];

		labels__canonical(&f->eps[i].labels, lb, sizeof(lb));
		print_message("  endpoint %s %u.%u.%u.%u identity %u labels %s\n", f->eps[i].name,
			      f->eps[i].ip >> 24, (f->eps[i].ip >> 16) & 0xff,
			      (f->eps[i].ip >> 8) & 0xff, f->eps[i].ip & 0xff, f->eps[i].identity,
			      lb);
	}
	print_message("  policies:\n%s\n", r->text);
}

/* Sends one new flow; returns 0 forwarded, else the drop reason counted
 * (-1: none that fits). scan: expect another reason than policy, look at
 * every counter. */
static int bpf_verdict(struct diff *d, int src, uint32_t daddr, int proto, int dport,
		       uint16_t sport, bool scan)
{
	struct fixture *f = d->f;
	uint8_t in[FX_FRAME_MAX];
	uint64_t egr, ing, drp, before[__HYP_DROP_MAX], after[__HYP_DROP_MAX];
	struct hyp_ct_key k;
	size_t len;
	int v, reason = -1;

	switch (proto) {
	case IPPROTO_TCP_:
		len = fx_tcp(f, in, src, daddr, sport, (uint16_t)dport, TCP_SYN, 1, 0, NULL);
		break;
	case IPPROTO_UDP_:
		len = fx_udp(f, in, src, daddr, sport, (uint16_t)dport, "diff");
		break;
	case IPPROTO_SCTP_:
		len = fx_sctp(f, in, src, daddr, sport, (uint16_t)dport);
		break;
	default:
		len = fx_icmp(f, in, src, daddr, 8, (uint16_t)dport, 1);
		sport = (uint16_t)dport;
		break;
	}
	if (scan)
		fx_drops_all(f, before);
	v = fx_send(f, src, in, len, NULL, NULL);
	egr = fx_drops(f, HYP_DROP_POLICY_EGRESS);
	ing = fx_drops(f, HYP_DROP_POLICY_INGRESS);
	drp = fx_stat(f, HYP_STAT_DROP);
	if (v == TC_ACT_REDIRECT && drp == d->cnt_drop && egr == d->cnt_egr && ing == d->cnt_ing)
		reason = 0;
	else if (v == TC_ACT_SHOT && drp == d->cnt_drop + 1 && egr == d->cnt_egr + 1 &&
		 ing == d->cnt_ing)
		reason = HYP_DROP_POLICY_EGRESS;
	else if (v == TC_ACT_SHOT && drp == d->cnt_drop + 1 && ing == d->cnt_ing + 1 &&
		 egr == d->cnt_egr)
		reason = HYP_DROP_POLICY_INGRESS;
	else if (scan && v == TC_ACT_SHOT && drp == d->cnt_drop + 1) {
		int changed = 0;

		fx_drops_all(f, after);
		for (uint32_t i = 0; i < __HYP_DROP_MAX; i++)
			if (after[i] != before[i]) {
				reason = (int)i;
				changed++;
			}
		if (changed != 1 || after[reason] != before[reason] + 1)
			reason = -1;
	}
	d->cnt_egr = egr;
	d->cnt_ing = ing;
	d->cnt_drop = drp;
	/* fresh conntrack for the next case */
	k = fx_ct_key(f->eps[src].ip, daddr, (uint8_t)proto, sport, (uint16_t)dport);
	fx_ct_del(f, &k);
	return reason;
}

static int pick_dport(const struct round *r, int proto)
{
	if (proto == IPPROTO_ICMP_)
		return (int)rnd(65536); /* the echo id */
	if (r->n_ports && chance(55))
		return r->ports[rnd((uint32_t)r->n_ports)];
	if (chance(50))
		return common_ports[rnd(sizeof(common_ports) / sizeof(common_ports[0]))];
	return (int)rnd(65536);
}

static void collect_ports(struct round *r)
{
	r->n_ports = 0;
	for (int i = 0; i < r->n_pols; i++)
		for (int dir = 0; dir < 2; dir++)
			for (int k = 0; k < r->pols[i].n_rules[dir]; k++) {
				const struct g_rule *ru = &r->pols[i].rules[dir][k];

				for (int j = 0; j < ru->n_ports; j++) {
					const struct g_port *p = &ru->ports[j];
					int e = p->end ? p->end : p->port;
					int cand[6] = {p->port - 1, p->port, p->port + 1,
						       e - 1,	    e,	     e + 1};

					if (!p->port)
						continue;
					for (int c = 0; c < 6; c++)
						if (cand[c] >= 0 && cand[c] <= 65535 &&
						    r->n_ports < 256)
							r->ports[r->n_ports++] = cand[c];
				}
			}
}

/* One case of a round: a new flow from src, to dst unless it goes elsewhere. */
struct diff_case {
	int round, c;
	int src, dst, proto, dport;
	uint16_t sport;
};

/* The source port of the next new flow: 1025 and up, from 1024 again after 65535. */
static uint16_t next_sport(void)
{
	static uint16_t sport = 1024;

	if (++sport < 1024)
		sport = 1024;
	return sport;
}

/* A pool address nobody owns: unknown-dst, whatever the policy. */
static void check_foreign(struct diff *d, const struct round *r, const struct diff_case *k)
{
	uint32_t daddr;
	char vs[160];
	bool taken;
	int got;

	do {
		daddr = FX_NET | (rnd(3) << 8) | (2 + rnd(60));
		taken = false;
		for (int j = 0; j < r->n_eps; j++)
			taken |= r->eps[j].ip == daddr;
	} while (taken);
	got = bpf_verdict(d, k->src, daddr, k->proto, k->dport, k->sport, true);
	d->unknown++;
	if (got != HYP_DROP_UNKNOWN_DST) {
		snprintf(vs, sizeof(vs), "bpf: %d, want %d", got, HYP_DROP_UNKNOWN_DST);
		d->failures++;
		print_case(d, r, k->round, k->c, k->src, daddr, k->proto, k->dport,
			   "a pool address nobody owns is not dropped unknown-dst", vs);
	}
}

/* A flow to the sender itself: hairpin, whatever the policy. */
static void check_hairpin(struct diff *d, const struct round *r, const struct diff_case *k)
{
	uint32_t daddr = r->eps[k->dst].ip;
	char vs[160];
	int got;

	got = bpf_verdict(d, k->src, daddr, k->proto, k->dport, k->sport, true);
	d->hairpin++;
	if (got != HYP_DROP_HAIRPIN) {
		snprintf(vs, sizeof(vs), "bpf: %d, want %d", got, HYP_DROP_HAIRPIN);
		d->failures++;
		print_case(d, r, k->round, k->c, k->src, daddr, k->proto, k->dport,
			   "a flow to the sender itself is not dropped hairpin", vs);
	}
}

/* A flow between two endpoints: BPF, pol_eval and the model agree. */
static void check_policy(struct diff *d, const struct round *r, const struct pol_program *prog,
			 const struct pol_endpoint *eps, const struct diff_case *k)
{
	uint32_t daddr = r->eps[k->dst].ip;
	int got, want_eval, want_model;
	struct pol_verdict v;
	char vs[160];

	got = bpf_verdict(d, k->src, daddr, k->proto, k->dport, k->sport, false);
	pol_eval(prog, &eps[k->src], &eps[k->dst], (uint8_t)k->proto, (uint16_t)k->dport, &v);
	want_eval = v.allowed ? 0 : v.drop_reason;
	want_model = model_reason(r, &r->eps[k->src], &r->eps[k->dst], k->proto, k->dport);
	if (!want_eval)
		d->allowed++;
	else if (want_eval == HYP_DROP_POLICY_EGRESS)
		d->egress++;
	else
		d->ingress++;
	if (got != want_eval || want_eval != want_model) {
		snprintf(vs, sizeof(vs),
			 "bpf: %d  pol_eval: %d (egress rule %u, ingress rule %u)  model: "
			 "%d  (0 allowed, 20 egress-denied, 21 ingress-denied)",
			 got, want_eval, v.egress_rule, v.ingress_rule, want_model);
		d->failures++;
		print_case(d, r, k->round, k->c, k->src, daddr, k->proto, k->dport,
			   got != want_eval ? "BPF and pol_eval disagree"
					    : "pol_eval and the Kubernetes model disagree",
			   vs);
	}
}

/* Draws case c of a round (endpoints, protocol, port) and judges it. */
static void run_case(struct diff *d, const struct round *r, const struct pol_program *prog,
		     const struct pol_endpoint *eps, int round, int c)
{
	static const int protos[] = {IPPROTO_TCP_, IPPROTO_TCP_,  IPPROTO_UDP_,
				     IPPROTO_UDP_, IPPROTO_SCTP_, IPPROTO_ICMP_};
	struct diff_case k = {.round = round, .c = c};
	bool foreign;

	k.src = (int)rnd((uint32_t)r->n_eps);
	k.dst = (int)rnd((uint32_t)r->n_eps);
	k.proto = protos[rnd(sizeof(protos) / sizeof(protos[0]))];
	k.dport = pick_dport(r, k.proto);
	foreign = chance(5);
	if (k.dst == k.src && !chance(10)) /* a few flows to the sender itself */
		k.dst = (k.src + 1 + (int)rnd((uint32_t)r->n_eps - 1)) % r->n_eps;
	k.sport = next_sport();
	d->cases++;
	if (foreign)
		check_foreign(d, r, &k);
	else if (k.src == k.dst)
		check_hairpin(d, r, &k);
	else
		check_policy(d, r, prog, eps, &k);
}

/* Round number round of the seed: its world, policies and their text. */
static void gen_round(struct round *r, uint64_t seed, int round)
{
	memset(r, 0, sizeof(*r));
	rng_state = seed ^ (0xd1b54a32d192ed03ULL * (uint64_t)(round + 1));
	gen_world(r);
	r->n_pols = (int)rnd(MAX_POLS + 1);
	for (int i = 0; i < r->n_pols; i++)
		gen_pol(r, &r->pols[i]);
	r->text = policy_text(r);
	collect_ports(r);
}

static void run_round(struct diff *d, int round)
{
	struct fixture *f = d->f;
	struct round r;
	struct pol_program prog;
	struct errmsg em = {};
	struct pol_endpoint eps[MAX_EPS];
	int err;

	gen_round(&r, d->seed, round);
	world_load(f, &r);
	err = fx_policy_prog(f, r.n_pols ? r.text : NULL, &prog, &em);
	if (err) {
		d->failures++;
		print_message("DIFF FAILURE: round %d (HYP_DIFF_SEED=0x%llx HYP_DIFF_ROUND=%d): "
			      "the generated policies do not load (%d): %s\n%s\n",
			      round, (unsigned long long)d->seed, round, err, em.msg, r.text);
		free(r.text);
		return;
	}
	if (fx_policy_table_is(f, &prog)) {
		d->failures++;
		print_message("DIFF FAILURE: round %d (HYP_DIFF_SEED=0x%llx HYP_DIFF_ROUND=%d): the "
			      "incrementally written table is not the compiled program\n",
			      round, (unsigned long long)d->seed, round);
	}
	if (check_cache(f, r.n_pols ? r.text : NULL, &prog)) {
		d->failures++;
		print_message("DIFF FAILURE: round %d (HYP_DIFF_SEED=0x%llx HYP_DIFF_ROUND=%d): "
			      "the documents from the parsed-document cache compile to another "
			      "program\n",
			      round, (unsigned long long)d->seed, round);
	}
	for (size_t i = 0; i < f->n_eps; i++)
		eps[i] = (struct pol_endpoint){.name = f->eps[i].name,
					       .identity = f->eps[i].identity,
					       .ip = f->eps[i].ip,
					       .labels = &f->eps[i].labels};
	for (int c = 0; c < DIFF_CASES; c++)
		run_case(d, &r, &prog, eps, round, c);
	pol_program_free(&prog);
	free(r.text);
}

static uint64_t env_u64(const char *name, uint64_t def)
{
	const char *s = getenv(name);

	return s && *s ? strtoull(s, NULL, 0) : def;
}

static void test_policy_diff_bpf_eval_model(void **state)
{
	struct diff d = {.f = *state};
	int rounds = (int)env_u64("HYP_DIFF_ROUNDS", DIFF_ROUNDS);
	const char *only = getenv("HYP_DIFF_ROUND");
	struct timespec t0, t1;

	d.seed = env_u64("HYP_DIFF_SEED", DIFF_SEED_DEFAULT);
	d.cnt_egr = fx_drops(d.f, HYP_DROP_POLICY_EGRESS);
	d.cnt_ing = fx_drops(d.f, HYP_DROP_POLICY_INGRESS);
	d.cnt_drop = fx_stat(d.f, HYP_STAT_DROP);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (only && *only)
		run_round(&d, atoi(only));
	else
		for (int i = 0; i < rounds; i++)
			run_round(&d, i);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	print_message("# seed 0x%llx: %ld cases (%ld allowed, %ld egress-denied, %ld "
		      "ingress-denied, %ld unknown-dst, %ld hairpin) in %.1f s, %ld failures\n",
		      (unsigned long long)d.seed, d.cases, d.allowed, d.egress, d.ingress,
		      d.unknown, d.hairpin,
		      (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
		      d.failures);
	if (d.failures)
		fail_msg("%ld of %ld cases disagree (seed 0x%llx)", d.failures, d.cases,
			 (unsigned long long)d.seed);
	/* a run that never allows or never denies either way proves little */
	if (only && *only)
		return;
	assert_true(d.allowed > d.cases / 20);
	assert_true(d.egress > d.cases / 50);
	assert_true(d.ingress > d.cases / 50);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_policy_diff_bpf_eval_model),
	};

	return fx_main("bpf_policy_diff", tests, sizeof(tests) / sizeof(tests[0]));
}
