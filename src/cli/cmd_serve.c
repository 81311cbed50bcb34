/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `panshi serve`: the REST API and the web console. Placeholder until the
 * server lands.
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

const struct ps_cli_cmd ps_cmd_serve = {
	"serve", NULL, run_todo,
	"panshi serve [--listen ADDR] [--tls-cert FILE --tls-key FILE] [--web-root DIR]",
	"serve the REST API and the web console", -1,
};
