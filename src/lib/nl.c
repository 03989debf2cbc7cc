// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <linux/neighbour.h>
#include <linux/net_namespace.h>

#include "lib/nl.h"
#include "lib/nl_priv.h"
#include "lib/netns.h"
#include "lib/log.h"

int nl__open(int netns_fd, struct nl **out)
{
	struct nl *nl = calloc(1, sizeof(*nl));
	int saved = -1, err = 0;

	if (!nl)
		return -ENOMEM;
	nl->buf = malloc(NL_BUFSZ);
	if (!nl->buf) {
		err = -ENOMEM;
		goto err;
	}
	if (netns_fd >= 0) {
		err = netns_enter(netns_fd, &saved);
		if (err)
			goto err;
	}
	/* the socket stays bound to the namespace it was created in */
	nl->sk = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (netns_fd >= 0)
		netns_restore(saved);
	if (!nl->sk) {
		err = -errno;
		goto err;
	}
	if (mnl_socket_bind(nl->sk, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		goto err;
	}
	nl->portid = mnl_socket_get_portid(nl->sk);
	nl->seq = (uint32_t)time(NULL);
	*out = nl;
	return 0;
err:
	nl__close(nl);
	return err;
}

void nl__close(struct nl *nl)
{
	if (!nl)
		return;
	if (nl->sk)
		mnl_socket_close(nl->sk);
	free(nl->buf);
	free(nl);
}

struct nlmsghdr *msg_start(struct nl *nl, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++nl->seq;
	return nlh;
}

/* Sends nlh and runs cb over the answers until ACK / DONE. */
int transact(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *ctx)
{
	uint32_t seq = nlh->nlmsg_seq;
	ssize_t n;
	int rc;

	if (mnl_socket_sendto(nl->sk, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		n = mnl_socket_recvfrom(nl->sk, nl->buf, NL_BUFSZ);
		if (n < 0)
			return -errno;
		rc = mnl_cb_run(nl->buf, (size_t)n, seq, nl->portid, cb, ctx);
		if (rc == MNL_CB_ERROR)
			return errno ? -errno : -EIO;
		if (rc == MNL_CB_STOP)
			return 0;
	}
}

int nl__veth_add(struct nl *nl, const char *name, const char *peer, int peer_netns_fd,
		 const uint8_t peer_mac[6])
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	struct nlattr *linkinfo, *data, *peer_nest;

	nlh = msg_start(nl, RTM_NEWLINK, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peer_nest = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	if (peer_netns_fd >= 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)peer_netns_fd);
	if (peer_mac)
		mnl_attr_put(nlh, IFLA_ADDRESS, 6, peer_mac);
	mnl_attr_nest_end(nlh, peer_nest);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, linkinfo);
	return transact(nl, nlh, NULL, NULL);
}

static int linkinfo_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, IFLA_INFO_MAX) >= 0)
		tb[type] = attr;
	return MNL_CB_OK;
}

static int link_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, IFLA_MAX) >= 0)
		tb[type] = attr;
	return MNL_CB_OK;
}

static void parse_link(const struct nlmsghdr *nlh, struct nl_link *l)
{
	const struct nlattr *tb[IFLA_MAX + 1] = {};
	const struct nlattr *info[IFLA_INFO_MAX + 1] = {};
	struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

	memset(l, 0, sizeof(*l));
	l->ifindex = (uint32_t)ifi->ifi_index;
	l->up = ifi->ifi_flags & IFF_UP;
	l->loopback = ifi->ifi_flags & IFF_LOOPBACK;
	l->link_netnsid = -1;
	mnl_attr_parse(nlh, sizeof(*ifi), link_attr_cb, tb);
	if (tb[IFLA_IFNAME])
		snprintf(l->name, sizeof(l->name), "%s", mnl_attr_get_str(tb[IFLA_IFNAME]));
	if (tb[IFLA_ADDRESS] && mnl_attr_get_payload_len(tb[IFLA_ADDRESS]) == 6)
		memcpy(l->mac, mnl_attr_get_payload(tb[IFLA_ADDRESS]), 6);
	if (tb[IFLA_LINK_NETNSID])
		l->link_netnsid = (int32_t)mnl_attr_get_u32(tb[IFLA_LINK_NETNSID]);
	if (tb[IFLA_LINK])
		l->link = mnl_attr_get_u32(tb[IFLA_LINK]);
	if (tb[IFLA_MTU])
		l->mtu = mnl_attr_get_u32(tb[IFLA_MTU]);
	if (tb[IFLA_MASTER])
		l->master = mnl_attr_get_u32(tb[IFLA_MASTER]);
	if (tb[IFLA_LINKINFO]) {
		mnl_attr_parse_nested(tb[IFLA_LINKINFO], linkinfo_cb, info);
		if (info[IFLA_INFO_KIND])
			snprintf(l->kind, sizeof(l->kind), "%s",
				 mnl_attr_get_str(info[IFLA_INFO_KIND]));
	}
}

static int link_one_cb(const struct nlmsghdr *nlh, void *data)
{
	parse_link(nlh, data);
	return MNL_CB_OK;
}

