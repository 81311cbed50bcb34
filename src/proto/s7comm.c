/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Siemens S7comm parser (ISO-on-TCP, TCP 102): TPKT (RFC 1006) framing,
 * COTP (ISO 8073) connect and data TPDUs, and the S7 header, parameters
 * and userdata. A job is paired with its ack by PDU reference into one
 * "s7comm" event naming the function and flagging writes, PLC stop,
 * program download/upload and PI services; S7comm-plus PDUs are counted.
 */
#include <string.h>

#include "core/core.h"
#include "proto/ics.h"
#include "proto/parsers.h"

/*
 * TPKT PDUs are up to 65535 bytes but the S7 PDU size negotiated by setup
 * communication is at most 960 on classic CPUs: keep 1 KiB of each TPKT
 * (the parameters are at the front) and drop the rest.
 */
#define S7_TPKT_KEEP 1024
#define S7_PENDING 8
#define S7_REQ_KEEP 256  /* bytes of a job kept until its ack */
#define S7_MAX_VARS 8    /* read/write var items written per event */

#define ROSCTR_JOB 1
#define ROSCTR_ACK 2
#define ROSCTR_ACK_DATA 3
#define ROSCTR_USERDATA 7

struct s7_pending {
	bool used;
	uint8_t dir;        /* direction of the job */
	uint16_t len;
	uint64_t seq;
	uint8_t pdu[S7_REQ_KEEP];   /* the job from its 0x32 on */
};

struct s7_state {
	bool init;
	struct ps_ics_reasm rs[2];
	uint8_t buf[2][S7_TPKT_KEEP];
	/* COTP DT segments of one S7 PDU (EOT not yet seen) */
	uint8_t frag[2][S7_TPKT_KEEP];
	uint16_t frag_len[2];
	bool frag_over[2];
	struct s7_pending pend[S7_PENDING];
	uint64_t seq;
	uint64_t plus_pdus[2];     /* S7comm-plus, counted only */
	uint8_t plus_version;
};

static const char *rosctr_name(uint8_t r)
{
	switch (r) {
	case ROSCTR_JOB: return "job";
	case ROSCTR_ACK: return "ack";
	case ROSCTR_ACK_DATA: return "ack_data";
	case ROSCTR_USERDATA: return "userdata";
	default: return "unknown";
	}
}

static const char *group_name(uint8_t g)
{
	static const char *const n[16] = {
		"mode_transition", "programmer_commands", "cyclic_data",
		"block_functions", "cpu_functions", "security", "pbc",
		"time_functions", [15] = "nc_programming",
	};
	return n[g & 15] ? n[g & 15] : "unknown";
}

static const char *area_name(uint8_t a)
{
	switch (a) {
	case 0x03: return "system_info";
	case 0x05: return "system_flags";
	case 0x06: return "analog_inputs";
	case 0x07: return "analog_outputs";
	case 0x1c: return "counter";
	case 0x1d: return "timer";
	case 0x1e: return "iec_counter";
	case 0x1f: return "iec_timer";
	case 0x80: return "peripheral";
	case 0x81: return "inputs";
	case 0x82: return "outputs";
	case 0x83: return "flags";
	case 0x84: return "db";
	case 0x85: return "di";
	case 0x86: return "local";
	case 0x87: return "v";
	default: return "unknown";
	}
}

/* RFC 1006 §6: version 3, reserved 0, length >= 7 (TPKT + smallest TPDU). */
static int s7_len(const uint8_t *p, size_t n, size_t *plen, const char **why)
{
	uint16_t len = ps_ics_be16(p + 2);

	if (p[0] != 3 || p[1] != 0 || len < 7) {
		*why = "s7_invalid_tpkt";
		return PS_EPROTO;
	}
	/* COTP length indicator must fit the TPKT */
	if (n >= 5 && (size_t)p[4] + 5 > len) {
		*why = "s7_invalid_cotp";
		return PS_EPROTO;
	}
	*plen = len;
	return PS_OK;
}

