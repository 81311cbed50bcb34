/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Event-level classification: each policy table row is a level, each
 * column a trigger, and the highest row any known fact reaches wins.
 * Used when an incident is opened or its facts change, before its clocks.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "incident/level.h"
#include "core/core.h"

#define TAB_MIIT "incident.miit2017.levels"
#define TAB_CAC "incident.cac2025.thresholds"
#define NO_OFF ((size_t)-1)

static const char *const level_names[PS_INC_LEVEL__COUNT] = {
	"none", "general", "larger", "major", "critical",
};
static const char *const level_zh[PS_INC_LEVEL__COUNT] = {
	"无", "一般", "较大", "重大", "特别重大",
};
static const char *const scope_names[PS_INC_SCOPE__COUNT] = {
	"unknown", "none", "prefecture", "province", "several_provinces",
	"national",
};

/*
 * A trigger: the column `col` of `table` compared with the count at
 * `count_off` of the facts (NO_OFF: none), and/or the scope column
 * `scope_col` with the scope at `scope_off`. Both parts must match.
 */
struct trigger {
	const char *table;
	const char *fact;
	const char *col;
	size_t count_off;
	const char *scope_col;
	size_t scope_off;
};

#define F(m) offsetof(struct ps_inc_level_facts, m)
static const struct trigger triggers[] = {
	{TAB_MIIT, "leaked_users", "leaked_users_min", F(leaked_users), NULL, 0},
	{TAB_MIIT, "outage_scope", "outage_scope", NO_OFF, "outage_scope",
	 F(outage_scope)},
	{TAB_CAC, "portal_down_minutes", "portal_down_minutes",
	 F(portal_down_minutes), "portal_scope", F(portal_scope)},
	{TAB_CAC, "cii_total_down_minutes", "cii_total_down_minutes",
	 F(cii_total_down_minutes), NULL, 0},
	{TAB_CAC, "cii_main_function_down_minutes",
	 "cii_main_function_down_minutes", F(cii_main_function_down_minutes),
	 NULL, 0},
	{TAB_CAC, "population_share_percent", "population_share_percent",
	 F(population_share_percent), "population_area", F(population_area)},
	{TAB_CAC, "people_affected", "people_affected", F(people_affected),
	 NULL, 0},
	{TAB_CAC, "pi_leaked_people", "pi_leaked_people", F(pi_leaked_people),
	 NULL, 0},
	{TAB_CAC, "direct_loss_cny", "direct_loss_cny", F(direct_loss_cny),
	 NULL, 0},
	{TAB_CAC, "defacement_homepage_minutes", "defacement_homepage_minutes",
	 F(defacement_homepage_minutes), NULL, 0},
	{TAB_CAC, "defacement_other_page_minutes",
	 "defacement_other_page_minutes", F(defacement_other_page_minutes),
	 NULL, 0},
	{TAB_CAC, "defacement_reposts", "defacement_reposts",
	 F(defacement_reposts), NULL, 0},
	{TAB_CAC, "defacement_views", "defacement_views", F(defacement_views),
	 NULL, 0},
};
#undef F

/* The scope facts, for validation. */
static const struct {
	const char *name;
	size_t off;
} scope_facts[] = {
	{"outage_scope", offsetof(struct ps_inc_level_facts, outage_scope)},
	{"portal_scope", offsetof(struct ps_inc_level_facts, portal_scope)},
	{"population_area", offsetof(struct ps_inc_level_facts, population_area)},
};

const char *ps_inc_level_name(enum ps_inc_level l)
{
	return (unsigned)l < PS_INC_LEVEL__COUNT ? level_names[l] : "unknown";
}

const char *ps_inc_level_zh(enum ps_inc_level l)
{
	return (unsigned)l < PS_INC_LEVEL__COUNT ? level_zh[l] : "未知";
}

