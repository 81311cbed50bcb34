/* SPDX-License-Identifier: Apache-2.0 */
/*
 * DNP3 parser: link frames with CRC checks, transport reassembly, the
 * application header, object headers and IIN, dangerous function codes,
 * framing over odd chunks, bad CRCs and resynchronisation, UDP datagrams.
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

/* Cold restart request (ITI capture): 05 64, LEN 8, ctrl c4 (DIR PRM
 * unconfirmed user data), dst 10, src 1, CRC fc42; user data: transport
 * c0 (FIR FIN seq 0), app control c0, FC 0x0d cold restart; CRC 9c86. */
static const uint8_t cold_req[] = {
	0x05, 0x64, 0x08, 0xc4, 0x0a, 0x00, 0x01, 0x00, 0xfc, 0x42,
	0xc0, 0xc0, 0x0d, 0x9c, 0x86,
};
/* Its response: LEN 10, ctrl 44, dst 1, src 10; c0 c0 FC 0x81,
 * IIN 00 01 (no function code support). */
static const uint8_t cold_rsp[] = {
	0x05, 0x64, 0x0a, 0x44, 0x01, 0x00, 0x0a, 0x00, 0x6e, 0x25,
	0xc0, 0xc0, 0x81, 0x00, 0x01, 0xc2, 0xde,
};
/* Direct operate (ITI): LEN 26; c0 c0 FC 05, g12v1 qualifier 0x28
 * (2-byte index prefix, 2-byte count) count 1, index 0, CROB code 03
 * count 1 on 100 ms off 100 ms status 0; two data blocks with CRCs. */
static const uint8_t dir_op[] = {
	0x05, 0x64, 0x1a, 0xc4, 0x0a, 0x00, 0x01, 0x00, 0x8a, 0x1c,
	0xc0, 0xc0, 0x05, 0x0c, 0x01, 0x28, 0x01, 0x00, 0x00, 0x00,
	0x03, 0x01, 0x64, 0x00, 0x00, 0x00, 0xdd, 0xed,
	0x64, 0x00, 0x00, 0x00, 0x00, 0x00, 0x5b,
};

/* CRC-16/DNP, bitwise (independent of the parser's table). */
static uint16_t crc_dnp(const uint8_t *p, size_t n)
{
	uint16_t c = 0;
	int i;

	while (n--) {
		c ^= *p++;
		for (i = 0; i < 8; i++)
			c = (c & 1) ? (uint16_t)((c >> 1) ^ 0xa6bc) : (uint16_t)(c >> 1);
	}
	return (uint16_t)~c;
}

/* A link frame around `ulen` (<= 250) bytes of user data. */
static size_t frame(uint8_t *out, uint8_t ctrl, uint16_t dst, uint16_t src,
		    const uint8_t *u, size_t ulen)
{
	size_t o = 10, i, b;
	uint16_t c;

	out[0] = 0x05;
	out[1] = 0x64;
	out[2] = (uint8_t)(ulen + 5);
	out[3] = ctrl;
	out[4] = (uint8_t)dst;
	out[5] = (uint8_t)(dst >> 8);
	out[6] = (uint8_t)src;
	out[7] = (uint8_t)(src >> 8);
	c = crc_dnp(out, 8);
	out[8] = (uint8_t)c;
	out[9] = (uint8_t)(c >> 8);
	for (i = 0; i < ulen; i += b) {
		b = ulen - i < 16 ? ulen - i : 16;
		memcpy(out + o, u + i, b);
		c = crc_dnp(u + i, b);
		out[o + b] = (uint8_t)c;
		out[o + b + 1] = (uint8_t)(c >> 8);
		o += b + 2;
	}
	return o;
}

static void start(struct ps_proto_harness *h, uint8_t ipp)
{
	assert_int_equal(ps_proto_harness_init(h, &ps_proto_dnp3, ipp, 20000),
			 PS_OK);
}

static void feed(struct ps_proto_harness *h, enum ps_dir d, const void *p,
		 size_t n)
{
	assert_int_equal(ps_proto_harness_feed(h, d, p, n), PS_OK);
}

static void assert_has(const struct ps_proto_harness *h, size_t i,
		       const char *needle)
{
	const char *ev = ps_proto_harness_event(h, i);

	if (!ev || !strstr(ev, needle))
		fail_msg("event %zu lacks %s: %s", i, needle, ev ? ev : "(none)");
}

