/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for the policy module: the real policy/ directory loads and
 * carries the documented numbers, every class of bad file is refused with
 * its file:line, the printers produce valid output, and allocation
 * failures at any point neither crash nor leak.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "policy/policy.h"
#include "core/core.h"

static char policy_dir[2048];
static char data_dir[2048];

static int setup(void **state)
{
	const char *src = getenv("PANSHI_SOURCE_DIR");

	(void)state;
	if (src == NULL)
		src = ".";
	snprintf(policy_dir, sizeof(policy_dir), "%s/policy", src);
	snprintf(data_dir, sizeof(data_dir), "%s/tests/data/policy", src);
	return 0;
}

static struct ps_policy *load_real(void)
{
	struct ps_policy *p = NULL;
	struct ps_diag d = {{0}};
	int rc = ps_policy_load_dir(policy_dir, &p, &d);

	if (rc != PS_OK)
		print_error("%s\n", d.msg);
	assert_int_equal(rc, PS_OK);
	assert_non_null(p);
	return p;
}

static int64_t get_int(const struct ps_policy *p, const char *id)
{
	int64_t v = -1;

	if (ps_policy_get_int(p, id, &v) != PS_OK)
		print_error("no integer '%s'\n", id);
	assert_int_equal(ps_policy_get_int(p, id, &v), PS_OK);
	return v;
}

/* Integer cell of the row whose `key` column reads `name`. */
static int64_t cell_int(const struct ps_policy_table *t, const char *key,
			const char *name, const char *col)
{
	long row = ps_policy_table_find(t, key, name);
	int64_t v = -1;

	assert_true(row >= 0);
	assert_int_equal(ps_policy_table_get_int(t, (size_t)row, col, &v), PS_OK);
	return v;
}

static void test_real_loads(void **state)
{
	struct ps_policy *p = load_real();
	struct ps_policy_stats st;
	struct ps_diag d;
	size_t sum = 0;

	(void)state;
	ps_policy_stats_get(p, &st);
	assert_true(st.files >= 9);
	assert_true(st.documents >= 10);
	assert_true(st.values >= 80);
	assert_true(st.tables >= 5);
	for (size_t i = 0; i < PS_POLICY_STATUS__COUNT; i++)
		sum += st.by_status[i];
	assert_int_equal(sum, st.values + st.tables);
	assert_true(st.by_status[PS_POLICY_UNVERIFIED_DEFAULT] > 0);
	assert_int_equal(ps_policy_check_required(p, &d), PS_OK);
	/* Every required id resolves. */
	assert_true(ps_policy_required_count() > 30);
	assert_null(ps_policy_required_id(ps_policy_required_count()));
	for (size_t i = 0; i < ps_policy_required_count(); i++) {
		const char *id = ps_policy_required_id(i);

		assert_true(ps_policy_value_get(p, id) != NULL ||
			    ps_policy_table_get(p, id) != NULL);
	}
	/* Every entry carries its provenance, in id order. */
	for (size_t i = 0; i < ps_policy_value_count(p); i++) {
		const struct ps_policy_value *v = ps_policy_value_at(p, i);

		assert_non_null(v->source);
		assert_true(strlen(v->source) > 2);
		assert_non_null(v->unit);
		assert_non_null(v->doc);
		assert_string_equal(v->doc->id, v->doc_id);
		assert_true(v->line > 0);
		if (i > 0)
			assert_true(strcmp(ps_policy_value_at(p, i - 1)->id,
					   v->id) < 0);
	}
	assert_null(ps_policy_value_at(p, ps_policy_value_count(p)));
	for (size_t i = 0; i < ps_policy_table_count(p); i++)
		assert_non_null(ps_policy_table_at(p, i)->doc);
	for (size_t i = 0; i < ps_policy_doc_count(p); i++)
		assert_non_null(ps_policy_doc_at(p, i)->title);
	ps_policy_free(p);
}

