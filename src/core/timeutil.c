/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Clock readings, calendar arithmetic and strict ISO-8601 parsing and
 * formatting for timestamps in reports, logs and the compliance calendar.
 * The calendar conversions are Howard Hinnant's days_from_civil and
 * civil_from_days (public domain), so no libc time zone code is involved.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/core.h"

/* The supported range as days since 1970-01-01: 0000-01-01..9999-12-31. */
#define DAYS_MIN INT64_C(-719528)
#define DAYS_MAX INT64_C(2932896)

int64_t ps_time_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * PS_USEC_PER_SEC + ts.tv_nsec / 1000;
}

uint64_t ps_time_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int32_t ps_tz_offset_s(enum ps_tz tz)
{
	return tz == PS_TZ_SHANGHAI ? 8 * 3600 : 0;
}

const char *ps_tz_name(enum ps_tz tz)
{
	return tz == PS_TZ_SHANGHAI ? "Asia/Shanghai" : "UTC";
}

int ps_tz_parse(const char *s, enum ps_tz *tz)
{
	static const struct {
		const char *name;
		enum ps_tz tz;
	} names[] = {
		{"UTC", PS_TZ_UTC},
		{"Etc/UTC", PS_TZ_UTC},
		{"Z", PS_TZ_UTC},
		{"Asia/Shanghai", PS_TZ_SHANGHAI},
		{"PRC", PS_TZ_SHANGHAI},
	};

	if (s == NULL)
		return PS_EINVAL;
	for (size_t i = 0; i < PS_ARRAY_LEN(names); i++) {
		if (strcasecmp(s, names[i].name) == 0) {
			*tz = names[i].tz;
			return PS_OK;
		}
	}
	return PS_EINVAL;
}

/* Floor division and the matching non-negative remainder, for b > 0. */
static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && a < 0) ? q - 1 : q;
}

static int64_t floor_mod(int64_t a, int64_t b)
{
	return a - floor_div(a, b) * b;
}

