// SPDX-License-Identifier: GPL-2.0-only
/*
 * The cluster watch as a parser of what etcd sends (etcd is read as
 * untrusted): the stream parser (etcd_watch_feed) into the watch's event
 * handler (cluster_watch_event), no etcd needed. Regression tests of
 * fuzz_cluster's findings: a message whose "events" is not a list aborted
 * hyperiond (json-c's assertion in json_object_array_length), and JSON
 * null where a string was expected ("type", "key", a node record's
 * "name", "addr", "block", "pubkey", a policy's "origin") was passed to
 * strcmp/strlen. Each next to its well-formed twin.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sodium.h>

#include "cluster/cluster_priv.h"
#include "cluster/etcd_priv.h"

/* base64 of "/hyperion/nodes/b" and of "/hyperion/policies/networkpolicy/default/p" */
#define K_NODE "L2h5cGVyaW9uL25vZGVzL2I="
#define K_POL  "L2h5cGVyaW9uL3BvbGljaWVzL25ldHdvcmtwb2xpY3kvZGVmYXVsdC9w"

static struct cluster *cl;

static int setup(void **state)
{
	cl = calloc(1, sizeof(*cl));
	if (!cl || sodium_init() < 0)
		return -1;
	pthread_mutex_init(&cl->lock, NULL);
	cl->evfd = -1;
	snprintf(cl->rec.node, sizeof(cl->rec.node), "self");
	cl->rec.id = 1;
	return cluster_keypair(cl->rec.sk, cl->rec.pk);
}

static int teardown(void **state)
{
	cluster_state_free(cl);
	pthread_mutex_destroy(&cl->lock);
	free(cl);
	return 0;
}

static int feed(const char *stream)
{
	struct etcd_watch_stream w = {.cb = cluster_watch_event, .arg = cl};
	int err;

	w.tok = json_tokener_new();
	assert_non_null(w.tok);
	err = etcd_watch_feed(&w, stream, strlen(stream));
	json_tokener_free(w.tok);
	return err;
}

/* One PUT event of key (base64) with value (base64 of JSON). */
static int put(const char *key, const char *value_json)
{
	char b64[1024], msg[1400];

	assert_true(strlen(value_json) < 700);
	b64_encode(value_json, strlen(value_json), b64);
	snprintf(msg, sizeof(msg),
		 "{\"result\": {\"events\": [{\"kv\": {\"key\": \"%s\", \"value\": \"%s\"}}]}}",
		 key, b64);
	return feed(msg);
}

static int events_of(enum cluster_ev_kind kind)
{
	struct cluster_ev ev;
	int n = 0;

	while (cluster__event_next(cl, &ev)) {
		n += ev.kind == kind;
		free(ev.value);
	}
	return n;
}

static void test_events_not_a_list(void **state)
{
	assert_int_equal(feed("{\"result\": {\"events\": {}}}"), -EPROTO);
	assert_int_equal(feed("{\"result\": {\"events\": 5}}"), -EPROTO);
	assert_int_equal(feed("{\"result\": {\"events\": []}}"), 0);
}

static void test_null_strings_in_events(void **state)
{
	assert_int_equal(
	    feed("{\"result\": {\"events\": [{\"type\": null, \"kv\": {\"key\": \"" K_NODE
		 "\"}}]}}"),
	    0);
	assert_int_equal(feed("{\"result\": {\"events\": [{\"kv\": {\"key\": null}}]}}"), -EPROTO);
	assert_int_equal(feed("{\"result\": {\"events\": [{\"kv\": {\"key\": \"" K_NODE
			      "\", \"value\": null}}]}}"),
			 -EPROTO);
}

#define PK "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="

