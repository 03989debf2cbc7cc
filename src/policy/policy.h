/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kubernetes NetworkPolicy (networking.k8s.io/v1) for Hyperion: parsing
 * (YAML or JSON, several documents per text), validation with line
 * numbers, compilation into the datapath's LPM entries, and a userspace
 * evaluator with the datapath's exact semantics (for `policy trace` and
 * for tests).
 *
 * Namespaces: an endpoint's namespace is its label "namespace" (absent:
 * "default"). A namespace's labels are {"kubernetes.io/metadata.name":
 * NS} plus those the administrator gave it (struct pol_namespace); never
 * labels of its endpoints.
 */
#ifndef HYP_POLICY_H
#define HYP_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>

#include "lib/errmsg.h"
#include "lib/labels.h"
#include "lib/named_ports.h"

struct pol_doc; /* one validated NetworkPolicy */

/* Parses every document of text; on any error nothing is returned and em
 * names the document, the line and the reason. */
int pol_parse(const char *text, size_t len, struct pol_doc ***docs, size_t *n, struct errmsg *em);
/* One document already parsed by yj_parse (doc_index from 1, for messages). */
int pol_parse_root(json_object *root, int doc_index, struct pol_doc **out, struct errmsg *em);
void pol_doc_free(struct pol_doc *d);
void pol_docs_free(struct pol_doc **docs, size_t n);
const char *pol_doc_namespace(const struct pol_doc *d);
const char *pol_doc_name(const struct pol_doc *d);
/*
 * The warnings of a parsed document: what it says that Kubernetes accepts
 * and Hyperion applies as Kubernetes does, but that its author may not
 * mean (rules of a direction outside policyTypes, ignored; an empty or
 * null from, to or ports, which allows all; an IPv6 ipBlock, which
 * matches nothing here...). Each is worded like an error: "document D
 * (NAME), line L: what (in PATH)". Whoever applies the text shows them to
 * the user; they do not stop the apply.
 */
size_t pol_doc_n_warnings(const struct pol_doc *d);
const char *pol_doc_warning(const struct pol_doc *d, size_t i); /* NULL past the end */
/* The document as canonical JSON (what the store keeps and `show` prints). */
json_object *pol_doc_json(const struct pol_doc *d);
/* Rebuilds a document from pol_doc_json() output. */
int pol_doc_from_json(json_object *o, struct pol_doc **out, struct errmsg *em);

struct pol_endpoint {
	const char *name; /* SNIC name, for trace output */
	uint32_t identity;
	uint32_t ip; /* host order */
	uint32_t ip6[4]; /* network order, when has_ip6 */
	bool has_ip6;
	bool v6; /* pol_eval, pol_explain: the flow is IPv6 (an ipBlock peer matches ip6) */
	const struct labels *labels;
	/* the named ports it declares (a rule's named port resolves against them) */
	const struct named_port *ports;
	size_t n_ports;
};

/* One LPM entry; see struct hyp_policy_key in include/hyperion/abi.h. */
struct pol_entry {
	uint8_t dir;	   /* HYP_DIR_INGRESS / HYP_DIR_EGRESS */
	uint8_t kind;	   /* enum hyp_peer_kind */
	uint8_t proto;	   /* 0: any protocol (then port_bits is 0) */
	uint8_t port_bits; /* 0: any port, 16: exactly port, else prefix bits */
	uint32_t local_id; /* identity of the selected endpoints */
	uint32_t peer;	   /* identity, HYP_PEER_ANY, or IPv4 (host order) */
	uint16_t port;	   /* host order; low (16 - port_bits) bits are 0;
			    * HYP_PEER_WORLD_NET: the prefix length of peer (its rule_id: the set);
			    * HYP_PEER_WORLD6_NET: of peer6, the set in peer of a _SET */
	uint32_t rule_id;  /* index into pol_program.rules, from 1 */
	/* HYP_PEER_IPV6 (peer unused, 0): the peer's IPv6 address, network
	 * order; the backend writes these to its IPv6 ipBlock table */
	uint32_t peer6[4];
};

struct pol_rule_ref {
	char policy[320]; /* "namespace/name" */
	uint8_t dir;
	int rule; /* index in spec.ingress / spec.egress, from 0 */
};

