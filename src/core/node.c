// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "core/node.h"
#include "core/node_priv.h"
#include "policy/policy.h"

_Static_assert(sizeof(((struct snic_rec *)0)->hw) == sizeof(struct hyp_snic_hw),
	       "the store keeps the backend's state of a SNIC whole");
#include "lib/fault.h"
#include "lib/log.h"
#include "lib/netns.h"

const struct hyp_paths *node__paths(const struct node *n)
{
	return &n->paths;
}

struct describe {
	char *buf;
	size_t len, at;
};

static int describe_cb(const char *key, const char *val, void *ctx)
{
	struct describe *d = ctx;
	int k;

	if (d->at >= d->len)
		return 0;
	k = snprintf(d->buf + d->at, d->len - d->at, "%s%s %s", d->at ? ", " : "", key, val);
	d->at += k > 0 ? (size_t)k : 0;
	return 0;
}

void node__domain_describe(const struct node *n, char *buf, size_t len)
{
	struct describe d = {.buf = buf, .len = len};

	if (len)
		buf[0] = '\0';
	n->be->domain_info(n->bep, describe_cb, &d);
}

static int mkdir_mode(const char *path, mode_t mode)
{
	if (mkdir(path, mode) && errno != EEXIST)
		return -errno;
	return 0;
}

/* Settings fixed at creation: pool, guard. Later opens must agree. */
static int settings_load(struct node *n, const struct node_opts *o, bool fresh, struct errmsg *em)
{
	char buf[64], want[32];
	int err;

	n->guard = !o->no_guard;
	if (fresh) {
		char addr[16];

		ipv4_format(n->net.addr, addr, sizeof(addr));
		snprintf(want, sizeof(want), "%s/%u", addr, n->net.prefix);
		if (o->pool_none)
			snprintf(want, sizeof(want), "none");
		err = store__meta_set(n->st, "pool", want);
		if (!err)
			err = store__meta_set(n->st, "guard", n->guard ? "1" : "0");
		if (!err)
			err = store__meta_set(n->st, "backend", n->be->name);
		return err ? em_set(em, err, "cannot write settings") : 0;
	}
	if (store__meta_get(n->st, "pool", buf, sizeof(buf)))
		return em_set(em, -EIO, "state of %s has no valid pool", o->instance);
	n->net = (struct cidr4){};
	if (strcmp(buf, "none") && cidr4_parse(buf, &n->net))
		return em_set(em, -EIO, "state of %s has no valid pool ('%s')", o->instance, buf);
	if ((o->pool_none && n->net.prefix) ||
	    (o->pool_set && (o->pool.addr != n->net.addr || o->pool.prefix != n->net.prefix)))
		return em_set(em, -EEXIST, "instance %s uses pool %s; teardown to change it",
			      o->instance, buf);
	if (!store__meta_get(n->st, "guard", buf, sizeof(buf)) && (buf[0] == '1') != n->guard)
		return em_set(em, -EEXIST,
			      "instance %s was created with guard %s; teardown to change it",
			      o->instance, buf[0] == '1' ? "on" : "off");
	return 0;
}

struct pool_fill {
	struct pool *pool;
	int err;
};

static int pool_fill_cb(const struct snic_rec *r, void *ctx)
{
	struct pool_fill *pf = ctx;
	int err = r->ip ? pool__reserve(pf->pool, r->ip) : 0; /* 0: IPv6-only */

	if (err)
		pr_warn("snic %s: stored address is not valid in the pool: %s\n", r->name,
			strerror(-err));
	return 0;
}

/* The IPv4 pool and the stored SNICs' addresses in it; none with --pool none. */
static int node_pool4_open(struct node *n, struct errmsg *em)
{
	struct pool_fill pf;
	int err;

	if (!n->net.prefix) /* an IPv6-only instance */
		return 0;
	err = pool__new(&n->net, &n->pool);
	if (err)
		return em_set(em, err, "invalid pool prefix /%u (8-29)", n->net.prefix);
	n->net = *pool__net(n->pool);
	pf.pool = n->pool;
	pf.err = 0;
	return store__snic_foreach(n->st, pool_fill_cb, &pf);
}

/*
 * A refused start of a new instance leaves nothing: the store and its
 * SQLite side files, and the state directory if nothing else is in it
 * (rmdir, not a tree removal: a cluster join keeps its file there).
 */
