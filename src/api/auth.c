/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Roles and permissions (三员分立), users with argon2id passwords, login
 * sessions, API tokens and the login lockout, kept in the store tables of
 * migration 5. The server calls ps_api_authenticate for every request to a
 * non-public route; the CLI and the auth routes call the rest.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <argon2.h>
#include <jansson.h>

#include "api/api.h"
#include "api/auth.h"
#include "audit/audit.h"
#include "core/core.h"
#include "store/store.h"

/*
 * argon2id cost: the OWASP Password Storage Cheat Sheet minimum (m = 19 MiB,
 * t = 2, p = 1). These are not legal numbers, so they are constants here
 * rather than policy; raising them only slows new hashes (argon2id_verify
 * reads the cost from each encoding).
 */
#define ARGON_T 2
#define ARGON_M 19456 /* KiB */
#define ARGON_P 1
#define ARGON_SALT 16
#define ARGON_HASH 32
#define ARGON_ENC 160

#define US 1000000LL
#define TOKEN_TOUCH_US (60 * US) /* last_used is written at most once a minute */
#define SESSION_TOUCH_US US      /* last_seen at most once a second: a page's burst
				    of requests costs one write */

/* ---- roles ---- */

static const char *const role_names[PS_ROLE__COUNT] = {
	"sysadmin", "secadmin", "auditor", "analyst", "unit_owner", "regulator",
};

static const char *const role_zh[PS_ROLE__COUNT] = {
	"系统管理员", "安全管理员", "审计管理员", "分析员", "单位责任人", "监管查看",
};

static const char *const perm_names[PS_PERM__COUNT] = {
	"public", "self", "events.read", "incidents.read", "incidents.act",
	"registry.read", "registry.write", "intel.read", "intel.write",
	"reports.read", "vuln.details", "users.manage", "config.manage",
	"policy.manage", "roles.manage", "audit.read",
};

#define P(x) (1u << PS_PERM_##x)
#define BASE (P(PUBLIC) | P(SELF))

/* What each role holds (docs/API.md "Roles"). The auditor reads the audit
 * log and nothing else; the administrators hold no data permission. */
static const uint32_t role_perms[PS_ROLE__COUNT] = {
	[PS_ROLE_SYSADMIN] = BASE | P(USERS_MANAGE) | P(CONFIG_MANAGE),
	[PS_ROLE_SECADMIN] = BASE | P(POLICY_MANAGE) | P(ROLES_MANAGE),
	[PS_ROLE_AUDITOR] = BASE | P(AUDIT_READ),
	[PS_ROLE_ANALYST] = BASE | P(EVENTS_READ) | P(INCIDENTS_READ) | P(INCIDENTS_ACT) |
			    P(REGISTRY_READ) | P(REGISTRY_WRITE) | P(INTEL_READ) |
			    P(INTEL_WRITE) | P(REPORTS_READ) | P(VULN_DETAILS),
	[PS_ROLE_UNIT_OWNER] = BASE | P(INCIDENTS_READ) | P(INCIDENTS_ACT) |
			       P(REPORTS_READ) | P(REGISTRY_READ),
	[PS_ROLE_REGULATOR] = BASE | P(EVENTS_READ) | P(INCIDENTS_READ) |
			      P(REGISTRY_READ) | P(INTEL_READ) | P(REPORTS_READ),
};

const char *ps_api_role_name(enum ps_api_role r)
{
	return (unsigned)r < PS_ROLE__COUNT ? role_names[r] : "unknown";
}

const char *ps_api_role_zh(enum ps_api_role r)
{
	return (unsigned)r < PS_ROLE__COUNT ? role_zh[r] : "未知";
}

int ps_api_role_parse(const char *s, enum ps_api_role *out)
{
	for (unsigned i = 0; s != NULL && i < PS_ROLE__COUNT; i++) {
		if (strcmp(s, role_names[i]) == 0) {
			*out = (enum ps_api_role)i;
			return PS_OK;
		}
	}
	return PS_EINVAL;
}

const char *ps_api_perm_name(enum ps_api_perm p)
{
	return (unsigned)p < PS_PERM__COUNT ? perm_names[p] : "unknown";
}

bool ps_api_role_has(enum ps_api_role role, enum ps_api_perm perm)
{
	if ((unsigned)role >= PS_ROLE__COUNT || (unsigned)perm >= PS_PERM__COUNT)
		return false;
	return (role_perms[role] & (1u << perm)) != 0;
}

/* ---- secrets and passwords ---- */

/* 32 random bytes as 43 base64url characters (RFC 4648 section 5, no
 * padding) and a NUL: PS_API_SECRET_LEN bytes. */
static int secret_new(char out[PS_API_SECRET_LEN])
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	uint8_t r[33];
	size_t o = 0;
	int rc;

	if ((rc = ps_random_bytes(r, 32)) != PS_OK)
		return rc;
	r[32] = 0;
	for (size_t i = 0; i < 33; i += 3) {
		uint32_t v = (uint32_t)r[i] << 16 | (uint32_t)r[i + 1] << 8 | r[i + 2];

		out[o++] = b64[v >> 18 & 63];
		out[o++] = b64[v >> 12 & 63];
		if (o < PS_API_SECRET_LEN - 1)
			out[o++] = b64[v >> 6 & 63];
		if (o < PS_API_SECRET_LEN - 1)
			out[o++] = b64[v & 63];
	}
	out[PS_API_SECRET_LEN - 1] = '\0';
	explicit_bzero(r, sizeof(r));
	return PS_OK;
}

/* Lowercase hex SM3 of a secret: what the store keeps. */
static int secret_digest(const char *secret, char out[2 * PS_SM3_LEN + 1])
{
	uint8_t md[PS_SM3_LEN];
	int rc = ps_sm3(secret, strlen(secret), md);

	if (rc == PS_OK)
		rc = ps_hex_encode(md, sizeof(md), out, 2 * PS_SM3_LEN + 1);
	return rc;
}

