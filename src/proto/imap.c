/* SPDX-License-Identifier: Apache-2.0 */
/*
 * IMAP4rev1 (RFC 3501) parser: follows tagged commands through quoted
 * strings and {n} literals in both directions, pairs each with its tagged
 * completion and emits one EVE "imap" event per command. LOGIN passwords
 * and SASL secrets are measured, never kept; STARTTLS and COMPRESS end it.
 */
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "proto/linebuf.h"
#include "proto/parsers.h"
#include "proto/proto.h"

#define IMAP_LINE_MAX 8192       /* RFC 7162 section 4 recommends 8000 */
#define IMAP_PEND_MAX 8          /* commands awaiting their completion */
#define IMAP_ARGS_MAX 8
#define IMAP_ARG_MAX 256         /* longer arguments are cut */
#define IMAP_BAG_MAX (8u << 10)
#define IMAP_TAG_MAX 32
#define IMAP_RESP_MAX 256
#define IMAP_LITERAL_MAX (1ull << 40)

enum { K_OTHER, K_LOGIN, K_AUTH, K_STARTTLS, K_COMPRESS };

/* A command from its tag to its completion. Its arguments are the bag
 * entries tagged with its slot number. */
struct imap_cmd {
	char tag[IMAP_TAG_MAX];
	char name[24];
	uint8_t tag_len, name_len;
	uint8_t kind;
	uint8_t nargs;
	uint8_t secret_idx;      /* index + 1 of the masked argument */
	bool used;
	bool trunc_counted;
	uint32_t secret_len;
	uint32_t seq;            /* order of arrival */
};

struct imap_state {
	struct ps_proto_linebuf cl, sl;
	struct ps_proto_strs bag;
	struct ps_proto_sasl sasl;
	struct imap_cmd cmds[IMAP_PEND_MAX];
	uint64_t cl_lit, sl_lit;     /* literal bytes still to come */
	uint32_t seq;
	int8_t cur;                  /* slot whose command is being read, -1 */
	bool lit_capture;            /* keep the client literal as an arg */
	bool lit_started;            /* some of the client literal arrived */
	bool client_auth;            /* client lines are SASL responses */
	bool stopped;
	bool seen_valid;
	bool sl_cont;                /* the next server line continues one */
	uint8_t bad_lines;
	uint16_t resp_len;
	char resp[IMAP_RESP_MAX];
};

static void lazy_init(struct imap_state *s)
{
	if (s->cl.max)
		return;
	ps_proto_linebuf_init(&s->cl, IMAP_LINE_MAX);
	ps_proto_linebuf_init(&s->sl, IMAP_LINE_MAX);
	ps_proto_strs_init(&s->bag, IMAP_BAG_MAX);
	s->cur = -1;
}

/* ---- probing ------------------------------------------------------------ */

static enum ps_probe imap_probe(const uint8_t *d, size_t len, enum ps_dir dir)
{
	static const char *const greet[] = {"* OK", "* PREAUTH", "* BYE"};
	static const char *const verbs[] = {"LOGIN ", "CAPABILITY",
		"AUTHENTICATE ", "STARTTLS", "ID ", "NOOP", "SELECT "};
	const char *const *list = dir == PS_DIR_TOCLIENT ? greet : verbs;
	size_t n = dir == PS_DIR_TOCLIENT ? PS_ARRAY_LEN(greet) : PS_ARRAY_LEN(verbs);
	enum ps_probe r, best = PS_PROBE_NO;
	size_t i, t = 0;

	if (dir == PS_DIR_TOSERVER) {
		/* a tag: 1..32 atom characters, then a space (RFC 3501 9) */
		while (t < len && t <= IMAP_TAG_MAX && d[t] > ' ' && d[t] < 0x7f &&
		       d[t] != '{' && d[t] != '(' && d[t] != '"' && d[t] != '+')
			t++;
		if (t == len)
			return t <= IMAP_TAG_MAX ? PS_PROBE_MORE : PS_PROBE_NO;
		if (t == 0 || t > IMAP_TAG_MAX || d[t] != ' ')
			return PS_PROBE_NO;
		t++;
	}
	for (i = 0; i < n; i++) {
		r = ps_proto_probe_prefix(d + t, len - t, list[i]);
		if (r == PS_PROBE_YES)
			return r;
		if (r == PS_PROBE_MORE)
			best = r;
	}
	return best;
}

/* ---- literals and arguments ------------------------------------------- */

/*
 * Where a line ends in a literal marker "{n}" or "{n+}" (RFC 3501 4.3,
 * RFC 7888): its offset, and n in *n; SIZE_MAX when it does not.
 */
