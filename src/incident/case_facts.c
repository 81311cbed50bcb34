/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Facts of a stored incident (users whose data leaked, outage scope,
 * important data, reporter category...) that set its national level and
 * its clocks, and the tick job: automatic verification after a quiet
 * period, reopening of expired accepted risks, escalation of overdue
 * clocks one role up the ladder.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "core/core.h"
#include "incident/case_int.h"
#include "policy/policy.h"
#include "store/store.h"

#define CNT(f) {#f, offsetof(struct ps_inc_level_facts, f)}
static const struct {
	const char *name;
	size_t off;
} count_facts[] = {
	CNT(leaked_users), CNT(portal_down_minutes), CNT(cii_total_down_minutes),
	CNT(cii_main_function_down_minutes), CNT(population_share_percent),
	CNT(people_affected), CNT(pi_leaked_people), CNT(direct_loss_cny),
	CNT(defacement_homepage_minutes), CNT(defacement_other_page_minutes),
	CNT(defacement_reposts), CNT(defacement_views),
};

static const struct {
	const char *name;
	size_t off;
} scope_facts[] = {
	{"outage_scope", offsetof(struct ps_inc_level_facts, outage_scope)},
	{"portal_scope", offsetof(struct ps_inc_level_facts, portal_scope)},
	{"population_area", offsetof(struct ps_inc_level_facts, population_area)},
};


/* Check one key of a facts object and apply it to `lf`. */
static int fact_apply(const char *k, json_t *v, struct ps_inc_level_facts *lf,
		      struct ps_diag *d)
{
	for (size_t i = 0; i < PS_ARRAY_LEN(count_facts); i++) {
		if (strcmp(k, count_facts[i].name))
			continue;
		if (!json_is_integer(v) || json_integer_value(v) < 0) {
			ps_diag_set(d, "fact '%s' must be a whole number >= 0", k);
			return PS_EINVAL;
		}
		struct ps_inc_count *c = (void *)((char *)lf + count_facts[i].off);
		c->known = true;
		c->v = json_integer_value(v);
		return PS_OK;
	}
	for (size_t i = 0; i < PS_ARRAY_LEN(scope_facts); i++) {
		if (strcmp(k, scope_facts[i].name))
			continue;
		enum ps_inc_scope *s = (void *)((char *)lf + scope_facts[i].off);
		if (!json_is_string(v) ||
		    ps_inc_scope_parse(json_string_value(v), s, d) != PS_OK) {
			ps_diag_set(d, "fact '%s' must be one of none, prefecture, "
				    "province, several_provinces, national", k);
			return PS_EINVAL;
		}
		return PS_OK;
	}
	if (!strcmp(k, "important_data") || !strcmp(k, "own_product_vuln")) {
		if (!json_is_boolean(v)) {
			ps_diag_set(d, "fact '%s' must be true or false", k);
			return PS_EINVAL;
		}
		return PS_OK;
	}
	if (!strcmp(k, "vuln_first_known_at") || !strcmp(k, "rectify_from")) {
		if (!json_is_integer(v) || json_integer_value(v) <= 0) {
			ps_diag_set(d, "fact '%s' must be a time (microseconds "
				    "since the epoch)", k);
			return PS_EINVAL;
		}
		return PS_OK;
	}
	if (!strcmp(k, "reporter") || !strcmp(k, "rectify_severity")) {
		enum ps_inc_reporter r;
		enum ps_inc_severity sv;

		if (!json_is_string(v))
			goto bad_text;
		if (!strcmp(k, "reporter") ?
		    ps_inc_reporter_parse(json_string_value(v), &r, d) != PS_OK :
		    ps_inc_severity_parse(json_string_value(v), &sv, d) != PS_OK)
			goto bad_text;
		return PS_OK;
bad_text:
		ps_diag_set(d, "fact '%s': %s", k, !strcmp(k, "reporter") ?
			    "one of other, cii, state_organ" :
			    "one of none, low, medium, high");
		return PS_EINVAL;
	}
	ps_diag_set(d, "unknown fact '%s' (known: leaked_users, outage_scope, "
		    "people_affected, pi_leaked_people, direct_loss_cny, "
		    "important_data, own_product_vuln, reporter, rectify_severity, ...)", k);
	return PS_EINVAL;
}

