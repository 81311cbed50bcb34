/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The REST API of `panshi serve`: JSON under /api/v1/ over libmicrohttpd.
 * Every route is one row of a table (struct ps_api_route) naming its
 * method, path pattern, permission, handler and the facts the OpenAPI
 * document is generated from, so the document and the server cannot
 * disagree. Handlers call the same library functions as the CLI.
 *
 * Conventions every route follows:
 *  - Errors: HTTP status and {"error": {"code": "...", "message": "..."}}
 *    with a stable code (enum ps_api_err below); messages name the field.
 *  - Lists: one grammar. Query parameters named after the route's filter
 *    fields filter by equality (`?state=open&unit=U-1`); `sort=field` or
 *    `sort=-field` (one of the route's sort fields); `limit` (1..1000,
 *    default 50) and `offset` (>= 0). The answer is {"items": [...],
 *    "total": N, "limit": L, "offset": O}. Unknown parameters are refused
 *    (400 invalid_parameter naming it), so a typo never widens a query.
 *  - Times in JSON are ISO 8601 with +08:00 (Asia/Shanghai); inputs accept
 *    ISO 8601 or a date.
 *  - Bodies are JSON objects of at most ps_api_settings.max_body bytes
 *    (413 too_large); anything else is 400 bad_json.
 *
 * Threads: libmicrohttpd runs a pool of threads; each thread lazily opens
 * its own store handle, registry and audit trail (struct ps_api_thread),
 * so a handler never shares a handle.
 */
#ifndef PS_API_H
#define PS_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/conf.h"
#include "core/err.h"

struct ps_store;
struct ps_store_settings;
struct ps_policy;
struct ps_registry;
struct ps_audit;
struct ps_case_ctx;
struct json_t;

/* ---- settings (config section "api:") ---- */

struct ps_api_settings {
	char *listen;            /* "127.0.0.1:8443" */
	char *tls_cert, *tls_key; /* PEM files; both empty = plain HTTP */
	char *web_root;          /* built console (web/dist); "" = none */
	int64_t threads;         /* libmicrohttpd thread pool */
	int64_t max_body;        /* bytes of a JSON body */
	int64_t max_upload;      /* bytes of a raw upload (routes whose
				    body_fields is "@raw": intel imports) */
	int64_t rate_per_minute; /* requests per client address per minute */
	int64_t login_failures;  /* failed logins per user and address ... */
	int64_t login_window;    /* ... within this many seconds lock it out */
	int64_t session_idle;    /* seconds before an idle session ends */
	int64_t session_max;     /* seconds before any session ends */
	int64_t stop_wait;       /* seconds `panshi serve` waits, when told
				    to stop, for intel imports to finish */
};

extern const struct ps_conf_section ps_api_conf_section;

/* How many intel imports started through the API (POST /intel/imports;
 * each runs in a thread of its own, outliving the request and the server)
 * still run, after waiting up to wait_us (0: not at all) for them to end.
 * `panshi serve` calls it once the server has stopped. */
int ps_api_imports_running(int64_t wait_us);
/* Tell the running ones to stop: each rolls back the batch in progress
 * and ends within a few thousand lines (PS_ECANCELED). */
void ps_api_imports_stop(void);
void ps_api_settings_default(struct ps_api_settings *s);

/* ---- errors ---- */

enum ps_api_err {
	PS_API_OK = 0,
	PS_API_BAD_JSON,          /* 400 bad_json */
	PS_API_INVALID_PARAMETER, /* 400 invalid_parameter (query) */
	PS_API_INVALID_FIELD,     /* 400 invalid_field (body) */
	PS_API_UNAUTHORIZED,      /* 401 unauthorized */
	PS_API_FORBIDDEN,         /* 403 forbidden */
	PS_API_CSRF,              /* 403 csrf */
	PS_API_NOT_FOUND,         /* 404 not_found */
	PS_API_METHOD,            /* 405 method_not_allowed */
	PS_API_CONFLICT,          /* 409 conflict (state machine, duplicates) */
	PS_API_TOO_LARGE,         /* 413 too_large */
	PS_API_RATE_LIMITED,      /* 429 rate_limited */
	PS_API_INTERNAL,          /* 500 internal */
	PS_API_UNAVAILABLE,       /* 503 unavailable (store down) */
	PS_API_ERR__COUNT
};

