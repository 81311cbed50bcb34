/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of stored incidents on SQLite and PostgreSQL (argv[1]):
 * correlation (grouping, routing to owners, unregistered addresses),
 * recurrence (failed verification, reopen with history kept), automatic
 * verification and accepted-risk expiry at their boundaries, clocks and
 * escalation, refused moves that change nothing, and the audit trail.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "audit/audit.h"
#include "core/core.h"
#include "incident/case.h"
#include "policy/policy.h"
#include "registry/bulk.h"
#include "registry/registry.h"
#include "store/store.h"

#define OK(x) assert_int_equal((x), PS_OK)

struct fx {
	struct ps_store *st;
	struct ps_store_settings set;
	struct ps_registry r;
	char spec[512];
	char schema[64];
	struct ps_audit *a;
	struct ps_case_ctx cx;
};

static const uint8_t key1[32] = "0123456789abcdef0123456789abcdef";

static int fx_setup(struct fx *f);

#define REG_FX_NAME "case"
#define REG_FX_TODAY ((struct ps_date){2026, 11, 1})
#define REG_FX_SETUP(f) fx_setup(f)
#define REG_FX_TEARDOWN(f) ps_audit_close((f)->a)
#include "../registry/reg_fixture.h"

/* 2025-11-20T00:00:00+08:00 */
#define T0 INT64_C(1763568000000000)
#define SEC INT64_C(1000000)
#define HOUR (3600 * SEC)
#define DAY (24 * HOUR)

static const char reg_yaml[] =
	"panshi_registry: 1\n"
	"operators:\n"
	"  - {key: OP-1, name: 测试运营者, type: basic_telecom}\n"
	"depts:\n"
	"  - {key: D-UNIT, operator: OP-1, name: 单元部门}\n"
	"  - {key: D-ASSET, operator: OP-1, name: 资产部门}\n"
	"persons:\n"
	"  - {key: P-UNIT, name: 单元责任人, dept: D-UNIT}\n"
	"  - {key: P-ASSET, name: 资产责任人, dept: D-ASSET}\n"
	"units:\n"
	"  - {key: U-1, operator: OP-1, name: 测试单元, type: idc, level: 3,\n"
	"     dept: D-UNIT, person: P-UNIT}\n"
	"assets:\n"
	"  - {key: A-NET, unit: U-1, kind: ip_range, name: 网段, address: 192.0.2.0/24,\n"
	"     dept: D-ASSET, person: P-ASSET}\n"
	"  - {key: A-HOST, unit: U-1, kind: host, name: 主机, address: 192.0.2.5}\n"
	"ipblocks:\n"
	"  - {key: B-1, operator: OP-1, range: 203.0.113.0/24}\n";

static int fx_setup(struct fx *f)
{
	struct ps_reg_bulk b;
	struct ps_reg_bulk_report rep;
	int rc;

	if (ps_audit_open(f->st, key1, sizeof(key1), &f->a) != PS_OK)
		return -1;
	if (ps_reg_bulk_init(&b) != PS_OK)
		return -1;
	rc = ps_reg_bulk_parse_yaml(&b, "t.yaml", reg_yaml, strlen(reg_yaml));
	if (rc == PS_OK)
		rc = ps_reg_bulk_apply(&f->r, &b, false, &rep);
	ps_reg_bulk_release(&b);
	if (rc != PS_OK)
		return -1;
	f->cx.st = f->st;
	f->cx.policy = pol;
	f->cx.reg = &f->r;
	f->cx.audit = f->a;
	f->cx.actor = "cli:tester";
	ps_case_settings_default(&f->cx.set);
	f->cx.set.home_net = (char *)"10.0.0.0/8";
	return 0;
}

/* Store one alert. `intel_field` non-NULL makes it a threat-intel hit on
 * `indicator`; else an IDS alert with rule `sid` and `category`. */
static void alert(struct fx *f, int64_t ts, const char *src, const char *dst,
		  const char *intel_field, const char *indicator, int sid,
		  const char *category, int sev)
{
	char js[700];
	struct ps_event ev = {0};

	if (intel_field)
		snprintf(js, sizeof(js),
			 "{\"alert\":{\"signature_id\":%d,\"gid\":9000,\"signature\":"
			 "\"PANSHI INTEL %s\",\"category\":\"%s\",\"severity\":%d},"
			 "\"intel\":{\"indicator\":\"%s\",\"field\":\"%s\",\"category\":"
			 "\"%s\"}}", sid, indicator, category, sev, indicator,
			 intel_field, category);
	else
		snprintf(js, sizeof(js),
			 "{\"alert\":{\"signature_id\":%d,\"gid\":1,\"signature\":"
			 "\"rule %d\",\"category\":\"%s\",\"severity\":%d}}", sid, sid,
			 category, sev);
	ev.ts_us = ts;
	ev.sensor = "s1";
	ev.event_type = "alert";
	ev.severity = sev;
	ev.src_ip = src;
	ev.dest_ip = dst;
	ev.proto = "TCP";
	ev.json = js;
	OK(ps_store_event_batch_insert(f->st, &ev, 1));
}

