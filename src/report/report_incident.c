/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The report of one incident for the regulator: facts and national level
 * with the rule that set it, owner routing, timeline, legal clocks,
 * measures taken and a summary of the evidence events, gathered from the
 * case API and the events table and written as HTML, Markdown or JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "core/core.h"
#include "core/timeutil.h"
#include "incident/case.h"
#include "incident/case_json.h"
#include "registry/registry.h"
#include "report/report_int.h"
#include "store/store.h"

#define EVIDENCE_MAX 20

struct hist_row {
	int64_t ts;
	char *actor, *action, *from, *to, *reason;
};

struct ev_row {
	int64_t id, ts;
	char *src, *dst, *proto, *sig;
	int sport, dport;
};

struct inc_report {
	struct ps_case c;
	bool hide;                      /* withhold vulnerability details */
	int64_t now;
	struct ps_inc_level_result lv;
	bool lv_ok;
	char *asset_name, *unit_name, *operator_name, *dept_name, *person_name;
	struct ps_case_clocks clocks;
	struct hist_row *hist;
	size_t n_hist, cap_hist;
	struct ev_row ev[EVIDENCE_MAX];
	size_t n_ev;
	struct ps_store *st;
};

/* ---- facts and level ------------------------------------------------------------- */

/* Reclassify from the stored facts so the report names the rule; the
 * stored level is shown when the facts do not parse. */
static void reclassify(struct ps_case_ctx *cx, struct inc_report *r)
{
	r->lv_ok = ps_case_facts_check(cx->policy, r->c.facts != NULL ? r->c.facts : "{}",
				       &r->lv, NULL) == PS_OK &&
		   r->lv.level == r->c.level;
}

/* ---- gathering -------------------------------------------------------------------- */

static char *dup_or_null(const char *s)
{
	return s != NULL ? ps_strdup(PS_MEM_REPORT, s) : NULL;
}

static int hist_row(void *arg, const struct ps_case_history *h)
{
	struct inc_report *r = arg;
	struct hist_row *e;

	if (r->n_hist == r->cap_hist) {
		size_t cap = r->cap_hist ? r->cap_hist * 2 : 16;
		struct hist_row *v = ps_realloc(PS_MEM_REPORT, r->hist, cap * sizeof(*v));

		if (v == NULL)
			return PS_ENOMEM;
		r->hist = v;
		r->cap_hist = cap;
	}
	e = &r->hist[r->n_hist++];
	memset(e, 0, sizeof(*e));
	e->ts = h->ts;
	e->actor = dup_or_null(h->actor);
	e->action = dup_or_null(h->action);
	e->from = dup_or_null(h->from_state);
	e->to = dup_or_null(h->to_state);
	e->reason = dup_or_null(h->reason);
	return PS_OK;
}

/* alert.signature of an EVE record or of its details. */
static char *signature(const char *json)
{
	json_t *j = json != NULL ? json_loads(json, 0, NULL) : NULL;
	const char *s = json_string_value(json_object_get(json_object_get(j, "alert"),
							  "signature"));
	char *out = dup_or_null(s);

	json_decref(j);
	return out;
}

static int ev_row(void *arg, int64_t event_id, int64_t ts)
{
	struct inc_report *r = arg;
	struct ev_row *e;
	struct ps_stmt *s = NULL;
	int rc;

	if (r->n_ev >= EVIDENCE_MAX)
		return PS_OK;
	e = &r->ev[r->n_ev++];
	e->id = event_id;
	e->ts = ts;
	rc = ps_store_prepare(r->st, "SELECT ts, src_ip, src_port, dest_ip, dest_port, proto,"
			      " details FROM events WHERE id = ?", &s);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_int64(s, 1, event_id);
	if (rc == PS_OK && (rc = ps_store_stmt_step(s)) == PS_OK) {
		e->ts = ps_store_stmt_column_int64(s, 0);
		e->src = dup_or_null(ps_store_stmt_column_text(s, 1));
		e->sport = (int)ps_store_stmt_column_int64(s, 2);
		e->dst = dup_or_null(ps_store_stmt_column_text(s, 3));
		e->dport = (int)ps_store_stmt_column_int64(s, 4);
		e->proto = dup_or_null(ps_store_stmt_column_text(s, 5));
		e->sig = signature(ps_store_stmt_column_text(s, 6));
	}
	if (rc == PS_EOF)
		rc = PS_OK; /* purged by retention: only the time is known */
	ps_store_stmt_finalize(s);
	return rc;
}

