/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of the registry, calendar and intel routes of the REST API over
 * HTTP on loopback, on SQLite and PostgreSQL (argv[1]): lists with filters
 * and paging, writes refused with the field named, audit records of
 * changes, the calendar equal to `panshi calendar`, and an intel import
 * uploaded, polled to its end, searched and exported.
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
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "api/api.h"
#include "api/auth.h"
#include "audit/audit.h"
#include "cli/cli.h"
#include "core/core.h"
#include "incident/case.h"
#include "policy/policy.h"
#include "registry/bulk.h"
#include "registry/registry.h"
#include "store/store.h"

#define AFX_NAME "apireg"
#include "api_fixture.h"

#define OK(x) assert_int_equal((x), PS_OK)

/* An answer with what the tests look at. */
struct resp {
	unsigned status;
	const char *body;
	size_t len;
	char ctype[128];
	char disp[256];
	json_t *j;
	struct afx_resp raw;
};

static const char *analyst; /* the analyst's Authorization header */
static char analyst_name[64];

static void http(struct afx *f, const char *method, const char *path, const char *ctype,
		 const char *body, size_t blen, struct resp *r)
{
	char ct[160];
	const char *hdrs[3] = {NULL, NULL, NULL};

	if (analyst == NULL || f->ntokens == 0)
		analyst = afx_token_named(f, PS_ROLE_ANALYST, NULL, analyst_name);
	hdrs[0] = analyst;
	if (ctype != NULL) {
		snprintf(ct, sizeof(ct), "Content-Type: %s", ctype);
		hdrs[1] = ct;
	}
	memset(r, 0, sizeof(*r));
	assert_int_equal(afx_req_n(f, method, path, body, blen, hdrs, &r->raw), 0);
	r->status = r->raw.status;
	r->body = r->raw.body;
	r->len = r->raw.body_len;
	r->j = r->raw.json;
	if (afx_header(&r->raw, "Content-Type", r->ctype, sizeof(r->ctype)) == NULL)
		r->ctype[0] = '\0';
	if (afx_header(&r->raw, "Content-Disposition", r->disp, sizeof(r->disp)) == NULL)
		r->disp[0] = '\0';
}

static void resp_release(struct resp *r)
{
	afx_resp_free(&r->raw);
}

/* GET path, expecting `status`; the JSON body stays in r. */
static void get(struct afx *f, const char *path, unsigned status, struct resp *r)
{
	http(f, "GET", path, NULL, NULL, 0, r);
	if (r->status != status)
		print_error("GET %s: %u %s\n", path, r->status, r->body);
	assert_int_equal(r->status, status);
}

static void send_json(struct afx *f, const char *method, const char *path, const char *json,
		      unsigned status, struct resp *r)
{
	http(f, method, path, json != NULL ? "application/json" : NULL, json,
	     json != NULL ? strlen(json) : 0, r);
	if (r->status != status)
		print_error("%s %s: %u %s\n", method, path, r->status, r->body);
	assert_int_equal(r->status, status);
}

/* The error of r has `code` and its message contains `part`. */
static void assert_error(const struct resp *r, const char *code, const char *part)
{
	json_t *e = json_object_get(r->j, "error");
	const char *msg = json_string_value(json_object_get(e, "message"));

	assert_string_equal(json_string_value(json_object_get(e, "code")), code);
	assert_non_null(msg);
	if (strstr(msg, part) == NULL)
		print_error("message '%s' lacks '%s'\n", msg, part);
	assert_non_null(strstr(msg, part));
}

static int64_t jint(json_t *o, const char *k)
{
	return (int64_t)json_integer_value(json_object_get(o, k));
}

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* ---- registry ---- */

