/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The conntrack table, one entry per flow, keyed in its first packet's direction. */
#ifndef HYP_BPF_MAPS_CT_H
#define HYP_BPF_MAPS_CT_H

#include "common.h"

/* A plain hash, not LRU: when full, new flows are refused and established
 * ones are never evicted. The daemon collects expired entries. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HYP_CT_MAX);
	__type(key, struct hyp_ct_key);
	__type(value, struct hyp_ct_val);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_ct SEC(".maps");

#endif /* HYP_BPF_MAPS_CT_H */
