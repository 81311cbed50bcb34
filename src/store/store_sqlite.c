/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SQLite backend of the store: one database file per deployment in
 * WAL mode with foreign keys on, behind the vtable in store_int.h.
 * Statements are prepared persistent and kept in the store's cache.
 */
#include <ctype.h>
#include <string.h>

#include <sqlite3.h>

#include "core/core.h"
#include "store/store_int.h"

struct sq_stmt {
	struct ps_stmt base;
	sqlite3_stmt *s;
};

static sqlite3 *db_of(const struct ps_store *st)
{
	return st->impl;
}

static sqlite3_stmt *raw(const struct ps_stmt *s)
{
	return ((const struct sq_stmt *)s)->s;
}

static int map_rc(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_NOMEM:
		return PS_ENOMEM;
	case SQLITE_RANGE:
	case SQLITE_MISUSE:
		return PS_EINVAL;
	case SQLITE_TOOBIG:
		return PS_ELIMIT;
	default:
		return PS_EDB;
	}
}

static int fail(struct ps_store *st, int rc, const char *what)
{
	return ps_store_fail(st, map_rc(rc), "cannot %s: %s", what,
			     sqlite3_errmsg(db_of(st)));
}

/* Connection settings that every handle gets. */
static int configure(sqlite3 *db, const char *spec,
		     const struct ps_store_settings *set, struct ps_diag *d)
{
	bool memory = strcmp(spec, ":memory:") == 0;
	sqlite3_stmt *s = NULL;
	int rc;

	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, (int)set->busy_timeout_ms);
	/* "x" is always an identifier, as on PostgreSQL. */
	sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DML, 0, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DDL, 0, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	rc = sqlite3_exec(db, "PRAGMA foreign_keys = ON; "
			  "PRAGMA synchronous = NORMAL",
			  NULL, NULL, NULL);
	if (rc == SQLITE_OK && !memory) {
		rc = sqlite3_prepare_v2(db, "PRAGMA journal_mode = WAL", -1, &s,
					NULL);
		if (rc == SQLITE_OK)
			rc = sqlite3_step(s);
		if (rc == SQLITE_ROW &&
		    strcmp((const char *)sqlite3_column_text(s, 0), "wal") != 0) {
			ps_diag_set(d, "cannot open database '%s': cannot use "
				    "write-ahead logging", spec);
			sqlite3_finalize(s);
			return PS_EDB;
		}
		if (rc == SQLITE_ROW)
			rc = SQLITE_OK;
		sqlite3_finalize(s);
	}
	if (rc != SQLITE_OK) {
		ps_diag_set(d, "cannot open database '%s': %s", spec,
			    sqlite3_errmsg(db));
		return map_rc(rc);
	}
	return PS_OK;
}

