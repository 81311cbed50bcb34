/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Routes of the REST API: incidents, their detail with clocks, history and
 * evidence, and every action of the closed loop (transitions, assignment,
 * notes, facts, clocks, verification, correlation and the tick job), all
 * through the library functions `panshi case` calls. Unit owners see and
 * act only on their units' incidents; vulnerability details are withheld
 * from roles without vuln.details.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "api/api.h"
#include "core/core.h"
#include "incident/case.h"
#include "incident/case_json.h"
#include "registry/registry.h"
#include "report/report.h"
#include "store/store.h"

#define EVIDENCE_MAX 50

/* The units a request may see: all, or a unit owner's list. */
struct scope {
	bool only;
	char buf[sizeof(((struct ps_api_user *)0)->units)];
	const char *v[PS_CASE_FILTER_MAX_UNITS];
	size_t n;
};

static void scope_init(const struct ps_api_req *rq, struct scope *sc)
{
	char *p, *save = NULL;

	memset(sc, 0, sizeof(*sc));
	if (rq->user == NULL || rq->user->role != PS_ROLE_UNIT_OWNER)
		return;
	sc->only = true;
	(void)snprintf(sc->buf, sizeof(sc->buf), "%s", rq->user->units);
	for (p = strtok_r(sc->buf, ",", &save); p && sc->n < PS_CASE_FILTER_MAX_UNITS;
	     p = strtok_r(NULL, ",", &save)) {
		while (*p == ' ')
			p++;
		if (*p)
			sc->v[sc->n++] = p;
	}
}

static bool scope_has(const struct scope *sc, const char *unit)
{
	if (!sc->only)
		return true;
	for (size_t i = 0; unit != NULL && i < sc->n; i++)
		if (!strcmp(sc->v[i], unit))
			return true;
	return false;
}

/* Unit names already looked up for one list (a page names few units). */
struct names {
	char key[16][64];
	json_t *name[16];
	size_t n;
};

static json_t *unit_name_cached(struct ps_api_req *rq, struct names *nc, const char *unit)
{
	json_t *j;

	if (nc == NULL || unit == NULL || strlen(unit) >= sizeof(nc->key[0]))
		return ps_api_reg_name(rq, "unit", unit);
	for (size_t i = 0; i < nc->n; i++)
		if (!strcmp(nc->key[i], unit))
			return json_incref(nc->name[i]);
	j = ps_api_reg_name(rq, "unit", unit);
	if (j != NULL && nc->n < PS_ARRAY_LEN(nc->name)) {
		(void)snprintf(nc->key[nc->n], sizeof(nc->key[0]), "%s", unit);
		nc->name[nc->n++] = json_incref(j);
	}
	return j;
}

static void names_release(struct names *nc)
{
	for (size_t i = 0; i < nc->n; i++)
		json_decref(nc->name[i]);
	nc->n = 0;
}

/* The list item: the CLI's JSON plus the console's labels. */
static json_t *item_json(struct ps_api_req *rq, const struct ps_case *c, bool overdue,
			 struct names *nc)
{
	static const char *const hidden[] = {"indicator", "title", "address"};
	json_t *o = ps_case_to_json(c);

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "category", ps_json_text(c->category));
	json_object_set_new(o, "category_title",
			    ps_json_text(ps_case_category_title(c->category)));
	json_object_set_new(o, "level_zh", json_string(ps_inc_level_zh(c->level)));
	json_object_set_new(o, "unit_name", unit_name_cached(rq, nc, c->unit));
	json_object_set_new(o, "overdue", json_boolean(overdue));
	if (c->vuln && !ps_api_may(rq, PS_PERM_VULN_DETAILS))
		for (size_t i = 0; i < PS_ARRAY_LEN(hidden); i++)
			json_object_set_new(o, hidden[i], json_string(PS_REPORT_WITHHELD_ZH));
	return o;
}

/* ---- the list ---- */

struct list_ctx {
	struct ps_api_req *rq;
	json_t *items;
	struct names names;
};

static int list_row(void *arg, const struct ps_case *c)
{
	struct list_ctx *l = arg;
	json_t *o;

	o = item_json(l->rq, c, c->overdue, &l->names);
	return o && json_array_append_new(l->items, o) == 0 ? 0 : PS_ENOMEM;
}

