/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The rectification notice (整改通知书) of a network unit: who it goes to
 * (from the registry), one item per open incident of the unit with its
 * rectification deadline from the legal clocks, and the requirements, as
 * HTML or Markdown.
 */
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "core/timeutil.h"
#include "incident/case.h"
#include "registry/registry.h"
#include "report/report_int.h"

struct notice {
	struct ps_case_ctx *cx;
	const struct ps_report_opts *o;
	int64_t now;
	struct rw items;   /* the rows, written into their own buffer */
	size_t n, overdue;
	struct ps_diag *d;
};

/* The unit's record and the names around it; owned strings or NULL. */
struct unit_info {
	struct ps_reg_record *unit;
	char *operator_name, *dept_name, *person_name, *person_phone;
};

static void unit_info_release(struct unit_info *u)
{
	ps_reg_record_free(u->unit);
	ps_free(u->operator_name);
	ps_free(u->dept_name);
	ps_free(u->person_name);
	ps_free(u->person_phone);
}

static int unit_info_load(struct ps_case_ctx *cx, const char *key, struct unit_info *u,
			  struct ps_diag *d)
{
	const struct ps_reg_kind *k = ps_reg_kind_find("unit");
	int rc = ps_reg_get(cx->reg, k, key, &u->unit);

	if (rc == PS_ENOENT) {
		ps_diag_set(d, "no unit '%s' in the registry", key);
		return rc;
	}
	if (rc != PS_OK) {
		ps_diag_set(d, "cannot read unit '%s': %s", key, ps_strerror(rc));
		return rc;
	}
	u->operator_name = rp_reg_name(cx->reg, "operator",
				       ps_reg_record_get(u->unit, "operator"), NULL);
	u->dept_name = rp_reg_name(cx->reg, "dept", ps_reg_record_get(u->unit, "dept"), NULL);
	u->person_name = rp_reg_name(cx->reg, "person", ps_reg_record_get(u->unit, "person"),
				     NULL);
	u->person_phone = rp_reg_name(cx->reg, "person", ps_reg_record_get(u->unit, "person"),
				      "phone");
	return PS_OK;
}

/* The rectification deadline, and the labels of the overdue clocks ("" when
 * none is overdue). */
static int item_clocks(struct notice *nt, const struct ps_case *c, char *due, size_t n,
		       char *late, size_t ln)
{
	struct ps_case_clocks cl;
	int rc = ps_case_clocks_get(nt->cx, c, nt->now, &cl, nt->d);
	size_t used = 0;

	snprintf(due, n, "—");
	late[0] = '\0';
	if (rc != PS_OK)
		return rc;
	for (size_t i = 0; i < cl.n; i++) {
		const struct ps_case_clock *k = &cl.c[i];

		if (k->clock.kind == PS_INC_CLOCK_RECTIFY)
			rp_time(k->clock.deadline, due, n);
		if (k->status.state == PS_INC_CLOCK_OVERDUE && used < ln) {
			int w = snprintf(late + used, ln - used, "%s%s", used ? ", " : "",
					 rp_clock_label(&nt->items, k->clock.name));

			used = w > 0 ? used + (size_t)w : used;
		}
	}
	return PS_OK;
}

static int item(void *arg, const struct ps_case *c)
{
	struct notice *nt = arg;
	struct rw *w = &nt->items;
	bool html = w->fmt == PS_REPORT_HTML, hide = c->vuln && !nt->o->include_vuln;
	const char *sep = html ? "</td><td>" : " | ";
	char ref[32], first[32], last[32], due[32], late[256];
	int rc = item_clocks(nt, c, due, sizeof(due), late, sizeof(late));
	bool overdue = late[0] != '\0';

	if (rc != PS_OK)
		return rc;
	nt->n++;
	nt->overdue += overdue;
	ps_case_ref(c->id, ref, sizeof(ref));
	rp_time(c->first_seen, first, sizeof(first));
	rp_time(c->last_seen, last, sizeof(last));
	rw_addf(w, "%s%zu%s%s%s", html ? "<tr><td>" : "| ", nt->n, sep, ref, sep);
	rw_text(w, hide ? rw_withheld(w) : c->title);
	rw_add(w, sep);
	rw_text(w, c->category != NULL ? rp_category(w, c->category) :
				   rw_l(w, "未分类", "uncategorised"));
	rw_addf(w, "%s%s%s%s%s%s%s%lld%s%s%s%s%s", sep,
		rw_l(w, ps_inc_level_zh(c->level), ps_inc_level_name(c->level)), sep, first, sep,
		last, sep, (long long)c->event_count, sep,
		rw_l(w, ps_inc_state_zh(c->state), ps_inc_state_name(c->state)), sep, due, sep);
	if (overdue)
		rw_addf(w, html ? "<span class=\"late\">%s%s%s%s</span>" : "**%s%s%s%s**",
			rw_l(w, "已超期", "overdue"), rw_l(w, "（", " ("), late, rw_l(w, "）", ")"));
	else
		rw_add(w, rw_l(w, "否", "no"));
	rw_add(w, html ? "</td></tr>\n" : " |\n");
	return w->rc;
}

