/* SPDX-License-Identifier: Apache-2.0 */
/*
 * STIX 2.1: the pattern parser (the subset read, what is dropped, what is
 * refused and where), the import of the hand-written bundle in
 * tests/data/intel/stix/bundle.json, and the round trip: indicators of
 * every type stored in SQLite, exported as a bundle and imported again
 * come back with the same fields; the export is byte-for-byte stable and
 * its ids are the UUIDv5 Python's uuid.uuid5 computes.
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

#include "core/core.h"
#include "intel/intel.h"
#include "intel/intel_int.h"
#include "store/store.h"

#define OK(x) assert_int_equal((x), PS_OK)
#define T0 (INT64_C(1790000000) * 1000000) /* 2026-09-21 */
#define HOUR (INT64_C(3600) * 1000000)
#define MAXROWS 48

/* ---- the pattern parser -------------------------------------------------------------- */

struct want {
	enum ps_ioc_type type;
	const char *value;
	bool subdomains;
};

static void expect_pattern(const char *pat, size_t dropped, const struct want *w, size_t n)
{
	struct ps_stix_pattern sp;
	int rc;

	ps_stix_pattern_init(&sp);
	rc = ps_stix_pattern_parse(&sp, pat, strlen(pat));
	if (rc != PS_OK)
		fail_msg("'%s': %s", pat, ps_strerror(rc));
	if (ps_vec_len(&sp.cmps) != n || sp.dropped != dropped)
		fail_msg("'%s': %zu kept, %zu dropped; want %zu, %zu", pat, ps_vec_len(&sp.cmps),
			 sp.dropped, n, dropped);
	for (size_t i = 0; i < n; i++) {
		const struct ps_stix_cmp *c = PS_VEC_AT(&sp.cmps, struct ps_stix_cmp, i);

		if (c->type != w[i].type || strcmp(ps_stix_pattern_value(&sp, i), w[i].value) != 0 ||
		    c->subdomains != w[i].subdomains || c->len != strlen(w[i].value))
			fail_msg("'%s' #%zu: %s '%s' %d", pat, i, ps_ioc_type_name(c->type),
				 ps_stix_pattern_value(&sp, i), c->subdomains);
	}
	ps_stix_pattern_release(&sp);
}

static void test_pattern_read(void **state)
{
	(void)state;
	expect_pattern("[ipv4-addr:value = '198.51.100.1']", 0,
		       (struct want[]){{PS_IOC_IPV4, "198.51.100.1", false}}, 1);
	/* keywords are case-insensitive; "==" is "="; white space anywhere */
	expect_pattern("  [ ipv4-addr : value  ==  '10.0.0.0/8' or ipv6-addr:value = "
		       "'2001:db8::/32' ]  Or  [ipv4-addr:value ISSUBSET '192.0.2.0/24']", 0,
		       (struct want[]){{PS_IOC_IPV4, "10.0.0.0/8", false},
				       {PS_IOC_IPV6, "2001:db8::/32", false},
				       {PS_IOC_IPV4, "192.0.2.0/24", false}}, 3);
	/* the escapes \' and \\ */
	expect_pattern("[url:value = 'http://x.example/it\\'s\\\\'] OR [domain-name:value = "
		       "'a.example']", 0,
		       (struct want[]){{PS_IOC_URL, "http://x.example/it's\\", false},
				       {PS_IOC_DOMAIN, "a.example", false}}, 2);
	/* hash keys quoted or not, any case, with or without '-' */
	expect_pattern("[file:hashes.MD5 = 'a'] OR [file:hashes.'SHA-1' = 'b'] OR "
		       "[file:hashes.SHA256 = 'c'] OR [file:hashes.'sha-256' = 'd'] OR "
		       "[file:hashes.'MD5' = 'e' OR file:hashes.SHA1 = 'f']", 0,
		       (struct want[]){{PS_IOC_MD5, "a", false}, {PS_IOC_SHA1, "b", false},
				       {PS_IOC_SHA256, "c", false}, {PS_IOC_SHA256, "d", false},
				       {PS_IOC_MD5, "e", false}, {PS_IOC_SHA1, "f", false}}, 6);
	/* parentheses around observations and inside them */
	expect_pattern("(([ipv4-addr:value = '1.1.1.1'] OR ([(domain-name:value = 'b.example' "
		       "OR (url:value = 'http://c.example/'))])))", 0,
		       (struct want[]){{PS_IOC_IPV4, "1.1.1.1", false},
				       {PS_IOC_DOMAIN, "b.example", false},
				       {PS_IOC_URL, "http://c.example/", false}}, 3);
	/* LIKE '%.name': the name and its subdomains; our JA3/JA4 object */
	expect_pattern("[domain-name:value LIKE '%.d.example' OR x-panshi-tls-fingerprint:ja3 = "
		       "'e7d705a3286e19ea42f587b344ee6865' OR x-panshi-tls-fingerprint:ja4 = "
		       "'t13d1516h2_8daaf6152771_e5627efa2ab1']", 0,
		       (struct want[]){{PS_IOC_DOMAIN, "d.example", true},
				       {PS_IOC_JA3, "e7d705a3286e19ea42f587b344ee6865", false},
				       {PS_IOC_JA4, "t13d1516h2_8daaf6152771_e5627efa2ab1", false}},
		       3);
	/* OR'd comparisons we do not read are dropped, the rest kept */
	expect_pattern("[email-addr:value = 'a@b.example' OR ipv4-addr:value = '1.2.3.4']", 1,
		       (struct want[]){{PS_IOC_IPV4, "1.2.3.4", false}}, 1);
	expect_pattern("[ipv4-addr:value != '1.2.3.4' OR ipv4-addr:value NOT = '5.6.7.8' OR "
		       "ipv4-addr:value = '9.9.9.9']", 2,
		       (struct want[]){{PS_IOC_IPV4, "9.9.9.9", false}}, 1);
	expect_pattern("[file:hashes.'SHA-512' = 'ab' OR EXISTS file:name OR domain-name:value "
		       "LIKE 'a%' OR domain-name:value LIKE '%.a_b.example' OR domain-name:value "
		       "IN ('a', 'b') OR ipv4-addr:value = 5 OR network-traffic:src_ref.value = "
		       "'1.2.3.4' OR file:hashes[*] = 'x' OR file:'hashes.MD5' = 'y' OR "
		       "domain-name:value MATCHES '^a' OR ipv4-addr:value ISSUPERSET '1.2.3.4']",
		       11, NULL, 0);
	expect_pattern("[file:created = t'2016-01-01T00:00:00Z' OR artifact:payload_bin = b'AAAA' "
		       "OR file:x = h'ff' OR file:size > 10.5 OR file:size <= -3 OR "
		       "file:is_encrypted = true]", 6, NULL, 0);
}

