/* SPDX-License-Identifier: Apache-2.0 */
/*
 * FTP (RFC 959, 2428, 4217) control-channel parser: pairs commands with
 * their (multi-line) replies, emits one EVE "ftp" event per command in
 * Suricata's shape and announces data channels from PASV/EPSV/PORT/EPRT
 * to the engine. The ftp-data parser hashes a data channel's bytes and
 * emits a "fileinfo" event when it closes.
 */
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "proto/digest.h"
#include "proto/linebuf.h"
#include "proto/parsers.h"
#include "proto/proto.h"

#define FTP_LINE_MAX 4096
#define FTP_PEND_MAX 4             /* commands awaiting a final reply */
#define FTP_DATA_MAX 512           /* command argument kept */
#define FTP_REPLY_LINES 16         /* reply lines kept per command */
#define FTP_REPLY_MAX 512          /* bytes kept per reply line */
#define FTP_BAG_MAX (12u << 10)

enum { K_OTHER, K_PASS, K_PORT, K_EPRT, K_PASV, K_EPSV, K_AUTH_TLS };

/* Bag tags: a command's argument, reply lines and codes, by slot. */
#define TAG_DATA(slot) ((uint8_t)(slot))
#define TAG_REPLY(slot) ((uint8_t)(0x40 | (slot)))
#define TAG_CODE(slot) ((uint8_t)(0x80 | (slot)))

struct ftp_cmd {
	char name[8];
	uint8_t name_len;
	uint8_t kind;
	uint8_t nlines;
	bool replied;
	bool trunc_counted;
	uint16_t port;             /* data port announced, 0 = none */
	uint32_t secret_len;
};

struct ftp_state {
	struct ps_proto_linebuf cl, sl;
	struct ps_proto_strs bag;
	struct ftp_cmd pend[FTP_PEND_MAX];
	uint8_t head, n;
	uint8_t bad_lines;
	bool in_multi;             /* inside a "ddd-" reply (RFC 959 4.2) */
	bool seen_reply;
	bool stopped;              /* AUTH TLS accepted */
	char multi_code[3];
};

static void lazy_init(struct ftp_state *s)
{
	if (s->cl.max)
		return;
	ps_proto_linebuf_init(&s->cl, FTP_LINE_MAX);
	ps_proto_linebuf_init(&s->sl, FTP_LINE_MAX);
	ps_proto_strs_init(&s->bag, FTP_BAG_MAX);
}

/* ---- probing ------------------------------------------------------------ */

static enum ps_probe ftp_probe(const uint8_t *d, size_t len, enum ps_dir dir)
{
	static const char *const verbs[] = {"USER ", "AUTH TLS", "AUTH SSL",
					    "SYST", "FEAT", "OPTS "};
	enum ps_probe r, best = PS_PROBE_NO;
	const uint8_t *lf;
	struct ps_slice line;
	size_t i;

	if (dir == PS_DIR_TOSERVER) {
		for (i = 0; i < PS_ARRAY_LEN(verbs); i++) {
			r = ps_proto_probe_prefix(d, len, verbs[i]);
			if (r == PS_PROBE_YES)
				return r;
			if (r == PS_PROBE_MORE)
				best = r;
		}
		return best;
	}
	r = ps_proto_probe_prefix(d, len, "220");
	if (r != PS_PROBE_YES)
		return r;
	lf = memchr(d, '\n', len);
	line = ps_slice_make(d, lf ? (size_t)(lf - d) : len);
	if (ps_proto_ci_contains(line, "FTP") ||
	    ps_proto_ci_contains(line, "FileZilla"))
		return PS_PROBE_YES;      /* also vsFTPd, ProFTPD, Pure-FTPd */
	if (ps_proto_ci_contains(line, "SMTP") ||
	    ps_proto_ci_contains(line, "mail"))
		return PS_PROBE_NO;
	return PS_PROBE_MORE;
}

/* ---- data channel announcements (RFC 959 4.1.2, RFC 2428) ------------- */

/* Parse "h1,h2,h3,h4,p1,p2" at the first digit of s. */
static bool parse_hostport(struct ps_slice s, uint8_t ip[4], uint16_t *port)
{
	uint64_t v[6];
	size_t i = 0, k, st;

	while (i < s.len && (s.p[i] < '0' || s.p[i] > '9'))
		i++;
	for (k = 0; k < 6; k++) {
		st = i;
		while (i < s.len && s.p[i] >= '0' && s.p[i] <= '9')
			i++;
		if (!ps_proto_parse_uint(ps_slice_make(s.p + st, i - st), 255, &v[k]))
			return false;
		if (k < 5 && (i >= s.len || s.p[i++] != ','))
			return false;
	}
	for (k = 0; k < 4; k++)
		ip[k] = (uint8_t)v[k];
	*port = (uint16_t)(v[4] << 8 | v[5]);
	return *port != 0;
}

