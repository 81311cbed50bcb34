/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The compliance-calendar engine on hand-built inputs and the real policy/
 * directory: every rule the day before, of and after its deadline, leap
 * years, month-end clamping, rolling against calendar-year windows, the 30%
 * boundary, and invalid levels and dates refused with the field named.
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
#include "registry/calendar.h"
#include "registry/registry.h"

#define OK(x) assert_int_equal((x), PS_OK)

static struct ps_policy *pol;
static struct ps_cal_result res;
static struct ps_diag diag;

static struct ps_date dt(const char *s)
{
	struct ps_date d = {0};

	if (ps_date_parse(s, strlen(s), &d) != PS_OK)
		fail_msg("bad test date %s", s);
	return d;
}

static int run_opt(const struct ps_cal_input *in, const char *as_of,
		   const struct ps_cal_options *o)
{
	ps_cal_result_release(&res);
	memset(&diag, 0, sizeof(diag));
	return ps_cal_compute(in, pol, dt(as_of), o, &res, &diag);
}

static void run(const struct ps_cal_input *in, const char *as_of)
{
	int rc = run_opt(in, as_of, NULL);

	if (rc != PS_OK)
		fail_msg("compute: %s", diag.msg);
}

static void run_mode(const struct ps_cal_input *in, const char *as_of, enum ps_cal_mode m)
{
	struct ps_cal_options o;

	ps_cal_options_default(&o);
	o.mode = m;
	if (run_opt(in, as_of, &o) != PS_OK)
		fail_msg("compute: %s", diag.msg);
}

static const struct ps_cal_item *find(const char *rule, const char *key)
{
	for (size_t i = 0; i < res.n; i++)
		if (strcmp(res.items[i].rule, rule) == 0 &&
		    strcmp(res.items[i].subject_key, key) == 0)
			return &res.items[i];
	return NULL;
}

static size_t count_rule(const char *prefix)
{
	size_t n = 0;

	for (size_t i = 0; i < res.n; i++)
		n += strncmp(res.items[i].rule, prefix, strlen(prefix)) == 0;
	return n;
}

static void date_is(struct ps_date d, const char *want)
{
	char s[PS_DATE_FMT_SIZE] = "";

	if (want == NULL) {
		assert_int_equal(d.month, 0);
		return;
	}
	OK(ps_date_fmt(d, s, sizeof(s)));
	assert_string_equal(s, want);
}

/* The item of `rule` for `key` has status `st` and due date `due` (NULL: none). */
static const struct ps_cal_item *expect(const char *rule, const char *key,
					enum ps_cal_status st, const char *due)
{
	const struct ps_cal_item *it = find(rule, key);

	if (it == NULL)
		fail_msg("no %s for %s", rule, key);
	if (it->status != st)
		fail_msg("%s %s: status %s, want %s (%s)", rule, key,
			 ps_cal_status_name(it->status), ps_cal_status_name(st), it->expl_en);
	date_is(it->due, due);
	return it;
}

static void expect_none(const char *rule, const char *key)
{
	if (find(rule, key) != NULL)
		fail_msg("unexpected %s for %s: %s", rule, key, find(rule, key)->expl_en);
}

static void expect_error(const struct ps_cal_input *in, const char *want)
{
	assert_int_equal(run_opt(in, "2026-06-01", NULL), PS_EINVAL);
	if (strstr(diag.msg, want) == NULL)
		fail_msg("message '%s' lacks '%s'", diag.msg, want);
	assert_int_equal(res.n, 0);
}

static const struct ps_cal_operator op1 = {.key = "OP-1", .name = "磐石通信",
					   .province = "江苏省", .has_log_retention = true,
					   .log_retention_days = 200};

/* ---- network units ---------------------------------------------------------------- */

static void test_filing(void **state)
{
	struct ps_cal_unit u = {.key = "U-1", .name = "核心网", .operator = "OP-1",
				.person = "P-1", .level = 3,
				.review_date = dt("2026-03-02")};
	struct ps_cal_person pe = {.key = "P-1", .name = "张三", .operator = "OP-1"};
	struct ps_cal_input in = {.operators = &op1, .n_operators = 1, .units = &u,
				  .n_units = 1, .persons = &pe, .n_persons = 1};
	const struct ps_cal_item *it;

	(void)state;
	/* review + 30 days = 2026-04-01: the day before, of and after */
	run(&in, "2026-03-31");
	it = expect("protection.filing", "U-1", PS_CAL_DUE, "2026-04-01");
	assert_string_equal(it->subject_kind, "unit");
	assert_string_equal(it->operator_name, "磐石通信");
	assert_string_equal(it->person_name, "张三");
	assert_string_equal(it->policy_id[0], "protection.filing.deadline_days");
	assert_non_null(strstr(it->policy_source[0], "MIIT Order 11 Art. 8"));
	assert_non_null(strstr(it->expl_en, "30 days after the grading review passed on 2026-03-02"));
	assert_non_null(strstr(it->expl_zh, "定级评审于2026-03-02通过"));
	run(&in, "2026-04-01");
	expect("protection.filing", "U-1", PS_CAL_DUE, "2026-04-01");
	run(&in, "2026-04-02");
	expect("protection.filing", "U-1", PS_CAL_OVERDUE, "2026-04-01");

	/* filed on the due date: in time; the day after: done but late */
	u.filing_date = dt("2026-04-01");
	run(&in, "2026-05-01");
	it = expect("protection.filing", "U-1", PS_CAL_DONE, "2026-04-01");
	assert_false(it->late);
	date_is(it->done, "2026-04-01");
	u.filing_date = dt("2026-04-02");
	run(&in, "2026-05-01");
	it = expect("protection.filing", "U-1", PS_CAL_DONE, "2026-04-01");
	assert_true(it->late);
	assert_non_null(strstr(it->expl_en, "1 day late"));
	/* a filing dated after as_of has not happened yet */
	run(&in, "2026-04-01");
	expect("protection.filing", "U-1", PS_CAL_DUE, "2026-04-01");
	/* rejected: not done */
	u.filing_rejected = true;
	run(&in, "2026-05-01");
	expect("protection.filing", "U-1", PS_CAL_OVERDUE, "2026-04-01");
	u.filing_rejected = false;

	/* leap year: 2024-01-31 + 30 days = 2024-03-01 */
	u.review_date = dt("2024-01-31");
	u.filing_date = dt("2024-03-01");
	run(&in, "2024-02-29");
	expect("protection.filing", "U-1", PS_CAL_DUE, "2024-03-01");
	run(&in, "2024-03-01");
	assert_false(expect("protection.filing", "U-1", PS_CAL_DONE, "2024-03-01")->late);
	u.filing_date = (struct ps_date){0};
	run(&in, "2024-03-02");
	expect("protection.filing", "U-1", PS_CAL_OVERDUE, "2024-03-01");

	/* reviewed after as_of: no clock yet; no review date: due, no date */
	run(&in, "2024-01-30");
	expect_none("protection.filing", "U-1");
	u.review_date = (struct ps_date){0};
	run(&in, "2024-01-30");
	it = expect("protection.filing", "U-1", PS_CAL_DUE, NULL);
	assert_non_null(strstr(it->expl_en, "not recorded"));
	/* retired on or before as_of: no duties at all */
	u.retired_date = dt("2024-01-30");
	run(&in, "2024-01-30");
	expect_none("protection.filing", "U-1");
	expect_none("protection.evaluation", "U-1");
	run(&in, "2024-01-29");
	expect("protection.filing", "U-1", PS_CAL_DUE, NULL);
	ps_cal_result_release(&res);
}

