// SPDX-License-Identifier: GPL-2.0-only
/*
 * API commands for namespace labels (core/node_namespace.c):
 *   namespace.label   {namespace, labels: {k: v...}}
 *   namespace.unlabel {namespace, keys: [k...]}
 *   namespace.list    {} -> [{name, snics, labels}]
 */
#include <errno.h>
#include <stdlib.h>

#include "daemon/daemon.h"
#include "lib/api.h"
#include "lib/keys.h"

json_object *do_namespace_label(struct daemon *d, json_object *args)
{
	const char *ns = daemon_arg_str(args, KEY_NAMESPACE);
	struct errmsg em = {};
	struct labels set;
	int err;

	if (d->cluster && !cluster__connected(d->cluster))
		return api_err(-ENOTCONN, "etcd is unreachable: namespace labels are cluster-wide "
					  "and cannot be changed now (nothing was changed)");
	err = daemon_parse_labels(args, &set, &em);
	if (!err)
		err = node__ns_label(d->node, ns, &set, &em);
	if (!err && d->cluster)
		err = daemon_cluster_publish_ns(d, ns, &em);
	return daemon_reply(err, &em, NULL);
}

json_object *do_namespace_unlabel(struct daemon *d, json_object *args)
{
	const char *ns = daemon_arg_str(args, KEY_NAMESPACE);
	const char **keys = NULL;
	struct errmsg em = {};
	json_object *arr;
	size_t n = 0;
	int err = 0;

	if (d->cluster && !cluster__connected(d->cluster))
		return api_err(-ENOTCONN, "etcd is unreachable: namespace labels are cluster-wide "
					  "and cannot be changed now (nothing was changed)");
	if (!json_object_object_get_ex(args, KEY_KEYS, &arr) ||
	    !json_object_is_type(arr, json_type_array))
		return api_err(-EINVAL, "namespace.unlabel needs \"keys\", an array of strings");
	n = json_object_array_length(arr);
	keys = calloc(n + 1, sizeof(*keys));
	if (!keys)
		return api_err(-ENOMEM, "out of memory");
	for (size_t i = 0; !err && i < n; i++) {
		json_object *k = json_object_array_get_idx(arr, i);

		if (!json_object_is_type(k, json_type_string))
			err =
			    em_set(&em, -EINVAL, "namespace.unlabel: keys[%zu] is not a string", i);
		else
			keys[i] = json_object_get_string(k);
	}
	if (!err)
		err = node__ns_unlabel(d->node, ns, keys, n, &em);
	if (!err && d->cluster)
		err = daemon_cluster_publish_ns(d, ns, &em);
	free(keys);
	return daemon_reply(err, &em, NULL);
}

json_object *do_namespace_list(struct daemon *d, json_object *args)
{
	json_object *l = node__ns_list_json(d->node);

	return l ? api_ok(l) : api_err(-EIO, "cannot read the store");
}
