/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SMTP parser: hand-written sessions (AUTH LOGIN/PLAIN, pipelining, DATA
 * with dot-stuffing, STARTTLS, BDAT) fed whole and one byte at a time;
 * credentials must never reach the event text, not even in base64.
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

#define h_parser (&ps_proto_smtp)
#define h_port 25

#include "session.h"

/* AUTH LOGIN, then one pipelined transaction with a dot-stuffed body. */
static const struct step login_session[] = {
	S("220 mail.example.com ESMTP Postfix\r\n"),
	C("EHLO client.example.org\r\n"),
	S("250-mail.example.com\r\n250-PIPELINING\r\n"
	  "250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n"),
	C("AUTH LOGIN\r\n"),
	S("334 VXNlcm5hbWU6\r\n"),                /* "Username:" */
	C("YWxpY2U=\r\n"),                        /* "alice" */
	S("334 UGFzc3dvcmQ6\r\n"),                /* "Password:" */
	C("czNjcjN0UGFzcw==\r\n"),                /* "s3cr3tPass" */
	S("235 2.7.0 Authentication successful\r\n"),
	/* RFC 2920 pipelining: the envelope and DATA in one segment */
	C("MAIL FROM:<alice@example.org> SIZE=300\r\n"
	  "RCPT TO:<bob@example.com>\r\nRCPT TO:<carol@example.com>\r\n"
	  "DATA\r\n"),
	S("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n"
	  "354 End data with <CR><LF>.<CR><LF>\r\n"),
	C("From: Alice <alice@example.org>\r\n"
	  "To: Bob <bob@example.com>, \"Doe, Carol\" <carol@example.com>\r\n"
	  "Cc: dave@example.net\r\n"
	  "Subject: Quarterly\r\n report\r\n"    /* folded header */
	  "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"
	  "Message-ID: <123@example.org>\r\n"
	  "X-Mailer: TestMailer 1.0\r\n"
	  "\r\n"
	  "Hello Bob,\r\n"                       /* 12 bytes */
	  "..leading dot line\r\n"               /* stuffed: 19 bytes */
	  ".\r\n"),
	S("250 2.0.0 Ok: queued as 12345\r\n"),
	C("QUIT\r\n"),
	S("221 2.0.0 Bye\r\n"),
};

static void test_smtp_login_pipelining(void **unused)
{
	static const char *const secrets[] = {"s3cr3tPass", "czNjcjN0UGFzcw",
					      NULL};
	struct ps_proto_harness h;
	const char *ev;

	(void)unused;
	run_both(&h, login_session, PS_ARRAY_LEN(login_session));
	assert_int_equal(ps_proto_harness_nevents(&h), 2);
	ev = ps_proto_harness_event(&h, 0);
	assert_has(ev, "\"event_type\":\"smtp\"");
	assert_has(ev, "\"smtp\":{\"helo\":\"client.example.org\",\"auth\":{"
		   "\"mechanism\":\"LOGIN\",\"user\":\"alice\","
		   "\"password\":\"********\",\"password_len\":10,"
		   "\"success\":true}}");
	ev = ps_proto_harness_event(&h, 1);
	assert_has(ev, "\"smtp\":{\"helo\":\"client.example.org\","
		   "\"mail_from\":\"<alice@example.org>\",\"rcpt_to\":["
		   "\"<bob@example.com>\",\"<carol@example.com>\"]}");
	assert_has(ev, "\"email\":{\"status\":\"PARSE_DONE\","
		   "\"from\":\"Alice <alice@example.org>\","
		   "\"to\":[\"Bob <bob@example.com>\","
		   "\"\\\"Doe, Carol\\\" <carol@example.com>\"],"
		   "\"cc\":[\"dave@example.net\"],"
		   "\"subject\":\"Quarterly report\","
		   "\"message_id\":\"<123@example.org>\","
		   "\"date\":\"Tue, 14 Nov 2023 22:13:20 +0000\","
		   "\"x_mailer\":\"TestMailer 1.0\",\"body_size\":31}");
	assert_no_secret(&h, secrets);
	assert_int_equal(ps_proto_harness_anomalies(&h, "smtp_bad_reply"), 0);
	ps_proto_harness_release(&h);
}

/* AUTH PLAIN with an initial response that fails, then STARTTLS. */
static const struct step plain_tls_session[] = {
	S("220 smtp.example.com ESMTP\r\n"),
	C("EHLO x\r\n"),
	S("250-smtp.example.com\r\n250-STARTTLS\r\n250 AUTH PLAIN\r\n"),
	C("AUTH PLAIN AGJvYgBodW50ZXIy\r\n"),      /* NUL bob NUL hunter2 */
	S("535 5.7.8 Authentication credentials invalid\r\n"),
	C("STARTTLS\r\n"),
	S("220 2.0.0 Ready to start TLS\r\n"),
	/* TLS records: a ClientHello start and a ServerHello start */
	C("\x16\x03\x01\x00\x05MAIL FROM:<x@y>\r\n"),
	S("\x16\x03\x03\x00\x02\x02\x00"),
};

