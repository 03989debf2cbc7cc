// SPDX-License-Identifier: GPL-2.0-only
/*
 * Differential policy test. Seeded random worlds (endpoints with labels in
 * three namespaces) and random NetworkPolicy sets (pod and namespace
 * selectors with matchLabels and every matchExpressions operator,
 * ingress and egress, single ports, endPort ranges, TCP/UDP/SCTP and the
 * default protocol, port-less rules, ipBlock with except, default deny,
 * policyTypes given or not, given twice, or leaving out a direction that
 * has rules, which Kubernetes ignores; and the shapes Kubernetes decodes
 * with a meaning of their own: from/to/ports written as [] or null, null
 * rules and ports entries, null port/endPort/protocol, null selectors and
 * selector parts, a spec or podSelector left out or null, IPv6 ipBlocks,
 * which match no endpoint here) are loaded the daemon's way (fixture.h:
 * pol_parse, store JSON round trip, pol_compile, emu_policy_load). Random
 * new flows between random endpoints (ports at the edges of the policies'
 * ranges, ICMP echo too), to pool addresses nobody owns and to the sender
 * itself are then judged three ways:
 *
 *   - the bridge_port BPF program through BPF_PROG_TEST_RUN (verdict and
 *     the drop counter that moved: policy-egress or policy-ingress);
 *   - pol_eval (src/policy/eval.c, what `hyperctl policy trace` runs) on
 *     the same compiled program;
 *   - an independent model of Kubernetes' semantics written here from the
 *     generator's own description of the policies (no compiled entries),
 *     so a compiler bug that BPF and pol_eval share is caught too.
 *
 * All three must agree on allowed/denied and on the reason (egress is
 * checked first). Each case has fresh conntrack: its entry is deleted
 * after it. A pool address nobody owns must be dropped unknown-dst and a
 * flow to the sender itself hairpin, whatever the policy.
 *
 * HYP_DIFF_SEED (decimal or 0x hex) overrides the fixed seed;
 * HYP_DIFF_ROUND=N runs only round N of that seed (each round is seeded
 * from the seed and its number, so a failure is replayed alone).
 * HYP_DIFF_ROUNDS sets the number of rounds.
 */
#include "fixture.h"

#define DIFF_SEED_DEFAULT 0x4859504552494f4eULL /* "HYPERION" */
#define DIFF_ROUNDS	  3000
#define DIFF_CASES	  48
#define MAX_FAIL_PRINT	  5

/* ---- random numbers: splitmix64 ---- */

static uint64_t rng_state;