static void test_protection_numbers(void **state)
{
	struct ps_policy *p = load_real();
	const struct ps_policy_value *v;
	const struct ps_policy_doc *doc;
	const char *text;
	bool flag = true;

	(void)state;
	v = ps_policy_value_get(p, "protection.filing.deadline_days");
	assert_non_null(v);
	assert_int_equal(v->v.kind, PS_POLICY_INT);
	assert_int_equal(v->v.num, 30);
	assert_string_equal(v->unit, "days");
	assert_int_equal(v->status, PS_POLICY_CONFIRMED_SECONDARY);
	assert_non_null(strstr(v->source, "Order 11 Art. 8"));
	assert_string_equal(v->doc->number, "工业和信息化部令第11号");
	assert_string_equal(v->doc->in_force, "2010-03-01");
	assert_int_equal(ps_policy_get_text(p, "protection.filing.deadline_from",
					    &text), PS_OK);
	assert_string_equal(text, "grading_review_passed");
	v = ps_policy_value_get(p, "protection.change_filing.deadline_days");
	assert_int_equal(v->v.num, 30);
	assert_int_equal(v->status, PS_POLICY_UNVERIFIED_DEFAULT);
	assert_int_equal(get_int(p, "protection.level.min"), 1);
	assert_int_equal(get_int(p, "protection.level.max"), 5);
	assert_int_equal(ps_policy_get_flag(p, "protection.level.sub_levels_enabled",
					    &flag), PS_OK);
	assert_false(flag);
	assert_int_equal(get_int(p, "protection.evaluation.annual_min_level"), 3);
	assert_int_equal(get_int(p, "protection.evaluation.biennial_min_level"), 2);
	assert_int_equal(get_int(p, "protection.risk_assessment.biennial_interval_years"),
			 2);
	assert_int_equal(get_int(p, "protection.penalty.fine_min_cny"), 5000);
	assert_int_equal(get_int(p, "protection.penalty.fine_max_cny"), 30000);
	assert_int_equal(get_int(p, "iov.evaluation.annual_min_level"), 3);
	doc = ps_policy_doc_get(p, "miit-order-11");
	assert_non_null(doc);
	assert_string_equal(doc->title, "通信网络安全防护管理办法");
	assert_null(ps_policy_doc_get(p, "no-such-doc"));
	ps_policy_free(p);
}

static void test_incident_numbers(void **state)
{
	struct ps_policy *p = load_real();
	const struct ps_policy_table *t;

	(void)state;
	assert_int_equal(get_int(p, "incident.cac2025.cii_report_hours"), 1);
	assert_int_equal(get_int(p, "incident.cac2025.state_organ_report_hours"), 2);
	assert_int_equal(get_int(p, "incident.cac2025.other_report_hours"), 4);
	assert_int_equal(get_int(p, "incident.cac2025.final_report_days"), 30);
	assert_int_equal(ps_policy_value_get(p, "incident.miit2017.report_sla_minutes")
				 ->status, PS_POLICY_UNVERIFIED_DEFAULT);

	t = ps_policy_table_get(p, "incident.miit2017.levels");
	assert_non_null(t);
	assert_int_equal(t->n_rows, 4);
	assert_int_equal(cell_int(t, "level", "一般", "leaked_users_min"), 100000);
	assert_int_equal(cell_int(t, "level", "较大", "leaked_users_min"), 1000000);
	assert_int_equal(cell_int(t, "level", "重大", "leaked_users_min"), 10000000);
	assert_int_equal(cell_int(t, "level", "特别重大", "leaked_users_min"),
			 100000000);
	assert_int_equal(cell_int(t, "level", "特别重大", "rank"), 4);
	assert_string_equal(ps_policy_table_cell(t, 2, "outage_scope")->text,
			    "several_provinces");

	t = ps_policy_table_get(p, "incident.cac2025.thresholds");
	assert_non_null(t);
	assert_int_equal(cell_int(t, "level", "较大", "cii_total_down_minutes"), 10);
	assert_int_equal(cell_int(t, "level", "较大", "cii_main_function_down_minutes"),
			 30);
	assert_int_equal(cell_int(t, "level", "重大", "cii_total_down_minutes"), 60);
	assert_int_equal(cell_int(t, "level", "重大", "cii_main_function_down_minutes"),
			 180);
	assert_int_equal(cell_int(t, "level", "特别重大", "cii_total_down_minutes"),
			 360);
	assert_int_equal(cell_int(t, "level", "特别重大", "pi_leaked_people"),
			 100000000);
	assert_int_equal(cell_int(t, "level", "重大", "direct_loss_cny"), 20000000);
	assert_int_equal(cell_int(t, "level", "较大", "defacement_views"), 10000);
	assert_int_equal(ps_policy_table_find(t, "level", "一般"), -1);
	assert_int_equal(ps_policy_table_find(t, "nope", "较大"), -1);
	assert_null(ps_policy_table_cell(t, 99, "rank"));
	assert_null(ps_policy_table_cell(t, 0, "nope"));
	ps_policy_free(p);
}