/* Check the filter values and fill the library's filter. */
static unsigned list_filter(struct ps_api_req *rq, struct ps_api_resp *rs,
			    const struct ps_api_list *l, struct ps_case_filter *f)
{
	const char *state = ps_api_list_filter(l, "state");
	const char *level = ps_api_list_filter(l, "level");
	const char *overdue = ps_api_list_filter(l, "overdue");
	struct ps_diag d = {{0}};
	enum ps_inc_state st;
	enum ps_inc_level lv;

	if (state && strcmp(state, "open")) {
		if (ps_inc_state_parse(state, &st, &d) != PS_OK)
			return ps_api_error(rs, PS_API_INVALID_PARAMETER,
					    "state: %s (or 'open')", d.msg);
		state = ps_inc_state_name(st);
	}
	if (level) {
		if (ps_inc_level_parse(level, &lv, &d) != PS_OK)
			return ps_api_error(rs, PS_API_INVALID_PARAMETER, "level: %s", d.msg);
		level = ps_inc_level_name(lv);
	}
	if (overdue && strcmp(overdue, "true") && strcmp(overdue, "false"))
		return ps_api_error(rs, PS_API_INVALID_PARAMETER,
				    "overdue: '%s' is not true or false", overdue);
	f->state = state;
	f->level = level;
	f->unit = ps_api_list_filter(l, "unit");
	f->kind = ps_api_list_filter(l, "kind");
	f->assignee = ps_api_list_filter(l, "assignee");
	f->overdue_only = overdue && !strcmp(overdue, "true");
	f->now = rq->now;
	f->limit = l->limit;
	f->offset = l->offset;
	f->sort = l->sort ? l->sort : "last_seen";
	f->asc = l->sort ? !l->desc : false;
	return 0;
}

static unsigned list_incidents(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	struct ps_case_filter f = {0};
	struct ps_api_list l;
	struct scope sc;
	struct list_ctx lc;
	struct ps_diag d = {{0}};
	int64_t total = 0;
	unsigned st;
	int rc;

	if (ps_api_list_parse(rq, rs, &l) != PS_OK)
		return rs->status;
	if ((st = list_filter(rq, rs, &l, &f)) != 0)
		return st;
	memset(&lc, 0, sizeof(lc));
	lc.rq = rq;
	scope_init(rq, &sc);
	f.units = sc.v;
	f.nunits = sc.n;
	f.units_only = sc.only;
	if ((lc.items = json_array()) == NULL)
		return ps_api_error(rs, PS_API_INTERNAL, "out of memory");
	rc = ps_case_count(rq->th->cx, &f, &total, &d);
	if (rc == PS_OK)
		rc = ps_case_list(rq->th->cx, &f, list_row, &lc, &d);
	names_release(&lc.names);
	if (rc != PS_OK) {
		json_decref(lc.items);
		return ps_api_error_rc(rs, rc, &d);
	}
	return ps_api_list_reply(rs, &l, lc.items, total);
}

/* ---- one incident ---- */

/* Parse {id}, read the incident and check the caller may see it (a unit
 * owner gets 404 for another unit's, so existence does not leak). 0 or
 * the error status set in rs. */
static unsigned load(struct ps_api_req *rq, struct ps_api_resp *rs, int64_t *id,
		     struct ps_case *c)
{
	struct ps_diag d = {{0}};
	struct scope sc;
	int rc;

	memset(c, 0, sizeof(*c));
	if (rq->nparam < 1 || ps_case_ref_parse(rq->param[0], id, &d) != PS_OK)
		return ps_api_error(rs, PS_API_NOT_FOUND, "%s", d.msg);
	rc = ps_case_get(rq->th->cx, *id, c, &d);
	if (rc != PS_OK)
		return ps_api_error_rc(rs, rc, &d);
	scope_init(rq, &sc);
	if (!scope_has(&sc, c->unit)) {
		char ref[32];

		ps_case_release(c);
		ps_case_ref(*id, ref, sizeof(ref));
		return ps_api_error(rs, PS_API_NOT_FOUND, "no incident %s", ref);
	}
	return 0;
}

/* Evidence rows with the event's addresses and signature. */
struct ev_ctx {
	struct ps_api_req *rq;
	json_t *arr;
	bool hide;
};

