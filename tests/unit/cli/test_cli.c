/* SPDX-License-Identifier: Apache-2.0 */
/*
 * End-to-end tests of the panshi command in-process: dispatch and exit
 * codes, config check errors with file:line, init/status on a fresh SQLite
 * store, EVE import with bad lines reported by line, list formats, i18n.
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
#include <libpq-fe.h>

#include "cli/cli.h"
#include "cli/cli_int.h"
#include "core/core.h"
#include "store/store.h"

static char tmpdir[256];
static char db[512], policy[600], srcdir[512];
static char out[1 << 16], err[1 << 16];

static void slurp(FILE *f, char *buf, size_t n)
{
	size_t got;

	rewind(f);
	got = fread(buf, 1, n - 1, f);
	buf[got] = '\0';
	fclose(f);
}

/* Run panshi with the given NULL-terminated arguments; capture output. */
static int run(const char *first, ...)
{
	char *argv[64];
	int argc = 0, rc;
	FILE *o = tmpfile(), *e = tmpfile();
	va_list ap;

	assert_non_null(o);
	assert_non_null(e);
	argv[argc++] = (char *)"panshi";
	va_start(ap, first);
	for (const char *a = first; a != NULL && argc < 63; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	rc = ps_cli_run(argc, argv, o, e);
	slurp(o, out, sizeof(out));
	slurp(e, err, sizeof(err));
	return rc;
}

static int setup(void **state)
{
	const char *src = getenv("PANSHI_SOURCE_DIR");

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/panshi-cli-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	snprintf(db, sizeof(db), "%s/sub/dir/test.db", tmpdir);
	snprintf(srcdir, sizeof(srcdir), "%s", src ? src : ".");
	snprintf(policy, sizeof(policy), "%s/policy", srcdir);
	unsetenv("PANSHI_DB");
	unsetenv("PANSHI_CONFIG");
	setenv("PANSHI_LANG", "en", 1);
	return 0;
}

static int teardown(void **state)
{
	char cmd[600];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_dispatch(void **state)
{
	(void)state;
	assert_int_equal(run("--version", NULL), 0);
	assert_string_equal(out, "panshi " PANSHI_VERSION "\n");
	assert_int_equal(run("version", NULL), 0);
	assert_int_equal(run(NULL), 2);
	assert_int_equal(run("frobnicate", NULL), 2);
	assert_non_null(strstr(err, "'frobnicate' is not a panshi command"));
	assert_int_equal(run("config", "frob", NULL), 2);
	assert_non_null(strstr(err, "panshi config check"));
	assert_int_equal(run("--bogus", "status", NULL), 2);
	assert_non_null(strstr(err, "unknown option '--bogus'"));
	assert_int_equal(run("--format", "xml", "status", NULL), 2);
	assert_int_equal(run("help", NULL), 0);
	assert_non_null(strstr(out, "event import"));
	assert_int_equal(run("help", "event", NULL), 0);
	assert_non_null(strstr(out, "panshi event list"));
	assert_int_equal(run("--lang", "zh-CN", "help", NULL), 0);
	assert_non_null(strstr(out, "命令："));
	assert_int_equal(run("--lang", "fr", "help", NULL), 2);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_config(void **state)
{
	char good[600], bad[600];

	(void)state;
	snprintf(good, sizeof(good), "%s/good.yaml", tmpdir);
	snprintf(bad, sizeof(bad), "%s/bad.yaml", tmpdir);
	write_file(good, "general:\n  log_level: info\nstore:\n  busy_timeout_ms: 2000\n");
	write_file(bad, "general:\n  log_level: info\n\nstore:\n  busy_timout_ms: 2000\n");
	assert_int_equal(run("config", "check", good, NULL), 0);
	assert_int_equal(run("config", "check", bad, NULL), 1);
	assert_non_null(strstr(err, "bad.yaml:5"));
	assert_non_null(strstr(err, "busy_timout_ms"));
	assert_int_equal(run("config", "check", "/nonexistent/x.yaml", NULL), 1);
	assert_non_null(strstr(err, "/nonexistent/x.yaml"));
	assert_int_equal(run("--config", good, "config", "dump", NULL), 0);
	assert_non_null(strstr(out, "busy_timeout_ms: 2000"));
	assert_int_equal(run("config", "dump", "--defaults", NULL), 0);
	assert_non_null(strstr(out, "log_level:"));
	/* a broken --config stops every command with the file:line message */
	assert_int_equal(run("--config", bad, "--db", db, "status", NULL), 1);
	assert_non_null(strstr(err, "bad.yaml:5"));
}

static void test_init_status(void **state)
{
	json_t *j;
	json_error_t je;

	(void)state;
	assert_int_equal(run("--db", db, "--policy-dir", policy, "status", NULL), 1);
	assert_non_null(strstr(err, "does not exist; run 'panshi init'"));
	assert_int_equal(run("--db", db, "--policy-dir", policy, "init", NULL), 0);
	assert_non_null(strstr(out, "initialised store"));
	assert_non_null(strstr(out, "loaded, files unchanged"));
	/* init again is a no-op upgrade */
	assert_int_equal(run("--db", db, "--policy-dir", policy, "init", NULL), 0);
	assert_int_equal(run("--db", db, "--policy-dir", policy, "--format", "json",
			     "status", NULL), 0);
	j = json_loads(out, 0, &je);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "backend")), "sqlite");
	assert_string_equal(json_string_value(json_object_get(j, "events")), "0");
	assert_int_equal(strlen(json_string_value(json_object_get(j, "policy_sm3"))), 64);
	assert_string_equal(json_string_value(json_object_get(j, "deployment.id")) ?
			    "set" : "unset", "set");
	json_decref(j);
	setenv("PANSHI_DB", db, 1);
	assert_int_equal(run("--policy-dir", policy, "--lang", "zh-CN", "status", NULL), 0);
	assert_non_null(strstr(out, "磐石状态"));
	assert_non_null(strstr(out, "数据库结构版本"));
	unsetenv("PANSHI_DB");
}

