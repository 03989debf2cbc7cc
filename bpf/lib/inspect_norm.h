/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Normalisation for the inspection stage (inspect.h): the walk must see
 * exactly the bytes the receiver will take as its stream, so a packet
 * some walk covers is first checked as the receiver's stack checks it,
 * and whatever that stack would not deliver as stream bytes, or could
 * deliver twice with other content, is dropped before it is walked:
 *
 *  - IPv4: the header checksum, and a total length that is the frame's
 *    (no trailing bytes past it, nothing missing); IPv6: a payload length
 *    that is the frame's (its extension headers were walked and bounded
 *    by ip6_walk); UDP: its length field;
 *  - TCP: data without ACK, and data on a SYN (no Fast Open), are not
 *    stream bytes; the urgent pointer takes a byte out of the stream
 *    (out-of-band), even set on a segment before the byte: any segment
 *    with URG is dropped;
 *  - TCP order: bytes are walked once, in sequence order. A segment past
 *    a gap is dropped (the sender retransmits in order). A segment that
 *    carries bytes already walked but not yet acknowledged by the
 *    receiver is dropped whatever its content: the receiver may or may
 *    not hold the first copy, and forwarding another copy could deliver
 *    bytes never walked. Bytes the receiver acknowledged are a duplicate
 *    it discards: passed, not walked. Data past the right edge of the
 *    receiver's window is dropped.
 *
 * The receiver's ACK and window come from the packets of the other
 * direction (tcp_learn), scaled by the shifts the handshake offered.
 */
#ifndef HYP_BPF_INSPECT_NORM_H
#define HYP_BPF_INSPECT_NORM_H

#include "pipeline.h"
#include "inspect_walk.h"

#define INSP_L3	 sizeof(struct ethhdr)
#define INSP_L4	 (sizeof(struct ethhdr) + sizeof(struct iphdr))
#define TCP_URG	 0x20
#define WS_NONE	 15 /* wscale nibble: no window scale option */
#define WS_WIDE	 14 /* the widest shift, for a handshake never seen */
#define OPTS_MAX 40

/* The IPv4 header: checksum and total length; *end = the IP packet's end. */
static __always_inline int ip_norm(struct __sk_buff *skb, __u32 *end)
{
	__u16 h[10];
	__u32 sum = 0, tot;
	int i;

	if (bpf_skb_load_bytes(skb, INSP_L3, h, sizeof(h)))
		return HYP_DROP_MALFORMED;
	for (i = 0; i < 10; i++)
		sum += h[i];
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	if (sum != 0xffff)
		return HYP_DROP_INSPECT_IP_CSUM;
	tot = bpf_ntohs(h[1]);
	/* BIG TCP: a GSO TCP frame over 64 KiB carries total length 0, and the
	 * receiver's stack (iph_totlen) takes the frame's length: so do we. On
	 * any other frame 0 is what it always was, a bad length. */
	if (!tot && skb->gso_size && ((const __u8 *)h)[9] == IPPROTO_TCP)
		tot = skb->len - INSP_L3;
	if (INSP_L3 + tot != skb->len)
		return HYP_DROP_INSPECT_IP_LEN;
	*end = INSP_L3 + tot;
	return 0;
}

/* IPv6: a payload length that is the frame's; *end = the IP packet's end.
 * BIG TCP (a GSO TCP frame over 64 KiB) carries 0, as for IPv4, with TCP
 * right after the fixed header or after the 8-byte hop-by-hop header of a
 * jumbo payload option (ip6_parse took only those: ip6_big_tcp_len). */
static __always_inline int ip6_norm(struct __sk_buff *skb, __u32 l4, __u8 proto, __u32 *end)
{
	__u8 h[2];
	__u32 tot;

	if (bpf_skb_load_bytes(skb, INSP_L3 + 4, h, 2))
		return HYP_DROP_MALFORMED;
	tot = (__u32)h[0] << 8 | h[1];
	if (!tot && skb->gso_size && proto == IPPROTO_TCP &&
	    (l4 == INSP_L3 + 40 || l4 == INSP_L3 + 48))
		tot = skb->len - INSP_L3 - 40;
	if (INSP_L3 + 40 + tot != skb->len)
		return HYP_DROP_INSPECT_IP_LEN;
	*end = INSP_L3 + 40 + tot;
	return 0;
}

/* The TCP header fields at skb offset l4 (the payload bounds come with
 * payload_bounds). */
static __always_inline int tcp_header(struct __sk_buff *skb, const struct flow *f,
				      struct tcp_seg *t, __u32 l4)
{
	__u8 h[16];

