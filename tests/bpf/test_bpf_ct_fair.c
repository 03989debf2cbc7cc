// SPDX-License-Identifier: GPL-2.0-only
/*
 * Bridge port, conntrack fairness (bpf/lib/ct_quota.h) and the policy
 * word read in one load (port.h):
 *
 * - an endpoint at its quota has its next new flow dropped (ct-quota)
 *   while another endpoint's new flow passes and its own flows go on;
 * - the count per endpoint is exact through every way an entry goes (RST,
 *   expiry, policy revocation, a fresh SYN, the daemon's collector);
 * - unreplied UDP and ICMP entries expire after the short timeout, replied
 *   ones do not, in the datapath and in the collector;
 * - a full table lets a new flow evict an unreplied entry of a bigger
 *   holder, never a replied one, never one of an endpoint holding no more;
 * - a SNIC's flush removes every entry of its address, and the collector
 *   every entry no live endpoint holds;
 * - the count stays the table's through a flood at the quota while entries
 *   expire and the collector runs on another CPU;
 * - no packet pairs a rule set with another one's revision while the
 *   config is rewritten from another CPU.
 *
 * Ages are set by writing last_seen in the past (test_bpf_conntrack.c).
 */
#include <pthread.h>
#include <stdatomic.h>

#include "fixture.h"
#include "ct_helpers.h"

/* web (a and e) takes no new flow: replies to its own flows only */
static const char *web_ingress_deny = "apiVersion: networking.k8s.io/v1\n"
				      "kind: NetworkPolicy\n"
				      "metadata: {name: web-deny}\n"
				      "spec:\n"
				      "  podSelector: {matchLabels: {app: web}}\n"
				      "  policyTypes: [Ingress]\n";

/* db (b) takes no new flow */
static const char *db_ingress_deny = "apiVersion: networking.k8s.io/v1\n"
				     "kind: NetworkPolicy\n"
				     "metadata: {name: db-deny}\n"
				     "spec:\n"
				     "  podSelector: {matchLabels: {app: db}}\n"
				     "  policyTypes: [Ingress]\n";

#define QUOTA 8

/*
 * a opens QUOTA flows (UDP, TCP, ICMP); its next new flow is dropped
 * ct-quota with no entry made, whatever its protocol, while b's new flow
 * passes and a's own flows, both ways, go on. One flow of a gone, a opens
 * one again.
 */
static void test_quota_reached(void **state)
{
	struct fixture *f = *state;

	fx_policy(f, NULL);
	set_quota(f, QUOTA);
	for (uint16_t i = 0; i < QUOTA - 2; i++)
		udp(f, EP_A, EP_C, 5000 + i, 53, 0);
	tcp(f, EP_A, EP_B, 40000, 80, TCP_SYN, 0);
	icmp(f, EP_A, EP_C, ICMP_ECHO, 7, 0);
	assert_int_equal(held(f, EP_A), QUOTA);
	udp(f, EP_A, EP_C, 6000, 53, HYP_DROP_CT_QUOTA);
	tcp(f, EP_A, EP_B, 40001, 80, TCP_SYN, HYP_DROP_CT_QUOTA);
	icmp(f, EP_A, EP_B, ICMP_ECHO, 8, HYP_DROP_CT_QUOTA);
	assert_false(ct_exists(f, EP_A, EP_C, UDP, 6000, 53));
	assert_false(ct_exists(f, EP_A, EP_B, TCP, 40001, 80));
	assert_int_equal(held(f, EP_A), QUOTA);
	/* twin: another endpoint's new flow, to the same peer */
	udp(f, EP_B, EP_C, 6000, 53, 0);
	tcp(f, EP_B, EP_A, 6001, 80, TCP_SYN, 0);
	assert_int_equal(held(f, EP_B), 2);
	/* a's flows go on: its datagrams, the replies, the handshake */
	udp(f, EP_A, EP_C, 5000, 53, 0);
	udp(f, EP_C, EP_A, 53, 5001, 0);
	tcp(f, EP_B, EP_A, 80, 40000, TCP_SYN | TCP_ACK, 0);
	tcp(f, EP_A, EP_B, 40000, 80, TCP_ACK, 0);
	icmp(f, EP_C, EP_A, ICMP_ECHO_REPLY, 7, 0);
	assert_int_equal(held(f, EP_A), QUOTA);
	/* a's TCP flow reset: a opens a new flow again, one */
	tcp(f, EP_A, EP_B, 40000, 80, TCP_RST | TCP_ACK, 0);
	assert_int_equal(held(f, EP_A), QUOTA - 1);
	udp(f, EP_A, EP_C, 6000, 53, 0);
	udp(f, EP_A, EP_C, 6001, 53, HYP_DROP_CT_QUOTA);
}

