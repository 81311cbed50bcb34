/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Routes of the REST API: threat intelligence. Indicators are listed,
 * searched and shown, sources and counts read, exports downloaded, and
 * uploaded files imported in a background thread with its own store
 * handle whose progress the console polls from a mutex-protected table.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>

#include "api/api.h"
#include "core/core.h"
#include "intel/intel.h"
#include "intel/intel_json.h"
#include "store/store.h"

#define PREFIX "/api/v1/"
#define EXPORT_MAX ((size_t)1 << 30)

static unsigned bad_param(struct ps_api_resp *rs, const char *k, const char *v)
{
	return ps_api_error(rs, PS_API_INVALID_PARAMETER, "parameter '%s': invalid value '%s'",
			    k, v);
}

static struct ps_store *req_store(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	if (rq->th == NULL || rq->th->st == NULL) {
		ps_api_error(rs, PS_API_UNAVAILABLE, "the store is not open");
		return NULL;
	}
	return rq->th->st;
}

static unsigned query_failed(struct ps_api_resp *rs, struct ps_store *st, int rc)
{
	if (rc == PS_ENOMEM)
		return ps_api_error(rs, PS_API_INTERNAL, "out of memory");
	ps_log_error("api", "intel query failed: %s",
		     rc == PS_EDB ? ps_store_errmsg(st) : ps_strerror(rc));
	return ps_api_error(rs, PS_API_INTERNAL, "cannot read the indicators: %s",
			    rc == PS_EDB ? "store error" : ps_strerror(rc));
}

/* ---- indicators ------------------------------------------------------------------- */

static int append_ioc(void *arg, const struct ps_ioc *ioc)
{
	return json_array_append_new(arg, ps_intel_ioc_to_json(ioc)) == 0 ? PS_OK : PS_ENOMEM;
}

/* The list's filters into f; `value` (PS_IOC_VALUE_MAX + 1 bytes) holds the
 * normalised value. 0 or 400. */
static unsigned ioc_filter(const struct ps_api_list *l, struct ps_intel_filter *f,
			   char *value, struct ps_api_resp *rs)
{
	const char *v;
	struct ps_ioc_norm n;
	struct ps_diag d = {{0}};

	if ((v = ps_api_list_filter(l, "type")) != NULL && ps_ioc_type_parse(v, &f->type) != PS_OK)
		return bad_param(rs, "type", v);
	if ((v = ps_api_list_filter(l, "category")) != NULL &&
	    ps_ioc_category_parse(v, &f->category) != PS_OK)
		return bad_param(rs, "category", v);
	f->source = ps_api_list_filter(l, "source");
	f->contains = ps_api_list_filter(l, "contains");
	if ((v = ps_api_list_filter(l, "value")) != NULL) {
		if (ps_ioc_normalize(f->type, v, strlen(v), &n, &d) != PS_OK)
			return ps_api_error(rs, PS_API_INVALID_PARAMETER, "parameter 'value': %s",
					    d.msg);
		memcpy(value, n.value, n.len + 1);
		f->value = value;
	}
	return 0;
}

