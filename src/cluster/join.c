// SPDX-License-Identifier: GPL-2.0-only
/*
 * Joining a cluster: the config, this node's number and address block
 * (taken with create-if-absent transactions, so two nodes never get the
 * same), its key pair, and cluster init.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <json-c/json.h>

#include "cluster/cluster_priv.h"
#include "lib/log.h"

struct cluster_config {
	struct cidr4 pool;
	int block_prefix;
	struct cidr6 pool6; /* prefix 0: IPv4 only */
};

static int config_read(struct etcd *e, struct cluster_config *cfg, struct errmsg *em)
{
	json_object *o, *v;
	char *s = NULL;
	int err = etcd__get(e, HYP_CLUSTER_PREFIX "config", &s, NULL);

	if (err == -ENOENT)
		return em_set(em, -ENOENT,
			      "cluster at %s is not initialised: run hyperctl cluster init --pool CIDR",
			      etcd__endpoint(e));
	if (err)
		return em_set(em, err, "etcd at %s: %s", etcd__endpoint(e), strerror(-err));
	o = json_tokener_parse(s);
	free(s);
	err = -EPROTO;
	if (etcd_json_str(o, "pool") && !cidr4_parse(etcd_json_str(o, "pool"), &cfg->pool) &&
	    json_object_object_get_ex(o, "block_prefix", &v)) {
		cfg->block_prefix = json_object_get_int(v);
		if (cfg->block_prefix >= cfg->pool.prefix && cfg->block_prefix <= 29)
			err = 0;
	}
	memset(&cfg->pool6, 0, sizeof(cfg->pool6));
	if (!err && etcd_json_str(o, "pool6") &&
	    (cidr6_parse(etcd_json_str(o, "pool6"), &cfg->pool6) ||
	     cluster_pool6_check(&cfg->pool6, &(struct errmsg){})))
		err = -EPROTO;
	json_object_put(o);
	return err ? em_set(em, err, "cluster config in etcd is not valid") : 0;
}

/* The key under dir whose value is name, as its last path element; -ENOENT. */
static int find_owned(struct etcd *e, const char *dir, const char *name, char *out, size_t len)
{
	struct etcd_kv *kvs;
	size_t n;
	int err = etcd__list(e, dir, &kvs, &n, NULL);

	if (err)
		return err;
	err = -ENOENT;
	for (size_t i = 0; i < n && err; i++)
		if (!strcmp(kvs[i].value, name)) {
			snprintf(out, len, "%s", kvs[i].key + strlen(dir));
			err = 0;
		}
	etcd_kvs_free(kvs, n);
	return err;
}

static int take_id(struct etcd *e, struct cluster_record *r, struct errmsg *em)
{
	char key[96], found[32];
	int err = find_owned(e, HYP_CLUSTER_PREFIX "ids/", r->node, found, sizeof(found));

	if (!err) {
		r->id = (uint32_t)strtoul(found, NULL, 10);
		return 0;
	}
	if (err != -ENOENT)
		return em_set(em, err, "etcd: reading node numbers: %s", strerror(-err));
	for (uint32_t id = 1; id <= HYP_CLUSTER_MAX_ID; id++) {
		snprintf(key, sizeof(key), HYP_CLUSTER_PREFIX "ids/%u", id);
		err = etcd__create(e, key, r->node, 0);
		if (err < 0)
			return em_set(em, err, "etcd: taking a node number: %s", strerror(-err));
		if (err == 1) {
			r->id = id;
			return 0;
		}
	}
	return em_set(em, -ENOSPC, "cluster has no free node number (%d nodes)", HYP_CLUSTER_MAX_ID);
}

static int take_block(struct etcd *e, const struct cluster_config *cfg, struct cluster_record *r,
		      struct errmsg *em)
{
	char key[96], found[40];
	uint64_t count = 1ULL << (cfg->block_prefix - cfg->pool.prefix);
	int err = find_owned(e, HYP_CLUSTER_PREFIX "blocks/", r->node, found, sizeof(found));

