/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The CSV side of bulk import: a header row of field names or Chinese
 * headers maps the columns, and every other record becomes a row of one
 * kind, named by the physical line it starts on. Reading is core/csv.c;
 * checking against the store happens later, in bulk.c.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "core/csv.h"
#include "registry/bulk.h"
#include "registry/bulk_int.h"

#define COL_IGNORED (-3) /* a column with an empty header */

struct header {
	int map[PS_CSV_FIELDS_MAX]; /* field index, -2 the key, COL_IGNORED */
	size_t n;
	unsigned line;
};

struct csvctx {
	struct ps_reg_bulk *b;
	const struct ps_reg_kind *k;
	const char *file;
	struct header h;
};

/* "7 (G)": a 1-based column with its spreadsheet letters. */
static const char *col_name(size_t i, char *buf, size_t cap)
{
	char letters[8];
	size_t n = 0, v = i + 1;

	while (v > 0 && n < sizeof(letters)) {
		letters[n++] = (char)('A' + (v - 1) % 26);
		v = (v - 1) / 26;
	}
	snprintf(buf, cap, "%zu (", i + 1);
	for (size_t j = n; j > 0; j--)
		snprintf(buf + strlen(buf), cap - strlen(buf), "%c", letters[j - 1]);
	snprintf(buf + strlen(buf), cap - strlen(buf), ")");
	return buf;
}

/* The cell's text: unquoted cells lose surrounding spaces and tabs. */
static void cell(const struct ps_csv_field *f, bool trim_quoted, const char **p, size_t *n)
{
	*p = f->p;
	*n = f->len;
	if (f->quoted && !trim_quoted)
		return;
	while (*n > 0 && (**p == ' ' || **p == '\t'))
		(*p)++, (*n)--;
	while (*n > 0 && ((*p)[*n - 1] == ' ' || (*p)[*n - 1] == '\t'))
		(*n)--;
}

static int header_cell(struct csvctx *c, const struct ps_csv_field *f, size_t col)
{
	char shown[PS_REG_BULK_SHOW_MAX + 4], hint[96], cn[24];
	struct ps_reg_bulk_pos at = {c->h.line, 0};
	const char *s;
	size_t n;
	int i;

	cell(f, true, &s, &n);
	if (n == 0) {
		c->h.map[col] = COL_IGNORED;
		return PS_OK;
	}
	i = ps_reg_bulk_field_find(c->k, s, n);
	if (i == -1)
		return ps_reg_bulk_error_at_pos(c->b, c->file, at,
						"unknown column '%s' (column %s) for %s%s",
						ps_reg_bulk_shown(s, n, shown, sizeof(shown)),
						col_name(col, cn, sizeof(cn)), c->k->name,
						ps_reg_bulk_hint(c->k, s, n, hint, sizeof(hint)));
	for (size_t j = 0; j < col; j++) {
		if (c->h.map[j] != i)
			continue;
		return ps_reg_bulk_error_at_pos(c->b, c->file, at,
						"column '%s' (column %s) repeats column %zu",
						ps_reg_bulk_shown(s, n, shown, sizeof(shown)),
						col_name(col, cn, sizeof(cn)), j + 1);
	}
	c->h.map[col] = i;
	return PS_OK;
}

static int header(struct csvctx *c, const struct ps_csv *r)
{
	bool key = false;
	int rc = PS_OK, e;

	c->h.n = r->nf;
	c->h.line = r->rec_line;
	for (size_t col = 0; col < r->nf; col++) {
		c->h.map[col] = COL_IGNORED;
		if ((e = header_cell(c, &r->fields[col], col)) != PS_OK)
			rc = e;
		key = key || c->h.map[col] == -2;
	}
	if (rc == PS_OK && !key)
		rc = ps_reg_bulk_error_at_pos(c->b, c->file, (struct ps_reg_bulk_pos){r->rec_line, 0},
					      "no 'key' (编号) column: every %s needs its key",
					      c->k->name);
	return rc;
}

static bool blank_record(const struct ps_csv *r)
{
	for (size_t i = 0; i < r->nf; i++) {
		const char *s;
		size_t n;

		cell(&r->fields[i], true, &s, &n);
		if (n > 0)
			return false;
	}
	return true;
}

/* The apostrophe that guards a formula-like cell in an export (bulk.h). */
static bool guarded(const char *s, size_t n)
{
	return n >= 2 && s[0] == '\'' && strchr("=+-@\t\r'", s[1]) != NULL;
}

