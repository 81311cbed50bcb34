/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The importers on the fixtures of tests/data/intel: plain lists (comments,
 * ipsum counts, hosts lines, uBlock/ABP rules), CSV (header comment,
 * host/path, --map, quoted multi-line records), Maltrail (plain and gzip),
 * each with bad lines counted by line number; then whole-file imports into
 * a SQLite store with re-import, a missing file and progress.
 */
#include <setjmp.h>
#include <stdatomic.h>
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
#define MAXROWS 32

struct got {
	int n;
	struct {
		enum ps_ioc_type type;
		char value[256];
		unsigned prefix;
		bool subdomains;
		enum ps_ioc_category category;
		int severity, confidence;
		char family[64], tags[128];
		int64_t first_seen, last_seen, expires;
	} r[MAXROWS];
};

static int sink(void *arg, const struct ps_ioc *ioc)
{
	struct got *g = arg;
	int i = g->n++;

	assert_true(i < MAXROWS);
	assert_int_equal(ioc->source_id, 0);
	g->r[i].type = ioc->type;
	snprintf(g->r[i].value, sizeof(g->r[i].value), "%s", ioc->value);
	g->r[i].prefix = ioc->prefix;
	g->r[i].subdomains = ioc->subdomains;
	g->r[i].category = ioc->category;
	g->r[i].severity = ioc->severity;
	g->r[i].confidence = ioc->confidence;
	snprintf(g->r[i].family, sizeof(g->r[i].family), "%s", ioc->family ? ioc->family : "");
	snprintf(g->r[i].tags, sizeof(g->r[i].tags), "%s", ioc->tags ? ioc->tags : "");
	g->r[i].first_seen = ioc->first_seen;
	g->r[i].last_seen = ioc->last_seen;
	g->r[i].expires = ioc->expires;
	return PS_OK;
}

static void fixture(const char *name, char *path, size_t n)
{
	const char *src = getenv("PANSHI_SOURCE_DIR");

	snprintf(path, n, "%s/tests/data/intel/%s", src ? src : ".", name);
}

/* Parse the fixture `name` with o into g and r; returns the parse's code. */
static int parse_fixture(const struct ps_intel_import_opts *o, const char *name,
			 struct got *g, struct ps_intel_report *r, struct ps_diag *d)
{
	char path[1024], *data;
	size_t len;
	int rc;

	fixture(name, path, sizeof(path));
	OK(ps_file_read(path, PS_MEM_TEST, 1 << 20, &data, &len, d));
	memset(g, 0, sizeof(*g));
	rc = ps_intel_parse_mem(o, name, data, len, sink, g, r, d);
	ps_free(data);
	return rc;
}

static void expect_row(const struct got *g, int i, enum ps_ioc_type t, const char *v)
{
	assert_true(i < g->n);
	if (g->r[i].type != t || strcmp(g->r[i].value, v) != 0)
		fail_msg("row %d: %s '%s', want %s '%s'", i, ps_ioc_type_name(g->r[i].type),
			 g->r[i].value, ps_ioc_type_name(t), v);
}

static void expect_bad(const struct ps_intel_report *r, size_t i, long line, const char *part)
{
	assert_true(i < r->n_shown);
	if (r->shown[i].line != line || strstr(r->shown[i].msg, part) == NULL)
		fail_msg("bad %zu: line %ld '%s', want line %ld '%s'", i, r->shown[i].line,
			 r->shown[i].msg, line, part);
}

