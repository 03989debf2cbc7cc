/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Conntrack fairness. Every entry is charged to the endpoint that started
 * its flow (its SNIC id, hyp_ct_val.owner), and no endpoint holds more
 * than the bridge config's ct_quota entries: its next new flow is dropped
 * (ct-quota) while every other endpoint's still start. The count moves
 * only when an entry is created or deleted, by atomic adds, so it is exact:
 * the datapath charges a new entry before it inserts it and gives the
 * charge back when the insert fails or when it deletes an entry; the
 * daemon's collector gives back what it removes (hyp_ct_release in
 * bridge_port.bpf.c).
 *
 * A full table (many endpoints near their quotas) does not block an
 * endpoint that holds less than the others: its new flow evicts one
 * unreplied entry (UDP, ICMP or other before a reply, a TCP SYN without
 * its SYN-ACK) whose owner holds more entries than the new flow's owner
 * will (early drop). Such entries are found without walking the table in
 * a sample of recent new flows (hyp_ct_recent). Replied entries are never
 * evicted.
 */
#ifndef HYP_BPF_CT_QUOTA_H
#define HYP_BPF_CT_QUOTA_H

#include "pipeline.h"
#include "maps_ct.h"

/* The count of owner's entries, created at 0 on its first flow. */
static __always_inline __u32 *ct_owner_count(__u32 owner)
{
	__u32 *c = bpf_map_lookup_elem(&hyp_ct_owners, &owner), zero = 0;

	if (c)
		return c;
	bpf_map_update_elem(&hyp_ct_owners, &owner, &zero, BPF_NOEXIST);
	return bpf_map_lookup_elem(&hyp_ct_owners, &owner);
}

/* Deletes an entry and gives its charge back, if this call deleted it. */
static __always_inline void ct_delete(const struct hyp_ct_key *k, __u32 owner)
{
	__u32 *c;

	if (bpf_map_delete_elem(&hyp_ct, k))
		return; /* already gone: whoever deleted it gave the charge back */
	c = bpf_map_lookup_elem(&hyp_ct_owners, &owner);
	if (c)
		__sync_fetch_and_sub(c, 1);
}

/*
 * Charges a new entry to owner: 0 and *count (the owner's counter, which
 * the charge is on), or the drop reason when owner holds its quota.
 */
static __always_inline int ct_charge(const struct pkt_ctx *ctx, __u32 owner, __u32 **count)
{
	__u32 quota = ctx->cfg->ct_quota ? ctx->cfg->ct_quota : HYP_CT_QUOTA_DEFAULT;
	__u32 *c = ct_owner_count(owner), n;

	if (!c)
		return HYP_DROP_CT_FULL; /* nowhere to count it: not admitted uncounted */
	n = __sync_fetch_and_add(c, 1);
	if (n >= quota) {
		__sync_fetch_and_sub(c, 1);
		return HYP_DROP_CT_QUOTA;
	}
	*count = c;
	return 0;
}

/* Samples a new flow's key for ct_evict. */
static __always_inline void ct_remember(const struct hyp_ct_key *k)
{
	__u32 slot = bpf_get_prandom_u32() & (HYP_CT_RECENT - 1);
	struct hyp_ct_key *s = bpf_map_lookup_elem(&hyp_ct_recent, &slot);

	if (s)
		*s = *k;
}

/*
 * Whether v, a sampled entry, may be evicted for a new flow of owner (who
 * then holds held): an unreplied entry of another endpoint holding more.
 * *cnt: its owner's counter (NULL if none). Shared by ct_evict and ct6_evict.
 */
static __always_inline int ct_evictable(const struct hyp_ct_val *v, __u32 owner, __u32 held,
					__u32 **cnt)
{
	__u32 victim;

	*cnt = NULL;
	if (!v || (v->state != HYP_CT_NEW && v->state != HYP_CT_SYN_SENT))
		return 0;
	victim = v->owner;
	*cnt = bpf_map_lookup_elem(&hyp_ct_owners, &victim);
	return victim != owner && !(*cnt && **cnt <= held);
}

/*
 * The table is full: evicts one unreplied entry of another endpoint that
 * holds more than held (the new flow's owner, with the new flow). 1 when
 * one was evicted. A function of its own: rare, and its stack is not the
 * packet path's.
 */
static __noinline int ct_evict(__u32 owner, __u32 held)
{
	for (int i = 0; i < HYP_CT_EVICT_TRIES; i++) {
		__u32 slot = bpf_get_prandom_u32() & (HYP_CT_RECENT - 1), *c;
		struct hyp_ct_key *s = bpf_map_lookup_elem(&hyp_ct_recent, &slot), k;
		struct hyp_ct_val *v;

		if (!s)
			continue;
		k = *s;
		v = bpf_map_lookup_elem(&hyp_ct, &k);
		if (!ct_evictable(v, owner, held, &c))
			continue;
		if (bpf_map_delete_elem(&hyp_ct, &k))
			continue;
		if (c)
			__sync_fetch_and_sub(c, 1);
		return 1;
	}
	return 0;
}

#endif /* HYP_BPF_CT_QUOTA_H */