/* No quota in the config (0): the default holds. */
static void test_quota_default(void **state)
{
	struct fixture *f = *state;

	fx_policy(f, NULL);
	set_quota(f, 0);
	set_held(f, EP_A, HYP_CT_QUOTA_DEFAULT - 1);
	udp(f, EP_A, EP_C, 5000, 53, 0);
	udp(f, EP_A, EP_C, 5001, 53, HYP_DROP_CT_QUOTA);
	set_quota(f, HYP_CT_QUOTA_DEFAULT + 1);
	udp(f, EP_A, EP_C, 5001, 53, 0);
}

/*
 * The count follows every way an entry goes: a RST, expiry at the next
 * packet, a policy revocation, a fresh SYN on a finished flow (one entry
 * replaced by another), and the daemon's collector.
 */
static void test_quota_count_exact(void **state)
{
	struct fixture *f = *state;

	fx_wait_uptime(HYP_CT_TIMEOUT_FIN + 10);
	fx_policy(f, NULL);
	bind_all(f);
	for (uint16_t i = 0; i < 6; i++)
		tcp(f, EP_A, EP_B, 41000 + i, 80, TCP_SYN, 0);
	udp(f, EP_A, EP_C, 5000, 53, 0);
	assert_int_equal(held(f, EP_A), 7);
	tcp(f, EP_B, EP_A, 80, 41000, TCP_RST | TCP_ACK, 0); /* reset */
	assert_int_equal(held(f, EP_A), 6);
	ct_age(f, EP_A, EP_B, TCP, 41001, 80, HYP_CT_TIMEOUT_SYN + 5); /* expired */
	tcp(f, EP_B, EP_A, 80, 41001, TCP_SYN | TCP_ACK, HYP_DROP_CT_INVALID);
	assert_int_equal(held(f, EP_A), 5);
	/* a fresh SYN on an established flow's tuple: replaced, counted once */
	tcp(f, EP_B, EP_A, 80, 41002, TCP_SYN | TCP_ACK, 0);
	tcp(f, EP_A, EP_B, 41002, 80, TCP_ACK, 0);
	tcp(f, EP_A, EP_B, 41002, 80, TCP_SYN, 0);
	assert_int_equal(held(f, EP_A), 5);
	fx_policy(f, db_ingress_deny); /* revoked at their next packet */
	tcp(f, EP_A, EP_B, 41003, 80, TCP_SYN, HYP_DROP_POLICY_REVOKED);
	tcp(f, EP_B, EP_A, 80, 41004, TCP_SYN | TCP_ACK, HYP_DROP_POLICY_REVOKED);
	assert_int_equal(held(f, EP_A), 3);
	/* the collector: two expired, one live */
	ct_age(f, EP_A, EP_B, TCP, 41002, 80, HYP_CT_TIMEOUT_SYN + 5);
	ct_age(f, EP_A, EP_C, UDP, 5000, 53, HYP_CT_TIMEOUT_UNREPLIED + 5);
	assert_int_equal(gc(f), 1);
	assert_int_equal(held(f, EP_A), 1);
	assert_true(ct_exists(f, EP_A, EP_B, TCP, 41005, 80));
	ct_age(f, EP_A, EP_B, TCP, 41005, 80, HYP_CT_TIMEOUT_SYN + 5);
	assert_int_equal(gc(f), 0);
	assert_int_equal(held(f, EP_A), 0);
}

