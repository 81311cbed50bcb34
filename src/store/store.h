/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The store: one interface over an embedded SQLite database (the default,
 * one file per deployment) and PostgreSQL through libpq (many sensors and
 * console users), with numbered migrations, transactions, a small portable
 * statement API for the modules above, a key-value meta table and events.
 *
 * Threads: a `struct ps_store` and its statements belong to one thread at a
 * time; open one handle per thread. Nothing here keeps global state.
 *
 * Errors: functions return enum ps_err. Every database failure returns
 * PS_EDB and leaves a message such as "cannot insert into 'events': UNIQUE
 * constraint failed: meta.key" readable with ps_store_errmsg() until the
 * next call on the handle. User values only ever reach SQL through bound
 * parameters.
 *
 * SQL dialect, as written by modules using ps_store_prepare() (see also
 * store_schema.c for DDL):
 *  - Placeholders are `?`, numbered left to right; on PostgreSQL they are
 *    rewritten to $1..$n outside string literals, quoted identifiers and
 *    comments. `?` is therefore never a jsonb operator: use jsonb_exists().
 *  - Both accept INSERT ... ON CONFLICT (col) DO UPDATE SET c = excluded.c,
 *    and INSERT/UPDATE/DELETE ... RETURNING (SQLite >= 3.35).
 *  - Auto ids: `INTEGER PRIMARY KEY` on SQLite, `BIGSERIAL PRIMARY KEY` on
 *    PostgreSQL (DDL only differs per backend; DML is shared). Read new ids
 *    with RETURNING id.
 *  - Times are int64 microseconds since the Unix epoch (UTC) in BIGINT
 *    columns on both backends, so range queries are identical.
 *  - JSON is TEXT checked by json_valid() on SQLite and JSONB on
 *    PostgreSQL: it comes back equivalent, not byte-identical (PostgreSQL
 *    normalises key order and spacing).
 *  - Booleans: store 0/1 integers; column_int64() also maps PostgreSQL
 *    't'/'f' to 1/0.
 *  - Text must be valid UTF-8 (PostgreSQL rejects anything else) and cannot
 *    hold NUL; use blobs (BLOB / BYTEA) for bytes.
 *  - LIMIT needs a value on both: bind INT64_MAX for "no limit" when an
 *    OFFSET is wanted.
 *  - After an error inside a transaction PostgreSQL refuses further
 *    statements until rollback; always roll back on error.
 */
#ifndef PS_STORE_H
#define PS_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/conf.h"

struct ps_store;
struct ps_stmt;

/*
 * Settings of the "store:" config section. Strings are owned by the
 * struct ps_conf they were loaded into (or NULL after
 * ps_store_settings_default()); ps_store_open() copies what it keeps.
 */
struct ps_store_settings {
	char *db;                     /* spec, see ps_store_open() */
	int64_t busy_timeout_ms;      /* SQLite: wait this long for a lock */
	int64_t batch_size;           /* events buffered per batch insert */
	int64_t statement_timeout_ms; /* PostgreSQL: 0 = none */
	int64_t event_retention_days; /* purge events older than this */
	char *pg_schema;              /* PostgreSQL: search_path; "" = default */
};

extern const struct ps_conf_section ps_store_conf_section;

/* Fill `s` with the built-in defaults (db and pg_schema NULL). */
void ps_store_settings_default(struct ps_store_settings *s);

/*
 * Open a database. `spec` is
 *  - "postgresql://..." or "postgres://..." (libpq URI), or a libpq
 *    key=value conninfo whose first word is a libpq keyword
 *    ("host=db1 dbname=panshi"): PostgreSQL >= 12;
 *  - anything else is a SQLite file path (":memory:" for a private
 *    in-memory database); a "sqlite:" prefix forces SQLite.
 * `s` may be NULL for the defaults; it is borrowed for the call only.
 * SQLite is opened with WAL (except :memory:), foreign_keys=ON,
 * synchronous=NORMAL and s->busy_timeout_ms. PostgreSQL sessions use
 * client_encoding UTF8, application_name "panshi" unless the spec names
 * one, statement_timeout and search_path from the settings.
 * Opening does not migrate: call ps_store_migrate().
 * On success *out is a handle the caller closes with ps_store_close().
 * Returns PS_OK, PS_EINVAL (empty spec), PS_EDB (cannot open or connect;
 * `d` says why without echoing passwords), PS_EUNSUP (server too old) or
 * PS_ENOMEM.
 */
