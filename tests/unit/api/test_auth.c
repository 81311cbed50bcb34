/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of users, passwords, sessions, tokens, CSRF and the login lockout
 * (src/api/auth.c) on SQLite and PostgreSQL (argv[1]), calling the
 * functions directly on a store: no HTTP server. Every change must leave
 * an intact audit trail with its records.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "api/api.h"
#include "api/auth.h"
#include "audit/audit.h"
#include "core/core.h"
#include "policy/policy.h"
#include "registry/bulk.h"
#include "registry/registry.h"
#include "store/store.h"

#define OK(x) assert_int_equal((x), PS_OK)
#define S(x) ((int64_t)(x) * 1000000LL)
#define PW "correct horse 1"

struct fx {
	struct ps_store *st;
	struct ps_store_settings set;
	struct ps_registry r;
	char spec[512];
	char schema[64];
	struct ps_audit *a;
	struct ps_api_thread th;
	struct ps_api_settings api;
};

static const uint8_t akey[32] = "0123456789abcdef0123456789abcdef";

static int fx_setup(struct fx *f)
{
	memset(&f->api, 0, sizeof(f->api));
	f->api.login_failures = 3;
	f->api.login_window = 60;
	f->api.session_idle = 100;
	f->api.session_max = 250;
	f->th.st = f->st;
	return ps_audit_open(f->st, akey, sizeof(akey), &f->a) == PS_OK ? 0 : -1;
}

#define REG_FX_NAME "apiauth"
#define REG_FX_TODAY ((struct ps_date){2026, 3, 1})
#define REG_FX_SETUP(f) fx_setup(f)
#define REG_FX_TEARDOWN(f) ps_audit_close((f)->a)
#include "../registry/reg_fixture.h"

/* A request as the server would hand it to ps_api_authenticate. */
static enum ps_api_err auth(struct fx *f, enum ps_api_method m, const char *path,
			    int64_t now, const char *authz, const char *cookie,
			    const char *csrf, struct ps_api_user *u, char *why, size_t whyn)
{
	struct ps_api_req rq;
	struct ps_api_resp rs;
	enum ps_api_err e;

	memset(&rq, 0, sizeof(rq));
	memset(&rs, 0, sizeof(rs));
	rq.th = &f->th;
	rq.method = m;
	rq.path = path;
	rq.now = now;
	rq.client = "127.0.0.1";
	rq.set = &f->api;
	e = ps_api_authenticate(&rq, authz, cookie, csrf, u, &rs);
	if (why != NULL)
		why[0] = '\0';
	if (e != PS_API_OK) {
		json_t *err = json_object_get(rs.json, "error");

		assert_non_null(err);
		assert_string_equal(json_string_value(json_object_get(err, "code")),
				    ps_api_err_code(e));
		assert_int_equal(rs.status, ps_api_err_status(e));
		if (why != NULL)
			snprintf(why, whyn, "%s",
				 json_string_value(json_object_get(err, "message")));
	} else {
		assert_null(rs.json);
	}
	json_decref(rs.json);
	return e;
}

static void mkuser(struct fx *f, const char *name, enum ps_api_role role, const char *units)
{
	struct ps_diag d = {{0}};

	OK(ps_api_user_create(f->st, f->a, "cli:root", name, PW, role, units, NULL, NULL, &d));
}

/* Two units in the registry, for unit owners. */
static void add_units(struct fx *f)
{
	static const char yaml[] =
		"panshi_registry: 1\n"
		"operators:\n"
		"  - {key: OP-1, name: 测试运营者, type: basic_telecom}\n"
		"units:\n"
		"  - {key: U-CORE-01, operator: OP-1, name: 核心网一, type: idc, level: 3}\n"
		"  - {key: U-CORE-02, operator: OP-1, name: 核心网二, type: idc, level: 2}\n";
	struct ps_reg_bulk b;
	struct ps_reg_bulk_report rep;

	OK(ps_reg_bulk_init(&b));
	OK(ps_reg_bulk_parse_yaml(&b, "units.yaml", yaml, strlen(yaml)));
	OK(ps_reg_bulk_apply(&f->r, &b, false, &rep));
	ps_reg_bulk_release(&b);
}

