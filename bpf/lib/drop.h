/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The one drop exit of the bridge port: every frame the pipeline neither
 * forwards nor answers ends here (a TCP segment inspection blocks too,
 * before it is turned into resets: reset.h), counted per port and reason
 * and in the port's drop total (hyperctl status).
 */
#ifndef HYP_BPF_DROP_H
#define HYP_BPF_DROP_H

#include "pipeline.h"
#include "counters.h"
#include "maps_counters.h"
#include "stats.h"
#include "events.h"

static __always_inline int drop(struct pkt_ctx *ctx, __u32 reason)
{
	struct __sk_buff *skb = ctx->skb;
	struct hyp_drop_key k = {.ifindex = ctx->ifindex, .reason = reason};

	counter_add(&hyp_drops, &k, skb->len);
	stat_add(ctx->ifindex, HYP_STAT_DROP, skb->len);
	event_drop(ctx, reason);
	return TC_ACT_SHOT;
}

#endif /* HYP_BPF_DROP_H */
