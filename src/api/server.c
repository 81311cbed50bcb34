/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The HTTP server of `panshi serve` over libmicrohttpd: a thread pool that
 * rate-limits, bounds bodies, routes /api/v1/ requests through the route
 * tables (authentication, permission, handler, audit) and serves the built
 * web console for every other path. Each pool thread opens its own store,
 * registry and audit trail on first use (struct ps_api_thread).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <jansson.h>
#include <microhttpd.h>

#include "api/api.h"
#include "audit/audit.h"
#include "core/core.h"
#include "incident/case.h"
#include "registry/registry.h"
#include "store/store.h"

#define RATE_BUCKETS 256
#define RATE_IDLE_US (INT64_C(5) * 60 * 1000000)  /* forget a client idle this long */
#define RATE_SWEEP_AT 4096                         /* entries before a sweep */
#define DROP_MAX ((size_t)16 << 20)              /* then close a too large upload */
#define CSP "default-src 'self'; img-src 'self' data:; style-src 'self' " \
	"'unsafe-inline'; frame-ancestors 'none'"

/* One client address's token bucket (capacity: rate_per_minute). */
struct rate_entry {
	struct rate_entry *next;
	double tokens;
	int64_t last_us;
	char addr[INET6_ADDRSTRLEN];
};

/* The resources of one pool thread; the list is walked at stop. */
struct thread_res {
	struct thread_res *next;
	struct ps_api_thread th;
	struct ps_registry reg;
	struct ps_case_ctx cx;
};

struct ps_api_server {
	struct MHD_Daemon *mhd;
	struct ps_api_server_opts o;   /* db and audit_key are owned copies */
	struct ps_case_settings case_set;
	char *tls_cert, *tls_key;      /* PEM text, kept until stop */
	char web_root[PATH_MAX];       /* resolved; "" = no console */
	unsigned port;
	int64_t started;
	pthread_key_t tkey;
	bool tkey_ok;
	pthread_mutex_t mu;            /* threads and the rate table */
	struct thread_res *threads;
	struct rate_entry *rate[RATE_BUCKETS];
	size_t nrate;
	char start_err[256];           /* libmicrohttpd's message while starting */
	bool starting;
};

/* A request in progress (MHD's per-connection pointer). */
struct conn {
	struct ps_api_req rq;
	struct ps_api_resp rs;
	struct ps_api_user user;
	struct ps_buf body;
	struct ps_arena arena;          /* decoded path parameters and query */
	struct ps_slice cap[PS_API_MAX_PARAMS];
	size_t ncap;
	char client[INET6_ADDRSTRLEN];
	char method[8];                 /* for the access log */
	const char *logpath;            /* in the arena, cut at 300 bytes */
	char allow[64];                 /* 405: the Allow header */
	char retry_after[16];           /* 429: the Retry-After header */
	size_t dropped;                 /* body bytes past the limit */
	bool too_large, done, is_api;
	unsigned status;                /* for the access log */
};


/* ---- helpers ---- */

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*
 * Percent-decode n bytes of s into the arena ('+' is a space when `plus`).
 * NULL when out of memory or when the result would hold a NUL byte.
 */
static char *url_decode(struct ps_arena *a, const char *s, size_t n, bool plus)
{
	char *out = ps_arena_alloc(a, n + 1);
	size_t o = 0;

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		int h, l;

		if (s[i] == '%' && i + 2 < n && (h = hexval((unsigned char)s[i + 1])) >= 0 &&
		    (l = hexval((unsigned char)s[i + 2])) >= 0) {
			out[o] = (char)(h * 16 + l);
			i += 2;
		} else {
			out[o] = plus && s[i] == '+' ? ' ' : s[i];
		}
		if (out[o++] == '\0')
			return NULL;
	}
	out[o] = '\0';
	return out;
}

static int64_t now_us(void)
{
	return ps_time_now_us();
}

/* ---- rate limit: a token bucket per client address ---- */

static size_t addr_hash(const char *s)
{
	size_t h = 5381;

	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h % RATE_BUCKETS;
}

/* Drop entries idle long enough to be full again. Under s->mu. */
static void rate_sweep(struct ps_api_server *s, int64_t now)
{
	for (size_t i = 0; i < RATE_BUCKETS; i++) {
		struct rate_entry **pp = &s->rate[i];

		while (*pp != NULL) {
			struct rate_entry *e = *pp;

			if (now - e->last_us > RATE_IDLE_US) {
				*pp = e->next;
				ps_free(e);
				s->nrate--;
			} else {
				pp = &e->next;
			}
		}
	}
}

/*
 * Take one token for `addr`: 0 when allowed, else the seconds to wait. A
 * client unknown to the table (or the table out of memory) starts full.
 */
