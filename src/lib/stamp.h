/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace twin of bpf/lib/stamp.h: the same SipHash-2-4 over the same
 * header fields, so tests and `hyperctl audit` can build valid, forged and
 * replayed stamps. Must stay bit-identical to the BPF version (the BPF
 * program tests check that).
 */
#ifndef HYP_STAMP_H
#define HYP_STAMP_H

#include <stddef.h>
#include <stdint.h>

uint64_t siphash24_4w(const uint64_t key[2], const uint64_t m[4]);
/* SipHash-2-4 of len bytes (the cluster overlay's authenticator, src/cluster/ovl_frame.c). */
uint64_t siphash24(const uint64_t key[2], const uint8_t *msg, size_t len);
/* frame: Ethernet frame starting at the destination MAC. */
uint64_t stamp_frame(const uint64_t key[2], const uint8_t *frame, size_t len);
void stamp_mac(uint64_t h, uint8_t mac[6]);
/* Writes the stamp into the frame's destination MAC. */
void stamp_apply(const uint64_t key[2], uint8_t *frame, size_t len);

#endif
