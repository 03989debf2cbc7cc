// SPDX-License-Identifier: GPL-2.0-only
/*
 * emu backend: the secure bridge is a dedicated network namespace (the
 * "NIC"), each SNIC a veth pair whose bridge end lives only there, the
 * pipeline eBPF over pinned maps.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "hyperion/abi.h"
#include "backend/emu.h"
#include "lib/keys.h"
#include "lib/netns.h"
#include "lib/log.h"
#include "bpf/bridge_port.skel.h"
#include "bpf/snic_guard.skel.h"

static void emu_close(void *priv)
{
	struct emu *e = priv;

	if (!e)
		return;
	emu_events_free(e);
	emu_bpf_unload(e);
	emu_inspect_free(e);
	emu_policy_free(e);
	nl__close(e->bnl);
	if (e->bridge_fd >= 0)
		close(e->bridge_fd);
	free(e);
}

static int bridge_netns_up(struct emu *e, bool create, struct errmsg *em)
{
	bool made = false;
	struct nl_link lo;
	int err;

	if (!netns_exists_named(e->names.netns)) {
		if (!create)
			return em_set(em, -ENOENT, "instance %s: bridge netns %s does not exist",
				      e->cfg.instance, e->names.netns);
		err = netns_create_named(e->names.netns);
		if (err)
			return em_set(em, err, "cannot create bridge netns %s: %s", e->names.netns,
				      strerror(-err));
		made = true;
	}
	err = netns_open(e->names.netns, &e->bridge_fd);
	if (err)
		return em_set(em, err, "cannot open bridge netns %s: %s", e->names.netns,
			      strerror(-err));
	err = nl__open(e->bridge_fd, &e->bnl);
	if (!err && made && !(err = nl__link_get(e->bnl, "lo", &lo)))
		err = nl__link_up(e->bnl, lo.ifindex);
	if (err)
		return em_set(em, err, "bridge netns %s: netlink: %s", e->names.netns,
			      strerror(-err));
	/* the NIC has no host stack of its own: its ports must never speak
	 * (no IPv6 link-local, no MLD or router solicitations into containers) */
	for (size_t i = 0; i < 2; i++) {
		static const char *const knobs[] = {
		    "/proc/sys/net/ipv6/conf/default/disable_ipv6",
		    "/proc/sys/net/ipv6/conf/all/disable_ipv6",
		};

		err = netns_sysctl_write(e->bridge_fd, knobs[i], "1");
		if (err && err != -ENOENT)
			return em_set(em, err, "bridge netns %s: cannot disable IPv6: %s",
				      e->names.netns, strerror(-err));
	}
	return 0;
}

static int emu_open(const struct hyp_domain_cfg *cfg, bool create, void **priv, struct errmsg *em)
{
	struct emu *e = calloc(1, sizeof(*e));
	int err;

	if (!e)
		return -ENOMEM;
	e->cfg = *cfg;
	e->bridge_fd = -1;
	err = emu_names(cfg->instance, &e->names);
	if (err) {
		em_set(em, err, "invalid instance name '%s'", cfg->instance);
		goto err;
	}
	err = bridge_netns_up(e, create, em);
	if (err)
		goto err;
	err = emu_bpf_load(e, em);
	if (err)
		goto err;
	err = emu_bpf_write_config(e, create, em);
	if (err)
		goto err;
	*priv = e;
	return 0;
err:
	emu_close(e);
	return err;
}

static int emu_destroy(void *priv)
{
	struct emu *e = priv;

	return emu_purge(&e->cfg);
}

static void emu_limits(void *priv, struct hyp_backend_limits *out)
{
	(void)priv;
	out->inspect_states = HYP_DFA_MAX_STATES;
	out->inspect_rows = HYP_DFA_ROWS;
}

static int emu_domain_info(void *priv, hyp_attr_cb cb, void *ctx)
{
	struct emu *e = priv;
	int err = cb(KEY_BRIDGE_NETNS, e->names.netns, ctx);

	return err ? err : cb(KEY_PIN_ROOT, e->names.pin_root, ctx);
}

static int attach_links(struct emu *e, const struct hyp_snic_spec *s, const struct emu_snic *es)
{
	char pin[512];
	int err;

	if (s->guard) {
		emu_link_pin_path(e, "guard", s->id, pin, sizeof(pin));
		err = emu_link_attach(e, s->netns_fd,
				      bpf_program__fd(e->guard->progs.hyp_guard_egress),
				      es->if_index, BPF_TCX_EGRESS_, pin);
		if (err)
			return err;
	}
	emu_link_pin_path(e, "port", s->id, pin, sizeof(pin));
	return emu_link_attach(e, e->bridge_fd, bpf_program__fd(e->port->progs.hyp_port_ingress),
			       es->port_ifindex, BPF_TCX_INGRESS_, pin);
}

