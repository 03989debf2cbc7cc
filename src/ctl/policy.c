// SPDX-License-Identifier: GPL-2.0-only
/* hyperctl policy apply|list|show|delete|trace */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <strings.h>

#include "ctl/ctl.h"
#include "lib/api.h"

#define POLICY_FILE_MAX (16 << 20)

static int read_file(const char *path, char **out)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	size_t cap = 65536, len = 0, n;
	char *buf;

	struct stat st;

	if (!f)
		return -errno;
	if (!fstat(fileno(f), &st) && S_ISDIR(st.st_mode)) {
		fclose(f);
		return -EISDIR;
	}
	buf = malloc(cap);
	while (buf && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (len + 1 == cap) {
			char *nb = cap < POLICY_FILE_MAX ? realloc(buf, cap * 2) : NULL;

			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	if (f != stdin)
		fclose(f);
	if (!buf)
		return -EFBIG;
	buf[len] = '\0';
	if (strlen(buf) != len) {
		free(buf);
		return -EINVAL; /* NUL bytes: not a text document */
	}
	*out = buf;
	return 0;
}

/* Warnings go to stderr in text mode, before what was applied. */
static void print_applied(json_object *res)
{
	json_object *warn = jget(res, KEY_WARNINGS), *applied = jget(res, KEY_APPLIED);

	if (!pr_is_json())
		for (size_t i = 0; i < json_object_array_length(warn); i++)
			fprintf(stderr, "hyperctl: warning: %s\n",
				json_object_get_string(json_object_array_get_idx(warn, i)));
	pr_open_object(NULL);
	pr_open_array(KEY_APPLIED);
	for (size_t i = 0; i < json_object_array_length(applied); i++)
		pr_value(NULL, "%s applied\n", json_object_array_get_idx(applied, i));
	pr_close_array();
	pr_value(KEY_WARNINGS, NULL, warn);
	pr_close_object();
}

static int policy_apply(struct ctl *c, const struct ctl_args *a)
{
	const char *file = ctl_opt(a, "filename");
	json_object *args, *res;
	char *text = NULL;
	int err;

	err = read_file(file, &text);
	if (err) {
		fprintf(stderr, "hyperctl: %s: %s\n", file,
			err == -EISDIR
			    ? "is a directory: give a YAML file (-f FILE, or - for stdin)"
			: err == -EINVAL ? "is not a text file (it has NUL bytes): give a YAML file"
					 : strerror(-err));
		return 1;
	}
	/* the API takes one request of at most API_MAX_MSG bytes */
	if (strlen(text) + 4096 > API_MAX_MSG) {
		fprintf(stderr,
			"hyperctl: %s: %zu bytes; one apply takes at most %d KiB: split the "
			"documents over several files\n",
			file, strlen(text), (API_MAX_MSG - 4096) / 1024);
		free(text);
		return 1;
	}
	args = json_object_new_object();
	json_object_object_add(args, KEY_TEXT, json_object_new_string(text));
	free(text);
	if (ctl_call(c, "policy.apply", args, &res))
		return 1;
	print_applied(res);
	json_object_put(res);
	return 0;
}

static int policy_call(struct ctl *c, const char *cmd, const char *name, json_object **res)
{
	json_object *args = json_object_new_object();

	json_object_object_add(args, KEY_NAME, json_object_new_string(name));
	return ctl_call(c, cmd, args, res);
}

/* show: the document as stored, JSON in both modes */
static int policy_show(struct ctl *c, const struct ctl_args *a)
{
	json_object *res;

	if (policy_call(c, "policy.show", a->argv[0], &res))
		return 1;
	pr_value(NULL, NULL, res);
	if (!pr_is_json())
		pr_document(res);
	json_object_put(res);
	return 0;
}

static int policy_delete(struct ctl *c, const struct ctl_args *a)
{
	int ret = 0;

	for (int i = 0; i < a->argc; i++) {
		json_object *res;

		if (policy_call(c, "policy.delete", a->argv[i], &res)) {
			ret = 1;
			continue;
		}
		/* as apply says it: "networkpolicy NS/NAME" */
		printf("%s %s/%s deleted\n",
		       strcmp(jstr(res, KEY_KIND), "NetworkPolicy") ? "inspectionpolicy"
								    : "networkpolicy",
		       jstr(res, KEY_NAMESPACE), jstr(res, KEY_NAME));
		json_object_put(res);
	}
	return ret;
}

/* the document's pod selector, compact ("{}" when it has none) */
static const char *selector_text(json_object *row, const char *key, char *buf, size_t len)
{
	json_object *sel = jget(jget(jget(row, KEY_DOCUMENT), "spec"), "podSelector");

	snprintf(buf, len, "%s",
		 sel ? json_object_to_json_string_ext(sel, JSON_C_TO_STRING_PLAIN) : "{}");
	return buf;
}

static const struct pr_col policy_cols[] = {
    {.key = KEY_KIND, .header = "KIND"},
    {.key = KEY_NAMESPACE, .header = "NAMESPACE"},
    {.key = KEY_NAME, .header = "NAME"},
    {.key = KEY_DOCUMENT, .header = "POD-SELECTOR", .text = selector_text},
    {},
};

static int policy_list(struct ctl *c, const struct ctl_args *a)
{
	json_object *res;

	if (ctl_call(c, "policy.list", NULL, &res))
		return 1;
	pr_table(res, policy_cols, "no policies");
	json_object_put(res);
	return 0;
}

/* src and dst of a trace: "src      NAME IP identity N"; fmt is the label */
static void endpoint_view(const char *key, json_object *ep, const char *fmt)
{
	static const struct pr_field fields[] = {
	    {KEY_SNIC, "%s", NULL},
	    {KEY_IP, " %s", NULL},
	    {KEY_IDENTITY, " identity %s\n", NULL},
	    {},
	};

	pr_text("%s", fmt);
	pr_members(key, ep, fields);
}

/* egress and ingress of a trace: what allows the flow; fmt shows it */
/* a denial: each rule of the side that did not match, a line each */
static void not_matched_view(const char *key, json_object *rules, const char *fmt)
{
	pr_open_array(key);
	for (size_t i = 0; i < json_object_array_length(rules); i++)
		pr_value(NULL, "         %s\n", json_object_array_get_idx(rules, i));
	pr_close_array();
}

static void side_view(const char *key, json_object *side, const char *fmt)
{
	const struct pr_field fields[] = {
	    {KEY_ALLOWED_BY, fmt, NULL},
	    {KEY_NOT_MATCHED, NULL, not_matched_view},
	    {},
	};

	pr_members(key, side, fields);
}

/* the verdict comes after egress and ingress in text, before them in JSON */
static const struct pr_field trace_fields[] = {
    {KEY_SRC, "src      ", endpoint_view},
    {KEY_DST, "dst      ", endpoint_view},
    {KEY_EGRESS, "egress   %s\n", side_view},
    {KEY_INGRESS, "ingress  %s\n", side_view},
    {},
};

static int policy_trace(struct ctl *c, const struct ctl_args *a)
{
	json_object *args, *res, *v;
	char *const *pos = a->argv;
	bool icmp = !strcasecmp(pos[2], "icmp");

	if (icmp && a->argc == 4)
		return ctl_usage(a,
				 "icmp has no port: NetworkPolicy ports are TCP, UDP and SCTP "
				 "ports (policy trace %s %s icmp)",
				 pos[0], pos[1]);
	if (!icmp && a->argc == 3)
		return ctl_usage(a, "%s needs a PORT (policy trace %s %s %s PORT)", pos[2], pos[0],
				 pos[1], pos[2]);
	args = json_object_new_object();
	json_object_object_add(args, KEY_SRC, json_object_new_string(pos[0]));
	json_object_object_add(args, KEY_DST, json_object_new_string(pos[1]));
	json_object_object_add(args, KEY_PROTO, json_object_new_string(pos[2]));
	json_object_object_add(args, KEY_PORT, json_object_new_string(icmp ? "0" : pos[3]));
	if (ctl_call(c, "policy.trace", args, &res))
		return 1;
	pr_members(NULL, res, trace_fields);
	pr_text("verdict  %s", jstr(res, KEY_VERDICT));
	v = jget(res, KEY_DROP_REASON);
	if (v)
		pr_text(" (%s)", json_object_get_string(v));
	pr_text("\n");
	json_object_put(res);
	return 0;
}

#define REF_HELP                                                                                   \
	"KIND: networkpolicy or inspectionpolicy, needed only when both kinds have\n"              \
	"the name. NAMESPACE: the policy's metadata.namespace (default: default).\n"               \
	"NAME: its metadata.name."

static const struct ctl_opt apply_opts[] = {
    {.name = "filename",
     .short_name = 'f',
     .arg = "FILE",
     .help = "a YAML file of NetworkPolicy and InspectionPolicy documents "
	     "('-': stdin)",
     .required = true},
    {},
};

static const struct ctl_verb policy_verbs[] = {
    {.name = "apply",
     .flags = CTL_JSON,
     .opts = apply_opts,
     .summary = "create or replace NetworkPolicies and InspectionPolicies from YAML",
     .help = "Documents are separated by '---'; each is applied as a whole or not at all.\n"
	     "Prints each applied policy, and warnings on stderr.",
     .example = "hyperctl policy apply -f examples/policy/web-db.yaml",
     .run = policy_apply},
    {.name = "list",
     .alias = "ls",
     .flags = CTL_JSON,
     .summary = "list the policies",
     .example = "hyperctl policy list\nhyperctl policy list -j",
     .run = policy_list},
    {.name = "show",
     .operands = "[KIND/][NAMESPACE/]NAME",
     .min = 1,
     .max = 1,
     .flags = CTL_JSON,
     .summary = "print a policy's document as stored (JSON)",
     .help = REF_HELP,
     .example = "hyperctl policy show prod/db-from-web\n"
		"hyperctl policy show inspectionpolicy/prod/no-sql-injection",
     .run = policy_show},
    {.name = "delete",
     .alias = "del",
     .operands = "[KIND/][NAMESPACE/]NAME...",
     .min = 1,
     .max = -1,
     .flags = CTL_MANY,
     .summary = "delete policies",
     .help = REF_HELP "\nMore than one is asked on a terminal (or --yes).",
     .example = "hyperctl policy delete networkpolicy/prod/db-from-web",
     .confirm = "Delete these policies of instance %s?",
     .run = policy_delete},
    {.name = "trace",
     .operands = "SRC DST PROTO [PORT]",
     .min = 3,
     .max = 4,
     .flags = CTL_JSON,
     .summary = "say whether policy allows a flow from SRC to DST, and which policy decides",
     .help = "SRC, DST: SNIC names or IPv4 addresses.\n"
	     "PROTO: tcp, udp, sctp or icmp.\n"
	     "PORT: the destination port (1-65535) of tcp, udp and sctp; none for icmp\n"
	     "(NetworkPolicy ports never match ICMP: only a rule without ports allows it).",
     .example = "hyperctl policy trace web db tcp 5432\nhyperctl policy trace web db icmp",
     .run = policy_trace},
    {},
};

const struct ctl_cmd cmd_policy = {"policy", "NetworkPolicies and InspectionPolicies",
				   policy_verbs};
