// SPDX-License-Identifier: GPL-2.0-only
/*
 * Bridge port, the interleaved DFA walk (bpf/lib/inspect_walk.h,
 * walk_fast): a long payload is cut into WALK_K segments walked at once,
 * segment k starting from the start state `longest pattern - 1` bytes
 * before its own bytes. Matches must stay exact: a pattern across every
 * segment boundary (and across the start of every segment's walk, in its
 * overlap), at the first and last byte, in the bytes after the full
 * steps, and across two long segments of the flow is found; the twin
 * with one byte changed passes. Then random payloads over the pattern's
 * own letters (near-matches everywhere) against strstr.
 */
#include "inspect_flow.h"

#define PAT	"attack-string" /* db_drop's pattern */
#define PLEN	13
#define OV	(PLEN - 1)
#define K	4    /* WALK_K */
#define N_LONG	1402 /* payload bytes: (1402 - 12) / 4 = 347 per segment, 2 after */

static uint16_t next_port = 30000;

/* One flow, one payload segment: blocked (reset) or forwarded. */
static void one_segment(struct fixture *f, const char *payload, int blocked)
{
	struct tflow t;

	open_flow(f, &t, next_port++, NULL, NULL);
	if (blocked)
		send_blocked(f, &t, payload);
	else
		send_seg(f, &t, 0, payload, NULL, 0);
}

static void with_pattern_at(char *buf, size_t n, size_t at, char last)
{
	memset(buf, 'z', n);
	buf[n] = 0;
	memcpy(buf + at, PAT, PLEN);
	buf[at + PLEN - 1] = last;
}

/* The pattern over every place the segments meet, and its twin. */
static void test_fast_boundaries(void **state)
{
	struct fixture *f = *state;
	size_t seg = (N_LONG - OV) / K, at[32], na = 0;
	char buf[N_LONG + 1];

	fx_inspect(f, db_drop, NULL, NULL);
	at[na++] = 0;
	at[na++] = N_LONG - PLEN;	       /* ends on the last byte (in the tail) */
	at[na++] = K * seg + OV - PLEN + 1;    /* ends on the first tail byte */
	for (size_t k = 1; k < K; k++) {
		size_t walk = k * seg, own = k * seg + OV;

		at[na++] = walk - PLEN + 1; /* ends on segment k's first walked byte */
		at[na++] = walk - 6;	    /* across where segment k starts walking */
		at[na++] = own - PLEN;	    /* ends just before segment k's own bytes */
		at[na++] = own - PLEN + 1;  /* ends on its first own byte */
		at[na++] = own - 6;	    /* across the boundary */
		at[na++] = own;		    /* starts on it */
	}
	for (size_t i = 0; i < na; i++) {
		print_message("# pattern at %zu of %d\n", at[i], N_LONG);
		with_pattern_at(buf, N_LONG, at[i], 'g');
		one_segment(f, buf, 1);
		with_pattern_at(buf, N_LONG, at[i], 'X');
		one_segment(f, buf, 0);
	}
}

/* Split across two long segments of the flow: the last segment's state
 * goes back to the flow, the next packet's first segment goes on from it. */
static void test_fast_across_packets(void **state)
{
	struct fixture *f = *state;
	char a[N_LONG + 1], b[N_LONG + 1];
	struct tflow t;

	fx_inspect(f, db_drop, NULL, NULL);
	memset(a, 'z', N_LONG);
	a[N_LONG] = 0;
	memcpy(a + N_LONG - 7, "attack-", 7);
	memset(b, 'z', N_LONG);
	b[N_LONG] = 0;
	memcpy(b, "string", 6);
	open_flow(f, &t, next_port++, NULL, NULL);
	send_seg(f, &t, 0, a, NULL, 0);
	send_blocked(f, &t, b);
	/* twin: the second half one byte off */
	b[0] = 'S';
	open_flow(f, &t, next_port++, NULL, NULL);
	send_seg(f, &t, 0, a, NULL, 0);
	send_seg(f, &t, 0, b, NULL, 0);
}

/* Random payloads of the pattern's letters, lengths across the fast
 * path's thresholds: blocked exactly when strstr finds the pattern. */
static void test_fast_random_vs_strstr(void **state)
{
	static const char abc[] = "attack-string";
	struct fixture *f = *state;
	char buf[N_LONG + 1];
	unsigned seed = 1616, found = 0;

	fx_inspect(f, db_drop, NULL, NULL);
	for (int i = 0; i < 160; i++) {
		size_t n = 40 + (size_t)(rand_r(&seed) % (N_LONG - 40));
		int hit;

		for (size_t j = 0; j < n; j++)
			buf[j] = abc[rand_r(&seed) % (sizeof(abc) - 1)];
		buf[n] = 0;
		if (i % 3 == 0) /* a third carry the pattern at a random place */
			memcpy(buf + rand_r(&seed) % (n - PLEN), PAT, PLEN);
		hit = strstr(buf, PAT) != NULL;
		found += (unsigned)hit;
		one_segment(f, buf, hit);
	}
	print_message("# %u of 160 random payloads carried the pattern\n", found);
	assert_true(found >= 40 && found < 160);
}

