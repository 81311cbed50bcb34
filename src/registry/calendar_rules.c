/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The calendar rules beyond network units: data security (catalogue,
 * change filing, risk assessment, logs), yearly drills and training, ICP
 * changes, commercial cryptography and campaign deadlines from the policy.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "core/core.h"
#include "policy/policy.h"
#include "registry/calendar.h"
#include "registry/calendar_int.h"
#include "registry/registry.h"

__extension__ typedef unsigned __int128 u128;

/* ---- rules: data security ----------------------------------------------------------------- */

static bool cat_required(const struct cal *c, const struct ps_cal_catalog *e)
{
	long row = ps_policy_table_find(c->data_levels, "name", cal_nz(e->level));
	const struct ps_policy_scalar *s =
		row >= 0 ? ps_policy_table_cell(c->data_levels, (size_t)row,
						"catalogue_required") : NULL;

	return s != NULL && s->num != 0;
}

/* The earliest `created` of the operator's catalogue_required entries. */
static struct ps_date required_since(const struct cal *c, const char *op, size_t *n)
{
	struct ps_date first = cal_no_date;

	*n = 0;
	for (size_t i = 0; i < c->in->n_catalogs; i++) {
		const struct ps_cal_catalog *e = &c->in->catalogs[i];

		if (!cal_eq(e->operator, op) || !cat_required(c, e))
			continue;
		(*n)++;
		if (ps_cal_date_has(e->created) &&
		    (!ps_cal_date_has(first) || cal_cmp(e->created, first) < 0))
			first = e->created;
	}
	return first;
}

static int rule_catalogue(struct cal *c, const struct ps_cal_operator *op)
{
	struct duty du = {"datasec.catalogue", "operator", op->key, op->name, NULL, op->key,
			  NULL, {"datasec.levels"}};
	struct ps_date first = cal_no_date, latest = cal_no_date;
	size_t n_req = 0, n_open = 0;
	struct ps_cal_item *it;

	for (size_t i = 0; i < c->in->n_catalogs; i++) {
		const struct ps_cal_catalog *e = &c->in->catalogs[i];
		struct ps_date d;

		if (!cal_eq(e->operator, op->key) || !cat_required(c, e))
			continue;
		n_req++;
		if (cal_by(c, e->filed_date)) {
			if (!ps_cal_date_has(latest) || cal_cmp(e->filed_date, latest) > 0)
				latest = e->filed_date;
			continue;
		}
		n_open++;
		d = ps_cal_date_has(e->created) ? e->created : c->as_of;
		if (!ps_cal_date_has(first) || cal_cmp(d, first) < 0)
			first = d;
	}
	if (n_req == 0)
		return PS_OK;
	it = ps_cal_duty_item(c, &du);
	if (it == NULL)
		return PS_ENOMEM;
	if (n_open == 0) {
		ps_cal_one_shot(c, it, cal_no_date, latest);
		EN(it, "all %zu important/core catalogue entries filed (last on %s)", n_req,
		   cal_d(latest).s);
		ZH(it, "%zu项重要/核心数据目录均已备案（最近一次%s）", n_req, cal_d(latest).s);
		return PS_OK;
	}
	ps_cal_one_shot(c, it, first, cal_no_date);
	EN(it, "%zu of %zu important/core catalogue entries not filed; a catalogue is "
	   "required as soon as such data is held (first recorded %s)", n_open, n_req,
	   cal_d(first).s);
	ZH(it, "%zu项重要/核心数据目录中%zu项未备案；持有此类数据即须备案（最早登记于%s）",
	   n_req, n_open, cal_d(first).s);
	return PS_OK;
}

/* Parse a non-negative decimal with at most 2 fraction digits into hundredths. */
static bool centi_parse(const char *s, u128 *out)
{
	u128 v = 0;
	int frac = -1, digits = 0;

	for (; *s != '\0'; s++) {
		if (*s == '.' && frac < 0) {
			frac = 0;
			continue;
		}
		if (*s < '0' || *s > '9' || ++digits > 36 || frac == 2)
			return false;
		v = v * 10 + (u128)(*s - '0');
		if (frac >= 0)
			frac++;
	}
	if (digits == 0)
		return false;
	for (int i = frac < 0 ? 0 : frac; i < 2; i++)
		v *= 10;
	*out = v;
	return true;
}

