// SPDX-License-Identifier: GPL-2.0-only
/*
 * InspectionPolicy (hyperion.io/v1) documents: validation into struct
 * insp_doc and back to canonical JSON. Strict, as NetworkPolicy is:
 * unknown fields, nulls where a value is needed, bad escapes, empty and
 * over-long patterns are errors naming the document, the policy, the line
 * and the reason. Built on the document toolkit of src/lib: validation
 * context, metadata, pod selector and ports entries as NetworkPolicy has
 * them (without SCTP, and in this kind's own words).
 */
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hyperion/abi.h>

#include "inspect/doc.h"
#include "lib/addr.h"
#include "lib/meta.h"
#include "lib/selector.h"
#include "lib/yaml.h"

struct insp_pat {
	const uint8_t *bytes;
	size_t len;
	bool nocase;
};

struct insp_doc {
	struct doc_arena *arena; /* owns everything below */
	struct doc_meta meta;	 /* name and namespace */
	struct label_selector pods;
	int dir;    /* hyp_policy_dir */
	int action; /* hyp_inspect_action */
	struct doc_port *ports;
	size_t n_ports;
	struct insp_pat *pats;
	size_t n_pats;
};

static const char *const dir_names[] = {
    [HYP_DIR_INGRESS] = "ingress",
    [HYP_DIR_EGRESS] = "egress",
};

static const char *const action_names[] = {
    [HYP_INSPECT_DROP] = "drop",
    [HYP_INSPECT_ALERT] = "alert",
};

static const char *const meta_fields[] = {"name", "namespace", NULL};

static const struct doc_kind insp_kind = {
    .api_version = INSPECT_API_VERSION,
    .kind = INSPECT_KIND,
    .what = "a document (an InspectionPolicy)",
    .meta_fields = meta_fields,
};

static const struct port_proto protocols[] = {{"TCP", IPPROTO_TCP}, {"UDP", IPPROTO_UDP}};

static const struct port_dialect insp_ports = {
    .protos = protocols,
    .n_protos = sizeof(protocols) / sizeof(protocols[0]),
    .protos_text = "TCP or UDP",
    .null_protocol = false,
    .k8s_messages = false,
    .null_list = true,
};

/* ---- small helpers ---- */

static bool printable(unsigned char ch)
{
	return ch >= 0x20 && ch < 0x7f;
}

/* ---- direction, action ---- */

/* spec[key] must be one of names[0], names[1]; *out gets its index. */
static int parse_choice(struct vctx *c, json_object *spec, const char *key,
			const char *const names[2], int *out)
{
	json_object *v = vc_field(spec, key);
	int line = yj_key_line(spec, key);
	const char *s = json_object_get_string(v);

	if (!vc_has(spec, key))
		return vc_err(c, line, "spec.%s is required (%s or %s)", key, names[0], names[1]);
	for (int i = 0; i < 2 && json_object_is_type(v, json_type_string); i++) {
		if (!strcmp(s, names[i])) {
			*out = i;
			return 0;
		}
	}
	return vc_err(c, line, "spec.%s \"%.40s\" is not %s or %s", key, v ? s : "null", names[0],
		      names[1]);
}

/* ---- patterns ---- */

/*
 * Decodes s: "\xNN" (two hex digits) and "\\" are the only escapes. *len
 * gets the decoded length, which may exceed INSPECT_PATTERN_MAX (only that
 * much is written). A bad escape returns -EINVAL with *bad at its '\'.
 */
static int unescape(const char *s, uint8_t *out, size_t *len, size_t *bad)
{
	size_t n = 0, i = 0;

	while (s[i]) {
		uint8_t b;

		if (s[i] != '\\') {
			b = (uint8_t)s[i++];
		} else if (s[i + 1] == '\\') {
			b = '\\';
			i += 2;
		} else if (s[i + 1] == 'x' && hex_digit(s[i + 2]) >= 0 &&
			   hex_digit(s[i + 3]) >= 0) {
			b = (uint8_t)(hex_digit(s[i + 2]) << 4 | hex_digit(s[i + 3]));
			i += 4;
		} else {
			*bad = i;
			return -EINVAL;
		}
		if (n < INSPECT_PATTERN_MAX)
			out[n] = b;
		n++;
	}
	*len = n;
	return 0;
}

