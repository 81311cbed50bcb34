/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The worker side of the engine: flow lookup, TCP reassembly, protocol
 * detection (by port, then by content) and the parsers.
 */
#include <string.h>

#include "core/core.h"
#include "engine/engine_int.h"
#include "proto/parsers.h"

void ps_name_table_add(struct name_table *t, const char *name, uint64_t n)
{
	uintptr_t h = ((uintptr_t)name >> 3) * 0x9e3779b97f4a7c15ull;
	size_t i, j;

	for (i = 0; i < ENGINE_NAMES; i++) {
		j = (h + i) & (ENGINE_NAMES - 1);
		if (t->e[j].name == name) {
			t->e[j].n += n;
			return;
		}
		if (!t->e[j].name) {
			t->e[j].name = name;
			t->e[j].n = n;
			return;
		}
	}
	t->overflow += n;
}

static bool port_in(const struct ps_proto_parser *p, uint16_t port)
{
	size_t i;

	for (i = 0; i < PS_PROTO_MAX_PORTS && p->ports[i]; i++)
		if (p->ports[i] == port)
			return true;
	return false;
}

void ps_engine_flow_meta(struct ps_proto_flow *m, const struct ps_flow *f,
			 bool flip)
{
	memset(m, 0, sizeof(*m));
	m->flow_id = f->flow_id;
	m->family = f->family;
	m->ip_proto = f->ip_proto;
	m->vlan = f->vlan;
	m->start_us = f->start_us;
	m->cli = flip ? f->srv : f->cli;
	m->srv = flip ? f->cli : f->srv;
	m->cport = flip ? f->sport : f->cport;
	m->sport = flip ? f->cport : f->sport;
}

static void ctx_init(struct worker *w, struct flow_app *a,
		     struct ps_proto_ctx *c, int pdir)
{
	c->flow = &a->meta;
	c->ts_us = w->now_us;
	c->alproto = (enum ps_alproto)a->alproto;
	c->dir = (enum ps_dir)pdir;
	c->sink = &w->sink;
	c->engine = w;
	c->parent_flow_id = a->parent_flow_id;
	c->parent_ts_us = a->parent_ts_us;
}

/*
 * Reuse of per-flow blocks: a free list per kind, linked through the
 * block's first bytes, at most ENGINE_FREE_MAX long.
 */
static void *block_get(void **list, unsigned *n, size_t size)
{
	void *b = *list;

	if (!b)
		return ps_calloc(PS_MEM_PROTO, 1, size);
	memcpy(list, b, sizeof(void *));
	(*n)--;
	memset(b, 0, size);
	return b;
}

static void block_put(void **list, unsigned *n, void *b)
{
	if (!b)
		return;
	if (*n >= ENGINE_FREE_MAX) {
		ps_free(b);
		return;
	}
	memcpy(b, list, sizeof(void *));
	*list = b;
	(*n)++;
}

static void block_list_free(void **list, unsigned *n)
{
	void *b, *next;

	for (b = *list; b; b = next) {
		memcpy(&next, b, sizeof(void *));
		ps_free(b);
	}
	*list = NULL;
	*n = 0;
}

static size_t state_size(const struct ps_proto_parser *p)
{
	return p->state_size > sizeof(void *) ? p->state_size : sizeof(void *);
}

static void state_put(struct worker *w, struct flow_app *a)
{
	if (a->state && a->parser)
		block_put(&w->state_free[a->parser->id],
			  &w->nstate_free[a->parser->id], a->state);
	else
		ps_free(a->state);
	a->state = NULL;
}

static void app_free_probe(struct flow_app *a)
{
	ps_free(a->probe[0]);
	ps_free(a->probe[1]);
	a->probe[0] = a->probe[1] = NULL;
}

