/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The PostgreSQL backend of the store over libpq: one session per handle,
 * statements prepared server-side under generated names and kept in the
 * store's cache, parameters sent as text (blobs as binary), results read
 * whole. Behind the vtable in store_int.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "core/core.h"
#include "store/store_int.h"

#define BYTEA_OID 17
#define PG_MIN_VERSION 120000

struct pg_conn {
	PGconn *conn;
	unsigned next_id; /* for statement names */
};

/* One bound parameter; the buffer is kept and reused across binds. */
struct pg_param {
	char *p;
	size_t cap;
	int len;
	int fmt; /* 0 text, 1 binary */
	bool null;
};

struct pg_stmt {
	struct ps_stmt base;
	char name[24];
	struct pg_param *params;
	const char **values;
	int *lengths;
	int *formats;
	PGresult *res;
	int row, nrows;
	unsigned char *blob; /* unescaped bytea, PQfreemem */
};

static PGconn *conn_of(const struct ps_store *st)
{
	return ((struct pg_conn *)st->impl)->conn;
}

static struct pg_stmt *pg(const struct ps_stmt *s)
{
	return (struct pg_stmt *)s;
}

/* libpq messages span lines and end in "\n": make them one line. */
static void one_line(char *dst, size_t n, const char *src)
{
	size_t o = 0;
	bool space = false;

	for (; src != NULL && *src != '\0' && o + 1 < n; src++) {
		if (*src == '\n' || *src == '\t' || *src == '\r' || *src == ' ') {
			space = o > 0;
			continue;
		}
		if (space && o + 2 < n)
			dst[o++] = ' ';
		space = false;
		dst[o++] = *src;
	}
	dst[o] = '\0';
}

static int fail_res(struct ps_store *st, const PGresult *res, const char *what)
{
	const char *msg = NULL;
	char line[400];

	if (res != NULL)
		msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	if (msg == NULL)
		msg = PQerrorMessage(conn_of(st));
	one_line(line, sizeof(line), msg);
	return ps_store_fail(st, res == NULL && PQstatus(conn_of(st)) == CONNECTION_OK
					 ? PS_ENOMEM
					 : PS_EDB,
			     "cannot %s: %s", what, line[0] ? line : "unknown error");
}

static void quiet_notices(void *arg, const char *message)
{
	(void)arg;
	(void)message; /* "relation already exists, skipping" and the like */
}

static int run(PGconn *c, const char *sql, char *err, size_t errlen)
{
	PGresult *res = PQexec(c, sql);
	ExecStatusType status = PQresultStatus(res);
	int rc = PS_OK;

	if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
		one_line(err, errlen, res != NULL
				  ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY)
				  : PQerrorMessage(c));
		rc = PS_EDB;
	}
	PQclear(res);
	return rc;
}

/* Per-session settings: statement timeout and search_path. */
static int session_setup(PGconn *c, const struct ps_store_settings *set,
			 struct ps_diag *d)
{
	char sql[160], err[400];
	char *ident;
	int rc;

	snprintf(sql, sizeof(sql), "SET statement_timeout = %lld",
		 (long long)set->statement_timeout_ms);
	rc = run(c, sql, err, sizeof(err));
	if (rc == PS_OK && set->pg_schema != NULL && set->pg_schema[0] != '\0') {
		ident = PQescapeIdentifier(c, set->pg_schema, strlen(set->pg_schema));
		if (ident == NULL) {
			ps_diag_set(d, "cannot use schema '%s': out of memory",
				    set->pg_schema);
			return PS_ENOMEM;
		}
		snprintf(sql, sizeof(sql), "SET search_path TO %s", ident);
		PQfreemem(ident);
		rc = run(c, sql, err, sizeof(err));
	}
	if (rc != PS_OK)
		ps_diag_set(d, "cannot set up PostgreSQL session: %s", err);
	return rc;
}

