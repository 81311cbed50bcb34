/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading stored incidents, their history, evidence and clocks, and the
 * shared writers every action uses: the history row with its audit record
 * and the synchronisation of the incident_clocks table.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "core/core.h"
#include "audit/audit.h"
#include "incident/case_int.h"
#include "policy/policy.h"
#include "store/store.h"

void ps_case_release(struct ps_case *c)
{
	char **s[] = {&c->group_key, &c->kind, &c->title, &c->category,
		      &c->indicator, &c->asset_ip, &c->peer_ip, &c->asset,
		      &c->unit, &c->operator_key, &c->dept, &c->person,
		      &c->assignee, &c->facts};

	for (size_t i = 0; i < PS_ARRAY_LEN(s); i++) {
		ps_free(*s[i]);
		*s[i] = NULL;
	}
}

void ps_case_ref(int64_t id, char *buf, size_t n)
{
	(void)snprintf(buf, n, "INC-%06" PRId64, id);
}

int ps_case_ref_parse(const char *s, int64_t *id, struct ps_diag *d)
{
	const char *p = s;
	char *end;
	long long v;

	if (s == NULL)
		goto bad;
	if (!strncasecmp(p, "INC-", 4))
		p += 4;
	if (*p < '0' || *p > '9')
		goto bad;
	errno = 0;
	v = strtoll(p, &end, 10);
	if (errno || *end || v < 1)
		goto bad;
	*id = v;
	return PS_OK;
bad:
	ps_diag_set(d, "'%s' is not an incident id (INC-000001 or 1)",
		    s ? s : "");
	return PS_EINVAL;
}

char *ps_case_json_dump(const json_t *j)
{
	size_t n = json_dumpb(j, NULL, 0, JSON_COMPACT | JSON_SORT_KEYS);
	char *out;

	if (n == 0 || (out = ps_malloc(PS_MEM_CASES, n + 1)) == NULL)
		return NULL;
	(void)json_dumpb(j, out, n, JSON_COMPACT | JSON_SORT_KEYS);
	out[n] = '\0';
	return out;
}

void ps_case_abort(struct ps_case_ctx *cx)
{
	if (ps_store_rollback(cx->st) != PS_OK)
		return;
}

int ps_case_dbfail(struct ps_case_ctx *cx, const char *what, struct ps_diag *d)
{
	ps_diag_set(d, "cannot %s: %s", what, ps_store_errmsg(cx->st));
	return PS_EDB;
}

static int dup_col(struct ps_stmt *s, int col, char **out)
{
	const char *v = ps_store_stmt_column_text(s, col);

	*out = NULL;
	if (v == NULL || !*v)
		return PS_OK;
	*out = ps_strdup(PS_MEM_CASES, v);
	return *out ? PS_OK : PS_ENOMEM;
}

int ps_case_row_read(struct ps_stmt *s, struct ps_case *c)
{
	char **txt[] = {&c->group_key, &c->kind, &c->title, &c->category};
	char **txt2[] = {&c->indicator, &c->asset_ip, &c->peer_ip, &c->asset,
			 &c->unit, &c->operator_key, &c->dept, &c->person,
			 &c->assignee};
	const char *v;
	int rc = PS_OK;

	ps_case_release(c);
	memset(c, 0, sizeof(*c));
	c->id = ps_store_stmt_column_int64(s, 0);
	for (size_t i = 0; i < PS_ARRAY_LEN(txt) && rc == PS_OK; i++)
		rc = dup_col(s, 1 + (int)i, txt[i]);
	c->severity = (int)ps_store_stmt_column_int64(s, 5);
	v = ps_store_stmt_column_text(s, 6);
	if (v == NULL || ps_inc_level_parse(v, &c->level, NULL) != PS_OK)
		c->level = PS_INC_LEVEL_NONE;
	v = ps_store_stmt_column_text(s, 7);
	if (v == NULL || ps_inc_state_parse(v, &c->state, NULL) != PS_OK)
		c->state = PS_INC_NEW;
	for (size_t i = 0; i < PS_ARRAY_LEN(txt2) && rc == PS_OK; i++)
		rc = dup_col(s, 8 + (int)i, txt2[i]);
	c->first_seen = ps_store_stmt_column_int64(s, 17);
	c->last_seen = ps_store_stmt_column_int64(s, 18);
	c->event_count = ps_store_stmt_column_int64(s, 19);
	c->reopen_count = ps_store_stmt_column_int64(s, 20);
	c->vuln = ps_store_stmt_column_int64(s, 21) != 0;
	v = ps_store_stmt_column_text(s, 22);
	if (v == NULL || ps_inc_severity_parse(v, &c->rectify_severity, NULL) != PS_OK)
		c->rectify_severity = PS_INC_SEV_NONE;
	v = ps_store_stmt_column_text(s, 23);
	if (v == NULL || ps_inc_reporter_parse(v, &c->reporter, NULL) != PS_OK)
		c->reporter = PS_INC_REPORTER_OTHER;
	c->state_since = ps_store_stmt_column_int64(s, 24);
	c->rectified_at = ps_store_stmt_column_int64(s, 25);
	c->handling_ended_at = ps_store_stmt_column_int64(s, 26);
	c->risk_expiry = ps_store_stmt_column_int64(s, 27);
	c->escalation_step = ps_store_stmt_column_int64(s, 28);
	if (rc == PS_OK)
		rc = dup_col(s, 29, &c->facts);
	c->created_at = ps_store_stmt_column_int64(s, 30);
	c->updated_at = ps_store_stmt_column_int64(s, 31);
	return rc;
}

