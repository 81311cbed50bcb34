/* SPDX-License-Identifier: Apache-2.0 */
/*
 * BACnet/IP parser: BVLC functions, NPDU routing fields and network layer
 * messages, APDU types and service names, dangerous services (property
 * and file writes, reinitialise, communication control), passwords never
 * written, malformed datagrams.
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

/* BVLC 81 0b (original broadcast) len 12; NPDU v1 ctl 20 (DNET) DNET
 * ffff DLEN 0 hops ff; APDU 10 08: unconfirmed who-is */
static const uint8_t who_is[] = {
	0x81, 0x0b, 0x00, 0x0c, 0x01, 0x20, 0xff, 0xff, 0x00, 0xff,
	0x10, 0x08,
};
/* original unicast len 17; NPDU 01 04 (expecting reply); confirmed
 * request 00, max 05, invoke 1, service 12 readProperty; ctx0 object
 * device,123; ctx1 property 77 (object-name) */
static const uint8_t read_prop[] = {
	0x81, 0x0a, 0x00, 0x11, 0x01, 0x04,
	0x00, 0x05, 0x01, 0x0c, 0x0c, 0x02, 0x00, 0x00, 0x7b, 0x19, 0x4d,
};

static void start(struct ps_proto_harness *h)
{
	assert_int_equal(ps_proto_harness_init(h, &ps_proto_bacnet, 17, 47808),
			 PS_OK);
}

static void feed(struct ps_proto_harness *h, const void *p, size_t n)
{
	assert_int_equal(ps_proto_harness_feed(h, PS_DIR_TOSERVER, p, n), PS_OK);
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

static void test_discovery_and_read(void **unused)
{
	/* I-Am: device,123, max APDU 1476, segmented-both, vendor 15 */
	static const uint8_t i_am[] = {
		0x81, 0x0b, 0x00, 0x14, 0x01, 0x00,
		0x10, 0x00, 0xc4, 0x02, 0x00, 0x00, 0x7b, 0x22, 0x05, 0xc4,
		0x91, 0x00, 0x21, 0x0f,
	};
	/* complex ack invoke 1 readProperty: device,123 object-name "ABC" */
	static const uint8_t ack[] = {
		0x81, 0x0a, 0x00, 0x17, 0x01, 0x00,
		0x30, 0x01, 0x0c, 0x0c, 0x02, 0x00, 0x00, 0x7b, 0x19, 0x4d,
		0x3e, 0x74, 0x00, 0x41, 0x42, 0x43, 0x3f,
	};
	struct ps_proto_harness h;

	(void)unused;
	start(&h);
	feed(&h, who_is, sizeof(who_is));
	feed(&h, i_am, sizeof(i_am));
	feed(&h, read_prop, sizeof(read_prop));
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOCLIENT, ack,
					       sizeof(ack)), PS_OK);
	assert_int_equal(ps_proto_harness_nevents(&h), 4);
	assert_has(&h, 0, "\"bacnet\":{\"bvlc_function\":\"original_broadcast_npdu\","
		   "\"dnet\":65535,\"apdu_type\":\"unconfirmed_request\","
		   "\"service_choice\":8,\"service\":\"who-is\",\"function_code\":8,"
		   "\"function\":\"who-is\"}");
	assert_has(&h, 1, "\"service\":\"i-am\",\"function_code\":0,"
		   "\"function\":\"i-am\",\"device_instance\":123,\"vendor_id\":15}");
	assert_has(&h, 2, "\"bacnet\":{\"bvlc_function\":\"original_unicast_npdu\","
		   "\"apdu_type\":\"confirmed_request\",\"invoke_id\":1,"
		   "\"segmented\":false,\"service_choice\":12,"
		   "\"service\":\"readProperty\",\"function_code\":12,"
		   "\"function\":\"readProperty\",\"object_type\":8,"
		   "\"instance\":123,\"property_id\":77}");
	assert_lacks(&h, 2, "dangerous");
	assert_has(&h, 3, "\"apdu_type\":\"complex_ack\",\"invoke_id\":1,"
		   "\"segmented\":false,\"service_choice\":12");
	ps_proto_harness_release(&h);
}

