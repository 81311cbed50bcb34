/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The acceptance test of 三员分立 over HTTP, on SQLite and PostgreSQL
 * (argv[1]): every route of every table is called with a token of every
 * role and must be refused (403 forbidden) exactly when the role lacks the
 * route's permission; without credentials every non-public route is 401;
 * a cookie session needs its CSRF token; login, logout and the lockout.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "api/api.h"
#include "api/auth.h"
#include "audit/audit.h"
#include "core/core.h"
#include "incident/case.h"
#include "policy/policy.h"
#include "registry/bulk.h"
#include "registry/registry.h"
#include "store/store.h"

#define OK(x) assert_int_equal((x), PS_OK)

#define AFX_NAME "apiroles"
#include "api_fixture.h"

/* A path for pattern p with its {params} filled: incident ids, registry
 * keys, and a number elsewhere (a token id nobody owns, so a revoke never
 * removes the token the test is using). */
static void fill_path(const char *p, char *out, size_t n)
{
	size_t o = 0;

	while (*p != '\0' && o + 1 < n) {
		if (*p == '{') {
			const char *end = strchr(p, '}');
			const char *v = "999999";

			if (strncmp(p, "{key}", 5) == 0)
				v = "U-CORE-01";
			else if (strstr(out, "incidents") != NULL && strncmp(p, "{id}", 4) == 0)
				v = "INC-000001";
			o += (size_t)snprintf(out + o, n - o, "%s", v);
			if (o >= n)
				o = n - 1;
			p = end != NULL ? end + 1 : p + strlen(p);
			continue;
		}
		out[o++] = *p++;
		out[o] = '\0';
	}
	out[o] = '\0';
}

static bool has_body(enum ps_api_method m)
{
	return m == PS_API_POST || m == PS_API_PUT || m == PS_API_PATCH;
}

static int call(struct afx *f, const struct ps_api_route *rt, const char *auth,
		struct afx_resp *r)
{
	const char *hdr[2] = {auth, NULL};
	char path[512] = "";

	fill_path(rt->pattern, path, sizeof(path));
	return afx_req(f, ps_api_method_name(rt->method), path,
		       has_body(rt->method) ? "{}" : NULL, hdr, r);
}

/*
 * Refusals a handler adds on top of the route's permission: a unit owner
 * holds incidents.act and reports.read for its own units only, so jobs and
 * the bulletin, which span every unit, are refused by the handler
 * (routes_incidents.c, routes_reports.c) with 403. Anything else that
 * holds the permission must get past authorisation.
 */
static const struct {
	const char *pattern;
	enum ps_api_role role;
} scoped[] = {
	{"/api/v1/incidents/correlate", PS_ROLE_UNIT_OWNER},
	{"/api/v1/incidents/tick", PS_ROLE_UNIT_OWNER},
	{"/api/v1/reports/bulletin", PS_ROLE_UNIT_OWNER},
};

static bool scoped_refusal(const struct ps_api_route *rt, int role,
			   const struct afx_resp *resp)
{
	for (size_t i = 0; i < PS_ARRAY_LEN(scoped); i++)
		if (strcmp(rt->pattern, scoped[i].pattern) == 0 && (int)scoped[i].role == role)
			return resp->status == 403;
	return false;
}

/* The refusals: every route x every role. */
static void test_matrix(void **state)
{
	struct afx *f = *state;
	const struct ps_api_route *const *tables;
	const char *tok[PS_ROLE__COUNT];
	size_t nt, checked = 0, refused = 0;

	f->api.rate_per_minute = 1000000;
	assert_int_equal(afx_restart(f), 0);
	for (int r = 0; r < PS_ROLE__COUNT; r++)
		tok[r] = afx_token(f, (enum ps_api_role)r,
				   r == PS_ROLE_UNIT_OWNER ? "U-CORE-01" : NULL);
	tables = ps_api_route_tables(&nt);
	for (size_t t = 0; t < nt; t++) {
		for (const struct ps_api_route *rt = tables[t]; rt->handler != NULL; rt++) {
			if (rt->perm == PS_PERM_PUBLIC)
				continue;
			for (int r = 0; r < PS_ROLE__COUNT; r++) {
				struct afx_resp resp;
				bool allowed = ps_api_role_has((enum ps_api_role)r, rt->perm);

				assert_int_equal(call(f, rt, tok[r], &resp), 0);
				if (!allowed && (resp.status != 403 ||
						 strcmp(afx_err_code(&resp), "forbidden") != 0))
					fail_msg("%s %s as %s (lacks %s): %u %s",
						 ps_api_method_name(rt->method), rt->pattern,
						 ps_api_role_name((enum ps_api_role)r),
						 ps_api_perm_name(rt->perm), resp.status, resp.body);
				if (allowed && (resp.status == 401 || resp.status == 403) &&
				    !scoped_refusal(rt, r, &resp))
					fail_msg("%s %s as %s (holds %s): %u %s",
						 ps_api_method_name(rt->method), rt->pattern,
						 ps_api_role_name((enum ps_api_role)r),
						 ps_api_perm_name(rt->perm), resp.status, resp.body);
				refused += !allowed;
				checked++;
				afx_resp_free(&resp);
			}
		}
	}
	/* the auth table alone has 11 non-public routes */
	assert_true(checked >= 11 * PS_ROLE__COUNT);
	assert_true(refused > 0);
}

