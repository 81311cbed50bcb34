/* SPDX-License-Identifier: Apache-2.0 */
/*
 * BACnet/IP parser (UDP 47808): BVLC header (ASHRAE 135 annex J), NPDU
 * (clause 6: network layer messages, DNET/SNET routing) and APDU (clause
 * 20: PDU type, invoke id, service choice). One "bacnet" event per
 * datagram names the service and flags property writes, file writes,
 * device reinitialisation and communication control.
 */
#include <string.h>

#include "core/core.h"
#include "proto/ics.h"
#include "proto/parsers.h"

#define BVLC_HDR 4

struct bacnet_state {
	bool seen_valid;   /* a well-formed BVLC datagram was seen */
};

static const char *const apdu_names[8] = {
	"confirmed_request", "unconfirmed_request", "simple_ack",
	"complex_ack", "segment_ack", "error", "reject", "abort",
};

/* An application or context tag (§20.2.1). */
struct bn_tag {
	uint8_t num;
	bool ctx, open, close;
	uint32_t len;
	const uint8_t *val;
};

/* Read one tag; returns bytes used, 0 when it does not fit. */
static size_t tag_read(const uint8_t *p, size_t n, struct bn_tag *t)
{
	size_t off = 1;
	uint8_t lvt;

	if (n < 1)
		return 0;
	t->num = p[0] >> 4;
	t->ctx = p[0] & 8;
	lvt = p[0] & 7;
	if (t->num == 15) {
		if (n < 2)
			return 0;
		t->num = p[1];
		off = 2;
	}
	t->open = t->ctx && lvt == 6;
	t->close = t->ctx && lvt == 7;
	t->len = 0;
	t->val = p + off;
	if (t->open || t->close || (!t->ctx && t->num == 1))
		return off;   /* boolean: the value is in lvt */
	if (lvt == 5) {
		if (off >= n)
			return 0;
		if (p[off] < 254) {
			t->len = p[off];
			off += 1;
		} else if (p[off] == 254 && off + 3 <= n) {
			t->len = ps_ics_be16(p + off + 1);
			off += 3;
		} else if (p[off] == 255 && off + 5 <= n) {
			t->len = ps_ics_be32(p + off + 1);
			off += 5;
		} else {
			return 0;
		}
	} else {
		t->len = lvt;
	}
	if (t->len > n - off)
		return 0;
	t->val = p + off;
	return off + t->len;
}

static uint32_t tag_uint(const struct bn_tag *t)
{
	uint32_t v = 0;
	uint32_t i;

	for (i = 0; i < t->len && i < 4; i++)
		v = v << 8 | t->val[i];
	return v;
}

static void write_objid(struct ps_jw *w, const char *tkey, const char *ikey,
			const struct bn_tag *t)
{
	uint32_t v;

	if (t->len != 4)
		return;
	v = ps_ics_be32(t->val);
	if (tkey)
		ps_jw_uint(w, tkey, v >> 22);
	ps_jw_uint(w, ikey, v & 0x3fffff);
}

/*
 * Service parameters worth an analyst's eye: the object and property a
 * read/write touches, the reinitialise state, I-Am identity. Passwords
 * are never written (ps_proto_write_secret).
 */
static void write_service(struct ps_jw *w, bool confirmed, uint8_t svc,
			  const uint8_t *p, size_t n)
{
	struct bn_tag t;
	size_t off = 0, k;
	unsigned depth = 0, i;

	for (i = 0; i < 64 && off < n; i++) {
		k = tag_read(p + off, n - off, &t);
		if (k == 0)
			return;
		off += k;
		if (t.open)
			depth++;
		if (t.close && depth)
			depth--;
		if (depth || t.open || t.close)
			continue;
		if (!confirmed && svc == 0 && !t.ctx && i < 4) {
			/* I-Am: object id, max APDU, segmentation, vendor */
			if (t.num == 12)
				write_objid(w, NULL, "device_instance", &t);
			else if (i == 3 && t.num == 2)
				ps_jw_uint(w, "vendor_id", tag_uint(&t));
			continue;
		}
		if (!confirmed && svc == 8 && t.ctx && t.num <= 1) {
			ps_jw_uint(w, t.num ? "high_limit" : "low_limit",
				   tag_uint(&t));
			continue;
		}
		if (!confirmed)
			continue;
		if ((svc == 12 || svc == 15) && t.ctx) {
			if (t.num == 0)
				write_objid(w, "object_type", "instance", &t);
			else if (t.num == 1)
				ps_jw_uint(w, "property_id", tag_uint(&t));
			else if (t.num == 4 && svc == 15)
				ps_jw_uint(w, "priority", tag_uint(&t));
		} else if (svc == 7 && !t.ctx && t.num == 12 && i == 0) {
			write_objid(w, "object_type", "instance", &t);
		} else if (svc == 20 && t.ctx && t.num == 0) {
			ps_jw_uint(w, "reinitialized_state", tag_uint(&t));
		} else if (svc == 17 && t.ctx && t.num == 1) {
			ps_jw_uint(w, "enable_disable", tag_uint(&t));
		} else if ((svc == 20 && t.ctx && t.num == 1) ||
			   (svc == 17 && t.ctx && t.num == 2)) {
			/* character string: encoding octet, then the text */
			ps_proto_write_secret(w, "password", t.val,
					      t.len ? t.len - 1 : 0);
		}
	}
}

