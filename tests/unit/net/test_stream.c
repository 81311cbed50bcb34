/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TCP reassembly: handshake and data both ways, out-of-order delivery,
 * retransmission and overlap (first wins), gaps, the out-of-order caps,
 * depth, sequence wrap-around, RST, midstream pickup and flow end. The
 * delivered stream of each direction is recorded as text, a hole as "<gN>".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/core.h"
#include "net/flow.h"
#include "net/stream.h"

#define S(x) ((int64_t)(x) * 1000000)

/* One connection 10.0.0.2:40000 (client) <-> 10.0.0.1:80 under test. */
struct rig {
	struct ps_flow_table t;
	struct ps_stream_cb cb;
	uint64_t ctr[PS_STREAM__COUNT];
	char out[2][8192];        /* delivered stream per direction */
	size_t len[2];
	const uint8_t *last_ptr;  /* data pointer of the last delivery */
	int ends;
	int64_t ts;
};

static void on_data(void *arg, struct ps_flow *f, int dir, const uint8_t *data, size_t len,
		    int64_t ts_us)
{
	struct rig *r = arg;

	(void)f;
	(void)ts_us;
	assert_true(len > 0);
	assert_true(r->len[dir] + len < sizeof(r->out[dir]));
	memcpy(r->out[dir] + r->len[dir], data, len);
	r->len[dir] += len;
	r->out[dir][r->len[dir]] = '\0';
	r->last_ptr = data;
}

static void on_gap(void *arg, struct ps_flow *f, int dir, size_t len)
{
	struct rig *r = arg;
	int n;

	(void)f;
	n = snprintf(r->out[dir] + r->len[dir], sizeof(r->out[dir]) - r->len[dir], "<g%zu>", len);
	r->len[dir] += (size_t)n;
}

static void on_end(void *arg, struct ps_flow *f, enum ps_flow_end why)
{
	struct rig *r = arg;

	(void)why;
	r->ends++;
	ps_stream_flow_end(f, &r->cb, r->ctr);
	ps_stream_flow_end(f, &r->cb, r->ctr); /* idempotent */
}

static void rig_init(struct rig *r, const struct ps_stream_config *sc, uint64_t memcap)
{
	struct ps_flow_config c;

	memset(r, 0, sizeof(*r));
	ps_flow_config_default(&c);
	c.hash_size = 64;
	if (sc != NULL)
		c.stream = *sc;
	if (memcap != 0)
		c.memcap = memcap;
	r->cb.data = on_data;
	r->cb.gap = on_gap;
	r->cb.arg = r;
	r->ts = S(1);
	assert_int_equal(ps_flow_table_init(&r->t, &c, on_end, r), PS_OK);
}

/*
 * Send one segment: to_client 0 = client -> server. flags are TCP flags,
 * seq/ack the header fields, data the payload (NUL-terminated text).
 * Returns the flow.
 */
static struct ps_flow *seg(struct rig *r, int to_client, uint8_t flags, uint32_t seq,
			   uint32_t ack, const char *data)
{
	struct ps_packet p;
	struct ps_flow *f;
	int dir = -1;

	memset(&p, 0, sizeof(p));
	p.ts_us = r->ts;
	p.flags = PS_PKT_HAS_L3 | PS_PKT_HAS_L4;
	p.family = PS_AF_INET;
	p.ip_proto = PS_IPPROTO_TCP;
	(void)ps_addr_parse(to_client ? "10.0.0.1" : "10.0.0.2", &p.src);
	(void)ps_addr_parse(to_client ? "10.0.0.2" : "10.0.0.1", &p.dst);
	p.sport = to_client ? 80 : 40000;
	p.dport = to_client ? 40000 : 80;
	p.tcp_flags = flags;
	p.tcp_seq = seq;
	p.tcp_ack = ack;
	p.payload = (const uint8_t *)data;
	p.payload_len = data != NULL ? (uint32_t)strlen(data) : 0;
	p.wirelen = 54 + p.payload_len;
	f = ps_flow_table_get(&r->t, &p, &dir);
	assert_non_null(f);
	assert_int_equal(dir, to_client);
	ps_stream_packet(&r->t, f, &p, dir, &r->cb, r->ctr);
	return f;
}

#define C2S 0
#define S2C 1
#define A PS_TH_ACK

/* SYN, SYN+ACK, ACK with client ISN ci and server ISN si. */
static struct ps_flow *handshake(struct rig *r, uint32_t ci, uint32_t si)
{
	seg(r, C2S, PS_TH_SYN, ci, 0, NULL);
	seg(r, S2C, PS_TH_SYN | A, si, ci + 1, NULL);
	return seg(r, C2S, A, ci + 1, si + 1, NULL);
}

