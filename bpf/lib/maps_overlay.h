/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The cluster overlay's tables (abi.h, "Cluster overlay"), pinned by name. */
#ifndef HYP_BPF_MAPS_OVERLAY_H
#define HYP_BPF_MAPS_OVERLAY_H

#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HYP_OVL_MAX_PEERS);
	__type(key, __u32);
	__type(value, struct hyp_ovl_peer);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_ovl_peers SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HYP_OVL_MAX_PEERS);
	__type(key, __u32);
	__type(value, struct hyp_ovl_rx);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_ovl_rx SEC(".maps");

/* next sequence number to send, per receiving node */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HYP_OVL_MAX_PEERS);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_ovl_tx SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, HYP_OVL_MAX_ROUTES);
	__type(key, struct hyp_ovl_route_key);
	__type(value, __u32);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_ovl_routes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, HYP_OVL_MAX_ROUTES);
	__type(key, struct hyp_ovl_route6_key);
	__type(value, __u32);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_ovl_routes6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hyp_ovl_self);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_ovl_self SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HYP_MAX_ENDPOINTS * 4);
	__type(key, __u32);
	__type(value, struct hyp_ovl_ep);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_ovl_eps SEC(".maps");

/* Remote endpoints' IPv6 addresses (from etcd) -> identity and node. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HYP_MAX_ENDPOINTS * 4);
	__type(key, struct hyp_ep6_key);
	__type(value, struct hyp_ovl_ep);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_ovl_eps6 SEC(".maps");

/* The node whose block holds daddr, 0 when none (a local or unknown address). */
static __always_inline __u32 ovl_route(__be32 daddr)
{
	struct hyp_ovl_route_key k = {.prefixlen = 32, .addr = daddr};
	__u32 *node = bpf_map_lookup_elem(&hyp_ovl_routes, &k);

	return node ? *node : 0;
}

/* The node whose IPv6 /64 holds daddr (network order words), 0 when none. */
static __always_inline __u32 ovl_route6(const __u32 *daddr)
{
	struct hyp_ovl_route6_key k = {.prefixlen = 128};
	__u32 *node;

	__builtin_memcpy(k.addr, daddr, 16);
	node = bpf_map_lookup_elem(&hyp_ovl_routes6, &k);
	return node ? *node : 0;
}

#endif /* HYP_BPF_MAPS_OVERLAY_H */