static unsigned rate_take(struct ps_api_server *s, const char *addr, int64_t now)
{
	double cap = (double)s->o.set->rate_per_minute, per_us = cap / 60e6;
	struct rate_entry *e;
	size_t h = addr_hash(addr);
	unsigned wait = 0;

	if (s->o.set->rate_per_minute <= 0)
		return 0;
	pthread_mutex_lock(&s->mu);
	for (e = s->rate[h]; e != NULL && strcmp(e->addr, addr) != 0; e = e->next)
		;
	if (e == NULL) {
		if (s->nrate >= RATE_SWEEP_AT)
			rate_sweep(s, now);
		e = ps_calloc(PS_MEM_API, 1, sizeof(*e));
		if (e == NULL)
			goto out;
		snprintf(e->addr, sizeof(e->addr), "%s", addr);
		e->tokens = cap;
		e->last_us = now;
		e->next = s->rate[h];
		s->rate[h] = e;
		s->nrate++;
	}
	e->tokens += (double)(now - e->last_us) * per_us;
	if (e->tokens > cap)
		e->tokens = cap;
	e->last_us = now;
	if (e->tokens >= 1.0)
		e->tokens -= 1.0;
	else
		wait = (unsigned)((1.0 - e->tokens) / per_us / 1e6) + 1;
out:
	pthread_mutex_unlock(&s->mu);
	return wait;
}

/* ---- per-thread resources ---- */

static void thread_res_free(struct thread_res *t)
{
	ps_audit_close(t->th.audit);
	ps_store_close(t->th.st);
	ps_free(t);
}

static struct thread_res *thread_res_open(struct ps_api_server *s, struct ps_diag *d)
{
	struct thread_res *t = ps_calloc(PS_MEM_API, 1, sizeof(*t));

	if (t == NULL) {
		ps_diag_set(d, "out of memory");
		return NULL;
	}
	if (ps_store_open(s->o.db, s->o.store_set, &t->th.st, d) != PS_OK)
		goto fail;
	if (ps_registry_open(t->th.st, s->o.policy, &t->reg) != PS_OK ||
	    ps_audit_open(t->th.st, s->o.audit_key, s->o.audit_key_len,
			  &t->th.audit) != PS_OK) {
		ps_diag_set(d, "cannot open the registry or the audit trail");
		goto fail;
	}
	t->reg.actor = "system";
	t->cx.st = t->th.st;
	t->cx.policy = s->o.policy;
	t->cx.reg = &t->reg;
	t->cx.audit = t->th.audit;
	t->cx.actor = "system";
	t->cx.set = s->case_set;
	t->th.reg = &t->reg;
	t->th.cx = &t->cx;
	return t;
fail:
	thread_res_free(t);
	return NULL;
}

struct ps_api_thread *ps_api_thread_get(struct ps_api_server *s, struct ps_diag *d)
{
	struct thread_res *t = pthread_getspecific(s->tkey);

	if (t != NULL)
		return &t->th;
	t = thread_res_open(s, d);
	if (t == NULL)
		return NULL;
	if (pthread_setspecific(s->tkey, t) != 0) {
		ps_diag_set(d, "cannot keep the thread's store");
		thread_res_free(t);
		return NULL;
	}
	pthread_mutex_lock(&s->mu);
	t->next = s->threads;
	s->threads = t;
	pthread_mutex_unlock(&s->mu);
	return &t->th;
}

/* The actor of the request on every handle of the thread. */
static void thread_set_actor(struct ps_api_thread *th, const char *actor, int64_t now)
{
	struct thread_res *t = (struct thread_res *)(void *)
		((char *)th - offsetof(struct thread_res, th));
	struct ps_date today;

	t->cx.actor = actor;
	t->reg.actor = actor;
	if (ps_date_from_time_us(now, PS_TZ_SHANGHAI, &today) == PS_OK)
		t->reg.today = today;
}

/* ---- routing ---- */

/* Whether `path` matches `pat` segment by segment; {x} segments capture. */
static bool match(const char *pat, const char *path, struct ps_slice *cap, size_t *ncap)
{
	size_t n = 0;

	while (*pat == '/' && *path == '/') {
		size_t pl = strcspn(pat + 1, "/"), sl = strcspn(path + 1, "/");

		if (pat[1] == '{') {
			if (sl == 0 || n == PS_API_MAX_PARAMS)
				return false;
			cap[n].p = (const uint8_t *)path + 1;
			cap[n++].len = sl;
		} else if (pl != sl || memcmp(pat + 1, path + 1, pl) != 0) {
			return false;
		}
		pat += pl + 1;
		path += sl + 1;
	}
	*ncap = n;
	return *pat == '\0' && *path == '\0';
}

struct route_match {
	const struct ps_api_route *r;
	struct ps_slice cap[PS_API_MAX_PARAMS];
	size_t ncap;
	bool path_known;
	char allow[64];
};

/*
 * The route for `path` and `method` (-1: a method no route has). Among
 * several the one with the fewest captures wins, so "/x/kinds" beats
 * "/x/{key}". allow lists the methods of every pattern that matched.
 */
