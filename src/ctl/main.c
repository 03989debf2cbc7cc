// SPDX-License-Identifier: GPL-2.0-only
/* hyperctl: command line of Hyperion. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/ctl.h"
#include "lib/log.h"

static const struct {
	const char *name;
	int (*fn)(struct ctl *c, int argc, char **argv);
	const char *help;
} commands[] = {
    {"snic", do_snic, "snic {add|del|list|show|check}  secure NICs"},
    {"policy", do_policy, "policy {apply|list|show|delete|trace}  NetworkPolicies"},
    {"namespace", do_namespace,
     "namespace {label|unlabel|list}  namespace labels (namespaceSelector)"},
    {"events", do_events, "events                         recent payload-inspection alerts"},
    {"status", do_status, "status                         instance, ports, drop counters"},
    {"audit", do_audit, "audit [--baseline]             attack the node, report what got through"},
    {"reconcile", do_reconcile, "reconcile                      re-check datapath against state"},
    {"teardown", do_teardown, "teardown                       remove everything of the instance"},
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: hyperctl [--instance NAME] [-j] COMMAND ...\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %s\n", commands[i].help);
}

static bool is_json_flag(const char *arg)
{
	return !strcmp(arg, "-j") || !strcmp(arg, "--json");
}

/* -j is one option of every command, before or after it: taken out here. */
static int take_json_flag(int argc, char **argv, bool *json)
{
	int n = 0;

	for (int i = 0; i < argc; i++) {
		if (is_json_flag(argv[i]))
			*json = true;
		else
			argv[n++] = argv[i];
	}
	if (n < argc)
		argv[n] = NULL;
	return n;
}

/* Options before the command; returns the index of the command, -1: exit 0, -2: exit 2. */
static int parse_options(int argc, char **argv, struct ctl *c, bool *json)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (is_json_flag(argv[i])) {
			*json = true;
		} else if (!strcmp(argv[i], "--instance") && i + 1 < argc) {
			c->instance = argv[++i];
		} else if (!strncmp(argv[i], "--instance=", 11)) {
			c->instance = argv[i] + 11;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return -1;
		} else {
			fprintf(stderr, "hyperctl: unknown option %s\n", argv[i]);
			usage(stderr);
			return -2;
		}
	}
	return i;
}

int main(int argc, char **argv)
{
	struct ctl c = {.instance = HYP_DEFAULT_INSTANCE};
	bool json = false;
	int i, n, ret;

	log_set_prefix("hyperctl");
	log_set_level(HYP_LOG_WARN);
	i = parse_options(argc, argv, &c, &json);
	if (i < 0)
		return i == -1 ? 0 : 2;
	if (hyp_paths_init(c.instance, &c.paths)) {
		fprintf(stderr, "hyperctl: invalid instance name '%s' (1-24 of a-z, 0-9, '-')\n",
			c.instance);
		return 2;
	}
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	n = take_json_flag(argc - i - 1, argv + i + 1, &json);
	for (size_t k = 0; k < sizeof(commands) / sizeof(commands[0]); k++) {
		if (strcmp(argv[i], commands[k].name))
			continue;
		pr_init(json);
		ret = commands[k].fn(&c, n, argv + i + 1);
		pr_end();
		return ret;
	}
	fprintf(stderr, "hyperctl: unknown command '%s'\n", argv[i]);
	usage(stderr);
	return 2;
}
