/* SPDX-License-Identifier: Apache-2.0 */
/*
 * FTP parsers: a hand-written control session (USER/PASS, multi-line
 * replies, PASV/EPSV/PORT/EPRT with the data channels they announce, a
 * bounce attempt, ABOR after Telnet Synch, AUTH TLS) fed whole and one byte
 * at a time, and the ftp-data parser's hashes, magic and gap handling.
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

#define h_parser (&ps_proto_ftp)
#define h_port 21

#include "session.h"

/* What expect() was told, recorded by a sink wrapper. */
struct expectation {
	char cli[PS_ADDR_STRLEN], srv[PS_ADDR_STRLEN];
	uint16_t port;
	enum ps_alproto proto;
};

static struct expectation expects[16];
static size_t nexpects;

static void rec_expect(struct ps_proto_sink *s, const struct ps_proto_ctx *c,
		       const struct ps_addr *cli, const struct ps_addr *srv,
		       uint16_t port, enum ps_alproto proto)
{
	struct expectation *e = &expects[nexpects++ % 16];

	(void)s;
	ps_addr_fmt(cli, c->flow->family, e->cli);
	ps_addr_fmt(srv, c->flow->family, e->srv);
	e->port = port;
	e->proto = proto;
}

static void assert_expect(size_t i, const char *cli, const char *srv,
			  uint16_t port)
{
	assert_string_equal(expects[i].cli, cli);
	assert_string_equal(expects[i].srv, srv);
	assert_int_equal(expects[i].port, port);
	assert_int_equal(expects[i].proto, PS_ALPROTO_FTP_DATA);
}

/* The harness flow is 10.0.0.1:40000 -> 10.0.0.2:21. */
static const struct step control_session[] = {
	S("220-FileZilla Server 0.9.60 beta\r\n220-written by Tim Kosse\r\n"
	  "220 Please visit https://filezilla-project.org/\r\n"),
	C("USER anonymous\r\n"),
	S("331 Password required for anonymous\r\n"),
	C("PASS guest@example.com\r\n"),            /* 17 bytes */
	/* RFC 959 4.2: a multi-line reply with an uncoded middle line */
	S("230-Welcome\r\n  to the server\r\n230 User logged in\r\n"),
	C("SYST\r\n"),
	S("215 UNIX Type: L8\r\n"),
	C("PASV\r\n"),
	S("227 Entering Passive Mode (10,0,0,2,195,80).\r\n"), /* 50000 */
	C("RETR file.bin\r\n"),
	S("150 Opening BINARY mode data connection for file.bin.\r\n"),
	S("226 Transfer complete.\r\n"),
	C("EPSV\r\n"),
	S("229 Entering Extended Passive Mode (|||50123|)\r\n"),
	C("PORT 10,0,0,1,156,64\r\n"),              /* 156 * 256 + 64 = 40000 */
	S("200 PORT command successful.\r\n"),
	C("EPRT |1|10.0.0.1|40001|\r\n"),           /* RFC 2428 2 */
	S("200 EPRT command successful.\r\n"),
	C("PORT 10,0,0,9,0,25\r\n"),                /* bounce to a third host */
	S("500 Illegal PORT command.\r\n"),
	C("\xff\xf4\xff\xf2" "ABOR\r\n"),           /* Telnet IP, Synch */
	S("226 ABOR command successful\r\n"),
	C("QUIT\r\n"),
	S("221 Goodbye.\r\n"),
};

static void run_control(struct ps_proto_harness *h, bool bytewise)
{
	size_t i, j;

	nexpects = 0;
	assert_int_equal(ps_proto_harness_init(h, h_parser, 6, h_port), PS_OK);
	h->sink.expect = rec_expect;
	for (i = 0; i < PS_ARRAY_LEN(control_session); i++) {
		const struct step *st = &control_session[i];

		for (j = 0; j < st->len; j += bytewise ? 1 : st->len)
			assert_int_equal(ps_proto_harness_feed(h, st->dir,
				st->data + j, bytewise ? 1 : st->len), PS_OK);
	}
	ps_proto_harness_finish(h);
}

