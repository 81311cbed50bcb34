/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Benchmark of the intel matching tables. Part 1 builds one table from every
 * list in the shared intel data (parsed simply: first column) and reports
 * build time and memory per indicator. Part 2 builds one table per type with
 * at least N entries (the real values plus synthetic ones) and measures
 * lookups per second on one core for a hit-heavy (90% hits) and a
 * miss-heavy (10% hits) query mix, each as a ratio to a plain
 * open-addressing probe of the same keys and queries run in the same
 * process (exact match only: no suffix walk, case folding or id lists).
 *
 *   bench_intel_table [-d DATADIR] [-n ENTRIES] [-q QUERIES] [-t TYPE]
 *
 * defaults: -d /work/shared/data/intel (skipped when absent), -n 1000000,
 * -q 2000000, every type.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

#include "core/core.h"
#include "intel/table.h"
#include "intel/table_int.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * CPU time of this thread: the machine may be shared, so rates are per
 * core of CPU actually received (cache contention still shows).
 */
static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = ps_calloc(PS_MEM_TEST, n, size);

	if (p == NULL) {
		fprintf(stderr, "bench_intel_table: out of memory\n");
		exit(1);
	}
	return p;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

/* ---- a list of strings in one pool ---- */

struct strs {
	char *pool;
	size_t len, cap;
	size_t *off;
	size_t n, ncap;
	uint8_t *sub; /* per string: domain subdomain flag */
};

static void strs_add(struct strs *s, const char *v, size_t len, bool sub)
{
	if (s->len + len + 1 > s->cap) {
		s->cap = (s->cap + len + 1) * 2;
		s->pool = ps_realloc(PS_MEM_TEST, s->pool, s->cap);
	}
	if (s->n == s->ncap) {
		s->ncap = s->ncap != 0 ? s->ncap * 2 : 1024;
		s->off = ps_reallocarray(PS_MEM_TEST, s->off, s->ncap, sizeof(*s->off));
		s->sub = ps_realloc(PS_MEM_TEST, s->sub, s->ncap);
	}
	if (s->pool == NULL || s->off == NULL || s->sub == NULL) {
		fprintf(stderr, "bench_intel_table: out of memory\n");
		exit(1);
	}
	memcpy(s->pool + s->len, v, len);
	s->pool[s->len + len] = '\0';
	s->off[s->n] = s->len;
	s->sub[s->n] = sub;
	s->n++;
	s->len += len + 1;
}

static const char *strs_get(const struct strs *s, size_t i)
{
	return s->pool + s->off[i];
}

static size_t strs_len(const struct strs *s, size_t i)
{
	return (i + 1 < s->n ? s->off[i + 1] : s->len) - s->off[i] - 1;
}

static void strs_release(struct strs *s)
{
	ps_free(s->pool);
	ps_free(s->off);
	ps_free(s->sub);
	memset(s, 0, sizeof(*s));
}

/* ---- loading the real lists (simply: the first column) ---- */

static struct strs real[PS_IOC__COUNT];

static bool all_hex(const char *v, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!((v[i] >= '0' && v[i] <= '9') || (v[i] >= 'a' && v[i] <= 'f') ||
		      (v[i] >= 'A' && v[i] <= 'F')))
			return false;
	return true;
}

