/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Routes of the REST API: login and logout, the current user, users,
 * roles and API tokens (docs/API.md "auth"). Handlers call src/api/auth.c,
 * the same functions as `panshi user` and `panshi token`.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "api/api.h"
#include "api/auth.h"
#include "audit/audit.h"
#include "core/core.h"
#include "store/store.h"

#define COOKIE_ATTRS "HttpOnly; SameSite=Strict; Path=/"

/* ---- JSON helpers ---- */

/* ISO 8601 +08:00 (seconds) or null for 0. */
static json_t *time_json(int64_t us)
{
	char buf[PS_TIME_FMT_SIZE];

	if (us == 0 || ps_time_fmt_iso8601(us, PS_TZ_SHANGHAI, PS_TIME_FMT_SEC, buf,
					   sizeof(buf)) != PS_OK)
		return json_null();
	return json_string(buf);
}

/* "U-1,U-2" as ["U-1","U-2"]. */
static json_t *units_json(const char *units)
{
	json_t *a = json_array();
	const char *p = units;

	while (a != NULL && p != NULL && *p != '\0') {
		const char *c = strchr(p, ',');
		size_t n = c != NULL ? (size_t)(c - p) : strlen(p);

		if (n > 0 && json_array_append_new(a, json_stringn(p, n)) != 0) {
			json_decref(a);
			return NULL;
		}
		p = c != NULL ? c + 1 : NULL;
	}
	return a;
}

static json_t *perms_json(enum ps_api_role role)
{
	json_t *a = json_array();

	for (int p = PS_PERM_SELF + 1; a != NULL && p < PS_PERM__COUNT; p++) {
		if (ps_api_role_has(role, (enum ps_api_perm)p) &&
		    json_array_append_new(a, json_string(ps_api_perm_name((enum ps_api_perm)p))) != 0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

/* The user as GET /users lists it. */
static json_t *user_json(const struct ps_api_user_row *u)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:o*, s:b, s:b, s:o*, s:o*}",
			 "id", (json_int_t)u->id, "name", u->name,
			 "role", ps_api_role_name(u->role), "role_zh", ps_api_role_zh(u->role),
			 "units", units_json(u->units), "disabled", u->disabled,
			 "must_change", u->must_change, "created_at", time_json(u->created_at),
			 "last_login", time_json(u->last_login));
}

/* The user as GET /me and the login answer show it. */
static json_t *me_json(const struct ps_api_user_row *u)
{
	return json_pack("{s:s, s:s, s:s, s:o*, s:b, s:o*}", "name", u->name,
			 "role", ps_api_role_name(u->role), "role_zh", ps_api_role_zh(u->role),
			 "units", units_json(u->units), "must_change", u->must_change,
			 "permissions", perms_json(u->role));
}

/* A string field of the body, or NULL (then *bad names it when present
 * with another type). */
static const char *body_str(const struct ps_api_req *rq, const char *k, bool *bad)
{
	json_t *v = rq->json != NULL ? json_object_get(rq->json, k) : NULL;

	if (v != NULL && !json_is_string(v) && !json_is_null(v))
		*bad = true;
	return json_string_value(v);
}

/* "units": ["U-1", "U-2"] or "U-1,U-2" into out; false when malformed. */
static bool body_units(const struct ps_api_req *rq, char *out, size_t n)
{
	json_t *v = rq->json != NULL ? json_object_get(rq->json, "units") : NULL;
	json_t *e;
	size_t i, o = 0;

	out[0] = '\0';
	if (v == NULL || json_is_null(v))
		return true;
	if (json_is_string(v))
		return (size_t)snprintf(out, n, "%s", json_string_value(v)) < n;
	if (!json_is_array(v))
		return false;
	json_array_foreach(v, i, e) {
		int w;

		if (!json_is_string(e))
			return false;
		w = snprintf(out + o, n - o, "%s%s", i > 0 ? "," : "", json_string_value(e));
		if (w < 0 || (size_t)w >= n - o)
			return false;
		o += (size_t)w;
	}
	return true;
}

