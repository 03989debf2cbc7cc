// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host endpoint (hyperctl host enable|disable|show), off by default:
 * a SNIC record named "host" with SNIC_F_HOST, so it is stored, checked,
 * repaired by reconcile and removed at teardown as every SNIC is. What
 * differs: its netns is the host's, its identity the reserved HYP_ID_HOST
 * (compile.c never selects it by pod or namespace selector; a policy admits
 * it by its address in an ipBlock), no IPv6, no default route (the address's
 * prefix gives the host a route to the pool only).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "core/node_priv.h"
#include "lib/log.h"

#define HOST_SNIC   "host"
#define HOST_NETNS  "/proc/self/ns/net" /* the daemon's: the host's */
#define HOST_IFNAME "hyphost0"

static int host_get(struct node *n, struct snic_rec *r)
{
	int err = store__snic_get(n->st, HOST_SNIC, r);

	if (!err && !(r->flags & SNIC_F_HOST))
		return -ENOENT; /* a container's SNIC that happens to be called "host" */
	return err;
}

int node__host_enable(struct node *n, const char *ifname, struct errmsg *em)
{
	struct snic_req req = {
	    .name = HOST_SNIC,
	    .netns = HOST_NETNS,
	    .ifname = ifname ? ifname : HOST_IFNAME,
	    .host = true,
	};
	struct snic_rec r;

	if (!host_get(n, &r))
		return em_set(em, -EEXIST, "the host endpoint is already enabled (%s, %s)",
			      r.ifname, r.netns);
	if (!store__snic_get(n->st, HOST_SNIC, &r))
		return em_set(em, -EEXIST, "a SNIC named '" HOST_SNIC "' exists: delete it first");
	return node__snic_add(n, &req, NULL, em);
}

int node__host_disable(struct node *n, struct errmsg *em)
{
	struct snic_rec r;

	if (host_get(n, &r))
		return em_set(em, -ENOENT, "the host endpoint is not enabled");
	return node__snic_del(n, HOST_SNIC, em);
}

json_object *node__host_json(struct node *n)
{
	struct snic_rec r;

	if (host_get(n, &r))
		return json_object_new_object();
	return node__snic_json(n, &r);
}
