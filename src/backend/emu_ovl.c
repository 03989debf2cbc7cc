// SPDX-License-Identifier: GPL-2.0-only
/*
 * The cluster overlay on the emulated NIC: its programs (bpf/overlay.bpf.c)
 * on the uplink, first on its tcx ingress (before the uplink's own
 * program, which gets every frame that is not overlay) and on its egress,
 * and its tables, shared by name with the bridge port program.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "backend/emu.h"
#include "lib/log.h"
#include "lib/netns.h"
#include "bpf/overlay.skel.h"

#ifndef BPF_F_BEFORE
#define BPF_F_BEFORE (1U << 3)
#endif

int emu_ovl_enable(void *priv, struct errmsg *em)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts);
	struct emu *e = priv;
	int err;

	if (e->ovl)
		return 0;
	opts.pin_root_path = e->names.pin_root;
	e->ovl = overlay_bpf__open_opts(&opts);
	if (!e->ovl)
		return em_set(em, -errno, "cannot open the overlay BPF object");
	err = overlay_bpf__load(e->ovl);
	if (err) {
		overlay_bpf__destroy(e->ovl);
		e->ovl = NULL;
		return em_set(em, err, "cannot load the overlay datapath: %s", strerror(-err));
	}
	return 0;
}

void emu_ovl_unload(struct emu *e)
{
	overlay_bpf__destroy(e->ovl);
	e->ovl = NULL;
}

/* Attaches (first on the hook when before) or updates the pinned link. */
static int ovl_link(struct emu *e, const char *kind, int prog_fd, uint32_t ifindex, int type,
		    bool before)
{
	char pin[512];

	snprintf(pin, sizeof(pin), "%s/links/%s", e->names.pin_root, kind);
	if (emu_link_ok(pin, ifindex))
		return emu_link_update(pin, prog_fd);
	return emu_link_attach_flags(e->bridge_fd, prog_fd, ifindex, type,
				     before ? BPF_F_BEFORE : 0, pin);
}

int emu_ovl_self(void *priv, uint32_t node, uint32_t flags)
{
	struct emu *e = priv;
	struct hyp_ovl_self want = {.node = node, .flags = flags}, have = {};
	struct hyp_uplink_info u;
	__u32 zero = 0;
	int fd, err = 0;

	if (!e->ovl)
		return -ENOTCONN;
	fd = bpf_map__fd(e->ovl->maps.hyp_ovl_self);
	if (!emu_uplink_info(e, &u)) {
		err = ovl_link(e, "ovl-in", bpf_program__fd(e->ovl->progs.hyp_ovl_receive),
			       u.ifindex, BPF_TCX_INGRESS_, true);
		if (!err)
			err = ovl_link(e, "ovl-out", bpf_program__fd(e->ovl->progs.hyp_ovl_egress),
				       u.ifindex, BPF_TCX_EGRESS_, true);
		if (!err) {
			want.addr = htonl(u.ip);
			want.uplink_ifindex = u.ifindex;
		}
	}
	if (bpf_map_lookup_elem(fd, &zero, &have) || memcmp(&have, &want, sizeof(want))) {
		if (bpf_map_update_elem(fd, &zero, &want, BPF_ANY))
			return -errno;
		pr_info("cluster: overlay as node %u on uplink ifindex %u\n", node,
			want.uplink_ifindex);
	}
	return err;
}

int emu_ovl_peer_set(void *priv, uint32_t node, const struct hyp_ovl_peer *p)
{
	struct emu *e = priv;
	struct hyp_ovl_rx rx = {};
	/* a restarted node starts above what it sent (the daemon's floor, cluster_seq.c) */
	__u64 start = e->ovl_seq_floor ? e->ovl_seq_floor : (__u64)time(NULL) << 32;

	if (!e->ovl)
		return -ENOTCONN;
	bpf_map_update_elem(bpf_map__fd(e->ovl->maps.hyp_ovl_rx), &node, &rx, BPF_NOEXIST);
	bpf_map_update_elem(bpf_map__fd(e->ovl->maps.hyp_ovl_tx), &node, &start, BPF_NOEXIST);
	if (bpf_map_update_elem(bpf_map__fd(e->ovl->maps.hyp_ovl_peers), &node, p, BPF_ANY))
		return -errno;
	/* its block: never sent to the outside, even with no endpoint known (kept when it goes) */
	struct hyp_ovl_route_key rk = {.prefixlen = 32 - (uint32_t)__builtin_ctz(p->mask | 1u << 31),
				       .addr = htonl(p->net)};

	if (p->mask && bpf_map_update_elem(bpf_map__fd(e->ovl->maps.hyp_ovl_routes), &rk, &node,
					   BPF_ANY))
		return -errno;
	return 0;
}

int emu_ovl_peer_del(void *priv, uint32_t node)
{
	struct emu *e = priv;

	if (!e->ovl)
		return -ENOTCONN;
	if (bpf_map_delete_elem(bpf_map__fd(e->ovl->maps.hyp_ovl_peers), &node) && errno != ENOENT)
		return -errno;
	return 0;
}