static bool cotp_type_known(uint8_t t)
{
	switch (t & 0xf0) {
	case 0xe0: case 0xd0: case 0xf0: case 0x80: case 0xc0:
	case 0x10: case 0x20: case 0x50: case 0x60: case 0x70:
		return true;
	default:
		return false;
	}
}

static enum ps_probe s7_probe(const uint8_t *p, size_t n, enum ps_dir dir)
{
	uint8_t li;

	(void)dir;
	if ((n >= 1 && p[0] != 3) || (n >= 2 && p[1] != 0))
		return PS_PROBE_NO;
	if (n < 7)
		return PS_PROBE_MORE;
	li = p[4];
	if (ps_ics_be16(p + 2) < 7 || (size_t)li + 5 > ps_ics_be16(p + 2) ||
	    !cotp_type_known(p[5]) || li < 2)
		return PS_PROBE_NO;
	if ((p[5] & 0xf0) != 0xf0)
		return PS_PROBE_YES;    /* CR/CC: ISO-on-TCP, likely S7 on 102 */
	if ((size_t)li + 5 >= n)
		return PS_PROBE_MORE;
	return p[li + 5] == 0x32 || p[li + 5] == 0x72 ? PS_PROBE_YES :
	       PS_PROBE_NO;
}

/* ---- writing details ---- */

/* "_0A00001P": '_', block type (2 hex digits), number (5), filesystem. */
static void write_filename(struct ps_jw *w, const uint8_t *par, size_t pn)
{
	static const char *const types[16] = {
		[0x8] = "OB", [0xa] = "DB", [0xb] = "SDB", [0xc] = "FC",
		[0xd] = "SFC", [0xe] = "FB", [0xf] = "SFB",
	};
	const uint8_t *f;
	size_t fl, i;
	unsigned num = 0;

	if (pn < 9)
		return;
	fl = par[8];
	if (fl > pn - 9)
		fl = pn - 9;
	f = par + 9;
	ps_jw_strn(w, "filename", f, fl);
	if (fl < 9 || f[0] != '_' || f[1] != '0' || f[2] < '8' ||
	    (f[2] > '9' && (f[2] < 'A' || f[2] > 'F')))
		return;
	for (i = 3; i < 8; i++) {
		if (f[i] < '0' || f[i] > '9')
			return;
		num = num * 10 + (unsigned)(f[i] - '0');
	}
	i = f[2] <= '9' ? (size_t)(f[2] - '0') : (size_t)(f[2] - 'A' + 10);
	if (!types[i])
		return;
	ps_jw_str(w, "block_type", types[i]);
	ps_jw_uint(w, "block_number", num);
}

static void write_vars(struct ps_jw *w, const uint8_t *par, size_t pn)
{
	size_t off = 2, k = 0;
	uint8_t count = pn >= 2 ? par[1] : 0;

	ps_jw_uint(w, "items", count);
	ps_jw_arr_open(w, "vars");
	/* S7ANY item: 12 0a 10 tsize len(2) db(2) area addr(3) */
	while (k < count && k < S7_MAX_VARS && off + 2 <= pn) {
		const uint8_t *it = par + off;
		size_t il = (size_t)it[1] + 2;
		uint32_t addr;

		if (off + il > pn)
			break;
		if (it[0] == 0x12 && it[1] == 0x0a && it[2] == 0x10) {
			addr = (uint32_t)it[9] << 16 | (uint32_t)it[10] << 8 |
			       it[11];
			ps_jw_obj_open(w, NULL);
			ps_jw_str(w, "area", area_name(it[8]));
			if (it[8] == 0x84 || it[8] == 0x85)
				ps_jw_uint(w, "db", ps_ics_be16(it + 6));
			ps_jw_uint(w, "byte", addr >> 3);
			ps_jw_uint(w, "bit", addr & 7);
			ps_jw_uint(w, "transport_size", it[3]);
			ps_jw_uint(w, "length", ps_ics_be16(it + 4));
			ps_jw_obj_close(w);
		}
		off += il;
		k++;
	}
	ps_jw_arr_close(w);
}

