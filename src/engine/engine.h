/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The traffic engine: packets from a source are decoded, distributed by a
 * symmetric flow hash to worker threads, followed as flows and TCP streams,
 * handed to the protocol parsers, and turned into EVE events that go to a
 * JSON-lines file and to the store in batches.
 */
#ifndef PS_ENGINE_ENGINE_H
#define PS_ENGINE_ENGINE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/err.h"
#include "ingest/source.h"
#include "net/decode.h"
#include "net/flow.h"
#include "proto/proto.h"

struct ps_store;
struct ps_intel_holder;

#define PS_ENGINE_MAX_WORKERS 64

struct ps_engine_config {
	unsigned workers;              /* threads; 1 = decode and analyse inline */
	const char *sensor;            /* "sensor" of stored events */
	FILE *eve;                     /* EVE JSON lines, or NULL */
	struct ps_store *store;        /* events in batches, or NULL */
	size_t store_batch;            /* events per store transaction */
	size_t ring_bytes;             /* per worker queue, default 32 MiB */
	bool flow_events;              /* write "flow" events (default true) */
	struct ps_decode_config decode;
	struct ps_flow_config flow;
	/* Threat intelligence to match (NULL: none); swapped while running. */
	struct ps_intel_holder *intel;
};

/* Defaults for everything (1 worker, no outputs). */
void ps_engine_config_default(struct ps_engine_config *c);

#define PS_ENGINE_TOP 8

struct ps_engine_count {
	const char *name;
	uint64_t n;
};

/* What the engine did since it was created. */
struct ps_engine_summary {
	uint64_t packets, bytes, decoded, invalid;
	uint64_t flows, flows_tcp, flows_udp, flows_other;
	uint64_t flows_by_proto[PS_ALPROTO__COUNT];   /* detected app protocol */
	uint64_t events;                               /* all event types */
	uint64_t anomalies_decoder, anomalies_stream, anomalies_app;
	uint64_t store_events, store_errors, dropped_events;
	uint64_t intel_hits, intel_alerts;             /* matches, alerts written */
	uint64_t peak_flows, flow_mem_peak;
	double seconds;                                /* in ps_engine_run_source */
	size_t nevent_types, nanomalies;
	struct ps_engine_count event_types[32];        /* by count, descending */
	struct ps_engine_count anomalies[PS_ENGINE_TOP];
};

struct ps_engine;

int ps_engine_new(struct ps_engine **out, const struct ps_engine_config *c,
		  struct ps_diag *d) PS_MUST_USE;
/*
 * Process a source until its end (file) or ps_engine_stop (live). Flows
 * still open at the end of a file are ended (reason "shutdown"). PS_OK, or
 * the source's error (message in d) after everything read before it was
 * processed and flushed.
 */
int ps_engine_run_source(struct ps_engine *e, struct ps_source *s,
			 struct ps_diag *d) PS_MUST_USE;
/* Ask a running ps_engine_run_source to finish (async-signal-safe). */
void ps_engine_stop(struct ps_engine *e);
/* Write the "stats" event and flush every output. */
int ps_engine_finish(struct ps_engine *e, struct ps_diag *d) PS_MUST_USE;
void ps_engine_summary(struct ps_engine *e, struct ps_engine_summary *out);
void ps_engine_free(struct ps_engine *e);

#endif
