/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The matching table's life cycle: adds are parsed into flat staging arrays
 * (no allocation per entry), freeze builds every lookup structure from them
 * at once, and the match functions answer from the frozen, read-only result.
 * The sensor calls these for flow endpoints, DNS names, HTTP, TLS and files.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "intel/table_int.h"

/* A growable byte array (staging records and strings). */
struct gbuf {
	uint8_t *p;
	size_t len, cap;
};

/*
 * Invariants: building (frozen false): stage[type] holds the records of
 * each type (fixed: key + id; CIDR: struct tbl_pfx_rec; strings: struct
 * tbl_str_rec over `pool`) and no lookup structure exists. Frozen: the
 * staging buffers are freed and fix/str/lpm are immutable.
 */
struct ps_intel_table {
	bool frozen;
	struct tbl_seed seed;
	struct tbl_lists lists;
	struct tbl_fixset fix[PS_IOC__COUNT]; /* IPV4 IPV6 MD5 SHA1 SHA256 JA3 */
	struct tbl_strset str[PS_IOC__COUNT]; /* DOMAIN URL JA4 */
	struct tbl_lpm lpm4, lpm6;
	size_t entries[PS_IOC__COUNT];
	struct gbuf stage[PS_IOC__COUNT];
	struct gbuf pool;
	/*
	 * One bit per IPv4 /24 that holds a listed address or lies in a
	 * listed network (2 MiB, NULL while there is none): most addresses
	 * a sensor sees are in no list, and this answers them from a bitmap
	 * that stays in cache instead of the address set and the intervals.
	 */
	uint64_t *v4_24;
};

#define V4_24_WORDS ((UINT32_C(1) << 24) / 64)

/* Mark the /24s first24 .. first24 + count - 1. */
static int v4_mark(struct ps_intel_table *t, uint32_t first24, uint32_t count)
{
	uint32_t i = first24, end = first24 + count;

	if (t->v4_24 == NULL &&
	    (t->v4_24 = ps_calloc(PS_MEM_INTEL, V4_24_WORDS, sizeof(uint64_t))) == NULL)
		return PS_ENOMEM;
	while (i < end) {
		if ((i & 63) == 0 && end - i >= 64) {
			t->v4_24[i >> 6] = ~UINT64_C(0);
			i += 64;
		} else {
			t->v4_24[i >> 6] |= UINT64_C(1) << (i & 63);
			i++;
		}
	}
	return PS_OK;
}

static uint32_t v4_slash24(const uint8_t *b)
{
	return (uint32_t)b[0] << 16 | (uint32_t)b[1] << 8 | b[2];
}

/* Key bytes of the fixed-size types; 0 for the others. */
static const uint8_t fix_klen[PS_IOC__COUNT] = {
	[PS_IOC_IPV4] = 4, [PS_IOC_IPV6] = 16, [PS_IOC_MD5] = 16,
	[PS_IOC_SHA1] = 20, [PS_IOC_SHA256] = 32, [PS_IOC_JA3] = 16,
};

static bool is_str_type(enum ps_ioc_type type)
{
	return type == PS_IOC_DOMAIN || type == PS_IOC_URL || type == PS_IOC_JA4;
}

static int gbuf_grow(struct gbuf *b, size_t extra)
{
	size_t cap;
	uint8_t *p;

	if (b->cap - b->len >= extra)
		return PS_OK;
	cap = b->cap != 0 ? b->cap : 4096;
	while (cap - b->len < extra) {
		if (cap > SIZE_MAX / 2)
			return PS_ENOMEM;
		cap *= 2;
	}
	p = ps_realloc(PS_MEM_INTEL, b->p, cap);
	if (p == NULL)
		return PS_ENOMEM;
	b->p = p;
	b->cap = cap;
	return PS_OK;
}

static void gbuf_release(struct gbuf *b)
{
	ps_free(b->p);
	memset(b, 0, sizeof(*b));
}

