/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace twin of the overlay's wire format and authenticator
 * (bpf/lib/overlay_*.h, abi.h "Cluster overlay"): builds and signs overlay
 * frames (inner IPv4 or IPv6) bit for bit as the datapath does, for the BPF program tests and
 * for tests/tools/hyp-ovlsend (the rogue host on the fabric).
 */
#ifndef HYP_OVL_FRAME_H
#define HYP_OVL_FRAME_H

#include <stddef.h>
#include <stdint.h>

struct ovl_spec {
	uint8_t dst_mac[6], src_mac[6];
	uint32_t outer_src, outer_dst; /* network order */
	uint16_t sport;
	uint16_t src_node;
	uint32_t identity;
	uint64_t seq;
	uint8_t flags; /* HYP_OVL_F_* */
	/* inner IPv4 */
	uint32_t inner_src, inner_dst; /* network order */
	uint8_t proto;		       /* 6 TCP, 17 UDP, 1 ICMP echo */
	uint16_t l4_sport, l4_dport;   /* ICMP: echo id in sport, sequence in dport */
	uint32_t tcp_seq;
	uint8_t tcp_flags;
	const uint8_t *payload;
	size_t payload_len;
	/* inner IPv6 instead, when flags has HYP_OVL_F_IP6 (proto 58: an
	 * ICMPv6 echo request); ext_len (a multiple of 8, 0: none) bytes of
	 * destination options (PadN) before the L4 header */
	uint8_t src6[16], dst6[16];
	uint8_t hlim;
	size_t ext_len;
};

/* Builds the frame (Ethernet .. payload) without the authenticator; its length, or -ENOSPC. */
int ovl_frame_build(uint8_t *out, size_t cap, const struct ovl_spec *s);
/* The authenticator of a built frame of len bytes, with key. */
uint64_t ovl_frame_auth(const uint64_t key[2], const uint8_t *frame, size_t len);
/* Writes the authenticator into the frame. */
void ovl_frame_sign(const uint64_t key[2], uint8_t *frame, size_t len);
/* Offsets in a frame. */
#define OVL_F_HDR   (14 + 20 + 8)
#define OVL_F_INNER (OVL_F_HDR + 24)

#endif
