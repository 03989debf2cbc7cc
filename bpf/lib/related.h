/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Related stage: an ICMP error (destination unreachable, fragmentation
 * needed among them; time exceeded; parameter problem) belongs to the flow
 * of the packet it quotes, its IPv4 header and first 8 bytes of L4. It
 * passes only when that packet went from the error's receiver to its
 * sender (the two ends of the error are the two ends of the flow) and the
 * flow is tracked, live and checked against the policy in force; it then
 * goes to the flow's
 * endpoint that sent the quoted packet, counted (HYP_STAT_RELATED), and
 * leaves the entry as it is. Any other error is dropped (icmp-unrelated):
 * no endpoint can send errors about flows it is not part of. Path MTU
 * discovery works across the bridge this way: a fragmentation needed
 * reaches the sender of the packet that was too big.
 */
#ifndef HYP_BPF_RELATED_H
#define HYP_BPF_RELATED_H

#include "pipeline.h"
#include "conntrack.h"
#include "stats.h"

#define ICMP_DEST_UNREACH  3
#define ICMP_TIME_EXCEEDED 11
#define ICMP_PARAMETERPROB 12
#define ICMP_HDR_LEN	   8

static __always_inline int icmp_is_error(const struct pkt_ctx *ctx)
{
	__u8 t = ctx->flow.icmp_type;

	return ctx->flow.key.proto == IPPROTO_ICMP &&
	       (t == ICMP_DEST_UNREACH || t == ICMP_TIME_EXCEEDED || t == ICMP_PARAMETERPROB);
}

/*
 * The flow key of the quoted packet, as its sender sent it; 0 or a drop
 * reason. A function of its own (only ICMP errors get here): its buffers
 * stay off the packet path's stack.
 */
static __noinline int related_key(struct __sk_buff *skb, __u32 sender, __u32 receiver,
				  struct hyp_ct_key *k)
{
	__u32 off = sizeof(struct ethhdr) + sizeof(struct iphdr) + ICMP_HDR_LEN, ihl;
	__u8 h[12], l4[8]; /* the quoted IPv4 header up to its addresses; 8 bytes of L4 */

	__builtin_memset(k, 0, sizeof(*k));
	if (bpf_skb_load_bytes(skb, off, h, sizeof(h)) ||
	    bpf_skb_load_bytes(skb, off + 12, &k->saddr, 8))
		return HYP_DROP_MALFORMED;
	ihl = (h[0] & 0xf) * 4;
	if (h[0] >> 4 != 4 || ihl < sizeof(struct iphdr))
		return HYP_DROP_MALFORMED;
	/* a later fragment quotes no L4 header: it names no flow */
	if ((h[6] << 8 | h[7]) & IP_OFFSET)
		return HYP_DROP_ICMP_UNRELATED;
	if (bpf_skb_load_bytes(skb, off + ihl, l4, sizeof(l4)))
		return HYP_DROP_MALFORMED;
	k->proto = h[9];
	switch (k->proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_SCTP:
		k->sport = (__u16)(l4[0] << 8 | l4[1]);
		k->dport = (__u16)(l4[2] << 8 | l4[3]);
		break;
	case IPPROTO_ICMP: /* an echo; never an error about an error */
		if (l4[0] != ICMP_ECHO && l4[0] != ICMP_ECHO_REPLY)
			return HYP_DROP_ICMP_UNRELATED;
		k->sport = k->dport = (__u16)(l4[4] << 8 | l4[5]);
		break;
	default:
		break;
	}
	/* the quoted packet went from this error's receiver to its sender */
	if (k->saddr != receiver || k->daddr != sender)
		return HYP_DROP_ICMP_UNRELATED;
	return 0;
}

/* 0: the error goes on to its destination (forward); else the drop reason. */
static __always_inline int related_stage(struct pkt_ctx *ctx)
{
	__u64 now = bpf_ktime_get_ns();
	struct hyp_ct_key k;
	struct hyp_ct_val *v;
	int err;

	err = related_key(ctx->skb, ctx->src.ip, ctx->dst.ip, &k);
	if (err)
		return err;
	v = bpf_map_lookup_elem(&hyp_ct, &k);
	if (!v) { /* the error's sender started the flow: the quote is a reply */
		__u32 a = k.saddr;
		__u16 p = k.sport;

		k.saddr = k.daddr;
		k.daddr = a;
		k.sport = k.dport;
		k.dport = p;
		v = bpf_map_lookup_elem(&hyp_ct, &k);
	}
	if (!v || (now > v->last_seen && now - v->last_seen > ct_timeout(v, k.proto)))
		return HYP_DROP_ICMP_UNRELATED;
	/* the quoted packet crossed the bridge just before the error, and its
	 * flow was checked then against the policy in force; a flow not checked
	 * since the last change (it may now be denied) carries no error until
	 * its own next packet has been checked */
	if (v->rev != ctx->rev)
		return HYP_DROP_ICMP_UNRELATED;
	stat_add(ctx->ifindex, HYP_STAT_RELATED, ctx->skb->len);
	return 0;
}

#endif /* HYP_BPF_RELATED_H */