static void test_list(void **state)
{
	struct ps_intel_import_opts o;
	struct ps_intel_report r;
	struct ps_diag d;
	struct got g;

	(void)state;
	ps_intel_import_opts_init(&o);
	o.now_us = 1000;
	OK(parse_fixture(&o, "list.txt", &g, &r, &d));
	expect_row(&g, 0, PS_IOC_IPV4, "192.0.2.1");
	expect_row(&g, 1, PS_IOC_IPV4, "198.51.100.7");     /* trailing comment */
	expect_row(&g, 2, PS_IOC_IPV4, "203.0.113.9");      /* ipsum count */
	assert_string_equal(g.r[2].tags, "lists:7");
	expect_row(&g, 3, PS_IOC_IPV6, "2001:db8::1");
	expect_row(&g, 4, PS_IOC_CIDR4, "10.0.0.0");
	assert_int_equal(g.r[4].prefix, 8);
	expect_row(&g, 5, PS_IOC_DOMAIN, "www.example.com");
	assert_false(g.r[5].subdomains);
	expect_row(&g, 6, PS_IOC_DOMAIN, "hosts.example");  /* hosts-file line */
	expect_row(&g, 7, PS_IOC_DOMAIN, "xn--bcher-kva.example");
	expect_row(&g, 8, PS_IOC_URL, "http://evil.example/b.php?x=1");
	expect_row(&g, 9, PS_IOC_URL, "http://evil.example/dl/x.exe");
	expect_row(&g, 10, PS_IOC_MD5, "f211694aaf443b12b2eca9f5e7f25407");
	expect_row(&g, 11, PS_IOC_SHA1, "ff7b2c3938306261881c42e78d0df51d9bcdd574");
	expect_row(&g, 12, PS_IOC_SHA256,
		   "fd818a23c808fc4467bdbee6060cbb00326feb4243c10084f7470b30aa91e25d");
	expect_row(&g, 13, PS_IOC_JA4, "t13d1516h2_8daaf6152771_e5627efa2ab1");
	expect_row(&g, 14, PS_IOC_DOMAIN, "abp.example");   /* ||host^ */
	assert_true(g.r[14].subdomains);
	expect_row(&g, 15, PS_IOC_URL, "http://abp.example/path/x.php");
	expect_row(&g, 16, PS_IOC_IPV4, "192.0.2.1");       /* duplicate: the sink sees it */
	expect_row(&g, 17, PS_IOC_DOMAIN, "crlf.example");
	expect_row(&g, 18, PS_IOC_DOMAIN, "wild.example");
	assert_true(g.r[18].subdomains);
	assert_int_equal(g.n, 19);
	/* defaults: category by type, severity 3, confidence 50, TLP green, now */
	assert_int_equal(g.r[0].category, PS_IOC_CAT_MALICIOUS_IP);
	assert_int_equal(g.r[5].category, PS_IOC_CAT_MALICIOUS_DOMAIN);
	assert_int_equal(g.r[10].category, PS_IOC_CAT_MALICIOUS_PROGRAM);
	assert_int_equal(g.r[0].severity, 3);
	assert_int_equal(g.r[0].confidence, 50);
	assert_int_equal(g.r[0].first_seen, 1000);
	assert_int_equal(r.read, 19);
	assert_int_equal(r.lines, 30);
	assert_int_equal(r.bad, 4);
	expect_bad(&r, 0, 26, "'bad..example' is not a valid domain name: empty label");
	expect_bad(&r, 1, 27, "'300.1.1.1' is not a valid");
	expect_bad(&r, 2, 28, "unexpected text after the value: 'some words'");
	expect_bad(&r, 3, 29, "'http:///nohost' is not a valid URL: no host");
	assert_int_equal(r.skipped, 2); /* @@ exception and a wildcard rule */
	assert_int_equal(r.n_skip_kinds, 1);
	assert_int_equal(r.skip_kinds[0].count, 2);
}

static void test_list_options(void **state)
{
	struct ps_intel_import_opts o;
	struct ps_intel_report r;
	struct ps_diag d;
	struct got g;

	(void)state;
	ps_intel_import_opts_init(&o);
	o.type = PS_IOC_DOMAIN;          /* addresses in a domain list stay addresses */
	o.category = PS_IOC_CAT_SECURITY_INCIDENT;
	o.severity = 5;
	o.confidence = 0;
	o.tlp = PS_TLP_AMBER;
	o.subdomains = true;
	o.family = "testfam";
	o.tags = "feed:x, y";
	OK(parse_fixture(&o, "list.txt", &g, &r, &d));
	expect_row(&g, 0, PS_IOC_IPV4, "192.0.2.1");
	assert_int_equal(g.r[0].category, PS_IOC_CAT_SECURITY_INCIDENT);
	assert_int_equal(g.r[0].severity, 5);
	assert_int_equal(g.r[0].confidence, 0);
	assert_string_equal(g.r[0].family, "testfam");
	assert_string_equal(g.r[0].tags, "feed:x, y");
	assert_string_equal(g.r[2].tags, "feed:x, y,lists:7");
	expect_row(&g, 5, PS_IOC_DOMAIN, "www.example.com");
	assert_true(g.r[5].subdomains);
	/* with --type domain, hashes and URLs are bad lines */
	assert_true(r.bad > 4);
}

