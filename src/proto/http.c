/* SPDX-License-Identifier: Apache-2.0 */
/*
 * HTTP/1.x parser: an incremental state machine per direction over the
 * reassembled TCP stream (RFC 7230), pairing pipelined requests with
 * responses in order and writing one Suricata-shaped "http" event per
 * transaction; bodies go to http_body.c. CONNECT and Upgrade end parsing.
 *
 * Decisions worth knowing:
 * - After a 2xx answer to CONNECT, a 101 Switching Protocols or an h2c
 *   prior-knowledge preface the flow is a tunnel: parse() keeps returning
 *   PS_OK and ignores every later byte (no anomaly: nothing is wrong).
 * - PS_EPROTO is returned only when the client's first line is not a
 *   request line (nothing valid seen yet), or when resynchronising skipped
 *   HTTP_RESYNC_MAX bytes (1/16 of it before any valid message). Server
 *   junk first is skipped: captures often start in the middle of a body.
 * - After a gap or junk, a message is looked for at each line start and
 *   at the start of each chunk handed to parse() (segments usually start
 *   messages); the next status line answers the oldest open request.
 * - Interim 1xx responses (except 101) do not end a transaction: the http
 *   event carries the final status, as Suricata's does.
 * - Caps (line, header count, header bytes, logged text, waiting
 *   transactions) count an anomaly once and parsing goes on: framing
 *   headers past the count cap are still honoured, only not logged.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/core.h"
#include "proto/http.h"
#include "proto/parsers.h"

/* Methods accepted by the content probe and while resynchronising. */
static const char *const known_methods[] = {
	"GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "CONNECT",
	"TRACE", "PATCH", "PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE",
	"LOCK", "UNLOCK", "SEARCH", "REPORT", "MKACTIVITY", "CHECKOUT",
	"MERGE", "PURGE", "LINK", "UNLINK", "MKCALENDAR", "ACL", "POLL",
	"BPROPFIND", "SUBSCRIBE", "NOTIFY", "UNSUBSCRIBE", "VERSION-CONTROL",
};

enum hid {
	H_OTHER = 0, H_HOST, H_UA, H_REFERER, H_XFF, H_CL, H_TE, H_CE, H_CT,
	H_CD, H_LOCATION, H_AUTH, H_PAUTH, H_COOKIE, H_SETCOOKIE, H_UPGRADE,
};

static const struct {
	const char *name;
	uint8_t len, id;
} header_names[] = {
	{"host", 4, H_HOST},
	{"user-agent", 10, H_UA},
	{"referer", 7, H_REFERER},
	{"x-forwarded-for", 15, H_XFF},
	{"content-length", 14, H_CL},
	{"transfer-encoding", 17, H_TE},
	{"content-encoding", 16, H_CE},
	{"content-type", 12, H_CT},
	{"content-disposition", 19, H_CD},
	{"location", 8, H_LOCATION},
	{"authorization", 13, H_AUTH},
	{"proxy-authorization", 19, H_PAUTH},
	{"cookie", 6, H_COOKIE},
	{"set-cookie", 10, H_SETCOOKIE},
	{"upgrade", 7, H_UPGRADE},
};


/* ---------------------------------------------------------------------
 * Small byte helpers
 */

static inline bool is_sp(uint8_t ch)
{
	return ch == ' ' || ch == '\t';
}

static inline bool is_digit(uint8_t ch)
{
	return ch >= '0' && ch <= '9';
}

static inline uint8_t lower(uint8_t ch)
{
	return ch >= 'A' && ch <= 'Z' ? (uint8_t)(ch + 32) : ch;
}

/* RFC 7230 3.2.6 tchar. */
static bool is_tchar(uint8_t ch)
{
	if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || is_digit(ch))
		return true;
	return ch && strchr("!#$%&'*+-.^_`|~", ch) != NULL;
}

static struct ps_slice sl(const uint8_t *p, size_t n)
{
	return ps_slice_make(p, n);
}

/* Case-insensitive equality with a lower-case literal. */
static bool ieq(struct ps_slice s, const char *lit)
{
	size_t n = strlen(lit);

	if (s.len != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (lower(s.p[i]) != (uint8_t)lit[i])
			return false;
	return true;
}

static bool starts_icase(struct ps_slice s, const char *lit)
{
	size_t n = strlen(lit);

	return s.len >= n && ieq(sl(s.p, n), lit);
}

static bool known_method(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < PS_ARRAY_LEN(known_methods); i++)
		if (strlen(known_methods[i]) == n && !memcmp(p, known_methods[i], n))
			return true;
	return false;
}

static enum hid header_id(struct ps_slice name)
{
	for (size_t i = 0; i < PS_ARRAY_LEN(header_names); i++)
		if (header_names[i].len == name.len &&
		    ieq(name, header_names[i].name))
			return (enum hid)header_names[i].id;
	return H_OTHER;
}

/* ---------------------------------------------------------------------
 * Transactions
 */

/* Copy n bytes into the transaction's text; a full buffer keeps a prefix. */
static struct http_str tx_put(struct ps_proto_ctx *c, struct http_tx *tx,
			      struct ps_slice v)
{
	struct http_str r = {0, 0};
	size_t n = v.len, room;

	if (!tx || n == 0)
		return r;
	room = HTTP_TX_TEXT_MAX - tx->text.len;
	if (n > room) {
		n = room;
		if (!tx->log_trunc) {
			tx->log_trunc = true;
			ps_proto_anomaly(c, "http_log_truncated");
		}
	}
	if (n == 0 || ps_buf_add(&tx->text, v.p, n) != PS_OK)
		return r;
	r.off = (uint32_t)(tx->text.len - n);
	r.len = (uint32_t)n;
	return r;
}

static void tx_free(struct http_tx *tx)
{
	ps_buf_release(&tx->text);
	ps_free(tx);
}

static void tx_unlink(struct http_state *s, struct http_tx *prev,
		      struct http_tx *tx)
{
	if (prev)
		prev->next = tx->next;
	else
		s->head = tx->next;
	if (s->tail == tx)
		s->tail = prev;
	s->ntx--;
}

