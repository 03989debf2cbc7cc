/* SPDX-License-Identifier: GPL-2.0-only */
/* A message naming the object and the cause, carried beside a -errno. */
#ifndef HYP_ERRMSG_H
#define HYP_ERRMSG_H

#include <stddef.h>

struct errmsg {
	char msg[512];
};

/* Sets the message (first one wins) and returns err, for `return em_set(...)`. */
int em_set(struct errmsg *em, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