	if (!err) {
		char *dash = strrchr(found, '-');

		if (dash)
			*dash = '/';
		return cidr4_parse(found, &r->block) ? em_set(em, -EPROTO, "bad block %s", found)
						     : 0;
	}
	if (err != -ENOENT)
		return em_set(em, err, "etcd: reading address blocks: %s", strerror(-err));
	for (uint64_t i = 0; i < count; i++) {
		struct cidr4 b = {
		    .addr = cfg->pool.addr + (uint32_t)(i << (32 - cfg->block_prefix)),
		    .prefix = (uint8_t)cfg->block_prefix,
		};
		char ip[16];

		ipv4_format(b.addr, ip, sizeof(ip));
		snprintf(key, sizeof(key), HYP_CLUSTER_PREFIX "blocks/%s-%u", ip, b.prefix);
		err = etcd__create(e, key, r->node, 0);
		if (err < 0)
			return em_set(em, err, "etcd: taking an address block: %s", strerror(-err));
		if (err == 1) {
			r->block = b;
			return 0;
		}
	}
	return em_set(em, -ENOSPC, "cluster pool has no free /%d block", cfg->block_prefix);
}

/* The i-th /64 of pool6. */
static void block6_nth(const struct cidr6 *pool6, uint64_t i, struct cidr6 *b)
{
	uint64_t hi = 0;

	for (int k = 0; k < 8; k++)
		hi = hi << 8 | pool6->addr[k];
	hi += i;
	memset(b, 0, sizeof(*b));
	for (int k = 7; k >= 0; k--, hi >>= 8)
		b->addr[k] = (uint8_t)hi;
	b->prefix = HYP_CLUSTER_BLOCK6;
}

/* The node's IPv6 /64, as take_block: its own again, or the first free one. */
static int take_block6(struct etcd *e, const struct cidr6 *pool6, struct cluster_record *r,
		       struct errmsg *em)
{
	char key[128], found[IP6_STRLEN + 8], ip[IP6_STRLEN];
	uint64_t count = 1ULL << (HYP_CLUSTER_BLOCK6 - pool6->prefix);
	int err = find_owned(e, HYP_CLUSTER_PREFIX "blocks6/", r->node, found, sizeof(found));

	if (!err) {
		char *dash = strrchr(found, '-');

		if (dash)
			*dash = '/';
		if (cidr6_parse(found, &r->block6) || r->block6.prefix != HYP_CLUSTER_BLOCK6)
			return em_set(em, -EPROTO, "bad IPv6 block %s", found);
		return 0;
	}
	if (err != -ENOENT)
		return em_set(em, err, "etcd: reading IPv6 blocks: %s", strerror(-err));
	if (count > HYP_CLUSTER_MAX_ID + 1ULL)
		count = HYP_CLUSTER_MAX_ID + 1ULL; /* one per node number is enough */
	for (uint64_t i = 0; i < count; i++) {
		struct cidr6 b;

		block6_nth(pool6, i, &b);
		ipv6_format(b.addr, ip, sizeof(ip));
		snprintf(key, sizeof(key), HYP_CLUSTER_PREFIX "blocks6/%s-%u", ip, b.prefix);
		err = etcd__create(e, key, r->node, 0);
		if (err < 0)
			return em_set(em, err, "etcd: taking an IPv6 block: %s", strerror(-err));
		if (err == 1) {
			r->block6 = b;
			return 0;
		}
	}
	return em_set(em, -ENOSPC, "cluster pool6 has no free /%d block", HYP_CLUSTER_BLOCK6);
}

/* A live node of that name with another key is another machine: refuse. */
static int name_free(struct etcd *e, const struct cluster_record *r, struct errmsg *em)
{
	char key[128], *v = NULL;
	struct cluster_peer p;
	int err;

	snprintf(key, sizeof(key), HYP_CLUSTER_PREFIX "nodes/%s", r->node);
	err = etcd__get(e, key, &v, NULL);
	if (err == -ENOENT)
		return 0;
	if (err)
		return em_set(em, err, "etcd: %s", strerror(-err));
	err = cluster_parse_node(v, &p);
	free(v);
	if (!err && (!memcmp(p.pubkey, r->pk, 32) || (r->has_prev && !memcmp(p.pubkey, r->prev_pk, 32))))
		return 0; /* our own registration from before a restart */
	return em_set(em, -EEXIST, "node name %s is used by a live node with another key", r->node);
}