/* Write and free every complete transaction at the head of the queue. */
static void tx_flush_done(struct http_state *s, struct ps_proto_ctx *c)
{
	struct http_tx *tx;

	while ((tx = s->head) && tx->req_done && tx->resp_done &&
	       tx != s->d[0].tx && tx != s->d[1].tx) {
		tx_unlink(s, NULL, tx);
		http_tx_emit(c, tx);
		tx_free(tx);
	}
}

/* Too many transactions wait: write the oldest one nobody is parsing. */
static void tx_evict(struct http_state *s, struct ps_proto_ctx *c)
{
	struct http_tx *tx, *prev = NULL;

	for (tx = s->head; tx; prev = tx, tx = tx->next)
		if (tx != s->d[0].tx && tx != s->d[1].tx)
			break;
	if (!tx)
		return;
	ps_proto_anomaly(c, "http_too_many_transactions");
	tx_unlink(s, prev, tx);
	http_tx_emit(c, tx);
	tx_free(tx);
}

static struct http_tx *tx_new(struct http_state *s, struct ps_proto_ctx *c)
{
	struct http_tx *tx;

	if (s->ntx >= HTTP_TX_MAX)
		tx_evict(s, c);
	tx = ps_calloc(PS_MEM_PROTO, 1, sizeof(*tx));
	if (!tx) {
		ps_proto_anomaly(c, "http_out_of_memory");
		return NULL;
	}
	ps_buf_init(&tx->text, PS_MEM_PROTO, HTTP_TX_TEXT_MAX);
	tx->id = s->next_id++;
	if (s->tail)
		s->tail->next = tx;
	else
		s->head = tx;
	s->tail = tx;
	s->ntx++;
	return tx;
}

/* The transaction the next response answers: the oldest unanswered. */
static struct http_tx *tx_unanswered(struct http_state *s)
{
	struct http_tx *tx;

	for (tx = s->head; tx; tx = tx->next)
		if (!tx->resp_done)
			return tx;
	return NULL;
}

/* ---------------------------------------------------------------------
 * Lines
 */

static void line_reset(struct http_dir *d)
{
	ps_buf_reset(&d->line);
	d->line_over = false;
}

static void line_append(struct http_dir *d, const uint8_t *p, size_t n)
{
	size_t room = HTTP_LINE_MAX - d->line.len;

	if (n > room) {
		n = room;
		d->line_over = true;
	}
	if (n && ps_buf_add(&d->line, p, n) != PS_OK)
		d->line_over = true;
}

/*
 * Take bytes up to and including the next LF. Returns true with *line set
 * (without CRLF; borrowed from p or d->line) when the line is complete;
 * *used is what was consumed either way. Lines longer than HTTP_LINE_MAX
 * keep their first HTTP_LINE_MAX bytes and set d->line_over.
 */
static bool take_line(struct http_dir *d, const uint8_t *p, size_t n,
		      size_t *used, struct ps_slice *line)
{
	const uint8_t *nl = memchr(p, '\n', n);
	size_t take = nl ? (size_t)(nl - p) : n;

	*used = nl ? take + 1 : n;
	if (nl && d->line.len == 0 && !d->line_over) {
		if (take > HTTP_LINE_MAX) {
			take = HTTP_LINE_MAX;
			d->line_over = true;
		}
		*line = sl(p, take);
	} else {
		line_append(d, p, take);
		if (!nl)
			return false;
		*line = ps_buf_slice(&d->line);
	}
	if (line->len && line->p[line->len - 1] == '\r')
		line->len--;
	return true;
}

/*
 * Bytes skipped while looking for a start line; too many ends parsing.
 * Before any valid message the allowance is smaller: the flow may not be
 * HTTP at all (or was picked up in the middle of a long body).
 */
static int garbage(struct http_state *s, struct http_dir *d,
		   struct ps_proto_ctx *c, size_t n)
{
	d->garbage += n;
	if (d->garbage <= (s->seen_valid ? HTTP_RESYNC_MAX : HTTP_RESYNC_MAX / 16))
		return PS_OK;
	ps_proto_anomaly(c, "http_resync_failed");
	return PS_EPROTO;
}

/* ---------------------------------------------------------------------
 * Message boundaries
 */

static void msg_reset(struct http_dir *d)
{
	d->enc = HTTP_ENC_NONE;
	d->hdr_pending = false;
	d->has_cl = d->cl_bad = d->te_chunked = d->te_other = false;
	d->hdr_count_anom = d->hdr_bytes_anom = d->fold_over = false;
	d->nhdrs = d->hdr_bytes = 0;
	d->cl = d->remain = 0;
	ps_buf_reset(&d->hdr);
}

/* CONNECT answered, protocol switched: ignore everything from now on. */
static void tunnel(struct http_state *s, struct ps_proto_ctx *c)
{
	struct http_dir *d;

	for (unsigned i = 0; i < 2; i++) {
		d = &s->d[i];
		if (d->tx) {
			http_body_end(d, c, false);
			if (i == 0)
				d->tx->req_done = true;
			else
				d->tx->resp_done = true;
			d->tx = NULL;
		}
		d->st = HTTP_ST_TUNNEL;
	}
	s->tunnel = true;
	ps_proto_upgrade(c, PS_ALPROTO_UNKNOWN);   /* what flows inside */
}

/* The current message of d ended; `complete` is false when bytes were lost. */
static void message_end(struct http_state *s, struct http_dir *d,
			struct ps_proto_ctx *c, bool complete)
{
	struct http_tx *tx = d->tx;

	http_body_end(d, c, complete);
	d->tx = NULL;
	d->st = HTTP_ST_START;
	if (d->idx == 0) {
		if (tx)
			tx->req_done = true;
		if (tx && tx->connect && !tx->resp_done)
			d->st = HTTP_ST_CONNECT_WAIT;
	} else if (tx) {
		tx->resp_done = true;
		/* RFC 7231 4.3.6 (CONNECT), RFC 7230 6.7 (Upgrade) */
		if (tx->status == 101 ||
		    (tx->connect && tx->status >= 200 && tx->status < 300))
			tunnel(s, c);
		else if (tx->connect && s->d[0].st == HTTP_ST_CONNECT_WAIT)
			s->d[0].st = HTTP_ST_START;
	}
	tx_flush_done(s, c);
}