static void find_route(const char *path, int method, struct route_match *m)
{
	bool allowed[PS_API_METHOD__COUNT] = {false};
	struct ps_slice cap[PS_API_MAX_PARAMS];
	const struct ps_api_route *const *t;
	size_t nt, ncap, off = 0;

	memset(m, 0, sizeof(*m));
	t = ps_api_route_tables(&nt);
	for (size_t i = 0; i < nt; i++) {
		for (const struct ps_api_route *r = t[i]; r->handler != NULL; r++) {
			if (!match(r->pattern, path, cap, &ncap))
				continue;
			m->path_known = true;
			allowed[r->method] = true;
			if ((int)r->method != method || (m->r != NULL && ncap >= m->ncap))
				continue;
			m->r = r;
			m->ncap = ncap;
			memcpy(m->cap, cap, sizeof(cap));
		}
	}
	for (int i = 0; i < PS_API_METHOD__COUNT; i++)
		if (allowed[i])
			off += (size_t)snprintf(m->allow + off, sizeof(m->allow) - off, "%s%s",
						off ? ", " : "",
						ps_api_method_name((enum ps_api_method)i));
}

static int parse_method(const char *s)
{
	for (int i = 0; i < PS_API_METHOD__COUNT; i++)
		if (strcmp(s, ps_api_method_name((enum ps_api_method)i)) == 0)
			return i;
	return -1;
}

/* ---- responses ---- */

static void common_headers(struct MHD_Response *r, bool api)
{
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	if (api)
		MHD_add_response_header(r, "Cache-Control", "no-store");
}

static int dump_cb(const char *buf, size_t size, void *data)
{
	return ps_buf_add(data, buf, size) == PS_OK ? 0 : -1;
}

/* The header fields a handler asked for, plus Allow and Retry-After. */
static void resp_headers(struct MHD_Response *r, const struct conn *cn)
{
	const struct ps_api_resp *rs = &cn->rs;
	char disp[256];
	size_t i;

	if (rs->filename[0]) {
		char name[sizeof(rs->filename)];

		for (i = 0; rs->filename[i] != '\0' && i + 1 < sizeof(name); i++) {
			char ch = rs->filename[i];

			name[i] = ch == '"' || ch == '\\' || (unsigned char)ch < 0x20 ? '_' : ch;
		}
		name[i] = '\0';
		snprintf(disp, sizeof(disp), "attachment; filename=\"%s\"", name);
		MHD_add_response_header(r, "Content-Disposition", disp);
	}
	for (i = 0; i < PS_ARRAY_LEN(rs->set_cookie); i++)
		if (rs->set_cookie[i][0])
			MHD_add_response_header(r, "Set-Cookie", rs->set_cookie[i]);
	if (rs->location[0])
		MHD_add_response_header(r, "Location", rs->location);
	if (cn->allow[0])
		MHD_add_response_header(r, "Allow", cn->allow);
	if (cn->retry_after[0])
		MHD_add_response_header(r, "Retry-After", cn->retry_after);
}

static const char oom_body[] =
	"{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\"}}";

/* Queue the answer in cn->rs with `status` (JSON, raw body or none). */
static enum MHD_Result send_resp(struct MHD_Connection *c, struct conn *cn, unsigned status)
{
	struct ps_api_resp *rs = &cn->rs;
	struct ps_buf out = PS_BUF_INIT(PS_MEM_API, SIZE_MAX / 2);
	const char *ctype = "application/json; charset=utf-8";
	struct MHD_Response *r;
	char *p = NULL;
	size_t len = 0;
	enum MHD_Result ret;

