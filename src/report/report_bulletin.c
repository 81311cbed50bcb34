/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The monthly threat bulletin (月度威胁通报): counts of the evidence events
 * of a calendar month in Asia/Shanghai by category, level, unit and day,
 * the top indicators and assets, incidents by state and overdue clocks,
 * gathered with a few grouped queries and written as HTML, Markdown or CSV.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "core/timeutil.h"
#include "incident/case.h"
#include "incident/level.h"
#include "incident/state.h"
#include "registry/registry.h"
#include "report/report_int.h"
#include "store/store.h"

#define DAY_US 86400000000LL
#define TZ_US 28800000000LL
#define TOP_N 10

struct bl_overdue {
	int64_t id, deadline, late;
	char *kind, *title, *unit, *unit_name;
	bool vuln;
};

struct bulletin {
	int year, month;
	int64_t start, end, as_of, now;
	bool include_vuln;
	int64_t events, incidents, incidents_new, open, vuln_events;
	struct rp_counts category, level, unit, day, indicator, asset, state;
	struct bl_overdue *od;
	size_t n_od, cap_od;
};

typedef int (*row_fn)(struct bulletin *b, struct rw *w, struct ps_stmt *s);

struct q_ctx {
	struct ps_case_ctx *cx;
	struct bulletin *b;
	struct rw *w;
	struct ps_diag *d;
};

/* Run `sql` with ?1 = start and ?2 = end (or as_of twice), fn per row. */
static int query(struct q_ctx *q, const char *sql, int64_t a1, int64_t a2, row_fn fn)
{
	struct ps_stmt *s = NULL;
	int rc = ps_store_prepare(q->cx->st, sql, &s);

	if (rc == PS_OK)
		rc = ps_store_stmt_bind_int64(s, 1, a1);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_int64(s, 2, a2);
	while (rc == PS_OK && (rc = ps_store_stmt_step(s)) == PS_OK)
		rc = fn(q->b, q->w, s);
	if (rc == PS_EOF)
		rc = PS_OK;
	if (rc == PS_EDB)
		ps_diag_set(q->d, "cannot read incidents: %s", ps_store_errmsg(q->cx->st));
	ps_store_stmt_finalize(s);
	return rc;
}

static int row_totals(struct bulletin *b, struct rw *w, struct ps_stmt *s)
{
	(void)w;
	b->events = ps_store_stmt_column_int64(s, 0);
	b->incidents = ps_store_stmt_column_int64(s, 1);
	return PS_OK;
}

static int row_new(struct bulletin *b, struct rw *w, struct ps_stmt *s)
{
	(void)w;
	b->incidents_new = ps_store_stmt_column_int64(s, 0);
	return PS_OK;
}

static int row_vuln(struct bulletin *b, struct rw *w, struct ps_stmt *s)
{
	(void)w;
	b->vuln_events = ps_store_stmt_column_int64(s, 0);
	return PS_OK;
}

static int row_category(struct bulletin *b, struct rw *w, struct ps_stmt *s)
{
	const char *c = ps_store_stmt_column_text(s, 0);
	int64_t n = ps_store_stmt_column_int64(s, 1);

	if (c == NULL || c[0] == '\0')
		return rp_counts_bump(&b->category, "", rw_l(w, "未分类", "uncategorised"), n);
	return rp_counts_bump(&b->category, c, rp_category(w, c), n);
}

static int row_level(struct bulletin *b, struct rw *w, struct ps_stmt *s)
{
	const char *t = ps_store_stmt_column_text(s, 0);
	enum ps_inc_level l;

	if (t == NULL || ps_inc_level_parse(t, &l, NULL) != PS_OK)
		return rp_counts_bump(&b->level, t ? t : "", NULL, ps_store_stmt_column_int64(s, 1));
	return rp_counts_bump(&b->level, ps_inc_level_name(l),
			      rw_l(w, ps_inc_level_zh(l), ps_inc_level_name(l)),
			      ps_store_stmt_column_int64(s, 1));
}

