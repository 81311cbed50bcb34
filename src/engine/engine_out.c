/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Event output: the sink parsers write through, flow events, and the
 * batches that go to the EVE file and the store under one lock.
 */
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "engine/engine_int.h"

#define EVE_FLUSH_BYTES (256u << 10)
#define EVE_MAX (EVE_FLUSH_BYTES + ENGINE_LINE_MAX + 1)

static const char *ip_proto_name(uint8_t p)
{
	switch (p) {
	case PS_IPPROTO_TCP: return "TCP";
	case PS_IPPROTO_UDP: return "UDP";
	case PS_IPPROTO_ICMP: return "ICMP";
	case PS_IPPROTO_ICMPV6: return "IPv6-ICMP";
	case PS_IPPROTO_SCTP: return "SCTP";
	default: return "IP";
	}
}

/* Write batched events to the store and pending lines to the EVE file. */
void ps_worker_flush(struct worker *w)
{
	struct ps_engine *e = w->e;
	size_t len = ps_buf_len(&w->eve);

	if (!len && !w->nbatch)
		return;
	pthread_mutex_lock(&e->out_lock);
	if (len && e->cfg.eve) {
		if (fwrite(w->eve.p, 1, len, e->cfg.eve) != len && !e->out_err)
			e->out_err = PS_EIO;
	}
	if (w->nbatch && e->cfg.store) {
		if (ps_store_event_batch_insert(e->cfg.store, w->batch,
						w->nbatch) == PS_OK) {
			w->store_events += w->nbatch;
		} else {
			w->store_errors += w->nbatch;
			if (!e->out_err)
				e->out_err = PS_EDB;
		}
	}
	pthread_mutex_unlock(&e->out_lock);
	ps_buf_reset(&w->eve);
	w->nbatch = 0;
	ps_arena_reset(&w->batch_mem);
}

static void batch_add(struct worker *w, const struct ps_proto_ctx *c,
		      const char *type, const char *json, size_t len)
{
	const struct ps_proto_flow *f = c->flow;
	struct ps_event *ev;
	char a[PS_ADDR_STRLEN];

	if (w->nbatch >= w->e->cfg.store_batch)
		ps_worker_flush(w);
	ev = &w->batch[w->nbatch];
	memset(ev, 0, sizeof(*ev));
	ev->ts_us = c->ts_us;
	ev->sensor = w->e->cfg.sensor;
	ev->event_type = type;
	ev->src_ip = ps_arena_strndup(&w->batch_mem, ps_addr_fmt(&f->cli,
				      f->family, a), PS_ADDR_STRLEN);
	ev->dest_ip = ps_arena_strndup(&w->batch_mem, ps_addr_fmt(&f->srv,
				       f->family, a), PS_ADDR_STRLEN);
	ev->src_port = f->cport;
	ev->dest_port = f->sport;
	ev->proto = ip_proto_name(f->ip_proto);
	ev->app_proto = c->alproto != PS_ALPROTO_UNKNOWN ?
			ps_alproto_name(c->alproto) : NULL;
	ev->flow_id = (int64_t)f->flow_id;
	ev->json = ps_arena_strndup(&w->batch_mem, json, len);
	if (!ev->src_ip || !ev->dest_ip || !ev->json) {
		w->dropped_events++;
		return;
	}
	w->nbatch++;
}

/*
 * EVE lines alone (no store batch wanting a copy) are written straight
 * into the pending EVE buffer instead of a line buffer that is copied.
 */
static inline bool eve_in_place(const struct ps_engine *e)
{
	return e->cfg.eve && !e->cfg.store;
}

static struct ps_jw *sink_begin(struct ps_proto_sink *s,
				const struct ps_proto_ctx *c, const char *type)
{
	struct worker *w = (struct worker *)(void *)((char *)s -
					     offsetof(struct worker, sink));

	ps_name_table_add(&w->event_types, type, 1);
	w->cur_type = type;
	w->events++;
	w->in_event = true;
	if (w->writing && eve_in_place(w->e)) {
		/* An event begun inside another replaces it, as with a line buffer. */
		ps_buf_truncate(&w->eve, w->eve_start);
		w->eve.max = EVE_MAX;
	}
	w->writing = w->e->outputs;
	if (!w->writing) {
		/* Nothing will read it: make every write a no-op. */
		ps_jw_init(&w->jw, &w->line);
		w->jw.err = PS_EUNSUP;
		return &w->jw;
	}
	if (eve_in_place(w->e)) {
		/*
		 * Write the line in place after the pending ones, held to
		 * the line buffer's limit; sink_end drops it on error.
		 */
		w->eve_start = ps_buf_len(&w->eve);
		w->eve.max = w->eve_start + ENGINE_LINE_MAX;
		ps_jw_init(&w->jw, &w->eve);
	} else {
		ps_buf_reset(&w->line);
		ps_jw_init(&w->jw, &w->line);
	}
	ps_jw_obj_open(&w->jw, NULL);
	ps_proto_write_header(&w->jw, c, type);
	return &w->jw;
}