/* A filed JSON value as text: NULL for null or absent. */
static int filed_text(struct cal *c, const struct ps_cal_catalog *e, const char *field,
		      json_t *v, char *buf, size_t n, const char **out)
{
	*out = buf;
	if (v == NULL || json_is_null(v))
		*out = NULL;
	else if (json_is_string(v))
		*out = json_string_value(v);
	else if (json_is_integer(v))
		snprintf(buf, n, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, n, "%.2f", json_real_value(v));
	else if (json_is_boolean(v))
		*out = json_is_true(v) ? "true" : "false";
	else {
		ps_diag_set(c->d, "catalog '%s': field 'filed_values': '%s' is not a plain value",
			    e->key, field);
		return PS_EINVAL;
	}
	if (*out != NULL && (*out)[0] == '\0')
		*out = NULL;
	return PS_OK;
}

/* 1 true, 0 false, -1 neither. */
static int truth(const char *s)
{
	static const char *const yes[] = {"true", "1", "yes", "y", "是"};
	static const char *const no[] = {"false", "0", "no", "n", "否"};

	for (size_t i = 0; s != NULL && i < PS_ARRAY_LEN(yes); i++) {
		if (strcmp(s, yes[i]) == 0)
			return 1;
		if (strcmp(s, no[i]) == 0)
			return 0;
	}
	return -1;
}

static bool same_value(const struct ps_reg_field *f, const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	if (f->type == PS_REG_FLAG && truth(a) >= 0)
		return truth(a) == truth(b);
	return strcmp(a, b) == 0;
}

/* What changed in a catalogue entry against its filed values. */
struct chg {
	bool any, major;
	char en[PS_CAL_TEXT_MAX / 2], zh[PS_CAL_TEXT_MAX / 2];
};

/* Append one changed field to both lists (dropped when they are full). */
static void chg_add(struct chg *g, const char *en, const char *zh)
{
	size_t ne = strlen(g->en), nz_ = strlen(g->zh);

	if (ne + strlen(en) + 3 < sizeof(g->en))
		snprintf(g->en + ne, sizeof(g->en) - ne, "%s%s", ne ? ", " : "", en);
	if (nz_ + strlen(zh) + 4 < sizeof(g->zh))
		snprintf(g->zh + nz_, sizeof(g->zh) - nz_, "%s%s", nz_ ? "、" : "", zh);
}

/* A scale field both filed and current: compare by the percentage rule. */
static int scale_diff(struct cal *c, const struct ps_cal_catalog *e,
		      const struct ps_reg_field *f, const char *cur, const char *old,
		      struct chg *g)
{
	u128 a, b, delta;
	bool major;
	unsigned pct;

	if (!centi_parse(old, &a)) {
		ps_diag_set(c->d, "catalog '%s': field 'filed_values': %s '%s' is not a "
			    "number", e->key, f->name, old);
		return PS_EINVAL;
	}
	if (!centi_parse(cur, &b)) {
		ps_diag_set(c->d, "catalog '%s': field '%s': '%s' is not a number", e->key,
			    f->name, cur);
		return PS_EINVAL;
	}
	if (a == b)
		return PS_OK;
	g->any = true;
	delta = a > b ? a - b : b - a;
	/* |new - old| * 100 >= pct * old, inclusive, no division */
	major = delta * 100 >= (u128)c->major_pct * a;
	pct = a == 0 ? 100 : delta * 100 / a > 9999 ? 9999 : (unsigned)(delta * 100 / a);
	if (major) {
		char en[160], zh[160];

		g->major = true;
		snprintf(en, sizeof(en), "%s %.40s -> %.40s (%s%u%%)", f->name, old, cur,
			 b > a ? "+" : "-", pct);
		snprintf(zh, sizeof(zh), "%s %.40s->%.40s（%s%u%%）", f->zh, old, cur,
			 b > a ? "+" : "-", pct);
		chg_add(g, en, zh);
	}
	return PS_OK;
}