int ps_case_get(struct ps_case_ctx *cx, int64_t id, struct ps_case *out,
		struct ps_diag *d)
{
	struct ps_stmt *s = NULL;
	char ref[32];
	int rc;

	memset(out, 0, sizeof(*out));
	rc = ps_store_prepare(cx->st, "SELECT " PS_CASE_COLS
			      " FROM incidents WHERE id = ?", &s);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_int64(s, 1, id);
	if (rc == PS_OK)
		rc = ps_store_stmt_step(s);
	if (rc == PS_OK) {
		rc = ps_case_row_read(s, out);
	} else if (rc == PS_EOF) {
		ps_case_ref(id, ref, sizeof(ref));
		ps_diag_set(d, "no incident %s", ref);
		rc = PS_ENOENT;
	} else {
		rc = ps_case_dbfail(cx, "read the incident", d);
	}
	ps_store_stmt_finalize(s);
	return rc;
}

/* The WHERE clause of a list and its bindings, in order. */
struct list_sql {
	char sql[2048];
	size_t n;
	const char *text[6 + PS_CASE_FILTER_MAX_UNITS];
	size_t ntext;
};

static void sql_add(struct list_sql *q, const char *s)
{
	int k = snprintf(q->sql + q->n, sizeof(q->sql) - q->n, "%s", s);

	if (k > 0)
		q->n = q->n + (size_t)k < sizeof(q->sql) ? q->n + (size_t)k :
			sizeof(q->sql) - 1;
}

/* " AND col = ?" with its binding when v is set. */
static void sql_eq(struct list_sql *q, const char *col, const char *v)
{
	if (v == NULL)
		return;
	sql_add(q, " AND ");
	sql_add(q, col);
	sql_add(q, " = ?");
	q->text[q->ntext++] = v;
}

static void sql_units(struct list_sql *q, const struct ps_case_filter *f)
{
	if (!f->units_only && f->nunits == 0)
		return;
	if (f->nunits == 0) {
		sql_add(q, " AND 1 = 0");
		return;
	}
	sql_add(q, " AND unit IN (");
	for (size_t i = 0; i < f->nunits; i++) {
		sql_add(q, i ? ", ?" : "?");
		q->text[q->ntext++] = f->units[i];
	}
	sql_add(q, ")");
}

static int list_where(const struct ps_case_filter *f, const char *what,
		      const char *table, struct list_sql *q, struct ps_diag *d)
{
	q->n = 0;
	q->ntext = 0;
	if (f->nunits > PS_CASE_FILTER_MAX_UNITS) {
		ps_diag_set(d, "too many units in a filter (%zu, at most %d)",
			    f->nunits, PS_CASE_FILTER_MAX_UNITS);
		return PS_EINVAL;
	}
	sql_add(q, what);
	sql_add(q, " FROM ");
	sql_add(q, table);
	sql_add(q, " WHERE 1 = 1");
	if (f->state && !strcmp(f->state, "open"))
		sql_add(q, " AND state NOT IN ('closed', 'verified', 'false_positive')");
	else
		sql_eq(q, "state", f->state);
	sql_eq(q, "unit", f->unit);
	sql_eq(q, "kind", f->kind);
	sql_eq(q, "assignee", f->assignee);
	sql_eq(q, "level", f->level);
	sql_units(q, f);
	if (f->overdue_only)
		sql_add(q, " AND id IN (SELECT incident_id FROM incident_clocks "
			"WHERE met_at IS NULL AND deadline < ?)");
	return PS_OK;
}

