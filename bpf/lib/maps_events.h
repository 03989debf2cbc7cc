/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The flow event tables (include/hyperion/abi.h, "Flow events"): the
 * ring, its configuration, each port's budget and the counts of what was
 * sent and lost.
 */
#ifndef HYP_BPF_MAPS_EVENTS_H
#define HYP_BPF_MAPS_EVENTS_H

#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, HYP_FLOW_EVENTS_RING);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_flow_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hyp_event_cfg);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_ev_cfg SEC(".maps");

/* LRU: a port that is gone leaves no entry behind for good. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, HYP_MAX_ENDPOINTS);
	__type(key, __u32);
	__type(value, struct hyp_event_budget);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_ev_budget SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, __HYP_EVSTAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_ev_stats SEC(".maps");

#endif /* HYP_BPF_MAPS_EVENTS_H */
