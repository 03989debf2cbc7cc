// SPDX-License-Identifier: GPL-2.0-only
/*
 * Flow events of the bridge port (bpf/lib/events.h): crafted frames go
 * through the program (BPF_PROG_TEST_RUN) with the event settings the
 * daemon writes, and the test reads the hyp_flow_events ring as the
 * daemon does. A drop is one event with its reason, addresses, ports and
 * sender identity; a new flow is one event with the rule that allowed
 * it; the next packets of that flow make none; the port's budget lets a
 * burst through and counts every event it holds back; events off (or one
 * kind off) means no event of that kind.
 */
#include "fixture.h"
#include "fixture_run.h"

#define MAX_EVS 64

struct evs {
	struct hyp_flow_event v[MAX_EVS];
	size_t n;
};

static int on_ev(void *ctx, void *data, size_t len)
{
	struct evs *e = ctx;

	if (len == sizeof(struct hyp_flow_event) && e->n < MAX_EVS)
		memcpy(&e->v[e->n++], data, len);
	return 0;
}

/* Drains the ring into e (every event since the last call). */
static void drain(struct fixture *f, struct evs *e)
{
	struct ring_buffer *rb = ring_buffer__new(FX_FD(f, hyp_flow_events), on_ev, e, NULL);

	assert_non_null(rb);
	e->n = 0;
	assert_true(ring_buffer__consume(rb) >= 0);
	ring_buffer__free(rb);
}

static void ev_cfg(struct fixture *f, uint32_t flags, uint32_t rate, uint32_t burst)
{
	struct hyp_event_cfg c = {.flags = flags,
				  .interval_ns = FX_NS / rate,
				  .tolerance_ns = FX_NS / rate * (burst - 1)};
	uint32_t zero = 0;
	struct evs e;

	assert_int_equal(bpf_map_update_elem(FX_FD(f, hyp_ev_cfg), &zero, &c, BPF_ANY), 0);
	fx_map_flush(FX_FD(f, hyp_ev_budget), sizeof(__u32));
	drain(f, &e); /* whatever an earlier test left */
}

/* A per-CPU u64 of hyp_ev_stats, summed. */
static uint64_t ev_stat(struct fixture *f, uint32_t stat)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t v[ncpu], sum = 0;

	assert_int_equal(bpf_map_lookup_elem(FX_FD(f, hyp_ev_stats), &stat, v), 0);
	for (int i = 0; i < ncpu; i++)
		sum += v[i];
	return sum;
}

static void test_drop_event(void **state)
{
	struct fixture *f = *state;
	uint8_t in[FX_FRAME_MAX];
	struct evs e;
	size_t len = fx_tcp(f, in, EP_A, IP_X, 40000, 80, TCP_SYN, 1, 0, NULL);

	ev_cfg(f, HYP_EVCFG_FLOWS | HYP_EVCFG_DROPS, 100, 100);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_UNKNOWN_DST);
	drain(f, &e);
	assert_int_equal(e.n, 1);
	assert_int_equal(e.v[0].version, HYP_EVENT_VERSION);
	assert_int_equal(e.v[0].type, HYP_EV_DROP);
	assert_int_equal(e.v[0].reason, HYP_DROP_UNKNOWN_DST);
	assert_int_equal(e.v[0].ifindex, FX_PORT);
	assert_int_equal(ntohl(e.v[0].saddr), IP_A);
	assert_int_equal(ntohl(e.v[0].daddr), IP_X);
	assert_int_equal(e.v[0].sport, 40000);
	assert_int_equal(e.v[0].dport, 80);
	assert_int_equal(e.v[0].proto, IPPROTO_TCP_);
	assert_int_equal(e.v[0].tcp_flags, TCP_SYN);
	assert_int_equal(e.v[0].src_id, 256);
	assert_int_equal(e.v[0].len, len);
	assert_true(e.v[0].ts > 0 && e.v[0].ts <= fx_now_ns());
}

static const char *const POLICY_DB = "apiVersion: networking.k8s.io/v1\n"
				     "kind: NetworkPolicy\n"
				     "metadata: {name: db, namespace: default}\n"
				     "spec:\n"
				     "  podSelector: {matchLabels: {app: db}}\n"
				     "  ingress:\n"
				     "  - from: [{podSelector: {matchLabels: {app: web}}}]\n"
				     "    ports: [{protocol: TCP, port: 5432}]\n";