static json_t *event_signature(const char *details)
{
	json_t *root = details ? json_loads(details, 0, NULL) : NULL;
	json_t *sig = json_object_get(json_object_get(root, "alert"), "signature");
	json_t *out = json_is_string(sig) ? json_copy(sig) : json_null();

	json_decref(root);
	return out;
}

static int ev_row(void *arg, int64_t id, int64_t ts)
{
	struct ev_ctx *e = arg;
	struct ps_stmt *s = NULL;
	json_t *o = json_pack("{s:I, s:o}", "event_id", (json_int_t)id, "ts",
			      ps_case_json_time(ts));
	int rc = o ? ps_store_prepare(e->rq->th->st, "SELECT src_ip, src_port, dest_ip, "
				      "dest_port, proto, details FROM events WHERE "
				      "id = ? AND ts = ?", &s) : PS_ENOMEM;

	if (rc == PS_OK)
		rc = ps_store_stmt_bind_int64(s, 1, id);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_int64(s, 2, ts);
	if (rc == PS_OK && (rc = ps_store_stmt_step(s)) == PS_OK) {
		const char *w = PS_REPORT_WITHHELD_ZH;

		json_object_set_new(o, "src_ip", e->hide ? json_string(w) :
				    ps_json_text(ps_store_stmt_column_text(s, 0)));
		json_object_set_new(o, "src_port", json_integer(ps_store_stmt_column_int64(s, 1)));
		json_object_set_new(o, "dest_ip", e->hide ? json_string(w) :
				    ps_json_text(ps_store_stmt_column_text(s, 2)));
		json_object_set_new(o, "dest_port", json_integer(ps_store_stmt_column_int64(s, 3)));
		json_object_set_new(o, "proto", ps_json_text(ps_store_stmt_column_text(s, 4)));
		json_object_set_new(o, "signature", e->hide ? json_string(w) :
				    event_signature(ps_store_stmt_column_text(s, 5)));
	}
	ps_store_stmt_finalize(s);
	if (rc == PS_EOF)
		rc = PS_OK;   /* the event was purged: keep its id and time */
	if (rc == PS_OK && json_array_append_new(e->arr, o) == 0)
		return 0;
	if (rc == PS_OK)
		rc = PS_ENOMEM;
	else
		json_decref(o);
	return rc;
}

static json_t *allowed_json(enum ps_inc_state from)
{
	json_t *a = json_array();

	for (int s = 0; a && s < PS_INC_STATE__COUNT; s++)
		if (ps_inc_transition_allowed(from, (enum ps_inc_state)s))
			json_array_append_new(a, json_string(ps_inc_state_name(s)));
	return a;
}

/* History details of a vulnerability incident name its address (the
 * grouping key): withheld with the rest. */
static void hide_details(json_t *hist)
{
	json_t *h;
	size_t i;

	json_array_foreach(hist, i, h)
		if (json_object_get(h, "details") != NULL)
			json_object_set_new(h, "details", json_string(PS_REPORT_WITHHELD_ZH));
}

/* The detail of a loaded incident as the 200 (or `status`) answer. */
static unsigned detail(struct ps_api_req *rq, struct ps_api_resp *rs,
		       const struct ps_case *c, unsigned status)
{
	struct ps_case_clocks cs;
	struct ev_ctx e = {rq, NULL, c->vuln && !ps_api_may(rq, PS_PERM_VULN_DETAILS)};
	struct ps_diag d = {{0}};
	json_t *o = NULL, *hist = NULL;
	int rc = ps_case_clocks_get(rq->th->cx, c, rq->now, &cs, &d);

	if (rc == PS_OK && (o = item_json(rq, c, cs.any_overdue, NULL)) == NULL)
		rc = PS_ENOMEM;
	if (rc == PS_OK) {
		hist = json_array();
		e.arr = json_array();
		json_object_set_new(o, "clocks", ps_case_clocks_to_json(&cs));
		json_object_set_new(o, "history", hist);
		json_object_set_new(o, "evidence", e.arr);
		json_object_set_new(o, "allowed", allowed_json(c->state));
		if (hist == NULL || e.arr == NULL)
			rc = PS_ENOMEM;
	}
	if (rc == PS_OK)
		rc = ps_case_history_list(rq->th->cx, c->id, ps_case_json_history_add,
					  hist, &d);
	if (rc == PS_OK && e.hide)
		hide_details(hist);
	if (rc == PS_OK)
		rc = ps_case_events_list(rq->th->cx, c->id, EVIDENCE_MAX, ev_row, &e, &d);
	if (rc != PS_OK) {
		json_decref(o);
		return ps_api_error_rc(rs, rc, &d);
	}
	return ps_api_json(rs, status, o);
}

