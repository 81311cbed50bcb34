/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target for TCP reassembly (net/stream.c) through the flow table:
 * the input is a config header and then 5-byte records, each one TCP
 * segment of a single connection. Payload byte values are a function of
 * their sequence number, so the target checks that the delivered bytes are
 * exactly the sent ones, in order, never more than fed nor past the depth.
 *
 * Input: h0 (depth, ooo bytes, ooo chunks, memcap: 2 bits each), h1..h4
 * (client ISN, little-endian); then records
 *   ctl: bit0 to-client, 1 SYN, 2 FIN, 3 RST, 4 ACK, 5 corrupt payload,
 *        6 length x 32, 7 advance the clock 100 s
 *   d0 d1: signed move of the sender's cursor before the segment
 *   len: payload length (x 32 with bit 6)
 *   ack: how far the ACK lags behind the peer's highest byte
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "core/core.h"
#include "net/flow.h"
#include "net/stream.h"

struct state {
	struct ps_flow_table t;
	struct ps_stream_cb cb;
	uint64_t ctr[PS_STREAM__COUNT];
	uint32_t isn[2];
	int32_t cursor[2], top[2];   /* relative to isn + 1 */
	uint64_t fed[2], got[2], stream[2];
	bool corrupt[2];             /* bytes not equal to the oracle were sent */
	bool have_next[2];
	uint32_t next[2];            /* seq the next delivery must start at */
	uint32_t depth;
};

static void check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_net_stream: %s\n", what);
		abort();
	}
}

static uint8_t oracle(int dir, uint32_t seq)
{
	return (uint8_t)(((seq * UINT32_C(2654435761)) >> 24) ^ (uint32_t)dir);
}

/*
 * The stream code calls back before it advances next_seq (stream.c), so
 * tcp->dir[dir].next_seq is the sequence number of data[0].
 */
/* Flow direction -> side of the input (0: 10.0.0.1:40000, the sender of ctl bit0 = 0). */
static int side_of(const struct ps_flow *f, int dir)
{
	return f->cport == 40000 ? dir : !dir;
}

static void on_data(void *arg, struct ps_flow *f, int fdir, const uint8_t *data, size_t len,
		    int64_t ts_us)
{
	struct state *s = arg;
	uint32_t seq = f->tcp->dir[fdir].next_seq;
	int dir = side_of(f, fdir);

	(void)ts_us;
	check(len > 0, "empty delivery");
	if (s->have_next[dir])
		check(seq == s->next[dir], "delivery out of sequence");
	if (!s->corrupt[dir])
		for (size_t i = 0; i < len; i++)
			check(data[i] == oracle(dir, seq + (uint32_t)i), "wrong byte delivered");
	s->have_next[dir] = true;
	s->next[dir] = seq + (uint32_t)len;
	s->got[dir] += len;
	s->stream[dir] += len;
	check(s->got[dir] <= s->fed[dir], "more delivered than fed");
	check(s->depth == 0 || s->stream[dir] <= s->depth, "delivered past the depth");
}

static void on_gap(void *arg, struct ps_flow *f, int fdir, size_t len)
{
	struct state *s = arg;
	int dir = side_of(f, fdir);

	check(len > 0, "empty gap");
	if (s->have_next[dir])
		s->next[dir] += (uint32_t)len;
	s->stream[dir] += len;
	check(s->depth == 0 || s->stream[dir] <= s->depth, "gap past the depth");
}

static void on_end(void *arg, struct ps_flow *f, enum ps_flow_end why)
{
	struct state *s = arg;

	(void)why;
	ps_stream_flow_end(f, &s->cb, s->ctr);
	ps_stream_flow_end(f, &s->cb, s->ctr);
	for (int d = 0; d < 2; d++) {
		s->have_next[d] = false;
		s->stream[d] = 0;
	}
}

static void config(struct state *s, uint8_t h, struct ps_flow_config *c)
{
	static const uint32_t depth[] = {0, 100, 5000, 1u << 20};
	static const uint32_t ooo_bytes[] = {0, 50, 3000, 65536};
	static const uint16_t ooo_segs[] = {1, 4, 64, 1000};
	uint64_t flows = 256 * ps_flow_mem_per_flow() + 128 + 64 * sizeof(void *);
	const uint64_t memcap[] = {0, flows, flows + 2 * ps_flow_mem_per_chunk(),
				   flows + 20 * ps_flow_mem_per_chunk()};

	ps_flow_config_default(c);
	c->hash_size = 64;
	c->stream.depth = depth[h & 3];
	c->stream.ooo_max_bytes = ooo_bytes[(h >> 2) & 3];
	c->stream.ooo_max_segs = ooo_segs[(h >> 4) & 3];
	if (memcap[h >> 6] != 0)
		c->memcap = memcap[h >> 6];
	s->depth = c->stream.depth;
}