static void check_control(struct ps_proto_harness *h)
{
	assert_int_equal(ps_proto_harness_nevents(h), 11);
	assert_has(ps_proto_harness_event(h, 0),
		   "\"ftp\":{\"command\":\"USER\",\"command_data\":\"anonymous\","
		   "\"reply\":[\"Password required for anonymous\"],"
		   "\"completion_code\":[\"331\"],\"reply_received\":\"yes\"}");
	assert_has(ps_proto_harness_event(h, 1),
		   "\"ftp\":{\"command\":\"PASS\",\"command_data\":\"********\","
		   "\"command_data_len\":17,\"reply\":[\"Welcome\","
		   "\"  to the server\",\"User logged in\"],"
		   "\"completion_code\":[\"230\",\"230\"],"
		   "\"reply_received\":\"yes\"}");
	assert_null(strstr(ps_proto_harness_event(h, 1), "guest@"));
	assert_has(ps_proto_harness_event(h, 3),
		   "\"command\":\"PASV\",\"reply\":[\"Entering Passive Mode "
		   "(10,0,0,2,195,80).\"],\"completion_code\":[\"227\"],"
		   "\"dynamic_port\":50000,\"mode\":\"passive\"");
	assert_has(ps_proto_harness_event(h, 4),
		   "\"command\":\"RETR\",\"command_data\":\"file.bin\","
		   "\"reply\":[\"Opening BINARY mode data connection for "
		   "file.bin.\",\"Transfer complete.\"],"
		   "\"completion_code\":[\"150\",\"226\"]");
	assert_has(ps_proto_harness_event(h, 5),
		   "\"dynamic_port\":50123,\"mode\":\"passive\"");
	assert_has(ps_proto_harness_event(h, 6),
		   "\"command\":\"PORT\",\"command_data\":\"10,0,0,1,156,64\","
		   "\"reply\":[\"PORT command successful.\"],"
		   "\"completion_code\":[\"200\"],\"dynamic_port\":40000,"
		   "\"mode\":\"active\"");
	assert_has(ps_proto_harness_event(h, 7),
		   "\"dynamic_port\":40001,\"mode\":\"active\"");
	assert_null(strstr(ps_proto_harness_event(h, 8), "dynamic_port"));
	assert_has(ps_proto_harness_event(h, 9), "\"command\":\"ABOR\"");
	assert_has(ps_proto_harness_event(h, 10), "\"command\":\"QUIT\"");
	assert_int_equal(ps_proto_harness_anomalies(h, "ftp_bounce"), 1);
	assert_int_equal(ps_proto_harness_anomalies(h, "ftp_bad_reply"), 0);
	assert_int_equal(nexpects, 4);
	assert_expect(0, "10.0.0.1", "10.0.0.2", 50000);     /* PASV */
	assert_expect(1, "10.0.0.1", "10.0.0.2", 50123);     /* EPSV */
	assert_expect(2, "10.0.0.2", "10.0.0.1", 40000);     /* PORT */
	assert_expect(3, "10.0.0.2", "10.0.0.1", 40001);     /* EPRT */
}

static void test_ftp_control(void **unused)
{
	struct ps_proto_harness h, b;
	size_t i;

	(void)unused;
	run_control(&h, false);
	check_control(&h);
	/* the data channel learns its command and file from this note */
	assert_int_equal(h.note_len, 13);
	assert_memory_equal(h.note, "RETR\0file.bin", 13);
	assert_int_equal(h.note_flow, h.flow.flow_id);
	run_control(&b, true);
	check_control(&b);
	for (i = 0; i < ps_proto_harness_nevents(&h); i++)
		assert_string_equal(body(ps_proto_harness_event(&h, i)),
				    body(ps_proto_harness_event(&b, i)));
	ps_proto_harness_release(&h);
	ps_proto_harness_release(&b);
}

/* AUTH TLS (RFC 4217): nothing after the 234 is parsed. */
static const struct step tls_session[] = {
	S("220 (vsFTPd 3.0.3)\r\n"),
	C("AUTH TLS\r\n"),
	S("234 Proceed with negotiation.\r\n"),
	C("\x16\x03\x01\x00\x05USER x\r\n"),
	S("\x16\x03\x03\x00\x02" "331 x\r\n"),
};

