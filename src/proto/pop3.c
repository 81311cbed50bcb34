/* SPDX-License-Identifier: Apache-2.0 */
/*
 * POP3 (RFC 1939, 2449, 5034) parser: pairs each command with its status
 * response and emits one EVE "pop3" event per pair in Suricata 8's shape;
 * multi-line responses (RETR, LIST, ...) are skipped to their final dot.
 * Passwords (PASS, APOP digests, SASL) are only ever measured.
 */
#include <string.h>

#include "core/core.h"
#include "proto/linebuf.h"
#include "proto/parsers.h"
#include "proto/proto.h"

#define POP3_LINE_MAX 4096     /* RFC 2449 section 4: 255 for commands */
#define POP3_PEND_MAX 4        /* pipelined commands awaiting a reply */
#define POP3_ARGS_MAX 3
#define POP3_ARG_MAX 96
#define POP3_HDR_MAX 256

struct pop3_req {
	char cmd[12];
	uint8_t cmd_len;
	uint8_t nargs;
	uint8_t arg_len[POP3_ARGS_MAX];
	char args[POP3_ARGS_MAX][POP3_ARG_MAX];
	uint8_t secret_arg;    /* index + 1 of a masked argument, 0 = none */
	uint32_t secret_len;
	bool multi;            /* "+OK" starts a multi-line response */
	bool auth;             /* AUTH: the SASL exchange goes with it */
	bool stls;
};

struct pop3_state {
	struct ps_proto_linebuf cl, sl;
	struct ps_proto_sasl sasl;
	struct pop3_req pend[POP3_PEND_MAX];
	uint8_t pend_head, pend_n;
	uint8_t bad_lines;
	bool client_auth;      /* client lines are SASL responses */
	bool in_multi;         /* skipping a multi-line response */
	bool multi_ok;
	bool greeted, seen_status;
	bool stopped;          /* STLS accepted: TLS follows */
	bool have_req;         /* `cur` holds the request being answered */
	struct pop3_req cur;
	uint16_t hdr_len;
	char hdr[POP3_HDR_MAX];
};

static void lazy_init(struct pop3_state *s)
{
	if (s->cl.max)
		return;
	ps_proto_linebuf_init(&s->cl, POP3_LINE_MAX);
	ps_proto_linebuf_init(&s->sl, POP3_LINE_MAX);
}

static enum ps_probe pop3_probe(const uint8_t *d, size_t len, enum ps_dir dir)
{
	static const char *const verbs[] = {"USER ", "CAPA", "STAT", "APOP ",
					    "STLS", "RETR ", "AUTH "};
	enum ps_probe r, best = PS_PROBE_NO;
	size_t i;

	if (dir == PS_DIR_TOCLIENT) {
		r = ps_proto_probe_prefix(d, len, "+OK");
		return r != PS_PROBE_NO ? r : ps_proto_probe_prefix(d, len, "-ERR");
	}
	for (i = 0; i < PS_ARRAY_LEN(verbs); i++) {
		r = ps_proto_probe_prefix(d, len, verbs[i]);
		if (r == PS_PROBE_YES && i == PS_ARRAY_LEN(verbs) - 1) {
			/* "AUTH TLS" and "AUTH SSL" are FTP (RFC 4217) */
			if (len < 8)
				return PS_PROBE_MORE;
			if (ps_proto_ci_prefix(ps_slice_make(d + 5, 3), "TLS") ||
			    ps_proto_ci_prefix(ps_slice_make(d + 5, 3), "SSL"))
				return PS_PROBE_NO;
		}
		if (r == PS_PROBE_YES)
			return r;
		if (r == PS_PROBE_MORE)
			best = r;
	}
	return best;
}

/* ---- events ----------------------------------------------------------- */

static bool is_cmd(const struct pop3_req *r, const char *name)
{
	return r->cmd_len == strlen(name) && !memcmp(r->cmd, name, r->cmd_len);
}

static void write_request(struct ps_jw *w, const struct pop3_state *s,
			  const struct pop3_req *r)
{
	uint8_t i;

	ps_jw_obj_open(w, "request");
	ps_jw_strn(w, "command", r->cmd, r->cmd_len);
	ps_jw_arr_open(w, "args");
	for (i = 0; i < r->nargs; i++) {
		if (r->secret_arg == i + 1)
			ps_jw_str(w, NULL, "********");
		else
			ps_jw_strn(w, NULL, r->args[i], r->arg_len[i]);
	}
	ps_jw_arr_close(w);
	if (is_cmd(r, "PASS"))
		ps_proto_write_secret(w, "password", NULL, r->secret_len);
	if (r->auth) {
		ps_jw_obj_open(w, "auth");
		ps_proto_sasl_write(w, &s->sasl);
		ps_jw_obj_close(w);
	}
	ps_jw_obj_close(w);
}

