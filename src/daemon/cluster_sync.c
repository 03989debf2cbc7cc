// SPDX-License-Identifier: GPL-2.0-only
/*
 * The daemon's side of cluster-wide state (src/cluster/state.c): on its
 * own thread it applies what other nodes published (policies, namespace
 * labels), publishes what is applied here, and keeps this node's
 * endpoints and identities published (each reconcile tick).
 *
 * Fail closed: with etcd away a policy or label change is refused before
 * anything changes (it could not be enforced on the other nodes), and a
 * SNIC whose label set has no cluster-wide number yet is refused.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "daemon/daemon.h"
#include "lib/api.h"
#include "lib/keys.h"
#include "lib/log.h"

#define GC_TICKS 10

static int ident_cb(void *arg, const char *labels, uint32_t *id, struct errmsg *em)
{
	return cluster__identity(arg, labels, id, em);
}

static int remote_source(void *arg, store_snic_cb cb, void *ctx);

void daemon_cluster_attach(struct daemon *d)
{
	node__set_ident_source(d->node, ident_cb, d->cluster);
	node__set_remote_source(d->node, remote_source, d->cluster);
}

struct eps {
	struct cluster_local_ep *v;
	size_t n;
};

static int ep_cb(const struct snic_rec *r, void *ctx)
{
	struct eps *e = ctx;
	struct cluster_local_ep *nv;

	nv = realloc(e->v, (e->n + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	e->v = nv;
	nv[e->n] = (struct cluster_local_ep){
	    .ip = htonl(r->ip), .identity = r->identity, .has_ip6 = r->prefix6 != 0};
	memcpy(nv[e->n].ip6, r->ip6, sizeof(nv[e->n].ip6));
	snprintf(nv[e->n].name, sizeof(nv[e->n].name), "%s", r->name);
	e->n++;
	return 0;
}

void daemon_cluster_tick(struct daemon *d)
{
	static unsigned ticks;
	struct eps e = {};

	if (!d->cluster)
		return;
	node__ovl_self(d->node, cluster__node_id(d->cluster), d->ovl_flags); /* the uplink may have come */
	daemon_cluster_seq_tick(d);
	if (!node__snic_foreach(d->node, ep_cb, &e))
		cluster__publish_local(d->cluster, e.v, e.n);
	free(e.v);
	if (++ticks % GC_TICKS == 0)
		cluster__identity_gc(d->cluster);
}

/* "networkpolicy ns/name" (an applied ref) -> "networkpolicy/ns/name" */
static void ref_key(const char *applied, char *out, size_t len)
{
	snprintf(out, len, "%s", applied);
	for (char *p = out; *p; p++)
		if (*p == ' ')
			*p = '/';
}

/* After a local apply: each applied document, with the text, for the other nodes. */
int daemon_cluster_publish_apply(struct daemon *d, const char *text, json_object *result,
				 struct errmsg *em)
{
	json_object *arr, *t = json_object_new_string(text);
	char key[400];
	int err = 0;

	if (json_object_object_get_ex(result, KEY_APPLIED, &arr))
		for (size_t i = 0; !err && i < json_object_array_length(arr); i++) {
			ref_key(json_object_get_string(json_object_array_get_idx(arr, i)), key,
				sizeof(key));
			err = cluster__publish_doc(d->cluster, "policies", key, t, em);
		}
	json_object_put(t);
	return err;
}

int daemon_cluster_publish_delete(struct daemon *d, json_object *deleted, struct errmsg *em)
{
	json_object *k, *ns, *n;
	char key[400];

	if (!json_object_object_get_ex(deleted, KEY_KIND, &k) ||
	    !json_object_object_get_ex(deleted, KEY_NAMESPACE, &ns) ||
	    !json_object_object_get_ex(deleted, KEY_NAME, &n))
		return 0;
	snprintf(key, sizeof(key), "%s/%s/%s",
		 strcmp(json_object_get_string(k), "NetworkPolicy") ? "inspectionpolicy"
								    : "networkpolicy",
		 json_object_get_string(ns), json_object_get_string(n));
	return cluster__publish_doc(d->cluster, "policies", key, NULL, em);
}

/* This node's labels of ns (without the name label), or NULL when it has none. */
static json_object *ns_labels(struct daemon *d, const char *ns)
{
	json_object *l = node__ns_list_json(d->node), *out = NULL, *name, *ls;

	for (size_t i = 0; l && i < json_object_array_length(l) && !out; i++) {
		json_object *o = json_object_array_get_idx(l, i);

		if (!json_object_object_get_ex(o, KEY_NAME, &name) ||
		    strcmp(json_object_get_string(name), ns) ||
		    !json_object_object_get_ex(o, KEY_LABELS, &ls))
			continue;
		out = json_object_new_object();
		json_object_object_foreach(ls, key, val)
		{
			if (strcmp(key, "kubernetes.io/metadata.name"))
				json_object_object_add(out, key, json_object_get(val));
		}
		if (!json_object_object_length(out)) {
			json_object_put(out);
			out = NULL;
			break;
		}
	}
	json_object_put(l);
	return out;
}

int daemon_cluster_publish_ns(struct daemon *d, const char *ns, struct errmsg *em)
{
	json_object *ls = ns_labels(d, ns);
	int err = cluster__publish_doc(d->cluster, "nslabels", ns, ls, em);

	json_object_put(ls);
	return err;
}

