/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Routes of the REST API: the 态势感知 dashboard. The overview is a few
 * grouped SQL aggregates over events, incident evidence, incidents and
 * stored clock deadlines (indexed ranges, no per-row clock computation);
 * sensor health comes from the newest EVE "stats" events of each sensor.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "api/api.h"
#include "core/core.h"
#include "incident/case.h"
#include "incident/case_json.h"
#include "registry/registry.h"
#include "report/report.h"
#include "store/store.h"

#define SEC_US INT64_C(1000000)
#define DAY_US (86400 * SEC_US)
#define TZ_US (28800 * SEC_US)
#define RANGE_MAX_DAYS 366
#define TOP_N 10
#define OVERDUE_MAX 20
#define SILENT_US (600 * SEC_US)
#define SENSOR_WINDOW_US (7 * DAY_US)

/* One query of the overview: SQL with int64 placeholders first, then a
 * "%s" where a unit owner's " AND i.unit IN (...)" goes. */
struct ov {
	struct ps_api_req *rq;
	struct ps_api_resp *rs;
	int64_t since, until;
	bool withhold;
	const char *units[PS_CASE_FILTER_MAX_UNITS];
	size_t nunits;
	bool scoped;
	char ubuf[1024];
	json_t *root;
};

typedef int (*ov_row_fn)(struct ov *o, struct ps_stmt *s, void *arg);

static void ov_scope(struct ov *o)
{
	const struct ps_api_user *u = o->rq->user;
	char *p, *save = NULL;

	if (u == NULL || u->role != PS_ROLE_UNIT_OWNER)
		return;
	o->scoped = true;
	(void)snprintf(o->ubuf, sizeof(o->ubuf), "%s", u->units);
	for (p = strtok_r(o->ubuf, ",", &save); p && o->nunits < PS_CASE_FILTER_MAX_UNITS;
	     p = strtok_r(NULL, ",", &save)) {
		while (*p == ' ')
			p++;
		if (*p)
			o->units[o->nunits++] = p;
	}
}

/* The unit clause for `col` ("i.unit") into buf. */
static void unit_clause(const struct ov *o, const char *col, char *buf, size_t n)
{
	size_t off;

	buf[0] = '\0';
	if (!o->scoped)
		return;
	if (o->nunits == 0) {
		(void)snprintf(buf, n, " AND 1 = 0");
		return;
	}
	off = (size_t)snprintf(buf, n, " AND %s IN (", col);
	for (size_t i = 0; i < o->nunits && off < n; i++)
		off += (size_t)snprintf(buf + off, n - off, i ? ", ?" : "?");
	if (off < n)
		(void)snprintf(buf + off, n - off, ")");
}

static int ov_query(struct ov *o, const char *fmt, const int64_t *iv, size_t ni,
		    ov_row_fn fn, void *arg)
{
	char clause[PS_CASE_FILTER_MAX_UNITS * 3 + 64], sql[2048];
	struct ps_stmt *s = NULL;
	int rc, idx = 1;

	const char *at = strstr(fmt, "%s");

	unit_clause(o, "i.unit", clause, sizeof(clause));
	if (at == NULL)
		return PS_EINVAL;
	(void)snprintf(sql, sizeof(sql), "%.*s%s%s", (int)(at - fmt), fmt, clause, at + 2);
	rc = ps_store_prepare(o->rq->th->st, sql, &s);
	for (size_t i = 0; rc == PS_OK && i < ni; i++)
		rc = ps_store_stmt_bind_int64(s, idx++, iv[i]);
	for (size_t i = 0; rc == PS_OK && o->scoped && i < o->nunits; i++)
		rc = ps_store_stmt_bind_text(s, idx++, o->units[i]);
	while (rc == PS_OK && (rc = ps_store_stmt_step(s)) == PS_OK)
		rc = fn(o, s, arg);
	ps_store_stmt_finalize(s);
	return rc == PS_EOF ? PS_OK : rc;
}

/* ---- totals ---- */

static int row_total(struct ov *o, struct ps_stmt *s, void *arg)
{
	json_object_set_new(o->root, arg, json_integer(ps_store_stmt_column_int64(s, 0)));
	return PS_OK;
}

#define EV_JOIN " FROM incident_events e JOIN incidents i ON i.id = e.incident_id" \
	" WHERE e.ts >= ? AND e.ts < ?"
