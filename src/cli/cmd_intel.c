/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `panshi intel import|list|show|stats|sources`: load threat-intelligence
 * lists into the store with per-file counts and bad lines by line number,
 * and read indicators and sources back. Other intel verbs live in their
 * own cmd_intel_*.c files and share the helpers declared in cmd_intel.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>

#include "cli/cli_int.h"
#include "cli/cmd_intel.h"
#include "core/core.h"
#include "intel/intel.h"
#include "intel/intel_json.h"
#include "store/store.h"

#define LIST_LIMIT_DEFAULT 100

/* ---- shared helpers ---------------------------------------------------------- */

void ps_cli_intel_error(struct ps_cli *cli, enum ps_msg_id id, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, id);
	(void)ps_tr_vfmt(msg, sizeof(msg), id, ap);
	va_end(ap);
	ps_cli_error(cli, "%s", msg);
}

static int bad_value(struct ps_cli *cli, const char *opt, const char *v)
{
	ps_cli_intel_error(cli, PS_MSG_CLI_BAD_VALUE, opt, v);
	return PS_EINVAL;
}

int ps_cli_intel_parse_type(struct ps_cli *cli, const char *opt, const char *v,
			    enum ps_ioc_type *out)
{
	return ps_ioc_type_parse(v, out) == PS_OK ? PS_OK : bad_value(cli, opt, v);
}

int ps_cli_intel_parse_category(struct ps_cli *cli, const char *opt, const char *v,
				enum ps_ioc_category *out)
{
	return ps_ioc_category_parse(v, out) == PS_OK ? PS_OK : bad_value(cli, opt, v);
}

int ps_cli_intel_parse_tlp(struct ps_cli *cli, const char *opt, const char *v,
			   enum ps_tlp *out)
{
	return ps_tlp_parse(v, out) == PS_OK ? PS_OK : bad_value(cli, opt, v);
}

int ps_cli_intel_parse_int(struct ps_cli *cli, const char *opt, const char *v,
			   int64_t lo, int64_t hi, int64_t *out)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || n < lo || n > hi)
		return bad_value(cli, opt, v);
	*out = n;
	return PS_OK;
}

int ps_cli_intel_parse_duration(struct ps_cli *cli, const char *opt, const char *v,
				int64_t *seconds)
{
	static const struct {
		char unit;
		int64_t s;
	} units[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}};
	int64_t mult = 86400;
	char *end;
	long long n;

	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno != 0 || end == v || n < 0 || n > INT64_C(100000) * 86400)
		return bad_value(cli, opt, v);
	if (*end != '\0') {
		size_t i;

		for (i = 0; i < PS_ARRAY_LEN(units) && units[i].unit != *end; i++)
			;
		if (i == PS_ARRAY_LEN(units) || end[1] != '\0')
			return bad_value(cli, opt, v);
		mult = units[i].s;
	}
	*seconds = n * mult;
	return PS_OK;
}

/* ---- indicator rows ------------------------------------------------------------ */

#define NCOLS PS_INTEL_IOC_NCOLS

struct ps_cli_intel_out {
	struct ps_cli *cli;
	struct ps_table *t;
	size_t rows;
};

static void when(int64_t us, char out[PS_TIME_FMT_SIZE])
{
	out[0] = '\0';
	if (us > 0 && ps_time_fmt_iso8601(us, PS_TZ_SHANGHAI, PS_TIME_FMT_SEC, out,
					  PS_TIME_FMT_SIZE) != PS_OK)
		snprintf(out, PS_TIME_FMT_SIZE, "%lld", (long long)us);
}

struct ps_cli_intel_out *ps_cli_intel_out_new(struct ps_cli *cli)
{
	struct ps_cli_intel_out *o = ps_calloc(PS_MEM_CLI, 1, sizeof(*o));

	if (o == NULL)
		return NULL;
	o->cli = cli;
	if (cli->format == PS_OUT_TABLE) {
		o->t = ps_table_new(NCOLS, ps_intel_ioc_cols);
		if (o->t == NULL) {
			ps_free(o);
			return NULL;
		}
	} else if (cli->format == PS_OUT_CSV) {
		for (size_t c = 0; c < NCOLS; c++) {
			if (c > 0)
				fputc(',', cli->out);
			ps_csv_write_field(cli->out, ps_intel_ioc_cols[c]);
		}
		fputs("\r\n", cli->out);
	}
	return o;
}

