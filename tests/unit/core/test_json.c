/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of ps_json_text: valid UTF-8 kept as is, each invalid byte
 * (stray continuation, overlong, surrogate, beyond U+10FFFF, truncated
 * sequence) replaced by U+FFFD, and NULL as JSON null.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "core/core.h"

static void expect(const char *in, const char *out)
{
	json_t *j = ps_json_text(in);

	assert_non_null(j);
	assert_true(json_is_string(j));
	assert_string_equal(json_string_value(j), out);
	json_decref(j);
}

static void test_text(void **state)
{
	json_t *j;

	(void)state;
	expect("", "");
	expect("磐石 ok", "磐石 ok");
	expect("a\x80" "b", "a\xef\xbf\xbd" "b");
	expect("\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd");          /* overlong */
	expect("\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"); /* surrogate */
	expect("\xf4\x90\x80\x80" "x", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" "x");
	expect("\xe7\xa3", "\xef\xbf\xbd\xef\xbf\xbd");          /* truncated 磐 */
	j = ps_json_text(NULL);
	assert_true(json_is_null(j));
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
