/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `panshi <kind> add|list|show|edit|delete` for every registry kind, and
 * `panshi catalog file`: options are the kind's field names, values are
 * checked by the registry, and every refusal names the record and field.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "cli/cli_audit.h"
#include "cli/cli.h"
#include "cli/cli_int.h"
#include "cli/cmd_reg.h"
#include "core/core.h"
#include "registry/registry.h"
#include "registry/registry_json.h"
#include "store/store.h"

#define VERBS "add|list|show|edit|delete"

const struct ps_reg_kind *ps_cli_reg_kind(const char *noun)
{
	const struct ps_reg_kind *k = ps_reg_kind_find(noun);

	return k != NULL && strcmp(k->name, noun) == 0 ? k : NULL;
}

/* Verbs beyond add|list|show|edit|delete that one kind has. */
static const struct ps_cli_cmd ps_cmd_catalog_file;
extern const struct ps_cli_cmd ps_cmd_asset_route; /* cmd_route.c */
static const struct ps_cli_cmd *const extra_cmds[] = {
	&ps_cmd_catalog_file,
	&ps_cmd_asset_route,
};

void ps_cli_reg_help(FILE *f)
{
	for (size_t i = 0; i < ps_reg_kind_count(); i++) {
		const struct ps_reg_kind *k = ps_reg_kind_at(i);
		char name[64];
		size_t n = (size_t)snprintf(name, sizeof(name), "%s %s", k->name, VERBS);

		for (size_t j = 0; j < PS_ARRAY_LEN(extra_cmds) && n < sizeof(name); j++)
			if (strcmp(extra_cmds[j]->noun, k->name) == 0)
				n += (size_t)snprintf(name + n, sizeof(name) - n, "|%s",
						      extra_cmds[j]->verb);
		fprintf(f, "   %-40s %s\n", name, k->zh);
	}
}

void ps_cli_reg_kind_help(const struct ps_reg_kind *k, FILE *f)
{
	fprintf(f, "usage: panshi %s add [--key KEY] --FIELD VALUE ...\n"
		"       panshi %s list [--where FIELD=VALUE]... [--limit N] [--offset N] "
		"[--format table|json|csv]\n"
		"       panshi %s show KEY [--format table|json|csv]\n"
		"       panshi %s edit KEY [--FIELD VALUE]... [--clear FIELD]...\n"
		"       panshi %s delete KEY\n", k->name, k->name, k->name, k->name, k->name);
	for (size_t j = 0; j < PS_ARRAY_LEN(extra_cmds); j++)
		if (strcmp(extra_cmds[j]->noun, k->name) == 0)
			fprintf(f, "       %s\n", extra_cmds[j]->usage);
	fprintf(f, "\n%s (%s), key prefix %s. Fields:\n", k->zh, k->plural, k->prefix);
	for (size_t i = 0; i < k->n_fields; i++) {
		const struct ps_reg_field *fl = &k->fields[i];

		fprintf(f, "   --%-22s %s%s\n", fl->name, fl->help,
			(fl->flags & PS_REG_F_REQUIRED) ? " (required)" : "");
	}
}

/* "operator, name, type, ..." */
static void field_names(const struct ps_reg_kind *k, char *out, size_t n)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < k->n_fields && used + 1 < n; i++) {
		int w = snprintf(out + used, n - used, "%s%s", i ? ", " : "", k->fields[i].name);

		used += w > 0 ? (size_t)w : 0;
	}
}

static int unknown_field(struct ps_cli *cli, const struct ps_reg_kind *k, const char *verb,
			 const char *opt)
{
	char names[1024];

	field_names(k, names, sizeof(names));
	ps_cli_error(cli, "unknown option '%s' for '%s %s'; the fields are: %s", opt, k->name,
		     verb, names);
	return PS_CLI_USAGE;
}

static int usage(struct ps_cli *cli, const struct ps_reg_kind *k)
{
	ps_cli_reg_kind_help(k, cli->err);
	return PS_CLI_USAGE;
}

/* Open the store and the policy, and wrap them in a registry. */
static int open_registry(struct ps_cli *cli, struct ps_registry *r)
{
	return ps_cli_registry_open(cli, r);
}