static unsigned no_content(struct ps_api_resp *rs)
{
	json_decref(rs->json);
	rs->json = NULL;
	rs->status = 204;
	return 204;
}

static void cookie_clear(const struct ps_api_req *rq, struct ps_api_resp *rs)
{
	bool tls = rq->set != NULL && rq->set->tls_cert != NULL && rq->set->tls_cert[0] != '\0';

	snprintf(rs->set_cookie[0], sizeof(rs->set_cookie[0]),
		 "panshi_session=; " COOKIE_ATTRS "; Max-Age=0%s", tls ? "; Secure" : "");
}

/* ---- sessions ---- */

static unsigned login_fail(struct ps_api_resp *rs, int rc, const struct ps_diag *d)
{
	if (rc == PS_API_EDENIED)
		return ps_api_error(rs, PS_API_UNAUTHORIZED, "wrong user name or password");
	if (rc == PS_ELIMIT)
		return ps_api_error(rs, PS_API_RATE_LIMITED, "%s", d->msg);
	return ps_api_error_rc(rs, rc, d);
}

static unsigned h_login(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	struct ps_diag d = {{0}};
	struct ps_api_user u;
	struct ps_api_user_row row;
	char secret[PS_API_SECRET_LEN], csrf[PS_API_SECRET_LEN];
	bool bad = false, tls;
	const char *name = body_str(rq, "name", &bad), *pw = body_str(rq, "password", &bad);
	json_t *j;
	int rc;

	if (name == NULL || pw == NULL || bad)
		return ps_api_error(rs, PS_API_INVALID_FIELD,
				    "name and password: strings are needed");
	rc = ps_api_login_check(rq->th->st, rq->th->audit, rq->set, name, pw, rq->client,
				rq->now, &u, &d);
	if (rc != PS_OK)
		return login_fail(rs, rc, &d);
	if ((rc = ps_api_user_get(rq->th->st, u.name, &row, &d)) != PS_OK ||
	    (rc = ps_api_session_create(rq->th->st, &u, rq->now, secret, csrf, &d)) != PS_OK)
		return ps_api_error_rc(rs, rc, &d);
	tls = rq->set != NULL && rq->set->tls_cert != NULL && rq->set->tls_cert[0] != '\0';
	snprintf(rs->set_cookie[0], sizeof(rs->set_cookie[0]), "panshi_session=%s; "
		 COOKIE_ATTRS "%s", secret, tls ? "; Secure" : "");
	explicit_bzero(secret, sizeof(secret));
	j = json_pack("{s:o*, s:s}", "user", me_json(&row), "csrf_token", csrf);
	return ps_api_json(rs, 201, j);
}

static unsigned h_logout(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	struct ps_diag d = {{0}};
	char object[80];
	int rc;

	if (rq->user->session_id[0] != '\0') {
		rc = ps_api_session_end(rq->th->st, rq->user->session_id, &d);
		if (rc != PS_OK && rc != PS_ENOENT)
			return ps_api_error_rc(rs, rc, &d);
		snprintf(object, sizeof(object), "user:%s", rq->user->name);
		rc = ps_audit_append(rq->th->audit, rq->now, rq->actor, "auth.logout", object,
				     NULL, NULL, &d);
		if (rc != PS_OK)
			return ps_api_error_rc(rs, rc, &d);
	}
	cookie_clear(rq, rs);
	return no_content(rs);
}

/* ---- the current user ---- */

/* The CSRF token of the request's cookie session, so a console reloaded
 * in the browser can write again without a new login. Only same-origin
 * pages can read the answer (no CORS), and the cookie is SameSite=Strict. */
static json_t *session_csrf(struct ps_api_req *rq)
{
	struct ps_stmt *s = NULL;
	json_t *j = NULL;

	if (rq->user->via_token || rq->user->session_id[0] == '\0')
		return NULL;
	if (ps_store_prepare(rq->th->st, "SELECT csrf FROM api_sessions WHERE id = ? "
			     "AND ended_at IS NULL", &s) == PS_OK &&
	    ps_store_stmt_bind_text(s, 1, rq->user->session_id) == PS_OK &&
	    ps_store_stmt_step(s) == PS_OK && ps_store_stmt_column_text(s, 0) != NULL)
		j = json_string(ps_store_stmt_column_text(s, 0));
	ps_store_stmt_finalize(s);
	return j;
}

