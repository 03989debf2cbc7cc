// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ctl/ctl.h"
#include "lib/api.h"

int ctl_call(struct ctl *c, const char *cmd, json_object *args, json_object **result)
{
	json_object *req = json_object_new_object(), *rep = NULL, *ok, *v;
	int err;

	*result = NULL;
	json_object_object_add(req, "cmd", json_object_new_string(cmd));
	if (args)
		json_object_object_add(req, "args", args);
	err = api_call_timeout(c->paths.socket, req, &rep, c->timeout_s > 0 ? c->timeout_s : 120);
	json_object_put(req);
	if (err) {
		if (err == -ENOENT || err == -ECONNREFUSED)
			fprintf(stderr, "hyperctl: hyperiond for instance %s is not running (%s)\n",
				c->instance, c->paths.socket);
		else if (err == -EACCES || err == -EPERM)
			fprintf(stderr,
				"hyperctl: %s: permission denied: only root (and members of "
				"hyperiond's --api-group, when it has one) may use it; run hyperctl "
				"with sudo\n",
				c->paths.socket);
		else
			fprintf(stderr, "hyperctl: %s: %s\n", c->paths.socket, strerror(-err));
		return err;
	}
	if (!json_object_object_get_ex(rep, "ok", &ok) || !json_object_get_boolean(ok)) {
		const char *msg = "unknown error";

		if (json_object_object_get_ex(rep, "error", &v))
			msg = json_object_get_string(v);
		err = json_object_object_get_ex(rep, "errno", &v) ? -json_object_get_int(v) : -EIO;
		fprintf(stderr, "hyperctl: %s\n", msg);
		json_object_put(rep);
		return err ? err : -EIO;
	}
	if (json_object_object_get_ex(rep, "result", &v))
		*result = json_object_get(v);
	json_object_put(rep);
	return 0;
}
