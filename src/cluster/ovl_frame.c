// SPDX-License-Identifier: GPL-2.0-only
/* Overlay frames in userspace: built and signed as bpf/lib/overlay_tx.h does. */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <endian.h>

#include "hyperion/abi.h"
#include "cluster/ovl_frame.h"
#include "lib/stamp.h"

/* The running sum of n bytes at p as big-endian words (RFC 1071). */
static uint32_t sum16(const uint8_t *p, size_t n, uint32_t sum)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

/* The sum folded and complemented, in network order. */
static uint16_t fold16(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

static uint16_t csum16(const uint8_t *p, size_t n)
{
	return fold16(sum16(p, n, 0));
}

static void put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}
static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

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
	if (s->proto == 1 || s->proto == 58) {
		p[0] = s->proto == 1 ? 8 : 128; /* echo request */
		put16(p + 4, htons(s->l4_sport));
		put16(p + 6, htons(s->l4_dport));
		return 8;
	}
	put16(p, htons(s->l4_sport));
	put16(p + 2, htons(s->l4_dport));
	put16(p + 4, htons((uint16_t)(8 + s->payload_len)));
	return 8;
}

/* The checksum of the upper layer (ulen bytes at l4, of proto: TCP, UDP
 * or ICMPv6) of the IPv6 header at in: mandatory in IPv6, over the pseudo
 * header first (RFC 8200 8.1); UDP's 0 goes as 0xffff. */
static void l4_csum6(const uint8_t *in, uint8_t *l4, size_t ulen, uint8_t proto)
{
	size_t off = proto == 6 ? 16 : proto == 17 ? 6 : 2;
	uint32_t sum =
	    sum16(in + 8, 32, (uint32_t)(ulen >> 16) + (uint32_t)(ulen & 0xffff) + proto);
	uint16_t c;

	put16(l4 + off, 0);
	c = fold16(sum16(l4, ulen, sum));
	put16(l4 + off, proto == 17 && !c ? 0xffff : c);
}

/* The inner IPv6 packet at in: its length. */
static size_t inner6_build(uint8_t *in, const struct ovl_spec *s)
{
	size_t l4 = s->proto == 6 ? 20 : 8, plen = s->ext_len + l4 + s->payload_len;
	uint8_t *x = in + 40;

	memset(in, 0, 40 + s->ext_len);
	in[0] = 0x60;
	put16(in + 4, htons((uint16_t)plen));
	in[6] = s->ext_len ? 60 : s->proto; /* destination options, or the L4 */
	in[7] = s->hlim ? s->hlim : 64;
	memcpy(in + 8, s->src6, 16);
	memcpy(in + 24, s->dst6, 16);
	if (s->ext_len) {
		x[0] = s->proto;
		x[1] = (uint8_t)(s->ext_len / 8 - 1);
		x[2] = 1; /* PadN over the rest */
		x[3] = (uint8_t)(s->ext_len - 4);
	}
	l4_build(x + s->ext_len, s);
	if (s->payload_len)
		memcpy(x + s->ext_len + l4, s->payload, s->payload_len);
	l4_csum6(in, x + s->ext_len, l4 + s->payload_len, s->proto);
	return 40 + plen;
}

int ovl_frame_build(uint8_t *out, size_t cap, const struct ovl_spec *s)
{
	int v6 = !!(s->flags & HYP_OVL_F_IP6);
	size_t l4 = s->proto == 6 ? 20 : 8;
	size_t inner = (v6 ? 40 + s->ext_len : 20) + l4 + s->payload_len;
	size_t len = OVL_F_INNER + inner;
	uint8_t *ip = out + 14, *udp = ip + 20, *h = udp + 8, *in = out + OVL_F_INNER;
	uint64_t seq = htobe64(s->seq);

	if (len > cap || inner > 65535 || (v6 && (s->ext_len % 8 || s->ext_len > 2048)))
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
	if (v6) {
		inner6_build(in, s);
		return (int)len;
	}
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

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) << 32 | get32(p + 4);
}

