/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SSH parser: banners split across chunks, lines before the server's
 * banner, over-long banners, KEXINIT and HASSH, SSH-1 and non-SSH input.
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

static void feed(struct ps_proto_harness *h, enum ps_dir dir, const void *p,
		 size_t n)
{
	assert_int_equal(ps_proto_harness_feed(h, dir, p, n), PS_OK);
}

static void feeds(struct ps_proto_harness *h, enum ps_dir dir, const char *s)
{
	feed(h, dir, s, strlen(s));
}

static const char *ssh_obj(const struct ps_proto_harness *h, size_t i)
{
	const char *ev = ps_proto_harness_event(h, i);
	const char *p = ev ? strstr(ev, "\"ssh\":{") : NULL;

	assert_non_null(p);
	return p + 6;
}

static void expect_ssh(const struct ps_proto_harness *h, const char *want)
{
	const char *got = ssh_obj(h, 0);
	size_t n = strlen(got);

	if (strlen(want) != n - 1 || strncmp(got, want, n - 1) != 0)
		fprintf(stderr, "want %s\ngot  %.*s\n", want, (int)(n - 1), got);
	assert_int_equal(strlen(want), n - 1);
	assert_memory_equal(got, want, n - 1);
}

static void ssh_init(struct ps_proto_harness *h)
{
	assert_int_equal(ps_proto_harness_init(h, &ps_proto_ssh, 6, 22), PS_OK);
}

/* Banners in pieces, a comment, a server that talks before its banner. */
static void test_banners(void **unused)
{
	struct ps_proto_harness h;

	(void)unused;
	ssh_init(&h);
	feeds(&h, PS_DIR_TOSERVER, "SSH-2.0-Ope");
	feeds(&h, PS_DIR_TOCLIENT, "Welcome\r\nto the h");
	feeds(&h, PS_DIR_TOSERVER, "nSSH_8.9p1 Ubuntu-3ubuntu0.1");
	feeds(&h, PS_DIR_TOCLIENT, "ost\r\nSSH-1.99-Cisco-1.25\n");
	feeds(&h, PS_DIR_TOSERVER, "\r");
	assert_int_equal(ps_proto_harness_nevents(&h), 0);
	feeds(&h, PS_DIR_TOSERVER, "\n");
	/* no KEXINIT yet: the event comes when the flow ends */
	assert_int_equal(ps_proto_harness_nevents(&h), 0);
	ps_proto_harness_finish(&h);
	assert_int_equal(ps_proto_harness_nevents(&h), 1);
	assert_non_null(strstr(ps_proto_harness_event(&h, 0),
			       "\"event_type\":\"ssh\""));
	expect_ssh(&h, "{\"client\":{\"proto_version\":\"2.0\","
		"\"software_version\":\"OpenSSH_8.9p1\","
		"\"comment\":\"Ubuntu-3ubuntu0.1\"},"
		"\"server\":{\"proto_version\":\"1.99\","
		"\"software_version\":\"Cisco-1.25\"}}");
	assert_int_equal(ps_vec_len(&h.anomalies), 0);
	ps_proto_harness_release(&h);
}

/*
 * A KEXINIT packet (RFC 4253 sections 6 and 7.1): packet_length 145,
 * padding_length 4, payload 140 bytes, 4 bytes of padding.
 */
static const uint8_t kexinit[] = {
	0x00, 0x00, 0x00, 0x91, 0x04,   /* packet_length, padding_length */
	0x14,                           /* SSH_MSG_KEXINIT */
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, /* cookie */
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	0x00, 0x00, 0x00, 0x11, 'c', 'u', 'r', 'v', 'e', '2', '5', '5', '1', '9',
	'-', 's', 'h', 'a', '2', '5', '6',              /* kex */
	0x00, 0x00, 0x00, 0x0b, 's', 's', 'h', '-', 'e', 'd', '2', '5', '5', '1',
	'9',                                            /* host key */
	0x00, 0x00, 0x00, 0x0a, 'a', 'e', 's', '1', '2', '8', '-', 'c', 't', 'r',
							/* enc c->s */
	0x00, 0x00, 0x00, 0x0a, 'a', 'e', 's', '2', '5', '6', '-', 'c', 't', 'r',
							/* enc s->c */
	0x00, 0x00, 0x00, 0x0d, 'h', 'm', 'a', 'c', '-', 's', 'h', 'a', '2', '-',
	'2', '5', '6',                                  /* mac c->s */
	0x00, 0x00, 0x00, 0x09, 'h', 'm', 'a', 'c', '-', 's', 'h', 'a', '1',
							/* mac s->c */
	0x00, 0x00, 0x00, 0x04, 'n', 'o', 'n', 'e',     /* compression c->s */
	0x00, 0x00, 0x00, 0x04, 'z', 'l', 'i', 'b',     /* compression s->c */
	0x00, 0x00, 0x00, 0x00,                         /* languages c->s */
	0x00, 0x00, 0x00, 0x00,                         /* languages s->c */
	0x00,                                           /* first_kex_follows */
	0x00, 0x00, 0x00, 0x00,                         /* reserved */
	0x00, 0x00, 0x00, 0x00,                         /* padding */
};

