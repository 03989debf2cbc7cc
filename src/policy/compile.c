// SPDX-License-Identifier: GPL-2.0-only
/*
 * NetworkPolicy -> datapath entries, with Kubernetes' semantics:
 *  - a policy selects the endpoints of its namespace that match
 *    spec.podSelector, for each direction in its policyTypes;
 *  - an endpoint selected by no policy for a direction is allowed
 *    everything that way; once selected it is default-deny that way and
 *    the rules of every policy selecting it add up;
 *  - the rules of a direction outside policyTypes are ignored;
 *  - a peer podSelector alone means pods of the policy's namespace,
 *    namespaceSelector alone every pod of the matching namespaces, both
 *    together matching pods in matching namespaces; ipBlock the endpoints
 *    whose address of the block's family is in cidr and in no except, and
 *    such outside IPv4 addresses (the world: compile_world.c); no
 *    peers means any peer;
 *  - no ports means every protocol and port;
 *  - a named port resolves against the ports the selected endpoint
 *    (ingress) or the peer (egress) declares, with the rule's protocol;
 *    undeclared, it matches nothing. Entries are per identity: a name
 *    resolves for an identity only to the number all its endpoints declare
 *    for it; where they differ or one lacks it, it matches nothing there
 *    (denies more than Kubernetes, never allows more). An ipBlock peer
 *    resolves per endpoint IP; an egress rule without peers per identity.
 * Endpoints with the same identity have the same labels, so selection is
 * per identity: entries are keyed by the selected identity and the peer's
 * identity (or IPv4 for ipBlock, one entry per matching endpoint IP).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hyperion/abi.h>

#include "policy/compile_priv.h"

#define PORT_PREFIXES_MAX 32 /* a 16-bit range needs at most 30 */

static const struct labels no_labels;

const struct labels *comp_ep_labels(const struct pol_endpoint *ep)
{
	return ep->labels ? ep->labels : &no_labels;
}

static const char *ep_ns(const struct pol_endpoint *ep)
{
	return sel_pod_namespace(comp_ep_labels(ep));
}

static const char *ep_name(const struct pol_endpoint *ep)
{
	return ep->name ? ep->name : "?";
}

/* ---- the world: namespaces and identities ---- */

/* The administrator's labels of namespace name, NULL: none. */
static const struct labels *ns_given(const struct comp *k, const char *name)
{
	for (size_t i = 0; i < k->n_ns_in; i++)
		if (k->ns_in[i].labels && !strcmp(k->ns_in[i].name, name))
			return k->ns_in[i].labels;
	return NULL;
}

/*
 * A namespace's labels: kubernetes.io/metadata.name: NAME, as Kubernetes
 * sets it (no one can set it otherwise), and the administrator's. Never
 * its endpoints' labels: no pod speaks for its namespace.
 */
static int ns_labels(struct comp *k, struct ns_info *ns)
{
	const struct labels *given = ns_given(k, ns->name);
	int err = labels__set(&ns->labels, POL_NS_NAME_LABEL, ns->name);

	if (err)
		return em_set(k->em, err, "namespace %s is not a label value", ns->name);
	for (size_t i = 0; given && i < given->n; i++) {
		if (!strcmp(given->l[i].key, POL_NS_NAME_LABEL))
			continue;
		err = labels__set(&ns->labels, given->l[i].key, given->l[i].val);
		if (err)
			return em_set(k->em, err, "namespace %s: cannot add label %s=%s (%s)",
				      ns->name, given->l[i].key, given->l[i].val, strerror(-err));
	}
	return 0;
}

int comp_ns_find(struct comp *k, const char *name, size_t *idx)
{
	struct ns_info *nss;

	for (*idx = 0; *idx < k->n_nss; (*idx)++)
		if (!strcmp(k->nss[*idx].name, name))
			return 0;
	nss = realloc(k->nss, (k->n_nss + 1) * sizeof(*nss));
	if (!nss)
		return -ENOMEM;
	k->nss = nss;
	memset(&nss[*idx], 0, sizeof(nss[*idx]));
	nss[*idx].name = name;
	k->n_nss++;
	return ns_labels(k, &nss[*idx]);
}

