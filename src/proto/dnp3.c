/* SPDX-License-Identifier: Apache-2.0 */
/*
 * DNP3 parser (IEEE 1815, TCP/UDP 20000): link frames with their header and
 * 16-byte block CRCs checked, transport segments reassembled into
 * application fragments (bounded), and one Suricata-shaped "dnp3" event per
 * fragment with the function named, object headers listed, IIN decoded and
 * writes, operates, restarts, file transfers and stops flagged.
 */
#include <string.h>

#include "core/core.h"
#include "net/packet.h"
#include "proto/ics.h"
#include "proto/parsers.h"

/* 05 64 len ctrl dst(2) src(2) crc(2); IEEE 1815-2012 §9.2.4 */
#define DNP3_LINK_HDR 10
/* user data <= 250 bytes in blocks of 16, each with a CRC */
#define DNP3_FRAME_MAX (DNP3_LINK_HDR + 250 + 2 * 16)
#define DNP3_USER_MAX 250
/* application fragments: 2048 is the usual maximum, allow twice that */
#define DNP3_FRAGMENT_MAX 4096
#define DNP3_MAX_OBJECTS 32

/* Transport reassembly of one direction (§8.2); buf is allocated lazily. */
struct dnp3_tp {
	uint8_t *buf;
	uint16_t len;
	uint8_t next_seq;
	bool active;
};

struct dnp3_state {
	bool init;
	struct ps_ics_reasm rs[2];
	uint8_t buf[2][DNP3_FRAME_MAX];
	struct dnp3_tp tp[2];
	uint64_t tx_id;
};

/* CRC-16/DNP: polynomial 0x3D65 reflected (0xA6BC), init 0, complemented. */
static const uint16_t crc_table[256] = {
	0x0000, 0x365e, 0x6cbc, 0x5ae2, 0xd978, 0xef26, 0xb5c4, 0x839a,
	0xff89, 0xc9d7, 0x9335, 0xa56b, 0x26f1, 0x10af, 0x4a4d, 0x7c13,
	0xb26b, 0x8435, 0xded7, 0xe889, 0x6b13, 0x5d4d, 0x07af, 0x31f1,
	0x4de2, 0x7bbc, 0x215e, 0x1700, 0x949a, 0xa2c4, 0xf826, 0xce78,
	0x29af, 0x1ff1, 0x4513, 0x734d, 0xf0d7, 0xc689, 0x9c6b, 0xaa35,
	0xd626, 0xe078, 0xba9a, 0x8cc4, 0x0f5e, 0x3900, 0x63e2, 0x55bc,
	0x9bc4, 0xad9a, 0xf778, 0xc126, 0x42bc, 0x74e2, 0x2e00, 0x185e,
	0x644d, 0x5213, 0x08f1, 0x3eaf, 0xbd35, 0x8b6b, 0xd189, 0xe7d7,
	0x535e, 0x6500, 0x3fe2, 0x09bc, 0x8a26, 0xbc78, 0xe69a, 0xd0c4,
	0xacd7, 0x9a89, 0xc06b, 0xf635, 0x75af, 0x43f1, 0x1913, 0x2f4d,
	0xe135, 0xd76b, 0x8d89, 0xbbd7, 0x384d, 0x0e13, 0x54f1, 0x62af,
	0x1ebc, 0x28e2, 0x7200, 0x445e, 0xc7c4, 0xf19a, 0xab78, 0x9d26,
	0x7af1, 0x4caf, 0x164d, 0x2013, 0xa389, 0x95d7, 0xcf35, 0xf96b,
	0x8578, 0xb326, 0xe9c4, 0xdf9a, 0x5c00, 0x6a5e, 0x30bc, 0x06e2,
	0xc89a, 0xfec4, 0xa426, 0x9278, 0x11e2, 0x27bc, 0x7d5e, 0x4b00,
	0x3713, 0x014d, 0x5baf, 0x6df1, 0xee6b, 0xd835, 0x82d7, 0xb489,
	0xa6bc, 0x90e2, 0xca00, 0xfc5e, 0x7fc4, 0x499a, 0x1378, 0x2526,
	0x5935, 0x6f6b, 0x3589, 0x03d7, 0x804d, 0xb613, 0xecf1, 0xdaaf,
	0x14d7, 0x2289, 0x786b, 0x4e35, 0xcdaf, 0xfbf1, 0xa113, 0x974d,
	0xeb5e, 0xdd00, 0x87e2, 0xb1bc, 0x3226, 0x0478, 0x5e9a, 0x68c4,
	0x8f13, 0xb94d, 0xe3af, 0xd5f1, 0x566b, 0x6035, 0x3ad7, 0x0c89,
	0x709a, 0x46c4, 0x1c26, 0x2a78, 0xa9e2, 0x9fbc, 0xc55e, 0xf300,
	0x3d78, 0x0b26, 0x51c4, 0x679a, 0xe400, 0xd25e, 0x88bc, 0xbee2,
	0xc2f1, 0xf4af, 0xae4d, 0x9813, 0x1b89, 0x2dd7, 0x7735, 0x416b,
	0xf5e2, 0xc3bc, 0x995e, 0xaf00, 0x2c9a, 0x1ac4, 0x4026, 0x7678,
	0x0a6b, 0x3c35, 0x66d7, 0x5089, 0xd313, 0xe54d, 0xbfaf, 0x89f1,
	0x4789, 0x71d7, 0x2b35, 0x1d6b, 0x9ef1, 0xa8af, 0xf24d, 0xc413,
	0xb800, 0x8e5e, 0xd4bc, 0xe2e2, 0x6178, 0x5726, 0x0dc4, 0x3b9a,
	0xdc4d, 0xea13, 0xb0f1, 0x86af, 0x0535, 0x336b, 0x6989, 0x5fd7,
	0x23c4, 0x159a, 0x4f78, 0x7926, 0xfabc, 0xcce2, 0x9600, 0xa05e,
	0x6e26, 0x5878, 0x029a, 0x34c4, 0xb75e, 0x8100, 0xdbe2, 0xedbc,
	0x91af, 0xa7f1, 0xfd13, 0xcb4d, 0x48d7, 0x7e89, 0x246b, 0x1235,
};