#define OPEN_STATES "('new', 'triaged', 'assigned', 'in_progress', 'rectified', " \
	"'accepted_risk')"

static int totals(struct ov *o)
{
	static const struct {
		const char *key, *sql;
		int args; /* 2: since, until; 1: now; 0: none */
	} qs[] = {
		{"events", "SELECT count(*) FROM events WHERE ts >= ? AND ts < ?%s", 2},
		{"alerts", "SELECT count(*) FROM events WHERE event_type = 'alert' AND "
		 "ts >= ? AND ts < ?%s", 2},
		{"incidents_open", "SELECT count(*) FROM incidents i WHERE i.state IN "
		 OPEN_STATES "%s", 0},
		{"incidents_overdue", "SELECT count(*) FROM incidents i WHERE i.id IN "
		 "(SELECT incident_id FROM incident_clocks WHERE met_at IS NULL AND "
		 "deadline < ?)%s", 1},
		{"units", "SELECT count(DISTINCT i.unit)" EV_JOIN "%s", 2},
		{"indicators", "SELECT count(DISTINCT COALESCE(i.indicator, i.peer_ip))"
		 EV_JOIN "%s", 2},
	};
	int64_t range[2] = {o->since, o->until}, now = o->rq->now;
	int rc = PS_OK;

	for (size_t i = 0; i < PS_ARRAY_LEN(qs) && rc == PS_OK; i++) {
		bool events_table = i < 2;
		bool was = o->scoped;

		/* events carry no unit: their totals are the sensors' */
		if (events_table)
			o->scoped = false;
		rc = ov_query(o, qs[i].sql,
			      qs[i].args == 2 ? range : &now, (size_t)qs[i].args,
			      row_total, (void *)qs[i].key);
		o->scoped = was;
	}
	return rc;
}

/* ---- by day ---- */

struct days {
	int64_t first, n;
	int64_t (*v)[3]; /* events, alerts, incidents */
};

static int row_day_events(struct ov *o, struct ps_stmt *s, void *arg)
{
	struct days *d = arg;
	int64_t k = ps_store_stmt_column_int64(s, 0) - d->first;

	(void)o;
	if (k >= 0 && k < d->n) {
		d->v[k][0] += ps_store_stmt_column_int64(s, 1);
		d->v[k][1] += ps_store_stmt_column_int64(s, 2);
	}
	return PS_OK;
}

static int row_day_incidents(struct ov *o, struct ps_stmt *s, void *arg)
{
	struct days *d = arg;
	int64_t k = ps_store_stmt_column_int64(s, 0) - d->first;

	(void)o;
	if (k >= 0 && k < d->n)
		d->v[k][2] += ps_store_stmt_column_int64(s, 1);
	return PS_OK;
}

static json_t *days_json(const struct days *d)
{
	json_t *a = json_array();
	char t[PS_TIME_FMT_SIZE];

	for (int64_t k = 0; a && k < d->n; k++) {
		int64_t us = (d->first + k) * DAY_US - TZ_US;

		if (ps_time_fmt_iso8601(us, PS_TZ_SHANGHAI, PS_TIME_FMT_SEC, t,
					sizeof(t)) != PS_OK)
			t[0] = '\0';
		t[10] = '\0';
		json_array_append_new(a, json_pack("{s:s, s:I, s:I, s:I}", "day", t,
			"events", (json_int_t)d->v[k][0], "alerts", (json_int_t)d->v[k][1],
			"incidents", (json_int_t)d->v[k][2]));
	}
	return a;
}