static void test_node_record(void **state)
{
	static const char *bad[] = {
	    "{\"name\": null, \"id\": 2, \"block\": \"10.1.0.0/24\", \"pubkey\": \"" PK "\"}",
	    "{\"name\": \"b\", \"id\": 2, \"addr\": null, \"block\": \"10.1.0.0/24\", \"pubkey\": "
	    "\"" PK "\"}",
	    "{\"name\": \"b\", \"id\": 2, \"block\": null, \"pubkey\": \"" PK "\"}",
	    "{\"name\": \"b\", \"id\": 2, \"block\": \"10.1.0.0/24\", \"pubkey\": null}",
	    "{\"name\": 7, \"id\": 2, \"block\": \"10.1.0.0/24\", \"pubkey\": \"" PK "\"}",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(put(K_NODE, bad[i]), 0);
		assert_int_equal(cl->npeers, 0);
	}
	/* the well-formed twin is a peer */
	assert_int_equal(put(K_NODE, "{\"name\": \"b\", \"id\": 2, \"addr\": \"192.0.2.2\", "
				     "\"block\": \"10.1.0.0/24\", \"pubkey\": \"" PK "\"}"),
			 0);
	assert_int_equal(cl->npeers, 1);
	assert_string_equal(cl->peers[0].name, "b");
}

/* block6 (IPv6 across the overlay): optional, but a /64 when present */
static void test_node_block6(void **state)
{
#define REC(B6) "{\"name\": \"b\", \"id\": 2, \"block\": \"10.1.0.0/24\", " B6 "\"pubkey\": \"" PK "\"}"
	static const char *bad[] = {
	    REC("\"block6\": \"fd00:1:2:3::/48\", "), REC("\"block6\": \"10.2.0.0/24\", "),
	    REC("\"block6\": 7, "), REC("\"block6\": \"fd00::1::/64\", "),
	};
	char ip[IP6_STRLEN];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(put(K_NODE, bad[i]), 0);
		assert_int_equal(cl->npeers, 0);
	}
	/* an old record without block6 is a peer with no IPv6 */
	assert_int_equal(put(K_NODE, REC("")), 0);
	assert_int_equal(cl->npeers, 1);
	assert_int_equal(cl->peers[0].block6.prefix, 0);
	assert_int_equal(put(K_NODE, REC("\"block6\": \"fd00:1:2:3::/64\", ")), 0);
	assert_int_equal(cl->npeers, 1);
	assert_int_equal(cl->peers[0].block6.prefix, 64);
	ipv6_format(cl->peers[0].block6.addr, ip, sizeof(ip));
	assert_string_equal(ip, "fd00:1:2:3::");
#undef REC
}

/* The state file keeps block6 across restarts; a file from before has none. */
static void test_record_block6(void **state)
{
	char path[] = "/tmp/hyp-test-cluster-rec-XXXXXX", file[64];
	struct cluster_record r = cl->rec, back;

	assert_non_null(mkdtemp(path));
	snprintf(file, sizeof(file), "%s/cluster.json", path);
	r.key_epoch = 1;
	assert_int_equal(cidr4_parse("10.1.0.0/24", &r.block), 0);
	assert_int_equal(cluster_record_save(file, &r), 0);
	assert_int_equal(cluster_record_load(file, &back), 0);
	assert_int_equal(back.block6.prefix, 0);
	assert_int_equal(cidr6_parse("fd00:9::/64", &r.block6), 0);
	assert_int_equal(cluster_record_save(file, &r), 0);
	assert_int_equal(cluster_record_load(file, &back), 0);
	assert_int_equal(back.block6.prefix, 64);
	assert_memory_equal(back.block6.addr, r.block6.addr, 16);
	unlink(file);
	rmdir(path);
}

/* ---- endpoints/ with IPv6 (hyp_ovl_eps6 through the hooks) ---- */

static struct {
	int set, del, set6, del6;
	uint8_t last6[16];
	uint32_t id6, node6;
} hk;

static void h_set(void *arg, uint32_t ip, uint32_t identity, uint32_t node)
{
	hk.set++;
}

static void h_del(void *arg, uint32_t ip)
{
	hk.del++;
}

static void h_set6(void *arg, const uint8_t ip6[16], uint32_t identity, uint32_t node)
{
	hk.set6++;
	memcpy(hk.last6, ip6, 16);
	hk.id6 = identity;
	hk.node6 = node;
}

static void h_del6(void *arg, const uint8_t ip6[16])
{
	hk.del6++;
	memcpy(hk.last6, ip6, 16);
}

