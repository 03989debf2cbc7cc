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

static void entry_key(const struct pol_entry *en, __u32 gen, struct hyp_policy_key *k)
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
}

int emu_policy_load(void *priv, const struct pol_program *prog, struct errmsg *em)
{
	struct emu *e = priv;
	int cfd = bpf_map__fd(e->port->maps.hyp_config);
	int pfd = bpf_map__fd(e->port->maps.hyp_policy);
	int efd = bpf_map__fd(e->port->maps.hyp_enforce);
	struct hyp_config cfg;
	__u32 zero = 0, next;
	int err;

	if (bpf_map_lookup_elem(cfd, &zero, &cfg))
		return em_set(em, -errno, "cannot read datapath config");
	next = (cfg.policy_gen & 1) ^ 1;
	/* the inactive generation was last used at least one switch ago */
	err = clear_gen(pfd, sizeof(struct hyp_policy_key),
			__builtin_offsetof(struct hyp_policy_key, gen), next);
	if (!err)
		err = clear_gen(efd, sizeof(struct hyp_enforce_key),
				__builtin_offsetof(struct hyp_enforce_key, gen), next);
	if (err)
		return em_set(em, err, "cannot clear the inactive rule set");
	for (size_t i = 0; i < prog->n_entries; i++) {
		struct hyp_policy_key k;
		struct hyp_policy_val v = {.rule_id = prog->entries[i].rule_id};

		entry_key(&prog->entries[i], next, &k);
		if (bpf_map_update_elem(pfd, &k, &v, BPF_ANY))
			return em_set(em, -errno, "policy table full at entry %zu of %zu", i,
				      prog->n_entries);
	}
	for (size_t i = 0; i < prog->n_enforce; i++) {
		struct hyp_enforce_key k = {.gen = next, .identity = prog->enforce[i].identity};
		__u32 flags = prog->enforce[i].flags;

		if (bpf_map_update_elem(efd, &k, &flags, BPF_ANY))
			return em_set(em, -errno, "enforcement table full");
	}
	cfg.policy_gen = next;
	cfg.policy_rev++;
	if (bpf_map_update_elem(cfd, &zero, &cfg, BPF_ANY))
		return em_set(em, -errno, "cannot switch the rule set");
	pr_debug("policy: generation %u active, revision %u, %zu entries\n", next, cfg.policy_rev,
		 prog->n_entries);
	return 0;
}
