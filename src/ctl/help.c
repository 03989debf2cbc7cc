// SPDX-License-Identifier: GPL-2.0-only
/* hyperctl's help pages, from the command table alone (cli.h). */
#include <stdio.h>
#include <string.h>

#include "core/paths.h"
#include "ctl/cli.h"

#define GLOBAL_HELP                                                                                \
	"  --instance NAME    the Hyperion instance (default: " HYP_DEFAULT_INSTANCE ")\n"         \
	"  -j, --json         print one JSON document (commands that print data only)\n"           \
	"  -h, --help         show this help; nothing is done\n"

const char *cli_verb_name(const struct ctl_cmd *cmd, const struct ctl_verb *v)
{
	static char buf[64];

	snprintf(buf, sizeof(buf), "%s%s%s", cmd->name, v && v->name ? " " : "",
		 v && v->name ? v->name : "");
	return buf;
}

/* Text lines, each indented. */
static void indented(const char *indent, const char *text)
{
	while (text && *text) {
		const char *nl = strchr(text, '\n');
		int len = nl ? (int)(nl - text) : (int)strlen(text);

		printf("%s%.*s\n", len ? indent : "", len, text);
		text += len + (nl ? 1 : 0);
	}
}

static void synopsis(const struct ctl_cmd *cmd, const struct ctl_verb *v)
{
	printf("hyperctl %s", cli_verb_name(cmd, v));
	if (v->operands)
		printf(" %s", v->operands);
	for (const struct ctl_opt *o = v->opts; o && o->name; o++)
		if (o->required)
			printf(" --%s %s", o->name, o->arg ? o->arg : "");
	for (const struct ctl_opt *o = v->opts; o && o->name; o++)
		if (!o->required) {
			printf(" [OPTIONS]");
			break;
		}
	if (v->confirm)
		printf(" [--yes]");
	if (v->flags & CTL_JSON)
		printf(" [-j]");
}

/* "  LEFT  help..." with the help wrapped at 79 columns under itself */
static void wrapped(const char *left, const char *help, const char *more)
{
	char text[512];
	const char *p = text;
	int col = 30;

	snprintf(text, sizeof(text), "%s%s", help, more);
	printf("  %-28s", left);
	if (strlen(left) > 28)
		printf("\n%*s", 30, "");
	while (*p) {
		const char *sp = strchr(p, ' ');
		int w = sp ? (int)(sp - p) : (int)strlen(p);

		if (col > 30 && col + 1 + w > 79) {
			printf("\n%*s", 30, "");
			col = 30;
		}
		printf(" %.*s", w, p);
		col += w + 1;
		p += w + (sp ? 1 : 0);
	}
	printf("\n");
}

static void option_line(const struct ctl_opt *o)
{
	char left[64];

	if (o->short_name)
		snprintf(left, sizeof(left), "-%c, --%s%s%s", o->short_name, o->name,
			 o->arg ? " " : "", o->arg ? o->arg : "");
	else
		snprintf(left, sizeof(left), "--%s%s%s", o->name, o->arg ? " " : "",
			 o->arg ? o->arg : "");
	wrapped(left, o->help, o->many ? " (repeatable)" : "");
}

void cli_help_verb(const struct ctl_cmd *cmd, const struct ctl_verb *v)
{
	printf("Usage: ");
	synopsis(cmd, v);
	printf("\n\n%s\n", v->summary);
	if (v->help) {
		printf("\n");
		indented("  ", v->help);
	}
	printf("\nOptions:\n");
	for (const struct ctl_opt *o = v->opts; o && o->name; o++)
		option_line(o);
	if (v->confirm)
		printf("  %-28s %s\n", "-y, --yes",
		       v->flags & CTL_MANY ? "delete several without asking (asked on a terminal)"
					   : "do it without asking (asked on a terminal)");
	if (v->flags & CTL_JSON)
		printf("  %-28s %s\n", "-j, --json", "print one JSON document");
	printf("  %-28s %s\n", "--instance NAME",
	       "the Hyperion instance (default: " HYP_DEFAULT_INSTANCE ")");
	printf("  %-28s %s\n", "-h, --help", "show this help; nothing is done");
	if (v->alias)
		printf("\nAlias: hyperctl %s %s\n", cmd->name, v->alias);
	printf("\nExample%s:\n", v->example && strchr(v->example, '\n') ? "s" : "");
	indented("  ", v->example);
}

void cli_help_cmd(const struct ctl_cmd *cmd)
{
	printf("Usage: hyperctl %s SUBCOMMAND ...\n\n%s\n\nSubcommands:\n", cmd->name,
	       cmd->summary);
	for (const struct ctl_verb *v = cmd->verbs; v->run; v++) {
		printf("  ");
		synopsis(cmd, v);
		printf("\n      %s%s%s%s\n", v->summary, v->alias ? " (alias: " : "",
		       v->alias ? v->alias : "", v->alias ? ")" : "");
	}
	printf("\nExamples:\n");
	for (const struct ctl_verb *v = cmd->verbs; v->run; v++) {
		const char *nl = v->example ? strchr(v->example, '\n') : NULL;

		if (v->example)
			printf("  %.*s\n", nl ? (int)(nl - v->example) : (int)strlen(v->example),
			       v->example);
	}
	printf("\nRun 'hyperctl %s SUBCOMMAND --help' for its operands and options.\n", cmd->name);
}

void cli_help_top(void)
{
	printf("Usage: hyperctl [--instance NAME] COMMAND [SUBCOMMAND] [OPERANDS] [OPTIONS]\n\n"
	       "Hyperion's command line: secure NICs, policies and the node's state.\n\n"
	       "Commands:\n");
	for (int i = 0; i < ctl_ncommands; i++) {
		const struct ctl_cmd *cmd = ctl_commands[i];

		for (const struct ctl_verb *v = cmd->verbs; v->run; v++)
			printf("  %-20s  %s\n", cli_verb_name(cmd, v), v->summary);
	}
	printf(
	    "\nGlobal options, anywhere on the line:\n" GLOBAL_HELP
	    "  --version          print the version (before any command)\n\n"
	    "Example:\n"
	    "  hyperctl --instance lab snic list -j\n\n"
	    "Run 'hyperctl help COMMAND [SUBCOMMAND]' or 'hyperctl COMMAND [SUBCOMMAND] --help'\n"
	    "for the operands, options and an example of each.\n");
}
