/* SPDX-License-Identifier: Apache-2.0 */
/*
 * IMAP parser: hand-written sessions (LOGIN with {n} literals and quoted
 * strings, AUTHENTICATE PLAIN, STARTTLS, FETCH and APPEND literals, IDLE,
 * out-of-order completion) fed whole and one byte at a time; passwords
 * never reach the event text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/core.h"
#include "proto/harness.h"
#include "proto/parsers.h"

#define h_parser (&ps_proto_imap)
#define h_port 143

#include "session.h"

/* RFC 3501 section 8 style session with literals. */
static const struct step login_session[] = {
	S("* OK [CAPABILITY IMAP4rev1 LITERAL+ AUTH=PLAIN] Dovecot ready.\r\n"),
	C("a1 CAPABILITY\r\n"),
	S("* CAPABILITY IMAP4rev1 LITERAL+\r\n"
	  "a1 OK Pre-login capabilities listed\r\n"),
	C("a2 LOGIN {5}\r\n"),                    /* user as a literal */
	S("+ Ready for literal data\r\n"),
	C("alice {6}\r\n"),                       /* 5 bytes, then a literal */
	S("+ Ready\r\n"),
	C("s3cret\r\n"),                          /* the 6-byte password */
	S("a2 OK [CAPABILITY IMAP4rev1] Logged in\r\n"),
	C("a3 SELECT \"INBOX\"\r\n"),
	S("* 2 EXISTS\r\n* OK [UIDVALIDITY 1] UIDs valid\r\n"
	  "a3 OK [READ-WRITE] Select completed.\r\n"),
	C("a4 UID FETCH 1:2 (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)])\r\n"),
	/* a 36-byte literal that looks like a completion and a literal */
	S("* 1 FETCH (UID 1 BODY[HEADER.FIELDS (SUBJECT FROM)] {36}\r\n"
	  "Subject: hi\r\na4 OK injected {99}\r\n\r\n"
	  ")\r\n* 2 FETCH (UID 2 BODY[HEADER.FIELDS (SUBJECT FROM)] {0}\r\n"
	  ")\r\na4 OK Fetch completed.\r\n"),
	C("a5 LOGOUT\r\n"),
	S("* BYE Logging out\r\na5 OK Logout completed.\r\n"),
};

static void test_imap_login_literals(void **unused)
{
	static const char *const secrets[] = {"s3cret", NULL};
	struct ps_proto_harness h;

	(void)unused;
	run_both(&h, login_session, PS_ARRAY_LEN(login_session));
	assert_int_equal(ps_proto_harness_nevents(&h), 5);
	assert_has(ps_proto_harness_event(&h, 0),
		   "\"imap\":{\"tag\":\"a1\",\"command\":\"CAPABILITY\","
		   "\"args\":[],\"status\":\"OK\","
		   "\"response\":\"Pre-login capabilities listed\"}");
	assert_has(ps_proto_harness_event(&h, 1),
		   "\"imap\":{\"tag\":\"a2\",\"command\":\"LOGIN\","
		   "\"args\":[\"alice\",\"********\"],\"password\":\"********\","
		   "\"password_len\":6,\"status\":\"OK\","
		   "\"response\":\"[CAPABILITY IMAP4rev1] Logged in\"}");
	assert_has(ps_proto_harness_event(&h, 2),
		   "\"command\":\"SELECT\",\"args\":[\"INBOX\"]");
	assert_has(ps_proto_harness_event(&h, 3),
		   "\"tag\":\"a4\",\"command\":\"UID FETCH\",\"args\":[\"1:2\","
		   "\"(FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)])\"],"
		   "\"status\":\"OK\",\"response\":\"Fetch completed.\"");
	assert_has(ps_proto_harness_event(&h, 4), "\"command\":\"LOGOUT\"");
	assert_no_secret(&h, secrets);
	assert_int_equal(ps_proto_harness_anomalies(&h, "imap_unknown_tag"), 0);
	assert_int_equal(ps_proto_harness_anomalies(&h, "imap_bad_response"), 0);
	ps_proto_harness_release(&h);
}

/* Quoted password with an escape, AUTHENTICATE PLAIN (RFC 4959), STARTTLS. */
static const struct step auth_session[] = {
	S("* OK IMAP ready\r\n"),
	C("x LOGIN \"bob\" \"p\\\"w d\"\r\n"),      /* password p"w d: 5 bytes */
	S("x NO [AUTHENTICATIONFAILED] Authentication failed.\r\n"),
	C("y AUTHENTICATE PLAIN\r\n"),
	S("+ \r\n"),
	C("AGJvYgBodW50ZXIy\r\n"),                /* NUL bob NUL hunter2 */
	S("y OK Logged in\r\n"),
	C("z STARTTLS\r\n"),
	S("z OK Begin TLS negotiation now.\r\n"),
	C("\x16\x03\x01\x00\x05q LOGIN a b\r\n"), /* TLS from here on */
	S("\x16\x03\x03\x00\x02q OK\r\n"),
};

