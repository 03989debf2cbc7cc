// SPDX-License-Identifier: GPL-2.0-only
/*
 * hyperion: the CNI plugin (spec 1.0.0 and 1.1.0) of Hyperion. A thin
 * client: every command is one request to the instance's hyperiond, which
 * stays the single owner of state. See docs/cni.md.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cni/cni.h"
#include "lib/log.h"

static const struct {
	const char *name;
	int (*fn)(struct cni_conf *c, const struct cni_env *env, struct cni_error *e);
} commands[] = {
    {"ADD", cni_cmd_add}, {"DEL", cni_cmd_del},	      {"CHECK", cni_cmd_check},
    {"GC", cni_cmd_gc},	  {"STATUS", cni_cmd_status},
};

/* VERSION answers whatever the input is, so the runtime can learn ours. */
static int cmd_version(json_object *root)
{
	json_object *v, *out;
	const char *ver = CNI_LATEST_VERSION;

	if (root && json_object_object_get_ex(root, "cniVersion", &v) &&
	    json_object_is_type(v, json_type_string) && *json_object_get_string(v) &&
	    strlen(json_object_get_string(v)) < 16 &&
	    strspn(json_object_get_string(v), "0123456789.") == strlen(json_object_get_string(v)))
		ver = json_object_get_string(v);
	out = cni_version_info(ver);
	cni_print(out);
	json_object_put(out);
	return 0;
}

static int dispatch(struct cni_conf *c, const struct cni_env *env, struct cni_error *e)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(env->command, commands[i].name))
			return commands[i].fn(c, env, e);
	return cni_fail(e, -EINVAL, CNI_ERR_INVALID_ENV, "unknown CNI_COMMAND",
			"'%s': want ADD, DEL, CHECK, GC, STATUS or VERSION", env->command);
}

/*
 * Runtimes call the plugin without arguments (the spec's protocol is the
 * environment and stdin); a person may ask it for its version or help.
 */
static int cli_args(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--version")) {
		printf("hyperion (Hyperion CNI plugin) %s, CNI spec 1.0.0 1.1.0\n", HYP_VERSION);
		return 0;
	}
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("Usage: hyperion [--version | --help]\n\n"
		       "The CNI plugin of Hyperion: a container runtime runs it with CNI_COMMAND\n"
		       "(ADD, DEL, CHECK, GC, STATUS, VERSION) and the other CNI_* variables set\n"
		       "and the network configuration on stdin; it asks hyperiond for the SNIC.\n"
		       "See hyperion-cni(8) and docs/cni.md.\n\n"
		       "Example:\n"
		       "  echo '{\"cniVersion\":\"1.1.0\"}' | CNI_COMMAND=VERSION hyperion\n");
		return 0;
	}
	fprintf(stderr,
		"hyperion: unknown argument '%s': the CNI plugin takes none "
		"(--version, --help)\n",
		argv[1]);
	return 2;
}

int main(int argc, char **argv)
{
	struct cni_env env;
	struct cni_conf c = {};
	struct cni_error e = {};
	json_object *root = NULL, *out;
	int err;

	log_set_prefix("hyperion-cni");
	log_set_level(HYP_LOG_WARN);
	if (argc > 1)
		return cli_args(argc, argv);
	err = cni_env_read(&env, &e);
	if (!err && !strcmp(env.command, "VERSION")) {
		cni_read_stdin(&root, &e);
		cmd_version(root);
		json_object_put(root);
		return 0;
	}
	if (!err)
		err = cni_read_stdin(&root, &e);
	if (!err) {
		err = cni_conf_load(&c, root, &env, &e); /* owns root from here */
		root = NULL;
	}
	if (!err)
		err = cni_env_validate(&env, &e);
	if (!err)
		err = dispatch(&c, &env, &e);
	if (err) {
		out = cni_error_json(c.version[0] ? c.version : CNI_LATEST_VERSION, &e);
		cni_print(out);
		json_object_put(out);
		pr_warn("%s %s/%s: %s: %s\n", env.command ? env.command : "?",
			env.containerid ? env.containerid : "-", env.ifname ? env.ifname : "-",
			e.msg, e.details);
	}
	json_object_put(root);
	cni_conf_free(&c);
	return err ? 1 : 0;
}
