/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Printers for a loaded policy: an aligned table for terminals, CSV and
 * JSON, used by `panshi policy show` and by reports that cite the numbers.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "policy/policy_int.h"
#include "core/core.h"

static bool wanted(const char *id, const char *prefix)
{
	return prefix == NULL || strncmp(id, prefix, strlen(prefix)) == 0;
}

/* Whether document `doc` backs a value or table that is printed. */
static bool doc_wanted(const struct ps_policy *p, const struct ps_policy_doc *doc,
		       const char *prefix)
{
	if (prefix == NULL)
		return true;
	for (size_t i = 0; i < p->n_vals; i++)
		if (p->vals[i]->doc == doc && wanted(p->vals[i]->id, prefix))
			return true;
	for (size_t i = 0; i < p->n_tabs; i++)
		if (p->tabs[i]->doc == doc && wanted(p->tabs[i]->id, prefix))
			return true;
	return false;
}

/* `s`, then spaces up to `width` columns; the last column gets none. */
static void put_padded(FILE *out, const char *s, size_t width)
{
	size_t w = ps_text_width(s);

	fputs(s, out);
	for (; w < width; w++)
		fputc(' ', out);
}

#define VALUE_COL_MAX 24 /* longer values push their row's later columns */

static void print_docs_table(const struct ps_policy *p, FILE *out,
			     const char *prefix)
{
	size_t wid = 2;

	for (size_t i = 0; i < p->n_docs; i++)
		if (ps_text_width(p->docs[i]->id) > wid)
			wid = ps_text_width(p->docs[i]->id);
	fputs("DOCUMENTS\n", out);
	for (size_t i = 0; i < p->n_docs; i++) {
		const struct ps_policy_doc *d = p->docs[i];

		if (!doc_wanted(p, d, prefix))
			continue;
		fputs("  ", out);
		put_padded(out, d->id, wid + 2);
		fprintf(out, "%s", d->title);
		if (d->number != NULL)
			fprintf(out, " (%s)", d->number);
		if (d->in_force != NULL)
			fprintf(out, ", in force %s", d->in_force);
		fprintf(out, " [%s]\n", ps_policy_status_name(d->status));
	}
}

static void print_values_table(const struct ps_policy *p, FILE *out,
			       const char *prefix)
{
	size_t w[4] = {2, 5, 4, 6};

	for (size_t i = 0; i < p->n_vals; i++) {
		const struct ps_policy_value *v = p->vals[i];
		const char *f[3] = {v->id, v->v.text, v->unit};

		if (!wanted(v->id, prefix))
			continue;
		for (size_t k = 0; k < 3; k++)
			if (ps_text_width(f[k]) > w[k])
				w[k] = ps_text_width(f[k]);
		if (w[1] > VALUE_COL_MAX)
			w[1] = VALUE_COL_MAX;
		if (strlen(ps_policy_status_name(v->status)) > w[3])
			w[3] = strlen(ps_policy_status_name(v->status));
	}
	fputs("\nVALUES\n  ", out);
	put_padded(out, "ID", w[0] + 2);
	put_padded(out, "VALUE", w[1] + 2);
	put_padded(out, "UNIT", w[2] + 2);
	put_padded(out, "STATUS", w[3] + 2);
	fputs("SOURCE\n", out);
	for (size_t i = 0; i < p->n_vals; i++) {
		const struct ps_policy_value *v = p->vals[i];

		if (!wanted(v->id, prefix))
			continue;
		fputs("  ", out);
		put_padded(out, v->id, w[0] + 2);
		put_padded(out, v->v.text, w[1] + 2);
		put_padded(out, v->unit, w[2] + 2);
		put_padded(out, ps_policy_status_name(v->status), w[3] + 2);
		fprintf(out, "%s\n", v->source);
	}
}