/* Classify a token by its shape and keep it; `hint` forces JA3 for MD5 shapes. */
static void keep(char *v, size_t len, enum ps_ioc_type hint)
{
	unsigned char a[16];
	char *slash;

	if (len == 0 || len > 2000)
		return;
	v[len] = '\0';
	slash = strchr(v, '/');
	if (strstr(v, "://") != NULL) {
		strs_add(&real[PS_IOC_URL], v, len, false);
	} else if (slash != NULL) {
		int af = 0;

		*slash = '\0';
		if (inet_pton(AF_INET, v, a) == 1)
			af = 4;
		else if (inet_pton(AF_INET6, v, a) == 1)
			af = 6;
		*slash = '/';
		if (af != 0 && slash[1] != '\0' && strspn(slash + 1, "0123456789") == strlen(slash + 1)) {
			strs_add(&real[af == 4 ? PS_IOC_CIDR4 : PS_IOC_CIDR6], v, len, false);
		} else {
			char url[4200];

			snprintf(url, sizeof(url), "http://%s", v);
			strs_add(&real[PS_IOC_URL], url, strlen(url), false);
		}
	} else if (inet_pton(AF_INET, v, a) == 1) {
		strs_add(&real[PS_IOC_IPV4], v, len, false);
	} else if (inet_pton(AF_INET6, v, a) == 1) {
		strs_add(&real[PS_IOC_IPV6], v, len, false);
	} else if (all_hex(v, len) && (len == 32 || len == 40 || len == 64)) {
		strs_add(&real[hint == PS_IOC_JA3 ? PS_IOC_JA3 :
			       len == 32 ? PS_IOC_MD5 : len == 40 ? PS_IOC_SHA1 : PS_IOC_SHA256],
			 v, len, false);
	} else if (strchr(v, '.') != NULL) {
		strs_add(&real[PS_IOC_DOMAIN], v, len, true);
	}
}

/* One line of a list: drop comments, quotes, ABP "||...^" and ports. */
static void parse_line(char *line, enum ps_ioc_type hint, bool maltrail)
{
	size_t len;
	char *p = line, *port;

	if (*p == '#' || *p == '!' || *p == '\0')
		return;
	if (p[0] == '|' && p[1] == '|') {
		p += 2;
		p[strcspn(p, "^")] = '\0';
		if (strchr(p, '/') != NULL) {
			char url[4200];

			snprintf(url, sizeof(url), "http://%s", p);
			keep(url, strlen(url), hint);
			return;
		}
	}
	if (*p == '"')
		p++;
	len = strcspn(p, " \t,\"\r\n");
	if (maltrail && strncmp(p + len, "\tip:port", 8) == 0 && (port = memchr(p, ':', len)) != NULL)
		len = (size_t)(port - p);
	if (maltrail && strncmp(p + len, "\tcidr", 5) == 0) {
		keep(p, len, hint); /* CIDR with its slash */
		return;
	}
	keep(p, len, hint);
}

static size_t load_file(const char *path)
{
	gzFile f = gzopen(path, "rb");
	char line[4096];
	size_t n = 0;
	enum ps_ioc_type hint = strstr(path, "ja3") != NULL ? PS_IOC_JA3 : PS_IOC_NONE;
	bool maltrail = strstr(path, "maltrail-static") != NULL;

	if (f == NULL)
		return 0;
	while (gzgets(f, line, sizeof(line)) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		parse_line(line, hint, maltrail);
		n++;
	}
	gzclose(f);
	return n;
}

static size_t load_dir(const char *dir)
{
	static const char *const sub[] = {"ip", "domain", "url", "hash", "ja3", "maltrail"};
	size_t files = 0;

	for (size_t i = 0; i < PS_ARRAY_LEN(sub); i++) {
		char path[1024];
		struct dirent *e;
		DIR *d;

		snprintf(path, sizeof(path), "%s/%s", dir, sub[i]);
		d = opendir(path);
		if (d == NULL)
			continue;
		while ((e = readdir(d)) != NULL) {
			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s/%s", dir, sub[i], e->d_name);
			files += load_file(path) > 0;
		}
		closedir(d);
	}
	return files;
}

/* ---- the table under test ---- */

static const char *const tname[PS_IOC__COUNT] = {
	"none", "ipv4", "ipv6", "cidr4", "cidr6", "domain", "url",
	"md5", "sha1", "sha256", "ja3", "ja4",
};