static void test_event_import_list(void **state)
{
	char mixed[600], sample[600];
	json_t *j;
	json_error_t je;

	(void)state;
	snprintf(mixed, sizeof(mixed), "%s/tests/data/eve/mixed.jsonl", srcdir);
	snprintf(sample, sizeof(sample), "%s/samples/events/sample-eve.jsonl", srcdir);
	assert_int_equal(run("--db", db, "--policy-dir", policy, "init", NULL), 0);
	assert_int_equal(run("--db", db, "event", "import", mixed, NULL), 1);
	assert_non_null(strstr(out, "imported 3 events, 4 bad lines"));
	assert_non_null(strstr(err, "mixed.jsonl:3: field 'timestamp'"));
	assert_non_null(strstr(err, "mixed.jsonl:4: invalid JSON"));
	assert_non_null(strstr(err, "mixed.jsonl:6: field 'src_port'"));
	assert_non_null(strstr(err, "mixed.jsonl:7: missing field 'event_type'"));
	assert_int_equal(run("--db", db, "event", "import", sample, NULL), 0);
	assert_non_null(strstr(out, "imported 12 events, 0 bad lines"));
	assert_int_equal(run("--db", db, "event", "list", "--type", "alert",
			     "--format", "json", NULL), 0);
	j = json_loads(out, 0, &je);
	assert_non_null(j);
	assert_int_equal(json_array_size(j), 4);
	json_decref(j);
	assert_int_equal(run("--db", db, "event", "list", "--ip", "2001:db8::1",
			     "--format", "csv", NULL), 0);
	assert_non_null(strstr(out, "timestamp,event_type,severity,src_ip"));
	assert_non_null(strstr(out, "flow,,2001:db8::1"));
	assert_int_equal(run("--db", db, "event", "list", "--since", "2018-09-31", NULL), 2);
	assert_non_null(strstr(err, "'2018-09-31' is not a valid date"));
	assert_int_equal(run("--db", db, "event", "list", "--since",
			     "2026-11-20T10:00:00+08:00", "--limit", "2", NULL), 0);
	assert_non_null(strstr(out, "smtp"));
	assert_null(strstr(out, "tls"));
	/* --until with a bare date includes that day (Asia/Shanghai) */
	assert_int_equal(run("--db", db, "event", "list", "--until", "2026-11-20",
			     "--type", "smtp", "--format", "csv", NULL), 0);
	assert_non_null(strstr(out, "smtp"));
	assert_int_equal(run("--db", db, "event", "list", "--until", "2026-11-19",
			     "--type", "smtp", "--format", "csv", NULL), 0);
	assert_null(strstr(out, "smtp"));
	assert_int_equal(run("--db", db, "event", "import", "/nonexistent.jsonl",
			     NULL), 1);
	assert_non_null(strstr(err, "cannot open '/nonexistent.jsonl'"));
	/* the same file again, under its name or another, is not stored twice */
	{
		char copy[700], line[4096];
		FILE *in = fopen(sample, "r"), *o;

		snprintf(copy, sizeof(copy), "%s/same-events.jsonl", tmpdir);
		assert_non_null(in);
		assert_non_null(o = fopen(copy, "w"));
		while (fgets(line, sizeof(line), in) != NULL)
			fputs(line, o);
		fclose(in);
		fclose(o);
		assert_int_equal(run("--db", db, "event", "import", sample, copy, NULL), 0);
		assert_non_null(strstr(out, "imported 0 events, 0 bad lines"));
		assert_non_null(strstr(err, "sample-eve.jsonl' is already in the store (imported "));
		assert_non_null(strstr(err, "same-events.jsonl' is already in the store"));
		assert_non_null(strstr(err, "--force imports it again"));
		assert_int_equal(run("--db", db, "event", "list", "--type", "alert",
				     "--format", "json", NULL), 0);
		j = json_loads(out, 0, &je);
		assert_int_equal(json_array_size(j), 4);
		json_decref(j);
		/* --force stores it again, as asked */
		assert_int_equal(run("--db", db, "event", "import", "--force", "--sensor", "s2",
				     copy, NULL), 0);
		assert_non_null(strstr(out, "imported 12 events, 0 bad lines"));
		unlink(copy);
	}
}

