// SPDX-License-Identifier: GPL-2.0-only
/*
 * Bridge port, inspection state (bpf/lib/inspect.h, inspect_walk.h, and
 * the loads of src/backend/emu_inspect.c): alerts per pattern that do not
 * stop the walk, walks that go on across loads that do not change the
 * endpoint's patterns, one CPU at a time per direction, and a flow whose
 * state is lost or stale failing closed. Each with its twin.
 */
#include "inspect_flow.h"

/* ---- alerts ---- */

struct events {
	int n, alerts, drops;
	uint32_t pattern[8];
};

static int on_event(const struct hyp_inspect_alert *a, void *ctx)
{
	struct events *e = ctx;

	if (e->n < 8)
		e->pattern[e->n] = a->pattern;
	e->n++;
	e->alerts += a->action == HYP_INSPECT_ALERT;
	e->drops += a->action == HYP_INSPECT_DROP;
	return 0;
}

static struct events events(struct fixture *f)
{
	struct events e = {};

	emu_inspect_events(&f->emu, on_event, &e);
	return e;
}

/*
 * An alert pattern does not stop the walk: a drop pattern later in the
 * same segment is found, and both are reported. The twin: the alert
 * pattern with a benign rest passes, reported once.
 */
static void test_ev_alert_then_drop(void **state)
{
	struct fixture *f = *state;
	struct events ev;
	struct tflow t;

	fx_map_flush(FX_FD(f, hyp_alerts), sizeof(struct hyp_alert_key));
	fx_inspect(f, db_alert_and_drop, NULL, NULL);
	events(f);
	open_flow(f, &t, SPORT, NULL, NULL);
	send_blocked(f, &t, "GET /alert-one then attack-string");
	ev = events(f);
	assert_int_equal(ev.alerts, 1);
	assert_int_equal(ev.drops, 1);
	assert_int_equal(ev.pattern[0], 1); /* alert-one */
	assert_int_equal(ev.pattern[1], 3); /* attack-string */
	open_flow(f, &t, SPORT + 1, NULL, NULL);
	send_seg(f, &t, 0, "GET /alert-one then attack-strin", NULL, 0);
	ev = events(f);
	assert_int_equal(ev.n, 1);
	assert_int_equal(ev.alerts, 1);
}

/*
 * Alerts are per pattern: two patterns, two events; the same pattern
 * again (in the same segment or the next) within the interval, none. Once
 * the interval has passed (its timestamp aged here), it is reported again.
 */
static void test_ev_alerts_per_pattern(void **state)
{
	struct fixture *f = *state;
	struct hyp_alert_key k, next, *prev = NULL;
	int fd = FX_FD(f, hyp_alerts);
	uint64_t old = 1;
	struct events ev;
	struct tflow t;

	fx_map_flush(fd, sizeof(struct hyp_alert_key));
	fx_inspect(f, db_alert_and_drop, NULL, NULL);
	events(f);
	open_flow(f, &t, SPORT, NULL, NULL);
	send_seg(f, &t, 0, "alert-one alert-one alert-two", NULL, 0);
	ev = events(f);
	assert_int_equal(ev.alerts, 2);
	assert_int_equal(ev.pattern[0], 1);
	assert_int_equal(ev.pattern[1], 2);
	send_seg(f, &t, 0, "alert-two, and alert-one", NULL, 0);
	assert_int_equal(events(f).n, 0);
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		k = next;
		prev = &k;
		assert_int_equal(bpf_map_update_elem(fd, &k, &old, BPF_EXIST), 0);
	}
	send_seg(f, &t, 0, "alert-one", NULL, 0);
	ev = events(f);
	assert_int_equal(ev.alerts, 1);
	assert_int_equal(ev.pattern[0], 1);
}

/* ---- inspection state across changes ---- */

/*
 * A SNIC added between two segments of a split pattern (the daemon
 * reloads every endpoint's tables): b's compiled set did not change, so
 * its automaton keeps its rows and number and the walk goes on: the
 * pattern is found. The twin: the same split missed by one byte passes.
 */
