/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared by the report tests: a fresh store per test on the backend of
 * argv[1] (reg_fixture.h), registry records, and incidents, evidence
 * events and clocks inserted with plain SQL so the reports are checked
 * against numbers the test chose. Include after the system headers,
 * cmocka.h and the project headers.
 */
#ifndef PS_TEST_REPORT_FIXTURE_H
#define PS_TEST_REPORT_FIXTURE_H

#define OK(x) assert_int_equal((x), PS_OK)

struct fx {
	struct ps_store *st;
	struct ps_store_settings set;
	struct ps_registry r;
	char spec[512];
	char schema[64];
	struct ps_case_ctx cx;
	struct ps_buf out;
};

#define REG_FX_NAME "report"
#define REG_FX_TODAY ((struct ps_date){2026, 11, 20})
#define REG_FX_SETUP(f) fx_setup(f)
#define REG_FX_TEARDOWN(f) ps_buf_release(&(f)->out)

static int fx_setup(struct fx *f);
#include "../registry/reg_fixture.h"

static int fx_setup(struct fx *f)
{
	f->cx.st = f->st;
	f->cx.policy = pol;
	f->cx.reg = &f->r;
	f->cx.actor = "test";
	ps_case_settings_default(&f->cx.set);
	ps_buf_init(&f->out, PS_MEM_TEST, PS_REPORT_MAX);
	return 0;
}

/* An instant from ISO 8601 text. */
static int64_t T(const char *iso)
{
	int64_t us = 0;

	assert_int_equal(ps_time_parse_iso8601(iso, strlen(iso), PS_TZ_UTC, &us), PS_OK);
	return us;
}

/* Insert a registry record of `kind` with "field=value" pairs (NULL-ended). */
static inline void reg_add(struct fx *f, const char *kind, const char *key, ...)
{
	struct ps_reg_record *rec = ps_reg_record_new(ps_reg_kind_find(kind));
	struct ps_diag d = {{0}};
	const char *kv;
	va_list ap;

	assert_non_null(rec);
	OK(ps_reg_record_set(rec, "key", key));
	va_start(ap, key);
	while ((kv = va_arg(ap, const char *)) != NULL) {
		char name[64];
		const char *eq = strchr(kv, '=');

		assert_non_null(eq);
		snprintf(name, sizeof(name), "%.*s", (int)(eq - kv), kv);
		OK(ps_reg_record_set(rec, name, eq + 1));
	}
	va_end(ap);
	if (ps_reg_insert(&f->r, rec, &d) != PS_OK)
		fail_msg("%s", d.msg);
	ps_reg_record_free(rec);
}

/* What an incident row holds; NULL strings are stored as NULL. */
struct inc_spec {
	const char *title, *category, *level, *state, *indicator, *asset_ip, *asset, *unit;
	int vuln;
	int64_t first_seen;
};

static inline int64_t inc_add(struct fx *f, const struct inc_spec *s)
{
	static int n;
	struct ps_stmt *st;
	char key[32];
	int64_t id;

	snprintf(key, sizeof(key), "test:%d", ++n);
	OK(ps_store_prepare(f->st, "INSERT INTO incidents (group_key, kind, title, category,"
			    " level, state, indicator, asset_ip, asset, unit, vuln, first_seen,"
			    " last_seen, event_count, state_since, created_at, updated_at)"
			    " VALUES (?, 'alert', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)"
			    " RETURNING id", &st));
	OK(ps_store_stmt_bind_text(st, 1, key));
	OK(ps_store_stmt_bind_text(st, 2, s->title ? s->title : "incident"));
	OK(ps_store_stmt_bind_text(st, 3, s->category));
	OK(ps_store_stmt_bind_text(st, 4, s->level ? s->level : "none"));
	OK(ps_store_stmt_bind_text(st, 5, s->state ? s->state : "new"));
	OK(ps_store_stmt_bind_text(st, 6, s->indicator));
	OK(ps_store_stmt_bind_text(st, 7, s->asset_ip));
	OK(ps_store_stmt_bind_text(st, 8, s->asset));
	OK(ps_store_stmt_bind_text(st, 9, s->unit));
	OK(ps_store_stmt_bind_int64(st, 10, s->vuln));
	for (int i = 11; i <= 15; i++)
		OK(ps_store_stmt_bind_int64(st, i, s->first_seen ? s->first_seen :
					    T("2026-01-01T00:00:00Z")));
	OK(ps_store_stmt_step(st));
	id = ps_store_stmt_column_int64(st, 0);
	ps_store_stmt_finalize(st);
	return id;
}