/*
 * Options of add/edit from argv[from]: --FIELD VALUE or --FIELD=VALUE,
 * --key (add), --clear FIELD (edit), --format. Values go into rec.
 */
static int parse_fields(struct ps_cli *cli, struct ps_reg_record *rec, const char *verb,
			int argc, char **argv, int from)
{
	const struct ps_reg_kind *k = rec->kind;
	bool edit = strcmp(verb, "edit") == 0;

	for (int i = from; i < argc; i++) {
		const char *a = argv[i], *eq, *v;
		char name[128];
		int fi;

		if (strncmp(a, "--", 2) != 0 || a[2] == '\0')
			return unknown_field(cli, k, verb, a);
		eq = strchr(a, '=');
		snprintf(name, sizeof(name), "%.*s", eq ? (int)(eq - a - 2) : (int)strlen(a + 2),
			 a + 2);
		if (eq != NULL)
			v = eq + 1;
		else if (i + 1 < argc)
			v = argv[++i];
		else {
			ps_cli_error(cli, "option '%s' needs a value", a);
			return PS_CLI_USAGE;
		}
		if (strcmp(name, "format") == 0) {
			if (ps_cli_parse_format(cli, v) != PS_OK)
				return PS_CLI_USAGE;
			continue;
		}
		if (edit && strcmp(name, "clear") == 0) {
			snprintf(name, sizeof(name), "%s", v);
			v = NULL;
		}
		fi = ps_reg_field_find(k, name);
		if (fi == -1 || (fi == -2 && edit))
			return unknown_field(cli, k, verb, a);
		if (ps_reg_record_set(rec, name, v) != PS_OK) {
			ps_cli_error(cli, "out of memory");
			return PS_CLI_FAIL;
		}
	}
	return PS_CLI_OK;
}

static int cmd_add(struct ps_cli *cli, const struct ps_reg_kind *k, int argc, char **argv)
{
	struct ps_reg_record *rec = ps_reg_record_new(k);
	struct ps_diag d = {{0}};
	struct ps_registry r;
	int rc;

	if (rec == NULL)
		return PS_CLI_FAIL;
	rc = parse_fields(cli, rec, "add", argc, argv, 1);
	if (rc == PS_CLI_OK)
		rc = open_registry(cli, &r);
	if (rc == PS_CLI_OK && ps_reg_insert(&r, rec, &d) != PS_OK) {
		ps_cli_error(cli, "%s", d.msg);
		rc = PS_CLI_FAIL;
	}
	if (rc == PS_CLI_OK && !cli->quiet)
		fprintf(cli->out, "added %s '%s'\n", k->name, rec->key);
	ps_reg_record_free(rec);
	return rc;
}

static int cmd_edit(struct ps_cli *cli, const struct ps_reg_kind *k, int argc, char **argv)
{
	struct ps_reg_record *rec = NULL, *scratch;
	struct ps_diag d = {{0}};
	struct ps_registry r;
	int rc;

	if (argc < 2 || argv[1][0] == '-')
		return usage(cli, k);
	/* options first, so a typo is reported before the store is opened */
	scratch = ps_reg_record_new(k);
	if (scratch == NULL)
		return PS_CLI_FAIL;
	rc = parse_fields(cli, scratch, "edit", argc, argv, 2);
	ps_reg_record_free(scratch);
	if (rc == PS_CLI_OK)
		rc = open_registry(cli, &r);
	if (rc != PS_CLI_OK)
		return rc;
	if (ps_reg_get(&r, k, argv[1], &rec) != PS_OK) {
		ps_cli_error(cli, "no %s '%s'", k->name, argv[1]);
		return PS_CLI_FAIL;
	}
	rc = parse_fields(cli, rec, "edit", argc, argv, 2);
	if (rc == PS_CLI_OK && ps_reg_update(&r, rec, &d) != PS_OK) {
		ps_cli_error(cli, "%s", d.msg);
		rc = PS_CLI_FAIL;
	}
	if (rc == PS_CLI_OK && !cli->quiet)
		fprintf(cli->out, "updated %s '%s'\n", k->name, rec->key);
	ps_reg_record_free(rec);
	return rc;
}

