// SPDX-License-Identifier: GPL-2.0-only
/*
 * Namespace labels as a table: loaded from the store for the policy
 * compiler (node_ns_load) and for `hyperctl namespace list`. Calls nothing
 * above the store, so the policy code and the namespace commands can both
 * use it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/node_priv.h"
#include "core/node_ns_table.h"
#include "lib/keys.h"
#include "lib/log.h"
#include "lib/selector.h"
#include "policy/policy.h"

void ns_table_free(struct ns_table *t)
{
	free(t->names);
	free(t->labels);
	free(t->snics);
	memset(t, 0, sizeof(*t));
}

/* The entry of namespace ns, made (empty) on first use. */
int ns_table_get(struct ns_table *t, const char *ns, size_t *idx)
{
	for (*idx = 0; *idx < t->n; (*idx)++)
		if (!strcmp(t->names[*idx], ns))
			return 0;
	if (strlen(ns) >= sizeof(ns_name))
		return -EINVAL;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		void *a;

		if (!(a = realloc(t->names, cap * sizeof(*t->names))))
			return -ENOMEM;
		t->names = a;
		if (!(a = realloc(t->labels, cap * sizeof(*t->labels))))
			return -ENOMEM;
		t->labels = a;
		if (!(a = realloc(t->snics, cap * sizeof(*t->snics))))
			return -ENOMEM;
		t->snics = a;
		t->cap = cap;
	}
	snprintf(t->names[*idx], sizeof(ns_name), "%s", ns);
	memset(&t->labels[*idx], 0, sizeof(t->labels[*idx]));
	t->snics[*idx] = 0;
	t->n++;
	return 0;
}

static int label_cb(const char *ns, const char *key, const char *val, void *ctx)
{
	struct ns_table *t = ctx;
	size_t i;
	int err = ns_table_get(t, ns, &i);

	if (!err)
		err = labels__set(&t->labels[i], key, val);
	if (err)
		pr_warn("namespace %s: stored label %s=%s unusable: %s\n", ns, key, val,
			strerror(-err));
	return err == -ENOMEM ? err : 0;
}

int ns_table_load(struct node *n, struct ns_table *t)
{
	memset(t, 0, sizeof(*t));
	return store__ns_label_foreach(n->st, label_cb, t);
}

int node_ns_load(struct node *n, struct node_ns *out)
{
	struct ns_table t;
	int err = ns_table_load(n, &t);

	memset(out, 0, sizeof(*out));
	if (!err && t.n && !(out->v = calloc(t.n, sizeof(*out->v))))
		err = -ENOMEM;
	if (err) {
		ns_table_free(&t);
		return err;
	}
	for (size_t i = 0; i < t.n; i++)
		out->v[i] = (struct pol_namespace){.name = t.names[i], .labels = &t.labels[i]};
	out->n = t.n;
	out->names = t.names;
	out->labels = t.labels;
	free(t.snics);
	return 0;
}

void node_ns_free(struct node_ns *s)
{
	free(s->v);
	free(s->names);
	free(s->labels);
	memset(s, 0, sizeof(*s));
}

static int snic_cb(const struct snic_rec *r, void *ctx)
{
	struct ns_table *t = ctx;
	struct labels ls;
	size_t i;

	if (labels__parse_canonical(&ls, r->labels) || ns_table_get(t, sel_pod_namespace(&ls), &i))
		return 0;
	t->snics[i]++;
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static json_object *ns_json(const struct ns_table *t, size_t i)
{
	json_object *o = json_object_new_object(), *ls = json_object_new_object();

	json_object_object_add(o, KEY_NAME, json_object_new_string(t->names[i]));
	json_object_object_add(o, KEY_SNICS, json_object_new_int64((int64_t)t->snics[i]));
	json_object_object_add(ls, NS_NAME_LABEL, json_object_new_string(t->names[i]));
	for (size_t k = 0; k < t->labels[i].n; k++)
		json_object_object_add(ls, t->labels[i].l[k].key,
				       json_object_new_string(t->labels[i].l[k].val));
	json_object_object_add(o, KEY_LABELS, ls);
	return o;
}

json_object *node__ns_list_json(struct node *n)
{
	struct ns_table t;
	const char **order = NULL;
	json_object *arr = NULL;
	int err = ns_table_load(n, &t);

	if (!err)
		err = store__snic_foreach(n->st, snic_cb, &t);
	if (!err && !(order = calloc(t.n + 1, sizeof(*order))))
		err = -ENOMEM;
	if (!err) {
		for (size_t i = 0; i < t.n; i++)
			order[i] = t.names[i];
		qsort(order, t.n, sizeof(*order), name_cmp);
		arr = json_object_new_array();
		for (size_t i = 0; i < t.n; i++)
			json_object_array_add(arr,
					      ns_json(&t, (size_t)((ns_name *)order[i] - t.names)));
	}
	free(order);
	ns_table_free(&t);
	return arr;
}