static int cat_diff(struct cal *c, const struct ps_cal_catalog *e, json_t *filed,
		    struct chg *g)
{
	const struct ps_reg_kind *k = c->catk;

	for (size_t i = 0; i < k->n_fields; i++) {
		const struct ps_reg_field *f = &k->fields[i];
		const char *cur = e->vals[i], *old;
		char ob[64];

		if (!(f->flags & PS_REG_F_FILED))
			continue;
		if (filed_text(c, e, f->name, json_object_get(filed, f->name), ob, sizeof(ob),
			       &old) != PS_OK)
			return PS_EINVAL;
		if (cur != NULL && cur[0] == '\0')
			cur = NULL;
		if ((f->flags & PS_REG_F_SCALE) && cur != NULL && old != NULL) {
			if (scale_diff(c, e, f, cur, old, g) != PS_OK)
				return PS_EINVAL;
			continue;
		}
		if (same_value(f, cur, old))
			continue;
		g->any = g->major = true;
		chg_add(g, f->name, f->zh);
	}
	return PS_OK;
}

static const char *cat_owner(const struct cal *c, const struct ps_cal_catalog *e)
{
	int i = ps_reg_field_find(c->catk, "owner");

	return i >= 0 && e->vals != NULL ? e->vals[i] : NULL;
}

int ps_cal_rule_catalog_change(struct cal *c, const struct ps_cal_catalog *e)
{
	struct duty du = {"datasec.catalogue_change", "catalog", e->key, e->name, NULL,
			  e->operator, NULL, {"datasec.change.major_scale_percent",
					      "datasec.change.filing_deadline_months"}};
	struct chg g = {0};
	struct ps_date due = cal_no_date, done = cal_no_date;
	struct ps_cal_item *it;
	json_error_t jerr;
	json_t *filed;
	int rc;

	if (e->filed_values == NULL || e->vals == NULL)
		return PS_OK;
	filed = json_loads(e->filed_values, 0, &jerr);
	if (!json_is_object(filed)) {
		json_decref(filed);
		ps_diag_set(c->d, "catalog '%s': field 'filed_values': not a JSON object",
			    e->key);
		return PS_EINVAL;
	}
	rc = cat_diff(c, e, filed, &g);
	json_decref(filed);
	if (rc != PS_OK)
		return rc;
	if (ps_cal_date_has(e->change_date) && !cal_by(c, e->change_date))
		return PS_OK; /* changed after as_of */
	if (cal_by(c, e->filed_date) && ps_cal_date_has(e->change_date) &&
	    cal_cmp(e->filed_date, e->change_date) >= 0)
		done = e->filed_date;
	/* a minor change needs no filing; a filed one is history (listed done) */
	if (!g.major && !ps_cal_date_has(done))
		return PS_OK;
	du.person = cat_owner(c, e);
	it = ps_cal_duty_item(c, &du);
	if (it == NULL)
		return PS_ENOMEM;
	if (ps_cal_date_has(e->change_date))
		due = cal_add_months(e->change_date, c->change_months);
	ps_cal_one_shot(c, it, due, done);
	if (!g.major) {
		EN(it, "catalogue change of %s", cal_d(e->change_date).s);
		ZH(it, "%s的目录变更", cal_d(e->change_date).s);
	} else if (ps_cal_date_has(e->change_date)) {
		EN(it, "major change (%s) on %s: change filing due %s, %lld months after",
		   g.en, cal_d(e->change_date).s, cal_d(due).s, (long long)c->change_months);
		ZH(it, "%s发生重大变更（%s），应在%lld个月内（%s前）办理变更备案",
		   cal_d(e->change_date).s, g.zh, (long long)c->change_months, cal_d(due).s);
	} else {
		EN(it, "major change (%s) without a change date: the filing is due %lld "
		   "months after the change", g.en, (long long)c->change_months);
		ZH(it, "发生重大变更（%s）但未记录变更日期，应在变更后%lld个月内办理变更备案",
		   g.zh, (long long)c->change_months);
	}
	ps_cal_one_shot_tail(c, it, "filed", "办理变更备案");
	return PS_OK;
}