static unsigned h_me(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	struct ps_diag d = {{0}};
	struct ps_api_user_row row;
	json_t *o, *csrf;
	int rc = ps_api_user_get(rq->th->st, rq->user->name, &row, &d);

	if (rc != PS_OK)
		return ps_api_error_rc(rs, rc, &d);
	o = me_json(&row);
	if (o != NULL && (csrf = session_csrf(rq)) != NULL)
		json_object_set_new(o, "csrf_token", csrf);
	return ps_api_json(rs, 200, o);
}

static unsigned h_password(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	struct ps_diag d = {{0}};
	bool bad = false;
	const char *old = body_str(rq, "old_password", &bad);
	const char *pw = body_str(rq, "new_password", &bad);
	int rc;

	if (old == NULL || pw == NULL || bad)
		return ps_api_error(rs, PS_API_INVALID_FIELD,
				    "old_password and new_password: strings are needed");
	rc = ps_api_user_change_password(rq->th->st, rq->th->audit, rq->actor, rq->user,
					 old, pw, &d);
	if (rc == PS_API_EDENIED)
		return ps_api_error(rs, PS_API_INVALID_FIELD, "%s", d.msg);
	if (rc != PS_OK)
		return ps_api_error_rc(rs, rc, &d);
	return no_content(rs);
}

/* ---- in-memory lists (users and tokens are few) ---- */

/* The text of a JSON scalar for equality filters: strings as they are,
 * true/false, integers in decimal; "" for anything else. */