static uint16_t crc16(const uint8_t *p, size_t n)
{
	uint16_t c = 0;

	while (n--)
		c = (uint16_t)(c >> 8) ^ crc_table[(c ^ *p++) & 0xff];
	return (uint16_t)~c;
}

static bool crc_ok(const uint8_t *p, size_t n)
{
	return crc16(p, n) == ps_ics_le16(p + n);
}

/* Wire length of a frame whose LEN octet is `len` (5..255). */
static size_t frame_len(uint8_t len)
{
	size_t user = (size_t)len - 5;

	return DNP3_LINK_HDR + user + 2 * ((user + 15) / 16);
}

static int dnp3_len(const uint8_t *p, size_t n, size_t *plen, const char **why)
{
	(void)n;
	if (p[0] != 0x05 || p[1] != 0x64) {
		*why = "dnp3_invalid_start";
		return PS_EPROTO;
	}
	if (p[2] < 5) {
		*why = "dnp3_invalid_length";
		return PS_EPROTO;
	}
	/* a bad header CRC means the length cannot be trusted: resync */
	if (!crc_ok(p, 8)) {
		*why = "dnp3_bad_crc";
		return PS_EPROTO;
	}
	*plen = frame_len(p[2]);
	return PS_OK;
}

static enum ps_probe dnp3_probe(const uint8_t *p, size_t n, enum ps_dir dir)
{
	(void)dir;
	if ((n >= 1 && p[0] != 0x05) || (n >= 2 && p[1] != 0x64) ||
	    (n >= 3 && p[2] < 5))
		return PS_PROBE_NO;
	if (n < DNP3_LINK_HDR)
		return PS_PROBE_MORE;
	return crc_ok(p, 8) ? PS_PROBE_YES : PS_PROBE_NO;
}

/* ---- application layer ---- */

/* Link header fields the event repeats. */
struct dnp3_link {
	uint8_t ctrl;
	uint16_t dst, src;
};

