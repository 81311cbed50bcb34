/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One suite for the store, run against the backend named by argv[1]:
 * "sqlite" (a fresh file per test in a mkdtemp directory, plus :memory:)
 * or "pgsql" (PANSHI_TEST_PG_DSN, a fresh schema per test; skipped with
 * exit code 77 when the variable is unset).
 */
#include <dirent.h>
#include <inttypes.h>
#include <math.h>
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
#include <sqlite3.h>

#include "core/core.h"
#include "store/store.h"
#include "store/store_int.h"

#define OK(x) assert_int_equal((x), PS_OK)
#define US INT64_C(1000000)
#define NOV_2026 (INT64_C(1793491200) * US) /* 2026-11-01T00:00:00Z */
#define DEC_2026 (INT64_C(1796083200) * US) /* 2026-12-01T00:00:00Z */
#define JAN_2027 (INT64_C(1798761600) * US) /* 2027-01-01T00:00:00Z */
#define FEB_2027 (INT64_C(1801440000) * US) /* 2027-02-01T00:00:00Z */

static const char *backend; /* "sqlite" or "pgsql" */
static const char *pg_dsn;
static char tmpdir[256];
static int test_seq;

/* Per-test fixture: a store on a fresh file or a fresh schema. */
struct fx {
	struct ps_store *st;
	struct ps_store_settings set;
	char spec[512];
	char schema[64];
};

static bool is_pg(void)
{
	return strcmp(backend, "pgsql") == 0;
}

static int admin_exec(const char *sql)
{
	struct ps_store *st;
	struct ps_diag d;
	int rc = ps_store_open(pg_dsn, NULL, &st, &d);

	if (rc != PS_OK) {
		print_error("admin connection: %s\n", d.msg);
		return rc;
	}
	rc = ps_store_exec(st, sql);
	if (rc != PS_OK)
		print_error("admin: %s\n", ps_store_errmsg(st));
	ps_store_close(st);
	return rc;
}

static int fx_open(struct fx *f, struct ps_store **st)
{
	struct ps_diag d = {{0}};
	int rc = ps_store_open(f->spec, &f->set, st, &d);

	if (rc != PS_OK)
		print_error("open %s: %s\n", f->spec, d.msg);
	return rc;
}

static int setup_raw(void **state)
{
	struct fx *f = ps_calloc(PS_MEM_TEST, 1, sizeof(*f));
	char sql[128];

	if (f == NULL)
		return -1;
	ps_store_settings_default(&f->set);
	test_seq++;
	if (is_pg()) {
		snprintf(f->schema, sizeof(f->schema), "panshi_test_%d_%d",
			 (int)getpid(), test_seq);
		snprintf(sql, sizeof(sql), "CREATE SCHEMA %s", f->schema);
		if (admin_exec(sql) != PS_OK)
			return -1;
		f->set.pg_schema = f->schema;
		snprintf(f->spec, sizeof(f->spec), "%s", pg_dsn);
	} else {
		snprintf(f->spec, sizeof(f->spec), "%s/t%d.db", tmpdir, test_seq);
	}
	*state = f;
	return fx_open(f, &f->st) == PS_OK ? 0 : -1;
}

static int setup(void **state)
{
	struct ps_diag d = {{0}};
	struct fx *f;

	if (setup_raw(state) != 0)
		return -1;
	f = *state;
	if (ps_store_migrate(f->st, NULL, NULL, &d) != PS_OK) {
		print_error("migrate: %s\n", d.msg);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	struct ps_mem_stats ms;
	char path[600], sql[128];
	static const char *const sfx[] = {"", "-wal", "-shm", "-journal"};

	if (f == NULL)
		return 0;
	ps_store_close(f->st);
	ps_mem_stats_get(PS_MEM_STORE, &ms);
	if (is_pg()) {
		snprintf(sql, sizeof(sql), "DROP SCHEMA %s CASCADE", f->schema);
		if (admin_exec(sql) != PS_OK)
			return -1;
	} else {
		for (size_t i = 0; i < PS_ARRAY_LEN(sfx); i++) {
			snprintf(path, sizeof(path), "%s%s", f->spec, sfx[i]);
			unlink(path);
		}
	}
	ps_free(f);
	/* Everything the store allocated went back when it closed. */
	assert_int_equal(ms.bytes, 0);
	return 0;
}

static int group_setup(void **state)
{
	const char *t = getenv("TMPDIR");

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "%s/panshi-store-XXXXXX",
		 t != NULL && t[0] != '\0' ? t : "/tmp");
	return mkdtemp(tmpdir) != NULL ? 0 : -1;
}

static int group_teardown(void **state)
{
	DIR *dir = opendir(tmpdir);
	struct dirent *de;
	char path[600];

	(void)state;
	if (dir == NULL)
		return -1;
	while ((de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmpdir, de->d_name);
		unlink(path);
	}
	closedir(dir);
	return rmdir(tmpdir) == 0 ? 0 : -1;
}

/* One integer from a query without parameters. */
static int64_t q_int(struct ps_store *st, const char *sql)
{
	struct ps_stmt *s;
	int64_t v;

	OK(ps_store_prepare(st, sql, &s));
	assert_int_equal(ps_store_stmt_step(s), PS_OK);
	v = ps_store_stmt_column_int64(s, 0);
	assert_int_equal(ps_store_stmt_step(s), PS_EOF);
	ps_store_stmt_finalize(s);
	return v;
}

static void test_open_close(void **state)
{
	struct fx *f = *state;

	assert_string_equal(ps_store_backend_name(f->st),
			    is_pg() ? "postgresql" : "sqlite");
	assert_string_equal(ps_store_errmsg(f->st), "");
	assert_int_equal(ps_store_tx_depth(f->st), 0);
	ps_store_close(NULL);
}

