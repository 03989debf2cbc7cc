/* SPDX-License-Identifier: GPL-2.0-only */
/* Internals of the rtnetlink helpers, shared by nl.c and nl_link.c. */
#ifndef HYP_NL_PRIV_H
#define HYP_NL_PRIV_H

#include <stdint.h>
#include <libmnl/libmnl.h>

struct nl {
	struct mnl_socket *sk;
	uint32_t portid;
	uint32_t seq;
	char *buf;
};

#define NL_BUFSZ (MNL_SOCKET_BUFFER_SIZE * 4)

struct nlmsghdr *msg_start(struct nl *nl, uint16_t type, uint16_t flags);
/* Sends nlh and runs cb over the answers until ACK / DONE. */
int transact(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *ctx);

#endif
