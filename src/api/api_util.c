/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers every route handler uses: the stable error codes and their HTTP
 * statuses, mapping library errors to API errors, JSON answers, and the one
 * list grammar (filters, sort, limit, offset) of api.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "api/api.h"
#include "core/core.h"
#include "registry/registry.h"

static const struct {
	const char *code;
	unsigned status;
} err_tab[PS_API_ERR__COUNT] = {
	[PS_API_OK] = {"ok", 200},
	[PS_API_BAD_JSON] = {"bad_json", 400},
	[PS_API_INVALID_PARAMETER] = {"invalid_parameter", 400},
	[PS_API_INVALID_FIELD] = {"invalid_field", 400},
	[PS_API_UNAUTHORIZED] = {"unauthorized", 401},
	[PS_API_FORBIDDEN] = {"forbidden", 403},
	[PS_API_CSRF] = {"csrf", 403},
	[PS_API_NOT_FOUND] = {"not_found", 404},
	[PS_API_METHOD] = {"method_not_allowed", 405},
	[PS_API_CONFLICT] = {"conflict", 409},
	[PS_API_TOO_LARGE] = {"too_large", 413},
	[PS_API_RATE_LIMITED] = {"rate_limited", 429},
	[PS_API_INTERNAL] = {"internal", 500},
	[PS_API_UNAVAILABLE] = {"unavailable", 503},
};

const char *ps_api_err_code(enum ps_api_err e)
{
	return (unsigned)e < PS_API_ERR__COUNT ? err_tab[e].code : "internal";
}

unsigned ps_api_err_status(enum ps_api_err e)
{
	return (unsigned)e < PS_API_ERR__COUNT ? err_tab[e].status : 500;
}

const char *ps_api_method_name(enum ps_api_method m)
{
	static const char *const names[PS_API_METHOD__COUNT] = {
		"GET", "POST", "PUT", "PATCH", "DELETE",
	};

	return (unsigned)m < PS_API_METHOD__COUNT ? names[m] : "?";
}

bool ps_api_may(const struct ps_api_req *rq, enum ps_api_perm perm)
{
	return rq->user != NULL && ps_api_role_has(rq->user->role, perm);
}

json_t *ps_api_reg_name(struct ps_api_req *rq, const char *kind, const char *key)
{
	const struct ps_reg_kind *k = ps_reg_kind_find(kind);
	struct ps_reg_record *rec = NULL;
	json_t *j;

	if (key == NULL || k == NULL || rq->th->reg == NULL ||
	    ps_reg_get(rq->th->reg, k, key, &rec) != PS_OK)
		return json_null();
	j = ps_json_text(ps_reg_record_get(rec, "name"));
	ps_reg_record_free(rec);
	return j;
}

const char *ps_api_query(const struct ps_api_req *rq, const char *k)
{
	for (size_t i = 0; i < rq->nquery; i++)
		if (strcmp(rq->qkey[i], k) == 0)
			return rq->qval[i];
	return NULL;
}

/* {"error":{"code":..,"message":..}}; NULL when out of memory. */
static json_t *error_body(enum ps_api_err e, const char *msg)
{
	return json_pack("{s:{s:s,s:s}}", "error", "code", ps_api_err_code(e),
			 "message", msg);
}

static unsigned set_error(struct ps_api_resp *rs, enum ps_api_err e, const char *msg)
{
	char safe[512];
	size_t i;

	json_decref(rs->json);
	rs->json = error_body(e, msg);
	if (rs->json == NULL) {
		/* not UTF-8 (a path or parameter echoed): keep the ASCII */
		for (i = 0; msg[i] != '\0' && i + 1 < sizeof(safe); i++)
			safe[i] = (unsigned char)msg[i] < 0x20 || (unsigned char)msg[i] > 0x7e ?
				'?' : msg[i];
		safe[i] = '\0';
		rs->json = error_body(e, safe);
	}
	rs->status = ps_api_err_status(e);
	return rs->status;
}

unsigned ps_api_error(struct ps_api_resp *rs, enum ps_api_err e, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return set_error(rs, e, msg);
}

/*
 * Library errors to API errors. Messages of input errors are the library's
 * (they name the field); internal ones are generic and only logged, so SQL
 * and file paths never reach a client.
 */
