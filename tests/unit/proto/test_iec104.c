/* SPDX-License-Identifier: Apache-2.0 */
/*
 * IEC 60870-5-104 parser: U-format functions, I-format ASDUs (type names,
 * cause of transmission, commands and set-points flagged when activated),
 * S-format acknowledgements, sequence checks, APCI framing over odd chunks,
 * invalid APCI and resynchronisation.
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

/* U STARTDT act / con, S ack N(R)=1 */
static const uint8_t startdt_act[] = {0x68, 0x04, 0x07, 0x00, 0x00, 0x00};
static const uint8_t startdt_con[] = {0x68, 0x04, 0x0b, 0x00, 0x00, 0x00};
static const uint8_t s_ack[] = {0x68, 0x04, 0x01, 0x00, 0x02, 0x00};
/* I N(S)=0 N(R)=0; C_IC_NA_1 (100) VSQ 1, COT 6 activation, OA 0,
 * CA 1; IOA 0, QOI 20 (station interrogation) */
static const uint8_t gi[] = {
	0x68, 0x0e, 0x00, 0x00, 0x00, 0x00,
	0x64, 0x01, 0x06, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x14,
};
/* I N(S)=1; C_SC_NA_1 (45) COT 6, CA 1, IOA 0x6001, SCO 81 (select, ON) */
static const uint8_t sc_select[] = {
	0x68, 0x0e, 0x02, 0x00, 0x02, 0x00,
	0x2d, 0x01, 0x06, 0x00, 0x01, 0x00, 0x01, 0x60, 0x00, 0x81,
};
/* the outstation's activation confirmation: COT 7, same object */
static const uint8_t sc_con[] = {
	0x68, 0x0e, 0x00, 0x00, 0x04, 0x00,
	0x2d, 0x01, 0x07, 0x00, 0x01, 0x00, 0x01, 0x60, 0x00, 0x81,
};

