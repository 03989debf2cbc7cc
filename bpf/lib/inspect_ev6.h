/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Inspection events of IPv6 flows (abi_ip6.h: struct hyp_inspect_event6).
 * The walk's flow key holds IPv4-sized addresses (inspect6.h folds an
 * IPv6 flow's into them and marks the key's pad with HYP_INSPECT_EV_V6);
 * the packet's IPv6 addresses wait in a per-CPU slot (hyp_walk6), written
 * before the walk, read by its events: an inspection is never
 * interrupted by another on the same CPU. The alert rate limit of an IPv6
 * flow is keyed by those full addresses (hyp_alerts6), not the fold.
 */
#ifndef HYP_BPF_INSPECT_EV6_H
#define HYP_BPF_INSPECT_EV6_H

#include "common.h"
#include "maps_inspect.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hyp_walk6);
} hyp_walk6 SEC(".maps");

static __always_inline struct hyp_walk6 *walk6_slot(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&hyp_walk6, &zero);
}

/* Alert clocks of IPv6 flows (hyp_alerts is IPv4's). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, HYP_ALERT_KEYS);
	__type(key, struct hyp_alert6_key);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_alerts6 SEC(".maps");

/* The key being built, per CPU (the walk's stack has no room for it). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hyp_alert6_key);
} hyp_alert6_slot SEC(".maps");

/* An alert of the IPv6 flow of k (ports, proto, identity, dir, row) and
 * the slot's addresses is due at now: its clock is older than the
 * interval, or it has none; the clock is then set. No slot: due. */
static __always_inline int alert6_due(const struct hyp_alert_key *k, __u64 now)
{
	struct hyp_walk6 *a = walk6_slot();
	struct hyp_alert6_key *k6;
	__u32 zero = 0;
	__u64 *last;

	k6 = bpf_map_lookup_elem(&hyp_alert6_slot, &zero);
	if (!a || !k6)
		return 1;
	__builtin_memset(k6, 0, sizeof(*k6));
	__builtin_memcpy(k6->saddr, a->saddr, 16);
	__builtin_memcpy(k6->daddr, a->daddr, 16);
	k6->sport = k->flow.sport;
	k6->dport = k->flow.dport;
	k6->proto = k->flow.proto;
	k6->identity = k->identity;
	k6->dir = k->dir;
	k6->row = k->row;
	last = bpf_map_lookup_elem(&hyp_alerts6, k6);
	if (last && now - *last < HYP_ALERT_INTERVAL_NS)
		return 0;
	bpf_map_update_elem(&hyp_alerts6, k6, &now, BPF_ANY);
	return 1;
}

/* The event of an IPv6 flow's walk: identity, dir, ports, proto of the
 * flow key k (its addresses are the fold), the addresses of the slot. */
static __always_inline void walk_event6(const struct hyp_alert_key *k, __u8 action, __u32 row,
					__u32 off)
{
	struct hyp_walk6 *a = walk6_slot();
	struct hyp_inspect_event6 *e;

	if (!a)
		return;
	e = bpf_ringbuf_reserve(&hyp_events, sizeof(*e), 0);
	if (!e)
		return;
	__builtin_memset(e, 0, sizeof(*e));
	e->e.ts = bpf_ktime_get_ns();
	e->e.identity = k->identity;
	e->e.dir = k->dir;
	e->e.sport = k->flow.sport;
	e->e.dport = k->flow.dport;
	e->e.proto = k->flow.proto;
	e->e.action = action;
	e->e.pad = HYP_INSPECT_EV_V6;
	e->e.row = row;
	e->e.offset = off;
	__builtin_memcpy(e->saddr6, a->saddr, 16);
	__builtin_memcpy(e->daddr6, a->daddr, 16);
	bpf_ringbuf_submit(e, 0);
}

#endif /* HYP_BPF_INSPECT_EV6_H */