/* s points at a '\' that starts no valid escape. */
static int bad_escape(struct vctx *c, int line, const char *s, size_t num)
{
	char shown[5] = "\\";
	size_t k = 1, want = s[1] == 'x' ? 4 : 2;

	if (!s[1])
		return vc_err(c, line,
			      "bad escape: pattern %zu ends in a lone \"\\\" (write \\\\ for a "
			      "backslash)",
			      num);
	if (!printable((unsigned char)s[1]))
		return vc_err(c, line, "bad escape: \"\\\" followed by byte 0x%02x in pattern %zu",
			      (unsigned char)s[1], num);
	while (k < want && s[k] && printable((unsigned char)s[k])) {
		shown[k] = s[k];
		k++;
	}
	shown[k] = '\0';
	return vc_err(c, line, "bad escape \"%s\" in pattern %zu (only \\xNN and \\\\ are escapes)",
		      shown, num);
}

static int pattern_bytes(struct vctx *c, json_object *v, int line, size_t num, struct insp_pat *out)
{
	uint8_t buf[INSPECT_PATTERN_MAX];
	const char *s = json_object_get_string(v);
	size_t bad = 0, len = 0;
	uint8_t *p;

	if (!json_object_is_type(v, json_type_string))
		return vc_err(c, line, "pattern %zu must be a string (quote it)", num);
	if (unescape(s, buf, &len, &bad))
		return bad_escape(c, line, s + bad, num);
	if (!len)
		return vc_err(c, line, "pattern %zu is empty", num);
	if (len > INSPECT_PATTERN_MAX)
		return vc_err(c, line, "pattern %zu is %zu bytes after unescaping; the limit is %d",
			      num, len, INSPECT_PATTERN_MAX);
	p = vc_alloc(c, len);
	if (!p)
		return -ENOMEM;
	out->bytes = memcpy(p, buf, len);
	out->len = len;
	return 0;
}

static int parse_pattern(struct vctx *c, json_object *e, int line, size_t i, struct insp_pat *out)
{
	static const char *const fields[] = {"pattern", "caseInsensitive", NULL};
	json_object *ci = vc_field(e, "caseInsensitive");
	size_t num = i + 1, mark;
	int err, pline;

	if (!json_object_is_type(e, json_type_object))
		return vc_err(c, line, "pattern %zu must be a mapping ({pattern: \"...\"})", num);
	mark = vc_key(c, "spec.patterns");
	vc_idx(c, i);
	err = vc_fields(c, e, fields);
	vc_pop(c, mark);
	if (err)
		return err;
	if (!vc_has(e, "pattern"))
		return vc_err(c, line, "pattern %zu has no \"pattern\" field", num);
	pline = yj_line(vc_field(e, "pattern")) ? yj_line(vc_field(e, "pattern"))
						: yj_key_line(e, "pattern");
	err = pattern_bytes(c, vc_field(e, "pattern"), pline ? pline : line, num, out);
	if (err)
		return err;
	if (vc_has(e, "caseInsensitive") && !json_object_is_type(ci, json_type_boolean))
		return vc_err(c, yj_key_line(e, "caseInsensitive"),
			      "caseInsensitive of pattern %zu must be true or false", num);
	out->nocase = json_object_get_boolean(ci);
	return 0;
}

static int parse_patterns(struct vctx *c, json_object *spec, struct insp_doc *d)
{
	json_object *list = vc_field(spec, "patterns");
	int line = yj_key_line(spec, "patterns");
	size_t n;
	int err;

	if (!vc_has(spec, "patterns"))
		return vc_err(c, line, "spec.patterns is required (at least one pattern)");
	err = vc_want_list(c, list, line, "spec.patterns", &n);
	if (err)
		return err;
	if (!n)
		return vc_err(c, line, "spec.patterns is empty: list at least one pattern");
	if (n > INSPECT_PATTERNS_MAX)
		return vc_err(c, line, "spec.patterns has %zu patterns; the limit is %d", n,
			      INSPECT_PATTERNS_MAX);
	d->pats = vc_alloc(c, n * sizeof(*d->pats));
	if (!d->pats)
		return -ENOMEM;
	for (size_t i = 0; !err && i < n; i++) {
		json_object *e = json_object_array_get_idx(list, i);

		err = parse_pattern(c, e, vc_elem_line(list, e, line), i, &d->pats[i]);
	}
	d->n_pats = err ? 0 : n;
	return err;
}

