/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Modbus/TCP parser (TCP 502): frames MBAP ADUs out of the stream, pairs
 * each request with its response by transaction id and writes one
 * Suricata-shaped "modbus" event per pair, with the function named and
 * writes, diagnostics and Schneider UMAS program/stop functions flagged.
 */
#include <string.h>

#include "core/core.h"
#include "proto/ics.h"
#include "proto/parsers.h"

/* MBAP (7) + PDU (<= 253); Modbus Messaging on TCP/IP V1.0b §3.1.3 */
#define MB_ADU_MAX 260
#define MB_MBAP 7
#define MB_PENDING 8
#define MB_LEN_TOLERATED 1024  /* MBAP length beyond which we give up */

/* A request waiting for its response; `adu` holds the whole request. */
struct mb_pending {
	bool used;
	uint16_t len;
	uint64_t seq;     /* arrival order, for eviction and flushing */
	uint8_t adu[MB_ADU_MAX];
};

struct mb_state {
	bool init;
	struct ps_ics_reasm rs[2];
	uint8_t buf[2][MB_ADU_MAX];
	struct mb_pending pend[MB_PENDING];
	uint64_t seq;
	uint64_t tx_id;
};

/* Suricata (sawp-modbus) spellings of the public function codes. */
static const char *const sawp_names[] = {
	[1] = "RdCoils", [2] = "RdDiscreteInputs", [3] = "RdHoldRegs",
	[4] = "RdInputRegs", [5] = "WrSingleCoil", [6] = "WrSingleReg",
	[7] = "RdExcStatus", [8] = "Diagnostic", [9] = "Program484",
	[10] = "Poll484", [11] = "GetCommEventCtr", [12] = "GetCommEventLog",
	[13] = "ProgramController", [14] = "PollController",
	[15] = "WrMultCoils", [16] = "WrMultRegs", [17] = "ReportServerID",
	[18] = "Program884", [19] = "ResetCommLink", [20] = "RdFileRec",
	[21] = "WrFileRec", [22] = "MaskWrReg", [23] = "RdWrMultRegs",
	[24] = "RdFIFOQueue", [43] = "MEI",
};

static const char *const diag_names[] = {
	[0] = "RetQueryData", [1] = "RestartCommOpt", [2] = "RetDiagReg",
	[3] = "ChangeInputDelimiter", [4] = "ForceListenOnlyMode",
	[10] = "ClearCtrDiagReg", [11] = "RetBusMsgCount",
	[12] = "RetBusCommErrCount", [13] = "RetBusExcErrCount",
	[14] = "RetServerMsgCount", [15] = "RetServerNoRespCount",
	[16] = "RetServerNAKCount", [17] = "RetServerBusyCount",
	[18] = "RetBusCharOverrunCount", [19] = "RetOverrunErrCount",
	[20] = "ClearOverrunCounterFlag", [21] = "GetClearPlusStats",
};

static const char *const exc_names[] = {
	[1] = "IllegalFunction", [2] = "IllegalDataAddr",
	[3] = "IllegalDataValue", [4] = "ServerDeviceFail", [5] = "Ack",
	[6] = "ServerDeviceBusy", [7] = "NegAck", [8] = "MemParityErr",
	[10] = "GatewayPathUnavailable", [11] = "GatewayTargetFailToResp",
};

#define NAME(tab, i, dflt) \
	((size_t)(i) < PS_ARRAY_LEN(tab) && (tab)[i] ? (tab)[i] : (dflt))

/* bitflags Debug order of sawp's AccessType, composites included. */
static const char *access_type(uint8_t fc)
{
	switch (fc) {
	case 1: return "READ | COILS";
	case 2: return "READ | DISCRETES";
	case 3: return "READ | HOLDING";
	case 4: return "READ | INPUT";
	case 5: return "WRITE | COILS | SINGLE | WRITE_SINGLE";
	case 6: return "WRITE | HOLDING | SINGLE | WRITE_SINGLE";
	case 15: return "WRITE | COILS | MULTIPLE | WRITE_MULTIPLE";
	case 16: return "WRITE | HOLDING | MULTIPLE | WRITE_MULTIPLE";
	case 22: return "WRITE | HOLDING";
	case 23: return "READ | WRITE | HOLDING | MULTIPLE | WRITE_MULTIPLE";
	default: return "NONE";
	}
}

