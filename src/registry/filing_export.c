/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The filing-table export: the network units of an operator in the layout
 * of the 网络单元备案 table, as CSV for spreadsheets or as one printable
 * UTF-8 HTML page without external resources. It reads the registry; the
 * bulk export of bulk_export.c is the lossless format.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"
#include "core/csv.h"
#include "registry/bulk.h"
#include "registry/bulk_int.h"
#include "store/store.h"

#define TITLE "网络单元备案表"
#define FILING_MAX ((size_t)1 << 30)
#define NCOLS 11

static const char *const cols[NCOLS] = {
	"序号", "网络单元名称", "单元类型", "安全防护级别", "定级评审通过日期", "备案状态",
	"备案编号", "备案日期", "责任部门", "责任人", "联系电话",
};

/* Chinese names of the unit types of kinds.c (UNIT_TYPES). */
static const struct {
	const char *type, *zh;
} unit_types[] = {
	{"basic_telecom", "基础电信网络"},
	{"internet", "互联网网络单元"},
	{"idc", "互联网数据中心"},
	{"cdn", "内容分发网络"},
	{"dns", "域名解析系统"},
	{"cloud", "云计算服务平台"},
	{"industrial_platform", "工业互联网平台"},
	{"identifier_resolution", "标识解析系统"},
	{"iov_platform", "车联网服务平台"},
};

static const struct {
	const char *status, *zh;
} statuses[] = {
	{"unfiled", "未备案"},
	{"submitted", "已提交"},
	{"filed", "已备案"},
	{"rejected", "被退回"},
};

const char *ps_reg_unit_type_zh(const char *type)
{
	for (size_t i = 0; type != NULL && i < PS_ARRAY_LEN(unit_types); i++)
		if (strcmp(unit_types[i].type, type) == 0)
			return unit_types[i].zh;
	return type;
}

static const char *status_zh(const char *s)
{
	for (size_t i = 0; s != NULL && i < PS_ARRAY_LEN(statuses); i++)
		if (strcmp(statuses[i].status, s) == 0)
			return statuses[i].zh;
	return s != NULL ? s : "未备案";
}

void ps_reg_filing_opts_init(struct ps_reg_filing_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->excel_safe = true;
	o->enc = PS_REG_ENC_UTF8;
}

struct filing {
	struct ps_registry *r;
	const struct ps_reg_filing_opts *o;
	struct ps_diag *d;
	struct ps_buf out;
	const struct ps_reg_record *op;
	int64_t n;      /* units written, all operators */
	int64_t seq;    /* 序号 within the operator */
	bool started;   /* the operator's block is written */
};

/* ---- cells ------------------------------------------------------------------------ */

static int html_text(struct ps_buf *b, const char *s)
{
	int rc = PS_OK;

	for (; rc == PS_OK && s != NULL && *s != '\0'; s++) {
		switch (*s) {
		case '&': rc = ps_buf_addstr(b, "&amp;"); break;
		case '<': rc = ps_buf_addstr(b, "&lt;"); break;
		case '>': rc = ps_buf_addstr(b, "&gt;"); break;
		case '"': rc = ps_buf_addstr(b, "&quot;"); break;
		case '\'': rc = ps_buf_addstr(b, "&#39;"); break;
		default: rc = ps_buf_addch(b, (uint8_t)*s); break;
		}
	}
	return rc;
}

static int csv_cell(struct filing *f, const char *v, bool first)
{
	int rc = first ? PS_OK : ps_buf_addch(&f->out, ',');

	if (rc == PS_OK && v != NULL && v[0] != '\0' && f->o->excel_safe &&
	    strchr("=+-@\t\r'", v[0]) != NULL) {
		char guarded[1024];

		snprintf(guarded, sizeof(guarded), "'%s", v);
		return ps_csv_buf_field(&f->out, guarded, ',');
	}
	return rc == PS_OK ? ps_csv_buf_field(&f->out, v, ',') : rc;
}

/* One row of cells, as CSV or as an HTML table row (th for a header). */
static int row(struct filing *f, const char *const *cells, size_t n, bool head)
{
	int rc = PS_OK;

	if (!f->o->html) {
		for (size_t i = 0; rc == PS_OK && i < n; i++)
			rc = csv_cell(f, cells[i], i == 0);
		return rc == PS_OK ? ps_buf_add(&f->out, "\r\n", 2) : rc;
	}
	rc = ps_buf_addstr(&f->out, "<tr>");
	for (size_t i = 0; rc == PS_OK && i < n; i++) {
		rc = ps_buf_addstr(&f->out, head ? "<th>" : "<td>");
		if (rc == PS_OK)
			rc = html_text(&f->out, cells[i]);
		if (rc == PS_OK)
			rc = ps_buf_addstr(&f->out, head ? "</th>" : "</td>");
	}
	return rc == PS_OK ? ps_buf_addstr(&f->out, "</tr>\n") : rc;
}