static void detach_links(struct emu *e, int64_t id)
{
	char pin[512];

	emu_link_pin_path(e, "guard", id, pin, sizeof(pin));
	emu_link_remove(pin);
	emu_link_pin_path(e, "port", id, pin, sizeof(pin));
	emu_link_remove(pin);
}

/* The indexes of a new veth pair and the cookie of the container netns. */
static int lookup_new(struct emu *e, struct nl *cnl, const struct hyp_snic_spec *s,
		      struct emu_snic *es)
{
	struct nl_link l;
	int err;

	err = nl__link_get(e->bnl, es->port_name, &l);
	if (!err) {
		es->port_ifindex = l.ifindex;
		err = nl__link_get(cnl, s->ifname, &l);
	}
	if (!err) {
		es->if_index = l.ifindex;
		err = netns_cookie(s->netns_fd, &es->netns_cookie);
	}
	return err;
}

/*
 * BIG TCP: the path between two SNICs is all ours, so both ends of every
 * SNIC may take GSO/GRO frames above 64 KiB (IPv4 total length 0, the
 * datapath takes the frame's length then: parse.h ipv4_len).
 */
static int emu_big_tcp(struct emu *e, struct nl *cnl, const struct hyp_snic_spec *s,
		       const struct emu_snic *es, struct errmsg *em)
{
	int err;

	if (!e->cfg.big_tcp)
		return 0;
	err = nl__link_set_gso_max(e->bnl, es->port_ifindex, e->cfg.big_tcp);
	if (!err)
		err = nl__link_set_gso_max(cnl, es->if_index, e->cfg.big_tcp);
	if (err)
		return em_set(em, err, "snic %s: cannot set GSO/GRO max size %u (BIG TCP needs "
			      "kernel 6.3+): %s", s->name, e->cfg.big_tcp, strerror(-err));
	return 0;
}

/* Datapath first: guard and port program and tables before any frame can flow. */
static int snic_wire(struct emu *e, struct nl *cnl, const struct hyp_snic_spec *s,
		     const struct emu_snic *es, struct errmsg *em)
{
	int err = attach_links(e, s, es);

	if (err)
		return em_set(em, err, "snic %s: cannot attach the datapath: %s", s->name,
			      strerror(-err));
	err = emu_tables_program(e, s, es);
	if (err)
		return em_set(em, err, "snic %s: cannot program the tables: %s", s->name,
			      strerror(-err));
	err = emu_big_tcp(e, cnl, s, es, em);
	if (err)
		return err;
	/* cluster: no GSO packets, MTU = the uplink's less the overlay's bytes
	 * (emu_ovl.c); no overlay: the uplink's MTU (docs/northsouth.md) */
	err = e->cfg.overlay ? emu_ovl_snic_links(e, cnl, s->name, es, em)
			     : emu_uplink_snic_mtu(e, cnl, s->name, es, em);
	if (err)
		return err;
	err = nl__link_up(e->bnl, es->port_ifindex);
	if (err)
		return em_set(em, err, "snic %s: cannot set port up: %s", s->name, strerror(-err));
	return emu_container_setup(cnl, s, &e->cfg, es->if_index, em);
}

static int emu_snic_create(void *priv, const struct hyp_snic_spec *s, struct hyp_snic_hw *hw,
			   struct errmsg *em)
{
	struct emu *e = priv;
	struct emu_snic es = {};
	struct nl *cnl = NULL;
	struct nl_link l;
	bool made = false;
	int err;

	memset(hw, 0, sizeof(*hw));
	snprintf(es.port_name, sizeof(es.port_name), EMU_PORT_PREFIX "%lld", (long long)s->id);
	err = nl__open(s->netns_fd, &cnl);
	if (err)
		return em_set(em, err, "snic %s: netlink in container netns: %s", s->name,
			      strerror(-err));
	if (!nl__link_get(cnl, s->ifname, &l)) {
		err = em_set(em, -EEXIST, "snic %s: interface %s already exists in the netns",
			     s->name, s->ifname);
		goto out;
	}
	err = nl__veth_add(e->bnl, es.port_name, s->ifname, s->netns_fd, s->mac);
	if (err) {
		em_set(em, err, "snic %s: cannot create the veth pair: %s", s->name,
		       strerror(-err));
		goto out;
	}
	made = true;
	err = lookup_new(e, cnl, s, &es);
	if (err) {
		em_set(em, err, "snic %s: cannot look up the new interfaces: %s", s->name,
		       strerror(-err));
		goto out;
	}
	err = snic_wire(e, cnl, s, &es, em);
	if (!err)
		err = emu_snic_encode(&es, hw);
out:
	if (err && made) {
		emu_tables_remove(e, s, &es);
		detach_links(e, s->id);
		if (es.port_ifindex)
			nl__link_del(e->bnl, es.port_ifindex);
		else if (!nl__link_get(e->bnl, es.port_name, &l))
			nl__link_del(e->bnl, l.ifindex);
	}
	nl__close(cnl);
	return err;
}