static size_t id_probe(const struct comp *k, uint32_t id)
{
	size_t i = (id * 0x9e3779b1u) & (k->n_id_slots - 1);

	while (k->id_slot[i] && k->ids[k->id_slot[i] - 1].id != id)
		i = (i + 1) & (k->n_id_slots - 1);
	return i;
}

struct ident *comp_ident(const struct comp *k, uint32_t id)
{
	size_t i = id_probe(k, id);

	return k->id_slot[i] ? &k->ids[k->id_slot[i] - 1] : NULL;
}

static int ident_add(struct comp *k, const struct pol_endpoint *ep, size_t ns_idx)
{
	size_t slot = id_probe(k, ep->identity);

	if (k->id_slot[slot]) {
		const struct ident *u = &k->ids[k->id_slot[slot] - 1];

		if (!labels__equal(comp_ep_labels(u->ep), comp_ep_labels(ep)))
			return em_set(k->em, -EINVAL,
				      "endpoints %s and %s share identity %u but not their labels",
				      ep_name(u->ep), ep_name(ep), ep->identity);
		return 0;
	}
	if (ep->identity == HYP_PEER_ANY)
		return em_set(k->em, -EINVAL, "endpoint %s: identity %u is reserved (any peer)",
			      ep_name(ep), ep->identity);
	/* Nothing opens a connection to the host endpoint: no policy can select it,
	 * so it is isolated for ingress from the start and receives only the
	 * replies of the flows it opens (docs/northsouth.md). */
	k->ids[k->n_ids++] = (struct ident){
	    .id = ep->identity,
	    .ep = ep,
	    .ns = k->nss[ns_idx].name,
	    .ns_idx = ns_idx,
	    .flags = ep->identity == HYP_ID_HOST ? HYP_ENFORCE_INGRESS : 0,
	};
	k->id_slot[slot] = (uint32_t)k->n_ids;
	return 0;
}

static int world_build(struct comp *k)
{
	size_t idx;
	int err = 0;

	k->n_id_slots = 16;
	while (k->n_id_slots < 2 * (k->neps + 1))
		k->n_id_slots *= 2;
	k->ids = calloc(k->neps + 1, sizeof(*k->ids));
	k->id_slot = calloc(k->n_id_slots, sizeof(*k->id_slot));
	if (!k->ids || !k->id_slot)
		return -ENOMEM;
	for (size_t i = 0; !err && i < k->neps; i++) {
		/* endpoints come grouped by namespace: the last one found first */
		idx = k->n_nss - 1;
		if (!k->n_nss || strcmp(k->nss[idx].name, ep_ns(&k->eps[i])))
			err = comp_ns_find(k, ep_ns(&k->eps[i]), &idx);
		if (!err)
			err = ident_add(k, &k->eps[i], idx);
	}
	return err;
}

/* ---- entries ---- */

static bool same_key(const struct pol_entry *a, const struct pol_entry *b)
{
	return a->dir == b->dir && a->kind == b->kind && a->proto == b->proto &&
	       a->port_bits == b->port_bits && a->local_id == b->local_id && a->peer == b->peer &&
	       a->port == b->port && !memcmp(a->peer6, b->peer6, sizeof(a->peer6));
}

static uint32_t entry_hash(const struct pol_entry *e)
{
	uint64_t h = 0x9e3779b97f4a7c15ull;
	uint64_t w[3] = {
	    (uint64_t)e->dir << 56 | (uint64_t)e->kind << 48 | (uint64_t)e->proto << 40 |
		(uint64_t)e->port_bits << 32 | e->port,
	    e->local_id,
	    e->peer ^ ((uint64_t)e->peer6[2] << 32 | e->peer6[3]),
	};

	for (int i = 0; i < 3; i++) {
		h ^= w[i];
		h *= 0xff51afd7ed558ccdull;
		h ^= h >> 33;
	}
	return (uint32_t)h;
}