static void names(struct ps_case_ctx *cx, struct inc_report *r)
{
	r->asset_name = rp_reg_name(cx->reg, "asset", r->c.asset, NULL);
	r->unit_name = rp_reg_name(cx->reg, "unit", r->c.unit, NULL);
	r->operator_name = rp_reg_name(cx->reg, "operator", r->c.operator_key, NULL);
	r->dept_name = rp_reg_name(cx->reg, "dept", r->c.dept, NULL);
	r->person_name = rp_reg_name(cx->reg, "person", r->c.person, NULL);
}

static int gather(struct ps_case_ctx *cx, int64_t id, struct inc_report *r,
		  struct ps_diag *d)
{
	int rc = ps_case_get(cx, id, &r->c, d);

	if (rc != PS_OK)
		return rc;
	reclassify(cx, r);
	names(cx, r);
	rc = ps_case_clocks_get(cx, &r->c, r->now, &r->clocks, d);
	if (rc == PS_OK)
		rc = ps_case_history_list(cx, id, hist_row, r, d);
	if (rc == PS_OK)
		rc = ps_case_events_list(cx, id, EVIDENCE_MAX, ev_row, r, d);
	if (rc == PS_EDB && d != NULL && d->msg[0] == '\0')
		ps_diag_set(d, "cannot read the evidence: %s", ps_store_errmsg(cx->st));
	return rc;
}

static void inc_report_release(struct inc_report *r)
{
	ps_case_release(&r->c);
	ps_free(r->asset_name);
	ps_free(r->unit_name);
	ps_free(r->operator_name);
	ps_free(r->dept_name);
	ps_free(r->person_name);
	for (size_t i = 0; i < r->n_hist; i++) {
		ps_free(r->hist[i].actor);
		ps_free(r->hist[i].action);
		ps_free(r->hist[i].from);
		ps_free(r->hist[i].to);
		ps_free(r->hist[i].reason);
	}
	ps_free(r->hist);
	for (size_t i = 0; i < r->n_ev; i++) {
		ps_free(r->ev[i].src);
		ps_free(r->ev[i].dst);
		ps_free(r->ev[i].proto);
		ps_free(r->ev[i].sig);
	}
}

/* ---- shared texts ------------------------------------------------------------------ */

static const char *state_label(const struct rw *w, const char *name)
{
	enum ps_inc_state s;

	if (name == NULL || ps_inc_state_parse(name, &s, NULL) != PS_OK)
		return name;
	return rw_l(w, ps_inc_state_zh(s), ps_inc_state_name(s));
}

static const char *clock_state_label(const struct rw *w, enum ps_inc_clock_state s)
{
	static const char *const zh[] = {"未到期", "按时完成", "逾期完成", "已超期"};

	if ((unsigned)s >= PS_ARRAY_LEN(zh))
		return "";
	return w->en ? ps_inc_clock_state_name(s) : zh[s];
}

static void level_text(const struct rw *w, const struct inc_report *r, char *out, size_t n)
{
	const char *lz = rw_l(w, ps_inc_level_zh(r->c.level), ps_inc_level_name(r->c.level));

	if (r->lv_ok && r->lv.level != PS_INC_LEVEL_NONE)
		snprintf(out, n, "%s (%s; %s)", lz, r->lv.rule, r->lv.source ? r->lv.source : "");
	else if (r->lv_ok)
		snprintf(out, n, "%s (%s)", lz, r->lv.rule);
	else
		snprintf(out, n, "%s", lz);
}

