/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of the incident, event, dashboard, report and audit routes of the
 * REST API over HTTP on loopback, on SQLite and PostgreSQL (argv[1]), with
 * the sample registry and a few alerts correlated through the API: paging
 * and sorting, the closed loop of transitions with its history, refused
 * moves, unit owners confined to their units, withheld vulnerability
 * details, event search, the overview against direct counts, report
 * downloads and the audit trail for the auditor.
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
#include "report/report.h"
#include "store/store.h"

#define AFX_NAME "apidata"
#include "api_fixture.h"

#define OK(x) assert_int_equal((x), PS_OK)
#define SEC INT64_C(1000000)
#define WITHHELD PS_REPORT_WITHHELD_ZH

/* The seeded data: alert times are relative to the start of the test. */
struct seed {
	int64_t t0;             /* two hours ago */
	const char *analyst;    /* Authorization headers */
	char core[32], idc[32], vuln[32]; /* incident ids "INC-000001" */
};

/* An answer; r.json is the parsed body (freed by done()). */
static struct afx_resp call(struct afx *f, const char *method, const char *path,
			    const char *auth, const char *body)
{
	const char *hdr[] = {auth, NULL};
	struct afx_resp r;

	assert_int_equal(afx_req(f, method, path, body, auth ? hdr : NULL, &r), 0);
	return r;
}

/* Status of a call whose body is not looked at. */
static unsigned status_of(struct afx *f, const char *method, const char *path,
			  const char *auth, const char *body, const char *code)
{
	struct afx_resp r = call(f, method, path, auth, body);
	unsigned st = r.status;

	if (code != NULL)
		assert_string_equal(afx_err_code(&r), code);
	afx_resp_free(&r);
	return st;
}

static int64_t count(struct afx *f, const char *sql, int64_t a1, int64_t a2)
{
	struct ps_stmt *s;
	int64_t n;

	OK(ps_store_prepare(f->st, sql, &s));
	if (strchr(sql, '?'))
		OK(ps_store_stmt_bind_int64(s, 1, a1));
	if (strchr(strchr(sql, '?') ? strchr(sql, '?') + 1 : sql, '?'))
		OK(ps_store_stmt_bind_int64(s, 2, a2));
	OK(ps_store_stmt_step(s));
	n = ps_store_stmt_column_int64(s, 0);
	ps_store_stmt_finalize(s);
	return n;
}

/* One event; `js` is its EVE details. */
static void event(struct afx *f, int64_t ts, const char *type, const char *sensor,
		  const char *src, const char *dst, int sev, const char *js)
{
	struct ps_event ev = {0};

	ev.ts_us = ts;
	ev.sensor = sensor;
	ev.event_type = type;
	ev.severity = sev;
	ev.src_ip = src;
	ev.dest_ip = dst;
	ev.proto = "TCP";
	ev.json = js;
	OK(ps_store_event_batch_insert(f->st, &ev, 1));
}

static void intel_alert(struct afx *f, int64_t ts, const char *src, const char *dst,
			const char *category)
{
	char js[600];

	snprintf(js, sizeof(js), "{\"alert\":{\"signature_id\":9001,\"gid\":9000,"
		 "\"signature\":\"PANSHI INTEL %s\",\"category\":\"%s\",\"severity\":1},"
		 "\"intel\":{\"indicator\":\"%s\",\"field\":\"dest_ip\",\"category\":"
		 "\"%s\"}}", dst, category, dst, category);
	event(f, ts, "alert", "s1", src, dst, 1, js);
}

/* The id of the incident whose unit is `unit`, from a list answer. */
static void id_of_unit(json_t *list, const char *unit, char *out)
{
	json_t *it;
	size_t i;

	out[0] = '\0';
	json_array_foreach(json_object_get(list, "items"), i, it)
		if (!strcmp(json_string_value(json_object_get(it, "unit")) ?
			    json_string_value(json_object_get(it, "unit")) : "", unit))
			snprintf(out, 32, "%s", json_string_value(json_object_get(it, "id")));
	assert_true(out[0] != '\0');
}

/*
 * Six alerts on three units (core network: three intel hits; IDC: two;
 * industrial platform: one vulnerability exploit), two DNS events and two
 * stats records of sensor s1, correlated through POST /incidents/correlate.
 */
