// SPDX-License-Identifier: GPL-2.0-only
/*
 * Document toolkit: the validation context (lib/validate.h). An arena per
 * document, the field path and messages with lines, and the structural
 * checks every document kind makes: known fields, mappings, lists, no
 * nulls where a value is needed.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/validate.h"
#include "lib/yaml.h"

#define ARENA_CHUNK 4096

struct doc_arena {
	struct doc_arena *next;
	size_t used, cap;
	max_align_t data[];
};

/* ---- arena ---- */

void *vc_alloc(struct vctx *c, size_t size)
{
	struct doc_arena *a = *c->arena;
	size_t cap;
	void *p;

	if (size > SIZE_MAX / 2)
		return NULL;
	size = (size + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	if (!a || a->cap - a->used < size) {
		cap = size > ARENA_CHUNK ? size : ARENA_CHUNK;
		a = calloc(1, sizeof(*a) + cap);
		if (!a)
			return NULL;
		a->cap = cap;
		a->next = *c->arena;
		*c->arena = a;
	}
	p = (char *)a->data + a->used;
	a->used += size;
	return p;
}

const char *vc_strdup(struct vctx *c, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = vc_alloc(c, n);

	return p ? memcpy(p, s, n) : NULL;
}

void doc_arena_free(struct doc_arena *a)
{
	while (a) {
		struct doc_arena *next = a->next;

		free(a);
		a = next;
	}
}

/* ---- path and messages ---- */

static size_t vc_append(struct vctx *c, const char *s)
{
	size_t mark = c->plen;
	int w = snprintf(c->path + c->plen, sizeof(c->path) - c->plen, "%s", s);

	if (w > 0)
		c->plen += (size_t)w < sizeof(c->path) - c->plen ? (size_t)w
								 : sizeof(c->path) - c->plen - 1;
	return mark;
}

size_t vc_key(struct vctx *c, const char *key)
{
	size_t mark = c->plen;

	if (c->plen)
		vc_append(c, ".");
	vc_append(c, key);
	return mark;
}

size_t vc_idx(struct vctx *c, size_t i)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "[%zu]", i);
	return vc_append(c, buf);
}

void vc_pop(struct vctx *c, size_t mark)
{
	c->plen = mark;
	c->path[mark] = '\0';
}

static void vc_vformat(struct vctx *c, char *out, size_t len, int line, const char *fmt, va_list ap)
    __attribute__((format(printf, 5, 0)));
static void vc_format(struct vctx *c, char *out, size_t len, int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void vc_vformat(struct vctx *c, char *out, size_t len, int line, const char *fmt, va_list ap)
{
	char msg[320], where[300], at[24] = "", full[1024];
	size_t n;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (c->doc)
		snprintf(where, sizeof(where), "document %d%s%.253s%s", c->doc, c->name ? " (" : "",
			 c->name ? c->name : "", c->name ? ")" : "");
	else
		snprintf(where, sizeof(where), "policy%s%.253s", c->name ? " " : "",
			 c->name ? c->name : "");
	if (line > 0)
		snprintf(at, sizeof(at), ", line %d", line);
	snprintf(full, sizeof(full), "%s%s: %s%s%s%s", where, at, msg, c->plen ? " (in " : "",
		 c->plen ? c->path : "", c->plen ? ")" : "");
	n = strnlen(full, len - 1); /* cut as snprintf would */
	memcpy(out, full, n);
	out[n] = '\0';
}

int vc_err(struct vctx *c, int line, const char *fmt, ...)
{
	char out[sizeof(c->em->msg)];
	va_list ap;

	va_start(ap, fmt);
	vc_vformat(c, out, sizeof(out), line, fmt, ap);
	va_end(ap);
	return em_set(c->em, -EINVAL, "%s", out);
}

static void warn_push(struct vctx *c, const char *text)
{
	struct doc_warnings *w = c->warn;
	const char **msg, *s;

	if (w->n == w->cap) {
		/* the arena never frees: the old array stays, at most as big as the new one */
		size_t cap = w->cap ? 2 * w->cap : 4;

		msg = vc_alloc(c, cap * sizeof(*msg));
		if (!msg)
			return;
		if (w->n)
			memcpy(msg, w->msg, w->n * sizeof(*msg));
		w->msg = msg;
		w->cap = cap;
	}
	s = vc_strdup(c, text);
	if (s)
		w->msg[w->n++] = s;
}

void vc_warn(struct vctx *c, int line, const char *fmt, ...)
{
	char out[sizeof(c->em->msg)];
	va_list ap;

	if (!c->warn)
		return;
	if (c->warn->n >= DOC_WARNINGS_MAX) {
		c->warn->dropped++;
		return;
	}
	va_start(ap, fmt);
	vc_vformat(c, out, sizeof(out), line, fmt, ap);
	va_end(ap);
	warn_push(c, out);
}

static void vc_format(struct vctx *c, char *out, size_t len, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vc_vformat(c, out, len, line, fmt, ap);
	va_end(ap);
}

void vc_warn_end(struct vctx *c)
{
	char out[sizeof(c->em->msg)];
	size_t plen = c->plen;

	if (!c->warn || !c->warn->dropped)
		return;
	c->plen = 0;
	vc_format(c, out, sizeof(out), 0, "%zu more warnings not shown", c->warn->dropped);
	c->plen = plen;
	warn_push(c, out);
}

/* ---- structure ---- */

json_object *vc_field(json_object *map, const char *key)
{
	json_object *v = NULL;

	json_object_object_get_ex(map, key, &v);
	return v;
}

bool vc_has(json_object *map, const char *key)
{
	return json_object_object_get_ex(map, key, NULL);
}

bool vc_given(const struct vctx *c, json_object *map, const char *key)
{
	return c->k8s_null ? vc_field(map, key) != NULL : vc_has(map, key);
}

bool vc_is_null(json_object *map, const char *key)
{
	return vc_has(map, key) && !vc_field(map, key);
}

static int unknown_field(struct vctx *c, json_object *map, const char *key,
			 const char *const *known)
{
	char list[160] = "";
	size_t off = 0;

	for (size_t i = 0; known[i]; i++) {
		if (!strcasecmp(key, known[i]))
			return vc_err(c, yj_key_line(map, key),
				      "unknown field \"%.80s\" (did you mean \"%s\"?)", key,
				      known[i]);
		off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s", i ? ", " : "",
					known[i]);
		if (off >= sizeof(list))
			break;
	}
	return vc_err(c, yj_key_line(map, key), "unknown field \"%.80s\" (known: %s)", key, list);
}