/* ---- HTML and Markdown -------------------------------------------------------------- */

/* A table: html/markdown head with `n` column labels. */
static void table_open(struct rw *w, const char *id, const char *const *cols, size_t n)
{
	bool html = w->fmt == PS_REPORT_HTML;

	rw_addf(w, html ? "<table id=\"%s\">\n<tr>" : "\n|", id);
	for (size_t i = 0; i < n; i++)
		rw_addf(w, html ? "<th>%s</th>" : " %s |", cols[i]);
	rw_add(w, html ? "</tr>\n" : "\n|");
	for (size_t i = 0; !html && i < n; i++)
		rw_add(w, "---|");
	rw_add(w, html ? "" : "\n");
}

/* Cells: each is escaped text; NULL shows "—". */
static void table_row(struct rw *w, const char *const *cells, size_t n)
{
	bool html = w->fmt == PS_REPORT_HTML;

	rw_add(w, html ? "<tr>" : "|");
	for (size_t i = 0; i < n; i++) {
		rw_add(w, html ? "<td>" : " ");
		rw_text(w, cells[i] != NULL && cells[i][0] != '\0' ? cells[i] : "—");
		rw_add(w, html ? "</td>" : " |");
	}
	rw_add(w, "\n");
	if (html)
		rw_add(w, "</tr>\n");
}

static void table_close(struct rw *w)
{
	if (w->fmt == PS_REPORT_HTML)
		rw_add(w, "</table>\n");
}

static void heading(struct rw *w, const char *zh, const char *en)
{
	rw_addf(w, w->fmt == PS_REPORT_HTML ? "<h2>%s</h2>\n" : "\n## %s\n", rw_l(w, zh, en));
}

static void write_facts(struct rw *w, const struct inc_report *r)
{
	const struct ps_case *c = &r->c;
	const char *cols[] = {rw_l(w, "项目", "item"), rw_l(w, "内容", "value")};
	char first[32], last[32], lvl[400], sev[16], cnt[32];
	const char *withheld = rw_withheld(w);

	rp_time(c->first_seen, first, sizeof(first));
	rp_time(c->last_seen, last, sizeof(last));
	level_text(w, r, lvl, sizeof(lvl));
	snprintf(sev, sizeof(sev), "%d", c->severity);
	snprintf(cnt, sizeof(cnt), "%lld", (long long)c->event_count);
	{
		const char *rows[][2] = {
			{rw_l(w, "事件标题", "title"), r->hide ? withheld : c->title},
			{rw_l(w, "事件类型", "kind"), c->kind},
			{rw_l(w, "威胁类别", "category"), rp_category(w, c->category)},
			{rw_l(w, "告警严重度", "severity"), sev},
			{rw_l(w, "事件级别", "national level"), lvl},
			{rw_l(w, "处置状态", "state"), state_label(w, ps_inc_state_name(c->state))},
			{rw_l(w, "首次发现", "first seen"), first},
			{rw_l(w, "最近发现", "last seen"), last},
			{rw_l(w, "证据事件数", "evidence events"), cnt},
			{rw_l(w, "威胁指标", "indicator"), r->hide ? withheld : c->indicator},
			{rw_l(w, "受影响地址", "affected address"), r->hide ? withheld : c->asset_ip},
			{rw_l(w, "对端地址", "peer address"), r->hide ? withheld : c->peer_ip},
			{rw_l(w, "报告主体类别", "reporter class"), ps_inc_reporter_name(c->reporter)},
			{rw_l(w, "整改严重程度", "rectification severity"),
			 ps_inc_severity_name(c->rectify_severity)},
			{rw_l(w, "事实要素", "facts"), c->facts},
		};

		heading(w, "一、事件基本情况", "1. Facts");
		table_open(w, "t-facts", cols, 2);
		for (size_t i = 0; i < PS_ARRAY_LEN(rows); i++)
			table_row(w, rows[i], 2);
		table_close(w);
	}
}

