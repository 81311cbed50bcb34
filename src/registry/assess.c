/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Checklist runs over the registry: read the assessed record's level and
 * type, score the answer sheet, store the assessment and its rectification
 * items in one transaction, count and move the items to closure.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "registry/assess.h"
#include "registry/framework.h"
#include "registry/registry.h"
#include "policy/policy.h"
#include "store/store.h"
#include "core/core.h"

#define FINDINGS_MAX 4000
#define ITEM_TEXT_MAX 2000

/* ---- the assessed record -------------------------------------------------------- */

void ps_assess_target_copy(struct ps_assess_target *dst,
			   const struct ps_assess_target *src)
{
	*dst = *src;
	dst->fw.type = src->fw.type ? dst->type : NULL;
	dst->fw.label = dst->label;
}

struct op_level {
	struct ps_date on;
	int64_t max;
};

/* A unit in service on `on`: live already and not retired yet. */
static int op_unit(void *arg, const struct ps_reg_record *u)
{
	struct op_level *ol = arg;
	struct ps_date live, gone;
	int64_t lv = 0;

	if (ps_reg_record_date(u, "go_live_date", &live) == PS_OK &&
	    ps_date_cmp(live, ol->on) > 0)
		return 0;
	if (ps_reg_record_date(u, "retired_date", &gone) == PS_OK &&
	    ps_date_cmp(gone, ol->on) <= 0)
		return 0;
	if (ps_reg_record_int(u, "level", &lv) == PS_OK && lv > ol->max)
		ol->max = lv;
	return 0;
}

static int operator_level(struct ps_registry *r, const char *key,
			  struct ps_date on, int64_t *level)
{
	struct ps_reg_filter f = {.field = {"operator"}, .value = {key}, .n = 1};
	struct op_level ol = {.on = on, .max = 0};
	int rc = ps_reg_list(r, ps_reg_kind_find("unit"), &f, op_unit, &ol);

	*level = ol.max;
	return rc;
}

/* Rank of an industrial-internet level label (policy industrial.levels). */
static int iie_rank(const struct ps_registry *r, const char *label,
		    int64_t *rank)
{
	const struct ps_policy_table *t =
		r->pol ? ps_policy_table_get(r->pol, "industrial.levels") : NULL;
	long row = t && label ? ps_policy_table_find(t, "name", label) : -1;

	*rank = 0;
	if (row < 0)
		return PS_ENOENT;
	return ps_policy_table_get_int(t, (size_t)row, "rank", rank);
}

static int target_level(struct ps_registry *r, const struct ps_reg_record *rec,
			const char *kind, struct ps_date on, int64_t *level,
			struct ps_diag *d)
{
	int rc = PS_OK;

	*level = 0;
	if (strcmp(kind, "unit") == 0 || strcmp(kind, "iov") == 0) {
		if (ps_reg_record_int(rec, "level", level) != PS_OK)
			*level = 0;
	} else if (strcmp(kind, "iie") == 0) {
		rc = iie_rank(r, ps_reg_record_get(rec, "level"), level);
		if (rc != PS_OK)
			ps_diag_set(d, "iie '%s': level '%s' has no rank in policy "
				    "industrial.levels", rec->key,
				    ps_reg_record_get(rec, "level") ?
					    ps_reg_record_get(rec, "level") : "");
		return rc == PS_OK ? PS_OK : PS_EINVAL;
	} else {
		rc = operator_level(r, rec->key, on, level);
		if (rc != PS_OK)
			ps_diag_set(d, "cannot read the units of operator '%s': %s",
				    rec->key, ps_store_errmsg(r->st));
	}
	return rc;
}

