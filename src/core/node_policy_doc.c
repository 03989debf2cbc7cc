// SPDX-License-Identifier: GPL-2.0-only
/*
 * Policies by name: list, show and delete. A NetworkPolicy and an
 * InspectionPolicy of the same namespace and name are two objects; a
 * reference names one with a kind, kubectl style: networkpolicy/NS/NAME.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/node_priv.h"
#include "inspect/doc.h"
#include "lib/keys.h"
#include "lib/fault.h"

struct pol_ref {
	int kind; /* enum store_doc_kind, or -1: either */
	bool ns_given;
	char ns[256], name[256];
};

static const struct {
	const char *prefix;
	enum store_doc_kind kind;
} kind_names[] = {
    {"networkpolicy/", STORE_DOC_NETPOL},
    {"networkpolicies/", STORE_DOC_NETPOL},
    {"netpol/", STORE_DOC_NETPOL},
    {"inspectionpolicy/", STORE_DOC_INSPECTION},
    {"inspectionpolicies/", STORE_DOC_INSPECTION},
};

static const char *kind_name(enum store_doc_kind k)
{
	return k == STORE_DOC_INSPECTION ? INSPECT_KIND : "NetworkPolicy";
}

/* [KIND/][NAMESPACE/]NAME */
static int ref_parse(const char *ref, struct pol_ref *r, struct errmsg *em)
{
	const char *slash;

	r->kind = -1;
	for (size_t i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++)
		if (!strncasecmp(ref, kind_names[i].prefix, strlen(kind_names[i].prefix))) {
			r->kind = (int)kind_names[i].kind;
			ref += strlen(kind_names[i].prefix);
			break;
		}
	slash = strchr(ref, '/');
	if (!*ref || (slash && (slash == ref || !slash[1] || strchr(slash + 1, '/') ||
				(size_t)(slash - ref) >= sizeof(r->ns))))
		return em_set(em, -EINVAL,
			      "bad policy name '%s' ([KIND/][NAMESPACE/]NAME; KIND networkpolicy "
			      "or inspectionpolicy)",
			      ref);
	r->ns_given = slash;
	snprintf(r->ns, sizeof(r->ns), "%.*s", slash ? (int)(slash - ref) : 7,
		 slash ? ref : "default");
	snprintf(r->name, sizeof(r->name), "%s", slash ? slash + 1 : ref);
	return 0;
}

struct ns_ctx {
	const char *name;
	char list[512]; /* "a, b" */
	int n;
	char first[256];
};

static int ns_cb(const char *ns, const char *name, const char *doc, int64_t updated, void *ctx)
{
	struct ns_ctx *c = ctx;
	size_t len = strlen(c->list);

	char item[260], all[520];

	snprintf(item, sizeof(item), ", %s,", ns);
	snprintf(all, sizeof(all), ", %s,", c->list);
	if (strcmp(name, c->name) || strstr(all, item))
		return 0;
	if (!c->n++)
		snprintf(c->first, sizeof(c->first), "%s", ns);
	snprintf(c->list + len, sizeof(c->list) - len, "%s%s", len ? ", " : "", ns);
	return 0;
}

/*
 * NAME without a namespace: the one namespace that has a policy of that
 * name (of the kind asked), as `policy list` shows it; "default" when
 * none has; refused when several have.
 */
static int ref_resolve(struct node *n, struct pol_ref *r, struct errmsg *em)
{
	struct ns_ctx c = {.name = r->name};

	if (r->ns_given)
		return 0;
	if ((r->kind != STORE_DOC_INSPECTION &&
	     store__doc_foreach(n->st, STORE_DOC_NETPOL, ns_cb, &c)) ||
	    (r->kind != STORE_DOC_NETPOL &&
	     store__doc_foreach(n->st, STORE_DOC_INSPECTION, ns_cb, &c)))
		return em_set(em, -EIO, "cannot read the store");
	if (c.n > 1)
		return em_set(em, -EEXIST, "%s is in namespaces %s: say NAMESPACE/%s", r->name,
			      c.list, r->name);
	if (c.n == 1)
		snprintf(r->ns, sizeof(r->ns), "%s", c.first);
	return 0;
}

static int ambiguous(struct errmsg *em, const struct pol_ref *r)
{
	return em_set(em, -EEXIST,
		      "%s/%s is both a NetworkPolicy and an InspectionPolicy: say "
		      "networkpolicy/%s/%s or inspectionpolicy/%s/%s",
		      r->ns, r->name, r->ns, r->name, r->ns, r->name);
}