/* One stored alert event at `iso`, linked to incident `inc` as evidence. */
static inline int64_t ev_add(struct fx *f, int64_t inc, const char *iso, const char *category)
{
	struct ps_event ev = {0};
	struct ps_stmt *st;
	int64_t id, ts = T(iso);

	ev.ts_us = ts;
	ev.event_type = "alert";
	ev.severity = 2;
	ev.src_ip = "10.0.0.1";
	ev.src_port = 40000;
	ev.dest_ip = "198.51.100.7";
	ev.dest_port = 443;
	ev.proto = "TCP";
	ev.json = "{\"alert\": {\"signature\": \"ET TEST signature\"}}";
	OK(ps_store_event_batch_insert(f->st, &ev, 1));
	OK(ps_store_prepare(f->st, "SELECT max(id) FROM events", &st));
	OK(ps_store_stmt_step(st));
	id = ps_store_stmt_column_int64(st, 0);
	ps_store_stmt_finalize(st);
	OK(ps_store_prepare(f->st, "INSERT INTO incident_events (incident_id, event_id, ts,"
			    " category, severity) VALUES (?, ?, ?, ?, 2)", &st));
	OK(ps_store_stmt_bind_int64(st, 1, inc));
	OK(ps_store_stmt_bind_int64(st, 2, id));
	OK(ps_store_stmt_bind_int64(st, 3, ts));
	OK(ps_store_stmt_bind_text(st, 4, category));
	assert_int_equal(ps_store_stmt_step(st), PS_EOF);
	ps_store_stmt_finalize(st);
	OK(ps_store_prepare(f->st, "UPDATE incidents SET event_count = event_count + 1,"
			    " last_seen = CASE WHEN last_seen < ? THEN ? ELSE last_seen END"
			    " WHERE id = ?", &st));
	OK(ps_store_stmt_bind_int64(st, 1, ts));
	OK(ps_store_stmt_bind_int64(st, 2, ts));
	OK(ps_store_stmt_bind_int64(st, 3, inc));
	assert_int_equal(ps_store_stmt_step(st), PS_EOF);
	ps_store_stmt_finalize(st);
	return id;
}

/* A clock row; met 0 = not met. */
static inline void clock_add(struct fx *f, int64_t inc, const char *kind, int64_t deadline,
		      int64_t met)
{
	struct ps_stmt *st;

	OK(ps_store_prepare(f->st, "INSERT INTO incident_clocks (incident_id, kind, start_at,"
			    " deadline, met_at, policy_id, source) VALUES (?, ?, ?, ?, ?,"
			    " 'test.policy', 'test source')", &st));
	OK(ps_store_stmt_bind_int64(st, 1, inc));
	OK(ps_store_stmt_bind_text(st, 2, kind));
	OK(ps_store_stmt_bind_int64(st, 3, deadline - 3600000000LL));
	OK(ps_store_stmt_bind_int64(st, 4, deadline));
	if (met != 0)
		OK(ps_store_stmt_bind_int64(st, 5, met));
	else
		OK(ps_store_stmt_bind_null(st, 5));
	assert_int_equal(ps_store_stmt_step(st), PS_EOF);
	ps_store_stmt_finalize(st);
}

/* Whether the output holds the whole line `line`. */
static inline bool has_line(const struct fx *f, const char *line)
{
	const char *s = ps_buf_cstr(&f->out);
	size_t n = strlen(line);

	for (const char *p = strstr(s, line); p != NULL; p = strstr(p + 1, line))
		if ((p == s || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
			return true;
	return false;
}

static inline bool has(const struct fx *f, const char *text)
{
	return strstr(ps_buf_cstr(&f->out), text) != NULL;
}

#endif
