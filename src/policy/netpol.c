// SPDX-License-Identifier: GPL-2.0-only
/*
 * networking.k8s.io/v1 NetworkPolicy: validation into struct pol_doc
 * (netpol_json.c writes it back as canonical JSON) with the document
 * toolkit of src/lib. Strict: unknown fields, nulls where a mapping is
 * needed, named ports and IPv6 are errors, so that a typo can never
 * silently widen a policy. Every message names the document, the policy,
 * the line and the field path.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hyperion/abi.h>

#include "policy/netpol.h"
#include "lib/yaml.h"

static const char *const meta_fields[] = {"name", "namespace", "labels", "annotations", NULL};

const struct doc_kind pol_kind = {
    .api_version = POL_API_VERSION,
    .kind = POL_KIND,
    .what = "a document (a NetworkPolicy)",
    .meta_fields = meta_fields,
};

static const struct port_proto protocols[] = {{"TCP", 6}, {"UDP", 17}, {"SCTP", 132}};

const struct port_dialect pol_ports = {
    .protos = protocols,
    .n_protos = sizeof(protocols) / sizeof(protocols[0]),
    .protos_text = "TCP, UDP or SCTP",
    .null_protocol = true,
    .k8s_messages = true,
    .null_list = false,
};

/* ---- peers ---- */

static int parse_cidr(struct vctx *c, json_object *v, int line, const char *what, struct cidr4 *out)
{
	const char *s = json_object_get_string(v);
	uint32_t host;
	char net[16];

	if (!json_object_is_type(v, json_type_string))
		return vc_err(c, line, "%s must be a string (a.b.c.d/n)", what);
	if (strchr(s, ':'))
		return vc_err(c, line, "%s %.80s is IPv6: Hyperion carries IPv4 only", what, s);
	if (cidr4_parse(s, out))
		return vc_err(c, line, "%s \"%.80s\" is not an IPv4 CIDR (a.b.c.d/n)", what, s);
	host = out->addr & ~cidr4_mask(out->prefix);
	if (host) {
		ipv4_format(out->addr & cidr4_mask(out->prefix), net, sizeof(net));
		return vc_err(c, line, "%s %s has host bits set (did you mean %s/%u?)", what, s,
			      net, out->prefix);
	}
	return 0;
}

static int parse_except(struct vctx *c, json_object *ib, struct pol_peer *out)
{
	json_object *list = vc_field(ib, "except");
	int line = yj_key_line(ib, "except");
	char a[20], b[20];
	size_t n = 0;
	int err;

	err = vc_not_null(c, ib, "except");
	if (!err)
		err = vc_want_list(c, list, line, "except", &n);
	out->except = n ? vc_alloc(c, n * sizeof(*out->except)) : NULL;
	if (!err && n && !out->except)
		err = -ENOMEM;
	for (size_t i = 0; !err && i < n; i++) {
		json_object *e = json_object_array_get_idx(list, i);
		struct cidr4 *x = &out->except[i];

		err = parse_cidr(c, e, vc_elem_line(list, e, line), "except", x);
		if (!err &&
		    (x->prefix <= out->cidr.prefix || !cidr4_contains(&out->cidr, x->addr))) {
			ipv4_format(x->addr, a, sizeof(a));
			ipv4_format(out->cidr.addr, b, sizeof(b));
			err = vc_err(c, vc_elem_line(list, e, line),
				     "except %s/%u is not strictly inside cidr %s/%u", a, x->prefix,
				     b, out->cidr.prefix);
		}
		out->n_except = i + 1;
	}
	return err;
}

static int parse_ipblock(struct vctx *c, json_object *p, struct pol_peer *out)
{
	static const char *const fields[] = {"cidr", "except", NULL};
	json_object *ib = vc_field(p, "ipBlock");
	int line = yj_key_line(p, "ipBlock");
	int err;

	out->ip_block = true;
	err = vc_want_fields(c, ib, line, "ipBlock", fields);
	if (!err && !vc_field(ib, "cidr"))
		err = vc_err(c, line, "ipBlock needs a cidr");
	if (!err)
		err = parse_cidr(c, vc_field(ib, "cidr"), yj_key_line(ib, "cidr"), "cidr",
				 &out->cidr);
	if (!err)
		err = parse_except(c, ib, out);
	return err;
}

static int parse_peer_sel(struct vctx *c, json_object *p, const char *key,
			  struct label_selector **out)
{
	if (!vc_has(p, key))
		return 0;
	*out = vc_alloc(c, sizeof(**out));
	return *out ? sel_parse_key(c, p, key, *out) : -ENOMEM;
}

