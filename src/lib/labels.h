/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Label sets (Kubernetes syntax). A set is kept sorted by key so that its
 * canonical string "k1=v1,k2=v2" names one identity.
 */
#ifndef HYP_LABELS_H
#define HYP_LABELS_H

#include <stdbool.h>
#include <stddef.h>

#define LABELS_MAX    32
#define LABEL_KEY_MAX 317 /* 253 prefix + '/' + 63 name */
#define LABEL_VAL_MAX 63

struct label {
	char key[LABEL_KEY_MAX + 1];
	char val[LABEL_VAL_MAX + 1];
};

struct labels {
	size_t n;
	struct label l[LABELS_MAX];
};

int label_validate_key(const char *key);
int label_validate_value(const char *val);
/* Adds "k=v"; replaces nothing: a duplicate key is an error. */
int labels__add_kv(struct labels *ls, const char *kv);
/* Which rule of the label syntax key=val breaks, in words (-EINVAL), or 0. */
int labels__why(const char *key, const char *val, char *buf, size_t len);
int labels__set(struct labels *ls, const char *key, const char *val);
const char *labels__get(const struct labels *ls, const char *key);
/* The same keys with the same values, in the same order. */
bool labels__equal(const struct labels *a, const struct labels *b);
int labels__canonical(const struct labels *ls, char *buf, size_t len);
int labels__parse_canonical(struct labels *ls, const char *s);

#endif