/* "bad_json", ...; and the HTTP status of each. */
const char *ps_api_err_code(enum ps_api_err e);
unsigned ps_api_err_status(enum ps_api_err e);

/* ---- identity ---- */

/* Roles (三员分立 plus the working roles). Stored by name. */
enum ps_api_role {
	PS_ROLE_SYSADMIN,   /* 系统管理员: users, configuration */
	PS_ROLE_SECADMIN,   /* 安全管理员: policy, roles */
	PS_ROLE_AUDITOR,    /* 审计管理员: reads the audit log, nothing else */
	PS_ROLE_ANALYST,    /* 分析员: all data, acts on incidents, registry, intel */
	PS_ROLE_UNIT_OWNER, /* 单位责任人: its own units' incidents only */
	PS_ROLE_REGULATOR,  /* 监管查看: read-only */
	PS_ROLE__COUNT
};

/* What a route needs. A role holds a set of these (auth.c has the table). */
enum ps_api_perm {
	PS_PERM_PUBLIC,          /* no login: health, openapi, login */
	PS_PERM_SELF,            /* any logged-in user: me, logout, own tokens */
	PS_PERM_EVENTS_READ,
	PS_PERM_INCIDENTS_READ,  /* unit owners: filtered to their units */
	PS_PERM_INCIDENTS_ACT,   /* transitions, assign, notes, facts */
	PS_PERM_REGISTRY_READ,
	PS_PERM_REGISTRY_WRITE,
	PS_PERM_INTEL_READ,
	PS_PERM_INTEL_WRITE,
	PS_PERM_REPORTS_READ,
	PS_PERM_VULN_DETAILS,    /* reports with vulnerability details */
	PS_PERM_USERS_MANAGE,    /* sysadmin */
	PS_PERM_CONFIG_MANAGE,   /* sysadmin */
	PS_PERM_POLICY_MANAGE,   /* secadmin */
	PS_PERM_ROLES_MANAGE,    /* secadmin: grant and revoke roles */
	PS_PERM_AUDIT_READ,      /* auditor */
	PS_PERM__COUNT
};

const char *ps_api_role_name(enum ps_api_role r);   /* "sysadmin", ... */
const char *ps_api_role_zh(enum ps_api_role r);     /* 系统管理员, ... */
int ps_api_role_parse(const char *s, enum ps_api_role *out) PS_MUST_USE;
const char *ps_api_perm_name(enum ps_api_perm p);   /* "incidents.read", ... */
/* Whether `role` holds `perm` (PUBLIC: every role; SELF: every role). */
bool ps_api_role_has(enum ps_api_role role, enum ps_api_perm perm);

/* The authenticated user of a request. */
struct ps_api_user {
	int64_t id;
	char name[64];
	enum ps_api_role role;
	char units[1024];     /* unit owner: comma-separated unit keys */
	bool via_token;       /* API token (no CSRF check) vs session cookie */
	char session_id[65];  /* session, for logout */
};

/* ---- requests and responses ---- */

enum ps_api_method {
	PS_API_GET, PS_API_POST, PS_API_PUT, PS_API_PATCH, PS_API_DELETE,
	PS_API_METHOD__COUNT
};
const char *ps_api_method_name(enum ps_api_method m); /* "GET", ... */

/* Per-thread resources, opened lazily by the server for each pool thread. */
struct ps_api_thread {
	struct ps_store *st;
	struct ps_registry *reg;
	struct ps_audit *audit;
	struct ps_case_ctx *cx;  /* st, policy, reg, audit; actor set per request */
};

struct ps_api_server;

#define PS_API_MAX_PARAMS 4
#define PS_API_MAX_QUERY 32

