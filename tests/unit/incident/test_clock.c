/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for the legal clocks against the bundled policy: which clocks
 * apply, every deadline at deadline-1, deadline and deadline+1 µs,
 * escalation up the role ladder, display in Asia/Shanghai, bad facts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "incident/incident.h"
#include "core/core.h"
#include "inc_fixture.h"

#define T0 INT64_C(1767225600000000) /* 2026-01-01T00:00:00Z */
#define MIN (60 * PS_USEC_PER_SEC)
#define HOUR (60 * MIN)

static int64_t pol_int(const char *id)
{
	int64_t v = -1;

	assert_int_equal(ps_policy_get_int(pol, id, &v), PS_OK);
	return v;
}

static struct ps_inc_clock_facts base(enum ps_inc_level l,
				      enum ps_inc_reporter r)
{
	struct ps_inc_clock_facts f;

	memset(&f, 0, sizeof(f));
	f.detected_at = T0;
	f.level = l;
	f.reporter = r;
	return f;
}

static void compute(const struct ps_inc_clock_facts *f, struct ps_inc_clocks *cs)
{
	struct ps_diag d = {{0}};
	int rc = ps_inc_clocks_compute(pol, f, cs, &d);

	if (rc != PS_OK)
		fprintf(stderr, "%s\n", d.msg);
	assert_int_equal(rc, PS_OK);
}

static enum ps_inc_clock_state state_at(const struct ps_inc_clock *c, bool met,
					int64_t met_at, int64_t now,
					struct ps_inc_clock_status *st)
{
	struct ps_diag d = {{0}};

	assert_int_equal(ps_inc_clock_check(pol, c, met, met_at, now, st, &d),
			 PS_OK);
	return st->state;
}

/* The boundary contract every clock obeys. */
static void check_boundary(const struct ps_inc_clock *c)
{
	struct ps_inc_clock_status st;
	int64_t dl = c->deadline;

	assert_int_equal(state_at(c, false, 0, dl - 1, &st), PS_INC_CLOCK_PENDING);
	assert_string_equal(st.role, "owner");
	assert_int_equal(state_at(c, false, 0, dl, &st), PS_INC_CLOCK_PENDING);
	assert_int_equal(st.step, 0);
	assert_int_equal(state_at(c, false, 0, dl + 1, &st), PS_INC_CLOCK_OVERDUE);
	assert_int_equal(st.late_us, 1);
	assert_int_equal(st.step, 1);
	assert_string_equal(st.role, "unit_head");
	assert_string_equal(st.role_title, "单位负责人");
	assert_int_equal(state_at(c, true, dl - 1, dl + 5, &st), PS_INC_CLOCK_MET);
	assert_int_equal(state_at(c, true, dl, dl + 5, &st), PS_INC_CLOCK_MET);
	assert_int_equal(st.step, 0);
	assert_int_equal(state_at(c, true, dl + 1, dl + 5, &st),
			 PS_INC_CLOCK_MET_LATE);
	assert_int_equal(st.late_us, 1);
	assert_int_equal(st.step, 0);
	assert_string_equal(st.role, "owner");
	assert_true(c->step_us > 0);
	assert_non_null(c->policy_id);
	assert_non_null(c->source);
	assert_non_null(c->step_id);
}

static void test_general_no_cac(void **state)
{
	struct ps_inc_clocks cs;
	const struct ps_inc_clock *c;

	(void)state;
	for (int r = 0; r < PS_INC_REPORTER__COUNT; r++) {
		struct ps_inc_clock_facts f = base(PS_INC_LEVEL_GENERAL, r);

		f.handling_ended = true;
		f.handling_ended_at = T0 + HOUR;
		compute(&f, &cs);
		assert_null(ps_inc_clocks_find(&cs, PS_INC_CLOCK_CAC_REPORT));
		assert_null(ps_inc_clocks_find(&cs, PS_INC_CLOCK_CAC_FINAL));
		assert_int_equal(cs.n, 1);
		c = ps_inc_clocks_find(&cs, PS_INC_CLOCK_MIIT_REPORT);
		assert_non_null(c);
		assert_int_equal(c->deadline,
				 T0 + pol_int("incident.miit2017.report_sla_minutes") * MIN);
		assert_string_equal(c->status, "unverified-default");
		check_boundary(c);
	}
	/* Level none: no clock at all. */
	struct ps_inc_clock_facts f = base(PS_INC_LEVEL_NONE,
					   PS_INC_REPORTER_CII);
	compute(&f, &cs);
	assert_int_equal(cs.n, 0);
}

