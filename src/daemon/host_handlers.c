// SPDX-License-Identifier: GPL-2.0-only
/* API commands host.enable {ifname}, host.disable, host.show (node_host.c). */
#include "daemon/daemon.h"
#include "lib/api.h"
#include "lib/keys.h"

json_object *do_host_enable(struct daemon *d, json_object *args)
{
	struct errmsg em = {};
	int err = node__host_enable(d->node, daemon_arg_str(args, KEY_IFNAME), &em);

	return daemon_reply(err, &em, err ? NULL : node__host_json(d->node));
}

json_object *do_host_disable(struct daemon *d, json_object *args)
{
	struct errmsg em = {};

	(void)args;
	return daemon_reply(node__host_disable(d->node, &em), &em, NULL);
}

json_object *do_host_show(struct daemon *d, json_object *args)
{
	(void)args;
	return api_ok(node__host_json(d->node));
}
