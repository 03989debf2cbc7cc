// SPDX-License-Identifier: GPL-2.0-only
/*
 * emu backend, IPv6: a SNIC's IPv6 entries (abi_ip6.h) next to its IPv4
 * ones, the bridge's IPv6 config. The port's binding is its global address
 * and the link-local of its MAC; the endpoint entry (the same value as the
 * IPv4 one) is written last, so traffic reaches the SNIC only once its
 * binding is in place.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "backend/emu.h"
#include "bpf/bridge_port.skel.h"
#include "bpf/snic_guard.skel.h"

static bool has_ip6(const struct hyp_snic_spec *s)
{
	return s->prefix6 != 0;
}

static void fill6(const struct hyp_snic_spec *s, const struct emu_snic *es, struct hyp_port6 *p,
		  struct hyp_guard6 *g, struct hyp_endpoint *ep)
{
	memset(p, 0, sizeof(*p));
	memcpy(p->ip, s->ip6, sizeof(p->ip));
	hyp_ip6_ll_from_mac(s->mac, p->ll);
	memset(g, 0, sizeof(*g));
	memcpy(g->ip, p->ip, sizeof(g->ip));
	memcpy(g->ll, p->ll, sizeof(g->ll));
	memset(ep, 0, sizeof(*ep));
	ep->port_ifindex = es->port_ifindex;
	ep->identity = s->identity;
	memcpy(ep->mac, s->mac, 6);
	ep->snic_id = (__u32)s->id;
	ep->flags = s->routed ? HYP_EP_F_ROUTED : 0;
}

static void gkey(const struct emu_snic *es, struct hyp_guard_key *k)
{
	memset(k, 0, sizeof(*k));
	k->netns_cookie = es->netns_cookie;
	k->ifindex = es->if_index;
}

int emu_snic6_program(struct emu *e, const struct hyp_snic_spec *s, const struct emu_snic *es)
{
	struct hyp_port6 p;
	struct hyp_guard6 g;
	struct hyp_endpoint ep;
	struct hyp_guard_key gk;
	struct hyp_ep6_key ek;
	__u32 port = es->port_ifindex;

	if (!has_ip6(s))
		return 0;
	fill6(s, es, &p, &g, &ep);
	gkey(es, &gk);
	memcpy(ek.ip, s->ip6, sizeof(ek.ip));
	if (s->guard && bpf_map_update_elem(bpf_map__fd(e->guard->maps.hyp_guards6), &gk, &g, 0))
		return -errno;
	if (bpf_map_update_elem(bpf_map__fd(e->port->maps.hyp_ports6), &port, &p, 0))
		return -errno;
	if (bpf_map_update_elem(bpf_map__fd(e->port->maps.hyp_endpoints6), &ek, &ep, 0))
		return -errno;
	return 0;
}

/* 1 when every IPv6 entry of the SNIC is present and right (or it has no IPv6). */
int emu_snic6_verify(struct emu *e, const struct hyp_snic_spec *s, const struct emu_snic *es)
{
	struct hyp_port6 p, hp;
	struct hyp_guard6 g, hg;
	struct hyp_endpoint ep, hep;
	struct hyp_guard_key gk;
	struct hyp_ep6_key ek;
	__u32 port = es->port_ifindex;

	if (!has_ip6(s))
		return 1;
	fill6(s, es, &p, &g, &ep);
	gkey(es, &gk);
	memcpy(ek.ip, s->ip6, sizeof(ek.ip));
	if (bpf_map_lookup_elem(bpf_map__fd(e->port->maps.hyp_ports6), &port, &hp) ||
	    memcmp(&p, &hp, sizeof(p)))
		return 0;
	if (bpf_map_lookup_elem(bpf_map__fd(e->port->maps.hyp_endpoints6), &ek, &hep) ||
	    memcmp(&ep, &hep, sizeof(ep)))
		return 0;
	if (s->guard && (bpf_map_lookup_elem(bpf_map__fd(e->guard->maps.hyp_guards6), &gk, &hg) ||
			 memcmp(&g, &hg, sizeof(g))))
		return 0;
	return 1;
}

