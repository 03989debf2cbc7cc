// SPDX-License-Identifier: GPL-2.0-only
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/labels.h"

static int dns_alnum(char c)
{
	return islower((unsigned char)c) || isdigit((unsigned char)c);
}

/* DNS-1123 subdomain as Kubernetes checks it: dot-separated [a-z0-9]([-a-z0-9]*[a-z0-9])? parts,
 * 253 in all. */
static int validate_dns_subdomain(const char *s, size_t n)
{
	size_t start = 0;

	if (n == 0 || n > 253)
		return -EINVAL;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != '.') {
			if (!dns_alnum(s[i]) && s[i] != '-')
				return -EINVAL;
			continue;
		}
		/* label s[start, i) */
		if (i == start || !dns_alnum(s[start]) || !dns_alnum(s[i - 1]))
			return -EINVAL;
		start = i + 1;
	}
	return 0;
}

/* Name part: up to 63 of [A-Za-z0-9_.-], alphanumeric at both ends. */
static int validate_name(const char *s, size_t n, int allow_empty)
{
	if (n == 0)
		return allow_empty ? 0 : -EINVAL;
	if (n > 63 || !isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[n - 1]))
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
			return -EINVAL;
	return 0;
}

int label_validate_key(const char *key)
{
	const char *slash = strchr(key, '/');

	if (!slash)
		return validate_name(key, strlen(key), 0);
	if (validate_dns_subdomain(key, (size_t)(slash - key)))
		return -EINVAL;
	return validate_name(slash + 1, strlen(slash + 1), 0);
}

int label_validate_value(const char *val)
{
	return validate_name(val, strlen(val), 1);
}

const char *labels__get(const struct labels *ls, const char *key)
{
	for (size_t i = 0; i < ls->n; i++)
		if (!strcmp(ls->l[i].key, key))
			return ls->l[i].val;
	return NULL;
}

int labels__set(struct labels *ls, const char *key, const char *val)
{
	size_t i;

	if (label_validate_key(key) || label_validate_value(val))
		return -EINVAL;
	if (labels__get(ls, key))
		return -EEXIST;
	if (ls->n == LABELS_MAX)
		return -E2BIG;
	/* insertion sort keeps the set canonical */
	for (i = ls->n; i > 0 && strcmp(ls->l[i - 1].key, key) > 0; i--)
		ls->l[i] = ls->l[i - 1];
	snprintf(ls->l[i].key, sizeof(ls->l[i].key), "%s", key);
	snprintf(ls->l[i].val, sizeof(ls->l[i].val), "%s", val);
	ls->n++;
	return 0;
}

int labels__add_kv(struct labels *ls, const char *kv)
{
	char key[LABEL_KEY_MAX + 1];
	const char *eq = strchr(kv, '=');
	size_t n;

	if (!eq)
		return -EINVAL;
	n = (size_t)(eq - kv);
	if (n == 0 || n > LABEL_KEY_MAX)
		return -EINVAL;
	memcpy(key, kv, n);
	key[n] = '\0';
	return labels__set(ls, key, eq + 1);
}

int labels__canonical(const struct labels *ls, char *buf, size_t len)
{
	size_t off = 0;

	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < ls->n; i++) {
		int w = snprintf(buf + off, len - off, "%s%s=%s", i ? "," : "", ls->l[i].key,
				 ls->l[i].val);

		if (w < 0 || (size_t)w >= len - off)
			return -ENOSPC;
		off += (size_t)w;
	}
	return 0;
}

int labels__parse_canonical(struct labels *ls, const char *s)
{
	char *copy, *tok, *next;
	int err = 0;

	ls->n = 0;
	if (!*s)
		return 0;
	copy = strdup(s);
	if (!copy)
		return -ENOMEM;
	/* strsep, not strtok: an empty token is an error, not skipped */
	for (next = copy; (tok = strsep(&next, ",")) != NULL;) {
		err = *tok ? labels__add_kv(ls, tok) : -EINVAL;
		if (err)
			break;
	}
	free(copy);
	return err;
}

bool labels__equal(const struct labels *a, const struct labels *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->l[i].key, b->l[i].key) || strcmp(a->l[i].val, b->l[i].val))
			return false;
	return true;
}