/* GET /intel/indicators: by id; "-id" reads the window from the end. */
static unsigned ioc_list(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	struct ps_intel_filter f = {0};
	struct ps_store *st = req_store(rq, rs);
	struct ps_api_list l;
	char *value = NULL;
	json_t *items = NULL;
	int64_t total = 0;
	unsigned code;
	int rc;

	if (st == NULL)
		return rs->status;
	if (ps_api_list_parse(rq, rs, &l) != PS_OK)
		return rs->status;
	if ((value = ps_malloc(PS_MEM_API, PS_IOC_VALUE_MAX + 1)) == NULL)
		return ps_api_error(rs, PS_API_INTERNAL, "out of memory");
	if ((code = ioc_filter(&l, &f, value, rs)) != 0)
		goto out;
	rc = (items = json_array()) != NULL ? ps_intel_count(st, &f, &total) : PS_ENOMEM;
	f.limit = l.limit;
	f.offset = l.offset;
	if (l.desc) {
		int64_t end = total - l.offset;

		f.offset = end > l.limit ? end - l.limit : 0;
		f.limit = end > l.limit ? l.limit : end;
	}
	if (rc == PS_OK && f.limit > 0)
		rc = ps_intel_query(st, &f, append_ioc, items);
	if (rc != PS_OK) {
		code = query_failed(rs, st, rc);
		goto out;
	}
	if (l.desc) { /* reverse in place */
		for (size_t i = 0, n = json_array_size(items); i < n / 2; i++) {
			json_t *a = json_incref(json_array_get(items, i));

			json_array_set(items, i, json_array_get(items, n - 1 - i));
			json_array_set_new(items, n - 1 - i, a);
		}
	}
	code = ps_api_list_reply(rs, &l, items, total);
	items = NULL;
out:
	json_decref(items);
	ps_free(value);
	return code;
}

/* GET /intel/indicators/{value}?type=T: every source's entry for it. */
static unsigned ioc_show(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	enum ps_ioc_type type = PS_IOC_NONE;
	struct ps_store *st = req_store(rq, rs);
	const char *t = ps_api_query(rq, "type"), *v = rq->nparam ? rq->param[0] : "";
	struct ps_diag d = {{0}};
	int64_t found = 0;
	json_t *items;
	int rc;

	if (st == NULL)
		return rs->status;
	if (t != NULL && ps_ioc_type_parse(t, &type) != PS_OK)
		return bad_param(rs, "type", t);
	if ((items = json_array()) == NULL)
		return ps_api_error(rs, PS_API_INTERNAL, "out of memory");
	rc = ps_intel_show(st, type, v, append_ioc, items, &found, &d);
	if (rc != PS_OK || found == 0) {
		json_decref(items);
		if (rc == PS_EINVAL)
			return ps_api_error(rs, PS_API_INVALID_PARAMETER, "%s", d.msg);
		if (rc != PS_OK)
			return query_failed(rs, st, rc);
		return ps_api_error(rs, PS_API_NOT_FOUND, "no indicator '%s'", v);
	}
	return ps_api_json(rs, 200, items);
}

/* ---- sources and stats -------------------------------------------------------------- */

static int append_source(void *arg, const struct ps_intel_source *s)
{
	return json_array_append_new(arg, ps_intel_source_to_json(s)) == 0 ? PS_OK : PS_ENOMEM;
}

/* GET /intel/sources */
static unsigned sources(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	struct ps_store *st = req_store(rq, rs);
	json_t *a;
	int rc;

	if (st == NULL)
		return rs->status;
	if ((a = json_array()) == NULL)
		return ps_api_error(rs, PS_API_INTERNAL, "out of memory");
	if ((rc = ps_intel_source_list(st, append_source, a)) != PS_OK) {
		json_decref(a);
		return query_failed(rs, st, rc);
	}
	return ps_api_json(rs, 200, a);
}

static int stat_put(void *arg, const char *key, int64_t count)
{
	return json_object_set_new(arg, key, json_integer(count)) == 0 ? PS_OK : PS_ENOMEM;
}

/* GET /intel/stats: {"totals":{...},"by_type":{},"by_category":{},"by_source":{}} */
static unsigned stats(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	static const char *const groups[] = {"by_type", "by_category", "by_source"};
	struct ps_store *st = req_store(rq, rs);
	struct ps_intel_totals tot;
	json_t *o;
	int rc;

	if (st == NULL)
		return rs->status;
	rc = ps_intel_totals_get(st, rq->now > 0 ? rq->now : ps_time_now_us(), &tot);
	o = rc == PS_OK ? json_pack("{s:{s:I,s:I,s:I,s:I}}", "totals",
				    "indicators", (json_int_t)tot.indicators,
				    "live", (json_int_t)tot.live, "values", (json_int_t)tot.values,
				    "sources", (json_int_t)tot.sources) : NULL;
	if (rc == PS_OK && o == NULL)
		rc = PS_ENOMEM;
	for (int by = 0; by < 3 && rc == PS_OK; by++) {
		json_t *g = json_object();

		if (g == NULL || json_object_set_new(o, groups[by], g) != 0)
			rc = PS_ENOMEM;
		else
			rc = ps_intel_stats(st, (enum ps_intel_stat_by)by, stat_put, g);
	}
	if (rc != PS_OK) {
		json_decref(o);
		return query_failed(rs, st, rc);
	}
	return ps_api_json(rs, 200, o);
}

