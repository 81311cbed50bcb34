/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The line splitter, string bag and SASL decoding shared by the cleartext
 * mail and file-transfer parsers. Everything here is bounded and never
 * keeps a password: SASL secrets are measured, not stored.
 */
#include <limits.h>
#include <string.h>

#include "core/core.h"
#include "proto/linebuf.h"
#include "proto/proto.h"

void ps_proto_linebuf_init(struct ps_proto_linebuf *lb, size_t max)
{
	memset(lb, 0, sizeof(*lb));
	lb->max = max;
	ps_buf_init(&lb->part, PS_MEM_PROTO, max + 1);
}

void ps_proto_linebuf_release(struct ps_proto_linebuf *lb)
{
	ps_buf_release(&lb->part);
	lb->acc = 0;
	lb->skip = lb->resync = lb->used_part = false;
	lb->tail_len = 0;
}

void ps_proto_linebuf_reset(struct ps_proto_linebuf *lb)
{
	ps_buf_reset(&lb->part);
	lb->acc = 0;
	lb->skip = lb->resync = lb->used_part = false;
	lb->tail_len = 0;
}

void ps_proto_linebuf_gap(struct ps_proto_linebuf *lb)
{
	ps_proto_linebuf_reset(lb);
	lb->resync = true;
}

/* Keep the last PS_LINEBUF_TAIL bytes seen of an over-long line. */
static void tail_add(struct ps_proto_linebuf *lb, const uint8_t *p, size_t n)
{
	size_t keep;

	if (n == 0)
		return;
	if (n >= PS_LINEBUF_TAIL) {
		memcpy(lb->tail, p + n - PS_LINEBUF_TAIL, PS_LINEBUF_TAIL);
		lb->tail_len = PS_LINEBUF_TAIL;
		return;
	}
	keep = lb->tail_len + n > PS_LINEBUF_TAIL ? PS_LINEBUF_TAIL - n :
		lb->tail_len;
	memmove(lb->tail, lb->tail + lb->tail_len - keep, keep);
	memcpy(lb->tail + keep, p, n);
	lb->tail_len = (uint8_t)(keep + n);
}

static struct ps_slice chop_cr(const uint8_t *p, size_t n)
{
	if (n && p[n - 1] == '\r')
		n--;
	return ps_slice_make(p, n);
}

/* Start dropping the current line: remember its tail, free the copy. */
static void start_skip(struct ps_proto_linebuf *lb)
{
	lb->tail_len = 0;
	tail_add(lb, lb->part.p, lb->part.len);
	ps_buf_reset(&lb->part);
	lb->skip = true;
}

/* The LF of a dropped line arrived after `n` more bytes. */
static int end_skip(struct ps_proto_linebuf *lb, const uint8_t *data,
		    size_t n, struct ps_slice *line)
{
	bool silent = lb->resync;

	lb->raw = (size_t)(lb->acc + n + 1);
	tail_add(lb, data, n);
	lb->skip = lb->resync = false;
	lb->acc = 0;
	if (silent)
		return PS_EAGAIN;
	*line = chop_cr(lb->tail, lb->tail_len);
	return PS_ELIMIT;
}

int ps_proto_linebuf_next(struct ps_proto_linebuf *lb, const uint8_t *data,
			  size_t len, size_t *used, struct ps_slice *line)
{
	const uint8_t *lf = len ? memchr(data, '\n', len) : NULL;
	size_t n = lf ? (size_t)(lf - data) : len;   /* bytes before the LF */
	size_t old;

	*line = ps_slice_make(NULL, 0);
	if (lb->used_part) {
		ps_buf_reset(&lb->part);
		lb->used_part = false;
	}
	*used = lf ? n + 1 : len;
	if (lb->skip || lb->resync) {
		if (lf)
			return end_skip(lb, data, n, line);
		tail_add(lb, data, n);
		lb->acc += n;
		return PS_EAGAIN;
	}
	if (!lf) {
		if (ps_buf_add(&lb->part, data, n) != PS_OK) {
			start_skip(lb);
			tail_add(lb, data, n);
		}
		lb->acc += n;
		return PS_EAGAIN;
	}
	if (lb->part.len == 0) {
		lb->raw = n + 1;
		*line = chop_cr(data, n);
		if (line->len <= lb->max)
			return PS_OK;
		lb->acc = 0;
		lb->tail_len = 0;
		return end_skip(lb, data, n, line);
	}
	old = lb->part.len;
	if (ps_buf_add(&lb->part, data, n) == PS_OK &&
	    chop_cr(lb->part.p, lb->part.len).len <= lb->max) {
		lb->raw = lb->part.len + 1;
		lb->acc = 0;
		lb->used_part = true;
		*line = chop_cr(lb->part.p, lb->part.len);
		return PS_OK;
	}
	ps_buf_truncate(&lb->part, old);
	start_skip(lb);
	return end_skip(lb, data, n, line);
}

