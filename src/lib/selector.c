// SPDX-License-Identifier: GPL-2.0-only
/*
 * Document toolkit: Kubernetes label selectors (lib/selector.h): parsing
 * and validation of matchLabels and matchExpressions, evaluation against
 * a label set, canonical JSON.
 */
#include <errno.h>
#include <string.h>

#include "lib/meta.h"
#include "lib/selector.h"
#include "lib/yaml.h"

static const char *const op_names[] = {
    [SEL_IN] = "In",
    [SEL_NOT_IN] = "NotIn",
    [SEL_EXISTS] = "Exists",
    [SEL_DOES_NOT_EXIST] = "DoesNotExist",
};

static int set_values(struct vctx *c, struct sel_req *r, size_t n)
{
	r->n_values = n;
	r->values = n ? vc_alloc(c, n * sizeof(*r->values)) : NULL;
	return n && !r->values ? -ENOMEM : 0;
}

/* A value as Kubernetes decodes it: null is "" there (k8s_null), else NULL for "not a string". */
static const char *value_string(struct vctx *c, json_object *v)
{
	if (!v && c->k8s_null)
		return "";
	return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static int check_value(struct vctx *c, int line, json_object *v, const char *what, const char *key)
{
	const char *s;

	if (!v && c->k8s_null) {
		vc_warn(c, line, "%s of \"%.80s\" is empty (null): it matches the value \"\" only",
			what, key);
		return 0;
	}
	if (!json_object_is_type(v, json_type_string))
		return vc_err(c, line, "%s of \"%.80s\" must be a string (quote it)", what, key);
	s = json_object_get_string(v);
	if (label_validate_value(s))
		return vc_err(c, line,
			      "%s \"%.80s\" of \"%.80s\" is not a valid label value (at most 63 of "
			      "[A-Za-z0-9_.-], alphanumeric at both ends)",
			      what, s, key);
	return 0;
}

static int check_key(struct vctx *c, int line, const char *key, const char *what)
{
	if (label_validate_key(key))
		return vc_err(c, line, "%s \"%.80s\" is not a valid label key", what, key);
	return 0;
}

static int parse_match_label(struct vctx *c, json_object *ml, const char *key, json_object *val,
			     struct sel_req *r)
{
	int line = yj_key_line(ml, key);
	int err;

	err = check_key(c, line, key, "matchLabels key");
	if (!err)
		err = check_value(c, line, val, "matchLabels value", key);
	if (!err)
		err = set_values(c, r, 1);
	if (err)
		return err;
	r->key = vc_strdup(c, key);
	r->values[0] = vc_strdup(c, value_string(c, val));
	r->op = SEL_IN;
	r->match_label = true;
	return r->key && r->values[0] ? 0 : -ENOMEM;
}

static int parse_op(struct vctx *c, json_object *e, struct sel_req *r)
{
	json_object *op = NULL;
	const char *s;

	json_object_object_get_ex(e, "operator", &op);
	if (!json_object_is_type(op, json_type_string))
		return vc_err(c, yj_key_line(e, "operator"),
			      "a matchExpressions entry needs an operator (In, NotIn, Exists or "
			      "DoesNotExist)");
	s = json_object_get_string(op);
	for (size_t i = 0; i < sizeof(op_names) / sizeof(op_names[0]); i++) {
		if (!strcmp(s, op_names[i])) {
			r->op = (enum sel_op)i;
			return 0;
		}
	}
	return vc_err(c, yj_line(op), "operator \"%.40s\" is not In, NotIn, Exists or DoesNotExist",
		      s);
}

static int parse_expr_values(struct vctx *c, json_object *e, struct sel_req *r)
{
	json_object *vals = NULL;
	int line = yj_key_line(e, "values");
	size_t n;
	int err;

	json_object_object_get_ex(e, "values", &vals);
	err = vc_want_list(c, vals, line, "values", &n);
	if (err)
		return err;
	if ((r->op == SEL_IN || r->op == SEL_NOT_IN) && !n)
		return vc_err(c, yj_line(e), "operator %s needs a non-empty values list",
			      op_names[r->op]);
	if ((r->op == SEL_EXISTS || r->op == SEL_DOES_NOT_EXIST) && n)
		return vc_err(c, line, "operator %s takes no values", op_names[r->op]);
	err = set_values(c, r, n);
	for (size_t i = 0; !err && i < n; i++) {
		json_object *v = json_object_array_get_idx(vals, i);

		err = check_value(c, yj_line(v) ? yj_line(v) : line, v, "value", r->key);
		if (!err)
			r->values[i] = vc_strdup(c, value_string(c, v));
		if (!err && !r->values[i])
			err = -ENOMEM;
	}
	return err;
}

static int parse_expr(struct vctx *c, json_object *e, int line, struct sel_req *r)
{
	static const char *const fields[] = {"key", "operator", "values", NULL};
	json_object *key = NULL;
	int err;

	err = vc_want_fields(c, e, line, "a matchExpressions entry", fields);
	if (err)
		return err;
	json_object_object_get_ex(e, "key", &key);
	if (!json_object_is_type(key, json_type_string))
		return vc_err(c, yj_key_line(e, "key"), "a matchExpressions entry needs a key");
	err = check_key(c, yj_key_line(e, "key"), json_object_get_string(key), "key");
	if (err)
		return err;
	r->key = vc_strdup(c, json_object_get_string(key));
	if (!r->key)
		return -ENOMEM;
	err = parse_op(c, e, r);
	return err ? err : parse_expr_values(c, e, r);
}

static int parse_exprs(struct vctx *c, json_object *list, int line, struct label_selector *out)
{
	size_t n, mark;
	int err;

	err = vc_want_list(c, list, line, "matchExpressions", &n);
	for (size_t i = 0; !err && i < n; i++) {
		json_object *e = json_object_array_get_idx(list, i);

		mark = vc_idx(c, i);
		err = parse_expr(c, e, yj_line(e) ? yj_line(e) : line, &out->reqs[out->n++]);
		vc_pop(c, mark);
	}
	return err;
}

static size_t count_reqs(json_object *ml, json_object *me)
{
	size_t n = 0;

	if (json_object_is_type(ml, json_type_object))
		n += (size_t)json_object_object_length(ml);
	if (json_object_is_type(me, json_type_array))
		n += json_object_array_length(me);
	return n;
}

int sel_parse(struct vctx *c, json_object *o, int line, struct label_selector *out)
{
	static const char *const fields[] = {"matchLabels", "matchExpressions", NULL};
	json_object *ml = NULL, *me = NULL;
	size_t n, mark;
	int err;

	memset(out, 0, sizeof(*out));
	err = vc_want_fields(c, o, line, "a label selector", fields);
	if (err)
		return err;
	err = vc_not_null(c, o, "matchLabels");
	if (!err)
		err = vc_not_null(c, o, "matchExpressions");
	if (err)
		return err;
	json_object_object_get_ex(o, "matchLabels", &ml);
	json_object_object_get_ex(o, "matchExpressions", &me);
	n = count_reqs(ml, me);
	out->reqs = n ? vc_alloc(c, n * sizeof(*out->reqs)) : NULL;
	if (n && !out->reqs)
		return -ENOMEM;

	mark = vc_key(c, "matchLabels");
	if (ml && !json_object_is_type(ml, json_type_object))
		err = vc_err(c, yj_key_line(o, "matchLabels"), "matchLabels must be a mapping");
	if (!err && ml) {
		json_object_object_foreach(ml, key, val)
		{
			err = parse_match_label(c, ml, key, val, &out->reqs[out->n++]);
			if (err)
				break;
		}
	}
	vc_pop(c, mark);
	if (err)
		return err;
	mark = vc_key(c, "matchExpressions");
	err = parse_exprs(c, me, yj_key_line(o, "matchExpressions"), out);
	vc_pop(c, mark);
	/* k8s_null: "matchLabels:" with nothing under it leaves no requirement */
	if (!err && !out->n && (vc_is_null(o, "matchLabels") || vc_is_null(o, "matchExpressions")))
		vc_warn(c,
			yj_key_line(o, vc_is_null(o, "matchLabels") ? "matchLabels"
								    : "matchExpressions"),
			"%s is empty (null): the selector has no requirement and selects "
			"everything, as {}",
			vc_is_null(o, "matchLabels") ? "matchLabels" : "matchExpressions");
	return err;
}

int sel_parse_key(struct vctx *c, json_object *map, const char *key, struct label_selector *out)
{
	size_t mark = vc_key(c, key);
	int err = sel_parse(c, vc_field(map, key), yj_key_line(map, key), out);

	vc_pop(c, mark);
	return err;
}

static bool has_value(const struct sel_req *r, const char *v)
{
	for (size_t i = 0; i < r->n_values; i++)
		if (!strcmp(r->values[i], v))
			return true;
	return false;
}

static bool req_matches(const struct sel_req *r, const struct labels *ls)
{
	const char *v = labels__get(ls, r->key);

	switch (r->op) {
	case SEL_IN:
		return v && has_value(r, v);
	case SEL_NOT_IN:
		return !v || !has_value(r, v);
	case SEL_EXISTS:
		return v;
	case SEL_DOES_NOT_EXIST:
		return !v;
	}
	return false;
}

bool sel_matches(const struct label_selector *s, const struct labels *ls)
{
	for (size_t i = 0; i < s->n; i++)
		if (!req_matches(&s->reqs[i], ls))
			return false;
	return true;
}

const char *sel_pod_namespace(const struct labels *ls)
{
	const char *ns = labels__get(ls, SEL_EP_NS_LABEL);

	return ns ? ns : DOC_DEFAULT_NAMESPACE;
}

bool sel_selects_pod(const struct label_selector *s, const char *ns, const struct labels *ls)
{
	return !strcmp(sel_pod_namespace(ls), ns) && sel_matches(s, ls);
}

static json_object *expr_json(struct jbuild *b, const struct sel_req *r)
{
	json_object *e = jb_obj(b), *vals;

	jb_set(b, e, "key", jb_str(b, r->key));
	jb_set(b, e, "operator", jb_str(b, op_names[r->op]));
	if (r->n_values) {
		vals = jb_arr(b);
		for (size_t i = 0; i < r->n_values; i++)
			jb_push(b, vals, jb_str(b, r->values[i]));
		jb_set(b, e, "values", vals);
	}
	return e;
}

json_object *sel_json(struct jbuild *b, const struct label_selector *s)
{
	json_object *o = jb_obj(b), *ml = NULL, *me = NULL;

	for (size_t i = 0; i < s->n; i++) {
		const struct sel_req *r = &s->reqs[i];

		if (r->match_label) {
			ml = ml ? ml : jb_obj(b);
			jb_set(b, ml, r->key, jb_str(b, r->values[0]));
		} else {
			me = me ? me : jb_arr(b);
			jb_push(b, me, expr_json(b, r));
		}
	}
	if (ml)
		jb_set(b, o, "matchLabels", ml);
	if (me)
		jb_set(b, o, "matchExpressions", me);
	return o;
}
