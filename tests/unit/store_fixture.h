/* SPDX-License-Identifier: GPL-2.0-only */
/* Fixture of the store's unit tests: a fresh database per test, records. */
#ifndef HYP_TESTS_STORE_FIXTURE_H
#define HYP_TESTS_STORE_FIXTURE_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "lib/store.h"

#define IP(a, b, c, d)                                                                             \
	(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))

struct fixture {
	char path[64];
	struct store *s;
};

static inline void unlink_db(const char *path)
{
	char aux[80];

	unlink(path);
	snprintf(aux, sizeof(aux), "%s-wal", path);
	unlink(aux);
	snprintf(aux, sizeof(aux), "%s-shm", path);
	unlink(aux);
	snprintf(aux, sizeof(aux), "%s-journal", path);
	unlink(aux);
}

static inline int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	int fd;

	if (!f)
		return -1;
	snprintf(f->path, sizeof(f->path), "/tmp/hyp-test-store-XXXXXX");
	fd = mkstemp(f->path);
	if (fd < 0) {
		free(f);
		return -1;
	}
	close(fd);
	if (store__open(f->path, &f->s)) {
		unlink_db(f->path);
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static inline int teardown(void **state)
{
	struct fixture *f = *state;

	store__close(f->s);
	unlink_db(f->path);
	free(f);
	return 0;
}

static inline struct store *S(void **state)
{
	return ((struct fixture *)*state)->s;
}

/* Reads the database behind the store's back, through its own connection. */
static inline int db_count(void **state, const char *sql, const char *arg)
{
	struct fixture *f = *state;
	sqlite3 *db;
	sqlite3_stmt *st;
	int n = -1;

	assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (arg)
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	assert_true(n >= 0);
	return n;
}

static inline int identity_exists(void **state, const char *labels)
{
	return db_count(state, "SELECT COUNT(*) FROM identities WHERE labels = ?", labels);
}

static inline void mkrec(struct snic_rec *r, const char *name, uint32_t ip)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", name);
	snprintf(r->netns, sizeof(r->netns), "ns-%s", name);
	r->netns_dev = 4;
	r->netns_ino = 4026532000ull + (ip & 0xff);
	snprintf(r->ifname, sizeof(r->ifname), "eth0");
	r->ip = ip;
	r->prefix = 24;
	r->mac[0] = 0x0a;
	r->mac[1] = 0x58;
	r->mac[2] = (uint8_t)(ip >> 24);
	r->mac[3] = (uint8_t)(ip >> 16);
	r->mac[4] = (uint8_t)(ip >> 8);
	r->mac[5] = (uint8_t)ip;
	snprintf(r->labels, sizeof(r->labels), "app=%s", name);
	r->identity = 256;
	for (int i = 0; i < 16; i++)
		r->key[i] = (uint8_t)(i * 31 + ip);
	r->flags = 1;
	r->created = 1700000000 + (int64_t)(ip & 0xff);
	/* the backend's own string: the store keeps it as it is */
	snprintf(r->hw, sizeof(r->hw), "{\"port\":\"hp-%s\",\"ifindex\":%u}", name,
		 10 + (ip & 0xff));
}

static inline void assert_rec_equal(const struct snic_rec *a, const struct snic_rec *b)
{
	assert_int_equal(a->id, b->id);
	assert_string_equal(a->name, b->name);
	assert_string_equal(a->netns, b->netns);
	assert_int_equal(a->netns_dev, b->netns_dev);
	assert_int_equal(a->netns_ino, b->netns_ino);
	assert_string_equal(a->ifname, b->ifname);
	assert_int_equal(a->ip, b->ip);
	assert_int_equal(a->prefix, b->prefix);
	assert_memory_equal(a->mac, b->mac, 6);
	assert_string_equal(a->labels, b->labels);
	assert_int_equal(a->identity, b->identity);
	assert_memory_equal(a->key, b->key, 16);
	assert_int_equal(a->flags, b->flags);
	assert_string_equal(a->owner, b->owner);
	assert_int_equal(a->created, b->created);
	assert_string_equal(a->hw, b->hw);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

#endif
