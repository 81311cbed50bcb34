/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bulk export of registry records: a YAML document of every kind (or
 * one), CSV of one kind with English or Chinese headers, in UTF-8 (with
 * an optional byte-order mark for Excel) or GBK, guarded against formula
 * injection, or a directory with a file per kind. What it writes, the
 * import in bulk.c reads back to the same records.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

#include "core/core.h"
#include "core/csv.h"
#include "registry/bulk.h"
#include "registry/bulk_int.h"
#include "store/store.h"

#define EXPORT_MAX ((size_t)1 << 31) /* bytes of one CSV export */

void ps_reg_export_opts_init(struct ps_reg_export_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->format = PS_REG_BULK_AUTO;
	o->excel_safe = true;
	o->enc = PS_REG_ENC_UTF8;
}

struct exp {
	struct ps_registry *r;
	const struct ps_reg_export_opts *o;
	struct ps_diag *d;
	int64_t n;
	/* YAML */
	yaml_emitter_t em;
	const struct ps_reg_kind *open_kind; /* section started */
	/* CSV */
	struct ps_buf csv;
};

/* ---- YAML ------------------------------------------------------------------------ */

static int emit(struct exp *e, yaml_event_t *ev)
{
	if (yaml_emitter_emit(&e->em, ev))
		return PS_OK;
	ps_diag_set(e->d, "cannot write YAML: %s",
		    e->em.problem ? e->em.problem : "write error");
	return e->em.error == YAML_MEMORY_ERROR ? PS_ENOMEM : PS_EIO;
}

/* A scalar that reads back as exactly `s`: text that YAML would take for
 * null is quoted; everything else is left to libyaml's analysis. */
static int scalar(struct exp *e, const char *s)
{
	static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};
	yaml_scalar_style_t style = YAML_ANY_SCALAR_STYLE;
	yaml_event_t ev;

	for (size_t i = 0; i < PS_ARRAY_LEN(nulls); i++)
		if (strcmp(s, nulls[i]) == 0)
			style = YAML_DOUBLE_QUOTED_SCALAR_STYLE;
	if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (const yaml_char_t *)s,
					  (int)strlen(s), 1, 1, style))
		return PS_ENOMEM;
	return emit(e, &ev);
}

static int seq_start(struct exp *e, yaml_sequence_style_t style)
{
	yaml_event_t ev;

	yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, style);
	return emit(e, &ev);
}

static int seq_end(struct exp *e)
{
	yaml_event_t ev;

	yaml_sequence_end_event_initialize(&ev);
	return emit(e, &ev);
}

static int yaml_record(void *arg, const struct ps_reg_record *rec)
{
	struct exp *e = arg;
	const struct ps_reg_kind *k = rec->kind;
	yaml_event_t ev;
	int rc;

	if (e->open_kind != k) {
		if ((rc = scalar(e, k->plural)) != PS_OK ||
		    (rc = seq_start(e, YAML_BLOCK_SEQUENCE_STYLE)) != PS_OK)
			return rc;
		e->open_kind = k;
	}
	yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
	if ((rc = emit(e, &ev)) != PS_OK || (rc = scalar(e, "key")) != PS_OK ||
	    (rc = scalar(e, rec->key != NULL ? rec->key : "")) != PS_OK)
		return rc;
	for (size_t i = 0; i < k->n_fields; i++) {
		if (rec->vals[i] == NULL || rec->vals[i][0] == '\0')
			continue;
		if ((rc = scalar(e, k->fields[i].name)) != PS_OK ||
		    (rc = scalar(e, rec->vals[i])) != PS_OK)
			return rc;
	}
	yaml_mapping_end_event_initialize(&ev);
	e->n++;
	return emit(e, &ev);
}

static int yaml_kind(struct exp *e, const struct ps_reg_kind *k)
{
	int rc;

	e->open_kind = NULL;
	rc = ps_reg_list(e->r, k, NULL, yaml_record, e);
	if (rc != PS_OK) {
		if (e->d->msg[0] == '\0')
			ps_diag_set(e->d, "cannot list %s: %s", k->plural,
				    ps_store_errmsg(e->r->st));
		return rc;
	}
	if (e->open_kind != NULL)
		return seq_end(e);
	if (e->o->kind == NULL)
		return PS_OK;
	/* one kind asked for and none there: an empty list, still a valid file */
	if ((rc = scalar(e, k->plural)) != PS_OK ||
	    (rc = seq_start(e, YAML_FLOW_SEQUENCE_STYLE)) != PS_OK)
		return rc;
	return seq_end(e);
}

