/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of the audit trail on SQLite and PostgreSQL (argv[1]): appending,
 * verification of an intact chain, and detection of every kind of tamper
 * (edit, delete, tail truncation, reordering, wrong key), plus the
 * registry hook of the CLI and its atomicity with a bulk import.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "audit/audit.h"
#include "cli/cli_audit.h"
#include "core/core.h"
#include "policy/policy.h"
#include "registry/bulk.h"
#include "registry/registry.h"
#include "store/store.h"

#define OK(x) assert_int_equal((x), PS_OK)

struct fx {
	struct ps_store *st;
	struct ps_store_settings set;
	struct ps_registry r;
	char spec[512];
	char schema[64];
	struct ps_audit *a;
};

static const uint8_t key1[32] = "0123456789abcdef0123456789abcdef";
static const uint8_t key2[32] = "0123456789abcdef0123456789abcdeX";

#define REG_FX_NAME "audit"
#define REG_FX_TODAY ((struct ps_date){2026, 3, 1})
#define REG_FX_SETUP(f) ps_audit_open((f)->st, key1, sizeof(key1), &(f)->a)
#define REG_FX_TEARDOWN(f) ps_audit_close((f)->a)
#include "../registry/reg_fixture.h"

/* Append records 1..n with varied fields (some without object/details). */
static void append_n(struct fx *f, int n)
{
	struct ps_diag d = {{0}};
	char obj[32], det[96];
	int64_t id = 0;

	for (int i = 1; i <= n; i++) {
		snprintf(obj, sizeof(obj), "unit:U-%d", i);
		snprintf(det, sizeof(det), "{\"n\": %d, \"s\": \"值%d\", \"a\": [true, null]}", i, i);
		OK(ps_audit_append(f->a, 1700000000000000LL + i, "cli:alice", "registry.update",
				   i % 4 == 0 ? NULL : obj, i % 3 == 0 ? NULL : det, &id, &d));
		assert_int_equal(id, i);
	}
}

static void verify(struct fx *f, struct ps_audit_report *rep)
{
	struct ps_diag d = {{0}};

	OK(ps_audit_verify(f->a, rep, &d));
}

static void expect_bad(struct fx *f, int64_t id, const char *reason)
{
	struct ps_audit_report rep;

	verify(f, &rep);
	assert_false(rep.intact);
	assert_int_equal(rep.first_bad, id);
	assert_string_equal(rep.reason, reason);
}

static void exec(struct fx *f, const char *sql)
{
	OK(ps_store_exec(f->st, sql));
}

static void test_intact(void **state)
{
	struct fx *f = *state;
	struct ps_audit_report rep;

	verify(f, &rep);
	assert_true(rep.intact);
	assert_int_equal(rep.records, 0);
	append_n(f, 12);
	verify(f, &rep);
	assert_true(rep.intact);
	assert_string_equal(rep.reason, "");
	assert_int_equal(rep.records, 12);
	assert_int_equal(rep.verified, 12);
	assert_int_equal(rep.head_id, 12);
	assert_int_equal(rep.last_id, 12);
}

static void test_canonical(void **state)
{
	struct ps_diag d = {{0}};
	uint8_t *buf = NULL;
	size_t n = 0;
	char *cj = NULL;
	static const uint8_t want[] =
		"\0\0\0\0017" "\0\0\0\00242" "\0\0\0\001a" "\0\0\0\002ab"
		"\xff\xff\xff\xff" "\0\0\0\x0e{\"a\":1,\"b\":[]}";

	(void)state;
	OK(ps_audit_json_canonical("{ \"b\" : [ ], \"a\" : 1 }", &cj, &d));
	assert_string_equal(cj, "{\"a\":1,\"b\":[]}");
	ps_free(cj);
	assert_int_equal(ps_audit_json_canonical("{\"a\": 1.5}", &cj, &d), PS_EINVAL);
	assert_int_equal(ps_audit_json_canonical("{\"a\"", &cj, &d), PS_EINVAL);
	OK(ps_audit_canonical(7, 42, "a", "ab", NULL, "{\"b\":[],\"a\":1}", &buf, &n, &d));
	assert_int_equal(n, sizeof(want) - 1);
	assert_memory_equal(buf, want, n);
	ps_free(buf);
}

