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

#endif