static void expect_refused(const char *pat, int want_rc, enum ps_msg_id why, size_t at,
			   const char *what)
{
	struct ps_stix_pattern sp;
	int rc;

	ps_stix_pattern_init(&sp);
	rc = ps_stix_pattern_parse(&sp, pat, strlen(pat));
	if (rc != want_rc || sp.why != why || (at != (size_t)-1 && sp.at != at) ||
	    (what != NULL && strcmp(sp.what, what) != 0))
		fail_msg("'%s': rc %d why %s at %zu what '%s'", pat, rc, ps_msg_name(sp.why),
			 sp.at, sp.what);
	assert_int_equal(ps_vec_len(&sp.cmps), 0);
	ps_stix_pattern_release(&sp);
}

static void test_pattern_refused(void **state)
{
	char msg[512];
	struct ps_stix_pattern sp;
	char *big;

	(void)state;
	expect_refused("", PS_EPROTO, PS_MSG_STIXP_E_EMPTY, 0, NULL);
	expect_refused("   ", PS_EPROTO, PS_MSG_STIXP_E_EMPTY, 3, NULL);
	expect_refused("ipv4-addr:value = '1.2.3.4'", PS_EPROTO, PS_MSG_STIXP_E_OBS, 0, NULL);
	expect_refused("[ipv4-addr:value = '1.2.3.4'", PS_EPROTO, PS_MSG_STIXP_E_NEXT, 28, NULL);
	expect_refused("[ipv4-addr:value = '1.2.3.4]", PS_EPROTO, PS_MSG_STIXP_E_STRING, 19, NULL);
	expect_refused("[url:value = 'a\\nb']", PS_EPROTO, PS_MSG_STIXP_E_ESCAPE, 15, NULL);
	expect_refused("[ipv4-addr = '1']", PS_EPROTO, PS_MSG_STIXP_E_PATH, 11, NULL);
	expect_refused("[4pv4-addr:value = '1']", PS_EPROTO, PS_MSG_STIXP_E_PATH, 1, NULL);
	expect_refused("[ipv4-addr:value '1']", PS_EPROTO, PS_MSG_STIXP_E_OP, 17, NULL);
	expect_refused("[ipv4-addr:value =]", PS_EPROTO, PS_MSG_STIXP_E_VALUE, 18, NULL);
	expect_refused("[ipv4-addr:value = '1.2.3.4'))", PS_EPROTO, PS_MSG_STIXP_E_PAREN, 28, NULL);
	expect_refused("(([ipv4-addr:value = '1.2.3.4'])", PS_EPROTO, PS_MSG_STIXP_E_PAREN, 32,
		       NULL);
	expect_refused("[(ipv4-addr:value = '1.2.3.4']", PS_EPROTO, PS_MSG_STIXP_E_PAREN, 29, NULL);
	expect_refused("[ipv4-addr:value = '1.2.3.4'] junk", PS_EPROTO, PS_MSG_STIXP_E_AFTER, 30,
		       NULL);
	expect_refused("[ipv4-addr:value = '1' OR]", PS_EPROTO, PS_MSG_STIXP_E_PATH, 25, NULL);
	/* an unquoted hash key cannot hold '-' (STIXPattern.g4) */
	expect_refused("[file:hashes.SHA-256 = 'x']", PS_EPROTO, PS_MSG_STIXP_E_OP, 16, NULL);
	expect_refused("[a:b IN ('x' 'y')]", PS_EPROTO, PS_MSG_STIXP_E_VALUE, 13, NULL);
	expect_refused("[a:b = 'x']]", PS_EPROTO, PS_MSG_STIXP_E_AFTER, 11, NULL);
	/* valid STIX, but importing part of it would match more than meant */
	expect_refused("[ipv4-addr:value = '1.2.3.4' AND network-traffic:dst_port = 443]",
		       PS_EUNSUP, PS_MSG_STIXP_U_KEYWORD, 29, "AND");
	expect_refused("[a:b = 'x'] and [c:d = 'y']", PS_EUNSUP, PS_MSG_STIXP_U_KEYWORD, 12, "AND");
	expect_refused("[a:b = 'x'] FOLLOWEDBY [c:d = 'y']", PS_EUNSUP, PS_MSG_STIXP_U_KEYWORD,
		       12, "FOLLOWEDBY");
	expect_refused("[a:b = 'x'] WITHIN 5 SECONDS", PS_EUNSUP, PS_MSG_STIXP_U_KEYWORD, 12,
		       "WITHIN");
	expect_refused("([a:b = 'x'] OR [c:d = 'y']) REPEATS 5 TIMES", PS_EUNSUP,
		       PS_MSG_STIXP_U_KEYWORD, 29, "REPEATS");
	expect_refused("[a:b = 'x'] START t'2016-01-01T00:00:00Z' STOP t'2017-01-01T00:00:00Z'",
		       PS_EUNSUP, PS_MSG_STIXP_U_KEYWORD, 12, "START");
	/* messages name the offset and the reason */
	setenv("PANSHI_LANG", "en", 1);
	ps_i18n_set_lang(PS_LANG_EN);
	ps_stix_pattern_init(&sp);
	assert_int_equal(ps_stix_pattern_parse(&sp, "[a:b = 'x'", 10), PS_EPROTO);
	ps_stix_pattern_why(&sp, PS_EPROTO, msg, sizeof(msg));
	assert_string_equal(msg, "bad STIX pattern at offset 10: expected OR, AND, ')' or ']'");
	assert_int_equal(ps_stix_pattern_parse(&sp, "[a:b = 'x' AND c:d = 'y']", 25), PS_EUNSUP);
	ps_stix_pattern_why(&sp, PS_EUNSUP, msg, sizeof(msg));
	assert_string_equal(msg, "unsupported STIX pattern: 'AND' (only comparisons joined by "
				 "OR are read)");
	OK(ps_stix_pattern_parse(&sp, "[email-addr:value = 'a' OR url:value = 'http://a/']", 51));
	ps_stix_pattern_why(&sp, PS_OK, msg, sizeof(msg));
	assert_non_null(strstr(msg, "1 unsupported comparisons of the STIX pattern dropped, "
				    "first: comparison 'email-addr:value ='"));
	/* too long */
	big = ps_malloc(PS_MEM_TEST, PS_STIX_PATTERN_MAX + 2);
	assert_non_null(big);
	memset(big, ' ', PS_STIX_PATTERN_MAX + 1);
	assert_int_equal(ps_stix_pattern_parse(&sp, big, PS_STIX_PATTERN_MAX + 1), PS_ELIMIT);
	ps_free(big);
	ps_stix_pattern_release(&sp);
}