int ps_assess_target_get(struct ps_registry *r, const char *kind,
			 const char *key, struct ps_date on,
			 struct ps_assess_target *out, struct ps_diag *d)
{
	static const char *const type_field[][2] = {
		{"unit", "type"}, {"iie", "class"}, {"iov", "kind"},
		{"operator", "type"},
	};
	unsigned bit = kind ? ps_fw_target_parse(kind) : 0;
	struct ps_reg_record *rec = NULL;
	const char *type = NULL;
	int64_t level = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (bit == 0) {
		ps_diag_set(d, "cannot assess a '%s': use unit, iie, iov or operator",
			    kind ? kind : "");
		return PS_EINVAL;
	}
	if (key == NULL || key[0] == '\0' || strlen(key) >= sizeof(out->key)) {
		ps_diag_set(d, "bad %s key '%s'", kind, key ? key : "");
		return PS_EINVAL;
	}
	out->kind = ps_fw_target_name(bit);
	rc = ps_reg_get(r, ps_reg_kind_find(out->kind), key, &rec);
	if (rc == PS_ENOENT)
		ps_diag_set(d, "%s '%s' does not exist", kind, key);
	else if (rc != PS_OK)
		ps_diag_set(d, "cannot read %s '%s': %s", kind, key,
			    ps_store_errmsg(r->st));
	if (rc != PS_OK)
		return rc;
	rc = target_level(r, rec, out->kind, on, &level, d);
	for (size_t i = 0; i < PS_ARRAY_LEN(type_field); i++)
		if (strcmp(type_field[i][0], out->kind) == 0)
			type = ps_reg_record_get(rec, type_field[i][1]);
	snprintf(out->key, sizeof(out->key), "%s", key);
	snprintf(out->type, sizeof(out->type), "%s", type ? type : "");
	snprintf(out->label, sizeof(out->label), "%s '%s'", out->kind, key);
	out->fw.kind = bit;
	out->fw.level = level > 0 && level < PS_FW_LEVEL_LIMIT ? (int)level : 0;
	out->fw.type = type ? out->type : NULL;
	out->fw.label = out->label;
	ps_reg_record_free(rec);
	return rc;
}

/* ---- planning the items ------------------------------------------------------------ */

static void outcome_zero(struct ps_assess_outcome *o)
{
	memset(o, 0, sizeof(*o));
}

void ps_assess_outcome_release(struct ps_assess_outcome *o)
{
	if (o == NULL)
		return;
	for (size_t i = 0; o->item_keys != NULL && i < o->n_items; i++)
		ps_free(o->item_keys[i]);
	ps_free(o->item_keys);
	ps_free(o->item_req);
	ps_free(o->item_deadline);
	ps_free((void *)o->item_owner);
	ps_free(o->key);
	ps_fw_score_release(&o->score);
	outcome_zero(o);
}

static bool needs_item(const struct ps_fw_item *it)
{
	return it->applicable && (it->v == PS_FW_FAIL || it->v == PS_FW_PARTIAL);
}

static int person_check(struct ps_registry *r, const char *key,
			const struct ps_fw_answers *a, const struct ps_fw_answer *an,
			const char *req, struct ps_diag *d)
{
	struct ps_reg_record *p = NULL;
	int rc = ps_reg_get(r, ps_reg_kind_find("person"), key, &p);

	ps_reg_record_free(p);
	if (rc == PS_OK)
		return PS_OK;
	if (rc != PS_ENOENT)
		ps_diag_set(d, "cannot read person '%s': %s", key,
			    ps_store_errmsg(r->st));
	else if (an != NULL && an->owner != NULL)
		ps_diag_set(d, "%s:%u: owner '%s' of '%s' is not a person in the "
			    "registry", a->file, an->line, key, req);
	else
		ps_diag_set(d, "owner '%s' is not a person in the registry", key);
	return rc == PS_ENOENT ? PS_EINVAL : rc;
}

/* The deadline of item `i`: the answer's, the run's, or date + days. */
static int item_deadline(const struct ps_framework *fw,
			 const struct ps_fw_answers *a, size_t i,
			 const struct ps_assess_opts *o, struct ps_date date,
			 struct ps_date *out, struct ps_diag *d)
{
	const struct ps_fw_answer *an = &a->by_req[i];
	char ds[PS_DATE_FMT_SIZE], dd[PS_DATE_FMT_SIZE];
	int64_t days = o->deadline_days > 0 ? o->deadline_days :
		       fw->rectification_days;

