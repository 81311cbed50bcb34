/* SPDX-License-Identifier: Apache-2.0 */
/*
 * DNS parser: every rendered RR type, compression pointers and their
 * abuse (loops, forward pointers, names over 255 octets), truncation,
 * EDNS, TCP framing split across chunks, gaps and content probing.
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

/* The "dns" object of event i, without the EVE header. */
static const char *dns_obj(const struct ps_proto_harness *h, size_t i)
{
	const char *ev = ps_proto_harness_event(h, i);
	const char *p = ev ? strstr(ev, "\"dns\":{") : NULL;

	assert_non_null(p);
	return p + 6;
}

static void expect_dns(const struct ps_proto_harness *h, size_t i,
		       const char *want)
{
	const char *got = dns_obj(h, i);
	size_t n = strlen(got);

	/* the event ends with the dns object's brace and the top-level one */
	assert_true(n >= 2);
	if (strlen(want) != n - 1 || strncmp(got, want, n - 1) != 0)
		fprintf(stderr, "want %s\ngot  %.*s\n", want, (int)(n - 1), got);
	assert_int_equal(strlen(want), n - 1);
	assert_memory_equal(got, want, n - 1);
}

static void udp_init(struct ps_proto_harness *h)
{
	assert_int_equal(ps_proto_harness_init(h, &ps_proto_dns, 17, 53), PS_OK);
}

/* A standard query for example.com/A with EDNS and a client subnet. */
static const uint8_t query_a[] = {
	0x12, 0x34,             /* id 0x1234 */
	0x01, 0x00,             /* flags: RD */
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, /* qd 1, ar 1 */
	/* 12: example.com */
	0x07, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0x03, 'c', 'o', 'm', 0x00,
	0x00, 0x01, 0x00, 0x01, /* type A, class IN */
	/* OPT: root name, type 41, udp size 1232, ext rcode 0, version 0,
	 * flags 0 (DO clear), rdlen 11 */
	0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0b,
	/* option 8 (client subnet), len 7: family 1, /24, scope 0, 10.1.2 */
	0x00, 0x08, 0x00, 0x07, 0x00, 0x01, 0x18, 0x00, 0x0a, 0x01, 0x02,
};

static void test_query(void **unused)
{
	struct ps_proto_harness h;

	(void)unused;
	udp_init(&h);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER, query_a,
					       sizeof(query_a)), PS_OK);
	assert_int_equal(ps_proto_harness_nevents(&h), 1);
	assert_non_null(strstr(ps_proto_harness_event(&h, 0),
			       "\"event_type\":\"dns\""));
	expect_dns(&h, 0, "{\"version\":3,\"type\":\"request\",\"tx_id\":0,"
		"\"id\":4660,\"flags\":\"100\",\"rd\":true,\"opcode\":0,"
		"\"rcode\":\"NOERROR\",\"queries\":[{\"rrname\":\"example.com\","
		"\"rrtype\":\"A\"}],\"edns\":{\"version\":0,"
		"\"udp_payload_size\":1232,\"do\":false,\"ext_rcode\":0,"
		"\"options\":[{\"code\":8,\"len\":7,\"data\":\"000118000a0102\"}]}}");
	/* the same datagram again is the flow's second transaction */
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER, query_a,
					       sizeof(query_a)), PS_OK);
	assert_non_null(strstr(dns_obj(&h, 1), "\"tx_id\":1,"));
	/* each question is given to intelligence matching */
	assert_int_equal(ps_proto_harness_observed(&h, "dns.query=example.com"), 2);
	ps_proto_harness_release(&h);
}