struct pol_enforce {
	uint32_t identity;
	uint8_t flags; /* HYP_ENFORCE_INGRESS | HYP_ENFORCE_EGRESS */
};

struct pol_program {
	struct pol_entry *entries;
	size_t n_entries;
	struct pol_enforce *enforce;
	size_t n_enforce;
	struct pol_rule_ref *rules; /* rules[0] unused; rule_id indexes it: 1 .. n_rules - 1 */
	size_t n_rules;
};

/*
 * A namespace's labels as the administrator set them (hyperctl namespace
 * label). kubernetes.io/metadata.name: NAME is implicit: a value given for
 * it is ignored.
 */
struct pol_namespace {
	const char *name;
	const struct labels *labels;
};

/*
 * Compiles docs for the endpoints eps in namespaces labelled by nss (a
 * namespace not in nss has only its implicit label). Fails (-E2BIG,
 * message in em) when more than max_entries would result.
 */
int pol_compile(struct pol_doc *const *docs, size_t n, const struct pol_endpoint *eps, size_t neps,
		const struct pol_namespace *nss, size_t n_nss, size_t max_entries,
		struct pol_program *out, struct errmsg *em);
void pol_program_free(struct pol_program *p);

/*
 * The incremental compiler: the result of pol_compile, from the
 * per-document results of the last call where nothing that changed since
 * can alter them. A document is compiled again when it is new (or its
 * text changed: a new parse) or when an endpoint that was added, removed
 * or changed (identity, address, labels, named ports) is one it selects,
 * one a peer of its rules selects (identity or ipBlock), or when it has an
 * egress rule to any peer with a named port. New namespace labels or
 * another max_entries: every document. The merge of the documents'
 * results (dedup, rule numbers, ipBlock world, sort) is always whole.
 * Any error: the full compile's error (pol_compile runs and reports it).
 */
struct pol_inc;
struct pol_inc_stats {
	size_t docs_compiled;  /* documents compiled by the last call */
	size_t docs_reused;    /* documents taken from the cache */
	size_t eps_changed;    /* endpoints added, removed or changed since the call before */
	bool full;	       /* the last call recompiled everything */
};
struct pol_inc *pol_inc_new(void);
void pol_inc_free(struct pol_inc *c);
int pol_inc_compile(struct pol_inc *c, struct pol_doc *const *docs, size_t n,
		    const struct pol_endpoint *eps, size_t neps, const struct pol_namespace *nss,
		    size_t n_nss, size_t max_entries, struct pol_program *out, struct errmsg *em);
const struct pol_inc_stats *pol_inc_stats(const struct pol_inc *c);

struct pol_verdict {
	bool allowed;
	bool egress_enforced, ingress_enforced;
	uint32_t egress_rule, ingress_rule; /* rule ids that allowed, 0: none */
	int drop_reason;		    /* HYP_DROP_POLICY_EGRESS / _INGRESS when denied */
};

/* Evaluates a new flow src -> dst exactly as the datapath does. */
/*
 * Why no rule of dir lets local talk with peer: one string per rule that
 * applies to local in dir, "NS/NAME ingress[I]: what did not match".
 * Empty when no rule applies (a policy selects local with no rules).
 */
/*
 * The set of ipBlock rules (a HYP_PEER_WORLD_SET peer) the outside address
 * ip falls in for local in dir: the longest HYP_PEER_WORLD_NET entry
 * holding it, as the datapath's LPM finds it; 0: none.
 */
uint32_t pol_world_set(const struct pol_program *p, uint8_t dir, uint32_t local, uint32_t ip);
/* The same for an outside IPv6 address (network order): HYP_PEER_WORLD6_*. */
uint32_t pol_world_set6(const struct pol_program *p, uint8_t dir, uint32_t local,
			const uint32_t *ip6);
json_object *pol_explain(const struct pol_program *p, uint8_t dir,
			 const struct pol_endpoint *local, const struct pol_endpoint *peer,
			 uint8_t proto, uint16_t dport);

void pol_eval(const struct pol_program *p, const struct pol_endpoint *src,
	      const struct pol_endpoint *dst, uint8_t proto, uint16_t dport, struct pol_verdict *v);

#endif
