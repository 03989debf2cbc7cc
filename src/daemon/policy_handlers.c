// SPDX-License-Identifier: GPL-2.0-only
/* API commands for policies. */
#include <errno.h>
#include <string.h>

#include "daemon/daemon.h"
#include "lib/api.h"

static const char *str(json_object *args, const char *key)
{
	json_object *v;

	if (!args || !json_object_object_get_ex(args, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static json_object *reply(int err, const struct errmsg *em, json_object *result)
{
	if (err) {
		json_object_put(result);
		return api_err(err, em->msg);
	}
	return api_ok(result);
}

json_object *do_policy_apply(struct daemon *d, json_object *args)
{
	struct errmsg em = {};
	const char *text = str(args, "text");
	json_object *applied = NULL;
	int err;

	if (!text)
		return api_err(-EINVAL, "policy.apply needs \"text\"");
	err = node__policy_apply(d->node, text, strlen(text), &applied, &em);
	return reply(err, &em, applied);
}

json_object *do_policy_delete(struct daemon *d, json_object *args)
{
	struct errmsg em = {};
	const char *name = str(args, "name");

	return reply(node__policy_delete(d->node, name ? name : "", &em), &em, NULL);
}

json_object *do_policy_list(struct daemon *d, json_object *args)
{
	json_object *l = node__policy_list_json(d->node);

	return l ? api_ok(l) : api_err(-EIO, "cannot read the store");
}

json_object *do_policy_show(struct daemon *d, json_object *args)
{
	struct errmsg em = {};
	const char *name = str(args, "name");
	json_object *doc = NULL;
	int err = node__policy_show(d->node, name ? name : "", &doc, &em);

	return reply(err, &em, doc);
}

json_object *do_policy_trace(struct daemon *d, json_object *args)
{
	struct errmsg em = {};
	const char *src = str(args, "src"), *dst = str(args, "dst");
	const char *proto = str(args, "proto"), *port = str(args, "port");
	json_object *out = NULL;
	int err;

	if (!src || !dst || !proto || !port)
		return api_err(-EINVAL, "policy.trace needs src, dst, proto and port");
	err = node__policy_trace(d->node, src, dst, proto, port, &out, &em);
	return reply(err, &em, out);
}