	if (status == 204 || status == 304) {
		ctype = NULL;
	} else if (rs->json != NULL) {
		if (json_dump_callback(rs->json, dump_cb, &out, JSON_COMPACT) == 0)
			p = ps_buf_take(&out, &len);
		ps_buf_release(&out);
	} else if (rs->body.len > 0 || rs->content_type[0]) {
		p = ps_buf_take(&rs->body, &len);
		ctype = rs->content_type[0] ? rs->content_type : "application/octet-stream";
	}
	if (p != NULL)
		r = MHD_create_response_from_buffer_with_free_callback(len, p, ps_free);
	else if (ctype != NULL && status != 200)
		r = MHD_create_response_from_buffer(sizeof(oom_body) - 1, (void *)oom_body,
						    MHD_RESPMEM_PERSISTENT);
	else
		r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	if (r == NULL) {
		ps_free(p);
		return MHD_NO;
	}
	common_headers(r, true);
	if (ctype != NULL)
		MHD_add_response_header(r, "Content-Type", ctype);
	resp_headers(r, cn);
	cn->status = status;
	cn->done = true;
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result reply_error(struct MHD_Connection *c, struct conn *cn,
				   enum ps_api_err e, const char *fmt, ...) PS_PRINTF(4, 5);

static enum MHD_Result reply_error(struct MHD_Connection *c, struct conn *cn,
				   enum ps_api_err e, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return send_resp(c, cn, ps_api_error(&cn->rs, e, "%s", msg));
}

/* ---- the static console ---- */

static const struct {
	const char *ext, *type;
} mime[] = {
	{".html", "text/html; charset=utf-8"},
	{".js", "text/javascript; charset=utf-8"},
	{".mjs", "text/javascript; charset=utf-8"},
	{".css", "text/css; charset=utf-8"},
	{".json", "application/json"},
	{".map", "application/json"},
	{".svg", "image/svg+xml"},
	{".png", "image/png"},
	{".jpg", "image/jpeg"},
	{".jpeg", "image/jpeg"},
	{".gif", "image/gif"},
	{".webp", "image/webp"},
	{".ico", "image/x-icon"},
	{".woff", "font/woff"},
	{".woff2", "font/woff2"},
	{".ttf", "font/ttf"},
	{".txt", "text/plain; charset=utf-8"},
	{".wasm", "application/wasm"},
};

/* The content type of a file name by its extension, NULL when unknown. */
static const char *mime_of(const char *path)
{
	const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');

	if (dot == NULL || (slash != NULL && dot < slash))
		return NULL;
	for (size_t i = 0; i < PS_ARRAY_LEN(mime); i++)
		if (strcasecmp(dot, mime[i].ext) == 0)
			return mime[i].type;
	return NULL;
}

/* Whether a segment starts with a dot (".", "..", dot files) or has a backslash. */
static bool bad_segment(const char *path)
{
	for (const char *p = path; *p; p++)
		if (*p == '/' && p[1] == '.')
			return true;
	return strchr(path, '\\') != NULL;
}

/* Open a regular file that resolves inside the web root. */
static int open_inside(const struct ps_api_server *s, const char *path, int *fd, off_t *size)
{
	char real[PATH_MAX];
	size_t rl = strlen(s->web_root);
	struct stat st;

	if (realpath(path, real) == NULL || strncmp(real, s->web_root, rl) != 0 ||
	    real[rl] != '/')
		return -1;
	*fd = open(real, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return -1;
	if (fstat(*fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(*fd);
		return -1;
	}
	*size = st.st_size;
	return 0;
}

/*
 * A file of the console, or index.html for any other path that does not
 * name an asset (the single-page app routes in the browser). Paths with
 * "..", dot files or symbolic links out of the root are not found.
 */
static enum MHD_Result serve_static(const struct ps_api_server *s, struct MHD_Connection *c,
				    struct conn *cn, const char *url)
{
	char full[PATH_MAX + 600];
	const char *dec, *type;
	struct MHD_Response *r;
	enum MHD_Result ret;
	off_t size = 0;
	int fd = -1;

	dec = url_decode(&cn->arena, url, strlen(url), false);
	if (s->web_root[0] == '\0' || dec == NULL || dec[0] != '/' || bad_segment(dec) ||
	    strlen(dec) > 512)
		return reply_error(c, cn, PS_API_NOT_FOUND, "no such page");
	type = mime_of(dec);
	snprintf(full, sizeof(full), "%s%s", s->web_root,
		 strcmp(dec, "/") == 0 ? "/index.html" : dec);
	if (open_inside(s, full, &fd, &size) != 0) {
		if (type != NULL && strcmp(dec, "/") != 0)
			return reply_error(c, cn, PS_API_NOT_FOUND, "no such file");
		snprintf(full, sizeof(full), "%s/index.html", s->web_root);
		if (open_inside(s, full, &fd, &size) != 0)
			return reply_error(c, cn, PS_API_NOT_FOUND, "no such page");
	}
	type = mime_of(full);
	r = MHD_create_response_from_fd((size_t)size, fd);
	if (r == NULL) {
		close(fd);
		return MHD_NO;
	}
	common_headers(r, false);
	MHD_add_response_header(r, "Content-Type", type ? type : "application/octet-stream");
	if (type != NULL && strncmp(type, "text/html", 9) == 0) {
		MHD_add_response_header(r, "Content-Security-Policy", CSP);
		MHD_add_response_header(r, "Cache-Control", "no-cache");
	}
	cn->status = 200;
	cn->done = true;
	ret = MHD_queue_response(c, 200, r);
	MHD_destroy_response(r);
	return ret;
}

/* ---- one API request ---- */

static enum MHD_Result query_cb(void *cls, enum MHD_ValueKind kind, const char *key,
				const char *value)
{
	struct conn *cn = cls;
	struct ps_api_req *rq = &cn->rq;
	char *k, *v;

	(void)kind;
	if (rq->nquery == PS_API_MAX_QUERY) {
		rq->nquery++;
		return MHD_NO;
	}
	k = url_decode(&cn->arena, key, strlen(key), true);
	v = url_decode(&cn->arena, value ? value : "", value ? strlen(value) : 0, true);
	if (k == NULL || v == NULL)
		return MHD_NO;
	rq->qkey[rq->nquery] = k;
	rq->qval[rq->nquery++] = v;
	return MHD_YES;
}

/* Query parameters and the JSON body into rq; PS_EINVAL with rs set. */
static int read_input(struct MHD_Connection *c, struct conn *cn)
{
	struct ps_api_req *rq = &cn->rq;
	int n = MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, query_cb, cn);
	bool has_body = rq->method == PS_API_POST || rq->method == PS_API_PUT ||
			rq->method == PS_API_PATCH;
	json_error_t je;

	if (rq->nquery > PS_API_MAX_QUERY) {
		(void)ps_api_error(&cn->rs, PS_API_INVALID_PARAMETER,
				   "more than %d query parameters", PS_API_MAX_QUERY);
		return PS_EINVAL;
	}
	if (n < 0 || (size_t)n != rq->nquery) {
		(void)ps_api_error(&cn->rs, PS_API_INVALID_PARAMETER,
				   "a query parameter is not valid (a NUL byte?)");
		return PS_EINVAL;
	}
	rq->body = ps_buf_cstr(&cn->body);
	rq->body_len = cn->body.len;
	if (!has_body || rq->body_len == 0 ||
	    (rq->route->body_fields != NULL && strcmp(rq->route->body_fields, "@raw") == 0))
		return PS_OK;
	rq->json = json_loadb(rq->body, rq->body_len, JSON_REJECT_DUPLICATES, &je);
	if (rq->json == NULL) {
		(void)ps_api_error(&cn->rs, PS_API_BAD_JSON,
				   "the body is not valid JSON: line %d, column %d: %s",
				   je.line, je.column, je.text);
		return PS_EINVAL;
	}
	if (!json_is_object(rq->json)) {
		(void)ps_api_error(&cn->rs, PS_API_BAD_JSON, "the body must be a JSON object");
		return PS_EINVAL;
	}
	return PS_OK;
}

/* Who sends the request and whether the route allows it; rs set when not. */
static int authorize(struct MHD_Connection *c, struct conn *cn)
{
	struct ps_api_req *rq = &cn->rq;
	const struct ps_api_route *r = rq->route;
	enum ps_api_err e;

	if (r->perm == PS_PERM_PUBLIC)
		return PS_OK;
	e = ps_api_authenticate(rq,
				MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization"),
				MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Cookie"),
				MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CSRF-Token"),
				&cn->user, &cn->rs);
	if (e != PS_API_OK) {
		if (cn->rs.json == NULL)
			(void)ps_api_error(&cn->rs, e, "log in first");
		return PS_EINVAL;
	}
	rq->user = &cn->user;
	snprintf(rq->actor, sizeof(rq->actor), "%s:%s",
		 cn->user.via_token ? "token" : "web", cn->user.name);
	if (ps_api_role_has(cn->user.role, r->perm))
		return PS_OK;
	(void)ps_api_error(&cn->rs, PS_API_FORBIDDEN,
			   "role %s may not do this: %s %s needs permission %s",
			   ps_api_role_name(cn->user.role), ps_api_method_name(r->method),
			   r->pattern, ps_api_perm_name(r->perm));
	return PS_EINVAL;
}

/* The audit record of a security-relevant call, in its own transaction. */
static void audit_call(struct conn *cn, unsigned status)
{
	const struct ps_api_req *rq = &cn->rq;
	char action[300], details[128];
	struct ps_diag d = {{0}};

	snprintf(action, sizeof(action), "api.%s %s", ps_api_method_name(rq->method),
		 rq->route->pattern);
	snprintf(details, sizeof(details), "{\"client\":\"%s\",\"status\":%u}", cn->client,
		 status);
	if (ps_audit_append(rq->th->audit, ps_time_now_us(),
			    rq->actor[0] ? rq->actor : "anonymous", action, cn->logpath,
			    details, NULL, &d) != PS_OK)
		ps_log_warn("api", "cannot audit %s: %s", action, d.msg);
}

static enum MHD_Result run_api(struct ps_api_server *s, struct MHD_Connection *c,
			       struct conn *cn)
{
	struct ps_api_req *rq = &cn->rq;
	struct ps_diag d = {{0}};
	unsigned st;

	if (read_input(c, cn) != PS_OK)
		return send_resp(c, cn, cn->rs.status);
	rq->th = ps_api_thread_get(s, &d);
	if (rq->th == NULL) {
		ps_log_warn("api", "cannot open the store: %s", d.msg);
		return reply_error(c, cn, PS_API_UNAVAILABLE, "the store is not available");
	}
	if (authorize(c, cn) != PS_OK) {
		if (rq->route->audit)   /* a refused attempt is security-relevant too */
			audit_call(cn, cn->rs.status);
		return send_resp(c, cn, cn->rs.status);
	}
	thread_set_actor(rq->th, rq->actor[0] ? rq->actor : "anonymous", rq->now);
	st = rq->route->list == NULL ? ps_api_query_declared(rq, &cn->rs) : 0;
	if (st == 0)
		st = rq->route->handler(rq, &cn->rs);
	if (st == 0)
		st = cn->rs.status != 0 ? cn->rs.status : 200;
	if (rq->route->audit)
		audit_call(cn, st);
	thread_set_actor(rq->th, "system", rq->now);
	return send_resp(c, cn, st);
}

/* ---- libmicrohttpd callbacks ---- */

static void conn_free(struct conn *cn)
{
	json_decref(cn->rq.json);
	json_decref(cn->rs.json);
	ps_buf_release(&cn->rs.body);
	ps_buf_release(&cn->body);
	ps_arena_release(&cn->arena);
	ps_free(cn);
}

static void client_text(struct MHD_Connection *c, char *out, size_t n)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci != NULL ? ci->client_addr : NULL;

	snprintf(out, n, "%s", "unknown");
	if (sa != NULL && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
			  out, (socklen_t)n);
	else if (sa != NULL && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
			  out, (socklen_t)n);
}

static struct conn *conn_new(struct ps_api_server *s, struct MHD_Connection *c,
			     const char *url, const char *method)
{
	struct conn *cn = ps_calloc(PS_MEM_API, 1, sizeof(*cn));

	if (cn == NULL)
		return NULL;
	ps_arena_init(&cn->arena, PS_MEM_API, 4096, 1 << 20);
	ps_buf_init(&cn->body, PS_MEM_API, (size_t)s->o.set->max_body);
	ps_buf_init(&cn->rs.body, PS_MEM_API, SIZE_MAX / 2);
	cn->rq.srv = s;
	cn->rq.set = s->o.set;
	cn->rq.now = now_us();
	cn->rq.path = url;
	client_text(c, cn->client, sizeof(cn->client));
	cn->rq.client = cn->client;
	snprintf(cn->method, sizeof(cn->method), "%s", method);
	cn->logpath = ps_arena_strndup(&cn->arena, url, 300);
	if (cn->logpath == NULL) {
		conn_free(cn);
		return NULL;
	}
	return cn;
}

/* Route an /api/ request; an error is answered at once. */
static enum MHD_Result begin_api(struct ps_api_server *s, struct MHD_Connection *c,
				 struct conn *cn, const char *url)
{
	struct route_match m;
	int method = parse_method(cn->method);
	bool raw;