static void seed(struct afx *f, struct seed *s)
{
	struct afx_resp r;

	s->t0 = (ps_time_now_us() / SEC - 7200) * SEC;
	s->analyst = afx_token(f, PS_ROLE_ANALYST, NULL);
	for (int i = 0; i < 3; i++)
		intel_alert(f, s->t0 + i * 60 * SEC, "10.16.1.11", "198.18.0.5",
			    "malicious_ip");
	for (int i = 0; i < 2; i++)
		intel_alert(f, s->t0 + (10 + i) * 60 * SEC, "203.0.113.7", "198.18.0.9",
			    "malicious_program");
	event(f, s->t0 + 20 * 60 * SEC, "alert", "s2", "198.18.0.77", "10.0.0.57", 2,
	      "{\"alert\":{\"signature_id\":2001,\"gid\":1,\"signature\":"
	      "\"ET EXPLOIT PLC CVE-2026-0001\",\"category\":\"Attempted "
	      "vulnerability exploit\",\"severity\":2}}");
	event(f, s->t0 + 30 * 60 * SEC, "dns", "s1", "10.16.1.11", "8.8.8.8", 0,
	      "{\"dns\":{\"rrname\":\"a.example\"}}");
	event(f, s->t0 + 31 * 60 * SEC, "dns", "s2", "10.16.1.11", "8.8.8.8", 0,
	      "{\"dns\":{\"rrname\":\"b.example\"}}");
	event(f, s->t0 + 40 * 60 * SEC, "stats", "s1", NULL, NULL, 0,
	      "{\"event_type\":\"stats\",\"stats\":{\"uptime\":60,\"capture\":"
	      "{\"kernel_packets\":1000,\"kernel_drops\":3}}}");
	event(f, s->t0 + 41 * 60 * SEC, "stats", "s1", NULL, NULL, 0,
	      "{\"event_type\":\"stats\",\"stats\":{\"uptime\":120,\"capture\":"
	      "{\"kernel_packets\":7000,\"kernel_drops\":5}}}");
	r = call(f, "POST", "/api/v1/incidents/correlate", s->analyst, NULL);
	assert_int_equal(r.status, 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "events")), 6);
	assert_int_equal(json_integer_value(json_object_get(r.json, "opened")), 3);
	afx_resp_free(&r);
	r = call(f, "GET", "/api/v1/incidents?sort=id", s->analyst, NULL);
	assert_int_equal(r.status, 200);
	id_of_unit(r.json, "U-CORE-01", s->core);
	id_of_unit(r.json, "U-IDC-01", s->idc);
	id_of_unit(r.json, "U-IIP-01", s->vuln);
	afx_resp_free(&r);
}

/* ---- incidents ---- */

static void test_list_paging(void **state)
{
	struct afx *f = *state;
	struct seed s;
	struct afx_resp r;
	json_t *items, *it;
	const char *a;

	seed(f, &s);
	a = s.analyst;
	r = call(f, "GET", "/api/v1/incidents?limit=2&sort=id", a, NULL);
	assert_int_equal(r.status, 200);
	items = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(items), 2);
	assert_int_equal(json_integer_value(json_object_get(r.json, "total")), 3);
	assert_int_equal(json_integer_value(json_object_get(r.json, "limit")), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "id")),
			    "INC-000001");
	it = json_array_get(items, 0);
	assert_string_equal(json_string_value(json_object_get(it, "state")), "new");
	assert_string_equal(json_string_value(json_object_get(it, "state_zh")), "新建");
	assert_non_null(json_object_get(it, "level_zh"));
	assert_non_null(json_object_get(it, "category_title"));
	assert_true(json_is_boolean(json_object_get(it, "overdue")));
	afx_resp_free(&r);
	r = call(f, "GET", "/api/v1/incidents?limit=2&offset=2&sort=id", a, NULL);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
	assert_int_equal(json_integer_value(json_object_get(r.json, "total")), 3);
	assert_int_equal(json_integer_value(json_object_get(r.json, "offset")), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
		json_object_get(r.json, "items"), 0), "id")), "INC-000003");
	afx_resp_free(&r);
	r = call(f, "GET", "/api/v1/incidents?sort=-id", a, NULL);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
		json_object_get(r.json, "items"), 0), "id")), "INC-000003");
	afx_resp_free(&r);
	/* by event count: core network (3) first descending, vuln (1) first up */
	r = call(f, "GET", "/api/v1/incidents?sort=-event_count", a, NULL);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
		json_object_get(r.json, "items"), 0), "id")), s.core);
	afx_resp_free(&r);
	r = call(f, "GET", "/api/v1/incidents?sort=event_count", a, NULL);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
		json_object_get(r.json, "items"), 0), "id")), s.vuln);
	afx_resp_free(&r);
	/* the unit's name comes from the registry */
	r = call(f, "GET", "/api/v1/incidents?unit=U-CORE-01", a, NULL);
	assert_int_equal(json_integer_value(json_object_get(r.json, "total")), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
		json_object_get(r.json, "items"), 0), "unit_name")), "核心网（省级）");
	afx_resp_free(&r);
	r = call(f, "GET", "/api/v1/incidents?state=open&kind=intel", a, NULL);
	assert_int_equal(json_integer_value(json_object_get(r.json, "total")), 2);
	afx_resp_free(&r);
	assert_int_equal(status_of(f, "GET", "/api/v1/incidents?sort=title", a, NULL,
				   "invalid_parameter"), 400);
	assert_int_equal(status_of(f, "GET", "/api/v1/incidents?colour=red", a, NULL,
				   "invalid_parameter"), 400);
	assert_int_equal(status_of(f, "GET", "/api/v1/incidents?state=lost", a, NULL,
				   "invalid_parameter"), 400);
	assert_int_equal(status_of(f, "GET", "/api/v1/incidents?level=huge", a, NULL,
				   "invalid_parameter"), 400);
	assert_int_equal(status_of(f, "GET", "/api/v1/incidents?limit=0", a, NULL,
				   "invalid_parameter"), 400);
	assert_int_equal(status_of(f, "GET", "/api/v1/incidents/INC-000099", a, NULL,
				   "not_found"), 404);
	assert_int_equal(status_of(f, "GET", "/api/v1/incidents/x", a, NULL, "not_found"), 404);
}