/* Application Protocol V1.1b3 §5: public, user-defined, reserved codes. */
static const char *category(uint8_t fc, const uint8_t *d, size_t dn)
{
	if (fc == 8)
		return dn >= 2 && NAME(diag_names, ps_ics_be16(d), NULL) ?
		       "PUBLIC_ASSIGNED" : "RESERVED";
	if (fc == 43)
		return dn >= 1 && (d[0] == 13 || d[0] == 14) ?
		       "PUBLIC_ASSIGNED" : "RESERVED";
	if (NAME(sawp_names, fc, NULL))
		return "PUBLIC_ASSIGNED";
	if (fc == 0 || fc >= 128)
		return "NONE";
	if ((fc >= 9 && fc < 15) || fc == 41 || fc == 42 || fc == 90 ||
	    fc == 91 || fc >= 125)
		return "RESERVED";
	if ((fc >= 65 && fc < 73) || (fc >= 100 && fc < 111))
		return "USER_DEFINED";
	return "PUBLIC_UNASSIGNED";
}

static int mb_len(const uint8_t *p, size_t n, size_t *plen, const char **why)
{
	uint16_t len = ps_ics_be16(p + 4);

	(void)n;
	if (ps_ics_be16(p + 2) != 0) {
		*why = "modbus_invalid_protocol_id";
		return PS_EPROTO;
	}
	/*
	 * Over 254 breaks §4.1 but Schneider UMAS sends 255: keep the head
	 * (counted as modbus_invalid_length by the framing); far over it is
	 * garbage.
	 */
	if (len < 2 || len > MB_LEN_TOLERATED) {
		*why = "modbus_invalid_length";
		return PS_EPROTO;
	}
	*plen = 6u + len;
	return PS_OK;
}

/* Is fc a function code worth calling Modbus (named or user-defined)? */
static bool fc_plausible(uint8_t fc)
{
	fc &= 0x7f;
	return ps_ics_op_lookup(PS_ALPROTO_MODBUS, PS_ICS_SPACE_FUNC, fc) ||
	       (fc >= 65 && fc <= 72) || (fc >= 100 && fc <= 110);
}

static enum ps_probe mb_probe(const uint8_t *p, size_t n, enum ps_dir dir)
{
	uint16_t len;

	if (n >= 4 && ps_ics_be16(p + 2) != 0)
		return PS_PROBE_NO;
	if (n < 6)
		return PS_PROBE_MORE;
	len = ps_ics_be16(p + 4);
	if (len < 2 || len > MB_ADU_MAX - 6)
		return PS_PROBE_NO;
	if (n < 8)
		return PS_PROBE_MORE;
	if (!fc_plausible(p[7]) || (dir == PS_DIR_TOSERVER && p[7] >= 0x80))
		return PS_PROBE_NO;
	/* one whole ADU, or more: the next header must follow */
	if (n >= 6u + len + 4u && ps_ics_be16(p + 6 + len + 2) != 0)
		return PS_PROBE_NO;
	return PS_PROBE_YES;
}

/* ---- event writing ---- */

enum { MB_ERR_DATA_VALUE = 1, MB_ERR_DATA_LENGTH = 2 };

/* Quantity limits of §6.1-6.4 (bits) and §6.3 (registers). */
static unsigned check_read_req(uint8_t fc, const uint8_t *d, size_t dn)
{
	uint16_t q, max = fc <= 2 ? 2000 : 125;

	if (dn < 4)
		return MB_ERR_DATA_LENGTH;
	q = ps_ics_be16(d + 2);
	return q == 0 || q > max ? MB_ERR_DATA_VALUE : 0;
}

static unsigned check_counted(const uint8_t *d, size_t dn)
{
	return dn < 1 || (size_t)d[0] + 1 != dn ? MB_ERR_DATA_LENGTH : 0;
}

static unsigned check_mult_req(const uint8_t *d, size_t dn)
{
	return dn < 5 || (size_t)d[4] + 5 != dn ? MB_ERR_DATA_LENGTH : 0;
}

/* sawp's error flags for the data of one message. */
static unsigned check_data(uint8_t fc, const uint8_t *d, size_t dn, bool resp)
{
	unsigned err = 0;

	switch (fc) {
	case 1: case 2: case 3: case 4:
		return resp ? check_counted(d, dn) : check_read_req(fc, d, dn);
	case 5: case 6:
		if (dn != 4)
			err |= MB_ERR_DATA_LENGTH;
		/* §6.5: a coil is set with FF00 and cleared with 0000 */
		if (fc == 5 && dn >= 4 && ps_ics_be16(d + 2) != 0xff00 &&
		    ps_ics_be16(d + 2) != 0)
			err |= MB_ERR_DATA_VALUE;
		return err;
	case 15: case 16:
		if (resp)
			return dn != 4 ? MB_ERR_DATA_LENGTH : 0;
		return check_mult_req(d, dn);
	case 22:
		return dn != 6 ? MB_ERR_DATA_LENGTH : 0;
	case 23:
		if (resp)
			return check_counted(d, dn);
		if (dn < 9)
			return MB_ERR_DATA_LENGTH;
		return check_read_req(fc, d, dn) | check_mult_req(d + 4, dn - 4);
	case 8:
		return dn < 2 ? MB_ERR_DATA_LENGTH : 0;
	case 43:
		return dn < 1 ? MB_ERR_DATA_LENGTH : 0;
	default:
		return 0;
	}
}

