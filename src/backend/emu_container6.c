// SPDX-License-Identifier: GPL-2.0-only
/*
 * emu backend, dual stack: the IPv6 side of a SNIC inside the container
 * netns (docs/ipv6.md). Both addresses are added without duplicate
 * address detection (IFA_F_NODAD), so they are usable as soon as snic add
 * returns: the bridge, not DAD, makes them unique. The IPAM hands an
 * address out once, the bridge binds it (and the link-local, from the
 * SNIC's MAC) to this one port, drops every other port's frame with it as
 * source and answers every solicitation for it itself; DAD here could
 * find no duplicate (its probe is absorbed, nobody answers) and only
 * delayed the address (an optimistic or tentative address answered
 * nothing that needed a neighbour resolved: the first ~100 ms lost).
 * Without DAD there is no DAD to deny; a DAD the container runs itself
 * (an address re-added by hand) still cannot be denied (nd-na).
 * Neighbour retransmissions are 50 ms apart, not 1 s (retrans_time_ms:
 * the bridge answers every solicitation at once). No router advertisement
 * changes the configuration (accept_ra 0), and the kernel makes no
 * address of its own (addr_gen_mode none).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/if_addr.h>

#include "backend/emu.h"
#include "lib/addr6.h"
#include "lib/netns.h"

/* net.ipv6.conf.IF.key, or with neigh net.ipv6.neigh.IF.key */
static int sysctl6x(const struct hyp_snic_spec *s, bool neigh, const char *key, const char *val,
		    struct errmsg *em)
{
	char path[128];
	int err;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/%s/%s/%s", neigh ? "neigh" : "conf",
		 s->ifname, key);
	err = netns_sysctl_write(s->netns_fd, path, val);
	return err ? em_set(em, err, "snic %s: cannot set IPv6 %s: %s", s->name, key,
			    strerror(-err))
		   : 0;
}

static int sysctl6(const struct hyp_snic_spec *s, const char *key, const char *val,
		   struct errmsg *em)
{
	return sysctl6x(s, false, key, val, em);
}

/* Before the link goes up. Without IPv6: the SNIC's IPv6 is off. */
int emu_container_setup6(struct nl *cnl, const struct hyp_snic_spec *s, uint32_t ifindex,
			 struct errmsg *em)
{
	static const char *const conf[][2] = {
	    {"addr_gen_mode", "1"}, /* none: only the addresses given here */
	    {"accept_ra", "0"},	    /* static configuration */
	    {"disable_ipv6", "0"},
	};
	uint8_t ll[16];
	int err;

	if (!s->prefix6) {
		err = sysctl6(s, "disable_ipv6", "1", em);
		return err == -ENOENT ? 0 : err; /* a kernel without IPv6 */
	}
	for (size_t i = 0; i < sizeof(conf) / sizeof(conf[0]); i++) {
		err = sysctl6(s, conf[i][0], conf[i][1], em);
		if (err)
			return err;
	}
	err = sysctl6x(s, true, "retrans_time_ms", "50", em);
	if (err)
		return err;
	err = nl__addr6_add(cnl, ifindex, (const uint8_t *)s->ip6, s->prefix6, IFA_F_NODAD);
	if (err)
		return em_set(em, err, "snic %s: cannot add IPv6 address: %s", s->name,
			      strerror(-err));
	ipv6_ll_from_mac(s->mac, ll);
	err = nl__addr6_add(cnl, ifindex, ll, 64, IFA_F_NODAD);
	if (err)
		return em_set(em, err, "snic %s: cannot add link-local address: %s", s->name,
			      strerror(-err));
	return 0;
}

/* After the link is up: the default IPv6 route via the gateway. */
int emu_container_route6(struct nl *cnl, const struct hyp_snic_spec *s, const uint8_t gw6[16],
			 uint32_t ifindex, struct errmsg *em)
{
	int err;

	if (!s->prefix6)
		return 0;
	err = nl__route6_default_add(cnl, ifindex, gw6);
	if (err == -EEXIST) /* another attachment in this netns has it: keep it */
		err = 0;
	return err ? em_set(em, err, "snic %s: cannot add default IPv6 route: %s", s->name,
			    strerror(-err))
		   : 0;
}

/* Address (not failed DAD), link-local and a default route are there. */
int emu_container_check6(struct nl *cnl, const struct hyp_snic_spec *s, const uint8_t gw6[16],
			 uint32_t ifindex, struct errmsg *em)
{
	uint32_t flags;
	uint8_t ll[16];

	if (!s->prefix6)
		return 0;
	ipv6_ll_from_mac(s->mac, ll);
	if (nl__addr6_flags(cnl, ifindex, (const uint8_t *)s->ip6, s->prefix6, &flags))
		return em_set(em, -EADDRNOTAVAIL, "snic %s: IPv6 address missing on %s", s->name,
			      s->ifname);
	if (flags & IFA_F_DADFAILED)
		return em_set(em, -EADDRINUSE,
			      "snic %s: IPv6 address failed duplicate address detection", s->name);
	if (nl__addr6_flags(cnl, ifindex, ll, 64, &flags))
		return em_set(em, -EADDRNOTAVAIL, "snic %s: link-local address missing on %s",
			      s->name, s->ifname);
	if (nl__route6_default_has(cnl, ifindex, gw6) != 1 &&
	    nl__route6_default_has(cnl, 0, gw6) != 1)
		return em_set(em, -ENETUNREACH, "snic %s: default IPv6 route missing", s->name);
	return 0;
}
