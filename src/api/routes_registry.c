/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Routes of the REST API: the registry, every kind through one set of
 * handlers driven by the kind descriptors (/registry/{kind}, with /units,
 * /assets and /persons as aliases), the kinds themselves, address routes
 * and the compliance calendar. Writes go through ps_reg_insert/update/
 * delete with the audit hook installed, as the CLI's registry commands do.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "api/api.h"
#include "audit/audit_registry.h"
#include "core/core.h"
#include "registry/calendar.h"
#include "registry/registry.h"
#include "registry/registry_json.h"
#include "store/store.h"

#define PREFIX "/api/v1/"

/* ---- the kind and the registry of a request -------------------------------------- */

/*
 * The kind a request addresses and the position of its key parameter:
 * /registry/{kind}[/{key}] (kind = plural) or an alias /units[/{key}].
 * NULL (404 set) when the kind is unknown.
 */
static const struct ps_reg_kind *req_kind(struct ps_api_req *rq, struct ps_api_resp *rs,
					  const char **key)
{
	const char *pat = rq->route->pattern, *plural;
	char alias[64];
	size_t first = 0;
	const struct ps_reg_kind *k;

	if (strstr(pat, "{kind}") != NULL) {
		plural = rq->nparam > 0 ? rq->param[0] : "";
		first = 1;
	} else {
		const char *p = pat + strlen(PREFIX), *slash = strchr(p, '/');
		size_t n = slash != NULL ? (size_t)(slash - p) : strlen(p);

		snprintf(alias, sizeof(alias), "%.*s", (int)n, p);
		plural = alias;
	}
	*key = rq->nparam > first ? rq->param[first] : NULL;
	k = ps_reg_kind_find(plural);
	if (k == NULL || strcmp(k->plural, plural) != 0) {
		ps_api_error(rs, PS_API_NOT_FOUND, "no registry kind '%s'", plural);
		return NULL;
	}
	return k;
}

/*
 * A registry over the thread's store for this request: today's date, the
 * request's actor and the audit hook (writes need the trail: 503 without
 * one). `aa` must outlive the use of *r.
 */
static bool req_registry(struct ps_api_req *rq, struct ps_api_resp *rs, bool write,
			 struct ps_registry *r, struct ps_audit_registry_arg *aa)
{
	if (rq->th == NULL || rq->th->st == NULL ||
	    ps_registry_open(rq->th->st, rq->th->reg != NULL ? rq->th->reg->pol : NULL,
			     r) != PS_OK) {
		ps_api_error(rs, PS_API_UNAVAILABLE, "the store is not open");
		return false;
	}
	r->actor = rq->actor;
	if (!write)
		return true;
	if (rq->th->audit == NULL) {
		ps_api_error(rs, PS_API_UNAVAILABLE, "the audit trail is not open");
		return false;
	}
	aa->audit = rq->th->audit;
	aa->actor = rq->actor;
	r->on_change = ps_audit_registry_hook;
	r->on_change_arg = aa;
	return true;
}

static unsigned store_failed(struct ps_api_resp *rs, int rc, const struct ps_registry *r,
			     const char *what)
{
	if (rc == PS_ENOMEM)
		return ps_api_error(rs, PS_API_INTERNAL, "out of memory");
	ps_log_error("api", "cannot %s: %s", what,
		     rc == PS_EDB ? ps_store_errmsg(r->st) : ps_strerror(rc));
	return ps_api_error(rs, PS_API_INTERNAL, "cannot %s: %s", what,
			    rc == PS_EDB ? "store error" : ps_strerror(rc));
}

/* ---- list -------------------------------------------------------------------------- */

/* The list spec of kind k: filters key + every field, sorts key + list fields. */
struct kind_spec {
	struct ps_api_list_spec spec;
	const char **filters, **sorts;
};

