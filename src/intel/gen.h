/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Matching generations: an immutable snapshot of the live indicators (the
 * lookup table plus what an alert says about each hit), built from the
 * store and swapped in while capture goes on. Workers hold a reference to
 * the generation they use and change over between packets.
 */
#ifndef PS_INTEL_GEN_H
#define PS_INTEL_GEN_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "intel/ioc.h"
#include "intel/table.h"
#include "net/addr.h"

struct ps_store;

/* What an alert needs about one indicator (index = the table's id). */
struct ps_intel_meta {
	int64_t id;               /* store row */
	const char *value;        /* canonical text */
	const char *source;       /* source name */
	const char *family;       /* malware family, NULL for none */
	uint8_t type;             /* enum ps_ioc_type */
	uint8_t prefix;
	uint8_t category;         /* enum ps_ioc_category */
	uint8_t severity;         /* 1..5, 5 the most severe */
	uint8_t confidence;       /* 0..100 */
	uint8_t tlp;              /* enum ps_tlp */
};

struct ps_intel_gen {
	uint64_t number;          /* set by the holder: 1, 2, ... */
	int64_t built_at;         /* µs since the epoch */
	struct ps_intel_table *table;
	struct ps_intel_meta *meta;
	size_t n;                 /* indicators */
	double read_s, build_s;   /* reading the store, building the table */
	size_t bytes;             /* table + metadata + strings */
	atomic_uint refs;
	struct ps_arena strings;
};

/*
 * Build a generation of every indicator live at now_us. Indicators whose
 * value the table refuses are skipped and counted in *skipped (may be
 * NULL). Returns PS_OK (*out with one reference), PS_EDB or PS_ENOMEM
 * with a message in d.
 */
int ps_intel_gen_build(struct ps_store *st, int64_t now_us,
		       struct ps_intel_gen **out, size_t *skipped,
		       struct ps_diag *d) PS_MUST_USE;
/* Free g now, whatever its references (the builder's error path). */
void ps_intel_gen_free(struct ps_intel_gen *g);
/* Take one more reference / drop one (the last frees it); NULL allowed. */
struct ps_intel_gen *ps_intel_gen_ref(struct ps_intel_gen *g);
void ps_intel_gen_unref(struct ps_intel_gen *g);

/* Metadata of a table id, NULL when out of range. */
const struct ps_intel_meta *ps_intel_gen_meta(const struct ps_intel_gen *g,
					      uint32_t idx);

/*
 * The current generation, swapped atomically. Readers poll `number`
 * (a relaxed load per packet costs nothing) and call acquire only when
 * it changed; the old generation is freed when its last reader let go.
 */
struct ps_intel_holder {
	pthread_mutex_t lock;
	struct ps_intel_gen *cur;     /* holds one reference */
	atomic_uint_fast64_t number;  /* cur->number, 0 = none */
	uint64_t next;
};

void ps_intel_holder_init(struct ps_intel_holder *h);
void ps_intel_holder_release(struct ps_intel_holder *h);
/* Make g current (the holder takes over the caller's reference). */
void ps_intel_holder_swap(struct ps_intel_holder *h, struct ps_intel_gen *g);
/* A reference to the current generation (NULL: none); *number its number. */
struct ps_intel_gen *ps_intel_holder_acquire(struct ps_intel_holder *h,
					     uint64_t *number);
static inline uint64_t ps_intel_holder_number(struct ps_intel_holder *h)
{
	return atomic_load_explicit(&h->number, memory_order_acquire);
}

#endif
