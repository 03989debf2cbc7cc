// SPDX-License-Identifier: GPL-2.0-only
/*
 * Policies of a node: kept in the store as canonical JSON, compiled with
 * the current endpoints into the datapath's tables whenever either side
 * changes, switched in atomically by the backend.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "hyperion/abi.h"
#include "core/node_priv.h"
#include "lib/keys.h"
#include "lib/fault.h"
#include "lib/log.h"
#include "policy/policy.h"
#include "lib/yaml.h"
#include "inspect/inspect.h"
#include "inspect/doc.h"

struct world {
	struct node *n;
	struct pol_doc **docs; /* borrowed from the node's cache */
	size_t ndocs;
	struct pol_endpoint *eps;
	struct labels *labels;
	struct named_ports *ports;
	char (*names)[64];
	size_t neps, cap;
	struct node_ns ns; /* namespace labels */
};

static void bufs_free(struct node_world_bufs *b)
{
	free(b->eps);
	free(b->labels);
	free(b->ports);
	free(b->names);
	memset(b, 0, sizeof(*b));
}

void node_world_bufs_free(struct node *n)
{
	bufs_free(&n->wbufs);
}

/* The node's kept arrays become w's (none when another world holds them). */
static void world_take(struct node *n, struct world *w)
{
	w->eps = n->wbufs.eps;
	w->labels = n->wbufs.labels;
	w->ports = n->wbufs.ports;
	w->names = n->wbufs.names;
	w->cap = n->wbufs.cap;
	memset(&n->wbufs, 0, sizeof(n->wbufs));
}

static void world_free(struct world *w)
{
	struct node_world_bufs b = {w->eps, w->labels, w->ports, w->names, w->cap};

	node_ns_free(&w->ns);
	free(w->docs);
	/* the larger arrays are kept for the next world */
	if (w->n && b.cap > w->n->wbufs.cap) {
		bufs_free(&w->n->wbufs);
		w->n->wbufs = b;
	} else {
		bufs_free(&b);
	}
	memset(w, 0, sizeof(*w));
}

static int ep_cb(const struct snic_rec *r, void *ctx)
{
	struct world *w = ctx;

	if (w->neps == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		void *a = realloc(w->eps, cap * sizeof(*w->eps));

		if (!a)
			return -ENOMEM;
		w->eps = a;
		a = realloc(w->labels, cap * sizeof(*w->labels));
		if (!a)
			return -ENOMEM;
		w->labels = a;
		a = realloc(w->ports, cap * sizeof(*w->ports));
		if (!a)
			return -ENOMEM;
		w->ports = a;
		a = realloc(w->names, cap * sizeof(*w->names));
		if (!a)
			return -ENOMEM;
		w->names = a;
		w->cap = cap;
	}
	if (labels__parse_canonical(&w->labels[w->neps], r->labels) ||
	    named_ports__parse(&w->ports[w->neps], r->ports))
		return -EINVAL;
	snprintf(w->names[w->neps], sizeof(w->names[0]), "%s", r->name);
	/* whole: a field left out (v6) was read uninitialized by policy trace;
	 * the pointers into the arrays are set when they stop moving (world_fill_eps) */
	w->eps[w->neps] = (struct pol_endpoint){.identity = r->identity,
						.ip = r->ip,
						.has_ip6 = r->prefix6 != 0};
	memcpy(w->eps[w->neps].ip6, r->ip6, sizeof(w->eps[0].ip6));
	w->neps++;
	return 0;
}

static int doc_cb(const char *ns, const char *name, const char *doc, int64_t updated, void *ctx)
{
	struct world *w = ctx;
	struct errmsg em = {};
	struct pol_doc **nd, *d;
	int err;

	(void)updated;
	err = node_pol_cache_get(w->n, doc, &d, &em);
	if (err) {
		pr_warn("policy %s/%s: stored document no longer valid: %s\n", ns, name, em.msg);
		return err;
	}
	nd = realloc(w->docs, (w->ndocs + 1) * sizeof(*nd));
	if (!nd)
		return -ENOMEM;
	w->docs = nd;
	w->docs[w->ndocs++] = d;
	return 0;
}

/* Endpoints and policies as the store has them (inside a transaction too). */
static int world_load(struct node *n, struct world *w)
{
	int err;

	memset(w, 0, sizeof(*w));
	w->n = n;
	world_take(n, w);
	err = node_pol_cache_begin(n);
	if (!err)
		err = store__snic_foreach(n->st, ep_cb, w);
	if (!err && n->remote_fn)
		err = n->remote_fn(n->remote_arg, ep_cb, w);
	if (!err)
		err = store__policy_foreach(n->st, doc_cb, w);
	if (!err)
		err = node_pol_cache_end(n);
	if (!err)
		err = node_ns_load(n, &w->ns);
	if (err)
		world_free(w);
	return err;
}

