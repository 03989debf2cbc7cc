/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The translation tables: SNAT of flows SNICs open to the outside (out by
 * conntrack key, back by what the replies carry) and the published ports
 * (in by port and protocol, back by the SNIC's address and port). Pinned by
 * name: the bridge ports' program and the uplink's share them.
 */
#ifndef HYP_BPF_MAPS_NAT_H
#define HYP_BPF_MAPS_NAT_H

#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HYP_CT_MAX);
	__type(key, struct hyp_ct_key);
	__type(value, struct hyp_nat_val);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_nat SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HYP_CT_MAX);
	__type(key, struct hyp_nat_rev_key);
	__type(value, struct hyp_nat_val);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_nat_rev SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HYP_MAX_PUBLISH);
	__type(key, struct hyp_pub_key);
	__type(value, struct hyp_pub_val);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_publish SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HYP_MAX_PUBLISH);
	__type(key, struct hyp_pub_rev_key);
	__type(value, __u16);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_pub_rev SEC(".maps");

#endif /* HYP_BPF_MAPS_NAT_H */