/* ---- the operator's block ----------------------------------------------------------- */

static int block_start(struct filing *f)
{
	char today[PS_DATE_FMT_SIZE] = "";
	const char *name = ps_reg_record_get(f->op, "name");
	const char *uscc = ps_reg_record_get(f->op, "uscc");
	const char *meta[3][2] = {
		{"运营单位名称", name}, {"统一社会信用代码", uscc}, {"导出日期", today},
	};
	int rc = PS_OK;

	if (ps_date_fmt(f->r->today, today, sizeof(today)) != PS_OK)
		today[0] = '\0';
	if (f->o->html) {
		rc = ps_buf_addstr(&f->out, "<section>\n<h1>" TITLE "</h1>\n<table class=\"meta\">\n");
	} else {
		if (f->n > 0 || f->started)
			rc = ps_buf_add(&f->out, "\r\n", 2);
		if (rc == PS_OK)
			rc = row(f, (const char *const[]){TITLE}, 1, true);
	}
	for (size_t i = 0; rc == PS_OK && i < PS_ARRAY_LEN(meta); i++)
		rc = row(f, meta[i], 2, false);
	if (rc == PS_OK && f->o->html)
		rc = ps_buf_addstr(&f->out, "</table>\n<table class=\"units\">\n<thead>");
	else if (rc == PS_OK)
		rc = ps_buf_add(&f->out, "\r\n", 2);
	if (rc == PS_OK)
		rc = row(f, cols, NCOLS, true);
	if (rc == PS_OK && f->o->html)
		rc = ps_buf_addstr(&f->out, "</thead>\n<tbody>\n");
	f->started = true;
	f->seq = 0;
	return rc;
}

static int block_end(struct filing *f)
{
	if (!f->started || !f->o->html)
		return PS_OK;
	return ps_buf_addstr(&f->out, "</tbody>\n</table>\n</section>\n");
}

/* The `field` of the record of kind `kind` with key `key`, into out. */
static int lookup(struct filing *f, const char *kind, const char *key, const char *field,
		  char *out, size_t n)
{
	struct ps_reg_record *rec = NULL;
	const char *v;
	int rc;

	out[0] = '\0';
	if (key == NULL)
		return PS_OK;
	rc = ps_reg_get(f->r, ps_reg_kind_find(kind), key, &rec);
	if (rc == PS_ENOENT) {
		snprintf(out, n, "%s", strcmp(field, "name") == 0 ? key : "");
		return PS_OK;
	}
	if (rc != PS_OK)
		return rc;
	v = ps_reg_record_get(rec, field);
	snprintf(out, n, "%s", v != NULL ? v : "");
	ps_reg_record_free(rec);
	return PS_OK;
}

static bool retired(const struct filing *f, const struct ps_reg_record *u)
{
	struct ps_date d;

	return ps_reg_record_date(u, "retired_date", &d) == PS_OK &&
	       ps_date_cmp(d, f->r->today) <= 0;
}

static int unit_row(void *arg, const struct ps_reg_record *u)
{
	struct filing *f = arg;
	char seq[24], level[32], dept[256], person[256], phone[128];
	const char *person_key = ps_reg_record_get(u, "person");
	const char *lv = ps_reg_record_get(u, "level");
	int rc;

	if (retired(f, u))
		return PS_OK;
	if (!f->started && (rc = block_start(f)) != PS_OK)
		return rc;
	snprintf(seq, sizeof(seq), "%" PRId64, ++f->seq);
	snprintf(level, sizeof(level), "%s%s", lv != NULL ? lv : "", lv != NULL ? "级" : "");
	if ((rc = lookup(f, "dept", ps_reg_record_get(u, "dept"), "name", dept,
			 sizeof(dept))) != PS_OK ||
	    (rc = lookup(f, "person", person_key, "name", person, sizeof(person))) != PS_OK ||
	    (rc = lookup(f, "person", person_key, "phone", phone, sizeof(phone))) != PS_OK)
		return rc;
	f->n++;
	return row(f, (const char *const[]){
			      seq, ps_reg_record_get(u, "name"),
			      ps_reg_unit_type_zh(ps_reg_record_get(u, "type")), level,
			      ps_reg_record_get(u, "grading_review_date"),
			      status_zh(ps_reg_record_get(u, "filing_status")),
			      ps_reg_record_get(u, "filing_no"),
			      ps_reg_record_get(u, "filing_date"), dept, person, phone},
		   NCOLS, false);
}

/* The block of one operator: every unit in service; nothing when it has
 * none, unless it was asked for by key. */
