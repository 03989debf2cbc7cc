/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The differential policy test's independent model of Kubernetes'
 * NetworkPolicy semantics (test_policy_diff.c), written from the
 * generator's own description of the policies, without compiled entries:
 * a compiler bug that BPF and pol_eval share is caught too.
 */
#ifndef HYP_TESTS_BPF_POLICY_DIFF_MODEL_H
#define HYP_TESTS_BPF_POLICY_DIFF_MODEL_H

#include "policy_diff_gen.h"

static const char *ep_label(const struct g_ep *e, int key)
{
	if (key == K_APP)
		return key_vals[K_APP][e->app];
	if (key == K_TIER)
		return e->tier < 0 ? NULL : key_vals[K_TIER][e->tier];
	return NULL;
}

static const char *ns_label(int ns, int key)
{
	if (key == K_NSNAME)
		return ns_names[ns];
	if (key == K_ENV)
		return ns_env[ns];
	return NULL;
}

static bool req_ok(const struct g_req *q, const char *v)
{
	bool in = false;

	for (int k = 0; v && k < q->nv; k++)
		in |= !strcmp(v, key_vals[q->key][q->vals[k]]);
	switch (q->op) {
	case OP_IN:
		return v && in;
	case OP_NOT_IN:
		return !v || !in;
	case OP_EXISTS:
		return v;
	default:
		return !v;
	}
}

static bool sel_pod(const struct g_sel *s, const struct g_ep *e)
{
	for (int i = 0; i < s->n; i++)
		if (!req_ok(&s->r[i], ep_label(e, s->r[i].key)))
			return false;
	return true;
}

static bool sel_ns(const struct g_sel *s, int ns)
{
	for (int i = 0; i < s->n; i++)
		if (!req_ok(&s->r[i], ns_label(ns, s->r[i].key)))
			return false;
	return true;
}

static bool in_cidr(uint32_t ip, uint32_t net, int plen)
{
	return (ip & mask_of(plen)) == net;
}

static bool peer_ok(const struct g_pol *p, const struct g_peer *pe, const struct g_ep *peer)
{
	switch (pe->kind) {
	case PEER_IPV6:
		return false; /* endpoints have IPv4 addresses only */
	case PEER_IPBLOCK:
		if (!in_cidr(peer->ip, pe->cidr, pe->plen))
			return false;
		for (int i = 0; i < pe->nex; i++)
			if (in_cidr(peer->ip, pe->ex[i], pe->explen[i]))
				return false;
		return true;
	case PEER_PODS:
		return peer->ns == p->ns && sel_pod(&pe->pods, peer);
	case PEER_NS:
		return sel_ns(&pe->nss, peer->ns);
	default:
		return sel_ns(&pe->nss, peer->ns) && sel_pod(&pe->pods, peer);
	}
}

static bool port_ok(const struct g_rule *ru, int proto, int dport)
{
	if (!ru->n_ports)
		return true;
	for (int i = 0; i < ru->n_ports; i++) {
		const struct g_port *pt = &ru->ports[i];
		int pp = pt->proto ? pt->proto : IPPROTO_TCP_;

		if (pp != proto)
			continue;
		if (!pt->port)
			return true;
		if (pt->end ? dport >= pt->port && dport <= pt->end : dport == pt->port)
			return true;
	}
	return false;
}

/* Kubernetes' policyTypes: as given (a duplicate changes nothing), else the default. */
static int pol_types(const struct g_pol *p)
{
	return p->types
		   ? p->types
		   : HYP_ENFORCE_INGRESS | (p->n_rules[HYP_DIR_EGRESS] ? HYP_ENFORCE_EGRESS : 0);
}

/* Is local (selected in dir) allowed to talk with peer? 1 yes, 0 no. */
static bool side_ok(const struct round *r, int dir, const struct g_ep *local,
		    const struct g_ep *peer, int proto, int dport)
{
	int flag = dir == HYP_DIR_INGRESS ? HYP_ENFORCE_INGRESS : HYP_ENFORCE_EGRESS;
	bool selected = false;

	for (int i = 0; i < r->n_pols; i++) {
		const struct g_pol *p = &r->pols[i];

		if (!(pol_types(p) & flag) || p->ns != local->ns || !sel_pod(&p->pods, local))
			continue;
		selected = true;
		for (int k = 0; k < p->n_rules[dir]; k++) {
			const struct g_rule *ru = &p->rules[dir][k];
			bool peer_match = !ru->n_peers;

			for (int j = 0; j < ru->n_peers && !peer_match; j++)
				peer_match = peer_ok(p, &ru->peers[j], peer);
			if (peer_match && port_ok(ru, proto, dport))
				return true;
		}
	}
	return !selected;
}

static int model_reason(const struct round *r, const struct g_ep *src, const struct g_ep *dst,
			int proto, int dport)
{
	if (!side_ok(r, HYP_DIR_EGRESS, src, dst, proto, dport))
		return HYP_DROP_POLICY_EGRESS;
	if (!side_ok(r, HYP_DIR_INGRESS, dst, src, proto, dport))
		return HYP_DROP_POLICY_INGRESS;
	return 0;
}

#endif
