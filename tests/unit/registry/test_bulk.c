/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bulk import and export of the registry, against the backend named by
 * argv[1]: "sqlite" (default; fresh files per test) or "pgsql"
 * (PANSHI_TEST_PG_DSN, fresh schemas per test; exit 77 without it). The
 * CSV and YAML readers and their errors with line numbers, GBK input, all
 * or nothing (one bad row changes nothing and is named), references
 * forward in one import, dry runs, partial updates, round trips through
 * YAML and CSV between two stores, and the filing table.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "cli/cli.h"
#include "core/core.h"
#include "policy/policy.h"
#include "registry/bulk.h"
#include "registry/registry.h"
#include "store/store.h"

#define OK(x) assert_int_equal((x), PS_OK)
#define NSTORE 2

struct fx {
	struct ps_store *st[NSTORE];
	struct ps_registry r[NSTORE];
	struct ps_store_settings set[NSTORE];
	char spec[NSTORE][512];
	char schema[NSTORE][64];
	char errs[8192]; /* errors of the last import, one per line */
};

#define REG_FX_NAME "bulk"
#include "reg_fixture.h"

static int setup(void **state)
{
	struct fx *f = ps_calloc(PS_MEM_TEST, 1, sizeof(*f));

	if (f == NULL)
		return -1;
	*state = f;
	for (int i = 0; i < NSTORE; i++) {
		if (reg_store_open(&f->st[i], &f->set[i], &f->r[i], f->spec[i],
				   f->schema[i]) != 0)
			return -1;
		f->r[i].today = (struct ps_date){2026, 3, 1};
	}
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	for (int i = 0; i < NSTORE; i++)
		if (reg_store_close(f->st[i], f->spec[i], f->schema[i]) != 0)
			return -1;
	ps_free(f);
	return 0;
}

/* ---- helpers ---------------------------------------------------------------------- */

static const char *data(const char *rel)
{
	static char path[4][1024];
	static int next;
	const char *src = getenv("PANSHI_SOURCE_DIR");

	next = (next + 1) % 4;
	snprintf(path[next], sizeof(path[next]), "%s/tests/data/registry/%s",
		 src != NULL ? src : ".", rel);
	return path[next];
}

static void join_errors(const struct ps_reg_bulk *b, char *out, size_t cap)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < ps_reg_bulk_errors_kept(b) && used < cap; i++)
		used += (size_t)snprintf(out + used, cap - used, "%s\n", ps_reg_bulk_error_at(b, i));
}

/* Import a file or directory into store s; errors land in f->errs. */
static int import(struct fx *f, int s, const char *path, const struct ps_reg_kind *k,
		  enum ps_reg_enc enc, bool dry, struct ps_reg_bulk_report *rep)
{
	struct ps_reg_bulk b;
	struct ps_reg_bulk_report tmp;
	int rc;

	OK(ps_reg_bulk_init(&b));
	b.enc = enc;
	rc = ps_reg_bulk_read(&b, path, PS_REG_BULK_AUTO, k);
	if (rc != PS_ENOMEM)
		rc = ps_reg_bulk_apply(&f->r[s], &b, dry, rep != NULL ? rep : &tmp);
	join_errors(&b, f->errs, sizeof(f->errs));
	if (rc == PS_OK)
		assert_int_equal(b.n_errors, 0);
	ps_reg_bulk_release(&b);
	return rc;
}

/* Parse text only (no store); errors land in out. Returns the parse's code. */
static int parse(const char *name, enum ps_reg_bulk_fmt fmt, const char *text,
		 struct ps_reg_bulk *b, char *out, size_t cap)
{
	int rc;

	OK(ps_reg_bulk_init(b));
	rc = ps_reg_bulk_parse(b, name, fmt, NULL, text, strlen(text));
	join_errors(b, out, cap);
	return rc;
}

static int import_text(struct fx *f, int s, const char *name, const char *text,
		       struct ps_reg_bulk_report *rep)
{
	struct ps_reg_bulk b;
	struct ps_reg_bulk_report tmp;
	int rc = parse(name, PS_REG_BULK_AUTO, text, &b, f->errs, sizeof(f->errs));

	if (rc != PS_ENOMEM)
		rc = ps_reg_bulk_apply(&f->r[s], &b, false, rep != NULL ? rep : &tmp);
	join_errors(&b, f->errs, sizeof(f->errs));
	ps_reg_bulk_release(&b);
	return rc;
}

static int64_t count(struct fx *f, int s, const char *kind)
{
	int64_t n = -1;

	OK(ps_reg_count(&f->r[s], ps_reg_kind_find(kind), NULL, &n));
	return n;
}

/* Counts of every kind, to compare before and after. */
static void counts(struct fx *f, int s, int64_t out[PS_REG_BULK_KINDS_MAX])
{
	for (size_t i = 0; i < ps_reg_kind_count(); i++)
		OK(ps_reg_count(&f->r[s], ps_reg_kind_at(i), NULL, &out[i]));
}

/* The value of one field, copied into a static buffer ("<none>" when absent). */
static const char *val(struct fx *f, int s, const char *kind, const char *key,
		       const char *field)
{
	static char buf[512];
	struct ps_reg_record *rec = NULL;
	const char *v;

	if (ps_reg_get(&f->r[s], ps_reg_kind_find(kind), key, &rec) != PS_OK)
		return "<none>";
	v = ps_reg_record_get(rec, field);
	snprintf(buf, sizeof(buf), "%s", v != NULL ? v : "");
	ps_reg_record_free(rec);
	return buf;
}

static const struct ps_reg_bulk_count *kc(const struct ps_reg_bulk_report *rep,
					  const char *kind)
{
	return &rep->kind[ps_reg_kind_index(ps_reg_kind_find(kind))];
}

static void expect_counts(const struct ps_reg_bulk_report *rep, const char *kind,
			  int64_t ins, int64_t upd, int64_t same)
{
	const struct ps_reg_bulk_count *c = kc(rep, kind);

	if (c->inserted != ins || c->updated != upd || c->unchanged != same)
		fail_msg("%s: %" PRId64 "/%" PRId64 "/%" PRId64 ", want %" PRId64 "/%" PRId64
			 "/%" PRId64, kind, c->inserted, c->updated, c->unchanged, ins, upd,
			 same);
}