/* Merge `in` into the stored facts `cur` and classify the result. */
static int facts_merge(const struct ps_policy *pol, const char *cur, json_t *in,
		       json_t **merged, struct ps_inc_level_result *lv,
		       struct ps_diag *d)
{
	struct ps_inc_level_facts lf;
	json_t *m = cur ? json_loads(cur, 0, NULL) : NULL;
	const char *k;
	json_t *v;
	int rc = PS_OK;

	if (m == NULL && (m = json_object()) == NULL)
		return PS_ENOMEM;
	json_object_update(m, in);
	memset(&lf, 0, sizeof(lf));
	json_object_foreach(m, k, v) {
		if ((rc = fact_apply(k, v, &lf, d)) != PS_OK)
			break;
	}
	if (rc == PS_OK)
		rc = ps_inc_level_classify(pol, &lf, lv, d);
	if (rc != PS_OK) {
		json_decref(m);
		return rc;
	}
	*merged = m;
	return PS_OK;
}

int ps_case_facts_check(const struct ps_policy *p, const char *json,
			struct ps_inc_level_result *lv, struct ps_diag *d)
{
	json_t *in, *m = NULL;
	json_error_t je;
	int rc;

	in = json ? json_loads(json, JSON_REJECT_DUPLICATES, &je) : NULL;
	if (in == NULL || !json_is_object(in)) {
		ps_diag_set(d, "facts: not a JSON object%s%s", in ? "" : ": ",
			    in ? "" : (json ? je.text : "empty"));
		json_decref(in);
		return PS_EINVAL;
	}
	rc = facts_merge(p, NULL, in, &m, lv, d);
	json_decref(in);
	json_decref(m);
	return rc;
}

static int write_facts(struct ps_case_ctx *cx, const struct ps_case *c, int64_t when)
{
	return ps_store_run(cx->st, NULL, "UPDATE incidents SET facts = ?, level = ?, "
			    "reporter = ?, rectify_severity = ?, updated_at = ? WHERE id = ?",
			    "ttttii", c->facts, ps_inc_level_name(c->level),
			    ps_inc_reporter_name(c->reporter),
			    ps_inc_severity_name(c->rectify_severity), when, c->id);
}

int ps_case_set_facts(struct ps_case_ctx *cx, int64_t id, const char *json,
		      int64_t when, struct ps_diag *d)
{
	struct ps_inc_level_result lv;
	struct ps_case c;
	json_t *in, *m = NULL, *v;
	json_error_t je;
	char *det = NULL;
	int rc;

	memset(&c, 0, sizeof(c));
	in = json ? json_loads(json, JSON_REJECT_DUPLICATES, &je) : NULL;
	if (in == NULL || !json_is_object(in)) {
		ps_diag_set(d, "facts: not a JSON object%s%s", in ? "" : ": ",
			    in ? "" : (json ? je.text : "empty"));
		json_decref(in);
		return PS_EINVAL;
	}
	if ((rc = ps_store_begin(cx->st)) != PS_OK) {
		json_decref(in);
		return ps_case_dbfail(cx, "begin", d);
	}
	rc = ps_case_get(cx, id, &c, d);
	if (rc == PS_OK)
		rc = facts_merge(cx->policy, c.facts, in, &m, &lv, d);
	if (rc == PS_OK) {
		ps_free(c.facts);
		c.facts = ps_case_json_dump(m);
		c.level = lv.level;
		if ((v = json_object_get(m, "reporter")) &&
		    ps_inc_reporter_parse(json_string_value(v), &c.reporter, NULL) != PS_OK)
			c.reporter = PS_INC_REPORTER_OTHER;
		if ((v = json_object_get(m, "rectify_severity")) &&
		    ps_inc_severity_parse(json_string_value(v), &c.rectify_severity,
					  NULL) != PS_OK)
			c.rectify_severity = PS_INC_SEV_NONE;
		json_object_set_new(in, "level", json_string(ps_inc_level_name(lv.level)));
		json_object_set_new(in, "level_rule", json_string(lv.rule));
		det = ps_case_json_dump(in);
		if (c.facts == NULL || det == NULL)
			rc = PS_ENOMEM;
	}
	if (rc == PS_OK && write_facts(cx, &c, when) != PS_OK)
		rc = ps_case_dbfail(cx, "update the incident", d);
	if (rc == PS_OK)
		rc = ps_case_clocks_sync(cx, &c, d);
	if (rc == PS_OK)
		rc = ps_case_log(cx, id, when, "facts", NULL, NULL, NULL, det, d);
	json_decref(in);
	json_decref(m);
	ps_free(det);
	ps_case_release(&c);
	if (rc == PS_OK)
		return ps_store_commit(cx->st) == PS_OK ? PS_OK : PS_EDB;
	ps_case_abort(cx);
	return rc;
}

