/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The parser harness and the emit helpers: common EVE header, secrets never
 * written, JSON writer escaping and invalid UTF-8.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/core.h"
#include "proto/harness.h"

struct echo { int n; };

static int echo_parse(void *state, struct ps_proto_ctx *c, enum ps_dir dir,
		      const uint8_t *data, size_t len)
{
	struct echo *e = state;
	struct ps_jw *w;

	(void)dir;
	if (len && data[0] == 'X') {
		ps_proto_anomaly(c, "bad_first_byte");
		return PS_EPROTO;
	}
	w = ps_proto_event_begin(c, "echo");
	ps_jw_obj_open(w, "echo");
	ps_jw_int(w, "n", e->n++);
	ps_jw_strn(w, "data", data, len);
	ps_proto_write_secret(w, "password", data, len);
	ps_jw_obj_close(w);
	ps_proto_event_end(c);
	return PS_OK;
}

static const struct ps_proto_parser echo_parser = {
	.name = "echo", .id = PS_ALPROTO_TELNET, .l4 = PS_PROTO_L4_TCP,
	.state_size = sizeof(struct echo), .parse = echo_parse,
};

static void test_harness_events(void **unused)
{
	struct ps_proto_harness h;
	const char *ev;

	(void)unused;
	assert_int_equal(ps_proto_harness_init(&h, &echo_parser, 6, 23), PS_OK);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER, "a\"\x01\xff", 4), PS_OK);
	assert_int_equal(ps_proto_harness_nevents(&h), 1);
	ev = ps_proto_harness_event(&h, 0);
	assert_string_equal(ev,
		"{\"timestamp\":\"2023-11-14T22:13:20.001000+0000\","
		"\"flow_id\":1234567,\"event_type\":\"echo\","
		"\"src_ip\":\"10.0.0.1\",\"src_port\":40000,"
		"\"dest_ip\":\"10.0.0.2\",\"dest_port\":23,\"proto\":\"TCP\","
		"\"app_proto\":\"telnet\",\"echo\":{\"n\":0,"
		"\"data\":\"a\\\"\\u0001\\ufffd\",\"password\":\"********\","
		"\"password_len\":4}}");
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER, "X", 1), PS_EPROTO);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER, "ok", 2), PS_OK);
	assert_int_equal(ps_proto_harness_nevents(&h), 1);
	assert_int_equal(ps_proto_harness_anomalies(&h, "bad_first_byte"), 1);
	ps_proto_harness_release(&h);
}

static void test_jw_utf8_and_nesting(void **unused)
{
	struct ps_buf b;
	struct ps_jw w;

	(void)unused;
	ps_buf_init(&b, PS_MEM_TEST, 256);
	ps_jw_init(&w, &b);
	ps_jw_obj_open(&w, NULL);
	ps_jw_str(&w, "zh", "磐石");
	ps_jw_strn(&w, "bad", "\xe2\x82", 2);          /* truncated sequence */
	ps_jw_strn(&w, "sur", "\xed\xa0\x80", 3);      /* surrogate */
	ps_jw_arr_open(&w, "a");
	ps_jw_int(&w, NULL, -9223372036854775807LL - 1);
	ps_jw_uint(&w, NULL, 18446744073709551615ULL);
	ps_jw_bool(&w, NULL, true);
	ps_jw_null(&w, NULL);
	ps_jw_arr_close(&w);
	ps_jw_hexsep(&w, "fp", "\x01\xab", 2, ':');
	ps_jw_obj_close(&w);
	assert_int_equal(ps_jw_error(&w), PS_OK);
	assert_string_equal(ps_buf_cstr(&b),
		"{\"zh\":\"磐石\",\"bad\":\"\\ufffd\\ufffd\","
		"\"sur\":\"\\ufffd\\ufffd\\ufffd\",\"a\":[-9223372036854775808,"
		"18446744073709551615,true,null],\"fp\":\"01:ab\"}");
	ps_jw_obj_close(&w);
	assert_int_equal(ps_jw_error(&w), PS_EINVAL);
	ps_buf_release(&b);
}

static void test_jw_limit(void **unused)
{
	struct ps_buf b;
	struct ps_jw w;

	(void)unused;
	ps_buf_init(&b, PS_MEM_TEST, 8);
	ps_jw_init(&w, &b);
	ps_jw_str(&w, NULL, "a long string");
	assert_int_equal(ps_jw_error(&w), PS_ELIMIT);
	ps_buf_release(&b);
}

static void test_eve_time(void **unused)
{
	char ts[32];

	(void)unused;
	assert_string_equal(ps_eve_time_fmt(0, ts), "1970-01-01T00:00:00.000000+0000");
	assert_string_equal(ps_eve_time_fmt(1700000000123456LL, ts),
			    "2023-11-14T22:13:20.123456+0000");
	assert_string_equal(ps_eve_time_fmt(951782400000001LL, ts),
			    "2000-02-29T00:00:00.000001+0000");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_harness_events),
		cmocka_unit_test(test_jw_utf8_and_nesting),
		cmocka_unit_test(test_jw_limit),
		cmocka_unit_test(test_eve_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
