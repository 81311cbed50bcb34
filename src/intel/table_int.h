/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals shared by the matching-table files: the keyed hash, the
 * open-addressing sets of fixed-size and of string keys, the CIDR interval
 * tables and the id lists. Lookups are inline here; table_hash.c and
 * table_lpm.c build the structures, table.c stages adds and dispatches.
 */
#ifndef PS_INTEL_TABLE_INT_H
#define PS_INTEL_TABLE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/err.h"
#include "intel/table.h"

/*
 * A slot's `ref` names the ids of its key: TBL_EMPTY (none), an id (bit 31
 * clear), or TBL_LIST | off where lists[off] is a count n >= 2 followed by
 * n ascending ids.
 */
#define TBL_EMPTY UINT32_MAX
#define TBL_LIST 0x80000000u
#define TBL_NONE UINT32_MAX /* no prefix node */

typedef unsigned __int128 tbl_u128;

/* For the lookup helpers below: inlined with constant key lengths, the
 * hash and the key comparison become straight-line code. */
#define TBL_INLINE static inline __attribute__((always_inline))

struct tbl_seed {
	uint64_t k0, k1;
};

/* The growable uint32 array of id lists, shared by every set of a table. */
struct tbl_lists {
	uint32_t *v;
	size_t len, cap;
};

/*
 * Fixed-size keys (4, 16, 20 or 32 bytes): `cap` slots of `stride` bytes,
 * the key then its uint32 ref. Invariant: count < cap (at least one empty
 * slot ends every probe); cap == 0 means empty and slots NULL.
 */
struct tbl_fixset {
	uint8_t *slots;
	size_t cap, count;
	uint32_t klen, stride;
	size_t bytes; /* slots and this set's id lists */
};

/* A string key: hash tag, offset of its varint length + bytes in `pool`. */
struct tbl_strslot {
	uint32_t tag;
	uint32_t off;     /* TBL_EMPTY: free slot */
	uint32_t ref;     /* exact-only entries (for domains: without the flag) */
	uint32_t ref_sub; /* domains: entries with the subdomain flag */
};

/*
 * String keys (domains, URLs, JA4): open addressing like tbl_fixset. For
 * domains, bit j of `sub_levels` says some flagged entry has j labels (bit
 * 63: 63 or more), so a lookup skips parents no entry can be.
 */
struct tbl_strset {
	struct tbl_strslot *slots;
	size_t cap, count;
	uint8_t *pool;
	size_t pool_len;
	uint64_t sub_levels;
	size_t bytes;
};

/* A CIDR: its innermost containing CIDR (TBL_NONE at the top) and its ids. */
struct tbl_pfx {
	uint32_t parent;
	uint32_t ref;
};

/*
 * An address interval: its first address, and the ids (ref) and parent of
 * its longest covering CIDR (TBL_EMPTY and TBL_NONE when none covers it),
 * so a lookup that meets one CIDR reads nothing else.
 */
struct tbl_iv4 {
	uint32_t start;
	uint32_t ref;
	uint32_t parent;
};

struct tbl_iv6 {
	uint64_t hi, lo; /* start, most significant half first */
	uint32_t ref;
	uint32_t parent;
};

/* A bucket of the top index: intervals [lo, hi], or TBL_TOP_DIRECT in lo
 * when the one interval `hi` covers the whole bucket. */
struct tbl_top {
	uint32_t lo, hi;
};
#define TBL_TOP_DIRECT UINT32_MAX

/*
 * CIDR table as disjoint intervals: interval i covers [start_i,
 * start_{i+1}); the first starts at 0 and starts ascend. The CIDRs covering
 * an interval are its own, then the parent chain through pfx[]. With a top
 * index (more than TBL_TOP_MIN intervals): addresses below `first` (the
 * second interval's start) are in interval 0, those from `last` (the last
 * start) on in the last one; the others share the `skip` high bits of
 * those two, and the next top_bits bits pick the bucket that names the
 * few intervals to search.
 */