/* An event of a key given as text: value NULL is a DELETE. */
static int ev_text(const char *key, const char *value_json)
{
	char k64[256], v64[1024] = "", msg[1600];

	assert_true(strlen(key) < 180);
	b64_encode(key, strlen(key), k64);
	if (value_json) {
		assert_true(strlen(value_json) < 700);
		b64_encode(value_json, strlen(value_json), v64);
	}
	snprintf(msg, sizeof(msg),
		 "{\"result\": {\"events\": [{%s\"kv\": {\"key\": \"%s\", \"value\": \"%s\"}}]}}",
		 value_json ? "" : "\"type\": \"DELETE\", ", k64, v64);
	return feed(msg);
}

static bool ip6_is(const uint8_t a[16], const char *text)
{
	uint8_t b[16];

	return !ipv6_parse(text, b) && !memcmp(a, b, 16);
}

#define EP4	"/hyperion/endpoints/10.1.0.5"
#define EP6ONLY "/hyperion/endpoints/fd00:1:2:3::9"
#define EPV(IP6) "{\"node\": 2, \"identity\": 77, \"name\": \"p\"" IP6 "}"

static void ep6_setup_peer(void)
{
	struct cluster_hooks h = {.ep_set = h_set, .ep_del = h_del, .ep6_set = h_set6,
				  .ep6_del = h_del6};

	memset(&hk, 0, sizeof(hk));
	cl->hooks = h;
	assert_int_equal(put(K_NODE, "{\"name\": \"b\", \"id\": 2, \"block\": \"10.1.0.0/24\", "
				     "\"block6\": \"fd00:1:2:3::/64\", \"pubkey\": \"" PK "\"}"),
			 0);
	assert_int_equal(cl->npeers, 1);
}

static void test_endpoint_ip6(void **state)
{
	ep6_setup_peer();
	/* an old record without ip6 still parses: IPv4 only */
	assert_int_equal(ev_text(EP4, EPV("")), 0);
	assert_int_equal(cl->nreps, 1);
	assert_false(cl->reps[0].has_ip6);
	assert_int_equal(hk.set, 1);
	assert_int_equal(hk.set6, 0);
	/* with ip6 in the node's /64: both tables */
	assert_int_equal(ev_text(EP4, EPV(", \"ip6\": \"fd00:1:2:3::5\"")), 0);
	assert_int_equal(cl->nreps, 1);
	assert_true(cl->reps[0].has_ip6);
	assert_int_equal(hk.set6, 1);
	assert_true(ip6_is(hk.last6, "fd00:1:2:3::5"));
	assert_int_equal(hk.id6, 77);
	assert_int_equal(hk.node6, 2);
	/* the address moves: the old one leaves hyp_ovl_eps6 */
	assert_int_equal(ev_text(EP4, EPV(", \"ip6\": \"fd00:1:2:3::6\"")), 0);
	assert_int_equal(hk.del6, 1);
	assert_int_equal(hk.set6, 2);
	assert_true(ip6_is(hk.last6, "fd00:1:2:3::6"));
	/* endpoint deleted: out of both */
	assert_int_equal(ev_text(EP4, NULL), 0);
	assert_int_equal(cl->nreps, 0);
	assert_int_equal(hk.del6, 2);
	assert_true(ip6_is(hk.last6, "fd00:1:2:3::6"));
}

