/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Traffic counters of the bridge ports (hyperctl status): HYP_STAT_*. */
#ifndef HYP_BPF_STATS_H
#define HYP_BPF_STATS_H

#include "common.h"
#include "counters.h"
#include "maps_counters.h"

static __always_inline void stat_add(__u32 ifindex, __u32 stat, __u64 bytes)
{
	struct hyp_stat_key k = {.ifindex = ifindex, .stat = stat};

	counter_add(&hyp_stats, &k, bytes);
}

#endif /* HYP_BPF_STATS_H */
