// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of src/lib/store.c: SNIC records (with the backend's state,
 * kept unread) and the upgrade of a store made before that state existed.
 */
#include "store_fixture.h"
#include "lib/addr6.h"

static void test_snic_insert_ids(void **state)
{
	struct store *s = S(state);
	struct snic_rec a, b, c;

	mkrec(&a, "a", IP(10, 0, 0, 2));
	mkrec(&b, "b", IP(10, 0, 0, 3));
	mkrec(&c, "c", IP(10, 0, 0, 4));
	a.id = b.id = c.id = -7;
	assert_int_equal(store__snic_insert(s, &a), 0);
	assert_int_equal(store__snic_insert(s, &b), 0);
	assert_true(a.id > 0);
	assert_true(b.id > a.id);

	/* ids are not reused after a delete (AUTOINCREMENT) */
	assert_int_equal(store__snic_delete(s, b.id), 0);
	assert_int_equal(store__snic_insert(s, &c), 0);
	assert_true(c.id > b.id);
	assert_int_equal(store__snic_count(s), 2);
}

static void test_snic_duplicates(void **state)
{
	struct store *s = S(state);
	struct snic_rec a, dup_name, dup_ip, got;

	mkrec(&a, "web", IP(10, 0, 0, 2));
	assert_int_equal(store__snic_insert(s, &a), 0);

	mkrec(&dup_name, "web", IP(10, 0, 0, 3));
	dup_name.id = -1;
	assert_int_equal(store__snic_insert(s, &dup_name), -EEXIST);
	assert_int_equal(dup_name.id, -1);

	mkrec(&dup_ip, "db", IP(10, 0, 0, 2));
	assert_int_equal(store__snic_insert(s, &dup_ip), -EEXIST);

	assert_int_equal(store__snic_count(s), 1);
	assert_int_equal(store__snic_get(s, "db", &got), -ENOENT);
	assert_int_equal(store__snic_by_ip(s, IP(10, 0, 0, 3), &got), -ENOENT);
	assert_int_equal(store__snic_get(s, "web", &got), 0);
	assert_rec_equal(&got, &a);
}

static void test_snic_get(void **state)
{
	struct store *s = S(state);
	struct snic_rec a, b, got;

	mkrec(&a, "alpha", IP(10, 0, 0, 2));
	snprintf(a.owner, sizeof(a.owner), "0123456789abcdef/eth0");
	/* high bit set: must survive the round trip through a signed column */
	a.netns_dev = 0xfedcba9876543210ull;
	mkrec(&b, "beta", IP(192, 168, 255, 254));
	assert_int_equal(store__snic_insert(s, &a), 0);
	assert_int_equal(store__snic_insert(s, &b), 0);

	assert_int_equal(store__snic_get(s, "alpha", &got), 0);
	assert_rec_equal(&got, &a);
	assert_int_equal(store__snic_get(s, "beta", &got), 0);
	assert_rec_equal(&got, &b);
	assert_int_equal(store__snic_get(s, "gamma", &got), -ENOENT);
	assert_int_equal(store__snic_get(s, "Alpha", &got), -ENOENT);

	assert_int_equal(store__snic_by_ip(s, IP(192, 168, 255, 254), &got), 0);
	assert_rec_equal(&got, &b);
	assert_int_equal(store__snic_by_ip(s, IP(10, 0, 0, 2), &got), 0);
	assert_string_equal(got.name, "alpha");
	assert_int_equal(store__snic_by_ip(s, IP(10, 0, 0, 9), &got), -ENOENT);

	assert_int_equal(store__snic_by_owner(s, "0123456789abcdef/eth0", &got), 0);
	assert_rec_equal(&got, &a);
	assert_int_equal(store__snic_by_owner(s, "0123456789abcdef/eth1", &got), -ENOENT);
	/* "" means no owner: b has none and must not be found by it */
	assert_int_equal(store__snic_by_owner(s, "", &got), -ENOENT);
}

static void test_snic_update_hw(void **state)
{
	struct store *s = S(state);
	struct snic_rec a, other, got, want;

	mkrec(&a, "a", IP(10, 0, 0, 2));
	mkrec(&other, "other", IP(10, 0, 0, 3));
	assert_int_equal(store__snic_insert(s, &a), 0);
	assert_int_equal(store__snic_insert(s, &other), 0);

	want = a;
	/* the longest state the record holds, quotes and all, kept whole */
	memset(want.hw, 'x', sizeof(want.hw) - 1);
	want.hw[sizeof(want.hw) - 1] = '\0';
	memcpy(want.hw, "{\"it's\":", 8);

	/* only the backend's state changes, whatever else the record says */
	got = want;
	snprintf(got.name, sizeof(got.name), "renamed");
	got.ip = IP(10, 0, 0, 99);
	got.flags = 0;
	assert_int_equal(store__snic_update_hw(s, &got), 0);

	assert_int_equal(store__snic_get(s, "a", &got), 0);
	assert_rec_equal(&got, &want);
	assert_int_equal(store__snic_get(s, "other", &got), 0);
	assert_rec_equal(&got, &other);
}