int ps_intel_table_new(struct ps_intel_table **tp, size_t expected)
{
	struct ps_intel_table *t = ps_calloc(PS_MEM_INTEL, 1, sizeof(*t));
	uint64_t k[2];

	*tp = NULL;
	if (t == NULL)
		return PS_ENOMEM;
	if (ps_random_bytes(k, sizeof(k)) != PS_OK) {
		/* still correct, only predictable: see hashmap.h */
		k[0] = TBL_P0 ^ 0x70616e736869ULL;
		k[1] = TBL_P1;
	}
	t->seed.k0 = k[0] ^ tbl_mix(k[0] ^ TBL_P0, TBL_P1);
	t->seed.k1 = k[1] | 1;
	for (size_t i = 0; i < PS_IOC__COUNT; i++) {
		t->fix[i].klen = fix_klen[i];
		t->fix[i].stride = fix_klen[i] + 4u;
	}
	t->lpm4.bits = 32;
	t->lpm6.bits = 128;
	if (expected > 0 && gbuf_grow(&t->pool, expected < (1u << 20) ? expected * 16 : 1u << 24)) {
		ps_free(t);
		return PS_ENOMEM;
	}
	*tp = t;
	return PS_OK;
}

/* ---- staging ---- */

static int stage_fix(struct ps_intel_table *t, enum ps_ioc_type type, const uint8_t *key,
		     uint32_t id)
{
	struct gbuf *b = &t->stage[type];
	size_t klen = fix_klen[type];

	if (type == PS_IOC_IPV4 && v4_mark(t, v4_slash24(key), 1) != PS_OK)
		return PS_ENOMEM;

	if (gbuf_grow(b, klen + 4) != PS_OK)
		return PS_ENOMEM;
	memcpy(b->p + b->len, key, klen);
	memcpy(b->p + b->len + klen, &id, 4);
	b->len += klen + 4;
	return PS_OK;
}

/* The big-endian number in n (4 or 16) bytes. */
static tbl_u128 u128_be(const uint8_t *p, size_t n)
{
	uint64_t hi, lo;
	uint32_t w;

	if (n == 4) {
		memcpy(&w, p, 4);
		return be32toh(w);
	}
	memcpy(&hi, p, 8);
	memcpy(&lo, p + 8, 8);
	return (tbl_u128)be64toh(hi) << 64 | be64toh(lo);
}

/* Stage a CIDR of `bytes` (4 or 16) address bytes, clearing host bits. */
static int stage_pfx(struct ps_intel_table *t, const uint8_t *addr, size_t bytes, unsigned len,
		     uint32_t id)
{
	enum ps_ioc_type type = bytes == 4 ? PS_IOC_CIDR4 : PS_IOC_CIDR6;
	struct gbuf *b = &t->stage[type];
	struct tbl_pfx_rec r = {0};
	unsigned bits = (unsigned)bytes * 8;

	if (len > bits)
		return PS_EINVAL;
	r.net = u128_be(addr, bytes);
	if (len == 0)
		r.net = 0;
	else if (len < bits)
		r.net &= ~(((tbl_u128)1 << (bits - len)) - 1);
	r.len = (uint8_t)len;
	r.id = id;
	if (bytes == 4 && v4_mark(t, (uint32_t)(r.net >> 8),
				  len >= 24 ? 1 : UINT32_C(1) << (24 - len)) != PS_OK)
		return PS_ENOMEM;
	if (gbuf_grow(b, sizeof(r)) != PS_OK)
		return PS_ENOMEM;
	memcpy(b->p + b->len, &r, sizeof(r));
	b->len += sizeof(r);
	return PS_OK;
}

static uint8_t ascii_lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c | 0x20) : c;
}

static int stage_str(struct ps_intel_table *t, enum ps_ioc_type type, const char *v, size_t len,
		     bool sub, uint32_t id)
{
	struct gbuf *b = &t->stage[type];
	struct tbl_str_rec r = {0};

	if (type == PS_IOC_DOMAIN) {
		if (len > 0 && v[len - 1] == '.')
			len--;
		if (len > PS_INTEL_TABLE_DOMAIN_MAX)
			return PS_EINVAL;
	}
	if (len == 0 || len >= UINT32_MAX)
		return PS_EINVAL;
	if (t->pool.len > UINT32_MAX - len)
		return PS_ELIMIT;
	if (gbuf_grow(b, sizeof(r)) != PS_OK || gbuf_grow(&t->pool, len) != PS_OK)
		return PS_ENOMEM;
	r.off = (uint32_t)t->pool.len;
	r.len = (uint32_t)len;
	r.id = id;
	r.sub = type == PS_IOC_DOMAIN && sub;
	for (size_t i = 0; i < len; i++)
		t->pool.p[t->pool.len + i] = type == PS_IOC_DOMAIN ? ascii_lower((uint8_t)v[i]) : (uint8_t)v[i];
	t->pool.len += len;
	memcpy(b->p + b->len, &r, sizeof(r));
	b->len += sizeof(r);
	return PS_OK;
}