static void write_read_req(struct ps_jw *w, const uint8_t *d, size_t dn)
{
	if (dn < 4)
		return;
	ps_jw_obj_open(w, "read");
	ps_jw_uint(w, "address", ps_ics_be16(d));
	ps_jw_uint(w, "quantity", ps_ics_be16(d + 2));
	ps_jw_obj_close(w);
}

/* Response data after its byte count. */
static void write_counted(struct ps_jw *w, const uint8_t *d, size_t dn)
{
	ps_jw_obj_open(w, "read");
	ps_ics_write_bytes(w, "data", d + (dn ? 1 : 0), dn ? dn - 1 : 0);
	ps_jw_obj_close(w);
}

static void write_single(struct ps_jw *w, const uint8_t *d, size_t dn)
{
	if (dn < 4)
		return;
	ps_jw_obj_open(w, "write");
	ps_jw_uint(w, "address", ps_ics_be16(d));
	ps_jw_uint(w, "data", ps_ics_be16(d + 2));
	ps_jw_obj_close(w);
}

static void write_mult_req(struct ps_jw *w, const uint8_t *d, size_t dn)
{
	if (dn < 5)
		return;
	ps_jw_obj_open(w, "write");
	ps_jw_uint(w, "address", ps_ics_be16(d));
	ps_jw_uint(w, "quantity", ps_ics_be16(d + 2));
	ps_ics_write_bytes(w, "data", d + 5, dn - 5);
	ps_jw_obj_close(w);
}

static void write_mask(struct ps_jw *w, const uint8_t *d, size_t dn)
{
	if (dn < 6)
		return;
	ps_jw_obj_open(w, "write");
	ps_jw_uint(w, "address", ps_ics_be16(d));
	ps_jw_uint(w, "and_mask", ps_ics_be16(d + 2));
	ps_jw_uint(w, "or_mask", ps_ics_be16(d + 4));
	ps_jw_obj_close(w);
}

static void write_sub(struct ps_jw *w, const char *obj, unsigned raw,
		      const char *code, const uint8_t *d, size_t dn)
{
	ps_jw_obj_open(w, obj);
	ps_jw_uint(w, "raw", raw);
	ps_jw_str(w, "code", code);
	ps_ics_write_bytes(w, "data", d, dn);
	ps_jw_obj_close(w);
}

static void write_umas(struct ps_jw *w, const uint8_t *d, size_t dn)
{
	const struct ps_ics_op *op;

	if (dn < 2) {
		ps_ics_write_bytes(w, "data", d, dn);
		return;
	}
	op = ps_ics_op_lookup(PS_ALPROTO_MODBUS, PS_ICS_SPACE_MODBUS_UMAS, d[1]);
	ps_jw_obj_open(w, "umas");
	ps_jw_uint(w, "session", d[0]);
	ps_jw_uint(w, "raw", d[1]);
	ps_jw_str(w, "code", op ? op->name : "unknown");
	ps_ics_write_bytes(w, "data", d + 2, dn - 2);
	ps_jw_obj_close(w);
}

/* The function-specific part of one message (sawp's Data). */
static void write_data(struct ps_jw *w, uint8_t fc, const uint8_t *d,
		       size_t dn, bool resp)
{
	switch (fc) {
	case 1: case 2: case 3: case 4:
		if (resp)
			write_counted(w, d, dn);
		else
			write_read_req(w, d, dn);
		return;
	case 5: case 6:
		write_single(w, d, dn);
		return;
	case 15: case 16:
		if (resp)
			write_single(w, d, dn);
		else
			write_mult_req(w, d, dn);
		return;
	case 22:
		write_mask(w, d, dn);
		return;
	case 23:
		if (resp) {
			write_counted(w, d, dn);
		} else if (dn >= 9) {
			write_read_req(w, d, dn);
			write_mult_req(w, d + 4, dn - 4);
		}
		return;
	case 8:
		if (dn >= 2)
			write_sub(w, "diagnostic", ps_ics_be16(d),
				  NAME(diag_names, ps_ics_be16(d), "Reserved"),
				  d + 2, dn - 2);
		return;
	case 43:
		if (dn >= 1)
			write_sub(w, "mei", d[0], d[0] == 13 ?
				  "CANOpenGenRefReqResp" : d[0] == 14 ?
				  "RdDevId" : "Unknown", d + 1, dn - 1);
		return;
	case 90:
		write_umas(w, d, dn);
		return;
	default:
		if (dn)
			ps_ics_write_bytes(w, "data", d, dn);
	}
}