static size_t literal_at(struct ps_slice l, uint64_t *n)
{
	size_t i, end;

	if (l.len < 3 || l.p[l.len - 1] != '}')
		return SIZE_MAX;
	end = l.len - 1;
	if (l.p[end - 1] == '+')
		end--;
	for (i = end; i > 0 && l.p[i - 1] >= '0' && l.p[i - 1] <= '9'; i--)
		;
	if (i == 0 || l.p[i - 1] != '{' ||
	    !ps_proto_parse_uint(ps_slice_make(l.p + i, end - i),
				 IMAP_LITERAL_MAX, n))
		return SIZE_MAX;
	return i - 1;
}

static bool secret_arg(const struct imap_cmd *m, uint8_t idx)
{
	return m->kind == K_LOGIN && idx == 1;   /* LOGIN user password */
}

/* Append argument `v` (NULL for a literal still to come) to command m. */
static void add_arg(struct imap_state *s, struct ps_proto_ctx *c,
		    struct imap_cmd *m, const uint8_t *v, size_t n)
{
	uint8_t slot = (uint8_t)(m - s->cmds);

	if (secret_arg(m, m->nargs)) {
		m->secret_idx = (uint8_t)(m->nargs + 1);
		m->secret_len = (uint32_t)(n < UINT32_MAX ? n : UINT32_MAX);
		n = 0;
	}
	if (m->nargs >= IMAP_ARGS_MAX || n > IMAP_ARG_MAX) {
		if (!m->trunc_counted)
			ps_proto_anomaly(c, "imap_args_truncated");
		m->trunc_counted = true;
		if (m->nargs >= IMAP_ARGS_MAX)
			return;
		n = IMAP_ARG_MAX;
	}
	if (ps_proto_strs_add(&s->bag, slot, v, n) != PS_OK) {
		ps_proto_anomaly(c, "imap_args_truncated");
		m->trunc_counted = true;
		return;
	}
	m->nargs++;
}

/* Length of the token at p[0..n): a quoted string, or an atom that may hold
 * bracketed or parenthesised parts with spaces (BODY[HEADER.FIELDS (A)]). */
static size_t token_len(const uint8_t *p, size_t n, uint8_t *buf, size_t *blen)
{
	size_t i, o = 0;
	int depth = 0;
	bool q = false;

	if (p[0] == '"') {
		for (i = 1; i < n && p[i] != '"'; i++) {
			if (p[i] == '\\' && i + 1 < n)
				i++;
			if (o <= IMAP_ARG_MAX)
				buf[o] = p[i];
			o++;
		}
		*blen = o;
		return i < n ? i + 1 : i;
	}
	for (i = 0; i < n; i++) {
		if (q) {
			if (p[i] == '\\' && i + 1 < n)
				i++;
			else if (p[i] == '"')
				q = false;
		} else if (p[i] == '"') {
			q = true;
		} else if (p[i] == '(' || p[i] == '[') {
			depth++;
		} else if ((p[i] == ')' || p[i] == ']') && depth > 0) {
			depth--;
		} else if (p[i] == ' ' && depth == 0) {
			break;
		}
	}
	*blen = SIZE_MAX;
	return i;
}

static void segment_args(struct imap_state *s, struct ps_proto_ctx *c,
			 struct imap_cmd *m, struct ps_slice seg)
{
	uint8_t buf[IMAP_ARG_MAX + 1];
	size_t i = 0, n, blen;

	while (i < seg.len) {
		if (seg.p[i] == ' ') {
			i++;
			continue;
		}
		n = token_len(seg.p + i, seg.len - i, buf, &blen);
		if (blen != SIZE_MAX)
			add_arg(s, c, m, buf, blen);
		else
			add_arg(s, c, m, seg.p + i, n);
		i += n;
	}
	explicit_bzero(buf, sizeof(buf));
}

/* ---- events ----------------------------------------------------------- */

static void emit(struct imap_state *s, struct ps_proto_ctx *c,
		 struct imap_cmd *m, struct ps_slice status)
{
	uint8_t slot = (uint8_t)(m - s->cmds), t, i = 0;
	struct ps_jw *w = ps_proto_event_begin(c, "imap");
	struct ps_slice v;
	size_t off = 0;

