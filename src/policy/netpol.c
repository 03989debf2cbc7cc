// SPDX-License-Identifier: GPL-2.0-only
/*
 * networking.k8s.io/v1 NetworkPolicy: validation into struct pol_doc
 * (netpol_json.c writes it back as canonical JSON). Strict: unknown fields, nulls where a mapping
 * is needed, named ports and IPv6 are errors, so that a typo can never
 * silently widen a policy. Every message names the document, the policy,
 * the line and the field path.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <hyperion/abi.h>

#include "policy/netpol.h"
#include "policy/yaml.h"

#define ARENA_CHUNK 4096

struct pol_arena {
	struct pol_arena *next;
	size_t used, cap;
	max_align_t data[];
};

const struct pol_proto pol_protocols[POL_N_PROTOCOLS] = {{"TCP", 6}, {"UDP", 17}, {"SCTP", 132}};

/* ---- arena, context, messages ---- */

void *vc_alloc(struct vctx *c, size_t size)
{
	struct pol_arena *a = *c->arena;
	size_t cap;
	void *p;

	if (size > SIZE_MAX / 2)
		return NULL;
	size = (size + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	if (!a || a->cap - a->used < size) {
		cap = size > ARENA_CHUNK ? size : ARENA_CHUNK;
		a = calloc(1, sizeof(*a) + cap);
		if (!a)
			return NULL;
		a->cap = cap;
		a->next = *c->arena;
		*c->arena = a;
	}
	p = (char *)a->data + a->used;
	a->used += size;
	return p;
}

const char *vc_strdup(struct vctx *c, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = vc_alloc(c, n);

	return p ? memcpy(p, s, n) : NULL;
}

static void arena_free(struct pol_arena *a)
{
	while (a) {
		struct pol_arena *next = a->next;

		free(a);
		a = next;
	}
}

static size_t vc_append(struct vctx *c, const char *s)
{
	size_t mark = c->plen;
	int w = snprintf(c->path + c->plen, sizeof(c->path) - c->plen, "%s", s);

	if (w > 0)
		c->plen += (size_t)w < sizeof(c->path) - c->plen ? (size_t)w
								 : sizeof(c->path) - c->plen - 1;
	return mark;
}

size_t vc_key(struct vctx *c, const char *key)
{
	size_t mark = c->plen;

	if (c->plen)
		vc_append(c, ".");
	vc_append(c, key);
	return mark;
}

size_t vc_idx(struct vctx *c, size_t i)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "[%zu]", i);
	return vc_append(c, buf);
}

void vc_pop(struct vctx *c, size_t mark)
{
	c->plen = mark;
	c->path[mark] = '\0';
}

int vc_err(struct vctx *c, int line, const char *fmt, ...)
{
	char msg[320], where[300], at[24] = "";
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->doc)
		snprintf(where, sizeof(where), "document %d%s%.253s%s", c->doc, c->name ? " (" : "",
			 c->name ? c->name : "", c->name ? ")" : "");
	else
		snprintf(where, sizeof(where), "policy%s%.253s", c->name ? " " : "",
			 c->name ? c->name : "");
	if (line > 0)
		snprintf(at, sizeof(at), ", line %d", line);
	return em_set(c->em, -EINVAL, "%s%s: %s%s%s%s", where, at, msg, c->plen ? " (in " : "",
		      c->path, c->plen ? ")" : "");
}

json_object *vc_field(json_object *map, const char *key)
{
	json_object *v = NULL;

	json_object_object_get_ex(map, key, &v);
	return v;
}

static bool has(json_object *map, const char *key)
{
	return json_object_object_get_ex(map, key, NULL);
}

static int unknown_field(struct vctx *c, json_object *map, const char *key,
			 const char *const *known)
{
	char list[160] = "";
	size_t off = 0;

	for (size_t i = 0; known[i]; i++) {
		if (!strcasecmp(key, known[i]))
			return vc_err(c, yj_key_line(map, key),
				      "unknown field \"%.80s\" (did you mean \"%s\"?)", key,
				      known[i]);
		off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s", i ? ", " : "",
					known[i]);
		if (off >= sizeof(list))
			break;
	}
	return vc_err(c, yj_key_line(map, key), "unknown field \"%.80s\" (known: %s)", key, list);
}