/* PI service name: 0x28 has 7 unknown bytes, a parameter block, name. */
static bool pi_name(const uint8_t *par, size_t pn, const uint8_t **name,
		    size_t *nl)
{
	size_t off;

	if (par[0] == 0x29) {
		off = 6;              /* 29, 5 unknown bytes, length, name */
	} else {
		if (pn < 10)
			return false;
		off = 10 + (size_t)ps_ics_be16(par + 8);
	}
	if (off >= pn)
		return false;
	*nl = par[off];
	if (*nl == 0 || *nl > pn - off - 1)
		return false;
	*name = par + off + 1;
	return true;
}

/* Danger of a job, PI services judged by their name. */
static enum ps_ics_danger job_danger(const uint8_t *par, size_t pn,
				     const struct ps_ics_op *op)
{
	const struct ps_ics_op *pi;
	const uint8_t *name;
	size_t nl;

	if (op && op->code == 0x28 && pi_name(par, pn, &name, &nl)) {
		pi = ps_ics_op_find_name(PS_ALPROTO_S7COMM, PS_ICS_SPACE_S7_PI,
					 name, nl);
		return pi ? (enum ps_ics_danger)pi->danger : PS_ICS_DANGER_NONE;
	}
	return op ? (enum ps_ics_danger)op->danger : PS_ICS_DANGER_NONE;
}

struct s7_hdr {
	uint8_t rosctr;
	uint16_t pdu_ref;
	const uint8_t *par, *dat;
	size_t pn, dn;
	uint8_t err_class, err_code;
};

/* RFC-less Siemens header: 32 rosctr redid(2) ref(2) parlg(2) datlg(2) [err(2)] */
static bool s7_hdr_parse(const uint8_t *p, size_t n, struct s7_hdr *h)
{
	size_t hl;

	if (n < 10)
		return false;
	h->rosctr = p[1];
	hl = h->rosctr == ROSCTR_ACK || h->rosctr == ROSCTR_ACK_DATA ? 12 : 10;
	if (n < hl)
		return false;
	h->pdu_ref = ps_ics_be16(p + 4);
	h->pn = ps_ics_be16(p + 6);
	h->dn = ps_ics_be16(p + 8);
	h->err_class = hl == 12 ? p[10] : 0;
	h->err_code = hl == 12 ? p[11] : 0;
	h->par = p + hl;
	/* a kept head may cut the parameters or data: clamp, never trust */
	if (h->pn > n - hl)
		h->pn = n - hl;
	h->dat = h->par + h->pn;
	if (h->dn > n - hl - h->pn)
		h->dn = n - hl - h->pn;
	return true;
}

static void write_job_params(struct ps_jw *w, const struct s7_hdr *h)
{
	const uint8_t *name;
	size_t nl;
	uint8_t fc = h->par[0];

	switch (fc) {
	case 0x04: case 0x05:
		write_vars(w, h->par, h->pn);
		break;
	case 0xf0:
		if (h->pn >= 8)
			ps_jw_uint(w, "pdu_length", ps_ics_be16(h->par + 6));
		break;
	case 0x1a: case 0x1b: case 0x1c: case 0x1d:
		write_filename(w, h->par, h->pn);
		break;
	case 0x28: case 0x29:
		if (pi_name(h->par, h->pn, &name, &nl))
			ps_jw_strn(w, "pi_service", name, nl);
		break;
	default:
		break;
	}
}

/*
 * Userdata parameter: head(3) len method type|group sub seq [...]. The
 * head is 00 01 12 except in mode-transition pushes (01 00 10), so it is
 * not checked.
 */
static bool ud_parse(const struct s7_hdr *h, uint8_t *type, uint8_t *group,
		     uint8_t *sub)
{
	if (h->pn < 7)
		return false;
	*type = h->par[5] >> 4;
	*group = h->par[5] & 15;
	*sub = h->par[6];
	return true;
}