static void test_defaults_file_and_data_dir(void **state)
{
	char etc[700], cfg[600], dbpath[600];
	FILE *f;
	static char want[1 << 16];
	size_t n;

	(void)state;
	/* etc/panshi.yaml is the annotated default configuration, kept in sync */
	snprintf(etc, sizeof(etc), "%s/etc/panshi.yaml", srcdir);
	assert_int_equal(run("config", "check", etc, NULL), 0);
	f = fopen(etc, "r");
	assert_non_null(f);
	n = fread(want, 1, sizeof(want) - 1, f);
	want[n] = '\0';
	fclose(f);
	assert_int_equal(run("config", "dump", "--defaults", NULL), 0);
	assert_string_equal(out, want);

	/* without store.db the database lives in general.data_dir */
	snprintf(cfg, sizeof(cfg), "%s/dd.yaml", tmpdir);
	snprintf(dbpath, sizeof(dbpath), "%s/data/panshi.db", tmpdir);
	f = fopen(cfg, "w");
	assert_non_null(f);
	fprintf(f, "general:\n  data_dir: %s/data\nstore:\n  event_retention_days: 30\n",
		tmpdir);
	fclose(f);
	assert_int_equal(run("--config", cfg, "--policy-dir", policy, "init", NULL), 0);
	assert_non_null(strstr(out, dbpath));
	assert_non_null(strstr(out, "30 days, BELOW the legal minimum of 183"));
	assert_non_null(strstr(err, "warning: store.event_retention_days is 30"));
	f = fopen(dbpath, "r");
	assert_non_null(f);
	fclose(f);
}