/* ---- export ------------------------------------------------------------------------- */

static unsigned export_opts(struct ps_api_req *rq, struct ps_api_resp *rs,
			    struct ps_intel_export_opts *o)
{
	struct ps_intel_filter *f = &o->filter;
	const char *v;

	o->format = PS_INTEL_EXPORT_STIX;
	f->tlp_max = PS_TLP_GREEN;
	if ((v = ps_api_query(rq, "format")) != NULL &&
	    ps_intel_export_fmt_parse(v, &o->format) != PS_OK)
		return bad_param(rs, "format", v);
	if ((v = ps_api_query(rq, "tlp_max")) != NULL && ps_tlp_parse(v, &f->tlp_max) != PS_OK)
		return bad_param(rs, "tlp_max", v);
	if (f->tlp_max == PS_TLP_RED)
		return ps_api_error(rs, PS_API_INVALID_PARAMETER,
				    "parameter 'tlp_max': TLP:RED indicators are never exported");
	if ((v = ps_api_query(rq, "type")) != NULL && ps_ioc_type_parse(v, &f->type) != PS_OK)
		return bad_param(rs, "type", v);
	if ((v = ps_api_query(rq, "category")) != NULL &&
	    ps_ioc_category_parse(v, &f->category) != PS_OK)
		return bad_param(rs, "category", v);
	if ((v = ps_api_query(rq, "live")) != NULL && strcmp(v, "true") != 0 &&
	    strcmp(v, "false") != 0)
		return bad_param(rs, "live", v);
	if (v != NULL && strcmp(v, "true") == 0)
		f->live_at = rq->now > 0 ? rq->now : ps_time_now_us();
	f->source = ps_api_query(rq, "source");
	o->producer = ps_api_query(rq, "producer");
	return 0;
}

/* The bytes of f from the start into b. */
static int slurp(FILE *f, struct ps_buf *b)
{
	char chunk[16384];
	size_t n;

	rewind(f);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (ps_buf_add(b, chunk, n) != PS_OK)
			return PS_ELIMIT;
	return ferror(f) ? PS_EIO : PS_OK;
}

/* GET /intel/export?format=stix|csv|gbt36643&tlp_max=green...: the file. */
static unsigned intel_export(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	struct ps_intel_export_opts o = {0};
	struct ps_intel_export_report r;
	struct ps_store *st = req_store(rq, rs);
	struct ps_diag d = {{0}};
	unsigned code;
	FILE *f;
	int rc;

	if (st == NULL || (code = export_opts(rq, rs, &o)) != 0)
		return rs->status;
	if ((f = tmpfile()) == NULL)
		return ps_api_error(rs, PS_API_INTERNAL, "cannot create a temporary file: %s",
				    strerror(errno));
	rc = ps_intel_export(st, &o, f, &r, &d);
	if (rc == PS_OK && fflush(f) != 0)
		rc = PS_EIO;
	if (rc == PS_OK) {
		ps_buf_init(&rs->body, PS_MEM_API, EXPORT_MAX);
		rc = slurp(f, &rs->body);
	}
	fclose(f);
	if (rc != PS_OK) {
		ps_buf_release(&rs->body);
		return ps_api_error(rs, PS_API_INTERNAL, "cannot export: %s",
				    d.msg[0] ? d.msg : ps_strerror(rc));
	}
	snprintf(rs->content_type, sizeof(rs->content_type), "%s",
		 o.format == PS_INTEL_EXPORT_CSV ? "text/csv; charset=utf-8" : "application/json");
	snprintf(rs->filename, sizeof(rs->filename), "panshi-intel-%s.%s",
		 ps_intel_export_fmt_name(o.format),
		 o.format == PS_INTEL_EXPORT_CSV ? "csv" : "json");
	rs->status = 200;
	return 200;
}

