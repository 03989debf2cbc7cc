/* SPDX-License-Identifier: GPL-2.0-only */
/* Private to src/policy: the incremental compiler's state (compile_inc*.c). */
#ifndef HYP_POLICY_COMPILE_INC_H
#define HYP_POLICY_COMPILE_INC_H

#include "policy/compile_priv.h"

/* What one document added to the program, rule numbers from 1. */
struct inc_share {
	uint64_t serial; /* the document's (struct pol_doc) */
	bool moved;	 /* taken by the call that is running */
	struct pol_entry *v;
	size_t n;
	struct pol_enforce *sel; /* identities it selects, by direction */
	size_t n_sel;
	struct pol_world_block *wb; /* its ipBlocks for the world */
	size_t n_wb;
	struct pol_rule_ref *rules;
	size_t n_rules;
};

/* One endpoint as the last call saw it. */
struct inc_snap {
	uint64_t h;
	uint32_t identity, ip, ip6[4];
	bool has_ip6;
	char *text; /* labels (key 0x1f value 0x1e ...), '\n', named ports */
};

/* The endpoints added, removed or changed since the last call. */
struct inc_changes {
	bool all; /* or everything is to be compiled again */
	struct pol_endpoint *eps;
	struct labels *ls;
	size_t *ns_idx; /* in the running compile's namespaces */
	size_t n;
};

struct pol_inc {
	struct inc_share *shares; /* sorted by serial */
	size_t n_shares;
	struct inc_snap *snap; /* sorted */
	size_t n_snap;
	uint64_t ns_hash;
	size_t max;
	bool valid;
	struct pol_inc_stats stats;
};

#define INC_CHANGES_MAX 256 /* more changed endpoints: compile everything */

/* compile_inc_ep.c */
int inc_changes_find(struct pol_inc *c, struct comp *k, size_t max, struct inc_changes *ch);
void inc_changes_free(struct inc_changes *ch);
bool inc_doc_affected(struct comp *k, const struct pol_doc *d, const struct inc_changes *ch);
void inc_snap_free(struct inc_snap *s, size_t n);

#endif