static int kind_spec_init(struct kind_spec *ks, const struct ps_reg_kind *k)
{
	size_t nf = 1, ns = 1;

	ks->filters = ps_calloc(PS_MEM_API, k->n_fields + 2, sizeof(*ks->filters));
	ks->sorts = ps_calloc(PS_MEM_API, k->n_fields + 2, sizeof(*ks->sorts));
	if (ks->filters == NULL || ks->sorts == NULL)
		return PS_ENOMEM;
	ks->filters[0] = ks->sorts[0] = "key";
	for (size_t i = 0; i < k->n_fields; i++) {
		ks->filters[nf++] = k->fields[i].name;
		if (k->fields[i].flags & PS_REG_F_LIST)
			ks->sorts[ns++] = k->fields[i].name;
	}
	ks->spec.filters = ks->filters;
	ks->spec.sorts = ks->sorts;
	ks->spec.default_sort = "key";
	return PS_OK;
}

static void kind_spec_release(struct kind_spec *ks)
{
	ps_free(ks->filters);
	ps_free(ks->sorts);
}

/* The list's filters into f, values checked and normalised as stored
 * (norm[] keeps what to free). 0 or the 400 status. */
static unsigned list_filters(struct ps_registry *r, const struct ps_reg_kind *k,
			     const struct ps_api_list *l, struct ps_reg_filter *f, char **norm,
			     struct ps_api_resp *rs)
{
	struct ps_diag d = {{0}};

	if (l->nfilter > PS_REG_FILTER_MAX)
		return ps_api_error(rs, PS_API_INVALID_PARAMETER,
				    "at most %d filters may be given", PS_REG_FILTER_MAX);
	for (size_t i = 0; i < l->nfilter; i++) {
		int fi = ps_reg_field_find(k, l->filter_key[i]);

		if (fi == -1)
			return ps_api_error(rs, PS_API_INVALID_PARAMETER, "unknown parameter '%s'",
					    l->filter_key[i]);
		if (fi >= 0 && ps_reg_value_check(r, &k->fields[fi], l->filter_val[i],
						  &norm[i], &d) != PS_OK)
			return ps_api_error(rs, PS_API_INVALID_PARAMETER, "parameter '%s': %s",
					    l->filter_key[i], d.msg);
		f->field[f->n] = fi >= 0 ? k->fields[fi].name : "key";
		f->value[f->n++] = norm[i] != NULL ? norm[i] : l->filter_val[i];
	}
	return 0;
}

/* Records collected for a sort other than by key. */
struct rec_vec {
	struct ps_reg_record **v;
	size_t n, cap;
};

static int collect(void *arg, const struct ps_reg_record *rec)
{
	struct rec_vec *rv = arg;

	if (rv->n == rv->cap) {
		size_t cap = rv->cap ? 2 * rv->cap : 64;
		struct ps_reg_record **v = ps_realloc(PS_MEM_API, rv->v, cap * sizeof(*v));

		if (v == NULL)
			return PS_ENOMEM;
		rv->v = v;
		rv->cap = cap;
	}
	rv->v[rv->n] = ps_reg_record_dup(rec);
	return rv->v[rv->n++] != NULL ? PS_OK : PS_ENOMEM;
}

static int append_json(void *arg, const struct ps_reg_record *rec)
{
	return json_array_append_new(arg, ps_reg_record_to_json(rec)) == 0 ? PS_OK : PS_ENOMEM;
}

struct sort_by {
	int fi;       /* field index */
	bool numeric; /* int, num and level fields compare as numbers */
	bool desc;
};

/* Empty values last whatever the direction; ties by key. */
static int cmp_rec(const void *a, const void *b, void *arg)
{
	const struct ps_reg_record *x = *(struct ps_reg_record *const *)a;
	const struct ps_reg_record *y = *(struct ps_reg_record *const *)b;
	const struct sort_by *s = arg;
	const char *vx = x->vals[s->fi], *vy = y->vals[s->fi];
	int c;

	if (vx == NULL || vy == NULL)
		return vx == vy ? strcmp(x->key, y->key) : vx == NULL ? 1 : -1;
	if (s->numeric) {
		double dx = strtod(vx, NULL), dy = strtod(vy, NULL);

		c = dx < dy ? -1 : dx > dy;
	} else {
		c = strcmp(vx, vy);
	}
	if (c == 0)
		return strcmp(x->key, y->key);
	return s->desc ? -c : c;
}

