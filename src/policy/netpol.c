// SPDX-License-Identifier: GPL-2.0-only
/*
 * networking.k8s.io/v1 NetworkPolicy: validation into struct pol_doc
 * (netpol_json.c writes it back as canonical JSON) with the document
 * toolkit of src/lib. Every document the Kubernetes API server accepts is
 * accepted, with the meaning Kubernetes gives it: nulls decode as
 * Kubernetes decodes them, rules of a direction outside policyTypes are
 * kept and ignored, empty lists mean "all". What is valid but probably not
 * meant gets a warning (pol_doc_warning). Refused: what the API server
 * refuses (with StrictIPCIDRValidation, and kubectl's default strict field
 * validation, so unknown and duplicate fields). Named ports are taken:
 * the compiler resolves them against the ports the SNICs declare. Every
 * message names the document, the policy, the line and the field path.
 */
#include <arpa/inet.h>
#include <ctype.h>
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
    .named_ports = true,
};

/* ---- peers ---- */

static int parse_peer_sel(struct vctx *c, json_object *p, const char *key,
			  struct label_selector **out)
{
	if (!vc_given(c, p, key))
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

	if (!p)
		return vc_err(c, line,
			      "a peer is empty (null): it needs podSelector, namespaceSelector or "
			      "ipBlock");
	err = vc_want_fields(c, p, line, "a peer", fields);
	if (err)
		return err;
	/* a null selector or ipBlock is absent (Kubernetes' pointers) */
	pods = vc_given(c, p, "podSelector");
	nss = vc_given(c, p, "namespaceSelector");
	ipb = vc_given(c, p, "ipBlock");
	if (!pods && !nss && !ipb)
		return vc_err(c, line, "a peer needs podSelector, namespaceSelector or ipBlock");
	if (ipb && (pods || nss))
		return vc_err(c, yj_key_line(p, "ipBlock"),
			      "ipBlock cannot be combined with podSelector or namespaceSelector in "
			      "one peer: list it as a peer of its own");
	if (ipb) {
		mark = vc_key(c, "ipBlock");
		err = netpol_parse_ipblock(c, p, out);
		vc_pop(c, mark);
		return err;
	}
	if (vc_is_null(p, "namespaceSelector"))
		vc_warn(c, yj_key_line(p, "namespaceSelector"),
			"namespaceSelector is empty (null): Kubernetes reads it as left out, so "
			"the peer is in the policy's namespace only ({} is every namespace)");
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
	const char *key = dir == HYP_DIR_INGRESS ? "from" : "to";
	const char *who = dir == HYP_DIR_INGRESS ? "source" : "destination";
	const struct vc_list peers = {
	    .key = key,
	    .size = sizeof(*out->peers),
	    .one = one_peer,
	};
	int err;

	if (!r) {
		/* Kubernetes decodes a null rule ("- " alone) as {} */
		vc_warn(c, line, "a rule is empty (null): it allows every %s on every port, as {}",
			who);
		return 0;
	}
	err = vc_want_fields(c, r, line, "a rule ({} allows everything)",
			     dir == HYP_DIR_INGRESS ? in_fields : eg_fields);
	if (!err)
		err = vc_list(c, r, &peers, (void **)&out->peers, &out->n_peers);
	if (!err)
		err = ports_parse(c, &pol_ports, r, &out->ports, &out->n_ports);
	if (err)
		return err;
	/* written out but empty: Kubernetes reads it as if it were left out, "all" */
	if (vc_has(r, key) && !out->n_peers)
		vc_warn(c, yj_key_line(r, key),
			"%s is empty%s: the rule allows every %s, as if %s were left out", key,
			vc_is_null(r, key) ? " (null)" : "", who, key);
	if (vc_has(r, "ports") && !out->n_ports)
		vc_warn(c, yj_key_line(r, "ports"),
			"ports is empty%s: the rule allows every port and protocol, as if ports "
			"were left out",
			vc_is_null(r, "ports") ? " (null)" : "");
	return 0;
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

static const char *const dir_keys[] = {"ingress", "egress"};
static const char *const dir_types[] = {"Ingress", "Egress"};

static int parse_types(struct vctx *c, json_object *spec, uint8_t *types)
{
	json_object *list = vc_field(spec, "policyTypes");
	int line = yj_key_line(spec, "policyTypes");
	size_t n;
	int err;

	*types = 0;
	err = vc_want_list(c, list, line, "policyTypes", &n);
	if (!err && n > 2)
		return vc_err(c, line, "policyTypes lists %zu types: at most two (Ingress, Egress)",
			      n);
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
			vc_warn(c, vc_elem_line(list, t, line),
				"policyTypes lists %s twice, and %s not at all: this policy does "
				"not restrict %s",
				s, f == HYP_ENFORCE_INGRESS ? "Egress" : "Ingress",
				f == HYP_ENFORCE_INGRESS ? "egress" : "ingress");
		*types |= f;
	}
	return err;
}