static void test_other_numbers(void **state)
{
	struct ps_policy *p = load_real();
	const struct ps_policy_table *t;
	const struct ps_policy_scalar *c;
	struct ps_date date;
	const struct ps_policy_value *v;
	int64_t n;
	bool flag;

	(void)state;
	assert_int_equal(get_int(p, "datasec.change.major_scale_percent"), 30);
	assert_int_equal(get_int(p, "datasec.change.filing_deadline_months"), 3);
	assert_int_equal(get_int(p, "datasec.review.decision_working_days"), 20);
	assert_int_equal(get_int(p, "datasec.review.resubmit_working_days"), 15);
	assert_int_equal(get_int(p, "datasec.risk_assessment.submit_working_days"),
			 10);
	assert_int_equal(get_int(p, "datasec.logs.retention_min_days"), 183);
	t = ps_policy_table_get(p, "datasec.levels");
	c = ps_policy_table_cell(t, (size_t)ps_policy_table_find(t, "name", "重要"),
				 "catalogue_required");
	assert_int_equal(c->kind, PS_POLICY_FLAG);
	assert_int_equal(c->num, 1);
	c = ps_policy_table_cell(t, (size_t)ps_policy_table_find(t, "name", "一般"),
				 "catalogue_required");
	assert_int_equal(c->num, 0);
	/* 三级 is the highest industrial level. */
	t = ps_policy_table_get(p, "industrial.levels");
	assert_int_equal(cell_int(t, "name", "三级", "rank"), 3);
	assert_int_equal(cell_int(t, "name", "一级", "rank"), 1);
	assert_int_equal(cell_int(t, "name", "三级", "evaluation_interval_years"), 1);
	assert_int_equal(cell_int(t, "name", "二级", "evaluation_interval_years"), 2);
	assert_int_equal(get_int(p, "vuln.report.sla_hours"), 48);
	assert_int_equal(get_int(p, "vuln.report.deadline_days"), 2);
	assert_int_equal(get_int(p, "antifraud.cards.per_operator_max"), 5);
	v = ps_policy_value_get(p, "antifraud.cards.total_max");
	assert_int_equal(v->v.num, 10);
	assert_int_equal(v->status, PS_POLICY_UNVERIFIED_DEFAULT);
	assert_int_equal(get_int(p, "antifraud.penalty.serious_max_cny"), 5000000);
	assert_int_equal(get_int(p, "inspection.vas_operators_min_per_province"),
			 10);
	assert_int_equal(get_int(p, "training.hours_per_person_year"), 4);
	/* Campaign deadlines are data, as real dates. */
	t = ps_policy_table_get(p, "campaign.js2024.deadlines");
	c = ps_policy_table_cell(t, (size_t)ps_policy_table_find(
					    t, "task", "protection_filing"),
				 "deadline");
	assert_int_equal(c->kind, PS_POLICY_DATE);
	assert_int_equal(c->num, 20240731);
	assert_int_equal(c->date.month, 7);
	v = ps_policy_value_get(p, "inspection.summary_due_month_day");
	assert_int_equal(v->v.kind, PS_POLICY_MONTH_DAY);
	assert_int_equal(v->v.date.month, 10);
	assert_int_equal(v->v.date.day, 31);
	/* Typed getters refuse other kinds. */
	assert_int_equal(ps_policy_get_int(p, "vuln.export.include_details", &n),
			 PS_EINVAL);
	assert_int_equal(ps_policy_get_flag(p, "vuln.report.sla_hours", &flag),
			 PS_EINVAL);
	assert_int_equal(ps_policy_get_int(p, "no.such.id", &n), PS_ENOENT);
	assert_int_equal(ps_policy_get_date(p, "vuln.report.sla_hours", &date),
			 PS_EINVAL);
	assert_int_equal(ps_policy_get_date(p, "no.such", &date), PS_ENOENT);
	assert_null(ps_policy_table_get(p, "vuln.report.sla_hours"));
	assert_null(ps_policy_value_get(p, "incident.miit2017.levels"));
	ps_policy_free(p);
}