static void add_or_die(struct ps_intel_table *t, enum ps_ioc_type type, const char *v, bool sub,
		       uint32_t id, size_t *bad)
{
	int rc = ps_intel_table_add(t, type, v, 0, sub, id);

	if (rc == PS_EINVAL) {
		if ((*bad)++ < 3)
			fprintf(stderr, "refused %s '%.60s'\n", tname[type], v);
	}
	else if (rc != PS_OK) {
		fprintf(stderr, "bench_intel_table: add: %s\n", ps_strerror(rc));
		exit(1);
	}
}

/* Part 1: everything from the shared lists in one table. */
static void bench_real(void)
{
	struct ps_intel_table *t = NULL;
	struct ps_intel_table_stats st;
	size_t total = 0, bad = 0;
	uint32_t id = 0;
	double t0, t1, t2, w0, c0;

	for (int ty = 1; ty < PS_IOC__COUNT; ty++)
		total += real[ty].n;
	w0 = now_s();
	c0 = cpu_s();
	t0 = cpu_s();
	if (ps_intel_table_new(&t, total) != PS_OK)
		exit(1);
	for (int ty = 1; ty < PS_IOC__COUNT; ty++)
		for (size_t i = 0; i < real[ty].n; i++)
			add_or_die(t, (enum ps_ioc_type)ty, strs_get(&real[ty], i), real[ty].sub[i],
				   id++, &bad);
	t1 = cpu_s();
	if (ps_intel_table_freeze(t) != PS_OK)
		exit(1);
	t2 = cpu_s();
	ps_intel_table_stats_get(t, &st);
	printf("real lists: %zu indicators (%zu refused by the table)\n  build: add %.0f ms +"
	       " freeze %.0f ms = %.0f ms CPU (%.0f ms wall); %zu bytes = %.1f bytes/indicator\n",
	       total, bad, (t1 - t0) * 1e3, (t2 - t1) * 1e3, (t2 - c0) * 1e3, (now_s() - w0) * 1e3,
	       st.bytes_total, (double)st.bytes_total / (double)total);
	printf("  %-7s %9s %9s %12s %9s\n", "type", "entries", "keys", "bytes", "B/entry");
	for (int ty = 1; ty < PS_IOC__COUNT; ty++)
		if (st.entries[ty] != 0)
			printf("  %-7s %9zu %9zu %12zu %9.1f\n", tname[ty], st.entries[ty], st.keys[ty],
			       st.bytes[ty], (double)st.bytes[ty] / (double)st.entries[ty]);
	ps_intel_table_free(t);
}

/* ---- synthetic values ---- */

