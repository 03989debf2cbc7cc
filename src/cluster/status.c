// SPDX-License-Identifier: GPL-2.0-only
/* hyperctl cluster status (from the cache: it answers while etcd is away) and rotate-key. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <arpa/inet.h>

#include "cluster/cluster_priv.h"
#include "lib/log.h"

static json_object *peer_json(const struct cluster_peer *p, int64_t now_s)
{
	json_object *o = json_object_new_object();
	char ip[16] = "", blk[IP6_STRLEN + 8];

	if (p->addr)
		ipv4_format(p->addr, ip, sizeof(ip));
	cidr4_format(&p->block, blk, sizeof(blk));
	json_object_object_add(o, "name", json_object_new_string(p->name));
	json_object_object_add(o, "id", json_object_new_int64(p->id));
	json_object_object_add(o, "addr", json_object_new_string(ip));
	json_object_object_add(o, "block", json_object_new_string(blk));
	cluster_block6_format(&p->block6, blk, sizeof(blk));
	json_object_object_add(o, "block6", json_object_new_string(blk));
	json_object_object_add(o, "alive", json_object_new_boolean(p->alive));
	json_object_object_add(o, "key_epoch", json_object_new_int64(p->key_epoch));
	json_object_object_add(o, "key_age_s", json_object_new_int64(now_s - p->key_time));
	return o;
}

static json_object *self_json(struct cluster *c, int64_t now_s)
{
	json_object *o = json_object_new_object();
	char blk[IP6_STRLEN + 8], pk[64];

	cidr4_format(&c->rec.block, blk, sizeof(blk));
	b64_encode(c->rec.pk, 32, pk);
	json_object_object_add(o, "name", json_object_new_string(c->rec.node));
	json_object_object_add(o, "id", json_object_new_int64(c->rec.id));
	json_object_object_add(o, "addr", json_object_new_string(c->addr_str));
	json_object_object_add(o, "block", json_object_new_string(blk));
	cluster_block6_format(&c->rec.block6, blk, sizeof(blk));
	json_object_object_add(o, "block6", json_object_new_string(blk));
	cluster_block6_format(&c->pool6, blk, sizeof(blk));
	json_object_object_add(o, "pool6", json_object_new_string(*blk ? blk : "none"));
	json_object_object_add(o, "pubkey", json_object_new_string(pk));
	json_object_object_add(o, "key_epoch", json_object_new_int64(c->rec.key_epoch));
	json_object_object_add(o, "key_age_s", json_object_new_int64(now_s - c->rec.key_time));
	json_object_object_add(o, "registered", json_object_new_boolean(c->registered));
	return o;
}

static int idl_cmp(const void *a, const void *b)
{
	const struct cluster_idl *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* The cluster's identities, by number, with their label sets (lock held). */
static json_object *identities_json(struct cluster *c)
{
	json_object *a = json_object_new_array();

	if (c->nidl)
		qsort(c->idl, c->nidl, sizeof(*c->idl), idl_cmp);
	for (size_t i = 0; i < c->nidl; i++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "id", json_object_new_int64(c->idl[i].id));
		json_object_object_add(o, "labels", json_object_new_string(c->idl[i].labels));
		json_object_array_add(a, o);
	}
	return a;
}