static void test_units_list(void **state)
{
	struct afx *f = *state;
	struct resp r;
	int64_t total, n4;
	json_t *it;
	size_t i;

	get(f, "/api/v1/units?limit=5", 200, &r);
	total = jint(r.j, "total");
	assert_int_equal(total, 12);
	assert_int_equal(json_array_size(json_object_get(r.j, "items")), 5);
	assert_int_equal(jint(r.j, "limit"), 5);
	resp_release(&r);
	get(f, "/api/v1/registry/units?limit=5&offset=10", 200, &r);
	assert_int_equal(jint(r.j, "total"), 12);
	assert_int_equal(jint(r.j, "offset"), 10);
	assert_int_equal(json_array_size(json_object_get(r.j, "items")), 2);
	resp_release(&r);
	/* a field of the kind filters; every item has it */
	get(f, "/api/v1/units?level=4&filing_status=filed", 200, &r);
	n4 = jint(r.j, "total");
	assert_true(n4 > 0 && n4 < total);
	json_array_foreach(json_object_get(r.j, "items"), i, it) {
		assert_string_equal(jstr(it, "level"), "4");
		assert_string_equal(jstr(it, "filing_status"), "filed");
	}
	resp_release(&r);
	/* sort by a list field, descending: levels never grow */
	get(f, "/api/v1/units?sort=-level&limit=100", 200, &r);
	for (i = 1; i < json_array_size(json_object_get(r.j, "items")); i++)
		assert_true(strcmp(jstr(json_array_get(json_object_get(r.j, "items"), i - 1),
					"level"),
				   jstr(json_array_get(json_object_get(r.j, "items"), i),
					"level")) >= 0);
	resp_release(&r);
	get(f, "/api/v1/units?colour=red", 400, &r);
	assert_error(&r, "invalid_parameter", "colour");
	resp_release(&r);
	get(f, "/api/v1/units?level=9", 400, &r);
	assert_error(&r, "invalid_parameter", "level");
	resp_release(&r);
	get(f, "/api/v1/registry/unicorns", 404, &r);
	resp_release(&r);
	get(f, "/api/v1/registry/kinds", 200, &r);
	assert_true(json_array_size(r.j) == ps_reg_kind_count());
	assert_string_equal(jstr(json_array_get(r.j, 0), "plural"), ps_reg_kind_at(0)->plural);
	resp_release(&r);
}

/* The audit records of `object` with `action`. */
static int count_rec(void *arg, const struct ps_audit_record *rec)
{
	json_t *details = json_loads(rec->details ? rec->details : "null", 0, NULL);

	assert_non_null(strstr(rec->actor, analyst_name));
	/* an update records the changed field only */
	assert_non_null(json_object_get(json_object_get(details, "after"), "name"));
	assert_null(json_object_get(json_object_get(details, "after"), "operator"));
	json_decref(details);
	(*(int *)arg)++;
	return 0;
}

