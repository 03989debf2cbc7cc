// SPDX-License-Identifier: GPL-2.0-only
/* base64 for etcd's JSON gateway (keys and values are bytes in base64). */
#include <errno.h>
#include <string.h>

#include "cluster/etcd.h"

static const char b64_chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void b64_encode(const void *in, size_t n, char *out)
{
	const unsigned char *p = in;
	size_t i, o = 0;

	for (i = 0; i + 2 < n; i += 3) {
		unsigned v = p[i] << 16 | p[i + 1] << 8 | p[i + 2];

		out[o++] = b64_chars[v >> 18 & 63];
		out[o++] = b64_chars[v >> 12 & 63];
		out[o++] = b64_chars[v >> 6 & 63];
		out[o++] = b64_chars[v & 63];
	}
	if (i < n) {
		unsigned v = p[i] << 16 | (i + 1 < n ? p[i + 1] << 8 : 0);

		out[o++] = b64_chars[v >> 18 & 63];
		out[o++] = b64_chars[v >> 12 & 63];
		out[o++] = i + 1 < n ? b64_chars[v >> 6 & 63] : '=';
		out[o++] = '=';
	}
	out[o] = 0;
}

static int b64_val(char c)
{
	const char *p = c ? strchr(b64_chars, c) : NULL;

	return p ? (int)(p - b64_chars) : -1;
}

int b64_decode(const char *in, void *out, size_t *n)
{
	size_t len = strlen(in), o = 0;
	unsigned char *q = out;

	if (len % 4)
		return -EINVAL;
	for (size_t i = 0; i < len; i += 4) {
		int a = b64_val(in[i]), b = b64_val(in[i + 1]);
		int c = in[i + 2] == '=' ? 0 : b64_val(in[i + 2]);
		int d = in[i + 3] == '=' ? 0 : b64_val(in[i + 3]);
		unsigned v;

		if (a < 0 || b < 0 || c < 0 || d < 0)
			return -EINVAL;
		if ((in[i + 2] == '=' || in[i + 3] == '=') && i + 4 != len)
			return -EINVAL;
		if (in[i + 2] == '=' && in[i + 3] != '=')
			return -EINVAL;
		v = (unsigned)a << 18 | (unsigned)b << 12 | (unsigned)c << 6 | (unsigned)d;
		q[o++] = (unsigned char)(v >> 16);
		if (in[i + 2] != '=')
			q[o++] = (unsigned char)(v >> 8);
		if (in[i + 3] != '=')
			q[o++] = (unsigned char)v;
	}
	*n = o;
	return 0;
}
