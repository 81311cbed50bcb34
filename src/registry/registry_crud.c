/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Registry records in the store: insert with generated keys, update,
 * upsert, delete guarded by references, get, list and count over the
 * tables of migration 3, each change in one transaction with the
 * on_change hook. SQL is built from the kind descriptors, never from input.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "core/core.h"
#include "registry/registry.h"
#include "registry/registry_int.h"
#include "store/store.h"

#define SQL_MAX (64u * 1024)

int ps_registry_open(struct ps_store *st, const struct ps_policy *pol,
		     struct ps_registry *r)
{
	memset(r, 0, sizeof(*r));
	if (st == NULL)
		return PS_EINVAL;
	r->st = st;
	r->pol = pol;
	return ps_date_from_time_us(ps_time_now_us(), PS_TZ_SHANGHAI, &r->today);
}

/* ---- SQL text --------------------------------------------------------------------- */

/* "key", "f1", ..., created_us, updated_us */
static int add_columns(struct ps_buf *b, const struct ps_reg_kind *k)
{
	int rc = ps_buf_addstr(b, "\"key\"");

	for (size_t i = 0; rc == PS_OK && i < k->n_fields; i++)
		rc = ps_buf_addf(b, ", \"%s\"", k->fields[i].name);
	if (rc == PS_OK)
		rc = ps_buf_addstr(b, ", created_us, updated_us");
	return rc;
}

static int select_sql(struct ps_buf *b, const struct ps_reg_kind *k)
{
	int rc = ps_buf_addstr(b, "SELECT ");

	if (rc == PS_OK)
		rc = add_columns(b, k);
	if (rc == PS_OK)
		rc = ps_buf_addf(b, " FROM %s", k->table);
	return rc;
}

/* Record of the current row of a select_sql() statement (columns from `col`). */
static int row_record(struct ps_stmt *s, const struct ps_reg_kind *k,
		      struct ps_reg_record **out)
{
	struct ps_reg_record *r = ps_reg_record_new(k);
	char num[64];
	int rc = PS_ENOMEM;

	if (r == NULL)
		return PS_ENOMEM;
	if (ps_reg_record_set(r, "key", ps_store_stmt_column_text(s, 0)) != PS_OK)
		goto out;
	for (size_t i = 0; i < k->n_fields; i++) {
		int c = (int)i + 1;
		const char *v = num;

		if (ps_store_stmt_column_is_null(s, c))
			continue;
		switch (k->fields[i].type) {
		case PS_REG_INT:
			snprintf(num, sizeof(num), "%" PRId64, ps_store_stmt_column_int64(s, c));
			break;
		case PS_REG_NUM: {
			size_t n;

			snprintf(num, sizeof(num), "%.2f", ps_store_stmt_column_double(s, c));
			n = strlen(num);
			while (n > 0 && num[n - 1] == '0')
				num[--n] = '\0';
			if (n > 0 && num[n - 1] == '.')
				num[--n] = '\0';
			break;
		}
		case PS_REG_FLAG:
			v = ps_store_stmt_column_int64(s, c) ? "true" : "false";
			break;
		default:
			v = ps_store_stmt_column_text(s, c);
			break;
		}
		r->vals[i] = ps_strdup(PS_MEM_REGISTRY, v);
		if (r->vals[i] == NULL)
			goto out;
	}
	r->created_us = ps_store_stmt_column_int64(s, (int)k->n_fields + 1);
	r->updated_us = ps_store_stmt_column_int64(s, (int)k->n_fields + 2);
	*out = r;
	return PS_OK;
out:
	ps_reg_record_free(r);
	return rc;
}

/* Bind a normalised value with the column's type. */
static int bind_value(struct ps_stmt *s, int idx, const struct ps_reg_field *f,
		      const char *v)
{
	if (v == NULL)
		return ps_store_stmt_bind_null(s, idx);
	switch (f->type) {
	case PS_REG_INT:
		return ps_store_stmt_bind_int64(s, idx, strtoll(v, NULL, 10));
	case PS_REG_NUM:
		return ps_store_stmt_bind_double(s, idx, strtod(v, NULL));
	case PS_REG_FLAG:
		return ps_store_stmt_bind_int64(s, idx, strcmp(v, "true") == 0);
	default:
		return ps_store_stmt_bind_text(s, idx, v);
	}
}

