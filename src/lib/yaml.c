// SPDX-License-Identifier: GPL-2.0-only
/*
 * libyaml events -> json-c objects. Each node made here carries a struct
 * yj_info in its json-c userdata slot (freed with the node): its source
 * line and, for mappings, the line of each key. json-c itself uses that
 * slot only for doubles, which this file never makes, so yj_line() ignores
 * doubles (they may come from json-c's own parser).
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "lib/yaml.h"

struct yj_key {
	char *key;
	int line;
};

struct yj_info {
	int line;
	size_t n_keys, cap_keys;
	struct yj_key *keys; /* mappings only */
};

struct yj_frame {
	json_object *obj; /* the mapping or sequence being filled */
	char *key;	  /* mapping: the key waiting for its value, or NULL */
	int key_line;
};

struct yj_builder {
	struct yj_frame stack[YJ_MAX_DEPTH];
	size_t depth;
	json_object *root; /* the current document's root node */
	json_object **docs;
	size_t n_docs, cap_docs;
	int doc; /* index of the current document, from 1 */
	struct errmsg *em;
};

static void info_free(json_object *o, void *ud)
{
	struct yj_info *info = ud;

	for (size_t i = 0; i < info->n_keys; i++)
		free(info->keys[i].key);
	free(info->keys);
	free(info);
}

static int info_attach(json_object *o, int line)
{
	struct yj_info *info = calloc(1, sizeof(*info));

	if (!info)
		return -ENOMEM;
	info->line = line;
	json_object_set_userdata(o, info, info_free);
	return 0;
}

static struct yj_info *info_get(json_object *o)
{
	if (!o || json_object_is_type(o, json_type_double))
		return NULL;
	return json_object_get_userdata(o);
}

int yj_line(json_object *o)
{
	struct yj_info *info = info_get(o);

	return info ? info->line : 0;
}

int yj_key_line(json_object *map, const char *key)
{
	struct yj_info *info = info_get(map);

	if (!info)
		return 0;
	for (size_t i = 0; i < info->n_keys; i++)
		if (!strcmp(info->keys[i].key, key))
			return info->keys[i].line;
	return info->line;
}

static int info_add_key(json_object *map, const char *key, int line)
{
	struct yj_info *info = info_get(map);
	struct yj_key *keys;

	if (!info)
		return 0;
	if (info->n_keys == info->cap_keys) {
		size_t cap = info->cap_keys ? 2 * info->cap_keys : 8;

		keys = realloc(info->keys, cap * sizeof(*keys));
		if (!keys)
			return -ENOMEM;
		info->keys = keys;
		info->cap_keys = cap;
	}
	info->keys[info->n_keys].key = strdup(key);
	if (!info->keys[info->n_keys].key)
		return -ENOMEM;
	info->keys[info->n_keys++].line = line;
	return 0;
}

static int ev_line(const yaml_event_t *ev)
{
	return ev->start_mark.line < INT_MAX ? (int)ev->start_mark.line + 1 : INT_MAX;
}

static int berr(struct yj_builder *b, int err, int line, const char *what)
{
	return em_set(b->em, err, "document %d, line %d: %s", b->doc ? b->doc : 1, line, what);
}

