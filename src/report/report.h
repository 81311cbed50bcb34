/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reports built from the store: the monthly threat bulletin (月度威胁通报),
 * the rectification notice of a network unit (整改通知书) and the incident
 * report for the regulator, written into a bounded buffer as HTML (one
 * self-contained file with inline SVG charts), Markdown, CSV or JSON.
 *
 * Times are shown in Asia/Shanghai (UTC+8, no DST); a month is the
 * calendar month there. Text from the store is escaped for the output
 * format. Vulnerability details (incidents.vuln = 1) are withheld from
 * every report unless the caller sets include_vuln: the indicator, title
 * and asset address are replaced by "（漏洞细节已隐去）" and the item is
 * only counted. The caller is responsible for auditing a disclosure.
 *
 * The functions only read: they take a struct ps_case_ctx (case.h) for
 * its store, policy and registry (audit and actor are not used). Threads:
 * as the store handle, one thread at a time.
 */
#ifndef PS_REPORT_H
#define PS_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

struct ps_case_ctx;

enum ps_report_format {
	PS_REPORT_HTML,
	PS_REPORT_MD,
	PS_REPORT_CSV,  /* bulletin only */
	PS_REPORT_JSON, /* incident report only */
};

/* How to write a report. A zeroed struct: HTML, Chinese, details withheld,
 * now = the current time. */
struct ps_report_opts {
	enum ps_report_format format;
	bool en;            /* English labels; Chinese (zh-CN) otherwise */
	bool include_vuln;  /* show vulnerability details (audit this!) */
	int64_t now;        /* "now", µs UTC; 0 = ps_time_now_us() */
};

/* Largest report the functions write (PS_ELIMIT beyond). */
#define PS_REPORT_MAX ((size_t)64 << 20)

/* The text shown instead of withheld vulnerability details. */
#define PS_REPORT_WITHHELD_ZH "（漏洞细节已隐去）"
#define PS_REPORT_WITHHELD_EN "(vulnerability details withheld)"

/* "html", "md", "csv", "json" (also "markdown"); PS_EINVAL otherwise. */
int ps_report_format_parse(const char *s, enum ps_report_format *out) PS_MUST_USE;
const char *ps_report_format_name(enum ps_report_format f);
/* The format a file name implies by its extension (".md", ".markdown",
 * ".csv", ".json", ".html", ".htm"); false when it implies none. */
bool ps_report_format_from_path(const char *path, enum ps_report_format *out);

/*
 * Parse "YYYY-MM" (exactly: four digits, '-', two digits, month 01..12,
 * year 1970..9999). PS_EINVAL with `d` saying why ("'2026-13' is not a
 * month: there is no month 13"). Thread-safe.
 */
int ps_report_month_parse(const char *s, int *year, int *month,
			  struct ps_diag *d) PS_MUST_USE;
/* [start, end) of month year-month in Asia/Shanghai, µs UTC. */
int ps_report_month_range(int year, int month, int64_t *start,
			  int64_t *end) PS_MUST_USE;

/*
 * The monthly threat bulletin of year-month, appended to `out`. The
 * counting basis is the evidence events (incident_events) with ts in the
 * month: totals, by category, national level, unit, day (every day of the
 * month), top 10 indicators and affected assets; incidents with evidence
 * in the month by state; and the clocks overdue at as_of = min(now, month
 * end): not met by as_of (met_at NULL or later) and deadline < as_of.
 * Formats HTML, MD or CSV (rows "section,key,label,count"; see
 * docs/REPORTS.md). PS_OK; PS_EINVAL (bad month or format, in `d`);
 * PS_EDB (the store's message in `d`); PS_ELIMIT; PS_ENOMEM. On error
 * `out` may hold part of the report.
 */
int ps_report_bulletin(struct ps_case_ctx *cx, int year, int month,
		       const struct ps_report_opts *o, struct ps_buf *out,
		       struct ps_diag *d) PS_MUST_USE;

/*
 * The rectification notice of unit `unit` (a registry key): the unit and
 * its owners, a notice number, the date (now, Asia/Shanghai) and one item
 * per open incident of the unit (state not closed, verified or
 * false_positive) with its rectification deadline and overdue flag at
 * `now`, then the requirements. Formats HTML or MD. PS_ENOENT with "no
 * unit 'X' in the registry" for an unknown unit; PS_EINVAL, PS_EDB,
 * PS_ELIMIT, PS_ENOMEM.
 */
int ps_report_notice(struct ps_case_ctx *cx, const char *unit,
		     const struct ps_report_opts *o, struct ps_buf *out,
		     struct ps_diag *d) PS_MUST_USE;

/*
 * The report of incident `id` for the regulator: facts and level, owner
 * routing, timeline (history), clocks at `now`, measures and the first 20
 * evidence events. Formats HTML, MD or JSON. PS_ENOENT ("no incident
 * INC-..."), PS_EINVAL, PS_EDB, PS_ELIMIT, PS_ENOMEM.
 */
int ps_report_incident(struct ps_case_ctx *cx, int64_t id,
		       const struct ps_report_opts *o, struct ps_buf *out,
		       struct ps_diag *d) PS_MUST_USE;

#endif
