/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The CLI side of the audit trail: finds or creates the key file, opens
 * the trail once per run and hooks it into the registry so that every
 * registry change is recorded in the same transaction as the change.
 */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <jansson.h>

#include "core/core.h"
#include "audit/audit.h"
#include "audit/audit_registry.h"
#include "cli/cli_audit.h"
#include "cli/cli_int.h"
#include "registry/registry.h"
#include "store/store.h"

int ps_cli_audit_key_path(struct ps_cli *cli, char *out, size_t n)
{
	const char *env = getenv("PANSHI_AUDIT_KEY");
	const struct ps_core_settings *gen;
	int w;

	if (env != NULL && env[0] != '\0') {
		w = snprintf(out, n, "%s", env);
	} else {
		if (ps_cli_conf_load(cli) != PS_OK)
			return PS_EINVAL;
		gen = ps_conf_section_get(cli->conf, "general");
		w = snprintf(out, n, "%s/audit.key", gen->data_dir);
	}
	if (w < 0 || (size_t)w >= n) {
		ps_cli_error(cli, "the audit key path is too long");
		return PS_ELIMIT;
	}
	return PS_OK;
}

/* "cli:<login user>", falling back to the uid. */
static void login_actor(char *out, size_t n)
{
	struct passwd *pw = getpwuid(geteuid());
	const char *u = pw != NULL && pw->pw_name != NULL ? pw->pw_name : NULL;

	if (u != NULL)
		snprintf(out, n, "cli:%s", u);
	else
		snprintf(out, n, "cli:uid%ld", (long)geteuid());
}

/* Create the key file (and its directory) when missing. */
static int key_ensure(struct ps_cli *cli, const char *path)
{
	struct ps_diag d = {{0}};
	char dir[4096];
	char *slash;
	bool created = false;
	int rc;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			ps_cli_error(cli, "cannot create directory '%s': %s", dir, strerror(errno));
			return PS_EIO;
		}
	}
	rc = ps_audit_key_create(path, &created, &d);
	if (rc != PS_OK)
		ps_cli_error(cli, "%s", d.msg);
	return rc;
}

static int trail_empty(struct ps_cli *cli, bool *empty)
{
	char *v = NULL;
	int rc = ps_store_meta_get(cli->store, PS_AUDIT_HEAD_KEY, &v);

	ps_free(v);
	*empty = rc == PS_ENOENT;
	if (rc == PS_OK || rc == PS_ENOENT)
		return PS_OK;
	ps_cli_error(cli, "cannot read the store: %s", ps_store_errmsg(cli->store));
	return rc;
}

int ps_cli_audit_open(struct ps_cli *cli, bool create)
{
	uint8_t key[PS_AUDIT_KEY_LEN];
	struct ps_diag d = {{0}};
	char path[4096];
	bool empty = false;
	int rc;

	if (cli->audit != NULL)
		return PS_OK;
	if ((rc = ps_cli_audit_key_path(cli, path, sizeof(path))) != PS_OK)
		return rc;
	if (access(path, F_OK) != 0) {
		if (!create && (rc = trail_empty(cli, &empty)) != PS_OK)
			return rc;
		if (!create && !empty) {
			ps_cli_error(cli, "audit key '%s' is missing but the trail has records", path);
			return PS_ENOENT;
		}
		if ((rc = key_ensure(cli, path)) != PS_OK)
			return rc;
	}
	if ((rc = ps_audit_key_load(path, key, &d)) != PS_OK) {
		ps_cli_error(cli, "%s", d.msg);
		return rc;
	}
	cli->audit = ps_calloc(PS_MEM_CLI, 1, sizeof(*cli->audit));
	if (cli->audit == NULL)
		rc = PS_ENOMEM;
	else
		rc = ps_audit_open(cli->store, key, sizeof(key), &cli->audit->audit);
	memset(key, 0, sizeof(key));
	if (rc != PS_OK) {
		ps_cli_error(cli, "cannot open the audit trail: %s", ps_strerror(rc));
		ps_cli_audit_release(cli);
		return rc;
	}
	login_actor(cli->audit->actor, sizeof(cli->audit->actor));
	return PS_OK;
}

void ps_cli_audit_release(struct ps_cli *cli)
{
	if (cli->audit == NULL)
		return;
	ps_audit_close(cli->audit->audit);
	ps_free(cli->audit);
	cli->audit = NULL;
}

int ps_cli_registry_open(struct ps_cli *cli, struct ps_registry *r)
{
	if (ps_cli_policy_load(cli) != PS_OK || ps_cli_store_open(cli, false) != PS_OK)
		return PS_CLI_FAIL;
	if (ps_registry_open(cli->store, cli->policy, r) != PS_OK) {
		ps_cli_error(cli, "cannot open the registry");
		return PS_CLI_FAIL;
	}
	if (ps_cli_audit_open(cli, false) != PS_OK)
		return PS_CLI_FAIL;
	r->actor = cli->audit->actor;
	r->on_change = ps_cli_audit_registry_hook;
	r->on_change_arg = cli->audit;
	return PS_CLI_OK;
}

int ps_cli_audit_change_json(const struct ps_reg_record *before,
			     const struct ps_reg_record *after, char **out)
{
	return ps_audit_registry_change_json(before, after, out);
}

int ps_cli_audit_registry_hook(void *arg, const char *op,
			       const struct ps_reg_record *before,
			       const struct ps_reg_record *after)
{
	struct ps_cli_audit *ca = arg;

	return ps_audit_registry_append(ca->audit, ca->actor, op, before, after);
}
