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

const struct ps_cli_cmd ps_cmd_registry_import = {"registry", "import", run_stub, "panshi registry import FILE", "import registry records from CSV or YAML, all or nothing", -1};

const struct ps_cli_cmd ps_cmd_registry_export = {"registry", "export", run_stub, "panshi registry export FILE", "export registry records as CSV or YAML", -1};
