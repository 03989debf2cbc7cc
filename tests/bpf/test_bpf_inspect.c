// SPDX-License-Identifier: GPL-2.0-only
/*
 * Bridge port, payload inspection stage (bpf/lib/inspect.h): the DFA walk
 * keeps its state per flow direction in conntrack, so a pattern split
 * across TCP segments (or UDP datagrams) is found; the tables are built
 * and switched by the daemon's code (InspectionPolicy documents,
 * insp_dfa_build, emu_inspect_load into the inactive half).
 *
 * What the product guarantees across a table switch (inspect_slot(): "the
 * rule set changed halves: every walk of this flow restarts"; the load
 * bumps the policy revision so flows re-read which inspections they pay
 * for): at the first packet after a switch every walk of the flow starts
 * over in the new table, so the new patterns apply from there on, the old
 * ones no longer do, and a pattern split across the switch is not found.
 * The tests check exactly that, and that a walk never continues in rows
 * that are not its endpoint's current DFA.
 */
#include "fixture.h"

#define SPORT 40000

static const char *db_drop_attack = "apiVersion: hyperion.io/v1\n"
				    "kind: InspectionPolicy\n"
				    "metadata: {name: db-in}\n"
				    "spec:\n"
				    "  podSelector: {matchLabels: {app: db}}\n"
				    "  direction: ingress\n"
				    "  action: drop\n"
				    "  patterns:\n"
				    "  - pattern: attack-string\n";

struct tcp_flow {
	int a, b; /* initiator, responder */
	uint16_t sport, dport;
	uint32_t seq[2]; /* next sequence number from a, from b */
};

static void expect(struct fixture *f, int src, const uint8_t *in, size_t len, int dst, int want)
{
	if (want)
		fx_expect_drop(f, src, in, len, (uint32_t)want);
	else
		fx_expect_to(f, src, in, len, dst);
}

/* SYN, SYN-ACK, ACK: all forwarded. */
static void tcp_open(struct fixture *f, struct tcp_flow *t, int a, int b, uint16_t sport)
{
	uint8_t in[FX_FRAME_MAX];
	size_t len;

	*t = (struct tcp_flow){.a = a, .b = b, .sport = sport, .dport = 80};
	t->seq[0] = 1000;
	t->seq[1] = 9000;
	len = fx_tcp(f, in, a, f->eps[b].ip, sport, 80, TCP_SYN, t->seq[0]++, 0, NULL);
	fx_expect_to(f, a, in, len, b);
	len = fx_tcp(f, in, b, f->eps[a].ip, 80, sport, TCP_SYN | TCP_ACK, t->seq[1]++, t->seq[0],
		     NULL);
	fx_expect_to(f, b, in, len, a);
	len = fx_tcp(f, in, a, f->eps[b].ip, sport, 80, TCP_ACK, t->seq[0], t->seq[1], NULL);
	fx_expect_to(f, a, in, len, b);
}

/* A data segment from the initiator (rev 0) or the responder (rev 1). */
static size_t tcp_seg(struct fixture *f, struct tcp_flow *t, int rev, const char *data, uint8_t *in)
{
	int src = rev ? t->b : t->a, dst = rev ? t->a : t->b;
	size_t len =
	    fx_tcp(f, in, src, f->eps[dst].ip, rev ? t->dport : t->sport, rev ? t->sport : t->dport,
		   TCP_ACK | TCP_PSH, t->seq[rev], t->seq[!rev], data);

	t->seq[rev] += (uint32_t)strlen(data);
	return len;
}

static void seg(struct fixture *f, struct tcp_flow *t, int rev, const char *data, int want)
{
	uint8_t in[FX_FRAME_MAX];
	size_t len = tcp_seg(f, t, rev, data, in);

	print_message("# %s segment \"%.20s%s\": want %d\n", rev ? "reply" : "orig", data,
		      strlen(data) > 20 ? "..." : "", want);
	expect(f, rev ? t->b : t->a, in, len, rev ? t->a : t->b, want);
}

