// SPDX-License-Identifier: GPL-2.0-only
#include <string.h>

#include "audit/frame.h"

const uint8_t mac_bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static size_t eth(uint8_t *b, const uint8_t dst[6], const uint8_t src[6], uint16_t proto)
{
	memcpy(b, dst, 6);
	memcpy(b + 6, src, 6);
	put16(b + 12, proto);
	return 14;
}

void frame_ipv4_csum(uint8_t *ip)
{
	uint32_t sum = 0;

	ip[10] = ip[11] = 0;
	for (int i = 0; i < 20; i += 2)
		sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	put16(ip + 10, (uint16_t)~sum);
}

size_t frame_udp(uint8_t *b, const uint8_t dst[6], const uint8_t src[6], uint32_t saddr,
		 uint32_t daddr, uint16_t ipid, const uint8_t marker[MARKER_LEN])
{
	size_t n = eth(b, dst, src, 0x0800);
	uint8_t *ip = b + n, *udp = ip + 20;
	uint16_t ulen = 8 + MARKER_LEN;

	memset(ip, 0, 20 + ulen);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + ulen));
	put16(ip + 4, ipid);
	ip[8] = 64;
	ip[9] = 17;
	put32(ip + 12, saddr);
	put32(ip + 16, daddr);
	frame_ipv4_csum(ip);
	put16(udp, 40000);
	put16(udp + 2, 9); /* discard */
	put16(udp + 4, ulen);
	memcpy(udp + 8, marker, MARKER_LEN); /* UDP checksum 0: none */
	return n + 20 + ulen;
}

size_t frame_arp(uint8_t *b, const uint8_t dst[6], const uint8_t src[6], uint16_t op,
		 const uint8_t sha[6], uint32_t spa, const uint8_t tha[6], uint32_t tpa)
{
	size_t n = eth(b, dst, src, 0x0806);
	uint8_t *a = b + n;

	memset(a, 0, 46);
	put16(a, 1);
	put16(a + 2, 0x0800);
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, op);
	memcpy(a + 8, sha, 6);
	put32(a + 14, spa);
	memcpy(a + 18, tha, 6);
	put32(a + 24, tpa);
	return 60;
}

size_t frame_tag(uint8_t *b, size_t len, uint16_t tpid, uint16_t vid)
{
	memmove(b + 16, b + 12, len - 12);
	put16(b + 12, tpid);
	put16(b + 14, vid);
	return len + 4;
}

int frame_has_marker(const uint8_t *b, size_t len, const uint8_t marker[MARKER_LEN])
{
	return len >= MARKER_LEN && memmem(b, len, marker, MARKER_LEN) != NULL;
}
