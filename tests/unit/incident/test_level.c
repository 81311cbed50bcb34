/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for event-level classification against the bundled policy:
 * each MIIT threshold at x-1, x and x+1, outage scopes, several CAC
 * columns, highest-wins, unknown facts and invalid facts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "incident/level.h"
#include "core/core.h"
#include "inc_fixture.h"

static struct ps_inc_count known(int64_t v)
{
	struct ps_inc_count c = {true, v};
	return c;
}

static enum ps_inc_level classify(const struct ps_inc_level_facts *f,
				  struct ps_inc_level_result *r)
{
	struct ps_diag d = {{0}};

	assert_int_equal(ps_inc_level_classify(pol, f, r, &d), PS_OK);
	return r->level;
}

/* Threshold of `col` for the row of `level` in `table`. */
static int64_t threshold(const char *table, enum ps_inc_level level,
			 const char *col)
{
	const struct ps_policy_table *t = ps_policy_table_get(pol, table);
	long row;
	int64_t v = -1;

	assert_non_null(t);
	row = ps_policy_table_find(t, "level", ps_inc_level_zh(level));
	assert_true(row >= 0);
	assert_int_equal(ps_policy_table_get_int(t, (size_t)row, col, &v),
			 PS_OK);
	return v;
}

static void test_names(void **state)
{
	enum ps_inc_level l = PS_INC_LEVEL_NONE;
	enum ps_inc_scope s = PS_INC_SCOPE_UNKNOWN;
	struct ps_diag d = {{0}};

	(void)state;
	for (int i = 0; i < PS_INC_LEVEL__COUNT; i++) {
		assert_int_equal(ps_inc_level_parse(ps_inc_level_zh(i), &l, &d),
				 PS_OK);
		assert_int_equal(l, i);
		assert_int_equal(ps_inc_level_parse(ps_inc_level_name(i), &l,
						    &d), PS_OK);
		assert_int_equal(l, i);
	}
	assert_int_equal(ps_inc_level_parse("较大", &l, &d), PS_OK);
	assert_int_equal(l, PS_INC_LEVEL_LARGER);
	assert_int_equal(ps_inc_level_parse("huge", &l, &d), PS_EINVAL);
	assert_non_null(strstr(d.msg, "unknown incident level 'huge'"));
	assert_int_equal(l, PS_INC_LEVEL_LARGER);
	assert_int_equal(ps_inc_scope_parse("several_provinces", &s, &d), PS_OK);
	assert_int_equal(s, PS_INC_SCOPE_SEVERAL_PROVINCES);
	assert_int_equal(ps_inc_scope_parse("unknown", &s, &d), PS_EINVAL);
	assert_int_equal(ps_inc_scope_parse("city", &s, &d), PS_EINVAL);
	assert_non_null(strstr(d.msg, "unknown scope 'city'"));
}

static void test_nothing_known(void **state)
{
	struct ps_inc_level_facts f;
	struct ps_inc_level_result r;

	(void)state;
	memset(&f, 0, sizeof(f));
	assert_int_equal(classify(&f, &r), PS_INC_LEVEL_NONE);
	assert_null(r.table);
	assert_string_equal(r.rule, "none: no threshold met");
	/* Unknown is not zero, and a huge unknown value is ignored. */
	f.leaked_users.v = INT64_C(1000000000);
	f.pi_leaked_people.v = INT64_C(1000000000);
	assert_int_equal(classify(&f, &r), PS_INC_LEVEL_NONE);
	/* Known zeroes meet nothing either. */
	f.leaked_users = known(0);
	f.outage_scope = PS_INC_SCOPE_NONE;
	assert_int_equal(classify(&f, &r), PS_INC_LEVEL_NONE);
}

/* x-1, x, x+1 for each MIIT leaked-users row. */
static void test_leaked_users(void **state)
{
	struct ps_inc_level_facts f;
	struct ps_inc_level_result r;

	(void)state;
	for (int l = PS_INC_LEVEL_GENERAL; l <= PS_INC_LEVEL_CRITICAL; l++) {
		int64_t x = threshold("incident.miit2017.levels", l,
				      "leaked_users_min");

		memset(&f, 0, sizeof(f));
		f.leaked_users = known(x - 1);
		assert_int_equal(classify(&f, &r), l - 1);
		f.leaked_users = known(x);
		assert_int_equal(classify(&f, &r), l);
		assert_string_equal(r.table, "incident.miit2017.levels");
		assert_string_equal(r.fact, "leaked_users");
		assert_int_equal(r.threshold, x);
		assert_int_equal(r.value, x);
		f.leaked_users = known(x + 1);
		assert_int_equal(classify(&f, &r), l);
	}
	memset(&f, 0, sizeof(f));
	f.leaked_users = known(1000000);
	classify(&f, &r);
	assert_string_equal(r.rule, "incident.miit2017.levels 较大: "
			    "leaked_users 1000000 >= 1000000");
	assert_non_null(strstr(r.source, "MIIT 2017"));
}