static void test_bad_spec(void **state)
{
	struct ps_store *st = NULL;
	struct ps_diag d;
	char path[600];
	FILE *fp;

	(void)state;
	assert_int_equal(ps_store_open("", NULL, &st, &d), PS_EINVAL);
	assert_null(st);
	assert_int_equal(ps_store_open(NULL, NULL, &st, &d), PS_EINVAL);

	assert_int_equal(ps_store_open("/nonexistent-dir/x/panshi.db", NULL,
				       &st, &d), PS_EDB);
	assert_null(st);
	assert_non_null(strstr(d.msg, "cannot open database "
			       "'/nonexistent-dir/x/panshi.db'"));

	snprintf(path, sizeof(path), "%s/not-a-db.txt", tmpdir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	for (int i = 0; i < 200; i++)
		fputs("this is not an SQLite database file\n", fp);
	fclose(fp);
	assert_int_equal(ps_store_open(path, NULL, &st, &d), PS_EDB);
	assert_non_null(strstr(d.msg, "not a database"));
	unlink(path);

	/* Nothing listens on port 1; the password must not be echoed. */
	assert_int_equal(ps_store_open("postgresql://u:s3cr3tpw@127.0.0.1:1/x",
				       NULL, &st, &d), PS_EDB);
	assert_non_null(strstr(d.msg, "cannot connect to PostgreSQL"));
	assert_null(strstr(d.msg, "s3cr3tpw"));
	assert_int_equal(ps_store_open("host=127.0.0.1 port=1 dbname=x "
				       "password=s3cr3tpw", NULL, &st, &d),
			 PS_EDB);
	assert_null(strstr(d.msg, "s3cr3tpw"));
	assert_null(st);
}

static void test_migrate_fresh(void **state)
{
	struct fx *f = *state;
	struct ps_diag d = {{0}};
	int v = -1, from = -1, to = -1;
	struct ps_stmt *s;

	OK(ps_store_schema_version(f->st, &v));
	assert_int_equal(v, 0);
	OK(ps_store_migrate(f->st, &from, &to, &d));
	assert_int_equal(from, 0);
	assert_int_equal(to, ps_store_schema_latest());
	OK(ps_store_schema_version(f->st, &v));
	assert_int_equal(v, ps_store_schema_latest());
	assert_true(ps_store_schema_latest() >= 1);

	OK(ps_store_prepare(f->st, "SELECT version, name, applied_at "
			    "FROM schema_migrations ORDER BY version", &s));
	assert_int_equal(ps_store_stmt_step(s), PS_OK);
	assert_int_equal(ps_store_stmt_column_int64(s, 0), 1);
	assert_non_null(strstr(ps_store_stmt_column_text(s, 1), "events"));
	assert_true(ps_store_stmt_column_int64(s, 2) > NOV_2026 - 2000 * 86400 * US);
	ps_store_stmt_finalize(s);
	assert_int_equal(q_int(f->st, "SELECT count(*) FROM events"), 0);
	assert_int_equal(q_int(f->st, "SELECT count(*) FROM meta"), 0);
	assert_int_equal(q_int(f->st, "SELECT count(*) FROM audit_log"), 0);
}

static void test_migrate_twice(void **state)
{
	struct fx *f = *state;
	struct ps_diag d = {{0}};
	int from = -1, to = -1;
	int64_t rows = q_int(f->st, "SELECT count(*) FROM schema_migrations");

	OK(ps_store_migrate(f->st, &from, &to, &d));
	assert_int_equal(from, ps_store_schema_latest());
	assert_int_equal(to, ps_store_schema_latest());
	assert_int_equal(q_int(f->st, "SELECT count(*) FROM schema_migrations"),
			 rows);
	/* A second handle on the same database agrees. */
	{
		struct ps_store *st2;

		OK(fx_open(f, &st2));
		OK(ps_store_migrate(st2, &from, &to, &d));
		assert_int_equal(from, to);
		ps_store_close(st2);
	}
}

static void test_refuse_newer(void **state)
{
	struct fx *f = *state;
	struct ps_diag d = {{0}};
	int v, from = -1, to = -1;

	OK(ps_store_exec(f->st, "INSERT INTO schema_migrations "
			 "(version, name, applied_at) VALUES (999, 'future', 0)"));
	assert_int_equal(ps_store_migrate(f->st, &from, &to, &d), PS_EUNSUP);
	assert_int_equal(from, 999);
	assert_non_null(strstr(d.msg, "999"));
	assert_non_null(strstr(d.msg, "newer"));
	assert_string_equal(ps_store_errmsg(f->st), d.msg);
	OK(ps_store_schema_version(f->st, &v));
	assert_int_equal(v, 999);
}

static void test_migrate_in_tx(void **state)
{
	struct fx *f = *state;
	struct ps_diag d = {{0}};

	OK(ps_store_begin(f->st));
	assert_int_equal(ps_store_migrate(f->st, NULL, NULL, &d), PS_EINVAL);
	OK(ps_store_rollback(f->st));
}

static void test_transactions(void **state)
{
	struct fx *f = *state;
	struct ps_store *st2;
	char *v = NULL;

	assert_int_equal(ps_store_commit(f->st), PS_EINVAL);
	assert_int_equal(ps_store_rollback(f->st), PS_EINVAL);

	OK(ps_store_begin(f->st));
	OK(ps_store_meta_set(f->st, "k", "rolled back"));
	OK(ps_store_rollback(f->st));
	assert_int_equal(ps_store_meta_get(f->st, "k", &v), PS_ENOENT);
	assert_null(v);

	OK(ps_store_begin(f->st));
	OK(ps_store_meta_set(f->st, "k", "committed"));
	assert_int_equal(ps_store_tx_depth(f->st), 1);
	OK(ps_store_commit(f->st));
	assert_int_equal(ps_store_tx_depth(f->st), 0);

	/* Visible to another connection once committed. */
	OK(fx_open(f, &st2));
	OK(ps_store_meta_get(st2, "k", &v));
	assert_string_equal(v, "committed");
	ps_free(v);

	/* Nested: the inner rollback undoes only its savepoint. */
	OK(ps_store_begin(f->st));
	OK(ps_store_meta_set(f->st, "outer", "1"));
	OK(ps_store_begin(f->st));
	assert_int_equal(ps_store_tx_depth(f->st), 2);
	OK(ps_store_meta_set(f->st, "inner", "1"));
	OK(ps_store_rollback(f->st));
	OK(ps_store_begin(f->st));
	OK(ps_store_meta_set(f->st, "inner2", "1"));
	OK(ps_store_commit(f->st));
	assert_int_equal(ps_store_tx_depth(f->st), 1);
	/* Not yet visible outside. */
	assert_int_equal(ps_store_meta_get(st2, "outer", &v), PS_ENOENT);
	OK(ps_store_commit(f->st));
	OK(ps_store_meta_get(st2, "outer", &v));
	ps_free(v);
	OK(ps_store_meta_get(st2, "inner2", &v));
	ps_free(v);
	assert_int_equal(ps_store_meta_get(st2, "inner", &v), PS_ENOENT);
	ps_store_close(st2);

	/* Closing with a transaction open rolls it back. */
	OK(fx_open(f, &st2));
	OK(ps_store_begin(st2));
	OK(ps_store_meta_set(st2, "unfinished", "1"));
	ps_store_close(st2);
	assert_int_equal(ps_store_meta_get(f->st, "unfinished", &v), PS_ENOENT);
}

static void create_t(struct ps_store *st)
{
	if (strcmp(ps_store_backend_name(st), "postgresql") == 0)
		OK(ps_store_exec(st, "CREATE TABLE t (id BIGSERIAL PRIMARY KEY, "
				 "i BIGINT, d DOUBLE PRECISION, s TEXT, b BYTEA)"));
	else
		OK(ps_store_exec(st, "CREATE TABLE t (id INTEGER PRIMARY KEY, "
				 "i INTEGER, d REAL, s TEXT, b BLOB) STRICT"));
}

static const char *const hostile[] = {
	"'; DROP TABLE t; --",
	"Robert'); DROP TABLE students;--",
	"\"quoted\" and 'single' and `back`",
	"? ?? $1 $$ :name @x -- not a comment /* nor this */",
	"磐石 网络与数据安全 — 中国电信 🚀",
	"",
	"back\\slash E'\\x00' \t tab\nnewline",
};

static int64_t insert_row(struct ps_store *st, int64_t i, double d,
			  const char *s, const void *b, size_t bn)
{
	struct ps_stmt *q;
	int64_t id;

	OK(ps_store_prepare(st, "INSERT INTO t (i, d, s, b) VALUES (?, ?, ?, ?) "
			    "RETURNING id", &q));
	assert_int_equal(ps_store_stmt_column_count(q) >= 0, 1);
	OK(ps_store_stmt_bind_int64(q, 1, i));
	OK(ps_store_stmt_bind_double(q, 2, d));
	OK(ps_store_stmt_bind_text(q, 3, s));
	if (b != NULL)
		OK(ps_store_stmt_bind_blob(q, 4, b, bn));
	else
		OK(ps_store_stmt_bind_null(q, 4));
	assert_int_equal(ps_store_stmt_step(q), PS_OK);
	id = ps_store_stmt_column_int64(q, 0);
	assert_int_equal(ps_store_stmt_step(q), PS_EOF);
	assert_int_equal(ps_store_stmt_changes(q), 1);
	ps_store_stmt_finalize(q);
	return id;
}

static void test_stmt_roundtrip(void **state)
{
	struct fx *f = *state;
	const int64_t ints[] = {INT64_MIN, INT64_MAX, 0, -1, 1, 4294967296LL};
	const double dbls[] = {0.0, -1.5, 3.141592653589793, 1e308, -2.5e-300};
	const unsigned char blob[] = {0x00, 0xff, 0x27, 0x5c, 0x00, 0x80};
	struct ps_stmt *s;
	int64_t id;
	size_t n;

	create_t(f->st);
	for (size_t k = 0; k < PS_ARRAY_LEN(ints); k++) {
		id = insert_row(f->st, ints[k], dbls[k % PS_ARRAY_LEN(dbls)],
				hostile[k % PS_ARRAY_LEN(hostile)], blob,
				sizeof(blob));
		OK(ps_store_prepare(f->st, "SELECT i, d, s, b, id FROM t "
				    "WHERE id = ?", &s));
		OK(ps_store_stmt_bind_int64(s, 1, id));
		assert_int_equal(ps_store_stmt_step(s), PS_OK);
		assert_int_equal(ps_store_stmt_column_count(s), 5);
		assert_string_equal(ps_store_stmt_column_name(s, 2), "s");
		assert_true(ps_store_stmt_column_int64(s, 0) == ints[k]);
		assert_true(ps_store_stmt_column_double(s, 1) ==
			    dbls[k % PS_ARRAY_LEN(dbls)]);
		assert_string_equal(ps_store_stmt_column_text(s, 2),
				    hostile[k % PS_ARRAY_LEN(hostile)]);
		assert_memory_equal(ps_store_stmt_column_blob(s, 3, &n), blob,
				    sizeof(blob));
		assert_int_equal(n, sizeof(blob));
		assert_int_equal(ps_store_stmt_column_int64(s, 4), id);
		/* Out-of-range columns read as NULL. */
		assert_true(ps_store_stmt_column_is_null(s, 5));
		assert_null(ps_store_stmt_column_text(s, -1));
		assert_int_equal(ps_store_stmt_step(s), PS_EOF);
		assert_int_equal(ps_store_stmt_step(s), PS_EOF);
		ps_store_stmt_finalize(s);
	}
}

static void test_stmt_hostile_null(void **state)
{
	struct fx *f = *state;
	struct ps_stmt *s;
	int64_t id;
	size_t n;

	create_t(f->st);
	for (int64_t i = -1; i < 5; i++)
		insert_row(f->st, i * INT64_C(4294967296), 0, "x", NULL, 0);
	/* Every hostile string, stored verbatim, and the table survives. */
	for (size_t k = 0; k < PS_ARRAY_LEN(hostile); k++) {
		id = insert_row(f->st, (int64_t)k, 0, hostile[k], NULL, 0);
		OK(ps_store_prepare(f->st, "SELECT count(*) FROM t WHERE s = ? "
				    "AND id = ?", &s));
		OK(ps_store_stmt_bind_text(s, 1, hostile[k]));
		OK(ps_store_stmt_bind_int64(s, 2, id));
		assert_int_equal(ps_store_stmt_step(s), PS_OK);
		assert_int_equal(ps_store_stmt_column_int64(s, 0), 1);
		ps_store_stmt_finalize(s);
	}
	/* NULLs. */
	OK(ps_store_prepare(f->st, "INSERT INTO t (i, d, s, b) VALUES "
			    "(?, ?, ?, ?) RETURNING id", &s));
	for (int i = 1; i <= 4; i++)
		OK(ps_store_stmt_bind_null(s, i));
	OK(ps_store_stmt_bind_text(s, 3, NULL));
	assert_int_equal(ps_store_stmt_step(s), PS_OK);
	id = ps_store_stmt_column_int64(s, 0);
	ps_store_stmt_finalize(s);
	OK(ps_store_prepare(f->st, "SELECT i, d, s, b FROM t WHERE id = ?", &s));
	OK(ps_store_stmt_bind_int64(s, 1, id));
	assert_int_equal(ps_store_stmt_step(s), PS_OK);
	for (int c = 0; c < 4; c++)
		assert_true(ps_store_stmt_column_is_null(s, c));
	assert_null(ps_store_stmt_column_text(s, 2));
	assert_int_equal(ps_store_stmt_column_int64(s, 0), 0);
	assert_null(ps_store_stmt_column_blob(s, 3, &n));
	ps_store_stmt_finalize(s);

	/* A literal '?' is not a placeholder; changes() counts updates. */
	OK(ps_store_prepare(f->st, "UPDATE t SET s = '?' || ? WHERE i >= ?", &s));
	OK(ps_store_stmt_bind_text(s, 1, "x"));
	OK(ps_store_stmt_bind_int64(s, 2, 2));
	assert_int_equal(ps_store_stmt_step(s), PS_EOF);
	/* i = 1..4 * 2^32 and hostile rows 2..6 */
	assert_int_equal(ps_store_stmt_changes(s), 9);
	ps_store_stmt_finalize(s);
	assert_int_equal(q_int(f->st, "SELECT count(*) FROM t WHERE s = '?x'"), 9);
	assert_int_equal(q_int(f->st, "SELECT count(*) FROM t"),
			 6 + PS_ARRAY_LEN(hostile) + 1);
}

static void test_stmt_errors(void **state)
{
	struct fx *f = *state;
	struct ps_stmt *s = NULL;

	create_t(f->st);
	assert_int_equal(ps_store_prepare(f->st, "SELEKT nonsense", &s), PS_EDB);
	assert_null(s);
	assert_non_null(strstr(ps_store_errmsg(f->st), "cannot execute 'SELEKT"));

	assert_int_equal(ps_store_prepare(f->st, "INSERT INTO nosuch (a) "
					  "VALUES (?)", &s), PS_EDB);
	assert_non_null(strstr(ps_store_errmsg(f->st),
			       "cannot insert into 'nosuch': "));
	assert_int_equal(ps_store_prepare(f->st, "SELECT a FROM nosuch", &s),
			 PS_EDB);
	assert_non_null(strstr(ps_store_errmsg(f->st), "cannot query 'nosuch': "));

	OK(ps_store_prepare(f->st, "INSERT INTO t (id, i) VALUES (?, ?)", &s));
	assert_int_equal(ps_store_stmt_bind_int64(s, 0, 1), PS_EINVAL);
	assert_int_equal(ps_store_stmt_bind_int64(s, 3, 1), PS_EINVAL);
	assert_non_null(strstr(ps_store_errmsg(f->st), "no parameter 3"));
	OK(ps_store_stmt_bind_int64(s, 1, 7));
	OK(ps_store_stmt_bind_int64(s, 2, 7));
	assert_int_equal(ps_store_stmt_step(s), PS_EOF);
	ps_store_stmt_reset(s);
	/* The same primary key again. */
	assert_int_equal(ps_store_stmt_step(s), PS_EDB);
	assert_non_null(strstr(ps_store_errmsg(f->st), "cannot insert into 't': "));
	ps_store_stmt_finalize(s);

	/* A type the column refuses (STRICT on SQLite, BIGINT on PostgreSQL). */
	OK(ps_store_prepare(f->st, "INSERT INTO t (i) VALUES (?)", &s));
	OK(ps_store_stmt_bind_text(s, 1, "not a number"));
	assert_int_equal(ps_store_stmt_step(s), PS_EDB);
	ps_store_stmt_finalize(s);

	/* Binding while rows are pending needs a reset first. */
	OK(ps_store_prepare(f->st, "SELECT i FROM t WHERE i >= ?", &s));
	OK(ps_store_stmt_bind_int64(s, 1, 0));
	assert_int_equal(ps_store_stmt_step(s), PS_OK);
	assert_int_equal(ps_store_stmt_bind_int64(s, 1, 1), PS_EINVAL);
	ps_store_stmt_reset(s);
	OK(ps_store_stmt_bind_int64(s, 1, 100));
	assert_int_equal(ps_store_stmt_step(s), PS_EOF);
	ps_store_stmt_finalize(s);

	assert_int_equal(ps_store_exec(f->st, "DROP TABLE nosuch_either"), PS_EDB);
	assert_non_null(strstr(ps_store_errmsg(f->st), "nosuch_either"));
}

/* Every accessor of columns 0 and 1 answers "NULL": there is no row. */
static void assert_no_row(struct fx *f, struct ps_stmt *s)
{
	size_t n = 99;

	for (int c = 0; c < 2; c++) {
		assert_true(ps_store_stmt_column_is_null(s, c));
		assert_int_equal(ps_store_stmt_column_int64(s, c), 0);
		assert_true(ps_store_stmt_column_double(s, c) == 0.0);
		assert_null(ps_store_stmt_column_text(s, c));
		assert_null(ps_store_stmt_column_blob(s, c, &n));
		assert_int_equal(n, 0);
	}
	/* SQLite was not asked: reading without a row would have set SQLITE_RANGE. */
	if (!is_pg())
		assert_int_not_equal(sqlite3_errcode(f->st->impl), SQLITE_RANGE);
}

/*
 * Reading columns with no current row (before the first step, after the
 * last, after a reset, from an empty result) is defined on both backends.
 */
static void test_stmt_no_row(void **state)
{
	struct fx *f = *state;
	struct ps_stmt *s;

	OK(ps_store_prepare(f->st, "SELECT 7, 'seven'", &s));
	assert_no_row(f, s);
	assert_int_equal(ps_store_stmt_step(s), PS_OK);
	assert_int_equal(ps_store_stmt_column_int64(s, 0), 7);
	assert_string_equal(ps_store_stmt_column_text(s, 1), "seven");
	assert_false(ps_store_stmt_column_is_null(s, 1));
	assert_int_equal(ps_store_stmt_step(s), PS_EOF);
	assert_no_row(f, s);
	ps_store_stmt_reset(s);
	assert_no_row(f, s);
	assert_int_equal(ps_store_stmt_step(s), PS_OK);
	assert_int_equal(ps_store_stmt_column_int64(s, 0), 7);
	ps_store_stmt_finalize(s);

	OK(ps_store_prepare(f->st, "SELECT key, value FROM meta WHERE key = ?", &s));
	OK(ps_store_stmt_bind_text(s, 1, "absent"));
	assert_int_equal(ps_store_stmt_step(s), PS_EOF);
	assert_no_row(f, s);
	ps_store_stmt_finalize(s);
}

static void test_stmt_cache(void **state)
{
	struct fx *f = *state;
	struct ps_stmt *a, *b, *c;
	char sql[64];

	OK(ps_store_prepare(f->st, "SELECT count(*) FROM meta", &a));
	OK(ps_store_prepare(f->st, "SELECT count(*) FROM meta", &b));
	assert_ptr_not_equal(a, b);
	assert_int_equal(ps_store_stmt_step(a), PS_OK);
	ps_store_stmt_finalize(a);
	/* Back from the cache, reset. */
	OK(ps_store_prepare(f->st, "SELECT count(*) FROM meta", &c));
	assert_ptr_equal(a, c);
	assert_int_equal(ps_store_stmt_step(c), PS_OK);
	assert_int_equal(ps_store_stmt_column_int64(c, 0), 0);
	ps_store_stmt_finalize(c);
	ps_store_stmt_finalize(b);
	ps_store_stmt_finalize(NULL);

	/* More distinct statements than the cache holds. */
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < PS_STORE_STMT_CACHE * 2 + 3; i++) {
			snprintf(sql, sizeof(sql), "SELECT %d + ?", i);
			OK(ps_store_prepare(f->st, sql, &a));
			OK(ps_store_stmt_bind_int64(a, 1, 1000));
			assert_int_equal(ps_store_stmt_step(a), PS_OK);
			assert_int_equal(ps_store_stmt_column_int64(a, 0), i + 1000);
			ps_store_stmt_finalize(a);
		}
	}
}

