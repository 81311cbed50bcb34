/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Address text forms: IPv4, IPv6 in RFC 5952 form, rejects.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/core.h"
#include "net/addr.h"

static void test_addr_roundtrip(void **unused)
{
	struct ps_addr a;
	char s[PS_ADDR_STRLEN];

	(void)unused;
	assert_int_equal(ps_addr_parse("192.0.2.1", &a), PS_AF_INET);
	assert_int_equal(a.w[1] | a.w[2] | a.w[3], 0);
	assert_string_equal(ps_addr_fmt(&a, PS_AF_INET, s), "192.0.2.1");
	assert_int_equal(ps_addr_parse("2001:DB8:0:0:0:0:0:1", &a), PS_AF_INET6);
	assert_string_equal(ps_addr_fmt(&a, PS_AF_INET6, s), "2001:db8::1");
	assert_int_equal(ps_addr_parse("300.1.1.1", &a), PS_AF_NONE);
	assert_int_equal(ps_addr_parse("", &a), PS_AF_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr_roundtrip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
