/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Flow and drop events of the IPv6 pipeline (events.h for the model):
 * struct hyp_flow_event6 records (abi_ip6.h), the IPv4 record with
 * version HYP_EVENT_VERSION6 and the two IPv6 addresses after it, within
 * the same per-port budget as IPv4's.
 */
#ifndef HYP_BPF_EVENTS6_H
#define HYP_BPF_EVENTS6_H

#include "events.h"

/* A zeroed IPv6 event of type on the ring, charged to budget key, or NULL. */
static __always_inline struct hyp_flow_event6 *ev6_reserve(__u32 key, __u8 type, __u32 flag)
{
	struct hyp_flow_event6 *e;
	__u64 now;

	if (!ev_admit(key, flag, &now))
		return NULL;
	e = bpf_ringbuf_reserve(&hyp_flow_events, sizeof(*e), 0);
	if (!e) {
		ev_stat(HYP_EVSTAT_RING_FULL);
		return NULL;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->e.ts = now;
	e->e.version = HYP_EVENT_VERSION6;
	e->e.type = type;
	return e;
}

static __always_inline void ev6_submit(struct hyp_flow_event6 *e)
{
	bpf_ringbuf_submit(e, 0);
	ev_stat(HYP_EVSTAT_SENT);
}

/* What the frame's IPv6 header says: addresses, and with no extension
 * header, the protocol, ports and TCP flags. */
static __always_inline void ev6_headers(struct hyp_flow_event6 *e, struct __sk_buff *skb)
{
	__u32 ip = sizeof(struct ethhdr), l4 = ip + 40;
	__u8 h[2];

	if (bpf_skb_load_bytes(skb, ip, h, 1) || (h[0] >> 4) != 6 ||
	    bpf_skb_load_bytes(skb, ip + 8, e->saddr6, 32) ||
	    bpf_skb_load_bytes(skb, ip + 6, &e->e.proto, 1))
		return;
	if (e->e.proto != IPPROTO_TCP && e->e.proto != IPPROTO_UDP && e->e.proto != IPPROTO_SCTP)
		return;
	if (bpf_skb_load_bytes(skb, l4, &e->e.sport, 4)) {
		e->e.sport = e->e.dport = 0;
		return;
	}
	e->e.sport = bpf_ntohs(e->e.sport);
	e->e.dport = bpf_ntohs(e->e.dport);
	if (e->e.proto == IPPROTO_TCP && bpf_skb_load_bytes(skb, l4 + 13, &e->e.tcp_flags, 1))
		e->e.tcp_flags = 0;
}

#endif /* HYP_BPF_EVENTS6_H */