/* Without credentials: 401 on every non-public route. */
static void test_anonymous(void **state)
{
	struct afx *f = *state;
	const struct ps_api_route *const *tables;
	size_t nt;

	f->api.rate_per_minute = 1000000;
	assert_int_equal(afx_restart(f), 0);
	tables = ps_api_route_tables(&nt);
	for (size_t t = 0; t < nt; t++) {
		for (const struct ps_api_route *rt = tables[t]; rt->handler != NULL; rt++) {
			struct afx_resp resp;

			if (rt->perm == PS_PERM_PUBLIC)
				continue;
			assert_int_equal(call(f, rt, NULL, &resp), 0);
			if (resp.status != 401 || strcmp(afx_err_code(&resp), "unauthorized") != 0)
				fail_msg("%s %s without credentials: %u %s",
					 ps_api_method_name(rt->method), rt->pattern, resp.status,
					 resp.body);
			afx_resp_free(&resp);
		}
	}
}

/* The auditor reads the audit log and nothing else. */
static void test_auditor(void **state)
{
	struct afx *f = *state;
	const char *hdr[2] = {afx_token(f, PS_ROLE_AUDITOR, NULL), NULL};
	struct afx_resp r;

	assert_int_equal(afx_req(f, "GET", "/api/v1/incidents", NULL, hdr, &r), 0);
	assert_int_equal(r.status, 403);
	assert_string_equal(afx_err_code(&r), "forbidden");
	afx_resp_free(&r);
	assert_int_equal(afx_req(f, "GET", "/api/v1/events", NULL, hdr, &r), 0);
	assert_int_equal(r.status, 403);
	afx_resp_free(&r);
	assert_int_equal(afx_req(f, "GET", "/api/v1/audit", NULL, hdr, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(json_object_get(r.json, "items"));
	afx_resp_free(&r);
}

/* The value of the panshi_session cookie set by r into out. */
static void session_cookie(const struct afx_resp *r, char *out, size_t n)
{
	char sc[600];
	size_t vl;

	assert_non_null(afx_header(r, "Set-Cookie", sc, sizeof(sc)));
	assert_memory_equal(sc, "panshi_session=", 15);
	assert_non_null(strstr(sc, "; HttpOnly"));
	assert_non_null(strstr(sc, "; SameSite=Strict"));
	assert_non_null(strstr(sc, "; Path=/"));
	assert_null(strstr(sc, "Secure"));  /* plain HTTP */
	vl = strcspn(sc, ";");
	snprintf(out, n, "Cookie: %.*s", (int)vl, sc);
}

static void login(struct afx *f, const char *name, char *cookie, size_t cn, char *csrf,
		  size_t xn)
{
	char body[200];
	struct afx_resp r;

	snprintf(body, sizeof(body), "{\"name\":\"%s\",\"password\":\"%s\"}", name,
		 AFX_PASSWORD);
	assert_int_equal(afx_req(f, "POST", "/api/v1/sessions", body, NULL, &r), 0);
	assert_int_equal(r.status, 201);
	session_cookie(&r, cookie, cn);
	snprintf(csrf, xn, "X-CSRF-Token: %s",
		 json_string_value(json_object_get(r.json, "csrf_token")));
	assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "user"),
							      "name")), name);
	afx_resp_free(&r);
}