static void test_csv_ja3(void **state)
{
	struct ps_intel_import_opts o;
	struct ps_intel_report r;
	struct ps_diag d;
	struct got g;

	(void)state;
	ps_intel_import_opts_init(&o);
	OK(parse_fixture(&o, "ja3.csv", &g, &r, &d));
	/* the commented header names ja3_md5: the values are JA3, not MD5 */
	assert_int_equal(g.n, 2);
	expect_row(&g, 0, PS_IOC_JA3, "b386946a5a44d1ddcc843bc75336dfce");
	assert_string_equal(g.r[0].family, "Dridex");
	assert_int_equal(g.r[0].first_seen, INT64_C(1500055695) * 1000000);
	assert_int_equal(g.r[0].last_seen, INT64_C(1564260174) * 1000000);
	expect_row(&g, 1, PS_IOC_JA3, "8991a387e4cc841740f25d6f5139f92d");
	assert_int_equal(r.bad, 2);
	expect_bad(&r, 0, 8, "is not a valid JA3 fingerprint: must be 32 hexadecimal digits");
	expect_bad(&r, 1, 9, "bad first_seen 'not a date'");
}

static void test_csv_host_path(void **state)
{
	struct ps_intel_import_opts o;
	struct ps_intel_report r;
	struct ps_diag d;
	struct got g;

	(void)state;
	ps_intel_import_opts_init(&o);
	OK(parse_fixture(&o, "urlhaus-host-path.csv", &g, &r, &d));
	assert_int_equal(g.n, 4);
	expect_row(&g, 0, PS_IOC_DOMAIN, "0022a601.pphost.net");
	expect_row(&g, 1, PS_IOC_IPV4, "1.1.109.99");
	expect_row(&g, 2, PS_IOC_URL, "http://2024.sci-hub.se/2294/skidmore1966.pdf");
	expect_row(&g, 3, PS_IOC_URL, "http://files.example/dl/a%20b.exe");
	assert_int_equal(r.bad, 2);
	expect_bad(&r, 0, 7, "bad host: character ' ' is not allowed");
	expect_bad(&r, 1, 8, "the value column is empty");
}

/* The columns our CSV export writes come back by name, expiry included. */
static void test_csv_export_columns(void **state)
{
	static const char csv[] =
		"type,value,prefix,category,severity,confidence,family,tags,source,"
		"first_seen,last_seen,expires,tlp\r\n"
		"domain,evil.example,0,malicious_domain,4,80,emotet,c2,orig,"
		"2026-01-01T00:00:00Z,2026-01-02T00:00:00Z,2026-03-01T00:00:00Z,amber\r\n"
		"ipv4,192.0.2.7,0,malicious_ip,3,50,,,orig,"
		"2026-01-01T00:00:00Z,2026-01-01T00:00:00Z,,green\r\n";
	struct ps_intel_import_opts o;
	struct ps_intel_report r;
	struct ps_diag d;
	struct got g = {0};

	(void)state;
	ps_intel_import_opts_init(&o);
	o.format = PS_INTEL_FMT_CSV;
	OK(ps_intel_parse_mem(&o, "export.csv", csv, sizeof(csv) - 1, sink, &g, &r, &d));
	assert_int_equal(r.bad, 0);
	assert_int_equal(g.n, 2);
	expect_row(&g, 0, PS_IOC_DOMAIN, "evil.example");
	assert_int_equal(g.r[0].expires, INT64_C(1772323200) * 1000000);
	assert_int_equal(g.r[0].last_seen, INT64_C(1767312000) * 1000000);
	expect_row(&g, 1, PS_IOC_IPV4, "192.0.2.7");
	assert_int_equal(g.r[1].expires, 0);   /* empty: never */
}