static const char *err_flags(unsigned err)
{
	static const char *const s[] = {"NONE", "DATA_VALUE", "DATA_LENGTH",
					"DATA_VALUE | DATA_LENGTH"};
	return s[err & 3];
}

/* One "request" or "response" object; returns the sawp error flags. */
static unsigned write_msg(struct ps_jw *w, const char *key, const uint8_t *a,
			  size_t n, bool resp)
{
	uint8_t raw = a[7], fc = raw & 0x7f;
	const uint8_t *d = a + MB_MBAP + 1;
	size_t dn = n - MB_MBAP - 1;
	unsigned err = 0;

	ps_jw_obj_open(w, key);
	ps_jw_uint(w, "transaction_id", ps_ics_be16(a));
	ps_jw_uint(w, "protocol_id", ps_ics_be16(a + 2));
	ps_jw_uint(w, "unit_id", a[6]);
	ps_jw_uint(w, "function_raw", raw);
	ps_jw_str(w, "function_code", NAME(sawp_names, fc, "Unknown"));
	ps_jw_str(w, "access_type", access_type(fc));
	ps_jw_str(w, "category", category(fc, d, dn));
	if (raw & 0x80) {
		if (dn != 1)
			err |= MB_ERR_DATA_LENGTH;
		ps_jw_str(w, "error_flags", err_flags(err));
		ps_jw_obj_open(w, "exception");
		ps_jw_uint(w, "raw", dn ? d[0] : 0);
		ps_jw_str(w, "code", dn ? NAME(exc_names, d[0], "Unknown") :
			  "Unknown");
		ps_jw_obj_close(w);
	} else {
		err = check_data(fc, d, dn, resp);
		ps_jw_str(w, "error_flags", err_flags(err));
		write_data(w, fc, d, dn, resp);
	}
	ps_jw_obj_close(w);
	return err;
}

/* What the pair does: FC 8 and FC 90 are judged by their sub-function. */
static enum ps_ics_danger pair_danger(const uint8_t *a, size_t n,
				      const struct ps_ics_op **op)
{
	uint8_t fc = a[7] & 0x7f;
	const struct ps_ics_op *sub = NULL;

	*op = ps_ics_op_lookup(PS_ALPROTO_MODBUS, PS_ICS_SPACE_FUNC, fc);
	if (fc == 8 && n >= MB_MBAP + 3 && !(a[7] & 0x80))
		sub = ps_ics_op_lookup(PS_ALPROTO_MODBUS,
				       PS_ICS_SPACE_MODBUS_DIAG,
				       ps_ics_be16(a + 8));
	if (fc == 90 && n >= MB_MBAP + 3 && !(a[7] & 0x80))
		sub = ps_ics_op_lookup(PS_ALPROTO_MODBUS,
				       PS_ICS_SPACE_MODBUS_UMAS, a[9]);
	if (sub)
		return (enum ps_ics_danger)sub->danger;
	return *op ? (enum ps_ics_danger)(*op)->danger : PS_ICS_DANGER_NONE;
}

static void emit(struct mb_state *s, struct ps_proto_ctx *c,
		 const uint8_t *req, size_t reqn, const uint8_t *rsp,
		 size_t rspn)
{
	const uint8_t *main = req ? req : rsp;
	const struct ps_ics_op *op;
	enum ps_ics_danger d;
	struct ps_jw *w;
	unsigned err = 0;

	d = pair_danger(main, req ? reqn : rspn, &op);
	w = ps_proto_event_begin(c, "modbus");
	ps_jw_obj_open(w, "modbus");
	ps_jw_uint(w, "id", s->tx_id++);
	ps_ics_write_function(w, main[7] & 0x7f, op ? op->name : NULL,
			      "unknown", d);
	if (req)
		err |= write_msg(w, "request", req, reqn, false);
	if (rsp)
		err |= write_msg(w, "response", rsp, rspn, true);
	ps_jw_obj_close(w);
	ps_proto_event_end(c);
	if (err & MB_ERR_DATA_LENGTH)
		ps_proto_anomaly(c, "modbus_invalid_length");
	if (err & MB_ERR_DATA_VALUE)
		ps_proto_anomaly(c, "modbus_invalid_value");
}

