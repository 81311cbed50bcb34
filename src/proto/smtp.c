/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SMTP (RFC 5321) parser: commands and replies, the envelope, the header
 * block of each message and AUTH PLAIN/LOGIN user names, emitting one EVE
 * "smtp" event per mail transaction in Suricata's shape. After an accepted
 * STARTTLS the rest of the flow is TLS and is ignored.
 */
#include <string.h>

#include "core/core.h"
#include "proto/linebuf.h"
#include "proto/parsers.h"
#include "proto/proto.h"

#define SMTP_LINE_MAX 4096       /* RFC 5321 4.5.3.1.4 allows 512 */
#define SMTP_TX_MAX (16u << 10)  /* envelope and header fields per tx */
#define SMTP_HDR_BLOCK_MAX (64u << 10)
#define SMTP_HDR_VALUE_MAX 1024
#define SMTP_HELO_MAX 255
#define SMTP_PEND_MAX 32         /* commands awaiting a reply */

/* Client side modes. */
enum { C_CMD, C_AUTH, C_HDR, C_BODY, C_BDAT };

/* Commands awaiting their reply, in order (RFC 2920 pipelining). */
enum { P_OTHER, P_DATA, P_DATA_END, P_BDAT, P_BDAT_LAST, P_STARTTLS,
       P_AUTH };

/* Fields kept in the transaction's string bag. */
enum { T_MAIL_FROM = 1, T_RCPT, T_FROM, T_TO, T_CC, T_SUBJECT, T_DATE,
       T_MSGID, T_XMAILER };

struct smtp_state {
	struct ps_proto_linebuf cl, sl;
	struct ps_proto_strs tx;
	struct ps_proto_sasl auth;
	uint64_t body_size, bdat_left;
	uint32_t hdr_bytes;
	uint16_t cur_len;            /* bytes of the header being folded */
	uint8_t cmode;
	uint8_t cur_hdr;             /* tag of the header being folded */
	uint8_t pend[SMTP_PEND_MAX];
	uint8_t pend_head, pend_n;
	uint8_t bad_replies;
	bool stopped;                /* STARTTLS accepted: TLS follows */
	bool tls_asked;
	bool in_tx, data_started, data_done;
	bool bdat_last;
	bool auth_open;              /* an AUTH exchange awaits its reply */
	bool seen_reply, seen_command;
	bool hdr_trunc_counted;
	uint16_t helo_len;
	char helo[SMTP_HELO_MAX];
};

static void lazy_init(struct smtp_state *s)
{
	if (s->cl.max)
		return;
	ps_proto_linebuf_init(&s->cl, SMTP_LINE_MAX);
	ps_proto_linebuf_init(&s->sl, SMTP_LINE_MAX);
	ps_proto_strs_init(&s->tx, SMTP_TX_MAX);
}

/* ---- probing ------------------------------------------------------------ */

static bool has_ftp_hint(struct ps_slice l)
{
	return ps_proto_ci_contains(l, "FTP") ||
	       ps_proto_ci_contains(l, "FileZilla") ||
	       ps_proto_ci_contains(l, "vsFTPd") ||
	       ps_proto_ci_contains(l, "ProFTPD");
}

static bool has_smtp_hint(struct ps_slice l)
{
	return ps_proto_ci_contains(l, "SMTP") ||
	       ps_proto_ci_contains(l, "mail");
}

static enum ps_probe smtp_probe(const uint8_t *d, size_t len, enum ps_dir dir)
{
	static const char *const verbs[] = {"EHLO ", "HELO ", "MAIL FROM:"};
	const uint8_t *lf;
	struct ps_slice line;
	enum ps_probe r, best = PS_PROBE_NO;
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
	if (has_ftp_hint(line))
		return PS_PROBE_NO;
	if (has_smtp_hint(line))
		return PS_PROBE_YES;
	return PS_PROBE_MORE;    /* let the client's first command decide */
}

/* ---- events ----------------------------------------------------------- */

/*
 * Write the addresses of every `tag` header as one array, split at commas
 * outside quotes, angle brackets and comments (RFC 5322 3.4).
 */
