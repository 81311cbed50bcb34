/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Streaming JSON writer over a bounded ps_buf, for event output on the hot
 * path. Errors are sticky: callers write a whole record and check once.
 */
#ifndef PS_CORE_JSONW_H
#define PS_CORE_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define PS_JW_MAX_DEPTH 16

/*
 * A writer appends to `b`. Every value takes a key: pass a key inside
 * objects and NULL inside arrays or for the top-level value. Strings are
 * escaped for JSON; bytes that are not valid UTF-8 become U+FFFD, so the
 * output is always valid UTF-8 JSON (PostgreSQL accepts it).
 */
struct ps_jw {
	struct ps_buf *b;
	int err;                           /* first error, PS_OK if none */
	uint8_t depth;
	bool comma[PS_JW_MAX_DEPTH + 1];   /* a value was written at this depth */
};

void ps_jw_init(struct ps_jw *w, struct ps_buf *b);
void ps_jw_obj_open(struct ps_jw *w, const char *key);
void ps_jw_obj_close(struct ps_jw *w);
void ps_jw_arr_open(struct ps_jw *w, const char *key);
void ps_jw_arr_close(struct ps_jw *w);
void ps_jw_str(struct ps_jw *w, const char *key, const char *s);
/* `n` bytes of possibly binary text. */
void ps_jw_strn(struct ps_jw *w, const char *key, const void *s, size_t n);
void ps_jw_int(struct ps_jw *w, const char *key, int64_t v);
void ps_jw_uint(struct ps_jw *w, const char *key, uint64_t v);
void ps_jw_bool(struct ps_jw *w, const char *key, bool v);
void ps_jw_null(struct ps_jw *w, const char *key);
/* Lower-case hex of `n` bytes, e.g. a digest. */
void ps_jw_hex(struct ps_jw *w, const char *key, const void *p, size_t n);
/* `n` bytes as hex pairs joined by `sep` (e.g. ':' for fingerprints). */
void ps_jw_hexsep(struct ps_jw *w, const char *key, const void *p, size_t n,
		  char sep);
/* A value that is already JSON (trusted, not checked). */
void ps_jw_raw(struct ps_jw *w, const char *key, const char *json, size_t n);
/* The first error (PS_ELIMIT, PS_ENOMEM, PS_EINVAL on misnesting) or PS_OK. */
static inline int ps_jw_error(const struct ps_jw *w)
{
	return w->err;
}

/* Append `n` bytes as the inside of a JSON string (no quotes) to b. */
int ps_json_escape(struct ps_buf *b, const void *s, size_t n) PS_MUST_USE;

#endif