static void rig_release(struct rig *r)
{
	ps_flow_table_release(&r->t);
}

static void test_handshake_both_ways(void **unused)
{
	struct rig r;
	struct ps_flow *f;
	const char *req = "GET / HTTP/1.0\r\n\r\n";

	(void)unused;
	rig_init(&r, NULL, 0);
	f = handshake(&r, 1000, 5000);
	/* request in two segments, the response interleaved with the second */
	seg(&r, C2S, A | PS_TH_PSH, 1001, 5001, "GET / HTTP/1.0\r\n");
	assert_ptr_equal(r.last_ptr, (const uint8_t *)"GET / HTTP/1.0\r\n"); /* zero copy */
	seg(&r, S2C, A | PS_TH_PSH, 5001, 1017, "HTTP/1.0 200 OK\r\n");
	seg(&r, C2S, A | PS_TH_PSH, 1017, 5018, "\r\n");
	seg(&r, S2C, A | PS_TH_FIN, 5018, 1019, "\r\nhi");
	seg(&r, C2S, A | PS_TH_FIN, 1019, 5022, NULL);
	assert_string_equal(r.out[C2S], req);
	assert_string_equal(r.out[S2C], "HTTP/1.0 200 OK\r\n\r\nhi");
	assert_int_equal(f->tcp_state, PS_TCP_CLOSED);
	assert_int_equal(r.ctr[PS_STREAM_SEGMENTS], 4);
	assert_int_equal(r.ctr[PS_STREAM_MIDSTREAM], 0);
	assert_int_equal(r.ctr[PS_STREAM_OOO], 0);
	assert_int_equal(r.ctr[PS_STREAM_GAP], 0);
	rig_release(&r);
	assert_int_equal(r.ends, 1);
}

static void test_out_of_order(void **unused)
{
	struct rig r;

	(void)unused;
	rig_init(&r, NULL, 0);
	handshake(&r, 100, 900);
	/* "abc" at 101, "def" at 104, "ghi" at 107 arrive as 3, 2, 1 */
	seg(&r, C2S, A, 107, 901, "ghi");
	seg(&r, C2S, A, 104, 901, "def");
	assert_int_equal(r.len[C2S], 0);
	seg(&r, C2S, A, 101, 901, "abc");
	assert_string_equal(r.out[C2S], "abcdefghi");
	assert_int_equal(r.ctr[PS_STREAM_OOO], 2);
	/* server bytes interleaved are independent: 2 then 1 */
	seg(&r, S2C, A, 903, 110, "CD");
	seg(&r, S2C, A, 901, 110, "AB");
	assert_string_equal(r.out[S2C], "ABCD");
	/* more in order after the buffered ones */
	seg(&r, C2S, A, 110, 905, "j");
	assert_string_equal(r.out[C2S], "abcdefghij");
	assert_int_equal(r.ctr[PS_STREAM_GAP], 0);
	assert_int_equal(r.ctr[PS_STREAM_RETRANSMIT], 0);
	rig_release(&r);
}

static void test_retransmit_overlap(void **unused)
{
	struct rig r;

	(void)unused;
	rig_init(&r, NULL, 0);
	handshake(&r, 0, 0);
	seg(&r, C2S, A, 1, 1, "hello ");
	seg(&r, C2S, A, 1, 1, "hello "); /* plain retransmission */
	assert_int_equal(r.ctr[PS_STREAM_RETRANSMIT], 1);
	seg(&r, C2S, A, 4, 1, "LO world"); /* "lo " already delivered: trimmed */
	assert_string_equal(r.out[C2S], "hello world");
	assert_int_equal(r.ctr[PS_STREAM_OVERLAP], 1);
	/* out of order "XYZ" at 15, then "0123456" at 12 overlapping it: first wins */
	seg(&r, C2S, A, 15, 1, "XYZ");
	seg(&r, C2S, A, 15, 1, "XYZ"); /* same bytes buffered again */
	assert_int_equal(r.ctr[PS_STREAM_RETRANSMIT], 2);
	assert_int_equal(r.ctr[PS_STREAM_OVERLAP_DIFF], 0);
	seg(&r, C2S, A, 12, 1, "!!!abcd");
	assert_string_equal(r.out[C2S], "hello world!!!XYZd");
	assert_int_equal(r.ctr[PS_STREAM_OVERLAP], 2);
	assert_int_equal(r.ctr[PS_STREAM_OVERLAP_DIFF], 1);
	/* an out-of-order segment overlapping two buffered ones on both sides */
	seg(&r, C2S, A, 22, 1, "BB");   /* 22-23 */
	seg(&r, C2S, A, 26, 1, "DD");   /* 26-27 */
	seg(&r, C2S, A, 21, 1, "abbcddE"); /* 21-27: fills 21, 24-25 */
	seg(&r, C2S, A, 19, 1, "ef");
	assert_string_equal(r.out[C2S], "hello world!!!XYZdefaBBcdDD");
	assert_int_equal(r.ctr[PS_STREAM_OVERLAP_DIFF], 2);
	rig_release(&r);
}