	if (an->has_deadline)
		*out = an->deadline;
	else if (o->deadline_set)
		*out = o->deadline;
	else if (days <= 0) {
		ps_diag_set(d, "requirement '%s' needs a rectification deadline: "
			    "framework '%s' sets no rectification_days, give a "
			    "deadline", fw->reqs[i].id, fw->id);
		return PS_EINVAL;
	} else if (ps_date_add_days(date, days, out) != PS_OK) {
		ps_diag_set(d, "deadline %" PRId64 " days after the run is out of "
			    "range", days);
		return PS_EINVAL;
	}
	if (ps_date_cmp(*out, date) >= 0)
		return PS_OK;
	if (ps_date_fmt(*out, dd, sizeof(dd)) != PS_OK ||
	    ps_date_fmt(date, ds, sizeof(ds)) != PS_OK)
		dd[0] = ds[0] = '\0';
	if (an->has_deadline)
		ps_diag_set(d, "%s:%u: deadline %s of '%s' is before the assessment "
			    "date %s", a->file, an->line, dd, fw->reqs[i].id, ds);
	else
		ps_diag_set(d, "deadline %s is before the assessment date %s", dd, ds);
	return PS_EINVAL;
}

static int plan_alloc(struct ps_assess_outcome *out, size_t n)
{
	out->n_items = n;
	out->item_keys = ps_calloc(PS_MEM_REGISTRY, n ? n : 1, sizeof(char *));
	out->item_req = ps_calloc(PS_MEM_REGISTRY, n ? n : 1, sizeof(size_t));
	out->item_deadline = ps_calloc(PS_MEM_REGISTRY, n ? n : 1,
				       sizeof(struct ps_date));
	out->item_owner = ps_calloc(PS_MEM_REGISTRY, n ? n : 1, sizeof(char *));
	if (out->item_keys && out->item_req && out->item_deadline &&
	    out->item_owner)
		return PS_OK;
	return PS_ENOMEM;
}

/* One entry per failed or partial requirement, owners and deadlines checked. */
static int plan_items(struct ps_registry *r, const struct ps_framework *fw,
		      const struct ps_fw_answers *a,
		      const struct ps_assess_opts *o,
		      struct ps_assess_outcome *out, struct ps_diag *d)
{
	size_t n = 0, k = 0;
	int rc;

	for (size_t i = 0; i < out->score.n_items; i++)
		n += needs_item(&out->score.items[i]);
	if ((rc = plan_alloc(out, n)) != PS_OK) {
		ps_diag_set(d, "out of memory");
		return rc;
	}
	if (o->owner != NULL &&
	    (rc = person_check(r, o->owner, a, NULL, NULL, d)) != PS_OK)
		return rc;
	for (size_t i = 0; i < out->score.n_items; i++) {
		const struct ps_fw_answer *an = &a->by_req[i];

		if (!needs_item(&out->score.items[i]))
			continue;
		out->item_req[k] = i;
		out->item_owner[k] = an->owner ? an->owner : o->owner;
		rc = item_deadline(fw, a, i, o, out->date, &out->item_deadline[k], d);
		if (rc == PS_OK && an->owner != NULL)
			rc = person_check(r, an->owner, a, an, fw->reqs[i].id, d);
		if (rc != PS_OK)
			return rc;
		k++;
	}
	return PS_OK;
}

/* ---- storing ------------------------------------------------------------------------ */

static int set_date(struct ps_reg_record *rec, const char *field,
		    struct ps_date v)
{
	char s[PS_DATE_FMT_SIZE];
	int rc = ps_date_fmt(v, s, sizeof(s));

	return rc == PS_OK ? ps_reg_record_set(rec, field, s) : rc;
}

static int set_u64(struct ps_reg_record *rec, const char *field, uint64_t v)
{
	char s[24];

	snprintf(s, sizeof(s), "%" PRIu64, v);
	return ps_reg_record_set(rec, field, s);
}

static int assessment_record(const struct ps_framework *fw,
			     const struct ps_assess_target *t,
			     const struct ps_assess_opts *o,
			     const struct ps_assess_outcome *out,
			     struct ps_reg_record *rec)
{
	struct ps_buf b = PS_BUF_INIT(PS_MEM_REGISTRY, FINDINGS_MAX + 8);
	int rc;

