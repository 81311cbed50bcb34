/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of the monthly threat bulletin on SQLite and PostgreSQL (argv[1]):
 * exact CSV numbers for a month with events on both sides of its +08:00
 * boundaries, top-N order and cut, overdue clocks at the deadline
 * boundary, withholding of vulnerability details and HTML escaping.
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

#include "core/core.h"
#include "core/timeutil.h"
#include "incident/case.h"
#include "policy/policy.h"
#include "registry/registry.h"
#include "report/report.h"
#include "store/store.h"
#include "report_fixture.h"

/*
 * November 2026 in Asia/Shanghai is [2026-10-31T16:00Z, 2026-11-30T16:00Z).
 *   I1 trojan, 较大, unit U-1 / asset A-1: events Nov 1 00:00 (+08), Nov 15
 *   I2 vuln, no category, unregistered 10.0.0.9: Nov 15, Nov 30 23:59:59
 *   I3 c2, closed: events Oct 31 23:59:59.999999 (+08) and Dec 1 00:00
 *   I4 scan, 一般, unit U-1: three events Nov 20; title with <script>
 */
struct month {
	int64_t i1, i2, i3, i4;
};

static void fill_month(struct fx *f, struct month *m)
{
	reg_add(f, "operator", "OP-1", "name=示例电信", "type=basic_telecom", NULL);
	reg_add(f, "unit", "U-1", "operator=OP-1", "name=广州数据中心", "type=idc", "level=3",
		NULL);
	reg_add(f, "asset", "A-1", "unit=U-1", "kind=host", "name=门户服务器",
		"address=10.0.0.1", NULL);
	m->i1 = inc_add(f, &(struct inc_spec){"木马回连 evil.example", "trojan", "larger",
					       "triaged", "evil.example", "10.0.0.1", "A-1", "U-1", 0,
					       T("2026-10-31T16:00:00Z")});
	m->i2 = inc_add(f, &(struct inc_spec){"<script>alert(1)</script> CVE-2026-0001", NULL,
					       "none", "in_progress", "198.51.100.7", "10.0.0.9",
					       NULL, NULL, 1, T("2026-11-15T04:00:00Z")});
	m->i3 = inc_add(f, &(struct inc_spec){"c2", "c2", "none", "closed", "c2.example",
					       "10.0.0.3", NULL, "U-1", 0, T("2026-10-31T15:59:59Z")});
	m->i4 = inc_add(f, &(struct inc_spec){"<script>alert(\"x\")</script> & scan", "scan",
					       "general", "new", "scan.example", "10.0.0.4", NULL,
					       "U-1", 0, T("2026-11-20T01:00:00Z")});
	ev_add(f, m->i1, "2026-10-31T16:00:00Z", "trojan");
	ev_add(f, m->i1, "2026-11-15T04:00:00Z", "trojan");
	ev_add(f, m->i2, "2026-11-15T04:00:00Z", NULL);
	ev_add(f, m->i2, "2026-11-30T15:59:59Z", NULL);
	ev_add(f, m->i3, "2026-10-31T15:59:59.999999Z", "c2");
	ev_add(f, m->i3, "2026-11-30T16:00:00Z", "c2");
	for (int i = 0; i < 3; i++)
		ev_add(f, m->i4, "2026-11-20T01:00:00Z", "scan");
}

static void run(struct fx *f, enum ps_report_format fmt, bool en, bool vuln, int64_t now)
{
	struct ps_report_opts o = {fmt, en, vuln, now};
	struct ps_diag d = {{0}};

	ps_buf_reset(&f->out);
	if (ps_report_bulletin(&f->cx, 2026, 11, &o, &f->out, &d) != PS_OK)
		fail_msg("%s", d.msg);
}

static int64_t alert_count(struct fx *f, int64_t from, int64_t to)
{
	struct ps_event_filter ef = {0};
	int64_t n = 0;

	ef.ts_from_us = from;
	ef.ts_to_us = to;
	ef.event_type = "alert";
	OK(ps_store_event_count(f->st, &ef, &n));
	return n;
}