static void write_addrs(struct ps_jw *w, const char *key,
			const struct ps_proto_strs *tx, uint8_t tag)
{
	size_t off = 0, i, start;
	struct ps_slice v, a;
	bool open = false, quote;
	int depth;
	uint8_t t;

	while (ps_proto_strs_next(tx, &off, &t, &v)) {
		if (t != tag)
			continue;
		quote = false;
		depth = 0;
		for (i = start = 0; i <= v.len; i++) {
			uint8_t c = i < v.len ? v.p[i] : ',';

			if (c == '"' && (i == 0 || v.p[i - 1] != '\\'))
				quote = !quote;
			else if (!quote && (c == '<' || c == '('))
				depth++;
			else if (!quote && (c == '>' || c == ')') && depth > 0)
				depth--;
			if (c != ',' || (quote && i < v.len) || (depth && i < v.len))
				continue;
			a = ps_slice_trim(ps_slice_make(v.p + start, i - start));
			start = i + 1;
			if (!a.len)
				continue;
			if (!open)
				ps_jw_arr_open(w, key);
			open = true;
			ps_jw_strn(w, NULL, a.p, a.len);
		}
	}
	if (open)
		ps_jw_arr_close(w);
}

static void write_email(struct ps_jw *w, struct smtp_state *s)
{
	const char *status = s->data_done ? "PARSE_DONE" :
		s->cmode == C_HDR ? "HEADER_STARTED" : "BODY_STARTED";

	ps_jw_obj_open(w, "email");
	ps_jw_str(w, "status", status);
	ps_proto_strs_write_one(w, "from", &s->tx, T_FROM);
	write_addrs(w, "to", &s->tx, T_TO);
	write_addrs(w, "cc", &s->tx, T_CC);
	ps_proto_strs_write_one(w, "subject", &s->tx, T_SUBJECT);
	ps_proto_strs_write_one(w, "message_id", &s->tx, T_MSGID);
	ps_proto_strs_write_one(w, "date", &s->tx, T_DATE);
	ps_proto_strs_write_one(w, "x_mailer", &s->tx, T_XMAILER);
	ps_jw_uint(w, "body_size", s->body_size);
	ps_jw_obj_close(w);
}

static void reset_tx(struct smtp_state *s)
{
	ps_proto_strs_reset(&s->tx);
	s->in_tx = s->data_started = s->data_done = false;
	s->body_size = 0;
	s->hdr_bytes = 0;
	s->cur_hdr = 0;
	s->hdr_trunc_counted = false;
}

/* Emit the current mail transaction, if there is one, and start afresh. */
static void flush_tx(struct smtp_state *s, struct ps_proto_ctx *c)
{
	struct ps_jw *w;

	if (!s->in_tx && !s->data_started)
		return;
	w = ps_proto_event_begin(c, "smtp");
	ps_jw_obj_open(w, "smtp");
	if (s->helo_len)
		ps_jw_strn(w, "helo", s->helo, s->helo_len);
	ps_proto_strs_write_one(w, "mail_from", &s->tx, T_MAIL_FROM);
	ps_proto_strs_write_all(w, "rcpt_to", &s->tx, T_RCPT);
	ps_jw_obj_close(w);
	if (s->data_started)
		write_email(w, s);
	ps_proto_event_end(c);
	reset_tx(s);
}

/* The cleartext part ends: say who greeted and that TLS follows, since
 * the mail itself (and its transaction event) will be encrypted. */
static void starttls_event(struct smtp_state *s, struct ps_proto_ctx *c)
{
	struct ps_jw *w = ps_proto_event_begin(c, "smtp");

	ps_jw_obj_open(w, "smtp");
	if (s->helo_len)
		ps_jw_strn(w, "helo", s->helo, s->helo_len);
	ps_jw_bool(w, "starttls", true);
	ps_jw_obj_close(w);
	ps_proto_event_end(c);
}