struct tbl_lpm {
	unsigned bits;          /* 32 or 128 */
	unsigned skip, top_bits;
	tbl_u128 first, last;
	struct tbl_iv4 *iv4;    /* bits == 32 */
	struct tbl_iv6 *iv6;    /* bits == 128 */
	struct tbl_top *top;    /* 1 << top_bits buckets, or NULL */
	struct tbl_pfx *pfx;
	size_t n, npfx;
	size_t bytes;
};
#define TBL_TOP_MIN 64
#define TBL_TOP_BITS_MAX 18

/* A staged CIDR: network in the high bits of a u128 (IPv4: low 32 bits). */
struct tbl_pfx_rec {
	tbl_u128 net;
	uint32_t id;
	uint8_t len;
};

/* A staged string: bytes at `off` in the staging pool. */
struct tbl_str_rec {
	uint32_t off, len, id;
	uint32_t sub; /* subdomain flag */
};

/* ---- hashing (wyhash-style multiply-mix, keyed per table) ---- */

#define TBL_P0 0xa0761d6478bd642fULL
#define TBL_P1 0xe7037ed1a0b428dbULL

static inline uint64_t tbl_mix(uint64_t a, uint64_t b)
{
	tbl_u128 r = (tbl_u128)a * b;

	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static inline uint64_t tbl_ld64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static inline uint64_t tbl_ld32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* Keyed hash of len bytes; inline so constant lengths specialise it. */
TBL_INLINE uint64_t tbl_hash(const uint8_t *p, size_t len, const struct tbl_seed *s)
{
	uint64_t seed = s->k0, a, b;

	if (len <= 16) {
		if (len >= 4) {
			size_t q = (len >> 3) << 2;

			a = tbl_ld32(p) << 32 | tbl_ld32(p + q);
			b = tbl_ld32(p + len - 4) << 32 | tbl_ld32(p + len - 4 - q);
		} else if (len > 0) {
			a = (uint64_t)p[0] << 16 | (uint64_t)p[len >> 1] << 8 | p[len - 1];
			b = 0;
		} else {
			a = b = 0;
		}
	} else {
		size_t i = len;

		while (i > 16) {
			seed = tbl_mix(tbl_ld64(p) ^ s->k1, tbl_ld64(p + 8) ^ seed);
			p += 16;
			i -= 16;
		}
		a = tbl_ld64(p + i - 16);
		b = tbl_ld64(p + i - 8);
	}
	a ^= s->k1;
	b ^= seed;
	{
		tbl_u128 r = (tbl_u128)a * b;

		a = (uint64_t)r;
		b = (uint64_t)(r >> 64);
	}
	return tbl_mix(a ^ TBL_P0 ^ len, b ^ s->k1);
}

/* Home slot of hash h in a table of cap slots (Lemire's multiply-shift). */
static inline size_t tbl_home(uint64_t h, size_t cap)
{
	return (size_t)(((tbl_u128)h * cap) >> 64);
}

/* ---- id output ---- */

/* Append the ids of `ref` to ids[0..max) from *n on; *n counts them all. */
static inline void tbl_put(const struct tbl_lists *l, uint32_t ref, uint32_t *ids, size_t max,
			   size_t *n)
{
	if (ref == TBL_EMPTY)
		return;
	if ((ref & TBL_LIST) == 0) {
		if (*n < max)
			ids[*n] = ref;
		(*n)++;
		return;
	}
	{
		const uint32_t *v = l->v + (ref & ~TBL_LIST);
		uint32_t cnt = v[0];

		for (uint32_t i = 0; i < cnt; i++) {
			if (*n < max)
				ids[*n] = v[1 + i];
			(*n)++;
		}
	}
}

/* ---- lookups ---- */

/* The ref of a fixed-size key (klen == s->klen), TBL_EMPTY when absent. */
TBL_INLINE uint32_t tbl_fix_find(const struct tbl_fixset *s, const struct tbl_seed *seed,
				    const uint8_t *key, size_t klen)
{
	size_t i;

	if (s->cap == 0)
		return TBL_EMPTY;
	i = tbl_home(tbl_hash(key, klen, seed), s->cap);
	for (;;) {
		const uint8_t *slot = s->slots + i * s->stride;
		uint32_t ref;

		memcpy(&ref, slot + klen, 4);
		if (ref == TBL_EMPTY)
			return TBL_EMPTY;
		if (memcmp(slot, key, klen) == 0)
			return ref;
		if (++i == s->cap)
			i = 0;
	}
}

/* Decode the varint length at pool + off; *p points at the bytes. */
static inline size_t tbl_pool_key(const uint8_t *pool, uint32_t off, const uint8_t **p)
{
	const uint8_t *q = pool + off;
	size_t len = 0;
	unsigned shift = 0;

	while (*q & 0x80) {
		len |= (size_t)(*q++ & 0x7f) << shift;
		shift += 7;
	}
	len |= (size_t)*q++ << shift;
	*p = q;
	return len;
}

/* The slot of a string key with hash h, NULL when absent. */
TBL_INLINE const struct tbl_strslot *tbl_str_find(const struct tbl_strset *s, uint64_t h,
						      const uint8_t *key, size_t len)
{
	size_t i;
	uint32_t tag = (uint32_t)h;

	if (s->cap == 0)
		return NULL;
	i = tbl_home(h, s->cap);
	for (;;) {
		const struct tbl_strslot *slot = &s->slots[i];

		if (slot->off == TBL_EMPTY)
			return NULL;
		if (slot->tag == tag) {
			const uint8_t *k;
			size_t klen = tbl_pool_key(s->pool, slot->off, &k);

			if (klen == len && memcmp(k, key, len) == 0)
				return slot;
		}
		if (++i == s->cap)
			i = 0;
	}
}

/* ---- builders (table_hash.c, table_lpm.c) ---- */

/*
 * Build a fixed-key set from n records of klen + 4 bytes (key, then the
 * uint32 id), appending id lists to *lists. PS_OK or PS_ENOMEM (set empty).
 */
int ps_intel_tbl_fix_build(struct tbl_fixset *s, size_t klen, const uint8_t *recs, size_t n,
			   const struct tbl_seed *seed, struct tbl_lists *lists) PS_MUST_USE;
void ps_intel_tbl_fix_release(struct tbl_fixset *s);

/*
 * Build a string set from n records over the staging `pool`; `domain`
 * records honour their subdomain flag. PS_OK or PS_ENOMEM (set empty).
 */
int ps_intel_tbl_str_build(struct tbl_strset *s, const struct tbl_str_rec *recs, size_t n,
			   const uint8_t *pool, bool domain, const struct tbl_seed *seed,
			   struct tbl_lists *lists) PS_MUST_USE;
void ps_intel_tbl_str_release(struct tbl_strset *s);

/*
 * Build a CIDR table of `bits` (32 or 128) from n records, which it sorts
 * in place. PS_OK or PS_ENOMEM (table empty).
 */
int ps_intel_tbl_lpm_build(struct tbl_lpm *m, unsigned bits, struct tbl_pfx_rec *recs, size_t n,
			   struct tbl_lists *lists) PS_MUST_USE;
void ps_intel_tbl_lpm_release(struct tbl_lpm *m);
/* Append the ids of every CIDR containing `a` (in the low `bits`), longest first. */
void ps_intel_tbl_lpm_match(const struct tbl_lpm *m, const struct tbl_lists *l, tbl_u128 a,
			    uint32_t *ids, size_t max, size_t *n);

/*
 * Sort ids[0..n) and drop repeats; returns the new count. Used for the id
 * lists of keys added several times.
 */
size_t ps_intel_tbl_ids_sort(uint32_t *ids, size_t n);
/* Store the n (>= 1, sorted, distinct) ids as a ref; PS_ENOMEM on failure. */
int ps_intel_tbl_ref_make(struct tbl_lists *l, const uint32_t *ids, size_t n, uint32_t *ref) PS_MUST_USE;

#endif