static void test_meta(void **state)
{
	struct fx *f = *state;
	char *v = NULL;

	assert_int_equal(ps_store_meta_get(f->st, "deployment_id", &v), PS_ENOENT);
	assert_null(v);
	OK(ps_store_meta_set(f->st, "deployment_id", "gd-telecom-01"));
	OK(ps_store_meta_get(f->st, "deployment_id", &v));
	assert_string_equal(v, "gd-telecom-01");
	ps_free(v);
	OK(ps_store_meta_set(f->st, "deployment_id", "广东电信-02"));
	OK(ps_store_meta_get(f->st, "deployment_id", &v));
	assert_string_equal(v, "广东电信-02");
	ps_free(v);
	OK(ps_store_meta_set(f->st, "policy'; --", ""));
	OK(ps_store_meta_get(f->st, "policy'; --", &v));
	assert_string_equal(v, "");
	ps_free(v);
	assert_int_equal(q_int(f->st, "SELECT count(*) FROM meta"), 2);
	assert_int_equal(ps_store_meta_set(f->st, NULL, "x"), PS_EINVAL);
	assert_int_equal(ps_store_meta_get(f->st, NULL, &v), PS_EINVAL);
}

/* Deterministic events: one per second from `base`, four types. */
struct evset {
	struct ps_event *ev;
	char (*ip)[24];
	char (*json)[96];
	size_t n;
};

