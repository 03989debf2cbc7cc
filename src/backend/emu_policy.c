// SPDX-License-Identifier: GPL-2.0-only
/* emu backend: policy tables (two generations) and conntrack collection. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
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

static __u64 timeout_ns(const struct hyp_ct_key *k, const struct hyp_ct_val *v)
{
	__u64 s;

	if (k->proto == IPPROTO_TCP)
		s = v->state == HYP_CT_ESTABLISHED ? HYP_CT_TIMEOUT_TCP
		    : v->state >= HYP_CT_FIN_WAIT && v->state <= HYP_CT_CLOSING
			? HYP_CT_TIMEOUT_FIN
			: HYP_CT_TIMEOUT_SYN;
	else
		s = k->proto == IPPROTO_ICMP ? HYP_CT_TIMEOUT_ICMP : HYP_CT_TIMEOUT_UDP;
	return s * 1000000000ULL;
}

int emu_ct_gc(void *priv, uint32_t *live)
{
	struct emu *e = priv;
	int fd = bpf_map__fd(e->port->maps.hyp_ct);
	struct hyp_ct_key k, next, *prev = NULL;
	struct hyp_ct_key *dead = NULL;
	struct hyp_ct_val v;
	struct timespec ts;
	size_t n = 0, cap = 0;
	__u64 now;

	clock_gettime(CLOCK_MONOTONIC, &ts); /* bpf_ktime_get_ns() clock */
	now = (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
	*live = 0;
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		k = next;
		prev = &k;
		if (bpf_map_lookup_elem(fd, &k, &v))
			continue;
		if (now > v.last_seen && now - v.last_seen > timeout_ns(&k, &v)) {
			if (n == cap) {
				struct hyp_ct_key *nd =
				    realloc(dead, (cap ? cap * 2 : 256) * sizeof(*nd));

				if (!nd)
					break;
				dead = nd;
				cap = cap ? cap * 2 : 256;
			}
			dead[n++] = k;
		} else {
			(*live)++;
		}
	}
	for (size_t i = 0; i < n; i++)
		bpf_map_delete_elem(fd, &dead[i]);
	free(dead);
	return (int)n;
}
