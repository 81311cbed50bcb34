/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `panshi init` and `panshi status`: create or upgrade the store, load and
 * record the policy (with its SM3 digest), and report the state of a
 * deployment. This is the main job the README runs on the sample data.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "cli/cli_audit.h"
#include "cli/cli_int.h"
#include "core/core.h"
#include "policy/policy.h"
#include "store/store.h"

/* Hex of the SM3 digest of the loaded policy's files. */
static int policy_digest(const struct ps_policy *p, char hex[2 * PS_SM3_LEN + 1])
{
	return ps_hex_encode(ps_policy_sm3(p), PS_SM3_LEN, hex, 2 * PS_SM3_LEN + 1);
}

static int meta_put(struct ps_cli *cli, const char *key, const char *val)
{
	int rc = ps_store_meta_set(cli->store, key, val);

	if (rc != PS_OK)
		ps_cli_error(cli, "cannot record '%s' in the store: %s", key,
			     ps_store_errmsg(cli->store));
	return rc;
}

static int meta_putf(struct ps_cli *cli, const char *key, long long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", v);
	return meta_put(cli, key, buf);
}

static int record_identity(struct ps_cli *cli, const char *now)
{
	char *id = NULL, hex[33];
	uint8_t raw[16];
	int rc = ps_store_meta_get(cli->store, "deployment.id", &id);

	if (rc == PS_OK) {
		ps_free(id);
		return PS_OK;
	}
	if (rc != PS_ENOENT) {
		ps_cli_error(cli, "cannot read the store: %s", ps_store_errmsg(cli->store));
		return rc;
	}
	if ((rc = ps_random_bytes(raw, sizeof(raw))) != PS_OK ||
	    (rc = ps_hex_encode(raw, sizeof(raw), hex, sizeof(hex))) != PS_OK)
		return rc;
	if ((rc = meta_put(cli, "deployment.id", hex)) != PS_OK)
		return rc;
	return meta_put(cli, "deployment.initialised_at", now);
}

static int record_policy(struct ps_cli *cli, const char *now)
{
	struct ps_policy_stats st;
	char digest[2 * PS_SM3_LEN + 1];
	const char *dir = ps_cli_policy_dir(cli);
	int rc;

	if ((rc = policy_digest(cli->policy, digest)) != PS_OK)
		return rc;
	ps_policy_stats_get(cli->policy, &st);
	if ((rc = ps_store_begin(cli->store)) != PS_OK)
		return rc;
	if ((rc = meta_put(cli, "policy.dir", dir)) == PS_OK &&
	    (rc = meta_put(cli, "policy.sm3", digest)) == PS_OK &&
	    (rc = meta_putf(cli, "policy.files", (long long)st.files)) == PS_OK &&
	    (rc = meta_putf(cli, "policy.documents", (long long)st.documents)) == PS_OK &&
	    (rc = meta_putf(cli, "policy.values", (long long)(st.values + st.tables))) == PS_OK &&
	    (rc = meta_put(cli, "policy.loaded_at", now)) == PS_OK &&
	    (rc = record_identity(cli, now)) == PS_OK) {
		/* a failed commit has already rolled back */
		rc = ps_store_commit(cli->store);
		if (rc != PS_OK)
			ps_cli_error(cli, "cannot commit policy record: %s",
				     ps_store_errmsg(cli->store));
		return rc;
	}
	if (ps_store_rollback(cli->store) != PS_OK)
		ps_cli_warn(cli, "rollback failed: %s", ps_store_errmsg(cli->store));
	return rc;
}

static void now_text(char *out, size_t n)
{
	if (ps_time_fmt_iso8601(ps_time_now_us(), PS_TZ_SHANGHAI, PS_TIME_FMT_SEC, out,
				n) != PS_OK)
		snprintf(out, n, "?");
}

static int print_status(struct ps_cli *cli);

