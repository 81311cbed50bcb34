/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The calendar's input loaded from a registry built with ps_reg_insert, on
 * the backend named by argv[1]: "sqlite" (default; a fresh file per test)
 * or "pgsql" (PANSHI_TEST_PG_DSN, a fresh schema per test; exit 77 without
 * it). Conversions, unit and operator filters, the calendar computed from
 * the loaded records, stored values that do not convert, and `panshi
 * calendar` run in-process (SQLite only: the CLI cannot name a schema).
 */
#include <setjmp.h>
#include <stdarg.h>
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
#include "policy/policy.h"
#include "registry/calendar.h"
#include "registry/registry.h"
#include "store/store.h"

#define OK(x) assert_int_equal((x), PS_OK)

struct fx {
	struct ps_store *st;
	struct ps_store_settings set;
	struct ps_registry r;
	struct ps_diag d;
	struct ps_cal_input in;
	struct ps_cal_result res;
	char spec[512];
	char schema[64];
};

#define REG_FX_NAME "cal"
#define REG_FX_TODAY ((struct ps_date){2026, 2, 1})

/* The calendar input and result of a test go with its store. */
static void fx_teardown(struct fx *f)
{
	ps_cal_result_release(&f->res);
	ps_cal_input_release(&f->in);
}

#define REG_FX_TEARDOWN(f) fx_teardown(f)
#include "reg_fixture.h"

/* Insert a record of `kind` from "field=value" strings, NULL-terminated. */
static void add(struct fx *f, const char *kind, ...)
{
	struct ps_reg_record *r = ps_reg_record_new(ps_reg_kind_find(kind));
	const char *kv;
	va_list ap;
	int rc;

	assert_non_null(r);
	va_start(ap, kind);
	while ((kv = va_arg(ap, const char *)) != NULL) {
		const char *eq = strchr(kv, '=');
		char name[64];

		assert_non_null(eq);
		snprintf(name, sizeof(name), "%.*s", (int)(eq - kv), kv);
		OK(ps_reg_record_set(r, name, eq + 1));
	}
	va_end(ap);
	rc = ps_reg_insert(&f->r, r, &f->d);
	ps_reg_record_free(r);
	if (rc != PS_OK)
		fail_msg("insert %s: %s", kind, f->d.msg);
}

#define ADD(f, ...) add(f, __VA_ARGS__, NULL)

static struct ps_date dt(const char *s)
{
	struct ps_date d = {0};

	if (ps_date_parse(s, strlen(s), &d) != PS_OK)
		fail_msg("bad test date %s", s);
	return d;
}

/* A small registry: one operator in Jiangsu with two units, a change, an
 * enterprise, a vehicle platform, a filed catalogue entry that grew 30%,
 * assessments, training, a drill, an ICP change and crypto systems; and a
 * second operator with one unit. */
