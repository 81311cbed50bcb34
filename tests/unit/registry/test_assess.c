/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Assessment runs in the store, against the backend named by argv[1]:
 * "sqlite" (default; a fresh file per test) or "pgsql" (PANSHI_TEST_PG_DSN,
 * a fresh schema per test; exit 77 without it). A run stores the
 * assessment and its rectification items at once or nothing at all; level
 * applicability comes from the target's record; items are counted,
 * flagged overdue and moved to closure; and the `panshi assess` commands
 * run, list, show, rectify and list frameworks.
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

#include "cli/cli_audit.h"
#include "cli/cli_int.h"
#include "core/core.h"
#include "policy/policy.h"
#include "registry/assess.h"
#include "registry/framework.h"
#include "registry/registry.h"
#include "store/store.h"

#define OK(x) assert_int_equal((x), PS_OK)

extern const struct ps_cli_cmd ps_cmd_assess_rectify, ps_cmd_assess_frameworks;

struct fx {
	struct ps_store *st;
	struct ps_store_settings set;
	struct ps_registry r;
	struct ps_diag d;
	struct ps_framework *fw;
	char spec[512];
	char schema[64];
};

#define REG_FX_NAME "assess"
#define REG_FX_TODAY ((struct ps_date){2025, 7, 1})
static int fx_setup(struct fx *f);
static void fx_teardown(struct fx *f);
#define REG_FX_SETUP(f) fx_setup(f)
#define REG_FX_TEARDOWN(f) fx_teardown(f)
#include "reg_fixture.h"

static const char fw_text[] =
	"schema: 1\nid: t-run\nversion: 3\ntitle: 运行测试\ntitle_en: Run test\n"
	"kind: self_inspection\nsource: ours\npass_score: 70\n"
	"rectification_days: 30\nsections:\n"
	"  - id: A\n    title: 甲\n    requirements:\n"
	"      - {id: A-1, title: 已定级备案, points: 4, critical: true}\n"
	"      - {id: A-2, title: 已开展评测, points: 6, applies_to_levels: 2+}\n"
	"      - {id: A-3, title: 日志留存, points: 3}\n"
	"      - {id: A-4, title: 递归解析, points: 2, applies_to: [dns]}\n"
	"      - {id: A-5, title: 高级项, points: 5, applies_to_levels: 3+}\n";

/* U-3 (level 3, dns): 4 + 3 (6 partial) + 0 + na + 5 = 12 of 18, 66% < 70 */
static const char answers_u3[] =
	"answers:\n"
	"  A-1: pass\n"
	"  A-2: {answer: partial, note: 报告过期, owner: P-2}\n"
	"  A-3: {answer: fail, deadline: 2025-07-15}\n"
	"  A-4: na\n"
	"  A-5: pass\n";

/* A record of `kind` from "field=value" strings, NULL-terminated. */
static int add(struct fx *f, const char *kind, ...)
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

		snprintf(name, sizeof(name), "%.*s", (int)(eq - kv), kv);
		OK(ps_reg_record_set(r, name, eq + 1));
	}
	va_end(ap);
	rc = ps_reg_insert(&f->r, r, &f->d);
	ps_reg_record_free(r);
	return rc;
}

#define ADD_OK(f, ...) do { \
	if (add(f, __VA_ARGS__, NULL) != PS_OK) \
		fail_msg("insert: %s", (f)->d.msg); \
} while (0)

static void seed(struct fx *f)
{
	ADD_OK(f, "operator", "key=OP-1", "name=磐石电信", "type=basic_telecom");
	ADD_OK(f, "operator", "key=OP-2", "name=空壳公司", "type=vas");
	ADD_OK(f, "person", "key=P-1", "name=张三");
	ADD_OK(f, "person", "key=P-2", "name=李四");
	ADD_OK(f, "unit", "key=U-1", "operator=OP-1", "name=门户", "type=internet",
	       "level=1");
	ADD_OK(f, "unit", "key=U-2", "operator=OP-1", "name=机房", "type=idc", "level=2");
	ADD_OK(f, "unit", "key=U-3", "operator=OP-1", "name=递归", "type=dns", "level=3");
	ADD_OK(f, "unit", "key=U-4", "operator=OP-1", "name=旧网", "type=basic_telecom",
	       "level=4", "retired_date=2024-01-01");
	ADD_OK(f, "iie", "key=IIE-1", "name=平台企业", "class=platform", "level=三级");
	ADD_OK(f, "iov", "key=IOV-1", "operator=OP-1", "name=车联平台", "kind=platform",
	       "level=2");
}

