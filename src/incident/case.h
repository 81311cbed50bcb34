/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Stored incidents (cases): events grouped by a correlation key, routed to
 * the registry's owners, moved through the state machine of state.h with a
 * history row and an audit record per action, and their legal clocks.
 *
 * Tables (migration 4): incidents, incident_events (one row per evidence
 * event; an event belongs to at most one incident), incident_history and
 * incident_clocks. One incident per group key for ever: recurrence after
 * closure reopens the same incident and keeps its history.
 *
 * Every writing call runs in one transaction (a savepoint inside the
 * caller's) together with its audit record, so a failure leaves nothing.
 * Threads: a struct ps_case_ctx belongs to one thread, like its store.
 */
#ifndef PS_INCIDENT_CASE_H
#define PS_INCIDENT_CASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/conf.h"
#include "core/err.h"
#include "incident/clock.h"
#include "incident/level.h"
#include "incident/state.h"

struct ps_store;
struct ps_policy;
struct ps_registry;
struct ps_audit;

/*
 * Operational settings (config section "incident:"); not legal numbers,
 * which live in policy/. Strings are owned by the configuration.
 */
struct ps_case_settings {
	int64_t auto_verify_quiet;  /* seconds without recurrence after
				       rectified before automatic verification;
				       0 = never automatic */
	char *home_net;             /* comma-separated CIDRs that are ours, on
				       top of the registry's address blocks and
				       IP filings */
	char *unregistered_dept;    /* department key that receives incidents
				       on unregistered addresses ("" = none) */
	int64_t batch;              /* events per correlation transaction */
};

extern const struct ps_conf_section ps_case_conf_section;
void ps_case_settings_default(struct ps_case_settings *s);

/* Everything a case call needs; all borrowed. audit may be NULL (tests of
 * pure logic only: the CLI always passes one). */
struct ps_case_ctx {
	struct ps_store *st;
	const struct ps_policy *policy;
	struct ps_registry *reg;
	struct ps_audit *audit;
	const char *actor;             /* "cli:alice", "system" */
	struct ps_case_settings set;
};

/* One incident as stored. Strings are owned by the struct (NULL = empty). */
struct ps_case {
	int64_t id;
	char *group_key, *kind, *title, *category, *indicator, *asset_ip,
		*peer_ip, *asset, *unit, *operator_key, *dept, *person,
		*assignee, *facts;
	int severity;                  /* EVE: 1 highest */
	enum ps_inc_level level;
	enum ps_inc_state state;
	enum ps_inc_severity rectify_severity;
	enum ps_inc_reporter reporter;
	int64_t first_seen, last_seen, event_count, reopen_count;
	bool vuln;                     /* holds vulnerability details */
	int64_t state_since, rectified_at, handling_ended_at, risk_expiry;
	int64_t escalation_step, created_at, updated_at;
	bool overdue;                  /* set by ps_case_list only: a stored
					  clock unmet past its deadline at
					  the filter's `now` */
};

void ps_case_release(struct ps_case *c);

/* "INC-000042" into buf (>= 16 bytes). */
void ps_case_ref(int64_t id, char *buf, size_t n);
/* Parse "INC-42", "INC-000042" or "42"; PS_EINVAL naming the text. */
int ps_case_ref_parse(const char *s, int64_t *id, struct ps_diag *d) PS_MUST_USE;

/* ---- correlation ---- */

struct ps_case_correlate_stats {
	int64_t events;      /* alert events read */
	int64_t opened;      /* new incidents */
	int64_t updated;     /* existing open incidents that grew */
	int64_t reopened;    /* closed/verified/false-positive ones that recurred */
	int64_t unregistered;/* new unregistered-asset items */
	int64_t rerouted;    /* open incidents without an owner that the
				registry now covers */
};

/*
 * First give open incidents without an owner the owners the registry now
 * knows for their address. Then read alert events stored after the cursor
 * (meta incident.cursor, the last event id done), group them, route them and open, update or reopen
 * incidents; advance the cursor. `now` stamps the actions. Batches of
 * events commit one by one, so an interrupted run resumes. PS_OK, PS_EDB,
 * PS_ENOMEM, or the audit's error.
 */
int ps_case_correlate(struct ps_case_ctx *cx, int64_t now,
		      struct ps_case_correlate_stats *stats,
		      struct ps_diag *d) PS_MUST_USE;

/* ---- reading ---- */

struct ps_case_filter {
	const char *state;   /* a state name, "open" (not closed/false_positive/
				verified), or NULL */
	const char *unit;
	const char *kind;
	const char *assignee;
	bool overdue_only;   /* with a clock overdue at `now` */
	int64_t now;
	int64_t limit, offset;
	/* Added for the REST API; zero values keep the behaviour above. */
	const char *level;   /* a level name ("major"), or NULL */
	const char *const *units; /* when nunits > 0: only these units
				     (a unit owner's); NULL entries match none */
	size_t nunits;
	bool units_only;     /* restrict to `units` even when nunits is 0
				(an owner of no unit sees nothing) */
	const char *sort;    /* "last_seen" (default), "first_seen",
				"severity", "id", "event_count" */
	bool asc;            /* ascending; descending by default */
};

#define PS_CASE_FILTER_MAX_UNITS 64

/* Incident `id` into *out (release it). PS_ENOENT "no incident INC-...". */
int ps_case_get(struct ps_case_ctx *cx, int64_t id, struct ps_case *out,
		struct ps_diag *d) PS_MUST_USE;

typedef int (*ps_case_fn)(void *arg, const struct ps_case *c);
/* Call fn for each incident matching f (newest last_seen first, or by
 * f->sort; ties by id in the same direction). PS_EINVAL for an unknown
 * sort field or more than PS_CASE_FILTER_MAX_UNITS units. */
int ps_case_list(struct ps_case_ctx *cx, const struct ps_case_filter *f,
		 ps_case_fn fn, void *arg, struct ps_diag *d) PS_MUST_USE;
/* The number of incidents matching f (limit, offset and sort ignored). */
int ps_case_count(struct ps_case_ctx *cx, const struct ps_case_filter *f,
		  int64_t *n, struct ps_diag *d) PS_MUST_USE;

/* One clock row with where it stands at `now`. */
struct ps_case_clock {
	struct ps_inc_clock clock;       /* name, zh, policy, source: borrowed
					    from the policy */
	bool met;
	int64_t met_at;
	struct ps_inc_clock_status status;
};

struct ps_case_clocks {
	struct ps_case_clock c[PS_INC_CLOCK__COUNT];
	size_t n;
	bool any_overdue;
};

/* The clocks of an incident, computed from its facts and stored met times. */
int ps_case_clocks_get(struct ps_case_ctx *cx, const struct ps_case *c,
		       int64_t now, struct ps_case_clocks *out,
		       struct ps_diag *d) PS_MUST_USE;

struct ps_case_history {
	int64_t id, ts;
	const char *actor, *action, *from_state, *to_state, *reason, *details;
};
typedef int (*ps_case_history_fn)(void *arg, const struct ps_case_history *h);
int ps_case_history_list(struct ps_case_ctx *cx, int64_t id,
			 ps_case_history_fn fn, void *arg,
			 struct ps_diag *d) PS_MUST_USE;

/* Evidence: the ids of the incident's events, oldest first, up to limit. */
typedef int (*ps_case_event_fn)(void *arg, int64_t event_id, int64_t ts);
int ps_case_events_list(struct ps_case_ctx *cx, int64_t id, int64_t limit,
			ps_case_event_fn fn, void *arg,
			struct ps_diag *d) PS_MUST_USE;

/* ---- actions (each: history row + audit record, one transaction) ---- */

/*
 * Move incident `id` to `to` as req->who at req->when (state.h rules).
 * Entering rectified stamps rectified_at; entering closed/false_positive
 * /accepted_risk ends handling (handling_ended_at, once); accepted_risk
 * keeps req->expiry. PS_EINVAL with the state machine's reason, PS_ENOENT.
 */
int ps_case_move(struct ps_case_ctx *cx, int64_t id, enum ps_inc_state to,
		 const struct ps_inc_transition_req *req,
		 struct ps_diag *d) PS_MUST_USE;

/* Assign to `person` (a registry person key, checked): from new or
 * triaged the incident passes through triaged to assigned; from assigned
 * it is reassigned. */
int ps_case_assign(struct ps_case_ctx *cx, int64_t id, const char *person,
		   int64_t when, const char *why, struct ps_diag *d) PS_MUST_USE;

/* Append a note. */
int ps_case_note(struct ps_case_ctx *cx, int64_t id, const char *text,
		 int64_t when, struct ps_diag *d) PS_MUST_USE;

/* Mark clock `kind` met at `when` (e.g. the report to the regulator went out). */
int ps_case_clock_meet(struct ps_case_ctx *cx, int64_t id,
		       enum ps_inc_clock_kind kind, int64_t when,
		       struct ps_diag *d) PS_MUST_USE;

/* Set facts that drive level and clocks: a JSON object with any of the
 * ps_inc_level_facts names, "important_data", "own_product_vuln",
 * "vuln_first_known_at", "reporter", "rectify_severity". The level is
 * reclassified and the clocks recomputed. */
int ps_case_set_facts(struct ps_case_ctx *cx, int64_t id, const char *json,
		      int64_t when, struct ps_diag *d) PS_MUST_USE;

/* Check a facts object as ps_case_set_facts takes it and classify it,
 * without a store: PS_OK with *lv, or PS_EINVAL naming the fact. */
int ps_case_facts_check(const struct ps_policy *p, const char *json,
			struct ps_inc_level_result *lv, struct ps_diag *d) PS_MUST_USE;

/* Manual verification with evidence text: rectified -> verified. */
int ps_case_verify(struct ps_case_ctx *cx, int64_t id, const char *evidence,
		   int64_t when, struct ps_diag *d) PS_MUST_USE;

/* ---- jobs (run by `panshi case tick`, and before lists) ---- */

struct ps_case_tick_stats {
	int64_t auto_verified;  /* rectified, quiet period passed, no recurrence */
	int64_t risk_reopened;  /* accepted risk past its expiry */
	int64_t escalated;      /* clocks that went one step up the ladder */
};

int ps_case_tick(struct ps_case_ctx *cx, int64_t now,
		 struct ps_case_tick_stats *stats,
		 struct ps_diag *d) PS_MUST_USE;

#endif