static void test_smtp_plain_starttls(void **unused)
{
	static const char *const secrets[] = {"hunter2", "AGJvYgBodW50ZXIy",
					      "Ym9i", NULL};
	struct ps_proto_harness h;
	const char *ev;

	(void)unused;
	run_both(&h, plain_tls_session, PS_ARRAY_LEN(plain_tls_session));
	assert_int_equal(ps_proto_harness_nevents(&h), 2);
	/* the cleartext part's own record, before the TLS parser takes over */
	assert_has(ps_proto_harness_event(&h, 1),
		   "\"smtp\":{\"helo\":\"x\",\"starttls\":true}");
	ev = ps_proto_harness_event(&h, 0);
	assert_has(ev, "\"auth\":{\"mechanism\":\"PLAIN\",\"user\":\"bob\","
		   "\"password\":\"********\",\"password_len\":7,"
		   "\"success\":false}");
	assert_no_secret(&h, secrets);
	assert_true(h.ctx.upgrade);   /* the engine hands the rest to TLS */
	assert_int_equal(h.ctx.upgrade_to, PS_ALPROTO_TLS);
	ps_proto_harness_release(&h);
}

/* AUTH PLAIN answered after an empty 334; a second transaction after RSET. */
static const struct step plain_rset_session[] = {
	S("220 mx ESMTP\r\n"),
	C("HELO relay\r\n"),
	S("250 mx\r\n"),
	C("AUTH PLAIN\r\n"),
	S("334 \r\n"),
	C("YWRtaW4AYWRtaW4AUGE1NXdvcmQh\r\n"),    /* admin\0admin\0Pa55word! */
	S("235 ok\r\n"),
	C("MAIL FROM:<>\r\n"),                     /* null reverse path */
	S("250 ok\r\n"),
	C("RSET\r\n"),
	S("250 ok\r\n"),
	C("MAIL FROM:<a@b.c>\r\n"),
	S("250 ok\r\n"),
	C("RCPT TO:<d@e.f>\r\n"),
	S("250 ok\r\n"),
	C("DATA\r\n"),
	S("354 go\r\n"),
	C("Subject: no end\r\n"),                 /* flow ends in the headers */
};

static void test_smtp_plain_rset(void **unused)
{
	static const char *const secrets[] = {"Pa55word", "UGE1NXdvcmQh",
					      NULL};
	struct ps_proto_harness h;
	const char *ev;

	(void)unused;
	run_both(&h, plain_rset_session, PS_ARRAY_LEN(plain_rset_session));
	assert_int_equal(ps_proto_harness_nevents(&h), 3);
	assert_has(ps_proto_harness_event(&h, 0),
		   "\"user\":\"admin\",\"password\":\"********\","
		   "\"password_len\":9,\"success\":true");
	ev = ps_proto_harness_event(&h, 1);
	assert_has(ev, "\"smtp\":{\"helo\":\"relay\",\"mail_from\":\"<>\"}");
	assert_null(strstr(ev, "\"email\""));
	ev = ps_proto_harness_event(&h, 2);
	assert_has(ev, "\"mail_from\":\"<a@b.c>\",\"rcpt_to\":[\"<d@e.f>\"]");
	assert_has(ev, "\"email\":{\"status\":\"HEADER_STARTED\","
		   "\"subject\":\"no end\",\"body_size\":0}");
	assert_no_secret(&h, secrets);
	ps_proto_harness_release(&h);
}

/* BDAT chunks (RFC 3030) are counted; a refused DATA returns to commands. */
static const struct step bdat_session[] = {
	S("220 mx ESMTP\r\n"),
	C("EHLO a\r\n"),
	S("250 CHUNKING\r\n"),
	C("MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n"),
	S("250 ok\r\n250 ok\r\n554 no valid recipients\r\n"),
	C("RCPT TO:<e@f>\r\n"),
	S("250 ok\r\n"),
	C("BDAT 10\r\n0123456789"),
	S("250 ok\r\n"),
	C("BDAT 5 LAST\r\nABCDE"),
	S("250 queued\r\n"),
	C("QUIT\r\n"),
};

static void test_smtp_bdat(void **unused)
{
	struct ps_proto_harness h;
	const char *ev;

	(void)unused;
	run_both(&h, bdat_session, PS_ARRAY_LEN(bdat_session));
	assert_int_equal(ps_proto_harness_nevents(&h), 1);
	ev = ps_proto_harness_event(&h, 0);
	assert_has(ev, "\"rcpt_to\":[\"<c@d>\",\"<e@f>\"]");
	assert_has(ev, "\"email\":{\"status\":\"PARSE_DONE\",\"body_size\":15}");
	ps_proto_harness_release(&h);
}

