/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Routing an event address to its owners: the narrowest asset covering
 * the address, its network unit and operator, and the responsible
 * department and person (the asset's, else the unit's).
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/core.h"
#include "registry/registry.h"

static int dup_field(const struct ps_reg_record *rec, const char *field, char **out)
{
	const char *v = rec != NULL ? ps_reg_record_get(rec, field) : NULL;

	*out = NULL;
	if (v == NULL)
		return PS_OK;
	*out = ps_strdup(PS_MEM_REGISTRY, v);
	return *out != NULL ? PS_OK : PS_ENOMEM;
}

/* *out is the record of kind `kind` named by `key`, or NULL when key is NULL. */
static int get_ref(struct ps_registry *r, const char *kind, const char *key,
		   struct ps_reg_record **out)
{
	int rc;

	*out = NULL;
	if (key == NULL)
		return PS_OK;
	rc = ps_reg_get(r, ps_reg_kind_find(kind), key, out);
	return rc == PS_ENOENT ? PS_OK : rc;
}

void ps_reg_route_release(struct ps_reg_route *rt)
{
	if (rt == NULL)
		return;
	ps_free(rt->asset_key);
	ps_free(rt->asset_name);
	ps_free(rt->unit_key);
	ps_free(rt->unit_name);
	ps_free(rt->operator_key);
	ps_free(rt->operator_name);
	ps_free(rt->dept_key);
	ps_free(rt->dept_name);
	ps_free(rt->person_key);
	ps_free(rt->person_name);
	ps_free(rt->person_phone);
	memset(rt, 0, sizeof(*rt));
}

/* Fill the owners from the asset record (unit, operator, dept, person). */
static int fill(struct ps_registry *r, const struct ps_reg_record *asset,
		struct ps_reg_route *out)
{
	struct ps_reg_record *unit = NULL, *op = NULL, *dept = NULL, *person = NULL;
	const char *dk, *pk;
	int64_t lvl;
	int rc;

	out->registered = true;
	out->asset_key = ps_strdup(PS_MEM_REGISTRY, asset->key);
	if (out->asset_key == NULL || dup_field(asset, "name", &out->asset_name) != PS_OK)
		goto nomem;
	if ((rc = get_ref(r, "unit", ps_reg_record_get(asset, "unit"), &unit)) != PS_OK)
		goto out;
	if (unit != NULL) {
		if ((out->unit_key = ps_strdup(PS_MEM_REGISTRY, unit->key)) == NULL ||
		    dup_field(unit, "name", &out->unit_name) != PS_OK)
			goto nomem;
		if (ps_reg_record_int(unit, "level", &lvl) == PS_OK)
			out->unit_level = (int)lvl;
		if ((rc = get_ref(r, "operator", ps_reg_record_get(unit, "operator"), &op)) != PS_OK)
			goto out;
		if (op != NULL && ((out->operator_key = ps_strdup(PS_MEM_REGISTRY, op->key)) == NULL ||
				   dup_field(op, "name", &out->operator_name) != PS_OK))
			goto nomem;
	}
	dk = ps_reg_record_get(asset, "dept");
	if (dk == NULL && unit != NULL)
		dk = ps_reg_record_get(unit, "dept");
	pk = ps_reg_record_get(asset, "person");
	if (pk == NULL && unit != NULL)
		pk = ps_reg_record_get(unit, "person");
	if ((rc = get_ref(r, "dept", dk, &dept)) != PS_OK ||
	    (rc = get_ref(r, "person", pk, &person)) != PS_OK)
		goto out;
	if ((dept != NULL && (out->dept_key = ps_strdup(PS_MEM_REGISTRY, dept->key)) == NULL) ||
	    (person != NULL && (out->person_key = ps_strdup(PS_MEM_REGISTRY, person->key)) == NULL) ||
	    dup_field(dept, "name", &out->dept_name) != PS_OK ||
	    dup_field(person, "name", &out->person_name) != PS_OK ||
	    dup_field(person, "phone", &out->person_phone) != PS_OK)
		goto nomem;
	rc = PS_OK;
	goto out;
nomem:
	rc = PS_ENOMEM;
out:
	ps_reg_record_free(unit);
	ps_reg_record_free(op);
	ps_reg_record_free(dept);
	ps_reg_record_free(person);
	return rc;
}

int ps_reg_route_ip(struct ps_registry *r, const char *ip, struct ps_reg_route *out,
		    struct ps_diag *d)
{
	struct ps_reg_record *asset = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = ps_reg_find_asset_by_ip(r, ip, &asset);
	if (rc == PS_ENOENT)
		return PS_OK;
	if (rc == PS_EINVAL) {
		ps_diag_set(d, "'%s' is not an IPv4 or IPv6 address", ip != NULL ? ip : "");
		return rc;
	}
	if (rc != PS_OK) {
		ps_diag_set(d, "cannot look up '%s' in the registry", ip);
		return rc;
	}
	rc = fill(r, asset, out);
	ps_reg_record_free(asset);
	if (rc != PS_OK) {
		ps_diag_set(d, "cannot route '%s': the registry could not be read", ip);
		ps_reg_route_release(out);
	}
	return rc;
}