/* Emit the AUTH exchange; success is -1 when no final reply was seen. */
static void flush_auth(struct smtp_state *s, struct ps_proto_ctx *c,
		       int success)
{
	struct ps_jw *w;

	if (!s->auth_open)
		return;
	s->auth_open = false;
	w = ps_proto_event_begin(c, "smtp");
	ps_jw_obj_open(w, "smtp");
	if (s->helo_len)
		ps_jw_strn(w, "helo", s->helo, s->helo_len);
	ps_jw_obj_open(w, "auth");
	ps_proto_sasl_write(w, &s->auth);
	if (success < 0)
		ps_jw_null(w, "success");
	else
		ps_jw_bool(w, "success", success > 0);
	ps_jw_obj_close(w);
	ps_jw_obj_close(w);
	ps_proto_event_end(c);
}

/* ---- client side ------------------------------------------------------ */

static void push_pending(struct smtp_state *s, struct ps_proto_ctx *c,
			 uint8_t kind)
{
	if (s->pend_n == SMTP_PEND_MAX) {
		ps_proto_anomaly(c, "smtp_too_many_pending");
		s->pend_head = (uint8_t)((s->pend_head + 1) % SMTP_PEND_MAX);
		s->pend_n--;
	}
	s->pend[(s->pend_head + s->pend_n) % SMTP_PEND_MAX] = kind;
	s->pend_n++;
}

static void tx_add(struct smtp_state *s, struct ps_proto_ctx *c, uint8_t tag,
		   struct ps_slice v)
{
	if (ps_proto_strs_add(&s->tx, tag, v.p, v.len) != PS_OK)
		ps_proto_anomaly(c, "smtp_tx_fields_full");
}

/* The path of "MAIL FROM:<a@b> SIZE=1": "<a@b>" (RFC 5321 4.1.2). */
static struct ps_slice path_arg(struct ps_slice rest, size_t skip)
{
	size_t i;

	rest = ps_slice_make(rest.p + skip, rest.len - skip);
	rest = ps_slice_trim(rest);
	if (rest.len && rest.p[0] == '<') {
		for (i = 0; i < rest.len && rest.p[i] != '>'; i++)
			;
		return ps_slice_make(rest.p, i < rest.len ? i + 1 : i);
	}
	for (i = 0; i < rest.len && rest.p[i] != ' '; i++)
		;
	return ps_slice_make(rest.p, i);
}

static void cmd_auth(struct smtp_state *s, struct ps_proto_ctx *c,
		     struct ps_slice rest)
{
	struct ps_slice mech = ps_proto_word(&rest);
	struct ps_slice ir = ps_proto_word(&rest);

	flush_auth(s, c, -1);
	ps_proto_sasl_start(&s->auth, mech, ir.len > 0, ir);
	s->auth_open = true;
	push_pending(s, c, P_AUTH);
	if (s->auth.active)
		s->cmode = C_AUTH;
}

static void cmd_bdat(struct smtp_state *s, struct ps_proto_ctx *c,
		     struct ps_slice rest)
{
	struct ps_slice n = ps_proto_word(&rest);
	struct ps_slice last = ps_proto_word(&rest);

	if (!ps_proto_parse_uint(n, UINT32_MAX, &s->bdat_left)) {
		ps_proto_anomaly(c, "smtp_bad_bdat");
		push_pending(s, c, P_OTHER);
		return;
	}
	s->bdat_last = ps_proto_ci_prefix(last, "LAST");
	s->data_started = true;
	s->cmode = C_BDAT;
	push_pending(s, c, s->bdat_last ? P_BDAT_LAST : P_BDAT);
}

static void cmd_envelope(struct smtp_state *s, struct ps_proto_ctx *c,
			 bool mail, struct ps_slice rest)
{
	const char *kw = mail ? "FROM:" : "TO:";

	if (!ps_proto_ci_prefix(rest, kw)) {
		ps_proto_anomaly(c, "smtp_bad_command");
		return;
	}
	if (mail) {
		flush_tx(s, c);
		s->in_tx = true;
		tx_add(s, c, T_MAIL_FROM, path_arg(rest, strlen(kw)));
	} else {
		s->in_tx = true;
		tx_add(s, c, T_RCPT, path_arg(rest, strlen(kw)));
	}
}