/* ---- imports ------------------------------------------------------------------------ */

#define IMPORT_SLOTS 32

enum import_state { IMPORT_RUNNING, IMPORT_DONE, IMPORT_FAILED };

/* One import as the console sees it. Slots with id 0 are free; finished
 * ones are reused oldest first. Guarded by imp_lock. */
struct import_job {
	int64_t id;
	enum import_state state;
	int64_t read, added, updated, errors, finished_us;
	char source[128];
	char message[700];
};

static pthread_mutex_t imp_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t imp_ended = PTHREAD_COND_INITIALIZER; /* imp_running fell */
static struct import_job imp_jobs[IMPORT_SLOTS];
static int64_t imp_next = 1;
static int imp_running;   /* threads started and not yet at their end */
static atomic_bool imp_stop; /* every running import: stop (ps_api_imports_stop) */

/* What the import thread owns: copies of everything it reads. */
struct import_task {
	int64_t id;
	char *db, *pg_schema;
	struct ps_store_settings set;
	struct ps_intel_import_opts o;
	char *source, *map, *family, *tags;
	char name[128];
	char location[300];  /* "upload:feed.csv by token:alice", not the temporary path */
	char dir[256];
	char path[400];
};

static void task_free(struct import_task *t)
{
	if (t == NULL)
		return;
	if (t->path[0] != '\0')
		(void)unlink(t->path);
	if (t->dir[0] != '\0')
		(void)rmdir(t->dir);
	ps_free(t->db);
	ps_free(t->pg_schema);
	ps_free(t->source);
	ps_free(t->map);
	ps_free(t->family);
	ps_free(t->tags);
	ps_free(t);
}

static struct import_job *job_find(int64_t id)
{
	for (size_t i = 0; i < IMPORT_SLOTS; i++)
		if (imp_jobs[i].id == id)
			return &imp_jobs[i];
	return NULL;
}

static void on_progress(void *arg, const struct ps_intel_progress *p)
{
	const struct import_task *t = arg;
	struct import_job *j;

	pthread_mutex_lock(&imp_lock);
	if ((j = job_find(t->id)) != NULL)
		j->read = p->read;
	pthread_mutex_unlock(&imp_lock);
}

/* s with every occurrence of `from` replaced by `to`, into out. */
static void replace_all(const char *s, const char *from, const char *to, char *out, size_t n)
{
	size_t used = 0, fl = strlen(from);
	const char *hit;

	out[0] = '\0';
	while (used + 1 < n && fl > 0 && (hit = strstr(s, from)) != NULL) {
		int w = snprintf(out + used, n - used, "%.*s%s", (int)(hit - s), s, to);

		used += w > 0 ? (size_t)w : 0;
		s = hit + fl;
	}
	if (used + 1 < n)
		snprintf(out + used, n - used, "%s", s);
}

