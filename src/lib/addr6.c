// SPDX-License-Identifier: GPL-2.0-only
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "lib/addr.h"
#include "lib/addr6.h"

int ipv6_parse(const char *s, uint8_t addr[16])
{
	struct in6_addr a;

	if (!s || !strchr(s, ':') || strlen(s) >= IP6_STRLEN)
		return -EINVAL;
	if (inet_pton(AF_INET6, s, &a) != 1)
		return -EINVAL;
	memcpy(addr, &a, 16);
	return 0;
}

int cidr6_parse(const char *s, struct cidr6 *out)
{
	char buf[IP6_STRLEN];
	uint8_t prefix;

	if (cidr_split(s, buf, sizeof(buf), 128, &prefix) || ipv6_parse(buf, out->addr))
		return -EINVAL;
	out->prefix = prefix;
	return 0;
}

void ipv6_format(const uint8_t addr[16], char *buf, size_t len)
{
	char tmp[IP6_STRLEN];

	if (!inet_ntop(AF_INET6, addr, tmp, sizeof(tmp)))
		tmp[0] = '\0';
	snprintf(buf, len, "%s", tmp);
}

void cidr6_format(const struct cidr6 *c, char *buf, size_t len)
{
	char a[IP6_STRLEN];

	ipv6_format(c->addr, a, sizeof(a));
	snprintf(buf, len, "%s/%u", a, c->prefix);
}

void ipv6_mask(uint8_t addr[16], uint8_t prefix)
{
	for (unsigned int i = 0; i < 16; i++) {
		unsigned int bits = prefix > i * 8 ? prefix - i * 8 : 0;

		if (bits < 8)
			addr[i] &= (uint8_t)(0xff00u >> bits);
	}
}

bool cidr6_contains(const struct cidr6 *net, const uint8_t addr[16])
{
	uint8_t a[16], b[16];

	memcpy(a, addr, 16);
	memcpy(b, net->addr, 16);
	ipv6_mask(a, net->prefix);
	ipv6_mask(b, net->prefix);
	return !memcmp(a, b, 16);
}

bool ip_is_v6(const char *s)
{
	return s && strchr(s, ':');
}

void ipv6_ll_from_mac(const uint8_t mac[6], uint8_t addr[16])
{
	memset(addr, 0, 16);
	addr[0] = 0xfe;
	addr[1] = 0x80;
	addr[8] = mac[0] ^ 0x02; /* the universal/local bit inverted */
	addr[9] = mac[1];
	addr[10] = mac[2];
	addr[11] = 0xff;
	addr[12] = 0xfe;
	addr[13] = mac[3];
	addr[14] = mac[4];
	addr[15] = mac[5];
}

void mac_from_ipv6(const uint8_t addr[16], uint8_t mac[6])
{
	mac[0] = 0x0a;
	mac[1] = 0x66;
	memcpy(mac + 2, addr + 12, 4);
}

int ula_generate(struct cidr6 *out)
{
	uint8_t id[5];

	/* RFC 4193 3.2.2 suggests SHA-1 of time and an EUI-64; 3.2 asks only
	 * that the global ID be random, which the kernel's CSPRNG gives. */
	if (getrandom(id, sizeof(id), 0) != (ssize_t)sizeof(id))
		return errno ? -errno : -EIO;
	memset(out, 0, sizeof(*out));
	out->addr[0] = 0xfd; /* fc00::/7 with the L bit set: locally assigned */
	memcpy(&out->addr[1], id, sizeof(id));
	out->prefix = 64; /* subnet ID 0 */
	return 0;
}