static void client_command(struct smtp_state *s, struct ps_proto_ctx *c,
			   struct ps_slice line)
{
	struct ps_slice rest = line, verb = ps_proto_word(&rest);
	uint8_t kind = P_OTHER;

	s->seen_command = true;
	if (ps_slice_casecmp_cstr(verb, "HELO") == 0 ||
	    ps_slice_casecmp_cstr(verb, "EHLO") == 0) {
		rest = ps_slice_trim(rest);
		s->helo_len = (uint16_t)(rest.len < SMTP_HELO_MAX ? rest.len :
					 SMTP_HELO_MAX);
		if (s->helo_len)
			memcpy(s->helo, rest.p, s->helo_len);
	} else if (ps_slice_casecmp_cstr(verb, "MAIL") == 0) {
		cmd_envelope(s, c, true, rest);
	} else if (ps_slice_casecmp_cstr(verb, "RCPT") == 0) {
		cmd_envelope(s, c, false, rest);
	} else if (ps_slice_casecmp_cstr(verb, "DATA") == 0) {
		s->in_tx = s->data_started = true;
		s->cmode = C_HDR;
		kind = P_DATA;
	} else if (ps_slice_casecmp_cstr(verb, "BDAT") == 0) {
		cmd_bdat(s, c, rest);
		return;
	} else if (ps_slice_casecmp_cstr(verb, "RSET") == 0 ||
		   ps_slice_casecmp_cstr(verb, "QUIT") == 0) {
		flush_tx(s, c);
	} else if (ps_slice_casecmp_cstr(verb, "STARTTLS") == 0) {
		s->tls_asked = true;
		kind = P_STARTTLS;
	} else if (ps_slice_casecmp_cstr(verb, "AUTH") == 0) {
		cmd_auth(s, c, rest);
		return;
	} else if (!verb.len) {
		return;
	}
	push_pending(s, c, kind);
}

/* Track the headers we log; `line` is already un-dot-stuffed. */
static void header_line(struct smtp_state *s, struct ps_proto_ctx *c,
			struct ps_slice line)
{
	static const struct { const char *name; uint8_t tag; } hdrs[] = {
		{"from", T_FROM}, {"to", T_TO}, {"cc", T_CC},
		{"subject", T_SUBJECT}, {"date", T_DATE},
		{"message-id", T_MSGID}, {"x-mailer", T_XMAILER},
	};
	struct ps_slice name, value;
	size_t i, n;

	if (line.p[0] == ' ' || line.p[0] == '\t') {   /* RFC 5322 2.2.3 */
		if (!s->cur_hdr)
			return;
		n = line.len;
		if (s->cur_len + n > SMTP_HDR_VALUE_MAX) {
			n = SMTP_HDR_VALUE_MAX - s->cur_len;
			if (!s->hdr_trunc_counted)
				ps_proto_anomaly(c, "smtp_header_truncated");
			s->hdr_trunc_counted = true;
		}
		if (ps_proto_strs_append(&s->tx, s->cur_hdr, line.p, n) != PS_OK)
			ps_proto_anomaly(c, "smtp_tx_fields_full");
		s->cur_len = (uint16_t)(s->cur_len + n);
		return;
	}
	s->cur_hdr = 0;
	if (!ps_slice_cut(line, ':', &name, &value)) {
		ps_proto_anomaly(c, "smtp_bad_header");
		s->cmode = C_BODY;
		return;
	}
	name = ps_slice_trim(name);
	for (i = 0; i < PS_ARRAY_LEN(hdrs); i++) {
		if (ps_slice_casecmp_cstr(name, hdrs[i].name) != 0)
			continue;
		value = ps_slice_trim(value);
		if (value.len > SMTP_HDR_VALUE_MAX) {
			value.len = SMTP_HDR_VALUE_MAX;
			ps_proto_anomaly(c, "smtp_header_truncated");
		}
		s->cur_hdr = hdrs[i].tag;
		s->cur_len = (uint16_t)value.len;
		tx_add(s, c, hdrs[i].tag, value);
		return;
	}
}