/* Bind the sortable bounds of an address field, NULL unless it is an IP range. */
static int bind_range(struct ps_stmt *s, int idx, const char *v)
{
	uint8_t lo[16], hi[16];
	char a[PS_REG_SORTKEY_SIZE], b[PS_REG_SORTKEY_SIZE];
	bool v6;
	int rc;

	if (v == NULL || ps_reg_iprange_parse(v, lo, hi, &v6) != PS_OK) {
		rc = ps_store_stmt_bind_null(s, idx);
		return rc == PS_OK ? ps_store_stmt_bind_null(s, idx + 1) : rc;
	}
	ps_reg_sortkey(lo, v6, a);
	ps_reg_sortkey(hi, v6, b);
	rc = ps_store_stmt_bind_text(s, idx, a);
	return rc == PS_OK ? ps_store_stmt_bind_text(s, idx + 1, b) : rc;
}

/* Bind every field (and hidden range columns) from index 1; *next gets the
 * following index. */
static int bind_fields(struct ps_stmt *s, const struct ps_reg_record *rec, int *next)
{
	const struct ps_reg_kind *k = rec->kind;
	int idx = 1, rc = PS_OK;

	for (size_t i = 0; rc == PS_OK && i < k->n_fields; i++) {
		rc = bind_value(s, idx++, &k->fields[i], rec->vals[i]);
		if (rc == PS_OK && ps_reg_field_has_range(k, &k->fields[i])) {
			rc = bind_range(s, idx, rec->vals[i]);
			idx += 2;
		}
	}
	*next = idx;
	return rc;
}

/* ---- small queries ---------------------------------------------------------------- */

static int db_fail(struct ps_registry *r, const char *label, int rc, struct ps_diag *d)
{
	if (rc == PS_ENOMEM)
		ps_diag_set(d, "%s: out of memory", label);
	else
		ps_diag_set(d, "%s: %s", label, ps_store_errmsg(r->st));
	return rc;
}

/* PS_OK if a record of `k` has `key`, PS_ENOENT if not, else an error. */
static int key_exists(struct ps_registry *r, const struct ps_reg_kind *k, const char *key)
{
	struct ps_buf b = PS_BUF_INIT(PS_MEM_REGISTRY, SQL_MAX);
	struct ps_stmt *s = NULL;
	int rc;

	rc = ps_buf_addf(&b, "SELECT 1 FROM %s WHERE \"key\" = ?", k->table);
	if (rc == PS_OK)
		rc = ps_store_prepare(r->st, ps_buf_cstr(&b), &s);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_text(s, 1, key);
	if (rc == PS_OK)
		rc = ps_store_stmt_step(s);
	if (rc == PS_EOF)
		rc = PS_ENOENT;
	ps_store_stmt_finalize(s);
	ps_buf_release(&b);
	return rc;
}

/*
 * Check that each reference names a record: "field 'operator': no
 * operator 'OP-9'" (PS_ENOENT). Assessments name their target by kind and
 * key in two text fields.
 */
static int check_refs(struct ps_registry *r, const struct ps_reg_record *rec,
		      struct ps_diag *fd)
{
	const struct ps_reg_kind *k = rec->kind;
	int rc;

	for (size_t i = 0; i < k->n_fields; i++) {
		const struct ps_reg_field *f = &k->fields[i];
		const struct ps_reg_kind *t;
		const char *v = rec->vals[i];

		if (v == NULL)
			continue;
		if (f->type == PS_REG_REF)
			t = ps_reg_kind_find(f->arg);
		else if (strcmp(k->name, "assessment") == 0 && strcmp(f->name, "target") == 0)
			t = ps_reg_kind_find(ps_reg_record_get(rec, "target_kind"));
		else
			continue;
		if (t == NULL)
			continue;
		if (t == k && rec->key != NULL && strcmp(v, rec->key) == 0) {
			ps_diag_set(fd, "field '%s': a %s cannot refer to itself", f->name, k->name);
			return PS_EINVAL;
		}
		rc = key_exists(r, t, v);
		if (rc == PS_ENOENT)
			ps_diag_set(fd, "field '%s': no %s '%s'", f->name, t->name, v);
		if (rc != PS_OK)
			return rc;
	}
	return PS_OK;
}

/*
 * Next free generated key "<prefix>-<n>". The upsert first locks the
 * prefix's row (PostgreSQL) or takes the write lock (SQLite), so two
 * writers never pick the same number.
 */