int vc_fields(struct vctx *c, json_object *map, const char *const *known)
{
	json_object_object_foreach(map, key, val)
	{
		size_t i;

		(void)val;
		for (i = 0; known[i] && strcmp(key, known[i]); i++)
			;
		if (!known[i])
			return unknown_field(c, map, key, known);
	}
	return 0;
}

int vc_want_map(struct vctx *c, json_object *o, int line, const char *what)
{
	if (json_object_is_type(o, json_type_object))
		return 0;
	return vc_err(c, yj_line(o) ? yj_line(o) : line, "%s must be a mapping%s", what,
		      o ? "" : ", not null");
}

int vc_want_fields(struct vctx *c, json_object *o, int line, const char *what,
		   const char *const *known)
{
	int err = vc_want_map(c, o, line, what);

	return err ? err : vc_fields(c, o, known);
}

int vc_want_list(struct vctx *c, json_object *o, int line, const char *what, size_t *n)
{
	*n = 0;
	if (!o)
		return 0;
	if (!json_object_is_type(o, json_type_array))
		return vc_err(c, yj_line(o) ? yj_line(o) : line, "%s must be a list", what);
	*n = json_object_array_length(o);
	return 0;
}

int vc_not_null(struct vctx *c, json_object *map, const char *key)
{
	if (c->k8s_null || !vc_has(map, key) || vc_field(map, key))
		return 0;
	return vc_err(c, yj_key_line(map, key), "%s is empty (null): give it a value or remove it",
		      key);
}

int vc_const(struct vctx *c, json_object *map, const char *key, const char *want)
{
	json_object *v = vc_field(map, key);
	int line = yj_key_line(map, key);

	if (!v)
		return vc_err(c, line, "%s is required (%s)", key, want);
	if (!json_object_is_type(v, json_type_string) || strcmp(json_object_get_string(v), want))
		return vc_err(c, line, "%s must be %s, not \"%.80s\"", key, want,
			      json_object_get_string(v));
	return 0;
}

int vc_elem_line(json_object *list, json_object *e, int line)
{
	return yj_line(e) ? yj_line(e) : yj_line(list) ? yj_line(list) : line;
}

int vc_list(struct vctx *c, json_object *map, const struct vc_list *l, void **items, size_t *n)
{
	json_object *list = vc_field(map, l->key);
	int line = yj_key_line(map, l->key);
	size_t mark = vc_key(c, l->key), m;
	int err = 0;

	*n = 0;
	if (!l->null_empty)
		err = vc_not_null(c, map, l->key);
	if (!err)
		err = vc_want_list(c, list, line, l->key, n);
	*items = *n ? vc_alloc(c, *n * l->size) : NULL;
	if (!err && *n && !*items)
		err = -ENOMEM;
	for (size_t i = 0; !err && i < *n; i++) {
		json_object *e = json_object_array_get_idx(list, i);

		m = vc_idx(c, i);
		err =
		    l->one(c, e, vc_elem_line(list, e, line), (char *)*items + i * l->size, l->arg);
		vc_pop(c, m);
	}
	vc_pop(c, mark);
	return err;
}
