// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "lib/store.h"
#include "lib/store_priv.h"
#include "lib/addr.h"
#include "lib/addr6.h"
#include "lib/log.h"

#define HYP_IDENTITY_FIRST 256

static const char schema[] =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;"
    "CREATE TABLE IF NOT EXISTS meta(k TEXT PRIMARY KEY, v TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS identities("
    "  id INTEGER PRIMARY KEY, labels TEXT UNIQUE NOT NULL);"
    "CREATE TABLE IF NOT EXISTS snics("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  name TEXT UNIQUE NOT NULL, netns TEXT NOT NULL,"
    "  netns_dev INTEGER NOT NULL, netns_ino INTEGER NOT NULL,"
    "  ifname TEXT NOT NULL, ip INTEGER UNIQUE NOT NULL, prefix INTEGER NOT NULL,"
    "  mac TEXT NOT NULL, labels TEXT NOT NULL, identity INTEGER NOT NULL,"
    "  key TEXT UNIQUE NOT NULL, flags INTEGER NOT NULL DEFAULT 0,"
    "  owner TEXT NOT NULL DEFAULT '', created INTEGER NOT NULL,"
    "  hw TEXT NOT NULL DEFAULT '', ports TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX IF NOT EXISTS snics_owner ON snics(owner);"
    "CREATE TABLE IF NOT EXISTS policies("
    "  namespace TEXT NOT NULL, name TEXT NOT NULL, doc TEXT NOT NULL,"
    "  updated INTEGER NOT NULL, PRIMARY KEY(namespace, name));"
    "CREATE TABLE IF NOT EXISTS inspections("
    "  namespace TEXT NOT NULL, name TEXT NOT NULL, doc TEXT NOT NULL,"
    "  updated INTEGER NOT NULL, PRIMARY KEY(namespace, name));"
    "CREATE TABLE IF NOT EXISTS namespace_labels("
    "  namespace TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,"
    "  PRIMARY KEY(namespace, key));"
    "CREATE TABLE IF NOT EXISTS publish("
    "  port INTEGER NOT NULL, proto INTEGER NOT NULL, snic INTEGER NOT NULL,"
    "  snic_port INTEGER NOT NULL, PRIMARY KEY(port, proto),"
    "  UNIQUE(snic, snic_port, proto));";

int store_sql_err(struct store *s, const char *what)
{
	int code = sqlite3_extended_errcode(s->db);

	pr_warn("store: %s: %s\n", what, sqlite3_errmsg(s->db));
	if ((code & 0xff) == SQLITE_CONSTRAINT)
		return -EEXIST;
	if ((code & 0xff) == SQLITE_BUSY)
		return -EBUSY;
	return -EIO;
}

/*
 * A store made before the backend kept its own state has no hw column:
 * add it (empty: the backend finds its objects again and rewrites it).
 * The columns that held emu's fields stay, unused, with their defaults.
 * One made before named ports has no ports column: add it (none declared).
 */
static int add_column(struct store *s, const char *col, char **msg)
{
	sqlite3_stmt *st;
	char sql[128];

	snprintf(sql, sizeof(sql), "SELECT %s FROM snics LIMIT 0", col);
	if (!sqlite3_prepare_v2(s->db, sql, -1, &st, NULL)) {
		sqlite3_finalize(st);
		return 0;
	}
	snprintf(sql, sizeof(sql), "ALTER TABLE snics ADD COLUMN %s TEXT NOT NULL DEFAULT ''", col);
	return sqlite3_exec(s->db, sql, NULL, NULL, msg);
}

/* IPv6 (dual stack): the address as text ('' none), unique when set. */
static int schema_upgrade(struct store *s, char **msg)
{
	return add_column(s, "hw", msg) || add_column(s, "ports", msg) ||
	       add_column(s, "ip6", msg) || add_column(s, "prefix6", msg) ||
	       sqlite3_exec(s->db,
			    "CREATE UNIQUE INDEX IF NOT EXISTS snics_ip6 ON snics(ip6)"
			    " WHERE ip6 != ''",
			    NULL, NULL, msg);
}

int store__open(const char *path, struct store **out)
{
	struct store *s = calloc(1, sizeof(*s));
	char *msg = NULL;
	int err;

	if (!s)
		return -ENOMEM;
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL)) {
		pr_warn("store: cannot open %s: %s\n", path, sqlite3_errmsg(s->db));
		err = -EIO;
		goto err;
	}
	sqlite3_busy_timeout(s->db, 5000);
	if (sqlite3_exec(s->db, schema, NULL, NULL, &msg) || schema_upgrade(s, &msg)) {
		pr_warn("store: schema of %s: %s\n", path, msg ? msg : "?");
		sqlite3_free(msg);
		err = -EIO;
		goto err;
	}
	*out = s;
	return 0;