/* A response with one record of most rendered types, all compressed. */
static const uint8_t response_many[] = {
	0xbe, 0xef,             /* id 48879 */
	0x81, 0x80,             /* QR RD RA, NOERROR */
	0x00, 0x01, 0x00, 0x09, 0x00, 0x01, 0x00, 0x02, /* qd 1 an 9 ns 1 ar 2 */
	/* 12: example.com, A, IN */
	0x07, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0x03, 'c', 'o', 'm', 0x00,
	0x00, 0x01, 0x00, 0x01,
	/* 29: example.com A ttl 300 -> 93.184.216.34 */
	0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2c, 0x00, 0x04,
	0x5d, 0xb8, 0xd8, 0x22,
	/* 45: AAAA -> 2606:2800:220:1:248:1893:25c8:1946 */
	0xc0, 0x0c, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2c, 0x00, 0x10,
	0x26, 0x06, 0x28, 0x00, 0x02, 0x20, 0x00, 0x01,
	0x02, 0x48, 0x18, 0x93, 0x25, 0xc8, 0x19, 0x46,
	/* 73: www + ptr example.com, CNAME ttl 60 -> ptr example.com */
	0x03, 'w', 'w', 'w', 0xc0, 0x0c, 0x00, 0x05, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x3c, 0x00, 0x02, 0xc0, 0x0c,
	/* 91: MX rdlen 9: preference 10, 105: mail + ptr example.com */
	0xc0, 0x0c, 0x00, 0x0f, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2c, 0x00, 0x09,
	0x00, 0x0a, 0x04, 'm', 'a', 'i', 'l', 0xc0, 0x0c,
	/* 112: TXT rdlen 8: two strings "a=b" "xyz" */
	0xc0, 0x0c, 0x00, 0x10, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2c, 0x00, 0x08,
	0x03, 'a', '=', 'b', 0x03, 'x', 'y', 'z',
	/* 132: _sip + ptr, SRV rdlen 8: prio 1, weight 5, port 5060,
	 * target ptr 105 (mail.example.com) */
	0x04, '_', 's', 'i', 'p', 0xc0, 0x0c, 0x00, 0x21, 0x00, 0x01,
	0x00, 0x00, 0x01, 0x2c, 0x00, 0x08,
	0x00, 0x01, 0x00, 0x05, 0x13, 0xc4, 0xc0, 0x69,
	/* 157: CAA rdlen 22: flags 0, tag "issue", value "letsencrypt.org" */
	0xc0, 0x0c, 0x01, 0x01, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2c, 0x00, 0x16,
	0x00, 0x05, 'i', 's', 's', 'u', 'e',
	'l', 'e', 't', 's', 'e', 'n', 'c', 'r', 'y', 'p', 't', '.', 'o', 'r', 'g',
	/* 191: HTTPS rdlen 21: priority 1, target root, alpn (key 1, len 6)
	 * "h2" "h3", ipv4hint (key 4, len 4) 93.184.216.34 */
	0xc0, 0x0c, 0x00, 0x41, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2c, 0x00, 0x15,
	0x00, 0x01, 0x00,
	0x00, 0x01, 0x00, 0x06, 0x02, 'h', '2', 0x02, 'h', '3',
	0x00, 0x04, 0x00, 0x04, 0x5d, 0xb8, 0xd8, 0x22,
	/* 224: unknown type 65280, ttl 0, rdlen 3 */
	0xc0, 0x0c, 0xff, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03,
	0x01, 0x02, 0x03,
	/* 239: authority SOA ttl 3600 rdlen 38: 251: ns + ptr,
	 * 256: hostmaster + ptr, serial 2024010101, refresh 7200,
	 * retry 3600, expire 1209600, minimum 300 */
	0xc0, 0x0c, 0x00, 0x06, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x26,
	0x02, 'n', 's', 0xc0, 0x0c,
	0x0a, 'h', 'o', 's', 't', 'm', 'a', 's', 't', 'e', 'r', 0xc0, 0x0c,
	0x78, 0xa3, 0xf1, 0x75, 0x00, 0x00, 0x1c, 0x20, 0x00, 0x00, 0x0e, 0x10,
	0x00, 0x12, 0x75, 0x00, 0x00, 0x00, 0x01, 0x2c,
	/* 289: additional: ptr 251 (ns.example.com) A -> 192.0.2.1 */
	0xc0, 0xfb, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2c, 0x00, 0x04,
	0xc0, 0x00, 0x02, 0x01,
	/* 305: OPT udp 4096, DO set, rdlen 8: cookie (10) len 4 deadbeef */
	0x00, 0x00, 0x29, 0x10, 0x00, 0x00, 0x00, 0x80, 0x00, 0x00, 0x08,
	0x00, 0x0a, 0x00, 0x04, 0xde, 0xad, 0xbe, 0xef,
};

