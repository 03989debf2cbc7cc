/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The DFA walk of the inspection stage (inspect.h). A payload range goes
 * through one automaton in 64-byte blocks from bpf_loop (so any length,
 * and the paged data of GSO super-packets, work) and a per-byte tail. A
 * drop pattern stops the walk; an alert pattern is reported and the walk
 * goes on, so a drop pattern later in the same segment is still found.
 * Alerts are reported per pattern (the row it ends in), flow and endpoint
 * direction, at most once per HYP_ALERT_INTERVAL_NS (hyp_alerts).
 */
#ifndef HYP_BPF_INSPECT_WALK_H
#define HYP_BPF_INSPECT_WALK_H

#include "pipeline.h"
#include "maps_inspect.h"

/* What an event names, and the last alert of this walk (scalars only: a
 * global function takes it). */
struct walk_who {
	struct hyp_alert_key k; /* flow, endpoint identity and direction; row: scratch */
	__u32 last_alert;	/* row + 1 of the last alert of this walk */
	__u64 now;		/* scratch */
};

struct walk {
	__u32 base;    /* first byte to walk, skb offset */
	__u32 tail;    /* skb offset of the bytes after the full blocks */
	__u32 state;   /* global DFA row */
	__u32 hit_off; /* bytes walked when the drop pattern ended */
	__u32 hit_row; /* the row it ended in */
	__u32 drop;    /* a drop pattern ended: the walk stopped there */
	__u32 err;     /* a byte could not be read: the walk is incomplete */
	__u32 pad;
	struct walk_who who;
};

/* The packet's payload (skb offsets) and, TCP, its header fields. */
struct tcp_seg {
	__u32 seq, ack;
	__u32 base, end;
	__u16 win;
	__u8 flags;
	__u8 optlen;
};

/*
 * The packet being inspected, its walk and the block the walk reads, per
 * CPU: the stack is deep here (the whole pipeline's, then the
 * inspection's), and an inspection is never interrupted by another on the
 * same CPU. Program-private. The options of a SYN are read into the block
 * too (inspect_norm.h).
 */
struct walk_scratch {
	struct flow f;
	struct tcp_seg t;
	struct walk w;
	__u8 block[HYP_DFA_BLOCK];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct walk_scratch);
} hyp_walk SEC(".maps");

/* What bpf_loop hands each step (it wants it on the stack). */
struct walk_loop {
	struct __sk_buff *skb;
	struct walk_scratch *ws;
};

static __always_inline struct walk_scratch *walk_scratch(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&hyp_walk, &zero);
}

static __always_inline void walk_event(const struct walk_who *w, __u8 action, __u32 row, __u32 off)
{
	struct hyp_inspect_event *e = bpf_ringbuf_reserve(&hyp_events, sizeof(*e), 0);

	if (!e)
		return;
	e->ts = bpf_ktime_get_ns();
	e->identity = w->k.identity;
	e->dir = w->k.dir;
	e->saddr = w->k.flow.saddr;
	e->daddr = w->k.flow.daddr;
	e->sport = w->k.flow.sport;
	e->dport = w->k.flow.dport;
	e->proto = w->k.flow.proto;
	e->action = action;
	e->pad = 0;
	e->row = row;
	e->offset = off;
	bpf_ringbuf_submit(e, 0);
}

/*
 * An alert pattern ended in row after walked bytes of this packet: an
 * event, unless this flow and endpoint direction reported the same
 * pattern less than HYP_ALERT_INTERVAL_NS ago. A global function: every
 * step of the walk may call it, and the verifier checks it once. Its key
 * and clock live in the caller's walk (the walk's stack is deep already).
 */
__noinline int walk_alert(struct walk_who *w, __u32 row, __u32 walked)
{
	__u64 *last;

	if (!w || w->last_alert == row + 1)
		return 0; /* the same pattern again in this packet */
	w->last_alert = row + 1;
	w->k.row = row;
	w->now = bpf_ktime_get_ns();
	last = bpf_map_lookup_elem(&hyp_alerts, &w->k);
	if (last && w->now - *last < HYP_ALERT_INTERVAL_NS)
		return 0;
	bpf_map_update_elem(&hyp_alerts, &w->k, &w->now, BPF_ANY);
	walk_event(w, HYP_INSPECT_ALERT, row, walked);
	return 0;
}

/*
 * One step of the DFA; 1 stops the walk. Offsets are derived from the
 * loop index, never carried in the context, so the verifier sees every
 * iteration alike.
 */
static __always_inline int dfa_step(struct walk *w, __u8 byte, __u32 walked)
{
	__u32 st = w->state & (HYP_DFA_ROWS - 1), next;
	struct hyp_dfa_row *row = bpf_map_lookup_elem(&hyp_dfa, &st);

	if (!row) {
		w->err = 1;
		return 1;
	}
	next = row->next[byte];
	w->state = next >> 2;
	if (!(next & 3))
		return 0;
	if (next & 2) { /* a drop pattern ended here */
		w->drop = 1;
		w->hit_row = w->state;
		w->hit_off = walked;
		return 1;
	}
	walk_alert(&w->who, w->state, walked);
	return 0;
}

static long walk_block(__u32 i, void *data)
{
	struct walk_loop *l = data;
	struct walk_scratch *ws = l->ws;
	__u32 j;

	if (!ws)
		return 1;
	if (bpf_skb_load_bytes(l->skb, ws->w.base + i * HYP_DFA_BLOCK, ws->block, HYP_DFA_BLOCK)) {
		ws->w.err = 1;
		return 1;
	}
	for (j = 0; j < HYP_DFA_BLOCK; j++)
		if (dfa_step(&ws->w, ws->block[j], i * HYP_DFA_BLOCK + j + 1))
			return 1;
	return 0;
}

static long walk_byte(__u32 i, void *data)
{
	struct walk_loop *l = data;
	struct walk *w;
	__u8 b;

	if (!l->ws)
		return 1;
	w = &l->ws->w;
	if (bpf_skb_load_bytes(l->skb, w->tail + i, &b, 1)) {
		w->err = 1;
		return 1;
	}
	return dfa_step(w, b, w->tail - w->base + i + 1);
}

/* Walks the skb's bytes [from, end) from ws->w.state. */
static __always_inline void walk_run(struct __sk_buff *skb, struct walk_scratch *ws, __u32 from,
				     __u32 end)
{
	struct walk_loop l = {.skb = skb, .ws = ws};

	ws->w.base = from;
	ws->w.tail = from + (end - from) / HYP_DFA_BLOCK * HYP_DFA_BLOCK;
	bpf_loop((end - from) / HYP_DFA_BLOCK, walk_block, &l, 0);
	if (!ws->w.drop && !ws->w.err)
		bpf_loop((end - from) % HYP_DFA_BLOCK, walk_byte, &l, 0);
}

#endif /* HYP_BPF_INSPECT_WALK_H */