/* The test framework and the seed records, after the store is open. */
static int fx_setup(struct fx *f)
{
	struct ps_diag d = {{0}};

	if (ps_fw_load_mem("t.yaml", fw_text, strlen(fw_text), pol, &f->fw, &d) != PS_OK)
		return -1;
	seed(f);
	return 0;
}

static void fx_teardown(struct fx *f)
{
	ps_fw_free(f->fw);
}

static int64_t count(struct fx *f, const char *kind)
{
	int64_t n = -1;

	OK(ps_reg_count(&f->r, ps_reg_kind_find(kind), NULL, &n));
	return n;
}

static char *field(struct fx *f, const char *kind, const char *key, const char *name)
{
	struct ps_reg_record *r = NULL;
	const char *v;
	char *c;

	OK(ps_reg_get(&f->r, ps_reg_kind_find(kind), key, &r));
	v = ps_reg_record_get(r, name);
	c = ps_strdup(PS_MEM_TEST, v != NULL ? v : "(null)");
	ps_reg_record_free(r);
	return c;
}

#define ASSERT_FIELD(f, kind, key, name, want) do { \
	char *v_ = field(f, kind, key, name); \
	assert_string_equal(v_, want); \
	ps_free(v_); \
} while (0)

static struct ps_date day(int y, int m, int d)
{
	return (struct ps_date){y, (uint8_t)m, (uint8_t)d};
}

/* Target, answers, run; the rc, with the message in f->d. */
static int run(struct fx *f, const char *kind, const char *key, const char *sheet,
	       const struct ps_assess_opts *o, bool dry, struct ps_assess_outcome *out)
{
	struct ps_fw_answers *a = NULL;
	struct ps_assess_target t;
	struct ps_date on = o && o->date_set ? o->date : f->r.today;
	int rc;

	memset(out, 0, sizeof(*out));
	ps_diag_clear(&f->d);
	rc = ps_assess_target_get(&f->r, kind, key, on, &t, &f->d);
	if (rc != PS_OK)
		return rc;
	OK(ps_fw_answers_parse(f->fw, "a.yaml", sheet, strlen(sheet), &a, &f->d));
	rc = ps_assess_run(&f->r, f->fw, a, &t, o, dry, out, &f->d);
	ps_fw_answers_free(a);
	return rc;
}

static void test_run_stores(void **state)
{
	struct fx *f = *state;
	struct ps_assess_opts o = {.date = day(2025, 6, 30), .date_set = true,
				   .assessor = "自查组", .owner = "P-1"};
	struct ps_assess_outcome out;

	if (run(f, "unit", "U-3", answers_u3, &o, false, &out) != PS_OK)
		fail_msg("%s", f->d.msg);
	assert_non_null(out.key);
	assert_int_equal(out.score.obtained, 12);
	assert_int_equal(out.score.max, 18);
	assert_false(out.score.passed);
	assert_int_equal(out.n_items, 2);
	assert_int_equal(count(f, "assessment"), 1);
	assert_int_equal(count(f, "rectification"), 2);

	ASSERT_FIELD(f, "assessment", out.key, "target_kind", "unit");
	ASSERT_FIELD(f, "assessment", out.key, "target", "U-3");
	ASSERT_FIELD(f, "assessment", out.key, "kind", "self_inspection");
	ASSERT_FIELD(f, "assessment", out.key, "date", "2025-06-30");
	ASSERT_FIELD(f, "assessment", out.key, "assessor", "自查组");
	ASSERT_FIELD(f, "assessment", out.key, "framework", "t-run");
	ASSERT_FIELD(f, "assessment", out.key, "framework_version", "3");
	ASSERT_FIELD(f, "assessment", out.key, "score", "12");
	ASSERT_FIELD(f, "assessment", out.key, "max_score", "18");
	ASSERT_FIELD(f, "assessment", out.key, "result", "fail");
	ASSERT_FIELD(f, "assessment", out.key, "findings",
		     "得分 12/18 (66%), 未通过; 不符合: A-3; 部分符合: A-2; 不适用: A-4");

	/* A-2 partial: its own owner, run date + rectification_days */
	ASSERT_FIELD(f, "rectification", out.item_keys[0], "assessment", out.key);
	ASSERT_FIELD(f, "rectification", out.item_keys[0], "requirement", "A-2");
	ASSERT_FIELD(f, "rectification", out.item_keys[0], "description",
		     "已开展评测（部分符合）: 报告过期");
	ASSERT_FIELD(f, "rectification", out.item_keys[0], "owner", "P-2");
	ASSERT_FIELD(f, "rectification", out.item_keys[0], "deadline", "2025-07-30");
	ASSERT_FIELD(f, "rectification", out.item_keys[0], "status", "open");
	/* A-3 fail: the default owner, its own deadline */
	ASSERT_FIELD(f, "rectification", out.item_keys[1], "requirement", "A-3");
	ASSERT_FIELD(f, "rectification", out.item_keys[1], "description", "日志留存");
	ASSERT_FIELD(f, "rectification", out.item_keys[1], "owner", "P-1");
	ASSERT_FIELD(f, "rectification", out.item_keys[1], "deadline", "2025-07-15");
	ps_assess_outcome_release(&out);

	/* a dry run scores the same and stores nothing */
	OK(run(f, "unit", "U-3", answers_u3, &o, true, &out));
	assert_null(out.key);
	assert_int_equal(out.n_items, 2);
	assert_null(out.item_keys[0]);
	assert_int_equal(count(f, "assessment"), 1);
	ps_assess_outcome_release(&out);

	/* a conformity framework's run is a plain assessment record for the calendar */
	assert_string_equal(f->fw->kind, "self_inspection");
}