/* Parse "<d>proto<d>addr<d>port<d>" (EPRT) or "(<d><d><d>port<d>)" (EPSV
 * reply): the address into addr (NUL-terminated, may be empty). */
static bool parse_extended(struct ps_slice s, char *addr, size_t acap,
			   uint16_t *port)
{
	size_t i = 0, f = 0, st[4];
	uint8_t d;
	uint64_t v;

	while (i < s.len && (s.p[i] == ' ' || s.p[i] == '('))
		i++;
	if (i >= s.len || s.p[i] < 33 || s.p[i] > 126)
		return false;
	d = s.p[i];
	for (; i < s.len && f < 4; i++)
		if (s.p[i] == d)
			st[f++] = i;
	if (f < 4 || st[2] - st[1] - 1 >= acap)
		return false;
	memcpy(addr, s.p + st[1] + 1, st[2] - st[1] - 1);
	addr[st[2] - st[1] - 1] = '\0';
	if (!ps_proto_parse_uint(ps_slice_make(s.p + st[2] + 1, st[3] - st[2] - 1),
				 65535, &v) || v == 0)
		return false;
	*port = (uint16_t)v;
	return true;
}

static void expect(struct ps_proto_ctx *c, bool client_listens, uint16_t port)
{
	const struct ps_proto_flow *f = c->flow;

	if (!c->sink->expect)
		return;
	if (client_listens)     /* the server connects from port 20 */
		c->sink->expect(c->sink, c, &f->srv, &f->cli, port,
				PS_ALPROTO_FTP_DATA);
	else
		c->sink->expect(c->sink, c, &f->cli, &f->srv, port,
				PS_ALPROTO_FTP_DATA);
}

/* PORT or EPRT: remember the port; warn when it names another host. */
static void active_port(struct ftp_cmd *m, struct ps_proto_ctx *c,
			struct ps_slice arg)
{
	const struct ps_proto_flow *f = c->flow;
	struct ps_addr a;
	char text[PS_ADDR_STRLEN];
	uint8_t ip[4];
	bool ok;

	memset(&a, 0, sizeof(a));
	if (m->kind == K_PORT) {
		ok = parse_hostport(arg, ip, &m->port);
		memcpy(a.b, ip, 4);
		ok = ok && f->family == PS_AF_INET;
	} else {
		ok = parse_extended(arg, text, sizeof(text), &m->port) &&
		     ps_addr_parse(text, &a) == f->family;
	}
	if (!m->port) {
		ps_proto_anomaly(c, "ftp_bad_port");
		return;
	}
	if (ok && !ps_addr_eq(&a, &f->cli))
		ps_proto_anomaly(c, "ftp_bounce");      /* RFC 2577 */
}

/* A 227 or 229 reply line (with its code): the port the server listens on. */
static void passive_port(struct ftp_cmd *m, struct ps_slice text)
{
	char addr[PS_ADDR_STRLEN];
	const uint8_t *p;
	uint8_t ip[4];

	text = ps_slice_make(text.p + 3, text.len - 3);       /* the code */
	if (m->kind == K_PASV) {
		(void)parse_hostport(text, ip, &m->port);
		return;
	}
	p = memchr(text.p, '(', text.len);
	if (p)
		(void)parse_extended(ps_slice_make(p, text.len - (size_t)(p - text.p)),
				     addr, sizeof(addr), &m->port);
}

/* ---- events ----------------------------------------------------------- */

