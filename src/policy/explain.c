// SPDX-License-Identifier: GPL-2.0-only
/*
 * Why a flow was denied, for `policy trace`: every rule that applies to
 * the local endpoint's identity in the direction, and what of it did not
 * match the flow: its peers, its ports, or both. A Kubernetes rule allows
 * its peers times its ports, so a rule whose peers and ports both match
 * the flow allows it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hyperion/abi.h>

#include "policy/policy.h"

static bool peer_matches(const struct pol_program *p, const struct pol_entry *e,
			 const struct pol_endpoint *peer)
{
	if (e->kind == HYP_PEER_WORLD_SET)
		return !peer->v6 && peer->identity == HYP_ID_WORLD &&
		       e->peer == pol_world_set(p, e->dir, e->local_id, peer->ip);
	if (e->kind == HYP_PEER_WORLD6_SET)
		return peer->v6 && peer->identity == HYP_ID_WORLD &&
		       e->peer == pol_world_set6(p, e->dir, e->local_id, peer->ip6);
	if (e->kind == HYP_PEER_IPV4)
		return !peer->v6 && e->peer == peer->ip;
	if (e->kind == HYP_PEER_IPV6)
		return peer->v6 && !memcmp(e->peer6, peer->ip6, sizeof(e->peer6));
	return e->peer == HYP_PEER_ANY || e->peer == peer->identity;
}

static bool port_matches(const struct pol_entry *e, uint8_t proto, uint16_t dport)
{
	uint16_t mask = e->port_bits ? (uint16_t)(0xffffu << (16 - e->port_bits)) : 0;

	return !e->proto || (e->proto == proto && !((dport ^ e->port) & mask));
}

/* "its peers (from) do not include dev", "its ports do not include tcp/5432" */
static void why(char *buf, size_t len, uint8_t dir, bool peer_ok, bool port_ok,
		const struct pol_endpoint *peer, uint8_t proto, uint16_t dport)
{
	const char *pn = proto == 6 ? "tcp" : proto == 17 ? "udp" : proto == 132 ? "sctp" : "icmp";
	const char *peers = dir == HYP_DIR_INGRESS ? "its peers (from)" : "its peers (to)";
	char port[32];

	if (proto == 6 || proto == 17 || proto == 132)
		snprintf(port, sizeof(port), "%s/%u", pn, dport);
	else
		snprintf(port, sizeof(port), "%s (ports never match it)", pn);
	if (!peer_ok && !port_ok)
		snprintf(buf, len, "%s do not include %s, its ports do not include %s", peers,
			 peer->name, port);
	else if (!peer_ok)
		snprintf(buf, len, "%s do not include %s", peers, peer->name);
	else
		snprintf(buf, len, "its ports do not include %s", port);
}

json_object *pol_explain(const struct pol_program *p, uint8_t dir, const struct pol_endpoint *local,
			 const struct pol_endpoint *peer, uint8_t proto, uint16_t dport)
{
	json_object *out = json_object_new_array();
	bool *peer_ok = calloc(p->n_rules + 1, sizeof(bool)), *port_ok, *seen;
	char buf[400];

	port_ok = calloc(p->n_rules + 1, sizeof(bool));
	seen = calloc(p->n_rules + 1, sizeof(bool));
	for (size_t i = 0; peer_ok && port_ok && seen && i < p->n_entries; i++) {
		const struct pol_entry *e = &p->entries[i];

		if (e->dir != dir || e->local_id != local->identity || e->rule_id >= p->n_rules ||
		    e->kind == HYP_PEER_WORLD_NET || e->kind == HYP_PEER_WORLD6_NET) /* a set */
			continue;
		seen[e->rule_id] = true;
		peer_ok[e->rule_id] |= peer_matches(p, e, peer);
		port_ok[e->rule_id] |= port_matches(e, proto, dport);
	}
	for (size_t r = 1; seen && r < p->n_rules; r++) {
		if (!seen[r] || (peer_ok[r] && port_ok[r]))
			continue;
		int n = snprintf(buf, sizeof(buf), "%s %s[%d]: ", p->rules[r].policy,
				 dir == HYP_DIR_INGRESS ? "ingress" : "egress", p->rules[r].rule);

		why(buf + n, sizeof(buf) - (size_t)n, dir, peer_ok[r], port_ok[r], peer, proto,
		    dport);
		json_object_array_add(out, json_object_new_string(buf));
	}
	if (!json_object_array_length(out))
		json_object_array_add(
		    out, json_object_new_string(dir == HYP_DIR_INGRESS
						    ? "no rule: the policies that select it have "
						      "no ingress rules"
						    : "no rule: the policies that select it have "
						      "no egress rules"));
	free(peer_ok);
	free(port_ok);
	free(seen);
	return out;
}
