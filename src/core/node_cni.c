// SPDX-License-Identifier: GPL-2.0-only
/* Node queries for CNI attachments: SNICs by owner key, pool headroom. */
#include <errno.h>
#include <string.h>

#include "core/node_priv.h"

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
	return pool__capacity(n->pool) - pool__used(n->pool);
}
