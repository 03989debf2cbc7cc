/* SPDX-License-Identifier: GPL-2.0-only */
/* Crafted IPv6 frames for the IPv6 attack probes of `hyperctl audit`. */
#ifndef HYP_AUDIT_FRAME6_H
#define HYP_AUDIT_FRAME6_H

#include <stddef.h>
#include <stdint.h>

#include "audit/frame.h"

/* Extension headers put before the UDP header of frame_udp6 */
enum frame6_ext {
	F6_NONE,
	F6_ROUTING,   /* a type 0 routing header (RFC 5095 deprecated it) */
	F6_FRAGMENT,  /* an atomic fragment header (offset 0, M 0) */
	F6_LONGCHAIN, /* hop-by-hop then 8 destination options headers */
};

/* Ethernet + IPv6 (+ ext) + UDP to port 9 carrying the marker, checksums filled in. */
size_t frame_udp6(uint8_t *b, const uint8_t dst[6], const uint8_t src[6], const uint8_t saddr[16],
		  const uint8_t daddr[16], enum frame6_ext ext, const uint8_t marker[MARKER_LEN]);
/* A neighbour advertisement: target is at tll (override, solicited as asked). */
size_t frame_na(uint8_t *b, const uint8_t dst[6], const uint8_t src[6], const uint8_t saddr[16],
		const uint8_t daddr[16], const uint8_t target[16], const uint8_t tll[6],
		int solicited);
/* A router advertisement from saddr: default router for 1800 s, prefix pfx/64 (A, L). */
size_t frame_ra(uint8_t *b, const uint8_t dst[6], const uint8_t src[6], const uint8_t saddr[16],
		const uint8_t daddr[16], const uint8_t pfx[16]);
/* The multicast MAC of an IPv6 multicast address (33:33 + its last 32 bits). */
void mac_mcast6(const uint8_t addr[16], uint8_t mac[6]);
extern const uint8_t ip6_all_nodes[16];

#endif