static int gen_key(struct ps_registry *r, const struct ps_reg_kind *k, char **out)
{
	struct ps_stmt *s = NULL;
	char key[64];
	int64_t n = 1;
	int rc;

	rc = ps_store_prepare(r->st, "INSERT INTO reg_key_seq (prefix, next_n) VALUES (?, 1) "
			      "ON CONFLICT (prefix) DO UPDATE SET next_n = reg_key_seq.next_n "
			      "RETURNING next_n", &s);
	if (rc == PS_OK && (rc = ps_store_stmt_bind_text(s, 1, k->prefix)) == PS_OK &&
	    (rc = ps_store_stmt_step(s)) == PS_OK)
		n = ps_store_stmt_column_int64(s, 0);
	ps_store_stmt_finalize(s);
	if (rc != PS_OK)
		return rc == PS_EOF ? PS_EDB : rc;
	for (;; n++) {
		snprintf(key, sizeof(key), "%s-%" PRId64, k->prefix, n);
		rc = key_exists(r, k, key);
		if (rc == PS_ENOENT)
			break;
		if (rc != PS_OK)
			return rc;
	}
	rc = ps_store_prepare(r->st, "UPDATE reg_key_seq SET next_n = ? WHERE prefix = ?", &s);
	if (rc == PS_OK && (rc = ps_store_stmt_bind_int64(s, 1, n + 1)) == PS_OK &&
	    (rc = ps_store_stmt_bind_text(s, 2, k->prefix)) == PS_OK)
		rc = ps_store_stmt_step(s);
	ps_store_stmt_finalize(s);
	if (rc != PS_EOF)
		return rc == PS_OK ? PS_EDB : rc;
	*out = ps_strdup(PS_MEM_REGISTRY, key);
	return *out == NULL ? PS_ENOMEM : PS_OK;
}

/* ---- writes ----------------------------------------------------------------------- */

static int insert_row(struct ps_registry *r, const struct ps_reg_record *rec)
{
	const struct ps_reg_kind *k = rec->kind;
	struct ps_buf b = PS_BUF_INIT(PS_MEM_REGISTRY, SQL_MAX);
	struct ps_stmt *s = NULL;
	int rc, idx, n = 3;

	rc = ps_buf_addf(&b, "INSERT INTO %s (", k->table);
	for (size_t i = 0; rc == PS_OK && i < k->n_fields; i++) {
		const struct ps_reg_field *f = &k->fields[i];

		rc = ps_buf_addf(&b, "\"%s\", ", f->name);
		n++;
		if (rc == PS_OK && ps_reg_field_has_range(k, f)) {
			rc = ps_buf_addf(&b, "\"%s_lo\", \"%s_hi\", ", f->name, f->name);
			n += 2;
		}
	}
	if (rc == PS_OK)
		rc = ps_buf_addstr(&b, "\"key\", created_us, updated_us) VALUES (?");
	for (int i = 1; rc == PS_OK && i < n; i++)
		rc = ps_buf_addstr(&b, ", ?");
	if (rc == PS_OK)
		rc = ps_buf_addch(&b, ')');
	if (rc == PS_OK)
		rc = ps_store_prepare(r->st, ps_buf_cstr(&b), &s);
	if (rc == PS_OK)
		rc = bind_fields(s, rec, &idx);
	if (rc == PS_OK && (rc = ps_store_stmt_bind_text(s, idx, rec->key)) == PS_OK &&
	    (rc = ps_store_stmt_bind_int64(s, idx + 1, rec->created_us)) == PS_OK &&
	    (rc = ps_store_stmt_bind_int64(s, idx + 2, rec->updated_us)) == PS_OK)
		rc = ps_store_stmt_step(s);
	ps_store_stmt_finalize(s);
	ps_buf_release(&b);
	return rc == PS_EOF ? PS_OK : rc == PS_OK ? PS_EDB : rc;
}

static int update_row(struct ps_registry *r, const struct ps_reg_record *rec)
{
	const struct ps_reg_kind *k = rec->kind;
	struct ps_buf b = PS_BUF_INIT(PS_MEM_REGISTRY, SQL_MAX);
	struct ps_stmt *s = NULL;
	int rc, idx;

	rc = ps_buf_addf(&b, "UPDATE %s SET ", k->table);
	for (size_t i = 0; rc == PS_OK && i < k->n_fields; i++) {
		const struct ps_reg_field *f = &k->fields[i];

		rc = ps_buf_addf(&b, "\"%s\" = ?, ", f->name);
		if (rc == PS_OK && ps_reg_field_has_range(k, f))
			rc = ps_buf_addf(&b, "\"%s_lo\" = ?, \"%s_hi\" = ?, ", f->name, f->name);
	}
	if (rc == PS_OK)
		rc = ps_buf_addstr(&b, "updated_us = ? WHERE \"key\" = ?");
	if (rc == PS_OK)
		rc = ps_store_prepare(r->st, ps_buf_cstr(&b), &s);
	if (rc == PS_OK)
		rc = bind_fields(s, rec, &idx);
	if (rc == PS_OK && (rc = ps_store_stmt_bind_int64(s, idx, rec->updated_us)) == PS_OK &&
	    (rc = ps_store_stmt_bind_text(s, idx + 1, rec->key)) == PS_OK)
		rc = ps_store_stmt_step(s);
	ps_store_stmt_finalize(s);
	ps_buf_release(&b);
	return rc == PS_EOF ? PS_OK : rc == PS_OK ? PS_EDB : rc;
}

