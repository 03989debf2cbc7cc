// SPDX-License-Identifier: GPL-2.0-only
/*
 * A validated NetworkPolicy as canonical JSON: what the store keeps and
 * `show` prints. Defaults are written out (namespace, policyTypes, TCP),
 * CIDRs normalised, empty lists left out, rules of a direction outside
 * policyTypes kept (ignored, as Kubernetes keeps them); pol_doc_from_json()
 * reads it back to the same document.
 */
#include <stdio.h>

#include <hyperion/abi.h>

#include "policy/netpol.h"

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
	jb_set(b, ib, "cidr", p->ipv6 ? jb_str(b, p->cidr6) : cidr_json(b, &p->cidr));
	if (p->n_except) {
		ex = jb_arr(b);
		for (size_t i = 0; i < p->n_except; i++)
			jb_push(b, ex,
				p->ipv6 ? jb_str(b, p->except6[i]) : cidr_json(b, &p->except[i]));
		jb_set(b, ib, "except", ex);
	}
	jb_set(b, o, "ipBlock", ib);
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
	if (r->n_ports)
		jb_set(b, o, "ports", ports_json(b, &pol_ports, r->ports, r->n_ports));
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
	json_object *o = doc_meta_json(&b, &pol_kind, &d->meta);

	jb_set(&b, o, "spec", spec_json(&b, d));
	return jb_done(&b, o);
}
