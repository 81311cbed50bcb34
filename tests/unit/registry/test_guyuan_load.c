/* SPDX-License-Identifier: Apache-2.0 */
/*
 * 固源 checks and inspection draws over registry records, against the
 * backend named by argv[1]: "sqlite" (default; a fresh file per test) or
 * "pgsql" (PANSHI_TEST_PG_DSN, a fresh schema per test; exit 77 without
 * it). Then `panshi guyuan check` and `panshi inspect draw|verify|list`
 * in-process on a SQLite file.
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
#include "cli/cli.h"
#include "cli/cli_int.h"
#include "core/core.h"
#include "policy/policy.h"
#include "registry/draw.h"
#include "registry/guyuan.h"
#include "registry/registry.h"
#include "store/store.h"

#define OK(x) assert_int_equal((x), PS_OK)

extern const struct ps_cli_cmd ps_cmd_inspect_verify, ps_cmd_inspect_list;

struct fx {
	struct ps_store *st;
	struct ps_store_settings set;
	struct ps_registry r;
	struct ps_diag d;
	char spec[512];
	char schema[64];
};

#define REG_FX_NAME "gy"
#define REG_FX_TODAY ((struct ps_date){2026, 3, 1})
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
		fail_msg("insert %s: %s (%s)", kind, f->d.msg, ps_strerror(rc));
}

#define ADD(f, ...) add(f, __VA_ARGS__, NULL)

static void seed_ip(struct fx *f)
{
	ADD(f, "operator", "key=OP-1", "name=甲电信", "type=isp");
	ADD(f, "operator", "key=OP-2", "name=乙数据", "type=idc");
	ADD(f, "ipblock", "key=B-1", "operator=OP-1", "range=10.0.0.0/24");
	ADD(f, "ipblock", "key=B-2", "operator=OP-1", "range=10.0.1.0-10.0.1.255");
	ADD(f, "ipblock", "key=B-3", "operator=OP-1", "range=2001:db8::/32");
	ADD(f, "ipblock", "key=B-4", "operator=OP-2", "range=192.0.2.0/24");
	ADD(f, "icp", "key=ICP-1", "filing_no=京ICP备00000001号", "domain=a.example.cn",
	    "holder=乙公司", "address=10.0.0.9");
	ADD(f, "ipfiling", "key=F-1", "operator=OP-1", "range=10.0.0.0/23", "holder=甲公司",
	    "use=IDC", "location=北京", "icp=ICP-1");
	ADD(f, "ipfiling", "key=F-2", "operator=OP-1", "range=10.0.1.128/25", "holder=丙公司",
	    "use=IDC");
	ADD(f, "ipfiling", "key=F-3", "operator=OP-1", "range=10.0.2.0/24", "holder=甲公司",
	    "use=IDC");
	ADD(f, "ipfiling", "key=F-4", "operator=OP-1", "range=2001:db8::/48", "holder=甲公司",
	    "use=自用");
	ADD(f, "ipfiling", "key=F-5", "operator=OP-2", "range=2001:db8:1::/48", "holder=丁公司",
	    "use=自用");
	ADD(f, "ipseen", "key=O-1", "address=10.0.0.5", "source=routing", "holder=乙公司");
	ADD(f, "ipseen", "key=O-2", "address=10.0.3.0/24", "source=aaa");
	ADD(f, "ipseen", "key=O-3", "address=2001:db8:2::1", "source=flow");
}

static const struct ps_guyuan_finding *nth(const struct ps_guyuan_report *rep,
					   enum ps_guyuan_check c, size_t n)
{
	for (size_t i = 0; i < rep->n; i++)
		if (rep->findings[i].check == c && n-- == 0)
			return &rep->findings[i];
	fail_msg("no finding %zu of %s", n, ps_guyuan_check_name(c));
	return NULL;
}

static void test_guyuan_registry(void **state)
{
	struct fx *f = *state;
	struct ps_guyuan_opts o;
	struct ps_guyuan_report rep = {0};
	const struct ps_guyuan_finding *x;

	seed_ip(f);
	ps_guyuan_opts_default(&o);
	OK(ps_guyuan_opts_policy(pol, &o, &f->d));
	OK(ps_guyuan_check_registry(&f->r, &o, &rep, &f->d));
	assert_int_equal(rep.count[PS_GUYUAN_OUT_OF_RANGE], 2);
	assert_int_equal(rep.count[PS_GUYUAN_CONFLICT], 1);
	assert_int_equal(rep.count[PS_GUYUAN_DUPLICATE], 0);
	assert_int_equal(rep.count[PS_GUYUAN_UNREPORTED], 2);
	assert_int_equal(rep.count[PS_GUYUAN_MISREPORTED], 2);
	assert_int_equal(rep.n, 7);

	x = nth(&rep, PS_GUYUAN_OUT_OF_RANGE, 0);
	assert_string_equal(x->subject[0], "F-3");
	assert_string_equal(x->range, "10.0.2.0/24");
	x = nth(&rep, PS_GUYUAN_OUT_OF_RANGE, 1);
	assert_string_equal(x->subject[0], "F-5");
	assert_string_equal(x->operator, "OP-2");
	assert_non_null(strstr(x->evidence, "no allocated IPv6 block"));

	x = nth(&rep, PS_GUYUAN_CONFLICT, 0);
	assert_string_equal(x->subject[0], "F-1");
	assert_string_equal(x->subject[1], "F-2");
	assert_string_equal(x->range, "10.0.1.128/25");

	x = nth(&rep, PS_GUYUAN_UNREPORTED, 0);
	assert_string_equal(x->subject[0], "O-2");
	assert_string_equal(x->operator, "");
	x = nth(&rep, PS_GUYUAN_UNREPORTED, 1);
	assert_string_equal(x->subject[0], "O-3");
	assert_string_equal(x->operator, "OP-1");
	assert_non_null(strstr(x->json, "\"uncovered\":[\"2001:db8:2::1\"]"));

	x = nth(&rep, PS_GUYUAN_MISREPORTED, 0);
	assert_string_equal(x->subject[1], "ICP-1"); /* the filing's range sorts first */
	assert_non_null(strstr(x->json, "\"observed\":\"乙公司\",\"source\":\"icp:ICP-1\""));
	x = nth(&rep, PS_GUYUAN_MISREPORTED, 1);
	assert_string_equal(x->subject[1], "O-1");
	assert_non_null(strstr(x->json, "\"source\":\"routing:O-1\""));

	/* by operator */
	o.operator = "OP-2";
	OK(ps_guyuan_check_registry(&f->r, &o, &rep, &f->d));
	assert_int_equal(rep.n, 1);
	assert_string_equal(rep.findings[0].subject[0], "F-5");
	ps_guyuan_report_release(&rep);
}