static void test_outage_scope(void **state)
{
	static const enum ps_inc_level want[PS_INC_SCOPE__COUNT] = {
		[PS_INC_SCOPE_UNKNOWN] = PS_INC_LEVEL_NONE,
		[PS_INC_SCOPE_NONE] = PS_INC_LEVEL_NONE,
		[PS_INC_SCOPE_PREFECTURE] = PS_INC_LEVEL_GENERAL,
		[PS_INC_SCOPE_PROVINCE] = PS_INC_LEVEL_LARGER,
		[PS_INC_SCOPE_SEVERAL_PROVINCES] = PS_INC_LEVEL_MAJOR,
		[PS_INC_SCOPE_NATIONAL] = PS_INC_LEVEL_CRITICAL,
	};
	struct ps_inc_level_facts f;
	struct ps_inc_level_result r;

	(void)state;
	for (int s = 0; s < PS_INC_SCOPE__COUNT; s++) {
		memset(&f, 0, sizeof(f));
		f.outage_scope = s;
		assert_int_equal(classify(&f, &r), want[s]);
	}
	f.outage_scope = PS_INC_SCOPE_PROVINCE;
	classify(&f, &r);
	assert_string_equal(r.rule, "incident.miit2017.levels 较大: "
			    "outage_scope province >= province");
}

/* x-1, x, x+1 on CAC count columns for each CAC row. */
static void test_cac_counts(void **state)
{
	static const char *const cols[] = {
		"cii_total_down_minutes", "pi_leaked_people", "direct_loss_cny",
		"people_affected", "defacement_views",
	};
	struct ps_inc_level_facts f;
	struct ps_inc_level_result r;

	(void)state;
	for (size_t c = 0; c < PS_ARRAY_LEN(cols); c++) {
		for (int l = PS_INC_LEVEL_LARGER; l <= PS_INC_LEVEL_CRITICAL;
		     l++) {
			int64_t x = threshold("incident.cac2025.thresholds", l,
					      cols[c]);
			struct ps_inc_count *fc;

			memset(&f, 0, sizeof(f));
			fc = c == 0   ? &f.cii_total_down_minutes
			     : c == 1 ? &f.pi_leaked_people
			     : c == 2 ? &f.direct_loss_cny
			     : c == 3 ? &f.people_affected
				      : &f.defacement_views;
			*fc = known(x - 1);
			/* Below the 较大 row: CAC has no 一般 row. */
			assert_int_equal(classify(&f, &r),
					 l == PS_INC_LEVEL_LARGER
						 ? PS_INC_LEVEL_NONE : l - 1);
			*fc = known(x);
			assert_int_equal(classify(&f, &r), l);
			assert_string_equal(r.column, cols[c]);
			*fc = known(x + 1);
			assert_int_equal(classify(&f, &r), l);
		}
	}
	memset(&f, 0, sizeof(f));
	f.cii_total_down_minutes = known(10);
	classify(&f, &r);
	assert_string_equal(r.rule, "incident.cac2025.thresholds 较大: "
			    "cii_total_down_minutes 10 >= 10");
}

/* Portal downtime counts only for a portal of the row's scope or above. */
static void test_cac_scoped(void **state)
{
	struct ps_inc_level_facts f;
	struct ps_inc_level_result r;

	(void)state;
	memset(&f, 0, sizeof(f));
	f.portal_down_minutes = known(1440);
	assert_int_equal(classify(&f, &r), PS_INC_LEVEL_NONE); /* scope unknown */
	f.portal_scope = PS_INC_SCOPE_PREFECTURE;
	assert_int_equal(classify(&f, &r), PS_INC_LEVEL_MAJOR);
	f.portal_scope = PS_INC_SCOPE_PROVINCE;
	assert_int_equal(classify(&f, &r), PS_INC_LEVEL_CRITICAL);
	f.portal_down_minutes = known(1439);
	assert_int_equal(classify(&f, &r), PS_INC_LEVEL_MAJOR);
	f.portal_down_minutes = known(119);
	assert_int_equal(classify(&f, &r), PS_INC_LEVEL_NONE);
	f.portal_down_minutes = known(120);
	assert_int_equal(classify(&f, &r), PS_INC_LEVEL_LARGER);
	assert_string_equal(r.rule, "incident.cac2025.thresholds 较大: "
			    "portal_down_minutes 120 >= 120, scope province "
			    ">= prefecture");
	memset(&f, 0, sizeof(f));
	f.population_share_percent = known(30);
	f.population_area = PS_INC_SCOPE_PREFECTURE;
	assert_int_equal(classify(&f, &r), PS_INC_LEVEL_LARGER);
	f.population_share_percent = known(50);
	assert_int_equal(classify(&f, &r), PS_INC_LEVEL_MAJOR);
	f.population_area = PS_INC_SCOPE_PROVINCE;
	assert_int_equal(classify(&f, &r), PS_INC_LEVEL_CRITICAL);
	f.population_share_percent = known(29);
	assert_int_equal(classify(&f, &r), PS_INC_LEVEL_NONE);
}

