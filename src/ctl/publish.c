// SPDX-License-Identifier: GPL-2.0-only
/*
 * hyperctl publish add SNIC HOSTPORT:PORT[/tcp|udp] | del HOSTPORT[/tcp|udp] | list:
 * ports of the uplink address that lead to a SNIC's port (docs/northsouth.md).
 */
#include <stdio.h>

#include "ctl/ctl.h"
#include "ctl/cli.h"

static const struct pr_field pub_row[] = {
    {KEY_PORT, "%-8s ", NULL}, {KEY_PROTO, "%-6s ", NULL},    {KEY_SNIC, "%-20s ", NULL},
    {KEY_IP, "%-16s ", NULL},  {KEY_SNIC_PORT, "%s\n", NULL}, {},
};

static int pub_add(struct ctl *c, const struct ctl_args *a)
{
	json_object *args = json_object_new_object(), *res;

	json_object_object_add(args, KEY_SNIC, json_object_new_string(a->argv[0]));
	json_object_object_add(args, KEY_MAPPING, json_object_new_string(a->argv[1]));
	if (ctl_call(c, "publish.add", args, &res))
		return 1;
	json_object_put(res);
	pr_text("published %s to snic %s\n", a->argv[1], a->argv[0]);
	return 0;
}

static int pub_del(struct ctl *c, const struct ctl_args *a)
{
	json_object *args = json_object_new_object(), *res;

	json_object_object_add(args, KEY_PORT, json_object_new_string(a->argv[0]));
	if (ctl_call(c, "publish.del", args, &res))
		return 1;
	json_object_put(res);
	pr_text("unpublished %s\n", a->argv[0]);
	return 0;
}

static int pub_list(struct ctl *c, const struct ctl_args *a)
{
	json_object *res;

	if (ctl_call(c, "publish.list", NULL, &res))
		return 1;
	if (!json_object_array_length(res))
		pr_text("no published ports\n");
	else
		pr_text("%-8s %-6s %-20s %-16s %s\n", "PORT", "PROTO", "SNIC", "IP", "SNIC-PORT");
	pr_open_array(NULL);
	for (size_t i = 0; i < json_object_array_length(res); i++)
		pr_members(NULL, json_object_array_get_idx(res, i), pub_row);
	pr_close_array();
	json_object_put(res);
	return 0;
}

static const struct ctl_verb pub_verbs[] = {
    {.name = "add",
     .operands = "SNIC HOSTPORT:PORT[/tcp|udp]",
     .min = 2,
     .max = 2,
     .summary = "publish a SNIC's port on the uplink address",
     .help = "HOSTPORT: the port of the uplink address the outside connects to; PORT: the\n"
	     "SNIC's. Refused when HOSTPORT/proto is published, or the SNIC's port already is.\n"
	     "The SNIC's ingress policy applies to the outside clients (identity world).",
     .example = "hyperctl publish add web 8080:80/tcp",
     .run = pub_add},
    {.name = "del",
     .alias = "delete",
     .operands = "HOSTPORT[/tcp|udp]",
     .min = 1,
     .max = 1,
     .summary = "unpublish a port",
     .example = "hyperctl publish del 8080/tcp",
     .run = pub_del},
    {.name = "list",
     .alias = "ls",
     .flags = CTL_JSON,
     .summary = "list the published ports",
     .example = "hyperctl publish list",
     .run = pub_list},
    {},
};

const struct ctl_cmd cmd_publish = {"publish", "Ports of the uplink address that lead to SNICs",
				    pub_verbs};
