// SPDX-License-Identifier: GPL-2.0-only
/* What the plugin writes on stdout: results, version info, errors. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cni/cni.h"

static const char *str_of(json_object *o, const char *key)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* The array o[key], created when absent. */
static json_object *array_of(json_object *o, const char *key)
{
	json_object *a;

	if (json_object_object_get_ex(o, key, &a) && json_object_is_type(a, json_type_array))
		return a;
	a = json_object_new_array();
	json_object_object_add(o, key, a);
	return a;
}

static json_object *obj(const char *k1, json_object *v1, const char *k2, json_object *v2,
			const char *k3, json_object *v3)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, k1, v1);
	if (k2)
		json_object_object_add(o, k2, v2);
	if (k3)
		json_object_object_add(o, k3, v3);
	return o;
}

/* One family's address (on interface idx, with its gateway) and default route. */
static void add_family(json_object *r, const char *ip, const char *gw, const char *dst, size_t idx)
{
	json_object_array_add(array_of(r, "ips"), obj("address", json_object_new_string(ip),
						      "gateway", json_object_new_string(gw),
						      "interface", json_object_new_int((int)idx)));
	json_object_array_add(array_of(r, "routes"), obj("dst", json_object_new_string(dst), "gw",
							 json_object_new_string(gw), NULL, NULL));
}

/*
 * The ADD result: prevResult (if a plugin ran before) with this
 * attachment's interface, address and default route appended.
 */
json_object *cni_result_add(const struct cni_conf *c, const struct cni_env *env, json_object *snic,
			    struct cni_error *e)
{
	const char *ip = str_of(snic, "ip"), *gw = str_of(snic, "gateway");
	const char *mac = str_of(snic, "mac"), *ip6 = str_of(snic, "ip6");
	const char *gw6 = str_of(snic, "gateway6");
	json_object *r = NULL, *ifs;
	size_t idx;

	/* IPv6-only (no ip): an ip6 and gateway6 */
	if (!mac || (ip ? !gw : !(ip6 && gw6))) {
		cni_fail(e, -EBADMSG, CNI_ERR_PROTOCOL, "bad reply from hyperiond",
			 "the SNIC has no mac, or no address with its gateway");
		return NULL;
	}
	if (c->prev && json_object_deep_copy(c->prev, &r, NULL))
		r = NULL;
	if (!r)
		r = json_object_new_object();
	json_object_object_add(r, "cniVersion", json_object_new_string(c->version));
	ifs = array_of(r, "interfaces");
	idx = json_object_array_length(ifs);
	json_object_array_add(ifs, obj("name", json_object_new_string(env->ifname), "mac",
				       json_object_new_string(mac), "sandbox",
				       json_object_new_string(env->netns)));
	if (ip)
		add_family(r, ip, gw, "0.0.0.0/0", idx);
	/* dual stack or IPv6-only: the IPv6 address with its gateway and default route */
	if (ip6 && gw6)
		add_family(r, ip6, gw6, "::/0", idx);
	if (!json_object_object_get_ex(r, "dns", NULL))
		json_object_object_add(r, "dns", json_object_new_object());
	return r;
}

static int find_interface(json_object *prev, const struct cni_env *env)
{
	json_object *ifs;

	if (!json_object_object_get_ex(prev, "interfaces", &ifs) ||
	    !json_object_is_type(ifs, json_type_array))
		return -1;
	for (size_t i = 0; i < json_object_array_length(ifs); i++) {
		json_object *it = json_object_array_get_idx(ifs, i);
		const char *name = str_of(it, "name"), *sb = str_of(it, "sandbox");

		if (name && !strcmp(name, env->ifname) && sb && !strcmp(sb, env->netns))
			return (int)i;
	}
	return -1;
}

static bool has_address(json_object *prev, int idx, const char *ip)
{
	json_object *ips, *v;

	if (!json_object_object_get_ex(prev, "ips", &ips) ||
	    !json_object_is_type(ips, json_type_array))
		return false;
	for (size_t i = 0; i < json_object_array_length(ips); i++) {
		json_object *it = json_object_array_get_idx(ips, i);
		const char *a = str_of(it, "address");

		if (!a || strcmp(a, ip))
			continue;
		if (!json_object_object_get_ex(it, "interface", &v) ||
		    json_object_get_int(v) == idx)
			return true;
	}
	return false;
}

/* CHECK: the prevResult must describe what hyperiond holds. */
int cni_result_match(const struct cni_conf *c, const struct cni_env *env, json_object *snic,
		     struct cni_error *e)
{
	const char *ip = str_of(snic, "ip"), *mac = str_of(snic, "mac"), *pmac;
	const char *ip6 = str_of(snic, "ip6");
	int idx;

	if (!c->prev)
		return 0;
	idx = find_interface(c->prev, env);
	if (idx < 0)
		return cni_fail(e, -ENOENT, CNI_ERR_CHECK, "attachment differs from prevResult",
				"prevResult has no interface %s in %s", env->ifname, env->netns);
	pmac = str_of(
	    json_object_array_get_idx(json_object_object_get(c->prev, "interfaces"), (size_t)idx),
	    "mac");
	if (pmac && mac && strcasecmp(pmac, mac))
		return cni_fail(e, -ESTALE, CNI_ERR_CHECK, "attachment differs from prevResult",
				"%s: prevResult has MAC %s, hyperiond %s", env->ifname, pmac, mac);
	if ((!ip && !ip6) || (ip && !has_address(c->prev, idx, ip)))
		return cni_fail(e, -ESTALE, CNI_ERR_CHECK, "attachment differs from prevResult",
				"%s: prevResult lacks address %s", env->ifname, ip ? ip : "?");
	if (ip6 && !has_address(c->prev, idx, ip6))
		return cni_fail(e, -ESTALE, CNI_ERR_CHECK, "attachment differs from prevResult",
				"%s: prevResult lacks address %s", env->ifname, ip6);
	return 0;
}

json_object *cni_version_info(const char *version)
{
	json_object *o = json_object_new_object(), *v = json_object_new_array();

	json_object_object_add(o, "cniVersion", json_object_new_string(version));
	json_object_array_add(v, json_object_new_string("1.0.0"));
	json_object_array_add(v, json_object_new_string("1.1.0"));
	json_object_object_add(o, "supportedVersions", v);
	return o;
}

json_object *cni_error_json(const char *version, const struct cni_error *e)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "cniVersion", json_object_new_string(version));
	json_object_object_add(o, "code", json_object_new_int(e->code ? e->code : CNI_ERR_DAEMON));
	json_object_object_add(o, "msg", json_object_new_string(e->msg[0] ? e->msg : "failed"));
	json_object_object_add(o, "details", json_object_new_string(e->details));
	return o;
}

void cni_print(json_object *o)
{
	fputs(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						    JSON_C_TO_STRING_NOSLASHESCAPE),
	      stdout);
	fputc('\n', stdout);
	fflush(stdout);
}
