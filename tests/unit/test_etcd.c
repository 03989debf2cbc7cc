// SPDX-License-Identifier: GPL-2.0-only
/*
 * The etcd client (src/cluster/etcd*.c) against a real etcd server
 * (Debian's etcd-server, started here on loopback): key/value calls,
 * transactions, leases with keepalive and expiry, watches (events in
 * order, resume, compaction), endpoint failover and unreachable servers.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "etcd_fixture.h"

static struct etcd_server srv;
static struct etcd *E;

static int setup(void **state)
{
	int err = etcd_server_start(&srv);

	if (err == -ENOENT) {
		fprintf(stderr, "etcd not installed (scripts/setup.sh)\n");
		return 0;
	}
	if (err)
		return -1;
	return etcd__open(srv.url, 3000, &E) ? -1 : 0;
}

static int teardown(void **state)
{
	etcd__close(E);
	etcd_server_stop(&srv, 0);
	return 0;
}

#define NEED_ETCD()                                                                                \
	do {                                                                                       \
		if (!E)                                                                            \
			skip();                                                                    \
	} while (0)

static void test_b64(void **state)
{
	static const char *in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
	static const char *want[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
	char out[32], back[32];
	size_t n;

	for (size_t i = 0; i < 7; i++) {
		b64_encode(in[i], strlen(in[i]), out);
		assert_string_equal(out, want[i]);
		assert_int_equal(b64_decode(out, back, &n), 0);
		assert_int_equal(n, strlen(in[i]));
		assert_memory_equal(back, in[i], n);
	}
	assert_int_equal(b64_decode("Zm9", back, &n), -EINVAL);
	assert_int_equal(b64_decode("Zm9*", back, &n), -EINVAL);
	assert_int_equal(b64_decode("Zg==Zg==", back, &n), -EINVAL);
	assert_int_equal(b64_decode("Z=9v", back, &n), -EINVAL);
}

static void test_open_bad(void **state)
{
	struct etcd *e = NULL;

	assert_int_equal(etcd__open("", 100, &e), -EINVAL);
	assert_int_equal(etcd__open("127.0.0.1:2379", 100, &e), -EINVAL);
	assert_int_equal(etcd__open("ftp://x", 100, &e), -EINVAL);
	assert_null(e);
}

static void test_kv(void **state)
{
	char *v = NULL;
	int64_t rev = 0;

	NEED_ETCD();
	assert_int_equal(etcd__get(E, "/t/kv/a", &v, NULL), -ENOENT);
	assert_int_equal(etcd__put(E, "/t/kv/a", "hello world", 0), 0);
	assert_int_equal(etcd__get(E, "/t/kv/a", &v, &rev), 0);
	assert_string_equal(v, "hello world");
	assert_true(rev > 0);
	free(v);
	assert_int_equal(etcd__del(E, "/t/kv/a"), 0);
	assert_int_equal(etcd__get(E, "/t/kv/a", &v, NULL), -ENOENT);
}

static void test_txn(void **state)
{
	char *v = NULL;

	NEED_ETCD();
	assert_int_equal(etcd__create(E, "/t/txn/id", "one", 0), 1);
	assert_int_equal(etcd__create(E, "/t/txn/id", "two", 0), 0);
	assert_int_equal(etcd__get(E, "/t/txn/id", &v, NULL), 0);
	assert_string_equal(v, "one"); /* the loser changed nothing */
	free(v);
	assert_int_equal(etcd__del_if(E, "/t/txn/id", "two"), 0);
	assert_int_equal(etcd__get(E, "/t/txn/id", &v, NULL), 0);
	free(v);
	assert_int_equal(etcd__del_if(E, "/t/txn/id", "one"), 1);
	assert_int_equal(etcd__get(E, "/t/txn/id", &v, NULL), -ENOENT);
}

static void test_list_prefix(void **state)
{
	struct etcd_kv *kvs = NULL;
	size_t n = 0;
	int64_t rev = 0;

	NEED_ETCD();
	assert_int_equal(etcd__put(E, "/t/list/b", "2", 0), 0);
	assert_int_equal(etcd__put(E, "/t/list/a", "1", 0), 0);
	assert_int_equal(etcd__put(E, "/t/list0", "not under the prefix", 0), 0);
	assert_int_equal(etcd__list(E, "/t/list/", &kvs, &n, &rev), 0);
	assert_int_equal(n, 2);
	assert_string_equal(kvs[0].key, "/t/list/a");
	assert_string_equal(kvs[0].value, "1");
	assert_string_equal(kvs[1].key, "/t/list/b");
	assert_true(rev >= kvs[1].mod_revision);
	etcd_kvs_free(kvs, n);
}

static void test_lease(void **state)
{
	int64_t id = 0, ttl = 0;
	char *v = NULL;

	NEED_ETCD();
	assert_int_equal(etcd__lease_grant(E, 30, &id), 0);
	assert_int_equal(etcd__put(E, "/t/lease/x", "alive", id), 0);
	assert_int_equal(etcd__lease_keepalive(E, id, &ttl), 0);
	assert_true(ttl > 0 && ttl <= 30);
	assert_int_equal(etcd__lease_revoke(E, id), 0);
	/* revoking the lease deleted its key; it cannot be kept alive again */
	assert_int_equal(etcd__get(E, "/t/lease/x", &v, NULL), -ENOENT);
	assert_int_equal(etcd__lease_keepalive(E, id, &ttl), 0);
	assert_int_equal(ttl, 0);
}