/* One line of DATA content (RFC 5321 4.5.2 transparency). */
static void data_line(struct smtp_state *s, struct ps_proto_ctx *c,
		      struct ps_slice line, size_t raw)
{
	if (line.len == 1 && line.p[0] == '.') {
		s->data_done = true;
		s->cmode = C_CMD;
		push_pending(s, c, P_DATA_END);
		return;
	}
	if (line.len && line.p[0] == '.') {
		line = ps_slice_make(line.p + 1, line.len - 1);
		raw--;
	}
	if (s->cmode == C_BODY) {
		s->body_size += raw;
		return;
	}
	s->hdr_bytes += (uint32_t)raw;
	if (line.len == 0) {
		s->cmode = C_BODY;
	} else if (s->hdr_bytes > SMTP_HDR_BLOCK_MAX) {
		ps_proto_anomaly(c, "smtp_header_too_long");
		s->cmode = C_BODY;
	} else {
		header_line(s, c, line);
	}
}

static void client_line(struct smtp_state *s, struct ps_proto_ctx *c,
			struct ps_slice line, int rc)
{
	switch (s->cmode) {
	case C_CMD:
		if (rc == PS_ELIMIT)
			ps_proto_anomaly(c, "smtp_line_too_long");
		else
			client_command(s, c, line);
		break;
	case C_AUTH:
		if (rc == PS_ELIMIT) {
			ps_proto_anomaly(c, "smtp_line_too_long");
			s->auth.bad = true;
			s->auth.active = false;
		} else {
			ps_proto_sasl_response(&s->auth, line);
		}
		if (!s->auth.active)
			s->cmode = C_CMD;
		break;
	case C_HDR:
		if (rc == PS_ELIMIT) {
			ps_proto_anomaly(c, "smtp_line_too_long");
			s->hdr_bytes += (uint32_t)s->cl.raw;
			break;
		}
		data_line(s, c, line, s->cl.raw);
		break;
	case C_BODY:
		if (rc == PS_ELIMIT)
			s->body_size += s->cl.raw;
		else
			data_line(s, c, line, s->cl.raw);
		break;
	}
}

/* BDAT chunks are counted, not parsed (RFC 3030). */
static size_t client_bdat(struct smtp_state *s, size_t len)
{
	size_t n = len < s->bdat_left ? len : (size_t)s->bdat_left;

	s->bdat_left -= n;
	s->body_size += n;
	if (!s->bdat_left) {
		s->cmode = C_CMD;
		if (s->bdat_last)
			s->data_done = true;
	}
	return n;
}

static void parse_client(struct smtp_state *s, struct ps_proto_ctx *c,
			 const uint8_t *data, size_t len)
{
	struct ps_slice line;
	size_t used;
	int rc;

	if (s->tls_asked && s->cmode == C_CMD && len && data[0] == 0x16 &&
	    s->cl.part.len == 0) {
		ps_proto_anomaly(c, "smtp_starttls");
		s->stopped = true;
		return;
	}
	while (len && !s->stopped) {
		if (s->cmode == C_BDAT) {
			used = client_bdat(s, len);
		} else {
			rc = ps_proto_linebuf_next(&s->cl, data, len, &used, &line);
			if (rc != PS_EAGAIN)
				client_line(s, c, line, rc);
		}
		data += used;
		len -= used;
	}
}

/* ---- server side ------------------------------------------------------ */

static uint8_t pop_pending(struct smtp_state *s)
{
	uint8_t k;

	if (!s->pend_n)
		return P_OTHER;
	k = s->pend[s->pend_head];
	s->pend_head = (uint8_t)((s->pend_head + 1) % SMTP_PEND_MAX);
	s->pend_n--;
	return k;
}

