/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The per-worker flow table: it maps every decoded packet to its flow (both
 * directions of one conversation), keeps counters and TCP state, expires
 * idle flows on packet time and caps its memory. The engine calls it for
 * each packet after the decoders and before TCP reassembly (net/stream.h).
 */
#ifndef PS_NET_FLOW_H
#define PS_NET_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "net/addr.h"
#include "net/packet.h"
#include "net/stream.h"

/* Directions, the same values as enum ps_dir of proto/proto.h. */
#define PS_FLOW_TOSERVER 0
#define PS_FLOW_TOCLIENT 1

enum ps_flow_state { PS_FLOW_NEW, PS_FLOW_ESTABLISHED, PS_FLOW_CLOSED };

/* Why a flow ended (argument of the end callback). */
enum ps_flow_end {
	PS_FLOW_END_TIMEOUT,  /* idle past its timeout */
	PS_FLOW_END_SHUTDOWN, /* end of capture / stop: ps_flow_table_flush */
	PS_FLOW_END_MEMCAP,   /* evicted to make room for a new flow */
	PS_FLOW_END_REUSE,    /* TCP port reuse: a SYN on a closed flow */
};

/*
 * TCP connection state as seen from the wire (both sides together).
 * FIN_WAIT: one side sent FIN; CLOSING: that FIN was acknowledged (the
 * connection is half closed); CLOSED: FIN both ways or RST.
 */
enum ps_tcp_state {
	PS_TCP_NONE, PS_TCP_SYN_SENT, PS_TCP_SYN_RECV, PS_TCP_ESTABLISHED,
	PS_TCP_FIN_WAIT, PS_TCP_CLOSING, PS_TCP_CLOSED
};

/* Timeout classes: each has its own timeouts (struct ps_flow_timeouts). */
enum ps_flow_proto {
	PS_FLOW_PROTO_TCP, PS_FLOW_PROTO_UDP,
	PS_FLOW_PROTO_ICMP, /* ICMP and ICMPv6 */
	PS_FLOW_PROTO_OTHER,
	PS_FLOW_PROTO__COUNT
};

/*
 * Symmetric key: both directions of a conversation give the same key,
 * normalised so that (lo, plo) <= (hi, phi) (addresses compared as two
 * 64-bit words, then ports). vlan is the outermost VLAN id, vlan2 the
 * second (QinQ) or 0. pad is always 0, so keys compare with memcmp.
 */
struct ps_flow_key {
	struct ps_addr lo, hi;
	uint16_t plo, phi;
	uint8_t family, ip_proto;
	uint16_t vlan;
	uint32_t tunnel_id;
	uint16_t vlan2;
	uint16_t pad;
};

/*
 * One flow. The table owns it: the pointer is valid until the next call of
 * ps_flow_table_get/tick/flush/release on the table (any of them may end
 * it). Orientation: the sender of the first packet is the client, except
 * that a first TCP packet with SYN+ACK, or without SYN from a port < 1024
 * to a port >= 1024, comes from the server.
 */
struct ps_flow {
	/*
	 * Table links, private to flow.c. The members are grouped by cache
	 * line (a flow starts on one): the lookup reads only the first line,
	 * the per-packet update mostly the second.
	 */
	struct ps_flow *hnext;           /* hash chain */
	uint32_t hash;                   /* keyed hash of key */
	uint8_t list;                    /* index of the timeout list */
	uint8_t cli_hi;                  /* the client is key.hi */
	uint8_t seen;                    /* bit (1 << dir) per direction seen */
	uint8_t pclass;                  /* enum ps_flow_proto */
	struct ps_flow_key key;

	int64_t last_us;                 /* latest packet time */
	int64_t q_us;                    /* table time when queued at the list tail */
	uint64_t pkts[2], bytes[2];      /* per direction; bytes are wire lengths */
	struct ps_tcp_session *tcp;      /* TCP flows only; owned by the table */
	void *app;                       /* engine data, never touched by the table */

	struct ps_flow **hpprev;         /* hash chain (private) */
	struct ps_flow *lnext, *lprev;   /* timeout list, oldest first (private) */
	uint8_t tcp_flags[2];            /* OR of the TCP flags seen per direction */
	uint8_t state;                   /* enum ps_flow_state */
	uint8_t tcp_state;               /* enum ps_tcp_state */
	uint8_t family, ip_proto;        /* enum ps_af, IP protocol number */
	uint16_t vlan;                   /* outermost VLAN id or 0 */
	uint16_t cport, sport;
	uint32_t tunnel_id;
	uint64_t flow_id;                /* 51 bits, nonzero; from key and start time */
	int64_t start_us;                /* first packet time */
	struct ps_addr cli, srv;
};

/*
 * Called just before a flow is freed, with the reason; the callee may read
 * and change f (e.g. ps_stream_flow_end, free f->app) but must not call the
 * table's get/tick/flush/release.
 */
typedef void (*ps_flow_end_fn)(void *arg, struct ps_flow *f, enum ps_flow_end why);

/* Timeouts in seconds of one protocol class; 0 = at the next tick. */
struct ps_flow_timeouts {
	uint32_t new_s, est_s, closed_s;
	uint32_t emerg_new_s, emerg_est_s, emerg_closed_s; /* while in emergency mode */
};

struct ps_flow_config {
	uint64_t memcap;          /* bytes: buckets, flows, stream buffers; 512 MiB */
	uint32_t hash_size;       /* buckets, a power of two; 1 << 18 */
	uint32_t emergency_recovery; /* percent: emergency ends below (100 - N)% of memcap; 30 */
	struct ps_flow_timeouts timeout[PS_FLOW_PROTO__COUNT];
	struct ps_stream_config stream;
};