static void test_gap_at_end(void **unused)
{
	struct rig r;

	(void)unused;
	rig_init(&r, NULL, 0);
	handshake(&r, 0, 0);
	seg(&r, C2S, A, 1, 1, "ab");
	seg(&r, C2S, A, 6, 1, "fg");  /* 3..5 never captured */
	seg(&r, C2S, A, 10, 1, "jk"); /* 8..9 neither */
	seg(&r, S2C, A, 1, 3, "x");   /* acks only "ab": no gap yet */
	assert_string_equal(r.out[C2S], "ab");
	rig_release(&r); /* flush -> on_end -> ps_stream_flow_end */
	assert_string_equal(r.out[C2S], "ab<g3>fg<g2>jk");
	assert_int_equal(r.ctr[PS_STREAM_GAP], 2);
	assert_int_equal(r.ctr[PS_STREAM_GAP_BYTES], 5);
	assert_string_equal(r.out[S2C], "x");
}

static void test_gap_on_ack(void **unused)
{
	struct rig r;

	(void)unused;
	rig_init(&r, NULL, 0);
	handshake(&r, 0, 0);
	seg(&r, C2S, A, 1, 1, "ab");
	seg(&r, C2S, A, 5, 1, "ef"); /* 3..4 lost by the capture */
	/* the server acknowledges 7: it had 3..4, so the hole will not be filled */
	seg(&r, S2C, A, 1, 7, "ok");
	assert_string_equal(r.out[C2S], "ab<g2>ef");
	/* the late copy of 3..4 is now old */
	seg(&r, C2S, A, 3, 3, "cd");
	assert_string_equal(r.out[C2S], "ab<g2>ef");
	assert_int_equal(r.ctr[PS_STREAM_RETRANSMIT], 1);
	rig_release(&r);
}

static void test_ooo_caps(void **unused)
{
	struct ps_stream_config sc = {.depth = 0, .ooo_max_bytes = 6, .ooo_max_segs = 64};
	struct rig r;

	(void)unused;
	rig_init(&r, &sc, 0);
	handshake(&r, 0, 0);
	seg(&r, C2S, A, 1, 1, "a");
	seg(&r, C2S, A, 3, 1, "cd");  /* hole at 2 */
	seg(&r, C2S, A, 6, 1, "fg");  /* hole at 5; 4 bytes buffered */
	seg(&r, C2S, A, 9, 1, "ijk"); /* 7 > 6: give up the hole at 2 */
	assert_string_equal(r.out[C2S], "a<g1>cd");
	assert_int_equal(r.ctr[PS_STREAM_OOO_DROPPED], 1);
	seg(&r, C2S, A, 5, 1, "e");
	assert_string_equal(r.out[C2S], "a<g1>cdefg");
	/* a segment bigger than the cap on its own: gap, then delivered */
	seg(&r, C2S, A, 14, 1, "nopqrstu");
	assert_string_equal(r.out[C2S], "a<g1>cdefg<g1>ijk<g2>nopqrstu");
	rig_release(&r);

	/* the chunk cap: 2 chunks */
	sc.ooo_max_bytes = 1000;
	sc.ooo_max_segs = 2;
	rig_init(&r, &sc, 0);
	handshake(&r, 0, 0);
	seg(&r, C2S, A, 3, 1, "c");
	seg(&r, C2S, A, 5, 1, "e");
	seg(&r, C2S, A, 2, 1, "b"); /* starts before the buffered ones: gap 1 only */
	assert_string_equal(r.out[C2S], "<g1>bc");
	seg(&r, C2S, A, 7, 1, "g");
	seg(&r, C2S, A, 9, 1, "i"); /* third chunk: hole at 4 given up */
	assert_string_equal(r.out[C2S], "<g1>bc<g1>e");
	rig_release(&r);
	assert_string_equal(r.out[C2S], "<g1>bc<g1>e<g1>g<g1>i");
}

