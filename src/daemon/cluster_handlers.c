// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cluster membership of the daemon (src/cluster/) and its API commands:
 *   cluster.status     {} -> {node, etcd, peers}
 *   cluster.rotate_key {} -> {key_epoch}
 */
#include <errno.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "daemon/daemon.h"
#include "lib/api.h"
#include "lib/log.h"

static int mkdir_0(const char *path, mode_t mode)
{
	if (mkdir(path, mode) && errno != EEXIST)
		return -errno;
	return 0;
}

int daemon_cluster_join(struct daemon *d, struct node_opts *o, struct errmsg *em)
{
	struct cidr6 block6;
	struct hyp_paths p;
	bool fresh;
	int err;

	if (hyp_paths_init(o->instance, &p))
		return em_set(em, -EINVAL, "invalid instance name '%s'", o->instance);
	fresh = access(p.state_dir, F_OK) != 0;
	if ((err = mkdir_0(HYP_STATE_DIR, 0755)) || (err = mkdir_0(p.state_dir, 0700)))
		return em_set(em, err, "cannot create %s: %s", p.state_dir, strerror(-err));
	d->cluster_opts.state_dir = p.state_dir;
	err = cluster__join(&d->cluster_opts, &o->pool, &block6, &d->cluster, em);
	d->cluster_opts.state_dir = NULL; /* p goes out of scope */
	if (err) {
		if (fresh)
			rmdir(p.state_dir); /* a refused join leaves nothing behind */
		return err;
	}
	o->pool_set = true;
	o->overlay = true;
	/* the IPv6 block is the pool6; none when the cluster has no pool6 */
	snprintf(d->cluster_pool6, sizeof(d->cluster_pool6), "none");
	if (block6.prefix)
		cidr6_format(&block6, d->cluster_pool6, sizeof(d->cluster_pool6));
	o->pool6 = d->cluster_pool6;
	return 0;
}

static void peer_up(void *arg, const struct cluster_peer *p, const uint8_t key[16],
		    const uint8_t prev[16])
{
	struct daemon *d = arg;
	struct hyp_ovl_peer v = {
	    .addr = htonl(p->addr),
	    .net = p->block.addr & cidr4_mask(p->block.prefix),
	    .mask = cidr4_mask(p->block.prefix),
	};
	char ip[16] = "-";
	int err;

	memcpy(v.key, key, 16);
	if (memcmp(key, prev, 16)) {
		memcpy(v.prev_key, prev, 16);
		v.flags = HYP_OVL_PEER_F_PREV;
	}
	if (p->addr)
		ipv4_format(p->addr, ip, sizeof(ip));
	err = node__ovl_peer_set(d->node, p->id, &v);
	if (!err && p->block6.prefix) /* its /64: never routed out in the clear */
		err = node__ovl_route6_set(d->node, p->id, p->block6.addr, p->block6.prefix);
	pr_info("cluster: peer %s (id %u) at %s, key epoch %u%s%s\n", p->name, p->id, ip,
		p->key_epoch, err ? ": overlay table: " : "", err ? strerror(-err) : "");
}

static void peer_down(void *arg, const struct cluster_peer *p)
{
	struct daemon *d = arg;

	node__ovl_peer_del(d->node, p->id);
	pr_info("cluster: peer %s (id %u) withdrawn\n", p->name, p->id);
}

static void ep_set(void *arg, uint32_t ip, uint32_t identity, uint32_t node)
{
	struct daemon *d = arg;

	node__ovl_ep_set(d->node, ip, identity, node);
}

static void ep_del(void *arg, uint32_t ip)
{
	struct daemon *d = arg;

	node__ovl_ep_del(d->node, ip);
}

static void eps_all(void *arg, const uint32_t *ip, const uint32_t *identity, const uint32_t *node,
		    size_t n)
{
	struct daemon *d = arg;
	struct hyp_ovl_ep *v = calloc(n + 1, sizeof(*v));

	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		v[i] = (struct hyp_ovl_ep){.identity = identity[i], .node = node[i]};
	node__ovl_eps_replace(d->node, ip, v, n);
	free(v);
}

static struct hyp_ep6_key ep6_key(const uint8_t ip6[16])
{
	struct hyp_ep6_key k;

	memcpy(k.ip, ip6, sizeof(k.ip));
	return k;
}

static void ep6_set(void *arg, const uint8_t ip6[16], uint32_t identity, uint32_t node)
{
	struct daemon *d = arg;
	struct hyp_ep6_key k = ep6_key(ip6);

	node__ovl_ep6_set(d->node, &k, identity, node);
}

static void ep6_del(void *arg, const uint8_t ip6[16])
{
	struct daemon *d = arg;
	struct hyp_ep6_key k = ep6_key(ip6);

	node__ovl_ep6_del(d->node, &k);
}

static void eps6_all(void *arg, const uint8_t (*ip6)[16], const uint32_t *identity,
		     const uint32_t *node, size_t n)
{
	struct daemon *d = arg;
	struct hyp_ep6_key *k = calloc(n + 1, sizeof(*k));
	struct hyp_ovl_ep *v = calloc(n + 1, sizeof(*v));

	for (size_t i = 0; k && v && i < n; i++) {
		k[i] = ep6_key(ip6[i]);
		v[i] = (struct hyp_ovl_ep){.identity = identity[i], .node = node[i]};
	}
	if (k && v)
		node__ovl_eps6_replace(d->node, k, v, n);
	free(k);
	free(v);
}

int daemon_cluster_start(struct daemon *d)
{
	struct cluster_hooks h = {.peer_up = peer_up,
				  .peer_down = peer_down,
				  .ep_set = ep_set,
				  .ep_del = ep_del,
				  .eps_all = eps_all,
				  .ep6_set = ep6_set,
				  .ep6_del = ep6_del,
				  .eps6_all = eps6_all,
				  .arg = d};
	struct errmsg em = {};
	int err = node__ovl_enable(d->node, &em);

	if (err) {
		pr_warn("cluster: %s\n", em.msg);
		return err;
	}
	node__ovl_self(d->node, cluster__node_id(d->cluster), d->ovl_flags);
	err = daemon_cluster_seq_start(d);
	if (err) {
		pr_warn("cluster: overlay sequence numbers: %s\n", strerror(-err));
		return err;
	}
	err = cluster__start(d->cluster, &h);

	if (!err)
		daemon_cluster_attach(d);
	return err;
}

json_object *do_cluster_status(struct daemon *d, json_object *args)
{
	if (!d->cluster)
		return api_err(-ENOTCONN, "this node is not in a cluster (hyperiond --cluster)");
	return api_ok(cluster__status_json(d->cluster));
}

json_object *do_cluster_rotate_key(struct daemon *d, json_object *args)
{
	struct errmsg em = {};
	json_object *st, *node, *ep = NULL;
	int err;

	if (!d->cluster)
		return api_err(-ENOTCONN, "this node is not in a cluster (hyperiond --cluster)");
	err = cluster__rotate_key(d->cluster, &em);
	if (err)
		return daemon_reply(err, &em, NULL);
	st = cluster__status_json(d->cluster);
	if (json_object_object_get_ex(st, "node", &node))
		json_object_object_get_ex(node, "key_epoch", &ep);
	json_object *res = json_object_new_object();

	json_object_object_add(res, "key_epoch", json_object_get(ep));
	json_object_put(st);
	return api_ok(res);
}