static void write_error(struct ps_jw *w, const uint8_t *p, size_t n)
{
	struct bn_tag t;
	size_t k;

	k = tag_read(p, n, &t);
	if (k == 0 || t.ctx || t.num != 9)
		return;
	ps_jw_uint(w, "error_class", tag_uint(&t));
	if (tag_read(p + k, n - k, &t) && !t.ctx && t.num == 9)
		ps_jw_uint(w, "error_code", tag_uint(&t));
}

/* The APDU (§20.1); returns false when it is malformed. */
static bool write_apdu(struct ps_jw *w, const uint8_t *a, size_t n)
{
	const struct ps_ics_op *op;
	uint8_t type, svc;
	size_t so;    /* offset of the service choice */
	bool seg;

	if (n < 2)
		return false;
	type = a[0] >> 4;
	if (type > 7)
		return false;
	seg = a[0] & 0x08;
	ps_jw_str(w, "apdu_type", apdu_names[type]);
	switch (type) {
	case 0:
		so = seg ? 5 : 3;
		if (n <= so)
			return false;
		ps_jw_uint(w, "invoke_id", a[2]);
		ps_jw_bool(w, "segmented", seg);
		break;
	case 1:
		so = 1;
		break;
	case 2: case 5:
		so = 2;
		if (n <= so)
			return false;
		ps_jw_uint(w, "invoke_id", a[1]);
		break;
	case 3:
		so = seg ? 4 : 2;
		if (n <= so)
			return false;
		ps_jw_uint(w, "invoke_id", a[1]);
		ps_jw_bool(w, "segmented", seg);
		break;
	default:
		/* segment ack, reject, abort: invoke id and a reason */
		if (n < 3)
			return false;
		ps_jw_uint(w, "invoke_id", a[1]);
		if (type != 4)
			ps_jw_uint(w, "reason", a[2]);
		ps_ics_write_function(w, type, apdu_names[type], NULL,
				      PS_ICS_DANGER_NONE);
		return true;
	}
	svc = a[so];
	op = ps_ics_op_lookup(PS_ALPROTO_BACNET, type == 1 ?
			      PS_ICS_SPACE_BACNET_UNCONFIRMED : PS_ICS_SPACE_FUNC,
			      svc);
	ps_jw_uint(w, "service_choice", svc);
	ps_jw_str(w, "service", op ? op->name : "unknown");
	/* only a request does the dangerous thing; acks answer it */
	ps_ics_write_function(w, svc, op ? op->name : NULL, "unknown",
			      op && type <= 1 ? (enum ps_ics_danger)op->danger :
			      PS_ICS_DANGER_NONE);
	if (type <= 1 && !seg)
		write_service(w, type == 0, svc, a + so + 1, n - so - 1);
	else if (type == 5)
		write_error(w, a + so + 1, n - so - 1);
	return true;
}