/* " ORDER BY <sort> <dir>, id <dir>" from a known field (severity and
 * evidence count then by last_seen, the newest first among equals), then
 * " LIMIT ? OFFSET ?" when `page`. */
static int list_order(const struct ps_case_filter *f, struct list_sql *q, bool page,
		      struct ps_diag *d)
{
	static const char *const sorts[] = {
		"last_seen", "first_seen", "severity", "id", "event_count",
	};
	const char *col = f->sort ? f->sort : "last_seen";
	const char *dir = f->asc ? " ASC" : " DESC";
	size_t i;

	for (i = 0; i < PS_ARRAY_LEN(sorts); i++)
		if (!strcmp(col, sorts[i]))
			break;
	if (i == PS_ARRAY_LEN(sorts)) {
		ps_diag_set(d, "cannot sort incidents by '%s' (last_seen, first_seen, "
			    "severity, id, event_count)", col);
		return PS_EINVAL;
	}
	sql_add(q, " ORDER BY ");
	sql_add(q, sorts[i]);
	sql_add(q, dir);
	if (!strcmp(sorts[i], "severity") || !strcmp(sorts[i], "event_count")) {
		sql_add(q, ", last_seen");
		sql_add(q, dir);
	}
	if (strcmp(sorts[i], "id")) {
		sql_add(q, ", id");
		sql_add(q, dir);
	}
	if (page)
		sql_add(q, " LIMIT ? OFFSET ?");
	return PS_OK;
}

/* Bind the WHERE clause's values from index *next, which gets the next one. */
static int list_bind(struct ps_stmt *s, const struct ps_case_filter *f,
		     const struct list_sql *q, int *next)
{
	int rc = PS_OK, i = *next;

	for (size_t k = 0; rc == PS_OK && k < q->ntext; k++)
		rc = ps_store_stmt_bind_text(s, i++, q->text[k]);
	if (rc == PS_OK && f->overdue_only)
		rc = ps_store_stmt_bind_int64(s, i++, f->now);
	*next = i;
	return rc;
}

int ps_case_list(struct ps_case_ctx *cx, const struct ps_case_filter *f,
		 ps_case_fn fn, void *arg, struct ps_diag *d)
{
	static const struct ps_case_filter all;
	struct list_sql q;
	struct ps_stmt *s = NULL;
	struct ps_case c;
	int rc, i = 2; /* after the overdue column's time */

	if (f == NULL)
		f = &all;
	memset(&c, 0, sizeof(c));
	/* The page is chosen on ids alone, so a sort without an index
	 * orders narrow rows; then the page's rows are read by id. */
	if ((rc = list_where(f, "SELECT " PS_CASE_COLS ", CASE WHEN EXISTS (SELECT 1 "
			     "FROM incident_clocks k WHERE k.incident_id = incidents.id AND "
			     "k.met_at IS NULL AND k.deadline < ?) THEN 1 ELSE 0 END "
			     "FROM incidents WHERE id IN (SELECT id", "incidents", &q, d)) != PS_OK ||
	    (rc = list_order(f, &q, true, d)) != PS_OK)
		return rc;
	sql_add(&q, ")");
	(void)list_order(f, &q, false, d);
	rc = ps_store_prepare(cx->st, q.sql, &s);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_int64(s, 1, f->now);
	if (rc == PS_OK)
		rc = list_bind(s, f, &q, &i);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_int64(s, i++, f->limit > 0 ? f->limit : INT64_MAX);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_int64(s, i++, f->offset > 0 ? f->offset : 0);
	if (rc != PS_OK) {
		rc = ps_case_dbfail(cx, "list incidents", d);
		goto out;
	}
	while ((rc = ps_store_stmt_step(s)) == PS_OK) {
		if ((rc = ps_case_row_read(s, &c)) != PS_OK)
			break;
		c.overdue = ps_store_stmt_column_int64(s, PS_CASE_NCOLS) != 0;
		if ((rc = fn(arg, &c)) != 0)
			break;
	}
	if (rc == PS_EOF)
		rc = PS_OK;
	else if (rc == PS_EDB)
		rc = ps_case_dbfail(cx, "list incidents", d);
out:
	ps_case_release(&c);
	ps_store_stmt_finalize(s);
	return rc;
}