static int emu_snic_destroy(void *priv, const struct hyp_snic_spec *s, const struct hyp_snic_hw *hw)
{
	struct emu *e = priv;
	struct emu_snic es;
	struct nl_link l;
	int err = 0;

	emu_snic_decode(hw, s->id, &es);
	emu_tables_remove(e, s, &es);
	/* no flow of this SNIC outlives it: the next owner of its address
	 * starts with none */
	if (s->prefix6) /* first: the owner's count goes with the IPv4 flush */
		emu_ct6_flush(e, s->ip6);
	emu_ct_flush(e, s->ip, (uint32_t)s->id);
	/* deleting the bridge end takes the container end with it, and leaves
	 * both tcx links defunct, so unpinning them afterwards is cheap */
	if (es.port_ifindex && !nl__link_get_index(e->bnl, es.port_ifindex, &l) &&
	    !strcmp(l.name, es.port_name))
		err = nl__link_del(e->bnl, es.port_ifindex);
	else if (es.port_name[0] && !nl__link_get(e->bnl, es.port_name, &l))
		err = nl__link_del(e->bnl, l.ifindex);
	detach_links(e, s->id);
	/* a frame sent between the tables' removal and the interfaces' made
	 * its drop counter and event budget again (churn: 1 in 2600 cycles) */
	emu_tables_forget(e, s, &es);
	return err == -ENODEV ? 0 : err;
}

/*
 * A state without indexes (recorded by a build that kept them elsewhere):
 * found again by the port's name, which derives from the id. 1 when found.
 */
static int snic_rediscover(struct emu *e, const struct hyp_snic_spec *s, struct emu_snic *es)
{
	struct nl *cnl = NULL;
	struct nl_link l;

	if (es->port_ifindex || nl__link_get(e->bnl, es->port_name, &l))
		return 0;
	es->port_ifindex = l.ifindex;
	if (s->netns_fd >= 0 && !nl__open(s->netns_fd, &cnl) && !nl__link_get(cnl, s->ifname, &l)) {
		es->if_index = l.ifindex;
		netns_cookie(s->netns_fd, &es->netns_cookie);
	}
	nl__close(cnl);
	return 1;
}

/* The port program and (with a guard) the guard program attached. */
static int check_links(struct emu *e, const struct hyp_snic_spec *s, const struct emu_snic *es,
		       bool repair, struct errmsg *em)
{
	int res = HYP_CHECK_OK, err;
	char pin[512];

	emu_link_pin_path(e, "port", s->id, pin, sizeof(pin));
	if (!emu_link_ok(pin, es->port_ifindex)) {
		if (!repair)
			return em_set(em, -ENOLINK, "snic %s: bridge port program detached",
				      s->name);
		err = emu_link_attach(e, e->bridge_fd,
				      bpf_program__fd(e->port->progs.hyp_port_ingress),
				      es->port_ifindex, BPF_TCX_INGRESS_, pin);
		if (err)
			return em_set(em, err, "snic %s: cannot re-attach port", s->name);
		res = HYP_CHECK_REPAIRED;
	} else if (repair) {
		/* adopt: run the datapath this daemon was built with */
		emu_link_update(pin, bpf_program__fd(e->port->progs.hyp_port_ingress));
	}
	emu_link_pin_path(e, "guard", s->id, pin, sizeof(pin));
	if (s->guard && !emu_link_ok(pin, es->if_index)) {
		if (!repair || s->netns_fd < 0)
			return em_set(em, -ENOLINK, "snic %s: guard detached", s->name);
		err = emu_link_attach(e, s->netns_fd,
				      bpf_program__fd(e->guard->progs.hyp_guard_egress),
				      es->if_index, BPF_TCX_EGRESS_, pin);
		if (err)
			return em_set(em, err, "snic %s: cannot re-attach guard", s->name);
		res = HYP_CHECK_REPAIRED;
	} else if (s->guard && repair) {
		emu_link_update(pin, bpf_program__fd(e->guard->progs.hyp_guard_egress));
	}
	return res;
}

