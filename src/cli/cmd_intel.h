/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the `panshi intel` commands share, so that further verbs (match,
 * export, reload) live in files of their own (cmd_intel_<verb>.c) and only
 * add their entry to cli_cmds.c and cli_int.h: indicator rows for list
 * output, localized errors, and the option values every verb parses.
 */
#ifndef PS_CLI_CMD_INTEL_H
#define PS_CLI_CMD_INTEL_H

#include <stdint.h>

#include "cli/cli.h"
#include "core/i18n.h"
#include "intel/intel.h"

/* The columns of an indicator row are ps_intel_ioc_cols (intel/intel_json.h). */

/*
 * Streams indicator rows to cli->out: an aligned table (collected, so a
 * table holds at most what ps_table holds), or CSV / a JSON array written
 * row by row.
 */
struct ps_cli_intel_out;

struct ps_cli_intel_out *ps_cli_intel_out_new(struct ps_cli *cli);
/* Add one indicator (a ps_intel_ioc_fn: pass the out as arg). */
int ps_cli_intel_out_row(void *out, const struct ps_ioc *ioc);
/* Print what is collected and finish the stream; frees `out`. */
int ps_cli_intel_out_end(struct ps_cli_intel_out *out) PS_MUST_USE;
/* Free `out` without printing a collected table; NULL is a no-op. */
void ps_cli_intel_out_discard(struct ps_cli_intel_out *out);

/* "error: " + the message `id` in the current language. */
void ps_cli_intel_error(struct ps_cli *cli, enum ps_msg_id id, ...);

/*
 * Parse an option value, printing "OPT: invalid value 'V'" on failure:
 * a type, category or TLP name; a number in [lo, hi]; a duration
 * "N[s|m|h|d]" (a bare number is days) into seconds.
 */
int ps_cli_intel_parse_type(struct ps_cli *cli, const char *opt, const char *v,
			    enum ps_ioc_type *out) PS_MUST_USE;
int ps_cli_intel_parse_category(struct ps_cli *cli, const char *opt, const char *v,
				enum ps_ioc_category *out) PS_MUST_USE;
int ps_cli_intel_parse_tlp(struct ps_cli *cli, const char *opt, const char *v,
			   enum ps_tlp *out) PS_MUST_USE;
int ps_cli_intel_parse_int(struct ps_cli *cli, const char *opt, const char *v,
			   int64_t lo, int64_t hi, int64_t *out) PS_MUST_USE;
int ps_cli_intel_parse_duration(struct ps_cli *cli, const char *opt, const char *v,
				int64_t *seconds) PS_MUST_USE;

#endif