/* Whether incident_counts (migration 7) answers f: its filters are all
 * columns of it. An empty unit is how the table spells "no unit", which a
 * filter on incidents never matches, so it is counted the long way. */
static bool counted(const struct ps_case_filter *f)
{
	if (f->assignee || f->overdue_only || (f->unit && !*f->unit))
		return false;
	for (size_t i = 0; i < f->nunits; i++)
		if (f->units[i] && !*f->units[i])
			return false;
	return true;
}

int ps_case_count(struct ps_case_ctx *cx, const struct ps_case_filter *f,
		  int64_t *n, struct ps_diag *d)
{
	static const struct ps_case_filter all;
	struct list_sql q;
	struct ps_stmt *s = NULL;
	int rc, i = 1;

	*n = 0;
	if (f == NULL)
		f = &all;
	if (counted(f))
		rc = list_where(f, "SELECT coalesce(sum(n), 0)", "incident_counts", &q, d);
	else
		rc = list_where(f, "SELECT count(*)", "incidents", &q, d);
	if (rc != PS_OK)
		return rc;
	rc = ps_store_prepare(cx->st, q.sql, &s);
	if (rc == PS_OK)
		rc = list_bind(s, f, &q, &i);
	if (rc == PS_OK)
		rc = ps_store_stmt_step(s);
	if (rc == PS_OK)
		*n = ps_store_stmt_column_int64(s, 0);
	else
		rc = ps_case_dbfail(cx, "count incidents", d);
	ps_store_stmt_finalize(s);
	return rc;
}

int ps_case_history_list(struct ps_case_ctx *cx, int64_t id,
			 ps_case_history_fn fn, void *arg, struct ps_diag *d)
{
	struct ps_stmt *s = NULL;
	struct ps_case_history h;
	int rc;

	rc = ps_store_prepare(cx->st,
			      "SELECT id, ts, actor, action, from_state, to_state, "
			      "reason, details FROM incident_history WHERE "
			      "incident_id = ? ORDER BY id", &s);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_int64(s, 1, id);
	while (rc == PS_OK && (rc = ps_store_stmt_step(s)) == PS_OK) {
		h.id = ps_store_stmt_column_int64(s, 0);
		h.ts = ps_store_stmt_column_int64(s, 1);
		h.actor = ps_store_stmt_column_text(s, 2);
		h.action = ps_store_stmt_column_text(s, 3);
		h.from_state = ps_store_stmt_column_text(s, 4);
		h.to_state = ps_store_stmt_column_text(s, 5);
		h.reason = ps_store_stmt_column_text(s, 6);
		h.details = ps_store_stmt_column_text(s, 7);
		rc = fn(arg, &h);
	}
	if (rc == PS_EOF)
		rc = PS_OK;
	else if (rc == PS_EDB)
		rc = ps_case_dbfail(cx, "read the incident history", d);
	ps_store_stmt_finalize(s);
	return rc;
}

int ps_case_events_list(struct ps_case_ctx *cx, int64_t id, int64_t limit,
			ps_case_event_fn fn, void *arg, struct ps_diag *d)
{
	struct ps_stmt *s = NULL;
	int rc;

	rc = ps_store_prepare(cx->st,
			      "SELECT event_id, ts FROM incident_events WHERE "
			      "incident_id = ? ORDER BY ts, event_id LIMIT ?", &s);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_int64(s, 1, id);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_int64(s, 2, limit > 0 ? limit : INT64_MAX);
	while (rc == PS_OK && (rc = ps_store_stmt_step(s)) == PS_OK)
		rc = fn(arg, ps_store_stmt_column_int64(s, 0),
			ps_store_stmt_column_int64(s, 1));
	if (rc == PS_EOF)
		rc = PS_OK;
	else if (rc == PS_EDB)
		rc = ps_case_dbfail(cx, "read the incident evidence", d);
	ps_store_stmt_finalize(s);
	return rc;
}

