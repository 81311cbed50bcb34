/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TCP reassembly per direction: in-order bytes are passed straight from
 * the packet, out-of-order ones are copied into 2 KiB chunks kept in a
 * sorted, disjoint list until the hole before them is filled or given up.
 * The chunks come from a cache in the flow table and count against its
 * memcap, so steady-state reassembly does not allocate.
 */
#include <stdint.h>
#include <string.h>

#include "core/core.h"
#include "net/flow.h"
#include "net/stream.h"

#define CHUNK_BYTES 2048
#define CHUNK_DATA (CHUNK_BYTES - 16)
#define MAX_AHEAD (UINT32_C(1) << 30) /* farther ahead than any TCP window */

/* A buffered piece of one direction's stream: seq .. seq + len - 1. */
struct ps_stream_seg {
	struct ps_stream_seg *next;
	uint32_t seq;
	uint16_t len;
	uint16_t pad;
	uint8_t data[CHUNK_DATA];
};

_Static_assert(sizeof(struct ps_stream_seg) == CHUNK_BYTES, "chunk size");

/* ps_stream_dir.flags */
enum {
	DIR_SEQ_KNOWN = 1 << 0, /* next_seq is valid */
	DIR_SYN = 1 << 1,       /* isn came from a SYN */
	DIR_DEPTH = 1 << 2,     /* depth reached: nothing more is delivered */
};

/* ps_tcp_session.flags */
enum { SESS_MIDSTREAM = 1 << 0 };

#define SEQ_LT(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) < 0)
#define SEQ_LEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) <= 0)
#define SEQ_GT(a, b) SEQ_LT(b, a)
#define SEG_END(s) ((uint32_t)((s)->seq + (s)->len))

static const char *const ctr_names[PS_STREAM__COUNT] = {
	[PS_STREAM_SEGMENTS] = "stream.segments",
	[PS_STREAM_OOO] = "stream.out_of_order",
	[PS_STREAM_RETRANSMIT] = "stream.retransmission",
	[PS_STREAM_OVERLAP] = "stream.overlap",
	[PS_STREAM_OVERLAP_DIFF] = "stream.overlap_diff_data",
	[PS_STREAM_GAP] = "stream.reassembly_gap",
	[PS_STREAM_GAP_BYTES] = "stream.reassembly_gap_bytes",
	[PS_STREAM_OOO_DROPPED] = "stream.ooo_limit",
	[PS_STREAM_DEPTH_REACHED] = "stream.depth_reached",
	[PS_STREAM_MIDSTREAM] = "stream.midstream_pickups",
	[PS_STREAM_BAD_SEQ] = "stream.bad_seq",
	[PS_STREAM_MEMCAP] = "stream.segment_memcap_drop",
};

const char *ps_stream_ctr_name(enum ps_stream_ctr c)
{
	return (unsigned)c < PS_STREAM__COUNT ? ctr_names[c] : "?";
}

size_t ps_flow_mem_per_chunk(void)
{
	return CHUNK_BYTES;
}

/* ---- chunks ---------------------------------------------------------- */

static struct ps_stream_seg *seg_get(struct ps_flow_table *t)
{
	struct ps_stream_seg *s = t->seg_free;

	if (s != NULL) {
		t->seg_free = s->next;
		t->segs_cached--;
	} else {
		if (!ps_flow_table_charge(t, CHUNK_BYTES))
			return NULL;
		s = ps_malloc(PS_MEM_FLOW, CHUNK_BYTES);
		if (s == NULL) {
			ps_flow_table_refund(t, CHUNK_BYTES);
			return NULL;
		}
	}
	t->segs_used++;
	return s;
}

static void seg_put(struct ps_flow_table *t, struct ps_stream_seg *s)
{
	s->next = t->seg_free;
	t->seg_free = s;
	t->segs_cached++;
	t->segs_used--;
}

void ps_stream_cache_drain(struct ps_flow_table *t)
{
	struct ps_stream_seg *s;

	while ((s = t->seg_free) != NULL) {
		t->seg_free = s->next;
		ps_free(s);
		ps_flow_table_refund(t, CHUNK_BYTES);
	}
	t->segs_cached = 0;
}

static void dir_release(struct ps_flow_table *t, struct ps_stream_dir *d)
{
	struct ps_stream_seg *s;

	while ((s = d->head) != NULL) {
		d->head = s->next;
		seg_put(t, s);
	}
	d->tail = NULL;
	d->nsegs = 0;
	d->ooo_bytes = 0;
}

void ps_stream_session_release(struct ps_tcp_session *s)
{
	dir_release(s->table, &s->dir[0]);
	dir_release(s->table, &s->dir[1]);
}

/* ---- delivery -------------------------------------------------------- */