/* The outcome of an import as the job's final state. */
static void import_outcome(const struct import_task *t, int rc, const struct ps_intel_report *r,
			   const struct ps_diag *d, struct import_job *out)
{
	char msg[sizeof(out->message)];

	out->read = r->read;
	out->added = r->imported;
	out->updated = r->updated;
	out->errors = r->bad;
	out->state = rc != PS_OK || (r->read == 0 && r->bad > 0) ? IMPORT_FAILED : IMPORT_DONE;
	msg[0] = '\0';
	if (rc != PS_OK)
		snprintf(msg, sizeof(msg), "%s", d->msg[0] ? d->msg : ps_strerror(rc));
	else if (r->n_shown > 0 && r->shown[0].where[0] != '\0')
		snprintf(msg, sizeof(msg), "%s: %s: %s", t->name, r->shown[0].where,
			 r->shown[0].msg);
	else if (r->n_shown > 0)
		snprintf(msg, sizeof(msg), "%s:%ld: %s", t->name, r->shown[0].line,
			 r->shown[0].msg);
	else if (out->state == IMPORT_FAILED)
		snprintf(msg, sizeof(msg), "%s: no indicator found", t->name);
	replace_all(msg, t->path, t->name, out->message, sizeof(out->message));
}

static void *import_main(void *arg)
{
	struct import_task *t = arg;
	struct ps_intel_report *r = ps_calloc(PS_MEM_API, 1, sizeof(*r));
	struct import_job res = {0};
	struct ps_store *st = NULL;
	struct ps_diag d = {{0}};
	struct import_job *j;
	int rc = r != NULL ? PS_OK : PS_ENOMEM;

	if (rc == PS_OK)
		rc = ps_store_open(t->db, &t->set, &st, &d);
	if (rc == PS_OK)
		rc = ps_intel_import_file(st, &t->o, t->path, r, &d);
	if (r != NULL)
		import_outcome(t, rc, r, &d, &res);
	else
		res.state = IMPORT_FAILED;
	ps_store_close(st);
	ps_free(r);
	res.id = t->id;
	task_free(t);
	/* the final state last, once everything is released */
	pthread_mutex_lock(&imp_lock);
	if ((j = job_find(res.id)) != NULL) {
		snprintf(res.source, sizeof(res.source), "%s", j->source);
		res.finished_us = ps_time_now_us();
		*j = res;
	}
	imp_running--;
	pthread_cond_broadcast(&imp_ended);
	pthread_mutex_unlock(&imp_lock);
	return NULL;
}

void ps_api_imports_stop(void)
{
	atomic_store(&imp_stop, true);
}

int ps_api_imports_running(int64_t wait_us)
{
	struct timespec until;
	int n;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += (time_t)(wait_us / 1000000);
	until.tv_nsec += (long)(wait_us % 1000000) * 1000;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&imp_lock);
	while (imp_running > 0 && wait_us > 0 &&
	       pthread_cond_timedwait(&imp_ended, &imp_lock, &until) == 0)
		;
	n = imp_running;
	pthread_mutex_unlock(&imp_lock);
	return n;
}

/* A file name fit for a temporary directory and messages. */
static void safe_name(const char *in, char *out, size_t n)
{
	const char *base = in != NULL ? strrchr(in, '/') : NULL;
	size_t w = 0;

	for (const char *p = base ? base + 1 : in ? in : ""; *p != '\0' && w + 1 < n; p++)
		out[w++] = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "0123456789._-", *p) != NULL ? *p : '_';
	out[w] = '\0';
	if (w == 0 || out[0] == '.')
		snprintf(out, n, "upload");
}

static int dup_opt(const char *v, char **out)
{
	*out = NULL;
	if (v == NULL)
		return PS_OK;
	*out = ps_strdup(PS_MEM_API, v);
	return *out != NULL ? PS_OK : PS_ENOMEM;
}

static unsigned parse_int_param(struct ps_api_resp *rs, const char *k, const char *v,
				int64_t lo, int64_t hi, int64_t *out)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || n < lo || n > hi)
		return bad_param(rs, k, v);
	*out = n;
	return 0;
}

/* The import options of the query (as `panshi intel import`'s options). */
static unsigned import_opts(struct ps_api_req *rq, struct ps_api_resp *rs,
			    struct import_task *t)
{
	struct ps_intel_import_opts *o = &t->o;
	const char *v;
	int64_t n;
	enum ps_tlp tlp;

