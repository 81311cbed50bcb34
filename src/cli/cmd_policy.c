/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `panshi policy show` and `panshi policy check`: print the legal numbers
 * with their source and status, and validate a policy directory.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli_int.h"
#include "core/core.h"
#include "policy/policy.h"

static enum ps_policy_format policy_fmt(enum ps_out_format f)
{
	return f == PS_OUT_JSON ? PS_POLICY_FMT_JSON :
	       f == PS_OUT_CSV ? PS_POLICY_FMT_CSV : PS_POLICY_FMT_TABLE;
}

static int policy_show(struct ps_cli *cli, int argc, char **argv)
{
	const char *prefix = NULL;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
			if (ps_cli_parse_format(cli, argv[++i]) != PS_OK)
				return PS_CLI_USAGE;
		} else if (argv[i][0] != '-' && prefix == NULL) {
			prefix = argv[i];
		} else {
			return ps_cli_usage(cli, &ps_cmd_policy_show);
		}
	}
	if (ps_cli_policy_load(cli) != PS_OK)
		return PS_CLI_FAIL;
	rc = ps_policy_print(cli->policy, cli->out, policy_fmt(cli->format), prefix);
	if (rc != PS_OK) {
		ps_cli_error(cli, "cannot print policy: %s", ps_strerror(rc));
		return PS_CLI_FAIL;
	}
	return PS_CLI_OK;
}

static int policy_check(struct ps_cli *cli, int argc, char **argv)
{
	struct ps_policy_stats st;

	if (argc > 2)
		return ps_cli_usage(cli, &ps_cmd_policy_check);
	if (argc == 2)
		cli->policy_dir = argv[1];
	/* loading checks every file and the ids the code requires */
	if (ps_cli_policy_load(cli) != PS_OK)
		return PS_CLI_FAIL;
	ps_policy_stats_get(cli->policy, &st);
	if (!cli->quiet)
		ps_tr_fprintf(cli->out, PS_MSG_POLICY_CHECK_OK, ps_cli_policy_dir(cli),
			      st.files, st.documents, st.values + st.tables,
			      st.by_status[PS_POLICY_UNVERIFIED_DEFAULT] +
			      st.by_status[PS_POLICY_INTERPRETATION]);
	if (!cli->quiet)
		fputc('\n', cli->out);
	return PS_CLI_OK;
}

const struct ps_cli_cmd ps_cmd_policy_show = {
	"policy", "show", policy_show,
	"panshi policy show [ID-PREFIX] [--format table|json|csv]",
	"show legal numbers with their source and status", PS_MSG_CMD_POLICY_SHOW};
const struct ps_cli_cmd ps_cmd_policy_check = {
	"policy", "check", policy_check, "panshi policy check [DIR]",
	"validate a policy directory", PS_MSG_CMD_POLICY_CHECK};