static void state_files_remove(const struct hyp_paths *p)
{
	static const char *const side[] = {"", "-wal", "-shm", "-journal"};
	char path[sizeof(p->state_db) + 16];
	size_t i;

	for (i = 0; i < sizeof(side) / sizeof(side[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", p->state_db, side[i]);
		unlink(path);
	}
	rmdir(p->state_dir);
	rmdir(HYP_STATE_DIR);
}

int node__open(const struct node_opts *o, bool create, struct node **out, struct errmsg *em)
{
	struct node *n = calloc(1, sizeof(*n));
	bool fresh = false;
	int err;

	if (!n)
		return -ENOMEM;
	err = node_monitor_init(n);
	if (err)
		goto err;
	err = hyp_paths_init(o->instance, &n->paths);
	if (err) {
		em_set(em, err, "invalid instance name '%s' (1-24 of a-z, 0-9, '-')", o->instance);
		goto err;
	}
	n->be = backend_find(o->backend ? o->backend : "emu");
	if (!n->be) {
		err = em_set(em, -ENOENT, "unknown backend '%s'", o->backend);
		goto err;
	}
	fresh = access(n->paths.state_db, F_OK) != 0;
	if (fresh && !create) {
		err = em_set(em, -ENOENT, "instance %s does not exist", o->instance);
		goto err;
	}
	if ((err = mkdir_mode("/var/lib/hyperion", 0755)) ||
	    (err = mkdir_mode(n->paths.state_dir, 0700))) {
		em_set(em, err, "cannot create %s: %s", n->paths.state_dir, strerror(-err));
		goto err;
	}
	err = store__open(n->paths.state_db, &n->st);
	if (err) {
		em_set(em, err, "cannot open state %s", n->paths.state_db);
		goto err;
	}
	n->net = o->pool_set ? o->pool : (struct cidr4){};
	if (fresh && !o->pool_set && !o->pool_none)
		cidr4_parse(HYP_DEFAULT_POOL, &n->net);
	err = settings_load(n, o, fresh, em);
	if (!err)
		err = node_pool4_open(n, em);
	if (!err)
		err = node_pool6_open(n, o, em);
	if (!err && !n->pool && !n->pool6)
		err = em_set(em, -EINVAL, "no address family: --pool none needs an IPv6 pool "
			     "(--pool6 CIDR, or no --pool6 for a new one), not --pool6 none");
	if (err)
		goto err;
	snprintf(n->dom.instance, sizeof(n->dom.instance), "%s", o->instance);
	n->dom.pool = n->net;
	n->dom.gw = n->pool ? pool__gateway(n->pool) : 0;
	if (n->pool)
		mac_from_ipv4(n->dom.gw, n->dom.gw_mac);
	else /* IPv6-only instance */
		mac_from_ipv6((const uint8_t *)n->dom.gw6, n->dom.gw_mac);
	n->dom.ct_quota = o->ct_quota;
	n->dom.big_tcp = o->big_tcp;
	n->dom.overlay = o->overlay;
	err = n->be->open(&n->dom, create, &n->bep, em);
	if (!err && n->be->events_set)
		err = n->be->events_set(n->bep, &o->events, em);
	if (err)
		goto err;
	err = node_uplink_start(n, o, fresh, em);
	if (err)
		goto err;
	*out = n;
	return 0;
err:
	if (fresh && n->st) {
		store__close(n->st);
		n->st = NULL;
	}
	if (fresh)
		state_files_remove(&n->paths);
	node__close(n);
	return err;
}

void node__close(struct node *n)
{
	if (!n)
		return;
	node_inspect_free(n);
	node_monitor_free(n);
	node_pol_cache_free(n);
	pol_inc_free(n->pinc);
	node_world_bufs_free(n);
	if (n->bep)
		n->be->close(n->bep);
	store__close(n->st);
	pool__free(n->pool);
	pool6__free(n->pool6);
	free(n);
}

int node_remove_snic(struct node *n, const struct snic_rec *r)
{
	struct errmsg em = {};
	struct hyp_snic_spec s;
	struct hyp_snic_hw hw;
	int err;

	node_spec_from_rec(n, r, &s, &hw);
	err = n->be->snic_destroy(n->bep, &s, &hw);
	if (s.netns_fd >= 0)
		close(s.netns_fd);
	if (err)
		pr_warn("snic %s: backend: %s\n", r->name, strerror(-err));
	fault_point("snic-del-destroyed");
	err = store__begin(n->st);
	if (!err)
		err = store__publish_del_snic(n->st, r->id);
	if (!err)
		err = store__snic_delete(n->st, r->id);
	if (!err)
		err = store__identity_gc(n->st);
	if (!err)
		err = store__commit(n->st);
	if (err) {
		store__rollback(n->st);
		return err;
	}
	if (r->ip)
		pool__release(n->pool, r->ip);
	node_release_ip6(n, r);
	node_monitor_snic(n, r, HYP_EV_SNIC_DEL);
	fault_point("snic-del-committed");
	if (node_publish_sync(n, &em))
		pr_warn("snic %s removed, published ports: %s\n", r->name, em.msg);
	if (node__policy_sync(n, &em) || node__inspect_sync(n, &em))
		pr_warn("snic %s removed, policy recompile failed: %s\n", r->name, em.msg);
	return 0;
}

int node__snic_del(struct node *n, const char *name, struct errmsg *em)
{
	struct snic_rec r;
	int err;

	err = node__snic_get(n, name, &r, em);
	if (err)
		return err;
	err = node_remove_snic(n, &r);
	if (err)
		return em_set(em, err, "snic %s: cannot remove: %s", name, strerror(-err));
	pr_info("snic %s removed\n", name);
	return 0;
}

/* Stores the backend's state of a SNIC when a repair rewrote it. */
static int id_cb(const struct snic_rec *r, void *ctx)
{
	struct node_ids *ids = ctx;

	if (ids->n == ids->cap) {
		size_t cap = ids->cap ? ids->cap * 2 : 256;
		int64_t *v = realloc(ids->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		ids->v = v;
		ids->cap = cap;
	}
	ids->v[ids->n++] = r->id;
	return 0;
}

int node_snic_ids(struct node *n, struct node_ids *ids)
{
	int err;

	memset(ids, 0, sizeof(*ids));
	err = store__snic_foreach(n->st, id_cb, ids);
	if (err) {
		free(ids->v);
		memset(ids, 0, sizeof(*ids));
	}
	return err;
}

/* One SNIC's datapath, then its record: what an interrupted teardown leaves is
 * still recorded, so a restart keeps it and the next teardown removes it. */
static int teardown_one(struct node *n, int64_t id)
{
	struct hyp_snic_spec s;
	struct hyp_snic_hw hw;
	struct snic_rec *r = malloc(sizeof(*r));
	int err;

	if (!r)
		return -ENOMEM;
	err = store__snic_by_id(n->st, id, r);
	if (!err) {
		node_spec_from_rec(n, r, &s, &hw);
		n->be->snic_destroy(n->bep, &s, &hw);
		if (s.netns_fd >= 0)
			close(s.netns_fd);
		err = store__snic_delete(n->st, id);
	}
	free(r);
	return err == -ENOENT ? 0 : err;
}

static int teardown_snics(struct node *n, node_stop_fn stop, void *arg, struct errmsg *em)
{
	struct node_ids ids;
	size_t i = 0;
	int err = node_snic_ids(n, &ids);

	if (err)
		em_set(em, err, "teardown: cannot list the SNICs");
	for (; !err && i < ids.n; i++) {
		if (stop && stop(arg)) {
			err = em_set(em, -EINTR,
				     "teardown interrupted by a signal: %zu of %zu SNICs removed, %zu "
				     "left (recorded); run teardown again",
				     i, ids.n, ids.n - i);
			break;
		}
		/* a record that stays goes with the state below */
		if (teardown_one(n, ids.v[i]))
			pr_warn("teardown: SNIC %lld: cannot remove its record\n",
				(long long)ids.v[i]);
		if ((i + 1) % 1000 == 0)
			pr_info("teardown: %zu of %zu SNICs removed\n", i + 1, ids.n);
	}
	free(ids.v);
	return err;
}

int node__teardown_until(struct node *n, node_stop_fn stop, void *arg, struct errmsg *em)
{
	int err = teardown_snics(n, stop, arg, em);

	if (err)
		return err; /* the instance stays whole: its daemon may start again */
	err = n->be->destroy(n->bep);
	if (err)
		em_set(em, err, "teardown: the datapath's domain: %s", strerror(-err));
	store__close(n->st);
	n->st = NULL;
	node_files_remove(&n->paths);
	return err;
}

int node__teardown(struct node *n)
{
	struct errmsg em = {};

	return node__teardown_until(n, NULL, NULL, &em);
}