static void test_response_types(void **unused)
{
	struct ps_proto_harness h;

	(void)unused;
	udp_init(&h);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOCLIENT,
		response_many, sizeof(response_many)), PS_OK);
	assert_int_equal(ps_proto_harness_nevents(&h), 1);
	/* answers go to intelligence matching; a response's question not */
	assert_int_equal(ps_proto_harness_observed(&h, "dns.answer=5db8d822"), 1);
	assert_int_equal(ps_proto_harness_observed(&h,
		"dns.answer=26062800022000010248189325c81946"), 1);
	assert_int_equal(ps_proto_harness_observed(&h, "dns.query=example.com"), 0);
	expect_dns(&h, 0, "{\"version\":3,\"type\":\"response\",\"tx_id\":0,"
		"\"id\":48879,\"flags\":\"8180\",\"qr\":true,\"rd\":true,"
		"\"ra\":true,\"opcode\":0,\"rcode\":\"NOERROR\","
		"\"queries\":[{\"rrname\":\"example.com\",\"rrtype\":\"A\"}],"
		"\"answers\":["
		"{\"rrname\":\"example.com\",\"rrtype\":\"A\",\"ttl\":300,"
		"\"rdata\":\"93.184.216.34\"},"
		"{\"rrname\":\"example.com\",\"rrtype\":\"AAAA\",\"ttl\":300,"
		"\"rdata\":\"2606:2800:220:1:248:1893:25c8:1946\"},"
		"{\"rrname\":\"www.example.com\",\"rrtype\":\"CNAME\",\"ttl\":60,"
		"\"rdata\":\"example.com\"},"
		"{\"rrname\":\"example.com\",\"rrtype\":\"MX\",\"ttl\":300,"
		"\"rdata\":\"mail.example.com\",\"mx\":{\"preference\":10,"
		"\"exchange\":\"mail.example.com\"}},"
		"{\"rrname\":\"example.com\",\"rrtype\":\"TXT\",\"ttl\":300,"
		"\"rdata\":\"a=b\"},"
		"{\"rrname\":\"example.com\",\"rrtype\":\"TXT\",\"ttl\":300,"
		"\"rdata\":\"xyz\"},"
		"{\"rrname\":\"_sip.example.com\",\"rrtype\":\"SRV\",\"ttl\":300,"
		"\"srv\":{\"priority\":1,\"weight\":5,\"port\":5060,"
		"\"name\":\"mail.example.com\"}},"
		"{\"rrname\":\"example.com\",\"rrtype\":\"CAA\",\"ttl\":300,"
		"\"caa\":{\"flags\":0,\"tag\":\"issue\","
		"\"value\":\"letsencrypt.org\"}},"
		"{\"rrname\":\"example.com\",\"rrtype\":\"HTTPS\",\"ttl\":300,"
		"\"svcb\":{\"priority\":1,\"target\":\"\",\"alpn\":[\"h2\",\"h3\"],"
		"\"ipv4hint\":[\"93.184.216.34\"]}},"
		"{\"rrname\":\"example.com\",\"rrtype\":\"TYPE65280\",\"ttl\":0,"
		"\"rdlength\":3}],"
		"\"authorities\":[{\"rrname\":\"example.com\",\"rrtype\":\"SOA\","
		"\"ttl\":3600,\"soa\":{\"mname\":\"ns.example.com\","
		"\"rname\":\"hostmaster.example.com\",\"serial\":2024010101,"
		"\"refresh\":7200,\"retry\":3600,\"expire\":1209600,"
		"\"minimum\":300}}],"
		"\"additionals\":[{\"rrname\":\"ns.example.com\",\"rrtype\":\"A\","
		"\"ttl\":300,\"rdata\":\"192.0.2.1\"}],"
		"\"edns\":{\"version\":0,\"udp_payload_size\":4096,\"do\":true,"
		"\"ext_rcode\":0,\"options\":[{\"code\":10,\"len\":4,"
		"\"data\":\"deadbeef\"}]}}");
	assert_int_equal(ps_vec_len(&h.anomalies), 0);
	ps_proto_harness_release(&h);
}

/* PTR, NAPTR, DS, SSHFP, DNAME and an A record with a bad length. */
static const uint8_t response_more[] = {
	0x01, 0x02,             /* id 258 */
	0x85, 0x80,             /* QR AA RD RA */
	0x00, 0x01, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00, /* qd 1 an 6 */
	/* 12: 4.3.2.1.in-addr.arpa PTR IN */
	0x01, '4', 0x01, '3', 0x01, '2', 0x01, '1',
	0x07, 'i', 'n', '-', 'a', 'd', 'd', 'r', 0x04, 'a', 'r', 'p', 'a', 0x00,
	0x00, 0x0c, 0x00, 0x01,
	/* 38: PTR ttl 3600 rdlen 11 -> 50: host.test (55: test) */
	0xc0, 0x0c, 0x00, 0x0c, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x0b,
	0x04, 'h', 'o', 's', 't', 0x04, 't', 'e', 's', 't', 0x00,
	/* 61: NAPTR ttl 60 rdlen 30: order 100, preference 10, flags "u",
	 * services "E2U+sip", regexp "!^.*$!sip:a@b!", replacement root */
	0xc0, 0x0c, 0x00, 0x23, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x1e,
	0x00, 0x64, 0x00, 0x0a, 0x01, 'u', 0x07, 'E', '2', 'U', '+', 's', 'i', 'p',
	0x0e, '!', '^', '.', '*', '$', '!', 's', 'i', 'p', ':', 'a', '@', 'b', '!',
	0x00,
	/* 103: DS rdlen 8: key tag 12345, algorithm 8, digest type 2, aabbccdd */
	0xc0, 0x0c, 0x00, 0x2b, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x08,
	0x30, 0x39, 0x08, 0x02, 0xaa, 0xbb, 0xcc, 0xdd,
	/* 123: SSHFP rdlen 6: algorithm 4, type 2, fingerprint 01020304 */
	0xc0, 0x0c, 0x00, 0x2c, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x06,
	0x04, 0x02, 0x01, 0x02, 0x03, 0x04,
	/* 141: DNAME rdlen 2 -> ptr 55 (test) */
	0xc0, 0x0c, 0x00, 0x27, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x02,
	0xc0, 0x37,
	/* 155: A with rdlen 3: malformed, logged without rdata */
	0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x03,
	0x01, 0x02, 0x03,
};

