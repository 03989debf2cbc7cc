/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The bridge port's IPv6 pipeline: a program of its own, tail-called by
 * hyp_port_ingress when frame_stage finds an IPv6 frame (ingress6_go), so
 * IPv4 frames pay nothing and each program has its own 512 bytes of stack.
 * It reads top to bottom as the IPv4 one does; every frame it neither
 * forwards nor answers leaves through drop6(). When the tail call cannot
 * be made the IPv4 program drops the frame (ipv6): nothing IPv6 passes
 * without this pipeline. docs: /work/notes/issue17-abi.md.
 */
#ifndef HYP_BPF_INGRESS6_H
#define HYP_BPF_INGRESS6_H

#include "pipeline6.h"
#include "nd.h"
#include "ra.h"
#include "flow6.h"
#include "ct6.h"
#include "policy6.h"
#include "inspect6.h"
#include "reset6.h"
#include "overlay6_out.h"

/* Headers, source, stamp, ND; 0 to go on to the flow stages, -1 when the
 * frame was answered (*verdict), else a drop reason. */
static __always_inline int ingress6_front(struct pkt6 *c, int *verdict)
{
	__u32 target[4];
	int err;

	err = port6_stage(c);
	if (!err)
		err = parse6_stage(c);
	if (!err)
		err = source6_stage(c);
	if (err)
		return err;
	dest6_lookup(c);
	err = stamp6_stage(c);
	if (err || !icmp6_is_nd(c))
		return err;
	if (c->icmp_type == ICMP6_RS)
		return rs_stage(c, verdict);
	err = nd_stage(c, target);
	if (err)
		return err;
	*verdict = na_reply(c, target);
	return *verdict == TC_ACT_SHOT ? HYP_DROP_MALFORMED : -1;
}

SEC("tc")
int hyp_port_ingress6(struct __sk_buff *skb)
{
	struct pkt6 c = {.skb = skb};
	int err, verdict = TC_ACT_SHOT;

	err = ingress6_front(&c, &verdict);
	if (err < 0)
		return verdict;
	if (!err)
		err = dest6_stage(&c);
	if (!err && c.l4.proto == NH_ICMPV6 && c.icmp_type < 128 && !icmp6_is_error(&c))
		err = HYP_DROP_ICMP6_TYPE;
	if (!err && c.l4.proto == NH_ICMPV6 && c.icmp_type > ICMP6_ECHO_REPLY)
		err = HYP_DROP_ICMP6_TYPE;
	if (!err)
		err = flow6_stage(&c);
	if (!err && icmp6_is_error(&c)) {
		err = related6(skb, c.l4.off, &c.key, c.rev, 0);
		goto out;
	}
	if (!err)
		err = ct6_lookup_stage(&c);
	if (!err)
		err = policy6_stage(&c);
	if (!err) {
		inspect6_plan(&c); /* which inspections the flow pays for */
		err = ct6_commit_stage(&c);
	}
	if (!err)
		err = inspect6_stage(&c); /* the payload against the endpoints' patterns */
	if (err == HYP_DROP_INSPECT_MATCH && c.key.proto == IPPROTO_TCP && !c.out && !c.ovl_node)
		return reset6_both(&c); /* both ends reset (reset6.h) */
out:
	if (!err && c.ovl_node) { /* another node's endpoint: through the overlay */
		__u32 mtu = 0;

		verdict = to_overlay6(&c, &mtu);
		if (verdict >= 0)
			return verdict;
		err = -verdict;
		if (err == HYP_DROP_OVL_TOO_BIG) { /* counted, answered */
			drop6(skb, c.ifindex, err, c.port->identity);
			return icmp6_err_reply(skb, c.ifindex, ICMP6_PTB, mtu);
		}
	}
	if (!err && c.out) {
		verdict = to_outside6(skb, c.ifindex);
		if (verdict >= 0)
			return verdict;
		err = -verdict;
		if (err == HYP_DROP_UPLINK_MTU || err == HYP_DROP_HOP_LIMIT) { /* counted, answered */
			drop6(skb, c.ifindex, err, c.port->identity);
			return icmp6_err_reply(skb, c.ifindex,
					       err == HYP_DROP_UPLINK_MTU ? ICMP6_PTB
									  : ICMP6_TIME_EXCEEDED,
					       0);
		}
	}
	if (!err && !c.ep)
		err = HYP_DROP_UNKNOWN_DST; /* not reached: for the verifier */
	if (err)
		return drop6(skb, c.ifindex, err, c.port ? c.port->identity : 0);
	mac_copy(c.eth->h_dest, c.ep->mac);
	stat_add(c.ifindex, HYP_STAT_FWD, skb->len);
	return bpf_redirect_peer(c.ep->port_ifindex, 0);
}

/* The tail-call table: its one slot is the IPv6 pipeline (libbpf fills
 * it at load). Pinned, so it keeps its slot between daemon runs. */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(__u32));
	__uint(pinning, LIBBPF_PIN_BY_NAME);
	__array(values, int(void *));
} hyp_prog6 SEC(".maps") = {
    .values = {[0] = (void *)&hyp_port_ingress6},
};

/* From hyp_port_ingress: on to the IPv6 pipeline; returns only when it is not there. */
static __always_inline void ingress6_go(struct __sk_buff *skb)
{
	bpf_tail_call(skb, &hyp_prog6, 0);
}

#endif /* HYP_BPF_INGRESS6_H */