int emu_ovl_route6_set(void *priv, uint32_t node, const uint8_t net[16], uint8_t prefix)
{
	struct emu *e = priv;
	struct hyp_ovl_route6_key rk = {.prefixlen = prefix};

	if (!e->ovl)
		return -ENOTCONN;
	if (prefix > 128)
		return -EINVAL;
	memcpy(rk.addr, net, 16);
	if (bpf_map_update_elem(bpf_map__fd(e->ovl->maps.hyp_ovl_routes6), &rk, &node, BPF_ANY))
		return -errno;
	return 0;
}

int emu_ovl_ep_set(void *priv, uint32_t ip, const struct hyp_ovl_ep *v)
{
	struct emu *e = priv;

	if (!e->ovl)
		return -ENOTCONN;
	return bpf_map_update_elem(bpf_map__fd(e->ovl->maps.hyp_ovl_eps), &ip, v, BPF_ANY) ? -errno
											     : 0;
}

int emu_ovl_ep_del(void *priv, uint32_t ip)
{
	struct emu *e = priv;

	if (!e->ovl)
		return -ENOTCONN;
	if (bpf_map_delete_elem(bpf_map__fd(e->ovl->maps.hyp_ovl_eps), &ip) && errno != ENOENT)
		return -errno;
	return 0;
}

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Writes every entry, then removes the ones not in ip[] in one walk (a sorted
 * copy is searched: 10 000 remote endpoints are not walked once per map key). */
int emu_ovl_eps_replace(void *priv, const uint32_t *ip, const struct hyp_ovl_ep *v, size_t n)
{
	struct emu *e = priv;
	__u32 key, next, *sorted = NULL;
	bool have = false;
	int fd, err = 0;

	if (!e->ovl)
		return -ENOTCONN;
	fd = bpf_map__fd(e->ovl->maps.hyp_ovl_eps);
	if (n) {
		sorted = malloc(n * sizeof(*sorted));
		if (!sorted)
			return -ENOMEM;
		memcpy(sorted, ip, n * sizeof(*sorted));
		qsort(sorted, n, sizeof(*sorted), u32_cmp);
	}
	for (size_t i = 0; i < n && !err; i++)
		err = emu_ovl_ep_set(e, ip[i], &v[i]);
	/* a stray goes once the walk is past it (the walk keeps its place) */
	while (!err && !bpf_map_get_next_key(fd, have ? &key : NULL, &next)) {
		if (have && !(n && bsearch(&key, sorted, n, sizeof(*sorted), u32_cmp)))
			bpf_map_delete_elem(fd, &key);
		key = next;
		have = true;
	}
	if (!err && have && !(n && bsearch(&key, sorted, n, sizeof(*sorted), u32_cmp)))
		bpf_map_delete_elem(fd, &key);
	free(sorted);
	return err;
}

/* The smallest SNIC MTU a cluster node accepts (IPv6's minimum link MTU). */
#define EMU_OVL_MIN_MTU 1280

/*
 * A cluster node's SNIC: one authenticator per wire packet, so no GSO
 * packets (TCP sends MTU-sized segments), and an MTU that leaves room for
 * the overlay's headers on the uplink: uplink MTU - HYP_OVL_OVERHEAD, both
 * ends. A jumbo uplink gives jumbo SNICs (fewer packets, each
 * authenticated once: docs/cluster.md "Cost"). No uplink: kernel default.
 */
int emu_ovl_snic_links(struct emu *e, struct nl *cnl, const char *name, const struct emu_snic *es,
		       struct errmsg *em)
{
	struct hyp_uplink_info u;
	uint32_t mtu = 0;
	int err;

	if (!emu_uplink_info(e, &u) && u.mtu) {
		if (u.mtu < EMU_OVL_MIN_MTU + HYP_OVL_OVERHEAD)
			return em_set(em, -EMSGSIZE,
				      "snic %s: uplink %s has MTU %u, which leaves %u for SNICs after "
				      "the overlay's %u bytes; the minimum is %u: raise the uplink "
				      "MTU to %u or more", name, u.ifname, u.mtu,
				      u.mtu > HYP_OVL_OVERHEAD ? u.mtu - HYP_OVL_OVERHEAD : 0,
				      HYP_OVL_OVERHEAD, EMU_OVL_MIN_MTU,
				      EMU_OVL_MIN_MTU + HYP_OVL_OVERHEAD);
		mtu = u.mtu - HYP_OVL_OVERHEAD;
	}
	err = nl__link_set_gso_segs(cnl, es->if_index, 1);
	if (err)
		return em_set(em, err, "snic %s: cannot limit its GSO segments: %s", name,
			      strerror(-err));
	if (mtu && ((err = nl__link_set(e->bnl, es->port_ifindex, false, mtu)) ||
		    (err = nl__link_set(cnl, es->if_index, false, mtu))))
		return em_set(em, err, "snic %s: cannot set its MTU to %u (uplink %s MTU %u - %u): %s",
			      name, mtu, u.ifname, u.mtu, HYP_OVL_OVERHEAD, strerror(-err));
	return 0;
}

int emu_ovl_seq(void *priv, uint64_t floor, uint64_t *max)
{
	struct emu *e = priv;
	__u32 key, next, *prev = NULL;
	__u64 v;
	int fd;

	if (!e->ovl)
		return -ENOTCONN;
	if (floor)
		e->ovl_seq_floor = floor;
	fd = bpf_map__fd(e->ovl->maps.hyp_ovl_tx);
	*max = 0;
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		if (!bpf_map_lookup_elem(fd, &key, &v) && v > *max)
			*max = v;
	}
	return 0;
}
