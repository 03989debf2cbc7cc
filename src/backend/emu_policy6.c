// SPDX-License-Identifier: GPL-2.0-only
/*
 * emu backend: the IPv6 ipBlock table (hyp_policy6, abi_ip6.h), one more
 * table of the policy generation emu_policy_load fills before it switches.
 * Its entries are few (one per IPv6 endpoint address an ipBlock selects,
 * and the outside networks of IPv6 ipBlocks with their rules' ports),
 * so the inactive generation is rewritten whole: its keys deleted, the
 * program's IPv6 entries written.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "hyperion/abi.h"
#include "backend/emu.h"
#include "policy/policy.h"
#include "bpf/bridge_port.skel.h"

void emu_policy6_key(const struct pol_entry *en, __u32 gen, struct hyp_policy6_key *k)
{
	memset(k, 0, sizeof(*k));
	k->gen = (__u8)gen;
	k->dir = en->dir;
	k->kind = en->kind;
	k->local_id = htonl(en->local_id);
	memcpy(k->peer, en->peer6, sizeof(k->peer));
	k->proto = en->proto;
	k->port_hi = (__u8)(en->port >> 8);
	k->port_lo = (__u8)en->port;
	k->prefixlen = HYP_POLICY6_KEY_FIXED_BITS;
	if (en->proto)
		k->prefixlen += 8 + en->port_bits;
	if (en->kind == HYP_PEER_WORLD6_SET) { /* the set, where the address was */
		memset(k->peer, 0, sizeof(k->peer));
		k->peer[0] = htonl(en->peer);
	}
	if (en->kind == HYP_PEER_WORLD6_NET) { /* an outside network: port holds its bits */
		k->prefixlen = HYP_POLICY_WORLD_NET_BITS + (en->port > 128 ? 128 : en->port);
		k->port_hi = k->port_lo = 0;
	}
}

bool emu_policy6_kind(__u8 kind)
{
	return kind == HYP_PEER_IPV6 || kind == HYP_PEER_WORLD6_NET || kind == HYP_PEER_WORLD6_SET;
}

/* Deletes the keys of generation gen (collected first: deleting while
 * walking would lose the iterator's place). */
static int clear6(int fd, __u32 gen)
{
	struct hyp_policy6_key *keys = NULL, *nk, cur;
	size_t n = 0, cap = 0;
	int err = 0;

	while (!bpf_map_get_next_key(fd, n ? &keys[n - 1] : NULL, &cur)) {
		if (n == cap) {
			nk = realloc(keys, (cap = cap ? 2 * cap : 256) * sizeof(*keys));
			if (!nk) {
				err = -ENOMEM;
				goto out;
			}
			keys = nk;
		}
		keys[n++] = cur;
	}
	for (size_t i = 0; i < n; i++)
		if (keys[i].gen == gen)
			bpf_map_delete_elem(fd, &keys[i]);
out:
	free(keys);
	return err;
}

int emu_policy6_load(struct emu *e, const struct pol_program *prog, __u32 gen)
{
	int fd = bpf_map__fd(e->port->maps.hyp_policy6);
	struct hyp_policy6_key k;
	struct hyp_policy_val v;
	int err = clear6(fd, gen);

	for (size_t i = 0; !err && i < prog->n_entries; i++) {
		if (!emu_policy6_kind(prog->entries[i].kind))
			continue;
		emu_policy6_key(&prog->entries[i], gen, &k);
		v.rule_id = prog->entries[i].rule_id;
		if (bpf_map_update_elem(fd, &k, &v, BPF_ANY))
			err = -errno;
	}
	return err;
}
