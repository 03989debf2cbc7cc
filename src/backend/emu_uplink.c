// SPDX-License-Identifier: GPL-2.0-only
/*
 * emu backend: the uplink. The interface is recorded as it is in the host
 * netns (emu_giveback.c), moved into the bridge netns, given the uplink
 * address and next hop there (the bridge netns's kernel answers ARP for
 * the address and resolves next hops for bpf_redirect_neigh; the uplink's
 * program keeps every other frame from its stack), and its tcx ingress
 * runs the uplink program.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "hyperion/abi.h"
#include "backend/emu.h"
#include "backend/emu_uplink.h"
#include "lib/log.h"
#include "lib/netns.h"
#include "bpf/uplink.skel.h"

/* links/uplink: no "-ID" suffix, so the sweep of SNIC links never takes it */
static int uplink_pin(const struct emu *e, char *pin, size_t len)
{
	int n = snprintf(pin, len, "%s/links/uplink", e->names.pin_root);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int write_map(struct emu *e, const struct hyp_uplink *v)
{
	__u32 zero = 0;

	if (bpf_map_update_elem(bpf_map__fd(e->uplink->maps.hyp_uplink), &zero, v, BPF_ANY))
		return -errno;
	return 0;
}

/* The uplink's own knobs in the bridge netns: answer ARP only for its own
 * address on it, announce only it, and take what arrives as it is. */
static int tune(struct emu *e, const char *ifname)
{
	static const char *const knobs[][2] = {
	    {"arp_ignore", "1"},       {"arp_announce", "2"},	{"rp_filter", "0"},
	    {"accept_redirects", "0"}, {"send_redirects", "0"},
	};
	char path[128];

	for (size_t i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++) {
		int err;

		snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/%s", ifname, knobs[i][0]);
		err = netns_sysctl_write(e->bridge_fd, path, knobs[i][1]);
		if (err)
			return err;
	}
	return 0;
}

/* Address, up, default route, program, table: idempotent (a restart adopts). */
static int configure(struct emu *e, const struct hyp_uplink_spec *u, struct errmsg *em)
{
	struct hyp_uplink v = {};
	struct nl_link l;
	char pin[512];
	int err;

	err = nl__link_get(e->bnl, u->ifname, &l);
	if (err)
		return em_set(em, err, "uplink %s: not in the bridge netns: %s", u->ifname,
			      strerror(-err));
	err = tune(e, u->ifname);
	if (err)
		return em_set(em, err, "uplink %s: cannot set its sysctls: %s", u->ifname,
			      strerror(-err));
	/* an IPv6-only instance's uplink has no IPv4 address (prefix 0): hyp_uplink.ip
	 * stays 0 and the program drops every IPv4 and ARP frame on it (uplink.h) */
	err = u->prefix ? nl__addr_add(e->bnl, l.ifindex, u->ip, u->prefix) : 0;
	if (err && err != -EEXIST)
		return em_set(em, err, "uplink %s: cannot add its address: %s", u->ifname,
			      strerror(-err));
	err = nl__link_set(e->bnl, l.ifindex, true, 0);
	if (!err && u->gw) {
		err = nl__route_default_add(e->bnl, l.ifindex, u->gw);
		err = err == -EEXIST ? 0 : err;
	}
	if (err)
		return em_set(em, err, "uplink %s: cannot set it up with its route: %s", u->ifname,
			      strerror(-err));
	v.ifindex = l.ifindex;
	v.ip = htonl(u->ip);
	v.mask = u->prefix ? htonl(cidr4_mask(u->prefix)) : 0;
	v.net = v.ip & v.mask;
	v.gw = htonl(u->gw);
	v.mtu = l.mtu;
	memcpy(v.mac, l.mac, 6);
	err = emu_uplink6_configure(e, u, &l, em); /* before the table says it is there */
	if (err)
		return err;
	err = write_map(e, &v);
	if (err)
		return em_set(em, err, "uplink %s: cannot write its table: %s", u->ifname,
			      strerror(-err));
	uplink_pin(e, pin, sizeof(pin));
	if (!emu_link_ok(pin, l.ifindex))
		err = emu_link_attach(e, e->bridge_fd,
				      bpf_program__fd(e->uplink->progs.hyp_uplink_ingress),
				      l.ifindex, BPF_TCX_INGRESS_, pin);
	else
		err = emu_link_update(pin, bpf_program__fd(e->uplink->progs.hyp_uplink_ingress));
	return err ? em_set(em, err, "uplink %s: cannot attach its datapath: %s", u->ifname,
			    strerror(-err))
		   : 0;
}

/* The host's interface, if it may become the uplink. */
static int host_link(struct nl *hnl, const char *ifname, struct nl_link *l, struct errmsg *em)
{
	long long id;
	char tail;
	int err = nl__link_get(hnl, ifname, l);

	if (err == -ENODEV || err == -ENOENT)
		return em_set(em, -ENODEV, "uplink %s: no such interface in the host netns",
			      ifname);
	if (err)
		return em_set(em, err, "uplink %s: %s", ifname, strerror(-err));
	if (l->loopback)
		return em_set(em, -EBUSY, "uplink %s: the loopback interface cannot be an uplink",
			      ifname);
	if (l->master)
		return em_set(em, -EBUSY,
			      "uplink %s: in use as a port of interface %u (a bridge or bond)",
			      ifname, l->master);
	if (sscanf(ifname, EMU_PORT_PREFIX "%lld%c", &id, &tail) == 1)
		return em_set(em, -EINVAL, "uplink %s: the name of a bridge port; rename it",
			      ifname);
	return 0;
}

static int take(struct emu *e, const struct hyp_uplink_spec *u, struct errmsg *em)
{
	struct emu_uplink_rec *r = calloc(1, sizeof(*r));
	struct nl *hnl = NULL;
	struct nl_link l;
	int err;

	if (!r)
		return -ENOMEM;
	err = nl__open(-1, &hnl);
	if (err) {
		em_set(em, err, "netlink: %s", strerror(-err));
		goto out;
	}
	err = host_link(hnl, u->ifname, &l, em);
	if (err)
		goto out;
	err = emu_uplink_rec_capture(hnl, &l, r);
	r->spec_ip = u->ip;
	r->spec_prefix = u->prefix;
	r->spec_gw = u->gw;
	if (!err)
		err = emu_uplink_rec_write(e->names.uplink_rec, r);
	if (err) {
		em_set(em, err, "uplink %s: cannot record its configuration: %s", u->ifname,
		       strerror(-err));
		goto out;
	}
	err = nl__link_set_netns(hnl, l.ifindex, e->bridge_fd, NULL);
	if (err) {
		unlink(e->names.uplink_rec);
		em_set(em, err, "uplink %s: cannot move it into the bridge netns: %s", u->ifname,
		       strerror(-err));
	}
out:
	nl__close(hnl);
	free(r);
	return err;
}

int emu_uplink_attach(void *priv, const struct hyp_uplink_spec *u, struct errmsg *em)
{
	struct emu *e = priv;
	struct emu_uplink_rec r;
	struct errmsg em2 = {};
	int err;

	err = emu_uplink_rec_read(e->names.uplink_rec, &r);
	if (!err && strcmp(r.name, u->ifname))
		return em_set(em, -EBUSY, "instance %s already has uplink %s; clear it first",
			      e->cfg.instance, r.name);
	if (err == -EIO)
		return em_set(em, err, "uplink record %s unreadable", e->names.uplink_rec);
	if (err == -ENOENT) {
		err = take(e, u, em);
		if (err)
			return err;
	}
	err = configure(e, u, em);
	if (err && emu_uplink_detach(e, &em2))
		pr_warn("%s\n", em2.msg);
	return err;
}

int emu_uplink_detach(void *priv, struct errmsg *em)
{
	struct emu *e = priv;
	struct hyp_uplink none = {};
	char pin[512];

	uplink_pin(e, pin, sizeof(pin));
	emu_link_remove(pin);
	write_map(e, &none);
	emu_uplink6_clear(e);
	return emu_uplink_giveback(&e->names, em);
}

int emu_uplink_info(void *priv, struct hyp_uplink_info *out)
{
	struct emu *e = priv;
	struct emu_uplink_rec r;
	struct nl_link l;
	int err;

	memset(out, 0, sizeof(*out));
	err = emu_uplink_rec_read(e->names.uplink_rec, &r);
	if (err)
		return err == -EIO ? err : -ENOENT;
	snprintf(out->ifname, sizeof(out->ifname), "%s", r.name);
	out->ip = r.spec_ip;
	out->prefix = r.spec_prefix;
	out->gw = r.spec_gw;
	if (!nl__link_get(e->bnl, r.name, &l)) {
		out->ifindex = l.ifindex;
		out->mtu = l.mtu;
		memcpy(out->mac, l.mac, 6);
	}
	emu_uplink6_info(e, out);
	if (out->ifindex && out->gw)
		out->gw_resolved = nl__neigh_get(e->bnl, out->ifindex, out->gw, out->gw_mac) == 1;
	return 0;
}

/*
 * A new SNIC's MTU is the uplink's (both ends of its veth, still down), so
 * its TCP never sends a segment the uplink would drop (uplink-too-big).
 * No uplink, or one with the default MTU: as made.
 */
int emu_uplink_snic_mtu(struct emu *e, struct nl *cnl, const char *name, const struct emu_snic *es,
			struct errmsg *em)
{
	struct hyp_uplink_info u;
	int err;

	if (emu_uplink_info(e, &u) || !u.mtu || u.mtu == 1500)
		return 0;
	err = nl__link_set(e->bnl, es->port_ifindex, false, u.mtu);
	if (!err)
		err = nl__link_set(cnl, es->if_index, false, u.mtu);
	return err ? em_set(em, err, "snic %s: cannot set the uplink's MTU %u: %s", name, u.mtu,
			    strerror(-err))
		   : 0;
}