static unsigned get_incident(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	struct ps_case c;
	int64_t id;
	unsigned st;

	if ((st = load(rq, rs, &id, &c)) != 0)
		return st;
	st = detail(rq, rs, &c, 200);
	ps_case_release(&c);
	return st;
}

/* ---- actions ---- */

/* String field `k` of the body: 0 with *out (NULL when absent and not
 * required), or the 400 status. */
static unsigned body_str(struct ps_api_req *rq, struct ps_api_resp *rs, const char *k,
			 bool required, const char **out)
{
	json_t *v = rq->json ? json_object_get(rq->json, k) : NULL;

	*out = NULL;
	if (v == NULL || json_is_null(v)) {
		if (required)
			return ps_api_error(rs, PS_API_INVALID_FIELD, "'%s' is required", k);
		return 0;
	}
	if (!json_is_string(v))
		return ps_api_error(rs, PS_API_INVALID_FIELD, "'%s' must be a string", k);
	*out = json_string_value(v);
	return 0;
}

/* An optional time field: ISO 8601 (Asia/Shanghai without a zone) or a
 * date; *us keeps its value when the field is absent. */
static unsigned body_time(struct ps_api_req *rq, struct ps_api_resp *rs, const char *k,
			  int64_t *us, bool *given)
{
	const char *v;
	struct ps_date dd;
	unsigned st = body_str(rq, rs, k, false, &v);

	if (given)
		*given = v != NULL;
	if (st != 0 || v == NULL)
		return st;
	if (ps_time_parse_iso8601(v, strlen(v), PS_TZ_SHANGHAI, us) == PS_OK)
		return 0;
	if (ps_date_parse(v, strlen(v), &dd) == PS_OK &&
	    ps_date_to_time_us(dd, PS_TZ_SHANGHAI, us) == PS_OK)
		return 0;
	return ps_api_error(rs, PS_API_INVALID_FIELD, "'%s': '%s' is not a time "
			    "(2026-11-20T09:30:00+08:00 or 2026-11-20)", k, v);
}

/* A refusal by the library: the state machine's EINVAL is a conflict. */
static unsigned refused(struct ps_api_resp *rs, int rc, const struct ps_diag *d)
{
	if (rc == PS_EINVAL || rc == PS_EEXIST)
		return ps_api_error(rs, PS_API_CONFLICT, "%s", d->msg[0] ? d->msg :
				    ps_strerror(rc));
	return ps_api_error_rc(rs, rc, d);
}

/* After an action: the incident as it is now. */
static unsigned reply(struct ps_api_req *rq, struct ps_api_resp *rs, int64_t id,
		      unsigned status)
{
	struct ps_case c;
	struct ps_diag d = {{0}};
	unsigned st;
	int rc = ps_case_get(rq->th->cx, id, &c, &d);

	if (rc != PS_OK)
		return ps_api_error_rc(rs, rc, &d);
	st = detail(rq, rs, &c, status);
	ps_case_release(&c);
	return st;
}

/* The common frame of an action: the incident exists and is visible. */
static unsigned begin(struct ps_api_req *rq, struct ps_api_resp *rs, int64_t *id)
{
	struct ps_case c;
	unsigned st = load(rq, rs, id, &c);

	if (st == 0)
		ps_case_release(&c);
	rq->th->cx->actor = rq->actor;
	return st;
}

