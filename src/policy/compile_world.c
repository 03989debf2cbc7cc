// SPDX-License-Identifier: GPL-2.0-only
/*
 * ipBlock peers and the world: an ipBlock selects the endpoints whose
 * address it holds (compile.c) and, for a peer outside the pool (identity
 * world), the outside addresses it holds. The datapath finds those by one
 * longest-prefix match, so the blocks of all the rules that apply to one
 * local identity in one direction are compiled together: every cidr and
 * except of them is a network ("atom"); an outside address falls in its
 * longest atom A, and block b holds it exactly when b's cidr contains A
 * and none of b's excepts does (both are atoms containing the address, so
 * they contain A or are not on its path). Each atom gets a set number and a
 * HYP_PEER_WORLD_NET entry (an atom of no block too: it stops the match
 * there, as an except must); each block holding it adds its rule's port
 * entries under (HYP_PEER_WORLD_SET, the set). IPv6 blocks the same, in
 * groups of their own: HYP_PEER_WORLD6_NET / _SET (the IPv6 policy table).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <hyperion/abi.h>

#include "lib/addr.h"
#include "lib/addr6.h"
#include "policy/compile_world.h"

/* A network of either family: IPv4 in net[0..3] (network order), bits <= 32. */
struct atom {
	uint8_t net[16];
	uint8_t bits;
};

static bool bits_equal(const uint8_t *a, const uint8_t *b, unsigned int bits)
{
	for (unsigned int i = 0; bits && i < 16; i++) {
		unsigned int n = bits > 8 ? 8 : bits;
		uint8_t m = (uint8_t)(0xff00 >> n);

		if ((a[i] ^ b[i]) & m)
			return false;
		bits -= n;
	}
	return true;
}

static struct atom atom_of4(const struct cidr4 *c)
{
	struct atom a = {.bits = c->prefix > 32 ? 32 : c->prefix};
	uint32_t net = c->addr & cidr4_mask(a.bits);

	for (int i = 0; i < 4; i++)
		a.net[i] = (uint8_t)(net >> (24 - 8 * i));
	return a;
}

/* The parser keeps an IPv6 block's texts canonical and valid (netpol_cidr.c). */
static struct atom atom_of6(const char *text)
{
	struct cidr6 c = {0};
	struct atom a = {0};

	if (text && !cidr6_parse(text, &c)) {
		ipv6_mask(c.addr, c.prefix);
		memcpy(a.net, c.addr, sizeof(a.net));
		a.bits = c.prefix;
	}
	return a;
}

static struct atom peer_cidr(const struct pol_peer *p)
{
	return p->ipv6 ? atom_of6(p->cidr6) : atom_of4(&p->cidr);
}

static struct atom peer_except(const struct pol_peer *p, size_t j)
{
	return p->ipv6 ? atom_of6(p->except6[j]) : atom_of4(&p->except[j]);
}

/* outer contains inner */
static bool holds(struct atom outer, struct atom inner)
{
	return outer.bits <= inner.bits && bits_equal(outer.net, inner.net, outer.bits);
}

bool pol_ip_selected(const struct pol_peer *p, uint32_t ip)
{
	if (!cidr4_contains(&p->cidr, ip))
		return false;
	for (size_t i = 0; i < p->n_except; i++)
		if (cidr4_contains(&p->except[i], ip))
			return false;
	return true;
}

int pol_world_add(struct pol_world *w, const struct pol_peer *p, const struct pol_rule *r,
		  const struct pol_entry *e)
{
	struct pol_world_block *nb;

	if (!p->ip_block)
		return 0;
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 16;

		nb = realloc(w->v, cap * sizeof(*nb));
		if (!nb)
			return -ENOMEM;
		w->v = nb;
		w->cap = cap;
	}
	w->v[w->n++] = (struct pol_world_block){.peer = p, .rule = r, .e = *e};
	return 0;
}

