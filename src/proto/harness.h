/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A parser test harness: runs one parser over hand-made chunks as the
 * engine would and keeps every event as a JSON line. Used by unit tests
 * and fuzz targets; not used on the hot path.
 */
#ifndef PS_PROTO_HARNESS_H
#define PS_PROTO_HARNESS_H

#include "core/buf.h"
#include "core/vec.h"
#include "proto/proto.h"

struct ps_proto_harness {
	struct ps_proto_sink sink;
	struct ps_proto_flow flow;
	struct ps_proto_ctx ctx;
	const struct ps_proto_parser *parser;
	void *state;
	bool stopped;              /* parse() returned an error */
	struct ps_buf line;        /* event being written */
	struct ps_jw jw;
	struct ps_vec events;      /* char *, one JSON object per event */
	struct ps_vec anomalies;   /* const char *, static names */
	struct ps_vec expects;     /* uint16_t ports the parser expected */
	struct ps_vec observed;    /* char *: "dns.query=example.com", digests
	                              and addresses in hex */
	uint64_t note_flow;        /* the one note kept, and whose it is */
	int64_t note_us;           /* the harness clock when it was set */
	size_t note_len;
	uint8_t note[PS_PROTO_NOTE_MAX];
};

/* How many observations equal `what` ("tls.sni=example.com"). */
size_t ps_proto_harness_observed(const struct ps_proto_harness *h,
				 const char *what);

/* Give flow_id a note, as its control channel would have set it. */
void ps_proto_harness_note(struct ps_proto_harness *h, uint64_t flow_id,
			   const void *p, size_t n);

/* A flow 10.0.0.1:40000 -> 10.0.0.2:<port> over ip_proto (6 or 17). */
int ps_proto_harness_init(struct ps_proto_harness *h,
			  const struct ps_proto_parser *p, uint8_t ip_proto,
			  uint16_t port) PS_MUST_USE;
/* Feed one chunk (TCP) or datagram (UDP); returns parse()'s result
 * (PS_OK after the parser stopped, without calling it again). */
int ps_proto_harness_feed(struct ps_proto_harness *h, enum ps_dir dir,
			  const void *data, size_t len);
void ps_proto_harness_gap(struct ps_proto_harness *h, enum ps_dir dir,
			  size_t len);
/* Call finish() (once); release() calls it too when it was not called. */
void ps_proto_harness_finish(struct ps_proto_harness *h);
void ps_proto_harness_release(struct ps_proto_harness *h);

size_t ps_proto_harness_nevents(const struct ps_proto_harness *h);
/* Event i as a JSON text, NULL when out of range. */
const char *ps_proto_harness_event(const struct ps_proto_harness *h, size_t i);
/* Number of times anomaly `what` was counted. */
size_t ps_proto_harness_anomalies(const struct ps_proto_harness *h,
				  const char *what);

#endif
