// SPDX-License-Identifier: GPL-2.0-only
/* The store's published ports: uplink-addr:port/proto -> a SNIC's port. */
#include <errno.h>
#include <sqlite3.h>

#include "lib/store.h"
#include "lib/store_priv.h"

int store__publish_add(struct store *s, const struct pub_rec *r)
{
	sqlite3_stmt *st;
	int err;

	err = store_prepare(
	    s, "INSERT INTO publish(port, proto, snic, snic_port) VALUES(?, ?, ?, ?)", &st);
	if (err)
		return err;
	sqlite3_bind_int(st, 1, r->port);
	sqlite3_bind_int(st, 2, r->proto);
	sqlite3_bind_int64(st, 3, r->snic);
	sqlite3_bind_int(st, 4, r->snic_port);
	if (sqlite3_step(st) != SQLITE_DONE)
		err = store_sql_err(s, "publish add");
	sqlite3_finalize(st);
	return err;
}

static int del(struct store *s, const char *sql, int64_t a, int64_t b, int nargs)
{
	sqlite3_stmt *st;
	int err;

	err = store_prepare(s, sql, &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, a);
	if (nargs > 1)
		sqlite3_bind_int64(st, 2, b);
	if (sqlite3_step(st) != SQLITE_DONE)
		err = store_sql_err(s, "publish delete");
	else if (nargs > 1 && !sqlite3_changes(sqlite3_db_handle(st)))
		err = -ENOENT;
	sqlite3_finalize(st);
	return err;
}

int store__publish_del(struct store *s, uint16_t port, uint8_t proto)
{
	return del(s, "DELETE FROM publish WHERE port = ? AND proto = ?", port, proto, 2);
}

int store__publish_del_snic(struct store *s, int64_t snic)
{
	return del(s, "DELETE FROM publish WHERE snic = ?", snic, 0, 1);
}

int store__publish_foreach(struct store *s, store_pub_cb cb, void *ctx)
{
	sqlite3_stmt *st;
	struct pub_rec r;
	int err, rc;

	err = store_prepare(
	    s, "SELECT port, proto, snic, snic_port FROM publish ORDER BY proto, port", &st);
	if (err)
		return err;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		r.port = (uint16_t)sqlite3_column_int(st, 0);
		r.proto = (uint8_t)sqlite3_column_int(st, 1);
		r.snic = sqlite3_column_int64(st, 2);
		r.snic_port = (uint16_t)sqlite3_column_int(st, 3);
		err = cb(&r, ctx);
		if (err)
			break;
	}
	if (!err && rc != SQLITE_DONE)
		err = store_sql_err(s, "publish list");
	sqlite3_finalize(st);
	return err;
}
