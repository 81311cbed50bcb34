/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `panshi intel import|list|show|stats|sources` in-process on a fresh
 * SQLite store: per-file counts and bad lines by line number, a missing
 * file among others, the output formats, the localized messages, and the
 * option errors.
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

#include "cli/cli.h"
#include "core/core.h"

static char tmpdir[256], db[512], policy[600], srcdir[512];
static char out[1 << 16], err[1 << 16];

static void slurp(FILE *f, char *buf, size_t n)
{
	size_t got;

	rewind(f);
	got = fread(buf, 1, n - 1, f);
	buf[got] = '\0';
	fclose(f);
}

/* Run panshi --db DB with the NULL-terminated arguments; capture output. */
static int run(const char *first, ...)
{
	char *argv[64];
	int argc = 0, rc;
	FILE *o = tmpfile(), *e = tmpfile();
	va_list ap;

	assert_non_null(o);
	assert_non_null(e);
	argv[argc++] = (char *)"panshi";
	argv[argc++] = (char *)"--db";
	argv[argc++] = db;
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

static const char *fx(const char *name)
{
	static char paths[8][1024];
	static int k;
	char *p = paths[k++ % 8];

	snprintf(p, 1024, "%s/tests/data/intel/%s", srcdir, name);
	return p;
}

static int setup(void **state)
{
	const char *src = getenv("PANSHI_SOURCE_DIR");

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/panshi-intel-cli-XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	snprintf(db, sizeof(db), "%s/t.db", tmpdir);
	snprintf(srcdir, sizeof(srcdir), "%s", src ? src : ".");
	snprintf(policy, sizeof(policy), "%s/policy", srcdir);
	unsetenv("PANSHI_DB");
	unsetenv("PANSHI_CONFIG");
	setenv("PANSHI_LANG", "en", 1);
	return run("--policy-dir", policy, "init", NULL) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	static const char *const sfx[] = {"", "-wal", "-shm"};
	char path[600];

	(void)state;
	for (size_t i = 0; i < PS_ARRAY_LEN(sfx); i++) {
		snprintf(path, sizeof(path), "%s%s", db, sfx[i]);
		unlink(path);
	}
	return rmdir(tmpdir) == 0 ? 0 : -1;
}

static void test_import(void **state)
{
	(void)state;
	assert_int_equal(run("intel", "import", fx("list.txt"), fx("maltrail.tsv.gz"), NULL), 0);
	assert_non_null(strstr(out, "list.txt: read 19, imported 18, updated 1, bad 4, skipped 2"));
	assert_non_null(strstr(out, "maltrail.tsv.gz: read 7, imported 6, updated 1, bad 3, "
				    "skipped 2"));
	assert_non_null(strstr(out, "total: 2 files, read 26, imported 24, updated 2, bad 7, "
				    "skipped 4"));
	assert_non_null(strstr(err, "list.txt:26: 'bad..example' is not a valid domain name"));
	assert_non_null(strstr(err, "maltrail.tsv.gz:11: expected 4 tab-separated fields"));
	assert_non_null(strstr(err, "maltrail.tsv.gz: skipped 1 lines: URL path without a host"));
	/* a missing file is named, the others still import, exit 1 */
	assert_int_equal(run("intel", "import", "--source", "mixed", "/nonexistent.txt",
			     fx("ja3.csv"), NULL), 1);
	assert_non_null(strstr(err, "error: cannot open '/nonexistent.txt': No such file"));
	assert_non_null(strstr(out, "ja3.csv: read 2, imported 2"));
	assert_non_null(strstr(err, "1 of 2 files could not be imported"));
	/* options */
	assert_int_equal(run("intel", "import", "--format", "csv", "--map",
			     "value=1,type=2,family=3,severity=4,first_seen=5", "--tlp", "amber",
			     "--ttl", "30d", "--refresh", "12h", fx("mapped.csv"), NULL), 0);
	assert_non_null(strstr(out, "mapped.csv: read 3, imported 3"));
	assert_int_equal(run("intel", "import", "--severity", "9", fx("list.txt"), NULL), 2);
	assert_non_null(strstr(err, "--severity: invalid value '9'"));
	assert_int_equal(run("intel", "import", "--ttl", "3w", fx("list.txt"), NULL), 2);
	assert_int_equal(run("intel", "import", "--shareable", "maybe", fx("list.txt"), NULL), 2);
	assert_int_equal(run("intel", "import", "--bogus", "x", fx("list.txt"), NULL), 2);
	assert_non_null(strstr(err, "usage: panshi intel import"));
	assert_int_equal(run("intel", "import", NULL), 2);
	assert_int_equal(run("intel", "import", "--map", "colour=1", "--format", "csv",
			     fx("mapped.csv"), NULL), 1);
	assert_non_null(strstr(err, "unknown field 'colour'"));
}

static void test_list_show(void **state)
{
	json_error_t je;
	json_t *a;

	(void)state;
	assert_int_equal(run("intel", "import", fx("list.txt"), fx("maltrail.tsv"), NULL), 0);
	assert_int_equal(run("intel", "list", "--type", "ipv4", "--source", "maltrail",
			     "--format", "json", NULL), 0);
	a = json_loads(out, 0, &je);
	assert_non_null(a);
	assert_int_equal(json_array_size(a), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(a, 1), "value")),
			    "192.0.2.6");
	assert_string_equal(json_string_value(json_object_get(json_array_get(a, 1), "tags")),
			    "port:443,port:8080");
	assert_string_equal(json_string_value(json_object_get(json_array_get(a, 1), "category")),
			    "malicious_ip");
	json_decref(a);
	assert_int_equal(run("intel", "list", "--contains", "example", "--limit", "2",
			     "--format", "csv", NULL), 0);
	assert_non_null(strstr(out, "id,type,value,category,"));
	assert_int_equal(run("intel", "list", "--category", "恶意域名", NULL), 0);
	assert_non_null(strstr(out, "*.abp.example"));
	assert_int_equal(run("intel", "list", "--value", "10.9.9.9/8", NULL), 0);
	assert_non_null(strstr(out, "10.0.0.0/8"));
	assert_int_equal(run("intel", "list", "--type", "ipv7", NULL), 2);
	/* show: every source's entry; the value is normalised first */
	assert_int_equal(run("intel", "show", "EVIL.example.", NULL), 0);
	assert_non_null(strstr(out, "maltrail"));
	assert_non_null(strstr(out, "emotet"));
	assert_int_equal(run("intel", "show", "nothing.example", NULL), 1);
	assert_non_null(strstr(err, "no stored indicator has the value 'nothing.example'"));
	assert_int_equal(run("intel", "show", "--type", "ipv4", "1.2.3", NULL), 1);
	assert_non_null(strstr(err, "'1.2.3' is not a valid IPv4 address"));
	assert_int_equal(run("intel", "show", NULL), 2);
}

