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

const struct ps_cli_cmd ps_cmd_inspect_draw = {"inspect", "draw", run_stub, "panshi inspect draw --entities N [--seed HEX]", "double-random draw of inspected entities and inspectors", -1};