bool ps_date_leap_year(int32_t year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int ps_date_month_days(int32_t year, int month)
{
	static const uint8_t mdays[12] = {31, 28, 31, 30, 31, 30,
					  31, 31, 30, 31, 30, 31};

	if (month < 1 || month > 12)
		return 0;
	if (month == 2 && ps_date_leap_year(year))
		return 29;
	return mdays[month - 1];
}

bool ps_date_valid(int32_t year, int month, int day)
{
	if (year < PS_DATE_YEAR_MIN || year > PS_DATE_YEAR_MAX)
		return false;
	return day >= 1 && day <= ps_date_month_days(year, month);
}

static bool date_ok(struct ps_date d)
{
	return ps_date_valid(d.year, d.month, d.day);
}

/* Hinnant's days_from_civil: shift the year to start in March so that the
 * leap day is last, then count 400-year eras of 146097 days. */
int64_t ps_date_to_days(struct ps_date d)
{
	int64_t y = (int64_t)d.year - (d.month <= 2);
	int64_t era = floor_div(y, 400);
	int64_t yoe = y - era * 400;                     /* 0..399 */
	int64_t mp = d.month > 2 ? d.month - 3 : d.month + 9; /* March = 0 */
	int64_t doy = (153 * mp + 2) / 5 + d.day - 1;    /* 0..365 */
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

int ps_date_from_days(int64_t days, struct ps_date *out)
{
	int64_t z, era, doe, yoe, doy, mp, y;

	if (days < DAYS_MIN || days > DAYS_MAX)
		return PS_EINVAL;
	z = days + 719468;
	era = floor_div(z, 146097);
	doe = z - era * 146097;                                        /* 0..146096 */
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;   /* 0..399 */
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                 /* 0..365 */
	mp = (5 * doy + 2) / 153;                                      /* 0..11 */
	y = yoe + era * 400;
	out->day = (uint8_t)(doy - (153 * mp + 2) / 5 + 1);
	out->month = (uint8_t)(mp < 10 ? mp + 3 : mp - 9);
	out->year = (int32_t)(y + (out->month <= 2));
	return PS_OK;
}

int ps_date_add_days(struct ps_date d, int64_t n, struct ps_date *out)
{
	int64_t days;

	if (!date_ok(d) || n < DAYS_MIN - DAYS_MAX || n > DAYS_MAX - DAYS_MIN)
		return PS_EINVAL;
	days = ps_date_to_days(d) + n;
	return ps_date_from_days(days, out);
}

/* Build year/month (month may be any integer offset) with the day clamped. */
static int date_clamped(int64_t year, int64_t month0, int day,
			struct ps_date *out)
{
	int64_t y = year + floor_div(month0, 12);
	int m = (int)floor_mod(month0, 12) + 1;
	int mdays;

	if (y < PS_DATE_YEAR_MIN || y > PS_DATE_YEAR_MAX)
		return PS_EINVAL;
	mdays = ps_date_month_days((int32_t)y, m);
	out->year = (int32_t)y;
	out->month = (uint8_t)m;
	out->day = (uint8_t)(day < mdays ? day : mdays);
	return PS_OK;
}

int ps_date_add_months(struct ps_date d, int32_t n, struct ps_date *out)
{
	if (!date_ok(d))
		return PS_EINVAL;
	return date_clamped(d.year, (int64_t)d.month - 1 + n, d.day, out);
}

int ps_date_add_years(struct ps_date d, int32_t n, struct ps_date *out)
{
	if (!date_ok(d))
		return PS_EINVAL;
	return date_clamped((int64_t)d.year + n, d.month - 1, d.day, out);
}

int64_t ps_date_diff_days(struct ps_date a, struct ps_date b)
{
	return ps_date_to_days(a) - ps_date_to_days(b);
}

int ps_date_cmp(struct ps_date a, struct ps_date b)
{
	if (a.year != b.year)
		return a.year < b.year ? -1 : 1;
	if (a.month != b.month)
		return a.month < b.month ? -1 : 1;
	if (a.day != b.day)
		return a.day < b.day ? -1 : 1;
	return 0;
}

int ps_date_from_time_us(int64_t us, enum ps_tz tz, struct ps_date *out)
{
	int64_t off = ps_tz_offset_s(tz) * PS_USEC_PER_SEC;

	/* Keep us + off from overflowing; such instants are far out of range. */
	if (us > INT64_MAX - off)
		return PS_EINVAL;
	return ps_date_from_days(floor_div(us + off, PS_USEC_PER_DAY), out);
}

int ps_date_to_time_us(struct ps_date d, enum ps_tz tz, int64_t *us)
{
	if (!date_ok(d))
		return PS_EINVAL;
	*us = ps_date_to_days(d) * PS_USEC_PER_DAY -
	      ps_tz_offset_s(tz) * PS_USEC_PER_SEC;
	return PS_OK;
}

/* ---- parsing ---------------------------------------------------------- */

/* A bounded cursor over the input: every read checks `pos < len`. */
struct scan {
	const char *s;
	size_t len;
	size_t pos;
};

static bool scan_char(struct scan *sc, char c)
{
	if (sc->pos < sc->len && sc->s[sc->pos] == c) {
		sc->pos++;
		return true;
	}
	return false;
}

/* Exactly `n` ASCII digits (not isdigit(): that depends on the locale). */
static bool scan_digits(struct scan *sc, int n, int32_t *val)
{
	int32_t v = 0;

	if (sc->len - sc->pos < (size_t)n)
		return false;
	for (int i = 0; i < n; i++) {
		char c = sc->s[sc->pos + (size_t)i];

		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (c - '0');
	}
	sc->pos += (size_t)n;
	*val = v;
	return true;
}

static bool scan_date(struct scan *sc, struct ps_date *d)
{
	int32_t y, m, day;

	if (!scan_digits(sc, 4, &y) || !scan_char(sc, '-') ||
	    !scan_digits(sc, 2, &m) || !scan_char(sc, '-') ||
	    !scan_digits(sc, 2, &day) || !ps_date_valid(y, m, day))
		return false;
	d->year = y;
	d->month = (uint8_t)m;
	d->day = (uint8_t)day;
	return true;
}

int ps_date_parse(const char *s, size_t len, struct ps_date *out)
{
	struct scan sc = {s, len, 0};
	struct ps_date d;

	if (s == NULL || !scan_date(&sc, &d) || sc.pos != len)
		return PS_EINVAL;
	*out = d;
	return PS_OK;
}

/* "HH:MM:SS" with 24-hour time and no leap second, into seconds of day. */
static bool scan_hms(struct scan *sc, int64_t *secs)
{
	int32_t h, m, s;

	if (!scan_digits(sc, 2, &h) || !scan_char(sc, ':') ||
	    !scan_digits(sc, 2, &m) || !scan_char(sc, ':') ||
	    !scan_digits(sc, 2, &s))
		return false;
	if (h > 23 || m > 59 || s > 59)
		return false;
	*secs = h * 3600 + m * 60 + s;
	return true;
}

/* "." and 1..9 digits, truncated to microseconds; absent means 0. */
static bool scan_fraction(struct scan *sc, int64_t *usec)
{
	int ndig = 0;
	int64_t v = 0;

	*usec = 0;
	if (!scan_char(sc, '.'))
		return true;
	while (sc->pos < sc->len && sc->s[sc->pos] >= '0' &&
	       sc->s[sc->pos] <= '9') {
		if (++ndig > 9)
			return false;
		if (ndig <= 6)
			v = v * 10 + (sc->s[sc->pos] - '0');
		sc->pos++;
	}
	if (ndig == 0)
		return false;
	for (int i = ndig; i < 6; i++)
		v *= 10;
	*usec = v;
	return true;
}

/* "Z", "+HH:MM" or "+HHMM" (and "-"), into seconds east of UTC. Absent
 * (end of input) means the default zone. */
static bool scan_offset(struct scan *sc, enum ps_tz deftz, int64_t *off)
{
	int32_t h, m;
	int sign;

	if (sc->pos == sc->len) {
		*off = ps_tz_offset_s(deftz);
		return true;
	}
	if (scan_char(sc, 'Z') || scan_char(sc, 'z')) {
		*off = 0;
		return true;
	}
	if (scan_char(sc, '+'))
		sign = 1;
	else if (scan_char(sc, '-'))
		sign = -1;
	else
		return false;
	if (!scan_digits(sc, 2, &h))
		return false;
	(void)scan_char(sc, ':');
	if (!scan_digits(sc, 2, &m) || h > 23 || m > 59)
		return false;
	*off = sign * (h * 3600 + m * 60);
	return true;
}

int ps_time_parse_iso8601(const char *s, size_t len, enum ps_tz deftz,
			  int64_t *us)
{
	struct scan sc = {s, len, 0};
	struct ps_date d;
	int64_t secs = 0, frac = 0, off;

	if (s == NULL || !scan_date(&sc, &d))
		return PS_EINVAL;
	if (sc.pos == len) {
		off = ps_tz_offset_s(deftz);
	} else {
		if (!scan_char(&sc, 'T') && !scan_char(&sc, 't') &&
		    !scan_char(&sc, ' '))
			return PS_EINVAL;
		if (!scan_hms(&sc, &secs) || !scan_fraction(&sc, &frac) ||
		    !scan_offset(&sc, deftz, &off) || sc.pos != len)
			return PS_EINVAL;
	}
	*us = (ps_date_to_days(d) * 86400 + secs - off) * PS_USEC_PER_SEC + frac;
	return PS_OK;
}

int ps_time_parse_until(const char *s, size_t len, enum ps_tz deftz, int64_t *us)
{
	struct ps_date d;
	int rc = ps_time_parse_iso8601(s, len, deftz, us);

	if (rc == PS_OK && ps_date_parse(s, len, &d) == PS_OK)
		*us += PS_USEC_PER_DAY;
	return rc;
}

/* ---- formatting ------------------------------------------------------- */

static int fmt_fail(char *out, size_t outlen, int rc)
{
	if (out != NULL && outlen > 0)
		out[0] = '\0';
	return rc;
}

int ps_date_fmt(struct ps_date d, char *out, size_t outlen)
{
	int n;

	if (!date_ok(d))
		return fmt_fail(out, outlen, PS_EINVAL);
	if (out == NULL || outlen < PS_DATE_FMT_SIZE)
		return fmt_fail(out, outlen, PS_ELIMIT);
	n = snprintf(out, outlen, "%04d-%02u-%02u", (int)d.year,
		     (unsigned)d.month, (unsigned)d.day);
	return n == PS_DATE_FMT_SIZE - 1 ? PS_OK : fmt_fail(out, outlen, PS_EINVAL);
}

int ps_time_fmt_iso8601(int64_t us, enum ps_tz tz, unsigned flags, char *out,
			size_t outlen)
{
	int64_t off = ps_tz_offset_s(tz) * PS_USEC_PER_SEC, local, sod, usec;
	struct ps_date d;
	char frac[8] = "";
	int n;

	if (flags > PS_TIME_FMT_SEC || ps_date_from_time_us(us, tz, &d) != PS_OK)
		return fmt_fail(out, outlen, PS_EINVAL);
	if (out == NULL || outlen == 0)
		return PS_ELIMIT;
	local = us + off; /* no overflow: ps_date_from_time_us checked it */
	sod = floor_mod(local, PS_USEC_PER_DAY) / PS_USEC_PER_SEC;
	usec = floor_mod(local, PS_USEC_PER_SEC);
	if (flags == PS_TIME_FMT_US)
		snprintf(frac, sizeof(frac), ".%06u", (unsigned)usec);
	else if (flags == PS_TIME_FMT_MS)
		snprintf(frac, sizeof(frac), ".%03u", (unsigned)(usec / 1000));
	n = snprintf(out, outlen, "%04d-%02u-%02uT%02u:%02u:%02u%s%s",
		     (int)d.year, (unsigned)d.month, (unsigned)d.day,
		     (unsigned)(sod / 3600), (unsigned)(sod / 60 % 60),
		     (unsigned)(sod % 60), frac,
		     tz == PS_TZ_SHANGHAI ? "+08:00" : "Z");
	if (n < 0 || (size_t)n >= outlen)
		return fmt_fail(out, outlen, PS_ELIMIT);
	return PS_OK;
}
