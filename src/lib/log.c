// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "lib/log.h"

/* Process-wide settings, written once at start-up. */
static enum hyp_log_level log_level = HYP_LOG_INFO;
static const char *log_prefix = "hyperion";
static bool log_stamps;

void log_set_timestamps(bool on)
{
	const char *js = getenv("JOURNAL_STREAM");

	log_stamps = on && !(js && *js);
}

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
	static const char *names[] = {"error", "warn", "info", "debug"};
	char stamp[40] = "";

	if (level > log_level)
		return;
	if (log_stamps) {
		struct timespec ts;
		struct tm tm;
		size_t n;

		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		n = strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
		snprintf(stamp + n, sizeof(stamp) - n, ".%03ldZ ", ts.tv_nsec / 1000000);
	}
	fprintf(stderr, "%s%s: %s: ", stamp, log_prefix, names[level + 1]);
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