struct fixture_case {
	const char *file;
	int rc;
	const char *msg; /* after "<dir>/bad/" */
};

static const struct fixture_case fixtures[] = {
	{"missing_source.yaml", PS_EINVAL,
	 "missing_source.yaml:11: 'test.change.deadline_days' has no 'source'"},
	{"bad_status.yaml", PS_EINVAL,
	 "bad_status.yaml:8: 'test.sla_hours' has unknown status 'confirmd' (use "
	 "confirmed, confirmed-secondary, unverified-default or interpretation); "
	 "did you mean 'confirmed'?"},
	{"invalid_date.yaml", PS_EINVAL,
	 "invalid_date.yaml:15: row 2 of 'test.deadlines' must be a real calendar "
	 "date YYYY-MM-DD for date (got '2018-09-31')"},
	{"wrong_type.yaml", PS_EINVAL,
	 "wrong_type.yaml:10: 'test.deadline_days' must be a whole number of days "
	 "(got 'thirty')"},
};

static void test_fixtures(void **state)
{
	(void)state;
	for (size_t i = 0; i < PS_ARRAY_LEN(fixtures); i++) {
		char path[4096], want[4096];
		struct ps_policy *p = (struct ps_policy *)1;
		struct ps_diag d;
		int rc;

		snprintf(path, sizeof(path), "%s/bad/%s", data_dir,
			 fixtures[i].file);
		snprintf(want, sizeof(want), "%s/bad/%s", data_dir,
			 fixtures[i].msg);
		rc = ps_policy_load_file(path, &p, &d);
		if (rc != fixtures[i].rc || strcmp(d.msg, want) != 0)
			print_error("%s: %d '%s'\n", fixtures[i].file, rc, d.msg);
		assert_int_equal(rc, fixtures[i].rc);
		assert_string_equal(d.msg, want);
		assert_null(p);
	}
}

static void test_dirs(void **state)
{
	char dir[4096], want[8400];
	struct ps_policy *p;
	struct ps_diag d;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/dup", data_dir);
	assert_int_equal(ps_policy_load_dir(dir, &p, &d), PS_EINVAL);
	snprintf(want, sizeof(want), "%s/b.yaml:9: duplicate id "
		 "'test.shared.deadline_days' (first defined at %s/a.yaml:4)",
		 dir, dir);
	assert_string_equal(d.msg, want);
	assert_null(p);

	snprintf(dir, sizeof(dir), "%s/partial", data_dir);
	assert_int_equal(ps_policy_load_dir(dir, &p, &d), PS_EINVAL);
	assert_string_equal(d.msg, "policy: required value 'protection.level.max' "
				   "is missing");
	assert_int_equal(ps_policy_load_file(dir, &p, &d), PS_EIO);

	assert_int_equal(ps_policy_load_dir("/nonexistent/policy", &p, &d),
			 PS_ENOENT);
	assert_string_equal(d.msg, "cannot open policy directory "
				   "'/nonexistent/policy': No such file or "
				   "directory");
	snprintf(dir, sizeof(dir), "%s", data_dir); /* only README.md */
	assert_int_equal(ps_policy_load_dir(dir, &p, &d), PS_ENOENT);
	assert_non_null(strstr(d.msg, "no policy files (*.yaml) in"));
	ps_policy_free(NULL);
}