static void test_guyuan_policy_flags(void **state)
{
	static const char yaml[] =
		"documents:\n"
		"  - {id: t, title: t, issuer: t, source: t, status: confirmed}\n"
		"values:\n"
		"  filing.ip.check_out_of_range: {value: true, unit: flag, source: t, "
		"status: interpretation}\n"
		"  filing.ip.check_conflict: {value: false, unit: flag, source: t, "
		"status: interpretation}\n"
		"  filing.ip.check_unreported: {value: true, unit: flag, source: t, "
		"status: interpretation}\n"
		"  filing.ip.check_misreported: {value: false, unit: flag, source: t, "
		"status: interpretation}\n";
	struct ps_policy *p = NULL;
	struct fx *f = *state;
	struct ps_guyuan_opts o;
	struct ps_guyuan_report rep = {0};

	OK(ps_policy_load_mem("t.yaml", yaml, strlen(yaml), &p, &f->d));
	seed_ip(f);
	ps_guyuan_opts_default(&o);
	o.check[PS_GUYUAN_UNREPORTED] = false; /* off stays off */
	OK(ps_guyuan_opts_policy(p, &o, &f->d));
	assert_true(o.check[PS_GUYUAN_OUT_OF_RANGE]);
	assert_false(o.check[PS_GUYUAN_CONFLICT]);
	assert_false(o.check[PS_GUYUAN_DUPLICATE]);
	assert_false(o.check[PS_GUYUAN_UNREPORTED]);
	assert_false(o.check[PS_GUYUAN_MISREPORTED]);
	OK(ps_guyuan_check_registry(&f->r, &o, &rep, &f->d));
	assert_int_equal(rep.n, 2);
	assert_int_equal(rep.count[PS_GUYUAN_OUT_OF_RANGE], 2);
	ps_guyuan_report_release(&rep);
	ps_policy_free(p);
	/* a policy without the flags is refused */
	OK(ps_policy_load_mem("t.yaml", yaml, strstr(yaml, "  filing.ip.check_mis") - yaml,
			      &p, &f->d));
	assert_int_equal(ps_guyuan_opts_policy(p, &o, &f->d), PS_EINVAL);
	assert_string_equal(f->d.msg, "policy value 'filing.ip.check_misreported' is missing "
			    "or not a flag");
	ps_policy_free(p);
}

