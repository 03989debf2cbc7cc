// SPDX-License-Identifier: GPL-2.0-only
/* libbpf's messages through our log; apart from log.c, which links no libbpf. */
#include <stdarg.h>
#include <bpf/libbpf.h>

#include "lib/log.h"

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	enum hyp_log_level l = level == LIBBPF_WARN   ? HYP_LOG_WARN
			       : level == LIBBPF_INFO ? HYP_LOG_DEBUG
						      : HYP_LOG_DEBUG + 1;

	if (l <= log_get_level())
		log_vmsg(l > HYP_LOG_DEBUG ? HYP_LOG_DEBUG : l, fmt, ap);
	return 0;
}

void log_route_libbpf(void)
{
	libbpf_set_print(libbpf_print);
}
