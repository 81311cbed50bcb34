/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Builders of the open-addressing sets behind the matching tables: fixed-size
 * binary keys (IPv4, IPv6, digests) and strings (domains, URLs, JA4). Each
 * record claims a slot by linear probing; a key seen again is put aside and
 * the ids of all its records are merged into one sorted list afterwards.
 */
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "intel/table_int.h"

/*
 * Slots per key: load at most 1/2 keeps a miss to ~2.5 probes on average
 * (Knuth's linear-probing estimate), mostly in one cache line.
 */
static size_t set_cap(size_t n)
{
	return n == 0 ? 0 : 2 * n + 1;
}

/* ---- small sorts ---- */

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

size_t ps_intel_tbl_ids_sort(uint32_t *ids, size_t n)
{
	size_t w = 0;

	if (n < 16) {
		for (size_t i = 1; i < n; i++) {
			uint32_t v = ids[i];
			size_t j = i;

			for (; j > 0 && ids[j - 1] > v; j--)
				ids[j] = ids[j - 1];
			ids[j] = v;
		}
	} else {
		qsort(ids, n, sizeof(*ids), cmp_u32);
	}
	for (size_t i = 0; i < n; i++)
		if (w == 0 || ids[w - 1] != ids[i])
			ids[w++] = ids[i];
	return w;
}

