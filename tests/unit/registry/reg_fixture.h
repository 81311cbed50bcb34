/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The backend fixture of the store-backed registry suites: argv[1] names
 * "sqlite" (a fresh file per test in a temporary directory) or "pgsql"
 * (PANSHI_TEST_PG_DSN, a fresh schema per test; exit 77 without it).
 * Include it after the system headers, cmocka.h and the project headers
 * (core, policy, registry, store); each test file is its own executable,
 * so everything here is static.
 *
 * Before including, define REG_FX_NAME (a short lowercase tag naming the
 * schemas "<tag>_test_<pid>_<n>" and the directory /tmp/panshi-<tag>-*).
 * A suite with one store per test also defines `struct fx` with at least
 * st, set, r, spec[512] and schema[64], and REG_FX_TODAY (the registry's
 * today); it then gets setup() and teardown(), with optional hooks
 * REG_FX_SETUP(f) (returns 0 or -1, run last) and REG_FX_TEARDOWN(f)
 * (run before the store closes).
 */
#ifndef PS_TEST_REG_FIXTURE_H
#define PS_TEST_REG_FIXTURE_H

#ifndef REG_FX_NAME
#error "define REG_FX_NAME before including reg_fixture.h"
#endif

static const char *backend;
static const char *pg_dsn;
static char tmpdir[256];
static char srcdir[1024];
static int seq;
static struct ps_policy *pol;

static bool is_pg(void)
{
	return strcmp(backend, "pgsql") == 0;
}

static int admin_exec(const char *sql)
{
	struct ps_store *st;
	struct ps_diag d;
	int rc = ps_store_open(pg_dsn, NULL, &st, &d);

	if (rc != PS_OK) {
		print_error("admin connection: %s\n", d.msg);
		return rc;
	}
	rc = ps_store_exec(st, sql);
	ps_store_close(st);
	return rc;
}

/*
 * A fresh migrated store (spec: 512 bytes, schema: 64 bytes) and the
 * registry over it: 0 or -1 with the reason printed.
 */
static int reg_store_open(struct ps_store **st, struct ps_store_settings *set,
			  struct ps_registry *r, char *spec, char *schema)
{
	struct ps_diag d = {{0}};
	char sql[128];

	ps_store_settings_default(set);
	seq++;
	if (is_pg()) {
		snprintf(schema, 64, REG_FX_NAME "_test_%d_%d", (int)getpid(), seq);
		snprintf(sql, sizeof(sql), "CREATE SCHEMA %s", schema);
		if (admin_exec(sql) != PS_OK)
			return -1;
		set->pg_schema = schema;
		snprintf(spec, 512, "%s", pg_dsn);
	} else {
		snprintf(spec, 512, "%s/t%d.db", tmpdir, seq);
	}
	if (ps_store_open(spec, set, st, &d) != PS_OK ||
	    ps_store_migrate(*st, NULL, NULL, &d) != PS_OK) {
		print_error("%s: %s\n", spec, d.msg);
		return -1;
	}
	return ps_registry_open(*st, pol, r) == PS_OK ? 0 : -1;
}

/* Close the store of reg_store_open() and drop its schema or files. */
static int reg_store_close(struct ps_store *st, const char *spec, const char *schema)
{
	static const char *const sfx[] = {"", "-wal", "-shm"};
	char path[600], sql[128];

	ps_store_close(st);
	if (is_pg()) {
		snprintf(sql, sizeof(sql), "DROP SCHEMA %s CASCADE", schema);
		return admin_exec(sql) == PS_OK ? 0 : -1;
	}
	for (size_t i = 0; i < PS_ARRAY_LEN(sfx); i++) {
		snprintf(path, sizeof(path), "%s%s", spec, sfx[i]);
		unlink(path);
	}
	return 0;
}

#ifdef REG_FX_TODAY
#ifndef REG_FX_SETUP
#define REG_FX_SETUP(f) 0
#endif
#ifndef REG_FX_TEARDOWN
#define REG_FX_TEARDOWN(f) ((void)(f))
#endif

static int setup(void **state)
{
	struct fx *f = ps_calloc(PS_MEM_TEST, 1, sizeof(*f));

	if (f == NULL)
		return -1;
	*state = f;
	if (reg_store_open(&f->st, &f->set, &f->r, f->spec, f->schema) != 0)
		return -1;
	f->r.today = REG_FX_TODAY;
	return REG_FX_SETUP(f);
}

static int teardown(void **state)
{
	struct fx *f = *state;
	int rc;

	REG_FX_TEARDOWN(f);
	rc = reg_store_close(f->st, f->spec, f->schema);
	ps_free(f);
	return rc;
}
#endif /* REG_FX_TODAY */

/* The policy of the source tree and a temporary directory for the group. */
static int reg_group_setup(void **state)
{
	const char *src = getenv("PANSHI_SOURCE_DIR");
	struct ps_diag d = {{0}};
	char dir[1100];

	(void)state;
	snprintf(srcdir, sizeof(srcdir), "%s", src != NULL ? src : ".");
	snprintf(dir, sizeof(dir), "%s/policy", srcdir);
	if (ps_policy_load_dir(dir, &pol, &d) != PS_OK) {
		print_error("%s: %s\n", dir, d.msg);
		return -1;
	}
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/panshi-" REG_FX_NAME "-XXXXXX");
	return mkdtemp(tmpdir) != NULL ? 0 : -1;
}

static int reg_group_teardown(void **state)
{
	char cmd[300];

	(void)state;
	ps_policy_free(pol);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/*
 * The backend from argv[1], then the group: 77 (skipped) for pgsql
 * without PANSHI_TEST_PG_DSN, 2 for an unknown backend.
 */
static int reg_run_n(int argc, char **argv, const struct CMUnitTest *tests, size_t n)
{
	backend = argc > 1 ? argv[1] : "sqlite";
	if (strcmp(backend, "pgsql") == 0) {
		pg_dsn = getenv("PANSHI_TEST_PG_DSN");
		if (pg_dsn == NULL || pg_dsn[0] == '\0') {
			printf("skipped: PANSHI_TEST_PG_DSN not set\n");
			return 77;
		}
	} else if (strcmp(backend, "sqlite") != 0) {
		fprintf(stderr, "usage: %s sqlite|pgsql\n", argv[0]);
		return 2;
	}
	return _cmocka_run_group_tests(backend, tests, n, reg_group_setup, reg_group_teardown);
}

#define reg_run(argc, argv, tests) reg_run_n((argc), (argv), (tests), PS_ARRAY_LEN(tests))

#endif /* PS_TEST_REG_FIXTURE_H */
