/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Time helpers: instants as int64_t microseconds since 1970-01-01T00:00:00Z
 * (called "ps_time_us" in docs), civil dates, strict ISO-8601 parsing and
 * formatting, and the date arithmetic the compliance calendar is built on.
 *
 * Everything here is pure arithmetic on the proleptic Gregorian calendar:
 * nothing reads the TZ variable, /etc/localtime or calls gmtime/mktime, so
 * results do not depend on the host. Two zones exist: UTC and Asia/Shanghai,
 * which is a fixed UTC+08:00 (China has observed no daylight saving since
 * 1991-09). Instants before 1991-09 in Asia/Shanghai are still computed as
 * UTC+08:00, i.e. the historical DST of 1986-1991 is not applied.
 *
 * Leap seconds are not represented (POSIX time): second 60 is rejected.
 * Supported years are 0000..9999, the range ISO 8601 writes with four digits.
 * All functions are thread-safe (they keep no state).
 */
#ifndef PS_CORE_TIMEUTIL_H
#define PS_CORE_TIMEUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define PS_USEC_PER_SEC INT64_C(1000000)
#define PS_USEC_PER_DAY (INT64_C(86400) * PS_USEC_PER_SEC)

#define PS_DATE_YEAR_MIN 0
#define PS_DATE_YEAR_MAX 9999

/* Buffer sizes including the NUL: "2026-11-21" and the longest instant
 * "2026-11-21T18:00:00.123456+08:00". */
#define PS_DATE_FMT_SIZE 11
#define PS_TIME_FMT_SIZE 33

/* A civil (calendar) date. Valid when ps_date_valid() says so. */
struct ps_date {
	int32_t year;
	uint8_t month; /* 1..12 */
	uint8_t day;   /* 1..days in month */
};

/* The zones Panshi reports in. Both are fixed offsets from UTC. */
enum ps_tz {
	PS_TZ_UTC,      /* +00:00, written "Z" */
	PS_TZ_SHANGHAI, /* Asia/Shanghai, +08:00, no DST (see above) */
};

/* Precision of ps_time_fmt_iso8601(); the value is the `flags` argument. */
enum ps_time_fmt_flag {
	PS_TIME_FMT_US = 0,  /* 2026-11-21T10:00:00.123456Z (default) */
	PS_TIME_FMT_MS = 1,  /* 2026-11-21T10:00:00.123Z */
	PS_TIME_FMT_SEC = 2, /* 2026-11-21T10:00:00Z */
};

/* Wall-clock time now (CLOCK_REALTIME), microseconds since the epoch. */
int64_t ps_time_now_us(void);
/* Monotonic milliseconds (CLOCK_MONOTONIC) for intervals and rate limits. */
uint64_t ps_time_mono_ms(void);

/* Offset of `tz` from UTC in seconds (0 or 28800). */
int32_t ps_tz_offset_s(enum ps_tz tz);
/* "UTC" or "Asia/Shanghai". */
const char *ps_tz_name(enum ps_tz tz);
/*
 * Parse a zone name, case-insensitively: "UTC", "Etc/UTC", "Z" -> PS_TZ_UTC;
 * "Asia/Shanghai", "PRC" -> PS_TZ_SHANGHAI. PS_EINVAL for anything else
 * (including POSIX strings like "UTC+8", whose sign is the opposite of
 * ISO 8601); `*tz` is untouched then.
 */
int ps_tz_parse(const char *s, enum ps_tz *tz) PS_MUST_USE;

/* Gregorian validity: year in 0..9999, month 1..12, day within the month
 * (leap years: divisible by 4, except centuries not divisible by 400). */
bool ps_date_valid(int32_t year, int month, int day);
/* Whether `year` has a Feb 29 (any year, proleptic Gregorian). */
bool ps_date_leap_year(int32_t year);
/* Days in `month` of `year`, 0 when month is not 1..12. */
int ps_date_month_days(int32_t year, int month);

/*
 * Parse exactly "YYYY-MM-DD" from the `len` bytes at `s` (no NUL needed,
 * nothing past len is read). PS_EINVAL on any other shape or an impossible
 * date such as 2018-09-31 or 2023-02-29; `*out` is untouched then.
 */
