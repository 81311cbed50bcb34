/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Routes of the REST API: the monthly bulletin, a unit's rectification
 * notice and an incident report as downloads, written by report/report.h
 * as `panshi report` writes them. Vulnerability details need vuln.details
 * and their disclosure is recorded in the audit trail, as the CLI does.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "api/api.h"
#include "audit/audit.h"
#include "core/core.h"
#include "incident/case.h"
#include "report/report.h"

enum rep_kind { REP_BULLETIN, REP_NOTICE, REP_INCIDENT };

struct rep_args {
	enum rep_kind kind;
	struct ps_report_opts o;
	const char *month, *unit;
	int year, mon;
	int64_t id;
	char object[160];   /* audit object: "bulletin:2026-11" */
	char filename[128];
};

/* Query parameters: the report's own, format, lang and vuln. The route
 * declares them, so the server has refused anything else (a typo never
 * changes what is disclosed). */
static unsigned take_query(struct ps_api_req *rq, struct ps_api_resp *rs,
			   struct rep_args *a, const char **format, bool *vuln)
{
	for (size_t i = 0; i < rq->nquery; i++) {
		const char *k = rq->qkey[i], *v = rq->qval[i] ? rq->qval[i] : "";

		if (!strcmp(k, "format")) {
			*format = v;
		} else if (!strcmp(k, "vuln")) {
			if (strcmp(v, "true") && strcmp(v, "false"))
				return ps_api_error(rs, PS_API_INVALID_PARAMETER,
						    "vuln: '%s' is not true or false", v);
			*vuln = !strcmp(v, "true");
		} else if (!strcmp(k, "lang")) {
			if (strcmp(v, "zh") && strcmp(v, "en"))
				return ps_api_error(rs, PS_API_INVALID_PARAMETER,
						    "lang: '%s' is not zh or en", v);
			a->o.en = !strcmp(v, "en");
		} else if (!strcmp(k, "month")) {
			a->month = v;
		} else if (!strcmp(k, "unit")) {
			a->unit = v;
		}
	}
	return 0;
}

static unsigned pick_format(struct ps_api_resp *rs, struct rep_args *a, const char *f)
{
	static const unsigned allowed[] = {
		[REP_BULLETIN] = 1u << PS_REPORT_HTML | 1u << PS_REPORT_MD | 1u << PS_REPORT_CSV,
		[REP_NOTICE] = 1u << PS_REPORT_HTML | 1u << PS_REPORT_MD,
		[REP_INCIDENT] = 1u << PS_REPORT_HTML | 1u << PS_REPORT_MD | 1u << PS_REPORT_JSON,
	};
	static const char *const names[] = {"html, md, csv", "html, md", "html, md, json"};

	a->o.format = PS_REPORT_HTML;
	if (f != NULL && (ps_report_format_parse(f, &a->o.format) != PS_OK ||
			  !(allowed[a->kind] & 1u << a->o.format)))
		return ps_api_error(rs, PS_API_INVALID_PARAMETER,
				    "format: '%s' is not one of %s", f, names[a->kind]);
	return 0;
}

/* Whether a unit owner may read this unit's reports. */
static bool owns_unit(const struct ps_api_req *rq, const char *unit)
{
	char buf[sizeof(rq->user->units)];
	char *p, *save = NULL;

	if (rq->user == NULL || rq->user->role != PS_ROLE_UNIT_OWNER)
		return true;
	if (unit == NULL)
		return false;
	(void)snprintf(buf, sizeof(buf), "%s", rq->user->units);
	for (p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		while (*p == ' ')
			p++;
		if (!strcmp(p, unit))
			return true;
	}
	return false;
}

/* The report's subject: month, unit or incident (visible to the caller). */
static unsigned subject(struct ps_api_req *rq, struct ps_api_resp *rs, struct rep_args *a)
{
	struct ps_diag d = {{0}};
	struct ps_case c;
	char ref[32];
	int rc;

	if (a->kind == REP_BULLETIN) {
		if (rq->user != NULL && rq->user->role == PS_ROLE_UNIT_OWNER)
			return ps_api_error(rs, PS_API_FORBIDDEN, "the bulletin covers every "
					    "unit: a unit owner reads its units' notices");
		if (a->month == NULL)
			return ps_api_error(rs, PS_API_INVALID_PARAMETER, "month is required "
					    "(YYYY-MM)");
		if (ps_report_month_parse(a->month, &a->year, &a->mon, &d) != PS_OK)
			return ps_api_error(rs, PS_API_INVALID_PARAMETER, "month: %s", d.msg);
		(void)snprintf(a->object, sizeof(a->object), "bulletin:%s", a->month);
		(void)snprintf(a->filename, sizeof(a->filename), "bulletin-%s", a->month);
		return 0;
	}
	if (a->kind == REP_NOTICE) {
		if (a->unit == NULL || !*a->unit)
			return ps_api_error(rs, PS_API_INVALID_PARAMETER, "unit is required");
		if (!owns_unit(rq, a->unit))
			return ps_api_error(rs, PS_API_NOT_FOUND, "no unit '%s' in the "
					    "registry", a->unit);
		(void)snprintf(a->object, sizeof(a->object), "notice:%s", a->unit);
		(void)snprintf(a->filename, sizeof(a->filename), "notice-%s", a->unit);
		return 0;
	}
	if (rq->nparam < 1 || ps_case_ref_parse(rq->param[0], &a->id, &d) != PS_OK)
		return ps_api_error(rs, PS_API_NOT_FOUND, "%s", d.msg);
	if ((rc = ps_case_get(rq->th->cx, a->id, &c, &d)) != PS_OK)
		return ps_api_error_rc(rs, rc, &d);
	ps_case_ref(a->id, ref, sizeof(ref));
	rc = owns_unit(rq, c.unit);
	ps_case_release(&c);
	if (!rc)
		return ps_api_error(rs, PS_API_NOT_FOUND, "no incident %s", ref);
	(void)snprintf(a->object, sizeof(a->object), "incident:%lld", (long long)a->id);
	(void)snprintf(a->filename, sizeof(a->filename), "incident-%s", ref);
	return 0;
}

