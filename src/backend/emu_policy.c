// SPDX-License-Identifier: GPL-2.0-only
/* emu backend: policy tables (two generations). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "hyperion/abi.h"
#include "backend/emu.h"
#include "policy/policy.h"
#include "lib/log.h"
#include "bpf/bridge_port.skel.h"

/* Deletes every key of generation gen. Keys are collected first: deleting
 * while walking would lose the iterator's place. */
static int clear_gen(int fd, size_t key_sz, size_t gen_off, __u32 gen)
{
	size_t cap = 1024, n = 0;
	char *keys = malloc(cap * key_sz), *prev = NULL, *cur;
	int err = 0;

	if (!keys)
		return -ENOMEM;
	for (;;) {
		if (n == cap) {
			char *nk = realloc(keys, 2 * cap * key_sz);

			if (!nk) {
				err = -ENOMEM;
				goto out;
			}
			keys = nk;
			cap *= 2;
		}
		cur = keys + n * key_sz;
		if (bpf_map_get_next_key(fd, prev, cur))
			break;
		prev = cur;
		n++;
	}
	for (size_t i = 0; i < n; i++) {
		char *k = keys + i * key_sz;
		__u32 g = key_sz == sizeof(struct hyp_enforce_key) ? *(__u32 *)(k + gen_off)
								   : (__u8)k[gen_off];

		if (g == gen)
			bpf_map_delete_elem(fd, k);
	}
out:
	free(keys);
	return err;
}

void emu_policy_key(const struct pol_entry *en, __u32 gen, struct hyp_policy_key *k)
{
	memset(k, 0, sizeof(*k));
	k->gen = (__u8)gen;
	k->dir = en->dir;
	k->kind = en->kind;
	k->local_id = htonl(en->local_id);
	k->peer = htonl(en->peer);
	k->proto = en->proto;
	k->port_hi = (__u8)(en->port >> 8);
	k->port_lo = (__u8)en->port;
	k->prefixlen = HYP_POLICY_KEY_FIXED_BITS;
	if (en->proto)
		k->prefixlen += 8 + en->port_bits;
	if (en->kind == HYP_PEER_WORLD_NET) { /* an outside network: port holds its bits */
		k->prefixlen = HYP_POLICY_WORLD_NET_BITS + (en->port > 32 ? 32 : en->port);
		k->port_hi = k->port_lo = 0;
	}
}

static int key_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct hyp_policy_key));
}

static int ekey_cmp(const void *a, const void *b)
{
	const struct hyp_enforce_key *x = a, *y = b;

	return x->identity < y->identity ? -1 : x->identity > y->identity;
}

static void polgen_free(struct emu_polgen *g)
{
	free(g->keys);
	free(g->vals);
	free(g->ekeys);
	free(g->eflags);
	memset(g, 0, sizeof(*g));
}

void emu_policy_free(struct emu *e)
{
	polgen_free(&e->polgen[0]);
	polgen_free(&e->polgen[1]);
}

/* The program as generation gen's content, sorted by key (rule ids
 * follow their keys; the compiler never emits a key twice). */
static int polgen_build(const struct pol_program *prog, __u32 gen, struct emu_polgen *g)
{
	struct {
		struct hyp_policy_key k;
		struct hyp_policy_val v;
	} *kv = calloc(prog->n_entries + 1, sizeof(*kv));
	size_t i;

	memset(g, 0, sizeof(*g));
	g->keys = calloc(prog->n_entries + 1, sizeof(*g->keys));
	g->vals = calloc(prog->n_entries + 1, sizeof(*g->vals));
	g->ekeys = calloc(prog->n_enforce + 1, sizeof(*g->ekeys));
	g->eflags = calloc(prog->n_enforce + 1, sizeof(*g->eflags));
	if (!kv || !g->keys || !g->vals || !g->ekeys || !g->eflags) {
		free(kv);
		polgen_free(g);
		return -ENOMEM;
	}
	for (i = 0; i < prog->n_entries; i++) {
		if (emu_policy6_kind(prog->entries[i].kind))
			continue; /* in their own table (emu_policy6.c) */
		emu_policy_key(&prog->entries[i], gen, &kv[g->n].k);
		kv[g->n++].v.rule_id = prog->entries[i].rule_id;
	}
	/* the key is the first member: sorting the pairs sorts by key */
	qsort(kv, g->n, sizeof(*kv), key_cmp);
	for (i = 0; i < g->n; i++) {
		g->keys[i] = kv[i].k;
		g->vals[i] = kv[i].v;
	}
	free(kv);
	for (i = 0; i < prog->n_enforce; i++)
		g->ekeys[i] = (struct hyp_enforce_key){.gen = gen, .identity = prog->enforce[i].identity};
	/* sort keys and flags together: flags ride in a parallel sort by index */
	for (i = 0; i < prog->n_enforce; i++)
		g->eflags[i] = prog->enforce[i].flags;
	for (i = 1; i < prog->n_enforce; i++) { /* insertion sort: few identities */
		struct hyp_enforce_key k = g->ekeys[i];
		__u32 f = g->eflags[i];
		size_t j = i;

		for (; j > 0 && ekey_cmp(&g->ekeys[j - 1], &k) > 0; j--) {
			g->ekeys[j] = g->ekeys[j - 1];
			g->eflags[j] = g->eflags[j - 1];
		}
		g->ekeys[j] = k;
		g->eflags[j] = f;
	}
	g->n_e = prog->n_enforce;
	return 0;
}

