// SPDX-License-Identifier: GPL-2.0-only
/*
 * API commands of the hyperion CNI plugin: each parses its arguments,
 * calls the node (core/node_cni.c, where the attachment logic lives) and
 * formats the reply. Failed replies carry "cni_code", the CNI error code
 * the plugin reports.
 *   cni.add    {network, containerid, ifname, netns, labels,  -> SNIC
 *               namespace, pod_labels, publish}: labels by source
 *               (lib/identity.h); publish: port mappings [{mapping, host_ip}]
 *   cni.del    {network, containerid, ifname}                 idempotent
 *   cni.check  {network, containerid, ifname, netns}          -> SNIC
 *   cni.gc     {network, valid: [{containerid, ifname}...]}    -> {removed}
 *   cni.status {}                                              -> {ready,...}
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/cni_attach.h"
#include "daemon/daemon.h"
#include "lib/api.h"
#include "lib/keys.h"

static json_object *cni_fail(int err, int code, const struct errmsg *em)
{
	json_object *o = api_err(err ? err : -EIO, em->msg);

	json_object_object_add(o, "cni_code", json_object_new_int(code));
	return o;
}

/* need_netns: a request without one is refused as ADD and CHECK refuse it. */
static int parse_attachment(json_object *args, bool need_netns, struct cni_attachment *a,
			    struct errmsg *em)
{
	int err = cni_attachment_init(
	    a, daemon_arg_str(args, "network"), daemon_arg_str(args, "containerid"),
	    daemon_arg_str(args, "ifname"), daemon_arg_str(args, "netns"), em);

	json_object *f;

	if (!err && need_netns && !a->netns)
		err = em_set(em, -EINVAL, "netns is required");
	if (!err && args && json_object_object_get_ex(args, KEY_FAMILY, &f)) /* ADD only */
		a->family = json_object_is_type(f, json_type_int) ? json_object_get_int(f) : -1;
	return err;
}

/* args.publish: [{mapping, host_ip}], the runtime's port mappings; strings stay args'. */
static int parse_publish(json_object *args, struct cni_publish *pub, struct errmsg *em)
{
	json_object *arr;

	pub->n = 0;
	if (!json_object_object_get_ex(args, KEY_PUBLISH, &arr) || !arr)
		return 0;
	if (!json_object_is_type(arr, json_type_array))
		return em_set(em, -EINVAL, "publish must be a list of {mapping, host_ip}");
	if (json_object_array_length(arr) > CNI_PUBLISH_MAX)
		return em_set(em, -E2BIG, "at most %d port mappings per attachment",
			      CNI_PUBLISH_MAX);
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *v = json_object_array_get_idx(arr, i), *m;

		if (!json_object_object_get_ex(v, KEY_MAPPING, &m) ||
		    !json_object_is_type(m, json_type_string))
			return em_set(em, -EINVAL, "publish[%zu]: mapping must be a string", i);
		pub->m[i].mapping = json_object_get_string(m);
		pub->m[i].host_ip = daemon_arg_str(v, KEY_HOST_IP);
		pub->n++;
	}
	return 0;
}

json_object *do_cni_add(struct daemon *d, json_object *args)
{
	struct errmsg em = {};
	struct cni_attachment a;
	struct labels admin, pod;
	struct named_ports ports;
	struct cni_publish pub;
	struct ident_sources src = {.admin = &admin, .pod = &pod};
	struct snic_rec rec;
	int err, code;

	err = parse_attachment(args, true, &a, &em);
	if (err)
		return cni_fail(-EINVAL, CNI_ERR_INVALID_ENV, &em);
	err = daemon_parse_labels(args, &admin, &em);
	if (!err)
		err = daemon_parse_labels_at(args, KEY_POD_LABELS, &pod, &em);
	if (err)
		return cni_fail(err, CNI_ERR_LABEL, &em);
	err = daemon_parse_named_ports(args, &ports, &em);
	if (!err)
		err = parse_publish(args, &pub, &em);
	if (err)
		return cni_fail(err, CNI_ERR_INVALID_CONFIG, &em);
	src.ns = daemon_arg_str(args, KEY_NAMESPACE);
	err = node__cni_add(d->node, &a, &src, &ports, &pub, &rec, &code, &em);
	if (err)
		return cni_fail(err, code, &em);
	return api_ok(node__snic_json(d->node, &rec));
}

