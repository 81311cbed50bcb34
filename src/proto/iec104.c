/* SPDX-License-Identifier: Apache-2.0 */
/*
 * IEC 60870-5-104 parser (TCP 2404): frames APDUs (APCI start 0x68, length,
 * four control octets), writes one "iec104" event per I-format ASDU (type
 * named, cause of transmission decoded, commands and set-points flagged as
 * writes and reset-process as a restart) and per U-format function;
 * S-format acknowledgements only advance the sequence check.
 */
#include <string.h>

#include "core/core.h"
#include "proto/ics.h"
#include "proto/parsers.h"

/* start, length (<= 253), 4 control octets: IEC 60870-5-104 §5.1 */
#define IEC104_APDU_MAX 255
#define IEC104_APCI 6
#define IEC104_ASDU_HDR 6   /* type, VSQ, COT(2), common address(2) */

struct iec104_state {
	bool init;
	struct ps_ics_reasm rs[2];
	uint8_t buf[2][IEC104_APDU_MAX];
	uint16_t next_ns[2];   /* expected send sequence number */
	bool ns_known[2];
};

/* Causes of transmission, IEC 60870-5-101 §7.2.3. */
/* 64 entries: the cause is 6 bits, 48..63 are private/unassigned */
static const char *const cot_names[64] = {
	[1] = "periodic", [2] = "background_scan", [3] = "spontaneous",
	[4] = "initialized", [5] = "request", [6] = "activation",
	[7] = "activation_con", [8] = "deactivation",
	[9] = "deactivation_con", [10] = "activation_termination",
	[11] = "return_info_remote", [12] = "return_info_local",
	[13] = "file_transfer",
	[20] = "interrogated_by_station",
	[21] = "interrogated_by_group_1", [22] = "interrogated_by_group_2",
	[23] = "interrogated_by_group_3", [24] = "interrogated_by_group_4",
	[25] = "interrogated_by_group_5", [26] = "interrogated_by_group_6",
	[27] = "interrogated_by_group_7", [28] = "interrogated_by_group_8",
	[29] = "interrogated_by_group_9", [30] = "interrogated_by_group_10",
	[31] = "interrogated_by_group_11", [32] = "interrogated_by_group_12",
	[33] = "interrogated_by_group_13", [34] = "interrogated_by_group_14",
	[35] = "interrogated_by_group_15", [36] = "interrogated_by_group_16",
	[37] = "counter_interrogated_general",
	[38] = "counter_interrogated_group_1",
	[39] = "counter_interrogated_group_2",
	[40] = "counter_interrogated_group_3",
	[41] = "counter_interrogated_group_4",
	[44] = "unknown_type_id", [45] = "unknown_cause",
	[46] = "unknown_common_address", [47] = "unknown_object_address",
};

/*
 * Bytes of one information element (without its 3-byte object address)
 * per type id, IEC 60870-5-101 §7.3 / 104 §8; 0 = unknown or variable.
 */
static unsigned element_size(uint8_t t)
{
	static const uint8_t sz[128] = {
		[1] = 1, [2] = 4, [3] = 1, [4] = 4, [5] = 2, [6] = 5,
		[7] = 5, [8] = 8, [9] = 3, [10] = 6, [11] = 3, [12] = 6,
		[13] = 5, [14] = 8, [15] = 5, [16] = 8, [17] = 6, [18] = 7,
		[19] = 7, [20] = 5, [21] = 2,
		[30] = 8, [31] = 8, [32] = 9, [33] = 12, [34] = 10, [35] = 10,
		[36] = 12, [37] = 12, [38] = 10, [39] = 11, [40] = 11,
		[45] = 1, [46] = 1, [47] = 1, [48] = 3, [49] = 3, [50] = 5,
		[51] = 4, [58] = 8, [59] = 8, [60] = 8, [61] = 10, [62] = 10,
		[63] = 12, [64] = 11, [70] = 1,
		[100] = 1, [101] = 1, [103] = 7, [104] = 2, [105] = 1,
		[106] = 2, [107] = 9, [110] = 3, [111] = 3, [112] = 5,
		[113] = 1, [120] = 6, [121] = 7, [122] = 4, [123] = 5,
		[124] = 4, [126] = 13, [127] = 16,
	};
	return t < 128 ? sz[t] : 0;
}

