/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The DFA walk of the inspection stage (inspect.h). A payload range goes
 * through one automaton chunk by chunk (WALK_CHUNK bytes copied to a
 * per-CPU buffer, from bpf_loop: any length, and the paged data of GSO
 * super-packets, work).
 *
 * Fast path (iv_steps): a walk is a chain of dependent loads, one per
 * byte, so a chunk is cut into WALK_K segments walked at once, their
 * loads interleaved. It reads the compact copy of the automaton (hyp_dfc,
 * abi.h: byte classes, 16-bit entries, one flat value looked up once per
 * bpf_loop step, then plain masked loads: no helper call per byte, so the
 * segments' entries stay in registers), in hyp_dfa's state numbering. Segment 0 goes on from the flow's state; segment k
 * starts from the automaton's start state `overlap` bytes (the longest
 * pattern - 1) before its own bytes: an Aho-Corasick state is the longest
 * suffix of what was read that is a pattern prefix, at most that long,
 * so from its first own byte on segment k is in exactly the state one
 * walk from the start would be, and every match ending in its bytes is
 * seen. The last segment's state goes back to the flow. The fast path
 * only learns whether some pattern ended anywhere in the chunk (the OR
 * of the entries' flags); if one did, the chunk is walked again, exactly,
 * from the state it started in (walk_exact): which pattern, where, drop
 * or alert, are the exact walk's. A chunk too short to split, or an
 * automaton whose longest pattern is unknown or too long, is walked
 * exactly.
 *
 * Exact walk: 64-byte blocks from bpf_loop and a per-byte tail. A
 * drop pattern stops the walk; an alert pattern is reported and the walk
 * goes on, so a drop pattern later in the same segment is still found.
 * Alerts are reported per pattern (the row it ends in), flow and endpoint
 * direction, at most once per HYP_ALERT_INTERVAL_NS (hyp_alerts).
 */
#ifndef HYP_BPF_INSPECT_WALK_H
#define HYP_BPF_INSPECT_WALK_H

#include "pipeline.h"
#include "maps_inspect.h"
#include "inspect_ev6.h"

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
	__u32 skip;    /* bytes of the range before base (offsets in events count them) */
	__u32 root;    /* the automaton's start row */
	__u32 split;   /* longest pattern (overlap + 1); 0: never split */
	__u32 from;    /* the range: [from, end) */
	__u32 end;
	__u32 redo;    /* the exact walk goes on from here (end: nothing left) */
	__u32 dfc_tbl; /* the compact automaton (fast path): hyp_dfc key */
	__u32 dfc_off; /* its byte offset there */
	__u32 dfc_shift;
	__u32 pad;
	struct walk_who who;
};

#define WALK_K	    4	 /* interleaved segments */
#define WALK_CHUNK  2048 /* bytes walked at a time (a power of two) */
#define WALK_UNROLL 16	 /* steps of every segment per bpf_loop call */
/* Buffer bytes of each segment (a power of two): its own bytes, the
 * overlap (at most 254) and, the last one, the chunk's rest (< WALK_K). */
#define WALK_SEG 1024
_Static_assert(WALK_CHUNK / WALK_K + 255 + WALK_K <= WALK_SEG, "a segment fits its buffer");

/* The segments of the chunk being walked fast. */
struct walk_iv {
	__u32 s[WALK_K]; /* their states */
	__u32 c0;	 /* skb offset of the chunk */
	__u32 n;	 /* its bytes */
	__u32 seg;	 /* bytes each segment owns (the first: + overlap) */
	__u32 steps;	 /* bytes each segment walks; 0: cut the next chunk first */
	__u32 j;	 /* steps done */
	__u32 hit;	 /* OR of the entries read: some pattern ended */
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
	struct walk_iv iv;
	__u8 block[HYP_DFA_BLOCK];
	/* segment k's bytes at k * WALK_SEG: step j of every segment reads
	 * at one offset from one pointer (one load per byte) */
	__u8 buf[WALK_K * WALK_SEG];
	/* this CPU's waits for a gap to fill (inspect.h, gap_wait): ns it
	 * may still spend, when that was last counted, and the running
	 * wait's deadline; never cleared between packets */
	__u64 gap_credit;
	__u64 gap_at;
	__u64 gap_until;
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
	struct hyp_inspect_event *e;

	if (w->k.flow.pad[0] == HYP_INSPECT_EV_V6) { /* an IPv6 flow (inspect_ev6.h) */
		walk_event6(&w->k, action, row, off);
		return;
	}
	e = bpf_ringbuf_reserve(&hyp_events, sizeof(*e), 0);
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
	if (w->k.flow.pad[0] == HYP_INSPECT_EV_V6) { /* by its full addresses (inspect_ev6.h) */
		if (alert6_due(&w->k, w->now))
			walk_event(w, HYP_INSPECT_ALERT, row, walked);
		return 0;
	}
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
		w->hit_off = walked + w->skip;
		return 1;
	}
	walk_alert(&w->who, w->state, walked + w->skip);
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