static int login(struct fx *f, const char *name, const char *pw, const char *client,
		 int64_t now, struct ps_api_user *u, struct ps_diag *d)
{
	return ps_api_login_check(f->st, f->a, &f->api, name, pw, client, now, u, d);
}

static void test_roles(void **state)
{
	enum ps_api_role r;

	(void)state;
	for (int i = 0; i < PS_ROLE__COUNT; i++) {
		OK(ps_api_role_parse(ps_api_role_name((enum ps_api_role)i), &r));
		assert_int_equal(r, i);
		assert_true(ps_api_role_has(r, PS_PERM_PUBLIC));
		assert_true(ps_api_role_has(r, PS_PERM_SELF));
	}
	assert_int_equal(ps_api_role_parse("root", &r), PS_EINVAL);
	assert_string_equal(ps_api_role_zh(PS_ROLE_AUDITOR), "审计管理员");
	assert_string_equal(ps_api_perm_name(PS_PERM_INCIDENTS_READ), "incidents.read");
	assert_string_equal(ps_api_perm_name(PS_PERM_AUDIT_READ), "audit.read");
	/* 三员分立: each administrator holds only its own duties */
	for (int p = PS_PERM_EVENTS_READ; p < PS_PERM__COUNT; p++) {
		assert_int_equal(ps_api_role_has(PS_ROLE_AUDITOR, (enum ps_api_perm)p),
				 p == PS_PERM_AUDIT_READ);
		assert_int_equal(ps_api_role_has(PS_ROLE_SYSADMIN, (enum ps_api_perm)p),
				 p == PS_PERM_USERS_MANAGE || p == PS_PERM_CONFIG_MANAGE);
		assert_int_equal(ps_api_role_has(PS_ROLE_SECADMIN, (enum ps_api_perm)p),
				 p == PS_PERM_POLICY_MANAGE || p == PS_PERM_ROLES_MANAGE);
	}
	assert_true(ps_api_role_has(PS_ROLE_ANALYST, PS_PERM_VULN_DETAILS));
	assert_false(ps_api_role_has(PS_ROLE_ANALYST, PS_PERM_AUDIT_READ));
	assert_true(ps_api_role_has(PS_ROLE_UNIT_OWNER, PS_PERM_INCIDENTS_ACT));
	assert_false(ps_api_role_has(PS_ROLE_UNIT_OWNER, PS_PERM_EVENTS_READ));
	assert_true(ps_api_role_has(PS_ROLE_REGULATOR, PS_PERM_INCIDENTS_READ));
	assert_false(ps_api_role_has(PS_ROLE_REGULATOR, PS_PERM_INCIDENTS_ACT));
	assert_false(ps_api_role_has(PS_ROLE_REGULATOR, PS_PERM_REGISTRY_WRITE));
	assert_false(ps_api_role_has(PS_ROLE__COUNT, PS_PERM_SELF));
}