static void feed(struct state *s, const uint8_t *r, int64_t ts, uint8_t *buf)
{
	struct ps_packet p;
	struct ps_flow *f;
	int dir = r[0] & 1, got_dir = -1;
	uint32_t len = r[3] * ((r[0] & 0x40) ? 32u : 1u), seq;

	s->cursor[dir] += (int16_t)(r[1] | r[2] << 8);
	seq = s->isn[dir] + 1 + (uint32_t)s->cursor[dir];
	memset(&p, 0, sizeof(p));
	p.ts_us = ts;
	p.flags = PS_PKT_HAS_L3 | PS_PKT_HAS_L4;
	p.family = PS_AF_INET;
	p.ip_proto = PS_IPPROTO_TCP;
	p.src.b[0] = 10;
	p.src.b[3] = (uint8_t)(dir + 1);
	p.dst.b[0] = 10;
	p.dst.b[3] = (uint8_t)(2 - dir);
	p.sport = dir ? 80 : 40000;
	p.dport = dir ? 40000 : 80;
	p.tcp_flags = (uint8_t)(((r[0] >> 1) & 1 ? PS_TH_SYN : 0) | ((r[0] >> 2) & 1 ? PS_TH_FIN : 0) |
				((r[0] >> 3) & 1 ? PS_TH_RST : 0) | ((r[0] >> 4) & 1 ? PS_TH_ACK : 0));
	/* a SYN carries the ISN; its data (if any) starts one later */
	p.tcp_seq = (p.tcp_flags & PS_TH_SYN) ? seq - 1 : seq;
	p.tcp_ack = s->isn[!dir] + 1 + (uint32_t)s->top[!dir] - r[4];
	for (uint32_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(oracle(dir, seq + i) ^ ((r[0] & 0x20) ? 0xff : 0));
	p.payload = buf;
	p.payload_len = len;
	p.wirelen = 54 + len;
	if (len != 0 && !(p.tcp_flags & PS_TH_RST)) {
		s->fed[dir] += len;
		if (r[0] & 0x20)
			s->corrupt[dir] = true;
	}
	s->cursor[dir] += (int32_t)len;
	if (s->cursor[dir] > s->top[dir])
		s->top[dir] = s->cursor[dir];
	f = ps_flow_table_get(&s->t, &p, &got_dir);
	if (f == NULL)
		return;
	check(f->tcp != NULL, "TCP flow without a session");
	check(side_of(f, got_dir) == dir, "wrong direction");
	ps_stream_packet(&s->t, f, &p, got_dir, &s->cb, s->ctr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[255 * 32];
	struct ps_flow_config c;
	struct ps_mem_stats m0, m1;
	struct state s;
	int64_t ts = INT64_C(1700000000000000);

	if (size < 5)
		return 0;
	ps_mem_stats_get(PS_MEM_FLOW, &m0);
	memset(&s, 0, sizeof(s));
	config(&s, data[0], &c);
	s.isn[0] = (uint32_t)data[1] | (uint32_t)data[2] << 8 | (uint32_t)data[3] << 16 |
		   (uint32_t)data[4] << 24;
	s.isn[1] = s.isn[0] ^ UINT32_C(0x5a5a5a5a);
	s.cb.data = on_data;
	s.cb.gap = on_gap;
	s.cb.arg = &s;
	if (ps_flow_table_init(&s.t, &c, on_end, &s) != PS_OK)
		return 0;
	for (size_t i = 5; i + 5 <= size; i += 5) {
		if (data[i] & 0x80) {
			ts += INT64_C(100000000);
			ps_flow_table_tick(&s.t, ts);
		}
		feed(&s, data + i, ts, buf);
	}
	ps_flow_table_release(&s.t);
	for (int d = 0; d < 2; d++)
		check(s.got[d] <= s.fed[d], "more delivered than fed");
	ps_mem_stats_get(PS_MEM_FLOW, &m1);
	check(m1.bytes == m0.bytes, "flow memory leaked");
	return 0;
}