static int pg_open(struct ps_store *st, const char *spec,
		   const struct ps_store_settings *set, struct ps_diag *d)
{
	/* Keys before dbname may be overridden by the spec, keys after not. */
	const char *keys[] = {"connect_timeout", "fallback_application_name",
			      "dbname", "client_encoding", NULL};
	const char *vals[] = {"10", "panshi", spec, "UTF8", NULL};
	struct pg_conn *pc;
	char line[400];
	PGconn *c;
	int rc = PS_OK, ver;

	pc = ps_calloc(PS_MEM_STORE, 1, sizeof(*pc));
	if (pc == NULL) {
		ps_diag_set(d, "cannot connect to PostgreSQL: out of memory");
		return PS_ENOMEM;
	}
	c = PQconnectdbParams(keys, vals, 1);
	if (c == NULL || PQstatus(c) != CONNECTION_OK) {
		one_line(line, sizeof(line), c != NULL ? PQerrorMessage(c)
						       : "out of memory");
		ps_diag_set(d, "cannot connect to PostgreSQL database '%s': %s",
			    c != NULL && PQdb(c) != NULL ? PQdb(c) : "?", line);
		rc = c == NULL ? PS_ENOMEM : PS_EDB;
		goto out;
	}
	PQsetNoticeProcessor(c, quiet_notices, NULL);
	ver = PQserverVersion(c);
	if (ver < PG_MIN_VERSION) {
		ps_diag_set(d, "cannot use PostgreSQL %d.%d: panshi needs 12 "
			    "or later", ver / 10000, ver % 10000 / 100);
		rc = PS_EUNSUP;
		goto out;
	}
	rc = session_setup(c, set, d);
out:
	if (rc != PS_OK) {
		PQfinish(c);
		ps_free(pc);
		return rc;
	}
	pc->conn = c;
	st->impl = pc;
	return PS_OK;
}

static void pg_close(struct ps_store *st)
{
	struct pg_conn *pc = st->impl;

	PQfinish(pc->conn);
	ps_free(pc);
	st->impl = NULL;
}

static int pg_exec(struct ps_store *st, const char *sql, const char *what)
{
	PGresult *res = PQexec(conn_of(st), sql);
	ExecStatusType status = PQresultStatus(res);
	int rc = PS_OK;

	if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
		rc = fail_res(st, res, what);
	else if (strcmp(sql, "COMMIT") == 0 &&
		 strcmp(PQcmdStatus(res), "ROLLBACK") == 0)
		rc = ps_store_fail(st, PS_EDB, "cannot %s: an earlier error "
				   "aborted it and it was rolled back", what);
	PQclear(res);
	return rc;
}

static void stmt_free(struct pg_stmt *q)
{
	if (q->params != NULL)
		for (int i = 0; i < q->base.nparams; i++)
			ps_free(q->params[i].p);
	ps_free(q->params);
	ps_free(q->values);
	ps_free(q->lengths);
	ps_free(q->formats);
	ps_free(q);
}

static struct pg_stmt *stmt_alloc(int nparams)
{
	struct pg_stmt *q = ps_calloc(PS_MEM_STORE, 1, sizeof(*q));
	size_t n = nparams > 0 ? (size_t)nparams : 1;

	if (q == NULL)
		return NULL;
	q->base.nparams = nparams;
	q->params = ps_calloc(PS_MEM_STORE, n, sizeof(*q->params));
	q->values = ps_calloc(PS_MEM_STORE, n, sizeof(*q->values));
	q->lengths = ps_calloc(PS_MEM_STORE, n, sizeof(*q->lengths));
	q->formats = ps_calloc(PS_MEM_STORE, n, sizeof(*q->formats));
	if (q->params == NULL || q->values == NULL || q->lengths == NULL ||
	    q->formats == NULL) {
		stmt_free(q);
		return NULL;
	}
	for (int i = 0; i < nparams; i++)
		q->params[i].null = true;
	q->row = -1;
	return q;
}