	ps_jw_obj_open(w, "imap");
	ps_jw_strn(w, "tag", m->tag, m->tag_len);
	ps_jw_strn(w, "command", m->name, m->name_len);
	ps_jw_arr_open(w, "args");
	while (ps_proto_strs_next(&s->bag, &off, &t, &v)) {
		if (t != slot)
			continue;
		if (m->secret_idx == ++i)
			ps_jw_str(w, NULL, "********");
		else
			ps_jw_strn(w, NULL, v.p, v.len);
	}
	ps_jw_arr_close(w);
	if (m->secret_idx)
		ps_proto_write_secret(w, "password", NULL, m->secret_len);
	if (m->kind == K_AUTH) {
		ps_jw_obj_open(w, "auth");
		ps_proto_sasl_write(w, &s->sasl);
		ps_jw_obj_close(w);
	}
	if (status.len) {
		ps_jw_strn(w, "status", status.p, status.len);
		ps_jw_strn(w, "response", s->resp, s->resp_len);
	}
	ps_jw_obj_close(w);
	ps_proto_event_end(c);
	ps_proto_strs_del(&s->bag, slot);
	m->used = false;
	if (s->cur == slot)
		s->cur = -1;
}

/* ---- client side ------------------------------------------------------ */

static struct imap_cmd *new_cmd(struct imap_state *s, struct ps_proto_ctx *c)
{
	struct imap_cmd *old = NULL;
	size_t i;

	for (i = 0; i < IMAP_PEND_MAX; i++) {
		if (!s->cmds[i].used)
			break;
		if (!old || s->cmds[i].seq < old->seq)
			old = &s->cmds[i];
	}
	if (i == IMAP_PEND_MAX) {
		ps_proto_anomaly(c, "imap_too_many_pending");
		emit(s, c, old, ps_slice_make(NULL, 0));
		i = (size_t)(old - s->cmds);
	}
	memset(&s->cmds[i], 0, sizeof(s->cmds[i]));
	s->cmds[i].used = true;
	s->cmds[i].seq = s->seq++;
	return &s->cmds[i];
}

static void set_name(struct imap_cmd *m, struct ps_slice verb)
{
	size_t i;

	for (i = 0; i < verb.len && m->name_len < sizeof(m->name); i++) {
		uint8_t ch = verb.p[i];

		m->name[m->name_len++] = (char)(ch >= 'a' && ch <= 'z' ? ch - 32 : ch);
	}
}

/* The first segment of a command: "tag SP command [SP args]". */
static struct imap_cmd *start_command(struct imap_state *s,
				      struct ps_proto_ctx *c,
				      struct ps_slice *seg)
{
	struct ps_slice tag = ps_proto_word(seg), verb = ps_proto_word(seg);
	struct imap_cmd *m;

	if (!tag.len || !verb.len)
		return NULL;                 /* "DONE" ending IDLE, noise */
	m = new_cmd(s, c);
	m->tag_len = (uint8_t)(tag.len < IMAP_TAG_MAX ? tag.len : IMAP_TAG_MAX);
	memcpy(m->tag, tag.p, m->tag_len);
	set_name(m, verb);
	if (ps_slice_casecmp_cstr(verb, "UID") == 0 && seg->len) {
		verb = ps_proto_word(seg);
		m->name[m->name_len++] = ' ';
		set_name(m, verb);
	}
	if (ps_slice_casecmp_cstr(verb, "LOGIN") == 0)
		m->kind = K_LOGIN;
	else if (ps_slice_casecmp_cstr(verb, "AUTHENTICATE") == 0)
		m->kind = K_AUTH;
	else if (ps_slice_casecmp_cstr(verb, "STARTTLS") == 0)
		m->kind = K_STARTTLS;
	else if (ps_slice_casecmp_cstr(verb, "COMPRESS") == 0)
		m->kind = K_COMPRESS;
	return m;
}

static void start_auth(struct imap_state *s, struct ps_proto_ctx *c,
		       struct imap_cmd *m, struct ps_slice seg)
{
	struct ps_slice mech = ps_proto_word(&seg), ir = ps_proto_word(&seg);

	ps_proto_sasl_start(&s->sasl, mech, ir.len > 0, ir);   /* RFC 4959 */
	s->client_auth = s->sasl.active;
	if (mech.len)
		add_arg(s, c, m, mech.p, mech.len < 24 ? mech.len : 24);
}

static void client_segment(struct imap_state *s, struct ps_proto_ctx *c,
			   struct ps_slice seg)
{
	struct imap_cmd *m;
	uint64_t n = 0;
	size_t at = literal_at(seg, &n);

