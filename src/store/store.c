/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The backend-independent half of the store: choosing a backend from the
 * spec, settings, transactions with savepoints, the statement cache and
 * the statement API that forwards to the backend, and the meta table.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/core.h"
#include "store/store.h"
#include "store/store_int.h"

static const struct ps_conf_item store_items[] = {
	{"db", PS_CONF_STRING, offsetof(struct ps_store_settings, db), 0, 4096,
	 "", NULL,
	 "database: a SQLite file path or postgresql://user@host/dbname; empty = "
	 "panshi.db in general.data_dir (--db and PANSHI_DB override it)"},
	{"busy_timeout_ms", PS_CONF_INT,
	 offsetof(struct ps_store_settings, busy_timeout_ms), 0, 600000, "5000",
	 NULL, "SQLite: milliseconds to wait for another writer's lock"},
	{"batch_size", PS_CONF_INT,
	 offsetof(struct ps_store_settings, batch_size), 1, 1000000, "1000",
	 NULL, "events an ingest writer buffers before one batch insert"},
	{"statement_timeout_ms", PS_CONF_INT,
	 offsetof(struct ps_store_settings, statement_timeout_ms), 0, 86400000,
	 "300000", NULL,
	 "PostgreSQL: cancel a statement after this many milliseconds "
	 "(0 = never)"},
	{"event_retention_days", PS_CONF_INT,
	 offsetof(struct ps_store_settings, event_retention_days), 1, 36500,
	 "183", NULL,
	 "days events are kept before purge (default 6 months, cf. MIIT data "
	 "security measures art. 25; the legal minimum lives in policy/)"},
	{"pg_schema", PS_CONF_STRING,
	 offsetof(struct ps_store_settings, pg_schema), 0, 63, "", NULL,
	 "PostgreSQL: schema for panshi's tables (empty = server default "
	 "search_path)"},
};

const struct ps_conf_section ps_store_conf_section = {
	.name = "store",
	.doc = "database holding events, cases and the audit trail",
	.items = store_items,
	.n_items = PS_ARRAY_LEN(store_items),
	.size = sizeof(struct ps_store_settings),
};

void ps_store_settings_default(struct ps_store_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->busy_timeout_ms = 5000;
	s->batch_size = 1000;
	s->statement_timeout_ms = 300000;
	s->event_retention_days = 183;
}

int64_t ps_store_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int ps_store_fail(struct ps_store *st, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(st->err.msg, sizeof(st->err.msg), fmt, ap);
	va_end(ap);
	return rc;
}

const char *ps_store_errmsg(const struct ps_store *st)
{
	return st->err.msg;
}

const char *ps_store_backend_name(const struct ps_store *st)
{
	return st->ops->name;
}

/* libpq conninfo keywords that may start a key=value spec. */
static const char *const pg_keywords[] = {
	"host", "hostaddr", "port", "dbname", "user", "password", "service",
	"passfile", "sslmode", "connect_timeout", "application_name",
	"options", "target_session_attrs",
};

static bool spec_is_pg(const char *spec)
{
	size_t n = strspn(spec, "abcdefghijklmnopqrstuvwxyz_");

	if (strncmp(spec, "postgresql://", 13) == 0 ||
	    strncmp(spec, "postgres://", 11) == 0)
		return true;
	if (n == 0 || spec[n + strspn(spec + n, " \t")] != '=')
		return false;
	for (size_t i = 0; i < PS_ARRAY_LEN(pg_keywords); i++)
		if (strlen(pg_keywords[i]) == n &&
		    strncmp(spec, pg_keywords[i], n) == 0)
			return true;
	return false;
}

