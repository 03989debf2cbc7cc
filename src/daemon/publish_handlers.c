// SPDX-License-Identifier: GPL-2.0-only
/* API commands publish.add {snic, mapping}, publish.del {port}, publish.list. */
#include "daemon/daemon.h"
#include "lib/api.h"
#include "lib/keys.h"

json_object *do_publish_add(struct daemon *d, json_object *args)
{
	struct errmsg em = {};
	int err = node__publish_add(d->node, daemon_arg_str(args, KEY_SNIC),
				    daemon_arg_str(args, KEY_MAPPING), &em);

	return daemon_reply(err, &em, NULL);
}

json_object *do_publish_del(struct daemon *d, json_object *args)
{
	struct errmsg em = {};

	return daemon_reply(node__publish_del(d->node, daemon_arg_str(args, KEY_PORT), &em), &em,
			    NULL);
}

json_object *do_publish_list(struct daemon *d, json_object *args)
{
	return api_ok(node__publish_list_json(d->node));
}
