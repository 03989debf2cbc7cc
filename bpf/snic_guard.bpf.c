// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * SNIC guard ("Hyperion Secure Interface"): tcx egress of the SNIC inside
 * the container netns. Drops spoofed frames before they leave the
 * container and stamps every frame it passes with a keyed MAC that only
 * the bridge port can verify. One program serves all SNICs of an
 * instance; the SNIC is found by (netns cookie, ifindex).
 */
#include "lib/common.h"
#include <bpf/bpf_core_read.h>
#include "lib/parse.h"
#include "lib/counters.h"
#include "lib/stamp.h"
#include "lib/events.h"
#include "lib/guard6.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HYP_MAX_GUARDS);
	__type(key, struct hyp_guard_key);
	__type(value, struct hyp_guard);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_guards SEC(".maps");

/* The IPv6 binding of a SNIC (abi_ip6.h); none: it sends no IPv6. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HYP_MAX_GUARDS);
	__type(key, struct hyp_guard_key);
	__type(value, struct hyp_guard6);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_guards6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, HYP_MAX_DROP_KEYS);
	__type(key, struct hyp_drop_key);
	__type(value, struct hyp_counter);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hyp_guard_drops SEC(".maps");

extern void *bpf_cast_to_kern_ctx(void *obj) __ksym;

/*
 * The cookie of the device's netns. bpf_get_netns_cookie() in tc programs
 * answers for init_net on this kernel, so read it through the kernel skb.
 * The kernel skb is a trusted BTF pointer: the walk is three plain loads
 * (the verifier guards them), not three bpf_probe_read_kernel() calls.
 */
static __always_inline __u64 skb_netns_cookie(struct __sk_buff *ctx)
{
	struct sk_buff *skb = bpf_cast_to_kern_ctx(ctx);

	return skb->dev->nd_net.net->net_cookie;
}

static __always_inline int guard_drop(struct __sk_buff *skb, __u32 snic_id, __u32 reason)
{
	struct hyp_drop_key k = {.ifindex = snic_id, .reason = reason};

	counter_add(&hyp_guard_drops, &k, skb->len);
	event_guard_drop(skb, snic_id, reason);
	return TC_ACT_SHOT;
}

static __always_inline int check_source(struct __sk_buff *skb, const struct hyp_guard *g,
					struct cursor *c, struct ethhdr *eth, int proto)
{
	struct arp_ipv4 *arp;
	struct iphdr *ip;
	int err;

	if (!mac_eq(eth->h_source, g->mac))
		return HYP_DROP_SPOOFED_SRC_MAC;
	if (proto == ETH_P_ARP) {
		err = parse_arp(c, &arp);
		if (err == -1)
			return HYP_DROP_MALFORMED;
		if (err)
			return HYP_DROP_ARP_UNSUPPORTED;
		if (!mac_eq(arp->sha, g->mac) || arp->spa != g->ip || !g->ip)
			return HYP_DROP_ARP_SPOOF;
		return 0;
	}
	err = parse_ipv4(c, &ip);
	if (err == -1)
		return HYP_DROP_MALFORMED;
	if (err == -2)
		return HYP_DROP_IP_OPTIONS;
	if (ip->saddr != g->ip || !g->ip) /* ip 0: an IPv6-only SNIC */
		return HYP_DROP_SPOOFED_SRC_IP;
	return 0;
}

SEC("tc")
int hyp_guard_egress(struct __sk_buff *skb)
{
	struct cursor c = {.pos = (void *)(long)skb->data, .end = (void *)(long)skb->data_end};
	struct hyp_guard_key k = {};
	struct hyp_guard *g;
	struct ethhdr *eth;
	void *l3;
	int proto, reason;

	k.netns_cookie = skb_netns_cookie(skb);
	k.ifindex = skb->ifindex;
	g = bpf_map_lookup_elem(&hyp_guards, &k);
	if (!g)
		return guard_drop(skb, 0, HYP_DROP_NO_PORT);
	proto = parse_eth(&c, &eth);
	if (proto < 0)
		return guard_drop(skb, g->snic_id, HYP_DROP_MALFORMED);
	l3 = c.pos;
	switch (classify(skb, proto)) {
	case FRAME_IPV4:
	case FRAME_ARP:
		break;
	case FRAME_VLAN:
		return guard_drop(skb, g->snic_id, HYP_DROP_VLAN);
	case FRAME_IPV6:
		reason = guard6_check(skb, g, bpf_map_lookup_elem(&hyp_guards6, &k), eth, l3, c.end);
		return reason ? guard_drop(skb, g->snic_id, reason) : TC_ACT_OK;
	case FRAME_LLDP:
		return guard_drop(skb, g->snic_id, HYP_DROP_LLDP);
	default:
		return guard_drop(skb, g->snic_id, HYP_DROP_ETHERTYPE);
	}
	reason = check_source(skb, g, &c, eth, proto);
	if (reason)
		return guard_drop(skb, g->snic_id, reason);
	stamp_to_mac(stamp_compute(skb, g->key, eth, proto, l3, c.end), eth->h_dest);
	return TC_ACT_OK;
}