/* NPDU (§6.2): version, control, [DNET DLEN DADR] [SNET SLEN SADR] [hops]. */
static bool write_npdu(struct ps_jw *w, struct ps_proto_ctx *c,
		       const uint8_t *p, size_t n)
{
	uint8_t ctl;
	size_t off = 2;
	bool dnet;

	if (n < 2 || p[0] != 1) {
		ps_proto_anomaly(c, "bacnet_invalid_npdu");
		return false;
	}
	ctl = p[1];
	dnet = ctl & 0x20;
	if (dnet) {
		if (off + 3 > n || off + 3 + (size_t)p[off + 2] > n)
			goto bad;
		ps_jw_uint(w, "dnet", ps_ics_be16(p + off));
		off += 3 + (size_t)p[off + 2];
	}
	if (ctl & 0x08) {
		if (off + 3 > n || off + 3 + (size_t)p[off + 2] > n)
			goto bad;
		ps_jw_uint(w, "snet", ps_ics_be16(p + off));
		off += 3 + (size_t)p[off + 2];
	}
	if (dnet)
		off++;                    /* hop count */
	if (off >= n)
		goto bad;
	if (ctl & 0x80) {
		ps_jw_str(w, "message", "network");
		ps_ics_write_op(w, p[off], ps_ics_op_lookup(PS_ALPROTO_BACNET,
				PS_ICS_SPACE_BACNET_NETWORK, p[off]));
		return true;
	}
	if (!write_apdu(w, p + off, n - off)) {
		ps_proto_anomaly(c, "bacnet_invalid_apdu");
		return false;
	}
	return true;
bad:
	ps_proto_anomaly(c, "bacnet_invalid_npdu");
	return false;
}

static bool bvlc_ok(const uint8_t *p, size_t n)
{
	return n >= BVLC_HDR && p[0] == 0x81 && p[1] <= 0x0c &&
	       ps_ics_be16(p + 2) >= BVLC_HDR && ps_ics_be16(p + 2) <= n;
}

/*
 * Content detection sees datagrams on any port, so it wants more than a
 * plausible header: the BVLC length must be the datagram's, and an NPDU
 * that follows must start with version 1.
 */
static enum ps_probe bacnet_probe(const uint8_t *p, size_t n, enum ps_dir dir)
{
	size_t npdu;

	(void)dir;
	if (!bvlc_ok(p, n) || ps_ics_be16(p + 2) != n)
		return PS_PROBE_NO;
	switch (p[1]) {
	case 0x04:               /* forwarded NPDU: 6 bytes of origin first */
		npdu = BVLC_HDR + 6;
		break;
	case 0x09: case 0x0a: case 0x0b:
		npdu = BVLC_HDR;
		break;
	default:
		return n <= 64 ? PS_PROBE_YES : PS_PROBE_NO;
	}
	return npdu + 2 <= n && p[npdu] == 0x01 ? PS_PROBE_YES : PS_PROBE_NO;
}

static int bacnet_parse(void *state, struct ps_proto_ctx *c, enum ps_dir dir,
			const uint8_t *data, size_t len)
{
	struct bacnet_state *s = state;
	const struct ps_ics_op *op;
	size_t blen, off;
	uint8_t fn;
	struct ps_jw *w;

	(void)dir;
	if (!bvlc_ok(data, len)) {
		ps_proto_anomaly(c, "bacnet_invalid_bvlc");
		return s->seen_valid ? PS_OK : PS_EPROTO;
	}
	s->seen_valid = true;
	fn = data[1];
	blen = ps_ics_be16(data + 2);
	if (blen != len)
		ps_proto_anomaly(c, "bacnet_invalid_length");
	op = ps_ics_op_lookup(PS_ALPROTO_BACNET, PS_ICS_SPACE_BACNET_BVLC, fn);
	w = ps_proto_event_begin(c, "bacnet");
	ps_jw_obj_open(w, "bacnet");
	ps_jw_str(w, "bvlc_function", op ? op->name : "unknown");
	off = fn == 0x04 ? BVLC_HDR + 6 : BVLC_HDR;
	if ((fn == 0x04 || fn == 0x09 || fn == 0x0a || fn == 0x0b) &&
	    blen > off) {
		if (!write_npdu(w, c, data + off, blen - off))
			ps_ics_write_function(w, fn, NULL, "unknown",
					      PS_ICS_DANGER_NONE);
	} else {
		/* a BVLL message of its own (§J.2) */
		ps_ics_write_op(w, fn, op);
		if (fn == 0x00 && blen >= BVLC_HDR + 2)
			ps_jw_uint(w, "result_code", ps_ics_be16(data + 4));
	}
	ps_jw_obj_close(w);
	ps_proto_event_end(c);
	return PS_OK;
}

const struct ps_proto_parser ps_proto_bacnet = {
	.name = "bacnet",
	.id = PS_ALPROTO_BACNET,
	.l4 = PS_PROTO_L4_UDP,
	.ports = {47808, 0},
	.probe = bacnet_probe,
	.state_size = sizeof(struct bacnet_state),
	.parse = bacnet_parse,
	.gap = NULL,
	.finish = NULL,
};