/* What one call works on: a direction of a flow and where its bytes go. */
struct sctx {
	struct ps_flow_table *t;
	struct ps_flow *f;
	struct ps_stream_dir *d;
	const struct ps_stream_cb *cb;
	uint64_t *ctr;
	int64_t ts_us;
	int dir;
	/* bytes of the current segment already seen, and whether they differed */
	uint32_t covered;
	bool differ;
};

static void reach_depth(struct sctx *c)
{
	c->d->flags |= DIR_DEPTH;
	c->ctr[PS_STREAM_DEPTH_REACHED]++;
	dir_release(c->t, c->d);
}

/* How many of n stream bytes fit under the depth; marks the depth reached. */
static size_t depth_clip(struct sctx *c, size_t n)
{
	uint32_t depth = c->t->cfg.stream.depth;
	uint64_t left;

	if (depth == 0 || c->d->offset + n <= depth)
		return n;
	left = depth - c->d->offset;
	reach_depth(c);
	return (size_t)left;
}

static void emit_data(struct sctx *c, const uint8_t *p, size_t n)
{
	if (c->d->flags & DIR_DEPTH)
		return;
	n = depth_clip(c, n);
	c->d->offset += n;
	if (n != 0 && c->cb->data != NULL)
		c->cb->data(c->cb->arg, c->f, c->dir, p, n, c->ts_us);
}

static void emit_gap(struct sctx *c, size_t n)
{
	if ((c->d->flags & DIR_DEPTH) || n == 0)
		return;
	c->ctr[PS_STREAM_GAP]++;
	c->ctr[PS_STREAM_GAP_BYTES] += n;
	n = depth_clip(c, n);
	c->d->offset += n;
	if (n != 0 && c->cb->gap != NULL)
		c->cb->gap(c->cb->arg, c->f, c->dir, n);
}

static void pop_head(struct sctx *c)
{
	struct ps_stream_dir *d = c->d;
	struct ps_stream_seg *s = d->head;

	d->head = s->next;
	if (d->head == NULL)
		d->tail = NULL;
	d->nsegs--;
	d->ooo_bytes -= s->len;
	seg_put(c->t, s);
}

/* Deliver the buffered chunks that are now in order. */
static void deliver_ready(struct sctx *c)
{
	struct ps_stream_dir *d = c->d;

	while (d->head != NULL && d->head->seq == d->next_seq && !(d->flags & DIR_DEPTH)) {
		uint16_t n = d->head->len;

		emit_data(c, d->head->data, n); /* may reach the depth and free all */
		d->next_seq += n;
		if (!(d->flags & DIR_DEPTH))
			pop_head(c);
	}
}

/* Give up the hole in front of the first chunk, then deliver what follows. */
static void skip_hole(struct sctx *c)
{
	struct ps_stream_dir *d = c->d;
	uint32_t seq;

	if (d->head == NULL)
		return;
	seq = d->head->seq;
	emit_gap(c, (uint32_t)(seq - d->next_seq)); /* may reach the depth and free all */
	d->next_seq = seq;
	deliver_ready(c);
}

/* Overlap of n new bytes with buffered ones: the buffered ones win. */
static void note_overlap(struct sctx *c, const uint8_t *old, const uint8_t *new, uint32_t n)
{
	c->covered += n;
	if (!c->differ && memcmp(old, new, n) != 0)
		c->differ = true;
}

/* data[0 .. len) starts at next_seq: deliver it and the chunks it reaches. */
static void deliver_inorder(struct sctx *c, const uint8_t *data, uint32_t len)
{
	struct ps_stream_dir *d = c->d;
	uint32_t done = 0;

	while (done < len && !(d->flags & DIR_DEPTH)) {
		struct ps_stream_seg *e = d->head;
		uint32_t n = len - done;

		if (e != NULL && e->seq == d->next_seq) {
			uint16_t elen = e->len;

			if (n > elen)
				n = elen;
			note_overlap(c, e->data, data + done, n);
			emit_data(c, e->data, elen); /* may reach the depth and free e */
			d->next_seq += elen;
			if (!(d->flags & DIR_DEPTH))
				pop_head(c);
		} else {
			if (e != NULL && (uint32_t)(e->seq - d->next_seq) < n)
				n = e->seq - d->next_seq;
			emit_data(c, data + done, n);
			d->next_seq += n;
		}
		done += n;
	}
	deliver_ready(c);
}

/* ---- out of order ---------------------------------------------------- */

/* Where a walk for seq may start: after the tail when seq is beyond it. */
static struct ps_stream_seg **walk_start(struct ps_stream_dir *d, uint32_t seq)
{
	if (d->tail != NULL && SEQ_LEQ(SEG_END(d->tail), seq))
		return &d->tail->next;
	return &d->head;
}

