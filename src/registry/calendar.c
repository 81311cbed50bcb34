/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The compliance-calendar engine: applies the rules of calendar.h to plain
 * input structs and the policy, producing dated obligations with status,
 * sources and explanations. Pure computation: no store, no clock, no I/O. This file
 * holds the core and the network-unit rules, calendar_rules.c the others.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "policy/policy.h"
#include "registry/calendar.h"
#include "registry/calendar_int.h"
#include "registry/registry.h"

/* ---- texts ---------------------------------------------------------------------------- */

static const struct {
	const char *rule, *en, *zh;
} titles[] = {
	{"protection.filing", "unit filing", "网络单元定级备案"},
	{"protection.change_filing", "unit change filing", "网络单元变更备案"},
	{"protection.evaluation", "conformity evaluation", "符合性评测"},
	{"protection.risk_assessment", "security risk assessment", "安全风险评估"},
	{"industrial.evaluation", "industrial-internet security evaluation",
	 "工业互联网企业网络安全评估"},
	{"iov.evaluation", "connected-vehicle conformity evaluation", "车联网符合性评测"},
	{"iov.risk_assessment", "connected-vehicle risk assessment", "车联网安全风险评估"},
	{"datasec.catalogue_change", "data catalogue change filing", "数据目录变更备案"},
	{"datasec.catalogue", "important/core data catalogue filing", "重要数据和核心数据目录备案"},
	{"datasec.risk_assessment", "data security risk assessment", "数据安全风险评估"},
	{"datasec.logs.retention", "log retention", "日志留存"},
	{"drills.yearly.process", "yearly process drill", "年度流程（桌面）演练"},
	{"drills.yearly.live", "yearly live drill", "年度实战演练"},
	{"drills.yearly", "yearly drill", "年度应急演练"},
	{"training.hours", "security training hours", "安全培训学时"},
	{"training.data_security", "data-security training", "数据安全培训"},
	{"filing.icp.change", "ICP filing change", "ICP备案变更"},
	{"practice.commercial_crypto", "commercial cryptography in use", "商用密码应用"},
	{"campaign.", "campaign deadline", "专项行动时限"},
};
void ps_cal_text_add(char *buf, const char *fmt, ...)
{
	size_t len = strlen(buf);
	va_list ap;

	if (len + 1 >= PS_CAL_TEXT_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + len, PS_CAL_TEXT_MAX - len, fmt, ap);
	va_end(ap);
}

/* Class hours in hundredths as "4", "2.5", "0.25". */
static void fmt_centi(int64_t v, char *out, size_t n)
{
	if (v % 100 == 0)
		snprintf(out, n, "%lld", (long long)(v / 100));
	else if (v % 10 == 0)
		snprintf(out, n, "%lld.%lld", (long long)(v / 100), (long long)(v % 100 / 10));
	else
		snprintf(out, n, "%lld.%02lld", (long long)(v / 100), (long long)(v % 100));
}

/* ---- result ----------------------------------------------------------------------------- */

static struct ps_cal_item *item_new(struct cal *c, const char *rule)
{
	struct ps_cal_result *r = c->out;
	struct ps_cal_item *it;

	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		struct ps_cal_item *p = ps_reallocarray(PS_MEM_REGISTRY, r->items, cap,
							sizeof(*p));

		if (p == NULL)
			return NULL;
		r->items = p;
		r->cap = cap;
	}
	it = &r->items[r->n++];
	memset(it, 0, sizeof(*it));
	snprintf(it->rule, sizeof(it->rule), "%s", rule);
	for (size_t i = 0; i < PS_ARRAY_LEN(titles); i++) {
		if (strncmp(rule, titles[i].rule, strlen(titles[i].rule)) == 0) {
			it->title_en = titles[i].en;
			it->title_zh = titles[i].zh;
			break;
		}
	}
	return it;
}

/* Record that `it` used policy value or table `id`, with its source. */
static void item_pol(struct cal *c, struct ps_cal_item *it, const char *id)
{
	const struct ps_policy_value *v = ps_policy_value_get(c->pol, id);
	const struct ps_policy_table *t = v ? NULL : ps_policy_table_get(c->pol, id);

	if (it->n_policy == PS_CAL_POLICY_MAX || (v == NULL && t == NULL))
		return;
	it->policy_id[it->n_policy] = v ? v->id : t->id;
	it->policy_source[it->n_policy] = v ? v->source : t->source;
	it->n_policy++;
}

static const struct ps_cal_operator *find_op(const struct cal *c, const char *key)
{
	for (size_t i = 0; key != NULL && i < c->in->n_operators; i++)
		if (cal_eq(c->in->operators[i].key, key))
			return &c->in->operators[i];
	return NULL;
}

const struct ps_cal_person *ps_cal_find_person(const struct cal *c, const char *key)
{
	for (size_t i = 0; key != NULL && i < c->in->n_persons; i++)
		if (cal_eq(c->in->persons[i].key, key))
			return &c->in->persons[i];
	return NULL;
}

static const struct ps_cal_unit *find_unit(const struct cal *c, const char *key)
{
	for (size_t i = 0; key != NULL && i < c->in->n_units; i++)
		if (cal_eq(c->in->units[i].key, key))
			return &c->in->units[i];
	return NULL;
}

static void item_subject(struct ps_cal_item *it, const char *kind, const char *key,
			 const char *name)
{
	it->subject_kind = kind;
	it->subject_key = key;
	it->subject_name = name;
}

static void item_owner(const struct cal *c, struct ps_cal_item *it, const char *op,
		       const char *person)
{
	const struct ps_cal_operator *o = find_op(c, op);
	const struct ps_cal_person *p = ps_cal_find_person(c, person);

	it->operator_key = op;
	it->operator_name = o ? o->name : NULL;
	it->person_key = person;
	it->person_name = p ? p->name : NULL;
}