static void synth_value(enum ps_ioc_type ty, size_t i, char *out, size_t cap)
{
	static const unsigned v4len[] = {18, 20, 20, 22, 22, 22, 24, 24, 24, 24, 24, 24, 24, 24, 24,
					  24, 26, 28, 32, 32};
	static const char *const tld[] = {"com", "net", "org", "cn", "ru", "top", "xyz", "info"};
	uint64_t r = rnd(), r2 = rnd();
	unsigned a = (unsigned)r;

	switch (ty) {
	case PS_IOC_IPV4:
		a = (unsigned)(r % 0xe0000000u);
		snprintf(out, cap, "%u.%u.%u.%u", a >> 24, a >> 16 & 255, a >> 8 & 255, a & 255);
		break;
	case PS_IOC_IPV6:
		snprintf(out, cap, "2001:db8:%x:%x:%x:%x:%x:%x", (unsigned)(r & 0xffff),
			 (unsigned)(r >> 16 & 0xffff), (unsigned)(r >> 32 & 0xffff),
			 (unsigned)(r2 & 0xffff), (unsigned)(r2 >> 16 & 0xffff),
			 (unsigned)(r2 >> 32 & 0xffff));
		break;
	case PS_IOC_CIDR4: {
		unsigned len = v4len[r2 % PS_ARRAY_LEN(v4len)];

		a = (unsigned)(r % 0xe0000000u) & (uint32_t)(0xffffffffu << (32 - len));
		snprintf(out, cap, "%u.%u.%u.%u/%u", a >> 24, a >> 16 & 255, a >> 8 & 255, a & 255, len);
		break;
	}
	case PS_IOC_CIDR6: {
		unsigned len = 32 + 8 * (unsigned)(r2 % 5);
		uint64_t hi = (r | 0x2000000000000000ULL) & 0x3fffffffffffffffULL;

		hi &= ~0ULL << (64 - len);
		snprintf(out, cap, "%x:%x:%x:%x::/%u", (unsigned)(hi >> 48), (unsigned)(hi >> 32 & 0xffff),
			 (unsigned)(hi >> 16 & 0xffff), (unsigned)(hi & 0xffff), len);
		break;
	}
	case PS_IOC_DOMAIN:
		snprintf(out, cap, "%s%zx-%x.%s", i % 3 == 0 ? "cdn." : "", i, (unsigned)(r & 0xfffff),
			 tld[r2 % PS_ARRAY_LEN(tld)]);
		break;
	case PS_IOC_URL:
		snprintf(out, cap, "http://h%x.example%u.org/path/%zx/%x.php?id=%u",
			 (unsigned)(r & 0xffff), (unsigned)(r2 % 100), i, (unsigned)(r >> 16),
			 (unsigned)(r2 >> 8 & 0xffff));
		break;
	case PS_IOC_JA4:
		snprintf(out, cap, "t13d%02u%02uh2_%012" PRIx64 "_%012" PRIx64, (unsigned)(r % 100),
			 (unsigned)(r2 % 100), r >> 16, r2 >> 16);
		break;
	default: {
		size_t n = ty == PS_IOC_SHA1 ? 20 : ty == PS_IOC_SHA256 ? 32 : 16;

		for (size_t k = 0; k < n && 2 * k + 2 < cap; k++)
			snprintf(out + 2 * k, 3, "%02x", (unsigned)(rnd() & 255));
		break;
	}
	}
}

/* ---- queries and the baseline, as binary keys or strings ---- */

struct keys {
	size_t klen;  /* 4, 16, 20, 32; 0: strings */
	uint8_t *k;   /* n * klen */
	struct strs s;
	size_t n;
};

static size_t digest_len(enum ps_ioc_type ty)
{
	return ty == PS_IOC_SHA1 ? 20 : ty == PS_IOC_SHA256 ? 32 : 16;
}

static bool is_ip(enum ps_ioc_type ty)
{
	return ty >= PS_IOC_IPV4 && ty <= PS_IOC_CIDR6;
}

static size_t key_len(enum ps_ioc_type ty)
{
	if (ty == PS_IOC_IPV4 || ty == PS_IOC_CIDR4)
		return 4;
	if (ty == PS_IOC_IPV6 || ty == PS_IOC_CIDR6)
		return 16;
	if (ty == PS_IOC_DOMAIN || ty == PS_IOC_URL || ty == PS_IOC_JA4)
		return 0;
	return digest_len(ty);
}

/* The binary key of a text value (CIDR: network, *plen its prefix). */
static void to_bin(enum ps_ioc_type ty, const char *v, uint8_t *out, unsigned *plen)
{
	char buf[64];
	const char *slash = strchr(v, '/');

	*plen = 0;
	if (is_ip(ty)) {
		size_t n = slash != NULL ? (size_t)(slash - v) : strlen(v);

		snprintf(buf, sizeof(buf), "%.*s", (int)n, v);
		inet_pton(key_len(ty) == 4 ? AF_INET : AF_INET6, buf, out);
		if (slash != NULL)
			*plen = (unsigned)strtoul(slash + 1, NULL, 10);
		return;
	}
	for (size_t k = 0; k < key_len(ty); k++)
		out[k] = (uint8_t)strtoul((char[]){v[2 * k], v[2 * k + 1], 0}, NULL, 16);
}

