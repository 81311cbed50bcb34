/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Modbus/TCP parser: request/response pairing by transaction id, function
 * names and dangerous categories, exceptions, stream framing over odd
 * chunking and gaps, malformed headers. Also the shared ICS vocabulary
 * table (proto/ics.c) that every ICS parser writes from.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/core.h"
#include "proto/harness.h"
#include "proto/ics.h"
#include "proto/parsers.h"

/* Read holding registers: tid 1, pid 0, len 6, unit 1, FC 3, addr 0x6b, qty 3 */
static const uint8_t rd_req[] = {
	0x00, 0x01, 0x00, 0x00, 0x00, 0x06, 0x01,
	0x03, 0x00, 0x6b, 0x00, 0x03,
};
/* its response: tid 1, len 9, unit 1, FC 3, 6 bytes: 022b 0000 0064 */
static const uint8_t rd_rsp[] = {
	0x00, 0x01, 0x00, 0x00, 0x00, 0x09, 0x01,
	0x03, 0x06, 0x02, 0x2b, 0x00, 0x00, 0x00, 0x64,
};

static void start(struct ps_proto_harness *h)
{
	assert_int_equal(ps_proto_harness_init(h, &ps_proto_modbus, 6, 502),
			 PS_OK);
}

static void feed(struct ps_proto_harness *h, enum ps_dir d, const void *p,
		 size_t n)
{
	assert_int_equal(ps_proto_harness_feed(h, d, p, n), PS_OK);
}

