// SPDX-License-Identifier: GPL-2.0-only
/*
 * Aho-Corasick DFAs for payload inspection, in the datapath's layout
 * (src/inspect/inspect.h): rows[s * 256 + byte] = next << 1 | hit.
 *
 * The patterns go into a trie whose edges are byte classes: one byte, or,
 * for a letter of a case-insensitive pattern, both cases of it (class
 * AC_FOLD + the lower-case letter), so that 'A' and 'a' both go forward
 * to the same child. The DFA is then built breadth-first from the start
 * state, every state x 256 bytes resolved, and states are numbered in the
 * order that BFS discovers them (bytes in increasing order): the start
 * state is 0 and a state's depth (its shortest input) never decreases
 * with its number.
 *
 * A DFA state is the set of trie nodes whose class strings match a suffix
 * of the input read so far (the root always, left implicit). When the
 * patterns are all case-sensitive or all case-insensitive (letter-free
 * patterns count as either), that set is one trie node plus its failure
 * chain, and the result is exactly the textbook automaton (goto and
 * failure links folded into full rows): one DFA state per trie node.
 * Mixing the two breaks failure links: after "xA" a case-insensitive
 * "xaz" is in the node for "x[aA]", and whether a case-sensitive "ab" may
 * go on from there depends on the case that was read, which no single
 * failure link can tell. Keeping the sets splits such nodes into as many
 * DFA states as needed, so the DFA stays exact; mixed sets can need a few
 * more states than trie nodes.
 *
 * hit: the state reached ends at least one pattern, itself or through a
 * suffix. out[s]: the longest pattern ending at s; among patterns of that
 * length (duplicates), the lowest id.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/inspect.h"

#define AC_FOLD	      256 /* class AC_FOLD + c: letter c ('a'-'z') in either case */
#define AC_NONE	      UINT32_MAX
#define AC_MAX_STATES (UINT32_MAX >> 1) /* next << 1 must fit a u32 */
#define AC_COUNT_MIN  (1u << 16)	/* past the limit, count states at least this far */
#define AC_COUNT_MAX  (1u << 24)

struct ac_node {
	uint32_t child;	  /* first child; 0: none (the root is never a child) */
	uint32_t sibling; /* next child of the same parent; 0: none */
	uint32_t id;	  /* lowest id of the patterns ending here; 0: none */
	uint16_t cls;	  /* edge from the parent: a byte, or AC_FOLD + letter */
	uint16_t depth;
	bool drop; /* a drop pattern ends here */
};

struct ac_trie {
	struct ac_node *v;
	uint32_t n;
	bool pure; /* not both case-sensitive and case-insensitive letters */
};

/* A DFA state: the sorted trie nodes (root left out) in pool[off..off+cnt). */
struct ac_state {
	size_t off;
	uint32_t cnt;
	uint32_t out; /* id of the longest pattern ending here; 0: none */
	bool drop;    /* some drop pattern ends here */
};

struct ac_entry {
	uint32_t node;
	uint32_t next; /* next entry for the same byte; AC_NONE: last */
};

struct ac_build {
	const struct ac_trie *t;
	uint32_t max_states; /* rows are kept for states below this */
	uint32_t count_cap;  /* past max_states, counting stops here */
	struct ac_state *st;
	size_t st_cap;
	uint32_t n;
	uint32_t *pool;
	size_t pool_used, pool_cap;
	uint32_t *hash; /* state + 1; 0: free */
	uint32_t hash_mask;
	uint32_t *rows;
	size_t rows_cap; /* in states */
	/* the root's children by byte: at most one exact and one folded */
	uint32_t root_next[256][2];
	uint8_t root_n[256];
	/* the children of the state being expanded, by byte */
	uint32_t head[256];
	struct ac_entry *ent;
	size_t n_ent, ent_cap;
	uint32_t *set; /* scratch: the next state's members */
	size_t set_cap;
};

/*
 * Grows the array that pp points to (any T **, read and written through
 * memcpy), of *cap elements of size sz, to hold at least need.
 */
static int grow(void *pp, size_t *cap, size_t need, size_t sz)
{
	size_t c = *cap ? *cap : 16;
	void *p, *q;

	if (need <= *cap)
		return 0;
	while (c < need)
		c *= 2;
	if (c > SIZE_MAX / sz)
		return -ENOMEM;
	memcpy(&p, pp, sizeof(p));
	q = realloc(p, c * sz);
	if (!q)
		return -ENOMEM;
	memcpy(pp, &q, sizeof(q));
	*cap = c;
	return 0;
}

/* ---- trie ---- */

static uint16_t ac_class(uint8_t b, bool nocase)
{
	uint8_t low = b | 0x20;

	return nocase && low >= 'a' && low <= 'z' ? AC_FOLD + low : b;
}