static void test_month_parse(void **state)
{
	struct ps_diag d = {{0}};
	int y = 0, m = 0;
	int64_t a, b;

	(void)state;
	OK(ps_report_month_parse("2026-11", &y, &m, &d));
	assert_int_equal(y, 2026);
	assert_int_equal(m, 11);
	assert_int_equal(ps_report_month_parse("2026-13", &y, &m, &d), PS_EINVAL);
	assert_non_null(strstr(d.msg, "no month 13"));
	assert_int_equal(ps_report_month_parse("2026-1", &y, &m, &d), PS_EINVAL);
	assert_non_null(strstr(d.msg, "'2026-1' is not a month"));
	assert_int_equal(ps_report_month_parse("x", &y, &m, &d), PS_EINVAL);
	assert_int_equal(ps_report_month_parse("2026-00", &y, &m, &d), PS_EINVAL);
	assert_int_equal(ps_report_month_parse("2026-11 ", &y, &m, &d), PS_EINVAL);
	OK(ps_report_month_range(2026, 11, &a, &b));
	assert_int_equal(a, T("2026-10-31T16:00:00Z"));
	assert_int_equal(b, T("2026-11-30T16:00:00Z"));
	OK(ps_report_month_range(2026, 12, &a, &b));
	assert_int_equal(b, T("2026-12-31T16:00:00Z"));
}

static void test_counts(void **state)
{
	struct fx *f = *state;
	struct month m;
	int64_t a, b;

	fill_month(f, &m);
	run(f, PS_REPORT_CSV, true, false, T("2027-01-01T00:00:00Z"));
	OK(ps_report_month_range(2026, 11, &a, &b));
	/* the bulletin's total is a direct count of the stored alert events */
	assert_int_equal(alert_count(f, a, b), 7);
	assert_true(has_line(f, "section,key,label,count"));
	assert_true(has_line(f, "total,events,alert events,7"));
	assert_true(has_line(f, "total,incidents,incidents with evidence in the month,3"));
	assert_true(has_line(f, "total,incidents_new,incidents first seen in the month,3"));
	assert_true(has_line(f, "total,open,open incidents,3"));
	assert_true(has_line(f, "total,overdue,overdue clocks,0"));
	assert_true(has_line(f, "total,vuln_events,events of incidents with vulnerability "
			     "details,2"));
	assert_true(has_line(f, "category,scan,scan,3"));
	assert_true(has_line(f, "category,trojan,trojan,2"));
	assert_true(has_line(f, "category,,uncategorised,2"));
	assert_false(has(f, "category,c2"));
	assert_true(has_line(f, "level,critical,critical,0"));
	assert_true(has_line(f, "level,larger,larger,2"));
	assert_true(has_line(f, "level,general,general,3"));
	assert_true(has_line(f, "level,none,none,2"));
	assert_true(has_line(f, "unit,U-1,U-1 广州数据中心,5"));
	assert_true(has_line(f, "unit,,unregistered assets,2"));
	/* every day, zeros included; the +08:00 boundaries */
	assert_true(has_line(f, "day,2026-11-01,11-01,1"));
	assert_true(has_line(f, "day,2026-11-02,11-02,0"));
	assert_true(has_line(f, "day,2026-11-15,11-15,2"));
	assert_true(has_line(f, "day,2026-11-20,11-20,3"));
	assert_true(has_line(f, "day,2026-11-30,11-30,1"));
	assert_false(has(f, "day,2026-10-31"));
	assert_false(has(f, "day,2026-12-01"));
	assert_true(has_line(f, "asset,A-1,A-1 门户服务器,2"));
	assert_true(has_line(f, "state,new,new,1"));
	assert_true(has_line(f, "state,triaged,triaged,1"));
	assert_true(has_line(f, "state,in_progress,in_progress,1"));
	assert_true(has_line(f, "state,closed,closed,0"));
	/* December holds I3's second event only */
	ps_buf_reset(&f->out);
	{
		struct ps_report_opts o = {PS_REPORT_CSV, false, false, T("2027-01-01T00:00:00Z")};
		struct ps_diag d = {{0}};

		OK(ps_report_bulletin(&f->cx, 2026, 12, &o, &f->out, &d));
		assert_true(has_line(f, "total,events,告警事件数,1"));
		assert_true(has_line(f, "day,2026-12-01,12-01,1"));
		assert_true(has_line(f, "level,none,无,1"));
		assert_true(has_line(f, "category,c2,c2,1"));
	}
}