/*
 * Unanswered flows go first: a UDP flow and an ICMP echo without a reply
 * expire after the short timeout, in the datapath and in the collector;
 * answered ones live on to their own timeouts.
 */
static void test_unreplied_short_timeout(void **state)
{
	struct fixture *f = *state;
	uint64_t age = HYP_CT_TIMEOUT_UNREPLIED + 2;

	assert_true(HYP_CT_TIMEOUT_UNREPLIED + 2 < HYP_CT_TIMEOUT_UDP);
	assert_true(HYP_CT_TIMEOUT_UNREPLIED + 2 < HYP_CT_TIMEOUT_ICMP);
	fx_wait_uptime(HYP_CT_TIMEOUT_UDP + 10);
	fx_policy(f, web_ingress_deny);
	udp(f, EP_A, EP_B, 5000, 53, 0); /* unanswered */
	udp(f, EP_A, EP_B, 5001, 53, 0); /* answered */
	udp(f, EP_B, EP_A, 53, 5001, 0);
	ct_age(f, EP_A, EP_B, UDP, 5000, 53, age);
	ct_age(f, EP_A, EP_B, UDP, 5001, 53, age);
	udp(f, EP_B, EP_A, 53, 5000, ING); /* no flow: a new one, denied */
	assert_false(ct_exists(f, EP_A, EP_B, UDP, 5000, 53));
	udp(f, EP_B, EP_A, 53, 5001, 0);
	/* twin of the timeout: unanswered, younger than it */
	udp(f, EP_A, EP_B, 5002, 53, 0);
	ct_age(f, EP_A, EP_B, UDP, 5002, 53, HYP_CT_TIMEOUT_UNREPLIED - 3);
	udp(f, EP_B, EP_A, 53, 5002, 0);
	/* ICMP echo */
	icmp(f, EP_A, EP_B, ICMP_ECHO, 70, 0);
	icmp(f, EP_A, EP_B, ICMP_ECHO, 71, 0);
	icmp(f, EP_B, EP_A, ICMP_ECHO_REPLY, 71, 0);
	ct_age(f, EP_A, EP_B, ICMP, 70, 70, age);
	ct_age(f, EP_A, EP_B, ICMP, 71, 71, age);
	icmp(f, EP_B, EP_A, ICMP_ECHO_REPLY, 70, HYP_DROP_CT_INVALID);
	icmp(f, EP_B, EP_A, ICMP_ECHO_REPLY, 71, 0);
	/* the collector agrees */
	bind_all(f);
	udp(f, EP_A, EP_C, 5003, 53, 0);
	udp(f, EP_A, EP_C, 5004, 53, 0);
	udp(f, EP_C, EP_A, 53, 5004, 0);
	ct_age(f, EP_A, EP_C, UDP, 5003, 53, age);
	ct_age(f, EP_A, EP_C, UDP, 5004, 53, age);
	gc(f);
	assert_false(ct_exists(f, EP_A, EP_C, UDP, 5003, 53));
	assert_true(ct_exists(f, EP_A, EP_C, UDP, 5004, 53));
}

/* Fills the table with entries of endpoint owner in state, last seen now,
 * all charged to it; the sample of recent flows names some of them. */