static int fail_second_item(void *arg, const char *op, const struct ps_reg_record *before,
			    const struct ps_reg_record *after)
{
	int *n = arg;

	(void)before;
	if (strcmp(op, "insert") == 0 && strcmp(after->kind->name, "rectification") == 0 &&
	    ++*n == 2)
		return PS_EINVAL;
	return PS_OK;
}

static void test_run_atomic(void **state)
{
	struct fx *f = *state;
	struct ps_assess_opts o = {.date = day(2025, 6, 30), .date_set = true};
	struct ps_assess_outcome out;
	int n = 0;

	/* the store refuses the second item: the assessment and the first go too */
	f->r.on_change = fail_second_item;
	f->r.on_change_arg = &n;
	assert_int_not_equal(run(f, "unit", "U-3", answers_u3, &o, false, &out), PS_OK);
	assert_non_null(strstr(f->d.msg, "refused by its hook"));
	assert_null(out.key);
	assert_int_equal(n, 2);
	assert_int_equal(count(f, "assessment"), 0);
	assert_int_equal(count(f, "rectification"), 0);
	f->r.on_change = NULL;

	/* an applicable requirement without an answer */
	assert_int_equal(run(f, "unit", "U-3", "answers: {A-1: pass, A-2: pass}\n", &o,
			     false, &out), PS_EINVAL);
	assert_non_null(strstr(f->d.msg, "requirement 'A-3'"));
	assert_non_null(strstr(f->d.msg, "and 2 more"));
	/* a missing target */
	assert_int_equal(run(f, "unit", "U-404", answers_u3, &o, false, &out), PS_ENOENT);
	assert_string_equal(f->d.msg, "unit 'U-404' does not exist");
	assert_int_equal(run(f, "asset", "A-1", answers_u3, &o, false, &out), PS_EINVAL);
	/* an owner who is nobody */
	assert_int_equal(run(f, "unit", "U-3", "answers:\n  A-1: pass\n  A-2: pass\n"
			     "  A-3: {answer: fail, owner: P-9}\n  A-4: pass\n  A-5: pass\n",
			     &o, false, &out), PS_EINVAL);
	assert_string_equal(f->d.msg, "a.yaml:4: owner 'P-9' of 'A-3' is not a person "
			    "in the registry");
	o.owner = "P-8";
	assert_int_equal(run(f, "unit", "U-3", answers_u3, &o, false, &out), PS_EINVAL);
	assert_string_equal(f->d.msg, "owner 'P-8' is not a person in the registry");
	o.owner = NULL;
	/* a deadline before the run */
	o.deadline = day(2025, 6, 1);
	o.deadline_set = true;
	assert_int_equal(run(f, "unit", "U-3", answers_u3, &o, false, &out), PS_EINVAL);
	assert_string_equal(f->d.msg, "deadline 2025-06-01 is before the assessment date "
			    "2025-06-30");
	o.deadline_set = false;
	/* a run dated after today */
	o.date = day(2025, 7, 2);
	assert_int_equal(run(f, "unit", "U-3", answers_u3, &o, false, &out), PS_EINVAL);
	assert_string_equal(f->d.msg, "assessment date 2025-07-02 is after today "
			    "(2025-07-01)");
	assert_int_equal(count(f, "assessment"), 0);
	assert_int_equal(count(f, "rectification"), 0);
}