static void emit(struct ftp_state *s, struct ps_proto_ctx *c, uint8_t slot)
{
	struct ftp_cmd *m = &s->pend[slot];
	struct ps_jw *w = ps_proto_event_begin(c, "ftp");

	ps_jw_obj_open(w, "ftp");
	ps_jw_strn(w, "command", m->name, m->name_len);
	if (m->kind == K_PASS)
		ps_proto_write_secret(w, "command_data", NULL, m->secret_len);
	else
		ps_proto_strs_write_one(w, "command_data", &s->bag, TAG_DATA(slot));
	ps_proto_strs_write_all(w, "reply", &s->bag, TAG_REPLY(slot));
	ps_proto_strs_write_all(w, "completion_code", &s->bag, TAG_CODE(slot));
	if (m->port) {
		ps_jw_uint(w, "dynamic_port", m->port);
		ps_jw_str(w, "mode", m->kind == K_PASV || m->kind == K_EPSV ?
			  "passive" : "active");
	}
	ps_jw_str(w, "reply_received", m->replied ? "yes" : "no");
	ps_jw_obj_close(w);
	ps_proto_event_end(c);
	ps_proto_strs_del(&s->bag, TAG_DATA(slot));
	ps_proto_strs_del(&s->bag, TAG_REPLY(slot));
	ps_proto_strs_del(&s->bag, TAG_CODE(slot));
}

static void pop_emit(struct ftp_state *s, struct ps_proto_ctx *c)
{
	emit(s, c, s->head);
	s->head = (uint8_t)((s->head + 1) % FTP_PEND_MAX);
	s->n--;
}

/* ---- client side ------------------------------------------------------ */

static uint8_t command_kind(struct ps_slice verb, struct ps_slice arg)
{
	if (ps_slice_casecmp_cstr(verb, "PASS") == 0)
		return K_PASS;
	if (ps_slice_casecmp_cstr(verb, "PORT") == 0)
		return K_PORT;
	if (ps_slice_casecmp_cstr(verb, "EPRT") == 0)
		return K_EPRT;
	if (ps_slice_casecmp_cstr(verb, "PASV") == 0)
		return K_PASV;
	if (ps_slice_casecmp_cstr(verb, "EPSV") == 0)
		return K_EPSV;
	if (ps_slice_casecmp_cstr(verb, "AUTH") == 0 &&
	    (ps_proto_ci_prefix(arg, "TLS") || ps_proto_ci_prefix(arg, "SSL")))
		return K_AUTH_TLS;
	return K_OTHER;
}

/* Commands whose data goes over the data channel (RFC 959 4.1.3, RFC 3659). */
static bool is_transfer(struct ps_slice verb)
{
	static const char *const t[] = {"RETR", "STOR", "STOU", "APPE",
					"LIST", "NLST", "MLSD"};
	size_t i;

	for (i = 0; i < PS_ARRAY_LEN(t); i++)
		if (ps_slice_casecmp_cstr(verb, t[i]) == 0)
			return true;
	return false;
}

/* Tell the data channel what it carries: "VERB\0argument". */
static void transfer_note(struct ps_proto_ctx *c, const struct ftp_cmd *m,
			  struct ps_slice arg)
{
	uint8_t note[PS_PROTO_NOTE_MAX];
	size_t n = m->name_len;

	memcpy(note, m->name, n);
	note[n++] = '\0';
	if (arg.len > sizeof(note) - n)
		arg.len = sizeof(note) - n;
	memcpy(note + n, arg.p, arg.len);
	ps_proto_note_set(c, note, n + arg.len);
}

static void client_command(struct ftp_state *s, struct ps_proto_ctx *c,
			   struct ps_slice line)
{
	struct ps_slice rest, verb;
	struct ftp_cmd *m;
	uint8_t slot;
	size_t i;

	/* Telnet IP/Synch (RFC 959 4.1.3) may precede ABOR */
	while (line.len >= 2 && line.p[0] == 0xff)
		line = ps_slice_make(line.p + 2, line.len - 2);
	rest = line;
	verb = ps_proto_word(&rest);
	if (!verb.len)
		return;
	if (s->n == FTP_PEND_MAX) {
		ps_proto_anomaly(c, "ftp_too_many_pending");
		pop_emit(s, c);
	}
	slot = (uint8_t)((s->head + s->n++) % FTP_PEND_MAX);
	m = &s->pend[slot];
	memset(m, 0, sizeof(*m));
	for (i = 0; i < verb.len && i < sizeof(m->name); i++)
		m->name[i] = (char)(verb.p[i] >= 'a' && verb.p[i] <= 'z' ?
				    verb.p[i] - 32 : verb.p[i]);
	m->name_len = (uint8_t)i;
	m->kind = command_kind(verb, rest);
	if (m->kind == K_PASS) {
		m->secret_len = (uint32_t)rest.len;
		return;
	}
	if (m->kind == K_PORT || m->kind == K_EPRT)
		active_port(m, c, rest);
	if (is_transfer(verb))
		transfer_note(c, m, rest);
	if (rest.len && ps_proto_strs_add(&s->bag, TAG_DATA(slot), rest.p,
		    rest.len < FTP_DATA_MAX ? rest.len : FTP_DATA_MAX) != PS_OK)
		ps_proto_anomaly(c, "ftp_fields_full");
}

