/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The Internet checksum of the frames the bridge builds itself: the
 * running sum bpf_csum_diff returns, folded to 16 bits and complemented
 * (RFC 1071). ICMPv6 (icmp6_tx.h) and ICMP with its IPv4 header
 * (icmp4_err.h) both end here.
 */
#ifndef HYP_BPF_CSUM_FOLD_H
#define HYP_BPF_CSUM_FOLD_H

#include "common.h"

static __always_inline __u16 csum_fold_diff(__s64 s)
{
	__u64 x = (__u32)s;

	x = (x & 0xffff) + (x >> 16);
	x = (x & 0xffff) + (x >> 16);
	return (__u16)~x;
}

#endif /* HYP_BPF_CSUM_FOLD_H */
