/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `panshi report bulletin|notice|incident`: the monthly threat bulletin,
 * the rectification notice of a unit and the incident report for the
 * regulator (report/report.h), written atomically to --out or to standard
 * output. Disclosing vulnerability details is recorded in the audit trail
 * before the file is written.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "audit/audit.h"
#include "cli/cli_audit.h"
#include "cli/cli_int.h"
#include "core/core.h"
#include "core/fileio.h"
#include "core/timeutil.h"
#include "incident/case.h"
#include "registry/registry.h"
#include "report/report.h"

#define USAGE_BULLETIN "panshi report bulletin --month YYYY-MM [--out FILE] " \
	"[--format html|md|csv] [--include-vuln-details]"
#define USAGE_NOTICE "panshi report notice --unit UNIT [--out FILE] [--format html|md] " \
	"[--as-of YYYY-MM-DD] [--include-vuln-details]"
#define USAGE_INCIDENT "panshi report incident ID [--out FILE] [--format html|md|json] " \
	"[--include-vuln-details]"

enum rep_kind { REP_BULLETIN, REP_NOTICE, REP_INCIDENT };

struct rep_args {
	enum rep_kind kind;
	const char *month, *unit, *as_of, *out, *id, *format;
	bool vuln;
	int year, mon;
	int64_t id_num;
	struct ps_report_opts o;
	char object[160];
};

static const struct ps_cli_cmd *cmd_of(enum rep_kind k);

/* The option's value slot for this command, or NULL when it has none. */
static const char **opt_slot(struct rep_args *a, const char *o)
{
	if (strcmp(o, "--out") == 0)
		return &a->out;
	if (strcmp(o, "--format") == 0)
		return &a->format;
	if (a->kind == REP_BULLETIN && strcmp(o, "--month") == 0)
		return &a->month;
	if (a->kind == REP_NOTICE && strcmp(o, "--unit") == 0)
		return &a->unit;
	if (a->kind == REP_NOTICE && strcmp(o, "--as-of") == 0)
		return &a->as_of;
	return NULL;
}

static int parse_argv(struct ps_cli *cli, int argc, char **argv, struct rep_args *a)
{
	for (int i = 1; i < argc; i++) {
		const char **slot;

		if (strcmp(argv[i], "--include-vuln-details") == 0) {
			a->vuln = true;
		} else if (strncmp(argv[i], "--", 2) != 0 && a->kind == REP_INCIDENT &&
			   a->id == NULL) {
			a->id = argv[i];
		} else if ((slot = opt_slot(a, argv[i])) != NULL && i + 1 < argc) {
			*slot = argv[++i];
		} else {
			ps_cli_error(cli, "unknown or incomplete option '%s'", argv[i]);
			return ps_cli_usage(cli, cmd_of(a->kind));
		}
	}
	return PS_CLI_OK;
}

/* --format, else the --out extension, else HTML; checked per report. */
static int pick_format(struct ps_cli *cli, struct rep_args *a)
{
	static const unsigned allowed[] = {
		[REP_BULLETIN] = 1u << PS_REPORT_HTML | 1u << PS_REPORT_MD | 1u << PS_REPORT_CSV,
		[REP_NOTICE] = 1u << PS_REPORT_HTML | 1u << PS_REPORT_MD,
		[REP_INCIDENT] = 1u << PS_REPORT_HTML | 1u << PS_REPORT_MD | 1u << PS_REPORT_JSON,
	};
	static const char *const names[] = {"html|md|csv", "html|md", "html|md|json"};

	a->o.format = PS_REPORT_HTML;
	if (a->format != NULL) {
		if (ps_report_format_parse(a->format, &a->o.format) != PS_OK ||
		    !(allowed[a->kind] & 1u << a->o.format)) {
			ps_cli_error(cli, "--format: '%s' is not one of %s", a->format,
				     names[a->kind]);
			return PS_CLI_USAGE;
		}
	} else if (a->out == NULL && cli->format_set && cli->format != PS_OUT_TABLE) {
		/* the global --format json|csv, where this report has that form */
		enum ps_report_format g = cli->format == PS_OUT_JSON ? PS_REPORT_JSON :
					  PS_REPORT_CSV;

		if (allowed[a->kind] & 1u << g)
			a->o.format = g;
	} else if (a->out != NULL && ps_report_format_from_path(a->out, &a->o.format) &&
		   !(allowed[a->kind] & 1u << a->o.format)) {
		ps_cli_error(cli, "--out: '%s' names a %s file, but this report is written as %s"
			     " (use --format)", a->out, ps_report_format_name(a->o.format),
			     names[a->kind]);
		return PS_CLI_USAGE;
	}
	return PS_CLI_OK;
}