/* Status of a one-shot duty: `done` (unset if not done by as_of). */
void ps_cal_one_shot(const struct cal *c, struct ps_cal_item *it, struct ps_date due,
		     struct ps_date done)
{
	it->due = due;
	if (ps_cal_date_has(done)) {
		it->status = PS_CAL_DONE;
		it->done = done;
		it->last = done;
		it->late = ps_cal_date_has(due) && cal_cmp(done, due) > 0;
	} else if (!ps_cal_date_has(due) || cal_cmp(c->as_of, due) <= 0) {
		it->status = PS_CAL_DUE;
	} else {
		it->status = PS_CAL_OVERDUE;
	}
}

/* Append the common tail of a one-shot explanation: `what_en` is a past
 * participle ("filed"), `what_zh` a verb (备案). */
void ps_cal_one_shot_tail(const struct cal *c, struct ps_cal_item *it,
			  const char *what_en, const char *what_zh)
{
	if (it->status == PS_CAL_DONE && it->late) {
		int64_t n = ps_date_diff_days(it->done, it->due);

		EN(it, "; %s on %s, %lld day%s late", what_en, cal_d(it->done).s, (long long)n,
		   n == 1 ? "" : "s");
		ZH(it, "；已于%s%s，逾期%lld天", cal_d(it->done).s, what_zh, (long long)n);
	} else if (it->status == PS_CAL_DONE) {
		EN(it, "; %s on %s", what_en, cal_d(it->done).s);
		ZH(it, "；已于%s%s", cal_d(it->done).s, what_zh);
	} else if (it->status == PS_CAL_OVERDUE) {
		int64_t n = ps_date_diff_days(c->as_of, it->due);

		EN(it, "; not %s, %lld day%s overdue", what_en, (long long)n, n == 1 ? "" : "s");
		ZH(it, "；尚未%s，已逾期%lld天", what_zh, (long long)n);
	} else {
		EN(it, "; not %s yet", what_en);
		ZH(it, "；尚未%s", what_zh);
	}
}

/* ---- the periodic evaluator ---------------------------------------------------------- */

static int occ_cmp(const void *a, const void *b)
{
	const struct occ *x = a, *y = b;

	return ps_date_cmp(x->d, y->d);
}

int ps_cal_occ_add(struct occs *o, struct ps_date d, int64_t w)
{
	if (o->n == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 16;
		struct occ *p = ps_reallocarray(PS_MEM_REGISTRY, o->v, cap, sizeof(*p));

		if (p == NULL)
			return PS_ENOMEM;
		o->v = p;
		o->cap = cap;
	}
	o->v[o->n].d = d;
	o->v[o->n].w = w;
	o->n++;
	return PS_OK;
}

static void occs_sort(struct occs *o)
{
	if (o->n > 1)
		qsort(o->v, o->n, sizeof(o->v[0]), occ_cmp);
}

static int64_t sum_in(const struct occs *o, struct ps_date lo, struct ps_date hi)
{
	int64_t s = 0;

	for (size_t i = 0; i < o->n; i++)
		if (cal_cmp(o->v[i].d, lo) >= 0 && cal_cmp(o->v[i].d, hi) <= 0)
			s += o->v[i].w;
	return s;
}

/* The first occurrence from `lo` on at which the running sum reaches need. */
static struct ps_date completion(const struct occs *o, struct ps_date lo, int64_t need)
{
	int64_t s = 0;

	for (size_t i = 0; i < o->n; i++) {
		if (cal_cmp(o->v[i].d, lo) < 0)
			continue;
		s += o->v[i].w;
		if (s >= need)
			return o->v[i].d;
	}
	return cal_no_date;
}

static void per_rolling(const struct cal *c, const struct occs *o, const struct per *p,
			struct per_res *r)
{
	int64_t s = 0;
	size_t ci = o->n;

	for (size_t i = o->n; i-- > 0;) {
		s += o->v[i].w;
		if (s >= p->need) {
			ci = i;
			break;
		}
	}
	r->cur = sum_in(o, cal_add_years(c->as_of, -p->years), c->as_of);
	if (ci < o->n) {
		r->history = true;
		r->due = cal_add_years(o->v[ci].d, p->years);
		if (cal_cmp(c->as_of, r->due) <= 0) {
			r->st = PS_CAL_DONE;
			r->done = completion(o, o->v[ci].d, p->need);
		} else {
			r->st = PS_CAL_OVERDUE;
		}
	} else if (ps_cal_date_has(p->base)) {
		r->due = cal_add_years(p->base, p->years);
		r->st = cal_cmp(c->as_of, r->due) <= 0 ? PS_CAL_DUE : PS_CAL_OVERDUE;
	} else {
		r->st = PS_CAL_DUE;
	}
}

/* First day of the calendar-year window ending with year y. */
static struct ps_date win_lo(const struct per *p, int32_t y)
{
	return cal_ymd(y - p->years + 1, 1, 1);
}

static void per_calendar(const struct cal *c, const struct occs *o, const struct per *p,
			 struct per_res *r)
{
	int32_t y = c->as_of.year;

	r->cur = sum_in(o, win_lo(p, y), c->as_of);
	if (r->cur >= p->need) {
		r->st = PS_CAL_DONE;
		r->history = true;
		r->done = completion(o, win_lo(p, y), p->need);
		for (int32_t yn = y + 1; yn <= y + p->years; yn++) {
			if (sum_in(o, win_lo(p, yn), c->as_of) < p->need) {
				r->due = cal_ymd(yn, 12, 31);
				break;
			}
		}
		return;
	}
	if (sum_in(o, win_lo(p, y - 1), cal_ymd(y - 1, 12, 31)) >= p->need) {
		r->st = PS_CAL_DUE;
		r->history = true;
		r->due = cal_ymd(y, 12, 31);
		return;
	}
	for (int32_t yx = y - 2; o->n > 0 && yx >= o->v[0].d.year; yx--) {
		if (sum_in(o, win_lo(p, yx), cal_ymd(yx, 12, 31)) >= p->need) {
			r->st = PS_CAL_OVERDUE;
			r->history = true;
			r->due = cal_ymd(yx + 1, 12, 31);
			return;
		}
	}
	r->due = ps_cal_date_has(p->base) ? cal_ymd(p->base.year + p->years - 1, 12, 31)
					  : cal_ymd(y, 12, 31);
	r->st = cal_cmp(c->as_of, r->due) <= 0 ? PS_CAL_DUE : PS_CAL_OVERDUE;
}

