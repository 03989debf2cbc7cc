/* SPDX-License-Identifier: GPL-2.0-only */
/* ipBlock peers selecting the world (compile_world.c), for compile.c. */
#ifndef HYP_POLICY_COMPILE_WORLD_H
#define HYP_POLICY_COMPILE_WORLD_H

#include "policy/netpol.h"
#include "policy/policy.h"

/* One IPv4 ipBlock peer of a rule applying to e.local_id in e.dir. */
struct pol_world_block {
	const struct pol_peer *peer;
	const struct pol_rule *rule;
	struct pol_entry e; /* dir, local_id, rule_id */
};

struct pol_world {
	struct pol_world_block *v;
	size_t n, cap;
};

/* rule NULL: e is a HYP_PEER_WORLD_NET entry as it is; else e's rule ports under e. */
typedef int (*pol_world_emit_fn)(void *ctx, const struct pol_entry *e, const struct pol_rule *r);

/* An endpoint's address ip is in the IPv4 block p (its cidr, none of its excepts). */
bool pol_ip_selected(const struct pol_peer *p, uint32_t ip);
/* Records p (an IPv6 block or no block: nothing). */
int pol_world_add(struct pol_world *w, const struct pol_peer *p, const struct pol_rule *r,
		  const struct pol_entry *e);
/* Emits the world's entries of every recorded block (after all documents). */
int pol_world_emit(struct pol_world *w, pol_world_emit_fn emit, void *ctx);
void pol_world_free(struct pol_world *w);

#endif
