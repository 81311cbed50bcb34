/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The events table: batched inserts with cached multi-row statements,
 * filtered count and listing for `panshi event list`, retention purge and,
 * on PostgreSQL, monthly partitions that batch inserts create as their
 * months first appear. Written once against the portable statement API,
 * so both backends run the same SQL.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "store/store.h"
#include "store/store_int.h"

#define EV_COLS 12
#define EV_CHUNK 64 /* rows per multi-row INSERT: 768 parameters */
#define US_PER_DAY INT64_C(86400000000)

static const char insert_head[] =
	"INSERT INTO events (ts, sensor, event_type, severity, src_ip, "
	"src_port, dest_ip, dest_port, proto, app_proto, flow_id, details) "
	"VALUES ";
static const char insert_row[] = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

static const char select_cols[] =
	"SELECT id, ts, sensor, event_type, severity, src_ip, src_port, "
	"dest_ip, dest_port, proto, app_proto, flow_id, details FROM events "
	"WHERE 1 = 1";

/* "INSERT ... VALUES (...), (...)" for `rows` rows, into buf. */
static void insert_sql(char *buf, size_t cap, size_t rows)
{
	size_t o = (size_t)snprintf(buf, cap, "%s", insert_head);

	for (size_t r = 0; r < rows && o < cap; r++)
		o += (size_t)snprintf(buf + o, cap - o, "%s%s", r ? ", " : "",
				      insert_row);
}

static int validate(struct ps_store *st, const struct ps_event *ev, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct ps_event *e = &ev[i];
		const char *bad = NULL;

		if (e->event_type == NULL || e->event_type[0] == '\0')
			bad = "has no event_type";
		else if (e->src_port < 0 || e->src_port > 65535 ||
			 e->dest_port < 0 || e->dest_port > 65535)
			bad = "has a port outside 0..65535";
		else if (e->severity < 0 || e->severity > 255)
			bad = "has a severity outside 0..255";
		if (bad != NULL)
			return ps_store_fail(st, PS_EINVAL, "cannot insert into "
					     "'events': event %zu %s", i, bad);
	}
	return PS_OK;
}

static int bind_event(struct ps_stmt *s, int base, const struct ps_event *e)
{
	int rc;

	if ((rc = ps_store_stmt_bind_int64(s, base + 1, e->ts_us)) != PS_OK ||
	    (rc = ps_store_stmt_bind_text(s, base + 2, e->sensor)) != PS_OK ||
	    (rc = ps_store_stmt_bind_text(s, base + 3, e->event_type)) != PS_OK ||
	    (rc = ps_store_stmt_bind_int64(s, base + 4, e->severity)) != PS_OK ||
	    (rc = ps_store_stmt_bind_text(s, base + 5, e->src_ip)) != PS_OK ||
	    (rc = ps_store_stmt_bind_int64(s, base + 6, e->src_port)) != PS_OK ||
	    (rc = ps_store_stmt_bind_text(s, base + 7, e->dest_ip)) != PS_OK ||
	    (rc = ps_store_stmt_bind_int64(s, base + 8, e->dest_port)) != PS_OK ||
	    (rc = ps_store_stmt_bind_text(s, base + 9, e->proto)) != PS_OK ||
	    (rc = ps_store_stmt_bind_text(s, base + 10, e->app_proto)) != PS_OK ||
	    (rc = ps_store_stmt_bind_int64(s, base + 11, e->flow_id)) != PS_OK)
		return rc;
	return ps_store_stmt_bind_text(s, base + 12, e->json);
}

/* Insert ev[0..n) with statements of `rows` rows each; n % rows == 0. */
static int insert_runs(struct ps_store *st, const struct ps_event *ev,
		       size_t n, size_t rows)
{
	char sql[sizeof(insert_head) + EV_CHUNK * (sizeof(insert_row) + 2)];
	struct ps_stmt *s;
	int rc = PS_OK;

	if (n == 0)
		return PS_OK;
	insert_sql(sql, sizeof(sql), rows);
	rc = ps_store_prepare(st, sql, &s);
	if (rc != PS_OK)
		return rc;
	for (size_t i = 0; i < n && rc == PS_OK; i += rows) {
		for (size_t r = 0; r < rows && rc == PS_OK; r++)
			rc = bind_event(s, (int)(r * EV_COLS), &ev[i + r]);
		if (rc == PS_OK)
			rc = ps_store_stmt_step(s);
		if (rc == PS_EOF)
			rc = PS_OK;
		ps_store_stmt_reset(s);
	}
	ps_store_stmt_finalize(s);
	return rc;
}