static void test_depth(void **unused)
{
	struct ps_stream_config sc = {.depth = 10, .ooo_max_bytes = 1000, .ooo_max_segs = 64};
	struct rig r;

	(void)unused;
	rig_init(&r, &sc, 0);
	handshake(&r, 0, 0);
	seg(&r, C2S, A, 1, 1, "0123");
	seg(&r, C2S, A, 9, 1, "89abc"); /* buffered */
	seg(&r, C2S, A, 5, 1, "4567");  /* fills: 10 bytes then stop */
	assert_string_equal(r.out[C2S], "0123456789");
	assert_int_equal(r.ctr[PS_STREAM_DEPTH_REACHED], 1);
	seg(&r, C2S, A, 14, 1, "def");
	seg(&r, C2S, A, 20, 1, "zz");
	assert_string_equal(r.out[C2S], "0123456789");
	assert_int_equal(r.ctr[PS_STREAM_DEPTH_REACHED], 1);
	/* the other direction has its own depth; gaps count toward it */
	seg(&r, S2C, A, 4, 1, "defghijklmn");
	rig_release(&r);
	assert_string_equal(r.out[S2C], "<g3>defghij");
	assert_int_equal(r.ctr[PS_STREAM_DEPTH_REACHED], 2);
}

static void test_wraparound(void **unused)
{
	struct rig r;

	(void)unused;
	rig_init(&r, NULL, 0);
	/* client ISN 0xfffffff8: data starts at 0xfffffff9 and wraps after 7 bytes */
	handshake(&r, 0xfffffff8u, 0x7ffffffeu);
	seg(&r, C2S, A, 0x00000003u, 0x7fffffffu, "KLMNO"); /* after the wrap, early */
	seg(&r, C2S, A, 0xfffffff9u, 0x7fffffffu, "ABCD");   /* ..fffffffc */
	seg(&r, C2S, A, 0xfffffffdu, 0x7fffffffu, "EFGHIJ"); /* fffffffd..00000002 */
	assert_string_equal(r.out[C2S], "ABCDEFGHIJKLMNO");
	/* server side crosses the signed half: 0x7fffffff.. */
	seg(&r, S2C, A, 0x80000001u, 8, "yz");
	seg(&r, S2C, A, 0x7fffffffu, 8, "wx");
	assert_string_equal(r.out[S2C], "wxyz");
	/* a retransmission from before the wrap is still old */
	seg(&r, C2S, A, 0xfffffffbu, 0x7fffffffu, "CD");
	assert_int_equal(r.ctr[PS_STREAM_RETRANSMIT], 1);
	assert_int_equal(r.ctr[PS_STREAM_GAP], 0);
	rig_release(&r);
}

static void test_rst_and_bad_seq(void **unused)
{
	struct rig r;
	struct ps_flow *f;

	(void)unused;
	rig_init(&r, NULL, 0);
	handshake(&r, 0, 0);
	seg(&r, C2S, A, 1, 1, "data");
	/* over 1 GiB ahead is not a TCP window: dropped */
	seg(&r, C2S, A, 0x40000010u, 1, "far");
	assert_int_equal(r.ctr[PS_STREAM_BAD_SEQ], 1);
	f = seg(&r, S2C, PS_TH_RST | A, 1, 5, "reset text");
	assert_int_equal(f->tcp_state, PS_TCP_CLOSED);
	assert_int_equal(r.len[S2C], 0); /* RST payload is not stream data */
	rig_release(&r);
	assert_string_equal(r.out[C2S], "data");
}

static void test_midstream(void **unused)
{
	struct rig r;

	(void)unused;
	rig_init(&r, NULL, 0);
	/* no handshake: the capture starts in the middle */
	seg(&r, C2S, A, 70000, 1234, "more request");
	seg(&r, S2C, A, 1234, 70012, "reply");
	seg(&r, C2S, A, 70012, 1239, "!");
	assert_string_equal(r.out[C2S], "more request!");
	assert_string_equal(r.out[S2C], "reply");
	assert_int_equal(r.ctr[PS_STREAM_MIDSTREAM], 1);
	rig_release(&r);

	/* data on the SYN (TCP Fast Open) starts at ISN + 1 */
	rig_init(&r, NULL, 0);
	seg(&r, C2S, PS_TH_SYN, 10, 0, "tfo");
	seg(&r, S2C, PS_TH_SYN | A, 20, 14, NULL);
	seg(&r, C2S, A, 14, 21, "+");
	assert_string_equal(r.out[C2S], "tfo+");
	assert_int_equal(r.ctr[PS_STREAM_MIDSTREAM], 0);
	rig_release(&r);
}