	if ((v = ps_api_query(rq, "format")) != NULL && ps_intel_format_parse(v, &o->format) != PS_OK)
		return bad_param(rs, "format", v);
	if ((v = ps_api_query(rq, "type")) != NULL && ps_ioc_type_parse(v, &o->type) != PS_OK)
		return bad_param(rs, "type", v);
	if ((v = ps_api_query(rq, "category")) != NULL &&
	    ps_ioc_category_parse(v, &o->category) != PS_OK)
		return bad_param(rs, "category", v);
	if ((v = ps_api_query(rq, "severity")) != NULL) {
		if (parse_int_param(rs, "severity", v, 1, 5, &n) != 0)
			return rs->status;
		o->severity = (int)n;
	}
	if ((v = ps_api_query(rq, "confidence")) != NULL) {
		if (parse_int_param(rs, "confidence", v, 0, 100, &n) != 0)
			return rs->status;
		o->confidence = (int)n;
	}
	if ((v = ps_api_query(rq, "tlp")) != NULL) {
		if (ps_tlp_parse(v, &tlp) != PS_OK)
			return bad_param(rs, "tlp", v);
		o->tlp = (int)tlp;
	}
	if ((v = ps_api_query(rq, "shareable")) != NULL) {
		if (strcmp(v, "true") != 0 && strcmp(v, "false") != 0)
			return bad_param(rs, "shareable", v);
		o->shareable = strcmp(v, "true") == 0;
	}
	if ((v = ps_api_query(rq, "subdomains")) != NULL) {
		if (strcmp(v, "true") != 0 && strcmp(v, "false") != 0)
			return bad_param(rs, "subdomains", v);
		o->subdomains = strcmp(v, "true") == 0;
	}
	if ((v = ps_api_query(rq, "ttl_s")) != NULL &&
	    parse_int_param(rs, "ttl_s", v, 0, INT64_C(100000) * 86400, &o->ttl_s) != 0)
		return rs->status;
	if ((v = ps_api_query(rq, "refresh_s")) != NULL &&
	    parse_int_param(rs, "refresh_s", v, 0, INT64_C(100000) * 86400, &o->refresh_s) != 0)
		return rs->status;
	return 0;
}

