/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Threat-intelligence sources and the bulk upsert of indicators into the
 * store (tables of migration 2): prepared statements inside transactions
 * of many thousand rows, new and existing rows told apart by their id.
 * Importers and the STIX/MISP readers write through it.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "intel/intel.h"
#include "intel/intel_int.h"
#include "store/store.h"

#define W_COLS 15
#define W_ROWS_PG 256           /* rows per statement on PostgreSQL: 3840 parameters */
#define W_ROWS_SQLITE 32        /* on SQLite (measured: fewer cost statement overhead, more buy nothing) */
#define W_ROWS_MAX W_ROWS_PG
#define W_TX_ROWS_DEFAULT 200000
#define W_SQLITE_CACHE_KIB 262144

/* ---- small helpers shared by the intel files --------------------------------- */

bool ps_intel_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < n;) {
		unsigned c = p[i], k, min, v;

		if (c < 0x80) {
			if (c == 0)
				return false;
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			k = 2, v = c & 0x1f, min = 0x80;
		else if (c >= 0xe0 && c <= 0xef)
			k = 3, v = c & 0x0f, min = 0x800;
		else if (c >= 0xf0 && c <= 0xf4)
			k = 4, v = c & 0x07, min = 0x10000;
		else
			return false;
		if (n - i < k)
			return false;
		for (unsigned j = 1; j < k; j++) {
			if ((p[i + j] & 0xc0) != 0x80)
				return false;
			v = v << 6 | (p[i + j] & 0x3f);
		}
		if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
			return false;
		i += k;
	}
	return true;
}