static int cmd_init(struct ps_cli *cli, int argc, char **argv)
{
	char now[PS_TIME_FMT_SIZE], spec[512];

	(void)argv;
	if (argc > 1)
		return ps_cli_usage(cli, &ps_cmd_init);
	/* loading checks every file and the ids the code requires */
	if (ps_cli_policy_load(cli) != PS_OK)
		return PS_CLI_FAIL;
	if (ps_cli_store_open(cli, true) != PS_OK)
		return PS_CLI_FAIL;
	now_text(now, sizeof(now));
	if (record_policy(cli, now) != PS_OK)
		return PS_CLI_FAIL;
	/* the audit key, created with the store (cli_audit.h) */
	if (ps_cli_audit_open(cli, false) != PS_OK)
		return PS_CLI_FAIL;
	ps_cli_spec_redact(ps_cli_db_spec(cli), spec, sizeof(spec));
	if (!cli->quiet) {
		ps_tr_fprintf(cli->out, PS_MSG_INIT_DONE, spec,
			      ps_store_backend_name(cli->store), cli->schema_from,
			      cli->schema_to);
		fputc('\n', cli->out);
		return print_status(cli);
	}
	return PS_CLI_OK;
}

/* Status lines: stable key for JSON/CSV, localized label for the table. */
struct status {
	json_t *obj;
	struct ps_table *t;
	int rc;
};

static void put(struct status *s, const char *key, enum ps_msg_id label,
		const char *val)
{
	const char *row[3] = {key, ps_tr(label), val ? val : ""};

	if (json_object_set_new(s->obj, key, json_string(row[2])) != 0 ||
	    ps_table_add(s->t, row) != PS_OK)
		s->rc = PS_ENOMEM;
}

static void putn(struct status *s, const char *key, enum ps_msg_id label, long long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", v);
	put(s, key, label, buf);
}

static void put_meta(struct status *s, struct ps_cli *cli, const char *key,
		     enum ps_msg_id label)
{
	char *v = NULL;

	if (ps_store_meta_get(cli->store, key, &v) == PS_OK)
		put(s, key, label, v);
	else
		put(s, key, label, ps_tr(PS_MSG_NONE));
	ps_free(v);
}

static void status_store(struct status *s, struct ps_cli *cli)
{
	char spec[512];
	int64_t n = 0;
	struct ps_event_filter f = {0};
	int v = 0;

	ps_cli_spec_redact(ps_cli_db_spec(cli), spec, sizeof(spec));
	put(s, "store", PS_MSG_STORE, spec);
	put(s, "backend", PS_MSG_BACKEND, ps_store_backend_name(cli->store));
	if (ps_store_schema_version(cli->store, &v) == PS_OK)
		putn(s, "schema_version", PS_MSG_SCHEMA_VERSION, v);
	put_meta(s, cli, "deployment.id", PS_MSG_DEPLOYMENT_ID);
	put_meta(s, cli, "deployment.initialised_at", PS_MSG_INITIALISED_AT);
	if (ps_store_event_count(cli->store, &f, &n) == PS_OK)
		putn(s, "events", PS_MSG_EVENTS, n);
}

/* Event retention against the legal minimum for logs (policy, rule 17). */
static void status_retention(struct status *s, struct ps_cli *cli)
{
	const struct ps_store_settings *ss = ps_conf_section_get(cli->conf, "store");
	int64_t min = 0;
	char buf[128];

	if (ps_policy_get_int(cli->policy, "datasec.logs.retention_min_days", &min) != PS_OK)
		return;
	if (ps_tr_fmt(buf, sizeof(buf), ss->event_retention_days >= min ?
		      PS_MSG_RETENTION_OK : PS_MSG_RETENTION_SHORT,
		      (long long)ss->event_retention_days, (long long)min) != PS_OK)
		return;
	put(s, "event_retention", PS_MSG_EVENT_RETENTION, buf);
	if (ss->event_retention_days < min)
		ps_cli_warn(cli, "store.event_retention_days is %lld, below the %lld days "
			    "of policy 'datasec.logs.retention_min_days'",
			    (long long)ss->event_retention_days, (long long)min);
}

