// SPDX-License-Identifier: GPL-2.0-only
/* emu backend: loading, pinning and programming the eBPF datapath. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "hyperion/abi.h"
#include "backend/emu.h"
#include "lib/netns.h"
#include "lib/log.h"
#include "bpf/bridge_port.skel.h"
#include "bpf/snic_guard.skel.h"
#include "bpf/uplink.skel.h"

#define BPF_FS	      "/sys/fs/bpf"
#define BPF_FS_MAGIC_ 0xcafe4a11

static int ensure_bpffs(void)
{
	struct statfs sfs;

	if (!statfs(BPF_FS, &sfs) && sfs.f_type == BPF_FS_MAGIC_)
		return 0;
	if (mount("bpf", BPF_FS, "bpf", 0, "mode=0700"))
		return -errno;
	return 0;
}

static int mkdir_p(const char *path, mode_t mode)
{
	char buf[512];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, mode) && errno != EEXIST)
		return -errno;
	return 0;
}

int emu_bpf_load(struct emu *e, struct errmsg *em)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .pin_root_path = e->names.pin_root);
	char links[300];
	int err;

	err = ensure_bpffs();
	if (err)
		return em_set(em, err, "cannot mount bpffs at %s: %s", BPF_FS, strerror(-err));
	snprintf(links, sizeof(links), "%s/links", e->names.pin_root);
	err = mkdir_p(links, 0700);
	if (err)
		return em_set(em, err, "cannot create pin root %s: %s", links, strerror(-err));
	e->port = bridge_port_bpf__open_opts(&opts);
	if (!e->port)
		return em_set(em, -errno, "cannot open bridge_port BPF object");
	err = emu_pin_check(e, e->port->obj, em);
	if (err)
		return err;
	err = bridge_port_bpf__load(e->port);
	if (err)
		return em_set(em, err, "cannot load bridge_port datapath: %s", strerror(-err));
	e->guard = snic_guard_bpf__open_opts(&opts);
	if (!e->guard)
		return em_set(em, -errno, "cannot open snic_guard BPF object");
	err = emu_pin_check(e, e->guard->obj, em);
	if (err)
		return err;
	err = snic_guard_bpf__load(e->guard);
	if (err)
		return em_set(em, err, "cannot load snic_guard program: %s", strerror(-err));
	e->uplink = uplink_bpf__open_opts(&opts);
	if (!e->uplink)
		return em_set(em, -errno, "cannot open uplink BPF object");
	err = emu_pin_check(e, e->uplink->obj, em);
	if (err)
		return err;
	err = uplink_bpf__load(e->uplink);
	if (err)
		return em_set(em, err, "cannot load uplink program: %s", strerror(-err));
	return 0;
}

void emu_bpf_unload(struct emu *e)
{
	emu_ovl_unload(e);
	bridge_port_bpf__destroy(e->port);
	snic_guard_bpf__destroy(e->guard);
	uplink_bpf__destroy(e->uplink);
	e->uplink = NULL;
	e->port = NULL;
	e->guard = NULL;
}

int emu_bpf_write_config(struct emu *e, bool create, struct errmsg *em)
{
	int fd = bpf_map__fd(e->port->maps.hyp_config);
	struct hyp_config want = {}, have = {};
	__u32 zero = 0;

	want.gw_ip = htonl(e->cfg.gw);
	memcpy(want.gw_mac, e->cfg.gw_mac, 6);
	want.net = htonl(e->cfg.pool.addr & cidr4_mask(e->cfg.pool.prefix));
	want.mask = htonl(cidr4_mask(e->cfg.pool.prefix));
	want.ct_quota = e->cfg.ct_quota ? e->cfg.ct_quota : HYP_CT_QUOTA_DEFAULT;
	if (bpf_map_lookup_elem(fd, &zero, &have))
		return em_set(em, -errno, "cannot read datapath config");
	/* the policy generation and revision are the datapath's own state */
	want.policy = have.policy;
	/* the quota is this start's; the rest is fixed at creation */
	have.ct_quota = want.ct_quota;
	/* written: the gateway MAC is never 0 (gw_ip is on an IPv6-only instance) */
	if (have.gw_mac[0] && memcmp(&have, &want, sizeof(want))) {
		char a[16], b[16];

		ipv4_format(ntohl(have.net), a, sizeof(a));
		ipv4_format(ntohl(want.net), b, sizeof(b));
		return em_set(em, -EEXIST,
			      "instance %s runs pool %s/%d; refusing %s/%d (teardown first)",
			      e->cfg.instance, a, __builtin_popcount(ntohl(have.mask)), b,
			      e->cfg.pool.prefix);
	}
	if (!have.gw_mac[0] && !create)
		return em_set(em, -ENOENT, "instance %s has no datapath config", e->cfg.instance);
	if (bpf_map_update_elem(fd, &zero, &want, BPF_ANY))
		return em_set(em, -errno, "cannot write datapath config");
	return emu_snic6_write_config(e, em);
}

