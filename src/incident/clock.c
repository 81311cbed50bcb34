/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The legal clocks: from an incident's facts and the policy, the deadline
 * of every report and rectification duty that applies, and where each
 * stands now with its escalation. Called when incidents are listed or
 * their facts change; the store keeps the facts, not the clocks.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "incident/clock.h"
#include "core/core.h"

#define USEC_PER_MIN (60 * PS_USEC_PER_SEC)
#define USEC_PER_HOUR (3600 * PS_USEC_PER_SEC)
#define ID_LADDER "incident.escalation.ladder"
#define ID_RECTIFY "incident.rectification.deadlines"
#define ID_STEP "incident.escalation.step_minutes"

static const char *const reporter_names[PS_INC_REPORTER__COUNT] = {
	"other", "cii", "state_organ",
};
static const char *const severity_names[PS_INC_SEV__COUNT] = {
	"none", "low", "medium", "high",
};
static const struct {
	const char *name, *zh;
} kinds[PS_INC_CLOCK__COUNT] = {
	[PS_INC_CLOCK_CAC_REPORT] = {"cac_report", "网信部门事件报告"},
	[PS_INC_CLOCK_CAC_FINAL] = {"cac_final_report", "事件总结报告"},
	[PS_INC_CLOCK_MIIT_REPORT] = {"miit_report", "工信部应急报告"},
	[PS_INC_CLOCK_VULN_REPORT] = {"vuln_report", "漏洞报送"},
	[PS_INC_CLOCK_DATASEC_REPORT] = {"datasec_report", "数据安全事件报告"},
	[PS_INC_CLOCK_RECTIFY] = {"rectification", "整改期限"},
};
static const char *const state_names[] = {
	"pending", "met", "met_late", "overdue",
};

/* Per reporter: the CAC report period and its escalation interval. */
static const struct {
	const char *report_id;
	int64_t report_unit;
	const char *step_id;
	int64_t step_unit;
} cac_ids[PS_INC_REPORTER__COUNT] = {
	[PS_INC_REPORTER_OTHER] = {"incident.cac2025.other_report_hours",
				   USEC_PER_HOUR,
				   "incident.cac2025.provincial_escalation_hours",
				   USEC_PER_HOUR},
	[PS_INC_REPORTER_CII] = {"incident.cac2025.cii_report_hours",
				 USEC_PER_HOUR,
				 "incident.cac2025.cii_escalation_minutes",
				 USEC_PER_MIN},
	[PS_INC_REPORTER_STATE_ORGAN] = {
		"incident.cac2025.state_organ_report_hours", USEC_PER_HOUR,
		"incident.cac2025.state_organ_escalation_hours", USEC_PER_HOUR},
};

const char *ps_inc_reporter_name(enum ps_inc_reporter r)
{
	return (unsigned)r < PS_INC_REPORTER__COUNT ? reporter_names[r]
						     : "unknown";
}

const char *ps_inc_severity_name(enum ps_inc_severity s)
{
	return (unsigned)s < PS_INC_SEV__COUNT ? severity_names[s] : "unknown";
}

const char *ps_inc_clock_kind_name(enum ps_inc_clock_kind k)
{
	return (unsigned)k < PS_INC_CLOCK__COUNT ? kinds[k].name : "unknown";
}

const char *ps_inc_clock_state_name(enum ps_inc_clock_state s)
{
	return (unsigned)s < PS_ARRAY_LEN(state_names) ? state_names[s]
						       : "unknown";
}