int ps_date_parse(const char *s, size_t len, struct ps_date *out) PS_MUST_USE;
/* Write "YYYY-MM-DD" (PS_DATE_FMT_SIZE bytes with the NUL). PS_EINVAL for an
 * invalid date, PS_ELIMIT if outlen is too small (out gets "" if it can). */
int ps_date_fmt(struct ps_date d, char *out, size_t outlen) PS_MUST_USE;

/*
 * Parse an ISO-8601 / RFC 3339 instant from the `len` bytes at `s`:
 *   YYYY-MM-DD                          midnight in `deftz`
 *   YYYY-MM-DD(T|t| )HH:MM:SS[.f{1,9}][Z|z|(+|-)HH[:]MM]
 * Fractions beyond microseconds are truncated. Without an offset the time
 * is in `deftz`. Rejected with PS_EINVAL (and `*us` untouched): impossible
 * dates, hour 24, minute 60, second 60 (leap) or 61, offsets beyond 23:59,
 * missing seconds, more than 9 fraction digits, surrounding spaces and any
 * trailing bytes. Never reads past `len`.
 */
int ps_time_parse_iso8601(const char *s, size_t len, enum ps_tz deftz,
			  int64_t *us) PS_MUST_USE;
/*
 * The same for the end of a range ("--until", "?until="): a bare date is
 * the end of that day (the next midnight), so "until 2026-11-20" includes
 * the 20th; a time is that instant.
 */
int ps_time_parse_until(const char *s, size_t len, enum ps_tz deftz,
			int64_t *us) PS_MUST_USE;
/*
 * Write `us` as "2026-11-21T10:00:00.123456Z" (PS_TZ_UTC) or
 * "2026-11-21T18:00:00.123456+08:00" (PS_TZ_SHANGHAI) with the precision
 * chosen by `flags` (enum ps_time_fmt_flag; the fraction is truncated).
 * PS_EINVAL if the local date falls outside years 0000..9999 or flags are
 * unknown, PS_ELIMIT if outlen is too small; out gets "" on failure when
 * outlen > 0. PS_TIME_FMT_SIZE bytes always suffice.
 */
int ps_time_fmt_iso8601(int64_t us, enum ps_tz tz, unsigned flags, char *out,
			size_t outlen) PS_MUST_USE;

/*
 * Days since 1970-01-01 in the proleptic Gregorian calendar (negative
 * before). `d` should be valid; any year computes without overflow.
 */
int64_t ps_date_to_days(struct ps_date d);
/* Inverse of ps_date_to_days; PS_EINVAL outside years 0000..9999. */
int ps_date_from_days(int64_t days, struct ps_date *out) PS_MUST_USE;
/* d + n days. PS_EINVAL if d is invalid or the result leaves 0000..9999. */
int ps_date_add_days(struct ps_date d, int64_t n, struct ps_date *out) PS_MUST_USE;
/*
 * d + n calendar months, clamping the day to the end of the target month:
 * 2024-01-31 + 1 = 2024-02-29, 2023-11-30 + 3 = 2024-02-29. n may be
 * negative. PS_EINVAL if d is invalid or the result leaves 0000..9999.
 */
int ps_date_add_months(struct ps_date d, int32_t n, struct ps_date *out) PS_MUST_USE;
/* d + n years; Feb 29 becomes Feb 28 in a common year. Errors as above. */
int ps_date_add_years(struct ps_date d, int32_t n, struct ps_date *out) PS_MUST_USE;
/* a - b in days (positive when a is later), same sign as ps_date_cmp(a, b). */
int64_t ps_date_diff_days(struct ps_date a, struct ps_date b);
/* -1, 0 or 1 as a is before, equal to or after b. */
int ps_date_cmp(struct ps_date a, struct ps_date b);
/* The calendar date of instant `us` as seen in `tz`; PS_EINVAL outside
 * years 0000..9999. */
int ps_date_from_time_us(int64_t us, enum ps_tz tz, struct ps_date *out) PS_MUST_USE;
/* The instant at 00:00:00 of `d` in `tz`; PS_EINVAL if d is invalid. */
int ps_date_to_time_us(struct ps_date d, enum ps_tz tz, int64_t *us) PS_MUST_USE;

#endif
