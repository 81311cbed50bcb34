/* SPDX-License-Identifier: Apache-2.0 */
/*
 * POP3 parser: hand-written sessions (USER/PASS, multi-line CAPA/LIST/RETR
 * with dot-stuffing, APOP, AUTH LOGIN, STLS, pipelining) fed whole and one
 * byte at a time; passwords must never reach the event text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/core.h"
#include "proto/harness.h"
#include "proto/parsers.h"

#define h_parser (&ps_proto_pop3)
#define h_port 110

#include "session.h"

/* RFC 1939 section 10 style session. */
static const struct step basic_session[] = {
	S("+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n"),
	C("CAPA\r\n"),
	S("+OK Capability list follows\r\nUSER\r\nSASL PLAIN LOGIN\r\n"
	  "PIPELINING\r\n.\r\n"),
	C("USER alice\r\n"),
	S("+OK send PASS\r\n"),
	C("PASS my secret pw\r\n"),               /* 12 bytes, with spaces */
	S("+OK alice's maildrop has 2 messages (320 octets)\r\n"),
	C("STAT\r\n"),
	S("+OK 2 320\r\n"),
	C("LIST\r\n"),
	S("+OK 2 messages\r\n1 120\r\n2 200\r\n.\r\n"),
	C("RETR 1\r\n"),
	/* body: a dot-stuffed line and a ".." line are not the end */
	S("+OK 120 octets\r\nSubject: hi\r\n\r\n..stuffed line\r\n..\r\n"
	  ".\r\n"),
	C("DELE 1\r\n"),
	S("+OK message 1 deleted\r\n"),
	C("RETR 9\r\n"),
	S("-ERR no such message\r\n"),
	C("QUIT\r\n"),
	S("+OK dewey POP3 server signing off\r\n"),
};

static void test_pop3_basic(void **unused)
{
	static const char *const secrets[] = {"secret", NULL};
	struct ps_proto_harness h;

	(void)unused;
	run_both(&h, basic_session, PS_ARRAY_LEN(basic_session));
	assert_int_equal(ps_proto_harness_nevents(&h), 10);
	assert_has(ps_proto_harness_event(&h, 0),
		   "\"pop3\":{\"response\":{\"success\":true,\"status\":\"OK\","
		   "\"header\":\"+OK POP3 server ready "
		   "<1896.697170952@dbc.mtview.ca.us>\"}}");
	assert_has(ps_proto_harness_event(&h, 1),
		   "\"request\":{\"command\":\"CAPA\",\"args\":[]}");
	assert_has(ps_proto_harness_event(&h, 2),
		   "\"pop3\":{\"request\":{\"command\":\"USER\",\"args\":"
		   "[\"alice\"]},\"response\":{\"success\":true,"
		   "\"status\":\"OK\",\"header\":\"+OK send PASS\"}}");
	assert_has(ps_proto_harness_event(&h, 3),
		   "\"request\":{\"command\":\"PASS\",\"args\":[\"********\"],"
		   "\"password\":\"********\",\"password_len\":12}");
	assert_has(ps_proto_harness_event(&h, 5),
		   "\"header\":\"+OK 2 messages\"");
	assert_has(ps_proto_harness_event(&h, 6),
		   "\"request\":{\"command\":\"RETR\",\"args\":[\"1\"]},"
		   "\"response\":{\"success\":true,\"status\":\"OK\","
		   "\"header\":\"+OK 120 octets\"}");
	assert_has(ps_proto_harness_event(&h, 7), "\"command\":\"DELE\"");
	assert_has(ps_proto_harness_event(&h, 8),
		   "\"response\":{\"success\":false,\"status\":\"ERR\","
		   "\"header\":\"-ERR no such message\"}");
	assert_has(ps_proto_harness_event(&h, 9), "\"command\":\"QUIT\"");
	assert_no_secret(&h, secrets);
	assert_int_equal(ps_proto_harness_anomalies(&h, "pop3_bad_response"), 0);
	ps_proto_harness_release(&h);
}

/* APOP (RFC 1939 7), AUTH LOGIN (RFC 5034) and STLS (RFC 2595 4). */
static const struct step auth_session[] = {
	S("+OK ready <1.2@x>\r\n"),
	C("APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n"),
	S("-ERR permission denied\r\n"),
	C("AUTH LOGIN\r\n"),
	S("+ VXNlcm5hbWU6\r\n"),                  /* "Username:" */
	C("Y2Fyb2w=\r\n"),                        /* "carol" */
	S("+ UGFzc3dvcmQ6\r\n"),                  /* "Password:" */
	C("cHctY2Fyb2wtMQ==\r\n"),                /* "pw-carol-1" */
	S("+OK logged in\r\n"),
	C("STLS\r\n"),
	S("+OK begin TLS negotiation\r\n"),
	C("\x16\x03\x01\x00\x05USER x\r\n"),     /* TLS from here on */
	S("\x16\x03\x03\x00\x02-ERR\r\n"),
};

