/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The differential policy test's generator (test_policy_diff.c): seeded
 * random numbers (splitmix64), a world of endpoints with labels in three
 * namespaces, and random NetworkPolicy sets described in the generator's
 * own terms (struct g_pol and its parts), which policy_diff_json.h writes
 * as documents and policy_diff_model.h judges independently.
 */
#ifndef HYP_TESTS_BPF_POLICY_DIFF_GEN_H
#define HYP_TESTS_BPF_POLICY_DIFF_GEN_H

#include "fixture.h"

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

#endif
