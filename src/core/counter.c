/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Counter registry (names to ids, filled at start-up) and per-worker
 * counter blocks summed by readers. Anomalies in packet decoding are
 * counted here rather than logged.
 */
#include <inttypes.h>
#include <stdatomic.h>
#include <string.h>

#include "core/core.h"

static bool name_ok(const char *name)
{
	size_t n = name != NULL ? strnlen(name, PS_COUNTER_NAME_MAX + 1) : 0;

	if (n == 0 || n > PS_COUNTER_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
		      c == '.' || c == '-'))
			return false;
	}
	return true;
}

int ps_counter_reg_init(struct ps_counter_reg *r, size_t max)
{
	if (max > UINT32_MAX)
		max = UINT32_MAX;
	ps_vec_init(&r->names, PS_MEM_CORE, sizeof(char *), max);
	r->frozen = false;
	return ps_hashmap_init(&r->index, PS_MEM_CORE, 0, max, PS_HASHMAP_BORROW_KEYS);
}

void ps_counter_reg_release(struct ps_counter_reg *r)
{
	for (size_t i = 0; i < r->names.len; i++)
		ps_free(*PS_VEC_AT(&r->names, char *, i));
	ps_vec_release(&r->names);
	ps_hashmap_release(&r->index);
	r->frozen = false;
}

int ps_counter_lookup(const struct ps_counter_reg *r, const char *name, uint32_t *id)
{
	void *v;

	if (name == NULL ||
	    ps_hashmap_lookup(&r->index, ps_slice_from_cstr(name), &v) != PS_OK)
		return PS_ENOENT;
	*id = (uint32_t)((uintptr_t)v - 1);
	return PS_OK;
}

int ps_counter_register(struct ps_counter_reg *r, const char *name, uint32_t *id)
{
	uint32_t nid = (uint32_t)r->names.len;
	char *copy;
	int rc;

	if (ps_counter_lookup(r, name, id) == PS_OK)
		return PS_OK;
	if (!name_ok(name) || r->frozen)
		return PS_EINVAL;
	copy = ps_strdup(PS_MEM_CORE, name);
	if (copy == NULL)
		return PS_ENOMEM;
	rc = ps_vec_push(&r->names, &copy);
	if (rc != PS_OK)
		goto out_free;
	rc = ps_hashmap_add(&r->index, ps_slice_from_cstr(copy), (void *)((uintptr_t)nid + 1));
	if (rc != PS_OK) {
		(void)ps_vec_pop(&r->names, NULL);
		goto out_free;
	}
	*id = nid;
	return PS_OK;
out_free:
	ps_free(copy);
	return rc;
}

int ps_counter_register_all(struct ps_counter_reg *r, const struct ps_counter_def *defs,
			    size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int rc = ps_counter_register(r, defs[i].name, defs[i].id);

		if (rc != PS_OK)
			return rc;
	}
	return PS_OK;
}

size_t ps_counter_reg_len(const struct ps_counter_reg *r)
{
	return r->names.len;
}

const char *ps_counter_name(const struct ps_counter_reg *r, uint32_t id)
{
	char **p = PS_VEC_AT(&r->names, char *, id);

	return p != NULL ? *p : NULL;
}

void ps_counter_reg_freeze(struct ps_counter_reg *r)
{
	r->frozen = true;
}

int ps_counters_init(struct ps_counters *c, struct ps_counter_reg *r)
{
	size_t n = r->names.len;

	ps_counter_reg_freeze(r);
	c->n = 0;
	c->v = ps_calloc(PS_MEM_CORE, n != 0 ? n : 1, sizeof(*c->v));
	if (c->v == NULL)
		return PS_ENOMEM;
	for (size_t i = 0; i < n; i++)
		atomic_init(&c->v[i], 0);
	c->n = n;
	return PS_OK;
}

void ps_counters_release(struct ps_counters *c)
{
	ps_free((void *)c->v);
	c->v = NULL;
	c->n = 0;
}

void ps_counters_zero(struct ps_counters *c)
{
	for (size_t i = 0; i < c->n; i++)
		atomic_store_explicit(&c->v[i], 0, memory_order_relaxed);
}

void ps_counters_merge(struct ps_counters *dst, const struct ps_counters *src)
{
	size_t n = dst->n < src->n ? dst->n : src->n;

	for (size_t i = 0; i < n; i++)
		ps_counter_add(dst, (uint32_t)i, ps_counter_get(src, (uint32_t)i));
}

void ps_counters_sum(struct ps_counters *dst, const struct ps_counters *const *src, size_t n)
{
	ps_counters_zero(dst);
	for (size_t i = 0; i < n; i++)
		ps_counters_merge(dst, src[i]);
}

int ps_counters_fmt(const struct ps_counter_reg *r, const struct ps_counters *c,
		    struct ps_buf *out, bool skip_zero)
{
	size_t n = ps_counter_reg_len(r) < c->n ? ps_counter_reg_len(r) : c->n;

	for (uint32_t id = 0; id < n; id++) {
		uint64_t v = ps_counter_get(c, id);
		int rc;

		if (skip_zero && v == 0)
			continue;
		rc = ps_buf_addf(out, "%s %" PRIu64 "\n", ps_counter_name(r, id), v);
		if (rc != PS_OK)
			return rc;
	}
	return PS_OK;
}