int nl__link_get(struct nl *nl, const char *name, struct nl_link *out)
{
	struct nlmsghdr *nlh = msg_start(nl, RTM_GETLINK, NLM_F_ACK);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return transact(nl, nlh, link_one_cb, out);
}

int nl__link_get_index(struct nl *nl, uint32_t ifindex, struct nl_link *out)
{
	struct nlmsghdr *nlh = msg_start(nl, RTM_GETLINK, NLM_F_ACK);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)ifindex;
	return transact(nl, nlh, link_one_cb, out);
}

struct dump_ctx {
	nl_link_cb cb;
	void *ctx;
	int err;
};

static int link_dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *d = data;
	struct nl_link l;

	if (d->err)
		return MNL_CB_OK;
	parse_link(nlh, &l);
	d->err = d->cb(&l, d->ctx);
	return MNL_CB_OK;
}

int nl__link_dump(struct nl *nl, nl_link_cb cb, void *ctx)
{
	struct nlmsghdr *nlh = msg_start(nl, RTM_GETLINK, NLM_F_DUMP);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	struct dump_ctx d = {.cb = cb, .ctx = ctx};
	int err;

	ifi->ifi_family = AF_UNSPEC;
	err = transact(nl, nlh, link_dump_cb, &d);
	return err ? err : d.err;
}

int nl__link_up(struct nl *nl, uint32_t ifindex)
{
	struct nlmsghdr *nlh = msg_start(nl, RTM_NEWLINK, NLM_F_ACK);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)ifindex;
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	return transact(nl, nlh, NULL, NULL);
}

/* Not in Debian 12's kernel headers (6.1); kernel 6.3+ knows them. */
#ifndef IFLA_GSO_IPV4_MAX_SIZE
#define IFLA_GSO_IPV4_MAX_SIZE 63
#define IFLA_GRO_IPV4_MAX_SIZE 64
#endif

int nl__link_set_gso_max(struct nl *nl, uint32_t ifindex, uint32_t size)
{
	struct nlmsghdr *nlh = msg_start(nl, RTM_NEWLINK, NLM_F_ACK);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)ifindex;
	mnl_attr_put_u32(nlh, IFLA_GSO_MAX_SIZE, size);
	mnl_attr_put_u32(nlh, IFLA_GRO_MAX_SIZE, size);
	mnl_attr_put_u32(nlh, IFLA_GSO_IPV4_MAX_SIZE, size);
	mnl_attr_put_u32(nlh, IFLA_GRO_IPV4_MAX_SIZE, size);
	return transact(nl, nlh, NULL, NULL);
}

int nl__link_set_gso_segs(struct nl *nl, uint32_t ifindex, uint32_t segs)
{
	struct nlmsghdr *nlh = msg_start(nl, RTM_NEWLINK, NLM_F_ACK);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)ifindex;
	mnl_attr_put_u32(nlh, IFLA_GSO_MAX_SEGS, segs);
	return transact(nl, nlh, NULL, NULL);
}

int nl__link_del(struct nl *nl, uint32_t ifindex)
{
	struct nlmsghdr *nlh = msg_start(nl, RTM_DELLINK, NLM_F_ACK);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)ifindex;
	return transact(nl, nlh, NULL, NULL);
}

int nl__addr_add(struct nl *nl, uint32_t ifindex, uint32_t ip, uint8_t prefix)
{
	struct nlmsghdr *nlh = msg_start(nl, RTM_NEWADDR, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	uint32_t be = htonl(ip);

	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = prefix;
	ifa->ifa_index = ifindex;
	mnl_attr_put_u32(nlh, IFA_LOCAL, be);
	mnl_attr_put_u32(nlh, IFA_ADDRESS, be);
	return transact(nl, nlh, NULL, NULL);
}

struct addr_find {
	uint32_t ifindex, ip;
	uint8_t prefix;
	int found;
};

static int addr_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_type_valid(attr, IFA_MAX) >= 0)
		tb[mnl_attr_get_type(attr)] = attr;
	return MNL_CB_OK;
}

static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct addr_find *f = data;
	struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[IFA_MAX + 1] = {};

	if (ifa->ifa_index != f->ifindex || ifa->ifa_family != AF_INET)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*ifa), addr_attr_cb, tb);
	if (tb[IFA_LOCAL] && ntohl(mnl_attr_get_u32(tb[IFA_LOCAL])) == f->ip &&
	    ifa->ifa_prefixlen == f->prefix)
		f->found = 1;
	return MNL_CB_OK;
}

int nl__addr_has(struct nl *nl, uint32_t ifindex, uint32_t ip, uint8_t prefix)
{
	struct nlmsghdr *nlh = msg_start(nl, RTM_GETADDR, NLM_F_DUMP);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	struct addr_find f = {.ifindex = ifindex, .ip = ip, .prefix = prefix};
	int err;

	ifa->ifa_family = AF_INET;
	err = transact(nl, nlh, addr_cb, &f);
	return err ? err : f.found;
}