/* Framing is lost: end the message truncated and look for the next one. */
static void message_abort(struct http_state *s, struct http_dir *d,
			  struct ps_proto_ctx *c)
{
	message_end(s, d, c, false);
	if (d->st == HTTP_ST_START)
		d->st = HTTP_ST_RESYNC;
}

/* ---------------------------------------------------------------------
 * Start lines
 */

struct reqline {
	struct ps_slice method, uri, version;
	bool odd_space;     /* not exactly one SP between the parts */
};

static bool odd_blanks(struct ps_slice l, unsigned want)
{
	unsigned n = 0;

	for (size_t i = 0; i < l.len; i++) {
		if (l.p[i] == '\t')
			return true;
		n += l.p[i] == ' ';
	}
	return n != want || l.p[l.len - 1] == ' ';
}

/* RFC 7230 3.1.1, leniently: runs of blanks, an empty or spaced target. */
static bool parse_request_line(struct ps_slice l, struct reqline *r)
{
	size_t i = 0, j, k, end = l.len;

	while (i < end && is_tchar(l.p[i]))
		i++;
	if (i == 0 || i == end || !is_sp(l.p[i]))
		return false;
	r->method = sl(l.p, i);
	while (i < end && is_sp(l.p[i]))
		i++;
	while (end > i && is_sp(l.p[end - 1]))
		end--;
	j = end;
	while (j > i && !is_sp(l.p[j - 1]))
		j--;
	if (end - j >= 5 && !memcmp(l.p + j, "HTTP/", 5)) {
		r->version = sl(l.p + j, end - j);
		k = j;
		while (k > i && is_sp(l.p[k - 1]))
			k--;
		r->uri = sl(l.p + i, k - i);
		r->odd_space = odd_blanks(l, 2);
		return true;
	}
	/* HTTP/0.9 (RFC 1945 4.1): "GET" SP Request-URI, no headers */
	r->version = sl(NULL, 0);
	r->uri = sl(l.p + i, end - i);
	r->odd_space = odd_blanks(l, 1);
	return ps_slice_eq_cstr(r->method, "GET") && r->uri.len && j == i;
}

/* RFC 7230 3.1.2: HTTP-version SP 3DIGIT SP reason-phrase. */
static bool parse_status_line(struct ps_slice l, struct ps_slice *ver,
			      unsigned *code)
{
	size_t i = 5;

	if (l.len < 5 || memcmp(l.p, "HTTP/", 5))
		return false;
	while (i < l.len && !is_sp(l.p[i]))
		i++;
	*ver = sl(l.p, i);
	while (i < l.len && is_sp(l.p[i]))
		i++;
	if (l.len - i < 3 || !is_digit(l.p[i]) || !is_digit(l.p[i + 1]) ||
	    !is_digit(l.p[i + 2]))
		return false;
	if (l.len - i > 3 && !is_sp(l.p[i + 3]))
		return false;
	*code = (unsigned)(l.p[i] - '0') * 100 + (unsigned)(l.p[i + 1] - '0') * 10 +
		(unsigned)(l.p[i + 2] - '0');
	return *code >= 100;
}

/*
 * A request line cut at HTTP_LINE_MAX lost its version: keep a known
 * method and the head of the target, and expect headers (not HTTP/0.9).
 */
static bool long_request_line(struct ps_slice l, struct reqline *r)
{
	size_t i = 0;

	while (i < l.len && is_tchar(l.p[i]))
		i++;
	if (i == l.len || !is_sp(l.p[i]) || !known_method(l.p, i))
		return false;
	r->method = sl(l.p, i);
	while (i < l.len && is_sp(l.p[i]))
		i++;
	r->uri = sl(l.p + i, l.len - i);
	r->version = sl(NULL, 0);
	r->odd_space = false;
	return true;
}

static void on_request(struct http_state *s, struct http_dir *d,
		       struct ps_proto_ctx *c, const struct reqline *r,
		       bool headers)
{
	struct http_tx *tx;

	s->seen_valid = true;
	d->garbage = 0;
	/* RFC 7540 3.5: the h2c prior-knowledge preface */
	if (ps_slice_eq_cstr(r->method, "PRI") && ps_slice_eq_cstr(r->uri, "*") &&
	    ps_slice_eq_cstr(r->version, "HTTP/2.0")) {
		tunnel(s, c);
		return;
	}
	/* evasion trick: Wireshark ends the target at the first blank */
	if (r->odd_space)
		ps_proto_anomaly(c, "http_request_line_whitespace");
	tx = tx_new(s, c);
	msg_reset(d);
	d->tx = tx;
	if (tx) {
		tx->has_req = true;
		tx->method = tx_put(c, tx, r->method);
		tx->uri = tx_put(c, tx, r->uri);
		if (r->version.len || !headers)
			tx->proto = tx_put(c, tx, headers ? r->version :
					   PS_SLICE_LIT("HTTP/0.9"));
		tx->head = ps_slice_eq_cstr(r->method, "HEAD");
		tx->connect = ps_slice_eq_cstr(r->method, "CONNECT");
		tx->v09 = !headers;
	}
	if (!headers) {
		message_end(s, d, c, true);
		return;
	}
	d->st = HTTP_ST_HEADERS;
}

static void on_status(struct http_state *s, struct http_dir *d,
		      struct ps_proto_ctx *c, struct ps_slice ver,
		      unsigned code)
{
	struct http_tx *tx = tx_unanswered(s);

	s->seen_valid = true;
	d->garbage = 0;
	if (!tx) {
		ps_proto_anomaly(c, "http_response_without_request");
		tx = tx_new(s, c);
		if (tx)
			tx->req_done = true;
	}
	msg_reset(d);
	d->tx = tx;
	if (tx) {
		tx->status = (uint16_t)code;
		if (!tx->rproto.len)
			tx->rproto = tx_put(c, tx, ver);
		tx->nhdrs[1] = 0;    /* an interim response's headers go */
	}
	d->st = HTTP_ST_HEADERS;
}

static int start_line(struct http_state *s, struct http_dir *d,
		      struct ps_proto_ctx *c, struct ps_slice l, bool over)
{
	bool resync = d->st == HTTP_ST_RESYNC, ok;
	struct reqline r;
	struct ps_slice ver = {NULL, 0};
	unsigned code = 0;