	if ((rc = ps_reg_record_set(rec, "target_kind", t->kind)) ||
	    (rc = ps_reg_record_set(rec, "target", t->key)) ||
	    (rc = ps_reg_record_set(rec, "kind", fw->kind)) ||
	    (rc = set_date(rec, "date", out->date)) ||
	    (rc = ps_reg_record_set(rec, "assessor", o->assessor)) ||
	    (rc = ps_reg_record_set(rec, "framework", fw->id)) ||
	    (rc = ps_reg_record_set(rec, "framework_version", fw->version)) ||
	    (rc = set_u64(rec, "score", out->score.obtained)) ||
	    (rc = set_u64(rec, "max_score", out->score.max)) ||
	    (rc = ps_reg_record_set(rec, "result",
				    out->score.passed ? "pass" : "fail")) ||
	    (rc = ps_fw_findings(fw, &out->score, FINDINGS_MAX, &b)))
		goto out;
	rc = ps_reg_record_set(rec, "findings", ps_buf_cstr(&b));
out:
	ps_buf_release(&b);
	return rc;
}

static int item_record(const struct ps_framework *fw,
		       const struct ps_fw_answers *a,
		       const struct ps_assess_outcome *out, size_t k,
		       struct ps_reg_record *rec)
{
	struct ps_buf b = PS_BUF_INIT(PS_MEM_REGISTRY, ITEM_TEXT_MAX + 8);
	size_t i = out->item_req[k];
	int rc;

	if ((rc = ps_reg_record_set(rec, "assessment", out->key)) ||
	    (rc = ps_reg_record_set(rec, "requirement", fw->reqs[i].id)) ||
	    (rc = ps_reg_record_set(rec, "owner", out->item_owner[k])) ||
	    (rc = set_date(rec, "deadline", out->item_deadline[k])) ||
	    (rc = ps_reg_record_set(rec, "status", "open")) ||
	    (rc = ps_fw_item_text(fw, &out->score, a, i, ITEM_TEXT_MAX, &b)))
		goto out;
	rc = ps_reg_record_set(rec, "description", ps_buf_cstr(&b));
out:
	ps_buf_release(&b);
	return rc;
}

/* Insert a built record; its key comes back in *key (a copy). */
static int insert_new(struct ps_registry *r, const char *kind,
		      int (*build)(struct ps_reg_record *rec, const void *ctx),
		      const void *ctx, char **key, struct ps_diag *d)
{
	struct ps_reg_record *rec = ps_reg_record_new(ps_reg_kind_find(kind));
	int rc = rec ? build(rec, ctx) : PS_ENOMEM;

	if (rc == PS_ENOMEM)
		ps_diag_set(d, "out of memory");
	else if (rc != PS_OK)
		ps_diag_set(d, "cannot build the %s record: %s", kind,
			    ps_strerror(rc));
	if (rc == PS_OK)
		rc = ps_reg_insert(r, rec, d);
	if (rc == PS_OK && (*key = ps_strdup(PS_MEM_REGISTRY, rec->key)) == NULL) {
		ps_diag_set(d, "out of memory");
		rc = PS_ENOMEM;
	}
	ps_reg_record_free(rec);
	return rc;
}

struct run_ctx {
	const struct ps_framework *fw;
	const struct ps_fw_answers *a;
	const struct ps_assess_target *t;
	const struct ps_assess_opts *o;
	const struct ps_assess_outcome *out;
	size_t k;
};

static int build_assessment(struct ps_reg_record *rec, const void *ctx)
{
	const struct run_ctx *c = ctx;

	return assessment_record(c->fw, c->t, c->o, c->out, rec);
}

static int build_item(struct ps_reg_record *rec, const void *ctx)
{
	const struct run_ctx *c = ctx;

	return item_record(c->fw, c->a, c->out, c->k, rec);
}

static int store_run(struct ps_registry *r, struct run_ctx *c,
		     struct ps_assess_outcome *out, struct ps_diag *d)
{
	int rc = ps_store_begin(r->st);

	if (rc != PS_OK) {
		ps_diag_set(d, "cannot start a transaction: %s",
			    ps_store_errmsg(r->st));
		return rc;
	}
	rc = insert_new(r, "assessment", build_assessment, c, &out->key, d);
	for (c->k = 0; rc == PS_OK && c->k < out->n_items; c->k++)
		rc = insert_new(r, "rectification", build_item, c,
				&out->item_keys[c->k], d);
	if (rc == PS_OK) {
		rc = ps_store_commit(r->st);
		if (rc != PS_OK)
			ps_diag_set(d, "cannot commit the assessment: %s",
				    ps_store_errmsg(r->st));
		return rc;
	}
	if (ps_store_rollback(r->st) != PS_OK)
		return rc; /* the store undid what it could; keep the first error */
	return rc;
}