static void test_stats_sources(void **state)
{
	(void)state;
	assert_int_equal(run("intel", "import", fx("list.txt"), fx("maltrail.tsv"), NULL), 0);
	assert_int_equal(run("intel", "stats", "--format", "csv", NULL), 0);
	assert_non_null(strstr(out, "group,key,count\r\n"));
	assert_non_null(strstr(out, "total,indicators,24\r\n"));
	assert_non_null(strstr(out, "total,sources,2\r\n"));
	assert_non_null(strstr(out, "type,ipv4,"));
	assert_non_null(strstr(out, "category,malicious_domain,"));
	assert_non_null(strstr(out, "source,list,18\r\n"));
	assert_int_equal(run("intel", "sources", "--format", "csv", NULL), 0);
	assert_non_null(strstr(out, "name,format,indicators,last_import,"));
	assert_non_null(strstr(out, "maltrail,maltrail,6,"));
	assert_int_equal(run("intel", "stats", "extra", NULL), 2);
	/* the same in Chinese */
	assert_int_equal(run("--lang", "zh-CN", "intel", "import", fx("list.txt"), NULL), 0);
	assert_non_null(strstr(out, "list.txt：读取 19 条，新增 0 条，更新 19 条，错误 4 行"));
	assert_non_null(strstr(err, "“bad..example”不是有效的域名：存在空标签"));
	assert_int_equal(run("--lang", "zh-CN", "help", "intel", NULL), 0);
	assert_non_null(strstr(out, "列出已存储的威胁指标"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_import, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_show, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stats_sources, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