static void write_field(struct rw *w, const char *label, const char *value)
{
	if (w->fmt == PS_REPORT_HTML) {
		rw_addf(w, "<tr><th>%s</th><td>", label);
		rw_text(w, value != NULL ? value : "—");
		rw_add(w, "</td></tr>\n");
	} else {
		rw_addf(w, "| %s | ", label);
		rw_text(w, value != NULL ? value : "—");
		rw_add(w, " |\n");
	}
}

static void write_header(struct rw *w, const struct unit_info *u, const char *key,
			 int64_t now)
{
	const struct ps_reg_record *r = u->unit;
	char no[200], date[32], level[32], person[300];
	const char *title = rw_l(w, "整改通知书", "Rectification notice");

	rp_date(now, date, sizeof(date));
	snprintf(no, sizeof(no), "ZG-%.4s%.2s%.2s-%s", date, date + 5, date + 8, key);
	snprintf(level, sizeof(level), w->en ? "level %s" : "第%s级",
		 ps_reg_record_get(r, "level") ? ps_reg_record_get(r, "level") : "—");
	snprintf(person, sizeof(person), "%s%s%s", u->person_name ? u->person_name : "—",
		 u->person_phone ? " " : "", u->person_phone ? u->person_phone : "");
	if (w->fmt == PS_REPORT_HTML) {
		rw_html_head(w, title);
		rw_addf(w, "<h1>%s</h1>\n<p class=\"meta\">%s ", title, rw_l(w, "编号：", "No. "));
		rw_html(w, no);
		rw_addf(w, " · %s%s</p>\n<table class=\"kv\">\n", rw_l(w, "日期：", "Date: "), date);
	} else {
		rw_addf(w, "# %s\n\n%s", title, rw_l(w, "编号：", "No. "));
		rw_text(w, no);
		rw_addf(w, " · %s%s\n\n| | |\n|---|---|\n", rw_l(w, "日期：", "Date: "), date);
	}
	write_field(w, rw_l(w, "运营者", "Operator"), u->operator_name);
	write_field(w, rw_l(w, "网络单元", "Network unit"), key);
	write_field(w, rw_l(w, "单元名称", "Unit name"), ps_reg_record_get(r, "name"));
	write_field(w, rw_l(w, "安全防护级别", "Protection level"), level);
	write_field(w, rw_l(w, "备案编号", "Filing number"), ps_reg_record_get(r, "filing_no"));
	write_field(w, rw_l(w, "责任部门", "Responsible department"), u->dept_name);
	write_field(w, rw_l(w, "责任人", "Responsible person"), person);
	if (w->fmt == PS_REPORT_HTML)
		rw_add(w, "</table>\n");
}

static const char *const cols_zh[] = {"序号", "事件编号", "事件", "类别", "级别",
				      "首次发现", "最近发现", "证据数", "状态", "整改期限",
				      "超期"};
static const char *const cols_en[] = {"#", "incident", "title", "category", "level",
				      "first seen", "last seen", "evidence", "state",
				      "rectify by", "overdue"};