static void test_response_more(void **unused)
{
	struct ps_proto_harness h;

	(void)unused;
	udp_init(&h);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOCLIENT,
		response_more, sizeof(response_more)), PS_OK);
	expect_dns(&h, 0, "{\"version\":3,\"type\":\"response\",\"tx_id\":0,"
		"\"id\":258,\"flags\":\"8580\",\"qr\":true,\"aa\":true,"
		"\"rd\":true,\"ra\":true,\"opcode\":0,\"rcode\":\"NOERROR\","
		"\"queries\":[{\"rrname\":\"4.3.2.1.in-addr.arpa\","
		"\"rrtype\":\"PTR\"}],\"answers\":["
		"{\"rrname\":\"4.3.2.1.in-addr.arpa\",\"rrtype\":\"PTR\","
		"\"ttl\":3600,\"rdata\":\"host.test\"},"
		"{\"rrname\":\"4.3.2.1.in-addr.arpa\",\"rrtype\":\"NAPTR\","
		"\"ttl\":60,\"naptr\":{\"order\":100,\"preference\":10,"
		"\"flags\":\"u\",\"services\":\"E2U+sip\","
		"\"regexp\":\"!^.*$!sip:a@b!\",\"replacement\":\"\"}},"
		"{\"rrname\":\"4.3.2.1.in-addr.arpa\",\"rrtype\":\"DS\","
		"\"ttl\":3600,\"ds\":{\"key_tag\":12345,\"algorithm\":8,"
		"\"digest_type\":2,\"digest\":\"aabbccdd\"}},"
		"{\"rrname\":\"4.3.2.1.in-addr.arpa\",\"rrtype\":\"SSHFP\","
		"\"ttl\":3600,\"sshfp\":{\"fingerprint\":\"01:02:03:04\","
		"\"algo\":4,\"type\":2}},"
		"{\"rrname\":\"4.3.2.1.in-addr.arpa\",\"rrtype\":\"DNAME\","
		"\"ttl\":3600,\"rdata\":\"test\"},"
		"{\"rrname\":\"4.3.2.1.in-addr.arpa\",\"rrtype\":\"A\","
		"\"ttl\":60}]}");
	assert_int_equal(ps_proto_harness_anomalies(&h, "dns_rdata_malformed"), 1);
	ps_proto_harness_release(&h);
}

/* NXDOMAIN for a root query: the root name is "" as Suricata has it. */
static const uint8_t nxdomain_root[] = {
	0x00, 0x07, 0x81, 0x83, /* id 7, QR RD RA, rcode 3 */
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x02, 0x00, 0x01,   /* root, NS, IN */
};

static void test_rcode_root(void **unused)
{
	struct ps_proto_harness h;

	(void)unused;
	udp_init(&h);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOCLIENT,
		nxdomain_root, sizeof(nxdomain_root)), PS_OK);
	expect_dns(&h, 0, "{\"version\":3,\"type\":\"response\",\"tx_id\":0,"
		"\"id\":7,\"flags\":\"8183\",\"qr\":true,\"rd\":true,"
		"\"ra\":true,\"opcode\":0,\"rcode\":\"NXDOMAIN\","
		"\"queries\":[{\"rrname\":\"\",\"rrtype\":\"NS\"}]}");
	ps_proto_harness_release(&h);
}