/* Evaluate a periodic duty over occurrences sorted by date, all <= as_of. */
static void periodic(const struct cal *c, const struct occs *o, const struct per *p,
		     struct per_res *r)
{
	memset(r, 0, sizeof(*r));
	if (o->n > 0)
		r->last = o->v[o->n - 1].d;
	if (p->mode == CAL_ROLLING)
		per_rolling(c, o, p, r);
	else
		per_calendar(c, o, p, r);
	if (r->st == PS_CAL_DONE && c->opt.upcoming_days > 0 && ps_cal_date_has(r->due) &&
	    ps_date_diff_days(r->due, c->as_of) <= c->opt.upcoming_days)
		r->st = PS_CAL_UPCOMING;
}

static void per_apply(struct ps_cal_item *it, const struct per_res *r)
{
	it->status = r->st;
	it->due = r->due;
	it->done = r->done;
	it->last = r->last;
}

/* "in 2026", "in 2025-2026" or "since 2025-06-01" for the current window. */
static void window_text(const struct cal *c, const struct per *p, char *en, char *zh,
			size_t n)
{
	int32_t y = c->as_of.year;

	if (p->mode == CAL_ROLLING) {
		struct ps_date lo = cal_add_years(c->as_of, -p->years);

		snprintf(en, n, "since %s", cal_d(lo).s);
		snprintf(zh, n, "自%s以来", cal_d(lo).s);
	} else if (p->years == 1) {
		snprintf(en, n, "in %d", (int)y);
		snprintf(zh, n, "%d年", (int)y);
	} else {
		snprintf(en, n, "in %d-%d", (int)(y - p->years + 1), (int)y);
		snprintf(zh, n, "%d-%d年", (int)(y - p->years + 1), (int)y);
	}
}


static void per_expl_amounts(const struct cal *c, struct ps_cal_item *it,
			     const struct per *p, const struct pdesc *x,
			     const struct per_res *r)
{
	char have[32], need[32], wen[48], wzh[48];

	window_text(c, p, wen, wzh, sizeof(wen));
	if (x->centi) {
		fmt_centi(r->cur, have, sizeof(have));
		fmt_centi(p->need, need, sizeof(need));
	} else {
		snprintf(have, sizeof(have), "%lld", (long long)r->cur);
		snprintf(need, sizeof(need), "%lld", (long long)p->need);
	}
	EN(it, "%s of %s %s %s", have, need, x->unit_en, wen);
	ZH(it, "%s%s已完成%s/%s%s", wzh, x->noun_zh, have, need, x->unit_zh);
	if (ps_cal_date_has(r->last)) {
		EN(it, " (last %s)", cal_d(r->last).s);
		ZH(it, "（最近一次%s）", cal_d(r->last).s);
	}
}

static void per_expl(const struct cal *c, struct ps_cal_item *it, const struct per *p,
		     const struct pdesc *x, const struct per_res *r)
{
	const char *mode_en = p->mode == CAL_ROLLING ? "rolling" : "calendar years";
	const char *mode_zh = p->mode == CAL_ROLLING ? "滚动计算" : "按自然年";

	if (x->amounts) {
		per_expl_amounts(c, it, p, x, r);
	} else if (ps_cal_date_has(r->last)) {
		EN(it, "last %s %s", x->noun_en, cal_d(r->last).s);
		ZH(it, "最近一次%s于%s", x->noun_zh, cal_d(r->last).s);
	} else {
		EN(it, "no %s recorded", x->noun_en);
		ZH(it, "尚无%s记录", x->noun_zh);
	}

	if (r->st == PS_CAL_DONE || r->st == PS_CAL_UPCOMING) {
		EN(it, "; next due %s", cal_d(r->due).s);
		ZH(it, "，下次应于%s前完成", cal_d(r->due).s);
	} else if (r->history) {
		EN(it, "; %s %s", r->st == PS_CAL_OVERDUE ? "was due" : "due", cal_d(r->due).s);
		ZH(it, "，应于%s前完成%s", cal_d(r->due).s, r->st == PS_CAL_OVERDUE ? "，已逾期" : "");
	} else if (ps_cal_date_has(p->base)) {
		EN(it, "; %s %s, counted from the %s on %s",
		   ps_cal_date_has(r->last) ? "due" : "first due", cal_d(r->due).s, x->base_en,
		   cal_d(p->base).s);
		ZH(it, "，自%s（%s）起算应于%s前完成%s", x->base_zh, cal_d(p->base).s, cal_d(r->due).s,
		   r->st == PS_CAL_OVERDUE ? "，已逾期" : "");
	} else if (ps_cal_date_has(r->due)) {
		EN(it, "; due %s", cal_d(r->due).s);
		ZH(it, "，应于%s前完成", cal_d(r->due).s);
	} else {
		EN(it, "; no %s recorded to count from", x->base_en);
		ZH(it, "，且未记录%s，无法计算期限", x->base_zh);
	}
	EN(it, " (every %d year%s, %s)", p->years, p->years == 1 ? "" : "s", mode_en);
	ZH(it, "（每%d年，%s）", p->years, mode_zh);
}

/* ---- policy ------------------------------------------------------------------------------ */