int ps_assess_run(struct ps_registry *r, const struct ps_framework *fw,
		  const struct ps_fw_answers *a, const struct ps_assess_target *t,
		  const struct ps_assess_opts *o, bool dry_run,
		  struct ps_assess_outcome *out, struct ps_diag *d)
{
	static const struct ps_assess_opts none = {.deadline_days = 0};
	struct run_ctx c = {.fw = fw, .a = a, .t = t, .out = out};
	char ds[PS_DATE_FMT_SIZE], ts[PS_DATE_FMT_SIZE];
	int rc;

	outcome_zero(out);
	c.o = o = o ? o : &none;
	out->date = o->date_set ? o->date : r->today;
	if (!ps_date_valid(out->date.year, out->date.month, out->date.day) ||
	    ps_date_cmp(out->date, r->today) > 0) {
		if (ps_date_fmt(out->date, ds, sizeof(ds)) != PS_OK ||
		    ps_date_fmt(r->today, ts, sizeof(ts)) != PS_OK)
			ds[0] = ts[0] = '\0';
		ps_diag_set(d, "assessment date %s is after today (%s)", ds, ts);
		return PS_EINVAL;
	}
	rc = ps_fw_score(fw, &t->fw, a, &out->score, d);
	if (rc == PS_OK)
		rc = plan_items(r, fw, a, o, out, d);
	if (rc == PS_OK && !dry_run)
		rc = store_run(r, &c, out, d);
	if (rc != PS_OK)
		ps_assess_outcome_release(out);
	return rc;
}

/* ---- tracking --------------------------------------------------------------------- */

bool ps_assess_item_overdue(const struct ps_reg_record *item, struct ps_date today)
{
	const char *st = ps_reg_record_get(item, "status");
	struct ps_date dl;

	if (st != NULL && strcmp(st, "closed") == 0)
		return false;
	return ps_reg_record_date(item, "deadline", &dl) == PS_OK &&
	       ps_date_cmp(dl, today) < 0;
}

struct count_ctx {
	struct ps_assess_counts *c;
	struct ps_date today;
};

static int count_item(void *arg, const struct ps_reg_record *item)
{
	struct count_ctx *cc = arg;
	const char *st = ps_reg_record_get(item, "status");

	cc->c->items++;
	if (st != NULL && strcmp(st, "closed") == 0)
		cc->c->closed++;
	else if (st != NULL && strcmp(st, "in_progress") == 0)
		cc->c->in_progress++;
	else
		cc->c->open++;
	cc->c->overdue += ps_assess_item_overdue(item, cc->today);
	return 0;
}

int ps_assess_counts_get(struct ps_registry *r, const char *assessment,
			 struct ps_date today, struct ps_assess_counts *out)
{
	struct ps_reg_filter f = {.field = {"assessment"}, .value = {assessment},
				  .n = 1};
	struct count_ctx cc = {.c = out, .today = today};

	memset(out, 0, sizeof(*out));
	return ps_reg_list(r, ps_reg_kind_find("rectification"), &f, count_item,
			   &cc);
}

static int rectify_status(const struct ps_reg_record *rec,
			  const struct ps_assess_rectify_opts *o,
			  struct ps_diag *d)
{
	const char *cur = ps_reg_record_get(rec, "status");
	const char *closed = ps_reg_record_get(rec, "closed_date");