static void test_top(void **state)
{
	struct fx *f = *state;
	const char *s, *p3, *p2, *pw;
	struct month m;
	char ind[32], line[64];

	fill_month(f, &m);
	run(f, PS_REPORT_CSV, true, false, T("2027-01-01T00:00:00Z"));
	/* scan 3, then the tie at 2: the withheld row (key "") before evil.example */
	s = ps_buf_cstr(&f->out);
	p3 = strstr(s, "\nindicator,scan.example,scan.example,3\n");
	pw = strstr(s, "\nindicator,,(vulnerability details withheld),2\n");
	p2 = strstr(s, "\nindicator,evil.example,evil.example,2\n");
	assert_non_null(p3);
	assert_non_null(pw);
	assert_non_null(p2);
	assert_true(p3 < pw && pw < p2);
	assert_false(has(f, "c2.example"));
	/* twelve more indicators with 1..12 events: only ten rows are listed */
	for (int i = 1; i <= 12; i++) {
		int64_t id;

		snprintf(ind, sizeof(ind), "top%02d.example", i);
		id = inc_add(f, &(struct inc_spec){"top", "top", "none", "new", ind, "10.1.0.1",
						    NULL, NULL, 0, T("2026-11-02T00:00:00Z")});
		for (int k = 0; k < i; k++)
			ev_add(f, id, "2026-11-02T00:00:00Z", "top");
	}
	run(f, PS_REPORT_CSV, true, false, T("2027-01-01T00:00:00Z"));
	s = ps_buf_cstr(&f->out);
	{
		size_t rows = 0;

		for (const char *p = strstr(s, "\nindicator,"); p; p = strstr(p + 1, "\nindicator,"))
			rows++;
		assert_int_equal(rows, 10);
	}
	assert_true(has_line(f, "indicator,top12.example,top12.example,12"));
	assert_true(strstr(s, "top12.example") < strstr(s, "top11.example"));
	snprintf(line, sizeof(line), "indicator,top04.example,top04.example,4");
	assert_true(has_line(f, line));
	assert_false(has(f, "top03.example"));
	assert_true(has_line(f, "total,events,alert events,85"));
}

static void test_overdue(void **state)
{
	struct fx *f = *state;
	struct month m;
	int64_t now = T("2026-11-20T00:00:00Z");

	fill_month(f, &m);
	clock_add(f, m.i1, "rectification", now, 0);           /* due at as_of: not late */
	clock_add(f, m.i4, "miit_report", now - 1, 0);         /* 1 µs late */
	clock_add(f, m.i2, "cac_report", now - 7200000000LL, now - 1); /* met in time */
	clock_add(f, m.i3, "cac_final_report", now - 3600000000LL, now + 1); /* met later */
	run(f, PS_REPORT_CSV, true, false, now);
	assert_true(has_line(f, "total,overdue,overdue clocks,2"));
	assert_true(has_line(f, "overdue,INC-000004/miit_report,report to the MIIT,0"));
	assert_true(has_line(f, "overdue,INC-000003/cac_final_report,final report to the CAC,60"));
	assert_false(has(f, "rectification"));
	assert_false(has(f, "INC-000002"));
	/* after the month, as_of is the month's end: the rectification is late */
	run(f, PS_REPORT_CSV, false, false, T("2026-12-10T00:00:00Z"));
	assert_true(has_line(f, "total,overdue,超期时限,2"));
	assert_true(has(f, "overdue,INC-000001/rectification,整改期限,"));
	assert_false(has(f, "INC-000003/cac_final_report"));
	/* HTML lists them with the escaped title */
	run(f, PS_REPORT_HTML, false, false, now);
	assert_true(has(f, "INC-000004"));
	assert_true(has(f, "工信部应急报告"));
}

