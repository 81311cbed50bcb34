/* SPDX-License-Identifier: Apache-2.0 */
/*
 * MISP: the feed folder tests/data/intel/misp (manifest, two events with
 * objects, tags, galaxies, to_ids false, distribution 0, a bad attribute,
 * a manifest entry that is no UUID and one whose file is missing)
 * imported into SQLite; one event document alone, also found through a
 * .json name; restSearch answers; a directory without a manifest; and the
 * attribute errors, each located as "<event file>:<attribute uuid>".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/core.h"
#include "intel/intel.h"
#include "store/store.h"

#define OK(x) assert_int_equal((x), PS_OK)
#define MAXROWS 32
#define EV1 "5f3c9a30-1b2c-4d5e-8f90-a1b2c3d4e5f6.json"
#define EV2 "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d.json"

struct row {
	enum ps_ioc_type type;
	char value[256], family[64], tags[256];
	unsigned prefix;
	enum ps_ioc_category category;
	int severity;
	enum ps_tlp tlp;
	bool shareable;
	int64_t first_seen, last_seen;
};

struct got {
	int n;
	struct row r[MAXROWS];
};

static int sink(void *arg, const struct ps_ioc *ioc)
{
	struct got *g = arg;
	struct row *w;

	assert_true(g->n < MAXROWS);
	w = &g->r[g->n++];
	w->type = ioc->type;
	snprintf(w->value, sizeof(w->value), "%s", ioc->value);
	snprintf(w->family, sizeof(w->family), "%s", ioc->family ? ioc->family : "");
	snprintf(w->tags, sizeof(w->tags), "%s", ioc->tags ? ioc->tags : "");
	w->prefix = ioc->prefix;
	w->category = ioc->category;
	w->severity = ioc->severity;
	w->tlp = ioc->tlp;
	w->shareable = ioc->shareable;
	w->first_seen = ioc->first_seen;
	w->last_seen = ioc->last_seen;
	return PS_OK;
}

static void feed_path(const char *name, char *out, size_t n)
{
	const char *src = getenv("PANSHI_SOURCE_DIR");

	snprintf(out, n, "%s/tests/data/intel/misp%s%s", src ? src : ".", name[0] ? "/" : "",
		 name);
}

static int64_t at(const char *iso)
{
	int64_t us = 0;

	OK(ps_time_parse_iso8601(iso, strlen(iso), PS_TZ_UTC, &us));
	return us;
}

static const struct row *find(const struct got *g, enum ps_ioc_type t, const char *v)
{
	for (int i = 0; i < g->n; i++)
		if (g->r[i].type == t && strcmp(g->r[i].value, v) == 0)
			return &g->r[i];
	fail_msg("no %s '%s'", ps_ioc_type_name(t), v);
	return NULL;
}

static void expect_bad(const struct ps_intel_report *r, size_t i, const char *where,
		       const char *part)
{
	assert_true(i < r->n_shown);
	if (strcmp(r->shown[i].where, where) != 0 || strstr(r->shown[i].msg, part) == NULL)
		fail_msg("bad %zu: '%s' '%s', want '%s' '%s'", i, r->shown[i].where,
			 r->shown[i].msg, where, part);
}

static int64_t skipped(const struct ps_intel_report *r, const char *part)
{
	for (size_t i = 0; i < r->n_skip_kinds; i++)
		if (strstr(r->skip_kinds[i].reason, part) != NULL)
			return r->skip_kinds[i].count;
	return -1;
}

/* ---- the feed folder into a store ------------------------------------------------------ */

struct fx {
	char dir[256], db[300];
	struct ps_store *st;
};

