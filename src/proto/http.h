/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals of the HTTP/1.x parser shared by proto/http.c (messages,
 * headers, transactions, the http event) and proto/http_body.c (bodies:
 * decompression, hashing, magic and the fileinfo event). Not public.
 */
#ifndef PS_PROTO_HTTP_H
#define PS_PROTO_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/jsonw.h"
#include "proto/proto.h"

#define HTTP_LINE_MAX 8192u              /* start, header, chunk-size line */
#define HTTP_HDR_COUNT_MAX 128u          /* header fields per message */
#define HTTP_HDR_BYTES_MAX 65536u        /* header section per message */
#define HTTP_LOG_HDRS 32u                /* headers kept per side for the event */
#define HTTP_TX_TEXT_MAX 32768u          /* logged text per transaction */
#define HTTP_TX_MAX 64u                  /* transactions waiting per flow */
#define HTTP_RESYNC_MAX (1u << 20)       /* junk skipped before giving up */
#define HTTP_INFLATE_MAX (64u << 20)     /* decoded bytes per body */
#define HTTP_INFLATE_RATIO 500u          /* decoded:encoded (deflate tops at 1032), past */
#define HTTP_INFLATE_RATIO_FLOOR (1u << 20) /* this many decoded bytes */
#define HTTP_MAGIC_HEAD 512u             /* first body bytes kept for magic */

/* Text stored in a transaction's `text` buffer; len 0 means absent. */
struct http_str {
	uint32_t off, len;
};

enum http_enc {
	HTTP_ENC_NONE = 0,
	HTTP_ENC_GZIP,
	HTTP_ENC_DEFLATE,
	HTTP_ENC_OTHER,      /* br, compress, stacked codings: not decoded */
};

/* Authorization schemes (RFC 7235); names in http_body.c. */
enum http_auth {
	HTTP_AUTH_NONE = 0,
	HTTP_AUTH_BASIC,
	HTTP_AUTH_DIGEST,
	HTTP_AUTH_BEARER,
	HTTP_AUTH_NTLM,
	HTTP_AUTH_NEGOTIATE,
	HTTP_AUTH_OTHER,
};

/* A logged header; a secret keeps only the length of its value. */
struct http_hdr {
	struct http_str name, value;
	uint32_t secret_len;
	bool secret;
};

/*
 * One request and its response. Lives in the flow's queue from its
 * request line (or its status line when no request was seen) until both
 * sides are complete, then is written and freed. Strings point into text.
 */
struct http_tx {
	struct http_tx *next;
	uint64_t id;
	struct ps_buf text;
	struct http_str method, uri, proto, rproto, host, ua, referer, xff;
	struct http_str ctype, location, auth_user, cd_name[2];
	struct http_hdr hdrs[2][HTTP_LOG_HDRS];
	uint8_t nhdrs[2];
	uint16_t status;         /* final status, 0 before the response */
	uint16_t port;           /* from Host, 0 when absent */
	uint8_t auth_scheme;     /* enum http_auth */
	bool auth_pw;
	uint32_t auth_pw_len;
	uint64_t body_len[2];    /* de-chunked body bytes, before decoding */
	bool has_req, req_done, resp_done;
	bool head, connect, v09, upgrade, log_trunc;
};

struct http_body;

/* Parser states of one direction. */
enum http_st {
	HTTP_ST_START = 0,       /* before a request or status line */
	HTTP_ST_HEADERS,
	HTTP_ST_BODY_CL,
	HTTP_ST_CHUNK_SIZE,
	HTTP_ST_CHUNK_DATA,
	HTTP_ST_CHUNK_END,       /* the CRLF after chunk data */
	HTTP_ST_TRAILERS,
	HTTP_ST_BODY_CLOSE,      /* response body until the connection ends */
	HTTP_ST_RESYNC,          /* skipping lines until a start line */
	HTTP_ST_CONNECT_WAIT,    /* client side after CONNECT, until answered */
	HTTP_ST_TUNNEL,          /* CONNECT or Upgrade done: bytes ignored */
};

/*
 * One direction: idx 0 carries requests, 1 responses. `line` gathers a line
 * split across chunks (at most HTTP_LINE_MAX bytes; longer lines keep
 * their head), `hdr` the header field being unfolded. The per-message
 * fields are reset at each start line.
 */
struct http_dir {
	uint8_t st;
	uint8_t idx;
	uint8_t enc;             /* enum http_enc of the current body */
	bool line_over;
	bool hdr_pending;
	bool has_cl, cl_bad, te_chunked, te_other;
	bool hdr_count_anom, hdr_bytes_anom, fold_over;
	uint32_t nhdrs, hdr_bytes;
	uint64_t cl, remain, garbage;
	struct ps_buf line, hdr;
	struct http_tx *tx;      /* message being parsed, borrowed from the queue */
	struct http_body *body;  /* lazily allocated, reused for every body */
};

struct http_state {
	struct http_dir d[2];
	struct http_tx *head, *tail;
	uint32_t ntx;
	uint64_t next_id;
	bool init, seen_valid, tunnel;
};

/* Borrowed view of a transaction string. */
static inline const uint8_t *http_str_ptr(const struct http_tx *tx,
					  struct http_str s)
{
	return tx->text.p ? tx->text.p + s.off : (const uint8_t *)"";
}

/* The http object's fields shared by the http and fileinfo events. */
void http_tx_write_common(struct ps_jw *w, const struct http_tx *tx);
/* Write the "http" event of a finished (or abandoned) transaction. */
void http_tx_emit(struct ps_proto_ctx *c, const struct http_tx *tx);

/* Body bytes of the current message of d (de-chunked, still encoded). */
void http_body_data(struct http_dir *d, struct ps_proto_ctx *c,
		    const uint8_t *p, size_t n);
/* The stream lost bytes inside the current body. */
void http_body_gap(struct http_dir *d, struct ps_proto_ctx *c);
/* The current body ended (complete or not): write its fileinfo event. */
void http_body_end(struct http_dir *d, struct ps_proto_ctx *c, bool complete);
/* Release what the body decoder allocated (hash and zlib contexts). */
void http_body_release(struct http_dir *d);
/* A libmagic-like description of the first bytes of a body. */
const char *http_magic(const uint8_t *p, size_t n);

#endif