static void print_one_table(const struct ps_policy_table *t, FILE *out)
{
	size_t w[64];

	fprintf(out, "\n  %s", t->id);
	if (t->title != NULL)
		fprintf(out, ": %s", t->title);
	fprintf(out, "\n  [%s] %s\n", ps_policy_status_name(t->status),
		t->source);
	for (size_t c = 0; c < t->n_cols && c < 64; c++) {
		w[c] = ps_text_width(t->cols[c].name);
		for (size_t r = 0; r < t->n_rows; r++) {
			size_t cw = ps_text_width(t->cells[r * t->n_cols + c].text);

			if (cw > w[c])
				w[c] = cw;
		}
	}
	fputs("    ", out);
	for (size_t c = 0; c < t->n_cols && c < 64; c++)
		put_padded(out, t->cols[c].name,
			   c + 1 < t->n_cols ? w[c] + 2 : 0);
	fputc('\n', out);
	for (size_t r = 0; r < t->n_rows; r++) {
		fputs("    ", out);
		for (size_t c = 0; c < t->n_cols && c < 64; c++)
			put_padded(out, t->cells[r * t->n_cols + c].text,
				   c + 1 < t->n_cols ? w[c] + 2 : 0);
		fputc('\n', out);
	}
}

static void print_table_fmt(const struct ps_policy *p, FILE *out,
			    const char *prefix)
{
	print_docs_table(p, out, prefix);
	print_values_table(p, out, prefix);
	fputs("\nTABLES\n", out);
	for (size_t i = 0; i < p->n_tabs; i++)
		if (wanted(p->tabs[i]->id, prefix))
			print_one_table(p->tabs[i], out);
}

/* ---- CSV ---- */

static void csv_field(FILE *out, const char *s, bool last)
{
	ps_csv_write_field(out, s);
	fputs(last ? "\r\n" : ",", out);
}

static void csv_row(FILE *out, const char *id, const char *value,
		    const char *unit, enum ps_policy_status st,
		    const char *source, const char *note, const char *doc,
		    const char *file, unsigned line)
{
	char lbuf[16];

	snprintf(lbuf, sizeof(lbuf), "%u", line);
	csv_field(out, id, false);
	csv_field(out, value, false);
	csv_field(out, unit, false);
	csv_field(out, ps_policy_status_name(st), false);
	csv_field(out, source, false);
	csv_field(out, note, false);
	csv_field(out, doc, false);
	csv_field(out, file, false);
	csv_field(out, lbuf, true);
}

static void print_csv(const struct ps_policy *p, FILE *out, const char *prefix)
{
	fputs("id,value,unit,status,source,note,document,file,line\r\n", out);
	for (size_t i = 0; i < p->n_vals; i++) {
		const struct ps_policy_value *v = p->vals[i];

		if (wanted(v->id, prefix))
			csv_row(out, v->id, v->v.text, v->unit, v->status,
				v->source, v->note, v->doc_id, v->file, v->line);
	}
	for (size_t i = 0; i < p->n_tabs; i++) {
		const struct ps_policy_table *t = p->tabs[i];

		if (!wanted(t->id, prefix))
			continue;
		for (size_t r = 0; r < t->n_rows; r++) {
			for (size_t c = 0; c < t->n_cols; c++) {
				char id[256];

				snprintf(id, sizeof(id), "%s[%zu].%s", t->id, r,
					 t->cols[c].name);
				csv_row(out, id, t->cells[r * t->n_cols + c].text,
					t->cols[c].unit, t->status, t->source,
					t->note, t->doc_id, t->file, t->line);
			}
		}
	}
}

/* ---- JSON ---- */