static void test_password(void **state)
{
	struct fx *f = *state;
	struct ps_diag d = {{0}};
	struct ps_api_user u;
	struct ps_api_user_row row;
	struct ps_stmt *q;
	int64_t id = 0;
	int64_t t = S(1700000000);

	OK(ps_api_user_create(f->st, f->a, "cli:root", "alice", PW, PS_ROLE_ANALYST, NULL,
			      NULL, &id, &d));
	assert_true(id > 0);
	/* argon2id with the OWASP minimum cost, never the password itself */
	OK(ps_store_prepare(f->st, "SELECT password FROM api_users WHERE name = 'alice'", &q));
	OK(ps_store_stmt_step(q));
	assert_memory_equal(ps_store_stmt_column_text(q, 0), "$argon2id$v=19$m=19456,t=2,p=1$",
			    31);
	assert_null(strstr(ps_store_stmt_column_text(q, 0), PW));
	ps_store_stmt_finalize(q);

	OK(login(f, "alice", PW, "10.0.0.1", t, &u, &d));
	assert_string_equal(u.name, "alice");
	assert_int_equal(u.role, PS_ROLE_ANALYST);
	assert_int_equal(u.id, id);
	OK(ps_api_user_get(f->st, "alice", &row, &d));
	assert_false(row.must_change);
	assert_true(row.last_login > 0);

	assert_int_equal(login(f, "alice", "correct horse 2", "10.0.0.1", t, &u, &d),
			 PS_API_EDENIED);
	assert_string_equal(d.msg, "wrong user name or password");
	assert_int_equal(login(f, "nobody", PW, "10.0.0.2", t, &u, &d), PS_API_EDENIED);
	assert_string_equal(d.msg, "wrong user name or password");

	/* 12 characters at least */
	assert_int_equal(ps_api_user_create(f->st, f->a, "cli:root", "bob", "elevenchars",
					    PS_ROLE_ANALYST, NULL, NULL, NULL, &d), PS_EINVAL);
	assert_non_null(strstr(d.msg, "at least 12"));
	OK(ps_api_user_create(f->st, f->a, "cli:root", "bob", "twelve chars", PS_ROLE_ANALYST,
			      NULL, NULL, NULL, &d));
	assert_int_equal(ps_api_user_create(f->st, f->a, "cli:root", "bob", PW, PS_ROLE_ANALYST,
					    NULL, NULL, NULL, &d), PS_EEXIST);
	assert_int_equal(ps_api_user_create(f->st, f->a, "cli:root", "b ob", PW,
					    PS_ROLE_ANALYST, NULL, NULL, NULL, &d), PS_EINVAL);
	assert_int_equal(ps_api_user_create(f->st, f->a, "cli:root", "carol", PW,
					    PS_ROLE_UNIT_OWNER, "U-1,,U-2", NULL, NULL, &d),
			 PS_EINVAL);
	assert_int_equal(ps_api_user_set_password(f->st, f->a, "cli:root", "bob", "short",
						  &d), PS_EINVAL);

	/* a disabled user is refused with the same message, and back */
	OK(ps_api_user_set_disabled(f->st, f->a, "cli:root", "alice", true, &d));
	assert_int_equal(login(f, "alice", PW, "10.0.0.3", t, &u, &d), PS_API_EDENIED);
	assert_string_equal(d.msg, "wrong user name or password");
	OK(ps_api_user_set_disabled(f->st, f->a, "cli:root", "alice", false, &d));
	OK(login(f, "alice", PW, "10.0.0.3", t, &u, &d));
	OK(ps_api_user_password_check(f->st, "alice", PW, &d));
	assert_int_equal(ps_api_user_password_check(f->st, "alice", "correct horse 2", &d),
			 PS_API_EDENIED);
	assert_int_equal(ps_api_user_set_disabled(f->st, f->a, "cli:root", "nobody", true, &d),
			 PS_ENOENT);
}