static void test_lease_expiry(void **state)
{
	int64_t id = 0;
	char *v = NULL;
	int err = 0;

	NEED_ETCD();
	assert_int_equal(etcd__lease_grant(E, 2, &id), 0);
	assert_int_equal(etcd__put(E, "/t/expire/x", "short", id), 0);
	for (int i = 0; i < 150; i++) {
		err = etcd__get(E, "/t/expire/x", &v, NULL);
		free(v);
		v = NULL;
		if (err == -ENOENT)
			break;
		nanosleep(&(struct timespec){.tv_nsec = 100000000}, NULL);
	}
	assert_int_equal(err, -ENOENT);
}

struct seen {
	int n;
	char keys[8][32];
	bool deleted[8];
	int want;
};

static int collect(const struct etcd_event *ev, void *arg)
{
	struct seen *s = arg;

	if (s->n < 8) {
		snprintf(s->keys[s->n], sizeof(s->keys[0]), "%s", ev->kv.key);
		s->deleted[s->n] = ev->deleted;
	}
	return ++s->n >= s->want;
}

static void *writer(void *arg)
{
	struct etcd *e;

	nanosleep(&(struct timespec){.tv_nsec = 200000000}, NULL);
	if (etcd__open(srv.url, 3000, &e))
		return NULL;
	etcd__put(e, "/t/watch/one", "1", 0);
	etcd__put(e, "/t/watch-not", "x", 0);
	etcd__put(e, "/t/watch/two", "2", 0);
	etcd__del(e, "/t/watch/one");
	etcd__close(e);
	return NULL;
}

static void test_watch(void **state)
{
	struct seen s = {.want = 3};
	struct etcd_kv *kvs;
	size_t n;
	int64_t rev, last = 0;
	pthread_t t;

	NEED_ETCD();
	assert_int_equal(etcd__list(E, "/t/watch/", &kvs, &n, &rev), 0);
	etcd_kvs_free(kvs, n);
	assert_int_equal(pthread_create(&t, NULL, writer, NULL), 0);
	assert_int_equal(etcd__watch(E, "/t/watch/", rev + 1, collect, &s, NULL, &last), -ECANCELED);
	pthread_join(t, NULL);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.keys[0], "/t/watch/one");
	assert_false(s.deleted[0]);
	assert_string_equal(s.keys[1], "/t/watch/two");
	assert_string_equal(s.keys[2], "/t/watch/one");
	assert_true(s.deleted[2]);
	assert_true(last > rev);
	/* resuming from the start revision replays the same events */
	s = (struct seen){.want = 3};
	assert_int_equal(etcd__watch(E, "/t/watch/", rev + 1, collect, &s, NULL, NULL), -ECANCELED);
	assert_string_equal(s.keys[1], "/t/watch/two");
}

static void test_watch_compacted(void **state)
{
	struct seen s = {.want = 1};
	int64_t rev = 0;
	char *v;

	NEED_ETCD();
	assert_int_equal(etcd__put(E, "/t/compact/a", "1", 0), 0);
	assert_int_equal(etcd__put(E, "/t/compact/a", "2", 0), 0);
	assert_int_equal(etcd__get(E, "/t/compact/a", &v, &rev), 0);
	free(v);
	assert_int_equal(etcd__compact(E, rev), 0);
	assert_int_equal(etcd__watch(E, "/t/compact/", rev - 1, collect, &s, NULL, NULL), -ESTALE);
	assert_int_equal(s.n, 0);
}

static void test_unreachable_and_failover(void **state)
{
	char eps[160], *v = NULL;
	struct etcd *e;
	int dead = free_port();

	NEED_ETCD();
	snprintf(eps, sizeof(eps), "http://127.0.0.1:%d", dead);
	assert_int_equal(etcd__open(eps, 500, &e), 0);
	assert_int_equal(etcd__put(e, "/t/x", "1", 0), -ECONNREFUSED);
	etcd__close(e);
	/* the dead endpoint first: the call goes on to the live one */
	snprintf(eps, sizeof(eps), "http://127.0.0.1:%d,%s", dead, srv.url);
	assert_int_equal(etcd__open(eps, 500, &e), 0);
	assert_int_equal(etcd__put(e, "/t/fo", "ok", 0), 0);
	assert_int_equal(etcd__get(e, "/t/fo", &v, NULL), 0);
	assert_string_equal(v, "ok");
	assert_string_equal(etcd__endpoint(e), srv.url);
	free(v);
	etcd__close(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_b64),
	    cmocka_unit_test(test_open_bad),
	    cmocka_unit_test(test_kv),
	    cmocka_unit_test(test_txn),
	    cmocka_unit_test(test_list_prefix),
	    cmocka_unit_test(test_lease),
	    cmocka_unit_test(test_lease_expiry),
	    cmocka_unit_test(test_watch),
	    cmocka_unit_test(test_watch_compacted),
	    cmocka_unit_test(test_unreachable_and_failover),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