int ps_store_open(const char *spec, const struct ps_store_settings *s,
		  struct ps_store **out, struct ps_diag *d) PS_MUST_USE;

/*
 * Close the handle and everything it caches; NULL is a no-op. Statements
 * handed out by ps_store_prepare() must be finalized before. An open
 * transaction is rolled back.
 */
void ps_store_close(struct ps_store *st);

/* "sqlite" or "postgresql". */
const char *ps_store_backend_name(const struct ps_store *st);

/* Message of the last failure on `st` ("" if none); borrowed. */
const char *ps_store_errmsg(const struct ps_store *st);

/*
 * Apply every numbered migration newer than the database's version, each
 * in its own transaction that also records it in schema_migrations
 * (version, name, applied_at). Idempotent; concurrent migrators serialise
 * (SQLite write lock, PostgreSQL advisory lock). *from and *to (either may
 * be NULL) receive the versions before and after. Returns PS_OK, PS_EDB
 * (a migration failed and was rolled back; earlier ones stay), PS_EUNSUP
 * (the database is newer than this program: nothing is changed) or
 * PS_ENOMEM, with the reason in `d` and ps_store_errmsg().
 */
int ps_store_migrate(struct ps_store *st, int *from, int *to,
		     struct ps_diag *d) PS_MUST_USE;

/* Current schema version of the database (0 = never migrated). */
int ps_store_schema_version(struct ps_store *st, int *v) PS_MUST_USE;

/* Highest migration this program knows. */
int ps_store_schema_latest(void);

/*
 * Transactions. Calls nest: an inner begin opens a savepoint that the
 * matching commit releases and rollback undoes. A failed commit rolls
 * back. Returns PS_OK, PS_EDB, or PS_EINVAL for commit/rollback without
 * a begin.
 */
int ps_store_begin(struct ps_store *st) PS_MUST_USE;
int ps_store_commit(struct ps_store *st) PS_MUST_USE;
int ps_store_rollback(struct ps_store *st) PS_MUST_USE;
/* Number of open begin() calls. */
int ps_store_tx_depth(const struct ps_store *st);

/*
 * Run SQL without parameters (one or more statements, e.g. DDL). Never
 * pass user input here: use ps_store_prepare() and bind it.
 */
int ps_store_exec(struct ps_store *st, const char *sql) PS_MUST_USE;

/*
 * Prepare `sql` (placeholders `?`). Statements are cached per handle by
 * their text: preparing the same text again after finalizing is cheap
 * (SQLite keeps the sqlite3_stmt, PostgreSQL the named server-side
 * statement). *out is owned by the caller until ps_store_stmt_finalize().
 * Returns PS_OK, PS_EDB (syntax, unknown table...), PS_ELIMIT (more than
 * 65535 placeholders) or PS_ENOMEM.
 */
int ps_store_prepare(struct ps_store *st, const char *sql,
		     struct ps_stmt **out) PS_MUST_USE;

/*
 * Bind parameter `idx` (1-based). Values are copied. Bindings survive
 * reset until rebound or cleared. Return PS_OK, PS_EINVAL (index out of
 * range, or the statement is mid-iteration: reset first), PS_ENOMEM.
 */