static void test_change_filing(void **state)
{
	struct ps_cal_unit u = {.key = "U-1", .name = "n", .operator = "OP-1", .level = 1,
				.review_date = dt("2025-01-01"), .filing_date = dt("2025-01-10")};
	struct ps_cal_unit_change ch = {.key = "CHG-1", .unit = "U-1", .reason = "扩容",
					.change_date = dt("2026-05-10")};
	struct ps_cal_input in = {.operators = &op1, .n_operators = 1, .units = &u,
				  .n_units = 1, .changes = &ch, .n_changes = 1};
	const struct ps_cal_item *it;

	(void)state;
	run(&in, "2026-05-09");
	expect_none("protection.change_filing", "CHG-1");
	/* change + 30 days = 2026-06-09 */
	run(&in, "2026-06-08");
	it = expect("protection.change_filing", "CHG-1", PS_CAL_DUE, "2026-06-09");
	assert_string_equal(it->unit_key, "U-1");
	assert_string_equal(it->operator_key, "OP-1");
	run(&in, "2026-06-09");
	expect("protection.change_filing", "CHG-1", PS_CAL_DUE, "2026-06-09");
	run(&in, "2026-06-10");
	expect("protection.change_filing", "CHG-1", PS_CAL_OVERDUE, "2026-06-09");
	/* a filing before the change is another change's */
	ch.filed_date = dt("2026-05-09");
	run(&in, "2026-06-10");
	expect("protection.change_filing", "CHG-1", PS_CAL_OVERDUE, "2026-06-09");
	ch.filed_date = dt("2026-06-09");
	run(&in, "2026-06-10");
	assert_false(expect("protection.change_filing", "CHG-1", PS_CAL_DONE, "2026-06-09")->late);
	ch.filed_date = dt("2026-06-10");
	run(&in, "2026-06-10");
	assert_true(expect("protection.change_filing", "CHG-1", PS_CAL_DONE, "2026-06-09")->late);
	/* level 1: filing and changes, but no evaluation */
	expect_none("protection.evaluation", "U-1");
	expect_none("protection.risk_assessment", "U-1");
	ps_cal_result_release(&res);
}

/* Units U-1..U-5 at levels 1..5 reviewed on `review`, conformity and risk
 * assessments of each on `last` (when not NULL). */
struct unit_fx {
	struct ps_cal_unit u[5];
	struct ps_cal_assessment a[10];
	struct ps_cal_input in;
};

static void unit_fx_init(struct unit_fx *f, const char *review, const char *last)
{
	static const char *const keys[] = {"U-1", "U-2", "U-3", "U-4", "U-5"};
	static const char *const akeys[] = {"AS-1", "AS-2", "AS-3", "AS-4", "AS-5",
					    "AS-6", "AS-7", "AS-8", "AS-9", "AS-10"};
	size_t na = 0;

	memset(f, 0, sizeof(*f));
	for (int i = 0; i < 5; i++) {
		f->u[i] = (struct ps_cal_unit){.key = keys[i], .name = keys[i],
					       .operator = "OP-1", .level = i + 1,
					       .review_date = dt(review),
					       .filing_date = dt(review)};
		for (int k = 0; last != NULL && k < 2; k++, na++)
			f->a[na] = (struct ps_cal_assessment){
				.key = akeys[na], .target_kind = "unit", .target = keys[i],
				.kind = k ? "risk" : "conformity", .date = dt(last)};
	}
	f->in = (struct ps_cal_input){.operators = &op1, .n_operators = 1, .units = f->u,
				      .n_units = 5, .assessments = f->a, .n_assessments = na};
}

static void test_evaluation_levels(void **state)
{
	struct unit_fx f;
	const struct ps_cal_item *it;

	(void)state;
	unit_fx_init(&f, "2023-01-10", "2024-02-29");
	run(&f.in, "2024-06-01");
	/* level 1: none; level 2: every two years; levels 3, 4, 5: every year */
	expect_none("protection.evaluation", "U-1");
	expect_none("protection.risk_assessment", "U-1");
	it = expect("protection.evaluation", "U-2", PS_CAL_DONE, "2026-02-28");
	assert_string_equal(it->policy_id[0], "protection.evaluation.biennial_min_level");
	assert_string_equal(it->policy_id[1], "protection.evaluation.biennial_interval_years");
	assert_string_equal(it->policy_id[2], "protection.evaluation.window_mode");
	date_is(it->done, "2024-02-29");
	date_is(it->last, "2024-02-29");
	for (int i = 3; i <= 5; i++) {
		char key[8];

		snprintf(key, sizeof(key), "U-%d", i);
		it = expect("protection.evaluation", key, PS_CAL_DONE, "2025-02-28");
		assert_string_equal(it->policy_id[0], "protection.evaluation.annual_min_level");
		expect("protection.risk_assessment", key, PS_CAL_DONE, "2025-02-28");
	}
	/*
	 * Rolling, 2024-02-29 + 1 year = 2025-02-28: 365 days, as the window
	 * (2024-02-29, 2025-02-28] holds no Feb 29. The due date is in time
	 * (upcoming within 30 days), the day after is overdue.
	 */
	assert_int_equal(ps_date_diff_days(dt("2025-02-28"), dt("2024-02-29")), 365);
	run(&f.in, "2025-01-29");
	expect("protection.evaluation", "U-3", PS_CAL_UPCOMING, "2025-02-28");
	run(&f.in, "2025-01-28");
	expect("protection.evaluation", "U-3", PS_CAL_DONE, "2025-02-28");
	run(&f.in, "2025-02-27");
	expect("protection.evaluation", "U-3", PS_CAL_UPCOMING, "2025-02-28");
	run(&f.in, "2025-02-28");
	expect("protection.evaluation", "U-3", PS_CAL_UPCOMING, "2025-02-28");
	run(&f.in, "2025-03-01");
	it = expect("protection.evaluation", "U-3", PS_CAL_OVERDUE, "2025-02-28");
	assert_non_null(strstr(it->expl_en, "last conformity evaluation 2024-02-29"));
	expect("protection.risk_assessment", "U-3", PS_CAL_OVERDUE, "2025-02-28");
	/* two years across Feb 29: 2024-02-29 + 2 = 2026-02-28, 730 days */
	expect("protection.evaluation", "U-2", PS_CAL_DONE, "2026-02-28");
	assert_int_equal(ps_date_diff_days(dt("2026-02-28"), dt("2024-02-29")), 730);
	run(&f.in, "2026-02-28");
	expect("protection.evaluation", "U-2", PS_CAL_UPCOMING, "2026-02-28");
	run(&f.in, "2026-03-01");
	expect("protection.evaluation", "U-2", PS_CAL_OVERDUE, "2026-02-28");

	/* 2023-03-01 + 1 year = 2024-03-01: 366 days, Feb 29 2024 inside */
	unit_fx_init(&f, "2022-01-10", "2023-03-01");
	assert_int_equal(ps_date_diff_days(dt("2024-03-01"), dt("2023-03-01")), 366);
	run(&f.in, "2024-03-01");
	expect("protection.evaluation", "U-3", PS_CAL_UPCOMING, "2024-03-01");
	run(&f.in, "2024-03-02");
	expect("protection.evaluation", "U-4", PS_CAL_OVERDUE, "2024-03-01");
	/* 2022-03-01 + 2 years = 2024-03-01: 731 days */
	unit_fx_init(&f, "2021-01-10", "2022-03-01");
	assert_int_equal(ps_date_diff_days(dt("2024-03-01"), dt("2022-03-01")), 731);
	run(&f.in, "2024-03-01");
	expect("protection.evaluation", "U-2", PS_CAL_UPCOMING, "2024-03-01");
	run(&f.in, "2024-03-02");
	expect("protection.evaluation", "U-2", PS_CAL_OVERDUE, "2024-03-01");
	ps_cal_result_release(&res);
}

