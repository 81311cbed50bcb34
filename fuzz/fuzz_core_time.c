/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target for the ISO-8601 instant and date parsers of core/timeutil.
 * Whatever parses must format and parse back to the same value; any
 * mismatch aborts so libFuzzer (or the corpus replay test) reports it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "core/core.h"

static void check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_core_time: %s\n", what);
		abort();
	}
}

/* us formatted in every zone and precision parses back to us, truncated. */
static void round_trip_instant(int64_t us)
{
	static const int64_t unit[] = {1, 1000, 1000000};

	for (int tz = PS_TZ_UTC; tz <= PS_TZ_SHANGHAI; tz++) {
		for (unsigned flags = 0; flags <= PS_TIME_FMT_SEC; flags++) {
			char buf[PS_TIME_FMT_SIZE];
			int64_t back = 0, want;
			int rc;

			rc = ps_time_fmt_iso8601(us, (enum ps_tz)tz, flags, buf,
						 sizeof(buf));
			if (rc != PS_OK) {
				/* only years outside 0000..9999 may fail */
				check(rc == PS_EINVAL, "fmt failed oddly");
				continue;
			}
			rc = ps_time_parse_iso8601(buf, strlen(buf), PS_TZ_UTC, &back);
			check(rc == PS_OK, "formatted instant does not parse");
			want = us - (us % unit[flags] + unit[flags]) % unit[flags];
			check(back == want, "instant round trip mismatch");
		}
	}
}

static void round_trip_date(const uint8_t *data, size_t size, struct ps_date d)
{
	char buf[PS_DATE_FMT_SIZE];
	struct ps_date back;
	int64_t days = ps_date_to_days(d);

	/* the date syntax has one spelling, so formatting gives the input */
	check(ps_date_fmt(d, buf, sizeof(buf)) == PS_OK, "date fmt failed");
	check(size == strlen(buf) && memcmp(buf, data, size) == 0,
	      "date round trip mismatch");
	check(ps_date_from_days(days, &back) == PS_OK &&
	      ps_date_cmp(back, d) == 0, "days round trip mismatch");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	int64_t utc = 0, sh = 0;
	struct ps_date d;
	int rc1, rc2;

	rc1 = ps_time_parse_iso8601(s, size, PS_TZ_UTC, &utc);
	rc2 = ps_time_parse_iso8601(s, size, PS_TZ_SHANGHAI, &sh);
	check(rc1 == rc2, "default zone changed validity");
	if (rc1 == PS_OK) {
		/* the default zone matters only when the text has no offset */
		check(utc == sh || utc - sh == INT64_C(28800000000),
		      "default zone shifted by other than 8 hours");
		round_trip_instant(utc);
	} else {
		check(rc1 == PS_EINVAL, "parse failed with an odd code");
	}
	if (ps_date_parse(s, size, &d) == PS_OK) {
		check(rc1 == PS_OK, "a date is not an instant");
		round_trip_date(data, size, d);
	}
	return 0;
}
