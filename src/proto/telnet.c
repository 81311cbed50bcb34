/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Telnet (RFC 854, 855) parser: strips option negotiation, follows the
 * server's login and password prompts and the client's keystrokes (often
 * one byte per segment) and emits one EVE "telnet" event per login attempt.
 * The password is only counted; tracking stops after a successful login
 * or after TELNET_TRACK_MAX bytes, so a long session costs almost nothing.
 */
#include <string.h>

#include "core/core.h"
#include "proto/linebuf.h"
#include "proto/parsers.h"
#include "proto/proto.h"

#define TELNET_TRACK_MAX (64u << 10)
#define TELNET_SB_MAX 512        /* subnegotiation bytes before giving up */
#define TELNET_LINE_MAX 128      /* server line kept for prompt matching */
#define TELNET_BANNER_MAX 256
#define TELNET_USER_MAX 64
#define TELNET_RESULT_MAX 2048   /* server text after a password, no verdict */

/* RFC 854 commands. */
#define IAC 255
#define SB 250
#define SE 240
#define WILL 251
#define DONT 254

enum { I_DATA, I_CMD, I_OPT, I_SB, I_SB_IAC };

/* Where the login stands. */
enum { P_WAIT, P_USER, P_WAIT_PASS, P_PASS, P_RESULT };

struct telnet_state {
	uint8_t iac[2];              /* per direction IAC state */
	uint16_t sb_len[2];
	bool cr[2];                  /* last data byte was CR */
	uint8_t phase;
	bool tracking_off;           /* done: logged in or over the cap */
	bool have_user, have_pass;
	bool line_dirty;             /* server text since the last check */
	bool banner_done;
	uint8_t user_len, line_len;
	uint16_t banner_len;
	uint32_t pass_len;
	uint32_t total;              /* bytes seen while tracking */
	uint32_t result_bytes;
	char user[TELNET_USER_MAX];
	char line[TELNET_LINE_MAX];  /* current server line, lower case */
	char banner[TELNET_BANNER_MAX];
};

static enum ps_probe telnet_probe(const uint8_t *d, size_t len, enum ps_dir dir)
{
	(void)dir;
	if (len == 0 || d[0] != IAC)
		return PS_PROBE_NO;
	if (len == 1)
		return PS_PROBE_MORE;
	return d[1] >= WILL && d[1] <= DONT ? PS_PROBE_YES : PS_PROBE_NO;
}

/* ---- events ----------------------------------------------------------- */

/* Emit the attempt; success is -1 when unknown. */
static void emit(struct telnet_state *s, struct ps_proto_ctx *c, int success)
{
	struct ps_jw *w;
	size_t n = s->banner_len;

	while (n && (s->banner[n - 1] == ' ' || s->banner[n - 1] == '\r' ||
		     s->banner[n - 1] == '\n' || s->banner[n - 1] == '\t'))
		n--;
	w = ps_proto_event_begin(c, "telnet");
	ps_jw_obj_open(w, "telnet");
	if (s->have_user)
		ps_jw_strn(w, "username", s->user, s->user_len);
	else
		ps_jw_null(w, "username");
	if (s->have_pass)
		ps_proto_write_secret(w, "password", NULL, s->pass_len);
	if (success < 0)
		ps_jw_null(w, "login_success");
	else
		ps_jw_bool(w, "login_success", success > 0);
	ps_jw_strn(w, "server_banner", s->banner, n);
	ps_jw_obj_close(w);
	ps_proto_event_end(c);
	ps_proto_anomaly(c, "telnet_login");
	s->have_user = s->have_pass = false;
	s->user_len = 0;
	s->pass_len = 0;
	s->result_bytes = 0;
}

/* ---- server text ------------------------------------------------------ */

static struct ps_slice line_trimmed(const struct telnet_state *s)
{
	size_t n = s->line_len;