static int64_t count(struct fx *f, const char *sql)
{
	struct ps_stmt *s;
	int64_t n;

	OK(ps_store_prepare(f->st, sql, &s));
	OK(ps_store_stmt_step(s));
	n = ps_store_stmt_column_int64(s, 0);
	ps_store_stmt_finalize(s);
	return n;
}

/* incident_counts (migration 7, kept by triggers) equals a grouping of
 * incidents, both ways. */
static void counts_agree(struct fx *f)
{
	assert_int_equal(count(f, "SELECT count(*) FROM incident_counts c WHERE n <> "
			      "(SELECT count(*) FROM incidents i WHERE coalesce(i.unit, '') = c.unit "
			      "AND i.state = c.state AND i.kind = c.kind AND i.level = c.level)"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM incidents i WHERE NOT EXISTS "
			      "(SELECT 1 FROM incident_counts c WHERE coalesce(i.unit, '') = c.unit "
			      "AND i.state = c.state AND i.kind = c.kind AND i.level = c.level)"), 0);
}

static int64_t case_count(struct fx *f, const struct ps_case_filter *flt)
{
	struct ps_diag d = {{0}};
	int64_t n = -1;

	OK(ps_case_count(&f->cx, flt, &n, &d));
	return n;
}

static int64_t find_id(struct fx *f, const char *group_key)
{
	struct ps_stmt *s;
	int64_t id = 0;

	OK(ps_store_prepare(f->st, "SELECT id FROM incidents WHERE group_key = ?", &s));
	OK(ps_store_stmt_bind_text(s, 1, group_key));
	if (ps_store_stmt_step(s) == PS_OK)
		id = ps_store_stmt_column_int64(s, 0);
	ps_store_stmt_finalize(s);
	assert_true(id > 0);
	return id;
}

static void correlate(struct fx *f, int64_t now, struct ps_case_correlate_stats *st)
{
	struct ps_diag d = {{0}};
	int rc = ps_case_correlate(&f->cx, now, st, &d);

	if (rc != PS_OK)
		print_error("correlate: %s\n", d.msg);
	OK(rc);
}

static void move(struct fx *f, int64_t id, enum ps_inc_state to, int64_t when,
		 const char *why)
{
	struct ps_inc_transition_req req = {.who = "cli:tester", .when = when, .why = why};
	struct ps_diag d = {{0}};
	int rc = ps_case_move(&f->cx, id, to, &req, &d);

	if (rc != PS_OK)
		print_error("move: %s\n", d.msg);
	OK(rc);
}

static enum ps_inc_state state_of(struct fx *f, int64_t id)
{
	struct ps_case c;
	struct ps_diag d = {{0}};
	enum ps_inc_state s;

	OK(ps_case_get(&f->cx, id, &c, &d));
	s = c.state;
	ps_case_release(&c);
	return s;
}