#define DOC "documents:\n  - {id: doc-a, title: 文件, issuer: 测试, " \
	    "source: s, status: confirmed}\n"

static const struct fixture_case inline_cases[] = {
	{DOC "values:\n  a.b: {value: 130, unit: percent, source: s, "
	     "status: confirmed}\n",
	 PS_EINVAL,
	 "m.yaml:4: 'a.b' is 130, outside the sane range for percent (0 to 100)"},
	{DOC "values:\n  a.b: {value: -1, unit: days, source: s, "
	     "status: confirmed}\n",
	 PS_EINVAL, "m.yaml:4: 'a.b' must be a whole number of days (got '-1')"},
	{DOC "values:\n  a.b: {value: \"30\", unit: days, source: s, "
	     "status: confirmed}\n",
	 PS_EINVAL, "m.yaml:4: 'a.b' must be a whole number of days (got '30')"},
	{DOC "values:\n  a.b: {value: 99999999999999999999, unit: count, "
	     "source: s, status: confirmed}\n",
	 PS_EINVAL, "m.yaml:4: 'a.b' is 99999999999999999999, outside the sane "
		    "range for count (0 to 1000000000000)"},
	{DOC "values:\n  a.b: {value: 1__0, unit: count, "
	     "source: s, status: confirmed}\n",
	 PS_EINVAL, "m.yaml:4: 'a.b' must be a whole number of count "
		    "(got '1__0')"},
	{DOC "values:\n  a.b: {value: 1, unit: dayz, source: s, "
	     "status: confirmed}\n",
	 PS_EINVAL, "m.yaml:4: 'a.b' has unknown unit 'dayz'; did you mean "
		    "'days'?"},
	{DOC "values:\n  a.b: {value: yes, unit: flag, source: s, "
	     "status: confirmed}\n",
	 PS_EINVAL, "m.yaml:4: 'a.b' must be true or false for flag (got 'yes')"},
	{DOC "values:\n  a.b: {value: 02-30, unit: month_day, source: s, "
	     "status: confirmed}\n",
	 PS_EINVAL, "m.yaml:4: 'a.b' must be a real MM-DD for month_day "
		    "(got '02-30')"},
	{DOC "values:\n  a.b: {value: ftp://x, unit: url, source: s, "
	     "status: confirmed}\n",
	 PS_EINVAL, "m.yaml:4: 'a.b' must be valid url (got 'ftp://x')"},
	{DOC "values:\n  a.b: {value: 1, unit: days, sorce: s, "
	     "status: confirmed}\n",
	 PS_EINVAL, "m.yaml:4: unknown field 'sorce' in 'a.b'; did you mean "
		    "'source'?"},
	{DOC "values:\n  a.b: {value: 1, unit: days, source: s, "
	     "status: confirmed, document: doc-z}\n",
	 PS_EINVAL, "m.yaml:4: 'a.b' names unknown document 'doc-z'"},
	{DOC "values:\n  A.b: {value: 1, unit: days, source: s, "
	     "status: confirmed}\n",
	 PS_EINVAL, "m.yaml:4: bad id 'A.b': ids are lowercase words (a-z, 0-9, "
		    "_) joined by dots"},
	{DOC "values:\n  ab: {value: 1, unit: days, source: s, "
	     "status: confirmed}\n",
	 PS_EINVAL, "m.yaml:4: bad id 'ab': ids are lowercase words (a-z, 0-9, "
		    "_) joined by dots"},
	{DOC "values:\n  a.b:\n    value: 1\n    unit: days\n    value: 2\n",
	 PS_EINVAL, "m.yaml:7: duplicate field 'value' in 'a.b' (first on line 5)"},
	{DOC "values:\n  a.b: {value: [1], unit: days, source: s, "
	     "status: confirmed}\n",
	 PS_EINVAL, "m.yaml:4: 'value' in 'a.b' must be a single value"},
	{DOC "values:\n  a.b: &x {value: 1, unit: days, source: s, "
	     "status: confirmed}\n  a.c: *x\n",
	 PS_EINVAL, "m.yaml:4: aliases are not allowed in policy files"},
	{DOC "values:\n  a.b: {value: 1, unit: days, source: s, "
	     "status: confirmed}\ntables:\n  a.b:\n    source: s\n"
	     "    status: confirmed\n    columns: {n: count}\n    rows: [{n: 1}]\n",
	 PS_EINVAL, "m.yaml:6: duplicate id 'a.b' (first defined at m.yaml:4)"},
	{DOC "tables:\n  t.x:\n    source: s\n    status: confirmed\n"
	     "    columns: {n: count, m: label}\n    rows:\n      - {n: 1}\n",
	 PS_EINVAL, "m.yaml:9: row 1 of 't.x' has no 'm'"},
	{DOC "tables:\n  t.x:\n    source: s\n    status: confirmed\n"
	     "    columns: {n: count}\n    rows:\n      - {n: 1, q: 2}\n",
	 PS_EINVAL, "m.yaml:9: row 1 of 't.x' has unknown column 'q'"},
	{DOC "tables:\n  t.x:\n    source: s\n    status: confirmed\n"
	     "    columns: {n: count}\n    rows: []\n",
	 PS_EINVAL, "m.yaml:8: table 't.x' has no rows"},
	{DOC "tables:\n  t.x:\n    source: s\n    status: confirmed\n"
	     "    rows: [{n: 1}]\n",
	 PS_EINVAL, "m.yaml:4: table 't.x' has no 'columns'"},
	{"documents:\n  - {id: doc-a, title: t, issuer: i, source: s, "
	 "status: confirmed, in_force: 2025-02-29}\n",
	 PS_EINVAL, "m.yaml:2: document 'doc-a' must be a real calendar date "
		    "YYYY-MM-DD for date (got '2025-02-29')"},
	{"documents:\n  - {id: doc-a, title: t, issuer: i, source: s, "
	 "status: confirmed}\n  - {id: doc-a, title: t, issuer: i, source: s, "
	 "status: confirmed}\n",
	 PS_EINVAL, "m.yaml:3: duplicate document id 'doc-a' (first defined at "
		    "m.yaml:2)"},
	{"documents: []\n", PS_EINVAL,
	 "m.yaml:1: 'documents' must list at least one document"},
	{"", PS_EINVAL, "m.yaml:1: empty policy file (no 'documents')"},
	{"# only a comment\n", PS_EINVAL,
	 "m.yaml:1: empty policy file (no 'documents')"},
	{"- 1\n", PS_EINVAL, "m.yaml:1: a policy file must be a mapping"},
	{"values: {}\n", PS_EINVAL, "m.yaml:1: a policy file has no 'documents'"},
	{DOC "extra: 1\n", PS_EINVAL,
	 "m.yaml:3: unknown field 'extra' in a policy file"},
	{DOC "---\n" DOC, PS_EINVAL, "m.yaml:4: only one YAML document is allowed"},
	{DOC "values:\n  a.b: {value: 1\n", PS_EPROTO,
	 "m.yaml:5:1: did not find expected ',' or '}' while parsing a flow "
	 "mapping"},
	{DOC "values:\n  a.b: {value: \"a\\0b\", unit: text, source: s, "
	     "status: confirmed}\n",
	 PS_EINVAL, "m.yaml:4: 'a.b' must not contain NUL bytes"},
};

