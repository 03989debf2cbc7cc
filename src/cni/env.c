// SPDX-License-Identifier: GPL-2.0-only
/* The CNI_* environment: reading, validation, labels from CNI_ARGS. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cni/cni.h"
#include "lib/addr.h"
#include "lib/log.h"

int cni_fail(struct cni_error *e, int err, int code, const char *msg, const char *fmt, ...)
{
	va_list ap;

	if (e->code)
		return err;
	e->code = code;
	snprintf(e->msg, sizeof(e->msg), "%s", msg);
	va_start(ap, fmt);
	vsnprintf(e->details, sizeof(e->details), fmt, ap);
	va_end(ap);
	return err;
}

static const char *env_get(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

int cni_env_read(struct cni_env *env, struct cni_error *e)
{
	memset(env, 0, sizeof(*env));
	env->command = env_get("CNI_COMMAND");
	env->containerid = env_get("CNI_CONTAINERID");
	env->netns = env_get("CNI_NETNS");
	env->ifname = env_get("CNI_IFNAME");
	env->args = env_get("CNI_ARGS");
	if (!env->command)
		return cni_fail(e, -EINVAL, CNI_ERR_INVALID_ENV, "CNI_COMMAND is not set",
				"set CNI_COMMAND to ADD, DEL, CHECK, GC, STATUS or VERSION");
	return 0;
}

static bool is_cmd(const struct cni_env *env, const char *cmd)
{
	return !strcmp(env->command, cmd);
}

int cni_env_validate(const struct cni_env *env, struct cni_error *e)
{
	bool attach = is_cmd(env, "ADD") || is_cmd(env, "DEL") || is_cmd(env, "CHECK");

	if (!attach)
		return 0;
	if (!env->containerid)
		return cni_fail(e, -EINVAL, CNI_ERR_INVALID_ENV, "CNI_CONTAINERID is not set",
				"%s needs CNI_CONTAINERID", env->command);
	if (cni_validate_container_id(env->containerid))
		return cni_fail(e, -EINVAL, CNI_ERR_INVALID_ENV, "invalid CNI_CONTAINERID",
				"container id '%s': want 1-%d of a-z A-Z 0-9 _ . -, starting "
				"alphanumeric",
				env->containerid, CNI_CONTAINERID_MAX);
	if (!env->ifname)
		return cni_fail(e, -EINVAL, CNI_ERR_INVALID_ENV, "CNI_IFNAME is not set",
				"%s needs CNI_IFNAME", env->command);
	if (validate_ifname(env->ifname))
		return cni_fail(e, -EINVAL, CNI_ERR_INVALID_ENV, "invalid CNI_IFNAME",
				"interface name '%s': want 1-15 characters, no '/', ':' or "
				"whitespace, not '.' or '..'",
				env->ifname);
	if (!env->netns && !is_cmd(env, "DEL"))
		return cni_fail(e, -EINVAL, CNI_ERR_INVALID_ENV, "CNI_NETNS is not set",
				"%s needs CNI_NETNS", env->command);
	if (env->netns && cni_validate_netns_path(env->netns))
		return cni_fail(e, -EINVAL, CNI_ERR_INVALID_ENV, "invalid CNI_NETNS",
				"netns '%s': want an absolute path without '.' or '..' "
				"components, under 256 characters",
				env->netns);
	return 0;
}

/*
 * CNI_ARGS: "K=V;K=V". Only K8S_POD_NAMESPACE is read: the pod's name,
 * uid and infra container id name one pod and are not labels (an identity
 * per pod otherwise), the rest is not ours. A later K8S_POD_NAMESPACE than
 * the first is not the runtime's: it is ignored, with a warning.
 */
int cni_args_namespace(const char *args, char **ns, struct cni_error *e)
{
	char *buf, *save = NULL, *kv;
	int err = 0;

	*ns = NULL;
	if (!args)
		return 0;
	buf = strdup(args);
	if (!buf)
		return cni_fail(e, -ENOMEM, CNI_ERR_IO, "out of memory", "copying CNI_ARGS");
	for (kv = strtok_r(buf, ";", &save); kv && !err; kv = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(kv, '=');

		if (!eq || eq == kv) {
			err = cni_fail(e, -EINVAL, CNI_ERR_INVALID_ENV, "invalid CNI_ARGS",
				       "'%s' is not KEY=VALUE", kv);
			break;
		}
		*eq = '\0';
		if (strcmp(kv, "K8S_POD_NAMESPACE") || !eq[1])
			continue;
		if (*ns) {
			if (strcmp(*ns, eq + 1))
				pr_warn("CNI_ARGS: K8S_POD_NAMESPACE=%s ignored: the first one, "
					"%s, is the runtime's\n",
					eq + 1, *ns);
			continue;
		}
		*ns = strdup(eq + 1);
		if (!*ns)
			err = cni_fail(e, -ENOMEM, CNI_ERR_IO, "out of memory", "copying CNI_ARGS");
	}
	free(buf);
	if (err) {
		free(*ns);
		*ns = NULL;
	}
	return err;
}