err:
	sqlite3_close(s->db);
	free(s);
	return err;
}

void store__close(struct store *s)
{
	if (!s)
		return;
	sqlite3_close(s->db);
	free(s);
}

static int exec(struct store *s, const char *sql)
{
	return sqlite3_exec(s->db, sql, NULL, NULL, NULL) ? store_sql_err(s, sql) : 0;
}

int store__begin(struct store *s)
{
	return exec(s, "BEGIN IMMEDIATE");
}

int store__commit(struct store *s)
{
	return exec(s, "COMMIT");
}

void store__rollback(struct store *s)
{
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

int store_prepare(struct store *s, const char *sql, sqlite3_stmt **st)
{
	return sqlite3_prepare_v2(s->db, sql, -1, st, NULL) ? store_sql_err(s, "prepare") : 0;
}

int store__meta_get(struct store *s, const char *key, char *buf, size_t len)
{
	sqlite3_stmt *st;
	int err, rc;

	err = store_prepare(s, "SELECT v FROM meta WHERE k = ?", &st);
	if (err)
		return err;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(buf, len, "%s", (const char *)sqlite3_column_text(st, 0));
	else
		err = rc == SQLITE_DONE ? -ENOENT : store_sql_err(s, "meta get");
	sqlite3_finalize(st);
	return err;
}

int store__meta_set(struct store *s, const char *key, const char *val)
{
	sqlite3_stmt *st;
	int err;

	err = store_prepare(s, "INSERT OR REPLACE INTO meta(k, v) VALUES(?, ?)", &st);
	if (err)
		return err;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, val, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		err = store_sql_err(s, "meta set");
	sqlite3_finalize(st);
	return err;
}

#define SNIC_COLS                                                                                  \
	"id, name, netns, netns_dev, netns_ino, ifname, ip, prefix, mac, labels, identity, key,"   \
	" flags, owner, created, hw, ports, ip6, prefix6"

/* A text column into buf, cut at len - 1 (snprintf's "%s" was a quarter of
 * a 10 000-row walk) */
static void col_copy(sqlite3_stmt *st, int col, char *buf, size_t len)
{
	const char *t = (const char *)sqlite3_column_text(st, col);
	size_t n = t ? (size_t)sqlite3_column_bytes(st, col) : 0;

	if (n >= len)
		n = len - 1;
	if (n)
		memcpy(buf, t, n);
	buf[n] = '\0';
}

static void row_to_rec(sqlite3_stmt *st, struct snic_rec *r)
{
	int64_t ip;

	/* every field is set below: no memset of the 4 KB record per row */
	r->id = sqlite3_column_int64(st, 0);
	col_copy(st, 1, r->name, sizeof(r->name));
	col_copy(st, 2, r->netns, sizeof(r->netns));
	r->netns_dev = (uint64_t)sqlite3_column_int64(st, 3);
	r->netns_ino = (uint64_t)sqlite3_column_int64(st, 4);
	col_copy(st, 5, r->ifname, sizeof(r->ifname));
	ip = sqlite3_column_int64(st, 6);
	r->ip = ip > 0 ? (uint32_t)ip : 0; /* <= 0: IPv6-only (store__snic_insert) */
	r->prefix = (uint8_t)sqlite3_column_int(st, 7);
	memset(r->mac, 0, sizeof(r->mac));
	memset(r->key, 0, sizeof(r->key));
	memset(r->ip6, 0, sizeof(r->ip6));
	r->prefix6 = 0;
	mac_parse((const char *)sqlite3_column_text(st, 8), r->mac);
	col_copy(st, 9, r->labels, sizeof(r->labels));
	r->identity = (uint32_t)sqlite3_column_int64(st, 10);
	hex_decode((const char *)sqlite3_column_text(st, 11), r->key, sizeof(r->key));
	r->flags = (uint32_t)sqlite3_column_int64(st, 12);
	col_copy(st, 13, r->owner, sizeof(r->owner));
	r->created = sqlite3_column_int64(st, 14);
	col_copy(st, 15, r->hw, sizeof(r->hw));
	col_copy(st, 16, r->ports, sizeof(r->ports));
	if (!ipv6_parse((const char *)sqlite3_column_text(st, 17), r->ip6))
		r->prefix6 = (uint8_t)atoi((const char *)sqlite3_column_text(st, 18));
}

/*
 * An IPv6-only SNIC has no IPv4 address (ip 0), but the ip column is UNIQUE
 * NOT NULL since the first store: it holds a negative placeholder, one below
 * the smallest in use, read back as 0. ?6 is the address.
 */
#define IP_OR_PLACEHOLDER                                                                          \
	"CASE WHEN ?6 = 0 THEN (SELECT min(0, ifnull(min(ip), 0)) - 1 FROM snics) ELSE ?6 END"

int store__snic_insert(struct store *s, struct snic_rec *r)
{
	sqlite3_stmt *st;
	char mac[18], key[33], ip6[IP6_STRLEN] = "", prefix6[4] = "";
	int err;

	if (r->prefix6) {
		ipv6_format(r->ip6, ip6, sizeof(ip6));
		snprintf(prefix6, sizeof(prefix6), "%u", r->prefix6);
	}
	err = store_prepare(
	    s,
	    "INSERT INTO snics(name, netns, netns_dev, netns_ino, ifname, ip, prefix,"
	    " mac, labels, identity, key, flags, owner, created, hw, ports, ip6,"
	    " prefix6) VALUES(?,?,?,?,?," IP_OR_PLACEHOLDER ",?,?,?,?,?,?,?,?,?,?,?,?)",
	    &st);
	if (err)
		return err;
	mac_format(r->mac, mac, sizeof(mac));
	hex_encode(r->key, sizeof(r->key), key, sizeof(key));
	sqlite3_bind_text(st, 1, r->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->netns, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (int64_t)r->netns_dev);
	sqlite3_bind_int64(st, 4, (int64_t)r->netns_ino);
	sqlite3_bind_text(st, 5, r->ifname, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, r->ip);
	sqlite3_bind_int(st, 7, r->prefix);
	sqlite3_bind_text(st, 8, mac, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 9, r->labels, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 10, r->identity);
	sqlite3_bind_text(st, 11, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 12, r->flags);
	sqlite3_bind_text(st, 13, r->owner, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 14, r->created);
	sqlite3_bind_text(st, 15, r->hw, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 16, r->ports, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 17, ip6, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 18, prefix6, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE)
		err = store_sql_err(s, "snic insert");
	else
		r->id = sqlite3_last_insert_rowid(s->db);
	sqlite3_finalize(st);
	return err;
}

int store__snic_update_hw(struct store *s, const struct snic_rec *r)
{
	sqlite3_stmt *st;
	int err;

	err = store_prepare(s, "UPDATE snics SET hw = ? WHERE id = ?", &st);
	if (err)
		return err;
	sqlite3_bind_text(st, 1, r->hw, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, r->id);
	if (sqlite3_step(st) != SQLITE_DONE)
		err = store_sql_err(s, "snic update");
	sqlite3_finalize(st);
	return err;
}

int store__snic_delete(struct store *s, int64_t id)
{
	sqlite3_stmt *st;
	int err;

	err = store_prepare(s, "DELETE FROM snics WHERE id = ?", &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_DONE)
		err = store_sql_err(s, "snic delete");
	else if (!sqlite3_changes(s->db))
		err = -ENOENT;
	sqlite3_finalize(st);
	return err;
}

static int get_one(struct store *s, const char *where, const char *text, int64_t num,
		   struct snic_rec *r)
{
	char sql[512];
	sqlite3_stmt *st;
	int err, rc;

	snprintf(sql, sizeof(sql), "SELECT " SNIC_COLS " FROM snics WHERE %s", where);
	err = store_prepare(s, sql, &st);
	if (err)
		return err;
	if (text)
		sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, 1, num);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		row_to_rec(st, r);
	else
		err = rc == SQLITE_DONE ? -ENOENT : store_sql_err(s, "snic get");
	sqlite3_finalize(st);
	return err;
}

