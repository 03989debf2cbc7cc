/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Inspection events of IPv6 flows (abi_ip6.h: struct hyp_inspect_event6).
 * The walk's flow key holds IPv4-sized addresses (inspect6.h folds an
 * IPv6 flow's into them and marks the key's pad with HYP_INSPECT_EV_V6);
 * the packet's IPv6 addresses wait in a per-CPU slot (hyp_walk6), written
 * before the walk, read by its events: an inspection is never
 * interrupted by another on the same CPU.
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