static int group_cmp(const void *pa, const void *pb)
{
	const struct pol_world_block *a = pa, *b = pb;

	if (a->e.dir != b->e.dir)
		return a->e.dir < b->e.dir ? -1 : 1;
	if (a->e.local_id != b->e.local_id)
		return a->e.local_id < b->e.local_id ? -1 : 1;
	if (a->peer->ipv6 != b->peer->ipv6)
		return a->peer->ipv6 ? 1 : -1;
	/* a total order: the emit does not depend on the order blocks came in
	 * (the incremental compiler adds them from its cache). One rule's
	 * peers are one array: their addresses are in their order. */
	if (a->e.rule_id != b->e.rule_id)
		return a->e.rule_id < b->e.rule_id ? -1 : 1;
	return a->peer < b->peer ? -1 : a->peer > b->peer;
}

static int atom_cmp(const void *pa, const void *pb)
{
	const struct atom *a = pa, *b = pb;

	if (a->bits != b->bits)
		return a->bits < b->bits ? -1 : 1;
	return memcmp(a->net, b->net, sizeof(a->net));
}

/* The distinct networks of the blocks g[0..n). */
static struct atom *atoms_of(const struct pol_world_block *g, size_t n, size_t *na)
{
	size_t cap = 0, k = 0;
	struct atom *a;

	for (size_t i = 0; i < n; i++)
		cap += 1 + g[i].peer->n_except;
	a = calloc(cap + 1, sizeof(*a));
	if (!a)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		a[k++] = peer_cidr(g[i].peer);
		for (size_t j = 0; j < g[i].peer->n_except; j++)
			a[k++] = peer_except(g[i].peer, j);
	}
	qsort(a, k, sizeof(*a), atom_cmp);
	*na = 0;
	for (size_t i = 0; i < k; i++)
		if (!*na || atom_cmp(&a[*na - 1], &a[i]))
			a[(*na)++] = a[i];
	return a;
}

static bool block_holds(const struct pol_peer *p, struct atom a)
{
	if (!holds(peer_cidr(p), a))
		return false;
	for (size_t j = 0; j < p->n_except; j++)
		if (holds(peer_except(p, j), a))
			return false;
	return true;
}

/* One (direction, local identity): its atoms, each with the blocks that hold it. */
static int emit_group(const struct pol_world_block *g, size_t n, uint32_t *set,
		      pol_world_emit_fn emit, void *ctx)
{
	size_t na = 0;
	struct atom *a = atoms_of(g, n, &na);
	int err = a ? 0 : -ENOMEM;

	bool v6 = g[0].peer->ipv6;

	for (size_t i = 0; !err && i < na; i++) {
		struct pol_entry e = {.dir = g[0].e.dir,
				      .kind = v6 ? HYP_PEER_WORLD6_NET : HYP_PEER_WORLD_NET,
				      .local_id = g[0].e.local_id,
				      .port = a[i].bits,
				      .rule_id = ++*set};

		if (v6)
			memcpy(e.peer6, a[i].net, sizeof(e.peer6));
		else
			e.peer = (uint32_t)a[i].net[0] << 24 | (uint32_t)a[i].net[1] << 16 |
				 (uint32_t)a[i].net[2] << 8 | a[i].net[3];
		err = emit(ctx, &e, NULL);
		for (size_t b = 0; !err && b < n; b++) {
			if (!block_holds(g[b].peer, a[i]))
				continue;
			e = g[b].e;
			e.kind = v6 ? HYP_PEER_WORLD6_SET : HYP_PEER_WORLD_SET;
			e.peer = *set;
			memset(e.peer6, 0, sizeof(e.peer6));
			err = emit(ctx, &e, g[b].rule);
		}
	}
	free(a);
	return err;
}

int pol_world_emit(struct pol_world *w, pol_world_emit_fn emit, void *ctx)
{
	uint32_t set = 0;
	int err = 0;

	if (!w->n)
		return 0;
	qsort(w->v, w->n, sizeof(*w->v), group_cmp);
	for (size_t i = 0, j; !err && i < w->n; i = j) {
		for (j = i + 1; j < w->n && w->v[j].e.dir == w->v[i].e.dir &&
				w->v[j].e.local_id == w->v[i].e.local_id &&
				w->v[j].peer->ipv6 == w->v[i].peer->ipv6;
		     j++)
			;
		err = emit_group(&w->v[i], j - i, &set, emit, ctx);
	}
	return err;
}

void pol_world_free(struct pol_world *w)
{
	free(w->v);
	memset(w, 0, sizeof(*w));
}