/* ---- tagged string bag ------------------------------------------------ */

void ps_proto_strs_init(struct ps_proto_strs *s, size_t max)
{
	ps_buf_init(&s->b, PS_MEM_PROTO, max);
	s->n = 0;
}

void ps_proto_strs_reset(struct ps_proto_strs *s)
{
	ps_buf_reset(&s->b);
	s->n = 0;
}

void ps_proto_strs_release(struct ps_proto_strs *s)
{
	ps_buf_release(&s->b);
	s->n = 0;
}

int ps_proto_strs_add(struct ps_proto_strs *s, uint8_t tag, const void *p,
		      size_t n)
{
	uint8_t hdr[3];
	size_t old = s->b.len;
	int rc;

	if (s->n == UINT16_MAX)
		return PS_ELIMIT;
	if (n > UINT16_MAX)
		n = UINT16_MAX;
	hdr[0] = tag;
	hdr[1] = (uint8_t)(n >> 8);
	hdr[2] = (uint8_t)n;
	rc = ps_buf_add(&s->b, hdr, sizeof(hdr));
	if (rc == PS_OK && n)
		rc = ps_buf_add(&s->b, p, n);
	if (rc != PS_OK) {
		ps_buf_truncate(&s->b, old);
		return rc;
	}
	s->n++;
	return PS_OK;
}

/* Offset of the last entry's header, or SIZE_MAX when empty. */
static size_t last_entry(const struct ps_proto_strs *s)
{
	size_t off = 0, last = SIZE_MAX;

	while (off + 3 <= s->b.len) {
		last = off;
		off += 3 + ((size_t)s->b.p[off + 1] << 8 | s->b.p[off + 2]);
	}
	return last;
}

int ps_proto_strs_append(struct ps_proto_strs *s, uint8_t tag, const void *p,
			 size_t n)
{
	size_t last = last_entry(s), cur;
	int rc;

	if (last == SIZE_MAX || s->b.p[last] != tag)
		return PS_ENOENT;
	cur = (size_t)s->b.p[last + 1] << 8 | s->b.p[last + 2];
	if (n > UINT16_MAX - cur)
		n = UINT16_MAX - cur;
	rc = ps_buf_add(&s->b, p, n);
	if (rc != PS_OK)
		return rc;
	cur += n;
	s->b.p[last + 1] = (uint8_t)(cur >> 8);
	s->b.p[last + 2] = (uint8_t)cur;
	return PS_OK;
}

void ps_proto_strs_del(struct ps_proto_strs *s, uint8_t tag)
{
	size_t off = 0, out = 0, n;

	while (off + 3 <= s->b.len) {
		n = 3 + ((size_t)s->b.p[off + 1] << 8 | s->b.p[off + 2]);
		if (s->b.p[off] == tag) {
			s->n--;
		} else {
			if (out != off)
				memmove(s->b.p + out, s->b.p + off, n);
			out += n;
		}
		off += n;
	}
	ps_buf_truncate(&s->b, out);
}

bool ps_proto_strs_next(const struct ps_proto_strs *s, size_t *off,
			uint8_t *tag, struct ps_slice *v)
{
	size_t o = *off, n;

	if (o + 3 > s->b.len)
		return false;
	n = (size_t)s->b.p[o + 1] << 8 | s->b.p[o + 2];
	*tag = s->b.p[o];
	*v = ps_slice_make(s->b.p + o + 3, n);
	*off = o + 3 + n;
	return true;
}

bool ps_proto_strs_get(const struct ps_proto_strs *s, uint8_t tag,
		       struct ps_slice *v)
{
	size_t off = 0;
	uint8_t t;

	while (ps_proto_strs_next(s, &off, &t, v))
		if (t == tag)
			return true;
	*v = ps_slice_make(NULL, 0);
	return false;
}

