/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for core/timeutil: Gregorian validity, strict ISO-8601 parsing
 * and formatting in UTC and Asia/Shanghai, and calendar arithmetic. Expected
 * instants were computed with Python's datetime (UTC, proleptic Gregorian).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/core.h"

static struct ps_date mkdate(int32_t y, int m, int d)
{
	struct ps_date r = {y, (uint8_t)m, (uint8_t)d};

	return r;
}

static void assert_date(struct ps_date d, int32_t y, int m, int day)
{
	assert_int_equal(d.year, y);
	assert_int_equal(d.month, m);
	assert_int_equal(d.day, day);
}

/*
 * Parse `s` from a heap copy of exactly strlen(s) bytes with no NUL, so
 * ASan reports any read past `len`.
 */
static int parse_exact(const char *s, enum ps_tz tz, int64_t *us)
{
	size_t n = strlen(s);
	char *copy = ps_malloc(PS_MEM_TEST, n);
	int rc;

	assert_non_null(copy);
	memcpy(copy, s, n);
	rc = ps_time_parse_iso8601(copy, n, tz, us);
	ps_free(copy);
	return rc;
}

static int date_parse_exact(const char *s, struct ps_date *d)
{
	size_t n = strlen(s);
	char *copy = ps_malloc(PS_MEM_TEST, n);
	int rc;

	assert_non_null(copy);
	memcpy(copy, s, n);
	rc = ps_date_parse(copy, n, d);
	ps_free(copy);
	return rc;
}

static int64_t parse_ok(const char *s, enum ps_tz tz)
{
	int64_t us = 0;

	if (parse_exact(s, tz, &us) != PS_OK)
		fail_msg("'%s' should parse", s);
	return us;
}

static void test_date_valid(void **state)
{
	(void)state;
	assert_true(ps_date_valid(2024, 2, 29));
	assert_false(ps_date_valid(2023, 2, 29));
	assert_false(ps_date_valid(2018, 9, 31));
	assert_true(ps_date_valid(2018, 9, 30));
	assert_false(ps_date_valid(1900, 2, 29)); /* century, not /400 */
	assert_true(ps_date_valid(2000, 2, 29));  /* divisible by 400 */
	assert_false(ps_date_valid(2100, 2, 29));
	assert_true(ps_date_valid(2026, 12, 31));
	assert_false(ps_date_valid(2026, 13, 1));
	assert_false(ps_date_valid(2026, 0, 1));
	assert_false(ps_date_valid(2026, 1, 0));
	assert_false(ps_date_valid(2026, 1, 32));
	assert_false(ps_date_valid(2026, -1, 5));
	assert_false(ps_date_valid(10000, 1, 1));
	assert_false(ps_date_valid(-1, 1, 1));
	assert_true(ps_date_valid(0, 2, 29)); /* year 0 is a leap year */
	assert_int_equal(ps_date_month_days(2024, 2), 29);
	assert_int_equal(ps_date_month_days(2023, 2), 28);
	assert_int_equal(ps_date_month_days(2023, 4), 30);
	assert_int_equal(ps_date_month_days(2023, 13), 0);
}

static void test_date_parse(void **state)
{
	struct ps_date d = mkdate(1, 1, 1);
	static const char *const bad[] = {
		"2018-09-31", "2023-02-29", "1900-02-29", "2026-13-01",
		"2026-00-10", "2026-01-00", "2026-1-01",  "2026-01-1",
		"26-01-01",   "2026/01/01", "2026-01-01 ", " 2026-01-01",
		"2026-01-01T00:00:00Z", "20260101", "",  "２０２６-01-01",
		"2026-01-0x", "+2026-01-01",
	};

	(void)state;
	assert_int_equal(date_parse_exact("2024-02-29", &d), PS_OK);
	assert_date(d, 2024, 2, 29);
	assert_int_equal(date_parse_exact("2000-02-29", &d), PS_OK);
	assert_int_equal(date_parse_exact("0000-01-01", &d), PS_OK);
	assert_date(d, 0, 1, 1);
	assert_int_equal(date_parse_exact("9999-12-31", &d), PS_OK);
	assert_date(d, 9999, 12, 31);
	for (size_t i = 0; i < PS_ARRAY_LEN(bad); i++) {
		d = mkdate(1, 2, 3);
		if (date_parse_exact(bad[i], &d) != PS_EINVAL)
			fail_msg("'%s' should be rejected", bad[i]);
		assert_date(d, 1, 2, 3); /* untouched on failure */
	}
	/* len bounds the input: a valid prefix of a longer string */
	assert_int_equal(ps_date_parse("2024-02-29junk", 10, &d), PS_OK);
	assert_int_equal(ps_date_parse("2024-02-29", 9, &d), PS_EINVAL);
	assert_int_equal(ps_date_parse(NULL, 0, &d), PS_EINVAL);
}

