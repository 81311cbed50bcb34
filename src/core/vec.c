/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Growable array of fixed-size elements: capacity doubles up to the
 * vector's maximum count, and every failure leaves the vector unchanged.
 */
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

#define VEC_MIN_CAP 8

void ps_vec_init(struct ps_vec *v, enum ps_mem_sub sub, size_t elem_size, size_t max)
{
	v->p = NULL;
	v->len = 0;
	v->cap = 0;
	v->elem_size = elem_size != 0 ? elem_size : 1;
	/* Keep max * elem_size representable so size arithmetic cannot overflow. */
	v->max = max <= SIZE_MAX / v->elem_size ? max : SIZE_MAX / v->elem_size;
	v->sub = sub;
}

int ps_vec_reserve(struct ps_vec *v, size_t n)
{
	size_t ncap;
	uint8_t *np;

	if (n > v->max)
		return PS_ELIMIT;
	if (n <= v->cap)
		return PS_OK;
	ncap = v->cap != 0 ? v->cap : VEC_MIN_CAP;
	while (ncap < n)
		ncap = ncap > SIZE_MAX / 2 ? SIZE_MAX : ncap * 2;
	if (ncap > v->max)
		ncap = v->max;
	np = ps_realloc(v->sub, v->p, ncap * v->elem_size);
	if (np == NULL)
		return PS_ENOMEM;
	v->p = np;
	v->cap = ncap;
	return PS_OK;
}

/* Room for one more element. */
static int grow_one(struct ps_vec *v)
{
	if (v->len == v->max)
		return PS_ELIMIT;
	return ps_vec_reserve(v, v->len + 1);
}

int ps_vec_push(struct ps_vec *v, const void *elem)
{
	int rc = grow_one(v);

	if (rc != PS_OK)
		return rc;
	memcpy(v->p + v->len * v->elem_size, elem, v->elem_size);
	v->len++;
	return PS_OK;
}

void *ps_vec_push_slot(struct ps_vec *v)
{
	void *slot;

	if (grow_one(v) != PS_OK)
		return NULL;
	slot = v->p + v->len * v->elem_size;
	memset(slot, 0, v->elem_size);
	v->len++;
	return slot;
}

void *ps_vec_get(const struct ps_vec *v, size_t i)
{
	return i < v->len ? v->p + i * v->elem_size : NULL;
}

int ps_vec_pop(struct ps_vec *v, void *out)
{
	if (v->len == 0)
		return PS_ENOENT;
	v->len--;
	if (out != NULL)
		memcpy(out, v->p + v->len * v->elem_size, v->elem_size);
	return PS_OK;
}

int ps_vec_del(struct ps_vec *v, size_t i)
{
	if (i >= v->len)
		return PS_ENOENT;
	memmove(v->p + i * v->elem_size, v->p + (i + 1) * v->elem_size,
		(v->len - i - 1) * v->elem_size);
	v->len--;
	return PS_OK;
}

void ps_vec_clear(struct ps_vec *v)
{
	v->len = 0;
}

void ps_vec_release(struct ps_vec *v)
{
	ps_free(v->p);
	v->p = NULL;
	v->len = 0;
	v->cap = 0;
}

void ps_vec_sort(struct ps_vec *v, int (*cmp)(const void *a, const void *b))
{
	if (v->len > 1)
		qsort(v->p, v->len, v->elem_size, cmp);
}
