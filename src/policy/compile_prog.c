// SPDX-License-Identifier: GPL-2.0-only
/*
 * The compiler's output (sorted entries, the enforced identities, the
 * rules) and pol_compile, the full compile: every document for every
 * endpoint (compile.c does the per-document work).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <hyperion/abi.h>

#include "policy/compile_priv.h"

/* ---- output ---- */

static int cmp_u32(uint32_t a, uint32_t b)
{
	return a < b ? -1 : a > b;
}

static int entry_cmp(const void *pa, const void *pb)
{
	const struct pol_entry *a = pa, *b = pb;
	int c;

	if ((c = cmp_u32(a->dir, b->dir)) || (c = cmp_u32(a->local_id, b->local_id)) ||
	    (c = cmp_u32(a->kind, b->kind)) || (c = cmp_u32(a->peer, b->peer)) ||
	    (c = cmp_u32(a->proto, b->proto)) || (c = cmp_u32(a->port, b->port)) ||
	    (c = cmp_u32(a->port_bits, b->port_bits)))
		return c;
	/* IPv6 peers differ only here: a total order over the keys */
	return memcmp(a->peer6, b->peer6, sizeof(a->peer6));
}

static int enforce_cmp(const void *pa, const void *pb)
{
	const struct pol_enforce *a = pa, *b = pb;

	return cmp_u32(a->identity, b->identity);
}

int comp_fill(struct comp *k, struct pol_program *out)
{
	size_t n = 0;

	out->enforce = calloc(k->n_ids + 1, sizeof(*out->enforce));
	if (!out->enforce)
		return -ENOMEM;
	for (size_t i = 0; i < k->n_ids; i++)
		if (k->ids[i].flags)
			out->enforce[n++] = (struct pol_enforce){k->ids[i].id, k->ids[i].flags};
	qsort(out->enforce, n, sizeof(*out->enforce), enforce_cmp);
	out->n_enforce = n;
	if (k->set.n)
		qsort(k->set.v, k->set.n, sizeof(*k->set.v), entry_cmp);
	out->entries = k->set.v;
	out->n_entries = k->set.n;
	out->rules = k->rules;
	out->n_rules = k->n_rules;
	k->set.v = NULL;
	k->rules = NULL;
	return 0;
}

void comp_eset_free(struct eset *s)
{
	free(s->v);
	free(s->slot);
	s->v = NULL;
	s->slot = NULL;
	s->n = s->cap = s->n_slots = 0;
}

void comp_free(struct comp *k)
{
	comp_eset_free(&k->set);
	free(k->rules);
	pol_world_free(&k->world);
	free(k->ids);
	free(k->id_slot);
	free(k->nss);
	k->rules = NULL;
	k->ids = NULL;
	k->id_slot = NULL;
	k->nss = NULL;
}

int pol_compile(struct pol_doc *const *docs, size_t n, const struct pol_endpoint *eps, size_t neps,
		const struct pol_namespace *nss, size_t n_nss, size_t max_entries,
		struct pol_program *out, struct errmsg *em)
{
	struct comp k;
	int err;

	memset(out, 0, sizeof(*out));
	err = comp_init(&k, eps, neps, nss, n_nss, max_entries, em);
	for (size_t i = 0; !err && i < n; i++)
		err = comp_doc(&k, docs[i]);
	if (!err)
		err = comp_world(&k);
	if (!err)
		err = comp_fill(&k, out);
	if (err)
		pol_program_free(out);
	comp_free(&k);
	return err;
}

void pol_program_free(struct pol_program *p)
{
	free(p->entries);
	free(p->enforce);
	free(p->rules);
	memset(p, 0, sizeof(*p));
}