	find_route(url, method, &m);
	if (m.r == NULL && m.path_known) {
		snprintf(cn->allow, sizeof(cn->allow), "%s", m.allow);
		return reply_error(c, cn, PS_API_METHOD, "%s is not allowed on %s (allowed: %s)",
				   cn->method, cn->logpath, m.allow);
	}
	if (m.r == NULL)
		return reply_error(c, cn, PS_API_NOT_FOUND, "no route %s %s", cn->method,
				   cn->logpath);
	cn->rq.route = m.r;
	cn->rq.method = (enum ps_api_method)method;
	for (size_t i = 0; i < m.ncap; i++) {
		cn->rq.param[i] = url_decode(&cn->arena, (const char *)m.cap[i].p,
					     m.cap[i].len, false);
		if (cn->rq.param[i] == NULL)
			return reply_error(c, cn, PS_API_INVALID_PARAMETER,
					   "path segment %zu is not valid", i + 1);
	}
	cn->rq.nparam = m.ncap;
	raw = m.r->body_fields != NULL && strcmp(m.r->body_fields, "@raw") == 0;
	if (raw)
		ps_buf_init(&cn->body, PS_MEM_API, (size_t)s->o.set->max_upload);
	return MHD_YES;
}

/* First call of a request: rate limit, route, announced body size. */
static enum MHD_Result begin(struct ps_api_server *s, struct MHD_Connection *c,
			     const char *url, const char *method, void **con_cls)
{
	struct conn *cn = conn_new(s, c, url, method);
	unsigned wait;
	const char *cl;
	enum MHD_Result ret = MHD_YES;

	if (cn == NULL)
		return MHD_NO;
	*con_cls = cn;
	wait = rate_take(s, cn->client, cn->rq.now);
	if (wait != 0) {
		snprintf(cn->retry_after, sizeof(cn->retry_after), "%u", wait);
		return reply_error(c, cn, PS_API_RATE_LIMITED,
				   "too many requests from %s: try again in %u s", cn->client,
				   wait);
	}
	cn->is_api = strncmp(url, "/api/", 5) == 0 || strcmp(url, "/api") == 0;
	if (cn->is_api)
		ret = begin_api(s, c, cn, url);
	else if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		snprintf(cn->allow, sizeof(cn->allow), "GET, HEAD");
		return reply_error(c, cn, PS_API_METHOD, "%s is not allowed here", method);
	}
	if (cn->done || ret != MHD_YES)
		return ret;
	cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl != NULL && strtoull(cl, NULL, 10) > cn->body.max)
		return reply_error(c, cn, PS_API_TOO_LARGE,
				   "the body is larger than the limit of %zu bytes", cn->body.max);
	return MHD_YES;
}