static void json_str(FILE *out, const char *s)
{
	if (s == NULL) {
		fputs("null", out);
		return;
	}
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", out);
		else if (*p < 0x20)
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

static void json_scalar(FILE *out, const struct ps_policy_scalar *s)
{
	if (s->kind == PS_POLICY_INT)
		fprintf(out, "%" PRId64, s->num);
	else if (s->kind == PS_POLICY_FLAG)
		fputs(s->num ? "true" : "false", out);
	else
		json_str(out, s->text);
}

static void json_kv(FILE *out, const char *key, const char *val, bool comma)
{
	fprintf(out, "%s\"%s\": ", comma ? ", " : "", key);
	json_str(out, val);
}

static void json_doc(FILE *out, const struct ps_policy_doc *d)
{
	fputc('{', out);
	json_kv(out, "id", d->id, false);
	json_kv(out, "title", d->title, true);
	json_kv(out, "issuer", d->issuer, true);
	json_kv(out, "number", d->number, true);
	json_kv(out, "issued", d->issued, true);
	json_kv(out, "in_force", d->in_force, true);
	json_kv(out, "source", d->source, true);
	json_kv(out, "status", ps_policy_status_name(d->status), true);
	json_kv(out, "url", d->url, true);
	json_kv(out, "note", d->note, true);
	json_kv(out, "file", d->file, true);
	fprintf(out, ", \"line\": %u}", d->line);
}

static void json_value(FILE *out, const struct ps_policy_value *v)
{
	fputc('{', out);
	json_kv(out, "id", v->id, false);
	fputs(", \"value\": ", out);
	json_scalar(out, &v->v);
	json_kv(out, "unit", v->unit, true);
	json_kv(out, "status", ps_policy_status_name(v->status), true);
	json_kv(out, "source", v->source, true);
	json_kv(out, "note", v->note, true);
	json_kv(out, "document", v->doc_id, true);
	json_kv(out, "file", v->file, true);
	fprintf(out, ", \"line\": %u}", v->line);
}

static void json_table(FILE *out, const struct ps_policy_table *t)
{
	fputc('{', out);
	json_kv(out, "id", t->id, false);
	json_kv(out, "title", t->title, true);
	json_kv(out, "status", ps_policy_status_name(t->status), true);
	json_kv(out, "source", t->source, true);
	json_kv(out, "note", t->note, true);
	json_kv(out, "document", t->doc_id, true);
	json_kv(out, "file", t->file, true);
	fprintf(out, ", \"line\": %u, \"columns\": [", t->line);
	for (size_t c = 0; c < t->n_cols; c++) {
		fprintf(out, "%s{", c ? ", " : "");
		json_kv(out, "name", t->cols[c].name, false);
		json_kv(out, "unit", t->cols[c].unit, true);
		fputc('}', out);
	}
	fputs("], \"rows\": [", out);
	for (size_t r = 0; r < t->n_rows; r++) {
		fprintf(out, "%s{", r ? ", " : "");
		for (size_t c = 0; c < t->n_cols; c++) {
			fprintf(out, "%s", c ? ", " : "");
			json_str(out, t->cols[c].name);
			fputs(": ", out);
			json_scalar(out, &t->cells[r * t->n_cols + c]);
		}
		fputc('}', out);
	}
	fputs("]}", out);
}

static void print_json(const struct ps_policy *p, FILE *out,
		       const char *prefix)
{
	bool first = true;

	fputs("{\"documents\": [", out);
	for (size_t i = 0; i < p->n_docs; i++) {
		if (!doc_wanted(p, p->docs[i], prefix))
			continue;
		fputs(first ? "\n  " : ",\n  ", out);
		json_doc(out, p->docs[i]);
		first = false;
	}
	fputs("],\n\"values\": [", out);
	first = true;
	for (size_t i = 0; i < p->n_vals; i++) {
		if (!wanted(p->vals[i]->id, prefix))
			continue;
		fputs(first ? "\n  " : ",\n  ", out);
		json_value(out, p->vals[i]);
		first = false;
	}
	fputs("],\n\"tables\": [", out);
	first = true;
	for (size_t i = 0; i < p->n_tabs; i++) {
		if (!wanted(p->tabs[i]->id, prefix))
			continue;
		fputs(first ? "\n  " : ",\n  ", out);
		json_table(out, p->tabs[i]);
		first = false;
	}
	fputs("]}\n", out);
}

int ps_policy_print(const struct ps_policy *p, FILE *out,
		    enum ps_policy_format fmt, const char *prefix)
{
	switch (fmt) {
	case PS_POLICY_FMT_TABLE:
		print_table_fmt(p, out, prefix);
		break;
	case PS_POLICY_FMT_CSV:
		print_csv(p, out, prefix);
		break;
	case PS_POLICY_FMT_JSON:
		print_json(p, out, prefix);
		break;
	default:
		return PS_EINVAL;
	}
	if (fflush(out) != 0 || ferror(out))
		return PS_EIO;
	return PS_OK;
}
