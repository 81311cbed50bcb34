/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Checklist frameworks without a store: the loader's errors (each with
 * file:line), answer sheets in YAML and CSV, scoring with pass, fail,
 * partial and na, critical requirements, rounding, level and type
 * applicability, and the bundled frameworks in frameworks/.
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
#include "registry/framework.h"

#define OK(x) assert_int_equal((x), PS_OK)

static struct ps_policy *pol;
static char srcdir[1024];

/* A small framework: four requirements over two sections. */
static const char base_fw[] =
	"schema: 1\n"                                   /* 1 */
	"id: t-check\n"                                 /* 2 */
	"version: 2\n"                                  /* 3 */
	"title: 测试\n"                                 /* 4 */
	"title_en: Test\n"                              /* 5 */
	"kind: self_inspection\n"                       /* 6 */
	"targets: [unit, iov]\n"                        /* 7 */
	"source: ours\n"                                /* 8 */
	"pass_score: 60\n"                              /* 9 */
	"rectification_days: 30\n"                      /* 10 */
	"sections:\n"                                   /* 11 */
	"  - id: A\n"                                   /* 12 */
	"    title: 甲\n"                               /* 13 */
	"    requirements:\n"                           /* 14 */
	"      - {id: A-1, title: 一, points: 4}\n"     /* 15 */
	"      - {id: A-2, title: 二, points: 3, critical: true}\n" /* 16 */
	"  - id: B\n"                                   /* 17 */
	"    title: 乙\n"                               /* 18 */
	"    requirements:\n"                           /* 19 */
	"      - {id: B-1, title: 三, points: 5, applies_to_levels: 3+}\n" /* 20 */
	"      - {id: B-2, title: 四, points: 2, applies_to: [dns, idc]}\n"; /* 21 */

static struct ps_framework *load_ok(const char *text)
{
	struct ps_framework *fw = NULL;
	struct ps_diag d = {{0}};
	int rc = ps_fw_load_mem("t.yaml", text, strlen(text), pol, &fw, &d);

	if (rc != PS_OK)
		fail_msg("load: %s", d.msg);
	return fw;
}

static void test_load_base(void **state)
{
	struct ps_framework *fw = load_ok(base_fw);
	char lv[32];

	(void)state;
	assert_string_equal(fw->id, "t-check");
	assert_string_equal(fw->version, "2");
	assert_string_equal(fw->kind, "self_inspection");
	assert_int_equal(fw->targets, PS_FW_TGT_UNIT | PS_FW_TGT_IOV);
	assert_int_equal(fw->pass_score, 60);
	assert_int_equal(fw->rectification_days, 30);
	assert_int_equal(fw->n_sections, 2);
	assert_int_equal(fw->n_reqs, 4);
	assert_int_equal(fw->total_points, 14);
	assert_int_equal(fw->sections[1].first, 2);
	assert_int_equal(fw->sections[1].count, 2);
	assert_string_equal(fw->reqs[2].section, "B");
	assert_true(fw->reqs[1].critical);
	assert_false(fw->reqs[0].critical);
	assert_int_equal(fw->reqs[3].line, 21);
	assert_int_equal(fw->reqs[3].n_types, 2);
	ps_fw_levels_fmt(fw->reqs[2].levels, lv, sizeof(lv));
	assert_string_equal(lv, "3-5"); /* "3+" up to policy protection.level.max */
	ps_fw_levels_fmt(fw->reqs[0].levels, lv, sizeof(lv));
	assert_string_equal(lv, "all");
	assert_int_equal(ps_fw_req_index(fw, "B-2"), 3);
	assert_int_equal(ps_fw_req_index(fw, "B-3"), -1);
	ps_fw_free(fw);
	ps_fw_free(NULL);
}

/* Replace the first `from` in base_fw by `to` into buf. */
static const char *edit(char *buf, size_t cap, const char *from, const char *to)
{
	const char *at = strstr(base_fw, from);

	assert_non_null(at);
	snprintf(buf, cap, "%.*s%s%s", (int)(at - base_fw), base_fw, to,
		 at + strlen(from));
	return buf;
}

struct bad_case {
	const char *from, *to;
	int rc;
	const char *msg; /* substring of the message, with file:line */
};

