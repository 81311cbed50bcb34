/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `panshi calendar`: the compliance calendar as of a date, computed from
 * the registry and the policy (registry/calendar.h), filtered and printed
 * as a table, CSV or JSON. Overdue items are data: the exit code is 0
 * whatever is found, 1 when the calendar cannot be computed, 2 for usage.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "cli/cli_audit.h"
#include "cli/cli_int.h"
#include "core/core.h"
#include "registry/calendar.h"
#include "registry/registry.h"
#include "registry/registry_json.h"

#define USAGE "panshi calendar [--as-of YYYY-MM-DD] [--unit KEY] [--operator KEY] " \
	"[--status done|due|upcoming|overdue|open] [--rule PREFIX] " \
	"[--mode rolling|calendar_year] [--upcoming-days N] [--format table|json|csv]"

struct cal_args {
	const char *as_of_text;
	struct ps_date as_of;
	struct ps_cal_filter filter;
	struct ps_cal_select sel;
	struct ps_cal_options opt;
};

/* A date for --as-of, with a message that says why it is not one. */
static int parse_date(struct ps_cli *cli, const char *v, struct ps_date *out)
{
	int y, m;

	if (ps_date_parse(v, strlen(v), out) == PS_OK)
		return PS_OK;
	if (strlen(v) != 10 || v[4] != '-' || v[7] != '-' || strspn(v, "0123456789-") != 10) {
		ps_cli_error(cli, "--as-of: '%s' is not a date (use YYYY-MM-DD)", v);
		return PS_EINVAL;
	}
	y = (int)strtol(v, NULL, 10);
	m = (v[5] - '0') * 10 + (v[6] - '0');
	if (m < 1 || m > 12)
		ps_cli_error(cli, "--as-of: '%s' does not exist: there is no month %d", v, m);
	else
		ps_cli_error(cli, "--as-of: '%s' does not exist: %04d-%02d has %d days", v, y, m,
			     ps_date_month_days(y, m));
	return PS_EINVAL;
}

static int parse_status(struct ps_cli *cli, const char *v, struct cal_args *a)
{
	a->sel.status_set = true;
	if (strcmp(v, "open") == 0) {
		a->sel.open = true;
		return PS_OK;
	}
	if (ps_cal_status_parse(v, &a->sel.status) == PS_OK)
		return PS_OK;
	ps_cli_error(cli, "--status: '%s' is not one of done, due, upcoming, overdue, open", v);
	return PS_EINVAL;
}

static int parse_days(struct ps_cli *cli, const char *v, int64_t *out)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || n < 0 || n > 3660) {
		ps_cli_error(cli, "--upcoming-days: '%s' is not a number of days (0 to 3660)", v);
		return PS_EINVAL;
	}
	*out = n;
	return PS_OK;
}

/* One option and its value; PS_OK, or PS_EINVAL (message printed). */
static int parse_opt(struct ps_cli *cli, const char *o, const char *v, struct cal_args *a)
{
	if (strcmp(o, "--as-of") == 0) {
		a->as_of_text = v;
		return parse_date(cli, v, &a->as_of);
	}
	if (strcmp(o, "--unit") == 0)
		a->filter.unit = v;
	else if (strcmp(o, "--operator") == 0)
		a->filter.operator = v;
	else if (strcmp(o, "--status") == 0)
		return parse_status(cli, v, a);
	else if (strcmp(o, "--rule") == 0)
		a->sel.rule = v;
	else if (strcmp(o, "--upcoming-days") == 0)
		return parse_days(cli, v, &a->opt.upcoming_days);
	else if (strcmp(o, "--format") == 0)
		return ps_cli_parse_format(cli, v);
	else if (strcmp(o, "--mode") == 0) {
		if (ps_cal_mode_parse(v, &a->opt.mode) == PS_OK)
			return PS_OK;
		ps_cli_error(cli, "--mode: '%s' is not rolling or calendar_year", v);
		return PS_EINVAL;
	} else {
		ps_cli_error(cli, "unknown option '%s'", o);
		return PS_EINVAL;
	}
	return PS_OK;
}