/* POST a transition; returns the state after it. */
static void move(struct afx *f, const char *auth, const char *id, const char *what,
		 const char *body, unsigned want, const char *state)
{
	char path[128];
	struct afx_resp r;

	snprintf(path, sizeof(path), "/api/v1/incidents/%s/%s", id, what);
	r = call(f, "POST", path, auth, body);
	if (r.status != want)
		fail_msg("%s %s: %u %s", path, body ? body : "", r.status, r.body);
	if (state != NULL)
		assert_string_equal(json_string_value(json_object_get(r.json, "state")), state);
	afx_resp_free(&r);
}

static void test_closed_loop(void **state)
{
	struct afx *f = *state;
	struct seed s;
	struct afx_resp r;
	char path[128];
	json_t *hist, *allowed, *ev;

	seed(f, &s);
	snprintf(path, sizeof(path), "/api/v1/incidents/%s", s.core);
	r = call(f, "GET", path, s.analyst, NULL);
	assert_int_equal(r.status, 200);
	allowed = json_object_get(r.json, "allowed");
	assert_int_equal(json_array_size(allowed), 2);
	assert_string_equal(json_string_value(json_array_get(allowed, 0)), "triaged");
	ev = json_object_get(r.json, "evidence");
	assert_int_equal(json_array_size(ev), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(ev, 0), "src_ip")),
			    "10.16.1.11");
	assert_string_equal(json_string_value(json_object_get(json_array_get(ev, 0),
				"signature")), "PANSHI INTEL 198.18.0.5");
	assert_true(json_is_array(json_object_get(r.json, "clocks")));
	assert_true(json_is_object(json_object_get(r.json, "facts")));
	afx_resp_free(&r);

	/* a refused move changes nothing and says why */
	snprintf(path, sizeof(path), "/api/v1/incidents/%s/transitions", s.core);
	r = call(f, "POST", path, s.analyst, "{\"to\":\"closed\"}");
	assert_int_equal(r.status, 409);
	assert_string_equal(afx_err_code(&r), "conflict");
	assert_non_null(strstr(json_string_value(json_object_get(json_object_get(r.json,
		"error"), "message")), "cannot move"));
	afx_resp_free(&r);
	move(f, s.analyst, s.core, "transitions", "{\"to\":\"lost\"}", 400, NULL);
	move(f, s.analyst, s.core, "transitions", "{}", 400, NULL);
	move(f, s.analyst, s.core, "transitions", "[1]", 400, NULL);
	move(f, s.analyst, s.core, "assign", "{\"person\":\"P-NOBODY\"}", 400, NULL);

	move(f, s.analyst, s.core, "transitions", "{\"to\":\"triaged\"}", 200, "triaged");
	move(f, s.analyst, s.core, "assign", "{\"person\":\"P-LI\",\"why\":\"owner\"}", 200,
	     "assigned");
	move(f, s.analyst, s.core, "transitions", "{\"to\":\"in_progress\"}", 200,
	     "in_progress");
	move(f, s.analyst, s.core, "notes", "{\"text\":\"blocked at the border\"}", 201,
	     "in_progress");
	move(f, s.analyst, s.core, "transitions", "{\"to\":\"rectified\"}", 200, "rectified");
	move(f, s.analyst, s.core, "verify", "{\"evidence\":\"rescanned, clean\"}", 200,
	     "verified");
	move(f, s.analyst, s.core, "transitions", "{\"to\":\"closed\",\"why\":\"done\"}", 200,
	     "closed");
	move(f, s.analyst, s.core, "transitions", "{\"to\":\"in_progress\"}", 409, NULL);

	snprintf(path, sizeof(path), "/api/v1/incidents/%s", s.core);
	r = call(f, "GET", path, s.analyst, NULL);
	assert_string_equal(json_string_value(json_object_get(r.json, "state")), "closed");
	assert_string_equal(json_string_value(json_object_get(r.json, "assignee")), "P-LI");
	hist = json_object_get(r.json, "history");
	assert_true(json_array_size(hist) >= 7);
	assert_non_null(strstr(r.body, "blocked at the border"));
	assert_non_null(strstr(r.body, "rescanned, clean"));
	allowed = json_object_get(r.json, "allowed");
	assert_int_equal(json_array_size(allowed), 1);
	assert_string_equal(json_string_value(json_array_get(allowed, 0)), "triaged");
	afx_resp_free(&r);
	/* every step is in the trail with the API user as actor */
	assert_true(count(f, "SELECT count(*) FROM audit_log WHERE action = "
			  "'incident.move' AND actor LIKE 'token:%'", 0, 0) >= 4);
	r = call(f, "GET", "/api/v1/incidents?state=closed", s.analyst, NULL);
	assert_int_equal(json_integer_value(json_object_get(r.json, "total")), 1);
	afx_resp_free(&r);
}