static const char *const ev_types[] = {"alert", "dns", "http", "flow"};

static void evset_make(struct evset *es, size_t n, int64_t base)
{
	es->n = n;
	es->ev = ps_calloc(PS_MEM_TEST, n, sizeof(*es->ev));
	es->ip = ps_calloc(PS_MEM_TEST, n, sizeof(*es->ip));
	es->json = ps_calloc(PS_MEM_TEST, n, sizeof(*es->json));
	assert_non_null(es->ev);
	assert_non_null(es->ip);
	assert_non_null(es->json);
	for (size_t i = 0; i < n; i++) {
		struct ps_event *e = &es->ev[i];

		snprintf(es->ip[i], sizeof(es->ip[i]), "10.0.%zu.%zu", i / 250 % 256,
			 i % 250 + 1);
		snprintf(es->json[i], sizeof(es->json[i]),
			 "{\"seq\": %zu, \"note\": \"序号 %zu\", \"ok\": true}", i, i);
		e->ts_us = base + (int64_t)i * US;
		e->sensor = i % 2 ? "sensor-b" : "sensor-a";
		e->event_type = ev_types[i % 4];
		e->severity = i % 4 == 0 ? (int)(i / 4 % 3) + 1 : 0;
		e->src_ip = es->ip[i];
		e->src_port = (int)(1024 + i % 60000);
		e->dest_ip = "192.0.2.53";
		e->dest_port = i % 4 == 1 ? 53 : 443;
		e->proto = i % 4 == 1 ? "UDP" : "TCP";
		e->app_proto = i % 4 == 3 ? NULL : ev_types[i % 4];
		e->flow_id = (int64_t)(1000000007 * (i + 1));
		e->json = es->json[i];
	}
}

