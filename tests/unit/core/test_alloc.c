/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for the counting allocator: accounting, caps, failure hook. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/core.h"

static void test_accounting(void **state)
{
	struct ps_mem_stats before, after;
	char *p, *q;

	(void)state;
	ps_mem_stats_get(PS_MEM_TEST, &before);
	p = ps_malloc(PS_MEM_TEST, 100);
	assert_non_null(p);
	q = ps_strdup(PS_MEM_TEST, "磐石");
	assert_string_equal(q, "磐石");
	ps_mem_stats_get(PS_MEM_TEST, &after);
	assert_int_equal(after.bytes - before.bytes, 100 + strlen("磐石") + 1);
	p = ps_realloc(PS_MEM_TEST, p, 1000);
	assert_non_null(p);
	ps_mem_stats_get(PS_MEM_TEST, &after);
	assert_int_equal(after.bytes - before.bytes, 1000 + strlen("磐石") + 1);
	ps_free(p);
	ps_free(q);
	ps_free(NULL);
	ps_mem_stats_get(PS_MEM_TEST, &after);
	assert_int_equal(after.bytes, before.bytes);
	assert_true(after.peak >= before.bytes + 1000);
}

static void test_cap(void **state)
{
	struct ps_mem_stats st;
	void *a, *b;

	(void)state;
	ps_mem_cap_set(PS_MEM_TEST, 4096);
	a = ps_malloc(PS_MEM_TEST, 4000);
	assert_non_null(a);
	b = ps_malloc(PS_MEM_TEST, 200);
	assert_null(b);
	assert_null(ps_realloc(PS_MEM_TEST, a, 5000));
	ps_mem_stats_get(PS_MEM_TEST, &st);
	assert_true(st.failures >= 2);
	ps_free(a);
	b = ps_malloc(PS_MEM_TEST, 200);
	assert_non_null(b);
	ps_free(b);
	ps_mem_cap_set(PS_MEM_TEST, 0);
}

static void test_overflow(void **state)
{
	(void)state;
	assert_null(ps_calloc(PS_MEM_TEST, SIZE_MAX / 2, 4));
	assert_null(ps_malloc(PS_MEM_TEST, SIZE_MAX - 4));
	assert_null(ps_reallocarray(PS_MEM_TEST, NULL, SIZE_MAX / 8, 16));
}

static void test_fail_hook(void **state)
{
	void *a, *b, *c;

	(void)state;
	ps_mem_fail_at(2, false);
	a = ps_malloc(PS_MEM_TEST, 8);
	b = ps_malloc(PS_MEM_TEST, 8);
	c = ps_malloc(PS_MEM_TEST, 8);
	assert_non_null(a);
	assert_null(b);
	assert_non_null(c);
	assert_true(ps_mem_fail_triggered());
	ps_free(a);
	ps_free(c);

	ps_mem_fail_at(1, true);
	assert_null(ps_malloc(PS_MEM_TEST, 8));
	assert_null(ps_malloc(PS_MEM_TEST, 8));
	ps_mem_fail_at(0, false);
	a = ps_malloc(PS_MEM_TEST, 8);
	assert_non_null(a);
	ps_free(a);
}

static int three_allocs(void *arg)
{
	void *p[3] = {0};
	int rc = PS_OK;

	(void)arg;
	for (int i = 0; i < 3; i++) {
		p[i] = ps_malloc(PS_MEM_TEST, 16);
		if (p[i] == NULL) {
			rc = PS_ENOMEM;
			break;
		}
	}
	for (int i = 0; i < 3; i++)
		ps_free(p[i]);
	return rc;
}

static void test_torture(void **state)
{
	(void)state;
	assert_int_equal(ps_mem_torture(three_allocs, NULL, true), 4);
}

static void test_strerror(void **state)
{
	(void)state;
	assert_string_equal(ps_strerror(PS_OK), "success");
	assert_string_equal(ps_strerror(PS_ENOMEM), "out of memory");
	assert_string_equal(ps_strerror(PS_EUNSUP), "not supported");
	assert_string_equal(ps_strerror(-999), "unknown error");
	assert_string_equal(ps_strerror(5), "unknown error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accounting),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_fail_hook),
		cmocka_unit_test(test_torture),
		cmocka_unit_test(test_strerror),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
