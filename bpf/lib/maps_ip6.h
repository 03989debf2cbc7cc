/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The bridge's IPv6 tables (include/hyperion/abi_ip6.h): endpoints by
 * IPv6 address, each port's IPv6 binding, the bridge's IPv6 config, the
 * IPv6 conntrack table (values and owner counts shared with IPv4:
 * maps_ct.h) and the IPv6 ipBlock rules. Pinned by name, as the others.
 */
#ifndef HYP_BPF_MAPS_IP6_H
#define HYP_BPF_MAPS_IP6_H

#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HYP_MAX_ENDPOINTS);
	__type(key, struct hyp_ep6_key);
	__type(value, struct hyp_endpoint);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_endpoints6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HYP_MAX_ENDPOINTS);
	__type(key, __u32);
	__type(value, struct hyp_port6);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_ports6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hyp_config6);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_config6 SEC(".maps");

/* As hyp_ct: a plain hash, entries charged to their owner (ct_quota.h). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HYP_CT6_MAX);
	__type(key, struct hyp_ct6_key);
	__type(value, struct hyp_ct_val);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_ct6 SEC(".maps");

/* As hyp_ct_recent: keys of recent new IPv6 flows, where a full hyp_ct6
 * looks for an unreplied entry to evict (ct6.h). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, HYP_CT_RECENT);
	__type(key, __u32);
	__type(value, struct hyp_ct6_key);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_ct6_recent SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, HYP_POLICY6_MAX_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct hyp_policy6_key);
	__type(value, struct hyp_policy_val);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_policy6 SEC(".maps");

#endif /* HYP_BPF_MAPS_IP6_H */
