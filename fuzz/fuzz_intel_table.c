/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target for the intel matching tables: builds a table from the lines
 * of the input and checks every lookup against a brute-force scan of the
 * same entries; any difference in ids, order or count aborts. Lines:
 *   + TYPE VALUE [s]   add with the next id (s: subdomains)
 *   = TYPE VALUE [s]   add with the previous id again
 *   ? TYPE VALUE       look up (CIDR: the network's edges and neighbours)
 * TYPE is a ps_ioc_type name; every added value is looked up as well.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "core/core.h"
#include "intel/table.h"

#define MAX_LINES 300
#define MAX_IDS 64

static const char *const type_names[PS_IOC__COUNT] = {
	"none", "ipv4", "ipv6", "cidr4", "cidr6", "domain", "url",
	"md5", "sha1", "sha256", "ja3", "ja4",
};
static const size_t digest_len[PS_IOC__COUNT] = {
	[PS_IOC_MD5] = 16, [PS_IOC_SHA1] = 20, [PS_IOC_SHA256] = 32, [PS_IOC_JA3] = 16,
};

/* One accepted add, normalised independently of the table. */
struct ent {
	enum ps_ioc_type type;
	uint8_t a[32];    /* address, network or digest */
	unsigned plen;    /* CIDR prefix */
	const char *s;    /* domain (lower-cased, no trailing dot), URL, JA4 */
	size_t slen;
	bool sub;
	uint32_t id;
};

struct ref {
	struct ent *e;
	size_t n;
};

static void check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_intel_table: %s\n", what);
		abort();
	}
}

static int hexv(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool unhex(const char *s, size_t len, uint8_t *out, size_t n)
{
	if (len != 2 * n)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (hexv(s[2 * i]) < 0 || hexv(s[2 * i + 1]) < 0)
			return false;
		out[i] = (uint8_t)(hexv(s[2 * i]) << 4 | hexv(s[2 * i + 1]));
	}
	return true;
}

/* "addr[/len]" of family af; no slash means /0. */
static bool parse_net(char *v, int af, uint8_t *a, unsigned *plen)
{
	char *slash = strchr(v, '/');
	unsigned bits = af == AF_INET ? 32 : 128, len = 0;
	bool ok;

	if (slash != NULL) {
		const char *p = slash + 1;

		if (*p == '\0' || strlen(p) > 3)
			return false;
		for (; *p != '\0'; p++) {
			if (*p < '0' || *p > '9')
				return false;
			len = len * 10 + (unsigned)(*p - '0');
		}
		*slash = '\0';
	}
	ok = len <= bits && inet_pton(af, v, a) == 1;
	if (slash != NULL)
		*slash = '/';
	for (unsigned i = len; ok && i < bits; i++)
		a[i / 8] &= (uint8_t)~(0x80u >> (i % 8));
	*plen = len;
	return ok;
}

static bool in_net(const uint8_t *net, unsigned plen, const uint8_t *a)
{
	for (unsigned i = 0; i < plen; i++)
		if (((net[i / 8] ^ a[i / 8]) & (0x80u >> (i % 8))) != 0)
			return false;
	return true;
}

/* The reference's idea of an add; in-place normalisation of v (domain). */
static bool ref_parse(struct ent *e, enum ps_ioc_type type, char *v, bool sub)
{
	size_t len = strlen(v);

	memset(e, 0, sizeof(*e));
	e->type = type;
	switch (type) {
	case PS_IOC_IPV4:
		return inet_pton(AF_INET, v, e->a) == 1;
	case PS_IOC_IPV6:
		return inet_pton(AF_INET6, v, e->a) == 1;
	case PS_IOC_CIDR4:
	case PS_IOC_CIDR6:
		return parse_net(v, type == PS_IOC_CIDR4 ? AF_INET : AF_INET6, e->a, &e->plen);
	case PS_IOC_DOMAIN:
		if (len > 0 && v[len - 1] == '.')
			len--;
		for (size_t i = 0; i < len; i++)
			if (v[i] >= 'A' && v[i] <= 'Z')
				v[i] = (char)(v[i] + 32);
		e->sub = sub;
		/* fall through */
	case PS_IOC_URL:
	case PS_IOC_JA4:
		e->s = v;
		e->slen = len;
		return len > 0 && (type != PS_IOC_DOMAIN || len <= PS_INTEL_TABLE_DOMAIN_MAX);
	default:
		return unhex(v, len, e->a, digest_len[type]);
	}
}

