/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The exporters: the export rule (TLP:RED and indicators not shareable
 * never leave, whatever the maximum; the rest up to --tlp-max) with its
 * counts by reason, the exact CSV text and its re-import by the CSV
 * importer, the structure of the GB/T 36643 document, and `panshi intel
 * import --format stix|misp` and `panshi intel export` run in-process.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "cli/cli.h"
#include "core/core.h"
#include "intel/intel.h"
#include "store/store.h"

#define OK(x) assert_int_equal((x), PS_OK)
#define T0 (INT64_C(1790000000) * 1000000) /* 2026-09-21T14:13:20Z */

struct fx {
	char dir[256], db[300];
	struct ps_store *st;
	int64_t src;
};

static int setup(void **state)
{
	struct fx *f = ps_calloc(PS_MEM_TEST, 1, sizeof(*f));
	struct ps_intel_source s = {.name = "feed", .format = "list", .confidence = -1,
				    .tlp = -1, .shareable = -1};
	struct ps_diag d;

	if (f == NULL)
		return -1;
	*state = f;
	snprintf(f->dir, sizeof(f->dir), "/tmp/panshi-export-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->db, sizeof(f->db), "%s/t.db", f->dir);
	if (ps_store_open(f->db, NULL, &f->st, &d) != PS_OK ||
	    ps_store_migrate(f->st, NULL, NULL, &d) != PS_OK ||
	    ps_intel_source_put(f->st, &s, &f->src) != PS_OK)
		return -1;
	ps_i18n_set_lang(PS_LANG_EN);
	return 0;
}

static int teardown(void **state)
{
	static const char *const sfx[] = {"", "-wal", "-shm"};
	struct fx *f = *state;
	char path[400];

	if (f->st != NULL)
		ps_store_close(f->st);
	for (size_t i = 0; i < PS_ARRAY_LEN(sfx); i++) {
		snprintf(path, sizeof(path), "%s%s", f->db, sfx[i]);
		unlink(path);
	}
	rmdir(f->dir);
	ps_free(f);
	return 0;
}

/* Store one indicator (value already canonical). */
static void put(struct fx *f, struct ps_ioc ioc)
{
	bool inserted = false;

	ioc.source_id = f->src;
	if (ioc.severity == 0)
		ioc.severity = 3;
	if (ioc.category == PS_IOC_CAT_NONE)
		ioc.category = ps_ioc_category_default(ioc.type);
	if (ioc.first_seen == 0)
		ioc.first_seen = ioc.last_seen = T0;
	OK(ps_intel_ioc_put(f->st, &ioc, &inserted));
	assert_true(inserted);
}

/* Export with o into a new NUL-terminated buffer. */
static char *export(struct fx *f, const struct ps_intel_export_opts *o,
		    struct ps_intel_export_report *r)
{
	struct ps_diag d;
	FILE *tmp = tmpfile();
	char *buf;
	long n;

	assert_non_null(tmp);
	if (ps_intel_export(f->st, o, tmp, r, &d) != PS_OK)
		fail_msg("export: %s", d.msg);
	n = ftell(tmp);
	rewind(tmp);
	buf = ps_malloc(PS_MEM_TEST, (size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, tmp), (size_t)n);
	buf[n] = '\0';
	fclose(tmp);
	return buf;
}

static void test_rule(void **state)
{
	struct ps_ioc ioc = {.shareable = true};

	(void)state;
	for (int max = 0; max < PS_TLP__COUNT; max++)
		for (int t = 0; t < PS_TLP__COUNT; t++) {
			enum ps_intel_withhold want = t == PS_TLP_RED ? PS_INTEL_WITHHOLD_RED
						    : t > max ? PS_INTEL_WITHHOLD_TLP
							      : PS_INTEL_EXPORT_OK;

			ioc.tlp = (enum ps_tlp)t;
			ioc.shareable = true;
			assert_int_equal(ps_intel_export_check(&ioc, (enum ps_tlp)max), want);
			ioc.shareable = false;
			assert_int_equal(ps_intel_export_check(&ioc, (enum ps_tlp)max),
					 PS_INTEL_WITHHOLD_UNSHAREABLE);
		}
	assert_string_equal(ps_intel_export_fmt_name(PS_INTEL_EXPORT_GBT36643), "gbt36643");
}

/* Every TLP, shareable and not: what leaves at each maximum, and the counts. */
static void test_filtering(void **state)
{
	static const char *const v4[PS_TLP__COUNT] = {
		"192.0.2.0", "192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4",
	};
	static const char *const v6[PS_TLP__COUNT] = {
		"2001:db8::", "2001:db8::1", "2001:db8::2", "2001:db8::3", "2001:db8::4",
	};
	struct fx *f = *state;
	struct ps_intel_export_report r;

	for (int t = 0; t < PS_TLP__COUNT; t++) {
		put(f, (struct ps_ioc){.type = PS_IOC_IPV4, .value = v4[t], .tlp = (enum ps_tlp)t,
				       .shareable = true});
		put(f, (struct ps_ioc){.type = PS_IOC_IPV6, .value = v6[t], .tlp = (enum ps_tlp)t,
				       .shareable = false});
	}
	for (int max = 0; max < PS_TLP__COUNT; max++)
		for (int fmt = 0; fmt < PS_INTEL_EXPORT__COUNT; fmt++) {
			struct ps_intel_export_opts o = {.format = (enum ps_intel_export_fmt)fmt};
			char *out;
			int leave = max < PS_TLP_RED ? max + 1 : PS_TLP_RED;

			o.filter.tlp_max = (enum ps_tlp)max; /* the API lets red be asked for */
			out = export(f, &o, &r);
			assert_int_equal(r.selected, 10);
			assert_int_equal(r.exported, leave);
			assert_int_equal(r.withheld_unshareable, 5);
			assert_int_equal(r.withheld_red, 1);
			assert_int_equal(r.withheld_tlp, 4 - leave);
			for (int t = 0; t < PS_TLP__COUNT; t++) {
				char quoted[64];

				/* "192.0.2.1" is a prefix of nothing else stored */
				snprintf(quoted, sizeof(quoted), "%s'", v4[t]);
				if (fmt == PS_INTEL_EXPORT_CSV)
					snprintf(quoted, sizeof(quoted), "%s,", v4[t]);
				if ((strstr(out, quoted) != NULL) != (t < leave))
					fail_msg("%s tlp %d max %d: %s", ps_intel_export_fmt_name(o.format),
						 t, max, out);
				assert_null(strstr(out, "2001:db8::"));
			}
			ps_free(out);
		}
	/* a filter narrows what is selected */
	{
		struct ps_intel_export_opts o = {.format = PS_INTEL_EXPORT_CSV};
		char *out;

		o.filter.tlp_max = PS_TLP_AMBER;
		o.filter.type = PS_IOC_IPV6;
		out = export(f, &o, &r);
		assert_int_equal(r.selected, 5);
		assert_int_equal(r.exported, 0);
		assert_int_equal(r.withheld_unshareable, 5);
		ps_free(out);
	}
}

static const char csv_want[] =
	"type,value,prefix,category,severity,confidence,family,tags,source,first_seen,last_seen,"
	"expires,tlp\r\n"
	"cidr4,198.51.100.0/24,24,security_hazard,5,90,\"Fam, \"\"quoted\"\"\",\"scan,port:22\","
	"feed,2026-09-21T14:13:20.000Z,2026-09-21T14:13:20.000123Z,2026-10-21T14:13:20.000Z,clear\r\n"
	"domain,*.evil.example,,malicious_domain,3,50,,,feed,2026-09-21T14:13:20.000Z,"
	"2026-09-21T14:13:20.000Z,,green\r\n"
	"url,http://evil.example/a?b=c,,malicious_url,2,0,灰鸽子,中文,feed,"
	"2026-09-21T14:13:20.000Z,2026-09-21T14:13:20.000Z,,amber\r\n";

static void put_csv_items(struct fx *f)
{
	put(f, (struct ps_ioc){.type = PS_IOC_CIDR4, .value = "198.51.100.0", .prefix = 24,
			       .category = PS_IOC_CAT_SECURITY_HAZARD, .severity = 5,
			       .confidence = 90, .family = "Fam, \"quoted\"",
			       .tags = "scan,port:22", .first_seen = T0, .last_seen = T0 + 123,
			       .expires = T0 + INT64_C(30) * 86400 * 1000000, .tlp = PS_TLP_CLEAR,
			       .shareable = true});
	put(f, (struct ps_ioc){.type = PS_IOC_DOMAIN, .value = "evil.example", .subdomains = true,
			       .confidence = 50, .tlp = PS_TLP_GREEN, .shareable = true});
	put(f, (struct ps_ioc){.type = PS_IOC_URL, .value = "http://evil.example/a?b=c",
			       .severity = 2, .family = "灰鸽子", .tags = "中文",
			       .tlp = PS_TLP_AMBER, .shareable = true});
	put(f, (struct ps_ioc){.type = PS_IOC_MD5, .value = "d41d8cd98f00b204e9800998ecf8427e",
			       .tlp = PS_TLP_RED, .shareable = true});
}

struct rows {
	int n;
	struct ps_ioc r[8];
	char value[8][64], family[8][64], tags[8][64];
};

static int keep(void *arg, const struct ps_ioc *ioc)
{
	struct rows *g = arg;
	int i = g->n++;

	assert_true(i < 8);
	g->r[i] = *ioc;
	snprintf(g->value[i], sizeof(g->value[i]), "%s", ioc->value);
	snprintf(g->family[i], sizeof(g->family[i]), "%s", ioc->family ? ioc->family : "");
	snprintf(g->tags[i], sizeof(g->tags[i]), "%s", ioc->tags ? ioc->tags : "");
	return PS_OK;
}

static void test_csv(void **state)
{
	struct fx *f = *state;
	struct ps_intel_export_opts o = {.format = PS_INTEL_EXPORT_CSV};
	struct ps_intel_export_report r;
	struct ps_intel_import_opts io;
	struct ps_intel_report ir;
	struct rows orig = {0}, back = {0};
	struct ps_diag d;
	char *out;

	put_csv_items(f);
	o.filter.tlp_max = PS_TLP_AMBER_STRICT;
	out = export(f, &o, &r);
	assert_string_equal(out, csv_want);
	assert_int_equal(r.exported, 3);
	assert_int_equal(r.withheld_red, 1);
	assert_int_equal(r.n_notes, 0);
	/* the CSV importer maps the header by name and reads it back */
	OK(ps_intel_query(f->st, NULL, keep, &orig));
	ps_intel_import_opts_init(&io);
	io.now_us = T0;
	OK(ps_intel_parse_mem(&io, "export.csv", out, strlen(out), keep, &back, &ir, &d));
	assert_int_equal(ir.bad, 0);
	assert_int_equal(back.n, 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(back.r[i].type, orig.r[i].type);
		assert_string_equal(back.value[i], orig.value[i]);
		assert_int_equal(back.r[i].prefix, orig.r[i].prefix);
		assert_int_equal(back.r[i].subdomains, orig.r[i].subdomains);
		assert_int_equal(back.r[i].category, orig.r[i].category);
		assert_int_equal(back.r[i].severity, orig.r[i].severity);
		assert_int_equal(back.r[i].confidence, orig.r[i].confidence);
		assert_string_equal(back.family[i], orig.family[i]);
		assert_string_equal(back.tags[i], orig.tags[i]);
		assert_int_equal(back.r[i].tlp, orig.r[i].tlp);
		assert_true(back.r[i].first_seen == orig.r[i].first_seen);
		assert_true(back.r[i].last_seen == orig.r[i].last_seen);
	}
	ps_free(out);
}

static json_t *member(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL)
		fail_msg("no '%s'", key);
	return v;
}

