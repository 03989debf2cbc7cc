// SPDX-License-Identifier: GPL-2.0-only
/* API command table of hyperiond. */
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "daemon/daemon.h"
#include "lib/api.h"
#include "lib/keys.h"
#include "lib/log.h"

const char *daemon_arg_str(json_object *args, const char *key)
{
	json_object *v;

	if (!args || !json_object_object_get_ex(args, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

json_object *daemon_reply(int err, const struct errmsg *em, json_object *result)
{
	if (err) {
		json_object_put(result);
		return api_err(err, em->msg);
	}
	return api_ok(result);
}

static json_object *do_status(struct daemon *d, json_object *args)
{
	json_object *o = node__status_json(d->node), *api = json_object_new_object();

	/* who may use the API, and the clients it turned away */
	json_object_object_add(api, KEY_API_GROUP,
			       d->api_group_set ? json_object_new_string(d->api_group) : NULL);
	json_object_object_add(api, KEY_API_REFUSED,
			       json_object_new_int64((int64_t)d->api_refused));
	json_object_object_add(api, KEY_API_TIMED_OUT,
			       json_object_new_int64((int64_t)d->api_timed_out));
	json_object_object_add(o, KEY_API, api);
	return api_ok(o);
}

int daemon_parse_labels(json_object *args, struct labels *ls, struct errmsg *em)
{
	return daemon_parse_labels_at(args, KEY_LABELS, ls, em);
}

int daemon_parse_labels_at(json_object *args, const char *key, struct labels *ls, struct errmsg *em)
{
	json_object *obj;

	memset(ls, 0, sizeof(*ls));
	if (!args || !json_object_object_get_ex(args, key, &obj) || !obj)
		return 0;
	if (!json_object_is_type(obj, json_type_object))
		return em_set(em, -EINVAL, "labels must be an object of strings");
	json_object_object_foreach(obj, k, v)
	{
		int err;

		if (!json_object_is_type(v, json_type_string))
			return em_set(em, -EINVAL, "label %s: value must be a string", k);
		err = labels__set(ls, k, json_object_get_string(v));
		if (err == -EEXIST)
			return em_set(em, err, "label %s given twice", k);
		if (err == -E2BIG)
			return em_set(em, err, "more than %d labels", LABELS_MAX);
		if (err) {
			char why[200];

			labels__why(k, json_object_get_string(v), why, sizeof(why));
			return em_set(em, err, "invalid label %s=%s: %s", k,
				      json_object_get_string(v),
				      why[0] ? why : "not a Kubernetes label");
		}
	}
	return 0;
}

int daemon_parse_named_ports(json_object *args, struct named_ports *np, struct errmsg *em)
{
	json_object *arr;

	memset(np, 0, sizeof(*np));
	if (!args || !json_object_object_get_ex(args, KEY_NAMED_PORTS, &arr) || !arr)
		return 0;
	if (!json_object_is_type(arr, json_type_array))
		return em_set(em, -EINVAL, "named_ports must be a list of NAME=PORT[/PROTO]");
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *v = json_object_array_get_idx(arr, i);
		const char *s = json_object_get_string(v);
		int err;

		if (!json_object_is_type(v, json_type_string))
			return em_set(em, -EINVAL, "named_ports[%zu] must be a string", i);
		err = named_ports__add(np, s);
		if (err == -EEXIST)
			return em_set(em, err, "named port %.40s: name given twice", s);
		if (err == -E2BIG)
			return em_set(em, err, "more than %d named ports", NAMED_PORTS_MAX);
		if (err)
			return em_set(
			    em, err,
			    "invalid named port '%.40s' (want NAME=PORT[/tcp|udp|sctp], "
			    "NAME 1-15 of a-z 0-9 '-' with a letter, no leading, trailing "
			    "or double '-', PORT 1-65535)",
			    s);
	}
	return 0;
}

static json_object *do_snic_add(struct daemon *d, json_object *args)
{
	struct errmsg em = {};
	struct snic_req req = {};
	struct snic_rec rec;
	int err;

	req.name = daemon_arg_str(args, KEY_NAME);
	req.netns = daemon_arg_str(args, KEY_NETNS);
	req.ifname = daemon_arg_str(args, KEY_IFNAME);
	req.ip = daemon_arg_str(args, KEY_IP);
	req.ip6 = daemon_arg_str(args, KEY_IP6);
	req.owner = daemon_arg_str(args, KEY_OWNER);
	{
		json_object *r;

		req.routed = args && json_object_object_get_ex(args, KEY_ROUTED, &r) &&
			     json_object_get_boolean(r);
		if (args && json_object_object_get_ex(args, KEY_FAMILY, &r))
			req.family = json_object_is_type(r, json_type_int) ? json_object_get_int(r)
									   : -1; /* refused */
	}
	if (!req.ifname)
		req.ifname = "eth0";
	err = daemon_parse_labels(args, &req.labels, &em);
	if (!err)
		err = daemon_parse_named_ports(args, &req.ports, &em);
	if (!err)
		err = node__snic_add(d->node, &req, &rec, &em);
	return daemon_reply(err, &em, err ? NULL : node__snic_json(d->node, &rec));
}

static json_object *do_snic_del(struct daemon *d, json_object *args)
{
	struct errmsg em = {};
	const char *name = daemon_arg_str(args, KEY_NAME);

	return daemon_reply(node__snic_del(d->node, name ? name : "", &em), &em, NULL);
}

static json_object *do_snic_show(struct daemon *d, json_object *args)
{
	struct errmsg em = {};
	struct snic_rec rec;
	const char *name = daemon_arg_str(args, KEY_NAME);
	int err = node__snic_get(d->node, name ? name : "", &rec, &em);

	return daemon_reply(err, &em, err ? NULL : node__snic_json(d->node, &rec));
}

static json_object *do_snic_check(struct daemon *d, json_object *args)
{
	struct errmsg em = {};
	const char *name = daemon_arg_str(args, KEY_NAME);

	return daemon_reply(node__snic_check(d->node, name ? name : "", &em), &em, NULL);
}

static json_object *do_snic_list(struct daemon *d, json_object *args)
{
	json_object *l = node__snic_list_json(d->node);

	return l ? api_ok(l) : api_err(-EIO, "cannot read the store");
}

static json_object *do_reconcile(struct daemon *d, json_object *args)
{
	int err = node__reconcile(d->node);

	return err ? api_err(err, "reconcile failed") : api_ok(NULL);
}

static json_object *do_events(struct daemon *d, json_object *args)
{
	return api_ok(node__events_json(d->node));
}

/* A stopping signal arrived (blocked for the signalfd, so pending). */
static bool stop_pending(void *arg)
{
	sigset_t set;

	(void)arg;
	return !sigpending(&set) && (sigismember(&set, SIGTERM) == 1 ||
				     sigismember(&set, SIGINT) == 1 || sigismember(&set, SIGHUP) == 1);
}

/*
 * A large instance takes minutes: a TERM meanwhile stops it between two
 * SNICs (what is left stays recorded) and the daemon exits as asked.
 */
static json_object *do_teardown(struct daemon *d, json_object *args)
{
	struct errmsg em = {};
	int err = node__teardown_until(d->node, stop_pending, NULL, &em);

	d->stop = true;
	if (err == -EINTR) {
		pr_warn("%s\n", em.msg);
		return api_err(err, em.msg);
	}
	d->torn_down = true;
	return err ? api_err(err, em.msg[0] ? em.msg : "teardown incomplete") : api_ok(NULL);
}

static const struct {
	const char *cmd;
	json_object *(*fn)(struct daemon *d, json_object *args);
} commands[] = {
    {"status", do_status},
    {"snic.add", do_snic_add},
    {"snic.del", do_snic_del},
    {"snic.show", do_snic_show},
    {"snic.list", do_snic_list},
    {"snic.check", do_snic_check},
    {"reconcile", do_reconcile},
    {"teardown", do_teardown},
    {"cni.add", do_cni_add},
    {"cni.del", do_cni_del},
    {"cni.check", do_cni_check},
    {"cni.gc", do_cni_gc},
    {"cni.status", do_cni_status},
    {"policy.apply", do_policy_apply},
    {"policy.delete", do_policy_delete},
    {"policy.list", do_policy_list},
    {"policy.show", do_policy_show},
    {"policy.trace", do_policy_trace},
    {"events", do_events},
    {"monitor", do_monitor},
    {"namespace.label", do_namespace_label},
    {"namespace.unlabel", do_namespace_unlabel},
    {"namespace.list", do_namespace_list},
    {"cluster.status", do_cluster_status},
    {"cluster.rotate_key", do_cluster_rotate_key},
    {"uplink.set", do_uplink_set},
    {"uplink.show", do_uplink_show},
    {"uplink.clear", do_uplink_clear},
    {"host.enable", do_host_enable},
    {"host.disable", do_host_disable},
    {"host.show", do_host_show},
    {"publish.add", do_publish_add},
    {"publish.del", do_publish_del},
    {"publish.list", do_publish_list},
};

json_object *daemon_dispatch(struct daemon *d, json_object *req)
{
	json_object *cmd, *args = NULL;
	const char *name;

	if (!json_object_object_get_ex(req, "cmd", &cmd) ||
	    !json_object_is_type(cmd, json_type_string))
		return api_err(-EINVAL, "request without \"cmd\"");
	json_object_object_get_ex(req, "args", &args);
	name = json_object_get_string(cmd);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].cmd, name)) {
			pr_debug("api: %s\n", name);
			return commands[i].fn(d, args);
		}
	return api_err(-EOPNOTSUPP, "unknown command");
}
