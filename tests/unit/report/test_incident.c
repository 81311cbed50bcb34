/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of the incident report on SQLite and PostgreSQL (argv[1]): the
 * level and the rule that set it, owner routing from the registry, the
 * timeline and measures from the history, clocks, the evidence summary,
 * withheld vulnerability details and the JSON form.
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

#include "core/core.h"
#include "core/timeutil.h"
#include "incident/case.h"
#include "policy/policy.h"
#include "registry/registry.h"
#include "report/report.h"
#include "store/store.h"
#include "report_fixture.h"

static void history_add(struct fx *f, int64_t id, const char *iso, const char *action,
			const char *from, const char *to, const char *reason)
{
	struct ps_stmt *st;

	OK(ps_store_prepare(f->st, "INSERT INTO incident_history (incident_id, ts, actor,"
			    " action, from_state, to_state, reason) VALUES (?, ?, 'cli:alice',"
			    " ?, ?, ?, ?)", &st));
	OK(ps_store_stmt_bind_int64(st, 1, id));
	OK(ps_store_stmt_bind_int64(st, 2, T(iso)));
	OK(ps_store_stmt_bind_text(st, 3, action));
	OK(ps_store_stmt_bind_text(st, 4, from));
	OK(ps_store_stmt_bind_text(st, 5, to));
	OK(ps_store_stmt_bind_text(st, 6, reason));
	assert_int_equal(ps_store_stmt_step(st), PS_EOF);
	ps_store_stmt_finalize(st);
}

static void set_facts(struct fx *f, int64_t id, const char *facts, const char *level,
		      const char *unit, int vuln)
{
	struct ps_stmt *st;

	OK(ps_store_prepare(f->st, "UPDATE incidents SET facts = ?, level = ?, unit = ?,"
			    " operator = 'OP-1', dept = 'D-1', person = 'P-1', asset = 'A-1',"
			    " peer_ip = '203.0.113.9', vuln = ?, rectify_severity = 'high'"
			    " WHERE id = ?", &st));
	OK(ps_store_stmt_bind_text(st, 1, facts));
	OK(ps_store_stmt_bind_text(st, 2, level));
	OK(ps_store_stmt_bind_text(st, 3, unit));
	OK(ps_store_stmt_bind_int64(st, 4, vuln));
	OK(ps_store_stmt_bind_int64(st, 5, id));
	assert_int_equal(ps_store_stmt_step(st), PS_EOF);
	ps_store_stmt_finalize(st);
}

/* One incident of unit U-1 at asset A-1: 1,000,000 users' data leaked
 * (较大 by the MIIT table), three evidence events, a move and a note. */
static int64_t fill(struct fx *f, int vuln)
{
	int64_t id;

	reg_add(f, "operator", "OP-1", "name=示例电信", "type=basic_telecom", NULL);
	reg_add(f, "dept", "D-1", "operator=OP-1", "name=网络安全部", NULL);
	reg_add(f, "person", "P-1", "name=张三", "dept=D-1", NULL);
	reg_add(f, "unit", "U-1", "operator=OP-1", "name=广州数据中心", "type=idc", "level=3",
		NULL);
	reg_add(f, "asset", "A-1", "unit=U-1", "kind=host", "name=门户服务器",
		"address=10.0.0.1", NULL);
	id = inc_add(f, &(struct inc_spec){"数据泄露 <leak>", "data_leak", "none", "in_progress",
					    "leak.example", "10.0.0.1", NULL, NULL, 0,
					    T("2026-11-01T00:00:00Z")});
	set_facts(f, id, "{\"leaked_users\": 1000000}", "larger", "U-1", vuln);
	for (int i = 0; i < 3; i++)
		ev_add(f, id, "2026-11-01T00:00:00Z", "data_leak");
	history_add(f, id, "2026-11-01T00:00:00Z", "open", NULL, "new", NULL);
	history_add(f, id, "2026-11-01T02:00:00Z", "move", "assigned", "in_progress",
		    "开始处置");
	history_add(f, id, "2026-11-01T03:00:00Z", "note", NULL, NULL, "已封堵恶意地址 203.0.113.9");
	return id;
}

static int report(struct fx *f, int64_t id, enum ps_report_format fmt, bool en, bool vuln,
		  struct ps_diag *d)
{
	struct ps_report_opts o = {fmt, en, vuln, T("2026-11-02T00:00:00Z")};

	ps_buf_reset(&f->out);
	return ps_report_incident(&f->cx, id, &o, &f->out, d);
}