static int json_row(struct ps_cli_intel_out *o, const struct ps_ioc *ioc)
{
	json_t *obj = ps_intel_ioc_to_json(ioc);
	int rc = obj != NULL ? PS_OK : PS_ENOMEM;

	fputs(o->rows ? ",\n  " : "[\n  ", o->cli->out);
	if (rc == PS_OK && json_dumpf(obj, o->cli->out, JSON_COMPACT | JSON_PRESERVE_ORDER))
		rc = PS_EIO;
	json_decref(obj);
	return rc;
}

int ps_cli_intel_out_row(void *arg, const struct ps_ioc *ioc)
{
	struct ps_cli_intel_out *o = arg;
	struct ps_intel_ioc_cells *x = ps_malloc(PS_MEM_CLI, sizeof(*x));
	int rc = PS_OK;

	if (x == NULL)
		return PS_ENOMEM;
	ps_intel_ioc_cells(ioc, x);
	if (o->t != NULL) {
		rc = ps_table_add(o->t, x->c);
	} else if (o->cli->format == PS_OUT_CSV) {
		for (size_t c = 0; c < NCOLS; c++) {
			if (c > 0)
				fputc(',', o->cli->out);
			ps_csv_write_field(o->cli->out, x->c[c]);
		}
		fputs("\r\n", o->cli->out);
	} else {
		rc = json_row(o, ioc);
	}
	ps_free(x);
	o->rows++;
	return rc == PS_OK && ferror(o->cli->out) ? PS_EIO : rc;
}

int ps_cli_intel_out_end(struct ps_cli_intel_out *o)
{
	int rc = PS_OK;

	if (o->t != NULL)
		rc = ps_table_print(o->t, PS_OUT_TABLE, o->cli->out);
	else if (o->cli->format == PS_OUT_JSON)
		fputs(o->rows ? "\n]\n" : "[]\n", o->cli->out);
	ps_table_free(o->t);
	ps_free(o);
	return rc;
}

void ps_cli_intel_out_discard(struct ps_cli_intel_out *o)
{
	if (o == NULL)
		return;
	ps_table_free(o->t);
	ps_free(o);
}

/* A failed query: the store's message, or the error's name. */
static int query_failed(struct ps_cli *cli, int rc)
{
	if (rc == PS_ELIMIT)
		ps_cli_intel_error(cli, PS_MSG_INTEL_TOO_MANY);
	else
		ps_cli_intel_error(cli, PS_MSG_INTEL_QUERY_FAIL,
				   rc == PS_EDB ? ps_store_errmsg(cli->store) : ps_strerror(rc));
	return PS_CLI_FAIL;
}

/* ---- import ------------------------------------------------------------------------ */

struct import_args {
	struct ps_intel_import_opts o;
	const char *source;
	bool progress;
	int first_file;
};

/* The source name of a file when --source is not given: its base name
 * without ".gz" and one of the usual list extensions. */
static void default_source(const char *path, char *out, size_t n)
{
	static const char *const ext[] = {".txt", ".csv", ".tsv", ".lst", ".list", ".json"};
	const char *base;
	size_t len = strlen(path);

	while (len > 1 && path[len - 1] == '/') /* a directory given as "feed/" */
		len--;
	base = memrchr(path, '/', len);
	snprintf(out, n, "%.*s", (int)(len - (base ? (size_t)(base + 1 - path) : 0)),
		 base ? base + 1 : path);
	len = strlen(out);
	if (len > 3 && strcmp(out + len - 3, ".gz") == 0)
		out[len -= 3] = '\0';
	for (size_t i = 0; i < PS_ARRAY_LEN(ext); i++) {
		size_t e = strlen(ext[i]);

		if (len > e && strcmp(out + len - e, ext[i]) == 0) {
			out[len - e] = '\0';
			break;
		}
	}
}

static void progress_line(void *arg, const struct ps_intel_progress *p)
{
	struct ps_cli *cli = arg;
	double pct = p->bytes_total > 0 ? 100.0 * (double)p->bytes_done / (double)p->bytes_total
					: 0.0;

	ps_tr_fprintf(cli->err, PS_MSG_INTEL_PROGRESS, p->path, pct > 100 ? 100.0 : pct,
		      (long long)p->lines, (long long)p->read, (double)p->elapsed_us / 1e6);
	fputc('\n', cli->err);
}