static void test_cac_report(void **state)
{
	static const struct {
		enum ps_inc_reporter r;
		const char *id;
		int64_t hours; /* rule 22, to cross-check the policy */
	} want[] = {
		{PS_INC_REPORTER_CII, "incident.cac2025.cii_report_hours", 1},
		{PS_INC_REPORTER_STATE_ORGAN,
		 "incident.cac2025.state_organ_report_hours", 2},
		{PS_INC_REPORTER_OTHER, "incident.cac2025.other_report_hours", 4},
	};
	struct ps_inc_clocks cs;

	(void)state;
	for (size_t i = 0; i < PS_ARRAY_LEN(want); i++) {
		for (int l = PS_INC_LEVEL_LARGER; l <= PS_INC_LEVEL_CRITICAL; l++) {
			struct ps_inc_clock_facts f = base(l, want[i].r);
			const struct ps_inc_clock *c;

			compute(&f, &cs);
			c = ps_inc_clocks_find(&cs, PS_INC_CLOCK_CAC_REPORT);
			assert_non_null(c);
			assert_string_equal(c->policy_id, want[i].id);
			assert_int_equal(pol_int(want[i].id), want[i].hours);
			assert_int_equal(c->deadline, T0 + want[i].hours * HOUR);
			assert_int_equal(c->start, T0);
			assert_string_equal(c->gate_id,
					    "incident.cac2025.report_min_level");
			assert_string_equal(c->status, "confirmed");
			check_boundary(c);
			/* No final report clock before handling ends. */
			assert_null(ps_inc_clocks_find(&cs,
						       PS_INC_CLOCK_CAC_FINAL));
			assert_non_null(ps_inc_clocks_find(
				&cs, PS_INC_CLOCK_MIIT_REPORT));
		}
	}
}

static void test_cac_final(void **state)
{
	struct ps_inc_clock_facts f = base(PS_INC_LEVEL_MAJOR,
					   PS_INC_REPORTER_OTHER);
	struct ps_inc_clocks cs;
	const struct ps_inc_clock *c;
	int64_t end = T0 + 5 * PS_USEC_PER_DAY + 123;

	(void)state;
	f.handling_ended = true;
	f.handling_ended_at = end;
	compute(&f, &cs);
	c = ps_inc_clocks_find(&cs, PS_INC_CLOCK_CAC_FINAL);
	assert_non_null(c);
	assert_int_equal(c->start, end);
	assert_int_equal(c->deadline,
			 end + pol_int("incident.cac2025.final_report_days") *
				       PS_USEC_PER_DAY);
	assert_int_equal(c->deadline, end + 30 * PS_USEC_PER_DAY);
	assert_string_equal(c->policy_id, "incident.cac2025.final_report_days");
	assert_string_equal(c->step_id, "incident.escalation.step_minutes");
	check_boundary(c);
}

static void test_vuln_datasec_rectify(void **state)
{
	static const char *const sev[] = {NULL, "low", "medium", "high"};
	struct ps_inc_clock_facts f = base(PS_INC_LEVEL_NONE,
					   PS_INC_REPORTER_OTHER);
	const struct ps_policy_table *t =
		ps_policy_table_get(pol, "incident.rectification.deadlines");
	struct ps_inc_clocks cs;
	const struct ps_inc_clock *c;

	(void)state;
	f.own_product_vuln = true;
	f.vuln_first_known_at = T0 - 7 * HOUR;
	f.important_data = true;
	compute(&f, &cs);
	assert_int_equal(cs.n, 2);
	c = ps_inc_clocks_find(&cs, PS_INC_CLOCK_VULN_REPORT);
	assert_non_null(c);
	assert_int_equal(c->start, T0 - 7 * HOUR);
	assert_int_equal(c->deadline, T0 - 7 * HOUR + 48 * HOUR);
	assert_string_equal(c->policy_id, "vuln.report.sla_hours");
	check_boundary(c);
	c = ps_inc_clocks_find(&cs, PS_INC_CLOCK_DATASEC_REPORT);
	assert_non_null(c);
	assert_int_equal(c->deadline,
			 T0 + pol_int("incident.datasec.report_sla_minutes") * MIN);
	assert_string_equal(c->status, "interpretation");
	check_boundary(c);
	assert_non_null(t);
	for (int s = PS_INC_SEV_LOW; s <= PS_INC_SEV_HIGH; s++) {
		long row = ps_policy_table_find(t, "severity", sev[s]);
		int64_t days = -1;

		assert_true(row >= 0);
		assert_int_equal(ps_policy_table_get_int(t, (size_t)row, "days",
							 &days), PS_OK);
		f = base(PS_INC_LEVEL_NONE, PS_INC_REPORTER_OTHER);
		f.severity = s;
		compute(&f, &cs);
		c = ps_inc_clocks_find(&cs, PS_INC_CLOCK_RECTIFY);
		assert_non_null(c);
		assert_int_equal(c->deadline, T0 + days * PS_USEC_PER_DAY);
		assert_string_equal(c->status, "unverified-default");
		check_boundary(c);
		f.rectify_from = T0 + HOUR;
		compute(&f, &cs);
		c = ps_inc_clocks_find(&cs, PS_INC_CLOCK_RECTIFY);
		assert_int_equal(c->deadline, T0 + HOUR + days * PS_USEC_PER_DAY);
	}
}