static void fill_table(struct fixture *f, int owner, uint8_t state)
{
	int fd = FX_FD(f, hyp_ct);
	struct hyp_ct_key *keys = calloc(HYP_CT_MAX, sizeof(*keys));
	struct hyp_ct_val *vals = calloc(HYP_CT_MAX, sizeof(*vals));
	uint32_t n = HYP_CT_MAX;

	assert_non_null(keys);
	assert_non_null(vals);
	for (uint32_t i = 0; i < n; i++) {
		keys[i] =
		    key_of(f, owner, EP_B, UDP, (uint16_t)(i & 0xffff), (uint16_t)(1 + i / 65536));
		vals[i].last_seen = fx_now_ns();
		vals[i].state = state;
		vals[i].owner = (uint32_t)owner + 1;
		vals[i].rev = fx_config(f).policy_rev;
	}
	assert_int_equal(bpf_map_update_batch(fd, keys, vals, &n, NULL), 0);
	assert_int_equal(n, HYP_CT_MAX);
	set_held(f, owner, HYP_CT_MAX);
	for (uint32_t s = 0; s < HYP_CT_RECENT; s++)
		assert_int_equal(
		    bpf_map_update_elem(FX_FD(f, hyp_ct_recent), &s, &keys[s * 97], BPF_ANY), 0);
	free(keys);
	free(vals);
}

/*
 * A full table: a's new flow evicts one unreplied entry of c, which holds
 * more; the table stays full and the counts follow. Twins: c's entries
 * answered, or c holding no more than a would, and a's flow is refused
 * (ct-full), nothing evicted.
 */
static void test_full_table_early_drop(void **state)
{
	struct fixture *f = *state;

	fx_policy(f, NULL);
	set_quota(f, HYP_CT_MAX);
	fill_table(f, EP_C, HYP_CT_NEW);
	udp(f, EP_A, EP_B, 5000, 53, 0);
	assert_true(ct_exists(f, EP_A, EP_B, UDP, 5000, 53));
	assert_int_equal(held(f, EP_A), 1);
	assert_int_equal(held(f, EP_C), HYP_CT_MAX - 1);
	udp(f, EP_A, EP_B, 5001, 53, 0); /* and again */
	assert_int_equal(held(f, EP_C), HYP_CT_MAX - 2);
	/* c holds no more than a would with one more flow: nothing evicted */
	set_held(f, EP_C, 3);
	udp(f, EP_A, EP_B, 5002, 53, HYP_DROP_CT_FULL);
	assert_int_equal(held(f, EP_A), 2);
	assert_int_equal(held(f, EP_C), 3);
	/* c's entries answered: never evicted */
	fx_map_flush(FX_FD(f, hyp_ct), sizeof(struct hyp_ct_key));
	fill_table(f, EP_C, HYP_CT_REPLIED);
	set_held(f, EP_A, 0);
	udp(f, EP_A, EP_B, 5000, 53, HYP_DROP_CT_FULL);
	assert_int_equal(held(f, EP_A), 0);
	assert_int_equal(held(f, EP_C), HYP_CT_MAX);
	/* an established flow of c goes on in the full table */
	udp(f, EP_C, EP_B, 0, 1, 0);
	fx_map_flush(FX_FD(f, hyp_ct), sizeof(struct hyp_ct_key));
}

/*
 * A SNIC's flush removes every entry of its address, either way, and gives
 * back the entries other endpoints held toward it; the collector removes
 * the entries of an owner no port is bound to.
 */
static void test_flush_and_orphans(void **state)
{
	struct fixture *f = *state;

	fx_policy(f, NULL);
	bind_all(f);
	udp(f, EP_A, EP_B, 5000, 53, 0);
	udp(f, EP_A, EP_C, 5000, 53, 0);
	udp(f, EP_B, EP_A, 5000, 53, 0);
	udp(f, EP_B, EP_C, 5000, 53, 0);
	tcp(f, EP_C, EP_A, 40000, 80, TCP_SYN, 0);
	assert_int_equal(emu_ct_flush(&f->emu, IP_A, 1), 0);
	assert_false(ct_exists(f, EP_A, EP_B, UDP, 5000, 53));
	assert_false(ct_exists(f, EP_A, EP_C, UDP, 5000, 53));
	assert_false(ct_exists(f, EP_B, EP_A, UDP, 5000, 53));
	assert_false(ct_exists(f, EP_C, EP_A, TCP, 40000, 80));
	assert_true(ct_exists(f, EP_B, EP_C, UDP, 5000, 53));
	assert_int_equal(held(f, EP_A), 0);
	assert_int_equal(held(f, EP_B), 1);
	assert_int_equal(held(f, EP_C), 0);
	/* c's port gone: its entries are the collector's */
	udp(f, EP_C, EP_B, 5000, 53, 0);
	fx_bind(f, EP_B);
	assert_int_equal(bpf_map_delete_elem(FX_FD(f, hyp_ports), &f->eps[EP_C].own_port), 0);
	assert_int_equal(gc(f), 1); /* b's */
	assert_false(ct_exists(f, EP_C, EP_B, UDP, 5000, 53));
	assert_true(ct_exists(f, EP_B, EP_C, UDP, 5000, 53));
}