int vc_fields(struct vctx *c, json_object *map, const char *const *known)
{
	json_object_object_foreach(map, key, val)
	{
		size_t i;

		(void)val;
		for (i = 0; known[i] && strcmp(key, known[i]); i++)
			;
		if (!known[i])
			return unknown_field(c, map, key, known);
	}
	return 0;
}

int vc_want_map(struct vctx *c, json_object *o, int line, const char *what)
{
	if (json_object_is_type(o, json_type_object))
		return 0;
	return vc_err(c, yj_line(o) ? yj_line(o) : line, "%s must be a mapping%s", what,
		      o ? "" : ", not null");
}

int vc_want_list(struct vctx *c, json_object *o, int line, const char *what, size_t *n)
{
	*n = 0;
	if (!o)
		return 0;
	if (!json_object_is_type(o, json_type_array))
		return vc_err(c, yj_line(o) ? yj_line(o) : line, "%s must be a list", what);
	*n = json_object_array_length(o);
	return 0;
}

int vc_not_null(struct vctx *c, json_object *map, const char *key)
{
	if (!has(map, key) || vc_field(map, key))
		return 0;
	return vc_err(c, yj_key_line(map, key), "%s is empty (null): give it a value or remove it",
		      key);
}

/* A line for element i of list, else the list's. */
int vc_elem_line(json_object *list, json_object *e, int line)
{
	return yj_line(e) ? yj_line(e) : yj_line(list) ? yj_line(list) : line;
}

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

/* DNS-1123 label: [a-z0-9]([-a-z0-9]*[a-z0-9])?, at most 63. */
bool vc_dns_label(const char *s)
{
	return strlen(s) <= 63 && dns_part(s, strlen(s));
}

/* DNS-1123 subdomain: dot-separated labels, at most 253 in all. */
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

/* ---- metadata ---- */

const char *vc_peek_name(json_object *root)
{
	json_object *name = vc_field(vc_field(root, "metadata"), "name");
	const char *s = json_object_get_string(name);

	return json_object_is_type(name, json_type_string) && vc_dns_subdomain(s) ? s : NULL;
}

int vc_meta_name(struct vctx *c, json_object *md, const char **name)
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

