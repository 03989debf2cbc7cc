/* SPDX-License-Identifier: GPL-2.0-only */
/* Inside the store (store.c, store_doc.c): the handle and the SQL helpers. */
#ifndef HYP_STORE_PRIV_H
#define HYP_STORE_PRIV_H

#include <sqlite3.h>

struct store {
	sqlite3 *db;
};

/* Logs the last SQLite error; -EEXIST, -EBUSY or -EIO. */
int store_sql_err(struct store *s, const char *what);
int store_prepare(struct store *s, const char *sql, sqlite3_stmt **st);

#endif
