/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Single-producer single-consumer byte ring carrying variable-sized records
 * (a decoded packet and its payload) from the reader thread to one worker.
 * Indexes are published in batches so the two cores rarely share a line.
 */
#ifndef PS_INGEST_RING_H
#define PS_INGEST_RING_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/*
 * The producer's and the consumer's fields are kept a cache line apart by
 * padding, not alignas, so the struct needs no more than malloc alignment.
 */
struct ps_ring {
	uint8_t *buf;
	size_t size;                     /* power of two */
	char pad0_[64];
	_Atomic size_t head;             /* written by the producer */
	size_t head_local;               /* producer's unpublished head */
	size_t tail_cache;               /* producer's view of tail */
	char pad1_[64];
	_Atomic size_t tail;             /* written by the consumer */
	size_t tail_local;
	size_t head_cache;
	char pad2_[64];
	_Atomic bool closed;
};

/* A ring of `size` bytes (rounded up to a power of two). */
int ps_ring_init(struct ps_ring *r, size_t size) PS_MUST_USE;
void ps_ring_release(struct ps_ring *r);
/*
 * Producer: room for a record of n bytes, or NULL when the ring is full
 * (the caller waits or drops). n must be at most size / 4.
 */
void *ps_ring_reserve(struct ps_ring *r, size_t n);
/* Producer: the record reserved last is complete. */
void ps_ring_commit(struct ps_ring *r, size_t n);
/* Producer: make committed records visible to the consumer. */
void ps_ring_publish(struct ps_ring *r);
/* Producer: no more records (after a publish). */
void ps_ring_close(struct ps_ring *r);
/*
 * Consumer: the next record and its length, or NULL when none is visible;
 * *closed tells whether the producer has finished.
 */
void *ps_ring_peek(struct ps_ring *r, size_t *n, bool *closed);
/*
 * Consumer look-ahead over the records already visible, consuming none:
 * start with pos = ps_ring_tail() (the record ps_ring_peek returns next);
 * each call returns the record at *pos and moves *pos past it, or NULL
 * when no more are visible. Records stay valid until consumed.
 */
size_t ps_ring_tail(const struct ps_ring *r);
void *ps_ring_peek_ahead(struct ps_ring *r, size_t *pos);
/* Consumer: done with the record returned by the last peek. */
void ps_ring_consume(struct ps_ring *r);
/* Consumer: hand consumed space back to the producer. */
void ps_ring_release_space(struct ps_ring *r);

#endif
