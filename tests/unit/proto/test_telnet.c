/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Telnet parser: hand-written sessions with option negotiation, a typo
 * fixed with DEL, one keystroke per segment, a failed and a successful
 * login, a password-only device prompt, and the caps; the password never
 * reaches the event text.
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

#define h_parser (&ps_proto_telnet)
#define h_port 23

#include "session.h"

static const struct step linux_session[] = {
	/* IAC DO TERMINAL-TYPE, IAC DO TSPEED, IAC DO NAWS */
	S("\xff\xfd\x18\xff\xfd\x20\xff\xfd\x1f"),
	/* IAC WILL TERMINAL-TYPE, IAC WILL TSPEED, IAC WILL NAWS */
	C("\xff\xfb\x18\xff\xfb\x20\xff\xfb\x1f"),
	/* IAC SB TERMINAL-TYPE SEND IAC SE (RFC 1091) */
	S("\xff\xfa\x18\x01\xff\xf0"),
	/* IAC SB TERMINAL-TYPE IS "XTERM" IAC SE */
	C("\xff\xfa\x18\x00XTERM\xff\xf0"),
	/* IAC WILL ECHO, IAC WILL SUPPRESS-GO-AHEAD, then the banner */
	S("\xff\xfb\x01\xff\xfb\x03Ubuntu 22.04.3 LTS\r\n\r\n"),
	S("host login: "),
	/* one keystroke per segment, each echoed; "rx", DEL, "oot" */
	C("r"), S("r"), C("x"), S("x"), C("\x7f"), S("\b \b"),
	C("o"), S("o"), C("o"), S("o"), C("t"), S("t"),
	{PS_DIR_TOSERVER, "\r\0", 2},             /* CR NUL */
	S("\r\nPassword: "),
	C("t"), C("o"), C("o"), C("r"), C("\r\n"), /* not echoed: 4 bytes */
	S("\r\n"),
	S("Login incorrect\r\nhost login: "),
	C("root\r\n"),                             /* line mode this time */
	S("root\r\nPassword: "),
	C("sec\xff\xf1ret\r\n"),                   /* IAC NOP inside: 6 bytes */
	S("\r\nLast login: Tue Nov 14 22:13:20 2023 from 10.0.0.1\r\n"),
	S("root@host:~# "),
	C("cat /etc/shadow\r\n"),
	S("cat /etc/shadow\r\nroot:$6$x:19000:0:99999:7:::\r\n"),
};

static void test_telnet_linux(void **unused)
{
	static const char *const secrets[] = {"toor", "secret", "sec", NULL};
	struct ps_proto_harness h;
	const char *banner = "\"server_banner\":\"Ubuntu 22.04.3 LTS\\r\\n\\r\\n"
			     "host login:\"";

	(void)unused;
	run_both(&h, linux_session, PS_ARRAY_LEN(linux_session));
	assert_int_equal(ps_proto_harness_nevents(&h), 2);
	assert_has(ps_proto_harness_event(&h, 0),
		   "\"telnet\":{\"username\":\"root\",\"password\":\"********\","
		   "\"password_len\":4,\"login_success\":false,");
	assert_has(ps_proto_harness_event(&h, 0), banner);
	assert_has(ps_proto_harness_event(&h, 1),
		   "\"telnet\":{\"username\":\"root\",\"password\":\"********\","
		   "\"password_len\":6,\"login_success\":true,");
	assert_has(ps_proto_harness_event(&h, 1), banner);
	assert_int_equal(ps_proto_harness_anomalies(&h, "telnet_login"), 2);
	assert_no_secret(&h, secrets);
	ps_proto_harness_release(&h);
}

/* A router that asks for a password only; the prompt ">" means success. */
static const struct step router_session[] = {
	S("\r\n\r\nUser Access Verification\r\n\r\nPassword: "),
	C("cisco\r"),
	S("\r\nRouter>"),
};

/* A flow that ends before the verdict. */
static const struct step unfinished_session[] = {
	S("\xff\xfd\x01login: "),
	C("admin\r\n"),
	S("admin\r\nPassword:"),
	C("qwerty\n"),
};

static void test_telnet_router_unfinished(void **unused)
{
	static const char *const secrets[] = {"cisco", "qwerty", NULL};
	struct ps_proto_harness h;

	(void)unused;
	run_both(&h, router_session, PS_ARRAY_LEN(router_session));
	assert_int_equal(ps_proto_harness_nevents(&h), 1);
	assert_has(ps_proto_harness_event(&h, 0),
		   "\"telnet\":{\"username\":null,\"password\":\"********\","
		   "\"password_len\":5,\"login_success\":true,"
		   "\"server_banner\":\"\\r\\n\\r\\nUser Access Verification"
		   "\\r\\n\\r\\nPassword:\"}");
	assert_no_secret(&h, secrets);
	ps_proto_harness_release(&h);

	run_both(&h, unfinished_session, PS_ARRAY_LEN(unfinished_session));
	assert_int_equal(ps_proto_harness_nevents(&h), 1);
	assert_has(ps_proto_harness_event(&h, 0),
		   "\"username\":\"admin\",\"password\":\"********\","
		   "\"password_len\":6,\"login_success\":null,"
		   "\"server_banner\":\"login:\"");
	assert_no_secret(&h, secrets);
	ps_proto_harness_release(&h);
}

static void test_telnet_limits(void **unused)
{
	static uint8_t sb[600], junk[70000];
	struct ps_proto_harness h;

	(void)unused;
	/* IAC SB NAWS and 596 bytes without IAC SE */
	memset(sb, 'w', sizeof(sb));
	memcpy(sb, "\xff\xfa\x1f", 3);
	memset(junk, 'a', sizeof(junk));
	assert_int_equal(ps_proto_harness_init(&h, h_parser, 6, h_port), PS_OK);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOCLIENT, sb, sizeof(sb)),
			 PS_OK);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOCLIENT, "login: ", 7),
			 PS_OK);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER, junk,
					       sizeof(junk)), PS_OK);
	/* no longer tracked: this login is not seen */
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOCLIENT, "Password: ",
					       10), PS_OK);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER, "pw\r\n", 4),
			 PS_OK);
	ps_proto_harness_finish(&h);
	assert_int_equal(ps_proto_harness_anomalies(&h, "telnet_sb_too_long"), 1);
	assert_int_equal(ps_proto_harness_anomalies(&h, "telnet_tracking_limit"), 1);
	/* the user name never ended, so there is no attempt to report */
	assert_int_equal(ps_proto_harness_nevents(&h), 0);
	ps_proto_harness_release(&h);
}

static void test_telnet_probe(void **unused)
{
	enum ps_probe (*probe)(const uint8_t *, size_t, enum ps_dir) =
		ps_proto_telnet.probe;

	(void)unused;
#define P(s, d) probe((const uint8_t *)(s), sizeof(s) - 1, d)
	assert_int_equal(P("\xff\xfd\x18", PS_DIR_TOCLIENT), PS_PROBE_YES);
	assert_int_equal(P("\xff\xfb\x01", PS_DIR_TOSERVER), PS_PROBE_YES);
	assert_int_equal(P("\xff", PS_DIR_TOCLIENT), PS_PROBE_MORE);
	assert_int_equal(P("\xff\xf1", PS_DIR_TOCLIENT), PS_PROBE_NO);
	assert_int_equal(P("login: ", PS_DIR_TOCLIENT), PS_PROBE_NO);
#undef P
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_telnet_linux),
		cmocka_unit_test(test_telnet_router_unfinished),
		cmocka_unit_test(test_telnet_limits),
		cmocka_unit_test(test_telnet_probe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
