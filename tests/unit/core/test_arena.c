/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for the bump arena: alignment, block chaining, the cap, reset and copies. */
#include <setjmp.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/core.h"

static void test_alloc_align(void **state)
{
	struct ps_arena a;
	struct ps_arena_stats st;
	void *p[50];

	(void)state;
	ps_arena_init(&a, PS_MEM_TEST, 256, 1 << 20);
	for (size_t i = 0; i < PS_ARRAY_LEN(p); i++) {
		p[i] = ps_arena_alloc(&a, i * 3 + 1);
		assert_non_null(p[i]);
		assert_int_equal((uintptr_t)p[i] % alignof(max_align_t), 0);
		memset(p[i], (int)i, i * 3 + 1);
	}
	/* Earlier allocations were not overwritten by later ones. */
	for (size_t i = 0; i < PS_ARRAY_LEN(p); i++) {
		const uint8_t *q = p[i];

		for (size_t j = 0; j < i * 3 + 1; j++)
			assert_int_equal(q[j], i);
	}
	ps_arena_stats_get(&a, &st);
	assert_true(st.blocks > 1);
	assert_true(st.used >= 50 * 25);
	assert_true(st.reserved >= st.used);
	/* Zero-size allocations are distinct valid pointers. */
	assert_ptr_not_equal(ps_arena_alloc(&a, 0), ps_arena_alloc(&a, 0));
	ps_arena_release(&a);
	ps_arena_stats_get(&a, &st);
	assert_int_equal(st.blocks, 0);
	assert_int_equal(st.reserved, 0);
}

static void test_oversize_and_cap(void **state)
{
	struct ps_arena a;
	struct ps_arena_stats st;
	char *small, *big, *small2;

	(void)state;
	ps_arena_init(&a, PS_MEM_TEST, 128, 1024);
	small = ps_arena_alloc(&a, 16);
	assert_non_null(small);
	/* Bigger than a block: its own block, the head keeps serving small ones. */
	big = ps_arena_alloc(&a, 500);
	assert_non_null(big);
	small2 = ps_arena_alloc(&a, 16);
	assert_non_null(small2);
	assert_true(small2 > small && small2 < small + 128);
	ps_arena_stats_get(&a, &st);
	assert_int_equal(st.blocks, 2);
	assert_int_equal(st.reserved, 128 + 512);
	/* 1024 - 640 = 384 left: 400 does not fit, the cap holds. */
	assert_null(ps_arena_alloc(&a, 400));
	assert_null(ps_arena_alloc(&a, SIZE_MAX));
	assert_null(ps_arena_calloc(&a, SIZE_MAX / 2, 4));
	ps_arena_stats_get(&a, &st);
	assert_int_equal(st.blocks, 2);
	assert_non_null(ps_arena_alloc(&a, 384));
	ps_arena_stats_get(&a, &st);
	assert_int_equal(st.reserved, 1024);
	assert_null(ps_arena_alloc(&a, 128)); /* head is full, cap reached */

	/* Reset keeps one standard block and forgets the rest. */
	ps_arena_reset(&a);
	ps_arena_stats_get(&a, &st);
	assert_int_equal(st.blocks, 1);
	assert_int_equal(st.reserved, 128);
	assert_int_equal(st.used, 0);
	assert_int_equal(st.peak_used, 16 + 512 + 16 + 384);
	assert_ptr_equal(ps_arena_alloc(&a, 16), small); /* the kept block is reused */
	ps_arena_release(&a);
}

static void test_copies(void **state)
{
	struct ps_arena a;
	const uint8_t bin[] = {'x', 0, 'y'};
	char *s;
	uint32_t *z;

	(void)state;
	ps_arena_init(&a, PS_MEM_TEST, 0, 1 << 16); /* 0 = default block size */
	s = ps_arena_strndup(&a, "hello world", 5);
	assert_string_equal(s, "hello");
	s = ps_arena_strndup(&a, "hi", 100);
	assert_string_equal(s, "hi");
	s = ps_arena_slicedup(&a, ps_slice_make(bin, 3));
	assert_memory_equal(s, "x\0y\0", 4);
	s = ps_arena_slicedup(&a, ps_slice_from_cstr(NULL));
	assert_string_equal(s, "");
	s = ps_arena_memdup(&a, "abc", 3);
	assert_memory_equal(s, "abc", 3);
	z = ps_arena_calloc(&a, 100, sizeof(*z));
	for (int i = 0; i < 100; i++)
		assert_int_equal(z[i], 0);
	ps_arena_release(&a);
}

static void test_per_packet_reuse(void **state)
{
	struct ps_arena a;
	struct ps_mem_stats before, after;

	(void)state;
	ps_arena_init(&a, PS_MEM_TEST, 4096, 1 << 20);
	assert_non_null(ps_arena_alloc(&a, 100));
	ps_arena_reset(&a);
	ps_mem_stats_get(PS_MEM_TEST, &before);
	/* A warmed-up scratch arena does not allocate per packet. */
	for (int pkt = 0; pkt < 1000; pkt++) {
		for (int i = 0; i < 10; i++)
			assert_non_null(ps_arena_alloc(&a, 200));
		ps_arena_reset(&a);
	}
	ps_mem_stats_get(PS_MEM_TEST, &after);
	assert_int_equal(after.allocs, before.allocs);
	ps_arena_release(&a);
}

static void test_alloc_failure(void **state)
{
	struct ps_arena a;
	struct ps_arena_stats st;

	(void)state;
	ps_arena_init(&a, PS_MEM_TEST, 64, 4096);
	assert_non_null(ps_arena_alloc(&a, 64));
	ps_mem_fail_at(1, false);
	assert_null(ps_arena_alloc(&a, 8));
	ps_mem_fail_at(0, false);
	ps_arena_stats_get(&a, &st);
	assert_int_equal(st.blocks, 1);
	assert_int_equal(st.used, 64);
	assert_non_null(ps_arena_alloc(&a, 8));
	ps_arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alloc_align),
		cmocka_unit_test(test_oversize_and_cap),
		cmocka_unit_test(test_copies),
		cmocka_unit_test(test_per_packet_reuse),
		cmocka_unit_test(test_alloc_failure),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
