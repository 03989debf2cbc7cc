/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Document toolkit: the validation context. Every document kind
 * (NetworkPolicy, InspectionPolicy, the next ones) checks a json-c tree
 * made by yj_parse (lib/yaml.h) through a struct vctx, which carries what
 * a message needs ("document 2 (web), line 14: reason (in spec.ports[0])")
 * and the arena the validated document is allocated from.
 *
 * The rest of the toolkit: lib/yaml.h (text to json-c with lines),
 * lib/meta.h (apiVersion, kind, metadata), lib/selector.h (label
 * selectors), lib/ports.h (ports entries and protocols), lib/jbuild.h
 * (canonical JSON out).
 */
#ifndef HYP_LIB_VALIDATE_H
#define HYP_LIB_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>

#include "lib/errmsg.h"

/* Owns every allocation of one validated document (vc_alloc, vc_strdup). */
struct doc_arena;

void doc_arena_free(struct doc_arena *a);

/*
 * Warnings: what a document says that is valid, and applied as written,
 * but may not be what its author meant (rules that are ignored, an empty
 * list that allows everything). Worded and placed like errors; the texts
 * live in the document's arena. At most DOC_WARNINGS_MAX are kept, the
 * rest only counted.
 */
#define DOC_WARNINGS_MAX 16

struct doc_warnings {
	const char **msg;
	size_t n, cap;
	size_t dropped;
};

/* Validation context: where we are, for messages, and the doc's arena. */
struct vctx {
	struct errmsg *em;
	int doc;	  /* document index from 1; 0: not from a text */
	const char *name; /* metadata.name once valid */
	struct doc_arena **arena;
	char path[160]; /* field path, e.g. spec.ingress[0].ports[1] */
	size_t plen;
	struct doc_warnings *warn; /* NULL: warnings are not kept */
	/*
	 * Kubernetes' decoding (the kinds of the Kubernetes API): a field
	 * whose value is null is as if it were absent, a null list element
	 * is the element's zero value, a null string is "". Else a null
	 * where a value is needed is an error.
	 */
	bool k8s_null;
};

/* "document D (NAME), line L: msg (in PATH)"; "policy NAME: ..." when doc is 0. */
int vc_err(struct vctx *c, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The same words, kept in c->warn; never fails the document. */
void vc_warn(struct vctx *c, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* After a document: when warnings were dropped, a last one says how many. */
void vc_warn_end(struct vctx *c);
void *vc_alloc(struct vctx *c, size_t size);
const char *vc_strdup(struct vctx *c, const char *s);
/* Appends ".key" or "[i]" to the path; vc_pop(c, mark) undoes it. */
size_t vc_key(struct vctx *c, const char *key);
size_t vc_idx(struct vctx *c, size_t i);
void vc_pop(struct vctx *c, size_t mark);
/* Rejects any key of map not in known (NULL-terminated): typos must not pass. */
int vc_fields(struct vctx *c, json_object *map, const char *const *known);
/* o is a mapping; names what is expected otherwise. */
int vc_want_map(struct vctx *c, json_object *o, int line, const char *what);
/* Both: o is a mapping with no key but known. */
int vc_want_fields(struct vctx *c, json_object *o, int line, const char *what,
		   const char *const *known);
/* map[key] is absent or not null (k8s_null: null is absent, always fine). */
int vc_not_null(struct vctx *c, json_object *map, const char *key);
/* o is a list or null (count 0); fills *n. */
int vc_want_list(struct vctx *c, json_object *o, int line, const char *what, size_t *n);
/* map[key] is the string want. */
int vc_const(struct vctx *c, json_object *map, const char *key, const char *want);
/* map[key], NULL when absent or null; vc_has tells those two apart. */
json_object *vc_field(json_object *map, const char *key);
bool vc_has(json_object *map, const char *key);
/* map[key] is given: present, and not null when c->k8s_null. */
bool vc_given(const struct vctx *c, json_object *map, const char *key);
/* map[key] is there with null as its value. */
bool vc_is_null(json_object *map, const char *key);
/* A line for element e of list, else the list's, else line. */
int vc_elem_line(json_object *list, json_object *e, int line);

/* A list field whose entries are parsed one by one into an array. */
struct vc_list {
	const char *key; /* the list is map[key]; key is also its path element */
	size_t size;	 /* bytes of one item */
	bool null_empty; /* null: an empty list; else "key is empty (null)" */
	int (*one)(struct vctx *c, json_object *e, int line, void *item, const void *arg);
	const void *arg; /* passed to one() */
};

/* Parses map[key] with l->one; *items (from the arena) gets *n items. */
int vc_list(struct vctx *c, json_object *map, const struct vc_list *l, void **items, size_t *n);

#endif