/* Question names that must not produce an event. */
static void test_bad_question(void **unused)
{
	static const uint8_t hdr[] = {
		0xab, 0xcd, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	/* 12: "abc" then a pointer at 16 back to 12: a loop */
	static const uint8_t loop[] = {0x03, 'a', 'b', 'c', 0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01};
	/* 12: pointer forward to 20 */
	static const uint8_t fwd[] = {0xc0, 0x14, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00};
	/* 12: pointer to itself */
	static const uint8_t self[] = {0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01};
	/* 12: label type 01 (extended label, RFC 6891 section 5) */
	static const uint8_t ext[] = {0x41, 0x00, 0x00, 0x01, 0x00, 0x01};
	/* 12: label of 5 with 2 bytes left */
	static const uint8_t shortl[] = {0x05, 'a', 'b'};
	struct {
		const uint8_t *p;
		size_t n;
		const char *anomaly;
	} cases[] = {
		{loop, sizeof(loop), "dns_name_loop"},
		{fwd, sizeof(fwd), "dns_name_bad_pointer"},
		{self, sizeof(self), "dns_name_bad_pointer"},
		{ext, sizeof(ext), "dns_malformed"},
		{shortl, sizeof(shortl), "dns_truncated"},
	};
	struct ps_proto_harness h;
	uint8_t msg[64];

	(void)unused;
	for (size_t i = 0; i < PS_ARRAY_LEN(cases); i++) {
		udp_init(&h);
		memcpy(msg, hdr, sizeof(hdr));
		memcpy(msg + sizeof(hdr), cases[i].p, cases[i].n);
		assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER, msg,
				 sizeof(hdr) + cases[i].n), PS_OK);
		assert_int_equal(ps_proto_harness_nevents(&h), 0);
		assert_int_equal(ps_proto_harness_anomalies(&h, cases[i].anomaly), 1);
		ps_proto_harness_release(&h);
	}
	/* a message shorter than its header */
	udp_init(&h);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER, hdr, 11), PS_OK);
	assert_int_equal(ps_proto_harness_nevents(&h), 0);
	assert_int_equal(ps_proto_harness_anomalies(&h, "dns_truncated"), 1);
	ps_proto_harness_release(&h);
}

/* Bad names in the records still give an event with the questions. */
static const uint8_t answer_loop[] = {
	0x00, 0x09, 0x81, 0x80, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00,
	0x01, 'a', 0x00, 0x00, 0x01, 0x00, 0x01,        /* 12: a, A, IN */
	/* 19: answer 1 is fine: ptr 12 A 10.0.0.1 */
	0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x04,
	0x0a, 0x00, 0x00, 0x01,
	/* 35: answer 2's name: label "x" then a pointer to 35: loop */
	0x01, 'x', 0xc0, 0x23, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x0a,
	0x00, 0x04, 0x0a, 0x00, 0x00, 0x02,
};

static void test_answer_loop(void **unused)
{
	struct ps_proto_harness h;

	(void)unused;
	udp_init(&h);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOCLIENT,
		answer_loop, sizeof(answer_loop)), PS_OK);
	assert_int_equal(ps_proto_harness_nevents(&h), 1);
	expect_dns(&h, 0, "{\"version\":3,\"type\":\"response\",\"tx_id\":0,"
		"\"id\":9,\"flags\":\"8180\",\"qr\":true,\"rd\":true,"
		"\"ra\":true,\"opcode\":0,\"rcode\":\"NOERROR\","
		"\"queries\":[{\"rrname\":\"a\",\"rrtype\":\"A\"}],"
		"\"answers\":[{\"rrname\":\"a\",\"rrtype\":\"A\",\"ttl\":10,"
		"\"rdata\":\"10.0.0.1\"}]}");
	assert_int_equal(ps_proto_harness_anomalies(&h, "dns_name_loop"), 1);
	ps_proto_harness_release(&h);
}

/* Five labels of 63 bytes are 321 octets: the name is cut after three. */
static void test_name_too_long(void **unused)
{
	static const uint8_t hdr[] = {
		0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	struct ps_proto_harness h;
	uint8_t msg[12 + 5 * 64 + 1 + 4];
	char want[200];
	size_t off = sizeof(hdr);

	(void)unused;
	memcpy(msg, hdr, sizeof(hdr));
	for (int i = 0; i < 5; i++) {
		msg[off++] = 63;
		memset(msg + off, 'a' + i, 63);
		off += 63;
	}
	msg[off++] = 0;
	memcpy(msg + off, "\x00\x10\x00\x01", 4);       /* TXT, IN */
	off += 4;
	udp_init(&h);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER, msg, off), PS_OK);
	assert_int_equal(ps_proto_harness_nevents(&h), 1);
	memset(want, 'a', 63);
	want[63] = '.';
	memset(want + 64, 'b', 63);
	want[127] = '.';
	memset(want + 128, 'c', 63);
	want[191] = '\0';
	assert_non_null(strstr(dns_obj(&h, 0), want));
	assert_null(strstr(dns_obj(&h, 0), "dddd"));
	assert_non_null(strstr(dns_obj(&h, 0), "\",\"rrname_truncated\":true,"
			       "\"rrtype\":\"TXT\"}"));
	assert_int_equal(ps_proto_harness_anomalies(&h, "dns_name_too_long"), 1);
	ps_proto_harness_release(&h);
}

