/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Users, passwords (argon2id), login sessions and API tokens, kept in the
 * store (migration 5: api_users, api_sessions, api_tokens,
 * api_login_failures). The CLI (`panshi user ...`, `panshi token ...`)
 * and the API routes call these. Secrets are never stored: sessions and
 * tokens are kept as their SM3 digests; passwords as argon2id encodings.
 * Every change is appended to the audit trail by the caller's audit
 * handle when one is given (`a` may be NULL only in tests).
 */
#ifndef PS_API_AUTH_H
#define PS_API_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api/api.h"
#include "core/err.h"

struct ps_store;
struct ps_audit;

#define PS_API_SECRET_LEN 44   /* printable secret of a session or token, + NUL */
#define PS_API_PASSWORD_MIN 12  /* characters (bytes) of a password, at least */
#define PS_API_PASSWORD_MAX 1024

/*
 * Wrong credentials (name, password, disabled user). core/err.h has no
 * such code, so this one lies outside its range (ps_strerror says
 * "unknown error"); only the login and password checks below return it.
 */
#define PS_API_EDENIED (-64)

/* A user as listed. */
struct ps_api_user_row {
	int64_t id;
	char name[64];
	enum ps_api_role role;
	char units[1024];
	bool disabled;
	bool must_change;      /* one-time password still in use */
	int64_t created_at, last_login;
};

/*
 * Create a user. `password` NULL generates a one-time password written to
 * otp (>= PS_API_SECRET_LEN bytes) and marks the user must_change. Names:
 * 1..63 of [A-Za-z0-9._-]. Passwords: at least 12 characters. `units`
 * (unit owners only, comma-separated registry unit keys) may be NULL.
 * PS_EEXIST, PS_EINVAL (named), PS_EDB, PS_ECRYPTO. *id (may be NULL).
 */
int ps_api_user_create(struct ps_store *st, struct ps_audit *a, const char *actor,
		       const char *name, const char *password, enum ps_api_role role,
		       const char *units, char *otp, int64_t *id,
		       struct ps_diag *d) PS_MUST_USE;

/* Find by name (PS_ENOENT). */
int ps_api_user_get(struct ps_store *st, const char *name,
		    struct ps_api_user_row *out, struct ps_diag *d) PS_MUST_USE;

/* Set the password (ends every session of the user), the role, the units,
 * or disable/enable. Each audited. */
int ps_api_user_set_password(struct ps_store *st, struct ps_audit *a, const char *actor,
			     const char *name, const char *password,
			     struct ps_diag *d) PS_MUST_USE;
/* Replace the password with a new one-time password (written to otp,
 * PS_API_SECRET_LEN bytes) that must be changed at the next login; ends
 * every session of the user. Audited as "user.password_reset". */
int ps_api_user_reset(struct ps_store *st, struct ps_audit *a, const char *actor,
		      const char *name, char *otp, struct ps_diag *d) PS_MUST_USE;
int ps_api_user_set_role(struct ps_store *st, struct ps_audit *a, const char *actor,
			 const char *name, enum ps_api_role role, const char *units,
			 struct ps_diag *d) PS_MUST_USE;
int ps_api_user_set_disabled(struct ps_store *st, struct ps_audit *a, const char *actor,
			     const char *name, bool disabled, struct ps_diag *d) PS_MUST_USE;

/*
 * Check a login: PS_OK with *u filled, PS_API_EDENIED for a wrong name or
 * password or a disabled user (one message for all: "wrong user name or
 * password"), PS_ELIMIT when the user/address is locked out after too
 * many failures (ps_api_settings.login_failures within login_window).
 * Failures and successes are audited ("auth.login_failed", "auth.login").
 */
int ps_api_login_check(struct ps_store *st, struct ps_audit *a,
		       const struct ps_api_settings *set, const char *name,
		       const char *password, const char *client, int64_t now,
		       struct ps_api_user *u, struct ps_diag *d) PS_MUST_USE;

/* A new session for user u: the cookie secret and CSRF token (each
 * PS_API_SECRET_LEN bytes). */
int ps_api_session_create(struct ps_store *st, const struct ps_api_user *u, int64_t now,
			  char *secret, char *csrf, struct ps_diag *d) PS_MUST_USE;
int ps_api_session_end(struct ps_store *st, const char *session_id,
		       struct ps_diag *d) PS_MUST_USE;

/* A new API token of user `name` with a label; the secret is shown once
 * (written to secret, PS_API_SECRET_LEN bytes). */
int ps_api_token_create(struct ps_store *st, struct ps_audit *a, const char *actor,
			const char *name, const char *label, int64_t expires,
			char *secret, int64_t *id, struct ps_diag *d) PS_MUST_USE;
int ps_api_token_revoke(struct ps_store *st, struct ps_audit *a, const char *actor,
			int64_t id, struct ps_diag *d) PS_MUST_USE;

/*
 * PUT /me/password: check the old password of `u` (PS_API_EDENIED,
 * "old_password: wrong password"), refuse a new one equal to it
 * (PS_EINVAL), set it and end every session of the user except the
 * current one (u->session_id). Audited as "user.password".
 */
int ps_api_user_change_password(struct ps_store *st, struct ps_audit *a, const char *actor,
				const struct ps_api_user *u, const char *old_pw,
				const char *new_pw, struct ps_diag *d) PS_MUST_USE;

/* ---- listing (additive: the CLI and GET /users, GET /tokens) ---- */

/* A token as listed; never its secret. Times 0 = never / not yet. */
struct ps_api_token_row {
	int64_t id;
	char user[64];
	char label[128];
	int64_t created_at, expires, last_used, revoked_at;
};

/* Return 0 to continue; anything else stops the listing and is returned. */
typedef int (*ps_api_user_fn)(void *arg, const struct ps_api_user_row *u);
typedef int (*ps_api_token_fn)(void *arg, const struct ps_api_token_row *t);

/* Every user by name. PS_OK, the callback's value, PS_EDB. */
int ps_api_user_list(struct ps_store *st, ps_api_user_fn fn, void *arg,
		     struct ps_diag *d) PS_MUST_USE;
/* Tokens of user `name` (NULL: all) by id. PS_OK, callback's value, PS_EDB. */
int ps_api_token_list(struct ps_store *st, const char *name, ps_api_token_fn fn,
		      void *arg, struct ps_diag *d) PS_MUST_USE;

/* Whether `password` is the password of enabled user `name`: PS_OK or
 * PS_API_EDENIED (PUT /me/password checks the old one; no audit, no
 * lockout). PS_EDB, PS_ECRYPTO. */
int ps_api_user_password_check(struct ps_store *st, const char *name,
			       const char *password, struct ps_diag *d) PS_MUST_USE;

#endif
