/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reads one EVE JSON line (Suricata's event format, which Panshi also
 * writes) into a store event record; used by `panshi event import` and
 * fuzzed by fuzz/fuzz_cli_eve.c. Hostile lines are rejected with the field.
 */
#include <stdbool.h>
#include <string.h>
#include <jansson.h>

#include "cli/cli_int.h"
#include "core/core.h"

#define EVE_LINE_MAX (1u << 20)
#define EVE_STR_MAX 256
/* EVE records nest a few levels; SQLite's json_valid() stops at 2000. */
#define EVE_DEPTH_MAX 64

/* Whether the JSON text nests objects and arrays at most `max` deep. */
static bool depth_ok(const char *s, size_t len, unsigned max)
{
	unsigned depth = 0;
	bool str = false, esc = false;

	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (str) {
			if (esc)
				esc = false;
			else if (c == '\\')
				esc = true;
			else if (c == '"')
				str = false;
		} else if (c == '"') {
			str = true;
		} else if (c == '{' || c == '[') {
			if (++depth > max)
				return false;
		} else if ((c == '}' || c == ']') && depth > 0) {
			depth--;
		}
	}
	return true;
}

static int get_str(json_t *root, const char *key, bool required,
		   const char **out, struct ps_diag *d)
{
	json_t *v = json_object_get(root, key);

	*out = NULL;
	if (v == NULL || json_is_null(v)) {
		if (required) {
			ps_diag_set(d, "missing field '%s'", key);
			return PS_EINVAL;
		}
		return PS_OK;
	}
	if (!json_is_string(v) || json_string_length(v) > EVE_STR_MAX ||
	    strlen(json_string_value(v)) != json_string_length(v)) {
		ps_diag_set(d, "field '%s' must be a string of at most %u bytes", key,
			    EVE_STR_MAX);
		return PS_EINVAL;
	}
	*out = json_string_value(v);
	return PS_OK;
}

static int get_int(json_t *obj, const char *key, json_int_t lo, json_int_t hi,
		   json_int_t *out, struct ps_diag *d)
{
	json_t *v = obj ? json_object_get(obj, key) : NULL;

	if (v == NULL || json_is_null(v))
		return PS_OK;
	if (!json_is_integer(v) || json_integer_value(v) < lo ||
	    json_integer_value(v) > hi) {
		ps_diag_set(d, "field '%s' must be an integer between %lld and %lld",
			    key, (long long)lo, (long long)hi);
		return PS_EINVAL;
	}
	*out = json_integer_value(v);
	return PS_OK;
}

static int get_ts(json_t *root, int64_t *ts, struct ps_diag *d)
{
	const char *s;
	int rc = get_str(root, "timestamp", true, &s, d);

	if (rc != PS_OK)
		return rc;
	if (ps_time_parse_iso8601(s, strlen(s), PS_TZ_UTC, ts) != PS_OK) {
		ps_diag_set(d, "field 'timestamp' is not a valid ISO-8601 time: '%s'", s);
		return PS_EINVAL;
	}
	return PS_OK;
}

static int fill(json_t *root, struct ps_event *ev, struct ps_diag *d)
{
	json_int_t sp = 0, dp = 0, sev = 0, flow = 0;
	int rc;

	if ((rc = get_ts(root, &ev->ts_us, d)) != PS_OK ||
	    (rc = get_str(root, "event_type", true, &ev->event_type, d)) != PS_OK ||
	    (rc = get_str(root, "host", false, &ev->sensor, d)) != PS_OK ||
	    (rc = get_str(root, "src_ip", false, &ev->src_ip, d)) != PS_OK ||
	    (rc = get_str(root, "dest_ip", false, &ev->dest_ip, d)) != PS_OK ||
	    (rc = get_str(root, "proto", false, &ev->proto, d)) != PS_OK ||
	    (rc = get_str(root, "app_proto", false, &ev->app_proto, d)) != PS_OK ||
	    (rc = get_int(root, "src_port", 0, 65535, &sp, d)) != PS_OK ||
	    (rc = get_int(root, "dest_port", 0, 65535, &dp, d)) != PS_OK ||
	    (rc = get_int(root, "flow_id", 0, INT64_MAX, &flow, d)) != PS_OK ||
	    (rc = get_int(json_object_get(root, "alert"), "severity", 1, 255, &sev,
			  d)) != PS_OK)
		return rc;
	if (ev->event_type[0] == '\0') {
		ps_diag_set(d, "field 'event_type' is empty");
		return PS_EINVAL;
	}
	ev->src_port = (int)sp;
	ev->dest_port = (int)dp;
	ev->severity = (int)sev;
	ev->flow_id = flow;
	return PS_OK;
}

int ps_cli_eve_parse(const char *line, size_t len, struct ps_event *ev,
		     json_t **root, struct ps_diag *d)
{
	json_error_t jerr;
	int rc;

	memset(ev, 0, sizeof(*ev));
	*root = NULL;
	if (len > EVE_LINE_MAX) {
		ps_diag_set(d, "line longer than %u bytes", EVE_LINE_MAX);
		return PS_ELIMIT;
	}
	if (!depth_ok(line, len, EVE_DEPTH_MAX)) {
		ps_diag_set(d, "JSON nested deeper than %u levels", EVE_DEPTH_MAX);
		return PS_ELIMIT;
	}
	*root = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (*root == NULL) {
		ps_diag_set(d, "invalid JSON at column %d: %s", jerr.column, jerr.text);
		return PS_EPROTO;
	}
	if (!json_is_object(*root)) {
		ps_diag_set(d, "an EVE record must be a JSON object");
		rc = PS_EINVAL;
	} else {
		rc = fill(*root, ev, d);
	}
	if (rc != PS_OK) {
		json_decref(*root);
		*root = NULL;
	}
	return rc;
}
