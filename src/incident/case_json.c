/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The JSON form of stored incidents, their clocks, history and evidence
 * ids, shared by `panshi case show` and the REST API's incident routes so
 * that the two print the same fields the same way.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "core/core.h"
#include "incident/case_json.h"
#include "intel/ioc.h"

json_t *ps_case_json_time(int64_t us)
{
	char t[PS_TIME_FMT_SIZE];

	if (us <= 0 || ps_time_fmt_iso8601(us, PS_TZ_SHANGHAI, PS_TIME_FMT_SEC, t,
					   sizeof(t)) != PS_OK)
		return json_null();
	return json_string(t);
}

const char *ps_case_category_title_in(const char *c, enum ps_lang lang)
{
	enum ps_ioc_category cat;

	if (c != NULL && ps_ioc_category_parse(c, &cat) == PS_OK)
		return ps_ioc_category_title_in(cat, lang);
	return c;
}

const char *ps_case_category_title(const char *c)
{
	return ps_case_category_title_in(c, ps_i18n_lang());
}

int ps_case_json_history_add(void *arr, const struct ps_case_history *h)
{
	json_t *o = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "at", ps_case_json_time(h->ts),
			      "actor", ps_json_text(h->actor),
			      "action", ps_json_text(h->action),
			      "from", ps_json_text(h->from_state),
			      "to", ps_json_text(h->to_state),
			      "reason", ps_json_text(h->reason));

	if (o && h->details)
		json_object_set_new(o, "details", json_loads(h->details, 0, NULL));
	return o && json_array_append_new(arr, o) == 0 ? 0 : PS_ENOMEM;
}

int ps_case_json_event_add(void *arr, int64_t id, int64_t ts)
{
	json_t *o = json_pack("{s:I, s:o}", "event_id", (json_int_t)id, "ts",
			      ps_case_json_time(ts));

	return o && json_array_append_new(arr, o) == 0 ? 0 : PS_ENOMEM;
}

json_t *ps_case_clocks_to_json(const struct ps_case_clocks *cs)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < cs->n; i++) {
		const struct ps_case_clock *k = &cs->c[i];

		json_array_append_new(a, json_pack(
			"{s:s, s:s, s:o, s:o, s:s, s:o, s:I, s:s?, s:s?, s:s, s:s?}",
			"clock", k->clock.name, "title", k->clock.zh,
			"start", ps_case_json_time(k->clock.start),
			"deadline", ps_case_json_time(k->clock.deadline),
			"status", ps_inc_clock_state_name(k->status.state),
			"met_at", ps_case_json_time(k->met_at), "escalation_step",
			(json_int_t)k->status.step, "holder", k->status.role,
			"holder_title", k->status.role_title, "policy", k->clock.policy_id,
			"source", k->clock.source));
	}
	return a;
}

json_t *ps_case_to_json(const struct ps_case *c)
{
	char ref[32];

	ps_case_ref(c->id, ref, sizeof(ref));
	return json_pack("{s:s, s:o, s:o, s:o, s:s, s:s, s:s, s:i, s:o, s:o, s:o, "
			 "s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:I, s:b, s:s, "
			 "s:s, s:o, s:o, s:o, s:o}",
			 "id", ref, "kind", ps_json_text(c->kind),
			 "title", ps_json_text(c->title),
			 "category", ps_json_text(ps_case_category_title(c->category)),
			 "state", ps_inc_state_name(c->state),
			 "state_zh", ps_inc_state_zh(c->state),
			 "level", ps_inc_level_name(c->level), "severity", c->severity,
			 "indicator", ps_json_text(c->indicator),
			 "address", ps_json_text(c->asset_ip),
			 "peer", ps_json_text(c->peer_ip),
			 "asset", ps_json_text(c->asset),
			 "unit", ps_json_text(c->unit),
			 "operator", ps_json_text(c->operator_key),
			 "dept", ps_json_text(c->dept),
			 "person", ps_json_text(c->person),
			 "assignee", ps_json_text(c->assignee),
			 "first_seen", ps_case_json_time(c->first_seen),
			 "last_seen", ps_case_json_time(c->last_seen),
			 "events", (json_int_t)c->event_count,
			 "reopened", (json_int_t)c->reopen_count, "vulnerability", c->vuln,
			 "rectify_severity", ps_inc_severity_name(c->rectify_severity),
			 "reporter", ps_inc_reporter_name(c->reporter),
			 "opened", ps_case_json_time(c->created_at),
			 "state_since", ps_case_json_time(c->state_since),
			 "risk_expiry", ps_case_json_time(c->risk_expiry),
			 "facts", c->facts ? json_loads(c->facts, 0, NULL) : json_object());
}
