/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Longest-prefix tables for IPv4 and IPv6 CIDR indicators. The CIDRs are
 * cut into disjoint address intervals, each pointing at its longest covering
 * CIDR, whose parent chain lists every other covering CIDR, longest first;
 * a lookup is a bucket index on the top 16 bits and a short binary search.
 */
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "intel/table_int.h"

#define STACK_MAX 129 /* strictly nested prefixes of 0..128 bits */

static int cmp_rec(const void *a, const void *b)
{
	const struct tbl_pfx_rec *x = a, *y = b;

	if (x->net != y->net)
		return x->net < y->net ? -1 : 1;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* Last address of a CIDR of `len` bits in a `bits`-bit space. */
static tbl_u128 pfx_last(tbl_u128 net, unsigned len, unsigned bits)
{
	tbl_u128 host;

	if (len == 0)
		host = bits == 128 ? ~(tbl_u128)0 : ((tbl_u128)1 << bits) - 1;
	else
		host = ((tbl_u128)1 << (bits - len)) - 1;
	return net | host;
}

/* Interval list under construction: start ascending, start[0] == 0. */
struct sweep {
	tbl_u128 *start;
	uint32_t *node;
	size_t n;
};

/*
 * New interval from `s` on: a later emit at the same start wins, and an
 * interval with the same node as the one before is merged into it.
 */
static void emit(struct sweep *w, tbl_u128 s, uint32_t node)
{
	if (w->n > 0 && w->start[w->n - 1] == s)
		w->n--;
	if (w->n > 0 && w->node[w->n - 1] == node)
		return;
	w->start[w->n] = s;
	w->node[w->n] = node;
	w->n++;
}

/* Group equal CIDRs of the sorted records into nodes with their id lists. */
static int make_nodes(struct tbl_lpm *m, const struct tbl_pfx_rec *recs, size_t n,
		      struct tbl_lists *lists, tbl_u128 *lo, uint8_t *len)
{
	uint32_t *ids = ps_malloc(PS_MEM_INTEL, n * sizeof(*ids));
	int rc = PS_OK;

	if (ids == NULL)
		return PS_ENOMEM;
	for (size_t i = 0; rc == PS_OK && i < n;) {
		size_t run = 0;

		while (i + run < n && recs[i + run].net == recs[i].net &&
		       recs[i + run].len == recs[i].len) {
			ids[run] = recs[i + run].id;
			run++;
		}
		lo[m->npfx] = recs[i].net;
		len[m->npfx] = recs[i].len;
		m->pfx[m->npfx].parent = TBL_NONE;
		rc = ps_intel_tbl_ref_make(lists, ids, ps_intel_tbl_ids_sort(ids, run),
					   &m->pfx[m->npfx].ref);
		m->npfx++;
		i += run;
	}
	ps_free(ids);
	return rc;
}

/* Cut the nested CIDRs (sorted by start, shorter first) into intervals. */
static void sweep_nodes(struct tbl_lpm *m, struct sweep *w, const tbl_u128 *lo, const uint8_t *len)
{
	uint32_t stack[STACK_MAX];
	tbl_u128 hi[STACK_MAX];
	size_t sp = 0;

	emit(w, 0, TBL_NONE);
	for (size_t p = 0; p <= m->npfx; p++) {
		/* close every CIDR that ends before this one starts (p == npfx: all) */
		while (sp > 0 && (p == m->npfx || hi[sp - 1] < lo[p])) {
			tbl_u128 end = hi[--sp];

			if (end != pfx_last(0, 0, m->bits))
				emit(w, end + 1, sp > 0 ? stack[sp - 1] : TBL_NONE);
		}
		if (p == m->npfx)
			break;
		m->pfx[p].parent = sp > 0 ? stack[sp - 1] : TBL_NONE;
		hi[sp] = pfx_last(lo[p], len[p], m->bits);
		stack[sp++] = (uint32_t)p;
		emit(w, lo[p], (uint32_t)p);
	}
}

/* Bits of the top index for n intervals: about one interval per bucket. */
static unsigned top_bits_for(size_t n, unsigned avail)
{
	unsigned k = 8;

	while (k < TBL_TOP_BITS_MAX && ((size_t)1 << k) < n)
		k++;
	return k < avail ? k : avail;
}

/* Length of the common prefix of x and y in a bits-wide space. */
static unsigned common_bits(tbl_u128 x, tbl_u128 y, unsigned bits)
{
	unsigned k = 0;

	while (k < bits && ((x ^ y) >> (bits - 1 - k) & 1) == 0)
		k++;
	return k;
}

/*
 * Index the intervals by the top_bits bits after the common `skip`: for
 * bucket b, lo = the interval holding its first address, hi = the one
 * holding its last. Two pointers walk the sorted starts once.
 */
static void build_top(struct tbl_lpm *m, const struct sweep *w)
{
	size_t nb = (size_t)1 << m->top_bits, i = 0, j = 0;
	unsigned shift = m->bits - m->skip - m->top_bits;
	tbl_u128 common = m->skip == 0 ? 0 : m->first >> (m->bits - m->skip) << (m->bits - m->skip);

	for (size_t b = 0; b < nb; b++) {
		tbl_u128 lo = common | (tbl_u128)b << shift;
		tbl_u128 hi = lo + (((tbl_u128)1 << shift) - 1);

		while (i + 1 < w->n && w->start[i + 1] <= lo)
			i++;
		if (j < i)
			j = i;
		while (j + 1 < w->n && w->start[j + 1] <= hi)
			j++;
		m->top[b].lo = i == j ? TBL_TOP_DIRECT : (uint32_t)i;
		m->top[b].hi = (uint32_t)j;
	}
}

static void interval_set(struct tbl_lpm *m, size_t k, tbl_u128 start, uint32_t node)
{
	uint32_t ref = node != TBL_NONE ? m->pfx[node].ref : TBL_EMPTY;
	uint32_t parent = node != TBL_NONE ? m->pfx[node].parent : TBL_NONE;

	if (m->bits == 32) {
		m->iv4[k].start = (uint32_t)start;
		m->iv4[k].ref = ref;
		m->iv4[k].parent = parent;
	} else {
		m->iv6[k].hi = (uint64_t)(start >> 64);
		m->iv6[k].lo = (uint64_t)start;
		m->iv6[k].ref = ref;
		m->iv6[k].parent = parent;
	}
}

/* Copy the intervals into the final array and index them by top bits. */
static int finish(struct tbl_lpm *m, const struct sweep *w)
{
	size_t isz = m->bits == 32 ? sizeof(*m->iv4) : sizeof(*m->iv6);
	void *iv = ps_malloc(PS_MEM_INTEL, w->n * isz);

	if (iv == NULL)
		return PS_ENOMEM;
	if (m->bits == 32)
		m->iv4 = iv;
	else
		m->iv6 = iv;
	m->n = w->n;
	for (size_t k = 0; k < w->n; k++)
		interval_set(m, k, w->start[k], w->node[k]);
	m->bytes += w->n * isz;
	if (w->n <= TBL_TOP_MIN)
		return PS_OK;
	m->first = w->start[1];
	m->last = w->start[w->n - 1];
	m->skip = common_bits(m->first, m->last, m->bits);
	m->top_bits = top_bits_for(w->n, m->bits - m->skip);
	m->top = ps_malloc(PS_MEM_INTEL, ((size_t)1 << m->top_bits) * sizeof(*m->top));
	if (m->top == NULL)
		return PS_ENOMEM;
	build_top(m, w);
	m->bytes += ((size_t)1 << m->top_bits) * sizeof(*m->top);
	return PS_OK;
}

/*
 * Sort the records by (network, prefix length): LSD radix, 16 bits of the
 * network a pass (passes where no record differs are skipped), after one
 * pass on the length. Ids within a network are sorted later.
 */
static int sort_recs(struct tbl_pfx_rec *recs, size_t n)
{
	struct tbl_pfx_rec *tmp, *src = recs, *dst;
	size_t *cnt;
	tbl_u128 diff = 0;

	if (n < 64) {
		qsort(recs, n, sizeof(*recs), cmp_rec);
		return PS_OK;
	}
	tmp = ps_malloc(PS_MEM_INTEL, n * sizeof(*tmp));
	cnt = ps_malloc(PS_MEM_INTEL, 65536 * sizeof(*cnt));
	if (tmp == NULL || cnt == NULL) {
		ps_free(tmp);
		ps_free(cnt);
		return PS_ENOMEM;
	}
	for (size_t i = 1; i < n; i++)
		diff |= recs[i].net ^ recs[0].net;
	dst = tmp;
	for (int pass = -1; pass < 8; pass++) {
		unsigned shift = pass < 0 ? 0 : 16u * (unsigned)pass;
		size_t sum = 0;

		if (pass >= 0 && (uint16_t)(diff >> shift) == 0)
			continue;
		memset(cnt, 0, 65536 * sizeof(*cnt));
		for (size_t i = 0; i < n; i++)
			cnt[pass < 0 ? src[i].len : (uint16_t)(src[i].net >> shift)]++;
		for (size_t d = 0; d < 65536; d++) {
			size_t c = cnt[d];

			cnt[d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[cnt[pass < 0 ? src[i].len : (uint16_t)(src[i].net >> shift)]++] = src[i];
		dst = src;
		src = src == recs ? tmp : recs;
	}
	if (src != recs)
		memcpy(recs, src, n * sizeof(*recs));
	ps_free(tmp);
	ps_free(cnt);
	return PS_OK;
}

int ps_intel_tbl_lpm_build(struct tbl_lpm *m, unsigned bits, struct tbl_pfx_rec *recs, size_t n,
			   struct tbl_lists *lists)
{
	struct sweep w = {0};
	tbl_u128 *lo = NULL;
	uint8_t *len = NULL;
	size_t lists0 = lists->len;
	int rc = PS_ENOMEM;

	memset(m, 0, sizeof(*m));
	m->bits = bits;
	if (n == 0)
		return PS_OK;
	if (n >= TBL_NONE / 2)
		return PS_ENOMEM;
	if (sort_recs(recs, n) != PS_OK)
		return PS_ENOMEM;
	m->pfx = ps_malloc(PS_MEM_INTEL, n * sizeof(*m->pfx));
	lo = ps_malloc(PS_MEM_INTEL, n * sizeof(*lo));
	len = ps_malloc(PS_MEM_INTEL, n);
	w.start = ps_malloc(PS_MEM_INTEL, (2 * n + 1) * sizeof(*w.start));
	w.node = ps_malloc(PS_MEM_INTEL, (2 * n + 1) * sizeof(*w.node));
	if (m->pfx == NULL || lo == NULL || len == NULL || w.start == NULL || w.node == NULL)
		goto out;
	rc = make_nodes(m, recs, n, lists, lo, len);
	if (rc != PS_OK)
		goto out;
	if (m->npfx < n) {
		struct tbl_pfx *p = ps_realloc(PS_MEM_INTEL, m->pfx, m->npfx * sizeof(*p));

		if (p != NULL)
			m->pfx = p;
	}
	sweep_nodes(m, &w, lo, len);
	m->bytes = m->npfx * sizeof(*m->pfx) + (lists->len - lists0) * sizeof(uint32_t);
	rc = finish(m, &w);
out:
	ps_free(w.start);
	ps_free(w.node);
	ps_free(lo);
	ps_free(len);
	if (rc != PS_OK)
		ps_intel_tbl_lpm_release(m);
	return rc;
}

void ps_intel_tbl_lpm_release(struct tbl_lpm *m)
{
	unsigned bits = m->bits;

	ps_free(m->iv4);
	ps_free(m->iv6);
	ps_free(m->top);
	ps_free(m->pfx);
	memset(m, 0, sizeof(*m));
	m->bits = bits;
}

/* The candidates for `a`: intervals [*base, *base + n), or n == 1. */
static size_t top_range(const struct tbl_lpm *m, tbl_u128 a, size_t *base)
{
	struct tbl_top e;

	*base = 0;
	if (m->top == NULL)
		return m->n;
	if (a < m->first)
		return 1;
	if (a >= m->last) {
		*base = m->n - 1;
		return 1;
	}
	e = m->top[(size_t)(a >> (m->bits - m->skip - m->top_bits)) &
		   (((size_t)1 << m->top_bits) - 1)];
	if (e.lo == TBL_TOP_DIRECT) {
		*base = e.hi;
		return 1;
	}
	*base = e.lo;
	return e.hi - e.lo + 1;
}

void ps_intel_tbl_lpm_match(const struct tbl_lpm *m, const struct tbl_lists *l, tbl_u128 a,
			    uint32_t *ids, size_t max, size_t *n)
{
	size_t base, cnt;
	uint32_t node;

	if (m->n == 0)
		return;
	cnt = top_range(m, a, &base);
	if (m->bits == 32) {
		for (uint32_t a4 = (uint32_t)a; cnt > 1;) {
			size_t half = cnt / 2;

			base = m->iv4[base + half].start <= a4 ? base + half : base;
			cnt -= half;
		}
		tbl_put(l, m->iv4[base].ref, ids, max, n);
		node = m->iv4[base].parent;
	} else {
		while (cnt > 1) {
			size_t half = cnt / 2;
			const struct tbl_iv6 *v = &m->iv6[base + half];

			base = ((tbl_u128)v->hi << 64 | v->lo) <= a ? base + half : base;
			cnt -= half;
		}
		tbl_put(l, m->iv6[base].ref, ids, max, n);
		node = m->iv6[base].parent;
	}
	for (; node != TBL_NONE; node = m->pfx[node].parent)
		tbl_put(l, m->pfx[node].ref, ids, max, n);
}