static int sq_open(struct ps_store *st, const char *spec,
		   const struct ps_store_settings *set, struct ps_diag *d)
{
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
		    SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
	sqlite3 *db = NULL;
	int rc;

	rc = sqlite3_open_v2(spec, &db, flags, NULL);
	if (rc != SQLITE_OK) {
		ps_diag_set(d, "cannot open database '%s': %s", spec,
			    db != NULL ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		sqlite3_close(db);
		return map_rc(rc);
	}
	rc = configure(db, spec, set, d);
	if (rc != PS_OK) {
		sqlite3_close(db);
		return rc;
	}
	st->impl = db;
	return PS_OK;
}

/* SQLite's advice for long-lived stores: on closing, let it refresh the
 * planner's statistics of tables whose size changed a lot since the last
 * ANALYZE (bounded by analysis_limit, so closing stays quick). Without
 * them a store grown from empty to a million incidents can pick an index
 * that filters but does not order. Failures (busy, read-only) are ignored. */
static void sq_close(struct ps_store *st)
{
	sqlite3 *db = db_of(st);

	if (db != NULL && !sqlite3_db_readonly(db, "main") && sqlite3_get_autocommit(db))
		(void)sqlite3_exec(db, "PRAGMA analysis_limit = 400; PRAGMA optimize",
				   NULL, NULL, NULL);
	sqlite3_close(db);
	st->impl = NULL;
}

static int sq_exec(struct ps_store *st, const char *sql, const char *what)
{
	int rc = sqlite3_exec(db_of(st), sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? PS_OK : fail(st, rc, what);
}

static bool only_space(const char *p)
{
	for (; *p != '\0'; p++)
		if (!isspace((unsigned char)*p) && *p != ';')
			return false;
	return true;
}

static int sq_prepare(struct ps_store *st, const char *sql, int nparams,
		      const char *what, struct ps_stmt **out)
{
	struct sq_stmt *q;
	sqlite3_stmt *s = NULL;
	const char *tail = NULL;
	int rc;

	(void)nparams;
	*out = NULL;
	rc = sqlite3_prepare_v3(db_of(st), sql, -1, SQLITE_PREPARE_PERSISTENT,
				&s, &tail);
	if (rc != SQLITE_OK)
		return fail(st, rc, what);
	if (s == NULL || (tail != NULL && !only_space(tail))) {
		sqlite3_finalize(s);
		return ps_store_fail(st, PS_EINVAL, "cannot %s: %s", what,
				     s == NULL ? "empty statement"
					       : "more than one statement");
	}
	q = ps_calloc(PS_MEM_STORE, 1, sizeof(*q));
	if (q == NULL) {
		sqlite3_finalize(s);
		return ps_store_fail(st, PS_ENOMEM, "cannot %s: out of memory",
				     what);
	}
	q->s = s;
	q->base.nparams = sqlite3_bind_parameter_count(s);
	*out = &q->base;
	return PS_OK;
}

static void sq_destroy(struct ps_stmt *s)
{
	sqlite3_finalize(raw(s));
	ps_free(s);
}

static int bind_rc(struct ps_stmt *s, int rc)
{
	return rc == SQLITE_OK ? PS_OK : fail(s->st, rc, s->what);
}

static int sq_bind_int64(struct ps_stmt *s, int idx, int64_t v)
{
	return bind_rc(s, sqlite3_bind_int64(raw(s), idx, v));
}

static int sq_bind_double(struct ps_stmt *s, int idx, double v)
{
	return bind_rc(s, sqlite3_bind_double(raw(s), idx, v));
}

static int sq_bind_text(struct ps_stmt *s, int idx, const char *v)
{
	return bind_rc(s, sqlite3_bind_text(raw(s), idx, v, -1, SQLITE_TRANSIENT));
}

static int sq_bind_blob(struct ps_stmt *s, int idx, const void *p, size_t n)
{
	return bind_rc(s, sqlite3_bind_blob64(raw(s), idx, p, n, SQLITE_TRANSIENT));
}

static int sq_bind_null(struct ps_stmt *s, int idx)
{
	return bind_rc(s, sqlite3_bind_null(raw(s), idx));
}

static void sq_clear_bindings(struct ps_stmt *s)
{
	sqlite3_clear_bindings(raw(s));
}

static int sq_step(struct ps_stmt *s)
{
	int rc = sqlite3_step(raw(s));

	if (rc == SQLITE_ROW)
		return PS_OK;
	if (rc == SQLITE_DONE) {
		s->changes = sqlite3_stmt_readonly(raw(s))
				     ? 0
				     : sqlite3_changes64(db_of(s->st));
		return PS_EOF;
	}
	return fail(s->st, rc, s->what);
}

static void sq_reset(struct ps_stmt *s)
{
	sqlite3_reset(raw(s));
}

static int sq_column_count(const struct ps_stmt *s)
{
	return sqlite3_column_count(raw(s));
}

static const char *sq_column_name(const struct ps_stmt *s, int col)
{
	return sqlite3_column_name(raw(s), col);
}

/*
 * Whether the statement stands on a row that has column `col`. Reading a
 * column otherwise is undefined in SQLite (before the first step, after
 * SQLITE_DONE or an error, after a reset); sqlite3_data_count() is 0 then.
 * The accessors answer as PostgreSQL's do without a row: NULL.
 */
static bool have_row(const struct ps_stmt *s, int col)
{
	return col >= 0 && col < sqlite3_data_count(raw(s));
}

static bool sq_column_is_null(const struct ps_stmt *s, int col)
{
	return !have_row(s, col) || sqlite3_column_type(raw(s), col) == SQLITE_NULL;
}

static int64_t sq_column_int64(const struct ps_stmt *s, int col)
{
	return have_row(s, col) ? sqlite3_column_int64(raw(s), col) : 0;
}

static double sq_column_double(const struct ps_stmt *s, int col)
{
	return have_row(s, col) ? sqlite3_column_double(raw(s), col) : 0.0;
}

static const char *sq_column_text(const struct ps_stmt *s, int col)
{
	return have_row(s, col) ? (const char *)sqlite3_column_text(raw(s), col)
				: NULL;
}

static const void *sq_column_blob(struct ps_stmt *s, int col, size_t *n)
{
	const void *p;

	*n = 0;
	if (!have_row(s, col))
		return NULL;
	p = sqlite3_column_blob(raw(s), col);
	*n = (size_t)sqlite3_column_bytes(raw(s), col);
	return p;
}

const struct ps_store_ops ps_store_sqlite_ops = {
	.name = "sqlite",
	.dollar_params = false,
	.open = sq_open,
	.close = sq_close,
	.exec = sq_exec,
	/* Take the write lock now: no deadlock upgrading a read lock later. */
	.begin_sql = "BEGIN IMMEDIATE",
	.prepare = sq_prepare,
	.destroy = sq_destroy,
	.bind_int64 = sq_bind_int64,
	.bind_double = sq_bind_double,
	.bind_text = sq_bind_text,
	.bind_blob = sq_bind_blob,
	.bind_null = sq_bind_null,
	.clear_bindings = sq_clear_bindings,
	.step = sq_step,
	.reset = sq_reset,
	.column_count = sq_column_count,
	.column_name = sq_column_name,
	.column_is_null = sq_column_is_null,
	.column_int64 = sq_column_int64,
	.column_double = sq_column_double,
	.column_text = sq_column_text,
	.column_blob = sq_column_blob,
	.table_exists_sql = "SELECT count(*) FROM sqlite_master "
			    "WHERE type = 'table' AND name = ?",
	.migrate_lock_sql = NULL, /* BEGIN IMMEDIATE already serialises */
	.partitions = false,
};
