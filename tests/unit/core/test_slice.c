/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for slices and the bounded reader: comparisons, ranges, reads at the edge. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/core.h"

static void test_make_and_eq(void **state)
{
	static const struct ps_slice init = PS_SLICE_INIT("abc");
	struct ps_slice a = PS_SLICE_LIT("abc");
	struct ps_slice e = ps_slice_from_cstr(NULL);
	const uint8_t bin[] = {'a', 0, 'b'};

	(void)state;
	assert_int_equal(a.len, 3);
	assert_true(ps_slice_eq(a, init));
	assert_true(ps_slice_eq_cstr(a, "abc"));
	assert_false(ps_slice_eq_cstr(a, "abcd"));
	assert_false(ps_slice_eq_cstr(a, "ab"));
	assert_false(ps_slice_eq_cstr(a, "abd"));
	assert_int_equal(e.len, 0);
	assert_null(e.p);
	assert_true(ps_slice_eq(e, PS_SLICE_LIT("")));
	assert_true(ps_slice_eq_cstr(e, NULL));
	assert_true(ps_slice_eq_cstr(e, ""));
	/* Embedded NUL is data, not a terminator. */
	assert_int_equal(ps_slice_make(bin, sizeof(bin)).len, 3);
	assert_false(ps_slice_eq_cstr(ps_slice_make(bin, sizeof(bin)), "a"));
	/* NULL pointer with a length is coerced to empty. */
	assert_int_equal(ps_slice_make(NULL, 5).len, 0);
	assert_true(ps_slice_caseeq(PS_SLICE_LIT("Content-Type"), PS_SLICE_LIT("content-TYPE")));
	assert_false(ps_slice_caseeq(PS_SLICE_LIT("a"), PS_SLICE_LIT("ab")));
	/* Non-ASCII bytes are not folded. */
	assert_false(ps_slice_caseeq(PS_SLICE_LIT("\xc3\x89"), PS_SLICE_LIT("\xc3\xa9")));
}

static void test_casecmp(void **state)
{
	const uint8_t with_nul[] = {'a', 0};

	(void)state;
	assert_int_equal(ps_slice_casecmp_cstr(PS_SLICE_LIT("HOST"), "host"), 0);
	assert_true(ps_slice_casecmp_cstr(PS_SLICE_LIT("abc"), "abd") < 0);
	assert_true(ps_slice_casecmp_cstr(PS_SLICE_LIT("B"), "a") > 0);
	assert_true(ps_slice_casecmp_cstr(PS_SLICE_LIT("ab"), "abc") < 0);
	assert_true(ps_slice_casecmp_cstr(PS_SLICE_LIT("abc"), "AB") > 0);
	assert_int_equal(ps_slice_casecmp_cstr(ps_slice_from_cstr(NULL), ""), 0);
	assert_true(ps_slice_casecmp_cstr(ps_slice_make(with_nul, 2), "a") > 0);
	/* Folding is to lower case, as in strcasecmp: '[' (0x5b) < 'a' (0x61). */
	assert_true(ps_slice_casecmp_cstr(PS_SLICE_LIT("["), "A") < 0);
}

static void test_advance_sub(void **state)
{
	struct ps_slice s = PS_SLICE_LIT("hello world"), t;

	(void)state;
	assert_int_equal(ps_slice_advance(&s, 6), PS_OK);
	assert_true(ps_slice_eq_cstr(s, "world"));
	assert_int_equal(ps_slice_advance(&s, 6), PS_EINVAL);
	assert_true(ps_slice_eq_cstr(s, "world"));
	assert_int_equal(ps_slice_advance(&s, 5), PS_OK);
	assert_int_equal(s.len, 0);
	assert_int_equal(ps_slice_advance(&s, 0), PS_OK);

	s = PS_SLICE_LIT("0123456789");
	assert_int_equal(ps_slice_sub(s, 2, 3, &t), PS_OK);
	assert_true(ps_slice_eq_cstr(t, "234"));
	assert_int_equal(ps_slice_sub(s, 10, 0, &t), PS_OK);
	assert_int_equal(t.len, 0);
	assert_int_equal(ps_slice_sub(s, 0, 10, &t), PS_OK);
	assert_true(ps_slice_eq(s, t));
	assert_int_equal(ps_slice_sub(s, 11, 0, &t), PS_EINVAL);
	assert_int_equal(t.len, 0);
	assert_int_equal(ps_slice_sub(s, 8, 3, &t), PS_EINVAL);
	assert_int_equal(ps_slice_sub(s, 1, SIZE_MAX, &t), PS_EINVAL);
	assert_int_equal(ps_slice_sub(s, SIZE_MAX, 2, &t), PS_EINVAL);
	assert_null(t.p);
}

