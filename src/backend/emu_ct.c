// SPDX-License-Identifier: GPL-2.0-only
/*
 * emu backend: upkeep of the conntrack table. The collector removes
 * expired entries and entries no live endpoint holds (the SNIC that
 * started the flow, or one of its two addresses, is gone); a SNIC's
 * destroy flushes every entry of its address at once, so a new SNIC given
 * that address never inherits a flow of the old one. Every entry removed
 * here is given back to the count of the endpoint that held it through
 * the datapath's hyp_ct_release, the same atomic operation the datapath
 * uses, so the per-endpoint counts the quota is checked against stay
 * exact (bpf/lib/ct_quota.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "hyperion/abi.h"
#include "backend/emu.h"
#include "lib/log.h"
#include "bpf/bridge_port.skel.h"

#define CT_BATCH 4096

/* Who is live: SNIC ids (with a tally of entries given back) and addresses. */
struct ct_live {
	__u32 *owners; /* sorted */
	__u32 *given;  /* per owner: entries removed here */
	size_t nowners;
	__u32 *addrs; /* sorted, network order */
	size_t naddrs;
};

struct ct_pass {
	__u64 now;
	struct ct_live live;
	__u32 flush_ip;	 /* network order; 0: a collection */
	__u32 net, mask; /* the pool (network order): addresses outside it are the world's */
};

static int cmp_u32(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return x < y ? -1 : x > y;
}

static ssize_t find_u32(const __u32 *v, size_t n, __u32 x)
{
	const __u32 *p = n ? bsearch(&x, v, n, sizeof(x), cmp_u32) : NULL;

	return p ? p - v : -1;
}

/* The u32 at off of every key (of_val: every value) of a hash map, sorted. */
static int read_ids(int fd, size_t key_sz, size_t val_sz, size_t off, bool of_val, __u32 **out,
		    size_t *n)
{
	char key[64], next[64], val[64];
	size_t cap = 0;
	bool first = true;

	*out = NULL;
	*n = 0;
	while (!bpf_map_get_next_key(fd, first ? NULL : key, next)) {
		first = false;
		memcpy(key, next, key_sz);
		if (of_val && bpf_map_lookup_elem(fd, key, val))
			continue;
		if (*n == cap) {
			__u32 *nv = realloc(*out, (cap = cap ? 2 * cap : 256) * sizeof(**out));

			if (!nv)
				return -ENOMEM;
			*out = nv;
		}
		memcpy(&(*out)[(*n)++], (of_val ? val : key) + off, sizeof(__u32));
	}
	(void)val_sz;
	if (*n) /* qsort() takes no NULL array, not even empty */
		qsort(*out, *n, sizeof(**out), cmp_u32);
	return 0;
}

static void live_free(struct ct_live *l)
{
	free(l->owners);
	free(l->given);
	free(l->addrs);
	memset(l, 0, sizeof(*l));
}

static int live_read(struct emu *e, struct ct_live *l)
{
	int err;

	memset(l, 0, sizeof(*l));
	err = read_ids(bpf_map__fd(e->port->maps.hyp_ports), sizeof(__u32), sizeof(struct hyp_port),
		       __builtin_offsetof(struct hyp_port, snic_id), true, &l->owners, &l->nowners);
	if (!err)
		err = read_ids(bpf_map__fd(e->port->maps.hyp_endpoints), sizeof(struct hyp_ep_key),
			       0, 0, false, &l->addrs, &l->naddrs);
	if (!err && !(l->given = calloc(l->nowners + 1, sizeof(*l->given))))
		err = -ENOMEM;
	if (err)
		live_free(l);
	return err;
}

/* An endpoint's address, or one of the world (a flow through the uplink). */
static bool addr_live(const struct ct_pass *p, __u32 a)
{
	return (a & p->mask) != p->net || find_u32(p->live.addrs, p->live.naddrs, a) >= 0;
}

/* Is the entry to go: expired or held by no live endpoint (a collection),
 * or of the address being flushed? */
static bool doomed(const struct ct_pass *p, const struct hyp_ct_key *k, const struct hyp_ct_val *v)
{
	const struct ct_live *l = &p->live;

	if (p->flush_ip)
		return k->saddr == p->flush_ip || k->daddr == p->flush_ip;
	if (p->now > v->last_seen &&
	    p->now - v->last_seen > hyp_ct_timeout(k->proto, v->state) * 1000000000ULL)
		return true;
	return find_u32(l->owners, l->nowners, v->owner) < 0 || !addr_live(p, k->saddr) ||
	       !addr_live(p, k->daddr);
}

/* Removes an entry found doomed if it still is; tallies it for its owner. */
static bool remove_one(int fd, struct ct_pass *p, const struct hyp_ct_key *k)
{
	struct hyp_ct_val v;
	ssize_t i;

	/* the datapath may have refreshed it since the walk read it */
	if (bpf_map_lookup_elem(fd, k, &v) || !doomed(p, k, &v))
		return false;
	if (bpf_map_lookup_and_delete_elem(fd, k, &v))
		return false; /* deleted meanwhile by the datapath, which gave it back */
	i = find_u32(p->live.owners, p->live.nowners, v.owner);
	if (i >= 0)
		p->live.given[i]++;
	return true;
}