static void feed_bytewise(struct ps_proto_harness *h, enum ps_dir d,
			  const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		feed(h, d, p + i, 1);
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

static void test_read_pair(void **unused)
{
	struct ps_proto_harness h;

	(void)unused;
	start(&h);
	feed(&h, PS_DIR_TOSERVER, rd_req, sizeof(rd_req));
	assert_int_equal(ps_proto_harness_nevents(&h), 0);
	feed(&h, PS_DIR_TOCLIENT, rd_rsp, sizeof(rd_rsp));
	assert_int_equal(ps_proto_harness_nevents(&h), 1);
	assert_has(&h, 0, "\"event_type\":\"modbus\"");
	assert_has(&h, 0, "\"modbus\":{\"id\":0,\"function_code\":3,"
		   "\"function\":\"read_holding_registers\",\"request\":{"
		   "\"transaction_id\":1,\"protocol_id\":0,\"unit_id\":1,"
		   "\"function_raw\":3,\"function_code\":\"RdHoldRegs\","
		   "\"access_type\":\"READ | HOLDING\","
		   "\"category\":\"PUBLIC_ASSIGNED\",\"error_flags\":\"NONE\","
		   "\"read\":{\"address\":107,\"quantity\":3}},\"response\":{");
	assert_has(&h, 0, "\"read\":{\"data\":\"\\\\x02+\\\\x00\\\\x00\\\\x00d\"}");
	assert_lacks(&h, 0, "dangerous");
	ps_proto_harness_release(&h);
}

/* Each dangerous category once, request alone (flushed at finish). */
static void test_dangerous(void **unused)
{
	/* FC 5 write single coil 0x00ac ON */
	static const uint8_t wr_coil[] = {0x00, 0x02, 0x00, 0x00, 0x00, 0x06,
		0x11, 0x05, 0x00, 0xac, 0xff, 0x00};
	/* FC 16 write 2 registers at 1: 000a 0102 */
	static const uint8_t wr_regs[] = {0x00, 0x03, 0x00, 0x00, 0x00, 0x0b,
		0x11, 0x10, 0x00, 0x01, 0x00, 0x02, 0x04, 0x00, 0x0a, 0x01,
		0x02};
	/* FC 8 sub 0x0004 force listen only mode */
	static const uint8_t listen_only[] = {0x00, 0x04, 0x00, 0x00, 0x00,
		0x06, 0x01, 0x08, 0x00, 0x04, 0x00, 0x00};
	/* FC 8 sub 0x0000 return query data a537 */
	static const uint8_t query[] = {0x00, 0x05, 0x00, 0x00, 0x00, 0x06,
		0x01, 0x08, 0x00, 0x00, 0xa5, 0x37};
	/* FC 90 UMAS, session 0x12, UMAS 0x41 stop PLC */
	static const uint8_t umas_stop[] = {0x00, 0x06, 0x00, 0x00, 0x00, 0x05,
		0x00, 0x5a, 0x12, 0x41, 0xff};
	/* FC 125 firmware replacement (Modicon), no data */
	static const uint8_t fw[] = {0x00, 0x07, 0x00, 0x00, 0x00, 0x02,
		0x01, 0x7d};
	struct ps_proto_harness h;

	(void)unused;
	start(&h);
	feed(&h, PS_DIR_TOSERVER, wr_coil, sizeof(wr_coil));
	feed(&h, PS_DIR_TOSERVER, wr_regs, sizeof(wr_regs));
	feed(&h, PS_DIR_TOSERVER, listen_only, sizeof(listen_only));
	feed(&h, PS_DIR_TOSERVER, query, sizeof(query));
	feed(&h, PS_DIR_TOSERVER, umas_stop, sizeof(umas_stop));
	feed(&h, PS_DIR_TOSERVER, fw, sizeof(fw));
	ps_proto_harness_finish(&h);
	assert_int_equal(ps_proto_harness_nevents(&h), 6);
	assert_has(&h, 0, "\"function_code\":5,\"function\":\"write_single_coil\","
		   "\"dangerous\":\"write\"");
	assert_has(&h, 0, "\"write\":{\"address\":172,\"data\":65280}");
	assert_has(&h, 1, "\"function\":\"write_multiple_registers\","
		   "\"dangerous\":\"write\"");
	assert_has(&h, 1, "\"access_type\":\"WRITE | HOLDING | MULTIPLE | "
		   "WRITE_MULTIPLE\"");
	assert_has(&h, 1, "\"write\":{\"address\":1,\"quantity\":2,"
		   "\"data\":\"\\\\x00\\\\x0a\\\\x01\\\\x02\"}");
	assert_has(&h, 2, "\"function\":\"diagnostics\",\"dangerous\":\"stop\"");
	assert_has(&h, 2, "\"diagnostic\":{\"raw\":4,"
		   "\"code\":\"ForceListenOnlyMode\"");
	assert_has(&h, 3, "\"dangerous\":\"diagnostic\"");
	assert_has(&h, 4, "\"function_code\":90,\"function\":\"umas\","
		   "\"dangerous\":\"stop\"");
	assert_has(&h, 4, "\"umas\":{\"session\":18,\"raw\":65,"
		   "\"code\":\"umas_stop_plc\"");
	assert_has(&h, 5, "\"function\":\"firmware_replacement\","
		   "\"dangerous\":\"firmware\"");
	assert_has(&h, 5, "\"category\":\"RESERVED\"");
	assert_int_equal(ps_proto_harness_anomalies(&h, "modbus_invalid_value"), 0);
	ps_proto_harness_release(&h);
}

static void test_exception(void **unused)
{
	/* exception response to rd_req: FC 0x83, code 02 illegal address */
	static const uint8_t exc[] = {0x00, 0x01, 0x00, 0x00, 0x00, 0x03,
		0x01, 0x83, 0x02};
	struct ps_proto_harness h;

	(void)unused;
	start(&h);
	feed(&h, PS_DIR_TOSERVER, rd_req, sizeof(rd_req));
	feed(&h, PS_DIR_TOCLIENT, exc, sizeof(exc));
	assert_int_equal(ps_proto_harness_nevents(&h), 1);
	assert_has(&h, 0, "\"response\":{\"transaction_id\":1,\"protocol_id\":0,"
		   "\"unit_id\":1,\"function_raw\":131,"
		   "\"function_code\":\"RdHoldRegs\"");
	assert_has(&h, 0, "\"exception\":{\"raw\":2,\"code\":\"IllegalDataAddr\"}");
	ps_proto_harness_release(&h);
}

static void test_bytewise_and_two_in_one(void **unused)
{
	uint8_t two[sizeof(rd_req) * 2];
	struct ps_proto_harness h;

	(void)unused;
	start(&h);
	feed_bytewise(&h, PS_DIR_TOSERVER, rd_req, sizeof(rd_req));
	feed_bytewise(&h, PS_DIR_TOCLIENT, rd_rsp, sizeof(rd_rsp));
	assert_int_equal(ps_proto_harness_nevents(&h), 1);
	assert_has(&h, 0, "\"quantity\":3");

	/* two requests (tid 1 and 2) in one chunk, answered together */
	memcpy(two, rd_req, sizeof(rd_req));
	memcpy(two + sizeof(rd_req), rd_req, sizeof(rd_req));
	two[sizeof(rd_req) + 1] = 2;
	feed(&h, PS_DIR_TOSERVER, two, sizeof(two));
	{
		uint8_t r2[sizeof(rd_rsp) * 2];

		memcpy(r2, rd_rsp, sizeof(rd_rsp));
		memcpy(r2 + sizeof(rd_rsp), rd_rsp, sizeof(rd_rsp));
		r2[1] = 2;   /* answered in the other order */
		feed(&h, PS_DIR_TOCLIENT, r2, sizeof(r2));
	}
	assert_int_equal(ps_proto_harness_nevents(&h), 3);
	assert_has(&h, 1, "\"request\":{\"transaction_id\":2");
	assert_has(&h, 1, "\"response\":{\"transaction_id\":2");
	assert_has(&h, 2, "\"request\":{\"transaction_id\":1");
	assert_int_equal(ps_proto_harness_anomalies(&h, "modbus_unsolicited_response"), 0);
	ps_proto_harness_release(&h);
}

static void test_bad_length(void **unused)
{
	/* MBAP length 0x0500 = 1280: far beyond 254, not Modbus */
	static const uint8_t bad[] = {0x00, 0x01, 0x00, 0x00, 0x05, 0x00,
		0x01, 0x03, 0x00, 0x00};
	/* protocol id 1 */
	static const uint8_t badpid[] = {0x00, 0x01, 0x00, 0x01, 0x00, 0x06,
		0x01, 0x03, 0x00, 0x00, 0x00, 0x01};
	/* FC 3 request with a 2-byte body: short, quantity 0 is also bad */
	static const uint8_t shortreq[] = {0x00, 0x09, 0x00, 0x00, 0x00, 0x04,
		0x01, 0x03, 0x00, 0x00};
	struct ps_proto_harness h;

	(void)unused;
	start(&h);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER, bad,
					       sizeof(bad)), PS_EPROTO);
	assert_int_equal(ps_proto_harness_anomalies(&h, "modbus_invalid_length"), 1);
	ps_proto_harness_release(&h);

	start(&h);
	feed(&h, PS_DIR_TOSERVER, badpid, 3);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER, badpid + 3,
					       sizeof(badpid) - 3), PS_EPROTO);
	assert_int_equal(ps_proto_harness_anomalies(&h, "modbus_invalid_protocol_id"), 1);
	assert_int_equal(ps_proto_harness_nevents(&h), 0);
	ps_proto_harness_release(&h);

	start(&h);
	feed(&h, PS_DIR_TOSERVER, shortreq, sizeof(shortreq));
	ps_proto_harness_finish(&h);
	assert_int_equal(ps_proto_harness_nevents(&h), 1);
	assert_has(&h, 0, "\"error_flags\":\"DATA_LENGTH\"");
	assert_int_equal(ps_proto_harness_anomalies(&h, "modbus_invalid_length"), 1);
	ps_proto_harness_release(&h);
}