static void test_one_time(void **state)
{
	struct fx *f = *state;
	struct ps_diag d = {{0}};
	struct ps_api_user u;
	struct ps_api_user_row row;
	char otp[PS_API_SECRET_LEN], tok[PS_API_SECRET_LEN], hdr[80], why[200];
	int64_t t = ps_time_now_us();

	OK(ps_api_user_create(f->st, f->a, "cli:root", "admin", NULL, PS_ROLE_SYSADMIN, NULL,
			      otp, NULL, &d));
	assert_int_equal(strlen(otp), PS_API_SECRET_LEN - 1);
	assert_int_equal(strspn(otp, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				"0123456789-_"), PS_API_SECRET_LEN - 1);
	OK(ps_api_user_get(f->st, "admin", &row, &d));
	assert_true(row.must_change);
	OK(login(f, "admin", otp, "10.0.0.1", t, &u, &d));

	/* until the password is changed, only /me, its password and logout */
	OK(ps_api_token_create(f->st, f->a, "cli:root", "admin", "t", 0, tok, NULL, &d));
	snprintf(hdr, sizeof(hdr), "Bearer %s", tok);
	assert_int_equal(auth(f, PS_API_GET, "/api/v1/users", t, hdr, NULL, NULL, &u, why,
			      sizeof(why)), PS_API_FORBIDDEN);
	assert_string_equal(why, "change the one-time password first");
	OK(auth(f, PS_API_GET, "/api/v1/me", t, hdr, NULL, NULL, &u, NULL, 0));
	assert_true(u.via_token);
	OK(auth(f, PS_API_PUT, "/api/v1/me/password", t, hdr, NULL, NULL, &u, NULL, 0));
	OK(auth(f, PS_API_DELETE, "/api/v1/sessions/current", t, hdr, NULL, NULL, &u, NULL, 0));
	assert_int_equal(auth(f, PS_API_POST, "/api/v1/me", t, hdr, NULL, NULL, &u, NULL, 0),
			 PS_API_FORBIDDEN);

	OK(ps_api_user_set_password(f->st, f->a, "web:admin", "admin", PW, &d));
	OK(ps_api_user_get(f->st, "admin", &row, &d));
	assert_false(row.must_change);
	OK(auth(f, PS_API_GET, "/api/v1/users", t, hdr, NULL, NULL, &u, NULL, 0));
	assert_string_equal(u.name, "admin");
	assert_int_equal(u.role, PS_ROLE_SYSADMIN);
	assert_int_equal(login(f, "admin", otp, "10.0.0.1", t, &u, &d), PS_API_EDENIED);
	/* no password and nowhere to put one */
	assert_int_equal(ps_api_user_create(f->st, f->a, "cli:root", "x", NULL, PS_ROLE_ANALYST,
					    NULL, NULL, NULL, &d), PS_EINVAL);

	/* a reset: a new one-time password, the old password refused */
	{
		char otp2[PS_API_SECRET_LEN];

		OK(ps_api_user_reset(f->st, f->a, "cli:root", "admin", otp2, &d));
		assert_int_equal(strlen(otp2), PS_API_SECRET_LEN - 1);
		assert_string_not_equal(otp2, otp);
		OK(ps_api_user_get(f->st, "admin", &row, &d));
		assert_true(row.must_change);
		assert_int_equal(login(f, "admin", PW, "10.0.0.2", t, &u, &d), PS_API_EDENIED);
		OK(login(f, "admin", otp2, "10.0.0.2", t, &u, &d));
		assert_int_equal(ps_api_user_reset(f->st, f->a, "cli:root", "nobody", otp2, &d),
				 PS_ENOENT);
	}
}

/* login_failures = 3 within login_window = 60 s. */
static void test_lockout(void **state)
{
	struct fx *f = *state;
	struct ps_diag d = {{0}};
	struct ps_api_user u;
	int64_t t = S(1700000000);

	mkuser(f, "alice", PS_ROLE_ANALYST, NULL);
	assert_int_equal(login(f, "alice", "wrong password!", "10.0.0.1", t, &u, &d),
			 PS_API_EDENIED);
	assert_int_equal(login(f, "alice", "wrong password!", "10.0.0.2", t + S(1), &u, &d),
			 PS_API_EDENIED);
	/* two failures do not lock */
	OK(login(f, "alice", PW, "10.0.0.3", t + S(2), &u, &d));
	/* success forgets the name's failures; three do lock */
	for (int i = 0; i < 3; i++)
		assert_int_equal(login(f, "alice", "wrong password!", "10.0.0.4",
				       t + S(10 + i), &u, &d), PS_API_EDENIED);
	assert_int_equal(login(f, "alice", PW, "10.0.0.5", t + S(13), &u, &d), PS_ELIMIT);
	assert_string_equal(d.msg, "too many failed logins; try again later");
	/* a locked attempt does not extend the lock; the window end releases
	 * it: the first failure (t+10) counts until t+70 exclusive */
	assert_int_equal(login(f, "alice", PW, "10.0.0.5", t + S(70) - 1, &u, &d), PS_ELIMIT);
	OK(login(f, "alice", PW, "10.0.0.5", t + S(70), &u, &d));

	/* by client: three names from one address lock the address, any name */
	mkuser(f, "bob", PS_ROLE_ANALYST, NULL);
	assert_int_equal(login(f, "x1", "wrong password!", "10.9.9.9", t + S(100), &u, &d),
			 PS_API_EDENIED);
	assert_int_equal(login(f, "x2", "wrong password!", "10.9.9.9", t + S(101), &u, &d),
			 PS_API_EDENIED);
	assert_int_equal(login(f, "x3", "wrong password!", "10.9.9.9", t + S(102), &u, &d),
			 PS_API_EDENIED);
	assert_int_equal(login(f, "bob", PW, "10.9.9.9", t + S(103), &u, &d), PS_ELIMIT);
	OK(login(f, "bob", PW, "10.9.9.8", t + S(103), &u, &d));
	OK(login(f, "bob", PW, "10.9.9.9", t + S(160), &u, &d));
}