static void fill_values(const struct hyp_snic_spec *s, const struct emu_snic *es,
			struct hyp_port *p, struct hyp_endpoint *ep, struct hyp_guard *g)
{
	memset(p, 0, sizeof(*p));
	p->ip = htonl(s->ip);
	memcpy(p->mac, s->mac, 6);
	p->flags = (s->guard ? HYP_PORT_F_GUARD : 0) | (s->routed ? HYP_PORT_F_ROUTED : 0);
	p->identity = s->identity;
	p->snic_id = (__u32)s->id;
	memcpy(p->key, s->key, sizeof(p->key));

	memset(ep, 0, sizeof(*ep));
	ep->port_ifindex = es->port_ifindex;
	ep->identity = s->identity;
	memcpy(ep->mac, s->mac, 6);
	ep->snic_id = (__u32)s->id;
	ep->flags = s->routed ? HYP_EP_F_ROUTED : 0;

	memset(g, 0, sizeof(*g));
	g->ip = htonl(s->ip);
	memcpy(g->mac, s->mac, 6);
	g->snic_id = (__u32)s->id;
	memcpy(g->key, s->key, sizeof(g->key));
}

static void guard_key(const struct emu_snic *es, struct hyp_guard_key *k)
{
	memset(k, 0, sizeof(*k));
	k->netns_cookie = es->netns_cookie;
	k->ifindex = es->if_index;
}

int emu_tables_program(struct emu *e, const struct hyp_snic_spec *s, const struct emu_snic *es)
{
	struct hyp_port p;
	struct hyp_endpoint ep;
	struct hyp_guard g;
	struct hyp_guard_key gk;
	struct hyp_ep_key ek = {.ip = htonl(s->ip)};
	__u32 port = es->port_ifindex;

	fill_values(s, es, &p, &ep, &g);
	guard_key(es, &gk);
	if (s->guard && bpf_map_update_elem(bpf_map__fd(e->guard->maps.hyp_guards), &gk, &g, 0))
		return -errno;
	if (bpf_map_update_elem(bpf_map__fd(e->port->maps.hyp_ports), &port, &p, 0))
		return -errno;
	/* the endpoint last: traffic is sent to the SNIC only once all is in place */
	if (s->ip && bpf_map_update_elem(bpf_map__fd(e->port->maps.hyp_endpoints), &ek, &ep, 0))
		return -errno;
	return emu_snic6_program(e, s, es);
}

