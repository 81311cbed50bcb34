/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `panshi guyuan check`: the 固源 checks (越界, 冲突, 漏报, 错报) over the
 * registry's allocated blocks, IP filings, seen addresses and ICP filings,
 * printed as findings with their evidence and a count per check. The exit
 * code is 0 whatever was found (findings are data, not failures); 1 only
 * when the checks cannot run, 2 for a usage error.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "cli/cli_audit.h"
#include "cli/cli_int.h"
#include "core/core.h"
#include "registry/guyuan.h"
#include "registry/registry.h"

#define USAGE "panshi guyuan check [--operator KEY] [--check NAME[,NAME...]] " \
	"[--format table|json|csv]"

struct gy_args {
	const char *operator;
	bool asked[PS_GUYUAN__COUNT]; /* named by --check */
	bool any_asked;
};

/* --check out_of_range,conflict (English names or 越界, 冲突, ...). */
static int parse_checks(struct ps_cli *cli, const char *v, struct gy_args *a)
{
	char buf[256];
	char *save = NULL;

	if (snprintf(buf, sizeof(buf), "%s", v) >= (int)sizeof(buf)) {
		ps_cli_error(cli, "--check: '%.40s...' is too long", v);
		return PS_CLI_USAGE;
	}
	for (char *t = strtok_r(buf, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
		enum ps_guyuan_check c;

		if (ps_guyuan_check_parse(t, &c) != PS_OK) {
			ps_cli_error(cli, "--check: unknown check '%s' (out_of_range, conflict, "
				     "duplicate, unreported, misreported)", t);
			return PS_CLI_USAGE;
		}
		a->asked[c] = true;
		a->any_asked = true;
	}
	return PS_CLI_OK;
}

static int parse_args(struct ps_cli *cli, int argc, char **argv, struct gy_args *a)
{
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int rc = PS_CLI_OK;

		if (v == NULL) {
			ps_cli_error(cli, "unknown or incomplete option '%s'", o);
			return ps_cli_usage(cli, &ps_cmd_guyuan_check);
		}
		i++;
		if (strcmp(o, "--operator") == 0)
			a->operator = v;
		else if (strcmp(o, "--check") == 0)
			rc = parse_checks(cli, v, a);
		else if (strcmp(o, "--format") == 0)
			rc = ps_cli_parse_format(cli, v) == PS_OK ? PS_CLI_OK : PS_CLI_USAGE;
		else {
			ps_cli_error(cli, "unknown option '%s'", o);
			return ps_cli_usage(cli, &ps_cmd_guyuan_check);
		}
		if (rc != PS_CLI_OK)
			return rc;
	}
	return PS_CLI_OK;
}

/* The checks to run: asked for (all by default) and on in the policy. */
static int make_opts(struct ps_cli *cli, const struct gy_args *a, struct ps_guyuan_opts *o,
		     bool policy_on[PS_GUYUAN__COUNT])
{
	struct ps_guyuan_opts all;
	struct ps_diag d = {{0}};

	ps_guyuan_opts_default(&all);
	if (ps_guyuan_opts_policy(cli->policy, &all, &d) != PS_OK) {
		ps_cli_error(cli, "%s", d.msg);
		return PS_CLI_FAIL;
	}
	ps_guyuan_opts_default(o);
	o->operator = a->operator;
	for (int i = 0; i < PS_GUYUAN__COUNT; i++) {
		policy_on[i] = all.check[i];
		o->check[i] = all.check[i] && (!a->any_asked || a->asked[i]);
		if (a->asked[i] && !all.check[i])
			ps_cli_warn(cli, "check '%s' is off in the policy (%s)",
				    ps_guyuan_check_name(i), ps_guyuan_check_policy_id(i));
	}
	return PS_CLI_OK;
}

static int open_registry(struct ps_cli *cli, struct ps_registry *r)
{
	return ps_cli_registry_open(cli, r);
}