/*
 * HASSH: md5("curve25519-sha256;aes128-ctr;hmac-sha2-256;none") for the
 * client, md5("curve25519-sha256;aes256-ctr;hmac-sha1;zlib") for the server.
 */
static void test_kexinit(void **unused)
{
	struct ps_proto_harness h;
	const char *enc = "\x00\x00\x01\x00 encrypted bytes follow";

	(void)unused;
	assert_int_equal(sizeof(kexinit), 4 + 0x91);
	ssh_init(&h);
	/* the server's banner and KEXINIT in one chunk */
	feeds(&h, PS_DIR_TOCLIENT, "SSH-2.0-OpenSSH_9.6\r\n");
	feed(&h, PS_DIR_TOCLIENT, kexinit, sizeof(kexinit));
	/* the client's banner with the first 3 header bytes, then the rest
	 * of its KEXINIT in two pieces */
	{
		uint8_t c[64];
		size_t bl = strlen("SSH-2.0-PuTTY_Release_0.80\r\n");

		memcpy(c, "SSH-2.0-PuTTY_Release_0.80\r\n", bl);
		memcpy(c + bl, kexinit, 3);
		feed(&h, PS_DIR_TOSERVER, c, bl + 3);
	}
	feed(&h, PS_DIR_TOSERVER, kexinit + 3, 50);
	assert_int_equal(ps_proto_harness_nevents(&h), 0);
	feed(&h, PS_DIR_TOSERVER, kexinit + 53, sizeof(kexinit) - 53);
	/* both sides are past KEXINIT: the event is out */
	assert_int_equal(ps_proto_harness_nevents(&h), 1);
	expect_ssh(&h, "{\"client\":{\"proto_version\":\"2.0\","
		"\"software_version\":\"PuTTY_Release_0.80\","
		"\"hassh\":{\"hash\":\"e97d07603350d1111ec2b64bf25413c9\","
		"\"string\":\"curve25519-sha256;aes128-ctr;hmac-sha2-256;none\"}},"
		"\"server\":{\"proto_version\":\"2.0\","
		"\"software_version\":\"OpenSSH_9.6\","
		"\"hassh\":{\"hash\":\"1d28bf246fed683b2556414dbd13cd28\","
		"\"string\":\"curve25519-sha256;aes256-ctr;hmac-sha1;zlib\"}}}");
	/* the encrypted rest is ignored */
	feeds(&h, PS_DIR_TOSERVER, enc);
	feeds(&h, PS_DIR_TOCLIENT, enc);
	ps_proto_harness_finish(&h);
	assert_int_equal(ps_proto_harness_nevents(&h), 1);
	assert_int_equal(ps_vec_len(&h.anomalies), 0);
	ps_proto_harness_release(&h);
}

/* A banner longer than 255 bytes is cut and counted. */
static void test_long_banner(void **unused)
{
	struct ps_proto_harness h;
	char line[400];

	(void)unused;
	memcpy(line, "SSH-2.0-", 8);
	memset(line + 8, 'x', 300);
	memcpy(line + 308, "\r\n", 3);
	ssh_init(&h);
	feeds(&h, PS_DIR_TOCLIENT, line);
	ps_proto_harness_finish(&h);
	assert_int_equal(ps_proto_harness_nevents(&h), 1);
	assert_int_equal(ps_proto_harness_anomalies(&h, "ssh_banner_too_long"), 1);
	line[255] = '\0';       /* 8 bytes of prefix, 247 of version */
	assert_non_null(strstr(ssh_obj(&h, 0), line + 8));
	assert_null(strstr(ssh_obj(&h, 0), "\"client\""));
	line[256] = '\0';
	memset(line, 'x', 248);
	line[248] = '\0';
	assert_null(strstr(ssh_obj(&h, 0), line));
	ps_proto_harness_release(&h);
}