/* Walks the skb's bytes [from, end) exactly, from ws->w.state (l: the
 * caller's loop context, on the outer walk's stack: the stack of the
 * frames of a walk adds up to at most 512 bytes). */
static __always_inline void walk_exact(struct walk_loop *l, struct walk_scratch *ws, __u32 from,
				       __u32 end)
{
	ws->w.base = from;
	ws->w.skip = from - ws->w.from;
	ws->w.tail = from + (end - from) / HYP_DFA_BLOCK * HYP_DFA_BLOCK;
	bpf_loop((end - from) / HYP_DFA_BLOCK, walk_block, l, 0);
	if (!ws->w.drop && !ws->w.err)
		bpf_loop((end - from) % HYP_DFA_BLOCK, walk_byte, l, 0);
}

/* Offsets into a compact value: a class map (1 KiB aligned), an entry. */
#define DFC_CLS_MASK (HYP_DFC_BYTES - HYP_DFC_CLS)
#define DFC_IDX_MASK (HYP_DFC_BYTES - 2)

/* The compact value of the walk: its class map in *cls. */
static __always_inline const __u8 *dfc_table(const struct walk *w, const __u8 **cls)
{
	__u32 t = w->dfc_tbl;
	struct hyp_dfc *d = bpf_map_lookup_elem(&hyp_dfc, &t);

	if (!d)
		return NULL;
	*cls = d->b + (w->dfc_off & DFC_CLS_MASK);
	return d->b;
}

/* One compact step from entry e on byte b: the next entry (tbl[(e << 7) +
 * cls[b]], masked: the mask drops e's flag). */
#define DFC_NEXT(tbl, cls, e, b)                                                                   \
	(*(const __u16 *)((tbl) + ((((__u32)(e) << 7) + *(const __u32 *)((cls) + ((__u32)(b) << 2))) & \
				   DFC_IDX_MASK)))

/* One step of segment k, whose byte is p[k * WALK_SEG]: its next entry,
 * ORed into hit (a macro: the four entries stay in registers). */
#define IV_STEP(p, k, sk, hit)                                                                     \
	({                                                                                         \
		(sk) = DFC_NEXT(tbl, cls, sk, (p)[(k) * WALK_SEG]);                                \
		(hit) |= (sk);                                                                     \
	})

/* Copies segment k's len bytes (1..WALK_SEG by construction), from chunk
 * offset at, to its buffer. */
static __always_inline int iv_copy(struct __sk_buff *skb, struct walk_scratch *ws, __u32 k,
				   __u32 at, __u32 len)
{
	if (len > WALK_SEG || k >= WALK_K)
		return -1;
	/* 1..WALK_SEG as the verifier sees it (a 0 would read a full buffer) */
	len = ((len - 1) & (WALK_SEG - 1)) + 1;
	return bpf_skb_load_bytes(skb, ws->iv.c0 + at, ws->buf + k * WALK_SEG, len);
}

/*
 * The next chunk, from c0: copied to the buffer and cut. Segment k
 * (k >= 1) starts at k * seg from the start state and owns its last seg
 * bytes; segment 0 owns its seg + overlap bytes; each walks seg + overlap
 * bytes: all WALK_K segments end together at WALK_K * seg + overlap, the
 * last one walks the rest (fewer than WALK_K bytes). 0: cut; 1: stop
 * here (w.redo = c0: the exact walk takes the chunk and the rest).
 */
static __always_inline int iv_chunk(struct __sk_buff *skb, struct walk_scratch *ws)
{
	__u32 c0 = ws->iv.c0, n = ws->w.end - c0, ov = ws->w.split - 1, seg, k;

	if (n > WALK_CHUNK)
		n = WALK_CHUNK;
	seg = n > ov + WALK_K ? (n - ov) / WALK_K : 0;
	/* more overlap than bytes of its own: one walk is cheaper */
	if (!ws->w.split || seg < ov || seg < 16 || seg > WALK_CHUNK / WALK_K) {
		ws->w.redo = c0;
		return 1;
	}
	ws->iv.n = n;
	ws->iv.seg = seg;
	ws->iv.steps = seg + ov;
	ws->iv.j = 0;
	ws->iv.hit = 0;
	/* the flow's state, a row of hyp_dfa, as a compact entry */
	ws->iv.s[0] = ((ws->w.state - ws->w.root) << (ws->w.dfc_shift & 3)) & (HYP_DFC_HIT - 1);
#pragma unroll
	for (k = 0; k < WALK_K; k++) {
		/* the last segment takes the chunk's rest too (iv_chunk_end) */
		if (iv_copy(skb, ws, k, k * seg, k < WALK_K - 1 ? seg + ov : n - k * seg)) {
			ws->w.err = 1;
			return 1;
		}
		if (k)
			ws->iv.s[k] = 0; /* the start state */
	}
	return 0;
}