static int check_operator(struct ps_cli *cli, struct ps_registry *r, const char *key)
{
	struct ps_reg_record *rec = NULL;
	int rc;

	if (key == NULL)
		return PS_CLI_OK;
	rc = ps_reg_get(r, ps_reg_kind_find("operator"), key, &rec);
	ps_reg_record_free(rec);
	if (rc == PS_OK)
		return PS_CLI_OK;
	ps_cli_error(cli, rc == PS_ENOENT ? "no operator '%s'" : "cannot read operator '%s'", key);
	return PS_CLI_FAIL;
}

static const char *subject_text(const struct ps_guyuan_finding *f, char *buf, size_t n)
{
	if (f->subject[1] == NULL)
		return f->subject[0];
	snprintf(buf, n, "%s, %s", f->subject[0], f->subject[1]);
	return buf;
}

/* --format table|csv: one row per finding. */
static int print_table(struct ps_cli *cli, const struct ps_guyuan_report *rep)
{
	static const char *const hdr_table[] = {
		"check", "severity", "subject", "operator", "range", "evidence",
	};
	static const char *const hdr_csv[] = {
		"check", "check_zh", "severity", "subject", "operator", "range", "evidence",
		"evidence_zh",
	};
	bool csv = cli->format == PS_OUT_CSV;
	bool zh = ps_i18n_lang() == PS_LANG_ZH_CN;
	struct ps_table *t = csv ? ps_table_new(PS_ARRAY_LEN(hdr_csv), hdr_csv) :
				   ps_table_new(PS_ARRAY_LEN(hdr_table), hdr_table);
	int rc = t != NULL ? PS_OK : PS_ENOMEM;

	for (size_t i = 0; i < rep->n && rc == PS_OK; i++) {
		const struct ps_guyuan_finding *f = &rep->findings[i];
		char subj[300], chk[64];
		const char *sev = ps_guyuan_severity_name(f->severity);
		const char *s = subject_text(f, subj, sizeof(subj));

		snprintf(chk, sizeof(chk), "%s %s", ps_guyuan_check_zh(f->check),
			 ps_guyuan_check_name(f->check));
		if (csv) {
			const char *row[] = {ps_guyuan_check_name(f->check),
					     ps_guyuan_check_zh(f->check), sev, s, f->operator,
					     f->range, f->evidence, f->evidence_zh};
			rc = ps_table_add(t, row);
		} else {
			const char *row[] = {chk, sev, s, f->operator, f->range,
					     zh ? f->evidence_zh : f->evidence};
			rc = ps_table_add(t, row);
		}
	}
	if (rc == PS_OK && (rep->n > 0 || csv))
		rc = ps_table_print(t, cli->format, cli->out);
	ps_table_free(t);
	return rc == PS_OK ? PS_CLI_OK : PS_CLI_FAIL;
}

/* The count per check, as a table: on stdout after a table, on stderr
 * after CSV (which must stay one table). */
static int print_summary(struct ps_cli *cli, const struct ps_guyuan_report *rep,
			 const struct ps_guyuan_opts *o, const bool *policy_on)
{
	static const char *const hdr[] = {"check", "检查项", "findings"};
	FILE *fp = cli->format == PS_OUT_CSV ? cli->err : cli->out;
	struct ps_table *t = ps_table_new(PS_ARRAY_LEN(hdr), hdr);
	int rc = t != NULL ? PS_OK : PS_ENOMEM;

	if (rep->n == 0 && cli->format == PS_OUT_TABLE)
		fprintf(fp, "no findings\n");
	else if (cli->format == PS_OUT_TABLE)
		fputc('\n', fp);
	for (int i = 0; i < PS_GUYUAN__COUNT && rc == PS_OK; i++) {
		char n[96];
		const char *row[3] = {ps_guyuan_check_name(i), ps_guyuan_check_zh(i), n};

		if (o->check[i])
			snprintf(n, sizeof(n), "%zu", rep->count[i]);
		else if (!policy_on[i])
			snprintf(n, sizeof(n), "off (policy %s)", ps_guyuan_check_policy_id(i));
		else
			snprintf(n, sizeof(n), "not run");
		rc = ps_table_add(t, row);
	}
	if (rc == PS_OK)
		rc = ps_table_print(t, PS_OUT_TABLE, fp);
	ps_table_free(t);
	return rc == PS_OK ? PS_CLI_OK : PS_CLI_FAIL;
}