static int password_valid(const char *pw, struct ps_diag *d)
{
	size_t n = pw != NULL ? strlen(pw) : 0;

	if (n < PS_API_PASSWORD_MIN) {
		ps_diag_set(d, "password: at least %d characters are needed",
			    PS_API_PASSWORD_MIN);
		return PS_EINVAL;
	}
	if (n > PS_API_PASSWORD_MAX) {
		ps_diag_set(d, "password: at most %d characters", PS_API_PASSWORD_MAX);
		return PS_EINVAL;
	}
	return PS_OK;
}

/* argon2id encoding of pw with a fresh salt into enc[ARGON_ENC]. */
static int password_hash(const char *pw, char enc[ARGON_ENC], struct ps_diag *d)
{
	uint8_t salt[ARGON_SALT];
	int rc, ar;

	if ((rc = ps_random_bytes(salt, sizeof(salt))) != PS_OK) {
		ps_diag_set(d, "cannot draw random bytes");
		return rc;
	}
	ar = argon2id_hash_encoded(ARGON_T, ARGON_M, ARGON_P, pw, strlen(pw), salt,
				   sizeof(salt), ARGON_HASH, enc, ARGON_ENC);
	if (ar != ARGON2_OK) {
		ps_diag_set(d, "cannot hash the password: %s", argon2_error_message(ar));
		return ar == ARGON2_MEMORY_ALLOCATION_ERROR ? PS_ENOMEM : PS_ECRYPTO;
	}
	return PS_OK;
}

static bool password_verify(const char *enc, const char *pw)
{
	return argon2id_verify(enc, pw, strlen(pw)) == ARGON2_OK;
}

/* ---- small store helpers ---- */

/* End a transaction: commit on success, else roll back and keep rc. */
static int tx_end(struct ps_store *st, int rc, struct ps_diag *d)
{
	if (rc == PS_OK) {
		rc = ps_store_commit(st);
		if (rc != PS_OK)
			ps_diag_set(d, "cannot commit: %s", ps_store_errmsg(st));
		return rc;
	}
	if (ps_store_rollback(st) != PS_OK)
		ps_log_warn("auth", "rollback failed: %s", ps_store_errmsg(st));
	return rc;
}

static int db_fail(struct ps_store *st, int rc, struct ps_diag *d, const char *what)
{
	if (rc == PS_EDB || (d != NULL && d->msg[0] == '\0'))
		ps_diag_set(d, "cannot %s: %s", what,
			    rc == PS_EDB ? ps_store_errmsg(st) : ps_strerror(rc));
	return rc;
}

/* Append an audit record with details `det` (taken; may be NULL). A NULL
 * trail records nothing (tests). */
static int audit_add(struct ps_audit *a, const char *actor, const char *action,
		     const char *object, json_t *det, struct ps_diag *d)
{
	char *txt = NULL;
	size_t n;
	int rc = PS_OK;

	if (a != NULL && det != NULL) {
		n = json_dumpb(det, NULL, 0, JSON_COMPACT | JSON_SORT_KEYS);
		if (n == 0 || (txt = ps_malloc(PS_MEM_API, n + 1)) == NULL) {
			rc = PS_ENOMEM;
		} else {
			json_dumpb(det, txt, n, JSON_COMPACT | JSON_SORT_KEYS);
			txt[n] = '\0';
		}
	}
	if (a != NULL && rc == PS_OK)
		rc = ps_audit_append(a, ps_time_now_us(),
				     actor != NULL && actor[0] != '\0' ? actor : "system",
				     action, object, txt, NULL, d);
	else if (rc == PS_ENOMEM)
		ps_diag_set(d, "out of memory");
	ps_free(txt);
	json_decref(det);
	return rc;
}

/* ---- users ---- */

static int name_valid(const char *name, struct ps_diag *d)
{
	size_t n = name != NULL ? strlen(name) : 0;

	if (n == 0 || n > 63) {
		ps_diag_set(d, "name: 1 to 63 characters are needed");
		return PS_EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')) {
			ps_diag_set(d, "name: '%s' may only hold letters, digits, '.', '_' "
				    "and '-'", name);
			return PS_EINVAL;
		}
	}
	return PS_OK;
}

/* Units: comma-separated registry keys of [A-Za-z0-9._-], no empty ones. */
static int units_valid(const char *units, struct ps_diag *d)
{
	size_t n = units != NULL ? strlen(units) : 0, run = 0;

	if (n == 0)
		return PS_OK;
	if (n >= sizeof(((struct ps_api_user *)0)->units)) {
		ps_diag_set(d, "units: too long");
		return PS_EINVAL;
	}
	for (size_t i = 0; i <= n; i++) {
		char c = units[i];

		if (c == ',' || c == '\0') {
			if (run == 0)
				goto bad;
			run = 0;
		} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			   (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-') {
			run++;
		} else {
			goto bad;
		}
	}
	return PS_OK;
bad:
	ps_diag_set(d, "units: '%s' is not a comma-separated list of unit keys", units);
	return PS_EINVAL;
}

/* Every key of a valid units list names a unit of the registry (a typo
 * would give a unit owner nothing to see, silently). */
static int units_known(struct ps_store *st, const char *units, struct ps_diag *d)
{
	char key[sizeof(((struct ps_api_user *)0)->units)];
	int rc = PS_OK;

	for (const char *p = units; rc == PS_OK && p != NULL && *p;) {
		size_t n = strcspn(p, ",");
		struct ps_stmt *s = NULL;

		(void)snprintf(key, sizeof(key), "%.*s", (int)n, p);
		rc = ps_store_prepare_args(st, &s, "SELECT 1 FROM reg_units WHERE \"key\" = ?",
					   "t", key);
		if (rc == PS_OK)
			rc = ps_store_stmt_step(s);
		ps_store_stmt_finalize(s);
		if (rc == PS_EOF) {
			ps_diag_set(d, "units: no unit '%s' in the registry", key);
			return PS_EINVAL;
		}
		if (rc != PS_OK)
			return db_fail(st, rc, d, "look up a unit");
		p += n + (p[n] == ',');
	}
	return PS_OK;
}