/* Ids of incidents selected by `sql` with `now` bound when it has a `?`. */
static int ids_of(struct ps_case_ctx *cx, const char *sql, int64_t now,
		  struct ps_vec *ids, struct ps_diag *d)
{
	struct ps_stmt *s = NULL;
	int rc;

	rc = ps_store_prepare(cx->st, sql, &s);
	if (rc == PS_OK && strchr(sql, '?'))
		rc = ps_store_stmt_bind_int64(s, 1, now);
	while (rc == PS_OK && (rc = ps_store_stmt_step(s)) == PS_OK) {
		int64_t id = ps_store_stmt_column_int64(s, 0);

		rc = ps_vec_push(ids, &id);
	}
	ps_store_stmt_finalize(s);
	if (rc == PS_EOF)
		return PS_OK;
	return rc == PS_ENOMEM ? rc : ps_case_dbfail(cx, "select incidents", d);
}

static int tick_verify(struct ps_case_ctx *cx, int64_t id, int64_t now,
		       int64_t *n, struct ps_diag *d)
{
	struct ps_inc_transition_req req = {.who = "system", .when = now};
	int64_t quiet = cx->set.auto_verify_quiet * PS_USEC_PER_SEC;
	struct ps_case c;
	char why[160];
	int rc;

	if ((rc = ps_case_get(cx, id, &c, d)) != PS_OK)
		return rc;
	if (c.state == PS_INC_RECTIFIED &&
	    ps_inc_auto_verify_due(c.rectified_at, c.last_seen > 0 ? c.last_seen : INT64_MIN,
				   quiet, now)) {
		(void)snprintf(why, sizeof(why), "no recurrence for %" PRId64
			       " s after rectification (incident.auto_verify_quiet)",
			       cx->set.auto_verify_quiet);
		req.why = why;
		rc = ps_case_move_row(cx, &c, PS_INC_VERIFIED, &req, d);
		if (rc == PS_OK)
			rc = ps_case_log(cx, id, now, "verify", "rectified", "verified",
					 why, "{\"automatic\":true}", d);
		if (rc == PS_OK)
			(*n)++;
	}
	ps_case_release(&c);
	return rc;
}

static int tick_expire(struct ps_case_ctx *cx, int64_t id, int64_t now,
		       int64_t *n, struct ps_diag *d)
{
	struct ps_inc_transition_req req = {.who = "system", .when = now};
	char why[160], at[PS_TIME_FMT_SIZE];
	struct ps_case c;
	int rc;

	if ((rc = ps_case_get(cx, id, &c, d)) != PS_OK)
		return rc;
	if (ps_inc_accepted_risk_expired(c.state, c.risk_expiry, now)) {
		if (ps_time_fmt_iso8601(c.risk_expiry, PS_TZ_SHANGHAI, 0, at,
					sizeof(at)) != PS_OK)
			at[0] = '\0';
		(void)snprintf(why, sizeof(why), "accepted risk expired at %s", at);
		req.why = why;
		rc = ps_case_move_row(cx, &c, PS_INC_TRIAGED, &req, d);
		if (rc == PS_OK)
			rc = ps_case_log(cx, id, now, "reopen", "accepted_risk",
					 "triaged", why, NULL, d);
		if (rc == PS_OK)
			(*n)++;
	}
	ps_case_release(&c);
	return rc;
}

static int set_step(struct ps_case_ctx *cx, int64_t id, const char *kind,
		    int64_t step, struct ps_diag *d)
{
	int rc = ps_store_run(cx->st, NULL, "UPDATE incident_clocks SET escalated_step = ? "
			      "WHERE incident_id = ? AND kind = ?", "iit", step, id, kind);

	if (rc == PS_OK)
		rc = ps_store_run(cx->st, NULL, "UPDATE incidents SET escalation_step = ? "
				  "WHERE id = ? AND escalation_step < ?", "iii", step, id, step);
	return rc == PS_OK ? PS_OK : ps_case_dbfail(cx, "escalate", d);
}