static int partition_exists(struct ps_store *st, const char *name, bool *yes)
{
	struct ps_stmt *s;
	int rc;

	*yes = false;
	rc = ps_store_prepare(st, st->ops->table_exists_sql, &s);
	if (rc != PS_OK)
		return rc;
	rc = ps_store_stmt_bind_text(s, 1, name);
	if (rc == PS_OK)
		rc = ps_store_stmt_step(s);
	if (rc == PS_OK) {
		*yes = ps_store_stmt_column_int64(s, 0) > 0;
	} else if (rc == PS_EOF) {
		rc = PS_OK;
	}
	ps_store_stmt_finalize(s);
	return rc;
}

/*
 * Create the partition as a plain table, move the month's rows out of the
 * default partition into it, and attach it. The range CHECK lets
 * PostgreSQL skip scanning the new table on ATTACH; locking the default
 * partition first keeps inserts from landing there in between.
 */
static int partition_create(struct ps_store *st, const char *name,
			    int64_t lo, int64_t hi)
{
	char sql[1024];

	snprintf(sql, sizeof(sql),
		 "CREATE TABLE %s (LIKE events INCLUDING DEFAULTS "
		 "INCLUDING CONSTRAINTS, CONSTRAINT %s_range CHECK "
		 "(ts >= %" PRId64 " AND ts < %" PRId64 "));\n"
		 "INSERT INTO %s SELECT * FROM events_default "
		 "WHERE ts >= %" PRId64 " AND ts < %" PRId64 ";\n"
		 "DELETE FROM events_default WHERE ts >= %" PRId64
		 " AND ts < %" PRId64 ";\n"
		 "ALTER TABLE events ATTACH PARTITION %s "
		 "FOR VALUES FROM (%" PRId64 ") TO (%" PRId64 ")",
		 name, name, lo, hi, name, lo, hi, lo, hi, name, lo, hi);
	return st->ops->exec(st, sql, "create partition of 'events'");
}

/* Key of a month in the handle's partition cache: never 0 from 1970 on. */
static int32_t month_key(int year, int month)
{
	return (int32_t)(year * 12 + month - 1);
}

static bool part_cached(const struct ps_store *st, int32_t key)
{
	for (unsigned i = 0; i < PS_STORE_PART_CACHE; i++)
		if (st->part_months[i] == key)
			return true;
	return false;
}

/* [lo, hi): the month's microseconds, UTC. */
static void month_range(int year, int month, int64_t *lo, int64_t *hi)
{
	*lo = ps_store_days_from_civil(year, (unsigned)month, 1) * US_PER_DAY;
	*hi = ps_store_days_from_civil(month == 12 ? year + 1 : year,
				       month == 12 ? 1u : (unsigned)month + 1, 1) *
	      US_PER_DAY;
}

/*
 * The body of ps_store_event_partition_ensure for a checked month on
 * PostgreSQL. Its own transaction (a savepoint inside the caller's): lock
 * the default partition, check again, create. Remembered in the handle's
 * cache only when no transaction is open afterwards, so the partition is
 * committed: one created under a caller's transaction that is then rolled
 * back must not be skipped by later batches.
 */
static int partition_ensure(struct ps_store *st, int year, int month)
{
	int64_t lo, hi;
	char name[32];
	bool exists;
	int rc;

	month_range(year, month, &lo, &hi);
	snprintf(name, sizeof(name), "events_p%04d%02d", year, month);
	rc = partition_exists(st, name, &exists);
	if (rc != PS_OK)
		return rc;
	if (!exists) {
		rc = ps_store_begin(st);
		if (rc != PS_OK)
			return rc;
		rc = ps_store_exec(st, "LOCK TABLE events_default IN EXCLUSIVE MODE");
		if (rc == PS_OK)
			rc = partition_exists(st, name, &exists);
		if (rc == PS_OK && !exists)
			rc = partition_create(st, name, lo, hi);
		if (rc != PS_OK) {
			ps_store_rollback_quiet(st);
			return rc;
		}
		rc = ps_store_commit(st);
		if (rc != PS_OK)
			return rc;
	}
	if (st->tx_depth == 0 && !part_cached(st, month_key(year, month)))
		st->part_months[st->part_next++ % PS_STORE_PART_CACHE] =
			month_key(year, month);
	return PS_OK;
}

