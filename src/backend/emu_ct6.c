// SPDX-License-Identifier: GPL-2.0-only
/*
 * emu backend: upkeep of the IPv6 conntrack table (hyp_ct6), as emu_ct.c
 * keeps the IPv4 one: the collector removes expired entries and those no
 * live endpoint holds (the SNIC that started the flow, or one of its two
 * addresses, is gone; an address outside the pool6 is the world's, through
 * the uplink, and never gone); a SNIC's destroy
 * flushes every entry of its IPv6 address. Each entry removed here is
 * given back to its owner's count (shared with IPv4) through the
 * datapath's hyp_ct_release, so the quota stays exact.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "hyperion/abi.h"
#include "backend/emu.h"
#include "lib/log.h"
#include "bpf/bridge_port.skel.h"

struct ct6_pass {
	__u64 now;
	const __u32 *flush; /* an IPv6 address: a flush; NULL: a collection */
	int eps;	    /* hyp_endpoints6: the live addresses */
	__u32 *owners;	    /* sorted: the SNIC ids ports are bound to */
	size_t nowners;
	const uint32_t *pool6; /* network order */
	uint8_t plen;
};

static int cmp_u32(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return x < y ? -1 : x > y;
}

static bool addr_live(const struct ct6_pass *p, const __u32 a[4])
{
	const uint8_t *b = (const uint8_t *)a, *n = (const uint8_t *)p->pool6;
	struct hyp_ep6_key k;
	struct hyp_endpoint v;

	for (unsigned int i = 0; i < p->plen; i++)
		if ((b[i / 8] ^ n[i / 8]) & (0x80 >> (i % 8)))
			return true; /* the world's */
	memcpy(k.ip, a, sizeof(k.ip));
	return !bpf_map_lookup_elem(p->eps, &k, &v);
}

static bool owner_live(const struct ct6_pass *p, __u32 owner)
{
	return p->nowners && bsearch(&owner, p->owners, p->nowners, sizeof(owner), cmp_u32);
}

/* The SNIC ids of hyp_ports' values, sorted. */
static int owners_read(int fd, struct ct6_pass *p)
{
	struct hyp_port v;
	__u32 k, next, *n;
	bool first = true;
	size_t cap = 0;

	while (!bpf_map_get_next_key(fd, first ? NULL : &k, &next)) {
		first = false;
		k = next;
		if (bpf_map_lookup_elem(fd, &k, &v))
			continue;
		if (p->nowners == cap) {
			n = realloc(p->owners, (cap = cap ? 2 * cap : 64) * sizeof(*n));
			if (!n)
				return -ENOMEM;
			p->owners = n;
		}
		p->owners[p->nowners++] = v.snic_id;
	}
	if (p->nowners)
		qsort(p->owners, p->nowners, sizeof(*p->owners), cmp_u32);
	return 0;
}

static bool doomed6(const struct ct6_pass *p, const struct hyp_ct6_key *k,
		    const struct hyp_ct_val *v)
{
	__u8 proto = k->proto == 58 ? 1 : k->proto; /* ICMPv6 times as ICMP */

	if (p->flush)
		return !memcmp(k->saddr, p->flush, 16) || !memcmp(k->daddr, p->flush, 16);
	if (p->now > v->last_seen &&
	    p->now - v->last_seen > hyp_ct_timeout(proto, v->state) * 1000000000ULL)
		return true;
	return !owner_live(p, v->owner) || !addr_live(p, k->saddr) || !addr_live(p, k->daddr);
}

static void give_back1(struct emu *e, __u32 owner)
{
	struct hyp_ct_release a = {.owner = owner, .n = 1};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = &a, .ctx_size_in = sizeof(a));

	if (bpf_prog_test_run_opts(bpf_program__fd(e->port->progs.hyp_ct_release), &opts))
		pr_warn("conntrack: cannot give back an entry of snic %u: %s\n", owner,
			strerror(errno));
}

/* One pass over hyp_ct6: removes what doomed6() says; how many, *kept the rest. */
static int ct6_pass(struct emu *e, struct ct6_pass *p, uint32_t *kept)
{
	int fd = bpf_map__fd(e->port->maps.hyp_ct6), removed = 0;
	struct hyp_ct6_key *dead = NULL, *nd, k, next;
	struct hyp_ct_val v;
	size_t n = 0, cap = 0;
	bool first = true;

	p->eps = bpf_map__fd(e->port->maps.hyp_endpoints6);
	*kept = 0;
	/* a flush's test is the address alone: no read of every SNIC's port
	 * (it made each destroy O(SNICs), a teardown O(SNICs^2)) */
	if (!p->flush && owners_read(bpf_map__fd(e->port->maps.hyp_ports), p)) {
		free(p->owners);
		return -ENOMEM;
	}
	while (!bpf_map_get_next_key(fd, first ? NULL : &k, &next)) {
		first = false;
		k = next;
		if (bpf_map_lookup_elem(fd, &k, &v) || !doomed6(p, &k, &v)) {
			(*kept)++;
			continue;
		}
		if (n == cap) {
			nd = realloc(dead, (cap = cap ? 2 * cap : 64) * sizeof(*dead));
			if (!nd)
				break;
			dead = nd;
		}
		dead[n++] = k;
	}
	for (size_t i = 0; i < n; i++) {
		/* the datapath may have refreshed or deleted it since */
		if (bpf_map_lookup_elem(fd, &dead[i], &v) || !doomed6(p, &dead[i], &v) ||
		    bpf_map_lookup_and_delete_elem(fd, &dead[i], &v))
			continue;
		give_back1(e, v.owner);
		removed++;
	}
	free(dead);
	free(p->owners);
	return removed;
}

int emu_ct6_gc(struct emu *e, uint32_t *live)
{
	struct ct6_pass p = {.pool6 = e->cfg.pool6, .plen = e->cfg.pool6_prefix};
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts); /* bpf_ktime_get_ns() clock */
	p.now = (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
	return ct6_pass(e, &p, live);
}

int emu_ct6_flush(struct emu *e, const uint32_t ip6[4])
{
	struct ct6_pass p = {.flush = ip6};
	uint32_t kept;
	int n = ct6_pass(e, &p, &kept);

	if (n > 0)
		pr_debug("conntrack: %d IPv6 entries flushed\n", n);
	return 0;
}