/* SSH-1 has no KEXINIT; a malformed packet ends the side; a gap too. */
static void test_ssh1_bad_packet_gap(void **unused)
{
	static const uint8_t huge[] = {0x7f, 0xff, 0xff, 0xff, 0x04};
	struct ps_proto_harness h;

	(void)unused;
	ssh_init(&h);
	feeds(&h, PS_DIR_TOSERVER, "SSH-1.5-old\n");
	feeds(&h, PS_DIR_TOCLIENT, "SSH-2.0-srv\r\n");
	feed(&h, PS_DIR_TOCLIENT, huge, sizeof(huge));
	assert_int_equal(ps_proto_harness_nevents(&h), 1);
	assert_int_equal(ps_proto_harness_anomalies(&h, "ssh_packet_malformed"), 1);
	assert_non_null(strstr(ssh_obj(&h, 0), "\"proto_version\":\"1.5\""));
	ps_proto_harness_release(&h);

	ssh_init(&h);
	feeds(&h, PS_DIR_TOSERVER, "SSH-2.0-cli\r\n");
	feeds(&h, PS_DIR_TOCLIENT, "SSH-2.0-srv\r\n");
	feed(&h, PS_DIR_TOCLIENT, kexinit, 20);
	ps_proto_harness_gap(&h, PS_DIR_TOCLIENT, 1000);
	ps_proto_harness_gap(&h, PS_DIR_TOSERVER, 1000);
	assert_int_equal(ps_proto_harness_nevents(&h), 1);
	assert_int_equal(ps_proto_harness_anomalies(&h, "ssh_gap"), 2);
	assert_null(strstr(ssh_obj(&h, 0), "hassh"));
	ps_proto_harness_release(&h);

	/* a banner without a software version, then a packet that is not
	 * KEXINIT (SSH_MSG_NEWKEYS) */
	ssh_init(&h);
	feeds(&h, PS_DIR_TOSERVER, "SSH-2.0\r\n");
	feed(&h, PS_DIR_TOSERVER, "\x00\x00\x00\x06\x04\x15\x00\x00\x00\x00", 10);
	assert_int_equal(ps_proto_harness_anomalies(&h, "ssh_no_kexinit"), 1);
	assert_int_equal(ps_proto_harness_anomalies(&h, "ssh_banner_malformed"), 1);
	ps_proto_harness_release(&h);
}

/* Something else on port 22 makes parse() give up. */
static void test_not_ssh(void **unused)
{
	struct ps_proto_harness h;
	int rc = PS_OK;

	(void)unused;
	ssh_init(&h);
	for (int i = 0; i < 40 && rc == PS_OK; i++)
		rc = ps_proto_harness_feed(&h, PS_DIR_TOCLIENT, "hello\r\n", 7);
	assert_int_equal(rc, PS_EPROTO);
	assert_int_equal(ps_proto_harness_anomalies(&h, "ssh_no_banner"), 1);
	ps_proto_harness_finish(&h);
	assert_int_equal(ps_proto_harness_nevents(&h), 0);
	ps_proto_harness_release(&h);

	ssh_init(&h);
	rc = PS_OK;
	for (int i = 0; i < 10 && rc == PS_OK; i++) {
		static uint8_t bin[1000];

		rc = ps_proto_harness_feed(&h, PS_DIR_TOSERVER, bin, sizeof(bin));
	}
	assert_int_equal(rc, PS_EPROTO);
	ps_proto_harness_release(&h);
}

static void test_probe(void **unused)
{
	enum ps_probe (*probe)(const uint8_t *, size_t, enum ps_dir) =
		ps_proto_ssh.probe;

	(void)unused;
	assert_int_equal(probe((const uint8_t *)"SSH-2.0-x\r\n", 11,
			       PS_DIR_TOCLIENT), PS_PROBE_YES);
	assert_int_equal(probe((const uint8_t *)"SS", 2, PS_DIR_TOSERVER),
			 PS_PROBE_MORE);
	assert_int_equal(probe((const uint8_t *)"", 0, PS_DIR_TOSERVER),
			 PS_PROBE_MORE);
	assert_int_equal(probe((const uint8_t *)"GET /", 5, PS_DIR_TOSERVER),
			 PS_PROBE_NO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_banners),
		cmocka_unit_test(test_kexinit),
		cmocka_unit_test(test_long_banner),
		cmocka_unit_test(test_ssh1_bad_packet_gap),
		cmocka_unit_test(test_not_ssh),
		cmocka_unit_test(test_probe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