static void test_load_errors(void **state)
{
	static const struct bad_case cases[] = {
		{"pass_score: 60\n", "pass_scor: 60\n", PS_EINVAL,
		 "t.yaml:9: unknown key 'pass_scor' in the framework; did you "
		 "mean 'pass_score'?"},
		{"{id: A-2,", "{id: A-1,", PS_EINVAL,
		 "t.yaml:16: duplicate requirement id 'A-1' (first on line 15)"},
		{"points: 4}", "points: 0}", PS_EINVAL,
		 "t.yaml:15: 'points' of requirement 'A-1' must be a whole "
		 "number from 1 to 1000 (got '0')"},
		{"points: 4}", "points: -2}", PS_EINVAL, "t.yaml:15: 'points'"},
		{"points: 4}", "points: 2.5}", PS_EINVAL, "(got '2.5')"},
		{"applies_to_levels: 3+", "applies_to_levels: 6", PS_EINVAL,
		 "t.yaml:20: level '6' in requirement 'B-1' is outside 1-5 "
		 "(policy protection.level.min/max)"},
		{"applies_to_levels: 3+", "applies_to_levels: 4-2", PS_EINVAL,
		 "t.yaml:20: bad level '4-2'"},
		{"applies_to_levels: 3+", "applies_to_levels: high", PS_EINVAL,
		 "t.yaml:20: bad level 'high'"},
		{"applies_to_levels: 3+", "applies_to_levels: [2, 3-4, 4]", PS_EINVAL,
		 "t.yaml:20: level 4 is listed twice in requirement 'B-1'"},
		{"applies_to_levels: 3+", "applies_to_levels: 0", PS_EINVAL,
		 "is outside 1-5"},
		{"applies_to_levels: 3+", "applies_to_levels: {a: 1}", PS_EINVAL,
		 "t.yaml:20: 'applies_to_levels' of requirement 'B-1' must be"},
		{"[dns, idc]", "[dns, gas]", PS_EINVAL,
		 "t.yaml:21: unknown type 'gas' in 'applies_to' of requirement 'B-2'"},
		{"[dns, idc]", "[dns, dns]", PS_EINVAL, "type 'dns' is listed twice"},
		{"critical: true}", "critical: yes}", PS_EINVAL,
		 "t.yaml:16: 'critical' of requirement 'A-2' must be true or false"},
		{"kind: self_inspection", "kind: audit", PS_EINVAL,
		 "t.yaml:6: unknown kind 'audit'"},
		{"targets: [unit, iov]", "targets: [unit, car]", PS_EINVAL,
		 "t.yaml:7: unknown target 'car'"},
		{"targets: [unit, iov]", "targets: [unit, unit]", PS_EINVAL,
		 "t.yaml:7: target 'unit' is listed twice"},
		{"schema: 1\n", "schema: 2\n", PS_EINVAL,
		 "t.yaml:1: framework schema 2 is not supported"},
		{"id: t-check\n", "id: T_Check\n", PS_EINVAL, "t.yaml:2: bad id 'T_Check'"},
		{"version: 2\n", "version: v2\n", PS_EINVAL, "t.yaml:3: bad version 'v2'"},
		{"pass_score: 60\n", "pass_score: 101\n", PS_EINVAL,
		 "t.yaml:9: 'pass_score' of the framework must be a whole number "
		 "from 0 to 100"},
		{"title: 测试\n", "title: \"a\\x01b\"\n", PS_EINVAL,
		 "t.yaml:4: 'title' of the framework holds a control character"},
		{"title: 测试\n", "title: \"\"\n", PS_EINVAL,
		 "t.yaml:4: 'title' of the framework is empty"},
		{"title: 测试\n", "", PS_EINVAL, "t.yaml:1: the framework has no 'title'"},
		{"title: 测试\n", "title: 测试\ntitle: x\n", PS_EINVAL,
		 "t.yaml:5: duplicate key 'title' in the framework (first on line 4)"},
		{"  - id: B\n", "  - id: A\n", PS_EINVAL,
		 "t.yaml:17: duplicate section id 'A' (first on line 12)"},
		{"{id: A-1, title: 一, points: 4}", "{id: A-1, title: 一, point: 4}",
		 PS_EINVAL, "t.yaml:15: unknown key 'point' in a requirement; did "
		 "you mean 'points'?"},
		{"{id: A-1,", "{id: \"A 1\",", PS_EINVAL, "t.yaml:15: bad id 'A 1'"},
		{"{id: A-1, title: 一, points: 4}", "&x {id: A-1, title: 一, points: 4}",
		 PS_OK, NULL},
		{"sections:\n", "sections: []\nx:\n", PS_EINVAL,
		 "t.yaml:12: unknown key 'x' in the framework"},
		{"    title: 乙\n", "    title: 乙\n    extra: 1\n", PS_EINVAL,
		 "t.yaml:19: unknown key 'extra' in a section"},
		{"sections:\n", "other: [", PS_EPROTO, "t.yaml:"},
		{"rectification_days: 30\n", "rectification_days: 0\n", PS_EINVAL,
		 "t.yaml:10: 'rectification_days'"},
	};
	char buf[4096];

	(void)state;
	for (size_t i = 0; i < PS_ARRAY_LEN(cases); i++) {
		const struct bad_case *c = &cases[i];
		const char *text = edit(buf, sizeof(buf), c->from, c->to);
		struct ps_framework *fw = (void *)1;
		struct ps_diag d = {{0}};
		int rc = ps_fw_load_mem("t.yaml", text, strlen(text), pol, &fw, &d);

		if (rc != c->rc || (c->msg && strstr(d.msg, c->msg) == NULL))
			fail_msg("case %zu: rc %d msg '%s', want %d '%s'", i, rc,
				 d.msg, c->rc, c->msg ? c->msg : "");
		if (rc == PS_OK)
			ps_fw_free(fw);
		else
			assert_null(fw);
	}
}