static void test_edit(void **state)
{
	struct fx *f = *state;
	struct ps_audit_report rep;

	append_n(f, 8);
	exec(f, "UPDATE audit_log SET actor = 'cli:mallory' WHERE id = 5");
	expect_bad(f, 5, "record 5: hash does not match its contents (edited)");
	exec(f, "UPDATE audit_log SET actor = 'cli:alice' WHERE id = 5");
	verify(f, &rep);
	assert_true(rep.intact);
	exec(f, "UPDATE audit_log SET details = '{\"n\": 99}' WHERE id = 7");
	expect_bad(f, 7, "record 7: hash does not match its contents (edited)");
	exec(f, "UPDATE audit_log SET details = '{\"n\": 7, \"s\": \"值7\", \"a\": [true, null]}'"
		" WHERE id = 7");
	verify(f, &rep);
	assert_true(rep.intact);
	exec(f, "UPDATE audit_log SET ts = ts + 1 WHERE id = 2");
	expect_bad(f, 2, "record 2: hash does not match its contents (edited)");
	assert_int_equal(rep.verified, 8);
}

static void test_delete_middle(void **state)
{
	struct fx *f = *state;

	append_n(f, 8);
	exec(f, "DELETE FROM audit_log WHERE id = 4");
	expect_bad(f, 4, "record 4 missing (deleted)");
}

static void test_delete_tail(void **state)
{
	struct fx *f = *state;
	struct ps_audit_report rep;

	append_n(f, 8);
	exec(f, "DELETE FROM audit_log WHERE id = 8");
	expect_bad(f, 8, "records end at 7 but the head says 8 (tail deleted)");
	verify(f, &rep);
	assert_int_equal(rep.verified, 7);
	exec(f, "DELETE FROM meta WHERE key = 'audit.head'");
	expect_bad(f, 0, "the head is missing but records run to 7 (meta 'audit.head' deleted)");
}

/* Rows written around the trail, and a head that was rewritten. */
static void test_head(void **state)
{
	struct fx *f = *state;
	struct ps_diag d = {{0}};

	append_n(f, 4);
	exec(f, "INSERT INTO audit_log (id, ts, actor, action, prev_hash, hash)"
		" SELECT 5, ts, actor, action, hash, 'ff' || hash FROM audit_log WHERE id = 4");
	expect_bad(f, 5, "record 5: hash does not match its contents (edited)");
	exec(f, "DELETE FROM audit_log WHERE id = 5");
	exec(f, "UPDATE meta SET value = '4 " "0000000000000000000000000000000000000000000000000000000000000000"
		"' WHERE key = 'audit.head'");
	expect_bad(f, 4, "record 4 does not match the head (replaced)");
	exec(f, "UPDATE meta SET value = 'junk' WHERE key = 'audit.head'");
	expect_bad(f, 0, "the head is malformed (meta 'audit.head' edited)");
	/* appending refuses to extend a trail whose head is unreadable */
	assert_int_equal(ps_audit_append(f->a, 1, "t", "x", NULL, NULL, NULL, &d), PS_EPROTO);
	exec(f, "UPDATE meta SET value = '3 ' || (SELECT hash FROM audit_log WHERE id = 3)"
		" WHERE key = 'audit.head'");
	expect_bad(f, 4, "record 4 is past the head 3 (appended outside the trail)");
}

/* Swap the contents (all but the id) of rows 3 and 4. */
static void test_reorder(void **state)
{
	struct fx *f = *state;

	append_n(f, 6);
	exec(f, "CREATE TABLE tmp_swap AS SELECT * FROM audit_log WHERE id IN (3, 4)");
	exec(f, "UPDATE audit_log SET hash = 'x' || hash WHERE id IN (3, 4)");
	exec(f, "UPDATE audit_log SET (ts, actor, action, object, details, prev_hash, hash) ="
		" (SELECT ts, actor, action, object, details, prev_hash, hash FROM tmp_swap t"
		"  WHERE t.id = 7 - audit_log.id) WHERE id IN (3, 4)");
	exec(f, "DROP TABLE tmp_swap");
	expect_bad(f, 3, "record 3: prev_hash does not match record 2 (deleted or reordered)");
}