/*
 * Writes new into a generation that holds old: deletes the keys only old
 * has, writes the keys only new has or whose value changed. Both sorted.
 */
static int polgen_diff(int fd, const void *ok, const void *ov, size_t on, const void *nk,
		       const void *nv, size_t nn, size_t ksz, size_t vsz,
		       int (*cmp)(const void *, const void *), size_t *writes)
{
	size_t i = 0, j = 0;
	int c;

	while (i < on || j < nn) {
		/* no arithmetic on an empty side's NULL array (UBSan: make fuzz) */
		const char *a = i < on ? (const char *)ok + i * ksz : NULL;
		const char *b = j < nn ? (const char *)nk + j * ksz : NULL;

		c = i == on ? 1 : j == nn ? -1 : cmp(a, b);
		if (c < 0) {
			if (bpf_map_delete_elem(fd, a) && errno != ENOENT)
				return -errno;
			i++;
		} else if (c > 0 ||
			   memcmp((const char *)ov + i * vsz, (const char *)nv + j * vsz, vsz)) {
			if (bpf_map_update_elem(fd, b, (const char *)nv + j * vsz, BPF_ANY))
				return -errno;
			i += c == 0;
			j++;
		} else {
			i++;
			j++;
			continue;
		}
		(*writes)++;
	}
	return 0;
}

/* The inactive generation as this process last wrote it, or cleared. */
static int polgen_base(struct emu *e, int pfd, int efd, __u32 next, struct emu_polgen *base)
{
	int err;

	if (e->polgen[next].known) {
		*base = e->polgen[next];
		return 0;
	}
	memset(base, 0, sizeof(*base));
	err = clear_gen(pfd, sizeof(struct hyp_policy_key),
			__builtin_offsetof(struct hyp_policy_key, gen), next);
	if (!err)
		err = clear_gen(efd, sizeof(struct hyp_enforce_key),
				__builtin_offsetof(struct hyp_enforce_key, gen), next);
	return err;
}

/*
 * The new rule set goes into the inactive generation, then one config
 * write switches to it. The inactive generation holds the rule set of two
 * loads ago (as this process wrote it): only the difference is written,
 * so a change of one policy costs its entries, not the whole table.
 */
int emu_policy_load(void *priv, const struct pol_program *prog, struct errmsg *em)
{
	struct emu *e = priv;
	int cfd = bpf_map__fd(e->port->maps.hyp_config);
	int pfd = bpf_map__fd(e->port->maps.hyp_policy);
	int efd = bpf_map__fd(e->port->maps.hyp_enforce);
	struct emu_polgen base, nw;
	struct hyp_config cfg;
	size_t writes = 0;
	__u32 zero = 0, next;
	int err;

	if (bpf_map_lookup_elem(cfd, &zero, &cfg))
		return em_set(em, -errno, "cannot read datapath config");
	next = (cfg.policy_gen & 1) ^ 1;
	err = polgen_build(prog, next, &nw);
	if (err)
		return em_set(em, err, "no memory for the rule set");
	/* the inactive generation was last used at least one switch ago */
	err = polgen_base(e, pfd, efd, next, &base);
	if (err) {
		polgen_free(&nw);
		return em_set(em, err, "cannot clear the inactive rule set");
	}
	e->polgen[next].known = false; /* until it is written through */
	err = polgen_diff(pfd, base.keys, base.vals, base.n, nw.keys, nw.vals, nw.n,
			  sizeof(*nw.keys), sizeof(*nw.vals), key_cmp, &writes);
	if (err) {
		polgen_free(&nw);
		return em_set(em, err, "policy table full (%zu entries)", prog->n_entries);
	}
	err = polgen_diff(efd, base.ekeys, base.eflags, base.n_e, nw.ekeys, nw.eflags, nw.n_e,
			  sizeof(*nw.ekeys), sizeof(*nw.eflags), ekey_cmp, &writes);
	if (err) {
		polgen_free(&nw);
		return em_set(em, err, "enforcement table full");
	}
	err = emu_policy6_load(e, prog, next);
	if (err) {
		polgen_free(&nw);
		return em_set(em, err, "IPv6 policy table full");
	}
	polgen_free(&e->polgen[next]);
	e->polgen[next] = nw;
	e->polgen[next].known = true;
	cfg.policy_gen = next;
	cfg.policy_rev++;
	if (bpf_map_update_elem(cfd, &zero, &cfg, BPF_ANY))
		return em_set(em, -errno, "cannot switch the rule set");
	pr_debug("policy: generation %u active, revision %u, %zu entries, %zu written\n", next,
		 cfg.policy_rev, prog->n_entries, writes);
	return 0;
}
