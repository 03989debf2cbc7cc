/* SPDX-License-Identifier: GPL-2.0-only */
/* Leveled logging to stderr; libbpf's output is routed through it (log_bpf.c). */
#ifndef HYP_LOG_H
#define HYP_LOG_H

#include <stdarg.h>
#include <stdbool.h>

enum hyp_log_level { HYP_LOG_ERROR = -1, HYP_LOG_WARN = 0, HYP_LOG_INFO = 1, HYP_LOG_DEBUG = 2 };

void log_set_level(enum hyp_log_level level);
void log_set_prefix(const char *prefix);
/*
 * Each line starts with the time (UTC, RFC 3339 with ms): for a daemon
 * writing to a file. Not under systemd (JOURNAL_STREAM set): the journal
 * stamps its lines itself.
 */
void log_set_timestamps(bool on);
enum hyp_log_level log_get_level(void);
void log_msg(enum hyp_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_vmsg(enum hyp_log_level level, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* log_bpf.c, in the node library: links libbpf. */
void log_route_libbpf(void);

#define pr_err(...)   log_msg(HYP_LOG_ERROR, __VA_ARGS__)
#define pr_warn(...)  log_msg(HYP_LOG_WARN, __VA_ARGS__)
#define pr_info(...)  log_msg(HYP_LOG_INFO, __VA_ARGS__)
#define pr_debug(...) log_msg(HYP_LOG_DEBUG, __VA_ARGS__)

#endif