static void test_smtp_limits(void **unused)
{
	struct ps_proto_harness h;
	char big[5000];
	size_t i;

	(void)unused;
	memset(big, 'A', sizeof(big));
	big[sizeof(big) - 1] = '\n';
	assert_int_equal(ps_proto_harness_init(&h, &ps_proto_smtp, 6, 25), PS_OK);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER, big,
					       sizeof(big)), PS_OK);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER,
		"MAIL FROM:<x@y>\n", 16), PS_OK);      /* bare LF */
	for (i = 0; i < 40; i++)                   /* unanswered commands */
		assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER,
			"NOOP\r\n", 6), PS_OK);
	ps_proto_harness_finish(&h);
	assert_int_equal(ps_proto_harness_anomalies(&h, "smtp_line_too_long"), 1);
	assert_int_equal(ps_proto_harness_anomalies(&h, "smtp_too_many_pending"), 9);
	assert_int_equal(ps_proto_harness_nevents(&h), 1);
	assert_has(ps_proto_harness_event(&h, 0), "\"mail_from\":\"<x@y>\"");
	ps_proto_harness_release(&h);

	/* a server that never speaks SMTP is given up */
	assert_int_equal(ps_proto_harness_init(&h, &ps_proto_smtp, 6, 25), PS_OK);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOCLIENT,
		"HTTP/1.1 200 OK\r\nA: b\r\nC: d\r\n", 30), PS_OK);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOCLIENT, "\r\n", 2),
			 PS_EPROTO);
	ps_proto_harness_release(&h);
}

/* A gap in the message body: the parser resynchronises at the next line. */
static void test_smtp_gap(void **unused)
{
	struct ps_proto_harness h;

	(void)unused;
	assert_int_equal(ps_proto_harness_init(&h, &ps_proto_smtp, 6, 25), PS_OK);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER,
		"MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n"
		"Subject: gap\r\n\r\nbody", 58), PS_OK);
	ps_proto_harness_gap(&h, PS_DIR_TOSERVER, 100);
	/* the rest of the cut line is dropped, then "." ends the data */
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER,
		"more body\r\n.\r\n", 14), PS_OK);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOCLIENT,
		"250 ok\r\n250 ok\r\n354 go\r\n250 queued\r\n", 36), PS_OK);
	assert_int_equal(ps_proto_harness_nevents(&h), 1);
	assert_has(ps_proto_harness_event(&h, 0),
		   "\"email\":{\"status\":\"PARSE_DONE\",\"subject\":\"gap\","
		   "\"body_size\":100}");
	assert_int_equal(ps_proto_harness_anomalies(&h, "smtp_gap"), 1);
	ps_proto_harness_release(&h);
}

static void test_smtp_probe(void **unused)
{
	enum ps_probe (*probe)(const uint8_t *, size_t, enum ps_dir) =
		ps_proto_smtp.probe;

	(void)unused;
#define P(s, d) probe((const uint8_t *)(s), sizeof(s) - 1, d)
	assert_int_equal(P("220 mx.example.com ESMTP ready\r\n", PS_DIR_TOCLIENT),
			 PS_PROBE_YES);
	assert_int_equal(P("220 (vsFTPd 3.0.3)\r\n", PS_DIR_TOCLIENT), PS_PROBE_NO);
	assert_int_equal(P("220 welcome\r\n", PS_DIR_TOCLIENT), PS_PROBE_MORE);
	assert_int_equal(P("22", PS_DIR_TOCLIENT), PS_PROBE_MORE);
	assert_int_equal(P("+OK pop3", PS_DIR_TOCLIENT), PS_PROBE_NO);
	assert_int_equal(P("ehlo me\r\n", PS_DIR_TOSERVER), PS_PROBE_YES);
	assert_int_equal(P("MAIL FROM:<a@b>\r\n", PS_DIR_TOSERVER), PS_PROBE_YES);
	assert_int_equal(P("EH", PS_DIR_TOSERVER), PS_PROBE_MORE);
	assert_int_equal(P("USER bob\r\n", PS_DIR_TOSERVER), PS_PROBE_NO);
#undef P
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_smtp_login_pipelining),
		cmocka_unit_test(test_smtp_plain_starttls),
		cmocka_unit_test(test_smtp_plain_rset),
		cmocka_unit_test(test_smtp_bdat),
		cmocka_unit_test(test_smtp_limits),
		cmocka_unit_test(test_smtp_gap),
		cmocka_unit_test(test_smtp_probe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