static int world_fill_eps(struct node *n, struct world *w);

static int policy_compile(struct node *n, struct pol_program *prog, struct world *w,
			  struct errmsg *em)
{
	int err = world_load(n, w);

	if (!err)
		err = world_fill_eps(n, w);
	if (err)
		return em_set(em, err, "cannot read policies and endpoints from the store");
	if (!n->pinc)
		n->pinc = pol_inc_new();
	if (!n->pinc)
		return em_set(em, -ENOMEM, "no memory for the policy compiler");
	err = pol_inc_compile(n->pinc, w->docs, w->ndocs, w->eps, w->neps, w->ns.v, w->ns.n,
			      HYP_POLICY_MAX_ENTRIES / 2, prog, em);
	return err;
}

/* One walk of the store per compile (it was two: O(n) per SNIC add, twice) */
static int world_fill_eps(struct node *n, struct world *w)
{
	(void)n;
	for (size_t i = 0; i < w->neps; i++) {
		struct pol_endpoint *e = &w->eps[i];

		e->name = w->names[i];
		e->labels = &w->labels[i];
		e->ports = w->ports[i].p;
		e->n_ports = w->ports[i].n;
	}
	return 0;
}

static double secs_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Compiles what the store holds into *prog (the caller frees it). */
static int policy_check_prog(struct node *n, struct pol_program *prog, double *compile_s,
			     struct errmsg *em)
{
	struct timespec t0;
	struct world w;
	int err;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = policy_compile(n, prog, &w, em);
	*compile_s = secs_since(&t0);
	if (!err) {
		const struct pol_inc_stats *st = pol_inc_stats(n->pinc);

		pr_debug("policy: %zu policies (%zu compiled, %zu reused), %zu endpoints (%zu "
			 "changed), %zu table entries, %.1f ms\n",
			 w.ndocs, st->docs_compiled, st->docs_reused, w.neps, st->eps_changed,
			 prog->n_entries, *compile_s * 1e3);
	}
	world_free(&w);
	return err;
}

int node__policy_check(struct node *n, struct errmsg *em)
{
	struct pol_program prog = {};
	double s;
	int err = policy_check_prog(n, &prog, &s, em);

	pol_program_free(&prog);
	return err;
}

/* Loads a program compiled from what the store holds now. */
static int policy_load_prog(struct node *n, const struct pol_program *prog, double compile_s,
			    struct errmsg *em)
{
	struct timespec t1;
	int err;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	err = n->be->policy_load(n->bep, prog, em);
	if (!err)
		node_monitor_rules(n, prog->rules, prog->n_rules, compile_s, secs_since(&t1));
	return err;
}

int node__policy_sync(struct node *n, struct errmsg *em)
{
	struct pol_program prog = {};
	double compile_s;
	int err = policy_check_prog(n, &prog, &compile_s, em);

	if (!err)
		err = policy_load_prog(n, &prog, compile_s, em);
	pol_program_free(&prog);
	return err;
}

/*
 * Loads the committed set. When the datapath refuses it (only the backend
 * knows whether an inspection set fits its tables), the documents go back
 * as they were and the datapath is loaded from that: the apply changed
 * nothing. A failure to do even that is left to the reconcile loop.
 */
static int load_applied(struct node *n, const struct parsed *p, const struct pol_program *prog,
			double compile_s, const struct doc_undo *u, struct errmsg *em)
{
	int err = 0, uerr;

	if (p->n_net)
		err = policy_load_prog(n, prog, compile_s, em);
	if (!err && p->n_net)
		fault_point("policy-apply-loaded");
	if (!err && p->n_insp)
		err = node__inspect_sync(n, em);
	if (!err && p->n_insp)
		fault_point("inspect-apply-loaded");
	if (!err)
		return 0;
	uerr = doc_undo_apply(n, u);
	if (!uerr)
		uerr = node__policy_sync(n, NULL);
	if (!uerr)
		uerr = node__inspect_sync(n, NULL);
	if (uerr) {
		n->policy_loaded = false;
		pr_warn("policy apply refused by the datapath, and undoing it failed (the "
			"reconcile loop retries): %s\n",
			strerror(-uerr));
	}
	return err;
}

static int put_doc(struct node *n, enum store_doc_kind kind, const char *ns, const char *name,
		   json_object *o, json_object *applied, struct doc_undo *u, struct errmsg *em)
{
	char ref[400];
	int err;

	err = doc_undo_add(n, u, kind, ns, name);
	if (!err)
		err = store__doc_put(n->st, kind, ns, name,
			     json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
			     (int64_t)time(NULL));
	snprintf(ref, sizeof(ref), "%s %s/%s",
		 kind == STORE_DOC_INSPECTION ? "inspectionpolicy" : "networkpolicy", ns, name);
	json_object_array_add(applied, json_object_new_string(ref));
	return err ? em_set(em, err, "%s: cannot store it", ref) : 0;
}