void ps_intel_trim(const char **s, size_t *n)
{
	while (*n > 0 && (**s == ' ' || **s == '\t'))
		(*s)++, (*n)--;
	while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

static bool is_pg(struct ps_store *st)
{
	return strcmp(ps_store_backend_name(st), "postgresql") == 0;
}

/* Step a statement that returns at most one integer; *v = 0 without a row. */
static int one_int64(struct ps_stmt *s, int64_t *v)
{
	int rc = ps_store_stmt_step(s);

	*v = 0;
	if (rc == PS_OK) {
		*v = ps_store_stmt_column_int64(s, 0);
		return PS_OK;
	}
	return rc == PS_EOF ? PS_OK : rc;
}

/* ---- sources ------------------------------------------------------------------ */

static const char source_cols[] =
	"SELECT s.id, s.name, s.format, s.location, s.refresh_s, s.ttl_s, "
	"s.category, s.severity, s.confidence, s.tlp, s.shareable, s.created_at, "
	"s.last_import, s.last_read, s.last_imported, s.last_updated, s.last_bad, "
	"(SELECT count(*) FROM indicators i WHERE i.source_id = s.id) "
	"FROM intel_sources s ";

static void source_row(struct ps_stmt *q, struct ps_intel_source *s)
{
	memset(s, 0, sizeof(*s));
	s->id = ps_store_stmt_column_int64(q, 0);
	s->name = ps_store_stmt_column_text(q, 1);
	s->format = ps_store_stmt_column_text(q, 2);
	s->location = ps_store_stmt_column_text(q, 3);
	s->refresh_s = ps_store_stmt_column_int64(q, 4);
	s->ttl_s = ps_store_stmt_column_int64(q, 5);
	s->category = (enum ps_ioc_category)ps_store_stmt_column_int64(q, 6);
	s->severity = (int)ps_store_stmt_column_int64(q, 7);
	s->confidence = (int)ps_store_stmt_column_int64(q, 8);
	s->tlp = (int)ps_store_stmt_column_int64(q, 9);
	s->shareable = (int)ps_store_stmt_column_int64(q, 10);
	s->created_at = ps_store_stmt_column_int64(q, 11);
	s->last_import = ps_store_stmt_column_int64(q, 12);
	s->last_read = ps_store_stmt_column_int64(q, 13);
	s->last_imported = ps_store_stmt_column_int64(q, 14);
	s->last_updated = ps_store_stmt_column_int64(q, 15);
	s->last_bad = ps_store_stmt_column_int64(q, 16);
	s->indicators = ps_store_stmt_column_int64(q, 17);
}

/* Run a source query (bound) and call fn per row. */
static int source_rows(struct ps_stmt *q, ps_intel_source_fn fn, void *arg, int *rows)
{
	struct ps_intel_source s;
	int rc;

	*rows = 0;
	while ((rc = ps_store_stmt_step(q)) == PS_OK) {
		source_row(q, &s);
		(*rows)++;
		rc = fn(arg, &s);
		if (rc != PS_OK)
			return rc;
	}
	return rc == PS_EOF ? PS_OK : rc;
}

int ps_intel_source_get(struct ps_store *st, const char *name, ps_intel_source_fn fn,
			void *arg)
{
	char sql[sizeof(source_cols) + 32];
	struct ps_stmt *q;
	int rc, rows = 0;

	snprintf(sql, sizeof(sql), "%sWHERE s.name = ?", source_cols);
	rc = ps_store_prepare(st, sql, &q);
	if (rc != PS_OK)
		return rc;
	rc = ps_store_stmt_bind_text(q, 1, name);
	if (rc == PS_OK)
		rc = source_rows(q, fn, arg, &rows);
	ps_store_stmt_finalize(q);
	return rc == PS_OK && rows == 0 ? PS_ENOENT : rc;
}

int ps_intel_source_list(struct ps_store *st, ps_intel_source_fn fn, void *arg)
{
	char sql[sizeof(source_cols) + 32];
	struct ps_stmt *q;
	int rc, rows;

	snprintf(sql, sizeof(sql), "%sORDER BY s.name", source_cols);
	rc = ps_store_prepare(st, sql, &q);
	if (rc != PS_OK)
		return rc;
	rc = source_rows(q, fn, arg, &rows);
	ps_store_stmt_finalize(q);
	return rc;
}

static const char source_put_sql[] =
	"INSERT INTO intel_sources (name, format, location, refresh_s, ttl_s, "
	"category, severity, confidence, tlp, shareable, created_at) "
	"VALUES (?, coalesce(?, 'unknown'), ?, ?, ?, ?, ?, ?, ?, "
	"coalesce(?, 1), ?) "
	"ON CONFLICT (name) DO UPDATE SET "
	"format = CASE WHEN excluded.format = 'unknown' THEN intel_sources.format "
	"ELSE excluded.format END, "
	"location = coalesce(excluded.location, intel_sources.location), "
	"refresh_s = CASE WHEN excluded.refresh_s > 0 THEN excluded.refresh_s "
	"ELSE intel_sources.refresh_s END, "
	"ttl_s = CASE WHEN excluded.ttl_s > 0 THEN excluded.ttl_s "
	"ELSE intel_sources.ttl_s END, "
	"category = CASE WHEN excluded.category > 0 THEN excluded.category "
	"ELSE intel_sources.category END, "
	"severity = CASE WHEN excluded.severity > 0 THEN excluded.severity "
	"ELSE intel_sources.severity END, "
	"confidence = CASE WHEN excluded.confidence >= 0 THEN excluded.confidence "
	"ELSE intel_sources.confidence END, "
	"tlp = CASE WHEN excluded.tlp >= 0 THEN excluded.tlp "
	"ELSE intel_sources.tlp END, "
	"shareable = CASE WHEN CAST(? AS INTEGER) IS NULL THEN intel_sources.shareable "
	"ELSE excluded.shareable END "
	"RETURNING id";

static bool source_valid(const struct ps_intel_source *s)
{
	return s->name != NULL && s->name[0] != '\0' &&
	       ps_intel_utf8_valid(s->name, strlen(s->name)) &&
	       (s->location == NULL || ps_intel_utf8_valid(s->location, strlen(s->location))) &&
	       (s->format == NULL || ps_intel_utf8_valid(s->format, strlen(s->format))) &&
	       s->refresh_s >= 0 && s->ttl_s >= 0 && (unsigned)s->category < PS_IOC_CAT__COUNT &&
	       s->severity >= 0 && s->severity <= 5 && s->confidence >= -1 &&
	       s->confidence <= 100 && s->tlp >= -1 && s->tlp < PS_TLP__COUNT &&
	       s->shareable >= -1 && s->shareable <= 1;
}

static int source_bind(struct ps_stmt *q, const struct ps_intel_source *s)
{
	int rc;

	if ((rc = ps_store_stmt_bind_text(q, 1, s->name)) != PS_OK ||
	    (rc = ps_store_stmt_bind_text(q, 2, s->format)) != PS_OK ||
	    (rc = ps_store_stmt_bind_text(q, 3, s->location)) != PS_OK ||
	    (rc = ps_store_stmt_bind_int64(q, 4, s->refresh_s)) != PS_OK ||
	    (rc = ps_store_stmt_bind_int64(q, 5, s->ttl_s)) != PS_OK ||
	    (rc = ps_store_stmt_bind_int64(q, 6, s->category)) != PS_OK ||
	    (rc = ps_store_stmt_bind_int64(q, 7, s->severity)) != PS_OK ||
	    (rc = ps_store_stmt_bind_int64(q, 8, s->confidence)) != PS_OK ||
	    (rc = ps_store_stmt_bind_int64(q, 9, s->tlp)) != PS_OK ||
	    (rc = ps_store_stmt_bind_int64(q, 11, ps_time_now_us())) != PS_OK)
		return rc;
	if (s->shareable < 0) {
		if ((rc = ps_store_stmt_bind_null(q, 10)) != PS_OK)
			return rc;
		return ps_store_stmt_bind_null(q, 12);
	}
	if ((rc = ps_store_stmt_bind_int64(q, 10, s->shareable)) != PS_OK)
		return rc;
	return ps_store_stmt_bind_int64(q, 12, s->shareable);
}

int ps_intel_source_put(struct ps_store *st, const struct ps_intel_source *s, int64_t *id)
{
	struct ps_stmt *q;
	int64_t v = 0;
	int rc;

	if (!source_valid(s))
		return PS_EINVAL;
	rc = ps_store_prepare(st, source_put_sql, &q);
	if (rc != PS_OK)
		return rc;
	rc = source_bind(q, s);
	if (rc == PS_OK)
		rc = one_int64(q, &v);
	ps_store_stmt_finalize(q);
	if (rc == PS_OK && id != NULL)
		*id = v;
	return rc;
}

int ps_intel_source_record(struct ps_store *st, int64_t id, int64_t when, int64_t read,
			   int64_t imported, int64_t updated, int64_t bad)
{
	struct ps_stmt *q;
	int rc;

	rc = ps_store_prepare(st, "UPDATE intel_sources SET last_import = ?, "
			      "last_read = ?, last_imported = ?, last_updated = ?, "
			      "last_bad = ? WHERE id = ?", &q);
	if (rc != PS_OK)
		return rc;
	if ((rc = ps_store_stmt_bind_int64(q, 1, when)) == PS_OK &&
	    (rc = ps_store_stmt_bind_int64(q, 2, read)) == PS_OK &&
	    (rc = ps_store_stmt_bind_int64(q, 3, imported)) == PS_OK &&
	    (rc = ps_store_stmt_bind_int64(q, 4, updated)) == PS_OK &&
	    (rc = ps_store_stmt_bind_int64(q, 5, bad)) == PS_OK &&
	    (rc = ps_store_stmt_bind_int64(q, 6, id)) == PS_OK)
		rc = ps_store_stmt_step(q);
	if (rc == PS_EOF)
		rc = ps_store_stmt_changes(q) == 0 ? PS_ENOENT : PS_OK;
	ps_store_stmt_finalize(q);
	return rc;
}

int ps_intel_source_delete(struct ps_store *st, const char *name, int64_t *deleted)
{
	struct ps_stmt *q;
	int64_t n = 0, changes = 0;
	int rc;

	rc = ps_store_begin(st);
	if (rc != PS_OK)
		return rc;
	rc = ps_store_prepare(st, "SELECT count(*) FROM indicators i JOIN intel_sources s "
			      "ON s.id = i.source_id WHERE s.name = ?", &q);
	if (rc == PS_OK) {
		if ((rc = ps_store_stmt_bind_text(q, 1, name)) == PS_OK)
			rc = one_int64(q, &n);
		ps_store_stmt_finalize(q);
	}
	if (rc == PS_OK)
		rc = ps_store_prepare(st, "DELETE FROM intel_sources WHERE name = ?", &q);
	if (rc == PS_OK) {
		if ((rc = ps_store_stmt_bind_text(q, 1, name)) == PS_OK)
			rc = ps_store_stmt_step(q);
		changes = ps_store_stmt_changes(q);
		ps_store_stmt_finalize(q);
		if (rc == PS_EOF)
			rc = changes == 0 ? PS_ENOENT : PS_OK;
	}
	if (rc != PS_OK) {
		if (ps_store_rollback(st) != PS_OK && rc == PS_ENOENT)
			rc = PS_EDB;
		return rc;
	}
	rc = ps_store_commit(st);
	if (rc == PS_OK && deleted != NULL)
		*deleted = n;
	return rc;
}

/* ---- the writer ---------------------------------------------------------------- */

struct ps_intel_writer {
	struct ps_store *st;
	bool pg;
	bool in_tx;
	bool failed;
	size_t tx_rows;      /* rows per transaction */
	size_t tx_count;     /* rows added in the open transaction */
	int64_t max_id;      /* highest id that existed or was returned so far */
	int64_t ins, upd;    /* committed */
	int64_t p_ins, p_upd; /* in the open transaction */
	int64_t now;
	bool tuned;          /* SQLite: old_cache and old_temp to restore */
	int64_t old_cache, old_temp;
	struct ps_buf sql;
	/* PostgreSQL: rows staged for the next multi-row statement */
	size_t n;
	size_t rows_per_stmt;
	size_t built;        /* rows of the statement text in sql */
	struct ps_ioc rows[W_ROWS_MAX];
	uint16_t slot[2 * W_ROWS_MAX]; /* index + 1 of a staged row, 0 = empty */
	struct ps_arena arena;
};

static const char upsert_head[] =
	"INSERT INTO indicators (type, value, prefix, subdomains, category, "
	"severity, confidence, family, tags, source_id, first_seen, last_seen, "
	"expires, tlp, shareable) VALUES ";
static const char upsert_row[] = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
/*
 * Tags: the new list is appended unless it is already there as a whole
 * (LIKE with its wildcards escaped) or the result would grow past
 * PS_INTEL_TAGS_MAX, so re-importing the same file adds nothing.
 */
static const char upsert_tail[] =
	" ON CONFLICT (value, type, prefix, source_id) DO UPDATE SET "
	"subdomains = excluded.subdomains, category = excluded.category, "
	"severity = excluded.severity, confidence = excluded.confidence, "
	"family = coalesce(excluded.family, indicators.family), "
	"tags = CASE WHEN excluded.tags IS NULL THEN indicators.tags "
	"WHEN indicators.tags IS NULL THEN excluded.tags "
	"WHEN length(indicators.tags) + length(excluded.tags) >= 1000 "
	"THEN indicators.tags "
	"WHEN (',' || indicators.tags || ',') LIKE ('%,' || "
	"replace(replace(replace(excluded.tags, '\\', '\\\\'), '%', '\\%'), "
	"'_', '\\_') || ',%') ESCAPE '\\' THEN indicators.tags "
	"ELSE indicators.tags || ',' || excluded.tags END, "
	"first_seen = CASE WHEN excluded.first_seen < indicators.first_seen "
	"THEN excluded.first_seen ELSE indicators.first_seen END, "
	"last_seen = CASE WHEN excluded.last_seen > indicators.last_seen "
	"THEN excluded.last_seen ELSE indicators.last_seen END, "
	"expires = excluded.expires, tlp = excluded.tlp, "
	"shareable = excluded.shareable RETURNING id";

static int build_sql(struct ps_intel_writer *w, size_t rows)
{
	int rc;

	ps_buf_reset(&w->sql);
	rc = ps_buf_addstr(&w->sql, upsert_head);
	for (size_t i = 0; i < rows && rc == PS_OK; i++)
		rc = ps_buf_addf(&w->sql, "%s%s", i ? ", " : "", upsert_row);
	if (rc == PS_OK)
		rc = ps_buf_addstr(&w->sql, upsert_tail);
	return rc;
}

static bool row_valid(const struct ps_ioc *r)
{
	size_t n;

	if (r->type <= PS_IOC_NONE || r->type >= PS_IOC__COUNT || r->value == NULL)
		return false;
	n = strlen(r->value);
	if (n == 0 || n > PS_IOC_VALUE_MAX || !ps_intel_utf8_valid(r->value, n))
		return false;
	if (r->family != NULL && (strlen(r->family) > PS_INTEL_FAMILY_MAX ||
				  !ps_intel_utf8_valid(r->family, strlen(r->family))))
		return false;
	if (r->tags != NULL && (strlen(r->tags) > PS_INTEL_TAGS_MAX ||
				!ps_intel_utf8_valid(r->tags, strlen(r->tags))))
		return false;
	return r->prefix <= 128 && (unsigned)r->category < PS_IOC_CAT__COUNT &&
	       r->severity >= 1 && r->severity <= 5 && r->confidence <= 100 &&
	       (unsigned)r->tlp < PS_TLP__COUNT && r->source_id > 0 &&
	       r->first_seen >= 0 && r->last_seen >= 0 && r->expires >= 0;
}

static const char *nonempty(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : NULL;
}

static int bind_row(struct ps_intel_writer *w, struct ps_stmt *q, int b,
		    const struct ps_ioc *r)
{
	int64_t first = r->first_seen ? r->first_seen : w->now;
	int64_t last = r->last_seen ? r->last_seen : w->now;
	enum ps_ioc_category cat = r->category != PS_IOC_CAT_NONE
					   ? r->category
					   : ps_ioc_category_default(r->type);
	int rc;

	if (last < first)
		last = first;
	if ((rc = ps_store_stmt_bind_int64(q, b + 1, r->type)) != PS_OK ||
	    (rc = ps_store_stmt_bind_text(q, b + 2, r->value)) != PS_OK ||
	    (rc = ps_store_stmt_bind_int64(q, b + 3, r->prefix)) != PS_OK ||
	    (rc = ps_store_stmt_bind_int64(q, b + 4, r->subdomains)) != PS_OK ||
	    (rc = ps_store_stmt_bind_int64(q, b + 5, cat)) != PS_OK ||
	    (rc = ps_store_stmt_bind_int64(q, b + 6, r->severity)) != PS_OK ||
	    (rc = ps_store_stmt_bind_int64(q, b + 7, r->confidence)) != PS_OK ||
	    (rc = ps_store_stmt_bind_text(q, b + 8, nonempty(r->family))) != PS_OK ||
	    (rc = ps_store_stmt_bind_text(q, b + 9, nonempty(r->tags))) != PS_OK ||
	    (rc = ps_store_stmt_bind_int64(q, b + 10, r->source_id)) != PS_OK ||
	    (rc = ps_store_stmt_bind_int64(q, b + 11, first)) != PS_OK ||
	    (rc = ps_store_stmt_bind_int64(q, b + 12, last)) != PS_OK ||
	    (rc = ps_store_stmt_bind_int64(q, b + 13, r->expires)) != PS_OK ||
	    (rc = ps_store_stmt_bind_int64(q, b + 14, r->tlp)) != PS_OK)
		return rc;
	return ps_store_stmt_bind_int64(q, b + 15, r->shareable);
}

/*
 * Step an upsert and count its RETURNING ids as new or existing rows: a
 * new row's id is above every id that existed before the statement (ids
 * only grow), and one statement never touches a key twice.
 */
static int run_upsert(struct ps_intel_writer *w, struct ps_stmt *q)
{
	int64_t id, hi = w->max_id;
	int rc;

	while ((rc = ps_store_stmt_step(q)) == PS_OK) {
		id = ps_store_stmt_column_int64(q, 0);
		if (id > w->max_id)
			w->p_ins++;
		else
			w->p_upd++;
		if (id > hi)
			hi = id;
	}
	ps_store_stmt_reset(q);
	w->max_id = hi;
	return rc == PS_EOF || rc == PS_OK ? PS_OK : rc;
}

static int tx_begin(struct ps_intel_writer *w)
{
	struct ps_stmt *q;
	int rc;

	if (w->in_tx)
		return PS_OK;
	rc = ps_store_begin(w->st);
	if (rc != PS_OK)
		return rc;
	w->in_tx = true;
	w->p_ins = w->p_upd = 0;
	w->tx_count = 0;
	rc = ps_store_prepare(w->st, "SELECT coalesce(max(id), 0) FROM indicators", &q);
	if (rc != PS_OK)
		return rc;
	rc = one_int64(q, &w->max_id);
	ps_store_stmt_finalize(q);
	return rc;
}

/* PostgreSQL: send the staged rows as one statement. */
static int flush_staged(struct ps_intel_writer *w)
{
	struct ps_stmt *q;
	int rc = PS_OK;

	if (w->n == 0)
		return PS_OK;
	if (w->built != w->n) {
		rc = build_sql(w, w->n);
		w->built = rc == PS_OK ? w->n : 0;
	}
	if (rc == PS_OK)
		rc = ps_store_prepare(w->st, ps_buf_cstr(&w->sql), &q);
	if (rc != PS_OK)
		return rc;
	for (size_t i = 0; i < w->n && rc == PS_OK; i++)
		rc = bind_row(w, q, (int)(i * W_COLS), &w->rows[i]);
	if (rc == PS_OK)
		rc = run_upsert(w, q);
	ps_store_stmt_finalize(q);
	w->n = 0;
	memset(w->slot, 0, sizeof(w->slot));
	ps_arena_reset(&w->arena);
	return rc;
}

static int fail(struct ps_intel_writer *w, int rc)
{
	w->n = 0;
	memset(w->slot, 0, sizeof(w->slot));
	ps_arena_reset(&w->arena);
	if (w->in_tx) {
		/* a successful rollback keeps the store's message of the failure */
		if (ps_store_rollback(w->st) != PS_OK)
			rc = PS_EDB;
		w->in_tx = false;
	}
	w->p_ins = w->p_upd = 0;
	w->failed = true;
	return rc;
}

/* Read an integer PRAGMA. */
static int pragma_get(struct ps_store *st, const char *name, int64_t *v)
{
	char sql[64];
	struct ps_stmt *q;
	int rc;

	snprintf(sql, sizeof(sql), "PRAGMA %s", name);
	rc = ps_store_prepare(st, sql, &q);
	if (rc != PS_OK)
		return rc;
	rc = one_int64(q, v);
	ps_store_stmt_finalize(q);
	return rc;
}

static int pragma_set(struct ps_store *st, const char *name, int64_t v)
{
	char sql[64];

	snprintf(sql, sizeof(sql), "PRAGMA %s = %lld", name, (long long)v);
	return ps_store_exec(st, sql);
}

/*
 * SQLite settings for a bulk load, restored by ps_intel_writer_free: a
 * page cache that holds the indicator index, and statement journals in
 * memory (a multi-row INSERT needs one; in a temporary file it costs a
 * write system call per page).
 */
static int sqlite_tune(struct ps_intel_writer *w)
{
	int rc = pragma_get(w->st, "cache_size", &w->old_cache);

	if (rc == PS_OK)
		rc = pragma_get(w->st, "temp_store", &w->old_temp);
	if (rc != PS_OK)
		return rc;
	w->tuned = true;
	rc = pragma_set(w->st, "cache_size", -W_SQLITE_CACHE_KIB);
	if (rc == PS_OK)
		rc = pragma_set(w->st, "temp_store", 2);
	return rc;
}

int ps_intel_writer_open(struct ps_store *st, size_t tx_rows, struct ps_intel_writer **out)
{
	struct ps_intel_writer *w;
	int rc;

	*out = NULL;
	w = ps_calloc(PS_MEM_INTEL, 1, sizeof(*w));
	if (w == NULL)
		return PS_ENOMEM;
	w->st = st;
	w->pg = is_pg(st);
	w->tx_rows = tx_rows ? tx_rows : W_TX_ROWS_DEFAULT;
	w->now = ps_time_now_us();
	ps_buf_init(&w->sql, PS_MEM_INTEL, 64 * 1024);
	ps_arena_init(&w->arena, PS_MEM_INTEL, 64 * 1024, SIZE_MAX);
	w->rows_per_stmt = w->pg ? W_ROWS_PG : W_ROWS_SQLITE;
	rc = w->pg ? PS_OK : sqlite_tune(w);
	if (rc != PS_OK) {
		ps_intel_writer_free(w);
		return rc;
	}
	*out = w;
	return PS_OK;
}

static uint32_t key_hash(const struct ps_ioc *r)
{
	uint32_t h = 2166136261u ^ (uint32_t)r->type ^ (uint32_t)r->prefix << 8 ^
		     (uint32_t)r->source_id << 16;

	for (const char *p = r->value; *p != '\0'; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	return h;
}

static bool same_key(const struct ps_ioc *a, const struct ps_ioc *b)
{
	return a->type == b->type && a->prefix == b->prefix &&
	       a->source_id == b->source_id && strcmp(a->value, b->value) == 0;
}

/*
 * The slot for r in the staging hash: the empty one to fill, or the one
 * holding the same key (PostgreSQL refuses to update a row twice in one
 * statement, so the caller flushes first).
 */
static uint16_t *stage_slot(struct ps_intel_writer *w, const struct ps_ioc *r)
{
	size_t mask = PS_ARRAY_LEN(w->slot) - 1, i = key_hash(r) & mask;

	while (w->slot[i] != 0 && !same_key(&w->rows[w->slot[i] - 1], r))
		i = (i + 1) & mask;
	return &w->slot[i];
}

static const char *arena_str(struct ps_arena *a, const char *s, bool *oom)
{
	char *c;

	if (s == NULL)
		return NULL;
	c = ps_arena_strndup(a, s, strlen(s));
	if (c == NULL)
		*oom = true;
	return c;
}

static int stage(struct ps_intel_writer *w, const struct ps_ioc *r)
{
	struct ps_ioc *row;
	uint16_t *slot = stage_slot(w, r);
	bool oom = false;
	int rc;

	if (*slot != 0) {
		rc = flush_staged(w);
		if (rc != PS_OK)
			return rc;
		slot = stage_slot(w, r);
	}
	row = &w->rows[w->n];
	*row = *r;
	row->value = arena_str(&w->arena, r->value, &oom);
	row->family = arena_str(&w->arena, r->family, &oom);
	row->tags = arena_str(&w->arena, r->tags, &oom);
	if (oom)
		return PS_ENOMEM;
	*slot = (uint16_t)++w->n;
	return w->n == w->rows_per_stmt ? flush_staged(w) : PS_OK;
}

static int commit_tx(struct ps_intel_writer *w)
{
	int rc = flush_staged(w);

	if (rc != PS_OK || !w->in_tx)
		return rc;
	rc = ps_store_commit(w->st);
	w->in_tx = false;
	if (rc != PS_OK)
		return rc;
	w->ins += w->p_ins;
	w->upd += w->p_upd;
	w->p_ins = w->p_upd = 0;
	return PS_OK;
}

int ps_intel_writer_add(struct ps_intel_writer *w, const struct ps_ioc *ioc)
{
	int rc;

	if (w->failed)
		return PS_EDB;
	if (!row_valid(ioc))
		return PS_EINVAL;
	rc = tx_begin(w);
	if (rc == PS_OK)
		rc = stage(w, ioc);
	if (rc == PS_OK && ++w->tx_count >= w->tx_rows)
		rc = commit_tx(w);
	return rc == PS_OK ? PS_OK : fail(w, rc);
}

int ps_intel_writer_commit(struct ps_intel_writer *w)
{
	int rc;

	if (w->failed)
		return PS_EDB;
	rc = commit_tx(w);
	return rc == PS_OK ? PS_OK : fail(w, rc);
}

void ps_intel_writer_counts(const struct ps_intel_writer *w, int64_t *inserted,
			    int64_t *updated)
{
	if (inserted != NULL)
		*inserted = w->ins;
	if (updated != NULL)
		*updated = w->upd;
}

void ps_intel_writer_free(struct ps_intel_writer *w)
{
	if (w == NULL)
		return;
	if (w->in_tx && ps_store_rollback(w->st) != PS_OK)
		w->in_tx = false;
	if (w->tuned && (pragma_set(w->st, "cache_size", w->old_cache) != PS_OK ||
			 pragma_set(w->st, "temp_store", w->old_temp) != PS_OK))
		w->tuned = false; /* nothing more to do on a failing handle */
	ps_buf_release(&w->sql);
	ps_arena_release(&w->arena);
	ps_free(w);
}

int ps_intel_ioc_put(struct ps_store *st, const struct ps_ioc *ioc, bool *inserted)
{
	struct ps_intel_writer *w;
	int rc = ps_intel_writer_open(st, 1, &w);

	if (rc != PS_OK)
		return rc;
	rc = ps_intel_writer_add(w, ioc);
	if (rc == PS_OK)
		rc = ps_intel_writer_commit(w);
	if (rc == PS_OK && inserted != NULL)
		*inserted = w->ins > 0;
	ps_intel_writer_free(w);
	return rc;
}
