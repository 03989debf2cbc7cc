/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Per-CPU packet and byte counters (hyp_counter): the bridge's stats.h and drop.h, the guard. */
#ifndef HYP_BPF_COUNTERS_H
#define HYP_BPF_COUNTERS_H

#include "common.h"

static __always_inline void counter_add(void *map, const void *key, __u64 bytes)
{
	struct hyp_counter *c = bpf_map_lookup_elem(map, key);

	if (!c) {
		struct hyp_counter init = {.packets = 1, .bytes = bytes};

		/* Loses at most one count if two CPUs race on first use. */
		bpf_map_update_elem(map, key, &init, BPF_NOEXIST);
		return;
	}
	c->packets++;
	c->bytes += bytes;
}

#endif /* HYP_BPF_COUNTERS_H */