static void test_deadlines(void **state)
{
	struct fx *f = *state;
	static const char no_days[] =
		"schema: 1\nid: nd\nversion: 1\ntitle: t\ntitle_en: t\nkind: risk\n"
		"source: s\npass_score: 50\nsections:\n"
		"  - {id: S, title: s, requirements: [{id: a, title: 甲, points: 2},"
		" {id: b, title: 乙, points: 2}]}\n";
	struct ps_assess_opts o = {.date = day(2025, 6, 30), .date_set = true};
	struct ps_assess_outcome out;

	ps_fw_free(f->fw);
	f->fw = NULL;
	OK(ps_fw_load_mem("nd.yaml", no_days, strlen(no_days), pol, &f->fw, &f->d));
	/* no deadline anywhere */
	assert_int_equal(run(f, "operator", "OP-1", "answers: {a: pass, b: fail}\n", &o,
			     false, &out), PS_EINVAL);
	assert_string_equal(f->d.msg, "requirement 'b' needs a rectification deadline: "
			    "framework 'nd' sets no rectification_days, give a deadline");
	/* every answer passes: no item, no deadline needed */
	OK(run(f, "operator", "OP-1", "answers: {a: pass, b: pass}\n", &o, false, &out));
	assert_int_equal(out.n_items, 0);
	ASSERT_FIELD(f, "assessment", out.key, "result", "pass");
	ASSERT_FIELD(f, "assessment", out.key, "kind", "risk");
	ps_assess_outcome_release(&out);
	/* --deadline-days, then --deadline */
	o.deadline_days = 10;
	OK(run(f, "operator", "OP-1", "answers: {a: pass, b: fail}\n", &o, false, &out));
	ASSERT_FIELD(f, "rectification", out.item_keys[0], "deadline", "2025-07-10");
	ASSERT_FIELD(f, "rectification", out.item_keys[0], "owner", "(null)");
	ps_assess_outcome_release(&out);
	o.deadline_days = 0;
	o.deadline = day(2025, 12, 31);
	o.deadline_set = true;
	OK(run(f, "operator", "OP-1", "answers: {a: partial, b: fail}\n", &o, false, &out));
	assert_int_equal(out.n_items, 2);
	ASSERT_FIELD(f, "rectification", out.item_keys[1], "deadline", "2025-12-31");
	ps_assess_outcome_release(&out);
}

static void test_applicability(void **state)
{
	struct fx *f = *state;
	struct ps_assess_target t;
	struct ps_assess_outcome out;
	struct ps_assess_opts o = {.date = day(2025, 6, 30), .date_set = true};

	OK(ps_assess_target_get(&f->r, "unit", "U-2", f->r.today, &t, &f->d));
	assert_int_equal(t.fw.level, 2);
	assert_string_equal(t.fw.type, "idc");
	assert_string_equal(t.fw.label, "unit 'U-2'");
	OK(ps_assess_target_get(&f->r, "iie", "IIE-1", f->r.today, &t, &f->d));
	assert_int_equal(t.fw.level, 3); /* 三级 is rank 3 in policy industrial.levels */
	assert_string_equal(t.fw.type, "platform");
	OK(ps_assess_target_get(&f->r, "iov", "IOV-1", f->r.today, &t, &f->d));
	assert_int_equal(t.fw.level, 2);
	/* an operator: its highest unit in service (U-4, level 4, retired 2024) */
	OK(ps_assess_target_get(&f->r, "operator", "OP-1", day(2025, 6, 30), &t, &f->d));
	assert_int_equal(t.fw.level, 3);
	assert_string_equal(t.fw.type, "basic_telecom");
	OK(ps_assess_target_get(&f->r, "operator", "OP-1", day(2023, 6, 30), &t, &f->d));
	assert_int_equal(t.fw.level, 4);
	OK(ps_assess_target_get(&f->r, "operator", "OP-2", day(2025, 6, 30), &t, &f->d));
	assert_int_equal(t.fw.level, 0);

	/* level 1 internet unit: A-2 (2+), A-4 (dns), A-5 (3+) drop out */
	OK(run(f, "unit", "U-1", "answers: {A-1: pass, A-3: pass}\n", &o, false, &out));
	assert_int_equal(out.score.max, 7);
	assert_true(out.score.passed);
	ps_assess_outcome_release(&out);
	assert_int_equal(run(f, "unit", "U-1", "answers: {A-1: pass, A-3: pass, A-5: fail}\n",
			     &o, false, &out), PS_EINVAL);
	assert_non_null(strstr(f->d.msg, "it applies to levels 3-5, unit 'U-1' is level 1"));
	/* iie rank 3: A-5 applies */
	assert_int_equal(run(f, "iie", "IIE-1", "answers: {A-1: pass, A-2: pass, A-3: pass}\n",
			     &o, false, &out), PS_EINVAL);
	assert_non_null(strstr(f->d.msg, "'A-5'"));
	/* an operator with no unit: unknown level, every level applies (its type
	 * "vas" still rules out A-4) */
	OK(run(f, "operator", "OP-2", "answers: {A-1: pass, A-2: na, A-3: pass, A-5: pass}\n",
	       &o, false, &out));
	assert_int_equal(out.score.max, 12);
	ps_assess_outcome_release(&out);
}

