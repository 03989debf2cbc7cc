/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The per-packet context of the bridge port pipeline (bridge_port.bpf.c):
 * one struct pkt_ctx per frame, in the entry function, filled in stage by
 * stage. A stage is an `int x_stage(struct pkt_ctx *ctx)` in a header of
 * its own; it reads what the stages before it filled in and returns 0 to
 * go on or a drop reason (HYP_DROP_*), which the entry function hands to
 * drop(). Adding a stage is one header and one call in the entry function.
 *
 * No stage hands the address of a field to a helper or to a global
 * function (map keys are built in locals, inspect() gets a copy of the
 * flow): the compiler then keeps the context in registers and small stack
 * slots instead of one block, and the program stays inside its stack.
 */
#ifndef HYP_BPF_PIPELINE_H
#define HYP_BPF_PIPELINE_H

#include "common.h"
#include "parse.h"

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_ACK 0x10

/* One end of a packet: who (identity) and where (address). */
struct endpoint_ref {
	__u32 identity;
	__be32 ip;
};

/* An IPv4 packet's flow, as its headers give it (flow_stage). */
struct flow {
	struct hyp_ct_key key; /* as seen on this packet */
	__u32 seq;	       /* TCP */
	__u16 l4_len;	       /* header bytes before the payload */
	__u8 tcp_flags;
	__u8 icmp_type;
	/* filled by inspect_stage in its copy for inspect() */
	__u32 src_id, dst_id; /* identities of this packet's sender, receiver */
	__u32 reply;	      /* packet goes responder -> initiator */
};

struct pkt_ctx {
	struct __sk_buff *skb;
	/* port_stage: the port the frame came in on (ifindex, binding), the
	 * bridge config, and the policy generation and revision, read from it
	 * once, together */
	__u32 ifindex;
	const struct hyp_port *port;
	const struct hyp_config *cfg;
	__u32 gen, rev;
	/* frame_stage: the headers */
	enum frame_class frame; /* FRAME_IPV4 or FRAME_ARP past frame_stage */
	struct ethhdr *eth;
	struct arp_ipv4 *arp;
	struct iphdr *ip;
	void *end; /* of the linear data */
	/* dest_lookup: the endpoint an IPv4 packet is for (arp_stage: the one
	 * an ARP request asks for); dest_stage: this packet's sender and
	 * receiver */
	const struct hyp_endpoint *ep;
	struct endpoint_ref src, dst;
	/* flow_stage */
	struct flow flow;
	/* ct_lookup_stage: the flow's entry (NULL: a new flow, or one a RST
	 * just closed) */
	struct hyp_ct_val *ct;
	__u64 now;
	__u8 reply; /* the packet goes responder -> initiator */
	__u8 check; /* policy decides: a new flow, or one checked against an older revision */
	/* inspect_plan: HYP_CT_I_*, the inspections a checked flow pays for */
	__u8 insp;
	/* dest_stage: the node a remote destination is on (0: this node);
	 * in the padding after insp, so the context (and the stack) does not grow */
	__u16 ovl_node;
	/* policy_stage: the rules that allowed a checked flow (0: not enforced) */
	__u32 rule_egress, rule_ingress;
};

/* A packet to the outside (dest_outside): its receiver is the world. The
 * identity says it; a flag of its own would cost the pipeline a stack slot
 * it does not have. */
static __always_inline int to_world(const struct pkt_ctx *ctx)
{
	return ctx->dst.identity == HYP_ID_WORLD;
}

/* The flow's initiator and responder (by the packet's direction). */
static __always_inline const struct endpoint_ref *flow_initiator(const struct pkt_ctx *ctx)
{
	return ctx->reply ? &ctx->dst : &ctx->src;
}

static __always_inline const struct endpoint_ref *flow_responder(const struct pkt_ctx *ctx)
{
	return ctx->reply ? &ctx->src : &ctx->dst;
}

/* The flow's destination port as it started (initiator to responder). */
static __always_inline __u16 flow_dport(const struct pkt_ctx *ctx)
{
	return ctx->reply ? ctx->flow.key.sport : ctx->flow.key.dport;
}

#endif /* HYP_BPF_PIPELINE_H */