static void test_csv_mapped(void **state)
{
	struct ps_intel_import_opts o;
	struct ps_intel_report r;
	struct ps_diag d;
	struct got g;

	(void)state;
	ps_intel_import_opts_init(&o);
	o.format = PS_INTEL_FMT_CSV;
	o.map = "value=1,type=2,family=3,severity=4,first_seen=5";
	OK(parse_fixture(&o, "mapped.csv", &g, &r, &d));
	assert_int_equal(g.n, 3);
	expect_row(&g, 0, PS_IOC_DOMAIN, "evil.example");
	assert_string_equal(g.r[0].family, "Emo\ntet"); /* a quoted field over two lines */
	assert_int_equal(g.r[0].severity, 4);
	assert_int_equal(g.r[0].first_seen, INT64_C(1767323045) * 1000000);
	expect_row(&g, 1, PS_IOC_IPV4, "192.0.2.10");
	assert_int_equal(g.r[1].severity, 4); /* "high" */
	assert_int_equal(g.r[1].first_seen, INT64_C(1767225600) * 1000000);
	expect_row(&g, 2, PS_IOC_URL, "http://x.example/p?a=1,2");
	assert_int_equal(g.r[2].severity, 2);
	assert_int_equal(r.bad, 5);
	expect_bad(&r, 0, 5, "'not-a-hash' is not a valid MD5 hash");
	expect_bad(&r, 1, 6, "bad type 'ipv9'");
	expect_bad(&r, 2, 7, "bad severity '9'");
	expect_bad(&r, 3, 8, "text after a closing quote");
	expect_bad(&r, 4, 9, "unterminated quoted field");
}

static void test_csv_map_errors(void **state)
{
	struct ps_intel_import_opts o;
	struct ps_intel_report r;
	struct ps_diag d;
	struct got g;

	(void)state;
	ps_intel_import_opts_init(&o);
	o.map = "value=1,colour=2";
	assert_int_equal(parse_fixture(&o, "ja3.csv", &g, &r, &d), PS_EINVAL);
	assert_non_null(strstr(d.msg, "unknown field 'colour'"));
	o.map = "value";
	assert_int_equal(parse_fixture(&o, "ja3.csv", &g, &r, &d), PS_EINVAL);
	assert_non_null(strstr(d.msg, "expected FIELD=COLUMN"));
	o.map = "value=nosuch";
	assert_int_equal(parse_fixture(&o, "urlhaus-host-path.csv", &g, &r, &d), PS_EINVAL);
	assert_non_null(strstr(d.msg, "no column 'nosuch' in the header line"));
	o.map = "family=3";
	o.format = PS_INTEL_FMT_CSV;
	assert_int_equal(parse_fixture(&o, "mapped.csv", &g, &r, &d), PS_EINVAL);
	assert_non_null(strstr(d.msg, "no value column"));
	/* by header name: the value column and a family */
	o.map = "host=HOST,path=path,family=message";
	OK(parse_fixture(&o, "urlhaus-host-path.csv", &g, &r, &d));
	assert_int_equal(g.n, 4);
	assert_string_equal(g.r[3].family, "quoted \"word\"");
}

static void check_maltrail(const struct got *g, const struct ps_intel_report *r)
{
	assert_int_equal(g->n, 7);
	expect_row(g, 0, PS_IOC_DOMAIN, "evil.example");
	assert_true(g->r[0].subdomains);
	assert_string_equal(g->r[0].family, "emotet");
	assert_int_equal(g->r[0].severity, 4);
	assert_int_equal(g->r[0].confidence, 80);
	expect_row(g, 1, PS_IOC_IPV4, "192.0.2.5");
	assert_string_equal(g->r[1].family, "");
	assert_int_equal(g->r[1].confidence, 70);
	expect_row(g, 2, PS_IOC_IPV4, "192.0.2.6");
	assert_string_equal(g->r[2].tags, "port:443");
	assert_string_equal(g->r[2].family, "mirai");
	expect_row(g, 3, PS_IOC_IPV4, "192.0.2.6");
	assert_string_equal(g->r[3].tags, "port:8080");
	expect_row(g, 4, PS_IOC_CIDR4, "198.51.100.0");
	assert_int_equal(g->r[4].prefix, 24);
	assert_int_equal(g->r[4].severity, 2);
	assert_int_equal(g->r[4].confidence, 40);
	expect_row(g, 5, PS_IOC_URL, "http://192.0.2.7/");
	expect_row(g, 6, PS_IOC_URL, "http://limited.example/wp-includes/jre.zip");
	assert_int_equal(r->skipped, 2);
	assert_int_equal(r->n_skip_kinds, 2);
	assert_string_equal(r->skip_kinds[0].reason, "URL path without a host");
	assert_string_equal(r->skip_kinds[1].reason, "regular expression, not a value");
	assert_int_equal(r->bad, 3);
	expect_bad(r, 0, 11, "expected 4 tab-separated fields, found 2");
	expect_bad(r, 1, 12, "unknown indicator type 'hostname'");
	expect_bad(r, 2, 13, "'213.165.60.118:22:443' is not a valid domain name");
	assert_int_equal(r->lines, 13);
}

