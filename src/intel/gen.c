/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Matching generations: their references, and the holder that hands the
 * current one to the workers and swaps it under a mutex (gen_build.c reads
 * them from the store).
 */
#include <string.h>

#include "core/core.h"
#include "intel/gen.h"

void ps_intel_gen_free(struct ps_intel_gen *g)
{
	if (!g)
		return;
	ps_intel_table_free(g->table);
	ps_free(g->meta);
	ps_arena_release(&g->strings);
	ps_free(g);
}

struct ps_intel_gen *ps_intel_gen_ref(struct ps_intel_gen *g)
{
	if (g)
		atomic_fetch_add_explicit(&g->refs, 1, memory_order_relaxed);
	return g;
}

void ps_intel_gen_unref(struct ps_intel_gen *g)
{
	if (g && atomic_fetch_sub_explicit(&g->refs, 1,
					   memory_order_acq_rel) == 1)
		ps_intel_gen_free(g);
}

const struct ps_intel_meta *ps_intel_gen_meta(const struct ps_intel_gen *g,
					      uint32_t idx)
{
	return g && idx < g->n ? &g->meta[idx] : NULL;
}

void ps_intel_holder_init(struct ps_intel_holder *h)
{
	memset(h, 0, sizeof(*h));
	pthread_mutex_init(&h->lock, NULL);
	atomic_init(&h->number, 0);
}

void ps_intel_holder_release(struct ps_intel_holder *h)
{
	ps_intel_gen_unref(h->cur);
	h->cur = NULL;
	pthread_mutex_destroy(&h->lock);
}

void ps_intel_holder_swap(struct ps_intel_holder *h, struct ps_intel_gen *g)
{
	struct ps_intel_gen *old;

	pthread_mutex_lock(&h->lock);
	old = h->cur;
	h->cur = g;
	if (g)
		g->number = ++h->next;
	atomic_store_explicit(&h->number, g ? g->number : 0,
			      memory_order_release);
	pthread_mutex_unlock(&h->lock);
	ps_intel_gen_unref(old);
}

struct ps_intel_gen *ps_intel_holder_acquire(struct ps_intel_holder *h,
					     uint64_t *number)
{
	struct ps_intel_gen *g;

	pthread_mutex_lock(&h->lock);
	g = ps_intel_gen_ref(h->cur);
	*number = g ? g->number : 0;
	pthread_mutex_unlock(&h->lock);
	return g;
}