static void scalar_text(json_t *v, char *out, size_t n)
{
	if (json_is_string(v))
		snprintf(out, n, "%s", json_string_value(v));
	else if (json_is_boolean(v))
		snprintf(out, n, "%s", json_is_true(v) ? "true" : "false");
	else if (json_is_integer(v))
		snprintf(out, n, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else
		out[0] = '\0';
}

static int cmp_items(const void *a, const void *b, void *arg)
{
	const struct ps_api_list *l = arg;
	json_t *x = json_object_get(*(json_t *const *)a, l->sort);
	json_t *y = json_object_get(*(json_t *const *)b, l->sort);
	int c;

	if (json_is_integer(x) && json_is_integer(y))
		c = (json_integer_value(x) > json_integer_value(y)) -
		    (json_integer_value(x) < json_integer_value(y));
	else
		c = strcmp(json_is_string(x) ? json_string_value(x) : "",
			   json_is_string(y) ? json_string_value(y) : "");
	return l->desc ? -c : c;
}

/* Filter, sort and page `all` (taken) by the list grammar. */
static unsigned reply_page(struct ps_api_req *rq, struct ps_api_resp *rs, json_t *all)
{
	struct ps_api_list l;
	json_t **v = NULL, *items, *e;
	char txt[256];
	size_t i, n = 0;
	int64_t k;

	if (all == NULL)
		return ps_api_json(rs, 200, NULL);
	if (ps_api_list_parse(rq, rs, &l) != PS_OK) {
		json_decref(all);
		return rs->status;
	}
	if (json_array_size(all) > 0 &&
	    (v = ps_calloc(PS_MEM_API, json_array_size(all), sizeof(*v))) == NULL) {
		json_decref(all);
		return ps_api_json(rs, 200, NULL);
	}
	json_array_foreach(all, i, e) {
		bool keep = true;

		for (size_t f = 0; f < l.nfilter && keep; f++) {
			scalar_text(json_object_get(e, l.filter_key[f]), txt, sizeof(txt));
			keep = strcmp(txt, l.filter_val[f]) == 0;
		}
		if (keep)
			v[n++] = e;
	}
	if (l.sort != NULL && n > 1)
		qsort_r(v, n, sizeof(*v), cmp_items, &l);
	items = json_array();
	for (k = l.offset; items != NULL && k < (int64_t)n && k < l.offset + l.limit; k++)
		json_array_append(items, v[k]);
	ps_free(v);
	json_decref(all);
	return ps_api_list_reply(rs, &l, items, (int64_t)n);
}

/* ---- users ---- */

static int add_user(void *arg, const struct ps_api_user_row *u)
{
	return json_array_append_new(arg, user_json(u)) == 0 ? 0 : PS_ENOMEM;
}

static unsigned h_users(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	struct ps_diag d = {{0}};
	json_t *all = json_array();
	int rc;

	if (all == NULL)
		return ps_api_json(rs, 200, NULL);
	if ((rc = ps_api_user_list(rq->th->st, add_user, all, &d)) != PS_OK) {
		json_decref(all);
		return ps_api_error_rc(rs, rc, &d);
	}
	return reply_page(rq, rs, all);
}

static unsigned h_user_create(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	struct ps_diag d = {{0}};
	struct ps_api_user_row row;
	enum ps_api_role role;
	char units[1024], otp[PS_API_SECRET_LEN];
	bool bad = false;
	const char *name = body_str(rq, "name", &bad), *rname = body_str(rq, "role", &bad);
	const char *pw = body_str(rq, "password", &bad);
	json_t *j;
	int rc;

	if (name == NULL || bad)
		return ps_api_error(rs, PS_API_INVALID_FIELD, "name: a string is needed");
	if (ps_api_role_parse(rname, &role) != PS_OK)
		return ps_api_error(rs, PS_API_INVALID_FIELD, "role: one of sysadmin, "
				    "secadmin, auditor, analyst, unit_owner, regulator");
	if (!body_units(rq, units, sizeof(units)))
		return ps_api_error(rs, PS_API_INVALID_FIELD,
				    "units: a list of unit keys is needed");
	rc = ps_api_user_create(rq->th->st, rq->th->audit, rq->actor, name, pw, role, units,
				otp, NULL, &d);
	if (rc == PS_OK)
		rc = ps_api_user_get(rq->th->st, name, &row, &d);
	if (rc != PS_OK)
		return ps_api_error_rc(rs, rc, &d);
	j = user_json(&row);
	if (j != NULL && pw == NULL)
		json_object_set_new(j, "one_time_password", json_string(otp));
	explicit_bzero(otp, sizeof(otp));
	return ps_api_json(rs, 201, j);
}

/* PATCH /users/{name} {"disabled": bool}: users.manage. */
static unsigned h_user_patch(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	struct ps_diag d = {{0}};
	struct ps_api_user_row row;
	json_t *v = rq->json != NULL ? json_object_get(rq->json, "disabled") : NULL;
	int rc;

	if (rq->json != NULL && (json_object_get(rq->json, "role") != NULL ||
				 json_object_get(rq->json, "units") != NULL))
		return ps_api_error(rs, PS_API_INVALID_FIELD, "role: change it with PUT "
				    "/api/v1/users/{name}/role (roles.manage)");
	if ((rc = ps_api_user_get(rq->th->st, rq->param[0], &row, &d)) != PS_OK)
		return ps_api_error_rc(rs, rc, &d);
	if (!json_is_boolean(v))
		return ps_api_error(rs, PS_API_INVALID_FIELD, "disabled: true or false is needed");
	if (json_is_true(v) && strcmp(row.name, rq->user->name) == 0)
		return ps_api_error(rs, PS_API_CONFLICT, "you cannot disable yourself");
	rc = ps_api_user_set_disabled(rq->th->st, rq->th->audit, rq->actor, row.name,
				      json_is_true(v), &d);
	if (rc == PS_OK)
		rc = ps_api_user_get(rq->th->st, row.name, &row, &d);
	if (rc != PS_OK)
		return ps_api_error_rc(rs, rc, &d);
	return ps_api_json(rs, 200, user_json(&row));
}

/* PUT /users/{name}/role {"role", "units"}: roles.manage (the security
 * administrator), never on oneself. */
static unsigned h_user_role(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	struct ps_diag d = {{0}};
	struct ps_api_user_row row;
	enum ps_api_role role;
	char units[1024];
	bool bad = false;
	int rc;

	if ((rc = ps_api_user_get(rq->th->st, rq->param[0], &row, &d)) != PS_OK)
		return ps_api_error_rc(rs, rc, &d);
	if (ps_api_role_parse(body_str(rq, "role", &bad), &role) != PS_OK || bad)
		return ps_api_error(rs, PS_API_INVALID_FIELD, "role: one of sysadmin, "
				    "secadmin, auditor, analyst, unit_owner, regulator");
	if (!body_units(rq, units, sizeof(units)))
		return ps_api_error(rs, PS_API_INVALID_FIELD,
				    "units: a list of unit keys is needed");
	if (strcmp(row.name, rq->user->name) == 0)
		return ps_api_error(rs, PS_API_CONFLICT, "you cannot change your own role");
	rc = ps_api_user_set_role(rq->th->st, rq->th->audit, rq->actor, row.name, role, units,
				  &d);
	if (rc == PS_OK)
		rc = ps_api_user_get(rq->th->st, row.name, &row, &d);
	if (rc != PS_OK)
		return ps_api_error_rc(rs, rc, &d);
	return ps_api_json(rs, 200, user_json(&row));
}

static unsigned h_roles(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	json_t *a = json_array();

	(void)rq;
	for (int r = 0; a != NULL && r < PS_ROLE__COUNT; r++) {
		json_t *o = json_pack("{s:s, s:s, s:o*}", "role",
				      ps_api_role_name((enum ps_api_role)r), "role_zh",
				      ps_api_role_zh((enum ps_api_role)r),
				      "permissions", perms_json((enum ps_api_role)r));

		if (o == NULL || json_array_append_new(a, o) != 0) {
			json_decref(a);
			a = NULL;
		}
	}
	return ps_api_json(rs, 200, a);
}

/* ---- tokens ---- */

static json_t *token_json(const struct ps_api_token_row *t)
{
	return json_pack("{s:I, s:s, s:o*, s:o*, s:o*, s:b}", "id", (json_int_t)t->id,
			 "label", t->label, "created_at", time_json(t->created_at),
			 "expires", time_json(t->expires), "last_used", time_json(t->last_used),
			 "revoked", t->revoked_at != 0);
}

static int add_token(void *arg, const struct ps_api_token_row *t)
{
	return json_array_append_new(arg, token_json(t)) == 0 ? 0 : PS_ENOMEM;
}

static unsigned h_tokens(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	struct ps_diag d = {{0}};
	json_t *all = json_array();
	int rc;

	if (all == NULL)
		return ps_api_json(rs, 200, NULL);
	rc = ps_api_token_list(rq->th->st, rq->user->name, add_token, all, &d);
	if (rc != PS_OK) {
		json_decref(all);
		return ps_api_error_rc(rs, rc, &d);
	}
	return reply_page(rq, rs, all);
}

static unsigned h_token_create(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	struct ps_diag d = {{0}};
	char secret[PS_API_SECRET_LEN];
	bool bad = false;
	const char *label = body_str(rq, "label", &bad), *exp = body_str(rq, "expires", &bad);
	int64_t expires = 0, id = 0;
	struct ps_date dd;
	json_t *j;
	int rc;

	if (bad)
		return ps_api_error(rs, PS_API_INVALID_FIELD, "label and expires: strings");
	if (exp != NULL && exp[0] != '\0' &&
	    ps_time_parse_iso8601(exp, strlen(exp), PS_TZ_SHANGHAI, &expires) != PS_OK &&
	    (ps_date_parse(exp, strlen(exp), &dd) != PS_OK ||
	     ps_date_to_time_us(dd, PS_TZ_SHANGHAI, &expires) != PS_OK))
		return ps_api_error(rs, PS_API_INVALID_FIELD,
				    "expires: '%s' is not a time", exp);
	rc = ps_api_token_create(rq->th->st, rq->th->audit, rq->actor, rq->user->name,
				 label, expires, secret, &id, &d);
	if (rc != PS_OK)
		return ps_api_error_rc(rs, rc, &d);
	j = json_pack("{s:I, s:s, s:o*, s:s}", "id", (json_int_t)id, "label",
		      label != NULL ? label : "", "expires", time_json(expires), "token", secret);
	explicit_bzero(secret, sizeof(secret));
	return ps_api_json(rs, 201, j);
}

struct find_token {
	int64_t id;
	bool found;
};

static int match_token(void *arg, const struct ps_api_token_row *t)
{
	struct find_token *f = arg;

	if (t->id == f->id && t->revoked_at == 0)
		f->found = true;
	return 0;
}

/* DELETE /tokens/{id}: the user's own active tokens; others are 404. */
static unsigned h_token_revoke(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	struct ps_diag d = {{0}};
	struct find_token f = {0, false};
	char *end = NULL;
	long long v = strtoll(rq->param[0], &end, 10);
	int rc;

	if (end == rq->param[0] || *end != '\0' || v <= 0)
		return ps_api_error(rs, PS_API_NOT_FOUND, "no token '%s'", rq->param[0]);
	f.id = v;
	rc = ps_api_token_list(rq->th->st, rq->user->name, match_token, &f, &d);
	if (rc == PS_OK && !f.found)
		return ps_api_error(rs, PS_API_NOT_FOUND, "no active token %lld", v);
	if (rc == PS_OK)
		rc = ps_api_token_revoke(rq->th->st, rq->th->audit, rq->actor, f.id, &d);
	if (rc != PS_OK)
		return ps_api_error_rc(rs, rc, &d);
	return no_content(rs);
}

static const char *const user_filters[] = {"role", "disabled", NULL};
static const char *const user_sorts[] = {"name", "created_at", NULL};
static const struct ps_api_list_spec user_list = {user_filters, user_sorts, "name"};
static const char *const token_filters[] = {"revoked", NULL};
static const char *const token_sorts[] = {"id", "created_at", NULL};
static const struct ps_api_list_spec token_list = {token_filters, token_sorts, "-id"};

const struct ps_api_route ps_api_routes_auth[] = {
	{PS_API_POST, "/api/v1/sessions", PS_PERM_PUBLIC, h_login, "auth",
	 "log in: a session cookie and a CSRF token", NULL, "name,password", true},
	{PS_API_DELETE, "/api/v1/sessions/current", PS_PERM_SELF, h_logout, "auth",
	 "log out", NULL, NULL, true},
	{PS_API_GET, "/api/v1/me", PS_PERM_SELF, h_me, "auth",
	 "the current user, role and permissions", NULL, NULL, false},
	{PS_API_PUT, "/api/v1/me/password", PS_PERM_SELF, h_password, "auth",
	 "change one's password (ends one's other sessions)", NULL, "old_password,new_password",
	 true},
	{PS_API_GET, "/api/v1/users", PS_PERM_USERS_MANAGE, h_users, "auth",
	 "list users", &user_list, NULL, false},
	{PS_API_POST, "/api/v1/users", PS_PERM_USERS_MANAGE, h_user_create, "auth",
	 "create a user (a one-time password when none is given)", NULL,
	 "name,role,units,password", true},
	{PS_API_PATCH, "/api/v1/users/{name}", PS_PERM_USERS_MANAGE, h_user_patch, "auth",
	 "disable or enable a user", NULL, "disabled", true},
	{PS_API_PUT, "/api/v1/users/{name}/role", PS_PERM_ROLES_MANAGE, h_user_role, "auth",
	 "grant a role (and a unit owner's units)", NULL, "role,units", true},
	{PS_API_GET, "/api/v1/roles", PS_PERM_SELF, h_roles, "auth",
	 "roles and their permissions", NULL, NULL, false},
	{PS_API_GET, "/api/v1/tokens", PS_PERM_SELF, h_tokens, "auth",
	 "one's API tokens", &token_list, NULL, false},
	{PS_API_POST, "/api/v1/tokens", PS_PERM_SELF, h_token_create, "auth",
	 "create an API token (the secret is shown once)", NULL, "label,expires", true},
	{PS_API_DELETE, "/api/v1/tokens/{id}", PS_PERM_SELF, h_token_revoke, "auth",
	 "revoke one's API token", NULL, NULL, true},
	{0},
};