static int pol_int(struct cal *c, const char *id, int64_t *out)
{
	int rc = ps_policy_get_int(c->pol, id, out);

	if (rc == PS_OK && *out < 0)
		rc = PS_EINVAL;
	if (rc != PS_OK)
		ps_diag_set(c->d, "policy: '%s' is %s", id,
			    rc == PS_ENOENT ? "missing" : "not a whole number >= 0");
	return rc == PS_OK ? PS_OK : PS_EINVAL;
}

static int pol_mode(struct cal *c, const char *id, enum cal_wmode *out)
{
	const char *s = NULL;

	if (c->opt.mode != PS_CAL_MODE_POLICY) {
		*out = c->opt.mode == PS_CAL_MODE_ROLLING ? CAL_ROLLING : CAL_CALENDAR;
		return PS_OK;
	}
	if (ps_policy_get_text(c->pol, id, &s) != PS_OK) {
		ps_diag_set(c->d, "policy: '%s' is missing", id);
		return PS_EINVAL;
	}
	if (strcmp(s, "rolling") == 0) {
		*out = CAL_ROLLING;
	} else if (strcmp(s, "calendar_year") == 0) {
		*out = CAL_CALENDAR;
	} else {
		ps_diag_set(c->d, "policy: '%s' is '%s', not rolling or calendar_year", id, s);
		return PS_EINVAL;
	}
	return PS_OK;
}

static int pol_cadence(struct cal *c, struct cadence *k, const char *prefix,
		       const char *mode_id)
{
	static const char *const names[] = {
		"annual_min_level", "biennial_min_level", "annual_interval_years",
		"biennial_interval_years",
	};
	int64_t *dst[] = {&k->annual_min, &k->biennial_min, &k->annual_years,
			  &k->biennial_years};
	char id[96];

	k->prefix = prefix;
	for (size_t i = 0; i < PS_ARRAY_LEN(names); i++) {
		snprintf(id, sizeof(id), "%s.%s", prefix, names[i]);
		if (pol_int(c, id, dst[i]) != PS_OK)
			return PS_EINVAL;
	}
	if (k->annual_years < 1 || k->biennial_years < 1 || k->annual_years > 100 ||
	    k->biennial_years > 100) {
		ps_diag_set(c->d, "policy: '%s.*_interval_years' must be 1 to 100", prefix);
		return PS_EINVAL;
	}
	snprintf(k->id_mode, sizeof(k->id_mode), "%s", mode_id);
	return pol_mode(c, mode_id, &k->mode);
}

static int pol_flag(struct cal *c, const char *id, bool *out)
{
	if (ps_policy_get_flag(c->pol, id, out) != PS_OK) {
		ps_diag_set(c->d, "policy: '%s' is missing or not a flag", id);
		return PS_EINVAL;
	}
	return PS_OK;
}

static int pol_table(struct cal *c, const char *id, const char *cols,
		     const struct ps_policy_table **out)
{
	char col[64];

	*out = ps_policy_table_get(c->pol, id);
	if (*out == NULL) {
		ps_diag_set(c->d, "policy: table '%s' is missing", id);
		return PS_EINVAL;
	}
	while (*cols != '\0') {
		size_t n = strcspn(cols, ",");

		snprintf(col, sizeof(col), "%.*s", (int)n, cols);
		if (ps_policy_table_col(*out, col) < 0) {
			ps_diag_set(c->d, "policy: table '%s' has no column '%s'", id, col);
			return PS_EINVAL;
		}
		cols += n + (cols[n] == ',');
	}
	return PS_OK;
}

static int pol_load(struct cal *c)
{
	const struct {
		const char *id;
		int64_t *dst;
	} ints[] = {
		{"protection.level.min", &c->level_min},
		{"protection.level.max", &c->level_max},
		{"protection.filing.deadline_days", &c->filing_days},
		{"protection.change_filing.deadline_days", &c->change_days},
		{"datasec.change.major_scale_percent", &c->major_pct},
		{"datasec.change.filing_deadline_months", &c->change_months},
		{"datasec.risk_assessment.validity_years", &c->dr_validity},
		{"datasec.logs.retention_min_days", &c->log_min_days},
		{"drills.min_per_year", &c->drills_min},
		{"training.hours_per_person_year", &c->train_hours},
		{"training.data_security_min_per_year", &c->train_ds_min},
		{"filing.icp.change_deadline_days", &c->icp_days},
		{"practice.commercial_crypto.min_systems", &c->crypto_min},
	};

	for (size_t i = 0; i < PS_ARRAY_LEN(ints); i++)
		if (pol_int(c, ints[i].id, ints[i].dst) != PS_OK)
			return PS_EINVAL;
	if (pol_cadence(c, &c->prot_eval, "protection.evaluation",
			"protection.evaluation.window_mode") != PS_OK ||
	    pol_cadence(c, &c->prot_risk, "protection.risk_assessment",
			"protection.risk_assessment.window_mode") != PS_OK ||
	    pol_cadence(c, &c->iov_eval, "iov.evaluation", "iov.evaluation.window_mode") ||
	    pol_mode(c, "industrial.evaluation.window_mode", &c->iie_mode) != PS_OK ||
	    pol_mode(c, "drills.window_mode", &c->drills_mode) != PS_OK ||
	    pol_mode(c, "training.window_mode", &c->train_mode) != PS_OK ||
	    pol_flag(c, "drills.require_both_kinds", &c->drills_both) != PS_OK ||
	    pol_table(c, "industrial.levels", "name,evaluation_interval_years",
		      &c->iie_levels) != PS_OK ||
	    pol_table(c, "datasec.levels", "name,catalogue_required", &c->data_levels))
		return PS_EINVAL;
	if (c->dr_validity < 1 || c->dr_validity > 100) {
		ps_diag_set(c->d, "policy: 'datasec.risk_assessment.validity_years' must be "
			    "1 to 100");
		return PS_EINVAL;
	}
	return PS_OK;
}