static void write_owner(struct rw *w, const struct inc_report *r)
{
	const struct ps_case *c = &r->c;
	const char *cols[] = {rw_l(w, "项目", "item"), rw_l(w, "编号", "key"),
			      rw_l(w, "名称", "name")};
	const char *rows[][3] = {
		{rw_l(w, "资产", "asset"), c->asset, r->asset_name},
		{rw_l(w, "网络单元", "unit"), c->unit, r->unit_name},
		{rw_l(w, "运营者", "operator"), c->operator_key, r->operator_name},
		{rw_l(w, "责任部门", "department"), c->dept, r->dept_name},
		{rw_l(w, "责任人", "person"), c->person, r->person_name},
		{rw_l(w, "处置人", "assignee"), c->assignee, NULL},
	};

	heading(w, "二、责任归属", "2. Owner routing");
	table_open(w, "t-owner", cols, 3);
	for (size_t i = 0; i < PS_ARRAY_LEN(rows); i++)
		table_row(w, rows[i], 3);
	if (c->unit == NULL) {
		const char *u[] = {rw_l(w, "说明", "note"), "",
				   rw_l(w, "地址未匹配登记资产（未登记资产）",
					"the address matches no registered asset")};
		table_row(w, u, 3);
	}
	table_close(w);
}

static void write_clocks(struct rw *w, const struct inc_report *r)
{
	const char *cols[] = {rw_l(w, "时限", "clock"), rw_l(w, "起算", "start"),
			      rw_l(w, "截止", "deadline"), rw_l(w, "状态", "status"),
			      rw_l(w, "完成时间", "met at"), rw_l(w, "当前责任角色", "held by"),
			      rw_l(w, "依据", "policy"), rw_l(w, "来源", "source")};

	heading(w, "三、报告与整改时限", "3. Legal clocks");
	table_open(w, "t-clocks", cols, PS_ARRAY_LEN(cols));
	for (size_t i = 0; i < r->clocks.n; i++) {
		const struct ps_case_clock *k = &r->clocks.c[i];
		char start[32], due[32], met[32], st[96], late[48];
		const char *row[8];

		rp_time(k->clock.start, start, sizeof(start));
		rp_time(k->clock.deadline, due, sizeof(due));
		rp_time(k->met ? k->met_at : 0, met, sizeof(met));
		late[0] = '\0';
		if (k->status.late_us > 0)
			rp_duration(w, k->status.late_us, late, sizeof(late));
		snprintf(st, sizeof(st), "%s%s%s%s", clock_state_label(w, k->status.state),
			 late[0] ? " (" : "", late, late[0] ? ")" : "");
		row[0] = rw_l(w, k->clock.zh, k->clock.name);
		row[1] = start;
		row[2] = due;
		row[3] = st;
		row[4] = met;
		row[5] = rw_l(w, k->status.role_title, k->status.role);
		row[6] = k->clock.policy_id;
		row[7] = k->clock.source;
		table_row(w, row, PS_ARRAY_LEN(row));
	}
	if (r->clocks.n == 0) {
		const char *row[8] = {rw_l(w, "无适用时限", "no clock applies")};

		table_row(w, row, PS_ARRAY_LEN(row));
	}
	table_close(w);
}

/* Measures: notes, and moves of the state machine after opening. */
static bool is_measure(const struct hist_row *h)
{
	if (h->action != NULL && strcmp(h->action, "note") == 0)
		return true;
	return h->to != NULL && (h->action == NULL || strcmp(h->action, "open") != 0);
}

