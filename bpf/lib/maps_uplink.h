/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The north-south tables: the uplink (the bridge's port to the outside),
 * pinned by name and shared by the bridge ports' program and the uplink's.
 */
#ifndef HYP_BPF_MAPS_UPLINK_H
#define HYP_BPF_MAPS_UPLINK_H

#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hyp_uplink);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_uplink SEC(".maps");

static __always_inline const struct hyp_uplink *uplink_get(void)
{
	__u32 zero = 0;
	const struct hyp_uplink *u = bpf_map_lookup_elem(&hyp_uplink, &zero);

	return u && u->ifindex ? u : NULL;
}

/* Its IPv6 side (abi_ip6.h): prefixlen 0, no IPv6 through the uplink. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hyp_uplink6);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_uplink6 SEC(".maps");

static __always_inline const struct hyp_uplink6 *uplink6_get(void)
{
	__u32 zero = 0;
	const struct hyp_uplink6 *u6 = bpf_map_lookup_elem(&hyp_uplink6, &zero);

	return u6 && u6->prefixlen ? u6 : NULL;
}

#endif /* HYP_BPF_MAPS_UPLINK_H */