static int operator_block(void *arg, const struct ps_reg_record *op)
{
	struct filing *f = arg;
	struct ps_reg_filter flt = {.field = {"operator"}, .value = {op->key}, .n = 1};
	int rc;

	f->op = op;
	f->started = false;
	rc = ps_reg_list(f->r, ps_reg_kind_find("unit"), &flt, unit_row, f);
	if (rc == PS_OK && !f->started && f->o->operator_key != NULL)
		rc = block_start(f);
	if (rc == PS_OK)
		rc = block_end(f);
	return rc;
}

/* ---- the page ---------------------------------------------------------------------- */

static const char html_head[] =
	"<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
	"<title>" TITLE "</title>\n<style>\n"
	"body{font-family:\"SimSun\",\"Songti SC\",serif;margin:2em;color:#000}\n"
	"h1{font-size:1.4em;text-align:center}\n"
	"table{border-collapse:collapse;margin:0 0 1em 0}\n"
	"th,td{border:1px solid #000;padding:3px 6px;font-size:0.9em}\n"
	"th{background:#eee}\n"
	"table.meta th{text-align:left}\n"
	"table.units{width:100%}\n"
	"section{page-break-after:always}\n"
	"@media print{body{margin:0}th{background:none}}\n"
	"</style>\n</head>\n<body>\n";

static int collect(struct filing *f)
{
	const struct ps_reg_kind *ok = ps_reg_kind_find("operator");
	struct ps_reg_record *op = NULL;
	int rc = PS_OK;

	if (f->o->html)
		rc = ps_buf_addstr(&f->out, html_head);
	if (rc == PS_OK && f->o->bom && !f->o->html &&
	    (f->o->enc == PS_REG_ENC_UTF8 || f->o->enc == PS_REG_ENC_AUTO))
		rc = ps_buf_add(&f->out, "\xef\xbb\xbf", 3);
	if (rc != PS_OK)
		return rc;
	if (f->o->operator_key != NULL) {
		rc = ps_reg_get(f->r, ok, f->o->operator_key, &op);
		if (rc == PS_ENOENT)
			ps_diag_set(f->d, "no operator '%s'", f->o->operator_key);
		if (rc == PS_OK)
			rc = operator_block(f, op);
		ps_reg_record_free(op);
	} else {
		rc = ps_reg_list(f->r, ok, NULL, operator_block, f);
	}
	if (rc == PS_OK && f->o->html)
		rc = ps_buf_addstr(&f->out, "</body>\n</html>\n");
	return rc;
}

static int write_out(struct filing *f, FILE *out)
{
	const char *p = ps_buf_cstr(&f->out);
	size_t len = ps_buf_len(&f->out), bad = 0;
	char *conv = NULL;
	int rc = PS_OK;

	if (!f->o->html && (f->o->enc == PS_REG_ENC_GBK || f->o->enc == PS_REG_ENC_GB18030)) {
		const char *to = f->o->enc == PS_REG_ENC_GBK ? "GBK" : "GB18030";

		rc = ps_csv_iconv("UTF-8", to, p, len, PS_MEM_REGISTRY, &conv, &len, &bad);
		if (rc != PS_OK) {
			ps_diag_set(f->d, "cannot write the filing table in %s: a character at "
				    "byte %zu has no %s code (use --encoding gb18030 or utf-8)",
				    to, bad, to);
			return rc;
		}
		p = conv;
	}
	if (len > 0 && fwrite(p, 1, len, out) != len) {
		ps_diag_set(f->d, "cannot write: %s", strerror(errno));
		rc = PS_EIO;
	}
	ps_free(conv);
	return rc;
}

int ps_reg_filing_export(struct ps_registry *r, const struct ps_reg_filing_opts *o,
			 FILE *out, int64_t *n, struct ps_diag *d)
{
	struct filing f = {.r = r, .o = o, .d = d};
	int rc;

	ps_diag_clear(d);
	ps_buf_init(&f.out, PS_MEM_REGISTRY, FILING_MAX);
	rc = collect(&f);
	if (rc != PS_OK && d->msg[0] == '\0')
		ps_diag_set(d, "cannot export the filing table: %s (%s)", ps_strerror(rc),
			    ps_store_errmsg(r->st));
	if (rc == PS_OK)
		rc = write_out(&f, out);
	if (n != NULL)
		*n = f.n;
	ps_buf_release(&f.out);
	return rc;
}

struct filing_job {
	struct ps_registry *r;
	const struct ps_reg_filing_opts *o;
	int64_t *n;
};

static int filing_to(void *arg, FILE *f, struct ps_diag *d)
{
	const struct filing_job *j = arg;

	return ps_reg_filing_export(j->r, j->o, f, j->n, d);
}

int ps_reg_filing_export_path(struct ps_registry *r, const struct ps_reg_filing_opts *o,
			      const char *path, int64_t *n, struct ps_diag *d)
{
	struct filing_job j = {r, o, n};

	return ps_file_write_atomic(path, filing_to, &j, NULL, d);
}