/* Facts decide the clocks; a clock is met once; the tick job runs. */
static void test_facts_clocks(void **state)
{
	struct afx *f = *state;
	struct seed s;
	struct afx_resp r;
	char path[160];
	json_t *c, *clocks;
	size_t i;
	bool found = false;

	seed(f, &s);
	snprintf(path, sizeof(path), "/api/v1/incidents/%s/facts", s.idc);
	assert_int_equal(status_of(f, "PUT", path, s.analyst, "{\"leaked_users\":-1}",
				   "invalid_field"), 400);
	assert_int_equal(status_of(f, "PUT", path, s.analyst, "{\"colour\":1}",
				   "invalid_field"), 400);
	r = call(f, "PUT", path, s.analyst, "{\"important_data\":true}");
	assert_int_equal(r.status, 200);
	clocks = json_object_get(r.json, "clocks");
	json_array_foreach(clocks, i, c)
		if (!strcmp(json_string_value(json_object_get(c, "clock")), "datasec_report")) {
			found = true;
			assert_string_equal(json_string_value(json_object_get(c, "status")),
					    "pending");
		}
	assert_true(found);
	afx_resp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/incidents/%s/clocks/datasec_report", s.idc);
	r = call(f, "POST", path, s.analyst, "{}");
	assert_int_equal(r.status, 200);
	found = false;
	json_array_foreach(json_object_get(r.json, "clocks"), i, c)
		if (!strcmp(json_string_value(json_object_get(c, "clock")), "datasec_report")) {
			found = true;
			assert_string_equal(json_string_value(json_object_get(c, "status")), "met");
		}
	assert_true(found);
	afx_resp_free(&r);
	assert_int_equal(status_of(f, "POST", path, s.analyst, NULL, "conflict"), 409);
	snprintf(path, sizeof(path), "/api/v1/incidents/%s/clocks/cac_report", s.idc);
	assert_int_equal(status_of(f, "POST", path, s.analyst, NULL, "conflict"), 409);
	snprintf(path, sizeof(path), "/api/v1/incidents/%s/clocks/tea_time", s.idc);
	assert_int_equal(status_of(f, "POST", path, s.analyst, NULL, "not_found"), 404);
	snprintf(path, sizeof(path), "/api/v1/incidents/%s/clocks/miit_report", s.idc);
	assert_int_equal(status_of(f, "POST", path, s.analyst, "{\"at\":\"soon\"}",
				   "invalid_field"), 400);
	r = call(f, "POST", "/api/v1/incidents/tick", s.analyst, NULL);
	assert_int_equal(r.status, 200);
	assert_true(json_is_integer(json_object_get(r.json, "auto_verified")));
	assert_true(json_is_integer(json_object_get(r.json, "escalated")));
	afx_resp_free(&r);
	/* accepted risk needs a reason and an expiry */
	move(f, s.analyst, s.idc, "transitions", "{\"to\":\"triaged\"}", 200, "triaged");
	move(f, s.analyst, s.idc, "transitions", "{\"to\":\"accepted_risk\"}", 409, NULL);
	move(f, s.analyst, s.idc, "transitions", "{\"to\":\"accepted_risk\",\"why\":"
	     "\"legacy\",\"expiry\":\"2099-01-01\"}", 200, "accepted_risk");
}

static void test_unit_owner(void **state)
{
	struct afx *f = *state;
	const char *own;
	struct seed s;
	struct afx_resp r;
	char path[160];

	seed(f, &s);
	own = afx_token(f, PS_ROLE_UNIT_OWNER, "U-CORE-01,U-MAIL-01");
	r = call(f, "GET", "/api/v1/incidents", own, NULL);
	assert_int_equal(r.status, 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "total")), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
		json_object_get(r.json, "items"), 0), "unit")), "U-CORE-01");
	afx_resp_free(&r);
	r = call(f, "GET", "/api/v1/incidents?unit=U-IDC-01", own, NULL);
	assert_int_equal(json_integer_value(json_object_get(r.json, "total")), 0);
	afx_resp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/incidents/%s", s.core);
	assert_int_equal(status_of(f, "GET", path, own, NULL, NULL), 200);
	snprintf(path, sizeof(path), "/api/v1/incidents/%s", s.idc);
	assert_int_equal(status_of(f, "GET", path, own, NULL, "not_found"), 404);
	move(f, own, s.idc, "transitions", "{\"to\":\"triaged\"}", 404, NULL);
	move(f, own, s.core, "transitions", "{\"to\":\"triaged\"}", 200, "triaged");
	snprintf(path, sizeof(path), "/api/v1/reports/incidents/%s?format=md", s.idc);
	assert_int_equal(status_of(f, "GET", path, own, NULL, "not_found"), 404);
	assert_int_equal(status_of(f, "GET", "/api/v1/reports/notice?unit=U-IDC-01", own,
				   NULL, "not_found"), 404);
	assert_int_equal(status_of(f, "GET", "/api/v1/reports/notice?unit=U-CORE-01&format=md",
				   own, NULL, NULL), 200);
	assert_int_equal(status_of(f, "GET", "/api/v1/reports/bulletin?month=2026-11", own,
				   NULL, "forbidden"), 403);
	assert_int_equal(status_of(f, "POST", "/api/v1/incidents/correlate", own, NULL,
				   "forbidden"), 403);
	/* an owner of no unit sees nothing */
	own = afx_token(f, PS_ROLE_UNIT_OWNER, "");
	r = call(f, "GET", "/api/v1/incidents", own, NULL);
	assert_int_equal(json_integer_value(json_object_get(r.json, "total")), 0);
	afx_resp_free(&r);
}