static void test_maltrail(void **state)
{
	struct ps_intel_import_opts o;
	struct ps_intel_report r;
	struct ps_diag d;
	struct got g;

	(void)state;
	ps_intel_import_opts_init(&o);
	OK(parse_fixture(&o, "maltrail.tsv", &g, &r, &d));
	check_maltrail(&g, &r);
	OK(parse_fixture(&o, "maltrail.tsv.gz", &g, &r, &d));
	check_maltrail(&g, &r);
	/* severity given: Maltrail's categories do not override it */
	o.severity = 1;
	OK(parse_fixture(&o, "maltrail.tsv", &g, &r, &d));
	assert_int_equal(g.r[0].severity, 1);
	assert_int_equal(g.r[0].confidence, 80);
}

static void test_hostile_input(void **state)
{
	struct ps_intel_import_opts o;
	struct ps_intel_report r;
	struct ps_diag d;
	struct got g = {0};
	char path[1024], *gz, *big;
	size_t gzlen;
	const size_t n = 70000 + 64;

	(void)state;
	ps_intel_import_opts_init(&o);
	o.format = PS_INTEL_FMT_LIST;
	/* an over-long line is one bad line; the rest loads */
	big = ps_malloc(PS_MEM_TEST, n);
	assert_non_null(big);
	memset(big, 'a', 70000);
	memcpy(big + 70000, "\n192.0.2.1\nx\0y.example\n192.0.2.2", 32);
	OK(ps_intel_parse_mem(&o, "big", big, 70032, sink, &g, &r, &d));
	assert_int_equal(g.n, 2);
	assert_int_equal(r.bad, 2);
	expect_bad(&r, 0, 1, "line longer than 65536 bytes");
	expect_bad(&r, 1, 3, "line contains a NUL byte");
	ps_free(big);
	/* truncated gzip is an error after what could be read */
	fixture("maltrail.tsv.gz", path, sizeof(path));
	OK(ps_file_read(path, PS_MEM_TEST, 1 << 20, &gz, &gzlen, &d));
	o.format = PS_INTEL_FMT_MALTRAIL;
	g.n = 0;
	assert_int_equal(ps_intel_parse_mem(&o, "cut.tsv.gz", gz, gzlen - 12, sink, &g, &r, &d),
			 PS_EPROTO);
	assert_non_null(strstr(d.msg, "corrupt or truncated gzip data"));
	ps_free(gz);
	/* options out of range */
	o.severity = 9;
	assert_int_equal(ps_intel_parse_mem(&o, "x", "a", 1, sink, &g, &r, &d), PS_EINVAL);
	o.severity = 0;
	o.format = PS_INTEL_FMT_STIX; /* a document that is no bundle (test_stix.c) */
	assert_int_equal(ps_intel_parse_mem(&o, "x.json", "{}", 2, sink, &g, &r, &d),
			 PS_EINVAL);
	assert_non_null(strstr(d.msg, "x.json: not a STIX bundle"));
	/* empty input */
	o.format = PS_INTEL_FMT_CSV;
	OK(ps_intel_parse_mem(&o, "e.csv", "", 0, sink, &g, &r, &d));
	assert_int_equal(r.lines, 0);
}

struct prog {
	int calls;
	int64_t lines;
};

static void on_progress(void *arg, const struct ps_intel_progress *p)
{
	struct prog *c = arg;

	c->calls++;
	c->lines = p->lines;
	assert_true(p->bytes_done <= p->bytes_total);
}

/* Slow down at every 4,096th indicator so that progress is due at each look. */
static int slow_sink(void *arg, const struct ps_ioc *ioc)
{
	(void)ioc;
	if (++*(int *)arg % 4096 == 0)
		usleep(3000);
	return PS_OK;
}

static void test_progress(void **state)
{
	struct ps_intel_import_opts o;
	struct ps_intel_report r;
	struct ps_buf b = PS_BUF_INIT(PS_MEM_TEST, 1 << 20);
	struct prog pg = {0};
	struct ps_diag d;
	int rows = 0;

	(void)state;
	for (int i = 0; i < 20000; i++)
		OK(ps_buf_addf(&b, "10.0.%d.%d\n", i / 256, i % 256));
	ps_intel_import_opts_init(&o);
	o.format = PS_INTEL_FMT_LIST;
	o.progress = on_progress;
	o.progress_arg = &pg;
	o.progress_ms = 1;
	OK(ps_intel_parse_mem(&o, "many", ps_buf_cstr(&b), ps_buf_len(&b), slow_sink, &rows,
			      &r, &d));
	assert_int_equal(rows, 20000);
	assert_true(pg.calls >= 2);
	assert_int_equal(pg.lines, 20000); /* the closing line */
	ps_buf_release(&b);
}