/* The bytes of class cls into out; returns how many (1 or 2). */
static int ac_class_bytes(uint16_t cls, uint8_t out[2])
{
	if (cls < AC_FOLD) {
		out[0] = (uint8_t)cls;
		return 1;
	}
	out[0] = (uint8_t)(cls - AC_FOLD);
	out[1] = out[0] - ('a' - 'A');
	return 2;
}

static bool has_letter(const struct insp_pattern *p)
{
	for (size_t i = 0; i < p->len; i++)
		if ((p->bytes[i] | 0x20) >= 'a' && (p->bytes[i] | 0x20) <= 'z')
			return true;
	return false;
}

static void trie_add(struct ac_trie *t, const struct insp_pattern *p)
{
	uint32_t u = 0, c;

	for (size_t i = 0; i < p->len; i++) {
		uint16_t cls = ac_class(p->bytes[i], p->nocase);

		for (c = t->v[u].child; c && t->v[c].cls != cls; c = t->v[c].sibling)
			;
		if (!c) {
			c = t->n++;
			t->v[c] = (struct ac_node){
			    .sibling = t->v[u].child, .cls = cls, .depth = (uint16_t)(i + 1)};
			t->v[u].child = c;
		}
		u = c;
	}
	if (!t->v[u].id || p->id < t->v[u].id)
		t->v[u].id = p->id;
	t->v[u].drop |= p->drop;
}

static int check_patterns(const struct insp_pattern *pats, size_t n, struct errmsg *em)
{
	for (size_t i = 0; i < n; i++) {
		if (!pats[i].id)
			return em_set(em, -EINVAL, "pattern %zu has id 0 (ids start at 1)", i + 1);
		if (!pats[i].len || pats[i].len > INSPECT_PATTERN_MAX)
			return em_set(em, -EINVAL, "pattern id %u has %zu bytes (1 to %d)",
				      pats[i].id, pats[i].len, INSPECT_PATTERN_MAX);
	}
	if (n > (UINT32_MAX - 1) / INSPECT_PATTERN_MAX)
		return em_set(em, -E2BIG, "%zu patterns are too many for one DFA", n);
	return 0;
}

static int trie_build(const struct insp_pattern *pats, size_t n, struct ac_trie *t)
{
	size_t nodes = 1;
	bool cs = false, ci = false;

	for (size_t i = 0; i < n; i++)
		nodes += pats[i].len;
	t->v = calloc(nodes, sizeof(*t->v));
	if (!t->v)
		return -ENOMEM;
	t->n = 1;
	for (size_t i = 0; i < n; i++) {
		trie_add(t, &pats[i]);
		if (has_letter(&pats[i]))
			*(pats[i].nocase ? &ci : &cs) = true;
	}
	t->pure = !(cs && ci);
	return 0;
}

/* ---- states ---- */

static uint32_t set_hash(const uint32_t *set, uint32_t k)
{
	uint32_t h = 0x811c9dc5u ^ k;

	for (uint32_t i = 0; i < k; i++) {
		h ^= set[i];
		h *= 0x01000193u;
		h ^= h >> 15;
	}
	h ^= h >> 16;
	h *= 0x7feb352du;
	return h ^ (h >> 15);
}

