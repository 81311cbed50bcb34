/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The CLI side of the audit trail: the key file, the trail handle kept in
 * struct ps_cli, and the registry hook that records every registry change.
 */
#ifndef PS_CLI_AUDIT_H
#define PS_CLI_AUDIT_H

#include <stdbool.h>

#include "cli/cli.h"
#include "core/err.h"

struct ps_audit;
struct ps_registry;
struct ps_reg_record;

/* What the registry hook needs: the trail and who acts ("cli:alice"). */
struct ps_cli_audit {
	struct ps_audit *audit;
	char actor[160];
};

/*
 * The audit key file: PANSHI_AUDIT_KEY when set, else
 * <general.data_dir>/audit.key. Writes at most n bytes; PS_OK or
 * PS_ELIMIT (message printed).
 */
int ps_cli_audit_key_path(struct ps_cli *cli, char *out, size_t n) PS_MUST_USE;

/*
 * Open the trail on cli->store (opened by the caller) once per run and
 * keep it in cli->audit. The key file is created when missing if `create`
 * (panshi init) or while the trail is still empty; a missing key with
 * records present is an error. Prints errors. PS_OK or an error code.
 */
int ps_cli_audit_open(struct ps_cli *cli, bool create) PS_MUST_USE;
/* Close what ps_cli_audit_open opened (cli_release calls it). */
void ps_cli_audit_release(struct ps_cli *cli);

/*
 * Open the store, the policy and the registry as every registry command
 * does, and install the audit hook with actor "cli:<login user>". Prints
 * errors; PS_CLI_OK or PS_CLI_FAIL.
 */
int ps_cli_registry_open(struct ps_cli *cli, struct ps_registry *r);

/*
 * The struct ps_registry on_change hook: `arg` is a struct ps_cli_audit.
 * Appends action "registry.<op>", object "<kind>:<key>" and details
 * {"before": {...}, "after": {...}} holding the changed fields only (an
 * insert has no "before", a delete no "after"; empty fields are null).
 */
int ps_cli_audit_registry_hook(void *arg, const char *op,
			       const struct ps_reg_record *before,
			       const struct ps_reg_record *after);

/* The details JSON of a change as above, a new string (ps_free) in *out.
 * PS_OK or PS_ENOMEM. */
int ps_cli_audit_change_json(const struct ps_reg_record *before,
			     const struct ps_reg_record *after, char **out) PS_MUST_USE;

#endif
