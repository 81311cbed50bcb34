/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The audit record of a registry change: the struct ps_registry on_change
 * hook that appends "registry.<op>" to the trail, shared by the CLI and the
 * REST API so both record the same details.
 */
#ifndef PS_AUDIT_REGISTRY_H
#define PS_AUDIT_REGISTRY_H

#include "core/err.h"

struct ps_audit;
struct ps_reg_record;

/* The hook's argument: the trail and who acts ("cli:alice", "web:bob"),
 * both borrowed for as long as the hook is installed. */
struct ps_audit_registry_arg {
	struct ps_audit *audit;
	const char *actor;
};

/*
 * Append action "registry.<op>", object "<kind>:<key>" and details
 * {"before": {...}, "after": {...}} holding the changed fields only (an
 * insert has no "before", a delete no "after"; empty fields are null) at
 * the current time. Runs inside the caller's transaction when one is open.
 * PS_OK or the error of ps_audit_append (logged).
 */
int ps_audit_registry_append(struct ps_audit *a, const char *actor, const char *op,
			     const struct ps_reg_record *before,
			     const struct ps_reg_record *after) PS_MUST_USE;

/* The struct ps_registry on_change hook: `arg` is a struct
 * ps_audit_registry_arg; calls ps_audit_registry_append. */
int ps_audit_registry_hook(void *arg, const char *op, const struct ps_reg_record *before,
			   const struct ps_reg_record *after);

/* The details JSON of a change as above, a new string (ps_free) in *out.
 * PS_OK or PS_ENOMEM. */
int ps_audit_registry_change_json(const struct ps_reg_record *before,
				  const struct ps_reg_record *after, char **out) PS_MUST_USE;

#endif
