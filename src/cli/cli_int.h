/* SPDX-License-Identifier: Apache-2.0 */
/* Internals shared by the cli/ files: the command entries and EVE reading. */
#ifndef PS_CLI_INT_H
#define PS_CLI_INT_H

#include <stdbool.h>
#include <jansson.h>

#include "cli/cli.h"
#include "store/store.h"

/*
 * The entry for `noun verb`, or for a one-word command `noun` (its verb is
 * then ignored); NULL if none. *noun_known tells whether `noun` exists.
 */
const struct ps_cli_cmd *ps_cli_cmd_find(const char *noun, const char *verb,
					 bool *noun_known);

/*
 * The store meta key that records a file as loaded: "<what>.sm3.<SM3 of its
 * content in hex>", so the same file under any name is not stored twice
 * (analyze: "capture", event import: "eve"). key needs 16 + strlen(what)
 * + 64 bytes. PS_OK, or PS_EIO with a message naming the file.
 */
int ps_cli_file_key(const char *path, const char *what, char *key, size_t keylen,
		    struct ps_diag *d);

/* Redact the password of a PostgreSQL URL or conninfo into out. */
void ps_cli_spec_redact(const char *spec, char *out, size_t outlen);

/*
 * Parse one EVE JSON line into `ev`. Strings in `ev` borrow from `*root`,
 * which the caller releases with json_decref(). Requires "timestamp" (ISO
 * 8601) and "event_type"; port and severity fields are range-checked.
 * Returns PS_OK or PS_EPROTO/PS_EINVAL with the reason (field named) in `d`.
 */
int ps_cli_eve_parse(const char *line, size_t len, struct ps_event *ev,
		     json_t **root, struct ps_diag *d);

extern const struct ps_cli_cmd ps_cmd_init, ps_cmd_status;
extern const struct ps_cli_cmd ps_cmd_config_check, ps_cmd_config_dump;
extern const struct ps_cli_cmd ps_cmd_policy_show, ps_cmd_policy_check;
extern const struct ps_cli_cmd ps_cmd_event_list, ps_cmd_event_import;
extern const struct ps_cli_cmd ps_cmd_event_purge;
extern const struct ps_cli_cmd ps_cmd_analyze, ps_cmd_sensor;
extern const struct ps_cli_cmd ps_cmd_intel_import, ps_cmd_intel_list, ps_cmd_intel_show;
extern const struct ps_cli_cmd ps_cmd_intel_stats, ps_cmd_intel_sources;
extern const struct ps_cli_cmd ps_cmd_intel_match, ps_cmd_intel_reload;
extern const struct ps_cli_cmd ps_cmd_intel_export;
extern const struct ps_cli_cmd ps_cmd_registry_import, ps_cmd_registry_export;
extern const struct ps_cli_cmd ps_cmd_calendar;
extern const struct ps_cli_cmd ps_cmd_assess_run, ps_cmd_assess_list, ps_cmd_assess_show;
extern const struct ps_cli_cmd ps_cmd_assess_rectify, ps_cmd_assess_frameworks;
extern const struct ps_cli_cmd ps_cmd_guyuan_check, ps_cmd_inspect_draw;
extern const struct ps_cli_cmd ps_cmd_inspect_verify, ps_cmd_inspect_list;
extern const struct ps_cli_cmd ps_cmd_audit_verify, ps_cmd_audit_list;
extern const struct ps_cli_cmd ps_cmd_case_correlate, ps_cmd_case_list, ps_cmd_case_show;
extern const struct ps_cli_cmd ps_cmd_case_assign, ps_cmd_case_move, ps_cmd_case_note;
extern const struct ps_cli_cmd ps_cmd_case_verify, ps_cmd_case_facts, ps_cmd_case_clock;
extern const struct ps_cli_cmd ps_cmd_case_tick;
extern const struct ps_cli_cmd ps_cmd_report_bulletin, ps_cmd_report_notice;
extern const struct ps_cli_cmd ps_cmd_report_incident;
extern const struct ps_cli_cmd ps_cmd_serve;
extern const struct ps_cli_cmd ps_cmd_user_add, ps_cmd_user_list, ps_cmd_user_passwd;
extern const struct ps_cli_cmd ps_cmd_user_reset;
extern const struct ps_cli_cmd ps_cmd_user_role, ps_cmd_user_disable, ps_cmd_user_enable;
extern const struct ps_cli_cmd ps_cmd_token_create, ps_cmd_token_list, ps_cmd_token_revoke;

#endif