static int pg_exec(const char *dsn, const char *sql)
{
	PGconn *c = PQconnectdb(dsn);
	PGresult *r;
	int ok;

	if (PQstatus(c) != CONNECTION_OK) {
		PQfinish(c);
		return -1;
	}
	r = PQexec(c, sql);
	ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	PQfinish(c);
	return ok ? 0 : -1;
}

/* The same main job against PostgreSQL, in a schema of its own. */
static void test_postgresql(void **state)
{
	const char *dsn = getenv("PANSHI_TEST_PG_DSN");
	char schema[64], sql[128], cfg[600], sample[600];
	json_t *j;
	json_error_t je;
	FILE *f;

	(void)state;
	if (dsn == NULL || dsn[0] == '\0') {
		print_message("skipped: PANSHI_TEST_PG_DSN not set\n");
		skip();
	}
	snprintf(schema, sizeof(schema), "panshi_cli_%ld", (long)getpid());
	snprintf(sql, sizeof(sql), "CREATE SCHEMA %s", schema);
	assert_int_equal(pg_exec(dsn, sql), 0);
	snprintf(cfg, sizeof(cfg), "%s/pg.yaml", tmpdir);
	f = fopen(cfg, "w");
	assert_non_null(f);
	fprintf(f, "store:\n  pg_schema: %s\n", schema);
	fclose(f);
	snprintf(sample, sizeof(sample), "%s/samples/events/sample-eve.jsonl", srcdir);
	assert_int_equal(run("--config", cfg, "--db", dsn, "--policy-dir", policy,
			     "init", NULL), 0);
	assert_non_null(strstr(out, "(postgresql): schema version 0 -> "));
	assert_int_equal(run("--config", cfg, "--db", dsn, "event", "import", sample,
			     NULL), 0);
	assert_int_equal(run("--config", cfg, "--db", dsn, "--policy-dir", policy,
			     "--format", "json", "status", NULL), 0);
	j = json_loads(out, 0, &je);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "backend")), "postgresql");
	assert_string_equal(json_string_value(json_object_get(j, "events")), "12");
	assert_string_equal(json_string_value(json_object_get(j, "policy_state")),
			    "loaded, files unchanged");
	json_decref(j);
	assert_int_equal(run("--config", cfg, "--db", dsn, "event", "list", "--type",
			     "alert", "--format", "json", NULL), 0);
	j = json_loads(out, 0, &je);
	assert_non_null(j);
	assert_int_equal(json_array_size(j), 3);
	json_decref(j);
	snprintf(sql, sizeof(sql), "SET client_min_messages = warning; DROP SCHEMA %s CASCADE", schema);
	assert_int_equal(pg_exec(dsn, sql), 0);
}

static void test_event_purge(void **state)
{
	char pdb[600], sample[600];

	(void)state;
	snprintf(pdb, sizeof(pdb), "%s/purge.db", tmpdir);
	snprintf(sample, sizeof(sample), "%s/samples/events/sample-eve.jsonl", srcdir);
	assert_int_equal(run("--db", pdb, "--policy-dir", policy, "init", NULL), 0);
	assert_int_equal(run("--db", pdb, "event", "import", sample, NULL), 0);
	/* the legal minimum for logs guards against purging recent events */
	assert_int_equal(run("--db", pdb, "--policy-dir", policy, "event", "purge",
			     "--before", "2026-11-20T10:00:00+08:00", NULL), 1);
	assert_non_null(strstr(err, "refusing to purge events newer than 183 days"));
	assert_int_equal(run("--db", pdb, "--policy-dir", policy, "event", "purge",
			     "--before", "2026-11-20T10:00:00+08:00", "--force", NULL), 0);
	assert_non_null(strstr(out, "purged 8 events older than 2026-11-20T10:00:00+08:00"));
	/* the default cutoff (183 days ago) is always allowed */
	assert_int_equal(run("--db", pdb, "--policy-dir", policy, "event", "purge",
			     NULL), 0);
	assert_non_null(strstr(out, "purged 0 events"));
	assert_int_equal(run("--db", pdb, "event", "list", "--format", "csv", NULL), 0);
	assert_non_null(strstr(out, "smtp"));
	assert_null(strstr(out, "anomaly"));
	assert_int_equal(run("--db", pdb, "event", "purge", "--before", "2023-02-29",
			     NULL), 2);
}