/* A query that hits: a key, for CIDRs a random address inside it; domains
 * get a "www." and upper case half of the time. */
static void make_hit(enum ps_ioc_type ty, const struct strs *vals, struct keys *q)
{
	const char *v = strs_get(vals, rnd() % vals->n);

	if (q->klen == 0) {
		char buf[2100];

		if (ty == PS_IOC_DOMAIN && rnd() % 2 == 0) {
			snprintf(buf, sizeof(buf), "WwW.%s", v);
			strs_add(&q->s, buf, strlen(buf), false);
		} else {
			strs_add(&q->s, v, strlen(v), false);
		}
	} else {
		uint8_t *k = q->k + q->n * q->klen;
		unsigned plen;

		to_bin(ty, v, k, &plen);
		if (plen != 0)
			for (unsigned b = plen; b < q->klen * 8; b++)
				if (rnd() & 1)
					k[b / 8] |= (uint8_t)(0x80u >> (b % 8));
	}
	q->n++;
}

/* A query that (almost always) misses: a fresh synthetic value, for CIDR a
 * random address of the same space. */
static void make_miss(enum ps_ioc_type ty, struct keys *q)
{
	char buf[256];
	unsigned plen;

	synth_value(ty == PS_IOC_CIDR4 ? PS_IOC_IPV4 : ty == PS_IOC_CIDR6 ? PS_IOC_IPV6 : ty,
		    (size_t)rnd(), buf, sizeof(buf));
	if (ty == PS_IOC_CIDR6) {
		uint64_t r = rnd();

		snprintf(buf, sizeof(buf), "%x:%x::%x", (unsigned)(0x2000 | (r & 0x1fff)),
			 (unsigned)(r >> 16 & 0xffff), (unsigned)(r >> 32 & 0xffff));
	}
	if (q->klen == 0)
		strs_add(&q->s, buf, strlen(buf), false);
	else
		to_bin(ty, buf, q->k + q->n * q->klen, &plen);
	q->n++;
}

static void make_queries(enum ps_ioc_type ty, const struct strs *vals, size_t nq, int hit_pct,
			 struct keys *q)
{
	memset(q, 0, sizeof(*q));
	q->klen = key_len(ty);
	if (q->klen != 0)
		q->k = xcalloc(nq, q->klen);
	for (size_t i = 0; i < nq; i++) {
		if ((int)(rnd() % 100) < hit_pct)
			make_hit(ty, vals, q);
		else
			make_miss(ty, q);
	}
}

/*
 * Baseline: open addressing with linear probing, power-of-two size at load
 * <= 1/2, slots holding key index + 1, the same hash as the table. Exact
 * membership only.
 */
struct base {
	uint32_t *slot;
	size_t mask;
	struct keys keys;
	struct tbl_seed seed;
};

static const uint8_t *base_key(const struct base *b, size_t i, size_t *len)
{
	if (b->keys.klen != 0) {
		*len = b->keys.klen;
		return b->keys.k + i * b->keys.klen;
	}
	*len = strs_len(&b->keys.s, i);
	return (const uint8_t *)strs_get(&b->keys.s, i);
}

static bool base_find(const struct base *b, const uint8_t *k, size_t len)
{
	size_t i = tbl_hash(k, len, &b->seed) & b->mask;

	for (; b->slot[i] != 0; i = (i + 1) & b->mask) {
		size_t kl;
		const uint8_t *key = base_key(b, b->slot[i] - 1, &kl);

		if (kl == len && memcmp(key, k, len) == 0)
			return true;
	}
	return false;
}

