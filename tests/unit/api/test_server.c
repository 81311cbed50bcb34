/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of the REST API server on SQLite and PostgreSQL (argv[1]): routing
 * (404, 405 with Allow), bad JSON, body and rate limits, query checks, the
 * health and OpenAPI routes, the static console and TLS, each against a
 * real server on 127.0.0.1.
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

#define AFX_NAME "apisrv"
#include "api_fixture.h"

/* A small decimal, -1 when it is not one. */
static long atoi_ok(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	return end != s && *end == '\0' ? v : -1;
}

static void test_health(void **state)
{
	struct afx *f = *state;
	struct afx_resp r;

	assert_int_equal(afx_req(f, "GET", "/api/v1/health", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(r.json);
	assert_string_equal(json_string_value(json_object_get(r.json, "status")), "ok");
	assert_string_equal(json_string_value(json_object_get(r.json, "version")),
			    PANSHI_VERSION);
	assert_true(json_integer_value(json_object_get(r.json, "schema")) >= 5);
	assert_string_equal(json_string_value(json_object_get(r.json, "backend")),
			    is_pg() ? "postgresql" : "sqlite");
	afx_resp_free(&r);
}

static char *hdr_of(const struct afx_resp *r, const char *name)
{
	static char buf[512];

	return (char *)afx_header(r, name, buf, sizeof(buf));
}

/* The headers every API answer carries. */
static void assert_api_headers(const struct afx_resp *r)
{
	assert_string_equal(hdr_of(r, "X-Content-Type-Options"), "nosniff");
	assert_string_equal(hdr_of(r, "Referrer-Policy"), "no-referrer");
	assert_string_equal(hdr_of(r, "X-Frame-Options"), "DENY");
	assert_string_equal(hdr_of(r, "Cache-Control"), "no-store");
	assert_string_equal(hdr_of(r, "Content-Type"), "application/json; charset=utf-8");
}

static void expect_error(struct afx *f, const char *method, const char *path,
			 const char *body, unsigned status, const char *code,
			 const char *in_message)
{
	struct afx_resp r;
	const char *msg;

	assert_int_equal(afx_req(f, method, path, body, NULL, &r), 0);
	assert_int_equal(r.status, status);
	assert_api_headers(&r);
	assert_string_equal(afx_err_code(&r), code);
	msg = json_string_value(json_object_get(json_object_get(r.json, "error"), "message"));
	assert_non_null(msg);
	if (in_message != NULL && strstr(msg, in_message) == NULL)
		fail_msg("message '%s' does not contain '%s'", msg, in_message);
	afx_resp_free(&r);
}

static void test_not_found(void **state)
{
	struct afx *f = *state;

	expect_error(f, "GET", "/api/v1/nothing-here", NULL, 404, "not_found",
		     "/api/v1/nothing-here");
	expect_error(f, "GET", "/api/v1/health/", NULL, 404, "not_found", NULL);
	expect_error(f, "GET", "/api/v2/health", NULL, 404, "not_found", NULL);
	/* a method no route has, on a path no route has */
	expect_error(f, "OPTIONS", "/api/v1/nothing", NULL, 404, "not_found", NULL);
}

static void test_method_not_allowed(void **state)
{
	struct afx *f = *state;
	struct afx_resp r;

	assert_int_equal(afx_req(f, "DELETE", "/api/v1/health", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 405);
	assert_string_equal(afx_err_code(&r), "method_not_allowed");
	assert_string_equal(hdr_of(&r, "Allow"), "GET");
	afx_resp_free(&r);
	/* /users has GET and POST */
	assert_int_equal(afx_req(f, "PUT", "/api/v1/users", "{}", NULL, &r), 0);
	assert_int_equal(r.status, 405);
	assert_string_equal(hdr_of(&r, "Allow"), "GET, POST");
	afx_resp_free(&r);
	assert_int_equal(afx_req(f, "HEAD", "/api/v1/health", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 405);
	afx_resp_free(&r);
}

static void test_bad_json(void **state)
{
	struct afx *f = *state;

	expect_error(f, "POST", "/api/v1/sessions", "{\"name\": \"x\",\n \"password\" 1}",
		     400, "bad_json", "line 2, column");
	expect_error(f, "POST", "/api/v1/sessions", "[1, 2]", 400, "bad_json",
		     "must be a JSON object");
	expect_error(f, "POST", "/api/v1/sessions", "{\"name\":\"a\",\"name\":\"b\"}", 400,
		     "bad_json", "duplicate");
	expect_error(f, "POST", "/api/v1/sessions", "\xff\xfe", 400, "bad_json", NULL);
}

static void test_too_large(void **state)
{
	struct afx *f = *state;
	size_t n = (size_t)2 << 20;
	char *big = ps_malloc(PS_MEM_TEST, n + 1);
	struct afx_resp r;

	assert_non_null(big);
	memset(big, ' ', n);
	big[0] = '{';
	big[n - 1] = '}';
	big[n] = '\0';
	assert_int_equal(afx_req_n(f, "POST", "/api/v1/sessions", big, n, NULL, &r), 0);
	assert_int_equal(r.status, 413);
	assert_string_equal(afx_err_code(&r), "too_large");
	afx_resp_free(&r);
	ps_free(big);
	/* the server keeps serving */
	for (int i = 0; i < 3; i++) {
		assert_int_equal(afx_req(f, "GET", "/api/v1/health", NULL, NULL, &r), 0);
		assert_int_equal(r.status, 200);
		afx_resp_free(&r);
	}
}

/* A chunked body (no Content-Length up front) over the limit: 413 at its end. */
static void test_too_large_chunked(void **state)
{
	struct afx *f = *state;
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)f->port)};
	struct ps_buf in = PS_BUF_INIT(PS_MEM_TEST, 1 << 20);
	static char chunk[65536 + 16];
	char head[200];
	struct afx_resp r;
	int fd;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	snprintf(head, sizeof(head), "POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\n"
		 "Connection: close\r\nContent-Type: application/json\r\n"
		 "Transfer-Encoding: chunked\r\n\r\n");
	memcpy(chunk, "10000\r\n", 7);
	memset(chunk + 7, ' ', 65536);
	memcpy(chunk + 7 + 65536, "\r\n", 2);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	afx_send_all(fd, head, strlen(head));
	for (int i = 0; i < 32; i++)   /* 2 MiB */
		afx_send_all(fd, chunk, 7 + 65536 + 2);
	afx_send_all(fd, "0\r\n\r\n", 5);
	assert_int_equal(afx_recv_all(fd, &in), 0);
	close(fd);
	memset(&r, 0, sizeof(r));
	assert_int_equal(afx_parse(&in, &r), 0);
	ps_buf_release(&in);
	assert_int_equal(r.status, 413);
	assert_string_equal(afx_err_code(&r), "too_large");
	afx_resp_free(&r);
	assert_int_equal(afx_req(f, "GET", "/api/v1/health", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	afx_resp_free(&r);
}

static void test_rate_limit(void **state)
{
	struct afx *f = *state;
	struct afx_resp r;
	char *ra;

	f->api.rate_per_minute = 5;
	assert_int_equal(afx_restart(f), 0);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(afx_req(f, "GET", "/api/v1/health", NULL, NULL, &r), 0);
		assert_int_equal(r.status, 200);
		afx_resp_free(&r);
	}
	assert_int_equal(afx_req(f, "GET", "/api/v1/health", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 429);
	assert_string_equal(afx_err_code(&r), "rate_limited");
	ra = hdr_of(&r, "Retry-After");
	assert_non_null(ra);
	assert_true(atoi_ok(ra) >= 1 && atoi_ok(ra) <= 13);
	afx_resp_free(&r);
	/* the console counts too */
	assert_int_equal(afx_req(f, "GET", "/", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 429);
	afx_resp_free(&r);
}

static void test_query(void **state)
{
	struct afx *f = *state;
	char path[2048];
	size_t o;

	expect_error(f, "GET", "/api/v1/health?verbose=1", NULL, 400, "invalid_parameter",
		     "'verbose'");
	expect_error(f, "GET", "/api/v1/openapi.json?x", NULL, 400, "invalid_parameter",
		     "'x'");
	o = (size_t)snprintf(path, sizeof(path), "/api/v1/health?");
	for (int i = 0; i <= PS_API_MAX_QUERY; i++)
		o += (size_t)snprintf(path + o, sizeof(path) - o, "k%d=%d&", i, i);
	expect_error(f, "GET", path, NULL, 400, "invalid_parameter", "more than");
}
static size_t count_braces(const char *pattern)
{
	size_t n = 0;

	for (const char *p = pattern; *p; p++)
		n += *p == '{';
	return n;
}

/* Whether op's parameters hold `name` in `in`. */
static bool has_param(json_t *op, const char *name, const char *in)
{
	size_t i;
	json_t *p;

	json_array_foreach(json_object_get(op, "parameters"), i, p) {
		if (strcmp(json_string_value(json_object_get(p, "name")), name) == 0 &&
		    strcmp(json_string_value(json_object_get(p, "in")), in) == 0)
			return true;
	}
	return false;
}

static bool in_query(void *op, const char *name)
{
	return has_param(op, name, "query");
}

static void check_route_in_doc(json_t *paths, const struct ps_api_route *r)
{
	char m[8];
	const char *p = r->pattern + 7;
	json_t *op;
	size_t i;

	assert_memory_equal(r->pattern, "/api/v1", 7);
	for (i = 0; ps_api_method_name(r->method)[i]; i++)
		m[i] = (char)(ps_api_method_name(r->method)[i] | 0x20);
	m[i] = '\0';
	op = json_object_get(json_object_get(paths, p), m);
	if (op == NULL)
		fail_msg("%s %s is not in the document", m, p);
	assert_string_equal(json_string_value(json_object_get(op, "x-permission")),
			    ps_api_perm_name(r->perm));
	assert_non_null(json_string_value(json_object_get(op, "operationId")));
	assert_non_null(json_object_get(op, "responses"));
	if (r->perm == PS_PERM_PUBLIC)
		assert_int_equal(json_array_size(json_object_get(op, "security")), 0);
	else
		assert_null(json_object_get(op, "security"));
	for (const char *b = strchr(r->pattern, '{'); b != NULL; b = strchr(b + 1, '{')) {
		char name[64];

		snprintf(name, sizeof(name), "%.*s", (int)(strchr(b, '}') - b - 1), b + 1);
		assert_true(has_param(op, name, "path"));
	}
	if (r->list != NULL) {
		assert_true(has_param(op, "limit", "query"));
		assert_true(has_param(op, "offset", "query"));
		assert_true(has_param(op, "sort", "query"));
		for (i = 0; r->list->filters != NULL && r->list->filters[i] != NULL; i++)
			assert_true(has_param(op, r->list->filters[i], "query"));
	}
	if (r->body_fields != NULL && strcmp(r->body_fields, "@raw") == 0)
		assert_non_null(json_object_get(json_object_get(json_object_get(
			op, "requestBody"), "content"), "application/octet-stream"));
	if (r->list == NULL && !ps_api_names_each(r->query, in_query, op))
		fail_msg("%s %s: a query parameter of '%s' is not in the document", m, p,
			 r->query);
}

/* Every route without a list refuses a query parameter it does not
 * declare, before its handler runs (so before any change), naming it and
 * what the route takes; with the declared ones it gets past that check. */
static void test_undeclared_query(void **state)
{
	struct afx *f = *state;
	const struct ps_api_route *const *t;
	const char *tok[PS_ROLE__COUNT] = {0};
	size_t nt, checked = 0;

	t = ps_api_route_tables(&nt);
	for (size_t i = 0; i < nt; i++) {
		for (const struct ps_api_route *rt = t[i]; rt->handler != NULL; rt++) {
			const char *hdr[2] = {NULL, NULL};
			char path[512], want[160];
			struct afx_resp r;
			size_t o = 0;
			const char *msg;

			if (rt->list != NULL)
				continue;
			for (const char *c = rt->pattern; *c && o + 2 < sizeof(path); c++) {
				if (*c == '{') {   /* a path parameter: any value */
					path[o++] = 'x';
					c = strchr(c, '}');
				} else {
					path[o++] = *c;
				}
			}
			snprintf(path + o, sizeof(path) - o, "?zz_undeclared=1");
			if (rt->perm != PS_PERM_PUBLIC) {
				int role;

				for (role = 0; role < PS_ROLE__COUNT; role++)
					if (role != PS_ROLE_UNIT_OWNER &&
					    ps_api_role_has((enum ps_api_role)role, rt->perm))
						break;
				assert_true(role < PS_ROLE__COUNT);
				if (tok[role] == NULL)
					tok[role] = afx_token(f, (enum ps_api_role)role, NULL);
				hdr[0] = tok[role];
			}
			assert_int_equal(afx_req(f, ps_api_method_name(rt->method), path,
						 rt->method == PS_API_GET || rt->method == PS_API_DELETE ?
						 NULL : "{}", hdr, &r), 0);
			if (r.status != 400 || strcmp(afx_err_code(&r), "invalid_parameter"))
				fail_msg("%s %s: %u %s", ps_api_method_name(rt->method), path,
					 r.status, r.body);
			msg = json_string_value(json_object_get(json_object_get(r.json, "error"),
								"message"));
			snprintf(want, sizeof(want), "(this route takes %.140s)",
				 rt->query ? rt->query : "none");
			assert_non_null(strstr(msg, "'zz_undeclared'"));
			assert_non_null(strstr(msg, want));
			afx_resp_free(&r);
			checked++;
		}
	}
	assert_true(checked > 40);
	/* the declared ones pass: a real answer, not invalid_parameter */
	{
		const char *hdr[2] = {afx_token(f, PS_ROLE_ANALYST, NULL), NULL};
		struct afx_resp r;

		assert_int_equal(afx_req(f, "GET", "/api/v1/stats/overview?since=2026-11-01&"
					 "until=2026-11-21", NULL, hdr, &r), 0);
		assert_int_equal(r.status, 200);
		afx_resp_free(&r);
		assert_int_equal(afx_req(f, "GET", "/api/v1/reports/bulletin?month=2026-11&"
					 "format=csv&lang=en", NULL, hdr, &r), 0);
		assert_int_equal(r.status, 200);
		afx_resp_free(&r);
		/* a parameter of another report is not this one's */
		assert_int_equal(afx_req(f, "GET", "/api/v1/reports/bulletin?unit=U-1", NULL,
					 hdr, &r), 0);
		assert_int_equal(r.status, 400);
		assert_non_null(strstr(r.body, "'unit'"));
		afx_resp_free(&r);
	}
}

static void test_openapi(void **state)
{
	struct afx *f = *state;
	const struct ps_api_route *const *t;
	struct afx_resp r;
	json_t *paths, *ids = json_object(), *item, *op;
	size_t nt, nroutes = 0, nops = 0;
	const char *k, *m;

	assert_int_equal(afx_req(f, "GET", "/api/v1/openapi.json", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(r.json);
	assert_string_equal(json_string_value(json_object_get(r.json, "openapi")), "3.0.3");
	assert_string_equal(json_string_value(json_object_get(json_array_get(
		json_object_get(r.json, "servers"), 0), "url")), "/api/v1");
	assert_non_null(json_object_get(json_object_get(json_object_get(r.json, "components"),
							"securitySchemes"), "bearerAuth"));
	assert_non_null(json_object_get(json_object_get(json_object_get(r.json, "components"),
							"schemas"), "Error"));
	paths = json_object_get(r.json, "paths");
	t = ps_api_route_tables(&nt);
	assert_int_equal(nt, 9);
	for (size_t i = 0; i < nt; i++) {
		for (const struct ps_api_route *rt = t[i]; rt->handler != NULL; rt++) {
			check_route_in_doc(paths, rt);
			assert_true(count_braces(rt->pattern) <= PS_API_MAX_PARAMS);
			nroutes++;
		}
	}
	/* exactly once: as many operations as routes, operationIds unique */
	json_object_foreach(paths, k, item) {
		json_object_foreach(item, m, op) {
			const char *id = json_string_value(json_object_get(op, "operationId"));

			assert_null(json_object_get(ids, id));
			json_object_set_new(ids, id, json_true());
			nops++;
		}
	}
	assert_int_equal(nops, nroutes);
	assert_true(nroutes >= 2);
	json_decref(ids);
	afx_resp_free(&r);
}

static void test_console(void **state)
{
	struct afx *f = *state;
	struct afx_resp r;

	assert_int_equal(afx_req(f, "GET", "/", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(hdr_of(&r, "Content-Type"), "text/html; charset=utf-8");
	assert_non_null(strstr(hdr_of(&r, "Content-Security-Policy"), "default-src 'self'"));
	assert_non_null(strstr(hdr_of(&r, "Content-Security-Policy"),
			       "frame-ancestors 'none'"));
	assert_string_equal(hdr_of(&r, "X-Frame-Options"), "DENY");
	assert_string_equal(r.body, afx_index_html);
	afx_resp_free(&r);

	assert_int_equal(afx_req(f, "GET", "/app.js", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(hdr_of(&r, "Content-Type"), "text/javascript; charset=utf-8");
	assert_null(hdr_of(&r, "Content-Security-Policy"));
	assert_string_equal(r.body, afx_app_js);
	afx_resp_free(&r);

	/* the single-page app's own routes get index.html */
	assert_int_equal(afx_req(f, "GET", "/incidents/INC-000001?tab=history", NULL, NULL,
				 &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, afx_index_html);
	afx_resp_free(&r);
	/* a missing asset does not */
	assert_int_equal(afx_req(f, "GET", "/assets/missing.js", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 404);
	afx_resp_free(&r);

	assert_int_equal(afx_req(f, "POST", "/", "{}", NULL, &r), 0);
	assert_int_equal(r.status, 405);
	assert_string_equal(hdr_of(&r, "Allow"), "GET, HEAD");
	afx_resp_free(&r);
}

/* Escapes: "..", encoded "..", dot files, a symbolic link out of the root. */
static void test_console_escapes(void **state)
{
	struct afx *f = *state;
	struct afx_resp r;
	char path[400];

	assert_int_equal(afx_write(tmpdir, "secret.txt", "top secret\n"), 0);
	snprintf(path, sizeof(path), "%s/link.txt", f->web);
	{
		char target[400];

		snprintf(target, sizeof(target), "%s/secret.txt", tmpdir);
		assert_int_equal(symlink(target, path), 0);
	}
	{
		static const char *const bad[] = {
			"/../secret.txt", "/%2e%2e/secret.txt", "/a/../../secret.txt",
			"/..%2fsecret.txt", "/.hidden", "/link.txt", "/..\\secret.txt",
		};

		assert_int_equal(afx_write(f->web, ".hidden", "hidden\n"), 0);
		for (size_t i = 0; i < PS_ARRAY_LEN(bad); i++) {
			assert_int_equal(afx_req(f, "GET", bad[i], NULL, NULL, &r), 0);
			if (r.status == 200 || strstr(r.body, "secret") != NULL ||
			    strstr(r.body, "hidden") != NULL)
				fail_msg("%s: %u %s", bad[i], r.status, r.body);
			afx_resp_free(&r);
		}
	}
}

static void test_console_none(void **state)
{
	struct afx *f = *state;
	struct afx_resp r;

	f->api.web_root = (char *)"";
	assert_int_equal(afx_restart(f), 0);
	assert_int_equal(afx_req(f, "GET", "/", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 404);
	afx_resp_free(&r);
	assert_int_equal(afx_req(f, "GET", "/api/v1/health", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	afx_resp_free(&r);
}

/* A role without the route's permission is refused, naming it. */
static void test_forbidden(void **state)
{
	struct afx *f = *state;
	char aname[64];
	const char *an[] = {afx_token_named(f, PS_ROLE_ANALYST, NULL, aname), NULL};
	const char *sa[] = {afx_token(f, PS_ROLE_SYSADMIN, NULL), NULL};
	const char *bad[] = {"Authorization: Bearer not-a-token", NULL};
	struct afx_resp r;
	const char *msg;

	assert_int_equal(afx_req(f, "GET", "/api/v1/users", NULL, an, &r), 0);
	assert_int_equal(r.status, 403);
	assert_string_equal(afx_err_code(&r), "forbidden");
	msg = json_string_value(json_object_get(json_object_get(r.json, "error"), "message"));
	assert_non_null(strstr(msg, "users.manage"));
	assert_non_null(strstr(msg, "analyst"));
	afx_resp_free(&r);
	assert_int_equal(afx_req(f, "GET", "/api/v1/users", NULL, sa, &r), 0);
	assert_int_equal(r.status, 200);
	afx_resp_free(&r);
	assert_int_equal(afx_req(f, "GET", "/api/v1/users", NULL, bad, &r), 0);
	assert_int_equal(r.status, 401);
	assert_string_equal(afx_err_code(&r), "unauthorized");
	afx_resp_free(&r);
	assert_int_equal(afx_req(f, "GET", "/api/v1/users", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 401);
	afx_resp_free(&r);
}

struct seen_audit {
	int n;
	char actor[96], details[200];
};

static int on_audit(void *arg, const struct ps_audit_record *rec)
{
	struct seen_audit *sa = arg;

	sa->n++;
	snprintf(sa->actor, sizeof(sa->actor), "%s", rec->actor);
	snprintf(sa->details, sizeof(sa->details), "%s", rec->details ? rec->details : "");
	return 0;
}

/* details {"client":"127.0.0.1","status":N} (PostgreSQL reformats JSON) */
static void assert_details(const char *details, int status)
{
	json_t *j = json_loads(details, 0, NULL);

	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "status")), status);
	assert_string_equal(json_string_value(json_object_get(j, "client")), "127.0.0.1");
	json_decref(j);
}

/* An audited route leaves one record per call with its status and client,
 * also when refused; the actor is the token's user when there is one. */
static void test_audit(void **state)
{
	struct afx *f = *state;
	char name[64];
	const char *sa[] = {afx_token_named(f, PS_ROLE_SYSADMIN, NULL, name), NULL};
	char aname[64];
	const char *an[] = {afx_token_named(f, PS_ROLE_ANALYST, NULL, aname), NULL};
	struct ps_audit_filter flt = {.action = "api.POST /api/v1/sessions"};
	struct seen_audit seen = {0};
	struct ps_diag d = {{0}};
	struct afx_resp r;
	char actor[96];

	assert_int_equal(afx_req(f, "POST", "/api/v1/sessions",
				 "{\"name\":\"nobody\",\"password\":\"wrong-password-1\"}", NULL,
				 &r), 0);
	assert_int_equal(r.status, 401);
	afx_resp_free(&r);
	assert_int_equal(ps_audit_list(f->st, &flt, on_audit, &seen, &d), PS_OK);
	assert_int_equal(seen.n, 1);
	assert_string_equal(seen.actor, "anonymous");
	assert_details(seen.details, 401);

	/* refused by permission: still recorded, with the user */
	memset(&seen, 0, sizeof(seen));
	flt.action = "api.POST /api/v1/users";
	assert_int_equal(afx_req(f, "POST", "/api/v1/users", "{\"name\":\"x\"}", an, &r), 0);
	assert_int_equal(r.status, 403);
	afx_resp_free(&r);
	assert_int_equal(ps_audit_list(f->st, &flt, on_audit, &seen, &d), PS_OK);
	assert_int_equal(seen.n, 1);
	snprintf(actor, sizeof(actor), "token:%s", aname);
	assert_string_equal(seen.actor, actor);
	assert_details(seen.details, 403);
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(afx_req(f, "POST", "/api/v1/users",
				 "{\"name\":\"new-analyst\",\"role\":\"analyst\"}", sa, &r), 0);
	assert_int_equal(r.status, 201);
	afx_resp_free(&r);
	assert_int_equal(ps_audit_list(f->st, &flt, on_audit, &seen, &d), PS_OK);
	assert_int_equal(seen.n, 2);
	snprintf(actor, sizeof(actor), "token:%s", name);
	assert_string_equal(seen.actor, actor);
	assert_details(seen.details, 201);
}

static void test_listen_errors(void **state)
{
	struct afx *f = *state;
	struct ps_api_settings set = f->api;
	struct ps_api_server_opts o = {
		.set = &set, .db = f->spec, .store_set = &f->set, .policy = pol,
		.audit_key = afx_audit_key, .audit_key_len = sizeof(afx_audit_key),
	};
	struct ps_api_server *s = NULL;
	struct ps_diag d = {{0}};
	char used[64];
	static const char *const bad[] = {"8443", "127.0.0.1", "127.0.0.1:http",
					  "[::1]8443", "127.0.0.1:70000", ":8443"};

	for (size_t i = 0; i < PS_ARRAY_LEN(bad); i++) {
		set.listen = (char *)bad[i];
		assert_int_not_equal(ps_api_server_start(&o, &s, &d), PS_OK);
		assert_null(s);
		assert_non_null(strstr(d.msg, bad[i]));
	}
	snprintf(used, sizeof(used), "127.0.0.1:%u", f->port);
	set.listen = used;
	assert_int_not_equal(ps_api_server_start(&o, &s, &d), PS_OK);
	assert_non_null(strstr(d.msg, used));
	set.listen = (char *)"[::1]:0";
	if (ps_api_server_start(&o, &s, &d) == PS_OK) {
		assert_true(ps_api_server_port(s) > 0);
		ps_api_server_stop(s);
	}
	set.listen = (char *)"127.0.0.1:0";
	set.tls_cert = (char *)"/nonexistent/cert.pem";
	set.tls_key = (char *)"/nonexistent/key.pem";
	assert_int_not_equal(ps_api_server_start(&o, &s, &d), PS_OK);
	assert_non_null(strstr(d.msg, "/nonexistent/cert.pem"));
	set.tls_key = (char *)"";
	assert_int_not_equal(ps_api_server_start(&o, &s, &d), PS_OK);
	assert_non_null(strstr(d.msg, "tls_key"));
}

static bool have_program(const char *name)
{
	char cmd[200];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", name);
	return system(cmd) == 0;
}

static void test_tls(void **state)
{
	struct afx *f = *state;
	char cert[400], key[400], cmd[1400], out[400];
	FILE *fp;
	char buf[512] = "";
	size_t n;

	if (!have_program("openssl")) {
		print_message("skipped: no openssl program to make a certificate\n");
		return;
	}
	snprintf(cert, sizeof(cert), "%s/cert%d.pem", tmpdir, seq);
	snprintf(key, sizeof(key), "%s/key%d.pem", tmpdir, seq);
	snprintf(cmd, sizeof(cmd),
		 "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
		 "-days 1 -subj /CN=localhost -keyout '%s' -out '%s' >/dev/null 2>&1", key, cert);
	assert_int_equal(system(cmd), 0);
	f->api.tls_cert = cert;
	f->api.tls_key = key;
	assert_int_equal(afx_restart(f), 0);
	if (!have_program("curl")) {
		print_message("skipped: no curl program for the HTTPS request\n");
		return;
	}
	snprintf(out, sizeof(out), "%s/tls%d.out", tmpdir, seq);
	snprintf(cmd, sizeof(cmd),
		 "curl -q -s -k --noproxy '*' --max-time 20 -D - "
		 "https://127.0.0.1:%u/api/v1/health > '%s'", f->port, out);
	assert_int_equal(system(cmd), 0);
	fp = fopen(out, "r");
	assert_non_null(fp);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	assert_non_null(strstr(buf, "200"));
	assert_non_null(strstr(buf, "\"status\":\"ok\""));
	assert_non_null(strstr(buf, "nosniff"));
	/* plain HTTP on the TLS port gets nothing useful */
	snprintf(cmd, sizeof(cmd),
		 "curl -q -s --noproxy '*' --max-time 5 http://127.0.0.1:%u/api/v1/health "
		 "| grep -q '\"status\":\"ok\"'", f->port);
	assert_int_not_equal(system(cmd), 0);
}

/* ---- the helpers of api_util.c, without a server ---- */

static const char *const lf[] = {"state", "unit", NULL};
static const char *const ls[] = {"id", "last_seen", NULL};
static const struct ps_api_list_spec lspec = {lf, ls, "-last_seen"};
static unsigned dummy_handler(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	(void)rq;
	(void)rs;
	return 200;
}
static const struct ps_api_route lroute = {PS_API_GET, "/api/v1/things", PS_PERM_PUBLIC,
					   dummy_handler, "t", "things", &lspec, NULL, false};

static int list_with(const char *const *kv, size_t n, struct ps_api_list *l,
		     struct ps_api_resp *rs)
{
	struct ps_api_req rq = {.route = &lroute};

	for (size_t i = 0; i < n; i++) {
		rq.qkey[i] = kv[2 * i];
		rq.qval[i] = kv[2 * i + 1];
	}
	rq.nquery = n;
	return ps_api_list_parse(&rq, rs, l);
}

static void expect_list_error(const char *const *kv, size_t n, const char *in_message)
{
	struct ps_api_resp rs = {0};
	struct ps_api_list l;
	const char *msg;

	assert_int_equal(list_with(kv, n, &l, &rs), PS_EINVAL);
	assert_int_equal(rs.status, 400);
	msg = json_string_value(json_object_get(json_object_get(rs.json, "error"), "message"));
	assert_string_equal(json_string_value(json_object_get(json_object_get(rs.json, "error"),
							      "code")), "invalid_parameter");
	if (strstr(msg, in_message) == NULL)
		fail_msg("'%s' does not contain '%s'", msg, in_message);
	json_decref(rs.json);
}

static void test_list_grammar(void **state)
{
	static const char *const ok[] = {"state", "open", "sort", "id", "limit", "10",
					 "offset", "20", "unit", "U-1"};
	static const char *const e1[] = {"stat", "open"};
	static const char *const e2[] = {"limit", "0"};
	static const char *const e3[] = {"limit", "1001"};
	static const char *const e4[] = {"limit", "5x"};
	static const char *const e5[] = {"offset", "-1"};
	static const char *const e6[] = {"sort", "-severity"};
	static const char *const e7[] = {"state", "a", "state", "b"};
	static const char *const e8[] = {"limit", "1", "limit", "2"};
	struct ps_api_resp rs = {0};
	struct ps_api_list l;
	json_t *items = json_array();

	(void)state;
	assert_int_equal(list_with(NULL, 0, &l, &rs), PS_OK);
	assert_int_equal(l.limit, 50);
	assert_int_equal(l.offset, 0);
	assert_string_equal(l.sort, "last_seen");
	assert_true(l.desc);
	assert_int_equal(list_with(ok, 5, &l, &rs), PS_OK);
	assert_string_equal(ps_api_list_filter(&l, "state"), "open");
	assert_string_equal(ps_api_list_filter(&l, "unit"), "U-1");
	assert_null(ps_api_list_filter(&l, "kind"));
	assert_string_equal(l.sort, "id");
	assert_false(l.desc);
	assert_int_equal(l.limit, 10);
	assert_int_equal(l.offset, 20);
	expect_list_error(e1, 1, "unknown query parameter 'stat' (filters: state, unit");
	expect_list_error(e2, 1, "limit");
	expect_list_error(e3, 1, "1 to 1000");
	expect_list_error(e4, 1, "'5x'");
	expect_list_error(e5, 1, "offset");
	expect_list_error(e6, 1, "'-severity'");
	expect_list_error(e7, 2, "more than once");
	expect_list_error(e8, 2, "more than once");
	json_array_append_new(items, json_integer(1));
	assert_int_equal(ps_api_list_reply(&rs, &l, items, 71), 200);
	assert_int_equal(json_integer_value(json_object_get(rs.json, "total")), 71);
	assert_int_equal(json_integer_value(json_object_get(rs.json, "limit")), 10);
	assert_int_equal(json_integer_value(json_object_get(rs.json, "offset")), 20);
	assert_int_equal(json_array_size(json_object_get(rs.json, "items")), 1);
	json_decref(rs.json);
}

static void test_errors(void **state)
{
	static const struct {
		int rc;
		unsigned status;
		const char *code;
	} map[] = {
		{PS_ENOENT, 404, "not_found"}, {PS_EINVAL, 400, "invalid_field"},
		{PS_EEXIST, 409, "conflict"}, {PS_ELIMIT, 413, "too_large"},
		{PS_EDB, 500, "internal"}, {PS_EIO, 500, "internal"},
		{PS_ENOMEM, 503, "unavailable"},
	};
	struct ps_diag d;
	struct ps_api_resp rs = {0};

	(void)state;
	for (int e = 0; e < PS_API_ERR__COUNT; e++)
		assert_true(ps_api_err_status((enum ps_api_err)e) >= 200);
	assert_string_equal(ps_api_err_code(PS_API_CSRF), "csrf");
	assert_int_equal(ps_api_err_status(PS_API_CSRF), 403);
	for (size_t i = 0; i < PS_ARRAY_LEN(map); i++) {
		snprintf(d.msg, sizeof(d.msg), "%s", "SELECT secret FROM t: no such table");
		assert_int_equal(ps_api_error_rc(&rs, map[i].rc, &d), map[i].status);
		assert_string_equal(json_string_value(json_object_get(
			json_object_get(rs.json, "error"), "code")), map[i].code);
		if (map[i].status >= 500)
			assert_null(strstr(json_string_value(json_object_get(
				json_object_get(rs.json, "error"), "message")), "SELECT"));
	}
	snprintf(d.msg, sizeof(d.msg), "too many failed logins");
	assert_int_equal(ps_api_error_rc(&rs, PS_ELIMIT, &d), 429);
	/* bytes that are not UTF-8 in a message still give a JSON error */
	assert_int_equal(ps_api_error(&rs, PS_API_NOT_FOUND, "no route %s", "/\xff\xfe"), 404);
	assert_non_null(rs.json);
	json_decref(rs.json);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_health, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_not_found, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_method_not_allowed, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_bad_json, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_too_large, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_too_large_chunked, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_rate_limit, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_query, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_openapi, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_undeclared_query, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_console, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_console_escapes, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_console_none, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_forbidden, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_audit, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_listen_errors, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_tls, afx_setup, afx_teardown),
		cmocka_unit_test(test_list_grammar),
		cmocka_unit_test(test_errors),
	};

	return afx_run(argc, argv, tests);
}