	if (ps_slice_trim(l).len == 0)    /* RFC 7230 3.5: blank lines */
		return garbage(s, d, c, l.len + 1);
	if (d->idx == 0 && over) {
		ok = long_request_line(l, &r);
	} else if (d->idx == 0) {
		ok = parse_request_line(l, &r) &&
		     (!resync || (r.version.len && known_method(r.method.p, r.method.len)));
	} else {
		ok = parse_status_line(l, &ver, &code);
	}
	if (!ok) {
		if (resync)
			return garbage(s, d, c, l.len + 1);
		ps_proto_anomaly(c, d->idx == 0 ? "http_request_line_invalid" :
				 "http_response_line_invalid");
		/* a client speaks first: junk there means another protocol;
		 * junk from a server may be a body picked up mid-flow */
		if (!s->seen_valid && d->idx == 0)
			return PS_EPROTO;
		d->st = HTTP_ST_RESYNC;
		return garbage(s, d, c, l.len + 1);
	}
	if (over)
		ps_proto_anomaly(c, "http_line_too_long");
	if (d->idx == 0)
		on_request(s, d, c, &r, r.version.len || over);
	else
		on_status(s, d, c, ver, code);
	return PS_OK;
}

/* ---------------------------------------------------------------------
 * Header values
 */

/* RFC 7230 3.3.2: 1*DIGIT; a list of identical values counts as one. */
static bool parse_cl(struct ps_slice v, uint64_t *out)
{
	uint64_t first = 0, x;
	bool have = false;
	size_t i = 0, digits;

	for (;;) {
		while (i < v.len && is_sp(v.p[i]))
			i++;
		for (x = 0, digits = 0; i < v.len && is_digit(v.p[i]); i++, digits++) {
			if (x > (UINT64_C(1) << 56))
				return false;
			x = x * 10 + (uint64_t)(v.p[i] - '0');
		}
		while (i < v.len && is_sp(v.p[i]))
			i++;
		if (!digits || (have && x != first))
			return false;
		first = x;
		have = true;
		if (i == v.len)
			break;
		if (v.p[i++] != ',')
			return false;
	}
	*out = first;
	return true;
}

static void on_content_length(struct http_dir *d, struct ps_proto_ctx *c,
			      struct ps_slice v)
{
	uint64_t n = 0;

	if (!parse_cl(v, &n)) {
		ps_proto_anomaly(c, "http_invalid_content_length");
		if (!d->has_cl)
			d->cl_bad = true;
		d->has_cl = true;
		return;
	}
	if (d->has_cl) {
		if (d->cl_bad || n != d->cl)
			ps_proto_anomaly(c, "http_multiple_content_length");
		return;      /* the first value stays */
	}
	d->has_cl = true;
	d->cl = n;
}

/* RFC 7230 3.3.1: chunked must be the last coding applied. */
static void on_transfer_encoding(struct http_dir *d, struct ps_slice v)
{
	struct ps_slice head, rest = v, last = {NULL, 0};
	unsigned n = 0;

	while (rest.len) {
		(void)ps_slice_cut(rest, ',', &head, &rest);
		head = ps_slice_trim(head);
		if (head.len) {
			last = head;
			n++;
		}
	}
	if (n == 0 || (n == 1 && ieq(last, "identity")))
		return;
	d->te_chunked = ieq(last, "chunked");
	d->te_other = !d->te_chunked;
}

static void on_content_encoding(struct http_dir *d, struct ps_slice v)
{
	enum http_enc e = HTTP_ENC_OTHER;

	if (ieq(v, "gzip") || ieq(v, "x-gzip"))
		e = HTTP_ENC_GZIP;
	else if (ieq(v, "deflate"))
		e = HTTP_ENC_DEFLATE;
	else if (ieq(v, "identity") || v.len == 0)
		return;
	/* a second coding stacks on the first: not decoded */
	d->enc = d->enc == HTTP_ENC_NONE ? (uint8_t)e : (uint8_t)HTTP_ENC_OTHER;
}

/* Host = uri-host [ ":" port ] (RFC 7230 5.4); IPv6 keeps its brackets. */
static struct ps_slice host_split(struct ps_slice v, uint16_t *port)
{
	struct ps_slice host = v, p = {NULL, 0};
	ptrdiff_t i;
	uint32_t n = 0;

	*port = 0;
	if (v.len && v.p[0] == '[') {
		i = ps_slice_find_byte(v, ']');
		if (i < 0)
			return v;
		host = sl(v.p, (size_t)i + 1);
		if ((size_t)i + 1 < v.len && v.p[i + 1] == ':')
			p = sl(v.p + i + 2, v.len - (size_t)i - 2);
	} else {
		i = ps_slice_find_byte(v, ':');
		if (i < 0 || (size_t)i >= v.len ||
		    ps_slice_find_byte(sl(v.p + i + 1, v.len - (size_t)i - 1),
				       ':') >= 0)
			return v;
		host = sl(v.p, (size_t)i);
		p = sl(v.p + i + 1, v.len - (size_t)i - 1);
	}
	if (p.len == 0 || p.len > 5)
		return host;
	for (size_t k = 0; k < p.len; k++) {
		if (!is_digit(p.p[k]))
			return host;
		n = n * 10 + (uint32_t)(p.p[k] - '0');
	}
	if (n > 0 && n <= 65535)
		*port = (uint16_t)n;
	return host;
}

static void set_host(struct ps_proto_ctx *c, struct http_tx *tx,
		     struct ps_slice v)
{
	uint16_t port;
	struct ps_slice h = host_split(v, &port);

	if (!h.len)
		return;
	tx->host = tx_put(c, tx, h);
	tx->port = port;
}

/* No Host header: the authority of an absolute-form target (RFC 7230 5.3.2). */
static void host_from_uri(struct ps_proto_ctx *c, struct http_tx *tx)
{
	struct ps_slice u = sl(http_str_ptr(tx, tx->uri), tx->uri.len), a;
	size_t i = 0;

	if (starts_icase(u, "http://"))
		i = 7;
	else if (starts_icase(u, "https://"))
		i = 8;
	else
		return;
	a = sl(u.p + i, u.len - i);
	for (i = 0; i < a.len; i++)
		if (a.p[i] == '/' || a.p[i] == '?' || a.p[i] == '#')
			break;
	a.len = i;
	for (i = a.len; i > 0; i--) {
		if (a.p[i - 1] == '@') {
			a = sl(a.p + i, a.len - i);
			break;
		}
	}
	/* tx_put may move text: copy the authority out first */
	{
		uint8_t tmp[256];

		if (a.len > sizeof(tmp))
			a.len = sizeof(tmp);
		memcpy(tmp, a.p, a.len);
		set_host(c, tx, sl(tmp, a.len));
	}
}