/*
 * Body bytes. Past the limit nothing more is kept: libmicrohttpd cannot
 * answer in the middle of an upload, so the rest of a chunked body (one
 * without Content-Length, refused up front) is read and dropped, and 413
 * sent at its end; a client that keeps sending far beyond is cut off.
 */
static enum MHD_Result take_upload(struct conn *cn, const char *upload, size_t *size)
{
	size_t n = *size;

	*size = 0;
	if (!cn->too_large && ps_buf_add(&cn->body, upload, n) == PS_OK)
		return MHD_YES;
	if (!cn->too_large) {
		cn->too_large = true;
		ps_buf_release(&cn->body);
	}
	cn->dropped += n;
	return cn->dropped <= DROP_MAX ? MHD_YES : MHD_NO;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version,
				  const char *upload, size_t *upload_size, void **con_cls)
{
	struct ps_api_server *s = cls;
	struct conn *cn = *con_cls;

	(void)version;
	if (cn == NULL)
		return begin(s, c, url, method, con_cls);
	if (cn->done) {
		*upload_size = 0;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		return take_upload(cn, upload, upload_size);
	}
	if (cn->too_large)
		return reply_error(c, cn, PS_API_TOO_LARGE,
				   "the body is larger than the limit of %zu bytes", cn->body.max);
	if (!cn->is_api)
		return serve_static(s, c, cn, url);
	return run_api(s, c, cn);
}

