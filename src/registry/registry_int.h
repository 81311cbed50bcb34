/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals shared by the registry's entity files: the per-type value
 * checks, the sortable form of IP addresses behind the hidden _lo/_hi
 * columns, and the SQL helpers of the CRUD layer.
 */
#ifndef PS_REGISTRY_INT_H
#define PS_REGISTRY_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "registry/registry.h"

/* Longest key and longest text value, in bytes. */
#define PS_REG_KEY_MAX 128
#define PS_REG_TEXT_MAX (1u << 20)

/* Whether the field carries hidden <name>_lo/<name>_hi columns. */
bool ps_reg_field_has_range(const struct ps_reg_kind *k, const struct ps_reg_field *f);

/* Whether s is valid UTF-8 without control characters (C0, DEL, C1). */
bool ps_reg_text_ok(const char *s, size_t len);

/* A domain name as an asset address or ICP domain; lowercases in place. */
bool ps_reg_domain_ok(char *s);

/*
 * The key and the kind's own rules across fields, after every field was
 * normalised; "field ..." message in d (the caller prefixes the record).
 */
int ps_reg_rules_check(const struct ps_registry *r, struct ps_reg_record *rec,
		       struct ps_diag *d) PS_MUST_USE;

/* Per-type checks of registry_ident.c; v is trimmed and non-empty. */
int ps_reg_iprange_check(const struct ps_reg_field *f, char **v, struct ps_diag *d) PS_MUST_USE;
int ps_reg_cpe_check(const struct ps_reg_field *f, char *v, struct ps_diag *d) PS_MUST_USE;
int ps_reg_uscc_check(const struct ps_reg_field *f, char *v, struct ps_diag *d) PS_MUST_USE;

/* "unit 'U-1'" or "new unit" for messages. */
void ps_reg_record_label(const struct ps_reg_record *rec, char *out, size_t n);

#endif