static int rule_data_risk(struct cal *c, const struct ps_cal_operator *op)
{
	struct duty du = {"datasec.risk_assessment", "operator", op->key, op->name, NULL,
			  op->key, NULL,
			  {"datasec.risk_assessment.validity_years", "datasec.levels"}};
	struct pdesc x = {"data risk assessment report", "数据安全风险评估报告",
			  "first important/core catalogue entry", "首个重要/核心数据目录登记"};
	struct per p = {1, (int)c->dr_validity, CAL_ROLLING, cal_no_date};
	size_t n;

	p.base = required_since(c, op->key, &n);
	if (n == 0)
		return PS_OK;
	return ps_cal_assess_duty(c, &du, "data_risk", true, &p, &x);
}

static int rule_logs(struct cal *c, const struct ps_cal_operator *op)
{
	struct duty du = {"datasec.logs.retention", "operator", op->key, op->name, NULL,
			  op->key, NULL, {"datasec.logs.retention_min_days"}};
	struct ps_cal_item *it = ps_cal_duty_item(c, &du);
	long long min = (long long)c->log_min_days, have = (long long)op->log_retention_days;

	if (it == NULL)
		return PS_ENOMEM;
	if (!op->has_log_retention) {
		it->status = PS_CAL_DUE;
		EN(it, "log retention not recorded: set log_retention_days (at least %lld days)",
		   min);
		ZH(it, "未记录日志留存天数：请填写（不少于%lld天）", min);
	} else if (have < min) {
		it->status = PS_CAL_OVERDUE;
		EN(it, "logs are kept %lld days, below the minimum of %lld days", have, min);
		ZH(it, "日志留存%lld天，低于不少于%lld天的要求", have, min);
	} else {
		it->status = PS_CAL_DONE;
		EN(it, "logs are kept %lld days (at least %lld required)", have, min);
		ZH(it, "日志留存%lld天（要求不少于%lld天）", have, min);
	}
	return PS_OK;
}
/* ---- rules: yearly practice --------------------------------------------------------------- */

/* Drills of the operator, of `kind` or of any kind when NULL. */
static int rule_drills(struct cal *c, const struct ps_cal_operator *op, const char *kind)
{
	struct duty du = {"drills.yearly", "operator", op->key, op->name, NULL, op->key, NULL,
			  {"drills.min_per_year", "drills.require_both_kinds",
			   "drills.window_mode"}};
	struct pdesc x = {"drill", "应急演练", "operator's registration", "单位登记",
			  c->drills_min > 1, false, "drills", "次"};
	struct per p = {c->drills_min, 1, c->drills_mode, op->since};
	struct occs o = {0};
	int rc = PS_OK;

	if (c->drills_min == 0)
		return PS_OK;
	if (cal_eq(kind, "process")) {
		du.rule = "drills.yearly.process";
		x.noun_en = "process drill";
		x.noun_zh = "流程（桌面）演练";
	} else if (cal_eq(kind, "live")) {
		du.rule = "drills.yearly.live";
		x.noun_en = "live drill";
		x.noun_zh = "实战演练";
	}
	for (size_t i = 0; i < c->in->n_drills && rc == PS_OK; i++) {
		const struct ps_cal_drill *dr = &c->in->drills[i];

		if (cal_eq(dr->operator, op->key) && (kind == NULL || cal_eq(dr->kind, kind)) &&
		    cal_by(c, dr->date))
			rc = ps_cal_occ_add(&o, dr->date, 1);
	}
	if (rc == PS_OK)
		rc = ps_cal_count_duty(c, &du, &o, &p, &x);
	ps_free(o.v);
	return rc;
}

