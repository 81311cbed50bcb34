/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals shared by the store's files: the handle, the backend vtable
 * that store_sqlite.c and store_pg.c fill, the statement base struct and
 * the SQL helpers (placeholder rewriting, describing a statement).
 */
#ifndef PS_STORE_INT_H
#define PS_STORE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/store.h"

#define PS_STORE_STMT_CACHE 32
#define PS_STORE_MAX_PARAMS 65535
#define PS_STORE_PART_CACHE 16 /* months remembered per handle */

/*
 * A backend. Every function that can fail records its message with
 * ps_store_fail() and returns a ps_err. `what` strings describe the
 * statement for messages ("insert into 'events'").
 */
struct ps_store_ops {
	const char *name;
	bool dollar_params; /* rewrite `?` to $n */
	int (*open)(struct ps_store *st, const char *spec,
		    const struct ps_store_settings *s, struct ps_diag *d);
	void (*close)(struct ps_store *st);
	int (*exec)(struct ps_store *st, const char *sql, const char *what);
	const char *begin_sql; /* outermost BEGIN */
	/* Allocate a statement (base first member) for backend-ready SQL. */
	int (*prepare)(struct ps_store *st, const char *sql, int nparams,
		       const char *what, struct ps_stmt **out);
	void (*destroy)(struct ps_stmt *s);
	int (*bind_int64)(struct ps_stmt *s, int idx, int64_t v);
	int (*bind_double)(struct ps_stmt *s, int idx, double v);
	int (*bind_text)(struct ps_stmt *s, int idx, const char *v);
	int (*bind_blob)(struct ps_stmt *s, int idx, const void *p, size_t n);
	int (*bind_null)(struct ps_stmt *s, int idx);
	void (*clear_bindings)(struct ps_stmt *s);
	int (*step)(struct ps_stmt *s);
	void (*reset)(struct ps_stmt *s);
	int (*column_count)(const struct ps_stmt *s);
	const char *(*column_name)(const struct ps_stmt *s, int col);
	bool (*column_is_null)(const struct ps_stmt *s, int col);
	int64_t (*column_int64)(const struct ps_stmt *s, int col);
	double (*column_double)(const struct ps_stmt *s, int col);
	const char *(*column_text)(const struct ps_stmt *s, int col);
	const void *(*column_blob)(struct ps_stmt *s, int col, size_t *n);
	/* One row, one column: 1 if the table named by ? exists, else 0. */
	const char *table_exists_sql;
	/* Run inside a migration's transaction to serialise migrators. */
	const char *migrate_lock_sql;
	bool partitions; /* events is partitioned by month */
};

extern const struct ps_store_ops ps_store_sqlite_ops;
extern const struct ps_store_ops ps_store_pg_ops;

/*
 * A prepared statement. Backends embed it as the first member of their
 * own struct. Invariant: a statement is either handed out to a caller or
 * sitting idle (reset, bindings cleared) in its store's cache, never both.
 */
struct ps_stmt {
	struct ps_store *st;
	char *sql;         /* the caller's text: the cache key */
	uint32_t hash;     /* of sql */
	int nparams;
	int64_t changes;   /* after the last PS_EOF step of a write */
	bool busy;         /* stepped to a row: reset before binding */
	bool done;         /* stepped to PS_EOF: reset before stepping */
	char what[96];     /* "insert into 'events'" */
};

/* An open database. */
struct ps_store {
	const struct ps_store_ops *ops;
	void *impl;              /* backend connection state */
	struct ps_store_settings set; /* copy; strings point into `owned` */
	char *owned_schema;
	int tx_depth;
	bool closing;            /* skip per-statement server cleanup */
	struct ps_diag err;
	/* Idle statements, FIFO-evicted when full. */
	struct ps_stmt *cache[PS_STORE_STMT_CACHE];
	unsigned cache_next;
	/*
	 * PostgreSQL: months (year * 12 + month - 1, never 0 for a year from
	 * 1970; 0 = empty slot) whose events partition this handle saw exist
	 * outside any transaction, i.e. committed, so batch inserts skip the
	 * catalog query for them. FIFO-evicted. A partition dropped behind the
	 * handle's back only costs partitioning: its rows go to events_default.
	 */
	int32_t part_months[PS_STORE_PART_CACHE];
	unsigned part_next;
};

/* Record a formatted message on st (and return rc). */
int ps_store_fail(struct ps_store *st, int rc, const char *fmt, ...)
	PS_PRINTF(3, 4);

/* Roll back one level after an error, keeping the error's message. */
void ps_store_rollback_quiet(struct ps_store *st);

/*
 * Copy `sql` into a new string (ps_free) with each `?` outside literals,
 * quoted identifiers and comments (block comments nest, as in PostgreSQL)
 * replaced by $1, $2...; *nparams gets the highest parameter number
 * (counting $n already present). PS_ELIMIT over PS_STORE_MAX_PARAMS,
 * PS_ENOMEM.
 */
int ps_store_sql_dollar(const char *sql, char **out, int *nparams) PS_MUST_USE;
/* Count `?` placeholders the same way (no rewriting). */
int ps_store_sql_count_params(const char *sql);
/*
 * Describe a statement for messages: "insert into 'events'", "update
 * 'meta'", "delete from 'x'", "query 'events'", else "execute 'CREATE
 * TABLE x ...'" (abridged). Always NUL-terminates `out`.
 */
void ps_store_sql_describe(const char *sql, char *out, size_t outlen);

/* Wall clock in microseconds since the epoch. */
int64_t ps_store_now_us(void);

/* Migrations (store_schema.c): SQL per backend, in version order. */
struct ps_store_migration {
	int version;
	const char *name;
	const char *sqlite;
	const char *pg;
};

extern const struct ps_store_migration ps_store_migrations[];
extern const size_t ps_store_n_migrations;

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant). */
int64_t ps_store_days_from_civil(int64_t y, unsigned m, unsigned d);

#endif