static void seed_draw(struct fx *f)
{
	char key[16], conf[64];

	for (int i = 1; i <= 18; i++) {
		snprintf(key, sizeof(key), "key=V-%02d", i);
		ADD(f, "operator", key, "name=增值企业", "type=vas",
		    i <= 15 ? "province=广东" : "province=广西");
	}
	ADD(f, "operator", "key=T-1", "name=基础电信", "type=basic_telecom", "province=广东");
	for (int i = 1; i <= 6; i++) {
		snprintf(key, sizeof(key), "key=INS-%d", i);
		snprintf(conf, sizeof(conf), "conflicts=%s",
			 i == 1 ? "V-01,V-02" : i == 2 ? "V-03" : "");
		ADD(f, "inspector", key, "name=检查员", conf);
	}
}

static void request(struct ps_draw_request *q, size_t n)
{
	memset(q, 0, sizeof(*q));
	q->type = "vas";
	q->province = "广东";
	q->entities = n;
	q->seed_set = true;
	for (int i = 0; i < PS_DRAW_SEED_LEN; i++)
		q->seed[i] = (uint8_t)(0xa0 + i);
}

/* The same draw straight from arrays: the registry adds nothing. */
static char *expected_result(const struct ps_draw_request *q)
{
	const char *ent[15];
	char keys[15][8];
	const struct ps_draw_inspector insp[] = {
		{"INS-6", NULL}, {"INS-5", NULL}, {"INS-4", NULL}, {"INS-3", NULL},
		{"INS-2", "V-03"}, {"INS-1", "V-02,V-01"},
	};
	struct ps_draw_params p = {{0}};
	struct ps_draw *dr;
	char *s;

	for (int i = 0; i < 15; i++) {
		snprintf(keys[i], sizeof(keys[i]), "V-%02d", 15 - i);
		ent[i] = keys[i];
	}
	memcpy(p.seed, q->seed, sizeof(p.seed));
	p.entities = q->entities;
	p.per_entity = 2;
	p.recuse = true;
	p.min_entities = 10;
	OK(ps_draw_run(&p, ent, 15, insp, 6, &dr, NULL));
	OK(ps_draw_result_json(dr, &s));
	ps_draw_free(dr);
	return s;
}

