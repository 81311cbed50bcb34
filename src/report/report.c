/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The report module's common parts: formats and months, the escaping
 * writer over a bounded buffer, times in Asia/Shanghai and the labelled
 * counts. The bulletin, notice and incident report build on them.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/core.h"
#include "core/timeutil.h"
#include "registry/registry.h"
#include "incident/case_json.h"
#include "report/report_int.h"

int ps_report_format_parse(const char *s, enum ps_report_format *out)
{
	static const struct {
		const char *name;
		enum ps_report_format f;
	} names[] = {
		{"html", PS_REPORT_HTML}, {"md", PS_REPORT_MD},
		{"markdown", PS_REPORT_MD}, {"csv", PS_REPORT_CSV},
		{"json", PS_REPORT_JSON},
	};

	for (size_t i = 0; s != NULL && i < PS_ARRAY_LEN(names); i++) {
		if (strcasecmp(s, names[i].name) == 0) {
			*out = names[i].f;
			return PS_OK;
		}
	}
	return PS_EINVAL;
}

const char *ps_report_format_name(enum ps_report_format f)
{
	switch (f) {
	case PS_REPORT_HTML: return "html";
	case PS_REPORT_MD: return "md";
	case PS_REPORT_CSV: return "csv";
	case PS_REPORT_JSON: return "json";
	}
	return "unknown";
}

bool ps_report_format_from_path(const char *path, enum ps_report_format *out)
{
	const char *dot = path != NULL ? strrchr(path, '.') : NULL;

	if (dot == NULL || strchr(dot, '/') != NULL)
		return false;
	if (strcasecmp(dot, ".htm") == 0) {
		*out = PS_REPORT_HTML;
		return true;
	}
	return ps_report_format_parse(dot + 1, out) == PS_OK;
}

int ps_report_month_parse(const char *s, int *year, int *month, struct ps_diag *d)
{
	int y, m;

	if (s == NULL || strlen(s) != 7 || s[4] != '-' ||
	    strspn(s, "0123456789") != 4 || strspn(s + 5, "0123456789") != 2) {
		ps_diag_set(d, "'%s' is not a month (use YYYY-MM)", s ? s : "");
		return PS_EINVAL;
	}
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	if (m < 1 || m > 12) {
		ps_diag_set(d, "'%s' is not a month: there is no month %d", s, m);
		return PS_EINVAL;
	}
	if (y < 1970) {
		ps_diag_set(d, "'%s' is not a month: years before 1970 hold no events", s);
		return PS_EINVAL;
	}
	*year = y;
	*month = m;
	return PS_OK;
}

int ps_report_month_range(int year, int month, int64_t *start, int64_t *end)
{
	struct ps_date a = {year, (uint8_t)month, 1}, b;
	int rc;

	if (!ps_date_valid(year, month, 1))
		return PS_EINVAL;
	rc = ps_date_add_months(a, 1, &b);
	if (rc == PS_OK)
		rc = ps_date_to_time_us(a, PS_TZ_SHANGHAI, start);
	if (rc == PS_OK)
		rc = ps_date_to_time_us(b, PS_TZ_SHANGHAI, end);
	return rc;
}

/* ---- the writer ---------------------------------------------------------------- */

void rw_init(struct rw *w, struct ps_buf *b, const struct ps_report_opts *o)
{
	w->b = b;
	w->fmt = o->format;
	w->en = o->en;
	w->rc = PS_OK;
}

void rw_add(struct rw *w, const char *s)
{
	if (w->rc == PS_OK && s != NULL)
		w->rc = ps_buf_addstr(w->b, s);
}

void rw_addf(struct rw *w, const char *fmt, ...)
{
	va_list ap;

	if (w->rc != PS_OK)
		return;
	va_start(ap, fmt);
	w->rc = ps_buf_vaddf(w->b, fmt, ap);
	va_end(ap);
}

static void add_n(struct rw *w, const char *s, size_t n)
{
	if (w->rc == PS_OK && n > 0)
		w->rc = ps_buf_add(w->b, s, n);
}

/* Escape `s` with `rep(c)` giving the replacement of a byte or NULL. */
static void escape(struct rw *w, const char *s, const char *(*rep)(unsigned char c))
{
	const char *run = s;

	for (; *s != '\0'; s++) {
		const char *r = rep((unsigned char)*s);

		if (r == NULL)
			continue;
		add_n(w, run, (size_t)(s - run));
		rw_add(w, r);
		run = s + 1;
	}
	add_n(w, run, (size_t)(s - run));
}

static const char *html_rep(unsigned char c)
{
	switch (c) {
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '"': return "&quot;";
	case '\'': return "&#39;";
	case '\n': case '\r': case '\t': return " ";
	default: return c < 0x20 || c == 0x7f ? "" : NULL;
	}
}