/* An ip6 that is not a unicast address of the publishing node's /64: the record is refused. */
static void test_endpoint_ip6_untrusted(void **state)
{
	static const char *bad[] = {
	    EPV(", \"ip6\": \"fd00:1:2:4::5\""), /* another /64 (another node's) */
	    EPV(", \"ip6\": \"ff02::1\""),	 /* multicast */
	    EPV(", \"ip6\": \"fe80::1\""),	 /* link-local */
	    EPV(", \"ip6\": \"fd00:1:2:3::\""),	 /* the subnet's anycast */
	    EPV(", \"ip6\": \"fd00:1:2:3::5::\""), EPV(", \"ip6\": 7"), EPV(", \"ip6\": null"),
	    EPV(", \"ip6\": \"10.1.0.5\""),
	    "{\"node\": 3, \"identity\": 77, \"ip6\": \"fd00:1:2:3::5\"}", /* unknown node */
	};

	ep6_setup_peer();
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		/* the good twin first: the refused record takes it out again */
		assert_int_equal(ev_text(EP4, EPV(", \"ip6\": \"fd00:1:2:3::5\"")), 0);
		assert_int_equal(cl->nreps, 1);
		hk.set = hk.set6 = hk.del = hk.del6 = 0;
		assert_int_equal(ev_text(EP4, bad[i]), 0);
		assert_int_equal(cl->nreps, 0);
		assert_int_equal(hk.set + hk.set6, 0);
		assert_int_equal(hk.del, 1);
		assert_int_equal(hk.del6, 1);
		assert_true(ip6_is(hk.last6, "fd00:1:2:3::5"));
	}
	/* a node without a /64 (an old record) publishes no IPv6 */
	assert_int_equal(put(K_NODE, "{\"name\": \"b\", \"id\": 2, \"block\": \"10.1.0.0/24\", "
				     "\"pubkey\": \"" PK "\"}"),
			 0);
	assert_int_equal(ev_text(EP4, EPV(", \"ip6\": \"fd00:1:2:3::5\"")), 0);
	assert_int_equal(cl->nreps, 0);
	assert_int_equal(ev_text(EP4, EPV("")), 0);
	assert_int_equal(cl->nreps, 1);
}

/* An IPv6-only endpoint is keyed by its IPv6 address; a node that leaves takes it along. */
static void test_endpoint_ip6_only(void **state)
{
	ep6_setup_peer();
	/* its ip6, when given, is the key's */
	assert_int_equal(ev_text(EP6ONLY, EPV(", \"ip6\": \"fd00:1:2:3::8\"")), 0);
	assert_int_equal(cl->nreps, 0);
	assert_int_equal(ev_text("/hyperion/endpoints/fd00:1:2:4::9", EPV("")), 0);
	assert_int_equal(cl->nreps, 0);
	assert_int_equal(hk.set6, 0);
	memset(&hk, 0, sizeof(hk));
	assert_int_equal(ev_text(EP6ONLY, EPV(", \"ip6\": \"fd00:1:2:3::9\"")), 0);
	assert_int_equal(ev_text(EP4, EPV(", \"ip6\": \"fd00:1:2:3::5\"")), 0);
	assert_int_equal(cl->nreps, 2);
	assert_int_equal(hk.set, 1); /* the IPv6-only one is not in the IPv4 table */
	assert_int_equal(hk.set6, 2);
	/* the node goes: both endpoints leave both tables */
	assert_int_equal(ev_text("/hyperion/nodes/b", NULL), 0);
	assert_int_equal(cl->npeers, 0);
	assert_int_equal(cl->nreps, 0);
	assert_int_equal(hk.del, 1);
	assert_int_equal(hk.del6, 2);
}

static void test_policy_origin(void **state)
{
	events_of(CLEV_POLICY_PUT);
	/* a null origin is no origin: another node's document */
	assert_int_equal(put(K_POL, "{\"origin\": null, \"doc\": {\"kind\": \"NetworkPolicy\"}}"),
			 0);
	assert_int_equal(events_of(CLEV_POLICY_PUT), 1);
	assert_int_equal(put(K_POL, "{\"origin\": \"b\", \"doc\": {}}"), 0);
	assert_int_equal(events_of(CLEV_POLICY_PUT), 1);
	/* our own document is skipped */
	assert_int_equal(put(K_POL, "{\"origin\": \"self\", \"doc\": {}}"), 0);
	assert_int_equal(events_of(CLEV_POLICY_PUT), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_events_not_a_list, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_null_strings_in_events, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_node_record, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_policy_origin, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_node_block6, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_record_block6, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_endpoint_ip6, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_endpoint_ip6_untrusted, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_endpoint_ip6_only, setup, teardown),
	};

	/* a cluster each: a test that crashed in the handler leaves its lock held */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
