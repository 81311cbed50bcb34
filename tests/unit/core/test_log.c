/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for logging: line format, level threshold, escaping of
 * control bytes, truncation, the rate limiter under a fake clock, and
 * whole lines from concurrent threads.
 */
#include <pthread.h>
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/core.h"

#define TS_RE "^[0-9]{4}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]\\.[0-9]{3}Z "

static FILE *cap;
static char out[1 << 20];
static uint64_t fake_now;

static uint64_t fake_clock(void)
{
	return fake_now;
}

static int setup(void **state)
{
	(void)state;
	cap = tmpfile();
	if (cap == NULL)
		return -1;
	ps_log_stream_set(cap);
	ps_log_level_set(PS_LOG_NOTICE);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ps_log_stream_set(NULL);
	ps_log_clock_set(NULL);
	ps_log_level_set(PS_LOG_NOTICE);
	fclose(cap);
	return 0;
}

/* Everything written so far, then start afresh. */
static const char *take_output(void)
{
	long n = ftell(cap);
	size_t got;

	assert_true(n >= 0 && (size_t)n < sizeof(out));
	rewind(cap);
	got = fread(out, 1, (size_t)n, cap);
	assert_int_equal(got, (size_t)n);
	out[got] = '\0';
	rewind(cap);
	assert_int_equal(ftruncate(fileno(cap), 0), 0);
	return out;
}

static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

static void assert_matches(const char *s, const char *re)
{
	regex_t rx;

	assert_int_equal(regcomp(&rx, re, REG_EXTENDED | REG_NOSUB), 0);
	if (regexec(&rx, s, 0, NULL, 0) != 0)
		fail_msg("'%s' does not match /%s/", s, re);
	regfree(&rx);
}

static void test_format(void **state)
{
	(void)state;
	ps_log_warn("store", "disk %d%% full on '%s'", 90, "/var");
	assert_matches(take_output(), TS_RE "warn store: disk 90% full on '/var'\n$");
	ps_log(PS_LOG_ERROR, NULL, "no subsystem");
	assert_matches(take_output(), TS_RE "error no subsystem\n$");
	ps_log_notice("cli", "%s", "磐石 启动");
	assert_matches(take_output(), TS_RE "notice cli: 磐石 启动\n$");
}

static void test_levels(void **state)
{
	enum ps_log_level lvl = PS_LOG_ERROR;

	(void)state;
	assert_int_equal(ps_log_level_get(), PS_LOG_NOTICE);
	ps_log_info("x", "hidden");
	ps_log_debug("x", "hidden");
	assert_string_equal(take_output(), "");
	ps_log_level_set(PS_LOG_DEBUG);
	ps_log_debug("x", "shown");
	assert_matches(take_output(), TS_RE "debug x: shown\n$");
	ps_log_level_set(PS_LOG_ERROR);
	ps_log_warn("x", "hidden");
	assert_string_equal(take_output(), "");
	ps_log_level_set((enum ps_log_level)42); /* ignored */
	assert_int_equal(ps_log_level_get(), PS_LOG_ERROR);

	assert_int_equal(ps_log_level_parse("info", &lvl), PS_OK);
	assert_int_equal(lvl, PS_LOG_INFO);
	assert_int_equal(ps_log_level_parse("warn", &lvl), PS_OK);
	assert_int_equal(lvl, PS_LOG_WARN);
	assert_int_equal(ps_log_level_parse("verbose", &lvl), PS_EINVAL);
	assert_int_equal(ps_log_level_parse("", &lvl), PS_EINVAL);
	assert_int_equal(ps_log_level_parse(NULL, &lvl), PS_EINVAL);
	assert_int_equal(lvl, PS_LOG_WARN);
	assert_string_equal(ps_log_level_name(PS_LOG_NOTICE), "notice");
	assert_string_equal(ps_log_level_name((enum ps_log_level)9), "?");
}

static void test_escape_and_truncate(void **state)
{
	static char big[5000];
	const char *s;

	(void)state;
	/* A newline from input cannot start a forged line. */
	ps_log_warn("conf", "bad key 'a\nb\r\x01\x7f\tc'");
	assert_matches(take_output(), TS_RE "warn conf: bad key 'a\\\\nb\\\\r\\\\x01\\\\x7f\tc'\n$");
	/* C1 controls (here CSI, U+009B) are escaped; other UTF-8 is kept. */
	ps_log_warn("conf", "x\xc2\x9b" "2J 磐石 \xc2\xa0");
	assert_matches(take_output(), TS_RE "warn conf: x\\\\xc2\\\\x9b2J 磐石 \xc2\xa0\n$");
	memset(big, 'A', sizeof(big) - 1);
	ps_log_warn("x", "%s", big);
	s = take_output();
	assert_int_equal(count_lines(s), 1);
	assert_true(strlen(s) < 2048 + 64);
	assert_matches(s, TS_RE "warn x: A+\\.\\.\\.\n$");
	/* A long run of escaped bytes is cut the same way. */
	memset(big, '\n', sizeof(big) - 1);
	ps_log_warn("x", "%s", big);
	s = take_output();
	assert_int_equal(count_lines(s), 1);
	assert_matches(s, TS_RE "warn x: (\\\\n)+\\.\\.\\.\n$");
}