static int row_unit(struct bulletin *b, struct rw *w, struct ps_stmt *s)
{
	const char *u = ps_store_stmt_column_text(s, 0);
	int64_t n = ps_store_stmt_column_int64(s, 1);

	(void)w;
	if (u == NULL || u[0] == '\0')
		return rp_counts_bump(&b->unit, "", NULL, n);
	return rp_counts_bump(&b->unit, u, NULL, n);
}

static int row_day(struct bulletin *b, struct rw *w, struct ps_stmt *s)
{
	int64_t day = ps_store_stmt_column_int64(s, 0);
	int64_t first = (b->start + TZ_US) / DAY_US;

	(void)w;
	if (day >= first && (size_t)(day - first) < b->day.n)
		b->day.v[day - first].n += ps_store_stmt_column_int64(s, 1);
	return PS_OK;
}

static int row_indicator(struct bulletin *b, struct rw *w, struct ps_stmt *s)
{
	const char *ind = ps_store_stmt_column_text(s, 0);
	bool vuln = ps_store_stmt_column_int64(s, 1) != 0;
	int64_t n = ps_store_stmt_column_int64(s, 2);

	if (ind == NULL || ind[0] == '\0')
		return PS_OK;
	if (vuln && !b->include_vuln)
		return rp_counts_bump(&b->indicator, "", rw_withheld(w), n);
	return rp_counts_bump(&b->indicator, ind, NULL, n);
}

static int row_asset(struct bulletin *b, struct rw *w, struct ps_stmt *s)
{
	const char *asset = ps_store_stmt_column_text(s, 0);
	const char *ip = ps_store_stmt_column_text(s, 1);
	bool vuln = ps_store_stmt_column_int64(s, 2) != 0;
	int64_t n = ps_store_stmt_column_int64(s, 3);

	if (asset != NULL && asset[0] != '\0')
		return rp_counts_bump(&b->asset, asset, NULL, n);
	if (ip == NULL || ip[0] == '\0')
		return PS_OK;
	if (vuln && !b->include_vuln)
		return rp_counts_bump(&b->asset, "", rw_withheld(w), n);
	return rp_counts_bump(&b->asset, ip, NULL, n);
}

static int row_state(struct bulletin *b, struct rw *w, struct ps_stmt *s)
{
	const char *t = ps_store_stmt_column_text(s, 0);
	int64_t n = ps_store_stmt_column_int64(s, 1);
	enum ps_inc_state st;

	(void)w;
	if (t == NULL || ps_inc_state_parse(t, &st, NULL) != PS_OK)
		return rp_counts_bump(&b->state, t ? t : "", NULL, n);
	if (st != PS_INC_CLOSED && st != PS_INC_VERIFIED && st != PS_INC_FALSE_POSITIVE)
		b->open += n;
	return rp_counts_bump(&b->state, ps_inc_state_name(st), NULL, n);
}

static const char *or_empty(const char *s)
{
	return s != NULL ? s : "";
}

static int row_overdue(struct bulletin *b, struct rw *w, struct ps_stmt *s)
{
	struct bl_overdue *o;

	(void)w;
	if (b->n_od == b->cap_od) {
		size_t cap = b->cap_od ? b->cap_od * 2 : 16;
		struct bl_overdue *v = ps_realloc(PS_MEM_REPORT, b->od, cap * sizeof(*v));

		if (v == NULL)
			return PS_ENOMEM;
		b->od = v;
		b->cap_od = cap;
	}
	o = &b->od[b->n_od];
	memset(o, 0, sizeof(*o));
	o->id = ps_store_stmt_column_int64(s, 0);
	o->deadline = ps_store_stmt_column_int64(s, 2);
	o->late = b->as_of - o->deadline;
	o->vuln = ps_store_stmt_column_int64(s, 5) != 0;
	o->kind = ps_strdup(PS_MEM_REPORT, or_empty(ps_store_stmt_column_text(s, 1)));
	o->unit = ps_store_stmt_column_is_null(s, 3) ? NULL :
		ps_strdup(PS_MEM_REPORT, ps_store_stmt_column_text(s, 3));
	o->title = ps_strdup(PS_MEM_REPORT, or_empty(ps_store_stmt_column_text(s, 4)));
	b->n_od++;
	if (o->kind == NULL || o->title == NULL ||
	    (o->unit == NULL && !ps_store_stmt_column_is_null(s, 3)))
		return PS_ENOMEM;
	return PS_OK;
}

