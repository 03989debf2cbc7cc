// SPDX-License-Identifier: GPL-2.0-only
/*
 * Namespace labels of a node: what a NetworkPolicy's namespaceSelector
 * matches. They are the administrator's (hyperctl namespace label), kept
 * in the store per namespace, and never taken from an endpoint: no SNIC,
 * first or not, speaks for its namespace. kubernetes.io/metadata.name is
 * implicit, as in Kubernetes. A change recompiles the policies.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/node_priv.h"
#include "lib/keys.h"
#include "lib/log.h"
#include "lib/selector.h"
#include "policy/policy.h"

#define NS_NAME_LABEL "kubernetes.io/metadata.name"

typedef char ns_name[LABEL_VAL_MAX + 1];

struct ns_table {
	ns_name *names;
	struct labels *labels;
	size_t *snics; /* SNICs in the namespace */
	size_t n, cap;
};

static void table_free(struct ns_table *t)
{
	free(t->names);
	free(t->labels);
	free(t->snics);
	memset(t, 0, sizeof(*t));
}

/* The entry of namespace ns, made (empty) on first use. */
static int table_get(struct ns_table *t, const char *ns, size_t *idx)
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
	int err = table_get(t, ns, &i);

	if (!err)
		err = labels__set(&t->labels[i], key, val);
	if (err)
		pr_warn("namespace %s: stored label %s=%s unusable: %s\n", ns, key, val,
			strerror(-err));
	return err == -ENOMEM ? err : 0;
}

static int table_load(struct node *n, struct ns_table *t)
{
	memset(t, 0, sizeof(*t));
	return store__ns_label_foreach(n->st, label_cb, t);
}

int node_ns_load(struct node *n, struct node_ns *out)
{
	struct ns_table t;
	int err = table_load(n, &t);

	memset(out, 0, sizeof(*out));
	if (!err && t.n && !(out->v = calloc(t.n, sizeof(*out->v))))
		err = -ENOMEM;
	if (err) {
		table_free(&t);
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

static int check_ns(const char *ns, struct errmsg *em)
{
	if (!ns || !*ns || label_validate_value(ns))
		return em_set(em, -EINVAL,
			      "invalid namespace '%s' (1-63 of A-Z a-z 0-9 - _ ., alphanumeric at "
			      "both ends)",
			      ns ? ns : "");
	return 0;
}

/* After a failed change: the datapath runs what the store holds again. */
static int undo(struct node *n, int err, bool synced)
{
	store__rollback(n->st);
	if (synced)
		node__policy_sync(n, NULL);
	return err;
}

/* The labels ns has after setting set: at most LABELS_MAX with the implicit one. */
static int check_count(struct node *n, const char *ns, struct errmsg *em)
{
	struct ns_table t;
	size_t i;
	int err = table_load(n, &t);

	if (!err)
		err = table_get(&t, ns, &i);
	if (!err && t.labels[i].n + 1 > LABELS_MAX)
		err = em_set(em, -E2BIG, "namespace %s: more than %d labels (with %s)", ns,
			     LABELS_MAX, NS_NAME_LABEL);
	table_free(&t);
	return err;
}

int node__ns_label(struct node *n, const char *ns, const struct labels *set, struct errmsg *em)
{
	bool synced = false;
	int err = check_ns(ns, em);

	if (err)
		return err;
	if (!set->n)
		return em_set(em, -EINVAL, "namespace %s: no label given (KEY=VALUE)", ns);
	for (size_t i = 0; i < set->n; i++)
		if (!strcmp(set->l[i].key, NS_NAME_LABEL))
			return em_set(em, -EPERM,
				      "namespace %s: %s is the namespace's name, as Kubernetes "
				      "sets it; it cannot be set",
				      ns, NS_NAME_LABEL);
	err = store__begin(n->st);
	if (err)
		return em_set(em, err, "store busy");
	for (size_t i = 0; !err && i < set->n; i++)
		err = store__ns_label_set(n->st, ns, set->l[i].key, set->l[i].val);
	if (err)
		em_set(em, err, "namespace %s: cannot store its labels", ns);
	if (!err)
		err = check_count(n, ns, em);
	if (!err)
		err = node__policy_sync(n, em);
	synced = !err;
	if (!err)
		err = store__commit(n->st);
	if (err)
		return undo(n, err, synced);
	pr_info("namespace %s: %zu label(s) set\n", ns, set->n);
	return 0;
}

int node__ns_unlabel(struct node *n, const char *ns, const char *const *keys, size_t nkeys,
		     struct errmsg *em)
{
	bool synced = false;
	int err = check_ns(ns, em);

	if (err)
		return err;
	if (!nkeys)
		return em_set(em, -EINVAL, "namespace %s: no label key given", ns);
	err = store__begin(n->st);
	if (err)
		return em_set(em, err, "store busy");
	for (size_t i = 0; !err && i < nkeys; i++) {
		err = store__ns_label_delete(n->st, ns, keys[i]);
		if (err == -ENOENT)
			em_set(em, err, "namespace %s has no label %s", ns, keys[i]);
		else if (err)
			em_set(em, err, "namespace %s: cannot remove label %s", ns, keys[i]);
	}
	if (!err)
		err = node__policy_sync(n, em);
	synced = !err;
	if (!err)
		err = store__commit(n->st);
	if (err)
		return undo(n, err, synced);
	pr_info("namespace %s: %zu label(s) removed\n", ns, nkeys);
	return 0;
}

static int snic_cb(const struct snic_rec *r, void *ctx)
{
	struct ns_table *t = ctx;
	struct labels ls;
	size_t i;

	if (labels__parse_canonical(&ls, r->labels) || table_get(t, sel_pod_namespace(&ls), &i))
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
	int err = table_load(n, &t);

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
	table_free(&t);
	return arr;
}
