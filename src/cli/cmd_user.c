/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `panshi user ...` and `panshi token ...`: local users of the console and
 * the API, their roles (三员分立) and API tokens. The commands call the
 * same functions as the API routes (src/api/auth.h); every change is in
 * the audit trail with actor "cli:<login user>".
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "api/api.h"
#include "api/auth.h"
#include "cli/cli_audit.h"
#include "cli/cli_int.h"
#include "core/core.h"
#include "store/store.h"

/* Options of the user and token commands; which ones a command takes is
 * given by the letters in `allowed`. */
struct user_opts {
	const char *pos[2];
	int npos;
	const char *role, *units, *user, *label, *expires;
	bool pw_stdin;
	int64_t expires_us;
};

static int parse_time(struct ps_cli *cli, const char *v, int64_t *us)
{
	struct ps_date dd;

	if (ps_time_parse_iso8601(v, strlen(v), PS_TZ_SHANGHAI, us) == PS_OK)
		return PS_OK;
	if (ps_date_parse(v, strlen(v), &dd) == PS_OK &&
	    ps_date_to_time_us(dd, PS_TZ_SHANGHAI, us) == PS_OK)
		return PS_OK;
	ps_cli_error(cli, "--expires: '%s' is not a time (2026-12-31T18:00:00+08:00 or "
		     "2026-12-31)", v);
	return PS_EINVAL;
}

/* The value slot of option `a` if `allowed` holds its letter, else NULL. */
static const char **opt_slot(struct user_opts *o, const char *a, const char *allowed)
{
	static const struct {
		const char *name;
		char letter;
	} defs[] = {
		{"--role", 'r'}, {"--units", 'u'}, {"--user", 'U'}, {"--label", 'l'},
		{"--expires", 'e'},
	};
	const char **slots[] = {&o->role, &o->units, &o->user, &o->label, &o->expires};

	for (size_t j = 0; j < PS_ARRAY_LEN(defs); j++)
		if (strcmp(a, defs[j].name) == 0 && strchr(allowed, defs[j].letter) != NULL)
			return slots[j];
	return NULL;
}

static int parse_opts(struct ps_cli *cli, const struct ps_cli_cmd *cmd, int argc,
		      char **argv, const char *allowed, int npos, struct user_opts *o)
{
	memset(o, 0, sizeof(*o));
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **slot = opt_slot(o, a, allowed);

		if (slot != NULL && i + 1 < argc) {
			*slot = argv[++i];
		} else if (strcmp(a, "--format") == 0 && i + 1 < argc && strchr(allowed, 'f')) {
			if (ps_cli_parse_format(cli, argv[++i]) != PS_OK)
				return PS_CLI_USAGE;
		} else if (strcmp(a, "--password-stdin") == 0 && strchr(allowed, 'p')) {
			o->pw_stdin = true;
		} else if (a[0] == '-' && a[1] == '-') {
			ps_cli_error(cli, "unknown option '%s'", a);
			return ps_cli_usage(cli, cmd);
		} else if (o->npos < npos) {
			o->pos[o->npos++] = a;
		} else {
			ps_cli_error(cli, "unexpected argument '%s'", a);
			return ps_cli_usage(cli, cmd);
		}
	}
	if (o->npos < npos)
		return ps_cli_usage(cli, cmd);
	if (o->expires != NULL && parse_time(cli, o->expires, &o->expires_us) != PS_OK)
		return PS_CLI_USAGE;
	return PS_CLI_OK;
}

/* Store and audit trail, as every changing command needs them. */
static int open_all(struct ps_cli *cli)
{
	if (ps_cli_store_open(cli, false) != PS_OK || ps_cli_audit_open(cli, false) != PS_OK)
		return PS_CLI_FAIL;
	return PS_CLI_OK;
}

static int fail(struct ps_cli *cli, int rc, const struct ps_diag *d)
{
	ps_cli_error(cli, "%s", d->msg[0] ? d->msg : ps_strerror(rc));
	return PS_CLI_FAIL;
}

static int role_arg(struct ps_cli *cli, const char *s, enum ps_api_role *r)
{
	if (s != NULL && ps_api_role_parse(s, r) == PS_OK)
		return PS_OK;
	ps_cli_error(cli, "unknown role '%s': sysadmin, secadmin, auditor, analyst, "
		     "unit_owner or regulator", s != NULL ? s : "");
	return PS_EINVAL;
}