#define EV_JOIN " FROM incident_events e JOIN incidents i ON i.id = e.incident_id" \
	" WHERE e.ts >= ? AND e.ts < ?"

static int gather_counts(struct q_ctx *q)
{
	static const struct {
		const char *sql;
		row_fn fn;
	} qs[] = {
		{"SELECT count(*), count(DISTINCT e.incident_id)" EV_JOIN, row_totals},
		{"SELECT count(*) FROM incidents WHERE first_seen >= ? AND first_seen < ?",
		 row_new},
		{"SELECT count(*)" EV_JOIN " AND i.vuln <> 0", row_vuln},
		{"SELECT e.category, count(*)" EV_JOIN " GROUP BY e.category", row_category},
		{"SELECT i.level, count(*)" EV_JOIN " GROUP BY i.level", row_level},
		{"SELECT i.unit, count(*)" EV_JOIN " GROUP BY i.unit", row_unit},
		{"SELECT (e.ts + 28800000000) / 86400000000, count(*)" EV_JOIN
		 " GROUP BY (e.ts + 28800000000) / 86400000000", row_day},
		/* an IDS incident has no intel indicator: its peer address is one */
		{"SELECT COALESCE(i.indicator, i.peer_ip), i.vuln, count(*)" EV_JOIN
		 " GROUP BY COALESCE(i.indicator, i.peer_ip), i.vuln", row_indicator},
		{"SELECT i.asset, i.asset_ip, i.vuln, count(*)" EV_JOIN
		 " GROUP BY i.asset, i.asset_ip, i.vuln", row_asset},
		{"SELECT state, count(*) FROM incidents WHERE id IN (SELECT incident_id"
		 " FROM incident_events WHERE ts >= ? AND ts < ?) GROUP BY state", row_state},
	};
	int rc = PS_OK;

	for (size_t i = 0; i < PS_ARRAY_LEN(qs) && rc == PS_OK; i++)
		rc = query(q, qs[i].sql, q->b->start, q->b->end, qs[i].fn);
	if (rc == PS_OK)
		rc = query(q, "SELECT c.incident_id, c.kind, c.deadline, i.unit, i.title, i.vuln"
			   " FROM incident_clocks c JOIN incidents i ON i.id = c.incident_id"
			   " WHERE (c.met_at IS NULL OR c.met_at > ?) AND c.deadline < ?"
			   " ORDER BY c.deadline, c.incident_id, c.kind",
			   q->b->as_of, q->b->as_of, row_overdue);
	return rc;
}

/* Every level and state (zeros included) and every day, in fixed order. */
static int preset_rows(struct bulletin *b, struct rw *w)
{
	int days = ps_date_month_days(b->year, b->month), rc = PS_OK;
	char key[48];

	for (int l = PS_INC_LEVEL__COUNT - 1; l >= 0 && rc == PS_OK; l--)
		rc = rp_counts_add(&b->level, ps_inc_level_name((enum ps_inc_level)l),
				   rw_l(w, ps_inc_level_zh((enum ps_inc_level)l),
					ps_inc_level_name((enum ps_inc_level)l)), 0);
	for (int st = 0; st < PS_INC_STATE__COUNT && rc == PS_OK; st++)
		rc = rp_counts_add(&b->state, ps_inc_state_name((enum ps_inc_state)st), NULL, 0);
	for (int d = 1; d <= days && rc == PS_OK; d++) {
		snprintf(key, sizeof(key), "%04d-%02d-%02d", b->year, b->month, d);
		rc = rp_counts_add(&b->day, key, key + 5, 0);
	}
	return rc;
}

