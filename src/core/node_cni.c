// SPDX-License-Identifier: GPL-2.0-only
/*
 * CNI attachments of a node: ADD, DEL, CHECK, GC and STATUS as the
 * hyperion CNI plugin asks for them through hyperiond. An attachment
 * (network, container id, ifname) is a SNIC whose owner is the attachment
 * key (core/cni_attach.h); the daemon's handlers only parse and reply.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/node_priv.h"
#include "lib/fault.h"
#include "lib/log.h"
#include "lib/netns.h"

int node__snic_by_owner(struct node *n, const char *owner, struct snic_rec *out, struct errmsg *em)
{
	int err;

	if (!owner || !*owner)
		return em_set(em, -EINVAL, "empty attachment key");
	err = store__snic_by_owner(n->st, owner, out);
	if (err == -ENOENT)
		return em_set(em, err, "no SNIC for attachment %s", owner);
	return err ? em_set(em, err, "attachment %s: store error", owner) : 0;
}

struct owned_ctx {
	const char *prefix;
	size_t plen;
	store_snic_cb cb;
	void *ctx;
};

static int owned_cb(const struct snic_rec *r, void *ctx)
{
	struct owned_ctx *o = ctx;

	if (!r->owner[0] || strncmp(r->owner, o->prefix, o->plen))
		return 0;
	return o->cb(r, o->ctx);
}

int node__snic_foreach_owned(struct node *n, const char *prefix, store_snic_cb cb, void *ctx)
{
	struct owned_ctx o = {.prefix = prefix ? prefix : "", .cb = cb, .ctx = ctx};

	o.plen = strlen(o.prefix);
	return store__snic_foreach(n->st, owned_cb, &o);
}

uint32_t node__addresses_free(const struct node *n)
{
	if (!n->pool) /* IPv6-only: a pool6 has room as long as it is not exhausted */
		return node_addresses6_free(n);
	return pool__capacity(n->pool) - pool__used(n->pool);
}

/* Sets *code and returns err, for `return fail(...)`. */
static int fail(int *code, int c, int err)
{
	*code = c;
	return err;
}

/* The netns must open and be the one the attachment was made in. */
static int netns_is(const char *path, const struct snic_rec *r, struct errmsg *em)
{
	uint64_t dev, ino;
	int fd, err;

	err = netns_open(path, &fd);
	if (err)
		return em_set(em, -ENOENT, "netns %s: %s", path, strerror(-err));
	err = netns_identity(fd, &dev, &ino);
	close(fd);
	if (err || dev != r->netns_dev || ino != r->netns_ino)
		return em_set(em, -ESTALE, "snic %s: netns %s is not the one it was added in",
			      r->name, path);
	return 0;
}

static int add_code(int err)
{
	switch (err) {
	case -EEXIST:
		return CNI_ERR_EXISTS;
	case -ENOSPC:
		return CNI_ERR_POOL_EXHAUSTED;
	default:
		return CNI_ERR_DAEMON;
	}
}

/* A live attachment with the key: -EEXIST; a stale one is released. */
static int release_stale(struct node *n, const struct cni_attachment *a, int *code,
			 struct errmsg *em)
{
	struct errmsg ignored = {};
	struct snic_rec rec;
	int err;

	if (node__snic_by_owner(n, a->key, &rec, NULL))
		return 0;
	/* live: ADD must fail; stale (its netns is gone): release, go on */
	if (!netns_is(rec.netns, &rec, &ignored)) {
		em_set(em, -EEXIST, "attachment %s already exists (snic %s, %s in %s)", a->key,
		       rec.name, rec.ifname, rec.netns);
		return fail(code, CNI_ERR_EXISTS, -EEXIST);
	}
	pr_info("cni add: attachment %s: netns %s is gone; releasing snic %s\n", a->key, rec.netns,
		rec.name);
	err = node__snic_del(n, rec.name, em);
	return err ? fail(code, CNI_ERR_DAEMON, err) : 0;
}

/* The attachment's labels from their sources (lib/identity.h). */
static int attachment_labels(const struct cni_attachment *a, const struct ident_sources *src,
			     struct labels *out, int *code, struct errmsg *em)
{
	const char *ns;
	int err = ident_labels(src, out, em);

	if (err)
		return fail(code, err == -EPERM ? CNI_ERR_RESERVED : CNI_ERR_LABEL, err);
	ns = labels__get(out, IDENT_NS_KEY);
	if (src->ns && ns && strcmp(ns, src->ns))
		pr_info("cni add: attachment %s: namespace %s from the network config, not the "
			"runtime's %s\n",
			a->key, ns, src->ns);
	return 0;
}