/* The segment completes a drop pattern: counted as inspect-match, both
 * ends get a RST; the one the program returns goes back to the sender. */
static void seg_blocked(struct fixture *f, struct tcp_flow *t, int rev, const char *data)
{
	uint8_t in[FX_FRAME_MAX], out[FX_FRAME_MAX];
	int src = rev ? t->b : t->a, dst = rev ? t->a : t->b;
	size_t len = tcp_seg(f, t, rev, data, in);
	uint64_t match = fx_drops(f, HYP_DROP_INSPECT_MATCH);
	uint32_t n;

	assert_int_equal(fx_send(f, src, in, len, out, &n), TC_ACT_REDIRECT);
	assert_int_equal(fx_drops(f, HYP_DROP_INSPECT_MATCH), match + 1);
	assert_int_equal(n, 54);
	assert_memory_equal(out, f->eps[src].mac, 6);
	assert_memory_equal(out + 6, f->eps[dst].mac, 6);
	assert_int_equal(out[14 + 20 + 13], TCP_RST | TCP_ACK);
}

static struct hyp_ct_val flow_ct(struct fixture *f, const struct tcp_flow *t)
{
	struct hyp_ct_key k =
	    fx_ct_key(f->eps[t->a].ip, f->eps[t->b].ip, IPPROTO_TCP_, t->sport, t->dport);
	struct hyp_ct_val v;

	assert_int_equal(fx_ct_get(f, &k, &v), 0);
	return v;
}

struct events {
	int n;
	struct hyp_inspect_alert last;
};

static int on_event(const struct hyp_inspect_alert *a, void *ctx)
{
	struct events *e = ctx;

	e->n++;
	e->last = *a;
	return 0;
}

static struct events events(struct fixture *f)
{
	struct events e = {};

	emu_inspect_events(&f->emu, on_event, &e);
	return e;
}

/* A 70-byte segment: "attack-" crosses the walk's 64-byte block boundary. */
#define PAD63 "...............................................................attack-"

static void test_insp_pattern_split_across_segments(void **state)
{
	struct fixture *f = *state;
	struct tcp_flow t, u;
	uint32_t base[4], states[4];
	struct hyp_ct_val v;
	struct events ev;

	events(f); /* drain */
	assert_int_equal(fx_inspect(f, db_drop_attack, base, states), 1);
	tcp_open(f, &t, EP_A, EP_B, SPORT);
	seg(f, &t, 0, PAD63, 0);
	v = flow_ct(f, &t);
	assert_true(v.insp & HYP_CT_I_ORIG_ING);
	/* the walk stopped in b's DFA, past its start state */
	assert_true(v.dfa[0] > base[0] + 1 && v.dfa[0] <= base[0] + states[0]);
	seg_blocked(f, &t, 0, "string, and more");
	ev = events(f);
	assert_int_equal(ev.n, 1);
	assert_int_equal(ev.last.identity, 257);
	assert_int_equal(ev.last.dir, HYP_DIR_INGRESS);
	assert_int_equal(ev.last.action, HYP_INSPECT_DROP);
	assert_int_equal(ev.last.offset, 6); /* just past "string" in this segment */
	/* the backend resolved the row to the pattern's id (the only one: 1) */
	assert_int_equal(ev.last.pattern, 1);
	/* the flow stays blocked, either way */
	seg(f, &t, 0, "harmless", HYP_DROP_INSPECT_BLOCKED);
	seg(f, &t, 1, "harmless", HYP_DROP_INSPECT_BLOCKED);

	/* twin: the same split with one byte off passes */
	tcp_open(f, &u, EP_A, EP_B, SPORT + 1);
	seg(f, &u, 0, PAD63, 0);
	seg(f, &u, 0, "strinG, and more", 0);
	seg(f, &u, 0, "attack-strin", 0);
	seg_blocked(f, &u, 0, "g");
}