static void seed(struct fx *f)
{
	struct ps_reg_record *r = NULL;

	ADD(f, "operator", "key=OP-1", "name=磐石电信", "type=basic_telecom",
	    "province=江苏", "log_retention_days=200");
	ADD(f, "operator", "key=OP-2", "name=其他", "type=idc", "province=广东");
	ADD(f, "dept", "key=D-1", "operator=OP-1", "name=网络安全部");
	ADD(f, "dept", "key=D-2", "operator=OP-2", "name=安全部");
	ADD(f, "person", "key=P-1", "name=张三", "dept=D-1", "security_staff=yes");
	ADD(f, "person", "key=P-2", "name=李四", "dept=D-2", "security_staff=yes");
	ADD(f, "unit", "key=U-1", "operator=OP-1", "name=核心网", "type=basic_telecom",
	    "level=3", "grading_review_date=2026-01-10", "filing_status=filed",
	    "filing_date=2026-01-20", "filing_no=BA-1", "person=P-1");
	ADD(f, "unit", "key=U-2", "operator=OP-1", "name=门户", "type=internet", "level=2",
	    "grading_review_date=2026-02-01");
	ADD(f, "unit", "key=U-9", "operator=OP-2", "name=机房", "type=idc", "level=1",
	    "grading_review_date=2025-12-01");
	ADD(f, "unit_change", "key=CHG-1", "unit=U-1", "change_date=2026-02-10",
	    "reason=扩容");
	ADD(f, "iie", "key=IIE-1", "operator=OP-1", "name=工厂", "class=platform",
	    "level=三级", "grading_date=2025-03-01");
	ADD(f, "iov", "key=IOV-1", "operator=OP-1", "name=车联网平台", "kind=platform",
	    "level=3", "filing_date=2025-06-01");
	ADD(f, "catalog", "key=DC-1", "operator=OP-1", "name=用户数据", "category=用户信息",
	    "level=重要", "records=1000", "storage_gb=10");
	OK(ps_reg_catalog_file(&f->r, "DC-1", dt("2026-01-05"), &f->d));
	OK(ps_reg_get(&f->r, ps_reg_kind_find("catalog"), "DC-1", &r));
	OK(ps_reg_record_set(r, "records", "1300"));
	OK(ps_reg_update(&f->r, r, &f->d)); /* change_date: r.today, 2026-02-01 */
	ps_reg_record_free(r);
	ADD(f, "assessment", "key=AS-1", "target_kind=unit", "target=U-1", "kind=conformity",
	    "date=2026-01-15");
	ADD(f, "assessment", "key=AS-2", "target_kind=operator", "target=OP-1",
	    "kind=data_risk", "date=2025-12-01", "report_date=2025-12-05");
	ADD(f, "assessment", "key=AS-9", "target_kind=unit", "target=U-9", "kind=risk",
	    "date=2025-12-15");
	ADD(f, "training", "key=TR-1", "person=P-1", "date=2026-01-20", "hours=2.5",
	    "data_security=yes");
	ADD(f, "training", "key=TR-2", "person=P-2", "date=2026-01-20", "hours=4");
	ADD(f, "drill", "key=DR-1", "operator=OP-1", "kind=live", "date=2026-02-01",
	    "scenario=DDoS");
	ADD(f, "icp", "key=ICP-1", "operator=OP-1", "filing_no=苏ICP备0001号",
	    "domain=example.cn", "holder=磐石", "change_date=2026-02-01");
	ADD(f, "crypto", "key=CA-1", "operator=OP-1", "system=门户", "algorithms=SM2,SM3");
	ADD(f, "crypto", "key=CA-2", "operator=OP-1", "system=计费", "algorithms=SM4");
}

static const struct ps_cal_item *find(const struct ps_cal_result *res, const char *rule,
				      const char *key)
{
	for (size_t i = 0; i < res->n; i++)
		if (strcmp(res->items[i].rule, rule) == 0 &&
		    strcmp(res->items[i].subject_key, key) == 0)
			return &res->items[i];
	return NULL;
}

static void expect(const struct ps_cal_result *res, const char *rule, const char *key,
		   enum ps_cal_status st, const char *due)
{
	const struct ps_cal_item *it = find(res, rule, key);
	char s[PS_DATE_FMT_SIZE] = "";

	if (it == NULL)
		fail_msg("no %s for %s", rule, key);
	if (it->status != st)
		fail_msg("%s %s: %s (%s)", rule, key, ps_cal_status_name(it->status),
			 it->expl_en);
	if (due != NULL) {
		OK(ps_date_fmt(it->due, s, sizeof(s)));
		assert_string_equal(s, due);
	}
}

static void compute(struct fx *f, const char *as_of)
{
	ps_cal_result_release(&f->res);
	if (ps_cal_compute(&f->in, pol, dt(as_of), NULL, &f->res, &f->d) != PS_OK)
		fail_msg("compute: %s", f->d.msg);
}