/* CII escalation steps by cii_escalation_minutes, capped at the top. */
static void test_escalation(void **state)
{
	struct ps_inc_clock_facts f = base(PS_INC_LEVEL_LARGER,
					   PS_INC_REPORTER_CII);
	struct ps_inc_clocks cs;
	struct ps_inc_clock_status st;
	const struct ps_inc_clock *c;
	int64_t step, dl;

	(void)state;
	compute(&f, &cs);
	c = ps_inc_clocks_find(&cs, PS_INC_CLOCK_CAC_REPORT);
	step = pol_int("incident.cac2025.cii_escalation_minutes") * MIN;
	assert_int_equal(c->step_us, step);
	assert_string_equal(c->step_id, "incident.cac2025.cii_escalation_minutes");
	dl = c->deadline;
	state_at(c, false, 0, dl + step, &st);
	assert_int_equal(st.step, 1);
	assert_string_equal(st.role, "unit_head");
	state_at(c, false, 0, dl + step + 1, &st);
	assert_int_equal(st.step, 2);
	assert_string_equal(st.role, "security_officer");
	state_at(c, false, 0, dl + 2 * step, &st);
	assert_int_equal(st.step, 2);
	state_at(c, false, 0, dl + 2 * step + 1, &st);
	assert_int_equal(st.step, 3);
	assert_string_equal(st.role, "regulator_liaison");
	state_at(c, false, 0, dl + 1000 * PS_USEC_PER_DAY, &st);
	assert_int_equal(st.step, 3); /* held at the top rank */
	assert_string_equal(st.role, "regulator_liaison");
	assert_string_equal(st.role_title, "监管联络人");
	state_at(c, false, 0, INT64_MAX, &st);
	assert_int_equal(st.state, PS_INC_CLOCK_OVERDUE);
	assert_string_equal(st.role, "regulator_liaison");
	/* Other reporters use their own CAC escalation values. */
	f.reporter = PS_INC_REPORTER_STATE_ORGAN;
	compute(&f, &cs);
	assert_string_equal(cs.c[0].step_id,
			    "incident.cac2025.state_organ_escalation_hours");
	f.reporter = PS_INC_REPORTER_OTHER;
	compute(&f, &cs);
	assert_string_equal(cs.c[0].step_id,
			    "incident.cac2025.provincial_escalation_hours");
	assert_int_equal(cs.c[0].step_us,
			 pol_int("incident.cac2025.provincial_escalation_hours") *
				 HOUR);
	c = ps_inc_clocks_find(&cs, PS_INC_CLOCK_MIIT_REPORT);
	assert_int_equal(c->step_us,
			 pol_int("incident.escalation.step_minutes") * MIN);
}

static void test_fmt(void **state)
{
	struct ps_inc_clock_facts f = base(PS_INC_LEVEL_LARGER,
					   PS_INC_REPORTER_CII);
	struct ps_inc_clocks cs;
	char buf[512], tiny[8];

	(void)state;
	compute(&f, &cs);
	assert_int_equal(ps_inc_clock_fmt(&cs.c[0], buf, sizeof(buf)), PS_OK);
	assert_non_null(strstr(buf, "cac_report 网信部门事件报告: due "
			       "2026-01-01T09:00:00+08:00 "
			       "(incident.cac2025.cii_report_hours, "));
	assert_int_equal(ps_inc_clock_fmt(&cs.c[0], tiny, sizeof(tiny)),
			 PS_ELIMIT);
	assert_int_equal(strlen(tiny), sizeof(tiny) - 1);
}