	if (f->l4_len < 20 || bpf_skb_load_bytes(skb, l4, h, sizeof(h)))
		return HYP_DROP_MALFORMED;
	t->seq = f->seq;
	t->ack = (__u32)h[8] << 24 | (__u32)h[9] << 16 | (__u32)h[10] << 8 | h[11];
	t->flags = h[13];
	t->win = (__u16)(h[14] << 8 | h[15]);
	t->optlen = (__u8)(f->l4_len - 20);
	return 0;
}

/* The payload of the packet (L4 header at skb offset l4), after the IP
 * checks of its family (v6: IPv6): [base, end). */
static __always_inline int payload_bounds(struct __sk_buff *skb, const struct flow *f,
					  struct tcp_seg *t, __u32 l4, int v6)
{
	__u8 u[2];
	__u32 ulen;
	int err = v6 ? ip6_norm(skb, l4, f->key.proto, &t->end) : ip_norm(skb, &t->end);

	if (err)
		return err;
	switch (f->key.proto) {
	case IPPROTO_TCP:
		t->base = l4 + f->l4_len;
		break;
	case IPPROTO_UDP: /* the receiver takes the UDP length's bytes */
		if (bpf_skb_load_bytes(skb, l4 + 4, u, 2))
			return HYP_DROP_MALFORMED;
		ulen = (__u32)u[0] << 8 | u[1];
		if (ulen < 8 || l4 + ulen > t->end)
			return HYP_DROP_MALFORMED;
		t->base = l4 + 8;
		t->end = l4 + ulen;
		break;
	case IPPROTO_ICMP:
		t->base = l4 + 8;
		break;
	default:
		t->base = l4;
	}
	return t->base > t->end ? HYP_DROP_MALFORMED : 0;
}

/* Where the option walk is; the option bytes are in the per-CPU block. */
struct tcp_opts {
	__u32 pos, len;
	__u32 ws;
};

static long opt_step(__u32 i, void *data)
{
	struct tcp_opts *o = data;
	struct walk_scratch *buf = walk_scratch();
	__u32 p = o->pos, kind, l;

	if (!buf || p >= o->len || p > OPTS_MAX - 2)
		return 1;
	kind = buf->block[p];
	if (kind == 0)
		return 1;
	if (kind == 1) {
		o->pos = p + 1;
		return 0;
	}
	l = buf->block[p + 1];
	if (l < 2)
		return 1;
	if (kind == 3 && l == 3 && p + 2 < o->len && p < OPTS_MAX - 2)
		o->ws = buf->block[p + 2] > WS_WIDE ? WS_WIDE : buf->block[p + 2];
	o->pos = p + l;
	return 0;
}

/* The window shift a SYN offers (WS_NONE: none); its TCP header at skb
 * offset l4. A global function: only SYNs pay for it; the options are
 * read into the walk's per-CPU block. */
__noinline int syn_wscale(struct __sk_buff *skb, __u64 optlen, __u32 l4)
{
	struct tcp_opts o = {.ws = WS_NONE};
	struct walk_scratch *buf = walk_scratch();

	if (!skb || !buf || optlen > OPTS_MAX)
		return WS_NONE;
	asm volatile("" : "+r"(optlen)); /* two bounds the verifier sees, not one merged test */
	if (optlen < 1 || bpf_skb_load_bytes(skb, l4 + 20, buf->block, optlen))
		return WS_NONE;
	o.len = (__u32)optlen;
	bpf_loop(OPTS_MAX, opt_step, &o, 0);
	return (int)o.ws;
}

/* The shift of the window a packet of direction r carries. */
static __always_inline __u32 tcp_shift(const struct hyp_ct_val *v, int r, __u8 flags)
{
	__u32 mine, theirs;

	if (flags & TCP_SYN)
		return 0; /* the window of a SYN is never scaled */
	if ((v->iflags & (HYP_CT_IF_SYN_ORIG | HYP_CT_IF_SYN_REPLY)) !=
	    (HYP_CT_IF_SYN_ORIG | HYP_CT_IF_SYN_REPLY))
		return WS_WIDE; /* handshake not seen: the widest window it could be */
	mine = r ? v->wscale >> 4 : v->wscale & 15;
	theirs = r ? v->wscale & 15 : v->wscale >> 4;
	return mine == WS_NONE || theirs == WS_NONE ? 0 : mine;
}

