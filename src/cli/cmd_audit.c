/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `panshi audit verify` and `panshi audit list`: check the HMAC-SM3 chain
 * of the audit trail (naming the first edited, deleted or reordered
 * record) and show its records.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "audit/audit.h"
#include "cli/cli_audit.h"
#include "cli/cli_int.h"
#include "core/core.h"
#include "store/store.h"

static int format_args(struct ps_cli *cli, const struct ps_cli_cmd *cmd, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
			if (ps_cli_parse_format(cli, argv[++i]) != PS_OK)
				return PS_CLI_USAGE;
		} else {
			ps_cli_error(cli, "unexpected argument '%s'", argv[i]);
			return ps_cli_usage(cli, cmd);
		}
	}
	return PS_CLI_OK;
}

static int print_report_json(struct ps_cli *cli, const struct ps_audit_report *rep)
{
	json_t *o = json_pack("{s:b, s:I, s:I, s:I, s:I, s:I, s:s}", "intact", rep->intact,
			      "records", (json_int_t)rep->records,
			      "verified", (json_int_t)rep->verified,
			      "last_id", (json_int_t)rep->last_id,
			      "head_id", (json_int_t)rep->head_id,
			      "first_bad", (json_int_t)rep->first_bad, "reason", rep->reason);
	int rc = o != NULL && json_dumpf(o, cli->out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0 ?
		PS_OK : PS_ENOMEM;

	json_decref(o);
	fputc('\n', cli->out);
	return rc;
}

static int print_report_table(struct ps_cli *cli, const struct ps_audit_report *rep)
{
	static const char *const hdr[] = {"item", "value"};
	struct ps_table *t = ps_table_new(2, hdr);
	int rc = t != NULL ? PS_OK : PS_ENOMEM;

	if (rc == PS_OK && (rc = ps_table_row(t)) == PS_OK &&
	    (rc = ps_table_set(t, 0, "status")) == PS_OK)
		rc = ps_table_set(t, 1, rep->intact ? "intact" : "broken");
	if (rc == PS_OK && (rc = ps_table_row(t)) == PS_OK) {
		rc = ps_table_set(t, 0, "records");
		ps_table_addf(t, 1, "%" PRId64, rep->records);
	}
	if (rc == PS_OK && (rc = ps_table_row(t)) == PS_OK) {
		rc = ps_table_set(t, 0, "verified");
		ps_table_addf(t, 1, "%" PRId64, rep->verified);
	}
	if (rc == PS_OK && (rc = ps_table_row(t)) == PS_OK) {
		rc = ps_table_set(t, 0, "head");
		ps_table_addf(t, 1, "%" PRId64, rep->head_id);
	}
	if (rc == PS_OK && !rep->intact && (rc = ps_table_row(t)) == PS_OK &&
	    (rc = ps_table_set(t, 0, "first problem")) == PS_OK)
		rc = ps_table_set(t, 1, rep->reason);
	if (rc == PS_OK)
		rc = ps_table_print(t, cli->format, cli->out);
	ps_table_free(t);
	return rc;
}

static int run_verify(struct ps_cli *cli, int argc, char **argv)
{
	struct ps_audit_report rep;
	struct ps_diag d = {{0}};
	int rc = format_args(cli, &ps_cmd_audit_verify, argc, argv);

	if (rc != PS_CLI_OK)
		return rc;
	if (ps_cli_store_open(cli, false) != PS_OK || ps_cli_audit_open(cli, false) != PS_OK)
		return PS_CLI_FAIL;
	rc = ps_audit_verify(cli->audit->audit, &rep, &d);
	if (rc != PS_OK) {
		ps_cli_error(cli, "%s", d.msg[0] ? d.msg : ps_strerror(rc));
		return PS_CLI_FAIL;
	}
	rc = cli->format == PS_OUT_JSON ? print_report_json(cli, &rep) :
		print_report_table(cli, &rep);
	if (rc != PS_OK) {
		ps_cli_error(cli, "cannot print the report: %s", ps_strerror(rc));
		return PS_CLI_FAIL;
	}
	if (!rep.intact) {
		ps_cli_error(cli, "the audit trail is broken: %s", rep.reason);
		return PS_CLI_FAIL;
	}
	return PS_CLI_OK;
}

static int add_record(void *arg, const struct ps_audit_record *rec)
{
	struct ps_table *t = arg;
	char ts[PS_TIME_FMT_SIZE];
	int rc;

	if (ps_time_fmt_iso8601(rec->ts_us, PS_TZ_SHANGHAI, PS_TIME_FMT_SEC, ts,
				sizeof(ts)) != PS_OK)
		snprintf(ts, sizeof(ts), "%" PRId64, rec->ts_us);
	if ((rc = ps_table_row(t)) != PS_OK)
		return rc;
	ps_table_addf(t, 0, "%" PRId64, rec->id);
	if ((rc = ps_table_set(t, 1, ts)) == PS_OK &&
	    (rc = ps_table_set(t, 2, rec->actor)) == PS_OK &&
	    (rc = ps_table_set(t, 3, rec->action)) == PS_OK &&
	    (rc = ps_table_set(t, 4, rec->object)) == PS_OK &&
	    (rc = ps_table_set(t, 5, rec->details)) == PS_OK)
		rc = ps_table_set(t, 6, rec->hash);
	return rc;
}

static int list_args(struct ps_cli *cli, int argc, char **argv, struct ps_audit_filter *f)
{
	char *end;

	for (int i = 1; i < argc; i += 2) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(argv[i], "--format") == 0 && v != NULL) {
			if (ps_cli_parse_format(cli, v) != PS_OK)
				return PS_CLI_USAGE;
		} else if (strcmp(argv[i], "--object") == 0 && v != NULL) {
			f->object = v;
		} else if (strcmp(argv[i], "--action") == 0 && v != NULL) {
			f->action = v;
		} else if (strcmp(argv[i], "--limit") == 0 && v != NULL) {
			errno = 0;
			f->limit = strtoll(v, &end, 10);
			if (errno != 0 || end == v || *end != '\0' || f->limit < 1) {
				ps_cli_error(cli, "--limit '%s': not a positive number", v);
				return PS_CLI_USAGE;
			}
		} else {
			ps_cli_error(cli, "unexpected argument '%s'", argv[i]);
			return ps_cli_usage(cli, &ps_cmd_audit_list);
		}
	}
	return PS_CLI_OK;
}

