// SPDX-License-Identifier: GPL-2.0-only
/* hyperctl's argument parser (cli.h): the command table decides, not the verbs. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl/cli.h"
#include "ctl/ctl.h"

static const struct ctl_opt yes_opt = {
    .name = "yes", .short_name = 'y', .help = "do it without asking"};

struct parse {
	struct ctl *c;
	struct ctl_args a;
	const struct ctl_cmd *cmd;
	bool json, help, version, dashdash;
};

static void vusage(const struct ctl_cmd *cmd, const struct ctl_verb *v, const char *fmt, va_list ap)
{
	fprintf(stderr, "hyperctl%s%s: ", cmd ? " " : "", cmd ? cli_verb_name(cmd, v) : "");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\nSee 'hyperctl %s%s--help'.\n", cmd ? cli_verb_name(cmd, v) : "",
		cmd ? " " : "");
}

static int perr(const struct parse *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int perr(const struct parse *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vusage(p->cmd, p->a.verb, fmt, ap);
	va_end(ap);
	return 2;
}

int ctl_usage(const struct ctl_args *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vusage(a->cmd, a->verb, fmt, ap);
	va_end(ap);
	return 2;
}

const char *ctl_opt(const struct ctl_args *a, const char *name)
{
	const char *val = NULL;

	for (int i = 0; i < a->nvals; i++)
		if (!strcmp(a->vals[i].opt->name, name))
			val = a->vals[i].val ? a->vals[i].val : "";
	return val;
}

bool ctl_flag(const struct ctl_args *a, const char *name)
{
	return ctl_opt(a, name) != NULL;
}

const char *ctl_opt_next(const struct ctl_args *a, const char *name, int *i)
{
	for (; *i < a->nvals; (*i)++)
		if (!strcmp(a->vals[*i].opt->name, name))
			return a->vals[(*i)++].val;
	return NULL;
}

static const struct ctl_cmd *find_cmd(const char *name)
{
	for (int i = 0; i < ctl_ncommands; i++)
		if (!strcmp(ctl_commands[i]->name, name))
			return ctl_commands[i];
	return NULL;
}

static const struct ctl_verb *find_verb(const struct ctl_cmd *cmd, const char *name)
{
	for (const struct ctl_verb *v = cmd->verbs; v->run; v++)
		if (v->name && (!strcmp(v->name, name) || (v->alias && !strcmp(v->alias, name))))
			return v;
	return NULL;
}

static bool has_verbs(const struct ctl_cmd *cmd)
{
	return cmd->verbs[0].name != NULL;
}

static void verb_list(const struct ctl_cmd *cmd, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (const struct ctl_verb *v = cmd->verbs; v->run && off < len; v++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? ", " : "", v->name);
}

static bool is_help(const char *s)
{
	return !strcmp(s, "-h") || !strcmp(s, "--help");
}

/*
 * --help anywhere (and 'hyperctl help ...'): the command and verb are the
 * first words, whatever else the line holds; nothing is checked or run.
 */
static int help_mode(int argc, char **argv)
{
	const struct ctl_cmd *cmd = NULL;
	const struct ctl_verb *v = NULL;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--instance")) {
			i++;
		} else if (argv[i][0] == '-' || !strcmp(argv[i], "help")) {
			continue;
		} else if (!cmd) {
			cmd = find_cmd(argv[i]);
			if (!cmd) {
				fprintf(stderr, "hyperctl: unknown command '%s'\n", argv[i]);
				cli_help_top();
				return 2;
			}
		} else {
			if (has_verbs(cmd))
				v = find_verb(cmd, argv[i]);
			break;
		}
	}
	if (!cmd)
		cli_help_top();
	else if (v || !has_verbs(cmd))
		cli_help_verb(cmd, v ? v : cmd->verbs);
	else
		cli_help_cmd(cmd);
	return 0;
}