/* ---- the count under a flood, with expiry and the collector ---- */

#define FLOOD_QUOTA 256

struct collector {
	struct fixture *f;
	pthread_mutex_t lock;
	atomic_bool stop;
	unsigned long passes;
};

static void *collect(void *arg)
{
	struct collector *c = arg;
	uint32_t live;

	while (!atomic_load(&c->stop)) {
		pthread_mutex_lock(&c->lock);
		emu_ct_gc(&c->f->emu, &live);
		pthread_mutex_unlock(&c->lock);
		c->passes++;
	}
	return NULL;
}

/* Entries of endpoint i in the table; every other one (odd) aged past the
 * unreplied timeout first when age. */
static uint32_t table_held(struct fixture *f, int i, bool age)
{
	int fd = FX_FD(f, hyp_ct);
	struct hyp_ct_key k, next;
	struct hyp_ct_val v;
	uint32_t n = 0, seen = 0;
	bool first = true;

	while (!bpf_map_get_next_key(fd, first ? NULL : &k, &next)) {
		first = false;
		k = next;
		if (bpf_map_lookup_elem(fd, &k, &v) || v.owner != (uint32_t)i + 1)
			continue;
		n++;
		if (age && (seen++ & 1)) {
			v.last_seen = fx_now_ns() - (HYP_CT_TIMEOUT_UNREPLIED + 5) * FX_NS;
			bpf_map_update_elem(fd, &k, &v, BPF_EXIST);
		}
	}
	return n;
}

/*
 * a floods new UDP flows (source ports over a range smaller than the
 * flood, so later frames land on expired entries of earlier ones) while
 * the daemon's collector runs on another CPU, and half of a's entries are
 * aged past the unreplied timeout between bursts: expiry at the next
 * packet, removal by the collector and the quota all act at once. After
 * it, a's count is the number of a's entries in the table, at most its
 * quota; at the quota its next new flow is refused, one below it passes.
 */
static void test_quota_count_under_flood(void **state)
{
	struct fixture *f = *state;
	struct collector c = {.f = f, .lock = PTHREAD_MUTEX_INITIALIZER};
	uint8_t in[FX_FRAME_MAX], out[FX_FRAME_MAX];
	unsigned long sent = 0;
	uint32_t n;
	pthread_t t;

	fx_wait_uptime(HYP_CT_TIMEOUT_UNREPLIED + 10);
	fx_policy(f, NULL);
	bind_all(f);
	set_quota(f, FLOOD_QUOTA);
	fx_bind(f, EP_A);
	assert_int_equal(pthread_create(&t, NULL, collect, &c), 0);
	for (int round = 0; round < 40; round++) {
		for (int i = 0; i < 512; i++, sent++) {
			size_t len = fx_udp(f, in, EP_A, f->eps[EP_C].ip,
					    (uint16_t)(1024 + sent % 2048), 53, "datagram");

			fx_run_prog(fx_port_fd(f), in, len, out, sizeof(out), NULL);
		}
		pthread_mutex_lock(&c.lock); /* the test's own writes: not the collector's race */
		table_held(f, EP_A, true);
		pthread_mutex_unlock(&c.lock);
	}
	atomic_store(&c.stop, true);
	pthread_join(t, NULL);
	print_message("# %lu frames, %lu collections\n", sent, c.passes);
	assert_true(c.passes > 0);
	n = table_held(f, EP_A, false);
	assert_int_equal(held(f, EP_A), n);
	assert_true(n <= FLOOD_QUOTA);
	gc(f); /* the aged half goes, and the count with it */
	n = table_held(f, EP_A, false);
	assert_int_equal(held(f, EP_A), n);
	assert_true(n < FLOOD_QUOTA);
	set_held(f, EP_A, FLOOD_QUOTA - 1); /* the twins: below the quota, at it */
	udp(f, EP_A, EP_C, 60000, 53, 0);
	udp(f, EP_A, EP_C, 60001, 53, HYP_DROP_CT_QUOTA);
}