/* Walks the table in batches; collects the keys of doomed entries. */
static int walk(int fd, const struct ct_pass *p, struct hyp_ct_key **dead, size_t *ndead,
		uint32_t *kept)
{
	struct hyp_ct_key *keys = malloc(CT_BATCH * sizeof(*keys));
	struct hyp_ct_val *vals = malloc(CT_BATCH * sizeof(*vals));
	size_t cap = 0;
	__u32 token, count;
	bool first = true, done = false;
	int err = 0;

	*dead = NULL;
	*ndead = 0;
	*kept = 0;
	while (keys && vals && !done && !err) {
		count = CT_BATCH;
		if (bpf_map_lookup_batch(fd, first ? NULL : &token, &token, keys, vals, &count,
					 NULL)) {
			err = errno == ENOENT ? 0 : -errno;
			done = true;
		}
		first = false;
		for (__u32 i = 0; i < count && !err; i++) {
			if (!doomed(p, &keys[i], &vals[i])) {
				(*kept)++;
				continue;
			}
			if (*ndead == cap) {
				struct hyp_ct_key *nd =
				    realloc(*dead, (cap = cap ? 2 * cap : 256) * sizeof(*nd));

				if (!nd) {
					err = -ENOMEM;
					break;
				}
				*dead = nd;
			}
			(*dead)[(*ndead)++] = keys[i];
		}
	}
	if (!keys || !vals)
		err = -ENOMEM;
	free(keys);
	free(vals);
	return err;
}

/* Gives the tallied entries back to their owners' counts. */
static void give_back(struct emu *e, const struct ct_live *l)
{
	int fd = bpf_program__fd(e->port->progs.hyp_ct_release);

	for (size_t i = 0; i < l->nowners; i++) {
		struct hyp_ct_release a = {.owner = l->owners[i], .n = l->given[i]};
		LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = &a, .ctx_size_in = sizeof(a));

		if (a.n && bpf_prog_test_run_opts(fd, &opts))
			pr_warn("conntrack: cannot give back %u entries of snic %u: %s\n", a.n,
				a.owner, strerror(errno));
	}
}

/* Removes the counts of SNIC ids no port is bound to (one, or every stale one). */
static void owners_sweep(struct emu *e, const struct ct_live *l, __u32 only)
{
	int fd = bpf_map__fd(e->port->maps.hyp_ct_owners);
	__u32 *ids;
	size_t n;

	if (only) {
		bpf_map_delete_elem(fd, &only);
		return;
	}
	if (read_ids(fd, sizeof(__u32), sizeof(__u32), 0, false, &ids, &n))
		return;
	for (size_t i = 0; i < n; i++)
		if (find_u32(l->owners, l->nowners, ids[i]) < 0)
			bpf_map_delete_elem(fd, &ids[i]);
	free(ids);
}

/* One pass: removes what doomed() says; returns how many, *kept the rest. */
static int ct_pass(struct emu *e, struct ct_pass *p, uint32_t *kept)
{
	int fd = bpf_map__fd(e->port->maps.hyp_ct);
	struct hyp_ct_key *dead;
	size_t ndead;
	int err, lerr, removed = 0;

	/* a flush's test is the address alone: the live set (every SNIC's port
	 * and address) is read only to tally what it removes, when it removes
	 * any (read first, it made each destroy O(SNICs), a teardown O(SNICs^2)) */
	err = p->flush_ip ? 0 : live_read(e, &p->live);
	if (err)
		return err;
	err = walk(fd, p, &dead, &ndead, kept);
	lerr = p->flush_ip && ndead ? live_read(e, &p->live) : 0;
	for (size_t i = 0; !lerr && i < ndead; i++)
		removed += remove_one(fd, p, &dead[i]);
	free(dead);
	give_back(e, &p->live);
	live_free(&p->live);
	return err ? err : lerr ? lerr : removed;
}

int emu_ct_gc(void *priv, uint32_t *live)
{
	struct emu *e = priv;
	struct ct_pass p = {.mask = htonl(cidr4_mask(e->cfg.pool.prefix))};
	struct ct_live l;
	struct timespec ts;
	int n;

	p.net = htonl(e->cfg.pool.addr) & p.mask;
	clock_gettime(CLOCK_MONOTONIC, &ts); /* the datapath's (coarse: a tick behind) */
	p.now = (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
	n = ct_pass(e, &p, live);
	if (n >= 0) {
		uint32_t live6 = 0;
		int n6 = emu_ct6_gc(e, &live6);

		n += n6 > 0 ? n6 : 0;
		*live += live6;
	}
	emu_nat_gc(e);
	if (!live_read(e, &l)) {
		owners_sweep(e, &l, 0);
		live_free(&l);
	}
	return n;
}

int emu_ct_flush(struct emu *e, uint32_t ip, uint32_t snic_id)
{
	struct ct_pass p = {.flush_ip = htonl(ip)};
	uint32_t kept;
	int n;

	if (!ip)
		return 0;
	n = ct_pass(e, &p, &kept);
	owners_sweep(e, NULL, snic_id);
	if (n > 0)
		pr_debug("conntrack: %d entries of snic %u flushed\n", n, snic_id);
	return n < 0 ? n : 0;
}