static int b64_val(uint8_t ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (is_digit(ch))
		return ch - '0' + 52;
	if (ch == '+' || ch == '-')
		return 62;
	if (ch == '/' || ch == '_')
		return 63;
	return -1;
}

/* RFC 4648 base64 into out (at most cap bytes); -1 on a bad character. */
static ptrdiff_t b64_decode(struct ps_slice in, uint8_t *out, size_t cap)
{
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t n = 0;
	int v;

	for (size_t i = 0; i < in.len; i++) {
		if (in.p[i] == '=')
			break;
		v = b64_val(in.p[i]);
		if (v < 0)
			return -1;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n < cap)
				out[n++] = (uint8_t)(acc >> bits);
		}
	}
	return (ptrdiff_t)n;
}

/* RFC 7617 Basic: user-id ":" password; the password is only measured. */
static void auth_basic(struct ps_proto_ctx *c, struct http_tx *tx,
		       struct ps_slice cred)
{
	uint8_t buf[768];
	ptrdiff_t n = b64_decode(cred, buf, sizeof(buf));
	const uint8_t *colon;

	if (n < 0 || !(colon = memchr(buf, ':', (size_t)n))) {
		ps_proto_anomaly(c, "http_invalid_auth");
	} else {
		tx->auth_user = tx_put(c, tx, sl(buf, (size_t)(colon - buf)));
		tx->auth_pw = true;
		tx->auth_pw_len = (uint32_t)(n - (colon - buf) - 1);
	}
	explicit_bzero(buf, sizeof(buf));
}

/* RFC 7616 Digest: the username parameter is sent in clear. */
static void auth_digest(struct ps_proto_ctx *c, struct http_tx *tx,
			struct ps_slice params)
{
	struct ps_slice head, rest = params, name, val;

	while (rest.len) {
		(void)ps_slice_cut(rest, ',', &head, &rest);
		if (!ps_slice_cut(head, '=', &name, &val) ||
		    !ieq(ps_slice_trim(name), "username"))
			continue;
		val = ps_slice_trim(val);
		if (val.len >= 2 && val.p[0] == '"' && val.p[val.len - 1] == '"')
			val = sl(val.p + 1, val.len - 2);
		tx->auth_user = tx_put(c, tx, val);
		return;
	}
}

static void on_auth(struct ps_proto_ctx *c, struct http_tx *tx,
		    struct ps_slice v)
{
	struct ps_slice scheme = v, rest = {NULL, 0};
	size_t i = 0;

	if (tx->auth_scheme)
		return;
	while (i < v.len && !is_sp(v.p[i]))
		i++;
	scheme = sl(v.p, i);
	rest = ps_slice_trim(sl(v.p + i, v.len - i));
	if (ieq(scheme, "basic")) {
		tx->auth_scheme = HTTP_AUTH_BASIC;
		auth_basic(c, tx, rest);
	} else if (ieq(scheme, "digest")) {
		tx->auth_scheme = HTTP_AUTH_DIGEST;
		auth_digest(c, tx, rest);
	} else if (ieq(scheme, "bearer")) {
		tx->auth_scheme = HTTP_AUTH_BEARER;
	} else if (ieq(scheme, "ntlm")) {
		tx->auth_scheme = HTTP_AUTH_NTLM;
	} else if (ieq(scheme, "negotiate")) {
		tx->auth_scheme = HTTP_AUTH_NEGOTIATE;
	} else {
		tx->auth_scheme = HTTP_AUTH_OTHER;
	}
}

/* RFC 6266: filename= or filename*=charset''value; the latter wins. */
static struct ps_slice cd_filename(struct ps_slice v)
{
	struct ps_slice head, rest = v, name, val, best = {NULL, 0};
	const uint8_t *q;

	while (rest.len) {
		(void)ps_slice_cut(rest, ';', &head, &rest);
		if (!ps_slice_cut(head, '=', &name, &val))
			continue;
		name = ps_slice_trim(name);
		val = ps_slice_trim(val);
		if (val.len >= 2 && val.p[0] == '"' && val.p[val.len - 1] == '"')
			val = sl(val.p + 1, val.len - 2);
		if (ieq(name, "filename*")) {
			q = val.len >= 2 ? memmem(val.p, val.len, "''", 2) : NULL;
			if (q)
				val = sl(q + 2, val.len - (size_t)(q + 2 - val.p));
			return val;
		}
		if (ieq(name, "filename") && !best.len)
			best = val;
	}
	return best;
}

/* ---------------------------------------------------------------------
 * Header fields
 */

static struct http_str field(struct ps_proto_ctx *c, struct http_tx *tx,
			     struct http_str logged, struct ps_slice v)
{
	return logged.len ? logged : tx_put(c, tx, v);
}

static void on_field(struct http_dir *d, struct ps_proto_ctx *c,
		     enum hid id, struct ps_slice v, struct http_str lv)
{
	struct http_tx *tx = d->tx;
	struct ps_slice t;

	if (!tx)
		return;
	if (d->idx == 0) {
		switch (id) {
		case H_HOST: if (!tx->host.len) set_host(c, tx, v); break;
		case H_UA: if (!tx->ua.len) tx->ua = field(c, tx, lv, v); break;
		case H_REFERER: if (!tx->referer.len) tx->referer = field(c, tx, lv, v); break;
		case H_XFF: if (!tx->xff.len) tx->xff = field(c, tx, lv, v); break;
		case H_AUTH: case H_PAUTH: on_auth(c, tx, v); break;
		case H_UPGRADE: tx->upgrade = true; break;
		case H_CD:
			if (!tx->cd_name[0].len)
				tx->cd_name[0] = tx_put(c, tx, cd_filename(v));
			break;
		default: break;
		}
		return;
	}
	switch (id) {
	case H_CT:
		if (!tx->ctype.len) {
			(void)ps_slice_cut(v, ';', &t, NULL);
			tx->ctype = tx_put(c, tx, ps_slice_trim(t));
		}
		break;
	case H_LOCATION: if (!tx->location.len) tx->location = field(c, tx, lv, v); break;
	case H_CD:
		if (!tx->cd_name[1].len)
			tx->cd_name[1] = tx_put(c, tx, cd_filename(v));
		break;
	default: break;
	}
}