static void test_parse_forms(void **state)
{
	const int64_t t = INT64_C(1795255200123456); /* 2026-11-21T10:00:00.123456Z */
	const int64_t s = INT64_C(1795255200000000);

	(void)state;
	assert_int_equal(parse_ok("1970-01-01T00:00:00Z", PS_TZ_UTC), 0);
	assert_int_equal(parse_ok("1970-01-01", PS_TZ_UTC), 0);
	assert_int_equal(parse_ok("2026-11-21T10:00:00.123456Z", PS_TZ_UTC), t);
	assert_int_equal(parse_ok("2026-11-21T18:00:00.123456+08:00", PS_TZ_UTC), t);
	assert_int_equal(parse_ok("2026-11-21T18:00:00.123456+0800", PS_TZ_UTC), t);
	assert_int_equal(parse_ok("2026-11-21T05:00:00.123456-05:00", PS_TZ_UTC), t);
	assert_int_equal(parse_ok("2026-11-21T05:00:00.123456-0500", PS_TZ_UTC), t);
	assert_int_equal(parse_ok("2026-11-21 10:00:00.123456Z", PS_TZ_UTC), t);
	assert_int_equal(parse_ok("2026-11-21t10:00:00.123456z", PS_TZ_UTC), t);
	assert_int_equal(parse_ok("2026-11-21T10:00:00+00:00", PS_TZ_SHANGHAI), s);
	assert_int_equal(parse_ok("2026-11-21T10:00:00-00:00", PS_TZ_SHANGHAI), s);
	/* no offset: the default zone decides */
	assert_int_equal(parse_ok("2026-11-21T10:00:00", PS_TZ_UTC), s);
	assert_int_equal(parse_ok("2026-11-21T18:00:00", PS_TZ_SHANGHAI), s);
	assert_int_equal(parse_ok("2026-11-21", PS_TZ_SHANGHAI),
			 parse_ok("2026-11-20T16:00:00Z", PS_TZ_UTC));
	/* fractions: 1..9 digits, truncated (not rounded) to microseconds */
	assert_int_equal(parse_ok("2026-11-21T10:00:00.1Z", PS_TZ_UTC), s + 100000);
	assert_int_equal(parse_ok("2026-11-21T10:00:00.12Z", PS_TZ_UTC), s + 120000);
	assert_int_equal(parse_ok("2026-11-21T10:00:00.000001Z", PS_TZ_UTC), s + 1);
	assert_int_equal(parse_ok("2026-11-21T10:00:00.1234569Z", PS_TZ_UTC), t);
	assert_int_equal(parse_ok("2026-11-21T10:00:00.123456999Z", PS_TZ_UTC), t);
	assert_int_equal(parse_ok("2026-11-21T10:00:00.999999999Z", PS_TZ_UTC),
			 s + 999999);
	/* before the epoch */
	assert_int_equal(parse_ok("1969-07-20T20:17:40Z", PS_TZ_UTC),
			 INT64_C(-14182940000000));
	assert_int_equal(parse_ok("1969-12-31T23:59:59.999999Z", PS_TZ_UTC), -1);
	assert_int_equal(parse_ok("2000-01-01T00:00:00Z", PS_TZ_UTC),
			 INT64_C(946684800) * PS_USEC_PER_SEC);
	assert_int_equal(parse_ok("2026-11-21T23:59:59Z", PS_TZ_UTC),
			 s + (13 * 3600 + 59 * 60 + 59) * PS_USEC_PER_SEC);
}