	if (o->status == NULL || (strcmp(o->status, "open") != 0 &&
				  strcmp(o->status, "in_progress") != 0 &&
				  strcmp(o->status, "closed") != 0)) {
		ps_diag_set(d, "unknown status '%s' (use open, in_progress or "
			    "closed)", o->status ? o->status : "");
		return PS_EINVAL;
	}
	if (cur != NULL && strcmp(cur, "closed") == 0) {
		ps_diag_set(d, "rectification '%s' was closed on %s and stays "
			    "closed; record a new assessment for a new finding",
			    rec->key, closed ? closed : "?");
		return PS_EINVAL;
	}
	if (cur != NULL && strcmp(cur, o->status) == 0) {
		ps_diag_set(d, "rectification '%s' is already %s", rec->key, cur);
		return PS_EINVAL;
	}
	if (strcmp(o->status, "closed") != 0 && o->date_set) {
		ps_diag_set(d, "a date is only given when closing rectification '%s'",
			    rec->key);
		return PS_EINVAL;
	}
	if (strcmp(o->status, "closed") == 0 &&
	    (o->evidence == NULL || o->evidence[0] == '\0')) {
		ps_diag_set(d, "closing rectification '%s' needs evidence of the fix",
			    rec->key);
		return PS_EINVAL;
	}
	return PS_OK;
}

/* The closing date: not before the assessment, not after today. */
static int closing_date(struct ps_registry *r, const struct ps_reg_record *rec,
			const struct ps_assess_rectify_opts *o,
			struct ps_date *out, struct ps_diag *d)
{
	struct ps_reg_record *as = NULL;
	struct ps_date from = {0, 1, 1};
	char a[PS_DATE_FMT_SIZE], b[PS_DATE_FMT_SIZE];
	int rc;

	*out = o->date_set ? o->date : r->today;
	if (ps_date_fmt(*out, a, sizeof(a)) != PS_OK) {
		ps_diag_set(d, "invalid closing date");
		return PS_EINVAL;
	}
	if (ps_date_cmp(*out, r->today) > 0) {
		ps_diag_set(d, "closing date %s is after today", a);
		return PS_EINVAL;
	}
	rc = ps_reg_get(r, ps_reg_kind_find("assessment"),
			ps_reg_record_get(rec, "assessment"), &as);
	if (rc != PS_OK) {
		ps_diag_set(d, "cannot read the assessment of rectification '%s': %s",
			    rec->key, ps_store_errmsg(r->st));
		return rc;
	}
	if (ps_reg_record_date(as, "date", &from) == PS_OK &&
	    ps_date_cmp(*out, from) < 0) {
		ps_diag_set(d, "closing date %s is before the assessment date %s", a,
			    ps_date_fmt(from, b, sizeof(b)) == PS_OK ? b : "");
		rc = PS_EINVAL;
	}
	ps_reg_record_free(as);
	return rc;
}

int ps_assess_rectify(struct ps_registry *r, const char *item,
		      const struct ps_assess_rectify_opts *o,
		      struct ps_diag *d)
{
	struct ps_reg_record *rec = NULL;
	struct ps_date when;
	bool closing;
	int rc = ps_reg_get(r, ps_reg_kind_find("rectification"), item, &rec);

	if (rc == PS_ENOENT)
		ps_diag_set(d, "rectification '%s' does not exist", item);
	else if (rc != PS_OK)
		ps_diag_set(d, "cannot read rectification '%s': %s", item,
			    ps_store_errmsg(r->st));
	if (rc != PS_OK)
		return rc;
	rc = rectify_status(rec, o, d);
	closing = rc == PS_OK && strcmp(o->status, "closed") == 0;
	if (closing)
		rc = closing_date(r, rec, o, &when, d);
	if (rc == PS_OK)
		rc = ps_reg_record_set(rec, "status", o->status);
	if (rc == PS_OK && o->evidence != NULL)
		rc = ps_reg_record_set(rec, "evidence", o->evidence);
	if (rc == PS_OK && closing)
		rc = set_date(rec, "closed_date", when);
	if (rc == PS_ENOMEM)
		ps_diag_set(d, "out of memory");
	if (rc == PS_OK)
		rc = ps_reg_update(r, rec, d);
	ps_reg_record_free(rec);
	return rc;
}

/* ---- finding frameworks ------------------------------------------------------------ */