static void test_gbt(void **state)
{
	struct fx *f = *state;
	struct ps_intel_export_opts o = {.format = PS_INTEL_EXPORT_GBT36643, .producer = "某运营商"};
	struct ps_intel_export_report r;
	json_error_t je;
	json_t *doc, *inds, *ind, *obs, *methods;
	char *out;

	put_csv_items(f);
	o.filter.tlp_max = PS_TLP_GREEN;
	out = export(f, &o, &r);
	doc = json_loads(out, JSON_REJECT_DUPLICATES, &je);
	if (doc == NULL)
		fail_msg("%s: %s", je.text, out);
	assert_string_equal(json_string_value(member(doc, "standard")), "GB/T 36643-2018");
	assert_non_null(strstr(json_string_value(member(doc, "mapping")), "unofficial"));
	assert_string_equal(json_string_value(member(member(doc, "producer"), "name")), "某运营商");
	inds = member(doc, "indicators");
	assert_int_equal(json_array_size(inds), 2);
	ind = json_array_get(inds, 0);
	assert_string_equal(json_string_value(member(ind, "component")), "攻击指标");
	assert_string_equal(json_string_value(member(ind, "category")), "security_hazard");
	assert_string_equal(json_string_value(member(ind, "category_name")), "安全隐患");
	assert_string_equal(json_string_value(member(ind, "tlp")), "clear");
	assert_int_equal(json_integer_value(member(ind, "severity")), 5);
	assert_string_equal(json_string_value(member(ind, "valid_until")),
			    "2026-10-21T14:13:20.000Z");
	assert_string_equal(json_string_value(member(ind, "pattern")),
			    "[ipv4-addr:value ISSUBSET '198.51.100.0/24']");
	assert_int_equal(json_array_size(member(ind, "labels")), 2);
	obs = json_array_get(member(ind, "observables"), 0);
	assert_string_equal(json_string_value(member(obs, "component")), "可观测数据");
	assert_string_equal(json_string_value(member(obs, "type")), "ipv4-addr");
	assert_string_equal(json_string_value(member(obs, "value")), "198.51.100.0/24");
	/* the family is an attack method (攻击方法) the indicator refers to */
	methods = member(doc, "attack_methods");
	assert_int_equal(json_array_size(methods), 1);
	assert_string_equal(json_string_value(member(json_array_get(methods, 0), "component")),
			    "攻击方法");
	assert_string_equal(json_string_value(member(json_array_get(methods, 0), "name")),
			    "Fam, \"quoted\"");
	assert_string_equal(json_string_value(json_array_get(member(ind, "attack_method_refs"), 0)),
			    json_string_value(member(json_array_get(methods, 0), "id")));
	ind = json_array_get(inds, 1);
	obs = json_array_get(member(ind, "observables"), 0);
	assert_string_equal(json_string_value(member(obs, "type")), "domain-name");
	assert_true(json_is_true(member(obs, "subdomains")));
	assert_int_equal(json_array_size(member(ind, "attack_method_refs")), 0);
	json_decref(doc);
	ps_free(out);
}