/* One line of stdin without its line end into buf. */
static int read_password(struct ps_cli *cli, char *buf, size_t n)
{
	size_t len;

	if (fgets(buf, (int)n, stdin) == NULL) {
		ps_cli_error(cli, "no password on standard input");
		return PS_EINVAL;
	}
	len = strlen(buf);
	if (len > 0 && buf[len - 1] != '\n' && !feof(stdin)) {
		ps_cli_error(cli, "the password is too long (at most %d characters)",
			     PS_API_PASSWORD_MAX);
		return PS_EINVAL;
	}
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		buf[--len] = '\0';
	return PS_OK;
}

static int run_add(struct ps_cli *cli, int argc, char **argv)
{
	char pw[PS_API_PASSWORD_MAX + 2], otp[PS_API_SECRET_LEN];
	struct ps_diag d = {{0}};
	struct user_opts o;
	enum ps_api_role role;
	int rc;

	if ((rc = parse_opts(cli, &ps_cmd_user_add, argc, argv, "rup", 1, &o)) != PS_CLI_OK)
		return rc;
	if (o.role == NULL) {
		ps_cli_error(cli, "--role is required");
		return ps_cli_usage(cli, &ps_cmd_user_add);
	}
	if (role_arg(cli, o.role, &role) != PS_OK)
		return PS_CLI_USAGE;
	if (o.pw_stdin && read_password(cli, pw, sizeof(pw)) != PS_OK)
		return PS_CLI_FAIL;
	if (open_all(cli) != PS_CLI_OK)
		return PS_CLI_FAIL;
	rc = ps_api_user_create(cli->store, cli->audit->audit, cli->audit->actor, o.pos[0],
				o.pw_stdin ? pw : NULL, role, o.units, otp, NULL, &d);
	explicit_bzero(pw, sizeof(pw));
	if (rc != PS_OK)
		return fail(cli, rc, &d);
	fprintf(cli->out, "created user '%s' (%s, %s)\n", o.pos[0], ps_api_role_name(role),
		ps_api_role_zh(role));
	if (!o.pw_stdin)
		fprintf(cli->out, "one-time password (shown once; it must be changed at the "
			"first login): %s\n", otp);
	explicit_bzero(otp, sizeof(otp));
	return PS_CLI_OK;
}

static void fmt_time(int64_t us, char *buf, size_t n)
{
	if (us <= 0 || ps_time_fmt_iso8601(us, PS_TZ_SHANGHAI, PS_TIME_FMT_SEC, buf, n) != PS_OK)
		(void)snprintf(buf, n, "%s", "");
}

static const char *const user_hdr[] = {
	"name", "role", "role_zh", "units", "disabled", "must_change", "created_at",
	"last_login",
};

static int user_row(void *arg, const struct ps_api_user_row *u)
{
	char created[PS_TIME_FMT_SIZE], last[PS_TIME_FMT_SIZE];
	const char *cells[PS_ARRAY_LEN(user_hdr)];

	fmt_time(u->created_at, created, sizeof(created));
	fmt_time(u->last_login, last, sizeof(last));
	cells[0] = u->name;
	cells[1] = ps_api_role_name(u->role);
	cells[2] = ps_api_role_zh(u->role);
	cells[3] = u->units;
	cells[4] = u->disabled ? "yes" : "no";
	cells[5] = u->must_change ? "yes" : "no";
	cells[6] = created;
	cells[7] = last;
	return ps_table_add(arg, cells);
}

static int run_list(struct ps_cli *cli, int argc, char **argv)
{
	struct ps_diag d = {{0}};
	struct user_opts o;
	struct ps_table *t;
	int rc;

	if ((rc = parse_opts(cli, &ps_cmd_user_list, argc, argv, "f", 0, &o)) != PS_CLI_OK)
		return rc;
	if (ps_cli_store_open(cli, false) != PS_OK)
		return PS_CLI_FAIL;
	if ((t = ps_table_new(PS_ARRAY_LEN(user_hdr), user_hdr)) == NULL)
		return fail(cli, PS_ENOMEM, &d);
	rc = ps_api_user_list(cli->store, user_row, t, &d);
	if (rc == PS_OK)
		rc = ps_table_print(t, cli->format, cli->out);
	ps_table_free(t);
	return rc == PS_OK ? PS_CLI_OK : fail(cli, rc, &d);
}

