// SPDX-License-Identifier: GPL-2.0-only
/* rtnetlink for IPv6 (dual stack): addresses with their DAD flags, the default route. */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "lib/nl.h"
#include "lib/nl_priv.h"

int nl__addr6_add(struct nl *nl, uint32_t ifindex, const uint8_t addr[16], uint8_t prefix,
		  uint32_t flags)
{
	struct nlmsghdr *nlh = msg_start(nl, RTM_NEWADDR, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));

	ifa->ifa_family = AF_INET6;
	ifa->ifa_prefixlen = prefix;
	ifa->ifa_index = ifindex;
	ifa->ifa_flags = (uint8_t)flags;
	ifa->ifa_scope = addr[0] == 0xfe && (addr[1] & 0xc0) == 0x80 ? RT_SCOPE_LINK : 0;
	mnl_attr_put(nlh, IFA_LOCAL, 16, addr);
	mnl_attr_put(nlh, IFA_ADDRESS, 16, addr);
	mnl_attr_put_u32(nlh, IFA_FLAGS, flags);
	return transact(nl, nlh, NULL, NULL);
}

struct addr6_find {
	uint32_t ifindex;
	const uint8_t *addr;
	uint8_t prefix;
	int flags; /* -1: not found */
};

static int attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_type_valid(attr, IFA_MAX) >= 0)
		tb[mnl_attr_get_type(attr)] = attr;
	return MNL_CB_OK;
}

static int addr6_cb(const struct nlmsghdr *nlh, void *data)
{
	struct addr6_find *f = data;
	struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[IFA_MAX + 1] = {};
	const struct nlattr *a;

	if (ifa->ifa_index != f->ifindex || ifa->ifa_family != AF_INET6 ||
	    ifa->ifa_prefixlen != f->prefix)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*ifa), attr_cb, tb);
	a = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (!a || mnl_attr_get_payload_len(a) != 16 || memcmp(mnl_attr_get_payload(a), f->addr, 16))
		return MNL_CB_OK;
	f->flags = tb[IFA_FLAGS] ? (int)mnl_attr_get_u32(tb[IFA_FLAGS]) : ifa->ifa_flags;
	return MNL_CB_OK;
}

int nl__addr6_flags(struct nl *nl, uint32_t ifindex, const uint8_t addr[16], uint8_t prefix,
		    uint32_t *flags)
{
	struct nlmsghdr *nlh = msg_start(nl, RTM_GETADDR, NLM_F_DUMP);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	struct addr6_find f = {.ifindex = ifindex, .addr = addr, .prefix = prefix, .flags = -1};
	int err;

	ifa->ifa_family = AF_INET6;
	err = transact(nl, nlh, addr6_cb, &f);
	if (err)
		return err;
	if (f.flags < 0)
		return -ENOENT;
	*flags = (uint32_t)f.flags;
	return 0;
}

int nl__route6_default_add(struct nl *nl, uint32_t ifindex, const uint8_t gw[16])
{
	struct nlmsghdr *nlh = msg_start(nl, RTM_NEWROUTE, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

	rtm->rtm_family = AF_INET6;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put(nlh, RTA_GATEWAY, 16, gw);
	mnl_attr_put_u32(nlh, RTA_OIF, ifindex);
	return transact(nl, nlh, NULL, NULL);
}

struct route6_find {
	uint32_t ifindex;
	const uint8_t *gw;
	int found;
};

static int rattr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_type_valid(attr, RTA_MAX) >= 0)
		tb[mnl_attr_get_type(attr)] = attr;
	return MNL_CB_OK;
}

static int route6_cb(const struct nlmsghdr *nlh, void *data)
{
	struct route6_find *f = data;
	struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[RTA_MAX + 1] = {};

	if (rtm->rtm_family != AF_INET6 || rtm->rtm_dst_len != 0 ||
	    rtm->rtm_table != RT_TABLE_MAIN || rtm->rtm_type != RTN_UNICAST)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*rtm), rattr_cb, tb);
	if (!f->ifindex) /* any default route */
		f->found = 1;
	else if (tb[RTA_GATEWAY] && tb[RTA_OIF] && mnl_attr_get_u32(tb[RTA_OIF]) == f->ifindex &&
		 mnl_attr_get_payload_len(tb[RTA_GATEWAY]) == 16 &&
		 !memcmp(mnl_attr_get_payload(tb[RTA_GATEWAY]), f->gw, 16))
		f->found = 1;
	return MNL_CB_OK;
}

int nl__route6_default_has(struct nl *nl, uint32_t ifindex, const uint8_t gw[16])
{
	struct nlmsghdr *nlh = msg_start(nl, RTM_GETROUTE, NLM_F_DUMP);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	struct route6_find f = {.ifindex = ifindex, .gw = gw};
	int err;

	rtm->rtm_family = AF_INET6;
	err = transact(nl, nlh, route6_cb, &f);
	return err ? err : f.found;
}