static int app_select(struct worker *w, struct ps_flow *f, struct flow_app *a,
		      const struct ps_proto_parser *p, bool flip)
{
	a->parser = p;
	a->alproto = (uint8_t)p->id;
	a->flip = flip;
	a->stopped = false;
	ps_engine_flow_meta(&a->meta, f, flip);
	a->state = block_get(&w->state_free[p->id], &w->nstate_free[p->id],
			     state_size(p));
	if (!a->state) {
		a->stopped = true;
		ps_name_table_add(&w->anomalies, "applayer.memcap", 1);
		return PS_ENOMEM;
	}
	w->flows_by_proto[p->id]++;
	return PS_OK;
}

static void app_fail(struct worker *w, struct flow_app *a)
{
	a->alproto = PS_ALPROTO_FAILED;
	a->stopped = true;
	w->flows_by_proto[PS_ALPROTO_FAILED]++;
	app_free_probe(a);
}

/*
 * The parser said the rest of the flow is another protocol (STARTTLS,
 * CONNECT): end it as at the end of the flow, then start `to`, or detect
 * by content what follows. Once per flow: a second upgrade stops parsing.
 */
static void app_upgrade(struct worker *w, struct ps_flow *f,
			struct flow_app *a, enum ps_alproto to)
{
	const struct ps_proto_parser *p;
	struct ps_proto_ctx c;

	ctx_init(w, a, &c, PS_DIR_TOSERVER);
	if (a->parser->finish)
		a->parser->finish(a->state, &c);
	state_put(w, a);
	a->parser = NULL;
	if (a->alproto_orig) {
		a->stopped = true;
		ps_name_table_add(&w->anomalies, "applayer.upgrade_again", 1);
		return;
	}
	a->alproto_orig = a->alproto;
	a->alproto = PS_ALPROTO_UNKNOWN;
	a->probe_len[0] = a->probe_len[1] = 0;
	p = to != PS_ALPROTO_UNKNOWN ? ps_proto_parser_get(to) : NULL;
	if (p)
		(void)app_select(w, f, a, p, a->flip);
}

/* Feed parser bytes in the flow's direction fdir. */
static void app_parse(struct worker *w, struct ps_flow *f, struct flow_app *a,
		      int fdir, const uint8_t *data, size_t len)
{
	struct ps_proto_ctx c;
	int pdir = a->flip ? !fdir : fdir;

	if (a->stopped || !len)
		return;
	ctx_init(w, a, &c, pdir);
	c.upgrade = false;
	if (a->parser->parse(a->state, &c, (enum ps_dir)pdir, data, len)) {
		a->stopped = true;
		ps_name_table_add(&w->anomalies, "applayer.parser_stopped", 1);
	} else if (c.upgrade) {
		app_upgrade(w, f, a, c.upgrade_to);
	}
}

/*
 * A TCP flow nothing recognised may still turn to TLS after a cleartext
 * start we do not parse (MySQL SSLRequest, a Gnutella upgrade): a chunk
 * that opens with a ClientHello record (RFC 8446 section 5.1: type 22,
 * version 3.x, then handshake type 1) hands the flow to TLS, its sender
 * being the client.
 */
static bool app_late_tls(struct worker *w, struct ps_flow *f,
			 struct flow_app *a, int fdir, const uint8_t *data,
			 size_t len)
{
	const struct ps_proto_parser *p;

	if (a->late_chunks >= ENGINE_LATE_CHUNKS)
		return false;
	a->late_chunks++;
	if (len < 6 || data[0] != 0x16 || data[1] != 3 || data[2] > 4 ||
	    data[5] != 1 || !(p = ps_proto_parser_get(PS_ALPROTO_TLS)))
		return false;
	a->late_chunks = ENGINE_LATE_CHUNKS;
	if (app_select(w, f, a, p, fdir == 1) != PS_OK)
		return false;
	ps_name_table_add(&w->anomalies, "applayer.detect_late_tls", 1);
	app_parse(w, f, a, fdir, data, len);
	return true;
}

/*
 * Which parser speaks these bytes: a parser registered for the server
 * port first (accepted unless its probe says no), then the client port
 * (the flow may have been seen from the answer first), then every probe.
 */
