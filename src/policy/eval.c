// SPDX-License-Identifier: GPL-2.0-only
/*
 * The datapath's policy check in userspace, for `policy trace` and tests.
 * For a new flow src -> dst: if src's identity is egress-enforced, an
 * egress entry of src's identity must match, looked up as the datapath
 * does: peer identity, then any peer, then the peer's address (IPv4, or
 * IPv6 for an IPv6 flow: its own ipBlock table); each lookup is a
 * longest-prefix match over protocol and destination port (protocol 0
 * entries match any packet, port_bits compare the top bits of the port).
 * A peer of the world then: the set of its longest outside network
 * (pol_world_set, pol_world_set6 for an IPv6 flow), and that set's entries.
 * Then the same for dst's ingress with src as the peer.
 */
#include <string.h>

#include <hyperion/abi.h>

#include "policy/policy.h"

static uint8_t enforce_flags(const struct pol_program *p, uint32_t identity)
{
	for (size_t i = 0; i < p->n_enforce; i++)
		if (p->enforce[i].identity == identity)
			return p->enforce[i].flags;
	return 0;
}

/* The key's length in bits past the fixed part, as the LPM sees it. */
static int entry_prefix(const struct pol_entry *e)
{
	return e->proto ? 8 + e->port_bits : 0;
}

static bool entry_matches(const struct pol_entry *e, uint8_t proto, uint16_t dport)
{
	uint16_t mask;

	if (!e->proto)
		return true;
	if (e->proto != proto)
		return false;
	mask = e->port_bits ? (uint16_t)(0xffffu << (16 - e->port_bits)) : 0;
	return !((dport ^ e->port) & mask);
}

/* One LPM lookup: the longest matching entry of (dir, kind, local, peer), or NULL. */
static const struct pol_entry *lookup(const struct pol_program *p, uint8_t dir, uint8_t kind,
				      uint32_t local, uint32_t peer, const uint32_t *peer6,
				      uint8_t proto, uint16_t dport)
{
	const struct pol_entry *best = NULL;

	for (size_t i = 0; i < p->n_entries; i++) {
		const struct pol_entry *e = &p->entries[i];

		if (e->dir != dir || e->kind != kind || e->local_id != local || e->peer != peer ||
		    !entry_matches(e, proto, dport) ||
		    (kind == HYP_PEER_IPV6 && memcmp(e->peer6, peer6, sizeof(e->peer6))))
			continue;
		if (!best || entry_prefix(e) > entry_prefix(best))
			best = e;
	}
	return best;
}

uint32_t pol_world_set(const struct pol_program *p, uint8_t dir, uint32_t local, uint32_t ip)
{
	const struct pol_entry *best = NULL;

	for (size_t i = 0; i < p->n_entries; i++) {
		const struct pol_entry *e = &p->entries[i];
		uint32_t mask = e->port ? ~0u << (32 - (e->port > 32 ? 32 : e->port)) : 0;

		if (e->kind != HYP_PEER_WORLD_NET || e->dir != dir || e->local_id != local ||
		    ((ip ^ e->peer) & mask))
			continue;
		if (!best || e->port > best->port)
			best = e;
	}
	return best ? best->rule_id : 0;
}

static bool in_net6(const uint32_t *net, unsigned int bits, const uint32_t *ip6)
{
	const uint8_t *a = (const uint8_t *)net, *b = (const uint8_t *)ip6;

	for (unsigned int i = 0; bits && i < 16; i++) {
		unsigned int n = bits > 8 ? 8 : bits;

		if ((a[i] ^ b[i]) & (uint8_t)(0xff00 >> n))
			return false;
		bits -= n;
	}
	return true;
}

uint32_t pol_world_set6(const struct pol_program *p, uint8_t dir, uint32_t local,
			const uint32_t *ip6)
{
	const struct pol_entry *best = NULL;

	for (size_t i = 0; i < p->n_entries; i++) {
		const struct pol_entry *e = &p->entries[i];

		if (e->kind != HYP_PEER_WORLD6_NET || e->dir != dir || e->local_id != local ||
		    !in_net6(e->peer6, e->port > 128 ? 128 : e->port, ip6))
			continue;
		if (!best || e->port > best->port)
			best = e;
	}
	return best ? best->rule_id : 0;
}

/* The rule that lets local talk with peer in dir, 0: none. */
static uint32_t side_rule(const struct pol_program *p, uint8_t dir,
			  const struct pol_endpoint *local, const struct pol_endpoint *peer,
			  uint8_t proto, uint16_t dport)
{
	const struct pol_entry *e;

	e = lookup(p, dir, HYP_PEER_IDENTITY, local->identity, peer->identity, NULL, proto, dport);
	if (!e)
		e = lookup(p, dir, HYP_PEER_IDENTITY, local->identity, HYP_PEER_ANY, NULL, proto,
			   dport);
	if (!e && peer->v6)
		e = lookup(p, dir, HYP_PEER_IPV6, local->identity, 0, peer->ip6, proto, dport);
	else if (!e)
		e = lookup(p, dir, HYP_PEER_IPV4, local->identity, peer->ip, NULL, proto, dport);
	if (!e && peer->identity == HYP_ID_WORLD) {
		uint32_t set = peer->v6 ? pol_world_set6(p, dir, local->identity, peer->ip6)
					: pol_world_set(p, dir, local->identity, peer->ip);
		uint8_t kind = peer->v6 ? HYP_PEER_WORLD6_SET : HYP_PEER_WORLD_SET;

		e = set ? lookup(p, dir, kind, local->identity, set, NULL, proto, dport) : NULL;
	}
	return e ? e->rule_id : 0;
}

void pol_eval(const struct pol_program *p, const struct pol_endpoint *src,
	      const struct pol_endpoint *dst, uint8_t proto, uint16_t dport, struct pol_verdict *v)
{
	memset(v, 0, sizeof(*v));
	v->egress_enforced = enforce_flags(p, src->identity) & HYP_ENFORCE_EGRESS;
	v->ingress_enforced = enforce_flags(p, dst->identity) & HYP_ENFORCE_INGRESS;
	if (v->egress_enforced) {
		v->egress_rule = side_rule(p, HYP_DIR_EGRESS, src, dst, proto, dport);
		if (!v->egress_rule) {
			v->drop_reason = HYP_DROP_POLICY_EGRESS;
			return;
		}
	}
	if (v->ingress_enforced) {
		v->ingress_rule = side_rule(p, HYP_DIR_INGRESS, dst, src, proto, dport);
		if (!v->ingress_rule) {
			v->drop_reason = HYP_DROP_POLICY_INGRESS;
			return;
		}
	}
	v->allowed = true;
}
