/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Verifying the audit trail: walk the records in id order, recompute each
 * chained HMAC-SM3 and compare the end with the meta head, naming the first
 * bad record. Also the listing behind `panshi audit list`.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "audit/audit.h"
#include "audit/audit_int.h"
#include "store/store.h"

#define PAGE 1000

/* Walking state: the last good record's id and hash. */
struct walk {
	struct ps_audit *a;
	struct ps_audit_report *rep;
	int64_t last_id;
	char last_hash[PS_AUDIT_HASH_HEX];
	bool bad;
};

static void fail(struct walk *w, int64_t id, const char *fmt, ...) PS_PRINTF(3, 4);

static void fail(struct walk *w, int64_t id, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->rep->reason, sizeof(w->rep->reason), fmt, ap);
	va_end(ap);
	w->rep->first_bad = id;
	w->rep->intact = false;
	w->bad = true;
}

/* Check one row against the chain so far. */
static int check_row(struct walk *w, struct ps_stmt *s, struct ps_diag *d)
{
	int64_t id = ps_store_stmt_column_int64(s, 0);
	int64_t ts = ps_store_stmt_column_int64(s, 1);
	const char *details = ps_store_stmt_column_text(s, 5);
	const char *prev = ps_store_stmt_column_text(s, 6);
	const char *hash = ps_store_stmt_column_text(s, 7);
	char *cd = NULL, calc[PS_AUDIT_HASH_HEX];
	int rc;

	if (id != w->last_id + 1) {
		if (id <= w->last_id)
			fail(w, id, "record %" PRId64 ": out of order", id);
		else
			fail(w, w->last_id + 1, "record %" PRId64 " missing (deleted)",
			     w->last_id + 1);
		return PS_OK;
	}
	if (prev == NULL || strcmp(prev, w->last_hash) != 0) {
		if (id == 1)
			fail(w, id, "record 1: prev_hash is not the chain's start (reordered or edited)");
		else
			fail(w, id, "record %" PRId64 ": prev_hash does not match record %" PRId64
			     " (deleted or reordered)", id, id - 1);
		return PS_OK;
	}
	if (details != NULL && ps_audit_json_canonical(details, &cd, NULL) != PS_OK) {
		fail(w, id, "record %" PRId64 ": details are not valid (edited)", id);
		return PS_OK;
	}
	rc = ps_audit_hash(w->a, id, ts, ps_store_stmt_column_text(s, 2),
			   ps_store_stmt_column_text(s, 3), ps_store_stmt_column_text(s, 4),
			   cd, prev, calc);
	ps_free(cd);
	if (rc != PS_OK) {
		ps_diag_set(d, "cannot hash record %" PRId64 ": %s", id, ps_strerror(rc));
		return rc;
	}
	if (hash == NULL || !ps_ct_equal(calc, hash, 64) || hash[64] != '\0') {
		fail(w, id, "record %" PRId64 ": hash does not match its contents (edited)", id);
		return PS_OK;
	}
	w->last_id = id;
	memcpy(w->last_hash, hash, PS_AUDIT_HASH_HEX);
	w->rep->verified++;
	return PS_OK;
}

/* One page of rows after w->last_id; *more when it was full. */
static int walk_page(struct walk *w, bool *more, struct ps_diag *d)
{
	struct ps_stmt *s;
	int64_t n = 0;
	int rc = ps_store_prepare(w->a->st,
		"SELECT id, ts, actor, action, object, details, prev_hash, hash"
		" FROM audit_log WHERE id > ? ORDER BY id LIMIT ?", &s);

	*more = false;
	if (rc != PS_OK)
		goto db;
	if ((rc = ps_store_stmt_bind_int64(s, 1, w->last_id)) != PS_OK ||
	    (rc = ps_store_stmt_bind_int64(s, 2, PAGE)) != PS_OK)
		goto out;
	while (!w->bad && (rc = ps_store_stmt_step(s)) == PS_OK) {
		n++;
		if ((rc = check_row(w, s, d)) != PS_OK)
			goto out;
	}
	if (rc == PS_EOF || w->bad)
		rc = PS_OK;
	*more = n == PAGE && !w->bad;
out:
	ps_store_stmt_finalize(s);
	if (rc != PS_EDB)
		return rc;
db:
	ps_diag_set(d, "cannot read the audit trail: %s", ps_store_errmsg(w->a->st));
	return rc;
}

/* How many rows and the highest id (rows past a bad record included). */
static int count_rows(struct ps_store *st, struct ps_audit_report *rep)
{
	struct ps_stmt *s;
	int rc = ps_store_prepare(st, "SELECT COUNT(*), MAX(id) FROM audit_log", &s);

	if (rc != PS_OK)
		return rc;
	rc = ps_store_stmt_step(s);
	if (rc == PS_OK) {
		rep->records = ps_store_stmt_column_int64(s, 0);
		rep->last_id = ps_store_stmt_column_int64(s, 1);
	}
	ps_store_stmt_finalize(s);
	return rc == PS_OK || rc == PS_EOF ? PS_OK : rc;
}