/* ---- input validation ------------------------------------------------------------------- */

static int bad_date(struct cal *c, const char *kind, const char *key, const char *field,
		    struct ps_date d)
{
	ps_diag_set(c->d, "%s '%s': field '%s': %04d-%02d-%02d is not a valid date", kind,
		    cal_nz(key), field, (int)d.year, d.month, d.day);
	return PS_EINVAL;
}

/* A recorded date must be real; `required` ones must be recorded. */
static int chk_date(struct cal *c, const char *kind, const char *key, const char *field,
		    struct ps_date d, bool required)
{
	if (!ps_cal_date_has(d)) {
		if (!required)
			return PS_OK;
		ps_diag_set(c->d, "%s '%s': field '%s' is empty", kind, cal_nz(key), field);
		return PS_EINVAL;
	}
	if (!ps_date_valid(d.year, d.month, d.day))
		return bad_date(c, kind, key, field, d);
	return PS_OK;
}

static int chk_key(struct cal *c, const char *kind, const char *key, size_t i)
{
	if (key == NULL || key[0] == '\0') {
		ps_diag_set(c->d, "%s #%zu: the key is empty", kind, i + 1);
		return PS_EINVAL;
	}
	return PS_OK;
}

static int chk_level(struct cal *c, const char *kind, const char *key, int level)
{
	if (level < c->level_min || level > c->level_max) {
		ps_diag_set(c->d, "%s '%s': field 'level': %d is outside %lld..%lld "
			    "(policy protection.level.min/max)", kind, key, level,
			    (long long)c->level_min, (long long)c->level_max);
		return PS_EINVAL;
	}
	return PS_OK;
}

static long label_row(struct cal *c, const struct ps_policy_table *t, const char *kind,
		      const char *key, const char *label)
{
	long row = label ? ps_policy_table_find(t, "name", label) : -1;

	if (row < 0)
		ps_diag_set(c->d, "%s '%s': field 'level': '%s' is not a level of policy "
			    "table %s", kind, key, cal_nz(label), t->id);
	return row;
}

static int validate_units(struct cal *c)
{
	const struct ps_cal_input *in = c->in;

	for (size_t i = 0; i < in->n_units; i++) {
		const struct ps_cal_unit *u = &in->units[i];

		if (chk_key(c, "unit", u->key, i) != PS_OK ||
		    chk_level(c, "unit", u->key, u->level) != PS_OK ||
		    chk_date(c, "unit", u->key, "grading_review_date", u->review_date, false) ||
		    chk_date(c, "unit", u->key, "filing_date", u->filing_date, false) ||
		    chk_date(c, "unit", u->key, "retired_date", u->retired_date, false))
			return PS_EINVAL;
	}
	for (size_t i = 0; i < in->n_changes; i++) {
		const struct ps_cal_unit_change *x = &in->changes[i];

		if (chk_key(c, "unit_change", x->key, i) != PS_OK ||
		    chk_date(c, "unit_change", x->key, "change_date", x->change_date, true) ||
		    chk_date(c, "unit_change", x->key, "filed_date", x->filed_date, false))
			return PS_EINVAL;
	}
	for (size_t i = 0; i < in->n_iies; i++) {
		const struct ps_cal_iie *x = &in->iies[i];

		if (chk_key(c, "iie", x->key, i) != PS_OK ||
		    label_row(c, c->iie_levels, "iie", x->key, x->level) < 0 ||
		    chk_date(c, "iie", x->key, "grading_date", x->grading_date, false) ||
		    chk_date(c, "iie", x->key, "filing_date", x->filing_date, false))
			return PS_EINVAL;
	}
	for (size_t i = 0; i < in->n_iovs; i++) {
		const struct ps_cal_iov *x = &in->iovs[i];

		if (chk_key(c, "iov", x->key, i) != PS_OK ||
		    chk_level(c, "iov", x->key, x->level) != PS_OK ||
		    chk_date(c, "iov", x->key, "filing_date", x->filing_date, false))
			return PS_EINVAL;
	}
	return PS_OK;
}

static int validate_people(struct cal *c)
{
	const struct ps_cal_input *in = c->in;

	for (size_t i = 0; i < in->n_operators; i++) {
		const struct ps_cal_operator *x = &in->operators[i];

		if (chk_key(c, "operator", x->key, i) != PS_OK ||
		    chk_date(c, "operator", x->key, "created", x->since, false))
			return PS_EINVAL;
		if (x->has_log_retention && x->log_retention_days < 0) {
			ps_diag_set(c->d, "operator '%s': field 'log_retention_days': %lld is "
				    "negative", x->key, (long long)x->log_retention_days);
			return PS_EINVAL;
		}
	}
	for (size_t i = 0; i < in->n_persons; i++) {
		const struct ps_cal_person *x = &in->persons[i];

		if (chk_key(c, "person", x->key, i) != PS_OK ||
		    chk_date(c, "person", x->key, "left_date", x->left_date, false) ||
		    chk_date(c, "person", x->key, "created", x->since, false))
			return PS_EINVAL;
	}
	for (size_t i = 0; i < in->n_trainings; i++) {
		const struct ps_cal_training *x = &in->trainings[i];

		if (chk_key(c, "training", x->key, i) != PS_OK ||
		    chk_date(c, "training", x->key, "date", x->date, true))
			return PS_EINVAL;
		if (x->centihours < 0) {
			ps_diag_set(c->d, "training '%s': field 'hours': negative", x->key);
			return PS_EINVAL;
		}
	}
	for (size_t i = 0; i < in->n_drills; i++) {
		const struct ps_cal_drill *x = &in->drills[i];

		if (chk_key(c, "drill", x->key, i) != PS_OK ||
		    chk_date(c, "drill", x->key, "date", x->date, true))
			return PS_EINVAL;
	}
	return PS_OK;
}