int ps_intel_tbl_ref_make(struct tbl_lists *l, const uint32_t *ids, size_t n, uint32_t *ref)
{
	if (n == 1) {
		*ref = ids[0];
		return PS_OK;
	}
	if (l->len + n + 1 > l->cap) {
		size_t cap = l->cap != 0 ? l->cap * 2 : 1024;
		uint32_t *v;

		while (cap < l->len + n + 1)
			cap *= 2;
		if (cap >= TBL_LIST)
			return PS_ENOMEM;
		v = ps_reallocarray(PS_MEM_INTEL, l->v, cap, sizeof(*v));
		if (v == NULL)
			return PS_ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	*ref = TBL_LIST | (uint32_t)l->len;
	l->v[l->len++] = (uint32_t)n;
	memcpy(l->v + l->len, ids, n * sizeof(*ids));
	l->len += n;
	return PS_OK;
}

/* ---- duplicates: (slot, flag, id) packed in a uint64, sorted by radix ---- */

struct dups {
	uint64_t *v;
	size_t len, cap;
};

static int dups_push(struct dups *d, size_t slot, uint32_t sub, uint32_t id)
{
	if (d->len == d->cap) {
		size_t cap = d->cap != 0 ? d->cap * 2 : 1024;
		uint64_t *v = ps_reallocarray(PS_MEM_INTEL, d->v, cap, sizeof(*v));

		if (v == NULL)
			return PS_ENOMEM;
		d->v = v;
		d->cap = cap;
	}
	d->v[d->len++] = (uint64_t)slot << 32 | (uint64_t)(sub != 0) << 31 | id;
	return PS_OK;
}

/* LSD radix sort, 16 bits a pass, skipping passes where all digits agree. */
static int sort_u64(uint64_t *v, size_t n)
{
	uint64_t *tmp, *src = v, *dst;
	size_t *cnt;

	if (n < 64) {
		for (size_t i = 1; i < n; i++) {
			uint64_t x = v[i];
			size_t j = i;

			for (; j > 0 && v[j - 1] > x; j--)
				v[j] = v[j - 1];
			v[j] = x;
		}
		return PS_OK;
	}
	tmp = ps_malloc(PS_MEM_INTEL, n * sizeof(*tmp));
	cnt = ps_malloc(PS_MEM_INTEL, 65536 * sizeof(*cnt));
	if (tmp == NULL || cnt == NULL) {
		ps_free(tmp);
		ps_free(cnt);
		return PS_ENOMEM;
	}
	dst = tmp;
	for (unsigned shift = 0; shift < 64; shift += 16) {
		size_t sum = 0;

		memset(cnt, 0, 65536 * sizeof(*cnt));
		for (size_t i = 0; i < n; i++)
			cnt[src[i] >> shift & 0xffff]++;
		if (cnt[src[0] >> shift & 0xffff] == n)
			continue;
		for (size_t d = 0; d < 65536; d++) {
			size_t c = cnt[d];

			cnt[d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[cnt[src[i] >> shift & 0xffff]++] = src[i];
		dst = src;
		src = src == v ? tmp : v;
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
	ps_free(tmp);
	ps_free(cnt);
	return PS_OK;
}

/*
 * Merge the duplicate ids of one slot (d[0..k), same slot) with the slot's
 * first refs into sorted lists. An id with the subdomain flag is dropped
 * from the exact list (the flagged entry matches the name too).
 */
static int merge_slot(struct tbl_lists *l, const uint64_t *d, size_t k, uint32_t *ref,
		      uint32_t *ref_sub, uint32_t **scratch, size_t *scratch_cap)
{
	size_t ne = 0, ns = 0, need = 2 * (k + 1);
	uint32_t *e, *s;
	int rc;

	if (need > *scratch_cap) {
		uint32_t *p = ps_reallocarray(PS_MEM_INTEL, *scratch, need, sizeof(*p));

		if (p == NULL)
			return PS_ENOMEM;
		*scratch = p;
		*scratch_cap = need;
	}
	e = *scratch;
	s = e + k + 1;
	if (*ref != TBL_EMPTY)
		e[ne++] = *ref;
	if (ref_sub != NULL && *ref_sub != TBL_EMPTY)
		s[ns++] = *ref_sub;
	for (size_t i = 0; i < k; i++) {
		uint32_t id = (uint32_t)d[i] & ~TBL_LIST;

		if (d[i] & TBL_LIST)
			s[ns++] = id;
		else
			e[ne++] = id;
	}
	ne = ps_intel_tbl_ids_sort(e, ne);
	ns = ps_intel_tbl_ids_sort(s, ns);
	if (ns != 0) {
		size_t w = 0, j = 0;

		for (size_t i = 0; i < ne; i++) {
			while (j < ns && s[j] < e[i])
				j++;
			if (j == ns || s[j] != e[i])
				e[w++] = e[i];
		}
		ne = w;
	}
	*ref = TBL_EMPTY;
	rc = ne != 0 ? ps_intel_tbl_ref_make(l, e, ne, ref) : PS_OK;
	if (rc == PS_OK && ref_sub != NULL) {
		*ref_sub = TBL_EMPTY;
		if (ns != 0)
			rc = ps_intel_tbl_ref_make(l, s, ns, ref_sub);
	}
	return rc;
}

/* ---- fixed-size keys ---- */

static uint32_t *fix_ref(struct tbl_fixset *s, size_t i)
{
	return (uint32_t *)(void *)(s->slots + i * s->stride + s->klen);
}

static int fix_insert_one(struct tbl_fixset *s, const uint8_t *key, size_t i, struct dups *d)
{
	uint32_t id;

	memcpy(&id, key + s->klen, 4);
	for (;;) {
		uint8_t *slot = s->slots + i * s->stride;
		uint32_t *ref = fix_ref(s, i);

		if (*ref == TBL_EMPTY) {
			memcpy(slot, key, s->klen);
			*ref = id;
			s->count++;
			return PS_OK;
		}
		if (memcmp(slot, key, s->klen) == 0)
			return *ref != id ? dups_push(d, i, 0, id) : PS_OK;
		if (++i == s->cap)
			i = 0;
	}
}

/* Records hashed (and their slots prefetched) ahead of insertion. */
#define BATCH 16

/* Claim a slot for each record, or queue it as a duplicate. */
static int fix_insert(struct tbl_fixset *s, const uint8_t *recs, size_t n,
		      const struct tbl_seed *seed, struct dups *d)
{
	size_t rl = s->klen + 4, home[BATCH];

	for (size_t b = 0; b < n; b += BATCH) {
		size_t m = n - b < BATCH ? n - b : BATCH;

		for (size_t k = 0; k < m; k++) {
			home[k] = tbl_home(tbl_hash(recs + (b + k) * rl, s->klen, seed), s->cap);
			__builtin_prefetch(s->slots + home[k] * s->stride, 1);
		}
		for (size_t k = 0; k < m; k++)
			if (fix_insert_one(s, recs + (b + k) * rl, home[k], d) != PS_OK)
				return PS_ENOMEM;
	}
	return PS_OK;
}

/* Turn the queued duplicates into id lists, slot by slot. */
static int dups_apply(struct dups *d, struct tbl_lists *l, uint32_t *(*refs)(void *, size_t, uint32_t **),
		      void *set)
{
	uint32_t *scratch = NULL;
	size_t scratch_cap = 0;
	int rc = sort_u64(d->v, d->len);

	for (size_t i = 0; rc == PS_OK && i < d->len;) {
		size_t slot = (size_t)(d->v[i] >> 32), k = 1;
		uint32_t *ref_sub, *ref = refs(set, slot, &ref_sub);

		while (i + k < d->len && (size_t)(d->v[i + k] >> 32) == slot)
			k++;
		rc = merge_slot(l, d->v + i, k, ref, ref_sub, &scratch, &scratch_cap);
		i += k;
	}
	ps_free(scratch);
	return rc;
}

static uint32_t *fix_refs(void *set, size_t slot, uint32_t **ref_sub)
{
	*ref_sub = NULL;
	return fix_ref(set, slot);
}

int ps_intel_tbl_fix_build(struct tbl_fixset *s, size_t klen, const uint8_t *recs, size_t n,
			   const struct tbl_seed *seed, struct tbl_lists *lists)
{
	struct dups d = {0};
	size_t lists0 = lists->len;
	int rc = PS_OK;

	memset(s, 0, sizeof(*s));
	s->klen = (uint32_t)klen;
	s->stride = (uint32_t)klen + 4;
	if (n == 0)
		return PS_OK;
	s->cap = set_cap(n);
	s->slots = ps_malloc(PS_MEM_INTEL, s->cap * s->stride);
	if (s->slots == NULL) {
		rc = PS_ENOMEM;
		goto out;
	}
	memset(s->slots, 0xff, s->cap * s->stride);
	rc = fix_insert(s, recs, n, seed, &d);
	if (rc == PS_OK)
		rc = dups_apply(&d, lists, fix_refs, s);
	s->bytes = s->cap * s->stride + (lists->len - lists0) * sizeof(uint32_t);
out:
	ps_free(d.v);
	if (rc != PS_OK)
		ps_intel_tbl_fix_release(s);
	return rc;
}

void ps_intel_tbl_fix_release(struct tbl_fixset *s)
{
	uint32_t klen = s->klen;

	ps_free(s->slots);
	memset(s, 0, sizeof(*s));
	s->klen = klen;
	s->stride = klen + 4;
}

/* ---- string keys ---- */

static size_t varint_len(size_t v)
{
	size_t n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

static size_t varint_put(uint8_t *p, size_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

/* Labels of a domain (dots + 1), capped at 63 for the level mask. */
static unsigned domain_labels(const uint8_t *p, size_t len)
{
	unsigned k = 1;

	for (size_t i = 0; i < len; i++)
		k += p[i] == '.';
	return k > 63 ? 63 : k;
}

/* Insert one staged string; the key bytes go to the final pool on a claim. */
static int str_insert_one(struct tbl_strset *s, const struct tbl_str_rec *r, const uint8_t *key,
			  uint64_t h, bool domain, struct dups *d)
{
	size_t i = tbl_home(h, s->cap);
	uint32_t sub = domain && r->sub != 0;

	if (sub)
		s->sub_levels |= UINT64_C(1) << domain_labels(key, r->len);
	for (;;) {
		struct tbl_strslot *slot = &s->slots[i];

		if (slot->off == TBL_EMPTY) {
			slot->tag = (uint32_t)h;
			slot->off = (uint32_t)s->pool_len;
			s->pool_len += varint_put(s->pool + s->pool_len, r->len);
			memcpy(s->pool + s->pool_len, key, r->len);
			s->pool_len += r->len;
			*(sub ? &slot->ref_sub : &slot->ref) = r->id;
			s->count++;
			return PS_OK;
		}
		if (slot->tag == (uint32_t)h) {
			const uint8_t *k;

			if (tbl_pool_key(s->pool, slot->off, &k) == r->len &&
			    memcmp(k, key, r->len) == 0) {
				if (*(sub ? &slot->ref_sub : &slot->ref) == r->id)
					return PS_OK;
				return dups_push(d, i, sub, r->id);
			}
		}
		if (++i == s->cap)
			i = 0;
	}
}

static int str_insert(struct tbl_strset *s, const struct tbl_str_rec *recs, size_t n,
		      const uint8_t *pool, bool domain, const struct tbl_seed *seed, struct dups *d)
{
	uint64_t h[BATCH];

	for (size_t b = 0; b < n; b += BATCH) {
		size_t m = n - b < BATCH ? n - b : BATCH;

		for (size_t k = 0; k < m; k++) {
			h[k] = tbl_hash(pool + recs[b + k].off, recs[b + k].len, seed);
			__builtin_prefetch(&s->slots[tbl_home(h[k], s->cap)], 1);
		}
		for (size_t k = 0; k < m; k++)
			if (str_insert_one(s, &recs[b + k], pool + recs[b + k].off, h[k], domain,
					   d) != PS_OK)
				return PS_ENOMEM;
	}
	return PS_OK;
}

static uint32_t *str_refs(void *set, size_t slot, uint32_t **ref_sub)
{
	struct tbl_strset *s = set;

	*ref_sub = &s->slots[slot].ref_sub;
	return &s->slots[slot].ref;
}

int ps_intel_tbl_str_build(struct tbl_strset *s, const struct tbl_str_rec *recs, size_t n,
			   const uint8_t *pool, bool domain, const struct tbl_seed *seed,
			   struct tbl_lists *lists)
{
	struct dups d = {0};
	size_t lists0 = lists->len, pool_max = 0;
	int rc = PS_OK;

	memset(s, 0, sizeof(*s));
	if (n == 0)
		return PS_OK;
	for (size_t r = 0; r < n; r++)
		pool_max += varint_len(recs[r].len) + recs[r].len;
	rc = PS_ENOMEM;
	if (pool_max >= TBL_EMPTY)
		goto out;
	s->cap = set_cap(n);
	s->slots = ps_malloc(PS_MEM_INTEL, s->cap * sizeof(*s->slots));
	s->pool = ps_malloc(PS_MEM_INTEL, pool_max);
	if (s->slots == NULL || s->pool == NULL)
		goto out;
	memset(s->slots, 0xff, s->cap * sizeof(*s->slots));
	rc = str_insert(s, recs, n, pool, domain, seed, &d);
	if (rc == PS_OK)
		rc = dups_apply(&d, lists, str_refs, s);
	if (rc == PS_OK && s->pool_len < pool_max) {
		uint8_t *p = ps_realloc(PS_MEM_INTEL, s->pool, s->pool_len);

		if (p != NULL)
			s->pool = p;
	}
	s->bytes = s->cap * sizeof(*s->slots) + s->pool_len +
		   (lists->len - lists0) * sizeof(uint32_t);
out:
	ps_free(d.v);
	if (rc != PS_OK)
		ps_intel_tbl_str_release(s);
	return rc;
}

void ps_intel_tbl_str_release(struct tbl_strset *s)
{
	ps_free(s->slots);
	ps_free(s->pool);
	memset(s, 0, sizeof(*s));
}