static void test_counts_rectify(void **state)
{
	struct fx *f = *state;
	struct ps_assess_opts o = {.date = day(2025, 6, 30), .date_set = true};
	struct ps_assess_rectify_opts ro = {0};
	struct ps_assess_outcome out;
	struct ps_assess_counts c;
	const char *a2, *a3;

	OK(run(f, "unit", "U-3", answers_u3, &o, false, &out));
	a2 = out.item_keys[0];
	a3 = out.item_keys[1];
	OK(ps_assess_counts_get(&f->r, out.key, day(2025, 7, 15), &c));
	assert_int_equal(c.items, 2);
	assert_int_equal(c.open, 2);
	assert_int_equal(c.overdue, 0); /* A-3 is due on 07-15: not yet late */
	OK(ps_assess_counts_get(&f->r, out.key, day(2025, 7, 16), &c));
	assert_int_equal(c.overdue, 1);
	OK(ps_assess_counts_get(&f->r, out.key, day(2025, 7, 31), &c));
	assert_int_equal(c.overdue, 2);

	/* open -> in_progress -> closed */
	ro.status = "in_progress";
	OK(ps_assess_rectify(&f->r, a3, &ro, &f->d));
	ASSERT_FIELD(f, "rectification", a3, "status", "in_progress");
	assert_int_equal(ps_assess_rectify(&f->r, a3, &ro, &f->d), PS_EINVAL);
	assert_non_null(strstr(f->d.msg, "is already in_progress"));
	ro.status = "closed";
	assert_int_equal(ps_assess_rectify(&f->r, a3, &ro, &f->d), PS_EINVAL);
	assert_non_null(strstr(f->d.msg, "needs evidence of the fix"));
	ro.evidence = "日志留存已改为 180 天";
	ro.date = day(2025, 6, 29);
	ro.date_set = true;
	assert_int_equal(ps_assess_rectify(&f->r, a3, &ro, &f->d), PS_EINVAL);
	assert_string_equal(f->d.msg, "closing date 2025-06-29 is before the assessment "
			    "date 2025-06-30");
	ro.date = day(2025, 7, 2);
	assert_int_equal(ps_assess_rectify(&f->r, a3, &ro, &f->d), PS_EINVAL);
	assert_non_null(strstr(f->d.msg, "is after today"));
	ro.date = day(2025, 7, 1);
	OK(ps_assess_rectify(&f->r, a3, &ro, &f->d));
	ASSERT_FIELD(f, "rectification", a3, "status", "closed");
	ASSERT_FIELD(f, "rectification", a3, "closed_date", "2025-07-01");
	ASSERT_FIELD(f, "rectification", a3, "evidence", "日志留存已改为 180 天");
	OK(ps_assess_counts_get(&f->r, out.key, day(2025, 7, 31), &c));
	assert_int_equal(c.closed, 1);
	assert_int_equal(c.open, 1);
	assert_int_equal(c.overdue, 1); /* the closed one is never overdue */

	/* a closed item stays closed */
	ro.status = "open";
	ro.date_set = false;
	assert_int_equal(ps_assess_rectify(&f->r, a3, &ro, &f->d), PS_EINVAL);
	assert_non_null(strstr(f->d.msg, "was closed on 2025-07-01 and stays closed"));
	/* a date only with closing, statuses checked, items must exist */
	ro.date_set = true;
	ro.status = "in_progress";
	assert_int_equal(ps_assess_rectify(&f->r, a2, &ro, &f->d), PS_EINVAL);
	assert_non_null(strstr(f->d.msg, "a date is only given when closing"));
	ro.date_set = false;
	ro.status = "done";
	assert_int_equal(ps_assess_rectify(&f->r, a2, &ro, &f->d), PS_EINVAL);
	assert_non_null(strstr(f->d.msg, "unknown status 'done'"));
	ro.status = "closed";
	assert_int_equal(ps_assess_rectify(&f->r, "RI-999", &ro, &f->d), PS_ENOENT);
	assert_string_equal(f->d.msg, "rectification 'RI-999' does not exist");
	/* closing straight from open, dated today by default */
	OK(ps_assess_rectify(&f->r, a2, &ro, &f->d));
	ASSERT_FIELD(f, "rectification", a2, "closed_date", "2025-07-01");
	ps_assess_outcome_release(&out);
}