int ps_inc_level_parse(const char *s, enum ps_inc_level *out,
		       struct ps_diag *d)
{
	for (int i = 0; s != NULL && i < PS_INC_LEVEL__COUNT; i++) {
		if (strcasecmp(s, level_names[i]) == 0 ||
		    strcmp(s, level_zh[i]) == 0) {
			*out = (enum ps_inc_level)i;
			return PS_OK;
		}
	}
	ps_diag_set(d, "unknown incident level '%s': expected 一般, 较大, 重大, "
		    "特别重大 (general, larger, major, critical) or none",
		    s ? s : "");
	return PS_EINVAL;
}

const char *ps_inc_scope_name(enum ps_inc_scope s)
{
	return (unsigned)s < PS_INC_SCOPE__COUNT ? scope_names[s] : "unknown";
}

int ps_inc_scope_parse(const char *s, enum ps_inc_scope *out,
		       struct ps_diag *d)
{
	for (int i = 1; s != NULL && i < PS_INC_SCOPE__COUNT; i++) {
		if (strcmp(s, scope_names[i]) == 0) {
			*out = (enum ps_inc_scope)i;
			return PS_OK;
		}
	}
	ps_diag_set(d, "unknown scope '%s': expected none, prefecture, "
		    "province, several_provinces or national", s ? s : "");
	return PS_EINVAL;
}

static const struct ps_inc_count *count_at(const struct ps_inc_level_facts *f,
					   size_t off)
{
	return (const struct ps_inc_count *)(const void *)((const char *)f + off);
}

static enum ps_inc_scope scope_at(const struct ps_inc_level_facts *f,
				  size_t off)
{
	enum ps_inc_scope s;

	memcpy(&s, (const char *)f + off, sizeof(s));
	return s;
}

static int check_facts(const struct ps_inc_level_facts *f, struct ps_diag *d)
{
	for (size_t i = 0; i < PS_ARRAY_LEN(triggers); i++) {
		const struct ps_inc_count *c;

		if (triggers[i].count_off == NO_OFF)
			continue;
		c = count_at(f, triggers[i].count_off);
		if (c->known && c->v < 0) {
			ps_diag_set(d, "invalid incident facts: '%s' must not "
				    "be negative (%lld)", triggers[i].fact,
				    (long long)c->v);
			return PS_EINVAL;
		}
	}
	for (size_t i = 0; i < PS_ARRAY_LEN(scope_facts); i++) {
		unsigned s = (unsigned)scope_at(f, scope_facts[i].off);

		if (s >= PS_INC_SCOPE__COUNT) {
			ps_diag_set(d, "invalid incident facts: '%s' is not a "
				    "known scope (%u)", scope_facts[i].name, s);
			return PS_EINVAL;
		}
	}
	return PS_OK;
}

/* Row `row` of `t` as a level 1..4, from its rank column. */
static int row_level(const struct ps_policy_table *t, size_t row,
		     enum ps_inc_level *out, struct ps_diag *d)
{
	int64_t rank = 0;

	if (ps_policy_table_get_int(t, row, "rank", &rank) != PS_OK ||
	    rank < PS_INC_LEVEL_GENERAL || rank > PS_INC_LEVEL_CRITICAL) {
		ps_diag_set(d, "%s:%u: table '%s' row %zu: rank must be a "
			    "level from 1 to 4", t->file, t->line, t->id,
			    row + 1);
		return PS_EINVAL;
	}
	*out = (enum ps_inc_level)rank;
	return PS_OK;
}

/*
 * Whether trigger `tr` matches row `row` of `t`; fills the comparison
 * into `r` when it does. PS_EINVAL for a malformed cell.
 */