/* Run the hook and commit, or roll back; the transaction is open. */
static int finish(struct ps_registry *r, int rc, const char *op,
		  const struct ps_reg_record *before, const struct ps_reg_record *after,
		  const char *label, struct ps_diag *d)
{
	if (rc == PS_OK && r->on_change != NULL) {
		rc = r->on_change(r->on_change_arg, op, before, after);
		if (rc != PS_OK)
			ps_diag_set(d, "%s: the change was refused by its hook (%s)", label,
				    ps_strerror(rc));
	}
	if (rc == PS_OK) {
		rc = ps_store_commit(r->st);
		if (rc != PS_OK)
			return db_fail(r, label, rc, d);
		return PS_OK;
	}
	if (ps_store_rollback(r->st) != PS_OK)
		return rc; /* the store rolled back what it could */
	return rc;
}

/* A message for a failed reference check: the field's, or the store's. */
static int ref_fail(struct ps_registry *r, int rc, const char *label,
		    const struct ps_diag *fd, struct ps_diag *d)
{
	if (rc == PS_ENOENT || rc == PS_EINVAL)
		ps_diag_set(d, "%s: %s", label, fd->msg);
	else
		db_fail(r, label, rc, d);
	return rc;
}

/* Give rec a key (generated when empty); PS_EEXIST when it is taken. */
static int claim_key(struct ps_registry *r, struct ps_reg_record *rec)
{
	int rc;

	if (rec->key == NULL)
		return gen_key(r, rec->kind, &rec->key);
	rc = key_exists(r, rec->kind, rec->key);
	return rc == PS_OK ? PS_EEXIST : rc == PS_ENOENT ? PS_OK : rc;
}

int ps_reg_insert(struct ps_registry *r, struct ps_reg_record *rec, struct ps_diag *d)
{
	struct ps_diag fd = {{0}};
	char label[200];
	int rc;

	rc = ps_reg_validate(r, rec, d);
	if (rc != PS_OK)
		return rc;
	ps_reg_record_label(rec, label, sizeof(label));
	rc = ps_store_begin(r->st);
	if (rc != PS_OK)
		return db_fail(r, label, rc, d);
	rc = check_refs(r, rec, &fd);
	if (rc != PS_OK) {
		ref_fail(r, rc, label, &fd, d);
		goto out;
	}
	rc = claim_key(r, rec);
	ps_reg_record_label(rec, label, sizeof(label));
	if (rc == PS_EEXIST)
		ps_diag_set(d, "%s already exists", label);
	if (rc != PS_OK) {
		if (rc != PS_EEXIST)
			db_fail(r, label, rc, d);
		goto out;
	}
	rec->created_us = rec->updated_us = ps_time_now_us();
	rc = insert_row(r, rec);
	if (rc != PS_OK)
		db_fail(r, label, rc, d);
out:
	return finish(r, rc, "insert", NULL, rec, label, d);
}

/* Fetch one row of `k` by key. */
static int get_row(struct ps_registry *r, const struct ps_reg_kind *k, const char *key,
		   struct ps_reg_record **out)
{
	struct ps_buf b = PS_BUF_INIT(PS_MEM_REGISTRY, SQL_MAX);
	struct ps_stmt *s = NULL;
	int rc;

	*out = NULL;
	rc = select_sql(&b, k);
	if (rc == PS_OK)
		rc = ps_buf_addstr(&b, " WHERE \"key\" = ?");
	if (rc == PS_OK)
		rc = ps_store_prepare(r->st, ps_buf_cstr(&b), &s);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_text(s, 1, key);
	if (rc == PS_OK)
		rc = ps_store_stmt_step(s);
	if (rc == PS_OK)
		rc = row_record(s, k, out);
	else if (rc == PS_EOF)
		rc = PS_ENOENT;
	ps_store_stmt_finalize(s);
	ps_buf_release(&b);
	return rc;
}

int ps_reg_get(struct ps_registry *r, const struct ps_reg_kind *k, const char *key,
	       struct ps_reg_record **out)
{
	*out = NULL;
	if (k == NULL || key == NULL || key[0] == '\0')
		return PS_ENOENT;
	return get_row(r, k, key, out);
}