/* The report's own argument: month, unit or incident id. */
static int check_subject(struct ps_cli *cli, struct rep_args *a)
{
	struct ps_diag d = {{0}};

	switch (a->kind) {
	case REP_BULLETIN:
		if (a->month == NULL)
			break;
		if (ps_report_month_parse(a->month, &a->year, &a->mon, &d) != PS_OK) {
			ps_cli_error(cli, "--month: %s", d.msg);
			return PS_CLI_USAGE;
		}
		snprintf(a->object, sizeof(a->object), "bulletin:%s", a->month);
		return PS_CLI_OK;
	case REP_NOTICE:
		if (a->unit == NULL)
			break;
		snprintf(a->object, sizeof(a->object), "notice:%s", a->unit);
		return PS_CLI_OK;
	case REP_INCIDENT:
		if (a->id == NULL)
			break;
		if (ps_case_ref_parse(a->id, &a->id_num, &d) != PS_OK) {
			ps_cli_error(cli, "%s", d.msg);
			return PS_CLI_USAGE;
		}
		snprintf(a->object, sizeof(a->object), "incident:%lld", (long long)a->id_num);
		return PS_CLI_OK;
	}
	ps_cli_error(cli, "%s is required", a->kind == REP_BULLETIN ? "--month" :
		     a->kind == REP_NOTICE ? "--unit" : "the incident id");
	return ps_cli_usage(cli, cmd_of(a->kind));
}

/* --as-of YYYY-MM-DD: the end of that day in Asia/Shanghai. */
static int check_as_of(struct ps_cli *cli, struct rep_args *a)
{
	struct ps_date day, next;
	int64_t us;

	if (a->as_of == NULL)
		return PS_CLI_OK;
	if (ps_date_parse(a->as_of, strlen(a->as_of), &day) != PS_OK ||
	    ps_date_add_days(day, 1, &next) != PS_OK ||
	    ps_date_to_time_us(next, PS_TZ_SHANGHAI, &us) != PS_OK) {
		ps_cli_error(cli, "--as-of: '%s' is not a date (use YYYY-MM-DD)", a->as_of);
		return PS_CLI_USAGE;
	}
	a->o.now = us - 1;
	return PS_CLI_OK;
}

static int parse_args(struct ps_cli *cli, int argc, char **argv, struct rep_args *a)
{
	int rc = parse_argv(cli, argc, argv, a);

	if (rc == PS_CLI_OK)
		rc = check_subject(cli, a);
	if (rc == PS_CLI_OK)
		rc = pick_format(cli, a);
	if (rc == PS_CLI_OK)
		rc = check_as_of(cli, a);
	a->o.en = ps_i18n_lang() == PS_LANG_EN;
	a->o.include_vuln = a->vuln;
	if (a->o.now == 0)
		a->o.now = ps_time_now_us();
	return rc;
}

/* Record that vulnerability details leave in this report. */
static int audit_disclosure(struct ps_cli *cli, const struct rep_args *a)
{
	struct ps_diag d = {{0}};
	json_t *det = json_object();
	char *txt = NULL;
	int rc = PS_ENOMEM;

	if (ps_cli_audit_open(cli, false) != PS_OK) {
		json_decref(det);
		return PS_CLI_FAIL;
	}
	if (det != NULL) {
		json_object_set_new(det, "format", json_string(ps_report_format_name(a->o.format)));
		json_object_set_new(det, "out", a->out ? ps_json_text(a->out) : json_null());
		size_t n = json_dumpb(det, NULL, 0, JSON_COMPACT | JSON_SORT_KEYS);

		txt = n > 0 ? ps_malloc(PS_MEM_CLI, n + 1) : NULL;
		if (txt != NULL) {
			json_dumpb(det, txt, n, JSON_COMPACT | JSON_SORT_KEYS);
			txt[n] = '\0';
		}
	}
	if (txt != NULL)
		rc = ps_audit_append(cli->audit->audit, ps_time_now_us(), cli->audit->actor,
				     "report.disclose_vuln", a->object, txt, NULL, &d);
	if (rc != PS_OK)
		ps_cli_error(cli, "cannot record the disclosure in the audit trail: %s",
			     d.msg[0] ? d.msg : ps_strerror(rc));
	json_decref(det);
	ps_free(txt);
	return rc == PS_OK ? PS_CLI_OK : PS_CLI_FAIL;
}