static json_t *user_details(enum ps_api_role role, const char *units)
{
	return json_pack("{s:s, s:s}", "role", ps_api_role_name(role), "units",
			 units != NULL ? units : "");
}

int ps_api_user_create(struct ps_store *st, struct ps_audit *a, const char *actor,
		       const char *name, const char *password, enum ps_api_role role,
		       const char *units, char *otp, int64_t *id, struct ps_diag *d)
{
	char enc[ARGON_ENC], object[80];
	struct ps_stmt *q = NULL;
	int64_t now = ps_time_now_us(), newid = 0;
	json_t *det;
	int rc;

	if ((rc = name_valid(name, d)) != PS_OK || (rc = units_valid(units, d)) != PS_OK ||
	    (rc = units_known(st, units, d)) != PS_OK)
		return rc;
	if ((unsigned)role >= PS_ROLE__COUNT) {
		ps_diag_set(d, "role: unknown");
		return PS_EINVAL;
	}
	if (password == NULL) {
		if (otp == NULL) {
			ps_diag_set(d, "password: none given and nowhere to write one");
			return PS_EINVAL;
		}
		if ((rc = secret_new(otp)) != PS_OK)
			return db_fail(st, rc, d, "draw a one-time password");
	} else if ((rc = password_valid(password, d)) != PS_OK) {
		return rc;
	}
	if ((rc = password_hash(password != NULL ? password : otp, enc, d)) != PS_OK)
		return rc;
	if ((rc = ps_store_begin(st)) != PS_OK)
		return db_fail(st, rc, d, "begin");
	rc = ps_store_prepare_args(st, &q, "INSERT INTO api_users (name, password, role, units, "
		      "must_change, created_at, password_changed_at) "
		      "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING "
		      "RETURNING id", "ttttiii", name, enc,
		      ps_api_role_name(role), units != NULL ? units : "",
		      (int64_t)(password == NULL), now, now);
	if (rc == PS_OK)
		rc = ps_store_stmt_step(q);
	if (rc == PS_OK) {
		newid = ps_store_stmt_column_int64(q, 0);
	} else if (rc == PS_EOF) {
		ps_diag_set(d, "user '%s' already exists", name);
		rc = PS_EEXIST;
	} else {
		db_fail(st, rc, d, "create the user");
	}
	ps_store_stmt_finalize(q);
	snprintf(object, sizeof(object), "user:%s", name);
	if (rc == PS_OK) {
		det = user_details(role, units);
		if (det != NULL)
			json_object_set_new(det, "one_time_password", json_boolean(password == NULL));
		rc = audit_add(a, actor, "user.create", object, det, d);
	}
	explicit_bzero(enc, sizeof(enc));
	rc = tx_end(st, rc, d);
	if (rc == PS_OK && id != NULL)
		*id = newid;
	return rc;
}

static const char user_cols[] =
	"SELECT id, name, role, units, disabled, must_change, created_at, "
	"last_login, password FROM api_users ";

/* Read the current row of a user_cols query; enc (ARGON_ENC, may be NULL)
 * receives the password encoding. */
static int user_read(struct ps_stmt *q, struct ps_api_user_row *u, char *enc)
{
	const char *s;

	memset(u, 0, sizeof(*u));
	u->id = ps_store_stmt_column_int64(q, 0);
	s = ps_store_stmt_column_text(q, 1);
	snprintf(u->name, sizeof(u->name), "%s", s != NULL ? s : "");
	if (ps_api_role_parse(ps_store_stmt_column_text(q, 2), &u->role) != PS_OK)
		return PS_EPROTO;
	s = ps_store_stmt_column_text(q, 3);
	snprintf(u->units, sizeof(u->units), "%s", s != NULL ? s : "");
	u->disabled = ps_store_stmt_column_int64(q, 4) != 0;
	u->must_change = ps_store_stmt_column_int64(q, 5) != 0;
	u->created_at = ps_store_stmt_column_int64(q, 6);
	u->last_login = ps_store_stmt_column_int64(q, 7);
	if (enc != NULL) {
		s = ps_store_stmt_column_text(q, 8);
		snprintf(enc, ARGON_ENC, "%s", s != NULL ? s : "");
	}
	return PS_OK;
}

/* Find user `name`; enc as user_read. PS_ENOENT, PS_EDB, PS_EPROTO. */
static int user_find(struct ps_store *st, const char *name, struct ps_api_user_row *u,
		     char *enc)
{
	char sql[sizeof(user_cols) + 32];
	struct ps_stmt *q;
	int rc;

	snprintf(sql, sizeof(sql), "%sWHERE name = ?", user_cols);
	if ((rc = ps_store_prepare_args(st, &q, sql, "t", name)) != PS_OK)
		return rc;
	rc = ps_store_stmt_step(q);
	if (rc == PS_OK)
		rc = user_read(q, u, enc);
	else if (rc == PS_EOF)
		rc = PS_ENOENT;
	ps_store_stmt_finalize(q);
	return rc;
}

int ps_api_user_get(struct ps_store *st, const char *name, struct ps_api_user_row *out,
		    struct ps_diag *d)
{
	int rc = user_find(st, name != NULL ? name : "", out, NULL);

	if (rc == PS_ENOENT)
		ps_diag_set(d, "no user '%s'", name != NULL ? name : "");
	else if (rc != PS_OK)
		db_fail(st, rc, d, "read the user");
	return rc;
}