/* Is the APCI consistent with its format? (§5.1-5.3) */
static bool apci_ok(const uint8_t *p)
{
	uint8_t len = p[1], c1 = p[2];

	if (len < 4 || len > IEC104_APDU_MAX - 2)
		return false;
	if (!(c1 & 1))                         /* I format */
		return len >= 4 + IEC104_ASDU_HDR && !(p[4] & 1);
	if ((c1 & 3) == 1)                     /* S format */
		return len == 4 && c1 == 0x01 && p[3] == 0 && !(p[4] & 1);
	/* U format: exactly one function bit */
	return len == 4 && p[3] == 0 && p[4] == 0 && p[5] == 0 &&
	       (c1 == 0x07 || c1 == 0x0b || c1 == 0x13 || c1 == 0x23 ||
		c1 == 0x43 || c1 == 0x83);
}

static int iec104_len(const uint8_t *p, size_t n, size_t *plen,
		      const char **why)
{
	(void)n;
	if (p[0] != 0x68 || !apci_ok(p)) {
		*why = "iec104_invalid_apci";
		return PS_EPROTO;
	}
	*plen = (size_t)p[1] + 2;
	return PS_OK;
}

static enum ps_probe iec104_probe(const uint8_t *p, size_t n, enum ps_dir dir)
{
	(void)dir;
	if (n >= 1 && p[0] != 0x68)
		return PS_PROBE_NO;
	if (n >= 2 && (p[1] < 4 || p[1] > IEC104_APDU_MAX - 2))
		return PS_PROBE_NO;
	if (n < IEC104_APCI)
		return PS_PROBE_MORE;
	return apci_ok(p) ? PS_PROBE_YES : PS_PROBE_NO;
}

/* Command qualifiers of the first object (§7.2.6.4-7.2.6.17). */
static void write_command(struct ps_jw *w, uint8_t t, const uint8_t *e,
			  size_t en)
{
	uint8_t q;

	if (en < 1)
		return;
	switch (t) {
	case 45: case 46: case 47: case 58: case 59: case 60:
		q = e[0];
		ps_jw_obj_open(w, "command");
		ps_jw_uint(w, "value", t == 45 || t == 58 ? (q & 1u) : (q & 3u));
		ps_jw_bool(w, "select", q & 0x80);
		ps_jw_uint(w, "qualifier", (q >> 2) & 31);
		ps_jw_obj_close(w);
		return;
	case 48: case 49: case 61: case 62:
		if (en < 3)
			return;
		ps_jw_obj_open(w, "setpoint");
		ps_jw_int(w, "value", (int16_t)ps_ics_le16(e));
		ps_jw_bool(w, "select", e[2] & 0x80);
		ps_jw_uint(w, "qualifier", e[2] & 0x7f);
		ps_jw_obj_close(w);
		return;
	case 50: case 63:
		if (en < 5)
			return;
		ps_jw_obj_open(w, "setpoint");
		ps_jw_hex(w, "value_ieee754_le", e, 4);
		ps_jw_bool(w, "select", e[4] & 0x80);
		ps_jw_uint(w, "qualifier", e[4] & 0x7f);
		ps_jw_obj_close(w);
		return;
	case 100: case 101: case 105: case 113:
		ps_jw_uint(w, "qualifier", e[0]);
		return;
	default:
		return;
	}
}

static void write_u(struct ps_proto_ctx *c, uint8_t c1)
{
	struct ps_jw *w = ps_proto_event_begin(c, "iec104");

	ps_jw_obj_open(w, "iec104");
	ps_jw_str(w, "frame", "U");
	ps_ics_write_op(w, c1, ps_ics_op_lookup(PS_ALPROTO_IEC104,
						PS_ICS_SPACE_IEC104_U, c1));
	ps_jw_obj_close(w);
	ps_proto_event_end(c);
}