static void test_load_errors_whole(void **state)
{
	static const struct {
		const char *text;
		const char *msg;
	} cases[] = {
		{"", "t.yaml:1: the file is empty"},
		{"[1, 2]", "t.yaml:1: the framework must be a mapping"},
		{"schema: 1\n---\nschema: 1\n", "t.yaml:3: only one YAML document"},
		{"a: &x 1\nb: *x\n", "unknown key 'a'"},
		{"schema: 1\nid: x\nversion: 1\ntitle: t\ntitle_en: t\n"
		 "kind: risk\nsource: s\npass_score: 1\nsections:\n"
		 "  - {id: S, title: s, requirements: []}\n",
		 "t.yaml:10: section 'S' has no requirements"},
		{"schema: 1\nid: x\nversion: 1\ntitle: t\ntitle_en: t\n"
		 "kind: risk\nsource: s\npass_score: 1\nsections: []\n",
		 "t.yaml:9: 'sections' is empty"},
		{"schema: 1\nid: x\nversion: 1\ntitle: t\ntitle_en: t\n"
		 "kind: risk\nsource: s\npass_score: 1\nsections:\n"
		 "  - {id: S, title: s, requirements: [{id: a, title: b, points: 1}]}\n"
		 "  - {id: T, title: s, requirements: [{id: a, title: b, points: 1}]}\n",
		 "t.yaml:11: duplicate requirement id 'a' (first on line 10)"},
		{"schema: 1\nid: x\nversion: 1\ntitle: t\ntitle_en: t\n"
		 "kind: risk\nsource: s\npass_score: 1\nsections:\n"
		 "  - {id: S, title: s, requirements: [&r {id: a, title: b, points: 1}, *r]}\n",
		 "t.yaml:10: aliases are not allowed"},
	};

	(void)state;
	for (size_t i = 0; i < PS_ARRAY_LEN(cases); i++) {
		struct ps_framework *fw = NULL;
		struct ps_diag d = {{0}};
		int rc = ps_fw_load_mem("t.yaml", cases[i].text, strlen(cases[i].text),
					pol, &fw, &d);

		assert_int_not_equal(rc, PS_OK);
		assert_null(fw);
		if (strstr(d.msg, cases[i].msg) == NULL)
			fail_msg("case %zu: '%s', want '%s'", i, d.msg, cases[i].msg);
	}
}

/* ---- answers ------------------------------------------------------------------ */

static struct ps_fw_answers *answers(const struct ps_framework *fw,
				     const char *name, const char *text)
{
	struct ps_fw_answers *a = NULL;
	struct ps_diag d = {{0}};

	if (ps_fw_answers_parse(fw, name, text, strlen(text), &a, &d) != PS_OK)
		fail_msg("answers: %s", d.msg);
	return a;
}