/* Labels that need the registry or the language, once the counts are in. */
static int label_rows(struct ps_case_ctx *cx, struct bulletin *b, struct rw *w)
{
	for (size_t i = 0; i < b->state.n; i++) {
		enum ps_inc_state st;

		if (ps_inc_state_parse(b->state.v[i].key, &st, NULL) != PS_OK)
			continue;
		ps_free(b->state.v[i].label);
		b->state.v[i].label = ps_strdup(PS_MEM_REPORT, rw_l(w, ps_inc_state_zh(st),
								     ps_inc_state_name(st)));
		if (b->state.v[i].label == NULL)
			return PS_ENOMEM;
	}
	for (int pass = 0; pass < 2; pass++) {
		struct rp_counts *c = pass == 0 ? &b->unit : &b->asset;

		for (size_t i = 0; i < c->n; i++) {
			struct rp_count *e = &c->v[i];
			char *name = NULL, *lab;

			if (e->key[0] == '\0' && pass == 1)
				continue;
			if (e->key[0] != '\0')
				name = rp_reg_name(cx->reg, pass == 0 ? "unit" : "asset", e->key, NULL);
			if (e->key[0] == '\0')
				lab = ps_strdup(PS_MEM_REPORT, rw_l(w, "未登记资产", "unregistered assets"));
			else if (name != NULL)
				lab = rp_strfmt("%s %s", e->key, name);
			else
				lab = ps_strdup(PS_MEM_REPORT, e->key);
			ps_free(name);
			if (lab == NULL)
				return PS_ENOMEM;
			ps_free(e->label);
			e->label = lab;
		}
	}
	for (size_t i = 0; i < b->n_od; i++) {
		if (b->od[i].unit != NULL)
			b->od[i].unit_name = rp_reg_name(cx->reg, "unit", b->od[i].unit, NULL);
	}
	return PS_OK;
}

static void bulletin_release(struct bulletin *b)
{
	struct rp_counts *all[] = {&b->category, &b->level, &b->unit, &b->day,
				   &b->indicator, &b->asset, &b->state};

	for (size_t i = 0; i < PS_ARRAY_LEN(all); i++)
		rp_counts_release(all[i]);
	for (size_t i = 0; i < b->n_od; i++) {
		ps_free(b->od[i].kind);
		ps_free(b->od[i].title);
		ps_free(b->od[i].unit);
		ps_free(b->od[i].unit_name);
	}
	ps_free(b->od);
}

static int gather(struct ps_case_ctx *cx, struct bulletin *b, struct rw *w, struct ps_diag *d)
{
	struct q_ctx q = {cx, b, w, d};
	int rc = preset_rows(b, w);

	if (rc == PS_OK)
		rc = gather_counts(&q);
	if (rc == PS_OK)
		rc = label_rows(cx, b, w);
	if (rc == PS_OK) {
		rp_counts_sort(&b->category);
		rp_counts_sort(&b->unit);
		rp_counts_sort(&b->indicator);
		rp_counts_sort(&b->asset);
	}
	if (rc == PS_ENOMEM)
		ps_diag_set(d, "cannot build the bulletin: out of memory");
	return rc;
}

/* ---- output ---------------------------------------------------------------------- */

struct section {
	const char *id, *zh, *en;
	struct rp_counts *c;
	size_t max;
};

