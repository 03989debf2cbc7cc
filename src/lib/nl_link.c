// SPDX-License-Identifier: GPL-2.0-only
/*
 * rtnetlink for an interface that changes namespace (the uplink): move it,
 * set its state, and read and write back the addresses and routes it
 * carried, which a move between namespaces drops.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "lib/nl.h"
#include "lib/nl_priv.h"

int nl__link_set_netns(struct nl *nl, uint32_t ifindex, int netns_fd, const char *name)
{
	struct nlmsghdr *nlh = msg_start(nl, RTM_NEWLINK, NLM_F_ACK);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)ifindex;
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)netns_fd);
	if (name)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return transact(nl, nlh, NULL, NULL);
}

int nl__link_set(struct nl *nl, uint32_t ifindex, bool up, uint32_t mtu)
{
	struct nlmsghdr *nlh = msg_start(nl, RTM_NEWLINK, NLM_F_ACK);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)ifindex;
	ifi->ifi_flags = up ? IFF_UP : 0;
	ifi->ifi_change = IFF_UP;
	if (mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	return transact(nl, nlh, NULL, NULL);
}

struct addr_walk {
	uint32_t ifindex;
	nl_addr_cb cb;
	void *ctx;
	int err;
};

static int attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;

	/* IFA_MAX and RTA_MAX are both far below 64 */
	if (mnl_attr_get_type(attr) < 64)
		tb[mnl_attr_get_type(attr)] = attr;
	return MNL_CB_OK;
}

static int addr_walk_cb(const struct nlmsghdr *nlh, void *data)
{
	struct addr_walk *w = data;
	struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[64] = {};

	if (w->err || ifa->ifa_index != w->ifindex || ifa->ifa_family != AF_INET)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*ifa), attr_cb, tb);
	if (tb[IFA_LOCAL])
		w->err = w->cb(ntohl(mnl_attr_get_u32(tb[IFA_LOCAL])), ifa->ifa_prefixlen, w->ctx);
	return MNL_CB_OK;
}

int nl__addr_dump(struct nl *nl, uint32_t ifindex, nl_addr_cb cb, void *ctx)
{
	struct nlmsghdr *nlh = msg_start(nl, RTM_GETADDR, NLM_F_DUMP);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	struct addr_walk w = {.ifindex = ifindex, .cb = cb, .ctx = ctx};
	int err;

	ifa->ifa_family = AF_INET;
	err = transact(nl, nlh, addr_walk_cb, &w);
	return err ? err : w.err;
}

int nl__addr_del(struct nl *nl, uint32_t ifindex, uint32_t ip, uint8_t prefix)
{
	struct nlmsghdr *nlh = msg_start(nl, RTM_DELADDR, NLM_F_ACK);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));

	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = prefix;
	ifa->ifa_index = ifindex;
	mnl_attr_put_u32(nlh, IFA_LOCAL, htonl(ip));
	return transact(nl, nlh, NULL, NULL);
}

struct route_walk {
	uint32_t ifindex;
	nl_route_cb cb;
	void *ctx;
	int err;
};

static int route_walk_cb(const struct nlmsghdr *nlh, void *data)
{
	struct route_walk *w = data;
	struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[64] = {};
	struct nl_route r = {};

	if (w->err || rtm->rtm_family != AF_INET || rtm->rtm_table != RT_TABLE_MAIN ||
	    rtm->rtm_type != RTN_UNICAST || rtm->rtm_protocol == RTPROT_KERNEL)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*rtm), attr_cb, tb);
	if (!tb[RTA_OIF] || mnl_attr_get_u32(tb[RTA_OIF]) != w->ifindex)
		return MNL_CB_OK;
	r.dst = tb[RTA_DST] ? ntohl(mnl_attr_get_u32(tb[RTA_DST])) : 0;
	r.dst_len = rtm->rtm_dst_len;
	r.protocol = rtm->rtm_protocol;
	r.scope = rtm->rtm_scope;
	r.type = rtm->rtm_type;
	r.gw = tb[RTA_GATEWAY] ? ntohl(mnl_attr_get_u32(tb[RTA_GATEWAY])) : 0;
	r.metric = tb[RTA_PRIORITY] ? mnl_attr_get_u32(tb[RTA_PRIORITY]) : 0;
	r.prefsrc = tb[RTA_PREFSRC] ? ntohl(mnl_attr_get_u32(tb[RTA_PREFSRC])) : 0;
	w->err = w->cb(&r, w->ctx);
	return MNL_CB_OK;
}

int nl__route_dump(struct nl *nl, uint32_t ifindex, nl_route_cb cb, void *ctx)
{
	struct nlmsghdr *nlh = msg_start(nl, RTM_GETROUTE, NLM_F_DUMP);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	struct route_walk w = {.ifindex = ifindex, .cb = cb, .ctx = ctx};
	int err;

	rtm->rtm_family = AF_INET;
	err = transact(nl, nlh, route_walk_cb, &w);
	return err ? err : w.err;
}

int nl__route_add(struct nl *nl, uint32_t ifindex, const struct nl_route *r)
{
	struct nlmsghdr *nlh = msg_start(nl, RTM_NEWROUTE, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = r->dst_len;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = r->protocol ? r->protocol : RTPROT_STATIC;
	rtm->rtm_scope = r->scope;
	rtm->rtm_type = r->type ? r->type : RTN_UNICAST;
	if (r->dst_len)
		mnl_attr_put_u32(nlh, RTA_DST, htonl(r->dst));
	if (r->gw)
		mnl_attr_put_u32(nlh, RTA_GATEWAY, htonl(r->gw));
	if (r->metric)
		mnl_attr_put_u32(nlh, RTA_PRIORITY, r->metric);
	if (r->prefsrc)
		mnl_attr_put_u32(nlh, RTA_PREFSRC, htonl(r->prefsrc));
	mnl_attr_put_u32(nlh, RTA_OIF, ifindex);
	return transact(nl, nlh, NULL, NULL);
}