/* An answer count larger than the records present. */
static void test_truncated(void **unused)
{
	struct ps_proto_harness h;
	uint8_t msg[sizeof(answer_loop)];

	(void)unused;
	/* answer_loop cut inside the name of its second record */
	memcpy(msg, answer_loop, sizeof(msg));
	udp_init(&h);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOCLIENT, msg, 37), PS_OK);
	assert_int_equal(ps_proto_harness_nevents(&h), 1);
	assert_non_null(strstr(dns_obj(&h, 0), "\"rdata\":\"10.0.0.1\"}]}"));
	assert_int_equal(ps_proto_harness_anomalies(&h, "dns_truncated"), 1);
	/* record data running past the end */
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOCLIENT, msg, 33), PS_OK);
	assert_int_equal(ps_proto_harness_nevents(&h), 2);
	assert_null(strstr(dns_obj(&h, 1), "answers"));
	assert_int_equal(ps_proto_harness_anomalies(&h, "dns_truncated"), 2);
	/* trailing bytes after the last section */
	memcpy(msg, query_a, sizeof(query_a));
	msg[sizeof(query_a)] = 0xff;
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER, msg,
					       sizeof(query_a) + 1), PS_OK);
	assert_int_equal(ps_proto_harness_nevents(&h), 3);
	assert_int_equal(ps_proto_harness_anomalies(&h, "dns_trailing_bytes"), 1);
	ps_proto_harness_release(&h);
}

/* 600 questions, all pointers to the first name: 500 are written. */
static void test_too_many(void **unused)
{
	static uint8_t msg[2 + 12 + 8 + 599 * 6];
	struct ps_proto_harness h;
	size_t off = 2, n = 0;
	const char *p;

	(void)unused;
	/* TCP length prefix, then id 1, RD, qd 600 */
	msg[0] = (uint8_t)((sizeof(msg) - 2) >> 8);
	msg[1] = (uint8_t)(sizeof(msg) - 2);
	assert_int_equal(sizeof(msg) - 2, 3614);
	memcpy(msg + off, "\x00\x01\x01\x00\x02\x58\x00\x00\x00\x00\x00\x00", 12);
	off += 12;
	/* 12: "ab", A, IN; then 599 times: pointer to 12, A, IN */
	memcpy(msg + off, "\x02" "ab" "\x00\x00\x01\x00\x01", 8);
	off += 8;
	for (int i = 1; i < 600; i++) {
		memcpy(msg + off, "\xc0\x0c\x00\x01\x00\x01", 6);
		off += 6;
	}
	assert_int_equal(ps_proto_harness_init(&h, &ps_proto_dns, 6, 53), PS_OK);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER, msg, off), PS_OK);
	assert_int_equal(ps_proto_harness_nevents(&h), 1);
	for (p = dns_obj(&h, 0); (p = strstr(p, "\"rrname\":\"ab\"")); p++)
		n++;
	assert_int_equal(n, 500);
	assert_int_equal(ps_proto_harness_anomalies(&h, "dns_too_many_records"), 1);
	ps_proto_harness_release(&h);
}

/* TCP: length prefixes split across chunks, two messages in one chunk. */
static void test_tcp_framing(void **unused)
{
	struct ps_proto_harness h;
	uint8_t stream[2 * (2 + sizeof(query_a)) + 2 + sizeof(nxdomain_root)];
	size_t q = sizeof(query_a), off = 0;

	(void)unused;
	/* three messages: query_a, query_a, nxdomain_root, each behind a
	 * 2-byte big-endian length */
	for (int i = 0; i < 2; i++) {
		stream[off++] = 0;
		stream[off++] = (uint8_t)q;
		memcpy(stream + off, query_a, q);
		off += q;
	}
	stream[off++] = 0;
	stream[off++] = sizeof(nxdomain_root);
	memcpy(stream + off, nxdomain_root, sizeof(nxdomain_root));
	off += sizeof(nxdomain_root);

	assert_int_equal(ps_proto_harness_init(&h, &ps_proto_dns, 6, 53), PS_OK);
	/* chunk 1: the first prefix byte only */
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER, stream, 1), PS_OK);
	/* chunk 2: the second prefix byte and 10 bytes of the message */
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER, stream + 1, 11), PS_OK);
	assert_int_equal(ps_proto_harness_nevents(&h), 0);
	/* chunk 3: the rest of message 1, all of message 2, one byte of 3 */
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER, stream + 12,
					       2 * (2 + q) - 12 + 1), PS_OK);
	assert_int_equal(ps_proto_harness_nevents(&h), 2);
	/* chunk 4: the rest of message 3 */
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER,
		stream + 2 * (2 + q) + 1, off - 2 * (2 + q) - 1), PS_OK);
	assert_int_equal(ps_proto_harness_nevents(&h), 3);
	assert_non_null(strstr(dns_obj(&h, 0), "\"tx_id\":0,\"id\":4660,"));
	assert_non_null(strstr(dns_obj(&h, 1), "\"tx_id\":1,\"id\":4660,"));
	assert_non_null(strstr(dns_obj(&h, 2), "\"rcode\":\"NXDOMAIN\""));
	assert_non_null(strstr(ps_proto_harness_event(&h, 2), "\"proto\":\"TCP\""));
	/* a message split in two, then finished: nothing pending */
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOCLIENT, stream, 20), PS_OK);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOCLIENT, stream + 20,
					       2 + q - 20), PS_OK);
	assert_int_equal(ps_proto_harness_nevents(&h), 4);
	ps_proto_harness_finish(&h);
	assert_int_equal(ps_proto_harness_anomalies(&h, "dns_tcp_incomplete"), 0);
	ps_proto_harness_release(&h);
}

