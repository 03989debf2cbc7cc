/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Port stage: every frame is counted as received on its port; a port the
 * bridge has no binding for (or a bridge without its config) takes nothing.
 */
#ifndef HYP_BPF_PORT_H
#define HYP_BPF_PORT_H

#include "pipeline.h"
#include "maps_bridge.h"
#include "stats.h"

static __always_inline int port_stage(struct pkt_ctx *ctx)
{
	struct __sk_buff *skb = ctx->skb;
	__u32 ifindex = skb->ifindex, zero = 0;
	const struct hyp_config *cfg;
	union {
		__u64 word;
		struct {
			__u32 gen, rev;
		};
	} policy;

	ctx->ifindex = ifindex;
	stat_add(ifindex, HYP_STAT_RX, skb->len);
	ctx->port = bpf_map_lookup_elem(&hyp_ports, &ifindex);
	cfg = bpf_map_lookup_elem(&hyp_config, &zero);
	if (!ctx->port || !cfg)
		return HYP_DROP_NO_PORT;
	ctx->cfg = cfg;
	/* the generation and its revision in one load: the packet sees one
	 * complete rule set, never a mix, and stamps flows with its revision */
	policy.word = *(volatile const __u64 *)&cfg->policy;
	ctx->gen = policy.gen & 1;
	ctx->rev = policy.rev;
	return 0;
}

#endif /* HYP_BPF_PORT_H */