static void test_correlate_groups_and_routes(void **state)
{
	struct fx *f = *state;
	struct ps_case_correlate_stats st;
	struct ps_case c;
	struct ps_diag d = {{0}};
	int64_t id;

	/* three hits on one indicator from one host: one incident */
	for (int i = 0; i < 3; i++)
		alert(f, T0 + i * HOUR, "192.0.2.7", "198.51.100.9", "dest_ip",
		      "198.51.100.9", 11, "恶意IP地址", 2);
	/* the same indicator from another host: another incident */
	alert(f, T0 + 5 * HOUR, "192.0.2.5", "198.51.100.9", "dest_ip", "198.51.100.9",
	      11, "恶意IP地址", 1);
	/* a hit where the indicator is the source: our host is the destination */
	alert(f, T0 + 6 * HOUR, "198.51.100.66", "192.0.2.9", "src_ip", "198.51.100.66",
	      12, "扫描", 3);
	/* a rule hit on a home-net address no asset covers */
	alert(f, T0 + 7 * HOUR, "198.51.100.1", "10.9.9.9", NULL, NULL, 2001, "安全隐患", 2);
	/* a flood against one asset from two sources: one incident */
	alert(f, T0 + 8 * HOUR, "198.51.100.2", "192.0.2.5", NULL, NULL, 3001, "DDoS", 1);
	alert(f, T0 + 9 * HOUR, "198.51.100.3", "192.0.2.5", NULL, NULL, 3002, "DDoS", 2);
	/* an address of the operator's block that no asset covers */
	alert(f, T0 + 10 * HOUR, "203.0.113.50", "198.51.100.4", NULL, NULL, 2002,
	      "恶意程序", 2);
	/* not an alert: ignored */
	{
		struct ps_event ev = {.ts_us = T0, .event_type = "dns", .src_ip = "192.0.2.7"};

		OK(ps_store_event_batch_insert(f->st, &ev, 1));
	}

	correlate(f, T0 + DAY, &st);
	assert_int_equal(st.events, 9);
	assert_int_equal(st.opened, 6);
	assert_int_equal(st.updated, 3);
	assert_int_equal(st.unregistered, 2);
	assert_int_equal(count(f, "SELECT count(*) FROM incident_events"), 9);

	id = find_id(f, "intel|198.51.100.9|192.0.2.7");
	OK(ps_case_get(&f->cx, id, &c, &d));
	assert_int_equal(c.event_count, 3);
	assert_int_equal(c.first_seen, T0);
	assert_int_equal(c.last_seen, T0 + 2 * HOUR);
	assert_string_equal(c.asset, "A-NET");
	assert_string_equal(c.unit, "U-1");
	assert_string_equal(c.dept, "D-ASSET");
	assert_string_equal(c.person, "P-ASSET");
	assert_string_equal(c.operator_key, "OP-1");
	assert_string_equal(c.indicator, "198.51.100.9");
	assert_string_equal(c.category, "malicious_ip");
	assert_int_equal(c.state, PS_INC_NEW);
	assert_int_equal(c.rectify_severity, PS_INC_SEV_MEDIUM);
	ps_case_release(&c);

	/* a host asset without owners falls back to its unit's */
	id = find_id(f, "intel|198.51.100.9|192.0.2.5");
	OK(ps_case_get(&f->cx, id, &c, &d));
	assert_string_equal(c.asset, "A-HOST");
	assert_string_equal(c.dept, "D-UNIT");
	assert_string_equal(c.person, "P-UNIT");
	assert_int_equal(c.rectify_severity, PS_INC_SEV_HIGH);
	ps_case_release(&c);

	id = find_id(f, "intel|198.51.100.66|192.0.2.9");
	OK(ps_case_get(&f->cx, id, &c, &d));
	assert_string_equal(c.asset_ip, "192.0.2.9");
	assert_string_equal(c.peer_ip, "198.51.100.66");
	ps_case_release(&c);

	id = find_id(f, "flood|192.0.2.5");
	OK(ps_case_get(&f->cx, id, &c, &d));
	assert_int_equal(c.event_count, 2);
	assert_int_equal(c.severity, 1);
	assert_string_equal(c.kind, "flood");
	ps_case_release(&c);

	/* unrouted: the incident has no owner, an unregistered item opens */
	id = find_id(f, "ids|1:2001|10.9.9.9");
	OK(ps_case_get(&f->cx, id, &c, &d));
	assert_null(c.unit);
	assert_null(c.asset);
	ps_case_release(&c);
	id = find_id(f, "unregistered|10.9.9.9");
	OK(ps_case_get(&f->cx, id, &c, &d));
	assert_string_equal(c.kind, "unregistered_asset");
	assert_int_equal(c.event_count, 1);
	ps_case_release(&c);
	(void)find_id(f, "unregistered|203.0.113.50");
	/* only the address in filed space becomes an ipseen record */
	assert_int_equal(count(f, "SELECT count(*) FROM reg_ip_seen"), 1);
	assert_int_equal(count(f, "SELECT count(*) FROM reg_ip_seen WHERE "
				  "\"address\" = '203.0.113.50' AND \"source\" = 'flow'"), 1);

	/* the cursor moved: nothing new, nothing done */
	correlate(f, T0 + DAY, &st);
	assert_int_equal(st.events, 0);
	assert_int_equal(count(f, "SELECT count(*) FROM incidents"), 8);
}

