// SPDX-License-Identifier: GPL-2.0-only
/*
 * The node's two threads: one keeps the lease alive (and registers again
 * when it expired, e.g. after etcd was away longer than its TTL), one
 * watches nodes/ into the peer cache. A lost watch is listed again and
 * resumed from the listed revision, so every node converges on
 * reconnect; a compacted revision (-ESTALE) does the same. Neither
 * thread touches anything but etcd, the cache and the hooks.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sodium.h>
#include <sys/eventfd.h>

#include "cluster/cluster_priv.h"
#include "lib/log.h"

void cluster_msleep(struct cluster *c, int ms)
{
	for (int i = 0; i < ms / 50 && !c->stop; i++)
		nanosleep(&(struct timespec){.tv_nsec = 50000000}, NULL);
}

static void *keepalive_main(void *arg)
{
	struct cluster *c = arg;
	struct etcd *e;

	if (etcd__open(c->endpoints, c->timeout_ms, &e))
		return NULL;
	while (!c->stop) {
		int64_t ttl = 0, lease;
		bool reg;
		int err;

		pthread_mutex_lock(&c->lock);
		lease = c->lease;
		reg = c->registered;
		pthread_mutex_unlock(&c->lock);
		if (!reg) {
			err = cluster_register(c, e);
			cluster_msleep(c, err ? 1000 : HYP_CLUSTER_LEASE_TTL * 1000 / 3);
			continue;
		}
		err = etcd__lease_keepalive(e, lease, &ttl);
		cluster_set_conn(c, err, "keepalive");
		if (!err && ttl <= 0) {
			pr_warn("cluster: lease %" PRId64 " expired; registering again\n", lease);
			pthread_mutex_lock(&c->lock);
			c->registered = false;
			pthread_mutex_unlock(&c->lock);
			continue;
		}
		cluster_msleep(c, err ? 1000 : HYP_CLUSTER_LEASE_TTL * 1000 / 3);
	}
	etcd__close(e);
	return NULL;
}

static int peer_find(struct cluster *c, const char *name)
{
	for (int i = 0; i < c->npeers; i++)
		if (!strcmp(c->peers[i].name, name))
			return i;
	return -1;
}

/* A node record arrived (lock held). Our own record is not a peer. */
static void peer_set(struct cluster *c, const struct cluster_peer *p)
{
	uint8_t key[16], prev[16];
	int i = peer_find(c, p->name);

	if (!strcmp(p->name, c->rec.node))
		return;
	if (cluster_pair_key(c->rec.sk, c->rec.pk, p->pubkey, key)) {
		pr_warn("cluster: node %s has an unusable public key: ignored\n", p->name);
		return;
	}
	if (i < 0) {
		if (c->npeers == HYP_CLUSTER_MAX_NODES)
			return;
		i = c->npeers++;
		memcpy(prev, key, 16);
	} else {
		memcpy(prev, c->peer_key[i], 16); /* the peer rotated: its old key still verifies */
	}
	c->peers[i] = *p;
	c->peers[i].alive = true;
	memcpy(c->peer_key[i], key, 16);
	if (c->hooks.peer_up)
		c->hooks.peer_up(c->hooks.arg, &c->peers[i], key, prev);
	sodium_memzero(key, sizeof(key));
}

static void peer_gone(struct cluster *c, const char *name)
{
	int i = peer_find(c, name);

	if (i < 0)
		return;
	c->peers[i].alive = false;
	pr_info("cluster: node %s left (lease expired or removed)\n", name);
	cluster_reps_drop_node(c, c->peers[i].id);
	if (c->hooks.peer_down)
		c->hooks.peer_down(c->hooks.arg, &c->peers[i]);
	c->peers[i] = c->peers[c->npeers - 1];
	memcpy(c->peer_key[i], c->peer_key[c->npeers - 1], 16);
	c->npeers--;
}

static const char *node_name_of(const char *key)
{
	return key + strlen(HYP_CLUSTER_PREFIX "nodes/");
}

static bool is_node_key(const char *key)
{
	return !strncmp(key, HYP_CLUSTER_PREFIX "nodes/", strlen(HYP_CLUSTER_PREFIX "nodes/"));
}