/* Keep the field for the event's header list; secrets keep a length. */
static struct http_str log_field(struct http_dir *d, struct ps_proto_ctx *c,
				 enum hid id, struct ps_slice name,
				 struct ps_slice v)
{
	struct http_tx *tx = d->tx;
	struct http_str none = {0, 0};
	struct http_hdr *h;

	if (!tx || tx->nhdrs[d->idx] >= HTTP_LOG_HDRS)
		return none;
	h = &tx->hdrs[d->idx][tx->nhdrs[d->idx]++];
	memset(h, 0, sizeof(*h));
	h->name = tx_put(c, tx, name);
	if (id == H_AUTH || id == H_PAUTH || id == H_COOKIE || id == H_SETCOOKIE) {
		h->secret = true;
		h->secret_len = (uint32_t)v.len;
		return none;
	}
	h->value = tx_put(c, tx, v);
	return h->value;
}

/*
 * One unfolded field line; `framing` is false for trailers (RFC 7230
 * 4.1.2). The first HTTP_LOG_HDRS fields are logged; fields past the
 * count cap still frame the body.
 */
static void process_header(struct http_dir *d, struct ps_proto_ctx *c,
			   struct ps_slice l, bool framing)
{
	ptrdiff_t colon = ps_slice_find_byte(l, ':');
	struct ps_slice name, v;
	struct http_str lv = {0, 0};
	enum hid id;

	if (colon <= 0) {
		ps_proto_anomaly(c, "http_invalid_header");
		return;
	}
	name = sl(l.p, (size_t)colon);
	while (name.len && is_sp(name.p[name.len - 1]))
		name.len--;
	v = ps_slice_trim(sl(l.p + colon + 1, l.len - (size_t)colon - 1));
	id = header_id(name);
	lv = log_field(d, c, id, name, v);
	if (!framing)
		return;
	switch (id) {
	case H_CL: on_content_length(d, c, v); break;
	case H_TE: on_transfer_encoding(d, v); break;
	case H_CE: on_content_encoding(d, v); break;
	default: on_field(d, c, id, v, lv); break;
	}
}

static void hdr_flush(struct http_dir *d, struct ps_proto_ctx *c)
{
	if (!d->hdr_pending)
		return;
	process_header(d, c, ps_buf_slice(&d->hdr), true);
	ps_buf_reset(&d->hdr);
	d->hdr_pending = false;
}

/* Count a field line against the per-message caps. */
static void hdr_account(struct http_dir *d, struct ps_proto_ctx *c,
			size_t n, bool new_field)
{
	if (new_field && ++d->nhdrs > HTTP_HDR_COUNT_MAX && !d->hdr_count_anom) {
		d->hdr_count_anom = true;
		ps_proto_anomaly(c, "http_too_many_headers");
	}
	d->hdr_bytes = n > HTTP_HDR_BYTES_MAX ? HTTP_HDR_BYTES_MAX + 1 :
		       d->hdr_bytes + (uint32_t)n;
	if (d->hdr_bytes > HTTP_HDR_BYTES_MAX && !d->hdr_bytes_anom) {
		d->hdr_bytes_anom = true;
		ps_proto_anomaly(c, "http_headers_too_large");
	}
	if (d->hdr_bytes > HTTP_HDR_BYTES_MAX)
		d->hdr_bytes = HTTP_HDR_BYTES_MAX + 1;
}

/* RFC 7230 3.2.4 obs-fold: a continuation joins the field with one SP. */
static void hdr_fold(struct http_dir *d, struct ps_proto_ctx *c,
		     struct ps_slice l)
{
	struct ps_slice t = ps_slice_trim(l);
	size_t room = HTTP_LINE_MAX - d->hdr.len;

	if (!d->hdr_pending) {
		ps_proto_anomaly(c, "http_invalid_header");
		return;
	}
	if (t.len + 1 > room) {
		if (!d->fold_over) {
			d->fold_over = true;
			ps_proto_anomaly(c, "http_header_too_long");
		}
		if (room < 2)
			return;
		t.len = room - 1;
	}
	/* both fit (room was checked); ENOMEM drops the continuation */
	if (ps_buf_addch(&d->hdr, ' ') != PS_OK ||
	    ps_buf_add(&d->hdr, t.p, t.len) != PS_OK)
		return;
}

/* ---------------------------------------------------------------------
 * Header section end: body framing (RFC 7230 3.3.3)
 */

static void start_body_cl(struct http_state *s, struct http_dir *d,
			  struct ps_proto_ctx *c)
{
	if (d->cl == 0) {
		message_end(s, d, c, true);
		return;
	}
	d->remain = d->cl;
	d->st = HTTP_ST_BODY_CL;
}

static void request_framing(struct http_state *s, struct http_dir *d,
			    struct ps_proto_ctx *c)
{
	if (d->tx && !d->tx->host.len)
		host_from_uri(c, d->tx);
	if (d->te_chunked) {
		if (d->has_cl)
			ps_proto_anomaly(c, "http_content_length_with_chunked");
		d->st = HTTP_ST_CHUNK_SIZE;
	} else if (d->te_other) {
		/* RFC 7230 3.3.3 #3: the server would answer 400 */
		ps_proto_anomaly(c, "http_invalid_transfer_encoding");
		message_end(s, d, c, true);
	} else if (d->has_cl && !d->cl_bad) {
		start_body_cl(s, d, c);
	} else {
		message_end(s, d, c, true);
	}
}

static void response_framing(struct http_state *s, struct http_dir *d,
			     struct ps_proto_ctx *c)
{
	struct http_tx *tx = d->tx;
	unsigned st = tx ? tx->status : 200;

