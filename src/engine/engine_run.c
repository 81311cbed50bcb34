/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Running the engine: one thread reads and decodes, N workers follow flows
 * (or everything runs inline for one worker); then the stats event and the
 * summary.
 */
#include <malloc.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/core.h"
#include "engine/engine_int.h"

#define PUBLISH_EVERY 32
#define IDLE_TICK_US 200000

void ps_engine_config_default(struct ps_engine_config *c)
{
	memset(c, 0, sizeof(*c));
	c->workers = 1;
	c->sensor = "panshi";
	c->store_batch = 1000;
	c->ring_bytes = 32u << 20;
	c->flow_events = true;
	ps_decode_config_default(&c->decode);
	ps_flow_config_default(&c->flow);
	/* 2^20 buckets (8 MiB): capture B keeps ~400k flows open at once. */
	c->flow.hash_size = 1u << 20;
}

int ps_engine_new(struct ps_engine **out, const struct ps_engine_config *c,
		  struct ps_diag *d)
{
	struct ps_engine *e;
	unsigned i;
	int rc;

	*out = NULL;
	/*
	 * Flows and their parser state come and go by the million; keep
	 * glibc from returning the heap top to the kernel after every burst
	 * of expiries and faulting it back in (page clearing was the largest
	 * single cost in a profile of capture B).
	 */
	mallopt(M_TRIM_THRESHOLD, 512 << 20);
	mallopt(M_TOP_PAD, 64 << 20);
	mallopt(M_MMAP_THRESHOLD, 4 << 20);
	if (c->workers < 1 || c->workers > PS_ENGINE_MAX_WORKERS) {
		ps_diag_set(d, "workers must be between 1 and %d", PS_ENGINE_MAX_WORKERS);
		return PS_EINVAL;
	}
	e = ps_calloc(PS_MEM_INGEST, 1, sizeof(*e));
	if (!e)
		goto nomem;
	e->cfg = *c;
	if (!e->cfg.store_batch)
		e->cfg.store_batch = 1000;
	e->nworkers = c->workers;
	e->outputs = c->eve || c->store;
	pthread_mutex_init(&e->out_lock, NULL);
	pthread_mutex_init(&e->exp_lock, NULL);
	rc = ps_decoder_init(&e->dec, &e->cfg.decode);
	if (rc) {
		ps_diag_set(d, "cannot set up the decoder: %s", ps_strerror(rc));
		ps_engine_free(e);
		return rc;
	}
	e->dec_ok = true;
	e->w = ps_calloc(PS_MEM_INGEST, e->nworkers, sizeof(*e->w));
	if (!e->w)
		goto nomem;
	for (i = 0; i < e->nworkers; i++) {
		rc = ps_worker_init(&e->w[i], e, i);
		if (rc == PS_OK && e->cfg.store) {
			e->w[i].batch = ps_calloc(PS_MEM_INGEST, e->cfg.store_batch,
						  sizeof(struct ps_event));
			if (!e->w[i].batch)
				rc = PS_ENOMEM;
		}
		if (rc) {
			ps_diag_set(d, "cannot set up worker %u: %s", i, ps_strerror(rc));
			ps_engine_free(e);
			return rc;
		}
	}
	*out = e;
	return PS_OK;
nomem:
	ps_diag_set(d, "out of memory");
	ps_engine_free(e);
	return PS_ENOMEM;
}

/* Copy a decoded packet with its payload into a worker's ring. */
static bool enqueue(struct ps_engine *e, struct worker *w,
		    const struct ps_packet *p, bool live)
{
	size_t n = sizeof(*p) + p->payload_len;
	struct ps_packet *q;

	while (!(q = ps_ring_reserve(&w->ring, n))) {
		ps_ring_publish(&w->ring);
		if (live || e->stop) {
			ps_name_table_add(&w->anomalies, "capture.queue_full_drop", 1);
			return false;
		}
		sched_yield();
	}
	*q = *p;
	if (p->payload_len)
		memcpy(q + 1, p->payload, p->payload_len);
	q->payload = (const uint8_t *)(q + 1);
	q->data = q->payload;
	q->caplen = p->payload_len;
	q->l4 = NULL;
	ps_ring_commit(&w->ring, n);
	return true;
}