static void test_unsolicited_and_pending_cap(void **unused)
{
	uint8_t req[sizeof(rd_req)];
	struct ps_proto_harness h;
	unsigned i;

	(void)unused;
	start(&h);
	feed(&h, PS_DIR_TOCLIENT, rd_rsp, sizeof(rd_rsp));
	assert_int_equal(ps_proto_harness_anomalies(&h, "modbus_unsolicited_response"), 1);
	assert_int_equal(ps_proto_harness_nevents(&h), 1);
	assert_lacks(&h, 0, "\"request\"");
	/* 10 unanswered requests: the table holds 8, 2 are flushed early */
	memcpy(req, rd_req, sizeof(req));
	for (i = 0; i < 10; i++) {
		req[1] = (uint8_t)(10 + i);
		feed(&h, PS_DIR_TOSERVER, req, sizeof(req));
	}
	assert_int_equal(ps_proto_harness_anomalies(&h, "modbus_too_many_pending"), 2);
	assert_int_equal(ps_proto_harness_nevents(&h), 3);
	assert_has(&h, 1, "\"transaction_id\":10");
	ps_proto_harness_finish(&h);
	assert_int_equal(ps_proto_harness_nevents(&h), 11);
	assert_has(&h, 10, "\"transaction_id\":19");
	ps_proto_harness_release(&h);
}

static void test_gap(void **unused)
{
	struct ps_proto_harness h;

	(void)unused;
	start(&h);
	/* 9 bytes of the request (length known), a 2-byte hole, its last byte */
	feed(&h, PS_DIR_TOSERVER, rd_req, 9);
	ps_proto_harness_gap(&h, PS_DIR_TOSERVER, 2);
	feed(&h, PS_DIR_TOSERVER, rd_req + 11, 1);
	assert_int_equal(ps_proto_harness_anomalies(&h, "modbus_gap"), 1);
	/* framing kept: the next request parses */
	feed(&h, PS_DIR_TOSERVER, rd_req, sizeof(rd_req));
	feed(&h, PS_DIR_TOCLIENT, rd_rsp, sizeof(rd_rsp));
	assert_int_equal(ps_proto_harness_nevents(&h), 1);
	/* a hole across PDUs: the next bytes must be a header, here not */
	ps_proto_harness_gap(&h, PS_DIR_TOSERVER, 40);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER, rd_rsp + 3, 9),
			 PS_EPROTO);
	assert_int_equal(ps_proto_harness_anomalies(&h, "modbus_resync_failed"), 1);
	ps_proto_harness_release(&h);
}