static void write_history(struct rw *w, const struct inc_report *r, bool measures)
{
	const char *cols[] = {rw_l(w, "时间", "time"), rw_l(w, "操作人", "actor"),
			      rw_l(w, "操作", "action"), rw_l(w, "状态变化", "state change"),
			      rw_l(w, "说明", "reason / note")};
	size_t shown = 0;

	if (measures)
		heading(w, "五、已采取的处置措施", "5. Measures taken");
	else
		heading(w, "四、处置经过", "4. Timeline");
	table_open(w, measures ? "t-measures" : "t-timeline", cols, PS_ARRAY_LEN(cols));
	for (size_t i = 0; i < r->n_hist; i++) {
		const struct hist_row *h = &r->hist[i];
		char when[32], change[128];
		const char *row[5];

		if (measures && !is_measure(h))
			continue;
		rp_time(h->ts, when, sizeof(when));
		change[0] = '\0';
		if (h->to != NULL && h->from != NULL)
			snprintf(change, sizeof(change), "%s → %s", state_label(w, h->from),
				 state_label(w, h->to));
		else if (h->to != NULL)
			snprintf(change, sizeof(change), "→ %s", state_label(w, h->to));
		row[0] = when;
		row[1] = h->actor;
		row[2] = h->action;
		row[3] = change;
		row[4] = h->reason;
		table_row(w, row, PS_ARRAY_LEN(row));
		shown++;
	}
	if (shown == 0) {
		const char *row[5] = {rw_l(w, "无记录", "none recorded")};

		table_row(w, row, PS_ARRAY_LEN(row));
	}
	table_close(w);
}

static void addr(char *out, size_t n, const char *ip, int port)
{
	if (ip == NULL)
		snprintf(out, n, "—");
	else if (port > 0)
		snprintf(out, n, strchr(ip, ':') ? "[%s]:%d" : "%s:%d", ip, port);
	else
		snprintf(out, n, "%s", ip);
}

static void write_evidence(struct rw *w, const struct inc_report *r)
{
	const char *cols[] = {rw_l(w, "时间", "time"), rw_l(w, "源地址", "source"),
			      rw_l(w, "目的地址", "destination"), rw_l(w, "协议", "protocol"),
			      rw_l(w, "告警规则", "signature")};

	heading(w, "六、证据摘要", "6. Evidence");
	rw_addf(w, w->fmt == PS_REPORT_HTML ? "<p class=\"meta\">%s</p>\n" : "\n%s\n",
		w->en ? "The first events (at most 20), oldest first." :
		"前 20 条证据事件（按时间先后）。");
	table_open(w, "t-evidence", cols, PS_ARRAY_LEN(cols));
	for (size_t i = 0; i < r->n_ev; i++) {
		const struct ev_row *e = &r->ev[i];
		char when[32], src[80], dst[80];
		const char *row[5];

		rp_time(e->ts, when, sizeof(when));
		addr(src, sizeof(src), e->src, e->sport);
		addr(dst, sizeof(dst), e->dst, e->dport);
		row[0] = when;
		row[1] = r->hide ? rw_withheld(w) : src;
		row[2] = r->hide ? rw_withheld(w) : dst;
		row[3] = e->proto;
		row[4] = r->hide ? rw_withheld(w) : e->sig;
		table_row(w, row, PS_ARRAY_LEN(row));
	}
	table_close(w);
}

static void write_doc(struct rw *w, const struct inc_report *r)
{
	char ref[32], title[96], gen[32];

	ps_case_ref(r->c.id, ref, sizeof(ref));
	snprintf(title, sizeof(title), w->en ? "Incident report %s" : "网络安全事件报告 %s", ref);
	rp_time(r->now, gen, sizeof(gen));
	if (w->fmt == PS_REPORT_HTML) {
		rw_html_head(w, title);
		rw_addf(w, "<h1>%s</h1>\n<p class=\"meta\">%s%s%s</p>\n", title,
			rw_l(w, "报告时间：", "Reported "), gen,
			r->hide ? rw_l(w, "。漏洞细节已隐去。", ". Vulnerability details withheld.") :
			"");
	} else {
		rw_addf(w, "# %s\n\n%s%s%s\n", title, rw_l(w, "报告时间：", "Reported "), gen,
			r->hide ? rw_l(w, "。漏洞细节已隐去。", ". Vulnerability details withheld.") :
			"");
	}
	write_facts(w, r);
	write_owner(w, r);
	write_clocks(w, r);
	write_history(w, r, false);
	write_history(w, r, true);
	write_evidence(w, r);
	if (w->fmt == PS_REPORT_HTML)
		rw_html_tail(w);
}

