/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals shared by the calendar engine's two files: the computation
 * context, the periodic evaluator's types and small date and text helpers.
 * calendar.c holds the core and the unit rules, calendar_rules.c the rest.
 */
#ifndef PS_REGISTRY_CALENDAR_INT_H
#define PS_REGISTRY_CALENDAR_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/timeutil.h"
#include "policy/policy.h"
#include "registry/calendar.h"
#include "registry/registry.h"

enum cal_wmode { CAL_ROLLING, CAL_CALENDAR };

/* A level-driven periodic duty: protection.evaluation, iov.evaluation, ... */
struct cadence {
	const char *prefix; /* "protection.evaluation" */
	int64_t annual_min, biennial_min, annual_years, biennial_years;
	enum cal_wmode mode;
	char id_mode[80]; /* policy id of the window mode */
};

/*
 * One computation: the borrowed input, policy and result, and the policy
 * values read once by pol_load(). Errors go to `d`; `out` only grows.
 */
struct cal {
	const struct ps_cal_input *in;
	const struct ps_policy *pol;
	struct ps_cal_options opt;
	struct ps_date as_of;
	struct ps_cal_result *out;
	struct ps_diag *d;
	const struct ps_reg_kind *catk;
	int64_t level_min, level_max;
	int64_t filing_days, change_days;
	struct cadence prot_eval, prot_risk, iov_eval;
	enum cal_wmode iie_mode;
	const struct ps_policy_table *iie_levels, *data_levels;
	int64_t major_pct, change_months, dr_validity, log_min_days;
	int64_t drills_min, train_hours, train_ds_min, icp_days, crypto_min;
	bool drills_both;
	enum cal_wmode drills_mode, train_mode;
};

/* A dated occurrence (an assessment, a drill, class hours) and its amount. */
struct occ {
	struct ps_date d;
	int64_t w;
};

struct occs {
	struct occ *v;
	size_t n, cap;
};

/* What a periodic duty needs, and what it found. */
struct per {
	int64_t need;
	int years;
	enum cal_wmode mode;
	struct ps_date base;
};

struct per_res {
	enum ps_cal_status st;
	struct ps_date due, done, last;
	bool history;       /* the need was met at some point */
	int64_t cur;        /* amount in the current window */
};

/* How a periodic duty is described: what it counts and where it starts. */
struct pdesc {
	const char *noun_en, *noun_zh;  /* "conformity evaluation", "符合性评测" */
	const char *base_en, *base_zh;  /* "grading review", "定级评审" */
	bool amounts;                   /* describe sums ("2.5 of 4 class hours") */
	bool centi;                     /* amounts are hundredths */
	const char *unit_en, *unit_zh;  /* "class hours", "学时" */
};


/* What an obligation is about and who owns it; `pol` ids end at NULL. */
struct duty {
	const char *rule;
	const char *skind, *skey, *sname, *unit_key, *op, *person;
	const char *pol[PS_CAL_POLICY_MAX];
};


struct cal_dstr {
	char s[PS_DATE_FMT_SIZE];
};

/* "YYYY-MM-DD", or "?" for an unset date; valid to the end of the full
 * expression that calls it (C11 6.2.4p8). */
static inline struct cal_dstr cal_d(struct ps_date d)
{
	struct cal_dstr r;

	if (!ps_cal_date_has(d) || ps_date_fmt(d, r.s, sizeof(r.s)) != PS_OK)
		snprintf(r.s, sizeof(r.s), "?");
	return r;
}

static const struct ps_date cal_no_date;

static inline struct ps_date cal_ymd(int32_t y, int m, int dd)
{
	struct ps_date r = {y < 0 ? 0 : y > PS_DATE_YEAR_MAX ? PS_DATE_YEAR_MAX : y,
			    (uint8_t)m, (uint8_t)dd};
	return r;
}

static const struct ps_date cal_last_date = {PS_DATE_YEAR_MAX, 12, 31};

/* Date arithmetic that saturates at the ends of years 0000..9999. */
static inline struct ps_date cal_add_days(struct ps_date d, int64_t n)
{
	struct ps_date r;

	if (ps_date_add_days(d, n, &r) != PS_OK)
		return n < 0 ? cal_ymd(0, 1, 1) : cal_last_date;
	return r;
}

static inline struct ps_date cal_add_months(struct ps_date d, int64_t n)
{
	struct ps_date r;

	if (n > 120000 || ps_date_add_months(d, (int32_t)n, &r) != PS_OK)
		return n < 0 ? cal_ymd(0, 1, 1) : cal_last_date;
	return r;
}

static inline struct ps_date cal_add_years(struct ps_date d, int64_t n)
{
	struct ps_date r;

	if (n > 10000 || n < -10000 || ps_date_add_years(d, (int32_t)n, &r) != PS_OK)
		return n < 0 ? cal_ymd(0, 1, 1) : cal_last_date;
	return r;
}

static inline int cal_cmp(struct ps_date a, struct ps_date b)
{
	return ps_date_cmp(a, b);
}

/* A recorded date on or before as_of. */
static inline bool cal_by(const struct cal *c, struct ps_date d)
{
	return ps_cal_date_has(d) && cal_cmp(d, c->as_of) <= 0;
}

static inline bool cal_eq(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

static inline const char *cal_nz(const char *s)
{
	return s != NULL ? s : "";
}

void ps_cal_text_add(char *buf, const char *fmt, ...) PS_PRINTF(2, 3);

#define EN(it, ...) ps_cal_text_add((it)->expl_en, __VA_ARGS__)
#define ZH(it, ...) ps_cal_text_add((it)->expl_zh, __VA_ARGS__)

/* A new item for `du` with subject, owner and policy sources; NULL on ENOMEM. */
struct ps_cal_item *ps_cal_duty_item(struct cal *c, const struct duty *du);
const struct ps_cal_person *ps_cal_find_person(const struct cal *c, const char *key);
/* Status of a one-shot duty due `due` (may be unset), done on `done` (unset:
 * not done by as_of), and the tail of its explanation. */
void ps_cal_one_shot(const struct cal *c, struct ps_cal_item *it, struct ps_date due,
		     struct ps_date done);
void ps_cal_one_shot_tail(const struct cal *c, struct ps_cal_item *it,
			  const char *what_en, const char *what_zh);
int ps_cal_occ_add(struct occs *o, struct ps_date d, int64_t w) PS_MUST_USE;
/* A periodic duty counting assessments of the subject of kind `akind`. */
int ps_cal_assess_duty(struct cal *c, const struct duty *du, const char *akind,
		       bool by_report, const struct per *p, const struct pdesc *x) PS_MUST_USE;
/* A periodic duty over collected occurrences (sorted here). */
int ps_cal_count_duty(struct cal *c, const struct duty *du, struct occs *o,
		      const struct per *p, const struct pdesc *x) PS_MUST_USE;

/* calendar_rules.c */
int ps_cal_rule_catalog_change(struct cal *c, const struct ps_cal_catalog *e) PS_MUST_USE;
int ps_cal_rule_training_hours(struct cal *c, const struct ps_cal_person *pe) PS_MUST_USE;
int ps_cal_rule_icp(struct cal *c, const struct ps_cal_icp *x) PS_MUST_USE;
/* Every duty of an operator: catalogue, data risk, drills, training, logs, crypto. */
int ps_cal_rules_operator(struct cal *c, const struct ps_cal_operator *op) PS_MUST_USE;
int ps_cal_rules_campaigns(struct cal *c) PS_MUST_USE;

#endif