static void test_recurrence(void **state)
{
	struct fx *f = *state;
	struct ps_case_correlate_stats st;
	struct ps_diag d = {{0}};
	struct ps_case c;
	int64_t id, hist;

	alert(f, T0, "192.0.2.7", "198.51.100.9", "dest_ip", "198.51.100.9", 11, "恶意IP地址", 2);
	correlate(f, T0 + HOUR, &st);
	id = find_id(f, "intel|198.51.100.9|192.0.2.7");
	OK(ps_case_assign(&f->cx, id, "P-ASSET", T0 + 2 * HOUR, NULL, &d));
	assert_int_equal(state_of(f, id), PS_INC_ASSIGNED);
	move(f, id, PS_INC_IN_PROGRESS, T0 + 3 * HOUR, NULL);
	move(f, id, PS_INC_RECTIFIED, T0 + 4 * HOUR, NULL);

	/* evidence from before the rectification does not count against it */
	alert(f, T0 + 4 * HOUR - 1, "192.0.2.7", "198.51.100.9", "dest_ip",
	      "198.51.100.9", 11, "恶意IP地址", 2);
	correlate(f, T0 + 5 * HOUR, &st);
	assert_int_equal(state_of(f, id), PS_INC_RECTIFIED);
	/* evidence after it fails the verification */
	alert(f, T0 + 4 * HOUR + 1, "192.0.2.7", "198.51.100.9", "dest_ip",
	      "198.51.100.9", 11, "恶意IP地址", 2);
	correlate(f, T0 + 5 * HOUR, &st);
	assert_int_equal(st.reopened, 1);
	assert_int_equal(state_of(f, id), PS_INC_IN_PROGRESS);

	move(f, id, PS_INC_RECTIFIED, T0 + 6 * HOUR, NULL);
	OK(ps_case_verify(&f->cx, id, "re-scan clean", T0 + 7 * HOUR, &d));
	move(f, id, PS_INC_CLOSED, T0 + 8 * HOUR, NULL);
	hist = count(f, "SELECT count(*) FROM incident_history");

	/* a closed incident recurs: the same incident reopens, history kept */
	alert(f, T0 + 9 * HOUR, "192.0.2.7", "198.51.100.9", "dest_ip", "198.51.100.9",
	      11, "恶意IP地址", 2);
	correlate(f, T0 + 10 * HOUR, &st);
	OK(ps_case_get(&f->cx, id, &c, &d));
	assert_int_equal(c.state, PS_INC_TRIAGED);
	assert_int_equal(c.reopen_count, 1);
	assert_int_equal(c.event_count, 4);
	assert_int_equal(c.handling_ended_at, 0);
	ps_case_release(&c);
	assert_int_equal(count(f, "SELECT count(*) FROM incidents"), 1);
	assert_int_equal(count(f, "SELECT count(*) FROM incident_history"), hist + 1);
	assert_int_equal(count(f, "SELECT count(*) FROM incident_history WHERE "
				  "action = 'reopen' AND from_state = 'closed'"), 1);
	counts_agree(f); /* moves and a reopen */
}

static void test_false_positive_stays(void **state)
{
	struct fx *f = *state;
	struct ps_case_correlate_stats st;
	int64_t id;

	alert(f, T0, "192.0.2.7", "198.51.100.9", "dest_ip", "198.51.100.9", 11, "x", 2);
	correlate(f, T0 + HOUR, &st);
	id = find_id(f, "intel|198.51.100.9|192.0.2.7");
	move(f, id, PS_INC_FALSE_POSITIVE, T0 + 2 * HOUR, "benign updater");
	alert(f, T0 + 3 * HOUR, "192.0.2.7", "198.51.100.9", "dest_ip", "198.51.100.9",
	      11, "x", 2);
	correlate(f, T0 + 4 * HOUR, &st);
	assert_int_equal(st.reopened, 0);
	assert_int_equal(state_of(f, id), PS_INC_FALSE_POSITIVE);
}

