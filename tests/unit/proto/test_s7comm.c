/* SPDX-License-Identifier: Apache-2.0 */
/*
 * S7comm parser: COTP connect with TSAPs, job/ack pairing by PDU
 * reference, function names and dangerous categories (write var, PLC
 * stop, download, upload, PI services), userdata, S7comm-plus counting,
 * COTP segmentation, TPKT framing over odd chunks and garbage.
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

/* TPKT (03 00 len) + COTP DT (02 f0 80, EOT) around an S7 PDU. */
static size_t tpkt(uint8_t *out, const uint8_t *s7, size_t n)
{
	size_t len = 7 + n;

	out[0] = 0x03;
	out[1] = 0x00;
	out[2] = (uint8_t)(len >> 8);
	out[3] = (uint8_t)len;
	out[4] = 0x02;
	out[5] = 0xf0;
	out[6] = 0x80;
	memcpy(out + 7, s7, n);
	return len;
}

static void start(struct ps_proto_harness *h)
{
	assert_int_equal(ps_proto_harness_init(h, &ps_proto_s7comm, 6, 102),
			 PS_OK);
}

static void feed_s7(struct ps_proto_harness *h, enum ps_dir d,
		    const uint8_t *s7, size_t n)
{
	uint8_t buf[2048];
	size_t len = tpkt(buf, s7, n);

	assert_int_equal(ps_proto_harness_feed(h, d, buf, len), PS_OK);
}

static void assert_has(const struct ps_proto_harness *h, size_t i,
		       const char *needle)
{
	const char *ev = ps_proto_harness_event(h, i);

	if (!ev || !strstr(ev, needle))
		fail_msg("event %zu lacks %s: %s", i, needle, ev ? ev : "(none)");
}

/* Job 0x04 read var, ref 5: one S7ANY item, BYTE x4 of DB1 at 0.0 */
static const uint8_t read_job[] = {
	0x32, 0x01, 0x00, 0x00, 0x00, 0x05, 0x00, 0x0e, 0x00, 0x00, /* hdr */
	0x04, 0x01,                                     /* read var, 1 item */
	0x12, 0x0a, 0x10, 0x02, 0x00, 0x04, 0x00, 0x01, /* S7ANY BYTE len 4 DB1 */
	0x84, 0x00, 0x00, 0x00,                         /* area DB, addr 0.0 */
};
/* Ack_data ref 5: err 0/0; param 04 01; item ff (ok) BYTE 32 bits */
static const uint8_t read_ack[] = {
	0x32, 0x03, 0x00, 0x00, 0x00, 0x05, 0x00, 0x02, 0x00, 0x08, 0x00, 0x00,
	0x04, 0x01,
	0xff, 0x04, 0x00, 0x20, 0x01, 0x02, 0x03, 0x04,
};

static void test_connect_and_setup(void **unused)
{
	/* TPKT len 22; COTP LI 17 CR dst 0 src 1 class 0,
	 * C1 src TSAP 0100, C2 dst TSAP 0102 (rack 0 slot 2), C0 tpdu 2^10 */
	static const uint8_t cr[] = {
		0x03, 0x00, 0x00, 0x16, 0x11, 0xe0, 0x00, 0x00, 0x00, 0x01,
		0x00, 0xc1, 0x02, 0x01, 0x00, 0xc2, 0x02, 0x01, 0x02, 0xc0,
		0x01, 0x0a,
	};
	/* job ref 4: setup communication, amq 1/1, PDU length 480 */
	static const uint8_t setup[] = {
		0x32, 0x01, 0x00, 0x00, 0x00, 0x04, 0x00, 0x08, 0x00, 0x00,
		0xf0, 0x00, 0x00, 0x01, 0x00, 0x01, 0x01, 0xe0,
	};
	static const uint8_t setup_ack[] = {
		0x32, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x08, 0x00, 0x00,
		0x00, 0x00,
		0xf0, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0xf0,
	};
	struct ps_proto_harness h;

	(void)unused;
	start(&h);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER, cr,
					       sizeof(cr)), PS_OK);
	assert_has(&h, 0, "\"s7comm\":{\"cotp\":\"CR\",\"function_code\":224,"
		   "\"function\":\"cotp_connect_request\",\"dst_ref\":0,"
		   "\"src_ref\":1,\"src_tsap\":\"0100\",\"dst_tsap\":\"0102\","
		   "\"tpdu_size\":1024}");
	feed_s7(&h, PS_DIR_TOSERVER, setup, sizeof(setup));
	feed_s7(&h, PS_DIR_TOCLIENT, setup_ack, sizeof(setup_ack));
	assert_int_equal(ps_proto_harness_nevents(&h), 2);
	assert_has(&h, 1, "\"s7comm\":{\"rosctr\":\"job\",\"pdu_ref\":4,"
		   "\"function_code\":240,\"function\":\"setup_communication\","
		   "\"pdu_length\":480,\"response\":{\"rosctr\":\"ack_data\","
		   "\"pdu_ref\":4,\"error_class\":0,\"error_code\":0}}");
	ps_proto_harness_release(&h);
}

