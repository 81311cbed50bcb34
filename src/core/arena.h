/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bump allocator over a chain of blocks with a total cap: many small
 * allocations with one lifetime (a packet, a parse, a request) are freed
 * together by ps_arena_reset() or ps_arena_release().
 */
#ifndef PS_CORE_ARENA_H
#define PS_CORE_ARENA_H

#include <stddef.h>
#include <stdint.h>

#include "core/alloc.h"
#include "core/err.h"
#include "core/slice.h"

struct ps_arena_block; /* private to arena.c */

/*
 * Invariants: `head` is the block being carved (newest first, chained to
 * older ones); `reserved` is the sum of the payload sizes of all blocks and
 * never exceeds `cap`; `used` counts bytes handed out since the last reset
 * (including alignment padding). Not thread-safe: one arena per worker.
 */
struct ps_arena {
	struct ps_arena_block *head;
	size_t block_size;
	size_t cap;
	size_t used;
	size_t reserved;
	size_t blocks;
	size_t peak_used;
	enum ps_mem_sub sub;
};

struct ps_arena_stats {
	size_t used;      /* bytes handed out since the last reset */
	size_t reserved;  /* bytes of block payload currently held */
	size_t blocks;    /* blocks currently held */
	size_t peak_used; /* highest `used` since init */
};

/*
 * Empty arena; blocks of `block_size` bytes (a larger request gets a block
 * of its own) are allocated from `sub` on demand, at most `cap` bytes of
 * blocks in all (SIZE_MAX: no cap but the subsystem's). No allocation here.
 */
void ps_arena_init(struct ps_arena *a, enum ps_mem_sub sub, size_t block_size, size_t cap);
/*
 * `n` bytes aligned for any type (max_align_t), valid until the next reset
 * or release; n == 0 yields a valid unique pointer. NULL when the cap would
 * be exceeded or memory is short; the arena is then unchanged.
 */
void *ps_arena_alloc(struct ps_arena *a, size_t n);
/* As ps_arena_alloc, zeroed. */
void *ps_arena_calloc(struct ps_arena *a, size_t nmemb, size_t size);
/* Copies into the arena: at most n bytes of s (stopping at a NUL) plus a NUL. */
char *ps_arena_strndup(struct ps_arena *a, const char *s, size_t n);
/* A NUL-terminated copy of a slice (which may contain NULs). */
char *ps_arena_slicedup(struct ps_arena *a, struct ps_slice s);
void *ps_arena_memdup(struct ps_arena *a, const void *p, size_t n);
/*
 * Forget every allocation. One standard-size block is kept for reuse, so a
 * per-packet scratch arena normally stops allocating after warm-up.
 */
void ps_arena_reset(struct ps_arena *a);
/* Free all blocks; the arena is empty and reusable. */
void ps_arena_release(struct ps_arena *a);
void ps_arena_stats_get(const struct ps_arena *a, struct ps_arena_stats *out);

#endif