int ps_api_user_list(struct ps_store *st, ps_api_user_fn fn, void *arg, struct ps_diag *d)
{
	char sql[sizeof(user_cols) + 32];
	struct ps_api_user_row u;
	struct ps_stmt *q;
	int rc;

	snprintf(sql, sizeof(sql), "%sORDER BY name", user_cols);
	if ((rc = ps_store_prepare(st, sql, &q)) != PS_OK)
		return db_fail(st, rc, d, "list users");
	while ((rc = ps_store_stmt_step(q)) == PS_OK) {
		if ((rc = user_read(q, &u, NULL)) != PS_OK || (rc = fn(arg, &u)) != 0)
			break;
	}
	ps_store_stmt_finalize(q);
	if (rc == PS_EOF)
		return PS_OK;
	if (rc == PS_EDB || rc == PS_EPROTO)
		db_fail(st, rc, d, "list users");
	return rc;
}

/* End every open session of user `uid` at `now` but `keep` (may be NULL). */
static int sessions_end_user(struct ps_store *st, int64_t uid, int64_t now, const char *keep)
{
	return ps_store_run(st, NULL, "UPDATE api_sessions SET ended_at = ? "
			"WHERE user_id = ? AND ended_at IS NULL AND id <> ?", "iit", now, uid,
			keep != NULL ? keep : "");
}

static int password_set_ex(struct ps_store *st, struct ps_audit *a, const char *actor,
			   const char *name, const char *password, const char *keep,
			   bool one_time, struct ps_diag *d)
{
	struct ps_api_user_row u;
	char enc[ARGON_ENC], object[80];
	int64_t now = ps_time_now_us();
	int rc;

	if ((rc = password_valid(password, d)) != PS_OK)
		return rc;
	if ((rc = ps_api_user_get(st, name, &u, d)) != PS_OK)
		return rc;
	if ((rc = password_hash(password, enc, d)) != PS_OK)
		return rc;
	if ((rc = ps_store_begin(st)) != PS_OK)
		return db_fail(st, rc, d, "begin");
	rc = ps_store_run(st, NULL, "UPDATE api_users SET password = ?, must_change = ?, "
		      "password_changed_at = ? WHERE id = ?", "tiii", enc,
		      (int64_t)one_time, now, u.id);
	if (rc == PS_OK)
		rc = sessions_end_user(st, u.id, now, keep);
	if (rc != PS_OK)
		db_fail(st, rc, d, "set the password");
	snprintf(object, sizeof(object), "user:%s", u.name);
	if (rc == PS_OK)
		rc = audit_add(a, actor, one_time ? "user.password_reset" : "user.password",
			       object, NULL, d);
	explicit_bzero(enc, sizeof(enc));
	return tx_end(st, rc, d);
}

static int password_set(struct ps_store *st, struct ps_audit *a, const char *actor,
			const char *name, const char *password, const char *keep,
			struct ps_diag *d)
{
	return password_set_ex(st, a, actor, name, password, keep, false, d);
}

int ps_api_user_reset(struct ps_store *st, struct ps_audit *a, const char *actor,
		      const char *name, char *otp, struct ps_diag *d)
{
	int rc;

	if ((rc = secret_new(otp)) != PS_OK) {
		ps_diag_set(d, "cannot make a one-time password");
		return rc;
	}
	return password_set_ex(st, a, actor, name, otp, NULL, true, d);
}

int ps_api_user_set_password(struct ps_store *st, struct ps_audit *a, const char *actor,
			     const char *name, const char *password, struct ps_diag *d)
{
	return password_set(st, a, actor, name, password, NULL, d);
}

int ps_api_user_change_password(struct ps_store *st, struct ps_audit *a, const char *actor,
				const struct ps_api_user *u, const char *old_pw,
				const char *new_pw, struct ps_diag *d)
{
	int rc;

	if (old_pw != NULL && new_pw != NULL && strcmp(old_pw, new_pw) == 0) {
		ps_diag_set(d, "new_password: must differ from the old one");
		return PS_EINVAL;
	}
	rc = ps_api_user_password_check(st, u->name, old_pw, d);
	if (rc == PS_API_EDENIED)
		ps_diag_set(d, "old_password: wrong password");
	if (rc != PS_OK)
		return rc;
	return password_set(st, a, actor, u->name, new_pw,
			    u->session_id[0] != '\0' ? u->session_id : NULL, d);
}

int ps_api_user_set_role(struct ps_store *st, struct ps_audit *a, const char *actor,
			 const char *name, enum ps_api_role role, const char *units,
			 struct ps_diag *d)
{
	struct ps_api_user_row u;
	char object[80];
	json_t *det;
	int rc;

	if ((unsigned)role >= PS_ROLE__COUNT) {
		ps_diag_set(d, "role: unknown");
		return PS_EINVAL;
	}
	if ((rc = units_valid(units, d)) != PS_OK || (rc = units_known(st, units, d)) != PS_OK)
		return rc;
	if ((rc = ps_store_begin(st)) != PS_OK)
		return db_fail(st, rc, d, "begin");
	rc = ps_api_user_get(st, name, &u, d);
	if (rc == PS_OK) {
		rc = ps_store_run(st, NULL, "UPDATE api_users SET role = ?, units = ? WHERE id = ?",
			      "tti", ps_api_role_name(role), units != NULL ? units : "", u.id);
		if (rc != PS_OK)
			db_fail(st, rc, d, "set the role");
	}
	if (rc == PS_OK) {
		snprintf(object, sizeof(object), "user:%s", u.name);
		det = json_pack("{s:o, s:o}", "before", user_details(u.role, u.units),
				"after", user_details(role, units));
		rc = audit_add(a, actor, "user.role", object, det, d);
	}
	return tx_end(st, rc, d);
}

