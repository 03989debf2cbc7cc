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
#include "ip6.h"

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

/* The header words (abi.h): six for an inner IPv4 packet, nine for IPv6. */
#define OVL_WORDS4 6
#define OVL_WORDS6 9

struct ovl_words {
	__u64 m[OVL_WORDS6];
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
 * paylen bytes at off; w is the scratch's words, their number n6 ? nine
 * (inner IPv6) : six. 0 with *ok clear when the payload cannot be read.
 */
static __always_inline __u64 ovl_auth(struct __sk_buff *skb, const __u64 key[2],
				      struct ovl_scratch *sc, int payload, __u32 off, __u32 paylen,
				      int *ok, int n6)
{
	struct ovl_walk walk = {.skb = skb, .off = off};
	__u64 tail = 0;
	__u32 nw = 0, rest = 0;

	*ok = 1;
	sip_init(&sc->s, key);
	for (int i = 0; i < OVL_WORDS6; i++) {
		if (i == OVL_WORDS4 && !n6)
			break;
		sip_word(&sc->s, sc->w.m[i]);
	}
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
	return sip_final(&sc->s, (n6 ? 8 * OVL_WORDS6 : 8 * OVL_WORDS4) + (payload ? paylen : 0),
			 tail);
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

/* m3..m8 from the inner IPv6 header at ip (linear, at ip_off) whose upper
 * layer (after the extension headers) is l4: its ports and TCP sequence. */
static __always_inline void ovl_inner_words6(struct __sk_buff *skb, const struct ip6_hdr *ip,
					     const struct ip6_l4 *l4, struct ovl_words *w)
{
	__u32 b[2] = {};

	w->m[3] = ((__u64)bpf_ntohl(ip->saddr[0]) << 32) | bpf_ntohl(ip->saddr[1]);
	w->m[4] = ((__u64)bpf_ntohl(ip->saddr[2]) << 32) | bpf_ntohl(ip->saddr[3]);
	w->m[5] = ((__u64)bpf_ntohl(ip->daddr[0]) << 32) | bpf_ntohl(ip->daddr[1]);
	w->m[6] = ((__u64)bpf_ntohl(ip->daddr[2]) << 32) | bpf_ntohl(ip->daddr[3]);
	w->m[7] = ((__u64)bpf_ntohl(ip->vtcfl) << 32) | ((__u64)bpf_ntohs(ip->plen) << 16) |
		  ((__u64)ip->nexthdr << 8) | ip->hlim;
	w->m[8] = 0;
	if (l4 &&
	    (l4->proto == IPPROTO_TCP || l4->proto == IPPROTO_UDP || l4->proto == NH_ICMPV6) &&
	    !bpf_skb_load_bytes(skb, l4->off, b, sizeof(b))) {
		if (l4->proto != IPPROTO_TCP)
			b[1] = 0;
		w->m[8] = ((__u64)bpf_ntohl(b[0]) << 32) | bpf_ntohl(b[1]);
	}
}

/* The inner IPv6 packet at ip_off (linear): its words (m3..m8) and its
 * length (header + payload length): 0 or overlay-malformed. The upper
 * layer is found past the extension headers with a port's bounds; when
 * they do not walk, m8 is 0 (the IPv6 stages drop such a packet). */
static __always_inline int ovl_inner6(struct __sk_buff *skb, __u32 ip_off, struct ovl_words *w,
				      __u32 *inner_len)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	struct ip6_hdr *ip = data + ip_off;
	struct ip6_l4 l4 = {};

	if ((void *)(ip + 1) > end || (bpf_ntohl(ip->vtcfl) >> 28) != 6)
		return HYP_DROP_OVL_MALFORMED;
	*inner_len = IP6_HLEN + bpf_ntohs(ip->plen);
	if (ip6_walk_at(skb, ip_off + IP6_HLEN, ip->nexthdr, &l4))
		l4.proto = NH_NONE;
	ovl_inner_words6(skb, ip, &l4, w);
	return 0;
}

#endif /* HYP_BPF_OVL_AUTH_H */
