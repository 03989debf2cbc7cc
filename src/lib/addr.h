/* SPDX-License-Identifier: GPL-2.0-only */
/* Strict parsing and formatting of IPv4 addresses, CIDRs, MACs, names. */
#ifndef HYP_ADDR_H
#define HYP_ADDR_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

struct cidr4 {
	uint32_t addr; /* host byte order */
	uint8_t prefix;
};

int ipv4_parse(const char *s, uint32_t *addr);
/* "ADDR/PREFIX": ADDR copied into buf (len bytes), PREFIX 0..max; -EINVAL else */
int cidr_split(const char *s, char *buf, size_t len, long max, uint8_t *prefix);
int cidr4_parse(const char *s, struct cidr4 *out);
void ipv4_format(uint32_t addr, char *buf, size_t len);
uint32_t cidr4_mask(uint8_t prefix);
bool cidr4_contains(const struct cidr4 *net, uint32_t addr);

void mac_format(const uint8_t mac[6], char *buf, size_t len);
int mac_parse(const char *s, uint8_t mac[6]);
void mac_from_ipv4(uint32_t addr, uint8_t mac[6]);

int validate_ifname(const char *name);
int validate_object_name(const char *name);
int validate_instance_name(const char *name);
int hex_encode(const uint8_t *in, size_t n, char *out, size_t outlen);
int hex_decode(const char *in, uint8_t *out, size_t n);
/* The value of one hex digit (either case), -1 for any other character. */
int hex_digit(char c);

#endif