static void start(struct ps_proto_harness *h)
{
	assert_int_equal(ps_proto_harness_init(h, &ps_proto_iec104, 6, 2404),
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

static void assert_lacks(const struct ps_proto_harness *h, size_t i,
			 const char *needle)
{
	const char *ev = ps_proto_harness_event(h, i);

	assert_non_null(ev);
	if (strstr(ev, needle))
		fail_msg("event %zu has %s: %s", i, needle, ev);
}

static void test_u_s_and_interrogation(void **unused)
{
	struct ps_proto_harness h;

	(void)unused;
	start(&h);
	feed(&h, PS_DIR_TOSERVER, startdt_act, sizeof(startdt_act));
	feed(&h, PS_DIR_TOCLIENT, startdt_con, sizeof(startdt_con));
	feed(&h, PS_DIR_TOSERVER, gi, sizeof(gi));
	feed(&h, PS_DIR_TOCLIENT, s_ack, sizeof(s_ack));
	assert_int_equal(ps_proto_harness_nevents(&h), 3);
	assert_has(&h, 0, "\"iec104\":{\"frame\":\"U\",\"function_code\":7,"
		   "\"function\":\"startdt_act\"}");
	assert_has(&h, 1, "\"function\":\"startdt_con\"");
	assert_has(&h, 2, "\"iec104\":{\"frame\":\"I\",\"tx_seq\":0,\"rx_seq\":0,"
		   "\"type_id\":100,\"type\":\"C_IC_NA_1\",\"function_code\":100,"
		   "\"function\":\"C_IC_NA_1\",\"sq\":false,\"objects\":1,"
		   "\"cot\":6,\"cause\":\"activation\",\"negative\":false,"
		   "\"test\":false,\"originator\":0,\"common_address\":1,"
		   "\"ioa\":0,\"qualifier\":20}");
	ps_proto_harness_release(&h);
}

static void test_commands(void **unused)
{
	/* N(S)=2: C_SE_NB_1 (49) scaled set-point COT 6, IOA 10000,
	 * value 1000 (e8 03), QOS 00 (execute) */
	static const uint8_t se[] = {
		0x68, 0x10, 0x04, 0x00, 0x02, 0x00,
		0x31, 0x01, 0x06, 0x00, 0x01, 0x00, 0x10, 0x27, 0x00,
		0xe8, 0x03, 0x00,
	};
	/* N(S)=3: C_RP_NA_1 (105) reset process COT 6, QRP 1 (general) */
	static const uint8_t rp[] = {
		0x68, 0x0e, 0x06, 0x00, 0x02, 0x00,
		0x69, 0x01, 0x06, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x01,
	};
	/* N(S)=4: C_CS_NA_1 (103) clock sync COT 6, CP56Time2a */
	static const uint8_t cs[] = {
		0x68, 0x14, 0x08, 0x00, 0x02, 0x00,
		0x67, 0x01, 0x06, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
		0x10, 0x27, 0x1e, 0x0c, 0x15, 0x0b, 0x19,
	};
	struct ps_proto_harness h;

	(void)unused;
	start(&h);
	feed(&h, PS_DIR_TOSERVER, gi, sizeof(gi));
	feed(&h, PS_DIR_TOSERVER, sc_select, sizeof(sc_select));
	feed(&h, PS_DIR_TOCLIENT, sc_con, sizeof(sc_con));
	feed(&h, PS_DIR_TOSERVER, se, sizeof(se));
	feed(&h, PS_DIR_TOSERVER, rp, sizeof(rp));
	feed(&h, PS_DIR_TOSERVER, cs, sizeof(cs));
	assert_int_equal(ps_proto_harness_nevents(&h), 6);
	assert_lacks(&h, 0, "dangerous");
	assert_has(&h, 1, "\"tx_seq\":1,\"rx_seq\":1,\"type_id\":45,"
		   "\"type\":\"C_SC_NA_1\",\"function_code\":45,"
		   "\"function\":\"C_SC_NA_1\",\"dangerous\":\"write\"");
	assert_has(&h, 1, "\"ioa\":24577,\"command\":{\"value\":1,"
		   "\"select\":true,\"qualifier\":0}");
	/* the confirmation answers the command: named, not dangerous */
	assert_has(&h, 2, "\"cause\":\"activation_con\"");
	assert_lacks(&h, 2, "dangerous");
	assert_has(&h, 3, "\"type\":\"C_SE_NB_1\",\"function_code\":49,"
		   "\"function\":\"C_SE_NB_1\",\"dangerous\":\"write\"");
	assert_has(&h, 3, "\"setpoint\":{\"value\":1000,\"select\":false,"
		   "\"qualifier\":0}");
	assert_has(&h, 4, "\"type\":\"C_RP_NA_1\",\"function_code\":105,"
		   "\"function\":\"C_RP_NA_1\",\"dangerous\":\"restart\"");
	assert_has(&h, 5, "\"type\":\"C_CS_NA_1\"");
	assert_lacks(&h, 5, "dangerous");
	assert_int_equal(ps_proto_harness_anomalies(&h, "iec104_invalid_asdu_length"), 0);
	assert_int_equal(ps_proto_harness_anomalies(&h, "iec104_sequence_gap"), 0);
	ps_proto_harness_release(&h);
}

static void test_monitor_sq_and_negative(void **unused)
{
	/* M_ME_NB_1 (11) VSQ 82 (SQ, 2 objects) COT 3 spontaneous, CA 7,
	 * IOA 1, then 2 x (SVA, QDS) */
	static const uint8_t me[] = {
		0x68, 0x13, 0x00, 0x00, 0x00, 0x00,
		0x0b, 0x82, 0x03, 0x00, 0x07, 0x00, 0x01, 0x00, 0x00,
		0x64, 0x00, 0x00, 0xc8, 0x00, 0x00,
	};
	/* negative activation confirmation (COT 0x47) of a C_DC_NA_1, test bit */
	static const uint8_t neg[] = {
		0x68, 0x0e, 0x02, 0x00, 0x00, 0x00,
		0x2e, 0x01, 0xc7, 0x00, 0x01, 0x00, 0x05, 0x00, 0x00, 0x02,
	};
	struct ps_proto_harness h;

	(void)unused;
	start(&h);
	feed(&h, PS_DIR_TOCLIENT, me, sizeof(me));
	feed(&h, PS_DIR_TOCLIENT, neg, sizeof(neg));
	assert_has(&h, 0, "\"type\":\"M_ME_NB_1\",\"function_code\":11,"
		   "\"function\":\"M_ME_NB_1\",\"sq\":true,\"objects\":2,\"cot\":3,"
		   "\"cause\":\"spontaneous\"");
	assert_has(&h, 0, "\"common_address\":7,\"ioa\":1}");
	assert_has(&h, 1, "\"type\":\"C_DC_NA_1\"");
	assert_has(&h, 1, "\"cause\":\"activation_con\",\"negative\":true,"
		   "\"test\":true");
	assert_int_equal(ps_proto_harness_anomalies(&h, "iec104_invalid_asdu_length"), 0);
	ps_proto_harness_release(&h);
}

static void test_chunking_and_sequence(void **unused)
{
	uint8_t two[sizeof(gi) + sizeof(sc_select)];
	struct ps_proto_harness h;
	size_t i;

	(void)unused;
	start(&h);
	for (i = 0; i < sizeof(gi); i++)
		feed(&h, PS_DIR_TOSERVER, gi + i, 1);
	assert_int_equal(ps_proto_harness_nevents(&h), 1);
	/* two APDUs in one chunk: N(S) 0 again, then 1 (a repeat: gap) */
	memcpy(two, gi, sizeof(gi));
	memcpy(two + sizeof(gi), sc_select, sizeof(sc_select));
	feed(&h, PS_DIR_TOSERVER, two, sizeof(two));
	assert_int_equal(ps_proto_harness_nevents(&h), 3);
	assert_has(&h, 2, "\"type\":\"C_SC_NA_1\"");
	assert_int_equal(ps_proto_harness_anomalies(&h, "iec104_sequence_gap"), 1);
	ps_proto_harness_release(&h);
}

static void test_invalid(void **unused)
{
	/* length 2: no APCI fits; U frame with two function bits; then a
	 * good STARTDT after the garbage */
	static const uint8_t bad[] = {0x68, 0x02, 0x07, 0x00, 0x68, 0x04, 0x17,
				      0x00, 0x00, 0x00, 0x99};
	/* C_SC_NA_1 claiming 2 objects but carrying one */
	static const uint8_t short_asdu[] = {
		0x68, 0x0e, 0x00, 0x00, 0x00, 0x00,
		0x2d, 0x02, 0x06, 0x00, 0x01, 0x00, 0x01, 0x60, 0x00, 0x01,
	};
	/* N(S)=2 C_IC_NA_1 with COT 0x3f */
	static const uint8_t cot63[] = {
		0x68, 0x0e, 0x04, 0x00, 0x00, 0x00,
		0x64, 0x01, 0x3f, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x14,
	};
	uint8_t junk[600];
	struct ps_proto_harness h;
	int rc = PS_OK;
	size_t i;

	(void)unused;
	start(&h);
	feed(&h, PS_DIR_TOSERVER, bad, sizeof(bad));
	feed(&h, PS_DIR_TOSERVER, startdt_act, sizeof(startdt_act));
	assert_int_equal(ps_proto_harness_anomalies(&h, "iec104_invalid_apci"), 1);
	assert_int_equal(ps_proto_harness_nevents(&h), 1);
	assert_has(&h, 0, "\"function\":\"startdt_act\"");
	feed(&h, PS_DIR_TOSERVER, short_asdu, sizeof(short_asdu));
	assert_int_equal(ps_proto_harness_anomalies(&h, "iec104_invalid_asdu_length"), 1);
	assert_int_equal(ps_proto_harness_nevents(&h), 2);
	/* cause 63 (6 bits all set, unassigned): named "unknown" */
	feed(&h, PS_DIR_TOSERVER, cot63, sizeof(cot63));
	assert_has(&h, 2, "\"cot\":63,\"cause\":\"unknown\"");
	/* 0x68 followed by nonsense, over and over: give up */
	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)(i & 1 ? 0xff : 0x68);
	for (i = 0; i < 20 && rc == PS_OK; i++)
		rc = ps_proto_harness_feed(&h, PS_DIR_TOSERVER, junk, sizeof(junk));
	assert_int_equal(rc, PS_EPROTO);
	assert_int_equal(ps_proto_harness_anomalies(&h, "iec104_resync_failed"), 1);
	ps_proto_harness_release(&h);
}

static void test_probe(void **unused)
{
	(void)unused;
	assert_int_equal(ps_proto_iec104.probe(startdt_act, sizeof(startdt_act),
					       PS_DIR_TOSERVER), PS_PROBE_YES);
	assert_int_equal(ps_proto_iec104.probe(gi, sizeof(gi), PS_DIR_TOSERVER),
			 PS_PROBE_YES);
	assert_int_equal(ps_proto_iec104.probe(gi, 3, PS_DIR_TOSERVER),
			 PS_PROBE_MORE);
	assert_int_equal(ps_proto_iec104.probe((const uint8_t *)"\x68\x04\x17\x00\x00\x00",
					       6, PS_DIR_TOSERVER), PS_PROBE_NO);
	assert_int_equal(ps_proto_iec104.probe((const uint8_t *)"GET /", 5,
					       PS_DIR_TOSERVER), PS_PROBE_NO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u_s_and_interrogation),
		cmocka_unit_test(test_commands),
		cmocka_unit_test(test_monitor_sq_and_negative),
		cmocka_unit_test(test_chunking_and_sequence),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_probe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
