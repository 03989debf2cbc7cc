// SPDX-License-Identifier: GPL-2.0-only
/* Named ports of a SNIC (lib/named_ports.h). */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/named_ports.h"

bool named_port_name_valid(const char *s)
{
	size_t len = strlen(s);
	bool letter = false;

	if (!len || len > NAMED_PORT_NAME_MAX || s[0] == '-' || s[len - 1] == '-')
		return false;
	for (size_t i = 0; i < len; i++) {
		char ch = s[i];

		if (ch >= 'a' && ch <= 'z')
			letter = true;
		else if (ch == '-' && s[i + 1] == '-')
			return false;
		else if (!(ch >= '0' && ch <= '9') && ch != '-')
			return false;
	}
	return letter;
}

const char *named_port_proto_name(uint8_t proto)
{
	return proto == IPPROTO_UDP ? "udp" : proto == IPPROTO_SCTP ? "sctp" : "tcp";
}

static int parse_proto(const char *s, uint8_t *proto)
{
	if (!strcmp(s, "tcp"))
		*proto = IPPROTO_TCP;
	else if (!strcmp(s, "udp"))
		*proto = IPPROTO_UDP;
	else if (!strcmp(s, "sctp"))
		*proto = IPPROTO_SCTP;
	else
		return -EINVAL;
	return 0;
}

int named_ports__add(struct named_ports *np, const char *text)
{
	struct named_port p = {.proto = IPPROTO_TCP};
	const char *eq = strchr(text, '='), *num;
	char *end;
	long v;

	if (!eq || (size_t)(eq - text) > NAMED_PORT_NAME_MAX)
		return -EINVAL;
	memcpy(p.name, text, (size_t)(eq - text));
	if (!named_port_name_valid(p.name))
		return -EINVAL;
	num = eq + 1;
	if (*num < '0' || *num > '9')
		return -EINVAL;
	errno = 0;
	v = strtol(num, &end, 10);
	if (errno || v < 1 || v > 65535)
		return -EINVAL;
	if (*end == '/' && parse_proto(end + 1, &p.proto))
		return -EINVAL;
	if (*end && *end != '/')
		return -EINVAL;
	p.port = (uint16_t)v;
	for (size_t i = 0; i < np->n; i++)
		if (!strcmp(np->p[i].name, p.name))
			return -EEXIST;
	if (np->n >= NAMED_PORTS_MAX)
		return -E2BIG;
	np->p[np->n++] = p;
	return 0;
}

int named_ports__parse(struct named_ports *np, const char *text)
{
	char buf[64];

	memset(np, 0, sizeof(*np));
	while (text && *text) {
		const char *comma = strchr(text, ',');
		size_t len = comma ? (size_t)(comma - text) : strlen(text);
		int err;

		if (len >= sizeof(buf))
			return -EINVAL;
		memcpy(buf, text, len);
		buf[len] = '\0';
		err = named_ports__add(np, buf);
		if (err)
			return err;
		text = comma ? comma + 1 : NULL;
	}
	return 0;
}

int named_ports__format(const struct named_ports *np, char *buf, size_t len)
{
	size_t off = 0;

	if (!len)
		return -ENOSPC;
	buf[0] = '\0';
	for (size_t i = 0; i < np->n; i++) {
		int w = snprintf(buf + off, len - off, "%s%s=%u/%s", i ? "," : "", np->p[i].name,
				 np->p[i].port, named_port_proto_name(np->p[i].proto));

		if (w < 0 || (size_t)w >= len - off)
			return -ENOSPC;
		off += (size_t)w;
	}
	return 0;
}

uint16_t named_ports__find(const struct named_port *p, size_t n, const char *name, uint8_t proto)
{
	for (size_t i = 0; i < n; i++)
		if (p[i].proto == proto && !strcmp(p[i].name, name))
			return p[i].port;
	return 0;
}