/* Record that vulnerability details leave in this download. */
static unsigned audit_disclosure(struct ps_api_req *rq, struct ps_api_resp *rs,
				 const struct rep_args *a)
{
	struct ps_diag d = {{0}};
	char details[96];
	int rc;

	if (rq->th->audit == NULL)
		return ps_api_error(rs, PS_API_UNAVAILABLE, "the audit trail is not open");
	(void)snprintf(details, sizeof(details), "{\"format\":\"%s\",\"via\":\"api\"}",
		       ps_report_format_name(a->o.format));
	rc = ps_audit_append(rq->th->audit, rq->now, rq->actor, "report.disclose_vuln",
			     a->object, details, NULL, &d);
	return rc == PS_OK ? 0 : ps_api_error_rc(rs, rc, &d);
}

static const char *content_type(enum ps_report_format f)
{
	switch (f) {
	case PS_REPORT_MD:
		return "text/markdown; charset=utf-8";
	case PS_REPORT_CSV:
		return "text/csv; charset=utf-8";
	case PS_REPORT_JSON:
		return "application/json";
	case PS_REPORT_HTML:
	default:
		return "text/html; charset=utf-8";
	}
}

static unsigned run_report(struct ps_api_req *rq, struct ps_api_resp *rs,
			   enum rep_kind kind)
{
	struct rep_args a = {0};
	struct ps_diag d = {{0}};
	const char *format = NULL;
	bool vuln = false;
	unsigned st;
	int rc;

	a.kind = kind;
	a.o.now = rq->now;
	if ((st = take_query(rq, rs, &a, &format, &vuln)) || (st = pick_format(rs, &a, format)) ||
	    (st = subject(rq, rs, &a)))
		return st;
	if (vuln && !ps_api_may(rq, PS_PERM_VULN_DETAILS))
		return ps_api_error(rs, PS_API_FORBIDDEN, "vulnerability details need the "
				    "permission '%s'", ps_api_perm_name(PS_PERM_VULN_DETAILS));
	a.o.include_vuln = vuln;
	ps_buf_release(&rs->body);
	ps_buf_init(&rs->body, PS_MEM_API, PS_REPORT_MAX);
	if (kind == REP_BULLETIN)
		rc = ps_report_bulletin(rq->th->cx, a.year, a.mon, &a.o, &rs->body, &d);
	else if (kind == REP_NOTICE)
		rc = ps_report_notice(rq->th->cx, a.unit, &a.o, &rs->body, &d);
	else
		rc = ps_report_incident(rq->th->cx, a.id, &a.o, &rs->body, &d);
	if (rc != PS_OK) {
		ps_buf_release(&rs->body);
		return ps_api_error_rc(rs, rc, &d);
	}
	if (vuln && (st = audit_disclosure(rq, rs, &a))) {
		ps_buf_release(&rs->body);
		return st;
	}
	(void)snprintf(rs->content_type, sizeof(rs->content_type), "%s",
		       content_type(a.o.format));
	(void)snprintf(rs->filename, sizeof(rs->filename), "%s.%s", a.filename,
		       ps_report_format_name(a.o.format));
	rs->status = 200;
	return 200;
}

static unsigned get_bulletin(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	return run_report(rq, rs, REP_BULLETIN);
}

static unsigned get_notice(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	return run_report(rq, rs, REP_NOTICE);
}

static unsigned get_incident_report(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	return run_report(rq, rs, REP_INCIDENT);
}

const struct ps_api_route ps_api_routes_reports[] = {
	{PS_API_GET, "/api/v1/reports/bulletin", PS_PERM_REPORTS_READ, get_bulletin,
	 "reports", "The monthly threat bulletin (month, format html|md|csv, lang, "
	 "vuln=true needs vuln.details and is audited)", NULL, NULL, false,
	 "month,format,lang,vuln"},
	{PS_API_GET, "/api/v1/reports/notice", PS_PERM_REPORTS_READ, get_notice, "reports",
	 "The rectification notice of a unit (unit, format html|md, lang, vuln)",
	 NULL, NULL, false, "unit,format,lang,vuln"},
	{PS_API_GET, "/api/v1/reports/incidents/{id}", PS_PERM_REPORTS_READ,
	 get_incident_report, "reports",
	 "The report of an incident for the regulator (format html|md|json, lang, vuln)",
	 NULL, NULL, false, "format,lang,vuln"},
	{0},
};