static const char *ud_type_name(uint8_t t)
{
	switch (t) {
	case 0: return "push";
	case 4: return "request";
	case 8: return "response";
	default: return "unknown";
	}
}

static void write_userdata(struct ps_jw *w, const struct s7_hdr *h)
{
	const struct ps_ics_op *op;
	uint8_t type, group, sub;
	unsigned code;

	if (!ud_parse(h, &type, &group, &sub)) {
		ps_ics_write_function(w, 0, NULL, "unknown", PS_ICS_DANGER_NONE);
		return;
	}
	code = (unsigned)group << 8 | sub;
	op = ps_ics_op_lookup(PS_ALPROTO_S7COMM, PS_ICS_SPACE_S7_USERDATA, code);
	ps_jw_str(w, "type", ud_type_name(type));
	ps_jw_uint(w, "group", group);
	ps_jw_str(w, "group_name", group_name(group));
	ps_jw_uint(w, "subfunction", sub);
	ps_ics_write_op(w, code, op);
	/* read SZL request data: ret(1) tsize(1) len(2) id(2) index(2) */
	if (code == 0x0401 && type == 4 && h->dn >= 8) {
		ps_jw_uint(w, "szl_id", ps_ics_be16(h->dat + 4));
		ps_jw_uint(w, "szl_index", ps_ics_be16(h->dat + 6));
	}
}

/* Count data items whose return code is not 0xff (success). */
static unsigned failed_items(const struct s7_hdr *h, uint8_t fc,
			     unsigned items)
{
	size_t off = 0, il;
	unsigned k, bad = 0;

	for (k = 0; k < items && off + 1 <= h->dn; k++) {
		if (h->dat[off] != 0xff)
			bad++;
		if (fc == 0x05) {     /* write var ack: one byte per item */
			off += 1;
			continue;
		}
		if (off + 4 > h->dn)
			break;
		il = ps_ics_be16(h->dat + off + 2);
		/* transport sizes 3, 4, 5 count bits, others bytes */
		if (h->dat[off + 1] == 3 || h->dat[off + 1] == 4 ||
		    h->dat[off + 1] == 5)
			il = (il + 7) / 8;
		off += 4 + il + (il & 1);
	}
	return bad;
}

static void write_response(struct ps_jw *w, const struct s7_hdr *h,
			   uint8_t job_fc, bool userdata)
{
	ps_jw_obj_open(w, "response");
	ps_jw_str(w, "rosctr", rosctr_name(h->rosctr));
	ps_jw_uint(w, "pdu_ref", h->pdu_ref);
	if (userdata) {
		if (h->dn >= 1)
			ps_jw_uint(w, "return_code", h->dat[0]);
		if (h->pn >= 12)
			ps_jw_uint(w, "error_code", ps_ics_be16(h->par + 10));
	} else {
		ps_jw_uint(w, "error_class", h->err_class);
		ps_jw_uint(w, "error_code", h->err_code);
		if ((job_fc == 0x04 || job_fc == 0x05) && h->pn >= 2 &&
		    h->par[0] == job_fc) {
			ps_jw_uint(w, "items", h->par[1]);
			ps_jw_uint(w, "failed_items",
				   failed_items(h, job_fc, h->par[1]));
		}
	}
	ps_jw_obj_close(w);
}