static int name_index(const char *s, const char *const *names, int n)
{
	for (int i = 0; s != NULL && i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

int ps_inc_reporter_parse(const char *s, enum ps_inc_reporter *out,
			  struct ps_diag *d)
{
	int i = name_index(s, reporter_names, PS_INC_REPORTER__COUNT);

	if (i < 0) {
		ps_diag_set(d, "unknown reporter category '%s': expected cii, "
			    "state_organ or other", s ? s : "");
		return PS_EINVAL;
	}
	*out = (enum ps_inc_reporter)i;
	return PS_OK;
}

int ps_inc_severity_parse(const char *s, enum ps_inc_severity *out,
			  struct ps_diag *d)
{
	int i = name_index(s, severity_names, PS_INC_SEV__COUNT);

	if (i < 0) {
		ps_diag_set(d, "unknown severity '%s': expected high, medium, "
			    "low or none", s ? s : "");
		return PS_EINVAL;
	}
	*out = (enum ps_inc_severity)i;
	return PS_OK;
}

/* An integer policy value as µs: value * unit, without overflow. */
static int period_us(const struct ps_policy *p, const char *id, int64_t unit,
		     const struct ps_policy_value **vout, int64_t *out,
		     struct ps_diag *d)
{
	const struct ps_policy_value *v = ps_policy_value_get(p, id);

	if (v == NULL || v->v.kind != PS_POLICY_INT) {
		ps_diag_set(d, "policy: '%s' is missing or not a number", id);
		return PS_EINVAL;
	}
	if (v->v.num < 0 || __builtin_mul_overflow(v->v.num, unit, out)) {
		ps_diag_set(d, "%s:%u: '%s' is out of range", v->file, v->line,
			    id);
		return PS_EINVAL;
	}
	*vout = v;
	return PS_OK;
}

/* Append a clock starting at `start` lasting `len` µs. */
static int add(struct ps_inc_clocks *cs, enum ps_inc_clock_kind k,
	       int64_t start, int64_t len, struct ps_diag *d,
	       struct ps_inc_clock **out)
{
	struct ps_inc_clock *c = &cs->c[cs->n];

	memset(c, 0, sizeof(*c));
	c->kind = k;
	c->name = kinds[k].name;
	c->zh = kinds[k].zh;
	c->start = start;
	if (__builtin_add_overflow(start, len, &c->deadline)) {
		ps_diag_set(d, "invalid incident facts: the %s deadline is out "
			    "of range", kinds[k].name);
		return PS_EINVAL;
	}
	cs->n++;
	*out = c;
	return PS_OK;
}

static void from_value(struct ps_inc_clock *c, const struct ps_policy_value *v)
{
	c->policy_id = v->id;
	c->source = v->source;
	c->status = ps_policy_status_name(v->status);
}

/* A clock whose period is one policy value; steps by the default. */
static int add_value_clock(const struct ps_policy *p, struct ps_inc_clocks *cs,
			   enum ps_inc_clock_kind k, int64_t start,
			   const char *id, int64_t unit, struct ps_diag *d)
{
	const struct ps_policy_value *v, *sv;
	struct ps_inc_clock *c;
	int64_t len, step;
	int rc;

	rc = period_us(p, id, unit, &v, &len, d);
	if (rc == PS_OK)
		rc = period_us(p, ID_STEP, USEC_PER_MIN, &sv, &step, d);
	if (rc == PS_OK)
		rc = add(cs, k, start, len, d, &c);
	if (rc != PS_OK)
		return rc;
	from_value(c, v);
	c->step_us = step;
	c->step_id = sv->id;
	return PS_OK;
}

static int positive_step(const struct ps_policy_value *v, int64_t step,
			 struct ps_diag *d)
{
	if (step > 0)
		return PS_OK;
	ps_diag_set(d, "%s:%u: '%s' must be more than 0", v->file, v->line,
		    v->id);
	return PS_EINVAL;
}

/* The CAC report and, once handling ended, the final report. */
static int add_cac(const struct ps_policy *p, const struct ps_inc_clock_facts *f,
		   struct ps_inc_clocks *cs, struct ps_diag *d)
{
	const char *gate = "incident.cac2025.report_min_level", *min_text;
	const struct ps_policy_value *v, *sv;
	enum ps_inc_level min = PS_INC_LEVEL_NONE;
	struct ps_inc_clock *c;
	int64_t len, step;
	int rc;

	if (ps_policy_get_text(p, gate, &min_text) != PS_OK ||
	    ps_inc_level_parse(min_text, &min, d) != PS_OK ||
	    min == PS_INC_LEVEL_NONE) {
		ps_diag_set(d, "policy: '%s' must be a level (一般 to 特别重大)",
			    gate);
		return PS_EINVAL;
	}
	if (f->level < min)
		return PS_OK;
	rc = period_us(p, cac_ids[f->reporter].report_id,
		       cac_ids[f->reporter].report_unit, &v, &len, d);
	if (rc == PS_OK)
		rc = period_us(p, cac_ids[f->reporter].step_id,
			       cac_ids[f->reporter].step_unit, &sv, &step, d);
	if (rc == PS_OK)
		rc = positive_step(sv, step, d);
	if (rc == PS_OK)
		rc = add(cs, PS_INC_CLOCK_CAC_REPORT, f->detected_at, len, d, &c);
	if (rc != PS_OK)
		return rc;
	from_value(c, v);
	c->gate_id = gate;
	c->step_us = step;
	c->step_id = sv->id;
	if (!f->handling_ended)
		return PS_OK;
	rc = add_value_clock(p, cs, PS_INC_CLOCK_CAC_FINAL, f->handling_ended_at,
			     "incident.cac2025.final_report_days",
			     PS_USEC_PER_DAY, d);
	if (rc == PS_OK)
		cs->c[cs->n - 1].gate_id = gate;
	return rc;
}

/* The rectification clock: days by severity from the policy table. */
static int add_rectify(const struct ps_policy *p,
		       const struct ps_inc_clock_facts *f,
		       struct ps_inc_clocks *cs, struct ps_diag *d)
{
	const struct ps_policy_table *t = ps_policy_table_get(p, ID_RECTIFY);
	const char *sev = severity_names[f->severity];
	int64_t days = 0, len, step;
	const struct ps_policy_value *sv;
	struct ps_inc_clock *c;
	long row;
	int rc;

	if (t == NULL) {
		ps_diag_set(d, "policy: required table '%s' is missing",
			    ID_RECTIFY);
		return PS_EINVAL;
	}
	row = ps_policy_table_find(t, "severity", sev);
	if (row < 0 || ps_policy_table_get_int(t, (size_t)row, "days",
					       &days) != PS_OK ||
	    days < 0 || __builtin_mul_overflow(days, PS_USEC_PER_DAY, &len)) {
		ps_diag_set(d, "%s:%u: table '%s' has no valid row for "
			    "severity '%s'", t->file, t->line, t->id, sev);
		return PS_EINVAL;
	}
	rc = period_us(p, ID_STEP, USEC_PER_MIN, &sv, &step, d);
	if (rc == PS_OK)
		rc = positive_step(sv, step, d);
	if (rc == PS_OK)
		rc = add(cs, PS_INC_CLOCK_RECTIFY,
			 f->rectify_from ? f->rectify_from : f->detected_at, len,
			 d, &c);
	if (rc != PS_OK)
		return rc;
	c->policy_id = t->id;
	c->source = t->source;
	c->status = ps_policy_status_name(t->status);
	c->step_us = step;
	c->step_id = sv->id;
	return PS_OK;
}

static int bad_fact(struct ps_diag *d, const char *field, const char *what)
{
	ps_diag_set(d, "invalid incident facts: '%s' %s", field, what);
	return PS_EINVAL;
}

static int check_facts(const struct ps_inc_clock_facts *f, struct ps_diag *d)
{
	if (f->detected_at <= 0)
		return bad_fact(d, "detected_at", "is required");
	if ((unsigned)f->level >= PS_INC_LEVEL__COUNT)
		return bad_fact(d, "level", "is not a known level");
	if ((unsigned)f->reporter >= PS_INC_REPORTER__COUNT)
		return bad_fact(d, "reporter", "is not cii, state_organ or other");
	if ((unsigned)f->severity >= PS_INC_SEV__COUNT)
		return bad_fact(d, "severity", "is not high, medium, low or none");
	if (f->own_product_vuln && f->vuln_first_known_at <= 0)
		return bad_fact(d, "vuln_first_known_at", "is required");
	if (f->handling_ended && f->handling_ended_at < f->detected_at)
		return bad_fact(d, "handling_ended_at",
				"is before 'detected_at'");
	if (f->rectify_from < 0)
		return bad_fact(d, "rectify_from", "must not be negative");
	return PS_OK;
}

int ps_inc_clocks_compute(const struct ps_policy *p,
			  const struct ps_inc_clock_facts *f,
			  struct ps_inc_clocks *out, struct ps_diag *d)
{
	int rc;

	memset(out, 0, sizeof(*out));
	rc = check_facts(f, d);
	if (rc == PS_OK)
		rc = add_cac(p, f, out, d);
	if (rc == PS_OK && f->level >= PS_INC_LEVEL_GENERAL)
		rc = add_value_clock(p, out, PS_INC_CLOCK_MIIT_REPORT,
				     f->detected_at,
				     "incident.miit2017.report_sla_minutes",
				     USEC_PER_MIN, d);
	if (rc == PS_OK && f->own_product_vuln)
		rc = add_value_clock(p, out, PS_INC_CLOCK_VULN_REPORT,
				     f->vuln_first_known_at,
				     "vuln.report.sla_hours", USEC_PER_HOUR, d);
	if (rc == PS_OK && f->important_data)
		rc = add_value_clock(p, out, PS_INC_CLOCK_DATASEC_REPORT,
				     f->detected_at,
				     "incident.datasec.report_sla_minutes",
				     USEC_PER_MIN, d);
	if (rc == PS_OK && f->severity != PS_INC_SEV_NONE)
		rc = add_rectify(p, f, out, d);
	if (rc != PS_OK)
		memset(out, 0, sizeof(*out));
	return rc;
}

const struct ps_inc_clock *ps_inc_clocks_find(const struct ps_inc_clocks *cs,
					      enum ps_inc_clock_kind k)
{
	for (size_t i = 0; i < cs->n; i++)
		if (cs->c[i].kind == k)
			return &cs->c[i];
	return NULL;
}

/* The ladder row of rank min(step, top rank); out->step is capped at the
 * top rank. */
static int ladder_role(const struct ps_policy *p, unsigned step,
		       struct ps_inc_clock_status *out, struct ps_diag *d)
{
	const struct ps_policy_table *t = ps_policy_table_get(p, ID_LADDER);
	const struct ps_policy_scalar *role, *title;
	long best = -1;
	int64_t best_rank = -1, top = 0;

	for (size_t row = 0; t != NULL && row < t->n_rows; row++) {
		int64_t rank;

		if (ps_policy_table_get_int(t, row, "rank", &rank) != PS_OK)
			break;
		if (rank > top)
			top = rank;
		if (rank <= (int64_t)step && rank > best_rank) {
			best = (long)row;
			best_rank = rank;
		}
	}
	/* steps beyond the top of the ladder change nobody */
	if ((int64_t)out->step > top)
		out->step = (unsigned)top;
	if (t == NULL || best < 0) {
		ps_diag_set(d, "policy: table '%s' is missing or has no rank 0 "
			    "row", ID_LADDER);
		return PS_EINVAL;
	}
	role = ps_policy_table_cell(t, (size_t)best, "role");
	title = ps_policy_table_cell(t, (size_t)best, "title");
	if (role == NULL || title == NULL) {
		ps_diag_set(d, "%s:%u: table '%s' needs columns 'role' and "
			    "'title'", t->file, t->line, t->id);
		return PS_EINVAL;
	}
	out->role = role->text;
	out->role_title = title->text;
	return PS_OK;
}

/* Escalation steps for `late` µs past the deadline: 1 + (late-1)/step. */
static unsigned steps_for(int64_t late, int64_t step_us)
{
	int64_t n;

	if (step_us <= 0)
		return 1;
	n = 1 + (late - 1) / step_us;
	return n > 1000 ? 1000u : (unsigned)n;
}

int ps_inc_clock_check(const struct ps_policy *p, const struct ps_inc_clock *c,
		       bool met, int64_t met_at, int64_t now,
		       struct ps_inc_clock_status *out, struct ps_diag *d)
{
	int64_t late = 0;

	memset(out, 0, sizeof(*out));
	if (met) {
		out->state = met_at <= c->deadline ? PS_INC_CLOCK_MET
						   : PS_INC_CLOCK_MET_LATE;
		if (out->state == PS_INC_CLOCK_MET_LATE &&
		    __builtin_sub_overflow(met_at, c->deadline, &late))
			late = INT64_MAX;
	} else if (now <= c->deadline) {
		out->state = PS_INC_CLOCK_PENDING;
	} else {
		out->state = PS_INC_CLOCK_OVERDUE;
		if (__builtin_sub_overflow(now, c->deadline, &late))
			late = INT64_MAX;
		out->step = steps_for(late, c->step_us);
	}
	out->late_us = late;
	return ladder_role(p, out->step, out, d);
}

int ps_inc_clock_fmt(const struct ps_inc_clock *c, char *buf, size_t len)
{
	char due[PS_TIME_FMT_SIZE];
	int n;

	if (ps_time_fmt_iso8601(c->deadline, PS_TZ_SHANGHAI, PS_TIME_FMT_SEC,
				due, sizeof(due)) != PS_OK)
		snprintf(due, sizeof(due), "(out of range)");
	n = snprintf(buf, len, "%s %s: due %s (%s, %s)", c->name, c->zh, due,
		     c->policy_id ? c->policy_id : "-",
		     c->source ? c->source : "-");
	return n >= 0 && (size_t)n < len ? PS_OK : PS_ELIMIT;
}
