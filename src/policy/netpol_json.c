// SPDX-License-Identifier: GPL-2.0-only
/*
 * A validated NetworkPolicy as canonical JSON: what the store keeps and
 * `show` prints. Defaults are written out (namespace, policyTypes, TCP),
 * CIDRs normalised, empty lists left out; pol_doc_from_json() reads it
 * back to the same document.
 */
#include <stdio.h>

#include <hyperion/abi.h>

#include "policy/netpol.h"

static json_object *jb_chk(struct jbuild *b, json_object *o)
{
	if (!o)
		b->failed = true;
	return o;
}

json_object *jb_obj(struct jbuild *b)
{
	return jb_chk(b, json_object_new_object());
}

json_object *jb_arr(struct jbuild *b)
{
	return jb_chk(b, json_object_new_array());
}

json_object *jb_str(struct jbuild *b, const char *s)
{
	return jb_chk(b, json_object_new_string(s));
}

json_object *jb_int(struct jbuild *b, int64_t v)
{
	return jb_chk(b, json_object_new_int64(v));
}

void jb_set(struct jbuild *b, json_object *obj, const char *key, json_object *val)
{
	if (!obj || !val || json_object_object_add(obj, key, val)) {
		b->failed = true;
		json_object_put(val);
	}
}

void jb_push(struct jbuild *b, json_object *arr, json_object *val)
{
	if (!arr || !val || json_object_array_add(arr, val)) {
		b->failed = true;
		json_object_put(val);
	}
}

static json_object *cidr_json(struct jbuild *b, const struct cidr4 *c)
{
	char ip[16], s[24];

	ipv4_format(c->addr, ip, sizeof(ip));
	snprintf(s, sizeof(s), "%s/%u", ip, c->prefix);
	return jb_str(b, s);
}

static json_object *peer_json(struct jbuild *b, const struct pol_peer *p)
{
	json_object *o = jb_obj(b), *ib, *ex;

	if (p->pods)
		jb_set(b, o, "podSelector", sel_json(b, p->pods));
	if (p->namespaces)
		jb_set(b, o, "namespaceSelector", sel_json(b, p->namespaces));
	if (!p->ip_block)
		return o;
	ib = jb_obj(b);
	jb_set(b, ib, "cidr", cidr_json(b, &p->cidr));
	if (p->n_except) {
		ex = jb_arr(b);
		for (size_t i = 0; i < p->n_except; i++)
			jb_push(b, ex, cidr_json(b, &p->except[i]));
		jb_set(b, ib, "except", ex);
	}
	jb_set(b, o, "ipBlock", ib);
	return o;
}

static const char *proto_name(uint8_t num)
{
	for (size_t i = 0; i < POL_N_PROTOCOLS; i++)
		if (pol_protocols[i].num == num)
			return pol_protocols[i].name;
	return "TCP";
}

static json_object *port_json(struct jbuild *b, const struct pol_port *p)
{
	json_object *o = jb_obj(b);

	jb_set(b, o, "protocol", jb_str(b, proto_name(p->proto)));
	if (p->port)
		jb_set(b, o, "port", jb_int(b, p->port));
	if (p->end_port)
		jb_set(b, o, "endPort", jb_int(b, p->end_port));
	return o;
}

static json_object *rule_json(struct jbuild *b, const struct pol_rule *r, int dir)
{
	json_object *o = jb_obj(b), *l;

	if (r->n_peers) {
		l = jb_arr(b);
		for (size_t i = 0; i < r->n_peers; i++)
			jb_push(b, l, peer_json(b, &r->peers[i]));
		jb_set(b, o, dir == HYP_DIR_INGRESS ? "from" : "to", l);
	}
	if (r->n_ports) {
		l = jb_arr(b);
		for (size_t i = 0; i < r->n_ports; i++)
			jb_push(b, l, port_json(b, &r->ports[i]));
		jb_set(b, o, "ports", l);
	}
	return o;
}

static json_object *kv_json(struct jbuild *b, const struct pol_kv *kv, size_t n)
{
	json_object *o = jb_obj(b);

	for (size_t i = 0; i < n; i++)
		jb_set(b, o, kv[i].key, jb_str(b, kv[i].val));
	return o;
}

static json_object *spec_json(struct jbuild *b, const struct pol_doc *d)
{
	static const char *const keys[] = {"ingress", "egress"};
	static const char *const names[] = {"Ingress", "Egress"};
	json_object *spec = jb_obj(b), *types = jb_arr(b), *l;

	jb_set(b, spec, "podSelector", sel_json(b, &d->pods));
	for (int dir = HYP_DIR_INGRESS; dir <= HYP_DIR_EGRESS; dir++)
		if (d->types & pol_dir_flag(dir))
			jb_push(b, types, jb_str(b, names[dir]));
	jb_set(b, spec, "policyTypes", types);
	for (int dir = HYP_DIR_INGRESS; dir <= HYP_DIR_EGRESS; dir++) {
		if (!d->n_rules[dir])
			continue;
		l = jb_arr(b);
		for (size_t i = 0; i < d->n_rules[dir]; i++)
			jb_push(b, l, rule_json(b, &d->rules[dir][i], dir));
		jb_set(b, spec, keys[dir], l);
	}
	return spec;
}

json_object *pol_doc_json(const struct pol_doc *d)
{
	struct jbuild b = {0};
	json_object *o = jb_obj(&b), *md = jb_obj(&b);

	jb_set(&b, o, "apiVersion", jb_str(&b, POL_API_VERSION));
	jb_set(&b, o, "kind", jb_str(&b, POL_KIND));
	jb_set(&b, md, "name", jb_str(&b, d->name));
	jb_set(&b, md, "namespace", jb_str(&b, d->ns));
	if (d->n_labels)
		jb_set(&b, md, "labels", kv_json(&b, d->labels, d->n_labels));
	if (d->n_annotations)
		jb_set(&b, md, "annotations", kv_json(&b, d->annotations, d->n_annotations));
	jb_set(&b, o, "metadata", md);
	jb_set(&b, o, "spec", spec_json(&b, d));
	if (b.failed) {
		json_object_put(o);
		return NULL;
	}
	return o;
}
