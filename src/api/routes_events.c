/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Routes of the REST API: stored events (EVE records) and their search by
 * type, sensor, address, severity and time, through the store's event
 * query and count, and one event by id.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "api/api.h"
#include "core/core.h"
#include "incident/case_json.h"
#include "report/report.h"
#include "store/store.h"

/* The EVE details as JSON (an object even when the text is not one). */
static json_t *details_json(const char *txt)
{
	json_t *j = txt ? json_loads(txt, JSON_DECODE_ANY, NULL) : NULL;

	return j ? j : json_object();
}

static json_t *event_json(const struct ps_event *ev)
{
	return json_pack("{s:I, s:o, s:o, s:i, s:o, s:i, s:o, s:i, s:o, s:o, s:o, "
			 "s:I, s:o}",
			 "id", (json_int_t)ev->id, "timestamp", ps_case_json_time(ev->ts_us),
			 "event_type", ps_json_text(ev->event_type),
			 "severity", ev->severity, "src_ip", ps_json_text(ev->src_ip),
			 "src_port", ev->src_port, "dest_ip", ps_json_text(ev->dest_ip),
			 "dest_port", ev->dest_port, "proto", ps_json_text(ev->proto),
			 "app_proto", ps_json_text(ev->app_proto),
			 "sensor", ps_json_text(ev->sensor),
			 "flow_id", (json_int_t)ev->flow_id, "details",
			 details_json(ev->json));
}

#define WITHHOLD_CHUNK 50   /* events looked up per statement (one page) */

/* Event `id` of `items` (objects with "id"), or NULL. */
static json_t *item_by_id(json_t *items, size_t from, size_t to, int64_t id)
{
	for (size_t i = from; i < to; i++) {
		json_t *o = json_array_get(items, i);

		if (json_integer_value(json_object_get(o, "id")) == id)
			return o;
	}
	return NULL;
}

/*
 * For roles without vuln.details: the events of `items` that are evidence
 * of a vulnerability incident lose their addresses and details, as the
 * incident does. One statement per WITHHOLD_CHUNK events, its unused
 * places bound to 0 (no event has that id), so a page costs one query.
 */
static int withhold_vuln(struct ps_store *st, json_t *items)
{
	char sql[128 + 3 * WITHHOLD_CHUNK];
	size_t n = json_array_size(items), len;
	int rc = PS_OK;

	len = (size_t)snprintf(sql, sizeof(sql), "SELECT e.event_id FROM incident_events e "
			       "JOIN incidents i ON i.id = e.incident_id WHERE i.vuln <> 0 "
			       "AND e.event_id IN (?");
	for (int k = 1; k < WITHHOLD_CHUNK; k++)
		len += (size_t)snprintf(sql + len, sizeof(sql) - len, ",?");
	(void)snprintf(sql + len, sizeof(sql) - len, ")");
	for (size_t from = 0; rc == PS_OK && from < n; from += WITHHOLD_CHUNK) {
		size_t to = from + WITHHOLD_CHUNK < n ? from + WITHHOLD_CHUNK : n;
		struct ps_stmt *s = NULL;
		json_t *o;

		rc = ps_store_prepare(st, sql, &s);
		for (size_t k = 0; rc == PS_OK && k < WITHHOLD_CHUNK; k++)
			rc = ps_store_stmt_bind_int64(s, (int)k + 1, from + k < to ?
				json_integer_value(json_object_get(json_array_get(items, from + k),
								   "id")) : 0);
		while (rc == PS_OK && (rc = ps_store_stmt_step(s)) == PS_OK) {
			o = item_by_id(items, from, to, ps_store_stmt_column_int64(s, 0));
			if (o == NULL)
				continue;
			json_object_set_new(o, "src_ip", json_string(PS_REPORT_WITHHELD_ZH));
			json_object_set_new(o, "dest_ip", json_string(PS_REPORT_WITHHELD_ZH));
			json_object_set_new(o, "details", json_pack("{s:s}", "withheld",
								    PS_REPORT_WITHHELD_ZH));
		}
		if (rc == PS_EOF)
			rc = PS_OK;
		ps_store_stmt_finalize(s);
	}
	return rc;
}

static int add_event(void *arg, const struct ps_event *ev)
{
	json_t *o = event_json(ev);

	return o && json_array_append_new(arg, o) == 0 ? 0 : PS_ENOMEM;
}

/* Fill the store's filter from the list's filters. 0 or the 400 status. */
static unsigned events_filter(struct ps_api_resp *rs, const struct ps_api_list *l,
			      struct ps_event_filter *f)
{
	const char *since = ps_api_list_filter(l, "since");
	const char *until = ps_api_list_filter(l, "until");
	const char *sev = ps_api_list_filter(l, "severity_max");
	unsigned st;