unsigned ps_api_error_rc(struct ps_api_resp *rs, int rc, const struct ps_diag *d)
{
	const char *msg = d != NULL && d->msg[0] ? d->msg : ps_strerror(rc);

	switch (rc) {
	case PS_ENOENT:
		return set_error(rs, PS_API_NOT_FOUND, msg);
	case PS_EINVAL:
	case PS_EPROTO:
	case PS_EUNSUP:
		return set_error(rs, PS_API_INVALID_FIELD, msg);
	case PS_EEXIST:
		return set_error(rs, PS_API_CONFLICT, msg);
	case PS_ELIMIT:
		if (strstr(msg, "too many") != NULL || strstr(msg, "locked") != NULL)
			return set_error(rs, PS_API_RATE_LIMITED, msg);
		return set_error(rs, PS_API_TOO_LARGE, msg);
	case PS_ENOMEM:
		return set_error(rs, PS_API_UNAVAILABLE, "out of memory, try again");
	default:
		ps_log_warn("api", "internal error: %s: %s", ps_strerror(rc), msg);
		return set_error(rs, PS_API_INTERNAL,
				 "internal error (the server log has the details)");
	}
}

unsigned ps_api_json(struct ps_api_resp *rs, unsigned status, struct json_t *j)
{
	if (j == NULL)
		return set_error(rs, PS_API_UNAVAILABLE, "out of memory, try again");
	json_decref(rs->json);
	rs->json = j;
	rs->status = status;
	return status;
}

/* ---- the list grammar ---- */

static bool in_list(const char *const *names, const char *s)
{
	for (size_t i = 0; names != NULL && names[i] != NULL; i++)
		if (strcmp(names[i], s) == 0)
			return true;
	return false;
}

/* "a, b, c" of a NULL-terminated list into buf. */
static void join(const char *const *names, char *buf, size_t n)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; names != NULL && names[i] != NULL && off < n; i++) {
		int w = snprintf(buf + off, n - off, "%s%s", i ? ", " : "", names[i]);

		if (w < 0)
			break;
		off += (size_t)w;
	}
}

static int parse_int(const char *v, int64_t min, int64_t max, int64_t *out)
{
	char *end;
	long long n;

	if (v == NULL || v[0] == '\0' || v[0] == '+' || v[0] == ' ')
		return PS_EINVAL;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < min || n > max)
		return PS_EINVAL;
	*out = n;
	return PS_OK;
}

static int set_sort(const struct ps_api_list_spec *sp, const char *v,
		    struct ps_api_resp *rs, struct ps_api_list *out)
{
	char names[512];
	bool desc = v[0] == '-';

	if (in_list(sp->sorts, v + desc)) {
		out->sort = v + desc;
		out->desc = desc;
		return PS_OK;
	}
	join(sp->sorts, names, sizeof(names));
	(void)ps_api_error(rs, PS_API_INVALID_PARAMETER,
			   "sort: cannot sort by '%s' (one of: %s, each optionally "
			   "preceded by '-')", v, names);
	return PS_EINVAL;
}

static int take_param(const struct ps_api_list_spec *sp, const char *k, const char *v,
		      struct ps_api_resp *rs, struct ps_api_list *out)
{
	char names[512];

	if (strcmp(k, "sort") == 0)
		return set_sort(sp, v, rs, out);
	if (strcmp(k, "limit") == 0) {
		if (parse_int(v, 1, 1000, &out->limit) == PS_OK)
			return PS_OK;
		(void)ps_api_error(rs, PS_API_INVALID_PARAMETER,
				   "limit: '%s' is not a whole number from 1 to 1000", v);
		return PS_EINVAL;
	}
	if (strcmp(k, "offset") == 0) {
		if (parse_int(v, 0, INT64_MAX / 2, &out->offset) == PS_OK)
			return PS_OK;
		(void)ps_api_error(rs, PS_API_INVALID_PARAMETER,
				   "offset: '%s' is not a whole number >= 0", v);
		return PS_EINVAL;
	}
	if (in_list(sp->filters, k)) {
		if (ps_api_list_filter(out, k) != NULL) {
			(void)ps_api_error(rs, PS_API_INVALID_PARAMETER,
					   "%s: given more than once", k);
			return PS_EINVAL;
		}
		out->filter_key[out->nfilter] = k;
		out->filter_val[out->nfilter++] = v;
		return PS_OK;
	}
	join(sp->filters, names, sizeof(names));
	(void)ps_api_error(rs, PS_API_INVALID_PARAMETER,
			   "unknown query parameter '%s' (filters: %s; and sort, limit, "
			   "offset)", k, names[0] ? names : "none");
	return PS_EINVAL;
}

