// SPDX-License-Identifier: GPL-2.0-only
#include <string.h>

#include "lib/stamp.h"

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

static void sipround(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = ROTL(v[1], 13);
	v[1] ^= v[0];
	v[0] = ROTL(v[0], 32);
	v[2] += v[3];
	v[3] = ROTL(v[3], 16);
	v[3] ^= v[2];
	v[0] += v[3];
	v[3] = ROTL(v[3], 21);
	v[3] ^= v[0];
	v[2] += v[1];
	v[1] = ROTL(v[1], 17);
	v[1] ^= v[2];
	v[2] = ROTL(v[2], 32);
}

static void absorb(uint64_t v[4], uint64_t m)
{
	v[3] ^= m;
	sipround(v);
	sipround(v);
	v[0] ^= m;
}

uint64_t siphash24_4w(const uint64_t key[2], const uint64_t m[4])
{
	uint64_t v[4] = {
	    0x736f6d6570736575ULL ^ key[0],
	    0x646f72616e646f6dULL ^ key[1],
	    0x6c7967656e657261ULL ^ key[0],
	    0x7465646279746573ULL ^ key[1],
	};

	for (int i = 0; i < 4; i++)
		absorb(v, m[i]);
	absorb(v, 32ULL << 56);
	v[2] ^= 0xff;
	for (int i = 0; i < 4; i++)
		sipround(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

static uint64_t be(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return v;
}

uint64_t stamp_frame(const uint64_t key[2], const uint8_t *f, size_t len)
{
	uint64_t m[4] = {};
	uint16_t proto;

	if (len < 14)
		return 0;
	proto = (uint16_t)be(f + 12, 2);
	m[0] = (be(f + 6, 6) << 16) | proto;
	if (proto == 0x0800 && len >= 34) {
		const uint8_t *ip = f + 14;
		uint8_t p = ip[9];
		uint16_t frag = (uint16_t)be(ip + 6, 2);

		m[1] = (be(ip + 12, 4) << 32) | be(ip + 16, 4);
		m[2] = (be(ip + 2, 2) << 48) | (be(ip + 4, 2) << 32) | ((uint64_t)frag << 16) |
		       ((uint64_t)ip[8] << 8) | p;
		if (!(frag & 0x1fff) && (p == 6 || p == 17 || p == 1) && len >= 42) {
			uint64_t w0 = be(ip + 20, 4), w1 = 0;

			if (p == 6 && len >= 42)
				w1 = be(ip + 24, 4);
			m[3] = (w0 << 32) | w1;
		}
	} else if (proto == 0x0806 && len >= 42) {
		const uint8_t *a = f + 14;

		m[1] = (be(a + 14, 4) << 32) | be(a + 24, 4);
		m[2] = (be(a + 6, 2) << 48) | be(a + 8, 6);
	}
	return siphash24_4w(key, m);
}

void stamp_mac(uint64_t h, uint8_t mac[6])
{
	mac[0] = (uint8_t)(((h >> 40) & 0xfc) | 0x02);
	mac[1] = (uint8_t)(h >> 32);
	mac[2] = (uint8_t)(h >> 24);
	mac[3] = (uint8_t)(h >> 16);
	mac[4] = (uint8_t)(h >> 8);
	mac[5] = (uint8_t)h;
}

void stamp_apply(const uint64_t key[2], uint8_t *frame, size_t len)
{
	stamp_mac(stamp_frame(key, frame, len), frame);
}

/* SipHash-2-4 of a byte string (the reference algorithm; the overlay's authenticator). */
uint64_t siphash24(const uint64_t key[2], const uint8_t *msg, size_t len)
{
	uint64_t v[4] = {
	    0x736f6d6570736575ULL ^ key[0],
	    0x646f72616e646f6dULL ^ key[1],
	    0x6c7967656e657261ULL ^ key[0],
	    0x7465646279746573ULL ^ key[1],
	};
	uint64_t b = (uint64_t)len << 56, m;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		m = 0;
		for (int k = 0; k < 8; k++)
			m |= (uint64_t)msg[i + k] << (8 * k);
		absorb(v, m);
	}
	for (int k = 0; i + k < len; k++)
		b |= (uint64_t)msg[i + k] << (8 * k);
	absorb(v, b);
	v[2] ^= 0xff;
	for (int k = 0; k < 4; k++)
		sipround(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}