static void test_ratelimit(void **state)
{
	struct ps_log_ratelimit rl = {1000, 3, 0, 0, 0, 0};
	const char *s;

	(void)state;
	ps_log_clock_set(fake_clock);
	fake_now = 50000;
	for (int i = 0; i < 10; i++)
		ps_log_rl(&rl, PS_LOG_WARN, "dns", "bad packet %d", i);
	s = take_output();
	assert_int_equal(count_lines(s), 3); /* the burst */
	assert_non_null(strstr(s, "bad packet 2\n"));
	assert_null(strstr(s, "bad packet 3"));
	assert_int_equal(rl.suppressed, 7);

	fake_now += 999; /* not yet a token */
	ps_log_rl(&rl, PS_LOG_WARN, "dns", "bad packet %d", 10);
	assert_string_equal(take_output(), "");

	fake_now += 1; /* one token: the line reports what was dropped */
	ps_log_rl(&rl, PS_LOG_WARN, "dns", "bad packet %d", 11);
	ps_log_rl(&rl, PS_LOG_WARN, "dns", "bad packet %d", 12);
	s = take_output();
	assert_matches(s, TS_RE "warn dns: bad packet 11 \\(8 similar messages suppressed\\)\n$");

	fake_now += 60000; /* a long pause refills only up to the burst */
	for (int i = 0; i < 5; i++)
		ps_log_rl(&rl, PS_LOG_WARN, "dns", "later %d", i);
	s = take_output();
	assert_int_equal(count_lines(s), 3);
	assert_non_null(strstr(s, "later 0 (1 similar message suppressed)\n"));
	assert_non_null(strstr(s, "later 1\n"));

	/* Filtered levels neither print nor consume tokens. */
	fake_now += 60000;
	for (int i = 0; i < 5; i++)
		ps_log_rl(&rl, PS_LOG_DEBUG, "dns", "debug %d", i);
	assert_int_equal(rl.suppressed, 2);
	ps_log_rl(&rl, PS_LOG_WARN, "dns", "after");
	assert_matches(take_output(), TS_RE "warn dns: after \\(2 similar messages suppressed\\)\n$");
}

/* One call site, hence one static bucket. */
static void table_full(int i)
{
	PS_LOG_RATELIMITED(PS_LOG_WARN, "flow", 10000, 5, "table full (%d)", i);
}

static void test_ratelimit_macro(void **state)
{
	const char *s;

	(void)state;
	ps_log_clock_set(fake_clock);
	fake_now = 1000000;
	for (int i = 0; i < 100; i++)
		table_full(i);
	assert_int_equal(count_lines(take_output()), 5);
	fake_now += 20000; /* two tokens */
	for (int i = 0; i < 100; i++)
		table_full(i);
	s = take_output();
	assert_int_equal(count_lines(s), 2);
	assert_non_null(strstr(s, "table full (0) (95 similar messages suppressed)\n"));

	/* interval 0: no limit; burst 0 behaves as 1. */
	struct ps_log_ratelimit open = {0, 1, 0, 0, 0, 0}, one = {1000, 0, 0, 0, 0, 0};

	for (int i = 0; i < 10; i++) {
		ps_log_rl(&open, PS_LOG_WARN, "t", "open");
		ps_log_rl(&one, PS_LOG_WARN, "t", "one");
	}
	assert_int_equal(count_lines(take_output()), 11);
}

static void *writer(void *arg)
{
	long id = (long)(intptr_t)arg;

	for (int i = 0; i < 500; i++)
		ps_log_warn("thread", "writer %ld line %d %s", id, i,
			    "padding padding padding padding padding padding");
	return NULL;
}

static void test_threads(void **state)
{
	pthread_t t[4];
	const char *s, *line;
	size_t n = 0;
	regex_t rx;

	(void)state;
	for (long i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, writer, (void *)(intptr_t)i), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	s = take_output();
	assert_int_equal(regcomp(&rx, TS_RE "warn thread: writer [0-3] line [0-9]+ (padding ?){6}$",
				 REG_EXTENDED | REG_NOSUB), 0);
	for (line = s; *line != '\0'; n++) {
		const char *nl = strchr(line, '\n');
		char one[256];

		assert_non_null(nl);
		assert_true((size_t)(nl - line) < sizeof(one));
		memcpy(one, line, (size_t)(nl - line));
		one[nl - line] = '\0';
		if (regexec(&rx, one, 0, NULL, 0) != 0)
			fail_msg("interleaved line '%s'", one);
		line = nl + 1;
	}
	regfree(&rx);
	assert_int_equal(n, 2000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_format, setup, teardown),
		cmocka_unit_test_setup_teardown(test_levels, setup, teardown),
		cmocka_unit_test_setup_teardown(test_escape_and_truncate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ratelimit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ratelimit_macro, setup, teardown),
		cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
