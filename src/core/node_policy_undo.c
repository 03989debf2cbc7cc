// SPDX-License-Identifier: GPL-2.0-only
/*
 * Undo of a committed policy apply. node__policy_apply commits before it
 * loads (a crash must never leave the datapath enforcing a set the store
 * rolled back); only the backend knows whether an inspection set fits its
 * tables, so a load refused after the commit puts every document of the
 * apply back as it was, in one transaction: the apply changed nothing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/node_priv.h"

struct find_ctx {
	const char *ns, *name;
	char *doc;
};

static int find_cb(const char *ns, const char *name, const char *doc, int64_t updated, void *ctx)
{
	struct find_ctx *f = ctx;

	(void)updated;
	if (f->doc || strcmp(ns, f->ns) || strcmp(name, f->name))
		return 0;
	f->doc = strdup(doc);
	return f->doc ? 0 : -ENOMEM;
}

int doc_undo_add(struct node *n, struct doc_undo *u, enum store_doc_kind kind, const char *ns,
		 const char *name)
{
	struct find_ctx f = {.ns = ns, .name = name};
	struct doc_undo_ent *v;
	int err = store__doc_foreach(n->st, kind, find_cb, &f);

	v = err ? NULL : realloc(u->v, (u->n + 1) * sizeof(*v));
	if (!v) {
		free(f.doc);
		return err ? err : -ENOMEM;
	}
	u->v = v;
	v[u->n] = (struct doc_undo_ent){kind, strdup(ns), strdup(name), f.doc};
	if (!v[u->n].ns || !v[u->n].name) {
		free(v[u->n].ns);
		free(v[u->n].name);
		free(f.doc);
		return -ENOMEM;
	}
	u->n++;
	return 0;
}

int doc_undo_apply(struct node *n, const struct doc_undo *u)
{
	int err = store__begin(n->st);

	for (size_t i = 0; !err && i < u->n; i++) {
		const struct doc_undo_ent *e = &u->v[i];

		if (e->old)
			err = store__doc_put(n->st, e->kind, e->ns, e->name, e->old,
					     (int64_t)time(NULL));
		else if ((err = store__doc_delete(n->st, e->kind, e->ns, e->name)) == -ENOENT)
			err = 0;
	}
	if (!err)
		return store__commit(n->st);
	store__rollback(n->st);
	return err;
}

void doc_undo_free(struct doc_undo *u)
{
	for (size_t i = 0; i < u->n; i++) {
		free(u->v[i].ns);
		free(u->v[i].name);
		free(u->v[i].old);
	}
	free(u->v);
	memset(u, 0, sizeof(*u));
}