static void test_inline_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < PS_ARRAY_LEN(inline_cases); i++) {
		const struct fixture_case *fc = &inline_cases[i];
		struct ps_policy *p = NULL;
		struct ps_diag d = {{0}};
		int rc = ps_policy_load_mem("m.yaml", fc->file, strlen(fc->file),
					    &p, &d);

		if (rc != fc->rc || strcmp(d.msg, fc->msg) != 0)
			print_error("case %zu: %d '%s'\n", i, rc, d.msg);
		assert_int_equal(rc, fc->rc);
		assert_string_equal(d.msg, fc->msg);
		assert_null(p);
	}
}

/* The digest is SM3 over base name, NUL, bytes of each file in order. */
static void test_digest(void **state)
{
	static const char text[] = DOC "values:\n"
		"  a.n: {value: 1, unit: count, source: s, status: confirmed}\n";
	uint8_t want[PS_SM3_LEN];
	struct ps_sm3_ctx ctx;
	struct ps_policy *p = NULL, *q = NULL;
	struct ps_diag d;

	(void)state;
	assert_int_equal(ps_sm3_init(&ctx), PS_OK);
	assert_int_equal(ps_sm3_update(&ctx, "m.yaml", 7), PS_OK);
	assert_int_equal(ps_sm3_update(&ctx, text, strlen(text)), PS_OK);
	assert_int_equal(ps_sm3_final(&ctx, want), PS_OK);
	assert_int_equal(ps_policy_load_mem("dir/m.yaml", text, strlen(text), &p, &d),
			 PS_OK);
	assert_memory_equal(ps_policy_sm3(p), want, PS_SM3_LEN);
	/* another name, same bytes: another digest */
	assert_int_equal(ps_policy_load_mem("n.yaml", text, strlen(text), &q, &d),
			 PS_OK);
	assert_memory_not_equal(ps_policy_sm3(q), want, PS_SM3_LEN);
	ps_policy_free(p);
	ps_policy_free(q);
}