static void test_draw_registry(void **state)
{
	struct fx *f = *state;
	struct ps_draw_request q;
	struct ps_draw *dr;
	struct ps_reg_record *rec = NULL;
	char *res, *want, *key = NULL;
	bool same = false;

	seed_draw(f);
	request(&q, 10);
	OK(ps_draw_from_registry(&f->r, &q, &dr, &f->d));
	assert_int_equal(dr->n_entities, 15);
	assert_int_equal(dr->n_inspectors, 6);
	assert_int_equal(dr->n_picks, 10);
	assert_int_equal(dr->p.per_entity, 2);          /* policy inspectors_min_per_check */
	assert_int_equal(dr->p.min_entities, 10);       /* policy vas minimum */
	assert_int_equal(dr->p.rule_year, 2018);
	assert_true(dr->p.recuse);
	OK(ps_draw_result_json(dr, &res));
	want = expected_result(&q);
	assert_string_equal(res, want);
	ps_free(want);

	OK(ps_draw_store(&f->r, dr, "广东", (struct ps_date){2026, 3, 2}, &key, &f->d));
	assert_string_equal(key, "DRAW-1");
	OK(ps_draw_verify_record(&f->r, key, &same, &f->d));
	assert_true(same);
	OK(ps_reg_get(&f->r, ps_reg_kind_find("draw"), key, &rec));
	assert_string_equal(ps_reg_record_get(rec, "date"), "2026-03-02");
	assert_string_equal(ps_reg_record_get(rec, "seed"), "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");
	assert_string_equal(ps_reg_record_get(rec, "result"), res);
	assert_non_null(strstr(ps_reg_record_get(rec, "params"),
			       "\"min_source\":\"policy inspection.vas_operators_min_per_province\""));

	/* a tampered record: the second pick replaced by the first */
	{
		char *t = ps_strdup(PS_MEM_TEST, res);
		char *second = strstr(t + 1, "{\"entity\":\"") + strlen("{\"entity\":\"");
		char *first = strstr(t, "{\"entity\":\"") + strlen("{\"entity\":\"");

		second = strstr(second, "{\"entity\":\"") + strlen("{\"entity\":\"");
		memcpy(second, first, 4);
		OK(ps_reg_record_set(rec, "result", t));
		OK(ps_reg_update(&f->r, rec, &f->d));
		ps_free(t);
	}
	OK(ps_draw_verify_record(&f->r, key, &same, &f->d));
	assert_false(same);
	assert_non_null(strstr(f->d.msg, "pick 2: recorded entity"));
	assert_int_equal(ps_draw_verify_record(&f->r, "DRAW-9", &same, &f->d), PS_ENOENT);
	assert_string_equal(f->d.msg, "no draw 'DRAW-9'");
	ps_reg_record_free(rec);
	ps_free(res);
	ps_free(key);
	ps_draw_free(dr);
}

static void test_draw_rules(void **state)
{
	struct fx *f = *state;
	struct ps_draw_request q;
	struct ps_draw *dr = NULL;

	seed_draw(f);
	request(&q, 5);
	assert_int_equal(ps_draw_from_registry(&f->r, &q, &dr, &f->d), PS_EINVAL);
	assert_string_equal(f->d.msg, "a sample of 5 is below the minimum of 10 "
			    "(policy inspection.vas_operators_min_per_province)");
	q.allow_below_min = true;
	OK(ps_draw_from_registry(&f->r, &q, &dr, &f->d));
	assert_int_equal(dr->n_picks, 5);
	ps_draw_free(dr);

	/* 广西 has 3 VAS operators: all of them, with a warning */
	request(&q, 10);
	q.province = "广西";
	OK(ps_draw_from_registry(&f->r, &q, &dr, &f->d));
	assert_int_equal(dr->n_picks, 3);
	assert_non_null(strstr(dr->warning, "fewer than the minimum sample of 10"));
	ps_draw_free(dr);

	/* no minimum without a province, or for other types */
	request(&q, 3);
	q.province = NULL;
	OK(ps_draw_from_registry(&f->r, &q, &dr, &f->d));
	assert_int_equal(dr->n_entities, 18);
	assert_int_equal(dr->p.min_entities, 0);
	ps_draw_free(dr);
	request(&q, 1);
	q.type = "basic_telecom";
	OK(ps_draw_from_registry(&f->r, &q, &dr, &f->d));
	assert_string_equal(dr->picks[0].entity, "T-1");
	ps_draw_free(dr);

	request(&q, 10);
	q.per_entity = 1;
	assert_int_equal(ps_draw_from_registry(&f->r, &q, &dr, &f->d), PS_EINVAL);
	assert_string_equal(f->d.msg, "a team of 1 is below the minimum of 2 inspectors per "
			    "check (policy inspection.inspectors_min_per_check)");
	q.per_entity = 5; /* V-01 and V-02 have only 5 unconflicted inspectors */
	OK(ps_draw_from_registry(&f->r, &q, &dr, &f->d));
	ps_draw_free(dr);
	q.per_entity = 6;
	q.province = NULL;
	q.entities = 18;
	assert_int_equal(ps_draw_from_registry(&f->r, &q, &dr, &f->d), PS_EINVAL);
	assert_non_null(strstr(f->d.msg, "has 5 inspectors without a declared conflict, 6 needed"));

	request(&q, 1);
	q.type = "isp";
	assert_int_equal(ps_draw_from_registry(&f->r, &q, &dr, &f->d), PS_EINVAL);
	assert_string_equal(f->d.msg, "no operator of type isp in 广东 to draw from");
	/* a random seed each time when none is given */
	request(&q, 10);
	q.seed_set = false;
	OK(ps_draw_from_registry(&f->r, &q, &dr, &f->d));
	assert_memory_not_equal(dr->p.seed, q.seed, PS_DRAW_SEED_LEN);
	ps_draw_free(dr);
}