/* One cell of a data row into `row`; PS_EINVAL (recorded) when it is bad. */
static int data_cell(struct csvctx *c, struct ps_reg_bulk_row *row,
		     const struct ps_csv_field *f, size_t col)
{
	struct ps_reg_bulk_pos at = row->at;
	int i = c->h.map[col];
	char cn[24];
	const char *s;
	size_t n;

	cell(f, i == -2, &s, &n);
	if (i == COL_IGNORED) {
		if (n == 0)
			return PS_OK;
		return ps_reg_bulk_error_at_pos(c->b, c->file, at, "a value in column %s, "
						"which has no header",
						col_name(col, cn, sizeof(cn)));
	}
	if (memchr(s, '\0', n) != NULL)
		return ps_reg_bulk_error_at_pos(c->b, c->file, at, "column %s holds a NUL byte",
						col_name(col, cn, sizeof(cn)));
	if (c->b->excel_safe && guarded(s, n))
		s++, n--;
	return ps_reg_bulk_row_set(row, i, s, n);
}

static int data_row(struct csvctx *c, const struct ps_csv *r)
{
	struct ps_reg_bulk_pos at = {r->rec_line, 0};
	struct ps_reg_bulk_row row;
	int rc, bad = PS_OK;

	if (blank_record(r))
		return PS_OK;
	if (r->nf != c->h.n)
		return ps_reg_bulk_error_at_pos(c->b, c->file, at,
						"%zu cells, but the header (line %u) has %zu",
						r->nf, c->h.line, c->h.n);
	if ((rc = ps_reg_bulk_row_init(&row, c->k, c->file, at, false)) != PS_OK)
		return rc;
	for (size_t col = 0; col < r->nf; col++) {
		rc = data_cell(c, &row, &r->fields[col], col);
		if (rc == PS_ENOMEM) {
			ps_reg_bulk_row_release(&row);
			return rc;
		}
		if (rc != PS_OK)
			bad = rc;
	}
	if (bad != PS_OK) {
		ps_reg_bulk_row_release(&row);
		return bad;
	}
	return ps_reg_bulk_row_add(c->b, &row);
}

static int read_records(struct csvctx *c, const char *p, size_t len)
{
	struct ps_csv r;
	struct ps_diag d = {{0}};
	bool first = true;
	int rc, e;

	ps_csv_init(&r, PS_MEM_REGISTRY, c->file, p, len);
	while ((rc = ps_csv_next(&r, &d)) == PS_OK) {
		if (first) {
			first = false;
			if (header(c, &r) != PS_OK)
				break; /* rows cannot be read without their columns */
			continue;
		}
		e = data_row(c, &r);
		if (e == PS_ENOMEM || e == PS_ELIMIT) {
			rc = e;
			break;
		}
	}
	ps_csv_release(&r);
	if (rc == PS_EOF && first)
		return ps_reg_bulk_errorf(c->b, "%s: empty file: the first row must name the "
					  "columns (key, name, ...)", c->file);
	if (rc == PS_EOF || rc == PS_OK)
		return PS_OK;
	if (rc == PS_ENOMEM)
		(void)ps_reg_bulk_errorf(c->b, "%s: out of memory", c->file);
	else if (rc != PS_ELIMIT)
		(void)ps_reg_bulk_errorf(c->b, "%s", d.msg);
	return rc == PS_EPROTO ? PS_EINVAL : rc;
}

int ps_reg_bulk_parse_csv(struct ps_reg_bulk *b, const char *name,
			  const struct ps_reg_kind *k, const char *p, size_t len)
{
	struct csvctx *c;
	size_t errors = b->n_errors;
	int rc;

	if (k == NULL && (k = ps_reg_bulk_kind_from_name(name)) == NULL)
		return ps_reg_bulk_errorf(b, "%s: cannot tell the kind from the file name (name "
					  "it after a kind, e.g. units.csv or 网络单元.csv, or "
					  "give --kind)", name);
	c = ps_calloc(PS_MEM_REGISTRY, 1, sizeof(*c)); /* the column map is 4 KiB */
	if (c == NULL) {
		(void)ps_reg_bulk_errorf(b, "%s: out of memory", name);
		return PS_ENOMEM;
	}
	c->b = b;
	c->k = k;
	c->file = ps_reg_bulk_file_add(b, name);
	if (c->file == NULL) {
		ps_free(c);
		return ps_reg_bulk_errorf(b, "%s: out of memory or too many files", name) ==
				       PS_ENOMEM
			       ? PS_ENOMEM
			       : PS_ELIMIT;
	}
	rc = read_records(c, p, len);
	ps_free(c);
	if (rc == PS_OK && b->n_errors > errors)
		rc = PS_EINVAL;
	return rc;
}