int ps_store_stmt_bind_int64(struct ps_stmt *s, int idx, int64_t v) PS_MUST_USE;
int ps_store_stmt_bind_double(struct ps_stmt *s, int idx, double v) PS_MUST_USE;
/* `v` NULL binds NULL. */
int ps_store_stmt_bind_text(struct ps_stmt *s, int idx, const char *v) PS_MUST_USE;
int ps_store_stmt_bind_blob(struct ps_stmt *s, int idx, const void *p,
			    size_t n) PS_MUST_USE;
int ps_store_stmt_bind_null(struct ps_stmt *s, int idx) PS_MUST_USE;
void ps_store_stmt_clear_bindings(struct ps_stmt *s);

/*
 * Run or advance the statement: PS_OK when a row is available, PS_EOF
 * when done, PS_EDB on failure (message in ps_store_errmsg()). On
 * PostgreSQL the whole result is fetched by the first step, so another
 * statement may run between steps on both backends; page large results
 * with LIMIT.
 */
int ps_store_stmt_step(struct ps_stmt *s) PS_MUST_USE;
/* Make the statement runnable again; keeps the bindings. */
void ps_store_stmt_reset(struct ps_stmt *s);
/* Rows changed by the last INSERT/UPDATE/DELETE that stepped to PS_EOF. */
int64_t ps_store_stmt_changes(const struct ps_stmt *s);

/*
 * Columns of the current row (0-based). Text and blob pointers are
 * borrowed until the next step, reset or finalize; column_text() returns
 * NULL for NULL, numbers read as 0 when NULL or not numeric. Column
 * count and names are reliable once a step returned a row (PostgreSQL
 * learns them only by executing); out-of-range columns read as NULL.
 */
int ps_store_stmt_column_count(const struct ps_stmt *s);
const char *ps_store_stmt_column_name(const struct ps_stmt *s, int col);
bool ps_store_stmt_column_is_null(const struct ps_stmt *s, int col);
int64_t ps_store_stmt_column_int64(const struct ps_stmt *s, int col);
double ps_store_stmt_column_double(const struct ps_stmt *s, int col);
const char *ps_store_stmt_column_text(const struct ps_stmt *s, int col);
const void *ps_store_stmt_column_blob(struct ps_stmt *s, int col, size_t *n);

/* Give the statement back (to the cache); NULL is a no-op. */
void ps_store_stmt_finalize(struct ps_stmt *s);

/*
 * Prepare `sql` and bind one argument per letter of `types`, from 1:
 * 't' a const char * (NULL binds NULL), 'i' an int64_t, 'n' an int64_t
 * that binds NULL when 0. On error nothing is left to finalize.
 */
int ps_store_prepare_args(struct ps_store *st, struct ps_stmt **out, const char *sql,
			  const char *types, ...) PS_MUST_USE;
/*
 * The same, then run a statement that returns no rows and finalize it;
 * *changes (may be NULL) receives the rows changed. A row is PS_EINVAL.
 */
int ps_store_run(struct ps_store *st, int64_t *changes, const char *sql,
		 const char *types, ...) PS_MUST_USE;

/*
 * Key-value meta table (deployment id, "policy loaded", ...). set inserts
 * or overwrites and stamps updated_at. get returns a copy in *value that
 * the caller frees with ps_free(), or PS_ENOENT when the key is absent.
 */
int ps_store_meta_set(struct ps_store *st, const char *key,
		      const char *value) PS_MUST_USE;
int ps_store_meta_get(struct ps_store *st, const char *key,
		      char **value) PS_MUST_USE;

/*
 * One event, in the shape of a Suricata EVE record. Strings are borrowed
 * (NULL = absent, stored as NULL). Numbers use 0 for "absent": ports 0 for
 * port-less protocols, flow_id 0 when unknown, severity 0 for non-alert
 * events. severity follows Suricata: 1 is the highest, then 2, 3, 4...
 * (classification.config priorities 1..4; anything up to 255 is kept).
 * `id` is set by queries and ignored on insert.
 */
