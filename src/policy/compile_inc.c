// SPDX-License-Identifier: GPL-2.0-only
/*
 * The incremental compiler (policy.h, pol_inc_compile). pol_compile's
 * result is the merge, in document order, of what each document emits
 * (entries deduplicated by key, the first rule keeping it; the identities
 * it selects; its rules; its ipBlocks for the world). A document's share
 * depends only on the document and on the endpoints it or its peers
 * select (compile_inc_ep.c says which), so the last call's share is
 * reused for every document no changed endpoint touches, and the merge
 * runs over the shares. Rule numbers are kept per document from 1 and
 * shifted at the merge. Any error falls back to pol_compile, whose error
 * is the one reported: one source of truth.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <hyperion/abi.h>

#include "policy/compile_inc.h"

static void share_free(struct inc_share *s)
{
	free(s->v);
	free(s->sel);
	free(s->wb);
	free(s->rules);
	memset(s, 0, sizeof(*s));
}

static void shares_free(struct pol_inc *c)
{
	for (size_t i = 0; i < c->n_shares; i++)
		share_free(&c->shares[i]);
	free(c->shares);
	c->shares = NULL;
	c->n_shares = 0;
}

struct pol_inc *pol_inc_new(void)
{
	return calloc(1, sizeof(struct pol_inc));
}

void pol_inc_free(struct pol_inc *c)
{
	if (!c)
		return;
	shares_free(c);
	inc_snap_free(c->snap, c->n_snap);
	free(c);
}

const struct pol_inc_stats *pol_inc_stats(const struct pol_inc *c)
{
	return &c->stats;
}

static int share_cmp(const void *pa, const void *pb)
{
	const struct inc_share *a = pa, *b = pb;

	return a->serial < b->serial ? -1 : a->serial > b->serial;
}

/* The last call's share of document d, NULL: none (shares sorted by serial). */
static struct inc_share *share_find(struct pol_inc *c, const struct pol_doc *d)
{
	struct inc_share key = {.serial = d->serial};

	return c->n_shares ? bsearch(&key, c->shares, c->n_shares, sizeof(key), share_cmp) : NULL;
}

/* Compiles d alone into s (rule numbers from 1). */
static int share_compile(struct comp *k, const struct pol_doc *d, struct inc_share *s)
{
	struct sel_log sel = {};
	size_t max = k->set.max;
	int err;

	memset(&k->set, 0, sizeof(k->set));
	k->set.max = max;
	k->n_rules = 1;
	pol_world_free(&k->world);
	k->sel = &sel;
	err = comp_doc(k, d);
	k->sel = NULL;
	*s = (struct inc_share){.serial = d->serial,
				.v = k->set.v,
				.n = k->set.n,
				.sel = sel.v,
				.n_sel = sel.n,
				.wb = k->world.v,
				.n_wb = k->world.n};
	free(k->set.slot);
	memset(&k->set, 0, sizeof(k->set));
	k->set.max = max;
	memset(&k->world, 0, sizeof(k->world));
	if (!err && k->n_rules > 1) {
		s->n_rules = k->n_rules - 1;
		s->rules = malloc(s->n_rules * sizeof(*s->rules));
		if (s->rules)
			memcpy(s->rules, &k->rules[1], s->n_rules * sizeof(*s->rules));
		else
			err = -ENOMEM;
	}
	if (err)
		share_free(s);
	return err;
}

static int rules_append(struct comp *k, const struct inc_share *s)
{
	struct pol_rule_ref *r;

	if (k->n_rules + s->n_rules > k->cap_rules) {
		size_t cap = 2 * (k->n_rules + s->n_rules);

		r = realloc(k->rules, cap * sizeof(*r));
		if (!r)
			return -ENOMEM;
		k->rules = r;
		k->cap_rules = cap;
	}
	if (s->n_rules) /* s->rules is NULL when the share has none */
		memcpy(&k->rules[k->n_rules], s->rules, s->n_rules * sizeof(*s->rules));
	k->n_rules += s->n_rules;
	return 0;
}

