/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Global option parsing and `<noun> <verb>` dispatch for the panshi command,
 * plus the shared helpers commands use to report errors and to load the
 * configuration, the store and the policy on demand.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_audit.h"
#include "cli/cli_int.h"
#include "cli/cmd_reg.h"
#include "core/core.h"
#include "policy/policy.h"
#include "store/store.h"

static void PS_PRINTF(3, 0) vmsg(struct ps_cli *cli, const char *prefix, const char *fmt, va_list ap)
{
	fputs(prefix, cli->err);
	vfprintf(cli->err, fmt, ap);
	fputc('\n', cli->err);
}

void ps_cli_error(struct ps_cli *cli, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(cli, "error: ", fmt, ap);
	va_end(ap);
}

void ps_cli_warn(struct ps_cli *cli, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(cli, "warning: ", fmt, ap);
	va_end(ap);
}

int ps_cli_usage(struct ps_cli *cli, const struct ps_cli_cmd *cmd)
{
	fprintf(cli->err, "usage: %s\n", cmd->usage);
	return PS_CLI_USAGE;
}

int ps_cli_parse_format(struct ps_cli *cli, const char *arg)
{
	if (strcmp(arg, "table") == 0)
		cli->format = PS_OUT_TABLE;
	else if (strcmp(arg, "json") == 0)
		cli->format = PS_OUT_JSON;
	else if (strcmp(arg, "csv") == 0)
		cli->format = PS_OUT_CSV;
	else {
		ps_cli_error(cli, "unknown format '%s' (use table, json or csv)", arg);
		return PS_EINVAL;
	}
	cli->format_set = true;
	return PS_OK;
}

static void print_main_help(struct ps_cli *cli, FILE *f)
{
	fprintf(f, "%s\n\n", ps_tr(PS_MSG_CLI_USAGE_MAIN));
	fprintf(f, "%s\n", ps_tr(PS_MSG_CLI_COMMANDS));
	for (size_t i = 0; i < ps_cli_n_cmds; i++) {
		const struct ps_cli_cmd *c = ps_cli_cmds[i];
		char name[64];
		const char *summary = c->summary_msg >= 0 ?
			ps_tr((enum ps_msg_id)c->summary_msg) : c->summary;

		snprintf(name, sizeof(name), "%s%s%s", c->noun, c->verb ? " " : "",
			 c->verb ? c->verb : "");
		fprintf(f, "   %-16s %s\n", name, summary);
	}
	fprintf(f, "\nRegistry (panshi help KIND lists the fields):\n");
	ps_cli_reg_help(f);
	fprintf(f, "\n%s\n", ps_tr(PS_MSG_CLI_GLOBAL_OPTIONS));
	(void)cli;
}

static void list_verbs(struct ps_cli *cli, const char *noun)
{
	fprintf(cli->err, "usage:");
	for (size_t i = 0; i < ps_cli_n_cmds; i++)
		if (strcmp(ps_cli_cmds[i]->noun, noun) == 0)
			fprintf(cli->err, "%s %s\n", i ? "      " : "",
				ps_cli_cmds[i]->usage);
}

static int cmd_help(struct ps_cli *cli, int argc, char **argv)
{
	bool known;
	const struct ps_cli_cmd *c;

	if (argc < 2) {
		print_main_help(cli, cli->out);
		return PS_CLI_OK;
	}
	c = ps_cli_cmd_find(argv[1], argc > 2 ? argv[2] : NULL, &known);
	if (c == NULL && !known && ps_cli_reg_kind(argv[1]) != NULL) {
		ps_cli_reg_kind_help(ps_cli_reg_kind(argv[1]), cli->out);
		return PS_CLI_OK;
	}
	if (c == NULL && !known) {
		ps_cli_error(cli, "no such command '%s'", argv[1]);
		return PS_CLI_FAIL;
	}
	if (c == NULL || (c->verb != NULL && argc < 3)) {
		for (size_t i = 0; i < ps_cli_n_cmds; i++)
			if (strcmp(ps_cli_cmds[i]->noun, argv[1]) == 0)
				fprintf(cli->out, "%-40s %s\n", ps_cli_cmds[i]->usage,
					ps_cli_cmds[i]->summary_msg >= 0 ?
					ps_tr((enum ps_msg_id)ps_cli_cmds[i]->summary_msg) :
					ps_cli_cmds[i]->summary);
		return PS_CLI_OK;
	}
	fprintf(cli->out, "usage: %s\n\n%s\n", c->usage,
		c->summary_msg >= 0 ? ps_tr((enum ps_msg_id)c->summary_msg) : c->summary);
	return PS_CLI_OK;
}