static size_t eset_probe(const struct eset *s, const struct pol_entry *e)
{
	size_t i = entry_hash(e) & (s->n_slots - 1);

	while (s->slot[i] && !same_key(&s->v[s->slot[i] - 1], e))
		i = (i + 1) & (s->n_slots - 1);
	return i;
}

static int eset_grow(struct eset *s)
{
	size_t n_slots = s->n_slots ? 2 * s->n_slots : 1024;
	uint32_t *old = s->slot;

	s->slot = calloc(n_slots, sizeof(*s->slot));
	if (!s->slot) {
		s->slot = old;
		return -ENOMEM;
	}
	s->n_slots = n_slots;
	for (size_t i = 0; i < s->n; i++)
		s->slot[eset_probe(s, &s->v[i])] = (uint32_t)(i + 1);
	free(old);
	return 0;
}

/* Adds e unless an entry with its key is there (the first rule keeps it). */
int comp_eset_add(struct eset *s, const struct pol_entry *e)
{
	struct pol_entry *v;
	size_t i;

	if (2 * (s->n + 1) > s->n_slots && eset_grow(s))
		return -ENOMEM;
	i = eset_probe(s, e);
	if (s->slot[i])
		return 0;
	if (s->n >= s->max || s->n >= UINT32_MAX - 1)
		return -E2BIG;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 256;

		v = realloc(s->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n] = *e;
	s->slot[i] = (uint32_t)++s->n;
	return 0;
}

/* The fewest prefixes covering [port, end_port]: port with low bits 0, 16 - k bits. */
static size_t port_prefixes(const struct doc_port *p, const struct pol_entry *tmpl,
			    struct pol_entry *out)
{
	uint32_t lo = p->port, hi = p->end_port ? p->end_port : p->port;
	size_t n = 0;

	out[0] = *tmpl;
	out[0].proto = p->proto;
	if (!p->port)
		return 1; /* protocol, any port: port_bits 0 */
	while (lo <= hi && n < PORT_PREFIXES_MAX) {
		unsigned int k = 0;

		while (k < 16 && !(lo & ((2u << k) - 1)) && lo + (2u << k) - 1 <= hi)
			k++;
		out[n] = *tmpl;
		out[n].proto = p->proto;
		out[n].port = (uint16_t)lo;
		out[n].port_bits = (uint8_t)(16 - k);
		n++;
		lo += 1u << k;
	}
	return n;
}

/* Who declares the named ports of an entry: one endpoint, or an identity's. */
struct decl {
	const struct pol_endpoint *ep;
	uint32_t id;
};

/* The port name resolves to for proto, 0: none (see the top of the file). */
static uint16_t named_resolve(const struct comp *k, const struct decl *w, const char *name,
			      uint8_t proto)
{
	uint16_t port = 0, p;

	if (!w)
		return 0;
	if (w->ep)
		return named_ports__find(w->ep->ports, w->ep->n_ports, name, proto);
	for (size_t i = 0; i < k->neps; i++) {
		if (k->eps[i].identity != w->id)
			continue;
		p = named_ports__find(k->eps[i].ports, k->eps[i].n_ports, name, proto);
		if (!p || (port && p != port))
			return 0;
		port = p;
	}
	return port;
}

bool comp_rule_has_named(const struct pol_rule *r)
{
	for (size_t i = 0; i < r->n_ports; i++)
		if (r->ports[i].name)
			return true;
	return false;
}

