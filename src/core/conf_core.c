/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The core module's own configuration section, "general": log level,
 * language and the directories every other module reads from or writes to.
 */
#include <stddef.h>

#include "core/core.h"

/* Same order as enum ps_log_level. */
static const char *const log_levels[] = {
	"error", "warn", "notice", "info", "debug", NULL,
};

/* Same order as enum ps_core_lang. */
static const char *const langs[] = {"zh-CN", "en", NULL};

static const struct ps_conf_item core_items[] = {
	{
		.key = "log_level",
		.type = PS_CONF_ENUM,
		.offset = offsetof(struct ps_core_settings, log_level),
		.def = "notice",
		.choices = log_levels,
		.doc = "write log messages of this severity and above (debug "
		       "writes everything)",
	},
	{
		.key = "lang",
		.type = PS_CONF_ENUM,
		.offset = offsetof(struct ps_core_settings, lang),
		.def = "zh-CN",
		.choices = langs,
		.doc = "language of messages, reports and the console",
	},
	{
		.key = "policy_dir",
		.type = PS_CONF_STRING,
		.offset = offsetof(struct ps_core_settings, policy_dir),
		.min = 1,
		.max = 1024,
		.def = "policy",
		.doc = "directory of the policy/*.yaml files with the legal "
		       "numbers and their sources",
	},
	{
		.key = "data_dir",
		.type = PS_CONF_STRING,
		.offset = offsetof(struct ps_core_settings, data_dir),
		.min = 1,
		.max = 1024,
		.def = "var",
		.doc = "directory for the database and generated files",
	},
};

const struct ps_conf_section ps_core_conf_section = {
	.name = "general",
	.doc = "General settings of the Panshi process.",
	.items = core_items,
	.n_items = PS_ARRAY_LEN(core_items),
	.size = sizeof(struct ps_core_settings),
};