static void test_evaluation_first(void **state)
{
	struct unit_fx f;
	const struct ps_cal_item *it;
	struct ps_cal_options o;

	(void)state;
	/* never evaluated: the first one is due one interval after the review */
	unit_fx_init(&f, "2026-01-10", NULL);
	run(&f.in, "2026-03-01");
	it = expect("protection.evaluation", "U-3", PS_CAL_DUE, "2027-01-10");
	assert_non_null(strstr(it->expl_en, "counted from the grading review on 2026-01-10"));
	expect("protection.evaluation", "U-2", PS_CAL_DUE, "2028-01-10");
	run(&f.in, "2027-01-10");
	expect("protection.evaluation", "U-3", PS_CAL_DUE, "2027-01-10");
	run(&f.in, "2027-01-11");
	expect("protection.evaluation", "U-3", PS_CAL_OVERDUE, "2027-01-10");
	/* graded after as_of: nothing yet */
	run(&f.in, "2026-01-09");
	expect_none("protection.evaluation", "U-3");
	/* no review: from the filing date; neither: due without a date */
	f.u[2].review_date = (struct ps_date){0};
	f.u[2].filing_date = dt("2026-02-01");
	run(&f.in, "2026-03-01");
	it = expect("protection.evaluation", "U-3", PS_CAL_DUE, "2027-02-01");
	assert_non_null(strstr(it->expl_en, "filing on 2026-02-01"));
	f.u[2].filing_date = (struct ps_date){0};
	run(&f.in, "2026-03-01");
	expect("protection.evaluation", "U-3", PS_CAL_DUE, NULL);
	/* upcoming_days 0: a covered duty is done up to its due date */
	unit_fx_init(&f, "2023-01-10", "2024-02-29");
	ps_cal_options_default(&o);
	o.upcoming_days = 0;
	OK(run_opt(&f.in, "2025-02-28", &o));
	expect("protection.evaluation", "U-3", PS_CAL_DONE, "2025-02-28");
	OK(run_opt(&f.in, "2025-03-01", &o));
	expect("protection.evaluation", "U-3", PS_CAL_OVERDUE, "2025-02-28");
	OK(run_opt(&f.in, "2025-02-27", &o));
	expect("protection.evaluation", "U-3", PS_CAL_DONE, "2025-02-28");
	ps_cal_result_release(&res);
}

static void test_evaluation_calendar_year(void **state)
{
	struct unit_fx f;

	(void)state;
	/*
	 * Calendar years: an evaluation in 2025 covers 2025; in 2026 the next
	 * one is due by 2026-12-31, and 2027-01-01 finds it overdue. Rolling
	 * would say done until 2026-06-01 instead.
	 */
	unit_fx_init(&f, "2024-01-10", "2025-06-01");
	run_mode(&f.in, "2025-12-31", PS_CAL_MODE_CALENDAR_YEAR);
	expect("protection.evaluation", "U-3", PS_CAL_DONE, "2026-12-31");
	run_mode(&f.in, "2026-01-01", PS_CAL_MODE_CALENDAR_YEAR);
	expect("protection.evaluation", "U-3", PS_CAL_DUE, "2026-12-31");
	run_mode(&f.in, "2026-01-01", PS_CAL_MODE_ROLLING);
	expect("protection.evaluation", "U-3", PS_CAL_DONE, "2026-06-01");
	run_mode(&f.in, "2026-12-31", PS_CAL_MODE_CALENDAR_YEAR);
	expect("protection.evaluation", "U-3", PS_CAL_DUE, "2026-12-31");
	run_mode(&f.in, "2026-12-31", PS_CAL_MODE_ROLLING);
	expect("protection.evaluation", "U-3", PS_CAL_OVERDUE, "2026-06-01");
	run_mode(&f.in, "2027-01-01", PS_CAL_MODE_CALENDAR_YEAR);
	expect("protection.evaluation", "U-3", PS_CAL_OVERDUE, "2026-12-31");
	run_mode(&f.in, "2029-05-01", PS_CAL_MODE_CALENDAR_YEAR);
	expect("protection.evaluation", "U-3", PS_CAL_OVERDUE, "2026-12-31");
	/* level 2, windows of two calendar years */
	run_mode(&f.in, "2026-05-01", PS_CAL_MODE_CALENDAR_YEAR);
	expect("protection.evaluation", "U-2", PS_CAL_DONE, "2027-12-31");
	run_mode(&f.in, "2027-05-01", PS_CAL_MODE_CALENDAR_YEAR);
	expect("protection.evaluation", "U-2", PS_CAL_DUE, "2027-12-31");
	run_mode(&f.in, "2028-01-01", PS_CAL_MODE_CALENDAR_YEAR);
	expect("protection.evaluation", "U-2", PS_CAL_OVERDUE, "2027-12-31");
	/* never evaluated: due by the end of the year of the review */
	unit_fx_init(&f, "2026-03-01", NULL);
	run_mode(&f.in, "2026-04-01", PS_CAL_MODE_CALENDAR_YEAR);
	expect("protection.evaluation", "U-3", PS_CAL_DUE, "2026-12-31");
	expect("protection.evaluation", "U-2", PS_CAL_DUE, "2027-12-31");
	run_mode(&f.in, "2027-01-01", PS_CAL_MODE_CALENDAR_YEAR);
	expect("protection.evaluation", "U-3", PS_CAL_OVERDUE, "2026-12-31");
	ps_cal_result_release(&res);
}