int ps_cal_rule_training_hours(struct cal *c, const struct ps_cal_person *pe)
{
	struct duty du = {"training.hours", "person", pe->key, pe->name, NULL, pe->operator,
			  pe->key, {"training.hours_per_person_year", "training.window_mode"}};
	struct pdesc x = {"security training", "安全培训", "person's registration",
			  "人员登记", true, true, "class hours", "学时"};
	struct per p = {c->train_hours * 100, 1, c->train_mode, pe->since};
	struct occs o = {0};
	int rc = PS_OK;

	if (!pe->security_staff || cal_by(c, pe->left_date) || c->train_hours == 0)
		return PS_OK;
	for (size_t i = 0; i < c->in->n_trainings && rc == PS_OK; i++) {
		const struct ps_cal_training *t = &c->in->trainings[i];

		if (cal_eq(t->person, pe->key) && cal_by(c, t->date))
			rc = ps_cal_occ_add(&o, t->date, t->centihours);
	}
	if (rc == PS_OK)
		rc = ps_cal_count_duty(c, &du, &o, &p, &x);
	ps_free(o.v);
	return rc;
}

/* Data-security trainings of the operator's people, one per date. */
static int rule_training_ds(struct cal *c, const struct ps_cal_operator *op)
{
	struct duty du = {"training.data_security", "operator", op->key, op->name, NULL,
			  op->key, NULL,
			  {"training.data_security_min_per_year", "training.window_mode"}};
	struct pdesc x = {"data-security training", "数据安全培训", "operator's registration",
			  "单位登记", c->train_ds_min > 1, false, "trainings", "次"};
	struct per p = {c->train_ds_min, 1, c->train_mode, op->since};
	struct occs o = {0};
	int rc = PS_OK;

	if (c->train_ds_min == 0)
		return PS_OK;
	for (size_t i = 0; i < c->in->n_trainings && rc == PS_OK; i++) {
		const struct ps_cal_training *t = &c->in->trainings[i];
		const struct ps_cal_person *pe = ps_cal_find_person(c, t->person);
		bool seen = false;

		if (!t->data_security || pe == NULL || !cal_eq(pe->operator, op->key) ||
		    !cal_by(c, t->date))
			continue;
		for (size_t j = 0; j < o.n && !seen; j++)
			seen = cal_cmp(o.v[j].d, t->date) == 0;
		if (!seen)
			rc = ps_cal_occ_add(&o, t->date, 1);
	}
	if (rc == PS_OK)
		rc = ps_cal_count_duty(c, &du, &o, &p, &x);
	ps_free(o.v);
	return rc;
}

int ps_cal_rule_icp(struct cal *c, const struct ps_cal_icp *x)
{
	struct duty du = {"filing.icp.change", "icp", x->key, x->domain, NULL, x->operator,
			  NULL, {"filing.icp.change_deadline_days"}};
	struct ps_date due, done = cal_no_date;
	struct ps_cal_item *it;

	if (!cal_by(c, x->change_date))
		return PS_OK;
	it = ps_cal_duty_item(c, &du);
	if (it == NULL)
		return PS_ENOMEM;
	due = cal_add_days(x->change_date, c->icp_days);
	if (cal_by(c, x->change_filed_date) && cal_cmp(x->change_filed_date, x->change_date) >= 0)
		done = x->change_filed_date;
	ps_cal_one_shot(c, it, due, done);
	EN(it, "ICP filing %s changed on %s: change filing due %s, %lld days after",
	   cal_nz(x->filing_no), cal_d(x->change_date).s, cal_d(due).s, (long long)c->icp_days);
	ZH(it, "ICP备案%s于%s变更，应在%lld日内（%s前）办理变更", cal_nz(x->filing_no),
	   cal_d(x->change_date).s, (long long)c->icp_days, cal_d(due).s);
	ps_cal_one_shot_tail(c, it, "filed", "办理变更");
	return PS_OK;
}