static void evset_free(struct evset *es)
{
	ps_free(es->ev);
	ps_free(es->ip);
	ps_free(es->json);
}

struct collect {
	int64_t ts[64];
	int64_t id[64];
	size_t n;
	int stop_after; /* 0 = never */
	const struct evset *es;
	int64_t base;
};

static int collect_fn(void *arg, const struct ps_event *ev)
{
	struct collect *c = arg;
	size_t i;

	if (c->n < PS_ARRAY_LEN(c->ts)) {
		c->ts[c->n] = ev->ts_us;
		c->id[c->n] = ev->id;
	}
	c->n++;
	/* Every column comes back as inserted (JSON equivalent). */
	i = (size_t)((ev->ts_us - c->base) / US);
	if (c->es != NULL && i < c->es->n) {
		const struct ps_event *w = &c->es->ev[i];
		json_t *a = json_loads(ev->json, 0, NULL);
		json_t *b = json_loads(w->json, 0, NULL);

		assert_string_equal(ev->sensor, w->sensor);
		assert_string_equal(ev->event_type, w->event_type);
		assert_int_equal(ev->severity, w->severity);
		assert_string_equal(ev->src_ip, w->src_ip);
		assert_int_equal(ev->src_port, w->src_port);
		assert_string_equal(ev->dest_ip, w->dest_ip);
		assert_int_equal(ev->dest_port, w->dest_port);
		assert_string_equal(ev->proto, w->proto);
		if (w->app_proto == NULL)
			assert_null(ev->app_proto);
		else
			assert_string_equal(ev->app_proto, w->app_proto);
		assert_true(ev->flow_id == w->flow_id);
		assert_non_null(a);
		assert_true(json_equal(a, b));
		json_decref(a);
		json_decref(b);
	}
	if (c->stop_after > 0 && c->n >= (size_t)c->stop_after)
		return 42;
	return 0;
}

static void test_events_count(void **state)
{
	struct fx *f = *state;
	struct ps_event_filter flt;
	struct evset es;
	int64_t n;

	evset_make(&es, 10000, NOV_2026);
	OK(ps_store_event_batch_insert(f->st, es.ev, es.n));
	OK(ps_store_event_batch_insert(f->st, es.ev, 0));
	OK(ps_store_event_count(f->st, NULL, &n));
	assert_int_equal(n, 10000);

	memset(&flt, 0, sizeof(flt));
	flt.event_type = "dns";
	OK(ps_store_event_count(f->st, &flt, &n));
	assert_int_equal(n, 2500);

	memset(&flt, 0, sizeof(flt));
	flt.ts_from_us = NOV_2026 + 100 * US;
	flt.ts_to_us = NOV_2026 + 200 * US;
	OK(ps_store_event_count(f->st, &flt, &n));
	assert_int_equal(n, 100);
	flt.event_type = "alert";
	flt.sensor = "sensor-a";
	OK(ps_store_event_count(f->st, &flt, &n));
	assert_int_equal(n, 25);
	/* alerts i = 100..196: severity 1 when i/4 in {27, 30, ..., 48} */
	flt.severity_max = 1;
	OK(ps_store_event_count(f->st, &flt, &n));
	assert_int_equal(n, 8);

	memset(&flt, 0, sizeof(flt));
	flt.ip = "10.0.1.1"; /* event 250 */
	OK(ps_store_event_count(f->st, &flt, &n));
	assert_int_equal(n, 1);
	flt.ip = "192.0.2.53";
	OK(ps_store_event_count(f->st, &flt, &n));
	assert_int_equal(n, 10000);
	memset(&flt, 0, sizeof(flt));
	flt.src_ip = "10.0.1.1";
	flt.dest_ip = "192.0.2.53";
	flt.flow_id = 1000000007LL * 251;
	OK(ps_store_event_count(f->st, &flt, &n));
	assert_int_equal(n, 1);
	evset_free(&es);
}

static void test_events_query(void **state)
{
	struct fx *f = *state;
	struct ps_event_filter flt;
	struct collect c;
	struct evset es;

	evset_make(&es, 10000, NOV_2026);
	OK(ps_store_event_batch_insert(f->st, es.ev, es.n));

	/* Newest first, limited. */
	memset(&flt, 0, sizeof(flt));
	memset(&c, 0, sizeof(c));
	c.es = &es;
	c.base = NOV_2026;
	flt.order = PS_EVENT_ORDER_TS_DESC;
	flt.limit = 10;
	OK(ps_store_event_query(f->st, &flt, collect_fn, &c));
	assert_int_equal(c.n, 10);
	assert_true(c.ts[0] == NOV_2026 + 9999 * US);
	for (size_t i = 1; i < 10; i++)
		assert_true(c.ts[i] == c.ts[i - 1] - US);

	/* Paging, oldest first, by type and time. */
	memset(&c, 0, sizeof(c));
	c.es = &es;
	c.base = NOV_2026;
	flt.order = PS_EVENT_ORDER_TS_ASC;
	flt.event_type = "http";
	flt.ts_from_us = NOV_2026 + 1000 * US;
	flt.limit = 5;
	flt.offset = 20;
	OK(ps_store_event_query(f->st, &flt, collect_fn, &c));
	assert_int_equal(c.n, 5);
	/* http is i % 4 == 2; from i = 1000 the 21st is i = 1082. */
	for (size_t i = 0; i < 5; i++)
		assert_true(c.ts[i] == NOV_2026 + (int64_t)(1082 + 4 * i) * US);
	for (size_t i = 1; i < 5; i++)
		assert_true(c.id[i] > c.id[i - 1]);

	/* Offset without limit, and past the end. */
	memset(&flt, 0, sizeof(flt));
	memset(&c, 0, sizeof(c));
	flt.offset = 9990;
	OK(ps_store_event_query(f->st, &flt, collect_fn, &c));
	assert_int_equal(c.n, 10);
	flt.offset = 20000;
	memset(&c, 0, sizeof(c));
	OK(ps_store_event_query(f->st, &flt, collect_fn, &c));
	assert_int_equal(c.n, 0);
	flt.offset = -1;
	assert_int_equal(ps_store_event_query(f->st, &flt, collect_fn, &c),
			 PS_EINVAL);

	/* The callback stops the walk; its value comes back. */
	memset(&c, 0, sizeof(c));
	c.stop_after = 3;
	assert_int_equal(ps_store_event_query(f->st, NULL, collect_fn, &c), 42);
	assert_int_equal(c.n, 3);
	evset_free(&es);
}