	if (st < 200 && st != 101) {
		/* interim response: the final one answers the same request */
		d->tx = NULL;
		d->st = HTTP_ST_START;
		return;
	}
	if (st == 101 || st == 204 || st == 304 || (tx && tx->head) ||
	    (tx && tx->connect && st < 300)) {
		message_end(s, d, c, true);
	} else if (d->te_chunked) {
		if (d->has_cl)
			ps_proto_anomaly(c, "http_content_length_with_chunked");
		d->st = HTTP_ST_CHUNK_SIZE;
	} else if (!d->te_other && d->has_cl && !d->cl_bad) {
		start_body_cl(s, d, c);
	} else {
		d->st = HTTP_ST_BODY_CLOSE;
	}
}

static void header_line(struct http_state *s, struct http_dir *d,
			struct ps_proto_ctx *c, struct ps_slice l, bool over)
{
	if (over)
		ps_proto_anomaly(c, "http_header_too_long");
	if (l.len == 0) {
		hdr_flush(d, c);
		if (d->idx == 0)
			request_framing(s, d, c);
		else
			response_framing(s, d, c);
		return;
	}
	hdr_account(d, c, l.len + 2, !is_sp(l.p[0]));
	if (is_sp(l.p[0])) {
		hdr_fold(d, c, l);
		return;
	}
	hdr_flush(d, c);
	ps_buf_reset(&d->hdr);
	d->fold_over = false;
	if (ps_buf_add(&d->hdr, l.p, l.len) == PS_OK)
		d->hdr_pending = true;
}

static void trailer_line(struct http_state *s, struct http_dir *d,
			 struct ps_proto_ctx *c, struct ps_slice l, bool over)
{
	if (over)
		ps_proto_anomaly(c, "http_header_too_long");
	if (l.len == 0) {
		message_end(s, d, c, true);
		return;
	}
	hdr_account(d, c, l.len + 2, !is_sp(l.p[0]));
	if (!is_sp(l.p[0]))
		process_header(d, c, l, false);
}

/* RFC 7230 4.1: chunk-size [ chunk-ext ] CRLF; extensions are skipped. */
static void chunk_size_line(struct http_state *s, struct http_dir *d,
			    struct ps_proto_ctx *c, struct ps_slice l)
{
	size_t i = 0, digits = 0;
	uint64_t n = 0;
	int v;

	while (i < l.len && is_sp(l.p[i]))
		i++;
	if (i == l.len)       /* a stray empty line before the size */
		return;
	for (; i < l.len; i++, digits++) {
		v = is_digit(l.p[i]) ? l.p[i] - '0' :
		    lower(l.p[i]) >= 'a' && lower(l.p[i]) <= 'f' ?
		    lower(l.p[i]) - 'a' + 10 : -1;
		if (v < 0)
			break;
		if (n >> 56)
			goto bad;
		n = n << 4 | (uint64_t)v;
	}
	while (i < l.len && is_sp(l.p[i]))
		i++;
	if (!digits || (i < l.len && l.p[i] != ';'))
		goto bad;
	if (n == 0) {
		d->nhdrs = d->hdr_bytes = 0;
		d->st = HTTP_ST_TRAILERS;
		return;
	}
	d->remain = n;
	d->st = HTTP_ST_CHUNK_DATA;
	return;
bad:
	ps_proto_anomaly(c, "http_invalid_chunk");
	message_abort(s, d, c);
}

/* ---------------------------------------------------------------------
 * The state machine
 */

static int step_line(struct http_state *s, struct http_dir *d,
		     struct ps_proto_ctx *c, const uint8_t *p, size_t n,
		     size_t *used)
{
	struct ps_slice l;
	bool over;
	int rc = PS_OK;

	if (!take_line(d, p, n, used, &l))
		return PS_OK;
	over = d->line_over;
	switch (d->st) {
	case HTTP_ST_START:
	case HTTP_ST_RESYNC:
		rc = start_line(s, d, c, l, over);
		break;
	case HTTP_ST_HEADERS:
		header_line(s, d, c, l, over);
		break;
	case HTTP_ST_TRAILERS:
		trailer_line(s, d, c, l, over);
		break;
	default:
		if (over)
			ps_proto_anomaly(c, "http_line_too_long");
		chunk_size_line(s, d, c, l);
		break;
	}
	line_reset(d);
	return rc;
}

/* An HTTP/0.9 answer has no status line: the body starts at once. */
static bool v09_response(struct http_state *s, struct http_dir *d,
			 const uint8_t *p)
{
	struct http_tx *tx;

	if (d->idx != 1 || d->line.len || d->line_over || p[0] == 'H')
		return false;
	tx = tx_unanswered(s);
	if (!tx || !tx->v09)
		return false;
	msg_reset(d);
	d->tx = tx;
	d->st = HTTP_ST_BODY_CLOSE;
	return true;
}

static size_t step_body(struct http_state *s, struct http_dir *d,
			struct ps_proto_ctx *c, const uint8_t *p, size_t n)
{
	size_t k = n < d->remain ? n : (size_t)d->remain;

	http_body_data(d, c, p, k);
	d->remain -= k;
	if (d->remain == 0) {
		if (d->st == HTTP_ST_BODY_CL)
			message_end(s, d, c, true);
		else
			d->st = HTTP_ST_CHUNK_END;
	}
	return k;
}

static int step(struct http_state *s, struct http_dir *d,
		struct ps_proto_ctx *c, const uint8_t *p, size_t n,
		size_t *used)
{
	*used = 0;
	switch (d->st) {
	case HTTP_ST_BODY_CL:
	case HTTP_ST_CHUNK_DATA:
		*used = step_body(s, d, c, p, n);
		return PS_OK;
	case HTTP_ST_CHUNK_END:
		if (p[0] == '\r' || p[0] == '\n') {
			*used = 1;
			if (p[0] == '\n')
				d->st = HTTP_ST_CHUNK_SIZE;
		} else {
			ps_proto_anomaly(c, "http_invalid_chunk");
			d->st = HTTP_ST_CHUNK_SIZE;
		}
		return PS_OK;
	case HTTP_ST_BODY_CLOSE:
		http_body_data(d, c, p, n);
		*used = n;
		return PS_OK;
	case HTTP_ST_CONNECT_WAIT:
	case HTTP_ST_TUNNEL:
		*used = n;
		return PS_OK;
	case HTTP_ST_START:
		if (v09_response(s, d, p))
			return PS_OK;
		return step_line(s, d, c, p, n, used);
	default:
		return step_line(s, d, c, p, n, used);
	}
}