/* Every mapping could be published: checked before anything is made. */
static int publish_check(struct node *n, const struct cni_publish *pub, int *code,
			 struct errmsg *em)
{
	for (size_t i = 0; pub && i < pub->n; i++) {
		int err = node__publish_check(n, pub->m[i].mapping, pub->m[i].host_ip, em);

		if (err)
			return fail(code, err == -EINVAL ? CNI_ERR_INVALID_CONFIG : CNI_ERR_PUBLISH,
				    err);
	}
	return 0;
}

/* Publishes the mappings to the new SNIC; on a failure removes it (and so them). */
static int publish_apply(struct node *n, const struct snic_rec *s, const struct cni_publish *pub,
			 int *code, struct errmsg *em)
{
	for (size_t i = 0; pub && i < pub->n; i++) {
		int err = node__publish_add(n, s->name, pub->m[i].mapping, em);

		if (err) {
			struct errmsg ignored = {};

			node__snic_del(n, s->name, &ignored);
			return fail(code, CNI_ERR_PUBLISH, err);
		}
	}
	return 0;
}

/*
 * The network's ipFamily against the instance's pools, before anything is
 * made: a family it lacks is the config's error. *family: the SNIC's.
 */
static int cni_family(const struct node *n, const struct cni_attachment *a, int *family, int *code,
		      struct errmsg *em)
{
	bool v4 = a->family == 4 || a->family == CNI_FAMILY_DUAL;
	bool v6 = a->family == 6 || a->family == CNI_FAMILY_DUAL;
	const char *want = a->family == 4 ? "ipv4" : a->family == 6 ? "ipv6" : "dual";

	*family = a->family == CNI_FAMILY_DUAL ? 0 : a->family;
	if (a->family && !v4 && !v6)
		return fail(code, CNI_ERR_INVALID_CONFIG,
			    em_set(em, -EINVAL, "network %s: invalid family %d", a->network,
				   a->family));
	if (v4 && !n->pool)
		return fail(code, CNI_ERR_INVALID_CONFIG,
			    em_set(em, -EINVAL,
				   "network %s asks for IPv4 (ipFamily %s): the instance has no "
				   "IPv4 pool (hyperiond --pool none)",
				   a->network, want));
	if (v6 && !n->pool6)
		return fail(code, CNI_ERR_INVALID_CONFIG,
			    em_set(em, -EINVAL,
				   "network %s asks for IPv6 (ipFamily %s): the instance has no "
				   "IPv6 pool (hyperiond --pool6 none)",
				   a->network, want));
	return 0;
}

int node__cni_add(struct node *n, const struct cni_attachment *a, const struct ident_sources *src,
		  const struct named_ports *ports, const struct cni_publish *pub,
		  struct snic_rec *out, int *code, struct errmsg *em)
{
	struct snic_req req = {};
	char why[320];
	int fd, err;

	if (!a->netns)
		return fail(code, CNI_ERR_INVALID_ENV, em_set(em, -EINVAL, "netns is required"));
	err = cni_family(n, a, &req.family, code, em);
	if (!err)
		err = attachment_labels(a, src, &req.labels, code, em);
	if (err)
		return err;
	err = release_stale(n, a, code, em);
	if (!err)
		err = publish_check(n, pub, code, em);
	if (err)
		return err;
	fault_point("cni-add-begin");
	err = netns_open_target(a->netns, backend_netns_is_domain, &fd, why, sizeof(why));
	if (err) {
		em_set(em, err, "netns %s: %s", a->netns, *why ? why : strerror(-err));
		return fail(code, CNI_ERR_NETNS, err);
	}
	close(fd);
	req.name = a->name;
	req.netns = a->netns;
	req.ifname = a->ifname;
	req.owner = a->key;
	if (ports)
		req.ports = *ports;
	err = node__snic_add(n, &req, out, em);
	if (err)
		return fail(code, add_code(err), err);
	return publish_apply(n, out, pub, code, em);
}

int node__cni_del(struct node *n, const struct cni_attachment *a, struct snic_rec *out,
		  bool *released, int *code, struct errmsg *em)
{
	int err;

	*released = false;
	err = node__snic_by_owner(n, a->key, out, em);
	if (err == -ENOENT) {
		/* already gone (or never made): DEL is idempotent */
		return 0;
	}
	if (!err)
		err = node__snic_del(n, out->name, em);
	if (err)
		return fail(code, CNI_ERR_DAEMON, err);
	fault_point("cni-del-done");
	*released = true;
	return 0;
}

