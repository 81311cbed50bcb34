/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tabular output for list commands: rows of strings printed as aligned
 * columns, a JSON array of objects, or RFC 4180 CSV, so every `list` verb
 * honours --format the same way.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "cli/cli.h"
#include "cli/cli_int.h"
#include "core/core.h"

#define TABLE_MAX_CELLS (1u << 24)

struct ps_table {
	size_t ncols;
	char **headers;
	struct ps_vec cells; /* char *, row-major, ncols per row */
};

struct ps_table *ps_table_new(size_t ncols, const char *const *headers)
{
	struct ps_table *t = ps_calloc(PS_MEM_CLI, 1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->ncols = ncols;
	ps_vec_init(&t->cells, PS_MEM_CLI, sizeof(char *), TABLE_MAX_CELLS);
	t->headers = ps_calloc(PS_MEM_CLI, ncols, sizeof(char *));
	if (t->headers == NULL)
		goto fail;
	for (size_t i = 0; i < ncols; i++) {
		t->headers[i] = ps_strdup(PS_MEM_CLI, headers[i]);
		if (t->headers[i] == NULL)
			goto fail;
	}
	return t;
fail:
	ps_table_free(t);
	return NULL;
}

void ps_table_free(struct ps_table *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < ps_vec_len(&t->cells); i++)
		ps_free(*(char **)ps_vec_get(&t->cells, i));
	ps_vec_release(&t->cells);
	for (size_t i = 0; t->headers != NULL && i < t->ncols; i++)
		ps_free(t->headers[i]);
	ps_free(t->headers);
	ps_free(t);
}

size_t ps_table_rows(const struct ps_table *t)
{
	return t->ncols ? ps_vec_len(&t->cells) / t->ncols : 0;
}

int ps_table_row(struct ps_table *t)
{
	int rc = ps_vec_reserve(&t->cells, ps_vec_len(&t->cells) + t->ncols);

	if (rc != PS_OK)
		return rc;
	for (size_t i = 0; i < t->ncols; i++) {
		char *empty = NULL;

		rc = ps_vec_push(&t->cells, &empty);
		if (rc != PS_OK)
			return rc;
	}
	return PS_OK;
}

int ps_table_set(struct ps_table *t, size_t col, const char *val)
{
	size_t rows = ps_table_rows(t);
	char **cell, *copy = NULL;

	if (rows == 0 || col >= t->ncols)
		return PS_EINVAL;
	if (val != NULL && (copy = ps_strdup(PS_MEM_CLI, val)) == NULL)
		return PS_ENOMEM;
	cell = ps_vec_get(&t->cells, (rows - 1) * t->ncols + col);
	ps_free(*cell);
	*cell = copy;
	return PS_OK;
}

int ps_table_addf(struct ps_table *t, size_t col, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return ps_table_set(t, col, buf);
}

int ps_table_add(struct ps_table *t, const char *const *cells)
{
	int rc = ps_table_row(t);

	for (size_t i = 0; rc == PS_OK && i < t->ncols; i++)
		rc = ps_table_set(t, i, cells[i]);
	return rc;
}

static const char *cell_at(const struct ps_table *t, size_t row, size_t col)
{
	const char *s = *(char *const *)ps_vec_get((struct ps_vec *)&t->cells,
						   row * t->ncols + col);
	return s ? s : "";
}

const char *ps_table_cell(const struct ps_table *t, size_t row, size_t col)
{
	return cell_at(t, row, col);
}

static void pad(FILE *out, size_t n)
{
	while (n-- > 0)
		fputc(' ', out);
}

/* C0 controls, DEL and the C1 controls (UTF-8 c2 80..c2 9f). */
static size_t control_len(const unsigned char *p)
{
	if (p[0] < 0x20 || p[0] == 0x7f)
		return 1;
	if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
		return 2;
	return 0;
}

/*
 * Cell text safe for a terminal: values come from traffic, and an escape
 * sequence or a newline in one must not drive the terminal or forge a row.
 * Returns s itself when it is clean, else an escaped copy held in b.
 */
static const char *term_safe(const char *s, struct ps_buf *b)
{
	const unsigned char *p = (const unsigned char *)s;
	bool clean = true;

	for (size_t i = 0; p[i] && clean; i++)
		clean = control_len(p + i) == 0;
	if (clean)
		return s;
	ps_buf_reset(b);
	for (; *p; p++) {
		size_t n = control_len(p);
		int rc = PS_OK;

		for (size_t k = 0; k < n && rc == PS_OK; k++)
			rc = ps_buf_addf(b, "\\x%02x", p[k]);
		if (n == 0)
			rc = ps_buf_addch(b, *p);
		else
			p += n - 1;
		if (rc != PS_OK)
			return "?";
	}
	return ps_buf_cstr(b);
}

static int print_text(const struct ps_table *t, FILE *out)
{
	size_t rows = ps_table_rows(t);
	size_t *w = ps_calloc(PS_MEM_CLI, t->ncols ? t->ncols : 1, sizeof(*w));
	struct ps_buf b;

	if (w == NULL)
		return PS_ENOMEM;
	ps_buf_init(&b, PS_MEM_CLI, 1u << 20);
	for (size_t c = 0; c < t->ncols; c++) {
		w[c] = ps_text_width(term_safe(t->headers[c], &b));
		for (size_t r = 0; r < rows; r++) {
			size_t cw = ps_text_width(term_safe(cell_at(t, r, c), &b));
			if (cw > w[c])
				w[c] = cw;
		}
	}
	for (size_t r = 0; r <= rows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			const char *s = term_safe(r == 0 ? t->headers[c] :
						  cell_at(t, r - 1, c), &b);
			fputs(s, out);
			if (c + 1 < t->ncols)
				pad(out, w[c] - ps_text_width(s) + 2);
		}
		fputc('\n', out);
	}
	ps_buf_release(&b);
	ps_free(w);
	return ferror(out) ? PS_EIO : PS_OK;
}

static int print_csv(const struct ps_table *t, FILE *out)
{
	size_t rows = ps_table_rows(t);

	for (size_t r = 0; r <= rows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			if (c > 0)
				fputc(',', out);
			ps_csv_write_field(out, r == 0 ? t->headers[c] :
					   cell_at(t, r - 1, c));
		}
		fputs("\r\n", out);
	}
	return ferror(out) ? PS_EIO : PS_OK;
}

static int print_json(const struct ps_table *t, FILE *out)
{
	size_t rows = ps_table_rows(t);
	json_t *arr = json_array();
	int rc = PS_OK;

	if (arr == NULL)
		return PS_ENOMEM;
	for (size_t r = 0; r < rows && rc == PS_OK; r++) {
		json_t *obj = json_object();

		if (obj == NULL || json_array_append_new(arr, obj) != 0) {
			rc = PS_ENOMEM;
			break;
		}
		for (size_t c = 0; c < t->ncols; c++) {
			if (json_object_set_new(obj, t->headers[c],
						ps_json_text(cell_at(t, r, c))) != 0) {
				rc = PS_ENOMEM;
				break;
			}
		}
	}
	if (rc == PS_OK && json_dumpf(arr, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0)
		rc = PS_EIO;
	if (rc == PS_OK)
		fputc('\n', out);
	json_decref(arr);
	return rc;
}

int ps_table_print(const struct ps_table *t, enum ps_out_format f, FILE *out)
{
	switch (f) {
	case PS_OUT_JSON:
		return print_json(t, out);
	case PS_OUT_CSV:
		return print_csv(t, out);
	case PS_OUT_TABLE:
	default:
		return print_text(t, out);
	}
}
