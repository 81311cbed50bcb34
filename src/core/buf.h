/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bounded growable byte buffer (the idea of curl's dynbuf): text and binary
 * output is built here, never in fixed arrays with strcat. Every buffer has
 * a maximum length; hitting it is an error, never a silent truncation.
 */
#ifndef PS_CORE_BUF_H
#define PS_CORE_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "core/alloc.h"
#include "core/err.h"
#include "core/slice.h"

/*
 * Invariants: len <= max; when p != NULL, cap > len and p[len] == '\0' (so
 * the content is always a C string view, though it may hold NUL bytes);
 * p == NULL means nothing was allocated yet and len == cap == 0.
 * A buffer is not thread-safe; guard it if shared.
 */
struct ps_buf {
	uint8_t *p;
	size_t len;
	size_t cap;  /* bytes allocated, including room for the NUL */
	size_t max;  /* maximum len */
	enum ps_mem_sub sub;
};

/* Static initializer equivalent to ps_buf_init(). */
#define PS_BUF_INIT(sub, max) {NULL, 0, 0, (max), (sub)}

/* Empty buffer holding at most `max` bytes, charged to `sub`. No allocation. */
void ps_buf_init(struct ps_buf *b, enum ps_mem_sub sub, size_t max);
/*
 * Append bytes. All adders return PS_OK; PS_ELIMIT when the result would be
 * longer than `max`; PS_ENOMEM when growing fails. On any error the buffer
 * is exactly as before the call.
 */
int ps_buf_add(struct ps_buf *b, const void *p, size_t n) PS_MUST_USE;
int ps_buf_addstr(struct ps_buf *b, const char *s) PS_MUST_USE;
int ps_buf_addslice(struct ps_buf *b, struct ps_slice s) PS_MUST_USE;
int ps_buf_addch(struct ps_buf *b, uint8_t c) PS_MUST_USE;
/* printf-style append; PS_EINVAL on an encoding error from vsnprintf. */
int ps_buf_addf(struct ps_buf *b, const char *fmt, ...) PS_MUST_USE PS_PRINTF(2, 3);
int ps_buf_vaddf(struct ps_buf *b, const char *fmt, va_list ap) PS_MUST_USE
	PS_PRINTF(2, 0);
/* Make room for `n` more bytes without changing the content. */
int ps_buf_reserve(struct ps_buf *b, size_t n) PS_MUST_USE;
/* Shorten to `len` bytes (no-op if len >= current length). */
void ps_buf_truncate(struct ps_buf *b, size_t len);
/* Empty the buffer, keeping its memory for reuse. */
void ps_buf_reset(struct ps_buf *b);
/* Free the memory; the buffer is empty and reusable with the same sub/max. */
void ps_buf_release(struct ps_buf *b);
/* The content as a NUL-terminated string, borrowed until the next change; "" when empty. */
const char *ps_buf_cstr(const struct ps_buf *b);
/* The content as a slice, borrowed until the next change. */
struct ps_slice ps_buf_slice(const struct ps_buf *b);
static inline size_t ps_buf_len(const struct ps_buf *b)
{
	return b->len;
}
/*
 * Transfer the content to the caller as a NUL-terminated block to be
 * ps_free()d; its length goes to *len if len != NULL. The buffer is left
 * empty (as after release). Returns NULL only on PS_ENOMEM, possible when
 * nothing had been allocated yet (the buffer is then unchanged).
 */
char *ps_buf_take(struct ps_buf *b, size_t *len) PS_MUST_USE;

#endif
