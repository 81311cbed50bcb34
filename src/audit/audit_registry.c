/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Audit records of registry changes: the field-level difference of a
 * record before and after, appended to the trail by the registry's
 * on_change hook in the same transaction as the change.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "core/core.h"
#include "audit/audit.h"
#include "audit/audit_registry.h"
#include "registry/registry.h"

static const char *val_at(const struct ps_reg_record *r, size_t i)
{
	return r != NULL && r->vals[i] != NULL && r->vals[i][0] != '\0' ? r->vals[i] : NULL;
}

static int put_val(json_t *o, const char *name, const char *v)
{
	json_t *j = v != NULL ? ps_json_text(v) : json_null();

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

int ps_audit_registry_change_json(const struct ps_reg_record *before,
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
	if (n == 0 || (*out = ps_malloc(PS_MEM_CORE, n + 1)) == NULL)
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

int ps_audit_registry_append(struct ps_audit *a, const char *actor, const char *op,
			     const struct ps_reg_record *before,
			     const struct ps_reg_record *after)
{
	const struct ps_reg_record *r = after != NULL ? after : before;
	struct ps_diag d = {{0}};
	char action[64], object[300];
	char *details = NULL;
	int rc;

	if (r == NULL || a == NULL || actor == NULL)
		return PS_EINVAL;
	snprintf(action, sizeof(action), "registry.%s", op);
	snprintf(object, sizeof(object), "%s:%s", r->kind->name, r->key != NULL ? r->key : "");
	if ((rc = ps_audit_registry_change_json(before, after, &details)) != PS_OK)
		return rc;
	rc = ps_audit_append(a, ps_time_now_us(), actor, action, object, details, NULL, &d);
	if (rc != PS_OK)
		ps_log_error("audit", "%s", d.msg);
	ps_free(details);
	return rc;
}

int ps_audit_registry_hook(void *arg, const char *op, const struct ps_reg_record *before,
			   const struct ps_reg_record *after)
{
	const struct ps_audit_registry_arg *ra = arg;

	return ps_audit_registry_append(ra->audit, ra->actor, op, before, after);
}
