/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The table of panshi commands, in the order `panshi help` lists them.
 * Later modules add their nouns here (unit, asset, intel, case, ...).
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "cli/cli_int.h"
#include "core/core.h"

const struct ps_cli_cmd *const ps_cli_cmds[] = {
	&ps_cmd_init,
	&ps_cmd_status,
	&ps_cmd_config_check,
	&ps_cmd_config_dump,
	&ps_cmd_policy_show,
	&ps_cmd_policy_check,
	&ps_cmd_event_list,
	&ps_cmd_event_import,
	&ps_cmd_event_purge,
	&ps_cmd_analyze,
	&ps_cmd_sensor,
	&ps_cmd_intel_import,
	&ps_cmd_intel_list,
	&ps_cmd_intel_show,
	&ps_cmd_intel_stats,
	&ps_cmd_intel_sources,
	&ps_cmd_intel_match,
	&ps_cmd_intel_reload,
	&ps_cmd_intel_export,
	&ps_cmd_registry_import,
	&ps_cmd_registry_export,
	&ps_cmd_calendar,
	&ps_cmd_assess_run,
	&ps_cmd_assess_list,
	&ps_cmd_assess_show,
	&ps_cmd_assess_rectify,
	&ps_cmd_assess_frameworks,
	&ps_cmd_guyuan_check,
	&ps_cmd_inspect_draw,
	&ps_cmd_inspect_verify,
	&ps_cmd_inspect_list,
	&ps_cmd_case_correlate,
	&ps_cmd_case_list,
	&ps_cmd_case_show,
	&ps_cmd_case_assign,
	&ps_cmd_case_move,
	&ps_cmd_case_note,
	&ps_cmd_case_verify,
	&ps_cmd_case_facts,
	&ps_cmd_case_clock,
	&ps_cmd_case_tick,
	&ps_cmd_report_bulletin,
	&ps_cmd_report_notice,
	&ps_cmd_report_incident,
	&ps_cmd_audit_verify,
	&ps_cmd_audit_list,
	&ps_cmd_serve,
	&ps_cmd_user_add,
	&ps_cmd_user_list,
	&ps_cmd_user_passwd,
	&ps_cmd_user_reset,
	&ps_cmd_user_role,
	&ps_cmd_user_disable,
	&ps_cmd_user_enable,
	&ps_cmd_token_create,
	&ps_cmd_token_list,
	&ps_cmd_token_revoke,
};

const size_t ps_cli_n_cmds = PS_ARRAY_LEN(ps_cli_cmds);

const struct ps_cli_cmd *ps_cli_cmd_find(const char *noun, const char *verb,
					 bool *noun_known)
{
	*noun_known = false;
	for (size_t i = 0; i < ps_cli_n_cmds; i++) {
		const struct ps_cli_cmd *c = ps_cli_cmds[i];

		if (strcmp(c->noun, noun) != 0)
			continue;
		*noun_known = true;
		if (c->verb == NULL || (verb != NULL && strcmp(c->verb, verb) == 0))
			return c;
	}
	return NULL;
}