static void test_unit_write(void **state)
{
	struct afx *f = *state;
	struct ps_audit_filter af = {.object = "unit:U-API-1", .action = "registry.update"};
	struct resp r;
	int n = 0;

	send_json(f, "POST", "/api/v1/units", "{\"key\":\"U-API-1\",\"operator\":\"OP-DEMO\","
		  "\"name\":\"测试单元\",\"type\":\"cdn\",\"level\":9}", 400, &r);
	assert_error(&r, "invalid_field", "level");
	resp_release(&r);
	send_json(f, "POST", "/api/v1/units", "{\"key\":\"U-API-1\",\"operator\":\"OP-NONE\","
		  "\"name\":\"测试单元\",\"type\":\"cdn\",\"level\":2}", 400, &r);
	assert_error(&r, "invalid_field", "OP-NONE");
	resp_release(&r);
	send_json(f, "POST", "/api/v1/units", "{\"colour\":\"red\"}", 400, &r);
	assert_error(&r, "invalid_field", "colour");
	resp_release(&r);
	send_json(f, "POST", "/api/v1/units", "{\"key\":\"U-API-1\",\"operator\":\"OP-DEMO\","
		  "\"name\":\"测试单元\",\"type\":\"cdn\",\"level\":2}", 201, &r);
	assert_string_equal(jstr(r.j, "level"), "2");
	assert_true(json_is_null(json_object_get(r.j, "filing_date")));
	resp_release(&r);
	send_json(f, "POST", "/api/v1/units", "{\"key\":\"U-API-1\",\"operator\":\"OP-DEMO\","
		  "\"name\":\"again\",\"type\":\"cdn\",\"level\":2}", 409, &r);
	resp_release(&r);
	send_json(f, "PUT", "/api/v1/units/U-API-1", "{\"operator\":\"OP-DEMO\","
		  "\"name\":\"改名单元\",\"type\":\"cdn\",\"level\":\"3\"}", 200, &r);
	assert_string_equal(jstr(r.j, "name"), "改名单元");
	assert_string_equal(jstr(r.j, "level"), "3");
	resp_release(&r);
	send_json(f, "PUT", "/api/v1/units/U-NOPE", "{\"name\":\"x\"}", 404, &r);
	resp_release(&r);
	send_json(f, "PUT", "/api/v1/units/U-API-1", "{\"key\":\"U-OTHER\"}", 400, &r);
	assert_error(&r, "invalid_field", "key");
	resp_release(&r);
	send_json(f, "PUT", "/api/v1/units/U-API-1", "{\"name\":{\"zh\":\"x\"}}", 400, &r);
	assert_error(&r, "invalid_field", "name");
	resp_release(&r);
	/* a regulator reads the registry but never changes it */
	{
		const char *hdrs[] = {afx_token(f, PS_ROLE_REGULATOR, NULL), NULL};
		struct afx_resp ar;

		assert_int_equal(afx_req(f, "DELETE", "/api/v1/units/U-API-1", NULL, hdrs, &ar), 0);
		assert_int_equal(ar.status, 403);
		afx_resp_free(&ar);
		assert_int_equal(afx_req(f, "GET", "/api/v1/units/U-API-1", NULL, hdrs, &ar), 0);
		assert_int_equal(ar.status, 200);
		afx_resp_free(&ar);
	}
	get(f, "/api/v1/registry/units/U-API-1", 200, &r);
	assert_string_equal(jstr(r.j, "name"), "改名单元");
	resp_release(&r);
	OK(ps_audit_list(f->st, &af, count_rec, &n, NULL));
	assert_int_equal(n, 1);
	/* the operator is referenced by units: 409 naming the referencing kind */
	send_json(f, "DELETE", "/api/v1/registry/operators/OP-DEMO", NULL, 409, &r);
	assert_error(&r, "conflict", "refers to it");
	resp_release(&r);
	send_json(f, "DELETE", "/api/v1/units/U-API-1", NULL, 204, &r);
	resp_release(&r);
	get(f, "/api/v1/units/U-API-1", 404, &r);
	resp_release(&r);
}

/* ---- calendar ---- */

/* `panshi --format json calendar --as-of 2026-12-01 [--status S]` on the same store. */
static json_t *cli_calendar(struct afx *f, const char *status)
{
	char keyfile[600], db[700], pdir[1100], chunk[4096];
	char *argv[] = {"panshi", "--db", db, "--policy-dir", pdir, "--format", "json",
			"calendar", "--as-of", "2026-12-01", "--status", (char *)status, NULL};
	FILE *o = tmpfile(), *e = tmpfile(), *k;
	struct ps_buf b;
	size_t n;
	json_t *j;

	snprintf(keyfile, sizeof(keyfile), "%s/audit.key", tmpdir);
	k = fopen(keyfile, "w");
	assert_non_null(k);
	for (size_t i = 0; i < sizeof(afx_audit_key); i++)
		fprintf(k, "%02x", afx_audit_key[i]);
	fputc('\n', k);
	fclose(k);
	assert_int_equal(chmod(keyfile, 0600), 0);
	setenv("PANSHI_AUDIT_KEY", keyfile, 1);
	if (is_pg())
		snprintf(db, sizeof(db), "%s?options=-csearch_path%%3D%s", f->spec, f->schema);
	else
		snprintf(db, sizeof(db), "%s", f->spec);
	snprintf(pdir, sizeof(pdir), "%s/policy", srcdir);
	assert_int_equal(ps_cli_run(status != NULL ? 12 : 10, argv, o, e), 0);
	ps_buf_init(&b, PS_MEM_TEST, (size_t)16 << 20);
	rewind(o);
	while ((n = fread(chunk, 1, sizeof(chunk), o)) > 0)
		OK(ps_buf_add(&b, chunk, n));
	fclose(o);
	fclose(e);
	j = json_loadb(ps_buf_cstr(&b), ps_buf_len(&b), 0, NULL);
	ps_buf_release(&b);
	assert_non_null(j);
	return j;
}

