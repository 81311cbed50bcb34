/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The intel tables of the store, run against the backend named by argv[1]
 * as the store suite does: "sqlite" (default; a fresh file per test) or
 * "pgsql" (PANSHI_TEST_PG_DSN, a fresh schema per test; exit 77 without
 * it). Sources, bulk upsert and re-import, expiry, list/show/stats and
 * the live iteration the matching generation is built from.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/core.h"
#include "intel/intel.h"
#include "store/store.h"

#define OK(x) assert_int_equal((x), PS_OK)
#define T0 (INT64_C(1790000000) * 1000000) /* 2026-09-21 */
#define HOUR (INT64_C(3600) * 1000000)

static const char *backend;
static const char *pg_dsn;
static char tmpdir[256];
static int seq;

struct fx {
	struct ps_store *st;
	struct ps_store_settings set;
	char spec[512];
	char schema[64];
};

static bool is_pg(void)
{
	return strcmp(backend, "pgsql") == 0;
}

static int admin_exec(const char *sql)
{
	struct ps_store *st;
	struct ps_diag d;
	int rc = ps_store_open(pg_dsn, NULL, &st, &d);

	if (rc != PS_OK) {
		print_error("admin connection: %s\n", d.msg);
		return rc;
	}
	rc = ps_store_exec(st, sql);
	ps_store_close(st);
	return rc;
}