static void status_policy(struct status *s, struct ps_cli *cli)
{
	struct ps_policy_stats st;
	char digest[2 * PS_SM3_LEN + 1], *recorded = NULL;
	const char *dir = ps_cli_policy_dir(cli);

	put(s, "policy_dir", PS_MSG_POLICY, dir);
	if (cli->policy == NULL &&
	    ps_policy_load_dir(dir, &cli->policy, NULL) != PS_OK) {
		put(s, "policy_state", PS_MSG_POLICY_STATE, ps_tr(PS_MSG_POLICY_INVALID));
		return;
	}
	ps_policy_stats_get(cli->policy, &st);
	putn(s, "policy_documents", PS_MSG_DOCUMENTS, (long long)st.documents);
	putn(s, "policy_values", PS_MSG_VALUES, (long long)(st.values + st.tables));
	putn(s, "policy_confirmed", PS_MSG_CONFIRMED,
	     (long long)(st.by_status[PS_POLICY_CONFIRMED] +
			 st.by_status[PS_POLICY_CONFIRMED_SECONDARY]));
	putn(s, "policy_unverified", PS_MSG_UNVERIFIED,
	     (long long)(st.by_status[PS_POLICY_UNVERIFIED_DEFAULT] +
			 st.by_status[PS_POLICY_INTERPRETATION]));
	put_meta(s, cli, "policy.loaded_at", PS_MSG_POLICY_LOADED_AT);
	status_retention(s, cli);
	if (policy_digest(cli->policy, digest) != PS_OK)
		return;
	put(s, "policy_sm3", PS_MSG_POLICY_DIGEST, digest);
	if (ps_store_meta_get(cli->store, "policy.sm3", &recorded) != PS_OK)
		recorded = NULL;
	put(s, "policy_state", PS_MSG_POLICY_STATE,
	    ps_tr(recorded == NULL ? PS_MSG_POLICY_NOT_LOADED :
		  strcmp(recorded, digest) == 0 ? PS_MSG_POLICY_CURRENT :
		  PS_MSG_POLICY_CHANGED));
	ps_free(recorded);
}

static int print_status(struct ps_cli *cli)
{
	static const char *const cols[] = {"key", "item", "value"};
	struct status s = {json_object(), ps_table_new(3, cols), PS_OK};
	const char *cfg = ps_cli_config_path(cli);
	int rc = PS_OK;

	if (s.obj == NULL || s.t == NULL) {
		rc = PS_ENOMEM;
		goto out;
	}
	put(&s, "version", PS_MSG_VERSION, PANSHI_VERSION);
	put(&s, "config", PS_MSG_CONFIG_FILE, cfg ? cfg : ps_tr(PS_MSG_BUILTIN_DEFAULTS));
	put(&s, "language", PS_MSG_LANGUAGE, ps_lang_name(ps_i18n_lang()));
	status_store(&s, cli);
	status_policy(&s, cli);
	if ((rc = s.rc) != PS_OK)
		goto out;
	if (cli->format == PS_OUT_JSON) {
		if (json_dumpf(s.obj, cli->out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0)
			rc = PS_EIO;
		fputc('\n', cli->out);
	} else if (cli->format == PS_OUT_CSV) {
		rc = ps_table_print(s.t, PS_OUT_CSV, cli->out);
	} else {
		fprintf(cli->out, "%s\n", ps_tr(PS_MSG_STATUS_TITLE));
		for (size_t r = 0; r < ps_table_rows(s.t); r++)
			fprintf(cli->out, "  %s%*s%s\n", ps_table_cell(s.t, r, 1),
				(int)(22 - ps_text_width(ps_table_cell(s.t, r, 1))), "",
				ps_table_cell(s.t, r, 2));
	}
out:
	json_decref(s.obj);
	ps_table_free(s.t);
	if (rc != PS_OK)
		ps_cli_error(cli, "cannot print status: %s", ps_strerror(rc));
	return rc == PS_OK ? PS_CLI_OK : PS_CLI_FAIL;
}

static int cmd_status(struct ps_cli *cli, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
			if (ps_cli_parse_format(cli, argv[++i]) != PS_OK)
				return PS_CLI_USAGE;
		} else {
			return ps_cli_usage(cli, &ps_cmd_status);
		}
	}
	if (ps_cli_store_open(cli, false) != PS_OK)
		return PS_CLI_FAIL;
	return print_status(cli);
}

const struct ps_cli_cmd ps_cmd_init = {
	"init", NULL, cmd_init, "panshi init",
	"create or upgrade the store, load the policy, print the status",
	PS_MSG_CMD_INIT};
const struct ps_cli_cmd ps_cmd_status = {
	"status", NULL, cmd_status, "panshi status [--format table|json|csv]",
	"show the state of the store and the policy", PS_MSG_CMD_STATUS};