/* TCP gap: the pending message is dropped, the next one is found. */
static void test_tcp_gap(void **unused)
{
	struct ps_proto_harness h;
	uint8_t msg[2 + sizeof(query_a)];

	(void)unused;
	msg[0] = 0;
	msg[1] = sizeof(query_a);
	memcpy(msg + 2, query_a, sizeof(query_a));
	assert_int_equal(ps_proto_harness_init(&h, &ps_proto_dns, 6, 53), PS_OK);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER, msg, sizeof(msg)), PS_OK);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER, msg, 10), PS_OK);
	ps_proto_harness_gap(&h, PS_DIR_TOSERVER, 100);
	/* the middle of some message: ignored */
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER, msg + 20, 10), PS_OK);
	assert_int_equal(ps_proto_harness_nevents(&h), 1);
	/* a chunk that starts with a message: back in sync */
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER, msg, sizeof(msg)), PS_OK);
	assert_int_equal(ps_proto_harness_nevents(&h), 2);
	assert_int_equal(ps_proto_harness_anomalies(&h, "dns_tcp_gap"), 1);
	/* a message left half read at the end is counted */
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER, msg, 5), PS_OK);
	ps_proto_harness_finish(&h);
	assert_int_equal(ps_proto_harness_anomalies(&h, "dns_tcp_incomplete"), 1);
	ps_proto_harness_release(&h);
}

/* Traffic that is not DNS makes parse() give up on the flow. */
static void test_not_dns(void **unused)
{
	static const char junk[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	struct ps_proto_harness h;
	int rc = PS_OK;

	(void)unused;
	assert_int_equal(ps_proto_harness_init(&h, &ps_proto_dns, 6, 53), PS_OK);
	/* "GE" is a length of 18245 bytes: buffered, then the flow ends */
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER, junk,
					       sizeof(junk) - 1), PS_OK);
	ps_proto_harness_release(&h);

	udp_init(&h);
	for (int i = 0; i < 4; i++)
		rc = ps_proto_harness_feed(&h, PS_DIR_TOSERVER, "\x01\x02", 2);
	assert_int_equal(rc, PS_EPROTO);
	assert_int_equal(ps_proto_harness_anomalies(&h, "dns_not_dns"), 1);
	ps_proto_harness_release(&h);

	/* a TCP message of 3 bytes is malformed and ends the flow */
	assert_int_equal(ps_proto_harness_init(&h, &ps_proto_dns, 6, 53), PS_OK);
	assert_int_equal(ps_proto_harness_feed(&h, PS_DIR_TOSERVER,
					       "\x00\x03\x01\x02\x03", 5), PS_EPROTO);
	ps_proto_harness_release(&h);
}

/* An mDNS query for six services to 224.0.0.251:5353. */
static const uint8_t mdns_six[] = {
	0x00, 0x00, 0x00, 0x00,   /* id 0 (RFC 6762 18.1), flags 0 */
	0x00, 0x06, 0x00, 0x00,   /* qdcount 6, ancount 0 */
	0x00, 0x00, 0x00, 0x00,   /* nscount 0, arcount 0 */
	/* offset 12: _ipps._tcp.local PTR IN */
	0x05, '_', 'i', 'p', 'p', 's', 0x04, '_', 't', 'c', 'p',
	0x05, 'l', 'o', 'c', 'a', 'l', 0x00, 0x00, 0x0c, 0x00, 0x01,
	/* five more: _ipp, _ptp, _rfb, _ssh, _sftp + pointer to "_tcp" (18) */
	0x04, '_', 'i', 'p', 'p', 0xc0, 0x12, 0x00, 0x0c, 0x00, 0x01,
	0x04, '_', 'p', 't', 'p', 0xc0, 0x12, 0x00, 0x0c, 0x00, 0x01,
	0x04, '_', 'r', 'f', 'b', 0xc0, 0x12, 0x00, 0x0c, 0x00, 0x01,
	0x04, '_', 's', 's', 'h', 0xc0, 0x12, 0x00, 0x0c, 0x00, 0x01,
	0x05, '_', 's', 'f', 't', 'p', 0xc0, 0x12, 0x00, 0x0c, 0x80, 0x01,
};

