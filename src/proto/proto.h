/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Application-layer parsers: the interface every parser implements, the
 * context the engine hands it, and how a parser emits EVE events. A parser
 * is an incremental state machine over the in-order bytes of one direction
 * of one flow (TCP) or over single datagrams (UDP); it never sees packets.
 */
#ifndef PS_PROTO_PROTO_H
#define PS_PROTO_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/jsonw.h"
#include "net/addr.h"

/* App-layer protocols; names (ps_alproto_name) follow Suricata's app_proto. */
enum ps_alproto {
	PS_ALPROTO_UNKNOWN = 0,
	PS_ALPROTO_DNS,
	PS_ALPROTO_HTTP,
	PS_ALPROTO_TLS,
	PS_ALPROTO_SSH,
	PS_ALPROTO_SMTP,
	PS_ALPROTO_POP3,
	PS_ALPROTO_IMAP,
	PS_ALPROTO_FTP,
	PS_ALPROTO_FTP_DATA,
	PS_ALPROTO_TELNET,
	PS_ALPROTO_MODBUS,
	PS_ALPROTO_S7COMM,
	PS_ALPROTO_DNP3,
	PS_ALPROTO_IEC104,
	PS_ALPROTO_BACNET,
	PS_ALPROTO_FAILED,      /* detection gave up on this flow */
	PS_ALPROTO__COUNT
};

const char *ps_alproto_name(enum ps_alproto p);

/* Direction of data relative to the flow's client (who opened it). */
enum ps_dir { PS_DIR_TOSERVER = 0, PS_DIR_TOCLIENT = 1 };

/* The flow as a parser sees it, oriented client -> server. Read-only. */
struct ps_proto_flow {
	uint64_t flow_id;
	struct ps_addr cli, srv;
	uint16_t cport, sport;
	uint8_t family;        /* enum ps_af */
	uint8_t ip_proto;      /* PS_IPPROTO_TCP or PS_IPPROTO_UDP */
	uint16_t vlan;         /* outermost VLAN id, 0 if none */
	int64_t start_us;
};

struct ps_proto_ctx;

/*
 * What a parser saw that threat intelligence can match. Text values are
 * as seen on the wire (the matcher normalises); digests are binary.
 */
enum ps_obs {
	PS_OBS_DNS_QUERY,        /* question name */
	PS_OBS_DNS_ANSWER_NAME,  /* CNAME/DNAME target */
	PS_OBS_DNS_ANSWER_ADDR,  /* A/AAAA rdata: 4 or 16 bytes */
	PS_OBS_HTTP_HOST,        /* Host header (or absolute-form host), no port */
	PS_OBS_HTTP_URL,         /* "http://host[:port]/target" */
	PS_OBS_TLS_SNI,
	PS_OBS_TLS_JA3,          /* MD5, 16 bytes */
	PS_OBS_TLS_JA4,          /* text */
	PS_OBS_FILE_MD5,         /* digests of a transferred file */
	PS_OBS_FILE_SHA1,
	PS_OBS_FILE_SHA256,
	PS_OBS__COUNT
};

/* The EVE field an observation comes from ("dns.query", "tls.sni"...). */
const char *ps_obs_field(enum ps_obs k);

/*
 * Where events go. The engine implements it (EVE file, store batch,
 * counters); tests use the harness in proto/harness.h. begin() returns a
 * writer positioned inside the top-level object after the common header
 * (timestamp, flow_id, event_type, addresses, proto, app_proto); the
 * parser writes its object(s) and calls end().
 */
struct ps_proto_sink {
	struct ps_jw *(*begin)(struct ps_proto_sink *s,
			       const struct ps_proto_ctx *c,
			       const char *event_type);
	void (*end)(struct ps_proto_sink *s, const struct ps_proto_ctx *c);
	/* Count a protocol anomaly (`what` is a static snake_case name). */
	void (*anomaly)(struct ps_proto_sink *s, const struct ps_proto_ctx *c,
			const char *what);
	/*
	 * Expect a new flow to srv:port (port 0 = any) from cli (any port)
	 * that carries `proto`, e.g. an FTP data channel; `parent` is the
	 * control flow's id.
	 */
	void (*expect)(struct ps_proto_sink *s, const struct ps_proto_ctx *c,
		       const struct ps_addr *cli, const struct ps_addr *srv,
		       uint16_t port, enum ps_alproto proto);
	/*
	 * Short notes a related flow can read: the FTP control channel says
	 * which command and file its data channel carries. note_set adds a
	 * note of this flow stamped with c->ts_us; note_get copies the latest
	 * note of flow_id stamped within [from_us, to_us] into out and
	 * returns its length (0: none). Both may be NULL. With several
	 * workers the two flows are followed by different threads, so a
	 * reader bounds the time instead of taking the newest note.
	 */
	void (*note_set)(struct ps_proto_sink *s, const struct ps_proto_ctx *c,
			 const void *p, size_t n);
	size_t (*note_get)(struct ps_proto_sink *s,
			   const struct ps_proto_ctx *c, uint64_t flow_id,
			   int64_t from_us, int64_t to_us, void *out, size_t cap);
	/* A value intelligence can match (may be NULL). */
	void (*observe)(struct ps_proto_sink *s, const struct ps_proto_ctx *c,
			enum ps_obs k, const void *p, size_t n);
};