size_t ps_proto_strs_count(const struct ps_proto_strs *s, uint8_t tag)
{
	size_t off = 0, n = 0;
	struct ps_slice v;
	uint8_t t;

	while (ps_proto_strs_next(s, &off, &t, &v))
		n += t == tag;
	return n;
}

void ps_proto_strs_write_one(struct ps_jw *w, const char *key,
			     const struct ps_proto_strs *s, uint8_t tag)
{
	struct ps_slice v;

	if (ps_proto_strs_get(s, tag, &v))
		ps_jw_strn(w, key, v.p, v.len);
}

void ps_proto_strs_write_all(struct ps_jw *w, const char *key,
			     const struct ps_proto_strs *s, uint8_t tag)
{
	size_t off = 0;
	struct ps_slice v;
	bool open = false;
	uint8_t t;

	while (ps_proto_strs_next(s, &off, &t, &v)) {
		if (t != tag)
			continue;
		if (!open)
			ps_jw_arr_open(w, key);
		open = true;
		ps_jw_strn(w, NULL, v.p, v.len);
	}
	if (open)
		ps_jw_arr_close(w);
}

/* ---- base64 and SASL -------------------------------------------------- */

static int b64_val(uint8_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

long ps_proto_b64_len(struct ps_slice in)
{
	size_t i, pad = 0;

	in = ps_slice_trim(in);
	if (in.len % 4 || in.len > (size_t)LONG_MAX / 2)
		return -1;
	for (i = 0; i < in.len; i++) {
		if (in.p[i] == '=') {
			if (i < in.len - 2)
				return -1;
			pad++;
		} else if (pad || b64_val(in.p[i]) < 0) {
			return -1;
		}
	}
	return (long)(in.len / 4 * 3 - pad);
}

int ps_proto_b64_decode(struct ps_slice in, uint8_t *out, size_t cap,
			size_t *n)
{
	long total = ps_proto_b64_len(in);
	uint32_t acc = 0;
	size_t i, o = 0, bits = 0;

	*n = 0;
	if (total < 0)
		return PS_EPROTO;
	if ((size_t)total > cap)
		return PS_ELIMIT;
	in = ps_slice_trim(in);
	for (i = 0; i < in.len && in.p[i] != '='; i++) {
		acc = acc << 6 | (uint32_t)b64_val(in.p[i]);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	*n = o;
	return PS_OK;
}

static void upper_copy(char *dst, size_t cap, struct ps_slice s)
{
	size_t i, n = s.len < cap - 1 ? s.len : cap - 1;

	for (i = 0; i < n; i++) {
		uint8_t c = s.p[i];

		dst[i] = (char)(c >= 'a' && c <= 'z' ? c - 32 :
				c < 0x21 || c > 0x7e ? '?' : c);
	}
	dst[n] = '\0';
}

static void set_user(struct ps_proto_sasl *a, const uint8_t *p, size_t n)
{
	if (n > PS_SASL_USER_MAX)
		n = PS_SASL_USER_MAX;
	memcpy(a->user, p, n);
	a->user_len = (uint8_t)n;
	a->have_user = true;
}

/* RFC 4616 section 2: [authzid] NUL authcid NUL passwd. */
static void sasl_plain(struct ps_proto_sasl *a, struct ps_slice b64)
{
	uint8_t buf[1024];
	const uint8_t *nul1, *nul2;
	size_t n;

	if (ps_proto_b64_decode(b64, buf, sizeof(buf), &n) != PS_OK) {
		a->bad = true;
		return;
	}
	nul1 = memchr(buf, 0, n);
	nul2 = nul1 ? memchr(nul1 + 1, 0, n - (size_t)(nul1 + 1 - buf)) : NULL;
	if (!nul2) {
		a->bad = true;
	} else {
		set_user(a, nul1 + 1, (size_t)(nul2 - nul1 - 1));
		a->pass_len = (uint32_t)(n - (size_t)(nul2 + 1 - buf));
		a->have_pass = true;
	}
	explicit_bzero(buf, sizeof(buf));
}

static void sasl_login_user(struct ps_proto_sasl *a, struct ps_slice b64)
{
	uint8_t buf[PS_SASL_USER_MAX * 2];
	size_t n;
	int rc = ps_proto_b64_decode(b64, buf, sizeof(buf), &n);

	if (rc == PS_OK)
		set_user(a, buf, n);
	else
		a->bad = true;
}

static void sasl_step(struct ps_proto_sasl *a, struct ps_slice r)
{
	long n;

	r = ps_slice_trim(r);
	if (r.len == 1 && r.p[0] == '*') {            /* RFC 4954 cancel */
		a->cancelled = true;
		a->active = false;
		return;
	}
	if (r.len == 1 && r.p[0] == '=')             /* empty response */
		r.len = 0;
	a->step++;
	if (a->kind == PS_SASL_PLAIN) {
		sasl_plain(a, r);
		a->active = false;
	} else if (a->kind == PS_SASL_LOGIN && a->step == 1) {
		sasl_login_user(a, r);
	} else if (a->kind == PS_SASL_LOGIN) {
		n = ps_proto_b64_len(r);
		if (n < 0)
			a->bad = true;
		else
			a->pass_len = (uint32_t)n, a->have_pass = true;
		a->active = false;
	} else if (a->step >= 8) {
		a->active = false;                   /* give up on others */
	}
}

void ps_proto_sasl_start(struct ps_proto_sasl *a, struct ps_slice mech,
			 bool has_ir, struct ps_slice ir)
{
	memset(a, 0, sizeof(*a));
	upper_copy(a->mech, sizeof(a->mech), mech);
	if (!strcmp(a->mech, "PLAIN"))
		a->kind = PS_SASL_PLAIN;
	else if (!strcmp(a->mech, "LOGIN"))
		a->kind = PS_SASL_LOGIN;
	a->active = true;
	if (has_ir)
		sasl_step(a, ir);
}

void ps_proto_sasl_response(struct ps_proto_sasl *a, struct ps_slice line)
{
	if (a->active)
		sasl_step(a, line);
}

void ps_proto_sasl_write(struct ps_jw *w, const struct ps_proto_sasl *a)
{
	ps_jw_str(w, "mechanism", a->mech);
	if (a->have_user)
		ps_jw_strn(w, "user", a->user, a->user_len);
	if (a->have_pass)
		ps_proto_write_secret(w, "password", NULL, a->pass_len);
	if (a->cancelled)
		ps_jw_bool(w, "cancelled", true);
}

/* ---- small text helpers ----------------------------------------------- */

static uint8_t lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

enum ps_probe ps_proto_probe_prefix(const uint8_t *data, size_t len,
				    const char *word)
{
	size_t i, n = strlen(word);

	for (i = 0; i < n && i < len; i++)
		if (lower(data[i]) != lower((uint8_t)word[i]))
			return PS_PROBE_NO;
	return len >= n ? PS_PROBE_YES : PS_PROBE_MORE;
}

bool ps_proto_ci_prefix(struct ps_slice s, const char *prefix)
{
	size_t i, n = strlen(prefix);

	if (s.len < n)
		return false;
	for (i = 0; i < n; i++)
		if (lower(s.p[i]) != lower((uint8_t)prefix[i]))
			return false;
	return true;
}

bool ps_proto_ci_contains(struct ps_slice s, const char *needle)
{
	size_t i, n = strlen(needle);

	for (i = 0; n <= s.len && i <= s.len - n; i++)
		if (ps_proto_ci_prefix(ps_slice_make(s.p + i, n), needle))
			return true;
	return false;
}

struct ps_slice ps_proto_word(struct ps_slice *s)
{
	struct ps_slice w;
	size_t i = 0, start;

	while (i < s->len && (s->p[i] == ' ' || s->p[i] == '\t'))
		i++;
	start = i;
	while (i < s->len && s->p[i] != ' ' && s->p[i] != '\t')
		i++;
	w = ps_slice_make(s->p ? s->p + start : NULL, i - start);
	while (i < s->len && (s->p[i] == ' ' || s->p[i] == '\t'))
		i++;
	*s = ps_slice_make(s->p ? s->p + i : NULL, s->len - i);
	return w;
}

bool ps_proto_parse_uint(struct ps_slice s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0, d;
	size_t i;

	*out = 0;
	if (s.len == 0 || s.len > 20)
		return false;
	for (i = 0; i < s.len; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return false;
		d = (uint64_t)(s.p[i] - '0');
		if (v > max / 10 || d > max - v * 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}