static void test_wrong_key(void **state)
{
	struct fx *f = *state;
	struct ps_audit *b;

	append_n(f, 3);
	ps_audit_close(f->a);
	OK(ps_audit_open(f->st, key2, sizeof(key2), &f->a));
	expect_bad(f, 1, "record 1: hash does not match its contents (edited)");
	ps_audit_close(f->a);
	OK(ps_audit_open(f->st, key1, sizeof(key1), &f->a));
	assert_int_equal(ps_audit_open(f->st, key1, 0, &b), PS_EINVAL);
}

/* Appends join the caller's transaction: a rollback removes them and
 * leaves the head where it was. */
static void test_rollback(void **state)
{
	struct fx *f = *state;
	struct ps_audit_report rep;
	struct ps_diag d = {{0}};

	append_n(f, 2);
	OK(ps_store_begin(f->st));
	OK(ps_audit_append(f->a, 5, "t", "x", NULL, NULL, NULL, &d));
	OK(ps_store_rollback(f->st));
	OK(ps_audit_append(f->a, 6, "t", "y", NULL, "{}", NULL, &d));
	verify(f, &rep);
	assert_true(rep.intact);
	assert_int_equal(rep.records, 3);
	assert_int_equal(ps_audit_append(f->a, 7, "", "y", NULL, NULL, NULL, &d), PS_EINVAL);
	assert_int_equal(ps_audit_append(f->a, 7, "t", "y", NULL, "{\"x\":0.5}", NULL, &d),
			 PS_EINVAL);
}

struct seen {
	int n;
	char last_object[64];
	char last_action[64];
	char last_details[512];
};

static int collect(void *arg, const struct ps_audit_record *rec)
{
	struct seen *s = arg;

	s->n++;
	snprintf(s->last_object, sizeof(s->last_object), "%s", rec->object ? rec->object : "");
	snprintf(s->last_action, sizeof(s->last_action), "%s", rec->action);
	snprintf(s->last_details, sizeof(s->last_details), "%s",
		 rec->details ? rec->details : "");
	return 0;
}

/* The details as canonical JSON, to compare across backends. */
static void assert_details(const char *got, const char *want)
{
	char *c = NULL;

	OK(ps_audit_json_canonical(got, &c, NULL));
	assert_string_equal(c, want);
	ps_free(c);
}

static void hook(struct fx *f, struct ps_cli_audit *ca)
{
	ca->audit = f->a;
	snprintf(ca->actor, sizeof(ca->actor), "cli:test");
	f->r.on_change = ps_cli_audit_registry_hook;
	f->r.on_change_arg = ca;
}

static void test_registry_hook(void **state)
{
	struct fx *f = *state;
	struct ps_cli_audit ca;
	struct ps_audit_filter flt = {.object = "operator:OP-1"};
	struct ps_reg_record *rec = ps_reg_record_new(ps_reg_kind_find("operator"));
	struct ps_audit_report rep;
	struct ps_diag d = {{0}};
	struct seen s = {0};

	hook(f, &ca);
	OK(ps_reg_record_set(rec, "key", "OP-1"));
	OK(ps_reg_record_set(rec, "name", "甲公司"));
	OK(ps_reg_record_set(rec, "type", "isp"));
	OK(ps_reg_insert(&f->r, rec, &d));
	OK(ps_audit_list(f->st, &flt, collect, &s, &d));
	assert_int_equal(s.n, 1);
	assert_string_equal(s.last_action, "registry.insert");
	assert_details(s.last_details, "{\"after\":{\"name\":\"甲公司\",\"type\":\"isp\"}}");
	OK(ps_reg_record_set(rec, "province", "广东"));
	OK(ps_reg_record_set(rec, "type", "idc"));
	OK(ps_reg_update(&f->r, rec, &d));
	OK(ps_reg_delete(&f->r, rec->kind, "OP-1", &d));
	memset(&s, 0, sizeof(s));
	flt.action = "registry.update";
	OK(ps_audit_list(f->st, &flt, collect, &s, &d));
	assert_int_equal(s.n, 1);
	assert_details(s.last_details, "{\"after\":{\"province\":\"广东\",\"type\":\"idc\"},"
		       "\"before\":{\"province\":null,\"type\":\"isp\"}}");
	memset(&s, 0, sizeof(s));
	flt = (struct ps_audit_filter){.limit = 1};
	OK(ps_audit_list(f->st, &flt, collect, &s, &d));
	assert_int_equal(s.n, 1);
	assert_string_equal(s.last_action, "registry.delete");
	assert_string_equal(s.last_object, "operator:OP-1");
	verify(f, &rep);
	assert_true(rep.intact);
	assert_int_equal(rep.records, 3);
	ps_reg_record_free(rec);
}

