// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stdio.h>

#include "lib/errmsg.h"

int em_set(struct errmsg *em, int err, const char *fmt, ...)
{
	va_list ap;

	if (!em || em->msg[0])
		return err;
	va_start(ap, fmt);
	vsnprintf(em->msg, sizeof(em->msg), fmt, ap);
	va_end(ap);
	return err;
}