/* ---- industrial internet and connected vehicles --------------------------------------- */

static void test_iie_iov(void **state)
{
	struct ps_cal_iie e[3] = {
		{.key = "IIE-3", .name = "a", .level = "三级", .grading_date = dt("2025-03-01")},
		{.key = "IIE-2", .name = "b", .level = "二级", .grading_date = dt("2025-03-01")},
		{.key = "IIE-1", .name = "c", .level = "一级", .grading_date = dt("2025-03-01")},
	};
	struct ps_cal_iov v[3] = {
		{.key = "IOV-3", .name = "x", .operator = "OP-1", .level = 3,
		 .filing_date = dt("2025-03-01")},
		{.key = "IOV-2", .name = "y", .operator = "OP-1", .level = 2,
		 .filing_date = dt("2025-03-01")},
		{.key = "IOV-1", .name = "z", .operator = "OP-1", .level = 1,
		 .filing_date = dt("2025-03-01")},
	};
	struct ps_cal_assessment a[2] = {
		{.key = "AS-1", .target_kind = "iie", .target = "IIE-3", .kind = "conformity",
		 .date = dt("2025-09-01")},
		{.key = "AS-2", .target_kind = "iov", .target = "IOV-3", .kind = "risk",
		 .date = dt("2025-09-01")},
	};
	struct ps_cal_input in = {.operators = &op1, .n_operators = 1, .iies = e,
				  .n_iies = 3, .iovs = v, .n_iovs = 3, .assessments = a,
				  .n_assessments = 2};
	const struct ps_cal_item *it;

	(void)state;
	/* 三级 (rank 3, the highest) yearly, 二级 every two years, 一级 none */
	run(&in, "2026-07-01");
	it = expect("industrial.evaluation", "IIE-3", PS_CAL_DONE, "2026-09-01");
	assert_string_equal(it->policy_id[0], "industrial.levels");
	assert_null(it->operator_key);
	expect("industrial.evaluation", "IIE-2", PS_CAL_DUE, "2027-03-01");
	expect_none("industrial.evaluation", "IIE-1");
	run(&in, "2026-08-31");
	expect("industrial.evaluation", "IIE-3", PS_CAL_UPCOMING, "2026-09-01");
	run(&in, "2026-09-01");
	expect("industrial.evaluation", "IIE-3", PS_CAL_UPCOMING, "2026-09-01");
	run(&in, "2026-09-02");
	expect("industrial.evaluation", "IIE-3", PS_CAL_OVERDUE, "2026-09-01");
	run(&in, "2027-03-02");
	expect("industrial.evaluation", "IIE-2", PS_CAL_OVERDUE, "2027-03-01");

	/* connected vehicles: level >= 3 yearly, level 2 biennial, both duties */
	run(&in, "2026-03-01");
	expect("iov.evaluation", "IOV-3", PS_CAL_DUE, "2026-03-01");
	expect("iov.risk_assessment", "IOV-3", PS_CAL_DONE, "2026-09-01");
	expect("iov.evaluation", "IOV-2", PS_CAL_DUE, "2027-03-01");
	expect_none("iov.evaluation", "IOV-1");
	it = expect("iov.risk_assessment", "IOV-2", PS_CAL_DUE, "2027-03-01");
	assert_string_equal(it->policy_id[2], "iov.evaluation.window_mode");
	run(&in, "2026-03-02");
	expect("iov.evaluation", "IOV-3", PS_CAL_OVERDUE, "2026-03-01");
	ps_cal_result_release(&res);
}

/* ---- data security ------------------------------------------------------------------ */

/* A catalogue entry with the "catalog" kind's field order of kinds.c. */
struct cat_fx {
	const char *vals[20];
	struct ps_cal_catalog e;
};

static void cat_fx_init(struct cat_fx *f, const char *records, const char *storage)
{
	const struct ps_reg_kind *k = ps_reg_kind_find("catalog");

	memset(f, 0, sizeof(*f));
	assert_true(k->n_fields <= PS_ARRAY_LEN(f->vals));
	f->vals[ps_reg_field_find(k, "operator")] = "OP-1";
	f->vals[ps_reg_field_find(k, "name")] = "用户数据";
	f->vals[ps_reg_field_find(k, "category")] = "用户信息";
	f->vals[ps_reg_field_find(k, "level")] = "重要";
	f->vals[ps_reg_field_find(k, "records")] = records;
	f->vals[ps_reg_field_find(k, "storage_gb")] = storage;
	f->vals[ps_reg_field_find(k, "cross_border")] = "false";
	f->e = (struct ps_cal_catalog){
		.key = "DC-1", .operator = "OP-1", .name = "用户数据", .level = "重要",
		.created = dt("2023-01-01"), .filed_date = dt("2023-06-01"),
		.filed_values = "{\"category\":\"用户信息\",\"level\":\"重要\","
				"\"records\":\"1000\",\"storage_gb\":\"10\",\"source\":null,"
				"\"cross_border\":\"false\"}",
		.vals = f->vals};
}

static void test_catalogue_required(void **state)
{
	struct cat_fx f;
	struct ps_cal_catalog plain = {.key = "DC-2", .operator = "OP-2", .name = "日志",
				       .level = "一般", .created = dt("2026-01-01")};
	struct ps_cal_operator ops[2] = {op1, {.key = "OP-2", .name = "other"}};
	struct ps_cal_catalog cats[2];
	struct ps_cal_input in = {.operators = ops, .n_operators = 2, .catalogs = cats,
				  .n_catalogs = 2};
	const struct ps_cal_item *it;

	(void)state;
	cat_fx_init(&f, "1000", "10");
	f.e.filed_date = (struct ps_date){0};
	f.e.filed_values = NULL;
	f.e.created = dt("2026-02-01");
	cats[0] = f.e;
	cats[1] = plain;
	/* required at once: due the day the entry was recorded, overdue after */
	run(&in, "2026-02-01");
	it = expect("datasec.catalogue", "OP-1", PS_CAL_DUE, "2026-02-01");
	assert_string_equal(it->policy_id[0], "datasec.levels");
	run(&in, "2026-02-02");
	expect("datasec.catalogue", "OP-1", PS_CAL_OVERDUE, "2026-02-01");
	/* only 一般 data: no catalogue duty, no data risk assessment */
	expect_none("datasec.catalogue", "OP-2");
	expect_none("datasec.risk_assessment", "OP-2");
	cats[0].filed_date = dt("2026-02-10");
	run(&in, "2026-02-09");
	expect("datasec.catalogue", "OP-1", PS_CAL_OVERDUE, "2026-02-01");
	run(&in, "2026-02-10");
	it = expect("datasec.catalogue", "OP-1", PS_CAL_DONE, NULL);
	date_is(it->done, "2026-02-10");
	ps_cal_result_release(&res);
}

