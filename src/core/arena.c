/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bump arena: allocations are carved from the newest block; a request that
 * does not fit opens a new block (or a dedicated one if it is larger than
 * the block size), within the arena's cap.
 */
#include <stdalign.h>
#include <stddef.h>
#include <string.h>

#include "core/core.h"

#define ARENA_ALIGN alignof(max_align_t)
#define ARENA_DEFAULT_BLOCK 4096

struct ps_arena_block {
	struct ps_arena_block *next; /* older block */
	size_t size;                 /* payload bytes */
	size_t off;                  /* payload bytes carved */
};

/* Payload starts here, aligned for max_align_t. */
#define BLOCK_HDR ((sizeof(struct ps_arena_block) + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1))

static unsigned char *block_data(struct ps_arena_block *b)
{
	return (unsigned char *)b + BLOCK_HDR;
}

void ps_arena_init(struct ps_arena *a, enum ps_mem_sub sub, size_t block_size, size_t cap)
{
	a->head = NULL;
	a->block_size = block_size != 0 ? block_size : ARENA_DEFAULT_BLOCK;
	a->block_size = (a->block_size + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
	a->cap = cap;
	a->used = 0;
	a->reserved = 0;
	a->blocks = 0;
	a->peak_used = 0;
	a->sub = sub;
}

/* Open a block with room for `need` bytes; NULL if over the cap or out of memory. */
static struct ps_arena_block *block_new(struct ps_arena *a, size_t need)
{
	struct ps_arena_block *b;
	size_t room = a->cap - a->reserved;
	size_t size = a->block_size < room ? a->block_size : room;

	if (need > room || need > SIZE_MAX - BLOCK_HDR)
		return NULL;
	if (size < need)
		size = need;
	b = ps_malloc(a->sub, BLOCK_HDR + size);
	if (b == NULL)
		return NULL;
	b->size = size;
	b->off = 0;
	a->reserved += size;
	a->blocks++;
	if (a->head == NULL || size > a->block_size) {
		/* An oversize block goes behind the head so the head keeps its free room. */
		if (a->head != NULL) {
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = NULL;
			a->head = b;
		}
	} else {
		b->next = a->head;
		a->head = b;
	}
	return b;
}

void *ps_arena_alloc(struct ps_arena *a, size_t n)
{
	struct ps_arena_block *b = a->head;
	size_t need;
	void *p;

	if (n > SIZE_MAX - ARENA_ALIGN)
		return NULL;
	need = n != 0 ? (n + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1) : ARENA_ALIGN;
	if (b == NULL || b->size - b->off < need) {
		b = block_new(a, need);
		if (b == NULL)
			return NULL;
	}
	p = block_data(b) + b->off;
	b->off += need;
	a->used += need;
	if (a->used > a->peak_used)
		a->peak_used = a->used;
	return p;
}

void *ps_arena_calloc(struct ps_arena *a, size_t nmemb, size_t size)
{
	void *p;

	if (size != 0 && nmemb > SIZE_MAX / size)
		return NULL;
	p = ps_arena_alloc(a, nmemb * size);
	if (p != NULL)
		memset(p, 0, nmemb * size);
	return p;
}

void *ps_arena_memdup(struct ps_arena *a, const void *p, size_t n)
{
	void *q = ps_arena_alloc(a, n);

	if (q != NULL && n != 0)
		memcpy(q, p, n);
	return q;
}

char *ps_arena_slicedup(struct ps_arena *a, struct ps_slice s)
{
	char *q;

	if (s.len == SIZE_MAX)
		return NULL;
	q = ps_arena_alloc(a, s.len + 1);
	if (q == NULL)
		return NULL;
	if (s.len != 0)
		memcpy(q, s.p, s.len);
	q[s.len] = '\0';
	return q;
}

char *ps_arena_strndup(struct ps_arena *a, const char *s, size_t n)
{
	return ps_arena_slicedup(a, ps_slice_make(s, strnlen(s, n)));
}

void ps_arena_reset(struct ps_arena *a)
{
	struct ps_arena_block *b = a->head, *keep = NULL;

	while (b != NULL) {
		struct ps_arena_block *next = b->next;

		if (keep == NULL && b->size <= a->block_size)
			keep = b;
		else
			ps_free(b);
		b = next;
	}
	a->head = keep;
	a->used = 0;
	a->reserved = 0;
	a->blocks = 0;
	if (keep != NULL) {
		keep->next = NULL;
		keep->off = 0;
		a->reserved = keep->size;
		a->blocks = 1;
	}
}

void ps_arena_release(struct ps_arena *a)
{
	struct ps_arena_block *b = a->head;

	while (b != NULL) {
		struct ps_arena_block *next = b->next;

		ps_free(b);
		b = next;
	}
	a->head = NULL;
	a->used = 0;
	a->reserved = 0;
	a->blocks = 0;
}

void ps_arena_stats_get(const struct ps_arena *a, struct ps_arena_stats *out)
{
	out->used = a->used;
	out->reserved = a->reserved;
	out->blocks = a->blocks;
	out->peak_used = a->peak_used;
}