static void test_flow_event_names_rule(void **state)
{
	struct fixture *f = *state;
	uint8_t in[FX_FRAME_MAX];
	struct evs e;
	size_t len;

	fx_policy(f, POLICY_DB);
	ev_cfg(f, HYP_EVCFG_FLOWS | HYP_EVCFG_DROPS, 100, 100);
	len = fx_tcp(f, in, EP_A, IP_B, 41000, 5432, TCP_SYN, 1, 0, NULL);
	fx_expect_to(f, EP_A, in, len, EP_B);
	drain(f, &e);
	assert_int_equal(e.n, 1);
	assert_int_equal(e.v[0].type, HYP_EV_FLOW);
	assert_int_equal(e.v[0].src_id, 256);
	assert_int_equal(e.v[0].dst_id, 257);
	assert_int_equal(e.v[0].dport, 5432);
	assert_int_equal(e.v[0].rule_egress, 0); /* web has no egress policy */
	assert_int_not_equal(e.v[0].rule_ingress, 0);
	assert_int_equal(e.v[0].reason, 0);
	/* the same flow's next packets, both ways, are forwarded without an event */
	len = fx_tcp(f, in, EP_B, IP_A, 5432, 41000, TCP_SYN | TCP_ACK, 100, 2, NULL);
	fx_expect_to(f, EP_B, in, len, EP_A);
	len = fx_tcp(f, in, EP_A, IP_B, 41000, 5432, TCP_ACK, 2, 101, NULL);
	fx_expect_to(f, EP_A, in, len, EP_B);
	len = fx_tcp(f, in, EP_A, IP_B, 41000, 5432, TCP_ACK | TCP_PSH, 2, 101, "data");
	fx_expect_to(f, EP_A, in, len, EP_B);
	fx_bind(f, EP_A);
	drain(f, &e);
	assert_int_equal(e.n, 0);
	/* the denied twin: another port, a drop event with the policy's reason */
	len = fx_tcp(f, in, EP_A, IP_B, 41001, 5433, TCP_SYN, 1, 0, NULL);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_POLICY_INGRESS);
	drain(f, &e);
	assert_int_equal(e.n, 1);
	assert_int_equal(e.v[0].type, HYP_EV_DROP);
	assert_int_equal(e.v[0].reason, HYP_DROP_POLICY_INGRESS);
	assert_int_equal(e.v[0].dst_id, 257);
	assert_int_equal(e.v[0].rule_ingress, 0);
}

static void test_budget_limits_and_counts(void **state)
{
	struct fixture *f = *state;
	uint64_t lim0 = ev_stat(f, HYP_EVSTAT_LIMITED), sent0 = ev_stat(f, HYP_EVSTAT_SENT);
	struct hyp_event_budget b;
	uint8_t in[FX_FRAME_MAX];
	uint32_t port = FX_PORT;
	struct evs e;

	/* one event a second, bursts of 5: 20 drops at once give 5 events */
	ev_cfg(f, HYP_EVCFG_FLOWS | HYP_EVCFG_DROPS, 1, 5);
	for (int i = 0; i < 20; i++) {
		size_t len = fx_udp(f, in, EP_A, IP_X, (uint16_t)(1000 + i), 53, "x");

		fx_expect_drop(f, EP_A, in, len, HYP_DROP_UNKNOWN_DST);
	}
	drain(f, &e);
	assert_int_equal(e.n, 5);
	assert_int_equal(ev_stat(f, HYP_EVSTAT_LIMITED) - lim0, 15);
	assert_int_equal(ev_stat(f, HYP_EVSTAT_SENT) - sent0, 5);
	assert_int_equal(bpf_map_lookup_elem(FX_FD(f, hyp_ev_budget), &port, &b), 0);
	assert_int_equal(b.limited, 15);
	/* the budget refills with time: a bucket whose time has come passes again */
	b.tat = fx_now_ns() - 1;
	assert_int_equal(bpf_map_update_elem(FX_FD(f, hyp_ev_budget), &port, &b, BPF_ANY), 0);
	fx_expect_drop(f, EP_A, in, fx_udp(f, in, EP_A, IP_X, 999, 53, "x"), HYP_DROP_UNKNOWN_DST);
	drain(f, &e);
	assert_int_equal(e.n, 1);
}

static void test_events_off(void **state)
{
	struct fixture *f = *state;
	uint8_t in[FX_FRAME_MAX];
	struct evs e;
	size_t len;

	ev_cfg(f, 0, 100, 100);
	len = fx_tcp(f, in, EP_A, IP_X, 42000, 80, TCP_SYN, 1, 0, NULL);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_UNKNOWN_DST);
	len = fx_tcp(f, in, EP_A, IP_B, 42001, 80, TCP_SYN, 1, 0, NULL);
	fx_expect_to(f, EP_A, in, len, EP_B);
	drain(f, &e);
	assert_int_equal(e.n, 0);
	/* drops only: the new flow makes none, the drop one */
	ev_cfg(f, HYP_EVCFG_DROPS, 100, 100);
	len = fx_tcp(f, in, EP_A, IP_B, 42002, 80, TCP_SYN, 1, 0, NULL);
	fx_expect_to(f, EP_A, in, len, EP_B);
	len = fx_tcp(f, in, EP_A, IP_X, 42003, 80, TCP_SYN, 1, 0, NULL);
	fx_expect_drop(f, EP_A, in, len, HYP_DROP_UNKNOWN_DST);
	drain(f, &e);
	assert_int_equal(e.n, 1);
	assert_int_equal(e.v[0].type, HYP_EV_DROP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    FX_TEST(test_drop_event),
	    FX_TEST(test_flow_event_names_rule),
	    FX_TEST(test_budget_limits_and_counts),
	    FX_TEST(test_events_off),
	};

	return fx_main("bpf_events", tests, sizeof(tests) / sizeof(tests[0]));
}