/* Decimal integer as YAML 1.2's core schema writes one, no leading zeros. */
static bool parse_int(const char *s, int64_t *v)
{
	const char *d = (*s == '-' || *s == '+') ? s + 1 : s;
	char *end;

	if (!*d || (d[0] == '0' && d[1]))
		return false;
	for (const char *p = d; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	errno = 0;
	*v = strtoll(s, &end, 10);
	return !errno && !*end;
}

static bool is_null(const char *s)
{
	return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
	       !strcmp(s, "NULL");
}

static int is_bool(const char *s)
{
	if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE"))
		return 1;
	if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE"))
		return 0;
	return -1;
}

/* A plain scalar, or one with an explicit !!int / !!bool / !!null tag. */
static int resolve(const char *s, const char *tag, json_object **out)
{
	int64_t v;
	int bv = is_bool(s);

	*out = NULL;
	if ((!tag || !strcmp(tag, YAML_NULL_TAG)) && is_null(s))
		return 0;
	if ((!tag || !strcmp(tag, YAML_BOOL_TAG)) && bv >= 0) {
		*out = json_object_new_boolean(bv);
		return *out ? 0 : -ENOMEM;
	}
	if ((!tag || !strcmp(tag, YAML_INT_TAG)) && parse_int(s, &v)) {
		*out = json_object_new_int64(v);
		return *out ? 0 : -ENOMEM;
	}
	if (tag && strcmp(tag, YAML_NULL_TAG) && strcmp(tag, YAML_BOOL_TAG) &&
	    strcmp(tag, YAML_INT_TAG))
		return -EOPNOTSUPP;
	if (tag)
		return -EINVAL;
	*out = json_object_new_string(s);
	return *out ? 0 : -ENOMEM;
}

static int scalar_value(struct yj_builder *b, const yaml_event_t *ev, json_object **out)
{
	const char *s = (const char *)ev->data.scalar.value;
	const char *tag = (const char *)ev->data.scalar.tag;
	bool plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	int err;

	*out = NULL;
	if (strlen(s) != ev->data.scalar.length)
		return berr(b, -EINVAL, ev_line(ev), "a string contains a NUL byte");
	if (tag && (!strcmp(tag, "!") || !strcmp(tag, YAML_STR_TAG)))
		tag = NULL, plain = false;
	if (!tag && !plain) {
		*out = json_object_new_string(s);
		err = *out ? 0 : -ENOMEM;
	} else {
		err = resolve(s, tag, out);
	}
	if (err == -EOPNOTSUPP)
		return em_set(b->em, -EINVAL, "document %d, line %d: tag %.100s is not supported",
			      b->doc, ev_line(ev), tag);
	if (err == -EINVAL)
		return em_set(b->em, err,
			      "document %d, line %d: \"%.100s\" does not fit its tag %s", b->doc,
			      ev_line(ev), s, tag);
	if (err)
		return err;
	if (*out && info_attach(*out, ev_line(ev))) {
		json_object_put(*out);
		*out = NULL;
		return -ENOMEM;
	}
	return 0;
}

static struct yj_frame *top(struct yj_builder *b)
{
	return b->depth ? &b->stack[b->depth - 1] : NULL;
}

static bool wants_key(struct yj_builder *b)
{
	struct yj_frame *f = top(b);

	return f && json_object_is_type(f->obj, json_type_object) && !f->key;
}

/* Hands val (a new reference, may be NULL) to the node being built. */
static int add_value(struct yj_builder *b, json_object *val)
{
	struct yj_frame *f = top(b);
	int err;

	if (!f) {
		b->root = val;
		return 0;
	}
	if (json_object_is_type(f->obj, json_type_array)) {
		if (json_object_array_add(f->obj, val)) {
			json_object_put(val);
			return -ENOMEM;
		}
		return 0;
	}
	/* json-c takes val only when the add succeeds */
	if (json_object_object_add(f->obj, f->key, val)) {
		json_object_put(val);
		err = -ENOMEM;
	} else {
		err = info_add_key(f->obj, f->key, f->key_line);
	}
	free(f->key);
	f->key = NULL;
	return err;
}

static int on_key(struct yj_builder *b, const yaml_event_t *ev)
{
	struct yj_frame *f = top(b);
	const char *s = (const char *)ev->data.scalar.value;
	char msg[160];

	if (strlen(s) != ev->data.scalar.length)
		return berr(b, -EINVAL, ev_line(ev), "a key contains a NUL byte");
	if (json_object_object_get_ex(f->obj, s, NULL)) {
		snprintf(msg, sizeof(msg), "duplicate key \"%.100s\"", s);
		return berr(b, -EINVAL, ev_line(ev), msg);
	}
	f->key = strdup(s);
	f->key_line = ev_line(ev);
	return f->key ? 0 : -ENOMEM;
}

static int on_scalar(struct yj_builder *b, const yaml_event_t *ev)
{
	json_object *val;
	int err;

	if (wants_key(b))
		return on_key(b, ev);
	err = scalar_value(b, ev, &val);
	if (err)
		return err;
	return add_value(b, val);
}

static int on_collection_start(struct yj_builder *b, const yaml_event_t *ev, bool mapping)
{
	json_object *o;
	int err;

	if (wants_key(b))
		return berr(b, -EINVAL, ev_line(ev), "a mapping key must be a scalar");
	if (b->depth == YJ_MAX_DEPTH)
		return berr(b, -EINVAL, ev_line(ev), "nesting is too deep");
	o = mapping ? json_object_new_object() : json_object_new_array();
	if (!o)
		return -ENOMEM;
	err = info_attach(o, ev_line(ev));
	if (!err)
		err = add_value(b, json_object_get(o));
	if (!err)
		b->stack[b->depth++] = (struct yj_frame){.obj = o};
	json_object_put(o); /* the parent (or root) holds it now */
	return err;
}

static int on_document_end(struct yj_builder *b)
{
	json_object **docs;

	if (b->n_docs == b->cap_docs) {
		size_t cap = b->cap_docs ? 2 * b->cap_docs : 4;

		docs = realloc(b->docs, cap * sizeof(*docs));
		if (!docs)
			return -ENOMEM;
		b->docs = docs;
		b->cap_docs = cap;
	}
	b->docs[b->n_docs++] = b->root;
	b->root = NULL;
	return 0;
}

static int on_event(struct yj_builder *b, const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		b->doc++;
		return 0;
	case YAML_DOCUMENT_END_EVENT:
		return on_document_end(b);
	case YAML_ALIAS_EVENT:
		return berr(b, -EINVAL, ev_line(ev), "YAML aliases (*name) are not supported");
	case YAML_SCALAR_EVENT:
		return on_scalar(b, ev);
	case YAML_MAPPING_START_EVENT:
	case YAML_SEQUENCE_START_EVENT:
		return on_collection_start(b, ev, ev->type == YAML_MAPPING_START_EVENT);
	case YAML_MAPPING_END_EVENT:
	case YAML_SEQUENCE_END_EVENT:
		b->depth--;
		return 0;
	default:
		return 0;
	}
}