int emu_tables_verify(struct emu *e, const struct hyp_snic_spec *s, const struct emu_snic *es)
{
	struct hyp_port p, hp;
	struct hyp_endpoint ep, hep;
	struct hyp_guard g, hg;
	struct hyp_guard_key gk;
	struct hyp_ep_key ek = {.ip = htonl(s->ip)};
	__u32 port = es->port_ifindex;

	fill_values(s, es, &p, &ep, &g);
	guard_key(es, &gk);
	if (bpf_map_lookup_elem(bpf_map__fd(e->port->maps.hyp_ports), &port, &hp) ||
	    memcmp(&p, &hp, sizeof(p)))
		return 0;
	if (s->ip && (bpf_map_lookup_elem(bpf_map__fd(e->port->maps.hyp_endpoints), &ek, &hep) ||
		      memcmp(&ep, &hep, sizeof(ep))))
		return 0;
	if (s->guard && (bpf_map_lookup_elem(bpf_map__fd(e->guard->maps.hyp_guards), &gk, &hg) ||
			 memcmp(&g, &hg, sizeof(g))))
		return 0;
	return emu_snic6_verify(e, s, es);
}

/* Deletes the keys of a per-CPU counter map whose first u32 matches id. */
/* Every counter of id ({id, 0..max - 1}: struct hyp_drop_key and hyp_stat_key
 * alike), by key: walking the whole map made each destroy O(SNICs). */
static void counters_forget(int fd, __u32 id, __u32 max)
{
	for (__u32 r = 0; r < max; r++) {
		struct hyp_drop_key k = {.ifindex = id, .reason = r};

		bpf_map_delete_elem(fd, &k);
	}
}

void emu_tables_forget(struct emu *e, const struct hyp_snic_spec *s, const struct emu_snic *es)
{
	__u32 port = es->port_ifindex, guard_ev = HYP_EV_GUARD_KEY | (__u32)s->id;
	int bfd = bpf_map__fd(e->port->maps.hyp_ev_budget);

	if (port) {
		counters_forget(bpf_map__fd(e->port->maps.hyp_drops), port, __HYP_DROP_MAX);
		counters_forget(bpf_map__fd(e->port->maps.hyp_stats), port, __HYP_STAT_MAX);
		/* its event budget: an LRU entry a later port would inherit */
		bpf_map_delete_elem(bfd, &port);
	}
	bpf_map_delete_elem(bfd, &guard_ev);
	counters_forget(bpf_map__fd(e->guard->maps.hyp_guard_drops), (__u32)s->id, __HYP_DROP_MAX);
}

void emu_tables_remove(struct emu *e, const struct hyp_snic_spec *s, const struct emu_snic *es)
{
	struct hyp_ep_key ek = {.ip = htonl(s->ip)};
	struct hyp_endpoint ep;
	struct hyp_guard_key gk;
	__u32 port = es->port_ifindex;
	int efd = bpf_map__fd(e->port->maps.hyp_endpoints);

	emu_snic6_remove(e, s, es);
	/* only remove the endpoint entry if it is still ours */
	if (s->ip && !bpf_map_lookup_elem(efd, &ek, &ep) && ep.snic_id == (__u32)s->id)
		bpf_map_delete_elem(efd, &ek);
	if (port) {
		struct hyp_port p;
		int pfd = bpf_map__fd(e->port->maps.hyp_ports);

		if (!bpf_map_lookup_elem(pfd, &port, &p) && p.snic_id == (__u32)s->id)
			bpf_map_delete_elem(pfd, &port);
	}
	guard_key(es, &gk);
	bpf_map_delete_elem(bpf_map__fd(e->guard->maps.hyp_guards), &gk);
	emu_tables_forget(e, s, es);
}