/* Export with `o` from store s into a new string (ps_free). */
static char *export_mem(struct fx *f, int s, const struct ps_reg_export_opts *o,
			int64_t *n)
{
	FILE *m = tmpfile();
	struct ps_diag d = {{0}};
	char *p;
	long len;
	int rc;

	assert_non_null(m);
	rc = ps_reg_export(&f->r[s], o, m, n, &d);
	if (rc != PS_OK)
		fail_msg("export: %s", d.msg);
	len = ftell(m);
	assert_true(len >= 0);
	p = ps_malloc(PS_MEM_TEST, (size_t)len + 1);
	assert_non_null(p);
	rewind(m);
	assert_int_equal(fread(p, 1, (size_t)len, m), (size_t)len);
	p[len] = '\0';
	fclose(m);
	return p;
}

static void write_file(const char *path, const char *text, size_t len)
{
	FILE *w = fopen(path, "wb");

	assert_non_null(w);
	assert_int_equal(fwrite(text, 1, len, w), len);
	fclose(w);
}

static void rm_tree(const char *dir)
{
	char cmd[1200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* ---- the readers, without a store ------------------------------------------------- */

static void test_kind_and_format_from_name(void **state)
{
	(void)state;
	assert_ptr_equal(ps_reg_bulk_kind_from_name("units.csv"), ps_reg_kind_find("unit"));
	assert_ptr_equal(ps_reg_bulk_kind_from_name("x/y/unit.csv"), ps_reg_kind_find("unit"));
	assert_ptr_equal(ps_reg_bulk_kind_from_name("网络单元.csv"), ps_reg_kind_find("unit"));
	assert_ptr_equal(ps_reg_bulk_kind_from_name("dir/Assets.CSV"), ps_reg_kind_find("asset"));
	assert_null(ps_reg_bulk_kind_from_name("units-2026.csv"));
	assert_null(ps_reg_bulk_kind_from_name(".csv"));
	assert_int_equal(ps_reg_bulk_fmt_from_name("a.YML"), PS_REG_BULK_YAML);
	assert_int_equal(ps_reg_bulk_fmt_from_name("a.csv"), PS_REG_BULK_CSV);
	assert_int_equal(ps_reg_bulk_fmt_from_name("a.xlsx"), PS_REG_BULK_AUTO);
	assert_int_equal(ps_reg_bulk_fmt_from_name("noext"), PS_REG_BULK_AUTO);
}

/* Row i's position and a field value. */
static const struct ps_reg_bulk_row *row_at(const struct ps_reg_bulk *b, size_t i)
{
	const struct ps_reg_bulk_row *r = PS_VEC_AT(&b->rows, struct ps_reg_bulk_row, i);

	assert_non_null(r);
	return r;
}

static const char *row_val(const struct ps_reg_bulk_row *r, const char *field)
{
	const char *v = ps_reg_record_get(r->rec, field);

	return v != NULL ? v : "<null>";
}

static void test_csv_reader(void **state)
{
	/* BOM, CRLF, a quoted cell over two lines, a blank line, a row of empty
	 * cells (skipped), Chinese headers, the formula guard, trimming */
	static const char text[] =
		"\xef\xbb\xbf" "编号,name,type,level,grading_factors\r\n"
		"U-1, 核心网 ,basic_telecom,5,\"规模大,\r\n用户多\"\r\n"
		"\r\n"
		",,,,\r\n"
		"U-2,\" 带空格 \",idc,'=3,'+1\r\n"
		"  U-3  ,x,dns,2,''x\r\n"
		"U-4,y,cdn,1,'x\r\n";
	struct ps_reg_bulk b;
	char errs[2048];
	const struct ps_reg_bulk_row *r;

	(void)state;
	OK(parse("units.csv", PS_REG_BULK_AUTO, text, &b, errs, sizeof(errs)));
	assert_int_equal(ps_vec_len(&b.rows), 4);
	r = row_at(&b, 0);
	assert_int_equal(r->at.line, 2);
	assert_string_equal(r->rec->key, "U-1");
	assert_string_equal(row_val(r, "name"), "核心网");
	assert_string_equal(row_val(r, "grading_factors"), "规模大,\n用户多");
	assert_true(r->given[ps_reg_field_find(r->rec->kind, "level")]);
	assert_false(r->given[ps_reg_field_find(r->rec->kind, "operator")]);
	r = row_at(&b, 1);
	assert_int_equal(r->at.line, 6); /* after the two-line record and two skipped lines */
	assert_string_equal(row_val(r, "name"), " 带空格 "); /* quoted: kept */
	assert_string_equal(row_val(r, "level"), "=3");   /* guard removed */
	assert_string_equal(row_val(r, "grading_factors"), "+1");
	r = row_at(&b, 2);
	assert_string_equal(r->rec->key, "U-3");
	assert_string_equal(row_val(r, "grading_factors"), "'x");
	assert_string_equal(row_val(row_at(&b, 3), "grading_factors"), "'x"); /* not a guard */
	assert_int_equal(ps_reg_bulk_notes(&b), 0);
	ps_reg_bulk_release(&b);

	/* with the guard off, cells are taken as they are */
	OK(ps_reg_bulk_init(&b));
	b.excel_safe = false;
	OK(ps_reg_bulk_parse(&b, "units.csv", PS_REG_BULK_CSV, NULL, text, sizeof(text) - 1));
	assert_string_equal(row_val(row_at(&b, 1), "level"), "'=3");
	ps_reg_bulk_release(&b);
}

/* Every error of the text, joined; asserts the parse failed. */
static void expect_parse_errors(const char *name, const char *text, const char *want)
{
	struct ps_reg_bulk b;
	char errs[4096];

	assert_int_equal(parse(name, PS_REG_BULK_AUTO, text, &b, errs, sizeof(errs)), PS_EINVAL);
	assert_string_equal(errs, want);
	assert_int_equal(b.n_errors, ps_reg_bulk_errors_kept(&b));
	ps_reg_bulk_release(&b);
}

static void test_csv_errors(void **state)
{
	(void)state;
	/* ragged rows name their line; the others are still read */
	expect_parse_errors("units.csv", "key,name,type\nU-1,a,idc\n\"U-2\nx\",b\nU-3,c,dns,extra\n",
			    "units.csv:3: 2 cells, but the header (line 1) has 3\n"
			    "units.csv:5: 4 cells, but the header (line 1) has 3\n");
	expect_parse_errors("units.csv", "key,levle,名称x,name,网络单元名称\n",
			    "units.csv:1: unknown column 'levle' (column 2 (B)) for unit; did "
			    "you mean 'level'?\n"
			    "units.csv:1: unknown column '名称x' (column 3 (C)) for unit\n"
			    "units.csv:1: column '网络单元名称' (column 5 (E)) repeats column 4\n");
	expect_parse_errors("persons.csv", "name,phone\nx,1\n",
			    "persons.csv:1: no 'key' (编号) column: every person needs its key\n");
	expect_parse_errors("units.csv", "key,name\nU-1,a\n,b\nU-1,c\n",
			    "units.csv:3: unit has no key (column or field 'key', 编号)\n"
			    "units.csv:4: unit 'U-1' is given twice (first at units.csv:2)\n");
	expect_parse_errors("units.csv", "key,,name\nU-1,,a\nU-2,oops,b\n",
			    "units.csv:3: a value in column 2 (B), which has no header\n");
	expect_parse_errors("units.csv", "key,name\nU-1,\"open\n",
			    "units.csv:2: quoted field opened on line 2 never closes\n");
	expect_parse_errors("stuff.csv", "key\n",
			    "stuff.csv: cannot tell the kind from the file name (name it after "
			    "a kind, e.g. units.csv or 网络单元.csv, or give --kind)\n");
	expect_parse_errors("units.csv", "", "units.csv: empty file: the first row must name "
			    "the columns (key, name, ...)\n");
	expect_parse_errors("units.xlsx", "x", "units.xlsx: cannot tell the format from the "
			    "name (use .csv, .yaml or .yml, or --format)\n");
	/* a byte-order mark promises UTF-8 */
	expect_parse_errors("units.csv", "\xef\xbb\xbfkey,name\nU-1,\xcd\xf8\n",
			    "units.csv:2: not valid UTF-8 (try --encoding gbk)\n");
}

static void test_csv_error_cap(void **state)
{
	struct ps_buf t = PS_BUF_INIT(PS_MEM_TEST, 1 << 20);
	struct ps_reg_bulk b;
	char errs[64];

	(void)state;
	OK(ps_buf_addstr(&t, "key,name\n"));
	for (int i = 0; i < 150; i++)
		OK(ps_buf_addstr(&t, "U-1,a,b\n"));
	assert_int_equal(parse("units.csv", PS_REG_BULK_AUTO, ps_buf_cstr(&t), &b, errs,
			       sizeof(errs)), PS_EINVAL);
	assert_int_equal(b.n_errors, 150);
	assert_int_equal(ps_reg_bulk_errors_kept(&b), PS_REG_BULK_ERRORS_MAX);
	ps_reg_bulk_release(&b);
	ps_buf_release(&t);
}

static void test_yaml_errors(void **state)
{
	struct ps_reg_bulk b;
	char *text = NULL, errs[4096];
	size_t len = 0;
	struct ps_diag d = {{0}};

	(void)state;
	OK(ps_file_read(data("bad.yaml"), PS_MEM_TEST, 1 << 20, &text, &len, &d));
	assert_int_equal(parse("bad.yaml", PS_REG_BULK_AUTO, text, &b, errs, sizeof(errs)),
			 PS_EINVAL);
	assert_string_equal(errs,
		"bad.yaml:6:5: unknown field 'nmae' for operator; did you mean 'name'?\n"
		"bad.yaml:7:5: this value (&anchor) is used again through an alias (*anchor): "
		"aliases are not allowed, write each value out\n"
		"bad.yaml:9:1: unknown section 'unitz' (sections are kinds: operators, depts, "
		"persons, units, ...); did you mean 'units'?\n"
		"bad.yaml:14:11: field 'name' must be a single value, not a list\n"
		"bad.yaml:15:5: field 'name' is given twice (first on line 14)\n"
		"bad.yaml:16:1: section 'operators' is given twice (first on line 2)\n");
	ps_reg_bulk_release(&b);
	ps_free(text);

	expect_parse_errors("a.yaml", "", "a.yaml: empty file: expected 'panshi_registry: 1' "
			    "and a section per kind\n");
	expect_parse_errors("a.yaml", "units: []\n", "a.yaml:1:1: no 'panshi_registry: 1' (the "
			    "format version) at the top of the document\n");
	expect_parse_errors("a.yaml", "panshi_registry: 2\n", "a.yaml:1:18: format version '2' "
			    "is not supported (this program reads 1)\n");
	expect_parse_errors("a.yaml", "- 1\n", "a.yaml:1:1: the document must be a mapping: "
			    "'panshi_registry: 1' and a section per kind\n");
	expect_parse_errors("a.yaml", "panshi_registry: 1\n---\nx: 1\n",
			    "a.yaml:3:1: only one YAML document is allowed\n");
	expect_parse_errors("a.yaml", "panshi_registry: 1\nunits: {key: U-1}\n",
			    "a.yaml:2:8: section 'units' must be a list of records (- key: ...), "
			    "not a mapping\n");
	expect_parse_errors("a.yaml", "panshi_registry: 1\nunits:\n  - [U-1]\n  - {name: x}\n",
			    "a.yaml:3:5: each unit must be a mapping (field: value), not a list\n"
			    "a.yaml:4:5: unit has no key (column or field 'key', 编号)\n");
	expect_parse_errors("a.yaml", "panshi_registry: 1\nunits:\n  - {key: U-1, name: \"a\\0b\"}\n",
			    "a.yaml:3:22: field 'name' holds a NUL byte\n");
	expect_parse_errors("a.yaml", "panshi_registry: 1\nunits:\n  - {key: U-1\n",
			    "a.yaml:4:1: did not find expected ',' or '}' while parsing a flow "
			    "mapping\n");
	/* the same key twice in one kind; other kinds may reuse it */
	expect_parse_errors("a.yaml", "panshi_registry: 1\nunits:\n  - {key: X}\n"
			    "depts:\n  - {key: X}\nunits_again: ~\n",
			    "a.yaml:6:1: unknown section 'units_again' (sections are kinds: "
			    "operators, depts, persons, units, ...)\n");
	expect_parse_errors("a.yaml", "panshi_registry: 1\n网络单元:\n  - {key: X}\n"
			    "  - {编号: X}\n",
			    "a.yaml:4:10: unit 'X' is given twice (first at a.yaml:3:11)\n");
}

static void test_yaml_reader(void **state)
{
	static const char text[] =
		"# comment\n"
		"panshi_registry: 1\n"
		"unit:\n"
		"  - key: U-1\n"
		"    网络单元名称: 核心网\n"
		"    level: 3\n"
		"    filing_no: ~\n"
		"    filing_date: \"\"\n"
		"    grading_factors: 'null'\n"
		"    Person: P-1\n"
		"depts: ~\n";
	struct ps_reg_bulk b;
	char errs[1024];
	const struct ps_reg_bulk_row *r;
	const struct ps_reg_kind *k = ps_reg_kind_find("unit");

	(void)state;
	OK(parse("r.yml", PS_REG_BULK_AUTO, text, &b, errs, sizeof(errs)));
	assert_int_equal(ps_vec_len(&b.rows), 1);
	r = row_at(&b, 0);
	assert_int_equal(r->at.line, 4);
	assert_string_equal(row_val(r, "name"), "核心网");
	assert_int_equal(r->pos[ps_reg_field_find(k, "name")].line, 5);
	assert_int_equal(r->pos[ps_reg_field_find(k, "name")].col, 13);
	assert_string_equal(row_val(r, "level"), "3");
	/* null and "" clear the field, but are given; a quoted 'null' is text */
	assert_string_equal(row_val(r, "filing_no"), "<null>");
	assert_true(r->given[ps_reg_field_find(k, "filing_no")]);
	assert_true(r->given[ps_reg_field_find(k, "filing_date")]);
	assert_string_equal(row_val(r, "grading_factors"), "null");
	assert_string_equal(row_val(r, "person"), "P-1"); /* case-insensitive field name */
	assert_false(r->given[ps_reg_field_find(k, "operator")]);
	ps_reg_bulk_release(&b);
}

/* GBK bytes are read as GB18030 with a note, or refused when UTF-8 is forced. */
static void test_gbk_reader(void **state)
{
	char *utf = NULL, *gbk = NULL;
	size_t ulen = 0, glen = 0;
	struct ps_diag d = {{0}};
	struct ps_reg_bulk a, g;

	(void)state;
	OK(ps_file_read(data("units_zh.csv"), PS_MEM_TEST, 1 << 20, &utf, &ulen, &d));
	OK(ps_file_read(data("units_zh_gbk.csv"), PS_MEM_TEST, 1 << 20, &gbk, &glen, &d));
	assert_true(glen < ulen); /* two bytes per Hanzi instead of three */
	OK(ps_reg_bulk_init(&a));
	OK(ps_reg_bulk_init(&g));
	OK(ps_reg_bulk_parse(&a, "units.csv", PS_REG_BULK_CSV, NULL, utf, ulen));
	OK(ps_reg_bulk_parse(&g, "units.csv", PS_REG_BULK_CSV, NULL, gbk, glen));
	assert_int_equal(ps_reg_bulk_notes(&a), 0);
	assert_int_equal(ps_reg_bulk_notes(&g), 1);
	assert_string_equal(ps_reg_bulk_note_at(&g, 0),
			    "units.csv: not valid UTF-8, read as GB18030 (GBK)");
	assert_int_equal(ps_vec_len(&a.rows), 2);
	assert_int_equal(ps_vec_len(&g.rows), 2);
	for (size_t i = 0; i < 2; i++) {
		const struct ps_reg_record *x = row_at(&a, i)->rec, *y = row_at(&g, i)->rec;

		assert_string_equal(x->key, y->key);
		for (size_t j = 0; j < x->kind->n_fields; j++)
			assert_string_equal(x->vals[j] ? x->vals[j] : "", y->vals[j] ? y->vals[j] : "");
	}
	ps_reg_bulk_release(&a);
	ps_reg_bulk_release(&g);
	OK(ps_reg_bulk_init(&g));
	g.enc = PS_REG_ENC_UTF8;
	assert_int_equal(ps_reg_bulk_parse(&g, "units.csv", PS_REG_BULK_CSV, NULL, gbk, glen),
			 PS_EINVAL);
	assert_string_equal(ps_reg_bulk_error_at(&g, 0),
			    "units.csv:1: not valid UTF-8 (try --encoding gbk)");
	ps_reg_bulk_release(&g);
	ps_free(utf);
	ps_free(gbk);
}

/* ---- import into a store ------------------------------------------------------------ */

static void import_csv_dir(struct fx *f, int s)
{
	struct ps_reg_bulk_report rep;

	if (import(f, s, data("csv"), NULL, PS_REG_ENC_AUTO, false, &rep) != PS_OK)
		fail_msg("import csv/: %s", f->errs);
	expect_counts(&rep, "operator", 2, 0, 0);
	expect_counts(&rep, "dept", 3, 0, 0);
	expect_counts(&rep, "person", 3, 0, 0);
	expect_counts(&rep, "unit", 4, 0, 0);
	expect_counts(&rep, "asset", 3, 0, 0);
	assert_int_equal(rep.total.inserted, 15);
}

static void test_import_dir(void **state)
{
	struct fx *f = *state;
	struct ps_reg_bulk_report rep;

	import_csv_dir(f, 0);
	/* a department whose parent comes later in the file */
	assert_string_equal(val(f, 0, "dept", "D-NET", "parent"), "D-SEC");
	assert_string_equal(val(f, 0, "dept", "D-SEC", "duty"), "网络安全与数据安全\"归口\"管理");
	/* values normalised by validation: 是 -> true, the domain lower-cased */
	assert_string_equal(val(f, 0, "person", "P-LI", "security_staff"), "true");
	assert_string_equal(val(f, 0, "person", "P-B", "security_staff"), "false");
	assert_string_equal(val(f, 0, "asset", "A-3", "address"), "www.demo-op.example");
	/* data is kept exactly: no guard in the file, none stripped */
	assert_string_equal(val(f, 0, "asset", "A-2", "note"), "=1+2");
	assert_string_equal(val(f, 0, "asset", "A-3", "note"), "'quoted, with comma");
	assert_string_equal(val(f, 0, "operator", "OP-B", "name"), "乙网络科技有限公司, 南京分公司");
	/* again: nothing to do */
	OK(import(f, 0, data("csv"), NULL, PS_REG_ENC_AUTO, false, &rep));
	assert_int_equal(rep.total.inserted + rep.total.updated, 0);
	assert_int_equal(rep.total.unchanged, 15);
}

/* The acceptance test: one bad row, nothing changed, the row and field named. */
static void test_bad_row_changes_nothing(void **state)
{
	struct fx *f = *state;
	int64_t before[PS_REG_BULK_KINDS_MAX], after[PS_REG_BULK_KINDS_MAX];
	struct ps_reg_bulk_report rep;
	char want[1200];

	import_csv_dir(f, 0);
	counts(f, 0, before);
	assert_int_equal(import(f, 0, data("bad_row/units.csv"), NULL, PS_REG_ENC_AUTO, false,
				&rep), PS_EINVAL);
	snprintf(want, sizeof(want), "%s:7: field 'level' (安全防护级别): 6 is above the "
		 "highest level 5 (policy protection.level.max)\n", data("bad_row/units.csv"));
	assert_string_equal(f->errs, want);
	counts(f, 0, after);
	assert_memory_equal(before, after, sizeof(int64_t) * ps_reg_kind_count());
	/* the good rows of that file were not applied either */
	assert_string_equal(val(f, 0, "unit", "U-CORE", "name"), "核心网");
	assert_string_equal(val(f, 0, "unit", "U-NEW1", "name"), "<none>");
	assert_int_equal(rep.total.inserted + rep.total.updated + rep.total.unchanged, 0);
}

/* Errors from validation and references, all of them, each at its line. */
static void test_check_errors(void **state)
{
	struct fx *f = *state;
	int64_t before[PS_REG_BULK_KINDS_MAX], after[PS_REG_BULK_KINDS_MAX];

	import_csv_dir(f, 0);
	counts(f, 0, before);
	assert_int_equal(import_text(f, 0, "assets.csv",
				     "key,unit,kind,name,address,person\n"
				     "A-9,U-NOPE,host,x,192.0.2.1,P-LI\n"
				     "A-10,U-CORE,host,y,192.0.2.300,\n"
				     "A-11,U-CORE,host,z,192.0.2.3,P-NOPE\n"
				     "A-12,U-CORE,server,w,,\n", NULL), PS_EINVAL);
	assert_non_null(strstr(f->errs, "assets.csv:2: field 'unit' (网络单元): no unit "
				      "'U-NOPE' in the registry or in this import\n"));
	assert_non_null(strstr(f->errs, "assets.csv:3: field 'address' (地址): "));
	assert_non_null(strstr(f->errs, "assets.csv:4: field 'person' (责任人): no person "
				      "'P-NOPE' in the registry or in this import\n"));
	assert_non_null(strstr(f->errs, "assets.csv:5: field 'kind' (资产类型): 'server' is not "
				      "one of "));
	/* YAML errors point at the field's line and column */
	assert_int_equal(import_text(f, 0, "u.yaml",
				     "panshi_registry: 1\nunits:\n"
				     "  - key: U-CORE\n"
				     "    level:   9\n"
				     "  - {key: U-X, operator: OP-A, name: x, type: idc}\n", NULL),
			 PS_EINVAL);
	assert_string_equal(f->errs,
		"u.yaml:4:14: field 'level' (安全防护级别): 9 is above the highest level 5 (policy "
		"protection.level.max)\n"
		"u.yaml:5:5: field 'level' (安全防护级别) is required\n");
	counts(f, 0, after);
	assert_memory_equal(before, after, sizeof(int64_t) * ps_reg_kind_count());
}

static void test_gbk_twin(void **state)
{
	struct fx *f = *state;
	struct ps_reg_bulk_report rep;
	const struct ps_reg_kind *unit = ps_reg_kind_find("unit");

	import_csv_dir(f, 0);
	OK(import(f, 0, data("units_zh.csv"), unit, PS_REG_ENC_AUTO, false, &rep));
	expect_counts(&rep, "unit", 2, 0, 0);
	assert_string_equal(val(f, 0, "unit", "U-ZH2", "name"), "云平台（一期）");
	/* the GBK file holds the same records: nothing changes */
	OK(import(f, 0, data("units_zh_gbk.csv"), unit, PS_REG_ENC_AUTO, false, &rep));
	expect_counts(&rep, "unit", 0, 0, 2);
	OK(import(f, 0, data("units_zh_gbk.csv"), unit, PS_REG_ENC_GBK, false, &rep));
	expect_counts(&rep, "unit", 0, 0, 2);
	/* and into a store of its own, the same values */
	import_csv_dir(f, 1);
	OK(import(f, 1, data("units_zh_gbk.csv"), unit, PS_REG_ENC_AUTO, false, &rep));
	expect_counts(&rep, "unit", 2, 0, 0);
	for (size_t i = 0; i < unit->n_fields; i++) {
		char a[512];

		snprintf(a, sizeof(a), "%s", val(f, 0, "unit", "U-ZH1", unit->fields[i].name));
		assert_string_equal(a, val(f, 1, "unit", "U-ZH1", unit->fields[i].name));
	}
}

static void test_yaml_forward_refs(void **state)
{
	struct fx *f = *state;
	struct ps_reg_bulk_report rep;

	OK(import(f, 0, data("registry.yaml"), NULL, PS_REG_ENC_AUTO, false, &rep));
	expect_counts(&rep, "operator", 1, 0, 0);
	expect_counts(&rep, "dept", 2, 0, 0);
	expect_counts(&rep, "person", 1, 0, 0);
	expect_counts(&rep, "unit", 1, 0, 0);
	expect_counts(&rep, "asset", 2, 0, 0);
	assert_string_equal(val(f, 0, "asset", "A-Y1", "key_device"), "true");
	assert_string_equal(val(f, 0, "asset", "A-Y1", "name"), "应用服务器: 一号");
	assert_string_equal(val(f, 0, "dept", "D-Y2", "parent"), "D-Y1");
	assert_string_equal(val(f, 0, "unit", "U-Y1", "name"), "政务云平台");
	assert_string_equal(val(f, 0, "person", "P-Y", "phone"), "010-0000");
}

static void test_self_reference_cycle(void **state)
{
	struct fx *f = *state;

	import_csv_dir(f, 0);
	assert_int_equal(import_text(f, 0, "depts.csv",
				     "key,operator,name,parent\n"
				     "D-X,OP-A,x,D-Y\n"
				     "D-Y,OP-A,y,D-X\n"
				     "D-Z,OP-A,z,D-Z\n"
				     "D-OK,OP-A,ok,D-SEC\n", NULL), PS_EINVAL);
	assert_string_equal(f->errs,
		"depts.csv:2: refers to itself, or waits for a record of this import that does "
		"(a cycle)\n"
		"depts.csv:3: refers to itself, or waits for a record of this import that does "
		"(a cycle)\n"
		"depts.csv:4: refers to itself, or waits for a record of this import that does "
		"(a cycle)\n");
	assert_int_equal(count(f, 0, "dept"), 3);
	/* an existing department may become the parent of a new one and vice versa */
	OK(import_text(f, 0, "depts.csv", "key,operator,name,parent\n"
		       "D-SEC,OP-A,网络与信息安全部,D-TOP\n"
		       "D-TOP,OP-A,总部,\n", NULL));
	assert_string_equal(val(f, 0, "dept", "D-SEC", "parent"), "D-TOP");
}

static void test_dry_run(void **state)
{
	struct fx *f = *state;
	struct ps_reg_bulk_report rep;

	OK(import(f, 0, data("csv"), NULL, PS_REG_ENC_AUTO, true, &rep));
	assert_true(rep.dry_run);
	expect_counts(&rep, "unit", 4, 0, 0);
	assert_int_equal(rep.total.inserted, 15);
	for (size_t i = 0; i < ps_reg_kind_count(); i++)
		assert_int_equal(count(f, 0, ps_reg_kind_at(i)->name), 0);
	import_csv_dir(f, 0);
	assert_int_equal(import(f, 0, data("bad_row/units.csv"), NULL, PS_REG_ENC_AUTO, true,
				&rep), PS_EINVAL);
	assert_non_null(strstr(f->errs, "units.csv:7: field 'level'"));
}

/* Columns a file leaves out keep their values; empty cells clear them. */
static void test_partial_update(void **state)
{
	struct fx *f = *state;
	struct ps_reg_bulk_report rep;

	import_csv_dir(f, 0);
	OK(import_text(f, 0, "units.csv", "key,level,person\nU-WEB,2,\nU-IDC,4,P-LI\n", &rep));
	expect_counts(&rep, "unit", 0, 1, 1);
	assert_string_equal(val(f, 0, "unit", "U-WEB", "level"), "2");
	assert_string_equal(val(f, 0, "unit", "U-WEB", "person"), "");
	assert_string_equal(val(f, 0, "unit", "U-WEB", "name"), "网上营业厅");
	assert_string_equal(val(f, 0, "unit", "U-WEB", "dept"), "D-SEC");
	/* the same through YAML: a field not written is kept, ~ clears */
	OK(import_text(f, 0, "u.yaml", "panshi_registry: 1\nunits:\n"
		       "  - {key: U-WEB, dept: ~, level: 3}\n", &rep));
	expect_counts(&rep, "unit", 0, 1, 0);
	assert_string_equal(val(f, 0, "unit", "U-WEB", "dept"), "");
	assert_string_equal(val(f, 0, "unit", "U-WEB", "level"), "3");
	assert_string_equal(val(f, 0, "unit", "U-WEB", "name"), "网上营业厅");
}

/* ---- export and round trips --------------------------------------------------------- */

static void test_round_trip_yaml(void **state)
{
	struct fx *f = *state;
	struct ps_reg_export_opts o;
	struct ps_reg_bulk_report rep;
	char *one, *two, path[512];
	int64_t n1 = 0, n2 = 0;
	const char *src = getenv("PANSHI_SOURCE_DIR");
	char sample[1024];

	import_csv_dir(f, 0);
	OK(import(f, 0, data("registry.yaml"), NULL, PS_REG_ENC_AUTO, false, NULL));
	snprintf(sample, sizeof(sample), "%s/samples/registry/demo-operator.yaml",
		 src != NULL ? src : ".");
	if (access(sample, R_OK) == 0 &&
	    import(f, 0, sample, NULL, PS_REG_ENC_AUTO, false, NULL) != PS_OK)
		fail_msg("sample: %s", f->errs);
	ps_reg_export_opts_init(&o);
	one = export_mem(f, 0, &o, &n1);
	assert_true(n1 >= 22);
	assert_non_null(strstr(one, "\npanshi_registry: 1\noperators:\n- key: OP-A\n"));
	assert_non_null(strstr(one, "name: '应用服务器: 一号'"));
	snprintf(path, sizeof(path), "%s/rt%d.yaml", tmpdir, seq);
	write_file(path, one, strlen(one));
	OK(import(f, 1, path, NULL, PS_REG_ENC_AUTO, false, &rep));
	assert_int_equal(rep.total.inserted, n1);
	two = export_mem(f, 1, &o, &n2);
	assert_int_equal(n1, n2);
	assert_string_equal(one, two);
	/* and back into the first store: every record unchanged */
	OK(import(f, 0, path, NULL, PS_REG_ENC_AUTO, false, &rep));
	assert_int_equal(rep.total.unchanged, n1);
	assert_int_equal(rep.total.inserted + rep.total.updated, 0);
	/* one kind, and an empty kind is an empty list */
	o.kind = ps_reg_kind_find("inspection");
	ps_free(two);
	two = export_mem(f, 0, &o, &n2);
	assert_int_equal(n2, 0);
	assert_non_null(strstr(two, "\npanshi_registry: 1\ninspections: []\n"));
	unlink(path);
	ps_free(one);
	ps_free(two);
}

/* A directory of CSV files per kind, guarded for Excel, back to the same records. */
static void test_round_trip_csv(void **state)
{
	struct fx *f = *state;
	struct ps_reg_export_opts o;
	struct ps_reg_bulk_report rep;
	struct ps_diag d = {{0}};
	char dir[512], dir2[512], path[600], *a = NULL, *b = NULL;
	size_t alen = 0, blen = 0;
	int64_t n = 0;

	import_csv_dir(f, 0);
	OK(import(f, 0, data("registry.yaml"), NULL, PS_REG_ENC_AUTO, false, NULL));
	snprintf(dir, sizeof(dir), "%s/csv%d/", tmpdir, seq);
	snprintf(dir2, sizeof(dir2), "%s/csv%d-2/", tmpdir, seq);
	ps_reg_export_opts_init(&o);
	if (ps_reg_export_path(&f->r[0], &o, dir, &n, &d) != PS_OK)
		fail_msg("%s", d.msg);
	assert_int_equal(n, 22);
	/* every kind has its file, header only when empty: a template */
	snprintf(path, sizeof(path), "%sinspections.csv", dir);
	OK(ps_file_read(path, PS_MEM_TEST, 1 << 20, &a, &alen, &d));
	assert_string_equal(a, "key,operator,date,inspector,kind,draw,result,findings\r\n");
	ps_free(a);
	snprintf(path, sizeof(path), "%sassets.csv", dir);
	OK(ps_file_read(path, PS_MEM_TEST, 1 << 20, &a, &alen, &d));
	assert_non_null(strstr(a, ",P-LI,'=1+2\r\n"));
	assert_non_null(strstr(a, ",\"''quoted, with comma\"\r\n"));
	ps_free(a);
	OK(import(f, 1, dir, NULL, PS_REG_ENC_AUTO, false, &rep));
	assert_int_equal(rep.total.inserted, 22);
	assert_string_equal(val(f, 1, "asset", "A-2", "note"), "=1+2");
	assert_string_equal(val(f, 1, "asset", "A-3", "note"), "'quoted, with comma");
	assert_string_equal(val(f, 1, "operator", "OP-A", "contact"), "+86 25 0000 0000");
	if (ps_reg_export_path(&f->r[1], &o, dir2, &n, &d) != PS_OK)
		fail_msg("%s", d.msg);
	for (size_t i = 0; i < ps_reg_kind_count(); i++) {
		snprintf(path, sizeof(path), "%s%s.csv", dir, ps_reg_kind_at(i)->plural);
		OK(ps_file_read(path, PS_MEM_TEST, 1 << 20, &a, &alen, &d));
		snprintf(path, sizeof(path), "%s%s.csv", dir2, ps_reg_kind_at(i)->plural);
		OK(ps_file_read(path, PS_MEM_TEST, 1 << 20, &b, &blen, &d));
		assert_int_equal(alen, blen);
		assert_memory_equal(a, b, alen);
		ps_free(a);
		ps_free(b);
	}
	rm_tree(dir);
	rm_tree(dir2);
}

/* Chinese headers, GBK for old Excel, a BOM for new Excel: all read back. */
static void test_csv_variants(void **state)
{
	struct fx *f = *state;
	struct ps_reg_export_opts o;
	struct ps_reg_bulk_report rep;
	struct ps_diag d = {{0}};
	char path[512], *text = NULL;
	size_t len = 0;
	int64_t n = 0;

	import_csv_dir(f, 0);
	ps_reg_export_opts_init(&o);
	o.kind = ps_reg_kind_find("unit");
	o.zh_headers = true;
	o.enc = PS_REG_ENC_GBK;
	snprintf(path, sizeof(path), "%s/units%d.csv", tmpdir, seq);
	OK(ps_reg_export_path(&f->r[0], &o, path, &n, &d));
	assert_int_equal(n, 4);
	OK(ps_file_read(path, PS_MEM_TEST, 1 << 20, &text, &len, &d));
	assert_memory_equal(text, "\xb1\xe0\xba\xc5,", 5); /* 编号 in GBK */
	ps_free(text);
	OK(import(f, 0, path, o.kind, PS_REG_ENC_AUTO, false, &rep));
	expect_counts(&rep, "unit", 0, 0, 4);
	o.zh_headers = false;
	o.enc = PS_REG_ENC_UTF8;
	o.bom = true;
	OK(ps_reg_export_path(&f->r[0], &o, path, &n, &d));
	OK(ps_file_read(path, PS_MEM_TEST, 1 << 20, &text, &len, &d));
	assert_memory_equal(text, "\xef\xbb\xbfkey,operator,name,", 21);
	ps_free(text);
	OK(import(f, 1, data("csv"), NULL, PS_REG_ENC_AUTO, false, NULL));
	OK(import(f, 1, path, o.kind, PS_REG_ENC_AUTO, false, &rep));
	expect_counts(&rep, "unit", 0, 0, 4);
	/* a character GBK does not have is refused, naming the line */
	OK(import_text(f, 0, "units.csv", "key,name\nU-WEB,营业厅\xf0\x9f\x98\x80\n", NULL));
	o.enc = PS_REG_ENC_GBK;
	assert_int_equal(ps_reg_export_path(&f->r[0], &o, path, &n, &d), PS_EINVAL);
	assert_string_equal(d.msg, "cannot write units in GBK: line 5 holds a character GBK "
			    "does not have (use --encoding gb18030 or utf-8)");
	o.enc = PS_REG_ENC_GB18030;
	OK(ps_reg_export_path(&f->r[0], &o, path, &n, &d));
	OK(import(f, 0, path, o.kind, PS_REG_ENC_GB18030, false, &rep));
	expect_counts(&rep, "unit", 0, 0, 4);
	/* CSV needs a kind */
	o.kind = NULL;
	o.format = PS_REG_BULK_CSV;
	assert_int_equal(ps_reg_export_path(&f->r[0], &o, path, &n, &d), PS_EINVAL);
	assert_string_equal(d.msg, "a CSV file holds one kind: give --kind, or a directory");
	unlink(path);
}

static void test_filing_table(void **state)
{
	struct fx *f = *state;
	struct ps_reg_filing_opts o;
	struct ps_diag d = {{0}};
	char path[512], *text = NULL;
	size_t len = 0;
	int64_t n = 0;

	import_csv_dir(f, 0);
	OK(import_text(f, 0, "units.csv", "key,operator,name,type,level,retired_date\n"
		       "U-OLD,OP-A,旧系统,internet,1,2026-02-01\n"
		       "U-ESC,OP-A,\"=cmd<script>\",cloud,2,\n", NULL));
	ps_reg_filing_opts_init(&o);
	o.operator_key = "OP-A";
	snprintf(path, sizeof(path), "%s/filing%d.csv", tmpdir, seq);
	OK(ps_reg_filing_export_path(&f->r[0], &o, path, &n, &d));
	assert_int_equal(n, 4); /* U-OLD retired before r->today */
	OK(ps_file_read(path, PS_MEM_TEST, 1 << 20, &text, &len, &d));
	assert_string_equal(text,
		"网络单元备案表\r\n"
		"运营单位名称,甲通信有限公司\r\n"
		"统一社会信用代码,91320152MAC12H3B19\r\n"
		"导出日期,2026-03-01\r\n"
		"\r\n"
		"序号,网络单元名称,单元类型,安全防护级别,定级评审通过日期,备案状态,备案编号,"
		"备案日期,责任部门,责任人,联系电话\r\n"
		"1,核心网,基础电信网络,5级,2025-03-10,已备案,32-2025-0001,2025-03-28,"
		"网络运行维护部,李运维,13800000002\r\n"
		"2,'=cmd<script>,云计算服务平台,2级,,未备案,,,,,\r\n"
		"3,数据中心,互联网数据中心,4级,2025-06-01,已备案,32-2025-0007,2025-06-20,"
		"网络运行维护部,李运维,13800000002\r\n"
		"4,网上营业厅,互联网网络单元,3级,2026-09-01,未备案,,,网络与信息安全部,张安全,"
		"13800000001\r\n");
	ps_free(text);
	/* HTML: escaped, one page, no external resources */
	o.html = true;
	o.operator_key = NULL;
	OK(ps_reg_filing_export_path(&f->r[0], &o, path, &n, &d));
	assert_int_equal(n, 5); /* OP-B's unit too */
	OK(ps_file_read(path, PS_MEM_TEST, 1 << 20, &text, &len, &d));
	assert_non_null(strstr(text, "<meta charset=\"utf-8\">"));
	assert_non_null(strstr(text, "<td>=cmd&lt;script&gt;</td>"));
	assert_non_null(strstr(text, "<td>乙网络科技有限公司, 南京分公司</td>"));
	assert_null(strstr(text, "<script"));
	assert_null(strstr(text, "http"));
	ps_free(text);
	/* an operator that does not exist */
	o.operator_key = "OP-NOPE";
	assert_int_equal(ps_reg_filing_export_path(&f->r[0], &o, path, &n, &d), PS_ENOENT);
	assert_string_equal(d.msg, "no operator 'OP-NOPE'");
	unlink(path);
	assert_string_equal(ps_reg_unit_type_zh("iov_platform"), "车联网服务平台");
	assert_string_equal(ps_reg_unit_type_zh("other"), "other");
}

/* The CLI end to end: exit codes, every error printed, counts. */
static void test_cli(void **state)
{
	struct fx *f = *state;
	char db[512], out_path[512], err_path[512], *out = NULL, *err = NULL;
	size_t olen = 0, elen = 0;
	struct ps_diag d = {{0}};
	const char *src = getenv("PANSHI_SOURCE_DIR");
	char pdir[1024];
	FILE *o, *e;
	int rc;

	(void)f;
	if (is_pg())
		skip();
	snprintf(db, sizeof(db), "%s/cli%d.db", tmpdir, seq);
	snprintf(pdir, sizeof(pdir), "%s/policy", src != NULL ? src : ".");
	snprintf(out_path, sizeof(out_path), "%s/cli%d.out", tmpdir, seq);
	snprintf(err_path, sizeof(err_path), "%s/cli%d.err", tmpdir, seq);
	{
		char *init[] = {"panshi", "--db", db, "--policy-dir", pdir, "init", NULL};
		char *imp[] = {"panshi", "--db", db, "--policy-dir", pdir, "--format", "csv",
			       "registry", "import", (char *)data("csv"), NULL};
		char *bad[] = {"panshi", "--db", db, "--policy-dir", pdir, "registry", "import",
			       (char *)data("bad.yaml"), "--dry-run", NULL};

		o = fopen(out_path, "w");
		e = fopen(err_path, "w");
		assert_int_equal(ps_cli_run(6, init, o, e), 0);
		rc = ps_cli_run(10, imp, o, e);
		fclose(o);
		fclose(e);
		assert_int_equal(rc, 0);
		OK(ps_file_read(out_path, PS_MEM_TEST, 1 << 20, &out, &olen, &d));
		if (strstr(out, "kind,") == NULL)
			fail_msg("output: %s", out);
		assert_non_null(strstr(out, "kind,类别,inserted,updated,unchanged\r\n"
					    "operators,运营单位,2,0,0\r\n"));
		ps_free(out);
		o = fopen(out_path, "w");
		e = fopen(err_path, "w");
		rc = ps_cli_run(9, bad, o, e);
		fclose(o);
		fclose(e);
		assert_int_equal(rc, 1);
		OK(ps_file_read(err_path, PS_MEM_TEST, 1 << 20, &err, &elen, &d));
		assert_non_null(strstr(err, "bad.yaml:6:5: unknown field 'nmae'"));
		assert_non_null(strstr(err, "bad.yaml:16:1: section 'operators' is given twice"));
		assert_non_null(strstr(err, "failed with 6 errors; nothing was changed\n"));
		ps_free(err);
	}
	unlink(db);
	unlink(out_path);
	unlink(err_path);
}

#define STORE_TEST(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kind_and_format_from_name),
		cmocka_unit_test(test_csv_reader),
		cmocka_unit_test(test_csv_errors),
		cmocka_unit_test(test_csv_error_cap),
		cmocka_unit_test(test_yaml_errors),
		cmocka_unit_test(test_yaml_reader),
		cmocka_unit_test(test_gbk_reader),
		STORE_TEST(test_import_dir),
		STORE_TEST(test_bad_row_changes_nothing),
		STORE_TEST(test_check_errors),
		STORE_TEST(test_gbk_twin),
		STORE_TEST(test_yaml_forward_refs),
		STORE_TEST(test_self_reference_cycle),
		STORE_TEST(test_dry_run),
		STORE_TEST(test_partial_update),
		STORE_TEST(test_round_trip_yaml),
		STORE_TEST(test_round_trip_csv),
		STORE_TEST(test_csv_variants),
		STORE_TEST(test_filing_table),
		STORE_TEST(test_cli),
	};

	return reg_run(argc, argv, tests);
}
