// SPDX-License-Identifier: GPL-2.0-only
/*
 * What hyperctl does to the cluster store directly (no daemon needed):
 * cluster init (the pools, once) and cluster remove (a node's number,
 * blocks and registration). Links only the etcd client, not libsodium.
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

void cluster_block6_format(const struct cidr6 *c, char *buf, size_t len)
{
	if (c->prefix)
		cidr6_format(c, buf, len);
	else if (len)
		buf[0] = 0;
}

int cluster_block6_get(json_object *o, const char *key, struct cidr6 *out)
{
	json_object *v;

	memset(out, 0, sizeof(*out));
	if (!json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null))
		return 0;
	if (!json_object_is_type(v, json_type_string) ||
	    cidr6_parse(json_object_get_string(v), out) || out->prefix != HYP_CLUSTER_BLOCK6) {
		memset(out, 0, sizeof(*out));
		return -EPROTO;
	}
	ipv6_mask(out->addr, out->prefix);
	return 0;
}

int cluster_pool6_check(const struct cidr6 *p, struct errmsg *em)
{
	static const uint8_t mapped[12] = {[10] = 0xff, [11] = 0xff};
	uint8_t net[16];

	if (p->addr[0] == 0xff || (p->addr[0] == 0xfe && (p->addr[1] & 0xc0) == 0x80) ||
	    !memcmp(p->addr, mapped, 12) || p->addr[0] == 0)
		return em_set(em, -EINVAL,
			      "pool6: a unicast prefix (not link-local, multicast, "
			      "loopback or IPv4-mapped)");
	if (p->prefix < HYP_CLUSTER_POOL6_MIN || p->prefix > HYP_CLUSTER_BLOCK6)
		return em_set(em, -EINVAL, "pool6 prefix /%u: /%d../%d (each node takes a /%d)",
			      p->prefix, HYP_CLUSTER_POOL6_MIN, HYP_CLUSTER_BLOCK6,
			      HYP_CLUSTER_BLOCK6);
	memcpy(net, p->addr, 16);
	ipv6_mask(net, p->prefix);
	if (memcmp(net, p->addr, 16))
		return em_set(em, -EINVAL, "pool6 has host bits set");
	return 0;
}

/* The config as it is written; pool6_any: only what precedes the pool6 must match. */
static int config_same(const char *cur, const char *val, bool pool6_any)
{
	const char *p6 = strstr(val, ",\"pool6\":");

	if (!pool6_any || !p6)
		return !strcmp(cur, val);
	return !strncmp(cur, val, (size_t)(p6 - val) + 9) && strlen(cur) > (size_t)(p6 - val) + 9;
}

int cluster__init(const char *endpoints, const struct cidr4 *pool, int block_prefix,
		  const struct cidr6 *pool6, bool pool6_any, struct errmsg *em)
{
	char val[192], cidr[32], cidr6[IP6_STRLEN + 8], *cur = NULL;
	struct etcd *e;
	int err;

	err = pool6 ? cluster_pool6_check(pool6, em) : 0;
	if (err)
		return err;
	if (block_prefix < pool->prefix || block_prefix > 29 || pool->prefix < 8)
		return em_set(em, -EINVAL, "block prefix /%d must be within the pool (/%u) and <= 29",
			      block_prefix, pool->prefix);
	if (pool->addr & ~cidr4_mask(pool->prefix))
		return em_set(em, -EINVAL, "pool has host bits set");
	err = etcd__open(endpoints, 3000, &e);
	if (err)
		return em_set(em, err, "--endpoints: http://HOST:PORT[,...]");
	cidr4_format(pool, cidr, sizeof(cidr));
	snprintf(val, sizeof(val), "{\"pool\":\"%s\",\"block_prefix\":%d", cidr, block_prefix);
	if (pool6) {
		cidr6_format(pool6, cidr6, sizeof(cidr6));
		snprintf(val + strlen(val), sizeof(val) - strlen(val), ",\"pool6\":\"%s\"", cidr6);
	}
	snprintf(val + strlen(val), sizeof(val) - strlen(val), "}");
	err = etcd__create(e, HYP_CLUSTER_PREFIX "config", val, 0);
	if (err == 0) {
		err = etcd__get(e, HYP_CLUSTER_PREFIX "config", &cur, NULL);
		if (!err && !config_same(cur, val, pool6_any))
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
	int err, ids, blocks, blocks6;

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
	blocks6 = blocks < 0 ? blocks : del_owned(e, HYP_CLUSTER_PREFIX "blocks6/", node);
	err = blocks6 < 0 ? blocks6 : 0;
	if (err)
		em_set(em, err, "etcd at %s: %s", etcd__endpoint(e), strerror(-err));
	else if (!ids && !blocks && !blocks6)
		err = em_set(em, -ENOENT, "no node %s in the cluster", node);
out:
	etcd__close(e);
	return err;
}