static void test_vuln_withheld(void **state)
{
	struct afx *f = *state;
	const char *reg;
	struct seed s;
	struct afx_resp r;
	char path[160], month[8], q[200], t[PS_TIME_FMT_SIZE];

	seed(f, &s);
	reg = afx_token(f, PS_ROLE_REGULATOR, NULL);
	snprintf(path, sizeof(path), "/api/v1/incidents/%s", s.vuln);
	r = call(f, "GET", path, s.analyst, NULL);
	assert_int_equal(r.status, 200);
	assert_true(json_is_true(json_object_get(r.json, "vulnerability")));
	assert_string_equal(json_string_value(json_object_get(r.json, "address")), "10.0.0.57");
	assert_null(strstr(r.body, WITHHELD));
	afx_resp_free(&r);
	r = call(f, "GET", path, reg, NULL);
	assert_int_equal(r.status, 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "address")), WITHHELD);
	assert_string_equal(json_string_value(json_object_get(r.json, "title")), WITHHELD);
	assert_string_equal(json_string_value(json_object_get(r.json, "indicator")), WITHHELD);
	assert_null(strstr(r.body, "10.0.0.57"));
	assert_null(strstr(r.body, "CVE-2026-0001"));
	afx_resp_free(&r);
	r = call(f, "GET", "/api/v1/incidents?unit=U-IIP-01", reg, NULL);
	assert_null(strstr(r.body, "10.0.0.57"));
	assert_non_null(strstr(r.body, WITHHELD));
	afx_resp_free(&r);
	/* the evidence events of the incident are withheld alike */
	r = call(f, "GET", "/api/v1/events?event_type=alert", reg, NULL);
	assert_int_equal(r.status, 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "total")), 6);
	assert_null(strstr(r.body, "CVE-2026-0001"));
	assert_null(strstr(r.body, "10.0.0.57"));
	assert_non_null(strstr(r.body, "198.18.0.5"));
	afx_resp_free(&r);
	r = call(f, "GET", "/api/v1/events?event_type=alert", s.analyst, NULL);
	assert_non_null(strstr(r.body, "CVE-2026-0001"));
	{
		/* and one by one: the exploit's event itself */
		char epath[64];
		size_t i;
		json_t *it;
		int64_t vid = 0;

		json_array_foreach(json_object_get(r.json, "items"), i, it) {
			const char *src = json_string_value(json_object_get(it, "src_ip"));
			const char *dst = json_string_value(json_object_get(it, "dest_ip"));

			if (vid == 0 && ((src && !strcmp(src, "10.0.0.57")) ||
					 (dst && !strcmp(dst, "10.0.0.57"))))
				vid = json_integer_value(json_object_get(it, "id"));
		}
		assert_true(vid > 0);
		afx_resp_free(&r);
		snprintf(epath, sizeof(epath), "/api/v1/events/%lld", (long long)vid);
		r = call(f, "GET", epath, reg, NULL);
		assert_int_equal(r.status, 200);
		assert_string_equal(json_string_value(json_object_get(r.json, "src_ip")), WITHHELD);
		assert_null(strstr(r.body, "CVE-2026-0001"));
		afx_resp_free(&r);
		r = call(f, "GET", epath, s.analyst, NULL);
		assert_non_null(strstr(r.body, "10.0.0.57"));
	}
	afx_resp_free(&r);
	/* a read-only role may not move incidents at all */
	move(f, reg, s.vuln, "transitions", "{\"to\":\"triaged\"}", 403, NULL);

	/* reports: details need vuln.details, and their disclosure is audited */
	OK(ps_time_fmt_iso8601(s.t0, PS_TZ_SHANGHAI, PS_TIME_FMT_SEC, t, sizeof(t)));
	snprintf(month, sizeof(month), "%.7s", t);
	snprintf(q, sizeof(q), "/api/v1/reports/bulletin?month=%s&format=md&vuln=true", month);
	assert_int_equal(status_of(f, "GET", q, reg, NULL, "forbidden"), 403);
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log WHERE action = "
			       "'report.disclose_vuln'", 0, 0), 0);
	/* the exploit's source is the vulnerability incident's indicator */
	r = call(f, "GET", q, s.analyst, NULL);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "198.18.0.77"));
	afx_resp_free(&r);
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log WHERE action = "
			       "'report.disclose_vuln'", 0, 0), 1);
	snprintf(q, sizeof(q), "/api/v1/reports/bulletin?month=%s&format=md", month);
	r = call(f, "GET", q, reg, NULL);
	assert_int_equal(r.status, 200);
	assert_null(strstr(r.body, "198.18.0.77"));
	assert_non_null(strstr(r.body, WITHHELD));
	afx_resp_free(&r);
}

/* ---- events ---- */