/* ---- JSON ------------------------------------------------------------------------------ */

static json_t *json_facts(const struct rw *w, const struct inc_report *r)
{
	const struct ps_case *c = &r->c;
	const char *wh = rw_withheld(w);
	json_t *o = json_object();
	char ref[32];

	ps_case_ref(c->id, ref, sizeof(ref));
	json_object_set_new(o, "ref", json_string(ref));
	json_object_set_new(o, "title", ps_json_text(r->hide ? wh : c->title));
	json_object_set_new(o, "kind", ps_json_text(c->kind));
	json_object_set_new(o, "category", ps_json_text(c->category));
	json_object_set_new(o, "severity", json_integer(c->severity));
	json_object_set_new(o, "level", json_string(ps_inc_level_name(c->level)));
	json_object_set_new(o, "level_zh", json_string(ps_inc_level_zh(c->level)));
	json_object_set_new(o, "level_rule", r->lv_ok ? json_string(r->lv.rule) : json_null());
	json_object_set_new(o, "level_source", ps_json_text(r->lv_ok ? r->lv.source : NULL));
	json_object_set_new(o, "state", json_string(ps_inc_state_name(c->state)));
	json_object_set_new(o, "first_seen", ps_case_json_time(c->first_seen));
	json_object_set_new(o, "last_seen", ps_case_json_time(c->last_seen));
	json_object_set_new(o, "event_count", json_integer(c->event_count));
	json_object_set_new(o, "indicator", ps_json_text(r->hide ? wh : c->indicator));
	json_object_set_new(o, "asset_ip", ps_json_text(r->hide ? wh : c->asset_ip));
	json_object_set_new(o, "peer_ip", ps_json_text(r->hide ? wh : c->peer_ip));
	json_object_set_new(o, "vuln", json_boolean(c->vuln));
	json_object_set_new(o, "vuln_withheld", json_boolean(r->hide));
	json_object_set_new(o, "facts", c->facts ? json_loads(c->facts, 0, NULL) : json_null());
	return o;
}

static json_t *json_ref(const char *key, const char *name)
{
	json_t *o = json_object();

	json_object_set_new(o, "key", ps_json_text(key));
	json_object_set_new(o, "name", ps_json_text(name));
	return o;
}

