// SPDX-License-Identifier: GPL-2.0-only
/* API commands for policies. */
#include <errno.h>
#include <string.h>

#include "daemon/daemon.h"
#include "lib/api.h"
#include "lib/keys.h"

json_object *do_policy_apply(struct daemon *d, json_object *args)
{
	struct errmsg em = {};
	const char *text = daemon_arg_str(args, KEY_TEXT);
	json_object *applied = NULL;
	int err;

	if (!text)
		return api_err(-EINVAL, "policy.apply needs \"text\"");
	if (d->cluster && !cluster__connected(d->cluster))
		return api_err(-ENOTCONN, "etcd is unreachable: a policy applies to every node of the "
					  "cluster and cannot be changed now (nothing was changed)");
	err = node__policy_apply(d->node, text, strlen(text), &applied, &em);
	if (!err && d->cluster)
		err = daemon_cluster_publish_apply(d, text, applied, &em);
	return daemon_reply(err, &em, applied);
}

json_object *do_policy_delete(struct daemon *d, json_object *args)
{
	struct errmsg em = {};
	const char *name = daemon_arg_str(args, KEY_NAME);
	json_object *deleted = NULL;
	int err;

	if (d->cluster && !cluster__connected(d->cluster))
		return api_err(-ENOTCONN, "etcd is unreachable: a policy applies to every node of the "
					  "cluster and cannot be changed now (nothing was changed)");
	err = node__policy_delete(d->node, name ? name : "", &deleted, &em);
	if (!err && d->cluster)
		err = daemon_cluster_publish_delete(d, deleted, &em);
	return daemon_reply(err, &em, deleted);
}

json_object *do_policy_list(struct daemon *d, json_object *args)
{
	json_object *l = node__policy_list_json(d->node);

	return l ? api_ok(l) : api_err(-EIO, "cannot read the store");
}

json_object *do_policy_show(struct daemon *d, json_object *args)
{
	struct errmsg em = {};
	const char *name = daemon_arg_str(args, KEY_NAME);
	json_object *doc = NULL;
	int err = node__policy_show(d->node, name ? name : "", &doc, &em);

	return daemon_reply(err, &em, doc);
}

json_object *do_policy_trace(struct daemon *d, json_object *args)
{
	struct errmsg em = {};
	const char *src = daemon_arg_str(args, KEY_SRC), *dst = daemon_arg_str(args, KEY_DST);
	const char *proto = daemon_arg_str(args, KEY_PROTO), *port = daemon_arg_str(args, KEY_PORT);
	json_object *out = NULL;
	int err;

	if (!src || !dst || !proto || !port)
		return api_err(-EINVAL, "policy.trace needs src, dst, proto and port");
	err = node__policy_trace(d->node, src, dst, proto, port, &out, &em);
	return daemon_reply(err, &em, out);
}