static void test_vuln_and_escape(void **state)
{
	struct fx *f = *state;
	struct month m;
	int64_t now = T("2026-11-25T00:00:00Z");

	fill_month(f, &m);
	clock_add(f, m.i2, "vuln_report", now - 1000000, 0);
	clock_add(f, m.i4, "rectification", now - 1000000, 0);
	for (int fmt = PS_REPORT_HTML; fmt <= PS_REPORT_CSV; fmt++) {
		run(f, (enum ps_report_format)fmt, false, false, now);
		assert_false(has(f, "198.51.100.7"));
		assert_false(has(f, "10.0.0.9"));
		assert_false(has(f, "CVE-2026-0001"));
		assert_true(has(f, PS_REPORT_WITHHELD_ZH));
		assert_false(has(f, "<script"));
		run(f, (enum ps_report_format)fmt, false, true, now);
		assert_true(has(f, "198.51.100.7"));
		assert_true(has(f, "10.0.0.9"));
		assert_false(has(f, "<script"));
	}
	run(f, PS_REPORT_HTML, false, true, now);
	assert_true(has(f, "&lt;script&gt;alert(1)&lt;/script&gt; CVE-2026-0001"));
	assert_true(has(f, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; scan"));
	/* a self-contained page with the four charts */
	assert_true(has(f, "<!DOCTYPE html>"));
	assert_false(has(f, "<script"));
	assert_false(has(f, "src="));
	assert_false(has(f, "href="));
	assert_false(has(f, "@import"));
	{
		size_t svgs = 0;

		for (const char *p = strstr(ps_buf_cstr(&f->out), "<svg"); p; p = strstr(p + 1, "<svg"))
			svgs++;
		assert_int_equal(svgs, 4);
	}
	run(f, PS_REPORT_MD, false, true, now);
	assert_true(has(f, "&lt;script&gt;alert(1)&lt;/script&gt; CVE-2026-0001"));
	assert_true(has(f, "# 2026年11月 月度威胁通报"));
}

static void test_empty_month(void **state)
{
	struct fx *f = *state;

	run(f, PS_REPORT_CSV, true, false, T("2027-01-01T00:00:00Z"));
	assert_true(has_line(f, "total,events,alert events,0"));
	assert_true(has_line(f, "day,2026-11-30,11-30,0"));
	run(f, PS_REPORT_HTML, false, false, T("2027-01-01T00:00:00Z"));
	assert_true(has(f, "（无数据）"));
}

static int render_all(void *arg)
{
	struct fx *f = arg;
	struct ps_buf b = PS_BUF_INIT(PS_MEM_TEST, PS_REPORT_MAX);
	struct ps_diag d = {{0}};
	int rc = PS_OK;

	for (int fmt = PS_REPORT_HTML; fmt <= PS_REPORT_CSV && rc == PS_OK; fmt++) {
		struct ps_report_opts o = {(enum ps_report_format)fmt, false, false,
					   T("2026-11-25T00:00:00Z")};

		ps_buf_reset(&b);
		rc = ps_report_bulletin(&f->cx, 2026, 11, &o, &b, &d);
	}
	ps_buf_release(&b);
	return rc;
}

/* Every allocation failing in turn: an error or a complete report, no leak
 * (the sanitizer build checks). */
static void test_alloc_failures(void **state)
{
	struct fx *f = *state;
	struct month m;

	fill_month(f, &m);
	clock_add(f, m.i4, "rectification", T("2026-11-21T00:00:00Z"), 0);
	assert_true(ps_mem_torture(render_all, f, false) > 10);
	OK(render_all(f));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_month_parse),
		cmocka_unit_test_setup_teardown(test_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_top, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overdue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vuln_and_escape, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_month, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alloc_failures, setup, teardown),
	};

	return reg_run(argc, argv, tests);
}