static int validate_rest(struct cal *c)
{
	const struct ps_cal_input *in = c->in;

	for (size_t i = 0; i < in->n_assessments; i++) {
		const struct ps_cal_assessment *x = &in->assessments[i];

		if (chk_key(c, "assessment", x->key, i) != PS_OK ||
		    chk_date(c, "assessment", x->key, "date", x->date, true) ||
		    chk_date(c, "assessment", x->key, "report_date", x->report_date, false))
			return PS_EINVAL;
	}
	for (size_t i = 0; i < in->n_catalogs; i++) {
		const struct ps_cal_catalog *x = &in->catalogs[i];

		if (chk_key(c, "catalog", x->key, i) != PS_OK ||
		    label_row(c, c->data_levels, "catalog", x->key, x->level) < 0 ||
		    chk_date(c, "catalog", x->key, "created", x->created, false) ||
		    chk_date(c, "catalog", x->key, "filed_date", x->filed_date, false) ||
		    chk_date(c, "catalog", x->key, "change_date", x->change_date, false))
			return PS_EINVAL;
	}
	for (size_t i = 0; i < in->n_icps; i++) {
		const struct ps_cal_icp *x = &in->icps[i];

		if (chk_key(c, "icp", x->key, i) != PS_OK ||
		    chk_date(c, "icp", x->key, "change_date", x->change_date, false) ||
		    chk_date(c, "icp", x->key, "change_filed_date", x->change_filed_date, false))
			return PS_EINVAL;
	}
	for (size_t i = 0; i < in->n_cryptos; i++)
		if (chk_key(c, "crypto", in->cryptos[i].key, i) != PS_OK)
			return PS_EINVAL;
	return PS_OK;
}

/* ---- rules: network units ----------------------------------------------------------------- */


struct ps_cal_item *ps_cal_duty_item(struct cal *c, const struct duty *du)
{
	struct ps_cal_item *it = item_new(c, du->rule);

	if (it == NULL)
		return NULL;
	item_subject(it, du->skind, du->skey, du->sname);
	it->unit_key = du->unit_key;
	item_owner(c, it, du->op, du->person);
	for (size_t i = 0; i < PS_CAL_POLICY_MAX && du->pol[i] != NULL; i++)
		item_pol(c, it, du->pol[i]);
	return it;
}

static bool unit_active(const struct cal *c, const struct ps_cal_unit *u)
{
	return !cal_by(c, u->retired_date);
}

static int rule_filing(struct cal *c, const struct ps_cal_unit *u)
{
	struct duty du = {"protection.filing", "unit", u->key, u->name, u->key, u->operator,
			  u->person, {"protection.filing.deadline_days"}};
	struct ps_date due = cal_no_date, done = cal_no_date;
	struct ps_cal_item *it;

	/* reviewed after as_of: the filing clock had not started */
	if (ps_cal_date_has(u->review_date) && !cal_by(c, u->review_date))
		return PS_OK;
	it = ps_cal_duty_item(c, &du);
	if (it == NULL)
		return PS_ENOMEM;
	if (ps_cal_date_has(u->review_date))
		due = cal_add_days(u->review_date, c->filing_days);
	if (cal_by(c, u->filing_date) && !u->filing_rejected)
		done = u->filing_date;
	ps_cal_one_shot(c, it, due, done);
	if (ps_cal_date_has(due)) {
		EN(it, "filing due %s, %lld days after the grading review passed on %s",
		   cal_d(due).s, (long long)c->filing_days, cal_d(u->review_date).s);
		ZH(it, "定级评审于%s通过，应在%lld日内（%s前）备案", cal_d(u->review_date).s,
		   (long long)c->filing_days, cal_d(due).s);
	} else {
		EN(it, "grading review date not recorded: filing is due %lld days after it",
		   (long long)c->filing_days);
		ZH(it, "未记录定级评审通过日期，应在评审通过后%lld日内备案",
		   (long long)c->filing_days);
	}
	if (u->filing_rejected && cal_by(c, u->filing_date)) {
		it->last = u->filing_date;
		EN(it, "; the filing of %s was rejected", cal_d(u->filing_date).s);
		ZH(it, "；%s提交的备案被退回", cal_d(u->filing_date).s);
	}
	ps_cal_one_shot_tail(c, it, "filed", "备案");
	return PS_OK;
}

static int rule_change(struct cal *c, const struct ps_cal_unit_change *x)
{
	const struct ps_cal_unit *u = find_unit(c, x->unit);
	struct duty du = {"protection.change_filing", "unit_change", x->key, NULL, x->unit,
			  NULL, NULL, {"protection.change_filing.deadline_days"}};
	struct ps_date due, done = cal_no_date;
	struct ps_cal_item *it;

	if (u == NULL || !unit_active(c, u) || !cal_by(c, x->change_date))
		return PS_OK;
	du.sname = u->name;
	du.op = u->operator;
	du.person = u->person;
	it = ps_cal_duty_item(c, &du);
	if (it == NULL)
		return PS_ENOMEM;
	due = cal_add_days(x->change_date, c->change_days);
	if (cal_by(c, x->filed_date) && cal_cmp(x->filed_date, x->change_date) >= 0)
		done = x->filed_date;
	ps_cal_one_shot(c, it, due, done);
	EN(it, "unit changed on %s: change filing due %s, %lld days after the change",
	   cal_d(x->change_date).s, cal_d(due).s, (long long)c->change_days);
	ZH(it, "网络单元于%s变更，应在%lld日内（%s前）办理变更备案", cal_d(x->change_date).s,
	   (long long)c->change_days, cal_d(due).s);
	ps_cal_one_shot_tail(c, it, "filed", "办理变更备案");
	return PS_OK;
}