/* ---- the CLI, in-process on a SQLite file ------------------------------------------ */

static char out[1 << 16], err[1 << 16];

static void slurp(FILE *fp, char *buf, size_t n)
{
	size_t got;

	rewind(fp);
	got = fread(buf, 1, n - 1, fp);
	buf[got] = '\0';
	fclose(fp);
}

/*
 * panshi --db DB --policy-dir POLICY args... (cmd NULL), or one command
 * entry run directly on the same options (for entries not yet in the
 * command table); output in out/err.
 */
static int vrun(const struct ps_cli_cmd *cmd, const char *db, const char *first, va_list ap)
{
	char *argv[64], pdir[1024];
	const char *src = getenv("PANSHI_SOURCE_DIR");
	FILE *o = tmpfile(), *e = tmpfile();
	int argc = 0, rc;

	assert_non_null(o);
	assert_non_null(e);
	snprintf(pdir, sizeof(pdir), "%s/policy", src != NULL ? src : ".");
	if (cmd == NULL) {
		argv[argc++] = (char *)"panshi";
		argv[argc++] = (char *)"--db";
		argv[argc++] = (char *)db;
		argv[argc++] = (char *)"--policy-dir";
		argv[argc++] = pdir;
	}
	for (const char *a = first; a != NULL && argc < 63; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	argv[argc] = NULL;
	if (cmd == NULL) {
		rc = ps_cli_run(argc, argv, o, e);
	} else {
		struct ps_cli cli = {.db = db, .policy_dir = pdir, .out = o, .err = e};

		rc = cmd->run(&cli, argc, argv);
		ps_cli_audit_release(&cli);
		ps_store_close(cli.store);
		ps_policy_free(cli.policy);
		if (cli.conf != NULL) {
			ps_conf_release(cli.conf);
			ps_free(cli.conf);
		}
	}
	slurp(o, out, sizeof(out));
	slurp(e, err, sizeof(err));
	return rc;
}

static int run(const char *db, const char *first, ...)
{
	va_list ap;
	int rc;

	va_start(ap, first);
	rc = vrun(NULL, db, first, ap);
	va_end(ap);
	return rc;
}

static int run_cmd(const struct ps_cli_cmd *cmd, const char *db, const char *first, ...)
{
	va_list ap;
	int rc;

	va_start(ap, first);
	rc = vrun(cmd, db, first, ap);
	va_end(ap);
	return rc;
}

#define RUN_OK(...) do { \
	int rc_ = run(__VA_ARGS__, NULL); \
	if (rc_ != 0) \
		fail_msg("exit %d: %s", rc_, err); \
} while (0)

