/* SPDX-License-Identifier: Apache-2.0 */
/* Placeholder: replaced by the helper that owns this command. Not yet implemented. */
#include "cli/cli_int.h"
#include "core/core.h"

static int run_stub(struct ps_cli *cli, int argc, char **argv)
{
	(void)argc; (void)argv;
	ps_cli_error(cli, "not implemented yet");
	return PS_CLI_FAIL;
}

const struct ps_cli_cmd ps_cmd_calendar = {"calendar", NULL, run_stub, "panshi calendar [--as-of DATE] [--unit KEY] [--format table|json|csv]", "compliance calendar: obligations, due dates and status", -1};