static int import_num(struct ps_cli *cli, const char *opt, const char *v, int lo, int hi,
		      int *out)
{
	int64_t n;
	int rc = ps_cli_intel_parse_int(cli, opt, v, lo, hi, &n);

	if (rc == PS_OK)
		*out = (int)n;
	return rc;
}

/* One option with a value; returns PS_OK, PS_EINVAL (printed), PS_ENOENT (unknown). */
static int import_opt(struct ps_cli *cli, struct import_args *a, const char *opt,
		      const char *v)
{
	struct ps_intel_import_opts *o = &a->o;
	enum ps_tlp tlp;
	int rc;

	if (strcmp(opt, "--source") == 0)
		a->source = v;
	else if (strcmp(opt, "--format") == 0)
		return ps_intel_format_parse(v, &o->format) == PS_OK ? PS_OK
								     : bad_value(cli, opt, v);
	else if (strcmp(opt, "--type") == 0)
		return ps_cli_intel_parse_type(cli, opt, v, &o->type);
	else if (strcmp(opt, "--category") == 0)
		return ps_cli_intel_parse_category(cli, opt, v, &o->category);
	else if (strcmp(opt, "--severity") == 0)
		return import_num(cli, opt, v, 1, 5, &o->severity);
	else if (strcmp(opt, "--confidence") == 0)
		return import_num(cli, opt, v, 0, 100, &o->confidence);
	else if (strcmp(opt, "--tlp") == 0) {
		rc = ps_cli_intel_parse_tlp(cli, opt, v, &tlp);
		o->tlp = rc == PS_OK ? (int)tlp : o->tlp;
		return rc;
	} else if (strcmp(opt, "--shareable") == 0) {
		if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0)
			return bad_value(cli, opt, v);
		o->shareable = strcmp(v, "yes") == 0;
	} else if (strcmp(opt, "--ttl") == 0)
		return ps_cli_intel_parse_duration(cli, opt, v, &o->ttl_s);
	else if (strcmp(opt, "--refresh") == 0)
		return ps_cli_intel_parse_duration(cli, opt, v, &o->refresh_s);
	else if (strcmp(opt, "--map") == 0)
		o->map = v;
	else if (strcmp(opt, "--family") == 0)
		o->family = v;
	else if (strcmp(opt, "--tags") == 0)
		o->tags = v;
	else
		return PS_ENOENT;
	return PS_OK;
}

static int import_args_parse(struct ps_cli *cli, int argc, char **argv, struct import_args *a)
{
	int i, rc;

	ps_intel_import_opts_init(&a->o);
	a->progress = isatty(fileno(cli->err));
	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (strcmp(argv[i], "--progress") == 0) {
			a->progress = true;
			continue;
		}
		if (strcmp(argv[i], "--subdomains") == 0) {
			a->o.subdomains = true;
			continue;
		}
		if (i + 1 >= argc)
			return PS_ENOENT;
		rc = import_opt(cli, a, argv[i], argv[i + 1]);
		if (rc != PS_OK)
			return rc;
		i++;
	}
	a->first_file = i;
	return i < argc ? PS_OK : PS_ENOENT;
}

static void report_file(struct ps_cli *cli, const char *path, const struct ps_intel_report *r)
{
	for (size_t i = 0; i < r->n_shown; i++)
		if (r->shown[i].where[0] != '\0') /* a record without a line of its own */
			ps_cli_warn(cli, "%s: %s: %s", path, r->shown[i].where, r->shown[i].msg);
		else
			ps_cli_warn(cli, "%s:%ld: %s", path, r->shown[i].line, r->shown[i].msg);
	if (r->bad > (int64_t)r->n_shown) {
		char msg[600];

		(void)ps_tr_fmt(msg, sizeof(msg), PS_MSG_INTEL_BAD_MORE, path,
				(long long)(r->bad - (int64_t)r->n_shown));
		ps_cli_warn(cli, "%s", msg);
	}
	for (size_t i = 0; i < r->n_skip_kinds; i++) {
		char msg[600];

		(void)ps_tr_fmt(msg, sizeof(msg), PS_MSG_INTEL_SKIPPED, path,
				(long long)r->skip_kinds[i].count, r->skip_kinds[i].reason);
		ps_cli_warn(cli, "%s", msg);
	}
	if (!cli->quiet)
		ps_tr_fprintf(cli->out, PS_MSG_INTEL_IMPORTED, path, (long long)r->read,
			      (long long)r->imported, (long long)r->updated, (long long)r->bad,
			      (long long)r->skipped, (double)r->elapsed_us / 1e6);
}