/* An I-format APDU: its ASDU (§5.1; IEC 60870-5-101 §7.1). */
static void write_i(struct ps_proto_ctx *c, const uint8_t *p, size_t n)
{
	const uint8_t *a = p + IEC104_APCI;
	size_t an = n - IEC104_APCI, want, es;
	uint8_t t = a[0], nobj = a[1] & 0x7f, cause = a[2] & 0x3f;
	bool sq = a[1] & 0x80;
	const struct ps_ics_op *op = ps_ics_op_lookup(PS_ALPROTO_IEC104,
						      PS_ICS_SPACE_FUNC, t);
	enum ps_ics_danger d = op ? (enum ps_ics_danger)op->danger :
			       PS_ICS_DANGER_NONE;
	struct ps_jw *w;

	/* only the request (activation, deactivation) is the dangerous act */
	if (cause != 6 && cause != 8)
		d = PS_ICS_DANGER_NONE;
	es = element_size(t);
	want = IEC104_ASDU_HDR + (sq ? (nobj ? 3 + nobj * es : 0) :
				  nobj * (3 + es));
	if (!op)
		ps_proto_anomaly(c, "iec104_unknown_type");
	else if ((es || t == 102) && want != an)
		ps_proto_anomaly(c, "iec104_invalid_asdu_length");
	if (nobj == 0)
		ps_proto_anomaly(c, "iec104_no_objects");
	w = ps_proto_event_begin(c, "iec104");
	ps_jw_obj_open(w, "iec104");
	ps_jw_str(w, "frame", "I");
	ps_jw_uint(w, "tx_seq", ps_ics_le16(p + 2) >> 1);
	ps_jw_uint(w, "rx_seq", ps_ics_le16(p + 4) >> 1);
	ps_jw_uint(w, "type_id", t);
	ps_jw_str(w, "type", op ? op->name : "unknown");
	ps_ics_write_function(w, t, op ? op->name : NULL, "unknown", d);
	ps_jw_bool(w, "sq", sq);
	ps_jw_uint(w, "objects", nobj);
	ps_jw_uint(w, "cot", cause);
	ps_jw_str(w, "cause", cot_names[cause] ? cot_names[cause] : "unknown");
	ps_jw_bool(w, "negative", a[2] & 0x40);
	ps_jw_bool(w, "test", a[2] & 0x80);
	ps_jw_uint(w, "originator", a[3]);
	ps_jw_uint(w, "common_address", ps_ics_le16(a + 4));
	if (nobj && an >= IEC104_ASDU_HDR + 3) {
		ps_jw_uint(w, "ioa", (uint32_t)a[6] | (uint32_t)a[7] << 8 |
			   (uint32_t)a[8] << 16);
		write_command(w, t, a + 9, an - 9);
	}
	ps_jw_obj_close(w);
	ps_proto_event_end(c);
}

static int iec104_apdu(void *state, struct ps_proto_ctx *c, enum ps_dir dir,
		       const uint8_t *p, size_t n, size_t wire)
{
	struct iec104_state *s = state;
	uint16_t ns;

	(void)wire;
	if ((p[2] & 3) == 3) {
		write_u(c, p[2]);
		return PS_OK;
	}
	if (p[2] & 1)
		return PS_OK;     /* S format: acknowledgement only */
	ns = ps_ics_le16(p + 2) >> 1;
	if (s->ns_known[dir] && ns != s->next_ns[dir])
		ps_proto_anomaly(c, "iec104_sequence_gap");
	s->next_ns[dir] = (uint16_t)((ns + 1) & 0x7fff);
	s->ns_known[dir] = true;
	write_i(c, p, n);
	return PS_OK;
}

static const struct ps_ics_framing iec104_framing = {
	.hdr_min = IEC104_APCI,
	.sync = (const uint8_t *)"\x68",
	.sync_len = 1,
	.max_garbage = 4096,
	.resync_failed = "iec104_resync_failed",
	.truncated = NULL,   /* the length octet cannot exceed the buffer */
	.len = iec104_len,
	.pdu = iec104_apdu,
};

static void iec104_init(struct iec104_state *s)
{
	if (s->init)
		return;
	ps_ics_reasm_init(&s->rs[0], s->buf[0], IEC104_APDU_MAX);
	ps_ics_reasm_init(&s->rs[1], s->buf[1], IEC104_APDU_MAX);
	s->init = true;
}

static int iec104_parse(void *state, struct ps_proto_ctx *c, enum ps_dir dir,
			const uint8_t *data, size_t len)
{
	struct iec104_state *s = state;

	iec104_init(s);
	return ps_ics_reasm_feed(&s->rs[dir], &iec104_framing, s, c, dir,
				 data, len);
}

static void iec104_gap(void *state, struct ps_proto_ctx *c, enum ps_dir dir,
		       size_t len)
{
	struct iec104_state *s = state;

	iec104_init(s);
	if (ps_ics_reasm_gap(&s->rs[dir], len))
		ps_proto_anomaly(c, "iec104_gap");
	s->ns_known[dir] = false;
}

const struct ps_proto_parser ps_proto_iec104 = {
	.name = "iec104",
	.id = PS_ALPROTO_IEC104,
	.l4 = PS_PROTO_L4_TCP,
	.ports = {2404, 0},
	.probe = iec104_probe,
	.state_size = sizeof(struct iec104_state),
	.parse = iec104_parse,
	.gap = iec104_gap,
	.finish = NULL,
};
