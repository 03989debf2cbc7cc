// SPDX-License-Identifier: GPL-2.0-only
/* The CNI commands, each one request to hyperiond. */
#include <errno.h>
#include <string.h>

#include "cni/cni.h"
#include "lib/keys.h"

static json_object *attachment_args(const struct cni_conf *c, const struct cni_env *env)
{
	json_object *a = json_object_new_object();

	json_object_object_add(a, "network", json_object_new_string(c->network));
	json_object_object_add(a, "containerid", json_object_new_string(env->containerid));
	json_object_object_add(a, "ifname", json_object_new_string(env->ifname));
	if (env->netns)
		json_object_object_add(a, "netns", json_object_new_string(env->netns));
	return a;
}

int cni_cmd_add(struct cni_conf *c, const struct cni_env *env, struct cni_error *e)
{
	json_object *args = attachment_args(c, env), *snic, *res, *ign;
	int err;

	/* by source: hyperiond decides what wins and what a pod may not set */
	json_object_object_add(args, KEY_LABELS, json_object_get(c->labels));
	json_object_object_add(args, KEY_POD_LABELS, json_object_get(c->pod_labels));
	json_object_object_add(args, KEY_NAMED_PORTS, json_object_get(c->named_ports));
	if (c->port_mappings && json_object_array_length(c->port_mappings))
		json_object_object_add(args, KEY_PUBLISH, json_object_get(c->port_mappings));
	if (c->ns)
		json_object_object_add(args, KEY_NAMESPACE, json_object_new_string(c->ns));
	if (c->family)
		json_object_object_add(args, KEY_FAMILY, json_object_new_int(c->family));
	err = cni_call(c, "cni.add", args, &snic, CNI_ERR_TRY_AGAIN, e);
	if (err)
		return err;
	res = cni_result_add(c, env, snic, e);
	json_object_put(snic);
	if (!res) {
		/* made but not describable: undo, the runtime will see a failure */
		struct cni_error ignored = {};

		cni_call(c, "cni.del", attachment_args(c, env), &ign, CNI_ERR_TRY_AGAIN, &ignored);
		json_object_put(ign);
		return -EBADMSG;
	}
	cni_print(res);
	json_object_put(res);
	return 0;
}

/*
 * hyperiond not running: with no state there is nothing to release (the
 * instance was torn down or never used) and DEL/GC succeed; with state the
 * daemon must do it, so the runtime is told to try again later (code 11).
 */
static int unreachable_ok(const struct cni_conf *c, int err, struct cni_error *e)
{
	if (err && e->code == CNI_ERR_TRY_AGAIN && (err == -ENOENT || err == -ECONNREFUSED) &&
	    !cni_instance_has_state(c)) {
		memset(e, 0, sizeof(*e));
		return 0;
	}
	return err;
}

int cni_cmd_del(struct cni_conf *c, const struct cni_env *env, struct cni_error *e)
{
	json_object *res;
	int err = cni_call(c, "cni.del", attachment_args(c, env), &res, CNI_ERR_TRY_AGAIN, e);

	json_object_put(res);
	return unreachable_ok(c, err, e);
}

int cni_cmd_check(struct cni_conf *c, const struct cni_env *env, struct cni_error *e)
{
	json_object *snic;
	int err = cni_call(c, "cni.check", attachment_args(c, env), &snic, CNI_ERR_TRY_AGAIN, e);

	if (!err)
		err = cni_result_match(c, env, snic, e);
	json_object_put(snic);
	return err;
}

/* "cni.dev/valid-attachments" ([{containerID, ifname}]) as the daemon wants it. */
static int gc_valid(const struct cni_conf *c, json_object **out, struct cni_error *e)
{
	json_object *arr = NULL, *valid;

	if (!json_object_object_get_ex(c->root, "cni.dev/valid-attachments", &arr))
		json_object_object_get_ex(c->root, "cni.dev/attachments", &arr);
	if (!arr || !json_object_is_type(arr, json_type_array))
		return cni_fail(e, -EINVAL, CNI_ERR_INVALID_CONFIG, "invalid network config",
				"GC needs the array cni.dev/valid-attachments");
	valid = json_object_new_array();
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *it = json_object_array_get_idx(arr, i), *cid, *ifn, *v;

		if (!json_object_object_get_ex(it, "containerID", &cid) ||
		    !json_object_object_get_ex(it, "ifname", &ifn) ||
		    !json_object_is_type(cid, json_type_string) ||
		    !json_object_is_type(ifn, json_type_string)) {
			json_object_put(valid);
			return cni_fail(e, -EINVAL, CNI_ERR_INVALID_CONFIG,
					"invalid network config",
					"cni.dev/valid-attachments[%zu]: want {\"containerID\": "
					"string, \"ifname\": string}",
					i);
		}
		v = json_object_new_object();
		json_object_object_add(v, "containerid", json_object_get(cid));
		json_object_object_add(v, "ifname", json_object_get(ifn));
		json_object_array_add(valid, v);
	}
	*out = valid;
	return 0;
}

int cni_cmd_gc(struct cni_conf *c, const struct cni_env *env, struct cni_error *e)
{
	json_object *args, *valid = NULL, *res;
	int err = gc_valid(c, &valid, e);

	if (err)
		return err;
	args = json_object_new_object();
	json_object_object_add(args, "network", json_object_new_string(c->network));
	json_object_object_add(args, "valid", valid);
	err = cni_call(c, "cni.gc", args, &res, CNI_ERR_TRY_AGAIN, e);
	json_object_put(res);
	return unreachable_ok(c, err, e);
}

/*
 * 50: hyperiond cannot serve ADD now (not running, pool exhausted);
 * 51: ... and the datapath of existing attachments is gone as well.
 */
int cni_cmd_status(struct cni_conf *c, const struct cni_env *env, struct cni_error *e)
{
	int down = cni_instance_has_state(c) && !cni_datapath_present(c) ? CNI_ERR_DAMAGED
									 : CNI_ERR_NOT_AVAILABLE;
	json_object *res, *v;
	const char *reason = "not ready";
	int err;

	err = cni_call(c, "cni.status", json_object_new_object(), &res, down, e);
	if (err) {
		if (e->code != CNI_ERR_DAMAGED)
			e->code = CNI_ERR_NOT_AVAILABLE;
		return err;
	}
	if (json_object_object_get_ex(res, "ready", &v) && json_object_get_boolean(v)) {
		json_object_put(res);
		return 0;
	}
	if (json_object_object_get_ex(res, "reason", &v))
		reason = json_object_get_string(v);
	cni_fail(e, -EAGAIN, CNI_ERR_NOT_AVAILABLE, "hyperiond cannot serve ADD", "instance %s: %s",
		 c->instance, reason);
	json_object_put(res);
	return -EAGAIN;
}