static void test_ev_snic_add_keeps_walk(void **state)
{
	struct fixture *f = *state;
	uint32_t base[4], base2[4];
	struct tflow t, u;

	assert_int_equal(fx_inspect(f, db_drop, base, NULL), 1);
	open_flow(f, &t, SPORT, NULL, NULL);
	open_flow(f, &u, SPORT + 1, NULL, NULL);
	send_seg(f, &t, 0, "attack-", NULL, 0);
	send_seg(f, &u, 0, "attack-", NULL, 0);
	fx_add_ep(f, "new", 0x0af00010u, 300, "app=new");
	assert_int_equal(fx_inspect(f, db_drop, base2, NULL), 1);
	assert_int_equal(base2[0], base[0]);
	send_blocked(f, &t, "string");
	send_seg(f, &u, 0, "strinG", NULL, 0);
}

/*
 * One CPU at a time walks a direction of a flow: a segment that comes
 * while another CPU walks it waits for that walk, and is never walked
 * from a state the other walk has not written yet. Here the flag is set
 * as that CPU would set it and never cleared: the wait runs out and the
 * segment is dropped. The twin: the flag cleared, the segment passes.
 */
static void test_ev_concurrent_walk(void **state)
{
	struct fixture *f = *state;
	struct hyp_ct_key k = fx_ct_key(IP_A, IP_B, IPPROTO_TCP_, SPORT, 80);
	struct hyp_ct_val v;
	struct tflow t;

	fx_inspect(f, db_drop, NULL, NULL);
	open_flow(f, &t, SPORT, NULL, NULL);
	assert_int_equal(fx_ct_get(f, &k, &v), 0);
	v.walking = HYP_CT_W_ORIG;
	fx_ct_put(f, &k, &v);
	send_seg(f, &t, 0, "attack-", NULL, HYP_DROP_INSPECT_BUSY);
	ack_from_b(f, &t, 0); /* the other direction is not held up */
	assert_int_equal(fx_ct_get(f, &k, &v), 0);
	v.walking = 0;
	fx_ct_put(f, &k, &v);
	send_seg(f, &t, 0, "attack-", NULL, 0);
	send_blocked(f, &t, "string");
}

/*
 * The flow's state is lost (its conntrack entry gone: collected, or
 * evicted): its next data segment is dropped, never walked from nothing.
 * The twin: a flow that keeps its entry passes the same segment.
 */
static void test_ev_state_lost(void **state)
{
	struct fixture *f = *state;
	struct hyp_ct_key k = fx_ct_key(IP_A, IP_B, IPPROTO_TCP_, SPORT, 80);
	struct tflow t, u;

	fx_inspect(f, db_drop, NULL, NULL);
	open_flow(f, &t, SPORT, NULL, NULL);
	open_flow(f, &u, SPORT + 1, NULL, NULL);
	send_seg(f, &t, 0, "attack-", NULL, 0);
	send_seg(f, &u, 0, "attack-", NULL, 0);
	fx_ct_del(f, &k);
	send_seg(f, &t, 0, "string", NULL, HYP_DROP_CT_INVALID);
	send_seg(f, &u, 0, "strinG", NULL, 0);
}

/*
 * Inspection off, then on again for a running flow: the bytes in between
 * were not walked, so what was tracked of the direction is forgotten and
 * the walk starts again at the next segment (not a gap from the old
 * position: that would drop every segment). The pattern is found after.
 */
static void test_ev_inspection_back(void **state)
{
	struct fixture *f = *state;
	struct tflow t;

	fx_inspect(f, db_drop, NULL, NULL);
	open_flow(f, &t, SPORT, NULL, NULL);
	send_seg(f, &t, 0, "hello", NULL, 0);
	fx_inspect(f, "", NULL, NULL);
	send_seg(f, &t, 0, "attack-string, not inspected", NULL, 0);
	fx_inspect(f, db_drop, NULL, NULL);
	send_seg(f, &t, 0, "benign", NULL, 0);
	send_blocked(f, &t, "attack-string");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    FX_TEST(test_ev_alert_then_drop),	  FX_TEST(test_ev_alerts_per_pattern),
	    FX_TEST(test_ev_snic_add_keeps_walk), FX_TEST(test_ev_concurrent_walk),
	    FX_TEST(test_ev_state_lost),	  FX_TEST(test_ev_inspection_back),
	};

	return fx_main("bpf_inspect_state", tests, sizeof(tests) / sizeof(tests[0]));
}