static void add_report(struct ps_intel_report *t, const struct ps_intel_report *r)
{
	t->read += r->read;
	t->imported += r->imported;
	t->updated += r->updated;
	t->bad += r->bad;
	t->skipped += r->skipped;
	t->elapsed_us += r->elapsed_us;
}

static int intel_import(struct ps_cli *cli, int argc, char **argv)
{
	struct import_args a = {0};
	struct ps_intel_report *r = NULL, total = {0};
	struct ps_diag d;
	char source[256];
	int failed = 0, files, rc;

	rc = import_args_parse(cli, argc, argv, &a);
	if (rc != PS_OK)
		return rc == PS_ENOENT ? ps_cli_usage(cli, &ps_cmd_intel_import) : PS_CLI_USAGE;
	if (a.progress) {
		a.o.progress = progress_line;
		a.o.progress_arg = cli;
	}
	if (ps_cli_store_open(cli, false) != PS_OK)
		return PS_CLI_FAIL;
	if ((r = ps_malloc(PS_MEM_CLI, sizeof(*r))) == NULL) {
		ps_cli_error(cli, "%s", ps_strerror(PS_ENOMEM));
		return PS_CLI_FAIL;
	}
	files = argc - a.first_file;
	for (int i = a.first_file; i < argc; i++) {
		default_source(argv[i], source, sizeof(source));
		a.o.source = a.source != NULL ? a.source : source;
		rc = ps_intel_import_file(cli->store, &a.o, argv[i], r, &d);
		if (rc != PS_OK) {
			ps_cli_error(cli, "%s", d.msg[0] ? d.msg : ps_strerror(rc));
			failed++;
		}
		if (rc == PS_OK || r->lines > 0)
			report_file(cli, argv[i], r);
		add_report(&total, r);
	}
	if (files > 1 && !cli->quiet)
		ps_tr_fprintf(cli->out, PS_MSG_INTEL_IMPORT_TOTAL, files, (long long)total.read,
			      (long long)total.imported, (long long)total.updated,
			      (long long)total.bad, (long long)total.skipped,
			      (double)total.elapsed_us / 1e6);
	if (failed > 0)
		ps_tr_fprintf(cli->err, PS_MSG_INTEL_FAILED_FILES, failed, files);
	ps_free(r);
	return failed ? PS_CLI_FAIL : PS_CLI_OK;
}

/* ---- list and show --------------------------------------------------------------------- */

static int list_opt(struct ps_cli *cli, struct ps_intel_filter *f, const char *a,
		    const char *v, char *value)
{
	struct ps_ioc_norm n;
	struct ps_diag d;

	if (strcmp(a, "--type") == 0)
		return ps_cli_intel_parse_type(cli, a, v, &f->type);
	if (strcmp(a, "--source") == 0) {
		f->source = v;
	} else if (strcmp(a, "--category") == 0) {
		return ps_cli_intel_parse_category(cli, a, v, &f->category);
	} else if (strcmp(a, "--contains") == 0) {
		f->contains = v;
	} else if (strcmp(a, "--value") == 0) {
		if (ps_ioc_normalize(f->type, v, strlen(v), &n, &d) != PS_OK) {
			ps_cli_error(cli, "%s", d.msg);
			return PS_EINVAL;
		}
		memcpy(value, n.value, n.len + 1);
		f->value = value;
	} else if (strcmp(a, "--limit") == 0) {
		return ps_cli_intel_parse_int(cli, a, v, 0, INT64_MAX, &f->limit);
	} else if (strcmp(a, "--offset") == 0) {
		return ps_cli_intel_parse_int(cli, a, v, 0, INT64_MAX, &f->offset);
	} else if (strcmp(a, "--format") == 0) {
		return ps_cli_parse_format(cli, v);
	} else {
		return PS_ENOENT;
	}
	return PS_OK;
}

