// SPDX-License-Identifier: GPL-2.0-only
/* policy trace for IPv6 flows (dual stack): an end named by its IPv6 address. */
#include <errno.h>
#include <string.h>

#include "core/node_priv.h"
#include "lib/keys.h"
#include "policy/policy.h"

bool node_ep_has_ip6(const struct pol_endpoint *ep, const char *ref)
{
	uint8_t a[16];

	return ep->has_ip6 && !ipv6_parse(ref, a) && !memcmp(a, ep->ip6, 16);
}

/* An IPv6 address outside the pool6: the world (through the uplink, routed). */
const struct pol_endpoint *node_world_ep6(const struct node *n, const char *ref,
					  struct pol_endpoint *out)
{
	static const struct labels none;
	uint8_t a[16];

	if (ipv6_parse(ref, a) || (n->pool6 && cidr6_contains(pool6__net(n->pool6), a)))
		return NULL;
	*out = (struct pol_endpoint){
	    .name = "world", .identity = HYP_ID_WORLD, .has_ip6 = true, .labels = &none};
	memcpy(out->ip6, a, 16);
	return out;
}

int node_trace_family(const char *src, const char *dst, const struct pol_endpoint **s,
		      const struct pol_endpoint **d, struct pol_endpoint *ws,
		      struct pol_endpoint *wd, struct errmsg *em)
{
	if (!ip_is_v6(src) && !ip_is_v6(dst))
		return 0;
	if (!(*s)->has_ip6 || !(*d)->has_ip6)
		return em_set(em, -EINVAL, "an IPv6 flow, but %s has no IPv6 address",
			      (*s)->has_ip6 ? (*d)->name : (*s)->name);
	if (*s != ws)
		*ws = **s;
	if (*d != wd)
		*wd = **d;
	ws->v6 = wd->v6 = true;
	*s = ws;
	*d = wd;
	return 0;
}

void node_ep_ip6_json(const struct pol_endpoint *e, json_object *o)
{
	char buf[IP6_STRLEN];

	if (!e->has_ip6)
		return;
	ipv6_format((const uint8_t *)e->ip6, buf, sizeof(buf));
	json_object_object_add(o, KEY_IP6, json_object_new_string(buf));
	if (e->v6) /* the address the traced flow has */
		json_object_object_add(o, KEY_IP, json_object_new_string(buf));
}