static int settings_copy(struct ps_store *st, const struct ps_store_settings *s)
{
	if (s == NULL) {
		ps_store_settings_default(&st->set);
		return PS_OK;
	}
	st->set = *s;
	st->set.db = NULL;
	st->set.pg_schema = NULL;
	if (s->pg_schema != NULL && s->pg_schema[0] != '\0') {
		st->owned_schema = ps_strdup(PS_MEM_STORE, s->pg_schema);
		if (st->owned_schema == NULL)
			return PS_ENOMEM;
		st->set.pg_schema = st->owned_schema;
	}
	return PS_OK;
}

int ps_store_open(const char *spec, const struct ps_store_settings *s,
		  struct ps_store **out, struct ps_diag *d)
{
	struct ps_store *st;
	int rc;

	*out = NULL;
	if (spec == NULL || spec[0] == '\0') {
		ps_diag_set(d, "cannot open database: empty database name");
		return PS_EINVAL;
	}
	st = ps_calloc(PS_MEM_STORE, 1, sizeof(*st));
	if (st == NULL) {
		ps_diag_set(d, "cannot open database: out of memory");
		return PS_ENOMEM;
	}
	st->ops = &ps_store_sqlite_ops;
	if (strncmp(spec, "sqlite:", 7) == 0)
		spec += 7;
	else if (spec_is_pg(spec))
		st->ops = &ps_store_pg_ops;
	rc = settings_copy(st, s);
	if (rc != PS_OK) {
		ps_diag_set(d, "cannot open database: out of memory");
		goto out;
	}
	rc = st->ops->open(st, spec, &st->set, d);
out:
	if (rc != PS_OK) {
		ps_free(st->owned_schema);
		ps_free(st);
		return rc;
	}
	*out = st;
	return PS_OK;
}

static int tx_rollback(struct ps_store *st);

static void stmt_destroy(struct ps_stmt *s)
{
	char *sql = s->sql;

	s->st->ops->destroy(s);
	ps_free(sql);
}

void ps_store_close(struct ps_store *st)
{
	if (st == NULL)
		return;
	if (st->tx_depth > 0) {
		st->tx_depth = 1;
		(void)tx_rollback(st);
	}
	st->closing = true;
	for (unsigned i = 0; i < PS_STORE_STMT_CACHE; i++)
		if (st->cache[i] != NULL)
			stmt_destroy(st->cache[i]);
	st->ops->close(st);
	ps_free(st->owned_schema);
	ps_free(st);
}

int ps_store_exec(struct ps_store *st, const char *sql)
{
	char what[96];

	ps_store_sql_describe(sql, what, sizeof(what));
	return st->ops->exec(st, sql, what);
}

int ps_store_tx_depth(const struct ps_store *st)
{
	return st->tx_depth;
}

int ps_store_begin(struct ps_store *st)
{
	char sql[48];
	int rc;

	if (st->tx_depth == 0) {
		rc = st->ops->exec(st, st->ops->begin_sql, "begin transaction");
	} else {
		snprintf(sql, sizeof(sql), "SAVEPOINT ps_sp%d", st->tx_depth);
		rc = st->ops->exec(st, sql, "open savepoint");
	}
	if (rc == PS_OK)
		st->tx_depth++;
	return rc;
}

int ps_store_commit(struct ps_store *st)
{
	char sql[48];
	int rc;

	if (st->tx_depth <= 0)
		return ps_store_fail(st, PS_EINVAL,
				     "cannot commit: no transaction is open");
	if (st->tx_depth > 1) {
		snprintf(sql, sizeof(sql), "RELEASE SAVEPOINT ps_sp%d",
			 st->tx_depth - 1);
		rc = st->ops->exec(st, sql, "release savepoint");
		if (rc == PS_OK)
			st->tx_depth--;
		return rc;
	}
	rc = st->ops->exec(st, "COMMIT", "commit transaction");
	if (rc != PS_OK)
		ps_store_rollback_quiet(st);
	st->tx_depth = 0;
	return rc;
}

void ps_store_rollback_quiet(struct ps_store *st)
{
	struct ps_diag keep = st->err;

	if (st->tx_depth > 0)
		(void)tx_rollback(st);
	st->err = keep;
}