int vc_meta_namespace(struct vctx *c, json_object *md, const char **ns)
{
	json_object *v = vc_field(md, "namespace");
	int line = yj_key_line(md, "namespace");
	const char *s = json_object_get_string(v);

	if (vc_not_null(c, md, "namespace"))
		return -EINVAL;
	if (!v) {
		*ns = POL_DEFAULT_NAMESPACE;
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
static int parse_kv(struct vctx *c, json_object *md, const char *key, bool labels,
		    struct pol_kv **out, size_t *n)
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
		const char *s = json_object_get_string(v);

		if (label_validate_key(k))
			return vc_err(c, line, "%s key \"%.80s\" is not a valid key", what, k);
		if (!json_object_is_type(v, json_type_string))
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

static int parse_metadata(struct vctx *c, json_object *root, struct pol_doc *d)
{
	static const char *const fields[] = {"name", "namespace", "labels", "annotations", NULL};
	json_object *md = vc_field(root, "metadata");
	int err;

	if (!has(root, "metadata"))
		return vc_err(c, yj_line(root), "metadata is required (with a name)");
	err = vc_want_map(c, md, yj_key_line(root, "metadata"), "metadata");
	if (!err)
		err = vc_fields(c, md, fields);
	if (!err)
		err = vc_meta_name(c, md, &d->name);
	if (!err)
		err = vc_meta_namespace(c, md, &d->ns);
	if (!err)
		err = parse_kv(c, md, "labels", true, &d->labels, &d->n_labels);
	if (!err)
		err = parse_kv(c, md, "annotations", false, &d->annotations, &d->n_annotations);
	return err;
}

static int check_const(struct vctx *c, json_object *root, const char *key, const char *want)
{
	json_object *v = vc_field(root, key);
	int line = yj_key_line(root, key);

	if (!v)
		return vc_err(c, line, "%s is required (%s)", key, want);
	if (!json_object_is_type(v, json_type_string) || strcmp(json_object_get_string(v), want))
		return vc_err(c, line, "%s must be %s, not \"%.80s\"", key, want,
			      json_object_get_string(v));
	return 0;
}

/* ---- ports ---- */

static int parse_protocol(struct vctx *c, json_object *o, struct pol_port *out)
{
	json_object *v = vc_field(o, "protocol");
	const char *s = json_object_get_string(v);

	out->proto = pol_protocols[0].num; /* TCP, as Kubernetes defaults it */
	if (!v)
		return 0;
	if (json_object_is_type(v, json_type_string)) {
		for (size_t i = 0; i < POL_N_PROTOCOLS; i++) {
			if (!strcmp(s, pol_protocols[i].name)) {
				out->proto = pol_protocols[i].num;
				return 0;
			}
		}
	}
	return vc_err(c, yj_key_line(o, "protocol"), "protocol \"%.40s\" is not TCP, UDP or SCTP",
		      s);
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

static int port_number(struct vctx *c, json_object *o, const char *key, uint16_t *out)
{
	json_object *v = vc_field(o, key);
	int line = yj_key_line(o, key);
	const char *s = json_object_get_string(v);
	int64_t n;

	*out = 0;
	if (vc_not_null(c, o, key))
		return -EINVAL;
	if (!v)
		return 0;
	if (json_object_is_type(v, json_type_string) && all_digits(s))
		return vc_err(c, line,
			      "%s \"%.20s\" must be a number from 1 to 65535, without quotes", key,
			      s);
	if (json_object_is_type(v, json_type_string))
		return vc_err(
		    c, line,
		    "named port \"%.80s\" is not supported: Hyperion has no container port "
		    "names, use the port number",
		    s);
	if (!json_object_is_type(v, json_type_int))
		return vc_err(c, line, "%s must be a number from 1 to 65535", key);
	n = json_object_get_int64(v);
	if (n < 1 || n > 65535)
		return vc_err(c, line, "%s %lld is out of range (1-65535)", key, (long long)n);
	*out = (uint16_t)n;
	return 0;
}

static int parse_port(struct vctx *c, json_object *o, int line, struct pol_port *out)
{
	static const char *const fields[] = {"protocol", "port", "endPort", NULL};
	int err;

	err = vc_want_map(c, o, line, "a ports entry");
	if (!err)
		err = vc_fields(c, o, fields);
	if (!err)
		err = parse_protocol(c, o, out);
	if (!err)
		err = port_number(c, o, "port", &out->port);
	if (!err)
		err = port_number(c, o, "endPort", &out->end_port);
	if (err)
		return err;
	if (out->end_port && !out->port)
		return vc_err(c, yj_key_line(o, "endPort"), "endPort needs port");
	if (out->end_port && out->end_port < out->port)
		return vc_err(c, yj_key_line(o, "endPort"), "endPort %u is below port %u",
			      out->end_port, out->port);
	return 0;
}

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
	err = vc_want_map(c, ib, line, "ipBlock");
	if (!err)
		err = vc_fields(c, ib, fields);
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
			  struct pol_selector **out)
{
	size_t mark;
	int err;

	if (!has(p, key))
		return 0;
	*out = vc_alloc(c, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	mark = vc_key(c, key);
	err = sel_parse(c, vc_field(p, key), yj_key_line(p, key), *out);
	vc_pop(c, mark);
	return err;
}

static int parse_peer(struct vctx *c, json_object *p, int line, struct pol_peer *out)
{
	static const char *const fields[] = {"podSelector", "namespaceSelector", "ipBlock", NULL};
	bool pods, nss, ipb;
	size_t mark;
	int err;

	err = vc_want_map(c, p, line, "a peer");
	if (!err)
		err = vc_fields(c, p, fields);
	if (err)
		return err;
	pods = has(p, "podSelector");
	nss = has(p, "namespaceSelector");
	ipb = has(p, "ipBlock");
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

/* Parses the list r[key] with one(); *items gets an array of n of size sz each. */
static int parse_list(struct vctx *c, json_object *r, const char *key, size_t sz, void **items,
		      size_t *n, int (*one)(struct vctx *, json_object *, int, void *))
{
	json_object *list = vc_field(r, key);
	int line = yj_key_line(r, key);
	size_t mark = vc_key(c, key), m;
	int err;

	*n = 0;
	err = vc_not_null(c, r, key);
	if (!err)
		err = vc_want_list(c, list, line, key, n);
	*items = *n ? vc_alloc(c, *n * sz) : NULL;
	if (!err && *n && !*items)
		err = -ENOMEM;
	for (size_t i = 0; !err && i < *n; i++) {
		json_object *e = json_object_array_get_idx(list, i);

		m = vc_idx(c, i);
		err = one(c, e, vc_elem_line(list, e, line), (char *)*items + i * sz);
		vc_pop(c, m);
	}
	vc_pop(c, mark);
	return err;
}

static int one_peer(struct vctx *c, json_object *e, int line, void *out)
{
	return parse_peer(c, e, line, out);
}

static int one_port(struct vctx *c, json_object *e, int line, void *out)
{
	return parse_port(c, e, line, out);
}

static int parse_rule(struct vctx *c, json_object *r, int line, int dir, struct pol_rule *out)
{
	static const char *const in_fields[] = {"from", "ports", NULL};
	static const char *const eg_fields[] = {"to", "ports", NULL};
	const char *peers = dir == HYP_DIR_INGRESS ? "from" : "to";
	int err;

	err = vc_want_map(c, r, line, "a rule ({} allows everything)");
	if (!err)
		err = vc_fields(c, r, dir == HYP_DIR_INGRESS ? in_fields : eg_fields);
	if (!err)
		err = parse_list(c, r, peers, sizeof(*out->peers), (void **)&out->peers,
				 &out->n_peers, one_peer);
	if (!err)
		err = parse_list(c, r, "ports", sizeof(*out->ports), (void **)&out->ports,
				 &out->n_ports, one_port);
	return err;
}

static int parse_rules(struct vctx *c, json_object *spec, int dir, struct pol_doc *d)
{
	const char *key = dir == HYP_DIR_INGRESS ? "ingress" : "egress";
	json_object *list = vc_field(spec, key);
	int line = yj_key_line(spec, key);
	size_t n, mark = vc_key(c, key), m;
	int err;

	err = vc_want_list(c, list, line, key, &n);
	d->rules[dir] = n ? vc_alloc(c, n * sizeof(*d->rules[dir])) : NULL;
	if (!err && n && !d->rules[dir])
		err = -ENOMEM;
	for (size_t i = 0; !err && i < n; i++) {
		json_object *r = json_object_array_get_idx(list, i);

		m = vc_idx(c, i);
		err = parse_rule(c, r, vc_elem_line(list, r, line), dir, &d->rules[dir][i]);
		vc_pop(c, m);
	}
	d->n_rules[dir] = err ? 0 : n;
	vc_pop(c, mark);
	return err;
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
	size_t mark, m;
	int err;

	if (!has(root, "spec"))
		return vc_err(c, yj_line(root), "spec is required");
	err = vc_want_map(c, spec, yj_key_line(root, "spec"), "spec");
	if (err)
		return err;
	mark = vc_key(c, "spec");
	err = vc_fields(c, spec, fields);
	if (!err && !has(spec, "podSelector"))
		err = vc_err(c, yj_line(spec),
			     "podSelector is required ({} selects every pod of "
			     "the namespace)");
	if (!err) {
		m = vc_key(c, "podSelector");
		err = sel_parse(c, vc_field(spec, "podSelector"), yj_key_line(spec, "podSelector"),
				&d->pods);
		vc_pop(c, m);
	}
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
	static const char *const fields[] = {"apiVersion", "kind", "metadata", "spec", NULL};
	struct pol_doc *d = calloc(1, sizeof(*d));
	int err;

	*out = NULL;
	if (!d)
		return -ENOMEM;
	c->arena = &d->arena;
	err = vc_want_map(c, root, 0, "a document (a NetworkPolicy)");
	if (!err) {
		c->name = vc_peek_name(root); /* for the messages until metadata is checked */
		err = check_const(c, root, "apiVersion", POL_API_VERSION);
	}
	if (!err)
		err = check_const(c, root, "kind", POL_KIND);
	if (!err)
		err = vc_fields(c, root, fields);
	if (!err)
		err = parse_metadata(c, root, d);
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
		if (!strcmp(docs[i]->ns, d->ns) && !strcmp(docs[i]->name, d->name))
			return em_set(c->em, -EINVAL,
				      "document %d (%s): policy %s/%s is already defined by "
				      "document %d",
				      c->doc, d->name, d->ns, d->name, index[i]);
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
	arena_free(d->arena);
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
	return d->ns;
}

const char *pol_doc_name(const struct pol_doc *d)
{
	return d->name;
}

int pol_parse_root(json_object *root, int doc_index, struct pol_doc **out, struct errmsg *em)
{
	struct vctx c = {.em = em, .doc = doc_index};

	return doc_build(&c, root, out);
}