static const struct {
	const char *name;
	uint16_t bit;
} iin_names[] = {
	{"all_stations", 0x0100}, {"class_1_events", 0x0200},
	{"class_2_events", 0x0400}, {"class_3_events", 0x0800},
	{"need_time", 0x1000}, {"local_control", 0x2000},
	{"device_trouble", 0x4000}, {"device_restart", 0x8000},
	{"no_func_code_support", 0x0001}, {"object_unknown", 0x0002},
	{"parameter_error", 0x0004}, {"event_buffer_overflow", 0x0008},
	{"already_executing", 0x0010}, {"config_corrupt", 0x0020},
	{"reserved_2", 0x0040}, {"reserved_1", 0x0080},
};

/*
 * Size in bits of one object of group g variation v without prefix
 * (IEEE 1815-2012 annex A); 0 when unknown or variable.
 */
static unsigned obj_bits(uint8_t g, uint8_t v)
{
	static const uint8_t g20[] = {0, 40, 24, 40, 24, 32, 16, 32, 16};
	static const uint8_t g21[] = {0, 40, 24, 40, 24, 88, 72, 88, 72,
				      32, 16, 32, 16};
	static const uint8_t g22[] = {0, 40, 24, 40, 24, 88, 72, 88, 72};
	static const uint8_t g30[] = {0, 40, 24, 32, 16, 40, 72};
	static const uint8_t g31[] = {0, 40, 24, 88, 72, 32, 16, 40, 72};
	static const uint8_t g32[] = {0, 40, 24, 88, 72, 40, 72, 88, 120};
	static const uint8_t g40[] = {0, 40, 24, 40, 72};
	static const uint8_t g43[] = {0, 48, 32, 96, 80, 48, 80, 96, 128};
#define PICK(t) (v < PS_ARRAY_LEN(t) ? t[v] : 0u)
	switch (g) {
	case 1: case 10: return v == 1 ? 1 : v == 2 ? 8 : 0;
	case 2: case 4: return v == 1 ? 8 : v == 2 ? 56 : v == 3 ? 24 : 0;
	case 3: return v == 1 ? 2 : v == 2 ? 8 : 0;
	case 11: case 13: return v == 1 ? 8 : v == 2 ? 56 : 0;
	case 12: return v == 1 || v == 2 ? 88 : v == 3 ? 1 : 0;
	case 20: return PICK(g20);
	case 21: return PICK(g21);
	case 22: case 23: return PICK(g22);
	case 30: return PICK(g30);
	case 31: return PICK(g31);
	case 32: case 33: case 42: return PICK(g32);
	case 34: return v == 1 ? 16 : v == 2 || v == 3 ? 32 : 0;
	case 40: case 41: return PICK(g40);
	case 43: return PICK(g43);
	case 50: return v == 1 || v == 3 ? 48 : v == 2 ? 80 : v == 4 ? 88 : 0;
	case 51: return v == 1 || v == 2 ? 48 : 0;
	case 52: return v == 1 || v == 2 ? 16 : 0;
	case 80: return v == 1 ? 1 : 0;
	case 110: case 111: case 112: case 113: return 8u * v;
	default: return 0;
	}
#undef PICK
}