/* One event: a job/userdata request and its ack, either may be absent. */
static void emit(struct ps_proto_ctx *c, const uint8_t *rq, size_t rqn,
		 const uint8_t *rs, size_t rsn)
{
	struct s7_hdr q = {0}, r = {0};
	const struct ps_ics_op *op;
	bool have_q = rq && s7_hdr_parse(rq, rqn, &q);
	bool have_r = rs && s7_hdr_parse(rs, rsn, &r);
	const struct s7_hdr *m = have_q ? &q : &r;
	bool ud;
	uint8_t fc;
	struct ps_jw *w;

	if (!have_q && !have_r)
		return;
	ud = m->rosctr == ROSCTR_USERDATA;
	fc = m->pn ? m->par[0] : 0;
	w = ps_proto_event_begin(c, "s7comm");
	ps_jw_obj_open(w, "s7comm");
	ps_jw_str(w, "rosctr", rosctr_name(m->rosctr));
	ps_jw_uint(w, "pdu_ref", m->pdu_ref);
	if (ud) {
		write_userdata(w, m);
	} else if (m->pn == 0) {
		ps_ics_write_function(w, 0, NULL, "none", PS_ICS_DANGER_NONE);
	} else {
		op = ps_ics_op_lookup(PS_ALPROTO_S7COMM, PS_ICS_SPACE_FUNC, fc);
		ps_ics_write_function(w, fc, op ? op->name : NULL, "unknown",
				      job_danger(m->par, m->pn, op));
		if (have_q)
			write_job_params(w, m);
	}
	if (have_q && have_r)
		write_response(w, &r, fc, ud);
	ps_jw_obj_close(w);
	ps_proto_event_end(c);
}

static struct s7_pending *oldest(struct s7_state *s)
{
	struct s7_pending *o = NULL;
	size_t i;

	for (i = 0; i < S7_PENDING; i++)
		if (s->pend[i].used && (!o || s->pend[i].seq < o->seq))
			o = &s->pend[i];
	return o;
}

static void flush(struct ps_proto_ctx *c, struct s7_pending *pe)
{
	emit(c, pe->pdu, pe->len, NULL, 0);
	pe->used = false;
}

static struct s7_pending *find(struct s7_state *s, uint8_t dir, uint16_t ref)
{
	size_t i;

	for (i = 0; i < S7_PENDING; i++)
		if (s->pend[i].used && s->pend[i].dir == dir &&
		    ps_ics_be16(s->pend[i].pdu + 4) == ref)
			return &s->pend[i];
	return NULL;
}

static void keep_job(struct s7_state *s, struct ps_proto_ctx *c,
		     enum ps_dir dir, const uint8_t *p, size_t n, uint16_t ref)
{
	struct s7_pending *pe = find(s, (uint8_t)dir, ref);
	size_t i;

	if (pe) {
		flush(c, pe);
	} else {
		for (i = 0; i < S7_PENDING && s->pend[i].used; i++)
			;
		if (i < S7_PENDING) {
			pe = &s->pend[i];
		} else {
			ps_proto_anomaly(c, "s7_too_many_pending");
			pe = oldest(s);
			flush(c, pe);
		}
	}
	pe->used = true;
	pe->dir = (uint8_t)dir;
	pe->seq = s->seq++;
	pe->len = (uint16_t)(n < S7_REQ_KEEP ? n : S7_REQ_KEEP);
	memcpy(pe->pdu, p, pe->len);
}

static void on_ack(struct s7_state *s, struct ps_proto_ctx *c,
		   enum ps_dir dir, const uint8_t *p, size_t n, uint16_t ref)
{
	struct s7_pending *pe = find(s, (uint8_t)!dir, ref);

	if (!pe) {
		ps_proto_anomaly(c, "s7_unsolicited_ack");
		emit(c, NULL, 0, p, n);
		return;
	}
	emit(c, pe->pdu, pe->len, p, n);
	pe->used = false;
}

