/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The inspection tables (docs/inspection.md): the DFA rows, their
 * compact copy for the fast walk, each endpoint's and direction's
 * automaton, the alert rate limits and the ring of match events.
 */
#ifndef HYP_BPF_MAPS_INSPECT_H
#define HYP_BPF_MAPS_INSPECT_H

#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, HYP_DFA_ROWS);
	__type(key, __u32);
	__type(value, struct hyp_dfa_row);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_dfa SEC(".maps");

/* The same automata in the fast walk's compact layout (abi.h). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, HYP_DFC_TABLES);
	__type(key, __u32);
	__type(value, struct hyp_dfc);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_dfc SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2 * HYP_MAX_ENDPOINTS);
	__type(key, struct hyp_inspect_key);
	__type(value, struct hyp_inspect_val);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_inspect SEC(".maps");

/* When each pattern was last reported per flow and endpoint direction:
 * alerts are rate-limited per pattern (only touched when an alert
 * pattern ends). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, HYP_ALERT_KEYS);
	__type(key, struct hyp_alert_key);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_alerts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_events SEC(".maps");

#endif /* HYP_BPF_MAPS_INSPECT_H */
