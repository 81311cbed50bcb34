/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The national event level (一般/较大/重大/特别重大) of an incident from
 * its facts, using the MIIT 2017 plan table and the CAC 2025 annex
 * thresholds in policy (DOMAIN.md rules 20 and 22).
 *
 * Every trigger compares with ">=" (以上 includes the number), any one
 * trigger suffices and the highest matching level wins; on a tie the
 * first trigger is reported, in the order of struct ps_inc_level_facts
 * (MIIT leaked users, MIIT outage scope, then the CAC columns). Optional
 * CAC columns absent from the policy are no trigger. A fact that is not
 * known never matches: unknown is not zero. Scopes are ordered none <
 * prefecture < province < several_provinces < national, and a scope at or
 * above the row's matches (portal and population triggers need both their
 * count and their scope).
 */
#ifndef PS_INCIDENT_LEVEL_H
#define PS_INCIDENT_LEVEL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "policy/policy.h"

/* The level's value is its rank in the policy tables. */
enum ps_inc_level {
	PS_INC_LEVEL_NONE = 0,     /* no threshold met */
	PS_INC_LEVEL_GENERAL = 1,  /* 一般 */
	PS_INC_LEVEL_LARGER = 2,   /* 较大 */
	PS_INC_LEVEL_MAJOR = 3,    /* 重大 */
	PS_INC_LEVEL_CRITICAL = 4, /* 特别重大 */
	PS_INC_LEVEL__COUNT
};

/* Geographic scope; UNKNOWN (0) never matches a threshold. */
enum ps_inc_scope {
	PS_INC_SCOPE_UNKNOWN = 0,
	PS_INC_SCOPE_NONE,
	PS_INC_SCOPE_PREFECTURE,
	PS_INC_SCOPE_PROVINCE,
	PS_INC_SCOPE_SEVERAL_PROVINCES,
	PS_INC_SCOPE_NATIONAL,
	PS_INC_SCOPE__COUNT
};

/* A count that may be unknown; `v` is read only when `known`. */
struct ps_inc_count {
	bool known;
	int64_t v;
};

/*
 * What is known about an incident. A zeroed struct knows nothing. Counts
 * must not be negative; minutes are whole minutes, money whole yuan.
 */
struct ps_inc_level_facts {
	/* MIIT 2017 plan */
	struct ps_inc_count leaked_users;   /* users whose data leaked */
	enum ps_inc_scope outage_scope;     /* where users cannot get online */
	/* CAC 2025 annex */
	enum ps_inc_scope portal_scope;     /* level of the body whose portal is down */
	struct ps_inc_count portal_down_minutes;
	struct ps_inc_count cii_total_down_minutes;
	struct ps_inc_count cii_main_function_down_minutes;
	enum ps_inc_scope population_area;  /* area of the affected population */
	struct ps_inc_count population_share_percent;
	struct ps_inc_count people_affected;
	struct ps_inc_count pi_leaked_people;
	struct ps_inc_count direct_loss_cny;
	struct ps_inc_count defacement_homepage_minutes;
	struct ps_inc_count defacement_other_page_minutes;
	struct ps_inc_count defacement_reposts;
	struct ps_inc_count defacement_views;
};

/* The level and the trigger that set it, for the incident report. */
struct ps_inc_level_result {
	enum ps_inc_level level;
	const char *table;  /* policy table id; NULL when level is NONE */
	const char *source; /* the table's source article, borrowed */
	const char *fact;   /* "leaked_users", "outage_scope", ... */
	const char *column; /* the table column compared */
	int64_t value;      /* the fact's value (count triggers) */
	int64_t threshold;  /* the row's minimum (count triggers) */
	enum ps_inc_scope scope;     /* the fact's scope (scope triggers) */
	enum ps_inc_scope scope_min; /* the row's scope (scope triggers) */
	/* "incident.miit2017.levels 较大: leaked_users 1000000 >= 1000000";
	 * "none: no threshold met" */
	char rule[256];
};

/* "none", "general", "larger", "major", "critical"; "unknown". */
const char *ps_inc_level_name(enum ps_inc_level l);
/* "无", "一般", "较大", "重大", "特别重大"; "未知". */
const char *ps_inc_level_zh(enum ps_inc_level l);
/* English name (case-insensitive) or Chinese label; PS_EINVAL otherwise,
 * `*out` untouched. */
int ps_inc_level_parse(const char *s, enum ps_inc_level *out,
		       struct ps_diag *d) PS_MUST_USE;
/* "unknown", "none", "prefecture", "province", "several_provinces",
 * "national" (the policy's mode keywords). */
const char *ps_inc_scope_name(enum ps_inc_scope s);
/* The names above except "unknown"; PS_EINVAL otherwise. */
int ps_inc_scope_parse(const char *s, enum ps_inc_scope *out,
		       struct ps_diag *d) PS_MUST_USE;

/*
 * Classify `f` with the tables incident.miit2017.levels and
 * incident.cac2025.thresholds of `p` (borrowed; `out` points into it).
 * PS_OK with out->level NONE when no threshold is met; PS_EINVAL when a
 * fact is invalid ("invalid incident facts: 'leaked_users' must not be
 * negative") or a table is malformed (named in `d`). Thread-safe.
 */
int ps_inc_level_classify(const struct ps_policy *p,
			  const struct ps_inc_level_facts *f,
			  struct ps_inc_level_result *out,
			  struct ps_diag *d) PS_MUST_USE;

#endif
