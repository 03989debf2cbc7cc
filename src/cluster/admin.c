// SPDX-License-Identifier: GPL-2.0-only
/*
 * What hyperctl does to the cluster store directly (no daemon needed):
 * cluster init (the pool, once) and cluster remove (a node's number,
 * block and registration). Links only the etcd client, not libsodium.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster/cluster_priv.h"

void cidr4_format(const struct cidr4 *c, char *buf, size_t len)
{
	char ip[16];

	ipv4_format(c->addr, ip, sizeof(ip));
	snprintf(buf, len, "%s/%u", ip, c->prefix);
}

int cluster__init(const char *endpoints, const struct cidr4 *pool, int block_prefix,
		  struct errmsg *em)
{
	char val[128], cidr[32], *cur = NULL;
	struct etcd *e;
	int err;

	if (block_prefix < pool->prefix || block_prefix > 29 || pool->prefix < 8)
		return em_set(em, -EINVAL, "block prefix /%d must be within the pool (/%u) and <= 29",
			      block_prefix, pool->prefix);
	if (pool->addr & ~cidr4_mask(pool->prefix))
		return em_set(em, -EINVAL, "pool has host bits set");
	err = etcd__open(endpoints, 3000, &e);
	if (err)
		return em_set(em, err, "--endpoints: http://HOST:PORT[,...]");
	cidr4_format(pool, cidr, sizeof(cidr));
	snprintf(val, sizeof(val), "{\"pool\":\"%s\",\"block_prefix\":%d}", cidr, block_prefix);
	err = etcd__create(e, HYP_CLUSTER_PREFIX "config", val, 0);
	if (err == 0) {
		err = etcd__get(e, HYP_CLUSTER_PREFIX "config", &cur, NULL);
		if (!err && strcmp(cur, val))
			err = em_set(em, -EEXIST, "cluster is already initialised: %s", cur);
		free(cur);
	} else if (err < 0) {
		em_set(em, err, "etcd at %s: %s", etcd__endpoint(e), strerror(-err));
	} else {
		err = 0;
	}
	etcd__close(e);
	return err;
}

/* Deletes every key under dir whose value is name; the count removed. */
static int del_owned(struct etcd *e, const char *dir, const char *name)
{
	struct etcd_kv *kvs;
	size_t n;
	int err = etcd__list(e, dir, &kvs, &n, NULL), count = 0;

	for (size_t i = 0; !err && i < n; i++) {
		if (strcmp(kvs[i].value, name))
			continue;
		err = etcd__del_if(e, kvs[i].key, name);
		if (err > 0)
			count++;
	}
	etcd_kvs_free(kvs, n);
	return err < 0 ? err : count;
}

int cluster__remove(const char *endpoints, const char *node, bool force, struct errmsg *em)
{
	char key[128], *v = NULL;
	struct etcd *e;
	int err, ids, blocks;

	if (validate_object_name(node))
		return em_set(em, -EINVAL, "invalid node name '%s'", node);
	err = etcd__open(endpoints, 3000, &e);
	if (err)
		return em_set(em, err, "--endpoints: http://HOST:PORT[,...]");
	snprintf(key, sizeof(key), HYP_CLUSTER_PREFIX "nodes/%s", node);
	err = etcd__get(e, key, &v, NULL);
	free(v);
	if (!err && !force) {
		err = em_set(em, -EBUSY, "node %s is alive (its lease holds): stop it first, or --force",
			     node);
		goto out;
	}
	if (err && err != -ENOENT) {
		em_set(em, err, "etcd at %s: %s", etcd__endpoint(e), strerror(-err));
		goto out;
	}
	err = etcd__del(e, key);
	ids = err ? err : del_owned(e, HYP_CLUSTER_PREFIX "ids/", node);
	blocks = ids < 0 ? ids : del_owned(e, HYP_CLUSTER_PREFIX "blocks/", node);
	err = blocks < 0 ? blocks : 0;
	if (err)
		em_set(em, err, "etcd at %s: %s", etcd__endpoint(e), strerror(-err));
	else if (!ids && !blocks)
		err = em_set(em, -ENOENT, "no node %s in the cluster", node);
out:
	etcd__close(e);
	return err;
}
