/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Stateful inspection: TCP (a state machine a bare ACK or RST cannot
 * open), UDP and ICMP echo. A flow starts only with a packet that may
 * start one (TCP SYN, ICMP echo request, any UDP) and only if policy
 * allows it; replies pass by their conntrack entry. An entry remembers
 * the policy revision it was checked against, so a policy change
 * re-checks an established flow at its next packet.
 */
#ifndef HYP_BPF_CONNTRACK_H
#define HYP_BPF_CONNTRACK_H

#include "common.h"
#include "maps.h"
#include "policy.h"

#define TCP_FIN		0x01
#define TCP_SYN		0x02
#define TCP_RST		0x04
#define TCP_ACK		0x10
#define ICMP_ECHO_REPLY 0
#define ICMP_ECHO	8
#define NS		1000000000ULL

struct flow {
	struct hyp_ct_key key; /* as seen on this packet */
	__u32 seq;	       /* TCP */
	__u16 l4_len;	       /* header bytes before the payload */
	__u8 tcp_flags;
	__u8 icmp_type;
	/* filled by the caller for inspection */
	__u32 src_id, dst_id; /* identities of this packet's sender, receiver */
	__u32 reply;	      /* packet goes responder -> initiator */
};

/* Fills the flow of an IPv4 packet (first fragments only). */
static __always_inline int flow_parse(struct __sk_buff *skb, struct iphdr *ip, struct flow *f)
{
	__u8 l4[14] = {};
	__u32 off = sizeof(struct ethhdr) + sizeof(struct iphdr);

	__builtin_memset(f, 0, sizeof(*f));
	f->key.saddr = ip->saddr;
	f->key.daddr = ip->daddr;
	f->key.proto = ip->protocol;
	switch (ip->protocol) {
	case IPPROTO_TCP:
		if (bpf_skb_load_bytes(skb, off, l4, 14))
			return -1;
		f->tcp_flags = l4[13];
		f->seq = (__u32)l4[4] << 24 | (__u32)l4[5] << 16 | (__u32)l4[6] << 8 | l4[7];
		f->l4_len = (__u16)((l4[12] >> 4) * 4);
		/* fall through */
	case IPPROTO_UDP:
	case IPPROTO_SCTP:
		if (ip->protocol != IPPROTO_TCP && bpf_skb_load_bytes(skb, off, l4, 4))
			return -1;
		f->key.sport = (__u16)(l4[0] << 8 | l4[1]);
		f->key.dport = (__u16)(l4[2] << 8 | l4[3]);
		if (ip->protocol == IPPROTO_UDP)
			f->l4_len = 8;
		return 0;
	case IPPROTO_ICMP:
		if (bpf_skb_load_bytes(skb, off, l4, 8))
			return -1;
		f->icmp_type = l4[0];
		f->key.sport = f->key.dport = (__u16)(l4[4] << 8 | l4[5]);
		return 0;
	default:
		return 0;
	}
}

static __always_inline void ct_reverse(const struct hyp_ct_key *k, struct hyp_ct_key *r)
{
	__builtin_memset(r, 0, sizeof(*r));
	r->saddr = k->daddr;
	r->daddr = k->saddr;
	r->sport = k->dport;
	r->dport = k->sport;
	r->proto = k->proto;
}

static __always_inline __u64 ct_timeout(const struct hyp_ct_val *v, __u8 proto)
{
	if (proto == IPPROTO_TCP) {
		if (v->state == HYP_CT_ESTABLISHED)
			return HYP_CT_TIMEOUT_TCP * NS;
		if (v->state >= HYP_CT_FIN_WAIT && v->state <= HYP_CT_CLOSING)
			return HYP_CT_TIMEOUT_FIN * NS;
		return HYP_CT_TIMEOUT_SYN * NS;
	}
	return (proto == IPPROTO_ICMP ? HYP_CT_TIMEOUT_ICMP : HYP_CT_TIMEOUT_UDP) * NS;
}

/* TCP state update; returns 0, or a drop reason for an invalid packet. */
static __always_inline int ct_tcp(struct hyp_ct_val *v, __u8 flags, int reply)
{
	if (flags & TCP_RST)
		return 0; /* the caller deletes the entry after passing the RST */
	switch (v->state) {
	case HYP_CT_SYN_SENT:
		if (!reply)
			return (flags & TCP_SYN) && !(flags & TCP_ACK) ? 0 : HYP_DROP_CT_INVALID;
		if ((flags & (TCP_SYN | TCP_ACK)) != (TCP_SYN | TCP_ACK))
			return HYP_DROP_CT_INVALID;
		v->state = HYP_CT_SYN_RECV;
		return 0;
	case HYP_CT_SYN_RECV:
		if (!reply && (flags & TCP_ACK) && !(flags & TCP_SYN))
			v->state = HYP_CT_ESTABLISHED;
		return 0;
	default:
		if (flags & TCP_SYN)
			return HYP_DROP_CT_INVALID; /* no new handshake inside a flow */
		break;
	}
	if (flags & TCP_FIN) {
		v->flags |= reply ? HYP_CT_F_FIN_REPLY : HYP_CT_F_FIN_ORIG;
		v->state = (v->flags & (HYP_CT_F_FIN_ORIG | HYP_CT_F_FIN_REPLY)) ==
				   (HYP_CT_F_FIN_ORIG | HYP_CT_F_FIN_REPLY)
			       ? HYP_CT_CLOSING
			       : HYP_CT_FIN_WAIT;
	}
	return 0;
}