static int rule_crypto(struct cal *c, const struct ps_cal_operator *op)
{
	struct duty du = {"practice.commercial_crypto", "operator", op->key, op->name, NULL,
			  op->key, NULL, {"practice.commercial_crypto.min_systems"}};
	struct ps_cal_item *it;
	long long n = 0, min = (long long)c->crypto_min;

	if (c->crypto_min == 0)
		return PS_OK;
	for (size_t i = 0; i < c->in->n_cryptos; i++) {
		const struct ps_cal_crypto *x = &c->in->cryptos[i];
		bool seen = false;

		if (!cal_eq(x->operator, op->key))
			continue;
		for (size_t j = 0; j < i && !seen; j++)
			seen = cal_eq(c->in->cryptos[j].operator, op->key) &&
			       cal_eq(c->in->cryptos[j].system, x->system);
		n += !seen;
	}
	it = ps_cal_duty_item(c, &du);
	if (it == NULL)
		return PS_ENOMEM;
	it->status = n >= min ? PS_CAL_DONE : PS_CAL_DUE;
	EN(it, "%lld system%s with commercial cryptography recorded, at least %lld expected",
	   n, n == 1 ? "" : "s", min);
	ZH(it, "已登记%lld个应用商用密码的系统，应不少于%lld个", n, min);
	return PS_OK;
}

/*
 * Whether the registry manages the operator: it has a unit, enterprise,
 * vehicle system, catalogue entry, person, drill, ICP filing or crypto
 * record. Others (an inspection population, say) get no duties.
 */
static bool op_managed(const struct cal *c, const char *op)
{
	const struct ps_cal_input *in = c->in;

	for (size_t i = 0; i < in->n_units; i++)
		if (cal_eq(in->units[i].operator, op))
			return true;
	for (size_t i = 0; i < in->n_iies; i++)
		if (cal_eq(in->iies[i].operator, op))
			return true;
	for (size_t i = 0; i < in->n_iovs; i++)
		if (cal_eq(in->iovs[i].operator, op))
			return true;
	for (size_t i = 0; i < in->n_catalogs; i++)
		if (cal_eq(in->catalogs[i].operator, op))
			return true;
	for (size_t i = 0; i < in->n_persons; i++)
		if (cal_eq(in->persons[i].operator, op))
			return true;
	for (size_t i = 0; i < in->n_drills; i++)
		if (cal_eq(in->drills[i].operator, op))
			return true;
	for (size_t i = 0; i < in->n_icps; i++)
		if (cal_eq(in->icps[i].operator, op))
			return true;
	for (size_t i = 0; i < in->n_cryptos; i++)
		if (cal_eq(in->cryptos[i].operator, op))
			return true;
	return false;
}

/* ---- rules: campaign deadlines ------------------------------------------------------------ */

struct camp {
	const struct ps_policy_table *t;
	char name[48];        /* "js2024" of campaign.js2024.deadlines */
	char prov_id[96];     /* campaign.<name>.province */
	const char *province; /* its text, NULL when the campaign has no scope value */
	const char *task, *ref;
	struct ps_date deadline;
};

/* Records a task checks for one operator: how many, how many are done. */
struct tally {
	size_t n, done;
	struct ps_date latest;
	bool manual;
};

static void tally_done(struct tally *t, struct ps_date d)
{
	t->done++;
	if (!ps_cal_date_has(t->latest) || cal_cmp(d, t->latest) > 0)
		t->latest = d;
}

static void tally_units(const struct cal *c, const struct camp *k, const char *op,
			struct tally *t)
{
	for (size_t i = 0; i < c->in->n_units; i++) {
		const struct ps_cal_unit *u = &c->in->units[i];

		if (!cal_eq(u->operator, op) ||
		    (ps_cal_date_has(u->retired_date) && cal_cmp(u->retired_date, k->deadline) <= 0) ||
		    (ps_cal_date_has(u->review_date) && cal_cmp(u->review_date, k->deadline) > 0))
			continue;
		t->n++;
		if (cal_by(c, u->filing_date) && !u->filing_rejected)
			tally_done(t, u->filing_date);
	}
}

static void tally_data_risk(const struct cal *c, const struct camp *k, const char *op,
			    struct tally *t)
{
	struct ps_date lo = cal_add_years(k->deadline, -c->dr_validity), best = cal_no_date;
	size_t n;