/* Text stored by other paths may be invalid UTF-8: JSON output survives it. */
static void test_json_invalid_utf8(void **state)
{
	char udb[600];
	struct ps_store_settings set;
	struct ps_store *st = NULL;
	struct ps_event ev = {.ts_us = 1763600000000000LL, .sensor = "bad\xff\xfe-sensor",
			      .event_type = "dns", .json = "{}"};
	json_t *j;
	json_error_t je;

	(void)state;
	snprintf(udb, sizeof(udb), "%s/utf8.db", tmpdir);
	assert_int_equal(run("--db", udb, "--policy-dir", policy, "init", NULL), 0);
	ps_store_settings_default(&set);
	assert_int_equal(ps_store_open(udb, &set, &st, NULL), PS_OK);
	assert_int_equal(ps_store_event_batch_insert(st, &ev, 1), PS_OK);
	ps_store_close(st);
	assert_int_equal(run("--db", udb, "event", "list", "--format", "json", NULL), 0);
	j = json_loads(out, 0, &je);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(json_array_get(j, 0),
							      "sensor")),
			    "bad\xef\xbf\xbd\xef\xbf\xbd-sensor");
	json_decref(j);
}

static void write_bytes(const char *path, const char *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	fclose(f);
}

#define EV(ip) "{\"timestamp\":\"2026-11-20T09:00:00Z\",\"event_type\":\"dns\"," \
	       "\"src_ip\":\"" ip "\"}\n"

/* Hostile files: NUL bytes, deep nesting, a BOM, rows the store refuses. */
static void test_import_hostile(void **state)
{
	char hdb[600], f1[600], f2[600], cfg[600], deep[300];
	static const char nul_file[] = "\xef\xbb\xbf" EV("192.0.2.1")
		"{\"timestamp\":\"2026-11-20T09:00:00Z\",\"event_type\":\"dns\"}\0junk\n"
		EV("192.0.2.3");
	struct ps_store_settings set;
	struct ps_store *st = NULL;
	FILE *f;

	(void)state;
	snprintf(hdb, sizeof(hdb), "%s/hostile.db", tmpdir);
	snprintf(f1, sizeof(f1), "%s/nul.jsonl", tmpdir);
	snprintf(f2, sizeof(f2), "%s/refused.jsonl", tmpdir);
	snprintf(cfg, sizeof(cfg), "%s/batch2.yaml", tmpdir);
	assert_int_equal(run("--db", hdb, "--policy-dir", policy, "init", NULL), 0);

	/* line 2 holds a NUL: it is bad, line 3 still imports; BOM ignored */
	write_bytes(f1, nul_file, sizeof(nul_file) - 1);
	assert_int_equal(run("--db", hdb, "event", "import", f1, NULL), 1);
	assert_non_null(strstr(out, "imported 2 events, 1 bad lines"));
	assert_non_null(strstr(err, "nul.jsonl:2: line contains a NUL byte"));

	/* nesting deeper than EVE ever needs is refused before parsing */
	memset(deep, '[', 100);
	memset(deep + 100, ']', 100);
	deep[200] = '\0';
	f = fopen(f1, "w");
	assert_non_null(f);
	fprintf(f, "{\"timestamp\":\"2026-11-20T09:00:00Z\",\"event_type\":\"dns\",\"x\":%s}\n", deep);
	fclose(f);
	assert_int_equal(run("--db", hdb, "event", "import", f1, NULL), 1);
	assert_non_null(strstr(err, "nul.jsonl:1: JSON nested deeper than 64 levels"));

	/* a row the store refuses costs only its own line (batch of 2) */
	ps_store_settings_default(&set);
	assert_int_equal(ps_store_open(hdb, &set, &st, NULL), PS_OK);
	assert_int_equal(ps_store_exec(st, "CREATE TRIGGER refuse BEFORE INSERT ON events "
				       "WHEN NEW.src_ip LIKE '198.51.100.%' BEGIN "
				       "SELECT RAISE(ABORT, 'refused by test'); END"), PS_OK);
	ps_store_close(st);
	write_file(cfg, "store:\n  batch_size: 2\n");
	write_file(f2, EV("192.0.2.10") EV("192.0.2.11") EV("198.51.100.1") EV("192.0.2.12")
		   EV("192.0.2.13"));
	assert_int_equal(run("--config", cfg, "--db", hdb, "event", "import", f2, NULL), 1);
	assert_non_null(strstr(out, "imported 4 events, 1 bad lines"));
	assert_non_null(strstr(err, "refused.jsonl:3: cannot store event:"));
	assert_non_null(strstr(err, "refused by test"));

	/* a store that refuses everything stops the import with what is stored */
	write_file(f2, EV("192.0.2.20") EV("198.51.100.2") EV("198.51.100.3")
		   EV("198.51.100.4") EV("192.0.2.21"));
	assert_int_equal(run("--config", cfg, "--db", hdb, "event", "import", f2, NULL), 1);
	assert_non_null(strstr(err, "stopped importing"));
	assert_non_null(strstr(err, "after line 4"));
	assert_non_null(strstr(err, "events before line 3 are stored"));
	assert_non_null(strstr(out, "imported 1 events, 3 bad lines"));
}