/* bpf/lib/ip6.h ip6_ext_kind's refusals: hop-by-hop past the first,
 * routing, fragment, AH, no next header, mobility, HIP, shim6, experiments. */
static int ext_refused(uint8_t nh, int i)
{
	static const uint8_t refused[] = {43, 44, 51, 59, 135, 139, 140, 253, 254};

	if (nh == 0)
		return i != 0;
	return memchr(refused, nh, sizeof(refused)) != NULL;
}

/* The upper layer after the extension headers of the IPv6 header at in
 * (bpf/lib/ip6.h ip6_walk's bounds): its offset from in, 0 when they do
 * not walk. */
static size_t walk6(const uint8_t *in, size_t avail, uint8_t *proto)
{
	size_t off = 40, limit = 40 + HYP_IP6_EXT_BYTES;
	uint8_t nh = in[6];

	for (int i = 0; i <= HYP_IP6_EXT_MAX; i++) {
		if (ext_refused(nh, i))
			return 0;
		if (nh != 0 && nh != 60) {
			*proto = nh;
			return off;
		}
		if (i == HYP_IP6_EXT_MAX || off + 2 > avail)
			return 0;
		nh = in[off];
		off += ((size_t)in[off + 1] + 1) * 8;
		if (off > limit)
			return 0;
	}
	return 0;
}

/* The header words m3..m8 of an inner IPv6 packet at in (avail bytes). */
static void words6(uint8_t *msg, const uint8_t *in, size_t avail)
{
	uint8_t proto = 0;
	size_t l4 = walk6(in, avail, &proto);
	uint64_t m8 = 0;

	put64le(msg, get64(in + 8));
	put64le(msg + 8, get64(in + 16));
	put64le(msg + 16, get64(in + 24));
	put64le(msg + 24, get64(in + 32));
	put64le(msg + 32, (uint64_t)get32(in) << 32 | (uint64_t)get16(in + 4) << 16 |
			      (uint64_t)in[6] << 8 | in[7]);
	if (l4 && (proto == 6 || proto == 17 || proto == 58) && l4 + 8 <= avail)
		m8 = (uint64_t)get32(in + l4) << 32 | (proto == 6 ? get32(in + l4 + 4) : 0);
	put64le(msg + 40, m8);
}

static uint64_t auth6(const uint64_t key[2], const uint8_t *f, size_t len, uint8_t *msg)
{
	const uint8_t *in = f + OVL_F_INNER;
	size_t avail = len - OVL_F_INNER, n = 72;
	uint16_t plen = get16(in + 4);

	words6(msg + 24, in, avail);
	if ((f[OVL_F_HDR + 1] & HYP_OVL_F_PAYLOAD) && 40u + plen <= avail) {
		memcpy(msg + 72, in + 40, plen);
		n += plen;
	}
	return siphash24(key, msg, n);
}

uint64_t ovl_frame_auth(const uint64_t key[2], const uint8_t *f, size_t len)
{
	static uint8_t msg[72 + 65536];
	const uint8_t *ip = f + 14, *h = f + OVL_F_HDR, *in = f + OVL_F_INNER;
	uint16_t tot = get16(in + 2), frag = get16(in + 6);
	uint64_t m3 = (uint64_t)get32(in + 12) << 32 | get32(in + 16), m5 = 0, seq;
	size_t n = 48;

	memcpy(&seq, h + 8, 8);
	put64le(msg, (uint64_t)get32(ip + 12) << 32 | get32(ip + 16));
	put64le(msg + 8, (uint64_t)get32(h + 4) << 32 | (uint64_t)get16(h + 2) << 16 |
			     (uint64_t)h[1] << 8 | h[0]);
	put64le(msg + 16, be64toh(seq));
	if (h[1] & HYP_OVL_F_IP6)
		return len >= (size_t)OVL_F_INNER + 40 ? auth6(key, f, len, msg) : 0;
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
