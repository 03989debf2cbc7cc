/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The bridge's match-action tables. Pinned by name so they outlive the daemon. */
#ifndef HYP_BPF_MAPS_H
#define HYP_BPF_MAPS_H

#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HYP_MAX_ENDPOINTS);
	__type(key, struct hyp_ep_key);
	__type(value, struct hyp_endpoint);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_endpoints SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HYP_MAX_ENDPOINTS);
	__type(key, __u32);
	__type(value, struct hyp_port);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hyp_config);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_config SEC(".maps");

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

#endif /* HYP_BPF_MAPS_H */

#ifndef HYP_BPF_MAPS_POLICY_H
#define HYP_BPF_MAPS_POLICY_H

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, HYP_POLICY_MAX_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct hyp_policy_key);
	__type(value, struct hyp_policy_val);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_policy SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2 * HYP_MAX_ENDPOINTS);
	__type(key, struct hyp_enforce_key);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_enforce SEC(".maps");

/* A plain hash, not LRU: when full, new flows are refused and established
 * ones are never evicted. The daemon collects expired entries. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HYP_CT_MAX);
	__type(key, struct hyp_ct_key);
	__type(value, struct hyp_ct_val);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_ct SEC(".maps");

#endif

#ifndef HYP_BPF_MAPS_INSPECT_H
#define HYP_BPF_MAPS_INSPECT_H

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, HYP_DFA_ROWS);
	__type(key, __u32);
	__type(value, struct hyp_dfa_row);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_dfa SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2 * HYP_MAX_ENDPOINTS);
	__type(key, struct hyp_inspect_key);
	__type(value, struct hyp_inspect_val);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_inspect SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_events SEC(".maps");

#endif