static int by_day(struct ov *o)
{
	struct days d;
	int64_t range[2] = {o->since, o->until};
	int64_t inc[3] = {o->since, o->since, o->until};
	bool was = o->scoped;
	json_t *a;
	int rc;

	d.first = (o->since + TZ_US) / DAY_US;
	d.n = (o->until - 1 + TZ_US) / DAY_US - d.first + 1;
	d.v = ps_calloc(PS_MEM_API, (size_t)d.n, sizeof(*d.v));
	if (d.v == NULL)
		return PS_ENOMEM;
	o->scoped = false;
	rc = ov_query(o, "SELECT (ts + 28800000000) / 86400000000, count(*), "
		      "sum(CASE WHEN event_type = 'alert' THEN 1 ELSE 0 END) FROM events "
		      "WHERE ts >= ? AND ts < ?%s GROUP BY (ts + 28800000000) / 86400000000",
		      range, 2, row_day_events, &d);
	o->scoped = was;
	/* first seen in the range implies last seen since its start: the
	 * last_seen index narrows the scan */
	if (rc == PS_OK)
		rc = ov_query(o, "SELECT (i.first_seen + 28800000000) / 86400000000, "
			      "count(*) FROM incidents i WHERE i.last_seen >= ? AND "
			      "i.first_seen >= ? AND i.first_seen < ?%s GROUP BY "
			      "(i.first_seen + 28800000000) / 86400000000",
			      inc, 3, row_day_incidents, &d);
	if (rc == PS_OK && ((a = days_json(&d)) == NULL ||
			    json_object_set_new(o->root, "by_day", a) != 0))
		rc = PS_ENOMEM;
	ps_free(d.v);
	return rc;
}

/* ---- groups and tops ---- */

struct group {
	const char *kind;   /* "category", "level", "unit", "asset", "indicator" */
	json_t *arr;
};

/* Add n to the entry `key` (merging withheld rows), creating it. */
static int group_bump(struct group *g, const char *key, json_t *label, int64_t n)
{
	json_t *e;
	size_t i;

	json_array_foreach(g->arr, i, e) {
		if (!strcmp(json_string_value(json_object_get(e, "key")), key)) {
			json_decref(label);
			return json_object_set_new(e, "count", json_integer(n +
				json_integer_value(json_object_get(e, "count")))) ? PS_ENOMEM : 0;
		}
	}
	e = label ? json_pack("{s:o, s:o, s:I}", "key", ps_json_text(key), "label",
			      label, "count", (json_int_t)n) :
		json_pack("{s:o, s:I}", "key", ps_json_text(key), "count", (json_int_t)n);
	return e && json_array_append_new(g->arr, e) == 0 ? PS_OK : PS_ENOMEM;
}

static int row_group(struct ov *o, struct ps_stmt *s, void *arg)
{
	struct group *g = arg;
	const char *key = ps_store_stmt_column_text(s, 0);
	bool vuln = ps_store_stmt_column_int64(s, 1) != 0;
	int64_t n = ps_store_stmt_column_int64(s, 2);
	enum ps_inc_level lv;

	if (!strcmp(g->kind, "category"))
		return group_bump(g, key ? key : "", ps_json_text(key ?
				  ps_case_category_title(key) : "未分类"), n);
	if (!strcmp(g->kind, "level")) {
		if (key == NULL || ps_inc_level_parse(key, &lv, NULL) != PS_OK)
			return group_bump(g, key ? key : "", json_null(), n);
		return group_bump(g, ps_inc_level_name(lv), json_string(ps_inc_level_zh(lv)), n);
	}
	if (key == NULL || !*key)
		return PS_OK;
	if (!strcmp(g->kind, "unit"))
		return group_bump(g, key, ps_api_reg_name(o->rq, "unit", key), n);
	if (vuln && o->withhold)
		key = PS_REPORT_WITHHELD_ZH;
	if (!strcmp(g->kind, "asset"))
		return group_bump(g, key, vuln && o->withhold ? json_null() :
				  ps_api_reg_name(o->rq, "asset", key), n);
	return group_bump(g, key, NULL, n);
}

static int count_desc(const void *a, const void *b)
{
	json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "count"));
	json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "count"));

	return x < y ? 1 : x > y ? -1 : 0;
}

/* Sort by count (descending) and keep the first `max` (0 = all). */
static json_t *group_top(json_t *arr, size_t max)
{
	size_t n = json_array_size(arr);
	json_t **v = ps_calloc(PS_MEM_API, n ? n : 1, sizeof(*v));
	json_t *out = json_array();

	for (size_t i = 0; v && i < n; i++)
		v[i] = json_array_get(arr, i);
	if (v && n)
		qsort(v, n, sizeof(*v), count_desc);
	for (size_t i = 0; v && out && i < n && (max == 0 || i < max); i++)
		json_array_append(out, v[i]);
	ps_free(v);
	json_decref(arr);
	return out;
}