/*
 * The reply: {"applied": [...], "warnings": [...]}. Warnings are taken from
 * this parse only (the store's re-parse at every compile would repeat them).
 */
static json_object *apply_reply(const struct parsed *p, json_object *applied)
{
	json_object *r = json_object_new_object(), *w = json_object_new_array();

	for (size_t i = 0; i < p->n_net; i++)
		for (size_t k = 0; k < pol_doc_n_warnings(p->net[i]); k++)
			json_object_array_add(
			    w, json_object_new_string(pol_doc_warning(p->net[i], k)));
	json_object_object_add(r, KEY_APPLIED, applied);
	json_object_object_add(r, KEY_WARNINGS, w);
	return r;
}

int node__policy_apply(struct node *n, const char *text, size_t len, json_object **result,
		       struct errmsg *em)
{
	struct pol_program prog = {};
	struct doc_undo undo = {};
	double compile_s = 0;
	struct parsed p;
	json_object *applied, *o;
	int err;

	err = node_parse_all(text, len, &p, em);
	if (err)
		return err;
	err = store__begin(n->st);
	if (err) {
		node_parsed_free(&p);
		return em_set(em, err, "store busy");
	}
	applied = json_object_new_array();
	for (size_t i = 0; !err && i < p.n_net; i++) {
		o = pol_doc_json(p.net[i]);
		err = put_doc(n, STORE_DOC_NETPOL, pol_doc_namespace(p.net[i]),
			      pol_doc_name(p.net[i]), o, applied, &undo, em);
		json_object_put(o);
	}
	for (size_t i = 0; !err && i < p.n_insp; i++) {
		o = insp_doc_json(p.insp[i]);
		err = put_doc(n, STORE_DOC_INSPECTION, insp_doc_namespace(p.insp[i]),
			      insp_doc_name(p.insp[i]), o, applied, &undo, em);
		json_object_put(o);
	}
	if (!err)
		fault_point("policy-apply-stored");
	/*
	 * Compile the whole set (any failure leaves the old one in force and
	 * the store unchanged), commit, then load. Loading before the commit
	 * let a crash between the two leave the datapath enforcing a set the
	 * store rolled back (tests/ns/test_crash.sh, policy-apply-loaded).
	 */
	if (!err && p.n_net) /* the program the commit below puts in force */
		err = policy_check_prog(n, &prog, &compile_s, em);
	if (!err && p.n_insp)
		err = node__inspect_check(n, em);
	if (!err)
		err = store__commit(n->st);
	if (err) {
		store__rollback(n->st);
	} else {
		fault_point("policy-apply-committed");
		err = load_applied(n, &p, &prog, compile_s, &undo, em);
	}
	if (err) {
		json_object_put(applied);
		applied = NULL;
	}
	if (applied)
		applied = apply_reply(&p, applied);
	doc_undo_free(&undo);
	node_parsed_free(&p);
	pol_program_free(&prog);
	*result = applied;
	return err;
}

static const struct pol_endpoint *find_ep(const struct world *w, const char *ref)
{
	uint32_t ip;
	bool by_ip = !ipv4_parse(ref, &ip);

	for (size_t i = 0; i < w->neps; i++)
		if (by_ip ? w->eps[i].ip == ip
			  : !strcmp(w->eps[i].name, ref) || node_ep_has_ip6(&w->eps[i], ref))
			return &w->eps[i];
	return NULL;
}

/* An address outside the pool, or "world": the world (identity HYP_ID_WORLD). */
static const struct pol_endpoint *world_ep(const struct node *n, const char *ref,
					   struct pol_endpoint *out)
{
	static const struct labels none;
	uint32_t ip = 0;

	if (ip_is_v6(ref))
		return node_world_ep6(n, ref, out);
	if (strcmp(ref, "world") &&
	    (ipv4_parse(ref, &ip) || (n->pool && cidr4_contains(&n->net, ip))))
		return NULL;
	*out = (struct pol_endpoint){
	    .name = "world", .identity = HYP_ID_WORLD, .ip = ip, .labels = &none};
	return out;
}