/* A cookie session: CSRF on changes, /me, logout. */
static void test_session(void **state)
{
	struct afx *f = *state;
	char name[64], cookie[200], csrf[120];
	const char *with[3], *without[2];
	struct afx_resp r;

	(void)afx_token_named(f, PS_ROLE_ANALYST, NULL, name);
	login(f, name, cookie, sizeof(cookie), csrf, sizeof(csrf));
	with[0] = cookie;
	with[1] = csrf;
	with[2] = NULL;
	without[0] = cookie;
	without[1] = NULL;
	assert_int_equal(afx_req(f, "GET", "/api/v1/me", NULL, without, &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "role")), "analyst");
	assert_string_equal(json_string_value(json_object_get(r.json, "role_zh")), "分析员");
	assert_true(json_array_size(json_object_get(r.json, "permissions")) >= 9);
	/* a reloaded console gets its session's CSRF token back from /me */
	assert_string_equal(json_string_value(json_object_get(r.json, "csrf_token")),
			    csrf + strlen("X-CSRF-Token: "));
	afx_resp_free(&r);
	assert_int_equal(afx_req(f, "POST", "/api/v1/tokens", "{\"label\":\"x\"}", without,
				 &r), 0);
	assert_int_equal(r.status, 403);
	assert_string_equal(afx_err_code(&r), "csrf");
	afx_resp_free(&r);
	assert_int_equal(afx_req(f, "POST", "/api/v1/tokens", "{\"label\":\"x\"}", with, &r), 0);
	assert_int_equal(r.status, 201);
	assert_int_equal(strlen(json_string_value(json_object_get(r.json, "token"))),
			 PS_API_SECRET_LEN - 1);
	afx_resp_free(&r);
	assert_int_equal(afx_req(f, "GET", "/api/v1/tokens", NULL, without, &r), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "total")), 2);
	afx_resp_free(&r);

	assert_int_equal(afx_req(f, "DELETE", "/api/v1/sessions/current", NULL, with, &r), 0);
	assert_int_equal(r.status, 204);
	afx_resp_free(&r);
	assert_int_equal(afx_req(f, "GET", "/api/v1/me", NULL, without, &r), 0);
	assert_int_equal(r.status, 401);
	afx_resp_free(&r);
}

/* Wrong passwords: 401 with one message, then 429 even with the right one. */
static void test_lockout(void **state)
{
	struct afx *f = *state;
	char name[64], body[200];
	struct afx_resp r;
	struct ps_audit_report rep;
	struct ps_diag d = {{0}};

	(void)afx_token_named(f, PS_ROLE_REGULATOR, NULL, name);
	snprintf(body, sizeof(body), "{\"name\":\"%s\",\"password\":\"wrong password!\"}",
		 name);
	for (int64_t i = 0; i < f->api.login_failures; i++) {
		assert_int_equal(afx_req(f, "POST", "/api/v1/sessions", body, NULL, &r), 0);
		assert_int_equal(r.status, 401);
		assert_string_equal(json_string_value(json_object_get(json_object_get(r.json,
			"error"), "message")), "wrong user name or password");
		afx_resp_free(&r);
	}
	snprintf(body, sizeof(body), "{\"name\":\"%s\",\"password\":\"%s\"}", name,
		 AFX_PASSWORD);
	assert_int_equal(afx_req(f, "POST", "/api/v1/sessions", body, NULL, &r), 0);
	assert_int_equal(r.status, 429);
	assert_string_equal(afx_err_code(&r), "rate_limited");
	afx_resp_free(&r);
	/* an unknown name answers like a known one */
	assert_int_equal(afx_req(f, "POST", "/api/v1/sessions",
				 "{\"name\":\"nobody\",\"password\":\"wrong password!\"}", NULL,
				 &r), 0);
	assert_int_equal(r.status, 429); /* the address is locked too by now */
	afx_resp_free(&r);
	OK(ps_audit_verify(f->a, &rep, &d));
	assert_true(rep.intact);
}