	while (n && (s->line[n - 1] == ' ' || s->line[n - 1] == '\t'))
		n--;
	return ps_slice_make(s->line, n);
}

static bool is_pass_prompt(struct ps_slice l)
{
	return l.len && l.p[l.len - 1] == ':' &&
	       (ps_proto_ci_contains(l, "password") ||
		ps_proto_ci_contains(l, "passcode"));
}

static bool is_login_prompt(struct ps_slice l)
{
	return l.len && l.p[l.len - 1] == ':' &&
	       (ps_proto_ci_contains(l, "login") ||
		ps_proto_ci_contains(l, "username") ||
		ps_proto_ci_contains(l, "user name"));
}

static bool is_failure(struct ps_slice l)
{
	static const char *const words[] = {"incorrect", "failed", "failure",
		"denied", "invalid", "bad password", "not authorized"};
	size_t i;

	for (i = 0; i < PS_ARRAY_LEN(words); i++)
		if (ps_proto_ci_contains(l, words[i]))
			return true;
	return false;
}

/* A shell prompt ends in $ # > or % (after spaces). */
static bool is_success(struct ps_slice l)
{
	uint8_t last = l.len ? l.p[l.len - 1] : 0;

	return last == '$' || last == '#' || last == '>' || last == '%' ||
	       ps_proto_ci_contains(l, "last login");
}

/*
 * Look at the server line (`ended`: its end of line arrived) for a prompt
 * or a verdict on the password.
 */
static void check_line(struct telnet_state *s, struct ps_proto_ctx *c,
		       bool ended)
{
	struct ps_slice l = line_trimmed(s);

	s->line_dirty = false;
	if (!l.len)
		return;
	if (is_pass_prompt(l)) {
		if (s->phase == P_RESULT)
			emit(s, c, 0);              /* asked again: failed */
		s->phase = P_PASS;
		s->banner_done = true;
	} else if (is_login_prompt(l)) {
		if (s->phase == P_RESULT)
			emit(s, c, 0);
		s->phase = P_USER;
		s->have_user = false;
		s->user_len = 0;
		s->banner_done = true;
	} else if (s->phase == P_RESULT && is_failure(l)) {
		emit(s, c, 0);
		s->phase = P_WAIT;
	} else if (s->phase == P_RESULT && (is_success(l) ||
		   (ended && s->result_bytes > TELNET_RESULT_MAX))) {
		emit(s, c, 1);
		s->tracking_off = true;
	}
}

static void server_byte(struct telnet_state *s, struct ps_proto_ctx *c,
			uint8_t b)
{
	if (!s->banner_done && b && s->banner_len < TELNET_BANNER_MAX)
		s->banner[s->banner_len++] = (char)b;
	if (s->phase == P_RESULT)
		s->result_bytes++;
	if (b == '\r' || b == '\n') {
		if (s->line_dirty)
			check_line(s, c, true);
		s->line_len = 0;
		return;
	}
	if (b == 0)
		return;
	if (s->line_len == TELNET_LINE_MAX) {   /* keep the line's end */
		memmove(s->line, s->line + TELNET_LINE_MAX / 2, TELNET_LINE_MAX / 2);
		s->line_len = TELNET_LINE_MAX / 2;
	}
	s->line[s->line_len++] = (char)b;
	s->line_dirty = true;
}

/* ---- client keystrokes ------------------------------------------------ */