static uint32_t rd_le(const uint8_t *p, unsigned w)
{
	return w == 1 ? p[0] : w == 2 ? ps_ics_le16(p) :
	       (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

struct dnp3_obj {
	uint8_t group, variation, qualifier, prefix, range;
	uint32_t start, stop, count;
};

/* Object header and range (§4.2.2.7); returns bytes used or 0. */
static size_t obj_header(const uint8_t *p, size_t n, struct dnp3_obj *o)
{
	static const uint8_t rw[16] = {1, 2, 4, 1, 2, 4, 0, 1, 2, 4, 0, 1};
	unsigned w;

	if (n < 3)
		return 0;
	o->group = p[0];
	o->variation = p[1];
	o->qualifier = p[2];
	o->prefix = (p[2] >> 4) & 7;
	o->range = p[2] & 15;
	o->start = o->stop = o->count = 0;
	if ((o->qualifier & 0x80) || o->range == 10 || o->range > 11 ||
	    o->prefix == 7)
		return 0;
	w = rw[o->range];
	if (o->range <= 5) {
		if (n < 3 + 2 * (size_t)w)
			return 0;
		o->start = rd_le(p + 3, w);
		o->stop = rd_le(p + 3 + w, w);
		o->count = o->stop >= o->start ? o->stop - o->start + 1 : 0;
		return 3 + 2 * (size_t)w;
	}
	if (o->range == 6)
		return 3;
	if (n < 3 + (size_t)w)
		return 0;
	o->count = rd_le(p + 3, w);
	return 3 + w;
}

/*
 * Bytes of object data after a header, 0 with *ok false when unknown.
 * Header-only requests (READ, FREEZE, class assignment) carry index
 * prefixes but no values, except size-prefixed (free-format) objects.
 */
static size_t obj_data(const uint8_t *p, size_t n, const struct dnp3_obj *o,
		       bool hdr_only, bool *ok)
{
	static const uint8_t pw[8] = {0, 1, 2, 4, 1, 2, 4, 0};
	unsigned bits = obj_bits(o->group, o->variation);
	size_t off = 0, sz, i;
	uint64_t bytes;

	*ok = true;
	if (o->range == 6 || o->count == 0)
		return 0;
	if (o->prefix >= 4) {
		/* each object carries its size, data even in a READ (g70v5) */
		for (i = 0; i < o->count; i++) {
			if (off + pw[o->prefix] > n)
				goto bad;
			sz = rd_le(p + off, pw[o->prefix]);
			if (sz > n - off - pw[o->prefix])
				goto bad;
			off += pw[o->prefix] + sz;
		}
		return off;
	}
	if (hdr_only)
		bytes = (uint64_t)o->count * pw[o->prefix];
	else if (bits == 0)
		goto bad;
	else if (o->prefix == 0)
		bytes = ((uint64_t)o->count * bits + 7) / 8;
	else
		bytes = (uint64_t)o->count * (pw[o->prefix] + (bits + 7) / 8);
	if (bytes > n)
		goto bad;
	return (size_t)bytes;
bad:
	*ok = false;
	return 0;
}

static bool header_only(uint8_t fc)
{
	return fc == 1 || (fc >= 7 && fc <= 10) || (fc >= 20 && fc <= 22);
}

static void write_objects(struct ps_jw *w, const uint8_t *p, size_t n,
			  uint8_t fc)
{
	struct dnp3_obj o;
	size_t off = 0, k;
	unsigned count = 0;
	bool ok = true;

	ps_jw_arr_open(w, "objects");
	while (off < n && count < DNP3_MAX_OBJECTS && ok) {
		k = obj_header(p + off, n - off, &o);
		if (k == 0)
			break;
		off += k;
		ps_jw_obj_open(w, NULL);
		ps_jw_uint(w, "group", o.group);
		ps_jw_uint(w, "variation", o.variation);
		ps_jw_uint(w, "qualifier", o.qualifier);
		ps_jw_uint(w, "prefix_code", o.prefix);
		ps_jw_uint(w, "range_code", o.range);
		ps_jw_uint(w, "start", o.start);
		ps_jw_uint(w, "stop", o.stop);
		ps_jw_uint(w, "count", o.count);
		ps_jw_obj_close(w);
		count++;
		off += obj_data(p + off, n - off, &o, header_only(fc) ||
				o.group == 60, &ok);
	}
	ps_jw_arr_close(w);
}

static void write_link(struct ps_jw *w, const struct dnp3_link *l)
{
	ps_jw_obj_open(w, "control");
	ps_jw_bool(w, "dir", l->ctrl & 0x80);
	ps_jw_bool(w, "pri", l->ctrl & 0x40);
	ps_jw_bool(w, "fcb", l->ctrl & 0x20);
	ps_jw_bool(w, "fcv", l->ctrl & 0x10);
	ps_jw_uint(w, "function_code", l->ctrl & 15);
	ps_jw_obj_close(w);
	ps_jw_uint(w, "src", l->src);
	ps_jw_uint(w, "dst", l->dst);
}

/* One application fragment (§4.2.2): control, function, [IIN], objects. */
static void app_fragment(struct dnp3_state *s, struct ps_proto_ctx *c,
			 const struct dnp3_link *l, const uint8_t *p, size_t n)
{
	const struct ps_ics_op *op;
	bool resp;
	struct ps_jw *w;
	uint16_t iin;
	size_t hl, i;

	if (n < 2) {
		ps_proto_anomaly(c, "dnp3_invalid_app_header");
		return;
	}
	resp = p[1] >= 129;
	hl = resp ? 4 : 2;
	if (n < hl) {
		ps_proto_anomaly(c, "dnp3_invalid_app_header");
		return;
	}
	op = ps_ics_op_lookup(PS_ALPROTO_DNP3, PS_ICS_SPACE_FUNC, p[1]);
	if (!op)
		ps_proto_anomaly(c, "dnp3_unknown_function");
	w = ps_proto_event_begin(c, "dnp3");
	ps_jw_obj_open(w, "dnp3");
	ps_jw_str(w, "type", p[1] == 130 ? "unsolicited_response" :
		  resp ? "response" : "request");
	ps_jw_uint(w, "id", s->tx_id++);
	ps_ics_write_op(w, p[1], op);
	write_link(w, l);
	ps_jw_obj_open(w, "application");
	ps_jw_obj_open(w, "control");
	ps_jw_bool(w, "fir", p[0] & 0x80);
	ps_jw_bool(w, "fin", p[0] & 0x40);
	ps_jw_bool(w, "con", p[0] & 0x20);
	ps_jw_bool(w, "uns", p[0] & 0x10);
	ps_jw_uint(w, "sequence", p[0] & 15);
	ps_jw_obj_close(w);
	ps_jw_uint(w, "function_code", p[1]);
	write_objects(w, p + hl, n - hl, p[1]);
	ps_jw_bool(w, "complete", true);
	ps_jw_obj_close(w);
	if (resp) {
		iin = (uint16_t)(p[2] << 8 | p[3]);
		ps_jw_obj_open(w, "iin");
		ps_jw_arr_open(w, "indicators");
		for (i = 0; i < PS_ARRAY_LEN(iin_names); i++)
			if (iin & iin_names[i].bit)
				ps_jw_str(w, NULL, iin_names[i].name);
		ps_jw_arr_close(w);
		ps_jw_obj_close(w);
	}
	ps_jw_obj_close(w);
	ps_proto_event_end(c);
}

/* ---- transport (§8.2): FIN, FIR, 6-bit sequence ---- */

static void tp_reset(struct dnp3_tp *t)
{
	t->active = false;
	t->len = 0;
}

static bool tp_add(struct dnp3_tp *t, struct ps_proto_ctx *c,
		   const uint8_t *p, size_t n)
{
	if (!t->buf) {
		t->buf = ps_malloc(PS_MEM_PROTO, DNP3_FRAGMENT_MAX);
		if (!t->buf) {
			ps_proto_anomaly(c, "dnp3_no_memory");
			return false;
		}
	}
	if (n > (size_t)DNP3_FRAGMENT_MAX - t->len) {
		ps_proto_anomaly(c, "dnp3_reassembly_overflow");
		tp_reset(t);
		return false;
	}
	memcpy(t->buf + t->len, p, n);
	t->len += (uint16_t)n;
	return true;
}

static void transport(struct dnp3_state *s, struct ps_proto_ctx *c,
		      enum ps_dir dir, const struct dnp3_link *l,
		      const uint8_t *u, size_t n)
{
	struct dnp3_tp *t = &s->tp[dir];
	bool fin = u[0] & 0x80, fir = u[0] & 0x40;
	uint8_t seq = u[0] & 0x3f;

	if (fir) {
		if (t->active)
			ps_proto_anomaly(c, "dnp3_transport_restart");
		tp_reset(t);
		if (fin) {
			app_fragment(s, c, l, u + 1, n - 1);
			return;
		}
		if (tp_add(t, c, u + 1, n - 1)) {
			t->active = true;
			t->next_seq = (uint8_t)((seq + 1) & 0x3f);
		}
		return;
	}
	if (!t->active) {
		ps_proto_anomaly(c, "dnp3_transport_no_fir");
		return;
	}
	if (seq != t->next_seq) {
		ps_proto_anomaly(c, "dnp3_transport_sequence");
		tp_reset(t);
		return;
	}
	if (!tp_add(t, c, u + 1, n - 1))
		return;
	t->next_seq = (uint8_t)((seq + 1) & 0x3f);
	if (fin) {
		app_fragment(s, c, l, t->buf, t->len);
		tp_reset(t);
	}
}

/* One link frame: check the block CRCs, strip them, pass user data up. */
static int dnp3_frame(void *state, struct ps_proto_ctx *c, enum ps_dir dir,
		      const uint8_t *p, size_t n, size_t wire)
{
	struct dnp3_state *s = state;
	uint8_t user[DNP3_USER_MAX];
	size_t ulen = (size_t)p[2] - 5, off = DNP3_LINK_HDR, got = 0, b;
	struct dnp3_link l;

	(void)wire;
	while (got < ulen) {
		b = ulen - got < 16 ? ulen - got : 16;
		if (off + b + 2 > n || !crc_ok(p + off, b)) {
			ps_proto_anomaly(c, "dnp3_bad_crc");
			return PS_OK;
		}
		memcpy(user + got, p + off, b);
		got += b;
		off += b + 2;
	}
	l.ctrl = p[3];
	l.dst = ps_ics_le16(p + 4);
	l.src = ps_ics_le16(p + 6);
	/* user data only in primary frames, confirmed or unconfirmed (§9.2.4.1.3) */
	if (!(l.ctrl & 0x40) || ((l.ctrl & 15) != 3 && (l.ctrl & 15) != 4))
		return PS_OK;
	if (ulen == 0) {
		ps_proto_anomaly(c, "dnp3_invalid_length");
		return PS_OK;
	}
	transport(s, c, dir, &l, user, ulen);
	return PS_OK;
}

static const struct ps_ics_framing dnp3_framing = {
	.hdr_min = DNP3_LINK_HDR,
	.sync = (const uint8_t *)"\x05\x64",
	.sync_len = 2,
	.max_garbage = 4096,
	.resync_failed = "dnp3_resync_failed",
	.truncated = NULL,     /* frames never exceed DNP3_FRAME_MAX */
	.len = dnp3_len,
	.pdu = dnp3_frame,
};

static void dnp3_init(struct dnp3_state *s)
{
	if (s->init)
		return;
	ps_ics_reasm_init(&s->rs[0], s->buf[0], DNP3_FRAME_MAX);
	ps_ics_reasm_init(&s->rs[1], s->buf[1], DNP3_FRAME_MAX);
	s->init = true;
}

static int dnp3_parse(void *state, struct ps_proto_ctx *c, enum ps_dir dir,
		      const uint8_t *data, size_t len)
{
	struct dnp3_state *s = state;
	int rc;

	dnp3_init(s);
	rc = ps_ics_reasm_feed(&s->rs[dir], &dnp3_framing, s, c, dir, data,
			       len);
	if (c->flow->ip_proto == PS_IPPROTO_UDP) {
		/* a datagram holds whole frames: nothing carries over */
		if (ps_ics_reasm_pending(&s->rs[dir]) || s->rs[dir].need)
			ps_proto_anomaly(c, "dnp3_truncated_frame");
		ps_ics_reasm_init(&s->rs[dir], s->buf[dir], DNP3_FRAME_MAX);
		if (rc != PS_OK)
			rc = PS_OK;   /* the next datagram may be fine */
	}
	return rc;
}

static void dnp3_gap(void *state, struct ps_proto_ctx *c, enum ps_dir dir,
		     size_t len)
{
	struct dnp3_state *s = state;

	dnp3_init(s);
	if (ps_ics_reasm_gap(&s->rs[dir], len))
		ps_proto_anomaly(c, "dnp3_gap");
	tp_reset(&s->tp[dir]);
}

static void dnp3_finish(void *state, struct ps_proto_ctx *c)
{
	struct dnp3_state *s = state;

	(void)c;
	ps_free(s->tp[0].buf);
	ps_free(s->tp[1].buf);
	s->tp[0].buf = NULL;
	s->tp[1].buf = NULL;
}

const struct ps_proto_parser ps_proto_dnp3 = {
	.name = "dnp3",
	.id = PS_ALPROTO_DNP3,
	.l4 = PS_PROTO_L4_TCP | PS_PROTO_L4_UDP,
	.ports = {20000, 0},
	.probe = dnp3_probe,
	.state_size = sizeof(struct dnp3_state),
	.parse = dnp3_parse,
	.gap = dnp3_gap,
	.finish = dnp3_finish,
};