static int cmd_version(struct ps_cli *cli, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(cli->out, "panshi %s\n", PANSHI_VERSION);
	return PS_CLI_OK;
}

const struct ps_cli_cmd ps_cli_help_cmd = {
	"help", NULL, cmd_help, "panshi help [COMMAND [VERB]]",
	"show help for a command", -1};
const struct ps_cli_cmd ps_cli_version_cmd = {
	"version", NULL, cmd_version, "panshi version", "print the version", -1};

/* Parse options before the command; returns index of the noun or -1/-2. */
static int parse_global(struct ps_cli *cli, int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0) {
			cmd_version(cli, 0, NULL);
			return -2;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			print_main_help(cli, cli->out);
			return -2;
		} else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
			cli->quiet = true;
			continue;
		} else if (v == NULL) {
			break;
		}
		if (strcmp(a, "--db") == 0)
			cli->db = v;
		else if (strcmp(a, "--config") == 0 || strcmp(a, "-c") == 0)
			cli->config_path = v;
		else if (strcmp(a, "--policy-dir") == 0)
			cli->policy_dir = v;
		else if (strcmp(a, "--format") == 0) {
			if (ps_cli_parse_format(cli, v) != PS_OK)
				return -1;
		} else if (strcmp(a, "--lang") == 0) {
			enum ps_lang l;

			if (ps_lang_parse(v, &l) != PS_OK) {
				ps_cli_error(cli, "unknown language '%s' (use zh-CN or en)", v);
				return -1;
			}
			ps_i18n_set_lang(l);
			cli->lang_set = true;
		} else
			break;
		i++;
	}
	if (i < argc && argv[i][0] == '-') {
		ps_cli_error(cli, "unknown option '%s'", argv[i]);
		return -1;
	}
	return i;
}

static void cli_release(struct ps_cli *cli)
{
	ps_cli_audit_release(cli);
	ps_store_close(cli->store);
	ps_policy_free(cli->policy);
	if (cli->conf != NULL) {
		ps_conf_release(cli->conf);
		ps_free(cli->conf);
	}
	memset(cli, 0, sizeof(*cli));
}

int ps_cli_run(int argc, char **argv, FILE *out, FILE *err)
{
	struct ps_cli cli = {.out = out, .err = err};
	const struct ps_cli_cmd *cmd;
	bool known;
	int i, rc;

	const char *env_lang = getenv("PANSHI_LANG");

	if (ps_i18n_from_env() != PS_OK) {
		fputs("warning: ", err);
		ps_tr_fprintf(err, PS_MSG_ERR_BAD_LANG, env_lang);
		fputc('\n', err);
	}
	cli.lang_set = env_lang != NULL && env_lang[0] != '\0';
	i = parse_global(&cli, argc, argv);
	if (i < 0)
		return i == -2 ? PS_CLI_OK : PS_CLI_USAGE;
	if (i >= argc) {
		print_main_help(&cli, cli.err);
		return PS_CLI_USAGE;
	}
	if (strcmp(argv[i], "help") == 0)
		cmd = &ps_cli_help_cmd;
	else if (strcmp(argv[i], "version") == 0)
		cmd = &ps_cli_version_cmd;
	else
		cmd = ps_cli_cmd_find(argv[i], i + 1 < argc ? argv[i + 1] : NULL, &known);
	if (cmd == NULL && !known && ps_cli_reg_kind(argv[i]) != NULL) {
		/* registry kinds: `panshi unit add ...`, argv from the verb */
		rc = ps_cli_reg_run(&cli, ps_cli_reg_kind(argv[i]), argc - i - 1, argv + i + 1);
		cli_release(&cli);
		return rc;
	}
	if (cmd == NULL) {
		if (!known) {
			ps_cli_error(&cli, "'%s' is not a panshi command; see 'panshi help'",
				     argv[i]);
			return PS_CLI_USAGE;
		}
		if (i + 1 < argc)
			ps_cli_error(&cli, "'%s %s' is not a panshi command", argv[i],
				     argv[i + 1]);
		list_verbs(&cli, argv[i]);
		return PS_CLI_USAGE;
	}
	/* Commands see argv starting at their verb (or noun for one-word ones). */
	if (cmd->verb != NULL)
		i++;
	rc = cmd->run(&cli, argc - i, argv + i);
	cli_release(&cli);
	return rc;
}

int ps_cli_main(int argc, char **argv)
{
	return ps_cli_run(argc, argv, stdout, stderr);
}