static void test_auto_verify_boundary(void **state)
{
	struct fx *f = *state;
	struct ps_case_correlate_stats st;
	struct ps_case_tick_stats ts;
	struct ps_diag d = {{0}};
	int64_t id, quiet = 7 * DAY, r = T0 + 4 * HOUR;

	alert(f, T0, "192.0.2.7", "198.51.100.9", "dest_ip", "198.51.100.9", 11, "x", 2);
	correlate(f, T0 + HOUR, &st);
	id = find_id(f, "intel|198.51.100.9|192.0.2.7");
	OK(ps_case_assign(&f->cx, id, "P-UNIT", T0 + 2 * HOUR, NULL, &d));
	move(f, id, PS_INC_IN_PROGRESS, T0 + 3 * HOUR, NULL);
	move(f, id, PS_INC_RECTIFIED, r, NULL);
	assert_int_equal(f->cx.set.auto_verify_quiet * SEC, quiet);

	OK(ps_case_tick(&f->cx, r + quiet - 1, &ts, &d));
	assert_int_equal(ts.auto_verified, 0);
	assert_int_equal(state_of(f, id), PS_INC_RECTIFIED);
	OK(ps_case_tick(&f->cx, r + quiet, &ts, &d));
	assert_int_equal(ts.auto_verified, 1);
	assert_int_equal(state_of(f, id), PS_INC_VERIFIED);
	assert_int_equal(count(f, "SELECT count(*) FROM incident_history WHERE "
				  "action = 'verify' AND actor = 'system'"), 1);
	/* the rectification clock was met when rectified */
	assert_int_equal(count(f, "SELECT count(*) FROM incident_clocks WHERE "
				  "kind = 'rectification' AND met_at IS NOT NULL"), 1);

	/* off: never automatic */
	move(f, id, PS_INC_TRIAGED, r + quiet + 1, "recheck");
	OK(ps_case_assign(&f->cx, id, "P-UNIT", r + quiet + 2, NULL, &d));
	move(f, id, PS_INC_IN_PROGRESS, r + quiet + 3, NULL);
	move(f, id, PS_INC_RECTIFIED, r + quiet + 4, NULL);
	f->cx.set.auto_verify_quiet = 0;
	OK(ps_case_tick(&f->cx, r + 100 * quiet, &ts, &d));
	assert_int_equal(ts.auto_verified, 0);
	assert_int_equal(state_of(f, id), PS_INC_RECTIFIED);
}

static void test_accepted_risk_expiry(void **state)
{
	struct fx *f = *state;
	struct ps_case_correlate_stats st;
	struct ps_case_tick_stats ts;
	struct ps_inc_transition_req req = {.who = "cli:tester", .when = T0 + 2 * HOUR,
					    .why = "compensating control"};
	struct ps_diag d = {{0}};
	struct ps_case c;
	int64_t id, exp = T0 + 30 * DAY;

	alert(f, T0, "192.0.2.7", "198.51.100.9", "dest_ip", "198.51.100.9", 11, "x", 2);
	correlate(f, T0 + HOUR, &st);
	id = find_id(f, "intel|198.51.100.9|192.0.2.7");
	move(f, id, PS_INC_TRIAGED, T0 + HOUR, NULL);
	/* without an expiry it is refused, and nothing changes */
	assert_int_equal(ps_case_move(&f->cx, id, PS_INC_ACCEPTED_RISK, &req, &d), PS_EINVAL);
	assert_non_null(strstr(d.msg, "expiry"));
	assert_int_equal(state_of(f, id), PS_INC_TRIAGED);
	req.has_expiry = true;
	req.expiry = exp;
	OK(ps_case_move(&f->cx, id, PS_INC_ACCEPTED_RISK, &req, &d));

	OK(ps_case_tick(&f->cx, exp - 1, &ts, &d));
	assert_int_equal(ts.risk_reopened, 0);
	assert_int_equal(state_of(f, id), PS_INC_ACCEPTED_RISK);
	OK(ps_case_tick(&f->cx, exp, &ts, &d));
	assert_int_equal(ts.risk_reopened, 1);
	OK(ps_case_get(&f->cx, id, &c, &d));
	assert_int_equal(c.state, PS_INC_TRIAGED);
	assert_int_equal(c.reopen_count, 1);
	assert_int_equal(c.risk_expiry, 0);
	ps_case_release(&c);
}