	f->event_type = ps_api_list_filter(l, "event_type");
	f->sensor = ps_api_list_filter(l, "sensor");
	f->src_ip = ps_api_list_filter(l, "src_ip");
	f->dest_ip = ps_api_list_filter(l, "dest_ip");
	f->ip = ps_api_list_filter(l, "ip");
	if (since && (st = ps_api_query_time(rs, "since", since, &f->ts_from_us)))
		return st;
	if (until && (st = ps_api_query_time(rs, "until", until, &f->ts_to_us)))
		return st;
	if (sev) {
		char *end;
		long n;

		errno = 0;
		n = strtol(sev, &end, 10);
		if (errno || end == sev || *end || n < 1 || n > 255)
			return ps_api_error(rs, PS_API_INVALID_PARAMETER, "severity_max: "
					    "'%s' is not a whole number from 1 to 255", sev);
		f->severity_max = (int)n;
	}
	f->limit = l->limit;
	f->offset = l->offset;
	f->order = l->desc ? PS_EVENT_ORDER_TS_DESC : PS_EVENT_ORDER_TS_ASC;
	return 0;
}

static unsigned list_events(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	struct ps_event_filter f = {0};
	struct ps_api_list l;
	struct ps_diag d = {{0}};
	json_t *items;
	int64_t total = 0;
	unsigned st;
	int rc;

	if (ps_api_list_parse(rq, rs, &l) != PS_OK)
		return rs->status;
	if ((st = events_filter(rs, &l, &f)))
		return st;
	if ((items = json_array()) == NULL)
		return ps_api_json(rs, 200, NULL);
	rc = ps_store_event_count(rq->th->st, &f, &total);
	if (rc == PS_OK)
		rc = ps_store_event_query(rq->th->st, &f, add_event, items);
	if (rc == PS_OK && !ps_api_may(rq, PS_PERM_VULN_DETAILS))
		rc = withhold_vuln(rq->th->st, items);
	if (rc != PS_OK) {
		json_decref(items);
		ps_diag_set(&d, "cannot read events: %s", ps_store_errmsg(rq->th->st));
		return ps_api_error_rc(rs, rc, &d);
	}
	return ps_api_list_reply(rs, &l, items, total);
}

static unsigned get_event(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	struct ps_event ev = {0};
	struct ps_stmt *s = NULL;
	json_t *one = NULL;
	struct ps_diag d = {{0}};
	const char *p = rq->nparam ? rq->param[0] : "";
	char *end;
	long long id;
	unsigned st;
	int rc;

	errno = 0;
	id = strtoll(p, &end, 10);
	if (errno || end == p || *end || id < 1)
		return ps_api_error(rs, PS_API_NOT_FOUND, "no event '%s'", p);
	rc = ps_store_prepare(rq->th->st, "SELECT id, ts, sensor, event_type, severity, "
			      "src_ip, src_port, dest_ip, dest_port, proto, app_proto, "
			      "flow_id, details FROM events WHERE id = ?", &s);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_int64(s, 1, id);
	if (rc == PS_OK)
		rc = ps_store_stmt_step(s);
	if (rc == PS_OK) {
		ev.id = ps_store_stmt_column_int64(s, 0);
		ev.ts_us = ps_store_stmt_column_int64(s, 1);
		ev.sensor = ps_store_stmt_column_text(s, 2);
		ev.event_type = ps_store_stmt_column_text(s, 3);
		ev.severity = (int)ps_store_stmt_column_int64(s, 4);
		ev.src_ip = ps_store_stmt_column_text(s, 5);
		ev.src_port = (int)ps_store_stmt_column_int64(s, 6);
		ev.dest_ip = ps_store_stmt_column_text(s, 7);
		ev.dest_port = (int)ps_store_stmt_column_int64(s, 8);
		ev.proto = ps_store_stmt_column_text(s, 9);
		ev.app_proto = ps_store_stmt_column_text(s, 10);
		ev.flow_id = ps_store_stmt_column_int64(s, 11);
		ev.json = ps_store_stmt_column_text(s, 12);
		if ((one = json_array()) == NULL || json_array_append_new(one, event_json(&ev)) != 0)
			rc = PS_ENOMEM;
		else if (!ps_api_may(rq, PS_PERM_VULN_DETAILS))
			rc = withhold_vuln(rq->th->st, one);
		if (rc == PS_OK)
			st = ps_api_json(rs, 200, json_incref(json_array_get(one, 0)));
		else
			st = ps_api_error_rc(rs, rc, &d);
		json_decref(one);
	} else if (rc == PS_EOF) {
		st = ps_api_error(rs, PS_API_NOT_FOUND, "no event %lld", id);
	} else {
		ps_diag_set(&d, "cannot read the event: %s", ps_store_errmsg(rq->th->st));
		st = ps_api_error_rc(rs, PS_EDB, &d);
	}
	ps_store_stmt_finalize(s);
	return st;
}

static const char *const ev_filters[] = {
	"event_type", "sensor", "src_ip", "dest_ip", "ip", "severity_max", "since",
	"until", NULL,
};
static const char *const ev_sorts[] = {"ts", NULL};
static const struct ps_api_list_spec ev_list = {ev_filters, ev_sorts, "-ts"};

const struct ps_api_route ps_api_routes_events[] = {
	{PS_API_GET, "/api/v1/events", PS_PERM_EVENTS_READ, list_events, "events",
	 "Search events by type, sensor, address, severity and time "
	 "(since <= ts < until)", &ev_list, NULL, false},
	{PS_API_GET, "/api/v1/events/{id}", PS_PERM_EVENTS_READ, get_event, "events",
	 "One event by id", NULL, NULL, false},
	{0},
};