struct ps_api_req {
	struct ps_api_server *srv;
	struct ps_api_thread *th;
	const struct ps_api_route *route;
	enum ps_api_method method;
	const char *path;                         /* without the query */
	const char *param[PS_API_MAX_PARAMS];     /* {id} ... in pattern order */
	size_t nparam;
	const char *qkey[PS_API_MAX_QUERY];       /* query parameters, decoded */
	const char *qval[PS_API_MAX_QUERY];
	size_t nquery;
	const char *body;                         /* NUL-terminated, may be "" */
	size_t body_len;
	struct json_t *json;                      /* parsed body (object) or NULL */
	const char *client;                       /* client address text */
	const struct ps_api_user *user;           /* NULL on public routes */
	char actor[96];                           /* "web:alice" / "token:alice" */
	int64_t now;                              /* µs UTC at arrival */
	const struct ps_api_settings *set;        /* the server's settings, for
						     session limits, lockout and
						     the Secure cookie (TLS when
						     tls_cert is set); NULL =
						     built-in defaults */
};

struct ps_api_resp {
	unsigned status;            /* 200 unless set */
	struct json_t *json;        /* body as JSON (owned, sent compact), or */
	struct ps_buf body;         /* raw body (reports) with content_type */
	char content_type[96];
	char filename[160];         /* Content-Disposition attachment when set */
	char set_cookie[2][512];    /* up to two Set-Cookie headers */
	char location[256];
};

/* The value of query parameter `k`, or NULL. */
const char *ps_api_query(const struct ps_api_req *rq, const char *k);
/* Whether the request's user holds `perm` (false without a user). */
bool ps_api_may(const struct ps_api_req *rq, enum ps_api_perm perm);
/* The registry name of record `key` of kind `kind` ("unit", "asset") as
 * JSON, or JSON null (no key, no such record, no registry). */
struct json_t *ps_api_reg_name(struct ps_api_req *rq, const char *kind, const char *key);

/* Set an error response: status from the code, message formatted. Returns
 * the code's HTTP status so handlers can `return ps_api_error(...)`. */
unsigned ps_api_error(struct ps_api_resp *rs, enum ps_api_err e,
		      const char *fmt, ...) PS_PRINTF(3, 4);
/* Map a library error (PS_ENOENT, PS_EINVAL, PS_EEXIST...) with its diag. */
unsigned ps_api_error_rc(struct ps_api_resp *rs, int rc, const struct ps_diag *d);
/* Take ownership of `j` as the body with `status`. Returns status. */
unsigned ps_api_json(struct ps_api_resp *rs, unsigned status, struct json_t *j);

/*
 * A time query parameter `k`: ISO 8601 (Asia/Shanghai without a zone) or a
 * date (its start; for a parameter named "until" the end of that day, as
 * `panshi event list --until` reads it). 0, or the 400 status set in rs.
 */
unsigned ps_api_query_time(struct ps_api_resp *rs, const char *k, const char *v,
			   int64_t *us);

/* fn(arg, name) for each name of a comma-separated list ("since,until";
 * names up to 63 bytes, empty ones skipped); false as soon as fn is. */
bool ps_api_names_each(const char *list, bool (*fn)(void *arg, const char *name),
		       void *arg);

/* Refuse query parameters the route does not declare in its `query`:
 * 0, or 400 invalid_parameter naming the first unknown one and the
 * parameters the route takes. The server calls it for every route without
 * a list (lists check theirs in ps_api_list_parse). */
unsigned ps_api_query_declared(const struct ps_api_req *rq, struct ps_api_resp *rs);

/* ---- the list grammar ---- */

/* A route's list: which fields filter and sort (NULL-terminated arrays). */
struct ps_api_list_spec {
	const char *const *filters;
	const char *const *sorts;
	const char *default_sort;   /* "-last_seen" */
};

struct ps_api_list {
	const char *filter_key[PS_API_MAX_QUERY];
	const char *filter_val[PS_API_MAX_QUERY];
	size_t nfilter;
	const char *sort;   /* field name */
	bool desc;
	int64_t limit, offset;
};

/* Parse the query of `rq` by the route's list spec; on a bad parameter set
 * the 400 error in rs and return PS_EINVAL. */
int ps_api_list_parse(const struct ps_api_req *rq, struct ps_api_resp *rs,
		      struct ps_api_list *out) PS_MUST_USE;
/* The filter value of field `k`, or NULL. */
const char *ps_api_list_filter(const struct ps_api_list *l, const char *k);
/* {"items": items, "total": total, "limit": .., "offset": ..} as 200. */
unsigned ps_api_list_reply(struct ps_api_resp *rs, const struct ps_api_list *l,
			   struct json_t *items, int64_t total);