int ps_api_user_set_disabled(struct ps_store *st, struct ps_audit *a, const char *actor,
			     const char *name, bool disabled, struct ps_diag *d)
{
	struct ps_api_user_row u;
	int64_t now = ps_time_now_us();
	char object[80];
	int rc;

	if ((rc = ps_store_begin(st)) != PS_OK)
		return db_fail(st, rc, d, "begin");
	rc = ps_api_user_get(st, name, &u, d);
	if (rc == PS_OK) {
		rc = ps_store_run(st, NULL, "UPDATE api_users SET disabled = ? WHERE id = ?",
			      "ii", (int64_t)disabled, u.id);
		if (rc == PS_OK && disabled)
			rc = sessions_end_user(st, u.id, now, NULL);
		if (rc != PS_OK)
			db_fail(st, rc, d, "change the user");
	}
	if (rc == PS_OK) {
		snprintf(object, sizeof(object), "user:%s", u.name);
		rc = audit_add(a, actor, disabled ? "user.disable" : "user.enable", object,
			       NULL, d);
	}
	return tx_end(st, rc, d);
}

int ps_api_user_password_check(struct ps_store *st, const char *name,
			       const char *password, struct ps_diag *d)
{
	struct ps_api_user_row u;
	char enc[ARGON_ENC];
	int rc = user_find(st, name != NULL ? name : "", &u, enc);

	if (rc == PS_OK && (u.disabled || password == NULL || !password_verify(enc, password)))
		rc = PS_API_EDENIED;
	if (rc == PS_ENOENT)
		rc = PS_API_EDENIED;
	if (rc == PS_API_EDENIED)
		ps_diag_set(d, "wrong password");
	else if (rc != PS_OK)
		db_fail(st, rc, d, "read the user");
	explicit_bzero(enc, sizeof(enc));
	return rc;
}

/* ---- login ---- */

/* The limits in force: the server's settings or the built-in defaults
 * (the same as api_conf.c's). */
struct limits {
	int64_t failures, window_us, idle_us, max_us;
};

static void limits_get(const struct ps_api_settings *set, struct limits *l)
{
	l->failures = set != NULL && set->login_failures > 0 ? set->login_failures : 5;
	l->window_us = (set != NULL && set->login_window > 0 ? set->login_window : 900) * US;
	l->idle_us = (set != NULL && set->session_idle > 0 ? set->session_idle : 1800) * US;
	l->max_us = (set != NULL && set->session_max > 0 ? set->session_max : 43200) * US;
}

/* Whether name or client has `failures` failures after now - window. */
static int login_locked(struct ps_store *st, const struct limits *l, const char *name,
			const char *client, int64_t now, bool *locked)
{
	struct ps_stmt *q;
	int64_t since = now - l->window_us;
	int rc;

	rc = ps_store_prepare_args(st, &q, "SELECT (SELECT count(*) FROM api_login_failures "
		      "WHERE name = ? AND ts > ?), (SELECT count(*) FROM "
		      "api_login_failures WHERE client = ? AND ts > ?)", "titi",
		      name, since, client, since);
	if (rc != PS_OK)
		return rc;
	rc = ps_store_stmt_step(q);
	if (rc == PS_OK)
		*locked = ps_store_stmt_column_int64(q, 0) >= l->failures ||
			  ps_store_stmt_column_int64(q, 1) >= l->failures;
	ps_store_stmt_finalize(q);
	return rc == PS_EOF ? PS_EDB : rc;
}

/* Record the outcome of a login in one transaction with its audit record. */
static int login_record(struct ps_store *st, struct ps_audit *a, const struct limits *l,
			const char *name, const char *client, int64_t now,
			const struct ps_api_user_row *ok, bool locked, struct ps_diag *d)
{
	char actor[96], object[80];
	int rc;

	if ((rc = ps_store_begin(st)) != PS_OK)
		return db_fail(st, rc, d, "begin");
	snprintf(object, sizeof(object), "user:%s", name);
	if (ok != NULL) {
		rc = ps_store_run(st, NULL, "UPDATE api_users SET last_login = ? WHERE id = ?",
			      "ii", now, ok->id);
		if (rc == PS_OK)
			rc = ps_store_run(st, NULL, "DELETE FROM api_login_failures WHERE name = ?",
				      "t", name);
		snprintf(actor, sizeof(actor), "web:%s", name);
		if (rc == PS_OK)
			rc = audit_add(a, actor, "auth.login", object,
				       json_pack("{s:s}", "client", client), d);
	} else {
		rc = ps_store_run(st, NULL, "DELETE FROM api_login_failures WHERE ts <= ?", "i",
			      now - l->window_us);
		if (rc == PS_OK && !locked)
			rc = ps_store_run(st, NULL, "INSERT INTO api_login_failures (name, client, ts) "
				      "VALUES (?, ?, ?)", "tti", name, client, now);
		snprintf(actor, sizeof(actor), "web:anonymous");
		if (rc == PS_OK)
			rc = audit_add(a, actor, "auth.login_failed", object,
				       json_pack("{s:s, s:s, s:b}", "name", name, "client",
						 client, "locked", locked), d);
	}
	if (rc != PS_OK)
		db_fail(st, rc, d, "record the login");
	return tx_end(st, rc, d);
}

int ps_api_login_check(struct ps_store *st, struct ps_audit *a,
		       const struct ps_api_settings *set, const char *name,
		       const char *password, const char *client, int64_t now,
		       struct ps_api_user *u, struct ps_diag *d)
{
	struct ps_api_user_row row;
	struct limits l;
	char enc[ARGON_ENC];
	const char *nm = name != NULL && name_valid(name, NULL) == PS_OK ? name : "?";
	bool locked = false, ok = false;
	int rc;