static void test_read_write_var(void **unused)
{
	/* job ref 6: write var, BYTE x2 of DB1 at byte 2; data 00 04 0010 abcd */
	static const uint8_t write_job[] = {
		0x32, 0x01, 0x00, 0x00, 0x00, 0x06, 0x00, 0x0e, 0x00, 0x06,
		0x05, 0x01,
		0x12, 0x0a, 0x10, 0x02, 0x00, 0x02, 0x00, 0x01, 0x84, 0x00,
		0x00, 0x10,
		0x00, 0x04, 0x00, 0x10, 0xab, 0xcd,
	};
	/* ack ref 6: param 05 01, item return code 0a (object missing) */
	static const uint8_t write_ack[] = {
		0x32, 0x03, 0x00, 0x00, 0x00, 0x06, 0x00, 0x02, 0x00, 0x01,
		0x00, 0x00, 0x05, 0x01, 0x0a,
	};
	struct ps_proto_harness h;

	(void)unused;
	start(&h);
	feed_s7(&h, PS_DIR_TOSERVER, read_job, sizeof(read_job));
	feed_s7(&h, PS_DIR_TOCLIENT, read_ack, sizeof(read_ack));
	feed_s7(&h, PS_DIR_TOSERVER, write_job, sizeof(write_job));
	feed_s7(&h, PS_DIR_TOCLIENT, write_ack, sizeof(write_ack));
	assert_int_equal(ps_proto_harness_nevents(&h), 2);
	assert_has(&h, 0, "\"function_code\":4,\"function\":\"read_var\","
		   "\"items\":1,\"vars\":[{\"area\":\"db\",\"db\":1,\"byte\":0,"
		   "\"bit\":0,\"transport_size\":2,\"length\":4}],\"response\":{"
		   "\"rosctr\":\"ack_data\",\"pdu_ref\":5,\"error_class\":0,"
		   "\"error_code\":0,\"items\":1,\"failed_items\":0}");
	assert_has(&h, 1, "\"function_code\":5,\"function\":\"write_var\","
		   "\"dangerous\":\"write\",\"items\":1,\"vars\":[{\"area\":\"db\","
		   "\"db\":1,\"byte\":2,\"bit\":0");
	assert_has(&h, 1, "\"failed_items\":1");
	assert_int_equal(ps_proto_harness_anomalies(&h, "s7_invalid_length"), 0);
	ps_proto_harness_release(&h);
}