static void sink_end_write(struct ps_proto_sink *s, const struct ps_proto_ctx *c)
{
	struct worker *w = (struct worker *)(void *)((char *)s -
					     offsetof(struct worker, sink));
	struct ps_engine *e = w->e;
	size_t len;
	int rc;

	if (!w->writing)
		return;
	w->writing = false;
	ps_jw_obj_close(&w->jw);
	if (eve_in_place(e)) {
		w->eve.max = EVE_MAX;
		if (ps_jw_error(&w->jw) || w->jw.depth)
			ps_buf_truncate(&w->eve, w->eve_start);
		/* writes after the end (to an event replaced) go nowhere */
		rc = w->jw.err;
		w->jw.err = PS_EUNSUP;
	} else {
		rc = w->jw.err;
	}
	if (rc || w->jw.depth) {
		w->dropped_events++;
		ps_name_table_add(&w->anomalies, "output.event_invalid", 1);
		return;
	}
	if (eve_in_place(e)) {
		if (ps_buf_addch(&w->eve, '\n')) {
			ps_buf_truncate(&w->eve, w->eve_start);
			w->dropped_events++;
		}
		if (ps_buf_len(&w->eve) >= EVE_FLUSH_BYTES)
			ps_worker_flush(w);
		return;
	}
	len = ps_buf_len(&w->line);
	if (e->cfg.eve) {
		if (ps_buf_add(&w->eve, w->line.p, len) ||
		    ps_buf_addch(&w->eve, '\n'))
			w->dropped_events++;
		if (ps_buf_len(&w->eve) >= EVE_FLUSH_BYTES)
			ps_worker_flush(w);
	}
	if (e->cfg.store)
		batch_add(w, c, w->cur_type, (const char *)w->line.p, len);
}

static void sink_end(struct ps_proto_sink *s, const struct ps_proto_ctx *c)
{
	struct worker *w = (struct worker *)(void *)((char *)s -
					     offsetof(struct worker, sink));

	sink_end_write(s, c);
	w->in_event = false;
	ps_engine_flush_pending(w);
}

/*
 * An "anomaly" event the first time a flow shows a kind of protocol
 * anomaly, for its first ENGINE_FLOW_ANOMALIES kinds; every occurrence is
 * counted in the stats. Suricata's shape: type applayer, layer
 * proto_parser, the event's name.
 */
static void anomaly_write(const struct ps_proto_ctx *c, const char *what)
{
	struct ps_proto_ctx ec = *c;
	struct ps_jw *jw;

	jw = ps_proto_event_begin(&ec, "anomaly");
	ps_jw_obj_open(jw, "anomaly");
	ps_jw_str(jw, "app_proto", ps_alproto_name(c->alproto));
	ps_jw_str(jw, "type", "applayer");
	ps_jw_str(jw, "event", what);
	ps_jw_str(jw, "layer", "proto_parser");
	ps_jw_obj_close(jw);
	ps_proto_event_end(&ec);
}

/*
 * Keep an event raised while another is being written (a parser counts
 * an anomaly or observes a value mid-event) for when that one ends;
 * false when the queue is full (the event is dropped and counted).
 */
bool ps_engine_defer(struct worker *w, const struct pending_event *p)
{
	if (w->npend == ENGINE_PENDING) {
		w->dropped_events++;
		return false;
	}
	w->pend[w->npend++] = *p;
	return true;
}

void ps_engine_flush_pending(struct worker *w)
{
	struct pending_event *p;
	unsigned i;

	/* each write ends an event, which calls this again: once is enough */
	if (w->flushing || !w->npend)
		return;
	w->flushing = true;
	for (i = 0; i < w->npend; i++) {
		p = &w->pend[i];
		if (p->kind == PENDING_ANOMALY)
			anomaly_write(&p->c, p->what);
		else if (p->kind == PENDING_ALERT)
			ps_engine_intel_write(w, p);
	}
	w->npend = 0;
	w->flushing = false;
}