/* One S7 PDU (from its protocol id on), reassembled from COTP DT. */
static int s7_pdu(struct s7_state *s, struct ps_proto_ctx *c, enum ps_dir dir,
		  const uint8_t *p, size_t n, bool cut)
{
	struct s7_hdr h;
	uint8_t type = 0, group, sub;

	if (p[0] == 0x72) {
		/* S7comm-plus: 72 version len(2) ...; detected and counted */
		s->plus_pdus[dir]++;
		if (n >= 2 && p[1] > s->plus_version)
			s->plus_version = p[1];
		return PS_OK;
	}
	if (p[0] != 0x32) {
		ps_proto_anomaly(c, "s7_invalid_protocol_id");
		return PS_EPROTO;
	}
	if (cut)
		ps_proto_anomaly(c, "s7_pdu_truncated");
	if (!s7_hdr_parse(p, n, &h) ||
	    (!cut && (h.rosctr == ROSCTR_ACK || h.rosctr == ROSCTR_ACK_DATA ?
		      12u : 10u) + (size_t)ps_ics_be16(p + 6) +
		     ps_ics_be16(p + 8) != n)) {
		ps_proto_anomaly(c, "s7_invalid_length");
		return PS_OK;
	}
	switch (h.rosctr) {
	case ROSCTR_JOB:
		keep_job(s, c, dir, p, n, h.pdu_ref);
		break;
	case ROSCTR_ACK: case ROSCTR_ACK_DATA:
		on_ack(s, c, dir, p, n, h.pdu_ref);
		break;
	case ROSCTR_USERDATA:
		(void)ud_parse(&h, &type, &group, &sub);
		if (type == 4)
			keep_job(s, c, dir, p, n, h.pdu_ref);
		else if (type == 8)
			on_ack(s, c, dir, p, n, h.pdu_ref);
		else
			emit(c, p, n, NULL, 0);
		break;
	default:
		ps_proto_anomaly(c, "s7_invalid_rosctr");
		break;
	}
	return PS_OK;
}

/* CR/CC parameters (ISO 8073 §13.3.4): C0 tpdu size, C1/C2 TSAPs. */
static void emit_connect(struct ps_proto_ctx *c, const uint8_t *t, size_t tl)
{
	bool cr = (t[1] & 0xf0) == 0xe0;
	size_t off = 7;
	struct ps_jw *w;

	w = ps_proto_event_begin(c, "s7comm");
	ps_jw_obj_open(w, "s7comm");
	ps_jw_str(w, "cotp", cr ? "CR" : "CC");
	ps_ics_write_function(w, t[1] & 0xf0, cr ? "cotp_connect_request" :
			      "cotp_connect_confirm", NULL, PS_ICS_DANGER_NONE);
	if (tl >= 6) {
		ps_jw_uint(w, "dst_ref", ps_ics_be16(t + 2));
		ps_jw_uint(w, "src_ref", ps_ics_be16(t + 4));
	}
	while (off + 2 <= tl && off + 2 + (size_t)t[off + 1] <= tl) {
		const uint8_t *v = t + off + 2;
		size_t vl = t[off + 1];

		if (t[off] == 0xc0 && vl == 1 && v[0] >= 7 && v[0] <= 13)
			ps_jw_uint(w, "tpdu_size", 1u << v[0]);
		else if (t[off] == 0xc1)
			ps_jw_hex(w, "src_tsap", v, vl);
		else if (t[off] == 0xc2)
			ps_jw_hex(w, "dst_tsap", v, vl);
		off += 2 + vl;
	}
	ps_jw_obj_close(w);
	ps_proto_event_end(c);
}

/* Append a DT segment without EOT; the S7 PDU completes later. */
static void frag_add(struct s7_state *s, struct ps_proto_ctx *c,
		     enum ps_dir dir, const uint8_t *p, size_t n)
{
	size_t room = S7_TPKT_KEEP - s->frag_len[dir];

	if (n > room) {
		if (!s->frag_over[dir])
			ps_proto_anomaly(c, "s7_cotp_reassembly_overflow");
		s->frag_over[dir] = true;
		n = room;
	}
	memcpy(s->frag[dir] + s->frag_len[dir], p, n);
	s->frag_len[dir] += (uint16_t)n;
}

