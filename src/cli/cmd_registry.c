/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `panshi registry import` and `panshi registry export`: spreadsheets and
 * YAML in and out of the registry, all or nothing on the way in (every
 * error printed with its file and line), and the filing table on the way
 * out. The formats are described in registry/bulk.h.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli_audit.h"
#include "cli/cli_int.h"
#include "core/core.h"
#include "registry/bulk.h"
#include "registry/registry.h"

static int open_registry(struct ps_cli *cli, struct ps_registry *r)
{
	return ps_cli_registry_open(cli, r);
}

static int bad_value(struct ps_cli *cli, const char *opt, const char *v, const char *want)
{
	ps_cli_error(cli, "invalid value '%s' for %s (use %s)", v, opt, want);
	return PS_CLI_USAGE;
}

static int kind_arg(struct ps_cli *cli, const char *v, const struct ps_reg_kind **k)
{
	*k = ps_reg_kind_find(v);
	if (*k == NULL)
		*k = ps_reg_bulk_kind_from_name(v);
	if (*k == NULL) {
		ps_cli_error(cli, "unknown kind '%s' (use unit, asset, person, ... or units, "
			     "assets, ...)", v);
		return PS_CLI_USAGE;
	}
	return PS_CLI_OK;
}

/* ---- import ----------------------------------------------------------------------- */

struct import_args {
	const char *path;
	const struct ps_reg_kind *kind;
	bool dry_run;
};

static int import_opt(struct ps_cli *cli, struct ps_reg_bulk *b, struct import_args *a,
		      const char *opt, const char *v)
{
	if (strcmp(opt, "--kind") == 0)
		return kind_arg(cli, v, &a->kind);
	if (strcmp(opt, "--encoding") == 0) {
		if (ps_reg_enc_parse(v, &b->enc) != PS_OK)
			return bad_value(cli, opt, v, "utf-8, gbk or gb18030");
		return PS_CLI_OK;
	}
	if (strcmp(opt, "--format") == 0)
		return ps_cli_parse_format(cli, v) == PS_OK ? PS_CLI_OK : PS_CLI_USAGE;
	ps_cli_error(cli, "unknown option '%s'", opt);
	return PS_CLI_USAGE;
}

static int import_args_parse(struct ps_cli *cli, int argc, char **argv,
			     struct ps_reg_bulk *b, struct import_args *a)
{
	int rc;

	for (int i = 1; i < argc; i++) {
		const char *o = argv[i];

		if (strcmp(o, "--dry-run") == 0) {
			a->dry_run = true;
		} else if (strcmp(o, "--no-excel-safe") == 0) {
			b->excel_safe = false;
		} else if (o[0] == '-' && o[1] != '\0') {
			if (i + 1 >= argc)
				return ps_cli_usage(cli, &ps_cmd_registry_import);
			if ((rc = import_opt(cli, b, a, o, argv[i + 1])) != PS_CLI_OK)
				return rc;
			i++;
		} else if (a->path == NULL) {
			a->path = o;
		} else {
			ps_cli_error(cli, "one FILE or DIR only ('%s' and '%s')", a->path, o);
			return PS_CLI_USAGE;
		}
	}
	return a->path != NULL ? PS_CLI_OK : ps_cli_usage(cli, &ps_cmd_registry_import);
}

static void print_problems(struct ps_cli *cli, const struct ps_reg_bulk *b)
{
	for (size_t i = 0; i < ps_reg_bulk_notes(b); i++)
		fprintf(cli->err, "note: %s\n", ps_reg_bulk_note_at(b, i));
	for (size_t i = 0; i < ps_reg_bulk_errors_kept(b); i++)
		ps_cli_error(cli, "%s", ps_reg_bulk_error_at(b, i));
	if (b->n_errors > ps_reg_bulk_errors_kept(b))
		ps_cli_error(cli, "... and %zu more errors", b->n_errors - ps_reg_bulk_errors_kept(b));
}