static void answers_bad(const struct ps_framework *fw, const char *name,
			const char *text, const char *msg)
{
	struct ps_fw_answers *a = (void *)1;
	struct ps_diag d = {{0}};

	assert_int_not_equal(ps_fw_answers_parse(fw, name, text, strlen(text), &a,
						 &d), PS_OK);
	assert_null(a);
	if (strstr(d.msg, msg) == NULL)
		fail_msg("'%s', want '%s'", d.msg, msg);
}

static void test_answers_yaml(void **state)
{
	struct ps_framework *fw = load_ok(base_fw);
	struct ps_fw_answers *a = answers(fw, "a.yaml",
		"framework: t-check\n"
		"version: 2\n"
		"answers:\n"
		"  A-1: pass\n"
		"  A-2: {answer: partial, note: \"日志\n  只有三个月\", owner: P-1,"
		" deadline: 2025-03-31}\n"
		"  B-1: 不适用\n"
		"  B-2: {answer: FAIL, evidence: 抽查}\n");

	(void)state;
	assert_int_equal(a->n_answered, 4);
	assert_int_equal(a->by_req[0].v, PS_FW_PASS);
	assert_int_equal(a->by_req[1].v, PS_FW_PARTIAL);
	assert_string_equal(a->by_req[1].note, "日志 只有三个月");
	assert_string_equal(a->by_req[1].owner, "P-1");
	assert_true(a->by_req[1].has_deadline);
	assert_int_equal(a->by_req[1].deadline.day, 31);
	assert_int_equal(a->by_req[1].line, 5);
	assert_int_equal(a->by_req[2].v, PS_FW_NA);
	assert_int_equal(a->by_req[3].v, PS_FW_FAIL);
	assert_string_equal(a->by_req[3].evidence, "抽查");
	assert_null(a->by_req[3].note);
	ps_fw_answers_free(a);

	answers_bad(fw, "a.yaml", "answers:\n  A-1: pass\n  A-9: fail\n",
		    "a.yaml:3: unknown requirement 'A-9': 't-check' 2 has no such id");
	answers_bad(fw, "a.yaml", "answers:\n  A-1: pass\n  A-1: fail\n",
		    "a.yaml:3: requirement 'A-1' is answered twice (first on line 2)");
	answers_bad(fw, "a.yaml", "answers:\n  A-1: ok\n",
		    "a.yaml:2: unknown answer 'ok' for 'A-1' (use pass, fail, "
		    "partial or na)");
	answers_bad(fw, "a.yaml", "answers:\n  A-1: {answer: fail,\n"
		    "    deadline: 2025-02-30}\n",
		    "a.yaml:3: deadline '2025-02-30' of 'A-1' is not a real date");
	answers_bad(fw, "a.yaml", "framework: other\nanswers:\n  A-1: pass\n",
		    "a.yaml:1: these answers are for framework 'other', not 't-check'");
	answers_bad(fw, "a.yaml", "version: 1\nanswers:\n  A-1: pass\n",
		    "a.yaml:1: these answers are for version '1' of 't-check', not '2'");
	answers_bad(fw, "a.yaml", "answers:\n  A-1: {answer: fail, notes: x}\n",
		    "a.yaml:2: unknown key 'notes' in answer 'A-1'; did you mean 'note'?");
	answers_bad(fw, "a.yaml", "answers:\n  A-1: {note: x}\n",
		    "a.yaml:2: answer 'A-1' has no 'answer'");
	answers_bad(fw, "a.yaml", "answer:\n  A-1: pass\n",
		    "a.yaml:1: unknown key 'answer' in the answers; did you mean "
		    "'answers'?");
	answers_bad(fw, "a.yaml", "answers: [A-1]\n",
		    "a.yaml:1: 'answers' in the answers must be a mapping");
	ps_fw_free(fw);
}