int store__snic_get(struct store *s, const char *name, struct snic_rec *r)
{
	return get_one(s, "name = ?", name, 0, r);
}

int store__snic_by_ip(struct store *s, uint32_t ip, struct snic_rec *r)
{
	if (!ip) /* 0 is no address: IPv6-only SNICs are not found by it */
		return -ENOENT;
	return get_one(s, "ip = ?", NULL, ip, r);
}

int store__snic_by_mac(struct store *s, const uint8_t mac[6], struct snic_rec *r)
{
	char buf[18];

	mac_format(mac, buf, sizeof(buf));
	return get_one(s, "mac = ?", buf, 0, r);
}

int store__snic_by_ip6(struct store *s, const uint8_t ip6[16], struct snic_rec *r)
{
	char buf[IP6_STRLEN];

	ipv6_format(ip6, buf, sizeof(buf));
	return get_one(s, "ip6 = ?", buf, 0, r);
}

int store__snic_by_id(struct store *s, int64_t id, struct snic_rec *r)
{
	return get_one(s, "id = ?", NULL, id, r);
}

int store__snic_by_owner(struct store *s, const char *owner, struct snic_rec *r)
{
	return get_one(s, "owner = ? AND owner != ''", owner, 0, r);
}

/* Every SNIC row the query selects, in its order; after_id >= 0 binds its one parameter. */
static int snic_rows(struct store *s, const char *sql, int64_t after_id, store_snic_cb cb,
		     void *ctx)
{
	sqlite3_stmt *st;
	struct snic_rec *r;
	int err, rc;

	r = malloc(sizeof(*r));
	if (!r)
		return -ENOMEM;
	err = store_prepare(s, sql, &st);
	if (err)
		goto out;
	if (after_id >= 0)
		sqlite3_bind_int64(st, 1, after_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row_to_rec(st, r);
		err = cb(r, ctx);
		if (err)
			break;
	}
	if (!err && rc != SQLITE_DONE)
		err = store_sql_err(s, "snic list");
	sqlite3_finalize(st);
out:
	free(r);
	return err;
}

