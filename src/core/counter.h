/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Named counters for statistics and anomalies ("decoder.ipv4.truncated"):
 * modules register names at start-up and get small ids; each worker bumps
 * its own block of counters without locks, and a reader sums the blocks.
 */
#ifndef PS_CORE_COUNTER_H
#define PS_CORE_COUNTER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/hashmap.h"
#include "core/vec.h"

/* Longest counter name, in bytes. Names use [a-z0-9_.-]. */
#define PS_COUNTER_NAME_MAX 63

/*
 * Registry of counter names; id i is the i-th name registered. Thread
 * safety: registration happens at start-up on one thread. Once the first
 * counter block is made the registry is frozen (new names are refused) and
 * from then on it is read-only, so any thread may read names concurrently.
 */
struct ps_counter_reg {
	struct ps_vec names;      /* char *, owned */
	struct ps_hashmap index;  /* name -> (id + 1), keys borrowed from names */
	bool frozen;
};

/* One entry of a module's table for ps_counter_register_all(). */
struct ps_counter_def {
	const char *name;
	uint32_t *id; /* receives the id */
};

/* Empty registry for at most `max` names. PS_OK (no allocation). */
int ps_counter_reg_init(struct ps_counter_reg *r, size_t max) PS_MUST_USE;
/* Free the names. Blocks made from the registry must be released first or
 * at least no longer used with ps_counter_name(). */
void ps_counter_reg_release(struct ps_counter_reg *r);
/*
 * Register `name` and put its id in *id. Registering an existing name
 * returns its id (so modules may register idempotently), even when frozen.
 * PS_EINVAL: bad name, or a new name after the registry was frozen;
 * PS_ELIMIT: `max` names already; PS_ENOMEM. The registry is unchanged on
 * error.
 */
int ps_counter_register(struct ps_counter_reg *r, const char *name, uint32_t *id) PS_MUST_USE;
/* Register a table of counters; stops at the first error (already registered entries stay). */
int ps_counter_register_all(struct ps_counter_reg *r, const struct ps_counter_def *defs,
			    size_t n) PS_MUST_USE;
/* Id of a registered name: PS_OK or PS_ENOENT. */
int ps_counter_lookup(const struct ps_counter_reg *r, const char *name, uint32_t *id) PS_MUST_USE;
/* Number of registered names; ids are 0 .. len-1. */
size_t ps_counter_reg_len(const struct ps_counter_reg *r);
/* Name of `id` (borrowed from the registry), or NULL when out of range. */
const char *ps_counter_name(const struct ps_counter_reg *r, uint32_t id);
/* Close registration (ps_counters_init does it). */
void ps_counter_reg_freeze(struct ps_counter_reg *r);

/*
 * One worker's counter values, indexed by id. Single writer: only the
 * owning thread calls inc/add/zero; any thread may read (get, merge, sum)
 * concurrently and sees each value whole (relaxed atomics, no locks or
 * locked instructions on the hot path).
 */
struct ps_counters {
	_Atomic uint64_t *v;
	size_t n;
};

/* A zeroed block for every counter in `r`, which is frozen. PS_OK or PS_ENOMEM. */
int ps_counters_init(struct ps_counters *c, struct ps_counter_reg *r) PS_MUST_USE;
void ps_counters_release(struct ps_counters *c);

/* Hot path. An id out of range (a programming error) is ignored. */
static inline void ps_counter_add(struct ps_counters *c, uint32_t id, uint64_t n)
{
	if (id < c->n)
		atomic_store_explicit(&c->v[id],
				      atomic_load_explicit(&c->v[id], memory_order_relaxed) + n,
				      memory_order_relaxed);
}

static inline void ps_counter_inc(struct ps_counters *c, uint32_t id)
{
	ps_counter_add(c, id, 1);
}

/* Current value of `id` in one block; 0 when out of range. */
static inline uint64_t ps_counter_get(const struct ps_counters *c, uint32_t id)
{
	return id < c->n ? atomic_load_explicit(&c->v[id], memory_order_relaxed) : 0;
}

/* Set every value of `c` to 0 (owner thread only). */
void ps_counters_zero(struct ps_counters *c);
/* dst += src, value by value (dst is owned by the calling thread). */
void ps_counters_merge(struct ps_counters *dst, const struct ps_counters *src);
/* dst = sum of the n blocks in src: a snapshot of all workers. */
void ps_counters_sum(struct ps_counters *dst, const struct ps_counters *const *src, size_t n);
/*
 * Append "name value\n" for each counter of `c` in id order, skipping zero
 * values when `skip_zero`. Returns what ps_buf_addf returns.
 */
int ps_counters_fmt(const struct ps_counter_reg *r, const struct ps_counters *c,
		    struct ps_buf *out, bool skip_zero) PS_MUST_USE;

#endif