static const struct ps_proto_parser *detect(struct ps_flow *f, int fdir,
					    const uint8_t *data, size_t len,
					    unsigned l4, bool redetect,
					    bool *flip, bool *more)
{
	const struct ps_proto_parser *p;
	enum ps_probe r;
	size_t i;
	int pass;

	*more = false;
	for (pass = 0; pass < 2 && !redetect; pass++) {
		uint16_t port = pass ? f->cport : f->sport;

		for (i = 0; (p = ps_proto_parsers[i]); i++) {
			if (!(p->l4 & l4) || !port_in(p, port))
				continue;
			if (!p->probe) {
				*flip = pass;
				return p;
			}
			r = p->probe(data, len, (enum ps_dir)(pass ? !fdir : fdir));
			if (r == PS_PROBE_YES) {
				*flip = pass;
				return p;
			}
			if (r == PS_PROBE_MORE)
				*more = true;
		}
	}
	for (i = 0; (p = ps_proto_parsers[i]); i++) {
		if (!(p->l4 & l4) || !p->probe)
			continue;
		r = p->probe(data, len, (enum ps_dir)fdir);
		if (r == PS_PROBE_YES) {
			*flip = false;
			return p;
		}
		if (r == PS_PROBE_MORE)
			*more = true;
	}
	return NULL;
}


/* Keep a direction's first bytes for the next detection attempt. */
static bool probe_hold(struct flow_app *a, int fdir, const uint8_t *data,
		       size_t n)
{
	if (!a->probe[fdir]) {
		a->probe[fdir] = ps_malloc(PS_MEM_PROTO, ENGINE_PROBE_MAX);
		if (!a->probe[fdir])
			return false;
	}
	memcpy(a->probe[fdir], data, n);
	a->probe_len[fdir] = (uint16_t)n;
	return true;
}

/* Bytes for the application layer, in order, from the flow's direction. */
static void app_data(struct worker *w, struct ps_flow *f, int fdir,
		     const uint8_t *data, size_t len, bool tcp)
{
	struct flow_app *a = f->app;
	const struct ps_proto_parser *p;
	const uint8_t *buf;
	bool flip = false, more, held;
	size_t take, blen;
	int d;

	if (!a && !(a = ps_engine_app_get(w, f)))
		return;
	if (a->parser) {
		app_parse(w, f, a, fdir, data, len);
		return;
	}
	if (a->stopped) {
		if (tcp && a->alproto == PS_ALPROTO_FAILED)
			(void)app_late_tls(w, f, a, fdir, data, len);
		return;
	}
	if (!tcp) {
		p = detect(f, fdir, data, len, PS_PROTO_L4_UDP, false, &flip,
			   &more);
		if (p) {
			if (app_select(w, f, a, p, flip) == PS_OK)
				app_parse(w, f, a, fdir, data, len);
		} else if (++a->udp_probes >= ENGINE_UDP_PROBES) {
			app_fail(w, a);
		}
		return;
	}
	/*
	 * TCP: probe a direction's first bytes where they are; copy them
	 * (at most ENGINE_PROBE_MAX) only while detection wants more.
	 */
	held = a->probe_len[fdir] != 0;
	if (held) {
		take = ENGINE_PROBE_MAX - a->probe_len[fdir];
		if (take > len)
			take = len;
		memcpy(a->probe[fdir] + a->probe_len[fdir], data, take);
		a->probe_len[fdir] = (uint16_t)(a->probe_len[fdir] + take);
		buf = a->probe[fdir];
		blen = a->probe_len[fdir];
	} else {
		take = len < ENGINE_PROBE_MAX ? len : ENGINE_PROBE_MAX;
		buf = data;
		blen = take;
	}
	/* After an upgrade only content counts, in the orientation known. */
	p = detect(f, a->alproto_orig && a->flip ? !fdir : fdir, buf, blen,
		   PS_PROTO_L4_TCP, a->alproto_orig != 0, &flip, &more);
	if (a->alproto_orig)
		flip = a->flip;
	if (!p) {
		if (!held && !probe_hold(a, fdir, data, take)) {
			app_fail(w, a);
			return;
		}
		if (a->probe_len[fdir] >= ENGINE_PROBE_MAX ||
		    (!more && a->probe_len[0] && a->probe_len[1]))
			app_fail(w, a);
		return;
	}
	if (app_select(w, f, a, p, flip) != PS_OK) {
		app_free_probe(a);
		return;
	}
	/* Replay what was held, the client's bytes first; this chunk goes in
	 * its direction's turn. */
	for (d = 0; d < 2; d++) {
		int fd = a->flip ? !d : d;

		if (fd == fdir) {
			if (held)
				app_parse(w, f, a, fd, a->probe[fd],
					  a->probe_len[fd]);
			if (a->parser)
				app_parse(w, f, a, fd, data + (held ? take : 0),
					  len - (held ? take : 0));
		} else if (a->probe_len[fd] && a->parser) {
			app_parse(w, f, a, fd, a->probe[fd], a->probe_len[fd]);
		}
		if (!a->parser)
			break;
	}
	app_free_probe(a);
}