/* Stop, PI services, download and upload; jobs flushed at finish. */
static void test_dangerous(void **unused)
{
	/* 0x29 PLC stop: 5 unknown bytes, "P_PROGRAM" */
	static const uint8_t stop[] = {
		0x32, 0x01, 0x00, 0x00, 0x00, 0x07, 0x00, 0x10, 0x00, 0x00,
		0x29, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09,
		'P', '_', 'P', 'R', 'O', 'G', 'R', 'A', 'M',
	};
	/* 0x28 PI: 7 unknown bytes, block 10 bytes "\x01\x000800001P", "_INSE" */
	static const uint8_t inse[] = {
		0x32, 0x01, 0x00, 0x00, 0x00, 0x08, 0x00, 0x1a, 0x00, 0x00,
		0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xfd, 0x00, 0x0a,
		0x01, 0x00, '0', '8', '0', '0', '0', '0', '1', 'P',
		0x05, '_', 'I', 'N', 'S', 'E',
	};
	/* 0x28 PI: empty block, "P_PROGRAM" = start the CPU */
	static const uint8_t pstart[] = {
		0x32, 0x01, 0x00, 0x00, 0x00, 0x09, 0x00, 0x14, 0x00, 0x00,
		0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xfd, 0x00, 0x00,
		0x09, 'P', '_', 'P', 'R', 'O', 'G', 'R', 'A', 'M',
	};
	/* 0x1a request download: status 0, 0100, 4 x 00, "_0800001P" = OB1 */
	static const uint8_t dl[] = {
		0x32, 0x01, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x12, 0x00, 0x00,
		0x1a, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09,
		'_', '0', '8', '0', '0', '0', '0', '1', 'P',
	};
	/* 0x1d start upload of "_0E00042A" = FB42 */
	static const uint8_t ul[] = {
		0x32, 0x01, 0x00, 0x00, 0x00, 0x0b, 0x00, 0x12, 0x00, 0x00,
		0x1d, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09,
		'_', '0', 'E', '0', '0', '0', '4', '2', 'A',
	};
	/* the PLC refuses the stop: ack ref 7, error class 0x85 code 0x04 */
	static const uint8_t stop_err[] = {
		0x32, 0x03, 0x00, 0x00, 0x00, 0x07, 0x00, 0x01, 0x00, 0x00,
		0x85, 0x04, 0x29,
	};
	struct ps_proto_harness h;

	(void)unused;
	start(&h);
	feed_s7(&h, PS_DIR_TOSERVER, stop, sizeof(stop));
	feed_s7(&h, PS_DIR_TOCLIENT, stop_err, sizeof(stop_err));
	assert_int_equal(ps_proto_harness_nevents(&h), 1);
	assert_has(&h, 0, "\"response\":{\"rosctr\":\"ack_data\",\"pdu_ref\":7,"
		   "\"error_class\":133,\"error_code\":4}");
	feed_s7(&h, PS_DIR_TOSERVER, inse, sizeof(inse));
	feed_s7(&h, PS_DIR_TOSERVER, pstart, sizeof(pstart));
	feed_s7(&h, PS_DIR_TOSERVER, dl, sizeof(dl));
	feed_s7(&h, PS_DIR_TOSERVER, ul, sizeof(ul));
	assert_int_equal(ps_proto_harness_nevents(&h), 1);
	ps_proto_harness_finish(&h);
	assert_int_equal(ps_proto_harness_nevents(&h), 5);
	assert_has(&h, 0, "\"function_code\":41,\"function\":\"plc_stop\","
		   "\"dangerous\":\"stop\",\"pi_service\":\"P_PROGRAM\"");
	assert_has(&h, 1, "\"function\":\"pi_service\",\"dangerous\":\"program\","
		   "\"pi_service\":\"_INSE\"");
	assert_has(&h, 2, "\"function\":\"pi_service\",\"dangerous\":\"restart\","
		   "\"pi_service\":\"P_PROGRAM\"");
	assert_has(&h, 3, "\"function\":\"request_download\","
		   "\"dangerous\":\"program\",\"filename\":\"_0800001P\","
		   "\"block_type\":\"OB\",\"block_number\":1");
	assert_has(&h, 4, "\"function\":\"start_upload\","
		   "\"dangerous\":\"program_read\",\"filename\":\"_0E00042A\","
		   "\"block_type\":\"FB\",\"block_number\":42");
	ps_proto_harness_release(&h);
}