static json_t *finding_json(const struct ps_guyuan_finding *f)
{
	json_t *o = json_object();
	json_t *subj = json_array();
	json_t *detail = json_loads(f->json, 0, NULL);

	if (o == NULL || subj == NULL || detail == NULL) {
		json_decref(o);
		json_decref(subj);
		json_decref(detail);
		return NULL;
	}
	json_array_append_new(subj, ps_json_text(f->subject[0]));
	if (f->subject[1] != NULL)
		json_array_append_new(subj, ps_json_text(f->subject[1]));
	json_object_set_new(o, "check", json_string(ps_guyuan_check_name(f->check)));
	json_object_set_new(o, "check_zh", json_string(ps_guyuan_check_zh(f->check)));
	json_object_set_new(o, "severity", json_string(ps_guyuan_severity_name(f->severity)));
	json_object_set_new(o, "subject", subj);
	json_object_set_new(o, "operator", ps_json_text(f->operator));
	json_object_set_new(o, "range", ps_json_text(f->range));
	json_object_set_new(o, "evidence", ps_json_text(f->evidence));
	json_object_set_new(o, "evidence_zh", ps_json_text(f->evidence_zh));
	json_object_set_new(o, "detail", detail);
	return o;
}

/* --format json: {"summary": {check: count or null when not run}, "findings": [...]} */
static int print_json(struct ps_cli *cli, const struct ps_guyuan_report *rep,
		      const struct ps_guyuan_opts *o)
{
	json_t *root = json_object(), *sum = json_object(), *arr = json_array();
	int rc = root != NULL && sum != NULL && arr != NULL ? PS_CLI_OK : PS_CLI_FAIL;

	for (int i = 0; i < PS_GUYUAN__COUNT && rc == PS_CLI_OK; i++)
		json_object_set_new(sum, ps_guyuan_check_name(i),
				    o->check[i] ? json_integer((json_int_t)rep->count[i]) :
				    json_null());
	for (size_t i = 0; i < rep->n && rc == PS_CLI_OK; i++) {
		json_t *f = finding_json(&rep->findings[i]);

		if (f == NULL || json_array_append_new(arr, f) != 0)
			rc = PS_CLI_FAIL;
	}
	if (rc == PS_CLI_OK) {
		json_object_set(root, "summary", sum);
		json_object_set(root, "findings", arr);
		if (json_dumpf(root, cli->out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0)
			rc = PS_CLI_FAIL;
		fputc('\n', cli->out);
	}
	json_decref(root);
	json_decref(sum);
	json_decref(arr);
	return rc;
}

static int run_check(struct ps_cli *cli, int argc, char **argv)
{
	struct gy_args a = {0};
	struct ps_guyuan_opts o;
	struct ps_guyuan_report rep = {0};
	struct ps_registry r;
	struct ps_diag d = {{0}};
	bool policy_on[PS_GUYUAN__COUNT];
	int rc;

	rc = parse_args(cli, argc, argv, &a);
	if (rc == PS_CLI_OK)
		rc = open_registry(cli, &r);
	if (rc == PS_CLI_OK)
		rc = check_operator(cli, &r, a.operator);
	if (rc == PS_CLI_OK)
		rc = make_opts(cli, &a, &o, policy_on);
	if (rc != PS_CLI_OK)
		return rc;
	if (ps_guyuan_check_registry(&r, &o, &rep, &d) != PS_OK) {
		ps_cli_error(cli, "cannot run the 固源 checks: %s", d.msg);
		return PS_CLI_FAIL;
	}
	if (cli->format == PS_OUT_JSON) {
		rc = print_json(cli, &rep, &o);
	} else {
		rc = print_table(cli, &rep);
		if (rc == PS_CLI_OK)
			rc = print_summary(cli, &rep, &o, policy_on);
	}
	ps_guyuan_report_release(&rep);
	return rc;
}

const struct ps_cli_cmd ps_cmd_guyuan_check = {
	"guyuan", "check", run_check, USAGE,
	"固源 checks of IP filings: 越界, 冲突, 漏报, 错报", -1,
};
