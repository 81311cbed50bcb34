/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Field validators and record validation without a store: each type with
 * good and bad values and its normal form (IPv4/IPv6 ranges, CPE 2.3
 * escapes, USCC check characters, real dates, levels against the policy
 * and its sub-level switch), then the rules of each kind across fields.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/core.h"
#include "policy/policy.h"
#include "registry/registry.h"

#define OK(x) assert_int_equal((x), PS_OK)

static struct ps_policy *pol, *pol_sub;
static struct ps_registry reg, reg_sub;

static const struct ps_reg_field *field(const char *kind, const char *name)
{
	const struct ps_reg_kind *k = ps_reg_kind_find(kind);
	int i = ps_reg_field_find(k, name);

	assert_true(i >= 0);
	return &k->fields[i];
}

/* Value accepted as `want` (NULL: empty). */
static void good_r(const struct ps_registry *r, const char *kind, const char *name,
		   const char *in, const char *want)
{
	struct ps_diag d = {{0}};
	char *out = NULL;
	int rc = ps_reg_value_check(r, field(kind, name), in, &out, &d);

	if (rc != PS_OK)
		fail_msg("%s.%s '%s' refused: %s", kind, name, in, d.msg);
	if (want == NULL)
		assert_null(out);
	else
		assert_string_equal(out, want);
	ps_free(out);
}

static void good(const char *kind, const char *name, const char *in, const char *want)
{
	good_r(&reg, kind, name, in, want);
}

/* Value refused; the message must contain `msg` (if not NULL). */
static void bad_r(const struct ps_registry *r, const char *kind, const char *name,
		  const char *in, const char *msg)
{
	struct ps_diag d = {{0}};
	char *out = NULL;
	int rc = ps_reg_value_check(r, field(kind, name), in, &out, &d);

	if (rc != PS_EINVAL)
		fail_msg("%s.%s '%s' accepted as '%s'", kind, name, in, out ? out : "(null)");
	assert_null(out);
	if (msg != NULL && strstr(d.msg, msg) == NULL)
		fail_msg("message '%s' lacks '%s'", d.msg, msg);
}

static void bad(const char *kind, const char *name, const char *in, const char *msg)
{
	bad_r(&reg, kind, name, in, msg);
}

static void test_text(void **state)
{
	(void)state;
	good("unit", "name", "  核心网 ", "核心网");
	good("unit", "name", "", NULL);
	good("unit", "name", "   ", NULL);
	good("unit", "name", NULL, NULL);
	good("unit", "name", "a\xc2\xa0" "b", "a\xc2\xa0" "b"); /* U+00A0 is fine */
	bad("unit", "name", "a\x01" "b", "field 'name': 'a");
	bad("unit", "name", "a\x01" "b", "contains a control character");
	bad("unit", "name", "line\nbreak", "control character");
	bad("unit", "name", "del\x7f", "control character");
	bad("unit", "name", "c1\xc2\x85", "control character");
	bad("unit", "name", "\xff\xfe", "is not valid UTF-8");
	bad("unit", "name", "\xc0\xaf", "not valid UTF-8");       /* overlong '/' */
	bad("unit", "name", "\xed\xa0\x80", "not valid UTF-8");   /* surrogate */
	bad("unit", "name", "\xe4\xb8", "not valid UTF-8");       /* truncated */
}

static void test_numbers(void **state)
{
	(void)state;
	good("operator", "log_retention_days", "180", "180");
	good("operator", "log_retention_days", "00180", "180");
	good("operator", "log_retention_days", "0", "0");
	good("operator", "log_retention_days", "-0", "0");
	good("operator", "log_retention_days", "9223372036854775807", "9223372036854775807");
	bad("operator", "log_retention_days", "9223372036854775808", "is too large");
	bad("operator", "log_retention_days", "-5", "-5 is negative");
	bad("operator", "log_retention_days", "1.5", "'1.5' is not a whole number");
	bad("operator", "log_retention_days", "1e3", "not a whole number");
	bad("operator", "log_retention_days", "+3", "not a whole number");
	bad("operator", "log_retention_days", "18 0", NULL);
	good("catalog", "storage_gb", "1.50", "1.5");
	good("catalog", "storage_gb", "1.00", "1");
	good("catalog", "storage_gb", "0012.30", "12.3");
	good("catalog", "storage_gb", "0.05", "0.05");
	good("catalog", "storage_gb", "0", "0");
	good("catalog", "storage_gb", "999999999999999.99", "999999999999999.99");
	bad("catalog", "storage_gb", "1.234", "1.234 has more than 2 decimals");
	bad("catalog", "storage_gb", "1.", "not a number");
	bad("catalog", "storage_gb", ".5", "not a number");
	bad("catalog", "storage_gb", "-1", "not a number");
	bad("catalog", "storage_gb", "1,5", "not a number");
	bad("catalog", "storage_gb", "1000000000000000", "is too large");
}

