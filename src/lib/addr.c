// SPDX-License-Identifier: GPL-2.0-only
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/addr.h"

/* Dotted quad, exactly four decimal octets, no leading junk or zeros-as-octal. */
int ipv4_parse(const char *s, uint32_t *addr)
{
	uint32_t v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		unsigned int octet = 0, digits = 0;

		while (isdigit((unsigned char)*s) && digits < 4) {
			octet = octet * 10 + (unsigned int)(*s++ - '0');
			digits++;
		}
		if (!digits || digits > 3 || octet > 255)
			return -EINVAL;
		v = (v << 8) | octet;
		if (i < 3 && *s++ != '.')
			return -EINVAL;
	}
	if (*s)
		return -EINVAL;
	*addr = v;
	return 0;
}

int cidr_split(const char *s, char *buf, size_t len, long max, uint8_t *prefix)
{
	const char *slash = strchr(s, '/');
	char *end;
	long p;
	size_t n;

	if (!slash)
		return -EINVAL;
	n = (size_t)(slash - s);
	if (n >= len)
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (!isdigit((unsigned char)slash[1]))
		return -EINVAL;
	errno = 0;
	p = strtol(slash + 1, &end, 10);
	if (errno || *end || p < 0 || p > max)
		return -EINVAL;
	*prefix = (uint8_t)p;
	return 0;
}

int cidr4_parse(const char *s, struct cidr4 *out)
{
	char buf[32];
	uint8_t prefix;

	if (cidr_split(s, buf, sizeof(buf), 32, &prefix) || ipv4_parse(buf, &out->addr))
		return -EINVAL;
	out->prefix = prefix;
	return 0;
}

uint32_t cidr4_mask(uint8_t prefix)
{
	return prefix ? 0xffffffffu << (32 - prefix) : 0;
}

bool cidr4_contains(const struct cidr4 *net, uint32_t addr)
{
	uint32_t m = cidr4_mask(net->prefix);

	return (addr & m) == (net->addr & m);
}

void ipv4_format(uint32_t a, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
}

void mac_format(const uint8_t m[6], char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Exactly "xx:xx:xx:xx:xx:xx", two hex digits per octet. */
int mac_parse(const char *s, uint8_t mac[6])
{
	uint8_t m[6];

	if (strlen(s) != 17)
		return -EINVAL;
	for (int i = 0; i < 6; i++) {
		int hi = hex_digit(s[3 * i]), lo = hex_digit(s[3 * i + 1]);

		if (hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != ':'))
			return -EINVAL;
		m[i] = (uint8_t)(hi << 4 | lo);
	}
	memcpy(mac, m, 6);
	return 0;
}

/* Stable MAC: 0a:58 + the IPv4 address (locally administered, unicast). */
void mac_from_ipv4(uint32_t addr, uint8_t mac[6])
{
	mac[0] = 0x0a;
	mac[1] = 0x58;
	mac[2] = (uint8_t)(addr >> 24);
	mac[3] = (uint8_t)(addr >> 16);
	mac[4] = (uint8_t)(addr >> 8);
	mac[5] = (uint8_t)addr;
}

/* Kernel rules for interface names (dev_valid_name). */
int validate_ifname(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > 15)
		return -EINVAL;
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return -EINVAL;
	for (const char *p = name; *p; p++)
		if (*p == '/' || *p == ':' || isspace((unsigned char)*p))
			return -EINVAL;
	return 0;
}

/* SNIC and container names: [A-Za-z0-9][A-Za-z0-9_.-]{0,62} */
int validate_object_name(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > 63 || !isalnum((unsigned char)name[0]))
		return -EINVAL;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.' && *p != '-')
			return -EINVAL;
	return 0;
}

/* Instance names end up in netns names and paths: [a-z0-9][a-z0-9-]{0,23} */
int validate_instance_name(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > 24 || !isalnum((unsigned char)name[0]))
		return -EINVAL;
	for (const char *p = name; *p; p++)
		if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-'))
			return -EINVAL;
	return 0;
}

int hex_encode(const uint8_t *in, size_t n, char *out, size_t outlen)
{
	if (outlen < 2 * n + 1)
		return -ENOSPC;
	out[0] = '\0';
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", in[i]);
	return 0;
}

int hex_decode(const char *in, uint8_t *out, size_t n)
{
	if (strlen(in) != 2 * n)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		int hi = hex_digit(in[2 * i]), lo = hex_digit(in[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}