json_object *do_cni_del(struct daemon *d, json_object *args)
{
	struct errmsg em = {};
	struct cni_attachment a;
	struct snic_rec rec;
	bool released;
	json_object *res;
	int err, code;

	err = parse_attachment(args, false, &a, &em);
	if (err)
		return cni_fail(err, CNI_ERR_INVALID_ENV, &em);
	err = node__cni_del(d->node, &a, &rec, &released, &code, &em);
	if (err)
		return cni_fail(err, code, &em);
	res = json_object_new_object();
	json_object_object_add(res, "released", json_object_new_boolean(released));
	if (released)
		json_object_object_add(res, "snic", json_object_new_string(rec.name));
	return api_ok(res);
}

json_object *do_cni_check(struct daemon *d, json_object *args)
{
	struct errmsg em = {};
	struct cni_attachment a;
	struct snic_rec rec;
	int err, code;

	err = parse_attachment(args, true, &a, &em);
	if (err)
		return cni_fail(-EINVAL, CNI_ERR_INVALID_ENV, &em);
	err = node__cni_check(d->node, &a, &rec, &code, &em);
	if (err)
		return cni_fail(err, code, &em);
	return api_ok(node__snic_json(d->node, &rec));
}

/* args.valid: [{containerid, ifname}...]; the strings stay args'. */
static int parse_valid(json_object *args, struct cni_gc_valid **out, size_t *n, struct errmsg *em)
{
	json_object *arr;

	if (!json_object_object_get_ex(args, "valid", &arr) ||
	    !json_object_is_type(arr, json_type_array))
		return em_set(em, -EINVAL, "gc: \"valid\" must be an array");
	*n = json_object_array_length(arr);
	*out = calloc(*n + 1, sizeof(**out));
	if (!*out)
		return em_set(em, -ENOMEM, "gc: no memory");
	for (size_t i = 0; i < *n; i++) {
		json_object *v = json_object_array_get_idx(arr, i);

		(*out)[i].cid = daemon_arg_str(v, "containerid");
		(*out)[i].ifname = daemon_arg_str(v, "ifname");
	}
	return 0;
}

json_object *do_cni_gc(struct daemon *d, json_object *args)
{
	const char *network = daemon_arg_str(args, "network");
	struct cni_gc_valid *valid = NULL;
	struct errmsg em = {};
	int err, code, removed;
	json_object *res;
	size_t n = 0;

	if (cni_validate_network(network)) {
		em_set(&em, -EINVAL, "invalid network name '%s'", network ? network : "");
		return cni_fail(-EINVAL, CNI_ERR_INVALID_CONFIG, &em);
	}
	err = parse_valid(args, &valid, &n, &em);
	if (err)
		return cni_fail(err, CNI_ERR_INVALID_CONFIG, &em);
	err = node__cni_gc(d->node, network, valid, n, &removed, &code, &em);
	free(valid);
	if (err)
		return cni_fail(err, code, &em);
	res = json_object_new_object();
	json_object_object_add(res, "removed", json_object_new_int(removed));
	return api_ok(res);
}

json_object *do_cni_status(struct daemon *d, json_object *args)
{
	json_object *res = json_object_new_object();
	struct cni_status st;

	node__cni_status(d->node, &st);
	json_object_object_add(res, "ready", json_object_new_boolean(st.ready));
	json_object_object_add(res, "addresses_free", json_object_new_int64(st.addresses_free));
	if (st.reason)
		json_object_object_add(res, "reason", json_object_new_string(st.reason));
	return api_ok(res);
}