static const struct ctl_opt *find_opt(const struct ctl_verb *v, const char *arg, size_t len)
{
	bool shrt = arg[1] != '-';

	for (const struct ctl_opt *o = v->opts; o && o->name; o++) {
		if (shrt ? (o->short_name && len == 2 && arg[1] == o->short_name)
			 : (strlen(o->name) == len - 2 && !strncmp(o->name, arg + 2, len - 2)))
			return o;
	}
	if (v->confirm &&
	    (shrt ? len == 2 && arg[1] == 'y' : len == 5 && !strncmp(arg, "--yes", 5)))
		return &yes_opt;
	return NULL;
}

/* A verb's option at argv[*i] (its value may be the next word). */
static int verb_option(struct parse *p, int argc, char **argv, int *i)
{
	const char *arg = argv[*i], *eq = arg[1] == '-' ? strchr(arg, '=') : NULL;
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
	const struct ctl_opt *o = find_opt(p->a.verb, arg, len);
	const char *val = NULL;

	if (!o)
		return perr(p, "unknown option '%.*s'", (int)len, arg);
	if (o->arg && eq) {
		val = eq + 1;
	} else if (o->arg) {
		if (*i + 1 >= argc)
			return perr(p, "option '%s' needs a value (%s)", arg, o->arg);
		val = argv[++*i];
	} else if (eq) {
		return perr(p, "option '--%s' takes no value", o->name);
	}
	if (!o->many && o != &yes_opt && ctl_opt(&p->a, o->name))
		return perr(p, "option '--%s' given twice", o->name);
	if (o == &yes_opt)
		p->a.yes = true;
	p->a.vals[p->a.nvals].opt = o;
	p->a.vals[p->a.nvals++].val = val;
	return 0;
}

/* A global option at argv[*i]: 0 taken, 1 not global, 2 usage error. */
static int global_option(struct parse *p, int argc, char **argv, int *i)
{
	const char *arg = argv[*i];

	if (!strcmp(arg, "-j") || !strcmp(arg, "--json")) {
		p->json = true;
	} else if (!strcmp(arg, "--instance")) {
		if (*i + 1 >= argc)
			return perr(p, "option '--instance' needs a value (NAME)");
		p->c->instance = argv[++*i];
	} else if (!strncmp(arg, "--instance=", 11)) {
		p->c->instance = arg + 11;
	} else if (!strcmp(arg, "--version") && !p->cmd) {
		p->version = true;
	} else {
		return 1;
	}
	return 0;
}

/* A word that is not an option: the command, its verb, or an operand. */
static int word(struct parse *p, const char *w)
{
	char list[256];

	if (!p->cmd) {
		p->cmd = find_cmd(w);
		if (!p->cmd)
			return perr(p, "unknown command '%s' (see 'hyperctl help')", w);
		if (!has_verbs(p->cmd))
			p->a.verb = p->cmd->verbs;
		return 0;
	}
	if (!p->a.verb) {
		p->a.verb = find_verb(p->cmd, w);
		if (!p->a.verb) {
			verb_list(p->cmd, list, sizeof(list));
			return perr(p, "unknown subcommand '%s' (one of: %s)", w, list);
		}
		return 0;
	}
	p->a.argv[p->a.argc++] = (char *)w;
	return 0;
}

static int parse_words(struct parse *p, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		int err;

		if (p->dashdash || arg[0] != '-' || !arg[1]) {
			err = word(p, arg);
		} else if (!strcmp(arg, "--") && p->a.verb) {
			p->dashdash = true;
			err = 0;
		} else {
			err = global_option(p, argc, argv, &i);
			if (err == 1 && p->a.verb)
				err = verb_option(p, argc, argv, &i);
			else if (err == 1 && p->cmd)
				err = perr(p,
					   "option '%s' before the subcommand: its options come "
					   "after it (hyperctl %s SUBCOMMAND [OPTIONS])",
					   arg, p->cmd->name);
			else if (err == 1)
				err = perr(p, "unknown option '%s'", arg);
		}
		if (err)
			return err;
	}
	return 0;
}