static void parse_client(struct ftp_state *s, struct ps_proto_ctx *c,
			 const uint8_t *data, size_t len)
{
	struct ps_slice line;
	size_t used;
	int rc;

	while (len) {
		rc = ps_proto_linebuf_next(&s->cl, data, len, &used, &line);
		data += used;
		len -= used;
		if (rc == PS_ELIMIT)
			ps_proto_anomaly(c, "ftp_line_too_long");
		else if (rc == PS_OK)
			client_command(s, c, line);
	}
}

/* ---- server side ------------------------------------------------------ */

static bool reply_code(struct ps_slice l)
{
	return l.len >= 3 && l.p[0] >= '1' && l.p[0] <= '5' &&
	       l.p[1] >= '0' && l.p[1] <= '9' && l.p[2] >= '0' && l.p[2] <= '9' &&
	       (l.len == 3 || l.p[3] == ' ' || l.p[3] == '-');
}

/* Keep one reply line (and its code) with the oldest pending command. */
static void keep_line(struct ftp_state *s, struct ps_proto_ctx *c,
		      struct ps_slice line, bool coded)
{
	struct ftp_cmd *m = &s->pend[s->head];
	struct ps_slice text = line;

	if (coded)      /* "ddd text" or "ddd-text" */
		text = ps_slice_make(line.p + (line.len > 3 ? 4 : 3),
				     line.len - (line.len > 3 ? 4 : 3));
	if (m->nlines >= FTP_REPLY_LINES) {
		if (!m->trunc_counted)
			ps_proto_anomaly(c, "ftp_reply_truncated");
		m->trunc_counted = true;
		return;
	}
	m->nlines++;
	if (text.len > FTP_REPLY_MAX)
		text.len = FTP_REPLY_MAX;
	if (ps_proto_strs_add(&s->bag, TAG_REPLY(s->head), text.p, text.len) ||
	    (coded && ps_proto_strs_add(&s->bag, TAG_CODE(s->head), line.p, 3)))
		ps_proto_anomaly(c, "ftp_fields_full");
}

/* The last line of a reply with `code` (a digit string) arrived. */
static void reply_done(struct ftp_state *s, struct ps_proto_ctx *c,
		       const uint8_t *code, struct ps_slice line)
{
	struct ftp_cmd *m = &s->pend[s->head];

	m->replied = true;
	if (code[0] == '1')
		return;                              /* preliminary */
	if ((m->kind == K_PASV && !memcmp(code, "227", 3)) ||
	    (m->kind == K_EPSV && !memcmp(code, "229", 3))) {
		passive_port(m, line);
		if (m->port)
			expect(c, false, m->port);
	} else if ((m->kind == K_PORT || m->kind == K_EPRT) && code[0] == '2' &&
		   m->port) {
		expect(c, true, m->port);
	} else if (m->kind == K_AUTH_TLS && !memcmp(code, "234", 3)) {
		s->stopped = true;                    /* RFC 4217 4 */
		ps_proto_upgrade(c, PS_ALPROTO_TLS);
	} else if (m->kind == K_PORT || m->kind == K_EPRT) {
		m->port = 0;                         /* refused */
	}
	pop_emit(s, c);
}

static int server_line(struct ftp_state *s, struct ps_proto_ctx *c,
		       struct ps_slice line)
{
	bool coded = reply_code(line);

	if (s->in_multi) {
		if (s->n)
			keep_line(s, c, line, coded);
		if (coded && line.len >= 4 && line.p[3] == ' ' &&
		    !memcmp(line.p, s->multi_code, 3)) {
			s->in_multi = false;
			if (s->n)
				reply_done(s, c, line.p, line);
		}
		return PS_OK;
	}
	if (!coded) {
		ps_proto_anomaly(c, "ftp_bad_reply");
		return !s->seen_reply && ++s->bad_lines >= 4 ? PS_EPROTO : PS_OK;
	}
	s->seen_reply = true;
	if (s->n)
		keep_line(s, c, line, true);
	if (line.len > 3 && line.p[3] == '-') {
		s->in_multi = true;
		memcpy(s->multi_code, line.p, 3);
	} else if (s->n) {
		reply_done(s, c, line.p, line);
	}
	return PS_OK;
}