static int pg_prepare(struct ps_store *st, const char *sql, int nparams,
		      const char *what, struct ps_stmt **out)
{
	struct pg_conn *pc = st->impl;
	struct pg_stmt *q;
	PGresult *res;
	int rc = PS_OK;

	*out = NULL;
	q = stmt_alloc(nparams);
	if (q == NULL)
		return ps_store_fail(st, PS_ENOMEM, "cannot %s: out of memory",
				     what);
	snprintf(q->name, sizeof(q->name), "ps_%u", pc->next_id++);
	res = PQprepare(pc->conn, q->name, sql, nparams, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = fail_res(st, res, what);
	PQclear(res);
	if (rc != PS_OK) {
		stmt_free(q);
		return rc;
	}
	*out = &q->base;
	return PS_OK;
}

static void pg_reset(struct ps_stmt *s)
{
	struct pg_stmt *q = pg(s);

	PQclear(q->res);
	q->res = NULL;
	PQfreemem(q->blob);
	q->blob = NULL;
	q->row = -1;
	q->nrows = 0;
}

static void pg_destroy(struct ps_stmt *s)
{
	struct pg_stmt *q = pg(s);
	char sql[48];

	pg_reset(s);
	if (!s->st->closing) {
		snprintf(sql, sizeof(sql), "DEALLOCATE %s", q->name);
		PQclear(PQexec(conn_of(s->st), sql));
	}
	stmt_free(q);
}

/* Make room for n bytes in parameter idx and mark it bound. */
static struct pg_param *param(struct ps_stmt *s, int idx, size_t n)
{
	struct pg_param *p = &pg(s)->params[idx - 1];

	if (n > p->cap) {
		size_t cap = n < 32 ? 32 : n;
		char *b = ps_realloc(PS_MEM_STORE, p->p, cap);

		if (b == NULL) {
			ps_store_fail(s->st, PS_ENOMEM, "cannot %s: out of memory",
				      s->what);
			return NULL;
		}
		p->p = b;
		p->cap = cap;
	}
	p->null = false;
	p->fmt = 0;
	return p;
}

static int pg_bind_int64(struct ps_stmt *s, int idx, int64_t v)
{
	struct pg_param *p = param(s, idx, 32);

	if (p == NULL)
		return PS_ENOMEM;
	p->len = snprintf(p->p, p->cap, "%lld", (long long)v);
	return PS_OK;
}

static int pg_bind_double(struct ps_stmt *s, int idx, double v)
{
	struct pg_param *p = param(s, idx, 32);

	if (p == NULL)
		return PS_ENOMEM;
	if (v != v)
		p->len = snprintf(p->p, p->cap, "NaN");
	else if (v > 1.7976931348623157e308 || v < -1.7976931348623157e308)
		p->len = snprintf(p->p, p->cap, "%sInfinity", v < 0 ? "-" : "");
	else
		p->len = snprintf(p->p, p->cap, "%.17g", v);
	return PS_OK;
}

static int pg_bind_text(struct ps_stmt *s, int idx, const char *v)
{
	size_t n = strlen(v);
	struct pg_param *p;

	if (n > INT32_MAX - 1)
		return ps_store_fail(s->st, PS_ELIMIT, "cannot %s: text too long",
				     s->what);
	p = param(s, idx, n + 1);
	if (p == NULL)
		return PS_ENOMEM;
	memcpy(p->p, v, n + 1);
	p->len = (int)n;
	return PS_OK;
}

static int pg_bind_blob(struct ps_stmt *s, int idx, const void *v, size_t n)
{
	struct pg_param *p = param(s, idx, n + 1);

	if (p == NULL)
		return PS_ENOMEM;
	memcpy(p->p, v, n);
	p->len = (int)n;
	p->fmt = 1;
	return PS_OK;
}

static int pg_bind_null(struct ps_stmt *s, int idx)
{
	pg(s)->params[idx - 1].null = true;
	return PS_OK;
}

static void pg_clear_bindings(struct ps_stmt *s)
{
	for (int i = 0; i < s->nparams; i++)
		pg(s)->params[i].null = true;
}

static int64_t cmd_tuples(PGresult *res)
{
	const char *status = PQcmdStatus(res);

	if (strncmp(status, "SELECT", 6) == 0)
		return 0;
	return strtoll(PQcmdTuples(res), NULL, 10);
}

/* Send the statement with its parameters and keep the whole result. */
static int execute(struct ps_stmt *s)
{
	struct pg_stmt *q = pg(s);
	ExecStatusType status;

	for (int i = 0; i < s->nparams; i++) {
		struct pg_param *p = &q->params[i];

		q->values[i] = p->null ? NULL : p->p;
		q->lengths[i] = p->null ? 0 : p->len;
		q->formats[i] = p->null ? 0 : p->fmt;
	}
	q->res = PQexecPrepared(conn_of(s->st), q->name, s->nparams, q->values,
				q->lengths, q->formats, 0);
	status = PQresultStatus(q->res);
	if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
		int rc = fail_res(s->st, q->res, s->what);

		PQclear(q->res);
		q->res = NULL;
		return rc;
	}
	q->nrows = status == PGRES_TUPLES_OK ? PQntuples(q->res) : 0;
	q->row = -1;
	return PS_OK;
}