/* The last segment's bytes after the full steps, then the chunk's end:
 * 0 goes on to the next chunk, 1 stops (done, or w.redo set). */
static __always_inline int iv_chunk_end(struct walk_scratch *ws)
{
	__u32 j0 = WALK_K * ws->iv.seg + ws->w.split - 1, j, t, e;
	const __u8 *tbl, *cls;

	tbl = dfc_table(&ws->w, &cls);
	if (!tbl) {
		ws->w.err = 1;
		return 1;
	}
	e = ws->iv.s[WALK_K - 1];
#pragma unroll
	for (t = 0; t < WALK_K; t++) {
		j = j0 + t;
		if (j >= ws->iv.n)
			break;
		/* in the last segment's buffer: after its seg + overlap steps */
		e = DFC_NEXT(tbl, cls, e,
			     ws->buf[(WALK_K - 1) * WALK_SEG + ((ws->iv.steps + t) & (WALK_SEG - 1))]);
		ws->iv.hit |= e;
	}
	if (ws->iv.hit & HYP_DFC_HIT) { /* some pattern ended in the chunk: walk it exactly */
		ws->w.redo = ws->iv.c0;
		return 1;
	}
	/* back to a row of hyp_dfa */
	ws->w.state = ws->w.root + ((e & (HYP_DFC_HIT - 1)) >> (ws->w.dfc_shift & 3));
	ws->iv.c0 += ws->iv.n;
	ws->iv.steps = 0; /* the next call cuts the next chunk */
	return ws->iv.c0 >= ws->w.end;
}

/*
 * WALK_UNROLL interleaved steps of every segment per call, the chunks one
 * after the other. One level of bpf_loop from the walk, never nested:
 * the frames of a walk share 512 bytes of stack with the whole pipeline.
 */
static long iv_steps(__u32 i, void *data)
{
	struct walk_loop *l = data;
	struct walk_scratch *ws = l->ws;
	__u32 s0, s1, s2, s3, hit = 0, j, u;
	const __u8 *p, *tbl, *cls;

	if (!ws)
		return 1;
	if (!ws->iv.steps && iv_chunk(l->skb, ws))
		return 1;
	tbl = dfc_table(&ws->w, &cls);
	if (!tbl)
		goto err;
	s0 = ws->iv.s[0];
	s1 = ws->iv.s[1];
	s2 = ws->iv.s[2];
	s3 = ws->iv.s[3];
#pragma unroll
	for (u = 0; u < WALK_UNROLL; u++) {
		j = ws->iv.j + u;
		if (j >= ws->iv.steps)
			break;
		p = ws->buf + (j & (WALK_SEG - 1));
		IV_STEP(p, 0, s0, hit);
		IV_STEP(p, 1, s1, hit);
		IV_STEP(p, 2, s2, hit);
		IV_STEP(p, 3, s3, hit);
	}
	ws->iv.s[0] = s0;
	ws->iv.s[1] = s1;
	ws->iv.s[2] = s2;
	ws->iv.s[3] = s3;
	ws->iv.hit |= hit;
	ws->iv.j += WALK_UNROLL;
	if (ws->iv.j < ws->iv.steps)
		return 0;
	return iv_chunk_end(ws);
err:
	ws->w.err = 1;
	return 1;
}
_Static_assert(WALK_K == 4, "iv_steps walks four segments");

/* Walks the skb's bytes [from, end) from ws->w.state: fast while no
 * pattern ends, exactly from the chunk where one does. */
static __always_inline void walk_run(struct __sk_buff *skb, struct walk_scratch *ws, __u32 from,
				     __u32 end)
{
	struct walk_loop l = {.skb = skb, .ws = ws};
	__u32 chunks = (end - from + WALK_CHUNK - 1) / WALK_CHUNK;

	ws->w.from = from;
	ws->w.end = end;
	ws->w.redo = end;
	if (ws->w.split) {
		ws->iv.c0 = from;
		ws->iv.steps = 0;
		/* calls: a chunk of n bytes takes (n / WALK_K + 255) / WALK_UNROLL + 1 */
		bpf_loop((end - from) / (WALK_K * WALK_UNROLL) + chunks * (256 / WALK_UNROLL + 2),
			 iv_steps, &l, 0);
	} else {
		ws->w.redo = from;
	}
	if (!ws->w.err && ws->w.redo < end)
		walk_exact(&l, ws, ws->w.redo, end);
}

#endif /* HYP_BPF_INSPECT_WALK_H */