/* Change filing status of DC-1 with current values records/storage. */
static const struct ps_cal_item *cat_change(struct cat_fx *f, const char *records,
					    const char *storage, const char *as_of)
{
	struct ps_cal_input in = {.operators = &op1, .n_operators = 1, .catalogs = &f->e,
				  .n_catalogs = 1};
	const struct ps_reg_kind *k = ps_reg_kind_find("catalog");

	f->vals[ps_reg_field_find(k, "records")] = records;
	f->vals[ps_reg_field_find(k, "storage_gb")] = storage;
	run(&in, as_of);
	return find("datasec.catalogue_change", "DC-1");
}

static void test_catalogue_change_scale(void **state)
{
	struct cat_fx f;
	const struct ps_cal_item *it;

	(void)state;
	cat_fx_init(&f, "1000", "10");
	f.e.change_date = dt("2026-01-31");
	/* 29% is not major, 30% is (inclusive), either way */
	assert_null(cat_change(&f, "1290", "10", "2026-03-01"));
	assert_null(cat_change(&f, "710", "10", "2026-03-01"));
	assert_null(cat_change(&f, "1000", "12.99", "2026-03-01"));
	it = cat_change(&f, "1300", "10", "2026-03-01");
	assert_non_null(it);
	assert_int_equal(it->status, PS_CAL_DUE);
	assert_non_null(strstr(it->expl_en, "records 1000 -> 1300 (+30%)"));
	assert_string_equal(it->policy_id[0], "datasec.change.major_scale_percent");
	it = cat_change(&f, "700", "10", "2026-03-01");
	assert_non_null(it);
	assert_non_null(strstr(it->expl_en, "records 1000 -> 700 (-30%)"));
	it = cat_change(&f, "1000", "13", "2026-03-01");
	assert_non_null(it);
	assert_non_null(strstr(it->expl_en, "storage_gb 10 -> 13 (+30%)"));
	/* "10" and "10.00" are the same scale */
	assert_null(cat_change(&f, "1000", "10.00", "2026-03-01"));
	/* 2026-01-31 + 3 months = 2026-04-30 (clamped): before, of, after */
	it = cat_change(&f, "1300", "10", "2026-04-29");
	assert_int_equal(it->status, PS_CAL_DUE);
	date_is(it->due, "2026-04-30");
	it = cat_change(&f, "1300", "10", "2026-04-30");
	assert_int_equal(it->status, PS_CAL_DUE);
	it = cat_change(&f, "1300", "10", "2026-05-01");
	assert_int_equal(it->status, PS_CAL_OVERDUE);
	/* changed after as_of: not yet */
	assert_null(cat_change(&f, "1300", "10", "2026-01-30"));
	/* filed on or after the change: done (late after the due date) */
	f.e.filed_date = dt("2026-04-30");
	it = cat_change(&f, "1300", "10", "2026-05-01");
	assert_int_equal(it->status, PS_CAL_DONE);
	assert_false(it->late);
	f.e.filed_date = dt("2026-05-01");
	it = cat_change(&f, "1300", "10", "2026-05-01");
	assert_int_equal(it->status, PS_CAL_DONE);
	assert_true(it->late);
	ps_cal_result_release(&res);
}

static void test_catalogue_change_months(void **state)
{
	static const char *const cases[][2] = {
		{"2023-11-30", "2024-02-29"}, /* leap February */
		{"2024-11-30", "2025-02-28"},
		{"2025-08-31", "2025-11-30"},
		{"2026-01-31", "2026-04-30"},
		{"2026-03-15", "2026-06-15"},
	};
	struct cat_fx f;
	const struct ps_reg_kind *k = ps_reg_kind_find("catalog");
	const struct ps_cal_item *it;
	struct ps_date due, before, after;

	(void)state;
	for (size_t i = 0; i < PS_ARRAY_LEN(cases); i++) {
		char b[PS_DATE_FMT_SIZE], a[PS_DATE_FMT_SIZE];

		cat_fx_init(&f, "1000", "10");
		/* another filed field changed: always major */
		f.vals[ps_reg_field_find(k, "category")] = "用户身份信息";
		f.e.filed_date = dt("2023-01-01");
		f.e.change_date = dt(cases[i][0]);
		due = dt(cases[i][1]);
		OK(ps_date_add_days(due, -1, &before));
		OK(ps_date_add_days(due, 1, &after));
		OK(ps_date_fmt(before, b, sizeof(b)));
		OK(ps_date_fmt(after, a, sizeof(a)));
		it = cat_change(&f, "1000", "10", b);
		assert_non_null(it);
		assert_int_equal(it->status, PS_CAL_DUE);
		date_is(it->due, cases[i][1]);
		assert_non_null(strstr(it->expl_en, "category"));
		assert_int_equal(cat_change(&f, "1000", "10", cases[i][1])->status, PS_CAL_DUE);
		assert_int_equal(cat_change(&f, "1000", "10", a)->status, PS_CAL_OVERDUE);
	}
	/* a flag compared as a flag: "0" equals the filed "false" */
	cat_fx_init(&f, "1000", "10");
	f.e.change_date = dt("2026-01-01");
	f.vals[ps_reg_field_find(k, "cross_border")] = "0";
	assert_null(cat_change(&f, "1000", "10", "2026-02-01"));
	f.vals[ps_reg_field_find(k, "cross_border")] = "true";
	assert_non_null(cat_change(&f, "1000", "10", "2026-02-01"));
	/* a filed field that was empty and is now set */
	cat_fx_init(&f, "1000", "10");
	f.e.change_date = dt("2026-01-01");
	f.vals[ps_reg_field_find(k, "source")] = "APP";
	assert_non_null(cat_change(&f, "1000", "10", "2026-02-01"));
	ps_cal_result_release(&res);
}

