/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Borrowed byte ranges (slices) and the bounded reader every parser of
 * untrusted input reads through. Neither owns memory nor assumes a NUL
 * terminator; nothing here ever reads past `p + len`.
 */
#ifndef PS_CORE_SLICE_H
#define PS_CORE_SLICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/alloc.h"
#include "core/err.h"

/*
 * `len` bytes at `p`, borrowed from whoever owns them. Invariant: p may be
 * NULL only when len == 0. Bytes are arbitrary (NUL included).
 */
struct ps_slice {
	const uint8_t *p;
	size_t len;
};

/* A slice over a string literal (not its terminator): PS_SLICE_LIT("dns"). */
#define PS_SLICE_LIT(s) ((struct ps_slice){(const uint8_t *)("" s), sizeof(s) - 1})
/* The same as a static initializer: static const struct ps_slice x = PS_SLICE_INIT("a"); */
#define PS_SLICE_INIT(s) {(const uint8_t *)("" s), sizeof(s) - 1}
/* printf a slice: printf("name '" PS_SLICE_FMT "'", PS_SLICE_ARG(s)). Stops at a NUL. */
#define PS_SLICE_FMT "%.*s"
#define PS_SLICE_ARG(s) ((s).len > INT32_MAX ? INT32_MAX : (int)(s).len), ((const char *)(s).p)

static inline struct ps_slice ps_slice_make(const void *p, size_t len)
{
	struct ps_slice s = {(const uint8_t *)p, p != NULL ? len : 0};

	return s;
}

/* The bytes of `s` before its NUL; NULL gives the empty slice. */
struct ps_slice ps_slice_from_cstr(const char *s);
/* Byte-wise equality; empty equals empty whatever the pointers. */
bool ps_slice_eq(struct ps_slice a, struct ps_slice b);
/* ASCII case-insensitive equality (bytes >= 0x80 compare exactly). */
bool ps_slice_caseeq(struct ps_slice a, struct ps_slice b);
/* Equality with a C string (NULL compares as ""). */
bool ps_slice_eq_cstr(struct ps_slice a, const char *s);
/*
 * ASCII case-insensitive ordering against a C string, like strcasecmp:
 * < 0, 0 or > 0. Locale-independent; a NUL byte inside `a` is an ordinary
 * byte (so "a\0" sorts after "a").
 */
int ps_slice_casecmp_cstr(struct ps_slice a, const char *s);
/* True when `s` begins with `prefix`. */
bool ps_slice_starts_with(struct ps_slice s, struct ps_slice prefix);

/*
 * Drop the first n bytes of *s. Returns PS_OK, or PS_EINVAL when n > s->len,
 * leaving *s unchanged.
 */
int ps_slice_advance(struct ps_slice *s, size_t n) PS_MUST_USE;
/*
 * `*out` = bytes [off, off + len) of s. Returns PS_OK, or PS_EINVAL when the
 * range is not inside s; *out is then the empty slice.
 */
int ps_slice_sub(struct ps_slice s, size_t off, size_t len, struct ps_slice *out) PS_MUST_USE;
/* Index of the first `c` in s, or -1 when absent. */
ptrdiff_t ps_slice_find_byte(struct ps_slice s, uint8_t c);
/*
 * Split s at the first `sep`: *head gets the bytes before it, *tail those
 * after. Returns false when `sep` is absent (then *head = s, *tail empty).
 * head or tail may be NULL.
 */
bool ps_slice_cut(struct ps_slice s, uint8_t sep, struct ps_slice *head,
		  struct ps_slice *tail);
/* s without leading/trailing ASCII white space (space, \t \n \v \f \r). */
struct ps_slice ps_slice_trim(struct ps_slice s);
/* A NUL-terminated copy of s; caller ps_free()s. NULL on PS_ENOMEM. */
char *ps_slice_strdup(enum ps_mem_sub sub, struct ps_slice s);

/*
 * Bounded reader over borrowed bytes, for decoders of untrusted input.
 * Every read checks what remains; when too few bytes remain it returns
 * `short_rc` and leaves the reader and the output untouched except that
 * integer outputs are zeroed and slice outputs emptied. `short_rc` is
 * PS_EPROTO after ps_reader_init (a truncated datagram is malformed) and
 * PS_EAGAIN after ps_reader_init_stream (a stream may deliver more later).
 * Invariant: off <= len. Not thread-safe (one reader per parse).
 */
struct ps_reader {
	const uint8_t *p;
	size_t len;
	size_t off;
	int short_rc;
};

static inline void ps_reader_init(struct ps_reader *r, const void *p, size_t len)
{
	r->p = (const uint8_t *)p;
	r->len = p != NULL ? len : 0;
	r->off = 0;
	r->short_rc = PS_EPROTO;
}

static inline void ps_reader_init_stream(struct ps_reader *r, const void *p, size_t len)
{
	ps_reader_init(r, p, len);
	r->short_rc = PS_EAGAIN;
}