static void test_events_atomic(void **state)
{
	struct fx *f = *state;
	struct evset es;
	int64_t n;

	evset_make(&es, 200, NOV_2026);
	/* An event without a type, or a bad port: refused before any SQL. */
	es.ev[150].event_type = NULL;
	assert_int_equal(ps_store_event_batch_insert(f->st, es.ev, es.n),
			 PS_EINVAL);
	assert_non_null(strstr(ps_store_errmsg(f->st), "event 150"));
	es.ev[150].event_type = "alert";
	es.ev[7].dest_port = 70000;
	assert_int_equal(ps_store_event_batch_insert(f->st, es.ev, es.n),
			 PS_EINVAL);
	es.ev[7].dest_port = 80;

	/* Invalid JSON in the last chunk: nothing of the batch stays. */
	es.ev[199].json = "{not json";
	assert_int_equal(ps_store_event_batch_insert(f->st, es.ev, es.n), PS_EDB);
	assert_non_null(strstr(ps_store_errmsg(f->st), "cannot insert into 'events'"));
	assert_int_equal(ps_store_tx_depth(f->st), 0);
	OK(ps_store_event_count(f->st, NULL, &n));
	assert_int_equal(n, 0);
	es.ev[199].json = NULL;

	/* Inside a caller's transaction the batch follows it. */
	OK(ps_store_begin(f->st));
	OK(ps_store_event_batch_insert(f->st, es.ev, es.n));
	assert_int_equal(ps_store_tx_depth(f->st), 1);
	OK(ps_store_rollback(f->st));
	OK(ps_store_event_count(f->st, NULL, &n));
	assert_int_equal(n, 0);
	OK(ps_store_begin(f->st));
	OK(ps_store_event_batch_insert(f->st, es.ev, es.n));
	OK(ps_store_commit(f->st));
	OK(ps_store_event_count(f->st, NULL, &n));
	assert_int_equal(n, 200);
	evset_free(&es);
}

static void test_purge(void **state)
{
	struct fx *f = *state;
	int64_t n, deleted = -1, now = NOV_2026;
	struct evset es;

	/* One event a day for 300 days before 2026-11-01. */
	evset_make(&es, 300, 0);
	for (size_t i = 0; i < es.n; i++)
		es.ev[i].ts_us = now - (int64_t)(i + 1) * 86400 * US;
	OK(ps_store_event_batch_insert(f->st, es.ev, es.n));
	OK(ps_store_event_purge_before(f->st, now - 250 * 86400 * US, &deleted));
	assert_int_equal(deleted, 50); /* days 251..300 */
	OK(ps_store_event_count(f->st, NULL, &n));
	assert_int_equal(n, 250);
	/* Default retention: 183 days. */
	OK(ps_store_event_purge_expired(f->st, now, &deleted));
	assert_int_equal(deleted, 250 - 183);
	OK(ps_store_event_count(f->st, NULL, &n));
	assert_int_equal(n, 183);
	OK(ps_store_event_purge_before(f->st, 0, NULL));
	OK(ps_store_event_purge_before(f->st, 0, &deleted));
	assert_int_equal(deleted, 0);
	evset_free(&es);
}

static void test_partitions(void **state)
{
	struct fx *f = *state;
	struct evset es;
	char sql[512];
	int64_t n;

	assert_int_equal(ps_store_event_partition_ensure(f->st, 2026, 13),
			 PS_EINVAL);
	assert_int_equal(ps_store_event_partition_ensure(f->st, 1969, 1),
			 PS_EINVAL);
	/*
	 * Three November rows and two December ones in events_default (plain
	 * SQL, as before batch inserts made partitions), then the partition.
	 */
	snprintf(sql, sizeof(sql), "INSERT INTO events (ts, event_type) VALUES "
		 "(%" PRId64 ", 'a'), (%" PRId64 ", 'a'), (%" PRId64 ", 'a'), "
		 "(%" PRId64 ", 'a'), (%" PRId64 ", 'a')", NOV_2026,
		 NOV_2026 + US, DEC_2026 - 1 /* last microsecond of November */,
		 DEC_2026, DEC_2026 + 5 * US);
	OK(ps_store_exec(f->st, sql));
	OK(ps_store_event_partition_ensure(f->st, 2026, 11));
	OK(ps_store_event_partition_ensure(f->st, 2026, 11));
	OK(ps_store_event_partition_ensure(f->st, 2027, 1));
	OK(ps_store_event_count(f->st, NULL, &n));
	assert_int_equal(n, 5);
	evset_make(&es, 1, NOV_2026);
	if (is_pg()) {
		assert_int_equal(q_int(f->st, "SELECT count(*) FROM events_p202611"), 3);
		assert_int_equal(q_int(f->st, "SELECT count(*) FROM events_default"), 2);
		assert_int_equal(q_int(f->st, "SELECT count(*) FROM events_p202701"), 0);
		OK(ps_store_event_batch_insert(f->st, es.ev, 1));
		assert_int_equal(q_int(f->st, "SELECT count(*) FROM events_p202611"), 4);
		OK(ps_store_event_partition_ensure(f->st, 2026, 12));
		assert_int_equal(q_int(f->st, "SELECT count(*) FROM events_default"), 0);
		assert_int_equal(q_int(f->st, "SELECT count(*) FROM events_p202612"), 2);
		/* Partitions carry the parent's constraints and indexes:
		 * (ts, id), (event_type, ts) and, from migration 4, (id). */
		assert_int_equal(q_int(f->st, "SELECT count(*) FROM pg_indexes "
				       "WHERE tablename = 'events_p202612'"), 3);
		OK(ps_store_event_count(f->st, NULL, &n));
		assert_int_equal(n, 6);
	}
	evset_free(&es);
}

/* Partitions of the handle's schema attached to events, named `name`. */
static int64_t attached(struct ps_store *st, const char *name)
{
	char sql[512];

	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM pg_inherits i "
		 "JOIN pg_class p ON p.oid = i.inhparent "
		 "JOIN pg_class c ON c.oid = i.inhrelid "
		 "JOIN pg_namespace n ON n.oid = p.relnamespace "
		 "WHERE n.nspname = current_schema() AND p.relname = 'events' "
		 "AND c.relname = '%s'", name);
	return q_int(st, sql);
}

/* Whether the handle remembers the month's partition as committed. */
static bool part_cached(const struct ps_store *st, int year, int month)
{
	for (unsigned i = 0; i < PS_STORE_PART_CACHE; i++)
		if (st->part_months[i] == year * 12 + month - 1)
			return true;
	return false;
}