	if (s->cur < 0) {
		m = start_command(s, c, &seg);
		if (!m)
			return;
		if (m->kind == K_AUTH) {
			start_auth(s, c, m, seg);
			return;
		}
		at = literal_at(seg, &n);
		s->cur = (int8_t)(m - s->cmds);
	}
	m = &s->cmds[s->cur];
	if (at == SIZE_MAX) {
		segment_args(s, c, m, seg);
		s->cur = -1;                 /* the command is complete */
		return;
	}
	segment_args(s, c, m, ps_slice_make(seg.p, at));
	s->cl_lit = n;
	s->lit_started = false;
	s->lit_capture = n <= IMAP_ARG_MAX && !secret_arg(m, m->nargs);
	if (s->lit_capture) {
		add_arg(s, c, m, NULL, 0);
	} else if (secret_arg(m, m->nargs)) {
		add_arg(s, c, m, NULL, (size_t)n);
	} else {
		char ph[24];
		int k = snprintf(ph, sizeof(ph), "{%llu}", (unsigned long long)n);

		add_arg(s, c, m, (const uint8_t *)ph, (size_t)k);
	}
}

/* Client literal bytes: kept when short, else only counted. */
static size_t client_literal(struct imap_state *s, struct ps_proto_ctx *c,
			     const uint8_t *data, size_t len)
{
	size_t n = len < s->cl_lit ? len : (size_t)s->cl_lit;
	struct imap_cmd *m = s->cur >= 0 ? &s->cmds[s->cur] : NULL;

	s->cl_lit -= n;
	s->lit_started = true;
	if (s->lit_capture && m &&
	    ps_proto_strs_append(&s->bag, (uint8_t)s->cur, data, n) != PS_OK)
		ps_proto_anomaly(c, "imap_args_truncated");
	return n;
}

static void parse_client(struct imap_state *s, struct ps_proto_ctx *c,
			 const uint8_t *data, size_t len)
{
	struct ps_slice line;
	size_t used;
	int rc;

	while (len && !s->stopped) {
		if (s->cl_lit) {
			used = client_literal(s, c, data, len);
			data += used;
			len -= used;
			continue;
		}
		rc = ps_proto_linebuf_next(&s->cl, data, len, &used, &line);
		data += used;
		len -= used;
		if (rc == PS_ELIMIT) {
			ps_proto_anomaly(c, "imap_line_too_long");
			s->sasl.active = s->client_auth = false;
			s->cur = -1;
		} else if (rc == PS_OK && s->client_auth) {
			ps_proto_sasl_response(&s->sasl, line);
			s->client_auth = s->sasl.active;
		} else if (rc == PS_OK) {
			client_segment(s, c, line);
		}
	}
}

/* ---- server side ------------------------------------------------------ */

static struct imap_cmd *find_tag(struct imap_state *s, struct ps_slice tag)
{
	size_t i, n = tag.len < IMAP_TAG_MAX ? tag.len : IMAP_TAG_MAX;

	for (i = 0; i < IMAP_PEND_MAX; i++)
		if (s->cmds[i].used && s->cmds[i].tag_len == n &&
		    !memcmp(s->cmds[i].tag, tag.p, n))
			return &s->cmds[i];
	return NULL;
}

/* "tag OK|NO|BAD text" (RFC 3501 7.1). */
static int tagged(struct imap_state *s, struct ps_proto_ctx *c,
		  struct ps_slice line)
{
	struct ps_slice rest = line, tag = ps_proto_word(&rest);
	struct ps_slice st = ps_proto_word(&rest);
	struct imap_cmd *m;
	uint8_t kind;

	if (ps_slice_casecmp_cstr(st, "OK") && ps_slice_casecmp_cstr(st, "NO") &&
	    ps_slice_casecmp_cstr(st, "BAD"))
		return PS_EPROTO;
	m = find_tag(s, tag);
	if (!m) {
		ps_proto_anomaly(c, "imap_unknown_tag");
		return PS_OK;
	}
	if (s->cur == (int8_t)(m - s->cmds) && s->cl_lit && !s->lit_started)
		s->cl_lit = 0;       /* the literal was refused (RFC 3501 7.5) */
	if (m->kind == K_AUTH)
		s->client_auth = false;
	s->resp_len = (uint16_t)(rest.len < IMAP_RESP_MAX ? rest.len : IMAP_RESP_MAX);
	if (s->resp_len)
		memcpy(s->resp, rest.p, s->resp_len);
	kind = m->kind;
	emit(s, c, m, st);
	if (ps_slice_casecmp_cstr(st, "OK") == 0 && kind == K_STARTTLS) {
		s->stopped = true;           /* RFC 3501 section 6.2.1 */
		ps_proto_upgrade(c, PS_ALPROTO_TLS);
	} else if (ps_slice_casecmp_cstr(st, "OK") == 0 && kind == K_COMPRESS) {
		ps_proto_anomaly(c, "imap_compress");      /* RFC 4978 */
		s->stopped = true;
	}
	return PS_OK;
}