/* ---- importing the fixture bundle ------------------------------------------------------ */

struct row {
	enum ps_ioc_type type;
	char value[PS_IOC_VALUE_MAX + 1];
	unsigned prefix;
	bool subdomains, shareable;
	enum ps_ioc_category category;
	int severity, confidence;
	enum ps_tlp tlp;
	char family[PS_INTEL_FAMILY_MAX + 1], tags[PS_INTEL_TAGS_MAX + 1];
	char source[PS_INTEL_SOURCE_NAME_MAX + 1];
	int64_t first_seen, last_seen, expires;
};

struct got {
	int n;
	struct row r[MAXROWS];
};

static void keep_row(struct row *w, const struct ps_ioc *ioc)
{
	w->type = ioc->type;
	snprintf(w->value, sizeof(w->value), "%s", ioc->value);
	snprintf(w->source, sizeof(w->source), "%s", ioc->source ? ioc->source : "");
	w->prefix = ioc->prefix;
	w->subdomains = ioc->subdomains;
	w->shareable = ioc->shareable;
	w->category = ioc->category;
	w->severity = ioc->severity;
	w->confidence = ioc->confidence;
	w->tlp = ioc->tlp;
	snprintf(w->family, sizeof(w->family), "%s", ioc->family ? ioc->family : "");
	snprintf(w->tags, sizeof(w->tags), "%s", ioc->tags ? ioc->tags : "");
	w->first_seen = ioc->first_seen;
	w->last_seen = ioc->last_seen;
	w->expires = ioc->expires;
}

static int sink(void *arg, const struct ps_ioc *ioc)
{
	struct got *g = arg;

	assert_true(g->n < MAXROWS);
	keep_row(&g->r[g->n++], ioc);
	return PS_OK;
}

static int64_t at(const char *iso)
{
	int64_t us = 0;

	OK(ps_time_parse_iso8601(iso, strlen(iso), PS_TZ_UTC, &us));
	return us;
}

static void expect_row(const struct got *g, int i, enum ps_ioc_type t, const char *v,
		       enum ps_ioc_category cat, enum ps_tlp tlp)
{
	assert_true(i < g->n);
	if (g->r[i].type != t || strcmp(g->r[i].value, v) != 0 || g->r[i].category != cat ||
	    g->r[i].tlp != tlp)
		fail_msg("row %d: %s '%s' %s %s", i, ps_ioc_type_name(g->r[i].type),
			 g->r[i].value, ps_ioc_category_name(g->r[i].category),
			 ps_tlp_name(g->r[i].tlp));
}

static void expect_bad(const struct ps_intel_report *r, size_t i, const char *where,
		       const char *part)
{
	assert_true(i < r->n_shown);
	if (strcmp(r->shown[i].where, where) != 0 || strstr(r->shown[i].msg, part) == NULL)
		fail_msg("bad %zu: '%s' '%s', want '%s' '%s'", i, r->shown[i].where,
			 r->shown[i].msg, where, part);
}