/*
 * An expected flow (FTP data) matching f, consumed; false if none. Several
 * may match (a server reusing its passive port): the flow belongs to the
 * latest announced before it started. With several workers the control
 * channel may already have announced the next one.
 */
static bool expect_take(struct ps_engine *e, const struct ps_flow *f,
			struct flow_app *a, int64_t now)
{
	struct expectation *x, *best = NULL;
	bool best_rev = false;
	unsigned i, n;

	if (!atomic_load_explicit(&e->nexp, memory_order_relaxed))
		return false;
	pthread_mutex_lock(&e->exp_lock);
	n = atomic_load(&e->nexp);
	for (i = 0; i < n; i++) {
		int64_t made, best_made;
		bool fwd, rev;

		x = &e->exp[i];
		if (x->expires_us < now) {
			e->exp[i--] = e->exp[--n];
			continue;
		}
		if (x->family != f->family)
			continue;
		fwd = ps_addr_eq(&x->srv, &f->srv) && x->port == f->sport &&
		      ps_addr_eq(&x->cli, &f->cli);
		rev = ps_addr_eq(&x->srv, &f->cli) && x->port == f->cport &&
		      ps_addr_eq(&x->cli, &f->srv);
		if (!fwd && !rev)
			continue;
		made = x->expires_us - ENGINE_EXPECT_US;
		best_made = best ? best->expires_us - ENGINE_EXPECT_US : 0;
		/* announced before the flow began beats announced after it;
		 * then the latest before it, else the earliest after it */
		if (!best || (made <= f->start_us &&
			      (best_made > f->start_us || made > best_made)) ||
		    (made > f->start_us && best_made > f->start_us &&
		     made < best_made)) {
			best = x;
			best_rev = rev;
		}
	}
	if (best) {
		a->parent_flow_id = best->parent;
		a->parent_ts_us = best->expires_us - ENGINE_EXPECT_US;
		a->alproto = best->alproto;
		a->flip = best_rev;
		*best = e->exp[--n];
	}
	atomic_store(&e->nexp, n);
	pthread_mutex_unlock(&e->exp_lock);
	return best != NULL;
}

struct flow_app *ps_engine_app_get(struct worker *w, struct ps_flow *f)
{
	struct flow_app *a = block_get(&w->app_free, &w->napp_free, sizeof(*a));
	const struct ps_proto_parser *p;

	if (!a) {
		ps_name_table_add(&w->anomalies, "applayer.memcap", 1);
		return NULL;
	}
	f->app = a;
	if (expect_take(w->e, f, a, w->now_us) &&
	    (p = ps_proto_parser_get((enum ps_alproto)a->alproto)))
		(void)app_select(w, f, a, p, a->flip);
	return a;
}