static int parse_peer(struct vctx *c, json_object *p, int line, struct pol_peer *out)
{
	static const char *const fields[] = {"podSelector", "namespaceSelector", "ipBlock", NULL};
	bool pods, nss, ipb;
	size_t mark;
	int err;

	err = vc_want_fields(c, p, line, "a peer", fields);
	if (err)
		return err;
	pods = vc_has(p, "podSelector");
	nss = vc_has(p, "namespaceSelector");
	ipb = vc_has(p, "ipBlock");
	if (!pods && !nss && !ipb)
		return vc_err(c, line, "a peer needs podSelector, namespaceSelector or ipBlock");
	if (ipb && (pods || nss))
		return vc_err(c, yj_key_line(p, "ipBlock"),
			      "ipBlock cannot be combined with podSelector or namespaceSelector in "
			      "one peer: list it as a peer of its own");
	if (ipb) {
		mark = vc_key(c, "ipBlock");
		err = parse_ipblock(c, p, out);
		vc_pop(c, mark);
		return err;
	}
	err = parse_peer_sel(c, p, "podSelector", &out->pods);
	return err ? err : parse_peer_sel(c, p, "namespaceSelector", &out->namespaces);
}

/* ---- rules ---- */

static int one_peer(struct vctx *c, json_object *e, int line, void *item, const void *arg)
{
	return parse_peer(c, e, line, item);
}

static int parse_rule(struct vctx *c, json_object *r, int line, int dir, struct pol_rule *out)
{
	static const char *const in_fields[] = {"from", "ports", NULL};
	static const char *const eg_fields[] = {"to", "ports", NULL};
	const struct vc_list peers = {
	    .key = dir == HYP_DIR_INGRESS ? "from" : "to",
	    .size = sizeof(*out->peers),
	    .one = one_peer,
	};
	int err;

	err = vc_want_fields(c, r, line, "a rule ({} allows everything)",
			     dir == HYP_DIR_INGRESS ? in_fields : eg_fields);
	if (!err)
		err = vc_list(c, r, &peers, (void **)&out->peers, &out->n_peers);
	if (!err)
		err = ports_parse(c, &pol_ports, r, &out->ports, &out->n_ports);
	return err;
}

static int one_rule(struct vctx *c, json_object *e, int line, void *item, const void *arg)
{
	return parse_rule(c, e, line, *(const int *)arg, item);
}

static int parse_rules(struct vctx *c, json_object *spec, int dir, struct pol_doc *d)
{
	const struct vc_list rules = {
	    .key = dir == HYP_DIR_INGRESS ? "ingress" : "egress",
	    .size = sizeof(*d->rules[dir]),
	    .null_empty = true,
	    .one = one_rule,
	    .arg = &dir,
	};

	return vc_list(c, spec, &rules, (void **)&d->rules[dir], &d->n_rules[dir]);
}

/* ---- spec ---- */

static int parse_types(struct vctx *c, json_object *spec, uint8_t *types)
{
	json_object *list = vc_field(spec, "policyTypes");
	int line = yj_key_line(spec, "policyTypes");
	size_t n;
	int err;

	*types = 0;
	err = vc_want_list(c, list, line, "policyTypes", &n);
	for (size_t i = 0; !err && i < n; i++) {
		json_object *t = json_object_array_get_idx(list, i);
		const char *s = json_object_get_string(t);
		uint8_t f;

		if (!json_object_is_type(t, json_type_string) ||
		    (strcmp(s, "Ingress") && strcmp(s, "Egress")))
			return vc_err(c, vc_elem_line(list, t, line),
				      "policyTypes entry \"%.40s\" is not Ingress or Egress",
				      s ? s : "null");
		f = !strcmp(s, "Ingress") ? HYP_ENFORCE_INGRESS : HYP_ENFORCE_EGRESS;
		if (*types & f)
			return vc_err(c, vc_elem_line(list, t, line), "policyTypes lists %s twice",
				      s);
		*types |= f;
	}
	return err;
}

/* Explicit policyTypes that leave out a direction with rules: they would be ignored. */
static int check_types(struct vctx *c, json_object *spec, struct pol_doc *d)
{
	static const char *const keys[] = {"ingress", "egress"};
	static const char *const names[] = {"Ingress", "Egress"};

	for (int dir = HYP_DIR_INGRESS; dir <= HYP_DIR_EGRESS; dir++)
		if (d->n_rules[dir] && !(d->types & pol_dir_flag(dir)))
			return vc_err(
			    c, yj_key_line(spec, keys[dir]),
			    "%s rules are given but policyTypes leaves out %s: they would "
			    "be ignored",
			    keys[dir], names[dir]);
	return 0;
}