/* One access line per request, then the request's memory. */
static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct conn *cn = *con_cls;

	(void)cls;
	(void)c;
	if (cn == NULL)
		return;
	ps_log_info("api", "%s %s %s %u %" PRId64 "us%s", cn->client, cn->method, cn->logpath,
		    cn->status, now_us() - cn->rq.now,
		    toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (aborted)");
	conn_free(cn);
	*con_cls = NULL;
}

/* Keep the URL as sent: path segments and query values are decoded by us,
 * after splitting, so an encoded '/' or '&' stays data. */
static size_t no_unescape(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	return strlen(s);
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct ps_api_server *s = cls;
	char msg[256];
	size_t n;

	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '.'))
		msg[--n] = '\0';
	if (s->starting)
		snprintf(s->start_err, sizeof(s->start_err), "%s", msg);
	else
		PS_LOG_RATELIMITED(PS_LOG_WARN, "api", 10000, 5, "libmicrohttpd: %s", msg);
}
#pragma GCC diagnostic pop

/* ---- start and stop ---- */

/* "host:port" or "[v6]:port" (port 0 = any free one) into a socket address. */
static int parse_listen(const char *l, struct sockaddr_storage *ss, bool *v6,
			struct ps_diag *d)
{
	struct addrinfo hints, *ai = NULL;
	const char *colon = strrchr(l, ':'), *port;
	char host[256];
	size_t hl;
	int rc;

	if (l[0] == '[') {
		const char *e = strchr(l, ']');

		if (e == NULL || e[1] != ':')
			goto bad;
		hl = (size_t)(e - l - 1);
		memcpy(host, l + 1, hl < sizeof(host) ? hl : 0);
		port = e + 2;
	} else {
		if (colon == NULL || strchr(l, ':') != colon)
			goto bad;
		hl = (size_t)(colon - l);
		memcpy(host, l, hl < sizeof(host) ? hl : 0);
		port = colon + 1;
	}
	if (hl == 0 || hl >= sizeof(host) || port[0] == '\0' ||
	    strspn(port, "0123456789") != strlen(port) || strlen(port) > 5 ||
	    strtol(port, NULL, 10) > 65535)
		goto bad;
	host[hl] = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV | AI_PASSIVE;
	rc = getaddrinfo(host, port, &hints, &ai);
	if (rc != 0) {
		ps_diag_set(d, "cannot listen on '%s': %s", l, gai_strerror(rc));
		return PS_EINVAL;
	}
	memset(ss, 0, sizeof(*ss));
	memcpy(ss, ai->ai_addr, ai->ai_addrlen < sizeof(*ss) ? ai->ai_addrlen : sizeof(*ss));
	*v6 = ai->ai_family == AF_INET6;
	freeaddrinfo(ai);
	return PS_OK;
bad:
	ps_diag_set(d, "api.listen: '%s' is not host:port or [address]:port", l);
	return PS_EINVAL;
}

static int load_tls(struct ps_api_server *s, struct ps_diag *d)
{
	const char *cert = s->o.set->tls_cert, *key = s->o.set->tls_key;
	size_t len;
	int rc;

	if ((cert == NULL || cert[0] == '\0') && (key == NULL || key[0] == '\0'))
		return PS_OK;
	if (cert == NULL || cert[0] == '\0' || key == NULL || key[0] == '\0') {
		ps_diag_set(d, "api.tls_cert and api.tls_key go together: give both or neither");
		return PS_EINVAL;
	}
	if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
		ps_diag_set(d, "this libmicrohttpd was built without TLS");
		return PS_EUNSUP;
	}
	rc = ps_file_read(cert, PS_MEM_API, 1 << 20, &s->tls_cert, &len, d);
	if (rc == PS_OK)
		rc = ps_file_read(key, PS_MEM_API, 1 << 20, &s->tls_key, &len, d);
	return rc;
}