/* A complete (last line of a) reply with `code` to the oldest command. */
static void server_reply(struct smtp_state *s, struct ps_proto_ctx *c,
			 unsigned code)
{
	uint8_t k;

	if (!s->pend_n)
		return;                             /* greeting or unsolicited */
	k = s->pend[s->pend_head];
	if (k == P_AUTH && code == 334)            /* RFC 4954 challenge */
		return;
	k = pop_pending(s);
	if (k == P_AUTH) {
		if (s->cmode == C_AUTH)
			s->cmode = C_CMD;
		flush_auth(s, c, code >= 200 && code < 300 ? 1 : 0);
	} else if (k == P_DATA && code != 354 && s->cmode == C_HDR &&
		   s->hdr_bytes == 0) {
		s->cmode = C_CMD;                   /* DATA refused */
		s->data_started = false;
	} else if (k == P_DATA_END || k == P_BDAT_LAST) {
		flush_tx(s, c);
	} else if (k == P_STARTTLS && code == 220) {
		s->stopped = true;                  /* RFC 3207 section 4 */
		starttls_event(s, c);
		ps_proto_upgrade(c, PS_ALPROTO_TLS);
	}
}

static int server_line(struct smtp_state *s, struct ps_proto_ctx *c,
		       struct ps_slice line)
{
	unsigned code;

	if (line.len < 3 || line.p[0] < '1' || line.p[0] > '5' ||
	    line.p[1] < '0' || line.p[1] > '9' || line.p[2] < '0' ||
	    line.p[2] > '9' ||
	    (line.len > 3 && line.p[3] != ' ' && line.p[3] != '-')) {
		ps_proto_anomaly(c, "smtp_bad_reply");
		if (!s->seen_reply && ++s->bad_replies >= 4)
			return PS_EPROTO;
		return PS_OK;
	}
	s->seen_reply = true;
	if (line.len > 3 && line.p[3] == '-')
		return PS_OK;                       /* RFC 5321 4.2.1 */
	code = (unsigned)(line.p[0] - '0') * 100 +
	       (unsigned)(line.p[1] - '0') * 10 + (unsigned)(line.p[2] - '0');
	server_reply(s, c, code);
	return PS_OK;
}

static int parse_server(struct smtp_state *s, struct ps_proto_ctx *c,
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
			ps_proto_anomaly(c, "smtp_line_too_long");
		else if (rc == PS_OK && server_line(s, c, line) != PS_OK)
			return PS_EPROTO;
	}
	return PS_OK;
}

/* ---- parser entry points ---------------------------------------------- */

static int smtp_parse(void *state, struct ps_proto_ctx *c, enum ps_dir dir,
		      const uint8_t *data, size_t len)
{
	struct smtp_state *s = state;

	lazy_init(s);
	if (s->stopped)
		return PS_OK;
	if (dir == PS_DIR_TOSERVER) {
		parse_client(s, c, data, len);
		return PS_OK;
	}
	return parse_server(s, c, data, len);
}

static void smtp_gap(void *state, struct ps_proto_ctx *c, enum ps_dir dir,
		     size_t len)
{
	struct smtp_state *s = state;

	lazy_init(s);
	ps_proto_anomaly(c, "smtp_gap");
	if (dir == PS_DIR_TOCLIENT) {
		ps_proto_linebuf_gap(&s->sl);
		return;
	}
	if (s->cmode == C_BDAT) {
		if (len < s->bdat_left) {
			s->bdat_left -= len;
			return;
		}
		s->cmode = C_CMD;
	}
	if (s->cmode == C_BODY)
		s->body_size += len;
	ps_proto_linebuf_gap(&s->cl);
}

static void smtp_finish(void *state, struct ps_proto_ctx *c)
{
	struct smtp_state *s = state;

	lazy_init(s);
	flush_auth(s, c, -1);
	flush_tx(s, c);
	ps_proto_linebuf_release(&s->cl);
	ps_proto_linebuf_release(&s->sl);
	ps_proto_strs_release(&s->tx);
	explicit_bzero(&s->auth, sizeof(s->auth));
}

const struct ps_proto_parser ps_proto_smtp = {
	.name = "smtp",
	.id = PS_ALPROTO_SMTP,
	.l4 = PS_PROTO_L4_TCP,
	.ports = {25, 587, 2525},
	.probe = smtp_probe,
	.state_size = sizeof(struct smtp_state),
	.parse = smtp_parse,
	.gap = smtp_gap,
	.finish = smtp_finish,
};