static void cli_guyuan(const char *db)
{
	json_t *j, *x;

	RUN_OK(db, "operator", "add", "--key", "OP-1", "--name", "甲电信", "--type", "isp");
	RUN_OK(db, "ipblock", "add", "--operator", "OP-1", "--range", "10.0.0.0/24");
	RUN_OK(db, "ipfiling", "add", "--key", "F-1", "--operator", "OP-1", "--range",
	       "10.0.0.0/23", "--holder", "甲公司", "--use", "IDC");
	RUN_OK(db, "ipfiling", "add", "--key", "F-2", "--operator", "OP-1", "--range",
	       "10.0.0.128/25", "--holder", "乙公司", "--use", "IDC");
	RUN_OK(db, "ipseen", "add", "--address", "10.0.5.1", "--source", "flow");

	RUN_OK(db, "guyuan", "check");
	assert_non_null(strstr(out, "越界 out_of_range"));
	assert_non_null(strstr(out, "filing F-1 (10.0.0.0/23) of OP-1 is outside its allocated "
				    "blocks: 10.0.1.0/24 outside"));
	assert_non_null(strstr(out, "\nout_of_range  越界      1\n"));
	assert_non_null(strstr(out, "\nduplicate     重复备案  0\n"));
	assert_non_null(strstr(out, "\nunreported    漏报      1\n"));

	RUN_OK(db, "guyuan", "check", "--format", "json");
	j = json_loads(out, 0, NULL);
	assert_non_null(j);
	x = json_object_get(j, "summary");
	assert_int_equal(json_integer_value(json_object_get(x, "conflict")), 1);
	assert_int_equal(json_integer_value(json_object_get(x, "misreported")), 0);
	x = json_array_get(json_object_get(j, "findings"), 0);
	assert_string_equal(json_string_value(json_object_get(x, "check")), "out_of_range");
	assert_string_equal(json_string_value(json_array_get(json_object_get(
		json_object_get(x, "detail"), "outside"), 0)), "10.0.1.0/24");
	assert_string_equal(json_string_value(json_object_get(x, "evidence_zh")),
			    "备案 F-1（10.0.0.0/23）超出 OP-1 的分配地址段，越界部分：10.0.1.0/24；"
			    "参照分配地址段：B-1 10.0.0.0/24");
	json_decref(j);

	RUN_OK(db, "guyuan", "check", "--check", "冲突", "--format", "csv");
	assert_non_null(strstr(out, "check,check_zh,severity,subject,operator,range,evidence,"
				    "evidence_zh\r\n"));
	assert_non_null(strstr(out, "conflict,冲突,high,\"F-1, F-2\",OP-1,10.0.0.128/25,"));
	assert_null(strstr(out, "out_of_range"));
	assert_non_null(strstr(err, "out_of_range  越界      not run\n"));
	assert_non_null(strstr(err, "conflict      冲突      1\n"));

	RUN_OK(db, "guyuan", "check", "--operator", "OP-1", "--check", "duplicate");
	assert_non_null(strstr(out, "no findings\n"));
	assert_int_equal(run(db, "guyuan", "check", "--operator", "OP-9", NULL), 1);
	assert_non_null(strstr(err, "error: no operator 'OP-9'"));
	assert_int_equal(run(db, "guyuan", "check", "--check", "bogus", NULL), 2);
	assert_non_null(strstr(err, "unknown check 'bogus'"));
	assert_int_equal(run(db, "guyuan", "check", "--operator", NULL), 2);
}