static void test_answers_csv(void **state)
{
	struct ps_framework *fw = load_ok(base_fw);
	struct ps_fw_answers *a = answers(fw, "a.CSV",
		"\xef\xbb\xbfrequirement,answer,note,deadline\r\n"
		"A-1,pass,,\r\n"
		"\r\n"
		"A-2,partial,\"two\nlines, \"\"quoted\"\"\",2025-01-31\r\n"
		"B-1,na,,\n"
		"B-2,不符合,缺少,\n");

	(void)state;
	assert_int_equal(a->n_answered, 4);
	assert_int_equal(a->by_req[1].v, PS_FW_PARTIAL);
	assert_string_equal(a->by_req[1].note, "two lines, \"quoted\"");
	assert_int_equal(a->by_req[1].line, 4);
	assert_int_equal(a->by_req[2].line, 6); /* the quoted line break counts */
	assert_int_equal(a->by_req[3].v, PS_FW_FAIL);
	assert_null(a->by_req[0].note);
	ps_fw_answers_free(a);

	a = answers(fw, "b.csv", "要求项,结论,说明\nA-1,符合,\nB-2,部分符合,x\n");
	assert_int_equal(a->by_req[3].v, PS_FW_PARTIAL);
	ps_fw_answers_free(a);

	answers_bad(fw, "a.csv", "", "a.csv:1: no header line");
	answers_bad(fw, "a.csv", "requirement,result\nA-1,pass\n",
		    "a.csv:1: unknown column 'result'");
	answers_bad(fw, "a.csv", "requirement,note\nA-1,pass\n",
		    "a.csv:1: the header needs the columns 'requirement' and 'answer'");
	answers_bad(fw, "a.csv", "requirement,answer\nA-1,pass,x\n",
		    "a.csv:2: 3 fields, the header has 2");
	answers_bad(fw, "a.csv", "requirement,answer\nA-1,pass\nA-2,\"fail\n",
		    "a.csv:3: a quoted field is not closed");
	answers_bad(fw, "a.csv", "requirement,answer\nA-1,\"pass\"x\n",
		    "a.csv:2: text after a closing quote");
	answers_bad(fw, "a.csv", "requirement,answer\n\nA-1,pass\nZ,fail\n",
		    "a.csv:4: unknown requirement 'Z'");
	answers_bad(fw, "a.csv", "requirement,answer\nA-1,\n",
		    "a.csv:2: field 'answer' is empty");
	answers_bad(fw, "a.csv", "requirement,answer,answer\n",
		    "a.csv:1: column 'answer' appears twice");
	answers_bad(fw, "a.csv", "requirement,answer\nA-1,pa\x01ss\n",
		    "a.csv:2: field 'answer' holds a control character");
	answers_bad(fw, "a.csv", "requirement,answer\nA-1,\xff\n",
		    "a.csv:2: field 'answer' is not valid UTF-8");
	ps_fw_free(fw);
}

/* ---- scoring ------------------------------------------------------------------ */

static int score(const struct ps_framework *fw, const struct ps_fw_target *t,
		 const char *sheet, struct ps_fw_score *s, struct ps_diag *d)
{
	struct ps_fw_answers *a = answers(fw, "s.yaml", sheet);
	int rc = ps_fw_score(fw, t, a, s, d);

	ps_fw_answers_free(a);
	return rc;
}

static void test_score_verdicts(void **state)
{
	struct ps_framework *fw = load_ok(base_fw);
	struct ps_fw_target t = {PS_FW_TGT_UNIT, 3, "idc", "unit 'U-1'"};
	struct ps_fw_score s;
	struct ps_diag d = {{0}};

	(void)state;
	/* 4 + 1 (3/2 rounded down) + 0, B-2 na: 5 of 12 = 41% */
	OK(score(fw, &t, "answers: {A-1: pass, A-2: partial, B-1: fail, B-2: na}\n",
		 &s, &d));
	assert_int_equal(s.obtained, 5);
	assert_int_equal(s.max, 12);
	assert_int_equal(s.percent, 41);
	assert_false(s.passed);
	assert_int_equal(s.n_pass, 1);
	assert_int_equal(s.n_partial, 1);
	assert_int_equal(s.n_fail, 1);
	assert_int_equal(s.n_na, 1);
	assert_int_equal(s.n_applicable, 4);
	assert_int_equal(s.n_critical_failed, 1); /* A-2 partial */
	assert_int_equal(s.items[1].earned, 1);
	assert_int_equal(s.items[3].possible, 0);
	ps_fw_score_release(&s);

	/* all pass but the critical one fails: 11/14 = 78% >= 60, still fails */
	OK(score(fw, &t, "answers: {A-1: pass, A-2: fail, B-1: pass, B-2: pass}\n",
		 &s, &d));
	assert_int_equal(s.obtained, 11);
	assert_int_equal(s.percent, 78);
	assert_false(s.passed);
	ps_fw_score_release(&s);

	/* critical na is simply removed */
	OK(score(fw, &t, "answers: {A-1: pass, A-2: na, B-1: pass, B-2: fail}\n",
		 &s, &d));
	assert_int_equal(s.obtained, 9);
	assert_int_equal(s.max, 11);
	assert_int_equal(s.percent, 81);
	assert_true(s.passed);
	ps_fw_score_release(&s);

	/* everything na: nothing to score */
	assert_int_equal(score(fw, &t, "answers: {A-1: na, A-2: na, B-1: na, B-2: na}\n",
			       &s, &d), PS_EINVAL);
	assert_non_null(strstr(d.msg, "nothing to score"));
	assert_null(s.items);
	ps_fw_free(fw);
}

