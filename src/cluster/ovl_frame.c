// SPDX-License-Identifier: GPL-2.0-only
/* Overlay frames in userspace: built and signed as bpf/lib/overlay_tx.h does. */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <endian.h>

#include "hyperion/abi.h"
#include "cluster/ovl_frame.h"
#include "lib/stamp.h"

static uint16_t csum16(const uint8_t *p, size_t n)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }

static size_t l4_build(uint8_t *p, const struct ovl_spec *s)
{
	if (s->proto == 6) {
		memset(p, 0, 20);
		put16(p, htons(s->l4_sport));
		put16(p + 2, htons(s->l4_dport));
		put32(p + 4, htonl(s->tcp_seq));
		p[12] = 5 << 4;
		p[13] = s->tcp_flags;
		put16(p + 14, htons(65535));
		return 20;
	}
	memset(p, 0, 8);
	if (s->proto == 1) {
		p[0] = 8; /* echo request */
		put16(p + 4, htons(s->l4_sport));
		put16(p + 6, htons(s->l4_dport));
		return 8;
	}
	put16(p, htons(s->l4_sport));
	put16(p + 2, htons(s->l4_dport));
	put16(p + 4, htons((uint16_t)(8 + s->payload_len)));
	return 8;
}

int ovl_frame_build(uint8_t *out, size_t cap, const struct ovl_spec *s)
{
	size_t l4 = s->proto == 6 ? 20 : 8, inner = 20 + l4 + s->payload_len;
	size_t len = OVL_F_INNER + inner;
	uint8_t *ip = out + 14, *udp = ip + 20, *h = udp + 8, *in = out + OVL_F_INNER;
	uint64_t seq = htobe64(s->seq);

	if (len > cap || inner > 65535)
		return -ENOSPC;
	memset(out, 0, OVL_F_INNER + 20);
	memcpy(out, s->dst_mac, 6);
	memcpy(out + 6, s->src_mac, 6);
	put16(out + 12, htons(0x0800));
	ip[0] = 0x45;
	put16(ip + 2, htons((uint16_t)(len - 14)));
	put16(ip + 6, htons(0x4000));
	ip[8] = 64;
	ip[9] = 17;
	put32(ip + 12, s->outer_src);
	put32(ip + 16, s->outer_dst);
	put16(ip + 10, csum16(ip, 20));
	put16(udp, htons(s->sport | 0xc000));
	put16(udp + 2, htons(HYP_OVL_PORT));
	put16(udp + 4, htons((uint16_t)(len - 14 - 20)));
	h[0] = HYP_OVL_VERSION;
	h[1] = s->flags;
	put16(h + 2, htons(s->src_node));
	put32(h + 4, htonl(s->identity));
	memcpy(h + 8, &seq, 8);
	in[0] = 0x45;
	put16(in + 2, htons((uint16_t)inner));
	put16(in + 4, htons(0x1234));
	put16(in + 6, htons(0x4000));
	in[8] = 64;
	in[9] = s->proto;
	put32(in + 12, s->inner_src);
	put32(in + 16, s->inner_dst);
	put16(in + 10, csum16(in, 20));
	l4_build(in + 20, s);
	if (s->payload_len)
		memcpy(in + 20 + l4, s->payload, s->payload_len);
	return (int)len;
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return ntohl(v);
}

static uint16_t get16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return ntohs(v);
}

static void put64le(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

uint64_t ovl_frame_auth(const uint64_t key[2], const uint8_t *f, size_t len)
{
	static uint8_t msg[48 + 65536];
	const uint8_t *ip = f + 14, *h = f + OVL_F_HDR, *in = f + OVL_F_INNER;
	uint16_t tot = get16(in + 2), frag = get16(in + 6);
	uint64_t m3 = (uint64_t)get32(in + 12) << 32 | get32(in + 16), m5 = 0, seq;
	size_t n = 48;

	memcpy(&seq, h + 8, 8);
	put64le(msg, (uint64_t)get32(ip + 12) << 32 | get32(ip + 16));
	put64le(msg + 8, (uint64_t)get32(h + 4) << 32 | (uint64_t)get16(h + 2) << 16 |
			     (uint64_t)h[1] << 8 | h[0]);
	put64le(msg + 16, be64toh(seq));
	put64le(msg + 24, m3);
	put64le(msg + 32, (uint64_t)tot << 48 | (uint64_t)get16(in + 4) << 32 |
			      (uint64_t)frag << 16 | (uint64_t)in[8] << 8 | in[9]);
	if (!(frag & 0x1fff) && (in[9] == 6 || in[9] == 17 || in[9] == 1) &&
	    (size_t)OVL_F_INNER + 28 <= len)
		m5 = (uint64_t)get32(in + 20) << 32 | (in[9] == 6 ? get32(in + 24) : 0);
	put64le(msg + 40, m5);
	if ((h[1] & HYP_OVL_F_PAYLOAD) && tot >= 20 && (size_t)OVL_F_INNER + tot <= len) {
		memcpy(msg + 48, in + 20, tot - 20u);
		n += tot - 20u;
	}
	return siphash24(key, msg, n);
}

void ovl_frame_sign(const uint64_t key[2], uint8_t *frame, size_t len)
{
	uint64_t a = ovl_frame_auth(key, frame, len);

	memcpy(frame + OVL_F_HDR + 16, &a, 8);
}