static int pg_step(struct ps_stmt *s)
{
	struct pg_stmt *q = pg(s);
	int rc;

	if (q->res == NULL) {
		rc = execute(s);
		if (rc != PS_OK)
			return rc;
	}
	PQfreemem(q->blob);
	q->blob = NULL;
	if (q->row + 1 < q->nrows) {
		q->row++;
		return PS_OK;
	}
	q->row = q->nrows;
	s->changes = cmd_tuples(q->res);
	return PS_EOF;
}

static bool have_row(const struct ps_stmt *s)
{
	const struct pg_stmt *q = pg(s);

	return q->res != NULL && q->row >= 0 && q->row < q->nrows;
}

static int pg_column_count(const struct ps_stmt *s)
{
	return pg(s)->res != NULL ? PQnfields(pg(s)->res) : 0;
}

static const char *pg_column_name(const struct ps_stmt *s, int col)
{
	return PQfname(pg(s)->res, col);
}

static bool pg_column_is_null(const struct ps_stmt *s, int col)
{
	return !have_row(s) || PQgetisnull(pg(s)->res, pg(s)->row, col);
}

static const char *pg_column_text(const struct ps_stmt *s, int col)
{
	if (pg_column_is_null(s, col))
		return NULL;
	return PQgetvalue(pg(s)->res, pg(s)->row, col);
}

static int64_t pg_column_int64(const struct ps_stmt *s, int col)
{
	const char *v = pg_column_text(s, col);

	if (v == NULL)
		return 0;
	if (strcmp(v, "t") == 0)
		return 1;
	return strtoll(v, NULL, 10);
}

static double pg_column_double(const struct ps_stmt *s, int col)
{
	const char *v = pg_column_text(s, col);

	return v != NULL ? strtod(v, NULL) : 0.0;
}

static const void *pg_column_blob(struct ps_stmt *s, int col, size_t *n)
{
	struct pg_stmt *q = pg(s);
	const char *v = pg_column_text(s, col);

	if (v == NULL)
		return NULL;
	if (PQftype(q->res, col) != BYTEA_OID) {
		*n = (size_t)PQgetlength(q->res, q->row, col);
		return v;
	}
	PQfreemem(q->blob);
	q->blob = PQunescapeBytea((const unsigned char *)v, n);
	if (q->blob == NULL)
		*n = 0;
	return q->blob;
}

const struct ps_store_ops ps_store_pg_ops = {
	.name = "postgresql",
	.dollar_params = true,
	.open = pg_open,
	.close = pg_close,
	.exec = pg_exec,
	.begin_sql = "BEGIN",
	.prepare = pg_prepare,
	.destroy = pg_destroy,
	.bind_int64 = pg_bind_int64,
	.bind_double = pg_bind_double,
	.bind_text = pg_bind_text,
	.bind_blob = pg_bind_blob,
	.bind_null = pg_bind_null,
	.clear_bindings = pg_clear_bindings,
	.step = pg_step,
	.reset = pg_reset,
	.column_count = pg_column_count,
	.column_name = pg_column_name,
	.column_is_null = pg_column_is_null,
	.column_int64 = pg_column_int64,
	.column_double = pg_column_double,
	.column_text = pg_column_text,
	.column_blob = pg_column_blob,
	.table_exists_sql = "SELECT count(*) FROM pg_catalog.pg_class c "
			    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
			    "WHERE n.nspname = current_schema() AND c.relname = ?",
	/* Arbitrary constant: "PSMG". */
	.migrate_lock_sql = "SELECT pg_advisory_xact_lock(1347636551)",
	.partitions = true,
};