static void test_chunk_memcap(void **unused)
{
	struct ps_mem_stats m0, m1;
	struct rig r;
	char big[5000];

	(void)unused;
	ps_mem_stats_get(PS_MEM_FLOW, &m0);
	rig_init(&r, NULL, 0);
	handshake(&r, 0, 0);
	seg(&r, C2S, A, 3, 1, "c"); /* one chunk */
	ps_mem_fail_at(1, false);   /* no memory for the next chunk */
	seg(&r, C2S, A, 5, 1, "e"); /* gives up the hole at 1..2, then fits */
	ps_mem_fail_at(0, false);
	assert_int_equal(r.ctr[PS_STREAM_MEMCAP], 1);
	assert_string_equal(r.out[C2S], "<g2>c");
	rig_release(&r);
	assert_string_equal(r.out[C2S], "<g2>c<g1>e");

	/* a segment split over several chunks (2032 data bytes each) */

	rig_init(&r, NULL, 0);
	handshake(&r, 0, 0);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	seg(&r, C2S, A, 2, 1, big);
	seg(&r, C2S, A, 1, 1, "<");
	assert_int_equal(r.len[C2S], 5000);
	assert_int_equal(r.out[C2S][0], '<');
	assert_int_equal(r.out[C2S][4999], 'x');
	rig_release(&r);
	ps_mem_stats_get(PS_MEM_FLOW, &m1);
	assert_int_equal(m1.bytes, m0.bytes);
}

/* Chunks cached by ended flows give their memory back to new flows. */
static void test_chunk_memory_reused(void **unused)
{
	struct ps_flow_stats st;
	struct ps_packet p;
	struct rig r;
	int dir;

	(void)unused;
	rig_init(&r, NULL, 64 * sizeof(void *) + ps_flow_mem_per_slab() +
		 3 * ps_flow_mem_per_chunk() + 100);
	handshake(&r, 0, 0);
	seg(&r, C2S, A, 3, 1, "c"); /* three chunks out of order */
	seg(&r, C2S, A, 5, 1, "e");
	seg(&r, C2S, A, 7, 1, "g");
	ps_flow_table_flush(&r.t);  /* the chunks go to the table's cache */
	assert_string_equal(r.out[C2S], "<g2>c<g1>e<g1>g");
	memset(&p, 0, sizeof(p));
	p.flags = PS_PKT_HAS_L3;
	p.family = PS_AF_INET;
	p.ip_proto = PS_IPPROTO_UDP;
	p.ts_us = S(2);
	for (uint32_t i = 0; i < 257; i++) { /* one slab and one more flow */
		p.src.w[0] = i + 1;
		assert_non_null(ps_flow_table_get(&r.t, &p, &dir));
	}
	ps_flow_table_stats(&r.t, &st);
	assert_int_equal(st.evicted_memcap, 0);
	assert_int_equal(st.active, 257);
	assert_true(st.mem_bytes <= 64 * sizeof(void *) + ps_flow_mem_per_slab() +
		    3 * ps_flow_mem_per_chunk() + 100);
	rig_release(&r);
}

static void test_counter_names(void **unused)
{
	(void)unused;
	for (int i = 0; i < PS_STREAM__COUNT; i++) {
		assert_non_null(ps_stream_ctr_name((enum ps_stream_ctr)i));
		assert_true(strncmp(ps_stream_ctr_name((enum ps_stream_ctr)i), "stream.", 7) == 0);
	}
	assert_string_equal(ps_stream_ctr_name(PS_STREAM_GAP), "stream.reassembly_gap");
	assert_string_equal(ps_stream_ctr_name(PS_STREAM__COUNT), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handshake_both_ways),
		cmocka_unit_test(test_out_of_order),
		cmocka_unit_test(test_retransmit_overlap),
		cmocka_unit_test(test_gap_at_end),
		cmocka_unit_test(test_gap_on_ack),
		cmocka_unit_test(test_ooo_caps),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_wraparound),
		cmocka_unit_test(test_rst_and_bad_seq),
		cmocka_unit_test(test_midstream),
		cmocka_unit_test(test_chunk_memcap),
		cmocka_unit_test(test_chunk_memory_reused),
		cmocka_unit_test(test_counter_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