/* Makes ns's labels exactly want (NULL: none). */
static void ns_set(struct daemon *d, const char *ns, json_object *want)
{
	json_object *have = ns_labels(d, ns);
	const char *drop[LABELS_MAX];
	struct labels set = {};
	struct errmsg em = {};
	size_t nd = 0;
	char kv[LABEL_KEY_MAX + LABEL_VAL_MAX + 2];

	if (have) {
		json_object_object_foreach(have, hk, hv)
		{
			json_object *x;

			(void)hv;
			if ((!want || !json_object_object_get_ex(want, hk, &x)) && nd < LABELS_MAX)
				drop[nd++] = hk;
		}
	}
	if (nd && node__ns_unlabel(d->node, ns, drop, nd, &em))
		pr_warn("cluster: namespace %s: %s\n", ns, em.msg);
	if (want) {
		json_object_object_foreach(want, wk, wv)
		{
			snprintf(kv, sizeof(kv), "%s=%s", wk, json_object_get_string(wv));
			labels__add_kv(&set, kv);
		}
		if (set.n && node__ns_label(d->node, ns, &set, &em))
			pr_warn("cluster: namespace %s: %s\n", ns, em.msg);
	}
	json_object_put(have);
}

static bool in_list(json_object *arr, const char *s)
{
	for (size_t i = 0; arr && i < json_object_array_length(arr); i++)
		if (!strcmp(json_object_get_string(json_object_array_get_idx(arr, i)), s))
			return true;
	return false;
}

/* After a resync: local policies the cluster no longer has go. */
static void policies_prune(struct daemon *d, json_object *refs)
{
	json_object *l = node__policy_list_json(d->node), *k, *ns, *n, *del = NULL;
	struct errmsg em = {};
	char key[400];

	for (size_t i = 0; l && i < json_object_array_length(l); i++) {
		json_object *o = json_object_array_get_idx(l, i);

		if (!json_object_object_get_ex(o, KEY_KIND, &k) ||
		    !json_object_object_get_ex(o, KEY_NAMESPACE, &ns) ||
		    !json_object_object_get_ex(o, KEY_NAME, &n))
			continue;
		snprintf(key, sizeof(key), "%s/%s/%s",
			 strcmp(json_object_get_string(k), "NetworkPolicy") ? "inspectionpolicy"
									    : "networkpolicy",
			 json_object_get_string(ns), json_object_get_string(n));
		if (in_list(refs, key))
			continue;
		pr_info("cluster: policy %s is gone from the cluster: deleted here\n", key);
		if (!node__policy_delete(d->node, key, &del, &em))
			json_object_put(del);
	}
	json_object_put(l);
}

static void ns_prune(struct daemon *d, json_object *names)
{
	json_object *l = node__ns_list_json(d->node), *n;

	for (size_t i = 0; l && i < json_object_array_length(l); i++)
		if (json_object_object_get_ex(json_object_array_get_idx(l, i), KEY_NAME, &n) &&
		    !in_list(names, json_object_get_string(n)))
			ns_set(d, json_object_get_string(n), NULL);
	json_object_put(l);
}

static void apply_event(struct daemon *d, const struct cluster_ev *ev)
{
	json_object *v = ev->value ? json_tokener_parse(ev->value) : NULL, *res = NULL;
	struct errmsg em = {};
	int err = 0;

	switch (ev->kind) {
	case CLEV_POLICY_PUT:
		if (v && json_object_is_type(v, json_type_string))
			err = node__policy_apply(d->node, json_object_get_string(v),
						 strlen(json_object_get_string(v)), &res, &em);
		break;
	case CLEV_POLICY_DEL:
		err = node__policy_delete(d->node, ev->ref, &res, &em);
		if (err == -ENOENT)
			err = 0;
		break;
	case CLEV_POLICY_ALL:
		policies_prune(d, v);
		break;
	case CLEV_NS_PUT:
		ns_set(d, ev->ref, v);
		break;
	case CLEV_NS_DEL:
		ns_set(d, ev->ref, NULL);
		break;
	case CLEV_NS_ALL:
		ns_prune(d, v);
		break;
	case CLEV_RECOMPILE:
		err = node__policy_sync(d->node, &em);
		break;
	}
	if (err)
		pr_warn("cluster: applying %s from the cluster: %s\n", ev->ref, em.msg);
	else if (ev->kind == CLEV_POLICY_PUT || ev->kind == CLEV_POLICY_DEL)
		pr_info("cluster: policy %s %s from the cluster\n", ev->ref,
			ev->kind == CLEV_POLICY_PUT ? "applied" : "deleted");
	json_object_put(res);
	json_object_put(v);
}

void daemon_cluster_events(struct daemon *d)
{
	struct cluster_ev ev;

	while (d->cluster && cluster__event_next(d->cluster, &ev)) {
		apply_event(d, &ev);
		free(ev.value);
	}
}

struct remote_ctx {
	store_snic_cb cb;
	void *ctx;
};

static int remote_one(uint32_t ip, const uint8_t *ip6, uint32_t identity, const char *labels,
		      void *arg)
{
	struct remote_ctx *r = arg;
	static struct snic_rec rec;

	memset(&rec, 0, sizeof(rec));
	rec.ip = ip;
	rec.identity = identity;
	if (ip6) { /* carries the identity for IPv6 traffic as ip does for IPv4 */
		memcpy(rec.ip6, ip6, sizeof(rec.ip6));
		rec.prefix6 = 128;
	}
	if (ip)
		ipv4_format(ip, rec.name, sizeof(rec.name));
	else if (ip6)
		ipv6_format(ip6, rec.name, sizeof(rec.name));
	snprintf(rec.labels, sizeof(rec.labels), "%s", labels);
	return r->cb(&rec, r->ctx);
}

/* The policy compiler's view of other nodes' endpoints (node__set_remote_source). */
static int remote_source(void *arg, store_snic_cb cb, void *ctx)
{
	struct remote_ctx r = {.cb = cb, .ctx = ctx};

	return cluster__foreach_remote(arg, remote_one, &r);
}
