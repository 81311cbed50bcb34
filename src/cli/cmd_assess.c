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

const struct ps_cli_cmd ps_cmd_assess_run = {"assess", "run", run_stub, "panshi assess run FRAMEWORK --target KIND:KEY --answers FILE", "run a checklist framework and score it", -1};

const struct ps_cli_cmd ps_cmd_assess_list = {"assess", "list", run_stub, "panshi assess list [--target KIND:KEY]", "list assessments", -1};

const struct ps_cli_cmd ps_cmd_assess_show = {"assess", "show", run_stub, "panshi assess show KEY", "show an assessment with its findings and rectification items", -1};