/* pass_score 60: 119/200 is 59% (fail), 120/200 exactly 60% (pass). */
static void test_score_rounding(void **state)
{
	static const char fw_text[] =
		"schema: 1\nid: r\nversion: 1\ntitle: r\ntitle_en: r\nkind: risk\n"
		"source: s\npass_score: 60\nsections:\n"
		"  - id: S\n    title: s\n    requirements:\n"
		"      - {id: a, title: a, points: 119}\n"
		"      - {id: b, title: b, points: 1}\n"
		"      - {id: c, title: c, points: 80}\n"
		"      - {id: d, title: d, points: 3}\n";
	struct ps_framework *fw = load_ok(fw_text);
	struct ps_fw_target t = {PS_FW_TGT_OPERATOR, 0, NULL, NULL};
	struct ps_fw_score s;
	struct ps_diag d = {{0}};

	(void)state;
	OK(score(fw, &t, "answers: {a: pass, b: fail, c: fail, d: na}\n", &s, &d));
	assert_int_equal(s.max, 200);
	assert_int_equal(s.percent, 59);
	assert_false(s.passed);
	ps_fw_score_release(&s);
	OK(score(fw, &t, "answers: {a: pass, b: pass, c: fail, d: na}\n", &s, &d));
	assert_int_equal(s.percent, 60);
	assert_true(s.passed);
	ps_fw_score_release(&s);
	/* partial of 1 point earns 0, of 3 points 1; 2/3 of 120+... */
	OK(score(fw, &t, "answers: {a: fail, b: partial, c: fail, d: partial}\n",
		 &s, &d));
	assert_int_equal(s.obtained, 1);
	assert_int_equal(s.max, 203);
	assert_int_equal(s.percent, 0);
	ps_fw_score_release(&s);
	ps_fw_free(fw);
}

static void test_score_applicability(void **state)
{
	struct ps_framework *fw = load_ok(base_fw);
	struct ps_fw_target t = {PS_FW_TGT_UNIT, 2, "basic_telecom", "unit 'U-2'"};
	struct ps_fw_score s;
	struct ps_diag d = {{0}};

	(void)state;
	/* level 2 and a basic_telecom unit: B-1 (3+) and B-2 (dns, idc) drop out */
	OK(score(fw, &t, "answers: {A-1: pass, A-2: pass}\n", &s, &d));
	assert_int_equal(s.max, 7);
	assert_int_equal(s.n_applicable, 2);
	assert_false(s.items[2].applicable);
	assert_int_equal(s.items[2].v, PS_FW_NONE);
	assert_true(s.passed);
	ps_fw_score_release(&s);

	/* na for an inapplicable requirement is accepted, anything else refused */
	OK(score(fw, &t, "answers: {A-1: pass, A-2: pass, B-1: na}\n", &s, &d));
	ps_fw_score_release(&s);
	assert_int_equal(score(fw, &t, "answers:\n  A-1: pass\n  A-2: pass\n"
			       "  B-1: fail\n", &s, &d), PS_EINVAL);
	assert_string_equal(d.msg, "s.yaml:4: requirement 'B-1' does not apply "
			    "(it applies to levels 3-5, unit 'U-2' is level 2): "
			    "answer it na or leave it out");
	assert_int_equal(score(fw, &t, "answers: {A-1: pass, A-2: pass, B-2: pass}\n",
			       &s, &d), PS_EINVAL);
	assert_non_null(strstr(d.msg, "it does not apply to type 'basic_telecom'"));

	/* level 3 idc: all four apply; missing ones are named */
	t.level = 3;
	t.type = "idc";
	assert_int_equal(score(fw, &t, "answers: {A-1: pass}\n", &s, &d), PS_EINVAL);
	assert_string_equal(d.msg, "s.yaml: requirement 'A-2' (line 16 of t.yaml) "
			    "and 2 more apply to unit 'U-2' and are not answered");
	assert_int_equal(score(fw, &t, "answers: {A-1: pass, A-2: pass, B-1: pass}\n",
			       &s, &d), PS_EINVAL);
	assert_string_equal(d.msg, "s.yaml: requirement 'B-2' (line 21 of t.yaml) "
			    "applies to unit 'U-2' and is not answered");

	/* unknown level and type: everything applies */
	t.level = 0;
	t.type = NULL;
	assert_int_equal(score(fw, &t, "answers: {A-1: pass, A-2: pass, B-2: pass}\n",
			       &s, &d), PS_EINVAL);
	assert_non_null(strstr(d.msg, "'B-1'"));

	/* an iie is not among the framework's targets */
	t.kind = PS_FW_TGT_IIE;
	t.label = "iie 'IIE-1'";
	assert_int_equal(score(fw, &t, "answers: {A-1: pass}\n", &s, &d), PS_EINVAL);
	assert_string_equal(d.msg, "framework 't-check' cannot assess iie 'IIE-1': "
			    "it is for unit, iov");
	ps_fw_free(fw);
}