/* Bytes not yet read. */
static inline size_t ps_reader_left(const struct ps_reader *r)
{
	return r->len - r->off;
}

/* Bytes read so far (the offset of the next byte). */
static inline size_t ps_reader_offset(const struct ps_reader *r)
{
	return r->off;
}

static inline PS_MUST_USE int ps_reader_need_(const struct ps_reader *r, size_t n)
{
	return n <= r->len - r->off ? PS_OK : r->short_rc;
}

/* Where the next unread byte is (NULL for a reader over NULL). */
static inline const uint8_t *ps_reader_cur_(const struct ps_reader *r)
{
	return r->p != NULL ? r->p + r->off : NULL;
}

/* The unread bytes as a slice; does not consume them. */
static inline struct ps_slice ps_reader_rest(const struct ps_reader *r)
{
	return ps_slice_make(ps_reader_cur_(r), r->len - r->off);
}

static inline PS_MUST_USE int ps_reader_u8(struct ps_reader *r, uint8_t *v)
{
	*v = 0;
	if (ps_reader_need_(r, 1) != PS_OK)
		return r->short_rc;
	*v = r->p[r->off++];
	return PS_OK;
}

/* Look at the next byte without consuming it. */
static inline PS_MUST_USE int ps_reader_peek_u8(const struct ps_reader *r, uint8_t *v)
{
	*v = 0;
	if (ps_reader_need_(r, 1) != PS_OK)
		return r->short_rc;
	*v = r->p[r->off];
	return PS_OK;
}

/* Read an n-byte (n <= 8) unsigned integer, big- or little-endian. */
static inline PS_MUST_USE int ps_reader_uint_(struct ps_reader *r, size_t n,
					      bool big, uint64_t *v)
{
	const uint8_t *q;
	uint64_t x = 0;

	*v = 0;
	if (ps_reader_need_(r, n) != PS_OK)
		return r->short_rc;
	q = r->p + r->off;
	for (size_t i = 0; i < n; i++)
		x = x << 8 | q[big ? i : n - 1 - i];
	*v = x;
	r->off += n;
	return PS_OK;
}

#define PS_READER_UINT_(name, type, n, big)                                  \
	static inline PS_MUST_USE int name(struct ps_reader *r, type *v)     \
	{                                                                    \
		uint64_t x;                                                  \
		int rc = ps_reader_uint_(r, (n), (big), &x);                 \
									     \
		*v = (type)x;                                                \
		return rc;                                                   \
	}

/* ps_reader_u16be(r, &v) etc.: PS_OK, or short_rc with *v = 0. u24be is TLS's. */
PS_READER_UINT_(ps_reader_u16be, uint16_t, 2, true)
PS_READER_UINT_(ps_reader_u16le, uint16_t, 2, false)
PS_READER_UINT_(ps_reader_u24be, uint32_t, 3, true)
PS_READER_UINT_(ps_reader_u32be, uint32_t, 4, true)
PS_READER_UINT_(ps_reader_u32le, uint32_t, 4, false)
PS_READER_UINT_(ps_reader_u64be, uint64_t, 8, true)
PS_READER_UINT_(ps_reader_u64le, uint64_t, 8, false)

/* Borrow the next n bytes as a slice (no copy). */
static inline PS_MUST_USE int ps_reader_bytes(struct ps_reader *r, size_t n,
					      struct ps_slice *out)
{
	out->p = NULL;
	out->len = 0;
	if (ps_reader_need_(r, n) != PS_OK)
		return r->short_rc;
	*out = ps_slice_make(ps_reader_cur_(r), n);
	r->off += n;
	return PS_OK;
}

/* Copy the next n bytes into dst (which holds at least n bytes). */
static inline PS_MUST_USE int ps_reader_copy(struct ps_reader *r, void *dst, size_t n)
{
	if (ps_reader_need_(r, n) != PS_OK)
		return r->short_rc;
	if (n != 0)
		memcpy(dst, r->p + r->off, n);
	r->off += n;
	return PS_OK;
}

static inline PS_MUST_USE int ps_reader_skip(struct ps_reader *r, size_t n)
{
	if (ps_reader_need_(r, n) != PS_OK)
		return r->short_rc;
	r->off += n;
	return PS_OK;
}

/*
 * Consume the next n bytes of r and set up *sub to read exactly them (a
 * length-prefixed field). The field is complete, so a short read inside
 * *sub is PS_EPROTO whatever r's policy. On failure *sub is empty.
 */
static inline PS_MUST_USE int ps_reader_sub(struct ps_reader *r, size_t n,
					    struct ps_reader *sub)
{
	ps_reader_init(sub, NULL, 0);
	if (ps_reader_need_(r, n) != PS_OK)
		return r->short_rc;
	ps_reader_init(sub, ps_reader_cur_(r), n);
	r->off += n;
	return PS_OK;
}

#endif