	limits_get(set, &l);
	client = client != NULL && client[0] != '\0' ? client : "unknown";
	if ((rc = login_locked(st, &l, nm, client, now, &locked)) != PS_OK)
		return db_fail(st, rc, d, "check the login");
	if (!locked) {
		rc = user_find(st, nm, &row, enc);
		if (rc != PS_OK && rc != PS_ENOENT)
			return db_fail(st, rc, d, "check the login");
		if (rc == PS_ENOENT) {
			/* the same work as a real check, so timing does not tell */
			if (password_hash(password != NULL ? password : "", enc, NULL) != PS_OK)
				enc[0] = '\0';
		} else {
			ok = !row.disabled && password != NULL && password_verify(enc, password);
		}
		explicit_bzero(enc, sizeof(enc));
	}
	rc = login_record(st, a, &l, nm, client, now, ok ? &row : NULL, locked, d);
	if (rc != PS_OK)
		return rc;
	if (locked) {
		ps_diag_set(d, "too many failed logins; try again later");
		return PS_ELIMIT;
	}
	if (!ok) {
		ps_diag_set(d, "wrong user name or password");
		return PS_API_EDENIED;
	}
	memset(u, 0, sizeof(*u));
	u->id = row.id;
	u->role = row.role;
	snprintf(u->name, sizeof(u->name), "%s", row.name);
	snprintf(u->units, sizeof(u->units), "%s", row.units);
	return PS_OK;
}

/* ---- sessions ---- */

int ps_api_session_create(struct ps_store *st, const struct ps_api_user *u, int64_t now,
			  char *secret, char *csrf, struct ps_diag *d)
{
	char id[2 * PS_SM3_LEN + 1];
	int rc;

	if ((rc = secret_new(secret)) != PS_OK || (rc = secret_new(csrf)) != PS_OK ||
	    (rc = secret_digest(secret, id)) != PS_OK) {
		ps_diag_set(d, "cannot draw a session secret");
		return rc;
	}
	rc = ps_store_run(st, NULL, "INSERT INTO api_sessions (id, user_id, csrf, created_at, "
		      "last_seen) VALUES (?, ?, ?, ?, ?)", "titii", id, u->id, csrf, now, now);
	return rc != PS_OK ? db_fail(st, rc, d, "create the session") : PS_OK;
}

int ps_api_session_end(struct ps_store *st, const char *session_id, struct ps_diag *d)
{
	int64_t n = 0;
	int rc = ps_store_run(st, &n, "UPDATE api_sessions SET ended_at = ? WHERE id = ? "
			  "AND ended_at IS NULL", "it", ps_time_now_us(),
			  session_id != NULL ? session_id : "");

	if (rc != PS_OK)
		return db_fail(st, rc, d, "end the session");
	if (n == 0) {
		ps_diag_set(d, "no open session");
		return PS_ENOENT;
	}
	return PS_OK;
}

/* ---- tokens ---- */

int ps_api_token_create(struct ps_store *st, struct ps_audit *a, const char *actor,
			const char *name, const char *label, int64_t expires,
			char *secret, int64_t *id, struct ps_diag *d)
{
	struct ps_api_user_row u;
	struct ps_stmt *q = NULL;
	char digest[2 * PS_SM3_LEN + 1], object[80];
	int64_t now = ps_time_now_us(), newid = 0;
	int rc;

	label = label != NULL ? label : "";
	if (strlen(label) >= sizeof(((struct ps_api_token_row *)0)->label)) {
		ps_diag_set(d, "label: at most 127 characters");
		return PS_EINVAL;
	}
	if (expires != 0 && expires <= now) {
		ps_diag_set(d, "expires: the time is in the past");
		return PS_EINVAL;
	}
	if ((rc = secret_new(secret)) != PS_OK || (rc = secret_digest(secret, digest)) != PS_OK) {
		ps_diag_set(d, "cannot draw a token secret");
		return rc;
	}
	if ((rc = ps_store_begin(st)) != PS_OK)
		return db_fail(st, rc, d, "begin");
	rc = ps_api_user_get(st, name, &u, d);
	if (rc == PS_OK)
		rc = ps_store_prepare_args(st, &q, "INSERT INTO api_tokens (user_id, label, digest, "
			      "created_at, expires) VALUES (?, ?, ?, ?, ?) RETURNING id",
			      "ittin", u.id, label, digest, now, expires);
	if (rc == PS_OK && (rc = ps_store_stmt_step(q)) == PS_OK)
		newid = ps_store_stmt_column_int64(q, 0);
	else if (rc == PS_EOF || rc == PS_EDB)
		db_fail(st, rc = PS_EDB, d, "create the token");
	ps_store_stmt_finalize(q);
	if (rc == PS_OK) {
		snprintf(object, sizeof(object), "user:%s", u.name);
		rc = audit_add(a, actor, "token.create", object,
			       json_pack("{s:I, s:s, s:I}", "id", (json_int_t)newid, "label",
					 label, "expires", (json_int_t)expires), d);
	}
	rc = tx_end(st, rc, d);
	if (rc == PS_OK && id != NULL)
		*id = newid;
	if (rc != PS_OK)
		explicit_bzero(secret, PS_API_SECRET_LEN);
	return rc;
}

int ps_api_token_revoke(struct ps_store *st, struct ps_audit *a, const char *actor,
			int64_t id, struct ps_diag *d)
{
	char object[40];
	int64_t n = 0;
	int rc;

	if ((rc = ps_store_begin(st)) != PS_OK)
		return db_fail(st, rc, d, "begin");
	rc = ps_store_run(st, &n, "UPDATE api_tokens SET revoked_at = ? WHERE id = ? "
		      "AND revoked_at IS NULL", "ii", ps_time_now_us(), id);
	if (rc != PS_OK) {
		db_fail(st, rc, d, "revoke the token");
	} else if (n == 0) {
		ps_diag_set(d, "no active token %" PRId64, id);
		rc = PS_ENOENT;
	}
	snprintf(object, sizeof(object), "token:%" PRId64, id);
	if (rc == PS_OK)
		rc = audit_add(a, actor, "token.revoke", object, NULL, d);
	return tx_end(st, rc, d);
}