static const struct step unanswered_session[] = {
	S("220 ready\r\n"),
	C("USER bob\r\nPASS x\r\nSTOR up.txt\r\nLIST\r\nNLST\r\n"),
	S("331 ok\r\n"),
};

static void test_ftp_tls_pending(void **unused)
{
	struct ps_proto_harness h;

	(void)unused;
	run_both(&h, tls_session, PS_ARRAY_LEN(tls_session));
	assert_int_equal(ps_proto_harness_nevents(&h), 1);
	assert_has(ps_proto_harness_event(&h, 0),
		   "\"command\":\"AUTH\",\"command_data\":\"TLS\"");
	assert_true(h.ctx.upgrade);   /* the engine hands the rest to TLS */
	assert_int_equal(h.ctx.upgrade_to, PS_ALPROTO_TLS);
	ps_proto_harness_release(&h);

	run_both(&h, unanswered_session, PS_ARRAY_LEN(unanswered_session));
	assert_int_equal(ps_proto_harness_nevents(&h), 5);
	assert_has(ps_proto_harness_event(&h, 0),
		   "\"command\":\"USER\",\"command_data\":\"bob\"");
	assert_has(ps_proto_harness_event(&h, 1),
		   "\"command\":\"PASS\",\"command_data\":\"********\","
		   "\"command_data_len\":1,\"reply\":[\"ok\"]");
	assert_has(ps_proto_harness_event(&h, 2),
		   "\"command\":\"STOR\",\"command_data\":\"up.txt\","
		   "\"reply_received\":\"no\"");
	assert_int_equal(ps_proto_harness_anomalies(&h, "ftp_too_many_pending"), 1);
	assert_int_equal(h.note_len, 5);          /* the last: bare NLST */
	assert_memory_equal(h.note, "NLST\0", 5);
	ps_proto_harness_release(&h);

	assert_int_equal(ps_proto_harness_init(&h, h_parser, 6, h_port), PS_OK);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOCLIENT,
		"* OK IMAP\r\n+OK\r\nx\r\n", 19), PS_OK);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOCLIENT, "y\n", 2),
			 PS_EPROTO);
	ps_proto_harness_release(&h);
}