static int print_counts(struct ps_cli *cli, const struct ps_reg_bulk_report *rep,
			const struct ps_reg_bulk *b)
{
	static const char *const heads[] = {"kind", "类别", "inserted", "updated", "unchanged"};
	struct ps_table *t = ps_table_new(PS_ARRAY_LEN(heads), heads);
	bool seen[PS_REG_BULK_KINDS_MAX] = {false};
	int rc = t != NULL ? PS_OK : PS_ENOMEM;

	for (size_t i = 0; i < ps_vec_len(&b->rows); i++) {
		const struct ps_reg_bulk_row *row = PS_VEC_AT(&b->rows, struct ps_reg_bulk_row, i);

		seen[ps_reg_kind_index(row->rec->kind)] = true;
	}
	for (size_t i = 0; rc == PS_OK && i < ps_reg_kind_count(); i++) {
		const struct ps_reg_kind *k = ps_reg_kind_at(i);
		const struct ps_reg_bulk_count *c = &rep->kind[i];

		if (!seen[i] || (rc = ps_table_row(t)) != PS_OK)
			continue;
		if ((rc = ps_table_set(t, 0, k->plural)) == PS_OK &&
		    (rc = ps_table_set(t, 1, k->zh)) == PS_OK) {
			ps_table_addf(t, 2, "%" PRId64, c->inserted);
			ps_table_addf(t, 3, "%" PRId64, c->updated);
			ps_table_addf(t, 4, "%" PRId64, c->unchanged);
		}
	}
	if (rc == PS_OK)
		rc = ps_table_print(t, cli->format, cli->out);
	ps_table_free(t);
	if (rc != PS_OK) {
		ps_cli_error(cli, "cannot print the counts: %s", ps_strerror(rc));
		return PS_CLI_FAIL;
	}
	if (!cli->quiet)
		fprintf(cli->err, "%s%" PRId64 " inserted, %" PRId64 " updated, %" PRId64
			" unchanged%s\n", rep->dry_run ? "dry run: " : "", rep->total.inserted,
			rep->total.updated, rep->total.unchanged,
			rep->dry_run ? "; nothing was changed" : "");
	return PS_CLI_OK;
}

static int registry_import(struct ps_cli *cli, int argc, char **argv)
{
	struct ps_reg_bulk b;
	struct ps_reg_bulk_report rep;
	struct import_args a = {0};
	struct ps_registry r;
	int rc;

	if (ps_reg_bulk_init(&b) != PS_OK) {
		ps_cli_error(cli, "out of memory");
		return PS_CLI_FAIL;
	}
	if ((rc = import_args_parse(cli, argc, argv, &b, &a)) != PS_CLI_OK)
		goto out;
	/* parse first; its errors are collected in b and printed with the checks' */
	if (ps_reg_bulk_read(&b, a.path, PS_REG_BULK_AUTO, a.kind) == PS_ENOMEM) {
		print_problems(cli, &b);
		rc = PS_CLI_FAIL;
		goto out;
	}
	if ((rc = open_registry(cli, &r)) != PS_CLI_OK) {
		print_problems(cli, &b);
		goto out;
	}
	if (ps_reg_bulk_apply(&r, &b, a.dry_run, &rep) != PS_OK || b.n_errors > 0) {
		print_problems(cli, &b);
		ps_cli_error(cli, "import of '%s' failed with %zu error%s; nothing was changed",
			     a.path, b.n_errors, b.n_errors == 1 ? "" : "s");
		rc = PS_CLI_FAIL;
		goto out;
	}
	print_problems(cli, &b);
	rc = print_counts(cli, &rep, &b);
out:
	ps_reg_bulk_release(&b);
	return rc;
}

/* ---- export ----------------------------------------------------------------------- */

struct export_args {
	const char *path;
	const char *filing;        /* --filing-table FILE */
	const char *format;
	struct ps_reg_export_opts o;
	struct ps_reg_filing_opts fo;
};

static int export_opt(struct ps_cli *cli, struct export_args *a, const char *opt,
		      const char *v)
{
	if (strcmp(opt, "--kind") == 0)
		return kind_arg(cli, v, &a->o.kind);
	if (strcmp(opt, "--format") == 0) {
		a->format = v;
	} else if (strcmp(opt, "--headers") == 0) {
		if (strcmp(v, "zh") != 0 && strcmp(v, "en") != 0)
			return bad_value(cli, opt, v, "zh or en");
		a->o.zh_headers = strcmp(v, "zh") == 0;
	} else if (strcmp(opt, "--encoding") == 0) {
		if (ps_reg_enc_parse(v, &a->o.enc) != PS_OK || a->o.enc == PS_REG_ENC_AUTO)
			return bad_value(cli, opt, v, "utf-8, gbk or gb18030");
		a->fo.enc = a->o.enc;
	} else if (strcmp(opt, "--filing-table") == 0) {
		a->filing = v;
	} else if (strcmp(opt, "--operator") == 0) {
		a->fo.operator_key = v;
	} else {
		ps_cli_error(cli, "unknown option '%s'", opt);
		return PS_CLI_USAGE;
	}
	return PS_CLI_OK;
}