static void test_load_all(void **state)
{
	struct fx *f = *state;
	const struct ps_cal_catalog *c;

	seed(f);
	if (ps_cal_load(&f->r, NULL, &f->in, &f->d) != PS_OK)
		fail_msg("load: %s", f->d.msg);
	assert_int_equal(f->in.n_operators, 2);
	assert_int_equal(f->in.n_persons, 2);
	assert_int_equal(f->in.n_units, 3);
	assert_int_equal(f->in.n_changes, 1);
	assert_int_equal(f->in.n_iies, 1);
	assert_int_equal(f->in.n_iovs, 1);
	assert_int_equal(f->in.n_catalogs, 1);
	assert_int_equal(f->in.n_assessments, 3);
	assert_int_equal(f->in.n_trainings, 2);
	assert_int_equal(f->in.n_drills, 1);
	assert_int_equal(f->in.n_icps, 1);
	assert_int_equal(f->in.n_cryptos, 2);
	/* conversions */
	assert_string_equal(f->in.operators[0].key, "OP-1");
	assert_true(f->in.operators[0].has_log_retention);
	assert_int_equal(f->in.operators[0].log_retention_days, 200);
	assert_false(f->in.operators[1].has_log_retention);
	assert_int_not_equal(f->in.operators[0].since.month, 0);
	assert_string_equal(f->in.persons[0].operator, "OP-1");
	assert_true(f->in.persons[0].security_staff);
	assert_int_equal(f->in.units[0].level, 3);
	assert_int_equal(ps_date_cmp(f->in.units[0].review_date, dt("2026-01-10")), 0);
	assert_int_equal(f->in.units[1].filing_date.month, 0);
	assert_string_equal(f->in.iies[0].level, "三级");
	assert_int_equal(f->in.trainings[0].centihours, 250);
	assert_true(f->in.trainings[0].data_security);
	assert_int_equal(f->in.trainings[1].centihours, 400);
	c = &f->in.catalogs[0];
	assert_non_null(c->filed_values);
	assert_int_equal(ps_date_cmp(c->change_date, dt("2026-02-01")), 0);
	assert_string_equal(c->vals[ps_reg_field_find(ps_reg_kind_find("catalog"), "records")],
			    "1300");

	/* the calendar of the loaded records */
	compute(f, "2026-03-01");
	expect(&f->res, "protection.filing", "U-1", PS_CAL_DONE, "2026-02-09");
	expect(&f->res, "protection.filing", "U-2", PS_CAL_DUE, "2026-03-03");
	expect(&f->res, "protection.change_filing", "CHG-1", PS_CAL_DUE, "2026-03-12");
	expect(&f->res, "protection.evaluation", "U-1", PS_CAL_DONE, "2027-01-15");
	expect(&f->res, "protection.risk_assessment", "U-1", PS_CAL_DUE, "2027-01-10");
	expect(&f->res, "industrial.evaluation", "IIE-1", PS_CAL_DUE, "2026-03-01");
	expect(&f->res, "iov.evaluation", "IOV-1", PS_CAL_DUE, "2026-06-01");
	expect(&f->res, "datasec.catalogue", "OP-1", PS_CAL_DONE, NULL);
	expect(&f->res, "datasec.catalogue_change", "DC-1", PS_CAL_DUE, "2026-05-01");
	expect(&f->res, "datasec.risk_assessment", "OP-1", PS_CAL_DONE, "2026-12-05");
	expect(&f->res, "drills.yearly.live", "OP-1", PS_CAL_DONE, "2027-12-31");
	expect(&f->res, "training.hours", "P-2", PS_CAL_DONE, "2027-12-31");
	expect(&f->res, "training.data_security", "OP-1", PS_CAL_DONE, "2027-12-31");
	expect(&f->res, "datasec.logs.retention", "OP-1", PS_CAL_DONE, NULL);
	expect(&f->res, "datasec.logs.retention", "OP-2", PS_CAL_DUE, NULL);
	expect(&f->res, "filing.icp.change", "ICP-1", PS_CAL_DUE, "2026-03-03");
	expect(&f->res, "practice.commercial_crypto", "OP-1", PS_CAL_DONE, NULL);
	assert_null(find(&f->res, "protection.evaluation", "U-9"));
}

