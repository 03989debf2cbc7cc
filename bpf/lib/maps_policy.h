/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The policy tables, both generations: the rules (an LPM trie) and which
 * identities a direction is enforced for (docs/policy.md).
 */
#ifndef HYP_BPF_MAPS_POLICY_H
#define HYP_BPF_MAPS_POLICY_H

#include "common.h"

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

#endif /* HYP_BPF_MAPS_POLICY_H */