static void test_dates(void **state)
{
	(void)state;
	good("unit", "filing_date", "2024-02-29", "2024-02-29");
	good("unit", "filing_date", " 2026-11-22 ", "2026-11-22");
	good("unit", "filing_date", "2000-02-29", "2000-02-29");
	bad("unit", "filing_date", "2023-02-29", "'2023-02-29' does not exist: 2023-02 has 28 days");
	bad("unit", "filing_date", "1900-02-29", "does not exist: 1900-02 has 28 days");
	bad("unit", "filing_date", "2018-09-31", "'2018-09-31' does not exist: 2018-09 has 30 days");
	bad("unit", "filing_date", "2018-13-01", "there is no month 13");
	bad("unit", "filing_date", "2018-00-10", "there is no month 0");
	bad("unit", "filing_date", "2018-01-00", "does not exist");
	bad("unit", "filing_date", "2018/09/01", "is not a date (use YYYY-MM-DD)");
	bad("unit", "filing_date", "2018-9-1", "use YYYY-MM-DD");
	bad("unit", "filing_date", "20180901", "use YYYY-MM-DD");
	bad("unit", "filing_date", "2018-09-01T00:00:00", "use YYYY-MM-DD");
}

static void test_flags_enums_labels(void **state)
{
	(void)state;
	good("asset", "key_device", "true", "true");
	good("asset", "key_device", "YES", "true");
	good("asset", "key_device", "1", "true");
	good("asset", "key_device", "是", "true");
	good("asset", "key_device", "False", "false");
	good("asset", "key_device", "no", "false");
	good("asset", "key_device", "0", "false");
	good("asset", "key_device", "否", "false");
	bad("asset", "key_device", "maybe", "field 'key_device': 'maybe' is not true or false");
	bad("asset", "key_device", "2", NULL);
	good("unit", "type", "idc", "idc");
	bad("unit", "type", "IDC", "is not one of basic_telecom,internet,idc,cdn,dns");
	bad("unit", "type", "id", "'id' is not one of");
	bad("unit", "type", "idc|cdn", NULL);
	good("iie", "level", "三级", "三级");
	good("iie", "class", "platform", "platform");
	bad("iie", "level", "四级", "'四级' is not one of 一级, 二级, 三级 (policy industrial.levels)");
	bad("iie", "level", "3", "一级, 二级, 三级");
	bad("iie", "class", "平台", "connected_industrial, platform, identifier_resolution");
	good("catalog", "level", "核心", "核心");
	bad("catalog", "level", "秘密", "一般, 重要, 核心 (policy datasec.levels)");
	/* without a policy, policy-bound types are refused, others work */
	bad_r(NULL, "catalog", "level", "核心", "the policy has no table column");
	bad_r(NULL, "unit", "level", "3", "the policy has no protection.level");
	good_r(NULL, "unit", "type", "cdn", "cdn");
}

static void test_levels(void **state)
{
	(void)state;
	good("unit", "level", "1", "1");
	good("unit", "level", "5", "5");
	good("unit", "level", "03", "3");
	good("unit", "level", "3.0", "3");
	bad("unit", "level", "0", "field 'level': 0 is below the lowest level 1 "
	    "(policy protection.level.min)");
	bad("unit", "level", "6", "field 'level': 6 is above the highest level 5 "
	    "(policy protection.level.max)");
	bad("unit", "level", "3.1", "3.1 is not a whole level: sub-levels are off "
	    "(policy protection.level.sub_levels_enabled)");
	bad("unit", "level", "三级", "is not a level (1 to 5)");
	bad("unit", "level", "-1", "is not a level");
	/* with sub-levels on: one decimal digit, still within min..max */
	good_r(&reg_sub, "unit", "level", "3.1", "3.1");
	good_r(&reg_sub, "unit", "level", "3.10", "3.1");
	good_r(&reg_sub, "unit", "level", "4", "4");
	bad_r(&reg_sub, "unit", "level", "3.15", "is not a level");
	bad_r(&reg_sub, "unit", "level", "5.1", "5.1 is above the highest level 5");
	bad_r(&reg_sub, "unit", "level", "0.9", "0.9 is below the lowest level 1");
	good_r(&reg_sub, "unit_change", "new_level", "2.2", "2.2");
}