static json_object *ep_json(const struct pol_endpoint *e)
{
	json_object *o = json_object_new_object(), *ls = json_object_new_object();
	char ip[16];

	ipv4_format(e->ip, ip, sizeof(ip));
	json_object_object_add(o, KEY_SNIC, json_object_new_string(e->name));
	json_object_object_add(o, KEY_IP, json_object_new_string(ip));
	node_ep_ip6_json(e, o);
	json_object_object_add(o, KEY_IDENTITY, json_object_new_int64(e->identity));
	for (size_t i = 0; i < e->labels->n; i++)
		json_object_object_add(ls, e->labels->l[i].key,
				       json_object_new_string(e->labels->l[i].val));
	json_object_object_add(o, KEY_LABELS, ls);
	return o;
}

static json_object *side_json(const struct pol_program *p, bool enforced, uint32_t rule)
{
	json_object *o = json_object_new_object();
	char buf[400];

	json_object_object_add(o, KEY_ENFORCED, json_object_new_boolean(enforced));
	if (enforced && rule && rule < p->n_rules) {
		const struct pol_rule_ref *r = &p->rules[rule];

		snprintf(buf, sizeof(buf), "%s %s[%d]", r->policy,
			 r->dir == HYP_DIR_INGRESS ? "ingress" : "egress", r->rule);
		json_object_object_add(o, KEY_ALLOWED_BY, json_object_new_string(buf));
	} else {
		json_object_object_add(o, KEY_ALLOWED_BY,
				       json_object_new_string(enforced
								  ? "nothing: default deny"
								  : "not selected: allow all"));
	}
	return o;
}

static int parse_proto(const char *s, uint8_t *proto)
{
	static const struct {
		const char *name;
		uint8_t num;
	} names[] = {{"tcp", 6}, {"udp", 17}, {"sctp", 132}, {"icmp", 1}};
	char *end;
	long v;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcasecmp(s, names[i].name)) {
			*proto = names[i].num;
			return 0;
		}
	v = strtol(s, &end, 10);
	if (*s && !*end && v > 0 && v < 256) {
		*proto = (uint8_t)v;
		return 0;
	}
	return -EINVAL;
}

int node__policy_trace(struct node *n, const char *src, const char *dst, const char *proto,
		       const char *port, json_object **out, struct errmsg *em)
{
	struct pol_program prog = {};
	const struct pol_endpoint *s, *d;
	struct pol_endpoint ws, wd;
	struct pol_verdict v = {};
	struct world w;
	uint8_t p;
	long dport;
	char *end;
	int err;

	if (parse_proto(proto, &p))
		return em_set(em, -EINVAL, "bad protocol '%s' (tcp, udp, sctp, icmp or a number)",
			      proto);
	dport = strtol(port, &end, 10);
	if (!*port || *end || dport < 0 || dport > 65535)
		return em_set(em, -EINVAL, "bad port '%s' (0-65535)", port);
	err = policy_compile(n, &prog, &w, em);
	if (err)
		goto out;
	s = find_ep(&w, src);
	d = find_ep(&w, dst);
	s = s ? s : world_ep(n, src, &ws);
	d = d ? d : world_ep(n, dst, &wd);
	if (!s || !d) {
		err = em_set(em, -ENOENT, "no SNIC named or addressed '%s'", s ? dst : src);
		goto out;
	}
	err = node_trace_family(src, dst, &s, &d, &ws, &wd, em);
	if (err)
		goto out;
	pol_eval(&prog, s, d, p, (uint16_t)dport, &v);
	*out = json_object_new_object();
	json_object_object_add(*out, KEY_SRC, ep_json(s));
	json_object_object_add(*out, KEY_DST, ep_json(d));
	json_object_object_add(*out, KEY_PROTO, json_object_new_int(p));
	json_object_object_add(*out, KEY_PORT, json_object_new_int((int)dport));
	json_object_object_add(*out, KEY_VERDICT,
			       json_object_new_string(v.allowed ? "allowed" : "denied"));
	json_object_object_add(*out, KEY_EGRESS,
			       side_json(&prog, v.egress_enforced, v.egress_rule));
	json_object_object_add(*out, KEY_INGRESS,
			       side_json(&prog, v.ingress_enforced, v.ingress_rule));
	if (!v.allowed) {
		bool in = v.drop_reason == HYP_DROP_POLICY_INGRESS;

		json_object_object_add(json_object_object_get(*out, in ? KEY_INGRESS : KEY_EGRESS),
				       KEY_NOT_MATCHED,
				       pol_explain(&prog, in ? HYP_DIR_INGRESS : HYP_DIR_EGRESS,
						   in ? d : s, in ? s : d, p, (uint16_t)dport));
	}
	if (!v.allowed)
		json_object_object_add(
		    *out, KEY_DROP_REASON,
		    json_object_new_string(v.drop_reason == HYP_DROP_POLICY_EGRESS
					       ? "policy-egress-denied"
					       : "policy-ingress-denied"));
out:
	pol_program_free(&prog);
	world_free(&w);
	return err;
}