static void test_crc_and_restart(void **unused)
{
	struct ps_proto_harness h;

	(void)unused;
	/* the helper's CRC matches the captured frame's */
	assert_int_equal(crc_dnp(cold_req, 8), 0x42fc);
	assert_int_equal(crc_dnp((const uint8_t *)"123456789", 9), 0xea82);
	start(&h, 6);
	feed(&h, PS_DIR_TOSERVER, cold_req, sizeof(cold_req));
	feed(&h, PS_DIR_TOCLIENT, cold_rsp, sizeof(cold_rsp));
	assert_int_equal(ps_proto_harness_nevents(&h), 2);
	assert_has(&h, 0, "\"dnp3\":{\"type\":\"request\",\"id\":0,"
		   "\"function_code\":13,\"function\":\"cold_restart\","
		   "\"dangerous\":\"restart\",\"control\":{\"dir\":true,"
		   "\"pri\":true,\"fcb\":false,\"fcv\":false,\"function_code\":4},"
		   "\"src\":1,\"dst\":10,\"application\":{\"control\":{"
		   "\"fir\":true,\"fin\":true,\"con\":false,\"uns\":false,"
		   "\"sequence\":0},\"function_code\":13,\"objects\":[],"
		   "\"complete\":true}}");
	assert_has(&h, 1, "\"type\":\"response\",\"id\":1,\"function_code\":129,"
		   "\"function\":\"response\"");
	assert_has(&h, 1, "\"iin\":{\"indicators\":[\"no_func_code_support\"]}");
	assert_int_equal(ps_proto_harness_anomalies(&h, "dnp3_bad_crc"), 0);
	ps_proto_harness_release(&h);
}

static void test_operate_and_read(void **unused)
{
	/* READ: transport c1 (FIR FIN seq 1), app c1, FC 1, class 1/2/3/0
	 * objects g60v2..v4, v1 with qualifier 06 (all points) */
	static const uint8_t rd[] = {0xc1, 0xc1, 0x01, 0x3c, 0x02, 0x06,
		0x3c, 0x03, 0x06, 0x3c, 0x04, 0x06, 0x3c, 0x01, 0x06};
	/* response: c2 c1 81 IIN 90 00 (device restart, need time);
	 * g1v2 q 00 start 0 stop 1 (two flag octets 81 01), g30v2 q 01
	 * start 0 stop 0 (flag 01, value 0x1234) */
	static const uint8_t rsp[] = {0xc2, 0xc1, 0x81, 0x90, 0x00,
		0x01, 0x02, 0x00, 0x00, 0x01, 0x81, 0x01,
		0x1e, 0x02, 0x01, 0x00, 0x00, 0x00, 0x00, 0x01, 0x34, 0x12};
	uint8_t f[300];
	size_t n;
	struct ps_proto_harness h;

	(void)unused;
	start(&h, 6);
	feed(&h, PS_DIR_TOSERVER, dir_op, sizeof(dir_op));
	assert_has(&h, 0, "\"function_code\":5,\"function\":\"direct_operate\","
		   "\"dangerous\":\"write\"");
	assert_has(&h, 0, "\"objects\":[{\"group\":12,\"variation\":1,"
		   "\"qualifier\":40,\"prefix_code\":2,\"range_code\":8,"
		   "\"start\":0,\"stop\":0,\"count\":1}]");
	n = frame(f, 0xc4, 10, 1, rd, sizeof(rd));
	feed(&h, PS_DIR_TOSERVER, f, n);
	assert_has(&h, 1, "\"function\":\"read\",\"control\"");
	assert_has(&h, 1, "{\"group\":60,\"variation\":1,\"qualifier\":6,"
		   "\"prefix_code\":0,\"range_code\":6,\"start\":0,\"stop\":0,"
		   "\"count\":0}]");
	n = frame(f, 0x44, 1, 10, rsp, sizeof(rsp));
	feed(&h, PS_DIR_TOCLIENT, f, n);
	assert_has(&h, 2, "\"objects\":[{\"group\":1,\"variation\":2,"
		   "\"qualifier\":0,\"prefix_code\":0,\"range_code\":0,\"start\":0,"
		   "\"stop\":1,\"count\":2},{\"group\":30,\"variation\":2,"
		   "\"qualifier\":1,\"prefix_code\":0,\"range_code\":1,\"start\":0,"
		   "\"stop\":0,\"count\":1}]");
	assert_has(&h, 2, "\"indicators\":[\"need_time\",\"device_restart\"]");
	ps_proto_harness_release(&h);
}