static int run_list(struct ps_cli *cli, int argc, char **argv)
{
	static const char *const hdr[] = {"id", "time", "actor", "action", "object",
					  "details", "hash"};
	struct ps_audit_filter f = {0};
	struct ps_diag d = {{0}};
	struct ps_table *t;
	int rc = list_args(cli, argc, argv, &f);

	if (rc != PS_CLI_OK)
		return rc;
	if (ps_cli_store_open(cli, false) != PS_OK)
		return PS_CLI_FAIL;
	t = ps_table_new(PS_ARRAY_LEN(hdr), hdr);
	if (t == NULL)
		return PS_CLI_FAIL;
	rc = ps_audit_list(cli->store, &f, add_record, t, &d);
	if (rc == PS_OK)
		rc = ps_table_print(t, cli->format, cli->out);
	else
		ps_cli_error(cli, "%s", d.msg[0] ? d.msg : ps_strerror(rc));
	ps_table_free(t);
	return rc == PS_OK ? PS_CLI_OK : PS_CLI_FAIL;
}

const struct ps_cli_cmd ps_cmd_audit_verify = {
	"audit", "verify", run_verify, "panshi audit verify [--format table|json]",
	"check the audit trail's HMAC-SM3 chain and name the first bad record", -1,
};

const struct ps_cli_cmd ps_cmd_audit_list = {
	"audit", "list", run_list,
	"panshi audit list [--limit N] [--object KIND:KEY] [--action A] [--format table|json|csv]",
	"the audit trail's records, oldest first (the newest N with --limit)", -1,
};
