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
	};

	/* a cluster each: a test that crashed in the handler leaves its lock held */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
