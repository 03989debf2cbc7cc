// SPDX-License-Identifier: GPL-2.0-only
/*
 * hyperctl cluster init --endpoints URLS --pool CIDR [--block-prefix N] [--pool6 CIDR|auto|none]
 *                  remove --endpoints URLS NODE [--force] [--yes]
 *                  status [-j] | rotate-key
 * init and remove talk to etcd directly (before/after any node runs);
 * status and rotate-key ask this instance's hyperiond, which answers
 * status from its cache even while etcd is away.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster/cluster.h"
#include "ctl/cli.h"
#include "ctl/ctl.h"

static int cl_init(struct ctl *c, const struct ctl_args *a)
{
	const char *eps = ctl_opt(a, "endpoints"), *pool = ctl_opt(a, "pool");
	const char *bp = ctl_opt(a, "block-prefix");
	struct errmsg em = {};
	struct cidr4 net;
	char *end = NULL;
	long prefix = HYP_CLUSTER_DEFAULT_BLOCK;
	const char *p6 = ctl_opt(a, "pool6") ? ctl_opt(a, "pool6") : "auto";
	struct cidr6 net6 = {};
	bool auto6 = !strcmp(p6, "auto");
	int err;

	if (auto6 && ula_generate(&net6)) {
		fprintf(stderr, "hyperctl: no randomness for the IPv6 pool\n");
		return 1;
	}
	if (auto6)
		net6.prefix = 48; /* fd + the random 40-bit global ID (RFC 4193) */
	if (!auto6 && strcmp(p6, "none") && cidr6_parse(p6, &net6)) {
		fprintf(stderr, "hyperctl: bad --pool6 '%s' (an IPv6 CIDR, auto or none)\n", p6);
		return 1;
	}
	if (cidr4_parse(pool, &net)) {
		fprintf(stderr, "hyperctl: bad pool CIDR '%s'\n", pool);
		return 1;
	}
	if (bp) {
		prefix = strtol(bp, &end, 10);
		if (!*bp || *end) {
			fprintf(stderr, "hyperctl: bad --block-prefix '%s'\n", bp);
			return 1;
		}
	}
	err = cluster__init(eps, &net, (int)prefix, net6.prefix ? &net6 : NULL, auto6, &em);
	if (err == -EEXIST && !ctl_opt(a, "pool6")) {
		/* the default: a cluster made IPv4-only before is accepted as it is */
		memset(&em, 0, sizeof(em));
		memset(&net6, 0, sizeof(net6));
		auto6 = false;
		err = cluster__init(eps, &net, (int)prefix, NULL, false, &em);
	}
	if (err) {
		fprintf(stderr, "hyperctl: cluster init: %s\n", em.msg);
		return 1;
	}
	pr_text("cluster initialised: pool %s, one /%ld block per node\n", pool, prefix);
	if (net6.prefix && !auto6)
		pr_text("pool6 %s, one /%d block per node\n", p6, HYP_CLUSTER_BLOCK6);
	else if (auto6)
		pr_text("pool6: see hyperctl cluster status (block6), one /%d block per node\n",
			HYP_CLUSTER_BLOCK6);
	return 0;
}

static int cl_remove(struct ctl *c, const struct ctl_args *a)
{
	const char *node = a->argv[0];
	struct errmsg em = {};

	if (cluster__remove(ctl_opt(a, "endpoints"), node, ctl_flag(a, "force"), &em)) {
		fprintf(stderr, "hyperctl: cluster remove: %s\n", em.msg);
		return 1;
	}
	pr_text("node %s removed from the cluster\n", node);
	return 0;
}

static const struct pr_field peer_row[] = {
    {"name", "%-16s ", NULL},	  {"id", "%-5s ", NULL},	{"addr", "%-16s ", NULL},
    {"block", "%-19s ", NULL},	  {"block6", "%-24s ", NULL},	{"alive", "%-6s ", NULL},
    {"key_epoch", "%-6s ", NULL}, {"key_age_s", "%ss\n", NULL}, {},
};

static const struct pr_field identity_row[] = {
    {"id", "%-8s ", NULL}, {"labels", "%s\n", NULL}, {},
};

static const struct pr_field self_rows[] = {
    {"name", "node      %s\n", NULL},     {"id", "id        %s\n", NULL},
    {"addr", "addr      %s\n", NULL},     {"block", "block     %s\n", NULL},
    {"block6", "block6    %s\n", NULL},   {"pool6", "pool6     %s\n", NULL},
    {"pubkey", "pubkey    %s\n", NULL},
    {"key_epoch", "key epoch %s\n", NULL}, {"key_age_s", "key age   %ss\n", NULL},
    {"registered", "registered %s\n", NULL}, {},
};