int ps_api_token_list(struct ps_store *st, const char *name, ps_api_token_fn fn,
		      void *arg, struct ps_diag *d)
{
	struct ps_api_token_row t;
	struct ps_stmt *q;
	const char *s;
	int rc;

	rc = ps_store_prepare_args(st, &q, "SELECT t.id, u.name, t.label, t.created_at, t.expires, "
		      "t.last_used, t.revoked_at FROM api_tokens t JOIN api_users u "
		      "ON u.id = t.user_id WHERE (CAST(? AS TEXT) IS NULL OR u.name = ?) ORDER BY t.id",
		      "tt", name, name);
	if (rc != PS_OK)
		return db_fail(st, rc, d, "list tokens");
	while ((rc = ps_store_stmt_step(q)) == PS_OK) {
		memset(&t, 0, sizeof(t));
		t.id = ps_store_stmt_column_int64(q, 0);
		s = ps_store_stmt_column_text(q, 1);
		snprintf(t.user, sizeof(t.user), "%s", s != NULL ? s : "");
		s = ps_store_stmt_column_text(q, 2);
		snprintf(t.label, sizeof(t.label), "%s", s != NULL ? s : "");
		t.created_at = ps_store_stmt_column_int64(q, 3);
		t.expires = ps_store_stmt_column_int64(q, 4);
		t.last_used = ps_store_stmt_column_int64(q, 5);
		t.revoked_at = ps_store_stmt_column_int64(q, 6);
		if ((rc = fn(arg, &t)) != 0)
			break;
	}
	ps_store_stmt_finalize(q);
	if (rc == PS_EOF)
		return PS_OK;
	if (rc == PS_EDB)
		db_fail(st, rc, d, "list tokens");
	return rc;
}

/* ---- authentication of a request ---- */

/* Columns of the user half of the token and session joins. */
#define AUTH_USER_COLS "u.id, u.name, u.role, u.units, u.disabled, u.must_change"

static int auth_user_read(struct ps_stmt *q, int col, struct ps_api_user *u, bool *off)
{
	const char *s;

	u->id = ps_store_stmt_column_int64(q, col);
	s = ps_store_stmt_column_text(q, col + 1);
	snprintf(u->name, sizeof(u->name), "%s", s != NULL ? s : "");
	if (ps_api_role_parse(ps_store_stmt_column_text(q, col + 2), &u->role) != PS_OK)
		return PS_EPROTO;
	s = ps_store_stmt_column_text(q, col + 3);
	snprintf(u->units, sizeof(u->units), "%s", s != NULL ? s : "");
	off[0] = ps_store_stmt_column_int64(q, col + 4) != 0;  /* disabled */
	off[1] = ps_store_stmt_column_int64(q, col + 5) != 0;  /* must_change */
	return PS_OK;
}

/* Look up an API token by its secret. */
static enum ps_api_err auth_token(struct ps_store *st, const char *secret, int64_t now,
				  struct ps_api_user *u, bool *must_change, const char **why)
{
	char digest[2 * PS_SM3_LEN + 1];
	struct ps_stmt *q = NULL;
	bool off[2];
	int64_t tid = 0, expires = 0, used = 0;
	int rc;

	*why = "invalid or revoked token";
	if (strlen(secret) != PS_API_SECRET_LEN - 1 || secret_digest(secret, digest) != PS_OK)
		return PS_API_UNAUTHORIZED;
	rc = ps_store_prepare_args(st, &q, "SELECT t.id, t.expires, t.last_used, " AUTH_USER_COLS
		      " FROM api_tokens t JOIN api_users u ON u.id = t.user_id "
		      "WHERE t.digest = ? AND t.revoked_at IS NULL", "t", digest);
	if (rc == PS_OK && (rc = ps_store_stmt_step(q)) == PS_OK) {
		tid = ps_store_stmt_column_int64(q, 0);
		expires = ps_store_stmt_column_int64(q, 1);
		used = ps_store_stmt_column_int64(q, 2);
		rc = auth_user_read(q, 3, u, off);
	}
	ps_store_stmt_finalize(q);
	if (rc == PS_EOF)
		return PS_API_UNAUTHORIZED;
	if (rc != PS_OK) {
		*why = "cannot check the credentials";
		return PS_API_UNAVAILABLE;
	}
	if (expires != 0 && expires <= now) {
		*why = "the token has expired";
		return PS_API_UNAUTHORIZED;
	}
	if (off[0]) {
		*why = "the user is disabled";
		return PS_API_UNAUTHORIZED;
	}
	if (used == 0 || now - used >= TOKEN_TOUCH_US) {
		if (ps_store_run(st, NULL, "UPDATE api_tokens SET last_used = ? WHERE id = ?",
			     "ii", now, tid) != PS_OK)
			ps_log_warn("auth", "cannot note the use of token %" PRId64 ": %s", tid,
				    ps_store_errmsg(st));
	}
	u->via_token = true;
	*must_change = off[1];
	return PS_API_OK;
}

/* The value of cookie `name` in a Cookie header (RFC 6265 section 5.4),
 * copied into out; false when absent or too long. */