static void test_userdata_and_plus(void **unused)
{
	/* userdata ref 9: head 000112, len 4, method 11 (req), type 4 group 4
	 * (CPU), sub 01 (read SZL), seq 0; data ff 09 0004 SZL 0011 idx 0000 */
	static const uint8_t szl[] = {
		0x32, 0x07, 0x00, 0x00, 0x00, 0x09, 0x00, 0x08, 0x00, 0x08,
		0x00, 0x01, 0x12, 0x04, 0x11, 0x44, 0x01, 0x00,
		0xff, 0x09, 0x00, 0x04, 0x00, 0x11, 0x00, 0x00,
	};
	/* response: len 8, method 12, type 8 group 4, sub 01, seq 1, err 0 */
	static const uint8_t szl_rsp[] = {
		0x32, 0x07, 0x00, 0x00, 0x00, 0x09, 0x00, 0x0c, 0x00, 0x04,
		0x00, 0x01, 0x12, 0x08, 0x12, 0x84, 0x01, 0x01, 0x00, 0x00,
		0x00, 0x00,
		0xff, 0x09, 0x00, 0x00,
	};
	/* S7comm-plus: 72 version 1 length 0004, opcode 31, ... */
	static const uint8_t plus[] = {0x72, 0x01, 0x00, 0x04, 0x31, 0x00,
				       0x00, 0x04, 0x72, 0x01};
	struct ps_proto_harness h;

	(void)unused;
	start(&h);
	feed_s7(&h, PS_DIR_TOSERVER, szl, sizeof(szl));
	feed_s7(&h, PS_DIR_TOCLIENT, szl_rsp, sizeof(szl_rsp));
	assert_int_equal(ps_proto_harness_nevents(&h), 1);
	assert_has(&h, 0, "\"s7comm\":{\"rosctr\":\"userdata\",\"pdu_ref\":9,"
		   "\"type\":\"request\",\"group\":4,\"group_name\":\"cpu_functions\","
		   "\"subfunction\":1,\"function_code\":1025,\"function\":\"read_szl\","
		   "\"szl_id\":17,\"szl_index\":0,\"response\":{\"rosctr\":\"userdata\","
		   "\"pdu_ref\":9,\"return_code\":255,\"error_code\":0}}");
	feed_s7(&h, PS_DIR_TOSERVER, plus, sizeof(plus));
	feed_s7(&h, PS_DIR_TOCLIENT, plus, sizeof(plus));
	feed_s7(&h, PS_DIR_TOCLIENT, plus, sizeof(plus));
	assert_int_equal(ps_proto_harness_nevents(&h), 1);
	ps_proto_harness_finish(&h);
	assert_int_equal(ps_proto_harness_nevents(&h), 2);
	assert_has(&h, 1, "\"protocol\":\"s7comm-plus\",\"version\":1,"
		   "\"function_code\":114,\"function\":\"s7comm_plus\","
		   "\"pdus_toserver\":1,\"pdus_toclient\":2");
	ps_proto_harness_release(&h);
}

static void test_chunking(void **unused)
{
	uint8_t a[64], b[64], two[128];
	size_t an, bn, i;
	struct ps_proto_harness h;

	(void)unused;
	start(&h);
	an = tpkt(a, read_job, sizeof(read_job));
	bn = tpkt(b, read_ack, sizeof(read_ack));
	for (i = 0; i < an; i++)
		assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER,
						       a + i, 1), PS_OK);
	for (i = 0; i < bn; i++)
		assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOCLIENT,
						       b + i, 1), PS_OK);
	assert_int_equal(ps_proto_harness_nevents(&h), 1);
	assert_has(&h, 0, "\"failed_items\":0");
	/* the job twice in one chunk (refs 5 and 6), acks likewise */
	memcpy(two, a, an);
	memcpy(two + an, a, an);
	two[an + 7 + 5] = 6;
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER, two,
					       2 * an), PS_OK);
	memcpy(two, b, bn);
	memcpy(two + bn, b, bn);
	two[bn + 7 + 5] = 6;
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOCLIENT, two,
					       2 * bn), PS_OK);
	assert_int_equal(ps_proto_harness_nevents(&h), 3);
	assert_has(&h, 2, "\"pdu_ref\":6");
	assert_int_equal(ps_proto_harness_anomalies(&h, "s7_unsolicited_ack"), 0);
	ps_proto_harness_release(&h);
}

/* An S7 PDU in two COTP DT segments: the first without EOT. */
static void test_cotp_segments(void **unused)
{
	uint8_t seg[64];
	size_t k = 10;       /* bytes of the job in the first segment */
	struct ps_proto_harness h;

	(void)unused;
	start(&h);
	seg[0] = 0x03;
	seg[1] = 0x00;
	seg[2] = 0x00;
	seg[3] = (uint8_t)(7 + k);
	seg[4] = 0x02;
	seg[5] = 0xf0;
	seg[6] = 0x00;        /* TPDU 0, no EOT */
	memcpy(seg + 7, read_job, k);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER, seg, 7 + k),
			 PS_OK);
	seg[3] = (uint8_t)(7 + sizeof(read_job) - k);
	seg[6] = 0x81;        /* TPDU 1, EOT */
	memcpy(seg + 7, read_job + k, sizeof(read_job) - k);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER, seg,
					       7 + sizeof(read_job) - k), PS_OK);
	feed_s7(&h, PS_DIR_TOCLIENT, read_ack, sizeof(read_ack));
	assert_int_equal(ps_proto_harness_nevents(&h), 1);
	assert_has(&h, 0, "\"function\":\"read_var\",\"items\":1");
	ps_proto_harness_release(&h);
}