static int parse_args(struct ps_cli *cli, int argc, char **argv, struct cal_args *a)
{
	ps_cal_options_default(&a->opt);
	for (int i = 1; i < argc; i += 2) {
		if (i + 1 >= argc || strncmp(argv[i], "--", 2) != 0) {
			ps_cli_error(cli, "unknown or incomplete option '%s'", argv[i]);
			return ps_cli_usage(cli, &ps_cmd_calendar);
		}
		if (parse_opt(cli, argv[i], argv[i + 1], a) != PS_OK)
			return PS_CLI_USAGE;
	}
	return PS_CLI_OK;
}

static bool keep(const struct cal_args *a, const struct ps_cal_item *it)
{
	return ps_cal_select_keep(&a->sel, it);
}

static void date_text(struct ps_date d, char out[PS_DATE_FMT_SIZE])
{
	if (!ps_cal_date_has(d) || ps_date_fmt(d, out, PS_DATE_FMT_SIZE) != PS_OK)
		out[0] = '\0';
}

/* "overdue", "done (late)", "due (manual)". */
static void status_text(const struct ps_cal_item *it, char *out, size_t n)
{
	snprintf(out, n, "%s%s%s", ps_cal_status_name(it->status), it->late ? " (late)" : "",
		 it->manual ? " (manual)" : "");
}

/* "; "-joined policy ids or sources of an item. */
static void join_policy(const struct ps_cal_item *it, bool sources, char *out, size_t n)
{
	size_t len = 0;

	out[0] = '\0';
	for (size_t i = 0; i < it->n_policy && len + 1 < n; i++) {
		int w = snprintf(out + len, n - len, "%s%s", i ? "; " : "",
				 sources ? it->policy_source[i] : it->policy_id[i]);

		if (w < 0)
			break;
		len += (size_t)w < n - len ? (size_t)w : n - len - 1;
	}
}

static const char *or_empty(const char *s)
{
	return s != NULL ? s : "";
}

/* ---- table and CSV ------------------------------------------------------------------ */

static const char *const csv_cols[] = {
	"status", "late", "manual", "due", "done", "last", "rule", "title", "title_zh",
	"subject_kind", "subject", "subject_name", "unit", "operator", "operator_name",
	"person", "person_name", "policy", "source", "explanation", "explanation_zh",
};

static int add_table_row(struct ps_table *t, const struct ps_cal_item *it, bool zh)
{
	char st[48], due[PS_DATE_FMT_SIZE], subj[400], owner[400];
	const char *title = zh ? it->title_zh : it->title_en;

	status_text(it, st, sizeof(st));
	date_text(it->due, due);
	snprintf(subj, sizeof(subj), "%s %s", or_empty(it->subject_key),
		 or_empty(it->subject_name));
	snprintf(owner, sizeof(owner), "%s%s%s%s%s", or_empty(it->operator_key),
		 it->operator_name ? " " : "", or_empty(it->operator_name),
		 it->person_name ? " / " : "", or_empty(it->person_name));
	{
		const char *row[] = {st, due[0] ? due : "-", it->rule, or_empty(title), subj,
				     owner, zh ? it->expl_zh : it->expl_en};

		return ps_table_add(t, row);
	}
}

static int add_csv_row(struct ps_table *t, const struct ps_cal_item *it)
{
	char due[PS_DATE_FMT_SIZE], done[PS_DATE_FMT_SIZE], last[PS_DATE_FMT_SIZE];
	char ids[400], srcs[1200];
	const char *row[PS_ARRAY_LEN(csv_cols)];

	date_text(it->due, due);
	date_text(it->done, done);
	date_text(it->last, last);
	join_policy(it, false, ids, sizeof(ids));
	join_policy(it, true, srcs, sizeof(srcs));
	row[0] = ps_cal_status_name(it->status);
	row[1] = it->late ? "true" : "false";
	row[2] = it->manual ? "true" : "false";
	row[3] = due;
	row[4] = done;
	row[5] = last;
	row[6] = it->rule;
	row[7] = or_empty(it->title_en);
	row[8] = or_empty(it->title_zh);
	row[9] = or_empty(it->subject_kind);
	row[10] = or_empty(it->subject_key);
	row[11] = or_empty(it->subject_name);
	row[12] = or_empty(it->unit_key);
	row[13] = or_empty(it->operator_key);
	row[14] = or_empty(it->operator_name);
	row[15] = or_empty(it->person_key);
	row[16] = or_empty(it->person_name);
	row[17] = ids;
	row[18] = srcs;
	row[19] = it->expl_en;
	row[20] = it->expl_zh;
	return ps_table_add(t, row);
}


