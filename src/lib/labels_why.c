// SPDX-License-Identifier: GPL-2.0-only
/* Which rule of the Kubernetes label syntax a key or value breaks, in words. */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lib/labels.h"

static bool name_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_' || c == '.';
}

/* The name part of a key, or a value: up to 63 of A-Z a-z 0-9 - _ ., alnum at both ends. */
static bool name_why(const char *what, const char *s, size_t n, bool allow_empty, char *buf,
		     size_t len)
{
	if (!n && !allow_empty)
		return snprintf(buf, len, "%s is empty", what), true;
	if (n > LABEL_VAL_MAX)
		return snprintf(buf, len, "%s has %zu characters, at most %d", what, n,
				LABEL_VAL_MAX),
		       true;
	for (size_t i = 0; i < n; i++)
		if (!name_char(s[i]))
			return snprintf(buf, len,
					"%s has '%c' at %zu: only A-Z a-z 0-9 '-' '_' '.' are "
					"allowed",
					what, s[i], i + 1),
			       true;
	if (n && (!isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[n - 1])))
		return snprintf(buf, len, "%s must begin and end with a letter or digit", what),
		       true;
	return false;
}

int labels__why(const char *key, const char *val, char *buf, size_t len)
{
	const char *slash = strchr(key, '/');
	const char *name = slash ? slash + 1 : key;

	buf[0] = '\0';
	if (slash && strchr(name, '/'))
		snprintf(buf, len, "the key has more than one '/' (want [PREFIX/]NAME)");
	else if (slash && label_validate_key(key) &&
		 (slash == key || (size_t)(slash - key) > 253 ||
		  strspn(key, "abcdefghijklmnopqrstuvwxyz0123456789-.") < (size_t)(slash - key)))
		snprintf(buf, len,
			 "the key's prefix '%.*s' must be a DNS subdomain: at most 253 of a-z 0-9 "
			 "'-' '.'",
			 (int)(slash - key), key);
	else if (!name_why("the key's name", name, strlen(name), false, buf, len) &&
		 label_validate_key(key))
		snprintf(buf, len, "the key's prefix must be a DNS subdomain (a-z 0-9 '-' '.')");
	if (!buf[0])
		name_why("the value", val, strlen(val), true, buf, len);
	return buf[0] ? -EINVAL : 0;
}