static const char *db_drop_newpattern = "apiVersion: hyperion.io/v1\n"
					"kind: InspectionPolicy\n"
					"metadata: {name: db-in}\n"
					"spec:\n"
					"  podSelector: {matchLabels: {app: db}}\n"
					"  direction: ingress\n"
					"  action: drop\n"
					"  patterns:\n"
					"  - pattern: newpattern\n";

static const char *db_drop_attack_or_newpattern = "apiVersion: hyperion.io/v1\n"
						  "kind: InspectionPolicy\n"
						  "metadata: {name: db-in}\n"
						  "spec:\n"
						  "  podSelector: {matchLabels: {app: db}}\n"
						  "  direction: ingress\n"
						  "  action: drop\n"
						  "  patterns:\n"
						  "  - pattern: attack-string\n"
						  "  - pattern: newpattern\n";

/* web's egress patterns as well: exfiltrate-me needs as many states as
 * attack-string, so it fits the rows attack-string's automaton had */
static const char *web_out_and_db_in = "apiVersion: hyperion.io/v1\n"
				       "kind: InspectionPolicy\n"
				       "metadata: {name: web-out}\n"
				       "spec:\n"
				       "  podSelector: {matchLabels: {app: web}}\n"
				       "  direction: egress\n"
				       "  action: drop\n"
				       "  patterns:\n"
				       "  - pattern: exfiltrate-me\n"
				       "---\n"
				       "apiVersion: hyperion.io/v1\n"
				       "kind: InspectionPolicy\n"
				       "metadata: {name: db-in}\n"
				       "spec:\n"
				       "  podSelector: {matchLabels: {app: db}}\n"
				       "  direction: ingress\n"
				       "  action: drop\n"
				       "  patterns:\n"
				       "  - pattern: attack-string\n"
				       "  - pattern: newpattern\n";

/* UDP: the state is kept per flow direction as well. */
static void test_insp_pattern_split_across_datagrams(void **state)
{
	struct fixture *f = *state;
	uint8_t in[FX_FRAME_MAX];
	size_t len;

	fx_inspect(f, db_drop_attack, NULL, NULL);
	len = fx_udp(f, in, EP_A, IP_B, 5000, 53, "xx attack-");
	fx_expect_to(f, EP_A, in, len, EP_B);
	len = fx_udp(f, in, EP_A, IP_B, 5000, 53, "string xx");
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_INSPECT_MATCH);
	len = fx_udp(f, in, EP_A, IP_B, 5000, 53, "harmless");
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_INSPECT_BLOCKED);
	/* twin: another flow, the same datagrams without the split pattern */
	len = fx_udp(f, in, EP_A, IP_B, 5001, 53, "xx attack-");
	fx_expect_to(f, EP_A, in, len, EP_B);
	len = fx_udp(f, in, EP_A, IP_B, 5001, 53, "strinx xx");
	fx_expect_to(f, EP_A, in, len, EP_B);
}

/* Each direction has its own walk: half a pattern each way is no match. */
static void test_insp_directions_walk_apart(void **state)
{
	struct fixture *f = *state;
	struct tcp_flow t;

	fx_inspect(f,
		   "apiVersion: hyperion.io/v1\n"
		   "kind: InspectionPolicy\n"
		   "metadata: {name: both-in}\n"
		   "spec:\n"
		   "  podSelector:\n"
		   "    matchExpressions: [{key: app, operator: In, values: [web, db]}]\n"
		   "  direction: ingress\n"
		   "  action: drop\n"
		   "  patterns:\n"
		   "  - pattern: attack-string\n",
		   NULL, NULL);
	tcp_open(f, &t, EP_A, EP_B, SPORT);
	seg(f, &t, 0, "attack-", 0);
	seg(f, &t, 1, "string", 0);
	seg(f, &t, 1, "attack-", 0);
	seg_blocked(f, &t, 0, "string");
}