static int parse_server(struct ftp_state *s, struct ps_proto_ctx *c,
			const uint8_t *data, size_t len)
{
	struct ps_slice line;
	size_t used;
	int rc;

	while (len && !s->stopped) {
		rc = ps_proto_linebuf_next(&s->sl, data, len, &used, &line);
		data += used;
		len -= used;
		if (rc == PS_ELIMIT)
			ps_proto_anomaly(c, "ftp_line_too_long");
		else if (rc == PS_OK && server_line(s, c, line) != PS_OK)
			return PS_EPROTO;
	}
	return PS_OK;
}

/* ---- control parser entry points -------------------------------------- */

static int ftp_parse(void *state, struct ps_proto_ctx *c, enum ps_dir dir,
		     const uint8_t *data, size_t len)
{
	struct ftp_state *s = state;

	lazy_init(s);
	if (s->stopped)
		return PS_OK;
	if (dir == PS_DIR_TOSERVER) {
		parse_client(s, c, data, len);
		return PS_OK;
	}
	return parse_server(s, c, data, len);
}

static void ftp_gap(void *state, struct ps_proto_ctx *c, enum ps_dir dir,
		    size_t len)
{
	struct ftp_state *s = state;

	(void)len;
	lazy_init(s);
	ps_proto_anomaly(c, "ftp_gap");
	if (dir == PS_DIR_TOCLIENT)
		s->in_multi = false;
	ps_proto_linebuf_gap(dir == PS_DIR_TOSERVER ? &s->cl : &s->sl);
}

static void ftp_finish(void *state, struct ps_proto_ctx *c)
{
	struct ftp_state *s = state;

	lazy_init(s);
	while (s->n)
		pop_emit(s, c);
	ps_proto_linebuf_release(&s->cl);
	ps_proto_linebuf_release(&s->sl);
	ps_proto_strs_release(&s->bag);
}

const struct ps_proto_parser ps_proto_ftp = {
	.name = "ftp",
	.id = PS_ALPROTO_FTP,
	.l4 = PS_PROTO_L4_TCP,
	.ports = {21},
	.probe = ftp_probe,
	.state_size = sizeof(struct ftp_state),
	.parse = ftp_parse,
	.gap = ftp_gap,
	.finish = ftp_finish,
};

/* ---- ftp-data: hash what flows ---------------------------------------- */

#define FTP_MAGIC_BYTES 16u

struct ftp_data_state {
	struct ps_filehash hash;   /* MD5, SHA-1, SHA-256 */
	uint64_t size;
	bool started, gaps, other_dir_counted;
	uint16_t note_len;         /* the control channel's "VERB\0file" */
	int64_t first_us;          /* when the data started */
	uint8_t note[PS_PROTO_NOTE_MAX];
	uint8_t dir;
	uint8_t magic_len;
	uint8_t magic[FTP_MAGIC_BYTES];
};

/*
 * What the control channel said this channel transfers: its command sent
 * after the channel was announced (PASV/PORT reply) and before the data
 * started. Read when the data starts and again at the end, since another
 * worker may follow the control channel and be behind.
 */
static void data_note(struct ftp_data_state *s, struct ps_proto_ctx *c)
{
	if (!s->note_len && c->parent_flow_id)
		s->note_len = (uint16_t)ps_proto_note_get(c, c->parent_flow_id,
				c->parent_ts_us, s->first_us, s->note,
				sizeof(s->note));
}

static void data_start(struct ftp_data_state *s, struct ps_proto_ctx *c)
{
	s->started = true;
	s->first_us = c->ts_us;
	data_note(s, c);
	if (!ps_filehash_start(&s->hash))
		ps_proto_anomaly(c, "ftp_data_hash_failed");
}

static int ftp_data_parse(void *state, struct ps_proto_ctx *c, enum ps_dir dir,
			  const uint8_t *data, size_t len)
{
	struct ftp_data_state *s = state;
	size_t n;

	if (!len)
		return PS_OK;
	if (!s->started) {
		s->dir = (uint8_t)dir;
		data_start(s, c);
	}
	if (dir != s->dir) {      /* a data channel carries one direction */
		if (!s->other_dir_counted)
			ps_proto_anomaly(c, "ftp_data_both_directions");
		s->other_dir_counted = true;
		return PS_OK;
	}
	n = len < FTP_MAGIC_BYTES - (size_t)s->magic_len ? len :
		FTP_MAGIC_BYTES - (size_t)s->magic_len;
	memcpy(s->magic + s->magic_len, data, n);
	s->magic_len = (uint8_t)(s->magic_len + n);
	s->size += len;
	ps_filehash_update(&s->hash, data, len);
	return PS_OK;
}

