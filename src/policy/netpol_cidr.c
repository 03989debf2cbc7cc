// SPDX-License-Identifier: GPL-2.0-only
/*
 * NetworkPolicy ipBlock peers: cidr and except in either family, checked
 * as the Kubernetes API server checks them (StrictIPCIDRValidation: no
 * host bits, no leading zeros, no IPv4-mapped IPv6; every except strictly
 * inside the cidr and of its family). An IPv6 block selects endpoints by
 * their IPv6 address (dual stack), an IPv4 block by their IPv4 one.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/netpol.h"
#include "lib/yaml.h"

/* A cidr or except entry, either family. */
struct any_cidr {
	bool v6;
	struct cidr4 v4;
	uint8_t a6[16];
	unsigned int prefix6;
	char text6[INET6_ADDRSTRLEN + 4]; /* canonical */
};

/* Numbers with a leading 0 ("010.0.0.0/8", "10.0.0.0/08"): Kubernetes refuses them. */
static bool leading_zero(const char *s)
{
	for (const char *p = s; *p; p++)
		if (*p == '0' && isdigit((unsigned char)p[1]) &&
		    (p == s || !isdigit((unsigned char)p[-1])))
			return true;
	return false;
}

static bool prefix6_ok(const char *s, unsigned int *out)
{
	unsigned int v = 0;

	if (!*s || (s[0] == '0' && s[1]) || strlen(s) > 3)
		return false;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return false;
		v = v * 10 + (unsigned int)(*s - '0');
	}
	*out = v;
	return v <= 128;
}

static bool in6_contains(const uint8_t *net, unsigned int prefix, const uint8_t *a)
{
	for (unsigned int i = 0; i < 16; i++) {
		unsigned int bits = prefix > 8 * i ? prefix - 8 * i : 0;
		uint8_t m = bits >= 8 ? 0xff : (uint8_t)(0xff00 >> bits);

		if ((net[i] ^ a[i]) & m)
			return false;
	}
	return true;
}

static int parse_cidr6(struct vctx *c, const char *s, int line, const char *what,
		       struct any_cidr *out)
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	const char *slash = strchr(s, '/');
	uint8_t net[16];
	char addr[INET6_ADDRSTRLEN + 8], canon[INET6_ADDRSTRLEN];
	size_t n = slash ? (size_t)(slash - s) : 0;

	out->v6 = true;
	if (!slash || n >= sizeof(addr) || !prefix6_ok(slash + 1, &out->prefix6))
		return vc_err(c, line, "%s \"%.80s\" is not a CIDR (a.b.c.d/n or IPv6/n)", what, s);
	memcpy(addr, s, n);
	addr[n] = '\0';
	if (inet_pton(AF_INET6, addr, out->a6) != 1)
		return vc_err(c, line, "%s \"%.80s\" is not a CIDR (a.b.c.d/n or IPv6/n)", what, s);
	if (!memcmp(out->a6, mapped, sizeof(mapped)))
		return vc_err(c, line,
			      "%s %.80s is an IPv4-mapped IPv6 address, which Kubernetes refuses: "
			      "write the IPv4 CIDR",
			      what, s);
	memcpy(net, out->a6, sizeof(net));
	for (unsigned int i = 0; i < 16; i++) {
		unsigned int bits = out->prefix6 > 8 * i ? out->prefix6 - 8 * i : 0;

		net[i] &= bits >= 8 ? 0xff : (uint8_t)(0xff00 >> bits);
	}
	inet_ntop(AF_INET6, net, canon, sizeof(canon));
	snprintf(out->text6, sizeof(out->text6), "%s/%u", canon, out->prefix6);
	if (memcmp(net, out->a6, sizeof(net)))
		return vc_err(c, line, "%s %.80s has host bits set (did you mean %s?)", what, s,
			      out->text6);
	return 0;
}

/* A CIDR as Kubernetes' strict validation (StrictIPCIDRValidation) takes it. */
static int parse_cidr(struct vctx *c, json_object *v, int line, const char *what,
		      struct any_cidr *out)
{
	const char *s = json_object_get_string(v);
	uint32_t host;
	char net[16];