static void test_parse_timezones(void **state)
{
	struct ps_date d;
	int64_t a, b;

	(void)state;
	a = parse_ok("2026-11-21T23:30:00+08:00", PS_TZ_UTC);
	b = parse_ok("2026-11-21T15:30:00Z", PS_TZ_UTC);
	assert_int_equal(a, b);
	/* 16:30 UTC is already the next day in Shanghai */
	a = parse_ok("2026-11-21T16:30:00Z", PS_TZ_UTC);
	assert_int_equal(ps_date_from_time_us(a, PS_TZ_UTC, &d), PS_OK);
	assert_date(d, 2026, 11, 21);
	assert_int_equal(ps_date_from_time_us(a, PS_TZ_SHANGHAI, &d), PS_OK);
	assert_date(d, 2026, 11, 22);
	/* 15:59:59.999999 UTC is still the 21st in Shanghai */
	a = parse_ok("2026-11-21T15:59:59.999999Z", PS_TZ_UTC);
	assert_int_equal(ps_date_from_time_us(a, PS_TZ_SHANGHAI, &d), PS_OK);
	assert_date(d, 2026, 11, 21);
	assert_int_equal(ps_date_from_time_us(a + 1, PS_TZ_SHANGHAI, &d), PS_OK);
	assert_date(d, 2026, 11, 22);
	/* New Year in Shanghai while it is still the old year in UTC */
	a = parse_ok("2027-01-01T00:10:00+08:00", PS_TZ_UTC);
	assert_int_equal(ps_date_from_time_us(a, PS_TZ_UTC, &d), PS_OK);
	assert_date(d, 2026, 12, 31);
	/* -1 us is 1969-12-31 in UTC */
	assert_int_equal(ps_date_from_time_us(-1, PS_TZ_UTC, &d), PS_OK);
	assert_date(d, 1969, 12, 31);
	/* midnight of a date in each zone */
	assert_int_equal(ps_date_to_time_us(mkdate(2026, 11, 22), PS_TZ_SHANGHAI, &a),
			 PS_OK);
	assert_int_equal(a, parse_ok("2026-11-21T16:00:00Z", PS_TZ_UTC));
	assert_int_equal(ps_date_to_time_us(mkdate(2026, 11, 22), PS_TZ_UTC, &a),
			 PS_OK);
	assert_int_equal(a, parse_ok("2026-11-22T00:00:00Z", PS_TZ_UTC));
	assert_int_equal(ps_date_to_time_us(mkdate(2023, 2, 29), PS_TZ_UTC, &a),
			 PS_EINVAL);
}