/* 100 operators as CSV. */
static char *operators_csv(void)
{
	char *t = ps_malloc(PS_MEM_TEST, 8192);
	size_t n = 0;

	n += (size_t)snprintf(t + n, 8192 - n, "key,name,type\n");
	for (int i = 1; i <= 100; i++)
		n += (size_t)snprintf(t + n, 8192 - n, "OP-%d,运营者%d,isp\n", i, i);
	return t;
}

static int fail_at;
static int failing_hook(void *arg, const char *op, const struct ps_reg_record *b,
			const struct ps_reg_record *a)
{
	int rc = ps_cli_audit_registry_hook(arg, op, b, a);

	return rc == PS_OK && --fail_at == 0 ? PS_EIO : rc;
}

static int import_ops(struct fx *f)
{
	struct ps_reg_bulk b;
	struct ps_reg_bulk_report rep;
	char *t = operators_csv();
	int rc;

	OK(ps_reg_bulk_init(&b));
	OK(ps_reg_bulk_parse(&b, "operators.csv", PS_REG_BULK_AUTO, NULL, t, strlen(t)));
	rc = ps_reg_bulk_apply(&f->r, &b, false, &rep);
	ps_reg_bulk_release(&b);
	ps_free(t);
	return rc;
}

static void test_bulk(void **state)
{
	struct fx *f = *state;
	struct ps_cli_audit ca;
	struct ps_audit_report rep;
	int64_t n = -1;

	hook(f, &ca);
	/* the 60th change fails: the 59 records before it roll back too */
	f->r.on_change = failing_hook;
	fail_at = 60;
	assert_int_not_equal(import_ops(f), PS_OK);
	verify(f, &rep);
	assert_true(rep.intact);
	assert_int_equal(rep.records, 0);
	assert_int_equal(rep.head_id, 0);
	OK(ps_reg_count(&f->r, ps_reg_kind_find("operator"), NULL, &n));
	assert_int_equal(n, 0);
	f->r.on_change = ps_cli_audit_registry_hook;
	OK(import_ops(f));
	verify(f, &rep);
	assert_true(rep.intact);
	assert_int_equal(rep.records, 100);
	assert_int_equal(rep.head_id, 100);
}

static void test_key_file(void **state)
{
	char path[300];
	uint8_t k[PS_AUDIT_KEY_LEN], k2[PS_AUDIT_KEY_LEN];
	struct ps_diag d = {{0}};
	struct stat sb;
	bool created = false;
	FILE *fp;

	(void)state;
	snprintf(path, sizeof(path), "%s/audit-%d.key", tmpdir, seq);
	assert_int_equal(ps_audit_key_load(path, k, &d), PS_ENOENT);
	OK(ps_audit_key_create(path, &created, &d));
	assert_true(created);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	OK(ps_audit_key_load(path, k, &d));
	OK(ps_audit_key_create(path, &created, &d));
	assert_false(created);
	OK(ps_audit_key_load(path, k2, &d));
	assert_memory_equal(k, k2, sizeof(k));
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(ps_audit_key_load(path, k, &d), PS_EINVAL);
	assert_non_null(strstr(d.msg, "chmod 600"));
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("not hex\n", fp);
	fclose(fp);
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(ps_audit_key_load(path, k, &d), PS_EPROTO);
	unlink(path);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canonical),
		cmocka_unit_test(test_key_file),
		cmocka_unit_test_setup_teardown(test_intact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_middle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_tail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_head, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reorder, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rollback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_registry_hook, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bulk, setup, teardown),
	};

	return reg_run(argc, argv, tests);
}