/*
 * Batch inserts create the partitions of the months in the batch, so rows
 * land there and not in events_default (SQLite: no partitions, no tables).
 */
static void test_partitions_on_insert(void **state)
{
	struct fx *f = *state;
	struct evset es;
	char sql[256];
	int64_t n;

	evset_make(&es, 4, NOV_2026);
	es.ev[1].ts_us = DEC_2026 + 5 * US;
	es.ev[2].ts_us = NOV_2026 + 2 * US; /* November again, after December */
	es.ev[3].ts_us = -US;               /* 1969: no partition for it */
	OK(ps_store_event_batch_insert(f->st, es.ev, es.n));
	OK(ps_store_event_count(f->st, NULL, &n));
	assert_int_equal(n, 4);
	if (!is_pg()) {
		assert_int_equal(q_int(f->st, "SELECT count(*) FROM sqlite_master "
				       "WHERE name LIKE 'events_p%'"), 0);
		evset_free(&es);
		return;
	}
	assert_int_equal(attached(f->st, "events_p202611"), 1);
	assert_int_equal(attached(f->st, "events_p202612"), 1);
	assert_int_equal(q_int(f->st, "SELECT count(*) FROM events_p202611"), 2);
	assert_int_equal(q_int(f->st, "SELECT count(*) FROM events_p202612"), 1);
	assert_int_equal(q_int(f->st, "SELECT count(*) FROM events_default"), 1);
	assert_int_equal(q_int(f->st, "SELECT count(*) FROM events WHERE "
			       "tableoid = 'events_default'::regclass AND ts >= 0"), 0);
	assert_true(part_cached(f->st, 2026, 11));
	assert_true(part_cached(f->st, 2026, 12));
	/* Again: the cache answers, nothing new is created. */
	OK(ps_store_event_batch_insert(f->st, es.ev, 2));
	assert_int_equal(q_int(f->st, "SELECT count(*) FROM events_p202611"), 3);
	assert_int_equal(q_int(f->st, "SELECT count(*) FROM events_p202612"), 2);

	/*
	 * Made under the caller's transaction, which rolls back: the handle
	 * must not remember it, so the next batch creates it again.
	 */
	es.ev[0].ts_us = JAN_2027;
	OK(ps_store_begin(f->st));
	OK(ps_store_event_batch_insert(f->st, es.ev, 1));
	assert_int_equal(attached(f->st, "events_p202701"), 1);
	assert_false(part_cached(f->st, 2027, 1));
	OK(ps_store_rollback(f->st));
	assert_int_equal(attached(f->st, "events_p202701"), 0);
	OK(ps_store_event_batch_insert(f->st, es.ev, 1));
	assert_int_equal(attached(f->st, "events_p202701"), 1);
	assert_true(part_cached(f->st, 2027, 1));
	assert_int_equal(q_int(f->st, "SELECT count(*) FROM events WHERE "
			       "tableoid = 'events_p202701'::regclass"), 1);

	/* A row of the month already in events_default moves with it. */
	snprintf(sql, sizeof(sql), "INSERT INTO events (ts, event_type) VALUES "
		 "(%" PRId64 ", 'old')", FEB_2027 + US);
	OK(ps_store_exec(f->st, sql));
	assert_int_equal(q_int(f->st, "SELECT count(*) FROM events_default"), 2);
	es.ev[0].ts_us = FEB_2027;
	OK(ps_store_event_batch_insert(f->st, es.ev, 1));
	assert_int_equal(q_int(f->st, "SELECT count(*) FROM events_p202702"), 2);
	assert_int_equal(q_int(f->st, "SELECT count(*) FROM events_default"), 1);
	OK(ps_store_event_count(f->st, NULL, &n));
	assert_int_equal(n, 4 + 2 + 1 + 2);
	evset_free(&es);
}

static void test_memory_db(void **state)
{
	struct ps_store *a, *b;
	struct ps_diag d = {{0}};
	struct evset es;
	int64_t n;
	char *v;

	(void)state;
	if (is_pg())
		skip();
	OK(ps_store_open(":memory:", NULL, &a, &d));
	OK(ps_store_open("sqlite::memory:", NULL, &b, &d));
	OK(ps_store_migrate(a, NULL, NULL, &d));
	OK(ps_store_migrate(b, NULL, NULL, &d));
	evset_make(&es, 100, NOV_2026);
	OK(ps_store_event_batch_insert(a, es.ev, es.n));
	OK(ps_store_event_count(a, NULL, &n));
	assert_int_equal(n, 100);
	/* Each :memory: handle is its own database. */
	OK(ps_store_event_count(b, NULL, &n));
	assert_int_equal(n, 0);
	OK(ps_store_meta_set(a, "k", "v"));
	OK(ps_store_meta_get(a, "k", &v));
	assert_string_equal(v, "v");
	ps_free(v);
	assert_string_equal(ps_store_backend_name(a), "sqlite");
	ps_store_close(a);
	ps_store_close(b);
	evset_free(&es);
}

/* The whole open + migrate + use + close path under allocation failures. */
static int open_migrate_op(void *arg)
{
	struct ps_event ev = {.ts_us = NOV_2026, .event_type = "alert",
			      .json = "{\"a\": 1}"};
	struct ps_store *st;
	struct ps_diag d;
	char *v = NULL;
	int64_t n;
	int rc;

	(void)arg;
	rc = ps_store_open(":memory:", NULL, &st, &d);
	if (rc != PS_OK)
		return rc;
	if ((rc = ps_store_migrate(st, NULL, NULL, &d)) == PS_OK &&
	    (rc = ps_store_meta_set(st, "k", "v")) == PS_OK &&
	    (rc = ps_store_meta_get(st, "k", &v)) == PS_OK &&
	    (rc = ps_store_event_batch_insert(st, &ev, 1)) == PS_OK)
		rc = ps_store_event_count(st, NULL, &n);
	ps_free(v);
	ps_store_close(st);
	return rc;
}

/* Statement paths on an open store (both backends). */
static int use_op(void *arg)
{
	struct ps_store *st = arg;
	struct ps_event ev[70];
	struct ps_event_filter flt = {.event_type = "dns", .limit = 5};
	struct collect c = {0};
	char *v = NULL;
	int rc;

	for (size_t i = 0; i < PS_ARRAY_LEN(ev); i++)
		ev[i] = (struct ps_event){.ts_us = NOV_2026 + (int64_t)i,
					  .event_type = "dns", .src_ip = "10.1.1.1",
					  .json = "[1, 2]"};
	if ((rc = ps_store_meta_set(st, "torture", "x")) == PS_OK &&
	    (rc = ps_store_meta_get(st, "torture", &v)) == PS_OK &&
	    (rc = ps_store_event_batch_insert(st, ev, PS_ARRAY_LEN(ev))) == PS_OK)
		rc = ps_store_event_query(st, &flt, collect_fn, &c);
	ps_free(v);
	return rc;
}

