/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Imports the smaller real lists of ../shared/data/intel (public feeds, see
 * its SOURCES.md) into a SQLite store and checks the exact counts. Skipped
 * (exit 77) when that directory is absent; the large lists are imported by
 * scripts/intel-import-bench.sh instead.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/core.h"
#include "intel/intel.h"
#include "store/store.h"

#define OK(x) assert_int_equal((x), PS_OK)

static char data[1024];
static char tmpdir[256];

/* file, format, type hint, then read, imported, updated, bad */
static const struct {
	const char *file;
	enum ps_intel_format format;
	enum ps_ioc_type type;
	int64_t read, imported, updated, bad;
} lists[] = {
	{"ip/c2-sslbl-abusech.txt", PS_INTEL_FMT_AUTO, PS_IOC_NONE, 58, 58, 0, 0},
	{"ip/c2-viriback.txt", PS_INTEL_FMT_AUTO, PS_IOC_NONE, 266, 266, 0, 0},
	{"ip/c2-cybercrime-tracker.txt", PS_INTEL_FMT_AUTO, PS_IOC_NONE, 2881, 2881, 0, 0},
	/* four /24 networks are listed twice */
	{"ip/maltrail-mass-scanner-cidr.txt", PS_INTEL_FMT_AUTO, PS_IOC_NONE, 1106, 1102, 4, 0},
	/* "1.2.3.4 # name" lines; five are not addresses ("C91.196.152.28") */
	{"ip/maltrail-mass-scanner.txt", PS_INTEL_FMT_AUTO, PS_IOC_NONE, 19215, 18835, 380, 5},
	{"ja3/sslbl-ja3-fingerprints.csv", PS_INTEL_FMT_AUTO, PS_IOC_NONE, 98, 98, 0, 0},
	{"url/urlhaus-online-host-path.csv", PS_INTEL_FMT_AUTO, PS_IOC_NONE, 6363, 6363, 0, 0},
	{"url/urlhaus-filter.txt", PS_INTEL_FMT_AUTO, PS_IOC_NONE, 31822, 31822, 0, 0},
	{"hash/malicious-sha1.txt", PS_INTEL_FMT_LIST, PS_IOC_SHA1, 605, 605, 0, 0},
	{"domain/c2-cobalt-strike-alienvault.txt", PS_INTEL_FMT_AUTO, PS_IOC_DOMAIN, 173, 173, 0, 0},
};

static void test_real_lists(void **state)
{
	struct ps_intel_import_opts o;
	struct ps_intel_report *r = ps_malloc(PS_MEM_TEST, sizeof(*r));
	struct ps_intel_filter f = {0};
	struct ps_store *st;
	struct ps_diag d;
	char db[512], path[1200];
	int64_t n;

	(void)state;
	assert_non_null(r);
	snprintf(db, sizeof(db), "%s/real.db", tmpdir);
	OK(ps_store_open(db, NULL, &st, &d));
	OK(ps_store_migrate(st, NULL, NULL, &d));
	for (size_t i = 0; i < PS_ARRAY_LEN(lists); i++) {
		ps_intel_import_opts_init(&o);
		o.source = lists[i].file;
		o.format = lists[i].format;
		o.type = lists[i].type;
		snprintf(path, sizeof(path), "%s/%s", data, lists[i].file);
		if (ps_intel_import_file(st, &o, path, r, &d) != PS_OK)
			fail_msg("%s: %s", lists[i].file, d.msg);
		if (r->read != lists[i].read || r->imported != lists[i].imported ||
		    r->updated != lists[i].updated || r->bad != lists[i].bad)
			fail_msg("%s: read %lld imported %lld updated %lld bad %lld", lists[i].file,
				 (long long)r->read, (long long)r->imported,
				 (long long)r->updated, (long long)r->bad);
	}
	/*
	 * urlhaus-filter: 6,051 "||host/path^" rules are URLs, the rest hosts
	 * (SOURCES.md's 6,054 lines with a '/' include three header comments)
	 */
	f.source = "url/urlhaus-filter.txt";
	f.type = PS_IOC_URL;
	OK(ps_intel_count(st, &f, &n));
	assert_int_equal(n, 6051);
	f = (struct ps_intel_filter){.type = PS_IOC_JA3};
	OK(ps_intel_count(st, &f, &n));
	assert_int_equal(n, 98);
	ps_store_close(st);
	ps_free(r);
	for (const char *const *s = (const char *const[]){"", "-wal", "-shm", NULL}; *s; s++) {
		snprintf(path, sizeof(path), "%s%s", db, *s);
		unlink(path);
	}
	rmdir(tmpdir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_lists),
	};
	const char *src = getenv("PANSHI_SOURCE_DIR");
	struct stat sb;

	snprintf(data, sizeof(data), "%s/../shared/data/intel", src ? src : ".");
	if (stat(data, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		printf("skipped: no threat-intelligence lists at '%s'\n", data);
		return 77;
	}
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/panshi-real-XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return 1;
	ps_i18n_set_lang(PS_LANG_EN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