static void test_findings_text(void **state)
{
	struct ps_framework *fw = load_ok(base_fw);
	struct ps_fw_target t = {PS_FW_TGT_UNIT, 4, "dns", NULL};
	struct ps_fw_answers *a = answers(fw, "f.yaml",
		"answers:\n  A-1: {answer: fail, note: 未备案}\n  A-2: partial\n"
		"  B-1: fail\n  B-2: na\n");
	struct ps_buf b = PS_BUF_INIT(PS_MEM_TEST, 4096);
	struct ps_fw_score s;
	struct ps_diag d = {{0}};

	(void)state;
	OK(ps_fw_score(fw, &t, a, &s, &d));
	OK(ps_fw_findings(fw, &s, 1000, &b));
	assert_string_equal(ps_buf_cstr(&b), "得分 1/12 (8%), 未通过; 关键项未达标: "
			    "A-2; 不符合: A-1, B-1; 部分符合: A-2; 不适用: B-2");
	ps_buf_reset(&b);
	OK(ps_fw_findings(fw, &s, 40, &b));
	assert_true(b.len <= 40);
	assert_non_null(strstr(ps_buf_cstr(&b), "..."));
	ps_buf_reset(&b);
	OK(ps_fw_item_text(fw, &s, a, 0, 200, &b));
	assert_string_equal(ps_buf_cstr(&b), "一: 未备案");
	ps_buf_reset(&b);
	OK(ps_fw_item_text(fw, &s, a, 1, 200, &b));
	assert_string_equal(ps_buf_cstr(&b), "二（部分符合）");
	ps_buf_reset(&b);
	OK(ps_fw_item_text(fw, &s, a, 0, 7, &b)); /* cut on a UTF-8 boundary */
	assert_string_equal(ps_buf_cstr(&b), "一: ");
	ps_buf_release(&b);
	ps_fw_score_release(&s);
	ps_fw_answers_free(a);
	ps_fw_free(fw);
}

static void test_verdict_words(void **state)
{
	(void)state;
	assert_int_equal(ps_fw_verdict_parse("Pass", 4), PS_FW_PASS);
	assert_int_equal(ps_fw_verdict_parse("N/A", 3), PS_FW_NA);
	assert_int_equal(ps_fw_verdict_parse("部分符合", strlen("部分符合")),
			 PS_FW_PARTIAL);
	assert_int_equal(ps_fw_verdict_parse("passed", 6), PS_FW_NONE);
	assert_string_equal(ps_fw_verdict_name(PS_FW_NA), "na");
	assert_string_equal(ps_fw_verdict_zh(PS_FW_FAIL), "不符合");
	assert_string_equal(ps_fw_target_name(PS_FW_TGT_IOV), "iov");
	assert_null(ps_fw_target_name(PS_FW_TGT_IOV | PS_FW_TGT_UNIT));
	assert_int_equal(ps_fw_target_parse("operator"), PS_FW_TGT_OPERATOR);
	assert_int_equal(ps_fw_target_parse("asset"), 0);
}