/* Emit the pair (req may be NULL for the greeting; ok < 0: no response). */
static void emit(struct pop3_state *s, struct ps_proto_ctx *c,
		 const struct pop3_req *req, int ok)
{
	struct ps_jw *w = ps_proto_event_begin(c, "pop3");

	ps_jw_obj_open(w, "pop3");
	if (req)
		write_request(w, s, req);
	if (ok >= 0) {
		ps_jw_obj_open(w, "response");
		ps_jw_bool(w, "success", ok > 0);
		ps_jw_str(w, "status", ok > 0 ? "OK" : "ERR");
		ps_jw_strn(w, "header", s->hdr, s->hdr_len);
		ps_jw_obj_close(w);
	}
	ps_jw_obj_close(w);
	ps_proto_event_end(c);
}

/* ---- client side ------------------------------------------------------ */

static void add_arg(struct pop3_req *r, struct ps_slice a)
{
	size_t n = a.len < POP3_ARG_MAX ? a.len : POP3_ARG_MAX;

	if (r->nargs == POP3_ARGS_MAX)
		return;
	if (n)
		memcpy(r->args[r->nargs], a.p, n);
	r->arg_len[r->nargs++] = (uint8_t)n;
}

static struct pop3_req *push_req(struct pop3_state *s, struct ps_proto_ctx *c)
{
	struct pop3_req *r;

	if (s->pend_n == POP3_PEND_MAX) {
		ps_proto_anomaly(c, "pop3_too_many_pending");
		emit(s, c, &s->pend[s->pend_head], -1);
		s->pend_head = (uint8_t)((s->pend_head + 1) % POP3_PEND_MAX);
		s->pend_n--;
	}
	r = &s->pend[(s->pend_head + s->pend_n) % POP3_PEND_MAX];
	memset(r, 0, sizeof(*r));
	s->pend_n++;
	return r;
}

/* Fill the request's arguments; RFC 1939 section 7 lists the commands. */
static void request_args(struct pop3_state *s, struct pop3_req *r,
			 struct ps_slice rest)
{
	struct ps_slice a, ir;

	if (is_cmd(r, "PASS")) {
		/* RFC 1939 7: the password may contain spaces */
		add_arg(r, ps_slice_make(NULL, 0));
		r->secret_arg = 1;
		r->secret_len = (uint32_t)rest.len;
		return;
	}
	if (is_cmd(r, "AUTH")) {
		a = ps_proto_word(&rest);            /* mechanism */
		if (!a.len) {
			r->multi = true;             /* lists mechanisms */
			return;
		}
		add_arg(r, a);
		r->auth = true;
		ir = ps_proto_word(&rest);           /* RFC 5034 initial */
		ps_proto_sasl_start(&s->sasl, a, ir.len > 0, ir);
		s->client_auth = s->sasl.active;
		return;
	}
	while (rest.len && r->nargs < POP3_ARGS_MAX) {
		a = ps_proto_word(&rest);
		if (a.len)
			add_arg(r, a);
	}
	if (is_cmd(r, "APOP") && r->nargs >= 2)
		r->secret_arg = 2;            /* the MD5 digest */
	r->multi = is_cmd(r, "RETR") || is_cmd(r, "TOP") || is_cmd(r, "CAPA") ||
		   ((is_cmd(r, "LIST") || is_cmd(r, "UIDL")) && !r->nargs);
	r->stls = is_cmd(r, "STLS");
}

static void client_command(struct pop3_state *s, struct ps_proto_ctx *c,
			   struct ps_slice line)
{
	struct ps_slice rest = line, verb = ps_proto_word(&rest);
	struct pop3_req *r;
	size_t i;

	if (!verb.len)
		return;
	if (verb.len > sizeof(s->cur.cmd))
		verb.len = sizeof(s->cur.cmd);
	for (i = 0; i < verb.len; i++) {
		if (!((verb.p[i] | 0x20) >= 'a' && (verb.p[i] | 0x20) <= 'z')) {
			ps_proto_anomaly(c, "pop3_bad_command");
			return;
		}
	}
	r = push_req(s, c);
	for (i = 0; i < verb.len; i++)
		r->cmd[i] = (char)(verb.p[i] & ~0x20);
	r->cmd_len = (uint8_t)verb.len;
	request_args(s, r, rest);
}

static void parse_client(struct pop3_state *s, struct ps_proto_ctx *c,
			 const uint8_t *data, size_t len)
{
	struct ps_slice line;
	size_t used;
	int rc;

	while (len) {
		rc = ps_proto_linebuf_next(&s->cl, data, len, &used, &line);
		data += used;
		len -= used;
		if (rc == PS_ELIMIT) {
			ps_proto_anomaly(c, "pop3_line_too_long");
			s->sasl.active = s->client_auth = false;
		} else if (rc == PS_OK && s->client_auth) {
			ps_proto_sasl_response(&s->sasl, line);
			s->client_auth = s->sasl.active;
		} else if (rc == PS_OK) {
			client_command(s, c, line);
		}
	}
}

