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
#include "core/node_ns_table.h"
#include "lib/fault.h"
#include "lib/keys.h"
#include "lib/log.h"
#include "lib/selector.h"
#include "policy/policy.h"

static int check_ns(const char *ns, struct errmsg *em)
{
	if (!ns || !*ns || label_validate_value(ns))
		return em_set(em, -EINVAL,
			      "invalid namespace '%s' (1-63 of A-Z a-z 0-9 - _ ., alphanumeric at "
			      "both ends)",
			      ns ? ns : "");
	return 0;
}

/*
 * Compile-checks the changed labels in the open transaction, commits,
 * then loads the datapath (as node__policy_apply): a crash at any point
 * leaves the datapath enforcing a set the store committed, the old one
 * before the commit, and the restart loads the new one after it. A load
 * that fails after the commit is left to the reconcile loop.
 */
static int commit_load(struct node *n, int err, bool set, struct errmsg *em)
{
	if (!err)
		err = node__policy_check(n, em);
	if (!err)
		fault_point(set ? "ns-label-checked" : "ns-unlabel-checked");
	if (!err)
		err = store__commit(n->st);
	if (err) {
		store__rollback(n->st);
		return err;
	}
	fault_point(set ? "ns-label-committed" : "ns-unlabel-committed");
	err = node__policy_sync(n, em);
	if (err)
		n->policy_loaded = false; /* the reconcile loop retries */
	return err;
}

/* The labels ns has after setting set: at most LABELS_MAX with the implicit one. */
static int check_count(struct node *n, const char *ns, struct errmsg *em)
{
	struct ns_table t;
	size_t i;
	int err = ns_table_load(n, &t);

	if (!err)
		err = ns_table_get(&t, ns, &i);
	if (!err && t.labels[i].n + 1 > LABELS_MAX)
		err = em_set(em, -E2BIG, "namespace %s: more than %d labels (with %s)", ns,
			     LABELS_MAX, NS_NAME_LABEL);
	ns_table_free(&t);
	return err;
}

int node__ns_label(struct node *n, const char *ns, const struct labels *set, struct errmsg *em)
{
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
	err = commit_load(n, err, true, em);
	if (err)
		return err;
	pr_info("namespace %s: %zu label(s) set\n", ns, set->n);
	return 0;
}

int node__ns_unlabel(struct node *n, const char *ns, const char *const *keys, size_t nkeys,
		     struct errmsg *em)
{
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
	err = commit_load(n, err, false, em);
	if (err)
		return err;
	pr_info("namespace %s: %zu label(s) removed\n", ns, nkeys);
	return 0;
}
