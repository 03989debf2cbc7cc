// SPDX-License-Identifier: GPL-2.0-only
/*
 * The incremental compiler's view of the endpoints: what changed since the
 * last call (every field the compile reads: identity, addresses, labels,
 * named ports), and whether such a change can alter what one document
 * emits. A document's entries come from the identities its podSelector
 * selects (their rules, their named ports), the identities and endpoint
 * addresses its peers select, and, for an egress rule to any peer with a
 * named port, every identity. A changed endpoint none of these selects
 * (before or after the change: both versions are in the list) leaves the
 * document's entries as they were.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hyperion/abi.h>

#include "policy/compile_inc.h"

#define TEXT_MAX (LABELS_MAX * (LABEL_KEY_MAX + LABEL_VAL_MAX + 2) + 1024)

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 0x100000001b3ULL;
	return h;
}

void inc_snap_free(struct inc_snap *s, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		free(s[i].text);
	free(s);
}

static int snap_cmp(const void *pa, const void *pb)
{
	const struct inc_snap *a = pa, *b = pb;
	int c;

	if (a->h != b->h)
		return a->h < b->h ? -1 : 1;
	c = memcmp(&a->identity, &b->identity, sizeof(a->identity));
	if (!c)
		c = memcmp(&a->ip, &b->ip, sizeof(a->ip));
	if (!c)
		c = memcmp(a->ip6, b->ip6, sizeof(a->ip6));
	if (!c)
		c = (int)a->has_ip6 - (int)b->has_ip6;
	return c ? c : strcmp(a->text, b->text);
}

/* s + "TEXT" up to the end of buf; false when it does not fit */
static bool put(char *buf, size_t *off, const char *text)
{
	size_t n = strlen(text);

	if (*off + n + 2 > TEXT_MAX)
		return false;
	memcpy(buf + *off, text, n);
	*off += n;
	return true;
}

/* The labels as "key\x1fvalue\x1e..." (labels are kept sorted: one text per set;
 * no snprintf: it was most of the time at 10 000 endpoints), '\n', the ports. */
static int snap_one(const struct pol_endpoint *ep, char *buf, struct inc_snap *s)
{
	const struct labels *ls = comp_ep_labels(ep);
	size_t off = 0;

	for (size_t i = 0; i < ls->n; i++) {
		if (!put(buf, &off, ls->l[i].key))
			return -E2BIG;
		buf[off++] = 0x1f;
		if (!put(buf, &off, ls->l[i].val))
			return -E2BIG;
		buf[off++] = 0x1e;
	}
	buf[off++] = '\n';
	buf[off] = 0;
	for (size_t i = 0; i < ep->n_ports && off < TEXT_MAX - 128; i++)
		off += (size_t)snprintf(buf + off, TEXT_MAX - off, "%s/%u/%u,", ep->ports[i].name,
					ep->ports[i].proto, ep->ports[i].port);
	*s = (struct inc_snap){.identity = ep->identity, .ip = ep->ip, .has_ip6 = ep->has_ip6};
	memcpy(s->ip6, ep->ip6, sizeof(s->ip6));
	s->text = malloc(off + 1);
	if (!s->text)
		return -ENOMEM;
	memcpy(s->text, buf, off + 1);
	s->h = fnv(fnv(0xcbf29ce484222325ULL, buf, off), &s->identity, sizeof(s->identity));
	s->h = fnv(fnv(fnv(s->h, &s->ip, 4), s->ip6, 16), &s->has_ip6, 1);
	return 0;
}

/* The labels of a snapshot's text (snap_one) into ls. */
static int snap_labels(const char *text, struct labels *ls)
{
	char k[LABEL_KEY_MAX + 1], v[LABEL_VAL_MAX + 1];
	int err = 0;

	memset(ls, 0, sizeof(*ls));
	while (!err && *text != '\n') {
		const char *us = strchr(text, 0x1f), *rs = us ? strchr(us, 0x1e) : NULL;

		if (!rs || (size_t)(us - text) > LABEL_KEY_MAX ||
		    (size_t)(rs - us - 1) > LABEL_VAL_MAX)
			return -EINVAL;
		memcpy(k, text, (size_t)(us - text));
		k[us - text] = 0;
		memcpy(v, us + 1, (size_t)(rs - us - 1));
		v[rs - us - 1] = 0;
		err = labels__set(ls, k, v);
		text = rs + 1;
	}
	return err;
}

static int snap_build(const struct comp *k, struct inc_snap **out)
{
	struct inc_snap *s = calloc(k->neps + 1, sizeof(*s));
	char *buf = malloc(TEXT_MAX);
	int err = s && buf ? 0 : -ENOMEM;

	for (size_t i = 0; !err && i < k->neps; i++)
		err = snap_one(&k->eps[i], buf, &s[i]);
	free(buf);
	if (err) {
		inc_snap_free(s, k->neps);
		return err;
	}
	qsort(s, k->neps, sizeof(*s), snap_cmp);
	*out = s;
	return 0;
}