static json_t *json_clocks(const struct inc_report *r)
{
	json_t *a = json_array();

	for (size_t i = 0; i < r->clocks.n; i++) {
		const struct ps_case_clock *k = &r->clocks.c[i];
		json_t *o = json_object();

		json_object_set_new(o, "name", ps_json_text(k->clock.name));
		json_object_set_new(o, "zh", ps_json_text(k->clock.zh));
		json_object_set_new(o, "start", ps_case_json_time(k->clock.start));
		json_object_set_new(o, "deadline", ps_case_json_time(k->clock.deadline));
		json_object_set_new(o, "status", json_string(ps_inc_clock_state_name(k->status.state)));
		json_object_set_new(o, "late_seconds", json_integer(k->status.late_us / 1000000));
		json_object_set_new(o, "met_at", ps_case_json_time(k->met ? k->met_at : 0));
		json_object_set_new(o, "held_by", ps_json_text(k->status.role));
		json_object_set_new(o, "policy", ps_json_text(k->clock.policy_id));
		json_object_set_new(o, "source", ps_json_text(k->clock.source));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *json_history(const struct inc_report *r)
{
	json_t *a = json_array();

	for (size_t i = 0; i < r->n_hist; i++) {
		const struct hist_row *h = &r->hist[i];
		json_t *o = json_object();

		json_object_set_new(o, "time", ps_case_json_time(h->ts));
		json_object_set_new(o, "actor", ps_json_text(h->actor));
		json_object_set_new(o, "action", ps_json_text(h->action));
		json_object_set_new(o, "from", ps_json_text(h->from));
		json_object_set_new(o, "to", ps_json_text(h->to));
		json_object_set_new(o, "reason", ps_json_text(h->reason));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *json_evidence(const struct rw *w, const struct inc_report *r)
{
	json_t *a = json_array();
	const char *wh = rw_withheld(w);

	for (size_t i = 0; i < r->n_ev; i++) {
		const struct ev_row *e = &r->ev[i];
		json_t *o = json_object();

		json_object_set_new(o, "event_id", json_integer(e->id));
		json_object_set_new(o, "time", ps_case_json_time(e->ts));
		json_object_set_new(o, "src_ip", ps_json_text(r->hide ? wh : e->src));
		json_object_set_new(o, "src_port", json_integer(r->hide ? 0 : e->sport));
		json_object_set_new(o, "dest_ip", ps_json_text(r->hide ? wh : e->dst));
		json_object_set_new(o, "dest_port", json_integer(r->hide ? 0 : e->dport));
		json_object_set_new(o, "proto", ps_json_text(e->proto));
		json_object_set_new(o, "signature", ps_json_text(r->hide ? wh : e->sig));
		json_array_append_new(a, o);
	}
	return a;
}

static int write_json(struct rw *w, const struct inc_report *r)
{
	json_t *root = json_object(), *own = json_object();
	size_t n;
	int rc = PS_OK;

	if (root == NULL || own == NULL) {
		json_decref(root);
		json_decref(own);
		return PS_ENOMEM;
	}
	json_object_set_new(own, "asset", json_ref(r->c.asset, r->asset_name));
	json_object_set_new(own, "unit", json_ref(r->c.unit, r->unit_name));
	json_object_set_new(own, "operator", json_ref(r->c.operator_key, r->operator_name));
	json_object_set_new(own, "dept", json_ref(r->c.dept, r->dept_name));
	json_object_set_new(own, "person", json_ref(r->c.person, r->person_name));
	json_object_set_new(own, "assignee", ps_json_text(r->c.assignee));
	json_object_set_new(root, "generated", ps_case_json_time(r->now));
	json_object_set_new(root, "facts", json_facts(w, r));
	json_object_set_new(root, "owner", own);
	json_object_set_new(root, "clocks", json_clocks(r));
	json_object_set_new(root, "timeline", json_history(r));
	json_object_set_new(root, "evidence", json_evidence(w, r));
	n = json_dumpb(root, NULL, 0, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (n == 0 || (rc = ps_buf_reserve(w->b, n + 1)) != PS_OK) {
		rc = rc != PS_OK ? rc : PS_ENOMEM;
	} else {
		json_dumpb(root, (char *)w->b->p + w->b->len, n,
			   JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		w->b->len += n;
		w->b->p[w->b->len] = '\0';
		rw_add(w, "\n");
		rc = w->rc;
	}
	json_decref(root);
	return rc;
}

int ps_report_incident(struct ps_case_ctx *cx, int64_t id, const struct ps_report_opts *o,
		       struct ps_buf *out, struct ps_diag *d)
{
	struct inc_report r;
	struct rw w;
	int rc;

	if (o->format == PS_REPORT_CSV) {
		ps_diag_set(d, "the incident report is written as html, md or json");
		return PS_EINVAL;
	}
	memset(&r, 0, sizeof(r));
	r.st = cx->st;
	r.now = o->now != 0 ? o->now : ps_time_now_us();
	rw_init(&w, out, o);
	rc = gather(cx, id, &r, d);
	if (rc == PS_OK) {
		r.hide = r.c.vuln && !o->include_vuln;
		if (o->format == PS_REPORT_JSON) {
			rc = write_json(&w, &r);
		} else {
			write_doc(&w, &r);
			rc = w.rc;
		}
		if (rc != PS_OK)
			ps_diag_set(d, "cannot write the incident report: %s", ps_strerror(rc));
	}
	inc_report_release(&r);
	return rc;
}
