/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Text and JSON forms of indicators and sources, shared by the CLI (table,
 * CSV and --format json rows) and the REST API, so both print an indicator
 * with the same columns and the same words.
 */
#ifndef PS_INTEL_JSON_H
#define PS_INTEL_JSON_H

#include <stddef.h>

#include "core/timeutil.h"
#include "intel/intel.h"

struct json_t;

#define PS_INTEL_IOC_NCOLS 14

/* "id", "type", "value", "category", "severity", "confidence", "family",
 * "tags", "source", "first_seen", "last_seen", "expires", "tlp",
 * "shareable": the columns of an indicator row, also its JSON keys. */
extern const char *const ps_intel_ioc_cols[PS_INTEL_IOC_NCOLS];

/* One indicator as text cells; c[i] points into the struct or at the
 * indicator's strings (borrowed), NULL for an empty family/tags/source. */
struct ps_intel_ioc_cells {
	char id[24], value[PS_IOC_VALUE_MAX + 8], sev[8], conf[8];
	char first[PS_TIME_FMT_SIZE], last[PS_TIME_FMT_SIZE], exp[PS_TIME_FMT_SIZE];
	const char *c[PS_INTEL_IOC_NCOLS];
};

/* Fill x from ioc: times ISO 8601 in +08:00 ("" for 0), CIDRs as
 * "value/prefix", subdomain domains as "*.value", shareable "yes"/"no". */
void ps_intel_ioc_cells(const struct ps_ioc *ioc, struct ps_intel_ioc_cells *x);

/* {"id": "12", "type": "ipv4", ...}: every cell as a string ("" empty), as
 * `panshi intel list --format json` prints a row. New reference or NULL. */
struct json_t *ps_intel_ioc_to_json(const struct ps_ioc *ioc);

/* {"name","format","indicators","last_import","read","imported","updated",
 * "bad","refresh_s","ttl_s","tlp","location"}: numbers as numbers, unset
 * strings and times as null. New reference or NULL. */
struct json_t *ps_intel_source_to_json(const struct ps_intel_source *s);

#endif