static const struct pr_field etcd_rows[] = {
    {"endpoints", "etcd      %s", NULL},  {"connected", " connected=%s", NULL},
    {"since_s", " (for %ss)", NULL},	    {"revision", " revision %s", NULL},
    {"last_error", "\nlast error: %s\n", NULL}, {},
};

static int cl_status(struct ctl *c, const struct ctl_args *a)
{
	json_object *res, *v;

	if (ctl_call(c, "cluster.status", NULL, &res))
		return 1;
	pr_open_object(NULL);
	if (json_object_object_get_ex(res, "node", &v))
		pr_members("node", v, self_rows);
	if (json_object_object_get_ex(res, "etcd", &v))
		pr_members("etcd", v, etcd_rows);
	pr_text("%-16s %-5s %-16s %-19s %-24s %-6s %-6s %s\n", "PEER", "ID", "ADDR", "BLOCK",
		"BLOCK6", "ALIVE", "EPOCH", "KEY AGE");
	pr_open_array("peers");
	if (json_object_object_get_ex(res, "peers", &v))
		for (size_t i = 0; i < json_object_array_length(v); i++)
			pr_members(NULL, json_object_array_get_idx(v, i), peer_row);
	pr_close_array();
	if (json_object_object_get_ex(res, "identities", &v)) {
		pr_text("identities (cluster-wide): %zu\n%-8s %s\n", json_object_array_length(v),
			"ID", "LABELS");
		pr_open_array("identities");
		for (size_t i = 0; i < json_object_array_length(v); i++)
			pr_members(NULL, json_object_array_get_idx(v, i), identity_row);
		pr_close_array();
	}
	if (json_object_object_get_ex(res, "remote_endpoints", &v)) {
		pr_text("remote endpoints: %zu\n", json_object_array_length(v));
		pr_value("remote_endpoints", NULL, v);
	}
	pr_close_object();
	json_object_put(res);
	return 0;
}

static int cl_rotate(struct ctl *c, const struct ctl_args *a)
{
	json_object *res, *ep;

	if (ctl_call(c, "cluster.rotate_key", NULL, &res))
		return 1;
	if (json_object_object_get_ex(res, "key_epoch", &ep))
		pr_value("key_epoch", "key rotated: epoch %s\n", ep);
	json_object_put(res);
	return 0;
}

static const struct ctl_opt ep_opt = {
    .name = "endpoints", .arg = "URLS", .help = "etcd: http://HOST:PORT[,...]", .required = true};

static const struct ctl_opt init_opts[] = {
    ep_opt,
    {.name = "pool", .arg = "CIDR", .help = "the cluster's address pool", .required = true},
    {.name = "block-prefix",
     .arg = "N",
     .help = "prefix length of each node's address block (default 24)"},
    {.name = "pool6",
     .arg = "CIDR|auto|none",
     .help = "IPv6 pool, /16-/64, a /64 per node (default auto: a new ULA /48; none: "
	     "IPv4 only)"},
    {},
};

static const struct ctl_opt remove_opts[] = {
    ep_opt,
    {.name = "force", .help = "remove even while the node's lease holds"},
    {},
};

static const struct ctl_verb cluster_verbs[] = {
    {.name = "init",
     .opts = init_opts,
     .summary = "initialise a cluster in etcd (once): its pool and block size",
     .help = "Talks to etcd directly; no daemon needed. Running it again with the same\n"
	     "pool is accepted, with another pool refused.",
     .example = "hyperctl cluster init --endpoints http://10.0.0.1:2379 --pool 10.200.0.0/16",
     .run = cl_init},
    {.name = "status",
     .flags = CTL_JSON,
     .summary = "this node, etcd's reachability, the peers, their key epochs and ages",
     .help = "Answered from the daemon's cache: it works while etcd is away.",
     .example = "hyperctl cluster status -j",
     .run = cl_status},
    {.name = "rotate-key",
     .summary = "give this node a new X25519 key pair; peers derive new pair keys",
     .help = "Refused, changing nothing, while etcd cannot take the new public key.",
     .example = "hyperctl cluster rotate-key",
     .run = cl_rotate},
    {.name = "remove",
     .operands = "NODE",
     .min = 1,
     .max = 1,
     .opts = remove_opts,
     .summary = "remove a node: its registration, number and address block",
     .help = "Refused while the node's lease holds (it runs), unless --force.",
     .example = "hyperctl cluster remove --endpoints http://10.0.0.1:2379 node3",
     .confirm = "remove the node from the cluster of %s",
     .run = cl_remove},
    {},
};

const struct ctl_cmd cmd_cluster = {"cluster", "Nodes joined over etcd (docs/cluster.md)",
				    cluster_verbs};