	(void)required_since(c, op, &n);
	if (n == 0)
		return;
	t->n = 1;
	for (size_t i = 0; i < c->in->n_assessments; i++) {
		const struct ps_cal_assessment *a = &c->in->assessments[i];
		struct ps_date d = ps_cal_date_has(a->report_date) ? a->report_date : a->date;

		if (cal_eq(a->target_kind, "operator") && cal_eq(a->target, op) &&
		    cal_eq(a->kind, "data_risk") && cal_by(c, d) && cal_cmp(d, lo) >= 0 &&
		    (!ps_cal_date_has(best) || cal_cmp(d, best) < 0))
			best = d;
	}
	if (ps_cal_date_has(best))
		tally_done(t, best);
}

/* Fill `t` for the task; false when the task does not apply to `op`. */
static bool camp_tally(const struct cal *c, const struct camp *k, const char *op,
		       struct tally *t)
{
	memset(t, 0, sizeof(*t));
	if (cal_eq(k->task, "inspection_summary"))
		return false; /* the regulator's own task */
	if (cal_eq(k->task, "protection_filing")) {
		tally_units(c, k, op, t);
	} else if (cal_eq(k->task, "iov_filing")) {
		for (size_t i = 0; i < c->in->n_iovs; i++) {
			if (!cal_eq(c->in->iovs[i].operator, op))
				continue;
			t->n++;
			if (cal_by(c, c->in->iovs[i].filing_date))
				tally_done(t, c->in->iovs[i].filing_date);
		}
	} else if (cal_eq(k->task, "datasec_catalogue")) {
		for (size_t i = 0; i < c->in->n_catalogs; i++) {
			const struct ps_cal_catalog *e = &c->in->catalogs[i];

			if (!cal_eq(e->operator, op) || !cat_required(c, e))
				continue;
			t->n++;
			if (cal_by(c, e->filed_date))
				tally_done(t, e->filed_date);
		}
	} else if (cal_eq(k->task, "datasec_risk_assessment")) {
		tally_data_risk(c, k, op, t);
	} else if (cal_eq(k->task, "protection_reports")) {
		t->manual = true;
		for (size_t i = 0; i < c->in->n_units && t->n == 0; i++)
			t->n = cal_eq(c->in->units[i].operator, op) &&
			       c->in->units[i].level >= c->prot_eval.biennial_min;
	} else if (cal_eq(k->task, "datasec_self_check")) {
		t->manual = true;
		for (size_t i = 0; i < c->in->n_catalogs && t->n == 0; i++)
			t->n = cal_eq(c->in->catalogs[i].operator, op);
	} else {
		t->manual = true;
		t->n = 1;
	}
	return t->n > 0;
}

static int camp_item(struct cal *c, const struct camp *k, const struct ps_cal_operator *op,
		     const struct tally *t)
{
	char rule[PS_CAL_RULE_MAX];
	struct duty du = {rule, "operator", op->key, op->name, NULL, op->key, NULL,
			  {k->t->id, k->province ? k->prov_id : NULL}};
	struct ps_cal_item *it;

	snprintf(rule, sizeof(rule), "campaign.%s.%s", k->name, k->task);
	it = ps_cal_duty_item(c, &du);
	if (it == NULL)
		return PS_ENOMEM;
	if (k->t->title != NULL)
		it->title_zh = it->title_en = k->t->title;
	it->manual = t->manual;
	ps_cal_one_shot(c, it, k->deadline, !t->manual && t->done == t->n ? t->latest : cal_no_date);
	EN(it, "%s: deadline %s", cal_nz(k->ref), cal_d(k->deadline).s);
	ZH(it, "%s：截止%s", cal_nz(k->ref), cal_d(k->deadline).s);
	if (t->manual) {
		EN(it, "; check by hand (status from the deadline only)");
		ZH(it, "；需人工核实（状态仅按截止日期判断）");
	} else {
		EN(it, "; %zu of %zu done", t->done, t->n);
		ZH(it, "；已完成%zu/%zu", t->done, t->n);
		ps_cal_one_shot_tail(c, it, "done", "完成");
	}
	if (k->province != NULL && (op->province == NULL || op->province[0] == '\0')) {
		EN(it, "; scope %s, the operator's province is not recorded", k->province);
		ZH(it, "；适用范围%s，未记录该单位省份", k->province);
	} else if (k->province != NULL) {
		EN(it, "; scope %s", k->province);
		ZH(it, "；适用范围%s", k->province);
	}
	return PS_OK;
}

