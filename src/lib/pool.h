/* SPDX-License-Identifier: GPL-2.0-only */
/* IPv4 address pool of an instance: network, gateway, broadcast reserved. */
#ifndef HYP_POOL_H
#define HYP_POOL_H

#include <stdint.h>
#include "lib/addr.h"

struct pool;

int pool__new(const struct cidr4 *net, struct pool **out);
void pool__free(struct pool *p);
uint32_t pool__gateway(const struct pool *p);
const struct cidr4 *pool__net(const struct pool *p);
/* Validates that addr may be handed out: in the pool and not reserved. */
int pool__check(const struct pool *p, uint32_t addr);
int pool__reserve(struct pool *p, uint32_t addr);
int pool__alloc(struct pool *p, uint32_t *addr);
int pool__release(struct pool *p, uint32_t addr);
int pool__in_use(const struct pool *p, uint32_t addr);
uint32_t pool__used(const struct pool *p);
uint32_t pool__capacity(const struct pool *p);

#endif