static bool cookie_value(const char *hdr, const char *name, char *out, size_t n)
{
	size_t nl = strlen(name);
	const char *p = hdr;

	while (p != NULL && *p != '\0') {
		const char *end;

		while (*p == ' ' || *p == '\t' || *p == ';')
			p++;
		end = strchr(p, ';');
		if (end == NULL)
			end = p + strlen(p);
		if ((size_t)(end - p) > nl && strncmp(p, name, nl) == 0 && p[nl] == '=') {
			size_t vl = (size_t)(end - p) - nl - 1;

			while (vl > 0 && (p[nl + 1 + vl - 1] == ' ' || p[nl + 1 + vl - 1] == '\t'))
				vl--;
			if (vl == 0 || vl >= n)
				return false;
			memcpy(out, p + nl + 1, vl);
			out[vl] = '\0';
			return true;
		}
		p = end;
	}
	return false;
}

static bool method_changes(enum ps_api_method m)
{
	return m == PS_API_POST || m == PS_API_PUT || m == PS_API_PATCH || m == PS_API_DELETE;
}

/* Look up a session by the cookie secret, enforce its limits and CSRF. */
static enum ps_api_err auth_session(struct ps_store *st, const struct ps_api_req *rq,
				    const char *secret, const char *csrf,
				    struct ps_api_user *u, bool *must_change, const char **why)
{
	char id[2 * PS_SM3_LEN + 1], want[PS_API_SECRET_LEN];
	struct ps_stmt *q = NULL;
	struct limits l;
	bool off[2];
	int64_t created = 0, seen = 0;
	int rc;

	limits_get(rq->set, &l);
	*why = "not logged in or the session has ended";
	if (secret_digest(secret, id) != PS_OK)
		return PS_API_UNAUTHORIZED;
	rc = ps_store_prepare_args(st, &q, "SELECT s.csrf, s.created_at, s.last_seen, " AUTH_USER_COLS
		      " FROM api_sessions s JOIN api_users u ON u.id = s.user_id "
		      "WHERE s.id = ? AND s.ended_at IS NULL", "t", id);
	if (rc == PS_OK && (rc = ps_store_stmt_step(q)) == PS_OK) {
		const char *c = ps_store_stmt_column_text(q, 0);

		snprintf(want, sizeof(want), "%s", c != NULL ? c : "");
		created = ps_store_stmt_column_int64(q, 1);
		seen = ps_store_stmt_column_int64(q, 2);
		rc = auth_user_read(q, 3, u, off);
	}
	ps_store_stmt_finalize(q);
	if (rc == PS_EOF)
		return PS_API_UNAUTHORIZED;
	if (rc != PS_OK) {
		*why = "cannot check the credentials";
		return PS_API_UNAVAILABLE;
	}
	if (rq->now - seen >= l.idle_us || rq->now - created >= l.max_us || off[0]) {
		if (ps_store_run(st, NULL, "UPDATE api_sessions SET ended_at = ? WHERE id = ? "
			     "AND ended_at IS NULL", "it", rq->now, id) != PS_OK)
			ps_log_warn("auth", "cannot end a session: %s", ps_store_errmsg(st));
		*why = off[0] ? "the user is disabled" : "the session has expired";
		return PS_API_UNAUTHORIZED;
	}
	if (method_changes(rq->method) &&
	    (csrf == NULL || strlen(csrf) != strlen(want) || want[0] == '\0' ||
	     !ps_ct_equal(csrf, want, strlen(want)))) {
		*why = "missing or wrong X-CSRF-Token header";
		return PS_API_CSRF;
	}
	if (rq->now - seen >= SESSION_TOUCH_US &&
	    ps_store_run(st, NULL, "UPDATE api_sessions SET last_seen = ? WHERE id = ?", "it",
		     rq->now, id) != PS_OK)
		ps_log_warn("auth", "cannot touch a session: %s", ps_store_errmsg(st));
	u->via_token = false;
	snprintf(u->session_id, sizeof(u->session_id), "%s", id);
	*must_change = off[1];
	return PS_API_OK;
}

/* What a user who still has a one-time password may do. */
static bool allowed_before_change(const struct ps_api_req *rq)
{
	const char *p = rq->route != NULL ? rq->route->pattern : rq->path;

	if (p == NULL)
		return false;
	return (rq->method == PS_API_GET && strcmp(p, "/api/v1/me") == 0) ||
	       (rq->method == PS_API_PUT && strcmp(p, "/api/v1/me/password") == 0) ||
	       (rq->method == PS_API_DELETE && strcmp(p, "/api/v1/sessions/current") == 0);
}

enum ps_api_err ps_api_authenticate(struct ps_api_req *rq, const char *authz,
				    const char *cookie, const char *csrf,
				    struct ps_api_user *u, struct ps_api_resp *rs)
{
	char secret[128];
	const char *why = "authentication is required";
	enum ps_api_err e = PS_API_UNAUTHORIZED;
	bool must_change = false;
	struct ps_store *st = rq->th != NULL ? rq->th->st : NULL;

	memset(u, 0, sizeof(*u));
	if (rq->now == 0)
		rq->now = ps_time_now_us();
	if (st == NULL) {
		e = PS_API_UNAVAILABLE;
		why = "the store is not available";
	} else if (authz != NULL && authz[0] != '\0') {
		if (strncasecmp(authz, "Bearer ", 7) == 0) {
			const char *t = authz + 7;

			while (*t == ' ')
				t++;
			e = auth_token(st, t, rq->now, u, &must_change, &why);
		} else {
			why = "the Authorization header needs the Bearer scheme";
		}
	} else if (cookie != NULL && cookie_value(cookie, "panshi_session", secret,
						   sizeof(secret))) {
		e = auth_session(st, rq, secret, csrf, u, &must_change, &why);
		explicit_bzero(secret, sizeof(secret));
	}
	if (e == PS_API_OK && must_change && !allowed_before_change(rq)) {
		e = PS_API_FORBIDDEN;
		why = "change the one-time password first";
	}
	if (e != PS_API_OK) {
		memset(u, 0, sizeof(*u));
		ps_api_error(rs, e, "%s", why);
	}
	return e;
}