/*
 * The endpoint's compiled set did not change across a load (the same
 * documents loaded again, as every SNIC add and policy change reloads):
 * its automaton keeps its rows and its number, and the walk goes on, so
 * a pattern split across the load is found. The twin: the same split
 * missed by one byte passes.
 */
static void test_insp_same_set_keeps_walk(void **state)
{
	struct fixture *f = *state;
	uint32_t base[4], states[4], base2[4];
	struct hyp_ct_val v;
	struct tcp_flow t, u;

	assert_int_equal(fx_inspect(f, db_drop_attack, base, states), 1);
	tcp_open(f, &t, EP_A, EP_B, SPORT);
	tcp_open(f, &u, EP_A, EP_B, SPORT + 1);
	seg(f, &t, 0, "attack-", 0);
	seg(f, &u, 0, "attack-", 0);
	v = flow_ct(f, &t);
	assert_int_equal(fx_inspect(f, db_drop_attack, base2, NULL), 1);
	assert_int_equal(base2[0], base[0]);
	seg_blocked(f, &t, 0, "string");
	assert_int_equal(flow_ct(f, &u).dfa_gen[0], v.dfa_gen[0]);
	seg(f, &u, 0, "strinG", 0);
}

/*
 * The endpoint's own set changed: a new automaton in rows of its own, a
 * new number, and the walk restarts in it (a pattern split across the
 * change of the endpoint's own patterns is not found: the documented
 * rule); the saved state points into the new automaton, and a whole
 * pattern after the change is found.
 */
static void test_insp_changed_set_restarts_walk(void **state)
{
	struct fixture *f = *state;
	uint32_t base[4], states[4], gen;
	struct hyp_ct_val v;
	struct tcp_flow t;

	assert_int_equal(fx_inspect(f, db_drop_attack, base, states), 1);
	tcp_open(f, &t, EP_A, EP_B, SPORT);
	seg(f, &t, 0, "attack-", 0);
	gen = flow_ct(f, &t).dfa_gen[0];
	assert_int_equal(fx_inspect(f, db_drop_attack_or_newpattern, base, states), 1);
	seg(f, &t, 0, "string", 0);
	v = flow_ct(f, &t);
	assert_true(v.dfa_gen[0] > gen);
	assert_true(v.dfa[0] > base[0] && v.dfa[0] <= base[0] + states[0]);
	seg(f, &t, 0, "attack-", 0);
	seg_blocked(f, &t, 0, "string");
}

/* A NetworkPolicy change (no inspection change) between two segments: the
 * flow is re-checked and allowed, its walk goes on, the split is found. */
static void test_insp_policy_change_keeps_walk(void **state)
{
	struct fixture *f = *state;
	uint32_t rev;
	struct tcp_flow t;

	fx_inspect(f, db_drop_attack, NULL, NULL);
	tcp_open(f, &t, EP_A, EP_B, SPORT);
	seg(f, &t, 0, "attack-", 0);
	rev = fx_config(f).policy_rev;
	fx_policy(f, "apiVersion: networking.k8s.io/v1\n"
		     "kind: NetworkPolicy\n"
		     "metadata: {name: db-80}\n"
		     "spec:\n"
		     "  podSelector: {matchLabels: {app: db}}\n"
		     "  ingress:\n"
		     "  - ports: [{protocol: TCP, port: 80}]\n");
	assert_int_equal(fx_config(f).policy_rev, rev + 1);
	seg_blocked(f, &t, 0, "string");
	assert_int_equal(flow_ct(f, &t).rev, rev + 1);
}