/* stop_appl, disable_unsolicited, delete_file, write: one event each. */
static void test_dangerous(void **unused)
{
	static const struct {
		uint8_t fc;
		const char *want;
	} cases[] = {
		{0x12, "\"function\":\"stop_appl\",\"dangerous\":\"stop\""},
		{0x15, "\"function\":\"disable_unsolicited\",\"dangerous\":\"control\""},
		{0x1b, "\"function\":\"delete_file\",\"dangerous\":\"firmware\""},
		{0x0e, "\"function\":\"warm_restart\",\"dangerous\":\"restart\""},
		{0x02, "\"function\":\"write\",\"dangerous\":\"write\""},
		{0x03, "\"function\":\"select\",\"dangerous\":\"write\""},
		{0x07, "\"function\":\"immed_freeze\",\"dangerous\":\"control\""},
	};
	uint8_t u[3], f[64];
	size_t i, n;
	struct ps_proto_harness h;

	(void)unused;
	start(&h, 6);
	for (i = 0; i < PS_ARRAY_LEN(cases); i++) {
		u[0] = (uint8_t)(0xc0 | i);   /* transport FIR FIN seq i */
		u[1] = (uint8_t)(0xc0 | i);   /* app FIR FIN seq i */
		u[2] = cases[i].fc;
		n = frame(f, 0xc4, 10, 1, u, sizeof(u));
		feed(&h, PS_DIR_TOSERVER, f, n);
		assert_has(&h, i, cases[i].want);
	}
	ps_proto_harness_release(&h);
}

/* An application fragment of 41 bytes in three transport segments. */
static void test_transport_reassembly(void **unused)
{
	uint8_t app[41], seg[32], f[64];
	size_t n, i;
	struct ps_proto_harness h;

	(void)unused;
	/* response c0 81 IIN 0000, g110v16 (16-byte strings) q 00 0..1 */
	memset(app, 'x', sizeof(app));
	app[0] = 0xc0;
	app[1] = 0x81;
	app[2] = 0x00;
	app[3] = 0x00;
	app[4] = 110;
	app[5] = 16;
	app[6] = 0x00;
	app[7] = 0;
	app[8] = 1;
	start(&h, 6);
	for (i = 0; i < 3; i++) {
		size_t off = i * 14, len = i < 2 ? 14 : 13;

		seg[0] = (uint8_t)((i == 0 ? 0x40 : 0) | (i == 2 ? 0x80 : 0) |
				   (5 + i));
		memcpy(seg + 1, app + off, len);
		n = frame(f, 0x44, 1, 10, seg, len + 1);
		/* feed the middle segment one byte at a time */
		if (i == 1) {
			size_t k;

			for (k = 0; k < n; k++)
				feed(&h, PS_DIR_TOCLIENT, f + k, 1);
		} else {
			feed(&h, PS_DIR_TOCLIENT, f, n);
		}
		assert_int_equal(ps_proto_harness_nevents(&h), i == 2 ? 1 : 0);
	}
	assert_has(&h, 0, "\"objects\":[{\"group\":110,\"variation\":16,"
		   "\"qualifier\":0,\"prefix_code\":0,\"range_code\":0,\"start\":0,"
		   "\"stop\":1,\"count\":2}],\"complete\":true");
	/* a segment out of sequence drops the fragment */
	seg[0] = 0x40 | 9;
	n = frame(f, 0x44, 1, 10, seg, 5);
	feed(&h, PS_DIR_TOCLIENT, f, n);
	seg[0] = 0x80 | 11;
	n = frame(f, 0x44, 1, 10, seg, 5);
	feed(&h, PS_DIR_TOCLIENT, f, n);
	assert_int_equal(ps_proto_harness_nevents(&h), 1);
	assert_int_equal(ps_proto_harness_anomalies(&h, "dnp3_transport_sequence"), 1);
	ps_proto_harness_release(&h);
}