static void session(struct fx *f, const char *name, int64_t t, char *cookie, size_t n,
		    char *csrf)
{
	struct ps_diag d = {{0}};
	struct ps_api_user u;
	char secret[PS_API_SECRET_LEN];

	OK(login(f, name, PW, "10.0.0.1", t, &u, &d));
	OK(ps_api_session_create(f->st, &u, t, secret, csrf, &d));
	assert_int_equal(strlen(secret), PS_API_SECRET_LEN - 1);
	assert_int_equal(strlen(csrf), PS_API_SECRET_LEN - 1);
	assert_string_not_equal(secret, csrf);
	snprintf(cookie, n, "lang=zh-CN; panshi_session=%s; theme=dark", secret);
}

/* session_idle = 100 s, session_max = 250 s. */
static void test_session_expiry(void **state)
{
	struct fx *f = *state;
	struct ps_api_user u;
	struct ps_diag d = {{0}};
	char c1[128], c2[128], x1[PS_API_SECRET_LEN], x2[PS_API_SECRET_LEN], why[200];
	int64_t t = S(1700000000);

	mkuser(f, "alice", PS_ROLE_ANALYST, NULL);
	session(f, "alice", t, c1, sizeof(c1), x1);
	OK(auth(f, PS_API_GET, "/api/v1/me", t + S(100) - 1, NULL, c1, NULL, &u, NULL, 0));
	assert_false(u.via_token);
	assert_int_equal(strlen(u.session_id), 64);
	OK(auth(f, PS_API_GET, "/api/v1/me", t + S(199) - 2, NULL, c1, NULL, &u, NULL, 0));
	OK(auth(f, PS_API_GET, "/api/v1/me", t + S(250) - 1, NULL, c1, NULL, &u, NULL, 0));
	/* age == session_max ends it, and an ended session stays ended */
	assert_int_equal(auth(f, PS_API_GET, "/api/v1/me", t + S(250), NULL, c1, NULL, &u,
			      why, sizeof(why)), PS_API_UNAUTHORIZED);
	assert_string_equal(why, "the session has expired");
	assert_int_equal(auth(f, PS_API_GET, "/api/v1/me", t + S(1), NULL, c1, NULL, &u, NULL,
			      0), PS_API_UNAUTHORIZED);

	/* idle == session_idle ends it */
	session(f, "alice", t, c2, sizeof(c2), x2);
	OK(auth(f, PS_API_GET, "/api/v1/me", t + S(50), NULL, c2, NULL, &u, NULL, 0));
	assert_int_equal(auth(f, PS_API_GET, "/api/v1/me", t + S(150), NULL, c2, NULL, &u,
			      NULL, 0), PS_API_UNAUTHORIZED);

	/* logout, and a password change ends every session */
	session(f, "alice", t, c1, sizeof(c1), x1);
	OK(auth(f, PS_API_GET, "/api/v1/me", t + S(1), NULL, c1, NULL, &u, NULL, 0));
	OK(ps_api_session_end(f->st, u.session_id, &d));
	assert_int_equal(ps_api_session_end(f->st, u.session_id, &d), PS_ENOENT);
	assert_int_equal(auth(f, PS_API_GET, "/api/v1/me", t + S(2), NULL, c1, NULL, &u, NULL,
			      0), PS_API_UNAUTHORIZED);
	session(f, "alice", t, c2, sizeof(c2), x2);
	OK(ps_api_user_set_password(f->st, f->a, "cli:root", "alice", "another password", &d));
	assert_int_equal(auth(f, PS_API_GET, "/api/v1/me", t + S(2), NULL, c2, NULL, &u, NULL,
			      0), PS_API_UNAUTHORIZED);
	OK(ps_api_user_set_password(f->st, f->a, "cli:root", "alice", PW, &d));
	/* changing one's own password keeps the current session only */
	session(f, "alice", t, c1, sizeof(c1), x1);
	session(f, "alice", t, c2, sizeof(c2), x2);
	OK(auth(f, PS_API_PUT, "/api/v1/me/password", t + S(3), NULL, c1, x1, &u, NULL, 0));
	assert_int_equal(ps_api_user_change_password(f->st, f->a, "web:alice", &u,
						     "wrong password!", "third password", &d),
			 PS_API_EDENIED);
	assert_string_equal(d.msg, "old_password: wrong password");
	assert_int_equal(ps_api_user_change_password(f->st, f->a, "web:alice", &u, PW, PW, &d),
			 PS_EINVAL);
	OK(ps_api_user_change_password(f->st, f->a, "web:alice", &u, PW, "third password", &d));
	OK(auth(f, PS_API_GET, "/api/v1/me", t + S(4), NULL, c1, NULL, &u, NULL, 0));
	assert_int_equal(auth(f, PS_API_GET, "/api/v1/me", t + S(4), NULL, c2, NULL, &u, NULL,
			      0), PS_API_UNAUTHORIZED);
	/* a made-up or malformed cookie */
	assert_int_equal(auth(f, PS_API_GET, "/api/v1/me", t, NULL,
			      "panshi_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NULL,
			      &u, NULL, 0), PS_API_UNAUTHORIZED);
	assert_int_equal(auth(f, PS_API_GET, "/api/v1/me", t, NULL, "panshi_session=", NULL,
			      &u, why, sizeof(why)), PS_API_UNAUTHORIZED);
	assert_string_equal(why, "authentication is required");
	assert_int_equal(auth(f, PS_API_GET, "/api/v1/me", t, NULL, NULL, NULL, &u, NULL, 0),
			 PS_API_UNAUTHORIZED);
}