/* After a switch the new patterns apply to a running flow, the old ones not. */
static void test_insp_switch_new_patterns_apply(void **state)
{
	struct fixture *f = *state;
	struct tcp_flow t;

	fx_inspect(f, db_drop_attack, NULL, NULL);
	tcp_open(f, &t, EP_A, EP_B, SPORT);
	seg(f, &t, 0, "hello", 0);
	fx_inspect(f, db_drop_newpattern, NULL, NULL);
	seg(f, &t, 0, "attack-string", 0);
	seg(f, &t, 0, "newpat", 0);
	seg_blocked(f, &t, 0, "tern");
}

/* A flow that started uninspected is inspected from its first packet after
 * the load (the revision bump re-reads its inspections); and no longer once
 * the endpoint's patterns are gone. */
static void test_insp_load_reaches_running_flows(void **state)
{
	struct fixture *f = *state;
	struct tcp_flow t, u;

	tcp_open(f, &t, EP_A, EP_B, SPORT);
	seg(f, &t, 0, "attack-string", 0);
	assert_int_equal(flow_ct(f, &t).insp, 0);
	fx_inspect(f, db_drop_attack, NULL, NULL);
	seg(f, &t, 0, "attack-", 0);
	assert_true(flow_ct(f, &t).insp & HYP_CT_I_ORIG_ING);
	seg_blocked(f, &t, 0, "string");

	tcp_open(f, &u, EP_A, EP_B, SPORT + 1);
	seg(f, &u, 0, "attack-", 0);
	fx_inspect(f, "", NULL, NULL);
	seg(f, &u, 0, "attack-string", 0);
	assert_int_equal(flow_ct(f, &u).insp, 0);
}

/*
 * The rows of an automaton no endpoint uses any more are taken by another
 * endpoint's automaton; a flow whose walk was in the old one must not go
 * on in the rows it left behind. b's set changes (attack-string becomes
 * attack-string + newpattern, in new rows), then web's egress set takes
 * the freed rows of b's first automaton; the flow's saved row is now a
 * row of web's automaton, under another number: the walk restarts in b's
 * current automaton and a whole pattern in the next segment is found.
 *
 * This is the evasion the automaton's number closes: walking on from the
 * saved row would walk web's egress patterns and never see b's again.
 */
static void test_insp_freed_rows_reused(void **state)
{
	uint32_t base[4], states[4], base1, states1;
	struct fixture *f = *state;
	struct hyp_ct_val v;
	struct tcp_flow t;

	assert_int_equal(fx_inspect(f, db_drop_attack, base, states), 1);
	base1 = base[0];
	states1 = states[0];
	tcp_open(f, &t, EP_A, EP_B, SPORT);
	seg(f, &t, 0, "attack-", 0);
	v = flow_ct(f, &t);
	assert_true(v.dfa[0] > base1 && v.dfa[0] <= base1 + states1);
	fx_inspect(f, db_drop_attack_or_newpattern, NULL, NULL);
	assert_int_equal(fx_inspect(f, web_out_and_db_in, base, states), 2);
	/* web's egress (identity 256) first: in b's old rows; b's after them */
	assert_int_equal(base[0], base1);
	assert_true(base[1] >= base1 + states1);
	seg_blocked(f, &t, 0, "attack-string");
	v = flow_ct(f, &t);
	assert_true(v.dfa[0] > base[1] && v.dfa[0] <= base[1] + states[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    FX_TEST(test_insp_pattern_split_across_segments),
	    FX_TEST(test_insp_pattern_split_across_datagrams),
	    FX_TEST(test_insp_directions_walk_apart),
	    FX_TEST(test_insp_same_set_keeps_walk),
	    FX_TEST(test_insp_changed_set_restarts_walk),
	    FX_TEST(test_insp_switch_new_patterns_apply),
	    FX_TEST(test_insp_policy_change_keeps_walk),
	    FX_TEST(test_insp_load_reaches_running_flows),
	    FX_TEST(test_insp_freed_rows_reused),
	};

	return fx_main("bpf_inspect", tests, sizeof(tests) / sizeof(tests[0]));
}