static int emu_snic_check(void *priv, const struct hyp_snic_spec *s, struct hyp_snic_hw *hw,
			  bool repair, struct errmsg *em)
{
	struct emu *e = priv;
	struct emu_snic es;
	struct nl_link l;
	int res, err;

	emu_snic_decode(hw, s->id, &es);
	if (snic_rediscover(e, s, &es) && repair && emu_snic_encode(&es, hw))
		return em_set(em, -ENOSPC, "snic %s: cannot record the port", s->name);
	if (nl__link_get_index(e->bnl, es.port_ifindex, &l) || strcmp(l.name, es.port_name)) {
		em_set(em, -ENODEV,
		       "its port %s is gone from the bridge netns (the veth pair goes with the "
		       "container's end: its netns was deleted or its interface removed)",
		       es.port_name);
		return HYP_CHECK_GONE;
	}
	res = check_links(e, s, &es, repair, em);
	if (res < 0)
		return res;
	if (!emu_tables_verify(e, s, &es)) {
		if (!repair)
			return em_set(em, -ENOENT, "snic %s: table entries missing or wrong",
				      s->name);
		err = emu_tables_program(e, s, &es);
		if (err)
			return em_set(em, err, "snic %s: cannot reprogram tables", s->name);
		res = HYP_CHECK_REPAIRED;
	}
	return res;
}

struct port_sweep {
	struct emu *e;
	const int64_t *keep;
	size_t n;
	int removed;
};

static int port_sweep_cb(const struct nl_link *l, void *ctx)
{
	struct port_sweep *ps = ctx;
	long long id;
	char tail;

	if (sscanf(l->name, EMU_PORT_PREFIX "%lld%c", &id, &tail) != 1)
		return 0;
	for (size_t i = 0; i < ps->n; i++)
		if (ps->keep[i] == id)
			return 0;
	nl__link_del(ps->e->bnl, l->ifindex);
	ps->removed++;
	return 0;
}

/* The bridge netns's name removed behind the daemon's back (ip netns del):
 * the namespace lives on (this fd holds it), so name it again; without
 * the name no teardown could find it. */
static void emu_repin_domain(struct emu *e)
{
	int err;

	if (e->bridge_fd < 0 || netns_exists_named(e->names.netns))
		return;
	err = netns_pin_named(e->names.netns, e->bridge_fd);
	if (err)
		pr_warn("bridge netns %s was removed behind the daemon's back; naming it again "
			"failed: %s\n",
			e->names.netns, strerror(-err));
	else
		pr_warn("bridge netns %s was removed behind the daemon's back: named again\n",
			e->names.netns);
}

static int emu_sweep(void *priv, const int64_t *keep, size_t n)
{
	struct emu *e = priv;
	struct port_sweep ps = {.e = e, .keep = keep, .n = n};
	int removed;

	emu_repin_domain(e);
	removed = emu_bpf_sweep(e, keep, n);

	nl__link_dump(e->bnl, port_sweep_cb, &ps);
	return removed + ps.removed;
}

static int emu_counters(void *priv, hyp_counter_cb cb, void *ctx)
{
	return emu_bpf_counters(priv, cb, ctx);
}

const struct hyp_backend_ops emu_backend_ops = {
    .name = EMU_NAME,
    .open = emu_open,
    .close = emu_close,
    .destroy = emu_destroy,
    .limits = emu_limits,
    .domain_info = emu_domain_info,
    .snic_create = emu_snic_create,
    .snic_destroy = emu_snic_destroy,
    .snic_check = emu_snic_check,
    .container_check = emu_container_check,
    .snic_info = emu_snic_info,
    .sweep = emu_sweep,
    .counters = emu_counters,
    .policy_load = emu_policy_load,
    .ct_gc = emu_ct_gc,
    .inspect_load = emu_inspect_load,
    .inspect_usage = emu_inspect_usage,
    .inspect_events = emu_inspect_events,
    .inspect_event_fd = emu_inspect_event_fd,
    .events_set = emu_events_set,
    .flow_events = emu_flow_events,
    .flow_event_fd = emu_flow_event_fd,
    .event_stats = emu_event_stats,
    .ct_owners = emu_ct_owners,
    .uplink_attach = emu_uplink_attach,
    .uplink_detach = emu_uplink_detach,
    .uplink_info = emu_uplink_info,
    .publish_load = emu_publish_load,
    .ovl_enable = emu_ovl_enable,
    .ovl_self = emu_ovl_self,
    .ovl_peer_set = emu_ovl_peer_set,
    .ovl_peer_del = emu_ovl_peer_del,
    .ovl_route6_set = emu_ovl_route6_set,
    .ovl_eps_replace = emu_ovl_eps_replace,
    .ovl_ep_set = emu_ovl_ep_set,
    .ovl_ep_del = emu_ovl_ep_del,
    .ovl_eps6_replace = emu_ovl_eps6_replace,
    .ovl_ep6_set = emu_ovl_ep6_set,
    .ovl_ep6_del = emu_ovl_ep6_del,
    .ovl_seq = emu_ovl_seq,
};