static int parse_spec(struct vctx *c, json_object *root, struct pol_doc *d)
{
	static const char *const fields[] = {"podSelector", "policyTypes", "ingress", "egress",
					     NULL};
	json_object *spec = vc_field(root, "spec");
	size_t mark;
	int err;

	if (!vc_has(root, "spec"))
		return vc_err(c, yj_line(root), "spec is required");
	err = vc_want_map(c, spec, yj_key_line(root, "spec"), "spec");
	if (err)
		return err;
	mark = vc_key(c, "spec");
	err = vc_fields(c, spec, fields);
	if (!err && !vc_has(spec, "podSelector"))
		err = vc_err(c, yj_line(spec),
			     "podSelector is required ({} selects every pod of "
			     "the namespace)");
	if (!err)
		err = sel_parse_key(c, spec, "podSelector", &d->pods);
	if (!err)
		err = parse_types(c, spec, &d->types);
	if (!err)
		err = parse_rules(c, spec, HYP_DIR_INGRESS, d);
	if (!err)
		err = parse_rules(c, spec, HYP_DIR_EGRESS, d);
	if (!err && d->types)
		err = check_types(c, spec, d);
	/* Kubernetes' default: Ingress, plus Egress when there are egress rules */
	if (!err && !d->types)
		d->types =
		    HYP_ENFORCE_INGRESS | (d->n_rules[HYP_DIR_EGRESS] ? HYP_ENFORCE_EGRESS : 0);
	vc_pop(c, mark);
	return err;
}

/* ---- documents ---- */

static int doc_build(struct vctx *c, json_object *root, struct pol_doc **out)
{
	struct pol_doc *d = calloc(1, sizeof(*d));
	int err;

	*out = NULL;
	if (!d)
		return -ENOMEM;
	c->arena = &d->arena;
	err = doc_header(c, root, &pol_kind);
	if (!err)
		err = doc_metadata(c, root, &pol_kind, &d->meta);
	if (!err)
		err = parse_spec(c, root, d);
	c->name = NULL; /* it pointed into root or d */
	if (err) {
		pol_doc_free(d);
		return err;
	}
	*out = d;
	return 0;
}

static int check_unique(struct vctx *c, struct pol_doc **docs, size_t n, const int *index)
{
	const struct pol_doc *d = docs[n];

	for (size_t i = 0; i < n; i++)
		if (!strcmp(docs[i]->meta.ns, d->meta.ns) &&
		    !strcmp(docs[i]->meta.name, d->meta.name))
			return em_set(c->em, -EINVAL,
				      "document %d (%s): policy %s/%s is already defined by "
				      "document %d",
				      c->doc, d->meta.name, d->meta.ns, d->meta.name, index[i]);
	return 0;
}

int pol_parse(const char *text, size_t len, struct pol_doc ***docs, size_t *n, struct errmsg *em)
{
	json_object **roots = NULL;
	struct pol_doc **out = NULL;
	size_t n_roots = 0, cnt = 0;
	int *index = NULL;
	int err;

	*docs = NULL;
	*n = 0;
	err = yj_parse(text, len, &roots, &n_roots, em);
	if (err)
		return err;
	out = calloc(n_roots + 1, sizeof(*out));
	index = calloc(n_roots + 1, sizeof(*index));
	if (!out || !index)
		err = -ENOMEM;
	for (size_t i = 0; !err && i < n_roots; i++) {
		struct vctx c = {.em = em, .doc = (int)i + 1};

		if (!roots[i])
			continue; /* an empty document, as kubectl skips it */
		err = doc_build(&c, roots[i], &out[cnt]);
		if (!err)
			err = check_unique(&c, out, cnt, index);
		index[cnt] = c.doc;
		if (out[cnt])
			cnt++;
	}
	if (!err && !cnt)
		err = em_set(em, -EINVAL, "no NetworkPolicy document in the text");
	yj_docs_free(roots, n_roots);
	free(index);
	if (err) {
		pol_docs_free(out, cnt);
		return err;
	}
	*docs = out;
	*n = cnt;
	return 0;
}

int pol_doc_from_json(json_object *o, struct pol_doc **out, struct errmsg *em)
{
	struct vctx c = {.em = em};

	return doc_build(&c, o, out);
}

void pol_doc_free(struct pol_doc *d)
{
	if (!d)
		return;
	doc_arena_free(d->arena);
	free(d);
}

void pol_docs_free(struct pol_doc **docs, size_t n)
{
	if (!docs)
		return;
	for (size_t i = 0; i < n; i++)
		pol_doc_free(docs[i]);
	free(docs);
}

const char *pol_doc_namespace(const struct pol_doc *d)
{
	return d->meta.ns;
}

const char *pol_doc_name(const struct pol_doc *d)
{
	return d->meta.name;
}

int pol_parse_root(json_object *root, int doc_index, struct pol_doc **out, struct errmsg *em)
{
	struct vctx c = {.em = em, .doc = doc_index};

	return doc_build(&c, root, out);
}
