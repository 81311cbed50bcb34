/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers shared by the industrial protocol parsers (Modbus, S7comm, DNP3,
 * IEC 104, BACnet): a bounded PDU reassembler over TCP chunks and the one
 * table of operation names and "dangerous operation" categories that the
 * parsers write and the detectors match on.
 */
#ifndef PS_PROTO_ICS_H
#define PS_PROTO_ICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/jsonw.h"
#include "proto/proto.h"

/*
 * What an operation can do to a process. Written as "dangerous":"<name>"
 * on the event; PS_ICS_DANGER_NONE writes nothing.
 */
enum ps_ics_danger {
	PS_ICS_DANGER_NONE = 0,
	PS_ICS_DANGER_WRITE,        /* changes outputs, registers, set-points */
	PS_ICS_DANGER_STOP,         /* stops the controller or its comms */
	PS_ICS_DANGER_RESTART,      /* cold/warm restart, reinitialise */
	PS_ICS_DANGER_FIRMWARE,     /* file or firmware transfer to a device */
	PS_ICS_DANGER_PROGRAM,      /* logic download, block insert/delete */
	PS_ICS_DANGER_PROGRAM_READ, /* logic upload (theft of the program) */
	PS_ICS_DANGER_CONTROL,      /* changes how the device reports/talks */
	PS_ICS_DANGER_DIAGNOSTIC,   /* maintenance functions */
	PS_ICS_DANGER__COUNT
};

/* "write", "stop", ...; NULL for PS_ICS_DANGER_NONE or out of range. */
const char *ps_ics_danger_name(enum ps_ics_danger d);

/* Code spaces: which number a table entry's `code` is. */
enum ps_ics_space {
	PS_ICS_SPACE_FUNC = 0,   /* Modbus FC, S7 job function, DNP3 application
				  * FC, IEC 104 type id, BACnet confirmed
				  * service choice */
	PS_ICS_SPACE_MODBUS_DIAG,        /* FC 8 sub-function */
	PS_ICS_SPACE_MODBUS_UMAS,        /* FC 90 (Schneider UMAS) function */
	PS_ICS_SPACE_S7_USERDATA,        /* group << 8 | subfunction */
	PS_ICS_SPACE_S7_PI,              /* PI service, looked up by name */
	PS_ICS_SPACE_IEC104_U,           /* U-format control octet */
	PS_ICS_SPACE_BACNET_UNCONFIRMED, /* unconfirmed service choice */
	PS_ICS_SPACE_BACNET_BVLC,        /* BVLC function */
	PS_ICS_SPACE_BACNET_NETWORK,     /* network layer message type */
};

/*
 * One operation of one protocol. The table is sorted by (proto, space,
 * code) and is the vocabulary every ICS detector shares.
 */
struct ps_ics_op {
	uint8_t proto;    /* enum ps_alproto */
	uint8_t space;    /* enum ps_ics_space */
	uint16_t code;
	const char *name; /* as written in "function" */
	uint8_t danger;   /* enum ps_ics_danger */
};

extern const struct ps_ics_op ps_ics_ops[];
extern const size_t ps_ics_ops_len;

/* The entry for (proto, space, code) or NULL. Thread-safe, O(log n). */
const struct ps_ics_op *ps_ics_op_lookup(enum ps_alproto proto,
					 enum ps_ics_space space,
					 unsigned code);
/* The entry whose name is the `n` bytes at `name` (linear; small spaces). */
const struct ps_ics_op *ps_ics_op_find_name(enum ps_alproto proto,
					    enum ps_ics_space space,
					    const void *name, size_t n);

/*
 * Write "function_code":code, "function":name (or `fallback` when name is
 * NULL) and "dangerous":<category> when d is not PS_ICS_DANGER_NONE.
 */
void ps_ics_write_function(struct ps_jw *w, unsigned code, const char *name,
			   const char *fallback, enum ps_ics_danger d);
