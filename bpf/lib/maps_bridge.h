/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The bridge's topology tables: its ports (keyed by ifindex, each bound to
 * one SNIC), the endpoints (keyed by IPv4) and the bridge config. Pinned by
 * name so they outlive the daemon.
 */
#ifndef HYP_BPF_MAPS_BRIDGE_H
#define HYP_BPF_MAPS_BRIDGE_H

#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HYP_MAX_ENDPOINTS);
	__type(key, struct hyp_ep_key);
	__type(value, struct hyp_endpoint);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_endpoints SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HYP_MAX_ENDPOINTS);
	__type(key, __u32);
	__type(value, struct hyp_port);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hyp_config);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_config SEC(".maps");

#endif /* HYP_BPF_MAPS_BRIDGE_H */