static int match_row(const struct trigger *tr, const struct ps_policy_table *t,
		     size_t row, const struct ps_inc_level_facts *f,
		     bool *hit, struct ps_inc_level_result *r, struct ps_diag *d)
{
	int64_t thr = 0;
	enum ps_inc_scope smin = PS_INC_SCOPE_UNKNOWN, s = PS_INC_SCOPE_UNKNOWN;
	const struct ps_inc_count *c = NULL;

	*hit = false;
	if (tr->count_off != NO_OFF) {
		c = count_at(f, tr->count_off);
		if (ps_policy_table_get_int(t, row, tr->col, &thr) != PS_OK) {
			ps_diag_set(d, "%s:%u: table '%s' row %zu: '%s' must "
				    "be a number", t->file, t->line, t->id,
				    row + 1, tr->col);
			return PS_EINVAL;
		}
		if (!c->known || c->v < thr)
			return PS_OK;
	}
	if (tr->scope_col != NULL) {
		const struct ps_policy_scalar *cell =
			ps_policy_table_cell(t, row, tr->scope_col);

		if (cell == NULL ||
		    ps_inc_scope_parse(cell->text, &smin, d) != PS_OK) {
			ps_diag_set(d, "%s:%u: table '%s' row %zu: '%s' is "
				    "not a known scope", t->file, t->line,
				    t->id, row + 1, tr->scope_col);
			return PS_EINVAL;
		}
		s = scope_at(f, tr->scope_off);
		if (s == PS_INC_SCOPE_UNKNOWN || s < smin)
			return PS_OK;
	}
	*hit = true;
	r->table = t->id;
	r->source = t->source;
	r->fact = tr->fact;
	r->column = tr->col;
	r->value = c ? c->v : 0;
	r->threshold = thr;
	r->scope = s;
	r->scope_min = smin;
	return PS_OK;
}

static void describe(struct ps_inc_level_result *r)
{
	size_t n;

	if (r->level == PS_INC_LEVEL_NONE) {
		snprintf(r->rule, sizeof(r->rule), "none: no threshold met");
		return;
	}
	n = (size_t)snprintf(r->rule, sizeof(r->rule), "%s %s: ", r->table,
			     ps_inc_level_zh(r->level));
	if (n >= sizeof(r->rule))
		return;
	if (r->column != NULL && strcmp(r->fact, "outage_scope") != 0)
		n += (size_t)snprintf(r->rule + n, sizeof(r->rule) - n,
				      "%s %lld >= %lld", r->fact,
				      (long long)r->value,
				      (long long)r->threshold);
	if (n < sizeof(r->rule) && r->scope_min != PS_INC_SCOPE_UNKNOWN)
		snprintf(r->rule + n, sizeof(r->rule) - n, "%s%s %s >= %s",
			 strcmp(r->fact, "outage_scope") ? ", " : "",
			 strcmp(r->fact, "outage_scope") ? "scope" : r->fact,
			 ps_inc_scope_name(r->scope),
			 ps_inc_scope_name(r->scope_min));
}

int ps_inc_level_classify(const struct ps_policy *p,
			  const struct ps_inc_level_facts *f,
			  struct ps_inc_level_result *out, struct ps_diag *d)
{
	struct ps_inc_level_result best, cur;
	int rc;

	memset(&best, 0, sizeof(best));
	rc = check_facts(f, d);
	if (rc != PS_OK)
		return rc;
	for (size_t i = 0; i < PS_ARRAY_LEN(triggers); i++) {
		const struct trigger *tr = &triggers[i];
		const struct ps_policy_table *t = ps_policy_table_get(p, tr->table);

		if (t == NULL) {
			ps_diag_set(d, "policy: required table '%s' is "
				    "missing", tr->table);
			return PS_EINVAL;
		}
		/* Optional columns: a policy without one has no trigger. */
		if (ps_policy_table_col(t, tr->col) < 0 ||
		    (tr->scope_col && ps_policy_table_col(t, tr->scope_col) < 0))
			continue;
		for (size_t row = 0; row < t->n_rows; row++) {
			bool hit;

			memset(&cur, 0, sizeof(cur));
			rc = row_level(t, row, &cur.level, d);
			if (rc == PS_OK)
				rc = match_row(tr, t, row, f, &hit, &cur, d);
			if (rc != PS_OK)
				return rc;
			if (hit && cur.level > best.level)
				best = cur;
		}
	}
	describe(&best);
	*out = best;
	return PS_OK;
}
