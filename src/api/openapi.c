/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The route tables in one list and the OpenAPI 3.0.3 document generated
 * from them: one operation per route with its parameters, body, responses,
 * security and permission, so the document cannot drift from the server.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "api/api.h"
#include "core/core.h"

#define API_PREFIX "/api/v1"

static const struct ps_api_route *const tables[] = {
	ps_api_routes_core,
	ps_api_routes_auth,
	ps_api_routes_incidents,
	ps_api_routes_events,
	ps_api_routes_registry,
	ps_api_routes_intel,
	ps_api_routes_reports,
	ps_api_routes_stats,
	ps_api_routes_audit,
};

const struct ps_api_route *const *ps_api_route_tables(size_t *n)
{
	*n = PS_ARRAY_LEN(tables);
	return tables;
}

/* Add j to object o under k; false when j is NULL (out of memory). */
static bool put(json_t *o, const char *k, json_t *j)
{
	return j != NULL && json_object_set_new(o, k, j) == 0;
}

static bool push(json_t *a, json_t *j)
{
	return j != NULL && json_array_append_new(a, j) == 0;
}

/* "post_incidents_by_id_transitions" from the method and pattern. */
static void operation_id(const struct ps_api_route *r, char *out, size_t n)
{
	const char *p = r->pattern + (strncmp(r->pattern, API_PREFIX, 7) == 0 ? 7 : 0);
	const char *m = ps_api_method_name(r->method);
	size_t o = 0;

	for (; *m && o + 1 < n; m++)
		out[o++] = (char)(*m | 0x20);
	for (; *p && o + 4 < n; p++) {
		char c = *p;

		if (c == '{') {
			memcpy(out + o, "by_", 3);
			o += 3;
		} else if (c == '/' || c == '-' || c == '.') {
			out[o++] = '_';
		} else if (c != '}') {
			out[o++] = c;
		}
	}
	out[o] = '\0';
}

static json_t *string_param(const char *name, const char *in, bool required)
{
	return json_pack("{s:s,s:s,s:b,s:{s:s}}", "name", name, "in", in, "required",
			 required, "schema", "type", "string");
}

static bool path_params(const struct ps_api_route *r, json_t *params)
{
	for (const char *p = strchr(r->pattern, '{'); p != NULL; p = strchr(p, '{')) {
		const char *e = strchr(p, '}');
		char name[64];

		if (e == NULL || (size_t)(e - p) >= sizeof(name))
			return false;
		snprintf(name, sizeof(name), "%.*s", (int)(e - p - 1), p + 1);
		if (!push(params, string_param(name, "path", true)))
			return false;
		p = e;
	}
	return true;
}

