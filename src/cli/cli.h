/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The panshi command line: `panshi [global options] <noun> <verb> [args]`.
 * Commands are table entries; each returns an exit code (0 ok, 1 failure,
 * 2 usage) and prints git-style messages ("error: cannot open ...").
 */
#ifndef PS_CLI_H
#define PS_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/err.h"

enum ps_cli_exit { PS_CLI_OK = 0, PS_CLI_FAIL = 1, PS_CLI_USAGE = 2 };

enum ps_out_format { PS_OUT_TABLE, PS_OUT_JSON, PS_OUT_CSV };

/* Global options and lazily opened resources shared by all commands. */
struct ps_cli {
	const char *db;          /* --db, else PANSHI_DB, else config */
	const char *config_path; /* --config, else PANSHI_CONFIG */
	const char *policy_dir;  /* --policy-dir, else config */
	enum ps_out_format format;
	bool format_set;
	bool lang_set;           /* --lang or PANSHI_LANG given */
	bool quiet;
	int schema_from, schema_to; /* set by a migrating store open */
	char db_default[4096];      /* general.data_dir + "/panshi.db" */
	FILE *out, *err;
	struct ps_conf *conf;        /* loaded by ps_cli_conf_load */
	struct ps_store *store;      /* opened by ps_cli_store_open */
	struct ps_policy *policy;    /* loaded by ps_cli_policy_load */
	struct ps_cli_audit *audit;  /* opened by ps_cli_audit_open (cli_audit.h) */
};

/* One `<noun> <verb>` (verb NULL for single-word commands like `init`). */
struct ps_cli_cmd {
	const char *noun;
	const char *verb;
	int (*run)(struct ps_cli *cli, int argc, char **argv);
	const char *usage;   /* "panshi config check FILE" */
	const char *summary; /* one line, English */
	int summary_msg;     /* enum ps_msg_id for the localized summary, -1 none */
};

/* Entry point: parse global options, dispatch, release resources. */
int ps_cli_main(int argc, char **argv);
/* As ps_cli_main with explicit streams, for tests. */
int ps_cli_run(int argc, char **argv, FILE *out, FILE *err);

/* Messages: "error: ..." / "warning: ..." / "usage: ..." on cli->err. */
void ps_cli_error(struct ps_cli *cli, const char *fmt, ...) PS_PRINTF(2, 3);
void ps_cli_warn(struct ps_cli *cli, const char *fmt, ...) PS_PRINTF(2, 3);
int ps_cli_usage(struct ps_cli *cli, const struct ps_cli_cmd *cmd);

/*
 * Load on first use, print an error naming the file or store on failure:
 * the configuration; the store (with `create`, missing directories are made
 * and migrations applied; without, a missing SQLite file or an old schema
 * is an error); the policy directory.
 */
int ps_cli_conf_load(struct ps_cli *cli);
int ps_cli_store_open(struct ps_cli *cli, bool create);
int ps_cli_policy_load(struct ps_cli *cli);
/* Where things come from, after option > environment > configuration. */
const char *ps_cli_config_path(const struct ps_cli *cli);
const char *ps_cli_db_spec(struct ps_cli *cli);
const char *ps_cli_policy_dir(struct ps_cli *cli);
const struct ps_conf_section *const *ps_cli_conf_sections(size_t *n);

/* Set cli->format from "table", "json" or "csv"; PS_EINVAL (message
 * printed) for anything else. */
int ps_cli_parse_format(struct ps_cli *cli, const char *arg);

/* Tabular output shared by every list command. */
struct ps_table;
struct ps_table *ps_table_new(size_t ncols, const char *const *headers);
/* Append a row of ncols strings (copied; NULL prints empty). */
int ps_table_add(struct ps_table *t, const char *const *cells) PS_MUST_USE;
int ps_table_addf(struct ps_table *t, size_t col, const char *fmt, ...) PS_PRINTF(3, 4);
/* Start a new empty row, to be filled with ps_table_set. */
int ps_table_row(struct ps_table *t) PS_MUST_USE;
int ps_table_set(struct ps_table *t, size_t col, const char *val) PS_MUST_USE;
size_t ps_table_rows(const struct ps_table *t);
/* Borrowed cell text ("" when unset); row and col must be in range. */
const char *ps_table_cell(const struct ps_table *t, size_t row, size_t col);
/* Print as aligned columns (CJK-width aware), a JSON array of objects keyed
 * by header, or RFC 4180 CSV with a header line. */
int ps_table_print(const struct ps_table *t, enum ps_out_format f, FILE *out) PS_MUST_USE;
void ps_table_free(struct ps_table *t);

extern const struct ps_cli_cmd *const ps_cli_cmds[];
extern const size_t ps_cli_n_cmds;

#endif
