/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The compliance calendar: every obligation of the registered operators,
 * units, enterprises, people and data, with its due date and status as of
 * a given date, computed from the records and the policy and never stored.
 * The engine (calendar.c) is pure: plain structs in, obligations out;
 * calendar_load.c builds its input from the registry.
 *
 * STATUS. Each obligation (a rule applied to one subject) has one status:
 *
 *   done      satisfied for the current period: a one-shot duty was
 *             performed on or before as_of (possibly late, see `late`); a
 *             periodic duty's last occurrence still covers as_of.
 *   upcoming  done, but the next occurrence falls due within
 *             `upcoming_days` of as_of (0 <= due - as_of <= upcoming_days).
 *   due       not satisfied and due >= as_of, or no due date can be
 *             computed yet (then `due` is unset and the explanation says
 *             what to record).
 *   overdue   not satisfied and due < as_of. Standing requirements without
 *             a date (log retention below the minimum) are overdue while
 *             violated, with `due` unset.
 *
 * The due date itself is in time: a filing made on review + 30 days is
 * done and not late; as_of equal to the due date is "due" (or "done" /
 * "upcoming" for a covered periodic duty); the day after is "overdue".
 * Records dated after as_of do not exist yet: a filing dated later is not
 * done, an assessment dated later does not count, and a duty whose trigger
 * (grading review, change, ...) is later has no obligation.
 *
 * PERIODIC DUTIES (evaluations, risk assessments, drills, training) need an
 * amount `need` (1 evaluation, 4 class hours, 1 drill) within a window of
 * `n` years (1 or 2). Two readings exist (rules 4-5: "每年至少一次"):
 *
 *   rolling        the window is [as_of - n years, as_of], both ends
 *                  included, with ps_date_add_years (Feb 29 + 1 year =
 *                  Feb 28). Let c be the latest date such that the
 *                  occurrences on [c, as_of] reach `need` (for one
 *                  evaluation: the last one). Then next due = c + n years;
 *                  done while as_of <= next due, overdue after. The window
 *                  thus spans 365 days, or 366 when a Feb 29 falls in
 *                  (c, c + 1 year] (2023-03-01 -> 2024-03-01 is 366 days,
 *                  2024-02-29 -> 2025-02-28 is 365), and 730/731 for 2
 *                  years.
 *   calendar_year  whole calendar years: the window of year Y is
 *                  [Jan 1 of Y-n+1, Dec 31 of Y]. Done when the window of
 *                  as_of's year reached `need` by as_of (next due: Dec 31
 *                  of the first later year whose window would not); due
 *                  (Dec 31 of as_of's year) when not yet, but the window of
 *                  the year before was met; overdue when that was missed
 *                  too, with due = Dec 31 of the first missed year after
 *                  the last met window. When no window was ever met, the
 *                  first due date below decides between due and overdue.
 *
 * With no satisfying history the first occurrence is due from the duty's
 * start (`base`): rolling, base + n years; calendar_year, Dec 31 of
 * year(base) + n - 1 (a yearly duty is due in the year it starts). Units
 * start at their grading review date, else their filing date; industrial
 * enterprises at grading, else filing; connected-vehicle systems at
 * filing; operators and people when their record was created; the data
 * risk assessment when the first important/core catalogue entry was. A
 * base after as_of means the duty has not started: units, enterprises and
 * vehicle systems then have no obligation yet. Without a base the first
 * occurrence is due with no date (rolling) or by Dec 31 of as_of's year
 * (calendar_year): past years are not judged.
 *
 * Every rule, its trigger, due date and completion test is listed with
 * ps_cal_compute() below. Strings in the result borrow from the input and
 * the policy, which must outlive it. Not thread-safe per result; distinct
 * results may be computed in parallel over a shared input and policy.
 */
#ifndef PS_REGISTRY_CALENDAR_H
#define PS_REGISTRY_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/timeutil.h"

struct ps_policy;
struct ps_registry;

/* ---- input: one plain struct per record kind -------------------------------------- */

/*
 * Dates are struct ps_date; month 0 (a zeroed date) means "not recorded".
 * Every recorded date must be a real date: ps_cal_compute() refuses others
 * naming the record and field. Strings may be NULL when empty, except keys.
 */
static inline bool ps_cal_date_has(struct ps_date d)
{
	return d.month != 0;
}

struct ps_cal_operator {
	const char *key;
	const char *name;
	const char *province;     /* campaign scope; NULL when not recorded */
	bool has_log_retention;   /* log_retention_days recorded */
	int64_t log_retention_days;
	struct ps_date since;     /* record created: base of yearly duties */
	bool names_only;          /* loaded to name owners: no duties of its own */
};

struct ps_cal_person {
	const char *key;
	const char *name;
	const char *operator;     /* operator of the person's department */
	bool security_staff;      /* the yearly training hours apply */
	struct ps_date left_date; /* on or before as_of: no more duties */
	struct ps_date since;     /* record created */
	bool names_only;          /* loaded to name owners: no duties of its own */
};

struct ps_cal_unit {
	const char *key;
	const char *name;
	const char *operator;
	const char *person;       /* responsible person, may be NULL */
	int level;                /* protection level (integer part) */
	struct ps_date review_date;  /* grading review passed */
	struct ps_date filing_date;  /* filing submitted */
	bool filing_rejected;     /* filing_status "rejected": not done */
	struct ps_date retired_date; /* on or before as_of: no more duties */
};

struct ps_cal_unit_change {
	const char *key;
	const char *unit;
	const char *reason;
	struct ps_date change_date;
	struct ps_date filed_date;
};

struct ps_cal_iie {
	const char *key;
	const char *name;
	const char *operator;     /* may be NULL */
	const char *level;        /* label of industrial.levels: 一级 二级 三级 */
	struct ps_date grading_date;
	struct ps_date filing_date;
};

struct ps_cal_iov {
	const char *key;
	const char *name;
	const char *operator;
	int level;
	struct ps_date filing_date;
};

struct ps_cal_assessment {
	const char *key;
	const char *target_kind;  /* "unit", "iie", "iov", "operator" */
	const char *target;       /* key of the record assessed */
	const char *kind;         /* "conformity", "risk", "data_risk"; others ignored */
	struct ps_date date;      /* completed */
	struct ps_date report_date; /* report first issued (data risk validity) */
};

/*
 * A data-catalogue entry. `vals` holds the current values in the field
 * order of the "catalog" kind (kinds.c), NULL entries for empty ones, or
 * is NULL when there is nothing to compare; `filed_values` is the JSON
 * object of the filed fields kept at filing ("records": "1000", ...; numbers
 * and booleans are accepted too), NULL when never filed.
 */
struct ps_cal_catalog {
	const char *key;
	const char *operator;
	const char *name;
	const char *level;        /* label of datasec.levels: 一般 重要 核心 */
	struct ps_date created;   /* record created: when the data was recorded */
	struct ps_date filed_date;
	struct ps_date change_date;
	const char *filed_values;
	const char *const *vals;
};

struct ps_cal_training {
	const char *key;
	const char *person;
	struct ps_date date;
	int64_t centihours;       /* class hours x 100 ("1.5" -> 150) */
	bool data_security;
};

struct ps_cal_drill {
	const char *key;
	const char *operator;
	const char *kind;         /* "process" or "live" */
	struct ps_date date;
};

struct ps_cal_icp {
	const char *key;
	const char *operator;     /* access provider; may be NULL */
	const char *filing_no;
	const char *domain;
	struct ps_date change_date;
	struct ps_date change_filed_date;
};

struct ps_cal_crypto {
	const char *key;
	const char *operator;
	const char *system;
};

/*
 * The records the calendar reads. Arrays may be NULL when their count is
 * 0. `own` is set by ps_cal_load() (storage behind the arrays and their
 * strings) and released by ps_cal_input_release(); inputs built by hand
 * leave it NULL.
 */
struct ps_cal_input {
	const struct ps_cal_operator *operators;
	size_t n_operators;
	const struct ps_cal_person *persons;
	size_t n_persons;
	const struct ps_cal_unit *units;
	size_t n_units;
	const struct ps_cal_unit_change *changes;
	size_t n_changes;
	const struct ps_cal_iie *iies;
	size_t n_iies;
	const struct ps_cal_iov *iovs;
	size_t n_iovs;
	const struct ps_cal_assessment *assessments;
	size_t n_assessments;
	const struct ps_cal_catalog *catalogs;
	size_t n_catalogs;
	const struct ps_cal_training *trainings;
	size_t n_trainings;
	const struct ps_cal_drill *drills;
	size_t n_drills;
	const struct ps_cal_icp *icps;
	size_t n_icps;
	const struct ps_cal_crypto *cryptos;
	size_t n_cryptos;
	void *own;
};

/* ---- options and output ------------------------------------------------------------ */

enum ps_cal_mode {
	PS_CAL_MODE_POLICY,        /* each rule's *.window_mode from the policy */
	PS_CAL_MODE_ROLLING,
	PS_CAL_MODE_CALENDAR_YEAR,
};

struct ps_cal_options {
	enum ps_cal_mode mode;     /* override of every window mode */
	int64_t upcoming_days;     /* "upcoming" window; 0 turns it off; default 30 */
	/* Campaign deadlines more than this many days before as_of are history
	 * and left out; default 365. */
	int64_t campaign_past_days;
};

void ps_cal_options_default(struct ps_cal_options *o);

/* Sort order too: overdue, due, upcoming, done. */
enum ps_cal_status {
	PS_CAL_OVERDUE,
	PS_CAL_DUE,
	PS_CAL_UPCOMING,
	PS_CAL_DONE,
	PS_CAL_STATUS__COUNT
};

#define PS_CAL_RULE_MAX 96
#define PS_CAL_POLICY_MAX 5
#define PS_CAL_TEXT_MAX 400

/*
 * One obligation. Pointers borrow from the input and the policy. Dates with
 * month 0 are unset: `due` (no date can be computed), `done` (the date the
 * duty was satisfied, for done and upcoming), `last` (the latest
 * occurrence, whether or not it still counts).
 */
struct ps_cal_item {
	char rule[PS_CAL_RULE_MAX];  /* "protection.filing", "campaign.js2024.protection_filing" */
	const char *title_en;
	const char *title_zh;
	const char *subject_kind;    /* a registry kind name: "unit", "operator", ... */
	const char *subject_key;
	const char *subject_name;
	const char *unit_key;        /* the unit of unit and unit_change subjects */
	const char *operator_key;    /* owner; NULL when unknown (an iie without one) */
	const char *operator_name;
	const char *person_key;      /* responsible person when recorded */
	const char *person_name;
	enum ps_cal_status status;
	struct ps_date due;
	struct ps_date done;
	struct ps_date last;
	bool late;                   /* done after its due date (one-shot duties) */
	bool manual;                 /* status from the date only: check by hand */
	size_t n_policy;
	const char *policy_id[PS_CAL_POLICY_MAX];     /* values and tables used */
	const char *policy_source[PS_CAL_POLICY_MAX]; /* "MIIT Order 11 Art. 8 ..." */
	char expl_en[PS_CAL_TEXT_MAX];
	char expl_zh[PS_CAL_TEXT_MAX];
};

struct ps_cal_result {
	struct ps_cal_item *items;
	size_t n;
	size_t cap;
};

/*
 * Compute every obligation of `in` as of `as_of` into `out` (zeroed by the
 * caller; released with ps_cal_result_release), sorted: overdue, due,
 * upcoming, done; within a status by due date (undated last), rule and
 * subject key. `opt` NULL means the defaults.
 *
 * Rules (policy ids in brackets; "active" units: no retired_date <= as_of):
 *
 *  protection.filing          each active unit whose review_date <= as_of
 *     (also without one: due, no date). Due review_date +
 *     [protection.filing.deadline_days]; done when filing_date <= as_of and
 *     the filing is not rejected; late when filing_date > due.
 *  protection.change_filing   each change of an active unit, change_date
 *     <= as_of. Due change_date + [protection.change_filing.deadline_days];
 *     done when filed_date is within [change_date, as_of].
 *  protection.evaluation, protection.risk_assessment   each active unit of
 *     level >= [*.biennial_min_level]: every [*.annual_interval_years]
 *     from [*.annual_min_level] up, else every [*.biennial_interval_years];
 *     below: none. Occurrences: assessments of the unit of kind conformity
 *     (risk). Periodic, mode [*.window_mode], base as above.
 *  industrial.evaluation      each iie whose level row in [industrial.levels]
 *     has evaluation_interval_years > 0: periodic with that interval, mode
 *     [industrial.evaluation.window_mode], conformity assessments of the iie.
 *  iov.evaluation, iov.risk_assessment   each iov, levels and intervals from
 *     [iov.evaluation.*], mode [iov.evaluation.window_mode].
 * Operator duties (the datasec.* rules below except catalogue_change, drills,
 * training.data_security, logs, crypto and campaigns) apply to operators
 * the registry manages: with at least one unit, enterprise, vehicle system,
 * catalogue entry, person, drill, ICP filing or crypto record. Others (an
 * inspection population, say) have none; nor have operators loaded
 * names_only.
 *
 *  datasec.catalogue          each operator with a catalogue entry whose
 *     level has catalogue_required in [datasec.levels]: done when every such
 *     entry has filed_date <= as_of (done on the latest). Otherwise due
 *     at once: due = the earliest `created` of the unfiled entries (as_of
 *     when unknown), so it is "due" on that day and overdue after.
 *  datasec.catalogue_change   each filed entry with filed_values. Major
 *     change: a PS_REG_F_SCALE field with |new - old| * 100 >= pct * old
 *     ([datasec.change.major_scale_percent], inclusive, exact integers,
 *     storage in hundredths), or any other PS_REG_F_FILED field differing
 *     from its filed value. Due change_date (its trigger; unset: no date) +
 *     [datasec.change.filing_deadline_months] months (month-end clamped);
 *     done when filed_date is within [change_date, as_of]. A filed change
 *     whose values were taken over (no difference left, filed_date >=
 *     change_date) is listed as done. Minor changes create no obligation.
 *  datasec.risk_assessment    each operator with catalogue_required data:
 *     the latest data_risk assessment of the operator by report_date (else
 *     date) <= as_of is valid through start + [datasec.risk_assessment.
 *     validity_years] (inclusive); overdue after. None: due at the earliest
 *     such entry's created + validity (no date when unknown).
 *  drills.yearly              each operator: [drills.min_per_year] drills per
 *     year, periodic with n = 1 in [drills.window_mode]; with
 *     [drills.require_both_kinds] two obligations, drills.yearly.process and
 *     drills.yearly.live, each counting its kind.
 *  training.hours             each security_staff person not left: class
 *     hours >= [training.hours_per_person_year] per year, summed, mode
 *     [training.window_mode].
 *  training.data_security     each operator: [training.data_security_min_per_year]
 *     data-security trainings of its people per year, counted once per date.
 *  datasec.logs.retention     each operator: done when log_retention_days >=
 *     [datasec.logs.retention_min_days]; overdue (no date) when below; due
 *     (no date) when not recorded.
 *  filing.icp.change          each ICP filing with change_date <= as_of: due
 *     + [filing.icp.change_deadline_days]; done when change_filed_date is
 *     within [change_date, as_of].
 *  practice.commercial_crypto each operator: done with at least
 *     [practice.commercial_crypto.min_systems] distinct systems; due (no
 *     date) below.
 *  campaign.<c>.<task>        each row of a policy table campaign.<c>.deadlines
 *     whose deadline >= as_of - campaign_past_days, for each operator whose
 *     province starts with campaign.<c>.province (when that value exists;
 *     operators without a province are included and told so) and to which
 *     the task applies: protection_filing (its active units reviewed by the
 *     deadline all filed), iov_filing, datasec_catalogue (catalogue entries
 *     filed), datasec_risk_assessment (a data risk assessment within the
 *     validity before the deadline): status from the records; other tasks
 *     (protection_reports, datasec_self_check, unknown ones) `manual`, due
 *     or overdue from the deadline alone; regulator tasks
 *     (inspection_summary) are left out.
 *
 * Returns PS_OK; PS_EINVAL when the input or the policy is invalid, `d`
 * naming the record and field ("unit 'U-1': field 'level': 7 is outside
 * 1..5 (policy protection.level.min/max)") or the policy id; PS_ENOMEM.
 * On error `out` is left empty.
 */
int ps_cal_compute(const struct ps_cal_input *in, const struct ps_policy *pol,
		   struct ps_date as_of, const struct ps_cal_options *opt,
		   struct ps_cal_result *out, struct ps_diag *d) PS_MUST_USE;
void ps_cal_result_release(struct ps_cal_result *r);

/* "overdue", "due", "upcoming", "done"; and back (PS_EINVAL otherwise). */
const char *ps_cal_status_name(enum ps_cal_status s);
int ps_cal_status_parse(const char *s, enum ps_cal_status *out) PS_MUST_USE;
/* "rolling" / "calendar_year" (PS_EINVAL otherwise; "policy" is refused). */
int ps_cal_mode_parse(const char *s, enum ps_cal_mode *out) PS_MUST_USE;

/* ---- loading from the registry (calendar_load.c) ------------------------------------ */

/* Restrict a load: NULL fields load everything. */
struct ps_cal_filter {
	const char *unit;      /* only this unit, its changes and assessments */
	const char *operator;  /* only this operator's records */
};

/*
 * Read the records the calendar needs from the registry into `in` (zeroed
 * by the caller), converting text to dates and numbers. A stored value
 * that does not convert is refused with PS_EINVAL and `d` naming the record
 * and field. With filter->unit, the unit's operator and person are loaded
 * names_only. PS_ENOENT when the filtered unit or operator does not exist.
 * Also PS_EDB, PS_ENOMEM. Release `in` with ps_cal_input_release() in all
 * cases.
 */
int ps_cal_load(struct ps_registry *r, const struct ps_cal_filter *f,
		struct ps_cal_input *in, struct ps_diag *d) PS_MUST_USE;
void ps_cal_input_release(struct ps_cal_input *in);

#endif