static int intel_list(struct ps_cli *cli, int argc, char **argv)
{
	struct ps_intel_filter f = {.limit = LIST_LIMIT_DEFAULT};
	struct ps_cli_intel_out *out;
	char *value = ps_malloc(PS_MEM_CLI, PS_IOC_VALUE_MAX + 1);
	int rc = value != NULL ? PS_OK : PS_ENOMEM;

	for (int i = 1; i < argc && rc == PS_OK; i++) {
		if (strcmp(argv[i], "--live") == 0)
			f.live_at = ps_time_now_us();
		else if (i + 1 < argc)
			rc = list_opt(cli, &f, argv[i], argv[i + 1], value), i++;
		else
			rc = PS_ENOENT;
	}
	if (rc != PS_OK) {
		ps_free(value);
		return rc == PS_ENOENT ? ps_cli_usage(cli, &ps_cmd_intel_list) : PS_CLI_USAGE;
	}
	if (ps_cli_store_open(cli, false) != PS_OK || (out = ps_cli_intel_out_new(cli)) == NULL) {
		ps_free(value);
		return PS_CLI_FAIL;
	}
	rc = ps_intel_query(cli->store, &f, ps_cli_intel_out_row, out);
	if (ps_cli_intel_out_end(out) != PS_OK && rc == PS_OK)
		rc = PS_EIO;
	ps_free(value);
	return rc == PS_OK ? PS_CLI_OK : query_failed(cli, rc);
}

static int show_args(struct ps_cli *cli, int argc, char **argv, enum ps_ioc_type *type,
		     const char **value)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--type") == 0 && i + 1 < argc) {
			if (ps_cli_intel_parse_type(cli, argv[i], argv[i + 1], type) != PS_OK)
				return PS_EINVAL;
			i++;
		} else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
			if (ps_cli_parse_format(cli, argv[++i]) != PS_OK)
				return PS_EINVAL;
		} else if (*value == NULL && (argv[i][0] != '-' || argv[i][1] == '\0')) {
			*value = argv[i];
		} else {
			return PS_ENOENT;
		}
	}
	return *value != NULL ? PS_OK : PS_ENOENT;
}

static int intel_show(struct ps_cli *cli, int argc, char **argv)
{
	enum ps_ioc_type type = PS_IOC_NONE;
	const char *value = NULL;
	struct ps_cli_intel_out *out;
	struct ps_diag d = {{0}};
	int64_t found = 0;
	int rc = show_args(cli, argc, argv, &type, &value);

	if (rc != PS_OK)
		return rc == PS_ENOENT ? ps_cli_usage(cli, &ps_cmd_intel_show) : PS_CLI_USAGE;
	if (ps_cli_store_open(cli, false) != PS_OK || (out = ps_cli_intel_out_new(cli)) == NULL)
		return PS_CLI_FAIL;
	rc = ps_intel_show(cli->store, type, value, ps_cli_intel_out_row, out, &found, &d);
	if (rc != PS_OK || (found == 0 && cli->format == PS_OUT_TABLE)) {
		ps_cli_intel_out_discard(out);
		if (rc == PS_EINVAL)
			ps_cli_error(cli, "%s", d.msg);
		else if (rc != PS_OK)
			return query_failed(cli, rc);
		else
			ps_cli_intel_error(cli, PS_MSG_INTEL_NOT_FOUND, value);
		return PS_CLI_FAIL;
	}
	if (ps_cli_intel_out_end(out) != PS_OK)
		return query_failed(cli, PS_EIO);
	return found > 0 ? PS_CLI_OK : PS_CLI_FAIL;
}

/* ---- stats and sources ------------------------------------------------------------------ */

struct stat_rows {
	struct ps_table *t;
	const char *group;
};

static int stat_row(void *arg, const char *key, int64_t count)
{
	struct stat_rows *s = arg;
	char n[24];
	const char *cells[3] = {s->group, key, n};

	snprintf(n, sizeof(n), "%lld", (long long)count);
	return ps_table_add(s->t, cells);
}

static int intel_stats(struct ps_cli *cli, int argc, char **argv)
{
	static const char *const cols[] = {"group", "key", "count"};
	static const char *const groups[] = {"type", "category", "source"};
	struct ps_intel_totals tot;
	struct stat_rows s = {0};
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
			if (ps_cli_parse_format(cli, argv[++i]) != PS_OK)
				return PS_CLI_USAGE;
		} else {
			return ps_cli_usage(cli, &ps_cmd_intel_stats);
		}
	}
	if (ps_cli_store_open(cli, false) != PS_OK)
		return PS_CLI_FAIL;
	if ((s.t = ps_table_new(3, cols)) == NULL)
		return query_failed(cli, PS_ENOMEM);
	rc = ps_intel_totals_get(cli->store, ps_time_now_us(), &tot);
	s.group = "total";
	if (rc == PS_OK && (rc = stat_row(&s, "indicators", tot.indicators)) == PS_OK &&
	    (rc = stat_row(&s, "live", tot.live)) == PS_OK &&
	    (rc = stat_row(&s, "values", tot.values)) == PS_OK)
		rc = stat_row(&s, "sources", tot.sources);
	for (int by = 0; by < 3 && rc == PS_OK; by++) {
		s.group = groups[by];
		rc = ps_intel_stats(cli->store, (enum ps_intel_stat_by)by, stat_row, &s);
	}
	if (rc == PS_OK)
		rc = ps_table_print(s.t, cli->format, cli->out);
	ps_table_free(s.t);
	return rc == PS_OK ? PS_CLI_OK : query_failed(cli, rc);
}

