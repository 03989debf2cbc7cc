// SPDX-License-Identifier: GPL-2.0-only
/* hyperctl policy apply|list|show|delete|trace */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/ctl.h"
#include "lib/api.h"

#define POLICY_FILE_MAX (16 << 20)

static int read_file(const char *path, char **out)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	size_t cap = 65536, len = 0, n;
	char *buf;

	if (!f)
		return -errno;
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

static int policy_apply(struct ctl *c, int argc, char **argv)
{
	json_object *args, *res;
	const char *file = NULL;
	char *text = NULL;
	int err;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-f") && i + 1 < argc)
			file = argv[++i];
		else if (!strcmp(argv[i], "-j"))
			c->json = true;
		else
			file = NULL, i = argc;
	}
	if (!file) {
		fprintf(stderr, "usage: hyperctl policy apply -f FILE|-\n");
		return 2;
	}
	err = read_file(file, &text);
	if (err) {
		fprintf(stderr, "hyperctl: %s: %s\n", file, strerror(-err));
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
	json_object_object_add(args, "text", json_object_new_string(text));
	free(text);
	if (ctl_call(c, "policy.apply", args, &res))
		return 1;
	if (c->json) {
		ctl_print_json(res);
	} else {
		for (size_t i = 0; i < json_object_array_length(res); i++)
			printf("%s applied\n",
			       json_object_get_string(json_object_array_get_idx(res, i)));
	}
	json_object_put(res);
	return 0;
}

static int policy_named(struct ctl *c, const char *cmd, int argc, char **argv)
{
	json_object *args, *res;
	const char *name = NULL;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-j"))
			c->json = true;
		else
			name = name ? "" : argv[i];
	}
	if (!name || !*name) {
		fprintf(stderr, "usage: hyperctl policy %s [NAMESPACE/]NAME\n", argv[0]);
		return 2;
	}
	args = json_object_new_object();
	json_object_object_add(args, "name", json_object_new_string(name));
	if (ctl_call(c, cmd, args, &res))
		return 1;
	if (res)
		ctl_print_json(res);
	else if (!c->json)
		printf("networkpolicy %s deleted\n", name);
	json_object_put(res);
	return 0;
}

static int policy_list(struct ctl *c, int argc, char **argv)
{
	json_object *res, *v;

	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-j"))
			c->json = true;
	if (ctl_call(c, "policy.list", NULL, &res))
		return 1;
	if (c->json) {
		ctl_print_json(res);
	} else {
		printf("%-20s %-32s %s\n", "NAMESPACE", "NAME", "POD-SELECTOR");
		for (size_t i = 0; i < json_object_array_length(res); i++) {
			json_object *o = json_object_array_get_idx(res, i), *d, *spec, *sel;
			const char *s = "{}";

			if (json_object_object_get_ex(o, "document", &d) &&
			    json_object_object_get_ex(d, "spec", &spec) &&
			    json_object_object_get_ex(spec, "podSelector", &sel))
				s = json_object_to_json_string_ext(sel, JSON_C_TO_STRING_PLAIN);
			json_object_object_get_ex(o, "namespace", &v);
			printf("%-20s ", json_object_get_string(v));
			json_object_object_get_ex(o, "name", &v);
			printf("%-32s %s\n", json_object_get_string(v), s);
		}
	}
	json_object_put(res);
	return 0;
}

static const char *jpath(json_object *o, const char *a, const char *b)
{
	json_object *x, *y;

	if (!json_object_object_get_ex(o, a, &x) || !json_object_object_get_ex(x, b, &y))
		return "-";
	return json_object_get_string(y);
}

static int policy_trace(struct ctl *c, int argc, char **argv)
{
	json_object *args, *res, *v;
	const char *pos[4];
	int n = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-j"))
			c->json = true;
		else if (n < 4)
			pos[n++] = argv[i];
		else
			n = 5;
	}
	if (n != 4) {
		fprintf(stderr,
			"usage: hyperctl policy trace SRC DST PROTO PORT\n"
			"  SRC, DST: SNIC names or addresses; PROTO: tcp, udp, sctp, icmp\n");
		return 2;
	}
	args = json_object_new_object();
	json_object_object_add(args, "src", json_object_new_string(pos[0]));
	json_object_object_add(args, "dst", json_object_new_string(pos[1]));
	json_object_object_add(args, "proto", json_object_new_string(pos[2]));
	json_object_object_add(args, "port", json_object_new_string(pos[3]));
	if (ctl_call(c, "policy.trace", args, &res))
		return 1;
	if (c->json) {
		ctl_print_json(res);
	} else {
		printf("src      %s %s identity %s\n", jpath(res, "src", "snic"),
		       jpath(res, "src", "ip"), jpath(res, "src", "identity"));
		printf("dst      %s %s identity %s\n", jpath(res, "dst", "snic"),
		       jpath(res, "dst", "ip"), jpath(res, "dst", "identity"));
		printf("egress   %s\n", jpath(res, "egress", "allowed_by"));
		printf("ingress  %s\n", jpath(res, "ingress", "allowed_by"));
		json_object_object_get_ex(res, "verdict", &v);
		printf("verdict  %s", json_object_get_string(v));
		if (json_object_object_get_ex(res, "drop_reason", &v))
			printf(" (%s)", json_object_get_string(v));
		printf("\n");
	}
	json_object_put(res);
	return 0;
}

int do_policy(struct ctl *c, int argc, char **argv)
{
	if (argc < 1)
		goto usage;
	if (!strcmp(argv[0], "apply"))
		return policy_apply(c, argc, argv);
	if (!strcmp(argv[0], "list") || !strcmp(argv[0], "ls"))
		return policy_list(c, argc, argv);
	if (!strcmp(argv[0], "show"))
		return policy_named(c, "policy.show", argc, argv);
	if (!strcmp(argv[0], "delete") || !strcmp(argv[0], "del"))
		return policy_named(c, "policy.delete", argc, argv);
	if (!strcmp(argv[0], "trace"))
		return policy_trace(c, argc, argv);
usage:
	fprintf(stderr, "usage: hyperctl policy {apply -f FILE|list|show NAME|delete NAME|"
			"trace SRC DST PROTO PORT}\n");
	return 2;
}