/* Assessments of `target` of kind `akind`, dated (report date first when
 * `by_report`) on or before as_of, sorted. */
static int collect_assess(struct cal *c, const char *tkind, const char *target,
			  const char *akind, bool by_report, struct occs *o)
{
	for (size_t i = 0; i < c->in->n_assessments; i++) {
		const struct ps_cal_assessment *a = &c->in->assessments[i];
		struct ps_date d = a->date;

		if (!cal_eq(a->target_kind, tkind) || !cal_eq(a->target, target) || !cal_eq(a->kind, akind))
			continue;
		if (by_report && ps_cal_date_has(a->report_date))
			d = a->report_date;
		if (cal_by(c, d) && ps_cal_occ_add(o, d, 1) != PS_OK)
			return PS_ENOMEM;
	}
	occs_sort(o);
	return PS_OK;
}

int ps_cal_assess_duty(struct cal *c, const struct duty *du, const char *akind,
		       bool by_report, const struct per *p, const struct pdesc *x)
{
	struct occs o = {0};
	struct per_res r;
	struct ps_cal_item *it;
	int rc = collect_assess(c, du->skind, du->skey, akind, by_report, &o);

	if (rc != PS_OK)
		goto out;
	it = ps_cal_duty_item(c, du);
	if (it == NULL) {
		rc = PS_ENOMEM;
		goto out;
	}
	periodic(c, &o, p, &r);
	per_apply(it, &r);
	per_expl(c, it, p, x, &r);
out:
	ps_free(o.v);
	return rc;
}

/* A level-driven evaluation or assessment of a unit or a connected-vehicle system. */
static int level_duty(struct cal *c, struct duty *du, const struct cadence *k, int level,
		      const char *akind, const struct pdesc *x, struct ps_date base)
{
	bool annual = level >= k->annual_min;
	struct per p = {1, (int)(annual ? k->annual_years : k->biennial_years), k->mode, base};
	char id_level[96], id_years[96];

	if (level < k->biennial_min && !annual)
		return PS_OK;
	if (ps_cal_date_has(base) && !cal_by(c, base))
		return PS_OK; /* graded or filed after as_of */
	snprintf(id_level, sizeof(id_level), "%s.%s", k->prefix,
		 annual ? "annual_min_level" : "biennial_min_level");
	snprintf(id_years, sizeof(id_years), "%s.%s", k->prefix,
		 annual ? "annual_interval_years" : "biennial_interval_years");
	du->pol[0] = id_level;
	du->pol[1] = id_years;
	du->pol[2] = k->id_mode;
	return ps_cal_assess_duty(c, du, akind, false, &p, x);
}

static int rule_unit_assess(struct cal *c, const struct ps_cal_unit *u)
{
	struct duty ev = {"protection.evaluation", "unit", u->key, u->name, u->key,
			  u->operator, u->person, {NULL}};
	struct duty ra = ev;
	struct pdesc x = {"conformity evaluation", "符合性评测", "grading review", "定级评审"};
	struct pdesc y = {"security risk assessment", "安全风险评估", "grading review", "定级评审"};
	struct ps_date base = u->review_date;
	int rc;

	if (!ps_cal_date_has(base)) {
		base = u->filing_date;
		x.base_en = y.base_en = "filing";
		x.base_zh = y.base_zh = "备案";
	}
	ra.rule = "protection.risk_assessment";
	rc = level_duty(c, &ev, &c->prot_eval, u->level, "conformity", &x, base);
	if (rc == PS_OK)
		rc = level_duty(c, &ra, &c->prot_risk, u->level, "risk", &y, base);
	return rc;
}

/* ---- rules: industrial internet and connected vehicles ------------------------------------ */

static int rule_iie(struct cal *c, const struct ps_cal_iie *e)
{
	long row = ps_policy_table_find(c->iie_levels, "name", e->level);
	struct duty du = {"industrial.evaluation", "iie", e->key, e->name, NULL, e->operator,
			  NULL, {"industrial.levels", "industrial.evaluation.window_mode"}};
	struct pdesc x = {"security evaluation", "网络安全评估", "grading", "定级"};
	struct per p = {1, 0, c->iie_mode, e->grading_date};
	int64_t years = 0;

	if (row < 0 || ps_policy_table_get_int(c->iie_levels, (size_t)row,
					       "evaluation_interval_years", &years) != PS_OK ||
	    years < 0 || years > 100) {
		ps_diag_set(c->d, "policy: table industrial.levels: evaluation_interval_years "
			    "of '%s' is not 0 to 100", cal_nz(e->level));
		return PS_EINVAL;
	}
	if (years == 0)
		return PS_OK;
	p.years = (int)years;
	if (!ps_cal_date_has(p.base)) {
		p.base = e->filing_date;
		x.base_en = "filing";
		x.base_zh = "备案";
	}
	if (ps_cal_date_has(p.base) && !cal_by(c, p.base))
		return PS_OK;
	return ps_cal_assess_duty(c, &du, "conformity", false, &p, &x);
}

static int rule_iov(struct cal *c, const struct ps_cal_iov *v)
{
	struct duty ev = {"iov.evaluation", "iov", v->key, v->name, NULL, v->operator, NULL,
			  {NULL}};
	struct duty ra = ev;
	struct pdesc x = {"conformity evaluation", "符合性评测", "filing", "备案"};
	struct pdesc y = {"security risk assessment", "安全风险评估", "filing", "备案"};
	int rc;

	ra.rule = "iov.risk_assessment";
	rc = level_duty(c, &ev, &c->iov_eval, v->level, "conformity", &x, v->filing_date);
	if (rc == PS_OK)
		rc = level_duty(c, &ra, &c->iov_eval, v->level, "risk", &y, v->filing_date);
	return rc;
}
int ps_cal_count_duty(struct cal *c, const struct duty *du, struct occs *o,
		      const struct per *p, const struct pdesc *x)
{
	struct ps_cal_item *it = ps_cal_duty_item(c, du);
	struct per_res r;

	if (it == NULL)
		return PS_ENOMEM;
	occs_sort(o);
	periodic(c, o, p, &r);
	per_apply(it, &r);
	per_expl(c, it, p, x, &r);
	return PS_OK;
}
/* ---- driver ------------------------------------------------------------------------------ */