	memset(out, 0, sizeof(*out));
	if (!json_object_is_type(v, json_type_string))
		return vc_err(c, line, "%s must be a string (a.b.c.d/n)", what);
	if (strchr(s, ':'))
		return parse_cidr6(c, s, line, what, out);
	if (cidr4_parse(s, &out->v4))
		return vc_err(c, line, "%s \"%.80s\" is not a CIDR (a.b.c.d/n or IPv6/n)", what, s);
	if (leading_zero(s))
		return vc_err(c, line,
			      "%s %.80s has a number with a leading 0, which Kubernetes refuses "
			      "(other software reads it as octal)",
			      what, s);
	host = out->v4.addr & ~cidr4_mask(out->v4.prefix);
	if (host) {
		ipv4_format(out->v4.addr & cidr4_mask(out->v4.prefix), net, sizeof(net));
		return vc_err(c, line, "%s %s has host bits set (did you mean %s/%u?)", what, s,
			      net, out->v4.prefix);
	}
	return 0;
}

/* x strictly inside cidr: same family, longer prefix, x's address in cidr. */
static bool strictly_inside(const struct any_cidr *cidr, const struct any_cidr *x)
{
	if (cidr->v6 != x->v6)
		return false;
	if (cidr->v6)
		return x->prefix6 > cidr->prefix6 && in6_contains(cidr->a6, cidr->prefix6, x->a6);
	return x->v4.prefix > cidr->v4.prefix && cidr4_contains(&cidr->v4, x->v4.addr);
}

static const char *cidr_text(const struct any_cidr *x, char *buf, size_t len)
{
	char a[16];

	if (x->v6)
		return x->text6;
	ipv4_format(x->v4.addr, a, sizeof(a));
	snprintf(buf, len, "%s/%u", a, x->v4.prefix);
	return buf;
}

static int parse_except(struct vctx *c, json_object *ib, const struct any_cidr *cidr,
			struct pol_peer *out)
{
	json_object *list = vc_field(ib, "except");
	int line = yj_key_line(ib, "except");
	char a[24], b[24];
	size_t n = 0;
	int err;

	err = vc_not_null(c, ib, "except");
	if (!err)
		err = vc_want_list(c, list, line, "except", &n);
	if (!err && vc_is_null(ib, "except"))
		vc_warn(c, line, "except is empty (null): no address of cidr is excluded");
	out->except = n ? vc_alloc(c, n * sizeof(*out->except)) : NULL;
	out->except6 = n && out->ipv6 ? vc_alloc(c, n * sizeof(*out->except6)) : NULL;
	if (!err && n && (!out->except || (out->ipv6 && !out->except6)))
		err = -ENOMEM;
	for (size_t i = 0; !err && i < n; i++) {
		json_object *e = json_object_array_get_idx(list, i);
		int el = vc_elem_line(list, e, line);
		struct any_cidr x;

		err = parse_cidr(c, e, el, "except", &x);
		if (!err && !strictly_inside(cidr, &x))
			err = vc_err(c, el, "except %s is not strictly inside cidr %s",
				     cidr_text(&x, a, sizeof(a)), cidr_text(cidr, b, sizeof(b)));
		if (err)
			break;
		out->except[i] = x.v4;
		if (out->ipv6) {
			out->except6[i] = vc_strdup(c, x.text6);
			if (!out->except6[i])
				err = -ENOMEM;
		}
		out->n_except = i + 1;
	}
	return err;
}

int netpol_parse_ipblock(struct vctx *c, json_object *p, struct pol_peer *out)
{
	static const char *const fields[] = {"cidr", "except", NULL};
	json_object *ib = vc_field(p, "ipBlock");
	int line = yj_key_line(p, "ipBlock");
	struct any_cidr cidr;
	int err;

	out->ip_block = true;
	err = vc_want_fields(c, ib, line, "ipBlock", fields);
	if (!err && !vc_field(ib, "cidr"))
		err = vc_err(c, line, "ipBlock needs a cidr");
	if (!err)
		err = parse_cidr(c, vc_field(ib, "cidr"), yj_key_line(ib, "cidr"), "cidr", &cidr);
	if (err)
		return err;
	out->cidr = cidr.v4;
	out->ipv6 = cidr.v6;
	if (cidr.v6) {
		out->cidr6 = vc_strdup(c, cidr.text6);
		if (!out->cidr6)
			return -ENOMEM;
	}
	return parse_except(c, ib, &cidr, out);
}
