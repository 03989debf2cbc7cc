// SPDX-License-Identifier: GPL-2.0-only
/*
 * hyperctl host enable [--ifname NAME] | disable | show: the host netns as
 * an endpoint of the bridge, off by default (docs/northsouth.md).
 */
#include <stdio.h>

#include "ctl/ctl.h"
#include "ctl/cli.h"

static const struct pr_field host_view[] = {
    {KEY_IFNAME, "host endpoint %s", NULL},
    {KEY_IP, " ip %s", NULL},
    {KEY_IDENTITY, " identity %s", NULL},
    {KEY_PORT, " port %s", NULL},
    {KEY_GUARD, " guard %s", NULL},
    {},
};

static void show(json_object *res)
{
	pr_members(NULL, res, host_view);
	pr_text(json_object_object_length(res) ? "\n" : "host endpoint disabled\n");
}

static int host_enable(struct ctl *c, const struct ctl_args *a)
{
	const char *ifname = ctl_opt(a, "ifname");
	json_object *args = json_object_new_object(), *res;

	if (ifname)
		json_object_object_add(args, KEY_IFNAME, json_object_new_string(ifname));
	if (ctl_call(c, "host.enable", args, &res))
		return 1;
	show(res);
	json_object_put(res);
	return 0;
}

static int host_show(struct ctl *c, const struct ctl_args *a)
{
	json_object *res;

	(void)a;
	if (ctl_call(c, "host.show", NULL, &res))
		return 1;
	show(res);
	json_object_put(res);
	return 0;
}

static int host_disable(struct ctl *c, const struct ctl_args *a)
{
	json_object *res;

	(void)a;
	if (ctl_call(c, "host.disable", NULL, &res))
		return 1;
	json_object_put(res);
	pr_text("host endpoint disabled: its port, address and entries removed\n");
	return 0;
}

static const struct ctl_opt enable_opts[] = {
    {.name = "ifname", .arg = "NAME", .help = "its interface in the host netns (hyphost0)"},
    {},
};

static const struct ctl_verb host_verbs[] = {
    {.name = "enable",
     .flags = CTL_JSON,
     .opts = enable_opts,
     .summary = "give the host netns one guarded port on the bridge (identity host)",
     .help = "The host gets a pool address and a route to the pool (no default route,\n"
	     "no IPv6). Pod and namespace selectors never select it: a policy admits\n"
	     "the host by its address in an ipBlock. Off by default.",
     .example = "hyperctl host enable --ifname hyphost0",
     .run = host_enable},
    {.name = "show",
     .flags = CTL_JSON,
     .summary = "show the host endpoint ({} when disabled)",
     .example = "hyperctl host show",
     .run = host_show},
    {.name = "disable",
     .summary = "remove the host endpoint: its port, address and entries",
     .example = "hyperctl host disable",
     .run = host_disable},
    {},
};

const struct ctl_cmd cmd_host = {"host", "The host netns as an endpoint (off by default)", host_verbs};
