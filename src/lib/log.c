// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <bpf/libbpf.h>

#include "lib/log.h"

/* Process-wide settings, written once at start-up. */
static enum hyp_log_level log_level = HYP_LOG_INFO;
static const char *log_prefix = "hyperion";

void log_set_level(enum hyp_log_level level)
{
	log_level = level;
}

void log_set_prefix(const char *prefix)
{
	log_prefix = prefix;
}

static void log_vmsg(enum hyp_log_level level, const char *fmt, va_list ap)
{
	static const char *names[] = {"warn", "info", "debug"};

	if (level > log_level)
		return;
	fprintf(stderr, "%s: %s: ", log_prefix, names[level]);
	vfprintf(stderr, fmt, ap);
}

void log_msg(enum hyp_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	enum hyp_log_level l = level == LIBBPF_WARN   ? HYP_LOG_WARN
			       : level == LIBBPF_INFO ? HYP_LOG_DEBUG
						      : HYP_LOG_DEBUG + 1;

	if (l <= log_level)
		log_vmsg(l > HYP_LOG_DEBUG ? HYP_LOG_DEBUG : l, fmt, ap);
	return 0;
}

void log_route_libbpf(void)
{
	libbpf_set_print(libbpf_print);
}