/* b's and c's patterns: two automata side by side in the compact table. */
static const char *const db_and_api =
    "metadata: {name: db-drop}\n" DOC_HEAD "  action: drop\n"
    "  patterns: [{pattern: attack-string}]\n"
    "---\n"
    "metadata: {name: api-drop}\n"
    "apiVersion: hyperion.io/v1\n"
    "kind: InspectionPolicy\n"
    "spec:\n"
    "  podSelector: {matchLabels: {app: api}}\n"
    "  direction: ingress\n"
    "  action: drop\n"
    "  patterns: [{pattern: ZEBRA.crossing_9}, {pattern: '\\xff\\x01q'}]\n";

/* A long payload to dst with pat across segments 1 and 2. */
static void long_to(struct fixture *f, int dst, const char *pat, int blocked)
{
	size_t seg = (N_LONG - OV) / K, at = 2 * seg + OV - 5;
	char buf[N_LONG + 1];
	struct tflow t;

	memset(buf, 'z', N_LONG);
	buf[N_LONG] = 0;
	memcpy(buf + at, pat, strlen(pat));
	open_flow_to(f, &t, dst, next_port++, NULL, NULL);
	if (blocked)
		send_blocked(f, &t, buf);
	else
		send_seg(f, &t, 0, buf, NULL, 0);
}

/* Each endpoint's automaton finds its own patterns only: no cross-talk
 * between automata sharing the compact table (class maps, rows). */
static void test_fast_two_automata(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(fx_inspect(f, db_and_api, NULL, NULL), 2);
	long_to(f, EP_B, PAT, 1);
	long_to(f, EP_B, "ZEBRA.crossing_9", 0);
	long_to(f, EP_B, "\xff\x01q", 0);
	long_to(f, EP_C, "ZEBRA.crossing_9", 1);
	long_to(f, EP_C, "\xff\x01q", 1);
	long_to(f, EP_C, PAT, 0);
	/* a byte of no pattern's class in the middle: no match */
	long_to(f, EP_C, "ZEBRA.cros\x80sing_9", 0);
	long_to(f, EP_C, "\xff\x02q", 0);
}

/*
 * The automaton is replaced (a new pattern: new rows, a new gen) while a
 * flow holds a state of the old one: the flow restarts in the new one
 * (what was walked before the switch is not matched against the new
 * automaton), long payloads are walked fast in the new one, and the old
 * one's flows that did not walk since stay right.
 */
static void test_fast_switch_keeps_flows(void **state)
{
	static const char *const db_two = "metadata: {name: db-drop}\n" DOC_HEAD
					  "  action: drop\n"
					  "  patterns: [{pattern: attack-string}, {pattern: newpattern}]\n";
	struct fixture *f = *state;
	char a[N_LONG + 1], b[N_LONG + 1];
	struct tflow t, u;

	fx_inspect(f, db_drop, NULL, NULL);
	memset(a, 'z', N_LONG);
	a[N_LONG] = 0;
	memcpy(a + N_LONG - 7, "attack-", 7);
	memset(b, 'z', N_LONG);
	b[N_LONG] = 0;
	memcpy(b, "string", 6);
	open_flow(f, &t, next_port++, NULL, NULL);
	send_seg(f, &t, 0, a, NULL, 0);
	fx_inspect(f, db_two, NULL, NULL);
	/* restarted in the new automaton: half a pattern from before is gone */
	send_seg(f, &t, 0, b, NULL, 0);
	memcpy(b + 700, "newpattern", 10);
	send_blocked(f, &t, b);
	/* a new flow: both patterns, fast, across the segments */
	long_to(f, EP_B, "newpattern", 1);
	long_to(f, EP_B, PAT, 1);
	/* the same flow again in the next automaton's gen: walked from its start */
	open_flow(f, &u, next_port++, NULL, NULL);
	send_seg(f, &u, 0, a, NULL, 0);
	send_blocked(f, &u, b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    FX_TEST(test_fast_boundaries),
	    FX_TEST(test_fast_across_packets),
	    FX_TEST(test_fast_random_vs_strstr),
	    FX_TEST(test_fast_two_automata),
	    FX_TEST(test_fast_switch_keeps_flows),
	};

	return fx_main("bpf_inspect_fast", tests, sizeof(tests) / sizeof(tests[0]));
}
