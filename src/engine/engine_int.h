/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Engine internals shared by its files: the engine, its workers and the
 * per-flow application data.
 */
#ifndef PS_ENGINE_INT_H
#define PS_ENGINE_INT_H

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>

#include "core/core.h"
#include "engine/engine.h"
#include "ingest/ring.h"
#include "intel/gen.h"
#include "intel/ioc.h"
#include "net/stream.h"
#include "store/store.h"

#define ENGINE_PROBE_MAX 2048   /* bytes per direction kept while detecting */
#define ENGINE_UDP_PROBES 4     /* datagrams tried before giving up */
#define ENGINE_FLOW_ANOMALIES 4 /* distinct anomaly events per flow */
#define ENGINE_FLOW_ALERTS 8    /* distinct indicators alerted per flow */
#define ENGINE_FREE_MAX 4096    /* blocks of each kind kept for reuse */
#define ENGINE_INTEL_MISS4_BITS 13
#define ENGINE_INTEL_MISS4 (1u << ENGINE_INTEL_MISS4_BITS) /* IPv4 miss cache */
#define ENGINE_LATE_CHUNKS 16   /* chunks of an unknown TCP flow watched for TLS */
#define ENGINE_NAMES 256        /* distinct anomaly / event-type names */
#define ENGINE_LINE_MAX (4u << 20)

/* A count per static name, keyed by pointer (names are literals). */
struct name_count {
	const char *name;
	uint64_t n;
};

struct name_table {
	struct name_count e[ENGINE_NAMES];
	uint64_t overflow;
};

void ps_name_table_add(struct name_table *t, const char *name, uint64_t n);

/* Per-flow application state, allocated at the first payload byte. */
struct flow_app {
	const struct ps_proto_parser *parser;
	void *state;
	struct ps_proto_flow meta;     /* oriented as the parser sees it */
	uint64_t parent_flow_id;
	int64_t parent_ts_us;          /* when the parent announced this flow */
	uint8_t alproto;               /* enum ps_alproto */
	bool flip;                     /* parser's client is the flow's server */
	bool stopped;                  /* parser gave up or was never found */
	uint8_t udp_probes;
	uint8_t alproto_orig;          /* before an upgrade (STARTTLS...);
	                                  set: detect what follows by content */
	uint8_t late_chunks;           /* failed flow chunks checked for TLS */
	uint8_t nanom;                 /* anomaly events written for it */
	uint8_t nalerted;              /* intelligence hits alerted */
	uint32_t alerted[ENGINE_FLOW_ALERTS]; /* their generation indexes */
	const char *anom[ENGINE_FLOW_ANOMALIES]; /* their names */
	uint16_t probe_len[2];
	uint8_t *probe[2];             /* ENGINE_PROBE_MAX bytes while detecting */
};

struct ps_engine;

#define ENGINE_PENDING 8       /* events deferred inside another, at most */
#define ENGINE_PENDING_VALUE 512

enum pending_kind { PENDING_ANOMALY = 1, PENDING_ALERT };

struct pending_event {
	uint8_t kind;                  /* enum pending_kind */
	struct ps_proto_ctx c;         /* c.flow lives while the parser runs */
	const char *what;              /* anomaly: its static name */
	const void *meta;              /* alert: const struct ps_intel_meta * */
	const char *field;             /* alert: static EVE field name */
	uint16_t vlen;
	char value[ENGINE_PENDING_VALUE];
};