/*
 * What this packet (direction r) tells of the other direction o: the
 * shift this side offers (SYN), and the receiver's ACK and window right
 * edge for o's bytes, kept while o's bytes are tracked (an ACK of bytes
 * never forwarded is not believed).
 */
static __always_inline void tcp_learn(struct __sk_buff *skb, struct hyp_ct_val *v, int r,
				      const struct tcp_seg *t, __u32 l4)
{
	int o = r ? 0 : 1;
	__u8 known = o ? HYP_CT_IF_ACK_REPLY : HYP_CT_IF_ACK_ORIG;
	__u32 edge, ws;

	if (t->flags & TCP_SYN) {
		ws = (__u32)syn_wscale(skb, t->optlen, l4) & 15;
		v->wscale =
		    r ? (__u8)((v->wscale & 15) | ws << 4) : (__u8)((v->wscale & 0xf0) | ws);
		v->iflags |= r ? HYP_CT_IF_SYN_REPLY : HYP_CT_IF_SYN_ORIG;
	}
	if (!(t->flags & TCP_ACK) || !(v->flags & (o ? HYP_CT_F_SEQ_REPLY : HYP_CT_F_SEQ_ORIG)) ||
	    (__s32)(t->ack - v->seq[o & 1]) > 0)
		return;
	edge = t->ack + ((__u32)t->win << tcp_shift(v, r, t->flags));
	if (!(v->iflags & known) || (__s32)(t->ack - v->ack[o & 1]) > 0)
		v->ack[o & 1] = t->ack;
	if (!(v->iflags & known) || (__s32)(edge - v->wend[o & 1]) > 0)
		v->wend[o & 1] = edge;
	v->iflags |= known;
}

/* Direction r is not walked (any more): what was tracked of it is stale. */
static __always_inline void insp_forget(struct hyp_ct_val *v, int r)
{
	__u8 seq = r ? HYP_CT_F_SEQ_REPLY : HYP_CT_F_SEQ_ORIG;
	__u8 ack = r ? HYP_CT_IF_ACK_REPLY : HYP_CT_IF_ACK_ORIG;

	if (!(v->flags & seq) && !(v->iflags & ack))
		return;
	v->flags &= ~seq;
	v->iflags &= ~ack;
	v->dfa[(r & 1) * 2] = 0;
	v->dfa[(r & 1) * 2 + 1] = 0;
}

/*
 * TCP order of a segment of direction r: the first payload byte to walk
 * (t->end when there is nothing new), or -(drop reason).
 */
static __always_inline long tcp_order(struct hyp_ct_val *v, int r, const struct tcp_seg *t)
{
	__u8 acked = r ? HYP_CT_IF_ACK_REPLY : HYP_CT_IF_ACK_ORIG;
	__u8 known = r ? HYP_CT_F_SEQ_REPLY : HYP_CT_F_SEQ_ORIG;
	__u32 len = t->end - t->base, fin = (t->flags & TCP_FIN) ? 1 : 0;
	__u32 s = t->seq + ((t->flags & TCP_SYN) ? 1 : 0), e = s + len; /* SYN takes a number */
	__u32 *next = &v->seq[r & 1], from;

	if (!(v->flags & known)) { /* the first segment seen: the walk starts here */
		v->flags |= known;
		*next = e + fin;
		return t->base;
	}
	if (!len && !fin)
		return t->end; /* a bare ACK (or a SYN again): nothing to walk, wherever it is */
	if ((__s32)(s - *next) > 0)
		return -HYP_DROP_INSPECT_OOO; /* a gap: bytes in between were not seen */
	if (!len) {
		if (s == *next)
			*next = s + fin;
		return t->end; /* a FIN */
	}
	if ((v->iflags & acked) && (__s32)(e - v->wend[r & 1]) > 0)
		return -HYP_DROP_INSPECT_WINDOW;
	if ((v->iflags & acked) && (__s32)(e - v->ack[r & 1]) <= 0)
		return t->end; /* all acknowledged: the receiver discards it */
	if ((__s32)(s - *next) < 0 && (!(v->iflags & acked) || (__s32)(*next - v->ack[r & 1]) > 0))
		return -HYP_DROP_INSPECT_OVERLAP; /* walked bytes the receiver may not hold */
	if ((__s32)(e - *next) <= 0)
		return t->end;
	/* from the next byte on: what comes before it is acknowledged */
	from = (__s32)(s - *next) < 0 ? t->base + (*next - s) : t->base;
	*next = e + fin;
	return from;
}

#endif /* HYP_BPF_INSPECT_NORM_H */
