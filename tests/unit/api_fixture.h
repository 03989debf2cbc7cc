/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fixture of the API unit tests (test_api*.c): a member of a reply, a
 * connected socket pair, a child that writes a buffer and exits.
 */
#ifndef HYP_TESTS_API_FIXTURE_H
#define HYP_TESTS_API_FIXTURE_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <cmocka.h>

#include "lib/api.h"

static inline json_object *get(json_object *o, const char *key)
{
	json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

static inline void pair(int sv[2])
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
}

/* The child writes `len` bytes of `data` (repeated pattern) and exits. */
static inline pid_t writer(int fd, const char *data, size_t len)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		size_t off = 0;

		while (off < len) {
			ssize_t n = write(fd, data + off, len - off);

			if (n <= 0)
				_exit(1);
			off += (size_t)n;
		}
		_exit(0);
	}
	return pid;
}

#endif