/* What policyTypes (given or not) make of the rules: valid, maybe not meant. */
static void check_types(struct vctx *c, json_object *spec, const struct pol_doc *d, bool given)
{
	for (int dir = HYP_DIR_INGRESS; dir <= HYP_DIR_EGRESS; dir++)
		if (given && d->n_rules[dir] && !(d->types & pol_dir_flag(dir)))
			vc_warn(c, yj_key_line(spec, dir_keys[dir]),
				"%s rules are ignored: policyTypes leaves out %s, so this policy "
				"does not restrict %s (as in Kubernetes); add %s to policyTypes "
				"to enforce them",
				dir_keys[dir], dir_types[dir], dir_keys[dir], dir_types[dir]);
	if (!given && vc_has(spec, "egress") && !d->n_rules[HYP_DIR_EGRESS])
		vc_warn(c, yj_key_line(spec, "egress"),
			"egress is empty and policyTypes is not given: egress is not restricted "
			"(Kubernetes adds Egress to the default policyTypes only for egress "
			"rules); to deny all egress, write policyTypes: [Ingress, Egress]");
}

static int parse_spec(struct vctx *c, json_object *root, struct pol_doc *d)
{
	static const char *const fields[] = {"podSelector", "policyTypes", "ingress", "egress",
					     NULL};
	json_object *spec = vc_field(root, "spec");
	size_t mark;
	int err;

	/* Kubernetes' defaults: podSelector {}, policyTypes [Ingress] */
	d->types = HYP_ENFORCE_INGRESS;
	if (!spec) {
		vc_warn(c, vc_has(root, "spec") ? yj_key_line(root, "spec") : yj_line(root),
			"spec is %s: Kubernetes reads it as {podSelector: {}}, which denies all "
			"ingress to every pod of namespace %s",
			vc_has(root, "spec") ? "empty (null)" : "missing", d->meta.ns);
		return 0;
	}
	err = vc_want_map(c, spec, yj_key_line(root, "spec"), "spec");
	if (err)
		return err;
	mark = vc_key(c, "spec");
	err = vc_fields(c, spec, fields);
	if (!err && !vc_given(c, spec, "podSelector"))
		vc_warn(c,
			vc_has(spec, "podSelector") ? yj_key_line(spec, "podSelector")
						    : yj_line(spec),
			"podSelector is %s: Kubernetes reads it as {}, which selects every pod "
			"of namespace %s",
			vc_has(spec, "podSelector") ? "empty (null)" : "missing", d->meta.ns);
	else if (!err)
		err = sel_parse_key(c, spec, "podSelector", &d->pods);
	if (!err)
		err = parse_types(c, spec, &d->types);
	if (!err)
		err = parse_rules(c, spec, HYP_DIR_INGRESS, d);
	if (!err)
		err = parse_rules(c, spec, HYP_DIR_EGRESS, d);
	if (!err)
		check_types(c, spec, d, d->types);
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
	static uint64_t serial; /* the daemon is single-threaded */
	struct pol_doc *d = calloc(1, sizeof(*d));
	int err;

	*out = NULL;
	if (!d)
		return -ENOMEM;
	d->serial = ++serial;
	c->arena = &d->arena;
	c->warn = &d->warn;
	c->k8s_null = true;
	err = doc_header(c, root, &pol_kind);
	if (!err)
		err = doc_metadata(c, root, &pol_kind, &d->meta);
	if (!err)
		err = parse_spec(c, root, d);
	if (!err)
		vc_warn_end(c);
	c->name = NULL; /* it pointed into root or d */
	c->warn = NULL;
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

size_t pol_doc_n_warnings(const struct pol_doc *d)
{
	return d->warn.n;
}

const char *pol_doc_warning(const struct pol_doc *d, size_t i)
{
	return i < d->warn.n ? d->warn.msg[i] : NULL;
}

int pol_parse_root(json_object *root, int doc_index, struct pol_doc **out, struct errmsg *em)
{
	struct vctx c = {.em = em, .doc = doc_index};

	return doc_build(&c, root, out);
}