static int groups(struct ov *o)
{
	static const struct {
		const char *out, *kind, *sql;
		size_t max;
	} qs[] = {
		{"by_category", "category", "SELECT e.category, 0, count(*)" EV_JOIN
		 "%s GROUP BY e.category", 0},
		{"by_level", "level", "SELECT i.level, 0, count(*)" EV_JOIN
		 "%s GROUP BY i.level", 0},
		{"top_indicators", "indicator", "SELECT COALESCE(i.indicator, i.peer_ip), "
		 "i.vuln, count(*)" EV_JOIN "%s GROUP BY COALESCE(i.indicator, i.peer_ip), "
		 "i.vuln ORDER BY count(*) DESC LIMIT 40", TOP_N},
		{"top_units", "unit", "SELECT i.unit, 0, count(*)" EV_JOIN "%s GROUP BY "
		 "i.unit ORDER BY count(*) DESC LIMIT 11", TOP_N},
		{"top_assets", "asset", "SELECT COALESCE(i.asset, i.asset_ip), "
		 "CASE WHEN i.asset IS NULL THEN i.vuln ELSE 0 END, count(*)" EV_JOIN
		 "%s GROUP BY COALESCE(i.asset, i.asset_ip), CASE WHEN i.asset IS NULL "
		 "THEN i.vuln ELSE 0 END ORDER BY count(*) DESC LIMIT 40", TOP_N},
	};
	int64_t range[2] = {o->since, o->until};
	int rc = PS_OK;

	for (size_t i = 0; i < PS_ARRAY_LEN(qs) && rc == PS_OK; i++) {
		struct group g = {qs[i].kind, json_array()};

		if (g.arr == NULL)
			return PS_ENOMEM;
		rc = ov_query(o, qs[i].sql, range, 2, row_group, &g);
		if (rc != PS_OK) {
			json_decref(g.arr);
			break;
		}
		if (json_object_set_new(o->root, qs[i].out, group_top(g.arr, qs[i].max)))
			rc = PS_ENOMEM;
	}
	return rc;
}

/* ---- overdue clocks ---- */

static int row_overdue(struct ov *o, struct ps_stmt *s, void *arg)
{
	bool vuln = ps_store_stmt_column_int64(s, 5) != 0;
	char ref[32];
	json_t *e;

	ps_case_ref(ps_store_stmt_column_int64(s, 0), ref, sizeof(ref));
	e = json_pack("{s:s, s:o, s:o, s:o, s:o}", "incident", ref,
		      "clock", ps_json_text(ps_store_stmt_column_text(s, 1)),
		      "title", vuln && o->withhold ? json_string(PS_REPORT_WITHHELD_ZH) :
		      ps_json_text(ps_store_stmt_column_text(s, 4)),
		      "deadline", ps_case_json_time(ps_store_stmt_column_int64(s, 2)),
		      "unit", ps_json_text(ps_store_stmt_column_text(s, 3)));
	return e && json_array_append_new(arg, e) == 0 ? PS_OK : PS_ENOMEM;
}

static int overdue(struct ov *o)
{
	int64_t now = o->rq->now;
	json_t *a = json_array();
	int rc = a ? PS_OK : PS_ENOMEM;

	if (rc == PS_OK)
		rc = ov_query(o, "SELECT c.incident_id, c.kind, c.deadline, i.unit, i.title, "
			      "i.vuln FROM incident_clocks c JOIN incidents i ON i.id = "
			      "c.incident_id WHERE c.met_at IS NULL AND c.deadline < ?%s "
			      "ORDER BY c.deadline, c.incident_id, c.kind LIMIT 20",
			      &now, 1, row_overdue, a);
	if (rc == PS_OK && json_object_set_new(o->root, "overdue", a) == 0)
		return PS_OK;
	if (rc == PS_OK)
		rc = PS_ENOMEM;
	else
		json_decref(a);
	return rc;
}

/* ---- the routes ---- */

/* since/until of the query (default: the last 30 days), checked. */
static unsigned overview_range(struct ps_api_req *rq, struct ps_api_resp *rs, struct ov *o)
{
	const char *since = ps_api_query(rq, "since"), *until = ps_api_query(rq, "until");
	unsigned st;

	o->until = rq->now;
	if (until && (st = ps_api_query_time(rs, "until", until, &o->until)))
		return st;
	o->since = o->until - 30 * DAY_US;
	if (since && (st = ps_api_query_time(rs, "since", since, &o->since)))
		return st;
	if (o->since >= o->until)
		return ps_api_error(rs, PS_API_INVALID_PARAMETER, "since must be before until");
	if (o->until - o->since > RANGE_MAX_DAYS * DAY_US)
		return ps_api_error(rs, PS_API_INVALID_PARAMETER, "the range is longer "
				    "than %d days", RANGE_MAX_DAYS);
	return 0;
}