int ps_store_event_partition_ensure(struct ps_store *st, int year, int month)
{
	if (year < 1970 || year > 9999 || month < 1 || month > 12)
		return ps_store_fail(st, PS_EINVAL, "cannot create partition of "
				     "'events': no month %04d-%02d", year, month);
	if (!st->ops->partitions)
		return PS_OK;
	return partition_ensure(st, year, month);
}

/*
 * Before a batch on PostgreSQL: make sure each month in it has its
 * partition. Consecutive events of one month and months in the handle's
 * cache cost a comparison; others one catalog query, and a partition
 * creation when missing. Events before 1970 or after 9999 stay in
 * events_default.
 */
static int batch_partitions(struct ps_store *st, const struct ps_event *ev,
			    size_t n)
{
	int64_t lo = 0, hi = 0; /* the month of the last event looked at */
	struct ps_date d;
	int rc;

	if (!st->ops->partitions)
		return PS_OK;
	for (size_t i = 0; i < n; i++) {
		int64_t ts = ev[i].ts_us;

		if (ts >= lo && ts < hi)
			continue;
		if (ts < 0 || ps_date_from_time_us(ts, PS_TZ_UTC, &d) != PS_OK)
			continue;
		month_range(d.year, d.month, &lo, &hi);
		if (part_cached(st, month_key(d.year, d.month)))
			continue;
		rc = partition_ensure(st, d.year, d.month);
		if (rc != PS_OK)
			return rc;
	}
	return PS_OK;
}

int ps_store_event_batch_insert(struct ps_store *st, const struct ps_event *ev,
				size_t n)
{
	size_t full = n - n % EV_CHUNK;
	int rc;

	if (n == 0)
		return PS_OK;
	rc = validate(st, ev, n);
	if (rc == PS_OK)
		rc = batch_partitions(st, ev, n);
	if (rc != PS_OK)
		return rc;
	rc = ps_store_begin(st);
	if (rc != PS_OK)
		return rc;
	rc = insert_runs(st, ev, full, EV_CHUNK);
	if (rc == PS_OK)
		rc = insert_runs(st, ev + full, n - full, 1);
	if (rc == PS_OK)
		return ps_store_commit(st);
	ps_store_rollback_quiet(st);
	return rc;
}

/* A WHERE clause of fixed fragments and the values to bind to it. */
struct where {
	char sql[512];
	size_t len;
	int n;
	struct {
		const char *text;
		int64_t i;
	} p[12];
};

static void where_int(struct where *w, const char *frag, int64_t v)
{
	w->len += (size_t)snprintf(w->sql + w->len, sizeof(w->sql) - w->len,
				   "%s", frag);
	w->p[w->n].text = NULL;
	w->p[w->n++].i = v;
}

static void where_text(struct where *w, const char *frag, const char *v)
{
	w->len += (size_t)snprintf(w->sql + w->len, sizeof(w->sql) - w->len,
				   "%s", frag);
	w->p[w->n++].text = v;
}

static void where_build(struct where *w, const struct ps_event_filter *f)
{
	memset(w, 0, sizeof(*w));
	if (f == NULL)
		return;
	if (f->ts_from_us != 0)
		where_int(w, " AND ts >= ?", f->ts_from_us);
	if (f->ts_to_us != 0)
		where_int(w, " AND ts < ?", f->ts_to_us);
	if (f->event_type != NULL)
		where_text(w, " AND event_type = ?", f->event_type);
	if (f->sensor != NULL)
		where_text(w, " AND sensor = ?", f->sensor);
	if (f->src_ip != NULL)
		where_text(w, " AND src_ip = ?", f->src_ip);
	if (f->dest_ip != NULL)
		where_text(w, " AND dest_ip = ?", f->dest_ip);
	if (f->ip != NULL) {
		where_text(w, " AND (src_ip = ?", f->ip);
		where_text(w, " OR dest_ip = ?)", f->ip);
	}
	if (f->flow_id != 0)
		where_int(w, " AND flow_id = ?", f->flow_id);
	if (f->severity_max > 0)
		where_int(w, " AND severity BETWEEN 1 AND ?", f->severity_max);
}

static int where_bind(struct ps_stmt *s, const struct where *w)
{
	int rc = PS_OK;

	for (int i = 0; i < w->n && rc == PS_OK; i++)
		rc = w->p[i].text != NULL
			     ? ps_store_stmt_bind_text(s, i + 1, w->p[i].text)
			     : ps_store_stmt_bind_int64(s, i + 1, w->p[i].i);
	return rc;
}

