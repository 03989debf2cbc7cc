// SPDX-License-Identifier: GPL-2.0-only
/* hyperctl: command line of Hyperion. */
#include "ctl/cli.h"
#include "ctl/ctl.h"
#include "lib/log.h"

/*
 * The command table, in help order: one line per command, whose
 * struct ctl_cmd (subcommands, options, help) is in its own file.
 * See cli.h and /work/notes or docs for how a command declares itself.
 */
const struct ctl_cmd *const ctl_commands[] = {
    &cmd_snic,	 &cmd_policy, &cmd_namespace, &cmd_uplink, &cmd_publish, &cmd_host, &cmd_events,
    &cmd_status, &cmd_audit,  &cmd_reconcile, &cmd_teardown, &cmd_cluster, &cmd_monitor,
};

const int ctl_ncommands = sizeof(ctl_commands) / sizeof(ctl_commands[0]);

int main(int argc, char **argv)
{
	struct ctl c = {.instance = HYP_DEFAULT_INSTANCE};

	log_set_prefix("hyperctl");
	log_set_level(HYP_LOG_WARN);
	return cli_main(&c, argc, argv);
}
