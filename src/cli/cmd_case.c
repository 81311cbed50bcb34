/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `panshi case ...`: correlate events into incidents, list and show them,
 * and move them through the closed loop. Placeholder being filled in.
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

#define CASE_CMD(v, u, s) \
	const struct ps_cli_cmd ps_cmd_case_##v = {"case", #v, run_todo, u, s, -1}

CASE_CMD(correlate, "panshi case correlate", "group new events into incidents");
CASE_CMD(list, "panshi case list", "list incidents");
CASE_CMD(show, "panshi case show ID", "show an incident");
CASE_CMD(assign, "panshi case assign ID PERSON", "assign an incident");
CASE_CMD(move, "panshi case move ID STATE", "move an incident to a state");
CASE_CMD(note, "panshi case note ID TEXT", "add a note to an incident");
CASE_CMD(verify, "panshi case verify ID --evidence TEXT", "verify a rectified incident");
CASE_CMD(facts, "panshi case facts ID JSON", "set an incident's facts");
CASE_CMD(clock, "panshi case clock ID KIND", "mark a clock met");
CASE_CMD(tick, "panshi case tick", "run auto-verification, expiry and escalation");