static void test_events(void **state)
{
	struct afx *f = *state;
	struct seed s;
	struct afx_resp r;
	char q[300], t1[PS_TIME_FMT_SIZE], t2[PS_TIME_FMT_SIZE];
	json_t *items, *e;
	int64_t id;

	seed(f, &s);
	r = call(f, "GET", "/api/v1/events", s.analyst, NULL);
	assert_int_equal(r.status, 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "total")), 10);
	items = json_object_get(r.json, "items");
	/* newest first by default */
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0),
				"event_type")), "stats");
	afx_resp_free(&r);
	r = call(f, "GET", "/api/v1/events?event_type=alert&sort=ts&limit=4", s.analyst, NULL);
	assert_int_equal(json_integer_value(json_object_get(r.json, "total")), 6);
	items = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(items), 4);
	e = json_array_get(items, 0);
	assert_string_equal(json_string_value(json_object_get(e, "src_ip")), "10.16.1.11");
	assert_string_equal(json_string_value(json_object_get(json_object_get(
		json_object_get(e, "details"), "alert"), "signature")),
		"PANSHI INTEL 198.18.0.5");
	assert_int_equal(json_integer_value(json_object_get(e, "severity")), 1);
	id = json_integer_value(json_object_get(e, "id"));
	afx_resp_free(&r);
	/* [since, until): the IDC alerts at t0+10 and t0+11 minutes */
	OK(ps_time_fmt_iso8601(s.t0 + 10 * 60 * SEC, PS_TZ_SHANGHAI, PS_TIME_FMT_SEC, t1,
			       sizeof(t1)));
	OK(ps_time_fmt_iso8601(s.t0 + 12 * 60 * SEC, PS_TZ_SHANGHAI, PS_TIME_FMT_SEC, t2,
			       sizeof(t2)));
	t1[19] = t2[19] = '\0';  /* no zone: Asia/Shanghai */
	snprintf(q, sizeof(q), "/api/v1/events?since=%s&until=%s", t1, t2);
	r = call(f, "GET", q, s.analyst, NULL);
	assert_int_equal(r.status, 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "total")), 2);
	afx_resp_free(&r);
	r = call(f, "GET", "/api/v1/events?ip=10.0.0.57&severity_max=2", s.analyst, NULL);
	assert_int_equal(json_integer_value(json_object_get(r.json, "total")), 1);
	afx_resp_free(&r);
	r = call(f, "GET", "/api/v1/events?sensor=s2", s.analyst, NULL);
	assert_int_equal(json_integer_value(json_object_get(r.json, "total")), 2);
	afx_resp_free(&r);
	snprintf(q, sizeof(q), "/api/v1/events/%lld", (long long)id);
	r = call(f, "GET", q, s.analyst, NULL);
	assert_int_equal(r.status, 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "id")), id);
	assert_string_equal(json_string_value(json_object_get(r.json, "event_type")), "alert");
	afx_resp_free(&r);
	assert_int_equal(status_of(f, "GET", "/api/v1/events/99999", s.analyst, NULL,
				   "not_found"), 404);
	assert_int_equal(status_of(f, "GET", "/api/v1/events?since=yesterday", s.analyst,
				   NULL, "invalid_parameter"), 400);
	assert_int_equal(status_of(f, "GET", "/api/v1/events?severity_max=x", s.analyst,
				   NULL, "invalid_parameter"), 400);
	assert_int_equal(status_of(f, "GET", "/api/v1/events?sort=-sensor", s.analyst,
				   NULL, "invalid_parameter"), 400);
	/* a unit owner holds no events.read */
	assert_int_equal(status_of(f, "GET", "/api/v1/events",
				   afx_token(f, PS_ROLE_UNIT_OWNER, "U-CORE-01"), NULL,
				   "forbidden"), 403);
}

/* ---- the dashboard ---- */

static int64_t jint(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	if (!json_is_integer(v))
		fail_msg("'%s' is not an integer", k);
	return json_integer_value(v);
}

static int64_t sum_of(json_t *arr, const char *k)
{
	json_t *e;
	size_t i;
	int64_t n = 0;

	json_array_foreach(arr, i, e)
		n += jint(e, k);
	return n;
}

