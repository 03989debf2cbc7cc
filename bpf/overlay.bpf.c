// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The cluster overlay's two halves as programs of their own, the shape the
 * uplink and bridge port programs call them in: hyp_ovl_receive (a frame
 * from the fabric: verify, decapsulate, deliver to the local endpoint with
 * the authenticated identity) and hyp_ovl_send (an IPv4 frame to another
 * node's block: encapsulate and send out of the uplink). The BPF program
 * tests (tests/bpf/test_bpf_overlay.c) run both through BPF_PROG_TEST_RUN.
 * The authenticated identity is left in skb->mark for the caller.
 */
#include "lib/pipeline.h"
#include "lib/drop.h"
#include "lib/frame.h"
#include "lib/maps_bridge.h"
#include "lib/overlay_rx.h"
#include "lib/overlay_tx.h"

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
	const struct hyp_endpoint *ep;
	struct hyp_ep_key k;
	struct ovl_rx rx = {};
	__u32 zero = 0;
	int err;

	err = frame_stage(&ctx);
	if (err)
		return drop(&ctx, err);
	if (ctx.frame != FRAME_IPV4 || !ovl_is_overlay(&ctx))
		return TC_ACT_OK; /* not overlay: the uplink's other stages */
	if (!self)
		return drop(&ctx, HYP_DROP_OVL_UNKNOWN_NODE);
	err = ovl_rx_stage(&ctx, self, &rx); /* header, node, authenticator, window */
	if (err)
		return drop(&ctx, err);
	err = ovl_decap(&ctx);
	if (err)
		return drop(&ctx, err);
	k.ip = ctx.ip->daddr;
	ep = bpf_map_lookup_elem(&hyp_endpoints, &k);
	ctx.cfg = bpf_map_lookup_elem(&hyp_config, &zero);
	if (!ep || !ep->port_ifindex || !ctx.cfg)
		return drop(&ctx, HYP_DROP_UNKNOWN_DST);
	skb->mark = rx.identity;
	mac_copy(ctx.eth->h_dest, ep->mac);
	mac_copy(ctx.eth->h_source, ctx.cfg->gw_mac);
	return bpf_redirect_peer(ep->port_ifindex, 0);
}

SEC("tc")
int hyp_ovl_send(struct __sk_buff *skb)
{
	struct pkt_ctx ctx = {.skb = skb, .ifindex = skb->ifindex};
	const struct hyp_ovl_self *self = ovl_self();
	__u32 node;
	int err;

	err = frame_stage(&ctx);
	if (err)
		return drop(&ctx, err);
	if (ctx.frame != FRAME_IPV4)
		return drop(&ctx, HYP_DROP_ETHERTYPE);
	node = ovl_route(ctx.ip->daddr);
	if (!self || !node)
		return drop(&ctx, HYP_DROP_OVL_NO_PEER);
	err = ovl_encap(&ctx, self, node, skb->mark);
	if (err)
		return drop(&ctx, err);
	return bpf_redirect_neigh(self->uplink_ifindex, NULL, 0, 0);
}