static void emit_pending(struct mb_state *s, struct ps_proto_ctx *c,
			 struct mb_pending *pe)
{
	emit(s, c, pe->adu, pe->len, NULL, 0);
	pe->used = false;
}

static struct mb_pending *oldest(struct mb_state *s)
{
	struct mb_pending *o = NULL;
	size_t i;

	for (i = 0; i < MB_PENDING; i++)
		if (s->pend[i].used && (!o || s->pend[i].seq < o->seq))
			o = &s->pend[i];
	return o;
}

static struct mb_pending *find_tid(struct mb_state *s, uint16_t tid)
{
	size_t i;

	for (i = 0; i < MB_PENDING; i++)
		if (s->pend[i].used && ps_ics_be16(s->pend[i].adu) == tid)
			return &s->pend[i];
	return NULL;
}

static void on_request(struct mb_state *s, struct ps_proto_ctx *c,
		       const uint8_t *p, size_t n)
{
	struct mb_pending *pe = find_tid(s, ps_ics_be16(p));
	size_t i;

	if (p[7] >= 0x80 || p[7] == 0)
		ps_proto_anomaly(c, "modbus_invalid_function_code");
	if (pe) {
		/* the earlier request with this id was never answered */
		emit_pending(s, c, pe);
	} else {
		for (i = 0; i < MB_PENDING && s->pend[i].used; i++)
			;
		if (i < MB_PENDING) {
			pe = &s->pend[i];
		} else {
			ps_proto_anomaly(c, "modbus_too_many_pending");
			pe = oldest(s);
			emit_pending(s, c, pe);
		}
	}
	pe->used = true;
	pe->seq = s->seq++;
	pe->len = (uint16_t)n;
	memcpy(pe->adu, p, n);
}

static int mb_pdu(void *state, struct ps_proto_ctx *c, enum ps_dir dir,
		  const uint8_t *p, size_t n, size_t wire)
{
	struct mb_state *s = state;
	struct mb_pending *pe;

	(void)wire;
	if (dir == PS_DIR_TOSERVER) {
		on_request(s, c, p, n);
		return PS_OK;
	}
	pe = find_tid(s, ps_ics_be16(p));
	if (!pe) {
		ps_proto_anomaly(c, "modbus_unsolicited_response");
		emit(s, c, NULL, 0, p, n);
		return PS_OK;
	}
	if ((p[7] & 0x7f) != pe->adu[7])
		ps_proto_anomaly(c, "modbus_function_mismatch");
	emit(s, c, pe->adu, pe->len, p, n);
	pe->used = false;
	return PS_OK;
}

static const struct ps_ics_framing mb_framing = {
	.hdr_min = MB_MBAP + 1,
	.sync = NULL,
	.resync_failed = "modbus_resync_failed",
	.truncated = "modbus_invalid_length",
	.len = mb_len,
	.pdu = mb_pdu,
};

static void mb_init(struct mb_state *s)
{
	if (s->init)
		return;
	ps_ics_reasm_init(&s->rs[0], s->buf[0], MB_ADU_MAX);
	ps_ics_reasm_init(&s->rs[1], s->buf[1], MB_ADU_MAX);
	s->init = true;
}

static int mb_parse(void *state, struct ps_proto_ctx *c, enum ps_dir dir,
		    const uint8_t *data, size_t len)
{
	struct mb_state *s = state;

	mb_init(s);
	return ps_ics_reasm_feed(&s->rs[dir], &mb_framing, s, c, dir, data,
				 len);
}

static void mb_gap(void *state, struct ps_proto_ctx *c, enum ps_dir dir,
		   size_t len)
{
	struct mb_state *s = state;

	mb_init(s);
	if (ps_ics_reasm_gap(&s->rs[dir], len))
		ps_proto_anomaly(c, "modbus_gap");
}

static void mb_finish(void *state, struct ps_proto_ctx *c)
{
	struct mb_state *s = state;
	struct mb_pending *pe;

	mb_init(s);
	while ((pe = oldest(s)) != NULL)
		emit_pending(s, c, pe);
	if (ps_ics_reasm_pending(&s->rs[0]) || ps_ics_reasm_pending(&s->rs[1]))
		ps_proto_anomaly(c, "modbus_truncated");
}

const struct ps_proto_parser ps_proto_modbus = {
	.name = "modbus",
	.id = PS_ALPROTO_MODBUS,
	.l4 = PS_PROTO_L4_TCP,
	.ports = {502, 0},
	.probe = mb_probe,
	.state_size = sizeof(struct mb_state),
	.parse = mb_parse,
	.gap = mb_gap,
	.finish = mb_finish,
};