static int source_row(void *arg, const struct ps_intel_source *s)
{
	struct ps_table *t = arg;
	char last[PS_TIME_FMT_SIZE], num[8][24];
	const int64_t v[8] = {s->indicators, s->last_read, s->last_imported, s->last_updated,
			      s->last_bad, s->refresh_s, s->ttl_s, 0};
	const char *cells[12];

	when(s->last_import, last);
	for (int i = 0; i < 7; i++)
		snprintf(num[i], sizeof(num[i]), "%lld", (long long)v[i]);
	cells[0] = s->name;
	cells[1] = s->format;
	cells[2] = num[0];
	cells[3] = last;
	cells[4] = num[1];
	cells[5] = num[2];
	cells[6] = num[3];
	cells[7] = num[4];
	cells[8] = num[5];
	cells[9] = num[6];
	cells[10] = s->tlp >= 0 ? ps_tlp_name((enum ps_tlp)s->tlp) : "";
	cells[11] = s->location;
	return ps_table_add(t, cells);
}

static int intel_sources(struct ps_cli *cli, int argc, char **argv)
{
	static const char *const cols[] = {
		"name", "format", "indicators", "last_import", "read", "imported",
		"updated", "bad", "refresh_s", "ttl_s", "tlp", "location",
	};
	struct ps_table *t;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
			if (ps_cli_parse_format(cli, argv[++i]) != PS_OK)
				return PS_CLI_USAGE;
		} else {
			return ps_cli_usage(cli, &ps_cmd_intel_sources);
		}
	}
	if (ps_cli_store_open(cli, false) != PS_OK)
		return PS_CLI_FAIL;
	if ((t = ps_table_new(PS_ARRAY_LEN(cols), cols)) == NULL)
		return query_failed(cli, PS_ENOMEM);
	rc = ps_intel_source_list(cli->store, source_row, t);
	if (rc == PS_OK)
		rc = ps_table_print(t, cli->format, cli->out);
	ps_table_free(t);
	return rc == PS_OK ? PS_CLI_OK : query_failed(cli, rc);
}

const struct ps_cli_cmd ps_cmd_intel_import = {
	"intel", "import", intel_import,
	"panshi intel import [--source NAME] [--format list|csv|maltrail|stix|misp] "
	"[--type T] [--category C] [--severity 1-5] [--confidence 0-100] [--tlp LEVEL] "
	"[--shareable yes|no] [--subdomains] [--ttl DURATION] [--refresh DURATION] "
	"[--family F] [--tags T,...] [--map FIELD=COLUMN,...] [--progress] FILE...",
	"import indicators (lists, CSV, Maltrail, STIX 2.1, MISP feeds) into the store", PS_MSG_CMD_INTEL_IMPORT};
const struct ps_cli_cmd ps_cmd_intel_list = {
	"intel", "list", intel_list,
	"panshi intel list [--type T] [--source NAME] [--category C] [--value V] "
	"[--contains TEXT] [--live] [--limit N (100; 0 = all)] [--offset N] "
	"[--format table|json|csv]",
	"list stored indicators", PS_MSG_CMD_INTEL_LIST};
const struct ps_cli_cmd ps_cmd_intel_show = {
	"intel", "show", intel_show,
	"panshi intel show [--type T] [--format table|json|csv] VALUE",
	"show every source's entry for one value", PS_MSG_CMD_INTEL_SHOW};
const struct ps_cli_cmd ps_cmd_intel_stats = {
	"intel", "stats", intel_stats, "panshi intel stats [--format table|json|csv]",
	"count indicators by type, category and source", PS_MSG_CMD_INTEL_STATS};
const struct ps_cli_cmd ps_cmd_intel_sources = {
	"intel", "sources", intel_sources, "panshi intel sources [--format table|json|csv]",
	"list intelligence sources and their last import", PS_MSG_CMD_INTEL_SOURCES};
