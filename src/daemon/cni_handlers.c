// SPDX-License-Identifier: GPL-2.0-only
/*
 * API commands of the hyperion CNI plugin. The daemon stays the single
 * owner of state: an attachment (network, container id, ifname) is a SNIC
 * whose owner is the attachment key (core/cni_attach.h). Failed replies
 * carry "cni_code", the CNI error code the plugin reports.
 *   cni.add    {network, containerid, ifname, netns, labels} -> SNIC
 *   cni.del    {network, containerid, ifname}                 idempotent
 *   cni.check  {network, containerid, ifname, netns}          -> SNIC
 *   cni.gc     {network, valid: [{containerid, ifname}...]}    -> {removed}
 *   cni.status {}                                              -> {ready,...}
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/cni_attach.h"
#include "daemon/daemon.h"
#include "lib/api.h"
#include "lib/log.h"
#include "lib/netns.h"

struct attachment {
	char key[CNI_KEY_MAX + 1];
	char name[CNI_SNIC_NAME_MAX + 1];
	const char *network, *cid, *ifname, *netns;
};

static json_object *cni_fail(int err, int code, const struct errmsg *em)
{
	json_object *o = api_err(err ? err : -EIO, em->msg);

	json_object_object_add(o, "cni_code", json_object_new_int(code));
	return o;
}

static int parse_attachment(json_object *args, struct attachment *a, struct errmsg *em)
{
	memset(a, 0, sizeof(*a));
	a->network = daemon_arg_str(args, "network");
	a->cid = daemon_arg_str(args, "containerid");
	a->ifname = daemon_arg_str(args, "ifname");
	a->netns = daemon_arg_str(args, "netns");
	if (cni_validate_network(a->network))
		return em_set(em, -EINVAL, "invalid network name '%s'",
			      a->network ? a->network : "");
	if (cni_validate_container_id(a->cid))
		return em_set(em, -EINVAL, "invalid container id '%s'", a->cid ? a->cid : "");
	if (cni_attachment_key(a->network, a->cid, a->ifname, a->key, sizeof(a->key)))
		return em_set(em, -EINVAL, "invalid interface name '%s'",
			      a->ifname ? a->ifname : "");
	if (cni_snic_name(a->key, a->cid, a->name, sizeof(a->name)))
		return em_set(em, -EINVAL, "attachment %s: no valid SNIC name", a->key);
	if (a->netns && cni_validate_netns_path(a->netns))
		return em_set(em, -EINVAL, "invalid netns path '%s'", a->netns);
	return 0;
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

json_object *do_cni_add(struct daemon *d, json_object *args)
{
	struct errmsg em = {};
	struct attachment a;
	struct snic_req req = {};
	struct snic_rec rec;
	int fd, err;

	err = parse_attachment(args, &a, &em);
	if (err || !a.netns)
		return cni_fail(-EINVAL, CNI_ERR_INVALID_ENV,
				err ? &em : &(struct errmsg){"netns is required"});
	err = daemon_parse_labels(args, &req.labels, &em);
	if (err)
		return cni_fail(err, CNI_ERR_LABEL, &em);
	if (!node__snic_by_owner(d->node, a.key, &rec, NULL)) {
		struct errmsg ignored = {};

		/* live: ADD must fail; stale (its netns is gone): release, go on */
		if (!netns_is(rec.netns, &rec, &ignored)) {
			em_set(&em, -EEXIST, "attachment %s already exists (snic %s, %s in %s)",
			       a.key, rec.name, rec.ifname, rec.netns);
			return cni_fail(-EEXIST, CNI_ERR_EXISTS, &em);
		}
		pr_info("cni add: attachment %s: netns %s is gone; releasing snic %s\n", a.key,
			rec.netns, rec.name);
		err = node__snic_del(d->node, rec.name, &em);
		if (err)
			return cni_fail(err, CNI_ERR_DAEMON, &em);
	}
	err = netns_open(a.netns, &fd);
	if (err) {
		em_set(&em, err, "netns %s: %s", a.netns,
		       err == -ENOTSUP ? "not a network namespace" : strerror(-err));
		return cni_fail(err, CNI_ERR_NETNS, &em);
	}
	close(fd);
	req.name = a.name;
	req.netns = a.netns;
	req.ifname = a.ifname;
	req.owner = a.key;
	err = node__snic_add(d->node, &req, &rec, &em);
	if (err)
		return cni_fail(err, add_code(err), &em);
	return api_ok(node__snic_json(d->node, &rec));
}

json_object *do_cni_del(struct daemon *d, json_object *args)
{
	struct errmsg em = {};
	struct attachment a;
	struct snic_rec rec;
	json_object *res;
	int err;

	err = parse_attachment(args, &a, &em);
	if (err)
		return cni_fail(err, CNI_ERR_INVALID_ENV, &em);
	res = json_object_new_object();
	err = node__snic_by_owner(d->node, a.key, &rec, &em);
	if (err == -ENOENT) {
		/* already gone (or never made): DEL is idempotent */
		json_object_object_add(res, "released", json_object_new_boolean(0));
		return api_ok(res);
	}
	if (!err)
		err = node__snic_del(d->node, rec.name, &em);
	if (err) {
		json_object_put(res);
		return cni_fail(err, CNI_ERR_DAEMON, &em);
	}
	json_object_object_add(res, "released", json_object_new_boolean(1));
	json_object_object_add(res, "snic", json_object_new_string(rec.name));
	return api_ok(res);
}