/* ---- spec, document ---- */

static int parse_selector(struct vctx *c, json_object *spec, struct insp_doc *d)
{
	size_t mark;
	int err;

	if (!vc_has(spec, "podSelector"))
		return vc_err(
		    c, yj_line(spec),
		    "spec.podSelector is required ({} selects every pod of the namespace)");
	mark = vc_key(c, "spec");
	err = sel_parse_key(c, spec, "podSelector", &d->pods);
	vc_pop(c, mark);
	return err;
}

static int parse_spec(struct vctx *c, json_object *root, struct insp_doc *d)
{
	static const char *const fields[] = {"podSelector", "direction", "ports",
					     "action",	    "patterns",	 NULL};
	json_object *spec = vc_field(root, "spec");
	size_t mark;
	int err;

	if (!spec)
		return vc_err(c, yj_key_line(root, "spec"), "spec is required");
	err = vc_want_fields(c, spec, yj_key_line(root, "spec"), "spec", fields);
	if (!err)
		err = parse_selector(c, spec, d);
	if (!err)
		err = parse_choice(c, spec, "direction", dir_names, &d->dir);
	if (!err) {
		mark = vc_key(c, "spec");
		err = ports_parse(c, &insp_ports, spec, &d->ports, &d->n_ports);
		vc_pop(c, mark);
	}
	if (!err)
		err = parse_choice(c, spec, "action", action_names, &d->action);
	return err ? err : parse_patterns(c, spec, d);
}

static int doc_build(struct vctx *c, json_object *root, struct insp_doc *d)
{
	int err;

	err = doc_header(c, root, &insp_kind);
	if (err)
		return err;
	/* metadata: null reads as missing here (NetworkPolicy: not a mapping) */
	if (!vc_field(root, "metadata"))
		return vc_err(c, yj_key_line(root, "metadata"),
			      "metadata is required (with a name)");
	err = doc_metadata(c, root, &insp_kind, &d->meta);
	return err ? err : parse_spec(c, root, d);
}

int insp_doc_parse(json_object *o, size_t doc_index, struct insp_doc **out, struct errmsg *em)
{
	struct vctx c = {.em = em, .doc = doc_index > INT_MAX ? INT_MAX : (int)doc_index};
	struct insp_doc *d;
	int err = -ENOMEM;

	*out = NULL;
	d = calloc(1, sizeof(*d));
	if (!d)
		goto out;
	c.arena = &d->arena;
	err = doc_build(&c, o, d);
out:
	if (err == -ENOMEM)
		em_set(em, err, "InspectionPolicy: out of memory");
	if (err) {
		insp_doc_free(d);
		return err;
	}
	*out = d;
	return 0;
}

int insp_doc_from_json(json_object *o, struct insp_doc **out, struct errmsg *em)
{
	return insp_doc_parse(o, 0, out, em);
}

void insp_doc_free(struct insp_doc *d)
{
	if (!d)
		return;
	doc_arena_free(d->arena);
	free(d);
}

/* ---- accessors ---- */

const char *insp_doc_namespace(const struct insp_doc *d)
{
	return d->meta.ns;
}

const char *insp_doc_name(const struct insp_doc *d)
{
	return d->meta.name;
}

int insp_doc_direction(const struct insp_doc *d)
{
	return d->dir;
}

int insp_doc_action(const struct insp_doc *d)
{
	return d->action;
}

size_t insp_doc_ports(const struct insp_doc *d, const struct doc_port **ports)
{
	*ports = d->ports;
	return d->n_ports;
}

