// SPDX-License-Identifier: GPL-2.0-only
/*
 * What this node writes to etcd from the daemon's thread: its endpoints
 * and the identities they use (under its lease, so they go when it dies;
 * written again whole when the lease is new, e.g. after etcd was away),
 * and the policies and namespace labels applied on it, for every node.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "cluster/cluster_priv.h"
#include "lib/log.h"

bool cluster__connected(struct cluster *c)
{
	bool ok;

	pthread_mutex_lock(&c->lock);
	ok = c->connected && c->registered;
	pthread_mutex_unlock(&c->lock);
	return ok;
}

struct want {
	struct cluster_pub *v;
	size_t n;
};

static int want_add(struct want *w, const char *key, const char *value)
{
	struct cluster_pub *nv = realloc(w->v, (w->n + 1) * sizeof(*nv));

	if (!nv)
		return -ENOMEM;
	w->v = nv;
	w->v[w->n].key = strdup(key);
	w->v[w->n].value = strdup(value);
	if (!w->v[w->n].key || !w->v[w->n].value)
		return -ENOMEM;
	w->n++;
	return 0;
}

static const struct cluster_pub *pub_find(const struct cluster_pub *v, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].key, key))
			return &v[i];
	return NULL;
}

static int want_build(struct cluster *c, const struct cluster_local_ep *eps, size_t n,
		      struct want *w)
{
	char key[160], val[320], ip[16], ip6[IP6_STRLEN], f6[IP6_STRLEN + 16] = "";
	int err = 0;

	for (size_t i = 0; i < n && !err; i++) {
		inet_ntop(AF_INET, &eps[i].ip, ip, sizeof(ip));
		f6[0] = 0;
		if (eps[i].has_ip6) {
			ipv6_format(eps[i].ip6, ip6, sizeof(ip6));
			snprintf(f6, sizeof(f6), ",\"ip6\":\"%s\"", ip6);
		} else if (!eps[i].ip) {
			continue;
		}
		snprintf(key, sizeof(key), HYP_CLUSTER_P_EP "%s", eps[i].ip ? ip : ip6);
		snprintf(val, sizeof(val), "{\"node\":%u,\"identity\":%u,\"name\":\"%s\"%s}",
			 c->rec.id, eps[i].identity, eps[i].name, f6);
		err = want_add(w, key, val);
		snprintf(key, sizeof(key), HYP_CLUSTER_PREFIX "identities/users/%u/%s",
			 eps[i].identity, c->rec.node);
		if (!err && !pub_find(w->v, w->n, key))
			err = want_add(w, key, "");
	}
	return err;
}

static void pub_free(struct cluster_pub *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].key);
		free(v[i].value);
	}
	free(v);
}

int cluster__publish_local(struct cluster *c, const struct cluster_local_ep *eps, size_t n)
{
	struct want w = {};
	int64_t lease;
	int err;

	if (!cluster__connected(c))
		return -ENOTCONN;
	pthread_mutex_lock(&c->lock);
	lease = c->lease;
	pthread_mutex_unlock(&c->lock);
	err = want_build(c, eps, n, &w);
	for (size_t i = 0; !err && i < w.n; i++) {
		const struct cluster_pub *old = pub_find(c->pub, c->npub, w.v[i].key);

		if (lease != c->pub_lease || !old || strcmp(old->value, w.v[i].value))
			err = etcd__put(c->em, w.v[i].key, w.v[i].value, lease);
	}
	for (size_t i = 0; !err && i < c->npub; i++)
		if (!pub_find(w.v, w.n, c->pub[i].key))
			err = etcd__del(c->em, c->pub[i].key);
	if (err) {
		pub_free(w.v, w.n);
		cluster_set_conn(c, err, "publish");
		return err;
	}
	pub_free(c->pub, c->npub);
	c->pub = w.v;
	c->npub = w.n;
	c->pub_lease = lease;
	return 0;
}

int cluster__publish_doc(struct cluster *c, const char *dir, const char *ref, json_object *value,
			 struct errmsg *em)
{
	json_object *o;
	char key[400];
	int err;

	if (!cluster__connected(c))
		return em_set(em, -ENOTCONN,
			      "etcd is unreachable: a cluster-wide change cannot be made now "
			      "(nothing was changed)");
	snprintf(key, sizeof(key), HYP_CLUSTER_PREFIX "%s/%s", dir, ref);
	if (!value) {
		err = etcd__del(c->em, key);
	} else {
		o = json_object_new_object();
		json_object_object_add(o, "origin", json_object_new_string(c->rec.node));
		json_object_object_add(o, !strcmp(dir, "policies") ? "doc" : "labels",
				       json_object_get(value));
		err = etcd__put(c->em, key,
				json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN), 0);
		json_object_put(o);
	}
	if (err) {
		cluster_set_conn(c, err, "publish");
		return em_set(em, err, "etcd: publishing %s/%s: %s", dir, ref, strerror(-err));
	}
	return 0;
}