static void ftp_data_gap(void *state, struct ps_proto_ctx *c, enum ps_dir dir,
			 size_t len)
{
	struct ftp_data_state *s = state;

	(void)dir;
	(void)len;
	if (!s->gaps)
		ps_proto_anomaly(c, "ftp_data_gap");
	s->gaps = true;
}

/* A few well-known leading bytes, named as libmagic names them. */
static const char *data_magic(const struct ftp_data_state *s)
{
	static const struct { const char *sig; uint8_t n; const char *name; } t[] = {
		{"%PDF-", 5, "PDF document"},
		{"PK\x03\x04", 4, "Zip archive data"},
		{"\x1f\x8b", 2, "gzip compressed data"},
		{"BZh", 3, "bzip2 compressed data"},
		{"\xfd" "7zXZ", 5, "XZ compressed data"},
		{"7z\xbc\xaf\x27\x1c", 6, "7-zip archive data"},
		{"Rar!\x1a\x07", 6, "RAR archive data"},
		{"\x89PNG", 4, "PNG image data"},
		{"\xff\xd8\xff", 3, "JPEG image data"},
		{"GIF8", 4, "GIF image data"},
		{"\x7f" "ELF", 4, "ELF"},
		{"MZ", 2, "PE32 executable (MS-DOS)"},
		{"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8,
		 "Composite Document File V2 Document"},
		{"SQLite format 3", 15, "SQLite 3.x database"},
		{"<?xml", 5, "XML document"},
		{"#!", 2, "script text executable"},
	};
	size_t i;

	for (i = 0; i < PS_ARRAY_LEN(t); i++)
		if (s->magic_len >= t[i].n && !memcmp(s->magic, t[i].sig, t[i].n))
			return t[i].name;
	return NULL;
}

static void ftp_data_finish(void *state, struct ps_proto_ctx *c)
{
	struct ftp_data_state *s = state;
	const char *magic = data_magic(s);
	struct ps_jw *w;
	const uint8_t *nul;
	size_t vlen = 0;

	if (!s->started)
		data_start(s, c);          /* an empty file still has hashes */
	data_note(s, c);
	nul = s->note_len ? memchr(s->note, '\0', s->note_len) : NULL;
	if (nul)
		vlen = (size_t)(nul - s->note);
	w = ps_proto_event_begin(c, "fileinfo");
	ps_jw_obj_open(w, "fileinfo");
	if (nul && s->note_len > vlen + 1)
		ps_jw_strn(w, "filename", nul + 1, s->note_len - vlen - 1);
	if (magic)
		ps_jw_str(w, "magic", magic);
	ps_jw_bool(w, "gaps", s->gaps);
	ps_jw_str(w, "state", s->gaps ? "TRUNCATED" : "CLOSED");
	if (!s->gaps && ps_filehash_finish(&s->hash)) {
		ps_filehash_write(&s->hash, w);
		ps_filehash_observe(&s->hash, c);
	}
	ps_jw_bool(w, "stored", false);
	ps_jw_uint(w, "size", s->size);
	ps_jw_obj_close(w);
	ps_jw_obj_open(w, "ftp_data");
	ps_jw_uint(w, "parent_flow_id", c->parent_flow_id);
	if (nul && s->note_len > vlen + 1)
		ps_jw_strn(w, "filename", nul + 1, s->note_len - vlen - 1);
	if (nul)
		ps_jw_strn(w, "command", s->note, vlen);
	if (s->size)
		ps_jw_str(w, "direction", s->dir == PS_DIR_TOSERVER ?
			  "to_server" : "to_client");
	ps_jw_obj_close(w);
	ps_proto_event_end(c);
	ps_filehash_release(&s->hash);
}

const struct ps_proto_parser ps_proto_ftp_data = {
	.name = "ftp-data",
	.id = PS_ALPROTO_FTP_DATA,
	.l4 = PS_PROTO_L4_TCP,
	.state_size = sizeof(struct ftp_data_state),
	.parse = ftp_data_parse,
	.gap = ftp_data_gap,
	.finish = ftp_data_finish,
};