/* Values from traffic cannot drive the terminal or forge table rows. */
static void test_table_escapes(void **state)
{
	char edb[600];
	struct ps_store_settings set;
	struct ps_store *st = NULL;
	struct ps_event ev = {.ts_us = 1763600000000000LL, .event_type = "x\x1b]0;pwn\x07",
			      .src_ip = "192.0.2.1\nforged row", .sensor = "c1\xc2\x9bz",
			      .json = "{}"};

	(void)state;
	snprintf(edb, sizeof(edb), "sqlite:%s/esc/e.db", tmpdir);
	assert_int_equal(run("--db", edb, "--policy-dir", policy, "init", NULL), 0);
	assert_int_equal(run("--db", edb, "--policy-dir", policy, "status", NULL), 0);
	ps_store_settings_default(&set);
	assert_int_equal(ps_store_open(edb, &set, &st, NULL), PS_OK);
	assert_int_equal(ps_store_event_batch_insert(st, &ev, 1), PS_OK);
	ps_store_close(st);
	assert_int_equal(run("--db", edb, "event", "list", NULL), 0);
	assert_null(strchr(out, '\x1b'));
	assert_null(strchr(out, '\x07'));
	assert_null(strstr(out, "\xc2\x9b"));
	assert_non_null(strstr(out, "x\\x1b]0;pwn\\x07"));
	assert_non_null(strstr(out, "192.0.2.1\\x0aforged row"));
	assert_non_null(strstr(out, "c1\\xc2\\x9bz"));
	/* two lines: the header and one row */
	{
		int lines = 0;

		for (const char *p = out; *p; p++)
			lines += *p == '\n';
		assert_int_equal(lines, 2);
	}
	/* JSON and CSV keep the value as stored, properly encoded */
	assert_int_equal(run("--db", edb, "event", "list", "--format", "json", NULL), 0);
	assert_non_null(strstr(out, "\\u001B]0;pwn\\u0007"));
	assert_int_equal(run("--db", edb, "event", "list", "--limit", "0", "--format",
			     "json", "--type", "none", NULL), 0);
	assert_string_equal(out, "[]\n");
}