static void test_format_names(void **state)
{
	enum ps_intel_format f;

	(void)state;
	assert_int_equal(ps_intel_format_guess("a/b.csv"), PS_INTEL_FMT_CSV);
	assert_int_equal(ps_intel_format_guess("a/maltrail-static.tsv.gz"), PS_INTEL_FMT_MALTRAIL);
	assert_int_equal(ps_intel_format_guess("bundle.json"), PS_INTEL_FMT_STIX);
	assert_int_equal(ps_intel_format_guess("ipsum.txt"), PS_INTEL_FMT_LIST);
	assert_int_equal(ps_intel_format_guess("/"), PS_INTEL_FMT_MISP);
	OK(ps_intel_format_parse("Maltrail", &f));
	assert_int_equal(f, PS_INTEL_FMT_MALTRAIL);
	assert_int_equal(ps_intel_format_parse("xml", &f), PS_EINVAL);
	assert_string_equal(ps_intel_format_name(PS_INTEL_FMT_CSV), "csv");
}

/* ---- whole-file imports into a store ------------------------------------------------ */

static char tmpdir[256];

static int tags_of(void *arg, const struct ps_ioc *ioc)
{
	snprintf(arg, 128, "%s", ioc->tags ? ioc->tags : "");
	return PS_OK;
}

static void test_import_file(void **state)
{
	struct ps_intel_import_opts o;
	struct ps_intel_report *r = ps_malloc(PS_MEM_TEST, sizeof(*r));
	struct ps_store *st;
	struct ps_diag d;
	static const char *const sfx[] = {"", "-wal", "-shm"};
	struct prog pg = {0};
	char db[512], path[1024], tags[128];
	int64_t n;

	(void)state;
	assert_non_null(r);
	snprintf(db, sizeof(db), "%s/import.db", tmpdir);
	OK(ps_store_open(db, NULL, &st, &d));
	OK(ps_store_migrate(st, NULL, NULL, &d));
	ps_intel_import_opts_init(&o);
	o.source = "fixture-list";
	o.progress = on_progress;
	o.progress_arg = &pg;
	fixture("list.txt", path, sizeof(path));
	OK(ps_intel_import_file(st, &o, path, r, &d));
	assert_int_equal(r->read, 19);
	assert_int_equal(r->imported, 18); /* 192.0.2.1 twice */
	assert_int_equal(r->updated, 1);
	assert_int_equal(r->bad, 4);
	assert_int_equal(pg.calls, 0); /* a short import says nothing */
	/* again: nothing new, everything updated */
	OK(ps_intel_import_file(st, &o, path, r, &d));
	assert_int_equal(r->imported, 0);
	assert_int_equal(r->updated, 19);
	OK(ps_intel_count(st, NULL, &n));
	assert_int_equal(n, 18);
	/* Maltrail ip:port rows of one address merge their ports */
	o.source = "fixture-maltrail";
	o.progress = NULL;
	fixture("maltrail.tsv.gz", path, sizeof(path));
	OK(ps_intel_import_file(st, &o, path, r, &d));
	assert_int_equal(r->read, 7);
	assert_int_equal(r->imported, 6);
	OK(ps_intel_show(st, PS_IOC_NONE, "192.0.2.6", tags_of, tags, NULL, &d));
	assert_string_equal(tags, "port:443,port:8080");
	/* a missing file is an error naming it */
	assert_int_equal(ps_intel_import_file(st, &o, "/nonexistent/x.txt", r, &d), PS_ENOENT);
	assert_string_equal(d.msg, "cannot open '/nonexistent/x.txt': No such file or directory");
	/* a directory is a MISP feed (test_misp.c): this one has no events */
	assert_int_equal(ps_intel_import_file(st, &o, tmpdir, r, &d), PS_EINVAL);
	assert_non_null(strstr(d.msg, "no manifest.json and no event files"));
	o.format = PS_INTEL_FMT_LIST;
	assert_int_equal(ps_intel_import_file(st, &o, tmpdir, r, &d), PS_EIO);
	assert_non_null(strstr(d.msg, "Is a directory"));
	/* no source name */
	o.source = NULL;
	assert_int_equal(ps_intel_import_file(st, &o, path, r, &d), PS_EINVAL);
	ps_store_close(st);
	ps_free(r);
	for (size_t i = 0; i < PS_ARRAY_LEN(sfx); i++) {
		snprintf(path, sizeof(path), "%s%s", db, sfx[i]);
		unlink(path);
	}
}