static uint64_t ns_hash(const struct comp *k, size_t max)
{
	uint64_t h = fnv(0xcbf29ce484222325ULL, &max, sizeof(max));
	char *buf = malloc(TEXT_MAX);

	for (size_t i = 0; i < k->n_ns_in; i++) {
		h = fnv(h, k->ns_in[i].name, strlen(k->ns_in[i].name) + 1);
		if (buf && k->ns_in[i].labels &&
		    labels__canonical(k->ns_in[i].labels, buf, TEXT_MAX) >= 0)
			h = fnv(h, buf, strlen(buf) + 1);
		else
			h = fnv(h, "-", 2);
	}
	free(buf);
	return h;
}

/* Appends snapshot s (an endpoint of this call or the last) to the changes. */
static int change_add(struct comp *k, const struct inc_snap *s, struct inc_changes *ch)
{
	struct pol_endpoint *e = &ch->eps[ch->n];
	int err = snap_labels(s->text, &ch->ls[ch->n]);

	if (err)
		return err;
	*e = (struct pol_endpoint){.name = "changed",
				   .identity = s->identity,
				   .ip = s->ip,
				   .has_ip6 = s->has_ip6,
				   .labels = &ch->ls[ch->n]};
	memcpy(e->ip6, s->ip6, sizeof(e->ip6));
	err = comp_ns_find(k, sel_pod_namespace(e->labels), &ch->ns_idx[ch->n]);
	if (!err)
		ch->n++;
	return err;
}

/* The endpoints only in a (last call) or only in b (this one), both sorted. */
static int snap_diff(struct comp *k, const struct inc_snap *a, size_t na, const struct inc_snap *b,
		     size_t nb, struct inc_changes *ch)
{
	size_t i = 0, j = 0;
	int err = 0;

	ch->eps = calloc(INC_CHANGES_MAX, sizeof(*ch->eps));
	ch->ls = calloc(INC_CHANGES_MAX, sizeof(*ch->ls));
	ch->ns_idx = calloc(INC_CHANGES_MAX, sizeof(*ch->ns_idx));
	if (!ch->eps || !ch->ls || !ch->ns_idx)
		return -ENOMEM;
	while (!err && !ch->all && (i < na || j < nb)) {
		int c = i == na ? 1 : j == nb ? -1 : snap_cmp(&a[i], &b[j]);

		if (!c) {
			i++;
			j++;
			continue;
		}
		if (ch->n == INC_CHANGES_MAX) {
			ch->all = true;
			break;
		}
		err = change_add(k, c < 0 ? &a[i++] : &b[j++], ch);
	}
	return err;
}

int inc_changes_find(struct pol_inc *c, struct comp *k, size_t max, struct inc_changes *ch)
{
	uint64_t h = ns_hash(k, max);
	struct inc_snap *s = NULL;
	int err = snap_build(k, &s);

	memset(ch, 0, sizeof(*ch));
	if (err)
		return err;
	ch->all = !c->valid || h != c->ns_hash;
	if (!ch->all)
		err = snap_diff(k, c->snap, c->n_snap, s, k->neps, ch);
	inc_snap_free(c->snap, c->n_snap);
	c->snap = s;
	c->n_snap = k->neps;
	c->ns_hash = h;
	c->valid = !err;
	return err;
}

void inc_changes_free(struct inc_changes *ch)
{
	free(ch->eps);
	free(ch->ls);
	free(ch->ns_idx);
	memset(ch, 0, sizeof(*ch));
}

/* A peer of d's rules selects x (identity or address). */
static bool peers_select(struct comp *k, const struct pol_doc *d, const struct ident *v)
{
	for (int dir = HYP_DIR_INGRESS; dir <= HYP_DIR_EGRESS; dir++) {
		for (size_t i = 0; i < d->n_rules[dir]; i++) {
			const struct pol_rule *r = &d->rules[dir][i];

			if (!r->n_peers && dir == HYP_DIR_EGRESS && comp_rule_has_named(r))
				return true; /* a named port per destination identity */
			for (size_t j = 0; j < r->n_peers; j++) {
				const struct pol_peer *p = &r->peers[j];

				if (!p->ip_block ? comp_peer_selects(k, d, p, v)
				    : p->ipv6	 ? pol_ip6_selected(p, v->ep)
						 : v->ep->ip && pol_ip_selected(p, v->ep->ip))
					return true;
			}
		}
	}
	return false;
}

bool inc_doc_affected(struct comp *k, const struct pol_doc *d, const struct inc_changes *ch)
{
	if (ch->all)
		return true;
	for (size_t i = 0; i < ch->n; i++) {
		const struct pol_endpoint *x = &ch->eps[i];
		struct ident v = {.id = x->identity,
				  .ep = x,
				  .ns = k->nss[ch->ns_idx[i]].name,
				  .ns_idx = ch->ns_idx[i]};

		if (x->identity != HYP_ID_HOST && !strcmp(v.ns, d->meta.ns) &&
		    sel_matches(&d->pods, x->labels))
			return true;
		if (peers_select(k, d, &v))
			return true;
	}
	return false;
}
