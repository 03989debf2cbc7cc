// SPDX-License-Identifier: GPL-2.0-only
/* The plugin's side of the hyperiond API: one request per command. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "backend/backend.h"
#include "cni/cni.h"
#include "lib/api.h"

static const char *code_msg(int code)
{
	switch (code) {
	case CNI_ERR_UNKNOWN_CONTAINER:
		return "unknown container attachment";
	case CNI_ERR_INVALID_ENV:
		return "invalid CNI_* variable";
	case CNI_ERR_INVALID_CONFIG:
		return "invalid network config";
	case CNI_ERR_POOL_EXHAUSTED:
		return "address pool exhausted";
	case CNI_ERR_LABEL:
		return "invalid label";
	case CNI_ERR_NETNS:
		return "network namespace unusable";
	case CNI_ERR_EXISTS:
		return "already exists in the container netns";
	case CNI_ERR_CHECK:
		return "attachment check failed";
	case CNI_ERR_RESERVED:
		return "reserved label key";
	case CNI_ERR_PUBLISH:
		return "port mapping refused";
	default:
		return "hyperiond failed the request";
	}
}

static int transport_error(const struct cni_conf *c, int err, int unreachable, struct cni_error *e)
{
	if (err == -ENOENT || err == -ECONNREFUSED)
		return cni_fail(e, err, unreachable, "hyperiond is not running",
				"instance %s: no daemon on %s (start hyperiond --instance %s)",
				c->instance, c->paths.socket, c->instance);
	if (err == -EAGAIN || err == -ETIMEDOUT)
		return cni_fail(e, err, CNI_ERR_TRY_AGAIN, "hyperiond did not answer",
				"instance %s: %s: %s", c->instance, c->paths.socket,
				strerror(-err));
	return cni_fail(e, err, CNI_ERR_PROTOCOL, "cannot talk to hyperiond", "instance %s: %s: %s",
			c->instance, c->paths.socket, strerror(-err));
}

int cni_call(const struct cni_conf *c, const char *cmd, json_object *args, json_object **result,
	     int unreachable, struct cni_error *e)
{
	json_object *req = json_object_new_object(), *rep = NULL, *ok, *v;
	const char *msg = "no message";
	int err, code = CNI_ERR_DAEMON;

	*result = NULL;
	json_object_object_add(req, "cmd", json_object_new_string(cmd));
	json_object_object_add(req, "args", args);
	err = api_call(c->paths.socket, req, &rep);
	json_object_put(req);
	if (err)
		return transport_error(c, err, unreachable, e);
	if (json_object_object_get_ex(rep, "ok", &ok) && json_object_get_boolean(ok)) {
		if (json_object_object_get_ex(rep, "result", &v))
			*result = json_object_get(v);
		json_object_put(rep);
		return 0;
	}
	if (json_object_object_get_ex(rep, "error", &v))
		msg = json_object_get_string(v);
	if (json_object_object_get_ex(rep, "cni_code", &v))
		code = json_object_get_int(v);
	err = json_object_object_get_ex(rep, "errno", &v) ? -json_object_get_int(v) : -EIO;
	cni_fail(e, err ? err : -EIO, code, code_msg(code), "hyperiond (%s): %s", c->instance, msg);
	json_object_put(rep);
	return err ? err : -EIO;
}

bool cni_instance_has_state(const struct cni_conf *c)
{
	return access(c->paths.state_db, F_OK) == 0;
}

bool cni_datapath_present(const struct cni_conf *c)
{
	struct hyp_domain_cfg cfg = {};

	snprintf(cfg.instance, sizeof(cfg.instance), "%s", c->instance);
	return backend_present(&cfg);
}
