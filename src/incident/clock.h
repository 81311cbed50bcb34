/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The legal clocks of an incident: which reporting and rectification
 * deadlines apply to its facts, when each falls due, the policy id and
 * source behind it, and how an overdue clock escalates up a role ladder.
 *
 * Clocks (DOMAIN.md rules 19-24; every period from policy/):
 *   cac_report       level >= incident.cac2025.report_min_level: from
 *                    detected_at, incident.cac2025.{cii,state_organ,other}
 *                    _report_hours by reporter category
 *   cac_final_report the same levels, once handling has ended: from
 *                    handling_ended_at, incident.cac2025.final_report_days
 *                    (whole 24 h days)
 *   miit_report      level >= 一般: from detected_at,
 *                    incident.miit2017.report_sla_minutes
 *   vuln_report      a vulnerability in the operator's own product: from
 *                    vuln_first_known_at, vuln.report.sla_hours
 *   datasec_report   important or core data involved: from detected_at,
 *                    incident.datasec.report_sla_minutes
 *   rectification    a rectification severity is set: from rectify_from,
 *                    the days of incident.rectification.deadlines
 *
 * Boundaries: a clock met at or before its deadline is in time (the
 * deadline microsecond itself is in time); it is overdue when it is not
 * met and now > deadline. Overdue clocks escalate one role up
 * incident.escalation.ladder per step: step 1 from deadline + 1 µs, step
 * k from deadline + (k-1) * interval + 1 µs, capped at the ladder's top.
 * The interval is the CAC escalation value for cac_report
 * (cii_escalation_minutes, state_organ_escalation_hours or
 * provincial_escalation_hours) and incident.escalation.step_minutes for
 * every other clock. Times are µs UTC; ps_inc_clock_fmt() shows them in
 * Asia/Shanghai.
 */
#ifndef PS_INCIDENT_CLOCK_H
#define PS_INCIDENT_CLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "incident/level.h"
#include "policy/policy.h"

enum ps_inc_reporter {
	PS_INC_REPORTER_OTHER = 0,   /* "other": 4 h class */
	PS_INC_REPORTER_CII,         /* "cii": critical information infrastructure */
	PS_INC_REPORTER_STATE_ORGAN, /* "state_organ": central and state organs */
	PS_INC_REPORTER__COUNT
};

enum ps_inc_severity {
	PS_INC_SEV_NONE = 0, /* no rectification clock */
	PS_INC_SEV_LOW,
	PS_INC_SEV_MEDIUM,
	PS_INC_SEV_HIGH,
	PS_INC_SEV__COUNT
};

enum ps_inc_clock_kind {
	PS_INC_CLOCK_CAC_REPORT,
	PS_INC_CLOCK_CAC_FINAL,
	PS_INC_CLOCK_MIIT_REPORT,
	PS_INC_CLOCK_VULN_REPORT,
	PS_INC_CLOCK_DATASEC_REPORT,
	PS_INC_CLOCK_RECTIFY,
	PS_INC_CLOCK__COUNT
};

/* The facts clocks depend on. Instants are µs UTC. */
struct ps_inc_clock_facts {
	int64_t detected_at;           /* required, > 0 */
	enum ps_inc_level level;       /* from ps_inc_level_classify() */
	enum ps_inc_reporter reporter;
	bool own_product_vuln;         /* a vulnerability in our own product */
	int64_t vuln_first_known_at;   /* required (> 0) with own_product_vuln */
	bool important_data;           /* important or core data involved */
	bool handling_ended;
	int64_t handling_ended_at;     /* required (>= detected_at) when ended */
	enum ps_inc_severity severity; /* rectification severity */
	int64_t rectify_from;          /* 0: detected_at */
};

