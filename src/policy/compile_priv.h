/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private to src/policy: the compiler's state (compile.c), shared with the
 * incremental compiler (compile_inc.c), which runs the same per-document
 * steps and merges their results as pol_compile would.
 */
#ifndef HYP_POLICY_COMPILE_PRIV_H
#define HYP_POLICY_COMPILE_PRIV_H

#include "policy/compile_world.h"
#include "policy/netpol.h"
#include "policy/policy.h"

struct ns_info {
	const char *name;
	struct labels labels;
};

struct ident {
	uint32_t id;
	const struct pol_endpoint *ep; /* the first endpoint with this identity */
	const char *ns;
	size_t ns_idx;
	uint8_t flags; /* HYP_ENFORCE_*: directions some policy selects it for */
};

/* Entries deduplicated by key through an open-addressing index. */
struct eset {
	struct pol_entry *v;
	size_t n, cap, max;
	uint32_t *slot; /* index into v + 1; 0: empty */
	size_t n_slots; /* a power of two */
};

/* What compile_doc selected: (identity, direction flag), in order. */
struct sel_log {
	struct pol_enforce *v;
	size_t n, cap;
};

struct comp {
	const struct pol_endpoint *eps;
	size_t neps;
	struct ident *ids;
	size_t n_ids;
	uint32_t *id_slot; /* identity -> index into ids + 1; 0: empty */
	size_t n_id_slots; /* a power of two */
	struct ns_info *nss;
	size_t n_nss;
	const struct pol_namespace *ns_in; /* the administrator's namespace labels */
	size_t n_ns_in;
	struct eset set;
	struct pol_rule_ref *rules;
	size_t n_rules, cap_rules;
	struct errmsg *em;
	struct pol_world world; /* the ipBlocks, for outside peers */
	struct sel_log *sel;	/* NULL: not recorded */
};

/* Sets up k for eps (identities, namespaces); comp_free undoes it. */
int comp_init(struct comp *k, const struct pol_endpoint *eps, size_t neps,
	      const struct pol_namespace *nss, size_t n_nss, size_t max_entries, struct errmsg *em);
void comp_free(struct comp *k);
/* The identity id of k, NULL: none. */
struct ident *comp_ident(const struct comp *k, uint32_t id);
/* Index of namespace name in k->nss (added when new). */
int comp_ns_find(struct comp *k, const char *name, size_t *idx);
int comp_doc(struct comp *k, const struct pol_doc *d);
int comp_eset_add(struct eset *s, const struct pol_entry *e);
void comp_eset_free(struct eset *s);
/* Emits the world's entries (after every document). */
int comp_world(struct comp *k);
/* The program of k: entries and rules move to out. */
int comp_fill(struct comp *k, struct pol_program *out);
/* ep (in namespace ns_idx of k) could be selected by peer p of d */
bool comp_peer_selects(const struct comp *k, const struct pol_doc *d, const struct pol_peer *p,
		       const struct ident *v);
bool comp_rule_has_named(const struct pol_rule *r);
const struct labels *comp_ep_labels(const struct pol_endpoint *ep);

#endif