static void test_valid_mem(void **state)
{
	static const char text[] =
		DOC "values:\n"
		"  a.count: {value: 100_000_000, unit: count, source: s, "
		"status: interpretation, note: n}\n"
		"  a.flag: {value: false, unit: flag, source: s, status: "
		"unverified-default}\n"
		"  a.day: {value: 2024-02-29, unit: date, source: s, status: "
		"confirmed-secondary}\n"
		"  a.md: {value: 02-29, unit: month_day, source: s, status: "
		"confirmed}\n";
	struct ps_policy *p;
	struct ps_diag d;
	struct ps_date date;
	const struct ps_policy_value *v;

	(void)state;
	assert_int_equal(ps_policy_load_mem("m.yaml", text, strlen(text), &p, &d),
			 PS_OK);
	v = ps_policy_value_get(p, "a.count");
	assert_int_equal(v->v.num, 100000000);
	assert_string_equal(v->v.text, "100000000");
	assert_string_equal(v->note, "n");
	assert_string_equal(v->doc_id, "doc-a");
	assert_int_equal(ps_policy_get_date(p, "a.day", &date), PS_OK);
	assert_int_equal(date.year, 2024);
	assert_int_equal(date.day, 29);
	assert_null(ps_policy_value_get(p, "a.flag")->note);
	/* A single file is not checked against the required list... */
	assert_int_equal(ps_policy_check_required(p, &d), PS_EINVAL);
	assert_string_equal(d.msg, "policy: required value "
				   "'protection.level.min' is missing");
	ps_policy_free(p);
	/* ...but a required id of the wrong kind is named with its line. */
	{
		static const char wrong[] =
			DOC "values:\n  protection.level.min: {value: true, "
			"unit: flag, source: s, status: confirmed}\n";

		assert_int_equal(ps_policy_load_mem("w.yaml", wrong,
						    strlen(wrong), &p, &d),
				 PS_OK);
		assert_int_equal(ps_policy_check_required(p, &d), PS_EINVAL);
		assert_string_equal(d.msg, "w.yaml:4: 'protection.level.min' "
					   "must be an integer");
		ps_policy_free(p);
	}
}

/* Print in `fmt` into a buffer through a temporary file. */
static size_t print_to(const struct ps_policy *p, enum ps_policy_format fmt,
		       const char *prefix, char *buf, size_t cap)
{
	FILE *f = tmpfile();
	size_t len;

	assert_non_null(f);
	assert_int_equal(ps_policy_print(p, f, fmt, prefix), PS_OK);
	rewind(f);
	len = fread(buf, 1, cap - 1, f);
	assert_true(len < cap - 1);
	buf[len] = '\0';
	fclose(f);
	return len;
}

