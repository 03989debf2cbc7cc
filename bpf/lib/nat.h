/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * SNAT stage: a flow a SNIC opens to the outside leaves with the uplink
 * address and a port (ICMP echo: an id) of HYP_NAT_PORT_MIN..MAX, chosen
 * at its first packet among the ones free towards that peer (the same
 * port serves several peers, as each reply names its peer) and not
 * published; its replies are translated back before conntrack sees them,
 * so conntrack, policy and inspection work on the SNIC's own addresses.
 */
#ifndef HYP_BPF_NAT_H
#define HYP_BPF_NAT_H

#include "pipeline.h"
#include "maps_nat.h"
#include "events.h"
#include "nat_csum.h"

/* What a reply from the outside to this flow carries. */
static __always_inline void nat_rev_key(const struct hyp_ct_key *ck, __u16 nport,
					struct hyp_nat_rev_key *rk)
{
	__builtin_memset(rk, 0, sizeof(*rk));
	rk->raddr = ck->daddr;
	rk->rport = ck->proto == IPPROTO_ICMP ? 0 : ck->dport;
	rk->nport = nport;
	rk->proto = ck->proto;
}

/*
 * A port for the flow ck (the SNIC's view) towards its peer, recorded
 * both ways; 0 or -1 when none of the tries is free. Inlined into
 * to_outside (uplink_out.h), which is off the pipeline's stack already:
 * a call deeper would add a frame to the deepest chain.
 */
static __always_inline int snat_alloc(const struct hyp_ct_key *ck, __u32 uip,
				      struct hyp_nat_val *out)
{
	__u32 span = HYP_NAT_PORT_MAX - HYP_NAT_PORT_MIN + 1, start = bpf_get_prandom_u32();
	struct hyp_nat_val back = {}, *have;
	struct hyp_nat_rev_key rk;
	struct hyp_pub_key pk = {};

	if (!ck || !out)
		return -1;
	back.addr = ck->saddr;
	back.port = ck->sport;
	for (int i = 0; i < HYP_NAT_TRIES; i++) {
		__u16 port = (__u16)(HYP_NAT_PORT_MIN + (start + i) % span);

		pk.port = port;
		pk.proto = ck->proto;
		if (bpf_map_lookup_elem(&hyp_publish, &pk))
			continue;
		nat_rev_key(ck, port, &rk);
		if (bpf_map_update_elem(&hyp_nat_rev, &rk, &back, BPF_NOEXIST))
			continue;
		out->addr = uip;
		out->port = port;
		out->pad = 0;
		if (!bpf_map_update_elem(&hyp_nat, ck, out, BPF_NOEXIST))
			return 0;
		/* another CPU translated the flow first: its port it is */
		bpf_map_delete_elem(&hyp_nat_rev, &rk);
		have = bpf_map_lookup_elem(&hyp_nat, ck);
		if (!have)
			return -1;
		*out = *have;
		return 0;
	}
	return -1;
}

/* The SNIC's packet (flow key ck, as it carries it) of a flow it opened:
 * its source becomes the uplink's. */
static __always_inline int snat_stage(struct __sk_buff *skb, const struct hyp_ct_key *ck,
				      const struct hyp_uplink *u)
{
	struct hyp_nat_val nv, *v;

	v = bpf_map_lookup_elem(&hyp_nat, ck);
	if (v && v->addr == u->ip) {
		nv = *v;
	} else {
		if (v) /* made for an uplink address that changed since */
			bpf_map_delete_elem(&hyp_nat, ck);
		if (snat_alloc(ck, u->ip, &nv))
			return HYP_DROP_NAT_NO_PORT;
		event_nat(skb, ck, &nv); /* a new translation: the flow's one NAT event */
	}
	if (nat_rewrite(skb, 1, ck->proto, ck->saddr, nv.addr, ck->sport, nv.port))
		return HYP_DROP_MALFORMED;
	return 0;
}

/*
 * A packet from the outside to the uplink address: the reply of a
 * translated flow? Then the flow's SNIC address and port (back); 0: none.
 */
static __always_inline int snat_back_lookup(const struct flow *f, struct hyp_nat_val *back)
{
	struct hyp_nat_rev_key rk = {};
	const struct hyp_nat_val *v;

	rk.raddr = f->key.saddr;
	rk.rport = f->key.proto == IPPROTO_ICMP ? 0 : f->key.sport;
	rk.nport = f->key.dport;
	rk.proto = f->key.proto;
	v = bpf_map_lookup_elem(&hyp_nat_rev, &rk);
	if (!v)
		return 0;
	*back = *v;
	return 1;
}

#endif /* HYP_BPF_NAT_H */