static void test_framework_dir(void **state)
{
	char buf[128];

	(void)state;
	OK(ps_assess_framework_dir("/x/fw", "/env", "policy", buf, sizeof(buf)));
	assert_string_equal(buf, "/x/fw");
	OK(ps_assess_framework_dir(NULL, "/env", "policy", buf, sizeof(buf)));
	assert_string_equal(buf, "/env");
	OK(ps_assess_framework_dir(NULL, "", "policy", buf, sizeof(buf)));
	assert_string_equal(buf, "frameworks");
	OK(ps_assess_framework_dir(NULL, NULL, "/etc/panshi/policy/", buf, sizeof(buf)));
	assert_string_equal(buf, "/etc/panshi/frameworks");
	OK(ps_assess_framework_dir(NULL, NULL, "/policy", buf, sizeof(buf)));
	assert_string_equal(buf, "/frameworks");
	OK(ps_assess_framework_dir(NULL, NULL, "../main/policy", buf, sizeof(buf)));
	assert_string_equal(buf, "../main/frameworks");
	assert_int_equal(ps_assess_framework_dir("/a/very/long/dir", NULL, NULL, buf, 8),
			 PS_ELIMIT);
}

static void test_framework_open(void **state)
{
	struct ps_framework *fw = NULL;
	struct ps_diag d = {{0}};
	char dir[1100], **names = NULL;
	size_t n = 0;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/frameworks", srcdir);
	OK(ps_assess_framework_open(dir, "datasec-self-check", pol, &fw, &d));
	assert_string_equal(fw->id, "datasec-self-check");
	ps_fw_free(fw);
	assert_int_equal(ps_assess_framework_open(dir, "nope", pol, &fw, &d), PS_ENOENT);
	assert_non_null(strstr(d.msg, "no framework 'nope' in"));
	assert_null(fw);
	OK(ps_assess_framework_files(dir, &names, &n, &d));
	assert_int_equal(n, 2);
	assert_string_equal(names[0], "datasec-self-check.yaml");
	assert_string_equal(names[1], "protection-self-check.yaml");
	ps_assess_names_free(names, n);
	assert_int_equal(ps_assess_framework_files("/nonexistent-dir", &names, &n, &d),
			 PS_ENOENT);
}

/* ---- the commands ---------------------------------------------------------------- */

struct out {
	char text[65536];
	char err[4096];
};

static void slurp(FILE *fp, char *buf, size_t cap)
{
	size_t n;

	rewind(fp);
	n = fread(buf, 1, cap - 1, fp);
	buf[n] = '\0';
	fclose(fp);
}

/* The --db spec the CLI should use: PostgreSQL gets the schema as its
 * search_path through the URL's options. */
static void cli_db(struct fx *f, char *out, size_t n)
{
	if (is_pg())
		snprintf(out, n, "%s%coptions=-csearch_path%%3D%s", f->spec,
			 strchr(f->spec, '?') ? '&' : '?', f->schema);
	else
		snprintf(out, n, "%s", f->spec);
}

/* Run `cmd` (argv from its verb) with the store and policy of the fixture. */
static int cli_cmd(struct fx *f, const struct ps_cli_cmd *cmd, struct out *o,
		   int argc, char **argv)
{
	struct ps_cli cli = {.out = tmpfile(), .err = tmpfile()};
	char db[1024], pdir[1100];
	int rc;

	assert_non_null(cli.out);
	assert_non_null(cli.err);
	cli_db(f, db, sizeof(db));
	snprintf(pdir, sizeof(pdir), "%s/policy", srcdir);
	cli.db = db;
	cli.policy_dir = pdir;
	rc = cmd->run(&cli, argc, argv);
	ps_cli_audit_release(&cli);
	ps_store_close(cli.store);
	ps_policy_free(cli.policy);
	if (cli.conf != NULL) {
		ps_conf_release(cli.conf);
		ps_free(cli.conf);
	}
	slurp(cli.out, o->text, sizeof(o->text));
	slurp(cli.err, o->err, sizeof(o->err));
	return rc;
}

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, strlen(text), fp), strlen(text));
	fclose(fp);
}