static void test_probe(void **unused)
{
	static const uint8_t http[] = "GET / HTTP/1.1\r\n";

	(void)unused;
	assert_int_equal(ps_proto_modbus.probe(rd_req, sizeof(rd_req),
					       PS_DIR_TOSERVER), PS_PROBE_YES);
	assert_int_equal(ps_proto_modbus.probe(rd_req, 5, PS_DIR_TOSERVER),
			 PS_PROBE_MORE);
	assert_int_equal(ps_proto_modbus.probe(http, sizeof(http) - 1,
					       PS_DIR_TOSERVER), PS_PROBE_NO);
	/* an exception function code is not a request */
	{
		uint8_t x[sizeof(rd_req)];

		memcpy(x, rd_req, sizeof(x));
		x[7] = 0x83;
		assert_int_equal(ps_proto_modbus.probe(x, sizeof(x),
						       PS_DIR_TOSERVER), PS_PROBE_NO);
		assert_int_equal(ps_proto_modbus.probe(x, sizeof(x),
						       PS_DIR_TOCLIENT), PS_PROBE_YES);
		x[7] = 0x00;
		assert_int_equal(ps_proto_modbus.probe(x, sizeof(x),
						       PS_DIR_TOSERVER), PS_PROBE_NO);
	}
}

/* The shared vocabulary: sorted for binary search, names unique per space. */
static void test_vocabulary(void **unused)
{
	const struct ps_ics_op *op;
	size_t i, j;

	(void)unused;
	for (i = 1; i < ps_ics_ops_len; i++) {
		const struct ps_ics_op *a = &ps_ics_ops[i - 1], *b = &ps_ics_ops[i];
		unsigned long ka = (unsigned long)a->proto << 24 |
				   (unsigned long)a->space << 16 | a->code;
		unsigned long kb = (unsigned long)b->proto << 24 |
				   (unsigned long)b->space << 16 | b->code;

		if (ka >= kb)
			fail_msg("ps_ics_ops not sorted at %zu (%s)", i, b->name);
	}
	for (i = 0; i < ps_ics_ops_len; i++) {
		op = ps_ics_op_lookup(ps_ics_ops[i].proto, ps_ics_ops[i].space,
				      ps_ics_ops[i].code);
		assert_ptr_equal(op, &ps_ics_ops[i]);
		for (j = i + 1; j < ps_ics_ops_len &&
		     ps_ics_ops[j].proto == ps_ics_ops[i].proto &&
		     ps_ics_ops[j].space == ps_ics_ops[i].space; j++)
			assert_string_not_equal(ps_ics_ops[i].name, ps_ics_ops[j].name);
	}
	assert_null(ps_ics_op_lookup(PS_ALPROTO_MODBUS, PS_ICS_SPACE_FUNC, 99));
	op = ps_ics_op_lookup(PS_ALPROTO_IEC104, PS_ICS_SPACE_FUNC, 45);
	assert_string_equal(op->name, "C_SC_NA_1");
	assert_string_equal(ps_ics_danger_name(op->danger), "write");
	op = ps_ics_op_find_name(PS_ALPROTO_S7COMM, PS_ICS_SPACE_S7_PI, "_DELE", 5);
	assert_non_null(op);
	assert_string_equal(ps_ics_danger_name(op->danger), "program");
	assert_null(ps_ics_op_find_name(PS_ALPROTO_S7COMM, PS_ICS_SPACE_S7_PI,
					"_DEL", 4));
	assert_null(ps_ics_danger_name(PS_ICS_DANGER_NONE));
	assert_null(ps_ics_danger_name(PS_ICS_DANGER__COUNT));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_pair),
		cmocka_unit_test(test_dangerous),
		cmocka_unit_test(test_exception),
		cmocka_unit_test(test_bytewise_and_two_in_one),
		cmocka_unit_test(test_bad_length),
		cmocka_unit_test(test_unsolicited_and_pending_cap),
		cmocka_unit_test(test_gap),
		cmocka_unit_test(test_probe),
		cmocka_unit_test(test_vocabulary),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
