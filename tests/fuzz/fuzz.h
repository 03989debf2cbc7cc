/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared helpers of the libFuzzer targets (tests/fuzz/fuzz_*.c). Each
 * target is one file built on its own with -fsanitize=fuzzer,address,
 * undefined against the product compiled with ASan and UBSan (make fuzz).
 * An invariant that fails calls fz_fail(), which aborts: libFuzzer saves
 * the input as a crash.
 */
#ifndef HYP_TESTS_FUZZ_H
#define HYP_TESTS_FUZZ_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"

__attribute__((format(printf, 1, 2), noreturn)) static inline void fz_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("fuzz invariant broken: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* The input as a NUL-terminated string (the parsers take C strings). */
static inline char *fz_str(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Once: no log output for every rejected input. */
static inline void fz_quiet(void)
{
	static int done;

	if (!done) {
		log_set_level(HYP_LOG_WARN);
		done = 1;
	}
}

#endif
