/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of the rectification notice on SQLite and PostgreSQL (argv[1]):
 * the header from the registry, one item per open incident of the unit
 * with its rectification deadline and overdue flag, withheld details, a
 * unit with nothing open, and the unknown-unit error (also via the CLI).
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

#include "cli/cli.h"
#include "core/core.h"
#include "core/timeutil.h"
#include "incident/case.h"
#include "policy/policy.h"
#include "registry/registry.h"
#include "report/report.h"
#include "store/store.h"
#include "report_fixture.h"

struct unit_fx {
	int64_t a, b, c, d, e, g, h;
};

static void set_text(struct fx *f, int64_t id, const char *col_sql, const char *v)
{
	struct ps_stmt *st;

	OK(ps_store_prepare(f->st, col_sql, &st));
	OK(ps_store_stmt_bind_text(st, 1, v));
	OK(ps_store_stmt_bind_int64(st, 2, id));
	assert_int_equal(ps_store_stmt_step(st), PS_EOF);
	ps_store_stmt_finalize(st);
}

/*
 * U-1 (with owners) holds: a (new, high: rectify by Nov 8 08:00 +08),
 * b (in progress, vulnerability), c closed, d verified, e false positive,
 * g accepted risk; h has no unit. U-2 holds nothing.
 */
static void fill(struct fx *f, struct unit_fx *u)
{
	int64_t t0 = T("2026-11-01T00:00:00Z");

	reg_add(f, "operator", "OP-1", "name=示例电信", "type=basic_telecom", NULL);
	reg_add(f, "dept", "D-1", "operator=OP-1", "name=网络安全部", NULL);
	reg_add(f, "person", "P-1", "name=张三", "dept=D-1", "phone=13800000000", NULL);
	reg_add(f, "unit", "U-1", "operator=OP-1", "name=广州数据中心", "type=idc", "level=3",
		"filing_no=44010000001", "dept=D-1", "person=P-1", NULL);
	reg_add(f, "unit", "U-2", "operator=OP-1", "name=空闲单元", "type=idc", "level=2", NULL);
	u->a = inc_add(f, &(struct inc_spec){"木马回连 <evil>", "trojan", "larger", "new",
					      "evil.example", "10.0.0.1", NULL, "U-1", 0, t0});
	u->b = inc_add(f, &(struct inc_spec){"CVE-2026-0001 远程代码执行", "vuln", "none",
					      "in_progress", "cve.example", "10.0.0.2", NULL, "U-1",
					      1, t0});
	u->c = inc_add(f, &(struct inc_spec){"closed one", "x", "none", "closed", NULL, NULL,
					      NULL, "U-1", 0, t0});
	u->d = inc_add(f, &(struct inc_spec){"verified one", "x", "none", "verified", NULL,
					      NULL, NULL, "U-1", 0, t0});
	u->e = inc_add(f, &(struct inc_spec){"fp one", "x", "none", "false_positive", NULL,
					      NULL, NULL, "U-1", 0, t0});
	u->g = inc_add(f, &(struct inc_spec){"risk accepted", "x", "general", "accepted_risk",
					      NULL, NULL, NULL, "U-1", 0, t0});
	u->h = inc_add(f, &(struct inc_spec){"elsewhere", "x", "none", "new", NULL, NULL, NULL,
					      NULL, 0, t0});
	set_text(f, u->a, "UPDATE incidents SET rectify_severity = ? WHERE id = ?", "high");
	ev_add(f, u->a, "2026-11-01T00:00:00Z", "trojan");
}

static int notice(struct fx *f, const char *unit, enum ps_report_format fmt, bool en,
		  bool vuln, int64_t now, struct ps_diag *d)
{
	struct ps_report_opts o = {fmt, en, vuln, now};

	ps_buf_reset(&f->out);
	return ps_report_notice(&f->cx, unit, &o, &f->out, d);
}

static void ref(int64_t id, char *out)
{
	ps_case_ref(id, out, 32);
}