/* ps_store_rollback() without PS_MUST_USE, for cleanup paths. */
static int tx_rollback(struct ps_store *st)
{
	char sql[96];
	int rc;

	if (st->tx_depth <= 0)
		return ps_store_fail(st, PS_EINVAL,
				     "cannot roll back: no transaction is open");
	if (st->tx_depth > 1) {
		snprintf(sql, sizeof(sql),
			 "ROLLBACK TO SAVEPOINT ps_sp%d; RELEASE SAVEPOINT ps_sp%d",
			 st->tx_depth - 1, st->tx_depth - 1);
		rc = st->ops->exec(st, sql, "roll back to savepoint");
		st->tx_depth--;
		return rc;
	}
	st->tx_depth = 0;
	return st->ops->exec(st, "ROLLBACK", "roll back transaction");
}

int ps_store_rollback(struct ps_store *st)
{
	return tx_rollback(st);
}

/* FNV-1a, for the statement cache. */
static uint32_t sql_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

static struct ps_stmt *cache_take(struct ps_store *st, const char *sql,
				  uint32_t h)
{
	for (unsigned i = 0; i < PS_STORE_STMT_CACHE; i++) {
		struct ps_stmt *s = st->cache[i];

		if (s != NULL && s->hash == h && strcmp(s->sql, sql) == 0) {
			st->cache[i] = NULL;
			return s;
		}
	}
	return NULL;
}

int ps_store_prepare(struct ps_store *st, const char *sql, struct ps_stmt **out)
{
	uint32_t h = sql_hash(sql);
	char *rewritten = NULL, *copy = NULL;
	struct ps_stmt *s = NULL;
	char what[96];
	int rc, nparams;

	*out = cache_take(st, sql, h);
	if (*out != NULL)
		return PS_OK;
	ps_store_sql_describe(sql, what, sizeof(what));
	copy = ps_strdup(PS_MEM_STORE, sql);
	if (copy == NULL) {
		rc = ps_store_fail(st, PS_ENOMEM, "cannot %s: out of memory", what);
		goto out;
	}
	nparams = -1; /* SQLite counts them itself */
	rc = PS_OK;
	if (st->ops->dollar_params)
		rc = ps_store_sql_dollar(sql, &rewritten, &nparams);
	if (rc != PS_OK) {
		ps_store_fail(st, rc, "cannot %s: %s", what,
			      rc == PS_ELIMIT ? "too many parameters"
					      : "out of memory");
		goto out;
	}
	rc = st->ops->prepare(st, rewritten != NULL ? rewritten : sql, nparams,
			      what, &s);
	if (rc != PS_OK)
		goto out;
	s->st = st;
	s->sql = copy;
	s->hash = h;
	snprintf(s->what, sizeof(s->what), "%s", what);
	copy = NULL;
	*out = s;
out:
	ps_free(rewritten);
	ps_free(copy);
	return rc;
}

static int vbind(struct ps_stmt *q, const char *types, va_list ap)
{
	int rc = PS_OK;

	for (int i = 0; types[i] != '\0' && rc == PS_OK; i++) {
		if (types[i] == 't') {
			rc = ps_store_stmt_bind_text(q, i + 1, va_arg(ap, const char *));
		} else {
			int64_t v = va_arg(ap, int64_t);

			if (types[i] == 'n' && v == 0)
				rc = ps_store_stmt_bind_null(q, i + 1);
			else
				rc = ps_store_stmt_bind_int64(q, i + 1, v);
		}
	}
	return rc;
}

int ps_store_prepare_args(struct ps_store *st, struct ps_stmt **out, const char *sql,
			  const char *types, ...)
{
	va_list ap;
	int rc;

	if ((rc = ps_store_prepare(st, sql, out)) != PS_OK)
		return rc;
	va_start(ap, types);
	rc = vbind(*out, types, ap);
	va_end(ap);
	if (rc != PS_OK) {
		ps_store_stmt_finalize(*out);
		*out = NULL;
	}
	return rc;
}