/* Markdown: punctuation that starts markup is backslash-escaped and raw
 * HTML is entity-escaped, so store text renders as text in any viewer. */
static const char *md_rep(unsigned char c)
{
	switch (c) {
	case '\\': return "\\\\";
	case '|': return "\\|";
	case '*': return "\\*";
	case '_': return "\\_";
	case '`': return "\\`";
	case '[': return "\\[";
	case ']': return "\\]";
	case '#': return "\\#";
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	default: return html_rep(c);
	}
}

static void csv_text(struct rw *w, const char *s)
{
	bool quote = strpbrk(s, ",\"\r\n") != NULL;

	/* a leading = + - @ would make a spreadsheet run a formula */
	if (strchr("=+-@\t", s[0]) != NULL && s[0] != '\0') {
		quote = true;
		rw_add(w, "\"'");
	} else if (quote) {
		rw_add(w, "\"");
	}
	if (!quote) {
		rw_add(w, s);
		return;
	}
	for (const char *p = s; *p != '\0'; p++) {
		if (*p == '"')
			rw_add(w, "\"\"");
		else
			add_n(w, p, 1);
	}
	rw_add(w, "\"");
}

void rw_text(struct rw *w, const char *s)
{
	if (s == NULL)
		return;
	if (w->fmt == PS_REPORT_HTML)
		escape(w, s, html_rep);
	else if (w->fmt == PS_REPORT_MD)
		escape(w, s, md_rep);
	else if (w->fmt == PS_REPORT_CSV)
		csv_text(w, s);
	else
		rw_add(w, s);
}

void rw_html(struct rw *w, const char *s)
{
	if (s != NULL)
		escape(w, s, html_rep);
}

const char *rw_withheld(const struct rw *w)
{
	return rw_l(w, PS_REPORT_WITHHELD_ZH, PS_REPORT_WITHHELD_EN);
}

/* ---- times ---------------------------------------------------------------------- */

void rp_time(int64_t us, char *out, size_t n)
{
	char iso[PS_TIME_FMT_SIZE];

	if (us == 0 || ps_time_fmt_iso8601(us, PS_TZ_SHANGHAI, PS_TIME_FMT_SEC, iso,
					   sizeof(iso)) != PS_OK) {
		snprintf(out, n, "—");
		return;
	}
	/* "2026-11-05T08:30:00+08:00" -> "2026-11-05 08:30" */
	iso[10] = ' ';
	iso[16] = '\0';
	snprintf(out, n, "%s", iso);
}

void rp_date(int64_t us, char *out, size_t n)
{
	char t[32];

	rp_time(us, t, sizeof(t));
	if (strlen(t) > 10)
		t[10] = '\0';
	snprintf(out, n, "%s", t);
}

void rp_duration(const struct rw *w, int64_t us, char *out, size_t n)
{
	int64_t min = us / 60000000, d = min / 1440, h = (min % 1440) / 60, m = min % 60;

	if (d > 0)
		snprintf(out, n, w->en ? "%lld d %lld h" : "%lld天%lld小时", (long long)d,
			 (long long)h);
	else if (h > 0)
		snprintf(out, n, w->en ? "%lld h %lld min" : "%lld小时%lld分", (long long)h,
			 (long long)m);
	else
		snprintf(out, n, w->en ? "%lld min" : "%lld分钟", (long long)(m > 0 ? m : 1));
}

/* ---- HTML frame ------------------------------------------------------------------- */

static const char html_style[] =
	"body{font-family:\"WenQuanYi Micro Hei\",\"Noto Sans CJK SC\",\"Microsoft YaHei\","
	"\"PingFang SC\",sans-serif;margin:2em auto;max-width:1100px;color:#1b1f24;"
	"line-height:1.5;padding:0 1em}"
	"h1{font-size:1.7em;border-bottom:3px solid #b42318;padding-bottom:.3em}"
	"h2{font-size:1.25em;margin-top:1.6em;border-left:5px solid #1f5fa8;padding-left:.5em}"
	"table{border-collapse:collapse;margin:.6em 0;width:100%}"
	"th,td{border:1px solid #c9ced6;padding:.3em .6em;text-align:left;vertical-align:top}"
	"th{background:#eef2f7}td.n{text-align:right;font-variant-numeric:tabular-nums}"
	".meta{color:#57606a}.late{color:#b42318;font-weight:bold}"
	".charts{display:flex;flex-wrap:wrap;gap:1em}"
	".chart{border:1px solid #d8dee4;border-radius:6px;padding:.5em;background:#fff}"
	".withheld{color:#8250df}.totals td{font-size:1.1em}table.kv th{width:14em}"
	"#t-items td:nth-child(2),#t-overdue td:first-child{white-space:nowrap}"
	"@media print{.chart{break-inside:avoid}}";

