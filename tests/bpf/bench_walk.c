// SPDX-License-Identifier: GPL-2.0-only
/*
 * Not a test: the cost of the inspection walk per payload byte, from
 * BPF_PROG_TEST_RUN (repeat = R, the same UDP datagram of 1400 bytes a -> b
 * port 53, walked whole every run), with 1000 random 8-16 byte
 * alphanumeric patterns on b's ingress (the generator of bench/run's
 * hyperion-inspect-N), minus the same datagram with no patterns:
 *
 *   make build/tests/bench_walk && build/tests/bench_walk [R]
 *
 * Prints ns per run for no patterns, a benign payload (random bytes) and
 * an adversarial one (every pattern minus its last byte, then '.'), and
 * the walk's ns per byte.
 */
#include "fixture.h"

#define NPAT 1000
#define PLEN 1400

static unsigned reps = 2000;

static double run_ns(struct fixture *f, const uint8_t *in, size_t len)
{
	uint8_t out[FX_FRAME_MAX];
	struct __sk_buff ctx = {.ifindex = FX_PORT};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = in, .data_size_in = (uint32_t)len,
		    .data_out = out, .data_size_out = sizeof(out), .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = reps);
	double best = 1e18;

	f->guard_on = false; /* repeat runs the same skb: the stamp is rewritten */
	fx_bind(f, EP_A);
	for (int i = 0; i < 5; i++) { /* best of 5: the machine is shared */
		assert_int_equal(bpf_prog_test_run_opts(fx_port_fd(f), &opts), 0);
		if (opts.retval == TC_ACT_SHOT)
			for (uint32_t r = 0; r < __HYP_DROP_MAX; r++)
				if (fx_drops(f, r))
					print_message("# dropped: reason %u x %llu\n", r,
						      (unsigned long long)fx_drops(f, r));
		assert_int_not_equal(opts.retval, TC_ACT_SHOT);
		if (opts.duration < best)
			best = opts.duration;
	}
	return best;
}

static void test_walk_cost(void **state)
{
	struct fixture *f = *state;
	static char doc[NPAT * 24 + 512], pats[NPAT][17], benign[PLEN + 1], adv[PLEN + 1];
	static const char an[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	uint8_t in[FX_FRAME_MAX];
	unsigned seed = 16;
	size_t len, n = 0, a = 0;
	double none, ben, bad;

	n = (size_t)snprintf(doc, sizeof(doc),
			     "apiVersion: hyperion.io/v1\nkind: InspectionPolicy\n"
			     "metadata: {name: walk}\nspec:\n"
			     "  podSelector: {matchLabels: {app: db}}\n"
			     "  direction: ingress\n  action: drop\n  patterns:\n");
	for (int i = 0; i < NPAT; i++) {
		int l = 8 + (int)(rand_r(&seed) % 9);

		for (int j = 0; j < l; j++)
			pats[i][j] = an[rand_r(&seed) % (sizeof(an) - 1)];
		pats[i][l] = 0;
		n += (size_t)snprintf(doc + n, sizeof(doc) - n, "  - pattern: \"%s\"\n", pats[i]);
	}
	for (int j = 0; j < PLEN; j++)
		benign[j] = (char)(1 + rand_r(&seed) % 255);
	for (int i = 0; a < PLEN; i = (i + 1) % NPAT) {
		size_t l = strlen(pats[i]) - 1;

		for (size_t j = 0; j < l && a < PLEN; j++)
			adv[a++] = pats[i][j];
		if (a < PLEN)
			adv[a++] = '.';
	}
	len = fx_udp(f, in, EP_A, IP_B, 5000, 53, benign);
	none = run_ns(f, in, len);
	fx_inspect(f, doc, NULL, NULL);
	ben = run_ns(f, in, len);
	len = fx_udp(f, in, EP_A, IP_B, 5001, 53, adv);
	bad = run_ns(f, in, len);
	printf("# walk of %d bytes, %d patterns, repeat %u (best of 5)\n", PLEN, NPAT, reps);
	printf("no patterns  %8.0f ns/run\n", none);
	printf("benign       %8.0f ns/run  %.3f ns/byte walked\n", ben, (ben - none) / PLEN);
	printf("adversarial  %8.0f ns/run  %.3f ns/byte walked\n", bad, (bad - none) / PLEN);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {FX_TEST(test_walk_cost)};

	if (argc > 1)
		reps = (unsigned)atoi(argv[1]);
	return fx_main("bench_walk", tests, 1);
}
