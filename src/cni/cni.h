/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hyperion CNI plugin (spec 1.0.0 and 1.1.0): a thin client of
 * hyperiond. The network config on stdin, CNI_* in the environment, the
 * result (or the error) alone on stdout, logs on stderr.
 */
#ifndef HYP_CNI_H
#define HYP_CNI_H

#include <stdbool.h>
#include <json-c/json.h>

#include "core/cni_attach.h"
#include "core/paths.h"

#define CNI_LATEST_VERSION "1.1.0"
#define CNI_MAX_STDIN	   (1 << 20)

/* A failure as the runtime sees it. */
struct cni_error {
	int code;
	char msg[128];
	char details[768];
};

/* Sets the error (first one wins) and returns err, for `return cni_fail(...)`. */
int cni_fail(struct cni_error *e, int err, int code, const char *msg, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

struct cni_env {
	const char *command;
	const char *containerid;
	const char *netns; /* NULL when empty */
	const char *ifname;
	const char *args; /* CNI_ARGS, "K=V;K=V" */
};

struct cni_conf {
	json_object *root;   /* the whole stdin config (owned) */
	char version[16];    /* cniVersion, for the output */
	const char *network; /* name */
	char instance[32];
	struct hyp_paths paths;
	json_object *labels;	 /* the administrator's: the config's "labels" (owned) */
	json_object *pod_labels; /* the pod's: "args", "runtimeConfig" (owned) */
	char *ns;		 /* the runtime's K8S_POD_NAMESPACE, NULL: none (owned) */
	json_object *prev;	 /* prevResult, or NULL (borrowed) */
	/* the pod's named ports from "args": ["NAME=PORT/proto", ...] (owned) */
	json_object *named_ports;
	/* runtimeConfig.portMappings: [{"mapping": "H:C/proto", "host_ip"}] (owned) */
	json_object *port_mappings;
	/* "ipFamily": 0 absent (every family the instance has), 4 "ipv4",
	 * 6 "ipv6", CNI_FAMILY_DUAL "dual" (the instance must have both pools) */
	int family;
};

/* env.c */
int cni_env_read(struct cni_env *env, struct cni_error *e);
/* What each command needs: container id, ifname, netns. */
int cni_env_validate(const struct cni_env *env, struct cni_error *e);
/*
 * The runtime's namespace from CNI_ARGS: the first K8S_POD_NAMESPACE (the
 * runtime writes its own keys first; a runtime that passes arguments of
 * its user on appends them). *ns is NULL when there is none.
 */
int cni_args_namespace(const char *args, char **ns, struct cni_error *e);

/* config.c */
int cni_read_stdin(json_object **out, struct cni_error *e);
bool cni_version_supported(const char *v);
int cni_conf_load(struct cni_conf *c, json_object *root, const struct cni_env *env,
		  struct cni_error *e);
void cni_conf_free(struct cni_conf *c);

/* result.c */
json_object *cni_result_add(const struct cni_conf *c, const struct cni_env *env, json_object *snic,
			    struct cni_error *e);
int cni_result_match(const struct cni_conf *c, const struct cni_env *env, json_object *snic,
		     struct cni_error *e);
json_object *cni_version_info(const char *version);
json_object *cni_error_json(const char *version, const struct cni_error *e);
void cni_print(json_object *o);

/* daemon.c: one API call; maps failures to CNI codes. unreachable: the
 * code for "hyperiond is not running" (11, or 50 for STATUS). */
int cni_call(const struct cni_conf *c, const char *cmd, json_object *args, json_object **result,
	     int unreachable, struct cni_error *e);
/* True when the instance has state (so something may need releasing). */
bool cni_instance_has_state(const struct cni_conf *c);
/* True when the instance's datapath (the backend's domain) is present. */
bool cni_datapath_present(const struct cni_conf *c);

/* cmd.c */
int cni_cmd_add(struct cni_conf *c, const struct cni_env *env, struct cni_error *e);
int cni_cmd_del(struct cni_conf *c, const struct cni_env *env, struct cni_error *e);
int cni_cmd_check(struct cni_conf *c, const struct cni_env *env, struct cni_error *e);
int cni_cmd_gc(struct cni_conf *c, const struct cni_env *env, struct cni_error *e);
int cni_cmd_status(struct cni_conf *c, const struct cni_env *env, struct cni_error *e);

#endif
