// SPDX-License-Identifier: GPL-2.0-only
/*
 * The network configuration on stdin: version, network name, instance and
 * labels, kept by source for hyperiond to merge (lib/identity.h): the
 * administrator's ("labels" of the config), the runtime's namespace
 * (CNI_ARGS K8S_POD_NAMESPACE) and the pod's ("args": a "labels" object or
 * the conventions' "cni": {"labels": [{key, value}]}; "runtimeConfig":
 * {"labels": {...}}; a later one of these wins for a key).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cni/cni.h"
#include "lib/keys.h"

static const char *const supported[] = {"1.0.0", "1.1.0"};

bool cni_version_supported(const char *v)
{
	for (size_t i = 0; i < sizeof(supported) / sizeof(supported[0]); i++)
		if (v && !strcmp(v, supported[i]))
			return true;
	return false;
}

/* Reads all of stdin (at most CNI_MAX_STDIN bytes) into a NUL-terminated buffer. */
static int slurp_stdin(char **out, size_t *outlen, struct cni_error *e)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap), *nb;
	ssize_t n;

	if (!buf)
		return cni_fail(e, -ENOMEM, CNI_ERR_IO, "out of memory", "reading stdin");
	for (;;) {
		if (len + 1 >= cap) {
			if (cap >= CNI_MAX_STDIN) {
				free(buf);
				return cni_fail(e, -EMSGSIZE, CNI_ERR_IO,
						"network config too large",
						"more than %d bytes on stdin", CNI_MAX_STDIN);
			}
			nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				return cni_fail(e, -ENOMEM, CNI_ERR_IO, "out of memory",
						"reading stdin");
			}
			buf = nb;
			cap *= 2;
		}
		n = read(STDIN_FILENO, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = -errno;

			free(buf);
			return cni_fail(e, err, CNI_ERR_IO, "cannot read the network config",
					"stdin: %s", strerror(-err));
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	return 0;
}

int cni_read_stdin(json_object **out, struct cni_error *e)
{
	json_tokener *tok;
	size_t len = 0, end;
	char *buf = NULL;
	int err;

	*out = NULL;
	err = slurp_stdin(&buf, &len, e);
	if (err)
		return err;
	tok = json_tokener_new();
	*out = tok ? json_tokener_parse_ex(tok, buf, (int)len) : NULL;
	/* anything but whitespace after the object is garbage */
	end = tok ? json_tokener_get_parse_end(tok) : 0;
	while (*out && end < len && isspace((unsigned char)buf[end]))
		end++;
	if (!*out || end < len || !json_object_is_type(*out, json_type_object)) {
		json_object_put(*out);
		*out = NULL;
		err = cni_fail(e, -EBADMSG, CNI_ERR_DECODE, "cannot decode the network config",
			       "stdin is not a JSON object");
	}
	if (tok)
		json_tokener_free(tok);
	free(buf);
	return err;
}

static json_object *member(json_object *o, const char *key, json_type type)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, type))
		return NULL;
	return v;
}

static bool has(json_object *o, const char *key)
{
	return o && json_object_object_get_ex(o, key, NULL);
}

/* Copies an object of string values into labels. */
static int merge_object(json_object *labels, json_object *src, const char *where,
			struct cni_error *e)
{
	json_object_object_foreach(src, k, v)
	{
		if (!json_object_is_type(v, json_type_string))
			return cni_fail(e, -EINVAL, CNI_ERR_LABEL, "invalid label",
					"%s: label %s: value must be a string", where, k);
		json_object_object_add(labels, k, json_object_get(v));
	}
	return 0;
}

/* CONVENTIONS.md form: "args": {"cni": {"labels": [{"key": K, "value": V}]}} */
static int merge_kv_list(json_object *labels, json_object *arr, struct cni_error *e)
{
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *it = json_object_array_get_idx(arr, i);
		json_object *k = member(it, "key", json_type_string);
		json_object *v = member(it, "value", json_type_string);

		if (!k || !v)
			return cni_fail(e, -EINVAL, CNI_ERR_LABEL, "invalid label",
					"args.cni.labels[%zu]: want {\"key\": string, \"value\": "
					"string}",
					i);
		json_object_object_add(labels, json_object_get_string(k), json_object_get(v));
	}
	return 0;
}

