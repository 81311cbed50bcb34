/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Matching generations: built from a store (live indicators only, every
 * source's entry of a value, metadata for alerts), swapped in a holder
 * while reader threads keep matching, and freed when the last one lets go.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/core.h"
#include "intel/gen.h"
#include "intel/intel.h"
#include "store/store.h"

#define OK(x) assert_int_equal((x), PS_OK)
#define T0 (INT64_C(1790000000) * 1000000) /* 2026-09-21 */
#define DAY (INT64_C(86400) * 1000000)

struct fx {
	struct ps_store *st;
	char dir[64];
	char path[96];
};

static int setup(void **state)
{
	struct fx *f = ps_calloc(PS_MEM_TEST, 1, sizeof(*f));
	struct ps_diag d = {{0}};

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/panshi-gen-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
	if (ps_store_open(f->path, NULL, &f->st, &d) != PS_OK ||
	    ps_store_migrate(f->st, NULL, NULL, &d) != PS_OK) {
		print_error("store: %s\n", d.msg);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char p[128];

	ps_store_close(f->st);
	unlink(f->path);
	snprintf(p, sizeof(p), "%s-wal", f->path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", f->path);
	unlink(p);
	rmdir(f->dir);
	ps_free(f);
	return 0;
}

static int64_t source(struct ps_store *st, const char *name)
{
	struct ps_intel_source s = {.name = name, .format = "list",
				    .confidence = -1, .tlp = -1,
				    .shareable = -1};
	int64_t id = 0;

	OK(ps_intel_source_put(st, &s, &id));
	return id;
}

static void put(struct ps_store *st, int64_t src, enum ps_ioc_type t,
		const char *v, uint8_t prefix, bool sub, const char *family,
		int64_t expires)
{
	struct ps_ioc r = {.type = t, .value = v, .prefix = prefix,
			   .subdomains = sub, .severity = 4, .confidence = 80,
			   .family = family, .source_id = src,
			   .first_seen = T0, .last_seen = T0,
			   .expires = expires, .tlp = PS_TLP_AMBER,
			   .shareable = true};

	OK(ps_intel_ioc_put(st, &r, NULL));
}

static size_t match_name(const struct ps_intel_gen *g, const char *n,
			 uint32_t *ids)
{
	return ps_intel_table_match_domain(g->table, n, strlen(n), ids, 8);
}

/* What a generation holds and what its matches say. */
static void test_build(void **state)
{
	struct fx *f = *state;
	int64_t a = source(f->st, "feed-a"), b = source(f->st, "feed-b");
	const struct ps_intel_meta *m;
	struct ps_intel_gen *g;
	struct ps_addr addr;
	uint32_t ids[8];
	size_t skipped = 99, n;

	put(f->st, a, PS_IOC_DOMAIN, "evil.example", 0, true, "emotet", 0);
	put(f->st, b, PS_IOC_DOMAIN, "evil.example", 0, false, NULL, 0);
	put(f->st, a, PS_IOC_CIDR4, "198.51.100.0", 24, false, "emotet", 0);
	put(f->st, a, PS_IOC_MD5, "5d41402abc4b2a76b9719d911017c592", 0,
	    false, NULL, 0);
	/* expired yesterday: not in the generation */
	put(f->st, b, PS_IOC_DOMAIN, "old.example", 0, false, NULL,
	    T0 + 10 * DAY);
	OK(ps_intel_gen_build(f->st, T0 + 11 * DAY, &g, &skipped, NULL));
	assert_int_equal(g->n, 4);
	assert_int_equal(skipped, 0);
	assert_true(g->bytes > 0);
	/* both sources' entries of the name: the exact one, then the one
	 * that also covers subdomains */
	n = match_name(g, "evil.example", ids);
	assert_int_equal(n, 2);
	assert_string_equal(ps_intel_gen_meta(g, ids[0])->source, "feed-b");
	assert_null(ps_intel_gen_meta(g, ids[0])->family);
	m = ps_intel_gen_meta(g, ids[1]);
	assert_non_null(m);
	assert_string_equal(m->value, "evil.example");
	assert_string_equal(m->source, "feed-a");
	assert_string_equal(m->family, "emotet");
	assert_int_equal(m->severity, 4);
	assert_int_equal(m->confidence, 80);
	assert_int_equal(m->tlp, PS_TLP_AMBER);
	assert_int_equal(m->type, PS_IOC_DOMAIN);
	assert_true(m->id > 0);
	/* only feed-a's entry covers subdomains */
	n = match_name(g, "www.evil.example", ids);
	assert_int_equal(n, 1);
	assert_string_equal(ps_intel_gen_meta(g, ids[0])->source, "feed-a");
	assert_int_equal(match_name(g, "old.example", ids), 0);
	/* one copy of each family name */
	memset(&addr, 0, sizeof(addr));
	addr.b[0] = 198;
	addr.b[1] = 51;
	addr.b[2] = 100;
	addr.b[3] = 7;
	n = ps_intel_table_match_ip(g->table, &addr, PS_AF_INET, ids, 8);
	assert_int_equal(n, 1);
	m = ps_intel_gen_meta(g, ids[0]);
	assert_int_equal(m->prefix, 24);
	assert_ptr_equal(m->family, ps_intel_gen_meta(g, 0)->family);
	assert_null(ps_intel_gen_meta(g, 4));
	ps_intel_gen_unref(g);
}

/* An empty store gives an empty generation, not an error. */
static void test_empty(void **state)
{
	struct fx *f = *state;
	struct ps_intel_gen *g;

	OK(ps_intel_gen_build(f->st, T0, &g, NULL, NULL));
	assert_int_equal(g->n, 0);
	assert_null(ps_intel_gen_meta(g, 0));
	ps_intel_gen_unref(g);
}

struct reader {
	struct ps_intel_holder *h;
	atomic_bool stop;
	unsigned changes;
	size_t hits;
};

/* A worker's loop: change over when the number moves, match meanwhile. */
static void *read_loop(void *arg)
{
	struct reader *r = arg;
	struct ps_intel_gen *g = NULL;
	uint64_t seen = 0, n;
	uint32_t ids[8];

	while (!atomic_load(&r->stop)) {
		if (ps_intel_holder_number(r->h) != seen) {
			ps_intel_gen_unref(g);
			g = ps_intel_holder_acquire(r->h, &n);
			seen = n;
			r->changes++;
		}
		if (g)
			r->hits += ps_intel_table_match_domain(g->table,
				"evil.example", 12, ids, 8);
		sched_yield();   /* valgrind runs one thread at a time */
	}
	ps_intel_gen_unref(g);
	return NULL;
}

/* Swaps while two readers match: each generation is freed exactly when
 * its last reader moves on (ASan/valgrind see any early free or leak). */
static void test_holder_swap(void **state)
{
	struct fx *f = *state;
	int64_t a = source(f->st, "feed-a");
	struct ps_intel_holder h;
	struct reader r = {.h = &h};
	struct ps_intel_gen *g, *kept;
	pthread_t th[2];
	uint64_t n;
	int i;

	put(f->st, a, PS_IOC_DOMAIN, "evil.example", 0, false, NULL, 0);
	ps_intel_holder_init(&h);
	assert_null(ps_intel_holder_acquire(&h, &n));
	assert_int_equal(n, 0);
	atomic_init(&r.stop, false);
	for (i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&th[i], NULL, read_loop, &r), 0);
	for (i = 0; i < 20; i++) {
		OK(ps_intel_gen_build(f->st, T0, &g, NULL, NULL));
		ps_intel_holder_swap(&h, g);
		assert_int_equal(ps_intel_holder_number(&h), (uint64_t)i + 1);
		usleep(2000);
	}
	/* a reference taken now outlives the next swap */
	kept = ps_intel_holder_acquire(&h, &n);
	assert_int_equal(n, 20);
	OK(ps_intel_gen_build(f->st, T0, &g, NULL, NULL));
	ps_intel_holder_swap(&h, g);
	assert_int_equal(kept->n, 1);
	assert_int_equal(ps_intel_table_match_domain(kept->table,
		"evil.example", 12, NULL, 0), 1);
	ps_intel_gen_unref(kept);
	usleep(5000);
	atomic_store(&r.stop, true);
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	assert_true(r.changes >= 2);
	assert_true(r.hits > 0);
	ps_intel_holder_release(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_build, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_holder_swap, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