static void write_items(struct rw *w, struct notice *nt, const char *unit_name)
{
	bool html = w->fmt == PS_REPORT_HTML;

	rw_addf(w, html ? "<h2>%s</h2>\n<p>" : "\n## %s\n\n", rw_l(w, "整改事项", "Items"));
	if (nt->n == 0) {
		rw_text(w, unit_name);
		rw_add(w, rw_l(w, "：截至本通知日期，无未闭环的安全事件，无需整改。",
			       ": as of the date of this notice there is no open incident; "
			       "no rectification is required."));
		rw_add(w, html ? "</p>\n" : "\n");
		return;
	}
	rw_addf(w, w->en ? "%zu open incident(s), %zu with an overdue clock:" :
		"经监测发现贵单位存在以下 %zu 项未闭环安全事件（其中 %zu 项已超期）：",
		nt->n, nt->overdue);
	rw_add(w, html ? "</p>\n<table id=\"t-items\">\n<tr>" : "\n\n|");
	for (size_t i = 0; i < PS_ARRAY_LEN(cols_zh); i++)
		rw_addf(w, html ? "<th>%s</th>" : " %s |", rw_l(w, cols_zh[i], cols_en[i]));
	rw_add(w, html ? "</tr>\n" : "\n|");
	for (size_t i = 0; !html && i < PS_ARRAY_LEN(cols_zh); i++)
		rw_add(w, "---|");
	rw_add(w, html ? "" : "\n");
	rw_add(w, ps_buf_cstr(nt->items.b));
	if (html)
		rw_add(w, "</table>\n");
}

static void write_requirements(struct rw *w)
{
	bool html = w->fmt == PS_REPORT_HTML;

	rw_addf(w, html ? "<h2>%s</h2>\n<p>" : "\n## %s\n\n", rw_l(w, "整改要求", "Requirements"));
	rw_add(w, rw_l(w,
		"请贵单位对上述事项逐项核查，在整改期限前完成整改，并对整改效果进行复核验证；"
		"整改完成后，于整改期限届满前以书面形式报送整改情况（包括原因分析、已采取的措施、"
		"验证结果及相关证据）。未列明整改期限的事项，请在收到本通知之日起按本单位安全管理"
		"制度规定的时限完成处置。逾期未完成或整改不到位的，将按规定逐级升级处理。"
		"涉及漏洞的事项，请按漏洞管理要求处置，不得擅自公开漏洞细节。",
		"Please check each item above, complete the rectification before its deadline and "
		"verify the result. Before the deadline, send a written reply describing the cause, "
		"the measures taken, the verification and the evidence. Items without a deadline "
		"are to be handled within the periods of your security management rules. Items not "
		"rectified in time are escalated. Vulnerabilities are handled under the "
		"vulnerability management rules and their details must not be disclosed."));
	rw_add(w, html ? "</p>\n" : "\n");
}

int ps_report_notice(struct ps_case_ctx *cx, const char *unit,
		     const struct ps_report_opts *o, struct ps_buf *out, struct ps_diag *d)
{
	struct ps_buf items = PS_BUF_INIT(PS_MEM_REPORT, PS_REPORT_MAX);
	struct ps_case_filter f = {0};
	struct unit_info u = {0};
	struct notice nt = {0};
	struct rw w;
	int rc;

	if (o->format != PS_REPORT_HTML && o->format != PS_REPORT_MD) {
		ps_diag_set(d, "the notice is written as html or md");
		return PS_EINVAL;
	}
	if ((rc = unit_info_load(cx, unit, &u, d)) != PS_OK)
		goto out;
	rw_init(&w, out, o);
	nt.cx = cx;
	nt.o = o;
	nt.d = d;
	nt.now = o->now != 0 ? o->now : ps_time_now_us();
	rw_init(&nt.items, &items, o);
	f.state = "open";
	f.unit = unit;
	rc = ps_case_list(cx, &f, item, &nt, d);
	if (rc == PS_OK && nt.items.rc != PS_OK)
		rc = nt.items.rc;
	if (rc != PS_OK)
		goto out;
	write_header(&w, &u, unit, nt.now);
	write_items(&w, &nt, ps_reg_record_get(u.unit, "name"));
	write_requirements(&w);
	if (w.fmt == PS_REPORT_HTML)
		rw_html_tail(&w);
	if ((rc = w.rc) != PS_OK)
		ps_diag_set(d, "cannot write the notice: %s", ps_strerror(rc));
out:
	ps_buf_release(&items);
	unit_info_release(&u);
	return rc;
}
