// SPDX-License-Identifier: GPL-2.0-only
/*
 * The CNI plugin's input: the CNI_* environment and the network config on
 * stdin, read by the plugin's own code (cni_env_read, cni_read_stdin from
 * a pipe, cni_conf_load, cni_env_validate, cni_args_namespace), then the
 * result and error JSON it would print, and CHECK's comparison against
 * the untrusted prevResult. Input: the environment as KEY=VALUE lines up
 * to the first NUL byte, the config after it. Invariants: every failure
 * has a CNI code and a message; every error JSON and result serializes.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "cni/cni.h"
#include "fuzz.h"

static const char *const vars[] = {"CNI_COMMAND", "CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME",
				   "CNI_ARGS", "CNI_PATH"};

static void set_env(const char *block, size_t len)
{
	char *copy = strndup(block, len), *save = NULL;

	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		unsetenv(vars[i]);
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(l, '=');

		if (!eq || eq == l)
			continue;
		*eq = '\0';
		for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
			if (!strcmp(l, vars[i]))
				setenv(l, eq + 1, 1);
	}
	free(copy);
}

/* stdin from a pipe holding the config (a pipe holds 64 KiB: -max_len) */
static void set_stdin(const uint8_t *d, size_t len)
{
	int p[2];

	if (pipe(p))
		abort();
	fcntl(p[1], F_SETPIPE_SZ, 1 << 20);
	if (len && write(p[1], d, len) != (ssize_t)len)
		abort();
	close(p[1]);
	dup2(p[0], STDIN_FILENO);
	close(p[0]);
}

static void serializes(json_object *o)
{
	if (!o || !json_object_to_json_string(o))
		fz_fail("no JSON to print");
	json_object_put(o);
}

/* What ADD and CHECK do with a daemon reply for this attachment. */
static void results(struct cni_conf *c, const struct cni_env *env)
{
	json_object *snic = json_tokener_parse(
	    "{\"ip\":\"10.240.0.7/16\",\"gateway\":\"10.240.0.1\",\"mac\":\"0a:58:0a:f0:00:07\"}");
	struct cni_error e = {};
	json_object *r = cni_result_add(c, env, snic, &e);

	serializes(r);
	if (cni_result_match(c, env, snic, &e) && (!e.code || !e.msg[0]))
		fz_fail("CHECK mismatch without code or message");
	json_object_put(snic);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t elen = nul ? (size_t)(nul - data) : size;
	struct cni_conf c = {};
	struct cni_error e = {};
	struct cni_env env;
	json_object *root = NULL;
	char *ns = NULL;
	int err;

	fz_quiet();
	set_env((const char *)data, elen);
	set_stdin(nul ? nul + 1 : data + size, nul ? size - elen - 1 : 0);
	err = cni_env_read(&env, &e);
	if (!err)
		err = cni_read_stdin(&root, &e);
	if (!err) {
		err = cni_conf_load(&c, root, &env, &e);
		root = NULL;
	}
	if (!err)
		err = cni_env_validate(&env, &e);
	if (!err && env.args && cni_args_namespace(env.args, &ns, &e))
		err = -EINVAL;
	if (!err && env.netns && (!strcmp(env.command, "ADD") || !strcmp(env.command, "CHECK")))
		results(&c, &env);
	if (err && (!e.code || !e.msg[0]))
		fz_fail("failure %d without a CNI code or message", err);
	serializes(cni_error_json(c.version[0] ? c.version : CNI_LATEST_VERSION, &e));
	serializes(cni_version_info(c.version[0] ? c.version : CNI_LATEST_VERSION));
	free(ns);
	json_object_put(root);
	cni_conf_free(&c);
	return 0;
}