static void test_redact(void **state)
{
	char buf[256];

	(void)state;
	ps_cli_spec_redact("postgresql://ops:s3cret@db.example/panshi", buf, sizeof(buf));
	assert_string_equal(buf, "postgresql://ops:***@db.example/panshi");
	ps_cli_spec_redact("host=db password=s3cret dbname=p", buf, sizeof(buf));
	assert_string_equal(buf, "host=db password=*** dbname=p");
	ps_cli_spec_redact("var/panshi.db", buf, sizeof(buf));
	assert_string_equal(buf, "var/panshi.db");
	ps_cli_spec_redact("postgresql://ops@db/p", buf, sizeof(buf));
	assert_string_equal(buf, "postgresql://ops@db/p");
	ps_cli_spec_redact("postgresql://db:5432/p?user=ops&password=s3cret&sslmode=require",
			   buf, sizeof(buf));
	assert_string_equal(buf, "postgresql://db:5432/p?user=ops&password=***&sslmode=require");
	ps_cli_spec_redact("postgresql://ops:pw@db/p?password=x", buf, sizeof(buf));
	assert_string_equal(buf, "postgresql://ops:***@db/p?password=***");
	ps_cli_spec_redact("host=db password='s3 cr\\'et' dbname=p", buf, sizeof(buf));
	assert_string_equal(buf, "host=db password=*** dbname=p");
	ps_cli_spec_redact("password=x", buf, sizeof(buf));
	assert_string_equal(buf, "password=***");
	ps_cli_spec_redact("host=db oldpassword=x", buf, sizeof(buf));
	assert_string_equal(buf, "host=db oldpassword=x");
	ps_cli_spec_redact("host=db password=secret", buf, 12);
	assert_string_equal(buf, "host=db pas");
}

/* status tells when the policy files differ from what init recorded */
static void test_policy_changed(void **state)
{
	char pol[600], cdb[600], cmd[1400], file[700];
	FILE *f;

	(void)state;
	snprintf(pol, sizeof(pol), "%s/policy-copy", tmpdir);
	snprintf(cdb, sizeof(cdb), "%s/changed.db", tmpdir);
	snprintf(cmd, sizeof(cmd), "cp -r '%s' '%s'", policy, pol);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(run("--db", cdb, "--policy-dir", pol, "--quiet", "init", NULL), 0);
	assert_int_equal(run("--db", cdb, "--policy-dir", pol, "status", NULL), 0);
	assert_non_null(strstr(out, "loaded, files unchanged"));
	/* the digest covers the files of this directory, wherever it lives */
	assert_int_equal(run("--db", cdb, "--policy-dir", policy, "status", NULL), 0);
	assert_non_null(strstr(out, "loaded, files unchanged"));
	snprintf(file, sizeof(file), "%s/vuln.yaml", pol);
	f = fopen(file, "a");
	assert_non_null(f);
	fputs("# edited after init\n", f);
	fclose(f);
	assert_int_equal(run("--db", cdb, "--policy-dir", pol, "status", NULL), 0);
	assert_non_null(strstr(out, "files changed since loaded; run 'panshi init'"));
	assert_int_equal(run("--db", cdb, "--policy-dir", pol, "--quiet", "init", NULL), 0);
	assert_int_equal(run("--db", cdb, "--policy-dir", pol, "status", NULL), 0);
	assert_non_null(strstr(out, "loaded, files unchanged"));
}

static void test_policy_cmds(void **state)
{
	json_t *j;
	json_error_t je;

	(void)state;
	assert_int_equal(run("--policy-dir", policy, "policy", "check", NULL), 0);
	assert_non_null(strstr(out, "ok:"));
	assert_int_equal(run("--policy-dir", policy, "policy", "show", "--format",
			     "json", NULL), 0);
	j = json_loads(out, 0, &je);
	assert_non_null(j);
	json_decref(j);
	assert_int_equal(run("policy", "check", "/nonexistent-policy", NULL), 1);
	assert_non_null(strstr(err, "/nonexistent-policy"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dispatch),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_init_status),
		cmocka_unit_test(test_event_import_list),
		cmocka_unit_test(test_defaults_file_and_data_dir),
		cmocka_unit_test(test_event_purge),
		cmocka_unit_test(test_json_invalid_utf8),
		cmocka_unit_test(test_import_hostile),
		cmocka_unit_test(test_table_escapes),
		cmocka_unit_test(test_redact),
		cmocka_unit_test(test_policy_changed),
		cmocka_unit_test(test_policy_cmds),
		cmocka_unit_test(test_postgresql),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