/*
 * The pod's named ports, as Kubernetes' containerPorts: "args": {"ports":
 * [...]} or {"cni": {"ports": [...]}}, each {"name": N, "containerPort":
 * P, "protocol": "TCP"|"UDP"|"SCTP" (default TCP)}; entries without a
 * name declare nothing. Sent as "N=P/proto"; hyperiond validates them.
 */
static int merge_ports(json_object *out, json_object *arr, const char *where, struct cni_error *e)
{
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *it = json_object_array_get_idx(arr, i);
		json_object *n = member(it, "name", json_type_string);
		json_object *p = member(it, "containerPort", json_type_int);
		json_object *pr = member(it, "protocol", json_type_string);
		const char *proto = pr ? json_object_get_string(pr) : "TCP";
		char buf[64], lc[8] = "";

		if (!json_object_is_type(it, json_type_object) || !p ||
		    (has(it, "protocol") && !pr) || (has(it, "name") && !n))
			return cni_fail(e, -EINVAL, CNI_ERR_INVALID_CONFIG, "invalid port",
					"%s[%zu]: want {\"name\": string, \"containerPort\": "
					"number, \"protocol\": \"TCP\"|\"UDP\"|\"SCTP\"}",
					where, i);
		if (!n)
			continue;
		for (size_t j = 0; j + 1 < sizeof(lc) && proto[j]; j++) {
			lc[j] =
			    (char)(proto[j] >= 'A' && proto[j] <= 'Z' ? proto[j] + 32 : proto[j]);
			lc[j + 1] = '\0';
		}
		snprintf(buf, sizeof(buf), "%.40s=%lld/%s", json_object_get_string(n),
			 (long long)json_object_get_int64(p), lc);
		json_object_array_add(out, json_object_new_string(buf));
	}
	return 0;
}

static int load_ports(struct cni_conf *c, struct cni_error *e)
{
	json_object *args = member(c->root, "args", json_type_object);
	json_object *cni = member(args, "cni", json_type_object);
	json_object *o;
	int err;

	c->named_ports = json_object_new_array();
	if ((o = member(args, "ports", json_type_array)) &&
	    (err = merge_ports(c->named_ports, o, "args.ports", e)))
		return err;
	if ((o = member(cni, "ports", json_type_array)) &&
	    (err = merge_ports(c->named_ports, o, "args.cni.ports", e)))
		return err;
	return 0;
}

static int load_labels(struct cni_conf *c, const struct cni_env *env, struct cni_error *e)
{
	json_object *args = member(c->root, "args", json_type_object);
	json_object *rc = member(c->root, "runtimeConfig", json_type_object);
	json_object *o, *cni;
	int err;

	c->labels = json_object_new_object();
	c->pod_labels = json_object_new_object();
	if (has(c->root, "labels")) {
		o = member(c->root, "labels", json_type_object);
		if (!o)
			return cni_fail(e, -EINVAL, CNI_ERR_INVALID_CONFIG,
					"invalid network config",
					"\"labels\" must be an object of strings");
		if ((err = merge_object(c->labels, o, "labels", e)))
			return err;
	}
	if ((err = cni_args_namespace(env->args, &c->ns, e)))
		return err;
	if ((o = member(args, "labels", json_type_object)) &&
	    (err = merge_object(c->pod_labels, o, "args.labels", e)))
		return err;
	cni = member(args, "cni", json_type_object);
	if ((o = member(cni, "labels", json_type_array)) &&
	    (err = merge_kv_list(c->pod_labels, o, e)))
		return err;
	if ((o = member(rc, "labels", json_type_object)) &&
	    (err = merge_object(c->pod_labels, o, "runtimeConfig.labels", e)))
		return err;
	return 0;
}