#define PS_PROTO_NOTE_MAX 320   /* bytes a note keeps */

/* What a parser call gets besides its state. */
struct ps_proto_ctx {
	const struct ps_proto_flow *flow;
	int64_t ts_us;             /* capture time of the data being parsed */
	enum ps_alproto alproto;   /* this parser's protocol */
	enum ps_dir dir;           /* direction of the event being written */
	struct ps_proto_sink *sink;
	void *engine;              /* the engine's per-flow data; not for parsers */
	/* For expected flows (FTP data): what the control channel said,
	 * and when it announced this flow. */
	uint64_t parent_flow_id;
	int64_t parent_ts_us;
	/* Set by ps_proto_upgrade(); the engine acts once parse() returns. */
	bool upgrade;
	enum ps_alproto upgrade_to;
};

/* Emit helpers (thin wrappers over ctx->sink). */
struct ps_jw *ps_proto_event_begin(struct ps_proto_ctx *c, const char *event_type);
void ps_proto_event_end(struct ps_proto_ctx *c);
void ps_proto_anomaly(struct ps_proto_ctx *c, const char *what);

/*
 * Write a credential seen in clear: never the value. `key` gets "********"
 * and `key`_len the length, so the detector layer can flag empty or short
 * passwords without anything sensitive leaving the sensor.
 */
void ps_proto_write_secret(struct ps_jw *w, const char *key, const void *p,
			   size_t n);

/*
 * The rest of the flow, from the next chunk of either direction, is another
 * protocol: STARTTLS/STLS/AUTH TLS accepted, CONNECT answered 2xx, 101
 * Switching Protocols. Bytes after the switch point inside the chunk being
 * parsed stay with this parser (a client that sends its ClientHello in the
 * same segment as CONNECT loses that hello). `to` is that protocol, or PS_ALPROTO_UNKNOWN to
 * detect it from content. The engine calls this parser's finish() and
 * hands later bytes to the new one; the flow keeps both names
 * (app_proto, app_proto_orig), as Suricata's flow records do.
 */
void ps_proto_upgrade(struct ps_proto_ctx *c, enum ps_alproto to);

/* Report a value to sink->observe (nothing when there is none or n is 0). */
void ps_proto_observe(struct ps_proto_ctx *c, enum ps_obs k, const void *p,
		      size_t n);

/* Wrappers over sink->note_set / note_get (no-ops without them); a note is
 * cut to PS_PROTO_NOTE_MAX bytes. */
void ps_proto_note_set(struct ps_proto_ctx *c, const void *p, size_t n);
size_t ps_proto_note_get(struct ps_proto_ctx *c, uint64_t flow_id,
			 int64_t from_us, int64_t to_us, void *out, size_t cap);

enum ps_probe {
	PS_PROBE_NO = 0,     /* these bytes are not this protocol */
	PS_PROBE_YES,        /* they are */
	PS_PROBE_MORE,       /* cannot tell yet; call again with more bytes */
};

enum ps_proto_l4 { PS_PROTO_L4_TCP = 1, PS_PROTO_L4_UDP = 2 };

#define PS_PROTO_MAX_PORTS 8

/*
 * A parser. The engine allocates `state_size` zeroed bytes per flow, calls
 * parse() with each in-order chunk of one direction (TCP) or each datagram
 * (UDP), gap() when the stream lost bytes, and finish() once at the end of
 * the flow (emit what is pending, release what parse() allocated; the
 * engine frees the state block itself). parse() returns PS_OK, or
 * PS_EPROTO when the flow is no longer this protocol or cannot be followed
 * (the engine stops feeding it; the parser counts an anomaly first).
 * Parsers never read outside (data, len), never trust a length field, and
 * bound every buffer they keep.
 */
struct ps_proto_parser {
	const char *name;
	enum ps_alproto id;
	unsigned l4;                          /* enum ps_proto_l4 bits */
	uint16_t ports[PS_PROTO_MAX_PORTS];   /* server ports, 0-terminated */
	/* Content detection over the first bytes of a direction; may be NULL
	 * for parsers detected by port only. */
	enum ps_probe (*probe)(const uint8_t *data, size_t len, enum ps_dir dir);
	size_t state_size;
	int (*parse)(void *state, struct ps_proto_ctx *c, enum ps_dir dir,
		     const uint8_t *data, size_t len);
	void (*gap)(void *state, struct ps_proto_ctx *c, enum ps_dir dir,
		    size_t len);
	void (*finish)(void *state, struct ps_proto_ctx *c);
};

/* All registered parsers, in probing order; NULL-terminated. */
extern const struct ps_proto_parser *const ps_proto_parsers[];
const struct ps_proto_parser *ps_proto_parser_get(enum ps_alproto p);



/*
 * Write the EVE common header into the open top-level object: timestamp
 * (µs, "+0000" as Suricata writes it), flow_id, event_type, src/dest
 * address and port oriented client -> server, proto, app_proto.
 */
void ps_proto_write_header(struct ps_jw *w, const struct ps_proto_ctx *c,
			   const char *event_type);
/* "2023-11-14T22:13:20.000000+0000" into out[32]; returns out. */
char *ps_eve_time_fmt(int64_t us, char *out);
#endif