static int yaml_body(struct exp *e)
{
	yaml_event_t ev;
	int rc;

	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	if ((rc = emit(e, &ev)) != PS_OK)
		return rc;
	yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
	if ((rc = emit(e, &ev)) != PS_OK)
		return rc;
	yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
	if ((rc = emit(e, &ev)) != PS_OK || (rc = scalar(e, "panshi_registry")) != PS_OK ||
	    (rc = scalar(e, "1")) != PS_OK)
		return rc;
	for (size_t i = 0; i < ps_reg_kind_count(); i++) {
		const struct ps_reg_kind *k = ps_reg_kind_at(i);

		if ((e->o->kind == NULL || e->o->kind == k) && (rc = yaml_kind(e, k)) != PS_OK)
			return rc;
	}
	yaml_mapping_end_event_initialize(&ev);
	if ((rc = emit(e, &ev)) != PS_OK)
		return rc;
	yaml_document_end_event_initialize(&ev, 1);
	if ((rc = emit(e, &ev)) != PS_OK)
		return rc;
	yaml_stream_end_event_initialize(&ev);
	return emit(e, &ev);
}

static int export_yaml(struct exp *e, FILE *out)
{
	char today[PS_DATE_FMT_SIZE] = "";
	int rc;

	if (ps_date_fmt(e->r->today, today, sizeof(today)) != PS_OK)
		today[0] = '\0';
	fprintf(out, "# Panshi registry export%s%s%s. Re-import with `panshi registry "
		"import FILE`.\n", today[0] ? " of " : "", today,
		e->o->kind != NULL ? " (one kind)" : "");
	if (!yaml_emitter_initialize(&e->em)) {
		ps_diag_set(e->d, "out of memory");
		return PS_ENOMEM;
	}
	yaml_emitter_set_output_file(&e->em, out);
	yaml_emitter_set_unicode(&e->em, 1);
	yaml_emitter_set_width(&e->em, -1);
	yaml_emitter_set_indent(&e->em, 2);
	rc = yaml_body(e);
	if (rc == PS_OK && !yaml_emitter_flush(&e->em)) {
		ps_diag_set(e->d, "cannot write YAML: %s", strerror(errno));
		rc = PS_EIO;
	}
	yaml_emitter_delete(&e->em);
	return rc;
}

/* ---- CSV ------------------------------------------------------------------------- */

/* One cell, with the formula guard of bulk.h when asked for. */
static int csv_cell(struct exp *e, const char *v, bool first)
{
	int rc;

	if (!first && (rc = ps_buf_addch(&e->csv, ',')) != PS_OK)
		return rc;
	if (v != NULL && e->o->excel_safe && v[0] != '\0' && strchr("=+-@\t\r'", v[0]) != NULL) {
		struct ps_buf tmp = PS_BUF_INIT(PS_MEM_REGISTRY, PS_REG_BULK_FILE_MAX);

		rc = ps_buf_addch(&tmp, '\'');
		if (rc == PS_OK)
			rc = ps_buf_addstr(&tmp, v);
		if (rc == PS_OK)
			rc = ps_csv_buf_field(&e->csv, ps_buf_cstr(&tmp), ',');
		ps_buf_release(&tmp);
		return rc;
	}
	return ps_csv_buf_field(&e->csv, v, ',');
}

static int csv_record(void *arg, const struct ps_reg_record *rec)
{
	struct exp *e = arg;
	int rc = csv_cell(e, rec->key, true);

	for (size_t i = 0; rc == PS_OK && i < rec->kind->n_fields; i++)
		rc = csv_cell(e, rec->vals[i], false);
	if (rc == PS_OK)
		rc = ps_buf_add(&e->csv, "\r\n", 2);
	if (rc != PS_OK) {
		ps_diag_set(e->d, "%s", rc == PS_ENOMEM ? "out of memory"
							: "the export is too large");
		return rc;
	}
	e->n++;
	return PS_OK;
}

static int csv_header(struct exp *e, const struct ps_reg_kind *k)
{
	int rc = PS_OK;

	if (e->o->bom && (e->o->enc == PS_REG_ENC_UTF8 || e->o->enc == PS_REG_ENC_AUTO))
		rc = ps_buf_add(&e->csv, "\xef\xbb\xbf", 3);
	if (rc == PS_OK)
		rc = csv_cell(e, e->o->zh_headers ? "编号" : "key", true);
	for (size_t i = 0; rc == PS_OK && i < k->n_fields; i++)
		rc = csv_cell(e, e->o->zh_headers ? k->fields[i].zh : k->fields[i].name, false);
	if (rc == PS_OK)
		rc = ps_buf_add(&e->csv, "\r\n", 2);
	return rc;
}

/* Re-encode the UTF-8 export for old Excel; a character GBK lacks names its line. */
static int encode(struct exp *e, char **buf, size_t *len)
{
	const char *to = e->o->enc == PS_REG_ENC_GBK ? "GBK" : "GB18030";
	size_t bad = 0;
	int rc = ps_csv_iconv("UTF-8", to, ps_buf_cstr(&e->csv), ps_buf_len(&e->csv),
			      PS_MEM_REGISTRY, buf, len, &bad);
	unsigned line = 1;

	if (rc == PS_EINVAL) {
		for (size_t i = 0; i < bad; i++)
			line += e->csv.p[i] == '\n';
		ps_diag_set(e->d, "cannot write %s in %s: line %u holds a character %s does "
			    "not have (use --encoding gb18030 or utf-8)", e->o->kind->plural, to,
			    line, to);
	} else if (rc != PS_OK) {
		ps_diag_set(e->d, "cannot convert to %s: %s", to, ps_strerror(rc));
	}
	return rc;
}

