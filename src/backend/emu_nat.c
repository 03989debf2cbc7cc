// SPDX-License-Identifier: GPL-2.0-only
/*
 * emu backend: the translation tables. The published ports are loaded
 * whole (publish_load: the table becomes the given set, strays removed);
 * SNAT entries whose flow's conntrack entry is gone are collected with the
 * conntrack collector (emu_nat_gc), both ways.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "hyperion/abi.h"
#include "backend/emu.h"
#include "lib/log.h"
#include "bpf/bridge_port.skel.h"
#include "bpf/uplink.skel.h"

static bool pub_wanted(const struct hyp_publish_entry *e, size_t n, const struct hyp_pub_key *k)
{
	for (size_t i = 0; i < n; i++)
		if (e[i].port == k->port && e[i].proto == k->proto)
			return true;
	return false;
}

static bool rev_wanted(const struct hyp_publish_entry *e, size_t n, const struct hyp_pub_rev_key *k)
{
	for (size_t i = 0; i < n; i++)
		if (htonl(e[i].ip) == k->addr && e[i].snic_port == k->port &&
		    e[i].proto == k->proto)
			return true;
	return false;
}

/* Deletes the keys of fd that wanted() refuses; restarts after each delete. */
static void strays(int fd, size_t key_sz, const struct hyp_publish_entry *e, size_t n, bool rev)
{
	union {
		struct hyp_pub_key p;
		struct hyp_pub_rev_key r;
	} k, next;
	bool have = false;

	while (!bpf_map_get_next_key(fd, have ? &k : NULL, &next)) {
		memcpy(&k, &next, key_sz);
		have = true;
		if (rev ? rev_wanted(e, n, &k.r) : pub_wanted(e, n, &k.p))
			continue;
		if (!bpf_map_delete_elem(fd, &k))
			have = false;
	}
}

int emu_publish_load(void *priv, const struct hyp_publish_entry *e, size_t n, struct errmsg *em)
{
	struct emu *em_ = priv;
	int pfd = bpf_map__fd(em_->port->maps.hyp_publish);
	int rfd = bpf_map__fd(em_->port->maps.hyp_pub_rev);

	for (size_t i = 0; i < n; i++) {
		struct hyp_pub_key k = {.port = e[i].port, .proto = e[i].proto};
		struct hyp_pub_val v = {
		    .addr = htonl(e[i].ip), .port = e[i].snic_port, .snic_id = e[i].snic_id};
		struct hyp_pub_rev_key rk = {.addr = v.addr, .port = v.port, .proto = k.proto};
		__u16 hp = k.port;

		if (bpf_map_update_elem(pfd, &k, &v, BPF_ANY) ||
		    bpf_map_update_elem(rfd, &rk, &hp, BPF_ANY))
			return em_set(em, -errno, "published port %u: cannot write the table: %s",
				      e[i].port, strerror(errno));
	}
	strays(pfd, sizeof(struct hyp_pub_key), e, n, false);
	strays(rfd, sizeof(struct hyp_pub_rev_key), e, n, true);
	return 0;
}

/* The reverse key of a translated flow (as nat.h builds it). */
static void rev_key(const struct hyp_ct_key *ck, const struct hyp_nat_val *v,
		    struct hyp_nat_rev_key *rk)
{
	memset(rk, 0, sizeof(*rk));
	rk->raddr = ck->daddr;
	rk->rport = ck->proto == IPPROTO_ICMP ? 0 : ck->dport;
	rk->nport = v->port;
	rk->proto = ck->proto;
}

int emu_nat_gc(struct emu *e)
{
	int nfd = bpf_map__fd(e->port->maps.hyp_nat);
	int rfd = bpf_map__fd(e->port->maps.hyp_nat_rev);
	int cfd = bpf_map__fd(e->port->maps.hyp_ct);
	struct hyp_ct_key k, next;
	struct hyp_ct_val cv;
	struct hyp_nat_val v;
	struct hyp_nat_rev_key rk;
	bool have = false;
	int removed = 0;

	while (!bpf_map_get_next_key(nfd, have ? &k : NULL, &next)) {
		k = next;
		have = true;
		if (!bpf_map_lookup_elem(cfd, &k, &cv) || bpf_map_lookup_elem(nfd, &k, &v))
			continue;
		rev_key(&k, &v, &rk);
		bpf_map_delete_elem(rfd, &rk);
		if (!bpf_map_delete_elem(nfd, &k)) {
			removed++;
			have = false;
		}
	}
	return removed;
}