static void test_csrf(void **state)
{
	struct fx *f = *state;
	struct ps_api_user u;
	struct ps_diag d = {{0}};
	char c[128], x[PS_API_SECRET_LEN], bad[PS_API_SECRET_LEN], why[200];
	char tok[PS_API_SECRET_LEN], hdr[80];
	int64_t t = S(1700000000);
	static const enum ps_api_method changing[] = {
		PS_API_POST, PS_API_PUT, PS_API_PATCH, PS_API_DELETE,
	};

	mkuser(f, "alice", PS_ROLE_ANALYST, NULL);
	session(f, "alice", t, c, sizeof(c), x);
	snprintf(bad, sizeof(bad), "%s", x);
	bad[5] = bad[5] == 'A' ? 'B' : 'A';
	OK(auth(f, PS_API_GET, "/api/v1/incidents", t, NULL, c, NULL, &u, NULL, 0));
	for (size_t i = 0; i < PS_ARRAY_LEN(changing); i++) {
		assert_int_equal(auth(f, changing[i], "/api/v1/incidents/tick", t, NULL, c, NULL,
				      &u, why, sizeof(why)), PS_API_CSRF);
		assert_string_equal(why, "missing or wrong X-CSRF-Token header");
		assert_int_equal(auth(f, changing[i], "/api/v1/incidents/tick", t, NULL, c, bad,
				      &u, NULL, 0), PS_API_CSRF);
		assert_int_equal(auth(f, changing[i], "/api/v1/incidents/tick", t, NULL, c, "",
				      &u, NULL, 0), PS_API_CSRF);
		OK(auth(f, changing[i], "/api/v1/incidents/tick", t, NULL, c, x, &u, NULL, 0));
	}
	/* tokens need no CSRF header (no ambient credential) */
	OK(ps_api_token_create(f->st, f->a, "cli:root", "alice", "ci", 0, tok, NULL, &d));
	snprintf(hdr, sizeof(hdr), "Bearer %s", tok);
	OK(auth(f, PS_API_POST, "/api/v1/incidents/tick", t, hdr, NULL, NULL, &u, NULL, 0));
	assert_true(u.via_token);
}

