/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The migration runner: brings a database from its recorded version to
 * the latest in store_schema.c, one transaction per migration, and refuses
 * databases written by a newer program.
 */
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "store/store.h"
#include "store/store_int.h"

static const char bootstrap_sql[] =
	"CREATE TABLE IF NOT EXISTS schema_migrations (\n"
	"	version INTEGER PRIMARY KEY,\n"
	"	name TEXT NOT NULL,\n"
	"	applied_at BIGINT NOT NULL\n"
	")";

int ps_store_schema_latest(void)
{
	return ps_store_migrations[ps_store_n_migrations - 1].version;
}

/* Run a one-row, one-integer query with an optional text parameter. */
static int query_int(struct ps_store *st, const char *sql, const char *arg,
		     int64_t *v)
{
	struct ps_stmt *s;
	int rc;

	*v = 0;
	rc = ps_store_prepare(st, sql, &s);
	if (rc != PS_OK)
		return rc;
	if (arg != NULL && (rc = ps_store_stmt_bind_text(s, 1, arg)) != PS_OK)
		goto out;
	rc = ps_store_stmt_step(s);
	if (rc == PS_OK)
		*v = ps_store_stmt_column_int64(s, 0);
	else if (rc == PS_EOF)
		rc = PS_OK;
out:
	ps_store_stmt_finalize(s);
	return rc;
}

int ps_store_schema_version(struct ps_store *st, int *v)
{
	int64_t n;
	int rc;

	*v = 0;
	rc = query_int(st, st->ops->table_exists_sql, "schema_migrations", &n);
	if (rc != PS_OK || n == 0)
		return rc;
	rc = query_int(st, "SELECT COALESCE(MAX(version), 0) "
		       "FROM schema_migrations", NULL, &n);
	if (rc == PS_OK)
		*v = (int)n;
	return rc;
}

/* Open a transaction that no other migrator can run concurrently with. */
static int begin_locked(struct ps_store *st)
{
	int rc = ps_store_begin(st);

	if (rc == PS_OK && st->ops->migrate_lock_sql != NULL) {
		rc = st->ops->exec(st, st->ops->migrate_lock_sql,
				   "lock schema_migrations");
		if (rc != PS_OK)
			ps_store_rollback_quiet(st);
	}
	return rc;
}

static int record(struct ps_store *st, const struct ps_store_migration *m)
{
	struct ps_stmt *s;
	int rc;

	rc = ps_store_prepare(st, "INSERT INTO schema_migrations "
			      "(version, name, applied_at) VALUES (?, ?, ?)",
			      &s);
	if (rc != PS_OK)
		return rc;
	if ((rc = ps_store_stmt_bind_int64(s, 1, m->version)) == PS_OK &&
	    (rc = ps_store_stmt_bind_text(s, 2, m->name)) == PS_OK &&
	    (rc = ps_store_stmt_bind_int64(s, 3, ps_store_now_us())) == PS_OK)
		rc = ps_store_stmt_step(s);
	ps_store_stmt_finalize(s);
	return rc == PS_EOF ? PS_OK : rc;
}

/* Apply m unless a concurrent migrator already did. */
static int apply_one(struct ps_store *st, const struct ps_store_migration *m)
{
	const char *sql = st->ops->partitions ? m->pg : m->sqlite;
	char what[64];
	int rc, v;

	rc = begin_locked(st);
	if (rc != PS_OK)
		return rc;
	rc = ps_store_schema_version(st, &v);
	if (rc != PS_OK || v >= m->version)
		goto out;
	snprintf(what, sizeof(what), "apply migration %d", m->version);
	rc = st->ops->exec(st, sql, what);
	if (rc == PS_OK)
		rc = record(st, m);
out:
	if (rc == PS_OK)
		return ps_store_commit(st);
	ps_store_rollback_quiet(st);
	return rc;
}

static int bootstrap(struct ps_store *st)
{
	int rc = begin_locked(st);

	if (rc != PS_OK)
		return rc;
	rc = st->ops->exec(st, bootstrap_sql, "create table 'schema_migrations'");
	if (rc != PS_OK) {
		ps_store_rollback_quiet(st);
		return rc;
	}
	return ps_store_commit(st);
}

int ps_store_migrate(struct ps_store *st, int *from, int *to, struct ps_diag *d)
{
	int rc, cur = 0, latest = ps_store_schema_latest();

	if (st->tx_depth > 0) {
		rc = ps_store_fail(st, PS_EINVAL, "cannot migrate inside a "
				   "transaction");
		goto out;
	}
	rc = ps_store_schema_version(st, &cur);
	if (rc != PS_OK)
		goto out;
	if (from != NULL)
		*from = cur;
	if (cur > latest) {
		rc = ps_store_fail(st, PS_EUNSUP, "database schema version %d "
				   "is newer than this panshi knows (%d): "
				   "upgrade panshi", cur, latest);
		goto out;
	}
	if (cur == 0 && (rc = bootstrap(st)) != PS_OK)
		goto out;
	for (size_t i = 0; i < ps_store_n_migrations; i++) {
		const struct ps_store_migration *m = &ps_store_migrations[i];

		if (m->version <= cur)
			continue;
		rc = apply_one(st, m);
		if (rc != PS_OK)
			goto out;
		cur = m->version;
	}
out:
	if (to != NULL)
		*to = cur;
	if (rc != PS_OK)
		ps_diag_set(d, "%s", st->err.msg);
	return rc;
}
