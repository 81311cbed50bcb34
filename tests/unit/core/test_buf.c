/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for the bounded buffer: appends, the maximum, formatting, take, and allocation torture. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/core.h"

static void test_basic(void **state)
{
	struct ps_buf b;

	(void)state;
	ps_buf_init(&b, PS_MEM_TEST, 1024);
	assert_string_equal(ps_buf_cstr(&b), "");
	assert_int_equal(ps_buf_len(&b), 0);
	assert_int_equal(ps_buf_addstr(&b, "磐"), PS_OK);
	assert_int_equal(ps_buf_add(&b, "石", strlen("石")), PS_OK);
	assert_int_equal(ps_buf_addch(&b, '!'), PS_OK);
	assert_int_equal(ps_buf_addslice(&b, PS_SLICE_LIT(" ok")), PS_OK);
	assert_int_equal(ps_buf_add(&b, NULL, 0), PS_OK);
	assert_string_equal(ps_buf_cstr(&b), "磐石! ok");
	assert_true(ps_slice_eq_cstr(ps_buf_slice(&b), "磐石! ok"));
	ps_buf_truncate(&b, 3);
	assert_string_equal(ps_buf_cstr(&b), "磐");
	ps_buf_truncate(&b, 100);
	assert_int_equal(ps_buf_len(&b), 3);
	ps_buf_reset(&b);
	assert_string_equal(ps_buf_cstr(&b), "");
	assert_non_null(b.p); /* memory kept */
	ps_buf_release(&b);
	assert_null(b.p);
	assert_string_equal(ps_buf_cstr(&b), "");
	ps_buf_release(&b); /* twice is fine */
}

static void test_binary(void **state)
{
	struct ps_buf b = PS_BUF_INIT(PS_MEM_TEST, 16);
	const uint8_t d[] = {0, 1, 0, 2};

	(void)state;
	assert_int_equal(ps_buf_add(&b, d, sizeof(d)), PS_OK);
	assert_int_equal(ps_buf_len(&b), 4);
	assert_memory_equal(b.p, d, 4);
	assert_int_equal(b.p[4], 0); /* terminator after the data */
	ps_buf_release(&b);
}

static void test_max(void **state)
{
	struct ps_buf b;

	(void)state;
	ps_buf_init(&b, PS_MEM_TEST, 5);
	assert_int_equal(ps_buf_addstr(&b, "abc"), PS_OK);
	assert_int_equal(ps_buf_addstr(&b, "def"), PS_ELIMIT);
	assert_string_equal(ps_buf_cstr(&b), "abc");
	assert_int_equal(ps_buf_addf(&b, "%d", 123), PS_ELIMIT);
	assert_string_equal(ps_buf_cstr(&b), "abc");
	assert_int_equal(ps_buf_addf(&b, "%d", 12), PS_OK);
	assert_string_equal(ps_buf_cstr(&b), "abc12");
	assert_int_equal(ps_buf_addch(&b, 'x'), PS_ELIMIT);
	assert_int_equal(ps_buf_add(&b, "", 0), PS_OK);
	assert_true(b.cap <= 6);
	ps_buf_release(&b);

	/* max 0: only the empty content. */
	ps_buf_init(&b, PS_MEM_TEST, 0);
	assert_int_equal(ps_buf_addch(&b, 'x'), PS_ELIMIT);
	assert_int_equal(ps_buf_addf(&b, "%s", ""), PS_OK);
	assert_string_equal(ps_buf_cstr(&b), "");
	ps_buf_release(&b);

	/* Huge requests are refused without overflow. */
	ps_buf_init(&b, PS_MEM_TEST, SIZE_MAX);
	assert_int_equal(ps_buf_addstr(&b, "x"), PS_OK);
	assert_int_equal(ps_buf_reserve(&b, SIZE_MAX), PS_ELIMIT);
	assert_int_equal(ps_buf_reserve(&b, SIZE_MAX - 10), PS_ENOMEM);
	assert_string_equal(ps_buf_cstr(&b), "x");
	ps_buf_release(&b);
}

static void test_addf(void **state)
{
	struct ps_buf b;
	char big[300];

	(void)state;
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ps_buf_init(&b, PS_MEM_TEST, 4096);
	assert_int_equal(ps_buf_addf(&b, "%s=%d;", "port", 53), PS_OK);
	/* Longer than the first allocation: the second pass runs. */
	assert_int_equal(ps_buf_addf(&b, "[%s]", big), PS_OK);
	assert_int_equal(ps_buf_len(&b), 8 + 2 + 299);
	assert_memory_equal(ps_buf_cstr(&b), "port=53;[zzz", 12);
	assert_int_equal(ps_buf_cstr(&b)[ps_buf_len(&b) - 1], ']');
	ps_buf_release(&b);
}

static void test_take(void **state)
{
	struct ps_buf b;
	size_t len = 99;
	char *s;

	(void)state;
	ps_buf_init(&b, PS_MEM_TEST, 64);
	assert_int_equal(ps_buf_addstr(&b, "hello"), PS_OK);
	s = ps_buf_take(&b, &len);
	assert_string_equal(s, "hello");
	assert_int_equal(len, 5);
	assert_null(b.p);
	assert_int_equal(ps_buf_len(&b), 0);
	ps_free(s);
	/* Taking a never-allocated buffer gives "". */
	s = ps_buf_take(&b, NULL);
	assert_string_equal(s, "");
	ps_free(s);
	ps_mem_fail_at(1, false);
	assert_null(ps_buf_take(&b, &len));
	ps_mem_fail_at(0, false);
	/* Reusable after take. */
	assert_int_equal(ps_buf_addstr(&b, "again"), PS_OK);
	assert_string_equal(ps_buf_cstr(&b), "again");
	ps_buf_release(&b);
}

/*
 * Build a string through many growth steps while allocation k fails; every
 * failure must leave the buffer exactly as before the failing call.
 */
static int build(void *arg)
{
	struct ps_buf b;
	int rc = PS_OK;

	(void)arg;
	ps_buf_init(&b, PS_MEM_TEST, 1 << 20);
	for (int i = 0; i < 400 && rc == PS_OK; i++) {
		size_t before = ps_buf_len(&b);
		size_t off = before > 16 ? before - 16 : 0;
		char snap[32];

		/* The last bytes and the terminator, to compare after a failure. */
		memcpy(snap, ps_buf_cstr(&b) + off, before - off + 1);
		rc = (i % 2) ? ps_buf_addf(&b, "%04d,", i) : ps_buf_addstr(&b, "item,");
		if (rc != PS_OK) {
			assert_int_equal(rc, PS_ENOMEM);
			assert_int_equal(ps_buf_len(&b), before);
			assert_memory_equal(ps_buf_cstr(&b) + off, snap, before - off + 1);
		}
	}
	if (rc == PS_OK) {
		assert_int_equal(ps_buf_len(&b), 400 * 5);
		assert_memory_equal(ps_buf_cstr(&b), "item,0001,item,0003,", 20);
	}
	ps_buf_release(&b);
	return rc;
}

static void test_torture(void **state)
{
	long runs;

	(void)state;
	runs = ps_mem_torture(build, NULL, true);
	assert_true(runs > 5); /* several growth steps were each failed once */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_binary),
		cmocka_unit_test(test_max),
		cmocka_unit_test(test_addf),
		cmocka_unit_test(test_take),
		cmocka_unit_test(test_torture),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
