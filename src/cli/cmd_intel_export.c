/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `panshi intel export`: write the shareable indicators of the store as a
 * STIX 2.1 bundle, CSV or GB/T 36643 JSON, to standard output or a file
 * (written to a temporary name and renamed, so a failed export leaves no
 * partial file), and report on standard error what was exported, what
 * was withheld and why, and what the format could not represent.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli_int.h"
#include "cli/cmd_intel.h"
#include "core/core.h"
#include "intel/intel.h"
#include "store/store.h"

struct export_args {
	struct ps_intel_export_opts o;
	const char *out;
};

static int export_opt(struct ps_cli *cli, struct export_args *a, const char *opt,
		      const char *v)
{
	struct ps_intel_filter *f = &a->o.filter;

	if (strcmp(opt, "--format") == 0) {
		if (ps_intel_export_fmt_parse(v, &a->o.format) != PS_OK) {
			ps_cli_intel_error(cli, PS_MSG_CLI_BAD_VALUE, opt, v);
			return PS_EINVAL;
		}
	} else if (strcmp(opt, "--tlp-max") == 0) {
		if (ps_cli_intel_parse_tlp(cli, opt, v, &f->tlp_max) != PS_OK)
			return PS_EINVAL;
		if (f->tlp_max == PS_TLP_RED) {
			ps_cli_intel_error(cli, PS_MSG_EXPORT_RED);
			return PS_EINVAL;
		}
	} else if (strcmp(opt, "--type") == 0) {
		return ps_cli_intel_parse_type(cli, opt, v, &f->type);
	} else if (strcmp(opt, "--category") == 0) {
		return ps_cli_intel_parse_category(cli, opt, v, &f->category);
	} else if (strcmp(opt, "--source") == 0) {
		f->source = v;
	} else if (strcmp(opt, "--producer") == 0) {
		a->o.producer = v;
	} else if (strcmp(opt, "--out") == 0) {
		a->out = v;
	} else {
		return PS_ENOENT;
	}
	return PS_OK;
}

static int export_args_parse(struct ps_cli *cli, int argc, char **argv, struct export_args *a)
{
	int rc;

	a->o.format = PS_INTEL_EXPORT_STIX;
	a->o.filter.tlp_max = PS_TLP_GREEN;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--live") == 0) {
			a->o.filter.live_at = ps_time_now_us();
			continue;
		}
		if (i + 1 >= argc)
			return PS_ENOENT;
		if ((rc = export_opt(cli, a, argv[i], argv[i + 1])) != PS_OK)
			return rc;
		i++;
	}
	return PS_OK;
}

static void report(struct ps_cli *cli, const char *what, const struct ps_intel_export_opts *o,
		   const struct ps_intel_export_report *r)
{
	int64_t withheld = r->withheld_unshareable + r->withheld_red + r->withheld_tlp;

	if (!cli->quiet)
		ps_tr_fprintf(cli->err, PS_MSG_EXPORT_DONE, what, (long long)r->exported,
			      (long long)r->selected, (long long)withheld,
			      (long long)r->withheld_unshareable, (long long)r->withheld_red,
			      ps_tlp_name(o->filter.tlp_max), (long long)r->withheld_tlp,
			      (long long)(r->approximated + r->dropped), (long long)r->dropped,
			      (double)r->elapsed_us / 1e6);
	for (size_t i = 0; i < r->n_notes; i++)
		ps_tr_fprintf(cli->err, r->notes[i].kept ? PS_MSG_EXPORT_NOTE_KEPT
							 : PS_MSG_EXPORT_NOTE_DROPPED,
			      what, (long long)r->notes[i].count, r->notes[i].reason);
}

struct export_job {
	struct ps_cli *cli;
	const struct export_args *a;
	struct ps_intel_export_report *r;
};

static int export_to(void *arg, FILE *f, struct ps_diag *d)
{
	const struct export_job *j = arg;

	return ps_intel_export(j->cli->store, &j->a->o, f, j->r, d);
}

/* Export into path through a temporary file renamed on success. */
static int export_file(struct ps_cli *cli, const struct export_args *a,
		       struct ps_intel_export_report *r, struct ps_diag *d)
{
	struct export_job j = {cli, a, r};
	int err = 0, rc = ps_file_write_atomic(a->out, export_to, &j, &err, d);

	if (rc != PS_OK && err != 0)
		ps_tr_fmt(d->msg, sizeof(d->msg), PS_MSG_EXPORT_OUT, a->out, strerror(err));
	return rc;
}

static int intel_export(struct ps_cli *cli, int argc, char **argv)
{
	struct export_args a = {0};
	struct ps_intel_export_report r;
	struct ps_diag d = {{0}};
	int rc = export_args_parse(cli, argc, argv, &a);

	if (rc != PS_OK)
		return rc == PS_ENOENT ? ps_cli_usage(cli, &ps_cmd_intel_export) : PS_CLI_USAGE;
	if (ps_cli_store_open(cli, false) != PS_OK)
		return PS_CLI_FAIL;
	if (a.out != NULL)
		rc = export_file(cli, &a, &r, &d);
	else
		rc = ps_intel_export(cli->store, &a.o, cli->out, &r, &d);
	if (rc != PS_OK) {
		ps_cli_error(cli, "%s", d.msg[0] ? d.msg : ps_strerror(rc));
		return PS_CLI_FAIL;
	}
	report(cli, a.out != NULL ? a.out : ps_intel_export_fmt_name(a.o.format), &a.o, &r);
	return PS_CLI_OK;
}

const struct ps_cli_cmd ps_cmd_intel_export = {
	"intel", "export", intel_export,
	"panshi intel export [--format stix|csv|gbt36643] [--tlp-max clear|green|amber|"
	"amber+strict (green)] [--type T] [--source NAME] [--category C] [--live] "
	"[--producer NAME] [--out FILE]",
	"export shareable indicators as STIX 2.1, CSV or GB/T 36643 JSON",
	PS_MSG_CMD_INTEL_EXPORT};