/* Whether two optional strings are equal. */
static bool same(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

/*
 * Catalogue rule: an entry with filed values whose PS_REG_F_FILED fields
 * now differ from them gets change_date = today, unless the caller set a
 * change date or one is already recorded (the first change starts the
 * clock of the change filing).
 */
static int catalog_rule(struct ps_registry *r, const struct ps_reg_record *old,
			struct ps_reg_record *rec)
{
	const struct ps_reg_kind *k = rec->kind;
	int ic = ps_reg_field_find(k, "change_date");
	const char *fv = ps_reg_record_get(rec, "filed_values");
	char today[PS_DATE_FMT_SIZE];
	bool changed = false;
	json_t *j;

	if (strcmp(k->name, "catalog") != 0 || ic < 0 || fv == NULL ||
	    rec->vals[ic] != NULL || old->vals[ic] != NULL)
		return PS_OK;
	j = json_loads(fv, 0, NULL);
	if (j == NULL)
		return PS_OK;
	for (size_t i = 0; i < k->n_fields && !changed; i++) {
		json_t *v = json_object_get(j, k->fields[i].name);

		if (k->fields[i].flags & PS_REG_F_FILED)
			changed = !same(json_is_string(v) ? json_string_value(v) : NULL,
					rec->vals[i]);
	}
	json_decref(j);
	if (!changed)
		return PS_OK;
	if (ps_date_fmt(r->today, today, sizeof(today)) != PS_OK)
		return PS_EINVAL;
	return ps_reg_record_set(rec, "change_date", today);
}

int ps_reg_update(struct ps_registry *r, struct ps_reg_record *rec, struct ps_diag *d)
{
	struct ps_reg_record *old = NULL;
	struct ps_diag fd = {{0}};
	char label[200];
	int rc;

	rc = ps_reg_validate(r, rec, d);
	if (rc != PS_OK)
		return rc;
	ps_reg_record_label(rec, label, sizeof(label));
	if (rec->key == NULL) {
		ps_diag_set(d, "%s: no key to update", label);
		return PS_EINVAL;
	}
	rc = ps_store_begin(r->st);
	if (rc != PS_OK)
		return db_fail(r, label, rc, d);
	rc = get_row(r, rec->kind, rec->key, &old);
	if (rc == PS_ENOENT)
		ps_diag_set(d, "no %s", label);
	else if (rc != PS_OK)
		db_fail(r, label, rc, d);
	if (rc == PS_OK && (rc = catalog_rule(r, old, rec)) != PS_OK)
		ps_diag_set(d, "%s: %s", label, ps_strerror(rc));
	if (rc == PS_OK && (rc = check_refs(r, rec, &fd)) != PS_OK)
		ref_fail(r, rc, label, &fd, d);
	if (rc == PS_OK) {
		rec->created_us = old->created_us;
		rec->updated_us = ps_time_now_us();
		rc = update_row(r, rec);
		if (rc != PS_OK)
			db_fail(r, label, rc, d);
	}
	rc = finish(r, rc, "update", old, rec, label, d);
	ps_reg_record_free(old);
	return rc;
}

int ps_reg_upsert(struct ps_registry *r, struct ps_reg_record *rec, bool *inserted,
		  struct ps_diag *d)
{
	int rc = PS_ENOENT;

	*inserted = false;
	if (rec->key != NULL && rec->key[0] != '\0') {
		rc = key_exists(r, rec->kind, rec->key);
		if (rc != PS_OK && rc != PS_ENOENT) {
			char label[200];

			ps_reg_record_label(rec, label, sizeof(label));
			return db_fail(r, label, rc, d);
		}
	}
	if (rc == PS_OK)
		return ps_reg_update(r, rec, d);
	rc = ps_reg_insert(r, rec, d);
	*inserted = rc == PS_OK;
	return rc;
}

/* First record that refers to `key` of `k` by a field of `by`, into msg. */
static int referrer_in(struct ps_registry *r, const struct ps_reg_kind *k,
		       const struct ps_reg_kind *by, const struct ps_reg_field *f,
		       const char *key, char *msg, size_t n)
{
	struct ps_buf b = PS_BUF_INIT(PS_MEM_REGISTRY, SQL_MAX);
	bool target = f->type != PS_REG_REF;
	struct ps_stmt *s = NULL;
	int rc;

	rc = ps_buf_addf(&b, "SELECT \"key\" FROM %s WHERE \"%s\" = ?%s ORDER BY \"key\" "
			 "LIMIT 1", by->table, f->name, target ? " AND target_kind = ?" : "");
	if (rc == PS_OK)
		rc = ps_store_prepare(r->st, ps_buf_cstr(&b), &s);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_text(s, 1, key);
	if (rc == PS_OK && target)
		rc = ps_store_stmt_bind_text(s, 2, k->name);
	if (rc == PS_OK)
		rc = ps_store_stmt_step(s);
	if (rc == PS_OK) {
		snprintf(msg, n, "%s '%s' refers to it (field '%s')", by->name,
			 ps_store_stmt_column_text(s, 0), f->name);
		rc = PS_EEXIST;
	} else if (rc == PS_EOF) {
		rc = PS_OK;
	}
	ps_store_stmt_finalize(s);
	ps_buf_release(&b);
	return rc;
}

/* PS_EEXIST with the referrer in msg while anything refers to k/key. */
static int find_referrer(struct ps_registry *r, const struct ps_reg_kind *k,
			 const char *key, char *msg, size_t n)
{
	int rc = PS_OK;

	for (size_t i = 0; rc == PS_OK && i < ps_reg_kind_count(); i++) {
		const struct ps_reg_kind *by = ps_reg_kind_at(i);

		for (size_t j = 0; rc == PS_OK && j < by->n_fields; j++) {
			const struct ps_reg_field *f = &by->fields[j];
			bool target = strcmp(by->name, "assessment") == 0 &&
				strcmp(f->name, "target") == 0;

			if ((f->type == PS_REG_REF && strcmp(f->arg, k->name) == 0) || target)
				rc = referrer_in(r, k, by, f, key, msg, n);
		}
	}
	return rc;
}

int ps_reg_delete(struct ps_registry *r, const struct ps_reg_kind *k, const char *key,
		  struct ps_diag *d)
{
	struct ps_buf b = PS_BUF_INIT(PS_MEM_REGISTRY, SQL_MAX);
	struct ps_reg_record *old = NULL;
	struct ps_stmt *s = NULL;
	char label[200], why[300];
	int rc;

	snprintf(label, sizeof(label), "%s '%s'", k->name, key != NULL ? key : "");
	rc = ps_store_begin(r->st);
	if (rc != PS_OK)
		return db_fail(r, label, rc, d);
	rc = key == NULL ? PS_ENOENT : get_row(r, k, key, &old);
	if (rc == PS_ENOENT)
		ps_diag_set(d, "no %s", label);
	if (rc == PS_OK) {
		rc = find_referrer(r, k, key, why, sizeof(why));
		if (rc == PS_EEXIST)
			ps_diag_set(d, "cannot delete %s: %s", label, why);
	}
	if (rc == PS_OK && (rc = ps_buf_addf(&b, "DELETE FROM %s WHERE \"key\" = ?",
					     k->table)) == PS_OK &&
	    (rc = ps_store_prepare(r->st, ps_buf_cstr(&b), &s)) == PS_OK &&
	    (rc = ps_store_stmt_bind_text(s, 1, key)) == PS_OK) {
		rc = ps_store_stmt_step(s);
		rc = rc == PS_EOF ? PS_OK : rc == PS_OK ? PS_EDB : rc;
	}
	ps_store_stmt_finalize(s);
	ps_buf_release(&b);
	if (rc != PS_OK && rc != PS_ENOENT && rc != PS_EEXIST)
		db_fail(r, label, rc, d);
	rc = finish(r, rc, "delete", old, NULL, label, d);
	ps_reg_record_free(old);
	return rc;
}

/* ---- reads ------------------------------------------------------------------------ */

/*
 * Append the filter's WHERE clause and bind nothing yet: values are
 * normalised into vals[] (owned) for binding in order. PS_EINVAL for an
 * unknown field or a value its type refuses.
 */
static int where_sql(struct ps_registry *r, const struct ps_reg_kind *k,
		     const struct ps_reg_filter *f, struct ps_buf *b, char **vals,
		     const struct ps_reg_field **fields)
{
	static const struct ps_reg_field keyf = {"key", "编号", PS_REG_TEXT, 0, NULL, NULL};
	int rc = PS_OK;

	for (size_t i = 0; f != NULL && i < f->n && rc == PS_OK; i++) {
		int fi = f->field[i] != NULL ? ps_reg_field_find(k, f->field[i]) : -1;

		if (fi == -1 || i >= PS_REG_FILTER_MAX)
			return PS_EINVAL;
		fields[i] = fi == -2 ? &keyf : &k->fields[fi];
		rc = ps_reg_value_check(r, fields[i], f->value[i], &vals[i], NULL);
		if (rc != PS_OK)
			return rc;
		rc = ps_buf_addf(b, "%s \"%s\" %s", i == 0 ? " WHERE" : " AND",
				 fields[i]->name, vals[i] == NULL ? "IS NULL" : "= ?");
	}
	return rc;
}

static int bind_where(struct ps_stmt *s, const struct ps_reg_filter *f, char **vals,
		      const struct ps_reg_field **fields, int *idx)
{
	int rc = PS_OK;

	for (size_t i = 0; f != NULL && i < f->n && rc == PS_OK; i++)
		if (vals[i] != NULL)
			rc = bind_value(s, (*idx)++, fields[i], vals[i]);
	return rc;
}

struct query {
	struct ps_buf sql;
	char *vals[PS_REG_FILTER_MAX];
	const struct ps_reg_field *fields[PS_REG_FILTER_MAX];
	struct ps_stmt *s;
};

static void query_release(struct query *q)
{
	ps_store_stmt_finalize(q->s);
	for (size_t i = 0; i < PS_REG_FILTER_MAX; i++)
		ps_free(q->vals[i]);
	ps_buf_release(&q->sql);
}

int ps_reg_list(struct ps_registry *r, const struct ps_reg_kind *k,
		const struct ps_reg_filter *f, ps_reg_record_fn fn, void *arg)
{
	struct query q = {.sql = PS_BUF_INIT(PS_MEM_REGISTRY, SQL_MAX)};
	int rc, idx = 1;

	if (f != NULL && f->n > PS_REG_FILTER_MAX)
		return PS_EINVAL;
	rc = select_sql(&q.sql, k);
	if (rc == PS_OK)
		rc = where_sql(r, k, f, &q.sql, q.vals, q.fields);
	if (rc == PS_OK)
		rc = ps_buf_addstr(&q.sql, " ORDER BY \"key\" LIMIT ? OFFSET ?");
	if (rc == PS_OK)
		rc = ps_store_prepare(r->st, ps_buf_cstr(&q.sql), &q.s);
	if (rc == PS_OK)
		rc = bind_where(q.s, f, q.vals, q.fields, &idx);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_int64(q.s, idx, f != NULL && f->limit > 0 ?
					      f->limit : INT64_MAX);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_int64(q.s, idx + 1, f != NULL && f->offset > 0 ?
					      f->offset : 0);
	while (rc == PS_OK && (rc = ps_store_stmt_step(q.s)) == PS_OK) {
		struct ps_reg_record *rec;

		rc = row_record(q.s, k, &rec);
		if (rc != PS_OK)
			break;
		rc = fn(arg, rec);
		ps_reg_record_free(rec);
	}
	query_release(&q);
	return rc == PS_EOF ? PS_OK : rc;
}

int ps_reg_count(struct ps_registry *r, const struct ps_reg_kind *k,
		 const struct ps_reg_filter *f, int64_t *n)
{
	struct query q = {.sql = PS_BUF_INIT(PS_MEM_REGISTRY, SQL_MAX)};
	int rc, idx = 1;

	*n = 0;
	if (f != NULL && f->n > PS_REG_FILTER_MAX)
		return PS_EINVAL;
	rc = ps_buf_addf(&q.sql, "SELECT COUNT(*) FROM %s", k->table);
	if (rc == PS_OK)
		rc = where_sql(r, k, f, &q.sql, q.vals, q.fields);
	if (rc == PS_OK)
		rc = ps_store_prepare(r->st, ps_buf_cstr(&q.sql), &q.s);
	if (rc == PS_OK)
		rc = bind_where(q.s, f, q.vals, q.fields, &idx);
	if (rc == PS_OK)
		rc = ps_store_stmt_step(q.s);
	if (rc == PS_OK)
		*n = ps_store_stmt_column_int64(q.s, 0);
	query_release(&q);
	return rc == PS_EOF ? PS_EDB : rc;
}

/* ---- actions ---------------------------------------------------------------------- */

/* The filed values of a catalogue entry as a compact JSON object. */
static char *filed_json(const struct ps_reg_record *rec)
{
	const struct ps_reg_kind *k = rec->kind;
	json_t *j = json_object();
	char *out = NULL;
	bool ok = j != NULL;

	for (size_t i = 0; ok && i < k->n_fields; i++) {
		if (!(k->fields[i].flags & PS_REG_F_FILED))
			continue;
		ok = json_object_set_new(j, k->fields[i].name, rec->vals[i] != NULL ?
					 json_string(rec->vals[i]) : json_null()) == 0;
	}
	if (ok) {
		size_t flags = JSON_COMPACT | JSON_PRESERVE_ORDER;
		size_t n = json_dumpb(j, NULL, 0, flags);

		out = n > 0 ? ps_malloc(PS_MEM_REGISTRY, n + 1) : NULL;
		if (out != NULL && json_dumpb(j, out, n, flags) == n)
			out[n] = '\0';
		else if (out != NULL) {
			ps_free(out);
			out = NULL;
		}
	}
	json_decref(j);
	return out;
}

int ps_reg_catalog_file(struct ps_registry *r, const char *key, struct ps_date date,
			struct ps_diag *d)
{
	const struct ps_reg_kind *k = ps_reg_kind_find("catalog");
	struct ps_reg_record *rec = NULL;
	char ds[PS_DATE_FMT_SIZE], *fv = NULL;
	int rc;

	if (ps_date_fmt(date, ds, sizeof(ds)) != PS_OK) {
		ps_diag_set(d, "catalog '%s': the filing date is not a real date",
			    key != NULL ? key : "");
		return PS_EINVAL;
	}
	rc = ps_reg_get(r, k, key, &rec);
	if (rc == PS_ENOENT)
		ps_diag_set(d, "no catalog '%s'", key != NULL ? key : "");
	else if (rc != PS_OK)
		db_fail(r, "catalog", rc, d);
	if (rc != PS_OK)
		return rc;
	fv = filed_json(rec);
	rc = fv == NULL ? PS_ENOMEM : PS_OK;
	if (rc == PS_OK && (rc = ps_reg_record_set(rec, "filed_values", fv)) == PS_OK &&
	    (rc = ps_reg_record_set(rec, "filed_date", ds)) == PS_OK &&
	    (rc = ps_reg_record_set(rec, "change_date", NULL)) == PS_OK)
		rc = ps_reg_update(r, rec, d);
	else if (rc == PS_ENOMEM)
		ps_diag_set(d, "catalog '%s': out of memory", key);
	ps_free(fv);
	ps_reg_record_free(rec);
	return rc;
}

/* hi - lo of two sortable keys, compared as 128-bit numbers: a < b. */
static bool narrower(const char *alo, const char *ahi, const char *blo, const char *bhi)
{
	uint8_t da[16], db[16];
	const char *x[4] = {alo + 2, ahi + 2, blo + 2, bhi + 2};
	uint8_t v[4][16];

	for (int i = 0; i < 4; i++)
		for (int j = 0; j < 16; j++) {
			char h[3] = {x[i][2 * j], x[i][2 * j + 1], '\0'};

			v[i][j] = (uint8_t)strtoul(h, NULL, 16);
		}
	for (int i = 15, ca = 0, cb = 0; i >= 0; i--) {
		int ta = v[1][i] - v[0][i] - ca, tb = v[3][i] - v[2][i] - cb;

		ca = ta < 0;
		cb = tb < 0;
		da[i] = (uint8_t)(ta + (ca ? 256 : 0));
		db[i] = (uint8_t)(tb + (cb ? 256 : 0));
	}
	return memcmp(da, db, 16) < 0;
}

int ps_reg_find_asset_by_ip(struct ps_registry *r, const char *ip,
			    struct ps_reg_record **out)
{
	const struct ps_reg_kind *k = ps_reg_kind_find("asset");
	struct ps_buf b = PS_BUF_INIT(PS_MEM_REGISTRY, SQL_MAX);
	char key[PS_REG_SORTKEY_SIZE], blo[PS_REG_SORTKEY_SIZE] = "", bhi[PS_REG_SORTKEY_SIZE];
	uint8_t lo[16], hi[16];
	struct ps_stmt *s = NULL;
	bool v6;
	int rc, nc = (int)k->n_fields + 3;

	*out = NULL;
	if (ip == NULL || ps_reg_iprange_parse(ip, lo, hi, &v6) != PS_OK ||
	    memcmp(lo, hi, 16) != 0)
		return PS_EINVAL;
	ps_reg_sortkey(lo, v6, key);
	rc = ps_buf_addstr(&b, "SELECT ");
	if (rc == PS_OK)
		rc = add_columns(&b, k);
	if (rc == PS_OK)
		rc = ps_buf_addf(&b, ", address_lo, address_hi FROM %s WHERE address_lo <= ? "
				 "AND address_hi >= ? ORDER BY \"key\"", k->table);
	if (rc == PS_OK)
		rc = ps_store_prepare(r->st, ps_buf_cstr(&b), &s);
	if (rc == PS_OK && (rc = ps_store_stmt_bind_text(s, 1, key)) == PS_OK)
		rc = ps_store_stmt_bind_text(s, 2, key);
	while (rc == PS_OK && (rc = ps_store_stmt_step(s)) == PS_OK) {
		const char *l = ps_store_stmt_column_text(s, nc), *h = ps_store_stmt_column_text(s, nc + 1);

		if (l == NULL || h == NULL || strlen(l) != 34 || strlen(h) != 34)
			continue;
		if (blo[0] != '\0' && !narrower(l, h, blo, bhi))
			continue;
		snprintf(blo, sizeof(blo), "%s", l);
		snprintf(bhi, sizeof(bhi), "%s", h);
		ps_reg_record_free(*out);
		*out = NULL;
		rc = row_record(s, k, out);
	}
	ps_store_stmt_finalize(s);
	ps_buf_release(&b);
	if (rc == PS_EOF)
		rc = *out != NULL ? PS_OK : PS_ENOENT;
	if (rc != PS_OK) {
		ps_reg_record_free(*out);
		*out = NULL;
	}
	return rc;
}