/* One clock. Strings are borrowed from the policy or are literals. */
struct ps_inc_clock {
	enum ps_inc_clock_kind kind;
	const char *name;      /* "cac_report" */
	const char *zh;        /* 网信部门事件报告 ... */
	int64_t start;
	int64_t deadline;
	const char *policy_id; /* the value or table giving the period */
	const char *source;    /* its source article */
	const char *status;    /* "confirmed", "interpretation", ... */
	const char *gate_id;   /* the policy id that made it apply, or NULL */
	int64_t step_us;       /* escalation interval, > 0 */
	const char *step_id;   /* policy id of the interval */
};

/* The clocks that apply, in enum order; n <= PS_INC_CLOCK__COUNT. */
struct ps_inc_clocks {
	struct ps_inc_clock c[PS_INC_CLOCK__COUNT];
	size_t n;
};

enum ps_inc_clock_state {
	PS_INC_CLOCK_PENDING,  /* not met, now <= deadline */
	PS_INC_CLOCK_MET,      /* met at or before the deadline */
	PS_INC_CLOCK_MET_LATE, /* met after the deadline */
	PS_INC_CLOCK_OVERDUE,  /* not met, now > deadline */
};

struct ps_inc_clock_status {
	enum ps_inc_clock_state state;
	int64_t late_us;        /* how far past the deadline (OVERDUE, MET_LATE) */
	unsigned step;          /* escalation steps taken; 0 unless OVERDUE */
	const char *role;       /* ladder role holding it: "owner", "unit_head", ... */
	const char *role_title; /* 责任人, 单位负责人, ... */
};

/* Names: "other", "cii", "state_organ"; "none", "low", "medium", "high";
 * "cac_report", ...; "pending", "met", "met_late", "overdue". "unknown"
 * for out-of-range values. */
const char *ps_inc_reporter_name(enum ps_inc_reporter r);
const char *ps_inc_severity_name(enum ps_inc_severity s);
const char *ps_inc_clock_kind_name(enum ps_inc_clock_kind k);
const char *ps_inc_clock_state_name(enum ps_inc_clock_state s);
/* Parse the names above; PS_EINVAL with `d` listing them otherwise. */
int ps_inc_reporter_parse(const char *s, enum ps_inc_reporter *out,
			  struct ps_diag *d) PS_MUST_USE;
int ps_inc_severity_parse(const char *s, enum ps_inc_severity *out,
			  struct ps_diag *d) PS_MUST_USE;

/*
 * Every clock that applies to `f`, read from `p` (borrowed; `out` points
 * into it). PS_OK, or PS_EINVAL naming the field ("invalid incident facts:
 * 'detected_at' is required") or the policy id that is missing or bad, or
 * a deadline beyond the int64 range. `*out` is cleared first. Thread-safe.
 */
int ps_inc_clocks_compute(const struct ps_policy *p,
			  const struct ps_inc_clock_facts *f,
			  struct ps_inc_clocks *out,
			  struct ps_diag *d) PS_MUST_USE;
/* The clock of kind `k` in `cs`, or NULL when it does not apply. */
const struct ps_inc_clock *ps_inc_clocks_find(const struct ps_inc_clocks *cs,
					      enum ps_inc_clock_kind k);

/*
 * Where clock `c` stands at `now`, given whether and when it was met, and
 * who holds it on incident.escalation.ladder of `p`. PS_OK, or PS_EINVAL
 * when the ladder is missing or malformed (named in `d`).
 */
int ps_inc_clock_check(const struct ps_policy *p, const struct ps_inc_clock *c,
		       bool met, int64_t met_at, int64_t now,
		       struct ps_inc_clock_status *out,
		       struct ps_diag *d) PS_MUST_USE;

/*
 * "cac_report 网信部门事件报告: due 2026-01-01T09:00:00+08:00
 * (incident.cac2025.cii_report_hours, <source>)" into `buf`. PS_OK or
 * PS_ELIMIT when it does not fit (truncated, NUL-terminated).
 */
int ps_inc_clock_fmt(const struct ps_inc_clock *c, char *buf,
		     size_t len) PS_MUST_USE;

#endif