static void anomaly_event(struct worker *w, const struct ps_proto_ctx *c,
			  const char *what)
{
	struct flow_app *a = (struct flow_app *)(void *)((char *)c->flow -
					 offsetof(struct flow_app, meta));
	struct pending_event p;
	unsigned i;

	for (i = 0; i < a->nanom; i++)
		if (a->anom[i] == what || !strcmp(a->anom[i], what))
			return;
	if (a->nanom == ENGINE_FLOW_ANOMALIES)
		return;
	a->anom[a->nanom++] = what;
	if (!w->in_event) {
		anomaly_write(c, what);
		return;
	}
	memset(&p, 0, offsetof(struct pending_event, value));
	p.kind = PENDING_ANOMALY;
	p.c = *c;
	p.what = what;
	(void)ps_engine_defer(w, &p);
}

static void sink_anomaly(struct ps_proto_sink *s, const struct ps_proto_ctx *c,
			 const char *what)
{
	struct worker *w = (struct worker *)(void *)((char *)s -
					     offsetof(struct worker, sink));

	ps_name_table_add(&w->anomalies, what, 1);
	if (c->engine)   /* a parser's call: c->flow is inside a flow_app */
		anomaly_event(w, c, what);
}

static void sink_note_set(struct ps_proto_sink *s, const struct ps_proto_ctx *c,
			  const void *p, size_t n)
{
	struct worker *w = (struct worker *)(void *)((char *)s -
					     offsetof(struct worker, sink));
	struct ps_engine *e = w->e;
	struct flow_note *x;

	pthread_mutex_lock(&e->exp_lock);
	x = &e->notes[e->note_next++ % ENGINE_NOTES];
	x->flow_id = c->flow->flow_id;
	x->ts_us = c->ts_us;
	x->len = (uint16_t)(n < sizeof(x->data) ? n : sizeof(x->data));
	memcpy(x->data, p, x->len);
	pthread_mutex_unlock(&e->exp_lock);
}

static size_t sink_note_get(struct ps_proto_sink *s,
			    const struct ps_proto_ctx *c, uint64_t flow_id,
			    int64_t from_us, int64_t to_us, void *out, size_t cap)
{
	struct worker *w = (struct worker *)(void *)((char *)s -
					     offsetof(struct worker, sink));
	struct ps_engine *e = w->e;
	const struct flow_note *x, *best = NULL;
	size_t n = 0;
	unsigned i;

	(void)c;
	pthread_mutex_lock(&e->exp_lock);
	for (i = 0; i < ENGINE_NOTES; i++) {
		x = &e->notes[i];
		if (x->len && x->flow_id == flow_id && x->ts_us >= from_us &&
		    x->ts_us <= to_us && (!best || x->ts_us >= best->ts_us))
			best = x;
	}
	if (best) {
		n = best->len < cap ? best->len : cap;
		memcpy(out, best->data, n);
	}
	pthread_mutex_unlock(&e->exp_lock);
	return n;
}

static void sink_expect(struct ps_proto_sink *s, const struct ps_proto_ctx *c,
			const struct ps_addr *cli, const struct ps_addr *srv,
			uint16_t port, enum ps_alproto proto)
{
	struct worker *w = (struct worker *)(void *)((char *)s -
					     offsetof(struct worker, sink));
	struct ps_engine *e = w->e;
	struct expectation *x;
	unsigned n;

	pthread_mutex_lock(&e->exp_lock);
	n = atomic_load(&e->nexp);
	if (n == ENGINE_EXPECT_MAX) {
		/* Drop the oldest. */
		memmove(&e->exp[0], &e->exp[1], sizeof(e->exp[0]) * (n - 1));
		n--;
		ps_name_table_add(&w->anomalies, "applayer.expectation_dropped", 1);
	}
	x = &e->exp[n];
	x->cli = *cli;
	x->srv = *srv;
	x->port = port;
	x->family = c->flow->family;
	x->alproto = (uint8_t)proto;
	x->parent = c->flow->flow_id;
	x->expires_us = c->ts_us + ENGINE_EXPECT_US;
	atomic_store(&e->nexp, n + 1);
	pthread_mutex_unlock(&e->exp_lock);
}

static void sink_observe(struct ps_proto_sink *s, const struct ps_proto_ctx *c,
			 enum ps_obs k, const void *p, size_t n)
{
	struct worker *w = (struct worker *)(void *)((char *)s -
					     offsetof(struct worker, sink));

	if (w->intel)
		ps_engine_intel_observe(w, c, k, p, n);
}

