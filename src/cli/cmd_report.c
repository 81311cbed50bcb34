/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `panshi report bulletin|notice|incident`: the monthly threat bulletin,
 * the rectification notice of a unit and the incident report. Placeholder
 * until the report module lands.
 */
#include <stdio.h>

#include "cli/cli_int.h"
#include "core/core.h"

static int run_todo(struct ps_cli *cli, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	ps_cli_error(cli, "not implemented yet");
	return PS_CLI_FAIL;
}

const struct ps_cli_cmd ps_cmd_report_bulletin = {
	"report", "bulletin", run_todo,
	"panshi report bulletin --month YYYY-MM [--out FILE]",
	"write the monthly threat bulletin", -1,
};

const struct ps_cli_cmd ps_cmd_report_notice = {
	"report", "notice", run_todo,
	"panshi report notice --unit ID [--out FILE]",
	"write the rectification notice of a unit", -1,
};

const struct ps_cli_cmd ps_cmd_report_incident = {
	"report", "incident", run_todo,
	"panshi report incident ID [--out FILE]",
	"write the report of an incident for the regulator", -1,
};
