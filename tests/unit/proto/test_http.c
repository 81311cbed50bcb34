/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The HTTP/1.x parser over hand-written conversations: framing (length,
 * chunked, until close, HEAD/204/304), pipelining, CONNECT and Upgrade,
 * gzip and deflate bodies with their hashes, caps, credentials masked,
 * gaps, and the same events whatever the chunking of the stream.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>
#include <cmocka.h>

#include "core/core.h"
#include "proto/harness.h"
#include "proto/http.h"
#include "proto/parsers.h"

#define C2S PS_DIR_TOSERVER
#define S2C PS_DIR_TOCLIENT

/* Digests of "hello" (5 bytes). */
#define HELLO_MD5 "5d41402abc4b2a76b9719d911017c592"
#define HELLO_SHA1 "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"
#define HELLO_SHA256 "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
/* sha256("hello world") */
#define HW_SHA256 "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"

static void start(struct ps_proto_harness *h, uint16_t port)
{
	assert_int_equal(ps_proto_harness_init(h, &ps_proto_http, 6, port), PS_OK);
}

static int feed(struct ps_proto_harness *h, enum ps_dir dir, const char *s)
{
	return ps_proto_harness_feed(h, dir, s, strlen(s));
}

/* Event i, asserted present. */
static const char *ev(const struct ps_proto_harness *h, size_t i)
{
	const char *e = ps_proto_harness_event(h, i);

	assert_non_null(e);
	return e;
}

/* Assert that event i contains every NULL-terminated substring given. */
static void has(const struct ps_proto_harness *h, size_t i, ...)
{
	const char *e = ev(h, i), *want;
	va_list ap;

	va_start(ap, i);
	while ((want = va_arg(ap, const char *))) {
		if (!strstr(e, want))
			fail_msg("event %zu lacks %s: %s", i, want, e);
	}
	va_end(ap);
}

static void lacks(const struct ps_proto_harness *h, size_t i, const char *s)
{
	if (strstr(ev(h, i), s))
		fail_msg("event %zu has %s: %s", i, s, ev(h, i));
}

static void test_get_with_body(void **unused)
{
	struct ps_proto_harness h;

	(void)unused;
	start(&h, 8080);
	assert_int_equal(feed(&h, C2S,
		"GET /dl/index.html?x=1 HTTP/1.1\r\n"
		"Host: www.Example.com:8080\r\n"
		"User-Agent: curl/8.0\r\n"
		"Referer: http://a.example/\r\n"
		"X-Forwarded-For: 192.0.2.1\r\n"
		"\r\n"), PS_OK);
	assert_int_equal(ps_proto_harness_nevents(&h), 0);
	assert_int_equal(feed(&h, S2C,
		"HTTP/1.1 200 OK\r\n"
		"Content-Type: text/html; charset=utf-8\r\n"
		"Content-Length: 5\r\n"
		"\r\n"
		"hello"), PS_OK);
	assert_int_equal(ps_proto_harness_nevents(&h), 2);
	has(&h, 0, "\"event_type\":\"fileinfo\"", "\"tx_id\":0",
	    "\"filename\":\"/dl/index.html\"", "\"magic\":\"ASCII text\"",
	    "\"gaps\":false", "\"state\":\"CLOSED\"",
	    "\"md5\":\"" HELLO_MD5 "\"", "\"sha1\":\"" HELLO_SHA1 "\"",
	    "\"sha256\":\"" HELLO_SHA256 "\"", "\"stored\":false",
	    "\"size\":5", "\"direction\":\"to_client\"",
	    "\"http\":{\"hostname\":\"www.Example.com\"", NULL);
	has(&h, 1, "\"event_type\":\"http\"", "\"app_proto\":\"http\"",
	    "\"tx_id\":0,\"http\":{\"hostname\":\"www.Example.com\","
	    "\"http_port\":8080,\"url\":\"/dl/index.html?x=1\","
	    "\"http_user_agent\":\"curl/8.0\",\"xff\":\"192.0.2.1\","
	    "\"http_content_type\":\"text/html\","
	    "\"http_refer\":\"http://a.example/\",\"http_method\":\"GET\","
	    "\"protocol\":\"HTTP/1.1\",\"status\":200,\"length\":5,"
	    "\"request_headers\":[{\"name\":\"Host\",\"value\":\"www.Example.com:8080\"}",
	    "\"response_headers\":[{\"name\":\"Content-Type\"", NULL);
	ps_proto_harness_finish(&h);
	assert_int_equal(ps_proto_harness_nevents(&h), 2);
	/* what intelligence matching is given */
	assert_int_equal(ps_proto_harness_observed(&h,
		"http.hostname=www.Example.com"), 1);
	assert_int_equal(ps_proto_harness_observed(&h,
		"http.url=http://www.Example.com:8080/dl/index.html?x=1"), 1);
	assert_int_equal(ps_proto_harness_observed(&h,
		"fileinfo.md5=" HELLO_MD5), 1);
	assert_int_equal(ps_proto_harness_observed(&h,
		"fileinfo.sha256=" HELLO_SHA256), 1);
	ps_proto_harness_release(&h);
}

/* Three pipelined requests, answered in order; HEAD's answer has no body. */
static void test_pipelining(void **unused)
{
	struct ps_proto_harness h;

	(void)unused;
	start(&h, 80);
	assert_int_equal(feed(&h, C2S,
		"GET /a HTTP/1.1\r\nHost: h\r\n\r\n"
		"HEAD /b HTTP/1.1\r\nHost: h\r\n\r\n"
		"\r\n"                                  /* tolerated blank line */
		"GET /c HTTP/1.1\r\nHost: h\r\n\r\n"), PS_OK);
	assert_int_equal(feed(&h, S2C,
		"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
		"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"  /* HEAD */
		"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"), PS_OK);
	assert_int_equal(ps_proto_harness_nevents(&h), 4);
	has(&h, 0, "\"event_type\":\"fileinfo\"", "\"filename\":\"/a\"", NULL);
	has(&h, 1, "\"tx_id\":0", "\"url\":\"/a\"", "\"status\":200", NULL);
	has(&h, 2, "\"tx_id\":1", "\"url\":\"/b\"", "\"http_method\":\"HEAD\"",
	    "\"status\":200", "\"length\":0", NULL);
	has(&h, 3, "\"tx_id\":2", "\"url\":\"/c\"", "\"status\":404", NULL);
	ps_proto_harness_release(&h);
}