void emu_snic6_remove(struct emu *e, const struct hyp_snic_spec *s, const struct emu_snic *es)
{
	int efd = bpf_map__fd(e->port->maps.hyp_endpoints6);
	struct hyp_guard_key gk;
	struct hyp_endpoint ep;
	struct hyp_port p4;
	struct hyp_ep6_key ek;
	__u32 port = es->port_ifindex;

	memcpy(ek.ip, s->ip6, sizeof(ek.ip));
	/* only what is still ours: the address may have been given again */
	if (has_ip6(s) && !bpf_map_lookup_elem(efd, &ek, &ep) && ep.snic_id == (__u32)s->id)
		bpf_map_delete_elem(efd, &ek);
	/* the port's binding, unless its ifindex is another SNIC's port now */
	if (port && (bpf_map_lookup_elem(bpf_map__fd(e->port->maps.hyp_ports), &port, &p4) ||
		     p4.snic_id == (__u32)s->id))
		bpf_map_delete_elem(bpf_map__fd(e->port->maps.hyp_ports6), &port);
	gkey(es, &gk);
	bpf_map_delete_elem(bpf_map__fd(e->guard->maps.hyp_guards6), &gk);
}

/* Deletes the entries of fd whose key has no entry in ref (same key). */
static int sweep_orphans(int fd, int ref, size_t key_sz, size_t val_sz)
{
	char key[64], next[64], val[64];
	int removed = 0, have_prev = 0;

	(void)val_sz;
	while (!bpf_map_get_next_key(fd, have_prev ? key : NULL, next)) {
		memcpy(key, next, key_sz);
		have_prev = 1;
		if (!bpf_map_lookup_elem(ref, key, val))
			continue;
		if (!bpf_map_delete_elem(fd, key)) {
			removed++;
			have_prev = 0;
		}
	}
	return removed;
}

/* After the IPv4 sweep: IPv6 bindings of ports and guards that are gone. */
int emu_snic6_sweep(struct emu *e)
{
	return sweep_orphans(bpf_map__fd(e->port->maps.hyp_ports6),
			     bpf_map__fd(e->port->maps.hyp_ports), sizeof(__u32),
			     sizeof(struct hyp_port)) +
	       sweep_orphans(bpf_map__fd(e->guard->maps.hyp_guards6),
			     bpf_map__fd(e->guard->maps.hyp_guards), sizeof(struct hyp_guard_key),
			     sizeof(struct hyp_guard));
}

/* The bridge's IPv6 config: fixed at creation, as the IPv4 pool. */
int emu_snic6_write_config(struct emu *e, struct errmsg *em)
{
	int fd = bpf_map__fd(e->port->maps.hyp_config6);
	struct hyp_config6 want = {}, have = {};
	__u32 zero = 0;

	if (e->cfg.pool6_prefix > 128)
		return em_set(em, -EINVAL, "IPv6 pool prefix /%u", e->cfg.pool6_prefix);
	if (e->cfg.pool6_prefix) {
		memcpy(want.gw_ip, e->cfg.gw6, sizeof(want.gw_ip));
		hyp_ip6_ll_from_mac(e->cfg.gw_mac, want.gw_ll);
		memcpy(want.net, e->cfg.pool6, sizeof(want.net));
		want.prefixlen = e->cfg.pool6_prefix;
	}
	if (bpf_map_lookup_elem(fd, &zero, &have))
		return em_set(em, -errno, "cannot read datapath IPv6 config");
	if (have.prefixlen && memcmp(&have, &want, sizeof(want)))
		return em_set(em, -EEXIST, "instance %s runs another IPv6 pool (teardown first)",
			      e->cfg.instance);
	if (bpf_map_update_elem(fd, &zero, &want, BPF_ANY))
		return em_set(em, -errno, "cannot write datapath IPv6 config");
	return 0;
}
