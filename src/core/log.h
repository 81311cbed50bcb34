/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Logging with levels and per-call-site rate limiting. Lines go to stderr
 * (or a configured stream) as "2026-11-21T10:00:00.123Z warn store: text".
 */
#ifndef PS_CORE_LOG_H
#define PS_CORE_LOG_H

#include <stdint.h>
#include <stdio.h>

#include "core/err.h"

enum ps_log_level {
	PS_LOG_ERROR,
	PS_LOG_WARN,
	PS_LOG_NOTICE,
	PS_LOG_INFO,
	PS_LOG_DEBUG,
};

/* Global threshold: messages above it are dropped. Default PS_LOG_NOTICE. */
void ps_log_level_set(enum ps_log_level lvl);
enum ps_log_level ps_log_level_get(void);
/* Parse "error|warn|notice|info|debug"; PS_EINVAL otherwise. */
int ps_log_level_parse(const char *s, enum ps_log_level *out) PS_MUST_USE;
const char *ps_log_level_name(enum ps_log_level lvl);
/* Redirect output (NULL = stderr). The stream is borrowed. */
void ps_log_stream_set(FILE *f);

/* Write one line if `lvl` passes the threshold. Thread-safe. */
void ps_log(enum ps_log_level lvl, const char *subsys, const char *fmt, ...)
	PS_PRINTF(3, 4);

/*
 * Token bucket for one call site: at most `burst` lines, refilled at one
 * line per `interval_ms`; suppressed lines are counted and reported on the
 * next line that passes ("... (17 similar messages suppressed)").
 */
struct ps_log_ratelimit {
	uint32_t interval_ms;
	uint32_t burst;
	uint32_t tokens;
	uint64_t last_ms;
	uint64_t suppressed;
	int initialised;
};

void ps_log_rl(struct ps_log_ratelimit *rl, enum ps_log_level lvl,
	       const char *subsys, const char *fmt, ...) PS_PRINTF(4, 5);

/*
 * Details of the implementation (log.c): a line is formatted on the stack
 * and written with one fwrite + fflush under a mutex, so lines from
 * different threads never interleave. Control bytes in the message (a
 * newline in a file name, say) are written as \n, \r or \xNN so input
 * cannot forge log lines; a message longer than about 2 KiB is cut and ends
 * with "...". The rate-limit buckets are updated under the same mutex, so a
 * static bucket may be shared by threads. burst 0 counts as 1;
 * interval_ms 0 disables the limit.
 */

/* Test hook: the monotonic millisecond clock used by rate limits (NULL = real). */
void ps_log_clock_set(uint64_t (*now_ms)(void));

/* Rate-limited log from a call site: a static bucket per site. */
#define PS_LOG_RATELIMITED(lvl, subsys, interval_ms, burst, ...)             \
	do {                                                                 \
		static struct ps_log_ratelimit ps_rl_ = {(interval_ms), (burst), \
							 0, 0, 0, 0};        \
		ps_log_rl(&ps_rl_, (lvl), (subsys), __VA_ARGS__);            \
	} while (0)

#define ps_log_error(sub, ...) ps_log(PS_LOG_ERROR, (sub), __VA_ARGS__)
#define ps_log_warn(sub, ...) ps_log(PS_LOG_WARN, (sub), __VA_ARGS__)
#define ps_log_notice(sub, ...) ps_log(PS_LOG_NOTICE, (sub), __VA_ARGS__)
#define ps_log_info(sub, ...) ps_log(PS_LOG_INFO, (sub), __VA_ARGS__)
#define ps_log_debug(sub, ...) ps_log(PS_LOG_DEBUG, (sub), __VA_ARGS__)

#endif