static uint64_t rnd64(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t rnd(uint32_t n)
{
	return n ? (uint32_t)(rnd64() % n) : 0;
}

static bool chance(uint32_t pct)
{
	return rnd(100) < pct;
}

/* ---- the world ---- */

enum { NS_DEFAULT, NS_PROD, NS_DEV, N_NS };
static const char *const ns_names[N_NS] = {"default", "prod", "dev"};
static const char *const ns_env[N_NS] = {NULL, "prod", "dev"};

enum { K_APP, K_TIER, K_ENV, K_NSNAME, N_KEYS };
static const char *const key_names[N_KEYS] = {"app", "tier", "env", "kubernetes.io/metadata.name"};
static const char *const key_vals[N_KEYS][4] = {
    {"web", "api", "db", "cache"},
    {"front", "back"},
    {"prod", "dev"},
    {"default", "prod", "dev"},
};
static const int key_nvals[N_KEYS] = {4, 2, 2, 3};

struct g_ep {
	int ns;
	int app;
	int tier;      /* -1: none */
	bool ns_label; /* default namespace named by a "namespace" label */
	uint32_t ip;
};

#define MAX_EPS 10

/* ---- the policies, as the generator describes them ---- */

enum { OP_IN, OP_NOT_IN, OP_EXISTS, OP_DOES_NOT_EXIST };
static const char *const op_names[] = {"In", "NotIn", "Exists", "DoesNotExist"};

struct g_req {
	int key;
	int op;
	bool ml; /* written in matchLabels */
	int nv;
	int vals[3];
};

struct g_sel {
	int n;
	struct g_req r[3];
	bool null_ml, null_me; /* "matchLabels: null" / "matchExpressions: null" when unused */
};

enum { PEER_PODS, PEER_NS, PEER_BOTH, PEER_IPBLOCK, PEER_IPV6 };

struct g_peer {
	int kind;
	struct g_sel pods, nss;
	uint32_t cidr;
	int plen;
	int nex;
	uint32_t ex[2];
	int explen[2];
	int v6;		  /* PEER_IPV6: which block */
	bool null_absent; /* the fields it does not use written as null */
};

struct g_port {
	int proto;	/* 0: left out (TCP) */
	int port;	/* 0: left out */
	int end;	/* 0: left out */
	bool nulls;	/* what is left out written as null */
	bool null_item; /* proto, port, end 0: the entry written as null */
};

/* How an empty list is written: left out, [], null. */
enum { LIST_ABSENT, LIST_EMPTY, LIST_NULL };

struct g_rule {
	int n_peers;
	struct g_peer peers[2];
	int n_ports;
	struct g_port ports[3];
	int peers_form, ports_form; /* when n_peers / n_ports is 0 */
	bool null_rule;		    /* no peers, no ports: the rule written as null */
};

struct g_pol {
	int ns;
	struct g_sel pods;
	int pods_form;	    /* pods empty: 0 {}, 1 left out, 2 null */
	int types;	    /* explicit policyTypes (HYP_ENFORCE_*), 0: left out */
	bool dup_type;	    /* one type: listed twice */
	bool empty_types;   /* types 0: "policyTypes: []" */
	int write_empty[2]; /* no rules: LIST_EMPTY "ingress: []", LIST_NULL "ingress: null" */
	int n_rules[2];
	struct g_rule rules[2][3];
	int no_spec; /* all defaults: 1 spec left out, 2 spec null */
};

#define MAX_POLS 5

struct round {
	struct g_ep eps[MAX_EPS];
	int n_eps;
	struct g_pol pols[MAX_POLS];
	int n_pols;
	char *text;
	int ports[256]; /* interesting destination ports */
	int n_ports;
};

/* ---- generation ---- */

static void gen_req(struct g_req *q, int key, bool allow_ml)
{
	memset(q, 0, sizeof(*q));
	q->key = key;
	if (allow_ml && chance(40)) {
		q->ml = true;
		q->op = OP_IN;
		q->nv = 1;
		q->vals[0] = (int)rnd((uint32_t)key_nvals[key]);
		return;
	}
	q->op = (int)rnd(4);
	if (q->op == OP_IN || q->op == OP_NOT_IN) {
		int first = (int)rnd((uint32_t)key_nvals[key]);

		q->nv = 1 + (int)rnd(2);
		q->vals[0] = first;
		if (q->nv == 2)
			q->vals[1] =
			    (first + 1 + (int)rnd((uint32_t)key_nvals[key] - 1)) % key_nvals[key];
	}
}

/* keys: two candidates (pod: app/tier, namespace: env/name) */
static void gen_sel(struct g_sel *s, int k0, int k1, int max)
{
	bool ml_used[N_KEYS] = {false};

	bool any_ml = false, any_me = false;

	s->n = (int)rnd((uint32_t)max + 1);
	for (int i = 0; i < s->n; i++) {
		int key = chance(65) ? k0 : k1;

		gen_req(&s->r[i], key, !ml_used[key]);
		if (s->r[i].ml)
			ml_used[key] = true;
		any_ml |= s->r[i].ml;
		any_me |= !s->r[i].ml;
	}
	s->null_ml = !any_ml && chance(10);
	s->null_me = !any_me && chance(10);
}

static uint32_t pool_addr(struct round *r)
{
	/* mostly near the endpoints, so CIDRs and excepts cut between them */
	if (r->n_eps && chance(70))
		return r->eps[rnd((uint32_t)r->n_eps)].ip;
	return FX_NET | (rnd(4) << 8) | (2 + rnd(60));
}

static uint32_t mask_of(int plen)
{
	return plen ? 0xffffffffu << (32 - plen) : 0;
}

static void gen_peer(struct round *r, struct g_peer *p)
{
	memset(p, 0, sizeof(*p));
	p->kind = chance(5) ? PEER_IPV6 : (int)rnd(4);
	p->null_absent = chance(15);
	p->v6 = (int)rnd(3);
	if (p->kind == PEER_PODS || p->kind == PEER_BOTH)
		gen_sel(&p->pods, K_APP, K_TIER, 2);
	if (p->kind == PEER_NS || p->kind == PEER_BOTH)
		gen_sel(&p->nss, chance(50) ? K_ENV : K_NSNAME, K_NSNAME, 2);
	if (p->kind != PEER_IPBLOCK)
		return;
	p->plen = chance(15) ? 8 + (int)rnd(9) : 16 + (int)rnd(17);
	p->cidr = pool_addr(r) & mask_of(p->plen);
	p->nex = p->plen < 32 ? (int)rnd(3) : 0;
	for (int i = 0; i < p->nex; i++) {
		uint32_t host = p->cidr | (pool_addr(r) & ~mask_of(p->plen));

		if (chance(30)) /* anywhere in the cidr */
			host = p->cidr | ((uint32_t)rnd64() & ~mask_of(p->plen));
		p->explen[i] = p->plen + 1 + (int)rnd((uint32_t)(32 - p->plen));
		p->ex[i] = host & mask_of(p->explen[i]);
	}
}

static const int common_ports[] = {1, 22, 53, 80, 443, 1000, 1024, 5432, 8000, 8080, 65535};

static void gen_port(struct g_port *p)
{
	static const int protos[] = {0, IPPROTO_TCP_, IPPROTO_UDP_, IPPROTO_SCTP_};

	memset(p, 0, sizeof(*p));
	p->proto = protos[rnd(4)];
	p->nulls = chance(15);
	if (chance(20)) {
		p->null_item = !p->proto && chance(30);
		return; /* the whole protocol */
	}
	p->port = chance(50) ? common_ports[rnd(sizeof(common_ports) / sizeof(common_ports[0]))]
			     : 1 + (int)rnd(65535);
	if (chance(45)) {
		int span = chance(50) ? (int)rnd(20) : (int)rnd(5000);

		p->end = p->port + span > 65535 ? 65535 : p->port + span;
	}
}

static void gen_rule(struct round *r, struct g_rule *ru)
{
	memset(ru, 0, sizeof(*ru));
	ru->n_peers = chance(25) ? 0 : 1 + (int)rnd(2);
	for (int i = 0; i < ru->n_peers; i++)
		gen_peer(r, &ru->peers[i]);
	ru->n_ports = chance(30) ? 0 : 1 + (int)rnd(3);
	for (int i = 0; i < ru->n_ports; i++)
		gen_port(&ru->ports[i]);
	ru->peers_form = (int)rnd(3);
	ru->ports_form = (int)rnd(3);
	ru->null_rule = !ru->n_peers && !ru->n_ports && chance(25);
}

static void gen_pol(struct round *r, struct g_pol *p)
{
	static const int type_sets[] = {0, HYP_ENFORCE_INGRESS, HYP_ENFORCE_EGRESS,
					HYP_ENFORCE_INGRESS | HYP_ENFORCE_EGRESS};

	memset(p, 0, sizeof(*p));
	p->ns = chance(60) ? NS_DEFAULT : 1 + (int)rnd(2);
	gen_sel(&p->pods, K_APP, K_TIER, 2);
	p->pods_form = p->pods.n ? 0 : (int)rnd(3);
	p->types = type_sets[rnd(4)];
	p->dup_type =
	    (p->types == HYP_ENFORCE_INGRESS || p->types == HYP_ENFORCE_EGRESS) && chance(15);
	p->empty_types = !p->types && chance(15);
	for (int dir = 0; dir < 2; dir++) {
		bool may = !p->types || (p->types & (dir == HYP_DIR_INGRESS ? HYP_ENFORCE_INGRESS
									    : HYP_ENFORCE_EGRESS));

		/* rules outside policyTypes are valid: Kubernetes ignores them */
		p->n_rules[dir] = (may || chance(30)) && !chance(25) ? 1 + (int)rnd(3) : 0;
		for (int i = 0; i < p->n_rules[dir]; i++)
			gen_rule(r, &p->rules[dir][i]);
		p->write_empty[dir] = !p->n_rules[dir] && chance(20) ? 1 + (int)rnd(2) : 0;
	}
	if (!p->pods.n && !p->types && !p->empty_types && !p->n_rules[0] && !p->n_rules[1] &&
	    !p->write_empty[0] && !p->write_empty[1] && chance(50))
		p->no_spec = 1 + (int)rnd(2);
}

static void gen_world(struct round *r)
{
	r->n_eps = 3 + (int)rnd(MAX_EPS - 2);
	for (int i = 0; i < r->n_eps; i++) {
		struct g_ep *e = &r->eps[i];
		bool dup;

		e->ns = chance(50) ? NS_DEFAULT : 1 + (int)rnd(2);
		e->app = (int)rnd(4);
		e->tier = chance(50) ? (int)rnd(2) : -1;
		e->ns_label = e->ns == NS_DEFAULT && chance(20);
		do {
			e->ip = FX_NET | (rnd(3) << 8) | (2 + rnd(40));
			dup = false;
			for (int j = 0; j < i; j++)
				dup |= r->eps[j].ip == e->ip;
		} while (dup);
	}
}

/* ---- the policies as JSON documents ---- */

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

/* ---- the independent model ---- */

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

/* ---- the run ---- */

struct diff {
	struct fixture *f;
	uint64_t seed;
	long cases, allowed, egress, ingress, unknown, hairpin, failures;
	uint64_t cnt_egr, cnt_ing, cnt_drop; /* counters as last read */
};

static void labels_of(const struct g_ep *e, char *buf, size_t len)
{
	int n = snprintf(buf, len, "app=%s", key_vals[K_APP][e->app]);

	if (e->tier >= 0)
		n += snprintf(buf + n, len - (size_t)n, ",tier=%s", key_vals[K_TIER][e->tier]);
	if (e->ns != NS_DEFAULT)
		/* its namespace is labelled env=NAME (fx_namespaces) */
		snprintf(buf + n, len - (size_t)n, ",namespace=%s", ns_names[e->ns]);
	else if (e->ns_label)
		snprintf(buf + n, len - (size_t)n, ",namespace=default");
}

/* Endpoints into the fixture; same label set, same identity (as the daemon). */
static void world_load(struct fixture *f, const struct round *r)
{
	char labels[MAX_EPS][160];

	fx_clear(f);
	for (int i = 0; i < r->n_eps; i++) {
		uint32_t id = 256 + (uint32_t)i;
		char name[8];

		labels_of(&r->eps[i], labels[i], sizeof(labels[i]));
		for (int j = 0; j < i; j++)
			if (!strcmp(labels[i], labels[j])) {
				id = f->eps[j].identity;
				break;
			}
		snprintf(name, sizeof(name), "e%d", i);
		fx_add_ep(f, name, r->eps[i].ip, id, labels[i]);
	}
}

static void print_case(struct diff *d, const struct round *r, int round, int c, int src,
		       uint32_t daddr, int proto, int dport, const char *what, const char *verdicts)
{
	struct fixture *f = d->f;

	if (d->failures > MAX_FAIL_PRINT)
		return;
	print_message("DIFF FAILURE: %s\n  HYP_DIFF_SEED=0x%llx HYP_DIFF_ROUND=%d, case %d\n  "
		      "packet: %s (%u.%u.%u.%u) -> %u.%u.%u.%u proto %d dport %d\n",
		      what, (unsigned long long)d->seed, round, c, f->eps[src].name,
		      f->eps[src].ip >> 24, (f->eps[src].ip >> 16) & 0xff,
		      (f->eps[src].ip >> 8) & 0xff, f->eps[src].ip & 0xff, daddr >> 24,
		      (daddr >> 16) & 0xff, (daddr >> 8) & 0xff, daddr & 0xff, proto, dport);
	print_message("  %s\n", verdicts);
	for (size_t i = 0; i < f->n_eps; i++) {
		char lb[512];

		labels__canonical(&f->eps[i].labels, lb, sizeof(lb));
		print_message("  endpoint %s %u.%u.%u.%u identity %u labels %s\n", f->eps[i].name,
			      f->eps[i].ip >> 24, (f->eps[i].ip >> 16) & 0xff,
			      (f->eps[i].ip >> 8) & 0xff, f->eps[i].ip & 0xff, f->eps[i].identity,
			      lb);
	}
	print_message("  policies:\n%s\n", r->text);
}

/* Sends one new flow; returns 0 forwarded, else the drop reason counted
 * (-1: none that fits). scan: expect another reason than policy, look at
 * every counter. */
static int bpf_verdict(struct diff *d, int src, uint32_t daddr, int proto, int dport,
		       uint16_t sport, bool scan)
{
	struct fixture *f = d->f;
	uint8_t in[FX_FRAME_MAX];
	uint64_t egr, ing, drp, before[__HYP_DROP_MAX], after[__HYP_DROP_MAX];
	struct hyp_ct_key k;
	size_t len;
	int v, reason = -1;

	switch (proto) {
	case IPPROTO_TCP_:
		len = fx_tcp(f, in, src, daddr, sport, (uint16_t)dport, TCP_SYN, 1, 0, NULL);
		break;
	case IPPROTO_UDP_:
		len = fx_udp(f, in, src, daddr, sport, (uint16_t)dport, "diff");
		break;
	case IPPROTO_SCTP_:
		len = fx_sctp(f, in, src, daddr, sport, (uint16_t)dport);
		break;
	default:
		len = fx_icmp(f, in, src, daddr, 8, (uint16_t)dport, 1);
		sport = (uint16_t)dport;
		break;
	}
	if (scan)
		fx_drops_all(f, before);
	v = fx_send(f, src, in, len, NULL, NULL);
	egr = fx_drops(f, HYP_DROP_POLICY_EGRESS);
	ing = fx_drops(f, HYP_DROP_POLICY_INGRESS);
	drp = fx_stat(f, HYP_STAT_DROP);
	if (v == TC_ACT_REDIRECT && drp == d->cnt_drop && egr == d->cnt_egr && ing == d->cnt_ing)
		reason = 0;
	else if (v == TC_ACT_SHOT && drp == d->cnt_drop + 1 && egr == d->cnt_egr + 1 &&
		 ing == d->cnt_ing)
		reason = HYP_DROP_POLICY_EGRESS;
	else if (v == TC_ACT_SHOT && drp == d->cnt_drop + 1 && ing == d->cnt_ing + 1 &&
		 egr == d->cnt_egr)
		reason = HYP_DROP_POLICY_INGRESS;
	else if (scan && v == TC_ACT_SHOT && drp == d->cnt_drop + 1) {
		int changed = 0;

		fx_drops_all(f, after);
		for (uint32_t i = 0; i < __HYP_DROP_MAX; i++)
			if (after[i] != before[i]) {
				reason = (int)i;
				changed++;
			}
		if (changed != 1 || after[reason] != before[reason] + 1)
			reason = -1;
	}
	d->cnt_egr = egr;
	d->cnt_ing = ing;
	d->cnt_drop = drp;
	/* fresh conntrack for the next case */
	k = fx_ct_key(f->eps[src].ip, daddr, (uint8_t)proto, sport, (uint16_t)dport);
	fx_ct_del(f, &k);
	return reason;
}

static int pick_dport(const struct round *r, int proto)
{
	if (proto == IPPROTO_ICMP_)
		return (int)rnd(65536); /* the echo id */
	if (r->n_ports && chance(55))
		return r->ports[rnd((uint32_t)r->n_ports)];
	if (chance(50))
		return common_ports[rnd(sizeof(common_ports) / sizeof(common_ports[0]))];
	return (int)rnd(65536);
}

static void collect_ports(struct round *r)
{
	r->n_ports = 0;
	for (int i = 0; i < r->n_pols; i++)
		for (int dir = 0; dir < 2; dir++)
			for (int k = 0; k < r->pols[i].n_rules[dir]; k++) {
				const struct g_rule *ru = &r->pols[i].rules[dir][k];

				for (int j = 0; j < ru->n_ports; j++) {
					const struct g_port *p = &ru->ports[j];
					int e = p->end ? p->end : p->port;
					int cand[6] = {p->port - 1, p->port, p->port + 1,
						       e - 1,	    e,	     e + 1};

					if (!p->port)
						continue;
					for (int c = 0; c < 6; c++)
						if (cand[c] >= 0 && cand[c] <= 65535 &&
						    r->n_ports < 256)
							r->ports[r->n_ports++] = cand[c];
				}
			}
}

static void run_round(struct diff *d, int round)
{
	static const int protos[] = {IPPROTO_TCP_, IPPROTO_TCP_,  IPPROTO_UDP_,
				     IPPROTO_UDP_, IPPROTO_SCTP_, IPPROTO_ICMP_};
	struct fixture *f = d->f;
	struct round r;
	struct pol_program prog;
	struct errmsg em = {};
	struct pol_endpoint eps[MAX_EPS];
	static uint16_t sport = 1024;
	int err;

	memset(&r, 0, sizeof(r));
	rng_state = d->seed ^ (0xd1b54a32d192ed03ULL * (uint64_t)(round + 1));
	gen_world(&r);
	r.n_pols = (int)rnd(MAX_POLS + 1);
	for (int i = 0; i < r.n_pols; i++)
		gen_pol(&r, &r.pols[i]);
	r.text = policy_text(&r);
	collect_ports(&r);
	world_load(f, &r);
	err = fx_policy_prog(f, r.n_pols ? r.text : NULL, &prog, &em);
	if (err) {
		d->failures++;
		print_message("DIFF FAILURE: round %d (HYP_DIFF_SEED=0x%llx HYP_DIFF_ROUND=%d): "
			      "the generated policies do not load (%d): %s\n%s\n",
			      round, (unsigned long long)d->seed, round, err, em.msg, r.text);
		free(r.text);
		return;
	}
	for (size_t i = 0; i < f->n_eps; i++)
		eps[i] = (struct pol_endpoint){.name = f->eps[i].name,
					       .identity = f->eps[i].identity,
					       .ip = f->eps[i].ip,
					       .labels = &f->eps[i].labels};
	for (int c = 0; c < DIFF_CASES; c++) {
		int src = (int)rnd((uint32_t)r.n_eps), dst = (int)rnd((uint32_t)r.n_eps);
		int proto = protos[rnd(sizeof(protos) / sizeof(protos[0]))];
		int dport = pick_dport(&r, proto), got, want_eval, want_model;
		bool foreign = chance(5);
		struct pol_verdict v;
		char vs[160];
		uint32_t daddr;

		if (dst == src && !chance(10)) /* a few flows to the sender itself */
			dst = (src + 1 + (int)rnd((uint32_t)r.n_eps - 1)) % r.n_eps;
		daddr = r.eps[dst].ip;
		if (++sport < 1024)
			sport = 1024;
		d->cases++;
		if (foreign) {
			/* a pool address nobody owns: unknown-dst, whatever the policy */
			bool taken;

			do {
				daddr = FX_NET | (rnd(3) << 8) | (2 + rnd(60));
				taken = false;
				for (int j = 0; j < r.n_eps; j++)
					taken |= r.eps[j].ip == daddr;
			} while (taken);
			got = bpf_verdict(d, src, daddr, proto, dport, sport, true);
			d->unknown++;
			if (got != HYP_DROP_UNKNOWN_DST) {
				snprintf(vs, sizeof(vs), "bpf: %d, want %d", got,
					 HYP_DROP_UNKNOWN_DST);
				d->failures++;
				print_case(d, &r, round, c, src, daddr, proto, dport,
					   "a pool address nobody owns is not dropped unknown-dst",
					   vs);
			}
			continue;
		}
		got = bpf_verdict(d, src, daddr, proto, dport, sport, src == dst);
		if (src == dst) {
			d->hairpin++;
			if (got != HYP_DROP_HAIRPIN) {
				snprintf(vs, sizeof(vs), "bpf: %d, want %d", got, HYP_DROP_HAIRPIN);
				d->failures++;
				print_case(d, &r, round, c, src, daddr, proto, dport,
					   "a flow to the sender itself is not dropped hairpin",
					   vs);
			}
			continue;
		}
		pol_eval(&prog, &eps[src], &eps[dst], (uint8_t)proto, (uint16_t)dport, &v);
		want_eval = v.allowed ? 0 : v.drop_reason;
		want_model = model_reason(&r, &r.eps[src], &r.eps[dst], proto, dport);
		if (!want_eval)
			d->allowed++;
		else if (want_eval == HYP_DROP_POLICY_EGRESS)
			d->egress++;
		else
			d->ingress++;
		if (got != want_eval || want_eval != want_model) {
			snprintf(vs, sizeof(vs),
				 "bpf: %d  pol_eval: %d (egress rule %u, ingress rule %u)  model: "
				 "%d  (0 allowed, 20 egress-denied, 21 ingress-denied)",
				 got, want_eval, v.egress_rule, v.ingress_rule, want_model);
			d->failures++;
			print_case(d, &r, round, c, src, daddr, proto, dport,
				   got != want_eval ? "BPF and pol_eval disagree"
						    : "pol_eval and the Kubernetes model disagree",
				   vs);
		}
	}
	pol_program_free(&prog);
	free(r.text);
}

static uint64_t env_u64(const char *name, uint64_t def)
{
	const char *s = getenv(name);

	return s && *s ? strtoull(s, NULL, 0) : def;
}

static void test_policy_diff_bpf_eval_model(void **state)
{
	struct diff d = {.f = *state};
	int rounds = (int)env_u64("HYP_DIFF_ROUNDS", DIFF_ROUNDS);
	const char *only = getenv("HYP_DIFF_ROUND");
	struct timespec t0, t1;

	d.seed = env_u64("HYP_DIFF_SEED", DIFF_SEED_DEFAULT);
	d.cnt_egr = fx_drops(d.f, HYP_DROP_POLICY_EGRESS);
	d.cnt_ing = fx_drops(d.f, HYP_DROP_POLICY_INGRESS);
	d.cnt_drop = fx_stat(d.f, HYP_STAT_DROP);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (only && *only)
		run_round(&d, atoi(only));
	else
		for (int i = 0; i < rounds; i++)
			run_round(&d, i);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	print_message("# seed 0x%llx: %ld cases (%ld allowed, %ld egress-denied, %ld "
		      "ingress-denied, %ld unknown-dst, %ld hairpin) in %.1f s, %ld failures\n",
		      (unsigned long long)d.seed, d.cases, d.allowed, d.egress, d.ingress,
		      d.unknown, d.hairpin,
		      (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
		      d.failures);
	if (d.failures)
		fail_msg("%ld of %ld cases disagree (seed 0x%llx)", d.failures, d.cases,
			 (unsigned long long)d.seed);
	/* a run that never allows or never denies either way proves little */
	if (only && *only)
		return;
	assert_true(d.allowed > d.cases / 20);
	assert_true(d.egress > d.cases / 50);
	assert_true(d.ingress > d.cases / 50);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_policy_diff_bpf_eval_model),
	};

	return fx_main("bpf_policy_diff", tests, sizeof(tests) / sizeof(tests[0]));
}
