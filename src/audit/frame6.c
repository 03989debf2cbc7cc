// SPDX-License-Identifier: GPL-2.0-only
#include <string.h>

#include "audit/frame6.h"

#define IPPROTO_HOPOPTS_ 0
#define IPPROTO_UDP_	 17
#define IPPROTO_ROUTING_ 43
#define IPPROTO_FRAG_	 44
#define IPPROTO_ICMPV6_	 58
#define IPPROTO_DSTOPTS_ 60

const uint8_t ip6_all_nodes[16] = {0xff, 0x02, [15] = 1};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

void mac_mcast6(const uint8_t addr[16], uint8_t mac[6])
{
	mac[0] = mac[1] = 0x33;
	memcpy(mac + 2, addr + 12, 4);
}

/* Ethernet + IPv6 header; the payload length is filled in by finish(). */
static uint8_t *ip6_start(uint8_t *b, const uint8_t dst[6], const uint8_t src[6],
			  const uint8_t saddr[16], const uint8_t daddr[16], uint8_t next,
			  uint8_t hops)
{
	uint8_t *ip = b + 14;

	memcpy(b, dst, 6);
	memcpy(b + 6, src, 6);
	put16(b + 12, 0x86dd);
	memset(ip, 0, 40);
	ip[0] = 0x60;
	ip[6] = next;
	ip[7] = hops;
	memcpy(ip + 8, saddr, 16);
	memcpy(ip + 24, daddr, 16);
	return ip + 40;
}

/* The upper-layer checksum over the IPv6 pseudo-header (RFC 8200 8.1). */
static uint16_t csum6(const uint8_t *ip, const uint8_t *l4, size_t len, uint8_t proto)
{
	uint32_t sum = 0;

	for (int i = 8; i < 40; i += 2)
		sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	sum += (uint32_t)len + proto;
	for (size_t i = 0; i < len; i += 2)
		sum += (uint32_t)(l4[i] << 8 | (i + 1 < len ? l4[i + 1] : 0));
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = (uint16_t)~sum;
	return sum ? (uint16_t)sum : 0xffff;
}

static size_t finish(uint8_t *b, const uint8_t *end)
{
	put16(b + 14 + 4, (uint16_t)(end - (b + 14 + 40)));
	return (size_t)(end - b);
}

/* An 8-byte options header (PadN) with next header nh. */
static uint8_t *opts_hdr(uint8_t *p, uint8_t nh)
{
	memset(p, 0, 8);
	p[0] = nh;
	p[2] = 1; /* PadN, 4 bytes of padding */
	p[3] = 4;
	return p + 8;
}

static uint8_t *ext_headers(uint8_t *p, enum frame6_ext ext)
{
	switch (ext) {
	case F6_ROUTING: /* type 0, one address (itself zero: never used) */
		memset(p, 0, 24);
		p[0] = IPPROTO_UDP_;
		p[1] = 2;
		p[3] = 1;
		return p + 24;
	case F6_FRAGMENT:
		memset(p, 0, 8);
		p[0] = IPPROTO_UDP_;
		p[7] = 0x42; /* identification */
		return p + 8;
	case F6_LONGCHAIN:
		for (int i = 0; i < 8; i++)
			p = opts_hdr(p, i < 7 ? IPPROTO_DSTOPTS_ : IPPROTO_UDP_);
		return p;
	case F6_NONE:
		break;
	}
	return p;
}

size_t frame_udp6(uint8_t *b, const uint8_t dst[6], const uint8_t src[6], const uint8_t saddr[16],
		  const uint8_t daddr[16], enum frame6_ext ext, const uint8_t marker[MARKER_LEN])
{
	static const uint8_t first[] = {
	    [F6_NONE] = IPPROTO_UDP_,
	    [F6_ROUTING] = IPPROTO_ROUTING_,
	    [F6_FRAGMENT] = IPPROTO_FRAG_,
	    [F6_LONGCHAIN] = IPPROTO_HOPOPTS_,
	};
	uint8_t *p = ip6_start(b, dst, src, saddr, daddr, first[ext], 64), *ip = b + 14;

	if (ext == F6_LONGCHAIN) /* hop-by-hop first, then the destination options */
		p = opts_hdr(p, IPPROTO_DSTOPTS_);
	p = ext_headers(p, ext);
	put16(p, 40000);
	put16(p + 2, 9);
	put16(p + 4, 8 + MARKER_LEN);
	put16(p + 6, 0);
	memcpy(p + 8, marker, MARKER_LEN);
	put16(p + 6, csum6(ip, p, 8 + MARKER_LEN, IPPROTO_UDP_));
	return finish(b, p + 8 + MARKER_LEN);
}

size_t frame_na(uint8_t *b, const uint8_t dst[6], const uint8_t src[6], const uint8_t saddr[16],
		const uint8_t daddr[16], const uint8_t target[16], const uint8_t tll[6],
		int solicited)
{
	uint8_t *p = ip6_start(b, dst, src, saddr, daddr, IPPROTO_ICMPV6_, 255), *icmp = p;

	memset(p, 0, 32);
	p[0] = 136;
	p[4] = (uint8_t)(0x20 | (solicited ? 0x40 : 0)); /* override, solicited */
	memcpy(p + 8, target, 16);
	p[24] = 2; /* target link-layer address option */
	p[25] = 1;
	memcpy(p + 26, tll, 6);
	put16(icmp + 2, csum6(b + 14, icmp, 32, IPPROTO_ICMPV6_));
	return finish(b, p + 32);
}

size_t frame_ra(uint8_t *b, const uint8_t dst[6], const uint8_t src[6], const uint8_t saddr[16],
		const uint8_t daddr[16], const uint8_t pfx[16])
{
	uint8_t *p = ip6_start(b, dst, src, saddr, daddr, IPPROTO_ICMPV6_, 255), *icmp = p;

	memset(p, 0, 56);
	p[0] = 134;
	p[4] = 64;		  /* cur hop limit */
	put16(p + 6, 1800);	  /* router lifetime */
	p[16] = 1;		  /* source link-layer address option */
	p[17] = 1;
	memcpy(p + 18, src, 6);
	p[24] = 3; /* prefix information */
	p[25] = 4;
	p[26] = 64;
	p[27] = 0xc0; /* on-link, autonomous */
	memset(p + 28, 0xff, 8); /* valid and preferred lifetimes: infinite */
	memcpy(p + 40, pfx, 16);
	put16(icmp + 2, csum6(b + 14, icmp, 56, IPPROTO_ICMPV6_));
	return finish(b, p + 56);
}