static void test_filters(void **state)
{
	struct fx *f = *state;
	struct ps_cal_filter flt = {.operator = "OP-2"};

	seed(f);
	OK(ps_cal_load(&f->r, &flt, &f->in, &f->d));
	assert_int_equal(f->in.n_operators, 1);
	assert_false(f->in.operators[0].names_only);
	assert_int_equal(f->in.n_units, 1);
	assert_string_equal(f->in.units[0].key, "U-9");
	assert_int_equal(f->in.n_persons, 1);
	assert_string_equal(f->in.persons[0].key, "P-2");
	assert_int_equal(f->in.n_trainings, 1);
	assert_int_equal(f->in.n_assessments, 1);
	assert_int_equal(f->in.n_changes + f->in.n_catalogs + f->in.n_drills + f->in.n_icps +
			 f->in.n_cryptos + f->in.n_iies + f->in.n_iovs, 0);
	ps_cal_input_release(&f->in);

	/* a unit: the unit, its change and assessments; owners by name only */
	flt = (struct ps_cal_filter){.unit = "U-1"};
	OK(ps_cal_load(&f->r, &flt, &f->in, &f->d));
	assert_int_equal(f->in.n_units, 1);
	assert_int_equal(f->in.n_changes, 1);
	assert_int_equal(f->in.n_assessments, 1);
	assert_int_equal(f->in.n_operators, 1);
	assert_true(f->in.operators[0].names_only);
	assert_int_equal(f->in.n_persons, 1);
	assert_true(f->in.persons[0].names_only);
	assert_int_equal(f->in.n_catalogs + f->in.n_drills + f->in.n_trainings, 0);
	compute(f, "2026-03-01");
	assert_int_equal(f->res.n, 4); /* filing, change, evaluation, risk assessment */
	for (size_t i = 0; i < f->res.n; i++)
		assert_string_equal(f->res.items[i].unit_key, "U-1");
	assert_string_equal(find(&f->res, "protection.filing", "U-1")->person_name, "张三");
	ps_cal_input_release(&f->in);

	flt = (struct ps_cal_filter){.unit = "U-404"};
	assert_int_equal(ps_cal_load(&f->r, &flt, &f->in, &f->d), PS_ENOENT);
	assert_string_equal(f->d.msg, "no unit 'U-404'");
	ps_cal_input_release(&f->in);
	flt = (struct ps_cal_filter){.operator = "OP-404"};
	assert_int_equal(ps_cal_load(&f->r, &flt, &f->in, &f->d), PS_ENOENT);
	assert_string_equal(f->d.msg, "no operator 'OP-404'");
}

/* Values that bypassed validation are refused naming the record and field. */
static void test_bad_stored(void **state)
{
	struct fx *f = *state;

	seed(f);
	OK(ps_store_exec(f->st, "UPDATE reg_units SET \"level\" = '7' WHERE \"key\" = 'U-2'"));
	OK(ps_cal_load(&f->r, NULL, &f->in, &f->d));
	assert_int_equal(ps_cal_compute(&f->in, pol, dt("2026-03-01"), NULL, &f->res, &f->d),
			 PS_EINVAL);
	assert_non_null(strstr(f->d.msg, "unit 'U-2': field 'level': 7 is outside 1..5"));
	assert_int_equal(f->res.n, 0);
	ps_cal_input_release(&f->in);

	OK(ps_store_exec(f->st, "UPDATE reg_units SET \"level\" = 'x' WHERE \"key\" = 'U-2'"));
	assert_int_equal(ps_cal_load(&f->r, NULL, &f->in, &f->d), PS_EINVAL);
	assert_string_equal(f->d.msg, "unit 'U-2': field 'level': 'x' is not a level");
	ps_cal_input_release(&f->in);

	OK(ps_store_exec(f->st, "UPDATE reg_units SET \"level\" = '2', "
			 "\"grading_review_date\" = '2023-02-29' WHERE \"key\" = 'U-2'"));
	assert_int_equal(ps_cal_load(&f->r, NULL, &f->in, &f->d), PS_EINVAL);
	assert_string_equal(f->d.msg, "unit 'U-2': field 'grading_review_date': '2023-02-29' "
			    "is not a valid date");
}

/* ---- the CLI, in-process, on the fixture's SQLite file --------------------------------- */

static char out[1 << 17], err[1 << 14];

static void slurp(FILE *fp, char *buf, size_t n)
{
	size_t got;

	rewind(fp);
	got = fread(buf, 1, n - 1, fp);
	buf[got] = '\0';
	fclose(fp);
}

