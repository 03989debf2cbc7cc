/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The named ports a SNIC declares, as a pod's containerPorts do in
 * Kubernetes: NAME=PORT/PROTO, NAME an IANA_SVC_NAME (1-15 of a-z 0-9
 * and '-', at least one letter, no leading, trailing or double '-'),
 * PORT 1-65535, PROTO tcp (the default), udp or sctp. A name is
 * declared at most once per SNIC. Canonical text: the entries in the
 * order given, comma-separated, each written out ("http=8080/tcp").
 */
#ifndef HYP_LIB_NAMED_PORTS_H
#define HYP_LIB_NAMED_PORTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NAMED_PORT_NAME_MAX 15
#define NAMED_PORTS_MAX	    32

struct named_port {
	char name[NAMED_PORT_NAME_MAX + 1];
	uint8_t proto; /* IPPROTO_TCP, _UDP or _SCTP */
	uint16_t port;
};

struct named_ports {
	struct named_port p[NAMED_PORTS_MAX];
	size_t n;
};

bool named_port_name_valid(const char *s);
/* Adds one "NAME=PORT[/PROTO]": -EINVAL bad syntax, -EEXIST name given twice, -E2BIG. */
int named_ports__add(struct named_ports *np, const char *text);
/* Parses canonical (or any comma-separated) text; "" is none. */
int named_ports__parse(struct named_ports *np, const char *text);
/* Canonical text into buf: -ENOSPC if it does not fit. */
int named_ports__format(const struct named_ports *np, char *buf, size_t len);
const char *named_port_proto_name(uint8_t proto); /* "tcp" */
/* The port np declares as name for proto, 0: none. */
uint16_t named_ports__find(const struct named_port *p, size_t n, const char *name, uint8_t proto);

#endif