static void base_build(struct base *b, enum ps_ioc_type ty, const struct strs *vals)
{
	size_t cap = 2;

	memset(b, 0, sizeof(*b));
	b->seed.k0 = 0x1234567;
	b->seed.k1 = 0x89abcdef | 1;
	b->keys.klen = key_len(ty);
	if (b->keys.klen != 0)
		b->keys.k = xcalloc(vals->n, b->keys.klen);
	while (cap < 2 * vals->n)
		cap *= 2;
	b->slot = xcalloc(cap, sizeof(*b->slot));
	b->mask = cap - 1;
	for (size_t i = 0; i < vals->n; i++) {
		const char *v = strs_get(vals, i);
		const uint8_t *k;
		size_t len;
		unsigned plen;

		if (b->keys.klen != 0)
			to_bin(ty, v, b->keys.k + b->keys.n * b->keys.klen, &plen);
		else
			strs_add(&b->keys.s, v, strlen(v), false);
		b->keys.n++;
		k = base_key(b, b->keys.n - 1, &len);
		if (!base_find(b, k, len)) {
			size_t j = tbl_hash(k, len, &b->seed) & b->mask;

			while (b->slot[j] != 0)
				j = (j + 1) & b->mask;
			b->slot[j] = (uint32_t)b->keys.n;
		}
	}
}

static void keys_release(struct keys *k)
{
	ps_free(k->k);
	strs_release(&k->s);
}

/* ---- timing ---- */

static volatile size_t sink;

static size_t run_table(const struct ps_intel_table *t, enum ps_ioc_type ty, const struct keys *q)
{
	uint32_t ids[16];
	size_t hits = 0;

	for (size_t i = 0; i < q->n; i++) {
		if (q->klen == 0) {
			const char *v = strs_get(&q->s, i);
			size_t len = strs_len(&q->s, i);

			if (ty == PS_IOC_DOMAIN)
				hits += ps_intel_table_match_domain(t, v, len, ids, 16) != 0;
			else if (ty == PS_IOC_URL)
				hits += ps_intel_table_match_url(t, v, len, ids, 16) != 0;
			else
				hits += ps_intel_table_match_hash(t, ty, v, len, ids, 16) != 0;
		} else if (is_ip(ty)) {
			struct ps_addr a = {0};

			memcpy(a.b, q->k + i * q->klen, q->klen);
			hits += ps_intel_table_match_ip(t, &a, q->klen == 4 ? PS_AF_INET : PS_AF_INET6,
							ids, 16) != 0;
		} else {
			hits += ps_intel_table_match_digest(t, ty, q->k + i * q->klen, q->klen, ids,
							    16) != 0;
		}
	}
	return hits;
}

static size_t run_base(const struct base *b, const struct keys *q)
{
	size_t hits = 0;

	for (size_t i = 0; i < q->n; i++) {
		if (q->klen == 0) {
			const char *v = strs_get(&q->s, i);
			size_t len = strs_len(&q->s, i);

			hits += base_find(b, (const uint8_t *)v, len);
		} else {
			hits += base_find(b, q->k + i * q->klen, q->klen);
		}
	}
	return hits;
}

/* Best of 3 runs, in lookups per second; *hits from the last run. */
static double rate(const struct ps_intel_table *t, enum ps_ioc_type ty, const struct base *b,
		   const struct keys *q, size_t *hits)
{
	double best = 1e30;

	for (int r = 0; r < 3; r++) {
		double t0 = cpu_s(), dt;

		*hits = t != NULL ? run_table(t, ty, q) : run_base(b, q);
		dt = cpu_s() - t0;
		if (dt < best)
			best = dt;
	}
	sink += *hits;
	return (double)q->n / best;
}

