/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Conntrack for IPv6 (conntrack.h for the model): the same states,
 * timeouts, TCP state machine and per-owner quota, in the table of IPv6
 * flows (hyp_ct6). ICMPv6 echo plays ICMP echo's part. A full hyp_ct6
 * makes room as a full hyp_ct does (ct_quota.h, early drop): a new flow
 * evicts one unreplied IPv6 entry of another endpoint that holds more
 * (counts shared by both families), found in a sample of recent new IPv6
 * flows (hyp_ct6_recent); else it is refused (ct-full).
 */
#ifndef HYP_BPF_CT6_H
#define HYP_BPF_CT6_H

#include "pipeline6.h"
#include "conntrack.h"

#define ICMP6_ECHO	 128
#define ICMP6_ECHO_REPLY 129

static __always_inline void ct6_reverse(const struct hyp_ct6_key *k, struct hyp_ct6_key *r)
{
	__builtin_memset(r, 0, sizeof(*r));
	ip6_copy(r->saddr, k->daddr);
	ip6_copy(r->daddr, k->saddr);
	r->sport = k->dport;
	r->dport = k->sport;
	r->proto = k->proto;
}

/* ICMPv6 times as ICMP (hyp_ct_timeout knows protocol 1). */
static __always_inline __u64 ct6_timeout(const struct hyp_ct_val *v, __u8 proto)
{
	return hyp_ct_timeout(proto == NH_ICMPV6 ? IPPROTO_ICMP : proto, v->state) * NS;
}

static __always_inline void ct6_delete(const struct hyp_ct6_key *k, __u32 owner)
{
	__u32 *c;

	if (bpf_map_delete_elem(&hyp_ct6, k))
		return;
	c = bpf_map_lookup_elem(&hyp_ct_owners, &owner);
	if (c)
		__sync_fetch_and_sub(c, 1);
}

static __always_inline int ct6_may_start(const struct pkt6 *c)
{
	if (c->key.proto == IPPROTO_TCP)
		return (c->tcp_flags & (TCP_SYN | TCP_ACK | TCP_RST | TCP_FIN)) == TCP_SYN;
	if (c->key.proto == NH_ICMPV6)
		return c->icmp_type == ICMP6_ECHO;
	return 1;
}

/* As ct_lookup_stage: the entry (NULL: new), the direction, whether policy decides. */
static __always_inline int ct6_lookup_stage(struct pkt6 *c)
{
	struct hyp_ct6_key rkey;
	/* the coarse clock, as IPv4 (conntrack.h): timeouts are seconds */
	__u64 now = bpf_ktime_get_coarse_ns();
	struct hyp_ct_val *v;
	int reply = 0;

	/* as IPv4 (conntrack.h): lower port to higher is looked up as a reply first */
	reply = c->key.sport < c->key.dport;
	if (reply)
		ct6_reverse(&c->key, &rkey);
	else
		rkey = c->key;
	v = bpf_map_lookup_elem(&hyp_ct6, &rkey);
	if (!v) {
		reply = !reply;
		if (reply)
			ct6_reverse(&c->key, &rkey);
		else
			rkey = c->key;
		v = bpf_map_lookup_elem(&hyp_ct6, &rkey);
	}
	if (!v)
		reply = 0;
	/* rkey: the key of the entry found */
	if (v && now > v->last_seen && now - v->last_seen > ct6_timeout(v, c->key.proto)) {
		ct6_delete(&rkey, v->owner);
		v = NULL;
		reply = 0;
	}
	if (v && !reply && c->key.proto == IPPROTO_TCP &&
	    (c->tcp_flags & (TCP_SYN | TCP_ACK | TCP_RST | TCP_FIN)) == TCP_SYN &&
	    v->state >= HYP_CT_ESTABLISHED && v->state <= HYP_CT_CLOSING) {
		ct6_delete(&c->key, v->owner);
		v = NULL;
	}
	c->now = now;
	c->ct = v;
	c->reply = (__u8)reply;
	if (!v) {
		c->check = 1;
		return ct6_may_start(c) ? 0 : HYP_DROP_CT_INVALID;
	}
	if (c->key.proto == NH_ICMPV6 && c->icmp_type != (reply ? ICMP6_ECHO_REPLY : ICMP6_ECHO))
		return HYP_DROP_CT_INVALID;
	c->check = v->rev != c->rev;
	return 0;
}

/* Samples a new IPv6 flow's key for ct6_evict (as ct_remember). */
static __always_inline void ct6_remember(const struct hyp_ct6_key *k)
{
	__u32 slot = bpf_get_prandom_u32() & (HYP_CT_RECENT - 1);
	struct hyp_ct6_key *s = bpf_map_lookup_elem(&hyp_ct6_recent, &slot);

	if (s)
		*s = *k;
}

