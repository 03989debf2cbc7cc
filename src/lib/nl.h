/* SPDX-License-Identifier: GPL-2.0-only */
/* rtnetlink through libmnl: links, veth pairs, addresses, routes. */
#ifndef HYP_NL_H
#define HYP_NL_H

#include <stdint.h>
#include <stdbool.h>

struct nl;

struct nl_link {
	uint32_t ifindex;
	char name[16];
	char kind[16];
	uint8_t mac[6];
	bool up;
	int32_t link_netnsid; /* -1 when the link has no peer netns */
	uint32_t link;	      /* IFLA_LINK: peer ifindex */
	uint32_t mtu;
	uint32_t master; /* IFLA_MASTER: the bridge or bond it is a port of (0: none) */
	bool loopback;
};

typedef int (*nl_link_cb)(const struct nl_link *l, void *ctx);

/* A socket bound to the netns fd (-1: the current one). */
int nl__open(int netns_fd, struct nl **out);
void nl__close(struct nl *nl);

int nl__veth_add(struct nl *nl, const char *name, const char *peer, int peer_netns_fd,
		 const uint8_t peer_mac[6]);
int nl__link_get(struct nl *nl, const char *name, struct nl_link *out);
int nl__link_get_index(struct nl *nl, uint32_t ifindex, struct nl_link *out);
int nl__link_dump(struct nl *nl, nl_link_cb cb, void *ctx);
int nl__link_up(struct nl *nl, uint32_t ifindex);
/* BIG TCP: GSO and GRO maximum sizes, IPv4 and IPv6, all set to size. */
int nl__link_set_gso_max(struct nl *nl, uint32_t ifindex, uint32_t size);
/* At most segs segments per GSO packet the link sends (1: none bigger than the MTU). */
int nl__link_set_gso_segs(struct nl *nl, uint32_t ifindex, uint32_t segs);
int nl__link_del(struct nl *nl, uint32_t ifindex);
int nl__addr_add(struct nl *nl, uint32_t ifindex, uint32_t ip, uint8_t prefix);
int nl__addr_has(struct nl *nl, uint32_t ifindex, uint32_t ip, uint8_t prefix);
int nl__route_default_add(struct nl *nl, uint32_t ifindex, uint32_t gw);
/* 1 when a default route via gw on ifindex exists (ifindex 0 and gw 0: any). */
int nl__route_default_has(struct nl *nl, uint32_t ifindex, uint32_t gw);

/* Neighbour (ARP) entry of ip on ifindex: 1 found (mac filled), 0 none. */
int nl__neigh_get(struct nl *nl, uint32_t ifindex, uint32_t ip, uint8_t mac[6]);
int nl__bridge_add(struct nl *nl, const char *name);
int nl__link_set_master(struct nl *nl, uint32_t ifindex, uint32_t master);
/* The nsid this socket's netns uses for netns_fd (-1: none assigned). */
int nl__netns_id(struct nl *nl, int netns_fd, int32_t *nsid);

/* nl6.c: IPv6. flags: IFA_F_NODAD, IFA_F_OPTIMISTIC (netlink's IFA_FLAGS) */
int nl__addr6_add(struct nl *nl, uint32_t ifindex, const uint8_t addr[16], uint8_t prefix,
		  uint32_t flags);
/* The IFA_F_* flags of the address (IFA_F_TENTATIVE, IFA_F_DADFAILED, ...); -ENOENT: none. */
int nl__addr6_flags(struct nl *nl, uint32_t ifindex, const uint8_t addr[16], uint8_t prefix,
		    uint32_t *flags);
int nl__route6_default_add(struct nl *nl, uint32_t ifindex, const uint8_t gw[16]);
/* 1 when a default route via gw on ifindex exists (ifindex 0: any default route). */
int nl__route6_default_has(struct nl *nl, uint32_t ifindex, const uint8_t gw[16]);

/* nl_link.c: what moving an interface between namespaces needs */
struct nl_route {
	uint32_t dst; /* host order */
	uint8_t dst_len;
	uint8_t protocol, scope, type;
	uint32_t gw; /* host order, 0: none */
	uint32_t metric;
	uint32_t prefsrc; /* host order, 0: none */
};

typedef int (*nl_addr_cb)(uint32_t ip, uint8_t prefix, void *ctx);
typedef int (*nl_route_cb)(const struct nl_route *r, void *ctx);

/* Moves ifindex into netns_fd (name: its name there, NULL: unchanged). */
int nl__link_set_netns(struct nl *nl, uint32_t ifindex, int netns_fd, const char *name);
/* Admin state and MTU (mtu 0: unchanged). */
int nl__link_set(struct nl *nl, uint32_t ifindex, bool up, uint32_t mtu);
/* The IPv4 addresses of ifindex. */
int nl__addr_dump(struct nl *nl, uint32_t ifindex, nl_addr_cb cb, void *ctx);
int nl__addr_del(struct nl *nl, uint32_t ifindex, uint32_t ip, uint8_t prefix);
/* The IPv4 unicast routes of the main table through ifindex that its
 * addresses do not make by themselves (protocol other than kernel). */
int nl__route_dump(struct nl *nl, uint32_t ifindex, nl_route_cb cb, void *ctx);
int nl__route_add(struct nl *nl, uint32_t ifindex, const struct nl_route *r);

#endif
