// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

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

void log_vmsg(enum hyp_log_level level, const char *fmt, va_list ap)
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

enum hyp_log_level log_get_level(void)
{
	return log_level;
}