static void test_dangerous(void **unused)
{
	/* writeProperty invoke 2: analog-value,1 present-value (85)
	 * = REAL 100.0 (ctx3 { 44 42c80000 }), priority 8 */
	static const uint8_t wp[] = {
		0x81, 0x0a, 0x00, 0x1a, 0x01, 0x04,
		0x00, 0x05, 0x02, 0x0f, 0x0c, 0x00, 0x80, 0x00, 0x01, 0x19, 0x55,
		0x3e, 0x44, 0x42, 0xc8, 0x00, 0x00, 0x3f, 0x49, 0x08,
	};
	/* reinitializeDevice invoke 3: ctx0 warmstart (1), ctx1 password:
	 * extended length 9 = UTF-8 marker 00 + "secret12" */
	static const uint8_t reinit[] = {
		0x81, 0x0a, 0x00, 0x17, 0x01, 0x04,
		0x00, 0x05, 0x03, 0x14, 0x09, 0x01, 0x1d, 0x09, 0x00,
		's', 'e', 'c', 'r', 'e', 't', '1', '2',
	};
	/* deviceCommunicationControl invoke 4: ctx1 disable (1) */
	static const uint8_t dcc[] = {
		0x81, 0x0a, 0x00, 0x0c, 0x01, 0x04,
		0x00, 0x05, 0x04, 0x11, 0x19, 0x01,
	};
	/* atomicWriteFile invoke 5: file,1; stream access { start 0, data } */
	static const uint8_t awf[] = {
		0x81, 0x0a, 0x00, 0x19, 0x01, 0x04,
		0x00, 0x05, 0x05, 0x07, 0xc4, 0x02, 0x80, 0x00, 0x01,
		0x0e, 0x31, 0x00, 0x65, 0x04, 0xde, 0xad, 0xbe, 0xef, 0x0f,
	};
	/* the simple ack of the writeProperty: answers it, not dangerous */
	static const uint8_t sack[] = {0x81, 0x0a, 0x00, 0x09, 0x01, 0x00,
				       0x20, 0x02, 0x0f};
	struct ps_proto_harness h;

	(void)unused;
	start(&h);
	feed(&h, wp, sizeof(wp));
	feed(&h, reinit, sizeof(reinit));
	feed(&h, dcc, sizeof(dcc));
	feed(&h, awf, sizeof(awf));
	feed(&h, sack, sizeof(sack));
	assert_int_equal(ps_proto_harness_nevents(&h), 5);
	assert_has(&h, 0, "\"function_code\":15,\"function\":\"writeProperty\","
		   "\"dangerous\":\"write\",\"object_type\":2,\"instance\":1,"
		   "\"property_id\":85,\"priority\":8}");
	assert_has(&h, 1, "\"function\":\"reinitializeDevice\","
		   "\"dangerous\":\"restart\",\"reinitialized_state\":1,"
		   "\"password\":\"********\",\"password_len\":8}");
	assert_lacks(&h, 1, "secret");
	assert_has(&h, 2, "\"function\":\"deviceCommunicationControl\","
		   "\"dangerous\":\"control\",\"enable_disable\":1}");
	assert_has(&h, 3, "\"function\":\"atomicWriteFile\","
		   "\"dangerous\":\"firmware\",\"object_type\":10,\"instance\":1}");
	assert_has(&h, 4, "\"apdu_type\":\"simple_ack\",\"invoke_id\":2,"
		   "\"service_choice\":15,\"service\":\"writeProperty\"");
	assert_lacks(&h, 4, "dangerous");
	ps_proto_harness_release(&h);
}

static void test_errors_and_network(void **unused)
{
	/* error invoke 1 writeProperty: class 2 (property), code 40 */
	static const uint8_t err[] = {0x81, 0x0a, 0x00, 0x0d, 0x01, 0x00,
				      0x50, 0x01, 0x0f, 0x91, 0x02, 0x91, 0x28};
	/* reject invoke 1 reason 9; abort invoke 2 reason 4 */
	static const uint8_t rej[] = {0x81, 0x0a, 0x00, 0x09, 0x01, 0x00,
				      0x60, 0x01, 0x09};
	static const uint8_t abrt[] = {0x81, 0x0a, 0x00, 0x09, 0x01, 0x00,
				       0x70, 0x02, 0x04};
	/* network layer message 00: who-is-router-to-network */
	static const uint8_t wirtn[] = {0x81, 0x0b, 0x00, 0x07, 0x01, 0x80, 0x00};
	/* BVLL only: register foreign device, TTL 60; write BDT (empty) */
	static const uint8_t reg[] = {0x81, 0x05, 0x00, 0x06, 0x00, 0x3c};
	static const uint8_t wbdt[] = {0x81, 0x01, 0x00, 0x04};
	/* forwarded NPDU from 192.168.1.2:47808 carrying a who-is */
	static const uint8_t fwd[] = {0x81, 0x04, 0x00, 0x0e,
				      0xc0, 0xa8, 0x01, 0x02, 0xba, 0xc0,
				      0x01, 0x00, 0x10, 0x08};
	struct ps_proto_harness h;

	(void)unused;
	start(&h);
	feed(&h, err, sizeof(err));
	feed(&h, rej, sizeof(rej));
	feed(&h, abrt, sizeof(abrt));
	feed(&h, wirtn, sizeof(wirtn));
	feed(&h, reg, sizeof(reg));
	feed(&h, wbdt, sizeof(wbdt));
	feed(&h, fwd, sizeof(fwd));
	assert_int_equal(ps_proto_harness_nevents(&h), 7);
	assert_has(&h, 0, "\"apdu_type\":\"error\",\"invoke_id\":1,"
		   "\"service_choice\":15,\"service\":\"writeProperty\","
		   "\"function_code\":15,\"function\":\"writeProperty\","
		   "\"error_class\":2,\"error_code\":40}");
	assert_lacks(&h, 0, "dangerous");
	assert_has(&h, 1, "\"apdu_type\":\"reject\",\"invoke_id\":1,\"reason\":9,"
		   "\"function_code\":6,\"function\":\"reject\"");
	assert_has(&h, 2, "\"apdu_type\":\"abort\",\"invoke_id\":2,\"reason\":4");
	assert_has(&h, 3, "\"message\":\"network\",\"function_code\":0,"
		   "\"function\":\"who-is-router-to-network\"");
	assert_has(&h, 4, "\"bvlc_function\":\"register_foreign_device\","
		   "\"function_code\":5,\"function\":\"register_foreign_device\"");
	assert_has(&h, 5, "\"function\":\"write_bdt\",\"dangerous\":\"control\"");
	assert_has(&h, 6, "\"bvlc_function\":\"forwarded_npdu\","
		   "\"apdu_type\":\"unconfirmed_request\",\"service_choice\":8");
	ps_proto_harness_release(&h);
}