/* The entries of r's ports for e; named_only: only its named ports. */
static int emit_ports(struct comp *k, struct pol_entry e, const struct pol_rule *r,
		      const struct decl *w, bool named_only)
{
	struct pol_entry pf[PORT_PREFIXES_MAX];
	int err = 0;

	if (!r->n_ports) {
		if (named_only)
			return 0;
		e.proto = 0;
		e.port = 0;
		e.port_bits = 0;
		return comp_eset_add(&k->set, &e);
	}
	for (size_t i = 0; !err && i < r->n_ports; i++) {
		struct doc_port dp = r->ports[i];
		size_t n;

		if (dp.name) {
			dp.port = named_resolve(k, w, dp.name, dp.proto);
			if (!dp.port)
				continue; /* declared by none: matches nothing */
		} else if (named_only) {
			continue;
		}
		n = port_prefixes(&dp, &e, pf);

		for (size_t j = 0; !err && j < n; j++)
			err = comp_eset_add(&k->set, &pf[j]);
	}
	return err;
}

/* ---- selection ---- */

bool comp_peer_selects(const struct comp *k, const struct pol_doc *d, const struct pol_peer *p,
		       const struct ident *v)
{
	if (v->id == HYP_ID_HOST)
		return false; /* the host: only through its address (ipBlock) */
	if (p->namespaces && !sel_matches(p->namespaces, &k->nss[v->ns_idx].labels))
		return false;
	if (!p->namespaces && strcmp(v->ns, d->meta.ns))
		return false; /* podSelector alone: the policy's namespace */
	return !p->pods || sel_matches(p->pods, comp_ep_labels(v->ep));
}

static int emit_peer(struct comp *k, const struct pol_doc *d, const struct pol_peer *p,
		     struct pol_entry e, const struct pol_rule *r, const struct decl *local)
{
	bool egress = e.dir == HYP_DIR_EGRESS;
	int err = 0;

	if (p->ip_block) { /* one entry per endpoint address of the block's family in it */
		err = pol_world_add(&k->world, p, r, &e);
		e.kind = p->ipv6 ? HYP_PEER_IPV6 : HYP_PEER_IPV4;
		for (size_t i = 0; !err && i < k->neps; i++) {
			if (p->ipv6 ? !pol_ip6_selected(p, &k->eps[i])
				    : !k->eps[i].ip || !pol_ip_selected(p, k->eps[i].ip))
				continue;
			struct decl w = {.ep = &k->eps[i]};

			e.peer = p->ipv6 ? 0 : k->eps[i].ip;
			memcpy(e.peer6, k->eps[i].ip6, p->ipv6 ? sizeof(e.peer6) : 0);
			err = emit_ports(k, e, r, egress ? &w : local, false);
		}
		return err;
	}
	e.kind = HYP_PEER_IDENTITY;
	for (size_t i = 0; !err && i < k->n_ids; i++) {
		if (!comp_peer_selects(k, d, p, &k->ids[i]))
			continue;
		struct decl w = {.id = k->ids[i].id};

		e.peer = k->ids[i].id;
		err = emit_ports(k, e, r, egress ? &w : local, false);
	}
	return err;
}

/* The world's ipBlock entries (compile_world.c): e, or r's ports (named: the local's) */
static int world_entry(void *ctx, const struct pol_entry *e, const struct pol_rule *r)
{
	struct comp *k = ctx;
	struct decl local = {.id = e->local_id};

	return r ? emit_ports(k, *e, r, e->dir == HYP_DIR_EGRESS ? NULL : &local, false)
		 : comp_eset_add(&k->set, e);
}

static int compile_rule(struct comp *k, const struct pol_doc *d, const struct pol_rule *r,
			struct pol_entry e)
{
	struct decl local = {.id = e.local_id};
	bool egress = e.dir == HYP_DIR_EGRESS;
	int err = 0;

	if (!r->n_peers) {
		e.kind = HYP_PEER_IDENTITY;
		e.peer = HYP_PEER_ANY;
		err = emit_ports(k, e, r, egress ? NULL : &local, false);
		/* egress to any peer: a named port per destination identity */
		for (size_t i = 0; !err && egress && comp_rule_has_named(r) && i < k->n_ids; i++) {
			struct decl w = {.id = k->ids[i].id};

			e.peer = k->ids[i].id;
			err = emit_ports(k, e, r, &w, true);
		}
		return err;
	}
	for (size_t i = 0; !err && i < r->n_peers; i++)
		err = emit_peer(k, d, &r->peers[i], e, r, &local);
	return err;
}