/* Chunk extensions and trailers, then a second exchange on the flow. */
static void test_chunked(void **unused)
{
	struct ps_proto_harness h;

	(void)unused;
	start(&h, 80);
	assert_int_equal(feed(&h, C2S,
		"POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
		"5;name=value;x\r\nhello\r\n"      /* chunk with extensions */
		"0\r\n\r\n"
		"GET /next HTTP/1.1\r\nHost: h\r\n\r\n"), PS_OK);
	assert_int_equal(feed(&h, S2C,
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		"5\r\nhello\r\n"
		"6 ; ext=\"q\"\r\n world\r\n"
		"0\r\nX-Trailer: yes\r\nX-Other: 1\r\n\r\n"
		"HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n"), PS_OK);
	assert_int_equal(ps_proto_harness_nevents(&h), 4);
	has(&h, 0, "\"direction\":\"to_server\"", "\"filename\":\"/up\"",
	    "\"sha256\":\"" HELLO_SHA256 "\"", "\"size\":5", NULL);
	has(&h, 1, "\"direction\":\"to_client\"", "\"sha256\":\"" HW_SHA256 "\"",
	    "\"size\":11", NULL);
	has(&h, 2, "\"event_type\":\"http\"", "\"url\":\"/up\"", "\"length\":11",
	    "{\"name\":\"X-Trailer\",\"value\":\"yes\"}", NULL);
	has(&h, 3, "\"url\":\"/next\"", "\"status\":304", NULL);
	assert_int_equal(ps_proto_harness_anomalies(&h, "http_invalid_chunk"), 0);
	ps_proto_harness_release(&h);
}

/* Compress src with zlib: wbits 31 gzip, 15 zlib, -15 raw deflate. */
static size_t squeeze(const void *src, size_t n, uint8_t *out, size_t cap,
		      int wbits)
{
	z_stream z;
	size_t len;

	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, wbits, 9,
				      Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (Bytef *)(uintptr_t)src;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	len = z.total_out;
	deflateEnd(&z);
	return len;
}

static void run_encoded(const char *coding, int wbits)
{
	static const char plain[] = "hello world";
	struct ps_proto_harness h;
	uint8_t gz[256];
	char hdr[256], len[32];
	size_t n = squeeze(plain, strlen(plain), gz, sizeof(gz), wbits);

	start(&h, 80);
	assert_int_equal(feed(&h, C2S, "GET /z HTTP/1.1\r\nHost: h\r\n\r\n"), PS_OK);
	snprintf(hdr, sizeof(hdr), "HTTP/1.1 200 OK\r\nContent-Encoding: %s\r\n"
		 "Content-Length: %zu\r\n\r\n", coding, n);
	assert_int_equal(feed(&h, S2C, hdr), PS_OK);
	/* the compressed body a byte at a time */
	for (size_t i = 0; i < n; i++)
		assert_int_equal(ps_proto_harness_feed(&h, S2C, gz + i, 1), PS_OK);
	assert_int_equal(ps_proto_harness_nevents(&h), 2);
	has(&h, 0, "\"state\":\"CLOSED\"", "\"sha256\":\"" HW_SHA256 "\"",
	    "\"size\":11", NULL);
	snprintf(len, sizeof(len), "\"length\":%zu", n);
	has(&h, 1, len, NULL);
	assert_int_equal(ps_proto_harness_anomalies(&h, "http_gzip_error"), 0);
	ps_proto_harness_release(&h);
}

static void test_gzip_deflate(void **unused)
{
	(void)unused;
	run_encoded("gzip", 31);
	run_encoded("x-gzip", 31);
	run_encoded("deflate", 15);       /* RFC 1950 zlib, as specified */
	run_encoded("deflate", -15);      /* raw deflate, as many servers send */
}