/* Adds share s to k as pol_compile would have compiled its document here. */
static int share_merge(struct comp *k, const struct inc_share *s)
{
	uint32_t shift = (uint32_t)k->n_rules - 1;
	struct ident *u;
	int err = rules_append(k, s);

	for (size_t i = 0; !err && i < s->n; i++) {
		struct pol_entry e = s->v[i];

		e.rule_id += shift;
		err = comp_eset_add(&k->set, &e);
	}
	for (size_t i = 0; !err && i < s->n_wb; i++) {
		struct pol_entry e = s->wb[i].e;

		e.rule_id += shift;
		err = pol_world_add(&k->world, s->wb[i].peer, s->wb[i].rule, &e);
	}
	for (size_t i = 0; !err && i < s->n_sel; i++) {
		u = comp_ident(k, s->sel[i].identity);
		if (u)
			u->flags |= s->sel[i].flags;
	}
	return err;
}

/* The shares of docs, in their order: the last call's where still valid. */
static int shares_build(struct pol_inc *c, struct comp *k, struct pol_doc *const *docs, size_t n,
			const struct inc_changes *ch, struct inc_share *out)
{
	int err = 0;

	for (size_t i = 0; !err && i < n; i++) {
		struct inc_share *old = ch->all ? NULL : share_find(c, docs[i]);

		if (old && !old->moved && !inc_doc_affected(k, docs[i], ch)) {
			out[i] = *old;
			*old = (struct inc_share){.serial = old->serial, .moved = true};
			c->stats.docs_reused++;
			continue;
		}
		err = share_compile(k, docs[i], &out[i]);
		c->stats.docs_compiled++;
	}
	return err;
}

static int merge_all(struct comp *k, const struct inc_share *sh, size_t n, struct pol_program *out)
{
	int err = 0;

	k->n_rules = 1;
	comp_eset_free(&k->set);
	pol_world_free(&k->world);
	for (size_t i = 0; i < k->n_ids; i++) /* compile_doc set them: the shares say */
		k->ids[i].flags = k->ids[i].id == HYP_ID_HOST ? HYP_ENFORCE_INGRESS : 0;
	for (size_t i = 0; !err && i < n; i++)
		err = share_merge(k, &sh[i]);
	if (!err)
		err = comp_world(k);
	if (!err)
		err = comp_fill(k, out);
	return err;
}

static int inc_run(struct pol_inc *c, struct comp *k, struct pol_doc *const *docs, size_t n,
		   struct inc_changes *ch, struct pol_program *out)
{
	struct inc_share *sh = calloc(n + 1, sizeof(*sh));
	int err = sh ? 0 : -ENOMEM;

	if (!err)
		err = shares_build(c, k, docs, n, ch, sh);
	if (!err)
		err = merge_all(k, sh, n, out);
	shares_free(c); /* the last call's, reused ones moved out */
	if (err) {
		for (size_t i = 0; sh && i < n; i++)
			share_free(&sh[i]);
		free(sh);
		return err;
	}
	c->shares = sh;
	c->n_shares = n;
	qsort(c->shares, n, sizeof(*sh), share_cmp);
	return 0;
}

int pol_inc_compile(struct pol_inc *c, struct pol_doc *const *docs, size_t n,
		    const struct pol_endpoint *eps, size_t neps, const struct pol_namespace *nss,
		    size_t n_nss, size_t max_entries, struct pol_program *out, struct errmsg *em)
{
	struct inc_changes ch = {};
	struct comp k;
	int err;

	memset(out, 0, sizeof(*out));
	memset(&c->stats, 0, sizeof(c->stats));
	err = comp_init(&k, eps, neps, nss, n_nss, max_entries, NULL);
	if (!err)
		err = inc_changes_find(c, &k, max_entries, &ch);
	if (!err)
		err = inc_run(c, &k, docs, n, &ch, out);
	c->stats.eps_changed = ch.n;
	c->stats.full = ch.all;
	inc_changes_free(&ch);
	comp_free(&k);
	if (err) { /* the cache is dropped; the full compile says what is wrong */
		pol_program_free(out);
		shares_free(c);
		inc_snap_free(c->snap, c->n_snap);
		c->snap = NULL;
		c->n_snap = 0;
		c->valid = false;
		c->stats.full = true;
		return pol_compile(docs, n, eps, neps, nss, n_nss, max_entries, out, em);
	}
	return 0;
}
