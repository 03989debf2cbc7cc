/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The bridge's per-CPU counters: drops by port and reason, traffic by port. */
#ifndef HYP_BPF_MAPS_COUNTERS_H
#define HYP_BPF_MAPS_COUNTERS_H

#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, HYP_MAX_DROP_KEYS);
	__type(key, struct hyp_drop_key);
	__type(value, struct hyp_counter);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_drops SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, HYP_MAX_DROP_KEYS);
	__type(key, struct hyp_stat_key);
	__type(value, struct hyp_counter);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_stats SEC(".maps");

#endif /* HYP_BPF_MAPS_COUNTERS_H */