/* The console directory, resolved; a missing one serves the API only. */
static void resolve_web_root(struct ps_api_server *s)
{
	const char *w = s->o.set->web_root;

	s->web_root[0] = '\0';
	if (w == NULL || w[0] == '\0')
		return;
	if (realpath(w, s->web_root) == NULL) {
		ps_log_warn("api", "web console '%s' not found: serving the API only", w);
		s->web_root[0] = '\0';
	}
}

static int start_mhd(struct ps_api_server *s, struct sockaddr_storage *ss, bool v6,
		     struct ps_diag *d)
{
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
	const union MHD_DaemonInfo *info;
	bool tls = s->tls_cert != NULL;

	if (v6)
		flags |= MHD_USE_IPv6;
	if (tls)
		flags |= MHD_USE_TLS;
	s->starting = true;
	s->mhd = MHD_start_daemon(
		flags, 0, NULL, NULL, on_request, s,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)ss,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)s->o.set->threads,
		MHD_OPTION_CONNECTION_TIMEOUT, 30u,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
		MHD_OPTION_UNESCAPE_CALLBACK, no_unescape, s,
		MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, s,
		tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, s->tls_cert,
		MHD_OPTION_HTTPS_MEM_KEY, s->tls_key,
		MHD_OPTION_END);
	s->starting = false;
	if (s->mhd == NULL) {
		ps_diag_set(d, "cannot serve on '%s': %s", s->o.set->listen,
			    s->start_err[0] ? s->start_err : "libmicrohttpd refused to start");
		return PS_EIO;
	}
	info = MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_BIND_PORT);
	s->port = info != NULL ? info->port : 0;
	return PS_OK;
}

int ps_api_server_start(const struct ps_api_server_opts *o, struct ps_api_server **out,
			struct ps_diag *d)
{
	struct ps_api_server *s = ps_calloc(PS_MEM_API, 1, sizeof(*s));
	struct sockaddr_storage ss;
	bool v6 = false;
	int rc = PS_ENOMEM;

	*out = NULL;
	if (s == NULL)
		goto fail;
	pthread_mutex_init(&s->mu, NULL);
	s->o = *o;
	s->o.db = ps_strdup(PS_MEM_API, o->db);
	s->o.audit_key = ps_memdup(PS_MEM_API, o->audit_key, o->audit_key_len);
	s->started = now_us();
	if (o->case_settings != NULL)
		s->case_set = *(const struct ps_case_settings *)o->case_settings;
	else
		ps_case_settings_default(&s->case_set);
	if (s->o.db == NULL || s->o.audit_key == NULL)
		goto fail;
	if (pthread_key_create(&s->tkey, NULL) != 0)
		goto fail;
	s->tkey_ok = true;
	rc = parse_listen(o->set->listen, &ss, &v6, d);
	if (rc == PS_OK)
		rc = load_tls(s, d);
	if (rc != PS_OK)
		goto fail;
	resolve_web_root(s);
	rc = start_mhd(s, &ss, v6, d);
	if (rc != PS_OK)
		goto fail;
	ps_log_info("api", "serving on %s (port %u, %s, %" PRId64 " threads)",
		      o->set->listen, s->port, s->tls_cert ? "https" : "http",
		      o->set->threads);
	*out = s;
	return PS_OK;
fail:
	if (rc == PS_ENOMEM)
		ps_diag_set(d, "out of memory");
	ps_api_server_stop(s);
	return rc;
}

void ps_api_server_stop(struct ps_api_server *s)
{
	if (s == NULL)
		return;
	if (s->mhd != NULL)
		MHD_stop_daemon(s->mhd);
	while (s->threads != NULL) {
		struct thread_res *t = s->threads;

		s->threads = t->next;
		thread_res_free(t);
	}
	for (size_t i = 0; i < RATE_BUCKETS; i++) {
		while (s->rate[i] != NULL) {
			struct rate_entry *e = s->rate[i];

			s->rate[i] = e->next;
			ps_free(e);
		}
	}
	if (s->tkey_ok)
		pthread_key_delete(s->tkey);
	if (s->o.audit_key != NULL) {
		explicit_bzero((void *)(uintptr_t)s->o.audit_key, s->o.audit_key_len);
		ps_free((void *)(uintptr_t)s->o.audit_key);
	}
	ps_free((void *)(uintptr_t)s->o.db);
	ps_free(s->tls_cert);
	ps_free(s->tls_key);
	pthread_mutex_destroy(&s->mu);
	ps_free(s);
}

const struct ps_api_server_opts *ps_api_server_opts_get(const struct ps_api_server *s)
{
	return &s->o;
}

unsigned ps_api_server_port(const struct ps_api_server *s)
{
	return s->port;
}

int64_t ps_api_server_started(const struct ps_api_server *s)
{
	return s->started;
}
