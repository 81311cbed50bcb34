/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JSON forms of registry records, kinds, routes and the compliance
 * calendar, shared by the CLI (--format json) and the REST API so both
 * print the same shapes from one builder.
 */
#ifndef PS_REGISTRY_JSON_H
#define PS_REGISTRY_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "core/timeutil.h"
#include "registry/calendar.h"
#include "registry/registry.h"

struct json_t;

/* {"key": .., <field>: value or null, ...} in the kind's field order.
 * New reference or NULL (out of memory). */
struct json_t *ps_reg_record_to_json(const struct ps_reg_record *rec);

/* {"kind","plural","zh","prefix","fields":[{"name","zh","type","required",
 * "list","choices","ref","help"}]}: the descriptor as the console needs it. */
struct json_t *ps_reg_kind_to_json(const struct ps_reg_kind *k);

/* The route of `ip`: {"ip","status":"registered|unregistered","asset",
 * "asset_name","unit","unit_name","level","operator","operator_name","dept",
 * "dept_name","person","person_name","phone"} (null when empty). */
struct json_t *ps_reg_route_to_json(const char *ip, const struct ps_reg_route *rt);

/* Which calendar items to show: a zeroed selection keeps every item. */
struct ps_cal_select {
	bool status_set;            /* filter by status ... */
	bool open;                  /* ... "open": every status but done */
	enum ps_cal_status status;  /* ... else exactly this one */
	const char *rule;           /* rule prefix, NULL = any */
};

bool ps_cal_select_keep(const struct ps_cal_select *s, const struct ps_cal_item *it);

/* One obligation as `panshi calendar --format json` prints it. */
struct json_t *ps_cal_item_to_json(const struct ps_cal_item *it);

/*
 * {"as_of": "YYYY-MM-DD", "summary": {"overdue": n, "due": n, "upcoming": n,
 * "done": n}, "obligations": [...]} of the items `sel` (may be NULL) keeps.
 * New reference or NULL (out of memory).
 */
struct json_t *ps_cal_result_to_json(const struct ps_cal_result *res, struct ps_date as_of,
				     const struct ps_cal_select *sel);

#endif