static void summary(struct ps_cli *cli, const struct cal_args *a, const size_t *count,
		    size_t shown)
{
	char d[PS_DATE_FMT_SIZE];

	date_text(a->as_of, d);
	if (shown == 0)
		fprintf(cli->out, "no obligations\n");
	fprintf(cli->out, "%s%zu overdue, %zu due, %zu upcoming, %zu done as of %s\n",
		shown ? "\n" : "", count[PS_CAL_OVERDUE], count[PS_CAL_DUE],
		count[PS_CAL_UPCOMING], count[PS_CAL_DONE], d);
}

static int print_rows(struct ps_cli *cli, const struct cal_args *a,
		      const struct ps_cal_result *res)
{
	static const char *const table_cols[] = {
		"status", "due", "rule", "title", "subject", "owner", "explanation",
	};
	bool csv = cli->format == PS_OUT_CSV, zh = ps_i18n_lang() == PS_LANG_ZH_CN;
	struct ps_table *t = csv ? ps_table_new(PS_ARRAY_LEN(csv_cols), csv_cols) :
				   ps_table_new(PS_ARRAY_LEN(table_cols), table_cols);
	size_t count[PS_CAL_STATUS__COUNT] = {0}, shown = 0;
	int rc = t != NULL ? PS_OK : PS_ENOMEM;

	for (size_t i = 0; i < res->n && rc == PS_OK; i++) {
		const struct ps_cal_item *it = &res->items[i];

		if (!keep(a, it))
			continue;
		count[it->status]++;
		shown++;
		rc = csv ? add_csv_row(t, it) : add_table_row(t, it, zh);
	}
	if (rc == PS_OK && (shown > 0 || csv))
		rc = ps_table_print(t, cli->format, cli->out);
	ps_table_free(t);
	if (rc != PS_OK) {
		ps_cli_error(cli, "cannot print the calendar: %s", ps_strerror(rc));
		return PS_CLI_FAIL;
	}
	if (!csv)
		summary(cli, a, count, shown);
	return PS_CLI_OK;
}

/* ---- JSON --------------------------------------------------------------------------- */

/* {"as_of": ..., "summary": {status: n}, "obligations": [...]} */
static int print_json(struct ps_cli *cli, const struct cal_args *a,
		      const struct ps_cal_result *res)
{
	json_t *root = ps_cal_result_to_json(res, a->as_of, &a->sel);
	int rc = root != NULL ? PS_CLI_OK : PS_CLI_FAIL;

	if (root != NULL) {
		if (json_dumpf(root, cli->out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0)
			rc = PS_CLI_FAIL;
		fputc('\n', cli->out);
	}
	json_decref(root);
	if (rc != PS_CLI_OK)
		ps_cli_error(cli, "cannot print the calendar");
	return rc;
}

/* ---- the command -------------------------------------------------------------------- */

static int open_registry(struct ps_cli *cli, struct ps_registry *r)
{
	return ps_cli_registry_open(cli, r);
}

static int run_calendar(struct ps_cli *cli, int argc, char **argv)
{
	struct cal_args a = {0};
	struct ps_registry r;
	struct ps_cal_input in = {0};
	struct ps_cal_result res = {0};
	struct ps_diag d = {{0}};
	int rc = parse_args(cli, argc, argv, &a);

	if (rc == PS_CLI_OK)
		rc = open_registry(cli, &r);
	if (rc != PS_CLI_OK)
		return rc;
	if (a.as_of_text == NULL)
		a.as_of = r.today;
	if (ps_cal_load(&r, &a.filter, &in, &d) != PS_OK) {
		ps_cli_error(cli, "%s", d.msg);
		rc = PS_CLI_FAIL;
	} else if (ps_cal_compute(&in, cli->policy, a.as_of, &a.opt, &res, &d) != PS_OK) {
		ps_cli_error(cli, "cannot compute the calendar: %s", d.msg);
		rc = PS_CLI_FAIL;
	} else {
		rc = cli->format == PS_OUT_JSON ? print_json(cli, &a, &res) :
						  print_rows(cli, &a, &res);
	}
	ps_cal_result_release(&res);
	ps_cal_input_release(&in);
	return rc;
}

const struct ps_cli_cmd ps_cmd_calendar = {
	"calendar", NULL, run_calendar, USAGE,
	"compliance calendar: obligations, due dates and status", -1,
};