/* ---- expected results ---- */

struct want {
	uint64_t k[4 * MAX_LINES];
	size_t n;
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Sort keys [from, n) and drop repeats. */
static void want_sort(struct want *w, size_t from)
{
	size_t o = from;

	qsort(w->k + from, w->n - from, sizeof(w->k[0]), cmp_u64);
	for (size_t i = from; i < w->n; i++)
		if (o == from || w->k[o - 1] != w->k[i])
			w->k[o++] = w->k[i];
	w->n = o;
}

/* Compare a table answer with the expectation (ids in the low 32 bits). */
static void expect(const struct want *w, size_t got, const uint32_t *ids, const char *what)
{
	if (got != w->n) {
		fprintf(stderr, "fuzz_intel_table: %s: %zu matches, want %zu\n", what, got, w->n);
		abort();
	}
	for (size_t i = 0; i < got && i < MAX_IDS; i++)
		check(ids[i] == (uint32_t)w->k[i], what);
}

static void want_ip(const struct ref *r, int af, const uint8_t *a, struct want *w)
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	enum ps_ioc_type exact = af == AF_INET ? PS_IOC_IPV4 : PS_IOC_IPV6;
	enum ps_ioc_type cidr = af == AF_INET ? PS_IOC_CIDR4 : PS_IOC_CIDR6;
	size_t bytes = af == AF_INET ? 4 : 16, mid;

	/* ::ffff:a.b.c.d is looked up as a.b.c.d */
	if (af == AF_INET6 && memcmp(a, mapped, sizeof(mapped)) == 0) {
		want_ip(r, AF_INET, a + 12, w);
		return;
	}
	w->n = 0;
	for (size_t i = 0; i < r->n; i++)
		if (r->e[i].type == exact && memcmp(r->e[i].a, a, bytes) == 0)
			w->k[w->n++] = r->e[i].id;
	want_sort(w, 0);
	mid = w->n;
	for (size_t i = 0; i < r->n; i++)
		if (r->e[i].type == cidr && in_net(r->e[i].a, r->e[i].plen, a))
			w->k[w->n++] = (uint64_t)(255 - r->e[i].plen) << 32 | r->e[i].id;
	want_sort(w, mid);
}

static void want_ids(const struct ref *r, enum ps_ioc_type type, const char *s, size_t len,
		     int sub, struct want *w)
{
	size_t from = w->n;

	for (size_t i = 0; i < r->n; i++) {
		const struct ent *e = &r->e[i];

		if (e->type == type && e->slen == len && memcmp(e->s, s, len) == 0 &&
		    (sub < 0 || e->sub == (sub != 0)))
			w->k[w->n++] = e->id;
	}
	want_sort(w, from);
}

static void want_domain(const struct ref *r, const char *name, size_t len, struct want *w)
{
	char low[1024];
	size_t start, flagged;

	w->n = 0;
	if (len > 0 && name[len - 1] == '.')
		len--;
	if (len == 0 || len > sizeof(low))
		return;
	for (size_t i = 0; i < len; i++)
		low[i] = name[i] >= 'A' && name[i] <= 'Z' ? (char)(name[i] + 32) : name[i];
	if (len <= PS_INTEL_TABLE_DOMAIN_MAX) {
		want_ids(r, PS_IOC_DOMAIN, low, len, 0, w);
		flagged = w->n;
		want_ids(r, PS_IOC_DOMAIN, low, len, 1, w);
		/* an id with the flag is not repeated among the exact ones */
		for (size_t i = 0; i < flagged;) {
			bool dup = false;

			for (size_t j = flagged; j < w->n; j++)
				dup |= w->k[j] == w->k[i];
			if (dup) {
				memmove(w->k + i, w->k + i + 1, (w->n - i - 1) * sizeof(w->k[0]));
				w->n--;
				flagged--;
			} else {
				i++;
			}
		}
	}
	for (start = 0; start < len; start++) {
		if (low[start] != '.' || len - start - 1 == 0)
			continue;
		if (len - start - 1 <= PS_INTEL_TABLE_DOMAIN_MAX)
			want_ids(r, PS_IOC_DOMAIN, low + start + 1, len - start - 1, 1, w);
	}
}