static void test_refused_changes_nothing(void **state)
{
	struct fx *f = *state;
	struct ps_case_correlate_stats st;
	struct ps_audit_report rep;
	struct ps_inc_transition_req req = {.who = "cli:tester", .when = T0 + 2 * HOUR};
	struct ps_diag d = {{0}};
	int64_t id, hist, audit;

	alert(f, T0, "192.0.2.7", "198.51.100.9", "dest_ip", "198.51.100.9", 11, "x", 2);
	correlate(f, T0 + HOUR, &st);
	id = find_id(f, "intel|198.51.100.9|192.0.2.7");
	hist = count(f, "SELECT count(*) FROM incident_history");
	audit = count(f, "SELECT count(*) FROM audit_log");
	assert_int_equal(ps_case_move(&f->cx, id, PS_INC_CLOSED, &req, &d), PS_EINVAL);
	assert_non_null(strstr(d.msg, "cannot move an incident from 'new' to 'closed'"));
	assert_int_equal(ps_case_move(&f->cx, id, PS_INC_FALSE_POSITIVE, &req, &d), PS_EINVAL);
	assert_non_null(strstr(d.msg, "why"));
	assert_int_equal(ps_case_verify(&f->cx, id, "x", T0 + 2 * HOUR, &d), PS_EINVAL);
	assert_int_equal(ps_case_assign(&f->cx, id, "P-NOBODY", T0 + 2 * HOUR, NULL, &d),
			 PS_ENOENT);
	assert_non_null(strstr(d.msg, "P-NOBODY"));
	assert_int_equal(ps_case_move(&f->cx, 999, PS_INC_TRIAGED, &req, &d), PS_ENOENT);
	assert_string_equal(d.msg, "no incident INC-000999");
	assert_int_equal(ps_case_set_facts(&f->cx, id, "{\"leaked_users\": -1}", T0, &d),
			 PS_EINVAL);
	assert_int_equal(ps_case_set_facts(&f->cx, id, "{\"colour\": 1}", T0, &d), PS_EINVAL);
	assert_non_null(strstr(d.msg, "colour"));
	assert_int_equal(state_of(f, id), PS_INC_NEW);
	assert_int_equal(count(f, "SELECT count(*) FROM incident_history"), hist);
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log"), audit);
	/* everything that was done is in an intact trail */
	OK(ps_audit_verify(f->a, &rep, &d));
	assert_true(rep.intact);
	assert_int_equal(rep.records, audit);
}

static void test_clocks_escalation(void **state)
{
	struct fx *f = *state;
	struct ps_case_correlate_stats st;
	struct ps_case_tick_stats ts;
	struct ps_case_clocks cs;
	struct ps_diag d = {{0}};
	struct ps_case c;
	const struct ps_case_clock *cac = NULL, *rect = NULL;
	int64_t id, opened = T0 + HOUR;

	alert(f, T0, "192.0.2.7", "198.51.100.9", "dest_ip", "198.51.100.9", 11, "x", 1);
	correlate(f, opened, &st);
	id = find_id(f, "intel|198.51.100.9|192.0.2.7");
	OK(ps_case_set_facts(&f->cx, id, "{\"leaked_users\": 1000000}", opened + 1, &d));
	counts_agree(f); /* the level changed */
	OK(ps_case_get(&f->cx, id, &c, &d));
	assert_int_equal(c.level, PS_INC_LEVEL_LARGER);
	OK(ps_case_clocks_get(&f->cx, &c, opened, &cs, &d));
	for (size_t i = 0; i < cs.n; i++) {
		if (cs.c[i].clock.kind == PS_INC_CLOCK_CAC_REPORT)
			cac = &cs.c[i];
		if (cs.c[i].clock.kind == PS_INC_CLOCK_RECTIFY)
			rect = &cs.c[i];
	}
	assert_non_null(cac);
	assert_non_null(rect);
	/* clocks run from the incident's opening: 4 h for an "other"
	 * reporter, 7 days to rectify a severity-1 (high) incident */
	assert_int_equal(cac->clock.deadline, opened + 4 * HOUR);
	assert_int_equal(rect->clock.deadline, opened + 7 * DAY);
	ps_case_release(&c);

	/* at 4 h only the MIIT clock (60 minutes, 一般 and above) is late:
	 * three hours late with a 60-minute step is step 3, the top of the
	 * four-role ladder (owner, unit head, security officer, regulator
	 * liaison) */
	OK(ps_case_tick(&f->cx, opened + 4 * HOUR, &ts, &d));
	assert_int_equal(ts.escalated, 1);
	assert_int_equal(count(f, "SELECT count(*) FROM incident_history WHERE "
				  "action = 'escalate' AND reason = '监管联络人'"), 1);
	assert_int_equal(count(f, "SELECT escalated_step FROM incident_clocks WHERE "
				  "kind = 'miit_report'"), 3);
	assert_int_equal(count(f, "SELECT escalated_step FROM incident_clocks WHERE "
				  "kind = 'cac_report'"), 0);
	/* one microsecond past its deadline the CAC clock goes one step up */
	OK(ps_case_tick(&f->cx, opened + 4 * HOUR + 1, &ts, &d));
	assert_int_equal(ts.escalated, 1);
	assert_int_equal(count(f, "SELECT escalated_step FROM incident_clocks WHERE "
				  "kind = 'cac_report'"), 1);
	/* the same step is not escalated twice, nor beyond the ladder */
	OK(ps_case_tick(&f->cx, opened + 4 * HOUR + 2, &ts, &d));
	assert_int_equal(ts.escalated, 0);
	OK(ps_case_tick(&f->cx, opened + 4 * HOUR + HOUR + 1, &ts, &d));
	assert_int_equal(ts.escalated, 1); /* cac: step 2 */
	assert_int_equal(count(f, "SELECT escalated_step FROM incident_clocks WHERE "
				  "kind = 'miit_report'"), 3);
	assert_int_equal(count(f, "SELECT escalation_step FROM incidents"), 3);
	OK(ps_case_get(&f->cx, id, &c, &d));
	OK(ps_case_clocks_get(&f->cx, &c, opened + 4 * HOUR + 1, &cs, &d));
	assert_true(cs.any_overdue);
	ps_case_release(&c);
	/* met late: no longer overdue */
	OK(ps_case_clock_meet(&f->cx, id, PS_INC_CLOCK_CAC_REPORT, opened + 5 * HOUR, &d));
	assert_int_equal(ps_case_clock_meet(&f->cx, id, PS_INC_CLOCK_CAC_REPORT,
					    opened + 6 * HOUR, &d), PS_EEXIST);
	assert_int_equal(ps_case_clock_meet(&f->cx, id, PS_INC_CLOCK_VULN_REPORT,
					    opened + 6 * HOUR, &d), PS_EINVAL);
	OK(ps_case_get(&f->cx, id, &c, &d));
	OK(ps_case_clocks_get(&f->cx, &c, opened + 5 * HOUR, &cs, &d));
	for (size_t i = 0; i < cs.n; i++)
		if (cs.c[i].clock.kind == PS_INC_CLOCK_CAC_REPORT)
			assert_int_equal(cs.c[i].status.state, PS_INC_CLOCK_MET_LATE);
	ps_case_release(&c);
}