int ps_assess_framework_dir(const char *opt, const char *env,
			    const char *policy_dir, char *out, size_t n)
{
	const char *slash;
	size_t len;
	int w;

	if (opt != NULL && opt[0] != '\0')
		w = snprintf(out, n, "%s", opt);
	else if (env != NULL && env[0] != '\0')
		w = snprintf(out, n, "%s", env);
	else if (policy_dir == NULL ||
		 (slash = strrchr(policy_dir, '/')) == NULL)
		w = snprintf(out, n, "frameworks");
	else {
		/* "a/b/policy/" names "a/b/policy": drop trailing slashes first */
		len = strlen(policy_dir);
		while (len > 1 && policy_dir[len - 1] == '/')
			len--;
		for (slash = policy_dir + len - 1; slash > policy_dir && *slash != '/';
		     slash--)
			;
		if (*slash != '/')
			w = snprintf(out, n, "frameworks");
		else if (slash == policy_dir)
			w = snprintf(out, n, "/frameworks");
		else
			w = snprintf(out, n, "%.*s/frameworks",
				     (int)(slash - policy_dir), policy_dir);
	}
	return w >= 0 && (size_t)w < n ? PS_OK : PS_ELIMIT;
}

static bool ends_with(const char *s, const char *sfx)
{
	size_t a = strlen(s), b = strlen(sfx);

	return a >= b && strcmp(s + a - b, sfx) == 0;
}

int ps_assess_framework_open(const char *dir, const char *id_or_path,
			     const struct ps_policy *pol,
			     struct ps_framework **out, struct ps_diag *d)
{
	char path[4096];
	int rc;

	*out = NULL;
	if (strchr(id_or_path, '/') != NULL || ends_with(id_or_path, ".yaml") ||
	    ends_with(id_or_path, ".yml"))
		return ps_fw_load_file(id_or_path, pol, out, d);
	if (snprintf(path, sizeof(path), "%s/%s.yaml", dir, id_or_path) >=
	    (int)sizeof(path)) {
		ps_diag_set(d, "framework path too long");
		return PS_ELIMIT;
	}
	rc = ps_fw_load_file(path, pol, out, d);
	if (rc == PS_ENOENT) {
		ps_diag_set(d, "no framework '%s' in '%s' (looked for '%s')",
			    id_or_path, dir, path);
		return rc;
	}
	if (rc == PS_OK && strcmp((*out)->id, id_or_path) != 0) {
		ps_diag_set(d, "'%s' holds framework '%s', not '%s'", path,
			    (*out)->id, id_or_path);
		ps_fw_free(*out);
		*out = NULL;
		return PS_EINVAL;
	}
	return rc;
}

static bool yaml_file(const char *n)
{
	size_t len = strlen(n);

	return n[0] != '.' && len > 5 && strcmp(n + len - 5, ".yaml") == 0;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void ps_assess_names_free(char **names, size_t n)
{
	for (size_t i = 0; names != NULL && i < n; i++)
		ps_free(names[i]);
	ps_free(names);
}

int ps_assess_framework_files(const char *dir, char ***out, size_t *n,
			      struct ps_diag *d)
{
	DIR *dh = opendir(dir);
	struct dirent *de;
	char **v = NULL;
	size_t cap = 0;
	int rc = PS_OK, e = errno;

	*out = NULL;
	*n = 0;
	if (dh == NULL) {
		ps_diag_set(d, "cannot open framework directory '%s': %s", dir,
			    strerror(e));
		return e == ENOENT ? PS_ENOENT : PS_EIO;
	}
	while (rc == PS_OK && (de = readdir(dh)) != NULL) {
		if (!yaml_file(de->d_name))
			continue;
		if (*n == 10000) {
			rc = PS_ELIMIT;
		} else if (*n == cap) {
			char **nv = ps_reallocarray(PS_MEM_REGISTRY, v,
						    cap ? cap * 2 : 16, sizeof(*v));

			if (nv == NULL)
				rc = PS_ENOMEM;
			else
				v = nv, cap = cap ? cap * 2 : 16;
		}
		if (rc == PS_OK && (v[*n] = ps_strdup(PS_MEM_REGISTRY,
						      de->d_name)) == NULL)
			rc = PS_ENOMEM;
		if (rc == PS_OK)
			(*n)++;
	}
	closedir(dh);
	if (rc != PS_OK) {
		ps_diag_set(d, "%s", rc == PS_ENOMEM ? "out of memory" :
			    "too many framework files");
		ps_assess_names_free(v, *n);
		*n = 0;
		return rc;
	}
	if (*n > 1)
		qsort(v, *n, sizeof(*v), cmp_name);
	*out = v;
	return PS_OK;
}