/* ---- the CLI ----------------------------------------------------------------------------- */

static char cli_out[1 << 17], cli_err[1 << 16];

static void slurp(FILE *fp, char *buf, size_t n)
{
	size_t got;

	rewind(fp);
	got = fread(buf, 1, n - 1, fp);
	buf[got] = '\0';
	fclose(fp);
}

static int run(const char *db, const char *first, ...)
{
	char *argv[32];
	int argc = 0, rc;
	FILE *o = tmpfile(), *e = tmpfile();
	va_list ap;

	assert_non_null(o);
	assert_non_null(e);
	argv[argc++] = (char *)"panshi";
	argv[argc++] = (char *)"--db";
	argv[argc++] = (char *)db;
	va_start(ap, first);
	for (const char *a = first; a != NULL && argc < 31; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	rc = ps_cli_run(argc, argv, o, e);
	slurp(o, cli_out, sizeof(cli_out));
	slurp(e, cli_err, sizeof(cli_err));
	return rc;
}

static void test_cli(void **state)
{
	struct fx *f = *state;
	const char *src = getenv("PANSHI_SOURCE_DIR");
	char policy[600], bundle[600], feed[600], out[400];
	FILE *fp;

	ps_store_close(f->st);
	f->st = NULL;
	snprintf(policy, sizeof(policy), "%s/policy", src ? src : ".");
	snprintf(bundle, sizeof(bundle), "%s/tests/data/intel/stix/bundle.json", src ? src : ".");
	snprintf(feed, sizeof(feed), "%s/tests/data/intel/misp/", src ? src : ".");
	unsetenv("PANSHI_DB");
	unsetenv("PANSHI_CONFIG");
	setenv("PANSHI_LANG", "en", 1);
	assert_int_equal(run(f->db, "--policy-dir", policy, "init", NULL), 0);
	/* import: a bundle by its name, a feed folder by --format */
	assert_int_equal(run(f->db, "intel", "import", bundle, NULL), 0);
	assert_non_null(strstr(cli_out, "bundle.json: read 9, imported 9, updated 0, bad 5, "
					"skipped 4"));
	assert_non_null(strstr(cli_err, "bundle.json: indicator--a1a1a1a1-0000-4000-8000-"
					"000000000005: unsupported STIX pattern: 'AND'"));
	assert_int_equal(run(f->db, "intel", "import", "--format", "misp", feed, NULL), 0);
	assert_non_null(strstr(cli_out, "misp/: read 12, imported 12, updated 0, bad 3, "
					"skipped 4"));
	assert_non_null(strstr(cli_err, "misp/: 5f3c9a30-1b2c-4d5e-8f90-a1b2c3d4e5f6.json:"
					"a0000001-0000-4000-8000-000000000007: 'not-a-hash'"));
	assert_int_equal(run(f->db, "intel", "list", "--source", "misp", "--limit", "1", NULL), 0);
	/* export: the document on stdout, the report on stderr */
	assert_int_equal(run(f->db, "intel", "export", "--format", "csv", "--source", "bundle",
			     NULL), 0);
	assert_int_equal(strncmp(cli_out, "type,value,prefix,", 18), 0);
	assert_non_null(strstr(cli_out, "domain,mixed.example,"));
	assert_null(strstr(cli_out, "198.51.100.7")); /* amber */
	assert_null(strstr(cli_out, "203.0.113.0"));  /* not shareable */
	assert_non_null(strstr(cli_err, "csv: exported 4 of 9 selected; withheld 5 (not shareable "
					"1, TLP:RED 0, above TLP:green 4)"));
	snprintf(out, sizeof(out), "%s/out.json", f->dir);
	assert_int_equal(run(f->db, "intel", "export", "--tlp-max", "amber+strict", "--out", out,
			     "--producer", "Example ISP", NULL), 0);
	assert_string_equal(cli_out, "");
	assert_non_null(strstr(cli_err, "out.json: exported 17 of 21 selected; withheld 4 (not "
					"shareable 4, TLP:RED 0, above TLP:amber+strict 0); not "
					"representable 0"));
	fp = fopen(out, "r");
	assert_non_null(fp);
	slurp(fp, cli_out, sizeof(cli_out));
	assert_non_null(strstr(cli_out, "\"name\":\"Example ISP\""));
	assert_int_equal(unlink(out), 0);
	/* what STIX cannot say is counted, and said */
	snprintf(out, sizeof(out), "%s/ja3.txt", f->dir);
	fp = fopen(out, "w");
	assert_non_null(fp);
	fputs("e7d705a3286e19ea42f587b344ee6865\n", fp);
	fclose(fp);
	assert_int_equal(run(f->db, "intel", "import", "--type", "ja3", out, NULL), 0);
	assert_int_equal(unlink(out), 0);
	assert_int_equal(run(f->db, "intel", "export", "--type", "ja3", NULL), 0);
	assert_non_null(strstr(cli_out, "[x-panshi-tls-fingerprint:ja3 = "
					"'e7d705a3286e19ea42f587b344ee6865']"));
	assert_non_null(strstr(cli_err, "stix: exported 1 of 2 selected; withheld 1 (not "
					"shareable 1, TLP:RED 0, above TLP:green 0); not "
					"representable 1 (dropped 0)"));
	assert_non_null(strstr(cli_err, "stix: 1 exported in a non-standard form: JA3/JA4 has no "
					"STIX 2.1 cyber-observable"));
	/* refused options */
	assert_int_equal(run(f->db, "intel", "export", "--tlp-max", "red", NULL), 2);
	assert_non_null(strstr(cli_err, "TLP:RED indicators are never exported"));
	assert_int_equal(run(f->db, "intel", "export", "--format", "xml", NULL), 2);
	assert_non_null(strstr(cli_err, "--format: invalid value 'xml'"));
	assert_int_equal(run(f->db, "intel", "export", "--out", NULL), 2);
	assert_non_null(strstr(cli_err, "usage: panshi intel export"));
	assert_int_equal(run(f->db, "intel", "export", "--out", "/nonexistent/x.json", NULL), 1);
	assert_non_null(strstr(cli_err, "cannot write '/nonexistent/x.json'"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule),
		cmocka_unit_test_setup_teardown(test_filtering, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gbt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cli, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