static int setup(void **state)
{
	struct fx *f = ps_calloc(PS_MEM_TEST, 1, sizeof(*f));
	struct ps_diag d;

	if (f == NULL)
		return -1;
	*state = f;
	snprintf(f->dir, sizeof(f->dir), "/tmp/panshi-misp-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->db, sizeof(f->db), "%s/t.db", f->dir);
	if (ps_store_open(f->db, NULL, &f->st, &d) != PS_OK ||
	    ps_store_migrate(f->st, NULL, NULL, &d) != PS_OK)
		return -1;
	ps_i18n_set_lang(PS_LANG_EN);
	return 0;
}

static int teardown(void **state)
{
	static const char *const sfx[] = {"", "-wal", "-shm"};
	struct fx *f = *state;
	char path[400];

	ps_store_close(f->st);
	for (size_t i = 0; i < PS_ARRAY_LEN(sfx); i++) {
		snprintf(path, sizeof(path), "%s%s", f->db, sfx[i]);
		unlink(path);
	}
	rmdir(f->dir);
	ps_free(f);
	return 0;
}

static int query_sink(void *arg, const struct ps_ioc *ioc)
{
	return sink(arg, ioc);
}

static void check_feed_rows(const struct got *g)
{
	const struct row *r;

	assert_int_equal(g->n, 12);
	/* event 1: tlp:green, threat level 1 (high), malpedia Emotet, type:OSINT */
	r = find(g, PS_IOC_IPV4, "198.51.100.20");
	assert_int_equal(r->severity, 4);
	assert_int_equal(r->tlp, PS_TLP_GREEN);
	assert_string_equal(r->family, "Emotet");
	assert_string_equal(r->tags, "type:OSINT");
	assert_true(r->shareable);
	assert_true(r->first_seen == at("2024-03-01"));      /* the event's date */
	assert_true(r->last_seen == INT64_C(1709290000) * 1000000); /* the attribute's timestamp */
	r = find(g, PS_IOC_IPV4, "198.51.100.21");            /* ip-dst|port */
	assert_string_equal(r->tags, "type:OSINT,port:8080");
	r = find(g, PS_IOC_DOMAIN, "evil-c2.example");       /* attribute TLP wins */
	assert_int_equal(r->tlp, PS_TLP_AMBER);
	assert_string_equal(r->tags, "type:OSINT,kill-chain:Command and Control");
	r = find(g, PS_IOC_URL, "http://evil-c2.example/gate.php");
	assert_true(r->first_seen == at("2024-02-28T10:00:00Z"));
	assert_true(r->last_seen == at("2024-03-01T12:00:00Z"));
	r = find(g, PS_IOC_DOMAIN, "mail.evil-c2.example");  /* hostname|port */
	assert_string_equal(r->tags, "type:OSINT,port:25");
	/* objects: filename|sha256, sha1, domain|ip (both parts) */
	r = find(g, PS_IOC_SHA256, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
	assert_int_equal(r->category, PS_IOC_CAT_MALICIOUS_PROGRAM);
	find(g, PS_IOC_SHA1, "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3");
	find(g, PS_IOC_DOMAIN, "dl.evil-c2.example");
	find(g, PS_IOC_IPV4, "203.0.113.5");
	/* event 2: distribution 0 caps every attribute, even one that says 1 */
	r = find(g, PS_IOC_JA3, "e7d705a3286e19ea42f587b344ee6865");
	assert_false(r->shareable);
	assert_int_equal(r->tlp, PS_TLP_AMBER_STRICT);
	assert_int_equal(r->severity, 2);
	assert_string_equal(r->family, "PlugX"); /* mitre-malware galaxy, ATT&CK id dropped */
	assert_string_equal(r->tags, "misp-galaxy:threat-actor=\"APT-X\"");
	r = find(g, PS_IOC_IPV6, "2001:db8::66");
	assert_false(r->shareable);
	r = find(g, PS_IOC_CIDR4, "192.0.2.0");
	assert_int_equal(r->prefix, 24);
}

static void test_feed(void **state)
{
	struct fx *f = *state;
	struct ps_intel_import_opts o;
	struct ps_intel_report r;
	struct ps_intel_filter flt = {.source = "feed"};
	struct ps_diag d;
	struct got *g = ps_calloc(PS_MEM_TEST, 1, sizeof(*g));
	char dir[1024];

	feed_path("", dir, sizeof(dir));
	ps_intel_import_opts_init(&o);
	o.source = "feed";
	/* a directory means MISP: no --format needed */
	assert_int_equal(ps_intel_format_guess(dir), PS_INTEL_FMT_MISP);
	if (ps_intel_import_file(f->st, &o, dir, &r, &d) != PS_OK)
		fail_msg("%s", d.msg);
	assert_int_equal(r.read, 12);
	assert_int_equal(r.imported, 12);
	assert_int_equal(r.bad, 3);
	assert_int_equal(r.skipped, 4);
	assert_int_equal(r.lines, 16); /* attributes, of events and objects */
	expect_bad(&r, 0, EV1 ":a0000001-0000-4000-8000-000000000007",
		   "'not-a-hash' is not a valid MD5 hash");
	expect_bad(&r, 1, "manifest.json", "manifest entry '../../../etc/passwd' is not a UUID");
	expect_bad(&r, 2, "0b0b0b0b-0000-4000-8000-00000000dead.json", "cannot read the event");
	assert_int_equal(skipped(&r, "not an indicator type"), 2); /* comment, filename */
	assert_int_equal(skipped(&r, "to_ids false"), 1);
	assert_int_equal(skipped(&r, "deleted"), 1);
	OK(ps_intel_query(f->st, &flt, query_sink, g));
	check_feed_rows(g);
	ps_free(g);
}

/* ---- one event document ------------------------------------------------------------------ */

static int parse_event(enum ps_intel_format fmt, const char *name, const char *text,
		       struct got *g, struct ps_intel_report *r, struct ps_diag *d)
{
	struct ps_intel_import_opts o;

	ps_intel_import_opts_init(&o);
	o.format = fmt;
	o.now_us = 1;
	memset(g, 0, sizeof(*g));
	return ps_intel_parse_mem(&o, name, text, strlen(text), sink, g, r, d);
}

static void test_event_file(void **state)
{
	struct ps_intel_report r;
	struct ps_diag d;
	struct got *g = ps_calloc(PS_MEM_TEST, 1, sizeof(*g));
	char path[1024], *data;
	size_t len;

	(void)state;
	ps_i18n_set_lang(PS_LANG_EN);
	feed_path(EV2, path, sizeof(path));
	OK(ps_file_read(path, PS_MEM_TEST, 1 << 20, &data, &len, &d));
	OK(parse_event(PS_INTEL_FMT_MISP, path, data, g, &r, &d));
	assert_int_equal(g->n, 3);
	assert_int_equal(r.skipped, 1);
	/* a .json file that is a MISP event: the STIX reader hands it over */
	OK(parse_event(PS_INTEL_FMT_AUTO, path, data, g, &r, &d));
	assert_int_equal(g->n, 3);
	assert_string_equal(g->r[0].value, "e7d705a3286e19ea42f587b344ee6865");
	ps_free(data);
	ps_free(g);
}

static void test_event_errors(void **state)
{
	struct ps_intel_report r;
	struct ps_diag d;
	struct got *g = ps_calloc(PS_MEM_TEST, 1, sizeof(*g));

	(void)state;
	ps_i18n_set_lang(PS_LANG_EN);
	/* restSearch answers: {"response": [{"Event": ...}, ...]} */
	OK(parse_event(PS_INTEL_FMT_MISP, "r.json",
		       "{\"response\": [{\"Event\": {\"Attribute\": [{\"type\": \"domain\", "
		       "\"value\": \"a.example\"}]}}, {\"Event\": {\"threat_level_id\": 2, "
		       "\"Attribute\": [{\"type\": \"sha256\", \"to_ids\": 0, \"value\": \"x\"}, "
		       "{\"type\": \"ip-dst\", \"to_ids\": \"1\", \"value\": \"192.0.2.1\"}]}}]}",
		       g, &r, &d));
	assert_int_equal(g->n, 2);
	assert_int_equal(g->r[1].severity, 3);
	assert_int_equal(r.skipped, 1);
	assert_int_equal(parse_event(PS_INTEL_FMT_MISP, "x.json", "{\"type\": \"bundle\"}", g,
				     &r, &d), PS_EINVAL);
	assert_non_null(strstr(d.msg, "x.json: not a MISP event"));
	assert_int_equal(parse_event(PS_INTEL_FMT_MISP, "x.json", "{\"Event\": ", g, &r, &d),
			 PS_EINVAL);
	assert_non_null(strstr(d.msg, "x.json: not valid JSON"));
	/* bad attributes, each with its location */
	OK(parse_event(PS_INTEL_FMT_MISP, "dir/e.json",
		       "{\"Event\": {\"Attribute\": ["
		       "{\"uuid\": \"u1\", \"type\": \"domain\"},"
		       "{\"uuid\": \"u2\", \"type\": \"filename|md5\", \"value\": \"a.exe\"},"
		       "{\"uuid\": \"u3\", \"type\": \"hostname|port\", \"value\": \"a.example|99999\"},"
		       "{\"type\": \"ip-src|port\", \"value\": \"2001:db8::1|443\"},"
		       "{\"type\": \"ip-src|port\", \"value\": \"2001:db8::1|x\"}"
		       "]}}", g, &r, &d));
	assert_int_equal(r.bad, 4);
	expect_bad(&r, 0, "e.json:u1", "missing or bad value");
	expect_bad(&r, 1, "e.json:u2", "bad value 'a.exe'");
	expect_bad(&r, 2, "e.json:u3", "bad port '99999'");
	expect_bad(&r, 3, "e.json:attribute 5", "is not a valid");
	assert_int_equal(g->n, 1);
	assert_string_equal(g->r[0].value, "2001:db8::1");
	assert_string_equal(g->r[0].tags, "port:443");
	ps_free(g);
}

/* A folder of event files without a manifest; an empty folder. */
static void test_no_manifest(void **state)
{
	struct fx *f = *state;
	struct ps_intel_import_opts o;
	struct ps_intel_report r;
	struct ps_diag d;
	char sub[400], file[500];
	FILE *fp;

	snprintf(sub, sizeof(sub), "%s/feed", f->dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	ps_intel_import_opts_init(&o);
	o.source = "loose";
	o.format = PS_INTEL_FMT_MISP;
	assert_int_equal(ps_intel_import_file(f->st, &o, sub, &r, &d), PS_EINVAL);
	assert_non_null(strstr(d.msg, "no manifest.json and no event files"));
	snprintf(file, sizeof(file), "%s/b.json", sub);
	fp = fopen(file, "w");
	assert_non_null(fp);
	fputs("{\"Event\": {\"Attribute\": [{\"type\": \"url\", \"value\": "
	      "\"http://b.example/x\"}]}}", fp);
	fclose(fp);
	snprintf(file, sizeof(file), "%s/a.json", sub);
	fp = fopen(file, "w");
	assert_non_null(fp);
	fputs("not json", fp);
	fclose(fp);
	OK(ps_intel_import_file(f->st, &o, sub, &r, &d));
	assert_int_equal(r.imported, 1);
	assert_int_equal(r.bad, 1);
	expect_bad(&r, 0, "a.json", "cannot read the event: a.json: not valid JSON");
	unlink(file);
	snprintf(file, sizeof(file), "%s/b.json", sub);
	unlink(file);
	rmdir(sub);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_feed, setup, teardown),
		cmocka_unit_test(test_event_file),
		cmocka_unit_test(test_event_errors),
		cmocka_unit_test_setup_teardown(test_no_manifest, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
