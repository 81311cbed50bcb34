/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JSON writer: commas and nesting are tracked per depth, strings escaped
 * with invalid UTF-8 replaced. Used for every EVE record.
 */
#include <string.h>

#include "core/core.h"
#include "core/jsonw.h"

static const char hexdig[] = "0123456789abcdef";

void ps_jw_init(struct ps_jw *w, struct ps_buf *b)
{
	memset(w, 0, sizeof(*w));
	w->b = b;
}

/*
 * Append to b: the common case (room already allocated) inline, the rest
 * through ps_buf_add with its limits and errors.
 */
static inline int buf_put(struct ps_buf *b, const void *p, size_t n)
{
	if (n < b->cap - b->len && n <= b->max - b->len) {
		memcpy(b->p + b->len, p, n);
		b->len += n;
		b->p[b->len] = '\0';
		return PS_OK;
	}
	return ps_buf_add(b, p, n);
}

static inline void put(struct ps_jw *w, const void *p, size_t n)
{
	int rc;

	if (w->err)
		return;
	rc = buf_put(w->b, p, n);
	if (rc)
		w->err = rc;
}

/* Bytes copied as they are: printable ASCII except the quote and backslash. */
static inline bool plain(uint8_t c)
{
	return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

/* Whether all 8 bytes of x are plain (exact: has-less / has-zero tricks). */
static inline bool plain8(uint64_t x)
{
	uint64_t q = x ^ (ONES * '"'), bs = x ^ (ONES * '\\');
	uint64_t bad = x | ((x - ONES * 0x20) & ~x) | ((q - ONES) & ~q) |
		       ((bs - ONES) & ~bs);

	return (bad & HIGHS) == 0;
}

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid. */
static size_t utf8_len(const uint8_t *s, size_t n)
{
	uint8_t c = s[0];
	size_t len, i;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 ||
	    cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

int ps_json_escape(struct ps_buf *b, const void *s, size_t n)
{
	const uint8_t *p = s;
	size_t i = 0, run = 0, l;
	char esc[6];
	int rc;

	while (i < n) {
		uint8_t c;

		/* Runs of plain bytes, 8 at a time. */
		while (n - i >= 8) {
			uint64_t x;

			memcpy(&x, p + i, 8);
			if (!plain8(x))
				break;
			i += 8;
			run += 8;
		}
		if (i == n)
			break;
		c = p[i];
		if (plain(c)) {
			i++;
			run++;
			continue;
		}
		if (run && (rc = buf_put(b, p + i - run, run)))
			return rc;
		run = 0;
		if (c >= 0x80) {
			l = utf8_len(p + i, n - i);
			if (l) {
				rc = buf_put(b, p + i, l);
				i += l;
			} else {
				rc = buf_put(b, "\\ufffd", 6);
				i++;
			}
			if (rc)
				return rc;
			continue;
		}
		esc[0] = '\\';
		switch (c) {
		case '"': esc[1] = '"'; l = 2; break;
		case '\\': esc[1] = '\\'; l = 2; break;
		case '\n': esc[1] = 'n'; l = 2; break;
		case '\r': esc[1] = 'r'; l = 2; break;
		case '\t': esc[1] = 't'; l = 2; break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hexdig[c >> 4];
			esc[5] = hexdig[c & 15];
			l = 6;
		}
		if ((rc = buf_put(b, esc, l)))
			return rc;
		i++;
	}
	if (run)
		return buf_put(b, p + n - run, run);
	return PS_OK;
}

/*
 * "key": straight into the buffer when it fits and every byte is plain
 * (keys are short literals); false leaves the content as it was.
 */
static bool key_fast(struct ps_buf *b, const char *k)
{
	size_t room, n = strlen(k), i = 0;
	uint8_t *o;

	if (b->p == NULL)
		return false;
	room = b->cap - b->len - 1;
	if (room > b->max - b->len)
		room = b->max - b->len;
	if (n + 3 > room)
		return false;
	for (; n - i >= 8; i += 8) {
		uint64_t x;

		memcpy(&x, k + i, 8);
		if (!plain8(x))
			return false;
	}
	for (; i < n; i++)
		if (!plain((uint8_t)k[i]))
			return false;
	o = b->p + b->len;
	o[0] = '"';
	memcpy(o + 1, k, n);
	o[1 + n] = '"';
	o[2 + n] = ':';
	o[3 + n] = '\0';
	b->len += n + 3;
	return true;
}

static void key(struct ps_jw *w, const char *k)
{
	int rc;

	if (w->err)
		return;
	if (w->comma[w->depth])
		put(w, ",", 1);
	w->comma[w->depth] = true;
	if (!k || w->err || key_fast(w->b, k))
		return;
	put(w, "\"", 1);
	if (!w->err && (rc = ps_json_escape(w->b, k, strlen(k))))
		w->err = rc;
	put(w, "\":", 2);
}

static void jw_open(struct ps_jw *w, const char *k, char c)
{
	key(w, k);
	put(w, &c, 1);
	if (w->err)
		return;
	if (w->depth >= PS_JW_MAX_DEPTH) {
		w->err = PS_EINVAL;
		return;
	}
	w->comma[++w->depth] = false;
}

static void close_(struct ps_jw *w, char c)
{
	if (w->err)
		return;
	if (!w->depth) {
		w->err = PS_EINVAL;
		return;
	}
	w->depth--;
	put(w, &c, 1);
}

void ps_jw_obj_open(struct ps_jw *w, const char *k) { jw_open(w, k, '{'); }
void ps_jw_obj_close(struct ps_jw *w) { close_(w, '}'); }
void ps_jw_arr_open(struct ps_jw *w, const char *k) { jw_open(w, k, '['); }
void ps_jw_arr_close(struct ps_jw *w) { close_(w, ']'); }

/* Whether all n bytes at s are plain. */
static inline bool all_plain(const uint8_t *s, size_t n)
{
	size_t i = 0;

	for (; n - i >= 8; i += 8) {
		uint64_t x;

		memcpy(&x, s + i, 8);
		if (!plain8(x))
			return false;
	}
	for (; i < n; i++)
		if (!plain(s[i]))
			return false;
	return true;
}

void ps_jw_strn(struct ps_jw *w, const char *k, const void *s, size_t n)
{
	struct ps_buf *b = w->b;
	int rc;

	key(w, k);
	if (w->err)
		return;
	if (n + 2 < b->cap - b->len && n + 2 <= b->max - b->len &&
	    all_plain(s, n)) {
		uint8_t *o = b->p + b->len;

		o[0] = '"';
		memcpy(o + 1, s, n);
		o[n + 1] = '"';
		o[n + 2] = '\0';
		b->len += n + 2;
		return;
	}
	put(w, "\"", 1);
	if (!w->err && (rc = ps_json_escape(w->b, s, n)))
		w->err = rc;
	put(w, "\"", 1);
}

void ps_jw_str(struct ps_jw *w, const char *k, const char *s)
{
	if (!s) {
		ps_jw_null(w, k);
		return;
	}
	ps_jw_strn(w, k, s, strlen(s));
}

void ps_jw_uint(struct ps_jw *w, const char *k, uint64_t v)
{
	char tmp[24];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	key(w, k);
	put(w, tmp + i, sizeof(tmp) - i);
}

void ps_jw_int(struct ps_jw *w, const char *k, int64_t v)
{
	char tmp[24];
	size_t i = sizeof(tmp);
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	do {
		tmp[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		tmp[--i] = '-';
	key(w, k);
	put(w, tmp + i, sizeof(tmp) - i);
}

void ps_jw_bool(struct ps_jw *w, const char *k, bool v)
{
	key(w, k);
	if (v)
		put(w, "true", 4);
	else
		put(w, "false", 5);
}

void ps_jw_null(struct ps_jw *w, const char *k)
{
	key(w, k);
	put(w, "null", 4);
}

void ps_jw_hexsep(struct ps_jw *w, const char *k, const void *p, size_t n,
		  char sep)
{
	const uint8_t *b = p;
	char pair[3];
	size_t i;

	key(w, k);
	put(w, "\"", 1);
	for (i = 0; i < n && !w->err; i++) {
		pair[0] = hexdig[b[i] >> 4];
		pair[1] = hexdig[b[i] & 15];
		pair[2] = sep;
		put(w, pair, sep && i + 1 < n ? 3 : 2);
	}
	put(w, "\"", 1);
}

void ps_jw_hex(struct ps_jw *w, const char *k, const void *p, size_t n)
{
	ps_jw_hexsep(w, k, p, n, 0);
}

void ps_jw_raw(struct ps_jw *w, const char *k, const char *json, size_t n)
{
	key(w, k);
	put(w, json, n);
}