static void want_digest(const struct ref *r, enum ps_ioc_type type, const uint8_t *d,
			struct want *w)
{
	w->n = 0;
	for (size_t i = 0; i < r->n; i++)
		if (r->e[i].type == type && memcmp(r->e[i].a, d, digest_len[type]) == 0)
			w->k[w->n++] = r->e[i].id;
	want_sort(w, 0);
}

/* ---- queries ---- */

static struct want want_buf;

static void query_ip(const struct ps_intel_table *t, const struct ref *r, int af, const uint8_t *a)
{
	struct ps_addr x = {0};
	uint32_t ids[MAX_IDS], one;
	size_t got;

	memcpy(x.b, a, af == AF_INET ? 4 : 16);
	want_ip(r, af, a, &want_buf);
	got = ps_intel_table_match_ip(t, &x, af == AF_INET ? PS_AF_INET : PS_AF_INET6, ids, MAX_IDS);
	expect(&want_buf, got, ids, "ip");
	check(ps_intel_table_match_ip(t, &x, af == AF_INET ? PS_AF_INET : PS_AF_INET6, &one, 1) == got,
	      "ip count with max 1");
	check(got == 0 || one == ids[0], "ip first id with max 1");
}

/* Add `delta` (+1/-1) to a big-endian address of n bytes, wrapping. */
static void addr_step(uint8_t *a, size_t n, int delta)
{
	for (size_t i = n; i-- > 0;) {
		a[i] = (uint8_t)(a[i] + delta);
		if ((delta > 0 && a[i] != 0) || (delta < 0 && a[i] != 0xff))
			break;
	}
}

/* The network of a CIDR line, its last address, and one beyond each. */
static void query_net(const struct ps_intel_table *t, const struct ref *r, int af,
		      const uint8_t *net, unsigned plen)
{
	size_t n = af == AF_INET ? 4 : 16;
	uint8_t a[16];

	memcpy(a, net, n);
	query_ip(t, r, af, a);
	addr_step(a, n, -1);
	query_ip(t, r, af, a);
	memcpy(a, net, n);
	for (unsigned i = plen; i < n * 8; i++)
		a[i / 8] |= (uint8_t)(0x80u >> (i % 8));
	query_ip(t, r, af, a);
	addr_step(a, n, 1);
	query_ip(t, r, af, a);
}

static void query(const struct ps_intel_table *t, const struct ref *r, enum ps_ioc_type type,
		  char *v)
{
	uint32_t ids[MAX_IDS];
	struct ent e;
	size_t len = strlen(v), got;

	switch (type) {
	case PS_IOC_IPV4:
	case PS_IOC_IPV6:
	case PS_IOC_CIDR4:
	case PS_IOC_CIDR6: {
		int af = type == PS_IOC_IPV4 || type == PS_IOC_CIDR4 ? AF_INET : AF_INET6;
		bool exact = type == PS_IOC_IPV4 || type == PS_IOC_IPV6;

		if (exact ? inet_pton(af, v, e.a) == 1 : parse_net(v, af, e.a, &e.plen)) {
			if (exact)
				query_ip(t, r, af, e.a);
			else
				query_net(t, r, af, e.a, e.plen);
		}
		break;
	}
	case PS_IOC_DOMAIN:
		want_domain(r, v, len, &want_buf);
		got = ps_intel_table_match_domain(t, v, len, ids, MAX_IDS);
		expect(&want_buf, got, ids, "domain");
		break;
	case PS_IOC_URL:
	case PS_IOC_JA4:
		want_buf.n = 0;
		want_ids(r, type, v, len, -1, &want_buf);
		got = ps_intel_table_match(t, type, v, len, ids, MAX_IDS);
		expect(&want_buf, got, ids, "string");
		break;
	default:
		if (unhex(v, len, e.a, digest_len[type])) {
			want_digest(r, type, e.a, &want_buf);
			got = ps_intel_table_match_hash(t, type, v, len, ids, MAX_IDS);
			expect(&want_buf, got, ids, "hash");
			got = ps_intel_table_match_digest(t, type, e.a, digest_len[type], ids, MAX_IDS);
			expect(&want_buf, got, ids, "digest");
		} else {
			check(ps_intel_table_match_hash(t, type, v, len, ids, MAX_IDS) == 0,
			      "bad hex matched");
		}
		break;
	}
}

