/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Routes of the REST API: the audit trail for the audit administrator, its
 * records filtered by actor, action and object and paged by id, and the
 * verification of its HMAC-SM3 chain (audit/audit.h).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "api/api.h"
#include "audit/audit.h"
#include "core/core.h"
#include "incident/case_json.h"
#include "store/store.h"

/* The WHERE clause of the list from its filters, with up to 3 values. */
struct audit_sql {
	char sql[512];
	const char *v[3];
	size_t n;
};

static void audit_where(const struct ps_api_list *l, const char *what,
			struct audit_sql *q)
{
	static const char *const cols[] = {"actor", "action", "object"};
	size_t off = (size_t)snprintf(q->sql, sizeof(q->sql), "SELECT %s FROM audit_log "
				      "WHERE 1 = 1", what);

	q->n = 0;
	for (size_t i = 0; i < PS_ARRAY_LEN(cols); i++) {
		const char *v = ps_api_list_filter(l, cols[i]);

		if (v == NULL || off >= sizeof(q->sql))
			continue;
		off += (size_t)snprintf(q->sql + off, sizeof(q->sql) - off, " AND %s = ?",
					cols[i]);
		q->v[q->n++] = v;
	}
}

static int bind_all(struct ps_stmt *s, const struct audit_sql *q)
{
	int rc = PS_OK;

	for (size_t i = 0; rc == PS_OK && i < q->n; i++)
		rc = ps_store_stmt_bind_text(s, (int)i + 1, q->v[i]);
	return rc;
}

static json_t *record_json(struct ps_stmt *s)
{
	const char *det = ps_store_stmt_column_text(s, 5);
	json_t *dj = det ? json_loads(det, JSON_DECODE_ANY, NULL) : NULL;

	return json_pack("{s:I, s:o, s:o, s:o, s:o, s:o}",
			 "id", (json_int_t)ps_store_stmt_column_int64(s, 0),
			 "ts", ps_case_json_time(ps_store_stmt_column_int64(s, 1)),
			 "actor", ps_json_text(ps_store_stmt_column_text(s, 2)),
			 "action", ps_json_text(ps_store_stmt_column_text(s, 3)),
			 "object", ps_json_text(ps_store_stmt_column_text(s, 4)),
			 "details", dj ? dj : json_null());
}

static int audit_count(struct ps_store *st, const struct ps_api_list *l, int64_t *n)
{
	struct audit_sql q;
	struct ps_stmt *s = NULL;
	int rc;

	audit_where(l, "count(*)", &q);
	rc = ps_store_prepare(st, q.sql, &s);
	if (rc == PS_OK)
		rc = bind_all(s, &q);
	if (rc == PS_OK)
		rc = ps_store_stmt_step(s);
	if (rc == PS_OK)
		*n = ps_store_stmt_column_int64(s, 0);
	ps_store_stmt_finalize(s);
	return rc;
}

static int audit_page(struct ps_store *st, const struct ps_api_list *l, json_t *items)
{
	struct audit_sql q;
	struct ps_stmt *s = NULL;
	size_t off;
	int rc;

	audit_where(l, "id, ts, actor, action, object, details", &q);
	off = strlen(q.sql);
	(void)snprintf(q.sql + off, sizeof(q.sql) - off, " ORDER BY id %s LIMIT ? OFFSET ?",
		       l->desc ? "DESC" : "ASC");
	rc = ps_store_prepare(st, q.sql, &s);
	if (rc == PS_OK)
		rc = bind_all(s, &q);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_int64(s, (int)q.n + 1, l->limit);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_int64(s, (int)q.n + 2, l->offset);
	while (rc == PS_OK && (rc = ps_store_stmt_step(s)) == PS_OK) {
		json_t *o = record_json(s);

		if (o == NULL || json_array_append_new(items, o) != 0)
			rc = PS_ENOMEM;
	}
	ps_store_stmt_finalize(s);
	return rc == PS_EOF ? PS_OK : rc;
}

static unsigned list_audit(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	struct ps_api_list l;
	struct ps_diag d = {{0}};
	json_t *items;
	int64_t total = 0;
	int rc;

	if (ps_api_list_parse(rq, rs, &l) != PS_OK)
		return rs->status;
	if ((items = json_array()) == NULL)
		return ps_api_json(rs, 200, NULL);
	rc = audit_count(rq->th->st, &l, &total);
	if (rc == PS_OK)
		rc = audit_page(rq->th->st, &l, items);
	if (rc != PS_OK) {
		json_decref(items);
		ps_diag_set(&d, "cannot read the audit trail: %s",
			    ps_store_errmsg(rq->th->st));
		return ps_api_error_rc(rs, rc, &d);
	}
	return ps_api_list_reply(rs, &l, items, total);
}

static unsigned verify_audit(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	struct ps_audit_report rep;
	struct ps_diag d = {{0}};
	int rc;

	if (rq->th->audit == NULL)
		return ps_api_error(rs, PS_API_UNAVAILABLE, "the audit trail is not open");
	if ((rc = ps_audit_verify(rq->th->audit, &rep, &d)) != PS_OK)
		return ps_api_error_rc(rs, rc, &d);
	return ps_api_json(rs, 200, json_pack("{s:b, s:I, s:I, s:I, s:I, s:I, s:s}",
		"intact", rep.intact, "records", (json_int_t)rep.records,
		"verified", (json_int_t)rep.verified, "first_bad", (json_int_t)rep.first_bad,
		"last_id", (json_int_t)rep.last_id, "head_id", (json_int_t)rep.head_id,
		"reason", rep.reason));
}

static const char *const au_filters[] = {"actor", "action", "object", NULL};
static const char *const au_sorts[] = {"id", NULL};
static const struct ps_api_list_spec au_list = {au_filters, au_sorts, "-id"};

const struct ps_api_route ps_api_routes_audit[] = {
	{PS_API_GET, "/api/v1/audit", PS_PERM_AUDIT_READ, list_audit, "audit",
	 "Audit trail records by actor, action and object", &au_list, NULL, false},
	{PS_API_GET, "/api/v1/audit/verify", PS_PERM_AUDIT_READ, verify_audit, "audit",
	 "Check the audit trail's HMAC-SM3 chain and name the first bad record",
	 NULL, NULL, false},
	{0},
};