/* New bytes and chunks that [seq, seq + len) would add to the list. */
static void count_new(struct ps_stream_dir *d, uint32_t seq, uint32_t len,
		      uint32_t *bytes, uint32_t *chunks)
{
	uint32_t s = seq, end = seq + len;

	*bytes = *chunks = 0;
	for (struct ps_stream_seg *e = *walk_start(d, seq); e != NULL && SEQ_LT(s, end);
	     e = e->next) {
		if (SEQ_LEQ(SEG_END(e), s))
			continue;
		if (SEQ_LEQ(end, e->seq))
			break;
		if (SEQ_LT(s, e->seq)) {
			*bytes += e->seq - s;
			*chunks += (e->seq - s + CHUNK_DATA - 1) / CHUNK_DATA;
		}
		s = SEG_END(e);
	}
	if (SEQ_LT(s, end)) {
		*bytes += end - s;
		*chunks += (end - s + CHUNK_DATA - 1) / CHUNK_DATA;
	}
}

/* Copy [seq, seq + len) into the holes of the list, taking chunks from spare. */
static void insert_pieces(struct sctx *c, uint32_t seq, const uint8_t *data, uint32_t len,
			  struct ps_stream_seg *spare)
{
	struct ps_stream_dir *d = c->d;
	struct ps_stream_seg **pp = walk_start(d, seq), *e;
	uint32_t s = seq, end = seq + len;

	while (SEQ_LT(s, end)) {
		e = *pp;
		if (e != NULL && SEQ_LEQ(SEG_END(e), s)) {
			pp = &e->next;
		} else if (e != NULL && SEQ_LEQ(e->seq, s)) {
			uint32_t n = (SEQ_LT(SEG_END(e), end) ? SEG_END(e) : end) - s;

			note_overlap(c, e->data + (s - e->seq), data + (s - seq), n);
			s += n;
			pp = &e->next;
		} else {
			uint32_t upto = (e != NULL && SEQ_LT(e->seq, end)) ? e->seq : end;
			uint32_t n = upto - s < CHUNK_DATA ? upto - s : CHUNK_DATA;
			struct ps_stream_seg *nw = spare;

			spare = spare->next;
			nw->seq = s;
			nw->len = (uint16_t)n;
			memcpy(nw->data, data + (s - seq), n);
			nw->next = e;
			*pp = nw;
			if (e == NULL)
				d->tail = nw;
			d->nsegs++;
			d->ooo_bytes += n;
			s += n;
			pp = &nw->next;
		}
	}
}

/*
 * Buffer a segment that starts after next_seq. False when it does not fit
 * under the caps or the memcap (nothing is changed then).
 */
static bool buffer_ooo(struct sctx *c, uint32_t seq, const uint8_t *data, uint32_t len)
{
	const struct ps_stream_config *cfg = &c->t->cfg.stream;
	struct ps_stream_dir *d = c->d;
	struct ps_stream_seg *spare = NULL, *s;
	uint32_t bytes, chunks;

	count_new(d, seq, len, &bytes, &chunks);
	if ((uint64_t)d->ooo_bytes + bytes > cfg->ooo_max_bytes ||
	    (uint64_t)d->nsegs + chunks > cfg->ooo_max_segs)
		return false;
	for (uint32_t i = 0; i < chunks; i++) {
		s = seg_get(c->t);
		if (s == NULL) {
			c->ctr[PS_STREAM_MEMCAP]++;
			while ((s = spare) != NULL) {
				spare = s->next;
				seg_put(c->t, s);
			}
			return false;
		}
		s->next = spare;
		spare = s;
	}
	insert_pieces(c, seq, data, len, spare);
	if (bytes != 0)
		c->ctr[PS_STREAM_OOO]++;
	return true;
}

/* Give up holes until the segment fits, is in order, or the buffer is empty. */
static void handle_ooo(struct sctx *c, uint32_t seq, const uint8_t *data, uint32_t len)
{
	struct ps_stream_dir *d = c->d;

	for (;;) {
		uint32_t ahead = seq - d->next_seq, trim;

		if (d->flags & DIR_DEPTH)
			return;
		if (SEQ_LEQ(seq, d->next_seq)) {
			trim = d->next_seq - seq;
			c->covered += trim < len ? trim : len;
			if (trim < len)
				deliver_inorder(c, data + trim, len - trim);
			return;
		}
		if (buffer_ooo(c, seq, data, len))
			return;
		c->ctr[PS_STREAM_OOO_DROPPED]++;
		if (d->head == NULL || SEQ_LT(seq, d->head->seq)) {
			/* the oldest hole ends at this segment: give it up */
			emit_gap(c, ahead);
			d->next_seq = seq;
			deliver_inorder(c, data, len);
			return;
		}
		skip_hole(c);
	}
}

