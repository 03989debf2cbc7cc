/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * IPv6 address pool of an instance (IPAM next to pool.h's IPv4 one): the
 * prefix's first two addresses (network, the gateway ::1) and, in a /64,
 * the subnet anycast interface IDs of RFC 2526 are never handed out.
 * Addresses are allocated from ::2 upward; the ones in use are kept in a
 * sorted array (a /64 has no room for a bitmap).
 */
#ifndef HYP_POOL6_H
#define HYP_POOL6_H

#include <stdint.h>
#include "lib/addr6.h"

#define POOL6_PREFIX_MIN 48
#define POOL6_PREFIX_MAX 120

struct pool6;

/* -EINVAL: prefix outside POOL6_PREFIX_MIN..MAX. */
int pool6__new(const struct cidr6 *net, struct pool6 **out);
void pool6__free(struct pool6 *p);
const struct cidr6 *pool6__net(const struct pool6 *p);
void pool6__gateway(const struct pool6 *p, uint8_t gw[16]);
/* 0, -ERANGE (outside), -EADDRNOTAVAIL (reserved). */
int pool6__check(const struct pool6 *p, const uint8_t addr[16]);
/* pool6__check's errors, -EADDRINUSE, -ENOMEM. */
int pool6__reserve(struct pool6 *p, const uint8_t addr[16]);
int pool6__alloc(struct pool6 *p, uint8_t addr[16]);
int pool6__release(struct pool6 *p, const uint8_t addr[16]);
int pool6__in_use(const struct pool6 *p, const uint8_t addr[16]);
uint64_t pool6__used(const struct pool6 *p);

#endif