int ps_api_list_parse(const struct ps_api_req *rq, struct ps_api_resp *rs,
		      struct ps_api_list *out)
{
	static const struct ps_api_list_spec none = {NULL, NULL, NULL};
	static const char *const fixed[3] = {"sort", "limit", "offset"};
	const struct ps_api_list_spec *sp = &none;
	bool seen[3] = {false, false, false};

	if (rq->route != NULL && rq->route->list != NULL)
		sp = rq->route->list;
	memset(out, 0, sizeof(*out));
	out->limit = 50;
	if (sp->default_sort != NULL && sp->default_sort[0] != '\0') {
		out->desc = sp->default_sort[0] == '-';
		out->sort = sp->default_sort + out->desc;
	}
	for (size_t i = 0; i < rq->nquery; i++) {
		const char *k = rq->qkey[i], *v = rq->qval[i] != NULL ? rq->qval[i] : "";

		for (size_t j = 0; j < 3; j++) {
			if (strcmp(k, fixed[j]) != 0)
				continue;
			if (seen[j]) {
				(void)ps_api_error(rs, PS_API_INVALID_PARAMETER,
						   "%s: given more than once", k);
				return PS_EINVAL;
			}
			seen[j] = true;
		}
		if (take_param(sp, k, v, rs, out) != PS_OK)
			return PS_EINVAL;
	}
	return PS_OK;
}

const char *ps_api_list_filter(const struct ps_api_list *l, const char *k)
{
	for (size_t i = 0; i < l->nfilter; i++)
		if (strcmp(l->filter_key[i], k) == 0)
			return l->filter_val[i];
	return NULL;
}

unsigned ps_api_list_reply(struct ps_api_resp *rs, const struct ps_api_list *l,
			   struct json_t *items, int64_t total)
{
	json_t *j;

	if (items == NULL)
		return ps_api_json(rs, 200, NULL);
	j = json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total", (json_int_t)total,
		      "limit", (json_int_t)l->limit, "offset", (json_int_t)l->offset);
	return ps_api_json(rs, 200, j);
}

unsigned ps_api_query_time(struct ps_api_resp *rs, const char *k, const char *v,
			   int64_t *us)
{
	int rc = !strcmp(k, "until") ? ps_time_parse_until(v, strlen(v), PS_TZ_SHANGHAI, us) :
		 ps_time_parse_iso8601(v, strlen(v), PS_TZ_SHANGHAI, us);

	if (rc == PS_OK)
		return 0;
	return ps_api_error(rs, PS_API_INVALID_PARAMETER, "%s: '%s' is not a time "
			    "(2026-11-20T09:30:00+08:00 or 2026-11-20)", k, v);
}

bool ps_api_names_each(const char *list, bool (*fn)(void *arg, const char *name),
		       void *arg)
{
	char name[64];
	size_t len;

	for (const char *p = list; p != NULL && *p; p += len + (p[len] == ',')) {
		len = strcspn(p, ",");
		(void)snprintf(name, sizeof(name), "%.*s", (int)len, p);
		if (name[0] && !fn(arg, name))
			return false;
	}
	return true;
}

static bool differs(void *arg, const char *name)
{
	return strcmp(arg, name) != 0;
}

unsigned ps_api_query_declared(const struct ps_api_req *rq, struct ps_api_resp *rs)
{
	const char *taken = rq->route != NULL ? rq->route->query : NULL;

	for (size_t i = 0; i < rq->nquery; i++) {
		if (!ps_api_names_each(taken, differs, (void *)rq->qkey[i]))
			continue;   /* declared */
		if (taken == NULL || !*taken)
			return ps_api_error(rs, PS_API_INVALID_PARAMETER, "unknown query "
					    "parameter '%s' (this route takes none)", rq->qkey[i]);
		return ps_api_error(rs, PS_API_INVALID_PARAMETER, "unknown query parameter "
				    "'%s' (this route takes %s)", rq->qkey[i], taken);
	}
	return 0;
}