static int count_tokens(void *arg, const struct ps_api_token_row *t)
{
	int *n = arg;

	(void)t;
	(*n)++;
	return 0;
}

static void test_tokens(void **state)
{
	struct fx *f = *state;
	struct ps_api_user u;
	struct ps_diag d = {{0}};
	char tok[PS_API_SECRET_LEN], tok2[PS_API_SECRET_LEN], hdr[80], hdr2[80], why[200];
	int64_t now = ps_time_now_us(), id = 0, id2 = 0;
	int n = 0;

	mkuser(f, "alice", PS_ROLE_REGULATOR, NULL);
	OK(ps_api_token_create(f->st, f->a, "cli:root", "alice", "ci", 0, tok, &id, &d));
	assert_int_equal(strlen(tok), PS_API_SECRET_LEN - 1);
	snprintf(hdr, sizeof(hdr), "Bearer %s", tok);
	OK(auth(f, PS_API_GET, "/api/v1/incidents", now, hdr, NULL, NULL, &u, NULL, 0));
	assert_true(u.via_token);
	assert_string_equal(u.name, "alice");
	assert_int_equal(u.role, PS_ROLE_REGULATOR);
	snprintf(hdr2, sizeof(hdr2), "bearer   %s", tok);
	OK(auth(f, PS_API_GET, "/api/v1/incidents", now, hdr2, NULL, NULL, &u, NULL, 0));

	/* expiry: valid before, refused at the instant */
	OK(ps_api_token_create(f->st, f->a, "cli:root", "alice", "short", now + S(3600), tok2,
			       &id2, &d));
	snprintf(hdr2, sizeof(hdr2), "Bearer %s", tok2);
	OK(auth(f, PS_API_GET, "/api/v1/me", now + S(3600) - 1, hdr2, NULL, NULL, &u, NULL, 0));
	assert_int_equal(auth(f, PS_API_GET, "/api/v1/me", now + S(3600), hdr2, NULL, NULL, &u,
			      why, sizeof(why)), PS_API_UNAUTHORIZED);
	assert_string_equal(why, "the token has expired");
	assert_int_equal(ps_api_token_create(f->st, f->a, "cli:root", "alice", "old",
					     now - S(1), tok2, NULL, &d), PS_EINVAL);
	assert_int_equal(ps_api_token_create(f->st, f->a, "cli:root", "nobody", "x", 0, tok2,
					     NULL, &d), PS_ENOENT);

	OK(ps_api_token_list(f->st, "alice", count_tokens, &n, &d));
	assert_int_equal(n, 2);
	n = 0;
	OK(ps_api_token_list(f->st, "bob", count_tokens, &n, &d));
	assert_int_equal(n, 0);

	/* revoked, disabled user, garbage, wrong scheme */
	OK(ps_api_token_revoke(f->st, f->a, "cli:root", id, &d));
	assert_int_equal(ps_api_token_revoke(f->st, f->a, "cli:root", id, &d), PS_ENOENT);
	assert_int_equal(auth(f, PS_API_GET, "/api/v1/incidents", now, hdr, NULL, NULL, &u, why,
			      sizeof(why)), PS_API_UNAUTHORIZED);
	assert_string_equal(why, "invalid or revoked token");
	OK(ps_api_user_set_disabled(f->st, f->a, "cli:root", "alice", true, &d));
	assert_int_equal(auth(f, PS_API_GET, "/api/v1/me", now, hdr2, NULL, NULL, &u, NULL, 0),
			 PS_API_UNAUTHORIZED);
	assert_int_equal(auth(f, PS_API_GET, "/api/v1/me", now, "Bearer abc", NULL, NULL, &u,
			      NULL, 0), PS_API_UNAUTHORIZED);
	assert_int_equal(auth(f, PS_API_GET, "/api/v1/me", now, "Basic YWxpY2U6eA==", NULL,
			      NULL, &u, NULL, 0), PS_API_UNAUTHORIZED);
}