/* ---- input ---- */

static enum ps_ioc_type type_of(const char *s)
{
	for (int i = 1; i < PS_IOC__COUNT; i++)
		if (strcmp(s, type_names[i]) == 0)
			return (enum ps_ioc_type)i;
	return PS_IOC_NONE;
}

/* Split "op type value [s]" in place; false when malformed. */
static bool split(char *line, char *op, enum ps_ioc_type *type, char **value, bool *sub)
{
	char *t, *v, *f;

	if (line[0] == '\0' || line[1] != ' ')
		return false;
	*op = line[0];
	t = line + 2;
	v = strchr(t, ' ');
	if (v == NULL)
		return false;
	*v++ = '\0';
	*type = type_of(t);
	f = strchr(v, ' ');
	*sub = false;
	if (f != NULL) {
		*f++ = '\0';
		*sub = strcmp(f, "s") == 0;
	}
	*value = v;
	return *type != PS_IOC_NONE;
}

struct line {
	char op;
	enum ps_ioc_type type;
	bool sub;
	char *value; /* normalised in place by the reference */
	char *orig;  /* copy as written, for the table and the queries */
};

static void run(struct line *lines, size_t nl, struct ref *r)
{
	struct ps_intel_table *t = NULL;
	uint32_t id = 0, ids[1];

	if (ps_intel_table_new(&t, nl) != PS_OK)
		return;
	for (size_t i = 0; i < nl; i++) {
		struct line *l = &lines[i];
		uint32_t use;
		int rc;
		bool ok;

		if (l->op != '+' && l->op != '=')
			continue;
		use = l->op == '+' ? id : (id > 0 ? id - 1 : 0);
		rc = ps_intel_table_add(t, l->type, l->orig, 0, l->sub, use);
		ok = ref_parse(&r->e[r->n], l->type, l->value, l->sub);
		check(rc == (ok ? PS_OK : PS_EINVAL), "add result differs from the reference");
		if (ok) {
			r->e[r->n++].id = use;
			if (l->op == '+')
				id++;
		}
	}
	check(ps_intel_table_match_domain(t, "a", 1, ids, 1) == 0, "match before freeze");
	if (ps_intel_table_freeze(t) != PS_OK) {
		ps_intel_table_free(t);
		return;
	}
	check(ps_intel_table_add(t, PS_IOC_URL, "x", 0, false, 1) == PS_EINVAL, "add after freeze");
	for (size_t i = 0; i < nl; i++) {
		char q[2048];

		snprintf(q, sizeof(q), "%s", lines[i].orig);
		query(t, r, lines[i].type, q);
	}
	ps_intel_table_free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct line lines[MAX_LINES];
	struct ent ents[MAX_LINES];
	struct ref r = {ents, 0};
	char *text, *copy, *p;
	size_t nl = 0;

	if (size > 64 * 1024)
		return 0;
	text = ps_malloc(PS_MEM_TEST, size + 1);
	copy = ps_malloc(PS_MEM_TEST, size + 1);
	if (text == NULL || copy == NULL)
		goto out;
	memcpy(text, data, size);
	text[size] = '\0';
	for (p = text; p != NULL && *p != '\0' && nl < MAX_LINES;) {
		char *nlp = strchr(p, '\n');
		struct line *l = &lines[nl];

		if (nlp != NULL)
			*nlp = '\0';
		if (split(p, &l->op, &l->type, &l->value, &l->sub) && strlen(l->value) < 1024) {
			l->orig = copy + (size_t)(l->value - text);
			memcpy(l->orig, l->value, strlen(l->value) + 1);
			nl++;
		}
		p = nlp != NULL ? nlp + 1 : NULL;
	}
	run(lines, nl, &r);
out:
	ps_free(text);
	ps_free(copy);
	return 0;
}