static unsigned post_transition(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	struct ps_inc_transition_req req = {0};
	struct ps_diag d = {{0}};
	enum ps_inc_state to;
	const char *tos;
	int64_t id;
	unsigned st;
	int rc;

	if ((st = begin(rq, rs, &id)) || (st = body_str(rq, rs, "to", true, &tos)) ||
	    (st = body_str(rq, rs, "why", false, &req.why)) ||
	    (st = body_time(rq, rs, "expiry", &req.expiry, &req.has_expiry)))
		return st;
	if (ps_inc_state_parse(tos, &to, &d) != PS_OK)
		return ps_api_error(rs, PS_API_INVALID_FIELD, "to: %s", d.msg);
	req.who = rq->actor;
	req.when = rq->now;
	if ((rc = ps_case_move(rq->th->cx, id, to, &req, &d)) != PS_OK)
		return refused(rs, rc, &d);
	return reply(rq, rs, id, 200);
}

static unsigned post_assign(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	struct ps_diag d = {{0}};
	const char *person, *why;
	int64_t id;
	unsigned st;
	int rc;

	if ((st = begin(rq, rs, &id)) || (st = body_str(rq, rs, "person", true, &person)) ||
	    (st = body_str(rq, rs, "why", false, &why)))
		return st;
	rc = ps_case_assign(rq->th->cx, id, person, rq->now, why, &d);
	if (rc == PS_ENOENT)  /* the incident exists: the person does not */
		return ps_api_error(rs, PS_API_INVALID_FIELD, "person: %s", d.msg);
	if (rc != PS_OK)
		return refused(rs, rc, &d);
	return reply(rq, rs, id, 200);
}

static unsigned post_note(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	struct ps_diag d = {{0}};
	const char *text;
	int64_t id;
	unsigned st;
	int rc;

	if ((st = begin(rq, rs, &id)) || (st = body_str(rq, rs, "text", true, &text)))
		return st;
	if (!*text)
		return ps_api_error(rs, PS_API_INVALID_FIELD, "'text' is empty");
	if ((rc = ps_case_note(rq->th->cx, id, text, rq->now, &d)) != PS_OK)
		return ps_api_error_rc(rs, rc, &d);
	return reply(rq, rs, id, 201);
}

static unsigned post_verify(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	struct ps_diag d = {{0}};
	const char *ev;
	int64_t id;
	unsigned st;
	int rc;

	if ((st = begin(rq, rs, &id)) || (st = body_str(rq, rs, "evidence", true, &ev)))
		return st;
	if (!*ev)
		return ps_api_error(rs, PS_API_INVALID_FIELD, "'evidence' is empty");
	if ((rc = ps_case_verify(rq->th->cx, id, ev, rq->now, &d)) != PS_OK)
		return refused(rs, rc, &d);
	return reply(rq, rs, id, 200);
}

static unsigned put_facts(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	struct ps_diag d = {{0}};
	int64_t id;
	unsigned st;
	int rc;

	if ((st = begin(rq, rs, &id)))
		return st;
	if (rq->json == NULL || !json_is_object(rq->json))
		return ps_api_error(rs, PS_API_BAD_JSON, "the facts must be a JSON object");
	rc = ps_case_set_facts(rq->th->cx, id, rq->body, rq->now, &d);
	if (rc == PS_EINVAL)
		return ps_api_error(rs, PS_API_INVALID_FIELD, "%s", d.msg);
	if (rc != PS_OK)
		return ps_api_error_rc(rs, rc, &d);
	return reply(rq, rs, id, 200);
}

static unsigned post_clock(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	struct ps_diag d = {{0}};
	int64_t id, at = rq->now;
	unsigned st;
	int rc, k;

	if ((st = begin(rq, rs, &id)) || (st = body_time(rq, rs, "at", &at, NULL)))
		return st;
	for (k = 0; k < PS_INC_CLOCK__COUNT; k++)
		if (rq->nparam > 1 && !strcmp(rq->param[1], ps_inc_clock_kind_name(k)))
			break;
	if (k == PS_INC_CLOCK__COUNT)
		return ps_api_error(rs, PS_API_NOT_FOUND, "no clock '%s' (cac_report, "
				    "cac_final_report, miit_report, vuln_report, "
				    "datasec_report, rectification)",
				    rq->nparam > 1 ? rq->param[1] : "");
	rc = ps_case_clock_meet(rq->th->cx, id, (enum ps_inc_clock_kind)k, at, &d);
	if (rc != PS_OK)
		return refused(rs, rc, &d);
	return reply(rq, rs, id, 200);
}