/* An unsolicited mDNS announcement: no question, one A record. */
static const uint8_t mdns_announce[] = {
	0x00, 0x00, 0x84, 0x00,   /* id 0, QR AA */
	0x00, 0x00, 0x00, 0x01,   /* qdcount 0, ancount 1 */
	0x00, 0x00, 0x00, 0x00,
	0x04, 'h', 'o', 's', 't', 0x05, 'l', 'o', 'c', 'a', 'l', 0x00,
	0x00, 0x01, 0x80, 0x01,   /* A, cache-flush + IN (RFC 6762 10.2) */
	0x00, 0x00, 0x00, 0x78, 0x00, 0x04, 0xc0, 0xa8, 0x00, 0x01,
};

static void test_probe(void **unused)
{
	uint8_t tcp[2 + sizeof(query_a)];
	enum ps_probe (*probe)(const uint8_t *, size_t, enum ps_dir) =
		ps_proto_dns.probe;

	(void)unused;
	tcp[0] = 0;
	tcp[1] = sizeof(query_a);
	memcpy(tcp + 2, query_a, sizeof(query_a));
	assert_int_equal(probe(query_a, sizeof(query_a), PS_DIR_TOSERVER), PS_PROBE_YES);
	assert_int_equal(probe(response_many, sizeof(response_many), PS_DIR_TOCLIENT),
			 PS_PROBE_YES);
	assert_int_equal(probe(tcp, sizeof(tcp), PS_DIR_TOSERVER), PS_PROBE_YES);
	/* the header and question of a TCP message are enough */
	assert_int_equal(probe(tcp, 2 + 29, PS_DIR_TOSERVER), PS_PROBE_YES);
	assert_int_equal(probe(query_a, 8, PS_DIR_TOSERVER), PS_PROBE_MORE);
	assert_int_equal(probe((const uint8_t *)"GET / HTTP/1.1\r\n\r\n", 18,
			       PS_DIR_TOSERVER), PS_PROBE_NO);
	assert_int_equal(probe((const uint8_t *)"SSH-2.0-OpenSSH_9.6\r\n", 21,
			       PS_DIR_TOSERVER), PS_PROBE_NO);
	assert_int_equal(probe(answer_loop, sizeof(answer_loop), PS_DIR_TOCLIENT),
			 PS_PROBE_YES);
	/* mDNS batches questions (RFC 6762 5.3): six fit their bytes ... */
	assert_int_equal(probe(mdns_six, sizeof(mdns_six), PS_DIR_TOSERVER),
			 PS_PROBE_YES);
	/* ... and six claimed over the first one alone do not */
	assert_int_equal(probe(mdns_six, 12 + 23, PS_DIR_TOSERVER), PS_PROBE_NO);
	/* an announcement has no question; only with mDNS's id 0 */
	uint8_t m[sizeof(mdns_announce)];
	memcpy(m, mdns_announce, sizeof(m));
	assert_int_equal(probe(m, sizeof(m), PS_DIR_TOCLIENT), PS_PROBE_YES);
	m[1] = 0x42;
	assert_int_equal(probe(m, sizeof(m), PS_DIR_TOCLIENT), PS_PROBE_NO);
	/* a query with known answers (RFC 6762 7.1): likewise */
	uint8_t q[sizeof(mdns_six)];
	memcpy(q, mdns_six, sizeof(q));
	q[7] = 1;   /* ancount 1 */
	assert_int_equal(probe(q, sizeof(q), PS_DIR_TOSERVER), PS_PROBE_YES);
	q[1] = 0x42;
	assert_int_equal(probe(q, sizeof(q), PS_DIR_TOSERVER), PS_PROBE_NO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_query),
		cmocka_unit_test(test_response_types),
		cmocka_unit_test(test_response_more),
		cmocka_unit_test(test_rcode_root),
		cmocka_unit_test(test_bad_question),
		cmocka_unit_test(test_answer_loop),
		cmocka_unit_test(test_name_too_long),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_tcp_framing),
		cmocka_unit_test(test_tcp_gap),
		cmocka_unit_test(test_not_dns),
		cmocka_unit_test(test_probe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