static int load_version(struct cni_conf *c, struct cni_error *e)
{
	json_object *v = member(c->root, "cniVersion", json_type_string);
	const char *s = v ? json_object_get_string(v) : "";

	/* errors are written in the caller's version when it is one at all */
	if (*s && strlen(s) < sizeof(c->version) && strspn(s, "0123456789.") == strlen(s))
		snprintf(c->version, sizeof(c->version), "%s", s);
	if (!cni_version_supported(s))
		return cni_fail(e, -EPROTONOSUPPORT, CNI_ERR_INCOMPATIBLE,
				"incompatible CNI version",
				"config cniVersion '%s'; the plugin supports 1.0.0 and 1.1.0", s);
	return 0;
}

/*
 * Fields that would make the reader believe something happens that does
 * not: hyperiond allocates the addresses and nothing is masqueraded.
 */
static int unsupported_fields(json_object *root, struct cni_error *e)
{
	json_object *v;
	char msg[128];

	if (json_object_object_get_ex(root, "ipam", &v) && v &&
	    !(json_object_is_type(v, json_type_object) && !json_object_object_length(v))) {
		snprintf(msg, sizeof(msg), "unsupported field: ipam=%s",
			 json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
		return cni_fail(e, -EINVAL, CNI_ERR_UNSUPPORTED_FIELD, msg,
				"hyperiond allocates addresses from the instance's pool; remove "
				"\"ipam\"");
	}
	if (json_object_object_get_ex(root, "ipMasq", &v) && json_object_get_boolean(v))
		return cni_fail(e, -EINVAL, CNI_ERR_UNSUPPORTED_FIELD,
				"unsupported field: ipMasq=true",
				"the secure bridge does not masquerade; remove \"ipMasq\"");
	return 0;
}

/* "protocol" of a port mapping, lower-cased into lc; "tcp" when absent. */
static bool mapping_proto(json_object *it, char *lc, size_t len)
{
	json_object *pr = member(it, "protocol", json_type_string);
	const char *s = pr ? json_object_get_string(pr) : "tcp";

	if (has(it, "protocol") && !pr)
		return false;
	if (!*s)
		s = "tcp";
	for (size_t j = 0; j + 1 < len; j++) {
		lc[j] = (char)(s[j] >= 'A' && s[j] <= 'Z' ? s[j] + 32 : s[j]);
		lc[j + 1] = '\0';
		if (!s[j])
			break;
	}
	return !strcmp(lc, "tcp") || !strcmp(lc, "udp");
}

/*
 * The portMappings capability: "runtimeConfig": {"portMappings": [{"hostPort":
 * H, "containerPort": C, "protocol": "tcp"|"udp", "hostIP": IP}]}. Sent to
 * hyperiond as [{"mapping": "H:C/proto", "host_ip": IP}]: it publishes them
 * on the uplink address with the attachment, or refuses the ADD.
 */
static int load_port_mappings(struct cni_conf *c, struct cni_error *e)
{
	json_object *rc = member(c->root, "runtimeConfig", json_type_object);
	json_object *arr = member(rc, "portMappings", json_type_array);

	c->port_mappings = json_object_new_array();
	if (rc && has(rc, "portMappings") && !arr)
		return cni_fail(e, -EINVAL, CNI_ERR_INVALID_CONFIG, "invalid port mapping",
				"runtimeConfig.portMappings must be a list");
	for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
		json_object *it = json_object_array_get_idx(arr, i), *o;
		json_object *h = member(it, "hostPort", json_type_int);
		json_object *p = member(it, "containerPort", json_type_int);
		json_object *ip = member(it, "hostIP", json_type_string);
		char lc[8], buf[48];

		if (!h || !p || (has(it, "hostIP") && !ip))
			return cni_fail(e, -EINVAL, CNI_ERR_INVALID_CONFIG, "invalid port mapping",
					"runtimeConfig.portMappings[%zu]: want {\"hostPort\": "
					"number, \"containerPort\": number, \"protocol\": "
					"\"tcp\"|\"udp\", \"hostIP\": string}",
					i);
		if (!mapping_proto(it, lc, sizeof(lc)))
			return cni_fail(e, -EINVAL, CNI_ERR_INVALID_CONFIG, "invalid port mapping",
					"runtimeConfig.portMappings[%zu]: protocol '%s': hyperion "
					"publishes tcp and udp",
					i, lc);
		snprintf(buf, sizeof(buf), "%lld:%lld/%s", (long long)json_object_get_int64(h),
			 (long long)json_object_get_int64(p), lc);
		o = json_object_new_object();
		json_object_object_add(o, KEY_MAPPING, json_object_new_string(buf));
		if (ip)
			json_object_object_add(o, KEY_HOST_IP, json_object_get(ip));
		json_object_array_add(c->port_mappings, o);
	}
	return 0;
}