/* ftp-data: hashes, size and magic of what the data channel carried. */
static void test_ftp_data(void **unused)
{
	static uint8_t file[10255];
	struct ps_proto_harness h;
	const char *ev;
	size_t i, off;

	(void)unused;
	/* "%PDF-1.4\n", bytes 0..255 forty times, "%%EOF\n" */
	memcpy(file, "%PDF-1.4\n", 9);
	for (i = 0; i < 10240; i++)
		file[9 + i] = (uint8_t)i;
	memcpy(file + 10249, "%%EOF\n", 6);
	assert_int_equal(ps_proto_harness_init(&h, &ps_proto_ftp_data, 6, 50000),
			 PS_OK);
	h.ctx.parent_flow_id = 777;
	ps_proto_harness_note(&h, 777, "RETR\0report.pdf", 15);
	for (off = 0, i = 1; off < sizeof(file); off += i, i = i * 3 + 1)
		assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOCLIENT,
			file + off, i < sizeof(file) - off ? i : sizeof(file) - off),
			PS_OK);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER, "x", 1), PS_OK);
	ps_proto_harness_finish(&h);
	assert_int_equal(ps_proto_harness_nevents(&h), 1);
	ev = ps_proto_harness_event(&h, 0);
	assert_has(ev, "\"event_type\":\"fileinfo\"");
	assert_has(ev, "\"fileinfo\":{\"filename\":\"report.pdf\","
		   "\"magic\":\"PDF document\",\"gaps\":false,"
		   "\"state\":\"CLOSED\","
		   "\"md5\":\"b4cefb42eb9b01fd73863e4e09710691\","
		   "\"sha1\":\"40522a21d6e89cb10e1536a825935c1daa2cd983\","
		   "\"sha256\":\"af861026abd98fd21374df79b8b70c031aed9c2490757490"
		   "1f126116f9465cd9\",\"stored\":false,\"size\":10255},"
		   "\"ftp_data\":{\"parent_flow_id\":777,"
		   "\"filename\":\"report.pdf\",\"command\":\"RETR\","
		   "\"direction\":\"to_client\"}");
	assert_int_equal(ps_proto_harness_anomalies(&h, "ftp_data_both_directions"), 1);
	ps_proto_harness_release(&h);

	/* an empty transfer, and one with a hole */
	assert_int_equal(ps_proto_harness_init(&h, &ps_proto_ftp_data, 6, 50000),
			 PS_OK);
	ps_proto_harness_finish(&h);
	assert_has(ps_proto_harness_event(&h, 0),
		   "\"md5\":\"d41d8cd98f00b204e9800998ecf8427e\"");
	assert_has(ps_proto_harness_event(&h, 0), "\"size\":0}");
	ps_proto_harness_release(&h);
	assert_int_equal(ps_proto_harness_init(&h, &ps_proto_ftp_data, 6, 50000),
			 PS_OK);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER, "PK\x03\x04", 4),
			 PS_OK);
	ps_proto_harness_gap(&h, PS_DIR_TOSERVER, 100);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER, "tail", 4), PS_OK);
	ps_proto_harness_finish(&h);
	ev = ps_proto_harness_event(&h, 0);
	assert_has(ev, "\"fileinfo\":{\"magic\":\"Zip archive data\","
		   "\"gaps\":true,\"state\":\"TRUNCATED\",\"stored\":false,"
		   "\"size\":8}");
	assert_has(ev, "\"direction\":\"to_server\"");
	ps_proto_harness_release(&h);

	/* a note written after the data started is another transfer's */
	assert_int_equal(ps_proto_harness_init(&h, &ps_proto_ftp_data, 6, 50000),
			 PS_OK);
	h.ctx.parent_flow_id = 777;
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOCLIENT, "abc", 3),
			 PS_OK);
	h.ctx.ts_us += 5000;
	ps_proto_harness_note(&h, 777, "RETR\0next.bin", 13);
	ps_proto_harness_finish(&h);
	ev = ps_proto_harness_event(&h, 0);
	assert_null(strstr(ev, "filename"));
	assert_null(strstr(ev, "command"));
	ps_proto_harness_release(&h);
}

static void test_ftp_probe(void **unused)
{
	enum ps_probe (*probe)(const uint8_t *, size_t, enum ps_dir) =
		ps_proto_ftp.probe;

	(void)unused;
#define P(s, d) probe((const uint8_t *)(s), sizeof(s) - 1, d)
	assert_int_equal(P("220 (vsFTPd 3.0.3)\r\n", PS_DIR_TOCLIENT), PS_PROBE_YES);
	assert_int_equal(P("220-FileZilla Server\r\n", PS_DIR_TOCLIENT), PS_PROBE_YES);
	assert_int_equal(P("220 ProFTPD Server ready\r\n", PS_DIR_TOCLIENT),
			 PS_PROBE_YES);
	assert_int_equal(P("220 mx ESMTP Postfix\r\n", PS_DIR_TOCLIENT), PS_PROBE_NO);
	assert_int_equal(P("220 hello\r\n", PS_DIR_TOCLIENT), PS_PROBE_MORE);
	assert_int_equal(P("USER anonymous\r\n", PS_DIR_TOSERVER), PS_PROBE_YES);
	assert_int_equal(P("AUTH TLS\r\n", PS_DIR_TOSERVER), PS_PROBE_YES);
	assert_int_equal(P("AUTH PLAIN\r\n", PS_DIR_TOSERVER), PS_PROBE_NO);
	assert_int_equal(P("SY", PS_DIR_TOSERVER), PS_PROBE_MORE);
	assert_int_equal(P("EHLO x\r\n", PS_DIR_TOSERVER), PS_PROBE_NO);
#undef P
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ftp_control),
		cmocka_unit_test(test_ftp_tls_pending),
		cmocka_unit_test(test_ftp_data),
		cmocka_unit_test(test_ftp_probe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
