// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The cluster overlay on the uplink (docs/cluster.md): two tcx programs,
 * each first on its hook, passing everything that is not overlay on to
 * the uplink's own programs (TCX_NEXT).
 *
 * hyp_ovl_receive (ingress): a frame from another node. Verified first
 * (overlay_rx.h: header, node, outer source, authenticator, replay
 * window), then decapsulated and run through the bridge's stages with the
 * authenticated identity as its source, to the local endpoint.
 *
 * hyp_ovl_egress (egress): a packet the bridge port sent here for another
 * node (HYP_OVL_MARK), wrapped for that node and sent on through the
 * bridge netns's neighbour table.
 */
#include "lib/pipeline.h"
#include "lib/drop.h"
#include "lib/frame.h"
#include "lib/flow.h"
#include "lib/conntrack.h"
#include "lib/policy.h"
#include "lib/related.h"
#include "lib/inspect.h"
#include "lib/forward.h"
#include "lib/overlay_rx.h"
#include "lib/overlay_tx.h"
#include "lib/overlay_deliver.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";


static __always_inline const struct hyp_ovl_self *ovl_self(void)
{
	__u32 zero = 0;
	const struct hyp_ovl_self *s = bpf_map_lookup_elem(&hyp_ovl_self, &zero);

	return s && s->node ? s : NULL;
}

SEC("tc")
int hyp_ovl_receive(struct __sk_buff *skb)
{
	struct pkt_ctx ctx = {.skb = skb, .ifindex = skb->ifindex};
	const struct hyp_ovl_self *self = ovl_self();
	struct ovl_rx rx = {};
	int err;

	if (frame_stage(&ctx) || ctx.frame != FRAME_IPV4 || !ovl_is_overlay(&ctx) || !self ||
	    ctx.ip->daddr != self->addr)
		return TCX_NEXT; /* not overlay to this node: the uplink's stages decide */
	stat_add(ctx.ifindex, HYP_STAT_RX, skb->len);
	err = ovl_rx_stage(&ctx, self, &rx); /* header, node, authenticator, window */
	if (err)
		return drop(&ctx, err);
	err = ovl_decap(&ctx); /* the inner packet, as the peer's bridge sent it */
	if (err)
		return drop(&ctx, err);
	err = ovl_deliver_stage(&ctx, &rx); /* to an endpoint here, from rx.identity */
	if (err)
		return drop(&ctx, err);
	err = flow_stage(&ctx);
	if (err)
		return drop(&ctx, err);
	if (icmp_is_error(&ctx)) {
		err = related_stage(&ctx);
		if (err)
			return drop(&ctx, err);
		return forward(&ctx);
	}
	err = ct_lookup_stage(&ctx);
	if (err)
		return drop(&ctx, err);
	err = policy_stage(&ctx); /* with the authenticated identity */
	if (err)
		return drop(&ctx, err);
	inspect_plan(&ctx);
	err = ct_commit_stage(&ctx);
	if (err)
		return drop(&ctx, err);
	err = inspect_stage(&ctx);
	if (err)
		return drop(&ctx, err);
	skb->mark = rx.identity; /* for the program tests (scrubbed on the way into the netns) */
	return forward(&ctx);
}

SEC("tc")
int hyp_ovl_egress(struct __sk_buff *skb)
{
	struct pkt_ctx ctx = {.skb = skb, .ifindex = skb->ifindex};
	const struct hyp_ovl_self *self;
	__u32 mark = skb->mark, node = HYP_OVL_MARK_NODE(mark);
	int err;

	if (!node)
		return TCX_NEXT; /* not from a bridge port for another node */
	skb->mark = 0;
	self = ovl_self();
	if (!self)
		return drop(&ctx, HYP_DROP_OVL_NO_PEER);
	err = frame_stage(&ctx);
	if (!err && ctx.frame != FRAME_IPV4)
		err = HYP_DROP_ETHERTYPE;
	if (!err)
		err = ovl_encap(&ctx, self, node, HYP_OVL_MARK_ID(mark));
	if (err)
		return drop(&ctx, err);
	return bpf_redirect_neigh(self->uplink_ifindex, NULL, 0, 0);
}