/* One TPKT: the COTP TPDU, then for DT the S7 PDU. */
static int s7_tpkt(void *state, struct ps_proto_ctx *c, enum ps_dir dir,
		   const uint8_t *p, size_t n, size_t wire)
{
	struct s7_state *s = state;
	const uint8_t *t = p + 4, *u;
	size_t tl = (size_t)p[4] + 1, un;
	bool cut = n < wire, eot;
	int rc;

	if (tl < 2 || 4 + tl > n) {
		ps_proto_anomaly(c, "s7_invalid_cotp");
		return PS_OK;
	}
	switch (t[1] & 0xf0) {
	case 0xe0: case 0xd0:
		emit_connect(c, t, tl);
		return PS_OK;
	case 0xf0:
		break;
	default:
		return PS_OK;     /* DR, DC, ER...: nothing for S7 */
	}
	if (tl < 3)
		return PS_OK;
	eot = t[2] & 0x80;
	u = t + tl;
	un = n - 4 - tl;
	if (!eot) {
		frag_add(s, c, dir, u, un);
		return PS_OK;
	}
	if (s->frag_len[dir]) {
		frag_add(s, c, dir, u, un);
		cut = cut || s->frag_over[dir];
		u = s->frag[dir];
		un = s->frag_len[dir];
		s->frag_len[dir] = 0;
		s->frag_over[dir] = false;
	}
	if (un == 0)
		return PS_OK;
	rc = s7_pdu(s, c, dir, u, un, cut);
	return rc;
}

static const struct ps_ics_framing s7_framing = {
	.hdr_min = 4,
	.sync = (const uint8_t *)"\x03\x00",
	.sync_len = 2,
	.max_garbage = 4096,
	.resync_failed = "s7_resync_failed",
	.truncated = NULL,       /* a long TPKT keeps its head by design */
	.len = s7_len,
	.pdu = s7_tpkt,
};

static void s7_init(struct s7_state *s)
{
	if (s->init)
		return;
	ps_ics_reasm_init(&s->rs[0], s->buf[0], S7_TPKT_KEEP);
	ps_ics_reasm_init(&s->rs[1], s->buf[1], S7_TPKT_KEEP);
	s->init = true;
}

static int s7_parse(void *state, struct ps_proto_ctx *c, enum ps_dir dir,
		    const uint8_t *data, size_t len)
{
	struct s7_state *s = state;

	s7_init(s);
	return ps_ics_reasm_feed(&s->rs[dir], &s7_framing, s, c, dir, data,
				 len);
}

static void s7_gap(void *state, struct ps_proto_ctx *c, enum ps_dir dir,
		   size_t len)
{
	struct s7_state *s = state;

	s7_init(s);
	if (ps_ics_reasm_gap(&s->rs[dir], len))
		ps_proto_anomaly(c, "s7_gap");
	s->frag_len[dir] = 0;
	s->frag_over[dir] = false;
}

static void s7_finish(void *state, struct ps_proto_ctx *c)
{
	struct s7_state *s = state;
	struct s7_pending *pe;
	struct ps_jw *w;

	s7_init(s);
	while ((pe = oldest(s)) != NULL)
		flush(c, pe);
	if (s->plus_pdus[0] || s->plus_pdus[1]) {
		w = ps_proto_event_begin(c, "s7comm");
		ps_jw_obj_open(w, "s7comm");
		ps_jw_str(w, "protocol", "s7comm-plus");
		ps_jw_uint(w, "version", s->plus_version);
		ps_ics_write_function(w, 0x72, "s7comm_plus", NULL,
				      PS_ICS_DANGER_NONE);
		ps_jw_uint(w, "pdus_toserver", s->plus_pdus[0]);
		ps_jw_uint(w, "pdus_toclient", s->plus_pdus[1]);
		ps_jw_obj_close(w);
		ps_proto_event_end(c);
	}
}

const struct ps_proto_parser ps_proto_s7comm = {
	.name = "s7comm",
	.id = PS_ALPROTO_S7COMM,
	.l4 = PS_PROTO_L4_TCP,
	.ports = {102, 0},
	.probe = s7_probe,
	.state_size = sizeof(struct s7_state),
	.parse = s7_parse,
	.gap = s7_gap,
	.finish = s7_finish,
};
