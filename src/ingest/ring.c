/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The byte ring. Each record is an 8-byte length header and its bytes,
 * padded to 16; a record never wraps: a header with the WRAP length tells
 * the consumer to continue at offset 0.
 */
#include <string.h>

#include "core/core.h"
#include "ingest/ring.h"

#define HDR 16u
#define WRAP ((uint64_t)-1)

static void put_len(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
}

static uint64_t get_len(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static size_t pad(size_t n)
{
	return (n + 15) & ~(size_t)15;
}

int ps_ring_init(struct ps_ring *r, size_t size)
{
	size_t s = 4096;

	memset(r, 0, sizeof(*r));
	while (s < size)
		s <<= 1;
	r->buf = ps_malloc(PS_MEM_INGEST, s);
	if (!r->buf)
		return PS_ENOMEM;
	r->size = s;
	return PS_OK;
}

void ps_ring_release(struct ps_ring *r)
{
	ps_free(r->buf);
	r->buf = NULL;
}

static size_t used(struct ps_ring *r, size_t head)
{
	size_t tail = r->tail_cache;

	if (head - tail > r->size - 2 * HDR) {
		r->tail_cache = atomic_load_explicit(&r->tail, memory_order_acquire);
		tail = r->tail_cache;
	}
	return head - tail;
}

void *ps_ring_reserve(struct ps_ring *r, size_t n)
{
	size_t need = HDR + pad(n), head = r->head_local;
	size_t off = head & (r->size - 1);
	size_t tail;

	if (need > r->size / 4)
		return NULL;
	if (off + need > r->size) {
		/* Not enough room before the end: wrap (needs room for both). */
		size_t skip = r->size - off;

		tail = atomic_load_explicit(&r->tail, memory_order_acquire);
		r->tail_cache = tail;
		if (head + skip + need - tail > r->size)
			return NULL;
		put_len(r->buf + off, WRAP);
		r->head_local = head += skip;
		off = 0;
	}
	if (used(r, head) + need > r->size) {
		r->tail_cache = atomic_load_explicit(&r->tail, memory_order_acquire);
		if (head + need - r->tail_cache > r->size)
			return NULL;
	}
	return r->buf + off + HDR;
}

void ps_ring_commit(struct ps_ring *r, size_t n)
{
	size_t off = r->head_local & (r->size - 1);

	put_len(r->buf + off, n);
	r->head_local += HDR + pad(n);
}

void ps_ring_publish(struct ps_ring *r)
{
	atomic_store_explicit(&r->head, r->head_local, memory_order_release);
}

void ps_ring_close(struct ps_ring *r)
{
	ps_ring_publish(r);
	atomic_store_explicit(&r->closed, true, memory_order_release);
}

void *ps_ring_peek(struct ps_ring *r, size_t *n, bool *closed)
{
	size_t off;
	uint64_t len;

	*closed = false;
	for (;;) {
		if (r->tail_local == r->head_cache) {
			*closed = atomic_load_explicit(&r->closed, memory_order_acquire);
			r->head_cache = atomic_load_explicit(&r->head,
							     memory_order_acquire);
			if (r->tail_local == r->head_cache)
				return NULL;
			*closed = false;
		}
		off = r->tail_local & (r->size - 1);
		len = get_len(r->buf + off);
		if (len != WRAP)
			break;
		r->tail_local += r->size - off;
	}
	*n = (size_t)len;
	return r->buf + off + HDR;
}

size_t ps_ring_tail(const struct ps_ring *r)
{
	return r->tail_local;
}

void *ps_ring_peek_ahead(struct ps_ring *r, size_t *pos)
{
	size_t off;
	uint64_t len;

	for (;;) {
		if (*pos == r->head_cache)
			return NULL;
		off = *pos & (r->size - 1);
		len = get_len(r->buf + off);
		if (len != WRAP)
			break;
		*pos += r->size - off;
	}
	*pos += HDR + pad((size_t)len);
	return r->buf + off + HDR;
}

void ps_ring_consume(struct ps_ring *r)
{
	size_t off = r->tail_local & (r->size - 1);
	uint64_t len = get_len(r->buf + off);

	r->tail_local += HDR + pad((size_t)len);
}

void ps_ring_release_space(struct ps_ring *r)
{
	atomic_store_explicit(&r->tail, r->tail_local, memory_order_release);
}