int ps_store_event_count(struct ps_store *st, const struct ps_event_filter *f,
			 int64_t *n)
{
	char sql[640];
	struct ps_stmt *s;
	struct where w;
	int rc;

	*n = 0;
	where_build(&w, f);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM events WHERE 1 = 1%s",
		 w.sql);
	rc = ps_store_prepare(st, sql, &s);
	if (rc != PS_OK)
		return rc;
	rc = where_bind(s, &w);
	if (rc == PS_OK)
		rc = ps_store_stmt_step(s);
	if (rc == PS_OK)
		*n = ps_store_stmt_column_int64(s, 0);
	else if (rc == PS_EOF)
		rc = ps_store_fail(st, PS_EDB, "cannot query 'events': no count");
	ps_store_stmt_finalize(s);
	return rc;
}

static void row_to_event(struct ps_stmt *s, struct ps_event *e)
{
	e->id = ps_store_stmt_column_int64(s, 0);
	e->ts_us = ps_store_stmt_column_int64(s, 1);
	e->sensor = ps_store_stmt_column_text(s, 2);
	e->event_type = ps_store_stmt_column_text(s, 3);
	e->severity = (int)ps_store_stmt_column_int64(s, 4);
	e->src_ip = ps_store_stmt_column_text(s, 5);
	e->src_port = (int)ps_store_stmt_column_int64(s, 6);
	e->dest_ip = ps_store_stmt_column_text(s, 7);
	e->dest_port = (int)ps_store_stmt_column_int64(s, 8);
	e->proto = ps_store_stmt_column_text(s, 9);
	e->app_proto = ps_store_stmt_column_text(s, 10);
	e->flow_id = ps_store_stmt_column_int64(s, 11);
	e->json = ps_store_stmt_column_text(s, 12);
}

int ps_store_event_query(struct ps_store *st, const struct ps_event_filter *f,
			 ps_store_event_fn fn, void *arg)
{
	bool desc = f != NULL && f->order == PS_EVENT_ORDER_TS_DESC;
	int64_t limit = f != NULL ? f->limit : 0;
	int64_t offset = f != NULL ? f->offset : 0;
	char sql[1024];
	struct ps_stmt *s;
	struct ps_event e;
	struct where w;
	int rc;

	if (limit < 0 || offset < 0)
		return ps_store_fail(st, PS_EINVAL, "cannot query 'events': "
				     "negative limit or offset");
	where_build(&w, f);
	snprintf(sql, sizeof(sql), "%s%s ORDER BY ts %s, id %s LIMIT ? OFFSET ?",
		 select_cols, w.sql, desc ? "DESC" : "ASC", desc ? "DESC" : "ASC");
	rc = ps_store_prepare(st, sql, &s);
	if (rc != PS_OK)
		return rc;
	if ((rc = where_bind(s, &w)) != PS_OK ||
	    (rc = ps_store_stmt_bind_int64(s, w.n + 1,
					   limit > 0 ? limit : INT64_MAX)) != PS_OK ||
	    (rc = ps_store_stmt_bind_int64(s, w.n + 2, offset)) != PS_OK)
		goto out;
	while ((rc = ps_store_stmt_step(s)) == PS_OK) {
		row_to_event(s, &e);
		rc = fn(arg, &e);
		if (rc != 0)
			goto out;
	}
	if (rc == PS_EOF)
		rc = PS_OK;
out:
	ps_store_stmt_finalize(s);
	return rc;
}

int ps_store_event_purge_before(struct ps_store *st, int64_t ts_us,
				int64_t *deleted)
{
	struct ps_stmt *s;
	int rc;

	if (deleted != NULL)
		*deleted = 0;
	rc = ps_store_prepare(st, "DELETE FROM events WHERE ts < ?", &s);
	if (rc != PS_OK)
		return rc;
	rc = ps_store_stmt_bind_int64(s, 1, ts_us);
	if (rc == PS_OK)
		rc = ps_store_stmt_step(s);
	if (rc == PS_EOF) {
		rc = PS_OK;
		if (deleted != NULL)
			*deleted = ps_store_stmt_changes(s);
	}
	ps_store_stmt_finalize(s);
	return rc;
}

int ps_store_event_purge_expired(struct ps_store *st, int64_t now_us,
				 int64_t *deleted)
{
	return ps_store_event_purge_before(
		st, now_us - st->set.event_retention_days * US_PER_DAY, deleted);
}
