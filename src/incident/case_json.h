/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Incidents as JSON (jansson): the incident, its clocks, history and
 * evidence rows in the shape `panshi case show --format json` prints. The
 * CLI and the REST API build their answers with these, so both agree.
 */
#ifndef PS_INCIDENT_CASE_JSON_H
#define PS_INCIDENT_CASE_JSON_H

#include <stdint.h>

#include "incident/case.h"

#include "core/i18n.h"

struct json_t;

/* ISO 8601 in Asia/Shanghai to the second ("2026-11-20T09:30:00+08:00"),
 * or JSON null for us <= 0. New reference. */
struct json_t *ps_case_json_time(int64_t us);

/* A category in the reader's language when it is one of the intel
 * categories, else `c` as given (borrowed or static). */
const char *ps_case_category_title(const char *c);
/* The same in a given language (reports choose theirs). */
const char *ps_case_category_title_in(const char *c, enum ps_lang lang);

/*
 * The incident as `panshi case show --format json` prints it (without
 * overdue, clocks, history and evidence): id "INC-000042", kind, title,
 * category (its title), state, state_zh, level, severity, indicator,
 * address, peer, asset, unit, operator, dept, person, assignee,
 * first_seen, last_seen, events, reopened, vulnerability,
 * rectify_severity, reporter, opened, state_since, risk_expiry, facts.
 * Nothing is withheld here: callers decide. New reference, NULL on ENOMEM.
 */
struct json_t *ps_case_to_json(const struct ps_case *c);

/* [{"clock","title","start","deadline","status","met_at",
 * "escalation_step","holder","holder_title","policy","source"}]. */
struct json_t *ps_case_clocks_to_json(const struct ps_case_clocks *cs);

/* ps_case_history_fn: append {"at","actor","action","from","to","reason"
 * [,"details"]} to the JSON array `arr`. 0 or PS_ENOMEM. */
int ps_case_json_history_add(void *arr, const struct ps_case_history *h);

/* ps_case_event_fn: append {"event_id","ts"} to the JSON array `arr`. */
int ps_case_json_event_add(void *arr, int64_t event_id, int64_t ts);

#endif