static int parser_error(struct yj_builder *b, const yaml_parser_t *p)
{
	size_t line = p->problem_mark.line + 1;

	if (p->error == YAML_MEMORY_ERROR)
		return -ENOMEM;
	if (p->error == YAML_READER_ERROR)
		return em_set(b->em, -EINVAL, "document %d: invalid text at byte %zu: %s",
			      b->doc ? b->doc : 1, p->problem_offset,
			      p->problem ? p->problem : "unreadable");
	return em_set(b->em, -EINVAL, "document %d, line %zu: YAML syntax error: %s%s%s",
		      b->doc ? b->doc : 1, line, p->problem ? p->problem : "invalid",
		      p->context ? " " : "", p->context ? p->context : "");
}

static void builder_free(struct yj_builder *b)
{
	for (size_t i = 0; i < b->depth; i++)
		free(b->stack[i].key);
	json_object_put(b->root);
	yj_docs_free(b->docs, b->n_docs);
}

int yj_parse(const char *text, size_t len, json_object ***docs, size_t *n, struct errmsg *em)
{
	struct yj_builder b = {.em = em};
	yaml_parser_t parser;
	yaml_event_t ev;
	int err = 0;
	bool done = false;

	*docs = NULL;
	*n = 0;
	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	while (!err && !done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			err = parser_error(&b, &parser);
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		err = on_event(&b, &ev);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	if (err) {
		builder_free(&b);
		return err;
	}
	*docs = b.docs;
	*n = b.n_docs;
	return 0;
}

void yj_docs_free(json_object **docs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		json_object_put(docs[i]);
	free(docs);
}
