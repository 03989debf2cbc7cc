// SPDX-License-Identifier: GPL-2.0-only
/*
 * Bridge port, inspection: a TCP segment that comes past a gap waits
 * (bpf/lib/inspect.h, gap_wait) for another CPU to walk the bytes before
 * it, as happens when the sender's stack hands a veth two segments from
 * two CPUs. Two threads on two CPUs: the segment past the gap runs on one
 * and waits; the other sees the waiting flag in the flow's entry and
 * sends the missing bytes. The walk stays exact: the second half of a
 * pattern sent first is still found once the first half arrives (the
 * attack), and the benign twin passes. Needs two CPUs (skipped on one).
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>

#include "inspect_flow.h"

#define ATTEMPTS 60 /* a filler the scheduler held back past the wait: again (-j 2, load) */

struct filler {
	int prog_fd, ct_fd;
	struct hyp_ct_key key;
	const uint8_t *frame;
	size_t len;
	atomic_int ready; /* the filler runs on its CPU */
	atomic_int done;  /* the waiting segment's run returned */
	int saw_wait;	 /* the filler saw the waiting flag and sent */
	int verdict;
};

static void pin(int cpu)
{
	cpu_set_t s;

	CPU_ZERO(&s);
	CPU_SET(cpu, &s);
	pthread_setaffinity_np(pthread_self(), sizeof(s), &s);
}

static int run_frame(int fd, const uint8_t *in, size_t len)
{
	uint8_t out[FX_FRAME_MAX];
	struct __sk_buff ctx = {.ifindex = FX_PORT};
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in, .data_size_in = (uint32_t)len,
		    .data_out = out, .data_size_out = sizeof(out), .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = 1);

	if (bpf_prog_test_run_opts(fd, &o))
		return -1;
	return (int)o.retval;
}

/* Polls the flow's entry until a CPU waits for its gap, then sends the
 * missing bytes (no cmocka asserts here: the main thread checks). */
static void *fill(void *arg)
{
	struct filler *fl = arg;
	struct hyp_ct_val v;

	pin(1);
	atomic_store(&fl->ready, 1);
	while (!atomic_load(&fl->done)) {
		if (bpf_map_lookup_elem(fl->ct_fd, &fl->key, &v) || !(v.walking & HYP_CT_W_GAP_ORIG))
			continue;
		fl->saw_wait = 1;
		fl->verdict = run_frame(fl->prog_fd, fl->frame, fl->len);
		break;
	}
	return NULL;
}

/*
 * One attempt on a new flow: first (7 bytes) is missing when second comes;
 * returns second's verdict, or -1 when the filler did not get to send while
 * it waited (the attempt shows nothing).
 */
static int gap_attempt(struct fixture *f, uint16_t sport, const char *first, const char *second)
{
	static const struct seg none;
	uint8_t a[FX_FRAME_MAX], b[FX_FRAME_MAX];
	struct filler fl = {.prog_fd = fx_port_fd(f), .ct_fd = FX_FD(f, hyp_ct), .frame = a};
	struct tflow t;
	pthread_t th;
	int v;

	open_flow(f, &t, sport, NULL, NULL);
	fl.key = fx_ct_key(IP_A, IP_B, IPPROTO_TCP_, sport, 80);
	fl.len = build(f, a, t.a, t.b, sport, 80, t.seq[0], t.seq[1], first, &none);
	size_t n = build(f, b, t.a, t.b, sport, 80, t.seq[0] + (uint32_t)strlen(first), t.seq[1],
			 second, &none);
	fx_bind(f, t.a);
	assert_int_equal(pthread_create(&th, NULL, fill, &fl), 0);
	while (!atomic_load(&fl.ready))
		sched_yield();
	v = run_frame(fl.prog_fd, b, n);
	atomic_store(&fl.done, 1);
	pthread_join(th, NULL);
	print_message("# attempt %u: filler %s (verdict %d), waiting segment verdict %d\n", sport,
		      fl.saw_wait ? "sent" : "did not send", fl.verdict, v);
	if (!fl.saw_wait || v == TC_ACT_SHOT)
		usleep(70000); /* the CPU earns back the waiting time it spent */
	if (!fl.saw_wait)
		return -1;
	assert_int_equal(fl.verdict, TC_ACT_REDIRECT); /* the missing bytes pass */
	return v == TC_ACT_SHOT ? -1 : v;	       /* the wait ran out: try again */
}

