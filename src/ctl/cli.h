/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hyperctl's argument parser: a command declares its subcommands (verbs),
 * their options, operands, help and example in one table, and cli.c
 * parses, refuses what is not declared, prints help (which never acts),
 * asks before destructive verbs and decides whether -j is allowed.
 * A verb's run() gets its operands and options already checked.
 *
 * Global options, accepted anywhere on the line (before or after the
 * verb): --instance NAME, -j/--json (verbs with CTL_JSON only),
 * -h/--help; --version before any command. Everything else is an
 * option of the verb and must be declared in its opts.
 */
#ifndef HYP_CTL_CLI_H
#define HYP_CTL_CLI_H

#include <stdbool.h>

struct ctl;

enum {
	CTL_JSON = 1 << 0, /* prints data: takes -j/--json (one JSON document) */
	CTL_MANY = 1 << 1, /* confirm only when given more than one operand */
};

struct ctl_opt {
	const char *name; /* long form without "--": "netns" */
	char short_name;  /* 'n' for -n, 0: none */
	const char *arg;  /* the value's name in help ("NETNS"); NULL: a flag */
	const char *help; /* one line */
	bool many;	  /* may be given more than once (values kept in order) */
	bool required;	  /* must be given */
};

/* What run() gets: operands and options, checked against the verb. */
struct ctl_args {
	const struct ctl_cmd *cmd;
	const struct ctl_verb *verb;
	int argc;    /* operands, in order, options taken out */
	char **argv; /* NULL terminated */
	bool yes;    /* --yes given (or confirmed on the terminal) */
	int nvals;
	struct {
		const struct ctl_opt *opt;
		const char *val; /* NULL for a flag */
	} * vals;		 /* every option given, in order */
};

struct ctl_verb {
	const char *name;	    /* "add"; NULL: the command takes no subcommand */
	const char *alias;	    /* one other documented name ("delete"), or NULL */
	const char *operands;	    /* synopsis of the operands: "NAME...", or NULL */
	int min, max;		    /* how many operands; max -1: no limit */
	unsigned flags;		    /* CTL_* */
	const struct ctl_opt *opts; /* {} terminated, or NULL */
	const char *summary;	    /* one line: what it does */
	const char *help;	    /* what the operands and options mean, or NULL */
	const char *example;	    /* one or more command lines, '\n' separated */
	/* destructive: a question with one %s (the instance), asked on a
	 * terminal; without one, --yes is needed */
	const char *confirm;
	int (*run)(struct ctl *c, const struct ctl_args *a);
};

struct ctl_cmd {
	const char *name;
	const char *summary;
	const struct ctl_verb *verbs; /* {} terminated */
};

/* The value of option name (the last one given), or NULL. */
const char *ctl_opt(const struct ctl_args *a, const char *name);
/* Whether option name was given. */
bool ctl_flag(const struct ctl_args *a, const char *name);
/* The values of a CTL "many" option: *i is the cursor, start at 0; NULL at the end. */
const char *ctl_opt_next(const struct ctl_args *a, const char *name, int *i);

/* Usage error: "hyperctl CMD SUB: MESSAGE" and a pointer to --help; returns 2. */
int ctl_usage(const struct ctl_args *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The command table (main.c) and its length. */
extern const struct ctl_cmd *const ctl_commands[];
extern const int ctl_ncommands;

/* Parses argv and runs the verb; returns the exit status. */
int cli_main(struct ctl *c, int argc, char **argv);

/* help.c: the help pages. */
void cli_help_top(void);
void cli_help_cmd(const struct ctl_cmd *cmd);
void cli_help_verb(const struct ctl_cmd *cmd, const struct ctl_verb *v);
/* "snic add" or "status" */
const char *cli_verb_name(const struct ctl_cmd *cmd, const struct ctl_verb *v);

#endif
