// SPDX-License-Identifier: GPL-2.0-only
/*
 * The parsed NetworkPolicies of a node, keyed by their stored text. Every
 * compile reads every stored document; a document whose text did not
 * change since the last compile is not parsed again (a change of one
 * policy among 1 000 parses one). The cache owns the documents: a world
 * borrows them until it is freed, before the next load (the daemon is
 * single-threaded). Documents no load used for two loads are dropped.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/node_priv.h"
#include "lib/log.h"
#include "policy/policy.h"

struct pc_ent {
	uint64_t hash; /* 0: empty slot */
	char *text;
	struct pol_doc *doc;
	uint32_t gen; /* the last load that used it */
};

struct pol_cache {
	struct pc_ent *slot; /* open addressing, a power of two */
	size_t n_slots, n;
	uint32_t gen;
};

static uint64_t text_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 0x100000001b3ULL;
	return h ? h : 1;
}

static struct pc_ent *pc_find(struct pol_cache *c, uint64_t h, const char *text)
{
	size_t i = h & (c->n_slots - 1);

	for (;; i = (i + 1) & (c->n_slots - 1)) {
		struct pc_ent *e = &c->slot[i];

		if (!e->hash || (e->hash == h && !strcmp(e->text, text)))
			return e;
	}
}

/* Rebuilds the table with n_slots slots, keeping the entries used by load
 * min_gen or later. */
static int pc_rehash(struct pol_cache *c, size_t n_slots, uint32_t min_gen)
{
	struct pc_ent *old = c->slot, *e;
	size_t n_old = c->n_slots;

	c->slot = calloc(n_slots, sizeof(*c->slot));
	if (!c->slot) {
		c->slot = old;
		return -ENOMEM;
	}
	c->n_slots = n_slots;
	c->n = 0;
	for (size_t i = 0; i < n_old; i++) {
		if (!old[i].hash)
			continue;
		if (old[i].gen < min_gen) {
			pol_doc_free(old[i].doc);
			free(old[i].text);
			continue;
		}
		e = pc_find(c, old[i].hash, old[i].text);
		*e = old[i];
		c->n++;
	}
	free(old);
	return 0;
}

void node_pol_cache_free(struct node *n)
{
	struct pol_cache *c = n->pcache;

	if (!c)
		return;
	for (size_t i = 0; i < c->n_slots; i++)
		if (c->slot[i].hash) {
			pol_doc_free(c->slot[i].doc);
			free(c->slot[i].text);
		}
	free(c->slot);
	free(c);
	n->pcache = NULL;
}

size_t node_pol_cache_size(const struct node *n)
{
	return n->pcache ? n->pcache->n : 0;
}

/* A new load: its documents get a new generation. */
int node_pol_cache_begin(struct node *n)
{
	struct pol_cache *c = n->pcache;

	if (!c) {
		c = calloc(1, sizeof(*c));
		if (!c)
			return -ENOMEM;
		n->pcache = c;
	}
	c->gen++;
	return 0;
}

/* After a load: drops the documents neither it nor the one before used. */
int node_pol_cache_end(struct node *n)
{
	struct pol_cache *c = n->pcache;
	size_t live = 0;

	if (!c || c->gen < 2)
		return 0;
	for (size_t i = 0; i < c->n_slots; i++)
		live += c->slot[i].hash && c->slot[i].gen + 1 >= c->gen;
	if (live == c->n)
		return 0;
	return pc_rehash(c, c->n_slots, c->gen - 1);
}

/* The parsed document of stored text (borrowed: the cache owns it). */
int node_pol_cache_get(struct node *n, const char *text, struct pol_doc **out, struct errmsg *em)
{
	struct pol_cache *c = n->pcache;
	uint64_t h = text_hash(text);
	struct pc_ent *e;
	json_object *o;
	int err;

	if ((c->n + 1) * 2 > c->n_slots) {
		err = pc_rehash(c, c->n_slots ? c->n_slots * 2 : 256, 0);
		if (err)
			return err;
	}
	e = pc_find(c, h, text);
	if (e->hash) {
		e->gen = c->gen;
		*out = e->doc;
		return 0;
	}
	o = json_tokener_parse(text);
	if (!o)
		return em_set(em, -EINVAL, "not JSON");
	err = pol_doc_from_json(o, out, em);
	json_object_put(o);
	if (err)
		return err;
	e->text = strdup(text);
	if (!e->text) {
		pol_doc_free(*out);
		return -ENOMEM;
	}
	e->hash = h;
	e->doc = *out;
	e->gen = c->gen;
	c->n++;
	return 0;
}