static int count_cb(void *arg, const struct ps_case *c)
{
	(void)c;
	(*(int *)arg)++;
	return 0;
}

static void test_list_filters(void **state)
{
	struct fx *f = *state;
	struct ps_case_correlate_stats st;
	struct ps_case_filter flt = {0};
	struct ps_diag d = {{0}};
	int n = 0;
	int64_t opened = T0 + HOUR, id;

	alert(f, T0, "192.0.2.7", "198.51.100.9", "dest_ip", "198.51.100.9", 11, "x", 1);
	alert(f, T0, "192.0.2.8", "198.51.100.9", "dest_ip", "198.51.100.9", 11, "x", 3);
	alert(f, T0, "198.51.100.1", "10.9.9.9", NULL, NULL, 2001, "y", 2);
	correlate(f, opened, &st);
	OK(ps_case_list(&f->cx, NULL, count_cb, &n, &d));
	assert_int_equal(n, 4);
	n = 0;
	flt.unit = "U-1";
	OK(ps_case_list(&f->cx, &flt, count_cb, &n, &d));
	assert_int_equal(n, 2);
	/* overdue: the high one's 7-day rectification clock passes first */
	memset(&flt, 0, sizeof(flt));
	flt.overdue_only = true;
	flt.now = opened + 7 * DAY;
	n = 0;
	OK(ps_case_list(&f->cx, &flt, count_cb, &n, &d));
	assert_int_equal(n, 0);
	flt.now = opened + 7 * DAY + 1;
	OK(ps_case_list(&f->cx, &flt, count_cb, &n, &d));
	assert_int_equal(n, 1);
	/* open excludes closed-type states */
	id = find_id(f, "intel|198.51.100.9|192.0.2.8");
	move(f, id, PS_INC_FALSE_POSITIVE, opened + 1, "lab host");
	memset(&flt, 0, sizeof(flt));
	flt.state = "open";
	n = 0;
	OK(ps_case_list(&f->cx, &flt, count_cb, &n, &d));
	assert_int_equal(n, 3);
	assert_int_equal(case_count(f, &flt), 3);
	flt.limit = 2;
	n = 0;
	OK(ps_case_list(&f->cx, &flt, count_cb, &n, &d));
	assert_int_equal(n, 2);
	assert_int_equal(case_count(f, &flt), 3); /* paging does not change the total */
	counts_agree(f);
	/* totals from incident_counts equal the lists they describe */
	{
		static const char *const owned[] = {"U-1", NULL};
		static const char *const blank[] = {"U-1", ""};

		memset(&flt, 0, sizeof(flt));
		assert_int_equal(case_count(f, &flt), 4);
		flt.unit = "U-1";
		assert_int_equal(case_count(f, &flt), 2);
		flt.state = "false_positive";
		assert_int_equal(case_count(f, &flt), 1);
		flt.state = NULL;
		flt.kind = "ids";
		assert_int_equal(case_count(f, &flt), 0);
		/* "" is not how a filter names "no unit" */
		memset(&flt, 0, sizeof(flt));
		flt.unit = "";
		assert_int_equal(case_count(f, &flt), 0);
		flt.unit = NULL;
		flt.units = blank;
		flt.nunits = 2;
		assert_int_equal(case_count(f, &flt), 2);
		flt.units = owned;
		assert_int_equal(case_count(f, &flt), 2);
		flt.nunits = 0;
		flt.units_only = true;
		assert_int_equal(case_count(f, &flt), 0);
		/* a deleted incident leaves the counts */
		OK(ps_store_exec(f->st, "DELETE FROM incidents WHERE unit = 'U-1' AND state = 'false_positive'"));
		counts_agree(f);
		memset(&flt, 0, sizeof(flt));
		assert_int_equal(case_count(f, &flt), 3);
	}
}

