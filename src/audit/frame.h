/* SPDX-License-Identifier: GPL-2.0-only */
/* Crafted frames for the attack probes of `hyperctl audit`. */
#ifndef HYP_AUDIT_FRAME_H
#define HYP_AUDIT_FRAME_H

#include <stddef.h>
#include <stdint.h>

#define FRAME_MAX  1514
#define MARKER_LEN 16

extern const uint8_t mac_bcast[6];

/* Ethernet + IPv4 + UDP carrying the marker; IPv4 checksum filled in. */
size_t frame_udp(uint8_t *b, const uint8_t dst[6], const uint8_t src[6], uint32_t saddr,
		 uint32_t daddr, uint16_t ipid, const uint8_t marker[MARKER_LEN]);
/* Ethernet + ARP (op 1 request, 2 reply), padded to 60 bytes. */
size_t frame_arp(uint8_t *b, const uint8_t dst[6], const uint8_t src[6], uint16_t op,
		 const uint8_t sha[6], uint32_t spa, const uint8_t tha[6], uint32_t tpa);
/* Inserts an 802.1Q/802.1ad tag after the source MAC. */
size_t frame_tag(uint8_t *b, size_t len, uint16_t tpid, uint16_t vid);
void frame_ipv4_csum(uint8_t *ip);
int frame_has_marker(const uint8_t *b, size_t len, const uint8_t marker[MARKER_LEN]);

#endif