static int cmd_delete(struct ps_cli *cli, const struct ps_reg_kind *k, int argc, char **argv)
{
	struct ps_diag d = {{0}};
	struct ps_registry r;
	int rc;

	if (argc != 2 || argv[1][0] == '-')
		return usage(cli, k);
	rc = open_registry(cli, &r);
	if (rc != PS_CLI_OK)
		return rc;
	if (ps_reg_delete(&r, k, argv[1], &d) != PS_OK) {
		ps_cli_error(cli, "%s", d.msg);
		return PS_CLI_FAIL;
	}
	if (!cli->quiet)
		fprintf(cli->out, "deleted %s '%s'\n", k->name, argv[1]);
	return PS_CLI_OK;
}

/* ---- list and show ---------------------------------------------------------------- */

static json_t *record_json(const struct ps_reg_record *rec)
{
	return ps_reg_record_to_json(rec);
}

struct lister {
	struct ps_cli *cli;
	struct ps_table *t;
	json_t *arr;
	bool all; /* every field, not only PS_REG_F_LIST */
};

static int list_row(void *arg, const struct ps_reg_record *rec)
{
	struct lister *l = arg;
	const struct ps_reg_kind *k = rec->kind;
	size_t col = 1;
	int rc;

	if (l->arr != NULL) {
		json_t *o = record_json(rec);

		return o != NULL && json_array_append_new(l->arr, o) == 0 ? PS_OK : PS_ENOMEM;
	}
	rc = ps_table_row(l->t);
	if (rc == PS_OK)
		rc = ps_table_set(l->t, 0, rec->key);
	for (size_t i = 0; rc == PS_OK && i < k->n_fields; i++)
		if (l->all || (k->fields[i].flags & PS_REG_F_LIST))
			rc = ps_table_set(l->t, col++, rec->vals[i]);
	return rc;
}

static struct ps_table *record_table(const struct ps_reg_kind *k, bool all)
{
	const char *h[64];
	size_t n = 0;

	h[n++] = "key";
	for (size_t i = 0; i < k->n_fields && n < PS_ARRAY_LEN(h); i++)
		if (all || (k->fields[i].flags & PS_REG_F_LIST))
			h[n++] = k->fields[i].name;
	return ps_table_new(n, h);
}