static void test_malformed(void **unused)
{
	static const uint8_t not_bvlc[] = {0x45, 0x00, 0x00, 0x04};
	/* BVLC length 0x20 but 12 bytes sent */
	static const uint8_t long_len[] = {0x81, 0x0b, 0x00, 0x20, 0x01, 0x20,
					   0xff, 0xff, 0x00, 0xff, 0x10, 0x08};
	/* NPDU version 2 */
	static const uint8_t bad_npdu[] = {0x81, 0x0a, 0x00, 0x08, 0x02, 0x00,
					   0x10, 0x08};
	/* APDU type 9 */
	static const uint8_t bad_apdu[] = {0x81, 0x0a, 0x00, 0x08, 0x01, 0x00,
					   0x90, 0x08};
	/* DNET with a DLEN running past the end */
	static const uint8_t bad_dlen[] = {0x81, 0x0a, 0x00, 0x09, 0x01, 0x20,
					   0x00, 0x05, 0x09};
	/* BVLC length field smaller than the datagram: parse up to it */
	uint8_t pad[sizeof(who_is) + 3];
	struct ps_proto_harness h;

	(void)unused;
	start(&h);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER, not_bvlc,
					       sizeof(not_bvlc)), PS_EPROTO);
	assert_int_equal(ps_proto_harness_anomalies(&h, "bacnet_invalid_bvlc"), 1);
	ps_proto_harness_release(&h);

	start(&h);
	feed(&h, who_is, sizeof(who_is));
	feed(&h, not_bvlc, sizeof(not_bvlc));   /* noise on a BACnet flow */
	feed(&h, long_len, sizeof(long_len));
	feed(&h, bad_npdu, sizeof(bad_npdu));
	feed(&h, bad_apdu, sizeof(bad_apdu));
	feed(&h, bad_dlen, sizeof(bad_dlen));
	memcpy(pad, who_is, sizeof(who_is));
	memset(pad + sizeof(who_is), 0xee, 3);
	feed(&h, pad, sizeof(pad));
	assert_int_equal(ps_proto_harness_anomalies(&h, "bacnet_invalid_bvlc"), 2);
	assert_int_equal(ps_proto_harness_anomalies(&h, "bacnet_invalid_npdu"), 2);
	assert_int_equal(ps_proto_harness_anomalies(&h, "bacnet_invalid_apdu"), 1);
	assert_int_equal(ps_proto_harness_anomalies(&h, "bacnet_invalid_length"), 1);
	assert_int_equal(ps_proto_harness_nevents(&h), 5);
	assert_has(&h, 4, "\"service\":\"who-is\"");
	ps_proto_harness_release(&h);
}

static void test_probe(void **unused)
{
	(void)unused;
	assert_int_equal(ps_proto_bacnet.probe(who_is, sizeof(who_is),
					       PS_DIR_TOSERVER), PS_PROBE_YES);
	assert_int_equal(ps_proto_bacnet.probe(who_is, 3, PS_DIR_TOSERVER),
			 PS_PROBE_NO);
	assert_int_equal(ps_proto_bacnet.probe((const uint8_t *)"\x81\x20\x00\x04",
					       4, PS_DIR_TOSERVER), PS_PROBE_NO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_discovery_and_read),
		cmocka_unit_test(test_dangerous),
		cmocka_unit_test(test_errors_and_network),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_probe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