/* ---- routes ---- */

typedef unsigned (*ps_api_handler)(struct ps_api_req *rq, struct ps_api_resp *rs);

struct ps_api_route {
	enum ps_api_method method;
	const char *pattern;        /* "/api/v1/incidents/{id}/transitions" */
	enum ps_api_perm perm;
	ps_api_handler handler;
	const char *tag;            /* OpenAPI tag: "incidents" */
	const char *summary;        /* one line, English */
	const struct ps_api_list_spec *list; /* list routes; NULL otherwise */
	const char *body_fields;    /* "to,why,expiry" documented body keys; "@raw"
				       = the body is not JSON (uploads), up to
				       max_upload bytes, handed over as is */
	bool audit;                 /* security-relevant: the server appends an
				       audit record for every call */
	const char *query;          /* routes without a list: the query
				       parameters taken, "since,until" (NULL:
				       none); the server answers any other with
				       400 invalid_parameter before the handler
				       runs, and OpenAPI documents them */
};

/* Route tables, each NULL-handler terminated, from the module files. */
extern const struct ps_api_route ps_api_routes_core[];      /* health, openapi */
extern const struct ps_api_route ps_api_routes_auth[];      /* login, me, users, tokens */
extern const struct ps_api_route ps_api_routes_incidents[];
extern const struct ps_api_route ps_api_routes_events[];
extern const struct ps_api_route ps_api_routes_registry[];  /* units, assets, ..., calendar */
extern const struct ps_api_route ps_api_routes_intel[];
extern const struct ps_api_route ps_api_routes_reports[];
extern const struct ps_api_route ps_api_routes_stats[];     /* dashboard */
extern const struct ps_api_route ps_api_routes_audit[];

/* Every table above in order; n tables. */
const struct ps_api_route *const *ps_api_route_tables(size_t *n);

/* The OpenAPI 3.0 document of every route, as JSON (new reference). */
struct json_t *ps_api_openapi(void);

/* ---- authentication hooks (auth.c) ---- */

/*
 * Who sends `rq`: an "Authorization: Bearer <token>" API token or the
 * session cookie "panshi_session" (then a state-changing method also needs
 * the "X-CSRF-Token" header equal to the session's token). Fills *u and
 * returns PS_API_OK, or PS_API_UNAUTHORIZED / PS_API_CSRF with the message
 * in rs. `authz` and `cookie` and `csrf` are the raw header values or NULL.
 */
enum ps_api_err ps_api_authenticate(struct ps_api_req *rq, const char *authz,
				    const char *cookie, const char *csrf,
				    struct ps_api_user *u, struct ps_api_resp *rs);

/* ---- the server ---- */

struct ps_api_server_opts {
	const struct ps_api_settings *set;
	const char *db;                  /* store spec each thread opens */
	const struct ps_store_settings *store_set;
	const struct ps_policy *policy;  /* loaded once, shared read-only */
	const void *audit_key;
	size_t audit_key_len;
	const void *case_settings;       /* struct ps_case_settings */
};

/* Start listening (threads run in the background). PS_OK or an error with
 * the reason (address in use, TLS files unreadable) in d. */
int ps_api_server_start(const struct ps_api_server_opts *o,
			struct ps_api_server **out, struct ps_diag *d) PS_MUST_USE;
/* The options the server was started with, borrowed until it stops (for
 * work that opens handles of its own: intel imports run in background
 * threads with their own store handle). Added by helper api-registry. */
const struct ps_api_server_opts *ps_api_server_opts_get(const struct ps_api_server *s);
/* When the server started (µs UTC), for the uptime of /health. */
int64_t ps_api_server_started(const struct ps_api_server *s);
/* The port actually bound (for listen "127.0.0.1:0" in tests). */
unsigned ps_api_server_port(const struct ps_api_server *s);
/* Stop, join the threads, close every thread's store. NULL is a no-op. */
void ps_api_server_stop(struct ps_api_server *s);

/* The thread resources of the calling pool thread (opened on first use);
 * NULL with the reason in d when the store cannot be opened. */
struct ps_api_thread *ps_api_thread_get(struct ps_api_server *s, struct ps_diag *d);

#endif