static void test_imap_auth_starttls(void **unused)
{
	static const char *const secrets[] = {"p\\\"w", "hunter2",
		"AGJvYgBodW50ZXIy", NULL};
	struct ps_proto_harness h;

	(void)unused;
	run_both(&h, auth_session, PS_ARRAY_LEN(auth_session));
	assert_int_equal(ps_proto_harness_nevents(&h), 3);
	assert_has(ps_proto_harness_event(&h, 0),
		   "\"args\":[\"bob\",\"********\"],\"password\":\"********\","
		   "\"password_len\":5,\"status\":\"NO\"");
	assert_has(ps_proto_harness_event(&h, 1),
		   "\"command\":\"AUTHENTICATE\",\"args\":[\"PLAIN\"],"
		   "\"auth\":{\"mechanism\":\"PLAIN\",\"user\":\"bob\","
		   "\"password\":\"********\",\"password_len\":7},"
		   "\"status\":\"OK\"");
	assert_has(ps_proto_harness_event(&h, 2), "\"command\":\"STARTTLS\"");
	assert_true(h.ctx.upgrade);   /* the engine hands the rest to TLS */
	assert_int_equal(h.ctx.upgrade_to, PS_ALPROTO_TLS);
	assert_no_secret(&h, secrets);
	ps_proto_harness_release(&h);
}

static char append_cmd[400];

/* APPEND with a large non-synchronising literal (RFC 7888), IDLE, and
 * completions out of order (RFC 3501 5.5). */
static void test_imap_append_idle(void **unused)
{
	const struct step st[] = {
		S("* OK ready\r\n"),
		{PS_DIR_TOSERVER, append_cmd, 0},
		S("a OK APPEND completed\r\n"),
		C("b IDLE\r\n"),
		S("+ idling\r\n"),
		C("DONE\r\n"),
		S("b OK IDLE terminated\r\n"),
		C("c NOOP\r\nd NOOP\r\n"),
		S("d OK\r\nc OK done\r\nzz OK\r\n"),
	};
	struct ps_proto_harness h;

	(void)unused;
	/* "a APPEND INBOX (\Seen) {300+}" CRLF, 300 message bytes, CRLF */
	memcpy(append_cmd, "a APPEND INBOX (\\Seen) {300+}\r\n", 31);
	memset(append_cmd + 31, 'm', 300);
	memcpy(append_cmd + 331, "\r\n", 3);
	run_both(&h, st, PS_ARRAY_LEN(st));
	assert_int_equal(ps_proto_harness_nevents(&h), 4);
	assert_has(ps_proto_harness_event(&h, 0),
		   "\"tag\":\"a\",\"command\":\"APPEND\",\"args\":[\"INBOX\","
		   "\"(\\\\Seen)\",\"{300}\"],\"status\":\"OK\"");
	assert_has(ps_proto_harness_event(&h, 1),
		   "\"tag\":\"b\",\"command\":\"IDLE\"");
	assert_has(ps_proto_harness_event(&h, 2),
		   "\"tag\":\"d\",\"command\":\"NOOP\",\"args\":[],"
		   "\"status\":\"OK\",\"response\":\"\"");
	assert_has(ps_proto_harness_event(&h, 3),
		   "\"tag\":\"c\",\"command\":\"NOOP\",\"args\":[],"
		   "\"status\":\"OK\",\"response\":\"done\"");
	assert_int_equal(ps_proto_harness_anomalies(&h, "imap_unknown_tag"), 1);
	ps_proto_harness_release(&h);
}

/* A 1 MiB FETCH literal in chunks, and a literal at the end of an
 * over-long line. */
static void test_imap_big_literals(void **unused)
{
	static char chunk[65536];
	static char longline[10000];
	struct ps_proto_harness h;
	size_t i;
	int n;

	(void)unused;
	memset(chunk, 'z', sizeof(chunk));
	memcpy(chunk + 100, "\r\nq OK fake\r\n", 13);
	assert_int_equal(ps_proto_harness_init(&h, h_parser, 6, h_port), PS_OK);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER,
		"q FETCH 1 BODY[]\r\n", 18), PS_OK);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOCLIENT,
		"* 1 FETCH (BODY[] {1048576}\r\n", 29), PS_OK);
	for (i = 0; i < 16; i++)
		assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOCLIENT, chunk,
						       sizeof(chunk)), PS_OK);
	assert_int_equal(ps_proto_harness_nevents(&h), 0);
	/* an ENVELOPE line longer than the line cap, ending in a literal */
	memset(longline, 'e', sizeof(longline));
	n = snprintf(longline + sizeof(longline) - 20, 20, " {12}\r\n");
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOCLIENT,
		")\r\n* 2 FETCH ", 13), PS_OK);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOCLIENT, longline,
		sizeof(longline) - 20 + (size_t)n), PS_OK);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOCLIENT,
		"q OK fake2\r\n)\r\nq OK real\r\n", 26), PS_OK);
	ps_proto_harness_finish(&h);
	assert_int_equal(ps_proto_harness_nevents(&h), 1);
	assert_has(ps_proto_harness_event(&h, 0), "\"response\":\"real\"");
	assert_int_equal(ps_proto_harness_anomalies(&h, "imap_line_too_long"), 1);
	ps_proto_harness_release(&h);
}