static void test_data_risk(void **state)
{
	struct cat_fx f;
	struct ps_cal_assessment a = {.key = "AS-1", .target_kind = "operator",
				      .target = "OP-1", .kind = "data_risk",
				      .date = dt("2025-03-01"), .report_date = dt("2025-03-10")};
	struct ps_cal_input in = {.operators = &op1, .n_operators = 1,
				  .assessments = &a, .n_assessments = 1};
	const struct ps_cal_item *it;

	(void)state;
	cat_fx_init(&f, "1000", "10");
	in.catalogs = &f.e;
	in.n_catalogs = 1;
	/* valid one year from the report's first issue, the expiry day included */
	run(&in, "2026-03-10");
	it = expect("datasec.risk_assessment", "OP-1", PS_CAL_UPCOMING, "2026-03-10");
	assert_string_equal(it->policy_id[0], "datasec.risk_assessment.validity_years");
	run(&in, "2026-03-11");
	expect("datasec.risk_assessment", "OP-1", PS_CAL_OVERDUE, "2026-03-10");
	run(&in, "2025-06-01");
	expect("datasec.risk_assessment", "OP-1", PS_CAL_DONE, "2026-03-10");
	/* without a report date, the completion date */
	a.report_date = (struct ps_date){0};
	run(&in, "2026-03-01");
	expect("datasec.risk_assessment", "OP-1", PS_CAL_UPCOMING, "2026-03-01");
	/* none yet: one validity period after the important data was recorded */
	in.n_assessments = 0;
	run(&in, "2023-06-01");
	expect("datasec.risk_assessment", "OP-1", PS_CAL_DUE, "2024-01-01");
	run(&in, "2024-01-02");
	expect("datasec.risk_assessment", "OP-1", PS_CAL_OVERDUE, "2024-01-01");
	ps_cal_result_release(&res);
}

static void test_logs(void **state)
{
	struct ps_cal_operator ops[3] = {
		{.key = "OP-A", .name = "a", .has_log_retention = true, .log_retention_days = 182},
		{.key = "OP-B", .name = "b", .has_log_retention = true, .log_retention_days = 183},
		{.key = "OP-C", .name = "c"},
	};
	struct ps_cal_person pe[3] = {
		{.key = "P-A", .operator = "OP-A"}, {.key = "P-B", .operator = "OP-B"},
		{.key = "P-C", .operator = "OP-C"},
	};
	struct ps_cal_input in = {.operators = ops, .n_operators = 3, .persons = pe,
				  .n_persons = 3};
	const struct ps_cal_item *it;

	(void)state;
	run(&in, "2026-06-01");
	it = expect("datasec.logs.retention", "OP-A", PS_CAL_OVERDUE, NULL);
	assert_non_null(strstr(it->expl_en, "182 days, below the minimum of 183"));
	expect("datasec.logs.retention", "OP-B", PS_CAL_DONE, NULL);
	it = expect("datasec.logs.retention", "OP-C", PS_CAL_DUE, NULL);
	assert_non_null(strstr(it->expl_en, "not recorded"));
	/* an operator with no records of its own (an inspection population)
	 * has no duties */
	in.n_persons = 2;
	run(&in, "2026-06-01");
	expect_none("datasec.logs.retention", "OP-C");
	expect_none("drills.yearly.live", "OP-C");
	expect_none("practice.commercial_crypto", "OP-C");
	expect("drills.yearly.live", "OP-B", PS_CAL_DUE, "2026-12-31");
	ps_cal_result_release(&res);
}

/* ---- yearly practice ------------------------------------------------------------------ */

static void test_drills(void **state)
{
	struct ps_cal_drill dr[3] = {
		{.key = "DR-1", .operator = "OP-1", .kind = "process", .date = dt("2026-03-01")},
		{.key = "DR-2", .operator = "OP-1", .kind = "live", .date = dt("2024-05-01")},
		{.key = "DR-3", .operator = "OP-1", .kind = "process", .date = dt("2025-06-01")},
	};
	struct ps_cal_operator op = op1;
	struct ps_cal_person pe = {.key = "P-1", .operator = "OP-1"};
	struct ps_cal_input in = {.operators = &op, .n_operators = 1, .drills = dr,
				  .n_drills = 3, .persons = &pe, .n_persons = 1};
	const struct ps_cal_item *it;

	(void)state;
	/* both kinds each calendar year (policy default) */
	run(&in, "2026-06-01");
	it = expect("drills.yearly.process", "OP-1", PS_CAL_DONE, "2027-12-31");
	date_is(it->done, "2026-03-01");
	/* no live drill in 2025 nor 2026: overdue since 2025-12-31 */
	it = expect("drills.yearly.live", "OP-1", PS_CAL_OVERDUE, "2025-12-31");
	date_is(it->last, "2024-05-01");
	assert_int_equal(count_rule("drills.yearly"), 2);
	/* in 2025 the 2024 live drill still made 2025 only "due" */
	run(&in, "2025-12-31");
	expect("drills.yearly.live", "OP-1", PS_CAL_DUE, "2025-12-31");
	run(&in, "2026-01-01");
	expect("drills.yearly.live", "OP-1", PS_CAL_OVERDUE, "2025-12-31");
	expect("drills.yearly.process", "OP-1", PS_CAL_DUE, "2026-12-31");
	/* no drills and no start date: this year's is due by Dec 31 */
	in.n_drills = 0;
	run(&in, "2026-01-01");
	expect("drills.yearly.live", "OP-1", PS_CAL_DUE, "2026-12-31");
	/* registered in 2024 and never drilled: overdue since 2024-12-31 */
	op.since = dt("2024-04-01");
	run(&in, "2026-01-01");
	expect("drills.yearly.live", "OP-1", PS_CAL_OVERDUE, "2024-12-31");
	/* rolling: a year from the drill, the day itself included */
	in.n_drills = 3;
	run_mode(&in, "2026-05-01", PS_CAL_MODE_ROLLING);
	expect("drills.yearly.live", "OP-1", PS_CAL_OVERDUE, "2025-05-01");
	expect("drills.yearly.process", "OP-1", PS_CAL_DONE, "2027-03-01");
	run_mode(&in, "2026-03-01", PS_CAL_MODE_ROLLING);
	expect("drills.yearly.process", "OP-1", PS_CAL_DONE, "2027-03-01");
	in.n_drills = 2;
	dr[0] = dr[2]; /* process drill 2025-06-01 only */
	run_mode(&in, "2026-06-01", PS_CAL_MODE_ROLLING);
	expect("drills.yearly.process", "OP-1", PS_CAL_UPCOMING, "2026-06-01");
	run_mode(&in, "2026-06-02", PS_CAL_MODE_ROLLING);
	expect("drills.yearly.process", "OP-1", PS_CAL_OVERDUE, "2026-06-01");
	ps_cal_result_release(&res);
}