static void test_pop3_auth_stls(void **unused)
{
	static const char *const secrets[] = {"c4c9334bac560ecc979e58001b3e22fb",
		"pw-carol", "cHctY2Fyb2wtMQ", NULL};
	struct ps_proto_harness h;

	(void)unused;
	run_both(&h, auth_session, PS_ARRAY_LEN(auth_session));
	assert_int_equal(ps_proto_harness_nevents(&h), 4);
	assert_has(ps_proto_harness_event(&h, 1),
		   "\"request\":{\"command\":\"APOP\",\"args\":[\"mrose\","
		   "\"********\"]},\"response\":{\"success\":false");
	assert_has(ps_proto_harness_event(&h, 2),
		   "\"request\":{\"command\":\"AUTH\",\"args\":[\"LOGIN\"],"
		   "\"auth\":{\"mechanism\":\"LOGIN\",\"user\":\"carol\","
		   "\"password\":\"********\",\"password_len\":10}},"
		   "\"response\":{\"success\":true");
	assert_has(ps_proto_harness_event(&h, 3), "\"command\":\"STLS\"");
	assert_true(h.ctx.upgrade);   /* the engine hands the rest to TLS */
	assert_int_equal(h.ctx.upgrade_to, PS_ALPROTO_TLS);
	assert_no_secret(&h, secrets);
	ps_proto_harness_release(&h);
}

/* RFC 2449 pipelining, and a flow that ends inside a RETR response. */
static const struct step pipe_session[] = {
	S("+OK hi\r\n"),
	C("USER bob\r\nPASS x\r\nSTAT\r\nRETR 1\r\nRETR 2\r\n"),
	S("+OK\r\n+OK\r\n+OK 2 10\r\n+OK 5 octets\r\nhello\r\n.\r\n"
	  "+OK 5 octets\r\nhel"),
};

static void test_pop3_pipelining(void **unused)
{
	struct ps_proto_harness h;

	(void)unused;
	run_both(&h, pipe_session, PS_ARRAY_LEN(pipe_session));
	assert_int_equal(ps_proto_harness_nevents(&h), 6);
	assert_has(ps_proto_harness_event(&h, 1), "\"args\":[\"bob\"]");
	assert_has(ps_proto_harness_event(&h, 2), "\"password_len\":1");
	assert_has(ps_proto_harness_event(&h, 4), "\"args\":[\"1\"]");
	/* the unfinished RETR 2 is still reported at the end */
	assert_has(ps_proto_harness_event(&h, 5),
		   "\"args\":[\"2\"]},\"response\":{\"success\":true");
	ps_proto_harness_release(&h);
}

static void test_pop3_limits(void **unused)
{
	struct ps_proto_harness h;
	char big[5000];
	size_t i;

	(void)unused;
	memset(big, 'x', sizeof(big));
	assert_int_equal(ps_proto_harness_init(&h, h_parser, 6, h_port), PS_OK);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER, big,
					       sizeof(big)), PS_OK);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER, "\n", 1), PS_OK);
	for (i = 0; i < 6; i++)
		assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER,
			"NOOP\r\n", 6), PS_OK);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER, "12 x\r\n", 6),
			 PS_OK);
	ps_proto_harness_finish(&h);
	assert_int_equal(ps_proto_harness_anomalies(&h, "pop3_line_too_long"), 1);
	assert_int_equal(ps_proto_harness_anomalies(&h, "pop3_too_many_pending"), 2);
	assert_int_equal(ps_proto_harness_anomalies(&h, "pop3_bad_command"), 1);
	assert_int_equal(ps_proto_harness_nevents(&h), 6);
	ps_proto_harness_release(&h);

	assert_int_equal(ps_proto_harness_init(&h, h_parser, 6, h_port), PS_OK);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOCLIENT,
		"SSH-2.0-x\r\na\r\nb\r\n", 17), PS_OK);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOCLIENT, "c\r\n", 3),
			 PS_EPROTO);
	ps_proto_harness_release(&h);
}

static void test_pop3_probe(void **unused)
{
	enum ps_probe (*probe)(const uint8_t *, size_t, enum ps_dir) =
		ps_proto_pop3.probe;

	(void)unused;
#define P(s, d) probe((const uint8_t *)(s), sizeof(s) - 1, d)
	assert_int_equal(P("+OK Dovecot ready.\r\n", PS_DIR_TOCLIENT), PS_PROBE_YES);
	assert_int_equal(P("+O", PS_DIR_TOCLIENT), PS_PROBE_MORE);
	assert_int_equal(P("* OK IMAP", PS_DIR_TOCLIENT), PS_PROBE_NO);
	assert_int_equal(P("USER bob\r\n", PS_DIR_TOSERVER), PS_PROBE_YES);
	assert_int_equal(P("CAPA\r\n", PS_DIR_TOSERVER), PS_PROBE_YES);
	assert_int_equal(P("AUTH TLS\r\n", PS_DIR_TOSERVER), PS_PROBE_NO);
	assert_int_equal(P("AUTH PLAIN\r\n", PS_DIR_TOSERVER), PS_PROBE_YES);
	assert_int_equal(P("EHLO x\r\n", PS_DIR_TOSERVER), PS_PROBE_NO);
	assert_int_equal(P("US", PS_DIR_TOSERVER), PS_PROBE_MORE);
#undef P
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pop3_basic),
		cmocka_unit_test(test_pop3_auth_stls),
		cmocka_unit_test(test_pop3_pipelining),
		cmocka_unit_test(test_pop3_limits),
		cmocka_unit_test(test_pop3_probe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