/* Fill the task from the request: options, copies, the file on disk. */
static unsigned import_prepare(struct ps_api_req *rq, struct ps_api_resp *rs,
			       const struct ps_api_server_opts *so, struct import_task *t)
{
	const char *tmp = getenv("TMPDIR"), *source = ps_api_query(rq, "source");
	unsigned code;
	FILE *f;

	ps_intel_import_opts_init(&t->o);
	if ((code = import_opts(rq, rs, t)) != 0)
		return code;
	if (source == NULL || source[0] == '\0')
		return ps_api_error(rs, PS_API_INVALID_PARAMETER, "parameter 'source' is required");
	safe_name(ps_api_query(rq, "name"), t->name, sizeof(t->name));
	if (t->o.format == PS_INTEL_FMT_AUTO)
		t->o.format = ps_intel_format_guess(t->name);
	if (t->o.format == PS_INTEL_FMT_MISP && ps_api_query(rq, "format") == NULL)
		t->o.format = PS_INTEL_FMT_LIST;
	if (so->store_set != NULL)
		t->set = *so->store_set;
	else
		ps_store_settings_default(&t->set);
	if (dup_opt(so->db, &t->db) != PS_OK || dup_opt(t->set.pg_schema, &t->pg_schema) ||
	    dup_opt(source, &t->source) || dup_opt(ps_api_query(rq, "map"), &t->map) ||
	    dup_opt(ps_api_query(rq, "family"), &t->family) ||
	    dup_opt(ps_api_query(rq, "tags"), &t->tags))
		return ps_api_error(rs, PS_API_INTERNAL, "out of memory");
	t->set.db = t->db;
	t->set.pg_schema = t->pg_schema;
	t->o.source = t->source;
	snprintf(t->location, sizeof(t->location), "upload:%s by %s", t->name,
		 rq->actor[0] ? rq->actor : "anonymous");
	t->o.location = t->location;
	t->o.stop = &imp_stop;
	t->o.map = t->map;
	t->o.family = t->family;
	t->o.tags = t->tags;
	t->o.progress = on_progress;
	t->o.progress_arg = t;
	t->o.progress_ms = 250;
	snprintf(t->dir, sizeof(t->dir), "%s/panshi-import-XXXXXX",
		 tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
	if (mkdtemp(t->dir) == NULL) {
		t->dir[0] = '\0';
		return ps_api_error(rs, PS_API_INTERNAL, "cannot create a temporary directory: %s",
				    strerror(errno));
	}
	snprintf(t->path, sizeof(t->path), "%s/%s", t->dir, t->name);
	f = fopen(t->path, "wbx");
	if (f == NULL || fwrite(rq->body, 1, rq->body_len, f) != rq->body_len ||
	    fclose(f) != 0) {
		if (f == NULL)
			t->path[0] = '\0';
		return ps_api_error(rs, PS_API_INTERNAL, "cannot store the upload: %s",
				    strerror(errno));
	}
	return 0;
}

/* A slot for a new job (free, else the oldest finished); NULL when all run.
 * Called with imp_lock held. */
static struct import_job *job_slot(void)
{
	struct import_job *best = NULL;

	for (size_t i = 0; i < IMPORT_SLOTS; i++) {
		struct import_job *j = &imp_jobs[i];

		if (j->id == 0)
			return j;
		if (j->state != IMPORT_RUNNING &&
		    (best == NULL || j->finished_us < best->finished_us))
			best = j;
	}
	return best;
}

static json_t *job_json(const struct import_job *j)
{
	static const char *const states[] = {"running", "done", "failed"};

	return json_pack("{s:I,s:s,s:s,s:I,s:I,s:I,s:I,s:s}", "id", (json_int_t)j->id,
			 "state", states[j->state], "source", j->source,
			 "read", (json_int_t)j->read, "added", (json_int_t)j->added,
			 "updated", (json_int_t)j->updated, "errors", (json_int_t)j->errors,
			 "message", j->message);
}

/* Register the job and start its thread. 0 or the error status. */
static unsigned import_start(struct ps_api_resp *rs, struct import_task *t, json_t **reply)
{
	struct import_job *j;
	pthread_attr_t attr;
	pthread_t tid;
	int err;

	pthread_mutex_lock(&imp_lock);
	if ((j = job_slot()) == NULL) {
		pthread_mutex_unlock(&imp_lock);
		return ps_api_error(rs, PS_API_UNAVAILABLE, "%d imports are running; try later",
				    IMPORT_SLOTS);
	}
	if (imp_running == 0)   /* an earlier stop is over */
		atomic_store(&imp_stop, false);
	memset(j, 0, sizeof(*j));
	j->id = t->id = imp_next++;
	j->state = IMPORT_RUNNING;
	snprintf(j->source, sizeof(j->source), "%s", t->source);
	*reply = job_json(j);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	err = pthread_create(&tid, &attr, import_main, t);
	pthread_attr_destroy(&attr);
	if (err != 0) {
		j->id = 0;
		pthread_mutex_unlock(&imp_lock);
		json_decref(*reply);
		*reply = NULL;
		return ps_api_error(rs, PS_API_INTERNAL, "cannot start the import: %s",
				    strerror(err));
	}
	imp_running++;
	pthread_mutex_unlock(&imp_lock);
	return 0;
}

/* POST /intel/imports?source=NAME&name=FILE&format=...: the raw file as the
 * body; 202 {"id","state":"running",...} and the import runs on. */
static unsigned import_post(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	const struct ps_api_server_opts *so = ps_api_server_opts_get(rq->srv);
	struct import_task *t;
	json_t *reply = NULL;
	unsigned code;

	if (so == NULL || so->db == NULL)
		return ps_api_error(rs, PS_API_UNAVAILABLE, "imports need the server's store");
	if (rq->body == NULL || rq->body_len == 0)
		return ps_api_error(rs, PS_API_INVALID_FIELD,
				    "the body is empty: send the file's content");
	if ((t = ps_calloc(PS_MEM_API, 1, sizeof(*t))) == NULL)
		return ps_api_error(rs, PS_API_INTERNAL, "out of memory");
	code = import_prepare(rq, rs, so, t);
	if (code == 0)
		code = import_start(rs, t, &reply);
	if (code != 0) {
		task_free(t);
		return code;
	}
	if (reply == NULL)
		return ps_api_error(rs, PS_API_INTERNAL, "out of memory");
	snprintf(rs->location, sizeof(rs->location), PREFIX "intel/imports/%lld",
		 (long long)json_integer_value(json_object_get(reply, "id")));
	return ps_api_json(rs, 202, reply);
}

/* GET /intel/imports/{id} */
static unsigned import_get(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	const char *v = rq->nparam ? rq->param[0] : "";
	struct import_job *j;
	json_t *o = NULL;
	char *end;
	long long id;

	errno = 0;
	id = strtoll(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || id <= 0)
		return ps_api_error(rs, PS_API_NOT_FOUND, "no import '%s'", v);
	pthread_mutex_lock(&imp_lock);
	if ((j = job_find(id)) != NULL)
		o = job_json(j);
	pthread_mutex_unlock(&imp_lock);
	if (j == NULL)
		return ps_api_error(rs, PS_API_NOT_FOUND, "no import '%s'", v);
	if (o == NULL)
		return ps_api_error(rs, PS_API_INTERNAL, "out of memory");
	return ps_api_json(rs, 200, o);
}

/* ---- the table ---------------------------------------------------------------------- */

static const char *const ioc_filters[] = {"type", "source", "category", "value", "contains",
					  NULL};
static const char *const ioc_sorts[] = {"id", NULL};
static const struct ps_api_list_spec ioc_list_spec = {ioc_filters, ioc_sorts, "id"};

const struct ps_api_route ps_api_routes_intel[] = {
	{PS_API_GET, PREFIX "intel/indicators", PS_PERM_INTEL_READ, ioc_list, "intel",
	 "list and search indicators (contains = substring of the value)", &ioc_list_spec,
	 NULL, false},
	{PS_API_GET, PREFIX "intel/indicators/{value}", PS_PERM_INTEL_READ, ioc_show, "intel",
	 "every source's entry for one value (?type= when ambiguous)", NULL, NULL, false,
	 "type"},
	{PS_API_GET, PREFIX "intel/sources", PS_PERM_INTEL_READ, sources, "intel",
	 "intelligence sources and their last import", NULL, NULL, false},
	{PS_API_GET, PREFIX "intel/stats", PS_PERM_INTEL_READ, stats, "intel",
	 "indicator counts: totals, by type, category and source", NULL, NULL, false},
	{PS_API_GET, PREFIX "intel/export", PS_PERM_INTEL_READ, intel_export, "intel",
	 "download shareable indicators (format stix|csv|gbt36643, tlp_max, type, source, "
	 "category, live, producer)", NULL, NULL, false,
	 "format,tlp_max,type,source,category,live,producer"},
	{PS_API_POST, PREFIX "intel/imports", PS_PERM_INTEL_WRITE, import_post, "intel",
	 "import the uploaded file in the background, with the options of `panshi intel "
	 "import` as query parameters", NULL, "@raw", true,
	 "source,name,format,type,category,severity,confidence,tlp,shareable,subdomains,"
	 "ttl_s,refresh_s,map,family,tags"},
	{PS_API_GET, PREFIX "intel/imports/{id}", PS_PERM_INTEL_READ, import_get, "intel",
	 "the state and counts of an import", NULL, NULL, false},
	{0},
};