/* As ct_evict, in hyp_ct6: 1 when an unreplied entry of a bigger holder went. */
static __noinline int ct6_evict(__u32 owner, __u32 held)
{
	for (int i = 0; i < HYP_CT_EVICT_TRIES; i++) {
		__u32 slot = bpf_get_prandom_u32() & (HYP_CT_RECENT - 1), *c;
		struct hyp_ct6_key *s = bpf_map_lookup_elem(&hyp_ct6_recent, &slot), k;
		struct hyp_ct_val *v;

		if (!s)
			continue;
		k = *s;
		v = bpf_map_lookup_elem(&hyp_ct6, &k);
		if (!ct_evictable(v, owner, held, &c))
			continue;
		if (bpf_map_delete_elem(&hyp_ct6, &k))
			continue;
		if (c)
			__sync_fetch_and_sub(c, 1);
		return 1;
	}
	return 0;
}

/* A new IPv6 flow, allowed: its entry was just made. */
static __always_inline void event_flow6(const struct pkt6 *c)
{
	struct hyp_flow_event6 *e = ev6_reserve(c->ifindex, HYP_EV_FLOW, HYP_EVCFG_FLOWS);

	if (!e)
		return;
	e->e.ifindex = c->ifindex;
	e->e.len = c->skb->len;
	e->e.rev = c->rev;
	e->e.proto = c->key.proto;
	e->e.tcp_flags = c->tcp_flags;
	e->e.sport = c->key.sport;
	e->e.dport = c->key.dport;
	e->e.src_id = c->src_id;
	e->e.dst_id = c->dst_id;
	ip6_copy(e->saddr6, c->key.saddr);
	ip6_copy(e->daddr6, c->key.daddr);
	ev6_submit(e);
}

/* A new entry for c's flow, with the inspections it pays for, charged to
 * the sender's SNIC (ct_charge's rules), room made as ct_create does; 0 or
 * a drop reason. */
static __noinline int ct6_create(const struct pkt6 *c)
{
	const struct hyp_ct6_key *key = &c->key;
	__u32 owner, quota;
	struct hyp_ct_val nv;
	__u32 *held;
	int err;

	if (!c)
		return HYP_DROP_CT_FULL;
	owner = c->port->snic_id;
	quota = c->cfg->ct_quota ? c->cfg->ct_quota : HYP_CT_QUOTA_DEFAULT;
	held = ct_owner_count(owner);
	if (!held)
		return HYP_DROP_CT_FULL;
	if (__sync_fetch_and_add(held, 1) >= quota) {
		__sync_fetch_and_sub(held, 1);
		return HYP_DROP_CT_QUOTA;
	}
	__builtin_memset(&nv, 0, sizeof(nv));
	nv.last_seen = c->now;
	nv.packets = 1;
	nv.rev = c->rev;
	nv.insp = c->insp;
	nv.state = key->proto == IPPROTO_TCP ? HYP_CT_SYN_SENT : HYP_CT_NEW;
	nv.owner = owner;
	err = (int)bpf_map_update_elem(&hyp_ct6, key, &nv, BPF_NOEXIST);
	if (err == -E2BIG && ct6_evict(owner, *held))
		err = (int)bpf_map_update_elem(&hyp_ct6, key, &nv, BPF_NOEXIST);
	if (err) {
		__sync_fetch_and_sub(held, 1);
	} else {
		ct6_remember(key);
		event_flow6(c); /* made by this packet: the flow's one event */
	}
	return err == -E2BIG ? HYP_DROP_CT_FULL : 0;
}

/* As ct_commit_stage. */
static __always_inline int ct6_commit_stage(struct pkt6 *c)
{
	struct hyp_ct_val *v = c->ct;
	struct hyp_ct6_key k;
	int reason;

	if (!v) {
		reason = ct6_create(c);
		/* the new flow's inspection state, for its first packet */
		c->ct = reason ? NULL : bpf_map_lookup_elem(&hyp_ct6, &c->key);
		return reason;
	}
	if (c->check) {
		v->rev = c->rev;
		v->insp = c->insp;
	}
	if (c->key.proto == IPPROTO_TCP) {
		reason = ct_tcp(v, c->tcp_flags, c->reply);
		if (reason)
			return reason;
		if (c->tcp_flags & TCP_RST) {
			if (c->reply)
				ct6_reverse(&c->key, &k);
			else
				k = c->key;
			ct6_delete(&k, v->owner);
			c->ct = NULL; /* passes without an entry, as IPv4 */
			return 0;
		}
	} else if (c->reply && v->state != HYP_CT_REPLIED) {
		v->state = HYP_CT_REPLIED;
	}
	if (v->last_seen != c->now)
		v->last_seen = c->now;
	return 0;
}

#endif /* HYP_BPF_CT6_H */
