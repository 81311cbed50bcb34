/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bounded growable byte buffer. Growth doubles the allocation up to the
 * buffer's maximum; every failure leaves the content as it was.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"

#define BUF_MIN_CAP 32

void ps_buf_init(struct ps_buf *b, enum ps_mem_sub sub, size_t max)
{
	b->p = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max < SIZE_MAX ? max : SIZE_MAX - 1;
	b->sub = sub;
}

/* Ensure room for n more bytes plus the terminator. */
int ps_buf_reserve(struct ps_buf *b, size_t n)
{
	size_t need, ncap;
	uint8_t *np;

	if (n > b->max - b->len)
		return PS_ELIMIT;
	need = b->len + n + 1; /* cannot overflow: max < SIZE_MAX */
	if (need <= b->cap)
		return PS_OK;
	ncap = b->cap != 0 ? b->cap : BUF_MIN_CAP;
	while (ncap < need)
		ncap = ncap > SIZE_MAX / 2 ? SIZE_MAX : ncap * 2;
	if (ncap > b->max + 1)
		ncap = b->max + 1;
	np = ps_realloc(b->sub, b->p, ncap);
	if (np == NULL)
		return PS_ENOMEM;
	if (b->p == NULL)
		np[0] = '\0';
	b->p = np;
	b->cap = ncap;
	return PS_OK;
}

int ps_buf_add(struct ps_buf *b, const void *p, size_t n)
{
	int rc = ps_buf_reserve(b, n);

	if (rc != PS_OK)
		return rc;
	if (n != 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
	return PS_OK;
}

int ps_buf_addstr(struct ps_buf *b, const char *s)
{
	return ps_buf_add(b, s, strlen(s));
}

int ps_buf_addslice(struct ps_buf *b, struct ps_slice s)
{
	return ps_buf_add(b, s.p, s.len);
}

int ps_buf_addch(struct ps_buf *b, uint8_t c)
{
	return ps_buf_add(b, &c, 1);
}

int ps_buf_vaddf(struct ps_buf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n, rc;

	/* First try in the room we have; most appends fit. */
	va_copy(aq, ap);
	if (b->p != NULL)
		n = vsnprintf((char *)b->p + b->len, b->cap - b->len, fmt, aq);
	else
		n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		goto einval;
	if (b->p != NULL && (size_t)n < b->cap - b->len) {
		if ((size_t)n > b->max - b->len) {
			rc = PS_ELIMIT;
			goto undo;
		}
		b->len += (size_t)n;
		return PS_OK;
	}
	rc = ps_buf_reserve(b, (size_t)n);
	if (rc != PS_OK)
		goto undo;
	va_copy(aq, ap);
	n = vsnprintf((char *)b->p + b->len, b->cap - b->len, fmt, aq);
	va_end(aq);
	if (n < 0 || (size_t)n >= b->cap - b->len)
		goto einval; /* the arguments changed between the passes */
	b->len += (size_t)n;
	return PS_OK;
einval:
	rc = PS_EINVAL;
undo:
	if (b->p != NULL)
		b->p[b->len] = '\0';
	return rc;
}

int ps_buf_addf(struct ps_buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = ps_buf_vaddf(b, fmt, ap);
	va_end(ap);
	return rc;
}

void ps_buf_truncate(struct ps_buf *b, size_t len)
{
	if (len >= b->len)
		return;
	b->len = len;
	b->p[len] = '\0';
}

void ps_buf_reset(struct ps_buf *b)
{
	ps_buf_truncate(b, 0);
}

void ps_buf_release(struct ps_buf *b)
{
	ps_free(b->p);
	b->p = NULL;
	b->len = 0;
	b->cap = 0;
}

const char *ps_buf_cstr(const struct ps_buf *b)
{
	return b->p != NULL ? (const char *)b->p : "";
}

struct ps_slice ps_buf_slice(const struct ps_buf *b)
{
	return ps_slice_make(b->p, b->len);
}

char *ps_buf_take(struct ps_buf *b, size_t *len)
{
	char *s;

	if (b->p == NULL) {
		s = ps_calloc(b->sub, 1, 1);
		if (s == NULL)
			return NULL;
	} else {
		s = (char *)b->p;
	}
	if (len != NULL)
		*len = b->len;
	b->p = NULL;
	b->len = 0;
	b->cap = 0;
	return s;
}