static int rule_ref_add(struct comp *k, const struct pol_doc *d, int dir, size_t i)
{
	struct pol_rule_ref *rules, *ref;

	if (k->n_rules == k->cap_rules) {
		size_t cap = 2 * k->cap_rules;

		rules = realloc(k->rules, cap * sizeof(*rules));
		if (!rules)
			return -ENOMEM;
		k->rules = rules;
		k->cap_rules = cap;
	}
	ref = &k->rules[k->n_rules++];
	memset(ref, 0, sizeof(*ref));
	snprintf(ref->policy, sizeof(ref->policy), "%s/%s", d->meta.ns, d->meta.name);
	ref->dir = (uint8_t)dir;
	ref->rule = (int)i;
	return 0;
}

static int sel_log_add(struct sel_log *l, uint32_t id, uint8_t flag)
{
	struct pol_enforce *v;

	if (!l)
		return 0;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		v = realloc(l->v, l->cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		l->v = v;
	}
	l->v[l->n++] = (struct pol_enforce){id, flag};
	return 0;
}

static int compile_ident(struct comp *k, const struct pol_doc *d, int dir, uint32_t base,
			 struct ident *u)
{
	int err = 0;

	if (u->id == HYP_ID_HOST || strcmp(u->ns, d->meta.ns) ||
	    !sel_matches(&d->pods, comp_ep_labels(u->ep)))
		return 0; /* a policy never selects the host */
	u->flags |= pol_dir_flag(dir);
	err = sel_log_add(k->sel, u->id, pol_dir_flag(dir));
	for (size_t i = 0; !err && i < d->n_rules[dir]; i++) {
		struct pol_entry e = {
		    .dir = (uint8_t)dir,
		    .local_id = u->id,
		    .rule_id = base + (uint32_t)i,
		};

		err = compile_rule(k, d, &d->rules[dir][i], e);
		if (err == -E2BIG)
			return em_set(k->em, err,
				      "policy %s/%s, %s rule %zu: more than %zu datapath entries "
				      "(selected identities x peers x port prefixes); narrow the "
				      "selectors or port ranges",
				      d->meta.ns, d->meta.name,
				      dir == HYP_DIR_INGRESS ? "ingress" : "egress", i, k->set.max);
	}
	return err;
}

int comp_doc(struct comp *k, const struct pol_doc *d)
{
	int err = 0;

	for (int dir = HYP_DIR_INGRESS; !err && dir <= HYP_DIR_EGRESS; dir++) {
		uint32_t base = (uint32_t)k->n_rules;

		if (!(d->types & pol_dir_flag(dir)))
			continue;
		for (size_t i = 0; !err && i < d->n_rules[dir]; i++)
			err = rule_ref_add(k, d, dir, i);
		for (size_t i = 0; !err && i < k->n_ids; i++)
			err = compile_ident(k, d, dir, base, &k->ids[i]);
	}
	return err;
}

int comp_init(struct comp *k, const struct pol_endpoint *eps, size_t neps,
	      const struct pol_namespace *nss, size_t n_nss, size_t max_entries, struct errmsg *em)
{
	*k = (struct comp){.eps = eps,
			   .neps = neps,
			   .ns_in = nss,
			   .n_ns_in = n_nss,
			   .em = em,
			   .set.max = max_entries};
	k->rules = calloc(16, sizeof(*k->rules));
	if (!k->rules)
		return -ENOMEM;
	k->cap_rules = 16;
	k->n_rules = 1; /* rule ids start at 1 */
	return world_build(k);
}

int comp_world(struct comp *k)
{
	return pol_world_emit(&k->world, world_entry, k);
}