/* Operand count, -j, the instance name: what run() may take for granted. */
static int check_args(struct parse *p)
{
	const struct ctl_verb *v = p->a.verb;
	char list[256];

	if (!p->cmd) {
		cli_help_top();
		return 2;
	}
	if (!v) {
		verb_list(p->cmd, list, sizeof(list));
		return perr(p, "needs a subcommand: %s", list);
	}
	if (p->json && !(v->flags & CTL_JSON))
		return perr(p, "-j/--json is for commands that print data; this one prints "
			       "none");
	if (p->a.argc < v->min || (v->max >= 0 && p->a.argc > v->max)) {
		if (v->max == 0)
			return perr(p, "takes no operands (got '%s')", p->a.argv[0]);
		if (p->a.argc < v->min)
			return perr(p, "needs %s", v->operands);
		return perr(p, "too many operands ('%s'): takes %s", p->a.argv[v->max],
			    v->operands);
	}
	for (const struct ctl_opt *o = v->opts; o && o->name; o++)
		if (o->required && !ctl_opt(&p->a, o->name))
			return perr(p, "needs --%s %s", o->name, o->arg ? o->arg : "");
	if (hyp_paths_init(p->c->instance, &p->c->paths)) {
		fprintf(stderr, "hyperctl: invalid instance name '%s' (1-24 of a-z, 0-9, '-')\n",
			p->c->instance);
		return 2;
	}
	return 0;
}

/* A destructive verb: --yes, or a 'y' typed on the terminal. */
static int confirm_verb(struct parse *p)
{
	const struct ctl_verb *v = p->a.verb;
	char answer[16] = "";

	if (!v->confirm || p->a.yes || ((v->flags & CTL_MANY) && p->a.argc <= 1))
		return 0;
	if (!isatty(STDIN_FILENO)) {
		fprintf(stderr, "hyperctl %s: not confirmed: stdin is not a terminal; add --yes\n",
			cli_verb_name(p->cmd, v));
		return 1;
	}
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	fprintf(stderr, v->confirm, p->c->instance);
#pragma GCC diagnostic pop
	fprintf(stderr, " [y/N] ");
	if (!fgets(answer, sizeof(answer), stdin) || (answer[0] != 'y' && answer[0] != 'Y')) {
		fprintf(stderr, "hyperctl %s: not confirmed, nothing done\n",
			cli_verb_name(p->cmd, v));
		return 1;
	}
	p->a.yes = true;
	return 0;
}

int cli_main(struct ctl *c, int argc, char **argv)
{
	struct parse p = {.c = c};
	int ret;

	for (int i = 1, words = 0; i < argc && strcmp(argv[i], "--"); i++) {
		if (is_help(argv[i]) || (!strcmp(argv[i], "help") && !words))
			return help_mode(argc, argv);
		if (!strcmp(argv[i], "--instance"))
			i++;
		else if (argv[i][0] != '-')
			words++;
	}
	p.a.argv = calloc((size_t)argc + 1, sizeof(*p.a.argv));
	p.a.vals = calloc((size_t)argc + 1, sizeof(*p.a.vals));
	if (!p.a.argv || !p.a.vals) {
		ret = 1;
		goto out;
	}
	ret = parse_words(&p, argc, argv);
	if (!ret && p.version) {
		printf("hyperctl %s\n", HYP_VERSION);
		goto out;
	}
	p.a.cmd = p.cmd;
	ret = ret ? ret : check_args(&p);
	ret = ret ? ret : confirm_verb(&p);
	if (!ret) {
		pr_init(p.json);
		ret = p.a.verb->run(c, &p.a);
		pr_end();
	}
out:
	free(p.a.argv);
	free(p.a.vals);
	return ret;
}