/* Stored escalation step of clock `kind`. */
static int64_t stored_step(struct ps_case_ctx *cx, int64_t id, const char *kind)
{
	struct ps_stmt *s = NULL;
	int64_t v = 0;

	if (ps_store_prepare(cx->st, "SELECT escalated_step FROM incident_clocks "
			     "WHERE incident_id = ? AND kind = ?", &s) == PS_OK &&
	    ps_store_stmt_bind_int64(s, 1, id) == PS_OK &&
	    ps_store_stmt_bind_text(s, 2, kind) == PS_OK &&
	    ps_store_stmt_step(s) == PS_OK)
		v = ps_store_stmt_column_int64(s, 0);
	ps_store_stmt_finalize(s);
	return v;
}

static int tick_escalate(struct ps_case_ctx *cx, int64_t id, int64_t now,
			 int64_t *n, struct ps_diag *d)
{
	struct ps_case_clocks cs;
	struct ps_case c;
	char det[256];
	int rc;

	if ((rc = ps_case_get(cx, id, &c, d)) != PS_OK)
		return rc;
	rc = ps_case_clocks_get(cx, &c, now, &cs, d);
	for (size_t i = 0; rc == PS_OK && i < cs.n; i++) {
		const struct ps_case_clock *k = &cs.c[i];
		int64_t step = k->status.step;

		if (k->status.state != PS_INC_CLOCK_OVERDUE ||
		    step <= stored_step(cx, id, k->clock.name))
			continue;
		rc = set_step(cx, id, k->clock.name, step, d);
		(void)snprintf(det, sizeof(det),
			       "{\"clock\":\"%s\",\"deadline\":%" PRId64 ",\"step\":%"
			       PRId64 ",\"role\":\"%s\"}", k->clock.name, k->clock.deadline,
			       step, k->status.role ? k->status.role : "");
		if (rc == PS_OK)
			rc = ps_case_log(cx, id, now, "escalate", NULL, NULL,
					 k->status.role_title, det, d);
		if (rc == PS_OK)
			(*n)++;
	}
	ps_case_release(&c);
	return rc;
}

int ps_case_tick(struct ps_case_ctx *cx, int64_t now,
		 struct ps_case_tick_stats *stats, struct ps_diag *d)
{
	struct ps_vec ids;
	const char *actor = cx->actor;
	int rc;

	memset(stats, 0, sizeof(*stats));
	ps_vec_init(&ids, PS_MEM_CASES, sizeof(int64_t), SIZE_MAX);
	cx->actor = "system";
	if ((rc = ps_store_begin(cx->st)) != PS_OK) {
		rc = ps_case_dbfail(cx, "begin", d);
		goto out;
	}
	if (cx->set.auto_verify_quiet > 0)
		rc = ids_of(cx, "SELECT id FROM incidents WHERE state = 'rectified' "
			    "ORDER BY id", now, &ids, d);
	for (size_t i = 0; rc == PS_OK && i < ids.len; i++)
		rc = tick_verify(cx, *(int64_t *)ps_vec_get(&ids, i), now,
				 &stats->auto_verified, d);
	ps_vec_clear(&ids);
	if (rc == PS_OK)
		rc = ids_of(cx, "SELECT id FROM incidents WHERE state = 'accepted_risk' "
			    "AND risk_expiry <= ? ORDER BY id", now, &ids, d);
	for (size_t i = 0; rc == PS_OK && i < ids.len; i++)
		rc = tick_expire(cx, *(int64_t *)ps_vec_get(&ids, i), now,
				 &stats->risk_reopened, d);
	ps_vec_clear(&ids);
	if (rc == PS_OK)
		rc = ids_of(cx, "SELECT DISTINCT incident_id FROM incident_clocks "
			    "WHERE met_at IS NULL AND deadline < ? ORDER BY incident_id",
			    now, &ids, d);
	for (size_t i = 0; rc == PS_OK && i < ids.len; i++)
		rc = tick_escalate(cx, *(int64_t *)ps_vec_get(&ids, i), now,
				   &stats->escalated, d);
	if (rc == PS_OK)
		rc = ps_store_commit(cx->st) == PS_OK ? PS_OK :
			ps_case_dbfail(cx, "commit", d);
	else
		ps_case_abort(cx);
out:
	cx->actor = actor;
	ps_vec_release(&ids);
	return rc;
}
