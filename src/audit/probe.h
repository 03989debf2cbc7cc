/* SPDX-License-Identifier: GPL-2.0-only */
/* Raw AF_PACKET senders and listeners inside a network namespace. */
#ifndef HYP_AUDIT_PROBE_H
#define HYP_AUDIT_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct raw {
	int fd;
	uint32_t ifindex;
};

/*
 * Opens a raw socket on ifname inside netns_fd. bypass sets
 * PACKET_QDISC_BYPASS: frames skip the egress hooks, and so the guard,
 * exactly as a container holding CAP_NET_RAW can do.
 */
int raw_open(int netns_fd, const char *ifname, bool bypass, struct raw *r);
void raw_close(struct raw *r);
int raw_send(struct raw *r, const uint8_t *frame, size_t len);
/* Receives one frame within timeout_ms; outgoing says if this host sent it. */
int raw_recv(struct raw *r, uint8_t *buf, size_t cap, int timeout_ms, bool *outgoing);
/* Sends a UDP datagram to ip:9 from inside netns_fd (through the guard). */
int udp_poke(int netns_fd, uint32_t ip, const uint8_t *payload, size_t len);

#endif