static void test_parse_rejects(void **state)
{
	static const char *const bad[] = {
		"",
		"2026",
		"2026-11-21T",
		"2026-11-21T10",
		"2026-11-21T10:00",           /* seconds are required */
		"2026-11-21T10:00Z",
		"2026-11-21T24:00:00Z",       /* hour 24 */
		"2026-11-21T23:60:00Z",       /* minute 60 */
		"2026-12-31T23:59:60Z",       /* leap second: not represented */
		"2026-11-21T23:59:61Z",
		"2018-09-31T00:00:00Z",       /* impossible date */
		"2023-02-29",
		"2026-11-21T10:00:00.Z",      /* empty fraction */
		"2026-11-21T10:00:00.1234567890Z", /* 10 digits */
		"2026-11-21T10:00:00,5Z",     /* comma fraction not accepted */
		"2026-11-21T10:00:00+8:00",
		"2026-11-21T10:00:00+08",
		"2026-11-21T10:00:00+08:0",
		"2026-11-21T10:00:00+24:00",
		"2026-11-21T10:00:00+08:60",
		"2026-11-21T10:00:00+08:00:00",
		"2026-11-21T10:00:00ZZ",
		"2026-11-21T10:00:00Z ",      /* trailing junk */
		" 2026-11-21T10:00:00Z",
		"2026-11-21T10:00:00 Z",
		"2026-11-21X10:00:00Z",
		"2026-11-21T10:00:00UTC",
		"2026-11-21T1a:00:00Z",
		"2026-11-21T10:00:00.12a",
		"2026-11-21Z",
		"2026-11-21+08:00",
		"garbage",
		"-001-01-01T00:00:00Z",
		"\xe4\xb8\xad\xe6\x96\x87",
	};
	int64_t us;

	(void)state;
	for (size_t i = 0; i < PS_ARRAY_LEN(bad); i++) {
		us = 12345;
		if (parse_exact(bad[i], PS_TZ_UTC, &us) != PS_EINVAL)
			fail_msg("'%s' should be rejected", bad[i]);
		assert_int_equal(us, 12345);
	}
	/* embedded NUL inside len is junk; len stops before junk */
	assert_int_equal(ps_time_parse_iso8601("2026-11-21T10:00:00Z\0", 21,
					       PS_TZ_UTC, &us), PS_EINVAL);
	assert_int_equal(ps_time_parse_iso8601("2026-11-21T10:00:00Zjunk", 20,
					       PS_TZ_UTC, &us), PS_OK);
	assert_int_equal(ps_time_parse_iso8601(NULL, 0, PS_TZ_UTC, &us), PS_EINVAL);
	/* every proper prefix of a valid instant except the date is rejected */
	{
		const char *full = "2026-11-21T18:00:00.123456+08:00";

		for (size_t n = 0; n < strlen(full); n++) {
			char *copy = ps_malloc(PS_MEM_TEST, n + 1);
			int rc;

			assert_non_null(copy);
			memcpy(copy, full, n);
			rc = ps_time_parse_iso8601(copy, n, PS_TZ_UTC, &us);
			ps_free(copy);
			/* date alone, with seconds, with 1..6 fraction digits,
			 * and "+0800"-ish prefixes "+08:0" are not all valid */
			if (n == 10 || n == 19 || (n >= 21 && n <= 26))
				assert_int_equal(rc, PS_OK);
			else
				assert_int_equal(rc, PS_EINVAL);
		}
	}
}

static void fmt_is(int64_t us, enum ps_tz tz, unsigned flags, const char *want)
{
	char buf[PS_TIME_FMT_SIZE];

	assert_int_equal(ps_time_fmt_iso8601(us, tz, flags, buf, sizeof(buf)), PS_OK);
	assert_string_equal(buf, want);
}

/* The end of a range: a bare date reaches the next midnight, a time is itself. */
static void test_parse_until(void **state)
{
	int64_t start = 0, end = 0, at = 0, kept = 42;

	(void)state;
	assert_int_equal(ps_time_parse_iso8601("2026-11-20", 10, PS_TZ_SHANGHAI, &start), PS_OK);
	assert_int_equal(ps_time_parse_until("2026-11-20", 10, PS_TZ_SHANGHAI, &end), PS_OK);
	assert_int_equal(end - start, PS_USEC_PER_DAY);
	assert_int_equal(ps_time_parse_until("2026-11-20T09:30:00+08:00", 25, PS_TZ_SHANGHAI,
					     &at), PS_OK);
	assert_int_equal(at, start + (9 * 3600 + 30 * 60) * PS_USEC_PER_SEC);
	assert_int_equal(ps_time_parse_until("2026-11-31", 10, PS_TZ_SHANGHAI, &kept),
			 PS_EINVAL);
	assert_int_equal(kept, 42);
}