static unsigned get_overview(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	struct ov o;
	struct ps_diag d = {{0}};
	unsigned st;
	int rc;

	memset(&o, 0, sizeof(o));
	o.rq = rq;
	o.rs = rs;
	if ((st = overview_range(rq, rs, &o)))
		return st;
	o.withhold = !ps_api_may(rq, PS_PERM_VULN_DETAILS);
	ov_scope(&o);
	if ((o.root = json_object()) == NULL)
		return ps_api_json(rs, 200, NULL);
	rc = totals(&o);
	if (rc == PS_OK)
		rc = by_day(&o);
	if (rc == PS_OK)
		rc = groups(&o);
	if (rc == PS_OK)
		rc = overdue(&o);
	if (rc != PS_OK) {
		json_decref(o.root);
		if (rc == PS_EDB)
			ps_diag_set(&d, "cannot compute the overview: %s",
				    ps_store_errmsg(rq->th->st));
		return ps_api_error_rc(rs, rc, &d);
	}
	return ps_api_json(rs, 200, o.root);
}

/* ---- sensors ---- */

/* A counter of a stats record: `details` is the whole EVE record (with
 * "stats") or the stats object itself. -1 when absent. */
static int64_t stat_get(json_t *details, const char *group, const char *name)
{
	json_t *st = json_object_get(details, "stats");
	json_t *v;

	if (st == NULL)
		st = details;
	v = group ? json_object_get(json_object_get(st, group), name) :
		json_object_get(st, name);
	return json_is_integer(v) ? json_integer_value(v) : -1;
}

/* Packets seen by a sensor: capture.kernel_packets, else decoder.pkts,
 * else capture.packets. */
static int64_t stat_packets(json_t *details)
{
	int64_t v = stat_get(details, "capture", "kernel_packets");

	if (v < 0)
		v = stat_get(details, "decoder", "pkts");
	if (v < 0)
		v = stat_get(details, "capture", "packets");
	return v;
}

struct sensor {
	char *name;            /* NULL: events without a sensor */
	int64_t last, events_1h;
	int nstats;
	int64_t ts[2], packets[2], drops, uptime;
};

struct sensors {
	struct sensor *v;
	size_t n, cap;
};

static struct sensor *sensor_find(struct sensors *ss, const char *name, bool add)
{
	for (size_t i = 0; i < ss->n; i++)
		if ((name == NULL && ss->v[i].name == NULL) ||
		    (name && ss->v[i].name && !strcmp(name, ss->v[i].name)))
			return &ss->v[i];
	if (!add)
		return NULL;
	if (ss->n == ss->cap) {
		size_t cap = ss->cap ? ss->cap * 2 : 16;
		struct sensor *v = ps_realloc(PS_MEM_API, ss->v, cap * sizeof(*v));

		if (v == NULL)
			return NULL;
		ss->v = v;
		ss->cap = cap;
	}
	memset(&ss->v[ss->n], 0, sizeof(ss->v[0]));
	if (name && (ss->v[ss->n].name = ps_strdup(PS_MEM_API, name)) == NULL)
		return NULL;
	return &ss->v[ss->n++];
}

static int sensors_read(struct ps_api_req *rq, struct sensors *ss)
{
	struct ps_stmt *s = NULL;
	int rc = ps_store_prepare(rq->th->st, "SELECT sensor, max(ts), sum(CASE WHEN ts "
				  ">= ? THEN 1 ELSE 0 END) FROM events WHERE ts >= ? "
				  "GROUP BY sensor ORDER BY sensor", &s);

	if (rc == PS_OK)
		rc = ps_store_stmt_bind_int64(s, 1, rq->now - 3600 * SEC_US);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_int64(s, 2, rq->now - SENSOR_WINDOW_US);
	while (rc == PS_OK && (rc = ps_store_stmt_step(s)) == PS_OK) {
		struct sensor *x = sensor_find(ss, ps_store_stmt_column_text(s, 0), true);

		if (x == NULL) {
			rc = PS_ENOMEM;
			break;
		}
		x->last = ps_store_stmt_column_int64(s, 1);
		x->events_1h = ps_store_stmt_column_int64(s, 2);
	}
	ps_store_stmt_finalize(s);
	return rc == PS_EOF ? PS_OK : rc;
}