static int export_format(struct ps_cli *cli, struct export_args *a)
{
	if (a->filing != NULL) {
		const char *dot = strrchr(a->filing, '.');

		a->fo.html = a->format != NULL ? strcmp(a->format, "html") == 0
					       : dot != NULL && (strcmp(dot, ".html") == 0 ||
								 strcmp(dot, ".htm") == 0);
		if (a->format != NULL && strcmp(a->format, "html") != 0 &&
		    strcmp(a->format, "csv") != 0)
			return bad_value(cli, "--format", a->format, "csv or html");
		if (a->path != NULL || a->o.kind != NULL) {
			ps_cli_error(cli, "--filing-table takes no FILE or --kind of its own");
			return PS_CLI_USAGE;
		}
		return PS_CLI_OK;
	}
	if (a->fo.operator_key != NULL) {
		ps_cli_error(cli, "--operator goes with --filing-table");
		return PS_CLI_USAGE;
	}
	if (a->format == NULL)
		return PS_CLI_OK;
	if (strcmp(a->format, "yaml") == 0)
		a->o.format = PS_REG_BULK_YAML;
	else if (strcmp(a->format, "csv") == 0)
		a->o.format = PS_REG_BULK_CSV;
	else
		return bad_value(cli, "--format", a->format, "yaml or csv");
	return PS_CLI_OK;
}

static int export_args_parse(struct ps_cli *cli, int argc, char **argv, struct export_args *a)
{
	int rc;

	ps_reg_export_opts_init(&a->o);
	ps_reg_filing_opts_init(&a->fo);
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i];

		if (strcmp(o, "--bom") == 0) {
			a->o.bom = a->fo.bom = true;
		} else if (strcmp(o, "--no-excel-safe") == 0) {
			a->o.excel_safe = a->fo.excel_safe = false;
		} else if (o[0] == '-' && o[1] != '\0') {
			if (i + 1 >= argc)
				return ps_cli_usage(cli, &ps_cmd_registry_export);
			if ((rc = export_opt(cli, a, o, argv[i + 1])) != PS_CLI_OK)
				return rc;
			i++;
		} else if (a->path == NULL) {
			a->path = o;
		} else {
			ps_cli_error(cli, "one FILE or DIR only ('%s' and '%s')", a->path, o);
			return PS_CLI_USAGE;
		}
	}
	if (a->path == NULL && a->filing == NULL)
		return ps_cli_usage(cli, &ps_cmd_registry_export);
	return export_format(cli, a);
}

static int registry_export(struct ps_cli *cli, int argc, char **argv)
{
	struct export_args a;
	struct ps_registry r;
	struct ps_diag d = {{0}};
	int64_t n = 0;
	int rc;

	memset(&a, 0, sizeof(a));
	if ((rc = export_args_parse(cli, argc, argv, &a)) != PS_CLI_OK)
		return rc;
	if ((rc = open_registry(cli, &r)) != PS_CLI_OK)
		return rc;
	if (a.filing != NULL)
		rc = ps_reg_filing_export_path(&r, &a.fo, a.filing, &n, &d);
	else
		rc = ps_reg_export_path(&r, &a.o, a.path, &n, &d);
	if (rc != PS_OK) {
		ps_cli_error(cli, "%s", d.msg[0] ? d.msg : ps_strerror(rc));
		return PS_CLI_FAIL;
	}
	if (!cli->quiet && strcmp(a.filing != NULL ? a.filing : a.path, "-") != 0)
		fprintf(cli->err, "exported %" PRId64 " %s to '%s'\n", n,
			a.filing != NULL ? (n == 1 ? "unit" : "units")
					 : (n == 1 ? "record" : "records"),
			a.filing != NULL ? a.filing : a.path);
	return PS_CLI_OK;
}

const struct ps_cli_cmd ps_cmd_registry_import = {
	"registry", "import", registry_import,
	"panshi registry import FILE|DIR [--kind K] [--encoding utf-8|gbk|gb18030] "
	"[--dry-run] [--no-excel-safe] [--format table|json|csv]",
	"import registry records from CSV or YAML, all or nothing", -1};

const struct ps_cli_cmd ps_cmd_registry_export = {
	"registry", "export", registry_export,
	"panshi registry export FILE|DIR|- [--kind K] [--format yaml|csv] [--headers zh|en] "
	"[--bom] [--encoding utf-8|gbk|gb18030] [--no-excel-safe]\n"
	"       panshi registry export --filing-table FILE [--operator KEY] "
	"[--format csv|html] [--bom] [--encoding utf-8|gbk|gb18030]",
	"export registry records as CSV or YAML, or the filing table", -1};