static void test_fmt(void **state)
{
	const int64_t t = INT64_C(1795255200123456);
	char small[21];
	struct ps_date d;
	char dbuf[PS_DATE_FMT_SIZE];

	(void)state;
	fmt_is(t, PS_TZ_UTC, PS_TIME_FMT_US, "2026-11-21T10:00:00.123456Z");
	fmt_is(t, PS_TZ_SHANGHAI, PS_TIME_FMT_US, "2026-11-21T18:00:00.123456+08:00");
	fmt_is(t, PS_TZ_UTC, PS_TIME_FMT_MS, "2026-11-21T10:00:00.123Z");
	fmt_is(t, PS_TZ_SHANGHAI, PS_TIME_FMT_MS, "2026-11-21T18:00:00.123+08:00");
	fmt_is(t, PS_TZ_UTC, PS_TIME_FMT_SEC, "2026-11-21T10:00:00Z");
	fmt_is(t, PS_TZ_SHANGHAI, PS_TIME_FMT_SEC, "2026-11-21T18:00:00+08:00");
	fmt_is(0, PS_TZ_UTC, PS_TIME_FMT_US, "1970-01-01T00:00:00.000000Z");
	fmt_is(-1, PS_TZ_UTC, PS_TIME_FMT_US, "1969-12-31T23:59:59.999999Z");
	fmt_is(-1, PS_TZ_UTC, PS_TIME_FMT_SEC, "1969-12-31T23:59:59Z");
	fmt_is(-1, PS_TZ_SHANGHAI, PS_TIME_FMT_MS, "1970-01-01T07:59:59.999+08:00");
	fmt_is(INT64_C(-14182940000000), PS_TZ_UTC, PS_TIME_FMT_SEC,
	       "1969-07-20T20:17:40Z");
	fmt_is(parse_ok("2026-11-21T16:30:00Z", PS_TZ_UTC), PS_TZ_SHANGHAI,
	       PS_TIME_FMT_SEC, "2026-11-22T00:30:00+08:00");
	fmt_is(parse_ok("0000-01-01T00:00:00Z", PS_TZ_UTC), PS_TZ_UTC,
	       PS_TIME_FMT_SEC, "0000-01-01T00:00:00Z");
	fmt_is(parse_ok("9999-12-31T23:59:59.999999Z", PS_TZ_UTC), PS_TZ_UTC,
	       PS_TIME_FMT_US, "9999-12-31T23:59:59.999999Z");

	/* too small a buffer, unknown flags, out-of-range years */
	small[0] = 'x';
	small[1] = '\0';
	assert_int_equal(ps_time_fmt_iso8601(t, PS_TZ_UTC, PS_TIME_FMT_US, small,
					     sizeof(small)), PS_ELIMIT);
	assert_string_equal(small, "");
	small[0] = 'x';
	assert_int_equal(ps_time_fmt_iso8601(t, PS_TZ_UTC, PS_TIME_FMT_SEC, small,
					     20), PS_ELIMIT);
	assert_string_equal(small, "");
	assert_int_equal(ps_time_fmt_iso8601(t, PS_TZ_UTC, PS_TIME_FMT_SEC, small,
					     21), PS_OK);
	assert_string_equal(small, "2026-11-21T10:00:00Z");
	assert_int_equal(ps_time_fmt_iso8601(t, PS_TZ_UTC, 7, small, sizeof(small)),
			 PS_EINVAL);
	assert_int_equal(ps_time_fmt_iso8601(parse_ok("9999-12-31T20:00:00Z",
						      PS_TZ_UTC),
					     PS_TZ_SHANGHAI, 0, small, sizeof(small)),
			 PS_EINVAL);
	assert_int_equal(ps_time_fmt_iso8601(INT64_MAX, PS_TZ_SHANGHAI, 0, small,
					     sizeof(small)), PS_EINVAL);
	assert_int_equal(ps_time_fmt_iso8601(INT64_MIN, PS_TZ_UTC, 0, small,
					     sizeof(small)), PS_EINVAL);
	assert_int_equal(ps_date_from_time_us(INT64_MAX, PS_TZ_SHANGHAI, &d),
			 PS_EINVAL);

	assert_int_equal(ps_date_fmt(mkdate(2024, 2, 29), dbuf, sizeof(dbuf)), PS_OK);
	assert_string_equal(dbuf, "2024-02-29");
	assert_int_equal(ps_date_fmt(mkdate(7, 1, 2), dbuf, sizeof(dbuf)), PS_OK);
	assert_string_equal(dbuf, "0007-01-02");
	assert_int_equal(ps_date_fmt(mkdate(2023, 2, 29), dbuf, sizeof(dbuf)),
			 PS_EINVAL);
	assert_int_equal(ps_date_fmt(mkdate(2024, 2, 29), dbuf, 10), PS_ELIMIT);
	assert_string_equal(dbuf, "");
}