/* Stop the import once `after` lines have been read. */
struct stopper {
	atomic_bool stop;
	int64_t after;
};

static void stop_after(void *arg, const struct ps_intel_progress *p)
{
	struct stopper *s = arg;

	if (p->lines >= s->after)
		atomic_store(&s->stop, true);
}

static int source_counts(void *arg, const struct ps_intel_source *src)
{
	int64_t *v = arg;

	v[0] = src->last_read;
	v[1] = src->last_imported;
	v[2] = src->indicators;
	return PS_OK;
}

/* A stopped import keeps the batches it committed, rolls back the one in
 * progress, records what it did and says where it stopped. */
static void test_import_stop(void **state)
{
	struct ps_intel_import_opts o;
	struct ps_intel_report *r = ps_malloc(PS_MEM_TEST, sizeof(*r));
	struct stopper sp = {.after = 10000};
	struct ps_store *st;
	struct ps_diag d;
	char db[512], path[600];
	int64_t n, v[3];
	FILE *fp;

	(void)state;
	assert_non_null(r);
	atomic_init(&sp.stop, false);
	snprintf(db, sizeof(db), "%s/stop.db", tmpdir);
	snprintf(path, sizeof(path), "%s/many.txt", tmpdir);
	assert_non_null(fp = fopen(path, "w"));
	for (int i = 0; i < 20000; i++)
		fprintf(fp, "10.1.%d.%d\n", i / 256, i % 256);
	fclose(fp);
	OK(ps_store_open(db, NULL, &st, &d));
	OK(ps_store_migrate(st, NULL, NULL, &d));
	ps_intel_import_opts_init(&o);
	o.source = "stopped";
	o.format = PS_INTEL_FMT_LIST;
	o.tx_rows = 5000;
	o.progress = stop_after;
	o.progress_arg = &sp;
	o.progress_ms = 1;
	o.stop = &sp.stop;
	/* the flag is looked at every 4,096 lines: set at 12,288, stop there */
	assert_int_equal(ps_intel_import_file(st, &o, path, r, &d), PS_ECANCELED);
	assert_int_equal(r->read, 12288);
	assert_int_equal(r->imported, 10000); /* two batches of 5,000 committed */
	assert_non_null(strstr(d.msg, "many.txt: import stopped at line 12288"));
	OK(ps_intel_count(st, NULL, &n));
	assert_int_equal(n, 10000);
	OK(ps_intel_source_get(st, "stopped", source_counts, v));
	assert_int_equal(v[0], 12288);
	assert_int_equal(v[1], 10000);
	assert_int_equal(v[2], 10000);
	/* without a flag, or with it down, the same file runs to its end */
	o.stop = NULL;
	OK(ps_intel_import_file(st, &o, path, r, &d));
	assert_int_equal(r->read, 20000);
	OK(ps_intel_count(st, NULL, &n));
	assert_int_equal(n, 20000);
	ps_store_close(st);
	ps_free(r);
	unlink(path);
	snprintf(path, sizeof(path), "%s-wal", db);
	unlink(path);
	snprintf(path, sizeof(path), "%s-shm", db);
	unlink(path);
	unlink(db);
}

static int group_setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/panshi-import-XXXXXX");
	return mkdtemp(tmpdir) != NULL ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	return rmdir(tmpdir) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_list_options),
		cmocka_unit_test(test_csv_ja3),
		cmocka_unit_test(test_csv_host_path),
		cmocka_unit_test(test_csv_mapped),
		cmocka_unit_test(test_csv_export_columns),
		cmocka_unit_test(test_csv_map_errors),
		cmocka_unit_test(test_maltrail),
		cmocka_unit_test(test_hostile_input),
		cmocka_unit_test(test_progress),
		cmocka_unit_test(test_format_names),
		cmocka_unit_test(test_import_file),
		cmocka_unit_test(test_import_stop),
	};

	ps_i18n_set_lang(PS_LANG_EN);
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