static void cli_draw(const char *db)
{
	char key[16], body[8192];
	const char *seed = "000102030405060708090a0b0c0d0e0f";
	json_t *j;

	for (int i = 1; i <= 12; i++) {
		snprintf(key, sizeof(key), "V-%02d", i);
		RUN_OK(db, "operator", "add", "--key", key, "--name", "增值企业", "--type", "vas",
		       "--province", "广东");
	}
	RUN_OK(db, "inspector", "add", "--key", "INS-1", "--name", "张检", "--conflicts",
	       "V-01,V-02");
	RUN_OK(db, "inspector", "add", "--key", "INS-2", "--name", "李检");
	RUN_OK(db, "inspector", "add", "--key", "INS-3", "--name", "王检");

	RUN_OK(db, "inspect", "draw", "--entities", "10", "--type", "vas", "--province", "广东",
	       "--seed", seed, "--date", "2026-04-01");
	assert_non_null(strstr(out, "draw DRAW-1 recorded: 10 of 12 operators, 2 inspectors "
				    "each from 3; seed 000102030405060708090a0b0c0d0e0f\n"));
	snprintf(body, sizeof(body), "%s", strchr(out, '\n') + 1);
	RUN_OK(db, "inspect", "draw", "--entities", "10", "--type", "vas", "--province", "广东",
	       "--seed", seed, "--dry-run");
	assert_non_null(strstr(out, "dry run, not recorded: 10 of 12"));
	assert_string_equal(strchr(out, '\n') + 1, body); /* the same picks */
	assert_int_equal(run(db, "inspect", "draw", "--entities", "5", "--type", "vas",
			     "--province", "广东", NULL), 1);
	assert_non_null(strstr(err, "cannot draw: a sample of 5 is below the minimum of 10"));
	assert_int_equal(run(db, "inspect", "draw", "--entities", "10", "--date", "2018-09-31",
			     NULL), 2);
	assert_non_null(strstr(err, "--date: '2018-09-31' is not a real date"));
	assert_int_equal(run(db, "inspect", "draw", "--entities", "10", "--type", "vsa", NULL), 2);
	assert_non_null(strstr(err, "--type: field 'type'"));
	assert_int_equal(run(db, "inspect", "draw", "--type", "vas", NULL), 2);
	assert_non_null(strstr(err, "--entities N is required"));

	assert_int_equal(run_cmd(&ps_cmd_inspect_verify, db, "verify", "DRAW-1", NULL), 0);
	assert_string_equal(out, "draw DRAW-1: identical: recomputed from its seed, parameters "
			    "and population\n");
	assert_int_equal(run_cmd(&ps_cmd_inspect_list, db, "list", NULL), 0);
	assert_non_null(strstr(out, "DRAW-1"));
	assert_non_null(strstr(out, "2026-04-01"));
	assert_int_equal(run_cmd(&ps_cmd_inspect_list, db, "list", "DRAW-1", "--format", "json",
				 NULL), 0);
	j = json_loads(out, 0, NULL);
	assert_int_equal(json_array_size(j), 10);
	assert_string_equal(json_string_value(json_object_get(json_array_get(j, 0), "name")),
			    "增值企业");
	json_decref(j);

	/* tampered through the generic edit command */
	RUN_OK(db, "draw", "edit", "DRAW-1", "--result", "[{\"entity\":\"V-01\",\"inspectors\":[]}]");
	assert_int_equal(run_cmd(&ps_cmd_inspect_verify, db, "verify", "DRAW-1", NULL), 1);
	assert_non_null(strstr(err, "draw 'DRAW-1' differs from its recomputation: pick 1"));
	assert_int_equal(run_cmd(&ps_cmd_inspect_verify, db, "verify", "DRAW-7", NULL), 1);
	assert_non_null(strstr(err, "no draw 'DRAW-7'"));
}

static void test_cli(void **state)
{
	char db[512];

	(void)state;
	if (is_pg())
		skip();
	snprintf(db, sizeof(db), "%s/cli.db", tmpdir);
	unsetenv("PANSHI_DB");
	unsetenv("PANSHI_CONFIG");
	setenv("PANSHI_LANG", "en", 1);
	RUN_OK(db, "-q", "init");
	cli_guyuan(db);
	cli_draw(db);
	unlink(db);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_guyuan_registry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_guyuan_policy_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_draw_registry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_draw_rules, setup, teardown),
		cmocka_unit_test(test_cli),
	};

	return reg_run(argc, argv, tests);
}