/* Read the meta head and, after an intact walk, compare the end with it. */
static int check_head(struct walk *w, struct ps_diag *d)
{
	char *v = NULL, hh[PS_AUDIT_HASH_HEX];
	int64_t hid = 0, end = w->last_id;
	int rc = ps_store_meta_get(w->a->st, PS_AUDIT_HEAD_KEY, &v);

	if (rc == PS_ENOENT) {
		if (end > 0 && !w->bad)
			fail(w, 0, "the head is missing but records run to %" PRId64
			     " (meta '" PS_AUDIT_HEAD_KEY "' deleted)", end);
		return PS_OK;
	}
	if (rc != PS_OK) {
		ps_diag_set(d, "cannot read the audit head: %s", ps_store_errmsg(w->a->st));
		return rc;
	}
	rc = ps_audit_head_parse(v, &hid, hh);
	ps_free(v);
	if (rc != PS_OK) {
		if (w->bad)
			return PS_OK;
		fail(w, 0, "the head is malformed (meta '" PS_AUDIT_HEAD_KEY "' edited)");
		return PS_OK;
	}
	w->rep->head_id = hid;
	if (w->bad)
		return PS_OK;
	if (end < hid)
		fail(w, end + 1, "records end at %" PRId64 " but the head says %" PRId64
		     " (tail deleted)", end, hid);
	else if (end > hid)
		fail(w, hid + 1, "record %" PRId64 " is past the head %" PRId64
		     " (appended outside the trail)", hid + 1, hid);
	else if (!ps_ct_equal(hh, w->last_hash, 64))
		fail(w, end, "record %" PRId64 " does not match the head (replaced)", end);
	return PS_OK;
}

int ps_audit_verify(struct ps_audit *a, struct ps_audit_report *report,
		    struct ps_diag *d)
{
	struct walk w = {.a = a, .rep = report};
	bool more = true;
	int rc = PS_OK;

	memset(report, 0, sizeof(*report));
	report->intact = true;
	memset(w.last_hash, '0', 64);
	while (more && rc == PS_OK)
		rc = walk_page(&w, &more, d);
	if (rc == PS_OK)
		rc = check_head(&w, d);
	if (rc == PS_OK)
		rc = count_rows(a->st, report);
	if (rc == PS_EDB)
		ps_diag_set(d, "cannot read the audit trail: %s", ps_store_errmsg(a->st));
	return rc;
}

static int list_bind(struct ps_stmt *s, const struct ps_audit_filter *f)
{
	int rc = PS_OK;

	if (rc == PS_OK)
		rc = ps_store_stmt_bind_text(s, 1, f->object);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_text(s, 2, f->object);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_text(s, 3, f->action);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_text(s, 4, f->action);
	if (rc == PS_OK)
		rc = ps_store_stmt_bind_int64(s, 5, f->limit > 0 ? f->limit : INT64_MAX);
	return rc;
}

int ps_audit_list(struct ps_store *st, const struct ps_audit_filter *f,
		  ps_audit_record_fn fn, void *arg, struct ps_diag *d)
{
	static const struct ps_audit_filter all;
	struct ps_audit_record rec;
	struct ps_stmt *s;
	int rc = ps_store_prepare(st,
		"SELECT id, ts, actor, action, object, details, prev_hash, hash FROM ("
		" SELECT * FROM audit_log"
		" WHERE (CAST(? AS TEXT) IS NULL OR object = ?)"
		" AND (CAST(? AS TEXT) IS NULL OR action = ?)"
		" ORDER BY id DESC LIMIT ?) AS t ORDER BY id", &s);

	if (rc != PS_OK)
		goto out;
	if ((rc = list_bind(s, f != NULL ? f : &all)) != PS_OK)
		goto fin;
	while ((rc = ps_store_stmt_step(s)) == PS_OK) {
		rec.id = ps_store_stmt_column_int64(s, 0);
		rec.ts_us = ps_store_stmt_column_int64(s, 1);
		rec.actor = ps_store_stmt_column_text(s, 2);
		rec.action = ps_store_stmt_column_text(s, 3);
		rec.object = ps_store_stmt_column_text(s, 4);
		rec.details = ps_store_stmt_column_text(s, 5);
		rec.prev_hash = ps_store_stmt_column_text(s, 6);
		rec.hash = ps_store_stmt_column_text(s, 7);
		if ((rc = fn(arg, &rec)) != PS_OK)
			goto fin;
	}
	if (rc == PS_EOF)
		rc = PS_OK;
fin:
	ps_store_stmt_finalize(s);
out:
	if (rc == PS_EDB)
		ps_diag_set(d, "cannot read the audit trail: %s", ps_store_errmsg(st));
	return rc;
}