static json_t *json_of(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, 0, &e);

	if (j == NULL)
		fail_msg("not JSON (%s): %s", e.text, text);
	return j;
}

static void test_cli(void **state)
{
	struct fx *f = *state;
	struct out *o = ps_calloc(PS_MEM_TEST, 1, sizeof(*o));
	char fwp[600], ansp[600], key[64], item[64];
	json_t *j;

	assert_non_null(o);
	snprintf(fwp, sizeof(fwp), "%s/fw%d.yaml", tmpdir, seq);
	snprintf(ansp, sizeof(ansp), "%s/ans%d.csv", tmpdir, seq);
	write_file(fwp, fw_text);
	write_file(ansp, "requirement,answer,note,owner,deadline\n"
			 "A-1,pass,,,\nA-2,partial,报告过期,P-2,\nA-3,fail,,,2025-07-15\n"
			 "A-4,na,,,\nA-5,pass,,,\n");
	{
		char *argv[] = {"run", fwp, "--target", "unit:U-3", "--answers", ansp,
				"--date", "2025-06-30", "--owner", "P-1", "--format", "json"};

		if (cli_cmd(f, &ps_cmd_assess_run, o, PS_ARRAY_LEN(argv), argv) != PS_CLI_OK)
			fail_msg("run: %s", o->err);
	}
	j = json_of(o->text);
	assert_int_equal(json_integer_value(json_object_get(j, "score")), 12);
	assert_int_equal(json_integer_value(json_object_get(j, "percent")), 66);
	assert_string_equal(json_string_value(json_object_get(j, "result")), "fail");
	assert_int_equal(json_array_size(json_object_get(j, "items")), 2);
	snprintf(key, sizeof(key), "%s", json_string_value(json_object_get(j, "assessment")));
	snprintf(item, sizeof(item), "%s", json_string_value(json_object_get(
		json_array_get(json_object_get(j, "items"), 1), "key")));
	json_decref(j);

	/* a missing target stores nothing and says why */
	{
		char *argv[] = {"run", fwp, "--target", "unit:U-404", "--answers", ansp,
				"--date", "2025-06-30"};

		assert_int_equal(cli_cmd(f, &ps_cmd_assess_run, o, PS_ARRAY_LEN(argv), argv),
				 PS_CLI_FAIL);
		assert_string_equal(o->err, "error: unit 'U-404' does not exist\n");
	}
	{
		char *argv[] = {"run", fwp, "--target", "U-3", "--answers", ansp};

		assert_int_equal(cli_cmd(f, &ps_cmd_assess_run, o, PS_ARRAY_LEN(argv), argv),
				 PS_CLI_USAGE);
		assert_non_null(strstr(o->err, "invalid target 'U-3'"));
	}
	assert_int_equal(count(f, "assessment"), 1);

	/* list: one run with two open items, one overdue on 07-20 */
	{
		char *argv[] = {"list", "--target", "unit:U-3", "--as-of", "2025-07-20",
				"--format", "json"};

		OK(cli_cmd(f, &ps_cmd_assess_list, o, PS_ARRAY_LEN(argv), argv));
	}
	j = json_of(o->text);
	assert_int_equal(json_array_size(j), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(j, 0), "percent")),
			    "66");
	assert_string_equal(json_string_value(json_object_get(json_array_get(j, 0), "open")),
			    "2");
	assert_string_equal(json_string_value(json_object_get(json_array_get(j, 0),
							      "overdue")), "1");
	json_decref(j);
	{
		char *argv[] = {"list", "--kind", "risk"};

		OK(cli_cmd(f, &ps_cmd_assess_list, o, PS_ARRAY_LEN(argv), argv));
		assert_null(strstr(o->text, key));
	}

	/* rectify the overdue one, then show */
	{
		char *argv[] = {"rectify", item, "--status", "closed", "--evidence", "已整改",
				"--date", "2025-07-10"};

		if (cli_cmd(f, &ps_cmd_assess_rectify, o, PS_ARRAY_LEN(argv), argv) != PS_CLI_OK)
			fail_msg("rectify: %s", o->err);
		assert_non_null(strstr(o->text, "open -> closed"));
		assert_int_equal(cli_cmd(f, &ps_cmd_assess_rectify, o, PS_ARRAY_LEN(argv), argv),
				 PS_CLI_FAIL);
		assert_non_null(strstr(o->err, "stays closed"));
	}
	{
		char *argv[] = {"show", key, "--as-of", "2025-08-01", "--format", "json"};

		OK(cli_cmd(f, &ps_cmd_assess_show, o, PS_ARRAY_LEN(argv), argv));
	}
	j = json_of(o->text);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "assessment"),
							      "framework")), "t-run");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "counts"),
							    "closed")), 1);
	assert_true(json_is_true(json_object_get(json_array_get(json_object_get(j, "items"),
								 0), "overdue")));
	assert_true(json_is_false(json_object_get(json_array_get(json_object_get(j, "items"),
								  1), "overdue")));
	json_decref(j);
	{
		char *argv[] = {"show", key};

		OK(cli_cmd(f, &ps_cmd_assess_show, o, PS_ARRAY_LEN(argv), argv));
		assert_non_null(strstr(o->text, "已开展评测（部分符合）: 报告过期"));
		assert_non_null(strstr(o->text, "1 closed"));
	}
	{
		char *argv[] = {"show", "AS-404"};

		assert_int_equal(cli_cmd(f, &ps_cmd_assess_show, o, PS_ARRAY_LEN(argv), argv),
				 PS_CLI_FAIL);
		assert_string_equal(o->err, "error: assessment 'AS-404' does not exist\n");
	}
	ps_free(o);
	unlink(fwp);
	unlink(ansp);
}

