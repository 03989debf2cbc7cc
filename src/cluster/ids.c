// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cluster-wide identities: one number per label set on every node,
 * allocated with create-if-absent transactions (ids/N first, so no two
 * label sets share a number; then labels/B64, so two nodes racing for the
 * same set agree on the winner's number), and removed when no node has
 * used them for two passes of the collector.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster/cluster_priv.h"
#include "lib/log.h"

#define P_ID  HYP_CLUSTER_PREFIX "identities/"
#define FIRST 256

static void labels_key(const char *labels, char *key, size_t len)
{
	char b[1400];

	b64_encode(labels, strlen(labels), b);
	snprintf(key, len, P_ID "labels/%s", b);
}

static int next_free(struct etcd *e, uint32_t *id)
{
	struct etcd_kv *kvs;
	size_t n;
	uint32_t max = FIRST - 1;
	char *hwm = NULL;
	int err = etcd__list(e, P_ID "ids/", &kvs, &n, NULL);

	if (err)
		return err;
	for (size_t i = 0; i < n; i++) {
		uint32_t v = (uint32_t)strtoul(kvs[i].key + strlen(P_ID "ids/"), NULL, 10);

		if (v > max)
			max = v;
	}
	etcd_kvs_free(kvs, n);
	/* numbers are never given twice, even after the collector freed one:
	 * a node cut off for a while may still hold packets with it */
	if (!etcd__get(e, P_ID "hwm", &hwm, NULL)) {
		uint32_t h = (uint32_t)strtoul(hwm, NULL, 10);

		if (h > max)
			max = h;
		free(hwm);
	}
	*id = max + 1;
	return 0;
}

static int allocate(struct cluster *c, const char *labels, const char *lkey, uint32_t *id)
{
	char key[64], val[16], *got = NULL;
	uint32_t cand;
	int err = next_free(c->em, &cand);

	for (int tries = 0; !err && tries < 64 && cand <= HYP_CLUSTER_MAX_IDENTITY; tries++, cand++) {
		snprintf(key, sizeof(key), P_ID "ids/%u", cand);
		err = etcd__create(c->em, key, labels, 0);
		if (err == 0)
			continue; /* taken meanwhile: the next one */
		if (err < 0)
			return err;
		snprintf(val, sizeof(val), "%u", cand);
		err = etcd__create(c->em, lkey, val, 0);
		if (err == 1) {
			*id = cand;
			etcd__put(c->em, P_ID "hwm", val, 0);
			return 0;
		}
		/* another node gave this set a number first: take it, free ours */
		etcd__del_if(c->em, key, labels);
		if (err < 0)
			return err;
		err = etcd__get(c->em, lkey, &got, NULL);
		if (!err)
			*id = (uint32_t)strtoul(got, NULL, 10);
		free(got);
		return err;
	}
	return err ? err : -ENOSPC;
}

int cluster__identity(struct cluster *c, const char *labels, uint32_t *id, struct errmsg *em)
{
	char lkey[1500], *v = NULL;
	int err;

	if (strlen(labels) > 1000)
		return em_set(em, -E2BIG, "label set too long for a cluster identity");
	if (!cluster__connected(c))
		return em_set(em, -ENOTCONN,
			      "etcd is unreachable: a label set needs its cluster-wide identity "
			      "(fail closed: nothing was changed)");
	labels_key(labels, lkey, sizeof(lkey));
	err = etcd__get(c->em, lkey, &v, NULL);
	if (!err) {
		*id = (uint32_t)strtoul(v, NULL, 10);
		free(v);
		return *id >= FIRST ? 0 : em_set(em, -EPROTO, "bad identity in etcd for %s", labels);
	}
	if (err == -ENOENT)
		err = allocate(c, labels, lkey, id);
	if (err) {
		cluster_set_conn(c, err, "identity");
		return em_set(em, err, "cluster identity of {%s}: %s", labels, strerror(-err));
	}
	pr_info("cluster: identity %u is {%s}\n", *id, labels);
	return 0;
}

static bool marked(const struct cluster *c, uint32_t id)
{
	for (size_t i = 0; i < c->ngc_marked; i++)
		if (c->gc_marked[i] == id)
			return true;
	return false;
}

static bool has_users(const struct etcd_kv *users, size_t n, uint32_t id)
{
	char p[48];

	snprintf(p, sizeof(p), P_ID "users/%u/", id);
	for (size_t i = 0; i < n; i++)
		if (!strncmp(users[i].key, p, strlen(p)))
			return true;
	return false;
}

int cluster__identity_gc(struct cluster *c)
{
	struct etcd_kv *ids = NULL, *users = NULL;
	size_t nids = 0, nusers = 0, nmark = 0;
	uint32_t *mark = NULL;
	int err;

	if (!cluster__connected(c))
		return -ENOTCONN;
	err = etcd__list(c->em, P_ID "ids/", &ids, &nids, NULL);
	if (!err)
		err = etcd__list(c->em, P_ID "users/", &users, &nusers, NULL);
	if (!err && !(mark = calloc(nids + 1, sizeof(*mark))))
		err = -ENOMEM;
	for (size_t i = 0; !err && i < nids; i++) {
		uint32_t id = (uint32_t)strtoul(ids[i].key + strlen(P_ID "ids/"), NULL, 10);
		char lkey[1500], val[16];

		if (has_users(users, nusers, id))
			continue;
		if (!marked(c, id)) {
			mark[nmark++] = id;
			continue;
		}
		labels_key(ids[i].value, lkey, sizeof(lkey));
		snprintf(val, sizeof(val), "%u", id);
		if (etcd__del_if(c->em, lkey, val) >= 0 && etcd__del_if(c->em, ids[i].key, ids[i].value) > 0)
			pr_info("cluster: identity %u {%s} unused: removed\n", id, ids[i].value);
	}
	if (!err) {
		free(c->gc_marked);
		c->gc_marked = mark;
		c->ngc_marked = nmark;
		mark = NULL;
	}
	free(mark);
	etcd_kvs_free(ids, nids);
	etcd_kvs_free(users, nusers);
	return err;
}