void rw_html_head(struct rw *w, const char *title)
{
	rw_add(w, "<!DOCTYPE html>\n<html lang=\"");
	rw_add(w, w->en ? "en" : "zh-CN");
	rw_add(w, "\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
	rw_html(w, title);
	rw_add(w, "</title>\n<style>");
	rw_add(w, html_style);
	rw_add(w, "</style>\n</head>\n<body>\n");
}

void rw_html_tail(struct rw *w)
{
	rw_add(w, "</body>\n</html>\n");
}

/* ---- counts ------------------------------------------------------------------------ */

int rp_counts_add(struct rp_counts *c, const char *key, const char *label, int64_t n)
{
	struct rp_count *e;

	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct rp_count *v = ps_realloc(PS_MEM_REPORT, c->v, cap * sizeof(*v));

		if (v == NULL)
			return PS_ENOMEM;
		c->v = v;
		c->cap = cap;
	}
	e = &c->v[c->n];
	e->key = ps_strdup(PS_MEM_REPORT, key);
	e->label = ps_strdup(PS_MEM_REPORT, label != NULL ? label : key);
	e->n = n;
	if (e->key == NULL || e->label == NULL) {
		ps_free(e->key);
		ps_free(e->label);
		return PS_ENOMEM;
	}
	c->n++;
	return PS_OK;
}

int rp_counts_bump(struct rp_counts *c, const char *key, const char *label, int64_t n)
{
	for (size_t i = 0; i < c->n; i++) {
		if (strcmp(c->v[i].key, key) == 0) {
			c->v[i].n += n;
			return PS_OK;
		}
	}
	return rp_counts_add(c, key, label, n);
}

static int count_cmp(const void *a, const void *b)
{
	const struct rp_count *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->key, y->key);
}

void rp_counts_sort(struct rp_counts *c)
{
	if (c->n > 1)
		qsort(c->v, c->n, sizeof(*c->v), count_cmp);
}

void rp_counts_release(struct rp_counts *c)
{
	for (size_t i = 0; i < c->n; i++) {
		ps_free(c->v[i].key);
		ps_free(c->v[i].label);
	}
	ps_free(c->v);
	c->v = NULL;
	c->n = c->cap = 0;
}

int64_t rp_counts_total(const struct rp_counts *c)
{
	int64_t t = 0;

	for (size_t i = 0; i < c->n; i++)
		t += c->v[i].n;
	return t;
}

char *rp_strfmt(const char *fmt, ...)
{
	struct ps_buf b = PS_BUF_INIT(PS_MEM_REPORT, PS_REPORT_MAX);
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = ps_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	if (rc != PS_OK) {
		ps_buf_release(&b);
		return NULL;
	}
	return ps_buf_take(&b, NULL);
}

/* ---- lookups ------------------------------------------------------------------------ */

char *rp_reg_name(struct ps_registry *r, const char *kind, const char *key,
		  const char *field)
{
	const struct ps_reg_kind *k = ps_reg_kind_find(kind);
	struct ps_reg_record *rec = NULL;
	const char *v;
	char *out = NULL;

	if (r == NULL || k == NULL || key == NULL || ps_reg_get(r, k, key, &rec) != PS_OK)
		return NULL;
	v = ps_reg_record_get(rec, field != NULL ? field : "name");
	if (v != NULL)
		out = ps_strdup(PS_MEM_REPORT, v);
	ps_reg_record_free(rec);
	return out;
}

const char *rp_clock_label(const struct rw *w, const char *name)
{
	static const struct {
		const char *name, *zh, *en;
	} labels[] = {
		{"cac_report", "网信部门事件报告", "report to the CAC"},
		{"cac_final_report", "事件总结报告", "final report to the CAC"},
		{"miit_report", "工信部应急报告", "report to the MIIT"},
		{"vuln_report", "漏洞报送", "vulnerability report"},
		{"datasec_report", "数据安全事件报告", "data security incident report"},
		{"rectification", "整改期限", "rectification deadline"},
	};

	for (size_t i = 0; name != NULL && i < PS_ARRAY_LEN(labels); i++)
		if (strcmp(labels[i].name, name) == 0)
			return rw_l(w, labels[i].zh, labels[i].en);
	return name != NULL ? name : "";
}

const char *rp_category(const struct rw *w, const char *c)
{
	return ps_case_category_title_in(c, w->en ? PS_LANG_EN : PS_LANG_ZH_CN);
}