static int join_etcd(struct cluster *c, struct etcd *e, struct errmsg *em)
{
	struct cluster_config cfg;
	int err = config_read(e, &cfg, em);

	if (err)
		return err;
	if (!c->rec.key_time) {
		err = cluster_keypair(c->rec.sk, c->rec.pk);
		if (err)
			return em_set(em, err, "cannot make a key pair");
		c->rec.key_epoch = 1;
		c->rec.key_time = cluster_now_ms() / 1000;
	}
	err = name_free(e, &c->rec, em);
	if (!err)
		err = take_id(e, &c->rec, em);
	if (!err)
		err = take_block(e, &cfg, &c->rec, em);
	memset(&c->rec.block6, 0, sizeof(c->rec.block6));
	if (!err && cfg.pool6.prefix)
		err = take_block6(e, &cfg.pool6, &c->rec, em);
	if (err)
		return err;
	c->pool6 = cfg.pool6;
	if (!cidr4_contains(&cfg.pool, c->rec.block.addr) ||
	    (cfg.pool6.prefix && !cidr6_contains(&cfg.pool6, c->rec.block6.addr)))
		return em_set(em, -EINVAL, "node %s: its block is outside the cluster pool",
			      c->rec.node);
	err = cluster_record_save(c->state_path, &c->rec);
	if (err)
		return em_set(em, err, "cannot write %s: %s", c->state_path, strerror(-err));
	err = cluster_register(c, e);
	if (err)
		return em_set(em, err, "etcd: registering node %s: %s", c->rec.node,
			      strerror(-err));
	return 0;
}

static int cluster_alloc(const struct cluster_opts *o, struct cluster **out, struct errmsg *em)
{
	struct cluster *c;

	if (!o->node || validate_object_name(o->node) || strlen(o->node) >= sizeof(c->rec.node))
		return em_set(em, -EINVAL, "--node: invalid node name '%s'", o->node ? o->node : "");
	if (!o->endpoints || strlen(o->endpoints) >= sizeof(c->endpoints))
		return em_set(em, -EINVAL, "--cluster: endpoints missing or too long");
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	if (o->addr && ipv4_parse(o->addr, &c->addr)) {
		free(c);
		return em_set(em, -EINVAL, "--node-addr: invalid IPv4 address '%s'", o->addr);
	}
	snprintf(c->addr_str, sizeof(c->addr_str), "%s", o->addr ? o->addr : "");
	snprintf(c->endpoints, sizeof(c->endpoints), "%s", o->endpoints);
	snprintf(c->state_path, sizeof(c->state_path), "%s/cluster.json", o->state_dir);
	c->timeout_ms = o->etcd_timeout_ms > 0 ? o->etcd_timeout_ms : 2000;
	c->evfd = -1;
	pthread_mutex_init(&c->lock, NULL);
	*out = c;
	return 0;
}

int cluster__join(const struct cluster_opts *o, struct cidr4 *block, struct cidr6 *block6,
		  struct cluster **out, struct errmsg *em)
{
	struct cluster *c = NULL;
	struct etcd *e = NULL;
	int err = cluster_alloc(o, &c, em);

	if (err)
		return err;
	err = cluster_record_load(c->state_path, &c->rec);
	if (err == -EINVAL) {
		em_set(em, err, "%s is not a valid cluster record", c->state_path);
		goto fail;
	}
	if (!err && strcmp(c->rec.node, o->node)) {
		err = em_set(em, -EEXIST, "this instance joined as node %s, not %s", c->rec.node,
			     o->node);
		goto fail;
	}
	if (err == -ENOENT)
		snprintf(c->rec.node, sizeof(c->rec.node), "%s", o->node);
	err = etcd__open(c->endpoints, c->timeout_ms, &e);
	if (err) {
		em_set(em, err, "--cluster: endpoints are http://HOST:PORT[,...]");
		goto fail;
	}
	err = join_etcd(c, e, em);
	if (err && c->rec.id && (err == -ECONNREFUSED || err == -ETIMEDOUT || err == -EHOSTUNREACH)) {
		/* etcd down, but we know who we are: run on the record, register later */
		pr_warn("cluster: %s; running as node %s (id %u) from %s until etcd is back\n",
			em->msg, c->rec.node, c->rec.id, c->state_path);
		em->msg[0] = 0;
		cluster_set_conn(c, err, "join");
		err = 0;
	}
	if (err)
		goto fail;
	etcd__close(e);
	*block = c->rec.block;
	*block6 = c->rec.block6;
	*out = c;
	return 0;
fail:
	etcd__close(e);
	free(c);
	return err;
}