int node__cni_check(struct node *n, const struct cni_attachment *a, struct snic_rec *out, int *code,
		    struct errmsg *em)
{
	int err;

	if (!a->netns)
		return fail(code, CNI_ERR_INVALID_ENV, em_set(em, -EINVAL, "netns is required"));
	err = node__snic_by_owner(n, a->key, out, em);
	if (err)
		return fail(code, err == -ENOENT ? CNI_ERR_UNKNOWN_CONTAINER : CNI_ERR_DAEMON, err);
	err = netns_is(a->netns, out, em);
	if (err)
		return fail(code, err == -ENOENT ? CNI_ERR_UNKNOWN_CONTAINER : CNI_ERR_CHECK, err);
	err = node__snic_check(n, out->name, em);
	return err ? fail(code, CNI_ERR_CHECK, err) : 0;
}

typedef char cni_key[CNI_KEY_MAX + 1];
typedef char snic_name[CNI_SNIC_NAME_MAX + 1];

struct gc_ctx {
	cni_key *keep; /* sorted */
	size_t nkeep;
	snic_name *drop;
	size_t n;
};

static int key_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The keys of the valid attachments, sorted. */
static int gc_keep(const char *network, const struct cni_gc_valid *valid, size_t nvalid,
		   struct gc_ctx *g)
{
	g->keep = calloc(nvalid + 1, sizeof(*g->keep));
	if (!g->keep)
		return -ENOMEM;
	for (size_t i = 0; i < nvalid; i++) {
		/* an entry we could never have made cannot name one of ours */
		if (!valid[i].cid || !valid[i].ifname ||
		    cni_attachment_key(network, valid[i].cid, valid[i].ifname, g->keep[g->nkeep],
				       sizeof(*g->keep)))
			continue;
		g->nkeep++;
	}
	qsort(g->keep, g->nkeep, sizeof(*g->keep), key_cmp);
	return 0;
}

static int gc_cb(const struct snic_rec *r, void *ctx)
{
	struct gc_ctx *g = ctx;
	snic_name *nd;

	if (bsearch(r->owner, g->keep, g->nkeep, sizeof(*g->keep), key_cmp))
		return 0;
	nd = realloc(g->drop, (g->n + 1) * sizeof(*nd));
	if (!nd)
		return -ENOMEM;
	g->drop = nd;
	snprintf(g->drop[g->n++], sizeof(*nd), "%s", r->name);
	return 0;
}

/* Removes every SNIC in g->drop; goes on past a failure, reports the first. */
static int gc_remove(struct node *n, const char *network, const struct gc_ctx *g, int *removed,
		     struct errmsg *em)
{
	int first = 0;

	for (size_t i = 0; i < g->n; i++) {
		struct errmsg dem = {};
		int derr = node__snic_del(n, g->drop[i], &dem);

		if (derr && derr != -ENOENT) {
			pr_warn("cni gc: %s\n", dem.msg);
			if (!first) {
				first = derr;
				*em = dem;
			}
			continue;
		}
		pr_info("cni gc: network %s: removed snic %s\n", network, g->drop[i]);
		(*removed)++;
	}
	return first;
}

int node__cni_gc(struct node *n, const char *network, const struct cni_gc_valid *valid,
		 size_t nvalid, int *removed, int *code, struct errmsg *em)
{
	char prefix[CNI_NETWORK_MAX + 2];
	struct gc_ctx g = {};
	int err, rerr = 0;

	*removed = 0;
	if (cni_validate_network(network))
		return fail(
		    code, CNI_ERR_INVALID_CONFIG,
		    em_set(em, -EINVAL, "invalid network name '%s'", network ? network : ""));
	err = gc_keep(network, valid, nvalid, &g);
	snprintf(prefix, sizeof(prefix), "%s/", network);
	if (!err)
		err = node__snic_foreach_owned(n, prefix, gc_cb, &g);
	if (!err)
		rerr = gc_remove(n, network, &g, removed, em);
	free(g.drop);
	free(g.keep);
	/* and whatever the datapath holds that no recorded SNIC owns */
	node__reconcile(n);
	if (err || rerr) {
		em_set(em, err ? err : rerr, "gc of network %s failed", network);
		return fail(code, CNI_ERR_DAEMON, err ? err : rerr);
	}
	return 0;
}

void node__cni_status(struct node *n, struct cni_status *out)
{
	out->addresses_free = node__addresses_free(n);
	out->ready = out->addresses_free > 0;
	out->reason = out->ready ? NULL : "address pool exhausted";
}