static json_t *sort_enum(const struct ps_api_list_spec *l)
{
	json_t *a = json_array();
	char neg[80];

	for (size_t i = 0; a != NULL && l->sorts != NULL && l->sorts[i] != NULL; i++) {
		snprintf(neg, sizeof(neg), "-%s", l->sorts[i]);
		if (!push(a, json_string(l->sorts[i])) || !push(a, json_string(neg))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static bool list_params(const struct ps_api_list_spec *l, json_t *params)
{
	json_t *s;

	for (size_t i = 0; l->filters != NULL && l->filters[i] != NULL; i++)
		if (!push(params, string_param(l->filters[i], "query", false)))
			return false;
	s = json_pack("{s:s,s:s,s:b,s:{s:s,s:o}}", "name", "sort", "in", "query",
		      "required", 0, "schema", "type", "string", "enum", sort_enum(l));
	if (s != NULL && l->default_sort != NULL)
		json_object_set_new(json_object_get(s, "schema"), "default",
				    json_string(l->default_sort));
	return push(params, s) &&
	       push(params, json_pack("{s:s,s:s,s:b,s:{s:s,s:i,s:i,s:i}}", "name", "limit",
				      "in", "query", "required", 0, "schema", "type",
				      "integer", "minimum", 1, "maximum", 1000,
				      "default", 50)) &&
	       push(params, json_pack("{s:s,s:s,s:b,s:{s:s,s:i,s:i}}", "name", "offset",
				      "in", "query", "required", 0, "schema", "type",
				      "integer", "minimum", 0, "default", 0));
}

static bool query_param(void *params, const char *name)
{
	return push(params, string_param(name, "query", false));
}

static bool body_field(void *props, const char *name)
{
	return put(props, name, json_object());
}

static json_t *request_body(const char *fields)
{
	json_t *props;

	if (strcmp(fields, "@raw") == 0)
		return json_pack("{s:b,s:{s:{s:{s:s,s:s}}}}", "required", 1, "content",
				 "application/octet-stream", "schema", "type", "string",
				 "format", "binary");
	props = json_object();
	if (props == NULL || !ps_api_names_each(fields, body_field, props)) {
		json_decref(props);
		return NULL;
	}
	return json_pack("{s:b,s:{s:{s:{s:s,s:o}}}}", "required", 1, "content",
			 "application/json", "schema", "type", "object", "properties",
			 props);
}

static json_t *responses(const struct ps_api_route *r)
{
	json_t *ok = r->list != NULL ?
		json_pack("{s:s,s:{s:{s:{s:s}}}}", "description", "a page of the list",
			  "content", "application/json", "schema", "$ref",
			  "#/components/schemas/List") :
		json_pack("{s:s}", "description", "success");
	json_t *rs = json_pack("{s:o,s:{s:s}}", "200", ok, "default", "$ref",
			       "#/components/responses/Error");

	if (rs != NULL && r->perm != PS_PERM_PUBLIC) {
		json_object_set_new(rs, "401", json_pack("{s:s}", "$ref",
							 "#/components/responses/Error"));
		json_object_set_new(rs, "403", json_pack("{s:s}", "$ref",
							 "#/components/responses/Error"));
	}
	return rs;
}

static json_t *operation(const struct ps_api_route *r)
{
	char id[256];
	json_t *op, *params = json_array();

	operation_id(r, id, sizeof(id));
	op = json_pack("{s:s,s:[s],s:s,s:s,s:o}", "operationId", id, "tags",
		       r->tag ? r->tag : "misc", "summary", r->summary ? r->summary : "",
		       "x-permission", ps_api_perm_name(r->perm), "responses", responses(r));
	if (op == NULL || params == NULL || !path_params(r, params) ||
	    (r->list != NULL && !list_params(r->list, params)) ||
	    (r->list == NULL && !ps_api_names_each(r->query, query_param, params)))
		goto fail;
	if (json_array_size(params) > 0 && !put(op, "parameters", json_incref(params)))
		goto fail;
	if (r->body_fields != NULL && r->body_fields[0] != '\0' &&
	    !put(op, "requestBody", request_body(r->body_fields)))
		goto fail;
	if (r->perm == PS_PERM_PUBLIC && !put(op, "security", json_array()))
		goto fail;
	json_decref(params);
	return op;
fail:
	json_decref(params);
	json_decref(op);
	return NULL;
}

static bool add_route(json_t *paths, json_t *tags, const struct ps_api_route *r)
{
	const char *p = r->pattern + (strncmp(r->pattern, API_PREFIX, 7) == 0 ? 7 : 0);
	char m[8];
	json_t *item = json_object_get(paths, p);
	size_t i;

	if (item == NULL && !put(paths, p, item = json_object()))
		return false;
	snprintf(m, sizeof(m), "%s", ps_api_method_name(r->method));
	for (i = 0; m[i]; i++)
		m[i] = (char)(m[i] | 0x20);
	if (!put(item, m, operation(r)))
		return false;
	if (r->tag != NULL && json_object_get(tags, r->tag) == NULL)
		return put(tags, r->tag, json_true());
	return true;
}

static json_t *components(void)
{
	return json_pack(
		"{s:{s:{s:s,s:s,s:s},s:{s:s,s:s}},"
		"s:{s:{s:s,s:[s],s:{s:{s:s,s:[s,s],s:{s:{s:s},s:{s:s}}}}},"
		"s:{s:s,s:[s,s,s,s],s:{s:{s:s},s:{s:s},s:{s:s},s:{s:s}}}},"
		"s:{s:{s:s,s:{s:{s:{s:s}}}}}}",
		"securitySchemes",
		"cookieAuth", "type", "apiKey", "in", "cookie", "name", "panshi_session",
		"bearerAuth", "type", "http", "scheme", "bearer",
		"schemas",
		"Error", "type", "object", "required", "error", "properties",
		"error", "type", "object", "required", "code", "message", "properties",
		"code", "type", "string", "message", "type", "string",
		"List", "type", "object", "required", "items", "total", "limit", "offset",
		"properties", "items", "type", "array", "total", "type", "integer",
		"limit", "type", "integer", "offset", "type", "integer",
		"responses",
		"Error", "description", "an error", "content", "application/json",
		"schema", "$ref", "#/components/schemas/Error");
}

static json_t *tag_list(json_t *tags)
{
	json_t *a = json_array();
	const char *k;
	json_t *v;

	json_object_foreach(tags, k, v) {
		if (!push(a, json_pack("{s:s}", "name", k))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

json_t *ps_api_openapi(void)
{
	json_t *doc, *paths = json_object(), *tags = json_object();

	doc = json_pack("{s:s,s:{s:s,s:s,s:s},s:[{s:s}],s:o,s:[{s:[]},{s:[]}]}",
			"openapi", "3.0.3", "info", "title", "Panshi REST API",
			"version", PANSHI_VERSION, "description",
			"磐石 network and data security: events, incidents, registry, intel, "
			"reports. Errors are {\"error\":{\"code\",\"message\"}}.",
			"servers", "url", API_PREFIX, "components", components(),
			"security", "cookieAuth", "bearerAuth");
	if (doc == NULL || paths == NULL || tags == NULL)
		goto fail;
	for (size_t t = 0; t < PS_ARRAY_LEN(tables); t++)
		for (const struct ps_api_route *r = tables[t]; r->handler != NULL; r++)
			if (!add_route(paths, tags, r))
				goto fail;
	if (!put(doc, "paths", json_incref(paths)) || !put(doc, "tags", tag_list(tags)))
		goto fail;
	json_decref(paths);
	json_decref(tags);
	return doc;
fail:
	json_decref(paths);
	json_decref(tags);
	json_decref(doc);
	return NULL;
}