int nl__route_default_add(struct nl *nl, uint32_t ifindex, uint32_t gw)
{
	struct nlmsghdr *nlh = msg_start(nl, RTM_NEWROUTE, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = 0;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put_u32(nlh, RTA_GATEWAY, htonl(gw));
	mnl_attr_put_u32(nlh, RTA_OIF, ifindex);
	return transact(nl, nlh, NULL, NULL);
}

struct route_find {
	uint32_t ifindex, gw;
	int found;
};

static int route_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_type_valid(attr, RTA_MAX) >= 0)
		tb[mnl_attr_get_type(attr)] = attr;
	return MNL_CB_OK;
}

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct route_find *f = data;
	struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[RTA_MAX + 1] = {};

	if (rtm->rtm_family != AF_INET || rtm->rtm_dst_len != 0 || rtm->rtm_table != RT_TABLE_MAIN)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*rtm), route_attr_cb, tb);
	if (!f->ifindex && !f->gw) /* any default route */
		f->found = 1;
	else if (tb[RTA_GATEWAY] && tb[RTA_OIF] &&
		 ntohl(mnl_attr_get_u32(tb[RTA_GATEWAY])) == f->gw &&
		 mnl_attr_get_u32(tb[RTA_OIF]) == f->ifindex)
		f->found = 1;
	return MNL_CB_OK;
}

int nl__route_default_has(struct nl *nl, uint32_t ifindex, uint32_t gw)
{
	struct nlmsghdr *nlh = msg_start(nl, RTM_GETROUTE, NLM_F_DUMP);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	struct route_find f = {.ifindex = ifindex, .gw = gw};
	int err;

	rtm->rtm_family = AF_INET;
	err = transact(nl, nlh, route_cb, &f);
	return err ? err : f.found;
}

struct neigh_find {
	uint32_t ifindex, ip;
	uint8_t *mac;
	int found;
};

static int neigh_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_type_valid(attr, NDA_MAX) >= 0)
		tb[mnl_attr_get_type(attr)] = attr;
	return MNL_CB_OK;
}

static int neigh_cb(const struct nlmsghdr *nlh, void *data)
{
	struct neigh_find *f = data;
	struct ndmsg *nd = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[NDA_MAX + 1] = {};

	if (nd->ndm_family != AF_INET || (uint32_t)nd->ndm_ifindex != f->ifindex)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*nd), neigh_attr_cb, tb);
	if (!tb[NDA_DST] || ntohl(mnl_attr_get_u32(tb[NDA_DST])) != f->ip)
		return MNL_CB_OK;
	if (tb[NDA_LLADDR] && mnl_attr_get_payload_len(tb[NDA_LLADDR]) == 6) {
		memcpy(f->mac, mnl_attr_get_payload(tb[NDA_LLADDR]), 6);
		f->found = 1;
	}
	return MNL_CB_OK;
}

int nl__neigh_get(struct nl *nl, uint32_t ifindex, uint32_t ip, uint8_t mac[6])
{
	struct nlmsghdr *nlh = msg_start(nl, RTM_GETNEIGH, NLM_F_DUMP);
	struct ndmsg *nd = mnl_nlmsg_put_extra_header(nlh, sizeof(*nd));
	struct neigh_find f = {.ifindex = ifindex, .ip = ip, .mac = mac};
	int err;

	nd->ndm_family = AF_INET;
	err = transact(nl, nlh, neigh_cb, &f);
	return err ? err : f.found;
}

int nl__bridge_add(struct nl *nl, const char *name)
{
	struct nlmsghdr *nlh = msg_start(nl, RTM_NEWLINK, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	struct nlattr *linkinfo;

	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
	mnl_attr_nest_end(nlh, linkinfo);
	return transact(nl, nlh, NULL, NULL);
}

int nl__link_set_master(struct nl *nl, uint32_t ifindex, uint32_t master)
{
	struct nlmsghdr *nlh = msg_start(nl, RTM_NEWLINK, NLM_F_ACK);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)ifindex;
	mnl_attr_put_u32(nlh, IFLA_MASTER, master);
	return transact(nl, nlh, NULL, NULL);
}

static int nsid_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_type_valid(attr, NETNSA_MAX) >= 0)
		tb[mnl_attr_get_type(attr)] = attr;
	return MNL_CB_OK;
}

static int nsid_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NETNSA_MAX + 1] = {};

	mnl_attr_parse(nlh, sizeof(struct rtgenmsg), nsid_attr_cb, tb);
	if (tb[NETNSA_NSID])
		*(int32_t *)data = (int32_t)mnl_attr_get_u32(tb[NETNSA_NSID]);
	return MNL_CB_OK;
}

int nl__netns_id(struct nl *nl, int netns_fd, int32_t *nsid)
{
	struct nlmsghdr *nlh = msg_start(nl, RTM_GETNSID, NLM_F_ACK);
	struct rtgenmsg *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));

	g->rtgen_family = AF_UNSPEC;
	mnl_attr_put_u32(nlh, NETNSA_FD, (uint32_t)netns_fd);
	*nsid = -1;
	return transact(nl, nlh, nsid_cb, nsid);
}