static void test_calendar(void **state)
{
	struct afx *f = *state;
	json_t *cli = cli_calendar(f, NULL), *sum, *v;
	int64_t all = 0;
	const char *k;
	struct resp r;
	size_t i;

	get(f, "/api/v1/calendar?as_of=2026-12-01", 200, &r);
	/* the same document as the CLI's, counts and every obligation */
	assert_true(json_equal(r.j, cli));
	sum = json_object_get(r.j, "summary");
	json_object_foreach(sum, k, v)
		all += json_integer_value(v);
	assert_int_equal(all, (int64_t)json_array_size(json_object_get(r.j, "obligations")));
	assert_true(jint(sum, "overdue") >= 8 && jint(sum, "due") > 0 &&
		    jint(sum, "upcoming") > 0 && jint(sum, "done") > 0);
	assert_string_equal(jstr(r.j, "as_of"), "2026-12-01");
	json_decref(cli);
	resp_release(&r);
	/* open: no done items, and again what the CLI prints */
	cli = cli_calendar(f, "open");
	get(f, "/api/v1/calendar?as_of=2026-12-01&status=open", 200, &r);
	assert_true(json_equal(r.j, cli));
	json_array_foreach(json_object_get(r.j, "obligations"), i, v)
		assert_string_not_equal(jstr(v, "status"), "done");
	json_decref(cli);
	resp_release(&r);
	get(f, "/api/v1/calendar?as_of=2026-12-01&unit=U-DNS-01", 200, &r);
	json_array_foreach(json_object_get(r.j, "obligations"), i, v)
		if (json_is_string(json_object_get(v, "unit")))
			assert_string_equal(jstr(v, "unit"), "U-DNS-01");
	resp_release(&r);
	get(f, "/api/v1/calendar?as_of=2026-02-30", 400, &r);
	assert_error(&r, "invalid_parameter", "as_of");
	resp_release(&r);
	get(f, "/api/v1/calendar?status=late", 400, &r);
	assert_error(&r, "invalid_parameter", "status");
	resp_release(&r);
	get(f, "/api/v1/calendar?colour=red", 400, &r);
	assert_error(&r, "invalid_parameter", "colour");
	resp_release(&r);
}

static void test_asset_route(void **state)
{
	struct afx *f = *state;
	struct resp r;

	get(f, "/api/v1/assets/route?ip=192.0.2.1", 200, &r);
	assert_non_null(jstr(r.j, "status"));
	assert_string_equal(jstr(r.j, "ip"), "192.0.2.1");
	resp_release(&r);
	get(f, "/api/v1/assets/route?ip=not-an-ip", 400, &r);
	assert_error(&r, "invalid_parameter", "ip");
	resp_release(&r);
}

/* ---- intel ---- */

/* POST an upload and poll it until it ends; the final job in r. */
static void import_wait(struct afx *f, const char *query, const char *body, struct resp *r)
{
	char path[512];
	int64_t id;

	snprintf(path, sizeof(path), "/api/v1/intel/imports?%s", query);
	http(f, "POST", path, "text/plain", body, strlen(body), r);
	if (r->status != 202)
		print_error("POST %s: %u %s\n", path, r->status, r->body);
	assert_int_equal(r->status, 202);
	assert_string_equal(jstr(r->j, "state"), "running");
	id = jint(r->j, "id");
	assert_true(id > 0);
	resp_release(r);
	snprintf(path, sizeof(path), "/api/v1/intel/imports/%lld", (long long)id);
	for (int i = 0; i < 600; i++) {
		struct timespec ts = {0, 50 * 1000 * 1000};

		get(f, path, 200, r);
		assert_int_equal(jint(r->j, "id"), id);
		if (strcmp(jstr(r->j, "state"), "running") != 0)
			return;
		resp_release(r);
		nanosleep(&ts, NULL);
	}
	fail_msg("import %lld did not end", (long long)id);
}

