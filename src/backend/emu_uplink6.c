// SPDX-License-Identifier: GPL-2.0-only
/*
 * emu backend: the uplink's IPv6 side, routed (docs/northsouth.md). The
 * bridge netns keeps IPv6 off everywhere but on the uplink: its address
 * (no DAD: the outside cannot deny it, and it is usable at once), its link-local (the kernel makes
 * it from the MAC: hyp_uplink6.ll), no RA taken, no redirects, and a
 * default route via the IPv6 gateway for bpf_redirect_neigh; the table
 * hyp_uplink6 tells both programs.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/if_addr.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "hyperion/abi.h"
#include "backend/emu.h"
#include "lib/addr6.h"
#include "lib/netns.h"
#include "bpf/uplink.skel.h"

static int write_map6(struct emu *e, const struct hyp_uplink6 *v)
{
	__u32 zero = 0;

	if (bpf_map_update_elem(bpf_map__fd(e->uplink->maps.hyp_uplink6), &zero, v, BPF_ANY))
		return -errno;
	return 0;
}

/* RA and redirects never taken, no autoconfiguration; then IPv6 on. */
static int tune6(struct emu *e, const char *ifname)
{
	static const char *const knobs[][2] = {
	    {"accept_ra", "0"},	   {"accept_redirects", "0"},
	    {"autoconf", "0"},	   {"router_solicitations", "0"},
	    {"accept_dad", "0"}, /* no DAD the outside could deny (its link-local too) */
	    {"disable_ipv6", "0"},
	};
	char path[128];

	for (size_t i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++) {
		int err;

		snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/%s", ifname, knobs[i][0]);
		err = netns_sysctl_write(e->bridge_fd, path, knobs[i][1]);
		if (err)
			return err;
	}
	return 0;
}

static bool is_zero16(const uint8_t a[16])
{
	static const uint8_t zero[16];

	return !memcmp(a, zero, 16);
}

/* Idempotent (a restart adopts); an IPv4-only uplink clears the table. */
int emu_uplink6_configure(struct emu *e, const struct hyp_uplink_spec *u, const struct nl_link *l,
			  struct errmsg *em)
{
	struct hyp_uplink6 v = {};
	int err;

	if (!u->prefix6)
		return write_map6(e, &v);
	err = tune6(e, u->ifname);
	if (err)
		return em_set(em, err, "uplink %s: cannot set its IPv6 sysctls: %s", u->ifname,
			      strerror(-err));
	err = nl__addr6_add(e->bnl, l->ifindex, u->ip6, u->prefix6, IFA_F_NODAD);
	if (err && err != -EEXIST)
		return em_set(em, err, "uplink %s: cannot add its IPv6 address: %s", u->ifname,
			      strerror(-err));
	if (!is_zero16(u->gw6)) {
		err = nl__route6_default_add(e->bnl, l->ifindex, u->gw6);
		if (err && err != -EEXIST)
			return em_set(em, err, "uplink %s: cannot add its IPv6 route: %s",
				      u->ifname, strerror(-err));
	}
	memcpy(v.ip, u->ip6, 16);
	memcpy(v.gw, u->gw6, 16);
	ipv6_ll_from_mac(l->mac, (uint8_t *)v.ll);
	v.prefixlen = u->prefix6;
	v.mtu = l->mtu;
	err = write_map6(e, &v);
	return err ? em_set(em, err, "uplink %s: cannot write its IPv6 table: %s", u->ifname,
			    strerror(-err))
		   : 0;
}

void emu_uplink6_clear(struct emu *e)
{
	struct hyp_uplink6 none = {};

	write_map6(e, &none);
}

void emu_uplink6_info(struct emu *e, struct hyp_uplink_info *out)
{
	struct hyp_uplink6 v = {};
	__u32 zero = 0;

	if (bpf_map_lookup_elem(bpf_map__fd(e->uplink->maps.hyp_uplink6), &zero, &v) ||
	    !v.prefixlen)
		return;
	memcpy(out->ip6, v.ip, 16);
	memcpy(out->gw6, v.gw, 16);
	memcpy(out->ll6, v.ll, 16);
	out->prefix6 = v.prefixlen;
}
