// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/socket.h>

#include "audit/probe.h"
#include "lib/netns.h"

int raw_open(int netns_fd, const char *ifname, bool bypass, struct raw *r)
{
	struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL)};
	int saved, err, one = 1;

	r->fd = -1;
	err = netns_enter(netns_fd, &saved);
	if (err)
		return err;
	r->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
	r->ifindex = if_nametoindex(ifname);
	netns_restore(saved);
	if (r->fd < 0)
		return -errno;
	if (!r->ifindex) {
		err = -ENODEV;
		goto err;
	}
	sll.sll_ifindex = (int)r->ifindex;
	if (bind(r->fd, (struct sockaddr *)&sll, sizeof(sll))) {
		err = -errno;
		goto err;
	}
	if (bypass && setsockopt(r->fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one))) {
		err = -errno;
		goto err;
	}
	return 0;
err:
	close(r->fd);
	r->fd = -1;
	return err;
}

void raw_close(struct raw *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
}

int raw_send(struct raw *r, const uint8_t *frame, size_t len)
{
	struct sockaddr_ll sll = {
	    .sll_family = AF_PACKET, .sll_ifindex = (int)r->ifindex, .sll_halen = 6};

	memcpy(sll.sll_addr, frame, 6);
	if (sendto(r->fd, frame, len, 0, (struct sockaddr *)&sll, sizeof(sll)) != (ssize_t)len)
		return -errno;
	return 0;
}

int raw_recv(struct raw *r, uint8_t *buf, size_t cap, int timeout_ms, bool *outgoing)
{
	struct pollfd p = {.fd = r->fd, .events = POLLIN};
	struct sockaddr_ll sll;
	socklen_t sl = sizeof(sll);
	ssize_t n;
	int rc;

	rc = poll(&p, 1, timeout_ms);
	if (rc < 0)
		return -errno;
	if (rc == 0)
		return -ETIMEDOUT;
	n = recvfrom(r->fd, buf, cap, 0, (struct sockaddr *)&sll, &sl);
	if (n < 0)
		return -errno;
	*outgoing = sll.sll_pkttype == PACKET_OUTGOING;
	return (int)n;
}

int udp_poke(int netns_fd, uint32_t ip, const uint8_t *payload, size_t len)
{
	struct sockaddr_in sin = {
	    .sin_family = AF_INET, .sin_port = htons(9), .sin_addr.s_addr = htonl(ip)};
	int saved, fd, err = 0;

	err = netns_enter(netns_fd, &saved);
	if (err)
		return err;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	netns_restore(saved);
	if (fd < 0)
		return -errno;
	if (sendto(fd, payload, len, 0, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		err = -errno;
	close(fd);
	return err;
}