/* Sort by a field in memory (a registry holds thousands, not millions). */
static int list_sorted(struct ps_registry *r, const struct ps_reg_kind *k,
		       const struct ps_api_list *l, struct ps_reg_filter *f, json_t *items)
{
	struct rec_vec rv = {0};
	struct sort_by s = {.desc = l->desc};
	int rc;

	s.fi = ps_reg_field_find(k, l->sort);
	if (s.fi >= 0) {
		enum ps_reg_ftype t = k->fields[s.fi].type;

		s.numeric = t == PS_REG_INT || t == PS_REG_NUM || t == PS_REG_LEVEL;
	}
	f->limit = f->offset = 0;
	rc = ps_reg_list(r, k, f, collect, &rv);
	if (rc == PS_OK && s.fi >= 0)
		qsort_r(rv.v, rv.n, sizeof(*rv.v), cmp_rec, &s);
	for (size_t i = 0; rc == PS_OK && i < rv.n; i++) {
		/* by key descending: the store's order reversed */
		size_t at = s.fi < 0 ? rv.n - 1 - i : i;

		if ((int64_t)i >= l->offset && (int64_t)i < l->offset + l->limit)
			rc = append_json(items, rv.v[at]);
	}
	for (size_t i = 0; i < rv.n; i++)
		ps_reg_record_free(rv.v[i]);
	ps_free(rv.v);
	return rc;
}

static unsigned list_reply(struct ps_registry *r, const struct ps_reg_kind *k,
			   const struct ps_api_list *l, struct ps_reg_filter *f,
			   struct ps_api_resp *rs)
{
	json_t *items = json_array();
	int64_t total = 0;
	int rc = items != NULL ? ps_reg_count(r, k, f, &total) : PS_ENOMEM;

	if (rc == PS_OK && (l->sort == NULL || strcmp(l->sort, "key") == 0) && !l->desc) {
		f->limit = l->limit;
		f->offset = l->offset;
		rc = ps_reg_list(r, k, f, append_json, items);
	} else if (rc == PS_OK) {
		rc = list_sorted(r, k, l, f, items);
	}
	if (rc != PS_OK) {
		json_decref(items);
		return store_failed(rs, rc, r, "list the registry");
	}
	return ps_api_list_reply(rs, l, items, total);
}

/* GET /registry/{kind}: the list grammar with the kind's fields as filters. */
static unsigned reg_list(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	const struct ps_reg_kind *k;
	struct ps_audit_registry_arg aa;
	struct kind_spec ks = {0};
	struct ps_reg_filter f = {0};
	char *norm[PS_API_MAX_QUERY] = {0};
	struct ps_api_route rt;
	struct ps_api_req rq2;
	struct ps_api_list l;
	struct ps_registry r;
	const char *key;
	unsigned st;

	if ((k = req_kind(rq, rs, &key)) == NULL || !req_registry(rq, rs, false, &r, &aa))
		return rs->status;
	if (kind_spec_init(&ks, k) != PS_OK) {
		st = ps_api_error(rs, PS_API_INTERNAL, "out of memory");
		goto out;
	}
	rt = *rq->route;
	rt.list = &ks.spec;
	rq2 = *rq;
	rq2.route = &rt;
	if (ps_api_list_parse(&rq2, rs, &l) != PS_OK) {
		st = rs->status;
		goto out;
	}
	st = list_filters(&r, k, &l, &f, norm, rs);
	if (st == 0)
		st = list_reply(&r, k, &l, &f, rs);
out:
	for (size_t i = 0; i < PS_ARRAY_LEN(norm); i++)
		ps_free(norm[i]);
	kind_spec_release(&ks);
	return st;
}

/* ---- one record -------------------------------------------------------------------- */

static unsigned reply_record(struct ps_api_resp *rs, unsigned status,
			     const struct ps_reg_record *rec)
{
	json_t *o = ps_reg_record_to_json(rec);

	if (o == NULL)
		return ps_api_error(rs, PS_API_INTERNAL, "out of memory");
	return ps_api_json(rs, status, o);
}