static void test_days(void **state)
{
	struct ps_date d;
	int64_t n;

	(void)state;
	assert_int_equal(ps_date_to_days(mkdate(1970, 1, 1)), 0);
	assert_int_equal(ps_date_to_days(mkdate(1969, 12, 31)), -1);
	assert_int_equal(ps_date_to_days(mkdate(2000, 3, 1)), 11017);
	assert_int_equal(ps_date_to_days(mkdate(2026, 11, 21)), 20778);
	assert_int_equal(ps_date_to_days(mkdate(1, 1, 1)), -719162);
	assert_int_equal(ps_date_from_days(20778, &d), PS_OK);
	assert_date(d, 2026, 11, 21);
	assert_int_equal(ps_date_from_days(-719162, &d), PS_OK);
	assert_date(d, 1, 1, 1);

	/* every day of 0000-01-01..9999-12-31: consecutive and invertible */
	d = mkdate(0, 1, 1);
	n = ps_date_to_days(d);
	assert_int_equal(ps_date_from_days(n - 1, &d), PS_EINVAL);
	for (;;) {
		struct ps_date back;

		assert_int_equal(ps_date_to_days(d), n);
		assert_int_equal(ps_date_from_days(n, &back), PS_OK);
		assert_int_equal(ps_date_cmp(back, d), 0);
		if (d.year == 9999 && d.month == 12 && d.day == 31)
			break;
		/* advance by the calendar rules, independently of the code */
		if (d.day < ps_date_month_days(d.year, d.month)) {
			d.day++;
		} else if (d.month < 12) {
			d.month++;
			d.day = 1;
		} else {
			d.year++;
			d.month = 1;
			d.day = 1;
		}
		n++;
	}
	assert_int_equal(ps_date_from_days(n + 1, &d), PS_EINVAL);
}

static void test_add_days(void **state)
{
	struct ps_date d;

	(void)state;
	assert_int_equal(ps_date_add_days(mkdate(2024, 2, 28), 1, &d), PS_OK);
	assert_date(d, 2024, 2, 29);
	assert_int_equal(ps_date_add_days(mkdate(2024, 2, 28), 2, &d), PS_OK);
	assert_date(d, 2024, 3, 1);
	assert_int_equal(ps_date_add_days(mkdate(2023, 2, 28), 1, &d), PS_OK);
	assert_date(d, 2023, 3, 1);
	assert_int_equal(ps_date_add_days(mkdate(2100, 2, 28), 1, &d), PS_OK);
	assert_date(d, 2100, 3, 1);
	assert_int_equal(ps_date_add_days(mkdate(2023, 12, 31), 366, &d), PS_OK);
	assert_date(d, 2024, 12, 31);
	assert_int_equal(ps_date_add_days(mkdate(2024, 3, 1), -1, &d), PS_OK);
	assert_date(d, 2024, 2, 29);
	assert_int_equal(ps_date_add_days(mkdate(2026, 1, 1), -365, &d), PS_OK);
	assert_date(d, 2025, 1, 1);
	assert_int_equal(ps_date_add_days(mkdate(2026, 11, 21), 0, &d), PS_OK);
	assert_date(d, 2026, 11, 21);
	assert_int_equal(ps_date_add_days(mkdate(9999, 12, 31), 1, &d), PS_EINVAL);
	assert_int_equal(ps_date_add_days(mkdate(0, 1, 1), -1, &d), PS_EINVAL);
	assert_int_equal(ps_date_add_days(mkdate(2026, 1, 1), INT64_MAX, &d),
			 PS_EINVAL);
	assert_int_equal(ps_date_add_days(mkdate(2026, 1, 1), INT64_MIN, &d),
			 PS_EINVAL);
	assert_int_equal(ps_date_add_days(mkdate(2023, 2, 29), 1, &d), PS_EINVAL);

	assert_int_equal(ps_date_diff_days(mkdate(2024, 3, 1), mkdate(2023, 3, 1)), 366);
	assert_int_equal(ps_date_diff_days(mkdate(2023, 3, 1), mkdate(2022, 3, 1)), 365);
	assert_int_equal(ps_date_diff_days(mkdate(2100, 3, 1), mkdate(2100, 2, 28)), 1);
	assert_int_equal(ps_date_diff_days(mkdate(2000, 3, 1), mkdate(2000, 2, 28)), 2);
	assert_int_equal(ps_date_diff_days(mkdate(2023, 3, 1), mkdate(2024, 3, 1)), -366);
	assert_int_equal(ps_date_cmp(mkdate(2024, 3, 1), mkdate(2023, 3, 1)), 1);
	assert_int_equal(ps_date_cmp(mkdate(2024, 2, 1), mkdate(2024, 3, 1)), -1);
	assert_int_equal(ps_date_cmp(mkdate(2024, 3, 2), mkdate(2024, 3, 1)), 1);
	assert_int_equal(ps_date_cmp(mkdate(2024, 3, 1), mkdate(2024, 3, 1)), 0);
}