/*
 * "ipFamily": the addresses this network gives a container: "ipv4",
 * "ipv6" or "dual"; absent, every family the instance has. hyperiond
 * refuses a family the instance has no pool for.
 */
static int load_family(struct cni_conf *c, struct cni_error *e)
{
	static const struct {
		const char *name;
		int family;
	} names[] = {{"ipv4", 4}, {"ipv6", 6}, {"dual", CNI_FAMILY_DUAL}};
	json_object *v = NULL;
	const char *s;

	if (!json_object_object_get_ex(c->root, "ipFamily", &v))
		return 0;
	s = json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i].name)) {
			c->family = names[i].family;
			return 0;
		}
	return cni_fail(e, -EINVAL, CNI_ERR_INVALID_CONFIG, "invalid network config",
			"ipFamily %s: want \"ipv4\", \"ipv6\" or \"dual\"",
			json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
}

int cni_conf_load(struct cni_conf *c, json_object *root, const struct cni_env *env,
		  struct cni_error *e)
{
	json_object *v;
	const char *inst = HYP_DEFAULT_INSTANCE;
	int err;

	memset(c, 0, sizeof(*c));
	c->root = root;
	snprintf(c->version, sizeof(c->version), "%s", CNI_LATEST_VERSION);
	err = load_version(c, e);
	if (err)
		return err;
	v = member(root, "name", json_type_string);
	c->network = v ? json_object_get_string(v) : NULL;
	if (cni_validate_network(c->network))
		return cni_fail(e, -EINVAL, CNI_ERR_INVALID_CONFIG, "invalid network config",
				"network name '%s': want 1-%d of a-z A-Z 0-9 _ . -, starting "
				"alphanumeric",
				c->network ? c->network : "", CNI_NETWORK_MAX);
	if (has(root, "instance")) {
		v = member(root, "instance", json_type_string);
		inst = v ? json_object_get_string(v) : "";
	}
	if (strlen(inst) >= sizeof(c->instance) || hyp_paths_init(inst, &c->paths))
		return cni_fail(e, -EINVAL, CNI_ERR_INVALID_CONFIG, "invalid network config",
				"instance '%s': want 1-24 of a-z 0-9 -", inst);
	snprintf(c->instance, sizeof(c->instance), "%s", inst);
	err = unsupported_fields(root, e);
	if (err)
		return err;
	if (has(root, "prevResult")) {
		c->prev = member(root, "prevResult", json_type_object);
		if (!c->prev)
			return cni_fail(e, -EINVAL, CNI_ERR_INVALID_CONFIG,
					"invalid network config", "prevResult must be an object");
	}
	err = load_family(c, e);
	if (!err)
		err = load_labels(c, env, e);
	if (!err)
		err = load_ports(c, e);
	return err ? err : load_port_mappings(c, e);
}

void cni_conf_free(struct cni_conf *c)
{
	json_object_put(c->labels);
	json_object_put(c->pod_labels);
	json_object_put(c->named_ports);
	json_object_put(c->port_mappings);
	json_object_put(c->root);
	free(c->ns);
	c->labels = c->pod_labels = c->root = c->named_ports = c->port_mappings = NULL;
	c->ns = NULL;
}
