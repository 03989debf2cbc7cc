// SPDX-License-Identifier: GPL-2.0-only
/*
 * Document toolkit: ports entries and protocols (lib/ports.h). Named
 * ports are taken by the dialects that say so (named_ports), refused by
 * the others.
 */
#include <errno.h>
#include <string.h>

#include "lib/named_ports.h"
#include "lib/ports.h"
#include "lib/yaml.h"

static int parse_protocol(struct vctx *c, const struct port_dialect *d, json_object *o,
			  struct doc_port *out)
{
	json_object *v = vc_field(o, "protocol");
	const char *s = json_object_get_string(v);

	out->proto = d->protos[0].num; /* TCP, as Kubernetes defaults it */
	if (!vc_has(o, "protocol") || (!v && d->null_protocol))
		return 0;
	for (size_t i = 0; i < d->n_protos && json_object_is_type(v, json_type_string); i++) {
		if (!strcmp(s, d->protos[i].name)) {
			out->proto = d->protos[i].num;
			return 0;
		}
	}
	return vc_err(c, yj_key_line(o, "protocol"), "protocol \"%.40s\" is not %s", v ? s : "null",
		      d->protos_text);
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* A port given as a string s. */
static int quoted_port(struct vctx *c, const struct port_dialect *d, int line, const char *key,
		       const char *s, const char **name)
{
	if (d->named_ports && !strcmp(key, "port") && !all_digits(s)) {
		if (!named_port_name_valid(s))
			return vc_err(c, line,
				      "port \"%.80s\" is not a port number or a port name "
				      "(1-15 of a-z 0-9 and '-', at least one letter, no leading, "
				      "trailing or double '-')",
				      s);
		*name = vc_strdup(c, s);
		return *name ? 0 : -ENOMEM;
	}
	if (!d->k8s_messages)
		return vc_err(c, line,
			      "%s \"%.20s\" is a string: write the port number, without quotes "
			      "(named ports are not supported)",
			      key, s);
	if (all_digits(s))
		return vc_err(c, line,
			      "%s \"%.20s\" must be a number from 1 to 65535, without quotes", key,
			      s);
	return vc_err(c, line,
		      "named port \"%.80s\" is not supported: Hyperion has no container port "
		      "names, use the port number",
		      s);
}

static int port_number(struct vctx *c, const struct port_dialect *d, json_object *o,
		       const char *key, uint16_t *out, const char **name)
{
	json_object *v = vc_field(o, key);
	int line = yj_key_line(o, key);
	int64_t n;

	*out = 0;
	if (d->k8s_messages && vc_not_null(c, o, key))
		return -EINVAL;
	if (!vc_given(c, o, key))
		return 0; /* absent, or null read as absent (k8s_null) */
	if (json_object_is_type(v, json_type_string))
		return quoted_port(c, d, line, key, json_object_get_string(v), name);
	if (!json_object_is_type(v, json_type_int))
		return vc_err(c, line, "%s must be a number from 1 to 65535", key);
	n = json_object_get_int64(v);
	if (n < 1 || n > 65535)
		return vc_err(c, line, "%s %lld is out of range (1-65535)", key, (long long)n);
	*out = (uint16_t)n;
	return 0;
}

static const char *proto_name(const struct port_dialect *d, uint8_t num)
{
	for (size_t i = 0; i < d->n_protos; i++)
		if (d->protos[i].num == num)
			return d->protos[i].name;
	return d->protos[0].name;
}

static int parse_port(struct vctx *c, json_object *o, int line, void *item, const void *arg)
{
	static const char *const fields[] = {"protocol", "port", "endPort", NULL};
	const struct port_dialect *d = arg;
	struct doc_port *out = item;
	int err;

	if (!o && c->k8s_null) {
		/* Kubernetes decodes a null entry as {}: the default protocol, every port */
		out->proto = d->protos[0].num;
		vc_warn(c, line, "a ports entry is empty (null): it allows every %s port, as {}",
			d->protos[0].name);
		return 0;
	}
	err = vc_want_fields(c, o, line, "a ports entry", fields);
	if (!err)
		err = parse_protocol(c, d, o, out);
	if (!err)
		err = port_number(c, d, o, "port", &out->port, &out->name);
	if (!err)
		err = port_number(c, d, o, "endPort", &out->end_port, NULL);
	if (err)
		return err;
	if (vc_is_null(o, "port") && c->k8s_null && !out->end_port)
		vc_warn(c, yj_key_line(o, "port"),
			"port is empty (null): the entry allows every %s port, as if port were "
			"left out",
			proto_name(d, out->proto));
	if (out->end_port && out->name)
		return vc_err(c, yj_key_line(o, "endPort"),
			      "endPort needs a port number, not the named port \"%s\"", out->name);
	if (out->end_port && !out->port)
		return vc_err(c, yj_key_line(o, "endPort"), "endPort needs port");
	if (out->end_port && out->end_port < out->port)
		return vc_err(c, yj_key_line(o, "endPort"), "endPort %u is below port %u",
			      out->end_port, out->port);
	return 0;
}

int ports_parse(struct vctx *c, const struct port_dialect *d, json_object *map,
		struct doc_port **ports, size_t *n)
{
	const struct vc_list l = {
	    .key = "ports",
	    .size = sizeof(**ports),
	    .null_empty = d->null_list,
	    .one = parse_port,
	    .arg = d,
	};

	return vc_list(c, map, &l, (void **)ports, n);
}

json_object *ports_json(struct jbuild *b, const struct port_dialect *d, const struct doc_port *p,
			size_t n)
{
	json_object *l = jb_arr(b), *o;

	for (size_t i = 0; i < n; i++) {
		o = jb_obj(b);
		jb_set(b, o, "protocol", jb_str(b, proto_name(d, p[i].proto)));
		if (p[i].name)
			jb_set(b, o, "port", jb_str(b, p[i].name));
		else if (p[i].port)
			jb_set(b, o, "port", jb_int(b, p[i].port));
		if (p[i].end_port)
			jb_set(b, o, "endPort", jb_int(b, p[i].end_port));
		jb_push(b, l, o);
	}
	return l;
}
