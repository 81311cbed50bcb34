/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals shared by the stored-incident files: the column list of the
 * incidents table and its row reader, the history-plus-audit writer and
 * the clock synchronisation run after every change.
 */
#ifndef PS_INCIDENT_CASE_INT_H
#define PS_INCIDENT_CASE_INT_H

#include <stdint.h>

#include "incident/case.h"

struct ps_stmt;
struct ps_policy;
struct json_t;

/* Compact JSON text of `j` with sorted keys (ps_free), or NULL. */
char *ps_case_json_dump(const struct json_t *j);

#define PS_CASE_COLS \
	"id, group_key, kind, title, category, severity, level, state, " \
	"indicator, asset_ip, peer_ip, asset, unit, operator, dept, person, " \
	"assignee, first_seen, last_seen, event_count, reopen_count, vuln, " \
	"rectify_severity, reporter, state_since, rectified_at, " \
	"handling_ended_at, risk_expiry, escalation_step, facts, created_at, " \
	"updated_at"
#define PS_CASE_NCOLS 32

/* Read a row selected with PS_CASE_COLS into *c (released first). */
int ps_case_row_read(struct ps_stmt *s, struct ps_case *c) PS_MUST_USE;

/*
 * Append a history row for incident `id` and its audit record (action
 * "incident.<action>", object "incident:INC-..."). `from`/`to`/`reason`
 * may be NULL; `details` is JSON or NULL. Inside the caller's transaction.
 */
int ps_case_log(struct ps_case_ctx *cx, int64_t id, int64_t when,
		const char *action, const char *from, const char *to,
		const char *reason, const char *details,
		struct ps_diag *d) PS_MUST_USE;

/*
 * Recompute the clocks of `c` from its facts and store them in
 * incident_clocks: new clocks are added, changed deadlines updated, met
 * times kept, clocks that no longer apply and were never met removed.
 */
int ps_case_clocks_sync(struct ps_case_ctx *cx, const struct ps_case *c,
			struct ps_diag *d) PS_MUST_USE;

/* Mark clock `kind` met at `when` if it is stored and not yet met. */
int ps_case_clock_met_at(struct ps_case_ctx *cx, int64_t id, const char *kind,
			 int64_t when, struct ps_diag *d) PS_MUST_USE;

/* A move without the history (the caller logs it): checks the state
 * machine, updates state columns. */
int ps_case_move_row(struct ps_case_ctx *cx, struct ps_case *c,
		     enum ps_inc_state to, const struct ps_inc_transition_req *req,
		     struct ps_diag *d) PS_MUST_USE;

/* Store failure: PS_EDB with the store's message in d. */
int ps_case_dbfail(struct ps_case_ctx *cx, const char *what, struct ps_diag *d);

/* Roll back after a failure; the store undoes what it can, and the
 * failure being reported is the first one. */
void ps_case_abort(struct ps_case_ctx *cx);

/* The value of integer key `k` of the facts JSON, or `def`. */
int64_t ps_case_fact_int(const char *facts, const char *k, int64_t def);

#endif
