/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `panshi user ...` and `panshi token ...`: local users, roles and API
 * tokens. Placeholder until the authentication code lands.
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

#define USER_CMD(n, v, u, s) \
	const struct ps_cli_cmd ps_cmd_##n##_##v = {#n, #v, run_todo, u, s, -1}

USER_CMD(user, add, "panshi user add NAME --role ROLE [--units U1,U2] [--password-stdin]",
	 "create a user (prints a one-time password)");
USER_CMD(user, list, "panshi user list [--format table|json|csv]", "list users");
USER_CMD(user, passwd, "panshi user passwd NAME (password on stdin)", "set a password");
USER_CMD(user, role, "panshi user role NAME ROLE [--units U1,U2]", "change a user's role");
USER_CMD(user, disable, "panshi user disable NAME", "disable a user");
USER_CMD(user, enable, "panshi user enable NAME", "enable a user");
USER_CMD(token, create, "panshi token create --user NAME [--label L] [--expires TIME]",
	 "create an API token (shown once)");
USER_CMD(token, list, "panshi token list [--user NAME]", "list API tokens");
USER_CMD(token, revoke, "panshi token revoke ID", "revoke an API token");
