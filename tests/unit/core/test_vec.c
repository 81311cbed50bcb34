/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for the vector: push/get/pop/del, the maximum, sorting, typed macros, torture. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/core.h"

struct pt {
	int x, y;
};

static int cmp_pt(const void *a, const void *b)
{
	const struct pt *p = a, *q = b;

	return (p->x > q->x) - (p->x < q->x);
}

static void test_basic(void **state)
{
	struct ps_vec v;
	struct pt p = {1, 2}, out;
	struct pt *s;

	(void)state;
	ps_vec_init_type(&v, PS_MEM_TEST, struct pt, 100);
	assert_int_equal(ps_vec_len(&v), 0);
	assert_null(ps_vec_get(&v, 0));
	assert_int_equal(ps_vec_pop(&v, &out), PS_ENOENT);
	for (int i = 0; i < 20; i++) {
		p.x = i;
		p.y = i * i;
		assert_int_equal(ps_vec_push(&v, &p), PS_OK);
	}
	s = ps_vec_push_slot(&v);
	assert_non_null(s);
	assert_int_equal(s->x, 0);
	assert_int_equal(s->y, 0);
	s->x = 100;
	assert_int_equal(ps_vec_len(&v), 21);
	assert_int_equal(PS_VEC_AT(&v, struct pt, 7)->y, 49);
	assert_int_equal(PS_VEC_DATA(&v, struct pt)[20].x, 100);
	assert_null(ps_vec_get(&v, 21));
	assert_int_equal(ps_vec_pop(&v, &out), PS_OK);
	assert_int_equal(out.x, 100);
	assert_int_equal(ps_vec_pop(&v, NULL), PS_OK);
	assert_int_equal(ps_vec_len(&v), 19);

	/* Ordered delete shifts later elements down. */
	assert_int_equal(ps_vec_del(&v, 0), PS_OK);
	assert_int_equal(PS_VEC_AT(&v, struct pt, 0)->x, 1);
	assert_int_equal(ps_vec_del(&v, ps_vec_len(&v) - 1), PS_OK);
	assert_int_equal(PS_VEC_AT(&v, struct pt, ps_vec_len(&v) - 1)->x, 17);
	assert_int_equal(ps_vec_del(&v, 99), PS_ENOENT);

	int sum = 0;
	for (PS_VEC_FOREACH(&v, struct pt, it))
		sum += it->x;
	assert_int_equal(sum, (1 + 17) * 17 / 2);

	ps_vec_clear(&v);
	assert_int_equal(ps_vec_len(&v), 0);
	assert_non_null(v.p);
	ps_vec_release(&v);
	assert_null(v.p);
	for (PS_VEC_FOREACH(&v, struct pt, it))
		fail(); /* empty, never allocated */
}

static void test_max_reserve(void **state)
{
	struct ps_vec v;
	uint64_t x = 7;

	(void)state;
	ps_vec_init(&v, PS_MEM_TEST, sizeof(x), 3);
	assert_int_equal(ps_vec_reserve(&v, 4), PS_ELIMIT);
	assert_int_equal(ps_vec_reserve(&v, 3), PS_OK);
	assert_int_equal(v.cap, 3);
	for (int i = 0; i < 3; i++)
		assert_int_equal(ps_vec_push(&v, &x), PS_OK);
	assert_int_equal(ps_vec_push(&v, &x), PS_ELIMIT);
	assert_null(ps_vec_push_slot(&v));
	assert_int_equal(ps_vec_len(&v), 3);
	ps_vec_release(&v);

	/* max 0 */
	ps_vec_init(&v, PS_MEM_TEST, sizeof(x), 0);
	assert_int_equal(ps_vec_push(&v, &x), PS_ELIMIT);
	ps_vec_release(&v);

	/* max clamped so max * elem_size cannot overflow */
	ps_vec_init(&v, PS_MEM_TEST, 1024, SIZE_MAX);
	assert_true(v.max <= SIZE_MAX / 1024);
	/* Refused by the subsystem cap (never reaches malloc, which ASan would flag). */
	ps_mem_cap_set(PS_MEM_TEST, 1 << 20);
	assert_int_equal(ps_vec_reserve(&v, SIZE_MAX / 1024), PS_ENOMEM);
	assert_int_equal(ps_vec_reserve(&v, 2000), PS_ENOMEM);
	ps_mem_cap_set(PS_MEM_TEST, 0);
	assert_null(v.p);
	ps_vec_release(&v);
}

static void test_sort(void **state)
{
	struct ps_vec v = PS_VEC_INIT(PS_MEM_TEST, struct pt, 1000);
	struct pt p = {0, 0};

	(void)state;
	ps_vec_sort(&v, cmp_pt); /* empty is fine */
	for (int i = 0; i < 500; i++) {
		p.x = (i * 7919) % 500; /* a permutation of 0..499 */
		p.y = i;
		assert_int_equal(ps_vec_push(&v, &p), PS_OK);
	}
	ps_vec_sort(&v, cmp_pt);
	for (int i = 0; i < 500; i++)
		assert_int_equal(PS_VEC_AT(&v, struct pt, (size_t)i)->x, i);
	ps_vec_release(&v);
}

/* Push 1000 ints while allocation k fails; the vector stays intact. */
static int fill(void *arg)
{
	struct ps_vec v;
	int rc = PS_OK;

	(void)arg;
	ps_vec_init(&v, PS_MEM_TEST, sizeof(int), 10000);
	for (int i = 0; i < 1000 && rc == PS_OK; i++) {
		size_t before = ps_vec_len(&v);

		if (i % 2) {
			int *slot = ps_vec_push_slot(&v);

			rc = slot != NULL ? PS_OK : PS_ENOMEM;
			if (slot != NULL)
				*slot = i;
		} else {
			rc = ps_vec_push(&v, &i);
		}
		if (rc != PS_OK) {
			assert_int_equal(rc, PS_ENOMEM);
			assert_int_equal(ps_vec_len(&v), before);
		}
	}
	/* Whatever happened, the elements present are intact. */
	for (size_t i = 0; i < ps_vec_len(&v); i++)
		assert_int_equal(*PS_VEC_AT(&v, int, i), (int)i);
	ps_vec_release(&v);
	return rc;
}

static void test_torture(void **state)
{
	(void)state;
	/* 8, 16, ..., 1024: 8 growth steps, each failed once, then a clean run. */
	assert_int_equal(ps_mem_torture(fill, NULL, true), 9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_max_reserve),
		cmocka_unit_test(test_sort),
		cmocka_unit_test(test_torture),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