static int server_line(struct imap_state *s, struct ps_proto_ctx *c,
		       struct ps_slice line, bool whole)
{
	uint64_t n;
	bool cont = s->sl_cont;

	s->sl_cont = literal_at(line, &n) != SIZE_MAX;
	if (s->sl_cont)
		s->sl_lit = n;
	if (!whole || cont)
		return PS_OK;    /* the rest of a line after a literal, or the
				  * tail of an over-long line: only its literal */
	if (line.len >= 2 && (line.p[0] == '*' || line.p[0] == '+') &&
	    line.p[1] == ' ') {
		s->seen_valid = true;
		return PS_OK;
	}
	if (line.len == 1 && line.p[0] == '+')
		return PS_OK;
	if (tagged(s, c, line) == PS_OK) {
		s->seen_valid = true;
		return PS_OK;
	}
	ps_proto_anomaly(c, "imap_bad_response");
	if (!s->seen_valid && ++s->bad_lines >= 4)
		return PS_EPROTO;
	return PS_OK;
}

static int parse_server(struct imap_state *s, struct ps_proto_ctx *c,
			const uint8_t *data, size_t len)
{
	struct ps_slice line;
	size_t used;
	int rc;

	while (len && !s->stopped) {
		if (s->sl_lit) {
			used = len < s->sl_lit ? len : (size_t)s->sl_lit;
			s->sl_lit -= used;
			data += used;
			len -= used;
			continue;
		}
		rc = ps_proto_linebuf_next(&s->sl, data, len, &used, &line);
		data += used;
		len -= used;
		if (rc == PS_EAGAIN)
			continue;
		if (rc == PS_ELIMIT)
			ps_proto_anomaly(c, "imap_line_too_long");
		if (server_line(s, c, line, rc == PS_OK) != PS_OK)
			return PS_EPROTO;
	}
	return PS_OK;
}

/* ---- parser entry points ---------------------------------------------- */

static int imap_parse(void *state, struct ps_proto_ctx *c, enum ps_dir dir,
		      const uint8_t *data, size_t len)
{
	struct imap_state *s = state;

	lazy_init(s);
	if (s->stopped)
		return PS_OK;
	if (dir == PS_DIR_TOSERVER) {
		parse_client(s, c, data, len);
		return PS_OK;
	}
	return parse_server(s, c, data, len);
}

static void imap_gap(void *state, struct ps_proto_ctx *c, enum ps_dir dir,
		     size_t len)
{
	struct imap_state *s = state;
	uint64_t *lit;

	lazy_init(s);
	ps_proto_anomaly(c, "imap_gap");
	lit = dir == PS_DIR_TOSERVER ? &s->cl_lit : &s->sl_lit;
	if (*lit > len) {
		*lit -= len;             /* the gap fell inside a literal */
		if (dir == PS_DIR_TOSERVER)
			s->lit_capture = false;
		return;
	}
	*lit = 0;
	if (dir == PS_DIR_TOSERVER)
		s->cur = -1;
	else
		s->sl_cont = false;
	ps_proto_linebuf_gap(dir == PS_DIR_TOSERVER ? &s->cl : &s->sl);
}

static void imap_finish(void *state, struct ps_proto_ctx *c)
{
	struct imap_state *s = state;
	struct imap_cmd *m;
	size_t i;

	lazy_init(s);
	s->resp_len = 0;
	for (;;) {                       /* unanswered commands, in order */
		m = NULL;
		for (i = 0; i < IMAP_PEND_MAX; i++)
			if (s->cmds[i].used && (!m || s->cmds[i].seq < m->seq))
				m = &s->cmds[i];
		if (!m)
			break;
		emit(s, c, m, ps_slice_make(NULL, 0));
	}
	ps_proto_linebuf_release(&s->cl);
	ps_proto_linebuf_release(&s->sl);
	ps_proto_strs_release(&s->bag);
}

const struct ps_proto_parser ps_proto_imap = {
	.name = "imap",
	.id = PS_ALPROTO_IMAP,
	.l4 = PS_PROTO_L4_TCP,
	.ports = {143},
	.probe = imap_probe,
	.state_size = sizeof(struct imap_state),
	.parse = imap_parse,
	.gap = imap_gap,
	.finish = imap_finish,
};