int ps_store_run(struct ps_store *st, int64_t *changes, const char *sql,
		 const char *types, ...)
{
	struct ps_stmt *q;
	va_list ap;
	int rc;

	if ((rc = ps_store_prepare(st, sql, &q)) != PS_OK)
		return rc;
	va_start(ap, types);
	rc = vbind(q, types, ap);
	va_end(ap);
	if (rc == PS_OK)
		rc = ps_store_stmt_step(q);
	if (rc == PS_EOF) {
		rc = PS_OK;
		if (changes != NULL)
			*changes = ps_store_stmt_changes(q);
	} else if (rc == PS_OK) {
		rc = PS_EINVAL; /* a row from a statement that should have none */
	}
	ps_store_stmt_finalize(q);
	return rc;
}

void ps_store_stmt_finalize(struct ps_stmt *s)
{
	struct ps_store *st;
	unsigned slot;

	if (s == NULL)
		return;
	st = s->st;
	ps_store_stmt_reset(s);
	st->ops->clear_bindings(s);
	for (slot = 0; slot < PS_STORE_STMT_CACHE; slot++)
		if (st->cache[slot] == NULL)
			break;
	if (slot == PS_STORE_STMT_CACHE) {
		slot = st->cache_next++ % PS_STORE_STMT_CACHE;
		stmt_destroy(st->cache[slot]);
	}
	st->cache[slot] = s;
}

static int check_idx(struct ps_stmt *s, int idx)
{
	if (s->busy)
		return ps_store_fail(s->st, PS_EINVAL,
				     "cannot %s: statement is running, reset it "
				     "before binding", s->what);
	if (idx < 1 || idx > s->nparams)
		return ps_store_fail(s->st, PS_EINVAL,
				     "cannot %s: no parameter %d (of %d)",
				     s->what, idx, s->nparams);
	return PS_OK;
}

int ps_store_stmt_bind_int64(struct ps_stmt *s, int idx, int64_t v)
{
	int rc = check_idx(s, idx);

	return rc != PS_OK ? rc : s->st->ops->bind_int64(s, idx, v);
}

int ps_store_stmt_bind_double(struct ps_stmt *s, int idx, double v)
{
	int rc = check_idx(s, idx);

	return rc != PS_OK ? rc : s->st->ops->bind_double(s, idx, v);
}

int ps_store_stmt_bind_text(struct ps_stmt *s, int idx, const char *v)
{
	int rc = check_idx(s, idx);

	if (rc != PS_OK)
		return rc;
	if (v == NULL)
		return s->st->ops->bind_null(s, idx);
	return s->st->ops->bind_text(s, idx, v);
}

int ps_store_stmt_bind_blob(struct ps_stmt *s, int idx, const void *p, size_t n)
{
	int rc = check_idx(s, idx);

	if (rc != PS_OK)
		return rc;
	if (n > INT32_MAX)
		return ps_store_fail(s->st, PS_ELIMIT, "cannot %s: blob too large",
				     s->what);
	return s->st->ops->bind_blob(s, idx, p != NULL ? p : "", n);
}

int ps_store_stmt_bind_null(struct ps_stmt *s, int idx)
{
	int rc = check_idx(s, idx);

	return rc != PS_OK ? rc : s->st->ops->bind_null(s, idx);
}

void ps_store_stmt_clear_bindings(struct ps_stmt *s)
{
	s->st->ops->clear_bindings(s);
}

int ps_store_stmt_step(struct ps_stmt *s)
{
	int rc;

	if (s->done)
		return PS_EOF;
	rc = s->st->ops->step(s);
	s->busy = rc == PS_OK;
	s->done = rc == PS_EOF;
	return rc;
}

