/* SPDX-License-Identifier: GPL-2.0-only */
/* IPv6 addresses and CIDRs (network byte order), link-local and ULA helpers. */
#ifndef HYP_ADDR6_H
#define HYP_ADDR6_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#define IP6_STRLEN 46 /* INET6_ADDRSTRLEN */

struct cidr6 {
	uint8_t addr[16]; /* network byte order */
	uint8_t prefix;	  /* 0 with a zero address: none */
};

/* Strict: inet_pton's textual forms only, no zone, no surrounding junk. */
int ipv6_parse(const char *s, uint8_t addr[16]);
/* ADDR/N, N 0..128. */
int cidr6_parse(const char *s, struct cidr6 *out);
void ipv6_format(const uint8_t addr[16], char *buf, size_t len);
/* "ADDR/N" */
void cidr6_format(const struct cidr6 *c, char *buf, size_t len);
/* Clears the host bits of addr past prefix. */
void ipv6_mask(uint8_t addr[16], uint8_t prefix);
bool cidr6_contains(const struct cidr6 *net, const uint8_t addr[16]);
/* True for text that names an IPv6 address or CIDR (contains a ':'). */
bool ip_is_v6(const char *s);
/* fe80::/64 with the modified EUI-64 interface ID of mac (RFC 4291 2.5.1). */
void ipv6_ll_from_mac(const uint8_t mac[6], uint8_t addr[16]);
/* The MAC of an IPv6-only SNIC: 0a:66 and the address's last 4 bytes (locally
 * administered, unicast; never one of mac_from_ipv4's 0a:58:...). Two addresses
 * may share their last 4 bytes: the caller checks the MAC is free. */
void mac_from_ipv6(const uint8_t addr[16], uint8_t mac[6]);
/* A unique local /64 (RFC 4193 3.2): fd00::/8, a random 40-bit global ID, subnet 0. */
int ula_generate(struct cidr6 *out);

#endif