static void test_add_months_years(void **state)
{
	struct ps_date d;

	(void)state;
	assert_int_equal(ps_date_add_months(mkdate(2024, 1, 31), 1, &d), PS_OK);
	assert_date(d, 2024, 2, 29);
	assert_int_equal(ps_date_add_months(mkdate(2023, 1, 31), 1, &d), PS_OK);
	assert_date(d, 2023, 2, 28);
	assert_int_equal(ps_date_add_months(mkdate(2023, 11, 30), 3, &d), PS_OK);
	assert_date(d, 2024, 2, 29);
	assert_int_equal(ps_date_add_months(mkdate(2024, 3, 31), 1, &d), PS_OK);
	assert_date(d, 2024, 4, 30);
	assert_int_equal(ps_date_add_months(mkdate(2024, 1, 15), 12, &d), PS_OK);
	assert_date(d, 2025, 1, 15);
	assert_int_equal(ps_date_add_months(mkdate(2024, 12, 31), 2, &d), PS_OK);
	assert_date(d, 2025, 2, 28);
	assert_int_equal(ps_date_add_months(mkdate(2024, 3, 31), -1, &d), PS_OK);
	assert_date(d, 2024, 2, 29);
	assert_int_equal(ps_date_add_months(mkdate(2024, 1, 15), -1, &d), PS_OK);
	assert_date(d, 2023, 12, 15);
	assert_int_equal(ps_date_add_months(mkdate(2024, 1, 15), -25, &d), PS_OK);
	assert_date(d, 2021, 12, 15);
	assert_int_equal(ps_date_add_months(mkdate(2024, 5, 15), 0, &d), PS_OK);
	assert_date(d, 2024, 5, 15);
	assert_int_equal(ps_date_add_months(mkdate(9999, 12, 1), 1, &d), PS_EINVAL);
	assert_int_equal(ps_date_add_months(mkdate(0, 1, 1), -1, &d), PS_EINVAL);
	assert_int_equal(ps_date_add_months(mkdate(2024, 1, 1), INT32_MAX, &d),
			 PS_EINVAL);
	assert_int_equal(ps_date_add_months(mkdate(2024, 1, 1), INT32_MIN, &d),
			 PS_EINVAL);
	assert_int_equal(ps_date_add_months(mkdate(2018, 9, 31), 1, &d), PS_EINVAL);

	assert_int_equal(ps_date_add_years(mkdate(2024, 2, 29), 1, &d), PS_OK);
	assert_date(d, 2025, 2, 28);
	assert_int_equal(ps_date_add_years(mkdate(2024, 2, 29), 4, &d), PS_OK);
	assert_date(d, 2028, 2, 29);
	assert_int_equal(ps_date_add_years(mkdate(2096, 2, 29), 4, &d), PS_OK);
	assert_date(d, 2100, 2, 28);
	assert_int_equal(ps_date_add_years(mkdate(2024, 2, 29), -24, &d), PS_OK);
	assert_date(d, 2000, 2, 29);
	assert_int_equal(ps_date_add_years(mkdate(2026, 11, 21), 3, &d), PS_OK);
	assert_date(d, 2029, 11, 21);
	assert_int_equal(ps_date_add_years(mkdate(9999, 1, 1), 1, &d), PS_EINVAL);
	assert_int_equal(ps_date_add_years(mkdate(2026, 1, 1), INT32_MAX, &d),
			 PS_EINVAL);
	assert_int_equal(ps_date_add_years(mkdate(2026, 1, 1), INT32_MIN, &d),
			 PS_EINVAL);
}

