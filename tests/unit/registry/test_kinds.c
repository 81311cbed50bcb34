/* SPDX-License-Identifier: Apache-2.0 */
/* The kind descriptors: names unique, references point at earlier kinds,
 * every field has a Chinese header and help; and migration 3 on SQLite has
 * exactly their columns, types, foreign keys and indexes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/core.h"
#include "registry/registry.h"
#include "store/store.h"

static void test_descriptors(void **state)
{
	(void)state;
	assert_true(ps_reg_kind_count() >= 20);
	for (size_t i = 0; i < ps_reg_kind_count(); i++) {
		const struct ps_reg_kind *k = ps_reg_kind_at(i);

		assert_ptr_equal(ps_reg_kind_find(k->name), k);
		assert_ptr_equal(ps_reg_kind_find(k->plural), k);
		for (size_t j = 0; j < k->n_fields; j++) {
			const struct ps_reg_field *f = &k->fields[j];

			assert_non_null(f->zh);
			assert_non_null(f->help);
			assert_int_equal(ps_reg_field_find(k, f->name), (int)j);
			assert_int_equal(ps_reg_field_find(k, f->zh), (int)j);
			if (f->type == PS_REG_REF) {
				const struct ps_reg_kind *t = ps_reg_kind_find(f->arg);

				assert_non_null(t);
				/* dependency order: only earlier kinds (or itself) */
				assert_true(t <= k);
			}
			if (f->type == PS_REG_ENUM || f->type == PS_REG_LABEL)
				assert_non_null(f->arg);
		}
	}
	assert_null(ps_reg_kind_find("nosuch"));
}


static const char *sqlite_type(const struct ps_reg_field *f)
{
	switch (f->type) {
	case PS_REG_INT:
	case PS_REG_FLAG:
		return "INTEGER";
	case PS_REG_NUM:
		return "REAL";
	default:
		return "TEXT";
	}
}

static bool has_range(const struct ps_reg_kind *k, const struct ps_reg_field *f)
{
	return f->type == PS_REG_IPRANGE ||
		(strcmp(k->name, "asset") == 0 && strcmp(f->name, "address") == 0);
}

/* Column `i` of PRAGMA table_info is `name` of `type`. */
static void want_col(struct ps_stmt *s, const char *table, const char *name,
		     const char *type)
{
	int rc = ps_store_stmt_step(s);

	if (rc != PS_OK)
		fail_msg("%s: no column '%s' (%s)", table, name, ps_strerror(rc));
	if (strcmp(ps_store_stmt_column_text(s, 1), name) != 0 ||
	    strcmp(ps_store_stmt_column_text(s, 2), type) != 0)
		fail_msg("%s: column '%s %s', want '%s %s'", table,
			 ps_store_stmt_column_text(s, 1), ps_store_stmt_column_text(s, 2),
			 name, type);
}

static void check_columns(struct ps_store *st, const struct ps_reg_kind *k)
{
	struct ps_stmt *s;
	char sql[128];

	snprintf(sql, sizeof(sql), "PRAGMA table_info(%s)", k->table);
	assert_int_equal(ps_store_prepare(st, sql, &s), PS_OK);
	want_col(s, k->table, "id", "INTEGER");
	want_col(s, k->table, "key", "TEXT");
	for (size_t j = 0; j < k->n_fields; j++) {
		const struct ps_reg_field *f = &k->fields[j];
		char lo[64], hi[64];

		want_col(s, k->table, f->name, sqlite_type(f));
		if (!has_range(k, f))
			continue;
		snprintf(lo, sizeof(lo), "%s_lo", f->name);
		snprintf(hi, sizeof(hi), "%s_hi", f->name);
		want_col(s, k->table, lo, "TEXT");
		want_col(s, k->table, hi, "TEXT");
	}
	want_col(s, k->table, "created_us", "INTEGER");
	want_col(s, k->table, "updated_us", "INTEGER");
	assert_int_equal(ps_store_stmt_step(s), PS_EOF);
	ps_store_stmt_finalize(s);
}

/* Every REF field is a foreign key to its kind's key, and indexed. */
static void check_refs(struct ps_store *st, const struct ps_reg_kind *k)
{
	size_t nref = 0, nfk = 0;
	struct ps_stmt *s;
	char sql[160];

	for (size_t j = 0; j < k->n_fields; j++)
		nref += k->fields[j].type == PS_REG_REF;
	snprintf(sql, sizeof(sql), "PRAGMA foreign_key_list(%s)", k->table);
	assert_int_equal(ps_store_prepare(st, sql, &s), PS_OK);
	while (ps_store_stmt_step(s) == PS_OK) {
		const char *from = ps_store_stmt_column_text(s, 3);
		int i = ps_reg_field_find(k, from);

		assert_true(i >= 0);
		assert_int_equal(k->fields[i].type, PS_REG_REF);
		assert_string_equal(ps_store_stmt_column_text(s, 2),
				    ps_reg_kind_find(k->fields[i].arg)->table);
		assert_string_equal(ps_store_stmt_column_text(s, 4), "key");
		assert_string_equal(ps_store_stmt_column_text(s, 6), "RESTRICT");
		nfk++;
	}
	ps_store_stmt_finalize(s);
	assert_int_equal(nfk, nref);
	for (size_t j = 0; j < k->n_fields; j++) {
		const struct ps_reg_field *f = &k->fields[j];
		int64_t n = 0;

		if (f->type != PS_REG_REF && !has_range(k, f))
			continue;
		snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM sqlite_master WHERE "
			 "type = 'index' AND name = '%s_%s%s'", k->table, f->name,
			 f->type == PS_REG_REF ? "" : "_lo");
		assert_int_equal(ps_store_prepare(st, sql, &s), PS_OK);
		assert_int_equal(ps_store_stmt_step(s), PS_OK);
		n = ps_store_stmt_column_int64(s, 0);
		ps_store_stmt_finalize(s);
		if (n != 1)
			fail_msg("no index for %s.%s", k->table, f->name);
	}
}

static void test_migration(void **state)
{
	struct ps_store *st = NULL;
	struct ps_diag d = {{0}};

	(void)state;
	assert_int_equal(ps_store_open(":memory:", NULL, &st, &d), PS_OK);
	assert_int_equal(ps_store_migrate(st, NULL, NULL, &d), PS_OK);
	for (size_t i = 0; i < ps_reg_kind_count(); i++) {
		check_columns(st, ps_reg_kind_at(i));
		check_refs(st, ps_reg_kind_at(i));
	}
	ps_store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_descriptors),
		cmocka_unit_test(test_migration),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