struct ps_flow_stats {
	uint64_t active, created, timed_out, evicted_memcap, memcap_drops, tcp_reuse;
	uint64_t peak_active, mem_bytes, peak_mem_bytes;
	uint64_t emergencies;     /* times emergency mode was entered */
};

#define PS_FLOW_LISTS (PS_FLOW_PROTO__COUNT * 3) /* class x flow state */

struct ps_flow_list {
	struct ps_flow *head, *tail;
};

/*
 * The table. All members are private to net/; read them through
 * ps_flow_table_stats. Invariants: every live flow is in exactly one hash
 * chain and one list (lists[class * 3 + state]) ordered by q_us; mem_bytes
 * (buckets + flow slabs + stream chunks held) <= cfg.memcap.
 */
struct ps_flow_table {
	struct ps_flow **buckets;
	uint32_t mask;
	bool emergency;
	struct ps_flow_list lists[PS_FLOW_LISTS];
	int64_t timeout_us[2][PS_FLOW_LISTS]; /* [emergency][list] */
	struct ps_flow *free_flows;           /* chained through hnext */
	struct ps_flow_slab *slabs;            /* private to flow.c */
	struct ps_stream_seg *seg_free;       /* cached chunks */
	uint64_t segs_used, segs_cached;
	uint64_t seed[4];
	uint32_t tag;                         /* nonzero: marks hashes in packets */
	int64_t now_us, next_tick_us;
	struct ps_flow_config cfg;
	ps_flow_end_fn on_end;
	void *arg;
	struct ps_flow_stats st;
};

/*
 * Suricata's defaults (flow-timeouts in suricata.yaml): TCP 60/600/60 s
 * (emergency 5/100/10), UDP and ICMP 30/300/0 (emergency 10/100/0), other
 * 30/300/0 (emergency 10/100/0); memcap 512 MiB, 2^18 buckets, stream
 * depth 1 MiB, 64 KiB and 64 chunks out of order per direction.
 */
void ps_flow_config_default(struct ps_flow_config *c);

/*
 * Empty table with config c (copied). on_end (may be NULL) is called with
 * arg for every flow that ends. PS_EINVAL: hash_size not a power of two or
 * the buckets alone exceed the memcap; PS_ENOMEM. The table allocates with
 * PS_MEM_FLOW. Not thread-safe: one table per worker thread.
 */
int ps_flow_table_init(struct ps_flow_table *t, const struct ps_flow_config *c,
		       ps_flow_end_fn on_end, void *arg) PS_MUST_USE;

/*
 * The flow of p, found or created: updates last_us, the per-direction
 * counters (pkts, wire bytes), tcp_flags, tcp_state and state, and sets
 * *dir (PS_FLOW_TOSERVER / PS_FLOW_TOCLIENT). A SYN without ACK on a
 * CLOSED TCP flow ends it (PS_FLOW_END_REUSE) and starts a new one. When
 * the memcap is reached the flow closest to its timeout is evicted
 * (PS_FLOW_END_MEMCAP) and emergency timeouts apply until memory falls
 * below the recovery mark. NULL when p lacks PS_PKT_HAS_L3, or (counted
 * in memcap_drops) when nothing can be evicted. Borrows p.
 */
struct ps_flow *ps_flow_table_get(struct ps_flow_table *t, const struct ps_packet *p, int *dir);

/*
 * Hints for a caller that sees packets a few steps before it hands them to
 * ps_flow_table_get: _prefetch computes p's key hash (kept in p for the
 * get) and starts loading its hash bucket; _prefetch_flow, called later,
 * starts loading the flow the bucket leads to. Neither changes the table.
 */
void ps_flow_table_prefetch(const struct ps_flow_table *t, struct ps_packet *p);
/* true when p's bucket is empty: p will start a flow (a hint, not a promise) */
bool ps_flow_table_prefetch_flow(const struct ps_flow_table *t, const struct ps_packet *p);

/*
 * Advance table time to now_us (packet time) and, once per second of it,
 * end (PS_FLOW_END_TIMEOUT) the flows idle for longer than their timeout.
 * Call it on every packet: O(1) amortised. Times that go back are ignored.
 */
void ps_flow_table_tick(struct ps_flow_table *t, int64_t now_us);

/* End every flow (PS_FLOW_END_SHUTDOWN), oldest first, leaving the table empty. */
void ps_flow_table_flush(struct ps_flow_table *t);

/* Flush, then free everything; t may be released twice or after a failed init. */
void ps_flow_table_release(struct ps_flow_table *t);

/* Snapshot of the counters. */
void ps_flow_table_stats(const struct ps_flow_table *t, struct ps_flow_stats *out);

/* Memory charged per flow (flow and TCP session, cache-line aligned). */
size_t ps_flow_mem_per_flow(void);
/* Memory charged per slab: flows are allocated this many bytes at a time. */
size_t ps_flow_mem_per_slab(void);
/* Memory charged per out-of-order stream chunk. */
size_t ps_flow_mem_per_chunk(void);

/* Names for logs and EVE ("new", "established", "closed"; "timeout", ...). */
const char *ps_flow_state_name(enum ps_flow_state s);
const char *ps_flow_end_name(enum ps_flow_end why);
const char *ps_tcp_state_name(enum ps_tcp_state s);

/* Internal to the net module (stream.c): charge or refund table memory. */
bool ps_flow_table_charge(struct ps_flow_table *t, uint64_t n);
void ps_flow_table_refund(struct ps_flow_table *t, uint64_t n);

#endif
