/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The generic registry entity commands (`panshi <kind> add|list|show|edit|
 * delete`, `panshi catalog file`), dispatched by noun from cli_main.c for
 * every kind of registry/kinds.c rather than listed one by one.
 */
#ifndef PS_CLI_CMD_REG_H
#define PS_CLI_CMD_REG_H

#include <stdio.h>

#include "cli/cli.h"

struct ps_reg_kind;

/* The kind named by a command noun (a kind's name), or NULL. */
const struct ps_reg_kind *ps_cli_reg_kind(const char *noun);

/*
 * Run `panshi <kind> VERB ...`; argv[0] is the verb (argc may be 0).
 * Returns an exit code (enum ps_cli_exit).
 */
int ps_cli_reg_run(struct ps_cli *cli, const struct ps_reg_kind *k, int argc,
		   char **argv);

/* One help line per kind, for `panshi help`. */
void ps_cli_reg_help(FILE *f);

/* The verbs and fields of one kind, for `panshi help <kind>`. */
void ps_cli_reg_kind_help(const struct ps_reg_kind *k, FILE *f);

#endif
