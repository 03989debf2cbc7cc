/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Common includes and constants for Hyperion BPF programs. */
#ifndef HYP_BPF_COMMON_H
#define HYP_BPF_COMMON_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "hyperion/abi.h"

#define ETH_ALEN      6
#define ETH_P_IP      0x0800
#define ETH_P_ARP     0x0806
#define ETH_P_8021Q   0x8100
#define ETH_P_8021AD  0x88A8
#define ETH_P_QINQ1   0x9100
#define ETH_P_IPV6    0x86DD
#define ETH_P_LLDP    0x88CC
#define ARPHRD_ETHER  1
#define ARPOP_REQUEST 1
#define ARPOP_REPLY   2

#define TC_ACT_OK	0
#define TC_ACT_SHOT	2
#define TC_ACT_REDIRECT 7

#define E2BIG 7

#define IP_MF	  0x2000
#define IP_OFFSET 0x1fff

#endif /* HYP_BPF_COMMON_H */