/* The bundled protection framework by id, all pass, as a dry run. */
static void test_cli_bundled(void **state)
{
	struct fx *f = *state;
	struct out *o = ps_calloc(PS_MEM_TEST, 1, sizeof(*o));
	struct ps_framework *fw = NULL;
	struct ps_buf b = PS_BUF_INIT(PS_MEM_TEST, 1 << 16);
	struct ps_fw_target u3 = {PS_FW_TGT_UNIT, 3, "dns", NULL};
	char dir[1100], ansp[600];

	assert_non_null(o);
	snprintf(dir, sizeof(dir), "%s/frameworks", srcdir);
	snprintf(ansp, sizeof(ansp), "%s/all%d.csv", tmpdir, seq);
	OK(ps_assess_framework_open(dir, "protection-self-check", pol, &fw, &f->d));
	OK(ps_buf_addstr(&b, "requirement,answer\n"));
	for (size_t i = 0; i < fw->n_reqs; i++)
		if (ps_fw_req_applies(&fw->reqs[i], &u3))
			OK(ps_buf_addf(&b, "%s,pass\n", fw->reqs[i].id));
	write_file(ansp, ps_buf_cstr(&b));
	{
		char *argv[] = {"run", "protection-self-check", "--framework-dir", dir,
				"--target", "unit:U-3", "--answers", ansp, "--dry-run"};

		if (cli_cmd(f, &ps_cmd_assess_run, o, PS_ARRAY_LEN(argv), argv) != PS_CLI_OK)
			fail_msg("run: %s", o->err);
		assert_non_null(strstr(o->text, "(dry run: nothing stored)"));
		assert_non_null(strstr(o->text, "result      pass"));
	}
	assert_int_equal(count(f, "assessment"), 0);
	{
		char *argv[] = {"frameworks", "--framework-dir", dir, "--format", "csv"};

		OK(cli_cmd(f, &ps_cmd_assess_frameworks, o, PS_ARRAY_LEN(argv), argv));
		assert_non_null(strstr(o->text, "datasec-self-check,1,self_inspection,operator"));
		assert_non_null(strstr(o->text, "protection-self-check,1,self_inspection,\"unit,iov\",27"));
	}
	/* an iov may run it, an iie may not */
	{
		char *argv[] = {"run", "protection-self-check", "--framework-dir", dir,
				"--target", "iie:IIE-1", "--answers", ansp, "--dry-run"};

		assert_int_equal(cli_cmd(f, &ps_cmd_assess_run, o, PS_ARRAY_LEN(argv), argv),
				 PS_CLI_FAIL);
		assert_string_equal(o->err, "error: framework 'protection-self-check' cannot "
			    "assess iie 'IIE-1': it is for unit, iov\n");
	}
	ps_buf_release(&b);
	ps_fw_free(fw);
	ps_free(o);
	unlink(ansp);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_run_stores, setup, teardown),
		cmocka_unit_test_setup_teardown(test_run_atomic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deadlines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_applicability, setup, teardown),
		cmocka_unit_test_setup_teardown(test_counts_rectify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cli, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cli_bundled, setup, teardown),
		cmocka_unit_test(test_framework_dir),
		cmocka_unit_test(test_framework_open),
	};

	ps_i18n_set_lang(PS_LANG_EN);
	return reg_run(argc, argv, tests);
}