/* The two newest stats records of each sensor, newest first. */
static int stats_read(struct ps_api_req *rq, struct sensors *ss)
{
	struct ps_stmt *s = NULL;
	int rc = ps_store_prepare(rq->th->st, "SELECT sensor, ts, details FROM events "
				  "WHERE event_type = 'stats' AND ts >= ? ORDER BY ts DESC, "
				  "id DESC LIMIT 1000", &s);

	if (rc == PS_OK)
		rc = ps_store_stmt_bind_int64(s, 1, rq->now - SENSOR_WINDOW_US);
	while (rc == PS_OK && (rc = ps_store_stmt_step(s)) == PS_OK) {
		struct sensor *x = sensor_find(ss, ps_store_stmt_column_text(s, 0), false);
		const char *txt = ps_store_stmt_column_text(s, 2);
		json_t *j;

		if (x == NULL || x->nstats == 2 || txt == NULL ||
		    (j = json_loads(txt, 0, NULL)) == NULL)
			continue;
		x->ts[x->nstats] = ps_store_stmt_column_int64(s, 1);
		x->packets[x->nstats] = stat_packets(j);
		if (x->nstats == 0) {
			x->drops = stat_get(j, "capture", "kernel_drops");
			x->uptime = stat_get(j, NULL, "uptime");
		}
		x->nstats++;
		json_decref(j);
	}
	ps_store_stmt_finalize(s);
	return rc == PS_EOF ? PS_OK : rc;
}

static json_t *sensor_json(const struct sensor *x, int64_t now)
{
	json_t *pps = json_null();

	if (x->nstats == 2 && x->packets[0] >= x->packets[1] && x->packets[1] >= 0 &&
	    x->ts[0] > x->ts[1])
		pps = json_real((double)(x->packets[0] - x->packets[1]) * 1e6 /
				(double)(x->ts[0] - x->ts[1]));
	else if (x->nstats >= 1 && x->packets[0] >= 0 && x->uptime > 0)
		pps = json_real((double)x->packets[0] / (double)x->uptime);
	return json_pack("{s:o, s:o, s:I, s:o, s:o, s:b}",
			 "sensor", ps_json_text(x->name),
			 "last_event", ps_case_json_time(x->last),
			 "events_1h", (json_int_t)x->events_1h, "packets_per_s", pps,
			 "drops", x->nstats && x->drops >= 0 ? json_integer(x->drops) :
			 json_null(), "silent", x->last < now - SILENT_US);
}

static unsigned get_sensors(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	struct sensors ss = {0};
	struct ps_diag d = {{0}};
	json_t *a = NULL;
	int rc;

	rc = sensors_read(rq, &ss);
	if (rc == PS_OK)
		rc = stats_read(rq, &ss);
	if (rc == PS_OK && (a = json_array()) == NULL)
		rc = PS_ENOMEM;
	for (size_t i = 0; rc == PS_OK && i < ss.n; i++)
		if (json_array_append_new(a, sensor_json(&ss.v[i], rq->now)) != 0)
			rc = PS_ENOMEM;
	for (size_t i = 0; i < ss.n; i++)
		ps_free(ss.v[i].name);
	ps_free(ss.v);
	if (rc != PS_OK) {
		json_decref(a);
		if (rc == PS_EDB)
			ps_diag_set(&d, "cannot read sensor health: %s",
				    ps_store_errmsg(rq->th->st));
		return ps_api_error_rc(rs, rc, &d);
	}
	return ps_api_json(rs, 200, a);
}

const struct ps_api_route ps_api_routes_stats[] = {
	{PS_API_GET, "/api/v1/stats/overview", PS_PERM_EVENTS_READ, get_overview, "stats",
	 "Dashboard overview for [since, until) (default the last 30 days): totals, "
	 "by day, category and level, top indicators, units and assets, overdue clocks",
	 NULL, NULL, false, "since,until"},
	{PS_API_GET, "/api/v1/stats/sensors", PS_PERM_EVENTS_READ, get_sensors, "stats",
	 "Sensor health from the newest stats events: packets/s, drops, silent sources",
	 NULL, NULL, false},
	{0},
};