static void sections(struct bulletin *b, struct section out[7])
{
	struct section s[7] = {
		{"category", "按威胁类别", "By threat category", &b->category, 0},
		{"level", "按事件级别", "By national event level", &b->level, 0},
		{"unit", "按网络单元", "By network unit", &b->unit, 0},
		{"day", "按日", "By day", &b->day, 0},
		{"indicator", "威胁指标 Top 10", "Top 10 indicators", &b->indicator, TOP_N},
		{"asset", "受影响资产 Top 10", "Top 10 affected assets", &b->asset, TOP_N},
		{"state", "事件处置状态（本月有证据的事件）",
		 "Incidents by state (with evidence in the month)", &b->state, 0},
	};

	memcpy(out, s, sizeof(s));
}

struct total {
	const char *id, *zh, *en;
	int64_t n;
};

static size_t totals(const struct bulletin *b, struct total out[6])
{
	struct total t[6] = {
		{"events", "告警事件数", "alert events", b->events},
		{"incidents", "涉及事件（本月有证据）", "incidents with evidence in the month",
		 b->incidents},
		{"incidents_new", "本月新发现事件", "incidents first seen in the month",
		 b->incidents_new},
		{"open", "未闭环事件", "open incidents", b->open},
		{"overdue", "超期时限", "overdue clocks", (int64_t)b->n_od},
		{"vuln_events", "涉漏洞事件告警数", "events of incidents with vulnerability details",
		 b->vuln_events},
	};

	memcpy(out, t, sizeof(t));
	return PS_ARRAY_LEN(t);
}

static void write_csv(struct bulletin *b, struct rw *w)
{
	struct section s[7];
	struct total t[6];
	size_t nt = totals(b, t);

	rw_add(w, "section,key,label,count\n");
	for (size_t i = 0; i < nt; i++)
		rw_addf(w, "total,%s,%s,%lld\n", t[i].id, rw_l(w, t[i].zh, t[i].en),
			(long long)t[i].n);
	sections(b, s);
	for (size_t i = 0; i < PS_ARRAY_LEN(s); i++) {
		size_t n = s[i].max && s[i].c->n > s[i].max ? s[i].max : s[i].c->n;

		for (size_t j = 0; j < n; j++) {
			rw_addf(w, "%s,", s[i].id);
			rw_text(w, s[i].c->v[j].key);
			rw_add(w, ",");
			rw_text(w, s[i].c->v[j].label);
			rw_addf(w, ",%lld\n", (long long)s[i].c->v[j].n);
		}
	}
	for (size_t i = 0; i < b->n_od; i++) {
		char ref[32], key[160];

		ps_case_ref(b->od[i].id, ref, sizeof(ref));
		snprintf(key, sizeof(key), "%s/%s", ref, b->od[i].kind);
		rw_add(w, "overdue,");
		rw_text(w, key);
		rw_add(w, ",");
		rw_text(w, rp_clock_label(w, b->od[i].kind));
		rw_addf(w, ",%lld\n", (long long)(b->od[i].late / 60000000));
	}
}

/* A section as a table (HTML or Markdown): label, count, share. */
static void write_table(struct rw *w, const struct section *s, int64_t total)
{
	size_t n = s->max && s->c->n > s->max ? s->max : s->c->n;
	bool html = w->fmt == PS_REPORT_HTML;
	const char *h_item = rw_l(w, "项目", "item"), *h_n = rw_l(w, "告警数", "events");

	if (strcmp(s->id, "state") == 0)
		h_n = rw_l(w, "事件数", "incidents");
	if (html)
		rw_addf(w, "<h2>%s</h2>\n<table id=\"t-%s\">\n<tr><th>%s</th><th>%s</th>"
			"<th>%s</th></tr>\n", rw_l(w, s->zh, s->en), s->id, h_item, h_n,
			rw_l(w, "占比", "share"));
	else
		rw_addf(w, "\n## %s\n\n| %s | %s | %s |\n|---|---:|---:|\n",
			rw_l(w, s->zh, s->en), h_item, h_n, rw_l(w, "占比", "share"));
	if (n == 0)
		rw_addf(w, html ? "<tr><td colspan=\"3\">%s</td></tr>\n" : "| %s | | |\n",
			rw_l(w, "无", "none"));
	for (size_t i = 0; i < n; i++) {
		const struct rp_count *e = &s->c->v[i];
		double pct = total > 0 ? 100.0 * (double)e->n / (double)total : 0.0;

		rw_add(w, html ? "<tr><td>" : "| ");
		rw_text(w, e->label);
		rw_addf(w, html ? "</td><td class=\"n\">%lld</td><td class=\"n\">%.1f%%</td></tr>\n"
			: " | %lld | %.1f%% |\n", (long long)e->n, pct);
	}
	if (html)
		rw_add(w, "</table>\n");
}