static void test_bad_crc_and_resync(void **unused)
{
	uint8_t buf[128];
	struct ps_proto_harness h;

	(void)unused;
	start(&h, 6);
	/* body CRC broken: frame dropped, counted; the next frame is fine */
	memcpy(buf, cold_req, sizeof(cold_req));
	buf[sizeof(cold_req) - 1] ^= 0xff;
	feed(&h, PS_DIR_TOSERVER, buf, sizeof(cold_req));
	assert_int_equal(ps_proto_harness_anomalies(&h, "dnp3_bad_crc"), 1);
	assert_int_equal(ps_proto_harness_nevents(&h), 0);
	/* header CRC broken, then garbage, then two good frames in one chunk */
	memcpy(buf, cold_req, sizeof(cold_req));
	buf[8] ^= 0x01;
	memcpy(buf + sizeof(cold_req), "\x05\x05\x64", 3);
	memcpy(buf + sizeof(cold_req) + 3, cold_req, sizeof(cold_req));
	memcpy(buf + 2 * sizeof(cold_req) + 3, cold_req, sizeof(cold_req));
	feed(&h, PS_DIR_TOSERVER, buf, 3 * sizeof(cold_req) + 3);
	assert_int_equal(ps_proto_harness_anomalies(&h, "dnp3_bad_crc"), 2);
	assert_int_equal(ps_proto_harness_nevents(&h), 2);
	/* LEN 3 (< 5, the header alone): invalid, then a good frame */
	memcpy(buf, "\x05\x64\x03\xc4\x0a\x00\x01\x00\x00\x00", 10);
	memcpy(buf + 10, cold_req, sizeof(cold_req));
	feed(&h, PS_DIR_TOSERVER, buf, 10 + sizeof(cold_req));
	assert_int_equal(ps_proto_harness_anomalies(&h, "dnp3_invalid_length"), 1);
	assert_int_equal(ps_proto_harness_nevents(&h), 3);
	/* only garbage: give up after the hunting budget */
	memset(buf, 0x05, sizeof(buf));
	{
		size_t i;
		int rc = PS_OK;

		for (i = 0; i < 40 && rc == PS_OK; i++)
			rc = ps_proto_harness_feed(&h, PS_DIR_TOSERVER, buf,
						   sizeof(buf));
		assert_int_equal(rc, PS_EPROTO);
	}
	assert_int_equal(ps_proto_harness_anomalies(&h, "dnp3_resync_failed"), 1);
	ps_proto_harness_release(&h);
}

static void test_udp_and_gap(void **unused)
{
	uint8_t two[64];
	struct ps_proto_harness h;

	(void)unused;
	start(&h, 17);
	memcpy(two, cold_req, sizeof(cold_req));
	memcpy(two + sizeof(cold_req), cold_req, sizeof(cold_req));
	feed(&h, PS_DIR_TOSERVER, two, 2 * sizeof(cold_req));
	/* a datagram cut short, and its 3-byte tail as the next datagram:
	 * both counted, nothing carried from one datagram to the next */
	feed(&h, PS_DIR_TOSERVER, cold_req, 12);
	feed(&h, PS_DIR_TOSERVER, cold_req + 12, sizeof(cold_req) - 12);
	feed(&h, PS_DIR_TOCLIENT, cold_rsp, sizeof(cold_rsp));
	assert_int_equal(ps_proto_harness_nevents(&h), 3);
	assert_int_equal(ps_proto_harness_anomalies(&h, "dnp3_truncated_frame"), 2);
	assert_has(&h, 2, "\"proto\":\"UDP\"");
	ps_proto_harness_release(&h);

	/* TCP: a hole inside a frame keeps the framing */
	start(&h, 6);
	feed(&h, PS_DIR_TOSERVER, dir_op, 12);
	ps_proto_harness_gap(&h, PS_DIR_TOSERVER, 10);
	feed(&h, PS_DIR_TOSERVER, dir_op + 22, sizeof(dir_op) - 22);
	feed(&h, PS_DIR_TOSERVER, cold_req, sizeof(cold_req));
	assert_int_equal(ps_proto_harness_nevents(&h), 1);
	assert_int_equal(ps_proto_harness_anomalies(&h, "dnp3_gap"), 1);
	assert_has(&h, 0, "\"function\":\"cold_restart\"");
	ps_proto_harness_release(&h);
}

static void test_probe(void **unused)
{
	(void)unused;
	assert_int_equal(ps_proto_dnp3.probe(cold_req, sizeof(cold_req),
					     PS_DIR_TOSERVER), PS_PROBE_YES);
	assert_int_equal(ps_proto_dnp3.probe(cold_req, 4, PS_DIR_TOSERVER),
			 PS_PROBE_MORE);
	assert_int_equal(ps_proto_dnp3.probe((const uint8_t *)"\x05\x65", 2,
					     PS_DIR_TOSERVER), PS_PROBE_NO);
	{
		uint8_t b[sizeof(cold_req)];

		memcpy(b, cold_req, sizeof(b));
		b[9] ^= 1;   /* header CRC */
		assert_int_equal(ps_proto_dnp3.probe(b, sizeof(b),
						     PS_DIR_TOSERVER), PS_PROBE_NO);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc_and_restart),
		cmocka_unit_test(test_operate_and_read),
		cmocka_unit_test(test_dangerous),
		cmocka_unit_test(test_transport_reassembly),
		cmocka_unit_test(test_bad_crc_and_resync),
		cmocka_unit_test(test_udp_and_gap),
		cmocka_unit_test(test_probe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