static void test_names(void **state)
{
	enum ps_inc_reporter r = PS_INC_REPORTER_OTHER;
	enum ps_inc_severity s = PS_INC_SEV_NONE;
	struct ps_diag d = {{0}};

	(void)state;
	assert_int_equal(ps_inc_reporter_parse("cii", &r, &d), PS_OK);
	assert_int_equal(r, PS_INC_REPORTER_CII);
	assert_int_equal(ps_inc_reporter_parse("state_organ", &r, &d), PS_OK);
	assert_int_equal(r, PS_INC_REPORTER_STATE_ORGAN);
	assert_int_equal(ps_inc_reporter_parse("bank", &r, &d), PS_EINVAL);
	assert_non_null(strstr(d.msg, "unknown reporter category 'bank'"));
	assert_int_equal(ps_inc_severity_parse("high", &s, &d), PS_OK);
	assert_int_equal(s, PS_INC_SEV_HIGH);
	assert_int_equal(ps_inc_severity_parse("urgent", &s, &d), PS_EINVAL);
	assert_string_equal(ps_inc_reporter_name(PS_INC_REPORTER__COUNT),
			    "unknown");
	assert_string_equal(ps_inc_severity_name(PS_INC_SEV_MEDIUM), "medium");
	assert_string_equal(ps_inc_clock_kind_name(PS_INC_CLOCK_RECTIFY),
			    "rectification");
	assert_string_equal(ps_inc_clock_state_name(PS_INC_CLOCK_MET_LATE),
			    "met_late");
}

static void expect_bad(struct ps_inc_clock_facts *f, const char *msg)
{
	struct ps_inc_clocks cs;
	struct ps_diag d = {{0}};

	assert_int_equal(ps_inc_clocks_compute(pol, f, &cs, &d), PS_EINVAL);
	assert_string_equal(d.msg, msg);
	assert_int_equal(cs.n, 0);
}

static void test_invalid(void **state)
{
	struct ps_inc_clock_facts f;

	(void)state;
	f = base(PS_INC_LEVEL_LARGER, PS_INC_REPORTER_CII);
	f.detected_at = 0;
	expect_bad(&f, "invalid incident facts: 'detected_at' is required");
	f = base((enum ps_inc_level)7, PS_INC_REPORTER_CII);
	expect_bad(&f, "invalid incident facts: 'level' is not a known level");
	f = base(PS_INC_LEVEL_LARGER, (enum ps_inc_reporter)9);
	expect_bad(&f, "invalid incident facts: 'reporter' is not cii, "
		   "state_organ or other");
	f = base(PS_INC_LEVEL_LARGER, PS_INC_REPORTER_CII);
	f.severity = (enum ps_inc_severity)9;
	expect_bad(&f, "invalid incident facts: 'severity' is not high, "
		   "medium, low or none");
	f = base(PS_INC_LEVEL_LARGER, PS_INC_REPORTER_CII);
	f.own_product_vuln = true;
	expect_bad(&f, "invalid incident facts: 'vuln_first_known_at' is "
		   "required");
	f = base(PS_INC_LEVEL_LARGER, PS_INC_REPORTER_CII);
	f.handling_ended = true;
	f.handling_ended_at = T0 - 1;
	expect_bad(&f, "invalid incident facts: 'handling_ended_at' is before "
		   "'detected_at'");
	f = base(PS_INC_LEVEL_LARGER, PS_INC_REPORTER_CII);
	f.detected_at = INT64_MAX - 1;
	expect_bad(&f, "invalid incident facts: the cac_report deadline is "
		   "out of range");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_general_no_cac),
		cmocka_unit_test(test_cac_report),
		cmocka_unit_test(test_cac_final),
		cmocka_unit_test(test_vuln_datasec_rectify),
		cmocka_unit_test(test_escalation),
		cmocka_unit_test(test_fmt),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_invalid),
	};

	return cmocka_run_group_tests(tests, pol_setup, pol_teardown);
}