static void test_training(void **state)
{
	struct ps_cal_person pe[3] = {
		{.key = "P-1", .name = "甲", .operator = "OP-1", .security_staff = true},
		{.key = "P-2", .name = "乙", .operator = "OP-1"},
		{.key = "P-3", .name = "丙", .operator = "OP-1", .security_staff = true,
		 .left_date = dt("2026-01-01")},
	};
	struct ps_cal_training tr[4] = {
		{.key = "TR-1", .person = "P-1", .date = dt("2026-01-10"), .centihours = 250,
		 .data_security = true},
		{.key = "TR-2", .person = "P-1", .date = dt("2026-05-01"), .centihours = 150},
		{.key = "TR-3", .person = "P-2", .date = dt("2026-01-10"), .centihours = 100,
		 .data_security = true},
		{.key = "TR-4", .person = "P-1", .date = dt("2025-06-01"), .centihours = 400},
	};
	struct ps_cal_input in = {.operators = &op1, .n_operators = 1, .persons = pe,
				  .n_persons = 3, .trainings = tr, .n_trainings = 4};
	const struct ps_cal_item *it;

	(void)state;
	/* calendar year (policy default): 2.5 h by April, 4 h with May's 1.5 h */
	run(&in, "2026-04-30");
	it = expect("training.hours", "P-1", PS_CAL_DUE, "2026-12-31");
	assert_non_null(strstr(it->expl_en, "2.5 of 4 class hours in 2026"));
	assert_non_null(strstr(it->expl_zh, "2026年安全培训已完成2.5/4学时"));
	assert_string_equal(it->person_key, "P-1");
	assert_string_equal(it->operator_key, "OP-1");
	run(&in, "2026-05-01");
	it = expect("training.hours", "P-1", PS_CAL_DONE, "2027-12-31");
	date_is(it->done, "2026-05-01");
	/* not security staff, or left: no duty */
	expect_none("training.hours", "P-2");
	expect_none("training.hours", "P-3");
	run(&in, "2025-12-31");
	expect("training.hours", "P-3", PS_CAL_DUE, "2025-12-31");
	/* rolling: 4 h on 2025-06-01 cover to 2026-06-01 included */
	in.n_trainings = 4;
	tr[1].date = dt("2026-07-01");
	run_mode(&in, "2026-06-01", PS_CAL_MODE_ROLLING);
	expect("training.hours", "P-1", PS_CAL_UPCOMING, "2026-06-01");
	run_mode(&in, "2026-06-02", PS_CAL_MODE_ROLLING);
	expect("training.hours", "P-1", PS_CAL_OVERDUE, "2026-06-01");
	/* data-security training per operator, one per date (TR-1 and TR-3) */
	run(&in, "2026-02-01");
	it = expect("training.data_security", "OP-1", PS_CAL_DONE, "2027-12-31");
	date_is(it->done, "2026-01-10");
	run(&in, "2026-01-09");
	expect("training.data_security", "OP-1", PS_CAL_DUE, "2026-12-31");
	ps_cal_result_release(&res);
}

static void test_icp_crypto(void **state)
{
	struct ps_cal_icp icp = {.key = "ICP-1", .operator = "OP-1", .filing_no = "苏ICP备1号",
				 .domain = "example.cn", .change_date = dt("2026-02-01")};
	struct ps_cal_crypto cr[3] = {
		{.key = "CA-1", .operator = "OP-1", .system = "门户"},
		{.key = "CA-2", .operator = "OP-1", .system = "门户"},
		{.key = "CA-3", .operator = "OP-1", .system = "计费"},
	};
	struct ps_cal_input in = {.operators = &op1, .n_operators = 1, .icps = &icp,
				  .n_icps = 1, .cryptos = cr, .n_cryptos = 2};
	const struct ps_cal_item *it;

	(void)state;
	/* 2026-02-01 + 30 days = 2026-03-03 */
	run(&in, "2026-03-02");
	it = expect("filing.icp.change", "ICP-1", PS_CAL_DUE, "2026-03-03");
	assert_string_equal(it->subject_name, "example.cn");
	run(&in, "2026-03-03");
	expect("filing.icp.change", "ICP-1", PS_CAL_DUE, "2026-03-03");
	run(&in, "2026-03-04");
	expect("filing.icp.change", "ICP-1", PS_CAL_OVERDUE, "2026-03-03");
	icp.change_filed_date = dt("2026-03-03");
	run(&in, "2026-03-04");
	expect("filing.icp.change", "ICP-1", PS_CAL_DONE, "2026-03-03");
	run(&in, "2026-01-31");
	expect_none("filing.icp.change", "ICP-1");
	/* two records of one system count once: 1 of 2 */
	run(&in, "2026-03-04");
	it = expect("practice.commercial_crypto", "OP-1", PS_CAL_DUE, NULL);
	assert_non_null(strstr(it->expl_en, "1 system with"));
	in.n_cryptos = 3;
	run(&in, "2026-03-04");
	expect("practice.commercial_crypto", "OP-1", PS_CAL_DONE, NULL);
	ps_cal_result_release(&res);
}

static void test_campaigns(void **state)
{
	struct ps_cal_operator ops[3] = {
		op1,
		{.key = "OP-GD", .name = "gd", .province = "广东"},
		{.key = "OP-X", .name = "x"},
	};
	struct ps_cal_unit u[3] = {
		{.key = "U-1", .name = "a", .operator = "OP-1", .level = 3,
		 .review_date = dt("2024-06-01"), .filing_date = dt("2024-06-20")},
		{.key = "U-2", .name = "b", .operator = "OP-GD", .level = 3,
		 .review_date = dt("2024-06-01")},
		{.key = "U-3", .name = "c", .operator = "OP-X", .level = 1,
		 .review_date = dt("2024-06-01"), .filing_date = dt("2024-08-02")},
	};
	struct ps_cal_input in = {.operators = ops, .n_operators = 3, .units = u,
				  .n_units = 3};
	const struct ps_cal_item *it;

	(void)state;
	run(&in, "2024-07-01");
	it = expect("campaign.js2024.protection_filing", "OP-1", PS_CAL_DONE, "2024-07-31");
	assert_false(it->manual);
	assert_false(it->late);
	assert_string_equal(it->policy_id[0], "campaign.js2024.deadlines");
	assert_string_equal(it->policy_id[1], "campaign.js2024.province");
	assert_non_null(strstr(it->expl_en, "S1 task 1"));
	assert_non_null(strstr(it->expl_en, "1 of 1 done"));
	/* a Guangdong operator is outside the Jiangsu campaign */
	expect_none("campaign.js2024.protection_filing", "OP-GD");
	assert_int_equal(count_rule("campaign."), 3);
	/* no province recorded: shown, and said so */
	it = expect("campaign.js2024.protection_filing", "OP-X", PS_CAL_DUE, "2024-07-31");
	assert_non_null(strstr(it->expl_en, "province is not recorded"));
	/* manual tasks are flagged; level 1 only: no reports task */
	it = expect("campaign.js2024.protection_reports", "OP-1", PS_CAL_DUE, "2024-09-10");
	assert_true(it->manual);
	expect_none("campaign.js2024.protection_reports", "OP-X");
	/* no data, no connected vehicles: no data or iov tasks; the 2018
	 * inspection summary is the regulator's own */
	expect_none("campaign.js2024.datasec_catalogue", "OP-1");
	expect_none("campaign.js2024.iov_filing", "OP-1");
	/* unfiled at the deadline: due on it, overdue after; filed late: done late */
	u[0].filing_date = (struct ps_date){0};
	run(&in, "2024-07-31");
	expect("campaign.js2024.protection_filing", "OP-1", PS_CAL_DUE, "2024-07-31");
	run(&in, "2024-08-01");
	expect("campaign.js2024.protection_filing", "OP-1", PS_CAL_OVERDUE, "2024-07-31");
	run(&in, "2024-08-02");
	it = expect("campaign.js2024.protection_filing", "OP-X", PS_CAL_DONE, "2024-07-31");
	assert_true(it->late);
	/* more than campaign_past_days (365) after its last deadline
	 * (2024-09-10) the campaign is history */
	run(&in, "2025-09-10");
	assert_int_equal(count_rule("campaign."), 1);
	run(&in, "2025-09-11");
	assert_int_equal(count_rule("campaign."), 0);
	ps_cal_result_release(&res);
}