static void test_find_cut_trim(void **state)
{
	struct ps_slice s = PS_SLICE_LIT("key=value=x"), h, t;

	(void)state;
	assert_int_equal(ps_slice_find_byte(s, '='), 3);
	assert_int_equal(ps_slice_find_byte(s, '#'), -1);
	assert_int_equal(ps_slice_find_byte(ps_slice_from_cstr(NULL), 'a'), -1);
	assert_true(ps_slice_cut(s, '=', &h, &t));
	assert_true(ps_slice_eq_cstr(h, "key"));
	assert_true(ps_slice_eq_cstr(t, "value=x"));
	assert_false(ps_slice_cut(s, ':', &h, &t));
	assert_true(ps_slice_eq(h, s));
	assert_int_equal(t.len, 0);
	assert_true(ps_slice_cut(PS_SLICE_LIT("a="), '=', NULL, &t));
	assert_int_equal(t.len, 0);

	assert_true(ps_slice_eq_cstr(ps_slice_trim(PS_SLICE_LIT(" \t x y\r\n")), "x y"));
	assert_int_equal(ps_slice_trim(PS_SLICE_LIT(" \n\v\f ")).len, 0);
	assert_int_equal(ps_slice_trim(ps_slice_from_cstr(NULL)).len, 0);
	assert_true(ps_slice_eq_cstr(ps_slice_trim(PS_SLICE_LIT("x")), "x"));
	assert_true(ps_slice_starts_with(PS_SLICE_LIT("GET /"), PS_SLICE_LIT("GET ")));
	assert_false(ps_slice_starts_with(PS_SLICE_LIT("GE"), PS_SLICE_LIT("GET")));
	assert_true(ps_slice_starts_with(PS_SLICE_LIT("x"), PS_SLICE_LIT("")));
}

static void test_strdup(void **state)
{
	const uint8_t bin[] = {'a', 0, 'b'};
	char *s;

	(void)state;
	s = ps_slice_strdup(PS_MEM_TEST, PS_SLICE_LIT("dns"));
	assert_string_equal(s, "dns");
	ps_free(s);
	s = ps_slice_strdup(PS_MEM_TEST, ps_slice_make(bin, 3));
	assert_memory_equal(s, "a\0b\0", 4);
	ps_free(s);
	s = ps_slice_strdup(PS_MEM_TEST, ps_slice_from_cstr(NULL));
	assert_string_equal(s, "");
	ps_free(s);
	ps_mem_fail_at(1, false);
	assert_null(ps_slice_strdup(PS_MEM_TEST, PS_SLICE_LIT("x")));
	ps_mem_fail_at(0, false);
}

static void test_reader_ints(void **state)
{
	/* 01 | 02 03 | 04 05 | 06 07 08 | 09 0a 0b 0c | 0d 0e 0f 10 | 8 bytes BE | 8 bytes LE */
	const uint8_t d[] = {
		0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
		0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10,
		0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
		0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,
	};
	struct ps_reader r;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	(void)state;
	ps_reader_init(&r, d, sizeof(d));
	assert_int_equal(ps_reader_peek_u8(&r, &u8), PS_OK);
	assert_int_equal(u8, 0x01);
	assert_int_equal(ps_reader_offset(&r), 0);
	assert_int_equal(ps_reader_u8(&r, &u8), PS_OK);
	assert_int_equal(u8, 0x01);
	assert_int_equal(ps_reader_u16be(&r, &u16), PS_OK);
	assert_int_equal(u16, 0x0203);
	assert_int_equal(ps_reader_u16le(&r, &u16), PS_OK);
	assert_int_equal(u16, 0x0504);
	assert_int_equal(ps_reader_u24be(&r, &u32), PS_OK);
	assert_int_equal(u32, 0x060708);
	assert_int_equal(ps_reader_u32be(&r, &u32), PS_OK);
	assert_int_equal(u32, 0x090a0b0c);
	assert_int_equal(ps_reader_u32le(&r, &u32), PS_OK);
	assert_int_equal(u32, 0x100f0e0d);
	assert_int_equal(ps_reader_u64be(&r, &u64), PS_OK);
	assert_true(u64 == 0x1122334455667788ULL);
	assert_int_equal(ps_reader_left(&r), 8);
	assert_int_equal(ps_reader_u64le(&r, &u64), PS_OK);
	assert_true(u64 == 0x1122334455667788ULL);
	assert_int_equal(ps_reader_left(&r), 0);
	assert_int_equal(ps_reader_u8(&r, &u8), PS_EPROTO);
	assert_int_equal(u8, 0);
	assert_int_equal(ps_reader_offset(&r), sizeof(d));
}