static int run_passwd(struct ps_cli *cli, int argc, char **argv)
{
	char pw[PS_API_PASSWORD_MAX + 2];
	struct ps_diag d = {{0}};
	struct user_opts o;
	int rc;

	if ((rc = parse_opts(cli, &ps_cmd_user_passwd, argc, argv, "", 1, &o)) != PS_CLI_OK)
		return rc;
	if (read_password(cli, pw, sizeof(pw)) != PS_OK)
		return PS_CLI_FAIL;
	if (open_all(cli) != PS_CLI_OK) {
		explicit_bzero(pw, sizeof(pw));
		return PS_CLI_FAIL;
	}
	rc = ps_api_user_set_password(cli->store, cli->audit->audit, cli->audit->actor,
				      o.pos[0], pw, &d);
	explicit_bzero(pw, sizeof(pw));
	if (rc != PS_OK)
		return fail(cli, rc, &d);
	fprintf(cli->out, "password of '%s' set; its sessions have ended\n", o.pos[0]);
	return PS_CLI_OK;
}

static int run_reset(struct ps_cli *cli, int argc, char **argv)
{
	char otp[PS_API_SECRET_LEN];
	struct ps_diag d = {{0}};
	struct user_opts o;
	int rc;

	if ((rc = parse_opts(cli, &ps_cmd_user_reset, argc, argv, "", 1, &o)) != PS_CLI_OK)
		return rc;
	if (open_all(cli) != PS_CLI_OK)
		return PS_CLI_FAIL;
	rc = ps_api_user_reset(cli->store, cli->audit->audit, cli->audit->actor, o.pos[0],
			       otp, &d);
	if (rc != PS_OK)
		return fail(cli, rc, &d);
	fprintf(cli->out, "password of '%s' reset; its sessions have ended\n", o.pos[0]);
	fprintf(cli->out, "one-time password (shown once; it must be changed at the "
		"first login): %s\n", otp);
	explicit_bzero(otp, sizeof(otp));
	return PS_CLI_OK;
}

static int run_role(struct ps_cli *cli, int argc, char **argv)
{
	struct ps_diag d = {{0}};
	struct user_opts o;
	enum ps_api_role role;
	int rc;

	if ((rc = parse_opts(cli, &ps_cmd_user_role, argc, argv, "u", 2, &o)) != PS_CLI_OK)
		return rc;
	if (role_arg(cli, o.pos[1], &role) != PS_OK)
		return PS_CLI_USAGE;
	if (open_all(cli) != PS_CLI_OK)
		return PS_CLI_FAIL;
	rc = ps_api_user_set_role(cli->store, cli->audit->audit, cli->audit->actor, o.pos[0],
				  role, o.units, &d);
	if (rc != PS_OK)
		return fail(cli, rc, &d);
	fprintf(cli->out, "'%s' is now %s (%s)\n", o.pos[0], ps_api_role_name(role),
		ps_api_role_zh(role));
	return PS_CLI_OK;
}

static int set_disabled(struct ps_cli *cli, const struct ps_cli_cmd *cmd, int argc,
			char **argv, bool disabled)
{
	struct ps_diag d = {{0}};
	struct user_opts o;
	int rc;

	if ((rc = parse_opts(cli, cmd, argc, argv, "", 1, &o)) != PS_CLI_OK)
		return rc;
	if (open_all(cli) != PS_CLI_OK)
		return PS_CLI_FAIL;
	rc = ps_api_user_set_disabled(cli->store, cli->audit->audit, cli->audit->actor,
				      o.pos[0], disabled, &d);
	if (rc != PS_OK)
		return fail(cli, rc, &d);
	fprintf(cli->out, "'%s' %s\n", o.pos[0], disabled ? "disabled; its sessions have ended"
							   : "enabled");
	return PS_CLI_OK;
}

static int run_disable(struct ps_cli *cli, int argc, char **argv)
{
	return set_disabled(cli, &ps_cmd_user_disable, argc, argv, true);
}

static int run_enable(struct ps_cli *cli, int argc, char **argv)
{
	return set_disabled(cli, &ps_cmd_user_enable, argc, argv, false);
}

static int run_token_create(struct ps_cli *cli, int argc, char **argv)
{
	char secret[PS_API_SECRET_LEN];
	struct ps_diag d = {{0}};
	struct user_opts o;
	int64_t id = 0;
	int rc;

	rc = parse_opts(cli, &ps_cmd_token_create, argc, argv, "Ule", 0, &o);
	if (rc != PS_CLI_OK)
		return rc;
	if (o.user == NULL) {
		ps_cli_error(cli, "--user is required");
		return ps_cli_usage(cli, &ps_cmd_token_create);
	}
	if (open_all(cli) != PS_CLI_OK)
		return PS_CLI_FAIL;
	rc = ps_api_token_create(cli->store, cli->audit->audit, cli->audit->actor, o.user,
				 o.label, o.expires_us, secret, &id, &d);
	if (rc != PS_OK)
		return fail(cli, rc, &d);
	fprintf(cli->out, "token %" PRId64 " of '%s' (shown once; send it as "
		"\"Authorization: Bearer <token>\"):\n%s\n", id, o.user, secret);
	explicit_bzero(secret, sizeof(secret));
	return PS_CLI_OK;
}