static __always_inline int has_inspect(__u32 identity, __u32 dir)
{
	struct hyp_inspect_key k = {.identity = identity, .dir = dir};

	return bpf_map_lookup_elem(&hyp_inspect, &k) != NULL;
}

/* Which inspections the flow initiator -> responder pays for. */
static __always_inline __u8 ct_insp_flags(const struct endpoint_ref *init,
					  const struct endpoint_ref *resp)
{
	__u8 f = 0;

	if (has_inspect(resp->identity, HYP_DIR_INGRESS))
		f |= HYP_CT_I_ORIG_ING;
	if (has_inspect(init->identity, HYP_DIR_EGRESS))
		f |= HYP_CT_I_ORIG_EGR;
	if (has_inspect(init->identity, HYP_DIR_INGRESS))
		f |= HYP_CT_I_REPLY_ING;
	if (has_inspect(resp->identity, HYP_DIR_EGRESS))
		f |= HYP_CT_I_REPLY_EGR;
	return f;
}

/* May this packet start a flow at all? */
static __always_inline int ct_may_start(const struct flow *f)
{
	if (f->key.proto == IPPROTO_TCP)
		return (f->tcp_flags & (TCP_SYN | TCP_ACK | TCP_RST | TCP_FIN)) == TCP_SYN;
	if (f->key.proto == IPPROTO_ICMP)
		return f->icmp_type == ICMP_ECHO;
	return 1;
}

/*
 * src/dst: this packet's endpoints. Returns 0 to forward, else a drop
 * reason. Entries are created in the direction of the flow's first packet.
 */
static __always_inline int ct_process(struct __sk_buff *skb, const struct hyp_config *cfg,
				      struct flow *f, const struct endpoint_ref *src,
				      const struct endpoint_ref *dst, struct hyp_ct_val **out,
				      int *is_reply)
{
	struct hyp_ct_key rkey, *key = &f->key;
	struct hyp_ct_val *v, nv = {};
	__u64 now = bpf_ktime_get_ns();
	__u32 gen = cfg->policy_gen & 1, rev = cfg->policy_rev;
	int reply = 0, reason;

	v = bpf_map_lookup_elem(&hyp_ct, key);
	if (!v) {
		ct_reverse(&f->key, &rkey);
		v = bpf_map_lookup_elem(&hyp_ct, &rkey);
		if (v) {
			reply = 1;
			key = &rkey;
		}
	}
	/* another CPU may have stamped the entry after this one read the clock:
	 * only an entry last seen in the past can have expired */
	if (v && now > v->last_seen && now - v->last_seen > ct_timeout(v, f->key.proto)) {
		bpf_map_delete_elem(&hyp_ct, key);
		v = NULL;
		reply = 0;
		key = &f->key;
	}
	/* a fresh SYN on the tuple of a flow past its handshake (closed, closing,
	 * or abandoned): the port pair is reused, so it starts a new flow with
	 * its own policy check and inspection state */
	if (v && !reply && f->key.proto == IPPROTO_TCP &&
	    (f->tcp_flags & (TCP_SYN | TCP_ACK | TCP_RST | TCP_FIN)) == TCP_SYN &&
	    v->state >= HYP_CT_ESTABLISHED && v->state <= HYP_CT_CLOSING) {
		bpf_map_delete_elem(&hyp_ct, key);
		v = NULL;
	}
	if (v) {
		if (f->key.proto == IPPROTO_ICMP &&
		    f->icmp_type != (reply ? ICMP_ECHO_REPLY : ICMP_ECHO))
			return HYP_DROP_CT_INVALID;
		if (v->rev != rev) {
			/* re-check the flow as it started: orig src -> orig dst */
			reason = reply ? policy_check(gen, dst, src, key->proto, key->dport)
				       : policy_check(gen, src, dst, key->proto, key->dport);
			if (reason) {
				bpf_map_delete_elem(&hyp_ct, key);
				return HYP_DROP_POLICY_REVOKED;
			}
			v->rev = rev;
			v->insp = reply ? ct_insp_flags(dst, src) : ct_insp_flags(src, dst);
		}
		if (f->key.proto == IPPROTO_TCP) {
			reason = ct_tcp(v, f->tcp_flags, reply);
			if (reason)
				return reason;
			if (f->tcp_flags & TCP_RST) {
				bpf_map_delete_elem(&hyp_ct, key);
				return 0;
			}
		} else if (reply) {
			v->state = HYP_CT_REPLIED;
		}
		v->last_seen = now;
		v->packets++;
		*out = v;
		*is_reply = reply;
		return 0;
	}
	if (!ct_may_start(f))
		return HYP_DROP_CT_INVALID;
	reason = policy_check(gen, src, dst, f->key.proto, f->key.dport);
	if (reason)
		return reason;
	nv.last_seen = now;
	nv.packets = 1;
	nv.rev = rev;
	nv.state = f->key.proto == IPPROTO_TCP ? HYP_CT_SYN_SENT : HYP_CT_NEW;
	nv.insp = ct_insp_flags(src, dst);
	if (bpf_map_update_elem(&hyp_ct, &f->key, &nv, BPF_NOEXIST) == -E2BIG)
		return HYP_DROP_CT_FULL;
	*out = bpf_map_lookup_elem(&hyp_ct, &f->key);
	*is_reply = 0;
	return 0;
}

#endif /* HYP_BPF_CONNTRACK_H */