struct seen {
	const char *want[16];
	bool got[16];
};

static int note_action(void *arg, const struct ps_audit_record *rec)
{
	struct seen *s = arg;

	for (size_t i = 0; s->want[i] != NULL; i++)
		if (strcmp(rec->action, s->want[i]) == 0)
			s->got[i] = true;
	return 0;
}

static void test_audit(void **state)
{
	struct fx *f = *state;
	struct ps_diag d = {{0}};
	struct ps_api_user u;
	struct ps_api_user_row row;
	struct ps_audit_report rep;
	char tok[PS_API_SECRET_LEN];
	int64_t id = 0, t = S(1700000000);
	struct seen s = {{"user.create", "user.disable", "user.enable", "user.password",
			  "user.role", "token.create", "token.revoke", "auth.login",
			  "auth.login_failed", NULL}, {false}};

	mkuser(f, "alice", PS_ROLE_ANALYST, NULL);
	OK(ps_api_user_set_disabled(f->st, f->a, "cli:root", "alice", true, &d));
	OK(ps_api_user_set_disabled(f->st, f->a, "cli:root", "alice", false, &d));
	OK(ps_api_user_set_password(f->st, f->a, "cli:root", "alice", "another password", &d));
	/* a unit owner's units must be in the registry; a refusal changes nothing */
	assert_int_equal(ps_api_user_set_role(f->st, f->a, "web:sec", "alice",
					      PS_ROLE_UNIT_OWNER, "U-CORE-01,U-CORE-02", &d),
			 PS_EINVAL);
	assert_string_equal(d.msg, "units: no unit 'U-CORE-01' in the registry");
	OK(ps_api_user_get(f->st, "alice", &row, &d));
	assert_int_equal(row.role, PS_ROLE_ANALYST);
	add_units(f);
	assert_int_equal(ps_api_user_create(f->st, f->a, "cli:root", "dave", PW,
					    PS_ROLE_UNIT_OWNER, "U-CORE-01,U-NOPE", NULL, NULL,
					    &d), PS_EINVAL);
	assert_string_equal(d.msg, "units: no unit 'U-NOPE' in the registry");
	assert_int_equal(ps_api_user_get(f->st, "dave", &row, &d), PS_ENOENT);
	OK(ps_api_user_set_role(f->st, f->a, "web:sec", "alice", PS_ROLE_UNIT_OWNER,
				"U-CORE-01,U-CORE-02", &d));
	OK(ps_api_user_get(f->st, "alice", &row, &d));
	assert_int_equal(row.role, PS_ROLE_UNIT_OWNER);
	assert_string_equal(row.units, "U-CORE-01,U-CORE-02");
	OK(ps_api_token_create(f->st, f->a, "web:alice", "alice", "ci", 0, tok, &id, &d));
	OK(ps_api_token_revoke(f->st, f->a, "web:alice", id, &d));
	OK(login(f, "alice", "another password", "10.0.0.1", t, &u, &d));
	assert_string_equal(u.units, "U-CORE-01,U-CORE-02");
	assert_int_equal(login(f, "alice", PW, "10.0.0.1", t, &u, &d), PS_API_EDENIED);
	OK(ps_audit_list(f->st, NULL, note_action, &s, &d));
	for (size_t i = 0; s.want[i] != NULL; i++) {
		if (!s.got[i])
			fail_msg("no audit record '%s'", s.want[i]);
	}
	OK(ps_audit_verify(f->a, &rep, &d));
	assert_true(rep.intact);
	assert_int_equal(rep.records, 9);
	/* a refused change leaves no record */
	assert_int_equal(ps_api_user_set_role(f->st, f->a, "web:sec", "nobody", PS_ROLE_ANALYST,
					      NULL, &d), PS_ENOENT);
	OK(ps_audit_verify(f->a, &rep, &d));
	assert_int_equal(rep.records, 9);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roles),
		cmocka_unit_test_setup_teardown(test_password, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lockout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_expiry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csrf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tokens, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit, setup, teardown),
	};

	return reg_run(argc, argv, tests);
}