json_object *do_cni_check(struct daemon *d, json_object *args)
{
	struct errmsg em = {};
	struct attachment a;
	struct snic_rec rec;
	int err;

	err = parse_attachment(args, &a, &em);
	if (err || !a.netns)
		return cni_fail(-EINVAL, CNI_ERR_INVALID_ENV,
				err ? &em : &(struct errmsg){"netns is required"});
	err = node__snic_by_owner(d->node, a.key, &rec, &em);
	if (err)
		return cni_fail(err, err == -ENOENT ? CNI_ERR_UNKNOWN_CONTAINER : CNI_ERR_DAEMON,
				&em);
	err = netns_is(a.netns, &rec, &em);
	if (err)
		return cni_fail(err, err == -ENOENT ? CNI_ERR_UNKNOWN_CONTAINER : CNI_ERR_CHECK,
				&em);
	err = node__snic_check(d->node, rec.name, &em);
	if (err)
		return cni_fail(err, CNI_ERR_CHECK, &em);
	return api_ok(node__snic_json(d->node, &rec));
}

struct gc_ctx {
	json_object *valid; /* keys to keep */
	char (*drop)[CNI_SNIC_NAME_MAX + 1];
	size_t n;
	int err;
};

static int gc_cb(const struct snic_rec *r, void *ctx)
{
	struct gc_ctx *g = ctx;
	char(*nd)[CNI_SNIC_NAME_MAX + 1];

	if (json_object_object_get_ex(g->valid, r->owner, NULL))
		return 0;
	nd = realloc(g->drop, (g->n + 1) * sizeof(*nd));
	if (!nd)
		return -ENOMEM;
	g->drop = nd;
	snprintf(g->drop[g->n++], sizeof(*nd), "%s", r->name);
	return 0;
}

/* The keys of the valid attachments, as an object used as a set. */
static int gc_valid_set(json_object *args, const char *network, json_object *set, struct errmsg *em)
{
	json_object *arr;
	char key[CNI_KEY_MAX + 1];

	if (!json_object_object_get_ex(args, "valid", &arr) ||
	    !json_object_is_type(arr, json_type_array))
		return em_set(em, -EINVAL, "gc: \"valid\" must be an array");
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *v = json_object_array_get_idx(arr, i);
		const char *cid = daemon_arg_str(v, "containerid"),
			   *ifname = daemon_arg_str(v, "ifname");

		/* an entry we could never have made cannot name one of ours */
		if (!cid || !ifname || cni_attachment_key(network, cid, ifname, key, sizeof(key)))
			continue;
		json_object_object_add(set, key, NULL);
	}
	return 0;
}

json_object *do_cni_gc(struct daemon *d, json_object *args)
{
	const char *network = daemon_arg_str(args, "network");
	struct gc_ctx g = {};
	struct errmsg em = {};
	char prefix[CNI_NETWORK_MAX + 2];
	json_object *res;
	int err, removed = 0;

	if (cni_validate_network(network)) {
		em_set(&em, -EINVAL, "invalid network name '%s'", network ? network : "");
		return cni_fail(-EINVAL, CNI_ERR_INVALID_CONFIG, &em);
	}
	g.valid = json_object_new_object();
	err = gc_valid_set(args, network, g.valid, &em);
	if (err) {
		json_object_put(g.valid);
		return cni_fail(err, CNI_ERR_INVALID_CONFIG, &em);
	}
	snprintf(prefix, sizeof(prefix), "%s/", network);
	err = node__snic_foreach_owned(d->node, prefix, gc_cb, &g);
	for (size_t i = 0; !err && i < g.n; i++) {
		struct errmsg dem = {};
		int derr = node__snic_del(d->node, g.drop[i], &dem);

		if (derr && derr != -ENOENT) {
			/* keep going: remove as much as possible, report the first error */
			pr_warn("cni gc: %s\n", dem.msg);
			if (!g.err) {
				g.err = derr;
				em = dem;
			}
			continue;
		}
		pr_info("cni gc: network %s: removed snic %s\n", network, g.drop[i]);
		removed++;
	}
	free(g.drop);
	json_object_put(g.valid);
	/* and whatever the datapath holds that no recorded SNIC owns */
	node__reconcile(d->node);
	if (err || g.err) {
		em_set(&em, err ? err : g.err, "gc of network %s failed", network);
		return cni_fail(err ? err : g.err, CNI_ERR_DAEMON, &em);
	}
	res = json_object_new_object();
	json_object_object_add(res, "removed", json_object_new_int(removed));
	return api_ok(res);
}

/* Ready when an ADD can succeed: the pool has room. */
json_object *do_cni_status(struct daemon *d, json_object *args)
{
	json_object *res = json_object_new_object();
	uint32_t free_addrs = node__addresses_free(d->node);

	json_object_object_add(res, "ready", json_object_new_boolean(free_addrs > 0));
	json_object_object_add(res, "addresses_free", json_object_new_int64(free_addrs));
	if (!free_addrs)
		json_object_object_add(res, "reason",
				       json_object_new_string("address pool exhausted"));
	return api_ok(res);
}