/* Users and roles over HTTP: the sysadmin creates, the secadmin grants. */
static void test_admin(void **state)
{
	struct afx *f = *state;
	const char *sys[2] = {afx_token(f, PS_ROLE_SYSADMIN, NULL), NULL};
	const char *sec[2] = {afx_token(f, PS_ROLE_SECADMIN, NULL), NULL};
	struct afx_resp r;
	const char *otp;

	assert_int_equal(afx_req(f, "POST", "/api/v1/users",
				 "{\"name\":\"carol\",\"role\":\"analyst\"}", sys, &r), 0);
	assert_int_equal(r.status, 201);
	otp = json_string_value(json_object_get(r.json, "one_time_password"));
	assert_non_null(otp);
	assert_int_equal(strlen(otp), PS_API_SECRET_LEN - 1);
	assert_true(json_is_true(json_object_get(r.json, "must_change")));
	afx_resp_free(&r);
	assert_int_equal(afx_req(f, "POST", "/api/v1/users",
				 "{\"name\":\"carol\",\"role\":\"analyst\"}", sys, &r), 0);
	assert_int_equal(r.status, 409);
	afx_resp_free(&r);
	assert_int_equal(afx_req(f, "GET", "/api/v1/users?role=analyst", NULL, sys, &r), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "total")), 1);
	afx_resp_free(&r);
	/* the sysadmin may not grant roles; the secadmin may */
	assert_int_equal(afx_req(f, "PUT", "/api/v1/users/carol/role",
				 "{\"role\":\"unit_owner\",\"units\":[\"U-CORE-01\"]}", sys, &r),
			 0);
	assert_int_equal(r.status, 403);
	afx_resp_free(&r);
	assert_int_equal(afx_req(f, "PATCH", "/api/v1/users/carol", "{\"role\":\"sysadmin\"}",
				 sys, &r), 0);
	assert_int_equal(r.status, 400);
	afx_resp_free(&r);
	/* a unit the registry does not have is refused, naming it */
	assert_int_equal(afx_req(f, "PUT", "/api/v1/users/carol/role",
				 "{\"role\":\"unit_owner\",\"units\":[\"U-CORE-1\"]}", sec, &r),
			 0);
	assert_int_equal(r.status, 400);
	assert_string_equal(afx_err_code(&r), "invalid_field");
	assert_non_null(strstr(r.body, "no unit 'U-CORE-1' in the registry"));
	afx_resp_free(&r);
	assert_int_equal(afx_req(f, "PUT", "/api/v1/users/carol/role",
				 "{\"role\":\"unit_owner\",\"units\":[\"U-CORE-01\"]}", sec, &r),
			 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "role")), "unit_owner");
	assert_string_equal(json_string_value(json_array_get(json_object_get(r.json, "units"),
							     0)), "U-CORE-01");
	afx_resp_free(&r);
	assert_int_equal(afx_req(f, "PATCH", "/api/v1/users/carol", "{\"disabled\":true}", sys,
				 &r), 0);
	assert_int_equal(r.status, 200);
	assert_true(json_is_true(json_object_get(r.json, "disabled")));
	afx_resp_free(&r);
	assert_int_equal(afx_req(f, "GET", "/api/v1/roles", NULL, sec, &r), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(json_array_size(r.json), PS_ROLE__COUNT);
	afx_resp_free(&r);
}

/* A one-time password: only /me, its password and logout until changed;
 * the change keeps the session (the console carries on). */
static void test_one_time(void **state)
{
	struct afx *f = *state;
	const char *sys[2] = {afx_token(f, PS_ROLE_SYSADMIN, NULL), NULL};
	char body[200], cookie[200], csrf[120], otp[PS_API_SECRET_LEN];
	const char *with[3] = {cookie, csrf, NULL};
	struct afx_resp r;

	assert_int_equal(afx_req(f, "POST", "/api/v1/users",
				 "{\"name\":\"dave\",\"role\":\"regulator\"}", sys, &r), 0);
	assert_int_equal(r.status, 201);
	snprintf(otp, sizeof(otp), "%s",
		 json_string_value(json_object_get(r.json, "one_time_password")));
	snprintf(body, sizeof(body), "{\"name\":\"dave\",\"password\":\"%s\"}", otp);
	afx_resp_free(&r);
	assert_int_equal(afx_req(f, "POST", "/api/v1/sessions", body, NULL, &r), 0);
	assert_int_equal(r.status, 201);
	assert_true(json_is_true(json_object_get(json_object_get(r.json, "user"),
						 "must_change")));
	session_cookie(&r, cookie, sizeof(cookie));
	snprintf(csrf, sizeof(csrf), "X-CSRF-Token: %s",
		 json_string_value(json_object_get(r.json, "csrf_token")));
	afx_resp_free(&r);
	assert_int_equal(afx_req(f, "GET", "/api/v1/incidents", NULL, with, &r), 0);
	assert_int_equal(r.status, 403);
	assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "error"),
							      "message")),
			    "change the one-time password first");
	afx_resp_free(&r);
	snprintf(body, sizeof(body), "{\"old_password\":\"wrong\",\"new_password\":\"%s\"}",
		 AFX_PASSWORD);
	assert_int_equal(afx_req(f, "PUT", "/api/v1/me/password", body, with, &r), 0);
	assert_int_equal(r.status, 400);
	afx_resp_free(&r);
	snprintf(body, sizeof(body), "{\"old_password\":\"%s\",\"new_password\":\"%s\"}",
		 otp, AFX_PASSWORD);
	assert_int_equal(afx_req(f, "PUT", "/api/v1/me/password", body, with, &r), 0);
	assert_int_equal(r.status, 204);
	afx_resp_free(&r);
	assert_int_equal(afx_req(f, "GET", "/api/v1/me", NULL, with, &r), 0);
	assert_int_equal(r.status, 200);
	assert_true(json_is_false(json_object_get(r.json, "must_change")));
	afx_resp_free(&r);
	assert_int_equal(afx_req(f, "GET", "/api/v1/incidents", NULL, with, &r), 0);
	assert_int_equal(r.status, 200);
	afx_resp_free(&r);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_matrix, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_anonymous, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_auditor, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_session, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_lockout, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_admin, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_one_time, afx_setup, afx_teardown),
	};

	return afx_run(argc, argv, tests);
}