struct ps_event {
	int64_t id;
	int64_t ts_us;          /* microseconds since the epoch, UTC */
	const char *sensor;     /* which sensor or source produced it */
	const char *event_type; /* EVE: "alert", "dns", "http", "flow", ...; required */
	int severity;
	const char *src_ip;     /* text form, IPv4 or IPv6 */
	int src_port;           /* 0..65535 */
	const char *dest_ip;
	int dest_port;
	const char *proto;      /* "TCP", "UDP", ... */
	const char *app_proto;  /* "dns", "http", "tls", ... */
	int64_t flow_id;
	const char *json;       /* the EVE record or its details, valid JSON */
};

/*
 * Insert `n` events in one transaction (a savepoint when one is open)
 * with cached multi-row prepared statements: all or none. Returns PS_OK,
 * PS_EINVAL (an event without event_type, or a port or severity out of
 * range: named by index), PS_EDB (e.g. invalid JSON) or PS_ENOMEM.
 * On PostgreSQL it first makes sure the monthly partition of every month
 * in the batch exists (ps_store_event_partition_ensure; each creation is
 * committed on its own, and months already seen are cached per handle).
 */
int ps_store_event_batch_insert(struct ps_store *st, const struct ps_event *ev,
				size_t n) PS_MUST_USE;

enum ps_event_order {
	PS_EVENT_ORDER_TS_ASC,  /* oldest first (ties by id) */
	PS_EVENT_ORDER_TS_DESC, /* newest first */
};

/*
 * Which events to count or list. A zeroed filter selects everything in
 * ascending time order. Strings match exactly; NULL means any.
 */
struct ps_event_filter {
	int64_t ts_from_us;     /* ts >= this; 0 = unbounded */
	int64_t ts_to_us;       /* ts < this; 0 = unbounded */
	const char *event_type;
	const char *sensor;
	const char *src_ip;
	const char *dest_ip;
	const char *ip;         /* either src_ip or dest_ip */
	int64_t flow_id;        /* 0 = any */
	int severity_max;       /* 1..n: severity between 1 and this; 0 = any */
	int64_t limit;          /* 0 = no limit (query only) */
	int64_t offset;         /* rows to skip (query only) */
	enum ps_event_order order;
};

/* Number of events matching `f` (limit and offset ignored); f may be NULL. */
int ps_store_event_count(struct ps_store *st, const struct ps_event_filter *f,
			 int64_t *n) PS_MUST_USE;

/*
 * Called once per row; `ev` and its strings are borrowed for the call.
 * Return 0 to continue; anything else stops the query, which returns it.
 */
typedef int (*ps_store_event_fn)(void *arg, const struct ps_event *ev);

/*
 * Call fn for each event matching `f` (may be NULL) in order. Returns
 * PS_OK, the callback's non-zero value, PS_EDB or PS_ENOMEM. The store
 * must not be used from inside the callback on the same statement, but
 * other statements may run there.
 */
int ps_store_event_query(struct ps_store *st, const struct ps_event_filter *f,
			 ps_store_event_fn fn, void *arg) PS_MUST_USE;

/* Delete events with ts < ts_us; *deleted (may be NULL) gets the count. */
int ps_store_event_purge_before(struct ps_store *st, int64_t ts_us,
				int64_t *deleted) PS_MUST_USE;
/* Purge events older than the handle's event_retention_days from now_us. */
int ps_store_event_purge_expired(struct ps_store *st, int64_t now_us,
				 int64_t *deleted) PS_MUST_USE;

/*
 * PostgreSQL: make sure the events table has a partition for the given
 * month (UTC), named events_pYYYYMM, moving any rows of that month out of
 * the default partition. A no-op on SQLite and when it exists. Batch
 * inserts call it; call it directly to create months ahead. Returns
 * PS_OK, PS_EINVAL (year outside 1970..9999, month outside 1..12), PS_EDB.
 */
int ps_store_event_partition_ensure(struct ps_store *st, int year,
				    int month) PS_MUST_USE;

#endif