struct worker {
	struct ps_engine *e;
	unsigned id;
	pthread_t th;
	bool started;
	struct ps_ring ring;
	struct ps_flow_table flows;
	bool flows_ok;
	struct ps_stream_cb scb;
	uint64_t stream_ctr[PS_STREAM__COUNT];
	uint64_t flows_by_proto[PS_ALPROTO__COUNT];
	uint64_t flows_l4[3];          /* tcp, udp, other */
	uint64_t packets;
	struct name_table anomalies;   /* app-layer */
	struct name_table event_types;
	uint64_t events, dropped_events, store_events, store_errors;
	/* Event being written. */
	struct ps_proto_sink sink;
	struct ps_buf line;
	struct ps_jw jw;
	bool writing;
	const char *cur_type;          /* static event_type literal */
	/* Outputs. */
	struct ps_buf eve;             /* pending EVE lines */
	struct ps_event *batch;
	size_t nbatch;
	struct ps_arena batch_mem;
	int64_t now_us;                /* time of the packet being handled */
	size_t eve_start;              /* the event being written starts here in eve */
	/* Events raised while a parser writes one (an anomaly, an alert)
	 * wait here until it ends. */
	bool in_event, flushing;
	unsigned npend;
	struct pending_event pend[ENGINE_PENDING];
	/* Threat intelligence: the generation in use (a reference). */
	struct ps_intel_gen *intel;
	uint64_t intel_number;
	uint64_t intel_hits, intel_alerts;
	struct ps_ioc_norm intel_norm; /* scratch for URL normalisation */
	/* IPv4 addresses that matched nothing in this generation, direct
	 * mapped: (1 << 32 | address), 0 = empty. Most flows share a side. */
	uint64_t *intel_miss4;
	/* Per-flow blocks kept for reuse (flows end and begin all the time):
	 * flow_app blocks, and parser states by protocol. */
	void *app_free;
	unsigned napp_free;
	void *state_free[PS_ALPROTO__COUNT];
	unsigned nstate_free[PS_ALPROTO__COUNT];
};

struct expectation {
	struct ps_addr cli, srv;
	uint16_t port;
	uint8_t family;
	uint8_t alproto;
	uint64_t parent;
	int64_t expires_us;
};

#define ENGINE_EXPECT_MAX 64
#define ENGINE_EXPECT_US (120 * 1000000LL)  /* an expectation lives 2 min */

/* Notes flows leave for related flows (FTP: the file a data channel
 * carries), the oldest replaced first; under exp_lock. */
#define ENGINE_NOTES 256
struct flow_note {
	uint64_t flow_id;
	int64_t ts_us;
	uint16_t len;
	uint8_t data[PS_PROTO_NOTE_MAX];
};

struct ps_engine {
	struct ps_engine_config cfg;
	unsigned nworkers;
	struct worker *w;
	struct ps_decoder dec;
	bool dec_ok;
	volatile sig_atomic_t stop;
	struct ps_source *running;
	pthread_mutex_t out_lock;      /* EVE file and store */
	pthread_mutex_t exp_lock;
	_Atomic unsigned nexp;
	struct expectation exp[ENGINE_EXPECT_MAX];
	struct flow_note notes[ENGINE_NOTES];
	unsigned note_next;
	bool outputs;                  /* any event output at all */
	volatile bool live;            /* the source has read timeouts */
	uint64_t packets, bytes, decoded, invalid;
	double seconds;
	struct ps_source_stats src_stats;
	int out_err;                   /* first output error */
};

/* engine.c */
/* The flow as parsers see it; flip when the parser's client is the flow's server. */
void ps_engine_flow_meta(struct ps_proto_flow *m, const struct ps_flow *f,
			 bool flip);
void ps_engine_packet(struct worker *w, const struct ps_packet *p);
/* The flow's application state, made on first use (NULL: no memory). */
struct flow_app *ps_engine_app_get(struct worker *w, struct ps_flow *f);
void ps_engine_flow_end(void *arg, struct ps_flow *f, enum ps_flow_end why);
int ps_worker_init(struct worker *w, struct ps_engine *e, unsigned id);
void ps_worker_release(struct worker *w);
/* engine_out.c */
void ps_worker_sink_init(struct worker *w);
void ps_worker_flush(struct worker *w);
void ps_engine_write_flow(struct worker *w, struct ps_flow *f,
			  enum ps_flow_end why);
bool ps_engine_defer(struct worker *w, const struct pending_event *p);
void ps_engine_flush_pending(struct worker *w);
/* engine_intel.c */
void ps_engine_intel_refresh(struct worker *w);
void ps_engine_intel_release(struct worker *w);
void ps_engine_intel_flow(struct worker *w, struct ps_flow *f);
void ps_engine_intel_observe(struct worker *w, const struct ps_proto_ctx *c,
			     enum ps_obs k, const void *p, size_t n);
void ps_engine_intel_write(struct worker *w, const struct pending_event *p);

#endif
