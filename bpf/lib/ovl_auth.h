/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The overlay authenticator: SipHash-2-4 (the source stamp's rounds,
 * stamp.h) keyed with the pair key, over the header words of abi.h's
 * "Cluster overlay" and, with HYP_OVL_F_PAYLOAD, the payload in 8-byte
 * words walked with bpf_loop (no length limit, non-linear skbs too). The
 * message is the byte string of the words in little-endian order followed
 * by the payload, so the userspace twin (src/cluster/ovl_auth.c) is plain
 * byte-wise SipHash-2-4.
 */
#ifndef HYP_BPF_OVL_AUTH_H
#define HYP_BPF_OVL_AUTH_H

#include "stamp.h"

struct sip {
	__u64 v0, v1, v2, v3;
};

static __always_inline void sip_init(struct sip *s, const __u64 key[2])
{
	s->v0 = 0x736f6d6570736575ULL ^ key[0];
	s->v1 = 0x646f72616e646f6dULL ^ key[1];
	s->v2 = 0x6c7967656e657261ULL ^ key[0];
	s->v3 = 0x7465646279746573ULL ^ key[1];
}

static __always_inline void sip_word(struct sip *s, __u64 m)
{
	SIP_ABSORB(s->v0, s->v1, s->v2, s->v3, m);
}

static __always_inline __u64 sip_final(struct sip *s, __u64 len, __u64 tail)
{
	sip_word(s, (len << 56) | tail);
	s->v2 ^= 0xff;
	SIPROUND(s->v0, s->v1, s->v2, s->v3);
	SIPROUND(s->v0, s->v1, s->v2, s->v3);
	SIPROUND(s->v0, s->v1, s->v2, s->v3);
	SIPROUND(s->v0, s->v1, s->v2, s->v3);
	return s->v0 ^ s->v1 ^ s->v2 ^ s->v3;
}

/* The six header words (abi.h), from headers already in host order. */
struct ovl_words {
	__u64 m[6];
};

struct ovl_outer {
	struct iphdr ip;
	struct udphdr udp;
	struct hyp_ovl_hdr h;
} __attribute__((packed));

/* Per-CPU scratch: the SipHash state, message words and outer headers live
 * here, not on the stack, which the bridge port's pipeline already fills
 * (the verifier's 512 bytes count the deepest chain of frames). */
struct ovl_scratch {
	struct sip s;
	struct ovl_words w;
	struct ovl_outer o;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ovl_scratch);
} hyp_ovl_scratch SEC(".maps");

static __always_inline struct ovl_scratch *ovl_scratch(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&hyp_ovl_scratch, &zero);
}

struct ovl_walk {
	struct __sk_buff *skb;
	__u32 off;
	__u32 err;
};

static long ovl_walk_word(__u64 i, void *arg)
{
	struct ovl_walk *w = arg;
	struct ovl_scratch *sc = ovl_scratch();
	__u64 m;

	if (!sc || bpf_skb_load_bytes(w->skb, w->off + (__u32)i * 8, &m, 8)) {
		w->err = 1;
		return 1;
	}
	sip_word(&sc->s, m);
	return 0;
}

/*
 * The authenticator of a packet whose inner payload (when covered) is the
 * paylen bytes at off; w is the scratch's words. 0 with *ok clear when the
 * payload cannot be read.
 */
static __always_inline __u64 ovl_auth(struct __sk_buff *skb, const __u64 key[2],
				      struct ovl_scratch *sc, int payload, __u32 off, __u32 paylen,
				      int *ok)
{
	struct ovl_walk walk = {.skb = skb, .off = off};
	__u64 tail = 0;
	__u32 nw = 0, rest = 0;

	*ok = 1;
	sip_init(&sc->s, key);
	for (int i = 0; i < 6; i++)
		sip_word(&sc->s, sc->w.m[i]);
	if (payload) {
		nw = paylen / 8;
		rest = paylen % 8;
		if (nw && bpf_loop(nw, ovl_walk_word, &walk, 0) < 0)
			walk.err = 1;
		for (__u32 i = 0; i < 7; i++) {
			__u8 b;

			if (i >= rest)
				break;
			if (bpf_skb_load_bytes(skb, off + nw * 8 + i, &b, 1)) {
				walk.err = 1;
				break;
			}
			tail |= (__u64)b << (8 * i);
		}
		if (walk.err) {
			*ok = 0;
			return 0;
		}
	}
	return sip_final(&sc->s, 48 + (payload ? paylen : 0), tail);
}

/* m3..m5 from the inner IPv4 header at ip (linear), L4 words from the skb. */
static __always_inline void ovl_inner_words(struct __sk_buff *skb, const struct iphdr *ip,
					    __u32 ip_off, struct ovl_words *w)
{
	__u32 l4[2] = {};

	w->m[3] = ((__u64)bpf_ntohl(ip->saddr) << 32) | bpf_ntohl(ip->daddr);
	w->m[4] = ((__u64)bpf_ntohs(ip->tot_len) << 48) | ((__u64)bpf_ntohs(ip->id) << 32) |
		  ((__u64)bpf_ntohs(ip->frag_off) << 16) | ((__u64)ip->ttl << 8) | ip->protocol;
	w->m[5] = 0;
	if (!(ip->frag_off & bpf_htons(IP_OFFSET)) &&
	    (ip->protocol == IPPROTO_TCP || ip->protocol == IPPROTO_UDP ||
	     ip->protocol == IPPROTO_ICMP) &&
	    !bpf_skb_load_bytes(skb, ip_off + sizeof(struct iphdr), l4, sizeof(l4))) {
		if (ip->protocol != IPPROTO_TCP)
			l4[1] = 0;
		w->m[5] = ((__u64)bpf_ntohl(l4[0]) << 32) | bpf_ntohl(l4[1]);
	}
}

#endif /* HYP_BPF_OVL_AUTH_H */