static void test_gzip_error(void **unused)
{
	struct ps_proto_harness h;

	(void)unused;
	start(&h, 80);
	assert_int_equal(feed(&h, C2S, "GET /z HTTP/1.1\r\nHost: h\r\n\r\n"), PS_OK);
	assert_int_equal(feed(&h, S2C,
		"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 8\r\n\r\n"), PS_OK);
	/* gzip magic, deflate method, then reserved flag bits set */
	assert_int_equal(ps_proto_harness_feed(&h, S2C, "\x1f\x8b\x08\xe0garb", 8), PS_OK);
	assert_int_equal(feed(&h, C2S, "GET /y HTTP/1.1\r\nHost: h\r\n\r\n"), PS_OK);
	assert_int_equal(feed(&h, S2C, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"), PS_OK);
	assert_int_equal(ps_proto_harness_anomalies(&h, "http_gzip_error"), 1);
	assert_int_equal(ps_proto_harness_nevents(&h), 3);
	has(&h, 0, "\"state\":\"TRUNCATED\"", NULL);
	lacks(&h, 0, "sha256");
	has(&h, 2, "\"url\":\"/y\"", NULL);
	ps_proto_harness_release(&h);
}

/* 4 MiB of zeros deflate ~1000:1: past the ratio cap after 1 MiB. */
static void test_decompression_bomb(void **unused)
{
	struct ps_proto_harness h;
	size_t plain = 4u << 20, n, cap = 64u << 10;
	uint8_t *zeros = ps_calloc(PS_MEM_TEST, 1, plain);
	uint8_t *gz = ps_malloc(PS_MEM_TEST, cap);
	char hdr[128];

	(void)unused;
	assert_non_null(zeros);
	assert_non_null(gz);
	n = squeeze(zeros, plain, gz, cap, 31);
	start(&h, 80);
	assert_int_equal(feed(&h, C2S, "GET /bomb HTTP/1.1\r\nHost: h\r\n\r\n"), PS_OK);
	snprintf(hdr, sizeof(hdr), "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n"
		 "Content-Length: %zu\r\n\r\n", n);
	assert_int_equal(feed(&h, S2C, hdr), PS_OK);
	assert_int_equal(ps_proto_harness_feed(&h, S2C, gz, n), PS_OK);
	assert_int_equal(ps_proto_harness_anomalies(&h, "http_decompression_limit"), 1);
	assert_int_equal(ps_proto_harness_nevents(&h), 2);
	has(&h, 0, "\"state\":\"TRUNCATED\"", NULL);
	lacks(&h, 0, "\"size\":4194304");
	ps_proto_harness_release(&h);
	ps_free(zeros);
	ps_free(gz);
}

static void test_no_body_statuses(void **unused)
{
	struct ps_proto_harness h;

	(void)unused;
	start(&h, 80);
	assert_int_equal(feed(&h, C2S,
		"DELETE /x HTTP/1.1\r\nHost: h\r\n\r\n"
		"GET /y HTTP/1.1\r\nHost: h\r\n\r\n"
		"GET /z HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n\r\n"), PS_OK);
	assert_int_equal(feed(&h, S2C,
		"HTTP/1.1 204 No Content\r\nContent-Length: 7\r\n\r\n"
		"HTTP/1.1 304 Not Modified\r\n\r\n"
		"HTTP/1.1 100 Continue\r\n\r\n"          /* interim, same tx */
		"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"), PS_OK);
	assert_int_equal(ps_proto_harness_nevents(&h), 4);
	has(&h, 0, "\"url\":\"/x\"", "\"status\":204", NULL);
	has(&h, 1, "\"url\":\"/y\"", "\"status\":304", NULL);
	has(&h, 2, "\"event_type\":\"fileinfo\"", "\"sha256\":\"" HELLO_SHA256 "\"", NULL);
	has(&h, 3, "\"url\":\"/z\"", "\"status\":200", NULL);
	ps_proto_harness_release(&h);
}

static void test_until_close(void **unused)
{
	struct ps_proto_harness h;

	(void)unused;
	start(&h, 80);
	assert_int_equal(feed(&h, C2S, "GET /f.exe HTTP/1.0\r\n\r\n"), PS_OK);
	assert_int_equal(feed(&h, S2C, "HTTP/1.0 200 OK\r\nServer: x\r\n\r\nhel"), PS_OK);
	assert_int_equal(feed(&h, S2C, "lo"), PS_OK);
	assert_int_equal(ps_proto_harness_nevents(&h), 0);
	ps_proto_harness_finish(&h);
	assert_int_equal(ps_proto_harness_nevents(&h), 2);
	has(&h, 0, "\"state\":\"CLOSED\"", "\"sha256\":\"" HELLO_SHA256 "\"",
	    "\"filename\":\"/f.exe\"", NULL);
	has(&h, 1, "\"protocol\":\"HTTP/1.0\"", "\"length\":5", NULL);
	lacks(&h, 1, "hostname");
	ps_proto_harness_release(&h);
}

/* After a 2xx to CONNECT the flow is a tunnel: TLS bytes are ignored. */
static void test_connect(void **unused)
{
	struct ps_proto_harness h;

	(void)unused;
	start(&h, 3128);
	assert_int_equal(feed(&h, C2S,
		"CONNECT www.example.com:443 HTTP/1.1\r\n"
		"Host: www.example.com:443\r\n"
		"Proxy-Authorization: Basic Ym9iOmh1bnRlcjI=\r\n\r\n"   /* bob:hunter2 */
		"\x16\x03\x01\x02\x00\x01"), PS_OK);  /* optimistic ClientHello */
	assert_int_equal(feed(&h, S2C,
		"HTTP/1.1 200 Connection established\r\n\r\n"
		"\x16\x03\x03\x00\x5a\x02"), PS_OK);
	/* the engine detects what the tunnel carries from its content */
	assert_true(h.ctx.upgrade);
	assert_int_equal(h.ctx.upgrade_to, PS_ALPROTO_UNKNOWN);
	assert_int_equal(feed(&h, C2S, "GET / HTTP/1.1\r\n\r\n"), PS_OK);
	assert_int_equal(feed(&h, S2C, "garbage\r\n"), PS_OK);
	assert_int_equal(ps_proto_harness_nevents(&h), 1);
	has(&h, 0, "\"hostname\":\"www.example.com\"", "\"http_port\":443",
	    "\"url\":\"www.example.com:443\"", "\"http_method\":\"CONNECT\"",
	    "\"status\":200", "\"http_auth\":{\"scheme\":\"basic\",\"user\":\"bob\","
	    "\"password\":\"********\",\"password_len\":7}", NULL);
	lacks(&h, 0, "hunter2");
	lacks(&h, 0, "Ym9iOmh1bnRlcjI");
	assert_int_equal(ps_proto_harness_anomalies(&h, "http_request_line_invalid"), 0);
	assert_int_equal(ps_proto_harness_anomalies(&h, "http_response_line_invalid"), 0);
	ps_proto_harness_finish(&h);
	assert_int_equal(ps_proto_harness_nevents(&h), 1);
	ps_proto_harness_release(&h);
}

/* A refused CONNECT leaves the flow HTTP. */
static void test_connect_refused(void **unused)
{
	struct ps_proto_harness h;

	(void)unused;
	start(&h, 3128);
	assert_int_equal(feed(&h, C2S, "CONNECT a:443 HTTP/1.1\r\n\r\n"), PS_OK);
	assert_int_equal(feed(&h, S2C,
		"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n"), PS_OK);
	assert_int_equal(feed(&h, C2S, "GET http://b/x HTTP/1.1\r\n\r\n"), PS_OK);
	assert_int_equal(feed(&h, S2C, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"), PS_OK);
	assert_int_equal(ps_proto_harness_nevents(&h), 2);
	has(&h, 0, "\"status\":407", NULL);
	/* no Host header: the absolute-form target names the host */
	has(&h, 1, "\"hostname\":\"b\"", "\"url\":\"http://b/x\"", "\"status\":200", NULL);
	assert_false(h.ctx.upgrade);
	ps_proto_harness_release(&h);
}

static void test_upgrade(void **unused)
{
	struct ps_proto_harness h;

	(void)unused;
	start(&h, 80);
	assert_int_equal(feed(&h, C2S,
		"GET /chat HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\n"
		"Connection: Upgrade\r\n\r\n"), PS_OK);
	assert_int_equal(feed(&h, S2C,
		"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n"
		"\x81\x05hello"), PS_OK);
	assert_int_equal(feed(&h, C2S, "\x81\x85\x00\x00\x00\x00hello"), PS_OK);
	assert_int_equal(ps_proto_harness_nevents(&h), 1);
	has(&h, 0, "\"status\":101", NULL);
	assert_true(h.ctx.upgrade);
	ps_proto_harness_release(&h);

	/* h2c prior knowledge: the HTTP/2 preface ends HTTP/1 parsing */
	start(&h, 80);
	assert_int_equal(feed(&h, C2S, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00"), PS_OK);
	assert_int_equal(feed(&h, S2C, "\x00\x00\x06\x04"), PS_OK);
	ps_proto_harness_finish(&h);
	assert_int_equal(ps_proto_harness_nevents(&h), 0);
	ps_proto_harness_release(&h);
}

static void test_header_caps(void **unused)
{
	struct ps_proto_harness h;
	struct ps_buf b;

	(void)unused;
	ps_buf_init(&b, PS_MEM_TEST, 1u << 20);
	assert_int_equal(ps_buf_addstr(&b, "GET /caps HTTP/1.1\r\n"), PS_OK);
	for (int i = 0; i < 200; i++)
		assert_int_equal(ps_buf_addf(&b, "X-H%d: v\r\n", i), PS_OK);
	assert_int_equal(ps_buf_addstr(&b, "X-Long: "), PS_OK);
	for (int i = 0; i < 9000; i++)
		assert_int_equal(ps_buf_addch(&b, 'a'), PS_OK);
	assert_int_equal(ps_buf_addstr(&b, "\r\n"), PS_OK);
	for (int i = 0; i < 8; i++) {   /* 8 x 8 KiB: past the section cap */
		assert_int_equal(ps_buf_addstr(&b, "X-Big: "), PS_OK);
		for (int k = 0; k < 8000; k++)
			assert_int_equal(ps_buf_addch(&b, 'b'), PS_OK);
		assert_int_equal(ps_buf_addstr(&b, "\r\n"), PS_OK);
	}
	/* past the count cap, framing headers still count */
	assert_int_equal(ps_buf_addstr(&b, "Content-Length: 5\r\n\r\nhello"
				       "GET /after HTTP/1.1\r\n\r\n"), PS_OK);
	start(&h, 80);
	assert_int_equal(ps_proto_harness_feed(&h, C2S, b.p, b.len), PS_OK);
	ps_proto_harness_finish(&h);
	assert_int_equal(ps_proto_harness_anomalies(&h, "http_too_many_headers"), 1);
	assert_int_equal(ps_proto_harness_anomalies(&h, "http_header_too_long"), 1);
	assert_int_equal(ps_proto_harness_anomalies(&h, "http_headers_too_large"), 1);
	assert_int_equal(ps_proto_harness_nevents(&h), 3);
	has(&h, 0, "\"event_type\":\"fileinfo\"", "\"sha256\":\"" HELLO_SHA256 "\"", NULL);
	has(&h, 1, "\"url\":\"/caps\"", "{\"name\":\"X-H31\",\"value\":\"v\"}]", NULL);
	has(&h, 2, "\"url\":\"/after\"", NULL);
	ps_proto_harness_release(&h);
	ps_buf_release(&b);
}

static void run_cl(const char *cl1, const char *cl2, const char *anomaly,
		   size_t nanom)
{
	struct ps_proto_harness h;
	char req[256];

	snprintf(req, sizeof(req), "POST /p HTTP/1.1\r\nContent-Length: %s\r\n%s%s%s\r\n"
		 "hello", cl1, cl2 ? "Content-Length: " : "", cl2 ? cl2 : "",
		 cl2 ? "\r\n" : "");
	start(&h, 80);
	assert_int_equal(feed(&h, C2S, req), PS_OK);
	assert_int_equal(ps_proto_harness_anomalies(&h, anomaly), nanom);
	ps_proto_harness_release(&h);
}

static void test_content_length(void **unused)
{
	(void)unused;
	run_cl("5", "7", "http_multiple_content_length", 1);
	run_cl("5", "5", "http_multiple_content_length", 0);
	run_cl("5, 5", NULL, "http_invalid_content_length", 0);
	run_cl("5, 6", NULL, "http_invalid_content_length", 1);
	run_cl("-5", NULL, "http_invalid_content_length", 1);
	run_cl("+5", NULL, "http_invalid_content_length", 1);
	run_cl("5x", NULL, "http_invalid_content_length", 1);
	run_cl("", NULL, "http_invalid_content_length", 1);
	run_cl("99999999999999999999999", NULL, "http_invalid_content_length", 1);
	run_cl("18446744073709551616", NULL, "http_invalid_content_length", 1);
}

/* An invalid length means no body: the bytes are the next request. */
static void test_invalid_length_resyncs(void **unused)
{
	struct ps_proto_harness h;

	(void)unused;
	start(&h, 80);
	assert_int_equal(feed(&h, C2S,
		"POST /p HTTP/1.1\r\nContent-Length: -1\r\n\r\n"
		"GET /q HTTP/1.1\r\n\r\n"), PS_OK);
	ps_proto_harness_finish(&h);
	assert_int_equal(ps_proto_harness_nevents(&h), 2);
	has(&h, 1, "\"url\":\"/q\"", NULL);
	ps_proto_harness_release(&h);
}

static void test_credentials_masked(void **unused)
{
	struct ps_proto_harness h;
	size_t i;

	(void)unused;
	start(&h, 80);
	assert_int_equal(feed(&h, C2S,
		"GET /admin HTTP/1.1\r\nHost: h\r\n"
		"Authorization: Basic YWxpY2U6czNjcjN0\r\n"       /* alice:s3cr3t */
		"Cookie: session=TOPSECRETCOOKIE\r\n\r\n"), PS_OK);
	assert_int_equal(feed(&h, S2C,
		"HTTP/1.1 200 OK\r\nSet-Cookie: id=TOPSECRETSET; HttpOnly\r\n"
		"Content-Length: 0\r\n\r\n"), PS_OK);
	assert_int_equal(feed(&h, C2S,
		"GET /d HTTP/1.1\r\nAuthorization: Digest username=\"carol\", "
		"realm=\"r\", response=\"6629fae49393a05397450978507c4ef1\"\r\n\r\n"
		"GET /e HTTP/1.1\r\nAuthorization: Bearer eyJTOPSECRETJWT\r\n\r\n"), PS_OK);
	ps_proto_harness_finish(&h);
	assert_int_equal(ps_proto_harness_nevents(&h), 3);
	has(&h, 0, "\"http_auth\":{\"scheme\":\"basic\",\"user\":\"alice\","
	    "\"password\":\"********\",\"password_len\":6}",
	    "{\"name\":\"Authorization\",\"value\":\"********\",\"value_len\":22}",
	    "{\"name\":\"Cookie\",\"value\":\"********\",\"value_len\":23}",
	    "{\"name\":\"Set-Cookie\",\"value\":\"********\"", NULL);
	has(&h, 1, "\"http_auth\":{\"scheme\":\"digest\",\"user\":\"carol\"}", NULL);
	has(&h, 2, "\"http_auth\":{\"scheme\":\"bearer\"}", NULL);
	for (i = 0; i < ps_proto_harness_nevents(&h); i++) {
		lacks(&h, i, "s3cr3t");
		lacks(&h, i, "YWxpY2U6czNjcjN0");
		lacks(&h, i, "TOPSECRET");
		lacks(&h, i, "6629fae4");
	}
	ps_proto_harness_release(&h);
}

static void test_not_http(void **unused)
{
	struct ps_proto_harness h;

	(void)unused;
	start(&h, 80);
	assert_int_equal(feed(&h, C2S, "SSH-2.0-OpenSSH_9.0\r\n"), PS_EPROTO);
	assert_int_equal(ps_proto_harness_anomalies(&h, "http_request_line_invalid"), 1);
	ps_proto_harness_release(&h);

	/* server junk may be a body picked up mid-flow: skip, within limits */
	start(&h, 80);
	assert_int_equal(feed(&h, S2C, "220 mail.example.com ESMTP\r\n"), PS_OK);
	assert_int_equal(ps_proto_harness_anomalies(&h, "http_response_line_invalid"), 1);
	for (int i = 0; i < 2000; i++) {
		if (feed(&h, S2C, "250-a line that is not HTTP at all\r\n") != PS_OK)
			break;
	}
	assert_true(h.stopped);
	assert_int_equal(ps_proto_harness_anomalies(&h, "http_resync_failed"), 1);
	assert_int_equal(ps_proto_harness_anomalies(&h, "http_response_line_invalid"), 1);
	ps_proto_harness_release(&h);
}

/*
 * Capture picked up mid-response: body bytes without a newline, then a
 * segment that starts a response. Odd blanks in a request line count.
 */
static void test_midstream_resync(void **unused)
{
	struct ps_proto_harness h;

	(void)unused;
	start(&h, 80);
	assert_int_equal(feed(&h, C2S, "GET  /a%20b  HTTP/1.1\r\n\r\n"
			      "GET /x y HTTP/1.1\r\n\r\n"), PS_OK);
	assert_int_equal(ps_proto_harness_anomalies(&h, "http_request_line_whitespace"), 2);
	assert_int_equal(feed(&h, S2C, "\x89\x01binary tail of a body"), PS_OK);
	assert_int_equal(feed(&h, S2C, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"), PS_OK);
	assert_int_equal(ps_proto_harness_nevents(&h), 1);
	has(&h, 0, "\"url\":\"/a%20b\"", "\"status\":200", NULL);
	ps_proto_harness_finish(&h);
	has(&h, 1, "\"url\":\"/x y\"", NULL);
	ps_proto_harness_release(&h);
}

static void test_response_without_request(void **unused)
{
	struct ps_proto_harness h;

	(void)unused;
	start(&h, 80);
	assert_int_equal(feed(&h, S2C,
		"HTTP/1.1 302 Found\r\nLocation: http://x/\r\nContent-Length: 0\r\n\r\n"), PS_OK);
	assert_int_equal(ps_proto_harness_anomalies(&h, "http_response_without_request"), 1);
	assert_int_equal(ps_proto_harness_nevents(&h), 1);
	has(&h, 0, "\"status\":302", "\"redirect\":\"http://x/\"", "\"protocol\":\"HTTP/1.1\"", NULL);
	lacks(&h, 0, "http_method");
	ps_proto_harness_release(&h);
}

/* A gap inside a body truncates the file; the next message still parses. */
static void test_gaps(void **unused)
{
	struct ps_proto_harness h;

	(void)unused;
	start(&h, 80);
	assert_int_equal(feed(&h, C2S, "GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n"), PS_OK);
	assert_int_equal(feed(&h, S2C, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhel"), PS_OK);
	ps_proto_harness_gap(&h, S2C, 4);
	assert_int_equal(feed(&h, S2C, "xyz"
		"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"), PS_OK);
	assert_int_equal(ps_proto_harness_nevents(&h), 4);
	has(&h, 0, "\"gaps\":true", "\"state\":\"TRUNCATED\"", "\"size\":6", NULL);
	lacks(&h, 0, "md5");
	has(&h, 1, "\"url\":\"/a\"", "\"length\":10", NULL);
	has(&h, 2, "\"state\":\"CLOSED\"", "\"sha256\":\"" HELLO_SHA256 "\"", NULL);
	has(&h, 3, "\"url\":\"/b\"", NULL);
	ps_proto_harness_release(&h);

	/* a gap past the body end loses framing: resync on the next line */
	start(&h, 80);
	assert_int_equal(feed(&h, C2S, "GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n"), PS_OK);
	assert_int_equal(feed(&h, S2C, "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nhe"), PS_OK);
	ps_proto_harness_gap(&h, S2C, 10);
	assert_int_equal(feed(&h, S2C, "junk tail\r\n"
		"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"), PS_OK);
	assert_int_equal(ps_proto_harness_nevents(&h), 3);
	has(&h, 0, "\"state\":\"TRUNCATED\"", NULL);
	has(&h, 2, "\"url\":\"/b\"", "\"status\":404", NULL);
	ps_proto_harness_release(&h);

	/* a gap in the request headers: resync on the next request line */
	start(&h, 80);
	assert_int_equal(feed(&h, C2S, "GET /a HTTP/1.1\r\nHost: x"), PS_OK);
	ps_proto_harness_gap(&h, C2S, 100);
	assert_int_equal(feed(&h, C2S, "ost: y\r\n\r\nGET /b HTTP/1.1\r\n\r\n"), PS_OK);
	ps_proto_harness_finish(&h);
	assert_int_equal(ps_proto_harness_nevents(&h), 2);
	has(&h, 1, "\"url\":\"/b\"", NULL);
	ps_proto_harness_release(&h);
}

static void test_folding_and_upload(void **unused)
{
	struct ps_proto_harness h;

	(void)unused;
	start(&h, 80);
	assert_int_equal(feed(&h, C2S,
		"PUT /upload/ HTTP/1.1\r\n"
		"Host: files.example\r\n"
		"User-Agent: Agent\r\n"
		"  continued\r\n"                         /* obs-fold */
		"\tagain\r\n"
		"Content-Disposition: attachment; filename=\"report.pdf\"\r\n"
		"Content-Length: 9\r\n\r\n"
		"%PDF-1.7\n"), PS_OK);
	assert_int_equal(feed(&h, S2C, "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"), PS_OK);
	assert_int_equal(ps_proto_harness_nevents(&h), 2);
	has(&h, 0, "\"filename\":\"report.pdf\"", "\"magic\":\"PDF document\"",
	    "\"direction\":\"to_server\"", "\"size\":9", NULL);
	has(&h, 1, "\"http_user_agent\":\"Agent continued again\"", "\"status\":201", NULL);
	ps_proto_harness_release(&h);
}

/* Requests without answers beyond the cap are written early. */
static void test_transaction_cap(void **unused)
{
	struct ps_proto_harness h;
	char req[64];

	(void)unused;
	start(&h, 80);
	for (int i = 0; i < 70; i++) {
		snprintf(req, sizeof(req), "GET /%d HTTP/1.1\r\n\r\n", i);
		assert_int_equal(feed(&h, C2S, req), PS_OK);
	}
	assert_int_equal(ps_proto_harness_nevents(&h), 6);
	has(&h, 0, "\"tx_id\":0", "\"url\":\"/0\"", NULL);
	assert_int_equal(ps_proto_harness_anomalies(&h, "http_too_many_transactions"), 6);
	ps_proto_harness_finish(&h);
	assert_int_equal(ps_proto_harness_nevents(&h), 70);
	has(&h, 69, "\"tx_id\":69", "\"url\":\"/69\"", NULL);
	ps_proto_harness_release(&h);
}

static void test_http09(void **unused)
{
	struct ps_proto_harness h;

	(void)unused;
	start(&h, 80);
	assert_int_equal(feed(&h, C2S, "GET /old\r\n"), PS_OK);
	assert_int_equal(feed(&h, S2C, "<html>hi</html>"), PS_OK);
	ps_proto_harness_finish(&h);
	assert_int_equal(ps_proto_harness_nevents(&h), 2);
	has(&h, 0, "\"magic\":\"HTML document\"", "\"size\":15", NULL);
	has(&h, 1, "\"url\":\"/old\"", "\"protocol\":\"HTTP/0.9\"", NULL);
	ps_proto_harness_release(&h);
}

static void test_long_lines(void **unused)
{
	struct ps_proto_harness h;
	struct ps_buf b;

	(void)unused;
	ps_buf_init(&b, PS_MEM_TEST, 1u << 16);
	assert_int_equal(ps_buf_addstr(&b, "GET /"), PS_OK);
	for (int i = 0; i < 10000; i++)
		assert_int_equal(ps_buf_addch(&b, 'u'), PS_OK);
	assert_int_equal(ps_buf_addstr(&b, " HTTP/1.1\r\nHost: h\r\n\r\n"), PS_OK);
	start(&h, 80);
	/* first request valid, then an over-long one split over chunks */
	assert_int_equal(feed(&h, C2S, "GET / HTTP/1.1\r\n\r\n"), PS_OK);
	assert_int_equal(ps_proto_harness_feed(&h, C2S, b.p, 3000), PS_OK);
	assert_int_equal(ps_proto_harness_feed(&h, C2S, b.p + 3000, b.len - 3000), PS_OK);
	assert_int_equal(feed(&h, C2S, "GET /ok HTTP/1.1\r\n\r\n"), PS_OK);
	ps_proto_harness_finish(&h);
	/* the long line keeps its head and its headers still parse */
	assert_int_equal(ps_proto_harness_anomalies(&h, "http_line_too_long"), 1);
	assert_int_equal(ps_proto_harness_anomalies(&h, "http_request_line_invalid"), 0);
	assert_int_equal(ps_proto_harness_nevents(&h), 3);
	has(&h, 1, "\"hostname\":\"h\"", "\"url\":\"/uuuu", NULL);
	has(&h, 2, "\"url\":\"/ok\"", NULL);
	ps_proto_harness_release(&h);
	ps_buf_release(&b);
}

/*
 * One conversation with every kind of framing; the events must not depend
 * on how the stream is cut. Timestamps differ per feed, so compare from
 * "flow_id" on.
 */
static const char conv_c2s[] =
	"POST /form HTTP/1.1\r\nHost: a.example\r\nUser-Agent: UA\r\n"
	"Authorization: Basic YWxpY2U6czNjcjN0\r\n"
	"Transfer-Encoding: chunked\r\n\r\n"
	"3;x=y\r\nabc\r\n0\r\nT: 1\r\n\r\n"
	"GET /b.bin HTTP/1.1\r\nHost: a.example\r\n\r\n"
	"HEAD /c HTTP/1.1\r\nHost: a.example\r\n\r\n"
	"GET /d HTTP/1.0\r\nHost: [2001:db8::1]:81\r\nX-Note: a\r\n b\r\n\r\n";

static size_t conv_s2c(uint8_t *out, size_t cap)
{
	static const char pre[] =
		"HTTP/1.1 100 Continue\r\n\r\n"
		"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
		"Content-Encoding: gzip\r\n\r\n";
	static const char post[] =
		"HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n"
		"HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n"
		"MZ\x90\x00 tail bytes";
	uint8_t gz[128];
	size_t n = squeeze("hello world", 11, gz, sizeof(gz), 31), len = 0;
	int k;

	memcpy(out, pre, sizeof(pre) - 1);
	len = sizeof(pre) - 1;
	/* the gzip body in two chunks */
	k = snprintf((char *)out + len, cap - len, "%zx\r\n", n / 2);
	len += (size_t)k;
	memcpy(out + len, gz, n / 2);
	len += n / 2;
	k = snprintf((char *)out + len, cap - len, "\r\n%zx\r\n", n - n / 2);
	len += (size_t)k;
	memcpy(out + len, gz + n / 2, n - n / 2);
	len += n - n / 2;
	memcpy(out + len, "\r\n0\r\n\r\n", 7);
	len += 7;
	memcpy(out + len, post, sizeof(post) - 1);
	return len + sizeof(post) - 1;
}

/* Feed c2s cut at i and s2c cut at j (SIZE_MAX: byte by byte). */
static void run_conv(struct ps_proto_harness *h, const uint8_t *s2c,
		     size_t ns, size_t i, size_t j)
{
	const uint8_t *c2s = (const uint8_t *)conv_c2s;
	size_t nc = sizeof(conv_c2s) - 1, k;

	start(h, 80);
	if (i == SIZE_MAX) {
		for (k = 0; k < nc; k++)
			assert_int_equal(ps_proto_harness_feed(h, C2S, c2s + k, 1), PS_OK);
	} else {
		assert_int_equal(ps_proto_harness_feed(h, C2S, c2s, i), PS_OK);
		assert_int_equal(ps_proto_harness_feed(h, C2S, c2s + i, nc - i), PS_OK);
	}
	if (j == SIZE_MAX) {
		for (k = 0; k < ns; k++)
			assert_int_equal(ps_proto_harness_feed(h, S2C, s2c + k, 1), PS_OK);
	} else {
		assert_int_equal(ps_proto_harness_feed(h, S2C, s2c, j), PS_OK);
		assert_int_equal(ps_proto_harness_feed(h, S2C, s2c + j, ns - j), PS_OK);
	}
	ps_proto_harness_finish(h);
}

static void same_events(const struct ps_proto_harness *a,
			const struct ps_proto_harness *b)
{
	assert_int_equal(ps_proto_harness_nevents(a), ps_proto_harness_nevents(b));
	for (size_t i = 0; i < ps_proto_harness_nevents(a); i++)
		assert_string_equal(strstr(ev(a, i), "\"flow_id\""),
				    strstr(ev(b, i), "\"flow_id\""));
}

static void test_any_split(void **unused)
{
	struct ps_proto_harness ref, h;
	uint8_t s2c[1024];
	size_t ns = conv_s2c(s2c, sizeof(s2c)), nc = sizeof(conv_c2s) - 1;

	(void)unused;
	run_conv(&ref, s2c, ns, nc, ns);
	/* 3 request bodies/response bodies + 4 transactions */
	assert_int_equal(ps_proto_harness_nevents(&ref), 8);
	has(&ref, 0, "\"direction\":\"to_server\"", "\"size\":3", NULL);
	has(&ref, 1, "\"sha256\":\"" HELLO_SHA256 "\"", NULL);
	has(&ref, 2, "\"tx_id\":0", "\"url\":\"/form\"", "\"user\":\"alice\"", NULL);
	has(&ref, 3, "\"sha256\":\"" HW_SHA256 "\"", "\"filename\":\"/b.bin\"", NULL);
	has(&ref, 4, "\"tx_id\":1", NULL);
	has(&ref, 5, "\"tx_id\":2", "\"http_method\":\"HEAD\"", NULL);
	has(&ref, 6, "\"magic\":\"MS-DOS executable\"", "\"size\":15", NULL);
	has(&ref, 7, "\"hostname\":\"[2001:db8::1]\"", "\"http_port\":81",
	    "{\"name\":\"X-Note\",\"value\":\"a b\"}", NULL);
	assert_int_equal(ps_proto_harness_anomalies(&ref, "http_invalid_chunk"), 0);

	run_conv(&h, s2c, ns, SIZE_MAX, SIZE_MAX);
	same_events(&ref, &h);
	ps_proto_harness_release(&h);
	for (size_t i = 0; i <= nc; i++) {
		run_conv(&h, s2c, ns, i, ns);
		same_events(&ref, &h);
		ps_proto_harness_release(&h);
	}
	for (size_t j = 0; j <= ns; j++) {
		run_conv(&h, s2c, ns, nc, j);
		same_events(&ref, &h);
		ps_proto_harness_release(&h);
	}
	ps_proto_harness_release(&ref);
}

static void test_probe(void **unused)
{
	const struct ps_proto_parser *p = &ps_proto_http;

	(void)unused;
	assert_int_equal(p->probe((const uint8_t *)"GET / HTTP/1.1\r\n", 16, C2S), PS_PROBE_YES);
	assert_int_equal(p->probe((const uint8_t *)"PROPFIND /d HTTP/1.1\n", 21, C2S), PS_PROBE_YES);
	assert_int_equal(p->probe((const uint8_t *)"GE", 2, C2S), PS_PROBE_MORE);
	assert_int_equal(p->probe((const uint8_t *)"POST /lo", 8, C2S), PS_PROBE_MORE);
	assert_int_equal(p->probe((const uint8_t *)"GEX / HTTP/1.1\r\n", 16, C2S), PS_PROBE_NO);
	assert_int_equal(p->probe((const uint8_t *)"get / HTTP/1.1\r\n", 16, C2S), PS_PROBE_NO);
	assert_int_equal(p->probe((const uint8_t *)"OPTIONS rtsp://x RTSP/1.0\r\n", 27, C2S),
			 PS_PROBE_NO);
	assert_int_equal(p->probe((const uint8_t *)"\x16\x03\x01", 3, C2S), PS_PROBE_NO);
	assert_int_equal(p->probe((const uint8_t *)"HTTP/1.1 200 OK\r\n", 17, S2C), PS_PROBE_YES);
	assert_int_equal(p->probe((const uint8_t *)"HTTP", 4, S2C), PS_PROBE_MORE);
	assert_int_equal(p->probe((const uint8_t *)"RTSP/1.0 200", 12, S2C), PS_PROBE_NO);
	assert_int_equal(p->probe((const uint8_t *)"GET / HTTP/1.1\r\n", 16, S2C), PS_PROBE_NO);
	assert_int_equal(p->ports[0], 80);
	assert_int_equal(p->l4, PS_PROTO_L4_TCP);
}

static void test_magic(void **unused)
{
	uint8_t pe[512];

	(void)unused;
	/* a PE32 GUI image: e_lfanew 0x80, "PE\0\0", optional magic 0x10b, subsystem 2 */
	memset(pe, 0, sizeof(pe));
	memcpy(pe, "MZ", 2);
	pe[0x3c] = 0x80;
	memcpy(pe + 0x80, "PE\0\0", 4);
	pe[0x80 + 24] = 0x0b;
	pe[0x80 + 25] = 0x01;
	pe[0x80 + 24 + 68] = 2;
	assert_string_equal(http_magic(pe, sizeof(pe)), "PE32 executable (GUI), for MS Windows");
	pe[0x80 + 25] = 0x02;     /* 0x20b: PE32+ */
	pe[0x80 + 24 + 68] = 3;
	assert_string_equal(http_magic(pe, sizeof(pe)), "PE32+ executable (console), for MS Windows");
	assert_string_equal(http_magic(pe, 64), "MS-DOS executable");
	/* ELF header: class 2 (64-bit), data 1 (LSB), e_type 3 (DYN) */
	assert_string_equal(http_magic((const uint8_t *)"\x7f" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\x00", 18),
			    "ELF 64-bit LSB shared object");
	assert_string_equal(http_magic((const uint8_t *)"\x89PNG\r\n\x1a\n", 8), "PNG image data");
	assert_string_equal(http_magic((const uint8_t *)"\xff\xd8\xff\xe0", 4), "JPEG image data");
	assert_string_equal(http_magic((const uint8_t *)"GIF89a", 6), "GIF image data");
	assert_string_equal(http_magic((const uint8_t *)"PK\x03\x04", 4), "Zip archive data");
	assert_string_equal(http_magic((const uint8_t *)"\x1f\x8b\x08", 3), "gzip compressed data");
	assert_string_equal(http_magic((const uint8_t *)"\n <!DOCTYPE HTML>", 17), "HTML document");
	assert_string_equal(http_magic((const uint8_t *)"{\"a\":1}", 7), "JSON text data");
	assert_string_equal(http_magic((const uint8_t *)"\x00\x01\x02", 3), "data");
	assert_null(http_magic(NULL, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_with_body),
		cmocka_unit_test(test_pipelining),
		cmocka_unit_test(test_chunked),
		cmocka_unit_test(test_gzip_deflate),
		cmocka_unit_test(test_gzip_error),
		cmocka_unit_test(test_decompression_bomb),
		cmocka_unit_test(test_no_body_statuses),
		cmocka_unit_test(test_until_close),
		cmocka_unit_test(test_connect),
		cmocka_unit_test(test_connect_refused),
		cmocka_unit_test(test_upgrade),
		cmocka_unit_test(test_header_caps),
		cmocka_unit_test(test_content_length),
		cmocka_unit_test(test_invalid_length_resyncs),
		cmocka_unit_test(test_credentials_masked),
		cmocka_unit_test(test_not_http),
		cmocka_unit_test(test_midstream_resync),
		cmocka_unit_test(test_response_without_request),
		cmocka_unit_test(test_gaps),
		cmocka_unit_test(test_folding_and_upload),
		cmocka_unit_test(test_transaction_cap),
		cmocka_unit_test(test_http09),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_any_split),
		cmocka_unit_test(test_probe),
		cmocka_unit_test(test_magic),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