/* ---- the policy word ---- */

struct flipper {
	struct fixture *f;
	struct hyp_config cfg[2];
	atomic_bool stop;
};

static void *flip(void *arg)
{
	struct flipper *fl = arg;
	uint32_t zero = 0;

	for (unsigned long i = 0; !atomic_load(&fl->stop); i++)
		bpf_map_update_elem(FX_FD(fl->f, hyp_config), &zero, &fl->cfg[i & 1], BPF_ANY);
	return NULL;
}

/*
 * The loader switches the generation and its revision in one config write;
 * a packet must read them together. One thread switches the config back
 * and forth between (allow-all generation, revision R) and (deny
 * generation, R + 1); the other sends b a SYN from a again and again. A
 * packet that paired the allow rules with R + 1 would leave an entry
 * stamped R + 1: a flow checked against the old rules, taken for checked
 * against the new ones and never checked again.
 */
static void test_policy_word_one_load(void **state)
{
	struct fixture *f = *state;
	struct flipper fl = {.f = f};
	struct hyp_ct_key k = key_of(f, EP_A, EP_B, TCP, 42000, 80);
	uint8_t in[FX_FRAME_MAX], out[FX_FRAME_MAX];
	size_t len = tcp_frame(f, in, EP_A, EP_B, 42000, 80, TCP_SYN);
	unsigned long runs = 0, allowed = 0, torn = 0;
	uint64_t end;
	pthread_t t;

	fx_policy(f, db_ingress_deny);
	fl.cfg[1] = fx_config(f);
	fx_policy(f, NULL); /* the other generation; the deny one stays in place */
	fl.cfg[0] = fx_config(f);
	fl.cfg[0].policy_rev = 1000;
	fl.cfg[1].policy_rev = 1001;
	fx_bind(f, EP_A);
	assert_int_equal(pthread_create(&t, NULL, flip, &fl), 0);
	end = fx_now_ns() + 2 * FX_NS;
	while (fx_now_ns() < end) {
		struct hyp_ct_val v;

		for (int i = 0; i < 64; i++, runs++) {
			fx_run_prog(fx_port_fd(f), in, len, out, sizeof(out), NULL);
			if (fx_ct_get(f, &k, &v))
				continue;
			allowed++;
			torn += v.rev == 1001;
		}
	}
	atomic_store(&fl.stop, true);
	pthread_join(t, NULL);
	print_message("# %lu packets, %lu allowed, %lu with the deny revision\n", runs, allowed,
		      torn);
	assert_true(allowed > 0 && allowed < runs);
	assert_int_equal(torn, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    FX_TEST(test_quota_reached),	 FX_TEST(test_quota_default),
	    FX_TEST(test_quota_count_exact),	 FX_TEST(test_unreplied_short_timeout),
	    FX_TEST(test_full_table_early_drop), FX_TEST(test_flush_and_orphans),
	    FX_TEST(test_quota_count_under_flood), FX_TEST(test_policy_word_one_load),
	};

	return fx_main("bpf_ct_fair", tests, sizeof(tests) / sizeof(tests[0]));
}
