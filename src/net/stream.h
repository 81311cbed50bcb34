/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TCP stream reassembly: one session per TCP flow turns the segments of each
 * direction into the ordered byte stream the protocol parsers read. It sits
 * between the flow table (which owns the session and its memory) and the
 * engine, which passes the delivered bytes to the parsers.
 */
#ifndef PS_NET_STREAM_H
#define PS_NET_STREAM_H

#include <stddef.h>
#include <stdint.h>

struct ps_flow;
struct ps_flow_table;
struct ps_packet;
struct ps_stream_seg; /* private to stream.c */

/* Reassembly limits; ps_flow_config_default() fills the defaults. */
struct ps_stream_config {
	uint32_t depth;          /* stream bytes per direction (data and gaps), 1 MiB; 0 = unlimited */
	uint32_t ooo_max_bytes;  /* out-of-order bytes buffered per direction, 64 KiB */
	uint16_t ooo_max_segs;   /* buffer chunks per direction (<= 2032 bytes each), 64 */
};

/* Counters bumped by the stream functions, an array of PS_STREAM__COUNT. */
enum ps_stream_ctr {
	PS_STREAM_SEGMENTS,       /* TCP packets with payload fed */
	PS_STREAM_OOO,            /* segments buffered out of order */
	PS_STREAM_RETRANSMIT,     /* segments whose bytes were all seen before */
	PS_STREAM_OVERLAP,        /* segments partly overlapping bytes seen before */
	PS_STREAM_OVERLAP_DIFF,   /* overlapping buffered bytes that differ (first wins) */
	PS_STREAM_GAP,            /* holes reported to the gap callback */
	PS_STREAM_GAP_BYTES,      /* bytes in those holes */
	PS_STREAM_OOO_DROPPED,    /* out-of-order cap hit: a hole was given up */
	PS_STREAM_DEPTH_REACHED,  /* directions that reached the depth */
	PS_STREAM_MIDSTREAM,      /* sessions picked up without a handshake */
	PS_STREAM_BAD_SEQ,        /* segments too far ahead (> 1 GiB) to be real */
	PS_STREAM_MEMCAP,         /* out-of-order segments refused by the memcap */
	PS_STREAM__COUNT
};

/* Stable counter name ("stream.reassembly_gap"), "?" when out of range. */
const char *ps_stream_ctr_name(enum ps_stream_ctr c);

/*
 * Receivers of the reassembled stream. `dir` is PS_FLOW_TOSERVER for the
 * client's bytes and PS_FLOW_TOCLIENT for the server's. `data` is borrowed
 * for the duration of the call only (it points into the packet or into a
 * buffer about to be recycled). `gap` says that `len` bytes of the stream
 * are lost at this point. Any member may be NULL.
 */
struct ps_stream_cb {
	void (*data)(void *arg, struct ps_flow *f, int dir, const uint8_t *data,
		     size_t len, int64_t ts_us);
	void (*gap)(void *arg, struct ps_flow *f, int dir, size_t len);
	void *arg;
};

/* Reassembly state of one direction (the sender's). Private to stream.c. */
struct ps_stream_dir {
	struct ps_stream_seg *head, *tail; /* buffered, sorted, disjoint, all after next_seq */
	uint32_t isn;        /* initial sequence number when a SYN was seen */
	uint32_t next_seq;   /* sequence number of the next byte to deliver */
	uint64_t offset;     /* stream bytes delivered so far (data + gaps) */
	uint32_t ooo_bytes;  /* data bytes in the buffered chunks */
	uint16_t nsegs;      /* buffered chunks */
	uint8_t flags;       /* PS_STREAM_F_* of stream.c */
	uint8_t pad;
};

/*
 * One TCP session, allocated with the flow by the table (f->tcp). dir[] is
 * per sender (PS_FLOW_TOSERVER = the client's bytes). fin_seen/fin_seq are
 * maintained by the flow table's TCP state tracking.
 */
struct ps_tcp_session {
	struct ps_stream_dir dir[2];
	struct ps_flow_table *table; /* owner of the buffer chunks */
	uint32_t fin_seq[2];         /* sequence number of each side's FIN */
	uint8_t fin_seen;            /* bit (1 << dir) per side that sent FIN */
	uint8_t flags;               /* session flags of stream.c */
};

/*
 * Feed one TCP packet of flow f (from ps_flow_table_get(), which set dir)
 * to reassembly: the first SYN of each direction fixes its ISN, otherwise
 * the first data picks the stream up midstream (counted once per session).
 * In-order bytes go to cb->data at once, pointing into p; retransmitted and
 * overlapping bytes are trimmed (the first copy wins; buffered bytes that
 * differ are counted); out-of-order segments are copied into chunks from
 * the table (bounded by the stream config and the table memcap; when a cap
 * is hit the oldest hole is given up: cb->gap, then buffered data) and
 * delivered once the hole is filled or an ACK from the peer shows the hole
 * was received but not captured. Delivery stops at the depth. Sequence
 * numbers use 32-bit serial arithmetic, so wrap-around is transparent.
 * ctr (may be NULL) is an array of PS_STREAM__COUNT. Not thread-safe: one
 * table per worker. Calls with f->tcp == NULL do nothing.
 */
void ps_stream_packet(struct ps_flow_table *t, struct ps_flow *f, const struct ps_packet *p,
		      int dir, const struct ps_stream_cb *cb, uint64_t *ctr);

/*
 * At the end of a flow: deliver what is still buffered, each direction in
 * order, reporting the holes in front of it as gaps. Meant for the engine's
 * flow-end callback, before it closes the parsers. Idempotent: a second
 * call finds nothing to deliver. The table frees anything left afterwards.
 */
void ps_stream_flow_end(struct ps_flow *f, const struct ps_stream_cb *cb, uint64_t *ctr);

/* Internal to the net module: return the session's chunks to its table. */
void ps_stream_session_release(struct ps_tcp_session *s);
/* Internal to the net module: free the table's cached chunks. */
void ps_stream_cache_drain(struct ps_flow_table *t);

#endif
