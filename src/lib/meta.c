// SPDX-License-Identifier: GPL-2.0-only
/*
 * Document toolkit: apiVersion, kind and metadata of a document
 * (lib/meta.h), validated strictly and written back as canonical JSON.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/labels.h"
#include "lib/meta.h"
#include "lib/yaml.h"

/* ---- names ---- */

static bool dns_part(const char *s, size_t n)
{
	if (!n || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(s[i] >= 'a' && s[i] <= 'z') && !(s[i] >= '0' && s[i] <= '9') && s[i] != '-')
			return false;
	return true;
}

bool vc_dns_label(const char *s)
{
	return strlen(s) <= 63 && dns_part(s, strlen(s));
}

bool vc_dns_subdomain(const char *s)
{
	const char *dot;

	if (strlen(s) > 253)
		return false;
	for (;; s = dot + 1) {
		dot = strchr(s, '.');
		if (!dns_part(s, dot ? (size_t)(dot - s) : strlen(s)))
			return false;
		if (!dot)
			return true;
	}
}

/* ---- header ---- */

/* metadata.name of a document if it is valid, for messages; else NULL. */
static const char *peek_name(json_object *root)
{
	json_object *name = vc_field(vc_field(root, "metadata"), "name");
	const char *s = json_object_get_string(name);

	return json_object_is_type(name, json_type_string) && vc_dns_subdomain(s) ? s : NULL;
}

int doc_header(struct vctx *c, json_object *root, const struct doc_kind *k)
{
	static const char *const fields[] = {"apiVersion", "kind", "metadata", "spec", NULL};
	int err;

	err = vc_want_map(c, root, 0, k->what);
	if (err)
		return err;
	c->name = peek_name(root);
	err = vc_const(c, root, "apiVersion", k->api_version);
	if (!err)
		err = vc_const(c, root, "kind", k->kind);
	return err ? err : vc_fields(c, root, fields);
}

/* ---- metadata ---- */

static int meta_name(struct vctx *c, json_object *md, const char **name)
{
	json_object *v = vc_field(md, "name");
	int line = yj_key_line(md, "name");
	const char *s = json_object_get_string(v);

	if (vc_not_null(c, md, "name"))
		return -EINVAL;
	if (!v)
		return vc_err(c, line, "metadata.name is required");
	if (!json_object_is_type(v, json_type_string))
		return vc_err(c, line, "metadata.name must be a string");
	if (!vc_dns_subdomain(s))
		return vc_err(c, line,
			      "metadata.name \"%.80s\" is not a DNS-1123 subdomain (lower-case "
			      "[a-z0-9-] parts separated by dots, at most 253)",
			      s);
	*name = vc_strdup(c, s);
	c->name = *name;
	return *name ? 0 : -ENOMEM;
}

static int meta_namespace(struct vctx *c, json_object *md, const char **ns)
{
	json_object *v = vc_field(md, "namespace");
	int line = yj_key_line(md, "namespace");
	const char *s = json_object_get_string(v);

	if (vc_not_null(c, md, "namespace"))
		return -EINVAL;
	/* Kubernetes: null or "" is the client's namespace, for hyperctl "default" */
	if (!v || (c->k8s_null && json_object_is_type(v, json_type_string) && !*s)) {
		*ns = DOC_DEFAULT_NAMESPACE;
		return 0;
	}
	if (!json_object_is_type(v, json_type_string))
		return vc_err(c, line, "metadata.namespace must be a string");
	if (!vc_dns_label(s))
		return vc_err(c, line,
			      "metadata.namespace \"%.80s\" is not a DNS-1123 label (at most 63 of "
			      "[a-z0-9-], alphanumeric at both ends)",
			      s);
	*ns = vc_strdup(c, s);
	return *ns ? 0 : -ENOMEM;
}

/* metadata.labels (label syntax) or metadata.annotations (any string value). */
static int meta_kv(struct vctx *c, json_object *md, const char *key, bool labels,
		   struct doc_kv **out, size_t *n)
{
	json_object *map = vc_field(md, key);
	char what[32];
	size_t i = 0;

	snprintf(what, sizeof(what), "metadata.%s", key);
	if (!map)
		return 0;
	if (vc_want_map(c, map, yj_key_line(md, key), what))
		return -EINVAL;
	*out = vc_alloc(c, (size_t)json_object_object_length(map) * sizeof(**out));
	if (!*out)
		return -ENOMEM;
	json_object_object_foreach(map, k, v)
	{
		int line = yj_key_line(map, k);
		const char *s = v || !c->k8s_null ? json_object_get_string(v) : "";

		if (label_validate_key(k))
			return vc_err(c, line, "%s key \"%.80s\" is not a valid key", what, k);
		if (!json_object_is_type(v, json_type_string) && !(c->k8s_null && !v))
			return vc_err(c, line, "%s value of \"%.80s\" must be a string (quote it)",
				      what, k);
		if (labels && label_validate_value(s))
			return vc_err(c, line, "%s value \"%.80s\" is not a valid label value",
				      what, s);
		(*out)[i].key = vc_strdup(c, k);
		(*out)[i].val = vc_strdup(c, s);
		if (!(*out)[i].key || !(*out)[i].val)
			return -ENOMEM;
		*n = ++i;
	}
	return 0;
}

int doc_metadata(struct vctx *c, json_object *root, const struct doc_kind *k, struct doc_meta *m)
{
	json_object *md = vc_field(root, "metadata");
	int err;

	if (!vc_has(root, "metadata"))
		return vc_err(c, yj_line(root), "metadata is required (with a name)");
	err = vc_want_fields(c, md, yj_key_line(root, "metadata"), "metadata", k->meta_fields);
	if (!err)
		err = meta_name(c, md, &m->name);
	if (!err)
		err = meta_namespace(c, md, &m->ns);
	/* vc_fields refused these where the kind has none */
	if (!err)
		err = meta_kv(c, md, "labels", true, &m->labels, &m->n_labels);
	if (!err)
		err = meta_kv(c, md, "annotations", false, &m->annotations, &m->n_annotations);
	return err;
}

/* ---- canonical JSON ---- */

static json_object *kv_json(struct jbuild *b, const struct doc_kv *kv, size_t n)
{
	json_object *o = jb_obj(b);

	for (size_t i = 0; i < n; i++)
		jb_set(b, o, kv[i].key, jb_str(b, kv[i].val));
	return o;
}

json_object *doc_meta_json(struct jbuild *b, const struct doc_kind *k, const struct doc_meta *m)
{
	json_object *o = jb_obj(b), *md = jb_obj(b);

	jb_set(b, o, "apiVersion", jb_str(b, k->api_version));
	jb_set(b, o, "kind", jb_str(b, k->kind));
	jb_set(b, md, "name", jb_str(b, m->name));
	jb_set(b, md, "namespace", jb_str(b, m->ns));
	if (m->n_labels)
		jb_set(b, md, "labels", kv_json(b, m->labels, m->n_labels));
	if (m->n_annotations)
		jb_set(b, md, "annotations", kv_json(b, m->annotations, m->n_annotations));
	jb_set(b, o, "metadata", md);
	return o;
}