void ps_worker_sink_init(struct worker *w)
{
	w->sink.begin = sink_begin;
	w->sink.end = sink_end;
	w->sink.anomaly = sink_anomaly;
	w->sink.expect = sink_expect;
	w->sink.note_set = sink_note_set;
	w->sink.note_get = sink_note_get;
	w->sink.observe = sink_observe;
	ps_buf_init(&w->line, PS_MEM_INGEST, ENGINE_LINE_MAX);
	ps_buf_init(&w->eve, PS_MEM_INGEST, EVE_MAX);
	ps_arena_init(&w->batch_mem, PS_MEM_INGEST, 256 << 10, SIZE_MAX);
}

void ps_engine_write_flow(struct worker *w, struct ps_flow *f,
			  enum ps_flow_end why)
{
	struct flow_app *a = f->app;
	struct ps_proto_flow meta;
	struct ps_proto_ctx c;
	struct ps_jw *jw;
	char ts[32];
	uint8_t all = f->tcp_flags[0] | f->tcp_flags[1];

	memset(&c, 0, sizeof(c));
	c.sink = &w->sink;
	if (!w->e->outputs) {
		/* No output configured: sink_begin only counts the event. */
		(void)ps_proto_event_begin(&c, "flow");
		return;
	}
	ps_engine_flow_meta(&meta, f, false);
	c.flow = &meta;
	c.ts_us = f->last_us;
	c.alproto = a ? (enum ps_alproto)a->alproto : PS_ALPROTO_UNKNOWN;
	/* upgraded, and nothing recognised what followed */
	if (a && a->alproto_orig && c.alproto == PS_ALPROTO_UNKNOWN)
		c.alproto = PS_ALPROTO_FAILED;
	c.sink = &w->sink;
	jw = ps_proto_event_begin(&c, "flow");
	if (ps_jw_error(jw) == PS_EUNSUP)
		return;   /* no output configured */
	if (a && a->alproto_orig)   /* before STARTTLS, CONNECT... */
		ps_jw_str(jw, "app_proto_orig",
			  ps_alproto_name((enum ps_alproto)a->alproto_orig));
	ps_jw_obj_open(jw, "flow");
	ps_jw_uint(jw, "pkts_toserver", f->pkts[0]);
	ps_jw_uint(jw, "pkts_toclient", f->pkts[1]);
	ps_jw_uint(jw, "bytes_toserver", f->bytes[0]);
	ps_jw_uint(jw, "bytes_toclient", f->bytes[1]);
	ps_jw_str(jw, "start", ps_eve_time_fmt(f->start_us, ts));
	ps_jw_str(jw, "end", ps_eve_time_fmt(f->last_us, ts));
	ps_jw_int(jw, "age", (f->last_us - f->start_us) / 1000000);
	ps_jw_str(jw, "state", ps_flow_state_name((enum ps_flow_state)f->state));
	/* Suricata says "forced" for a flow ended to make room. */
	ps_jw_str(jw, "reason", why == PS_FLOW_END_MEMCAP ? "forced" :
		  ps_flow_end_name(why));
	ps_jw_bool(jw, "alerted", false);
	if (f->tunnel_id)
		ps_jw_uint(jw, "tunnel_id", f->tunnel_id);
	ps_jw_obj_close(jw);
	if (f->ip_proto == PS_IPPROTO_TCP) {
		ps_jw_obj_open(jw, "tcp");
		ps_jw_hex(jw, "tcp_flags", &all, 1);
		ps_jw_hex(jw, "tcp_flags_ts", &f->tcp_flags[0], 1);
		ps_jw_hex(jw, "tcp_flags_tc", &f->tcp_flags[1], 1);
		if (all & PS_TH_FIN) ps_jw_bool(jw, "fin", true);
		if (all & PS_TH_SYN) ps_jw_bool(jw, "syn", true);
		if (all & PS_TH_RST) ps_jw_bool(jw, "rst", true);
		if (all & PS_TH_PSH) ps_jw_bool(jw, "psh", true);
		if (all & PS_TH_ACK) ps_jw_bool(jw, "ack", true);
		if (all & PS_TH_URG) ps_jw_bool(jw, "urg", true);
		if (all & PS_TH_ECE) ps_jw_bool(jw, "ecn", true);
		if (all & PS_TH_CWR) ps_jw_bool(jw, "cwr", true);
		ps_jw_str(jw, "state",
			  ps_tcp_state_name((enum ps_tcp_state)f->tcp_state));
		ps_jw_obj_close(jw);
	}
	ps_proto_event_end(&c);
}