/*
 * While resynchronising, or after junk that is not a message start, a
 * chunk that begins like a message starts a new line: TCP segments usually
 * start messages (Wireshark assumes as much).
 */
static bool starts_message(unsigned idx, const uint8_t *p, size_t n)
{
	size_t i = 0;

	if (idx == 1)
		return n >= 7 && !memcmp(p, "HTTP/1.", 7);
	while (i < n && i < 20 && p[i] >= 'A' && p[i] <= 'Z')
		i++;
	return i < n && p[i] == ' ' && known_method(p, i);
}

static void state_init(struct http_state *s)
{
	for (unsigned i = 0; i < 2; i++) {
		s->d[i].idx = (uint8_t)i;
		ps_buf_init(&s->d[i].line, PS_MEM_PROTO, HTTP_LINE_MAX);
		ps_buf_init(&s->d[i].hdr, PS_MEM_PROTO, HTTP_LINE_MAX);
	}
	s->init = true;
}

static int http_parse(void *state, struct ps_proto_ctx *c, enum ps_dir dir,
		      const uint8_t *data, size_t len)
{
	struct http_state *s = state;
	struct http_dir *d;
	size_t used;
	int rc = PS_OK;

	if (!s->init)
		state_init(s);
	d = &s->d[dir == PS_DIR_TOCLIENT];
	if (len && (d->line.len || d->line_over) && starts_message(d->idx, data, len) &&
	    (d->st == HTTP_ST_RESYNC || (d->st == HTTP_ST_START &&
	     !starts_message(d->idx, d->line.p, d->line.len))))
		line_reset(d);
	while (len > 0 && rc == PS_OK && !s->tunnel) {
		rc = step(s, d, c, data, len, &used);
		data += used;
		len -= used;
	}
	return rc;
}

static void http_gap(void *state, struct ps_proto_ctx *c, enum ps_dir dir,
		     size_t len)
{
	struct http_state *s = state;
	struct http_dir *d;

	if (!s->init)
		state_init(s);
	d = &s->d[dir == PS_DIR_TOCLIENT];
	line_reset(d);
	switch (d->st) {
	case HTTP_ST_BODY_CL:
	case HTTP_ST_CHUNK_DATA:
		http_body_gap(d, c);
		if (len > d->remain)
			break;
		d->remain -= len;
		if (d->tx)
			d->tx->body_len[d->idx] += len;
		if (d->remain == 0 && d->st == HTTP_ST_BODY_CL)
			message_end(s, d, c, false);
		else if (d->remain == 0)
			d->st = HTTP_ST_CHUNK_END;
		return;
	case HTTP_ST_BODY_CLOSE:
		http_body_gap(d, c);
		if (d->tx)
			d->tx->body_len[d->idx] += len;
		return;
	case HTTP_ST_CONNECT_WAIT:
	case HTTP_ST_TUNNEL:
		return;
	case HTTP_ST_START:
	case HTTP_ST_RESYNC:
		d->st = HTTP_ST_RESYNC;
		return;
	default:
		break;
	}
	message_abort(s, d, c);
}

static void http_finish(void *state, struct ps_proto_ctx *c)
{
	struct http_state *s = state;
	struct http_tx *tx;
	struct http_dir *d;

	if (!s->init)
		return;
	for (unsigned i = 0; i < 2; i++) {
		d = &s->d[i];
		if (d->tx && d->st == HTTP_ST_BODY_CLOSE) {
			message_end(s, d, c, true);
		} else if (d->tx) {
			http_body_end(d, c, false);
			d->tx = NULL;
		}
	}
	while ((tx = s->head)) {
		tx_unlink(s, NULL, tx);
		http_tx_emit(c, tx);
		tx_free(tx);
	}
	for (unsigned i = 0; i < 2; i++) {
		ps_buf_release(&s->d[i].line);
		ps_buf_release(&s->d[i].hdr);
		http_body_release(&s->d[i]);
	}
	s->init = false;
}

/* ---------------------------------------------------------------------
 * Probe: "METHOD SP ... HTTP/x" from the client, "HTTP/1." from the server
 */

static enum ps_probe probe_request(const uint8_t *p, size_t n)
{
	const uint8_t *nl;
	size_t i = 0, k;
	struct reqline r;

	while (i < n && i < 20 && ((p[i] >= 'A' && p[i] <= 'Z') || p[i] == '-'))
		i++;
	if (i == n) {
		for (k = 0; k < PS_ARRAY_LEN(known_methods); k++)
			if (strlen(known_methods[k]) > n &&
			    !memcmp(known_methods[k], p, n))
				return PS_PROBE_MORE;
		return PS_PROBE_NO;
	}
	if (p[i] != ' ' || !known_method(p, i))
		return PS_PROBE_NO;
	nl = memchr(p, '\n', n);
	if (!nl)
		return n < 2048 ? PS_PROBE_MORE : PS_PROBE_YES;
	k = (size_t)(nl - p);
	if (k && p[k - 1] == '\r')
		k--;
	/* RTSP and SIP share methods (OPTIONS, SUBSCRIBE): need HTTP/ */
	return parse_request_line(sl(p, k), &r) ? PS_PROBE_YES : PS_PROBE_NO;
}

static enum ps_probe http_probe(const uint8_t *p, size_t n, enum ps_dir dir)
{
	static const char resp[] = "HTTP/1.";
	size_t m;

	if (n == 0)
		return PS_PROBE_MORE;
	if (dir == PS_DIR_TOSERVER)
		return probe_request(p, n);
	m = n < sizeof(resp) - 1 ? n : sizeof(resp) - 1;
	if (memcmp(p, resp, m))
		return PS_PROBE_NO;
	return n >= sizeof(resp) - 1 ? PS_PROBE_YES : PS_PROBE_MORE;
}

const struct ps_proto_parser ps_proto_http = {
	.name = "http",
	.id = PS_ALPROTO_HTTP,
	.l4 = PS_PROTO_L4_TCP,
	.ports = {80, 8080, 8000, 8008, 8081, 3128, 0},
	.probe = http_probe,
	.state_size = sizeof(struct http_state),
	.parse = http_parse,
	.gap = http_gap,
	.finish = http_finish,
};