static void write_overdue(struct bulletin *b, struct rw *w)
{
	bool html = w->fmt == PS_REPORT_HTML;
	const char *cols[] = {rw_l(w, "事件编号", "incident"), rw_l(w, "标题", "title"),
			      rw_l(w, "时限", "clock"), rw_l(w, "截止时间", "deadline"),
			      rw_l(w, "网络单元", "unit"), rw_l(w, "超期", "late by")};

	if (html) {
		rw_addf(w, "<h2>%s</h2>\n<table id=\"t-overdue\">\n<tr>",
			rw_l(w, "超期事项", "Overdue items"));
		for (size_t i = 0; i < PS_ARRAY_LEN(cols); i++)
			rw_addf(w, "<th>%s</th>", cols[i]);
		rw_add(w, "</tr>\n");
	} else {
		rw_addf(w, "\n## %s\n\n|", rw_l(w, "超期事项", "Overdue items"));
		for (size_t i = 0; i < PS_ARRAY_LEN(cols); i++)
			rw_addf(w, " %s |", cols[i]);
		rw_add(w, "\n|---|---|---|---|---|---|\n");
	}
	if (b->n_od == 0)
		rw_addf(w, html ? "<tr><td colspan=\"6\">%s</td></tr>\n" : "| %s | | | | | |\n",
			rw_l(w, "无", "none"));
	for (size_t i = 0; i < b->n_od; i++) {
		const struct bl_overdue *o = &b->od[i];
		const char *sep = html ? "</td><td>" : " | ";
		char ref[32], due[32], late[64];

		ps_case_ref(o->id, ref, sizeof(ref));
		rp_time(o->deadline, due, sizeof(due));
		rp_duration(w, o->late, late, sizeof(late));
		rw_addf(w, "%s%s%s", html ? "<tr><td>" : "| ", ref, sep);
		rw_text(w, o->vuln && !b->include_vuln ? rw_withheld(w) : o->title);
		rw_add(w, sep);
		rw_text(w, rp_clock_label(w, o->kind));
		rw_addf(w, "%s%s%s", sep, due, sep);
		rw_text(w, o->unit != NULL ? o->unit : rw_l(w, "未登记资产", "unregistered"));
		if (o->unit_name != NULL) {
			rw_add(w, " ");
			rw_text(w, o->unit_name);
		}
		rw_addf(w, html ? "</td><td class=\"late\">%s</td></tr>\n" : " | %s |\n", late);
	}
	if (html)
		rw_add(w, "</table>\n");
}