static const char *const token_hdr[] = {
	"id", "user", "label", "created_at", "expires", "last_used", "revoked",
};

static int token_row(void *arg, const struct ps_api_token_row *t)
{
	char id[24], created[PS_TIME_FMT_SIZE], exp[PS_TIME_FMT_SIZE], used[PS_TIME_FMT_SIZE];
	char rev[PS_TIME_FMT_SIZE];
	const char *cells[PS_ARRAY_LEN(token_hdr)];

	(void)snprintf(id, sizeof(id), "%" PRId64, t->id);
	fmt_time(t->created_at, created, sizeof(created));
	fmt_time(t->expires, exp, sizeof(exp));
	fmt_time(t->last_used, used, sizeof(used));
	fmt_time(t->revoked_at, rev, sizeof(rev));
	cells[0] = id;
	cells[1] = t->user;
	cells[2] = t->label;
	cells[3] = created;
	cells[4] = exp;
	cells[5] = used;
	cells[6] = rev;
	return ps_table_add(arg, cells);
}

static int run_token_list(struct ps_cli *cli, int argc, char **argv)
{
	struct ps_diag d = {{0}};
	struct user_opts o;
	struct ps_table *t;
	int rc;

	if ((rc = parse_opts(cli, &ps_cmd_token_list, argc, argv, "Uf", 0, &o)) != PS_CLI_OK)
		return rc;
	if (ps_cli_store_open(cli, false) != PS_OK)
		return PS_CLI_FAIL;
	if ((t = ps_table_new(PS_ARRAY_LEN(token_hdr), token_hdr)) == NULL)
		return fail(cli, PS_ENOMEM, &d);
	rc = ps_api_token_list(cli->store, o.user, token_row, t, &d);
	if (rc == PS_OK)
		rc = ps_table_print(t, cli->format, cli->out);
	ps_table_free(t);
	return rc == PS_OK ? PS_CLI_OK : fail(cli, rc, &d);
}

static int run_token_revoke(struct ps_cli *cli, int argc, char **argv)
{
	struct ps_diag d = {{0}};
	struct user_opts o;
	char *end = NULL;
	long long id;
	int rc;

	if ((rc = parse_opts(cli, &ps_cmd_token_revoke, argc, argv, "", 1, &o)) != PS_CLI_OK)
		return rc;
	id = strtoll(o.pos[0], &end, 10);
	if (end == o.pos[0] || *end != '\0' || id <= 0) {
		ps_cli_error(cli, "'%s' is not a token id", o.pos[0]);
		return PS_CLI_USAGE;
	}
	if (open_all(cli) != PS_CLI_OK)
		return PS_CLI_FAIL;
	rc = ps_api_token_revoke(cli->store, cli->audit->audit, cli->audit->actor, id, &d);
	if (rc != PS_OK)
		return fail(cli, rc, &d);
	fprintf(cli->out, "token %lld revoked\n", id);
	return PS_CLI_OK;
}

#define USER_CMD(n, v, f, u, s) \
	const struct ps_cli_cmd ps_cmd_##n##_##v = {#n, #v, f, u, s, -1}

USER_CMD(user, add, run_add,
	 "panshi user add NAME --role ROLE [--units U1,U2] [--password-stdin]",
	 "create a user (prints a one-time password)");
USER_CMD(user, list, run_list, "panshi user list [--format table|json|csv]", "list users");
USER_CMD(user, passwd, run_passwd, "panshi user passwd NAME (password on stdin)",
	 "set a password");
USER_CMD(user, reset, run_reset, "panshi user reset NAME",
	 "replace a password with a new one-time password (printed once)");
USER_CMD(user, role, run_role, "panshi user role NAME ROLE [--units U1,U2]",
	 "change a user's role");
USER_CMD(user, disable, run_disable, "panshi user disable NAME", "disable a user");
USER_CMD(user, enable, run_enable, "panshi user enable NAME", "enable a user");
USER_CMD(token, create, run_token_create,
	 "panshi token create --user NAME [--label L] [--expires TIME]",
	 "create an API token (shown once)");
USER_CMD(token, list, run_token_list, "panshi token list [--user NAME] [--format table|json|csv]",
	 "list API tokens");
USER_CMD(token, revoke, run_token_revoke, "panshi token revoke ID", "revoke an API token");