static void test_highest_wins(void **state)
{
	struct ps_inc_level_facts f;
	struct ps_inc_level_result r;

	(void)state;
	memset(&f, 0, sizeof(f));
	f.leaked_users = known(100000);              /* 一般 */
	f.cii_total_down_minutes = known(60);        /* 重大 */
	f.outage_scope = PS_INC_SCOPE_PROVINCE;      /* 较大 */
	assert_int_equal(classify(&f, &r), PS_INC_LEVEL_MAJOR);
	assert_string_equal(r.table, "incident.cac2025.thresholds");
	assert_string_equal(r.fact, "cii_total_down_minutes");
	f.outage_scope = PS_INC_SCOPE_NATIONAL;      /* 特别重大 */
	assert_int_equal(classify(&f, &r), PS_INC_LEVEL_CRITICAL);
	assert_string_equal(r.fact, "outage_scope");
	/* A tie keeps the first trigger: MIIT leaked users. */
	memset(&f, 0, sizeof(f));
	f.leaked_users = known(1000000);
	f.pi_leaked_people = known(1000000);
	assert_int_equal(classify(&f, &r), PS_INC_LEVEL_LARGER);
	assert_string_equal(r.fact, "leaked_users");
}

static void test_invalid(void **state)
{
	struct ps_inc_level_facts f;
	struct ps_inc_level_result r;
	struct ps_diag d = {{0}};

	(void)state;
	memset(&f, 0, sizeof(f));
	f.pi_leaked_people = known(-1);
	assert_int_equal(ps_inc_level_classify(pol, &f, &r, &d), PS_EINVAL);
	assert_string_equal(d.msg, "invalid incident facts: 'pi_leaked_people' "
			    "must not be negative (-1)");
	memset(&f, 0, sizeof(f));
	f.leaked_users = known(INT64_MIN);
	assert_int_equal(ps_inc_level_classify(pol, &f, &r, &d), PS_EINVAL);
	assert_non_null(strstr(d.msg, "'leaked_users'"));
	memset(&f, 0, sizeof(f));
	f.outage_scope = (enum ps_inc_scope)PS_INC_SCOPE__COUNT;
	assert_int_equal(ps_inc_level_classify(pol, &f, &r, &d), PS_EINVAL);
	assert_non_null(strstr(d.msg, "'outage_scope' is not a known scope"));
	/* A negative but unknown count is not looked at. */
	memset(&f, 0, sizeof(f));
	f.direct_loss_cny.v = -5;
	assert_int_equal(ps_inc_level_classify(pol, &f, &r, &d), PS_OK);
}

/* A policy whose levels table has a bad rank is refused, named. */
static void test_bad_policy(void **state)
{
	static const char text[] =
		"documents:\n"
		"  - {id: x, title: t, issuer: i, source: s, status: confirmed}\n"
		"tables:\n"
		"  incident.miit2017.levels:\n"
		"    source: s\n"
		"    status: confirmed\n"
		"    columns: {level: label, rank: rank, leaked_users_min: count,"
		" outage_scope: mode}\n"
		"    rows:\n"
		"      - {level: 一般, rank: 9, leaked_users_min: 1,"
		" outage_scope: prefecture}\n"
		"  incident.cac2025.thresholds:\n"
		"    source: s\n"
		"    status: confirmed\n"
		"    columns: {level: label, rank: rank}\n"
		"    rows:\n"
		"      - {level: 较大, rank: 2}\n";
	struct ps_policy *p = NULL;
	struct ps_inc_level_facts f;
	struct ps_inc_level_result r;
	struct ps_diag d = {{0}};

	(void)state;
	assert_int_equal(ps_policy_load_mem("bad.yaml", text, sizeof(text) - 1,
					    &p, &d), PS_OK);
	memset(&f, 0, sizeof(f));
	assert_int_equal(ps_inc_level_classify(p, &f, &r, &d), PS_EINVAL);
	assert_non_null(strstr(d.msg, "bad.yaml:"));
	assert_non_null(strstr(d.msg, "rank must be a level from 1 to 4"));
	ps_policy_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_nothing_known),
		cmocka_unit_test(test_leaked_users),
		cmocka_unit_test(test_outage_scope),
		cmocka_unit_test(test_cac_counts),
		cmocka_unit_test(test_cac_scoped),
		cmocka_unit_test(test_highest_wins),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_bad_policy),
	};

	return cmocka_run_group_tests(tests, pol_setup, pol_teardown);
}