/* ---- packets --------------------------------------------------------- */

static void handle_syn(struct ps_stream_dir *d, uint32_t seq)
{
	/* a new ISN is taken only while nothing of the old one was kept */
	if ((d->flags & DIR_SEQ_KNOWN) && (d->offset != 0 || d->head != NULL))
		return;
	d->isn = seq;
	d->next_seq = seq + 1;
	d->flags |= DIR_SEQ_KNOWN | DIR_SYN;
}

/* The peer acknowledged bytes beyond a hole: the hole was lost to capture. */
static void handle_ack(struct sctx *peer, uint32_t ack)
{
	struct ps_stream_dir *d = peer->d;

	while (d->head != NULL && SEQ_GT(ack, d->head->seq) && !(d->flags & DIR_DEPTH))
		skip_hole(peer);
}

static void ctx_init(struct sctx *c, struct ps_flow *f, int dir, const struct ps_stream_cb *cb,
		     uint64_t *ctr, int64_t ts_us)
{
	static const struct ps_stream_cb none;

	c->t = f->tcp->table;
	c->f = f;
	c->d = &f->tcp->dir[dir];
	c->cb = cb != NULL ? cb : &none;
	c->ctr = ctr;
	c->ts_us = ts_us;
	c->dir = dir;
	c->covered = 0;
	c->differ = false;
}

static void classify(struct sctx *c, uint32_t len)
{
	if (c->covered >= len)
		c->ctr[PS_STREAM_RETRANSMIT]++;
	else if (c->covered != 0)
		c->ctr[PS_STREAM_OVERLAP]++;
	if (c->differ)
		c->ctr[PS_STREAM_OVERLAP_DIFF]++;
}

static void handle_data(struct sctx *c, uint32_t seq, const uint8_t *data, uint32_t len)
{
	struct ps_stream_dir *d = c->d;
	struct ps_tcp_session *s = c->f->tcp;

	c->ctr[PS_STREAM_SEGMENTS]++;
	if (d->flags & DIR_DEPTH)
		return;
	if (len > MAX_AHEAD) {
		c->ctr[PS_STREAM_BAD_SEQ]++;
		return;
	}
	if (!(d->flags & DIR_SEQ_KNOWN)) {
		d->next_seq = seq;
		d->flags |= DIR_SEQ_KNOWN;
		if (!(s->flags & SESS_MIDSTREAM)) {
			s->flags |= SESS_MIDSTREAM;
			c->ctr[PS_STREAM_MIDSTREAM]++;
		}
	}
	if (SEQ_GT(seq, d->next_seq) && seq - d->next_seq > MAX_AHEAD) {
		c->ctr[PS_STREAM_BAD_SEQ]++;
		return;
	}
	handle_ooo(c, seq, data, len);
	classify(c, len);
}

void ps_stream_packet(struct ps_flow_table *t, struct ps_flow *f, const struct ps_packet *p,
		      int dir, const struct ps_stream_cb *cb, uint64_t *ctr)
{
	uint64_t scratch[PS_STREAM__COUNT];
	struct sctx c, peer;
	uint8_t fl = p->tcp_flags;
	uint32_t seq = p->tcp_seq;

	(void)t; /* the session knows its table */
	if (f->tcp == NULL || (dir != PS_FLOW_TOSERVER && dir != PS_FLOW_TOCLIENT))
		return;
	if (ctr == NULL) {
		memset(scratch, 0, sizeof(scratch));
		ctr = scratch;
	}
	ctx_init(&c, f, dir, cb, ctr, p->ts_us);
	if (fl & PS_TH_SYN) {
		handle_syn(c.d, seq);
		seq++;
	}
	if ((fl & (PS_TH_ACK | PS_TH_RST)) == PS_TH_ACK) {
		ctx_init(&peer, f, !dir, cb, ctr, p->ts_us);
		handle_ack(&peer, p->tcp_ack);
	}
	/* RFC 9293 3.5.3: an RST carries no data for the application */
	if (p->payload_len == 0 || p->payload == NULL || (fl & PS_TH_RST))
		return;
	handle_data(&c, seq, p->payload, p->payload_len);
}

void ps_stream_flow_end(struct ps_flow *f, const struct ps_stream_cb *cb, uint64_t *ctr)
{
	uint64_t scratch[PS_STREAM__COUNT] = {0};
	struct sctx c;

	if (f->tcp == NULL)
		return;
	if (ctr == NULL)
		ctr = scratch;
	for (int dir = 0; dir < 2; dir++) {
		ctx_init(&c, f, dir, cb, ctr, f->last_us);
		while (c.d->head != NULL && !(c.d->flags & DIR_DEPTH))
			skip_hole(&c);
	}
}
