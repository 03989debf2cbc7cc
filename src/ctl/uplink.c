// SPDX-License-Identifier: GPL-2.0-only
/*
 * hyperctl uplink set IFNAME [--addr CIDR [--gateway IP]] [--addr6 CIDR
 * [--gateway6 IP]] | show | clear (no --addr on an IPv6-only instance):
 * the bridge's port to the outside (docs/northsouth.md).
 */
#include <stdio.h>
#include <string.h>

#include "ctl/ctl.h"
#include "ctl/cli.h"

static const struct pr_field uplink_view[] = {
    {KEY_IFNAME, "uplink %s", NULL},
    {KEY_ADDRESS, " address %s", NULL},
    {KEY_GATEWAY, " gateway %s", NULL},
    {KEY_IFINDEX, " ifindex %s", NULL},
    {KEY_MAC, " mac %s", NULL},
    {KEY_MTU, " mtu %s", NULL},
    {KEY_GATEWAY_MAC, " gateway-mac %s", NULL},
    {KEY_ADDRESS6, " address6 %s", NULL},
    {KEY_GATEWAY6, " gateway6 %s", NULL},
    {KEY_LINK_LOCAL, " link-local %s", NULL},
    {},
};

static void show(json_object *res)
{
	pr_members(NULL, res, uplink_view);
	pr_text(json_object_object_length(res) ? "\n" : "no uplink\n");
}

static int uplink_set(struct ctl *c, const struct ctl_args *a)
{
	const char *gw = ctl_opt(a, "gateway"), *a6 = ctl_opt(a, "addr6");
	const char *gw6 = ctl_opt(a, "gateway6");
	json_object *args, *res;

	args = json_object_new_object();
	json_object_object_add(args, KEY_IFNAME, json_object_new_string(a->argv[0]));
	if (ctl_opt(a, "addr"))
		json_object_object_add(args, KEY_ADDRESS,
				       json_object_new_string(ctl_opt(a, "addr")));
	if (gw)
		json_object_object_add(args, KEY_GATEWAY, json_object_new_string(gw));
	if (a6)
		json_object_object_add(args, KEY_ADDRESS6, json_object_new_string(a6));
	if (gw6)
		json_object_object_add(args, KEY_GATEWAY6, json_object_new_string(gw6));
	if (ctl_call(c, "uplink.set", args, &res))
		return 1;
	show(res);
	json_object_put(res);
	return 0;
}

static int uplink_show(struct ctl *c, const struct ctl_args *a)
{
	json_object *res;

	if (ctl_call(c, "uplink.show", NULL, &res))
		return 1;
	show(res);
	json_object_put(res);
	return 0;
}

static int uplink_clear(struct ctl *c, const struct ctl_args *a)
{
	json_object *res;

	if (ctl_call(c, "uplink.clear", NULL, &res))
		return 1;
	json_object_put(res);
	pr_text("uplink cleared: given back to the host netns as it was found\n");
	return 0;
}

static const struct ctl_opt set_opts[] = {
    {.name = "addr",
     .arg = "CIDR",
     .help = "the uplink address, outside the pool (required with an IPv4 pool; none on an "
	     "IPv6-only instance)"},
    {.name = "gateway", .arg = "IP", .help = "the next hop off the uplink's subnet"},
    {.name = "addr6",
     .arg = "CIDR",
     .help = "its IPv6 address (routed: the outside routes the pool6 to it)"},
    {.name = "gateway6", .arg = "IP", .help = "the IPv6 next hop (link-local or on the subnet)"},
    {},
};

static const struct ctl_verb uplink_verbs[] = {
    {.name = "set",
     .operands = "IFNAME",
     .min = 1,
     .max = 1,
     .flags = CTL_JSON,
     .opts = set_opts,
     .summary = "make a host interface the bridge's port to the outside",
     .help = "IFNAME: an interface of the host netns (a spare NIC, a VF, a macvlan child,\n"
	     "a veth); it moves into the bridge netns and is given back as it was found\n"
	     "(name, MTU, state, addresses, routes) at uplink clear and teardown.\n"
	     "An IPv6-only instance (hyperiond --pool none): --addr6 only, the uplink\n"
	     "carries IPv6 alone (IPv4 and ARP arriving on it are dropped).",
     .example = "hyperctl uplink set eth1 --addr 192.0.2.10/24 --gateway 192.0.2.1 "
		"--addr6 2001:db8::10/64 --gateway6 fe80::1",
     .run = uplink_set},
    {.name = "show",
     .flags = CTL_JSON,
     .summary = "show the uplink: interface, address, gateway and its MAC once resolved",
     .example = "hyperctl uplink show",
     .run = uplink_show},
    {.name = "clear",
     .summary = "give the uplink back to the host netns as it was found",
     .example = "hyperctl uplink clear",
     .run = uplink_clear},
    {},
};

const struct ctl_cmd cmd_uplink = {"uplink", "The bridge's port to the outside", uplink_verbs};