/* Jobs over every unit: not for a unit owner. */
static unsigned job_allowed(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	if (rq->user != NULL && rq->user->role == PS_ROLE_UNIT_OWNER)
		return ps_api_error(rs, PS_API_FORBIDDEN, "a unit owner cannot run "
				    "jobs over every unit");
	rq->th->cx->actor = rq->actor;
	return 0;
}

static unsigned post_correlate(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	struct ps_case_correlate_stats s;
	struct ps_diag d = {{0}};
	unsigned st;
	int rc;

	if ((st = job_allowed(rq, rs)))
		return st;
	rc = ps_case_correlate(rq->th->cx, rq->now, &s, &d);
	if (rc != PS_OK)
		return ps_api_error_rc(rs, rc, &d);
	return ps_api_json(rs, 200, json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}",
		"events", (json_int_t)s.events, "opened", (json_int_t)s.opened,
		"updated", (json_int_t)s.updated, "reopened", (json_int_t)s.reopened,
		"unregistered", (json_int_t)s.unregistered,
		"rerouted", (json_int_t)s.rerouted));
}

static unsigned post_tick(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	struct ps_case_tick_stats s;
	struct ps_diag d = {{0}};
	unsigned st;
	int rc;

	if ((st = job_allowed(rq, rs)))
		return st;
	rc = ps_case_tick(rq->th->cx, rq->now, &s, &d);
	if (rc != PS_OK)
		return ps_api_error_rc(rs, rc, &d);
	return ps_api_json(rs, 200, json_pack("{s:I, s:I, s:I}",
		"auto_verified", (json_int_t)s.auto_verified,
		"risk_reopened", (json_int_t)s.risk_reopened,
		"escalated", (json_int_t)s.escalated));
}

static const char *const inc_filters[] = {
	"state", "unit", "kind", "assignee", "level", "overdue", NULL,
};
static const char *const inc_sorts[] = {
	"last_seen", "first_seen", "severity", "id", "event_count", NULL,
};
static const struct ps_api_list_spec inc_list = {inc_filters, inc_sorts, "-last_seen"};

#define INC "/api/v1/incidents"

const struct ps_api_route ps_api_routes_incidents[] = {
	{PS_API_GET, INC, PS_PERM_INCIDENTS_READ, list_incidents, "incidents",
	 "List incidents (unit owners: their units only)", &inc_list, NULL, false},
	{PS_API_POST, INC "/correlate", PS_PERM_INCIDENTS_ACT, post_correlate, "incidents",
	 "Group new alert events into incidents routed to their owners", NULL, NULL, true},
	{PS_API_POST, INC "/tick", PS_PERM_INCIDENTS_ACT, post_tick, "incidents",
	 "Verify quiet rectified incidents, reopen expired risks, escalate clocks",
	 NULL, NULL, true},
	{PS_API_GET, INC "/{id}", PS_PERM_INCIDENTS_READ, get_incident, "incidents",
	 "An incident with its clocks, history, evidence and allowed moves",
	 NULL, NULL, false},
	{PS_API_POST, INC "/{id}/transitions", PS_PERM_INCIDENTS_ACT, post_transition,
	 "incidents", "Move an incident to another state", NULL, "to,why,expiry", true},
	{PS_API_POST, INC "/{id}/assign", PS_PERM_INCIDENTS_ACT, post_assign, "incidents",
	 "Assign an incident to a registry person", NULL, "person,why", true},
	{PS_API_POST, INC "/{id}/notes", PS_PERM_INCIDENTS_ACT, post_note, "incidents",
	 "Add a note to an incident", NULL, "text", true},
	{PS_API_POST, INC "/{id}/verify", PS_PERM_INCIDENTS_ACT, post_verify, "incidents",
	 "Verify a rectified incident with evidence", NULL, "evidence", true},
	{PS_API_PUT, INC "/{id}/facts", PS_PERM_INCIDENTS_ACT, put_facts, "incidents",
	 "Set the facts that decide an incident's level and clocks", NULL,
	 "leaked_users,outage_scope,important_data,own_product_vuln,"
	 "vuln_first_known_at,reporter,rectify_severity", true},
	{PS_API_POST, INC "/{id}/clocks/{clock}", PS_PERM_INCIDENTS_ACT, post_clock,
	 "incidents", "Mark a clock of an incident met", NULL, "at", true},
	{0},
};