/* A store made before hw existed (emu's fields in columns of their own). */
static void test_open_upgrades_old_schema(void **state)
{
	struct fixture *f = *state;
	struct snic_rec a, got;
	sqlite3 *db;

	store__close(f->s);
	f->s = NULL;
	unlink_db(f->path);
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(
	    sqlite3_exec(
		db,
		"CREATE TABLE snics(id INTEGER PRIMARY KEY AUTOINCREMENT,"
		" name TEXT UNIQUE NOT NULL, netns TEXT NOT NULL,"
		" netns_dev INTEGER NOT NULL, netns_ino INTEGER NOT NULL,"
		" netns_cookie INTEGER NOT NULL DEFAULT 0, ifname TEXT NOT NULL,"
		" ip INTEGER UNIQUE NOT NULL, prefix INTEGER NOT NULL, mac TEXT NOT NULL,"
		" port_ifindex INTEGER NOT NULL DEFAULT 0,"
		" port_name TEXT NOT NULL DEFAULT '', if_index INTEGER NOT NULL DEFAULT 0,"
		" labels TEXT NOT NULL, identity INTEGER NOT NULL, key TEXT UNIQUE NOT NULL,"
		" flags INTEGER NOT NULL DEFAULT 0, owner TEXT NOT NULL DEFAULT '',"
		" created INTEGER NOT NULL);"
		"INSERT INTO snics(name, netns, netns_dev, netns_ino, netns_cookie, ifname,"
		" ip, prefix, mac, port_ifindex, port_name, if_index, labels, identity,"
		" key, created) VALUES('old', 'ns-old', 4, 5, 6, 'eth0', 167772162, 24,"
		" '0a:58:0a:00:00:02', 12, 'hp1', 2, 'app=old', 256,"
		" '000102030405060708090a0b0c0d0e0f', 1700000000);",
		NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);

	assert_int_equal(store__open(f->path, &f->s), 0);
	/* the old row reads, with no backend state yet */
	assert_int_equal(store__snic_get(f->s, "old", &got), 0);
	assert_int_equal(got.ip, IP(10, 0, 0, 2));
	assert_string_equal(got.hw, "");
	/* and a new one goes in and comes back whole */
	mkrec(&a, "new", IP(10, 0, 0, 3));
	assert_int_equal(store__snic_insert(f->s, &a), 0);
	assert_int_equal(store__snic_get(f->s, "new", &got), 0);
	assert_rec_equal(&got, &a);
	assert_int_equal(store__snic_update_hw(f->s, &a), 0);
	/* opened again: nothing more to upgrade */
	store__close(f->s);
	assert_int_equal(store__open(f->path, &f->s), 0);
	assert_int_equal(store__snic_get(f->s, "new", &got), 0);
	assert_rec_equal(&got, &a);
}

static void test_snic_delete(void **state)
{
	struct store *s = S(state);
	struct snic_rec a, b, got;

	mkrec(&a, "a", IP(10, 0, 0, 2));
	mkrec(&b, "b", IP(10, 0, 0, 3));
	assert_int_equal(store__snic_insert(s, &a), 0);
	assert_int_equal(store__snic_insert(s, &b), 0);

	assert_int_equal(store__snic_delete(s, a.id), 0);
	assert_int_equal(store__snic_count(s), 1);
	assert_int_equal(store__snic_get(s, "a", &got), -ENOENT);
	assert_int_equal(store__snic_by_ip(s, IP(10, 0, 0, 2), &got), -ENOENT);
	assert_int_equal(store__snic_get(s, "b", &got), 0);

	assert_int_equal(store__snic_delete(s, a.id), -ENOENT);
	assert_int_equal(store__snic_delete(s, 999999), -ENOENT);
	assert_int_equal(store__snic_delete(s, 0), -ENOENT);
	assert_int_equal(store__snic_count(s), 1);

	/* name and ip are free again */
	mkrec(&a, "a", IP(10, 0, 0, 2));
	assert_int_equal(store__snic_insert(s, &a), 0);
	assert_int_equal(store__snic_count(s), 2);
}

struct visit {
	int n;
	int stop_at;
	char names[8][64];
	int64_t ids[8];
};

static int visit_cb(const struct snic_rec *r, void *ctx)
{
	struct visit *v = ctx;

	if (v->n >= 8)
		return -E2BIG;
	snprintf(v->names[v->n], sizeof(v->names[0]), "%s", r->name);
	v->ids[v->n] = r->id;
	v->n++;
	return v->n == v->stop_at ? -ECANCELED : 0;
}

static void test_snic_foreach(void **state)
{
	static const char *const order[] = {"delta", "alpha", "echo", "charlie", "bravo"};
	static const char *const sorted[] = {"alpha", "bravo", "charlie", "delta", "echo"};
	struct store *s = S(state);
	struct visit v = {0};
	struct snic_rec r;

	assert_int_equal(store__snic_foreach(s, visit_cb, &v), 0);
	assert_int_equal(v.n, 0);

	for (int i = 0; i < 5; i++) {
		mkrec(&r, order[i], IP(10, 0, 0, 2 + i));
		assert_int_equal(store__snic_insert(s, &r), 0);
	}
	assert_int_equal(store__snic_count(s), 5);

	assert_int_equal(store__snic_foreach(s, visit_cb, &v), 0);
	assert_int_equal(v.n, 5);
	for (int i = 0; i < 5; i++) {
		assert_string_equal(v.names[i], sorted[i]);
		assert_true(v.ids[i] > 0);
	}

	/* a callback error stops the walk and is returned */
	memset(&v, 0, sizeof(v));
	v.stop_at = 2;
	assert_int_equal(store__snic_foreach(s, visit_cb, &v), -ECANCELED);
	assert_int_equal(v.n, 2);
	assert_string_equal(v.names[1], "bravo");
}

/* IPv6-only SNICs (ip 0): several fit the UNIQUE ip column, read back as 0,
 * never found by ip; found by their MAC and IPv6 address. */
static void test_snic_ipv6_only(void **state)
{
	struct store *s = S(state);
	struct snic_rec a, b, c, got;

	mkrec(&c, "v4", IP(10, 0, 0, 2));
	assert_int_equal(store__snic_insert(s, &c), 0);
	for (int i = 0; i < 2; i++) {
		struct snic_rec *r = i ? &b : &a;

		mkrec(r, i ? "six-b" : "six-a", 0);
		r->prefix = 0;
		r->key[0] = (uint8_t)(0x80 + i);
		assert_int_equal(ipv6_parse(i ? "fd00::b" : "fd00::a", r->ip6), 0);
		r->prefix6 = 64;
		mac_from_ipv6(r->ip6, r->mac);
		assert_int_equal(store__snic_insert(s, r), 0);
	}
	assert_int_equal(store__snic_count(s), 3);
	assert_int_equal(store__snic_get(s, "six-b", &got), 0);
	assert_int_equal(got.ip, 0);
	assert_int_equal(got.prefix, 0);
	assert_rec_equal(&got, &b);
	assert_int_equal(store__snic_by_ip(s, 0, &got), -ENOENT);
	assert_int_equal(store__snic_by_mac(s, a.mac, &got), 0);
	assert_string_equal(got.name, "six-a");
	assert_int_equal(store__snic_by_mac(s, c.mac, &got), 0);
	assert_string_equal(got.name, "v4");
	/* a delete frees its placeholder; the next one still fits */
	assert_int_equal(store__snic_delete(s, a.id), 0);
	mkrec(&a, "six-c", 0);
	a.key[0] = 0x90;
	assert_int_equal(ipv6_parse("fd00::c", a.ip6), 0);
	a.prefix6 = 64;
	mac_from_ipv6(a.ip6, a.mac);
	assert_int_equal(store__snic_insert(s, &a), 0);
	assert_int_equal(store__snic_by_mac(s, a.mac, &got), 0);
	assert_int_equal(got.ip, 0);
	/* the IPv6 address stays unique */
	mkrec(&c, "six-d", 0);
	c.key[0] = 0x91;
	memcpy(c.ip6, a.ip6, 16);
	c.prefix6 = 64;
	assert_int_equal(store__snic_insert(s, &c), -EEXIST);
	assert_int_equal(store__snic_count(s), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_snic_insert_ids), T(test_snic_duplicates),	       T(test_snic_get),
	    T(test_snic_update_hw),  T(test_open_upgrades_old_schema), T(test_snic_delete),
	    T(test_snic_foreach),    T(test_snic_ipv6_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