int cluster_watch_event(const struct etcd_event *ev, void *arg)
{
	struct cluster *c = arg;
	struct cluster_peer p;

	pthread_mutex_lock(&c->lock);
	if (!is_node_key(ev->kv.key))
		cluster_state_event(c, ev);
	else if (ev->deleted)
		peer_gone(c, node_name_of(ev->kv.key));
	else if (!cluster_parse_node(ev->kv.value, &p))
		peer_set(c, &p);
	c->watch_rev = ev->kv.mod_revision;
	pthread_mutex_unlock(&c->lock);
	return 0;
}

static bool listed(const struct etcd_kv *kvs, size_t n, const char *name)
{
	for (size_t k = 0; k < n; k++)
		if (is_node_key(kvs[k].key) && !strcmp(node_name_of(kvs[k].key), name))
			return true;
	return false;
}

/* Lists the whole prefix into the cache: what is not listed is gone. */
static int resync(struct cluster *c, struct etcd *e, int64_t *rev)
{
	struct etcd_kv *kvs;
	size_t n;
	int err = etcd__list(e, HYP_CLUSTER_PREFIX, &kvs, &n, rev);

	if (err)
		return err;
	pthread_mutex_lock(&c->lock);
	for (int i = c->npeers - 1; i >= 0; i--)
		if (!listed(kvs, n, c->peers[i].name))
			peer_gone(c, c->peers[i].name);
	cluster_resync_begin(c);
	/* nodes first: an endpoint's IPv6 address is checked against its node's /64 */
	for (size_t k = 0; k < n; k++) {
		struct cluster_peer p;

		if (is_node_key(kvs[k].key) && !cluster_parse_node(kvs[k].value, &p))
			peer_set(c, &p);
	}
	for (size_t k = 0; k < n; k++) {
		struct etcd_event ev = {.kv = kvs[k]};

		if (!is_node_key(kvs[k].key))
			cluster_state_event(c, &ev);
	}
	cluster_resync_end(c);
	c->watch_rev = *rev;
	pthread_mutex_unlock(&c->lock);
	etcd_kvs_free(kvs, n);
	return 0;
}

static void *watch_main(void *arg)
{
	struct cluster *c = arg;
	struct etcd *e;

	if (etcd__open(c->endpoints, c->timeout_ms, &e))
		return NULL;
	while (!c->stop) {
		int64_t rev = 0, last = 0;
		int err = resync(c, e, &rev);

		cluster_set_conn(c, err, "list");
		while (!err && !c->stop) {
			err = etcd__watch(e, HYP_CLUSTER_PREFIX, rev + 1, cluster_watch_event, c,
					  &c->stop, &last);
			if (last > rev)
				rev = last;
			if (err == -ESTALE)
				break; /* compacted: list again */
			if (err && err != -ECANCELED)
				cluster_set_conn(c, err, "watch");
		}
		cluster_msleep(c, 1000);
	}
	etcd__close(e);
	return NULL;
}

int cluster__start(struct cluster *c, const struct cluster_hooks *h)
{
	int err;

	if (h)
		c->hooks = *h;
	c->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (c->evfd < 0)
		return -errno;
	err = etcd__open(c->endpoints, c->timeout_ms, &c->em);
	if (err)
		return err;
	if (pthread_create(&c->t_keep, NULL, keepalive_main, c))
		return -EAGAIN;
	if (pthread_create(&c->t_watch, NULL, watch_main, c)) {
		c->stop = true;
		pthread_join(c->t_keep, NULL);
		return -EAGAIN;
	}
	c->started = true;
	return 0;
}

void cluster__close(struct cluster *c)
{
	if (!c)
		return;
	c->stop = true;
	if (c->started) {
		pthread_join(c->t_keep, NULL);
		pthread_join(c->t_watch, NULL);
	}
	cluster_state_free(c);
	sodium_memzero(&c->rec, sizeof(c->rec));
	sodium_memzero(c->peer_key, sizeof(c->peer_key));
	pthread_mutex_destroy(&c->lock);
	free(c);
}

uint32_t cluster__node_id(const struct cluster *c)
{
	return c->rec.id;
}