static int run_subjects(struct cal *c)
{
	const struct ps_cal_input *in = c->in;
	int rc = PS_OK;

	for (size_t i = 0; i < in->n_units && rc == PS_OK; i++) {
		if (!unit_active(c, &in->units[i]))
			continue;
		rc = rule_filing(c, &in->units[i]);
		if (rc == PS_OK)
			rc = rule_unit_assess(c, &in->units[i]);
	}
	for (size_t i = 0; i < in->n_changes && rc == PS_OK; i++)
		rc = rule_change(c, &in->changes[i]);
	for (size_t i = 0; i < in->n_iies && rc == PS_OK; i++)
		rc = rule_iie(c, &in->iies[i]);
	for (size_t i = 0; i < in->n_iovs && rc == PS_OK; i++)
		rc = rule_iov(c, &in->iovs[i]);
	for (size_t i = 0; i < in->n_catalogs && rc == PS_OK; i++)
		rc = ps_cal_rule_catalog_change(c, &in->catalogs[i]);
	for (size_t i = 0; i < in->n_persons && rc == PS_OK; i++)
		if (!in->persons[i].names_only)
			rc = ps_cal_rule_training_hours(c, &in->persons[i]);
	for (size_t i = 0; i < in->n_icps && rc == PS_OK; i++)
		rc = ps_cal_rule_icp(c, &in->icps[i]);
	return rc;
}

static int item_cmp(const void *a, const void *b)
{
	const struct ps_cal_item *x = a, *y = b;
	bool xd = ps_cal_date_has(x->due), yd = ps_cal_date_has(y->due);
	int r;

	if (x->status != y->status)
		return x->status < y->status ? -1 : 1;
	if (xd != yd)
		return xd ? -1 : 1;
	if (xd && (r = ps_date_cmp(x->due, y->due)) != 0)
		return r;
	if ((r = strcmp(x->rule, y->rule)) != 0)
		return r;
	return strcmp(cal_nz(x->subject_key), cal_nz(y->subject_key));
}

void ps_cal_options_default(struct ps_cal_options *o)
{
	memset(o, 0, sizeof(*o));
	o->mode = PS_CAL_MODE_POLICY;
	o->upcoming_days = 30;
	o->campaign_past_days = 365;
}

int ps_cal_compute(const struct ps_cal_input *in, const struct ps_policy *pol,
		   struct ps_date as_of, const struct ps_cal_options *opt,
		   struct ps_cal_result *out, struct ps_diag *d)
{
	struct cal c = {.in = in, .pol = pol, .as_of = as_of, .out = out, .d = d};
	int rc = PS_EINVAL;

	memset(out, 0, sizeof(*out));
	if (opt != NULL)
		c.opt = *opt;
	else
		ps_cal_options_default(&c.opt);
	c.catk = ps_reg_kind_find("catalog");
	if (!ps_date_valid(as_of.year, as_of.month, as_of.day)) {
		ps_diag_set(d, "as-of date %04d-%02d-%02d is not a valid date", (int)as_of.year,
			    as_of.month, as_of.day);
		goto out;
	}
	if (c.opt.upcoming_days < 0 || c.opt.campaign_past_days < 0 || c.catk == NULL) {
		ps_diag_set(d, "calendar: invalid options");
		goto out;
	}
	if (pol_load(&c) != PS_OK || validate_units(&c) != PS_OK ||
	    validate_people(&c) != PS_OK || validate_rest(&c) != PS_OK)
		goto out;
	rc = run_subjects(&c);
	for (size_t i = 0; i < in->n_operators && rc == PS_OK; i++)
		if (!in->operators[i].names_only)
			rc = ps_cal_rules_operator(&c, &in->operators[i]);
	if (rc == PS_OK)
		rc = ps_cal_rules_campaigns(&c);
	if (rc == PS_ENOMEM)
		ps_diag_set(d, "calendar: out of memory");
	if (rc == PS_OK && out->n > 1)
		qsort(out->items, out->n, sizeof(out->items[0]), item_cmp);
out:
	if (rc != PS_OK)
		ps_cal_result_release(out);
	return rc;
}

void ps_cal_result_release(struct ps_cal_result *r)
{
	if (r == NULL)
		return;
	ps_free(r->items);
	memset(r, 0, sizeof(*r));
}

static const char *const status_names[PS_CAL_STATUS__COUNT] = {
	[PS_CAL_OVERDUE] = "overdue", [PS_CAL_DUE] = "due",
	[PS_CAL_UPCOMING] = "upcoming", [PS_CAL_DONE] = "done",
};

const char *ps_cal_status_name(enum ps_cal_status s)
{
	return (unsigned)s < PS_CAL_STATUS__COUNT ? status_names[s] : "unknown";
}

int ps_cal_status_parse(const char *s, enum ps_cal_status *out)
{
	for (size_t i = 0; i < PS_CAL_STATUS__COUNT; i++) {
		if (strcmp(s, status_names[i]) == 0) {
			*out = (enum ps_cal_status)i;
			return PS_OK;
		}
	}
	return PS_EINVAL;
}

int ps_cal_mode_parse(const char *s, enum ps_cal_mode *out)
{
	if (strcmp(s, "rolling") == 0)
		*out = PS_CAL_MODE_ROLLING;
	else if (strcmp(s, "calendar_year") == 0)
		*out = PS_CAL_MODE_CALENDAR_YEAR;
	else
		return PS_EINVAL;
	return PS_OK;
}