static void write_head(struct bulletin *b, struct rw *w)
{
	struct total t[6];
	size_t nt = totals(b, t);
	char title[128], from[32], to[32], gen[32], asof[32];
	bool html = w->fmt == PS_REPORT_HTML;

	snprintf(title, sizeof(title), w->en ? "Monthly threat bulletin %04d-%02d" :
		 "%04d年%02d月 月度威胁通报", b->year, b->month);
	rp_date(b->start, from, sizeof(from));
	rp_date(b->end - 1, to, sizeof(to));
	rp_time(b->now, gen, sizeof(gen));
	rp_time(b->as_of, asof, sizeof(asof));
	if (html) {
		rw_html_head(w, title);
		rw_addf(w, "<h1>%s</h1>\n<p class=\"meta\">", title);
	} else {
		rw_addf(w, "# %s\n\n", title);
	}
	rw_addf(w, w->en ? "Period: %s to %s inclusive (Asia/Shanghai). Generated %s; clocks as of %s. "
		"Counts are evidence events (alerts) unless stated." :
		"统计周期：%s 至 %s（北京时间）。生成时间 %s；时限截至 %s。除注明外均按告警事件计数。",
		from, to, gen, asof);
	if (b->vuln_events > 0 && !b->include_vuln)
		rw_add(w, rw_l(w, "涉及漏洞的事件仅计数，漏洞细节已隐去。",
			       " Vulnerability details are withheld and only counted."));
	rw_add(w, html ? "</p>\n<h2>" : "\n\n## ");
	rw_add(w, rw_l(w, "总体情况", "Totals"));
	rw_add(w, html ? "</h2>\n<table class=\"totals\" id=\"t-total\">\n" :
	       "\n\n| | |\n|---|---:|\n");
	for (size_t i = 0; i < nt; i++)
		rw_addf(w, html ? "<tr><td>%s</td><td class=\"n\">%lld</td></tr>\n" :
			"| %s | %lld |\n", rw_l(w, t[i].zh, t[i].en), (long long)t[i].n);
	if (html)
		rw_add(w, "</table>\n");
}

static void write_doc(struct bulletin *b, struct rw *w)
{
	struct section s[7];

	sections(b, s);
	write_head(b, w);
	if (w->fmt == PS_REPORT_HTML) {
		rw_addf(w, "<h2>%s</h2>\n<div class=\"charts\">\n", rw_l(w, "图表", "Charts"));
		rp_svg_hbar(w, rw_l(w, s[0].zh, s[0].en), s[0].c, TOP_N);
		rp_svg_hbar(w, rw_l(w, s[1].zh, s[1].en), s[1].c, 0);
		rp_svg_hbar(w, rw_l(w, s[2].zh, s[2].en), s[2].c, TOP_N);
		rp_svg_vbar(w, rw_l(w, s[3].zh, s[3].en), s[3].c);
		rw_add(w, "</div>\n");
	}
	for (size_t i = 0; i < PS_ARRAY_LEN(s); i++)
		write_table(w, &s[i], s[i].id[0] == 's' ? b->incidents : b->events);
	write_overdue(b, w);
	if (w->fmt == PS_REPORT_HTML)
		rw_html_tail(w);
}

int ps_report_bulletin(struct ps_case_ctx *cx, int year, int month,
		       const struct ps_report_opts *o, struct ps_buf *out, struct ps_diag *d)
{
	struct bulletin b = {0};
	struct rw w;
	int rc;

	if (o->format == PS_REPORT_JSON) {
		ps_diag_set(d, "the bulletin is written as html, md or csv, not json");
		return PS_EINVAL;
	}
	if (ps_report_month_range(year, month, &b.start, &b.end) != PS_OK) {
		ps_diag_set(d, "%04d-%02d is not a month", year, month);
		return PS_EINVAL;
	}
	rw_init(&w, out, o);
	b.year = year;
	b.month = month;
	b.include_vuln = o->include_vuln;
	b.now = o->now != 0 ? o->now : ps_time_now_us();
	b.as_of = b.now < b.end ? b.now : b.end;
	rc = gather(cx, &b, &w, d);
	if (rc == PS_OK) {
		if (o->format == PS_REPORT_CSV)
			write_csv(&b, &w);
		else
			write_doc(&b, &w);
		rc = w.rc;
		if (rc != PS_OK)
			ps_diag_set(d, "cannot write the bulletin: %s", ps_strerror(rc));
	}
	bulletin_release(&b);
	return rc;
}