static void client_byte(struct telnet_state *s, uint8_t b)
{
	bool eol = b == '\r' || b == '\n';
	bool after_cr = s->cr[PS_DIR_TOSERVER];

	s->cr[PS_DIR_TOSERVER] = b == '\r';
	if (after_cr && (b == '\n' || b == 0))
		return;                          /* CR LF, CR NUL (RFC 854) */
	if (s->phase == P_USER) {
		if (eol) {
			s->have_user = true;
			s->phase = P_WAIT_PASS;
		} else if (b == 0x08 || b == 0x7f) {
			if (s->user_len)
				s->user_len--;
		} else if (b >= 0x20 && s->user_len < TELNET_USER_MAX) {
			s->user[s->user_len++] = (char)b;
		}
	} else if (s->phase == P_PASS) {
		if (eol) {
			s->have_pass = true;
			s->phase = P_RESULT;
			s->result_bytes = 0;
		} else if (b == 0x08 || b == 0x7f) {
			if (s->pass_len)
				s->pass_len--;
		} else if (b >= 0x20 || b == '\t') {
			s->pass_len++;
		}
	}
}

/* ---- option negotiation (RFC 854, 855) -------------------------------- */

/* Run one byte through the IAC machine; true when it is data. */
static bool iac_byte(struct telnet_state *s, struct ps_proto_ctx *c,
		     enum ps_dir d, uint8_t b)
{
	switch (s->iac[d]) {
	case I_DATA:
		if (b != IAC)
			return true;
		s->iac[d] = I_CMD;
		return false;
	case I_CMD:
		s->iac[d] = b == IAC ? I_DATA : b >= WILL ? I_OPT :
			b == SB ? I_SB : I_DATA;
		if (b == SB)
			s->sb_len[d] = 0;
		return b == IAC;                 /* IAC IAC is a 255 byte */
	case I_OPT:
		s->iac[d] = I_DATA;
		return false;
	case I_SB:
		if (b == IAC) {
			s->iac[d] = I_SB_IAC;
		} else if (++s->sb_len[d] > TELNET_SB_MAX) {
			ps_proto_anomaly(c, "telnet_sb_too_long");
			s->iac[d] = I_DATA;
		}
		return false;
	default:                                 /* I_SB_IAC */
		s->iac[d] = b == IAC ? I_SB : I_DATA;
		if (b != IAC && b != SE)
			ps_proto_anomaly(c, "telnet_bad_sb");
		return false;
	}
}

/* ---- parser entry points ---------------------------------------------- */

static int telnet_parse(void *state, struct ps_proto_ctx *c, enum ps_dir dir,
			const uint8_t *data, size_t len)
{
	struct telnet_state *s = state;
	size_t i;

	if (s->tracking_off)
		return PS_OK;
	for (i = 0; i < len && !s->tracking_off; i++) {
		if (!iac_byte(s, c, dir, data[i]))
			continue;
		if (dir == PS_DIR_TOCLIENT)
			server_byte(s, c, data[i]);
		else
			client_byte(s, data[i]);
	}
	if (dir == PS_DIR_TOCLIENT && s->line_dirty && !s->tracking_off)
		check_line(s, c, false);
	s->total += (uint32_t)(len < TELNET_TRACK_MAX ? len : TELNET_TRACK_MAX);
	if (s->total >= TELNET_TRACK_MAX && !s->tracking_off) {
		ps_proto_anomaly(c, "telnet_tracking_limit");
		s->tracking_off = true;
	}
	return PS_OK;
}

static void telnet_gap(void *state, struct ps_proto_ctx *c, enum ps_dir dir,
		       size_t len)
{
	struct telnet_state *s = state;

	(void)len;
	s->iac[dir] = I_DATA;
	if (!s->tracking_off)
		ps_proto_anomaly(c, "telnet_gap");
}

static void telnet_finish(void *state, struct ps_proto_ctx *c)
{
	struct telnet_state *s = state;

	if (s->have_pass || (s->have_user && s->phase != P_USER))
		emit(s, c, -1);
}

const struct ps_proto_parser ps_proto_telnet = {
	.name = "telnet",
	.id = PS_ALPROTO_TELNET,
	.l4 = PS_PROTO_L4_TCP,
	.ports = {23},
	.probe = telnet_probe,
	.state_size = sizeof(struct telnet_state),
	.parse = telnet_parse,
	.gap = telnet_gap,
	.finish = telnet_finish,
};
