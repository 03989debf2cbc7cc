// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/pool6.h"

struct a6 {
	uint8_t b[16];
};

struct pool6 {
	struct cidr6 net;
	uint64_t host_max; /* the largest offset from the network address */
	uint64_t next;	   /* where the next search starts */
	struct a6 *used;   /* sorted */
	size_t n, cap;
};

int pool6__new(const struct cidr6 *net, struct pool6 **out)
{
	struct pool6 *p;

	*out = NULL;
	if (net->prefix < POOL6_PREFIX_MIN || net->prefix > POOL6_PREFIX_MAX)
		return -EINVAL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->net = *net;
	ipv6_mask(p->net.addr, net->prefix);
	/* a pool wider than a /64 hands out from its first /64 */
	p->host_max = net->prefix >= 64 ? (UINT64_MAX >> (net->prefix - 64)) : UINT64_MAX;
	p->next = 2;
	*out = p;
	return 0;
}

void pool6__free(struct pool6 *p)
{
	if (!p)
		return;
	free(p->used);
	free(p);
}

const struct cidr6 *pool6__net(const struct pool6 *p)
{
	return &p->net;
}

static uint64_t low64(const uint8_t a[16])
{
	uint64_t v = 0;

	for (int i = 8; i < 16; i++)
		v = (v << 8) | a[i];
	return v;
}

static void at_offset(const struct pool6 *p, uint64_t off, uint8_t out[16])
{
	uint64_t v = low64(p->net.addr) + off;

	memcpy(out, p->net.addr, 8);
	for (int i = 15; i >= 8; i--, v >>= 8)
		out[i] = (uint8_t)v;
}

void pool6__gateway(const struct pool6 *p, uint8_t gw[16])
{
	at_offset(p, 1, gw);
}

/* Network, gateway, and in a /64 the RFC 2526 subnet anycast IDs. */
static bool reserved(const struct pool6 *p, const uint8_t a[16])
{
	uint8_t net[16], gw[16];
	uint64_t id = low64(a);

	memcpy(net, p->net.addr, 16);
	pool6__gateway(p, gw);
	if (!memcmp(a, net, 16) || !memcmp(a, gw, 16))
		return true;
	return p->net.prefix == 64 && id >= 0xfdffffffffffff80ull;
}

int pool6__check(const struct pool6 *p, const uint8_t addr[16])
{
	if (!cidr6_contains(&p->net, addr))
		return -ERANGE;
	return reserved(p, addr) ? -EADDRNOTAVAIL : 0;
}

static int cmp(const void *a, const void *b)
{
	return memcmp(a, b, 16);
}

/* Index of addr in used, or where it would go (*found false). */
static size_t find(const struct pool6 *p, const uint8_t addr[16], bool *found)
{
	size_t lo = 0, hi = p->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp(p->used[mid].b, addr);

		if (!c) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

int pool6__in_use(const struct pool6 *p, const uint8_t addr[16])
{
	bool found;

	find(p, addr, &found);
	return found;
}

static int insert(struct pool6 *p, const uint8_t addr[16])
{
	bool found;
	size_t i = find(p, addr, &found);

	if (found)
		return -EADDRINUSE;
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		struct a6 *v = realloc(p->used, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		p->used = v;
		p->cap = cap;
	}
	memmove(&p->used[i + 1], &p->used[i], (p->n - i) * sizeof(*p->used));
	memcpy(p->used[i].b, addr, 16);
	p->n++;
	return 0;
}

int pool6__reserve(struct pool6 *p, const uint8_t addr[16])
{
	int err = pool6__check(p, addr);

	return err ? err : insert(p, addr);
}

int pool6__alloc(struct pool6 *p, uint8_t addr[16])
{
	uint64_t hosts = p->host_max - 1; /* offsets 2..host_max */
	uint8_t a[16];

	/* every step lands on a free address or a used one: n + 2 steps
	 * (the reserved anycast block aside) find a free one if there is one */
	for (uint64_t i = 0; i < p->n + 130 && i < hosts; i++) {
		uint64_t off = 2 + (p->next - 2 + i) % hosts;

		at_offset(p, off, a);
		if (reserved(p, a) || pool6__in_use(p, a))
			continue;
		if (insert(p, a))
			return -ENOMEM;
		p->next = 2 + (off - 2 + 1) % hosts;
		memcpy(addr, a, 16);
		return 0;
	}
	return -ENOSPC;
}

int pool6__release(struct pool6 *p, const uint8_t addr[16])
{
	bool found;
	size_t i = find(p, addr, &found);

	if (!found)
		return -ENOENT;
	memmove(&p->used[i], &p->used[i + 1], (p->n - i - 1) * sizeof(*p->used));
	p->n--;
	return 0;
}

uint64_t pool6__used(const struct pool6 *p)
{
	return p->n;
}
