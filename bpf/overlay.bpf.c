// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The cluster overlay on the uplink (docs/cluster.md): two tcx programs,
 * each first on its hook, passing everything that is not overlay on to
 * the uplink's own programs (TCX_NEXT).
 *
 * hyp_ovl_receive (ingress): a frame from another node. Verified first
 * (overlay_rx.h: header, node, outer source, authenticator, replay
 * window), then decapsulated and run through the bridge's stages with the
 * authenticated identity as its source, to the local endpoint. A frame
 * whose header says its inner packet is IPv6 goes on to hyp_ovl_receive6
 * (a tail call: the IPv6 stages get a stack of their own), which checks
 * it the same way and runs the bridge's IPv6 stages.
 *
 * hyp_ovl_egress (egress): a packet (IPv4 or IPv6) the bridge port sent
 * here for another node (HYP_OVL_MARK), wrapped for that node and sent on through the
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
/* the IPv6 stage headers bring the port pipeline's ND and stamp functions,
 * which the overlay does not call */
#pragma clang diagnostic ignored "-Wunused-function"
#include "lib/overlay_deliver6.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";


static __always_inline const struct hyp_ovl_self *ovl_self(void)
{
	__u32 zero = 0;
	const struct hyp_ovl_self *s = bpf_map_lookup_elem(&hyp_ovl_self, &zero);

	return s && s->node ? s : NULL;
}

/* hyp_ovl_receive6's checks and decapsulation: 0 with the authenticated
 * identity, or -1 when the frame was dropped (counted). A function of its
 * own: the outer frame's context stays off the IPv6 stages' stack. */
static __noinline int ovl_rx6_front(struct __sk_buff *skb, __u32 *identity)
{
	struct pkt_ctx ctx = {.skb = skb};
	const struct hyp_ovl_self *self = ovl_self();
	struct ovl_rx rx = {};
	int err = HYP_DROP_OVL_MALFORMED;

	if (!skb || !identity)
		return -1;
	ctx.ifindex = skb->ifindex;
	if (!frame_stage(&ctx) && ctx.frame == FRAME_IPV4 && ovl_is_overlay(&ctx) && self &&
	    ctx.ip->daddr == self->addr)
		err = ovl_rx_stage(&ctx, self, &rx, 1); /* as IPv4's, and the /64 */
	if (!err)
		err = ovl_decap6(skb);
	if (err) {
		drop(&ctx, err);
		return -1;
	}
	*identity = rx.identity;
	return 0;
}

/* An overlay frame with an inner IPv6 packet, from hyp_ovl_receive (only a
 * tail call reaches it: it is attached nowhere). */
SEC("tc")
int hyp_ovl_receive6(struct __sk_buff *skb)
{
	struct pkt6 c = {.skb = skb};
	__u32 identity = 0;
	int err;

	if (ovl_rx6_front(skb, &identity))
		return TC_ACT_SHOT;
	err = ovl_deliver6_stage(&c, identity); /* to an endpoint6 here */
	if (!err)
		err = ovl_stages6(&c);
	if (!err && !c.ep)
		err = HYP_DROP_UNKNOWN_DST; /* not reached: for the verifier */
	if (err)
		return drop6(skb, skb->ifindex, err, identity);
	mac_copy(c.eth->h_dest, c.ep->mac);
	stat_add(skb->ifindex, HYP_STAT_FWD, skb->len);
	skb->mark = identity; /* for the program tests (scrubbed on the way into the netns) */
	return bpf_redirect_peer(c.ep->port_ifindex, 0);
}

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(__u32));
	__array(values, int(void *));
} hyp_ovl_prog6 SEC(".maps") = {
    .values = {[0] = (void *)&hyp_ovl_receive6},
};

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
	if (ovl_is_ip6(&ctx)) {
		bpf_tail_call(skb, &hyp_ovl_prog6, 0);
		return drop(&ctx, HYP_DROP_OVL_MALFORMED); /* the IPv6 program is not there */
	}
	err = ovl_rx_stage(&ctx, self, &rx, 0); /* header, node, authenticator, window */
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
	if (ctx.frame == FRAME_IPV6 && err == HYP_DROP_IPV6)
		err = ovl_encap(&ctx, self, node, HYP_OVL_MARK_ID(mark), 1);
	else if (!err && ctx.frame != FRAME_IPV4)
		err = HYP_DROP_ETHERTYPE;
	else if (!err)
		err = ovl_encap(&ctx, self, node, HYP_OVL_MARK_ID(mark), 0);
	if (err)
		return drop(&ctx, err);
	return bpf_redirect_neigh(self->uplink_ifindex, NULL, 0, 0);
}