static int write_buf(void *arg, FILE *f, struct ps_diag *d)
{
	const struct ps_buf *b = arg;

	if (ps_buf_len(b) > 0 && fwrite(b->p, 1, b->len, f) != b->len) {
		ps_diag_set(d, "short write");
		return PS_EIO;
	}
	return PS_OK;
}

static int emit(struct ps_cli *cli, const struct rep_args *a, const struct ps_buf *b)
{
	struct ps_diag d = {{0}};

	if (a->out == NULL || strcmp(a->out, "-") == 0) {
		if (write_buf((void *)b, cli->out, &d) != PS_OK || fflush(cli->out) != 0) {
			ps_cli_error(cli, "cannot write the report to standard output");
			return PS_CLI_FAIL;
		}
		return PS_CLI_OK;
	}
	if (ps_file_write_atomic(a->out, write_buf, (void *)b, NULL, &d) != PS_OK) {
		ps_cli_error(cli, "%s", d.msg);
		return PS_CLI_FAIL;
	}
	if (!cli->quiet)
		fprintf(cli->out, "wrote '%s'\n", a->out);
	return PS_CLI_OK;
}

static int render(struct ps_cli *cli, struct rep_args *a, struct ps_case_ctx *cx,
		  struct ps_buf *b)
{
	struct ps_diag d = {{0}};
	int rc;

	if (a->kind == REP_BULLETIN)
		rc = ps_report_bulletin(cx, a->year, a->mon, &a->o, b, &d);
	else if (a->kind == REP_NOTICE)
		rc = ps_report_notice(cx, a->unit, &a->o, b, &d);
	else
		rc = ps_report_incident(cx, a->id_num, &a->o, b, &d);
	if (rc != PS_OK) {
		ps_cli_error(cli, "%s", d.msg[0] ? d.msg : ps_strerror(rc));
		return PS_CLI_FAIL;
	}
	return PS_CLI_OK;
}

static int run_report(struct ps_cli *cli, enum rep_kind kind, int argc, char **argv)
{
	struct rep_args a = {0};
	struct ps_registry r;
	struct ps_case_ctx cx = {0};
	struct ps_buf b = PS_BUF_INIT(PS_MEM_CLI, PS_REPORT_MAX);
	int rc;

	a.kind = kind;
	if ((rc = parse_args(cli, argc, argv, &a)) != PS_CLI_OK)
		return rc;
	if ((rc = ps_cli_registry_open(cli, &r)) != PS_CLI_OK)
		return rc;
	cx.st = cli->store;
	cx.policy = cli->policy;
	cx.reg = &r;
	cx.actor = "report";
	ps_case_settings_default(&cx.set);
	rc = render(cli, &a, &cx, &b);
	if (rc == PS_CLI_OK && a.vuln)
		rc = audit_disclosure(cli, &a);
	if (rc == PS_CLI_OK)
		rc = emit(cli, &a, &b);
	ps_buf_release(&b);
	return rc;
}

static int run_bulletin(struct ps_cli *cli, int argc, char **argv)
{
	return run_report(cli, REP_BULLETIN, argc, argv);
}

static int run_notice(struct ps_cli *cli, int argc, char **argv)
{
	return run_report(cli, REP_NOTICE, argc, argv);
}

static int run_incident(struct ps_cli *cli, int argc, char **argv)
{
	return run_report(cli, REP_INCIDENT, argc, argv);
}

const struct ps_cli_cmd ps_cmd_report_bulletin = {
	"report", "bulletin", run_bulletin, USAGE_BULLETIN,
	"write the monthly threat bulletin", -1,
};

const struct ps_cli_cmd ps_cmd_report_notice = {
	"report", "notice", run_notice, USAGE_NOTICE,
	"write the rectification notice of a unit", -1,
};

const struct ps_cli_cmd ps_cmd_report_incident = {
	"report", "incident", run_incident, USAGE_INCIDENT,
	"write the report of an incident for the regulator", -1,
};

static const struct ps_cli_cmd *cmd_of(enum rep_kind k)
{
	return k == REP_BULLETIN ? &ps_cmd_report_bulletin :
	       k == REP_NOTICE ? &ps_cmd_report_notice : &ps_cmd_report_incident;
}