static int print_json(struct ps_cli *cli, json_t *j)
{
	int rc = json_dumpf(j, cli->out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0 ?
		PS_CLI_OK : PS_CLI_FAIL;

	fputc('\n', cli->out);
	return rc;
}

/* --where FIELD=VALUE into the filter, checked against the kind. */
static int add_where(struct ps_cli *cli, const struct ps_reg_kind *k, const char *w,
		     struct ps_reg_filter *f, struct ps_registry *r)
{
	const char *eq = strchr(w, '=');
	char name[128], *norm = NULL;
	struct ps_diag d = {{0}};
	int fi;

	snprintf(name, sizeof(name), "%.*s", eq ? (int)(eq - w) : (int)strlen(w), w);
	fi = eq != NULL ? ps_reg_field_find(k, name) : -1;
	if (fi == -1 || f->n >= PS_REG_FILTER_MAX) {
		char names[1024];

		field_names(k, names, sizeof(names));
		ps_cli_error(cli, "bad --where '%s': use FIELD=VALUE (at most %d) with a "
			     "field of %s: key, %s", w, PS_REG_FILTER_MAX, k->name, names);
		return PS_CLI_USAGE;
	}
	if (fi >= 0 && ps_reg_value_check(r, &k->fields[fi], eq + 1, &norm, &d) != PS_OK) {
		ps_cli_error(cli, "--where: %s", d.msg);
		return PS_CLI_FAIL;
	}
	ps_free(norm);
	f->field[f->n] = fi >= 0 ? k->fields[fi].name : "key";
	f->value[f->n++] = eq + 1;
	return PS_CLI_OK;
}

static int parse_count(struct ps_cli *cli, const char *opt, const char *v, int64_t *out)
{
	char *end;
	long long n = strtoll(v, &end, 10);

	if (*v == '\0' || *end != '\0' || n < 0) {
		ps_cli_error(cli, "%s: '%s' is not a count", opt, v);
		return PS_CLI_USAGE;
	}
	*out = n;
	return PS_CLI_OK;
}

static int list_opts(struct ps_cli *cli, const struct ps_reg_kind *k, int argc, char **argv,
		     struct ps_reg_filter *f, struct ps_registry *r)
{
	int rc = PS_CLI_OK;

	for (int i = 1; rc == PS_CLI_OK && i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (v == NULL || strncmp(a, "--", 2) != 0) {
			ps_cli_error(cli, "unknown or incomplete option '%s' for '%s list'", a,
				     k->name);
			return PS_CLI_USAGE;
		}
		i++;
		if (strcmp(a, "--where") == 0)
			rc = add_where(cli, k, v, f, r);
		else if (strcmp(a, "--limit") == 0)
			rc = parse_count(cli, a, v, &f->limit);
		else if (strcmp(a, "--offset") == 0)
			rc = parse_count(cli, a, v, &f->offset);
		else if (strcmp(a, "--format") == 0)
			rc = ps_cli_parse_format(cli, v) == PS_OK ? PS_CLI_OK : PS_CLI_USAGE;
		else {
			ps_cli_error(cli, "unknown option '%s' for '%s list' (use --where, "
				     "--limit, --offset, --format)", a, k->name);
			return PS_CLI_USAGE;
		}
	}
	return rc;
}

static int cmd_list(struct ps_cli *cli, const struct ps_reg_kind *k, int argc, char **argv)
{
	struct ps_reg_filter f = {0};
	struct lister l = {.cli = cli};
	struct ps_registry r;
	int rc;

	rc = open_registry(cli, &r);
	if (rc == PS_CLI_OK)
		rc = list_opts(cli, k, argc, argv, &f, &r);
	if (rc != PS_CLI_OK)
		return rc;
	l.all = cli->format == PS_OUT_CSV;
	if (cli->format == PS_OUT_JSON)
		l.arr = json_array();
	else
		l.t = record_table(k, l.all);
	if (l.arr == NULL && l.t == NULL)
		return PS_CLI_FAIL;
	rc = ps_reg_list(&r, k, &f, list_row, &l);
	if (rc != PS_OK)
		ps_cli_error(cli, "cannot list %s: %s", k->plural,
			     rc == PS_EDB ? ps_store_errmsg(cli->store) : ps_strerror(rc));
	if (rc == PS_OK)
		rc = l.arr != NULL ? print_json(cli, l.arr) :
			ps_table_print(l.t, cli->format, cli->out) == PS_OK ? PS_CLI_OK :
			PS_CLI_FAIL;
	else
		rc = PS_CLI_FAIL;
	json_decref(l.arr);
	ps_table_free(l.t);
	return rc;
}

/* One "field  中文  value" line; no padding after an empty value. */
static void show_line(FILE *out, size_t wn, size_t wz, const char *name, const char *zh,
		      const char *v)
{
	if (v == NULL || v[0] == '\0')
		fprintf(out, "%-*s  %s\n", (int)wn, name, zh);
	else
		fprintf(out, "%-*s  %s%*s  %s\n", (int)wn, name, zh,
			(int)(wz - ps_text_width(zh)), "", v);
}

/* "field  中文  value" lines, aligned on terminal width. */
static void show_table(struct ps_cli *cli, const struct ps_reg_record *rec)
{
	const struct ps_reg_kind *k = rec->kind;
	size_t wn = strlen("updated"), wz = ps_text_width("更新时间");
	char t[PS_TIME_FMT_SIZE];

	for (size_t i = 0; i < k->n_fields; i++) {
		if (strlen(k->fields[i].name) > wn)
			wn = strlen(k->fields[i].name);
		if (ps_text_width(k->fields[i].zh) > wz)
			wz = ps_text_width(k->fields[i].zh);
	}
	show_line(cli->out, wn, wz, "key", "编号", rec->key);
	for (size_t i = 0; i < k->n_fields; i++)
		show_line(cli->out, wn, wz, k->fields[i].name, k->fields[i].zh, rec->vals[i]);
	if (ps_time_fmt_iso8601(rec->updated_us, PS_TZ_SHANGHAI, PS_TIME_FMT_SEC, t,
				sizeof(t)) == PS_OK)
		show_line(cli->out, wn, wz, "updated", "更新时间", t);
}

static int cmd_show(struct ps_cli *cli, const struct ps_reg_kind *k, int argc, char **argv)
{
	struct ps_reg_record *rec = NULL;
	struct ps_registry r;
	struct lister l = {.cli = cli, .all = true};
	int rc;

	if (argc == 4 && strcmp(argv[2], "--format") == 0) {
		if (ps_cli_parse_format(cli, argv[3]) != PS_OK)
			return PS_CLI_USAGE;
		argc = 2;
	}
	if (argc != 2 || argv[1][0] == '-')
		return usage(cli, k);
	rc = open_registry(cli, &r);
	if (rc != PS_CLI_OK)
		return rc;
	rc = ps_reg_get(&r, k, argv[1], &rec);
	if (rc != PS_OK) {
		ps_cli_error(cli, rc == PS_ENOENT ? "no %s '%s'" : "cannot read %s '%s'",
			     k->name, argv[1]);
		return PS_CLI_FAIL;
	}
	rc = PS_CLI_OK;
	if (cli->format == PS_OUT_JSON) {
		json_t *o = record_json(rec);

		rc = o != NULL ? print_json(cli, o) : PS_CLI_FAIL;
		json_decref(o);
	} else if (cli->format == PS_OUT_CSV) {
		l.t = record_table(k, true);
		if (l.t == NULL || list_row(&l, rec) != PS_OK ||
		    ps_table_print(l.t, PS_OUT_CSV, cli->out) != PS_OK)
			rc = PS_CLI_FAIL;
		ps_table_free(l.t);
	} else {
		show_table(cli, rec);
	}
	ps_reg_record_free(rec);
	return rc;
}

/* ---- catalog file ----------------------------------------------------------------- */

static int cmd_catalog_file(struct ps_cli *cli, int argc, char **argv)
{
	const struct ps_reg_kind *k = ps_reg_kind_find("catalog");
	struct ps_diag d = {{0}};
	struct ps_registry r;
	struct ps_date date;
	bool dated = false;
	int rc;

	if (argc == 4 && strcmp(argv[2], "--date") == 0) {
		if (ps_date_parse(argv[3], strlen(argv[3]), &date) != PS_OK) {
			ps_cli_error(cli, "--date: '%s' is not a real date (YYYY-MM-DD)", argv[3]);
			return PS_CLI_FAIL;
		}
		dated = true;
		argc = 2;
	}
	if (argc != 2 || argv[1][0] == '-')
		return usage(cli, k);
	rc = open_registry(cli, &r);
	if (rc != PS_CLI_OK)
		return rc;
	if (!dated)
		date = r.today;
	if (ps_reg_catalog_file(&r, argv[1], date, &d) != PS_OK) {
		ps_cli_error(cli, "%s", d.msg);
		return PS_CLI_FAIL;
	}
	if (!cli->quiet) {
		char ds[PS_DATE_FMT_SIZE];

		if (ps_date_fmt(date, ds, sizeof(ds)) == PS_OK)
			fprintf(cli->out, "filed catalog '%s' on %s\n", argv[1], ds);
	}
	return PS_CLI_OK;
}

static const struct ps_cli_cmd ps_cmd_catalog_file = {
	"catalog", "file", cmd_catalog_file, "panshi catalog file KEY [--date YYYY-MM-DD]",
	"file a catalogue entry: keep its filed values, set filed_date", -1,
};

int ps_cli_reg_run(struct ps_cli *cli, const struct ps_reg_kind *k, int argc, char **argv)
{
	const char *verb = argc > 0 ? argv[0] : "";

	if (strcmp(verb, "add") == 0)
		return cmd_add(cli, k, argc, argv);
	if (strcmp(verb, "list") == 0)
		return cmd_list(cli, k, argc, argv);
	if (strcmp(verb, "show") == 0)
		return cmd_show(cli, k, argc, argv);
	if (strcmp(verb, "edit") == 0)
		return cmd_edit(cli, k, argc, argv);
	if (strcmp(verb, "delete") == 0)
		return cmd_delete(cli, k, argc, argv);
	for (size_t j = 0; j < PS_ARRAY_LEN(extra_cmds); j++)
		if (strcmp(extra_cmds[j]->noun, k->name) == 0 &&
		    strcmp(extra_cmds[j]->verb, verb) == 0)
			return extra_cmds[j]->run(cli, argc, argv);
	if (argc > 0)
		ps_cli_error(cli, "'%s %s' is not a panshi command", k->name, verb);
	return usage(cli, k);
}
