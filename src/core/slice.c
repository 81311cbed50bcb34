/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Slice helpers: comparison, bounded sub-ranges, search and trimming over
 * borrowed bytes. Used by every parser and by the containers in core.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/core.h"

/* Locale-independent ASCII lower-casing. */
static uint8_t ascii_lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + ('a' - 'A')) : c;
}

static bool ascii_space(uint8_t c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

struct ps_slice ps_slice_from_cstr(const char *s)
{
	return s != NULL ? ps_slice_make(s, strlen(s)) : ps_slice_make(NULL, 0);
}

bool ps_slice_eq(struct ps_slice a, struct ps_slice b)
{
	if (a.len != b.len)
		return false;
	return a.len == 0 || memcmp(a.p, b.p, a.len) == 0;
}

bool ps_slice_caseeq(struct ps_slice a, struct ps_slice b)
{
	if (a.len != b.len)
		return false;
	for (size_t i = 0; i < a.len; i++) {
		if (ascii_lower(a.p[i]) != ascii_lower(b.p[i]))
			return false;
	}
	return true;
}

bool ps_slice_eq_cstr(struct ps_slice a, const char *s)
{
	return ps_slice_eq(a, ps_slice_from_cstr(s));
}

int ps_slice_casecmp_cstr(struct ps_slice a, const char *s)
{
	struct ps_slice b = ps_slice_from_cstr(s);
	size_t n = a.len < b.len ? a.len : b.len;

	for (size_t i = 0; i < n; i++) {
		uint8_t x = ascii_lower(a.p[i]), y = ascii_lower(b.p[i]);

		if (x != y)
			return x < y ? -1 : 1;
	}
	if (a.len == b.len)
		return 0;
	return a.len < b.len ? -1 : 1;
}

bool ps_slice_starts_with(struct ps_slice s, struct ps_slice prefix)
{
	if (prefix.len > s.len)
		return false;
	return prefix.len == 0 || memcmp(s.p, prefix.p, prefix.len) == 0;
}

int ps_slice_advance(struct ps_slice *s, size_t n)
{
	if (n > s->len)
		return PS_EINVAL;
	if (n != 0)
		s->p += n;
	s->len -= n;
	return PS_OK;
}

int ps_slice_sub(struct ps_slice s, size_t off, size_t len, struct ps_slice *out)
{
	if (off > s.len || len > s.len - off) {
		*out = ps_slice_make(NULL, 0);
		return PS_EINVAL;
	}
	*out = len != 0 ? ps_slice_make(s.p + off, len) : ps_slice_make(NULL, 0);
	return PS_OK;
}

ptrdiff_t ps_slice_find_byte(struct ps_slice s, uint8_t c)
{
	const uint8_t *q;

	if (s.len == 0)
		return -1;
	q = memchr(s.p, c, s.len);
	return q != NULL ? q - s.p : -1;
}

bool ps_slice_cut(struct ps_slice s, uint8_t sep, struct ps_slice *head,
		  struct ps_slice *tail)
{
	ptrdiff_t i = ps_slice_find_byte(s, sep);
	struct ps_slice h = s, t = ps_slice_make(NULL, 0);

	if (i >= 0) {
		h.len = (size_t)i;
		t = ps_slice_make(s.p + i + 1, s.len - (size_t)i - 1);
	}
	if (head != NULL)
		*head = h;
	if (tail != NULL)
		*tail = t;
	return i >= 0;
}

struct ps_slice ps_slice_trim(struct ps_slice s)
{
	while (s.len != 0 && ascii_space(s.p[0])) {
		s.p++;
		s.len--;
	}
	while (s.len != 0 && ascii_space(s.p[s.len - 1]))
		s.len--;
	return s;
}

char *ps_slice_strdup(enum ps_mem_sub sub, struct ps_slice s)
{
	char *q = ps_malloc(sub, s.len + 1);

	if (q == NULL)
		return NULL;
	if (s.len != 0)
		memcpy(q, s.p, s.len);
	q[s.len] = '\0';
	return q;
}
