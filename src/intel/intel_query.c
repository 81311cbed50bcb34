/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading indicators back from the store: filtered listing and counting
 * for `panshi intel list`, every source's entry for one value (`intel
 * show`), counts by type, category and source (`intel stats`), the
 * iteration over live indicators that the matching generation is built
 * from, and the purge of expired ones.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "intel/intel.h"
#include "intel/intel_int.h"
#include "store/store.h"

#define PG_PAGE 50000

static const char ioc_cols[] =
	"SELECT i.id, i.type, i.value, i.prefix, i.subdomains, i.category, "
	"i.severity, i.confidence, i.family, i.tags, i.source_id, i.first_seen, "
	"i.last_seen, i.expires, i.tlp, i.shareable";

static bool is_pg(struct ps_store *st)
{
	return strcmp(ps_store_backend_name(st), "postgresql") == 0;
}

/* The columns of ioc_cols (then the source name at 16 when joined). */
static void ioc_row(struct ps_stmt *q, struct ps_ioc *r, bool with_source)
{
	r->id = ps_store_stmt_column_int64(q, 0);
	r->type = (enum ps_ioc_type)ps_store_stmt_column_int64(q, 1);
	r->value = ps_store_stmt_column_text(q, 2);
	r->prefix = (uint8_t)ps_store_stmt_column_int64(q, 3);
	r->subdomains = ps_store_stmt_column_int64(q, 4) != 0;
	r->category = (enum ps_ioc_category)ps_store_stmt_column_int64(q, 5);
	r->severity = (uint8_t)ps_store_stmt_column_int64(q, 6);
	r->confidence = (uint8_t)ps_store_stmt_column_int64(q, 7);
	r->family = ps_store_stmt_column_text(q, 8);
	r->tags = ps_store_stmt_column_text(q, 9);
	r->source_id = ps_store_stmt_column_int64(q, 10);
	r->first_seen = ps_store_stmt_column_int64(q, 11);
	r->last_seen = ps_store_stmt_column_int64(q, 12);
	r->expires = ps_store_stmt_column_int64(q, 13);
	r->tlp = (enum ps_tlp)ps_store_stmt_column_int64(q, 14);
	r->shareable = ps_store_stmt_column_int64(q, 15) != 0;
	r->source = with_source ? ps_store_stmt_column_text(q, 16) : NULL;
}

/*
 * "%x%" for LIKE with its wildcards and the escape character escaped,
 * into a new string the caller frees.
 */
static char *like_pattern(const char *s)
{
	struct ps_buf b = PS_BUF_INIT(PS_MEM_INTEL, 4 * PS_IOC_INPUT_MAX);
	int rc = ps_buf_addch(&b, '%');

	for (; *s != '\0' && rc == PS_OK; s++) {
		if (*s == '%' || *s == '_' || *s == '\\')
			rc = ps_buf_addch(&b, '\\');
		if (rc == PS_OK)
			rc = ps_buf_addch(&b, (uint8_t)*s);
	}
	if (rc == PS_OK)
		rc = ps_buf_addch(&b, '%');
	if (rc != PS_OK) {
		ps_buf_release(&b);
		return NULL;
	}
	return ps_buf_take(&b, NULL);
}

/* Bound values of a filter, in the order where_sql adds their `?`. */
struct binds {
	int n;
	bool text[10];
	int64_t i[10];
	const char *t[10];
};

static void bind_int(struct binds *b, int64_t v)
{
	b->text[b->n] = false;
	b->i[b->n++] = v;
}

static void bind_str(struct binds *b, const char *v)
{
	b->text[b->n] = true;
	b->t[b->n++] = v;
}

/* Append the WHERE terms of f to sql; *like gets the LIKE pattern to free. */
static int where_sql(const struct ps_intel_filter *f, struct ps_buf *sql,
		     struct binds *b, char **like)
{
	int rc = ps_buf_addstr(sql, " WHERE 1 = 1");

	*like = NULL;
	if (f == NULL)
		return rc;
	if (rc == PS_OK && f->type != PS_IOC_NONE) {
		rc = ps_buf_addstr(sql, " AND i.type = ?");
		bind_int(b, f->type);
	}
	if (rc == PS_OK && f->source != NULL) {
		rc = ps_buf_addstr(sql, " AND s.name = ?");
		bind_str(b, f->source);
	}
	if (rc == PS_OK && f->category != PS_IOC_CAT_NONE) {
		rc = ps_buf_addstr(sql, " AND i.category = ?");
		bind_int(b, f->category);
	}
	if (rc == PS_OK && f->value != NULL) {
		rc = ps_buf_addstr(sql, " AND i.value = ?");
		bind_str(b, f->value);
	}
	if (rc == PS_OK && f->contains != NULL) {
		*like = like_pattern(f->contains);
		rc = *like == NULL ? PS_ENOMEM
				   : ps_buf_addstr(sql, " AND i.value LIKE ? ESCAPE '\\'");
		bind_str(b, *like);
	}
	if (rc == PS_OK && f->exportable) {
		/* the export rule: shareable, TLP at most tlp_max, red never */
		rc = ps_buf_addstr(sql, " AND i.shareable = 1 AND i.tlp <= ? AND i.tlp < ?");
		bind_int(b, f->tlp_max);
		bind_int(b, PS_TLP_RED);
	}
	if (rc == PS_OK && f->live_at > 0) {
		rc = ps_buf_addstr(sql, " AND (i.expires = 0 OR i.expires > ?)");
		bind_int(b, f->live_at);
	}
	return rc;
}

static int bind_all(struct ps_stmt *q, const struct binds *b)
{
	int rc = PS_OK;

	for (int k = 0; k < b->n && rc == PS_OK; k++)
		rc = b->text[k] ? ps_store_stmt_bind_text(q, k + 1, b->t[k])
				: ps_store_stmt_bind_int64(q, k + 1, b->i[k]);
	return rc;
}

/* Step q and call fn per row; *rows and *last_id track progress for paging. */
static int each_row(struct ps_stmt *q, bool with_source, ps_intel_ioc_fn fn,
		    void *arg, int64_t *rows, int64_t *last_id)
{
	struct ps_ioc r;
	int rc;

	while ((rc = ps_store_stmt_step(q)) == PS_OK) {
		ioc_row(q, &r, with_source);
		(*rows)++;
		*last_id = r.id;
		rc = fn(arg, &r);
		if (rc != PS_OK)
			return rc;
	}
	return rc == PS_EOF ? PS_OK : rc;
}

/*
 * Run the joined query with f's terms. Without a limit PostgreSQL is read
 * in pages by id (a result is held whole in memory there).
 */
int ps_intel_query(struct ps_store *st, const struct ps_intel_filter *f,
		   ps_intel_ioc_fn fn, void *arg)
{
	struct ps_buf sql = PS_BUF_INIT(PS_MEM_INTEL, 4096);
	struct binds b = {0};
	bool page = is_pg(st) && (f == NULL || (f->limit == 0 && f->offset == 0));
	int64_t rows = 0, last = 0;
	struct ps_stmt *q = NULL;
	char *like = NULL;
	int rc;

	rc = ps_buf_addf(&sql, "%s, s.name FROM indicators i JOIN intel_sources s "
			 "ON s.id = i.source_id", ioc_cols);
	if (rc == PS_OK)
		rc = where_sql(f, &sql, &b, &like);
	if (rc == PS_OK && page)
		rc = ps_buf_addstr(&sql, " AND i.id > ? ORDER BY i.id LIMIT ?");
	else if (rc == PS_OK)
		rc = ps_buf_addstr(&sql, " ORDER BY i.id LIMIT ? OFFSET ?");
	if (rc == PS_OK)
		rc = ps_store_prepare(st, ps_buf_cstr(&sql), &q);
	while (rc == PS_OK) {
		rc = bind_all(q, &b);
		if (rc == PS_OK)
			rc = ps_store_stmt_bind_int64(q, b.n + 1, page ? last :
						      f && f->limit ? f->limit : INT64_MAX);
		if (rc == PS_OK)
			rc = ps_store_stmt_bind_int64(q, b.n + 2, page ? PG_PAGE :
						      f ? f->offset : 0);
		rows = 0;
		if (rc == PS_OK)
			rc = each_row(q, true, fn, arg, &rows, &last);
		ps_store_stmt_reset(q);
		if (!page || rows < PG_PAGE)
			break;
	}
	ps_store_stmt_finalize(q);
	ps_free(like);
	ps_buf_release(&sql);
	return rc;
}

static int scalar(struct ps_store *st, const char *sql, const struct binds *b, int64_t *n)
{
	struct ps_stmt *q;
	int rc = ps_store_prepare(st, sql, &q);

	*n = 0;
	if (rc != PS_OK)
		return rc;
	rc = b != NULL ? bind_all(q, b) : PS_OK;
	if (rc == PS_OK)
		rc = ps_store_stmt_step(q);
	if (rc == PS_OK)
		*n = ps_store_stmt_column_int64(q, 0);
	ps_store_stmt_finalize(q);
	return rc == PS_EOF ? PS_OK : rc;
}

int ps_intel_count(struct ps_store *st, const struct ps_intel_filter *f, int64_t *n)
{
	struct ps_buf sql = PS_BUF_INIT(PS_MEM_INTEL, 4096);
	struct binds b = {0};
	char *like = NULL;
	int rc;

	*n = 0;
	rc = ps_buf_addstr(&sql, "SELECT count(*) FROM indicators i JOIN intel_sources s "
			   "ON s.id = i.source_id");
	if (rc == PS_OK)
		rc = where_sql(f, &sql, &b, &like);
	if (rc == PS_OK)
		rc = scalar(st, ps_buf_cstr(&sql), &b, n);
	ps_free(like);
	ps_buf_release(&sql);
	return rc;
}

int ps_intel_show(struct ps_store *st, enum ps_ioc_type type, const char *value,
		  ps_intel_ioc_fn fn, void *arg, int64_t *found, struct ps_diag *d)
{
	static const char tail[] = ", s.name FROM indicators i JOIN intel_sources s "
				   "ON s.id = i.source_id WHERE i.value = ? "
				   "ORDER BY s.name, i.type, i.prefix";
	char sql[sizeof(ioc_cols) + sizeof(tail)];
	struct ps_ioc_norm *n;
	struct ps_stmt *q = NULL;
	int64_t rows = 0, last = 0;
	int rc;

	if (found != NULL)
		*found = 0;
	n = ps_malloc(PS_MEM_INTEL, sizeof(*n));
	if (n == NULL)
		return PS_ENOMEM;
	rc = ps_ioc_normalize(type, value, strlen(value), n, d);
	snprintf(sql, sizeof(sql), "%s%s", ioc_cols, tail);
	if (rc == PS_OK)
		rc = ps_store_prepare(st, sql, &q);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_text(q, 1, n->value);
	if (rc == PS_OK)
		rc = each_row(q, true, fn, arg, &rows, &last);
	ps_store_stmt_finalize(q);
	ps_free(n);
	if (found != NULL)
		*found = rows;
	return rc;
}

int ps_intel_stats(struct ps_store *st, enum ps_intel_stat_by by, ps_intel_stat_fn fn,
		   void *arg)
{
	static const char *const sql[] = {
		"SELECT type, count(*) FROM indicators GROUP BY type ORDER BY type",
		"SELECT category, count(*) FROM indicators GROUP BY category "
		"ORDER BY category",
		"SELECT s.name, (SELECT count(*) FROM indicators i "
		"WHERE i.source_id = s.id) FROM intel_sources s ORDER BY s.name",
	};
	struct ps_stmt *q;
	const char *key;
	int rc;

	if ((unsigned)by >= PS_ARRAY_LEN(sql))
		return PS_EINVAL;
	rc = ps_store_prepare(st, sql[by], &q);
	if (rc != PS_OK)
		return rc;
	while ((rc = ps_store_stmt_step(q)) == PS_OK) {
		int64_t k = ps_store_stmt_column_int64(q, 0);

		if (by == PS_INTEL_STAT_TYPE)
			key = ps_ioc_type_name((enum ps_ioc_type)k);
		else if (by == PS_INTEL_STAT_CATEGORY)
			key = ps_ioc_category_name((enum ps_ioc_category)k);
		else
			key = ps_store_stmt_column_text(q, 0);
		rc = fn(arg, key != NULL ? key : "", ps_store_stmt_column_int64(q, 1));
		if (rc != PS_OK)
			break;
	}
	ps_store_stmt_finalize(q);
	return rc == PS_EOF ? PS_OK : rc;
}

int ps_intel_totals_get(struct ps_store *st, int64_t now_us, struct ps_intel_totals *t)
{
	struct binds b = {0};
	int rc;

	memset(t, 0, sizeof(*t));
	bind_int(&b, now_us);
	rc = scalar(st, "SELECT count(*) FROM indicators", NULL, &t->indicators);
	if (rc == PS_OK)
		rc = scalar(st, "SELECT count(*) FROM indicators "
			    "WHERE expires = 0 OR expires > ?", &b, &t->live);
	if (rc == PS_OK)
		rc = scalar(st, "SELECT count(*) FROM (SELECT DISTINCT value, type, "
			    "prefix FROM indicators) v", NULL, &t->values);
	if (rc == PS_OK)
		rc = scalar(st, "SELECT count(*) FROM intel_sources", NULL, &t->sources);
	return rc;
}

int ps_intel_foreach_live(struct ps_store *st, int64_t now_us, ps_intel_ioc_fn fn,
			  void *arg)
{
	char sql[sizeof(ioc_cols) + 128];
	bool page = is_pg(st);
	int64_t rows, last = 0;
	struct ps_stmt *q = NULL;
	int rc;

	snprintf(sql, sizeof(sql), "%s FROM indicators i WHERE (i.expires = 0 OR "
		 "i.expires > ?)%s", ioc_cols,
		 page ? " AND i.id > ? ORDER BY i.id LIMIT ?" : " ORDER BY i.id");
	rc = ps_store_prepare(st, sql, &q);
	while (rc == PS_OK) {
		rc = ps_store_stmt_bind_int64(q, 1, now_us);
		if (rc == PS_OK && page &&
		    (rc = ps_store_stmt_bind_int64(q, 2, last)) == PS_OK)
			rc = ps_store_stmt_bind_int64(q, 3, PG_PAGE);
		rows = 0;
		if (rc == PS_OK)
			rc = each_row(q, false, fn, arg, &rows, &last);
		ps_store_stmt_reset(q);
		if (!page || rows < PG_PAGE)
			break;
	}
	ps_store_stmt_finalize(q);
	return rc;
}

int ps_intel_purge_expired(struct ps_store *st, int64_t now_us, int64_t *deleted)
{
	struct ps_stmt *q;
	int rc = ps_store_prepare(st, "DELETE FROM indicators WHERE expires > 0 "
				  "AND expires <= ?", &q);

	if (rc != PS_OK)
		return rc;
	rc = ps_store_stmt_bind_int64(q, 1, now_us);
	if (rc == PS_OK)
		rc = ps_store_stmt_step(q);
	if (rc == PS_EOF) {
		rc = PS_OK;
		if (deleted != NULL)
			*deleted = ps_store_stmt_changes(q);
	}
	ps_store_stmt_finalize(q);
	return rc;
}