/* Parse the table id "campaign.<name>.deadlines"; false for other tables. */
static bool camp_parse(const struct cal *c, const struct ps_policy_table *t, struct camp *k)
{
	static const char pre[] = "campaign.", suf[] = ".deadlines";
	size_t n = strlen(t->id);

	memset(k, 0, sizeof(*k));
	if (n <= strlen(pre) + strlen(suf) || strncmp(t->id, pre, strlen(pre)) != 0 ||
	    strcmp(t->id + n - strlen(suf), suf) != 0 ||
	    n - strlen(pre) - strlen(suf) >= sizeof(k->name))
		return false;
	k->t = t;
	snprintf(k->name, sizeof(k->name), "%.*s", (int)(n - strlen(pre) - strlen(suf)),
		 t->id + strlen(pre));
	snprintf(k->prov_id, sizeof(k->prov_id), "campaign.%s.province", k->name);
	if (ps_policy_get_text(c->pol, k->prov_id, &k->province) != PS_OK)
		k->province = NULL;
	return true;
}

static bool in_scope(const struct camp *k, const struct ps_cal_operator *op)
{
	if (k->province == NULL || op->province == NULL || op->province[0] == '\0')
		return true;
	return strncmp(op->province, k->province, strlen(k->province)) == 0;
}

static int camp_row(struct cal *c, struct camp *k, size_t row)
{
	const struct ps_policy_scalar *task = ps_policy_table_cell(k->t, row, "task");
	const struct ps_policy_scalar *dl = ps_policy_table_cell(k->t, row, "deadline");
	const struct ps_policy_scalar *ref = ps_policy_table_cell(k->t, row, "ref");
	struct tally t;

	if (task == NULL || dl == NULL || dl->kind != PS_POLICY_DATE) {
		ps_diag_set(c->d, "policy: table '%s' needs columns task and deadline (a date)",
			    k->t->id);
		return PS_EINVAL;
	}
	k->task = task->text;
	k->ref = ref ? ref->text : NULL;
	k->deadline = dl->date;
	if (cal_cmp(k->deadline, cal_add_days(c->as_of, -c->opt.campaign_past_days)) < 0)
		return PS_OK; /* history */
	for (size_t i = 0; i < c->in->n_operators; i++) {
		const struct ps_cal_operator *op = &c->in->operators[i];

		if (op->names_only || !in_scope(k, op) || !op_managed(c, op->key) ||
		    !camp_tally(c, k, op->key, &t))
			continue;
		if (camp_item(c, k, op, &t) != PS_OK)
			return PS_ENOMEM;
	}
	return PS_OK;
}

int ps_cal_rules_campaigns(struct cal *c)
{
	for (size_t i = 0; i < ps_policy_table_count(c->pol); i++) {
		struct camp k;
		int rc;

		if (!camp_parse(c, ps_policy_table_at(c->pol, i), &k))
			continue;
		for (size_t row = 0; row < k.t->n_rows; row++) {
			rc = camp_row(c, &k, row);
			if (rc != PS_OK)
				return rc;
		}
	}
	return PS_OK;
}

int ps_cal_rules_operator(struct cal *c, const struct ps_cal_operator *op)
{
	int rc;

	if (!op_managed(c, op->key))
		return PS_OK;
	rc = rule_catalogue(c, op);
	if (rc == PS_OK)
		rc = rule_data_risk(c, op);
	if (rc == PS_OK && c->drills_both) {
		rc = rule_drills(c, op, "process");
		if (rc == PS_OK)
			rc = rule_drills(c, op, "live");
	} else if (rc == PS_OK) {
		rc = rule_drills(c, op, NULL);
	}
	if (rc == PS_OK)
		rc = rule_training_ds(c, op);
	if (rc == PS_OK)
		rc = rule_logs(c, op);
	if (rc == PS_OK)
		rc = rule_crypto(c, op);
	return rc;
}