static char *fixture(const char *name, size_t *len)
{
	const char *src = getenv("PANSHI_SOURCE_DIR");
	char path[1024], *data = NULL;
	struct ps_diag d;

	snprintf(path, sizeof(path), "%s/tests/data/intel/%s", src ? src : ".", name);
	OK(ps_file_read(path, PS_MEM_TEST, 1 << 20, &data, len, &d));
	return data;
}

static int64_t skipped(const struct ps_intel_report *r, const char *part)
{
	for (size_t i = 0; i < r->n_skip_kinds; i++)
		if (strstr(r->skip_kinds[i].reason, part) != NULL)
			return r->skip_kinds[i].count;
	return -1;
}

static void test_bundle(void **state)
{
	struct ps_intel_import_opts o;
	struct ps_intel_report r;
	struct ps_diag d;
	struct got *g = ps_calloc(PS_MEM_TEST, 1, sizeof(*g));
	size_t len;
	char *data = fixture("stix/bundle.json", &len);

	(void)state;
	ps_i18n_set_lang(PS_LANG_EN);
	ps_intel_import_opts_init(&o);
	o.now_us = T0;
	OK(ps_intel_parse_mem(&o, "bundle.json", data, len, sink, g, &r, &d));
	assert_int_equal(g->n, 9);
	/* 1: two values, TLP 2.0 amber by its standard id, valid_until, labels */
	expect_row(g, 0, PS_IOC_IPV4, "198.51.100.7", PS_IOC_CAT_MALICIOUS_IP, PS_TLP_AMBER);
	assert_int_equal(g->r[0].confidence, 80);
	assert_string_equal(g->r[0].tags, "c2,botnet");
	assert_true(g->r[0].first_seen == at("2024-02-01T08:00:00Z"));
	assert_true(g->r[0].last_seen == at("2024-03-01T09:30:00Z"));
	assert_true(g->r[0].expires == at("2025-02-01T08:00:00Z"));
	expect_row(g, 1, PS_IOC_IPV6, "2001:db8::1", PS_IOC_CAT_MALICIOUS_IP, PS_TLP_AMBER);
	/* 2: compromised, TLP 1.0 green, family from the indicates relationship */
	expect_row(g, 2, PS_IOC_SHA256,
		   "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		   PS_IOC_CAT_SECURITY_INCIDENT, PS_TLP_GREEN);
	assert_string_equal(g->r[2].family, "Emotet");
	expect_row(g, 3, PS_IOC_MD5, "d41d8cd98f00b204e9800998ecf8427e",
		   PS_IOC_CAT_SECURITY_INCIDENT, PS_TLP_GREEN);
	assert_string_equal(g->r[3].family, "Emotet");
	/* 3: the "=" twin of LIKE '%.evil.example' folds into one; a marking in the bundle */
	expect_row(g, 4, PS_IOC_DOMAIN, "evil.example", PS_IOC_CAT_MALICIOUS_DOMAIN, PS_TLP_AMBER);
	assert_true(g->r[4].subdomains);
	expect_row(g, 5, PS_IOC_URL, "http://evil.example/it's?q=1", PS_IOC_CAT_MALICIOUS_URL,
		   PS_TLP_AMBER);
	/* 4: x_panshi_* properties */
	expect_row(g, 6, PS_IOC_CIDR4, "203.0.113.0", PS_IOC_CAT_SECURITY_HAZARD, PS_TLP_GREEN);
	assert_int_equal(g->r[6].prefix, 24);
	assert_int_equal(g->r[6].severity, 5);
	assert_string_equal(g->r[6].family, "Mirai");
	assert_false(g->r[6].shareable);
	assert_true(g->r[0].shareable);
	/* 7: the readable half of an OR */
	expect_row(g, 7, PS_IOC_DOMAIN, "mixed.example", PS_IOC_CAT_MALICIOUS_DOMAIN, PS_TLP_GREEN);
	/* 13: a STIX 2.0 indicator: labels of the vocabulary are types, others tags */
	expect_row(g, 8, PS_IOC_DOMAIN, "old.example", PS_IOC_CAT_OTHER, PS_TLP_GREEN);
	assert_string_equal(g->r[8].tags, "legacy");
	/* bad records are located by object id; skipped ones counted by kind */
	assert_int_equal(r.bad, 5);
	expect_bad(&r, 0, "indicator--a1a1a1a1-0000-4000-8000-000000000005",
		   "unsupported STIX pattern: 'AND'");
	expect_bad(&r, 1, "indicator--a1a1a1a1-0000-4000-8000-000000000006", "'REPEATS'");
	expect_bad(&r, 2, "indicator--a1a1a1a1-0000-4000-8000-000000000007",
		   "comparison 'email-addr:value ='");
	expect_bad(&r, 3, "indicator--a1a1a1a1-0000-4000-8000-000000000011",
		   "bad STIX pattern at offset 30");
	expect_bad(&r, 4, "indicator--a1a1a1a1-0000-4000-8000-000000000012",
		   "'300.1.1.1' is not a valid IPv4 address");
	assert_int_equal(r.shown[0].line, 9); /* the object's place in the bundle */
	assert_int_equal(r.skipped, 4);
	assert_int_equal(skipped(&r, "pattern_type"), 1);
	assert_int_equal(skipped(&r, "revoked"), 1);
	assert_int_equal(skipped(&r, "benign"), 1);
	assert_int_equal(skipped(&r, "STIX object not read"), 1);
	assert_int_equal(r.lines, 18);
	ps_free(data);
	ps_free(g);
}

static int parse_text(const char *text, struct got *g, struct ps_intel_report *r,
		      struct ps_diag *d)
{
	struct ps_intel_import_opts o;

	ps_intel_import_opts_init(&o);
	o.format = PS_INTEL_FMT_STIX;
	o.now_us = T0;
	memset(g, 0, sizeof(*g));
	return ps_intel_parse_mem(&o, "t.json", text, strlen(text), sink, g, r, d);
}

static void test_bundle_errors(void **state)
{
	struct ps_intel_report r;
	struct ps_diag d;
	struct got *g = ps_calloc(PS_MEM_TEST, 1, sizeof(*g));

	(void)state;
	ps_i18n_set_lang(PS_LANG_EN);
	assert_int_equal(parse_text("{\"type\": \"bundle\", \"objects\": [", g, &r, &d), PS_EINVAL);
	assert_non_null(strstr(d.msg, "t.json: not valid JSON (line 1, column 31)"));
	assert_int_equal(parse_text("{\"type\": \"report\"}", g, &r, &d), PS_EINVAL);
	assert_non_null(strstr(d.msg, "t.json: not a STIX bundle"));
	assert_int_equal(parse_text("[1, 2]", g, &r, &d), PS_EINVAL);
	/* one object on its own; bad properties name the property */
	OK(parse_text("{\"type\": \"indicator\", \"id\": \"indicator--1\", \"pattern\": "
		      "\"[ipv4-addr:value = '192.0.2.1']\", \"valid_from\": "
		      "\"2024-01-01T00:00:00Z\"}", g, &r, &d));
	assert_int_equal(g->n, 1);
	assert_true(g->r[0].first_seen == at("2024-01-01T00:00:00Z"));
	OK(parse_text("{\"type\": \"bundle\", \"objects\": ["
		      "{\"type\": \"indicator\", \"id\": \"indicator--2\", \"pattern\": \"[ipv4-addr:"
		      "value = '192.0.2.2']\", \"confidence\": 101},"
		      "{\"type\": \"indicator\", \"id\": \"indicator--3\", \"pattern\": 5},"
		      "{\"type\": \"indicator\", \"id\": \"indicator--4\", \"pattern\": \"[ipv4-addr:"
		      "value = '192.0.2.4']\", \"valid_from\": \"yesterday\"},"
		      "{\"type\": \"indicator\", \"pattern\": \"[ipv4-addr:value = '2001:db8::1']\"},"
		      "{\"type\": \"indicator\", \"id\": \"indicator--6\", \"pattern\": \"[ipv4-addr:"
		      "value = '192.0.2.6']\", \"x_panshi_severity\": 9},"
		      "{\"id\": \"indicator--7\"},"
		      "{\"type\": \"indicator\", \"id\": \"indicator--8\", \"pattern\": \"[ipv4-addr:"
		      "value = '192.0.2.8']\", \"labels\": [1]},"
		      "{\"type\": \"indicator\", \"id\": \"indicator--9\", \"pattern\": \"[ipv6-addr:"
		      "value = '192.0.2.9']\", \"object_marking_refs\": [\"marking-definition--"
		      "5e57c739-391a-4eb3-b6be-7d15ca92d5ed\"], \"x_panshi_shareable\": true}"
		      "]}", g, &r, &d));
	assert_int_equal(g->n, 0);
	assert_int_equal(r.bad, 8);
	expect_bad(&r, 0, "indicator--2", "missing or bad confidence");
	expect_bad(&r, 1, "indicator--3", "missing or bad pattern");
	expect_bad(&r, 2, "indicator--4", "missing or bad valid_from");
	expect_bad(&r, 3, "objects[3]", "bad ipv4-addr:value '2001:db8::1'");
	expect_bad(&r, 4, "indicator--6", "missing or bad x_panshi_severity");
	expect_bad(&r, 5, "indicator--7", "missing or bad type");
	expect_bad(&r, 6, "indicator--8", "missing or bad labels");
	expect_bad(&r, 7, "indicator--9", "bad ipv6-addr:value '192.0.2.9'");
	/* TLP 1.0 red and an import that forbids sharing: the record cannot widen it */
	OK(parse_text("{\"type\": \"bundle\", \"objects\": [{\"type\": \"indicator\", \"id\": "
		      "\"indicator--9\", \"pattern\": \"[ipv6-addr:value = '2001:db8::9']\", "
		      "\"object_marking_refs\": [\"marking-definition--5e57c739-391a-4eb3-b6be-"
		      "7d15ca92d5ed\", \"marking-definition--34098fce-860f-48ae-8e50-"
		      "ebd3cc5e41da\"], \"x_panshi_shareable\": true}]}", g, &r, &d));
	assert_int_equal(g->n, 1);
	assert_int_equal(g->r[0].tlp, PS_TLP_RED);
	assert_true(g->r[0].shareable);
	ps_free(g);
}

/* ---- the round trip through the store ------------------------------------------------------ */

struct fx {
	char dir[256], db[300];
	struct ps_store *st;
	int64_t src;
};

static int setup(void **state)
{
	struct fx *f = ps_calloc(PS_MEM_TEST, 1, sizeof(*f));
	struct ps_intel_source s = {.name = "orig", .format = "list", .confidence = -1,
				    .tlp = -1, .shareable = -1};
	struct ps_diag d;

	if (f == NULL)
		return -1;
	*state = f;
	snprintf(f->dir, sizeof(f->dir), "/tmp/panshi-stix-XXXXXX");
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

	ps_store_close(f->st);
	for (size_t i = 0; i < PS_ARRAY_LEN(sfx); i++) {
		snprintf(path, sizeof(path), "%s%s", f->db, sfx[i]);
		unlink(path);
	}
	rmdir(f->dir);
	ps_free(f);
	return 0;
}

/* What the test stores: the value is normalised as an importer would. */
struct item {
	enum ps_ioc_type type;
	const char *value;
	enum ps_ioc_category cat;
	int severity, confidence;
	const char *family, *tags;
	enum ps_tlp tlp;
	bool shareable;
	int64_t first, last, expires;
};

static const struct item items[] = {
	{PS_IOC_IPV4, "192.0.2.10", PS_IOC_CAT_MALICIOUS_IP, 5, 100, "Mirai", "c2,port:23",
	 PS_TLP_CLEAR, true, T0 + 123456, T0 + 2 * HOUR, T0 + 720 * HOUR},
	{PS_IOC_IPV6, "2001:db8::10", PS_IOC_CAT_OTHER, 1, 0, NULL, NULL, PS_TLP_GREEN, true,
	 T0, T0, 0},
	{PS_IOC_CIDR4, "198.51.100.0/24", PS_IOC_CAT_SECURITY_HAZARD, 2, 10, NULL, "scan",
	 PS_TLP_AMBER, true, T0 - HOUR, T0 + 7, 0},
	{PS_IOC_CIDR6, "2001:db8:1::/48", PS_IOC_CAT_SECURITY_INCIDENT, 4, 60, NULL, NULL,
	 PS_TLP_AMBER_STRICT, true, T0, T0 + 1000, 0},
	{PS_IOC_DOMAIN, "*.evil.example", PS_IOC_CAT_MALICIOUS_DOMAIN, 3, 50, "TrickBot",
	 "phishing", PS_TLP_GREEN, true, T0, T0 + HOUR, T0 + 2 * HOUR},
	{PS_IOC_DOMAIN, "*.my_host.example", PS_IOC_CAT_MALICIOUS_DOMAIN, 3, 50, NULL, NULL,
	 PS_TLP_GREEN, true, T0, T0, 0},
	{PS_IOC_DOMAIN, "plain.example", PS_IOC_CAT_MALICIOUS_MESSAGE, 3, 50, NULL, NULL,
	 PS_TLP_GREEN, true, T0, T0, 0},
	{PS_IOC_URL, "http://evil.example/it's/x?q='1'", PS_IOC_CAT_MALICIOUS_URL, 4, 70, NULL,
	 "a b,c", PS_TLP_GREEN, true, T0, T0, 0},
	{PS_IOC_MD5, "d41d8cd98f00b204e9800998ecf8427e", PS_IOC_CAT_MALICIOUS_PROGRAM, 3, 50,
	 "Emotet", NULL, PS_TLP_GREEN, true, T0, T0, 0},
	{PS_IOC_SHA1, "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3", PS_IOC_CAT_MALICIOUS_PROGRAM,
	 3, 50, "Emotet", NULL, PS_TLP_AMBER, true, T0, T0, 0},
	{PS_IOC_SHA256, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
	 PS_IOC_CAT_MALICIOUS_PROGRAM, 3, 50, "灰鸽子", "中文,样本", PS_TLP_GREEN, true, T0, T0, 0},
	{PS_IOC_JA3, "e7d705a3286e19ea42f587b344ee6865", PS_IOC_CAT_MALICIOUS_PROGRAM, 3, 50,
	 NULL, NULL, PS_TLP_GREEN, true, T0, T0, 0},
	{PS_IOC_JA4, "t13d1516h2_8daaf6152771_e5627efa2ab1", PS_IOC_CAT_MALICIOUS_PROGRAM, 3, 50,
	 NULL, NULL, PS_TLP_GREEN, true, T0, T0, 0},
	/* an expiry that cannot be valid_until */
	{PS_IOC_IPV4, "192.0.2.11", PS_IOC_CAT_MALICIOUS_IP, 3, 50, NULL, NULL, PS_TLP_GREEN,
	 true, T0, T0, T0},
	/* never exported */
	{PS_IOC_IPV4, "192.0.2.12", PS_IOC_CAT_MALICIOUS_IP, 3, 50, NULL, NULL, PS_TLP_RED,
	 true, T0, T0, 0},
	{PS_IOC_IPV4, "192.0.2.13", PS_IOC_CAT_MALICIOUS_IP, 3, 50, NULL, NULL, PS_TLP_GREEN,
	 false, T0, T0, 0},
};

#define N_EXPORTED 14

static void store_items(struct fx *f, struct row *want)
{
	struct ps_intel_writer *w;
	struct ps_ioc_norm n;
	struct ps_diag d;

	OK(ps_intel_writer_open(f->st, 0, &w));
	for (size_t i = 0; i < PS_ARRAY_LEN(items); i++) {
		const struct item *it = &items[i];
		struct ps_ioc ioc = {
			.category = it->cat, .severity = (uint8_t)it->severity,
			.confidence = (uint8_t)it->confidence, .family = it->family,
			.tags = it->tags, .source_id = f->src, .first_seen = it->first,
			.last_seen = it->last, .expires = it->expires, .tlp = it->tlp,
			.shareable = it->shareable,
		};

		if (ps_ioc_normalize(it->type, it->value, strlen(it->value), &n, &d) != PS_OK)
			fail_msg("%s: %s", it->value, d.msg);
		assert_int_equal(n.type, it->type);
		ioc.type = n.type;
		ioc.value = n.value;
		ioc.prefix = n.prefix;
		ioc.subdomains = n.subdomains;
		OK(ps_intel_writer_add(w, &ioc));
		ioc.source = "orig";   /* the export names it; an import keeps it */
		keep_row(&want[i], &ioc);
	}
	OK(ps_intel_writer_commit(w));
	ps_intel_writer_free(w);
}

/* Export the store as STIX with tlp_max amber+strict into a new buffer. */
static char *export_stix(struct fx *f, struct ps_intel_export_report *r, size_t *len)
{
	struct ps_intel_export_opts o = {.format = PS_INTEL_EXPORT_STIX};
	struct ps_diag d;
	FILE *tmp = tmpfile();
	char *buf;
	long n;

	assert_non_null(tmp);
	o.filter.tlp_max = PS_TLP_AMBER_STRICT;
	if (ps_intel_export(f->st, &o, tmp, r, &d) != PS_OK)
		fail_msg("export: %s", d.msg);
	n = ftell(tmp);
	assert_true(n > 0);
	rewind(tmp);
	buf = ps_malloc(PS_MEM_TEST, (size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, tmp), (size_t)n);
	buf[n] = '\0';
	fclose(tmp);
	*len = (size_t)n;
	return buf;
}

static void same_row(const struct row *a, const struct row *b)
{
	if (a->type != b->type || strcmp(a->value, b->value) != 0 || a->prefix != b->prefix ||
	    a->subdomains != b->subdomains || a->category != b->category ||
	    a->severity != b->severity || a->confidence != b->confidence ||
	    strcmp(a->family, b->family) != 0 || strcmp(a->tags, b->tags) != 0 ||
	    a->tlp != b->tlp || a->shareable != b->shareable || a->first_seen != b->first_seen ||
	    a->last_seen != b->last_seen || a->expires != b->expires ||
	    strcmp(a->source, b->source) != 0)
		fail_msg("source '%s' want '%s'; "
			 "%s '%s': got cat %d sev %d conf %d fam '%s' tags '%s' tlp %d share %d "
			 "sub %d first %lld last %lld exp %lld; want cat %d sev %d conf %d fam '%s' "
			 "tags '%s' tlp %d share %d sub %d first %lld last %lld exp %lld",
			 a->source, b->source,
			 ps_ioc_type_name(b->type), b->value, a->category, a->severity,
			 a->confidence, a->family, a->tags, a->tlp, a->shareable, a->subdomains,
			 (long long)a->first_seen, (long long)a->last_seen, (long long)a->expires,
			 b->category, b->severity, b->confidence, b->family, b->tags, b->tlp,
			 b->shareable, b->subdomains, (long long)b->first_seen,
			 (long long)b->last_seen, (long long)b->expires);
}

static void test_round_trip(void **state)
{
	struct fx *f = *state;
	struct row *want = ps_calloc(PS_MEM_TEST, PS_ARRAY_LEN(items), sizeof(*want));
	struct got *g = ps_calloc(PS_MEM_TEST, 1, sizeof(*g));
	struct ps_intel_export_report r;
	struct ps_intel_import_opts o;
	struct ps_intel_report ir;
	struct ps_diag d;
	size_t len, len2;
	char *bundle, *again;

	store_items(f, want);
	bundle = export_stix(f, &r, &len);
	assert_int_equal(r.selected, 16);
	assert_int_equal(r.exported, N_EXPORTED);
	assert_int_equal(r.withheld_red, 1);
	assert_int_equal(r.withheld_unshareable, 1);
	assert_int_equal(r.withheld_tlp, 0);
	assert_int_equal(r.dropped, 0);
	assert_int_equal(r.approximated, 4); /* JA3, JA4, '_' name, expiry */
	assert_int_equal(r.n_notes, 3);
	assert_int_equal(r.notes[0].count, 1); /* '_' in a name, the first met */
	assert_non_null(strstr(r.notes[0].reason, "x_panshi_subdomains"));
	assert_int_equal(r.notes[1].count, 2);
	assert_non_null(strstr(r.notes[1].reason, "x-panshi-tls-fingerprint"));
	assert_true(r.notes[1].kept);
	assert_int_equal(r.notes[2].count, 1);
	assert_non_null(strstr(r.notes[2].reason, "x_panshi_expires"));
	/* what never leaves is not in the bundle */
	assert_null(strstr(bundle, "192.0.2.12"));
	assert_null(strstr(bundle, "192.0.2.13"));
	/* ids: UUIDv5 as uuid.uuid5(UUID('3618de5a-...'), 'indicator|ipv4|192.0.2.10|orig') */
	assert_non_null(strstr(bundle, "\"id\":\"indicator--cd3ef65a-d9f6-5c4f-b534-87368d0a6f02\""));
	assert_non_null(strstr(bundle, "\"id\":\"identity--ebc65767-a28f-5f9e-b877-80616e5492e6\""));
	/* the same store gives the same bytes */
	again = export_stix(f, &r, &len2);
	assert_int_equal(len, len2);
	assert_memory_equal(bundle, again, len);
	ps_free(again);
	/* and importing it gives the same indicators */
	ps_intel_import_opts_init(&o);
	o.format = PS_INTEL_FMT_STIX;
	o.now_us = T0 + 1000 * HOUR;
	OK(ps_intel_parse_mem(&o, "export.json", bundle, len, sink, g, &ir, &d));
	assert_int_equal(ir.bad, 0);
	assert_int_equal(ir.skipped, 0);
	assert_int_equal(g->n, N_EXPORTED);
	for (int i = 0; i < N_EXPORTED; i++)
		same_row(&g->r[i], &want[i]);
	ps_free(bundle);
	ps_free(want);
	ps_free(g);
}

static int count_source(void *arg, const struct ps_intel_source *s)
{
	int64_t *n = arg;

	if (!strcmp(s->name, "orig"))
		n[0] = s->indicators;
	else if (!strcmp(s->name, "second"))
		n[1] = s->indicators;
	else if (!strcmp(s->name, "import"))
		n[2] = s->indicators;
	return PS_OK;
}

/* One value listed by two sources: both rows come back, each under its
 * source, when the bundle is imported into the store (x_panshi_source). */
static void test_round_trip_sources(void **state)
{
	struct fx *f = *state;
	struct ps_intel_source s = {.name = "second", .format = "list",
				    .confidence = -1, .tlp = -1, .shareable = -1};
	struct ps_intel_export_report r;
	struct ps_intel_import_opts o;
	struct ps_intel_report ir;
	struct ps_diag d;
	int64_t second, n[3] = {0, 0, 0};
	char path[400];
	size_t len;
	char *bundle;
	FILE *out;

	OK(ps_intel_source_put(f->st, &s, &second));
	for (int i = 0; i < 2; i++) {
		struct ps_ioc ioc = {.type = PS_IOC_DOMAIN, .value = "both.example",
				     .severity = 3, .confidence = 50,
				     .source_id = i ? second : f->src,
				     .tlp = PS_TLP_GREEN, .shareable = true};

		OK(ps_intel_ioc_put(f->st, &ioc, NULL));
	}
	bundle = export_stix(f, &r, &len);
	assert_int_equal(r.exported, 2);
	snprintf(path, sizeof(path), "%s/b.json", f->dir);
	out = fopen(path, "w");
	assert_non_null(out);
	assert_int_equal(fwrite(bundle, 1, len, out), len);
	fclose(out);
	ps_free(bundle);
	OK(ps_intel_source_delete(f->st, "orig", NULL));
	OK(ps_intel_source_delete(f->st, "second", NULL));
	ps_intel_import_opts_init(&o);
	o.format = PS_INTEL_FMT_STIX;
	o.source = "import";
	OK(ps_intel_import_file(f->st, &o, path, &ir, &d));
	assert_int_equal(ir.bad, 0);
	OK(ps_intel_source_list(f->st, count_source, n));
	assert_int_equal(n[0], 1);
	assert_int_equal(n[1], 1);
	assert_int_equal(n[2], 0);
	unlink(path);
}

/* The bundle is well-formed STIX: required properties, references resolve. */
static void test_bundle_shape(void **state)
{
	static const char *const required[] = {"type", "spec_version", "id", "created"};
	struct fx *f = *state;
	struct row *want = ps_calloc(PS_MEM_TEST, PS_ARRAY_LEN(items), sizeof(*want));
	struct ps_intel_export_report r;
	json_error_t je;
	json_t *b, *objs, *o, *ids;
	size_t len, i, k;
	char *bundle;
	int indicators = 0, rels = 0;

	store_items(f, want);
	bundle = export_stix(f, &r, &len);
	b = json_loadb(bundle, len, JSON_REJECT_DUPLICATES, &je);
	if (b == NULL)
		fail_msg("%s at %d", je.text, je.position);
	assert_string_equal(json_string_value(json_object_get(b, "type")), "bundle");
	assert_int_equal(strncmp(json_string_value(json_object_get(b, "id")), "bundle--", 8), 0);
	objs = json_object_get(b, "objects");
	ids = json_object();
	json_array_foreach(objs, i, o) {
		for (k = 0; k < PS_ARRAY_LEN(required); k++)
			assert_non_null(json_object_get(o, required[k]));
		assert_string_equal(json_string_value(json_object_get(o, "spec_version")), "2.1");
		json_object_set(ids, json_string_value(json_object_get(o, "id")), json_true());
	}
	json_array_foreach(objs, i, o) {
		const char *type = json_string_value(json_object_get(o, "type"));
		json_t *refs = json_object_get(o, "object_marking_refs"), *ref;

		json_array_foreach(refs, k, ref)
			assert_non_null(json_object_get(ids, json_string_value(ref)));
		if (strcmp(type, "indicator") == 0) {
			indicators++;
			assert_non_null(json_object_get(o, "modified"));
			assert_non_null(json_object_get(o, "valid_from"));
			assert_string_equal(json_string_value(json_object_get(o, "pattern_type")),
					    "stix");
			assert_non_null(json_object_get(ids, json_string_value(
								json_object_get(o, "created_by_ref"))));
			assert_true(json_is_true(json_object_get(o, "x_panshi_shareable")));
		} else if (strcmp(type, "relationship") == 0) {
			rels++;
			assert_non_null(json_object_get(ids, json_string_value(
								json_object_get(o, "source_ref"))));
			assert_non_null(json_object_get(ids, json_string_value(
								json_object_get(o, "target_ref"))));
		}
	}
	assert_int_equal(indicators, N_EXPORTED);
	assert_int_equal(rels, 5); /* Mirai, TrickBot, Emotet twice, 灰鸽子 */
	json_decref(ids);
	json_decref(b);
	ps_free(bundle);
	ps_free(want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pattern_read),
		cmocka_unit_test(test_pattern_refused),
		cmocka_unit_test(test_bundle),
		cmocka_unit_test(test_bundle_errors),
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_trip_sources, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bundle_shape, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