/* The same from a table lookup (op may be NULL: "unknown", not dangerous). */
void ps_ics_write_op(struct ps_jw *w, unsigned code, const struct ps_ics_op *op);

/*
 * Write `n` bytes as Suricata writes binary data in a string: printable
 * ASCII as is, everything else as \xNN. At most 256 bytes are written.
 */
void ps_ics_write_bytes(struct ps_jw *w, const char *key, const uint8_t *p,
			size_t n);

/* Big- and little-endian reads; the caller has checked the bounds. */
static inline uint16_t ps_ics_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint16_t ps_ics_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t ps_ics_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/*
 * The length of the PDU starting at p (n >= framing.hdr_min bytes seen):
 * PS_OK with *pdu_len set, PS_EAGAIN when more header bytes are needed, or
 * PS_EPROTO with *why set to a static anomaly name when this is not a header.
 */
typedef int (*ps_ics_pdu_len_fn)(const uint8_t *p, size_t n, size_t *pdu_len,
				 const char **why);
/*
 * One whole PDU: `n` bytes at p, of `wire_len` on the wire (n < wire_len
 * when the PDU was longer than the buffer and only its head was kept).
 * Returns PS_OK or PS_EPROTO to stop following the flow.
 */
typedef int (*ps_ics_pdu_fn)(void *state, struct ps_proto_ctx *c,
			     enum ps_dir dir, const uint8_t *p, size_t n,
			     size_t wire_len);

/* How a protocol frames its PDUs on a byte stream. */
struct ps_ics_framing {
	size_t hdr_min;          /* bytes needed before len() is called */
	const uint8_t *sync;     /* first bytes of every PDU, to hunt for after
				  * garbage or a gap; NULL: give up instead */
	size_t sync_len;
	size_t max_garbage;      /* bytes skipped hunting before giving up */
	const char *resync_failed; /* anomaly counted when giving up */
	const char *truncated;   /* anomaly counted when a PDU exceeds the
				  * buffer; NULL when keeping the head of a
				  * long PDU is normal for the protocol */
	ps_ics_pdu_len_fn len;
	ps_ics_pdu_fn pdu;
};

/*
 * Bounded reassembly of one direction. Invariants: have <= cap; need == 0
 * while the PDU length is unknown; skip > 0 only with have == need == 0.
 * The buffer belongs to the parser state (no allocation here).
 */
struct ps_ics_reasm {
	uint8_t *buf;
	uint32_t cap;
	uint32_t have;     /* bytes buffered */
	uint32_t need;     /* wire length of the PDU being collected */
	uint32_t skip;     /* bytes still to drop (tail of a long PDU) */
	uint32_t garbage;  /* bytes dropped in this hunting episode */
	bool hunting;      /* framing lost: looking for framing.sync */
};

void ps_ics_reasm_init(struct ps_ics_reasm *r, uint8_t *buf, size_t cap);
/*
 * Feed one in-order chunk; calls f->pdu for every complete PDU. Returns
 * PS_OK, or PS_EPROTO when the stream cannot be framed any more (bad
 * header without a sync pattern, too much garbage) or f->pdu said so;
 * the anomaly is counted before returning.
 */
int ps_ics_reasm_feed(struct ps_ics_reasm *r, const struct ps_ics_framing *f,
		      void *state, struct ps_proto_ctx *c, enum ps_dir dir,
		      const uint8_t *p, size_t n);
/*
 * The stream lost `n` bytes. If they fall inside the PDU being collected
 * its rest is skipped and framing is kept; otherwise the reassembler hunts
 * for the sync pattern (or, without one, tries the next byte as a header).
 * Returns true when the PDU being collected was lost.
 */
bool ps_ics_reasm_gap(struct ps_ics_reasm *r, size_t n);
/* Bytes of an unfinished PDU still buffered (for finish()). */
static inline size_t ps_ics_reasm_pending(const struct ps_ics_reasm *r)
{
	return r->have;
}

#endif