/* Hex digit values plus one; 0 for every other byte. */
static const uint8_t hex_tab[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
	['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

/* Decode exactly 2 * n hex digits into out[n]; false on a bad digit or length. */
static bool hex_decode(const char *hex, size_t len, uint8_t *out, size_t n)
{
	unsigned bad = 0;

	if (len != 2 * n)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned hi = hex_tab[(uint8_t)hex[2 * i]], lo = hex_tab[(uint8_t)hex[2 * i + 1]];

		bad |= (hi == 0) | (lo == 0);
		out[i] = (uint8_t)((hi - 1) << 4 | ((lo - 1) & 15));
	}
	return bad == 0;
}

/* "addr" or "addr/len" for a CIDR type; *len keeps `prefix` when no slash. */
static int parse_cidr(const char *value, int af, uint8_t *addr, unsigned *len)
{
	const char *slash = strchr(value, '/');
	char buf[INET6_ADDRSTRLEN];
	size_t alen = slash != NULL ? (size_t)(slash - value) : strlen(value);

	if (alen == 0 || alen >= sizeof(buf))
		return PS_EINVAL;
	memcpy(buf, value, alen);
	buf[alen] = '\0';
	if (inet_pton(af, buf, addr) != 1)
		return PS_EINVAL;
	if (slash != NULL) {
		unsigned v = 0;
		const char *p = slash + 1;

		if (*p == '\0' || strlen(p) > 3)
			return PS_EINVAL;
		for (; *p != '\0'; p++) {
			if (*p < '0' || *p > '9')
				return PS_EINVAL;
			v = v * 10 + (unsigned)(*p - '0');
		}
		if (*len != 0 && *len != v)
			return PS_EINVAL;
		*len = v;
	}
	return PS_OK;
}

static int add_parsed(struct ps_intel_table *t, enum ps_ioc_type type, const char *value,
		      uint8_t prefix, bool subdomains, uint32_t id)
{
	uint8_t key[32];
	unsigned len = prefix;

	switch (type) {
	case PS_IOC_IPV4:
	case PS_IOC_IPV6:
		if (inet_pton(type == PS_IOC_IPV4 ? AF_INET : AF_INET6, value, key) != 1)
			return PS_EINVAL;
		return stage_fix(t, type, key, id);
	case PS_IOC_CIDR4:
	case PS_IOC_CIDR6:
		if (parse_cidr(value, type == PS_IOC_CIDR4 ? AF_INET : AF_INET6, key, &len) != PS_OK)
			return PS_EINVAL;
		return stage_pfx(t, key, type == PS_IOC_CIDR4 ? 4 : 16, len, id);
	case PS_IOC_DOMAIN:
	case PS_IOC_URL:
	case PS_IOC_JA4:
		return stage_str(t, type, value, strlen(value), subdomains, id);
	case PS_IOC_MD5:
	case PS_IOC_SHA1:
	case PS_IOC_SHA256:
	case PS_IOC_JA3:
		if (!hex_decode(value, strlen(value), key, fix_klen[type]))
			return PS_EINVAL;
		return stage_fix(t, type, key, id);
	default:
		return PS_EINVAL;
	}
}

int ps_intel_table_add(struct ps_intel_table *t, enum ps_ioc_type type, const char *value,
		       uint8_t prefix, bool subdomains, uint32_t id)
{
	int rc;

	if (t == NULL || t->frozen || value == NULL || id > PS_INTEL_TABLE_ID_MAX ||
	    type <= PS_IOC_NONE || type >= PS_IOC__COUNT)
		return PS_EINVAL;
	if (t->entries[type] >= PS_INTEL_TABLE_ID_MAX)
		return PS_ELIMIT;
	rc = add_parsed(t, type, value, prefix, subdomains, id);
	if (rc == PS_OK)
		t->entries[type]++;
	return rc;
}

int ps_intel_table_add_ip(struct ps_intel_table *t, enum ps_af family, const struct ps_addr *a,
			  uint8_t prefix, uint32_t id)
{
	size_t bytes = family == PS_AF_INET ? 4 : 16;
	enum ps_ioc_type type;
	int rc;

	if (t == NULL || t->frozen || a == NULL || id > PS_INTEL_TABLE_ID_MAX ||
	    (family != PS_AF_INET && family != PS_AF_INET6) || prefix > bytes * 8)
		return PS_EINVAL;
	type = bytes == 4 ? (prefix == 32 ? PS_IOC_IPV4 : PS_IOC_CIDR4)
			  : (prefix == 128 ? PS_IOC_IPV6 : PS_IOC_CIDR6);
	if (t->entries[type] >= PS_INTEL_TABLE_ID_MAX)
		return PS_ELIMIT;
	if (prefix == bytes * 8)
		rc = stage_fix(t, type, a->b, id);
	else
		rc = stage_pfx(t, a->b, bytes, prefix, id);
	if (rc == PS_OK)
		t->entries[type]++;
	return rc;
}

/* ---- freeze ---- */

static void release_built(struct ps_intel_table *t)
{
	for (size_t i = 0; i < PS_IOC__COUNT; i++) {
		ps_intel_tbl_fix_release(&t->fix[i]);
		ps_intel_tbl_str_release(&t->str[i]);
	}
	ps_intel_tbl_lpm_release(&t->lpm4);
	ps_intel_tbl_lpm_release(&t->lpm6);
	ps_free(t->lists.v);
	memset(&t->lists, 0, sizeof(t->lists));
}

static int build_type(struct ps_intel_table *t, enum ps_ioc_type type)
{
	struct gbuf *b = &t->stage[type];

	if (fix_klen[type] != 0)
		return ps_intel_tbl_fix_build(&t->fix[type], fix_klen[type], b->p,
					      b->len / (fix_klen[type] + 4u), &t->seed, &t->lists);
	if (is_str_type(type))
		return ps_intel_tbl_str_build(&t->str[type], (const struct tbl_str_rec *)(void *)b->p,
					      b->len / sizeof(struct tbl_str_rec), t->pool.p,
					      type == PS_IOC_DOMAIN, &t->seed, &t->lists);
	if (type != PS_IOC_CIDR4 && type != PS_IOC_CIDR6)
		return PS_OK;
	return ps_intel_tbl_lpm_build(type == PS_IOC_CIDR4 ? &t->lpm4 : &t->lpm6,
				      type == PS_IOC_CIDR4 ? 32 : 128,
				      (struct tbl_pfx_rec *)(void *)b->p,
				      b->len / sizeof(struct tbl_pfx_rec), &t->lists);
}

int ps_intel_table_freeze(struct ps_intel_table *t)
{
	int rc = PS_OK;

	if (t == NULL || t->frozen)
		return PS_EINVAL;
	for (int type = PS_IOC_NONE + 1; rc == PS_OK && type < PS_IOC__COUNT; type++)
		rc = build_type(t, (enum ps_ioc_type)type);
	if (rc != PS_OK) {
		release_built(t);
		return rc;
	}
	if (t->lists.len < t->lists.cap) {
		uint32_t *v = ps_reallocarray(PS_MEM_INTEL, t->lists.v,
					      t->lists.len != 0 ? t->lists.len : 1, sizeof(*v));

		if (v != NULL) {
			t->lists.v = v;
			t->lists.cap = t->lists.len;
		}
	}
	for (size_t i = 0; i < PS_IOC__COUNT; i++)
		gbuf_release(&t->stage[i]);
	gbuf_release(&t->pool);
	t->frozen = true;
	return PS_OK;
}

/* ---- matching ---- */

/* The first 12 bytes of an IPv4-mapped IPv6 address (::ffff:a.b.c.d). */
static const uint8_t v4_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

size_t ps_intel_table_match_ip(const struct ps_intel_table *t, const struct ps_addr *a,
			       enum ps_af family, uint32_t *ids, size_t max)
{
	size_t n = 0;

	if (t == NULL || !t->frozen || a == NULL)
		return 0;
	if (family == PS_AF_INET6 && memcmp(a->b, v4_mapped, sizeof(v4_mapped)) == 0) {
		struct ps_addr v4 = {{{0}}};

		memcpy(v4.b, a->b + 12, 4);
		return ps_intel_table_match_ip(t, &v4, PS_AF_INET, ids, max);
	}
	if (family == PS_AF_INET) {
		uint32_t v = v4_slash24(a->b);

		if (t->v4_24 == NULL || !(t->v4_24[v >> 6] >> (v & 63) & 1))
			return 0;   /* no listed address or network in its /24 */
		tbl_put(&t->lists, tbl_fix_find(&t->fix[PS_IOC_IPV4], &t->seed, a->b, 4), ids, max, &n);
		ps_intel_tbl_lpm_match(&t->lpm4, &t->lists, u128_be(a->b, 4), ids, max, &n);
	} else if (family == PS_AF_INET6) {
		tbl_put(&t->lists, tbl_fix_find(&t->fix[PS_IOC_IPV6], &t->seed, a->b, 16), ids, max, &n);
		ps_intel_tbl_lpm_match(&t->lpm6, &t->lists, u128_be(a->b, 16), ids, max, &n);
	}
	return n;
}

void ps_intel_table_prefetch_ip(const struct ps_intel_table *t, const struct ps_addr *a,
				enum ps_af family)
{
	const struct tbl_fixset *s;

	if (t == NULL || !t->frozen || a == NULL)
		return;
	if (family == PS_AF_INET) {   /* the bitmap answers most lookups */
		if (t->v4_24 != NULL)
			__builtin_prefetch(&t->v4_24[v4_slash24(a->b) >> 6]);
		return;
	}
	s = &t->fix[PS_IOC_IPV6];
	if (s->cap)
		__builtin_prefetch(s->slots + tbl_home(tbl_hash(a->b, 16, &t->seed),
						       s->cap) * s->stride);
}

/* A name or parent to look up in the domain set. */
struct dom_probe {
	const uint8_t *p;
	size_t len;
	uint64_t h;
};

/* Queue a parent if some flagged entry has its number of labels. */
static void dom_parent(const struct tbl_strset *s, const uint8_t *p, size_t len, size_t labels,
		       struct dom_probe *q, size_t *nq)
{
	if (len == 0 || (s->sub_levels & UINT64_C(1) << (labels > 63 ? 63 : labels)) == 0)
		return;
	q[*nq].p = p;
	q[*nq].len = len;
	(*nq)++;
}

#define SWAR_ONES 0x0101010101010101ULL
#define SWAR_HIGH 0x8080808080808080ULL

/* ASCII upper-case letters of 8 bytes to lower case; other bytes kept. */
static uint64_t swar_lower(uint64_t x)
{
	uint64_t low7 = x & ~SWAR_HIGH;
	uint64_t ge_a = low7 + SWAR_ONES * (0x80 - 'A'); /* high bit: byte >= 'A' */
	uint64_t gt_z = low7 + SWAR_ONES * (0x7f - 'Z'); /* high bit: byte > 'Z' */

	return x | ((ge_a & ~gt_z & ~x & SWAR_HIGH) >> 2);
}

/* High bit set in each byte of x that is a '.' (exact, no borrow). */
static uint64_t swar_dots(uint64_t x)
{
	uint64_t y = x ^ (SWAR_ONES * '.');

	return ~(((y & ~SWAR_HIGH) + ~SWAR_HIGH) | y) & SWAR_HIGH;
}

/*
 * dst[0..n) = src lower-cased (dst has 8 bytes to spare); dots[] gets the
 * positions of the dots, their count is returned. Eight bytes at a time.
 */
static size_t lower_dots(const char *src, size_t n, uint8_t *dst, uint8_t *dots)
{
	size_t nd = 0;

	for (size_t i = 0; i < n; i += 8) {
		uint64_t x = 0, m;

		if (n - i >= 8)
			memcpy(&x, src + i, 8);
		else
			memcpy(&x, src + i, n - i);
		x = le64toh(x);
		m = swar_dots(x);
		x = htole64(swar_lower(x));
		memcpy(dst + i, &x, 8);
		if (n - i < 8)
			m &= (UINT64_C(1) << (8 * (n - i))) - 1;
		for (; m != 0; m &= m - 1)
			dots[nd++] = (uint8_t)(i + (size_t)__builtin_ctzll(m) / 8);
	}
	return nd;
}

/*
 * Lower-case the name (its last PS_INTEL_TABLE_DOMAIN_MAX bytes: no key is
 * longer) and list the name and the parents worth a probe; *full says
 * whether q[0] is the name itself.
 */
static size_t dom_probes(const struct tbl_strset *s, const char *name, size_t len, uint8_t *buf,
			 struct dom_probe *q, bool *full)
{
	uint8_t dots[PS_INTEL_TABLE_DOMAIN_MAX];
	size_t nq = 0, cut, blen, nd;

	if (len > 0 && name[len - 1] == '.')
		len--;
	cut = len > PS_INTEL_TABLE_DOMAIN_MAX ? len - PS_INTEL_TABLE_DOMAIN_MAX : 0;
	blen = len - cut;
	nd = lower_dots(name + cut, blen, buf, dots);
	*full = cut == 0 && blen > 0;
	if (*full) {
		q[0].p = buf;
		q[0].len = blen;
		nq = 1;
	} else if (blen > 0 && name[cut - 1] == '.') {
		dom_parent(s, buf, blen, nd + 1, q, &nq);
	}
	for (size_t k = 0; k < nd; k++)
		dom_parent(s, buf + dots[k] + 1, blen - dots[k] - 1, nd - k, q, &nq);
	return nq;
}

size_t ps_intel_table_match_domain(const struct ps_intel_table *t, const char *name, size_t len,
				   uint32_t *ids, size_t max)
{
	uint8_t buf[PS_INTEL_TABLE_DOMAIN_MAX + 8];
	struct dom_probe q[PS_INTEL_TABLE_DOMAIN_MAX / 2 + 2];
	const struct tbl_strset *s;
	size_t n = 0, nq;
	bool full;

	if (t == NULL || !t->frozen || name == NULL || t->str[PS_IOC_DOMAIN].count == 0)
		return 0;
	s = &t->str[PS_IOC_DOMAIN];
	nq = dom_probes(s, name, len, buf, q, &full);
	/* hash every probe and fetch its slot first: the misses overlap */
	for (size_t i = 0; i < nq; i++) {
		q[i].h = tbl_hash(q[i].p, q[i].len, &t->seed);
		__builtin_prefetch(&s->slots[tbl_home(q[i].h, s->cap)]);
	}
	for (size_t i = 0; i < nq; i++) {
		const struct tbl_strslot *slot = tbl_str_find(s, q[i].h, q[i].p, q[i].len);

		if (slot == NULL)
			continue;
		if (i == 0 && full)
			tbl_put(&t->lists, slot->ref, ids, max, &n);
		tbl_put(&t->lists, slot->ref_sub, ids, max, &n);
	}
	return n;
}

/* Exact-match string sets: URL and JA4. */
static size_t match_str(const struct ps_intel_table *t, enum ps_ioc_type type, const char *v,
			size_t len, uint32_t *ids, size_t max)
{
	const struct tbl_strset *s = &t->str[type];
	const struct tbl_strslot *slot;
	size_t n = 0;

	if (!t->frozen || v == NULL || s->count == 0)
		return 0;
	slot = tbl_str_find(s, tbl_hash((const uint8_t *)v, len, &t->seed), (const uint8_t *)v, len);
	if (slot != NULL)
		tbl_put(&t->lists, slot->ref, ids, max, &n);
	return n;
}

size_t ps_intel_table_match_url(const struct ps_intel_table *t, const char *url, size_t len,
				uint32_t *ids, size_t max)
{
	return t != NULL ? match_str(t, PS_IOC_URL, url, len, ids, max) : 0;
}

size_t ps_intel_table_match_digest(const struct ps_intel_table *t, enum ps_ioc_type type,
				   const uint8_t *digest, size_t len, uint32_t *ids, size_t max)
{
	size_t n = 0;
	uint32_t ref;

	if (t == NULL || !t->frozen || digest == NULL || type <= PS_IOC_NONE ||
	    type >= PS_IOC__COUNT || type == PS_IOC_IPV4 || type == PS_IOC_IPV6 ||
	    fix_klen[type] == 0 || len != fix_klen[type])
		return 0;
	switch (len) {
	case 16:
		ref = tbl_fix_find(&t->fix[type], &t->seed, digest, 16);
		break;
	case 20:
		ref = tbl_fix_find(&t->fix[type], &t->seed, digest, 20);
		break;
	default:
		ref = tbl_fix_find(&t->fix[type], &t->seed, digest, 32);
		break;
	}
	tbl_put(&t->lists, ref, ids, max, &n);
	return n;
}

size_t ps_intel_table_match_hash(const struct ps_intel_table *t, enum ps_ioc_type type,
				 const char *hex, size_t len, uint32_t *ids, size_t max)
{
	uint8_t bin[32];

	if (t == NULL || hex == NULL)
		return 0;
	if (type == PS_IOC_JA4)
		return match_str(t, type, hex, len, ids, max);
	if (type <= PS_IOC_NONE || type >= PS_IOC__COUNT || type == PS_IOC_IPV4 ||
	    type == PS_IOC_IPV6 || fix_klen[type] == 0 ||
	    !hex_decode(hex, len, bin, fix_klen[type]))
		return 0;
	return ps_intel_table_match_digest(t, type, bin, fix_klen[type], ids, max);
}

/* An address in text (match_ip turns IPv4-mapped IPv6 into IPv4). */
static size_t match_ip_text(const struct ps_intel_table *t, const char *v, size_t len,
			    uint32_t *ids, size_t max)
{
	char buf[INET6_ADDRSTRLEN];
	struct ps_addr a = {0};

	if (len == 0 || len >= sizeof(buf))
		return 0;
	memcpy(buf, v, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET, buf, a.b) == 1)
		return ps_intel_table_match_ip(t, &a, PS_AF_INET, ids, max);
	if (inet_pton(AF_INET6, buf, a.b) != 1)
		return 0;
	return ps_intel_table_match_ip(t, &a, PS_AF_INET6, ids, max);
}