static int sum_percpu(int fd, const void *key, __u64 *packets, __u64 *bytes)
{
	int ncpu = libbpf_num_possible_cpus();
	struct hyp_counter *vals;

	if (ncpu <= 0)
		return -EINVAL;
	vals = calloc((size_t)ncpu, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	*packets = *bytes = 0;
	if (bpf_map_lookup_elem(fd, key, vals)) {
		free(vals);
		return -errno;
	}
	for (int i = 0; i < ncpu; i++) {
		*packets += vals[i].packets;
		*bytes += vals[i].bytes;
	}
	free(vals);
	return 0;
}

static int walk_counters(int fd, enum hyp_counter_kind kind, hyp_counter_cb cb, void *ctx)
{
	struct hyp_drop_key k, next, *prev = NULL;
	__u64 packets, bytes;
	int err;

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		k = next;
		prev = &k;
		if (sum_percpu(fd, &k, &packets, &bytes))
			continue;
		err = cb(kind, k.ifindex, k.reason, packets, bytes, ctx);
		if (err)
			return err;
	}
	return 0;
}

int emu_bpf_counters(struct emu *e, hyp_counter_cb cb, void *ctx)
{
	int err;

	err = walk_counters(bpf_map__fd(e->port->maps.hyp_drops), HYP_CNT_PORT_DROP, cb, ctx);
	if (!err)
		err =
		    walk_counters(bpf_map__fd(e->port->maps.hyp_stats), HYP_CNT_PORT_STAT, cb, ctx);
	if (!err)
		err = walk_counters(bpf_map__fd(e->guard->maps.hyp_guard_drops), HYP_CNT_GUARD_DROP,
				    cb, ctx);
	return err;
}

static int kept(const int64_t *keep, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (keep[i] == id)
			return 1;
	return 0;
}

/* Generic sweep of a hash map: delete keys whose value's snic_id is not kept. */
static int sweep_map(int fd, size_t key_sz, size_t val_sz, size_t id_off, const int64_t *keep,
		     size_t n)
{
	char key[64], next[64], val[64];
	int removed = 0, have_prev = 0;

	for (;;) {
		if (bpf_map_get_next_key(fd, have_prev ? key : NULL, next))
			break;
		memcpy(key, next, key_sz);
		have_prev = 1;
		if (bpf_map_lookup_elem(fd, key, val))
			continue;
		if (!kept(keep, n, *(__u32 *)(val + id_off)) && !bpf_map_delete_elem(fd, key)) {
			removed++;
			have_prev = 0; /* restart: the iterator lost its place */
		}
	}
	(void)val_sz;
	return removed;
}

int emu_bpf_sweep(struct emu *e, const int64_t *keep, size_t n)
{
	char path[1024];
	struct dirent *de;
	DIR *d;
	int removed = 0;

	removed += sweep_map(bpf_map__fd(e->port->maps.hyp_endpoints), sizeof(struct hyp_ep_key),
			     sizeof(struct hyp_endpoint),
			     __builtin_offsetof(struct hyp_endpoint, snic_id), keep, n);
	removed +=
	    sweep_map(bpf_map__fd(e->port->maps.hyp_ports), sizeof(__u32), sizeof(struct hyp_port),
		      __builtin_offsetof(struct hyp_port, snic_id), keep, n);
	removed += sweep_map(bpf_map__fd(e->guard->maps.hyp_guards), sizeof(struct hyp_guard_key),
			     sizeof(struct hyp_guard),
			     __builtin_offsetof(struct hyp_guard, snic_id), keep, n);
	removed += sweep_map(bpf_map__fd(e->port->maps.hyp_endpoints6), sizeof(struct hyp_ep6_key),
			     sizeof(struct hyp_endpoint),
			     __builtin_offsetof(struct hyp_endpoint, snic_id), keep, n);
	removed += emu_snic6_sweep(e);
	snprintf(path, sizeof(path), "%s/links", e->names.pin_root);
	d = opendir(path);
	if (!d)
		return removed;
	while ((de = readdir(d))) {
		long long id;
		char kind[16];

		if (sscanf(de->d_name, "%15[a-z]-%lld", kind, &id) != 2 || kept(keep, n, id))
			continue;
		snprintf(path, sizeof(path), "%s/links/%s", e->names.pin_root, de->d_name);
		emu_link_remove(path);
		removed++;
	}
	closedir(d);
	return removed;
}
