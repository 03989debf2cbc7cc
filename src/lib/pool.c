// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "lib/pool.h"

struct pool {
	struct cidr4 net;
	uint32_t size; /* addresses in the prefix */
	uint32_t used;
	uint32_t next; /* where the next search starts */
	uint8_t *bits;
};

int pool__new(const struct cidr4 *net, struct pool **out)
{
	struct pool *p;

	/* Need network, gateway, broadcast and at least one host. */
	if (net->prefix < 8 || net->prefix > 29)
		return -EINVAL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->net.addr = net->addr & cidr4_mask(net->prefix);
	p->net.prefix = net->prefix;
	p->size = 1u << (32 - net->prefix);
	p->bits = calloc(p->size / 8, 1);
	if (!p->bits) {
		free(p);
		return -ENOMEM;
	}
	p->next = 2;
	*out = p;
	return 0;
}

void pool__free(struct pool *p)
{
	if (!p)
		return;
	free(p->bits);
	free(p);
}

uint32_t pool__gateway(const struct pool *p)
{
	return p->net.addr + 1;
}

const struct cidr4 *pool__net(const struct pool *p)
{
	return &p->net;
}

uint32_t pool__capacity(const struct pool *p)
{
	return p->size - 3;
}

uint32_t pool__used(const struct pool *p)
{
	return p->used;
}

static bool bit_get(const struct pool *p, uint32_t i)
{
	return p->bits[i / 8] & (1u << (i % 8));
}

static void bit_set(struct pool *p, uint32_t i, bool v)
{
	if (v)
		p->bits[i / 8] |= (uint8_t)(1u << (i % 8));
	else
		p->bits[i / 8] &= (uint8_t) ~(1u << (i % 8));
}

int pool__check(const struct pool *p, uint32_t addr)
{
	uint32_t off;

	if (!cidr4_contains(&p->net, addr))
		return -ERANGE;
	off = addr - p->net.addr;
	/* network, gateway and broadcast are never handed out */
	if (off == 0 || off == 1 || off == p->size - 1)
		return -EADDRNOTAVAIL;
	return 0;
}

int pool__in_use(const struct pool *p, uint32_t addr)
{
	if (!cidr4_contains(&p->net, addr))
		return 0;
	return bit_get(p, addr - p->net.addr);
}

int pool__reserve(struct pool *p, uint32_t addr)
{
	int err = pool__check(p, addr);

	if (err)
		return err;
	if (bit_get(p, addr - p->net.addr))
		return -EADDRINUSE;
	bit_set(p, addr - p->net.addr, true);
	p->used++;
	return 0;
}

int pool__alloc(struct pool *p, uint32_t *addr)
{
	uint32_t hosts = p->size - 3;

	for (uint32_t n = 0; n < hosts; n++) {
		uint32_t off = 2 + (p->next - 2 + n) % hosts;

		if (!bit_get(p, off)) {
			bit_set(p, off, true);
			p->used++;
			p->next = 2 + (off - 2 + 1) % hosts;
			*addr = p->net.addr + off;
			return 0;
		}
	}
	return -ENOSPC;
}

int pool__release(struct pool *p, uint32_t addr)
{
	if (!cidr4_contains(&p->net, addr) || !bit_get(p, addr - p->net.addr))
		return -ENOENT;
	bit_set(p, addr - p->net.addr, false);
	p->used--;
	return 0;
}