static void test_keys_refs(void **state)
{
	struct ps_diag d = {{0}};
	char k129[130];

	(void)state;
	OK(ps_reg_key_check("U-GD-001", &d));
	OK(ps_reg_key_check("单元-1", &d));
	assert_int_equal(ps_reg_key_check("", &d), PS_EINVAL);
	assert_int_equal(ps_reg_key_check("U 1", &d), PS_EINVAL);
	assert_int_equal(ps_reg_key_check("U,1", &d), PS_EINVAL);
	assert_int_equal(ps_reg_key_check("U\t1", &d), PS_EINVAL);
	memset(k129, 'k', 129);
	k129[129] = '\0';
	assert_int_equal(ps_reg_key_check(k129, &d), PS_EINVAL);
	assert_non_null(strstr(d.msg, "longer than 128 bytes"));
	good("unit", "operator", " OP-1 ", "OP-1");
	bad("unit", "operator", "OP 1", "field 'operator': key 'OP 1'");
}

static void test_ipranges(void **state)
{
	uint8_t lo[16], hi[16];
	char buf[PS_REG_IPRANGE_FMT_SIZE];
	bool v6;

	(void)state;
	good("ipblock", "range", "10.0.0.1", "10.0.0.1");
	good("ipblock", "range", "10.0.0.0/8", "10.0.0.0/8");
	good("ipblock", "range", "10.0.0.5/32", "10.0.0.5");
	good("ipblock", "range", "0.0.0.0/0", "0.0.0.0/0");
	good("ipblock", "range", "10.0.0.0-10.0.0.255", "10.0.0.0/24");
	good("ipblock", "range", "10.0.0.0 - 10.0.1.255", "10.0.0.0/23");
	good("ipblock", "range", "10.0.0.1-10.0.0.1", "10.0.0.1");
	good("ipblock", "range", "10.0.0.1-10.0.0.6", "10.0.0.1-10.0.0.6");
	good("ipblock", "range", "10.0.0.0-10.0.0.6", "10.0.0.0-10.0.0.6");
	good("ipblock", "range", "2001:DB8::/32", "2001:db8::/32");
	good("ipblock", "range", "2001:0db8:0000::0001", "2001:db8::1");
	good("ipblock", "range", "2001:db8::-2001:db8::ffff", "2001:db8::/112");
	good("ipblock", "range", "2001:db8::1-2001:db8::2", "2001:db8::1-2001:db8::2");
	good("ipblock", "range", "::/0", "::/0");
	good("ipblock", "range", "::ffff:1.2.3.4", "::ffff:1.2.3.4");
	bad("ipblock", "range", "10.0.0.1/8", "'10.0.0.1/8' is not an IP address or range");
	bad("ipblock", "range", "10.0.0.0/33", NULL);
	bad("ipblock", "range", "10.0.0.0/08", NULL);
	bad("ipblock", "range", "10.0.0.0/", NULL);
	bad("ipblock", "range", "2001:db8::1/64", NULL);
	bad("ipblock", "range", "2001:db8::/129", NULL);
	bad("ipblock", "range", "10.0.0.9-10.0.0.1", NULL);   /* lo > hi */
	bad("ipblock", "range", "10.0.0.1-2001:db8::1", NULL); /* families differ */
	bad("ipblock", "range", "10.0.0.256", NULL);
	bad("ipblock", "range", "10.0.0", NULL);
	bad("ipblock", "range", "010.0.0.1", NULL);
	bad("ipblock", "range", "10.0.0.0/8-10.1.0.0", NULL);
	bad("ipblock", "range", "fe80::1%eth0", NULL);
	bad("ipblock", "range", "example.com", NULL);
	OK(ps_reg_iprange_parse("192.168.0.0/16", lo, hi, &v6));
	assert_false(v6);
	assert_memory_equal(lo, "\xc0\xa8\x00\x00\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	assert_memory_equal(hi, "\xc0\xa8\xff\xff\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	OK(ps_reg_iprange_fmt(lo, hi, v6, buf, sizeof(buf)));
	assert_string_equal(buf, "192.168.0.0/16");
	assert_int_equal(ps_reg_iprange_fmt(lo, hi, v6, buf, 8), PS_ELIMIT);
	OK(ps_reg_iprange_parse("2001:db8::/127", lo, hi, &v6));
	assert_true(v6);
	assert_int_equal(hi[15], 1);
	assert_int_equal(lo[15], 0);
}

static void test_cpe(void **state)
{
	(void)state;
	good("asset", "cpe", "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*",
	     "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*");
	good("asset", "cpe", "CPE:2.3:o:Huawei:VRP:5.170:-:*:zh-cn:*:*:*:*",
	     "cpe:2.3:o:huawei:vrp:5.170:-:*:zh-cn:*:*:*:*");
	good("asset", "cpe", "cpe:2.3:h:cisco:asr_1001-x:-:*:*:*:*:*:*:*",
	     "cpe:2.3:h:cisco:asr_1001-x:-:*:*:*:*:*:*:*");
	/* escapes: a colon, a backslash, a quote and an asterisk inside values */
	good("asset", "cpe", "cpe:2.3:a:foo\\:bar:baz\\\\qux:1\\*2:*:*:*:*:*:*:*",
	     "cpe:2.3:a:foo\\:bar:baz\\\\qux:1\\*2:*:*:*:*:*:*:*");
	good("asset", "cpe", "cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:-:*:*:online:win2003:x64:*",
	     "cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:-:*:*:online:win2003:x64:*");
	good("asset", "cpe", "cpe:2.3:a:vendor:product:1.*:*:*:*:*:*:*:*",
	     "cpe:2.3:a:vendor:product:1.*:*:*:*:*:*:*:*");
	good("asset", "cpe", "cpe:2.3:a:vendor:product:??1.2:*:*:en:*:*:*:*",
	     "cpe:2.3:a:vendor:product:??1.2:*:*:en:*:*:*:*");
	bad("asset", "cpe", "cpe:2.3:x:vendor:product:1:*:*:*:*:*:*:*", "part is not a, o or h");
	bad("asset", "cpe", "cpe:2.3:a:*:product:1:*:*:*:*:*:*:*", "vendor must be named, not *");
	bad("asset", "cpe", "cpe:2.3:a:v:*:1:*:*:*:*:*:*:*", "product must be named, not *");
	bad("asset", "cpe", "cpe:2.3:a:v:p:1:*:*:*:*:*:*", "does not have 13 components");
	bad("asset", "cpe", "cpe:2.3:a:v:p:1:*:*:*:*:*:*:*:*", "more than 13 components");
	bad("asset", "cpe", "cpe:/a:v:p:1", "does not start with cpe:2.3:");
	bad("asset", "cpe", "cpe:2.3:a:v:p:1 0:*:*:*:*:*:*:*", "version is empty, or has a "
	    "character that must be escaped");
	bad("asset", "cpe", "cpe:2.3:a:v:p!:1:*:*:*:*:*:*:*", "product");
	bad("asset", "cpe", "cpe:2.3:a:v:p:1*2:*:*:*:*:*:*:*", "version"); /* inner wildcard */
	bad("asset", "cpe", "cpe:2.3:a:v:p:**:*:*:*:*:*:*:*", "version");
	bad("asset", "cpe", "cpe:2.3:a:v:p:1::*:*:*:*:*:*", "update");     /* empty */
	bad("asset", "cpe", "cpe:2.3:a:v:p:1:*:*:english:*:*:*:*", "language is not a language tag");
	bad("asset", "cpe", "cpe:2.3:a:v:p:\\a:*:*:*:*:*:*:*", "version"); /* \a not quotable */
	bad("asset", "cpe", "cpe:2.3:a:v:p:1\\:*:*:*:*:*:*:*", NULL);     /* escaped separator */
	bad("asset", "cpe", "cpe:2.3:a:v:产品:1:*:*:*:*:*:*:*", "product");
}

static void test_uscc(void **state)
{
	(void)state;
	/* 91350100M000100Y43: a published example with a valid check character */
	good("operator", "uscc", "91350100M000100Y43", "91350100M000100Y43");
	good("operator", "uscc", "91350100m000100y43", "91350100M000100Y43");
	/* two more published codes, one with a letter as its check character */
	good("operator", "uscc", "914403001922038216", "914403001922038216");
	good("operator", "uscc", "91110108551385082q", "91110108551385082Q");
	bad("operator", "uscc", "91110108551385082P", "the check character should be Q, not P");
	bad("operator", "uscc", "91350100M000100Y44", "the check character should be 3, not 4");
	bad("operator", "uscc", "91350100M000100Y4", "it has 17 characters, not 18");
	bad("operator", "uscc", "91350100M000100Y433", "19 characters");
	bad("operator", "uscc", "91350100I000100Y43", "'I' at position 9 is not allowed");
	bad("operator", "uscc", "9135010OM000100Y43", "'O' at position 8");
	bad("operator", "uscc", "91350100M000100Z43", "'Z' at position 16");
}

/* A record from "field=value" strings; validated with `reg`. */
static int validate(const char *kind, struct ps_diag *d, ...)
{
	struct ps_reg_record *r = ps_reg_record_new(ps_reg_kind_find(kind));
	const char *kv;
	va_list ap;
	int rc;

	assert_non_null(r);
	va_start(ap, d);
	while ((kv = va_arg(ap, const char *)) != NULL) {
		const char *eq = strchr(kv, '=');
		char name[64];

		snprintf(name, sizeof(name), "%.*s", (int)(eq - kv), kv);
		OK(ps_reg_record_set(r, name, eq + 1));
	}
	va_end(ap);
	rc = ps_reg_validate(&reg, r, d);
	ps_reg_record_free(r);
	return rc;
}

#define UNIT "operator=OP-1", "name=n", "type=idc", "level=3"

static void test_kind_rules(void **state)
{
	struct ps_diag d = {{0}};

	(void)state;
	OK(validate("unit", &d, "key=U-1", UNIT, NULL));
	assert_int_equal(validate("unit", &d, "key=U-1", UNIT, "filing_status=filed", NULL),
			 PS_EINVAL);
	assert_string_equal(d.msg, "unit 'U-1': field 'filing_date': a filed unit "
			    "(filing_status filed) needs its filing date");
	OK(validate("unit", &d, "key=U-1", UNIT, "filing_status=filed",
		    "filing_date=2026-01-10", "grading_review_date=2026-01-10", NULL));
	assert_int_equal(validate("unit", &d, UNIT, "filing_date=2026-01-09",
				  "grading_review_date=2026-01-10", NULL), PS_EINVAL);
	assert_string_equal(d.msg, "new unit: field 'filing_date': 2026-01-09 is before the "
			    "grading review date 2026-01-10");
	assert_int_equal(validate("unit", &d, UNIT, "go_live_date=2020-01-01",
				  "retired_date=2020-01-01", NULL), PS_EINVAL);
	assert_non_null(strstr(d.msg, "the same day as the go-live date"));
	OK(validate("unit", &d, UNIT, "go_live_date=2020-01-01", "retired_date=2020-01-02",
		    NULL));
	assert_int_equal(validate("unit", &d, "operator=OP-1", "name=n", "type=idc", NULL),
			 PS_EINVAL);
	assert_string_equal(d.msg, "new unit: field 'level' (安全防护级别) is required");
	/* rectifications: closed needs its date, a date needs closed */
	assert_int_equal(validate("rectification", &d, "assessment=AS-1", "description=x",
				  "deadline=2026-05-01", "status=closed", NULL), PS_EINVAL);
	assert_non_null(strstr(d.msg, "field 'closed_date': a closed item needs"));
	assert_int_equal(validate("rectification", &d, "assessment=AS-1", "description=x",
				  "deadline=2026-05-01", "status=open",
				  "closed_date=2026-04-01", NULL), PS_EINVAL);
	OK(validate("rectification", &d, "assessment=AS-1", "description=x",
		    "deadline=2026-05-01", "status=closed", "closed_date=2026-04-01", NULL));
	/* training hours */
	OK(validate("training", &d, "person=P-1", "date=2026-01-01", "hours=1.5", NULL));
	OK(validate("training", &d, "person=P-1", "date=2026-01-01", "hours=24", NULL));
	assert_int_equal(validate("training", &d, "person=P-1", "date=2026-01-01", "hours=0",
				  NULL), PS_EINVAL);
	assert_non_null(strstr(d.msg, "field 'hours': 0 hours is not a training"));
	assert_int_equal(validate("training", &d, "person=P-1", "date=2026-01-01",
				  "hours=24.5", NULL), PS_EINVAL);
	assert_int_equal(validate("training", &d, "person=P-1", "date=2026-01-01",
				  "hours=100", NULL), PS_EINVAL);
	/* asset addresses by kind */
	OK(validate("asset", &d, "unit=U-1", "kind=host", "name=h", "address=10.0.0.1", NULL));
	assert_int_equal(validate("asset", &d, "unit=U-1", "kind=network_device", "name=h",
				  "address=10.0.0.0/30", NULL), PS_EINVAL);
	assert_int_equal(validate("asset", &d, "unit=U-1", "kind=domain", "name=h",
				  "address=-bad-.example.com", NULL), PS_EINVAL);
	assert_int_equal(validate("asset", &d, "unit=U-1", "kind=domain", "name=h",
				  "address=localhost", NULL), PS_EINVAL);
	OK(validate("asset", &d, "unit=U-1", "kind=domain", "name=h",
		    "address=*.例子.中国", NULL));
	OK(validate("asset", &d, "unit=U-1", "kind=application", "name=h",
		    "address=whatever you like", NULL));
	/* assessments and catalogues */
	assert_int_equal(validate("assessment", &d, "target_kind=unit", "target=U-1",
				  "kind=risk", "date=2026-01-01", "score=91",
				  "max_score=90", NULL), PS_EINVAL);
	assert_non_null(strstr(d.msg, "field 'score': 91 is more than the max_score 90"));
	assert_int_equal(validate("catalog", &d, "operator=OP-1", "name=n", "category=c",
				  "level=一般", "filed_values=[1]", NULL), PS_EINVAL);
	assert_non_null(strstr(d.msg, "field 'filed_values': not a JSON object"));
	assert_int_equal(validate("catalog", &d, "operator=OP-1", "name=n", "category=c",
				  "level=一般", "filed_date=2026-02-01",
				  "change_date=2026-01-01", NULL), PS_EINVAL);
	assert_int_equal(validate("draw", &d, "date=2026-01-01", "seed=ab", "params={", NULL),
			 PS_EINVAL);
	assert_non_null(strstr(d.msg, "field 'params': not a JSON document"));
	/* keys are checked too */
	assert_int_equal(validate("unit", &d, "key=U 1", UNIT, NULL), PS_EINVAL);
	assert_non_null(strstr(d.msg, "key 'U 1'"));
}

static int group_setup(void **state)
{
	static const char sub[] =
		"documents:\n"
		"  - {id: t, title: t, issuer: t, source: t, status: confirmed}\n"
		"values:\n"
		"  protection.level.min: {value: 1, unit: level, source: t, status: confirmed}\n"
		"  protection.level.max: {value: 5, unit: level, source: t, status: confirmed}\n"
		"  protection.level.sub_levels_enabled: {value: true, unit: flag, source: t,"
		" status: interpretation}\n";
	const char *src = getenv("PANSHI_SOURCE_DIR");
	struct ps_diag d = {{0}};
	char dir[1024];

	(void)state;
	snprintf(dir, sizeof(dir), "%s/policy", src != NULL ? src : ".");
	if (ps_policy_load_dir(dir, &pol, &d) != PS_OK ||
	    ps_policy_load_mem("sub.yaml", sub, sizeof(sub) - 1, &pol_sub, &d) != PS_OK) {
		print_error("policy: %s\n", d.msg);
		return -1;
	}
	reg.pol = pol;
	reg_sub.pol = pol_sub;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	ps_policy_free(pol);
	ps_policy_free(pol_sub);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_flags_enums_labels),
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_keys_refs),
		cmocka_unit_test(test_ipranges),
		cmocka_unit_test(test_cpe),
		cmocka_unit_test(test_uscc),
		cmocka_unit_test(test_kind_rules),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