/* ---- order, modes, invalid input ------------------------------------------------------ */

static void test_sorted(void **state)
{
	struct unit_fx f;

	(void)state;
	unit_fx_init(&f, "2025-01-10", "2025-06-01");
	f.u[0].filing_date = (struct ps_date){0};
	run(&f.in, "2026-03-01");
	assert_true(res.n > 5);
	for (size_t i = 1; i < res.n; i++) {
		const struct ps_cal_item *a = &res.items[i - 1], *b = &res.items[i];

		assert_true(a->status <= b->status);
		if (a->status == b->status && a->due.month && b->due.month)
			assert_true(ps_date_cmp(a->due, b->due) <= 0);
		if (a->status == b->status)
			assert_true(a->due.month != 0 || b->due.month == 0);
	}
	assert_int_equal(res.items[0].status, PS_CAL_OVERDUE);
	ps_cal_result_release(&res);
}

static void test_invalid(void **state)
{
	struct ps_cal_unit u = {.key = "U-1", .name = "n", .operator = "OP-1", .level = 7};
	struct ps_cal_iie e = {.key = "IIE-1", .name = "n", .level = "四级"};
	struct ps_cal_training t = {.key = "TR-1", .person = "P-1"};
	struct ps_cal_catalog cat = {.key = "DC-1", .operator = "OP-1", .name = "n",
				     .level = "重要", .filed_values = "[1,2]"};
	const char *vals[20] = {0};
	struct ps_cal_input in = {.operators = &op1, .n_operators = 1, .units = &u,
				  .n_units = 1};
	struct ps_cal_result r = {0};

	(void)state;
	expect_error(&in, "unit 'U-1': field 'level': 7 is outside 1..5");
	u.level = 0;
	expect_error(&in, "unit 'U-1': field 'level': 0 is outside");
	u.level = 3;
	u.review_date = (struct ps_date){2023, 2, 29};
	expect_error(&in, "unit 'U-1': field 'grading_review_date': 2023-02-29 is not a valid date");
	u.review_date = (struct ps_date){2018, 9, 31};
	expect_error(&in, "2018-09-31 is not a valid date");
	u.review_date = dt("2024-02-29");
	u.key = "";
	expect_error(&in, "unit #1: the key is empty");
	u.key = "U-1";
	in = (struct ps_cal_input){.iies = &e, .n_iies = 1};
	expect_error(&in, "iie 'IIE-1': field 'level': '四级' is not a level of policy "
		     "table industrial.levels");
	in = (struct ps_cal_input){.trainings = &t, .n_trainings = 1};
	expect_error(&in, "training 'TR-1': field 'date' is empty");
	in = (struct ps_cal_input){.operators = &op1, .n_operators = 1, .catalogs = &cat,
				   .n_catalogs = 1};
	cat.vals = vals;
	expect_error(&in, "catalog 'DC-1': field 'filed_values': not a JSON object");
	cat.level = "秘密";
	expect_error(&in, "catalog 'DC-1': field 'level': '秘密' is not a level");
	/* an impossible as_of */
	in = (struct ps_cal_input){0};
	assert_int_equal(ps_cal_compute(&in, pol, (struct ps_date){2026, 2, 30}, NULL, &r,
					&diag), PS_EINVAL);
	assert_non_null(strstr(diag.msg, "2026-02-30"));
	ps_cal_result_release(&res);
}

static void test_names(void **state)
{
	enum ps_cal_status st;
	enum ps_cal_mode m;

	(void)state;
	for (int i = 0; i < PS_CAL_STATUS__COUNT; i++) {
		OK(ps_cal_status_parse(ps_cal_status_name((enum ps_cal_status)i), &st));
		assert_int_equal(st, i);
	}
	assert_int_equal(ps_cal_status_parse("open", &st), PS_EINVAL);
	OK(ps_cal_mode_parse("rolling", &m));
	assert_int_equal(m, PS_CAL_MODE_ROLLING);
	OK(ps_cal_mode_parse("calendar_year", &m));
	assert_int_equal(m, PS_CAL_MODE_CALENDAR_YEAR);
	assert_int_equal(ps_cal_mode_parse("policy", &m), PS_EINVAL);
}

/* Allocation failures at every point: an error, never a crash or a leak. */
static void test_alloc_failures(void **state)
{
	struct unit_fx f;
	int rc = PS_ENOMEM;

	(void)state;
	unit_fx_init(&f, "2025-01-10", "2025-06-01");
	for (unsigned n = 1; rc == PS_ENOMEM && n < 200; n++) {
		ps_mem_fail_at(n, false);
		rc = run_opt(&f.in, "2026-03-01", NULL);
		ps_mem_fail_at(0, false);
		if (rc != PS_OK)
			assert_int_equal(res.n, 0);
	}
	OK(rc);
	ps_cal_result_release(&res);
}

static int setup(void **state)
{
	const char *src = getenv("PANSHI_SOURCE_DIR");
	char dir[2048];
	struct ps_diag d = {{0}};

	(void)state;
	snprintf(dir, sizeof(dir), "%s/policy", src != NULL ? src : ".");
	if (ps_policy_load_dir(dir, &pol, &d) != PS_OK) {
		fprintf(stderr, "%s\n", d.msg);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ps_cal_result_release(&res);
	ps_policy_free(pol);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filing),
		cmocka_unit_test(test_change_filing),
		cmocka_unit_test(test_evaluation_levels),
		cmocka_unit_test(test_evaluation_first),
		cmocka_unit_test(test_evaluation_calendar_year),
		cmocka_unit_test(test_iie_iov),
		cmocka_unit_test(test_catalogue_required),
		cmocka_unit_test(test_catalogue_change_scale),
		cmocka_unit_test(test_catalogue_change_months),
		cmocka_unit_test(test_data_risk),
		cmocka_unit_test(test_logs),
		cmocka_unit_test(test_drills),
		cmocka_unit_test(test_training),
		cmocka_unit_test(test_icp_crypto),
		cmocka_unit_test(test_campaigns),
		cmocka_unit_test(test_sorted),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_alloc_failures),
	};

	ps_i18n_set_lang(PS_LANG_EN);
	return cmocka_run_group_tests(tests, setup, teardown);
}