static void test_print(void **state)
{
	static char buf[1 << 20];
	struct ps_policy *p = load_real();
	json_error_t jerr;
	json_t *root, *vals;
	size_t len, lines = 0;

	(void)state;
	len = print_to(p, PS_POLICY_FMT_JSON, NULL, buf, sizeof(buf));
	root = json_loadb(buf, len, 0, &jerr);
	if (root == NULL)
		print_error("json: %s at line %d\n", jerr.text, jerr.line);
	assert_non_null(root);
	vals = json_object_get(root, "values");
	assert_int_equal(json_array_size(vals), ps_policy_value_count(p));
	assert_int_equal(json_array_size(json_object_get(root, "tables")),
			 ps_policy_table_count(p));
	json_decref(root);

	len = print_to(p, PS_POLICY_FMT_JSON, "protection.filing.", buf,
		       sizeof(buf));
	root = json_loadb(buf, len, 0, &jerr);
	assert_non_null(root);
	vals = json_object_get(root, "values");
	assert_true(json_array_size(vals) >= 2);
	for (size_t i = 0; i < json_array_size(vals); i++) {
		json_t *v = json_array_get(vals, i);
		const char *id = json_string_value(json_object_get(v, "id"));

		assert_int_equal(strncmp(id, "protection.filing.", 18), 0);
		if (strcmp(id, "protection.filing.deadline_days") == 0)
			assert_int_equal(json_integer_value(
						 json_object_get(v, "value")), 30);
	}
	assert_int_equal(json_array_size(json_object_get(root, "documents")), 1);
	json_decref(root);

	print_to(p, PS_POLICY_FMT_CSV, "datasec.levels", buf, sizeof(buf));
	for (char *s = buf; (s = strchr(s, '\n')) != NULL; s++)
		lines++;
	assert_int_equal(lines, 1 + 3 * 3); /* header + 3 rows x 3 columns */
	assert_non_null(strstr(buf, "datasec.levels[1].name,重要,label,"));

	print_to(p, PS_POLICY_FMT_TABLE, NULL, buf, sizeof(buf));
	assert_non_null(strstr(buf, "protection.filing.deadline_days"));
	assert_non_null(strstr(buf, "incident.cac2025.thresholds"));
	assert_int_equal(ps_policy_print(p, stdout, (enum ps_policy_format)9,
					 NULL), PS_EINVAL);
	assert_string_equal(ps_policy_status_name(PS_POLICY_INTERPRETATION),
			    "interpretation");
	assert_string_equal(ps_policy_status_name(PS_POLICY_STATUS__COUNT),
			    "unknown");
	ps_policy_free(p);
}

static int load_and_free(void *arg)
{
	struct ps_policy *p = NULL;
	struct ps_diag d;
	int rc = ps_policy_load_dir(arg, &p, &d);

	if (rc == PS_OK) {
		int64_t v = 0;

		if (ps_policy_get_int(p, "protection.filing.deadline_days", &v) !=
			    PS_OK || v != 30)
			rc = PS_EINVAL;
	} else if (p != NULL) {
		rc = PS_OK; /* a failed load must not hand out a policy */
	}
	ps_policy_free(p);
	return rc;
}

static void test_torture(void **state)
{
	struct ps_mem_stats before, after;
	long runs;

	(void)state;
	ps_mem_stats_get(PS_MEM_POLICY, &before);
	runs = ps_mem_torture(load_and_free, policy_dir, true);
	print_message("policy torture: %ld runs\n", runs);
	assert_true(runs > 10);
	ps_mem_stats_get(PS_MEM_POLICY, &after);
	assert_int_equal(after.bytes, before.bytes);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_loads),
		cmocka_unit_test(test_digest),
		cmocka_unit_test(test_protection_numbers),
		cmocka_unit_test(test_incident_numbers),
		cmocka_unit_test(test_other_numbers),
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_dirs),
		cmocka_unit_test(test_inline_errors),
		cmocka_unit_test(test_valid_mem),
		cmocka_unit_test(test_print),
		cmocka_unit_test(test_torture),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