static bool set_equal(const struct ac_build *b, uint32_t s, const uint32_t *set, uint32_t k)
{
	if (b->st[s].cnt != k)
		return false;
	return !k || !memcmp(b->pool + b->st[s].off, set, k * sizeof(*set));
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static void set_sort(uint32_t *set, uint32_t k)
{
	if (k > 16) {
		qsort(set, k, sizeof(*set), cmp_u32);
		return;
	}
	for (uint32_t i = 1; i < k; i++) {
		uint32_t v = set[i], j = i;

		for (; j && set[j - 1] > v; j--)
			set[j] = set[j - 1];
		set[j] = v;
	}
}

/* Does a drop pattern end at a state of these members? */
static bool set_drop(const struct ac_trie *t, const uint32_t *set, uint32_t k)
{
	for (uint32_t i = 0; i < k; i++)
		if (t->v[set[i]].drop)
			return true;
	return false;
}

/* The longest pattern ending at a state of these members (ties: lowest id). */
static uint32_t set_out(const struct ac_trie *t, const uint32_t *set, uint32_t k)
{
	uint32_t out = 0, depth = 0;

	for (uint32_t i = 0; i < k; i++) {
		const struct ac_node *v = &t->v[set[i]];

		if (v->id && (v->depth > depth || (v->depth == depth && v->id < out))) {
			out = v->id;
			depth = v->depth;
		}
	}
	return out;
}

static int hash_grow(struct ac_build *b)
{
	uint32_t size = b->hash ? (b->hash_mask + 1) * 2 : 1024;
	uint32_t *h = calloc(size, sizeof(*h));

	if (!h)
		return -ENOMEM;
	for (uint32_t s = 0; s < b->n; s++) {
		const uint32_t *set = b->pool + b->st[s].off;
		uint32_t i = set_hash(set, b->st[s].cnt) & (size - 1);

		while (h[i])
			i = (i + 1) & (size - 1);
		h[i] = s + 1;
	}
	free(b->hash);
	b->hash = h;
	b->hash_mask = size - 1;
	return 0;
}

static int state_add(struct ac_build *b, const uint32_t *set, uint32_t k, uint32_t slot)
{
	int err;

	err = grow(&b->st, &b->st_cap, (size_t)b->n + 1, sizeof(*b->st));
	if (!err)
		err = grow(&b->pool, &b->pool_cap, b->pool_used + k, sizeof(*b->pool));
	if (err)
		return err;
	if (k) /* the start state's set is empty, and the pool may be too */
		memcpy(b->pool + b->pool_used, set, k * sizeof(*set));
	b->st[b->n] = (struct ac_state){
	    .off = b->pool_used,
	    .cnt = k,
	    .out = set_out(b->t, set, k),
	    .drop = set_drop(b->t, set, k),
	};
	b->pool_used += k;
	b->hash[slot] = ++b->n;
	return (size_t)b->n * 2 > (size_t)b->hash_mask + 1 ? hash_grow(b) : 0;
}

/* The state of the sorted set, added if new. */
static int state_intern(struct ac_build *b, const uint32_t *set, uint32_t k, uint32_t *id)
{
	uint32_t i = set_hash(set, k) & b->hash_mask;

	for (; b->hash[i]; i = (i + 1) & b->hash_mask) {
		if (set_equal(b, b->hash[i] - 1, set, k)) {
			*id = b->hash[i] - 1;
			return 0;
		}
	}
	*id = b->n;
	return state_add(b, set, k, i);
}

/* ---- expansion ---- */

static void root_children(struct ac_build *b)
{
	const struct ac_trie *t = b->t;
	uint8_t by[2];

	for (uint32_t c = t->v[0].child; c; c = t->v[c].sibling) {
		int nb = ac_class_bytes(t->v[c].cls, by);

		for (int j = 0; j < nb; j++)
			b->root_next[by[j]][b->root_n[by[j]]++] = c;
	}
}

/* Lists, by byte, the children of the members of state s. */
static int collect(struct ac_build *b, uint32_t s)
{
	const struct ac_trie *t = b->t;
	uint8_t by[2];
	int err;

	memset(b->head, 0xff, sizeof(b->head));
	b->n_ent = 0;
	for (uint32_t i = 0; i < b->st[s].cnt; i++) {
		uint32_t m = b->pool[b->st[s].off + i];

		for (uint32_t c = t->v[m].child; c; c = t->v[c].sibling) {
			int nb = ac_class_bytes(t->v[c].cls, by);

			err = grow(&b->ent, &b->ent_cap, b->n_ent + 2, sizeof(*b->ent));
			if (err)
				return err;
			for (int j = 0; j < nb; j++) {
				b->ent[b->n_ent] = (struct ac_entry){c, b->head[by[j]]};
				b->head[by[j]] = (uint32_t)b->n_ent++;
			}
		}
	}
	return grow(&b->set, &b->set_cap, b->n_ent + 2, sizeof(*b->set));
}

/* The state after reading byte c in the state collect() looked at. */
static int next_state(struct ac_build *b, int c, uint32_t *id)
{
	uint32_t k = 0;

	for (uint32_t j = 0; j < b->root_n[c]; j++)
		b->set[k++] = b->root_next[c][j];
	for (uint32_t e = b->head[c]; e != AC_NONE; e = b->ent[e].next)
		b->set[k++] = b->ent[e].node;
	set_sort(b->set, k);
	return state_intern(b, b->set, k, id);
}

static int expand(struct ac_build *b, uint32_t s)
{
	bool keep = s < b->max_states;
	uint32_t next, entry;
	int err;

	err = collect(b, s);
	if (!err && keep)
		err = grow(&b->rows, &b->rows_cap, (size_t)(s + 1) * 256, sizeof(*b->rows));
	if (err)
		return err;
	for (int c = 0; c < 256; c++) {
		if (s && b->head[c] == AC_NONE) {
			entry = b->rows[c]; /* only root children: as from the start */
		} else {
			err = next_state(b, c, &next);
			if (err)
				return err;
			entry = next << 1 | (b->st[next].out != 0);
		}
		if (keep)
			b->rows[(size_t)s * 256 + c] = entry;
	}
	return 0;
}

static int too_big(const struct ac_build *b, bool all, struct errmsg *em)
{
	if (all)
		return em_set(em, -E2BIG, "patterns need %u DFA states; the limit is %u", b->n,
			      b->max_states);
	return em_set(em, -E2BIG, "patterns need more than %u DFA states; the limit is %u", b->n,
		      b->max_states);
}

/* BFS over the sets; past max_states only counts, for the message. */
static int determinize(struct ac_build *b, struct errmsg *em)
{
	uint32_t none = 0, id, s;
	int err;

	root_children(b);
	err = hash_grow(b);
	if (!err)
		err = state_intern(b, &none, 0, &id); /* the start state: 0 */
	for (s = 0; !err && s < b->n && b->n <= b->count_cap; s++)
		err = expand(b, s);
	if (err)
		return em_set(em, err, "no memory for a DFA of %u states", b->n);
	if (b->n > b->max_states)
		return too_big(b, s == b->n, em);
	return 0;
}

static void build_free(struct ac_build *b)
{
	if (!b)
		return;
	free(b->st);
	free(b->pool);
	free(b->hash);
	free(b->rows);
	free(b->ent);
	free(b->set);
	free(b);
}

static int take_result(struct ac_build *b, struct insp_dfa *dfa)
{
	uint32_t *rows = realloc(b->rows, (size_t)b->n * 256 * sizeof(*rows));

	if (rows)
		b->rows = rows; /* a failed shrink keeps the larger block */
	dfa->out = calloc(b->n, sizeof(*dfa->out));
	dfa->drop = calloc(b->n, sizeof(*dfa->drop));
	if (!dfa->out || !dfa->drop) {
		free(dfa->out);
		free(dfa->drop);
		dfa->out = NULL;
		dfa->drop = NULL;
		return -ENOMEM;
	}
	for (uint32_t s = 0; s < b->n; s++) {
		dfa->out[s] = b->st[s].out;
		dfa->drop[s] = b->st[s].drop;
	}
	dfa->rows = b->rows;
	dfa->states = b->n;
	b->rows = NULL;
	return 0;
}

int insp_dfa_build(const struct insp_pattern *pats, size_t n, uint32_t max_states,
		   struct insp_dfa *dfa, struct errmsg *em)
{
	struct ac_trie t = {0};
	struct ac_build *b = NULL;
	uint64_t cap = (uint64_t)max_states * 4;
	int err;

	memset(dfa, 0, sizeof(*dfa));
	if (!max_states)
		return em_set(em, -EINVAL, "a DFA needs at least one state");
	if (max_states > AC_MAX_STATES)
		max_states = AC_MAX_STATES;
	err = check_patterns(pats, n, em);
	if (err)
		return err;
	err = trie_build(pats, n, &t);
	b = calloc(1, sizeof(*b));
	if (err || !b) {
		err = em_set(em, -ENOMEM, "no memory for the pattern trie");
		goto out;
	}
	b->t = &t;
	b->max_states = max_states;
	cap = cap < AC_COUNT_MIN ? AC_COUNT_MIN : cap > AC_COUNT_MAX ? AC_COUNT_MAX : cap;
	b->count_cap = cap < max_states ? max_states : (uint32_t)cap;
	if (t.pure && t.n > max_states) {
		b->n = t.n; /* one state per trie node: no need to build them */
		err = too_big(b, true, em);
		goto out;
	}
	err = determinize(b, em);
	if (!err)
		err = take_result(b, dfa);
	for (size_t i = 0; !err && i < n; i++)
		if (pats[i].len > dfa->longest)
			dfa->longest = (uint32_t)pats[i].len;
	if (err == -ENOMEM)
		em_set(em, err, "no memory for a DFA of %u states", b->n);
out:
	build_free(b);
	free(t.v);
	return err;
}

void insp_dfa_free(struct insp_dfa *dfa)
{
	if (!dfa)
		return;
	free(dfa->rows);
	free(dfa->out);
	free(dfa->drop);
	memset(dfa, 0, sizeof(*dfa));
}

/*
 * Walks buf from *state. At the first byte whose transition hits, returns
 * out[] of the state reached, with *at just past that byte and *state that
 * state, so that a walk from (*state, buf + *at) finds the next match. No
 * match: returns 0, *at = len, *state the state after the last byte. A
 * *state that is not a state of dfa starts from 0.
 */
uint32_t insp_dfa_walk(const struct insp_dfa *dfa, uint32_t *state, const uint8_t *buf, size_t len,
		       size_t *at)
{
	uint32_t s = *state < dfa->states ? *state : 0;

	for (size_t i = 0; i < len; i++) {
		uint32_t e = dfa->rows[(size_t)s * 256 + buf[i]];

		s = e >> 1;
		if (e & 1) {
			*state = s;
			*at = i + 1;
			return dfa->out[s];
		}
	}
	*state = s;
	*at = len;
	return 0;
}
