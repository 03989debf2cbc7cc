/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * YAML (and JSON, which is YAML flow style) to json-c, one object per
 * document of a stream, keeping source lines for error messages.
 *
 * Scalars: quoted and block scalars stay strings; plain scalars that look
 * like decimal integers become ints, true/false booleans, null/~/empty
 * null (a NULL json_object). Aliases, complex keys, duplicate keys, NUL
 * bytes in strings and nesting deeper than YJ_MAX_DEPTH are errors.
 */
#ifndef HYP_LIB_YAML_H
#define HYP_LIB_YAML_H

#include <stddef.h>
#include <json-c/json.h>

#include "lib/errmsg.h"

#define YJ_MAX_DEPTH 64

/*
 * Parses every document of text into *docs (*n of them, in stream order);
 * docs[i] is NULL for an empty document. On error nothing is returned and
 * em says "document N, line L: reason".
 */
int yj_parse(const char *text, size_t len, json_object ***docs, size_t *n, struct errmsg *em);
void yj_docs_free(json_object **docs, size_t n);

/* Source line (from 1) of a node yj_parse made; 0 when unknown. */
int yj_line(json_object *o);
/* Line of key in mapping map; the mapping's own line when unknown. */
int yj_key_line(json_object *map, const char *key);

#endif