static void test_overview(void **state)
{
	struct afx *f = *state;
	struct seed s;
	struct afx_resp r;
	int64_t now, since, id;
	char path[160];
	json_t *od, *top;

	seed(f, &s);
	/* a clock past its deadline: the data-security report of the IDC one */
	snprintf(path, sizeof(path), "/api/v1/incidents/%s/facts", s.idc);
	r = call(f, "PUT", path, s.analyst, "{\"important_data\":true}");
	assert_int_equal(r.status, 200);
	afx_resp_free(&r);
	OK(ps_case_ref_parse(s.idc, &id, NULL));
	{
		struct ps_stmt *st;

		OK(ps_store_prepare(f->st, "UPDATE incident_clocks SET deadline = ? WHERE "
				    "incident_id = ? AND kind = 'datasec_report'", &st));
		OK(ps_store_stmt_bind_int64(st, 1, s.t0));
		OK(ps_store_stmt_bind_int64(st, 2, id));
		assert_int_equal(ps_store_stmt_step(st), PS_EOF);
		assert_int_equal(ps_store_stmt_changes(st), 1);
		ps_store_stmt_finalize(st);
	}
	now = ps_time_now_us();
	since = now - 30 * 86400 * SEC;
	r = call(f, "GET", "/api/v1/stats/overview", s.analyst, NULL);
	assert_int_equal(r.status, 200);
	assert_int_equal(jint(r.json, "events"), count(f, "SELECT count(*) FROM events "
		"WHERE ts >= ? AND ts < ?", since, now + 60 * SEC));
	assert_int_equal(jint(r.json, "events"), 10);
	assert_int_equal(jint(r.json, "alerts"), 6);
	assert_int_equal(jint(r.json, "incidents_open"), count(f, "SELECT count(*) FROM "
		"incidents WHERE state NOT IN ('closed', 'verified', 'false_positive')", 0, 0));
	assert_int_equal(jint(r.json, "incidents_open"), 3);
	assert_int_equal(jint(r.json, "incidents_overdue"), 1);
	assert_int_equal(jint(r.json, "units"), 3);
	assert_int_equal(jint(r.json, "indicators"), count(f, "SELECT count(DISTINCT "
		"COALESCE(i.indicator, i.peer_ip)) FROM incident_events e JOIN incidents i "
		"ON i.id = e.incident_id WHERE e.ts >= ? AND e.ts < ?", since, now));
	assert_int_equal(sum_of(json_object_get(r.json, "by_day"), "events"), 10);
	assert_int_equal(sum_of(json_object_get(r.json, "by_day"), "alerts"), 6);
	assert_int_equal(sum_of(json_object_get(r.json, "by_day"), "incidents"), 3);
	assert_true(json_array_size(json_object_get(r.json, "by_day")) >= 30);
	assert_int_equal(sum_of(json_object_get(r.json, "by_category"), "count"), 6);
	assert_int_equal(sum_of(json_object_get(r.json, "by_level"), "count"), 6);
	top = json_object_get(r.json, "top_units");
	assert_string_equal(json_string_value(json_object_get(json_array_get(top, 0), "key")),
			    "U-CORE-01");
	assert_int_equal(jint(json_array_get(top, 0), "count"), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(top, 0), "label")),
			    "核心网（省级）");
	top = json_object_get(r.json, "top_indicators");
	assert_string_equal(json_string_value(json_object_get(json_array_get(top, 0), "key")),
			    "198.18.0.5");
	assert_int_equal(sum_of(json_object_get(r.json, "top_assets"), "count"), 6);
	od = json_object_get(r.json, "overdue");
	assert_int_equal(json_array_size(od), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(od, 0),
				"incident")), s.idc);
	assert_string_equal(json_string_value(json_object_get(json_array_get(od, 0),
				"clock")), "datasec_report");
	afx_resp_free(&r);
	/* the list agrees with the overview */
	r = call(f, "GET", "/api/v1/incidents?overdue=true", s.analyst, NULL);
	assert_int_equal(json_integer_value(json_object_get(r.json, "total")), 1);
	assert_true(json_is_true(json_object_get(json_array_get(json_object_get(r.json,
		"items"), 0), "overdue")));
	afx_resp_free(&r);
	/* and the whole list flags that one alone */
	r = call(f, "GET", "/api/v1/incidents?limit=500", s.analyst, NULL);
	{
		size_t i, flagged = 0;
		json_t *it;

		json_array_foreach(json_object_get(r.json, "items"), i, it)
			flagged += json_is_true(json_object_get(it, "overdue"));
		assert_true(json_array_size(json_object_get(r.json, "items")) > 1);
		assert_int_equal(flagged, 1);
	}
	afx_resp_free(&r);
	/* a range with nothing in it */
	r = call(f, "GET", "/api/v1/stats/overview?since=2020-01-01&until=2020-01-31",
		 s.analyst, NULL);
	assert_int_equal(r.status, 200);
	assert_int_equal(jint(r.json, "events"), 0);
	assert_int_equal(json_array_size(json_object_get(r.json, "by_day")), 31);
	afx_resp_free(&r);
	assert_int_equal(status_of(f, "GET", "/api/v1/stats/overview?since=2020-01-01&"
				   "until=2023-01-01", s.analyst, NULL, "invalid_parameter"), 400);
	assert_int_equal(status_of(f, "GET", "/api/v1/stats/overview?days=3", s.analyst,
				   NULL, "invalid_parameter"), 400);

	r = call(f, "GET", "/api/v1/stats/sensors", s.analyst, NULL);
	assert_int_equal(r.status, 200);
	assert_int_equal(json_array_size(r.json), 2);
	{
		json_t *s1 = json_array_get(r.json, 0);

		assert_string_equal(json_string_value(json_object_get(s1, "sensor")), "s1");
		/* 6000 packets in the 60 s between the two stats records */
		assert_true(json_real_value(json_object_get(s1, "packets_per_s")) > 99.9 &&
			    json_real_value(json_object_get(s1, "packets_per_s")) < 100.1);
		assert_int_equal(jint(s1, "drops"), 5);
		assert_true(json_is_true(json_object_get(s1, "silent")));
		assert_int_equal(jint(s1, "events_1h"), 0);
	}
	afx_resp_free(&r);
}

/* ---- reports ---- */