/* GET /registry/{kind}/{key} */
static unsigned reg_get(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	const struct ps_reg_kind *k;
	struct ps_audit_registry_arg aa;
	struct ps_reg_record *rec = NULL;
	struct ps_registry r;
	const char *key;
	unsigned st;
	int rc;

	if ((k = req_kind(rq, rs, &key)) == NULL || !req_registry(rq, rs, false, &r, &aa))
		return rs->status;
	rc = ps_reg_get(&r, k, key, &rec);
	if (rc == PS_ENOENT)
		return ps_api_error(rs, PS_API_NOT_FOUND, "no %s '%s'", k->name, key);
	if (rc != PS_OK)
		return store_failed(rs, rc, &r, "read the registry");
	st = reply_record(rs, 200, rec);
	ps_reg_record_free(rec);
	return st;
}

/* The text of a JSON body value as the registry holds it; *out NULL for
 * null. false for objects and arrays. */
static bool value_text(json_t *v, char *buf, size_t n, const char **out)
{
	*out = buf;
	switch (json_typeof(v)) {
	case JSON_STRING:
		*out = json_string_value(v);
		return true;
	case JSON_INTEGER:
		snprintf(buf, n, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return true;
	case JSON_REAL:
		snprintf(buf, n, "%.15g", json_real_value(v));
		return true;
	case JSON_TRUE:
	case JSON_FALSE:
		snprintf(buf, n, "%s", json_is_true(v) ? "true" : "false");
		return true;
	case JSON_NULL:
		*out = NULL;
		return true;
	default:
		return false;
	}
}

/*
 * The body's fields into rec (which holds the key already for a PUT).
 * Unknown fields, nested values and a changed key are 400 invalid_field.
 * 0 or the error status.
 */
static unsigned body_fields(struct ps_api_req *rq, struct ps_api_resp *rs,
			    struct ps_reg_record *rec, bool put)
{
	const struct ps_reg_kind *k = rec->kind;
	const char *name, *text;
	char buf[64];
	json_t *v;

	if (rq->json == NULL || !json_is_object(rq->json))
		return ps_api_error(rs, PS_API_BAD_JSON, "the body must be a JSON object");
	json_object_foreach(rq->json, name, v) {
		int fi = ps_reg_field_find(k, name);

		if (fi == -1)
			return ps_api_error(rs, PS_API_INVALID_FIELD, "unknown field '%s' of %s",
					    name, k->name);
		if (!value_text(v, buf, sizeof(buf), &text))
			return ps_api_error(rs, PS_API_INVALID_FIELD, "field '%s': must be a "
					    "string, number, boolean or null", name);
		if (fi == -2 && put && (text == NULL || strcmp(text, rec->key) != 0))
			return ps_api_error(rs, PS_API_INVALID_FIELD,
					    "field 'key': a key never changes ('%s')", rec->key);
		if (fi == -2 && put)
			continue;
		if (ps_reg_record_set(rec, fi >= 0 ? k->fields[fi].name : "key", text) != PS_OK)
			return ps_api_error(rs, PS_API_INTERNAL, "out of memory");
	}
	return 0;
}

/* A refused insert or update: 400 naming the field, 409 for a taken key. */
static unsigned write_failed(struct ps_api_resp *rs, int rc, const struct ps_registry *r,
			     const struct ps_diag *d)
{
	if (rc == PS_EINVAL || rc == PS_ENOENT)
		return ps_api_error(rs, PS_API_INVALID_FIELD, "%s", d->msg);
	if (rc == PS_EEXIST)
		return ps_api_error(rs, PS_API_CONFLICT, "%s", d->msg);
	return store_failed(rs, rc, r, "change the registry");
}

/* Read back what was stored (normalised) and reply with it. */
static unsigned reply_stored(struct ps_api_resp *rs, unsigned status, struct ps_registry *r,
			     const struct ps_reg_record *rec)
{
	struct ps_reg_record *back = NULL;
	int rc = ps_reg_get(r, rec->kind, rec->key, &back);
	unsigned st;

	if (rc != PS_OK)
		return store_failed(rs, rc, r, "read the registry");
	st = reply_record(rs, status, back);
	ps_reg_record_free(back);
	return st;
}

/* POST /registry/{kind}: body = fields (and "key", or one is generated). */
static unsigned reg_create(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	const struct ps_reg_kind *k;
	struct ps_audit_registry_arg aa;
	struct ps_reg_record *rec;
	struct ps_diag d = {{0}};
	struct ps_registry r;
	const char *key;
	unsigned st;
	int rc;

	if ((k = req_kind(rq, rs, &key)) == NULL || !req_registry(rq, rs, true, &r, &aa))
		return rs->status;
	if ((rec = ps_reg_record_new(k)) == NULL)
		return ps_api_error(rs, PS_API_INTERNAL, "out of memory");
	st = body_fields(rq, rs, rec, false);
	if (st == 0 && (rc = ps_reg_insert(&r, rec, &d)) != PS_OK)
		st = write_failed(rs, rc, &r, &d);
	if (st == 0) {
		snprintf(rs->location, sizeof(rs->location), PREFIX "registry/%s/%s",
			 k->plural, rec->key);
		st = reply_stored(rs, 201, &r, rec);
	}
	ps_reg_record_free(rec);
	return st;
}

/* PUT /registry/{kind}/{key}: every field from the body (absent = empty). */
static unsigned reg_put(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	const struct ps_reg_kind *k;
	struct ps_audit_registry_arg aa;
	struct ps_reg_record *old = NULL, *rec = NULL;
	struct ps_diag d = {{0}};
	struct ps_registry r;
	const char *key;
	unsigned st;
	int rc;

	if ((k = req_kind(rq, rs, &key)) == NULL || !req_registry(rq, rs, true, &r, &aa))
		return rs->status;
	rc = ps_reg_get(&r, k, key, &old);
	if (rc == PS_ENOENT)
		return ps_api_error(rs, PS_API_NOT_FOUND, "no %s '%s'", k->name, key);
	if (rc != PS_OK)
		return store_failed(rs, rc, &r, "read the registry");
	ps_reg_record_free(old);
	rec = ps_reg_record_new(k);
	if (rec == NULL || ps_reg_record_set(rec, "key", key) != PS_OK) {
		ps_reg_record_free(rec);
		return ps_api_error(rs, PS_API_INTERNAL, "out of memory");
	}
	st = body_fields(rq, rs, rec, true);
	if (st == 0 && (rc = ps_reg_update(&r, rec, &d)) != PS_OK)
		st = rc == PS_ENOENT && d.msg[0] == '\0' ?
		     ps_api_error(rs, PS_API_NOT_FOUND, "no %s '%s'", k->name, key) :
		     write_failed(rs, rc, &r, &d);
	if (st == 0)
		st = reply_stored(rs, 200, &r, rec);
	ps_reg_record_free(rec);
	return st;
}

/* DELETE /registry/{kind}/{key}: 409 while another record references it. */
static unsigned reg_delete(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	const struct ps_reg_kind *k;
	struct ps_audit_registry_arg aa;
	struct ps_diag d = {{0}};
	struct ps_registry r;
	const char *key;
	int rc;

	if ((k = req_kind(rq, rs, &key)) == NULL || !req_registry(rq, rs, true, &r, &aa))
		return rs->status;
	rc = ps_reg_delete(&r, k, key, &d);
	if (rc == PS_ENOENT)
		return ps_api_error(rs, PS_API_NOT_FOUND, "no %s '%s'", k->name, key);
	if (rc == PS_EEXIST)
		return ps_api_error(rs, PS_API_CONFLICT, "%s", d.msg);
	if (rc != PS_OK)
		return store_failed(rs, rc, &r, "change the registry");
	rs->status = 204;
	return 204;
}

/* ---- kinds and routes -------------------------------------------------------------- */

/* GET /registry/kinds */
static unsigned reg_kinds(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	json_t *a = json_array();

	(void)rq;
	for (size_t i = 0; a != NULL && i < ps_reg_kind_count(); i++)
		if (json_array_append_new(a, ps_reg_kind_to_json(ps_reg_kind_at(i))) != 0) {
			json_decref(a);
			a = NULL;
		}
	if (a == NULL)
		return ps_api_error(rs, PS_API_INTERNAL, "out of memory");
	return ps_api_json(rs, 200, a);
}

/* GET /assets/route?ip=ADDR */
static unsigned asset_route(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	struct ps_audit_registry_arg aa;
	struct ps_reg_route rt = {0};
	struct ps_diag d = {{0}};
	struct ps_registry r;
	const char *ip = ps_api_query(rq, "ip");
	json_t *o;
	int rc;

	if (ip == NULL || ip[0] == '\0')
		return ps_api_error(rs, PS_API_INVALID_PARAMETER, "parameter 'ip' is required");
	if (!req_registry(rq, rs, false, &r, &aa))
		return rs->status;
	rc = ps_reg_route_ip(&r, ip, &rt, &d);
	if (rc == PS_EINVAL) {
		ps_reg_route_release(&rt);
		return ps_api_error(rs, PS_API_INVALID_PARAMETER, "parameter 'ip': %s", d.msg);
	}
	o = rc == PS_OK ? ps_reg_route_to_json(ip, &rt) : NULL;
	ps_reg_route_release(&rt);
	if (rc != PS_OK)
		return store_failed(rs, rc, &r, "route the address");
	if (o == NULL)
		return ps_api_error(rs, PS_API_INTERNAL, "out of memory");
	return ps_api_json(rs, 200, o);
}

/* ---- calendar ---------------------------------------------------------------------- */

struct cal_query {
	struct ps_date as_of;
	bool as_of_set;
	struct ps_cal_filter filter;
	struct ps_cal_select sel;
	struct ps_cal_options opt;
};

/* A date "YYYY-MM-DD", also the date part of an ISO 8601 time. */
static int parse_day(const char *v, struct ps_date *out)
{
	size_t n = strlen(v);

	if (n > 10 && v[10] == 'T')
		n = 10;
	return ps_date_parse(v, n, out);
}

static unsigned cal_param(struct cal_query *q, const char *k, const char *v,
			  struct ps_api_resp *rs)
{
	char *end;

	if (strcmp(k, "as_of") == 0 && parse_day(v, &q->as_of) != PS_OK)
		return ps_api_error(rs, PS_API_INVALID_PARAMETER, "parameter 'as_of': '%s' is "
				    "not a real date (YYYY-MM-DD)", v);
	q->as_of_set |= strcmp(k, "as_of") == 0;
	if (strcmp(k, "status") == 0) {
		q->sel.status_set = true;
		q->sel.open = strcmp(v, "open") == 0;
		if (!q->sel.open && ps_cal_status_parse(v, &q->sel.status) != PS_OK)
			return ps_api_error(rs, PS_API_INVALID_PARAMETER, "parameter 'status': "
					    "'%s' is not one of done, due, upcoming, overdue, open",
					    v);
	} else if (strcmp(k, "mode") == 0 && ps_cal_mode_parse(v, &q->opt.mode) != PS_OK) {
		return ps_api_error(rs, PS_API_INVALID_PARAMETER, "parameter 'mode': '%s' is "
				    "not rolling or calendar_year", v);
	} else if (strcmp(k, "upcoming_days") == 0) {
		q->opt.upcoming_days = strtoll(v, &end, 10);
		if (*v == '\0' || *end != '\0' || q->opt.upcoming_days < 0 ||
		    q->opt.upcoming_days > 3660)
			return ps_api_error(rs, PS_API_INVALID_PARAMETER, "parameter "
					    "'upcoming_days': '%s' is not 0 to 3660", v);
	} else if (strcmp(k, "unit") == 0) {
		q->filter.unit = v;
	} else if (strcmp(k, "operator") == 0) {
		q->filter.operator = v;
	} else if (strcmp(k, "rule") == 0) {
		q->sel.rule = v;
	}
	return 0;
}

/* GET /calendar?as_of&status&unit&operator&mode&rule&upcoming_days */
static unsigned calendar(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	struct cal_query q = {0};
	struct ps_audit_registry_arg aa;
	struct ps_cal_input in = {0};
	struct ps_cal_result res = {0};
	struct ps_diag d = {{0}};
	struct ps_registry r;
	json_t *o = NULL;
	unsigned st;

	ps_cal_options_default(&q.opt);
	for (size_t i = 0; i < rq->nquery; i++)
		if ((st = cal_param(&q, rq->qkey[i], rq->qval[i], rs)) != 0)
			return st;
	if (!req_registry(rq, rs, false, &r, &aa))
		return rs->status;
	if (!q.as_of_set)
		q.as_of = r.today;
	if (ps_cal_load(&r, &q.filter, &in, &d) != PS_OK)
		st = ps_api_error(rs, d.msg[0] ? PS_API_INVALID_PARAMETER : PS_API_INTERNAL,
				  "%s", d.msg[0] ? d.msg : "cannot load the calendar");
	else if (ps_cal_compute(&in, r.pol, q.as_of, &q.opt, &res, &d) != PS_OK)
		st = ps_api_error(rs, PS_API_INTERNAL, "cannot compute the calendar: %s", d.msg);
	else if ((o = ps_cal_result_to_json(&res, q.as_of, &q.sel)) == NULL)
		st = ps_api_error(rs, PS_API_INTERNAL, "out of memory");
	if (o != NULL)
		st = ps_api_json(rs, 200, o);
	ps_cal_result_release(&res);
	ps_cal_input_release(&in);
	return st;
}

/* ---- the table --------------------------------------------------------------------- */

static const char *const key_only[] = {"key", NULL};
static const struct ps_api_list_spec reg_list_spec = {key_only, key_only, "key"};

#define KIND_ROWS(path, what)                                                             \
	{PS_API_GET, PREFIX path, PS_PERM_REGISTRY_READ, reg_list, "registry",            \
	 "list " what " (filters: key and the kind's fields; sorts: key and its list "    \
	 "fields)", &reg_list_spec, NULL, false},                                         \
	{PS_API_POST, PREFIX path, PS_PERM_REGISTRY_WRITE, reg_create, "registry",        \
	 "add " what " (body: key and the fields of GET /registry/kinds)", NULL, "key",   \
	 false},                                                                          \
	{PS_API_GET, PREFIX path "/{key}", PS_PERM_REGISTRY_READ, reg_get, "registry",    \
	 "show one of " what, NULL, NULL, false},                                         \
	{PS_API_PUT, PREFIX path "/{key}", PS_PERM_REGISTRY_WRITE, reg_put, "registry",   \
	 "replace every field of one of " what " (body: the fields; absent = empty)",     \
	 NULL, "key", false},                                                             \
	{PS_API_DELETE, PREFIX path "/{key}", PS_PERM_REGISTRY_WRITE, reg_delete,         \
	 "registry", "delete one of " what " (409 while referenced)", NULL, NULL, false}

const struct ps_api_route ps_api_routes_registry[] = {
	{PS_API_GET, PREFIX "registry/kinds", PS_PERM_REGISTRY_READ, reg_kinds, "registry",
	 "the registry kinds and their fields", NULL, NULL, false},
	KIND_ROWS("registry/{kind}", "records of a registry kind (kind = plural)"),
	{PS_API_GET, PREFIX "assets/route", PS_PERM_REGISTRY_READ, asset_route, "registry",
	 "the asset, unit, operator and people owning an address (?ip=)", NULL, NULL, false,
	 "ip"},
	KIND_ROWS("units", "network units"),
	KIND_ROWS("assets", "assets"),
	KIND_ROWS("persons", "people"),
	{PS_API_GET, PREFIX "calendar", PS_PERM_REGISTRY_READ, calendar, "registry",
	 "the compliance calendar as of a date, as `panshi calendar --format json`", NULL,
	 NULL, false,
	 "as_of,status,unit,operator,mode,rule,upcoming_days"},
	{0},
};
