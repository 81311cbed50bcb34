/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Loads what commands need on demand: the configuration (file named by
 * --config or PANSHI_CONFIG over built-in defaults), the store (--db,
 * PANSHI_DB, store.db) and the policy directory. Precedence everywhere:
 * command-line option, then environment, then configuration file.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "api/api.h"
#include "cli/cli.h"
#include "cli/cli_int.h"
#include "core/core.h"
#include "engine/engine_conf.h"
#include "incident/case.h"
#include "policy/policy.h"
#include "store/store.h"

static const struct ps_conf_section *const conf_sections[] = {
	&ps_core_conf_section,
	&ps_store_conf_section,
	&ps_engine_conf_section,
	&ps_case_conf_section,
	&ps_api_conf_section,
};

const struct ps_conf_section *const *ps_cli_conf_sections(size_t *n)
{
	*n = PS_ARRAY_LEN(conf_sections);
	return conf_sections;
}

const char *ps_cli_config_path(const struct ps_cli *cli)
{
	const char *env;

	if (cli->config_path != NULL)
		return cli->config_path;
	env = getenv("PANSHI_CONFIG");
	return env != NULL && env[0] != '\0' ? env : NULL;
}

int ps_cli_conf_load(struct ps_cli *cli)
{
	struct ps_diag d = {{0}};
	const struct ps_core_settings *gen;
	const char *path;
	int rc;

	if (cli->conf != NULL)
		return PS_OK;
	cli->conf = ps_calloc(PS_MEM_CLI, 1, sizeof(*cli->conf));
	if (cli->conf == NULL)
		return PS_ENOMEM;
	rc = ps_conf_init(cli->conf, conf_sections, PS_ARRAY_LEN(conf_sections), &d);
	path = ps_cli_config_path(cli);
	if (rc == PS_OK && path != NULL)
		rc = ps_conf_load_file(cli->conf, path, &d);
	if (rc != PS_OK) {
		ps_cli_error(cli, "%s", d.msg[0] ? d.msg : ps_strerror(rc));
		return rc;
	}
	gen = ps_conf_section_get(cli->conf, "general");
	ps_log_level_set((enum ps_log_level)gen->log_level);
	if (!cli->lang_set && ps_conf_is_set(cli->conf, "general.lang"))
		ps_i18n_set_lang(gen->lang == PS_CORE_LANG_EN ? PS_LANG_EN : PS_LANG_ZH_CN);
	return PS_OK;
}

const char *ps_cli_db_spec(struct ps_cli *cli)
{
	const struct ps_store_settings *ss;
	const struct ps_core_settings *gen;
	const char *env = getenv("PANSHI_DB");

	if (cli->db != NULL)
		return cli->db;
	if (env != NULL && env[0] != '\0')
		return env;
	if (cli->conf == NULL)
		return ""; /* called before ps_cli_conf_load: the store refuses it */
	ss = ps_conf_section_get(cli->conf, "store");
	if (ss->db[0] != '\0')
		return ss->db;
	/* store.db empty: the database lives in general.data_dir */
	gen = ps_conf_section_get(cli->conf, "general");
	snprintf(cli->db_default, sizeof(cli->db_default), "%s/panshi.db",
		 gen->data_dir);
	return cli->db_default;
}

/* The SQLite file of a store spec ("sqlite:" prefix removed), or NULL for
 * PostgreSQL and ":memory:". */
static const char *spec_file(const char *spec)
{
	if (strncmp(spec, "sqlite:", 7) == 0)
		spec += 7;
	else if (strncmp(spec, "postgresql://", 13) == 0 ||
		 strncmp(spec, "postgres://", 11) == 0 || strchr(spec, '=') != NULL)
		return NULL;
	return strcmp(spec, ":memory:") == 0 ? NULL : spec;
}

/* mkdir -p for the directory part of a SQLite file path. */
static int make_parent_dirs(struct ps_cli *cli, const char *file)
{
	char path[4096];
	size_t n = strlen(file);

	if (n >= sizeof(path)) {
		ps_cli_error(cli, "store path too long: '%s'", file);
		return PS_EINVAL;
	}
	memcpy(path, file, n + 1);
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0750) != 0 && errno != EEXIST) {
			ps_cli_error(cli, "cannot create directory '%s': %s", path,
				     strerror(errno));
			return PS_EIO;
		}
		*p = '/';
	}
	return PS_OK;
}

static int check_schema(struct ps_cli *cli, const char *raw_spec)
{
	int v = 0, rc = ps_store_schema_version(cli->store, &v);
	char spec[1024];

	ps_cli_spec_redact(raw_spec, spec, sizeof(spec));
	if (rc != PS_OK) {
		ps_cli_error(cli, "cannot read schema version of store '%s': %s", spec,
			     ps_store_errmsg(cli->store));
		return rc;
	}
	if (v < ps_store_schema_latest()) {
		ps_cli_error(cli, "store '%s' is at schema version %d, this panshi needs %d; "
			     "run 'panshi init'", spec, v, ps_store_schema_latest());
		return PS_EINVAL;
	}
	return PS_OK;
}

int ps_cli_store_open(struct ps_cli *cli, bool create)
{
	const struct ps_store_settings *ss;
	struct ps_diag d = {{0}};
	const char *spec, *file;
	struct stat st;
	int rc, from = 0, to = 0;

	if (cli->store != NULL)
		return PS_OK;
	rc = ps_cli_conf_load(cli);
	if (rc != PS_OK)
		return rc;
	ss = ps_conf_section_get(cli->conf, "store");
	spec = ps_cli_db_spec(cli);
	if ((file = spec_file(spec)) != NULL) {
		if (!create && stat(file, &st) != 0) {
			ps_cli_error(cli, "store '%s' does not exist; run 'panshi init' first",
				     file);
			return PS_ENOENT;
		}
		if (create && (rc = make_parent_dirs(cli, file)) != PS_OK)
			return rc;
	}
	rc = ps_store_open(spec, ss, &cli->store, &d);
	if (rc != PS_OK) {
		ps_cli_error(cli, "%s", d.msg[0] ? d.msg : ps_strerror(rc));
		return rc;
	}
	if (!create)
		return check_schema(cli, spec);
	rc = ps_store_migrate(cli->store, &from, &to, &d);
	if (rc != PS_OK) {
		ps_cli_error(cli, "%s", d.msg[0] ? d.msg : ps_strerror(rc));
		return rc;
	}
	cli->schema_from = from;
	cli->schema_to = to;
	return PS_OK;
}

const char *ps_cli_policy_dir(struct ps_cli *cli)
{
	const struct ps_core_settings *gen;

	if (cli->policy_dir != NULL)
		return cli->policy_dir;
	gen = cli->conf ? ps_conf_section_get(cli->conf, "general") : NULL;
	return gen != NULL ? gen->policy_dir : "policy";
}

int ps_cli_policy_load(struct ps_cli *cli)
{
	struct ps_diag d = {{0}};
	const char *dir;
	int rc;

	if (cli->policy != NULL)
		return PS_OK;
	rc = ps_cli_conf_load(cli);
	if (rc != PS_OK)
		return rc;
	dir = ps_cli_policy_dir(cli);
	rc = ps_policy_load_dir(dir, &cli->policy, &d);
	if (rc != PS_OK)
		ps_cli_error(cli, "%s", d.msg[0] ? d.msg : ps_strerror(rc));
	return rc;
}
