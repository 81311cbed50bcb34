/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Growable array of fixed-size elements with a maximum count. The element
 * size is given at init, so one implementation serves every type; the
 * PS_VEC_* macros add type-checked-by-size access.
 */
#ifndef PS_CORE_VEC_H
#define PS_CORE_VEC_H

#include <stddef.h>
#include <stdint.h>

#include "core/alloc.h"
#include "core/err.h"

/*
 * Invariants: len <= cap, len <= max; p holds cap elements of elem_size
 * bytes (p == NULL iff cap == 0). Pointers into the vector are invalidated
 * by any call that may grow it (push, push_slot, reserve). Not thread-safe.
 */
struct ps_vec {
	uint8_t *p;
	size_t len;
	size_t cap;
	size_t max;
	size_t elem_size;
	enum ps_mem_sub sub;
};

/* Empty vector of at most `max` elements of `elem_size` (> 0) bytes. No allocation. */
void ps_vec_init(struct ps_vec *v, enum ps_mem_sub sub, size_t elem_size, size_t max);
/*
 * Append a copy of the element at `elem`. PS_OK, PS_ELIMIT when `max`
 * elements are present, PS_ENOMEM when growth fails; the vector is
 * unchanged on error.
 */
int ps_vec_push(struct ps_vec *v, const void *elem) PS_MUST_USE;
/* Append a zeroed element and return it (borrowed); NULL on PS_ELIMIT/PS_ENOMEM. */
void *ps_vec_push_slot(struct ps_vec *v) PS_MUST_USE;
/* Element i (borrowed), or NULL when i >= len. */
void *ps_vec_get(const struct ps_vec *v, size_t i);
/* Remove the last element, copying it to `out` if not NULL. PS_ENOENT if empty. */
int ps_vec_pop(struct ps_vec *v, void *out);
/* Remove element i, shifting the later ones down. PS_ENOENT if i >= len. */
int ps_vec_del(struct ps_vec *v, size_t i);
/* Make room for `n` elements in total. PS_OK, PS_ELIMIT (n > max), PS_ENOMEM. */
int ps_vec_reserve(struct ps_vec *v, size_t n) PS_MUST_USE;
/* Drop all elements, keeping the memory. */
void ps_vec_clear(struct ps_vec *v);
/* Free the memory; the vector is empty and reusable. */
void ps_vec_release(struct ps_vec *v);
/* qsort the elements with `cmp` (which receives element pointers). */
void ps_vec_sort(struct ps_vec *v, int (*cmp)(const void *a, const void *b));

static inline size_t ps_vec_len(const struct ps_vec *v)
{
	return v->len;
}

/* Typed helpers; `type` must be the element type the vector was set up for. */
#define PS_VEC_INIT(sub, type, max) {NULL, 0, 0, (max), sizeof(type), (sub)}
#define ps_vec_init_type(v, sub, type, max) ps_vec_init((v), (sub), sizeof(type), (max))
/* Pointer to element i as `type *`, or NULL when out of range. */
#define PS_VEC_AT(v, type, i) ((type *)ps_vec_get((v), (i)))
/* The elements as a `type *` array (NULL when nothing was allocated). */
#define PS_VEC_DATA(v, type) ((type *)(void *)(v)->p)
/* for (PS_VEC_FOREACH(&v, struct x, it)) { it->... } */
#define PS_VEC_FOREACH(v, type, it)                                          \
	type *it = PS_VEC_DATA(v, type);                                     \
	it != NULL && it < PS_VEC_DATA(v, type) + (v)->len;                  \
	it++

#endif