static void test_malformed(void **unused)
{
	/* TPKT version 4: invalid; the valid TPKT after it is found again */
	static const uint8_t bad[] = {0x04, 0x00, 0x00, 0x10, 0x99};
	/* MMS on port 102: COTP DT then a session SPDU (0x0d), not S7 */
	static const uint8_t mms[] = {0x03, 0x00, 0x00, 0x0b, 0x02, 0xf0, 0x80,
				      0x0d, 0x01, 0x02, 0x03};
	uint8_t garbage[5000];
	uint8_t a[64];
	size_t an = tpkt(a, read_job, sizeof(read_job));
	struct ps_proto_harness h;

	(void)unused;
	start(&h);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER, bad,
					       sizeof(bad)), PS_OK);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER, a, an), PS_OK);
	assert_int_equal(ps_proto_harness_anomalies(&h, "s7_invalid_tpkt"), 1);
	ps_proto_harness_finish(&h);
	assert_int_equal(ps_proto_harness_nevents(&h), 1);
	assert_has(&h, 0, "\"function\":\"read_var\"");
	ps_proto_harness_release(&h);

	start(&h);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER, mms,
					       sizeof(mms)), PS_EPROTO);
	assert_int_equal(ps_proto_harness_anomalies(&h, "s7_invalid_protocol_id"), 1);
	ps_proto_harness_release(&h);

	start(&h);
	memset(garbage, 0xaa, sizeof(garbage));
	garbage[0] = 0x05;
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER, garbage,
					       sizeof(garbage)), PS_EPROTO);
	assert_int_equal(ps_proto_harness_anomalies(&h, "s7_resync_failed"), 1);
	ps_proto_harness_release(&h);
}

/* A TPKT longer than the kept head: parsed from its head, counted. */
static void test_long_pdu(void **unused)
{
	static uint8_t big[1500];
	struct ps_proto_harness h;
	size_t dl = sizeof(big) - 7 - 24 - 4;

	(void)unused;
	/* write var job of one item with a data part filling the TPKT */
	memcpy(big + 7, read_job, sizeof(read_job));
	big[7 + 1] = 0x01;
	big[7 + 8] = (uint8_t)((dl + 4) >> 8);
	big[7 + 9] = (uint8_t)(dl + 4);
	big[7 + 10] = 0x05;
	memset(big + 7 + sizeof(read_job), 0x5a, sizeof(big) - 7 - sizeof(read_job));
	big[0] = 0x03;
	big[1] = 0x00;
	big[2] = (uint8_t)(sizeof(big) >> 8);
	big[3] = (uint8_t)sizeof(big);
	big[4] = 0x02;
	big[5] = 0xf0;
	big[6] = 0x80;
	start(&h);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER, big,
					       sizeof(big)), PS_OK);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER, big,
					       sizeof(big)), PS_OK);
	ps_proto_harness_finish(&h);
	assert_int_equal(ps_proto_harness_anomalies(&h, "s7_pdu_truncated"), 2);
	/* the same PDU reference twice: the first is flushed unanswered */
	assert_int_equal(ps_proto_harness_nevents(&h), 2);
	assert_has(&h, 1, "\"function\":\"write_var\",\"dangerous\":\"write\"");
	ps_proto_harness_release(&h);
}

static void test_probe(void **unused)
{
	uint8_t a[64];
	size_t an = tpkt(a, read_job, sizeof(read_job));
	static const uint8_t mms[] = {0x03, 0x00, 0x00, 0x0b, 0x02, 0xf0, 0x80,
				      0x0d, 0x01, 0x02, 0x03};

	(void)unused;
	assert_int_equal(ps_proto_s7comm.probe(a, an, PS_DIR_TOSERVER), PS_PROBE_YES);
	assert_int_equal(ps_proto_s7comm.probe(a, 3, PS_DIR_TOSERVER), PS_PROBE_MORE);
	assert_int_equal(ps_proto_s7comm.probe(mms, sizeof(mms), PS_DIR_TOSERVER),
			 PS_PROBE_NO);
	assert_int_equal(ps_proto_s7comm.probe((const uint8_t *)"GET /", 5,
					       PS_DIR_TOSERVER), PS_PROBE_NO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_connect_and_setup),
		cmocka_unit_test(test_read_write_var),
		cmocka_unit_test(test_dangerous),
		cmocka_unit_test(test_userdata_and_plus),
		cmocka_unit_test(test_chunking),
		cmocka_unit_test(test_cotp_segments),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_long_pdu),
		cmocka_unit_test(test_probe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
