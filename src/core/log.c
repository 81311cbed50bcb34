/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Log lines with a UTC millisecond timestamp, level and subsystem, written
 * whole under a mutex, and token-bucket rate limiting per call site. Every
 * module logs through here; packet paths use only the rate-limited form.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/core.h"

#define LOG_MSG_MAX 2048
#define LOG_LINE_MAX (LOG_MSG_MAX * 4 + 256)

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *log_stream;                 /* NULL = stderr; under log_lock */
static _Atomic int log_level = PS_LOG_NOTICE;
static uint64_t (*_Atomic log_clock)(void);

static const char *const level_names[] = {
	"error", "warn", "notice", "info", "debug",
};

void ps_log_level_set(enum ps_log_level lvl)
{
	if (lvl >= PS_LOG_ERROR && lvl <= PS_LOG_DEBUG)
		atomic_store(&log_level, (int)lvl);
}

enum ps_log_level ps_log_level_get(void)
{
	return (enum ps_log_level)atomic_load(&log_level);
}

int ps_log_level_parse(const char *s, enum ps_log_level *out)
{
	for (size_t i = 0; s != NULL && i < PS_ARRAY_LEN(level_names); i++) {
		if (strcmp(s, level_names[i]) == 0) {
			*out = (enum ps_log_level)i;
			return PS_OK;
		}
	}
	return PS_EINVAL;
}

const char *ps_log_level_name(enum ps_log_level lvl)
{
	if (lvl < PS_LOG_ERROR || lvl > PS_LOG_DEBUG)
		return "?";
	return level_names[lvl];
}

void ps_log_stream_set(FILE *f)
{
	pthread_mutex_lock(&log_lock);
	log_stream = f;
	pthread_mutex_unlock(&log_lock);
}

void ps_log_clock_set(uint64_t (*now_ms)(void))
{
	atomic_store(&log_clock, now_ms);
}

static uint64_t mono_ms(void)
{
	uint64_t (*fn)(void) = atomic_load(&log_clock);
	struct timespec ts;

	if (fn != NULL)
		return fn();
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static bool level_enabled(enum ps_log_level lvl)
{
	return (int)lvl <= atomic_load(&log_level);
}

/* A bounded output cursor: appends stop at the end, `full` records a cut. */
struct out {
	char *p;
	size_t len, cap;
	bool full;
};

static void out_add(struct out *o, const char *s, size_t n)
{
	if (n > o->cap - o->len) {
		n = o->cap - o->len;
		o->full = true;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

/* Copy the message, writing C0, DEL and C1 control characters as escapes. */
static void out_add_escaped(struct out *o, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char e[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};

		if (c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 &&
		    (unsigned char)s[i + 1] <= 0x9f) {
			/* a C1 control (U+0080..U+009F), e.g. CSI */
			unsigned char c1 = (unsigned char)s[++i];
			char e1[4] = {'\\', 'x', hex[c1 >> 4], hex[c1 & 15]};

			out_add(o, e, 4);
			out_add(o, e1, 4);
		} else if (c >= 0x20 && c != 0x7f)
			out_add(o, (const char *)&c, 1);
		else if (c == '\t')
			out_add(o, "\t", 1);
		else if (c == '\n')
			out_add(o, "\\n", 2);
		else if (c == '\r')
			out_add(o, "\\r", 2);
		else
			out_add(o, e, 4);
	}
}

/* "2026-11-21T10:00:00.123Z" into buf (>= 32 bytes). */
static size_t fmt_time(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;
	int n;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (gmtime_r(&ts.tv_sec, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	n = snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
		     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		     tm.tm_min, tm.tm_sec, (long)(ts.tv_nsec / 1000000));
	return n > 0 && (size_t)n < size ? (size_t)n : 0;
}

static void emit(enum ps_log_level lvl, const char *subsys, uint64_t suppressed,
		 const char *fmt, va_list ap) PS_PRINTF(4, 0);

static void emit(enum ps_log_level lvl, const char *subsys, uint64_t suppressed,
		 const char *fmt, va_list ap)
{
	char msg[LOG_MSG_MAX], line[LOG_LINE_MAX], tmp[96];
	struct out o = {line, 0, sizeof(line) - 1, false};
	int n = vsnprintf(msg, sizeof(msg), fmt, ap);
	size_t mlen = n < 0 ? 0 : (size_t)n;
	FILE *f;

	out_add(&o, tmp, fmt_time(tmp, sizeof(tmp)));
	out_add(&o, " ", 1);
	out_add(&o, ps_log_level_name(lvl), strlen(ps_log_level_name(lvl)));
	out_add(&o, " ", 1);
	if (subsys != NULL) {
		out_add_escaped(&o, subsys, strlen(subsys));
		out_add(&o, ": ", 2);
	}
	out_add_escaped(&o, msg, mlen < sizeof(msg) ? mlen : sizeof(msg) - 1);
	if (mlen >= sizeof(msg) || o.full) {
		o.len = o.len < o.cap - 3 ? o.len : o.cap - 3;
		out_add(&o, "...", 3);
	}
	if (suppressed != 0) {
		n = snprintf(tmp, sizeof(tmp), " (%" PRIu64 " similar message%s suppressed)",
			     suppressed, suppressed == 1 ? "" : "s");
		out_add(&o, tmp, n > 0 ? (size_t)n : 0);
	}
	line[o.len++] = '\n'; /* cap left one byte for it */

	pthread_mutex_lock(&log_lock);
	f = log_stream != NULL ? log_stream : stderr;
	fwrite(line, 1, o.len, f);
	fflush(f);
	pthread_mutex_unlock(&log_lock);
}

void ps_log(enum ps_log_level lvl, const char *subsys, const char *fmt, ...)
{
	va_list ap;

	if (!level_enabled(lvl))
		return;
	va_start(ap, fmt);
	emit(lvl, subsys, 0, fmt, ap);
	va_end(ap);
}

/* Refill the bucket for the time elapsed; caller holds log_lock. */
static void rl_refill(struct ps_log_ratelimit *rl, uint64_t now)
{
	uint32_t burst = rl->burst != 0 ? rl->burst : 1;
	uint64_t n;

	if (!rl->initialised || rl->interval_ms == 0 || now < rl->last_ms) {
		if (!rl->initialised || rl->interval_ms == 0)
			rl->tokens = burst;
		rl->last_ms = now;
		rl->initialised = 1;
		return;
	}
	if (rl->tokens > burst)
		rl->tokens = burst;
	n = (now - rl->last_ms) / rl->interval_ms;
	if (n == 0)
		return;
	rl->tokens = n >= burst - rl->tokens ? burst : rl->tokens + (uint32_t)n;
	rl->last_ms += n * rl->interval_ms;
}

void ps_log_rl(struct ps_log_ratelimit *rl, enum ps_log_level lvl,
	       const char *subsys, const char *fmt, ...)
{
	uint64_t suppressed;
	va_list ap;

	if (!level_enabled(lvl))
		return;
	pthread_mutex_lock(&log_lock);
	rl_refill(rl, mono_ms());
	if (rl->tokens == 0) {
		rl->suppressed++;
		pthread_mutex_unlock(&log_lock);
		return;
	}
	rl->tokens--;
	suppressed = rl->suppressed;
	rl->suppressed = 0;
	pthread_mutex_unlock(&log_lock);

	va_start(ap, fmt);
	emit(lvl, subsys, suppressed, fmt, ap);
	va_end(ap);
}