static void test_reports(void **state)
{
	struct afx *f = *state;
	struct seed s;
	struct afx_resp r;
	char q[200], h[300], month[8], t[PS_TIME_FMT_SIZE], want[128];

	seed(f, &s);
	OK(ps_time_fmt_iso8601(s.t0, PS_TZ_SHANGHAI, PS_TIME_FMT_SEC, t, sizeof(t)));
	snprintf(month, sizeof(month), "%.7s", t);
	snprintf(q, sizeof(q), "/api/v1/reports/bulletin?month=%s", month);
	r = call(f, "GET", q, s.analyst, NULL);
	assert_int_equal(r.status, 200);
	assert_non_null(afx_header(&r, "Content-Type", h, sizeof(h)));
	assert_string_equal(h, "text/html; charset=utf-8");
	assert_non_null(afx_header(&r, "Content-Disposition", h, sizeof(h)));
	snprintf(want, sizeof(want), "attachment; filename=\"bulletin-%s.html\"", month);
	assert_string_equal(h, want);
	assert_non_null(strstr(r.body, "<html"));
	afx_resp_free(&r);
	snprintf(q, sizeof(q), "/api/v1/reports/bulletin?month=%s&format=csv&lang=en", month);
	r = call(f, "GET", q, s.analyst, NULL);
	assert_int_equal(r.status, 200);
	assert_string_equal(afx_header(&r, "Content-Type", h, sizeof(h)),
			    "text/csv; charset=utf-8");
	assert_non_null(strstr(r.body, "section,key,label,count"));
	afx_resp_free(&r);
	r = call(f, "GET", "/api/v1/reports/notice?unit=U-IDC-01&format=md", s.analyst, NULL);
	assert_int_equal(r.status, 200);
	assert_string_equal(afx_header(&r, "Content-Type", h, sizeof(h)),
			    "text/markdown; charset=utf-8");
	assert_non_null(strstr(afx_header(&r, "Content-Disposition", h, sizeof(h)),
			       "notice-U-IDC-01.md"));
	assert_non_null(strstr(r.body, "南京数据中心"));
	afx_resp_free(&r);
	snprintf(q, sizeof(q), "/api/v1/reports/incidents/%s?format=json", s.core);
	r = call(f, "GET", q, s.analyst, NULL);
	assert_int_equal(r.status, 200);
	assert_string_equal(afx_header(&r, "Content-Type", h, sizeof(h)), "application/json");
	assert_non_null(r.json);
	snprintf(want, sizeof(want), "incident-%s.json", s.core);
	assert_non_null(strstr(afx_header(&r, "Content-Disposition", h, sizeof(h)), want));
	afx_resp_free(&r);
	assert_int_equal(status_of(f, "GET", "/api/v1/reports/bulletin?month=2026-13",
				   s.analyst, NULL, "invalid_parameter"), 400);
	assert_int_equal(status_of(f, "GET", "/api/v1/reports/bulletin", s.analyst, NULL,
				   "invalid_parameter"), 400);
	assert_int_equal(status_of(f, "GET", "/api/v1/reports/notice?unit=U-1&format=csv",
				   s.analyst, NULL, "invalid_parameter"), 400);
	assert_int_equal(status_of(f, "GET", "/api/v1/reports/notice?unit=U-NONE",
				   s.analyst, NULL, "not_found"), 404);
	assert_int_equal(status_of(f, "GET", "/api/v1/reports/incidents/INC-000099",
				   s.analyst, NULL, "not_found"), 404);
	assert_int_equal(status_of(f, "GET", "/api/v1/reports/notice?unit=U-IDC-01&x=1",
				   s.analyst, NULL, "invalid_parameter"), 400);
}

/* ---- audit ---- */

static void test_audit(void **state)
{
	struct afx *f = *state;
	const char *aud;
	struct seed s;
	struct afx_resp r;
	json_t *items;
	int64_t total;

	seed(f, &s);
	move(f, s.analyst, s.core, "transitions", "{\"to\":\"triaged\"}", 200, "triaged");
	aud = afx_token(f, PS_ROLE_AUDITOR, NULL);
	r = call(f, "GET", "/api/v1/audit?limit=5", aud, NULL);
	assert_int_equal(r.status, 200);
	total = json_integer_value(json_object_get(r.json, "total"));
	assert_int_equal(total, count(f, "SELECT count(*) FROM audit_log", 0, 0));
	items = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(items), 5);
	/* newest first */
	assert_int_equal(jint(json_array_get(items, 0), "id"), total);
	assert_true(jint(json_array_get(items, 0), "id") > jint(json_array_get(items, 1), "id"));
	afx_resp_free(&r);
	r = call(f, "GET", "/api/v1/audit?action=incident.move&sort=id", aud, NULL);
	assert_int_equal(r.status, 200);
	items = json_object_get(r.json, "items");
	assert_int_equal(json_integer_value(json_object_get(r.json, "total")), 1);
	{
		char obj[64];

		snprintf(obj, sizeof(obj), "incident:%s", s.core);
		assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0),
					"object")), obj);
	}
	assert_string_equal(json_string_value(json_object_get(json_object_get(
		json_array_get(items, 0), "details"), "to")), "triaged");
	assert_non_null(strstr(json_string_value(json_object_get(json_array_get(items, 0),
				"actor")), "token:"));
	afx_resp_free(&r);
	r = call(f, "GET", "/api/v1/audit/verify", aud, NULL);
	assert_int_equal(r.status, 200);
	assert_true(json_is_true(json_object_get(r.json, "intact")));
	assert_int_equal(jint(r.json, "records"), count(f, "SELECT count(*) FROM audit_log",
							0, 0));
	assert_int_equal(jint(r.json, "first_bad"), 0);
	afx_resp_free(&r);
	assert_int_equal(status_of(f, "GET", "/api/v1/audit?sort=ts", aud, NULL,
				   "invalid_parameter"), 400);
	/* the auditor reads the trail and nothing else; nobody else reads it */
	assert_int_equal(status_of(f, "GET", "/api/v1/incidents", aud, NULL, "forbidden"), 403);
	assert_int_equal(status_of(f, "GET", "/api/v1/audit", s.analyst, NULL, "forbidden"),
			 403);
	assert_int_equal(status_of(f, "GET", "/api/v1/audit/verify", s.analyst, NULL,
				   "forbidden"), 403);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_list_paging, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_closed_loop, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_facts_clocks, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_unit_owner, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_vuln_withheld, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_events, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_overview, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_reports, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_audit, afx_setup, afx_teardown),
	};

	return afx_run(argc, argv, tests);
}