static int setup(void **state)
{
	struct fx *f = ps_calloc(PS_MEM_TEST, 1, sizeof(*f));
	struct ps_diag d = {{0}};
	char sql[128];

	if (f == NULL)
		return -1;
	*state = f;
	ps_store_settings_default(&f->set);
	seq++;
	if (is_pg()) {
		snprintf(f->schema, sizeof(f->schema), "intel_test_%d_%d", (int)getpid(), seq);
		snprintf(sql, sizeof(sql), "CREATE SCHEMA %s", f->schema);
		if (admin_exec(sql) != PS_OK)
			return -1;
		f->set.pg_schema = f->schema;
		snprintf(f->spec, sizeof(f->spec), "%s", pg_dsn);
	} else {
		snprintf(f->spec, sizeof(f->spec), "%s/t%d.db", tmpdir, seq);
	}
	if (ps_store_open(f->spec, &f->set, &f->st, &d) != PS_OK ||
	    ps_store_migrate(f->st, NULL, NULL, &d) != PS_OK) {
		print_error("%s: %s\n", f->spec, d.msg);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	static const char *const sfx[] = {"", "-wal", "-shm"};
	char path[600], sql[128];

	ps_store_close(f->st);
	if (is_pg()) {
		snprintf(sql, sizeof(sql), "DROP SCHEMA %s CASCADE", f->schema);
		if (admin_exec(sql) != PS_OK)
			return -1;
	} else {
		for (size_t i = 0; i < PS_ARRAY_LEN(sfx); i++) {
			snprintf(path, sizeof(path), "%s%s", f->spec, sfx[i]);
			unlink(path);
		}
	}
	ps_free(f);
	return 0;
}

static int64_t add_source(struct ps_store *st, const char *name)
{
	struct ps_intel_source s = {.name = name, .format = "list", .confidence = -1,
				    .tlp = -1, .shareable = -1};
	int64_t id = 0;
	int rc = ps_intel_source_put(st, &s, &id);

	if (rc != PS_OK)
		fail_msg("source %s: %s", name, ps_store_errmsg(st));
	assert_true(id > 0);
	return id;
}

static struct ps_ioc mk(enum ps_ioc_type t, const char *v, int64_t src)
{
	struct ps_ioc r = {.type = t, .value = v, .severity = 3, .confidence = 50,
			   .source_id = src, .first_seen = T0, .last_seen = T0,
			   .tlp = PS_TLP_GREEN, .shareable = true};
	return r;
}

/* ---- collecting query results ------------------------------------------------------ */

struct rows {
	int n;
	int64_t ids[16];
	char value[16][128];
	char source[16][32];
	char tags[16][128];
	char family[16][32];
	int64_t first[16], last[16], expires[16];
	int type[16], severity[16];
};

static int collect(void *arg, const struct ps_ioc *r)
{
	struct rows *c = arg;
	int i = c->n++;

	assert_true(i < 16);
	c->ids[i] = r->id;
	snprintf(c->value[i], sizeof(c->value[i]), "%s", r->value);
	snprintf(c->source[i], sizeof(c->source[i]), "%s", r->source ? r->source : "");
	snprintf(c->tags[i], sizeof(c->tags[i]), "%s", r->tags ? r->tags : "");
	snprintf(c->family[i], sizeof(c->family[i]), "%s", r->family ? r->family : "");
	c->first[i] = r->first_seen;
	c->last[i] = r->last_seen;
	c->expires[i] = r->expires;
	c->type[i] = r->type;
	c->severity[i] = r->severity;
	return PS_OK;
}

/* ---- tests --------------------------------------------------------------------------- */

static void test_schema(void **state)
{
	struct fx *f = *state;
	int v = 0;

	(void)f;
	OK(ps_store_schema_version(f->st, &v));
	assert_int_equal(v, ps_store_schema_latest());
	assert_true(v >= 2);
}

struct src_seen {
	int n;
	char name[4][32];
	int64_t indicators[4];
	int severity, confidence, tlp, shareable;
	int64_t refresh, last_read;
	char location[64];
};

static int src_collect(void *arg, const struct ps_intel_source *s)
{
	struct src_seen *c = arg;

	assert_true(c->n < 4);
	snprintf(c->name[c->n], sizeof(c->name[0]), "%s", s->name);
	c->indicators[c->n++] = s->indicators;
	c->severity = s->severity;
	c->confidence = s->confidence;
	c->tlp = s->tlp;
	c->shareable = s->shareable;
	c->refresh = s->refresh_s;
	c->last_read = s->last_read;
	snprintf(c->location, sizeof(c->location), "%s", s->location ? s->location : "");
	return PS_OK;
}

static void test_sources(void **state)
{
	struct fx *f = *state;
	struct ps_intel_source s = {.name = "feed-b", .format = "csv", .location = "/x.csv",
				    .refresh_s = 3600, .severity = 4, .confidence = 80,
				    .tlp = PS_TLP_AMBER, .shareable = 0};
	struct src_seen seen = {0};
	int64_t id = 0, id2 = 0, gone = -1;
	struct ps_ioc r;

	OK(ps_intel_source_put(f->st, &s, &id));
	add_source(f->st, "feed-a");
	/* a put with nothing set keeps what is stored */
	s = (struct ps_intel_source){.name = "feed-b", .confidence = -1, .tlp = -1,
				     .shareable = -1};
	OK(ps_intel_source_put(f->st, &s, &id2));
	assert_int_equal(id, id2);
	OK(ps_intel_source_get(f->st, "feed-b", src_collect, &seen));
	assert_int_equal(seen.severity, 4);
	assert_int_equal(seen.confidence, 80);
	assert_int_equal(seen.tlp, PS_TLP_AMBER);
	assert_int_equal(seen.shareable, 0);
	assert_int_equal(seen.refresh, 3600);
	assert_string_equal(seen.location, "/x.csv");
	assert_int_equal(ps_intel_source_get(f->st, "nope", src_collect, &seen), PS_ENOENT);
	OK(ps_intel_source_record(f->st, id, T0, 10, 8, 1, 1));
	assert_int_equal(ps_intel_source_record(f->st, 999999, T0, 1, 1, 1, 1), PS_ENOENT);
	r = mk(PS_IOC_DOMAIN, "evil.example", id);
	OK(ps_intel_ioc_put(f->st, &r, NULL));
	seen.n = 0;
	OK(ps_intel_source_list(f->st, src_collect, &seen));
	assert_int_equal(seen.n, 2);
	assert_string_equal(seen.name[0], "feed-a");
	assert_string_equal(seen.name[1], "feed-b");
	assert_int_equal(seen.indicators[0], 0);
	assert_int_equal(seen.indicators[1], 1);
	assert_int_equal(seen.last_read, 10);
	/* invalid sources are refused before SQL */
	s = (struct ps_intel_source){.name = "", .confidence = -1, .tlp = -1};
	assert_int_equal(ps_intel_source_put(f->st, &s, NULL), PS_EINVAL);
	s = (struct ps_intel_source){.name = "x", .severity = 6, .confidence = -1, .tlp = -1};
	assert_int_equal(ps_intel_source_put(f->st, &s, NULL), PS_EINVAL);
	/* deleting a source takes its indicators */
	OK(ps_intel_source_delete(f->st, "feed-b", &gone));
	assert_int_equal(gone, 1);
	assert_int_equal(ps_intel_source_delete(f->st, "feed-b", &gone), PS_ENOENT);
	OK(ps_intel_count(f->st, NULL, &gone));
	assert_int_equal(gone, 0);
}

static void add_many(struct ps_intel_writer *w, int64_t src, int from, int to, int64_t seen)
{
	char v[32];

	for (int i = from; i < to; i++) {
		struct ps_ioc r = mk(PS_IOC_IPV4, v, src);

		snprintf(v, sizeof(v), "10.%d.%d.%d", (i >> 16) & 255, (i >> 8) & 255, i & 255);
		r.first_seen = r.last_seen = seen;
		OK(ps_intel_writer_add(w, &r));
	}
}

static void test_upsert_reimport(void **state)
{
	struct fx *f = *state;
	int64_t src = add_source(f->st, "ips"), ins, upd, n;
	struct ps_intel_writer *w;
	struct ps_intel_filter q = {.value = "10.0.0.5"};
	struct rows got = {0};

	OK(ps_intel_writer_open(f->st, 700, &w));
	add_many(w, src, 0, 3000, T0);
	OK(ps_intel_writer_commit(w));
	ps_intel_writer_counts(w, &ins, &upd);
	assert_int_equal(ins, 3000);
	assert_int_equal(upd, 0);
	ps_intel_writer_free(w);
	/* the same rows again, an hour later: updated, not duplicated */
	OK(ps_intel_writer_open(f->st, 0, &w));
	add_many(w, src, 0, 3000, T0 + HOUR);
	add_many(w, src, 3000, 3010, T0 + HOUR);
	OK(ps_intel_writer_commit(w));
	ps_intel_writer_counts(w, &ins, &upd);
	assert_int_equal(ins, 10);
	assert_int_equal(upd, 3000);
	ps_intel_writer_free(w);
	OK(ps_intel_count(f->st, NULL, &n));
	assert_int_equal(n, 3010);
	OK(ps_intel_query(f->st, &q, collect, &got));
	assert_int_equal(got.n, 1);
	assert_int_equal(got.first[0], T0);
	assert_int_equal(got.last[0], T0 + HOUR);
	/* an older sighting moves first_seen back and leaves last_seen */
	{
		struct ps_ioc r = mk(PS_IOC_IPV4, "10.0.0.5", src);

		r.first_seen = r.last_seen = T0 - HOUR;
		OK(ps_intel_ioc_put(f->st, &r, NULL));
	}
	got.n = 0;
	OK(ps_intel_query(f->st, &q, collect, &got));
	assert_int_equal(got.first[0], T0 - HOUR);
	assert_int_equal(got.last[0], T0 + HOUR);
}

static void test_merge_fields(void **state)
{
	struct fx *f = *state;
	int64_t src = add_source(f->st, "mt");
	struct ps_ioc r = mk(PS_IOC_IPV4, "192.0.2.7", src);
	struct ps_intel_filter q = {.value = "192.0.2.7"};
	struct rows got = {0};
	bool inserted = false;

	r.tags = "malware,port:443";
	r.family = "mirai";
	OK(ps_intel_ioc_put(f->st, &r, &inserted));
	assert_true(inserted);
	r.tags = "malware,port:8080";
	r.family = NULL;
	r.severity = 5;
	OK(ps_intel_ioc_put(f->st, &r, &inserted));
	assert_false(inserted);
	r.tags = "malware,port:443"; /* already there: not appended again */
	OK(ps_intel_ioc_put(f->st, &r, NULL));
	r.tags = "a_b%";             /* LIKE wildcards in tags are literal */
	OK(ps_intel_ioc_put(f->st, &r, NULL));
	r.tags = "aXb%";
	OK(ps_intel_ioc_put(f->st, &r, NULL));
	OK(ps_intel_query(f->st, &q, collect, &got));
	assert_int_equal(got.n, 1);
	assert_string_equal(got.tags[0], "malware,port:443,malware,port:8080,a_b%,aXb%");
	assert_string_equal(got.family[0], "mirai");
	assert_int_equal(got.severity[0], 5);
}

static void test_batch_duplicates(void **state)
{
	struct fx *f = *state;
	int64_t a = add_source(f->st, "a"), b = add_source(f->st, "b"), ins, upd, n;
	struct ps_intel_writer *w;
	struct ps_ioc r;

	OK(ps_intel_writer_open(f->st, 0, &w));
	for (int i = 0; i < 5; i++) {
		r = mk(PS_IOC_DOMAIN, "dup.example", a);
		OK(ps_intel_writer_add(w, &r));
	}
	r = mk(PS_IOC_DOMAIN, "dup.example", b);  /* another source: its own row */
	OK(ps_intel_writer_add(w, &r));
	r = mk(PS_IOC_CIDR4, "10.0.0.0", a);
	r.prefix = 8;
	OK(ps_intel_writer_add(w, &r));
	r.prefix = 16;                            /* another prefix: its own row */
	OK(ps_intel_writer_add(w, &r));
	OK(ps_intel_writer_commit(w));
	ps_intel_writer_counts(w, &ins, &upd);
	assert_int_equal(ins, 4);
	assert_int_equal(upd, 4);
	ps_intel_writer_free(w);
	OK(ps_intel_count(f->st, NULL, &n));
	assert_int_equal(n, 4);
}

static void test_invalid_rows(void **state)
{
	struct fx *f = *state;
	int64_t src = add_source(f->st, "x"), n;
	struct ps_intel_writer *w;
	struct ps_ioc r;
	char big[PS_IOC_VALUE_MAX + 2];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	OK(ps_intel_writer_open(f->st, 0, &w));
	r = mk(PS_IOC_NONE, "x.example", src);
	assert_int_equal(ps_intel_writer_add(w, &r), PS_EINVAL);
	r = mk(PS_IOC_DOMAIN, "", src);
	assert_int_equal(ps_intel_writer_add(w, &r), PS_EINVAL);
	r = mk(PS_IOC_DOMAIN, big, src);
	assert_int_equal(ps_intel_writer_add(w, &r), PS_EINVAL);
	r = mk(PS_IOC_DOMAIN, "x.example", src);
	r.severity = 0;
	assert_int_equal(ps_intel_writer_add(w, &r), PS_EINVAL);
	r.severity = 6;
	assert_int_equal(ps_intel_writer_add(w, &r), PS_EINVAL);
	r = mk(PS_IOC_DOMAIN, "x.example", src);
	r.confidence = 101;
	assert_int_equal(ps_intel_writer_add(w, &r), PS_EINVAL);
	r = mk(PS_IOC_DOMAIN, "x.example", src);
	r.family = "\xff\xfe";
	assert_int_equal(ps_intel_writer_add(w, &r), PS_EINVAL);
	r = mk(PS_IOC_DOMAIN, "x.example", 0);
	assert_int_equal(ps_intel_writer_add(w, &r), PS_EINVAL);
	/* a source that does not exist: the store refuses, the writer stops */
	r = mk(PS_IOC_DOMAIN, "ok.example", src);
	OK(ps_intel_writer_add(w, &r));
	r = mk(PS_IOC_DOMAIN, "orphan.example", src + 1000);
	assert_int_equal(ps_intel_writer_add(w, &r) == PS_OK ?
			 ps_intel_writer_commit(w) : PS_EDB, PS_EDB);
	r = mk(PS_IOC_DOMAIN, "late.example", src);
	assert_int_equal(ps_intel_writer_add(w, &r), PS_EDB);
	ps_intel_writer_free(w);
	/* the whole open transaction went */
	OK(ps_intel_count(f->st, NULL, &n));
	assert_int_equal(n, 0);
	assert_int_equal(ps_store_tx_depth(f->st), 0);
}

static void test_uncommitted_rolled_back(void **state)
{
	struct fx *f = *state;
	int64_t src = add_source(f->st, "r"), n, ins;
	struct ps_intel_writer *w;

	OK(ps_intel_writer_open(f->st, 100, &w));
	add_many(w, src, 0, 250, T0); /* two transactions committed, 50 rows open */
	ps_intel_writer_counts(w, &ins, NULL);
	assert_int_equal(ins, 200);
	ps_intel_writer_free(w);
	OK(ps_intel_count(f->st, NULL, &n));
	assert_int_equal(n, 200);
}

/* Three sources with a few indicators each, for the query tests. */
static void fill(struct ps_store *st)
{
	int64_t a = add_source(st, "alpha"), b = add_source(st, "beta");
	struct ps_intel_writer *w;
	struct ps_ioc r;

	add_source(st, "empty");
	OK(ps_intel_writer_open(st, 0, &w));
	r = mk(PS_IOC_DOMAIN, "evil.example", a);
	OK(ps_intel_writer_add(w, &r));
	r = mk(PS_IOC_URL, "http://evil.example/a_b%25", a);
	OK(ps_intel_writer_add(w, &r));
	r = mk(PS_IOC_URL, "http://evil.example/aXb%25", a);
	OK(ps_intel_writer_add(w, &r));
	r = mk(PS_IOC_IPV4, "198.51.100.7", a);
	r.expires = T0 + HOUR;
	OK(ps_intel_writer_add(w, &r));
	r = mk(PS_IOC_DOMAIN, "evil.example", b);
	r.category = PS_IOC_CAT_MALICIOUS_PROGRAM;
	r.family = "emotet";
	OK(ps_intel_writer_add(w, &r));
	r = mk(PS_IOC_SHA256, "fd818a23c808fc4467bdbee6060cbb00326feb4243c10084f7470b30aa91e25d", b);
	r.tlp = PS_TLP_AMBER;
	OK(ps_intel_writer_add(w, &r));
	OK(ps_intel_writer_commit(w));
	ps_intel_writer_free(w);
}

/* fill() plus a red and an unshareable indicator. */
static void fill_private(struct ps_store *st)
{
	int64_t c = add_source(st, "private");
	struct ps_ioc r = mk(PS_IOC_DOMAIN, "red.example", c);

	r.tlp = PS_TLP_RED;
	OK(ps_intel_ioc_put(st, &r, NULL));
	r = mk(PS_IOC_DOMAIN, "mine.example", c);
	r.shareable = false;
	OK(ps_intel_ioc_put(st, &r, NULL));
}

static void test_query_filters(void **state)
{
	struct fx *f = *state;
	struct ps_intel_filter q = {0};
	struct rows got = {0};
	int64_t n;

	fill(f->st);
	OK(ps_intel_query(f->st, NULL, collect, &got));
	assert_int_equal(got.n, 6);
	for (int i = 1; i < got.n; i++)
		assert_true(got.ids[i] > got.ids[i - 1]);
	assert_string_equal(got.source[0], "alpha");
	assert_string_equal(got.source[5], "beta");
	q.type = PS_IOC_DOMAIN;
	OK(ps_intel_count(f->st, &q, &n));
	assert_int_equal(n, 2);
	q = (struct ps_intel_filter){.source = "beta"};
	OK(ps_intel_count(f->st, &q, &n));
	assert_int_equal(n, 2);
	q = (struct ps_intel_filter){.category = PS_IOC_CAT_MALICIOUS_DOMAIN};
	OK(ps_intel_count(f->st, &q, &n));
	assert_int_equal(n, 1); /* the default category of a domain */
	/* substring: '%' and '_' are literal */
	q = (struct ps_intel_filter){.contains = "a_b"};
	got.n = 0;
	OK(ps_intel_query(f->st, &q, collect, &got));
	assert_int_equal(got.n, 1);
	assert_string_equal(got.value[0], "http://evil.example/a_b%25");
	q = (struct ps_intel_filter){.contains = "%25"};
	OK(ps_intel_count(f->st, &q, &n));
	assert_int_equal(n, 2);
	q = (struct ps_intel_filter){.contains = "EVIL"};
	OK(ps_intel_count(f->st, &q, &n));
	/* SQLite's LIKE ignores ASCII case, PostgreSQL's does not */
	assert_int_equal(n, is_pg() ? 0 : 4);
	/* live_at drops the expired address */
	q = (struct ps_intel_filter){.live_at = T0 + 2 * HOUR};
	OK(ps_intel_count(f->st, &q, &n));
	assert_int_equal(n, 5);
	q.live_at = T0;
	OK(ps_intel_count(f->st, &q, &n));
	assert_int_equal(n, 6);
	/* the export rule: shareable and TLP <= max, red never */
	fill_private(f->st);
	q = (struct ps_intel_filter){.exportable = true, .tlp_max = PS_TLP_GREEN};
	OK(ps_intel_count(f->st, &q, &n));
	assert_int_equal(n, 5); /* not the amber hash */
	q.tlp_max = PS_TLP_RED;
	OK(ps_intel_count(f->st, &q, &n));
	assert_int_equal(n, 6);
	/* paging */
	q = (struct ps_intel_filter){.limit = 2, .offset = 3};
	got.n = 0;
	OK(ps_intel_query(f->st, &q, collect, &got));
	assert_int_equal(got.n, 2);
	assert_string_equal(got.value[0], "198.51.100.7");
}

static void test_show(void **state)
{
	struct fx *f = *state;
	struct ps_diag d = {{0}};
	struct rows got = {0};
	int64_t found = -1;

	fill(f->st);
	OK(ps_intel_show(f->st, PS_IOC_NONE, "EVIL.example.", collect, &got, &found, &d));
	assert_int_equal(found, 2);
	assert_string_equal(got.source[0], "alpha");
	assert_string_equal(got.source[1], "beta");
	assert_string_equal(got.family[1], "emotet");
	got.n = 0;
	OK(ps_intel_show(f->st, PS_IOC_NONE, "nothing.example", collect, &got, &found, &d));
	assert_int_equal(found, 0);
	assert_int_equal(got.n, 0);
	assert_int_equal(ps_intel_show(f->st, PS_IOC_IPV4, "300.1.1.1", collect, &got, &found,
				       &d), PS_EINVAL);
	assert_non_null(strstr(d.msg, "300.1.1.1"));
}

struct kv {
	int n;
	char key[12][40];
	int64_t count[12];
};

static int kv_collect(void *arg, const char *key, int64_t count)
{
	struct kv *c = arg;

	assert_true(c->n < 12);
	snprintf(c->key[c->n], sizeof(c->key[0]), "%s", key);
	c->count[c->n++] = count;
	return PS_OK;
}

static void test_stats(void **state)
{
	struct fx *f = *state;
	struct ps_intel_totals t;
	struct kv kv = {0};

	fill(f->st);
	OK(ps_intel_stats(f->st, PS_INTEL_STAT_TYPE, kv_collect, &kv));
	assert_int_equal(kv.n, 4);
	assert_string_equal(kv.key[0], "ipv4");
	assert_int_equal(kv.count[0], 1);
	assert_string_equal(kv.key[1], "domain");
	assert_int_equal(kv.count[1], 2);
	assert_string_equal(kv.key[2], "url");
	assert_string_equal(kv.key[3], "sha256");
	kv.n = 0;
	OK(ps_intel_stats(f->st, PS_INTEL_STAT_CATEGORY, kv_collect, &kv));
	assert_int_equal(kv.n, 4);
	assert_string_equal(kv.key[0], "malicious_ip");
	assert_string_equal(kv.key[3], "malicious_program");
	assert_int_equal(kv.count[3], 2);
	kv.n = 0;
	OK(ps_intel_stats(f->st, PS_INTEL_STAT_SOURCE, kv_collect, &kv));
	assert_int_equal(kv.n, 3);
	assert_string_equal(kv.key[2], "empty");
	assert_int_equal(kv.count[0], 4);
	assert_int_equal(kv.count[2], 0);
	assert_int_equal(ps_intel_stats(f->st, (enum ps_intel_stat_by)9, kv_collect, &kv),
			 PS_EINVAL);
	OK(ps_intel_totals_get(f->st, T0 + 2 * HOUR, &t));
	assert_int_equal(t.indicators, 6);
	assert_int_equal(t.live, 5);
	assert_int_equal(t.values, 5);
	assert_int_equal(t.sources, 3);
}

struct live {
	int64_t n, last_id;
	int64_t stop_at;
};

static int live_count(void *arg, const struct ps_ioc *r)
{
	struct live *c = arg;

	assert_true(r->id > c->last_id);
	assert_null(r->source);
	assert_true(r->source_id > 0);
	c->last_id = r->id;
	if (++c->n == c->stop_at)
		return 42;
	return PS_OK;
}

static void test_foreach_live_and_purge(void **state)
{
	struct fx *f = *state;
	struct live c = {0};
	int64_t deleted = -1, n;

	fill(f->st);
	OK(ps_intel_foreach_live(f->st, T0 + 2 * HOUR, live_count, &c));
	assert_int_equal(c.n, 5);
	c = (struct live){.stop_at = 2};
	assert_int_equal(ps_intel_foreach_live(f->st, T0, live_count, &c), 42);
	assert_int_equal(c.n, 2);
	OK(ps_intel_purge_expired(f->st, T0 + 2 * HOUR, &deleted));
	assert_int_equal(deleted, 1);
	OK(ps_intel_count(f->st, NULL, &n));
	assert_int_equal(n, 5);
}

static int query_count(void *arg, const struct ps_ioc *r)
{
	struct live *c = arg;

	assert_true(r->id > c->last_id);
	assert_string_equal(r->source, "big");
	c->last_id = r->id;
	c->n++;
	return PS_OK;
}

/* More rows than a PostgreSQL page, so the paged reads are exercised. */
static void test_large(void **state)
{
	struct fx *f = *state;
	int64_t src = add_source(f->st, "big"), ins, n;
	struct ps_intel_writer *w;
	struct live c = {0};
	struct ps_intel_filter q = {0};

	OK(ps_intel_writer_open(f->st, 0, &w));
	add_many(w, src, 0, 120000, T0);
	OK(ps_intel_writer_commit(w));
	ps_intel_writer_counts(w, &ins, NULL);
	assert_int_equal(ins, 120000);
	ps_intel_writer_free(w);
	OK(ps_intel_foreach_live(f->st, T0, live_count, &c));
	assert_int_equal(c.n, 120000);
	c = (struct live){0};
	q.type = PS_IOC_IPV4;
	OK(ps_intel_query(f->st, &q, query_count, &c));
	assert_int_equal(c.n, 120000);
	OK(ps_intel_count(f->st, &q, &n));
	assert_int_equal(n, 120000);
}

static int group_setup(void **state)
{
	(void)state;
	if (is_pg())
		return 0;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/panshi-intel-XXXXXX");
	return mkdtemp(tmpdir) != NULL ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	if (!is_pg())
		rmdir(tmpdir);
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_schema, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sources, setup, teardown),
		cmocka_unit_test_setup_teardown(test_upsert_reimport, setup, teardown),
		cmocka_unit_test_setup_teardown(test_merge_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch_duplicates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_uncommitted_rolled_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_query_filters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_show, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stats, setup, teardown),
		cmocka_unit_test_setup_teardown(test_foreach_live_and_purge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_large, setup, teardown),
	};

	backend = argc > 1 ? argv[1] : "sqlite";
	if (strcmp(backend, "pgsql") == 0) {
		pg_dsn = getenv("PANSHI_TEST_PG_DSN");
		if (pg_dsn == NULL || pg_dsn[0] == '\0') {
			printf("skipped: PANSHI_TEST_PG_DSN not set\n");
			return 77;
		}
	} else if (strcmp(backend, "sqlite") != 0) {
		fprintf(stderr, "usage: %s sqlite|pgsql\n", argv[0]);
		return 2;
	}
	ps_i18n_set_lang(PS_LANG_EN);
	return cmocka_run_group_tests_name(backend, tests, group_setup, group_teardown);
}