int ps_case_log(struct ps_case_ctx *cx, int64_t id, int64_t when,
		const char *action, const char *from, const char *to,
		const char *reason, const char *details, struct ps_diag *d)
{
	struct ps_stmt *s = NULL;
	json_t *o = NULL, *det = NULL;
	char ref[32], act[64], *js = NULL;
	int rc;

	rc = ps_store_prepare(cx->st,
			      "INSERT INTO incident_history (incident_id, ts, actor, "
			      "action, from_state, to_state, reason, details) "
			      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", &s);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_int64(s, 1, id);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_int64(s, 2, when);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_text(s, 3, cx->actor ? cx->actor : "system");
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_text(s, 4, action);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_text(s, 5, from);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_text(s, 6, to);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_text(s, 7, reason);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_text(s, 8, details);
	if (rc == PS_OK && (rc = ps_store_stmt_step(s)) == PS_EOF)
		rc = PS_OK;
	ps_store_stmt_finalize(s);
	if (rc != PS_OK)
		return ps_case_dbfail(cx, "record the incident history", d);
	if (cx->audit == NULL)
		return PS_OK;
	/* The audit record repeats the history row, so the trail alone
	 * tells the incident's story and covers the history table. */
	o = json_object();
	if (o == NULL)
		return PS_ENOMEM;
	if (from)
		json_object_set_new(o, "from", json_string(from));
	if (to)
		json_object_set_new(o, "to", json_string(to));
	if (reason)
		json_object_set_new(o, "reason", json_string(reason));
	if (details && (det = json_loads(details, 0, NULL)))
		json_object_set_new(o, "details", det);
	js = ps_case_json_dump(o);
	json_decref(o);
	if (js == NULL)
		return PS_ENOMEM;
	ps_case_ref(id, ref, sizeof(ref));
	(void)snprintf(act, sizeof(act), "incident.%s", action);
	{
		char obj[48];

		(void)snprintf(obj, sizeof(obj), "incident:%s", ref);
		rc = ps_audit_append(cx->audit, when, cx->actor ? cx->actor : "system",
				     act, obj, js, NULL, d);
	}
	ps_free(js);
	return rc;
}

int64_t ps_case_fact_int(const char *facts, const char *k, int64_t def)
{
	json_t *o, *v;
	int64_t r = def;

	if (facts == NULL || (o = json_loads(facts, 0, NULL)) == NULL)
		return def;
	v = json_object_get(o, k);
	if (json_is_integer(v))
		r = json_integer_value(v);
	json_decref(o);
	return r;
}

/* The clock facts of a stored incident. */
static void clock_facts(const struct ps_case *c, struct ps_inc_clock_facts *f)
{
	json_t *o = c->facts ? json_loads(c->facts, 0, NULL) : NULL;
	json_t *v;

	memset(f, 0, sizeof(*f));
	f->detected_at = c->created_at;
	f->level = c->level;
	f->reporter = c->reporter;
	f->severity = c->rectify_severity;
	f->rectify_from = c->created_at;
	if (c->handling_ended_at > 0) {
		f->handling_ended = true;
		f->handling_ended_at = c->handling_ended_at;
	}
	if (o == NULL)
		return;
	f->important_data = json_is_true(json_object_get(o, "important_data"));
	f->own_product_vuln = json_is_true(json_object_get(o, "own_product_vuln"));
	v = json_object_get(o, "vuln_first_known_at");
	if (json_is_integer(v))
		f->vuln_first_known_at = json_integer_value(v);
	else if (f->own_product_vuln)
		f->vuln_first_known_at = c->created_at;
	v = json_object_get(o, "rectify_from");
	if (json_is_integer(v) && json_integer_value(v) > 0)
		f->rectify_from = json_integer_value(v);
	json_decref(o);
}

/* Met times of the stored clocks of incident `id`, by kind. */
static int stored_met(struct ps_case_ctx *cx, int64_t id,
		      int64_t met[PS_INC_CLOCK__COUNT], bool stored[PS_INC_CLOCK__COUNT],
		      int64_t step[PS_INC_CLOCK__COUNT], struct ps_diag *d)
{
	struct ps_stmt *s = NULL;
	int rc;

	memset(met, 0, sizeof(int64_t) * PS_INC_CLOCK__COUNT);
	memset(step, 0, sizeof(int64_t) * PS_INC_CLOCK__COUNT);
	memset(stored, 0, sizeof(bool) * PS_INC_CLOCK__COUNT);
	rc = ps_store_prepare(cx->st, "SELECT kind, met_at, escalated_step FROM "
			      "incident_clocks WHERE incident_id = ?", &s);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_int64(s, 1, id);
	while (rc == PS_OK && (rc = ps_store_stmt_step(s)) == PS_OK) {
		const char *k = ps_store_stmt_column_text(s, 0);

		for (int i = 0; i < PS_INC_CLOCK__COUNT; i++) {
			if (k && !strcmp(k, ps_inc_clock_kind_name(i))) {
				stored[i] = true;
				met[i] = ps_store_stmt_column_int64(s, 1);
				step[i] = ps_store_stmt_column_int64(s, 2);
			}
		}
	}
	ps_store_stmt_finalize(s);
	if (rc == PS_EOF)
		return PS_OK;
	return ps_case_dbfail(cx, "read the incident clocks", d);
}

int ps_case_clocks_get(struct ps_case_ctx *cx, const struct ps_case *c,
		       int64_t now, struct ps_case_clocks *out, struct ps_diag *d)
{
	struct ps_inc_clock_facts f;
	struct ps_inc_clocks cs;
	int64_t met[PS_INC_CLOCK__COUNT], step[PS_INC_CLOCK__COUNT];
	bool stored[PS_INC_CLOCK__COUNT];
	int rc;

	memset(out, 0, sizeof(*out));
	clock_facts(c, &f);
	rc = ps_inc_clocks_compute(cx->policy, &f, &cs, d);
	if (rc == PS_OK)
		rc = stored_met(cx, c->id, met, stored, step, d);
	for (size_t i = 0; rc == PS_OK && i < cs.n; i++) {
		struct ps_case_clock *o = &out->c[out->n++];
		int k = (int)cs.c[i].kind;

		o->clock = cs.c[i];
		o->met = met[k] > 0;
		o->met_at = met[k];
		rc = ps_inc_clock_check(cx->policy, &o->clock, o->met, o->met_at,
					now, &o->status, d);
		if (o->status.state == PS_INC_CLOCK_OVERDUE)
			out->any_overdue = true;
	}
	return rc;
}

static int clock_upsert(struct ps_case_ctx *cx, int64_t id,
			const struct ps_inc_clock *k)
{
	return ps_store_run(cx->st, NULL,
			    "INSERT INTO incident_clocks (incident_id, kind, "
			    "start_at, deadline, policy_id, source) VALUES "
			    "(?, ?, ?, ?, ?, ?) ON CONFLICT (incident_id, kind) DO "
			    "UPDATE SET start_at = excluded.start_at, deadline = "
			    "excluded.deadline, policy_id = excluded.policy_id, "
			    "source = excluded.source", "itiitt", id, k->name, k->start,
			    k->deadline, k->policy_id, k->source);
}

static int clock_drop(struct ps_case_ctx *cx, int64_t id, const char *kind)
{
	return ps_store_run(cx->st, NULL, "DELETE FROM incident_clocks WHERE "
			    "incident_id = ? AND kind = ? AND met_at IS NULL", "it", id, kind);
}

int ps_case_clocks_sync(struct ps_case_ctx *cx, const struct ps_case *c,
			struct ps_diag *d)
{
	struct ps_inc_clock_facts f;
	struct ps_inc_clocks cs;
	bool applies[PS_INC_CLOCK__COUNT] = {false};
	int rc;

	clock_facts(c, &f);
	rc = ps_inc_clocks_compute(cx->policy, &f, &cs, d);
	if (rc != PS_OK)
		return rc;
	for (size_t i = 0; i < cs.n; i++) {
		applies[cs.c[i].kind] = true;
		if (clock_upsert(cx, c->id, &cs.c[i]) != PS_OK)
			return ps_case_dbfail(cx, "store the incident clocks", d);
	}
	for (int k = 0; k < PS_INC_CLOCK__COUNT; k++)
		if (!applies[k] && clock_drop(cx, c->id, ps_inc_clock_kind_name(k)) != PS_OK)
			return ps_case_dbfail(cx, "store the incident clocks", d);
	return PS_OK;
}

int ps_case_clock_met_at(struct ps_case_ctx *cx, int64_t id, const char *kind,
			 int64_t when, struct ps_diag *d)
{
	int rc = ps_store_run(cx->st, NULL, "UPDATE incident_clocks SET met_at = ? "
			      "WHERE incident_id = ? AND kind = ? AND met_at IS NULL",
			      "iit", when, id, kind);

	return rc == PS_OK ? PS_OK : ps_case_dbfail(cx, "store the incident clocks", d);
}