void insp_docs_scope(struct insp_doc *const *docs, size_t n, uint8_t *proto, uint16_t *lo,
		     uint16_t *hi)
{
	bool all = false, every = false, tcp = false, udp = false;

	*lo = 0xffff;
	*hi = 0;
	for (size_t i = 0; i < n; i++) {
		if (!docs[i]->n_ports)
			all = every = true;
		for (size_t k = 0; k < docs[i]->n_ports; k++) {
			const struct doc_port *p = &docs[i]->ports[k];
			uint16_t plo = p->port, phi = p->end_port ? p->end_port : plo;

			tcp |= p->proto == IPPROTO_TCP;
			udp |= p->proto == IPPROTO_UDP;
			all |= !plo;
			*lo = plo < *lo ? plo : *lo;
			*hi = phi > *hi ? phi : *hi;
		}
	}
	if (all || !n)
		*lo = *hi = 0;
	*proto = every || !n || (tcp && udp) ? 0 : tcp ? IPPROTO_TCP : IPPROTO_UDP;
}

size_t insp_doc_npatterns(const struct insp_doc *d)
{
	return d->n_pats;
}

bool insp_doc_selects(const struct insp_doc *d, const struct labels *ls)
{
	return sel_selects_pod(&d->pods, d->meta.ns, ls);
}

int insp_doc_patterns(const struct insp_doc *d, uint32_t first_id, struct insp_pattern **pats,
		      size_t *n)
{
	struct insp_pattern *p;

	*pats = NULL;
	*n = 0;
	if (!first_id || (uint64_t)first_id + d->n_pats - 1 > UINT32_MAX)
		return -ERANGE;
	p = calloc(d->n_pats, sizeof(*p));
	if (!p)
		return -ENOMEM;
	for (size_t i = 0; i < d->n_pats; i++) {
		memcpy(p[i].bytes, d->pats[i].bytes, d->pats[i].len);
		p[i].len = d->pats[i].len;
		p[i].nocase = d->pats[i].nocase;
		p[i].id = first_id + (uint32_t)i;
		p[i].drop = d->action == HYP_INSPECT_DROP;
	}
	*pats = p;
	*n = d->n_pats;
	return 0;
}

/* ---- canonical JSON ---- */

size_t insp_pattern_escape(const uint8_t *bytes, size_t len, char *buf, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	char tmp[4];

	for (size_t i = 0; i < len; i++) {
		size_t k = 0;

		if (bytes[i] == '\\') {
			tmp[k++] = '\\';
			tmp[k++] = '\\';
		} else if (printable(bytes[i])) {
			tmp[k++] = (char)bytes[i];
		} else {
			tmp[k++] = '\\';
			tmp[k++] = 'x';
			tmp[k++] = hex[bytes[i] >> 4];
			tmp[k++] = hex[bytes[i] & 0xf];
		}
		for (size_t j = 0; j < k; j++, o++)
			if (o + 1 < size)
				buf[o] = tmp[j];
	}
	if (size)
		buf[o < size ? o : size - 1] = '\0';
	return o;
}

static json_object *pattern_json(struct jbuild *b, const struct insp_pat *p)
{
	char s[INSPECT_PATTERN_MAX * 4 + 1];
	json_object *o = jb_obj(b);

	insp_pattern_escape(p->bytes, p->len, s, sizeof(s));
	jb_set(b, o, "pattern", jb_str(b, s));
	jb_set(b, o, "caseInsensitive", jb_bool(b, p->nocase));
	return o;
}

static json_object *spec_json(struct jbuild *b, const struct insp_doc *d)
{
	json_object *spec = jb_obj(b), *l;

	jb_set(b, spec, "podSelector", sel_json(b, &d->pods));
	jb_set(b, spec, "direction", jb_str(b, dir_names[d->dir]));
	if (d->n_ports)
		jb_set(b, spec, "ports", ports_json(b, &insp_ports, d->ports, d->n_ports));
	jb_set(b, spec, "action", jb_str(b, action_names[d->action]));
	l = jb_arr(b);
	for (size_t i = 0; i < d->n_pats; i++)
		jb_push(b, l, pattern_json(b, &d->pats[i]));
	jb_set(b, spec, "patterns", l);
	return spec;
}

json_object *insp_doc_json(const struct insp_doc *d)
{
	struct jbuild b = {0};
	json_object *o = doc_meta_json(&b, &insp_kind, &d->meta);

	jb_set(&b, o, "spec", spec_json(&b, d));
	return jb_done(&b, o);
}