static json_object *ref_json(enum store_doc_kind k, const struct pol_ref *r)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, KEY_KIND, json_object_new_string(kind_name(k)));
	json_object_object_add(o, KEY_NAMESPACE, json_object_new_string(r->ns));
	json_object_object_add(o, KEY_NAME, json_object_new_string(r->name));
	return o;
}

int node__policy_delete(struct node *n, const char *ref, json_object **deleted, struct errmsg *em)
{
	bool net = false, insp = false;
	struct pol_ref r;
	int err = ref_parse(ref, &r, em);

	if (!err)
		err = ref_resolve(n, &r, em);
	if (err)
		return err;
	err = store__begin(n->st);
	if (err)
		return em_set(em, err, "store busy");
	if (r.kind != STORE_DOC_INSPECTION)
		net = !store__doc_delete(n->st, STORE_DOC_NETPOL, r.ns, r.name);
	if (r.kind != STORE_DOC_NETPOL)
		insp = !store__doc_delete(n->st, STORE_DOC_INSPECTION, r.ns, r.name);
	if (net && insp)
		err = ambiguous(em, &r);
	else if (!net && !insp)
		err = em_set(em, -ENOENT, "%s %s/%s not found",
			     r.kind < 0 ? "policy" : kind_name(r.kind), r.ns, r.name);
	/* check, commit, then load (as node__policy_apply, for the same reason) */
	if (!err && net)
		err = node__policy_check(n, em);
	if (!err && insp)
		err = node__inspect_check(n, em);
	if (!err)
		fault_point("policy-delete-checked");
	if (!err)
		err = store__commit(n->st);
	if (err) {
		store__rollback(n->st);
		return err;
	}
	fault_point("policy-delete-committed");
	if (net)
		err = node__policy_sync(n, em);
	if (!err && insp)
		err = node__inspect_sync(n, em);
	if (err) {
		n->policy_loaded = false; /* the reconcile loop retries */
		return err;
	}
	fault_point("policy-delete-loaded");
	*deleted = ref_json(net ? STORE_DOC_NETPOL : STORE_DOC_INSPECTION, &r);
	return 0;
}

struct list_ctx {
	const char *kind;
	json_object *arr;
	const struct pol_ref *only; /* show: this one */
	json_object *found;
};

static int list_cb(const char *ns, const char *name, const char *doc, int64_t updated, void *ctx)
{
	struct list_ctx *l = ctx;
	json_object *o, *d;

	if (l->only && (strcmp(ns, l->only->ns) || strcmp(name, l->only->name)))
		return 0;
	d = json_tokener_parse(doc);
	if (l->only) {
		l->found = d;
		return 0;
	}
	o = json_object_new_object();
	json_object_object_add(o, KEY_KIND, json_object_new_string(l->kind));
	json_object_object_add(o, KEY_NAMESPACE, json_object_new_string(ns));
	json_object_object_add(o, KEY_NAME, json_object_new_string(name));
	json_object_object_add(o, KEY_UPDATED, json_object_new_int64(updated));
	json_object_object_add(o, KEY_DOCUMENT, d);
	json_object_array_add(l->arr, o);
	return 0;
}

json_object *node__policy_list_json(struct node *n)
{
	struct list_ctx l = {.arr = json_object_new_array(), .kind = "NetworkPolicy"};
	int err = store__doc_foreach(n->st, STORE_DOC_NETPOL, list_cb, &l);

	l.kind = INSPECT_KIND;
	if (!err)
		err = store__doc_foreach(n->st, STORE_DOC_INSPECTION, list_cb, &l);
	if (err) {
		json_object_put(l.arr);
		return NULL;
	}
	return l.arr;
}

int node__policy_show(struct node *n, const char *ref, json_object **out, struct errmsg *em)
{
	struct pol_ref r;
	struct list_ctx net = {.only = &r}, insp = {.only = &r};
	int err = ref_parse(ref, &r, em);

	if (!err)
		err = ref_resolve(n, &r, em);
	if (err)
		return err;
	if ((r.kind != STORE_DOC_INSPECTION &&
	     store__doc_foreach(n->st, STORE_DOC_NETPOL, list_cb, &net)) ||
	    (r.kind != STORE_DOC_NETPOL &&
	     store__doc_foreach(n->st, STORE_DOC_INSPECTION, list_cb, &insp)))
		err = em_set(em, -EIO, "cannot read the store");
	else if (net.found && insp.found)
		err = ambiguous(em, &r);
	else if (!net.found && !insp.found)
		err = em_set(em, -ENOENT, "%s %s/%s not found",
			     r.kind < 0 ? "policy" : kind_name(r.kind), r.ns, r.name);
	if (err) {
		json_object_put(net.found);
		json_object_put(insp.found);
		return err;
	}
	*out = net.found ? net.found : insp.found;
	return 0;
}