static int two_cpus(void)
{
	if (libbpf_num_possible_cpus() >= 2 && sysconf(_SC_NPROCESSORS_ONLN) >= 2)
		return 1;
	print_message("# one CPU: the filler cannot run while the segment waits\n");
	return 0;
}

/*
 * The attack: "string" sent before "attack-". It waits, "attack-" is
 * walked, then "string" from the state "attack-" left: blocked (a reset
 * goes out instead of it).
 */
static void test_gap_split_pattern_found(void **state)
{
	struct fixture *f = *state;
	uint64_t match = fx_drops(f, HYP_DROP_INSPECT_MATCH);
	int i, v = -1;

	if (!two_cpus())
		skip();
	fx_inspect(f, db_drop, NULL, NULL);
	pin(0);
	for (i = 0; i < ATTEMPTS && v < 0; i++)
		v = gap_attempt(f, (uint16_t)(SPORT + i), "attack-", "string");
	assert_int_equal(v, TC_ACT_REDIRECT);
	assert_int_equal(fx_drops(f, HYP_DROP_INSPECT_MATCH), match + 1);
}

/* The twin: "strinG" before "attack-": both pass, in the receiver's order. */
static void test_gap_benign_passes(void **state)
{
	struct fixture *f = *state;
	uint64_t match = fx_drops(f, HYP_DROP_INSPECT_MATCH), ooo;
	struct hyp_ct_key k;
	struct hyp_ct_val ct;
	int i, v = -1;

	if (!two_cpus())
		skip();
	fx_inspect(f, db_drop, NULL, NULL);
	pin(0);
	ooo = fx_drops(f, HYP_DROP_INSPECT_OOO);
	for (i = 0; i < ATTEMPTS && v < 0; i++)
		v = gap_attempt(f, (uint16_t)(SPORT + 100 + i), "attack-", "strinG");
	assert_int_equal(v, TC_ACT_REDIRECT);
	assert_int_equal(fx_drops(f, HYP_DROP_INSPECT_MATCH), match);
	assert_int_equal(fx_drops(f, HYP_DROP_INSPECT_OOO) - ooo, i - 1); /* not this one */
	/* the flow goes on after both, and its flags are clear */
	k = fx_ct_key(IP_A, IP_B, IPPROTO_TCP_, (uint16_t)(SPORT + 100 + i - 1), 80);
	assert_int_equal(fx_ct_get(f, &k, &ct), 0);
	assert_int_equal(ct.walking, 0);
	assert_int_equal(ct.seq[0], 1001 + 13);
}

/*
 * Nobody sends the missing bytes: the segment is dropped after the wait
 * (out of order), and a second segment past the same gap is dropped too.
 */
static void test_gap_not_filled_dropped(void **state)
{
	struct fixture *f = *state;
	struct tflow t;

	fx_inspect(f, db_drop, NULL, NULL);
	open_flow(f, &t, SPORT + 200, NULL, NULL);
	t.seq[0] += 7;
	send_seg(f, &t, 0, "string", NULL, HYP_DROP_INSPECT_OOO);
	send_seg(f, &t, 0, "string", NULL, HYP_DROP_INSPECT_OOO);
	t.seq[0] -= 7;
	send_seg(f, &t, 0, "attack-", NULL, 0);
	send_blocked(f, &t, "string");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    FX_TEST(test_gap_split_pattern_found),
	    FX_TEST(test_gap_benign_passes),
	    FX_TEST(test_gap_not_filled_dropped),
	};

	return fx_main("bpf_inspect_gap", tests, sizeof(tests) / sizeof(tests[0]));
}
