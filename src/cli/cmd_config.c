/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `panshi config check FILE` and `panshi config dump [--defaults]`: validate
 * a configuration file (errors name file:line) and print the effective or
 * default configuration as annotated YAML.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_int.h"
#include "core/core.h"

static int config_check(struct ps_cli *cli, int argc, char **argv)
{
	const struct ps_conf_section *const *secs;
	struct ps_conf c = {0};
	struct ps_diag d = {{0}};
	size_t n;
	int rc, bad = 0;

	if (argc < 2)
		return ps_cli_usage(cli, &ps_cmd_config_check);
	secs = ps_cli_conf_sections(&n);
	for (int i = 1; i < argc; i++) {
		rc = ps_conf_init(&c, secs, n, &d);
		if (rc == PS_OK)
			rc = ps_conf_load_file(&c, argv[i], &d);
		if (rc != PS_OK) {
			ps_cli_error(cli, "%s", d.msg[0] ? d.msg : ps_strerror(rc));
			bad++;
		} else if (!cli->quiet) {
			fprintf(cli->out, "%s: ok\n", argv[i]);
		}
		ps_conf_release(&c);
	}
	return bad ? PS_CLI_FAIL : PS_CLI_OK;
}

static int config_dump(struct ps_cli *cli, int argc, char **argv)
{
	bool defaults = false;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--defaults") == 0)
			defaults = true;
		else
			return ps_cli_usage(cli, &ps_cmd_config_dump);
	}
	if (ps_cli_conf_load(cli) != PS_OK)
		return PS_CLI_FAIL;
	if (ps_conf_dump(cli->conf, cli->out, defaults) != PS_OK) {
		ps_cli_error(cli, "cannot write configuration");
		return PS_CLI_FAIL;
	}
	return PS_CLI_OK;
}

const struct ps_cli_cmd ps_cmd_config_check = {
	"config", "check", config_check, "panshi config check FILE...",
	"validate configuration files", PS_MSG_CMD_CONFIG_CHECK};
const struct ps_cli_cmd ps_cmd_config_dump = {
	"config", "dump", config_dump, "panshi config dump [--defaults]",
	"print the effective configuration as annotated YAML", PS_MSG_CMD_CONFIG_DUMP};
