/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The differential policy test's policies as JSON documents
 * (test_policy_diff.c): each generated policy written the way its
 * description says, the empty and null shapes Kubernetes decodes with a
 * meaning of their own included, as one multi-document text.
 */
#ifndef HYP_TESTS_BPF_POLICY_DIFF_JSON_H
#define HYP_TESTS_BPF_POLICY_DIFF_JSON_H

#include "policy_diff_gen.h"

static json_object *sel_json(const struct g_sel *s)
{
	json_object *o = json_object_new_object(), *ml = NULL, *me = NULL;

	for (int i = 0; i < s->n; i++) {
		const struct g_req *q = &s->r[i];

		json_object *e;

		if (q->ml) {
			if (!ml)
				ml = json_object_new_object();
			json_object_object_add(
			    ml, key_names[q->key],
			    json_object_new_string(key_vals[q->key][q->vals[0]]));
			continue;
		}
		e = json_object_new_object();
		json_object_object_add(e, "key", json_object_new_string(key_names[q->key]));
		json_object_object_add(e, "operator", json_object_new_string(op_names[q->op]));
		if (q->nv) {
			json_object *v = json_object_new_array();

			for (int k = 0; k < q->nv; k++)
				json_object_array_add(
				    v, json_object_new_string(key_vals[q->key][q->vals[k]]));
			json_object_object_add(e, "values", v);
		}
		if (!me)
			me = json_object_new_array();
		json_object_array_add(me, e);
	}
	if (ml)
		json_object_object_add(o, "matchLabels", ml);
	else if (s->null_ml)
		json_object_object_add(o, "matchLabels", NULL);
	if (me)
		json_object_object_add(o, "matchExpressions", me);
	else if (s->null_me)
		json_object_object_add(o, "matchExpressions", NULL);
	return o;
}

static json_object *cidr_json(uint32_t addr, int plen)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%u.%u.%u.%u/%d", addr >> 24, (addr >> 16) & 0xff,
		 (addr >> 8) & 0xff, addr & 0xff, plen);
	return json_object_new_string(buf);
}

static const char *const v6_blocks[][2] = {
    {"::/0", NULL},
    {"fd00::/8", "fd00:1::/32"},
    {"2001:db8::/32", NULL},
};

static json_object *peer_json(const struct g_peer *p)
{
	json_object *o = json_object_new_object();

	if (p->null_absent) {
		if (p->kind != PEER_PODS && p->kind != PEER_BOTH)
			json_object_object_add(o, "podSelector", NULL);
		if (p->kind != PEER_NS && p->kind != PEER_BOTH)
			json_object_object_add(o, "namespaceSelector", NULL);
		if (p->kind != PEER_IPBLOCK && p->kind != PEER_IPV6)
			json_object_object_add(o, "ipBlock", NULL);
	}
	if (p->kind == PEER_IPV6) {
		json_object *ib = json_object_new_object();

		json_object_object_add(ib, "cidr", json_object_new_string(v6_blocks[p->v6][0]));
		if (v6_blocks[p->v6][1]) {
			json_object *ex = json_object_new_array();

			json_object_array_add(ex, json_object_new_string(v6_blocks[p->v6][1]));
			json_object_object_add(ib, "except", ex);
		}
		json_object_object_add(o, "ipBlock", ib);
		return o;
	}
	if (p->kind == PEER_IPBLOCK) {
		json_object *ib = json_object_new_object();

		json_object_object_add(ib, "cidr", cidr_json(p->cidr, p->plen));
		if (p->nex) {
			json_object *ex = json_object_new_array();

			for (int i = 0; i < p->nex; i++)
				json_object_array_add(ex, cidr_json(p->ex[i], p->explen[i]));
			json_object_object_add(ib, "except", ex);
		}
		json_object_object_add(o, "ipBlock", ib);
		return o;
	}
	if (p->kind == PEER_PODS || p->kind == PEER_BOTH)
		json_object_object_add(o, "podSelector", sel_json(&p->pods));
	if (p->kind == PEER_NS || p->kind == PEER_BOTH)
		json_object_object_add(o, "namespaceSelector", sel_json(&p->nss));
	return o;
}

static const char *proto_name(int proto)
{
	return proto == IPPROTO_TCP_ ? "TCP" : proto == IPPROTO_UDP_ ? "UDP" : "SCTP";
}