/* ---- the bundled frameworks ------------------------------------------------------ */

static struct ps_framework *bundled(const char *id)
{
	struct ps_framework *fw = NULL;
	struct ps_diag d = {{0}};
	char path[1200];

	snprintf(path, sizeof(path), "%s/frameworks/%s.yaml", srcdir, id);
	if (ps_fw_load_file(path, pol, &fw, &d) != PS_OK)
		fail_msg("%s", d.msg);
	assert_string_equal(fw->id, id);
	for (size_t i = 0; i < fw->n_reqs; i++) {
		assert_non_null(fw->reqs[i].source); /* each cites its source */
		assert_non_null(fw->reqs[i].title_en);
		assert_non_null(fw->reqs[i].evidence);
	}
	return fw;
}

static void test_bundled(void **state)
{
	struct ps_framework *fw = bundled("protection-self-check");
	struct ps_fw_target l1 = {PS_FW_TGT_UNIT, 1, "internet", NULL};
	struct ps_fw_target l3 = {PS_FW_TGT_UNIT, 3, "dns", NULL};
	size_t n1 = 0, n3 = 0;
	long i;

	(void)state;
	assert_string_equal(fw->version, "1");
	assert_int_equal(fw->targets, PS_FW_TGT_UNIT | PS_FW_TGT_IOV);
	assert_true(fw->n_reqs >= 20 && fw->n_reqs <= 35);
	assert_int_equal(fw->n_sections, 8);
	for (size_t k = 0; k < fw->n_reqs; k++) {
		n1 += ps_fw_req_applies(&fw->reqs[k], &l1);
		n3 += ps_fw_req_applies(&fw->reqs[k], &l3);
	}
	assert_true(n1 < n3); /* evaluation items only from level 2 */
	i = ps_fw_req_index(fw, "PR-2.1");
	assert_true(i >= 0 && fw->reqs[i].critical);
	assert_false(ps_fw_req_applies(&fw->reqs[i], &l1));
	ps_fw_free(fw);

	fw = bundled("datasec-self-check");
	assert_int_equal(fw->targets, PS_FW_TGT_OPERATOR);
	assert_true(fw->n_reqs >= 12 && fw->n_reqs <= 25);
	ps_fw_free(fw);
}

static int load_bundled_op(void *arg)
{
	struct ps_framework *fw = NULL;
	struct ps_fw_answers *a = NULL;
	struct ps_diag d;
	char path[1200];
	int rc;

	(void)arg;
	snprintf(path, sizeof(path), "%s/frameworks/protection-self-check.yaml",
		 srcdir);
	rc = ps_fw_load_file(path, pol, &fw, &d);
	if (rc == PS_OK) {
		rc = ps_fw_answers_parse(fw, "x.csv", "requirement,answer\n"
					 "PR-1.1,pass\n", 31, &a, &d);
		ps_fw_answers_free(a);
	}
	ps_fw_free(fw);
	return rc;
}

/* Every allocation failure on the way is reported and cleans up. */
static void test_alloc_failures(void **state)
{
	(void)state;
	assert_true(ps_mem_torture(load_bundled_op, NULL, true) > 10);
}

static int group_setup(void **state)
{
	const char *src = getenv("PANSHI_SOURCE_DIR");
	struct ps_diag d = {{0}};
	char dir[1100];

	(void)state;
	snprintf(srcdir, sizeof(srcdir), "%s", src ? src : ".");
	snprintf(dir, sizeof(dir), "%s/policy", srcdir);
	if (ps_policy_load_dir(dir, &pol, &d) != PS_OK) {
		print_error("%s\n", d.msg);
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	ps_policy_free(pol);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_base),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_load_errors_whole),
		cmocka_unit_test(test_answers_yaml),
		cmocka_unit_test(test_answers_csv),
		cmocka_unit_test(test_score_verdicts),
		cmocka_unit_test(test_score_rounding),
		cmocka_unit_test(test_score_applicability),
		cmocka_unit_test(test_findings_text),
		cmocka_unit_test(test_verdict_words),
		cmocka_unit_test(test_bundled),
		cmocka_unit_test(test_alloc_failures),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