static int export_csv(struct exp *e, FILE *out)
{
	const struct ps_reg_kind *k = e->o->kind;
	char *conv = NULL;
	const char *p;
	size_t len;
	int rc;

	if (k == NULL) {
		ps_diag_set(e->d, "a CSV file holds one kind: give --kind, or a directory");
		return PS_EINVAL;
	}
	ps_buf_init(&e->csv, PS_MEM_REGISTRY, EXPORT_MAX);
	if ((rc = csv_header(e, k)) == PS_OK)
		rc = ps_reg_list(e->r, k, NULL, csv_record, e);
	if (rc != PS_OK && e->d->msg[0] == '\0')
		ps_diag_set(e->d, "cannot list %s: %s", k->plural, ps_store_errmsg(e->r->st));
	p = ps_buf_cstr(&e->csv);
	len = ps_buf_len(&e->csv);
	if (rc == PS_OK && (e->o->enc == PS_REG_ENC_GBK || e->o->enc == PS_REG_ENC_GB18030)) {
		rc = encode(e, &conv, &len);
		p = conv;
	}
	if (rc == PS_OK && len > 0 && fwrite(p, 1, len, out) != len) {
		ps_diag_set(e->d, "cannot write: %s", strerror(errno));
		rc = PS_EIO;
	}
	ps_free(conv);
	ps_buf_release(&e->csv);
	return rc;
}

int ps_reg_export(struct ps_registry *r, const struct ps_reg_export_opts *o, FILE *out,
		  int64_t *n, struct ps_diag *d)
{
	struct exp e;
	int rc;

	memset(&e, 0, sizeof(e));
	e.r = r;
	e.o = o;
	e.d = d;
	ps_diag_clear(d);
	if (o->format == PS_REG_BULK_CSV)
		rc = export_csv(&e, out);
	else
		rc = export_yaml(&e, out);
	if (n != NULL)
		*n = e.n;
	return rc;
}

/* ---- files and directories ---------------------------------------------------------- */

struct export_job {
	struct ps_registry *r;
	const struct ps_reg_export_opts *o;
	int64_t *n;
};

static int export_to(void *arg, FILE *f, struct ps_diag *d)
{
	const struct export_job *j = arg;

	return ps_reg_export(j->r, j->o, f, j->n, d);
}

/* Export into `path` through a temporary file renamed on success. */
static int export_file(struct ps_registry *r, const struct ps_reg_export_opts *o,
		       const char *path, int64_t *n, struct ps_diag *d)
{
	struct export_job j = {r, o, n};

	return ps_file_write_atomic(path, export_to, &j, NULL, d);
}

static bool is_dir_path(const char *path)
{
	struct stat st;
	size_t n = strlen(path);

	return (n > 0 && path[n - 1] == '/') || (stat(path, &st) == 0 && S_ISDIR(st.st_mode));
}

static int export_dir(struct ps_registry *r, const struct ps_reg_export_opts *o,
		      const char *dir, int64_t *n, struct ps_diag *d)
{
	struct ps_reg_export_opts one = *o;
	int rc = PS_OK;

	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		ps_diag_set(d, "cannot create directory '%s': %s", dir, strerror(errno));
		return PS_EIO;
	}
	if (one.format == PS_REG_BULK_AUTO)
		one.format = PS_REG_BULK_CSV;
	for (size_t i = 0; rc == PS_OK && i < ps_reg_kind_count(); i++) {
		const struct ps_reg_kind *k = ps_reg_kind_at(i);
		char path[4200];
		int64_t m = 0;

		if (o->kind != NULL && o->kind != k)
			continue;
		one.kind = k;
		snprintf(path, sizeof(path), "%s%s%s.%s", dir,
			 dir[strlen(dir) - 1] == '/' ? "" : "/", k->plural,
			 one.format == PS_REG_BULK_CSV ? "csv" : "yaml");
		rc = export_file(r, &one, path, &m, d);
		*n += m;
	}
	return rc;
}

int ps_reg_export_path(struct ps_registry *r, const struct ps_reg_export_opts *o,
		       const char *path, int64_t *n, struct ps_diag *d)
{
	struct ps_reg_export_opts one = *o;
	int64_t count = 0;
	int rc;

	ps_diag_clear(d);
	if (strcmp(path, "-") != 0 && is_dir_path(path)) {
		rc = export_dir(r, o, path, &count, d);
	} else {
		if (one.format == PS_REG_BULK_AUTO)
			one.format = ps_reg_bulk_fmt_from_name(path);
		if (one.format == PS_REG_BULK_AUTO)
			one.format = PS_REG_BULK_YAML;
		rc = export_file(r, &one, path, &count, d);
	}
	if (n != NULL)
		*n = count;
	return rc;
}
