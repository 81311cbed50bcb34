/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for named counters: registration rules, freezing, per-worker
 * blocks bumped by threads while a reader sums them, formatting, and
 * allocation failures during registration.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/core.h"

static void test_register(void **state)
{
	struct ps_counter_reg r;
	uint32_t a = 99, b = 99, c = 99, id;
	char long_name[PS_COUNTER_NAME_MAX + 2];

	(void)state;
	assert_int_equal(ps_counter_reg_init(&r, 4), PS_OK);
	assert_int_equal(ps_counter_register(&r, "decoder.ipv4.truncated", &a), PS_OK);
	assert_int_equal(ps_counter_register(&r, "decoder.tcp.bad_checksum", &b), PS_OK);
	assert_int_equal(a, 0);
	assert_int_equal(b, 1);
	/* Registering again returns the same id. */
	assert_int_equal(ps_counter_register(&r, "decoder.ipv4.truncated", &c), PS_OK);
	assert_int_equal(c, 0);
	assert_int_equal(ps_counter_reg_len(&r), 2);

	/* Bad names. */
	assert_int_equal(ps_counter_register(&r, "", &id), PS_EINVAL);
	assert_int_equal(ps_counter_register(&r, NULL, &id), PS_EINVAL);
	assert_int_equal(ps_counter_register(&r, "Upper.case", &id), PS_EINVAL);
	assert_int_equal(ps_counter_register(&r, "has space", &id), PS_EINVAL);
	assert_int_equal(ps_counter_register(&r, "中文", &id), PS_EINVAL);
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	assert_int_equal(ps_counter_register(&r, long_name, &id), PS_EINVAL);
	long_name[PS_COUNTER_NAME_MAX] = '\0';
	assert_int_equal(ps_counter_register(&r, long_name, &id), PS_OK);
	assert_int_equal(ps_counter_reg_len(&r), 3);

	assert_int_equal(ps_counter_lookup(&r, "decoder.tcp.bad_checksum", &id), PS_OK);
	assert_int_equal(id, 1);
	assert_int_equal(ps_counter_lookup(&r, "nope", &id), PS_ENOENT);
	assert_int_equal(ps_counter_lookup(&r, NULL, &id), PS_ENOENT);
	assert_string_equal(ps_counter_name(&r, 0), "decoder.ipv4.truncated");
	assert_null(ps_counter_name(&r, 3));
	assert_null(ps_counter_name(&r, UINT32_MAX));

	/* The maximum. */
	assert_int_equal(ps_counter_register(&r, "x-4", &id), PS_OK);
	assert_int_equal(ps_counter_register(&r, "x-5", &id), PS_ELIMIT);
	assert_int_equal(ps_counter_lookup(&r, "x-5", &id), PS_ENOENT);
	assert_int_equal(ps_counter_reg_len(&r), 4);
	ps_counter_reg_release(&r);
}

static void test_table_and_freeze(void **state)
{
	struct ps_counter_reg r;
	struct ps_counters c;
	uint32_t pkts, bytes, drops, id;
	const struct ps_counter_def defs[] = {
		{"capture.packets", &pkts},
		{"capture.bytes", &bytes},
		{"capture.drops", &drops},
	};

	(void)state;
	assert_int_equal(ps_counter_reg_init(&r, 100), PS_OK);
	assert_int_equal(ps_counter_register_all(&r, defs, PS_ARRAY_LEN(defs)), PS_OK);
	assert_int_equal(drops, 2);
	assert_int_equal(ps_counters_init(&c, &r), PS_OK);
	/* Frozen: new names refused, known names still resolve. */
	assert_int_equal(ps_counter_register(&r, "capture.late", &id), PS_EINVAL);
	assert_int_equal(ps_counter_register(&r, "capture.bytes", &id), PS_OK);
	assert_int_equal(id, bytes);
	assert_int_equal(ps_counter_reg_len(&r), 3);

	ps_counter_inc(&c, pkts);
	ps_counter_inc(&c, pkts);
	ps_counter_add(&c, bytes, 1500);
	ps_counter_inc(&c, 3);          /* out of range: ignored */
	ps_counter_add(&c, UINT32_MAX, 5);
	assert_int_equal(ps_counter_get(&c, pkts), 2);
	assert_int_equal(ps_counter_get(&c, bytes), 1500);
	assert_int_equal(ps_counter_get(&c, drops), 0);
	assert_int_equal(ps_counter_get(&c, 3), 0);
	ps_counters_zero(&c);
	assert_int_equal(ps_counter_get(&c, bytes), 0);
	ps_counters_release(&c);
	ps_counters_release(&c);
	ps_counter_reg_release(&r);
}

