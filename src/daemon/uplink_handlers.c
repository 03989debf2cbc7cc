// SPDX-License-Identifier: GPL-2.0-only
/* API commands uplink.set {ifname, address, gateway, address6, gateway6}, uplink.show,
 * uplink.clear. */
#include "daemon/daemon.h"
#include "lib/api.h"
#include "lib/keys.h"

json_object *do_uplink_set(struct daemon *d, json_object *args)
{
	struct uplink_req req = {
	    .ifname = daemon_arg_str(args, KEY_IFNAME),
	    .addr = daemon_arg_str(args, KEY_ADDRESS),
	    .gateway = daemon_arg_str(args, KEY_GATEWAY),
	    .addr6 = daemon_arg_str(args, KEY_ADDRESS6),
	    .gateway6 = daemon_arg_str(args, KEY_GATEWAY6),
	};
	struct errmsg em = {};
	int err = node__uplink_set(d->node, &req, &em);

	return daemon_reply(err, &em, err ? NULL : node__uplink_json(d->node));
}

json_object *do_uplink_show(struct daemon *d, json_object *args)
{
	return api_ok(node__uplink_json(d->node));
}

json_object *do_uplink_clear(struct daemon *d, json_object *args)
{
	struct errmsg em = {};

	return daemon_reply(node__uplink_clear(d->node, &em), &em, NULL);
}