static void test_reader_short(void **state)
{
	const uint8_t d[] = {0xaa, 0xbb, 0xcc};
	struct ps_reader r, sub;
	struct ps_slice s;
	uint32_t u32 = 7;
	uint16_t u16;
	uint64_t u64;
	uint8_t buf[4] = {0};

	(void)state;
	ps_reader_init_stream(&r, d, sizeof(d));
	/* 4 bytes wanted, 3 present: need more, nothing consumed. */
	assert_int_equal(ps_reader_u32be(&r, &u32), PS_EAGAIN);
	assert_int_equal(u32, 0);
	assert_int_equal(ps_reader_u64le(&r, &u64), PS_EAGAIN);
	assert_int_equal(ps_reader_offset(&r), 0);
	assert_int_equal(ps_reader_u24be(&r, &u32), PS_OK);
	assert_int_equal(u32, 0xaabbcc);
	assert_int_equal(ps_reader_u16le(&r, &u16), PS_EAGAIN);

	ps_reader_init(&r, d, sizeof(d));
	assert_int_equal(ps_reader_bytes(&r, 4, &s), PS_EPROTO);
	assert_int_equal(s.len, 0);
	assert_int_equal(ps_reader_copy(&r, buf, 4), PS_EPROTO);
	assert_int_equal(ps_reader_skip(&r, SIZE_MAX), PS_EPROTO);
	assert_int_equal(ps_reader_skip(&r, 1), PS_OK);
	assert_int_equal(ps_reader_copy(&r, buf, 1), PS_OK);
	assert_int_equal(buf[0], 0xbb);
	assert_int_equal(ps_reader_bytes(&r, 1, &s), PS_OK);
	assert_int_equal(s.len, 1);
	assert_int_equal(s.p[0], 0xcc);
	assert_int_equal(ps_reader_bytes(&r, 0, &s), PS_OK);
	assert_int_equal(ps_reader_rest(&r).len, 0);

	/* Length-prefixed field: sub-reader sees only its bytes. */
	ps_reader_init_stream(&r, d, sizeof(d));
	assert_int_equal(ps_reader_sub(&r, 2, &sub), PS_OK);
	assert_int_equal(ps_reader_left(&r), 1);
	assert_int_equal(ps_reader_u16be(&sub, &u16), PS_OK);
	assert_int_equal(u16, 0xaabb);
	assert_int_equal(ps_reader_u8(&sub, buf), PS_EPROTO);
	assert_int_equal(ps_reader_sub(&r, 2, &sub), PS_EAGAIN);
	assert_int_equal(ps_reader_left(&sub), 0);

	/* A reader over nothing. */
	ps_reader_init(&r, NULL, 10);
	assert_int_equal(ps_reader_left(&r), 0);
	assert_int_equal(ps_reader_u8(&r, buf), PS_EPROTO);
	assert_int_equal(ps_reader_bytes(&r, 0, &s), PS_OK);
	assert_int_equal(ps_reader_rest(&r).len, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_make_and_eq),
		cmocka_unit_test(test_casecmp),
		cmocka_unit_test(test_advance_sub),
		cmocka_unit_test(test_find_cut_trim),
		cmocka_unit_test(test_strdup),
		cmocka_unit_test(test_reader_ints),
		cmocka_unit_test(test_reader_short),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