/* panshi --db DB --policy-dir POLICY --lang en calendar args... */
static int cli(const char *db, ...)
{
	char *argv[32], pdir[1024];
	const char *src = getenv("PANSHI_SOURCE_DIR"), *a;
	FILE *o = tmpfile(), *e = tmpfile();
	int argc = 0, rc;
	va_list ap;

	assert_non_null(o);
	assert_non_null(e);
	snprintf(pdir, sizeof(pdir), "%s/policy", src != NULL ? src : ".");
	argv[argc++] = (char *)"panshi";
	argv[argc++] = (char *)"--db";
	argv[argc++] = (char *)db;
	argv[argc++] = (char *)"--policy-dir";
	argv[argc++] = pdir;
	argv[argc++] = (char *)"--lang";
	argv[argc++] = (char *)"en";
	argv[argc++] = (char *)"calendar";
	va_start(ap, db);
	while ((a = va_arg(ap, const char *)) != NULL && argc < 31)
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	rc = ps_cli_run(argc, argv, o, e);
	slurp(o, out, sizeof(out));
	slurp(e, err, sizeof(err));
	return rc;
}

#define CLI(f, ...) cli((f)->spec, __VA_ARGS__, NULL)

static void test_cli(void **state)
{
	struct fx *f = *state;
	json_t *j, *first;
	json_error_t jerr;
	size_t lines = 0;

	if (is_pg())
		skip(); /* the CLI cannot name the test schema */
	seed(f);
	assert_int_equal(CLI(f, "--as-of", "2026-03-01", "--format", "json"), 0);
	j = json_loads(out, 0, &jerr);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "as_of")), "2026-03-01");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "summary"),
							       "overdue")), 1);
	first = json_array_get(json_object_get(j, "obligations"), 0);
	assert_non_null(first);
	/* U-9, reviewed 2025-12-01 and never filed, comes first */
	assert_string_equal(json_string_value(json_object_get(first, "status")), "overdue");
	assert_string_equal(json_string_value(json_object_get(first, "unit")), "U-9");
	assert_string_equal(json_string_value(json_object_get(first, "due")), "2025-12-31");
	assert_true(json_is_array(json_object_get(first, "policy")));
	json_decref(j);

	/* overdue items are data: exit 0; sorted overdue first */
	assert_int_equal(CLI(f, "--as-of", "2026-12-01", "--rule", "protection."), 0);
	assert_true(strncmp(out, "status", 6) == 0);
	assert_non_null(strstr(out, "\noverdue  2026-03-03  protection.filing  "));
	assert_non_null(strstr(out, "\n3 overdue, 3 due, 0 upcoming, 2 done as of 2026-12-01\n"));
	assert_int_equal(CLI(f, "--as-of", "2026-12-01", "--status", "overdue"), 0);
	assert_null(strstr(out, "\ndone"));
	assert_null(strstr(out, "\ndue "));

	/* one unit as CSV: a header and its four obligations */
	assert_int_equal(CLI(f, "--as-of", "2026-03-01", "--unit", "U-1", "--format", "csv"), 0);
	for (const char *p = out; (p = strchr(p, '\n')) != NULL; p++)
		lines++;
	assert_int_equal(lines, 5);
	assert_true(strncmp(out, "status,late,manual,due,", 23) == 0);

	/* the mode override changes a rolling duty into a calendar-year one */
	assert_int_equal(CLI(f, "--as-of", "2026-03-01", "--unit", "U-1", "--mode",
			     "calendar_year", "--rule", "protection.evaluation"), 0);
	assert_non_null(strstr(out, "2027-12-31"));

	/* usage errors exit 2 with a clear message; a missing unit exits 1 */
	assert_int_equal(CLI(f, "--as-of", "2026-02-30"), 2);
	assert_non_null(strstr(err, "--as-of: '2026-02-30' does not exist: 2026-02 has 28 days"));
	assert_int_equal(CLI(f, "--as-of", "2026/03/01"), 2);
	assert_non_null(strstr(err, "is not a date (use YYYY-MM-DD)"));
	assert_int_equal(CLI(f, "--mode", "weekly"), 2);
	assert_int_equal(CLI(f, "--status", "late"), 2);
	assert_int_equal(CLI(f, "--bogus", "1"), 2);
	assert_int_equal(CLI(f, "--unit", "U-404"), 1);
	assert_non_null(strstr(err, "no unit 'U-404'"));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_load_all, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_stored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cli, setup, teardown),
	};

	ps_i18n_set_lang(PS_LANG_EN);
	return reg_run(argc, argv, tests);
}