static void stream_data(void *arg, struct ps_flow *f, int dir,
			const uint8_t *data, size_t len, int64_t ts_us)
{
	struct worker *w = arg;

	(void)ts_us;
	app_data(w, f, dir, data, len, true);
}

static void stream_gap(void *arg, struct ps_flow *f, int dir, size_t len)
{
	struct worker *w = arg;
	struct flow_app *a = f->app;
	struct ps_proto_ctx c;
	int pdir;

	if (!a || !a->parser || a->stopped)
		return;
	if (!a->parser->gap) {
		a->stopped = true;
		return;
	}
	pdir = a->flip ? !dir : dir;
	ctx_init(w, a, &c, pdir);
	a->parser->gap(a->state, &c, (enum ps_dir)pdir, len);
}

void ps_engine_packet(struct worker *w, const struct ps_packet *p)
{
	struct ps_flow *f;
	int dir;

	w->packets++;
	w->now_us = p->ts_us;
	if (w->e->cfg.intel)
		ps_engine_intel_refresh(w);
	ps_flow_table_tick(&w->flows, p->ts_us);
	f = ps_flow_table_get(&w->flows, p, &dir);
	if (!f)
		return;
	if (w->intel && f->pkts[0] + f->pkts[1] == 1)
		ps_engine_intel_flow(w, f);
	if (p->ip_proto == PS_IPPROTO_TCP && (p->flags & PS_PKT_HAS_L4))
		ps_stream_packet(&w->flows, f, p, dir, &w->scb, w->stream_ctr);
	else if (p->ip_proto == PS_IPPROTO_UDP && p->payload_len &&
		 (p->flags & PS_PKT_HAS_L4))
		app_data(w, f, dir, p->payload, p->payload_len, false);
}

void ps_engine_flow_end(void *arg, struct ps_flow *f, enum ps_flow_end why)
{
	struct worker *w = arg;
	struct flow_app *a;
	struct ps_proto_ctx c;

	if (f->ip_proto == PS_IPPROTO_TCP && f->tcp)
		ps_stream_flow_end(f, &w->scb, w->stream_ctr);
	a = f->app;
	if (a && a->parser && a->state) {
		ctx_init(w, a, &c, PS_DIR_TOSERVER);
		if (a->parser->finish)
			a->parser->finish(a->state, &c);
	}
	if (f->ip_proto == PS_IPPROTO_TCP)
		w->flows_l4[0]++;
	else if (f->ip_proto == PS_IPPROTO_UDP)
		w->flows_l4[1]++;
	else
		w->flows_l4[2]++;
	if (w->e->cfg.flow_events)
		ps_engine_write_flow(w, f, why);
	if (a) {
		app_free_probe(a);
		state_put(w, a);
		block_put(&w->app_free, &w->napp_free, a);
		f->app = NULL;
	}
}

int ps_worker_init(struct worker *w, struct ps_engine *e, unsigned id)
{
	int rc;

	w->e = e;
	w->id = id;
	w->scb.data = stream_data;
	w->scb.gap = stream_gap;
	w->scb.arg = w;
	ps_worker_sink_init(w);
	rc = ps_flow_table_init(&w->flows, &e->cfg.flow, ps_engine_flow_end, w);
	if (rc)
		return rc;
	w->flows_ok = true;
	if (e->nworkers > 1)
		return ps_ring_init(&w->ring, e->cfg.ring_bytes);
	return PS_OK;
}

void ps_worker_release(struct worker *w)
{
	if (w->flows_ok)
		ps_flow_table_release(&w->flows);
	w->flows_ok = false;
	ps_worker_flush(w);
	ps_engine_intel_release(w);
	ps_ring_release(&w->ring);
	ps_buf_release(&w->line);
	ps_buf_release(&w->eve);
	ps_free(w->batch);
	block_list_free(&w->app_free, &w->napp_free);
	for (unsigned i = 0; i < PS_ALPROTO__COUNT; i++)
		block_list_free(&w->state_free[i], &w->nstate_free[i]);
	w->batch = NULL;
	ps_arena_release(&w->batch_mem);
}
