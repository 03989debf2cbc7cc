// SPDX-License-Identifier: GPL-2.0-only
/* Dual stack in the policy compiler: which endpoints an IPv6 ipBlock selects. */
#include <string.h>

#include "lib/addr6.h"
#include "policy/netpol.h"

/* The parser keeps an IPv6 block canonical and valid (netpol_cidr.c). */
static bool in_cidr6(const char *text, const uint32_t ip6[4])
{
	struct cidr6 c;
	uint8_t a[16];

	memcpy(a, ip6, sizeof(a));
	return text && !cidr6_parse(text, &c) && cidr6_contains(&c, a);
}

bool pol_ip6_selected(const struct pol_peer *p, const struct pol_endpoint *ep)
{
	if (!ep->has_ip6 || !in_cidr6(p->cidr6, ep->ip6))
		return false;
	for (size_t i = 0; i < p->n_except; i++)
		if (in_cidr6(p->except6[i], ep->ip6))
			return false;
	return true;
}
