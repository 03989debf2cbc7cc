// SPDX-License-Identifier: GPL-2.0-only
/*
 * The store's documents: NetworkPolicy and InspectionPolicy documents by
 * namespace and name (a re-apply replaces), and the administrator's
 * namespace labels.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "lib/store.h"
#include "lib/store_priv.h"
#include "lib/log.h"

int store__ns_label_set(struct store *s, const char *ns, const char *key, const char *val)
{
	sqlite3_stmt *st;
	int err;

	err = store_prepare(s,
			    "INSERT OR REPLACE INTO namespace_labels(namespace, key, value)"
			    " VALUES(?, ?, ?)",
			    &st);
	if (err)
		return err;
	sqlite3_bind_text(st, 1, ns, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, val, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		err = store_sql_err(s, "namespace label set");
	sqlite3_finalize(st);
	return err;
}

int store__ns_label_delete(struct store *s, const char *ns, const char *key)
{
	sqlite3_stmt *st;
	int err;

	err = store_prepare(s, "DELETE FROM namespace_labels WHERE namespace = ? AND key = ?", &st);
	if (err)
		return err;
	sqlite3_bind_text(st, 1, ns, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		err = store_sql_err(s, "namespace label delete");
	else if (!sqlite3_changes(s->db))
		err = -ENOENT;
	sqlite3_finalize(st);
	return err;
}

int store__ns_label_foreach(struct store *s, store_ns_label_cb cb, void *ctx)
{
	sqlite3_stmt *st;
	int err, rc;

	err = store_prepare(
	    s, "SELECT namespace, key, value FROM namespace_labels ORDER BY namespace, key", &st);
	if (err)
		return err;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		err = cb((const char *)sqlite3_column_text(st, 0),
			 (const char *)sqlite3_column_text(st, 1),
			 (const char *)sqlite3_column_text(st, 2), ctx);
		if (err)
			break;
	}
	if (!err && rc != SQLITE_DONE)
		err = store_sql_err(s, "namespace label list");
	sqlite3_finalize(st);
	return err;
}

static const char *doc_table(enum store_doc_kind kind)
{
	return kind == STORE_DOC_INSPECTION ? "inspections" : "policies";
}

int store__doc_put(struct store *s, enum store_doc_kind kind, const char *ns, const char *name,
		   const char *doc, int64_t updated)
{
	sqlite3_stmt *st;
	char sql[160];
	int err;

	snprintf(sql, sizeof(sql),
		 "INSERT OR REPLACE INTO %s(namespace, name, doc, updated) VALUES(?, ?, ?, ?)",
		 doc_table(kind));
	err = store_prepare(s, sql, &st);
	if (err)
		return err;
	sqlite3_bind_text(st, 1, ns, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, doc, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, updated);
	if (sqlite3_step(st) != SQLITE_DONE)
		err = store_sql_err(s, "policy put");
	sqlite3_finalize(st);
	return err;
}

int store__doc_delete(struct store *s, enum store_doc_kind kind, const char *ns, const char *name)
{
	sqlite3_stmt *st;
	char sql[128];
	int err;

	snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE namespace = ? AND name = ?",
		 doc_table(kind));
	err = store_prepare(s, sql, &st);
	if (err)
		return err;
	sqlite3_bind_text(st, 1, ns, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		err = store_sql_err(s, "policy delete");
	else if (!sqlite3_changes(s->db))
		err = -ENOENT;
	sqlite3_finalize(st);
	return err;
}

int store__doc_foreach(struct store *s, enum store_doc_kind kind, store_policy_cb cb, void *ctx)
{
	sqlite3_stmt *st;
	char sql[128];
	int err, rc;

	snprintf(sql, sizeof(sql),
		 "SELECT namespace, name, doc, updated FROM %s"
		 " ORDER BY namespace, name",
		 doc_table(kind));
	err = store_prepare(s, sql, &st);
	if (err)
		return err;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		err =
		    cb((const char *)sqlite3_column_text(st, 0),
		       (const char *)sqlite3_column_text(st, 1),
		       (const char *)sqlite3_column_text(st, 2), sqlite3_column_int64(st, 3), ctx);
		if (err)
			break;
	}
	if (!err && rc != SQLITE_DONE)
		err = store_sql_err(s, "policy list");
	sqlite3_finalize(st);
	return err;
}

int store__policy_put(struct store *s, const char *ns, const char *name, const char *doc,
		      int64_t updated)
{
	return store__doc_put(s, STORE_DOC_NETPOL, ns, name, doc, updated);
}

int store__policy_delete(struct store *s, const char *ns, const char *name)
{
	return store__doc_delete(s, STORE_DOC_NETPOL, ns, name);
}

int store__policy_foreach(struct store *s, store_policy_cb cb, void *ctx)
{
	return store__doc_foreach(s, STORE_DOC_NETPOL, cb, ctx);
}