/* splitmix64: a fixed-seed generator so the test is deterministic. */
static uint64_t next_rand(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static void test_round_trip(void **state)
{
	const int64_t lo = 0;                                 /* 1970-01-01 */
	const int64_t hi = INT64_C(4102444800) * PS_USEC_PER_SEC; /* 2100-01-01 */
	static const int64_t unit[] = {1, 1000, PS_USEC_PER_SEC};
	uint64_t seed = UINT64_C(20261121);

	(void)state;
	for (int i = 0; i < 20000; i++) {
		int64_t us = lo + (int64_t)(next_rand(&seed) % (uint64_t)(hi - lo));
		enum ps_tz tz = (i & 1) ? PS_TZ_SHANGHAI : PS_TZ_UTC;
		unsigned flags = (unsigned)(i % 3);
		char buf[PS_TIME_FMT_SIZE];
		int64_t back = 0;
		struct ps_date d, d2;
		char dbuf[PS_DATE_FMT_SIZE];

		assert_int_equal(ps_time_fmt_iso8601(us, tz, flags, buf, sizeof(buf)),
				 PS_OK);
		/* parsing in the other default zone: the offset wins */
		assert_int_equal(parse_exact(buf, tz == PS_TZ_UTC ? PS_TZ_SHANGHAI
								  : PS_TZ_UTC,
					     &back), PS_OK);
		assert_int_equal(back, us - us % unit[flags]);
		/* the date part of the text is the date in that zone */
		assert_int_equal(ps_date_from_time_us(us, tz, &d), PS_OK);
		assert_int_equal(ps_date_fmt(d, dbuf, sizeof(dbuf)), PS_OK);
		assert_memory_equal(dbuf, buf, 10);
		assert_int_equal(ps_date_parse(buf, 10, &d2), PS_OK);
		assert_int_equal(ps_date_cmp(d, d2), 0);
	}
}

static void test_tz_and_clocks(void **state)
{
	enum ps_tz tz = PS_TZ_SHANGHAI;
	uint64_t m1, m2;
	int64_t now;

	(void)state;
	assert_int_equal(ps_tz_parse("utc", &tz), PS_OK);
	assert_int_equal(tz, PS_TZ_UTC);
	assert_int_equal(ps_tz_parse("Asia/Shanghai", &tz), PS_OK);
	assert_int_equal(tz, PS_TZ_SHANGHAI);
	assert_int_equal(ps_tz_parse("Etc/UTC", &tz), PS_OK);
	assert_int_equal(tz, PS_TZ_UTC);
	assert_int_equal(ps_tz_parse("UTC+8", &tz), PS_EINVAL);
	assert_int_equal(ps_tz_parse("", &tz), PS_EINVAL);
	assert_int_equal(ps_tz_parse(NULL, &tz), PS_EINVAL);
	assert_string_equal(ps_tz_name(PS_TZ_SHANGHAI), "Asia/Shanghai");
	assert_string_equal(ps_tz_name(PS_TZ_UTC), "UTC");
	assert_int_equal(ps_tz_offset_s(PS_TZ_SHANGHAI), 28800);
	assert_int_equal(ps_tz_offset_s(PS_TZ_UTC), 0);

	now = ps_time_now_us();
	assert_true(now > parse_ok("2020-01-01", PS_TZ_UTC));
	assert_true(now < parse_ok("2200-01-01", PS_TZ_UTC));
	m1 = ps_time_mono_ms();
	m2 = ps_time_mono_ms();
	assert_true(m2 >= m1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_date_valid),
		cmocka_unit_test(test_date_parse),
		cmocka_unit_test(test_parse_forms),
		cmocka_unit_test(test_parse_timezones),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_parse_until),
		cmocka_unit_test(test_fmt),
		cmocka_unit_test(test_days),
		cmocka_unit_test(test_add_days),
		cmocka_unit_test(test_add_months_years),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_tz_and_clocks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