static void test_merge_fmt(void **state)
{
	struct ps_counter_reg r;
	struct ps_counters w[3], total;
	const struct ps_counters *blks[3] = {&w[0], &w[1], &w[2]};
	struct ps_buf out;
	uint32_t a, b, z;

	(void)state;
	assert_int_equal(ps_counter_reg_init(&r, 10), PS_OK);
	assert_int_equal(ps_counter_register(&r, "a.one", &a), PS_OK);
	assert_int_equal(ps_counter_register(&r, "b.zero", &z), PS_OK);
	assert_int_equal(ps_counter_register(&r, "c.two", &b), PS_OK);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(ps_counters_init(&w[i], &r), PS_OK);
		ps_counter_add(&w[i], a, (uint64_t)i + 1);
		ps_counter_add(&w[i], b, 10);
	}
	assert_int_equal(ps_counters_init(&total, &r), PS_OK);
	ps_counter_add(&total, a, 1000); /* overwritten by sum */
	ps_counters_sum(&total, blks, 3);
	assert_int_equal(ps_counter_get(&total, a), 6);
	assert_int_equal(ps_counter_get(&total, b), 30);
	ps_counters_merge(&total, &w[0]);
	assert_int_equal(ps_counter_get(&total, a), 7);

	ps_buf_init(&out, PS_MEM_TEST, 4096);
	assert_int_equal(ps_counters_fmt(&r, &total, &out, true), PS_OK);
	assert_string_equal(ps_buf_cstr(&out), "a.one 7\nc.two 40\n");
	ps_buf_reset(&out);
	assert_int_equal(ps_counters_fmt(&r, &total, &out, false), PS_OK);
	assert_string_equal(ps_buf_cstr(&out), "a.one 7\nb.zero 0\nc.two 40\n");
	ps_buf_release(&out);
	ps_buf_init(&out, PS_MEM_TEST, 10);
	assert_int_equal(ps_counters_fmt(&r, &total, &out, false), PS_ELIMIT);
	ps_buf_release(&out);

	for (int i = 0; i < 3; i++)
		ps_counters_release(&w[i]);
	ps_counters_release(&total);
	ps_counter_reg_release(&r);
}

#define WORKERS 4
#define BUMPS 200000

struct worker {
	pthread_t t;
	struct ps_counters c;
	uint32_t id;
};

static atomic_bool stop_reader;

static void *bump(void *arg)
{
	struct worker *w = arg;

	for (int i = 0; i < BUMPS; i++)
		ps_counter_inc(&w->c, w->id);
	return NULL;
}

struct reader {
	struct worker *w;
	struct ps_counters *total;
	uint32_t id;
	bool monotonic;
};

static void *read_sums(void *arg)
{
	struct reader *rd = arg;
	const struct ps_counters *blks[WORKERS];
	uint64_t last = 0;

	for (int i = 0; i < WORKERS; i++)
		blks[i] = &rd->w[i].c;
	rd->monotonic = true;
	while (!atomic_load(&stop_reader)) {
		uint64_t v;

		ps_counters_sum(rd->total, blks, WORKERS);
		v = ps_counter_get(rd->total, rd->id);
		if (v < last || v > (uint64_t)WORKERS * BUMPS)
			rd->monotonic = false;
		last = v;
	}
	return NULL;
}

static void test_threads(void **state)
{
	struct ps_counter_reg r;
	struct worker w[WORKERS];
	struct ps_counters total;
	struct reader rd;
	pthread_t rt;
	uint32_t id;

	(void)state;
	assert_int_equal(ps_counter_reg_init(&r, 10), PS_OK);
	assert_int_equal(ps_counter_register(&r, "worker.packets", &id), PS_OK);
	assert_int_equal(ps_counters_init(&total, &r), PS_OK);
	for (int i = 0; i < WORKERS; i++) {
		assert_int_equal(ps_counters_init(&w[i].c, &r), PS_OK);
		w[i].id = id;
	}
	rd = (struct reader){w, &total, id, false};
	atomic_store(&stop_reader, false);
	assert_int_equal(pthread_create(&rt, NULL, read_sums, &rd), 0);
	for (int i = 0; i < WORKERS; i++)
		assert_int_equal(pthread_create(&w[i].t, NULL, bump, &w[i]), 0);
	for (int i = 0; i < WORKERS; i++)
		assert_int_equal(pthread_join(w[i].t, NULL), 0);
	atomic_store(&stop_reader, true);
	assert_int_equal(pthread_join(rt, NULL), 0);
	assert_true(rd.monotonic); /* concurrent snapshots only ever grew */

	for (int i = 0; i < WORKERS; i++)
		assert_int_equal(ps_counter_get(&w[i].c, id), BUMPS);
	{
		const struct ps_counters *blks[WORKERS];

		for (int i = 0; i < WORKERS; i++)
			blks[i] = &w[i].c;
		ps_counters_sum(&total, blks, WORKERS);
	}
	assert_int_equal(ps_counter_get(&total, id), (uint64_t)WORKERS * BUMPS);
	for (int i = 0; i < WORKERS; i++)
		ps_counters_release(&w[i].c);
	ps_counters_release(&total);
	ps_counter_reg_release(&r);
}

/* Register 40 names while allocation k fails: the registry stays consistent. */
static int register_many(void *arg)
{
	struct ps_counter_reg r;
	struct ps_counters c;
	char name[32];
	int rc = PS_OK;

	(void)arg;
	if (ps_counter_reg_init(&r, 100) != PS_OK)
		return PS_EINVAL;
	for (int i = 0; i < 40 && rc == PS_OK; i++) {
		uint32_t id;

		snprintf(name, sizeof(name), "mod.counter_%d", i);
		rc = ps_counter_register(&r, name, &id);
		if (rc != PS_OK) {
			assert_int_equal(rc, PS_ENOMEM);
			assert_int_equal(ps_counter_reg_len(&r), (size_t)i);
			assert_int_equal(ps_counter_lookup(&r, name, &id), PS_ENOENT);
		} else {
			assert_int_equal(id, (uint32_t)i);
		}
	}
	if (rc == PS_OK) {
		rc = ps_counters_init(&c, &r);
		if (rc == PS_OK)
			ps_counters_release(&c);
	}
	ps_counter_reg_release(&r);
	return rc;
}

static void test_torture(void **state)
{
	(void)state;
	assert_true(ps_mem_torture(register_many, NULL, true) > 40);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_register),
		cmocka_unit_test(test_table_and_freeze),
		cmocka_unit_test(test_merge_fmt),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_torture),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
