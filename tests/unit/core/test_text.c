/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for terminal text width and bounded edit distance. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/core.h"

static void test_width(void **state)
{
	(void)state;
	assert_int_equal(ps_text_width(""), 0);
	assert_int_equal(ps_text_width("status"), 6);
	assert_int_equal(ps_text_width("磐石"), 4);               /* CJK: 2 each */
	assert_int_equal(ps_text_width("数据库结构版本"), 14);
	assert_int_equal(ps_text_width("策略（SM3）"), 11);       /* fullwidth parens */
	assert_int_equal(ps_text_width("ＡＢ"), 4);                /* fullwidth forms */
	assert_int_equal(ps_text_width("é"), 1);                   /* U+00E9, narrow */
	assert_int_equal(ps_text_width("한국"), 4);                /* Hangul */
	assert_int_equal(ps_text_width("\xe4\xb8"), 1);            /* truncated: one unit */
	assert_int_equal(ps_text_width("\xff\xfe"), 2);            /* invalid bytes */
	assert_int_equal(ps_text_width("\xf0\xa0\x80\x80"), 2);    /* U+20000, plane 2 */
}

static void test_edit_distance(void **state)
{
	char longer[PS_TEXT_EDIT_MAX + 2];

	(void)state;
	assert_int_equal(ps_text_edit_distance("kitten", 6, "sitting"), 3);
	assert_int_equal(ps_text_edit_distance("journal", 7, "jornal"), 1);
	assert_int_equal(ps_text_edit_distance("same", 4, "same"), 0);
	assert_int_equal(ps_text_edit_distance("", 0, "abc"), 3);
	assert_int_equal(ps_text_edit_distance("abc", 3, ""), 3);
	/* la bounds the first string: no NUL needed */
	assert_int_equal(ps_text_edit_distance("lang=xx", 4, "lang"), 0);
	memset(longer, 'a', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	assert_true(ps_text_edit_distance(longer, strlen(longer), "a") == SIZE_MAX);
	assert_true(ps_text_edit_distance("a", 1, longer) == SIZE_MAX);
	longer[PS_TEXT_EDIT_MAX] = '\0';
	assert_int_equal(ps_text_edit_distance(longer, PS_TEXT_EDIT_MAX, "a"),
			 PS_TEXT_EDIT_MAX - 1);
}

static void test_hint_and_shown(void **state)
{
	static const char *const names[] = {"source", "status", "unit", "value"};
	char buf[96];

	(void)state;
	/* one or two edits, fewer than half the word */
	assert_string_equal(ps_text_suggest("sorce", 5, ps_text_name_array, names, 4), "source");
	assert_string_equal(ps_text_hint("stauts", 6, ps_text_name_array, names, 4, buf,
					 sizeof(buf)), "; did you mean 'status'?");
	assert_null(ps_text_suggest("status", 6, ps_text_name_array, names, 4)); /* exact */
	assert_null(ps_text_suggest("xy", 2, ps_text_name_array, names, 4));
	assert_null(ps_text_suggest("sxurcx", 6, ps_text_name_array, names, 0));
	assert_string_equal(ps_text_hint("zzzzzz", 6, ps_text_name_array, names, 4, buf,
					 sizeof(buf)), "");
	/* excerpts cut on a UTF-8 boundary, "..." only when cut */
	assert_string_equal(ps_text_shown("abc", 3, 8, buf, sizeof(buf)), "abc");
	assert_string_equal(ps_text_shown("abcdef", 6, 4, buf, sizeof(buf)), "abcd...");
	assert_string_equal(ps_text_shown("a\xe7\xbd\x91" "b", 5, 2, buf, sizeof(buf)), "a...");
	assert_string_equal(ps_text_shown("abcdef", 6, 6, buf, sizeof(buf)), "abcdef");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_edit_distance),
		cmocka_unit_test(test_hint_and_shown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
