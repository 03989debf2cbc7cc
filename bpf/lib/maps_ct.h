/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The conntrack table, one entry per flow, keyed in its first packet's
 * direction; what each endpoint holds of it; a sample of recent new flows.
 */
#ifndef HYP_BPF_MAPS_CT_H
#define HYP_BPF_MAPS_CT_H

#include "common.h"

/* A plain hash, not LRU: established entries are never evicted. A new flow
 * is refused when its endpoint holds its quota (ct_quota.h), and when the
 * table is full and no unreplied entry of a bigger holder can make room.
 * The daemon collects expired entries. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HYP_CT_MAX);
	__type(key, struct hyp_ct_key);
	__type(value, struct hyp_ct_val);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_ct SEC(".maps");

/* SNIC id -> the entries whose flows that endpoint started (hyp_ct_val.owner).
 * Changed only by atomic adds: +1 when the datapath creates an entry, -1
 * when it deletes one, -n when the daemon's collector gives back what it
 * removed (hyp_ct_release). Stale ids are swept by the daemon. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HYP_MAX_ENDPOINTS);
	__type(key, __u32);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_ct_owners SEC(".maps");

/* Keys of recent new flows, each written to a random slot: where a full
 * table looks for an unreplied entry to evict. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, HYP_CT_RECENT);
	__type(key, __u32);
	__type(value, struct hyp_ct_key);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_ct_recent SEC(".maps");

#endif /* HYP_BPF_MAPS_CT_H */