static void test_markdown(void **state)
{
	struct fx *f = *state;
	struct ps_diag d = {{0}};
	int64_t id = fill(f, 0);

	if (report(f, id, PS_REPORT_MD, false, false, &d) != PS_OK)
		fail_msg("%s", d.msg);
	assert_true(has(f, "# 网络安全事件报告 INC-000001"));
	assert_true(has(f, "| 事件级别 | 较大 (incident.miit2017.levels 较大: leaked\\_users"));
	assert_true(has(f, "数据泄露 &lt;leak&gt;"));
	assert_true(has(f, "| 网络单元 | U-1 | 广州数据中心 |"));
	assert_true(has(f, "| 资产 | A-1 | 门户服务器 |"));
	assert_true(has(f, "| 责任人 | P-1 | 张三 |"));
	assert_true(has(f, "| 责任部门 | D-1 | 网络安全部 |"));
	/* timeline and measures */
	assert_true(has(f, "| 2026-11-01 10:00 | cli:alice | move | 已分派 → 处置中 | 开始处置 |"));
	assert_true(has(f, "已封堵恶意地址 203.0.113.9"));
	/* clocks: rectification (high) from creation + 7 days */
	assert_true(has(f, "| 整改期限 | 2026-11-01 08:00 | 2026-11-08 08:00 | 未到期 |"));
	assert_true(has(f, "incident.rectification.deadlines"));
	/* evidence */
	assert_true(has(f, "| 2026-11-01 08:00 | 10.0.0.1:40000 | 198.51.100.7:443 | TCP |"
			" ET TEST signature |"));
	assert_true(has(f, "leak.example"));
	/* English HTML */
	OK(report(f, id, PS_REPORT_HTML, true, false, &d));
	assert_true(has(f, "<h1>Incident report INC-000001</h1>"));
	assert_true(has(f, "<td>larger (incident.miit2017.levels"));
	assert_true(has(f, "数据泄露 &lt;leak&gt;"));
	assert_false(has(f, "<leak>"));
}

static void test_withheld_and_json(void **state)
{
	struct fx *f = *state;
	struct ps_diag d = {{0}};
	int64_t id = fill(f, 1);
	json_t *j, *ev;
	json_error_t err;

	for (int fmt = PS_REPORT_HTML; fmt <= PS_REPORT_JSON; fmt++) {
		if (fmt == PS_REPORT_CSV) {
			assert_int_equal(report(f, id, PS_REPORT_CSV, false, false, &d), PS_EINVAL);
			continue;
		}
		OK(report(f, id, (enum ps_report_format)fmt, false, false, &d));
		assert_false(has(f, "leak.example"));
		assert_false(has(f, "10.0.0.1"));
		assert_false(has(f, "ET TEST signature"));
		assert_false(has(f, "&lt;leak&gt;") || has(f, "<leak>"));
		assert_true(has(f, PS_REPORT_WITHHELD_ZH));
		OK(report(f, id, (enum ps_report_format)fmt, false, true, &d));
		assert_true(has(f, "leak.example"));
		assert_true(has(f, "ET TEST signature"));
	}
	j = json_loads(ps_buf_cstr(&f->out), 0, &err);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "facts"), "ref")),
			    "INC-000001");
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "facts"),
							      "level")), "larger");
	ev = json_object_get(j, "evidence");
	assert_int_equal(json_array_size(ev), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(ev, 0), "src_ip")),
			    "10.0.0.1");
	assert_int_equal(json_array_size(json_object_get(j, "timeline")), 3);
	assert_true(json_array_size(json_object_get(j, "clocks")) >= 1);
	assert_string_equal(json_string_value(json_object_get(json_object_get(
		json_object_get(j, "owner"), "unit"), "name")), "广州数据中心");
	json_decref(j);
	assert_int_equal(report(f, 99, PS_REPORT_MD, false, false, &d), PS_ENOENT);
	assert_non_null(strstr(d.msg, "INC-000099"));
}

struct torture {
	struct fx *f;
	int64_t id;
};

static int render_all(void *arg)
{
	struct torture *t = arg;
	struct ps_buf b = PS_BUF_INIT(PS_MEM_TEST, PS_REPORT_MAX);
	struct ps_diag d = {{0}};
	int rc = PS_OK;

	for (int fmt = PS_REPORT_HTML; fmt <= PS_REPORT_JSON && rc == PS_OK; fmt++) {
		struct ps_report_opts o = {(enum ps_report_format)fmt, false, true,
					   T("2026-11-02T00:00:00Z")};

		if (fmt == PS_REPORT_CSV)
			continue;
		ps_buf_reset(&b);
		rc = ps_report_incident(&t->f->cx, t->id, &o, &b, &d);
	}
	ps_buf_release(&b);
	return rc;
}

/* Every allocation failing in turn: an error or a report, never a leak. */
static void test_alloc_failures(void **state)
{
	struct torture t = {*state, 0};

	t.id = fill(t.f, 0);
	assert_true(ps_mem_torture(render_all, &t, false) > 10);
	OK(render_all(&t));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_markdown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_withheld_and_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alloc_failures, setup, teardown),
	};

	return reg_run(argc, argv, tests);
}