static void test_items(void **state)
{
	struct fx *f = *state;
	struct ps_diag d = {{0}};
	struct unit_fx u;
	char r[32];

	fill(f, &u);
	if (notice(f, "U-1", PS_REPORT_HTML, false, false, T("2026-11-10T00:00:00Z"), &d))
		fail_msg("%s", d.msg);
	assert_true(has(f, "<h1>整改通知书</h1>"));
	assert_true(has(f, "ZG-20261110-U-1"));
	assert_true(has(f, "示例电信"));
	assert_true(has(f, "广州数据中心"));
	assert_true(has(f, "第3级"));
	assert_true(has(f, "44010000001"));
	assert_true(has(f, "网络安全部"));
	assert_true(has(f, "张三 13800000000"));
	/* a's rectification and report to the MIIT (较大), g's (一般) are overdue */
	assert_true(has(f, "存在以下 3 项未闭环安全事件（其中 2 项已超期）"));
	ref(u.a, r);
	assert_true(has(f, r));
	ref(u.b, r);
	assert_true(has(f, r));
	ref(u.g, r);
	assert_true(has(f, r));
	for (int64_t id = u.c; id <= u.e; id++) {
		ref(id, r);
		assert_false(has(f, r));
	}
	ref(u.h, r);
	assert_false(has(f, r));
	/* a's rectification: created Nov 1 00:00Z + 7 days (policy, high) */
	assert_true(has(f, "2026-11-08 08:00"));
	assert_true(has(f, "<span class=\"late\">已超期（网信部门事件报告, 工信部应急报告, 整改期限）</span>"));
	assert_true(has(f, "<span class=\"late\">已超期（工信部应急报告）</span>"));
	assert_true(has(f, "木马回连 &lt;evil&gt;"));
	assert_false(has(f, "<evil>"));
	/* b holds vulnerability details */
	assert_false(has(f, "CVE-2026-0001"));
	assert_true(has(f, PS_REPORT_WITHHELD_ZH));
	assert_true(has(f, "整改要求"));
	/* at the rectification deadline it is not overdue yet */
	OK(notice(f, "U-1", PS_REPORT_MD, true, true, T("2026-11-08T00:00:00Z"), &d));
	assert_true(has(f, "# Rectification notice"));
	assert_true(has(f, "3 open incident(s), 2 with an overdue clock:"));
	assert_true(has(f, "**overdue (report to the MIIT)**"));
	assert_true(has(f, "CVE-2026-0001"));
	assert_true(has(f, "木马回连 &lt;evil&gt;"));
	assert_false(has(f, "rectification deadline)"));
}

static void test_empty_and_unknown(void **state)
{
	struct fx *f = *state;
	struct ps_diag d = {{0}};
	struct unit_fx u;

	fill(f, &u);
	OK(notice(f, "U-2", PS_REPORT_HTML, false, false, T("2026-11-10T00:00:00Z"), &d));
	assert_true(has(f, "空闲单元：截至本通知日期，无未闭环的安全事件"));
	assert_false(has(f, "INC-"));
	assert_int_equal(notice(f, "U-9", PS_REPORT_HTML, false, false, 1, &d), PS_ENOENT);
	assert_string_equal(d.msg, "no unit 'U-9' in the registry");
	assert_int_equal(notice(f, "U-1", PS_REPORT_CSV, false, false, 1, &d), PS_EINVAL);
}

/* The CLI names the unknown unit and exits 1 (SQLite only: it needs a file). */
static void test_cli(void **state)
{
	struct fx *f = *state;
	char policy[1200], key[600], out[600], buf[8192];
	struct unit_fx u;
	FILE *o, *e;
	size_t n;

	if (is_pg())
		skip();
	fill(f, &u);
	snprintf(policy, sizeof(policy), "%s/policy", srcdir);
	snprintf(key, sizeof(key), "%s.key", f->spec);
	snprintf(out, sizeof(out), "%s-notice.md", f->spec);
	setenv("PANSHI_AUDIT_KEY", key, 1);
	{
		char *argv[] = {"panshi", "--db", f->spec, "--policy-dir", policy, "report",
				"notice", "--unit", "U-9", NULL};

		o = tmpfile();
		e = tmpfile();
		assert_int_equal(ps_cli_run(9, argv, o, e), PS_CLI_FAIL);
		rewind(e);
		n = fread(buf, 1, sizeof(buf) - 1, e);
		buf[n] = '\0';
		assert_non_null(strstr(buf, "no unit 'U-9' in the registry"));
		fclose(o);
		fclose(e);
	}
	{
		char *argv[] = {"panshi", "--db", f->spec, "--policy-dir", policy, "report",
				"notice", "--unit", "U-1", "--out", out, "--include-vuln-details",
				NULL};
		FILE *md;

		o = tmpfile();
		e = tmpfile();
		assert_int_equal(ps_cli_run(12, argv, o, e), PS_CLI_OK);
		fclose(o);
		fclose(e);
		md = fopen(out, "r");
		assert_non_null(md);
		n = fread(buf, 1, sizeof(buf) - 1, md);
		buf[n] = '\0';
		fclose(md);
		assert_non_null(strstr(buf, "# 整改通知书"));
		assert_non_null(strstr(buf, "CVE-2026-0001"));
	}
	{
		struct ps_stmt *st;

		OK(ps_store_prepare(f->st, "SELECT count(*) FROM audit_log WHERE action ="
				    " 'report.disclose_vuln' AND object = 'notice:U-1'", &st));
		OK(ps_store_stmt_step(st));
		assert_int_equal(ps_store_stmt_column_int64(st, 0), 1);
		ps_store_stmt_finalize(st);
	}
	unlink(out);
	unlink(key);
	unsetenv("PANSHI_AUDIT_KEY");
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_items, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_and_unknown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cli, setup, teardown),
	};

	return reg_run(argc, argv, tests);
}
