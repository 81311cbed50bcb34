/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The TLS parser through the harness: hand-built and captured handshakes,
 * JA3/JA3S (checked against tshark 4.0) and JA4 (FoxIO's and
 * suricata-verify's published values), byte-at-a-time reassembly,
 * handshakes spanning records, GREASE, SSLv2, TLS 1.3, HelloRetryRequest,
 * resumption, alerts, gaps and malformed lengths.
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
#include "proto/tls.h"

/* ---- a tiny message builder ---------------------------------------------- */

struct tb {
	size_t n;
	uint8_t p[1u << 17];
};

/* Append hex digits; spaces are for reading and ignored. */
static void put(struct tb *b, const char *hex)
{
	int hi = -1;

	for (; *hex; hex++) {
		int v = *hex >= 'a' ? *hex - 'a' + 10 : *hex - '0';

		if (*hex == ' ')
			continue;
		if (hi < 0) {
			hi = v;
			continue;
		}
		assert_true(b->n < sizeof(b->p));
		b->p[b->n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	assert_int_equal(hi, -1);
}

static void put_bytes(struct tb *b, const void *p, size_t n)
{
	assert_true(b->n + n <= sizeof(b->p));
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

static void put_fill(struct tb *b, uint8_t v, size_t n)
{
	assert_true(b->n + n <= sizeof(b->p));
	memset(b->p + b->n, v, n);
	b->n += n;
}

/* Reserve a big-endian length field of `w` bytes; close() fills it with
 * the number of bytes written after it. */
static size_t open_len(struct tb *b, size_t w)
{
	size_t at = b->n;

	assert_true(b->n + w <= sizeof(b->p));
	memset(b->p + b->n, 0, w);
	b->n += w;
	return at | w << 24;
}

static void close_len(struct tb *b, size_t mark)
{
	size_t at = mark & 0xffffff, w = mark >> 24, len = b->n - at - w, i;

	for (i = 0; i < w; i++)
		b->p[at + i] = (uint8_t)(len >> 8 * (w - 1 - i));
}

/* An extension: type, u16 length, data. */
static void ext(struct tb *b, const char *type, const char *data)
{
	size_t l;

	put(b, type);
	l = open_len(b, 2);
	put(b, data);
	close_len(b, l);
}

#define RANDOM32 "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define SID32 "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"

/*
 * A Chrome-like ClientHello whose lists are JA4.md's example (ciphers and
 * extensions in that order, signature algorithms as listed), with GREASE
 * in the ciphers, the extensions, supported_versions and groups.
 */
static void chrome_hello_body(struct tb *b)
{
	size_t l;

	put(b, "0303");               /* legacy_version: TLS 1.2 */
	put(b, RANDOM32);             /* random */
	put(b, "20" SID32);           /* session_id: 32 bytes */
	l = open_len(b, 2);           /* cipher_suites */
	put(b, "dada"                 /* GREASE */
	       "1301 1302 1303 c02b c02f c02c c030 cca9 cca8 c013 c014"
	       "009c 009d 002f 0035");
	close_len(b, l);
	put(b, "01 00");              /* compression_methods: null */
	l = open_len(b, 2);           /* extensions */
	ext(b, "0a0a", "");           /* GREASE */
	ext(b, "001b", "02 0002");    /* compress_certificate: brotli */
	ext(b, "0000", "000e 00 000b 6578616d706c652e636f6d"); /* SNI example.com */
	ext(b, "0033", "0000");       /* key_share: no shares */
	ext(b, "0010", "000c 02 6832 08 687474702f312e31"); /* ALPN h2, http/1.1 */
	ext(b, "4469", "0003 02 6832");  /* application_settings: h2 */
	ext(b, "0017", "");           /* extended_master_secret */
	ext(b, "002d", "01 01");      /* psk_key_exchange_modes: psk_dhe_ke */
	ext(b, "000d", "0010 0403 0804 0401 0503 0805 0501 0806 0601"); /* sigalgs */
	ext(b, "0005", "01 0000 0000");  /* status_request: OCSP */
	ext(b, "0023", "");           /* session_ticket */
	ext(b, "0012", "");           /* signed_certificate_timestamp */
	ext(b, "002b", "06 7a7a 0304 0303"); /* supported_versions: GREASE 1.3 1.2 */
	ext(b, "ff01", "00");         /* renegotiation_info */
	ext(b, "000b", "01 00");      /* ec_point_formats: uncompressed */
	ext(b, "000a", "0008 2a2a 001d 0017 0018"); /* groups: GREASE x25519 P-256 P-384 */
	ext(b, "0015", "0000");       /* padding */
	ext(b, "1a1a", "00");         /* GREASE */
	close_len(b, l);
}

/* Wrap a handshake body: type, u24 length. */
static void hs(struct tb *b, const char *type, void (*body)(struct tb *))
{
	size_t l;

	put(b, type);
	l = open_len(b, 3);
	body(b);
	close_len(b, l);
}

static void chrome_hello(struct tb *b)
{
	size_t r;

	put(b, "16 0301");            /* record: handshake, TLS 1.0 */
	r = open_len(b, 2);
	hs(b, "01", chrome_hello_body);  /* ClientHello */
	close_len(b, r);
}

/*
 * A self-signed P-256 certificate (367 bytes) made for these tests:
 * subject C=CN, {OU=Lab + O=Panshi Test}, CN=tls.example.com; issuer
 * C=US, O=Let's Encrypt, CN=R3; serial 0xAB1234 (DER 00 AB 12 34);
 * 2016-08-04T00:00:00 to 2036-08-04T12:34:56; SHA-1 0d:e5:96:...:a0:96.
 */
static const char cert_hex[] =
	"3082016b30820111a003020102020400ab1234300a06082a8648ce3d040302303231"
	"0b300906035504061302555331163014060355040a0c0d4c6574277320456e637279"
	"7074310b300906035504030c025233301e170d3136303830343030303030305a170d"
	"3336303830343132333435365a3049310b300906035504061302434e3120300a0603"
	"55040b0c034c61623012060355040a0c0b50616e73686920546573743118301606"
	"035504030c0f746c732e6578616d706c652e636f6d3059301306072a8648ce3d0201"
	"06082a8648ce3d03010703420004f9ebe464147cc102d92324d099d927c1a50e42d5"
	"7a08a116ffec0a29819d8c6570baf7d12888902a6a0c1d67add103123c859ab69bf8"
	"e9431c9384930d4b7eee300a06082a8648ce3d0403020348003045022100efc13c7e"
	"35b7dd9883f580c4942388cf43aae66fd35d138cbaa32b0028b1b65902206d2b4d45"
	"4d12338da6a4925ffbcfbe665ede34ceb7bf1fa61e6dc11b0d621879";

static void server_hello12_body(struct tb *b)
{
	size_t l;

	put(b, "0303");               /* version: TLS 1.2 */
	put(b, "1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100");
	put(b, "20 808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
	put(b, "c02f 00");            /* ECDHE-RSA-AES128-GCM-SHA256, null */
	l = open_len(b, 2);           /* extensions */
	ext(b, "ff01", "00");         /* renegotiation_info */
	ext(b, "000b", "01 00");      /* ec_point_formats */
	ext(b, "0010", "0003 02 6832");  /* ALPN: h2 */
	ext(b, "0017", "");           /* extended_master_secret */
	close_len(b, l);
}

static void certificate_body(struct tb *b)
{
	size_t list, c;
	int i;

	list = open_len(b, 3);        /* certificate_list */
	for (i = 0; i < 2; i++) {     /* leaf, then the same as "issuer" */
		c = open_len(b, 3);
		put(b, cert_hex);
		close_len(b, c);
	}
	close_len(b, list);
}

static void empty_body(struct tb *b)
{
	(void)b;
}

/* ServerHello, Certificate, ServerHelloDone in one record. */
static void server_flight12(struct tb *b)
{
	size_t r;

	put(b, "16 0303");
	r = open_len(b, 2);
	hs(b, "02", server_hello12_body);
	hs(b, "0b", certificate_body);
	hs(b, "0e", empty_body);      /* ServerHelloDone */
	close_len(b, r);
}

static void server_hello13_body(struct tb *b)
{
	size_t l;

	put(b, "0303");               /* legacy_version */
	put(b, "1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100");
	put(b, "20" SID32);           /* legacy_session_id_echo */
	put(b, "1301 00");            /* TLS_AES_128_GCM_SHA256, null */
	l = open_len(b, 2);
	ext(b, "002b", "0304");       /* supported_versions: TLS 1.3 */
	ext(b, "0033", "001d 0020 1111111111111111111111111111111111111111111111111111111111111111");
	close_len(b, l);
}

/* ServerHello (TLS 1.3), compatibility CCS, then encrypted records. */
static void server_flight13(struct tb *b)
{
	size_t r;

	put(b, "16 0303");
	r = open_len(b, 2);
	hs(b, "02", server_hello13_body);
	close_len(b, r);
	put(b, "14 0303 0001 01");    /* change_cipher_spec */
	put(b, "17 0303 0005 aaaaaaaaaa"); /* application_data */
}

/* ---- helpers ------------------------------------------------------------- */

static struct ps_proto_harness H;

static void start(void)
{
	assert_int_equal(ps_proto_harness_init(&H, &ps_proto_tls, 6, 443), PS_OK);
}

static void feed(enum ps_dir dir, const struct tb *b)
{
	assert_int_equal(ps_proto_harness_feed(&H, dir, b->p, b->n), PS_OK);
}

/* Feed one byte per call. */
static void feed_bytes(enum ps_dir dir, const struct tb *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		assert_int_equal(ps_proto_harness_feed(&H, dir, b->p + i, 1), PS_OK);
}

/* The "tls" object of the only event, copied to out. */
static void tls_obj(char *out, size_t n)
{
	const char *ev, *t;

	assert_int_equal(ps_proto_harness_nevents(&H), 1);
	ev = ps_proto_harness_event(&H, 0);
	t = strstr(ev, "\"tls\":{");
	assert_non_null(t);
	assert_true(strlen(t) < n);
	memcpy(out, t, strlen(t) + 1);
}

static bool has(const char *needle)
{
	const char *ev = ps_proto_harness_event(&H, 0);

	return ev != NULL && strstr(ev, needle) != NULL;
}

static const char chrome_ja3[] =
	"\"ja3\":{\"hash\":\"c000e2caf3a25423f9de6c8a4b12a975\",\"string\":"
	"\"771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-"
	"49172-156-157-47-53,27-0-51-16-17513-23-45-13-5-35-18-43-65281-11-"
	"10-21,29-23-24,0\"}";

/* ---- tests --------------------------------------------------------------- */

/* A full TLS 1.2 handshake: every field, in Suricata's order. JA3/JA3S
 * are tshark 4.0's for the same bytes; JA4 is JA4.md's example value. */
static void test_tls12_full(void **unused)
{
	struct tb c = {0}, s = {0};
	char obj[4096];

	(void)unused;
	chrome_hello(&c);
	server_flight12(&s);
	start();
	feed(PS_DIR_TOSERVER, &c);
	feed(PS_DIR_TOCLIENT, &s);
	/* written at ServerHelloDone, before finish */
	tls_obj(obj, sizeof(obj));
	assert_string_equal(obj,
		"\"tls\":{\"subject\":\"C=CN, OU=Lab + O=Panshi Test, "
		"CN=tls.example.com\",\"issuerdn\":\"C=US, O=Let's Encrypt, "
		"CN=R3\",\"serial\":\"00:AB:12:34\",\"fingerprint\":"
		"\"0d:e5:96:d3:10:c1:fc:1a:7a:3d:dd:97:cc:52:51:1c:15:85:a0:96\","
		"\"sni\":\"example.com\",\"version\":\"TLS 1.2\","
		"\"notbefore\":\"2016-08-04T00:00:00\","
		"\"notafter\":\"2036-08-04T12:34:56\","
		"\"ja3\":{\"hash\":\"c000e2caf3a25423f9de6c8a4b12a975\","
		"\"string\":\"771,4865-4866-4867-49195-49199-49196-49200-52393-"
		"52392-49171-49172-156-157-47-53,27-0-51-16-17513-23-45-13-5-35-"
		"18-43-65281-11-10-21,29-23-24,0\"},"
		"\"ja3s\":{\"hash\":\"27eabd2e03c903c0e38682b67d24b578\","
		"\"string\":\"771,49199,65281-11-16-23\"},"
		"\"ja4\":\"t13d1516h2_8daaf6152771_e5627efa2ab1\","
		"\"client_alpns\":[\"h2\",\"http/1.1\"],"
		"\"server_alpns\":[\"h2\"],\"chain_len\":2}}");
	ps_proto_harness_finish(&H);
	assert_int_equal(ps_proto_harness_nevents(&H), 1);
	assert_int_equal(ps_vec_len(&H.anomalies), 0);
	/* what intelligence matching is given, once */
	assert_int_equal(ps_proto_harness_observed(&H, "tls.sni=example.com"), 1);
	assert_int_equal(ps_proto_harness_observed(&H,
		"tls.ja3=c000e2caf3a25423f9de6c8a4b12a975"), 1);
	assert_int_equal(ps_proto_harness_observed(&H,
		"tls.ja4=t13d1516h2_8daaf6152771_e5627efa2ab1"), 1);
	ps_proto_harness_release(&H);
}

/* Every record split at every byte boundary gives the same event. */
static void test_one_byte_at_a_time(void **unused)
{
	struct tb c = {0}, s = {0};
	char whole[4096], bytes[4096];

	(void)unused;
	chrome_hello(&c);
	server_flight12(&s);
	start();
	feed(PS_DIR_TOSERVER, &c);
	feed(PS_DIR_TOCLIENT, &s);
	tls_obj(whole, sizeof(whole));
	ps_proto_harness_release(&H);

	start();
	feed_bytes(PS_DIR_TOSERVER, &c);
	feed_bytes(PS_DIR_TOCLIENT, &s);
	tls_obj(bytes, sizeof(bytes));
	assert_string_equal(whole, bytes);
	assert_int_equal(ps_vec_len(&H.anomalies), 0);
	ps_proto_harness_release(&H);
}

/* Re-frame a run of handshake messages into records of at most `frag`
 * bytes (RFC 8446 section 5.1 allows any fragmentation). */
static void refragment(struct tb *out, const uint8_t *msgs, size_t n,
		       size_t frag, const char *ver)
{
	size_t off, take, r;

	for (off = 0; off < n; off += take) {
		take = n - off < frag ? n - off : frag;
		put(out, "16");
		put(out, ver);
		r = open_len(out, 2);
		put_bytes(out, msgs + off, take);
		close_len(out, r);
	}
}

/* Handshake messages spanning records (and records sharing a message). */
static void test_handshake_spanning_records(void **unused)
{
	struct tb c = {0}, s = {0}, c2 = {0}, s2 = {0};
	char whole[4096], frag[4096];

	(void)unused;
	chrome_hello(&c);
	server_flight12(&s);
	start();
	feed(PS_DIR_TOSERVER, &c);
	feed(PS_DIR_TOCLIENT, &s);
	tls_obj(whole, sizeof(whole));
	ps_proto_harness_release(&H);

	/* the handshake bytes without the 5-byte record header */
	refragment(&c2, c.p + 5, c.n - 5, 50, "0301");
	refragment(&s2, s.p + 5, s.n - 5, 77, "0303");
	start();
	feed(PS_DIR_TOSERVER, &c2);
	feed_bytes(PS_DIR_TOCLIENT, &s2);
	tls_obj(frag, sizeof(frag));
	assert_string_equal(whole, frag);
	assert_int_equal(ps_vec_len(&H.anomalies), 0);
	ps_proto_harness_release(&H);
}

/*
 * A real ClientHello (suricata-verify tests/ja4-tls/input.pcap, frame 4):
 * JA3 as tshark 4.0 computes it, JA4 as FoxIO's reference tool prints it
 * in that test's README ("t12i1810s1_27d4652c4487_06a4338d0495": no SNI,
 * 18 ciphers, 10 extensions, first ALPN "spdy/3.1").
 */
static const char sv_hello[] =
	"16030100af010000ab0303942d1fef575d770207c29dbe2401ccf05dcde1d2a5"
	"869c4a3eee38db551ad9bc000024c02bc02f009ec00ac009c013c014c007c011"
	"003300320039009c002f0035000a000500040100005eff01000100000a000800"
	"06001700180019000b0002010000230000337400000010001400120873706479"
	"2f332e3108687474702f312e317550000000050005010000000000120000000d"
	"0012001004010501020104030503020304020202";

static void test_real_client_hello(void **unused)
{
	struct tb c = {0};

	(void)unused;
	put(&c, sv_hello);
	start();
	feed(PS_DIR_TOSERVER, &c);
	ps_proto_harness_finish(&H);
	assert_int_equal(ps_proto_harness_nevents(&H), 1);
	assert_true(has("\"ja3\":{\"hash\":\"308b0bd904abbef5e0034a1ff7a78920\","
			"\"string\":\"771,49195-49199-158-49162-49161-49171-49172-"
			"49159-49169-51-50-57-156-47-53-10-5-4,65281-10-11-35-13172-"
			"16-30032-5-18-13,23-24-25,0\"}"));
	assert_true(has("\"ja4\":\"t12i1810s1_27d4652c4487_06a4338d0495\""));
	assert_true(has("\"client_alpns\":[\"spdy/3.1\",\"http/1.1\"]"));
	assert_true(has("\"version\":\"UNDETERMINED\""));
	assert_false(has("\"sni\""));
	assert_false(has("\"ja3s\""));
	assert_int_equal(ps_vec_len(&H.anomalies), 0);
	ps_proto_harness_release(&H);
}

/* No SNI, no ALPN, no supported_versions, a GREASE signature algorithm:
 * "i", "00", version from legacy_version, GREASE left out everywhere. */
static void minimal_hello_body(struct tb *b)
{
	size_t l;

	put(b, "0303" RANDOM32 "00");  /* TLS 1.2, random, empty session_id */
	put(b, "0006 0a0a c02f 009c"); /* ciphers: GREASE, c02f, 009c */
	put(b, "01 00");
	l = open_len(b, 2);
	ext(b, "000d", "0006 0a0a 0403 0804"); /* sigalgs: GREASE first */
	ext(b, "000a", "0004 001d 0017");     /* groups */
	ext(b, "000b", "01 00");              /* point formats */
	ext(b, "ff01", "00");
	close_len(b, l);
}

static void test_no_sni_grease(void **unused)
{
	struct tb c = {0};
	size_t r;

	(void)unused;
	put(&c, "16 0301");
	r = open_len(&c, 2);
	hs(&c, "01", minimal_hello_body);
	close_len(&c, r);
	start();
	feed(PS_DIR_TOSERVER, &c);
	ps_proto_harness_finish(&H);
	/* sha256("009c,c02f"), sha256("000a,000b,000d,ff01_0403,0804") */
	assert_true(has("\"ja4\":\"t12i020400_08dfa304a768_9ae1dde04c88\""));
	assert_true(has("\"hash\":\"0cd842b65654b2b04cc9b5a4d1057419\","
			"\"string\":\"771,49199-156,13-10-11-65281,29-23,0\""));
	assert_false(has("\"sni\""));
	assert_false(has("client_alpns"));
	ps_proto_harness_release(&H);
}

/* JA4 of a hello body given as hex (handshake header excluded). */
static void ja4_of(const char *body_hex, char out[PS_TLS_JA4_LEN + 1])
{
	struct tb b = {0};
	struct ps_tls_hello h;

	put(&b, body_hex);
	assert_int_equal(ps_proto_tls_hello_parse(&h, false, b.p, b.n), PS_OK);
	assert_int_equal(ps_proto_tls_ja4(&h, 't', out, NULL), PS_OK);
}

/* JA4.md "ALPN Extension Value" and the empty-list rules. */
static void test_ja4_edges(void **unused)
{
	char j[PS_TLS_JA4_LEN + 1];
	struct ps_buf raw = PS_BUF_INIT(PS_MEM_TEST, 4096);
	struct tb b = {0};
	struct ps_tls_hello h;

	(void)unused;
	/* no ciphers, no extensions: both hashes are twelve zeros */
	ja4_of("0301" RANDOM32 "00 0000 0100", j);
	assert_string_equal(j, "t10i000000_000000000000_000000000000");
	/* ALPN "a": one character is first and last */
	ja4_of("0303" RANDOM32 "00 0002 002f 0100 0008 0010 0004 0002 0161", j);
	assert_memory_equal(j, "t12i0101aa", 10);
	/* ALPN 0xab: not alphanumeric, so the hex digits "ab" */
	ja4_of("0303" RANDOM32 "00 0002 002f 0100 0008 0010 0004 0002 01ab", j);
	assert_memory_equal(j, "t12i0101ab", 10);
	/* ALPN 30 ab: last byte not alphanumeric: "3" and "b" */
	ja4_of("0303" RANDOM32 "00 0002 002f 0100 0009 0010 0005 0003 0230ab", j);
	assert_memory_equal(j, "t12i01013b", 10);
	/* ALPN 30 ab cd 31: "01" */
	ja4_of("0303" RANDOM32 "00 0002 002f 0100 000b 0010 0007 0005 0430abcd31", j);
	assert_memory_equal(j, "t12i010101", 10);
	/* empty first protocol: "00"; SSL 3.0 is "s3" */
	ja4_of("0300" RANDOM32 "00 0002 002f 0100 0007 0010 0003 0001 00", j);
	assert_memory_equal(j, "ts3i010100", 10);
	/* supported_versions with only GREASE and an unknown value: "00" */
	ja4_of("0303" RANDOM32 "00 0002 002f 0100 0009 002b 0005 04 5a5a 0305", j);
	assert_memory_equal(j, "t00i010100", 10);
	/* raw form (ja4_r) of JA4.md's example */
	chrome_hello_body(&b);
	assert_int_equal(ps_proto_tls_hello_parse(&h, false, b.p, b.n), PS_OK);
	assert_int_equal(ps_proto_tls_ja4(&h, 'q', j, &raw), PS_OK);
	assert_string_equal(j, "q13d1516h2_8daaf6152771_e5627efa2ab1");
	assert_string_equal(ps_buf_cstr(&raw),
		"q13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,"
		"c02c,c02f,c030,cca8,cca9_0005,000a,000b,000d,0012,0015,0017,"
		"001b,0023,002b,002d,0033,4469,ff01_0403,0804,0401,0503,0805,"
		"0501,0806,0601");
	ps_buf_release(&raw);
	assert_true(ps_tls_is_grease(0x0a0a) && ps_tls_is_grease(0xfafa));
	assert_false(ps_tls_is_grease(0x0a1a) || ps_tls_is_grease(0x0b0b));
}

/* TLS 1.3: the event is written at the ServerHello (nothing after it is
 * visible), version from supported_versions, no certificate. */
static void test_tls13(void **unused)
{
	struct tb c = {0}, s = {0};

	(void)unused;
	chrome_hello(&c);
	server_flight13(&s);
	start();
	feed(PS_DIR_TOSERVER, &c);
	feed(PS_DIR_TOCLIENT, &s);
	assert_int_equal(ps_proto_harness_nevents(&H), 1);
	assert_true(has("\"version\":\"TLS 1.3\""));
	assert_true(has("\"ja3s\":{\"hash\":\"f4febc55ea12b31ae17cfb7e614afda8\","
			"\"string\":\"771,4865,43-51\"}"));
	assert_false(has("\"subject\""));
	assert_false(has("session_resumed"));   /* the echo is not resumption */
	assert_false(has("server_alpns"));
	/* later bytes, even garbage, cost nothing and say nothing */
	assert_int_equal(ps_proto_harness_feed(&H, PS_DIR_TOCLIENT, "garbage!", 8), PS_OK);
	assert_int_equal(ps_proto_harness_feed(&H, PS_DIR_TOSERVER, "garbage!", 8), PS_OK);
	ps_proto_harness_finish(&H);
	assert_int_equal(ps_proto_harness_nevents(&H), 1);
	assert_int_equal(ps_vec_len(&H.anomalies), 0);
	ps_proto_harness_release(&H);
}

static void hrr_body(struct tb *b)
{
	size_t l;

	put(b, "0303");   /* RFC 8446 4.1.3: the HelloRetryRequest random */
	put(b, "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c");
	put(b, "20" SID32 "1302 00");
	l = open_len(b, 2);
	ext(b, "002b", "0304");
	ext(b, "0033", "0017");       /* key_share: retry with P-256 */
	close_len(b, l);
}

/* HelloRetryRequest + compatibility CCS, a second ClientHello, then the
 * real ServerHello: the fingerprints are of the first ClientHello and the
 * real ServerHello. */
static void test_hello_retry(void **unused)
{
	struct tb c = {0}, s = {0}, c2 = {0}, s2 = {0};
	size_t r;

	(void)unused;
	chrome_hello(&c);
	put(&s, "16 0303");
	r = open_len(&s, 2);
	hs(&s, "02", hrr_body);
	close_len(&s, r);
	put(&s, "14 0303 0001 01");   /* CCS right after the HRR */
	put(&c2, "14 0303 0001 01");  /* client CCS, then ClientHello 2 */
	chrome_hello(&c2);
	server_flight13(&s2);
	start();
	feed(PS_DIR_TOSERVER, &c);
	feed(PS_DIR_TOCLIENT, &s);
	/* the first exchange: ClientHello 1 and the retry's JA3S */
	assert_int_equal(ps_proto_harness_nevents(&H), 1);
	assert_true(has("\"hello_retry\":true"));
	assert_true(has("\"ja3s\":{\"hash\":\"15af977ce25de452b96affa2addb1036\","
			"\"string\":\"771,4866,43-51\"}"));
	assert_true(has(chrome_ja3));
	feed(PS_DIR_TOSERVER, &c2);
	feed(PS_DIR_TOCLIENT, &s2);
	/* the second: ClientHello 2 (after the client's CCS) and the real
	 * ServerHello; hello_retry is said once */
	assert_int_equal(ps_proto_harness_nevents(&H), 2);
	assert_true(has("\"version\":\"TLS 1.3\""));
	assert_non_null(strstr(ps_proto_harness_event(&H, 1), chrome_ja3));
	assert_null(strstr(ps_proto_harness_event(&H, 1), "hello_retry"));
	assert_non_null(strstr(ps_proto_harness_event(&H, 1), "\"ja3s\""));
	ps_proto_harness_release(&H);
}

static void resumed_hello_body(struct tb *b)
{
	size_t l;

	put(b, "0303" RANDOM32 "20" SID32);  /* the client's session_id echoed */
	put(b, "c02f 00");
	l = open_len(b, 2);
	ext(b, "ff01", "00");
	close_len(b, l);
}

/* TLS 1.2 abbreviated handshake: session_id echoed, then the server's
 * ChangeCipherSpec ends what is visible. */
static void test_resumption(void **unused)
{
	struct tb c = {0}, s = {0};
	size_t r;

	(void)unused;
	chrome_hello(&c);
	put(&s, "16 0303");
	r = open_len(&s, 2);
	hs(&s, "02", resumed_hello_body);
	close_len(&s, r);
	put(&s, "14 0303 0001 01");
	start();
	feed(PS_DIR_TOSERVER, &c);
	feed(PS_DIR_TOCLIENT, &s);
	assert_int_equal(ps_proto_harness_nevents(&H), 1);
	assert_true(has("\"session_resumed\":true"));
	assert_true(has("\"version\":\"TLS 1.2\""));
	ps_proto_harness_release(&H);
}

/* A warning alert (unrecognized_name) does not end the handshake; a fatal
 * one does, and nothing after it is looked at. */
static void test_alerts(void **unused)
{
	struct tb c = {0}, s = {0};

	(void)unused;
	chrome_hello(&c);
	put(&s, "15 0303 0002 01 70");  /* warning, unrecognized_name */
	server_flight12(&s);
	start();
	feed(PS_DIR_TOSERVER, &c);
	feed(PS_DIR_TOCLIENT, &s);
	assert_true(has("\"subject\""));
	ps_proto_harness_release(&H);

	s.n = 0;
	put(&s, "15 0303 0002 02 28");  /* fatal, handshake_failure */
	start();
	feed(PS_DIR_TOSERVER, &c);
	feed(PS_DIR_TOCLIENT, &s);
	assert_int_equal(ps_proto_harness_nevents(&H), 1);
	assert_true(has("\"version\":\"UNDETERMINED\""));
	assert_int_equal(ps_proto_harness_feed(&H, PS_DIR_TOCLIENT, "junk", 4), PS_OK);
	assert_int_equal(ps_vec_len(&H.anomalies), 0);
	ps_proto_harness_release(&H);
}

/*
 * SSLv2-compatible CLIENT-HELLO (2-byte header 80 2e, msg 1, version 3.1,
 * 21 bytes of cipher specs, no session id, 16-byte challenge) followed by
 * a TLS ServerHello; and a pure SSLv2 exchange (version 0x0002 both ways).
 */
static void test_sslv2(void **unused)
{
	struct tb c = {0}, s = {0};
	size_t r;

	(void)unused;
	put(&c, "802e 01 0301"          /* length 46, CLIENT-HELLO, TLS 1.0 */
		"0015 0000 0010"        /* cipher_specs 21, session_id 0, challenge 16 */
		"000004 000005 00000a 010080 020080 030080 060040"
		"00112233445566778899aabbccddeeff");
	put(&s, "16 0301");
	r = open_len(&s, 2);
	hs(&s, "02", server_hello12_body);
	close_len(&s, r);
	s.p[10] = 0x01;                 /* ServerHello version 3.1: TLSv1 */
	put(&s, "14 0301 0001 01");
	assert_int_equal(ps_proto_tls.probe(c.p, c.n, PS_DIR_TOSERVER), PS_PROBE_YES);
	start();
	feed_bytes(PS_DIR_TOSERVER, &c);
	feed(PS_DIR_TOCLIENT, &s);
	assert_int_equal(ps_proto_harness_nevents(&H), 1);
	assert_true(has("\"version\":\"TLSv1\""));
	assert_false(has("\"ja3\""));   /* JA3/JA4 are defined on TLS hellos */
	assert_int_equal(ps_vec_len(&H.anomalies), 0);
	ps_proto_harness_release(&H);

	c.n = 0;
	s.n = 0;
	put(&c, "802e 01 0002 0015 0000 0010"
		"010080 020080 030080 040080 050080 060040 0700c0"
		"00112233445566778899aabbccddeeff");
	put(&s, "800e 04 00 01 0002 0000 0003 0010 010080"); /* SERVER-HELLO */
	start();
	feed(PS_DIR_TOSERVER, &c);
	feed(PS_DIR_TOCLIENT, &s);
	assert_int_equal(ps_proto_harness_nevents(&H), 1);
	assert_true(has("\"version\":\"SSLv2\""));
	ps_proto_harness_release(&H);
}

static void test_probe(void **unused)
{
	const struct ps_proto_parser *p = &ps_proto_tls;

	(void)unused;
	assert_int_equal(p->probe((const uint8_t *)"\x16\x03\x01\x00\xaf\x01", 6,
				  PS_DIR_TOSERVER), PS_PROBE_YES);
	assert_int_equal(p->probe((const uint8_t *)"\x16\x03\x01\x00\xaf\x01", 6,
				  PS_DIR_TOCLIENT), PS_PROBE_NO);
	assert_int_equal(p->probe((const uint8_t *)"\x16\x03\x03\x00\x4a\x02", 6,
				  PS_DIR_TOCLIENT), PS_PROBE_YES);
	assert_int_equal(p->probe((const uint8_t *)"\x16\x03", 2,
				  PS_DIR_TOSERVER), PS_PROBE_MORE);
	assert_int_equal(p->probe((const uint8_t *)"\x16\x02", 2,
				  PS_DIR_TOSERVER), PS_PROBE_NO);
	assert_int_equal(p->probe((const uint8_t *)"\x16\x03\x05", 3,
				  PS_DIR_TOSERVER), PS_PROBE_NO);
	assert_int_equal(p->probe((const uint8_t *)"\x17\x03\x03\x00\x10\x01", 6,
				  PS_DIR_TOSERVER), PS_PROBE_NO);
	assert_int_equal(p->probe((const uint8_t *)"GET / HTTP/1.1\r\n", 16,
				  PS_DIR_TOSERVER), PS_PROBE_NO);
	assert_int_equal(p->probe((const uint8_t *)"\x80\x2e\x01\x03", 4,
				  PS_DIR_TOSERVER), PS_PROBE_MORE);
	assert_int_equal(p->probe((const uint8_t *)"\x80\x2e\x02\x03\x01", 5,
				  PS_DIR_TOSERVER), PS_PROBE_NO);
	assert_int_equal(p->probe((const uint8_t *)"", 0, PS_DIR_TOSERVER),
			 PS_PROBE_MORE);
}

/* Every length checked against its container; bad input is an anomaly. */
static void test_malformed(void **unused)
{
	struct tb c = {0}, s = {0};
	size_t r, h, l;

	(void)unused;
	/* not TLS at all: invalid record, the parser gives up */
	start();
	assert_int_equal(ps_proto_harness_feed(&H, PS_DIR_TOSERVER,
					       "HTTP/1.1 200 OK\r\n", 17), PS_EPROTO);
	assert_int_equal(ps_proto_harness_anomalies(&H, "tls_invalid_record"), 1);
	ps_proto_harness_finish(&H);
	assert_int_equal(ps_proto_harness_nevents(&H), 0);
	ps_proto_harness_release(&H);

	/* record longer than 2^14 + 2048 */
	start();
	assert_int_equal(ps_proto_harness_feed(&H, PS_DIR_TOSERVER,
					       "\x16\x03\x01\x48\x01", 5), PS_EPROTO);
	assert_int_equal(ps_proto_harness_anomalies(&H, "tls_invalid_record"), 1);
	ps_proto_harness_release(&H);

	/* cipher_suites length runs past the message */
	put(&c, "16 0301 002b 01 000027 0303" RANDOM32 "00 00ff 002f");
	start();
	feed(PS_DIR_TOSERVER, &c);
	ps_proto_harness_finish(&H);
	assert_int_equal(ps_proto_harness_anomalies(&H, "tls_invalid_handshake"), 1);
	assert_int_equal(ps_proto_harness_nevents(&H), 0);
	ps_proto_harness_release(&H);

	/* an extension longer than the extension block */
	c.n = 0;
	put(&c, "16 0301 0033 01 00002f 0303" RANDOM32 "00 0002 002f 0100"
		"0004 0000 00ff");
	start();
	feed(PS_DIR_TOSERVER, &c);
	assert_int_equal(ps_proto_harness_anomalies(&H, "tls_invalid_handshake"), 1);
	ps_proto_harness_release(&H);

	/* a bad SNI inside a good block: the hello is kept, not the SNI */
	c.n = 0;
	put(&c, "16 0301 0037 01 000033 0303" RANDOM32 "00 0002 002f 0100"
		"0008 0000 0004 0009 0000");
	start();
	feed(PS_DIR_TOSERVER, &c);
	ps_proto_harness_finish(&H);
	assert_int_equal(ps_proto_harness_anomalies(&H, "tls_invalid_handshake"), 1);
	assert_true(has("\"ja3\""));
	assert_false(has("\"sni\""));
	ps_proto_harness_release(&H);

	/* a ClientHello announcing 69632 bytes (> 64 KiB) is skipped */
	c.n = 0;
	put(&c, "16 0301 0008 01 011000 03030000");
	start();
	feed(PS_DIR_TOSERVER, &c);
	assert_int_equal(ps_proto_harness_anomalies(&H, "tls_handshake_too_large"), 1);
	ps_proto_harness_release(&H);

	/* certificate entry that is not DER, and a bad list length */
	c.n = 0;
	chrome_hello(&c);
	for (int bad = 0; bad < 2; bad++) {
		s.n = 0;
		put(&s, "16 0303");
		r = open_len(&s, 2);
		hs(&s, "02", server_hello12_body);
		put(&s, "0b");
		h = open_len(&s, 3);
		l = open_len(&s, 3);
		put(&s, bad ? "000010 3082" : "00000a 30820102030405060708");
		close_len(&s, l);
		close_len(&s, h);
		hs(&s, "0e", empty_body);
		close_len(&s, r);
		start();
		feed(PS_DIR_TOSERVER, &c);
		feed(PS_DIR_TOCLIENT, &s);
		assert_int_equal(ps_proto_harness_anomalies(&H, "tls_invalid_certificate"), 1);
		assert_int_equal(ps_proto_harness_nevents(&H), 1);
		assert_false(has("\"subject\""));
		assert_true(has("\"version\":\"TLS 1.2\""));
		ps_proto_harness_release(&H);
	}
}

/* A 70 KB chain: over the 64 KiB message cap but within the 256 KiB one
 * for Certificate; its records are re-framed at the 16 KiB maximum. */
static void big_chain_body(struct tb *b)
{
	size_t list, e;

	list = open_len(b, 3);
	e = open_len(b, 3);
	put(b, cert_hex);
	close_len(b, e);
	e = open_len(b, 3);
	put_fill(b, 0x5a, 70000);     /* the second entry is not parsed */
	close_len(b, e);
	close_len(b, list);
}

static void test_big_certificate(void **unused)
{
	static struct tb c, m, s;

	(void)unused;
	c.n = m.n = s.n = 0;
	chrome_hello(&c);
	hs(&m, "02", server_hello12_body);
	hs(&m, "0b", big_chain_body);
	hs(&m, "0e", empty_body);
	refragment(&s, m.p, m.n, 16384, "0303");
	start();
	feed(PS_DIR_TOSERVER, &c);
	feed(PS_DIR_TOCLIENT, &s);
	assert_int_equal(ps_proto_harness_nevents(&H), 1);
	assert_true(has("\"subject\":\"C=CN, OU=Lab + O=Panshi Test"));
	assert_true(has("\"chain_len\":2"));
	assert_int_equal(ps_vec_len(&H.anomalies), 0);
	ps_proto_harness_release(&H);
}

/* A DER element with a 2-byte long-form length (DER wants the shortest
 * form; the parser accepts both), closed by close_len(). */
static size_t der_open(struct tb *b, const char *tag)
{
	put(b, tag);
	put(b, "82");
	return open_len(b, 2);
}

/* AttributeTypeAndValue: an encoded OID, then a value of type `tag`. */
static void der_attr(struct tb *b, const char *oid, const char *tag,
		     const char *val)
{
	size_t a = der_open(b, "30"), v;

	put(b, oid);
	v = der_open(b, tag);
	put(b, val);
	close_len(b, v);
	close_len(b, a);
}

/* Unsigned and unusual certificate contents: only the structure up to
 * the subject is walked, names are formatted from DER. */
static void odd_cert(struct tb *b)
{
	size_t cert, tbs, n, r, v;

	cert = der_open(b, "30");
	tbs = der_open(b, "30");
	put(b, "a003 020102");        /* [0] version: v3 */
	put(b, "0202 ff00");          /* serial: negative, two octets */
	put(b, "3000");               /* signature algorithm (empty) */
	n = der_open(b, "30");        /* issuer: C=US */
	r = der_open(b, "31");
	der_attr(b, "0603 550406", "13", "5553");
	close_len(b, r);
	close_len(b, n);
	v = der_open(b, "30");        /* validity */
	put(b, "170d 3439313233313233353935395a");     /* UTCTime 491231235959Z */
	put(b, "180f 32303530303130313030303030305a"); /* Generalized 20500101000000Z */
	close_len(b, v);
	n = der_open(b, "30");        /* subject */
	r = der_open(b, "31");        /* C=CN, PrintableString */
	der_attr(b, "0603 550406", "13", "434e");
	close_len(b, r);
	r = der_open(b, "31");        /* serialNumber + emailAddress (IA5) */
	der_attr(b, "0603 550405", "13", "3931313130303030");
	der_attr(b, "0609 2a864886f70d010901", "16", "6140622e636e");
	close_len(b, r);
	r = der_open(b, "31");        /* CN, BMPString U+78D0 U+77F3 */
	der_attr(b, "0603 550403", "1e", "78d077f3");
	close_len(b, r);
	r = der_open(b, "31");        /* 1.2.3.4 = INTEGER 42: hex */
	der_attr(b, "0603 2a0304", "02", "2a");
	close_len(b, r);
	close_len(b, n);
	put(b, "3000");               /* subjectPublicKeyInfo (empty) */
	close_len(b, tbs);
	put(b, "3000 0300");          /* signatureAlgorithm, signature */
	close_len(b, cert);
}

static void test_cert_names(void **unused)
{
	struct tb c = {0}, s = {0};
	size_t r, h, l, e;

	(void)unused;
	chrome_hello(&c);
	put(&s, "16 0303");
	r = open_len(&s, 2);
	hs(&s, "02", server_hello12_body);
	put(&s, "0b");
	h = open_len(&s, 3);
	l = open_len(&s, 3);
	e = open_len(&s, 3);
	odd_cert(&s);
	close_len(&s, e);
	close_len(&s, l);
	close_len(&s, h);
	hs(&s, "0e", empty_body);
	close_len(&s, r);
	start();
	feed(PS_DIR_TOSERVER, &c);
	feed(PS_DIR_TOCLIENT, &s);
	assert_true(has("\"subject\":\"C=CN, serialNumber=91110000 + "
			"Email=a@b.cn, CN=\xe7\xa3\x90\xe7\x9f\xb3, 1.2.3.4=2A\""));
	assert_true(has("\"issuerdn\":\"C=US\",\"serial\":\"FF:00\""));
	assert_true(has("\"notbefore\":\"2049-12-31T23:59:59\","
			"\"notafter\":\"2050-01-01T00:00:00\""));
	assert_int_equal(ps_vec_len(&H.anomalies), 0);
	ps_proto_harness_release(&H);
}

/* Lost bytes: the direction is dropped, the event still comes at finish. */
static void test_gap(void **unused)
{
	struct tb c = {0}, s = {0};

	(void)unused;
	chrome_hello(&c);
	server_flight12(&s);
	start();
	feed(PS_DIR_TOSERVER, &c);
	assert_int_equal(ps_proto_harness_feed(&H, PS_DIR_TOCLIENT, s.p, 20), PS_OK);
	ps_proto_harness_gap(&H, PS_DIR_TOCLIENT, 100);
	feed(PS_DIR_TOCLIENT, &s);
	assert_int_equal(ps_proto_harness_nevents(&H), 0);
	ps_proto_harness_finish(&H);
	assert_int_equal(ps_proto_harness_anomalies(&H, "tls_stream_gap"), 1);
	assert_true(has(chrome_ja3));
	assert_true(has("\"version\":\"UNDETERMINED\""));
	ps_proto_harness_release(&H);
}

static int run_session(void *arg)
{
	const struct tb *m = arg;
	struct ps_proto_harness h;
	int rc;

	rc = ps_proto_harness_init(&h, &ps_proto_tls, 6, 443);
	if (rc == PS_OK)
		rc = ps_proto_harness_feed(&h, PS_DIR_TOSERVER, m[0].p, m[0].n);
	if (rc == PS_OK)
		rc = ps_proto_harness_feed(&h, PS_DIR_TOCLIENT, m[1].p, 30);
	if (rc == PS_OK)
		rc = ps_proto_harness_feed(&h, PS_DIR_TOCLIENT, m[1].p + 30,
					   m[1].n - 30);
	ps_proto_harness_release(&h);
	return rc != PS_OK ? rc : ps_mem_fail_triggered() ? PS_ENOMEM : PS_OK;
}

/* Every allocation failing in turn: no crash, no leak (LeakSanitizer). */
static void test_alloc_failures(void **unused)
{
	static struct tb m[2];

	(void)unused;
	memset(m, 0, sizeof(m));
	chrome_hello(&m[0]);
	server_flight12(&m[1]);
	assert_true(ps_mem_torture(run_session, m, false) > 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tls12_full),
		cmocka_unit_test(test_one_byte_at_a_time),
		cmocka_unit_test(test_handshake_spanning_records),
		cmocka_unit_test(test_real_client_hello),
		cmocka_unit_test(test_no_sni_grease),
		cmocka_unit_test(test_ja4_edges),
		cmocka_unit_test(test_tls13),
		cmocka_unit_test(test_hello_retry),
		cmocka_unit_test(test_resumption),
		cmocka_unit_test(test_alerts),
		cmocka_unit_test(test_sslv2),
		cmocka_unit_test(test_probe),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_big_certificate),
		cmocka_unit_test(test_cert_names),
		cmocka_unit_test(test_gap),
		cmocka_unit_test(test_alloc_failures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