/* A gap inside a server literal only shortens what is left of it. */
static void test_imap_gap(void **unused)
{
	static char lit[1000];
	struct ps_proto_harness h;

	(void)unused;
	memset(lit, 'x', sizeof(lit));
	assert_int_equal(ps_proto_harness_init(&h, h_parser, 6, h_port), PS_OK);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER,
		"q FETCH 1 BODY[]\r\n", 18), PS_OK);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOCLIENT,
		"* 1 FETCH (BODY[] {1000}\r\n", 26), PS_OK);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOCLIENT, lit, 100), PS_OK);
	ps_proto_harness_gap(&h, PS_DIR_TOCLIENT, 500);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOCLIENT, lit, 400), PS_OK);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOCLIENT,
		")\r\nq OK done\r\n", 14), PS_OK);
	assert_int_equal(ps_proto_harness_nevents(&h), 1);
	assert_has(ps_proto_harness_event(&h, 0),
		   "\"status\":\"OK\",\"response\":\"done\"");
	assert_int_equal(ps_proto_harness_anomalies(&h, "imap_gap"), 1);
	ps_proto_harness_release(&h);
}

static void test_imap_limits(void **unused)
{
	struct ps_proto_harness h;
	char cmd[32];
	size_t i;

	(void)unused;
	assert_int_equal(ps_proto_harness_init(&h, h_parser, 6, h_port), PS_OK);
	for (i = 0; i < 10; i++) {
		int n = snprintf(cmd, sizeof(cmd), "t%zu NOOP\r\n", i);

		assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER, cmd,
						       (size_t)n), PS_OK);
	}
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER,
		"u SEARCH 1 2 3 4 5 6 7 8 9 10\r\n", 31), PS_OK);
	ps_proto_harness_finish(&h);
	assert_int_equal(ps_proto_harness_anomalies(&h, "imap_too_many_pending"), 3);
	assert_int_equal(ps_proto_harness_anomalies(&h, "imap_args_truncated"), 1);
	assert_int_equal(ps_proto_harness_nevents(&h), 11);
	assert_has(ps_proto_harness_event(&h, 0), "\"tag\":\"t0\"");
	assert_has(ps_proto_harness_event(&h, 10),
		   "\"args\":[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\"]}");
	ps_proto_harness_release(&h);

	assert_int_equal(ps_proto_harness_init(&h, h_parser, 6, h_port), PS_OK);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOCLIENT,
		"220 ftp\r\n331 x\r\n230 y\r\n", 24), PS_OK);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOCLIENT, "221 z\r\n", 7),
			 PS_EPROTO);
	ps_proto_harness_release(&h);
}

static void test_imap_probe(void **unused)
{
	enum ps_probe (*probe)(const uint8_t *, size_t, enum ps_dir) =
		ps_proto_imap.probe;

	(void)unused;
#define P(s, d) probe((const uint8_t *)(s), sizeof(s) - 1, d)
	assert_int_equal(P("* OK [CAPABILITY IMAP4rev1] ready\r\n", PS_DIR_TOCLIENT),
			 PS_PROBE_YES);
	assert_int_equal(P("* O", PS_DIR_TOCLIENT), PS_PROBE_MORE);
	assert_int_equal(P("+OK", PS_DIR_TOCLIENT), PS_PROBE_NO);
	assert_int_equal(P("a001 LOGIN bob pw\r\n", PS_DIR_TOSERVER), PS_PROBE_YES);
	assert_int_equal(P("1 capability\r\n", PS_DIR_TOSERVER), PS_PROBE_YES);
	assert_int_equal(P("a001", PS_DIR_TOSERVER), PS_PROBE_MORE);
	assert_int_equal(P("a001 LOG", PS_DIR_TOSERVER), PS_PROBE_MORE);
	assert_int_equal(P("USER bob\r\n", PS_DIR_TOSERVER), PS_PROBE_NO);
	assert_int_equal(P("GET / HTTP/1.1\r\n", PS_DIR_TOSERVER), PS_PROBE_NO);
#undef P
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_imap_login_literals),
		cmocka_unit_test(test_imap_auth_starttls),
		cmocka_unit_test(test_imap_append_idle),
		cmocka_unit_test(test_imap_big_literals),
		cmocka_unit_test(test_imap_gap),
		cmocka_unit_test(test_imap_limits),
		cmocka_unit_test(test_imap_probe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
