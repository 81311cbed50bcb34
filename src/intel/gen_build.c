/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Building a matching generation: the sources, then every live indicator
 * in id order from the store, into a table and a metadata array.
 */
#include <string.h>
#include <time.h>

#include "core/core.h"
#include "intel/gen.h"
#include "intel/intel.h"

#define GEN_STRINGS_BLOCK (1u << 20)

struct gen_build {
	struct ps_intel_gen *g;
	size_t cap, skipped;
	/* source id -> name, from the sources table */
	int64_t *src_ids;
	const char **src_names;
	size_t nsrc, src_cap, src_last;
	/* malware family names, kept once each (Maltrail: ~3,000 for 1.8 M) */
	const char **fam;
	size_t fam_n, fam_cap;
	int rc;
};

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int add_source(void *arg, const struct ps_intel_source *s)
{
	struct gen_build *b = arg;

	if (b->nsrc == b->src_cap) {
		size_t nc = b->src_cap ? 2 * b->src_cap : 64;
		int64_t *ids = ps_realloc(PS_MEM_INTEL, b->src_ids,
					  nc * sizeof(*ids));
		const char **names;

		if (!ids)
			return PS_ENOMEM;
		b->src_ids = ids;
		names = ps_realloc(PS_MEM_INTEL, b->src_names,
				   nc * sizeof(*names));
		if (!names)
			return PS_ENOMEM;
		b->src_names = names;
		b->src_cap = nc;
	}
	b->src_ids[b->nsrc] = s->id;
	b->src_names[b->nsrc] = ps_arena_strndup(&b->g->strings, s->name,
						 strlen(s->name));
	if (!b->src_names[b->nsrc])
		return PS_ENOMEM;
	b->nsrc++;
	return PS_OK;
}

static const char *source_name(struct gen_build *b, int64_t id)
{
	size_t i;

	/* rows come in id order, so mostly from the source of the last one;
	 * else a scan of the few sources */
	if (b->src_last < b->nsrc && b->src_ids[b->src_last] == id)
		return b->src_names[b->src_last];
	for (i = 0; i < b->nsrc; i++) {
		if (b->src_ids[i] == id) {
			b->src_last = i;
			return b->src_names[i];
		}
	}
	return "?";
}

static size_t fam_hash(const char *s)
{
	size_t h = 1469598103934665603ull;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

/* The one copy of family name s (NULL: out of memory). */
static const char *family_intern(struct gen_build *b, const char *s)
{
	size_t i, mask;
	const char *c;

	if (2 * (b->fam_n + 1) > b->fam_cap) {
		size_t nc = b->fam_cap ? 2 * b->fam_cap : 1024, j;
		const char **t = ps_calloc(PS_MEM_INTEL, nc, sizeof(*t));

		if (!t)
			return NULL;
		for (j = 0; j < b->fam_cap; j++) {
			if (!b->fam[j])
				continue;
			for (i = fam_hash(b->fam[j]) & (nc - 1); t[i];
			     i = (i + 1) & (nc - 1))
				;
			t[i] = b->fam[j];
		}
		ps_free(b->fam);
		b->fam = t;
		b->fam_cap = nc;
	}
	mask = b->fam_cap - 1;
	for (i = fam_hash(s) & mask; (c = b->fam[i]); i = (i + 1) & mask)
		if (!strcmp(c, s))
			return c;
	c = ps_arena_strndup(&b->g->strings, s, strlen(s));
	if (c) {
		b->fam[i] = c;
		b->fam_n++;
	}
	return c;
}

static int add_ioc(void *arg, const struct ps_ioc *ioc)
{
	struct gen_build *b = arg;
	struct ps_intel_gen *g = b->g;
	struct ps_intel_meta *m;
	size_t vlen = strlen(ioc->value);
	int rc;

	if (g->n == b->cap) {
		size_t nc = b->cap ? 2 * b->cap : 4096;

		if (nc > (size_t)PS_INTEL_TABLE_ID_MAX + 1)
			return PS_ELIMIT;
		m = ps_realloc(PS_MEM_INTEL, g->meta, nc * sizeof(*m));
		if (!m)
			return PS_ENOMEM;
		g->meta = m;
		b->cap = nc;
	}
	rc = ps_intel_table_add(g->table, ioc->type, ioc->value, ioc->prefix,
				ioc->subdomains, (uint32_t)g->n);
	if (rc == PS_EINVAL) {
		b->skipped++;
		return PS_OK;
	}
	if (rc)
		return rc;
	m = &g->meta[g->n];
	m->id = ioc->id;
	m->value = ps_arena_strndup(&g->strings, ioc->value, vlen);
	m->family = ioc->family && ioc->family[0] ?
		    family_intern(b, ioc->family) : NULL;
	if (!m->value || (ioc->family && ioc->family[0] && !m->family))
		return PS_ENOMEM;
	m->source = source_name(b, ioc->source_id);
	m->type = (uint8_t)ioc->type;
	m->prefix = ioc->prefix;
	m->category = (uint8_t)ioc->category;
	m->severity = ioc->severity;
	m->confidence = ioc->confidence;
	m->tlp = (uint8_t)ioc->tlp;
	g->n++;
	return PS_OK;
}

int ps_intel_gen_build(struct ps_store *st, int64_t now_us,
		       struct ps_intel_gen **out, size_t *skipped,
		       struct ps_diag *d)
{
	struct gen_build b = {0};
	struct ps_intel_gen *g;
	struct ps_arena_stats as;
	double t0, t1;
	int rc;

	*out = NULL;
	g = ps_calloc(PS_MEM_INTEL, 1, sizeof(*g));
	if (!g)
		return PS_ENOMEM;
	b.g = g;
	ps_arena_init(&g->strings, PS_MEM_INTEL, GEN_STRINGS_BLOCK, SIZE_MAX);
	atomic_init(&g->refs, 1);
	g->built_at = now_us;
	t0 = mono_s();
	rc = ps_intel_table_new(&g->table, 0);
	if (!rc)
		rc = ps_intel_source_list(st, add_source, &b);
	if (!rc)
		rc = ps_intel_foreach_live(st, now_us, add_ioc, &b);
	t1 = mono_s();
	if (!rc)
		rc = ps_intel_table_freeze(g->table);
	g->read_s = t1 - t0;
	g->build_s = mono_s() - t1;
	ps_free(b.src_ids);
	ps_free(b.src_names);
	ps_free(b.fam);
	/* the array grew by doubling: give back what is not used */
	if (!rc && g->n && g->n < b.cap) {
		struct ps_intel_meta *m = ps_realloc(PS_MEM_INTEL, g->meta,
						     g->n * sizeof(*m));

		if (m) {
			g->meta = m;
			b.cap = g->n;
		}
	}
	if (rc) {
		ps_diag_set(d, "cannot build the intelligence tables: %s",
			    rc == PS_EDB ? ps_store_errmsg(st) :
			    ps_strerror(rc));
		ps_intel_gen_free(g);
		return rc;
	}
	ps_arena_stats_get(&g->strings, &as);
	g->bytes = ps_intel_table_bytes(g->table) +
		   b.cap * sizeof(*g->meta) + as.reserved;
	if (skipped)
		*skipped = b.skipped;
	*out = g;
	return PS_OK;
}