size_t ps_intel_table_match(const struct ps_intel_table *t, enum ps_ioc_type type,
			    const char *value, size_t len, uint32_t *ids, size_t max)
{
	if (t == NULL || value == NULL)
		return 0;
	switch (type) {
	case PS_IOC_IPV4:
	case PS_IOC_IPV6:
		return match_ip_text(t, value, len, ids, max);
	case PS_IOC_DOMAIN:
		return ps_intel_table_match_domain(t, value, len, ids, max);
	case PS_IOC_URL:
		return ps_intel_table_match_url(t, value, len, ids, max);
	case PS_IOC_MD5:
	case PS_IOC_SHA1:
	case PS_IOC_SHA256:
	case PS_IOC_JA3:
	case PS_IOC_JA4:
		return ps_intel_table_match_hash(t, type, value, len, ids, max);
	default:
		return 0;
	}
}

/* ---- stats ---- */

void ps_intel_table_stats_get(const struct ps_intel_table *t, struct ps_intel_table_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (t == NULL)
		return;
	out->bytes_total = sizeof(*t) + (t->v4_24 != NULL ? V4_24_WORDS * sizeof(uint64_t) : 0);
	for (size_t i = 0; i < PS_IOC__COUNT; i++) {
		out->entries[i] = t->entries[i];
		out->bytes_total += t->stage[i].cap;
		if (!t->frozen)
			continue;
		if (fix_klen[i] != 0) {
			out->keys[i] = t->fix[i].count;
			out->bytes[i] = t->fix[i].bytes;
		} else if (is_str_type((enum ps_ioc_type)i)) {
			out->keys[i] = t->str[i].count;
			out->bytes[i] = t->str[i].bytes;
		}
	}
	out->bytes_total += t->pool.cap;
	if (t->frozen) {
		out->keys[PS_IOC_CIDR4] = t->lpm4.npfx;
		out->bytes[PS_IOC_CIDR4] = t->lpm4.bytes;
		out->keys[PS_IOC_CIDR6] = t->lpm6.npfx;
		out->bytes[PS_IOC_CIDR6] = t->lpm6.bytes;
		for (size_t i = 0; i < PS_IOC__COUNT; i++)
			out->bytes_total += out->bytes[i];
	}
}

size_t ps_intel_table_bytes(const struct ps_intel_table *t)
{
	struct ps_intel_table_stats st;

	ps_intel_table_stats_get(t, &st);
	return st.bytes_total;
}

void ps_intel_table_free(struct ps_intel_table *t)
{
	if (t == NULL)
		return;
	release_built(t);
	for (size_t i = 0; i < PS_IOC__COUNT; i++)
		gbuf_release(&t->stage[i]);
	gbuf_release(&t->pool);
	ps_free(t->v4_24);
	ps_free(t);
}