#define PIPE 16               /* packets in flight, a power of two */
#define PIPE_FLOW (PIPE / 2)  /* flow prefetch this many packets ahead */

/* The flow of a packet a few ahead; for one that will start a flow, also
 * what the intelligence check of its two addresses reads. */
static void prefetch_flow(struct worker *w, const struct ps_packet *p)
{
	if (ps_flow_table_prefetch_flow(&w->flows, p) && w->intel) {
		ps_intel_table_prefetch_ip(w->intel->table, &p->src,
					   (enum ps_af)p->family);
		ps_intel_table_prefetch_ip(w->intel->table, &p->dst,
					   (enum ps_af)p->family);
	}
}

/*
 * Look at the packets queued behind the next one (as far as PIPE) and
 * start loading their flows, as run_pipelined does for one worker.
 * qa[out..in) are the records seen ahead; *ahead is the ring position
 * after the last of them.
 */
static void worker_look_ahead(struct worker *w, struct ps_packet **qa,
			      unsigned *in, unsigned out, size_t *ahead)
{
	struct ps_packet *q;

	if (*in == out)
		*ahead = ps_ring_tail(&w->ring);
	while (*in - out < PIPE &&
	       (q = ps_ring_peek_ahead(&w->ring, ahead)) != NULL) {
		ps_flow_table_prefetch(&w->flows, q);
		qa[(*in)++ % PIPE] = q;
		if (*in - out > PIPE_FLOW)
			prefetch_flow(w, qa[(*in - PIPE_FLOW - 1) % PIPE]);
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	bool closed;
	size_t n, ahead = 0;
	unsigned idle = 0, since = 0, in = 0, out = 0;
	struct ps_packet *p, *qa[PIPE];

	for (;;) {
		p = ps_ring_peek(&w->ring, &n, &closed);
		if (p)
			worker_look_ahead(w, qa, &in, out, &ahead);
		if (!p) {
			ps_ring_release_space(&w->ring);
			if (closed)
				break;
			if (++idle < 64) {
				sched_yield();
				continue;
			}
			{
				struct timespec ts = {0, 50000};

				nanosleep(&ts, NULL);
			}
			if (idle % 2000 == 0) {
				/* Live and quiet: time out flows, push output. */
				if (w->e->live)
					ps_flow_table_tick(&w->flows, ps_time_now_us());
				ps_worker_flush(w);
			}
			continue;
		}
		idle = 0;
		ps_engine_packet(w, p);
		ps_ring_consume(&w->ring);
		if (in != out)
			out++;   /* p was qa[out] */
		if (++since == PUBLISH_EVERY) {
			ps_ring_release_space(&w->ring);
			since = 0;
		}
	}
	ps_flow_table_flush(&w->flows);
	ps_worker_flush(w);
	return NULL;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * One worker and a mapped file: decode a few packets ahead of the flow
 * work so that each packet's flow bucket and then its flow are loaded while
 * the packets before it are handled (the flow table is far larger than the
 * caches). Packets are handled in capture order as without the pipeline;
 * a reassembled datagram points into the decoder, so it drains the pipe
 * before the next decode.
 */
static int run_pipelined(struct ps_engine *e, struct ps_source *s,
			 struct ps_diag *d)
{
	struct ps_packet q[PIPE];
	struct worker *w = &e->w[0];
	struct ps_flow_table *ft = &w->flows;
	unsigned in = 0, out = 0;
	int rc = PS_OK, r;

	while (!e->stop) {
		struct ps_packet *p = &q[in % PIPE];

		r = ps_source_next(s, p, d);
		if (r == PS_EOF)
			break;
		if (r) {
			rc = r;
			break;
		}
		e->packets++;
		e->bytes += p->wirelen;
		r = ps_decode(&e->dec, p);
		ps_decoder_tick(&e->dec, p->ts_us);
		if (r == PS_EAGAIN)
			continue;
		if (r != PS_OK)
			e->invalid++;
		if (!(p->flags & PS_PKT_HAS_L3))
			continue;
		e->decoded++;
		ps_flow_table_prefetch(ft, p);
		in++;
		if (in - out > PIPE_FLOW)
			prefetch_flow(w, &q[(in - PIPE_FLOW - 1) % PIPE]);
		if (p->flags & PS_PKT_REASSEMBLED) {
			while (out != in)
				ps_engine_packet(w, &q[out++ % PIPE]);
		} else if (in - out == PIPE) {
			ps_engine_packet(w, &q[out++ % PIPE]);
		}
	}
	while (out != in)
		ps_engine_packet(w, &q[out++ % PIPE]);
	return rc;
}

/*
 * Read, decode and hand on packet by packet: inline to the one worker, or
 * into the workers' rings by flow hash.
 */
static int run_loop(struct ps_engine *e, struct ps_source *s, bool threaded,
		    struct ps_diag *d)
{
	struct ps_packet p;
	unsigned i, pending = 0;
	bool live = false;
	int r;

	while (!e->stop) {
		r = ps_source_next(s, &p, d);
		if (r == PS_EAGAIN) {
			live = true;
			e->live = true;
			if (!threaded) {
				ps_flow_table_tick(&e->w[0].flows, ps_time_now_us());
				ps_worker_flush(&e->w[0]);
			}
			continue;
		}
		if (r == PS_EOF)
			break;
		if (r)
			return r;
		e->packets++;
		e->bytes += p.wirelen;
		r = ps_decode(&e->dec, &p);
		ps_decoder_tick(&e->dec, p.ts_us);
		if (r == PS_EAGAIN)
			continue;
		if (r != PS_OK)
			e->invalid++;
		if (!(p.flags & PS_PKT_HAS_L3))
			continue;
		e->decoded++;
		if (!threaded) {
			ps_engine_packet(&e->w[0], &p);
			continue;
		}
		i = p.hash % e->nworkers;
		if (enqueue(e, &e->w[i], &p, live) && ++pending >= PUBLISH_EVERY) {
			for (unsigned j = 0; j < e->nworkers; j++)
				ps_ring_publish(&e->w[j].ring);
			pending = 0;
		}
	}
	return PS_OK;
}

int ps_engine_run_source(struct ps_engine *e, struct ps_source *s,
			 struct ps_diag *d)
{
	unsigned i;
	uint64_t t0 = now_ns();
	bool threaded = e->nworkers > 1;
	int rc = PS_OK;
	struct ps_source_stats st;

	e->stop = 0;
	e->running = s;
	if (threaded) {
		for (i = 0; i < e->nworkers; i++) {
			struct worker *w = &e->w[i];

			w->ring.closed = false;
			if (pthread_create(&w->th, NULL, worker_main, w)) {
				ps_diag_set(d, "cannot start worker thread %u", i);
				rc = PS_EIO;
				break;
			}
			w->started = true;
		}
	}
	if (rc == PS_OK) {
		if (!threaded && ps_source_stable(s))
			rc = run_pipelined(e, s, d);
		else
			rc = run_loop(e, s, threaded, d);
	}
	if (threaded) {
		for (i = 0; i < e->nworkers; i++)
			ps_ring_close(&e->w[i].ring);
		for (i = 0; i < e->nworkers; i++) {
			if (e->w[i].started)
				pthread_join(e->w[i].th, NULL);
			e->w[i].started = false;
		}
	} else {
		ps_flow_table_flush(&e->w[0].flows);
		ps_worker_flush(&e->w[0]);
	}
	ps_source_stats(s, &st);
	e->src_stats.kernel_received += st.kernel_received;
	e->src_stats.kernel_drops += st.kernel_drops;
	e->src_stats.if_drops += st.if_drops;
	e->running = NULL;
	e->seconds += (double)(now_ns() - t0) / 1e9;
	if (rc == PS_OK && e->out_err) {
		ps_diag_set(d, "cannot write events: %s", ps_strerror(e->out_err));
		rc = e->out_err;
	}
	return rc;
}

void ps_engine_stop(struct ps_engine *e)
{
	e->stop = 1;
	if (e->running)
		ps_source_break(e->running);
}