/* ---- server side ------------------------------------------------------ */

static void set_header(struct pop3_state *s, struct ps_slice line)
{
	s->hdr_len = (uint16_t)(line.len < POP3_HDR_MAX ? line.len : POP3_HDR_MAX);
	if (s->hdr_len)
		memcpy(s->hdr, line.p, s->hdr_len);
}

/* A "+OK" or "-ERR" status line (RFC 1939 section 3). */
static void status_line(struct pop3_state *s, struct ps_proto_ctx *c,
			struct ps_slice line, bool ok)
{
	set_header(s, line);
	s->seen_status = true;
	if (!s->pend_n) {
		if (!s->greeted)
			emit(s, c, NULL, ok);       /* the greeting */
		s->greeted = true;
		return;
	}
	s->greeted = true;
	s->cur = s->pend[s->pend_head];
	s->pend_head = (uint8_t)((s->pend_head + 1) % POP3_PEND_MAX);
	s->pend_n--;
	if (s->cur.auth)
		s->client_auth = false;
	if (ok && s->cur.multi) {
		s->in_multi = true;
		s->multi_ok = ok;
		s->have_req = true;
		return;
	}
	emit(s, c, &s->cur, ok);
	if (ok && s->cur.stls) {
		s->stopped = true;           /* RFC 2595 section 4 */
		ps_proto_upgrade(c, PS_ALPROTO_TLS);
	}
}

static int server_line(struct pop3_state *s, struct ps_proto_ctx *c,
		       struct ps_slice line)
{
	if (s->in_multi) {
		if (line.len == 1 && line.p[0] == '.') {   /* RFC 1939 3 */
			s->in_multi = false;
			s->have_req = false;
			emit(s, c, &s->cur, s->multi_ok);
		}
		return PS_OK;
	}
	if (ps_proto_ci_prefix(line, "+OK")) {
		status_line(s, c, line, true);
	} else if (ps_proto_ci_prefix(line, "-ERR")) {
		status_line(s, c, line, false);
	} else if (line.len && line.p[0] == '+' && s->client_auth) {
		/* RFC 5034 4: a SASL challenge */
	} else {
		ps_proto_anomaly(c, "pop3_bad_response");
		if (!s->seen_status && ++s->bad_lines >= 4)
			return PS_EPROTO;
	}
	return PS_OK;
}

static int parse_server(struct pop3_state *s, struct ps_proto_ctx *c,
			const uint8_t *data, size_t len)
{
	struct ps_slice line;
	size_t used;
	int rc;

	while (len && !s->stopped) {
		rc = ps_proto_linebuf_next(&s->sl, data, len, &used, &line);
		data += used;
		len -= used;
		if (rc == PS_ELIMIT && !s->in_multi)
			ps_proto_anomaly(c, "pop3_line_too_long");
		else if (rc == PS_OK && server_line(s, c, line) != PS_OK)
			return PS_EPROTO;
	}
	return PS_OK;
}

/* ---- parser entry points ---------------------------------------------- */

static int pop3_parse(void *state, struct ps_proto_ctx *c, enum ps_dir dir,
		      const uint8_t *data, size_t len)
{
	struct pop3_state *s = state;

	lazy_init(s);
	if (s->stopped)
		return PS_OK;
	if (dir == PS_DIR_TOSERVER) {
		parse_client(s, c, data, len);
		return PS_OK;
	}
	return parse_server(s, c, data, len);
}

static void pop3_gap(void *state, struct ps_proto_ctx *c, enum ps_dir dir,
		     size_t len)
{
	struct pop3_state *s = state;

	(void)len;
	lazy_init(s);
	ps_proto_anomaly(c, "pop3_gap");
	ps_proto_linebuf_gap(dir == PS_DIR_TOSERVER ? &s->cl : &s->sl);
}

static void pop3_finish(void *state, struct ps_proto_ctx *c)
{
	struct pop3_state *s = state;

	lazy_init(s);
	if (s->have_req)
		emit(s, c, &s->cur, s->multi_ok);
	while (s->pend_n) {
		emit(s, c, &s->pend[s->pend_head], -1);
		s->pend_head = (uint8_t)((s->pend_head + 1) % POP3_PEND_MAX);
		s->pend_n--;
	}
	ps_proto_linebuf_release(&s->cl);
	ps_proto_linebuf_release(&s->sl);
}

const struct ps_proto_parser ps_proto_pop3 = {
	.name = "pop3",
	.id = PS_ALPROTO_POP3,
	.l4 = PS_PROTO_L4_TCP,
	.ports = {110},
	.probe = pop3_probe,
	.state_size = sizeof(struct pop3_state),
	.parse = pop3_parse,
	.gap = pop3_gap,
	.finish = pop3_finish,
};