void ps_store_stmt_reset(struct ps_stmt *s)
{
	s->st->ops->reset(s);
	s->busy = false;
	s->done = false;
}

int64_t ps_store_stmt_changes(const struct ps_stmt *s)
{
	return s->changes;
}

int ps_store_stmt_column_count(const struct ps_stmt *s)
{
	return s->st->ops->column_count(s);
}

static bool col_ok(const struct ps_stmt *s, int col)
{
	return col >= 0 && col < s->st->ops->column_count(s);
}

const char *ps_store_stmt_column_name(const struct ps_stmt *s, int col)
{
	return col_ok(s, col) ? s->st->ops->column_name(s, col) : NULL;
}

bool ps_store_stmt_column_is_null(const struct ps_stmt *s, int col)
{
	return col_ok(s, col) ? s->st->ops->column_is_null(s, col) : true;
}

int64_t ps_store_stmt_column_int64(const struct ps_stmt *s, int col)
{
	return col_ok(s, col) ? s->st->ops->column_int64(s, col) : 0;
}

double ps_store_stmt_column_double(const struct ps_stmt *s, int col)
{
	return col_ok(s, col) ? s->st->ops->column_double(s, col) : 0.0;
}

const char *ps_store_stmt_column_text(const struct ps_stmt *s, int col)
{
	return col_ok(s, col) ? s->st->ops->column_text(s, col) : NULL;
}

const void *ps_store_stmt_column_blob(struct ps_stmt *s, int col, size_t *n)
{
	*n = 0;
	return col_ok(s, col) ? s->st->ops->column_blob(s, col, n) : NULL;
}

/* Step a write statement to completion; PS_EOF becomes PS_OK. */
static int step_done(struct ps_stmt *s)
{
	int rc = ps_store_stmt_step(s);

	return rc == PS_EOF || rc == PS_OK ? PS_OK : rc;
}

int ps_store_meta_set(struct ps_store *st, const char *key, const char *value)
{
	struct ps_stmt *s;
	int rc;

	if (key == NULL || value == NULL)
		return ps_store_fail(st, PS_EINVAL,
				     "cannot insert into 'meta': no key or value");
	rc = ps_store_prepare(st,
			      "INSERT INTO meta (key, value, updated_at) "
			      "VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET "
			      "value = excluded.value, "
			      "updated_at = excluded.updated_at",
			      &s);
	if (rc != PS_OK)
		return rc;
	if ((rc = ps_store_stmt_bind_text(s, 1, key)) != PS_OK ||
	    (rc = ps_store_stmt_bind_text(s, 2, value)) != PS_OK ||
	    (rc = ps_store_stmt_bind_int64(s, 3, ps_store_now_us())) != PS_OK)
		goto out;
	rc = step_done(s);
out:
	ps_store_stmt_finalize(s);
	return rc;
}

int ps_store_meta_get(struct ps_store *st, const char *key, char **value)
{
	struct ps_stmt *s;
	const char *text;
	int rc;

	*value = NULL;
	if (key == NULL)
		return ps_store_fail(st, PS_EINVAL, "cannot query 'meta': no key");
	rc = ps_store_prepare(st, "SELECT value FROM meta WHERE key = ?", &s);
	if (rc != PS_OK)
		return rc;
	rc = ps_store_stmt_bind_text(s, 1, key);
	if (rc != PS_OK)
		goto out;
	rc = ps_store_stmt_step(s);
	if (rc == PS_EOF) {
		rc = ps_store_fail(st, PS_ENOENT, "no meta key '%s'", key);
		goto out;
	}
	if (rc != PS_OK)
		goto out;
	text = ps_store_stmt_column_text(s, 0);
	*value = ps_strdup(PS_MEM_STORE, text != NULL ? text : "");
	if (*value == NULL)
		rc = ps_store_fail(st, PS_ENOMEM, "cannot query 'meta': out of memory");
out:
	ps_store_stmt_finalize(s);
	return rc;
}