json_object *cluster__status_json(struct cluster *c)
{
	json_object *o = json_object_new_object(), *etcd = json_object_new_object();
	json_object *nodes = json_object_new_array();
	int64_t now = cluster_now_ms();

	pthread_mutex_lock(&c->lock);
	json_object_object_add(o, "node", self_json(c, now / 1000));
	json_object_object_add(etcd, "endpoints", json_object_new_string(c->endpoints));
	json_object_object_add(etcd, "connected", json_object_new_boolean(c->connected));
	json_object_object_add(etcd, "since_s", json_object_new_int64((now - c->change_ms) / 1000));
	json_object_object_add(etcd, "last_error", json_object_new_string(c->last_error));
	json_object_object_add(etcd, "revision", json_object_new_int64(c->watch_rev));
	json_object_object_add(o, "etcd", etcd);
	for (int i = 0; i < c->npeers; i++)
		json_object_array_add(nodes, peer_json(&c->peers[i], now / 1000));
	json_object_object_add(o, "peers", nodes);
	json_object_object_add(o, "identities", identities_json(c));
	nodes = json_object_new_array();
	for (size_t i = 0; i < c->nreps; i++) {
		json_object *e = json_object_new_object();
		char ip[IP6_STRLEN];

		ipv4_format(ntohl(c->reps[i].ip), ip, sizeof(ip));
		json_object_object_add(e, "ip", c->reps[i].ip ? json_object_new_string(ip) : NULL);
		ipv6_format(c->reps[i].ip6, ip, sizeof(ip));
		json_object_object_add(e, "ip6",
				       c->reps[i].has_ip6 ? json_object_new_string(ip) : NULL);
		json_object_object_add(e, "node", json_object_new_int64(c->reps[i].node));
		json_object_object_add(e, "identity", json_object_new_int64(c->reps[i].identity));
		json_object_array_add(nodes, e);
	}
	json_object_object_add(o, "remote_endpoints", nodes);
	pthread_mutex_unlock(&c->lock);
	return o;
}

void cluster_rekey_peers(struct cluster *c, const uint8_t old_sk[32], const uint8_t old_pk[32])
{
	uint8_t key[16], prev[16];

	for (int i = 0; i < c->npeers; i++) {
		if (cluster_pair_key(c->rec.sk, c->rec.pk, c->peers[i].pubkey, key) ||
		    cluster_pair_key(old_sk, old_pk, c->peers[i].pubkey, prev))
			continue;
		memcpy(c->peer_key[i], key, 16);
		if (c->hooks.peer_up)
			c->hooks.peer_up(c->hooks.arg, &c->peers[i], key, prev);
	}
	sodium_memzero(key, sizeof(key));
	sodium_memzero(prev, sizeof(prev));
}

/*
 * A new key pair. The new public key goes to etcd first: if etcd cannot
 * take it, nothing changes (the peers could not derive the new pair keys).
 * Then the peers' entries get the new pair key with the old one as the
 * previous key, which the receive side still accepts, so packets in
 * flight under the old key are not lost while every peer catches up.
 */
int cluster__rotate_key(struct cluster *c, struct errmsg *em)
{
	struct cluster_record old;
	struct etcd *e = NULL;
	char key[128], *val;
	int err;

	pthread_mutex_lock(&c->lock);
	old = c->rec;
	err = cluster_keypair(c->rec.sk, c->rec.pk);
	memcpy(c->rec.prev_sk, old.sk, 32);
	memcpy(c->rec.prev_pk, old.pk, 32);
	c->rec.has_prev = true;
	c->rec.key_epoch++;
	c->rec.key_time = cluster_now_ms() / 1000;
	val = err ? NULL : cluster_node_value(c);
	pthread_mutex_unlock(&c->lock);
	snprintf(key, sizeof(key), HYP_CLUSTER_PREFIX "nodes/%s", old.node);
	if (!err)
		err = val ? cluster_record_save(c->state_path, &c->rec) : -ENOMEM;
	if (!err)
		err = etcd__open(c->endpoints, c->timeout_ms, &e);
	if (!err)
		err = c->registered ? etcd__put(e, key, val, c->lease) : -ENOTCONN;
	if (err && val)
		cluster_record_save(c->state_path, &old); /* the peers keep the old key */
	etcd__close(e);
	free(val);
	pthread_mutex_lock(&c->lock);
	if (err) {
		c->rec = old;
		em_set(em, err, "key not rotated: etcd cannot take the new public key (%s)",
		       strerror(-err));
	} else {
		cluster_rekey_peers(c, old.sk, old.pk);
		pr_info("cluster: key rotated to epoch %u\n", c->rec.key_epoch);
	}
	pthread_mutex_unlock(&c->lock);
	sodium_memzero(&old, sizeof(old));
	return err;
}