/* Part 2: one type, real values topped up to n with synthetic ones. */
static void bench_type(enum ps_ioc_type ty, size_t n, size_t nq)
{
	struct strs vals = {0};
	struct ps_intel_table *t = NULL;
	struct ps_intel_table_stats st;
	struct base b;
	size_t bad = 0, real_n = 0;
	double t0, t1, t2;
	char buf[256];

	for (size_t i = 0; i < real[ty].n; i++)
		strs_add(&vals, strs_get(&real[ty], i), strlen(strs_get(&real[ty], i)), real[ty].sub[i]);
	real_n = vals.n;
	for (size_t i = vals.n; i < n; i++) {
		synth_value(ty, i, buf, sizeof(buf));
		strs_add(&vals, buf, strlen(buf), ty == PS_IOC_DOMAIN && i % 2 == 0);
	}
	t0 = cpu_s();
	if (ps_intel_table_new(&t, vals.n) != PS_OK)
		exit(1);
	for (size_t i = 0; i < vals.n; i++)
		add_or_die(t, ty, strs_get(&vals, i), vals.sub[i], (uint32_t)i, &bad);
	t1 = cpu_s();
	if (ps_intel_table_freeze(t) != PS_OK)
		exit(1);
	t2 = cpu_s();
	ps_intel_table_stats_get(t, &st);
	base_build(&b, ty, &vals);
	printf("%-7s %8zu %8zu %8zu %6.0f %6.0f %6.1f", tname[ty], vals.n, real_n, st.keys[ty],
	       (t1 - t0) * 1e3, (t2 - t1) * 1e3, (double)st.bytes[ty] / (double)vals.n);
	for (int mix = 0; mix < 2; mix++) {
		struct keys q;
		size_t th, bh;
		double rt, rb;

		make_queries(ty, &vals, nq, mix == 0 ? 90 : 10, &q);
		rt = rate(t, ty, NULL, &q, &th);
		rb = rate(NULL, ty, &b, &q, &bh);
		printf(" | %6.2f %6.2f %5.2f %3.0f%%", rt / 1e6, rb / 1e6, rt / rb,
		       100.0 * (double)th / (double)q.n);
		keys_release(&q);
	}
	printf("\n");
	fflush(stdout);
	if (bad != 0)
		printf("        (%zu values refused by the table)\n", bad);
	ps_free(b.slot);
	keys_release(&b.keys);
	strs_release(&vals);
	ps_intel_table_free(t);
}

int main(int argc, char **argv)
{
	const char *dir = "/work/shared/data/intel";
	size_t n = 1000000, nq = 2000000;
	int only = 0, opt;

	while ((opt = getopt(argc, argv, "d:n:q:t:")) != -1) {
		switch (opt) {
		case 'd':
			dir = optarg;
			break;
		case 'n':
			n = strtoul(optarg, NULL, 10);
			break;
		case 'q':
			nq = strtoul(optarg, NULL, 10);
			break;
		case 't':
			for (int ty = 1; ty < PS_IOC__COUNT; ty++)
				if (strcmp(optarg, tname[ty]) == 0)
					only = ty;
			break;
		default:
			fprintf(stderr, "usage: bench_intel_table [-d DIR] [-n N] [-q Q] [-t TYPE]\n");
			return 2;
		}
	}
	if (access(dir, R_OK) == 0) {
		double t0 = now_s();
		size_t files = load_dir(dir);

		printf("loaded %zu files from %s in %.1f s\n", files, dir, now_s() - t0);
		if (only == 0)
			bench_real();
	} else {
		printf("no data in %s: synthetic values only\n", dir);
	}
	printf("\nper type: entries (real + synthetic), add/freeze ms, bytes/entry; per mix:"
	       " table Mlookups/s, baseline Mlookups/s, ratio, hit rate\n");
	printf("%-7s %8s %8s %8s %6s %6s %6s | %-26s | %-26s\n", "type", "entries", "real", "keys",
	       "add", "freeze", "B/ent", "hit-heavy (90% hits)", "miss-heavy (10% hits)");
	for (int ty = 1; ty < PS_IOC__COUNT; ty++)
		if (only == 0 || only == ty)
			bench_type((enum ps_ioc_type)ty, n, nq);
	for (int ty = 1; ty < PS_IOC__COUNT; ty++)
		strs_release(&real[ty]);
	return 0;
}