static void test_intel_import(void **state)
{
	struct afx *f = *state;
	struct resp r;

	import_wait(f, "source=webtest&name=feed.txt&category=malware",
		    "# two indicators\n198.51.100.77\nevil-api.example.com\n", &r);
	assert_string_equal(jstr(r.j, "state"), "done");
	assert_int_equal(jint(r.j, "read"), 2);
	assert_int_equal(jint(r.j, "added"), 2);
	assert_int_equal(jint(r.j, "errors"), 0);
	resp_release(&r);
	/* a file with nothing but bad lines fails, naming the line */
	import_wait(f, "source=webbad&name=bad.csv&format=csv",
		    "value,type\n\"unterminated,ipv4\n", &r);
	assert_string_equal(jstr(r.j, "state"), "failed");
	assert_non_null(strstr(jstr(r.j, "message"), "bad.csv:"));
	assert_null(strstr(jstr(r.j, "message"), "panshi-import-"));
	resp_release(&r);
	get(f, "/api/v1/intel/imports/999999", 404, &r);
	resp_release(&r);
	http(f, "POST", "/api/v1/intel/imports?name=x.txt", "text/plain", "1.2.3.4\n", 8, &r);
	assert_int_equal(r.status, 400);
	assert_error(&r, "invalid_parameter", "source");
	resp_release(&r);
	/* search finds it, show and sources know it */
	get(f, "/api/v1/intel/indicators?contains=198.51.100.77", 200, &r);
	assert_int_equal(jint(r.j, "total"), 1);
	assert_string_equal(jstr(json_array_get(json_object_get(r.j, "items"), 0), "source"),
			    "webtest");
	assert_string_equal(jstr(json_array_get(json_object_get(r.j, "items"), 0), "category"),
			    "malicious_program");
	resp_release(&r);
	get(f, "/api/v1/intel/indicators?source=webtest&sort=-id&limit=1", 200, &r);
	assert_int_equal(jint(r.j, "total"), 2);
	assert_string_equal(jstr(json_array_get(json_object_get(r.j, "items"), 0), "value"),
			    "evil-api.example.com");
	resp_release(&r);
	get(f, "/api/v1/intel/indicators?type=colour", 400, &r);
	assert_error(&r, "invalid_parameter", "type");
	resp_release(&r);
	get(f, "/api/v1/intel/indicators/evil-api.example.com", 200, &r);
	assert_int_equal(json_array_size(r.j), 1);
	resp_release(&r);
	get(f, "/api/v1/intel/indicators/nothing.example.org", 404, &r);
	resp_release(&r);
	get(f, "/api/v1/intel/sources", 200, &r);
	assert_true(json_array_size(r.j) >= 1);
	resp_release(&r);
	get(f, "/api/v1/intel/stats", 200, &r);
	assert_int_equal(jint(json_object_get(r.j, "totals"), "indicators"), 2);
	assert_int_equal(jint(json_object_get(r.j, "by_source"), "webtest"), 2);
	resp_release(&r);
	/* the export is a download holding both */
	get(f, "/api/v1/intel/export?format=csv&tlp_max=amber", 200, &r);
	assert_non_null(strstr(r.ctype, "text/csv"));
	assert_non_null(strstr(r.disp, "attachment"));
	assert_non_null(strstr(r.disp, "panshi-intel-csv.csv"));
	assert_non_null(strstr(r.body, "198.51.100.77"));
	assert_non_null(strstr(r.body, "evil-api.example.com"));
	resp_release(&r);
	get(f, "/api/v1/intel/export?format=stix", 200, &r);
	assert_non_null(r.j);
	assert_string_equal(jstr(r.j, "type"), "bundle");
	resp_release(&r);
	get(f, "/api/v1/intel/export?tlp_max=red", 400, &r);
	assert_error(&r, "invalid_parameter", "tlp_max");
	resp_release(&r);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_units_list, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_unit_write, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_calendar, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_asset_route, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_intel_import, afx_setup, afx_teardown),
	};

	return afx_run(argc, argv, tests);
}