int store__snic_foreach(struct store *s, store_snic_cb cb, void *ctx)
{
	return snic_rows(s, "SELECT " SNIC_COLS " FROM snics ORDER BY name", -1, cb, ctx);
}

int store__snic_foreach_after(struct store *s, int64_t after_id, store_snic_cb cb, void *ctx)
{
	return snic_rows(s, "SELECT " SNIC_COLS " FROM snics WHERE id > ? ORDER BY id",
			 after_id < 0 ? 0 : after_id, cb, ctx);
}

int store__snic_count(struct store *s)
{
	sqlite3_stmt *st;
	int n = -EIO;

	if (store_prepare(s, "SELECT COUNT(*) FROM snics", &st))
		return -EIO;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

int store__identity_get(struct store *s, const char *labels, uint32_t *id)
{
	sqlite3_stmt *st;
	int err, rc;

	err = store_prepare(s, "SELECT id FROM identities WHERE labels = ?", &st);
	if (err)
		return err;
	sqlite3_bind_text(st, 1, labels, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = (uint32_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc != SQLITE_DONE)
		return store_sql_err(s, "identity get");

	err =
	    store_prepare(s,
			  "INSERT INTO identities(id, labels) VALUES("
			  " (SELECT MAX(COALESCE((SELECT MAX(id) FROM identities), 0) + 1, ?)), ?)",
			  &st);
	if (err)
		return err;
	sqlite3_bind_int(st, 1, HYP_IDENTITY_FIRST);
	sqlite3_bind_text(st, 2, labels, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		err = store_sql_err(s, "identity insert");
	else
		*id = (uint32_t)sqlite3_last_insert_rowid(s->db);
	sqlite3_finalize(st);
	return err;
}

int store__identity_find(struct store *s, const char *labels, uint32_t *id)
{
	sqlite3_stmt *st;
	int err, rc;

	err = store_prepare(s, "SELECT id FROM identities WHERE labels = ?", &st);
	if (err)
		return err;
	sqlite3_bind_text(st, 1, labels, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = (uint32_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? -ENOENT : store_sql_err(s, "identity find");
}

int store__identity_put(struct store *s, const char *labels, uint32_t id)
{
	sqlite3_stmt *st;
	int err;

	/* the cluster's number wins over one this node gave the set before */
	err = store_prepare(s, "DELETE FROM identities WHERE labels = ? AND id != ?", &st);
	if (err)
		return err;
	sqlite3_bind_text(st, 1, labels, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	err = sqlite3_step(st) == SQLITE_DONE ? 0 : store_sql_err(s, "identity put");
	sqlite3_finalize(st);
	if (err)
		return err;
	err = store_prepare(s, "INSERT OR IGNORE INTO identities(id, labels) VALUES(?, ?)", &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, labels, -1, SQLITE_STATIC);
	err = sqlite3_step(st) == SQLITE_DONE ? 0 : store_sql_err(s, "identity put");
	sqlite3_finalize(st);
	if (!err && sqlite3_changes(s->db) == 0) {
		uint32_t have = 0;

		/* either present already, or the number is another set's here */
		err = store__identity_get(s, labels, &have);
		if (!err && have != id)
			err = -EEXIST;
	}
	return err;
}

int store__identity_gc(struct store *s)
{
	return exec(s, "DELETE FROM identities WHERE id NOT IN (SELECT identity FROM snics)");
}

int store__identity_count(struct store *s)
{
	sqlite3_stmt *st;
	int n = -EIO;

	if (store_prepare(s, "SELECT COUNT(*) FROM identities", &st))
		return -EIO;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}