static void test_reroute(void **state)
{
	static const char more[] =
		"panshi_registry: 1\n"
		"assets:\n"
		"  - {key: A-TEN, unit: U-1, kind: ip_range, name: 新网段, address: 10.9.9.0/24}\n";
	struct fx *f = *state;
	struct ps_case_correlate_stats st;
	struct ps_reg_bulk b;
	struct ps_reg_bulk_report rep;
	struct ps_diag d = {{0}};
	struct ps_case c;
	int64_t id;

	alert(f, T0, "198.51.100.1", "10.9.9.9", NULL, NULL, 2001, "y", 2);
	correlate(f, T0 + HOUR, &st);
	assert_int_equal(st.rerouted, 0);
	id = find_id(f, "ids|1:2001|10.9.9.9");
	OK(ps_reg_bulk_init(&b));
	OK(ps_reg_bulk_parse_yaml(&b, "more.yaml", more, strlen(more)));
	OK(ps_reg_bulk_apply(&f->r, &b, false, &rep));
	ps_reg_bulk_release(&b);
	correlate(f, T0 + 2 * HOUR, &st);
	assert_int_equal(st.rerouted, 1);
	assert_int_equal(st.events, 0);
	OK(ps_case_get(&f->cx, id, &c, &d));
	assert_string_equal(c.asset, "A-TEN");
	assert_string_equal(c.unit, "U-1");
	assert_string_equal(c.person, "P-UNIT");
	ps_case_release(&c);
	assert_int_equal(count(f, "SELECT count(*) FROM incident_history WHERE action = 'route'"), 1);
	counts_agree(f); /* the unit changed */
	/* done once */
	correlate(f, T0 + 3 * HOUR, &st);
	assert_int_equal(st.rerouted, 0);
}

static void test_ref(void **state)
{
	struct ps_diag d = {{0}};
	char buf[32];
	int64_t id;

	(void)state;
	ps_case_ref(42, buf, sizeof(buf));
	assert_string_equal(buf, "INC-000042");
	OK(ps_case_ref_parse("INC-000042", &id, &d));
	assert_int_equal(id, 42);
	OK(ps_case_ref_parse("inc-7", &id, &d));
	assert_int_equal(id, 7);
	OK(ps_case_ref_parse("9", &id, &d));
	assert_int_equal(id, 9);
	assert_int_equal(ps_case_ref_parse("INC-", &id, &d), PS_EINVAL);
	assert_int_equal(ps_case_ref_parse("INC-0", &id, &d), PS_EINVAL);
	assert_int_equal(ps_case_ref_parse("12x", &id, &d), PS_EINVAL);
	assert_int_equal(ps_case_ref_parse("-3", &id, &d), PS_EINVAL);
}

#define STORE_TEST(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ref),
		STORE_TEST(test_correlate_groups_and_routes),
		STORE_TEST(test_recurrence),
		STORE_TEST(test_false_positive_stays),
		STORE_TEST(test_auto_verify_boundary),
		STORE_TEST(test_accepted_risk_expiry),
		STORE_TEST(test_refused_changes_nothing),
		STORE_TEST(test_clocks_escalation),
		STORE_TEST(test_list_filters),
		STORE_TEST(test_reroute),
	};

	return reg_run(argc, argv, tests);
}