static void test_alloc_failures(void **state)
{
	struct fx *f = *state;
	struct ps_mem_stats before, after;
	long runs;

	if (!is_pg()) {
		ps_mem_stats_get(PS_MEM_STORE, &before);
		runs = ps_mem_torture(open_migrate_op, NULL, true);
		assert_true(runs > 5);
		ps_mem_stats_get(PS_MEM_STORE, &after);
		assert_int_equal(after.bytes, before.bytes);
	}
	runs = ps_mem_torture(use_op, f->st, true);
	assert_true(runs > 1);
	assert_int_equal(ps_store_tx_depth(f->st), 0);
	/* The store is still usable. */
	OK(use_op(f->st));
}

static void test_settings(void **state)
{
	const struct ps_conf_section *sec = &ps_store_conf_section;
	struct ps_store_settings s;
	bool seen_retention = false;

	(void)state;
	ps_store_settings_default(&s);
	assert_int_equal(s.busy_timeout_ms, 5000);
	assert_int_equal(s.event_retention_days, 183);
	assert_null(s.db);
	assert_string_equal(sec->name, "store");
	assert_int_equal(sec->size, sizeof(struct ps_store_settings));
	for (size_t i = 0; i < sec->n_items; i++) {
		const struct ps_conf_item *it = &sec->items[i];

		assert_non_null(it->doc);
		assert_true(it->offset < sec->size);
		if (strcmp(it->key, "event_retention_days") == 0) {
			seen_retention = true;
			assert_string_equal(it->def, "183");
		}
	}
	assert_true(seen_retention);

}

static void test_sql_helpers(void **state)
{
	char *out, what[96];
	int n;

	(void)state;
	OK(ps_store_sql_dollar("SELECT '?''?', \"a?\", ? -- ?\n/* ? */ "
			       "$$ ? $$, $t$ ? $t$, E'\\'?', ?", &out, &n));
	assert_string_equal(out, "SELECT '?''?', \"a?\", $1 -- ?\n/* ? */ "
			    "$$ ? $$, $t$ ? $t$, E'\\'?', $2");
	assert_int_equal(n, 2);
	ps_free(out);
	OK(ps_store_sql_dollar("SELECT $3, ?", &out, &n));
	assert_int_equal(n, 3);
	ps_free(out);
	OK(ps_store_sql_dollar("'unterminated ?", &out, &n));
	assert_int_equal(n, 0);
	ps_free(out);
	/* PostgreSQL block comments nest: only the outermost close ends them. */
	OK(ps_store_sql_dollar("SELECT ? /* a /* b */ ? */ ?, /*/ ? */ ?, "
			       "/* 1 /* 2 /* 3 */ ? */ ? **/ ?", &out, &n));
	assert_string_equal(out, "SELECT $1 /* a /* b */ ? */ $2, /*/ ? */ $3, "
			    "/* 1 /* 2 /* 3 */ ? */ ? **/ $4");
	assert_int_equal(n, 4);
	assert_int_equal(ps_store_sql_count_params("? /* /* */ ? */ ?"), 2);
	ps_free(out);
	OK(ps_store_sql_dollar("? /* /* ? */ ?", &out, &n));
	assert_string_equal(out, "$1 /* /* ? */ ?");
	assert_int_equal(n, 1);
	ps_free(out);

	ps_store_sql_describe("INSERT INTO events (a) VALUES (?)", what,
			      sizeof(what));
	assert_string_equal(what, "insert into 'events'");
	ps_store_sql_describe("  insert or replace into \"Meta\" VALUES (1)",
			      what, sizeof(what));
	assert_string_equal(what, "insert into 'Meta'");
	ps_store_sql_describe("UPDATE meta SET v = 1", what, sizeof(what));
	assert_string_equal(what, "update 'meta'");
	ps_store_sql_describe("DELETE FROM events WHERE ts < ?", what,
			      sizeof(what));
	assert_string_equal(what, "delete from 'events'");
	ps_store_sql_describe("SELECT (SELECT 1 FROM a), x FROM events", what,
			      sizeof(what));
	assert_string_equal(what, "query 'events'");
	ps_store_sql_describe("CREATE TABLE x (a INTEGER)", what, sizeof(what));
	assert_string_equal(what, "execute 'CREATE TABLE x (a INTEGER)'");
	ps_store_sql_describe("", what, sizeof(what));
	assert_string_equal(what, "execute ''");
	assert_int_equal(ps_store_days_from_civil(2026, 11, 1) * 86400,
			 1793491200);
	assert_int_equal(ps_store_days_from_civil(1970, 1, 1), 0);
}

static void test_pg_session(void **state)
{
	struct fx *f = *state;
	struct ps_stmt *s;

	if (!is_pg())
		skip();
	OK(ps_store_prepare(f->st, "SELECT current_setting('application_name'), "
			    "current_schema(), current_setting('client_encoding'), "
			    "current_setting('statement_timeout')", &s));
	assert_int_equal(ps_store_stmt_step(s), PS_OK);
	assert_string_equal(ps_store_stmt_column_text(s, 0), "panshi");
	assert_string_equal(ps_store_stmt_column_text(s, 1), f->schema);
	assert_string_equal(ps_store_stmt_column_text(s, 2), "UTF8");
	assert_string_equal(ps_store_stmt_column_text(s, 3), "5min");
	ps_store_stmt_finalize(s);
	/* After an error the transaction is aborted and commit says so. */
	OK(ps_store_begin(f->st));
	assert_int_equal(ps_store_exec(f->st, "SELECT * FROM nosuch"), PS_EDB);
	assert_int_equal(ps_store_commit(f->st), PS_EDB);
	assert_non_null(strstr(ps_store_errmsg(f->st), "rolled back"));
	assert_int_equal(ps_store_tx_depth(f->st), 0);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_close, setup, teardown),
		cmocka_unit_test(test_bad_spec),
		cmocka_unit_test_setup_teardown(test_migrate_fresh, setup_raw,
						teardown),
		cmocka_unit_test_setup_teardown(test_migrate_twice, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuse_newer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrate_in_tx, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transactions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stmt_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stmt_hostile_null, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_stmt_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stmt_no_row, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stmt_cache, setup, teardown),
		cmocka_unit_test_setup_teardown(test_meta, setup, teardown),
		cmocka_unit_test_setup_teardown(test_events_count, setup, teardown),
		cmocka_unit_test_setup_teardown(test_events_query, setup, teardown),
		cmocka_unit_test_setup_teardown(test_events_atomic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_purge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_partitions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_partitions_on_insert, setup,
						teardown),
		cmocka_unit_test(test_memory_db),
		cmocka_unit_test_setup_teardown(test_alloc_failures, setup, teardown),
		cmocka_unit_test(test_settings),
		cmocka_unit_test(test_sql_helpers),
		cmocka_unit_test_setup_teardown(test_pg_session, setup, teardown),
	};

	backend = argc > 1 ? argv[1] : "sqlite";
	if (strcmp(backend, "pgsql") == 0) {
		pg_dsn = getenv("PANSHI_TEST_PG_DSN");
		if (pg_dsn == NULL || pg_dsn[0] == '\0') {
			printf("skipped: PANSHI_TEST_PG_DSN not set\n");
			return 77;
		}
	} else if (strcmp(backend, "sqlite") != 0) {
		fprintf(stderr, "usage: %s sqlite|pgsql\n", argv[0]);
		return 2;
	}
	return cmocka_run_group_tests_name(backend, tests, group_setup,
					   group_teardown);
}
