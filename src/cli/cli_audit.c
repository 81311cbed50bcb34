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

static const char *val_at(const struct ps_reg_record *r, size_t i)
{
	return r != NULL && r->vals[i] != NULL && r->vals[i][0] != '\0' ? r->vals[i] : NULL;
}

static int put_val(json_t *o, const char *name, const char *v)
{
	json_t *j = v != NULL ? ps_cli_json_text(v) : json_null();

	return j != NULL && json_object_set_new(o, name, j) == 0 ? PS_OK : PS_ENOMEM;
}

/* Fill bo/ao with the fields that differ between before and after. */
static int diff_fields(const struct ps_reg_record *before, const struct ps_reg_record *after,
		       json_t *bo, json_t *ao)
{
	const struct ps_reg_kind *k = before != NULL ? before->kind : after->kind;
	int rc = PS_OK;

	for (size_t i = 0; i < k->n_fields && rc == PS_OK; i++) {
		const char *b = val_at(before, i), *a = val_at(after, i);

		if ((b == NULL && a == NULL) || (b != NULL && a != NULL && strcmp(a, b) == 0))
			continue;
		if (before != NULL)
			rc = put_val(bo, k->fields[i].name, b);
		if (rc == PS_OK && after != NULL)
			rc = put_val(ao, k->fields[i].name, a);
	}
	return rc;
}

int ps_cli_audit_change_json(const struct ps_reg_record *before,
			     const struct ps_reg_record *after, char **out)
{
	json_t *root = json_object(), *bo = json_object(), *ao = json_object();
	int rc = PS_ENOMEM;
	size_t n;

	*out = NULL;
	if (root == NULL || bo == NULL || ao == NULL)
		goto out;
	if ((rc = diff_fields(before, after, bo, ao)) != PS_OK)
		goto out;
	rc = PS_ENOMEM;
	if ((before != NULL && json_object_set(root, "before", bo) != 0) ||
	    (after != NULL && json_object_set(root, "after", ao) != 0))
		goto out;
	n = json_dumpb(root, NULL, 0, JSON_COMPACT | JSON_SORT_KEYS);
	if (n == 0 || (*out = ps_malloc(PS_MEM_CLI, n + 1)) == NULL)
		goto out;
	json_dumpb(root, *out, n, JSON_COMPACT | JSON_SORT_KEYS);
	(*out)[n] = '\0';
	rc = PS_OK;
out:
	json_decref(root);
	json_decref(bo);
	json_decref(ao);
	return rc;
}

int ps_cli_audit_registry_hook(void *arg, const char *op,
			       const struct ps_reg_record *before,
			       const struct ps_reg_record *after)
{
	struct ps_cli_audit *ca = arg;
	const struct ps_reg_record *r = after != NULL ? after : before;
	struct ps_diag d = {{0}};
	char action[64], object[300];
	char *details = NULL;
	int rc;

	if (r == NULL)
		return PS_EINVAL;
	snprintf(action, sizeof(action), "registry.%s", op);
	snprintf(object, sizeof(object), "%s:%s", r->kind->name, r->key != NULL ? r->key : "");
	if ((rc = ps_cli_audit_change_json(before, after, &details)) != PS_OK)
		return rc;
	rc = ps_audit_append(ca->audit, ps_time_now_us(), ca->actor, action, object,
			     details, NULL, &d);
	if (rc != PS_OK)
		ps_log_error("audit", "%s", d.msg);
	ps_free(details);
	return rc;
}