/* An empty list as form says: nothing, [] or null. */
static void empty_list(json_object *o, const char *key, int form)
{
	if (form == LIST_EMPTY)
		json_object_object_add(o, key, json_object_new_array());
	else if (form == LIST_NULL)
		json_object_object_add(o, key, NULL);
}

static json_object *port_json(const struct g_port *p)
{
	json_object *po;

	if (p->null_item)
		return NULL; /* Kubernetes: {} */
	po = json_object_new_object();
	if (p->proto)
		json_object_object_add(po, "protocol",
				       json_object_new_string(proto_name(p->proto)));
	else if (p->nulls)
		json_object_object_add(po, "protocol", NULL);
	if (p->port)
		json_object_object_add(po, "port", json_object_new_int(p->port));
	else if (p->nulls)
		json_object_object_add(po, "port", NULL);
	if (p->end)
		json_object_object_add(po, "endPort", json_object_new_int(p->end));
	else if (p->nulls)
		json_object_object_add(po, "endPort", NULL);
	return po;
}

static json_object *rule_json(const struct g_rule *ru, int dir)
{
	const char *key = dir == HYP_DIR_INGRESS ? "from" : "to";
	json_object *o;

	if (ru->null_rule)
		return NULL; /* Kubernetes: {} */
	o = json_object_new_object();
	if (ru->n_peers) {
		json_object *a = json_object_new_array();

		for (int i = 0; i < ru->n_peers; i++)
			json_object_array_add(a, peer_json(&ru->peers[i]));
		json_object_object_add(o, key, a);
	} else {
		empty_list(o, key, ru->peers_form);
	}
	if (ru->n_ports) {
		json_object *a = json_object_new_array();

		for (int i = 0; i < ru->n_ports; i++)
			json_object_array_add(a, port_json(&ru->ports[i]));
		json_object_object_add(o, "ports", a);
	} else {
		empty_list(o, "ports", ru->ports_form);
	}
	return o;
}

static char *policy_text(const struct round *r)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);

	assert_non_null(buf);
	buf[0] = 0;
	for (int i = 0; i < r->n_pols; i++) {
		const struct g_pol *p = &r->pols[i];
		json_object *o = json_object_new_object(), *md = json_object_new_object();
		json_object *spec = json_object_new_object();
		char name[16];
		const char *s;
		size_t n;

		snprintf(name, sizeof(name), "p%d", i);
		json_object_object_add(o, "apiVersion",
				       json_object_new_string("networking.k8s.io/v1"));
		json_object_object_add(o, "kind", json_object_new_string("NetworkPolicy"));
		json_object_object_add(md, "name", json_object_new_string(name));
		if (p->ns != NS_DEFAULT || chance(50))
			json_object_object_add(md, "namespace",
					       json_object_new_string(ns_names[p->ns]));
		json_object_object_add(o, "metadata", md);
		if (p->pods_form == 0)
			json_object_object_add(spec, "podSelector", sel_json(&p->pods));
		else if (p->pods_form == 2)
			json_object_object_add(spec, "podSelector", NULL);
		if (p->types || p->empty_types) {
			json_object *t = json_object_new_array();

			if (p->types & HYP_ENFORCE_INGRESS)
				json_object_array_add(t, json_object_new_string("Ingress"));
			if (p->types & HYP_ENFORCE_EGRESS)
				json_object_array_add(t, json_object_new_string("Egress"));
			if (p->dup_type)
				json_object_array_add(
				    t, json_object_new_string(
					   p->types & HYP_ENFORCE_INGRESS ? "Ingress" : "Egress"));
			json_object_object_add(spec, "policyTypes", t);
		}
		for (int dir = 0; dir < 2; dir++) {
			const char *key = dir == HYP_DIR_INGRESS ? "ingress" : "egress";
			json_object *a;

			if (!p->n_rules[dir]) {
				empty_list(spec, key, p->write_empty[dir]);
				continue;
			}
			a = json_object_new_array();
			for (int k = 0; k < p->n_rules[dir]; k++)
				json_object_array_add(a, rule_json(&p->rules[dir][k], dir));
			json_object_object_add(spec, key, a);
		}
		if (p->no_spec == 2)
			json_object_object_add(o, "spec", NULL);
		if (p->no_spec)
			json_object_put(spec);
		else
			json_object_object_add(o, "spec", spec);
		s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							  JSON_C_TO_STRING_NOSLASHESCAPE);
		n = strlen(s);
		while (len + n + 8 > cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		len += (size_t)sprintf(buf + len, "---\n%s\n", s);
		json_object_put(o);
	}
	return buf;
}

#endif
